/* SPDX-License-Identifier: GPL-2.0-or-later */
/* virtio-mem as the guest sees it: requests, config space, reset. */

#include <errno.h>
#include <stdarg.h>
#include <string.h>

#include "hw/virtio/virtio-mem-internal.h"
#include "system/runstate.h"
#include "util/bitmap.h"
#include "util/error-report.h"
#include "util/error.h"
#include "util/prealloc.h"

/* Blocks */

gboolean qmem_virtio_mem_is_range_plugged(QmemVirtioMem *vmem, guint64 addr,
                                          guint64 size)
{
    const guint64 first_bit = (addr - vmem->addr) / vmem->block_size;
    const guint64 last_bit = first_bit + size / vmem->block_size - 1;

    g_return_val_if_fail(vmem->realized, FALSE);
    /* A shorter bitmap keeps the search inside the range. */
    return qmem_find_next_zero_bit(vmem->bitmap, last_bit + 1, first_bit) >
           last_bit;
}

gboolean qmem_virtio_mem_is_range_unplugged(QmemVirtioMem *vmem,
                                            guint64 addr, guint64 size)
{
    const guint64 first_bit = (addr - vmem->addr) / vmem->block_size;
    const guint64 last_bit = first_bit + size / vmem->block_size - 1;

    g_return_val_if_fail(vmem->realized, FALSE);
    return qmem_find_next_bit(vmem->bitmap, last_bit + 1, first_bit) >
           last_bit;
}

static void set_range(QmemVirtioMem *vmem, guint64 addr, guint64 size,
                      gboolean plugged)
{
    guint64 first = (addr - vmem->addr) / vmem->block_size;
    guint64 n = size / vmem->block_size;

    if (plugged) {
        qmem_bitmap_set(vmem->bitmap, first, n);
    } else {
        qmem_bitmap_clear(vmem->bitmap, first, n);
    }
}

/* The guest sends any numbers: only whole blocks of the usable region. */
static gboolean valid_range(QmemVirtioMem *vmem, guint64 gpa, guint64 size)
{
    if (gpa % vmem->block_size) {
        return FALSE;
    }
    if (gpa + size < gpa || !size) {
        return FALSE;
    }
    if (gpa < vmem->addr || gpa >= vmem->addr + vmem->usable_region_size) {
        return FALSE;
    }
    if (gpa + size > vmem->addr + vmem->usable_region_size) {
        return FALSE;
    }
    return TRUE;
}

/* Requests */

static int unplug_range(QmemVirtioMem *vmem, guint64 start_gpa,
                        guint64 size)
{
    const guint64 offset = start_gpa - vmem->addr;

    if (qmem_ram_block_discard_range(qmem_virtio_mem_get_ram_block(vmem),
                                     offset, size)) {
        return -EBUSY;
    }
    set_range(vmem, start_gpa, size, FALSE);
    /* After the bitmap changed: it says which memslots are empty. */
    if (vmem->dynamic_memslots) {
        qmem_virtio_mem_deactivate_memslots(vmem, offset, size);
    }
    return 0;
}

static int plug_range(QmemVirtioMem *vmem, guint64 start_gpa, guint64 size)
{
    const guint64 offset = start_gpa - vmem->addr;
    QmemRamBlock *rb = qmem_virtio_mem_get_ram_block(vmem);

    if (vmem->prealloc) {
        static gboolean warned;
        g_autoptr(GError) local_err = NULL;

        if (!qmem_prealloc_mem(rb->fd, (guint8 *)rb->host + offset, size, 1,
                               NULL, FALSE, &local_err)) {
            /* Once: a guest retrying must not fill the log. */
            if (!warned) {
                qmem_warn_report("%s", local_err->message);
                warned = TRUE;
            }
            /* Preallocation may have populated part of it. */
            qmem_ram_block_discard_range(rb, offset, size);
            return -EBUSY;
        }
    }
    /* Mapped before the blocks become plugged. */
    if (vmem->dynamic_memslots) {
        qmem_virtio_mem_activate_memslots(vmem, offset, size);
    }
    set_range(vmem, start_gpa, size, TRUE);
    return 0;
}

/* Returns 0 or -EBUSY; on failure the blocks keep their state. */
static int set_block_state(QmemVirtioMem *vmem, guint64 start_gpa,
                           guint64 size, gboolean plug)
{
    if (vmem->busy || !qmem_migration_is_idle()) {
        return -EBUSY;
    }
    return plug ? plug_range(vmem, start_gpa, size)
                : unplug_range(vmem, start_gpa, size);
}

static guint16 state_change_request(QmemVirtioMem *vmem, guint64 gpa,
                                    guint16 nb_blocks, gboolean plug)
{
    guint64 size;
    int ret;

    /* Cannot overflow for any backend that fits a 64-bit address space. */
    if (nb_blocks > G_MAXUINT64 / vmem->block_size) {
        return QMEM_VIRTIO_MEM_RESP_ERROR;
    }
    size = nb_blocks * vmem->block_size;
    if (!valid_range(vmem, gpa, size)) {
        return QMEM_VIRTIO_MEM_RESP_ERROR;
    }
    if (plug && vmem->size + size > vmem->requested_size) {
        return QMEM_VIRTIO_MEM_RESP_NACK;
    }
    /* Every block must be in the other state. */
    if ((plug && !qmem_virtio_mem_is_range_unplugged(vmem, gpa, size)) ||
        (!plug && !qmem_virtio_mem_is_range_plugged(vmem, gpa, size))) {
        return QMEM_VIRTIO_MEM_RESP_ERROR;
    }

    qmem_memory_region_transaction_begin();
    ret = set_block_state(vmem, gpa, size, plug);
    qmem_memory_region_transaction_commit();
    if (ret) {
        return QMEM_VIRTIO_MEM_RESP_BUSY;
    }
    if (plug) {
        vmem->size += size;
    } else {
        vmem->size -= size;
    }
    qmem_virtio_mem_notify_size(vmem);
    return QMEM_VIRTIO_MEM_RESP_ACK;
}

static int unplug_all(QmemVirtioMem *vmem)
{
    QmemRamBlock *rb = qmem_virtio_mem_get_ram_block(vmem);

    /* QEMU's virtio_mem_is_busy(): whatever the plugged size. */
    if (!qmem_migration_is_idle()) {
        return -EBUSY;
    }
    if (vmem->size) {
        if (vmem->busy) {
            return -EBUSY;
        }
        if (qmem_ram_block_discard_range(rb, 0, rb->size)) {
            return -EBUSY;
        }
        qmem_bitmap_clear(vmem->bitmap, 0, vmem->bitmap_size);
        vmem->size = 0;
        qmem_virtio_mem_notify_size(vmem);
        if (vmem->dynamic_memslots) {
            qmem_virtio_mem_deactivate_memslots(vmem, 0, rb->size);
        }
    }
    qmem_virtio_mem_resize_usable_region(vmem, vmem->requested_size, TRUE);
    return 0;
}

static guint16 state_request(QmemVirtioMem *vmem, guint64 gpa,
                             guint16 nb_blocks, guint16 *state)
{
    guint64 size;

    if (nb_blocks > G_MAXUINT64 / vmem->block_size) {
        return QMEM_VIRTIO_MEM_RESP_ERROR;
    }
    size = nb_blocks * vmem->block_size;
    if (!valid_range(vmem, gpa, size)) {
        return QMEM_VIRTIO_MEM_RESP_ERROR;
    }
    if (qmem_virtio_mem_is_range_plugged(vmem, gpa, size)) {
        *state = QMEM_VIRTIO_MEM_STATE_PLUGGED;
    } else if (qmem_virtio_mem_is_range_unplugged(vmem, gpa, size)) {
        *state = QMEM_VIRTIO_MEM_STATE_UNPLUGGED;
    } else {
        *state = QMEM_VIRTIO_MEM_STATE_MIXED;
    }
    return QMEM_VIRTIO_MEM_RESP_ACK;
}

static guint16 get_le16(const guint8 *p)
{
    return p[0] | p[1] << 8;
}

static guint64 get_le64(const guint8 *p)
{
    guint64 v = 0;

    for (int i = 7; i >= 0; i--) {
        v = v << 8 | p[i];
    }
    return v;
}

static void put_le16(guint8 *p, guint16 v)
{
    p[0] = v;
    p[1] = v >> 8;
}

static void put_le64(guint8 *p, guint64 v)
{
    for (int i = 0; i < 8; i++) {
        p[i] = v >> (8 * i);
    }
}

/* QEMU's virtio_error(): the device stops until the guest resets it. */
static gboolean G_GNUC_PRINTF(3, 4) protocol_violation(QmemVirtioMem *vmem,
                                                       GError **error,
                                                       const char *fmt, ...)
{
    g_autofree char *msg = NULL;
    va_list ap;

    va_start(ap, fmt);
    msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    qmem_virtio_error(QMEM_VIRTIO_DEVICE(vmem), "%s", msg);
    g_set_error_literal(error, QMEM_ERROR, QMEM_ERROR_GENERIC, msg);
    return FALSE;
}

gboolean qmem_virtio_mem_handle_request(QmemVirtioMem *vmem,
                                        const guint8 *req, gsize req_len,
                                        guint8 *resp, gsize resp_len,
                                        GError **error)
{
    guint16 type, nb_blocks, resp_type = QMEM_VIRTIO_MEM_RESP_ACK;
    guint16 state = 0;
    guint64 gpa;

    g_return_val_if_fail(vmem != NULL && vmem->realized, FALSE);
    g_return_val_if_fail(req != NULL || req_len == 0, FALSE);
    g_return_val_if_fail(resp != NULL || resp_len == 0, FALSE);

    if (qmem_virtio_is_broken(QMEM_VIRTIO_DEVICE(vmem))) {
        g_set_error_literal(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                            "virtio-mem device needs a reset after a "
                            "protocol violation");
        return FALSE;
    }
    if (req_len < QMEM_VIRTIO_MEM_REQ_SIZE) {
        /* QEMU prints the size it expected. */
        return protocol_violation(vmem, error, "virtio-mem protocol "
                                  "violation: invalid request size: %d",
                                  QMEM_VIRTIO_MEM_REQ_SIZE);
    }
    if (resp_len < QMEM_VIRTIO_MEM_RESP_SIZE) {
        return protocol_violation(vmem, error, "virtio-mem protocol "
                                  "violation: not enough space for "
                                  "response: %zu", resp_len);
    }

    type = get_le16(req);
    gpa = get_le64(req + 8);
    nb_blocks = get_le16(req + 16);
    switch (type) {
    case QMEM_VIRTIO_MEM_REQ_PLUG:
        resp_type = state_change_request(vmem, gpa, nb_blocks, TRUE);
        break;
    case QMEM_VIRTIO_MEM_REQ_UNPLUG:
        resp_type = state_change_request(vmem, gpa, nb_blocks, FALSE);
        break;
    case QMEM_VIRTIO_MEM_REQ_UNPLUG_ALL:
        qmem_memory_region_transaction_begin();
        resp_type = unplug_all(vmem) ? QMEM_VIRTIO_MEM_RESP_BUSY
                                     : QMEM_VIRTIO_MEM_RESP_ACK;
        qmem_memory_region_transaction_commit();
        break;
    case QMEM_VIRTIO_MEM_REQ_STATE:
        resp_type = state_request(vmem, gpa, nb_blocks, &state);
        break;
    default:
        return protocol_violation(vmem, error, "virtio-mem protocol "
                                  "violation: unknown request type: %d",
                                  type);
    }

    memset(resp, 0, QMEM_VIRTIO_MEM_RESP_SIZE);
    put_le16(resp, resp_type);
    put_le16(resp + 8, state);
    return TRUE;
}

void qmem_virtio_mem_set_busy(QmemVirtioMem *vmem, gboolean busy)
{
    vmem->busy = busy;
}

/* The request queue */

/*
 * QEMU's virtio_mem_handle_request(): every element is one request, its
 * answer written back and pushed at once.  A protocol violation leaves
 * the element unanswered and the device broken.
 */
void qmem_virtio_mem_handle_queue(QmemVirtioDevice *vdev, QmemVirtQueue *vq)
{
    QmemVirtioMem *vmem = QMEM_VIRTIO_MEM(vdev);
    QmemVirtQueueElement *elem;

    while ((elem = qmem_virtqueue_pop(vq))) {
        guint8 req[QMEM_VIRTIO_MEM_REQ_SIZE], resp[QMEM_VIRTIO_MEM_RESP_SIZE];
        gsize req_len = qmem_virtqueue_element_to_buf(elem, 0, req,
                                                      sizeof(req));
        guint64 room = qmem_virtqueue_element_in_size(elem);

        if (!qmem_virtio_mem_handle_request(vmem, req, req_len, resp, room,
                                            NULL)) {
            qmem_virtqueue_detach_element(vq, elem, 0);
            qmem_virtqueue_element_free(elem);
            return;
        }
        qmem_virtqueue_element_from_buf(elem, 0, resp, sizeof(resp));
        qmem_virtqueue_push(vq, elem, sizeof(resp));
        qmem_virtio_notify(vdev, vq);
        qmem_virtqueue_element_free(elem);
    }
}

/* Config space, features, reset */

static void virtio_mem_get_config(QmemVirtioDevice *vdev, guint8 *config)
{
    QmemVirtioMem *vmem = QMEM_VIRTIO_MEM(vdev);

    memset(config, 0, QMEM_VIRTIO_MEM_CONFIG_SIZE);
    put_le64(config, vmem->block_size);
    put_le16(config + 8, vmem->node);
    put_le64(config + 16, vmem->addr);
    put_le64(config + 24, qmem_virtio_mem_get_region_size(vmem));
    put_le64(config + 32, vmem->usable_region_size);
    put_le64(config + 40, vmem->size);
    put_le64(config + 48, vmem->requested_size);
}

/* QEMU's virtio_mem_get_features(). */
static guint64 virtio_mem_get_features(QmemVirtioDevice *vdev,
                                       guint64 features)
{
    QmemVirtioMem *vmem = QMEM_VIRTIO_MEM(vdev);

    if (vmem->has_numa_state) {
        features |= QMEM_VIRTIO_BIT(QMEM_VIRTIO_MEM_F_ACPI_PXM);
    }
    g_assert(vmem->unplugged_inaccessible != QMEM_VIRTIO_MEM_ON_OFF_AUTO_AUTO);
    if (vmem->unplugged_inaccessible == QMEM_VIRTIO_MEM_ON_OFF_AUTO_ON) {
        features |= QMEM_VIRTIO_BIT(QMEM_VIRTIO_MEM_F_UNPLUGGED_INACCESSIBLE);
    }
    return features;
}

/*
 * QEMU's virtio_mem_validate_features(): a legacy driver, which would
 * read unplugged memory, cannot have a device that promised nobody does.
 * QEMU says nothing about it: FEATURES_OK just stays clear.
 */
static gboolean virtio_mem_validate_features(QmemVirtioDevice *vdev)
{
    const guint bit = QMEM_VIRTIO_MEM_F_UNPLUGGED_INACCESSIBLE;

    return !qmem_virtio_host_has_feature(vdev, bit) ||
           qmem_virtio_has_feature(vdev, bit);
}

void qmem_virtio_mem_init_virtio_class(QmemVirtioDeviceClass *vdc)
{
    vdc->get_features = virtio_mem_get_features;
    vdc->validate_features = virtio_mem_validate_features;
    vdc->get_config = virtio_mem_get_config;
}

void qmem_virtio_mem_system_reset(QmemVirtioMem *vmem, gboolean wakeup)
{
    g_return_if_fail(vmem->realized);

    /* A guest resuming from suspend keeps its memory. */
    if (wakeup) {
        return;
    }
    /* When busy, the guest has to unplug by itself (UNPLUG_ALL). */
    qmem_memory_region_transaction_begin();
    unplug_all(vmem);
    qmem_memory_region_transaction_commit();
}
