/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The virtio tests' shared part: a fake transport and a guest driver. */

#include <string.h>

#include "tests/unit/virtio-test.h"
#include "system/ram-block.h"
#include "util/error.h"

/* The fake transport */

static void fake_transport_iface_init(QmemVirtioTransportInterface *iface);

G_DEFINE_TYPE_WITH_CODE(FakeTransport, fake_transport, G_TYPE_OBJECT,
                        G_IMPLEMENT_INTERFACE(QMEM_TYPE_VIRTIO_TRANSPORT,
                                              fake_transport_iface_init))

static gboolean fake_pre_plugged(QmemVirtioTransport *transport,
                                 QmemVirtioDevice *vdev, GError **error)
{
    FakeTransport *t = FAKE_TRANSPORT(transport);

    t->pre_plugged_calls++;
    if (t->fail_pre_plugged) {
        g_set_error_literal(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                            t->fail_pre_plugged);
        return FALSE;
    }
    if (!t->legacy) {
        qmem_virtio_add_host_features(
            vdev, QMEM_VIRTIO_BIT(QMEM_VIRTIO_F_VERSION_1));
    }
    return TRUE;
}

static gboolean fake_device_plugged(QmemVirtioTransport *transport,
                                    QmemVirtioDevice *vdev, GError **error)
{
    FakeTransport *t = FAKE_TRANSPORT(transport);

    t->device_plugged_calls++;
    if (t->fail_device_plugged) {
        g_set_error_literal(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                            t->fail_device_plugged);
        return FALSE;
    }
    return TRUE;
}

static void fake_device_unplugged(QmemVirtioTransport *transport,
                                  QmemVirtioDevice *vdev)
{
    FAKE_TRANSPORT(transport)->device_unplugged_calls++;
}

static void fake_notify(QmemVirtioTransport *transport, guint16 vector)
{
    g_array_append_val(FAKE_TRANSPORT(transport)->vectors, vector);
}

static QmemAddressSpace *fake_get_dma_as(QmemVirtioTransport *transport)
{
    return FAKE_TRANSPORT(transport)->as;
}

static void fake_transport_iface_init(QmemVirtioTransportInterface *iface)
{
    iface->pre_plugged = fake_pre_plugged;
    iface->device_plugged = fake_device_plugged;
    iface->device_unplugged = fake_device_unplugged;
    iface->notify = fake_notify;
    iface->get_dma_as = fake_get_dma_as;
}

static void fake_transport_finalize(GObject *obj)
{
    FakeTransport *t = FAKE_TRANSPORT(obj);

    qmem_address_space_free(t->as);
    qmem_memory_region_transaction_begin();
    if (qmem_memory_region_is_mapped(t->ram)) {
        qmem_memory_region_del_subregion(t->root, t->ram);
    }
    qmem_memory_region_del_subregion(t->root, t->rom);
    qmem_memory_region_del_subregion(t->root, t->io);
    qmem_memory_region_transaction_commit();
    g_object_unref(t->ram);
    g_object_unref(t->rom);
    g_object_unref(t->io);
    g_object_unref(t->root);
    qmem_ram_block_free(t->ram_block);
    qmem_ram_block_free(t->rom_block);
    g_array_unref(t->vectors);
    G_OBJECT_CLASS(fake_transport_parent_class)->finalize(obj);
}

static void fake_transport_class_init(FakeTransportClass *klass)
{
    G_OBJECT_CLASS(klass)->finalize = fake_transport_finalize;
}

static const QmemMemoryRegionOps io_ops;

static void fake_transport_init(FakeTransport *t)
{
    g_autoptr(GError) error = NULL;

    t->ram_block = qmem_ram_block_new_anon("fake-ram", RAM_SIZE, 0, &error);
    g_assert_no_error(error);
    t->rom_block = qmem_ram_block_new_anon("fake-rom", ROM_SIZE, 0, &error);
    g_assert_no_error(error);
    /* Ours to describe: the guest may only read it. */
    t->rom_block->flags |= QMEM_RAM_READONLY;
    t->root = qmem_memory_region_new_container("fake-dma", 1ULL << 32);
    t->ram = qmem_memory_region_new_ram("fake-ram", t->ram_block);
    t->rom = qmem_memory_region_new_ram("fake-rom", t->rom_block);
    t->io = qmem_memory_region_new_io("fake-io", IO_SIZE, &io_ops, t);
    qmem_memory_region_transaction_begin();
    qmem_memory_region_add_subregion(t->root, 0, t->ram);
    qmem_memory_region_add_subregion(t->root, ROM_BASE, t->rom);
    qmem_memory_region_add_subregion(t->root, IO_BASE, t->io);
    qmem_memory_region_transaction_commit();
    t->as = qmem_address_space_new("fake-dma", t->root);
    t->vectors = g_array_new(FALSE, FALSE, sizeof(guint16));
}

FakeTransport *fake_transport_new(void)
{
    return g_object_new(FAKE_TYPE_TRANSPORT, NULL);
}

guint8 *guest_ptr(FakeTransport *t, guint64 addr)
{
    if (addr < RAM_SIZE) {
        return (guint8 *)t->ram_block->host + addr;
    }
    g_assert_cmpuint(addr - ROM_BASE, <, ROM_SIZE);
    return (guint8 *)t->rom_block->host + (addr - ROM_BASE);
}

void guest_w16(FakeTransport *t, guint64 addr, guint16 v)
{
    guint8 *p = guest_ptr(t, addr);

    p[0] = v;
    p[1] = v >> 8;
}

void guest_w32(FakeTransport *t, guint64 addr, guint32 v)
{
    guest_w16(t, addr, v);
    guest_w16(t, addr + 2, v >> 16);
}

void guest_w64(FakeTransport *t, guint64 addr, guint64 v)
{
    guest_w32(t, addr, v);
    guest_w32(t, addr + 4, v >> 32);
}

guint16 guest_r16(FakeTransport *t, guint64 addr)
{
    const guint8 *p = guest_ptr(t, addr);

    return p[0] | p[1] << 8;
}

guint32 guest_r32(FakeTransport *t, guint64 addr)
{
    return guest_r16(t, addr) | (guint32)guest_r16(t, addr + 2) << 16;
}

void plug(QmemVirtioDevice *vdev, FakeTransport *t)
{
    g_autoptr(GError) error = NULL;

    g_assert_true(qmem_virtio_device_plug(vdev, QMEM_VIRTIO_TRANSPORT(t),
                                          &error));
    g_assert_no_error(error);
}

/* The driver */

gboolean driver_negotiate(QmemVirtioDevice *vdev, guint64 accept)
{
    const guint8 s = QMEM_VIRTIO_CONFIG_S_ACKNOWLEDGE |
                     QMEM_VIRTIO_CONFIG_S_DRIVER;

    qmem_virtio_reset(vdev);
    g_assert_cmpint(qmem_virtio_set_status(vdev, s), ==, 0);
    qmem_virtio_set_features(vdev, accept);
    qmem_virtio_set_status(vdev, s | QMEM_VIRTIO_CONFIG_S_FEATURES_OK);
    return !!(qmem_virtio_get_status(vdev) &
              QMEM_VIRTIO_CONFIG_S_FEATURES_OK);
}

void driver_ok(QmemVirtioDevice *vdev)
{
    g_assert_cmpint(qmem_virtio_set_status(
                        vdev, qmem_virtio_get_status(vdev) |
                        QMEM_VIRTIO_CONFIG_S_DRIVER_OK), ==, 0);
}

void driver_queue_init(DriverQueue *q, FakeTransport *t,
                       QmemVirtioDevice *vdev, guint index, guint num,
                       guint64 base)
{
    memset(q, 0, sizeof(*q));
    q->t = t;
    q->vdev = vdev;
    q->index = index;
    q->num = num;
    q->desc = base;
    q->avail = base + QMEM_VRING_DESC_SIZE * num;
    /* flags, idx, ring, used_event; then 4-byte aligned. */
    q->used = (q->avail + 6 + 2 * num + 3) & ~3ULL;
    memset(guest_ptr(t, base), 0,
           q->used + 6 + QMEM_VRING_USED_ELEM_SIZE * num - base);
    g_assert_true(qmem_virtio_queue_set_num(vdev, index, num));
    qmem_virtio_queue_set_rings(vdev, index, q->desc, q->avail, q->used);
    qmem_virtio_queue_enable(vdev, index);
}

void driver_set_desc(DriverQueue *q, guint i, guint64 addr, guint32 len,
                     guint16 flags, guint16 next)
{
    const guint64 d = q->desc + (guint64)QMEM_VRING_DESC_SIZE * i;

    guest_w64(q->t, d, addr);
    guest_w32(q->t, d + 8, len);
    guest_w16(q->t, d + 12, flags);
    guest_w16(q->t, d + 14, next);
}

guint driver_add_chain(DriverQueue *q, const DriverBuf *bufs, guint n)
{
    const guint head = q->next_desc;

    for (guint k = 0; k < n; k++) {
        guint i = (head + k) % q->num;
        guint16 flags = (bufs[k].write ? QMEM_VRING_DESC_F_WRITE : 0) |
                        (k + 1 < n ? QMEM_VRING_DESC_F_NEXT : 0);

        driver_set_desc(q, i, bufs[k].addr, bufs[k].len, flags,
                        (i + 1) % q->num);
    }
    q->next_desc = (head + n) % q->num;
    driver_make_available(q, head);
    return head;
}

guint driver_add_indirect(DriverQueue *q, guint64 table,
                          const DriverBuf *bufs, guint n)
{
    const guint head = q->next_desc;

    for (guint k = 0; k < n; k++) {
        guint64 d = table + (guint64)QMEM_VRING_DESC_SIZE * k;

        guest_w64(q->t, d, bufs[k].addr);
        guest_w32(q->t, d + 8, bufs[k].len);
        guest_w16(q->t, d + 12,
                  (bufs[k].write ? QMEM_VRING_DESC_F_WRITE : 0) |
                  (k + 1 < n ? QMEM_VRING_DESC_F_NEXT : 0));
        guest_w16(q->t, d + 14, k + 1);
    }
    driver_set_desc(q, head, table, n * QMEM_VRING_DESC_SIZE,
                    QMEM_VRING_DESC_F_INDIRECT, 0);
    q->next_desc = (head + 1) % q->num;
    driver_make_available(q, head);
    return head;
}

void driver_make_available(DriverQueue *q, guint16 head)
{
    guest_w16(q->t, q->avail + 4 + 2 * (q->avail_idx % q->num), head);
    q->avail_idx++;
}

void driver_kick(DriverQueue *q)
{
    guest_w16(q->t, q->avail + 2, q->avail_idx);
    qmem_virtio_queue_notify(q->vdev, q->index);
}

guint16 driver_used_idx(DriverQueue *q)
{
    return guest_r16(q->t, q->used + 2);
}

gboolean driver_get_used(DriverQueue *q, guint32 *id, guint32 *len)
{
    guint64 e;

    if (driver_used_idx(q) == q->last_used) {
        return FALSE;
    }
    e = q->used + 4 + QMEM_VRING_USED_ELEM_SIZE * (q->last_used % q->num);
    *id = guest_r32(q->t, e);
    *len = guest_r32(q->t, e + 4);
    q->last_used++;
    return TRUE;
}
