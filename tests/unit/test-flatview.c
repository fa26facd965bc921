/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The incremental flat view against a full recomputation: a seeded random
 * sequence of plugs and unplugs (DIMMs, virtio-mem memslots, aliases,
 * overlapping regions, I/O, nested transactions), after every step the
 * view compared with one rendered from scratch, and every listener's
 * callbacks compared with those the same sequence gives with
 * qmem_memory_set_full_recompute().
 */

#include <inttypes.h>
#include <string.h>

#include "system/memory.h"
#include "util/error.h"

/* Every size and address is a multiple of this. */
#define U (64 * 1024ULL)
#define DM_BASE (256 * U)
#define DM_UNITS 1024           /* device memory: DIMMs below 512 */
#define DIMM_UNITS 512
#define N_VMEM 2
#define VMEM_UNITS 256
#define VMEM_SLOTS 8
#define STEPS 1500

static guint64 io_read(gpointer opaque, guint64 addr, guint size)
{
    return 0;
}

static const QmemMemoryRegionOps io_ops = {
    .read = io_read,
};

typedef struct World World;

/* A listener that knows its world and address space. */
typedef struct {
    QmemMemoryListener l;
    World *w;
    guint as_idx;
    guint idx;
} Ear;

/* A region added with a priority, and where. */
typedef struct {
    QmemMemoryRegion *mr;
    QmemMemoryRegion *container;
} Extra;

/* One run's world: the regions and what the listeners heard. */
struct World {
    GRand *rand;
    GPtrArray *blocks;          /* QmemRamBlock, freed at the end */
    QmemMemoryRegion *root;     /* "system", the whole 2^64 */
    QmemMemoryRegion *dm;       /* device memory, an address space too */
    QmemMemoryRegion *io_root;  /* an I/O region of 2^64: split at 2^63 */
    QmemMemoryRegion *ram;      /* boot RAM, shown through two aliases */
    QmemAddressSpace *as[3];
    Ear ear[3][2];
    GString *log;               /* this step's callbacks */
    GPtrArray *dimms;           /* mapped in dm */
    QmemMemoryRegion *vmem[N_VMEM];
    QmemMemoryRegion *vmem_ram[N_VMEM];
    QmemMemoryRegion *memslot[N_VMEM][VMEM_SLOTS];
    GArray *extras;             /* Extra: aliases and overlaps */
    guint serial;
    guint depth;
};

static const char *const as_names[3] = { "system", "device-memory", "io" };

static void log_section(QmemMemoryListener *l, const char *what,
                        const QmemMemorySection *s)
{
    Ear *e = (Ear *)l;

    g_string_append_printf(e->w->log, "%s/%u %s %s+0x%" PRIx64 " @0x%" PRIx64
                           " 0x%" PRIx64 "%s\n", as_names[e->as_idx], e->idx, what,
                           qmem_memory_region_get_name(s->mr),
                           s->offset_within_region,
                           s->offset_within_address_space, s->size,
                           s->readonly ? " ro" : "");
}

static void on_add(QmemMemoryListener *l, const QmemMemorySection *s)
{
    log_section(l, "add", s);
}

static void on_del(QmemMemoryListener *l, const QmemMemorySection *s)
{
    log_section(l, "del", s);
}

static void on_commit(QmemMemoryListener *l)
{
    Ear *e = (Ear *)l;

    g_string_append_printf(e->w->log, "%s/%u commit\n",
                           as_names[e->as_idx], e->idx);
}

static QmemMemoryRegion *ram_new(World *w, const char *prefix, guint64 size)
{
    g_autofree char *name = g_strdup_printf("%s%u", prefix, w->serial++);
    GError *error = NULL;
    QmemRamBlock *block = qmem_ram_block_new_anon(name, size, 0, &error);

    g_assert_no_error(error);
    g_ptr_array_add(w->blocks, block);
    return qmem_memory_region_new_ram(name, block);
}

static void world_init(World *w, guint32 seed)
{
    g_autoptr(QmemMemoryRegion) below = NULL;
    g_autoptr(QmemMemoryRegion) above = NULL;
    g_autoptr(QmemMemoryRegion) mmio = NULL;

    memset(w, 0, sizeof(*w));
    w->rand = g_rand_new_with_seed(seed);
    w->blocks = g_ptr_array_new_with_free_func(
        (GDestroyNotify)qmem_ram_block_free);
    w->dimms = g_ptr_array_new_with_free_func(g_object_unref);
    w->extras = g_array_new(FALSE, FALSE, sizeof(Extra));
    w->log = g_string_new(NULL);

    w->root = qmem_memory_region_new_container("system", G_MAXUINT64);
    w->dm = qmem_memory_region_new_container("dm", DM_UNITS * U);
    w->io_root = qmem_memory_region_new_io("io", G_MAXUINT64, &io_ops, NULL);
    /* pc's boot RAM: one block, below and above a hole. */
    w->ram = ram_new(w, "ram", 64 * U);
    below = qmem_memory_region_new_alias("ram-below", w->ram, 0, 32 * U);
    above = qmem_memory_region_new_alias("ram-above", w->ram, 32 * U,
                                         32 * U);
    mmio = qmem_memory_region_new_io("mmio", 64 * U, &io_ops, NULL);
    qmem_memory_region_add_subregion(w->root, 0, below);
    qmem_memory_region_add_subregion(w->root, 128 * U, above);
    qmem_memory_region_add_subregion_overlap(w->root, 24 * U, mmio, 1);
    qmem_memory_region_add_subregion(w->root, DM_BASE, w->dm);

    for (guint v = 0; v < N_VMEM; v++) {
        g_autofree char *name = g_strdup_printf("vmem%u", v);

        w->vmem[v] = qmem_memory_region_new_container(name, VMEM_UNITS * U);
        w->vmem_ram[v] = ram_new(w, "vmem-ram", VMEM_UNITS * U);
        for (guint i = 0; i < VMEM_SLOTS; i++) {
            g_autofree char *slot = g_strdup_printf("vmem%u-memslot-%u", v, i);
            guint64 len = VMEM_UNITS / VMEM_SLOTS * U;

            w->memslot[v][i] = qmem_memory_region_new_alias(
                slot, w->vmem_ram[v], i * len, len);
            qmem_memory_region_set_unmergeable(w->memslot[v][i], TRUE);
        }
    }

    w->as[0] = qmem_address_space_new("system", w->root);
    w->as[1] = qmem_address_space_new("device-memory", w->dm);
    w->as[2] = qmem_address_space_new("io", w->io_root);
    for (guint a = 0; a < 3; a++) {
        for (guint i = 0; i < 2; i++) {
            QmemMemoryListener *l = &w->ear[a][i].l;

            w->ear[a][i].w = w;
            w->ear[a][i].as_idx = a;
            w->ear[a][i].idx = i;
            l->region_add = on_add;
            l->region_del = on_del;
            l->commit = on_commit;
            l->priority = i * 10;
            l->name = "test";
            qmem_memory_listener_register(l, w->as[a]);
        }
    }
    g_string_truncate(w->log, 0);
}

static void world_free(World *w)
{
    for (guint a = 0; a < 3; a++) {
        for (guint i = 0; i < 2; i++) {
            qmem_memory_listener_unregister(&w->ear[a][i].l);
        }
        qmem_address_space_free(w->as[a]);
    }
    for (guint v = 0; v < N_VMEM; v++) {
        for (guint i = 0; i < VMEM_SLOTS; i++) {
            if (qmem_memory_region_is_mapped(w->memslot[v][i])) {
                qmem_memory_region_del_subregion(w->vmem[v],
                                                 w->memslot[v][i]);
            }
            g_object_unref(w->memslot[v][i]);
        }
        if (qmem_memory_region_is_mapped(w->vmem[v])) {
            qmem_memory_region_del_subregion(w->dm, w->vmem[v]);
        }
        g_object_unref(w->vmem[v]);
        g_object_unref(w->vmem_ram[v]);
    }
    for (guint i = 0; i < w->extras->len; i++) {
        Extra *x = &g_array_index(w->extras, Extra, i);

        qmem_memory_region_del_subregion(x->container, x->mr);
        g_object_unref(x->mr);
    }
    while (w->dimms->len) {
        QmemMemoryRegion *mr = g_ptr_array_index(w->dimms, 0);

        qmem_memory_region_del_subregion(w->dm, mr);
        g_ptr_array_remove_index_fast(w->dimms, 0);
    }
    g_array_unref(w->extras);
    g_ptr_array_unref(w->dimms);
    g_object_unref(w->root);
    g_object_unref(w->dm);
    g_object_unref(w->io_root);
    g_object_unref(w->ram);
    g_ptr_array_unref(w->blocks);
    g_string_free(w->log, TRUE);
    g_rand_free(w->rand);
}

/* Operations */

static guint pick(World *w, guint n)
{
    return g_rand_int_range(w->rand, 0, n);
}

/* A DIMM at the first free place from a random start, if there is one. */
static void op_dimm_plug(World *w)
{
    guint units = 1 + pick(w, 8);
    guint start = pick(w, DIMM_UNITS - units + 1);
    g_autoptr(GArray) used = g_array_new(FALSE, TRUE, 1);
    QmemMemoryRegion *mr;

    g_array_set_size(used, DIMM_UNITS);
    for (guint i = 0; i < w->dimms->len; i++) {
        QmemMemoryRegion *d = g_ptr_array_index(w->dimms, i);
        guint at = qmem_memory_region_get_offset(d) / U;

        memset(used->data + at, 1, qmem_memory_region_size(d) / U);
    }
    for (guint at = start; at + units <= DIMM_UNITS; at++) {
        if (!memchr(used->data + at, 1, units)) {
            mr = ram_new(w, "dimm", units * U);
            qmem_memory_region_add_subregion(w->dm, at * U, mr);
            g_ptr_array_add(w->dimms, mr);
            return;
        }
    }
}

static void op_dimm_unplug(World *w)
{
    QmemMemoryRegion *mr;

    if (!w->dimms->len) {
        return;
    }
    mr = g_ptr_array_index(w->dimms, pick(w, w->dimms->len));
    qmem_memory_region_del_subregion(w->dm, mr);
    g_ptr_array_remove_fast(w->dimms, mr);
}

/* A virtio-mem memslot comes or goes; a device is plugged or unplugged. */
static void op_vmem(World *w)
{
    guint v = pick(w, N_VMEM);

    if (pick(w, 8) == 0) {
        if (qmem_memory_region_is_mapped(w->vmem[v])) {
            qmem_memory_region_del_subregion(w->dm, w->vmem[v]);
        } else {
            qmem_memory_region_add_subregion(
                w->dm, (DIMM_UNITS + v * VMEM_UNITS) * U, w->vmem[v]);
        }
    } else {
        guint i = pick(w, VMEM_SLOTS);
        QmemMemoryRegion *slot = w->memslot[v][i];

        if (qmem_memory_region_is_mapped(slot)) {
            qmem_memory_region_del_subregion(w->vmem[v], slot);
        } else {
            qmem_memory_region_add_subregion(
                w->vmem[v], i * (VMEM_UNITS / VMEM_SLOTS) * U, slot);
        }
    }
}

/* Something of @w's to show through an alias. */
static QmemMemoryRegion *alias_target(World *w)
{
    switch (pick(w, 5)) {
    case 0:
        return w->ram;
    case 1:
        return w->dm;
    case 2:
        return w->vmem[pick(w, N_VMEM)];
    case 3:
        return w->dimms->len ? g_ptr_array_index(w->dimms,
                                                 pick(w, w->dimms->len))
                             : w->ram;
    default:
        return w->vmem_ram[pick(w, N_VMEM)];
    }
}

/*
 * An alias or a RAM region, with a priority, anywhere in the first 2 MiB
 * of "system" or anywhere in "io" (also across 2^63 and at the top).
 */
static void op_extra_plug(World *w)
{
    gboolean io = pick(w, 3) == 0;
    QmemMemoryRegion *container = io ? w->io_root : w->root;
    g_autofree char *name = g_strdup_printf("extra%u", w->serial++);
    QmemMemoryRegion *mr;
    Extra x;
    guint64 addr;

    if (pick(w, 2)) {
        QmemMemoryRegion *target = alias_target(w);
        guint64 units = qmem_memory_region_size(target) / U;
        guint64 off = pick(w, units);
        guint64 len = 1 + pick(w, MIN(units - off, 64));

        mr = qmem_memory_region_new_alias(name, target, off * U, len * U);
    } else {
        mr = ram_new(w, "extra-ram", (1 + pick(w, 16)) * U);
    }
    if (io) {
        static const guint64 bases[] = {
            0, G_GUINT64_CONSTANT(1) << 63,
            (G_GUINT64_CONSTANT(1) << 63) - 32 * U, G_MAXUINT64 - 128 * U + 1,
        };

        addr = bases[pick(w, G_N_ELEMENTS(bases))] + pick(w, 32) * U;
        if (addr + qmem_memory_region_size(mr) - 1 < addr) {
            addr = 0;
        }
    } else {
        addr = pick(w, 2 * DM_BASE / U) * U;
    }
    x.mr = mr;
    x.container = container;
    qmem_memory_region_add_subregion_overlap(container, addr, mr,
                                             (int)pick(w, 4) - 1);
    g_array_append_val(w->extras, x);
}

static void op_extra_unplug(World *w)
{
    Extra x;
    guint i;

    if (!w->extras->len) {
        return;
    }
    i = pick(w, w->extras->len);
    x = g_array_index(w->extras, Extra, i);
    g_array_remove_index_fast(w->extras, i);
    qmem_memory_region_del_subregion(x.container, x.mr);
    g_object_unref(x.mr);
}

static void one_op(World *w);

/* A transaction of a few operations, some of them nested transactions. */
static void op_transaction(World *w)
{
    guint n = 1 + pick(w, 5);

    qmem_memory_region_transaction_begin();
    w->depth++;
    for (guint i = 0; i < n; i++) {
        if (w->depth < 3 && pick(w, 4) == 0) {
            op_transaction(w);
        } else {
            one_op(w);
        }
    }
    w->depth--;
    qmem_memory_region_transaction_commit();
}

static void one_op(World *w)
{
    switch (pick(w, 8)) {
    case 0:
    case 1:
        op_dimm_plug(w);
        break;
    case 2:
        op_dimm_unplug(w);
        break;
    case 3:
    case 4:
        op_vmem(w);
        break;
    case 5:
        op_extra_plug(w);
        break;
    default:
        op_extra_unplug(w);
        break;
    }
}

/* Checks */

static void assert_sections_equal(const QmemMemorySection *a, guint na,
                                  const QmemMemorySection *b, guint nb,
                                  const char *as, guint step)
{
    if (na != nb) {
        g_error("step %u, %s: %u sections, a full render gives %u", step, as,
                na, nb);
    }
    for (guint i = 0; i < na; i++) {
        if (a[i].mr != b[i].mr ||
            a[i].offset_within_region != b[i].offset_within_region ||
            a[i].offset_within_address_space !=
                b[i].offset_within_address_space ||
            a[i].size != b[i].size || a[i].host != b[i].host ||
            a[i].readonly != b[i].readonly) {
            g_error("step %u, %s: section %u is %s+0x%" PRIx64 " @0x%" PRIx64
                    " 0x%" PRIx64 ", a full render gives %s+0x%" PRIx64
                    " @0x%" PRIx64 " 0x%" PRIx64, step, as, i,
                    qmem_memory_region_get_name(a[i].mr),
                    a[i].offset_within_region,
                    a[i].offset_within_address_space, a[i].size,
                    qmem_memory_region_get_name(b[i].mr),
                    b[i].offset_within_region,
                    b[i].offset_within_address_space, b[i].size);
        }
    }
}

/* Each address space's view against a new one's, rendered from scratch. */
static void check_views(World *w, guint step)
{
    QmemMemoryRegion *roots[3] = { w->root, w->dm, w->io_root };

    for (guint a = 0; a < 3; a++) {
        QmemAddressSpace *ref = qmem_address_space_new("ref", roots[a]);
        const QmemMemorySection *s, *r;
        guint n, nr;

        s = qmem_address_space_get_sections(w->as[a], &n);
        r = qmem_address_space_get_sections(ref, &nr);
        assert_sections_equal(s, n, r, nr, as_names[a], step);
        qmem_address_space_free(ref);
    }
}

/*
 * Runs the sequence of @seed; returns what the listeners heard at each
 * step.  Incremental runs check every step's views.
 */
static GPtrArray *run(guint32 seed, gboolean full)
{
    GPtrArray *logs = g_ptr_array_new_with_free_func(g_free);
    World w;

    qmem_memory_set_full_recompute(full);
    world_init(&w, seed);
    for (guint step = 0; step < STEPS; step++) {
        if (pick(&w, 3) == 0) {
            op_transaction(&w);
        } else {
            one_op(&w);
        }
        if (!full) {
            check_views(&w, step);
        }
        g_ptr_array_add(logs, g_strdup(w.log->str));
        g_string_truncate(w.log, 0);
    }
    world_free(&w);
    qmem_memory_set_full_recompute(FALSE);
    return logs;
}

static guint count_lines(const char *text, const char *what)
{
    guint n = 0;

    for (const char *p = strstr(text, what); p; p = strstr(p + 1, what)) {
        n++;
    }
    return n;
}

static void test_random(gconstpointer data)
{
    guint32 seed = GPOINTER_TO_UINT(data);
    g_autoptr(GPtrArray) inc = run(seed, FALSE);
    g_autoptr(GPtrArray) full = run(seed, TRUE);
    guint adds = 0, dels = 0;

    g_assert_cmpuint(inc->len, ==, full->len);
    for (guint i = 0; i < inc->len; i++) {
        const char *a = g_ptr_array_index(inc, i);
        const char *b = g_ptr_array_index(full, i);

        if (strcmp(a, b)) {
            g_error("seed %u step %u: the listeners heard\n%s\n"
                    "where a full recomputation tells them\n%s", seed, i, a,
                    b);
        }
        adds += count_lines(a, " add ");
        dels += count_lines(a, " del ");
    }
    /* The sequence did change the views, many times. */
    g_assert_cmpuint(adds, >, STEPS);
    g_assert_cmpuint(dels, >, STEPS / 2);
}

/*
 * A hole of all 2^64 bytes is two sections split at 2^63; a region in its
 * upper half joins the lower half with the first part.
 */
static void test_split_2_63(void)
{
    GError *error = NULL;
    QmemMemoryRegion *io = qmem_memory_region_new_io("io", G_MAXUINT64,
                                                     &io_ops, NULL);
    QmemRamBlock *block = qmem_ram_block_new_anon("r", U, 0, &error);
    QmemMemoryRegion *ram = qmem_memory_region_new_ram("r", block);
    QmemAddressSpace *as = qmem_address_space_new("io", io);
    const guint64 half = G_GUINT64_CONSTANT(1) << 63;
    const QmemMemorySection *s;
    guint n;

    g_assert_no_error(error);
    s = qmem_address_space_get_sections(as, &n);
    g_assert_cmpuint(n, ==, 2);
    g_assert_cmphex(s[1].offset_within_address_space, ==, half);

    qmem_memory_region_add_subregion(io, half + 5 * U, ram);
    s = qmem_address_space_get_sections(as, &n);
    g_assert_cmpuint(n, ==, 3);
    g_assert_cmphex(s[0].offset_within_address_space, ==, 0);
    g_assert_cmphex(s[0].size, ==, half + 5 * U);
    g_assert_true(s[1].mr == ram);
    g_assert_cmphex(s[2].offset_within_address_space, ==, half + 6 * U);
    g_assert_cmphex(s[2].size, ==, half - 6 * U);
    g_assert_cmphex(s[2].offset_within_region, ==, half + 6 * U);

    qmem_memory_region_del_subregion(io, ram);
    s = qmem_address_space_get_sections(as, &n);
    g_assert_cmpuint(n, ==, 2);
    g_assert_cmphex(s[0].size, ==, half);
    g_assert_cmphex(s[1].offset_within_address_space, ==, half);
    g_assert_cmphex(s[1].size, ==, half);

    qmem_address_space_free(as);
    g_object_unref(ram);
    g_object_unref(io);
    qmem_ram_block_free(block);
}

int main(int argc, char **argv)
{
    static const guint32 seeds[] = { 1, 2, 13, 256, 509, 32764 };

    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/flatview/split-2-63", test_split_2_63);
    for (gsize i = 0; i < G_N_ELEMENTS(seeds); i++) {
        g_autofree char *path = g_strdup_printf("/flatview/random/%u",
                                                seeds[i]);

        g_test_add_data_func(path, GUINT_TO_POINTER(seeds[i]), test_random);
    }
    return g_test_run();
}
