/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Memory regions, address spaces, flat views and memory listeners. */

#ifndef QMEM_SYSTEM_MEMORY_H
#define QMEM_SYSTEM_MEMORY_H

#include <glib-object.h>
#include "system/ram-block.h"
#include "util/event-notifier.h"

G_BEGIN_DECLS

/*
 * A memory region is RAM (a window onto a QmemRamBlock), I/O (accesses go
 * to callbacks: a device's registers), a container of subregions, or an
 * alias (a window onto part of another region).  Regions compose into a
 * tree whose root belongs to an address space; the address space's flat
 * view is the list of sections the tree makes visible, and listeners are
 * told which sections appear and disappear each time the outermost
 * transaction commits.  The memory map changes under the BQL: on the main
 * thread, or in a device callback a vCPU thread runs.
 */

#define QMEM_TYPE_MEMORY_REGION (qmem_memory_region_get_type())
G_DECLARE_FINAL_TYPE(QmemMemoryRegion, qmem_memory_region, QMEM,
                     MEMORY_REGION, GObject)

/**
 * qmem_memory_region_new_ram:
 * @name: for info mtree and messages
 * @block: the RAM; borrowed: whoever owns @block (a backend) outlives the
 *   region or keeps a reference to the region no longer than the block
 *
 * Returns: (transfer full): a RAM region of @block's size, alignment and
 *   page size.
 */
QmemMemoryRegion *qmem_memory_region_new_ram(const char *name,
                                             QmemRamBlock *block);

/**
 * qmem_memory_region_new_container:
 * Returns: (transfer full): an empty container of @size bytes.
 */
QmemMemoryRegion *qmem_memory_region_new_container(const char *name,
                                                   guint64 size);

/**
 * QmemMemoryRegionOps:
 * @read: returns the value of the @size bytes at @addr (an offset into the
 *   region); optional (reads give 0)
 * @write: stores @value in the @size bytes at @addr; optional (writes are
 *   dropped)
 * @valid: the accesses the device accepts: sizes from min_access_size to
 *   max_access_size bytes (0 means 1 and 4), naturally aligned unless
 *   @unaligned.  An access outside them never reaches the callbacks: it
 *   reads as 0 and fails, as QEMU's memory_region_access_valid().
 * @impl: the sizes the callbacks implement (0 means 1 and 4); a wider or
 *   narrower valid access is split or widened to them, as QEMU's
 *   access_with_adjusted_size() does
 *
 * QEMU's MemoryRegionOps for a little-endian device.  The callbacks run
 * with the memory map stable: on the main thread, or on a vCPU thread
 * holding the BQL.
 */
typedef struct {
    guint64 (*read)(gpointer opaque, guint64 addr, guint size);
    void (*write)(gpointer opaque, guint64 addr, guint64 value, guint size);
    struct {
        guint min_access_size;
        guint max_access_size;
        gboolean unaligned;
    } valid;
    struct {
        guint min_access_size;
        guint max_access_size;
    } impl;
} QmemMemoryRegionOps;

/**
 * qmem_memory_region_new_io:
 * @name: for info mtree
 * @size: its size
 * @ops: (not nullable): its callbacks; must outlive the region
 * @opaque: their first argument
 *
 * QEMU's memory_region_init_io().  The region may also hold subregions,
 * which cover it where they lie: @ops answer only where none does (the
 * I/O address space's root answers unassigned ports this way).
 *
 * Returns: (transfer full): the region.
 */
QmemMemoryRegion *qmem_memory_region_new_io(const char *name, guint64 size,
                                            const QmemMemoryRegionOps *ops,
                                            gpointer opaque);

/**
 * qmem_memory_region_new_alias:
 * @orig: the region aliased (a reference is kept)
 * @offset: where in @orig the alias starts
 * @size: its length; @offset + @size <= size of @orig
 *
 * Returns: (transfer full): the alias.
 */
QmemMemoryRegion *qmem_memory_region_new_alias(const char *name,
                                               QmemMemoryRegion *orig,
                                               guint64 offset, guint64 size);

const char *qmem_memory_region_get_name(QmemMemoryRegion *mr);
guint64 qmem_memory_region_size(QmemMemoryRegion *mr);

/**
 * qmem_memory_region_is_ram:
 * Returns: whether @mr is RAM, or an alias of RAM.
 */
gboolean qmem_memory_region_is_ram(QmemMemoryRegion *mr);

/**
 * qmem_memory_region_get_ram_block:
 * Returns: (transfer none) (nullable): the RAM block behind @mr (through
 *   aliases), %NULL for containers.
 */
QmemRamBlock *qmem_memory_region_get_ram_block(QmemMemoryRegion *mr);

/**
 * qmem_memory_region_get_alignment:
 * Returns: the alignment guests must keep for @mr: the RAM block's align
 *   for RAM, the value given to qmem_memory_region_set_alignment() for
 *   containers (default 0 = none).
 */
guint64 qmem_memory_region_get_alignment(QmemMemoryRegion *mr);
void qmem_memory_region_set_alignment(QmemMemoryRegion *mr, guint64 align);

/**
 * qmem_memory_region_set_unmergeable:
 *
 * Listeners see sections of @mr as their own, never merged with
 * neighbours (virtio-mem's memslot aliases, QEMU's unmergeable flag).
 * Sections are never merged in qmem today; the flag is recorded so that a
 * later merging flat view keeps these apart.
 */
void qmem_memory_region_set_unmergeable(QmemMemoryRegion *mr,
                                        gboolean unmergeable);

/**
 * qmem_memory_region_add_subregion:
 * @container: a container
 * @offset: where @sub goes inside @container
 * @sub: a region that is nobody's subregion yet (a reference is taken)
 *
 * Maps @sub with priority 0.  Overlapping a sibling that was also added
 * this way is a programmer error.  The flat views change when the
 * outermost transaction commits (at once outside one).
 */
void qmem_memory_region_add_subregion(QmemMemoryRegion *container,
                                      guint64 offset, QmemMemoryRegion *sub);

/**
 * qmem_memory_region_add_subregion_overlap:
 * @container: a container
 * @offset: where @sub goes inside @container
 * @sub: a region that is nobody's subregion yet (a reference is taken)
 * @priority: where @sub overlaps siblings, the one of higher priority
 *   shows; among equal priorities the one added last
 *
 * QEMU's memory_region_add_subregion_overlap(): @sub may overlap any
 * sibling, which is what regions placed by a guest need (PCI BARs, the
 * MMCONFIG window): whatever a guest programs cannot break the map.  A
 * container answering accesses itself (qmem_memory_region_new_io()) shows
 * under all of its subregions, whatever their priority.
 */
void qmem_memory_region_add_subregion_overlap(QmemMemoryRegion *container,
                                              guint64 offset,
                                              QmemMemoryRegion *sub,
                                              int priority);

/**
 * qmem_memory_region_get_priority:
 * Returns: the priority @mr was mapped with (0 unless mapped with
 *   qmem_memory_region_add_subregion_overlap()).
 */
int qmem_memory_region_get_priority(QmemMemoryRegion *mr);

/**
 * qmem_memory_region_del_subregion:
 * @container: @sub's container
 * @sub: a subregion of @container; its reference is dropped
 */
void qmem_memory_region_del_subregion(QmemMemoryRegion *container,
                                      QmemMemoryRegion *sub);

/**
 * qmem_memory_region_is_mapped:
 * Returns: whether @mr is currently some container's subregion.
 */
gboolean qmem_memory_region_is_mapped(QmemMemoryRegion *mr);

/**
 * qmem_memory_region_get_offset:
 * Returns: @mr's offset inside its container (0 when not mapped).
 */
guint64 qmem_memory_region_get_offset(QmemMemoryRegion *mr);

/**
 * qmem_memory_region_add_eventfd:
 * @mr: the region (usually an I/O region: a device's doorbell)
 * @addr: the offset in @mr the write goes to
 * @size: the write's size, 1, 2, 4 or 8; 0 matches writes of any size
 *   (where the accelerator supports it)
 * @match_data: whether only writes of @data count
 * @data: the value to match, little-endian in @size bytes
 * @e: the notifier to set; must stay registered no longer than it lives
 *
 * QEMU's memory_region_add_eventfd(): a guest write that matches sets @e
 * instead of calling @mr's ops.  An accelerator that can (KVM) learns of
 * it through its listeners' eventfd_add wherever @mr is visible, and the
 * write never leaves the kernel; under one that cannot (qtest, none) the
 * memory API sets @e itself when such a write reaches @mr (QEMU's
 * memory_region_dispatch_write_eventfds(): the write's offset, size and,
 * with @match_data, value must be equal).  Listeners hear of the change
 * when the outermost transaction commits.
 */
void qmem_memory_region_add_eventfd(QmemMemoryRegion *mr, guint64 addr,
                                    guint size, gboolean match_data,
                                    guint64 data, QmemEventNotifier *e);

/**
 * qmem_memory_region_del_eventfd:
 *
 * Removes what qmem_memory_region_add_eventfd() added with the same
 * arguments (@data is ignored without @match_data); a programmer error
 * when there is none.
 */
void qmem_memory_region_del_eventfd(QmemMemoryRegion *mr, guint64 addr,
                                    guint size, gboolean match_data,
                                    guint64 data, QmemEventNotifier *e);

/**
 * qmem_memory_region_transaction_begin:
 *
 * Defers flat-view updates until the matching commit; transactions nest.
 */
void qmem_memory_region_transaction_begin(void);

/**
 * qmem_memory_region_transaction_commit:
 *
 * Ends a transaction; the outermost one brings every address space's
 * flat view up to date and calls each listener's region_del for every
 * section that went away, then region_add for every new one, then commit.
 * Only the guest-physical windows where the transaction added or removed
 * subregions are rendered again (O(changed sections * log n)); the view
 * and the callbacks are those a full recomputation would give.
 */
void qmem_memory_region_transaction_commit(void);

/**
 * qmem_memory_set_full_recompute:
 * @on: whether every commit recomputes every flat view from scratch
 *
 * For tests and measurements: the full recomputation is the reference
 * the incremental update must match.  Off by default.
 */
void qmem_memory_set_full_recompute(gboolean on);

/**
 * QmemMemorySection:
 * @mr: the RAM or I/O region (after alias resolution) the section shows
 * @offset_within_region: where in @mr the section starts
 * @offset_within_address_space: the guest-physical address
 * @size: bytes
 * @host: @mr's host memory at @offset_within_region; %NULL for I/O, which
 *   a hypervisor does not map (guest accesses exit to the VMM)
 * @readonly: whether guests may only read it
 *
 * A piece of the flat view: one contiguous guest-physical range of RAM or
 * of one I/O region.  Sections stand for themselves; a listener compares
 * them by value.
 */
typedef struct {
    QmemMemoryRegion *mr;
    guint64 offset_within_region;
    guint64 offset_within_address_space;
    guint64 size;
    void *host;
    gboolean readonly;
} QmemMemorySection;

typedef struct QmemAddressSpace QmemAddressSpace;
typedef struct QmemMemoryListener QmemMemoryListener;

/**
 * QmemMemoryListener:
 * @region_add: a section became visible.  Optional.  May not fail; an
 *   accelerator that cannot map it reports through its own channel (the
 *   memory-device core checks free memslots before anything is mapped).
 * @region_del: a section went away; called before the host memory can be
 *   freed.  Optional.
 * @commit: after all region_add/region_del calls of one commit.  Optional.
 * @eventfd_add: an ioeventfd became visible: writes of @section->size
 *   bytes (0: any size) to @section->offset_within_address_space, of
 *   @data only if @match_data, are to set @e (@section->mr is the region
 *   it was added to, @section->offset_within_region its offset there).
 *   Called after region_add of the same commit.  Optional.
 * @eventfd_del: an ioeventfd went away (its region was unmapped, or the
 *   eventfd deleted), with what eventfd_add was given.  Optional.
 * @priority: listeners with lower values hear of additions first and of
 *   removals last.
 * @name: for debugging
 *
 * Embedded in the listener's own struct; must stay registered no longer
 * than it lives.
 */
struct QmemMemoryListener {
    void (*region_add)(QmemMemoryListener *listener,
                       const QmemMemorySection *section);
    void (*region_del)(QmemMemoryListener *listener,
                       const QmemMemorySection *section);
    void (*commit)(QmemMemoryListener *listener);
    void (*eventfd_add)(QmemMemoryListener *listener,
                        const QmemMemorySection *section,
                        gboolean match_data, guint64 data,
                        QmemEventNotifier *e);
    void (*eventfd_del)(QmemMemoryListener *listener,
                        const QmemMemorySection *section,
                        gboolean match_data, guint64 data,
                        QmemEventNotifier *e);
    void (*log_global_start)(QmemMemoryListener *listener);
    void (*log_global_stop)(QmemMemoryListener *listener);
    void (*log_sync)(QmemMemoryListener *listener);
    int priority;
    const char *name;

    /*< private >*/
    QmemAddressSpace *as;
};

/**
 * qmem_address_space_new:
 * @root: the region the address space shows (a reference is taken)
 *
 * Returns: (transfer full): an address space whose flat view is computed
 *   at once.
 */
QmemAddressSpace *qmem_address_space_new(const char *name,
                                         QmemMemoryRegion *root);

/**
 * qmem_address_space_free:
 *
 * Requires that no listener is registered any more.
 */
void qmem_address_space_free(QmemAddressSpace *as);

/**
 * qmem_address_space_get_sections:
 * @n: (out): the number of sections
 *
 * Returns: (transfer none) (array length=n): the flat view, sorted by
 *   address; valid until the next commit.
 */
const QmemMemorySection *qmem_address_space_get_sections(QmemAddressSpace *as,
                                                         guint *n);

/**
 * qmem_address_space_lookup:
 * @addr: a guest-physical address
 *
 * Returns: (transfer none) (nullable): the section holding @addr.
 */
const QmemMemorySection *qmem_address_space_lookup(QmemAddressSpace *as,
                                                   guint64 addr);

/**
 * qmem_address_space_rw:
 * @addr: guest-physical address
 * @buf: the data to write, or where reads go
 * @len: bytes
 * @is_write: direction
 *
 * Copies between @buf and what the flat view shows there, as a CPU
 * would (qtest's path and a vCPU's on an exit): RAM is copied, an I/O
 * region gets accesses of the widest size it accepts (up to 8 bytes, @buf
 * little-endian), bytes where nothing is read as 0 and writes there are
 * dropped (QEMU's unassigned_mem_read/write()), writes to read-only
 * sections too.
 *
 * RAM is copied under a SIGBUS guard (util/sigbus.h): a page its backend
 * cannot supply (a full file system) ends the access there, with what
 * was not read as 0, and stops the VM in io-error with
 * MEMORY_BACKEND_ERROR (qmem_vm_stop_on_memory_error()).  Bytes before
 * that page were copied.
 *
 * Returns: %TRUE when every byte reached RAM (writable, for writes) or an
 *   I/O region that accepted the access.
 */
gboolean qmem_address_space_rw(QmemAddressSpace *as, guint64 addr, void *buf,
                               gsize len, gboolean is_write);

/**
 * qmem_address_space_rw_err:
 *
 * qmem_address_space_rw() for callers that answer for the failure of a
 * backend (qtest, QMP): unassigned or refused bytes are no error here.
 *
 * Returns: %FALSE, with @error set to "cannot supply guest memory at
 *   0x%llx from '%s': <strerror>" (the RAM block, that is the backend's
 *   id), when a page could not be supplied.
 */
gboolean qmem_address_space_rw_err(QmemAddressSpace *as, guint64 addr,
                                   void *buf, gsize len, gboolean is_write,
                                   GError **error);

/**
 * qmem_address_space_memset:
 * @addr: guest-physical start; the range may wrap around the end
 * @len: bytes
 * @value: the byte
 *
 * Fills the writable RAM in the range with @value without a buffer (any
 * @len); holes, I/O and read-only sections are skipped.  RAM is filled
 * under a SIGBUS guard, as qmem_address_space_rw_err() copies.
 *
 * Returns: %FALSE with qmem_address_space_rw_err()'s error when a page
 *   could not be supplied (the VM stopped as there).
 */
gboolean qmem_address_space_memset(QmemAddressSpace *as, guint64 addr,
                                   guint64 len, guint8 value, GError **error);

/**
 * qmem_memory_listener_register:
 *
 * Adds @listener to @as and replays region_add for every section already
 * visible, eventfd_add for every ioeventfd, then commit.
 */
void qmem_memory_listener_register(QmemMemoryListener *listener,
                                   QmemAddressSpace *as);

/**
 * qmem_memory_listener_unregister:
 *
 * Calls eventfd_del for every ioeventfd, region_del for every visible
 * section, then commit, and removes @listener.
 */
void qmem_memory_listener_unregister(QmemMemoryListener *listener);

/**
 * qmem_memory_global_dirty_log_start:
 *
 * QEMU's memory_global_dirty_log_start(): calls log_global_start of every
 * listener of every address space.  Under the BQL; not nested.
 */
void qmem_memory_global_dirty_log_start(void);

/** qmem_memory_global_dirty_log_stop: calls every log_global_stop. */
void qmem_memory_global_dirty_log_stop(void);

/** qmem_memory_global_dirty_log_sync: calls every log_sync. */
void qmem_memory_global_dirty_log_sync(void);

/** qmem_memory_global_dirty_log_active: Returns: whether logging is on. */
gboolean qmem_memory_global_dirty_log_active(void);

/**
 * qmem_memory_print_mtree:
 * @out: where the text goes
 *
 * Appends QEMU's `info mtree` text for every address space: "address-space:
 * NAME" then one line per region, "  %016lx-%016lx (prio P, ram): name",
 * indented by depth, subregions by address (then higher priority first),
 * aliases as "alias NAME @ORIG %016lx-%016lx".
 */
void qmem_memory_print_mtree(GString *out);

G_END_DECLS

#endif
