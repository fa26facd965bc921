/* SPDX-License-Identifier: GPL-2.0-or-later */
/* virtio-mem's state and the calls between its files (hw/virtio/ only). */

#ifndef QMEM_HW_VIRTIO_VIRTIO_MEM_INTERNAL_H
#define QMEM_HW_VIRTIO_VIRTIO_MEM_INTERNAL_H

#include "hw/virtio/virtio-mem.h"

G_BEGIN_DECLS

#define MiB (G_GUINT64_CONSTANT(1) << 20)

/*
 * virtio-mem.c        the object: properties, what the proxy asks of it
 * virtio-mem-realize.c  realize's checks in QEMU's order, the block size
 * virtio-mem-memslots.c the memory region and dynamic memslots
 * virtio-mem-request.c  what the guest sees: requests, the queue, config,
 *                       features, reset
 */
struct _QmemVirtioMem {
    QmemVirtioDevice parent_instance;

    /* Properties: settable before realize (addr until plug). */
    QmemHostMemoryBackend *memdev;
    guint64 addr;
    guint32 node;
    gboolean prealloc;
    gboolean dynamic_memslots;
    gboolean early_migration;
    QmemVirtioMemOnOffAuto unplugged_inaccessible;
    guint64 block_size;             /* 0: the default, until realize */
    guint64 requested_size;

    gboolean realized;
    gboolean has_numa_state;        /* offer VIRTIO_MEM_F_ACPI_PXM */
    gboolean busy;
    gboolean unplug_pending;
    guint64 size;                   /* plugged bytes */
    guint64 usable_region_size;
    guint64 *bitmap;                /* one bit per block, set = plugged */
    guint64 bitmap_size;            /* in bits */
    QmemVirtQueue *vq;              /* the request queue */

    /* The memdev's RAM as a region, made on first use. */
    QmemMemoryRegion *memdev_mr;
    /* Dynamic memslots: the container and its aliases into memdev_mr. */
    QmemMemoryRegion *mr;
    QmemMemoryRegion **memslots;
    guint nb_memslots;
    guint64 memslot_size;
};

/* virtio-mem.c */

/* The memdev's RAM, or %NULL without a memdev or before it is allocated. */
QmemRamBlock *qmem_virtio_mem_get_ram_block(QmemVirtioMem *vmem);

/*
 * The usable region: requested-size plus the extent, whole blocks, at
 * most the memdev; it shrinks only if @can_shrink (realize, UNPLUG_ALL,
 * reset), as QEMU's virtio_mem_resize_usable_region().
 */
void qmem_virtio_mem_resize_usable_region(QmemVirtioMem *vmem,
                                          guint64 requested_size,
                                          gboolean can_shrink);

/* The plugged size changed: notify::size (QEMU's size-change notifiers). */
void qmem_virtio_mem_notify_size(QmemVirtioMem *vmem);

/* virtio-mem-migration.c */

/* The RAM block's is_populated (qmem_ram_block_set_discard_manager()). */
gboolean qmem_virtio_mem_rdm_is_populated(gpointer opaque, guint64 offset,
                                          guint64 size);

/* virtio-mem-request.c */

/* The virtio device's vfuncs: features, config space. */
void qmem_virtio_mem_init_virtio_class(QmemVirtioDeviceClass *vdc);

/* The request queue's handler. */
void qmem_virtio_mem_handle_queue(QmemVirtioDevice *vdev, QmemVirtQueue *vq);

/* virtio-mem-memslots.c */

/*
 * Frees the memslots and the regions that are not mapped (all of them
 * but what the memory-device core still maps).
 */
void qmem_virtio_mem_drop_regions(QmemVirtioMem *vmem);

/*
 * Realize's part: with dynamic memslots the container and the decided
 * memslots (one of the memdev's size if undecided), none mapped.
 */
void qmem_virtio_mem_realize_memslots(QmemVirtioMem *vmem);

/* Unrealize's part: unmaps and frees every memslot. */
void qmem_virtio_mem_unrealize_memslots(QmemVirtioMem *vmem);

/*
 * Maps every memslot that [@offset, @offset + @size) of the memdev
 * touches, before its blocks become plugged; one memory transaction.
 */
void qmem_virtio_mem_activate_memslots(QmemVirtioMem *vmem, guint64 offset,
                                       guint64 size);

/*
 * After [@offset, @offset + @size) was unplugged: unmaps the memslots it
 * covers and those it touches that hold no plugged block any more.
 */
void qmem_virtio_mem_deactivate_memslots(QmemVirtioMem *vmem,
                                         guint64 offset, guint64 size);

G_END_DECLS

#endif
