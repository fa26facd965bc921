/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What the virtqueue fuzz targets share: guest memory, transport, driver. */

#ifndef QMEM_TESTS_FUZZ_FUZZ_VIRTIO_VQ_H
#define QMEM_TESTS_FUZZ_FUZZ_VIRTIO_VQ_H

#include "hw/virtio/virtio.h"
#include "system/memory.h"
#include "system/ram-block.h"

/*
 * The guest's DMA address space: FUZZ_VQ_RAM_SIZE bytes of RAM at 0
 * (an input's image), a page of ROM at FUZZ_VQ_ROM_BASE, a page of I/O
 * at FUZZ_VQ_IO_BASE, nothing elsewhere but what a target maps (its
 * device's memory).  A transport over it takes VIRTIO_F_VERSION_1 and
 * counts interrupts.  Made once, it stays from input to input.
 */
#define FUZZ_VQ_RAM_SIZE (64 * 1024)
#define FUZZ_VQ_ROM_BASE 0x10000
#define FUZZ_VQ_IO_BASE 0x11000

typedef struct {
    QmemRamBlock *ram_block;
    QmemRamBlock *rom_block;
    QmemMemoryRegion *root;
    QmemVirtioTransport *transport;
} FuzzVqWorld;

FuzzVqWorld *fuzz_vq_get_world(void);

/* RAM: zeroed, then the first @len bytes of @image (at most all of it). */
void fuzz_vq_load_ram(const guint8 *image, gsize len);

/* RAM[@offset] := @value (@offset below 64 KiB). */
void fuzz_vq_poke(guint offset, guint8 value);

/*
 * A driver of queue 0: the features it accepts, the queue size it writes
 * (refused unless a power of two up to the maximum), its rings, and
 * whether it sets DRIVER_OK.
 */
typedef struct {
    QmemVirtioDevice *vdev;
    guint64 features;
    guint num;
    gboolean driver_ok;
    guint64 desc, avail, used;
} FuzzVqDriver;

/*
 * What a driver does when it starts, refused or not on the way: reset,
 * ACKNOWLEDGE | DRIVER, the features, FEATURES_OK, config vector 0, the
 * queue's size, rings and vector 1, enable, DRIVER_OK.
 */
void fuzz_vq_driver_start(FuzzVqDriver *d);

/* A feature bit that a driver accepts when @mask is set in an input. */
typedef struct {
    guint8 mask;
    guint bit;
} FuzzVqFeature;

/*
 * The driver of @vdev as an input's 26 bytes at @p lay it out: p[0] the
 * queue size's log2 (& 7; & 0x80: size 100, refused), p[1] the features
 * it accepts (the bits of @features whose mask is set; & 0x40: no
 * DRIVER_OK), then the descriptor table, available ring and used ring
 * (3 x le64 GPAs).  @vdev is plugged into the world's transport and the
 * driver starts.
 */
void fuzz_vq_driver_plug(FuzzVqDriver *d, QmemVirtioDevice *vdev,
                         const guint8 *p, const FuzzVqFeature *features,
                         guint n_features);

/*
 * The operations (op, x, y, z) that every target has: op & 7 == 0 kicks
 * the queue (x & 0x80: queue x & 0x7f), 1 writes RAM[x | y << 8] := z,
 * 2 publishes x more available entries, 3 restarts the driver.  Returns
 * FALSE (doing nothing) for the others, the target's own.
 */
gboolean fuzz_vq_run_common_op(FuzzVqDriver *d, const guint8 *op);

/* The guest reads config byte x (1 << y % 3 bytes), then the ISR. */
void fuzz_vq_read_config(FuzzVqDriver *d, const guint8 *op);

/* The driver publishes @n more available entries. */
void fuzz_vq_bump_avail_idx(FuzzVqDriver *d, guint8 n);

/*
 * Every element of queue 0 is answered or given up at once, and a
 * broken device of a VIRTIO 1 driver says NEEDS_RESET.
 */
void fuzz_vq_check(FuzzVqDriver *d);

#endif
