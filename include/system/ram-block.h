/* SPDX-License-Identifier: GPL-2.0-or-later */
/* RAM blocks: host memory that backs guest RAM (anonymous or fd-backed). */

#ifndef QMEM_SYSTEM_RAM_BLOCK_H
#define QMEM_SYSTEM_RAM_BLOCK_H

#include <glib.h>

#include "qom/object.h"

G_BEGIN_DECLS

/**
 * QmemRamFlags:
 * @QMEM_RAM_SHARED: MAP_SHARED (share=on)
 * @QMEM_RAM_NORESERVE: MAP_NORESERVE (reserve=off)
 * @QMEM_RAM_READONLY: the mapping is PROT_READ only (file readonly=on,rom=on)
 * @QMEM_RAM_READONLY_FD: the fd was opened O_RDONLY; a private writable
 *   mapping is still possible (file readonly=on,rom=off)
 */
typedef enum {
    QMEM_RAM_SHARED = 1 << 0,
    QMEM_RAM_NORESERVE = 1 << 1,
    QMEM_RAM_READONLY = 1 << 2,
    QMEM_RAM_READONLY_FD = 1 << 3,
} QmemRamFlags;

/**
 * QmemRamBlock:
 * @name: the RAM block id (a backend's id or canonical path)
 * @host: where the memory is mapped in this process
 * @size: its length in bytes (the usable part; the mapping may be larger)
 * @fd: the file descriptor behind it, or -1 for anonymous memory
 * @fd_offset: the offset of @host in @fd
 * @page_size: the page size backing it (host page size, or the hugetlbfs
 *   page size)
 * @align: the alignment of @host: 2 MiB for anonymous memory on x86-64
 *   (QEMU_VMALLOC_ALIGN), max(page size, requested) for fd-backed memory
 * @flags: #QmemRamFlags
 * @owner: (nullable): the memory backend the block belongs to, borrowed
 *   (a backend outlives its block); set by the backend, named in
 *   MEMORY_BACKEND_ERROR
 *
 * Read-only for everyone but the code that made it.
 */
typedef struct {
    char *name;
    void *host;
    guint64 size;
    int fd;
    guint64 fd_offset;
    gsize page_size;
    guint64 align;
    guint flags;
    QmemObject *owner;

    /*< private >*/
    void *mmap_base;
    gsize mmap_size;
    guint64 *dirty_log;             /* one bit per target page, or NULL */
    gboolean (*is_populated)(gpointer opaque, guint64 offset, guint64 size);
    gpointer rdm_opaque;
} QmemRamBlock;

/* The page migration and dirty tracking count in (QEMU's target page). */
#define QMEM_TARGET_PAGE_BITS 12
#define QMEM_TARGET_PAGE_SIZE (G_GUINT64_CONSTANT(1) << QMEM_TARGET_PAGE_BITS)

/**
 * qmem_ram_block_new_anon:
 * @name: the block's id
 * @size: bytes, > 0
 * @flags: %QMEM_RAM_SHARED, %QMEM_RAM_NORESERVE
 * @error: return location for a #GError
 *
 * Maps anonymous memory aligned to 2 MiB.  Fails with "cannot set up guest
 * memory '%s': <strerror>".
 */
QmemRamBlock *qmem_ram_block_new_anon(const char *name, guint64 size,
                                      guint flags, GError **error);

/**
 * qmem_ram_block_new_from_fd:
 * @name: the block's id
 * @size: bytes, > 0
 * @align: the alignment asked for (0 = the fd's page size)
 * @fd: (transfer full): the file; closed by qmem_ram_block_free(), or on
 *   failure here
 * @offset: where in the file the memory starts
 * @flags: #QmemRamFlags
 * @error: return location for a #GError
 *
 * Maps @size bytes of @fd at @offset, the host address aligned to
 * max(page size, @align), with QEMU's file-layer checks and messages.
 */
QmemRamBlock *qmem_ram_block_new_from_fd(const char *name, guint64 size,
                                         guint64 align, int fd, guint64 offset,
                                         guint flags, GError **error);

/**
 * qmem_ram_block_free:
 * @block: (nullable): a block; unmapped and its fd closed
 */
void qmem_ram_block_free(QmemRamBlock *block);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(QmemRamBlock, qmem_ram_block_free)

/**
 * qmem_ram_block_discard_range:
 * @rb: a block
 * @start: where the range starts in @rb; @rb->host + @start must be
 *   aligned to @rb->page_size
 * @length: its length, a multiple of @rb->page_size
 *
 * QEMU's ram_block_discard_range(): afterwards the range reads as zero and
 * its memory is back with the host.  A hole is punched in the file behind
 * fd-backed memory (the only way for shared memory and huge pages); memory
 * of the host page size is also dropped from the mapping (MADV_DONTNEED,
 * or MADV_REMOVE for shared anonymous memory, which is shmem).  A private
 * mapping of a file gets QEMU's warning once per process, as discarding
 * changes the file under it.  Failures are reported with QEMU's texts
 * ("ram_block_discard_range: Unaligned start address: %p", "... Overrun
 * block '%s' (%lu/%zx/%lx)", "... Unaligned length: %zx", "... Discarding
 * RAM with readonly files is not supported", "... Failed to fallocate
 * %s:%lx+%lx +%zx (%d)", "... Failed to discard range %s:%lx +%zx (%d)").
 *
 * Returns: 0, or a negative errno value (-1 for a range that does not fit
 *   @rb or a read-only file).
 */
int qmem_ram_block_discard_range(QmemRamBlock *rb, guint64 start,
                                 gsize length);

/**
 * QmemRamBlockNotifier:
 * @ram_block_added: a RAM block was mapped (@host, @size as in the block)
 * @ram_block_removed: a RAM block is about to be unmapped
 *
 * QEMU's RAMBlockNotifier: code that must know about all host memory of
 * the guest (an accelerator pinning it, a dumper) registers one.  Both
 * callbacks are optional, run on the main thread and may not fail.
 */
typedef struct QmemRamBlockNotifier {
    void (*ram_block_added)(struct QmemRamBlockNotifier *n, void *host,
                            gsize size);
    void (*ram_block_removed)(struct QmemRamBlockNotifier *n, void *host,
                              gsize size);
} QmemRamBlockNotifier;

/**
 * qmem_ram_block_notifier_add:
 *
 * Registers @n and calls its ram_block_added for every block that exists.
 */
void qmem_ram_block_notifier_add(QmemRamBlockNotifier *n);

/**
 * qmem_ram_block_notifier_remove:
 *
 * Unregisters @n (without calling ram_block_removed).
 */
void qmem_ram_block_notifier_remove(QmemRamBlockNotifier *n);

/**
 * qmem_ram_block_fault_errno:
 * @rb: a RAM block whose page at @offset could not be supplied (an access
 *   there raised SIGBUS)
 * @offset: where in @rb
 *
 * Finds out why: for a file, by allocating that one page as the fault
 * would have (fallocate() keeping the size), which gives the file
 * system's errno (ENOSPC on a full tmpfs, ENOMEM, EFAULT beyond the end
 * of the file); for anonymous memory, ENOMEM.  A page the file system
 * gives now (space came back) is EAGAIN: the access may be tried again.
 *
 * Returns: a positive errno.
 */
int qmem_ram_block_fault_errno(QmemRamBlock *rb, guint64 offset);

/**
 * qmem_ram_block_foreach:
 * @fn: called for every live block, in creation order; returns %FALSE to
 *   stop
 *
 * Under the BQL (blocks come and go on the main thread only).
 */
void qmem_ram_block_foreach(gboolean (*fn)(QmemRamBlock *rb, gpointer opaque),
                            gpointer opaque);

/*
 * Dirty logging (QEMU's DIRTY_MEMORY_MIGRATION bitmap): while it is on, a
 * block keeps one bit per %QMEM_TARGET_PAGE_SIZE page, set by every write
 * the VMM makes (qmem_address_space_rw(), memset, DMA) and by an
 * accelerator's dirty log (log_sync of a #QmemMemoryListener).  Start,
 * stop and sync are under the BQL; setting bits is atomic and may happen
 * on any thread that holds the BQL.
 */

/**
 * qmem_ram_block_dirty_log_start:
 *
 * Allocates the block's log with no page dirty.  Idempotent.
 */
void qmem_ram_block_dirty_log_start(QmemRamBlock *rb);

/** qmem_ram_block_dirty_log_stop: frees the log.  Idempotent. */
void qmem_ram_block_dirty_log_stop(QmemRamBlock *rb);

/**
 * qmem_ram_block_set_dirty:
 * @offset: where in @rb the write started
 * @len: its length (0: nothing)
 *
 * Marks the pages of a write; nothing without a log.
 */
void qmem_ram_block_set_dirty(QmemRamBlock *rb, guint64 offset, guint64 len);

/**
 * qmem_ram_block_sync_dirty:
 * @dest: a bitmap of the block's pages (qmem_bitmap_new())
 *
 * Moves the log into @dest: each page dirty since the last sync is set
 * there and cleared in the log, atomically per word.
 *
 * Returns: how many pages were newly set in @dest.
 */
guint64 qmem_ram_block_sync_dirty(QmemRamBlock *rb, guint64 *dest);

/**
 * qmem_ram_block_set_discard_manager:
 * @is_populated: (nullable): answers whether [@offset, @offset + @size)
 *   of the block may hold data (QEMU's RamDiscardManager is_populated:
 *   virtio-mem's plugged blocks); %NULL removes the manager
 * @opaque: its first argument
 *
 * Set by the owner of memory whose parts are discarded on purpose, so
 * that migration and checksums skip what is not populated.
 */
void qmem_ram_block_set_discard_manager(QmemRamBlock *rb,
                                        gboolean (*is_populated)(
                                            gpointer opaque, guint64 offset,
                                            guint64 size),
                                        gpointer opaque);

/**
 * qmem_ram_block_is_populated:
 *
 * Returns: what the discard manager says of the range; %TRUE without one.
 */
gboolean qmem_ram_block_is_populated(QmemRamBlock *rb, guint64 offset,
                                     guint64 size);

G_END_DECLS

#endif
