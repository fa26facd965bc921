/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Inclusive address ranges and alignment, as QEMU's range.h and osdep.h. */

#ifndef QMEM_UTIL_RANGE_H
#define QMEM_UTIL_RANGE_H

#include <glib.h>

G_BEGIN_DECLS

/**
 * QmemRange:
 * @lob: the lowest address in the range
 * @upb: the highest address in the range
 *
 * QEMU's Range: both ends inclusive, so a range may end at the top of the
 * address space.  @lob > @upb means empty (QMEM_RANGE_EMPTY).
 */
typedef struct {
    guint64 lob;
    guint64 upb;
} QmemRange;

#define QMEM_RANGE_EMPTY ((QmemRange){ .lob = 1, .upb = 0 })

static inline gboolean qmem_range_is_empty(const QmemRange *r)
{
    return r->lob > r->upb;
}

/**
 * qmem_range_init:
 * @r: (out): the range
 * @lob: its start
 * @size: its length; 0 makes it empty
 *
 * Returns: %FALSE, leaving @r alone, when @lob + @size wraps.
 */
static inline gboolean qmem_range_init(QmemRange *r, guint64 lob,
                                       guint64 size)
{
    if (lob + size < lob) {
        return FALSE;
    }
    r->lob = lob;
    r->upb = lob + size - 1;
    return TRUE;
}

/* The length of a non-empty range; 0 for the whole 64-bit space. */
static inline guint64 qmem_range_size(const QmemRange *r)
{
    return r->upb - r->lob + 1;
}

/* Whether @r1 holds all of @r2; never for an empty range. */
static inline gboolean qmem_range_contains_range(const QmemRange *r1,
                                                 const QmemRange *r2)
{
    return !qmem_range_is_empty(r1) && !qmem_range_is_empty(r2) &&
           r1->lob <= r2->lob && r1->upb >= r2->upb;
}

static inline gboolean qmem_range_overlaps_range(const QmemRange *r1,
                                                 const QmemRange *r2)
{
    return !qmem_range_is_empty(r1) && !qmem_range_is_empty(r2) &&
           !(r2->upb < r1->lob || r1->upb < r2->lob);
}

/* QEMU_ALIGN_UP for any @m > 0: wraps to 0 when the result does not fit. */
static inline guint64 qmem_align_up(guint64 n, guint64 m)
{
    return (n + m - 1) / m * m;
}

/* QEMU_ALIGN_DOWN for any @m > 0. */
static inline guint64 qmem_align_down(guint64 n, guint64 m)
{
    return n / m * m;
}

static inline gboolean qmem_is_power_of_2(guint64 value)
{
    return value && !(value & (value - 1));
}

G_END_DECLS

#endif
