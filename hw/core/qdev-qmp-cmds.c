/* SPDX-License-Identifier: GPL-2.0-or-later */
/* QMP and HMP device_add and device_del. */

#include "hw/core/boards.h"
#include "hw/core/qdev-qmp-cmds.h"
#include "qapi/opts.h"
#include "qobject/json.h"

/*
 * QEMU 7.2's qemu_opts_from_qdict(): a string stays, a number becomes its
 * decimal text (a double "%.17g"), a boolean "on" or "off", and anything
 * else is dropped.
 */
static void add_opt(JsonObject *object, const char *name, JsonNode *node,
                    gpointer opaque)
{
    JsonObject *opts = opaque;
    char buf[G_ASCII_DTOSTR_BUF_SIZE];

    if (!JSON_NODE_HOLDS_VALUE(node)) {
        return;
    }
    switch (json_node_get_value_type(node)) {
    case G_TYPE_STRING:
        json_object_set_string_member(opts, name, json_node_get_string(node));
        break;
    case G_TYPE_INT64:
        g_snprintf(buf, sizeof(buf),
                   qmem_json_node_is_uint64(node) ? "%" G_GUINT64_FORMAT
                                                  : "%" G_GINT64_FORMAT,
                   json_node_get_int(node));
        json_object_set_string_member(opts, name, buf);
        break;
    case G_TYPE_DOUBLE:
        json_object_set_string_member(opts, name,
            g_ascii_formatd(buf, sizeof(buf), "%.17g",
                            json_node_get_double(node)));
        break;
    case G_TYPE_BOOLEAN:
        json_object_set_string_member(opts, name, json_node_get_boolean(node)
                                                  ? "on" : "off");
        break;
    }
}

/*
 * QEMU 7.2's qmp_device_add() turns its arguments into QemuOpts and
 * creates the device from them as -device does: so do its texts ("Parameter
 * 'slot' expects integer") and so are strings taken for numbers.
 */
JsonNode *qmem_qmp_device_add(JsonObject *args, GError **error)
{
    g_autoptr(JsonObject) opts = json_object_new();

    json_object_foreach_member(args, add_opt, opts);
    qmem_device_add(opts, QMEM_INPUT_KEYVAL,
                    qmem_phase_check(QMEM_PHASE_MACHINE_READY), error);
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
