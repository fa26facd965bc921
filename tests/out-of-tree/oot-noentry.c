/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A shared object without a module entry point, for the loader's error. */

#include <gmodule.h>

/* Deliberately not qmem_module_oot_noentry_register. */
G_MODULE_EXPORT int oot_noentry_answer(void);

G_MODULE_EXPORT int oot_noentry_answer(void)
{
    return 42;
}
