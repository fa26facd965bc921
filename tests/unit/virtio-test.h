/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The virtio tests' shared part: a fake transport and a guest driver. */

#ifndef QMEM_TESTS_UNIT_VIRTIO_TEST_H
#define QMEM_TESTS_UNIT_VIRTIO_TEST_H

#include "hw/virtio/virtio.h"

/*
 * FakeTransport: a #QmemVirtioTransport without PCI.  Its DMA address
 * space is a container of 4 GiB with RAM_SIZE bytes of RAM at 0,
 * ROM_SIZE bytes of ROM at ROM_BASE and an I/O region of IO_SIZE bytes at
 * IO_BASE (reads 0); everything else is unassigned.  It
 * records the vectors it was told to raise, and adds VIRTIO_F_VERSION_1
 * when modern (the default), as virtio-pci does.
 */
#define RAM_SIZE (G_GUINT64_CONSTANT(1) << 20)
#define ROM_BASE (G_GUINT64_CONSTANT(2) << 20)
#define ROM_SIZE (G_GUINT64_CONSTANT(64) << 10)
#define IO_BASE (G_GUINT64_CONSTANT(3) << 20)
#define IO_SIZE 0x1000

#define FAKE_TYPE_TRANSPORT (fake_transport_get_type())
G_DECLARE_FINAL_TYPE(FakeTransport, fake_transport, FAKE, TRANSPORT, GObject)

struct _FakeTransport {
    GObject parent_instance;

    QmemMemoryRegion *root;
    QmemRamBlock *ram_block;
    QmemRamBlock *rom_block;
    QmemMemoryRegion *ram;
    QmemMemoryRegion *rom;
    QmemMemoryRegion *io;
    QmemAddressSpace *as;
    gboolean legacy;            /* no VIRTIO_F_VERSION_1 */
    const char *fail_pre_plugged;   /* fail with this text */
    const char *fail_device_plugged;
    guint pre_plugged_calls;
    guint device_plugged_calls;
    guint device_unplugged_calls;
    GArray *vectors;            /* guint16s of notify() */
};

FakeTransport *fake_transport_new(void);

/* The host pointer of guest-physical @addr in the fake's RAM or ROM. */
guint8 *guest_ptr(FakeTransport *t, guint64 addr);

void guest_w16(FakeTransport *t, guint64 addr, guint16 v);
void guest_w32(FakeTransport *t, guint64 addr, guint32 v);
void guest_w64(FakeTransport *t, guint64 addr, guint64 v);
guint16 guest_r16(FakeTransport *t, guint64 addr);
guint32 guest_r32(FakeTransport *t, guint64 addr);

/* Plugs @vdev into @t, which must work. */
void plug(QmemVirtioDevice *vdev, FakeTransport *t);

/*
 * A guest driver's view of one split queue, laid out at @base: the
 * descriptor table, then the available ring, then the used ring (4-byte
 * aligned), each at the size the driver chose.  Descriptors are handed
 * out from 0 upwards and wrap.
 */
typedef struct {
    FakeTransport *t;
    QmemVirtioDevice *vdev;
    guint index;
    guint num;
    guint64 desc, avail, used;
    guint next_desc;
    guint16 avail_idx;          /* the driver's next available index */
    guint16 last_used;          /* used entries the driver consumed */
} DriverQueue;

/* A buffer of a chain: guest-physical range, device-writable or not. */
typedef struct {
    guint64 addr;
    guint32 len;
    gboolean write;
} DriverBuf;

/*
 * The start of a driver: reset, ACKNOWLEDGE | DRIVER, the features
 * @accept, FEATURES_OK.  Returns whether FEATURES_OK stuck.
 */
gboolean driver_negotiate(QmemVirtioDevice *vdev, guint64 accept);

/* DRIVER_OK on top of what the status is. */
void driver_ok(QmemVirtioDevice *vdev);

/*
 * Sets queue @index up at @base with @num entries (size, rings, enable)
 * as virtio-pci's driver does; @num must be accepted.
 */
void driver_queue_init(DriverQueue *q, FakeTransport *t,
                       QmemVirtioDevice *vdev, guint index, guint num,
                       guint64 base);

/* Writes descriptor @i. */
void driver_set_desc(DriverQueue *q, guint i, guint64 addr, guint32 len,
                     guint16 flags, guint16 next);

/*
 * Puts @n buffers in a chain of fresh descriptors and makes its head
 * available (not yet published).  Returns the head.
 */
guint driver_add_chain(DriverQueue *q, const DriverBuf *bufs, guint n);

/*
 * The same through one indirect descriptor whose table (at @table) holds
 * the @n buffers.
 */
guint driver_add_indirect(DriverQueue *q, guint64 table,
                          const DriverBuf *bufs, guint n);

/* Puts @head into the next slot of the available ring. */
void driver_make_available(DriverQueue *q, guint16 head);

/* Publishes the available index and kicks the queue. */
void driver_kick(DriverQueue *q);

/* The device's used index, as the driver reads it. */
guint16 driver_used_idx(DriverQueue *q);

/* Takes the next used entry; FALSE when there is none. */
gboolean driver_get_used(DriverQueue *q, guint32 *id, guint32 *len);

#endif
