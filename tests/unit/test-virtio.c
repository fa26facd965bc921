/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Tests for hw/virtio/virtio.c: the device core and its transport side. */

#include <errno.h>
#include <string.h>

#include "tests/unit/virtio-test-device.h"
#include "util/error.h"

#define ADD(path, fn) \
    g_test_add("/hw/virtio/virtio/" path, Fixture, NULL, fixture_setup, fn, \
               fixture_teardown)

/* ------------------------------------------------------------------ */
/* Plugging, features, status */

static void test_plug(Fixture *f, gconstpointer data)
{
    g_assert_cmpuint(qmem_virtio_get_host_features(f->vdev), ==,
                     QMEM_VIRTIO_DEFAULT_FEATURES);
    g_assert_null(qmem_virtio_get_dma_as(f->vdev));
    plug(f->vdev, f->t);
    g_assert_cmpuint(qmem_virtio_get_host_features(f->vdev), ==,
                     QMEM_VIRTIO_DEFAULT_FEATURES | f->td->offer |
                     QMEM_VIRTIO_BIT(QMEM_VIRTIO_F_VERSION_1));
    g_assert_true(qmem_virtio_get_dma_as(f->vdev) == f->t->as);
    g_assert_true(qmem_virtio_get_transport(f->vdev) ==
                  QMEM_VIRTIO_TRANSPORT(f->t));
    g_assert_cmpuint(f->t->pre_plugged_calls, ==, 1);
    g_assert_cmpuint(f->t->device_plugged_calls, ==, 1);
    g_assert_cmpuint(qmem_virtio_get_device_id(f->vdev), ==, TEST_DEVICE_ID);
    g_assert_cmpuint(qmem_virtio_get_config_len(f->vdev), ==, 8);
    g_assert_cmpuint(qmem_virtio_get_num_queues(f->vdev), ==, 2);
    g_assert_cmpuint(qmem_virtio_queue_get_max_num(f->vdev, 0), ==, 16);
    g_assert_cmpuint(qmem_virtio_queue_get_max_num(f->vdev, 1), ==, 8);

    qmem_virtio_device_unplug(f->vdev);
    g_assert_cmpuint(f->t->device_unplugged_calls, ==, 1);
    g_assert_null(qmem_virtio_get_dma_as(f->vdev));
    g_assert_null(qmem_virtio_get_transport(f->vdev));
    g_assert_cmpuint(qmem_virtio_get_host_features(f->vdev), ==,
                     QMEM_VIRTIO_DEFAULT_FEATURES);

    /* A legacy transport adds nothing; what the core offers is settable. */
    f->t->legacy = TRUE;
    qmem_virtio_set_host_features(f->vdev, 0);
    plug(f->vdev, f->t);
    g_assert_cmpuint(qmem_virtio_get_host_features(f->vdev), ==,
                     f->td->offer);
}

static void test_plug_fails(Fixture *f, gconstpointer data)
{
    g_autoptr(GError) error = NULL;

    f->t->fail_pre_plugged = "no room";
    g_assert_false(qmem_virtio_device_plug(f->vdev,
                                           QMEM_VIRTIO_TRANSPORT(f->t),
                                           &error));
    assert_error(error, "no room");
    g_clear_error(&error);
    g_assert_null(qmem_virtio_get_transport(f->vdev));
    g_assert_cmpuint(qmem_virtio_get_host_features(f->vdev), ==,
                     QMEM_VIRTIO_DEFAULT_FEATURES);

    f->t->fail_pre_plugged = NULL;
    f->t->fail_device_plugged = "no BAR";
    g_assert_false(qmem_virtio_device_plug(f->vdev,
                                           QMEM_VIRTIO_TRANSPORT(f->t),
                                           &error));
    assert_error(error, "no BAR");
    g_assert_null(qmem_virtio_get_transport(f->vdev));
    g_assert_null(qmem_virtio_get_dma_as(f->vdev));
    g_assert_cmpuint(qmem_virtio_get_host_features(f->vdev), ==,
                     QMEM_VIRTIO_DEFAULT_FEATURES);
    g_assert_cmpuint(f->t->device_unplugged_calls, ==, 0);
}

static void test_set_features(Fixture *f, gconstpointer data)
{
    const guint64 host = QMEM_VIRTIO_DEFAULT_FEATURES | f->td->offer |
                         QMEM_VIRTIO_BIT(QMEM_VIRTIO_F_VERSION_1);

    plug(f->vdev, f->t);
    /* Bits the device does not offer are dropped, and said so. */
    g_assert_cmpint(qmem_virtio_set_features(f->vdev, G_MAXUINT64), ==, -1);
    g_assert_cmpuint(qmem_virtio_get_guest_features(f->vdev), ==, host);
    g_assert_cmpuint(f->td->features_seen, ==, host);
    g_assert_cmpint(qmem_virtio_set_features(f->vdev, MODERN), ==, 0);
    g_assert_cmpuint(qmem_virtio_get_guest_features(f->vdev), ==, MODERN);
    g_assert_true(qmem_virtio_has_feature(f->vdev, TEST_F_A));
    g_assert_false(qmem_virtio_has_feature(f->vdev, TEST_F_B));
    g_assert_true(qmem_virtio_host_has_feature(f->vdev, TEST_F_B));
    g_assert_false(qmem_virtio_has_feature(f->vdev, 64));

    /* Once FEATURES_OK is set, negotiation is over. */
    g_assert_cmpint(qmem_virtio_set_status(
                        f->vdev, QMEM_VIRTIO_CONFIG_S_FEATURES_OK), ==, 0);
    g_assert_cmpint(qmem_virtio_set_features(f->vdev, host), ==, -EINVAL);
    g_assert_cmpuint(qmem_virtio_get_guest_features(f->vdev), ==, MODERN);
}

static void test_features_ok(Fixture *f, gconstpointer data)
{
    const guint8 s = QMEM_VIRTIO_CONFIG_S_ACKNOWLEDGE |
                     QMEM_VIRTIO_CONFIG_S_DRIVER;

    plug(f->vdev, f->t);
    /* The device says no: FEATURES_OK stays clear. */
    f->td->reject = TRUE;
    g_assert_cmpint(qmem_virtio_set_status(f->vdev, s), ==, 0);
    qmem_virtio_set_features(f->vdev, MODERN);
    f->td->set_status_calls = 0;
    g_assert_cmpint(qmem_virtio_set_status(
                        f->vdev, s | QMEM_VIRTIO_CONFIG_S_FEATURES_OK), ==,
                    -EFAULT);
    g_assert_cmpuint(qmem_virtio_get_status(f->vdev), ==, s);
    g_assert_cmpuint(f->td->set_status_calls, ==, 0);
    g_assert_false(driver_negotiate(f->vdev, MODERN));
    f->td->reject = FALSE;
    g_assert_true(driver_negotiate(f->vdev, MODERN));
    g_assert_cmpuint(f->td->status_seen, ==,
                     s | QMEM_VIRTIO_CONFIG_S_FEATURES_OK);

    /* Set already: not checked again. */
    f->td->reject = TRUE;
    g_assert_cmpint(qmem_virtio_set_status(
                        f->vdev, s | QMEM_VIRTIO_CONFIG_S_FEATURES_OK |
                        QMEM_VIRTIO_CONFIG_S_DRIVER_OK), ==, 0);
    f->td->reject = FALSE;

    /* A device without a legacy interface needs VERSION_1. */
    g_assert_false(driver_negotiate(f->vdev, QMEM_VIRTIO_BIT(TEST_F_A)));
    g_assert_cmpuint(qmem_virtio_get_status(f->vdev), ==, s);
    g_assert_cmpint(qmem_virtio_set_status(
                        f->vdev, s | QMEM_VIRTIO_CONFIG_S_FEATURES_OK), ==,
                    -EINVAL);
}

/* The legacy devices (QEMU's virtio_legacy_allowed()) go without it. */
static void test_features_ok_legacy(Fixture *f, gconstpointer data)
{
    qmem_virtio_cleanup(f->vdev);
    qmem_virtio_init(f->vdev, 4, sizeof(f->td->cfg));
    plug(f->vdev, f->t);
    g_assert_true(driver_negotiate(f->vdev, QMEM_VIRTIO_BIT(TEST_F_A)));
    /* Without VERSION_1 nothing is validated. */
    f->td->reject = TRUE;
    g_assert_true(driver_negotiate(f->vdev, QMEM_VIRTIO_BIT(TEST_F_A)));
}

static void test_features_ok_iommu(Fixture *f, gconstpointer data)
{
    const guint64 iommu = QMEM_VIRTIO_BIT(QMEM_VIRTIO_F_IOMMU_PLATFORM);

    qmem_virtio_set_host_features(f->vdev,
                                  QMEM_VIRTIO_DEFAULT_FEATURES | iommu);
    plug(f->vdev, f->t);
    g_assert_false(driver_negotiate(f->vdev, MODERN));
    g_assert_true(driver_negotiate(f->vdev, MODERN | iommu));
}

static void test_reset(Fixture *f, gconstpointer data)
{
    const guint8 gen = 0;

    start(f, MODERN);
    g_assert_cmpuint(echo(&f->q, "abc", 8), ==, 3);
    qmem_virtio_notify_config(f->vdev);
    qmem_virtio_queue_set_vector(f->vdev, 1, 5);
    g_assert_cmpuint(qmem_virtio_get_isr(f->vdev), ==, 3);
    g_assert_cmpuint(qmem_virtio_get_generation(f->vdev), ==, gen + 1);
    g_array_set_size(f->t->vectors, 0);

    qmem_virtio_reset(f->vdev);
    g_assert_cmpuint(f->td->reset_calls, ==, 2);
    g_assert_cmpuint(f->td->status_seen, ==, 0);
    g_assert_cmpuint(f->td->features_seen, ==, 0);
    g_assert_cmpuint(qmem_virtio_get_status(f->vdev), ==, 0);
    g_assert_cmpuint(qmem_virtio_get_guest_features(f->vdev), ==, 0);
    g_assert_cmpuint(qmem_virtio_get_isr(f->vdev), ==, 0);
    g_assert_cmpuint(qmem_virtio_get_config_vector(f->vdev), ==,
                     QMEM_VIRTIO_NO_VECTOR);
    /* The generation only goes up; INTx is told to drop. */
    g_assert_cmpuint(qmem_virtio_get_generation(f->vdev), ==, gen + 1);
    g_assert_cmpuint(notified(f), ==, 1);
    g_assert_cmpuint(last_vector(f), ==, QMEM_VIRTIO_NO_VECTOR);
    for (guint i = 0; i < 2; i++) {
        QmemVirtQueue *vq = qmem_virtio_get_queue(f->vdev, i);

        g_assert_cmpuint(qmem_virtio_queue_get_desc_addr(f->vdev, i), ==, 0);
        g_assert_cmpuint(qmem_virtio_queue_get_avail_addr(f->vdev, i), ==,
                         0);
        g_assert_cmpuint(qmem_virtio_queue_get_used_addr(f->vdev, i), ==, 0);
        g_assert_false(qmem_virtio_queue_enabled(f->vdev, i));
        g_assert_cmpuint(qmem_virtio_queue_get_vector(f->vdev, i), ==,
                         QMEM_VIRTIO_NO_VECTOR);
        g_assert_cmpuint(qmem_virtio_queue_get_num(f->vdev, i), ==,
                         qmem_virtio_queue_get_max_num(f->vdev, i));
        g_assert_cmpuint(qmem_virtio_queue_get_last_avail_idx(vq), ==, 0);
        g_assert_cmpuint(qmem_virtio_queue_get_used_idx(vq), ==, 0);
        g_assert_cmpuint(qmem_virtio_queue_get_inuse(vq), ==, 0);
    }
    /* And the device starts again from scratch. */
    start(f, MODERN);
    g_assert_cmpuint(echo(&f->q, "again", 8), ==, 5);
}

static void test_config(Fixture *f, gconstpointer data)
{
    plug(f->vdev, f->t);
    g_assert_cmpuint(qmem_virtio_config_read(f->vdev, 0, 1), ==, 0x11);
    g_assert_cmpuint(qmem_virtio_config_read(f->vdev, 1, 2), ==, 0x3322);
    g_assert_cmpuint(qmem_virtio_config_read(f->vdev, 0, 4), ==,
                     0x44332211);
    g_assert_cmpuint(f->td->get_config_calls, ==, 3);
    /* Past the end: all ones, the device not asked. */
    g_assert_cmpuint(qmem_virtio_config_read(f->vdev, 5, 4), ==, G_MAXUINT32);
    g_assert_cmpuint(qmem_virtio_config_read(f->vdev, G_MAXUINT32, 1), ==,
                     G_MAXUINT32);
    g_assert_cmpuint(f->td->get_config_calls, ==, 3);

    qmem_virtio_config_write(f->vdev, 4, 0xcafe, 2);
    g_assert_cmpuint(f->td->set_config_calls, ==, 1);
    g_assert_cmpuint(qmem_virtio_config_read(f->vdev, 4, 4), ==, 0xcafe);
    /* The device keeps what is read-only. */
    qmem_virtio_config_write(f->vdev, 0, 0xffffffff, 4);
    g_assert_cmpuint(qmem_virtio_config_read(f->vdev, 0, 4), ==,
                     0x44332211);
    qmem_virtio_config_write(f->vdev, 7, 0xffff, 2);
    g_assert_cmpuint(f->td->set_config_calls, ==, 2);
}

static void test_notify_config(Fixture *f, gconstpointer data)
{
    plug(f->vdev, f->t);
    g_assert_true(driver_negotiate(f->vdev, MODERN));
    qmem_virtio_set_config_vector(f->vdev, CONFIG_VECTOR);
    g_array_set_size(f->t->vectors, 0);
    /* Not before DRIVER_OK. */
    qmem_virtio_notify_config(f->vdev);
    g_assert_cmpuint(qmem_virtio_get_generation(f->vdev), ==, 0);
    g_assert_cmpuint(qmem_virtio_get_isr(f->vdev), ==, 0);
    g_assert_cmpuint(notified(f), ==, 0);

    driver_ok(f->vdev);
    qmem_virtio_notify_config(f->vdev);
    qmem_virtio_notify_config(f->vdev);
    g_assert_cmpuint(qmem_virtio_get_generation(f->vdev), ==, 2);
    g_assert_cmpuint(notified(f), ==, 2);
    g_assert_cmpuint(last_vector(f), ==, CONFIG_VECTOR);
    g_assert_cmpuint(qmem_virtio_read_and_clear_isr(f->vdev), ==,
                     QMEM_VIRTIO_ISR_QUEUE | QMEM_VIRTIO_ISR_CONFIG);
    g_assert_cmpuint(qmem_virtio_read_and_clear_isr(f->vdev), ==, 0);
}

static void test_queue_setup(Fixture *f, gconstpointer data)
{
    static const guint bad[] = { 0, 3, 12, 32, 1024 };
    QmemVirtQueue *vq = qmem_virtio_get_queue(f->vdev, 0);

    plug(f->vdev, f->t);
    g_assert_true(qmem_virtio_queue_get_device(vq) == f->vdev);
    g_assert_cmpuint(qmem_virtio_queue_get_index(vq), ==, 0);
    g_assert_cmpuint(qmem_virtio_queue_get_index(
                         qmem_virtio_get_queue(f->vdev, 1)), ==, 1);
    for (guint i = 0; i < G_N_ELEMENTS(bad); i++) {
        g_assert_false(qmem_virtio_queue_set_num(f->vdev, 0, bad[i]));
        g_assert_cmpuint(qmem_virtio_queue_get_num(f->vdev, 0), ==, 16);
    }
    g_assert_true(qmem_virtio_queue_set_num(f->vdev, 0, 4));
    g_assert_cmpuint(qmem_virtio_queue_get_num(f->vdev, 0), ==, 4);
    g_assert_true(qmem_virtio_queue_set_num(f->vdev, 0, 1));
    g_assert_false(qmem_virtio_queue_set_num(f->vdev, 2, 4));

    /* Rings for 1 entry at the end of RAM: 4 entries do not fit. */
    qmem_virtio_queue_set_rings(f->vdev, 0, 0x1000, RAM_SIZE - 6, 0x3000);
    g_assert_false(qmem_virtio_is_broken(f->vdev));
    g_assert_true(qmem_virtio_queue_set_num(f->vdev, 0, 4));
    g_assert_cmpstr(capture_get(), ==, "qmem-run: Cannot map avail\n");
    capture_clear();
    qmem_virtio_reset(f->vdev);
    qmem_virtio_queue_set_rings(f->vdev, 0, 0x1000, 0x2000, 0x3000);
    g_assert_cmpuint(qmem_virtio_queue_get_desc_addr(f->vdev, 0), ==,
                     0x1000);
    g_assert_cmpuint(qmem_virtio_queue_get_avail_addr(f->vdev, 0), ==,
                     0x2000);
    g_assert_cmpuint(qmem_virtio_queue_get_used_addr(f->vdev, 0), ==,
                     0x3000);
    g_assert_false(qmem_virtio_queue_enabled(f->vdev, 0));
    qmem_virtio_queue_enable(f->vdev, 0);
    g_assert_true(qmem_virtio_queue_enabled(f->vdev, 0));
    g_assert_cmpuint(f->td->queue_enable_calls, ==, 1);
    qmem_virtio_queue_set_vector(f->vdev, 0, 7);
    g_assert_cmpuint(qmem_virtio_queue_get_vector(f->vdev, 0), ==, 7);
    g_assert_cmpuint(qmem_virtio_queue_get_vector(f->vdev, 9), ==,
                     QMEM_VIRTIO_NO_VECTOR);
    /* Kicking a queue the device does not have does nothing. */
    qmem_virtio_queue_notify(f->vdev, 2);
    qmem_virtio_queue_notify(f->vdev, 0xffff);
    g_assert_cmpuint(f->td->handled, ==, 0);
}

/* VIRTIO_F_RING_RESET: one queue alone goes back to its reset state. */
static void test_queue_reset(Fixture *f, gconstpointer data)
{
    DriverQueue q1;

    start(f, MODERN);
    driver_queue_init(&q1, f->t, f->vdev, 1, 8, 0x4000);
    g_assert_cmpuint(echo(&f->q, "zero", 8), ==, 4);
    g_assert_cmpuint(echo(&q1, "one", 8), ==, 3);
    qmem_virtio_queue_reset(f->vdev, 1);
    g_assert_cmpuint(f->td->queue_reset_calls, ==, 1);
    g_assert_cmpuint(qmem_virtio_queue_get_desc_addr(f->vdev, 1), ==, 0);
    g_assert_false(qmem_virtio_queue_enabled(f->vdev, 1));
    g_assert_cmpuint(qmem_virtio_queue_get_used_idx(
                         qmem_virtio_get_queue(f->vdev, 1)), ==, 0);
    /* The other queue goes on. */
    g_assert_true(qmem_virtio_queue_enabled(f->vdev, 0));
    g_assert_cmpuint(echo(&f->q, "zero", 8), ==, 4);
    driver_queue_init(&q1, f->t, f->vdev, 1, 8, 0x4000);
    g_assert_cmpuint(echo(&q1, "one", 8), ==, 3);
}

static void test_error(Fixture *f, gconstpointer data)
{
    plug(f->vdev, f->t);
    g_assert_true(driver_negotiate(f->vdev, MODERN));
    g_array_set_size(f->t->vectors, 0);
    qmem_virtio_error(f->vdev, "bad %s %d", "thing", 7);
    g_assert_cmpstr(capture_get(), ==, "qmem-run: bad thing 7\n");
    capture_clear();
    g_assert_true(qmem_virtio_get_status(f->vdev) &
                  QMEM_VIRTIO_CONFIG_S_NEEDS_RESET);
    /* Not DRIVER_OK yet: no config interrupt. */
    g_assert_cmpuint(qmem_virtio_get_generation(f->vdev), ==, 0);
    g_assert_cmpuint(notified(f), ==, 0);
    qmem_virtio_reset(f->vdev);
    g_assert_false(qmem_virtio_is_broken(f->vdev));
}

/* A device that goes while plugged unplugs itself first. */
static void test_dispose_plugged(Fixture *f, gconstpointer data)
{
    start(f, MODERN);
    g_clear_object(&f->td);
    g_assert_cmpuint(f->t->device_unplugged_calls, ==, 1);
    f->td = g_object_new(test_device_get_type(), NULL);
    f->vdev = QMEM_VIRTIO_DEVICE(f->td);
}

int main(int argc, char **argv)
{
    test_init(&argc, &argv);

    ADD("plug", test_plug);
    ADD("plug/fails", test_plug_fails);
    ADD("features/set", test_set_features);
    ADD("features/ok", test_features_ok);
    ADD("features/ok-legacy", test_features_ok_legacy);
    ADD("features/ok-iommu", test_features_ok_iommu);
    ADD("reset", test_reset);
    ADD("config", test_config);
    ADD("config/notify", test_notify_config);
    ADD("queue/setup", test_queue_setup);
    ADD("queue/reset", test_queue_reset);
    ADD("error", test_error);
    ADD("dispose-plugged", test_dispose_plugged);
    return g_test_run();
}
