/* SPDX-License-Identifier: GPL-2.0-or-later */
/* qmem_modules_init() for builds with loadable modules. */

#include "modules/builtin.h"
#include "qom/module.h"

gboolean qmem_modules_init(GError **error)
{
    g_auto(GStrv) dirs = g_strsplit(qmem_module_get_dir(),
                                    G_SEARCHPATH_SEPARATOR_S, -1);

    qmem_modules_init_builtin();
    if (!qmem_module_check_dirs(error)) {
        return FALSE;
    }

    for (char **dir = dirs; *dir; dir++) {
        if (**dir && !qmem_module_load_dir(*dir, error)) {
            return FALSE;
        }
    }
    return TRUE;
}
