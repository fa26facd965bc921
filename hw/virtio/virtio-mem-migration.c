/* SPDX-License-Identifier: GPL-2.0-or-later */
/* virtio-mem's migrated state: what the source sends, what loading does. */

#include <inttypes.h>

#include "hw/virtio/virtio-mem-internal.h"
#include "util/bitmap.h"
#include "util/error.h"
#include "util/prealloc.h"

void qmem_virtio_mem_get_mig_state(QmemVirtioMem *vmem,
                                   QmemVirtioMemMigState *state)
{
    QmemRamBlock *rb = qmem_virtio_mem_get_ram_block(vmem);

    g_return_if_fail(vmem->realized);
    state->addr = vmem->addr;
    state->region_size = rb->size;
    state->block_size = vmem->block_size;
    state->node = vmem->node;
    state->usable_region_size = vmem->usable_region_size;
    state->size = vmem->size;
    state->requested_size = vmem->requested_size;
    state->bitmap = vmem->bitmap;
    state->bitmap_size = vmem->bitmap_size;
}

/* QEMU's virtio_mem_mig_sanity_checks_post_load(), its texts. */
static gboolean sanity_checks(QmemVirtioMem *vmem,
                              const QmemVirtioMemMigState *s,
                              GError **error)
{
    QmemRamBlock *rb = qmem_virtio_mem_get_ram_block(vmem);

    if (s->addr != vmem->addr) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "Property '%s' changed from 0x%" PRIx64 " to 0x%" PRIx64,
                    QMEM_VIRTIO_MEM_PROP_ADDR, s->addr, vmem->addr);
        return FALSE;
    }
    if (s->region_size != rb->size) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "Property '%s' size changed from 0x%" PRIx64 " to 0x%"
                    PRIx64, QMEM_VIRTIO_MEM_PROP_MEMDEV, s->region_size,
                    rb->size);
        return FALSE;
    }
    if (s->block_size != vmem->block_size) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "Property '%s' changed from 0x%" PRIx64 " to 0x%" PRIx64,
                    QMEM_VIRTIO_MEM_PROP_BLOCK_SIZE, s->block_size,
                    vmem->block_size);
        return FALSE;
    }
    if (s->node != vmem->node) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "Property '%s' changed from %" PRIu32 " to %" PRIu32,
                    QMEM_VIRTIO_MEM_PROP_NODE, s->node, vmem->node);
        return FALSE;
    }
    return TRUE;
}

/* The rest must be a state this device could be in. */
static gboolean state_valid(QmemVirtioMem *vmem,
                            const QmemVirtioMemMigState *s, GError **error)
{
    guint64 plugged = 0;

    if (s->bitmap_size != vmem->bitmap_size) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "virtio-mem bitmap of %" PRIu64 " blocks, expected %"
                    PRIu64, s->bitmap_size, vmem->bitmap_size);
        return FALSE;
    }
    for (guint64 i = 0; i < (s->bitmap_size + 63) / 64; i++) {
        guint64 word = s->bitmap[i];

        if (i == s->bitmap_size / 64 && s->bitmap_size % 64) {
            word &= (G_GUINT64_CONSTANT(1) << (s->bitmap_size % 64)) - 1;
        }
        plugged += __builtin_popcountll(word);
    }
    if (s->usable_region_size > s->region_size ||
        s->usable_region_size % s->block_size ||
        s->requested_size > s->region_size ||
        s->requested_size % s->block_size ||
        plugged * s->block_size != s->size ||
        (s->size && qmem_find_next_bit(s->bitmap, s->bitmap_size,
                                       s->usable_region_size /
                                       s->block_size) < s->bitmap_size)) {
        g_set_error_literal(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                            "virtio-mem state is inconsistent");
        return FALSE;
    }
    return TRUE;
}

/* Calls @fn for each run of blocks in state @plugged: offset, size. */
static gboolean for_each_range(QmemVirtioMem *vmem, gboolean plugged,
                               gboolean (*fn)(QmemVirtioMem *vmem,
                                              guint64 offset, guint64 size,
                                              GError **error),
                               GError **error)
{
    guint64 first = 0;

    while (first < vmem->bitmap_size) {
        guint64 start = plugged ?
            qmem_find_next_bit(vmem->bitmap, vmem->bitmap_size, first) :
            qmem_find_next_zero_bit(vmem->bitmap, vmem->bitmap_size, first);
        guint64 end;

        if (start >= vmem->bitmap_size) {
            break;
        }
        end = plugged ?
            qmem_find_next_zero_bit(vmem->bitmap, vmem->bitmap_size, start) :
            qmem_find_next_bit(vmem->bitmap, vmem->bitmap_size, start);
        if (!fn(vmem, start * vmem->block_size,
                (end - start) * vmem->block_size, error)) {
            return FALSE;
        }
        first = end;
    }
    return TRUE;
}

static gboolean discard_cb(QmemVirtioMem *vmem, guint64 offset, guint64 size,
                           GError **error)
{
    int ret = qmem_ram_block_discard_range(qmem_virtio_mem_get_ram_block(vmem),
                                           offset, size);

    if (ret) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "Unexpected error discarding RAM: %s", g_strerror(-ret));
        return FALSE;
    }
    return TRUE;
}

static gboolean plugged_cb(QmemVirtioMem *vmem, guint64 offset, guint64 size,
                           GError **error)
{
    QmemRamBlock *rb = qmem_virtio_mem_get_ram_block(vmem);

    if (vmem->dynamic_memslots) {
        qmem_virtio_mem_activate_memslots(vmem, offset, size);
    }
    if (vmem->prealloc) {
        return qmem_prealloc_mem(rb->fd, (guint8 *)rb->host + offset, size, 1,
                                 NULL, FALSE, error);
    }
    return TRUE;
}

gboolean qmem_virtio_mem_post_load(QmemVirtioMem *vmem,
                                   const QmemVirtioMemMigState *state,
                                   GError **error)
{
    g_return_val_if_fail(vmem->realized, FALSE);

    if (!sanity_checks(vmem, state, error) ||
        !state_valid(vmem, state, error)) {
        return FALSE;
    }
    memcpy(vmem->bitmap, state->bitmap,
           (vmem->bitmap_size + 63) / 64 * sizeof(guint64));
    vmem->usable_region_size = state->usable_region_size;
    vmem->requested_size = state->requested_size;
    vmem->size = state->size;
    if (!for_each_range(vmem, FALSE, discard_cb, error) ||
        !for_each_range(vmem, TRUE, plugged_cb, error)) {
        return FALSE;
    }
    qmem_virtio_mem_notify_size(vmem);
    return TRUE;
}

/* The RAM block's discard manager: only plugged blocks hold data. */
gboolean qmem_virtio_mem_rdm_is_populated(gpointer opaque, guint64 offset,
                                          guint64 size)
{
    QmemVirtioMem *vmem = opaque;
    guint64 first = offset / vmem->block_size;
    guint64 last = (offset + size - 1) / vmem->block_size;

    if (!size || last >= vmem->bitmap_size) {
        return FALSE;
    }
    return qmem_find_next_zero_bit(vmem->bitmap, last + 1, first) > last;
}
