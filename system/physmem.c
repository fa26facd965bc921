/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Accesses through an address space, as a CPU or a device makes them. */

#include <string.h>

#include "system/accel.h"
#include "system/memory-internal.h"

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

gboolean qmem_address_space_rw(QmemAddressSpace *as, guint64 addr, void *buf,
                               gsize len, gboolean is_write)
{
    gboolean ok = TRUE;
    guint8 *p = buf;

    g_return_val_if_fail(as != NULL, FALSE);
    g_return_val_if_fail(buf != NULL || len == 0, FALSE);

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
            if (!is_write) {
                memcpy(p, host, chunk);
            } else if (!s->readonly) {
                memcpy(host, p, chunk);
            } else {
                ok = FALSE;
            }
        } else if (s) {
            /*
             * Not cut at the section's end: QEMU clamps only RAM, an I/O
             * region takes the whole access its ops allow from where it
             * starts (address_space_translate_internal()), so that a
             * 4-byte read of a 2-byte region is one access it may refuse.
             */
            chunk = io_access(s, addr, p, len, is_write, &ok);
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
            ok = FALSE;
        }
        p += chunk;
        len -= chunk;
        addr += chunk;
    }
    return ok;
}
