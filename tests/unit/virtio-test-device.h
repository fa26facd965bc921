/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The virtio core tests' device and fixture (test-virtio, test-virtqueue). */

#ifndef QMEM_TESTS_UNIT_VIRTIO_TEST_DEVICE_H
#define QMEM_TESTS_UNIT_VIRTIO_TEST_DEVICE_H

#include "tests/unit/test-machine.h"
#include "tests/unit/virtio-test.h"

/*
 * A device to test the core with: two queues (16 and 8 entries) whose
 * handler echoes: what the driver gave to read is written into its write
 * buffers, the used length is what was written.  With @hold it keeps
 * every element instead.  Config space: 4 read-only bytes, then 4 the
 * driver may write.  Its vfuncs count their calls.
 */
#define TEST_DEVICE_ID 42
#define TEST_F_A 0
#define TEST_F_B 5

typedef struct {
    QmemVirtioDevice parent_instance;
    guint8 cfg[8];
    guint64 offer;              /* added by get_features */
    gboolean reject;            /* validate_features says no */
    guint64 features_seen;
    guint8 status_seen;
    guint get_config_calls, set_config_calls, set_status_calls;
    guint reset_calls, queue_reset_calls, queue_enable_calls;
    gboolean hold;
    GPtrArray *held;
    guint handled;
} TestDevice;

GType test_device_get_type(void);

#define TEST_DEVICE(obj) \
    G_TYPE_CHECK_INSTANCE_CAST((obj), test_device_get_type(), TestDevice)

/* The echo handler of its queues. */
void td_handle(QmemVirtioDevice *vdev, QmemVirtQueue *vq);

/* The fixture: a realized test device and a fake transport, unplugged. */
typedef struct {
    MachineFixture base;
    TestDevice *td;
    QmemVirtioDevice *vdev;
    FakeTransport *t;
    DriverQueue q;
} Fixture;

#define MODERN (QMEM_VIRTIO_BIT(QMEM_VIRTIO_F_VERSION_1) | \
                QMEM_VIRTIO_BIT(TEST_F_A))
#define QBASE 0x1000
#define BUF 0x8000
#define CONFIG_VECTOR 1
#define QUEUE_VECTOR 2

void fixture_setup(Fixture *f, gconstpointer data);
void fixture_teardown(Fixture *f, gconstpointer data);

/*
 * Plugged (if not yet), negotiated (@accept), queue 0 at QBASE with
 * QUEUE_VECTOR, CONFIG_VECTOR, DRIVER_OK; the vectors seen cleared.
 */
void start(Fixture *f, guint64 accept);

/* One echo request on @q: @data out, @in bytes of room; the used length. */
guint32 echo(DriverQueue *q, const char *data, guint32 in);

/* Interrupts the transport was told to raise, and the last one's vector. */
guint notified(Fixture *f);
guint16 last_vector(Fixture *f);

#endif
