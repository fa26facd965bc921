/* SPDX-License-Identifier: GPL-2.0-or-later */
/* RAM blocks: aligned anonymous or fd-backed host mappings for guest RAM. */

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "system/ram-block.h"
#include "util/bitmap.h"
#include "util/error-report.h"
#include "util/error.h"
#include "util/osdep.h"
#include "util/range.h"


/*
 * QEMU_VMALLOC_ALIGN: anonymous guest RAM starts on a boundary that lets
 * the host back it with transparent huge pages.
 */
#if defined(__linux__) && (defined(__x86_64__) || defined(__aarch64__) || \
    defined(__powerpc64__) || defined(__riscv))
#define RAM_ANON_ALIGN ((gsize)2 * 1024 * 1024)
#elif defined(__linux__) && defined(__s390x__)
#define RAM_ANON_ALIGN ((gsize)1024 * 1024)
#else
#define RAM_ANON_ALIGN ((gsize)qmem_host_page_size())
#endif

/* A device-DAX character device reports its size and alignment in sysfs. */
static char *dax_sysfs_attr(int fd, const char *attr)
{
    struct stat st;
    g_autofree char *subsystem_path = NULL;
    g_autofree char *subsystem = NULL;
    g_autofree char *path = NULL;
    char *contents = NULL;

    if (fstat(fd, &st) < 0 || !S_ISCHR(st.st_mode)) {
        return NULL;
    }
    subsystem_path = g_strdup_printf("/sys/dev/char/%u:%u/subsystem",
                                     major(st.st_rdev), minor(st.st_rdev));
    subsystem = g_file_read_link(subsystem_path, NULL);
    if (!subsystem || !g_str_has_suffix(subsystem, "/dax")) {
        return NULL;
    }
    path = g_strdup_printf("/sys/dev/char/%u:%u/%s", major(st.st_rdev),
                           minor(st.st_rdev), attr);
    if (!g_file_get_contents(path, &contents, NULL, NULL)) {
        return NULL;
    }
    return contents;
}

/* Negative: unknown.  st_size may be 0 for special files; lseek works. */
static gint64 get_file_size(int fd)
{
    g_autofree char *dax_size = dax_sysfs_attr(fd, "size");
    off_t size;

    if (dax_size) {
        return g_ascii_strtoll(dax_size, NULL, 0);
    }
    size = lseek(fd, 0, SEEK_END);
    return size < 0 ? -errno : size;
}

static gint64 get_file_align(int fd)
{
    g_autofree char *dax_align = dax_sysfs_attr(fd, "align");

    return dax_align ? g_ascii_strtoll(dax_align, NULL, 0) : -1;
}

/*
 * MAP_NORESERVE has no effect when the kernel never overcommits; refuse
 * rather than silently reserving memory the user asked us not to.  Shared
 * file, read-only and hugetlb mappings are never accounted anyway.
 */
static gboolean noreserve_effective(int fd, guint flags, GError **error)
{
    g_autofree char *content = NULL;
    guint64 mode;
    char *end;

    if (qmem_fd_getpagesize(fd) != qmem_host_page_size() ||
        (flags & QMEM_RAM_READONLY) ||
        ((flags & QMEM_RAM_SHARED) && fd >= 0)) {
        return TRUE;
    }
    if (!g_file_get_contents("/proc/sys/vm/overcommit_memory", &content,
                             NULL, NULL) ||
        (mode = g_ascii_strtoull(content, &end, 10), end == content) ||
        (*end && *end != '\n')) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "Skipping reservation of swap space is not supported: "
                    "Could not read: \"/proc/sys/vm/overcommit_memory\"");
        return FALSE;
    }
    if (mode == 2) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "Skipping reservation of swap space is not supported: "
                    "\"/proc/sys/vm/overcommit_memory\" is \"2\"");
        return FALSE;
    }
    return TRUE;
}

/*
 * QEMU's qemu_ram_mmap(): reserves size + align of address space, maps the
 * memory at the first aligned address inside it and gives back everything
 * but one PROT_NONE guard page after the block, which catches overruns.
 * Sets errno and returns MAP_FAILED on failure.
 */
static void *ram_mmap(int fd, gsize size, gsize align, guint flags,
                      guint64 offset, gsize *mapped)
{
    const gsize guard = qmem_host_page_size();
    gsize total, head;
    char *reserved, *ptr;
    int prot = PROT_READ | ((flags & QMEM_RAM_READONLY) ? 0 : PROT_WRITE);
    int mflags = MAP_FIXED;

    g_assert(qmem_is_power_of_2(align) && align >= guard);
    if (size > G_MAXSIZE - align) {
        errno = ENOMEM;
        return MAP_FAILED;
    }
    total = size + align;
    reserved = mmap(NULL, total, PROT_NONE,
                    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (reserved == MAP_FAILED) {
        return MAP_FAILED;
    }
    head = ((guintptr)reserved + align - 1) / align * align -
           (guintptr)reserved;

    mflags |= (flags & QMEM_RAM_SHARED) ? MAP_SHARED : MAP_PRIVATE;
    mflags |= fd < 0 ? MAP_ANONYMOUS : 0;
    mflags |= (flags & QMEM_RAM_NORESERVE) ? MAP_NORESERVE : 0;
    ptr = mmap(reserved + head, size, prot, mflags, fd, offset);
    if (ptr == MAP_FAILED) {
        int saved = errno;

        munmap(reserved, total);
        errno = saved;
        return MAP_FAILED;
    }
    if (head) {
        munmap(reserved, head);
    }
    total -= head;
    if (total > size + guard) {
        munmap(ptr + size + guard, total - size - guard);
        total = size + guard;
    }
    *mapped = total;
    return ptr;
}

static void ram_block_notify_add(QmemRamBlock *block);
static void ram_block_notify_remove(QmemRamBlock *block);

static QmemRamBlock *ram_block_new(const char *name, void *host, guint64 size,
                                   int fd, guint64 offset, gsize page_size,
                                   guint64 align, guint flags, gsize mapped)
{
    QmemRamBlock *block = g_new0(QmemRamBlock, 1);

    block->name = g_strdup(name);
    block->host = host;
    block->size = size;
    block->fd = fd;
    block->fd_offset = offset;
    block->page_size = page_size;
    block->align = align;
    block->flags = flags;
    block->mmap_base = host;
    block->mmap_size = mapped;

    /* As QEMU's ram_block_add(): THP where possible, never into a child. */
    madvise(host, size, MADV_HUGEPAGE);
    madvise(host, size, MADV_DONTFORK);
    ram_block_notify_add(block);
    return block;
}

QmemRamBlock *qmem_ram_block_new_anon(const char *name, guint64 size,
                                      guint flags, GError **error)
{
    const gsize page = qmem_host_page_size();
    gsize len, mapped;
    void *host;

    g_return_val_if_fail(size > 0, NULL);
    g_return_val_if_fail(!(flags & ~(QMEM_RAM_SHARED | QMEM_RAM_NORESERVE)),
                         NULL);

    if ((flags & QMEM_RAM_NORESERVE) &&
        !noreserve_effective(-1, flags, error)) {
        return NULL;
    }
    if (size > G_MAXSIZE - page) {
        host = MAP_FAILED;
        errno = ENOMEM;
    } else {
        len = (size + page - 1) / page * page;
        host = ram_mmap(-1, len, RAM_ANON_ALIGN, flags, 0, &mapped);
    }
    if (host == MAP_FAILED) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "cannot set up guest memory '%s': %s", name,
                    g_strerror(errno));
        return NULL;
    }
    return ram_block_new(name, host, size, -1, 0, page, RAM_ANON_ALIGN, flags,
                         mapped);
}

/*
 * QEMU's qemu_ram_alloc_from_fd() checks: a file that is not empty must
 * already hold offset + @max_size bytes (it is never grown or shrunk), and
 * a device-DAX file may demand a larger alignment than @align.  Sets
 * *@file_size (0: empty, negative: unknown).
 */
static gboolean check_backing_store(const char *name, int fd,
                                    guint64 max_size, guint64 align,
                                    guint64 offset, gint64 *file_size,
                                    GError **error)
{
    gint64 file_align;

    *file_size = get_file_size(fd);
    if (*file_size > 0 && (offset > G_MAXUINT64 - max_size ||
                           (guint64)*file_size < offset + max_size)) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "%s backing store size 0x%" PRIx64
                    " is too small for 'size' option 0x%" PRIx64
                    " plus 'offset' option 0x%" PRIx64,
                    name, (guint64)*file_size, max_size, offset);
        return FALSE;
    }

    file_align = get_file_align(fd);
    if (file_align > 0 && (guint64)file_align > align) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "backing store align 0x%" PRIx64
                    " is larger than 'align' option 0x%" PRIx64,
                    (guint64)file_align, align);
        return FALSE;
    }
    return TRUE;
}

/*
 * QEMU's file_ram_alloc() checks against the page size of the file system
 * behind @fd (hugetlbfs pages): @align and @offset must be multiples of
 * it, and the memory at least one page.  Sets *@page_size.
 */
static gboolean check_page_size(int fd, guint64 max_size, guint64 align,
                                guint64 offset, gsize *page_size,
                                GError **error)
{
    *page_size = qmem_fd_getpagesize(fd);
    if (align % *page_size) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "alignment 0x%" PRIx64
                    " must be multiples of page size 0x%zx",
                    align, *page_size);
        return FALSE;
    } else if (align && !qmem_is_power_of_2(align)) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "alignment 0x%" PRIx64 " must be a power of two", align);
        return FALSE;
    } else if (offset % *page_size) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "offset 0x%" PRIx64
                    " must be multiples of page size 0x%zx",
                    offset, *page_size);
        return FALSE;
    } else if (max_size < *page_size) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "memory size 0x%" PRIx64
                    " must be equal to or larger than page size 0x%zx",
                    max_size, *page_size);
        return FALSE;
    }
    return TRUE;
}

/*
 * Maps @memory bytes of @fd at @offset, @align aligned.  Only an empty
 * (e.g. freshly created) file is sized first.  hugetlbfs on old hosts
 * refuses ftruncate; mmap reports anything that really matters.
 */
static void *map_fd(const char *name, int fd, gint64 file_size,
                    guint64 memory, guint64 align, guint64 offset,
                    guint flags, gsize *mapped, GError **error)
{
    void *host;

    if (file_size == 0 && offset <= G_MAXINT64 - memory &&
        ftruncate(fd, offset + memory) < 0) {
        g_debug("ftruncate of '%s' backing store: %s", name,
                g_strerror(errno));
    }

    if ((flags & QMEM_RAM_NORESERVE) &&
        !noreserve_effective(fd, flags, error)) {
        return NULL;
    }
    if (memory > G_MAXSIZE) {
        host = MAP_FAILED;
        errno = ENOMEM;
    } else {
        host = ram_mmap(fd, memory, align, flags, offset, mapped);
    }
    if (host == MAP_FAILED) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "unable to map backing store for guest RAM: %s",
                    g_strerror(errno));
        return NULL;
    }
    return host;
}

/* QEMU's qemu_ram_alloc_from_fd() + file_ram_alloc(), in their order. */
QmemRamBlock *qmem_ram_block_new_from_fd(const char *name, guint64 size,
                                         guint64 align, int fd, guint64 offset,
                                         guint flags, GError **error)
{
    const gsize host_page = qmem_host_page_size();
    guint64 max_size, memory;
    gint64 file_size;
    gsize page_size, mapped;
    void *host;

    g_return_val_if_fail(size > 0, NULL);
    g_return_val_if_fail(fd >= 0, NULL);

    if (size > G_MAXUINT64 - host_page) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "unable to map backing store for guest RAM: %s",
                    g_strerror(ENOMEM));
        goto fail;
    }
    max_size = (size + host_page - 1) / host_page * host_page;
    if (!check_backing_store(name, fd, max_size, align, offset, &file_size,
                             error) ||
        !check_page_size(fd, max_size, align, offset, &page_size, error)) {
        goto fail;
    }
    align = MAX(page_size, align);
    if (max_size > G_MAXUINT64 - page_size) {
        memory = G_MAXUINT64;
    } else {
        memory = (max_size + page_size - 1) / page_size * page_size;
    }

    host = map_fd(name, fd, file_size, memory, align, offset, flags, &mapped,
                  error);
    if (!host) {
        goto fail;
    }
    return ram_block_new(name, host, size, fd, offset, page_size, align, flags,
                         mapped);

fail:
    close(fd);
    return NULL;
}

void qmem_ram_block_free(QmemRamBlock *block)
{
    if (!block) {
        return;
    }
    ram_block_notify_remove(block);
    g_free(block->dirty_log);
    if (block->mmap_base) {
        munmap(block->mmap_base, block->mmap_size);
    }
    if (block->fd >= 0) {
        close(block->fd);
    }
    g_free(block->name);
    g_free(block);
}

int qmem_ram_block_discard_range(QmemRamBlock *rb, guint64 start,
                                 gsize length)
{
    static gboolean warned_private_file;
    guint8 *host = (guint8 *)rb->host + start;
    gboolean need_madvise, need_fallocate;
    int ret = -1;

    if ((guintptr)host % rb->page_size) {
        qmem_error_report("ram_block_discard_range: Unaligned start "
                          "address: %p", host);
        return ret;
    }
    if (start > rb->size || length > rb->size - start) {
        qmem_error_report("ram_block_discard_range: Overrun block '%s' (%"
                          PRIu64 "/%zx/%" PRIx64 ")", rb->name, start,
                          length, rb->size);
        return ret;
    }
    if (length % rb->page_size) {
        qmem_error_report("ram_block_discard_range: Unaligned length: %zx",
                          length);
        return ret;
    }

    errno = ENOTSUP;
    /* MADV_DONTNEED fails for huge pages; fallocate works for those. */
    need_madvise = rb->page_size == qmem_host_page_size();
    need_fallocate = rb->fd != -1;
    if (need_fallocate) {
        if (rb->flags & QMEM_RAM_READONLY_FD) {
            qmem_error_report("ram_block_discard_range: Discarding RAM with "
                              "readonly files is not supported");
            return ret;
        }
        if (!(rb->flags & QMEM_RAM_SHARED) && !warned_private_file) {
            warned_private_file = TRUE;
            qmem_warn_report("ram_block_discard_range: Discarding RAM in "
                             "private file mappings is possibly dangerous, "
                             "because it will modify the underlying file and "
                             "will affect other users of the file");
        }
        ret = fallocate(rb->fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
                        start + rb->fd_offset, length);
        if (ret) {
            ret = -errno;
            qmem_error_report("ram_block_discard_range: Failed to fallocate "
                              "%s:%" PRIx64 "+%" PRIx64 " +%zx (%d)",
                              rb->name, start, rb->fd_offset, length, ret);
            return ret;
        }
    }
    if (need_madvise) {
        /* Shared anonymous memory is shmem: only REMOVE frees it. */
        if ((rb->flags & QMEM_RAM_SHARED) && rb->fd < 0) {
            ret = madvise(host, length, MADV_REMOVE);
        } else {
            ret = madvise(host, length, MADV_DONTNEED);
        }
        if (ret) {
            ret = -errno;
            qmem_error_report("ram_block_discard_range: Failed to discard "
                              "range %s:%" PRIx64 " +%zx (%d)", rb->name,
                              start, length, ret);
            return ret;
        }
    }
    return ret;
}

/*
 * RAM block notifiers (QEMU's RAMBlockNotifier).  Blocks are created and
 * freed on the main thread only, so neither list needs a lock.
 */

static GQueue live_blocks = G_QUEUE_INIT;
static GPtrArray *ram_block_notifiers;

static void ram_block_notify_add(QmemRamBlock *block)
{
    g_queue_push_tail(&live_blocks, block);
    for (guint i = 0; ram_block_notifiers && i < ram_block_notifiers->len;
         i++) {
        QmemRamBlockNotifier *n = g_ptr_array_index(ram_block_notifiers, i);

        if (n->ram_block_added) {
            n->ram_block_added(n, block->host, block->size);
        }
    }
}

static void ram_block_notify_remove(QmemRamBlock *block)
{
    for (guint i = 0; ram_block_notifiers && i < ram_block_notifiers->len;
         i++) {
        QmemRamBlockNotifier *n = g_ptr_array_index(ram_block_notifiers, i);

        if (n->ram_block_removed) {
            n->ram_block_removed(n, block->host, block->size);
        }
    }
    g_queue_remove(&live_blocks, block);
}

void qmem_ram_block_notifier_add(QmemRamBlockNotifier *n)
{
    g_return_if_fail(n != NULL);

    if (!ram_block_notifiers) {
        ram_block_notifiers = g_ptr_array_new();
    }
    g_return_if_fail(!g_ptr_array_find(ram_block_notifiers, n, NULL));
    g_ptr_array_add(ram_block_notifiers, n);
    if (n->ram_block_added) {
        for (GList *l = live_blocks.head; l; l = l->next) {
            QmemRamBlock *block = l->data;

            n->ram_block_added(n, block->host, block->size);
        }
    }
}

void qmem_ram_block_notifier_remove(QmemRamBlockNotifier *n)
{
    gboolean found;

    g_return_if_fail(n != NULL);

    found = ram_block_notifiers && g_ptr_array_remove(ram_block_notifiers, n);
    g_return_if_fail(found);
    if (!ram_block_notifiers->len) {
        g_clear_pointer(&ram_block_notifiers, g_ptr_array_unref);
    }
}

int qmem_ram_block_fault_errno(QmemRamBlock *rb, guint64 offset)
{
    guint64 page = rb->page_size ? rb->page_size : qmem_host_page_size();
    off_t pos = rb->fd_offset + qmem_align_down(offset, page);
    struct stat st;

    if (rb->fd < 0) {
        return ENOMEM;
    }
    if (fstat(rb->fd, &st) == 0 && S_ISREG(st.st_mode) && pos >= st.st_size) {
        return EFAULT;
    }
    if (fallocate(rb->fd, FALLOC_FL_KEEP_SIZE, pos, page) == 0) {
        return EAGAIN;
    }
    /* A file system without fallocate() does not tell: the kernel's word. */
    return errno == EOPNOTSUPP ? EFAULT : errno;
}

void qmem_ram_block_foreach(gboolean (*fn)(QmemRamBlock *rb, gpointer opaque),
                            gpointer opaque)
{
    for (GList *l = live_blocks.head; l;) {
        GList *next = l->next;

        if (!fn(l->data, opaque)) {
            return;
        }
        l = next;
    }
}

static guint64 ram_block_pages(QmemRamBlock *rb)
{
    return (rb->size + QMEM_TARGET_PAGE_SIZE - 1) >> QMEM_TARGET_PAGE_BITS;
}

void qmem_ram_block_dirty_log_start(QmemRamBlock *rb)
{
    g_return_if_fail(rb != NULL);
    if (!rb->dirty_log) {
        rb->dirty_log = qmem_bitmap_new(ram_block_pages(rb));
    }
}

void qmem_ram_block_dirty_log_stop(QmemRamBlock *rb)
{
    g_return_if_fail(rb != NULL);
    g_clear_pointer(&rb->dirty_log, g_free);
}

void qmem_ram_block_set_dirty(QmemRamBlock *rb, guint64 offset, guint64 len)
{
    guint64 *log = rb->dirty_log;
    guint64 first, last;

    if (!log || !len || offset >= rb->size) {
        return;
    }
    len = MIN(len, rb->size - offset);
    first = offset >> QMEM_TARGET_PAGE_BITS;
    last = (offset + len - 1) >> QMEM_TARGET_PAGE_BITS;
    for (guint64 page = first; page <= last; page++) {
        __atomic_fetch_or(&log[page / 64], G_GUINT64_CONSTANT(1) << (page % 64),
                          __ATOMIC_RELAXED);
    }
}

guint64 qmem_ram_block_sync_dirty(QmemRamBlock *rb, guint64 *dest)
{
    guint64 words, count = 0;

    g_return_val_if_fail(rb != NULL && dest != NULL, 0);
    if (!rb->dirty_log) {
        return 0;
    }
    words = (ram_block_pages(rb) + 63) / 64;
    for (guint64 i = 0; i < words; i++) {
        guint64 bits;

        if (!__atomic_load_n(&rb->dirty_log[i], __ATOMIC_RELAXED)) {
            continue;
        }
        bits = __atomic_exchange_n(&rb->dirty_log[i], 0, __ATOMIC_ACQ_REL);
        count += __builtin_popcountll(bits & ~dest[i]);
        dest[i] |= bits;
    }
    return count;
}

void qmem_ram_block_set_discard_manager(QmemRamBlock *rb,
                                        gboolean (*is_populated)(
                                            gpointer opaque, guint64 offset,
                                            guint64 size),
                                        gpointer opaque)
{
    g_return_if_fail(rb != NULL);
    rb->is_populated = is_populated;
    rb->rdm_opaque = opaque;
}

gboolean qmem_ram_block_is_populated(QmemRamBlock *rb, guint64 offset,
                                     guint64 size)
{
    return !rb->is_populated || rb->is_populated(rb->rdm_opaque, offset, size);
}
