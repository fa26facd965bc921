/* SPDX-License-Identifier: GPL-2.0-or-later */
/* QMP and HMP commands about the machine: memory backends, CPUs. */

#include "hw/core/boards.h"
#include "hw/core/machine-qmp-cmds.h"
#include "hw/core/numa.h"
#include "system/hostmem.h"

JsonNode *qmem_qmp_query_memdev(JsonObject *args, GError **error)
{
    if (!qmem_qmp_args_visit(args, NULL, error)) {
        return NULL;
    }
    return qmem_host_memory_backend_query();
}

gboolean qmem_hmp_info_memdev(const char *args, GString *out, GError **error)
{
    qmem_host_memory_backend_info(out);
    return TRUE;
}

JsonNode *qmem_qmp_query_cpus_fast(JsonObject *args, GError **error)
{
    if (!qmem_qmp_args_visit(args, NULL, error)) {
        return NULL;
    }
    return qmem_numa_query_cpus_fast(qmem_machine_get_current());
}
