/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What the virtqueue fuzz targets share: guest memory, transport, driver. */

#include <string.h>

#include "tests/fuzz/fuzz-virtio-vq.h"

/* The transport: the DMA address space; interrupts are counted. */
typedef struct {
    GObject parent_instance;
    QmemAddressSpace *as;
    guint irqs;
} FuzzTransport;

typedef struct {
    GObjectClass parent_class;
} FuzzTransportClass;

static void fuzz_transport_iface_init(QmemVirtioTransportInterface *iface);

G_DEFINE_TYPE_WITH_CODE(FuzzTransport, fuzz_transport, G_TYPE_OBJECT,
                        G_IMPLEMENT_INTERFACE(QMEM_TYPE_VIRTIO_TRANSPORT,
                                              fuzz_transport_iface_init))

static gboolean fuzz_pre_plugged(QmemVirtioTransport *t,
                                 QmemVirtioDevice *vdev, GError **error)
{
    qmem_virtio_add_host_features(vdev,
                                  QMEM_VIRTIO_BIT(QMEM_VIRTIO_F_VERSION_1));
    return TRUE;
}

static void fuzz_notify(QmemVirtioTransport *t, guint16 vector)
{
    ((FuzzTransport *)t)->irqs++;
}

static QmemAddressSpace *fuzz_get_dma_as(QmemVirtioTransport *t)
{
    return ((FuzzTransport *)t)->as;
}

static void fuzz_transport_iface_init(QmemVirtioTransportInterface *iface)
{
    iface->pre_plugged = fuzz_pre_plugged;
    iface->notify = fuzz_notify;
    iface->get_dma_as = fuzz_get_dma_as;
}

static void fuzz_transport_class_init(FuzzTransportClass *klass)
{
}

static void fuzz_transport_init(FuzzTransport *t)
{
}

static const QmemMemoryRegionOps io_ops;

FuzzVqWorld *fuzz_vq_get_world(void)
{
    static FuzzVqWorld w;
    g_autoptr(GError) error = NULL;
    FuzzTransport *transport;

    if (w.root) {
        return &w;
    }
    w.ram_block = qmem_ram_block_new_anon("fuzz-ram", FUZZ_VQ_RAM_SIZE, 0,
                                          &error);
    w.rom_block = qmem_ram_block_new_anon("fuzz-rom", 4096, 0, &error);
    g_assert_no_error(error);
    w.rom_block->flags |= QMEM_RAM_READONLY;
    w.root = qmem_memory_region_new_container("fuzz-dma", 1ULL << 40);
    qmem_memory_region_transaction_begin();
    qmem_memory_region_add_subregion(
        w.root, 0, qmem_memory_region_new_ram("fuzz-ram", w.ram_block));
    qmem_memory_region_add_subregion(
        w.root, FUZZ_VQ_ROM_BASE,
        qmem_memory_region_new_ram("fuzz-rom", w.rom_block));
    qmem_memory_region_add_subregion(
        w.root, FUZZ_VQ_IO_BASE,
        qmem_memory_region_new_io("fuzz-io", 4096, &io_ops, NULL));
    qmem_memory_region_transaction_commit();
    transport = g_object_new(fuzz_transport_get_type(), NULL);
    transport->as = qmem_address_space_new("fuzz-dma", w.root);
    w.transport = QMEM_VIRTIO_TRANSPORT(transport);
    return &w;
}

void fuzz_vq_load_ram(const guint8 *image, gsize len)
{
    FuzzVqWorld *w = fuzz_vq_get_world();

    memset(w->ram_block->host, 0, FUZZ_VQ_RAM_SIZE);
    memcpy(w->ram_block->host, image, MIN(FUZZ_VQ_RAM_SIZE, len));
}

void fuzz_vq_poke(guint offset, guint8 value)
{
    g_assert(offset < FUZZ_VQ_RAM_SIZE);
    ((guint8 *)fuzz_vq_get_world()->ram_block->host)[offset] = value;
}

void fuzz_vq_driver_start(FuzzVqDriver *d)
{
    const guint8 s = QMEM_VIRTIO_CONFIG_S_ACKNOWLEDGE |
                     QMEM_VIRTIO_CONFIG_S_DRIVER;

    qmem_virtio_reset(d->vdev);
    qmem_virtio_set_status(d->vdev, s);
    qmem_virtio_set_features(d->vdev, d->features);
    qmem_virtio_set_status(d->vdev, s | QMEM_VIRTIO_CONFIG_S_FEATURES_OK);
    qmem_virtio_set_config_vector(d->vdev, 0);
    qmem_virtio_queue_set_num(d->vdev, 0, d->num);
    qmem_virtio_queue_set_rings(d->vdev, 0, d->desc, d->avail, d->used);
    qmem_virtio_queue_set_vector(d->vdev, 0, 1);
    qmem_virtio_queue_enable(d->vdev, 0);
    if (d->driver_ok) {
        qmem_virtio_set_status(d->vdev, qmem_virtio_get_status(d->vdev) |
                               QMEM_VIRTIO_CONFIG_S_DRIVER_OK);
    }
}

void fuzz_vq_bump_avail_idx(FuzzVqDriver *d, guint8 n)
{
    QmemAddressSpace *as = qmem_virtio_get_dma_as(d->vdev);
    guint8 b[2];

    qmem_address_space_rw(as, d->avail + 2, b, 2, FALSE);
    b[0] += n;
    if (b[0] < n) {
        b[1]++;
    }
    qmem_address_space_rw(as, d->avail + 2, b, 2, TRUE);
}

void fuzz_vq_check(FuzzVqDriver *d)
{
    const guint8 status = qmem_virtio_get_status(d->vdev);

    g_assert_cmpuint(qmem_virtio_queue_get_inuse(
                         qmem_virtio_get_queue(d->vdev, 0)), ==, 0);
    if (qmem_virtio_is_broken(d->vdev) &&
        qmem_virtio_has_feature(d->vdev, QMEM_VIRTIO_F_VERSION_1)) {
        g_assert_true(status & QMEM_VIRTIO_CONFIG_S_NEEDS_RESET);
    }
}

static guint64 le64(const guint8 *p)
{
    guint64 v = 0;

    for (int i = 7; i >= 0; i--) {
        v = v << 8 | p[i];
    }
    return v;
}

void fuzz_vq_driver_plug(FuzzVqDriver *d, QmemVirtioDevice *vdev,
                         const guint8 *p, const FuzzVqFeature *features,
                         guint n_features)
{
    guint64 accepted = 0;

    for (guint i = 0; i < n_features; i++) {
        if (p[1] & features[i].mask) {
            accepted |= QMEM_VIRTIO_BIT(features[i].bit);
        }
    }
    *d = (FuzzVqDriver){
        .vdev = vdev,
        .features = accepted,
        .num = p[0] & 0x80 ? 100 : 1u << (p[0] & 7),
        .driver_ok = !(p[1] & 0x40),
        .desc = le64(p + 2),
        .avail = le64(p + 10),
        .used = le64(p + 18),
    };
    g_assert_true(qmem_virtio_device_plug(vdev,
                                          fuzz_vq_get_world()->transport,
                                          NULL));
    fuzz_vq_driver_start(d);
}

gboolean fuzz_vq_run_common_op(FuzzVqDriver *d, const guint8 *op)
{
    switch (op[0] & 7) {
    case 0:
        qmem_virtio_queue_notify(d->vdev, op[1] & 0x80 ? op[1] & 0x7f : 0);
        return TRUE;
    case 1:
        fuzz_vq_poke(op[1] | op[2] << 8, op[3]);
        return TRUE;
    case 2:
        fuzz_vq_bump_avail_idx(d, op[1]);
        return TRUE;
    case 3:
        fuzz_vq_driver_start(d);
        return TRUE;
    default:
        return FALSE;
    }
}

void fuzz_vq_read_config(FuzzVqDriver *d, const guint8 *op)
{
    qmem_virtio_config_read(d->vdev, op[1], 1 << (op[2] % 3));
    qmem_virtio_read_and_clear_isr(d->vdev);
}
