/* SPDX-License-Identifier: GPL-2.0-or-later */
/* qmem_modules_init() for builds with loadable modules. */

#include "hw/core/module.h"

gboolean qmem_modules_init(GError **error)
{
    return qmem_module_load_dir(qmem_module_get_dir(), error);
}
