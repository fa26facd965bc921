/* SPDX-License-Identifier: GPL-2.0-or-later */
/* RAM migration: dirty pages out, pages in (QEMU's migration/ram.c). */

#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "migration/migration-internal.h"
#include "system/hostmem.h"
#include "system/memory.h"
#include "util/bitmap.h"
#include "util/error.h"
#include "util/main-loop.h"
#include "util/sigbus.h"

#define PAGE QMEM_TARGET_PAGE_SIZE
/* How many pages between looks at the stop flag and the rate limit. */
#define PAGES_PER_CHECK 64
/* Unpopulated ranges are found at this granularity (virtio-mem blocks). */
#define DISCARD_GRANULE (G_GUINT64_CONSTANT(1) << 20)

typedef struct {
    QmemRamBlock *rb;
    guint64 *bmap;          /* pages still to send */
    guint64 pages;
    gboolean ignored;
} MigRamBlock;

struct MigRam {
    GPtrArray *blocks;      /* MigRamBlock, in creation order */
    MigRamCounters *counters;
};

gboolean mig_ram_block_migrates(QmemRamBlock *rb)
{
    return rb->owner && QMEM_IS_HOST_MEMORY_BACKEND(rb->owner) &&
           qmem_host_memory_backend_is_mapped(
               QMEM_HOST_MEMORY_BACKEND(rb->owner));
}

static guint64 block_pages(QmemRamBlock *rb)
{
    return (rb->size + PAGE - 1) / PAGE;
}

/* Only populated pages are sent first: virtio-mem's plugged blocks. */
static void bmap_init(MigRamBlock *b)
{
    QmemRamBlock *rb = b->rb;

    if (b->ignored) {
        return;
    }
    qmem_bitmap_set(b->bmap, 0, b->pages);
    if (!rb->is_populated) {
        return;
    }
    for (guint64 off = 0; off < rb->size; off += DISCARD_GRANULE) {
        guint64 len = MIN(DISCARD_GRANULE, rb->size - off);

        if (!qmem_ram_block_is_populated(rb, off, len)) {
            qmem_bitmap_clear(b->bmap, off / PAGE, (len + PAGE - 1) / PAGE);
        }
    }
}

static gboolean collect_block(QmemRamBlock *rb, gpointer opaque)
{
    MigRam *ram = opaque;

    if (mig_ram_block_migrates(rb)) {
        MigRamBlock *b = g_new0(MigRamBlock, 1);

        b->rb = rb;
        b->pages = block_pages(rb);
        b->bmap = qmem_bitmap_new(b->pages);
        g_ptr_array_add(ram->blocks, b);
    }
    return TRUE;
}

static void mig_ram_block_free(gpointer p)
{
    MigRamBlock *b = p;

    g_free(b->bmap);
    g_free(b);
}

static guint64 count_pages(MigRam *ram)
{
    guint64 n = 0;

    for (guint i = 0; i < ram->blocks->len; i++) {
        MigRamBlock *b = g_ptr_array_index(ram->blocks, i);

        for (guint64 w = 0; w < (b->pages + 63) / 64; w++) {
            n += __builtin_popcountll(b->bmap[w]);
        }
    }
    return n;
}

MigRam *mig_ram_setup(gboolean ignore_shared, MigRamCounters *counters)
{
    MigRam *ram = g_new0(MigRam, 1);

    g_assert(qmem_bql_locked());
    ram->counters = counters;
    ram->blocks = g_ptr_array_new_with_free_func(mig_ram_block_free);
    qmem_ram_block_foreach(collect_block, ram);
    counters->total_bytes = 0;
    for (guint i = 0; i < ram->blocks->len; i++) {
        MigRamBlock *b = g_ptr_array_index(ram->blocks, i);

        b->ignored = ignore_shared && (b->rb->flags & QMEM_RAM_SHARED);
        bmap_init(b);
        qmem_ram_block_dirty_log_start(b->rb);
        if (!b->ignored) {
            counters->total_bytes += b->rb->size;
        }
    }
    qmem_memory_global_dirty_log_start();
    counters->remaining_pages = count_pages(ram);
    return ram;
}

void mig_ram_cleanup(MigRam *ram)
{
    if (!ram) {
        return;
    }
    g_assert(qmem_bql_locked());
    qmem_memory_global_dirty_log_stop();
    for (guint i = 0; i < ram->blocks->len; i++) {
        MigRamBlock *b = g_ptr_array_index(ram->blocks, i);

        qmem_ram_block_dirty_log_stop(b->rb);
    }
    g_ptr_array_unref(ram->blocks);
    g_free(ram);
}

void mig_ram_save_blocks(MigRam *ram, QmemMigFile *f)
{
    qmem_mig_put_byte(f, MIG_SEC_RAM_BLOCKS);
    qmem_mig_put_be32(f, ram->blocks->len);
    for (guint i = 0; i < ram->blocks->len; i++) {
        MigRamBlock *b = g_ptr_array_index(ram->blocks, i);

        qmem_mig_put_counted_string(f, b->rb->name);
        qmem_mig_put_be64(f, b->rb->size);
        qmem_mig_put_be64(f, b->rb->page_size);
        qmem_mig_put_byte(f, b->ignored ? MIG_BLOCK_IGNORED : 0);
    }
}

guint64 mig_ram_sync(MigRam *ram)
{
    g_assert(qmem_bql_locked());
    qmem_memory_global_dirty_log_sync();
    for (guint i = 0; i < ram->blocks->len; i++) {
        MigRamBlock *b = g_ptr_array_index(ram->blocks, i);

        if (!b->ignored) {
            qmem_ram_block_sync_dirty(b->rb, b->bmap);
        } else {
            /* Shared with the destination: nothing to send, ever. */
            guint64 *scratch = qmem_bitmap_new(b->pages);

            qmem_ram_block_sync_dirty(b->rb, scratch);
            g_free(scratch);
        }
    }
    ram->counters->dirty_sync_count++;
    ram->counters->remaining_pages = count_pages(ram);
    return ram->counters->remaining_pages;
}

static const guint8 zero_page[PAGE];

/* @len at most a page. */
static gboolean is_zero_len(const guint8 *p, gsize len)
{
    return !memcmp(p, zero_page, len);
}

static gboolean is_zero(const guint8 *p)
{
    return is_zero_len(p, PAGE);
}

/*
 * One page.  A page that reads as zero is sent as a marker (QEMU checks
 * the host page in place, buffer_is_zero()); any other is copied first,
 * so that what is sent is one snapshot of it.
 */
static void save_page(MigRam *ram, QmemMigFile *f, MigRamBlock *b,
                      guint64 page, guint8 *buf)
{
    guint64 offset = page * PAGE;
    guint64 len = MIN(PAGE, b->rb->size - offset);
    const guint8 *host = (const guint8 *)b->rb->host + offset;
    void *fault;

    if (len == PAGE && is_zero(host)) {
        qmem_mig_put_be64(f, offset | MIG_PAGE_ZERO);
        ram->counters->duplicate++;
        return;
    }
    memset(buf + len, 0, PAGE - len);
    if (!qmem_sigbus_memcpy(buf, host, len, &fault)) {
        /* A page its backend cannot supply reads as zero, as QEMU's. */
        memset(buf, 0, PAGE);
    }
    if (is_zero(buf)) {
        qmem_mig_put_be64(f, offset | MIG_PAGE_ZERO);
        ram->counters->duplicate++;
    } else {
        qmem_mig_put_be64(f, offset | MIG_PAGE_DATA);
        qmem_mig_put_buffer(f, buf, PAGE);
        ram->counters->normal++;
    }
}

guint64 mig_ram_save_pass(MigRam *ram, QmemMigFile *f, const gint *stop)
{
    g_autofree guint8 *buf = g_malloc(PAGE);
    guint64 sent = 0;

    for (guint i = 0; i < ram->blocks->len; i++) {
        MigRamBlock *b = g_ptr_array_index(ram->blocks, i);
        guint64 page = qmem_find_next_bit(b->bmap, b->pages, 0);

        if (page >= b->pages) {
            continue;
        }
        qmem_mig_put_byte(f, MIG_SEC_RAM);
        qmem_mig_put_be32(f, i);
        for (; page < b->pages;
             page = qmem_find_next_bit(b->bmap, b->pages, page + 1)) {
            qmem_bitmap_clear(b->bmap, page, 1);
            save_page(ram, f, b, page, buf);
            sent++;
            if (ram->counters->remaining_pages) {
                ram->counters->remaining_pages--;
            }
            if (sent % PAGES_PER_CHECK == 0) {
                qmem_mig_rate_limit_wait(f);
                if (g_atomic_int_get(stop) || qmem_mig_file_get_error(f)) {
                    qmem_mig_put_be64(f, MIG_PAGE_EOS);
                    return sent;
                }
            }
        }
        qmem_mig_put_be64(f, MIG_PAGE_EOS);
    }
    return sent;
}

/* The destination */

typedef struct {
    QmemRamBlock *rb;
    gboolean ignored;
} MigRamLoadBlock;

struct MigRamLoad {
    GArray *blocks;         /* MigRamLoadBlock, in the stream's order */
    guint8 *buf;
};

MigRamLoad *mig_ram_load_new(void)
{
    MigRamLoad *load = g_new0(MigRamLoad, 1);

    load->blocks = g_array_new(FALSE, TRUE, sizeof(MigRamLoadBlock));
    load->buf = g_malloc(PAGE);
    return load;
}

void mig_ram_load_free(MigRamLoad *load)
{
    if (load) {
        g_array_unref(load->blocks);
        g_free(load->buf);
        g_free(load);
    }
}

typedef struct {
    const char *name;
    QmemRamBlock *found;
} FindBlock;

static gboolean find_block(QmemRamBlock *rb, gpointer opaque)
{
    FindBlock *fb = opaque;

    if (mig_ram_block_migrates(rb) && !strcmp(rb->name, fb->name)) {
        fb->found = rb;
        return FALSE;
    }
    return TRUE;
}

static gboolean block_in_stream(QmemRamBlock *rb, gpointer opaque)
{
    MigRamLoad *load = ((gpointer *)opaque)[0];
    GError **error = ((gpointer *)opaque)[1];

    if (!mig_ram_block_migrates(rb)) {
        return TRUE;
    }
    for (guint i = 0; i < load->blocks->len; i++) {
        if (g_array_index(load->blocks, MigRamLoadBlock, i).rb == rb) {
            return TRUE;
        }
    }
    g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                "RAM block '%s' is not on the source", rb->name);
    return FALSE;
}

static gboolean load_one_block(MigRamLoad *load, QmemMigFile *f,
                               GError **error)
{
    char id[256];
    guint64 size, page_size;
    guint8 flags;
    FindBlock fb = { id, NULL };
    MigRamLoadBlock lb = { 0 };

    qmem_mig_get_counted_string(f, id);
    size = qmem_mig_get_be64(f);
    page_size = qmem_mig_get_be64(f);
    flags = qmem_mig_get_byte(f);
    if (qmem_mig_file_get_error(f)) {
        return FALSE;
    }
    qmem_ram_block_foreach(find_block, &fb);
    if (!fb.found) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "Unknown ramblock \"%s\", cannot accept migration", id);
        return FALSE;
    }
    if (size != fb.found->size) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "Size mismatch: %s: 0x%" PRIx64 " != 0x%" PRIx64 ": %s",
                    id, size, fb.found->size, g_strerror(EINVAL));
        return FALSE;
    }
    if (page_size != fb.found->page_size) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "Mismatched RAM page size %s (local) %" G_GSIZE_FORMAT
                    " != %" PRId64, id, fb.found->page_size, page_size);
        return FALSE;
    }
    for (guint i = 0; i < load->blocks->len; i++) {
        if (g_array_index(load->blocks, MigRamLoadBlock, i).rb == fb.found) {
            g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                        "RAM block '%s' sent twice", id);
            return FALSE;
        }
    }
    lb.rb = fb.found;
    lb.ignored = flags & MIG_BLOCK_IGNORED;
    g_array_append_val(load->blocks, lb);
    return TRUE;
}

gboolean mig_ram_load_blocks(MigRamLoad *load, QmemMigFile *f,
                             GError **error)
{
    guint32 n = qmem_mig_get_be32(f);
    gpointer args[2] = { load, error };

    if (load->blocks->len) {
        g_set_error_literal(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                            "RAM block list sent twice");
        return FALSE;
    }
    for (guint32 i = 0; i < n && !qmem_mig_file_get_error(f); i++) {
        if (!load_one_block(load, f, error)) {
            return FALSE;
        }
    }
    if (qmem_mig_file_get_error(f)) {
        return FALSE;
    }
    qmem_ram_block_foreach(block_in_stream, args);
    return !*error;
}

static gboolean load_page(MigRamLoad *load, MigRamLoadBlock *lb,
                          guint64 offset, guint flags, QmemMigFile *f,
                          GError **error)
{
    QmemRamBlock *rb = lb->rb;
    guint8 *host = (guint8 *)rb->host + offset;
    guint64 len;
    void *fault;

    if (lb->ignored || offset >= rb->size ||
        (flags != MIG_PAGE_ZERO && flags != MIG_PAGE_DATA)) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "Unknown combination of migration flags: 0x%x",
                    flags);
        return FALSE;
    }
    len = MIN(PAGE, rb->size - offset);
    if (flags == MIG_PAGE_DATA) {
        if (!qmem_mig_get_buffer(f, load->buf, PAGE)) {
            return FALSE;
        }
        if (!qmem_sigbus_memcpy(host, load->buf, len, &fault)) {
            g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                        "cannot supply guest memory in '%s': %s", rb->name,
                        g_strerror(qmem_ram_block_fault_errno(
                            rb, (guint8 *)fault - (guint8 *)rb->host)));
            return FALSE;
        }
    } else if (!qmem_ram_block_is_populated(rb, offset, len) ||
               !is_zero_len(host, len)) {
        /* Reading a zero page first keeps it unpopulated, as QEMU's. */
        qmem_sigbus_memset(host, 0, len, &fault);
    }
    return TRUE;
}

gboolean mig_ram_load_section(MigRamLoad *load, QmemMigFile *f,
                              GError **error)
{
    guint32 idx = qmem_mig_get_be32(f);
    MigRamLoadBlock *lb;

    if (qmem_mig_file_get_error(f)) {
        return FALSE;
    }
    if (idx >= load->blocks->len) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "RAM section for unknown block %u", idx);
        return FALSE;
    }
    lb = &g_array_index(load->blocks, MigRamLoadBlock, idx);
    for (;;) {
        guint64 v = qmem_mig_get_be64(f);
        guint flags = v & MIG_PAGE_FLAGS;

        if (qmem_mig_file_get_error(f)) {
            return FALSE;
        }
        if (flags == MIG_PAGE_EOS && !(v & ~(guint64)MIG_PAGE_FLAGS)) {
            return TRUE;
        }
        if (!load_page(load, lb, v & ~(guint64)MIG_PAGE_FLAGS, flags, f,
                       error)) {
            return FALSE;
        }
    }
}
