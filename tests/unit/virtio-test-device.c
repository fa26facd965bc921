/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The virtio core tests' device and fixture (test-virtio, test-virtqueue). */

#include <string.h>

#include "tests/unit/virtio-test-device.h"

/* The device */

typedef struct {
    QmemVirtioDeviceClass parent_class;
} TestDeviceClass;

G_DEFINE_TYPE(TestDevice, test_device, QMEM_TYPE_VIRTIO_DEVICE)

static guint64 td_get_features(QmemVirtioDevice *vdev, guint64 features)
{
    return features | TEST_DEVICE(vdev)->offer;
}

static void td_set_features(QmemVirtioDevice *vdev, guint64 features)
{
    TEST_DEVICE(vdev)->features_seen = features;
}

static gboolean td_validate_features(QmemVirtioDevice *vdev)
{
    return !TEST_DEVICE(vdev)->reject;
}

static void td_get_config(QmemVirtioDevice *vdev, guint8 *config)
{
    TestDevice *td = TEST_DEVICE(vdev);

    td->get_config_calls++;
    memcpy(config, td->cfg, sizeof(td->cfg));
}

static void td_set_config(QmemVirtioDevice *vdev, const guint8 *config)
{
    TestDevice *td = TEST_DEVICE(vdev);

    td->set_config_calls++;
    memcpy(td->cfg + 4, config + 4, 4);
}

static void td_set_status(QmemVirtioDevice *vdev, guint8 status)
{
    TestDevice *td = TEST_DEVICE(vdev);

    td->set_status_calls++;
    td->status_seen = status;
}

static void td_reset(QmemVirtioDevice *vdev)
{
    TEST_DEVICE(vdev)->reset_calls++;
}

static void td_queue_reset(QmemVirtioDevice *vdev, guint index)
{
    TEST_DEVICE(vdev)->queue_reset_calls++;
}

static void td_queue_enable(QmemVirtioDevice *vdev, guint index)
{
    TEST_DEVICE(vdev)->queue_enable_calls++;
}

void td_handle(QmemVirtioDevice *vdev, QmemVirtQueue *vq)
{
    TestDevice *td = TEST_DEVICE(vdev);
    QmemVirtQueueElement *elem;

    while ((elem = qmem_virtqueue_pop(vq))) {
        guint64 n = qmem_virtqueue_element_out_size(elem);
        g_autofree guint8 *buf = g_malloc(n);
        gsize written;

        td->handled++;
        if (td->hold) {
            g_ptr_array_add(td->held, elem);
            continue;
        }
        g_assert_cmpuint(qmem_virtqueue_element_to_buf(elem, 0, buf, n), ==,
                         n);
        written = qmem_virtqueue_element_from_buf(elem, 0, buf, n);
        qmem_virtqueue_push(vq, elem, written);
        qmem_virtio_notify(vdev, vq);
        qmem_virtqueue_element_free(elem);
    }
}

static void test_device_finalize(GObject *obj)
{
    g_ptr_array_unref(TEST_DEVICE(obj)->held);
    G_OBJECT_CLASS(test_device_parent_class)->finalize(obj);
}

static void test_device_class_init(TestDeviceClass *klass)
{
    QmemVirtioDeviceClass *vdc = QMEM_VIRTIO_DEVICE_CLASS(klass);

    G_OBJECT_CLASS(klass)->finalize = test_device_finalize;
    vdc->get_features = td_get_features;
    vdc->set_features = td_set_features;
    vdc->validate_features = td_validate_features;
    vdc->get_config = td_get_config;
    vdc->set_config = td_set_config;
    vdc->set_status = td_set_status;
    vdc->reset = td_reset;
    vdc->queue_reset = td_queue_reset;
    vdc->queue_enable = td_queue_enable;
}

static void test_device_init(TestDevice *td)
{
    static const guint8 cfg[8] = { 0x11, 0x22, 0x33, 0x44, 0, 0, 0, 0 };

    memcpy(td->cfg, cfg, sizeof(cfg));
    td->offer = QMEM_VIRTIO_BIT(TEST_F_A) | QMEM_VIRTIO_BIT(TEST_F_B);
    td->held = g_ptr_array_new_with_free_func(g_free);
}

/* The fixture */

void fixture_setup(Fixture *f, gconstpointer data)
{
    machine_fixture_setup(&f->base, NULL);
    f->td = g_object_new(test_device_get_type(), NULL);
    f->vdev = QMEM_VIRTIO_DEVICE(f->td);
    track(&f->base, f->td);
    qmem_virtio_init(f->vdev, TEST_DEVICE_ID, sizeof(f->td->cfg));
    qmem_virtio_add_queue(f->vdev, 16, td_handle);
    qmem_virtio_add_queue(f->vdev, 8, td_handle);
    f->t = fake_transport_new();
    track(&f->base, f->t);
}

void fixture_teardown(Fixture *f, gconstpointer data)
{
    qmem_virtio_cleanup(f->vdev);
    g_object_unref(f->td);
    g_object_unref(f->t);
    machine_fixture_teardown(&f->base, NULL);
}

/* Plugged, negotiated (@accept), queue 0 at QBASE, DRIVER_OK, vectors. */
void start(Fixture *f, guint64 accept)
{
    if (!qmem_virtio_get_transport(f->vdev)) {
        plug(f->vdev, f->t);
    }
    g_assert_true(driver_negotiate(f->vdev, accept));
    qmem_virtio_set_config_vector(f->vdev, CONFIG_VECTOR);
    driver_queue_init(&f->q, f->t, f->vdev, 0, 16, QBASE);
    qmem_virtio_queue_set_vector(f->vdev, 0, QUEUE_VECTOR);
    driver_ok(f->vdev);
    g_array_set_size(f->t->vectors, 0);
}

/* One echo request on @q: @n bytes of @data out, @in bytes of room. */
guint32 echo(DriverQueue *q, const char *data, guint32 in)
{
    const guint32 n = strlen(data);
    DriverBuf bufs[] = {
        { BUF, n, FALSE },
        { BUF + 0x100, in, TRUE },
    };
    guint32 id, len;
    guint head;

    memcpy(guest_ptr(q->t, BUF), data, n);
    head = driver_add_chain(q, bufs, 2);
    driver_kick(q);
    g_assert_true(driver_get_used(q, &id, &len));
    g_assert_cmpuint(id, ==, head);
    return len;
}

guint notified(Fixture *f)
{
    return f->t->vectors->len;
}

guint16 last_vector(Fixture *f)
{
    g_assert_cmpuint(f->t->vectors->len, >, 0);
    return g_array_index(f->t->vectors, guint16, f->t->vectors->len - 1);
}
