/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Split virtqueues: rings in guest memory, walked as the guest is untrusted. */

#include <string.h>

#include "hw/virtio/virtio-internal.h"

/*
 * The rings (virtio 1.2 2.7), little-endian:
 *   descriptor  addr u64, len u32, flags u16, next u16      16 bytes
 *   driver area flags u16, idx u16, ring[num] u16, used_event u16
 *   device area flags u16, idx u16, ring[num] {id u32, len u32},
 *               avail_event u16
 */
#define AVAIL_IDX 2
#define AVAIL_RING 4
#define USED_IDX 2
#define USED_RING 4

typedef struct {
    guint64 addr;
    guint32 len;
    guint16 flags;
    guint16 next;
} VRingDesc;

static QmemAddressSpace *vq_as(QmemVirtQueue *vq)
{
    return qmem_virtio_device_priv(vq->vdev)->dma_as;
}

/*
 * Whether [@addr, @addr + @len) is RAM all through (writable RAM for
 * @write): QEMU maps rings and buffers, and only RAM maps.
 */
static gboolean range_is_ram(QmemAddressSpace *as, guint64 addr, guint64 len,
                             gboolean write)
{
    if (!as || addr + len < addr) {
        return FALSE;
    }
    while (len) {
        const QmemMemorySection *s = qmem_address_space_lookup(as, addr);
        guint64 n;

        if (!s || !s->host || (write && s->readonly)) {
            return FALSE;
        }
        /* Modulo 2^64, right even for a section that ends there. */
        n = MIN(s->offset_within_address_space + s->size - addr, len);
        addr += n;
        len -= n;
    }
    return TRUE;
}

/* Rings are read and written only while they lie in RAM (rings_ok). */
static guint16 ring_read16(QmemVirtQueue *vq, guint64 addr)
{
    guint8 b[2];

    qmem_address_space_rw(vq_as(vq), addr, b, sizeof(b), FALSE);
    return b[0] | b[1] << 8;
}

static void ring_write(QmemVirtQueue *vq, guint64 addr, guint64 val,
                       guint size)
{
    guint8 b[8];

    for (guint i = 0; i < size; i++) {
        b[i] = val >> (8 * i);
    }
    qmem_address_space_rw(vq_as(vq), addr, b, size, TRUE);
}

static guint16 vring_avail_flags(QmemVirtQueue *vq)
{
    return vq->rings_ok ? ring_read16(vq, vq->avail) : 0;
}

static guint16 vring_avail_idx(QmemVirtQueue *vq)
{
    if (vq->rings_ok) {
        vq->shadow_avail_idx = ring_read16(vq, vq->avail + AVAIL_IDX);
    }
    return vq->shadow_avail_idx;
}

static guint16 vring_avail_ring(QmemVirtQueue *vq, guint i)
{
    return vq->rings_ok ? ring_read16(vq, vq->avail + AVAIL_RING + 2 * i)
                        : 0;
}

static guint16 vring_get_used_event(QmemVirtQueue *vq)
{
    return vring_avail_ring(vq, vq->num);
}

static void vring_used_idx_set(QmemVirtQueue *vq, guint16 val)
{
    if (vq->rings_ok) {
        ring_write(vq, vq->used + USED_IDX, val, 2);
    }
    vq->used_idx = val;
}

static void vring_used_flags_change(QmemVirtQueue *vq, guint16 mask,
                                    gboolean set)
{
    guint16 flags;

    if (!vq->rings_ok) {
        return;
    }
    flags = ring_read16(vq, vq->used);
    ring_write(vq, vq->used, set ? flags | mask : flags & ~mask, 2);
}

static void vring_set_avail_event(QmemVirtQueue *vq, guint16 val)
{
    if (!vq->notification || !vq->rings_ok) {
        return;
    }
    ring_write(vq, vq->used + USED_RING +
               (guint64)QMEM_VRING_USED_ELEM_SIZE * vq->num, val, 2);
}

/* Ring checks, reset */

void qmem_virtqueue_check_rings(QmemVirtQueue *vq)
{
    QmemAddressSpace *as = vq_as(vq);
    const guint64 event = qmem_virtio_has_feature(
        vq->vdev, QMEM_VIRTIO_RING_F_EVENT_IDX) ? 2 : 0;

    vq->rings_ok = FALSE;
    if (!vq->desc) {
        return;
    }
    if (!range_is_ram(as, vq->desc, (guint64)QMEM_VRING_DESC_SIZE * vq->num,
                      FALSE)) {
        qmem_virtio_error(vq->vdev, "Cannot map desc");
        return;
    }
    if (!range_is_ram(as, vq->used, USED_RING + event +
                      (guint64)QMEM_VRING_USED_ELEM_SIZE * vq->num, TRUE)) {
        qmem_virtio_error(vq->vdev, "Cannot map used");
        return;
    }
    if (!range_is_ram(as, vq->avail, AVAIL_RING + event + 2 * vq->num,
                      FALSE)) {
        qmem_virtio_error(vq->vdev, "Cannot map avail");
        return;
    }
    vq->rings_ok = TRUE;
}

void qmem_virtqueue_reset(QmemVirtQueue *vq)
{
    vq->desc = vq->avail = vq->used = 0;
    vq->rings_ok = FALSE;
    vq->enabled = FALSE;
    vq->last_avail_idx = 0;
    vq->shadow_avail_idx = 0;
    vq->used_idx = 0;
    vq->vector = QMEM_VIRTIO_NO_VECTOR;
    vq->signalled_used = 0;
    vq->signalled_used_valid = FALSE;
    vq->notification = TRUE;
    vq->num = vq->num_default;
    vq->inuse = 0;
}

/* QEMU's virtio_queue_empty(); a queue without rings is empty. */
static gboolean queue_empty(QmemVirtQueue *vq)
{
    if (qmem_virtio_device_disabled(vq->vdev) || !vq->avail ||
        !vq->rings_ok) {
        return TRUE;
    }
    if (vq->shadow_avail_idx != vq->last_avail_idx) {
        return FALSE;
    }
    return vring_avail_idx(vq) == vq->last_avail_idx;
}

/* Popping a chain */

/* The descriptor table being walked and what was collected from it. */
typedef struct {
    QmemVirtQueue *vq;
    guint64 table;
    guint max;                  /* entries of the table */
    QmemVirtqueueSg sg[QMEM_VIRTQUEUE_MAX_SIZE];
    guint out_num;              /* read buffers, from sg[0] */
    guint in_num;               /* write buffers, after them */
} Walk;

static void read_desc(Walk *w, guint i, VRingDesc *desc)
{
    guint8 b[QMEM_VRING_DESC_SIZE];

    qmem_address_space_rw(vq_as(w->vq), w->table +
                          (guint64)i * QMEM_VRING_DESC_SIZE, b, sizeof(b),
                          FALSE);
    desc->addr = 0;
    for (int k = 7; k >= 0; k--) {
        desc->addr = desc->addr << 8 | b[k];
    }
    desc->len = b[8] | b[9] << 8 | b[10] << 16 | (guint32)b[11] << 24;
    desc->flags = b[12] | b[13] << 8;
    desc->next = b[14] | b[15] << 8;
}

/* QEMU's virtqueue_map_desc(): one buffer, which must be RAM. */
static gboolean map_desc(Walk *w, guint *p_num, QmemVirtqueueSg *sg,
                         guint max_num_sg, gboolean is_write,
                         const VRingDesc *desc)
{
    QmemVirtioDevice *vdev = w->vq->vdev;

    if (!desc->len) {
        qmem_virtio_error(vdev, "virtio: zero sized buffers are not allowed");
        return FALSE;
    }
    if (*p_num == max_num_sg) {
        qmem_virtio_error(vdev, "virtio: too many write descriptors in "
                          "indirect table");
        return FALSE;
    }
    if (!range_is_ram(vq_as(w->vq), desc->addr, desc->len, is_write)) {
        qmem_virtio_error(vdev, "virtio: bogus descriptor or out of "
                          "resources");
        return FALSE;
    }
    sg[*p_num].addr = desc->addr;
    sg[*p_num].len = desc->len;
    (*p_num)++;
    return TRUE;
}

/* Returns 1 with the next descriptor in @desc, 0 at the end, -1 on error. */
static int read_next_desc(Walk *w, VRingDesc *desc)
{
    if (!(desc->flags & QMEM_VRING_DESC_F_NEXT)) {
        return 0;
    }
    if (desc->next >= w->max) {
        qmem_virtio_error(w->vq->vdev, "Desc next is %u", desc->next);
        return -1;
    }
    read_desc(w, desc->next, desc);
    return 1;
}

/* Swaps a head with INDIRECT for the first descriptor of its table. */
static gboolean enter_indirect(Walk *w, VRingDesc *desc)
{
    QmemVirtioDevice *vdev = w->vq->vdev;

    if (!desc->len || desc->len % QMEM_VRING_DESC_SIZE) {
        qmem_virtio_error(vdev, "Invalid size for indirect buffer table");
        return FALSE;
    }
    if (!range_is_ram(vq_as(w->vq), desc->addr, desc->len, FALSE)) {
        qmem_virtio_error(vdev, "Cannot map indirect buffer");
        return FALSE;
    }
    w->table = desc->addr;
    w->max = desc->len / QMEM_VRING_DESC_SIZE;
    read_desc(w, 0, desc);
    return TRUE;
}

/* Collects the chain from @head into @w (QEMU's virtqueue_split_pop()). */
static gboolean walk_chain(Walk *w, guint head)
{
    guint entries = 0;
    VRingDesc desc;
    int rc;

    w->table = w->vq->desc;
    w->max = w->vq->num;
    read_desc(w, head, &desc);
    if ((desc.flags & QMEM_VRING_DESC_F_INDIRECT) &&
        !enter_indirect(w, &desc)) {
        return FALSE;
    }
    do {
        gboolean ok;

        if (desc.flags & QMEM_VRING_DESC_F_WRITE) {
            ok = map_desc(w, &w->in_num, w->sg + w->out_num,
                          QMEM_VIRTQUEUE_MAX_SIZE - w->out_num, TRUE, &desc);
        } else {
            if (w->in_num) {
                qmem_virtio_error(w->vq->vdev,
                                  "Incorrect order for descriptors");
                return FALSE;
            }
            ok = map_desc(w, &w->out_num, w->sg, QMEM_VIRTQUEUE_MAX_SIZE,
                          FALSE, &desc);
        }
        if (!ok) {
            return FALSE;
        }
        /* More buffers than the table holds: the chain loops. */
        if (++entries > w->max) {
            qmem_virtio_error(w->vq->vdev, "Looped descriptor");
            return FALSE;
        }
        rc = read_next_desc(w, &desc);
    } while (rc > 0);
    return rc == 0;
}

static QmemVirtQueueElement *element_new(QmemVirtQueue *vq, guint head,
                                         const Walk *w)
{
    const guint n = w->out_num + w->in_num;
    QmemVirtQueueElement *elem =
        g_malloc0(sizeof(*elem) + n * sizeof(QmemVirtqueueSg));

    elem->vq = vq;
    elem->index = head;
    elem->ndescs = 1;
    elem->out_num = w->out_num;
    elem->in_num = w->in_num;
    elem->out_sg = (QmemVirtqueueSg *)(elem + 1);
    elem->in_sg = elem->out_sg + w->out_num;
    memcpy(elem->out_sg, w->sg, n * sizeof(QmemVirtqueueSg));
    return elem;
}

/* The next head the driver made available, or -1. */
static int next_head(QmemVirtQueue *vq)
{
    QmemVirtioDevice *vdev = vq->vdev;
    guint16 avail_idx = vring_avail_idx(vq);
    guint16 num_heads = avail_idx - vq->last_avail_idx;
    guint head;

    /*
     * QEMU 7.2 checks this in virtqueue_num_heads(), which its pop does
     * not call; checked here, a guest cannot make the device go round
     * the ring again over heads it already took.
     */
    if (num_heads > vq->num) {
        qmem_virtio_error(vdev, "Guest moved used index from %u to %u",
                          vq->last_avail_idx, avail_idx);
        return -1;
    }
    if (!num_heads) {
        return -1;
    }
    if (vq->inuse >= vq->num) {
        qmem_virtio_error(vdev, "Virtqueue size exceeded");
        return -1;
    }
    head = vring_avail_ring(vq, vq->last_avail_idx++ % vq->num);
    if (head >= vq->num) {
        qmem_virtio_error(vdev, "Guest says index %u is available", head);
        return -1;
    }
    if (qmem_virtio_has_feature(vdev, QMEM_VIRTIO_RING_F_EVENT_IDX)) {
        vring_set_avail_event(vq, vq->last_avail_idx);
    }
    return head;
}

QmemVirtQueueElement *qmem_virtqueue_pop(QmemVirtQueue *vq)
{
    g_autofree Walk *w = NULL;
    int head;

    g_return_val_if_fail(vq != NULL && vq->vdev != NULL, NULL);

    if (qmem_virtio_is_broken(vq->vdev) ||
        qmem_virtio_device_disabled(vq->vdev) || !vq->avail ||
        !vq->rings_ok) {
        return NULL;
    }
    head = next_head(vq);
    if (head < 0) {
        return NULL;
    }
    /* sg[] is written before it is read: no need to clear 16 KiB. */
    w = g_new(Walk, 1);
    w->vq = vq;
    w->out_num = w->in_num = 0;
    if (!walk_chain(w, head)) {
        return NULL;
    }
    vq->inuse++;
    return element_new(vq, head, w);
}

/* Used buffers */

void qmem_virtqueue_fill(QmemVirtQueue *vq, const QmemVirtQueueElement *elem,
                         guint32 len, guint idx)
{
    guint64 entry;

    g_return_if_fail(vq != NULL && elem != NULL);

    if (qmem_virtio_device_disabled(vq->vdev) || !vq->rings_ok) {
        return;
    }
    idx = (idx + vq->used_idx) % vq->num;
    entry = vq->used + USED_RING + (guint64)QMEM_VRING_USED_ELEM_SIZE * idx;
    ring_write(vq, entry, elem->index, 4);
    ring_write(vq, entry + 4, len, 4);
}

void qmem_virtqueue_flush(QmemVirtQueue *vq, guint count)
{
    guint16 old, new;

    g_return_if_fail(vq != NULL);

    count = MIN(count, vq->inuse);
    if (qmem_virtio_device_disabled(vq->vdev)) {
        vq->inuse -= count;
        return;
    }
    if (!vq->used) {
        return;
    }
    old = vq->used_idx;
    new = old + count;
    vring_used_idx_set(vq, new);
    vq->inuse -= count;
    /* The driver's used_event may lie behind what we signalled last. */
    if ((gint16)(new - vq->signalled_used) < (guint16)(new - old)) {
        vq->signalled_used_valid = FALSE;
    }
}

void qmem_virtqueue_push(QmemVirtQueue *vq, const QmemVirtQueueElement *elem,
                         guint32 len)
{
    qmem_virtqueue_fill(vq, elem, len, 0);
    qmem_virtqueue_flush(vq, 1);
}

void qmem_virtqueue_detach_element(QmemVirtQueue *vq,
                                   const QmemVirtQueueElement *elem,
                                   guint32 len)
{
    g_return_if_fail(vq != NULL && elem != NULL);

    vq->inuse -= MIN(elem->ndescs, vq->inuse);
}

/* Notifications */

/* The driver asked for an interrupt once the used index passes @event. */
static gboolean vring_need_event(guint16 event, guint16 new, guint16 old)
{
    return (guint16)(new - event - 1) < (guint16)(new - old);
}

gboolean qmem_virtqueue_should_notify(QmemVirtQueue *vq)
{
    QmemVirtioDevice *vdev = vq->vdev;
    guint16 old, new;
    gboolean valid;

    if (qmem_virtio_has_feature(vdev, QMEM_VIRTIO_F_NOTIFY_ON_EMPTY) &&
        !vq->inuse && queue_empty(vq)) {
        return TRUE;
    }
    if (!qmem_virtio_has_feature(vdev, QMEM_VIRTIO_RING_F_EVENT_IDX)) {
        return !(vring_avail_flags(vq) & QMEM_VRING_AVAIL_F_NO_INTERRUPT);
    }
    valid = vq->signalled_used_valid;
    vq->signalled_used_valid = TRUE;
    old = vq->signalled_used;
    new = vq->signalled_used = vq->used_idx;
    return !valid || vring_need_event(vring_get_used_event(vq), new, old);
}

void qmem_virtio_queue_set_notification(QmemVirtQueue *vq, gboolean enable)
{
    g_return_if_fail(vq != NULL);

    vq->notification = !!enable;
    if (!vq->desc) {
        return;
    }
    if (qmem_virtio_has_feature(vq->vdev, QMEM_VIRTIO_RING_F_EVENT_IDX)) {
        vring_set_avail_event(vq, vring_avail_idx(vq));
    } else {
        vring_used_flags_change(vq, QMEM_VRING_USED_F_NO_NOTIFY, !enable);
    }
}

/* Elements */

void qmem_virtqueue_element_free(QmemVirtQueueElement *elem)
{
    g_free(elem);
}

static guint64 sg_size(const QmemVirtqueueSg *sg, guint n)
{
    guint64 size = 0;

    for (guint i = 0; i < n; i++) {
        size += sg[i].len;
    }
    return size;
}

guint64 qmem_virtqueue_element_out_size(const QmemVirtQueueElement *elem)
{
    return sg_size(elem->out_sg, elem->out_num);
}

guint64 qmem_virtqueue_element_in_size(const QmemVirtQueueElement *elem)
{
    return sg_size(elem->in_sg, elem->in_num);
}

/* QEMU's iov_to_buf()/iov_from_buf(), through the DMA address space. */
static gsize sg_copy(const QmemVirtQueueElement *elem,
                     const QmemVirtqueueSg *sg, guint n, gsize offset,
                     void *buf, gsize len, gboolean is_write)
{
    QmemAddressSpace *as = vq_as(elem->vq);
    gsize done = 0;

    if (!as) {
        return 0;
    }
    for (guint i = 0; i < n && done < len; i++) {
        gsize chunk;

        if (offset >= sg[i].len) {
            offset -= sg[i].len;
            continue;
        }
        chunk = MIN(sg[i].len - offset, len - done);
        qmem_address_space_rw(as, sg[i].addr + offset, (guint8 *)buf + done,
                              chunk, is_write);
        done += chunk;
        offset = 0;
    }
    return done;
}

gsize qmem_virtqueue_element_to_buf(const QmemVirtQueueElement *elem,
                                    gsize offset, void *buf, gsize len)
{
    g_return_val_if_fail(elem != NULL, 0);
    return sg_copy(elem, elem->out_sg, elem->out_num, offset, buf, len,
                   FALSE);
}

gsize qmem_virtqueue_element_from_buf(const QmemVirtQueueElement *elem,
                                      gsize offset, const void *buf,
                                      gsize len)
{
    g_return_val_if_fail(elem != NULL, 0);
    return sg_copy(elem, elem->in_sg, elem->in_num, offset, (void *)buf, len,
                   TRUE);
}

/* Getters */

guint qmem_virtio_queue_get_index(QmemVirtQueue *vq)
{
    return vq->index;
}

QmemVirtioDevice *qmem_virtio_queue_get_device(QmemVirtQueue *vq)
{
    return vq->vdev;
}

guint16 qmem_virtio_queue_get_last_avail_idx(QmemVirtQueue *vq)
{
    return vq->last_avail_idx;
}

guint16 qmem_virtio_queue_get_used_idx(QmemVirtQueue *vq)
{
    return vq->used_idx;
}

guint qmem_virtio_queue_get_inuse(QmemVirtQueue *vq)
{
    return vq->inuse;
}
