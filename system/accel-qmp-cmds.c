/* SPDX-License-Identifier: GPL-2.0-or-later */
/* QMP commands about the accelerator: its memslots and a guest memory test. */

#include "qobject/json.h"
#include "system/accel-qmp-cmds.h"
#include "system/accel.h"
#include "util/error.h"

JsonNode *qmem_qmp_x_query_memslots(JsonObject *args, GError **error)
{
    QmemAccel *accel = qmem_accel_get_current();
    JsonObject *ret;
    guint max = 0, free = 0;

    if (!qmem_qmp_args_visit(args, NULL, error)) {
        return NULL;
    }
    if (accel) {
        qmem_accel_get_memslots(accel, &max, &free);
    }
    ret = json_object_new();
    json_object_set_int_member(ret, "max", max);
    json_object_set_int_member(ret, "free", free);
    json_object_set_int_member(ret, "used", max - free);
    return qmem_json_node_new_object(ret);
}

JsonNode *qmem_qmp_x_guest_memtest(JsonObject *args, GError **error)
{
    /* Indexed by QmemAccelMemtestMode. */
    static const char *const modes[] = {
        [QMEM_ACCEL_MEMTEST_WRITE_VERIFY] = "write-verify",
        [QMEM_ACCEL_MEMTEST_VERIFY] = "verify",
        [QMEM_ACCEL_MEMTEST_VERIFY_ZERO] = "verify-zero",
        NULL
    };
    QmemAccel *accel = qmem_accel_get_current();
    guint64 addr, size, seed = 0, cpu_index = 0;
    int mode = QMEM_ACCEL_MEMTEST_WRITE_VERIFY;
    gboolean has_seed, has_mode, has_cpu_index;
    const QmemQmpArg members[] = {
        { "addr", QMEM_QMP_ARG_UINT, &addr },
        { "size", QMEM_QMP_ARG_UINT, &size },
        { "seed", QMEM_QMP_ARG_UINT, &seed, &has_seed },
        { "mode", QMEM_QMP_ARG_ENUM, &mode, &has_mode, .values = modes },
        { "cpu-index", QMEM_QMP_ARG_UINT, &cpu_index, &has_cpu_index,
          .max = G_MAXUINT32 },
        { NULL }
    };
    QmemAccelMemtestResult result;
    JsonObject *ret;

    if (!qmem_qmp_args_visit(args, members, error)) {
        return NULL;
    }
    if (!accel) {
        g_set_error_literal(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                            "the guest has no vCPU to run a memory test");
        return NULL;
    }
    if (!qmem_accel_guest_memtest_on_cpu(accel, cpu_index, addr, size, seed,
                                         mode, &result, error)) {
        return NULL;
    }
    ret = json_object_new();
    json_object_set_member(ret, "checked",
                           qmem_json_node_new_uint64(result.checked));
    json_object_set_member(ret, "mismatches",
                           qmem_json_node_new_uint64(result.mismatches));
    if (result.has_fault_addr) {
        json_object_set_member(ret, "fault-addr",
                               qmem_json_node_new_uint64(result.fault_addr));
    }
    return qmem_json_node_new_object(ret);
}
