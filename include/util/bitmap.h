/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Bitmaps of 64-bit words, as QEMU's bitmap.h and bitops.h. */

#ifndef QMEM_UTIL_BITMAP_H
#define QMEM_UTIL_BITMAP_H

#include <glib.h>

G_BEGIN_DECLS

/*
 * A bitmap of N bits is an array of (N + 63) / 64 words, bit i in word
 * i / 64 at position i % 64.  The functions keep the bits past N clear.
 */

#define QMEM_BITS_PER_WORD 64
#define QMEM_BITS_TO_WORDS(nbits) \
    (((nbits) + QMEM_BITS_PER_WORD - 1) / QMEM_BITS_PER_WORD)

/**
 * qmem_bitmap_new:
 * @nbits: the number of bits
 *
 * Returns: (transfer full): a bitmap of @nbits clear bits, g_free() it.
 */
guint64 *qmem_bitmap_new(guint64 nbits);

/**
 * qmem_find_next_bit:
 * @map: a bitmap
 * @size: how many of its bits to search
 * @start: the first bit to look at
 *
 * Returns: the first set bit at or after @start, or @size when there is
 *   none below @size.
 */
guint64 qmem_find_next_bit(const guint64 *map, guint64 size, guint64 start);

/**
 * qmem_find_next_zero_bit:
 *
 * qmem_find_next_bit() for a clear bit.
 */
guint64 qmem_find_next_zero_bit(const guint64 *map, guint64 size,
                                guint64 start);

/* Sets or clears @nbits bits from @start. */
void qmem_bitmap_set(guint64 *map, guint64 start, guint64 nbits);
void qmem_bitmap_clear(guint64 *map, guint64 start, guint64 nbits);

G_END_DECLS

#endif
