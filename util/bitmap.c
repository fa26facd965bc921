/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Bitmaps of 64-bit words, as QEMU's bitmap.h and bitops.h. */

#include "util/bitmap.h"

guint64 *qmem_bitmap_new(guint64 nbits)
{
    return g_new0(guint64, QMEM_BITS_TO_WORDS(nbits));
}

static guint64 find_next(const guint64 *map, guint64 size, guint64 start,
                         guint64 invert)
{
    guint64 idx, word;

    if (start >= size) {
        return size;
    }
    idx = start / QMEM_BITS_PER_WORD;
    word = (map[idx] ^ invert) &
           (~G_GUINT64_CONSTANT(0) << (start % QMEM_BITS_PER_WORD));
    while (!word) {
        if (++idx * QMEM_BITS_PER_WORD >= size) {
            return size;
        }
        word = map[idx] ^ invert;
    }
    return MIN(idx * QMEM_BITS_PER_WORD + __builtin_ctzll(word), size);
}

guint64 qmem_find_next_bit(const guint64 *map, guint64 size, guint64 start)
{
    return find_next(map, size, start, 0);
}

guint64 qmem_find_next_zero_bit(const guint64 *map, guint64 size,
                                guint64 start)
{
    return find_next(map, size, start, ~G_GUINT64_CONSTANT(0));
}

static void change(guint64 *map, guint64 start, guint64 nbits, gboolean set)
{
    while (nbits) {
        guint64 idx = start / QMEM_BITS_PER_WORD;
        guint shift = start % QMEM_BITS_PER_WORD;
        guint64 n = MIN(nbits, (guint64)(QMEM_BITS_PER_WORD - shift));
        guint64 mask = (n == QMEM_BITS_PER_WORD ? ~G_GUINT64_CONSTANT(0) :
                        ((G_GUINT64_CONSTANT(1) << n) - 1)) << shift;

        map[idx] = set ? map[idx] | mask : map[idx] & ~mask;
        start += n;
        nbits -= n;
    }
}

void qmem_bitmap_set(guint64 *map, guint64 start, guint64 nbits)
{
    change(map, start, nbits, TRUE);
}

void qmem_bitmap_clear(guint64 *map, guint64 start, guint64 nbits)
{
    change(map, start, nbits, FALSE);
}
