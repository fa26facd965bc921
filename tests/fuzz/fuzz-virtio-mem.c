/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libFuzzer target: virtio-mem's guest request handler, with invariants. */

#include <stdint.h>
#include <string.h>

#include "tests/fuzz/fuzz-virtio-mem-common.h"

/*
 * Input: one configuration byte, two bytes for requested-size and the
 * memslot limit, then records of a selector byte and a 24-byte request:
 *
 *   selector & 3 == 0   the request as it is (a guest's raw bytes)
 *   selector & 3 == 1   the same, its address moved into the device
 *                       (most random addresses miss it)
 *   selector & 3 == 2   requested-size := le16(request) blocks (as
 *                       qom-set would; refusals are fine)
 *   selector & 3 == 3   bit 2: system reset (bit 3: wake-up), else the
 *                       busy switch flips
 *   selector & 0x80     the guest gives (selector >> 3) & 15 bytes of
 *                       request only; & 0x40: 9 bytes of response room
 *
 * After every record the plugged size must equal the bitmap's, and with
 * dynamic memslots exactly the memslots holding plugged blocks are mapped.
 */

#define RECORD (1 + QMEM_VIRTIO_MEM_REQ_SIZE)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const QmemVirtioMemEnv env = { .nb_numa_nodes = 1 };
    g_autoptr(QmemVirtioMem) vmem = NULL;
    g_autoptr(GError) error = NULL;
    guint8 config, resp[QMEM_VIRTIO_MEM_RESP_SIZE];
    guint64 block;
    gboolean busy = FALSE;

    if (size < 3) {
        return 0;
    }
    fuzz_quiet();
    config = data[0];
    block = fuzz_block_sizes[config & 3];
    vmem = fuzz_virtio_mem_new(block, data[1], config & 4, data[2] % 8);
    if (!qmem_virtio_mem_realize(vmem, &env, &error)) {
        g_error("realize: %s", error->message);
    }
    data += 3;
    size -= 3;

    for (; size >= RECORD; data += RECORD, size -= RECORD) {
        guint8 sel = data[0], req[QMEM_VIRTIO_MEM_REQ_SIZE];
        gsize req_len = QMEM_VIRTIO_MEM_REQ_SIZE;
        gsize resp_len = sizeof(resp);

        memcpy(req, data + 1, sizeof(req));
        switch (sel & 3) {
        case 1:
            fuzz_put_le64(req + 8, ADDR + fuzz_le64(req + 8) % (2 * REGION));
            /* fall through */
        case 0:
            if (sel & 0x80) {
                req_len = (sel >> 3) & 15;
            }
            if (sel & 0x40) {
                resp_len = QMEM_VIRTIO_MEM_RESP_SIZE - 1;
            }
            if (!qmem_virtio_mem_handle_request(vmem, req, req_len, resp,
                                                resp_len, NULL)) {
                g_assert_true(qmem_virtio_is_broken(QMEM_VIRTIO_DEVICE(vmem)));
                qmem_virtio_reset(QMEM_VIRTIO_DEVICE(vmem));
            } else {
                g_assert_cmpuint(resp[0], <=, QMEM_VIRTIO_MEM_RESP_ERROR);
                g_assert_cmpuint(resp[1], ==, 0);
            }
            break;
        case 2:
            fuzz_set_requested_size(vmem,
                                    (guint64)(req[0] | req[1] << 8) * block);
            break;
        default:
            if (sel & 4) {
                qmem_virtio_mem_system_reset(vmem, sel & 8);
            } else {
                busy = !busy;
                qmem_virtio_mem_set_busy(vmem, busy);
            }
            break;
        }
        fuzz_check_invariants(vmem);
    }
    return 0;
}
