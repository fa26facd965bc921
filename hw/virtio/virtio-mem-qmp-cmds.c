/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Test hooks: a virtio-mem request as a guest would send it, from outside. */

#include "hw/core/qdev.h"
#include "hw/virtio/virtio-mem-qmp-cmds.h"
#include "hw/virtio/virtio-mem.h"
#include "qobject/json.h"
#include "util/error.h"

const char *const qmem_virtio_mem_request_names[] = {
    [QMEM_VIRTIO_MEM_REQ_PLUG] = "plug",
    [QMEM_VIRTIO_MEM_REQ_UNPLUG] = "unplug",
    [QMEM_VIRTIO_MEM_REQ_UNPLUG_ALL] = "unplug-all",
    [QMEM_VIRTIO_MEM_REQ_STATE] = "state",
    NULL
};

const char *const qmem_virtio_mem_response_names[] = {
    [QMEM_VIRTIO_MEM_RESP_ACK] = "ack",
    [QMEM_VIRTIO_MEM_RESP_NACK] = "nack",
    [QMEM_VIRTIO_MEM_RESP_BUSY] = "busy",
    [QMEM_VIRTIO_MEM_RESP_ERROR] = "error",
    NULL
};

const char *const qmem_virtio_mem_state_names[] = {
    [QMEM_VIRTIO_MEM_STATE_PLUGGED] = "plugged",
    [QMEM_VIRTIO_MEM_STATE_UNPLUGGED] = "unplugged",
    [QMEM_VIRTIO_MEM_STATE_MIXED] = "mixed",
    NULL
};

static QmemVirtioMem *find_vmem(const char *path, GError **error)
{
    QmemObject *obj = qmem_object_resolve_path(path, QMEM_TYPE_DEVICE, NULL);
    QmemVirtioMem *vmem;

    if (!obj) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_DEVICE_NOT_FOUND,
                    "Device '%s' not found", path);
        return NULL;
    }
    vmem = qmem_virtio_mem_from_device(QMEM_DEVICE(obj));
    if (!vmem || !qmem_virtio_mem_is_realized(vmem)) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "device '%s' is not a virtio-mem device", path);
        return NULL;
    }
    return vmem;
}

gboolean qmem_virtio_mem_debug_request(const char *path, guint16 type,
                                       guint64 addr, guint16 nb_blocks,
                                       guint16 *response, guint16 *state,
                                       GError **error)
{
    /* <linux/virtio_mem.h>, little-endian. */
    struct {
        guint16 type;
        guint16 padding[3];
        guint64 addr;
        guint16 nb_blocks;
        guint16 padding2[3];
    } req = {
        .type = GUINT16_TO_LE(type),
        .addr = GUINT64_TO_LE(addr),
        .nb_blocks = GUINT16_TO_LE(nb_blocks),
    };
    struct {
        guint16 type;
        guint16 padding[3];
        guint16 state;
    } resp;
    QmemVirtioMem *vmem = find_vmem(path, error);

    G_STATIC_ASSERT(sizeof(req) == QMEM_VIRTIO_MEM_REQ_SIZE);
    if (!vmem ||
        !qmem_virtio_mem_handle_request(vmem, (const guint8 *)&req,
                                        sizeof(req), (guint8 *)&resp,
                                        QMEM_VIRTIO_MEM_RESP_SIZE, error)) {
        return FALSE;
    }
    *response = GUINT16_FROM_LE(resp.type);
    *state = GUINT16_FROM_LE(resp.state);
    return TRUE;
}

JsonNode *qmem_qmp_x_virtio_mem_request(JsonObject *args, GError **error)
{
    const char *path;
    int type;
    guint64 addr = 0, nb_blocks = 0;
    gboolean has_addr, has_nb_blocks;
    const QmemQmpArg members[] = {
        { "qom-path", QMEM_QMP_ARG_STR, &path },
        { "type", QMEM_QMP_ARG_ENUM, &type,
          .values = qmem_virtio_mem_request_names },
        { "addr", QMEM_QMP_ARG_UINT, &addr, &has_addr },
        { "nb-blocks", QMEM_QMP_ARG_UINT, &nb_blocks, &has_nb_blocks,
          .max = G_MAXUINT16 },
        { NULL }
    };
    guint16 response, state;
    JsonObject *ret;

    if (!qmem_qmp_args_visit(args, members, error)) {
        return NULL;
    }
    /* Only unplug-all needs no range. */
    if (type != QMEM_VIRTIO_MEM_REQ_UNPLUG_ALL &&
        (!has_addr || !has_nb_blocks)) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "Parameter '%s' is missing",
                    has_addr ? "nb-blocks" : "addr");
        return NULL;
    }
    if (!qmem_virtio_mem_debug_request(path, type, addr, nb_blocks,
                                       &response, &state, error)) {
        return NULL;
    }
    ret = json_object_new();
    json_object_set_string_member(ret, "response",
                                  qmem_virtio_mem_response_names[response]);
    if (type == QMEM_VIRTIO_MEM_REQ_STATE &&
        response == QMEM_VIRTIO_MEM_RESP_ACK) {
        json_object_set_string_member(ret, "state",
                                      qmem_virtio_mem_state_names[state]);
    }
    return qmem_json_node_new_object(ret);
}
