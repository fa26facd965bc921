/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Tests of util/bitmap.c and include/util/range.h. */

#include "util/bitmap.h"
#include "util/range.h"

/* Each bit of a 200-bit map, set and cleared across word boundaries. */
static void test_set_clear(void)
{
    g_autofree guint64 *map = qmem_bitmap_new(200);

    qmem_bitmap_set(map, 60, 70);       /* bits 60..129 */
    g_assert_cmphex(map[0], ==, G_GUINT64_CONSTANT(0xf) << 60);
    g_assert_cmphex(map[1], ==, ~G_GUINT64_CONSTANT(0));
    g_assert_cmphex(map[2], ==, 0x3);
    g_assert_cmphex(map[3], ==, 0);
    qmem_bitmap_clear(map, 64, 64);
    g_assert_cmphex(map[1], ==, 0);
    g_assert_cmphex(map[2], ==, 0x3);
    qmem_bitmap_set(map, 0, 0);
    g_assert_cmphex(map[0], ==, G_GUINT64_CONSTANT(0xf) << 60);
}

static void test_find(void)
{
    g_autofree guint64 *map = qmem_bitmap_new(200);

    g_assert_cmpuint(qmem_find_next_bit(map, 200, 0), ==, 200);
    g_assert_cmpuint(qmem_find_next_zero_bit(map, 200, 0), ==, 0);
    qmem_bitmap_set(map, 0, 200);
    g_assert_cmpuint(qmem_find_next_zero_bit(map, 200, 0), ==, 200);
    /* The size bounds the search even inside a word. */
    qmem_bitmap_clear(map, 150, 1);
    g_assert_cmpuint(qmem_find_next_zero_bit(map, 150, 10), ==, 150);
    g_assert_cmpuint(qmem_find_next_zero_bit(map, 151, 10), ==, 150);
    g_assert_cmpuint(qmem_find_next_zero_bit(map, 200, 151), ==, 200);
    qmem_bitmap_clear(map, 0, 200);
    qmem_bitmap_set(map, 127, 1);
    g_assert_cmpuint(qmem_find_next_bit(map, 200, 0), ==, 127);
    g_assert_cmpuint(qmem_find_next_bit(map, 200, 127), ==, 127);
    g_assert_cmpuint(qmem_find_next_bit(map, 200, 128), ==, 200);
    g_assert_cmpuint(qmem_find_next_bit(map, 127, 0), ==, 127);
    g_assert_cmpuint(qmem_find_next_bit(map, 200, 500), ==, 200);
}

static void test_range(void)
{
    QmemRange a = QMEM_RANGE_EMPTY, b = QMEM_RANGE_EMPTY;
    QmemRange empty = QMEM_RANGE_EMPTY;

    g_assert_true(qmem_range_is_empty(&empty));
    g_assert_true(qmem_range_init(&a, 0x1000, 0x1000));
    g_assert_cmphex(a.upb, ==, 0x1fff);
    g_assert_cmphex(qmem_range_size(&a), ==, 0x1000);
    /* As QEMU's range_init(): lob + size may not wrap, not even to 0. */
    g_assert_true(qmem_range_init(&b, G_MAXUINT64 - 0xfff, 0xfff));
    g_assert_cmphex(b.upb, ==, G_MAXUINT64 - 1);
    g_assert_false(qmem_range_init(&b, G_MAXUINT64 - 0xfff, 0x1000));
    g_assert_cmphex(b.upb, ==, G_MAXUINT64 - 1);
    g_assert_true(qmem_range_init(&b, 0x5000, 0));
    g_assert_true(qmem_range_is_empty(&b));

    g_assert_true(qmem_range_init(&b, 0x1800, 0x800));
    g_assert_true(qmem_range_contains_range(&a, &b));
    g_assert_false(qmem_range_contains_range(&b, &a));
    g_assert_true(qmem_range_overlaps_range(&a, &b));
    g_assert_true(qmem_range_init(&b, 0x2000, 0x800));
    g_assert_false(qmem_range_overlaps_range(&a, &b));
    g_assert_false(qmem_range_contains_range(&a, &empty));
    g_assert_false(qmem_range_overlaps_range(&a, &empty));
}

static void test_align(void)
{
    g_assert_cmphex(qmem_align_up(0x1001, 0x1000), ==, 0x2000);
    g_assert_cmphex(qmem_align_up(0x2000, 0x1000), ==, 0x2000);
    g_assert_cmphex(qmem_align_up(10, 3), ==, 12);
    /* QEMU_ALIGN_UP wraps to 0 when the result does not fit. */
    g_assert_cmphex(qmem_align_up(G_MAXUINT64, 0x1000), ==, 0);
    g_assert_cmphex(qmem_align_down(0x1fff, 0x1000), ==, 0x1000);
    g_assert_true(qmem_is_power_of_2(1));
    g_assert_true(qmem_is_power_of_2(G_GUINT64_CONSTANT(1) << 63));
    g_assert_false(qmem_is_power_of_2(0));
    g_assert_false(qmem_is_power_of_2(0x3000));
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/util/bitmap/set-clear", test_set_clear);
    g_test_add_func("/util/bitmap/find", test_find);
    g_test_add_func("/util/range/ranges", test_range);
    g_test_add_func("/util/range/align", test_align);
    return g_test_run();
}
