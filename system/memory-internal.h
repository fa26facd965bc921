/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What the memory API's files share: the region and address space
 * structures (memory.c), the access path (physmem.c), info mtree
 * (memory-mtree.c) and ioeventfd lists (memory-eventfd.c).
 */

#ifndef QMEM_SYSTEM_MEMORY_INTERNAL_H
#define QMEM_SYSTEM_MEMORY_INTERNAL_H

#include "system/memory.h"

G_BEGIN_DECLS

/*
 * QEMU's Int128: a region may be 2^64 bytes long (a container of size
 * G_MAXUINT64 is taken to mean the whole address space, as
 * memory_region_init() does), and window arithmetic must not wrap.
 */
typedef unsigned __int128 u128;

#define SIZE_2_64 ((u128)1 << 64)

typedef enum {
    MR_RAM,
    MR_CONTAINER,
    MR_ALIAS,
} MrKind;

struct _QmemMemoryRegion {
    GObject parent_instance;

    MrKind kind;
    char *name;
    u128 size;
    guint64 align;              /* 0: not set */
    gboolean readonly;
    gboolean unmergeable;
    int priority;               /* among its container's subregions */
    gboolean may_overlap;       /* added with a priority */

    QmemRamBlock *ram_block;    /* MR_RAM: borrowed from its owner */
    QmemMemoryRegion *alias;    /* MR_ALIAS: a reference */
    /* The aliases of this region (not references), NULL until the first. */
    GPtrArray *aliased_by;
    guint64 alias_offset;
    /* Accesses that reach no RAM: an I/O region's, or a container's gaps. */
    const QmemMemoryRegionOps *ops;
    gpointer opaque;

    /* Not a reference: the container holds one on us while we are mapped. */
    QmemMemoryRegion *container;
    guint64 addr;

    /*
     * MR_CONTAINER: a reference each, highest priority first and among
     * equal ones the newest first (QEMU's order).
     */
    GPtrArray *subregions;
    /*
     * MR_CONTAINER: the same subregions (not references) by address, and
     * an upper bound of their sizes, so that rendering a window finds
     * those it meets without going through all of them.
     */
    GPtrArray *by_addr;
    u128 max_sub_size;
    /* When it was added to its container: newer ones come first. */
    guint64 seq;

    /* QmemIoeventfd by offset, sorted; NULL until the first one. */
    GArray *ioeventfds;
};

struct QmemAddressSpace {
    char *name;
    QmemMemoryRegion *root;
    /*
     * QmemMemorySection sorted by address; each holds a reference on its
     * mr, so that a region deleted inside a transaction lives until the
     * listeners have heard of its disappearance (QEMU's flatview refs).
     */
    GArray *view;
    /*
     * The guest-physical windows changed since the last commit, which it
     * renders again (memory-flatview.c); dirty_all: everything.
     */
    GArray *dirty;
    gboolean dirty_all;
    /* QmemMemoryListener, by ascending priority, stable for equal ones. */
    GPtrArray *listeners;
    /* The ioeventfds the view shows, by address (QmemIoeventfd). */
    GArray *ioeventfds;
};

/* QEMU's MR_SIZE(): the offset of the last byte, 0 for empty regions. */
static inline guint64 qmem_memory_region_last(QmemMemoryRegion *mr)
{
    return mr->size ? (guint64)(mr->size - 1) : 0;
}

/* memory.c: every address space, in creation order (NULL when none). */
GPtrArray *qmem_address_spaces(void);

/* memory.c: the index in @container->by_addr of the first at @addr or above. */
guint qmem_memory_region_by_addr_bound(QmemMemoryRegion *container,
                                       guint64 addr);

/* memory-flatview.c: the flat view of @root's whole tree. */
GArray *qmem_flat_view_generate(QmemMemoryRegion *root);

/* An empty list of changed windows, for QmemAddressSpace.dirty. */
GArray *qmem_flat_view_windows_new(void);

/*
 * Marks where @sub, just added to @container or about to be removed
 * from it, shows in every address space.
 */
void qmem_flat_view_mark_subregion(QmemMemoryRegion *container,
                                   QmemMemoryRegion *sub);

/*
 * Brings @as's view up to date with what was marked (or everything),
 * telling its listeners region_del and region_add as a full
 * recomputation would.  Returns: whether a section of a region with
 * ioeventfds came or went.
 */
gboolean qmem_address_space_update_topology(QmemAddressSpace *as);

/* physmem.c: the index of the first section of @view starting above @addr. */
guint qmem_flat_view_upper_bound(GArray *view, guint64 addr);

/*
 * One ioeventfd (QEMU's MemoryRegionIoeventfd).  In a region's list @addr
 * is the offset in the region and @mr is %NULL; in an address space's
 * list @addr is the guest-physical address, @mr the region (a reference)
 * and @offset its offset there.
 */
typedef struct {
    guint64 addr;
    guint64 size;
    gboolean match_data;
    guint64 data;
    QmemEventNotifier *e;
    QmemMemoryRegion *mr;
    guint64 offset;
} QmemIoeventfd;

/* memory.c: a region's list (created empty with @create), and the flag
 * that makes the outermost commit recompute every address space's list. */
GArray *qmem_memory_region_ioeventfd_list(QmemMemoryRegion *mr,
                                          gboolean create);
void qmem_memory_ioeventfds_changed(void);

/*
 * QEMU's address_space_update_ioeventfds(): the list of an address space
 * whose flat view (QmemMemorySection) is @view.
 */
GArray *qmem_ioeventfd_list_from_view(GArray *view);

/* A list sorted by qmem_ioeventfd_compare(); it unrefs its entries' mr. */
GArray *qmem_ioeventfd_list_new(void);

/* QEMU's memory_region_ioeventfd_before(), as a comparison. */
int qmem_ioeventfd_compare(const QmemIoeventfd *a, const QmemIoeventfd *b);

/* Inserts @fd in order (taking its mr reference, if any). */
void qmem_ioeventfd_list_insert(GArray *list, const QmemIoeventfd *fd);

/* Removes the entry equal to @fd; %FALSE when there is none. */
gboolean qmem_ioeventfd_list_remove(GArray *list, const QmemIoeventfd *fd);

/*
 * QEMU's memory_region_dispatch_write_eventfds(): sets the notifier of
 * the entry of a region's @list that a write of @size bytes of @value at
 * @addr matches.  Returns: whether one did.
 */
gboolean qmem_ioeventfd_list_dispatch(GArray *list, guint64 addr, guint size,
                                      guint64 value);

/* Tells @listener of @fd (an address space's entry): eventfd_add/del. */
void qmem_ioeventfd_notify(QmemMemoryListener *listener,
                           const QmemIoeventfd *fd, gboolean add);

/*
 * QEMU's address_space_add_del_ioeventfds(): eventfd_del for what is in
 * @old only (listeners last to first), then eventfd_add for what is in
 * @new only (first to last).
 */
void qmem_ioeventfd_lists_update(GPtrArray *listeners, GArray *old,
                                 GArray *new);

G_END_DECLS

#endif
