/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The monitor's own HMP commands. */

#include "monitor/monitor-internal.h"
#include "system/memory.h"

/* qmem prints the region tree whatever QEMU's flags ask for. */
gboolean qmem_hmp_info_mtree(const char *args, GString *out, GError **error)
{
    qmem_memory_print_mtree(out);
    return TRUE;
}
