/* SPDX-License-Identifier: GPL-2.0-or-later */
/* QMP and HMP device_add and device_del. */

#include "hw/core/boards.h"
#include "hw/core/qdev-qmp-cmds.h"
#include "qapi/opts.h"

JsonNode *qmem_qmp_device_add(JsonObject *args, GError **error)
{
    QmemMachine *machine = qmem_machine_get_current();

    qmem_device_add(args, QMEM_INPUT_JSON,
                    machine && qmem_machine_is_running(machine), error);
    return NULL;
}

JsonNode *qmem_qmp_device_del(JsonObject *args, GError **error)
{
    const char *id;
    const QmemQmpArg members[] = {
        { "id", QMEM_QMP_ARG_STR, &id },
        { NULL }
    };

    if (qmem_qmp_args_visit(args, members, error)) {
        qmem_device_del(id, error);
    }
    return NULL;
}

gboolean qmem_hmp_device_add(const char *args, GString *out, GError **error)
{
    g_autoptr(JsonObject) options = qmem_keyval_parse(args, "driver", NULL,
                                                      error);

    return options && qmem_device_add(options, QMEM_INPUT_KEYVAL, TRUE,
                                      error);
}

gboolean qmem_hmp_device_del(const char *args, GString *out, GError **error)
{
    return qmem_device_del(args, error);
}
