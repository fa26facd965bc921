/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The qtest command virtio-mem-request: a guest's request, from a test. */

#include "accel/qtest/qtest-internal.h"
#include "hw/virtio/virtio-mem-qmp-cmds.h"
#include "hw/virtio/virtio-mem.h"
#include "util/cutils.h"

static int request_type_from_name(const char *name)
{
    for (int i = 0; qmem_virtio_mem_request_names[i]; i++) {
        if (!strcmp(qmem_virtio_mem_request_names[i], name)) {
            return i;
        }
    }
    return -1;
}

void qmem_qtest_virtio_mem_request(QmemQtestServer *server, char **argv,
                                   GString *reply)
{
    g_autoptr(GError) error = NULL;
    guint argc = g_strv_length(argv);
    guint64 addr = 0, nb_blocks = 0;
    guint16 response, state;
    int type;

    if (argc < 3) {
        g_string_append(reply, "FAIL missing argument");
        return;
    }
    type = request_type_from_name(argv[2]);
    if (type < 0) {
        g_string_append_printf(reply, "FAIL invalid request type '%s'",
                               argv[2]);
        return;
    }
    if (type != QMEM_VIRTIO_MEM_REQ_UNPLUG_ALL && argc < 5) {
        g_string_append(reply, "FAIL missing argument");
        return;
    }
    if (argc > 3 && qmem_strtou64(argv[3], 0, &addr)) {
        g_string_append_printf(reply, "FAIL invalid address '%s'", argv[3]);
        return;
    }
    if (argc > 4 && (qmem_parse_uint(argv[4], NULL, 0, &nb_blocks) ||
                     nb_blocks > G_MAXUINT16)) {
        g_string_append_printf(reply, "FAIL invalid number of blocks '%s'",
                               argv[4]);
        return;
    }
    if (!qmem_virtio_mem_debug_request(argv[1], type, addr, nb_blocks,
                                       &response, &state, &error)) {
        g_string_append_printf(reply, "FAIL %s", error->message);
        return;
    }
    g_string_append_printf(reply, "OK %s",
                           qmem_virtio_mem_response_names[response]);
    if (type == QMEM_VIRTIO_MEM_REQ_STATE &&
        response == QMEM_VIRTIO_MEM_RESP_ACK) {
        g_string_append_printf(reply, " %s",
                               qmem_virtio_mem_state_names[state]);
    }
}
