/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What qmem-run makes of the values QMP hands it, replayed against QEMU
 * 7.2's answers (the "qmp-*" cases of tests/qemu-ref/capture.py): numbers
 * out of a property's range are refused with QEMU's texts and never wrap.
 */

#include <glib.h>
#include "libqtest.h"
#include "qemu-ref.h"

int main(int argc, char **argv)
{
    g_autoptr(GList) names = NULL;

    g_test_init(&argc, &argv, NULL);
    names = qemu_ref_case_names();
    for (GList *n = names; n; n = n->next) {
        g_autofree char *path = NULL;

        if (!g_str_has_prefix(n->data, "qmp-")) {
            continue;
        }
        path = g_strdup_printf("/qmp/input/qemu/%s", (const char *)n->data);
        g_test_add_data_func(path, n->data, qemu_ref_replay_script);
    }
    return g_test_run();
}
