/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Test hooks: a virtio-mem request as a guest would send it, from outside. */

#ifndef QMEM_HW_VIRTIO_VIRTIO_MEM_QMP_CMDS_H
#define QMEM_HW_VIRTIO_VIRTIO_MEM_QMP_CMDS_H

#include "qapi/qmp-command.h"

G_BEGIN_DECLS

/*
 * The requests, responses and states by the names the hooks use, indexed
 * by their wire values (QMEM_VIRTIO_MEM_REQ_*, _RESP_*, _STATE_*); each
 * array ends with %NULL.
 */
extern const char *const qmem_virtio_mem_request_names[];
extern const char *const qmem_virtio_mem_response_names[];
extern const char *const qmem_virtio_mem_state_names[];

/**
 * qmem_virtio_mem_debug_request:
 * @path: the device's id or QOM path (a virtio-mem-pci)
 * @type: a QMEM_VIRTIO_MEM_REQ_* value
 * @addr: the request's guest-physical address
 * @nb_blocks: its block count
 * @response: (out): the response type
 * @state: (out): the state of a STATE request's range
 * @error: return location for a #GError
 *
 * Builds the request a guest driver would put on the queue and hands it to
 * qmem_virtio_mem_handle_request().  Fails with "Device '%s' not found"
 * (DeviceNotFound), "device '%s' is not a virtio-mem device", or a
 * protocol violation.
 *
 * Returns: %TRUE when the device answered.
 */
gboolean qmem_virtio_mem_debug_request(const char *path, guint16 type,
                                       guint64 addr, guint16 nb_blocks,
                                       guint16 *response, guint16 *state,
                                       GError **error);

/**
 * qmem_qmp_x_virtio_mem_request:
 *
 * QMP x-virtio-mem-request: arguments "qom-path", "type" (plug, unplug,
 * unplug-all, state), "addr" and "nb-blocks" (both needed but for
 * unplug-all); returns {"response": "ack"}, with "state" after an ACKed
 * state request.  The monitor registers it (monitor/commands.c).
 */
JsonNode *qmem_qmp_x_virtio_mem_request(JsonObject *args, GError **error);

G_END_DECLS

#endif
