/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Accesses through an address space, as a CPU or a device makes them. */

#include <errno.h>
#include <string.h>

#include "system/accel.h"
#include "system/memory-internal.h"
#include "system/runstate.h"
#include "util/error.h"
#include "util/sigbus.h"

guint qmem_flat_view_upper_bound(GArray *view, guint64 addr)
{
    guint lo = 0, hi = view->len;

    while (lo < hi) {
        guint mid = lo + (hi - lo) / 2;

        if (g_array_index(view, QmemMemorySection,
                          mid).offset_within_address_space <= addr) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return lo;
}

const QmemMemorySection *qmem_address_space_lookup(QmemAddressSpace *as,
                                                   guint64 addr)
{
    const QmemMemorySection *s;
    guint idx;

    g_return_val_if_fail(as != NULL, NULL);

    idx = qmem_flat_view_upper_bound(as->view, addr);
    if (!idx) {
        return NULL;
    }
    s = &g_array_index(as->view, QmemMemorySection, idx - 1);
    return addr - s->offset_within_address_space < s->size ? s : NULL;
}

/* QEMU's memory_access_size(): the widest access the region takes here. */
static guint io_access_size(const QmemMemoryRegionOps *ops, guint64 addr,
                            guint64 len)
{
    guint max = ops->valid.max_access_size ? ops->valid.max_access_size : 4;

    len = MIN(len, max);
    if (!ops->valid.unaligned && addr) {
        len = MIN(len, addr & -addr);
    }
    /* The largest power of two not above @len. */
    return 1u << (63 - __builtin_clzll(len));
}

/* QEMU's memory_region_access_valid(). */
static gboolean io_access_valid(const QmemMemoryRegionOps *ops, guint64 addr,
                                guint size)
{
    guint min = ops->valid.min_access_size ? ops->valid.min_access_size : 1;
    guint max = ops->valid.max_access_size ? ops->valid.max_access_size : 4;

    if (!ops->valid.unaligned && (addr & (size - 1))) {
        return FALSE;
    }
    return size >= min && size <= max;
}

/*
 * QEMU's access_with_adjusted_size(): the callbacks see the sizes they
 * implement, the pieces of a wider access combined little-endian.
 */
static void io_dispatch(QmemMemoryRegion *mr, guint64 addr, guint64 *value,
                        guint size, gboolean is_write)
{
    const QmemMemoryRegionOps *ops = mr->ops;
    guint min = ops->impl.min_access_size ? ops->impl.min_access_size : 1;
    guint max = ops->impl.max_access_size ? ops->impl.max_access_size : 4;
    guint step = MAX(MIN(size, max), min);
    guint64 mask = step == 8 ? G_MAXUINT64 : (G_GUINT64_CONSTANT(1) <<
                                               (step * 8)) - 1;

    if (!is_write) {
        *value = 0;
    }
    for (guint i = 0; i < size; i += step) {
        if (is_write) {
            if (ops->write) {
                ops->write(mr->opaque, addr + i, (*value >> (i * 8)) & mask,
                           step);
            }
        } else if (ops->read) {
            *value |= (ops->read(mr->opaque, addr + i, step) & mask) <<
                      (i * 8);
        }
    }
}

/*
 * One access of at most 8 bytes to an I/O section, as a CPU makes it:
 * @buf holds the bytes little-endian.  Returns how many bytes it covered
 * (the rest is the next access), with *@ok cleared for an access the
 * region refuses (which reads as 0, QEMU's unassigned_mem_read()).
 */
static guint64 io_access(const QmemMemorySection *s, guint64 addr,
                         guint8 *buf, guint64 len, gboolean is_write,
                         gboolean *ok)
{
    QmemMemoryRegion *mr = s->mr;
    guint64 off = s->offset_within_region +
                  (addr - s->offset_within_address_space);
    guint size = io_access_size(mr->ops, off, len);
    guint64 value = 0;

    if (!io_access_valid(mr->ops, off, size)) {
        if (!is_write) {
            memset(buf, 0, size);
        }
        *ok = FALSE;
        return size;
    }
    if (is_write) {
        for (guint i = 0; i < size; i++) {
            value |= (guint64)buf[i] << (i * 8);
        }
        /*
         * Under an accelerator that does not signal ioeventfds itself, a
         * matching write sets the notifier instead of reaching the ops.
         */
        if (mr->ioeventfds &&
            !qmem_accel_ioeventfds_enabled(qmem_accel_get_current()) &&
            qmem_ioeventfd_list_dispatch(mr->ioeventfds, off, size,
                                         value)) {
            return size;
        }
    }
    /* The callbacks may unmap the region: it lives until they return. */
    g_object_ref(mr);
    io_dispatch(mr, off, &value, size, is_write);
    g_object_unref(mr);
    if (!is_write) {
        for (guint i = 0; i < size; i++) {
            buf[i] = value >> (i * 8);
        }
    }
    return size;
}

/*
 * A page of RAM the host could not supply (the copy raised SIGBUS at
 * @fault): the VM stops in io-error with MEMORY_BACKEND_ERROR, and the
 * caller gets the reason.
 */
static void ram_fault(const QmemMemorySection *s, guint64 addr,
                      const guint8 *host, const guint8 *fault,
                      GError **error)
{
    QmemRamBlock *block = qmem_memory_region_get_ram_block(s->mr);
    guint64 gpa = addr + (fault - host);
    guint64 offset;
    int err;

    if (!block || fault < (guint8 *)block->host ||
        fault >= (guint8 *)block->host + block->size) {
        /* The other buffer faulted: not guest memory. */
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "cannot access guest memory at 0x%" G_GINT64_MODIFIER
                    "x: %s", gpa, g_strerror(EFAULT));
        return;
    }
    offset = fault - (guint8 *)block->host;
    err = qmem_ram_block_fault_errno(block, offset);
    g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                "cannot supply guest memory at 0x%" G_GINT64_MODIFIER "x "
                "from '%s': %s", gpa, block->name, g_strerror(err));
    qmem_vm_stop_on_memory_error(block, offset, gpa, err);
}

/* A write reached [@host, @host + @len) of @s's RAM: dirty logging. */
static void ram_mark_dirty(const QmemMemorySection *s, const guint8 *host,
                           guint64 len)
{
    QmemRamBlock *block = qmem_memory_region_get_ram_block(s->mr);

    if (block && block->dirty_log && host >= (guint8 *)block->host) {
        qmem_ram_block_set_dirty(block, host - (guint8 *)block->host, len);
    }
}

/*
 * Copies to or from RAM under a SIGBUS guard.  Returns: %FALSE (@error
 * set) when the host could not supply a page.
 */
static gboolean ram_access(const QmemMemorySection *s, guint64 addr,
                           guint8 *host, guint8 *buf, guint64 len,
                           gboolean is_write, GError **error)
{
    void *fault = NULL;
    gboolean done = is_write ? qmem_sigbus_memcpy(host, buf, len, &fault)
                             : qmem_sigbus_memcpy(buf, host, len, &fault);

    if (is_write) {
        ram_mark_dirty(s, host, len);
    }
    if (!done) {
        ram_fault(s, addr, host, fault, error);
    }
    return done;
}

/*
 * Returns: %FALSE (@error set) when RAM behind @addr could not be
 * supplied; *@ok is cleared for bytes that were not RAM or I/O that
 * took them.
 */
static gboolean address_space_rw(QmemAddressSpace *as, guint64 addr,
                                 guint8 *p, gsize len, gboolean is_write,
                                 gboolean *ok, GError **error)
{
    while (len) {
        guint idx = qmem_flat_view_upper_bound(as->view, addr);
        const QmemMemorySection *s = NULL;
        guint64 chunk;

        if (idx) {
            s = &g_array_index(as->view, QmemMemorySection, idx - 1);
            if (addr - s->offset_within_address_space >= s->size) {
                s = NULL;
            }
        }
        if (s && s->host) {
            guint64 skip = addr - s->offset_within_address_space;
            guint8 *host = (guint8 *)s->host + skip;

            chunk = MIN((guint64)len, s->size - skip);
            if (is_write && s->readonly) {
                *ok = FALSE;
            } else if (!ram_access(s, addr, host, p, chunk, is_write,
                                   error)) {
                /* The access ends there; what was not read reads as 0. */
                if (!is_write) {
                    memset(p, 0, len);
                }
                return FALSE;
            }
        } else if (s) {
            /*
             * Not cut at the section's end: QEMU clamps only RAM, an I/O
             * region takes the whole access its ops allow from where it
             * starts (address_space_translate_internal()), so that a
             * 4-byte read of a 2-byte region is one access it may refuse.
             */
            chunk = io_access(s, addr, p, len, is_write, ok);
        } else {
            /*
             * A hole reaches up to the next section, or to the end of the
             * address space, where the access wraps around to 0.
             */
            chunk = len;
            if (idx < as->view->len) {
                guint64 next = g_array_index(as->view, QmemMemorySection,
                                             idx).offset_within_address_space;

                chunk = MIN(chunk, next - addr);
            } else if (addr && chunk > -addr) {
                chunk = -addr;
            }
            if (!is_write) {
                memset(p, 0, chunk);
            }
            *ok = FALSE;
        }
        p += chunk;
        len -= chunk;
        addr += chunk;
    }
    return TRUE;
}

gboolean qmem_address_space_rw(QmemAddressSpace *as, guint64 addr, void *buf,
                               gsize len, gboolean is_write)
{
    gboolean ok = TRUE;

    g_return_val_if_fail(as != NULL, FALSE);
    g_return_val_if_fail(buf != NULL || len == 0, FALSE);

    /* The fault was reported: the VM stopped, MEMORY_BACKEND_ERROR went. */
    return address_space_rw(as, addr, buf, len, is_write, &ok, NULL) && ok;
}

gboolean qmem_address_space_rw_err(QmemAddressSpace *as, guint64 addr,
                                   void *buf, gsize len, gboolean is_write,
                                   GError **error)
{
    gboolean ok = TRUE;

    g_return_val_if_fail(as != NULL, FALSE);
    g_return_val_if_fail(buf != NULL || len == 0, FALSE);
    g_return_val_if_fail(error == NULL || *error == NULL, FALSE);

    return address_space_rw(as, addr, buf, len, is_write, &ok, error);
}

/* Fills RAM in [lo, hi] (inclusive, no wrap) with @value. */
static gboolean memset_range(QmemAddressSpace *as, guint64 lo, guint64 hi,
                             guint8 value, GError **error)
{
    const QmemMemorySection *sections;
    guint n;

    sections = qmem_address_space_get_sections(as, &n);
    for (guint i = 0; i < n; i++) {
        const QmemMemorySection *sec = &sections[i];
        guint64 start = sec->offset_within_address_space;
        guint64 last = start + (sec->size - 1);
        guint64 from = MAX(start, lo);
        guint8 *host;
        void *fault;

        if (last < lo || start > hi || sec->readonly || !sec->host) {
            continue;
        }
        host = (guint8 *)sec->host + (from - start);
        ram_mark_dirty(sec, host, MIN(last, hi) - from + 1);
        if (!qmem_sigbus_memset(host, value, MIN(last, hi) - from + 1,
                                &fault)) {
            ram_fault(sec, from, host, fault, error);
            return FALSE;
        }
    }
    return TRUE;
}

gboolean qmem_address_space_memset(QmemAddressSpace *as, guint64 addr,
                                   guint64 len, guint8 value, GError **error)
{
    guint64 last;

    g_return_val_if_fail(as != NULL, FALSE);
    g_return_val_if_fail(error == NULL || *error == NULL, FALSE);

    if (!len) {
        return TRUE;
    }
    last = addr + (len - 1);
    if (last >= addr) {
        return memset_range(as, addr, last, value, error);
    }
    /* The range wraps around the end of the address space. */
    return memset_range(as, addr, G_MAXUINT64, value, error) &&
           memset_range(as, 0, last, value, error);
}
