/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The virtio-mem tests' shared part: requests, a device and its backend. */

#ifndef QMEM_TESTS_UNIT_VIRTIO_MEM_TEST_H
#define QMEM_TESTS_UNIT_VIRTIO_MEM_TEST_H

#include <json-glib/json-glib.h>
#include "hw/virtio/virtio-mem.h"
#include "system/hostmem.h"
#include "tests/unit/test-machine.h"
#include "tests/unit/virtio-test.h"

#define MiB (G_GUINT64_CONSTANT(1) << 20)
#define GiB (G_GUINT64_CONSTANT(1) << 30)
#define BLK (2 * MiB)

/* Where the engine tests put the device, as a pc machine with 1G would. */
#define ADDR (4 * GiB)

/* Requests, responses and states, short. */
#define PLUG QMEM_VIRTIO_MEM_REQ_PLUG
#define UNPLUG QMEM_VIRTIO_MEM_REQ_UNPLUG
#define UNPLUG_ALL QMEM_VIRTIO_MEM_REQ_UNPLUG_ALL
#define STATE QMEM_VIRTIO_MEM_REQ_STATE
#define ACK QMEM_VIRTIO_MEM_RESP_ACK
#define NACK QMEM_VIRTIO_MEM_RESP_NACK
#define BUSY QMEM_VIRTIO_MEM_RESP_BUSY
#define ERROR QMEM_VIRTIO_MEM_RESP_ERROR
#define S_PLUGGED QMEM_VIRTIO_MEM_STATE_PLUGGED
#define S_UNPLUGGED QMEM_VIRTIO_MEM_STATE_UNPLUGGED
#define S_MIXED QMEM_VIRTIO_MEM_STATE_MIXED

void put_le16(guint8 *p, guint16 v);
void put_le64(guint8 *p, guint64 v);
guint16 get_le16(const guint8 *p);
guint64 get_le64(const guint8 *p);

/* The 24 request bytes a guest driver writes. */
void build_request(guint8 *req, guint16 type, guint64 addr,
                   guint16 nb_blocks);

/*
 * A guest request that must get a response (checked for padding and
 * size); returns its type, and the state of a STATE request in @state.
 */
guint16 request(QmemVirtioMem *vmem, guint16 type, guint64 addr,
                guint16 nb_blocks, guint16 *state);
void plug_ok(QmemVirtioMem *vmem, guint64 addr, guint16 nb);
void unplug_ok(QmemVirtioMem *vmem, guint64 addr, guint16 nb);

/*
 * The engine fixture: a #QmemVirtioMem and its backend, no machine, on
 * the shared fixture (@base): teardown checks that both were finalized
 * and that g_printerr() printed exactly @base.expect_printed.
 */
typedef struct {
    MachineFixture base;
    QmemVirtioMem *vmem;
    QmemHostMemoryBackend *memdev;
    gpointer *vmem_weak;        /* track()'s slots */
    gpointer *memdev_weak;
    guint size_changes;
    guint64 last_size;
    FakeTransport *t;           /* start_driver()'s */
    DriverQueue q;
} Fixture;

void fixture_setup(Fixture *f, gconstpointer data);
void fixture_teardown(Fixture *f, gconstpointer data);

/* An engine test at @path, with @data. */
#define ADD(path, data, fn) \
    g_test_add(path, Fixture, data, fixture_setup, fn, fixture_teardown)

/* One engine test per entry of @cases, at .../PREFIX/NAME. */
#define ADD_TABLE(prefix, cases, fn) \
    for (guint i_ = 0; i_ < G_N_ELEMENTS(cases); i_++) { \
        g_autofree char *path_ = g_strdup_printf( \
            "/hw/virtio/virtio-mem/" prefix "/%s", (cases)[i_].name); \
        ADD(path_, &(cases)[i_], fn); \
    }

/* -object TEXT ("@DIR@" is the fixture's directory), the device's memdev. */
QmemHostMemoryBackend *add_backend(Fixture *f, const char *text);

/* Realizes the device on one NUMA node. */
void realize(Fixture *f);

/* notify::size: counts in @size_changes, the size in @last_size. */
void on_size_change(QmemVirtioMem *vmem, GParamSpec *pspec, gpointer data);

/* 1 GiB of anonymous memory at ADDR, 32 MiB requested: 288 MiB usable. */
void setup_requests(Fixture *f);

/*
 * The features the realized device offers (the core's and its own, not
 * a transport's).
 */
guint64 device_features(QmemVirtioMem *vmem);

/*
 * A guest driver on the realized device: plugged into a fake transport
 * (@f->t), VIRTIO_F_VERSION_1 and @accept negotiated, the request queue
 * at QUEUE_BASE with QUEUE_VECTOR, the config vector CONFIG_VECTOR,
 * DRIVER_OK; the vectors seen cleared.
 */
#define QUEUE_BASE 0x1000
#define QUEUE_VECTOR 1
#define CONFIG_VECTOR 2
#define F_ACPI_PXM QMEM_VIRTIO_BIT(QMEM_VIRTIO_MEM_F_ACPI_PXM)
#define F_UNPLUGGED_INACCESSIBLE \
    QMEM_VIRTIO_BIT(QMEM_VIRTIO_MEM_F_UNPLUGGED_INACCESSIBLE)
void start_driver(Fixture *f, guint64 accept);

/*
 * request() as a guest driver sends it on the started queue: the 24
 * request bytes at REQ_GPA, a chain of them and 10 bytes of room at
 * RESP_GPA, a kick; it must be answered (used length 10, id the head) and
 * the queue's vector raised unless the driver suppressed it.
 */
#define REQ_GPA 0x10000
#define RESP_GPA 0x10100
guint16 queue_request(Fixture *f, guint16 type, guint64 addr,
                      guint16 nb_blocks, guint16 *state);

#endif
