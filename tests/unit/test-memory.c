/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Tests for memory regions, flat views, listeners, mtree and RAM notifiers. */

#include <fcntl.h>
#include <inttypes.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "system/memory.h"
#include "util/error.h"

#define KiB (1024ULL)
#define MiB (1024ULL * KiB)
#define GiB (1024ULL * MiB)

/* Blocks made by a test; freed (and checked) at its end. */
static GPtrArray *test_blocks;

static QmemRamBlock *block_keep(QmemRamBlock *block)
{
    if (!test_blocks) {
        test_blocks = g_ptr_array_new_with_free_func(
            (GDestroyNotify)qmem_ram_block_free);
    }
    g_ptr_array_add(test_blocks, block);
    return block;
}

static QmemRamBlock *block_new(const char *name, guint64 size)
{
    GError *error = NULL;
    QmemRamBlock *block = qmem_ram_block_new_anon(name, size, 0, &error);

    g_assert_no_error(error);
    g_assert_nonnull(block);
    return block_keep(block);
}

/* A read-only file mapping: QEMU's rom=on file backend. */
static QmemRamBlock *block_new_readonly(const char *name, guint64 size)
{
    GError *error = NULL;
    QmemRamBlock *block;
    int fd = memfd_create(name, MFD_CLOEXEC);

    g_assert_cmpint(fd, >=, 0);
    g_assert_cmpint(ftruncate(fd, size), ==, 0);
    block = qmem_ram_block_new_from_fd(name, size, 0, fd, 0,
                                       QMEM_RAM_READONLY, &error);
    g_assert_no_error(error);
    return block_keep(block);
}

static void blocks_free(void)
{
    g_clear_pointer(&test_blocks, g_ptr_array_unref);
}

static QmemMemoryRegion *ram_new(const char *name, guint64 size)
{
    return qmem_memory_region_new_ram(name, block_new(name, size));
}

/* Weak pointers that must all be cleared by the end of a test. */
static GPtrArray *watched;

static QmemMemoryRegion *watch(QmemMemoryRegion *mr)
{
    gpointer *slot = g_new(gpointer, 1);

    *slot = mr;
    g_object_add_weak_pointer(G_OBJECT(mr), slot);
    if (!watched) {
        watched = g_ptr_array_new_with_free_func(g_free);
    }
    g_ptr_array_add(watched, slot);
    return mr;
}

static void assert_all_finalized(void)
{
    for (guint i = 0; watched && i < watched->len; i++) {
        gpointer *slot = g_ptr_array_index(watched, i);

        if (*slot) {
            g_error("region '%s' was not finalized",
                    qmem_memory_region_get_name(*slot));
        }
    }
    g_clear_pointer(&watched, g_ptr_array_unref);
    blocks_free();
}

static void append_section(GString *out, const QmemMemorySection *s)
{
    QmemRamBlock *block = qmem_memory_region_get_ram_block(s->mr);

    g_assert_true((guint8 *)s->host ==
                  (guint8 *)block->host + s->offset_within_region);
    g_string_append_printf(out, "%s@0x%" PRIx64 "+0x%" PRIx64 "/0x%" PRIx64
                           "%s;", qmem_memory_region_get_name(s->mr),
                           s->offset_within_address_space, s->size,
                           s->offset_within_region,
                           s->readonly ? " ro" : "");
}

static char *view_string(QmemAddressSpace *as)
{
    GString *out = g_string_new(NULL);
    const QmemMemorySection *s;
    guint n;

    s = qmem_address_space_get_sections(as, &n);
    for (guint i = 0; i < n; i++) {
        append_section(out, &s[i]);
    }
    return g_string_free(out, FALSE);
}

/* Flat views, table-driven: each case builds a root and names the view. */

typedef struct {
    const char *name;
    QmemMemoryRegion *(*build)(void);
    const char *view;
} FlatViewCase;

static QmemMemoryRegion *build_empty(void)
{
    return qmem_memory_region_new_container("root", 1 * GiB);
}

static QmemMemoryRegion *build_single(void)
{
    QmemMemoryRegion *root = qmem_memory_region_new_container("root", 1 * GiB);
    g_autoptr(QmemMemoryRegion) r = ram_new("r", 64 * KiB);

    qmem_memory_region_add_subregion(root, 0x1000, r);
    return root;
}

static QmemMemoryRegion *build_unsorted(void)
{
    QmemMemoryRegion *root = qmem_memory_region_new_container("root", 1 * GiB);
    g_autoptr(QmemMemoryRegion) a = ram_new("a", 64 * KiB);
    g_autoptr(QmemMemoryRegion) b = ram_new("b", 64 * KiB);
    g_autoptr(QmemMemoryRegion) c = ram_new("c", 64 * KiB);

    qmem_memory_region_add_subregion(root, 0x200000, c);
    qmem_memory_region_add_subregion(root, 0x0, a);
    qmem_memory_region_add_subregion(root, 0x10000, b);
    return root;
}

static QmemMemoryRegion *build_nested(void)
{
    QmemMemoryRegion *root = qmem_memory_region_new_container("root", 1 * GiB);
    g_autoptr(QmemMemoryRegion) c1 = qmem_memory_region_new_container("c1",
                                                                      MiB);
    g_autoptr(QmemMemoryRegion) c2 = qmem_memory_region_new_container("c2",
                                                                      MiB);
    g_autoptr(QmemMemoryRegion) r = ram_new("r", 64 * KiB);

    qmem_memory_region_add_subregion(c2, 0x2000, r);
    qmem_memory_region_add_subregion(c1, 0x30000, c2);
    qmem_memory_region_add_subregion(root, 0x100000, c1);
    return root;
}

/* A subregion reaching past its container's end is cut off there. */
static QmemMemoryRegion *build_clipped(void)
{
    QmemMemoryRegion *root = qmem_memory_region_new_container("root", 1 * GiB);
    g_autoptr(QmemMemoryRegion) c = qmem_memory_region_new_container("c",
                                                                     0x8000);
    g_autoptr(QmemMemoryRegion) r = ram_new("r", 64 * KiB);

    qmem_memory_region_add_subregion(c, 0x4000, r);
    qmem_memory_region_add_subregion(root, 0x100000, c);
    return root;
}

/* The root itself clips too. */
static QmemMemoryRegion *build_clipped_root(void)
{
    QmemMemoryRegion *root = qmem_memory_region_new_container("root", 0x18000);
    g_autoptr(QmemMemoryRegion) r = ram_new("r", 64 * KiB);

    qmem_memory_region_add_subregion(root, 0x10000, r);
    return root;
}

static QmemMemoryRegion *build_alias(void)
{
    QmemMemoryRegion *root = qmem_memory_region_new_container("root", 1 * GiB);
    g_autoptr(QmemMemoryRegion) r = ram_new("r", 64 * KiB);
    g_autoptr(QmemMemoryRegion) a =
        qmem_memory_region_new_alias("a", r, 0x4000, 0x8000);

    qmem_memory_region_add_subregion(root, 0x200000, a);
    return root;
}

/* Two windows onto one RAM region, as the PC's RAM below and above 4G. */
static QmemMemoryRegion *build_split(void)
{
    QmemMemoryRegion *root = qmem_memory_region_new_container("root",
                                                              G_MAXUINT64);
    g_autoptr(QmemMemoryRegion) r = ram_new("pc.ram", 64 * KiB);
    g_autoptr(QmemMemoryRegion) lo =
        qmem_memory_region_new_alias("lo", r, 0, 0x6000);
    g_autoptr(QmemMemoryRegion) hi =
        qmem_memory_region_new_alias("hi", r, 0x6000, 0xa000);

    qmem_memory_region_add_subregion(root, 0, lo);
    qmem_memory_region_add_subregion(root, 4 * GiB, hi);
    return root;
}

static QmemMemoryRegion *build_alias_of_container(void)
{
    QmemMemoryRegion *root = qmem_memory_region_new_container("root", 1 * GiB);
    g_autoptr(QmemMemoryRegion) c = qmem_memory_region_new_container("c",
                                                                     MiB);
    g_autoptr(QmemMemoryRegion) x = ram_new("x", 64 * KiB);
    g_autoptr(QmemMemoryRegion) y = ram_new("y", 64 * KiB);
    g_autoptr(QmemMemoryRegion) a = NULL;

    qmem_memory_region_add_subregion(c, 0x0, x);
    qmem_memory_region_add_subregion(c, 0x20000, y);
    /* [0x8000, 0x28000) of c: the end of x, a hole, the start of y */
    a = qmem_memory_region_new_alias("a", c, 0x8000, 0x20000);
    qmem_memory_region_add_subregion(root, 0x400000, a);
    return root;
}

static QmemMemoryRegion *build_alias_of_alias(void)
{
    QmemMemoryRegion *root = qmem_memory_region_new_container("root", 1 * GiB);
    g_autoptr(QmemMemoryRegion) r = ram_new("r", 64 * KiB);
    g_autoptr(QmemMemoryRegion) a1 =
        qmem_memory_region_new_alias("a1", r, 0x1000, 0xf000);
    g_autoptr(QmemMemoryRegion) a2 =
        qmem_memory_region_new_alias("a2", a1, 0x2000, 0x4000);

    qmem_memory_region_add_subregion(root, 0x10000, a2);
    return root;
}

/* An alias clipped by the container it sits in. */
static QmemMemoryRegion *build_alias_clipped(void)
{
    QmemMemoryRegion *root = qmem_memory_region_new_container("root", 1 * GiB);
    g_autoptr(QmemMemoryRegion) c = qmem_memory_region_new_container("c",
                                                                     0x3000);
    g_autoptr(QmemMemoryRegion) r = ram_new("r", 64 * KiB);
    g_autoptr(QmemMemoryRegion) a =
        qmem_memory_region_new_alias("a", r, 0x8000, 0x8000);

    qmem_memory_region_add_subregion(c, 0x1000, a);
    qmem_memory_region_add_subregion(root, 0x0, c);
    return root;
}

/* Regions shown twice: directly and through an alias. */
static QmemMemoryRegion *build_twice(void)
{
    QmemMemoryRegion *root = qmem_memory_region_new_container("root", 1 * GiB);
    g_autoptr(QmemMemoryRegion) r = ram_new("r", 64 * KiB);
    g_autoptr(QmemMemoryRegion) a =
        qmem_memory_region_new_alias("a", r, 0, 64 * KiB);

    qmem_memory_region_add_subregion(root, 0x0, r);
    qmem_memory_region_add_subregion(root, 0x100000, a);
    return root;
}

/* The last bytes of a 2^64 address space. */
static QmemMemoryRegion *build_top(void)
{
    QmemMemoryRegion *root = qmem_memory_region_new_container("root",
                                                              G_MAXUINT64);
    g_autoptr(QmemMemoryRegion) r = ram_new("r", 64 * KiB);

    qmem_memory_region_add_subregion(root, G_MAXUINT64 - 0xffff, r);
    return root;
}

/* Empty regions show nothing and overlap nothing. */
static QmemMemoryRegion *build_empty_sub(void)
{
    QmemMemoryRegion *root = qmem_memory_region_new_container("root", 1 * GiB);
    g_autoptr(QmemMemoryRegion) e = qmem_memory_region_new_container("e", 0);
    g_autoptr(QmemMemoryRegion) r = ram_new("r", 64 * KiB);

    qmem_memory_region_add_subregion(root, 0x1000, r);
    qmem_memory_region_add_subregion(root, 0x2000, e);
    return root;
}

static QmemMemoryRegion *build_readonly(void)
{
    QmemMemoryRegion *root = qmem_memory_region_new_container("root", 1 * GiB);
    g_autoptr(QmemMemoryRegion) rom =
        qmem_memory_region_new_ram("rom", block_new_readonly("rom", 8 * KiB));
    g_autoptr(QmemMemoryRegion) a =
        qmem_memory_region_new_alias("a", rom, 0x1000, 0x1000);

    qmem_memory_region_add_subregion(root, 0x0, rom);
    qmem_memory_region_add_subregion(root, 0x10000, a);
    return root;
}

/* The higher priority shows where siblings overlap, RAM and the window. */
static QmemMemoryRegion *build_priority(void)
{
    QmemMemoryRegion *root = qmem_memory_region_new_container("root", 1 * GiB);
    g_autoptr(QmemMemoryRegion) low = ram_new("low", 64 * KiB);
    g_autoptr(QmemMemoryRegion) high = ram_new("high", 16 * KiB);

    qmem_memory_region_add_subregion_overlap(root, 0x8000, high, 1);
    qmem_memory_region_add_subregion_overlap(root, 0x0, low, 0);
    return root;
}

/* Equal priorities: the region added last shows. */
static QmemMemoryRegion *build_priority_equal(void)
{
    QmemMemoryRegion *root = qmem_memory_region_new_container("root", 1 * GiB);
    g_autoptr(QmemMemoryRegion) a = ram_new("a", 64 * KiB);
    g_autoptr(QmemMemoryRegion) b = ram_new("b", 16 * KiB);
    g_autoptr(QmemMemoryRegion) c = ram_new("c", 16 * KiB);

    qmem_memory_region_add_subregion_overlap(root, 0x4000, b, 0);
    qmem_memory_region_add_subregion_overlap(root, 0x0, a, 0);
    qmem_memory_region_add_subregion_overlap(root, 0xc000, c, 0);
    return root;
}

/*
 * pc's layout: a window of all of the address space at priority -1 under
 * RAM, its BAR showing only where RAM does not; the priorities inside a
 * container rank only its own subregions.
 */
static QmemMemoryRegion *build_priority_window(void)
{
    QmemMemoryRegion *root = qmem_memory_region_new_container("root",
                                                              G_MAXUINT64);
    g_autoptr(QmemMemoryRegion) pci = qmem_memory_region_new_container(
        "pci", G_MAXUINT64);
    g_autoptr(QmemMemoryRegion) ram = ram_new("ram", 32 * KiB);
    g_autoptr(QmemMemoryRegion) bar = ram_new("bar", 64 * KiB);
    g_autoptr(QmemMemoryRegion) top = ram_new("top", 4 * KiB);

    qmem_memory_region_add_subregion(root, 0, ram);
    qmem_memory_region_add_subregion_overlap(root, 0, pci, -1);
    qmem_memory_region_add_subregion_overlap(pci, 0x4000, bar, 1);
    qmem_memory_region_add_subregion_overlap(pci, G_MAXUINT64 - 0xfff, top,
                                             1);
    return root;
}

/* A region of higher priority inside a lower one, over a neighbour. */
static QmemMemoryRegion *build_priority_nested(void)
{
    QmemMemoryRegion *root = qmem_memory_region_new_container("root", 1 * GiB);
    g_autoptr(QmemMemoryRegion) c = qmem_memory_region_new_container(
        "c", 0x10000);
    g_autoptr(QmemMemoryRegion) in = ram_new("in", 8 * KiB);
    g_autoptr(QmemMemoryRegion) r = ram_new("r", 64 * KiB);

    qmem_memory_region_add_subregion_overlap(c, 0x7000, in, 5);
    qmem_memory_region_add_subregion_overlap(root, 0x10000, c, -1);
    qmem_memory_region_add_subregion_overlap(root, 0x8000, r, 0);
    return root;
}

static const FlatViewCase flatview_cases[] = {
    { "empty", build_empty, "" },
    { "single", build_single, "r@0x1000+0x10000/0x0;" },
    { "unsorted", build_unsorted,
      "a@0x0+0x10000/0x0;b@0x10000+0x10000/0x0;c@0x200000+0x10000/0x0;" },
    { "nested", build_nested, "r@0x132000+0x10000/0x0;" },
    { "clipped", build_clipped, "r@0x104000+0x4000/0x0;" },
    { "clipped-root", build_clipped_root, "r@0x10000+0x8000/0x0;" },
    { "alias", build_alias, "r@0x200000+0x8000/0x4000;" },
    { "split", build_split,
      "pc.ram@0x0+0x6000/0x0;pc.ram@0x100000000+0xa000/0x6000;" },
    { "alias-of-container", build_alias_of_container,
      "x@0x400000+0x8000/0x8000;y@0x418000+0x8000/0x0;" },
    { "alias-of-alias", build_alias_of_alias, "r@0x10000+0x4000/0x3000;" },
    { "alias-clipped", build_alias_clipped, "r@0x1000+0x2000/0x8000;" },
    { "twice", build_twice, "r@0x0+0x10000/0x0;r@0x100000+0x10000/0x0;" },
    { "top", build_top, "r@0xffffffffffff0000+0x10000/0x0;" },
    { "empty-subregion", build_empty_sub, "r@0x1000+0x10000/0x0;" },
    { "readonly", build_readonly, "rom@0x0+0x2000/0x0 ro;"
                                  "rom@0x10000+0x1000/0x1000 ro;" },
    { "priority", build_priority,
      "low@0x0+0x8000/0x0;high@0x8000+0x4000/0x0;low@0xc000+0x4000/0xc000;" },
    { "priority-equal", build_priority_equal,
      "a@0x0+0xc000/0x0;c@0xc000+0x4000/0x0;" },
    { "priority-window", build_priority_window,
      "ram@0x0+0x8000/0x0;bar@0x8000+0xc000/0x4000;"
      "top@0xfffffffffffff000+0x1000/0x0;" },
    { "priority-nested", build_priority_nested,
      "r@0x8000+0x10000/0x0;in@0x18000+0x1000/0x1000;" },
};

static void test_flatview(gconstpointer opaque)
{
    const FlatViewCase *c = opaque;
    QmemMemoryRegion *root = watch(c->build());
    QmemAddressSpace *as = qmem_address_space_new("memory", root);
    g_autofree char *view = view_string(as);

    g_assert_cmpstr(view, ==, c->view);
    qmem_address_space_free(as);
    g_object_unref(root);
    assert_all_finalized();
}

/* Overlapping siblings are a programmer error. */

typedef struct {
    const char *name;
    guint64 offset;
    guint64 size;
    gboolean fits;
} OverlapCase;

/* Siblings: [0x10000, 0x20000) and [0x40000, 0x50000), empty at 0x30000. */
static const OverlapCase overlap_cases[] = {
    { "before", 0x0, 0x10000, TRUE },
    { "between", 0x20000, 0x20000, TRUE },
    { "after", 0x50000, 0x1000, TRUE },
    { "empty-inside", 0x18000, 0, TRUE },
    { "tail", 0x8000, 0x10000, FALSE },
    { "head", 0x1f000, 0x2000, FALSE },
    { "inside", 0x11000, 0x1000, FALSE },
    { "around", 0x0, 0x30000, FALSE },
    { "into-next", 0x30000, 0x10001, FALSE },
    { "same", 0x40000, 0x10000, FALSE },
    { "across-empty", 0x2f000, 0x12000, FALSE },
};

static void overlap_add(const OverlapCase *c)
{
    g_autoptr(QmemMemoryRegion) root =
        qmem_memory_region_new_container("root", 1 * GiB);
    g_autoptr(QmemMemoryRegion) a = qmem_memory_region_new_container("a",
                                                                     0x10000);
    g_autoptr(QmemMemoryRegion) b = qmem_memory_region_new_container("b",
                                                                     0x10000);
    g_autoptr(QmemMemoryRegion) e = qmem_memory_region_new_container("e", 0);
    g_autoptr(QmemMemoryRegion) n = qmem_memory_region_new_container("n",
                                                                     c->size);

    qmem_memory_region_add_subregion(root, 0x40000, b);
    qmem_memory_region_add_subregion(root, 0x10000, a);
    qmem_memory_region_add_subregion(root, 0x30000, e);
    qmem_memory_region_add_subregion(root, c->offset, n);
    g_assert_true(qmem_memory_region_is_mapped(n));
    qmem_memory_region_del_subregion(root, n);
    qmem_memory_region_del_subregion(root, a);
    qmem_memory_region_del_subregion(root, b);
    qmem_memory_region_del_subregion(root, e);
}

static void test_overlap(gconstpointer opaque)
{
    const OverlapCase *c = opaque;

    if (g_test_subprocess()) {
        overlap_add(c);
        return;
    }
    g_test_trap_subprocess(NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
    if (c->fits) {
        g_test_trap_assert_passed();
    } else {
        g_test_trap_assert_failed();
        g_test_trap_assert_stderr("*assertion failed: "
                                  "(subregion_fits(*");
    }
}

/*
 * Regions added with a priority overlap anything; one added without
 * overlaps them too, but still not its own kind.
 */
static void overlap_priority(void)
{
    QmemMemoryRegion *root = watch(qmem_memory_region_new_container("root",
                                                                    GiB));
    g_autoptr(QmemMemoryRegion) a = watch(
        qmem_memory_region_new_container("a", 0x10000));
    g_autoptr(QmemMemoryRegion) b = watch(
        qmem_memory_region_new_container("b", 0x10000));
    g_autoptr(QmemMemoryRegion) c = watch(
        qmem_memory_region_new_container("c", 0x10000));

    qmem_memory_region_add_subregion(root, 0x10000, a);
    qmem_memory_region_add_subregion_overlap(root, 0x18000, b, 1);
    qmem_memory_region_add_subregion(root, 0x20000, c);
    g_assert_true(qmem_memory_region_is_mapped(b));
    g_assert_true(qmem_memory_region_is_mapped(c));
    qmem_memory_region_del_subregion(root, b);
    qmem_memory_region_del_subregion(root, c);
    qmem_memory_region_del_subregion(root, a);
    g_object_unref(root);
}

static void test_overlap_priority(void)
{
    overlap_priority();
    assert_all_finalized();
}

/* Cycles and double mappings are refused, and nothing changes. */
static void test_add_misuse(void)
{
    QmemMemoryRegion *outer = watch(qmem_memory_region_new_container("o",
                                                                     GiB));
    QmemMemoryRegion *inner = watch(qmem_memory_region_new_container("i",
                                                                     MiB));
    QmemMemoryRegion *other = watch(qmem_memory_region_new_container("x",
                                                                     GiB));
    QmemMemoryRegion *r = watch(ram_new("r", 64 * KiB));

    qmem_memory_region_add_subregion(outer, 0, inner);
    qmem_memory_region_add_subregion(inner, 0, r);

    g_test_expect_message(G_LOG_DOMAIN, G_LOG_LEVEL_CRITICAL,
                          "*!region_is_within(container, sub)*");
    qmem_memory_region_add_subregion(outer, MiB, outer);
    g_test_assert_expected_messages();
    g_test_expect_message(G_LOG_DOMAIN, G_LOG_LEVEL_CRITICAL,
                          "*!region_is_within(container, sub)*");
    qmem_memory_region_add_subregion(inner, MiB, outer);
    g_test_assert_expected_messages();
    g_test_expect_message(G_LOG_DOMAIN, G_LOG_LEVEL_CRITICAL,
                          "*sub->container == NULL*");
    qmem_memory_region_add_subregion(other, 0, r);
    g_test_assert_expected_messages();
    g_test_expect_message(G_LOG_DOMAIN, G_LOG_LEVEL_CRITICAL,
                          "*sub->container == container*");
    qmem_memory_region_del_subregion(other, r);
    g_test_assert_expected_messages();
    g_test_expect_message(G_LOG_DOMAIN, G_LOG_LEVEL_CRITICAL,
                          "*container->kind == MR_CONTAINER*");
    qmem_memory_region_add_subregion(r, 0, other);
    g_test_assert_expected_messages();

    g_assert_false(qmem_memory_region_is_mapped(outer));
    g_assert_false(qmem_memory_region_is_mapped(other));
    g_assert_cmpuint(qmem_memory_region_get_offset(r), ==, 0);
    g_object_unref(outer);
    g_object_unref(inner);
    g_object_unref(other);
    g_object_unref(r);
    assert_all_finalized();
}

/* Region accessors and life cycle */

static void test_region_props(void)
{
    QmemRamBlock *block = block_new("r", 64 * KiB);
    QmemMemoryRegion *r = watch(qmem_memory_region_new_ram("r", block));
    QmemMemoryRegion *a = watch(qmem_memory_region_new_alias("a", r, 0x1000,
                                                             0x2000));
    QmemMemoryRegion *aa = watch(qmem_memory_region_new_alias("aa", a, 0,
                                                              0x1000));
    QmemMemoryRegion *c = watch(qmem_memory_region_new_container("c", GiB));
    QmemMemoryRegion *all = watch(qmem_memory_region_new_container(
                                      "all", G_MAXUINT64));
    QmemMemoryRegion *ac = watch(qmem_memory_region_new_alias("ac", c, 0,
                                                              MiB));

    g_assert_cmpstr(qmem_memory_region_get_name(r), ==, "r");
    g_assert_cmpuint(qmem_memory_region_size(r), ==, 64 * KiB);
    g_assert_cmpuint(qmem_memory_region_size(a), ==, 0x2000);
    g_assert_cmpuint(qmem_memory_region_size(c), ==, GiB);
    g_assert_cmpuint(qmem_memory_region_size(all), ==, G_MAXUINT64);

    g_assert_true(qmem_memory_region_is_ram(r));
    g_assert_true(qmem_memory_region_is_ram(a));
    g_assert_true(qmem_memory_region_is_ram(aa));
    g_assert_false(qmem_memory_region_is_ram(c));
    g_assert_false(qmem_memory_region_is_ram(ac));
    g_assert_true(qmem_memory_region_get_ram_block(aa) == block);
    g_assert_null(qmem_memory_region_get_ram_block(ac));

    g_assert_cmpuint(qmem_memory_region_get_alignment(r), ==, block->align);
    g_assert_cmpuint(block->align, ==, 2 * MiB);
    g_assert_cmpuint(qmem_memory_region_get_alignment(c), ==, 0);
    qmem_memory_region_set_alignment(c, GiB);
    g_assert_cmpuint(qmem_memory_region_get_alignment(c), ==, GiB);
    qmem_memory_region_set_unmergeable(a, TRUE);

    g_assert_false(qmem_memory_region_is_mapped(a));
    g_assert_cmpuint(qmem_memory_region_get_offset(a), ==, 0);
    qmem_memory_region_add_subregion(c, 0x5000, a);
    g_assert_true(qmem_memory_region_is_mapped(a));
    g_assert_cmpuint(qmem_memory_region_get_offset(a), ==, 0x5000);
    qmem_memory_region_del_subregion(c, a);
    g_assert_false(qmem_memory_region_is_mapped(a));
    g_assert_cmpuint(qmem_memory_region_get_offset(a), ==, 0);

    /* Containers and aliases keep what they show alive. */
    qmem_memory_region_add_subregion(c, 0, a);
    g_object_unref(r);
    g_object_unref(a);
    g_object_unref(aa);
    g_assert_nonnull(*(gpointer *)g_ptr_array_index(watched, 0));
    g_assert_nonnull(*(gpointer *)g_ptr_array_index(watched, 1));
    g_assert_null(*(gpointer *)g_ptr_array_index(watched, 2));
    g_object_unref(ac);
    g_object_unref(all);
    g_object_unref(c);
    assert_all_finalized();
}

/* A container that goes away leaves its subregions unmapped. */
static void test_region_container_gone(void)
{
    QmemMemoryRegion *c = watch(qmem_memory_region_new_container("c", GiB));
    QmemMemoryRegion *r = watch(ram_new("r", 64 * KiB));

    qmem_memory_region_add_subregion(c, 0x10000, r);
    g_object_unref(c);
    g_assert_false(qmem_memory_region_is_mapped(r));
    g_assert_cmpuint(qmem_memory_region_get_offset(r), ==, 0);
    g_object_unref(r);
    assert_all_finalized();
}

/* Listeners */

typedef struct {
    QmemMemoryListener listener;
    const char *tag;
    GString *log;           /* shared by listeners whose order matters */
} TestListener;

static void log_section(TestListener *tl, const char *what,
                        const QmemMemorySection *s)
{
    if (tl->tag) {
        g_string_append_printf(tl->log, "%s:", tl->tag);
    }
    g_string_append_printf(tl->log, "%s ", what);
    append_section(tl->log, s);
}

static void tl_region_add(QmemMemoryListener *l, const QmemMemorySection *s)
{
    log_section((TestListener *)l, "add", s);
}

static void tl_region_del(QmemMemoryListener *l, const QmemMemorySection *s)
{
    log_section((TestListener *)l, "del", s);
}

static void tl_commit(QmemMemoryListener *l)
{
    TestListener *tl = (TestListener *)l;

    if (tl->tag) {
        g_string_append_printf(tl->log, "%s:", tl->tag);
    }
    g_string_append(tl->log, "commit;");
}

static void tl_init(TestListener *tl, const char *tag, int priority,
                    GString *log)
{
    *tl = (TestListener) {
        .listener = {
            .region_add = tl_region_add,
            .region_del = tl_region_del,
            .commit = tl_commit,
            .priority = priority,
            .name = tag,
        },
        .tag = tag,
        .log = log,
    };
}

static void assert_log(GString *log, const char *expected)
{
    g_assert_cmpstr(log->str, ==, expected);
    g_string_truncate(log, 0);
}

typedef struct {
    QmemMemoryRegion *root;
    QmemAddressSpace *as;
    GString *log;
    TestListener tl;
    QmemMemoryRegion *r1, *r2;
} ListenerFixture;

static void listener_setup(ListenerFixture *f, gconstpointer data)
{
    f->root = watch(qmem_memory_region_new_container("root", G_MAXUINT64));
    f->as = qmem_address_space_new("memory", f->root);
    f->log = g_string_new(NULL);
    f->r1 = watch(ram_new("r1", 64 * KiB));
    f->r2 = watch(ram_new("r2", 64 * KiB));
    tl_init(&f->tl, NULL, 0, f->log);
    qmem_memory_listener_register(&f->tl.listener, f->as);
    assert_log(f->log, "commit;");
}

static void listener_teardown(ListenerFixture *f, gconstpointer data)
{
    if (f->tl.listener.as) {
        qmem_memory_listener_unregister(&f->tl.listener);
    }
    qmem_address_space_free(f->as);
    g_object_unref(f->root);
    g_object_unref(f->r1);
    g_object_unref(f->r2);
    g_string_free(f->log, TRUE);
    assert_all_finalized();
}

static void test_listener_immediate(ListenerFixture *f, gconstpointer data)
{
    qmem_memory_region_add_subregion(f->root, 0x100000, f->r1);
    assert_log(f->log, "add r1@0x100000+0x10000/0x0;commit;");
    qmem_memory_region_add_subregion(f->root, 0x0, f->r2);
    assert_log(f->log, "add r2@0x0+0x10000/0x0;commit;");
    qmem_memory_region_del_subregion(f->root, f->r1);
    assert_log(f->log, "del r1@0x100000+0x10000/0x0;commit;");
    qmem_memory_region_del_subregion(f->root, f->r2);
    assert_log(f->log, "del r2@0x0+0x10000/0x0;commit;");
}

static void test_listener_transaction(ListenerFixture *f, gconstpointer data)
{
    qmem_memory_region_transaction_begin();
    qmem_memory_region_add_subregion(f->root, 0x100000, f->r1);
    qmem_memory_region_add_subregion(f->root, 0x0, f->r2);
    assert_log(f->log, "");
    /* The view changes at the commit, not before. */
    g_assert_null(qmem_address_space_lookup(f->as, 0x100000));
    qmem_memory_region_transaction_commit();
    assert_log(f->log, "add r2@0x0+0x10000/0x0;"
                       "add r1@0x100000+0x10000/0x0;commit;");
    g_assert_nonnull(qmem_address_space_lookup(f->as, 0x100000));

    /* Moving a region: the old place goes before the new one comes. */
    qmem_memory_region_transaction_begin();
    qmem_memory_region_del_subregion(f->root, f->r1);
    qmem_memory_region_add_subregion(f->root, 0x10000, f->r1);
    qmem_memory_region_transaction_commit();
    assert_log(f->log, "del r1@0x100000+0x10000/0x0;"
                       "add r1@0x10000+0x10000/0x0;commit;");

    /* Out and back in at the same place: nothing changed. */
    qmem_memory_region_transaction_begin();
    qmem_memory_region_del_subregion(f->root, f->r2);
    qmem_memory_region_add_subregion(f->root, 0x0, f->r2);
    qmem_memory_region_transaction_commit();
    assert_log(f->log, "commit;");

    /* A transaction without changes calls nobody. */
    qmem_memory_region_transaction_begin();
    qmem_memory_region_transaction_commit();
    assert_log(f->log, "");

    qmem_memory_region_transaction_begin();
    qmem_memory_region_del_subregion(f->root, f->r1);
    qmem_memory_region_del_subregion(f->root, f->r2);
    qmem_memory_region_transaction_commit();
    assert_log(f->log, "del r2@0x0+0x10000/0x0;"
                       "del r1@0x10000+0x10000/0x0;commit;");
}

static void test_listener_nested(ListenerFixture *f, gconstpointer data)
{
    qmem_memory_region_transaction_begin();
    qmem_memory_region_add_subregion(f->root, 0x0, f->r1);
    qmem_memory_region_transaction_begin();
    qmem_memory_region_add_subregion(f->root, 0x10000, f->r2);
    qmem_memory_region_transaction_commit();
    assert_log(f->log, "");
    qmem_memory_region_del_subregion(f->root, f->r1);
    qmem_memory_region_transaction_commit();
    assert_log(f->log, "add r2@0x10000+0x10000/0x0;commit;");

    qmem_memory_region_del_subregion(f->root, f->r2);
    assert_log(f->log, "del r2@0x10000+0x10000/0x0;commit;");
}

/* A change deep in the tree reaches the listeners of the root. */
static void test_listener_deep(ListenerFixture *f, gconstpointer data)
{
    g_autoptr(QmemMemoryRegion) c = watch(
        qmem_memory_region_new_container("c", GiB));
    g_autoptr(QmemMemoryRegion) a = watch(
        qmem_memory_region_new_alias("a", c, 0x1000, 0x20000));

    qmem_memory_region_add_subregion(f->root, 4 * GiB, a);
    assert_log(f->log, "commit;");
    qmem_memory_region_add_subregion(c, 0x0, f->r1);
    assert_log(f->log, "add r1@0x100000000+0xf000/0x1000;commit;");
    qmem_memory_region_add_subregion(c, 0x18000, f->r2);
    assert_log(f->log, "add r2@0x100017000+0x9000/0x0;commit;");
    qmem_memory_region_del_subregion(c, f->r1);
    assert_log(f->log, "del r1@0x100000000+0xf000/0x1000;commit;");
    qmem_memory_region_del_subregion(f->root, a);
    assert_log(f->log, "del r2@0x100017000+0x9000/0x0;commit;");
    qmem_memory_region_del_subregion(c, f->r2);
    assert_log(f->log, "commit;");
}

static void test_listener_replay(ListenerFixture *f, gconstpointer data)
{
    TestListener late;

    qmem_memory_region_add_subregion(f->root, 0x100000, f->r1);
    qmem_memory_region_add_subregion(f->root, 0x0, f->r2);
    g_string_truncate(f->log, 0);

    tl_init(&late, NULL, 0, f->log);
    qmem_memory_listener_register(&late.listener, f->as);
    assert_log(f->log, "add r2@0x0+0x10000/0x0;"
                       "add r1@0x100000+0x10000/0x0;commit;");
    qmem_memory_listener_unregister(&late.listener);
    assert_log(f->log, "del r2@0x0+0x10000/0x0;"
                       "del r1@0x100000+0x10000/0x0;commit;");
    g_assert_null(late.listener.as);

    /* Registered inside a transaction: it sees the view before it. */
    qmem_memory_region_transaction_begin();
    qmem_memory_region_del_subregion(f->root, f->r1);
    qmem_memory_listener_register(&late.listener, f->as);
    assert_log(f->log, "add r2@0x0+0x10000/0x0;"
                       "add r1@0x100000+0x10000/0x0;commit;");
    qmem_memory_region_transaction_commit();
    assert_log(f->log, "del r1@0x100000+0x10000/0x0;"
                       "del r1@0x100000+0x10000/0x0;commit;commit;");
    qmem_memory_listener_unregister(&late.listener);
    assert_log(f->log, "del r2@0x0+0x10000/0x0;commit;");
    qmem_memory_region_del_subregion(f->root, f->r2);
    assert_log(f->log, "del r2@0x0+0x10000/0x0;commit;");
}

/* Listeners of other address spaces hear only commit. */
static void test_listener_other_as(ListenerFixture *f, gconstpointer data)
{
    g_autoptr(QmemMemoryRegion) io = watch(
        qmem_memory_region_new_container("io", 0x10000));
    QmemAddressSpace *io_as = qmem_address_space_new("I/O", io);
    g_autoptr(GString) io_log = g_string_new(NULL);
    TestListener io_tl;

    tl_init(&io_tl, NULL, 0, io_log);
    qmem_memory_listener_register(&io_tl.listener, io_as);
    assert_log(io_log, "commit;");
    qmem_memory_region_add_subregion(f->root, 0x0, f->r1);
    assert_log(f->log, "add r1@0x0+0x10000/0x0;commit;");
    assert_log(io_log, "commit;");
    qmem_memory_region_del_subregion(f->root, f->r1);
    assert_log(f->log, "del r1@0x0+0x10000/0x0;commit;");
    assert_log(io_log, "commit;");
    qmem_memory_listener_unregister(&io_tl.listener);
    qmem_address_space_free(io_as);
}

static void test_listener_priority(ListenerFixture *f, gconstpointer data)
{
    TestListener a, b, c;

    qmem_memory_listener_unregister(&f->tl.listener);
    g_string_truncate(f->log, 0);

    tl_init(&a, "a", 10, f->log);
    tl_init(&b, "b", 0, f->log);
    tl_init(&c, "c", 10, f->log);
    qmem_memory_listener_register(&a.listener, f->as);
    qmem_memory_listener_register(&b.listener, f->as);
    qmem_memory_listener_register(&c.listener, f->as);
    assert_log(f->log, "a:commit;b:commit;c:commit;");

    /* Additions in priority order, equal ones as registered ... */
    qmem_memory_region_add_subregion(f->root, 0x0, f->r1);
    assert_log(f->log, "b:add r1@0x0+0x10000/0x0;a:add r1@0x0+0x10000/0x0;"
                       "c:add r1@0x0+0x10000/0x0;"
                       "b:commit;a:commit;c:commit;");
    /* ... removals the other way round. */
    qmem_memory_region_del_subregion(f->root, f->r1);
    assert_log(f->log, "c:del r1@0x0+0x10000/0x0;a:del r1@0x0+0x10000/0x0;"
                       "b:del r1@0x0+0x10000/0x0;"
                       "b:commit;a:commit;c:commit;");

    qmem_memory_listener_unregister(&a.listener);
    qmem_memory_listener_unregister(&b.listener);
    qmem_memory_listener_unregister(&c.listener);
    assert_log(f->log, "a:commit;b:commit;c:commit;");
}

/*
 * A region dropped by its owner inside a transaction lives until the
 * listeners have been told it went away.
 */
typedef struct {
    QmemMemoryListener listener;
    char *last_del;
} NameListener;

static void nl_region_del(QmemMemoryListener *l, const QmemMemorySection *s)
{
    NameListener *nl = (NameListener *)l;

    g_free(nl->last_del);
    nl->last_del = g_strdup(qmem_memory_region_get_name(s->mr));
}

static void test_listener_region_lifetime(ListenerFixture *f,
                                          gconstpointer data)
{
    NameListener nl = { .listener = { .region_del = nl_region_del } };
    QmemMemoryRegion *gone = watch(ram_new("gone", 64 * KiB));
    gpointer weak = gone;

    g_object_add_weak_pointer(G_OBJECT(gone), &weak);
    qmem_memory_listener_register(&nl.listener, f->as);
    qmem_memory_region_add_subregion(f->root, 0x0, gone);
    g_object_unref(gone);

    qmem_memory_region_transaction_begin();
    qmem_memory_region_del_subregion(f->root, gone);
    g_assert_nonnull(weak);
    qmem_memory_region_transaction_commit();
    g_assert_null(weak);
    g_assert_cmpstr(nl.last_del, ==, "gone");
    qmem_memory_listener_unregister(&nl.listener);
    g_free(nl.last_del);
    g_string_truncate(f->log, 0);
}

/* A listener with no callbacks at all is fine. */
static void test_listener_empty(ListenerFixture *f, gconstpointer data)
{
    QmemMemoryListener empty = { .priority = 5 };

    qmem_memory_region_add_subregion(f->root, 0x0, f->r1);
    qmem_memory_listener_register(&empty, f->as);
    qmem_memory_region_del_subregion(f->root, f->r1);
    qmem_memory_listener_unregister(&empty);
    assert_log(f->log, "add r1@0x0+0x10000/0x0;commit;"
                       "del r1@0x0+0x10000/0x0;commit;");
}

/* Many regions, as 64 DIMMs or 256 virtio-mem memslot aliases. */
static void test_listener_many(ListenerFixture *f, gconstpointer data)
{
    g_autoptr(QmemMemoryRegion) big = watch(ram_new("big", 256 * MiB));
    QmemMemoryRegion *aliases[256];
    const QmemMemorySection *s;
    guint n;

    /* Every other one first, then the gaps, so inserts land in between. */
    for (guint pass = 0; pass < 2; pass++) {
        for (guint i = pass; i < G_N_ELEMENTS(aliases); i += 2) {
            g_autofree char *name = g_strdup_printf("memslot-%u", i);

            aliases[i] = qmem_memory_region_new_alias(name, big, i * MiB,
                                                      MiB);
            qmem_memory_region_add_subregion(f->root, 4 * GiB + i * MiB,
                                             aliases[i]);
        }
    }
    s = qmem_address_space_get_sections(f->as, &n);
    g_assert_cmpuint(n, ==, 256);
    for (guint i = 0; i < n; i++) {
        g_assert_cmpuint(s[i].offset_within_address_space, ==,
                         4 * GiB + i * MiB);
        g_assert_cmpuint(s[i].offset_within_region, ==, i * MiB);
        g_assert_cmpuint(s[i].size, ==, MiB);
    }
    for (guint i = 0; i < G_N_ELEMENTS(aliases); i++) {
        g_assert_true(qmem_address_space_lookup(f->as, 4 * GiB + i * MiB +
                                                12345) == &s[i]);
    }
    qmem_memory_region_transaction_begin();
    for (guint i = 0; i < G_N_ELEMENTS(aliases); i++) {
        qmem_memory_region_del_subregion(f->root, aliases[i]);
        g_object_unref(aliases[i]);
    }
    qmem_memory_region_transaction_commit();
    qmem_address_space_get_sections(f->as, &n);
    g_assert_cmpuint(n, ==, 0);
    g_string_truncate(f->log, 0);
}

/* Access through the flat view */

typedef struct {
    QmemMemoryRegion *root;
    QmemAddressSpace *as;
    QmemRamBlock *b1, *b2, *b3;
} RwFixture;

/* r1 [0, 64K), r3 [64K, 128K), hole, r2 [1M, 1M + 64K), rom at 2M. */
static void rw_setup(RwFixture *f, gconstpointer data)
{
    g_autoptr(QmemMemoryRegion) r1 = NULL;
    g_autoptr(QmemMemoryRegion) r2 = NULL;
    g_autoptr(QmemMemoryRegion) r3 = NULL;
    g_autoptr(QmemMemoryRegion) rom = NULL;

    f->root = watch(qmem_memory_region_new_container("root", G_MAXUINT64));
    f->b1 = block_new("r1", 64 * KiB);
    f->b2 = block_new("r2", 64 * KiB);
    f->b3 = block_new("r3", 64 * KiB);
    r1 = watch(qmem_memory_region_new_ram("r1", f->b1));
    r2 = watch(qmem_memory_region_new_ram("r2", f->b2));
    r3 = watch(qmem_memory_region_new_ram("r3", f->b3));
    rom = watch(qmem_memory_region_new_ram("rom",
                                           block_new_readonly("rom", 4 * KiB)));
    qmem_memory_region_add_subregion(f->root, 0x0, r1);
    qmem_memory_region_add_subregion(f->root, 0x10000, r3);
    qmem_memory_region_add_subregion(f->root, 0x100000, r2);
    qmem_memory_region_add_subregion(f->root, 0x200000, rom);
    f->as = qmem_address_space_new("memory", f->root);
}

static void rw_teardown(RwFixture *f, gconstpointer data)
{
    qmem_address_space_free(f->as);
    g_object_unref(f->root);
    assert_all_finalized();
}

static void test_rw_within(RwFixture *f, gconstpointer data)
{
    guint8 buf[16], out[16];

    for (guint i = 0; i < sizeof(buf); i++) {
        buf[i] = i + 1;
    }
    g_assert_true(qmem_address_space_rw(f->as, 0x100010, buf, sizeof(buf),
                                        TRUE));
    g_assert_cmpmem((guint8 *)f->b2->host + 0x10, 16, buf, 16);
    g_assert_true(qmem_address_space_rw(f->as, 0x100010, out, sizeof(out),
                                        FALSE));
    g_assert_cmpmem(out, 16, buf, 16);
    g_assert_true(qmem_address_space_rw(f->as, 0x0, out, 0, FALSE));
}

/* Adjacent sections of different regions read as one range. */
static void test_rw_adjacent(RwFixture *f, gconstpointer data)
{
    guint8 buf[8] = { 1, 2, 3, 4, 5, 6, 7, 8 }, out[8];

    g_assert_true(qmem_address_space_rw(f->as, 0xfffc, buf, 8, TRUE));
    g_assert_cmpmem((guint8 *)f->b1->host + 0xfffc, 4, buf, 4);
    g_assert_cmpmem(f->b3->host, 4, buf + 4, 4);
    g_assert_true(qmem_address_space_rw(f->as, 0xfffc, out, 8, FALSE));
    g_assert_cmpmem(out, 8, buf, 8);
}

static void test_rw_hole(RwFixture *f, gconstpointer data)
{
    g_autofree guint8 *buf = g_malloc(0x100000);
    g_autofree guint8 *out = g_malloc(0x100000);
    gsize len = 0x100000 - 0x20000 + 8;

    /* From the end of r3 through the hole into r2. */
    memset(buf, 0xa5, len);
    g_assert_false(qmem_address_space_rw(f->as, 0x1fffc, buf, len, TRUE));
    g_assert_cmpuint(((guint8 *)f->b3->host)[0xfffc], ==, 0xa5);
    g_assert_cmpuint(((guint8 *)f->b2->host)[3], ==, 0xa5);
    g_assert_cmpuint(((guint8 *)f->b2->host)[4], ==, 0);

    memset(out, 0, len);
    g_assert_false(qmem_address_space_rw(f->as, 0x1fffc, out, len, FALSE));
    g_assert_cmpuint(out[0], ==, 0xa5);
    g_assert_cmpuint(out[3], ==, 0xa5);
    for (gsize i = 4; i < len - 4; i++) {
        if (out[i] != 0) {
            g_error("byte %zu of the hole reads 0x%x", i, out[i]);
        }
    }
    g_assert_cmpuint(out[len - 4], ==, 0xa5);
    g_assert_cmpuint(out[len - 1], ==, 0xa5);

    /* Past the last section, and across the end of the address space. */
    g_assert_false(qmem_address_space_rw(f->as, 0x300000, out, 4, FALSE));
    g_assert_cmpmem(out, 4, "\0\0\0\0", 4);
    ((guint8 *)f->b1->host)[0] = 0x11;
    g_assert_false(qmem_address_space_rw(f->as, G_MAXUINT64 - 1, out, 4,
                                         FALSE));
    g_assert_cmpmem(out, 4, "\0\0\x11\0", 4);
    g_assert_false(qmem_address_space_rw(f->as, G_MAXUINT64 - 1, buf, 4,
                                         TRUE));
}

static void test_rw_readonly(RwFixture *f, gconstpointer data)
{
    guint8 buf[4] = { 1, 2, 3, 4 }, out[4];

    g_assert_false(qmem_address_space_rw(f->as, 0x200000, buf, 4, TRUE));
    g_assert_true(qmem_address_space_rw(f->as, 0x200000, out, 4, FALSE));
    g_assert_cmpmem(out, 4, "\0\0\0\0", 4);
}

static void test_rw_lookup(RwFixture *f, gconstpointer data)
{
    static const struct {
        guint64 addr;
        const char *name;
    } cases[] = {
        { 0x0, "r1" }, { 0xffff, "r1" }, { 0x10000, "r3" },
        { 0x1ffff, "r3" }, { 0x20000, NULL }, { 0xfffff, NULL },
        { 0x100000, "r2" }, { 0x10ffff, "r2" }, { 0x110000, NULL },
        { 0x200fff, "rom" }, { 0x201000, NULL }, { G_MAXUINT64, NULL },
    };

    for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
        const QmemMemorySection *s = qmem_address_space_lookup(f->as,
                                                               cases[i].addr);

        g_assert_cmpstr(s ? qmem_memory_region_get_name(s->mr) : NULL, ==,
                        cases[i].name);
    }
}

/* I/O regions */

/* A device that logs its accesses and answers with its address. */
typedef struct {
    GString *log;
} IoDev;

static guint64 io_read(gpointer opaque, guint64 addr, guint size)
{
    IoDev *d = opaque;

    g_string_append_printf(d->log, "r%u@%" PRIx64 ";", size, addr);
    return G_GUINT64_CONSTANT(0x1122334455667788) + addr;
}

static void io_write(gpointer opaque, guint64 addr, guint64 value,
                     guint size)
{
    IoDev *d = opaque;

    g_string_append_printf(d->log, "w%u@%" PRIx64 "=%" PRIx64 ";", size,
                           addr, value);
}

/* Accepts 1 to 8 bytes, implements 4 and 8 only. */
static const QmemMemoryRegionOps io_ops_wide = {
    .read = io_read,
    .write = io_write,
    .valid = { .min_access_size = 1, .max_access_size = 8 },
    .impl = { .min_access_size = 4, .max_access_size = 8 },
};

/* Accepts and implements 4 bytes, aligned. */
static const QmemMemoryRegionOps io_ops_dword = {
    .read = io_read,
    .write = io_write,
    .valid = { .min_access_size = 4, .max_access_size = 4 },
};

/* QEMU's defaults: valid and implemented 1 to 4 bytes. */
static const QmemMemoryRegionOps io_ops_default = {
    .read = io_read,
    .write = io_write,
};

typedef struct {
    QmemMemoryRegion *root;
    QmemAddressSpace *as;
    IoDev dev;
    QmemRamBlock *ram;
} IoFixture;

/*
 * An I/O space: a root that answers unassigned ports with all-ones (as
 * QEMU's system_io), "wide" at 0x100, "dword" at 0x200, RAM at 0x1000, and
 * "default" seen through an alias at 0x300.
 */
static guint64 unassigned_io_read(gpointer opaque, guint64 addr, guint size)
{
    return G_MAXUINT64;
}

static const QmemMemoryRegionOps unassigned_io_ops = {
    .read = unassigned_io_read,
};

static void io_setup(IoFixture *f, gconstpointer data)
{
    g_autoptr(QmemMemoryRegion) wide = NULL;
    g_autoptr(QmemMemoryRegion) dword = NULL;
    g_autoptr(QmemMemoryRegion) dflt = NULL;
    g_autoptr(QmemMemoryRegion) alias = NULL;
    g_autoptr(QmemMemoryRegion) ram = NULL;

    f->dev.log = g_string_new(NULL);
    f->root = watch(qmem_memory_region_new_io("io", 0x10000,
                                              &unassigned_io_ops, NULL));
    wide = watch(qmem_memory_region_new_io("wide", 0x10, &io_ops_wide,
                                           &f->dev));
    dword = watch(qmem_memory_region_new_io("dword", 0x10, &io_ops_dword,
                                            &f->dev));
    dflt = watch(qmem_memory_region_new_io("default", 0x40, &io_ops_default,
                                           &f->dev));
    alias = watch(qmem_memory_region_new_alias("default-alias", dflt, 0x20,
                                               0x10));
    f->ram = block_new("ram", 4 * KiB);
    ram = watch(qmem_memory_region_new_ram("ram", f->ram));
    qmem_memory_region_add_subregion(f->root, 0x100, wide);
    qmem_memory_region_add_subregion(f->root, 0x200, dword);
    qmem_memory_region_add_subregion(f->root, 0x300, alias);
    qmem_memory_region_add_subregion(f->root, 0x1000, ram);
    f->as = qmem_address_space_new("I/O", f->root);
}

static void io_teardown(IoFixture *f, gconstpointer data)
{
    qmem_address_space_free(f->as);
    g_object_unref(f->root);
    g_string_free(f->dev.log, TRUE);
    assert_all_finalized();
}

static guint64 io_rw(IoFixture *f, guint64 addr, guint size,
                     guint64 value, gboolean is_write, gboolean expect_ok)
{
    guint8 buf[16] = { 0 };

    g_assert_cmpuint(size, <=, 8);
    for (guint i = 0; is_write && i < size; i++) {
        buf[i] = value >> (8 * i);
    }
    g_assert_cmpint(qmem_address_space_rw(f->as, addr, buf, size, is_write),
                    ==, expect_ok);
    value = 0;
    for (guint i = 0; i < size; i++) {
        value |= (guint64)buf[i] << (8 * i);
    }
    return value;
}

static void assert_io_log(IoFixture *f, const char *expected)
{
    g_assert_cmpstr(f->dev.log->str, ==, expected);
    g_string_truncate(f->dev.log, 0);
}

/* Each access size reaches the callbacks as the region implements it. */
static void test_io_sizes(IoFixture *f, gconstpointer data)
{
    g_assert_cmphex(io_rw(f, 0x108, 8, 0, FALSE, TRUE), ==,
                    0x1122334455667790);
    assert_io_log(f, "r8@8;");
    /* Narrower than implemented: widened, the caller keeps its bytes. */
    g_assert_cmphex(io_rw(f, 0x104, 2, 0, FALSE, TRUE), ==, 0x778c);
    assert_io_log(f, "r4@4;");
    io_rw(f, 0x100, 1, 0xab, TRUE, TRUE);
    assert_io_log(f, "w4@0=ab;");
    /* The defaults split an 8-byte access into two 4-byte ones. */
    g_assert_cmphex(io_rw(f, 0x300, 8, 0, FALSE, TRUE), ==,
                    0x556677ac556677a8);
    assert_io_log(f, "r4@20;r4@24;");
    io_rw(f, 0x302, 2, 0xbeef, TRUE, TRUE);
    assert_io_log(f, "w2@22=beef;");
}

/* What the device does not accept never reaches it. */
static void test_io_invalid(IoFixture *f, gconstpointer data)
{
    g_assert_cmphex(io_rw(f, 0x200, 2, 0, FALSE, FALSE), ==, 0);
    g_assert_cmphex(io_rw(f, 0x202, 4, 0, FALSE, FALSE), ==, 0);
    io_rw(f, 0x201, 1, 0x5a, TRUE, FALSE);
    assert_io_log(f, "");
}

/* Unassigned ports read all-ones through the root's ops; RAM is RAM. */
static void test_io_background(IoFixture *f, gconstpointer data)
{
    g_assert_cmphex(io_rw(f, 0x80, 4, 0, FALSE, TRUE), ==, 0xffffffff);
    g_assert_cmphex(io_rw(f, 0xfffe, 2, 0, FALSE, TRUE), ==, 0xffff);
    io_rw(f, 0x1000, 4, 0xcafe, TRUE, TRUE);
    g_assert_cmphex(*(guint32 *)f->ram->host, ==, 0xcafe);
    assert_io_log(f, "");
}

/*
 * An access is not cut where the region ends: QEMU hands an I/O region
 * the whole access its ops allow from where it starts, even past its end
 * (fw_cfg's two-port region refuses a 4-byte read as one access).
 */
static void test_io_past_end(void)
{
    IoDev dev = { g_string_new(NULL) };
    QmemMemoryRegion *root = watch(qmem_memory_region_new_io(
        "io", 0x100, &unassigned_io_ops, NULL));
    QmemMemoryRegion *pair = watch(qmem_memory_region_new_io(
        "pair", 2, &io_ops_default, &dev));
    QmemAddressSpace *as;
    guint8 buf[4];

    qmem_memory_region_add_subregion(root, 0x10, pair);
    g_object_unref(pair);
    as = qmem_address_space_new("I/O", root);
    g_assert_true(qmem_address_space_rw(as, 0x10, buf, 4, FALSE));
    g_assert_cmpstr(dev.log->str, ==, "r4@0;");
    g_assert_cmphex(buf[3], ==, 0x55);
    g_string_truncate(dev.log, 0);
    /* Unaligned accesses are still split: one byte, then the root's. */
    g_assert_true(qmem_address_space_rw(as, 0x11, buf, 2, FALSE));
    g_assert_cmpstr(dev.log->str, ==, "r1@1;");
    g_assert_cmphex(buf[1], ==, 0xff);

    qmem_address_space_free(as);
    g_object_unref(root);
    g_string_free(dev.log, TRUE);
    assert_all_finalized();
}

/* The flat view lists I/O sections too, without host memory. */
static void test_io_sections(IoFixture *f, gconstpointer data)
{
    g_autoptr(GString) text = g_string_new(NULL);
    const QmemMemorySection *s;
    guint n;

    s = qmem_address_space_get_sections(f->as, &n);
    for (guint i = 0; i < n; i++) {
        g_string_append_printf(text, "%s@0x%" PRIx64 "+0x%" PRIx64 "/0x%"
                               PRIx64 "%s;",
                               qmem_memory_region_get_name(s[i].mr),
                               s[i].offset_within_address_space, s[i].size,
                               s[i].offset_within_region,
                               s[i].host ? "" : " io");
    }
    g_assert_cmpstr(text->str, ==,
                    "io@0x0+0x100/0x0 io;wide@0x100+0x10/0x0 io;"
                    "io@0x110+0xf0/0x110 io;dword@0x200+0x10/0x0 io;"
                    "io@0x210+0xf0/0x210 io;default@0x300+0x10/0x20 io;"
                    "io@0x310+0xcf0/0x310 io;ram@0x1000+0x1000/0x0;"
                    "io@0x2000+0xe000/0x2000 io;");
}

/*
 * A region a guest placed (a BAR, priority 1) shows over a port region
 * of priority 0 and over the root's background, and goes again.
 */
static void test_io_overlap(IoFixture *f, gconstpointer data)
{
    g_autoptr(QmemMemoryRegion) bar = watch(
        qmem_memory_region_new_io("bar", 0x20, &io_ops_default, &f->dev));

    qmem_memory_region_add_subregion_overlap(f->root, 0x1f8, bar, 1);
    g_assert_cmphex(io_rw(f, 0x200, 4, 0, FALSE, TRUE), ==, 0x55667790);
    assert_io_log(f, "r4@8;");
    g_assert_cmphex(io_rw(f, 0x210, 4, 0, FALSE, TRUE), ==, 0x556677a0);
    assert_io_log(f, "r4@18;");
    g_assert_cmphex(io_rw(f, 0x1f0, 4, 0, FALSE, TRUE), ==, 0xffffffff);
    g_assert_cmphex(io_rw(f, 0x218, 4, 0, FALSE, TRUE), ==, 0xffffffff);
    assert_io_log(f, "");
    qmem_memory_region_del_subregion(f->root, bar);
    g_assert_cmphex(io_rw(f, 0x200, 4, 0, FALSE, TRUE), ==, 0x55667788);
    assert_io_log(f, "r4@0;");
}

/* A region of the whole 2^64 bytes shows as two sections. */
static void test_io_whole(void)
{
    QmemMemoryRegion *root = watch(qmem_memory_region_new_io(
        "all", G_MAXUINT64, &unassigned_io_ops, NULL));
    QmemAddressSpace *as = qmem_address_space_new("all", root);
    const QmemMemorySection *s;
    guint8 buf[4];
    guint n;

    s = qmem_address_space_get_sections(as, &n);
    g_assert_cmpuint(n, ==, 2);
    g_assert_cmphex(s[0].offset_within_address_space, ==, 0);
    g_assert_cmphex(s[0].size, ==, G_GUINT64_CONSTANT(1) << 63);
    g_assert_cmphex(s[1].offset_within_address_space, ==,
                    G_GUINT64_CONSTANT(1) << 63);
    g_assert_cmphex(s[1].offset_within_region, ==,
                    G_GUINT64_CONSTANT(1) << 63);
    g_assert_cmphex(s[1].size, ==, G_GUINT64_CONSTANT(1) << 63);
    g_assert_true(qmem_address_space_rw(as, G_MAXUINT64 - 3, buf, 4, FALSE));
    g_assert_cmphex(buf[0] & buf[3], ==, 0xff);
    qmem_address_space_free(as);
    g_object_unref(root);
    assert_all_finalized();
}

/* info mtree */

static void test_mtree_none(void)
{
    g_autoptr(GString) out = g_string_new("x");

    qmem_memory_print_mtree(out);
    g_assert_cmpstr(out->str, ==, "x");
}

static void mtree_pc(void)
{
    QmemMemoryRegion *system = watch(
        qmem_memory_region_new_container("system", G_MAXUINT64));
    QmemMemoryRegion *io = watch(
        qmem_memory_region_new_container("io", 0x10000));
    g_autoptr(QmemMemoryRegion) pc_ram = watch(ram_new("pc.ram", 128 * KiB));
    g_autoptr(QmemMemoryRegion) below = watch(
        qmem_memory_region_new_alias("ram-below-4g", pc_ram, 0, 0x10000));
    g_autoptr(QmemMemoryRegion) above = watch(
        qmem_memory_region_new_alias("ram-above-4g", pc_ram, 0x10000,
                                     0x10000));
    g_autoptr(QmemMemoryRegion) dm = watch(
        qmem_memory_region_new_container("device-memory", 5 * GiB));
    g_autoptr(QmemMemoryRegion) m = watch(ram_new("m", 64 * KiB));
    g_autoptr(QmemMemoryRegion) rom = watch(qmem_memory_region_new_ram(
        "pc.bios", block_new_readonly("pc.bios", 4 * KiB)));
    QmemAddressSpace *as_io, *as_mem, *as_cpu;
    g_autoptr(GString) out = g_string_new(NULL);

    qmem_memory_region_add_subregion(system, 0, below);
    qmem_memory_region_add_subregion(system, 4 * GiB, above);
    qmem_memory_region_add_subregion(system, 0xfffff000, rom);
    qmem_memory_region_add_subregion(system, 8 * GiB, dm);
    qmem_memory_region_add_subregion(dm, 0, m);
    as_io = qmem_address_space_new("I/O", io);
    as_mem = qmem_address_space_new("memory", system);
    as_cpu = qmem_address_space_new("cpu-memory-0", system);

    qmem_memory_print_mtree(out);
    g_assert_cmpstr(out->str, ==,
        "address-space: I/O\n"
        "  0000000000000000-000000000000ffff (prio 0, i/o): io\n"
        "\n"
        "address-space: cpu-memory-0\n"
        "address-space: memory\n"
        "  0000000000000000-ffffffffffffffff (prio 0, i/o): system\n"
        "    0000000000000000-000000000000ffff (prio 0, ram): "
        "alias ram-below-4g @pc.ram 0000000000000000-000000000000ffff\n"
        "    00000000fffff000-00000000ffffffff (prio 0, rom): pc.bios\n"
        "    0000000100000000-000000010000ffff (prio 0, ram): "
        "alias ram-above-4g @pc.ram 0000000000010000-000000000001ffff\n"
        "    0000000200000000-000000033fffffff (prio 0, i/o): device-memory\n"
        "      0000000200000000-000000020000ffff (prio 0, ram): m\n"
        "\n"
        "memory-region: pc.ram\n"
        "  0000000000000000-000000000001ffff (prio 0, ram): pc.ram\n"
        "\n");

    qmem_address_space_free(as_cpu);
    qmem_address_space_free(as_mem);
    qmem_address_space_free(as_io);
    g_object_unref(system);
    g_object_unref(io);
}

static void test_mtree(void)
{
    mtree_pc();
    assert_all_finalized();
}

/* Priorities print, and siblings print by address, then priority. */
static void mtree_priority(void)
{
    QmemMemoryRegion *system = watch(
        qmem_memory_region_new_container("system", G_MAXUINT64));
    g_autoptr(QmemMemoryRegion) pci = watch(
        qmem_memory_region_new_container("pci", G_MAXUINT64));
    g_autoptr(QmemMemoryRegion) ram = watch(ram_new("ram", 64 * KiB));
    g_autoptr(QmemMemoryRegion) bar = watch(ram_new("bar", 4 * KiB));
    g_autoptr(QmemMemoryRegion) msi = watch(ram_new("msi", 4 * KiB));
    QmemAddressSpace *as;
    g_autoptr(GString) out = g_string_new(NULL);

    qmem_memory_region_add_subregion_overlap(system, 0, pci, -1);
    qmem_memory_region_add_subregion_overlap(system, 0xfee00000, msi, 4096);
    qmem_memory_region_add_subregion(system, 0, ram);
    qmem_memory_region_add_subregion_overlap(pci, 0xfee00000, bar, 1);
    g_assert_cmpint(qmem_memory_region_get_priority(pci), ==, -1);
    g_assert_cmpint(qmem_memory_region_get_priority(ram), ==, 0);
    as = qmem_address_space_new("memory", system);

    qmem_memory_print_mtree(out);
    g_assert_cmpstr(out->str, ==,
        "address-space: memory\n"
        "  0000000000000000-ffffffffffffffff (prio 0, i/o): system\n"
        "    0000000000000000-000000000000ffff (prio 0, ram): ram\n"
        "    0000000000000000-ffffffffffffffff (prio -1, i/o): pci\n"
        "      00000000fee00000-00000000fee00fff (prio 1, ram): bar\n"
        "    00000000fee00000-00000000fee00fff (prio 4096, ram): msi\n"
        "\n");

    qmem_address_space_free(as);
    g_object_unref(system);
}

static void test_mtree_priority(void)
{
    mtree_priority();
    assert_all_finalized();
}

/*
 * Alias targets are listed once, with their own mapping address, and an
 * alias inside an alias target queues its own target; a region reaching
 * past 2^64 is flagged as QEMU does.
 */
static void mtree_alias_chain(void)
{
    QmemMemoryRegion *root = watch(
        qmem_memory_region_new_container("root", G_MAXUINT64));
    g_autoptr(QmemMemoryRegion) pci = watch(
        qmem_memory_region_new_container("pci", 1 * MiB));
    g_autoptr(QmemMemoryRegion) bios = watch(ram_new("bios", 64 * KiB));
    g_autoptr(QmemMemoryRegion) isa = watch(
        qmem_memory_region_new_alias("isa-bios", bios, 0x8000, 0x8000));
    g_autoptr(QmemMemoryRegion) win1 = watch(
        qmem_memory_region_new_alias("win", pci, 0, 0x10000));
    g_autoptr(QmemMemoryRegion) win2 = watch(
        qmem_memory_region_new_alias("win2", pci, 0x10000, 0x10000));
    g_autoptr(QmemMemoryRegion) top = watch(ram_new("top", 64 * KiB));
    QmemAddressSpace *as;
    g_autoptr(GString) out = g_string_new(NULL);

    qmem_memory_region_add_subregion(pci, 0xe0000, isa);
    qmem_memory_region_add_subregion(root, 0x100000, win1);
    qmem_memory_region_add_subregion(root, 0x200000, win2);
    qmem_memory_region_add_subregion(root, G_MAXUINT64 - 0x7fff, top);
    as = qmem_address_space_new("memory", root);

    qmem_memory_print_mtree(out);
    g_assert_cmpstr(out->str, ==,
        "address-space: memory\n"
        "  0000000000000000-ffffffffffffffff (prio 0, i/o): root\n"
        "    0000000000100000-000000000010ffff (prio 0, i/o): "
        "alias win @pci 0000000000000000-000000000000ffff\n"
        "    0000000000200000-000000000020ffff (prio 0, i/o): "
        "alias win2 @pci 0000000000010000-000000000001ffff\n"
        "[DETECTED OVERFLOW!]     ffffffffffff8000-0000000000007fff "
        "(prio 0, ram): top\n"
        "\n"
        "memory-region: pci\n"
        "  0000000000000000-00000000000fffff (prio 0, i/o): pci\n"
        "    00000000000e0000-00000000000e7fff (prio 0, ram): "
        "alias isa-bios @bios 0000000000008000-000000000000ffff\n"
        "\n"
        "memory-region: bios\n"
        "  0000000000000000-000000000000ffff (prio 0, ram): bios\n"
        "\n");

    qmem_address_space_free(as);
    g_object_unref(root);
}

static void test_mtree_alias_chain(void)
{
    mtree_alias_chain();
    assert_all_finalized();
}

/* RAM block notifiers */

typedef struct {
    QmemRamBlockNotifier n;
    GString *log;
} TestNotifier;

static void tn_added(QmemRamBlockNotifier *n, void *host, gsize size)
{
    TestNotifier *tn = (TestNotifier *)n;

    g_string_append_printf(tn->log, "added %p+0x%zx;", host, size);
}

static void tn_removed(QmemRamBlockNotifier *n, void *host, gsize size)
{
    TestNotifier *tn = (TestNotifier *)n;

    /* Still mapped: this would fault after munmap(). */
    g_assert_cmpuint(((volatile guint8 *)host)[size - 1], ==, 0x5a);
    g_string_append_printf(tn->log, "removed %p+0x%zx;", host, size);
}

static void test_ram_block_notifier(void)
{
    GError *error = NULL;
    g_autoptr(GString) log = g_string_new(NULL);
    g_autoptr(GString) expect = g_string_new(NULL);
    TestNotifier tn = {
        .n = { .ram_block_added = tn_added,
               .ram_block_removed = tn_removed },
        .log = log,
    };
    QmemRamBlockNotifier quiet = { NULL, NULL };
    QmemRamBlock *a, *b, *c, *d;
    int fd;

    a = qmem_ram_block_new_anon("a", 64 * KiB, 0, &error);
    g_assert_no_error(error);
    ((guint8 *)a->host)[64 * KiB - 1] = 0x5a;

    /* Registration replays the blocks that exist. */
    qmem_ram_block_notifier_add(&quiet);
    qmem_ram_block_notifier_add(&tn.n);
    g_string_printf(expect, "added %p+0x10000;", a->host);
    g_assert_cmpstr(log->str, ==, expect->str);
    g_string_truncate(log, 0);

    b = qmem_ram_block_new_anon("b", 128 * KiB, QMEM_RAM_SHARED, &error);
    g_assert_no_error(error);
    ((guint8 *)b->host)[128 * KiB - 1] = 0x5a;
    fd = memfd_create("c", MFD_CLOEXEC);
    g_assert_cmpint(fd, >=, 0);
    c = qmem_ram_block_new_from_fd("c", 8 * KiB, 0, fd, 0, QMEM_RAM_SHARED,
                                   &error);
    g_assert_no_error(error);
    ((guint8 *)c->host)[8 * KiB - 1] = 0x5a;
    g_string_printf(expect, "added %p+0x20000;added %p+0x2000;", b->host,
                    c->host);
    g_assert_cmpstr(log->str, ==, expect->str);
    g_string_truncate(log, 0);

    /* A failed creation notifies nobody. */
    fd = memfd_create("d", MFD_CLOEXEC);
    g_assert_cmpint(fd, >=, 0);
    g_assert_cmpint(ftruncate(fd, 4 * KiB), ==, 0);
    d = qmem_ram_block_new_from_fd("d", 8 * KiB, 0, fd, 0, QMEM_RAM_SHARED,
                                   &error);
    g_assert_null(d);
    g_assert_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC);
    g_assert_cmpstr(error->message, ==, "d backing store size 0x1000 is too "
                    "small for 'size' option 0x2000 plus 'offset' option 0x0");
    g_clear_error(&error);
    g_assert_cmpstr(log->str, ==, "");

    g_string_printf(expect, "removed %p+0x10000;removed %p+0x2000;", a->host,
                    c->host);
    qmem_ram_block_free(a);
    qmem_ram_block_free(c);
    g_assert_cmpstr(log->str, ==, expect->str);
    g_string_truncate(log, 0);

    /* Removed notifiers hear nothing more, not even of removals. */
    qmem_ram_block_notifier_remove(&tn.n);
    qmem_ram_block_free(b);
    a = qmem_ram_block_new_anon("a", 64 * KiB, 0, &error);
    g_assert_no_error(error);
    qmem_ram_block_free(a);
    g_assert_cmpstr(log->str, ==, "");
    qmem_ram_block_notifier_remove(&quiet);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);

    for (gsize i = 0; i < G_N_ELEMENTS(flatview_cases); i++) {
        g_autofree char *path = g_strdup_printf("/system/memory/flatview/%s",
                                                flatview_cases[i].name);

        g_test_add_data_func(path, &flatview_cases[i], test_flatview);
    }
    for (gsize i = 0; i < G_N_ELEMENTS(overlap_cases); i++) {
        g_autofree char *path =
            g_strdup_printf("/system/memory/add-subregion/overlap/%s",
                            overlap_cases[i].name);

        g_test_add_data_func(path, &overlap_cases[i], test_overlap);
    }
    g_test_add_func("/system/memory/add-subregion/misuse", test_add_misuse);
    g_test_add_func("/system/memory/add-subregion/overlap-priority",
                    test_overlap_priority);
    g_test_add_func("/system/memory/region/properties", test_region_props);
    g_test_add_func("/system/memory/region/container-gone",
                    test_region_container_gone);

#define ADD_LISTENER_TEST(name, fn) \
    g_test_add("/system/memory/listener/" name, ListenerFixture, NULL, \
               listener_setup, fn, listener_teardown)
    ADD_LISTENER_TEST("immediate", test_listener_immediate);
    ADD_LISTENER_TEST("transaction", test_listener_transaction);
    ADD_LISTENER_TEST("nested", test_listener_nested);
    ADD_LISTENER_TEST("deep", test_listener_deep);
    ADD_LISTENER_TEST("replay", test_listener_replay);
    ADD_LISTENER_TEST("other-address-space", test_listener_other_as);
    ADD_LISTENER_TEST("priority", test_listener_priority);
    ADD_LISTENER_TEST("region-lifetime", test_listener_region_lifetime);
    ADD_LISTENER_TEST("no-callbacks", test_listener_empty);
    ADD_LISTENER_TEST("many", test_listener_many);

#define ADD_RW_TEST(name, fn) \
    g_test_add("/system/memory/rw/" name, RwFixture, NULL, rw_setup, fn, \
               rw_teardown)
    ADD_RW_TEST("within", test_rw_within);
    ADD_RW_TEST("adjacent", test_rw_adjacent);
    ADD_RW_TEST("hole", test_rw_hole);
    ADD_RW_TEST("readonly", test_rw_readonly);
    ADD_RW_TEST("lookup", test_rw_lookup);

#define ADD_IO(name, fn) \
    g_test_add("/system/memory/io/" name, IoFixture, NULL, io_setup, fn, \
               io_teardown)
    ADD_IO("sizes", test_io_sizes);
    ADD_IO("invalid", test_io_invalid);
    ADD_IO("background", test_io_background);
    ADD_IO("sections", test_io_sections);
    ADD_IO("overlap", test_io_overlap);
    g_test_add_func("/system/memory/io/past-end", test_io_past_end);
#undef ADD_IO
    g_test_add_func("/system/memory/io/whole", test_io_whole);
    g_test_add_func("/system/memory/mtree/none", test_mtree_none);
    g_test_add_func("/system/memory/mtree/pc", test_mtree);
    g_test_add_func("/system/memory/mtree/priority", test_mtree_priority);
    g_test_add_func("/system/memory/mtree/alias-chain",
                    test_mtree_alias_chain);
    g_test_add_func("/hw/core/ram-block/notifier", test_ram_block_notifier);

    return g_test_run();
}
