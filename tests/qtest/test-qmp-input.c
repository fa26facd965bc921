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
    g_test_init(&argc, &argv, NULL);
    qemu_ref_add_scripts("qmp-", "/qmp/input/qemu");
    return g_test_run();
}
