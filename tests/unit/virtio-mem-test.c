/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The virtio-mem tests' shared part: requests, a device and its backend. */

#include <string.h>

#include "tests/unit/virtio-mem-test.h"
#include "util/error.h"

void put_le16(guint8 *p, guint16 v)
{
    p[0] = v;
    p[1] = v >> 8;
}

void put_le64(guint8 *p, guint64 v)
{
    for (int i = 0; i < 8; i++) {
        p[i] = v >> (8 * i);
    }
}

guint16 get_le16(const guint8 *p)
{
    return p[0] | p[1] << 8;
}

guint64 get_le64(const guint8 *p)
{
    guint64 v = 0;

    for (int i = 7; i >= 0; i--) {
        v = v << 8 | p[i];
    }
    return v;
}

void build_request(guint8 *req, guint16 type, guint64 addr,
                   guint16 nb_blocks)
{
    memset(req, 0, QMEM_VIRTIO_MEM_REQ_SIZE);
    put_le16(req, type);
    put_le64(req + 8, addr);
    put_le16(req + 16, nb_blocks);
}

/* A guest request that must get a response; returns its type. */
guint16 request(QmemVirtioMem *vmem, guint16 type, guint64 addr,
                guint16 nb_blocks, guint16 *state)
{
    g_autoptr(GError) error = NULL;
    guint8 req[QMEM_VIRTIO_MEM_REQ_SIZE];
    guint8 resp[QMEM_VIRTIO_MEM_RESP_SIZE + 2];

    build_request(req, type, addr, nb_blocks);
    memset(resp, 0xaa, sizeof(resp));
    g_assert_true(qmem_virtio_mem_handle_request(vmem, req, sizeof(req),
                                                 resp, sizeof(resp), &error));
    g_assert_no_error(error);
    /* Padding is zero; nothing beyond the 10 bytes is written. */
    g_assert_cmpuint(get_le16(resp + 2), ==, 0);
    g_assert_cmpuint(get_le16(resp + 4), ==, 0);
    g_assert_cmpuint(get_le16(resp + 6), ==, 0);
    g_assert_cmpuint(resp[10], ==, 0xaa);
    g_assert_cmpuint(resp[11], ==, 0xaa);
    if (state) {
        *state = get_le16(resp + 8);
    } else if (type != QMEM_VIRTIO_MEM_REQ_STATE) {
        g_assert_cmpuint(get_le16(resp + 8), ==, 0);
    }
    return get_le16(resp);
}

void plug_ok(QmemVirtioMem *vmem, guint64 addr, guint16 nb)
{
    g_assert_cmpuint(request(vmem, QMEM_VIRTIO_MEM_REQ_PLUG, addr, nb, NULL),
                     ==, QMEM_VIRTIO_MEM_RESP_ACK);
}

void unplug_ok(QmemVirtioMem *vmem, guint64 addr, guint16 nb)
{
    g_assert_cmpuint(request(vmem, QMEM_VIRTIO_MEM_REQ_UNPLUG, addr, nb,
                             NULL), ==, QMEM_VIRTIO_MEM_RESP_ACK);
}

void fixture_setup(Fixture *f, gconstpointer data)
{
    machine_fixture_setup(&f->base, NULL);
    f->vmem = qmem_virtio_mem_new();
    f->vmem_weak = track(&f->base, f->vmem);
}

void fixture_teardown(Fixture *f, gconstpointer data)
{
    /* The device goes with its last reference, the backend with the tree. */
    g_clear_object(&f->vmem);
    g_assert_null(*f->vmem_weak);
    /* After the device: it unplugged itself from it. */
    g_clear_object(&f->t);
    machine_fixture_teardown(&f->base, NULL);
}

/* -object TEXT ("@DIR@" is the fixture's directory); memdev of the device. */
QmemHostMemoryBackend *add_backend(Fixture *f, const char *text)
{
    QmemObject *obj = add_object(&f->base, text);

    f->memdev = QMEM_HOST_MEMORY_BACKEND(obj);
    f->memdev_weak = track(&f->base, obj);
    qmem_virtio_mem_set_memdev(f->vmem, f->memdev);
    return f->memdev;
}

static const QmemVirtioMemEnv env_default = { .nb_numa_nodes = 1 };

void realize(Fixture *f)
{
    g_autoptr(GError) error = NULL;

    g_assert_true(qmem_virtio_mem_realize(f->vmem, &env_default, &error));
    g_assert_no_error(error);
}

/* notify::size, QEMU's size-change notifier. */
void on_size_change(QmemVirtioMem *vmem, GParamSpec *pspec, gpointer data)
{
    Fixture *f = data;

    f->size_changes++;
    f->last_size = qmem_virtio_mem_get_size(vmem);
}

/* 1 GiB of anonymous memory at ADDR, 32 MiB requested: 288 MiB usable. */
void setup_requests(Fixture *f)
{
    g_autoptr(GError) error = NULL;

    add_backend(f, "memory-backend-ram,id=m0,size=1G,reserve=off");
    qmem_virtio_mem_set_addr(f->vmem, ADDR);
    g_assert_true(qmem_virtio_mem_set_requested_size(f->vmem, 32 * MiB,
                                                     &error));
    g_signal_connect(f->vmem, "notify::size", G_CALLBACK(on_size_change), f);
    realize(f);
    g_assert_cmpuint(qmem_virtio_mem_get_block_size(f->vmem), ==, BLK);
    g_assert_cmpuint(qmem_virtio_mem_get_usable_region_size(f->vmem), ==,
                     288 * MiB);
}

guint64 device_features(QmemVirtioMem *vmem)
{
    g_autoptr(FakeTransport) t = fake_transport_new();
    QmemVirtioDevice *vdev = QMEM_VIRTIO_DEVICE(vmem);
    guint64 features;

    t->legacy = TRUE;
    plug(vdev, t);
    features = qmem_virtio_get_host_features(vdev);
    qmem_virtio_device_unplug(vdev);
    return features;
}

void start_driver(Fixture *f, guint64 accept)
{
    QmemVirtioDevice *vdev = QMEM_VIRTIO_DEVICE(f->vmem);

    if (!f->t) {
        f->t = fake_transport_new();
        track(&f->base, f->t);
        plug(vdev, f->t);
    }
    g_assert_true(driver_negotiate(
                      vdev, QMEM_VIRTIO_BIT(QMEM_VIRTIO_F_VERSION_1) |
                      accept));
    qmem_virtio_set_config_vector(vdev, CONFIG_VECTOR);
    driver_queue_init(&f->q, f->t, vdev, 0, QMEM_VIRTIO_MEM_QUEUE_SIZE,
                      QUEUE_BASE);
    qmem_virtio_queue_set_vector(vdev, 0, QUEUE_VECTOR);
    driver_ok(vdev);
    g_array_set_size(f->t->vectors, 0);
}

guint16 queue_request(Fixture *f, guint16 type, guint64 addr,
                      guint16 nb_blocks, guint16 *state)
{
    const DriverBuf bufs[] = {
        { REQ_GPA, QMEM_VIRTIO_MEM_REQ_SIZE, FALSE },
        { RESP_GPA, QMEM_VIRTIO_MEM_RESP_SIZE, TRUE },
    };
    guint8 *resp = guest_ptr(f->t, RESP_GPA);
    const guint irqs = f->t->vectors->len;
    guint32 id, len;
    guint head;

    build_request(guest_ptr(f->t, REQ_GPA), type, addr, nb_blocks);
    memset(resp, 0xaa, QMEM_VIRTIO_MEM_RESP_SIZE + 2);
    head = driver_add_chain(&f->q, bufs, G_N_ELEMENTS(bufs));
    driver_kick(&f->q);
    g_assert_true(driver_get_used(&f->q, &id, &len));
    g_assert_cmpuint(id, ==, head);
    g_assert_cmpuint(len, ==, QMEM_VIRTIO_MEM_RESP_SIZE);
    g_assert_false(driver_get_used(&f->q, &id, &len));
    if (!(guest_r16(f->t, f->q.avail) & QMEM_VRING_AVAIL_F_NO_INTERRUPT)) {
        g_assert_cmpuint(f->t->vectors->len, ==, irqs + 1);
        g_assert_cmpuint(g_array_index(f->t->vectors, guint16, irqs), ==,
                         QUEUE_VECTOR);
    }
    /* Padding is zero; nothing beyond the 10 bytes is written. */
    g_assert_cmpuint(get_le16(resp + 2), ==, 0);
    g_assert_cmpuint(get_le16(resp + 4), ==, 0);
    g_assert_cmpuint(get_le16(resp + 6), ==, 0);
    g_assert_cmpuint(resp[10], ==, 0xaa);
    g_assert_cmpuint(resp[11], ==, 0xaa);
    if (state) {
        *state = get_le16(resp + 8);
    } else if (type != QMEM_VIRTIO_MEM_REQ_STATE) {
        g_assert_cmpuint(get_le16(resp + 8), ==, 0);
    }
    return get_le16(resp);
}
