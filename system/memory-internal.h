/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What memory.c and memory-eventfd.c share: ioeventfd lists. */

#ifndef QMEM_SYSTEM_MEMORY_INTERNAL_H
#define QMEM_SYSTEM_MEMORY_INTERNAL_H

#include "system/memory.h"

G_BEGIN_DECLS

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
