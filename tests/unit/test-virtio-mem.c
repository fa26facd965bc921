/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Tests for hw/virtio/virtio-mem.c and -realize.c: properties, realize. */

#include <inttypes.h>
#include <string.h>
#include <unistd.h>
#include <glib/gstdio.h>

#include "qom/property.h"
#include "tests/unit/virtio-mem-test.h"
#include "util/error.h"

/* ------------------------------------------------------------------ */
/* THP probe */

typedef struct {
    const char *name;
    const char *content;        /* NULL: no hpage_pmd_size file */
    gboolean no_dir;
    guint64 size;
    const char *printed;
} ThpCase;

#define FALLBACK "qmem-run: warning: Could not detect THP size, falling " \
                 "back to 2  MiB.\n"

static const ThpCase thp_cases[] = {
    { "no-thp", NULL, TRUE, 1 * MiB, "" },
    { "2m", "2097152\n", FALSE, 2 * MiB, "" },
    { "no-newline", "1048576", FALSE, 1 * MiB, "" },
    { "hex", "0x40000000\n", FALSE, 1 * GiB, "" },
    { "zero", "0\n", FALSE, 2 * MiB,
      "qmem-run: warning: Read unsupported THP size: 0\n" FALLBACK },
    { "not-power-of-2", "3145728\n", FALSE, 2 * MiB,
      "qmem-run: warning: Read unsupported THP size: 300000\n" FALLBACK },
    { "junk", "2M\n", FALSE, 2 * MiB, FALLBACK },
    /* Only the first line counts, as QEMU's endptr check. */
    { "two-lines", "2097152\nfoo\n", FALSE, 2 * MiB, "" },
    { "trailing-blank", "2097152 \n", FALSE, 2 * MiB, FALLBACK },
    { "empty", "", FALSE, 2 * MiB, FALLBACK },
    { "no-file", NULL, FALSE, 2 * MiB, FALLBACK },
};

static void test_thp_probe(Fixture *f, gconstpointer data)
{
    const ThpCase *c = data;
    g_autofree char *dir = g_build_filename(f->base.dir, "thp", NULL);

    if (!c->no_dir) {
        g_assert_cmpint(g_mkdir(dir, 0700), ==, 0);
    }
    if (c->content) {
        g_autofree char *path = g_build_filename(dir, "hpage_pmd_size", NULL);

        g_assert_true(g_file_set_contents(path, c->content, -1, NULL));
    }
    g_assert_cmpuint(qmem_virtio_mem_probe_thp_size(dir), ==, c->size);
    g_assert_cmpstr(capture_get(), ==, c->printed);
    capture_clear();
    if (!c->no_dir) {
        remove_dir(dir);
    }
}

/* ------------------------------------------------------------------ */
/* Properties of the device logic */

typedef struct {
    const char *name;
    guint64 value;
    const char *error;          /* NULL: accepted */
} BlockSizeCase;

static const BlockSizeCase block_size_cases[] = {
    { "1m", 1 * MiB, NULL },
    { "1g", 1 * GiB, NULL },
    { "2^63", G_GUINT64_CONSTANT(1) << 63, NULL },
    { "zero", 0, "'block-size' property has to be at least 0x100000" },
    { "below-1m", MiB - 1, "'block-size' property has to be at least "
      "0x100000" },
    { "4k", 4096, "'block-size' property has to be at least 0x100000" },
    { "3m", 3 * MiB, "'block-size' property has to be a power of two" },
    { "1m+1", MiB + 1, "'block-size' property has to be a power of two" },
    { "max", G_MAXUINT64, "'block-size' property has to be a power of two" },
};

static void test_block_size_set(Fixture *f, gconstpointer data)
{
    const BlockSizeCase *c = data;
    g_autoptr(GError) error = NULL;
    gboolean ok = qmem_virtio_mem_set_block_size(f->vmem, c->value, &error);

    if (c->error) {
        g_assert_false(ok);
        assert_error(error, c->error);
        /* Unchanged: still the default. */
        g_assert_cmpuint(qmem_virtio_mem_get_block_size(f->vmem), ==,
                         qmem_virtio_mem_thp_size());
    } else {
        g_assert_true(ok);
        g_assert_no_error(error);
        g_assert_cmpuint(qmem_virtio_mem_get_block_size(f->vmem), ==,
                         c->value);
    }
}

static void test_block_size_default(Fixture *f, gconstpointer data)
{
    g_autoptr(GError) error = NULL;

    /* Without a memdev: the THP size. */
    g_assert_cmpuint(qmem_virtio_mem_get_block_size(f->vmem), ==,
                     qmem_virtio_mem_thp_size());
    add_backend(f, "memory-backend-memfd,id=m0,size=8M,hugetlb=on,"
                "reserve=off");
    /* Huge pages: max(page size, 1 MiB); 2 MiB pages here. */
    g_assert_cmpuint(qmem_virtio_mem_get_block_size(f->vmem), ==, 2 * MiB);
    realize(f);
    g_assert_cmpuint(qmem_virtio_mem_get_block_size(f->vmem), ==, 2 * MiB);
    g_assert_false(qmem_virtio_mem_set_block_size(f->vmem, 4 * MiB, &error));
    assert_error(error, "'block-size' cannot be changed");
}

static void test_defaults(Fixture *f, gconstpointer data)
{
    QmemVirtioMem *vmem = f->vmem;
    g_autoptr(GError) error = NULL;

    g_assert_null(qmem_virtio_mem_get_memdev(vmem));
    g_assert_cmpuint(qmem_virtio_mem_get_addr(vmem), ==, 0);
    g_assert_cmpuint(qmem_virtio_mem_get_node(vmem), ==, 0);
    g_assert_false(qmem_virtio_mem_get_prealloc(vmem));
    g_assert_false(qmem_virtio_mem_get_dynamic_memslots(vmem));
    g_assert_cmpint(qmem_virtio_mem_get_unplugged_inaccessible(vmem), ==,
                    QMEM_VIRTIO_MEM_ON_OFF_AUTO_ON);
    g_assert_cmpuint(qmem_virtio_mem_get_size(vmem), ==, 0);
    g_assert_cmpuint(qmem_virtio_mem_get_requested_size(vmem), ==, 0);
    g_assert_cmpuint(qmem_virtio_mem_get_region_size(vmem), ==, 0);
    g_assert_cmpuint(qmem_virtio_mem_get_memslots(vmem), ==, 1);
    g_assert_false(qmem_virtio_mem_is_realized(vmem));
    g_assert_null(qmem_virtio_mem_get_memory_region(vmem, &error));
    assert_error(error, "'memdev' property must be set");
}

/* The device's own properties, from outside: QEMU's lines and texts. */
static void test_properties(Fixture *f, gconstpointer data)
{
    static const struct {
        const char *name;
        const char *value;
        const char *error;
    } after_realize[] = {
        { "memaddr", "0", "Attempt to set property 'memaddr' on anonymous "
          "device (type 'virtio-mem') after it was realized" },
        { "node", "0", "Attempt to set property 'node' on anonymous device "
          "(type 'virtio-mem') after it was realized" },
        { "memdev", "m0", "Attempt to set link property 'memdev' on device "
          "'(null)' (type 'virtio-mem') after it was realized" },
        { "prealloc", "off", "Attempt to set property 'prealloc' on "
          "anonymous device (type 'virtio-mem') after it was realized" },
        { "dynamic-memslots", "off", "Attempt to set property "
          "'dynamic-memslots' on anonymous device (type 'virtio-mem') after "
          "it was realized" },
        { "unplugged-inaccessible", "on", "Attempt to set property "
          "'unplugged-inaccessible' on anonymous device (type 'virtio-mem') "
          "after it was realized" },
        { "block-size", "2M", "'block-size' cannot be changed" },
        { "size", "0", "Property 'virtio-mem.size' is not writable" },
        { "requested-size", "3", "'requested-size' has to be multiples of "
          "'block-size' (0x200000)" },
    };
    QmemObject *obj = QMEM_OBJECT(f->vmem);
    g_autoptr(GString) out = g_string_new(NULL);
    g_autoptr(GError) error = NULL;
    g_autofree char *printed = NULL;

    g_assert_cmpstr(qmem_object_get_typename(obj), ==, "virtio-mem");
    /* QEMU 10.2's lines of `-device virtio-mem,help` that qmem has. */
    qmem_type_print_help(QMEM_TYPE_VIRTIO_MEM, out);
    g_assert_cmpstr(out->str, ==,
        "virtio-mem options:\n"
        "  block-size=<size>\n"
        "  dynamic-memslots=<bool> -  (default: false)\n"
        "  memaddr=<uint64>       -  (default: 0)\n"
        "  memdev=<link<memory-backend>>\n"
        "  node=<uint32>          -  (default: 0)\n"
        "  prealloc=<bool>        -  (default: false)\n"
        "  requested-size=<size>\n"
        "  size=<size>\n"
        "  unplugged-inaccessible=<OnOffAuto> - on/off/auto (default: "
        "\"on\")\n"
        "  x-early-migration=<bool> -  (default: true)\n");

    add_backend(f, "memory-backend-ram,id=m0,size=64M");
    g_assert_false(qmem_property_parse(obj, "block-size", "3M", &error));
    assert_error(error, "'block-size' property has to be a power of two");
    g_clear_error(&error);
    g_assert_false(qmem_property_parse(obj, "size", "2M", &error));
    assert_error(error, "Property 'virtio-mem.size' is not writable");
    g_clear_error(&error);
    g_assert_true(qmem_property_parse(obj, "memdev", "m0", &error));
    g_assert_true(qmem_property_parse(obj, "memaddr", "0x100000000",
                                      &error));
    g_assert_true(qmem_property_parse(obj, "prealloc", "on", &error));
    g_assert_true(qmem_property_parse(obj, "requested-size", "8M", &error));
    g_assert_no_error(error);
    g_assert_cmpuint(qmem_virtio_mem_get_addr(f->vmem), ==, ADDR);
    g_assert_true(qmem_virtio_mem_get_prealloc(f->vmem));
    realize(f);

    for (guint i = 0; i < G_N_ELEMENTS(after_realize); i++) {
        g_assert_false(qmem_property_parse(obj, after_realize[i].name,
                                           after_realize[i].value, &error));
        assert_error(error, after_realize[i].error);
        g_clear_error(&error);
    }
    g_assert_true(qmem_property_parse(obj, "requested-size", "16M", &error));
    g_assert_no_error(error);
    printed = qmem_property_print(obj, "requested-size", &error);
    g_assert_cmpstr(printed, ==, "16777216");
    g_free(printed);
    printed = qmem_property_print(obj, "memdev", &error);
    g_assert_cmpstr(printed, ==, "/objects/m0");
}

/* ------------------------------------------------------------------ */
/* Realize: every check of QEMU's, in order */

typedef struct {
    const char *name;
    const char *backend;        /* NULL: no memdev */
    gboolean busy;              /* the memdev is already mapped */
    guint32 node;
    QmemVirtioMemEnv env;
    const char *unplugged_inaccessible;     /* NULL: the default, on */
    gboolean dynamic_memslots;
    guint64 block_size;
    guint64 requested_size;
    guint64 addr;
    const char *error;          /* NULL: realizes */
    const char *printed;
} RealizeCase;

#define RAM "memory-backend-ram,id=m0,size=64M"
#define UI_ON QMEM_VIRTIO_MEM_ON_OFF_AUTO_ON
#define UI_OFF QMEM_VIRTIO_MEM_ON_OFF_AUTO_OFF
#define UI_AUTO QMEM_VIRTIO_MEM_ON_OFF_AUTO_AUTO

static QmemVirtioMemOnOffAuto on_off_auto(const char *nick)
{
    g_autoptr(GEnumClass) klass =
        g_type_class_ref(QMEM_TYPE_VIRTIO_MEM_ON_OFF_AUTO);
    GEnumValue *v = g_enum_get_value_by_nick(klass, nick ? nick : "on");

    g_assert_nonnull(v);
    return v->value;
}
#define ONE_NODE { .nb_numa_nodes = 1 }

static const RealizeCase realize_cases[] = {
    { "ok", RAM, .env = ONE_NODE },
    { "no-memdev", NULL, .env = ONE_NODE,
      .error = "'memdev' property is not set" },
    { "busy-memdev", RAM, TRUE, .env = ONE_NODE,
      .error = "'memdev' property specifies a busy memdev: m0" },
    { "rom-memdev", "memory-backend-file,id=m0,size=4M,mem-path=@DIR@/f,"
      "readonly=on,rom=on", .env = ONE_NODE,
      .error = "'memdev' property specifies an unsupported memdev" },
    { "prealloc-memdev", "memory-backend-ram,id=m0,size=4M,prealloc=on",
      .env = ONE_NODE,
      .error = "'memdev' property specifies a memdev with preallocation "
               "enabled: m0. Instead, specify 'prealloc=on' for the "
               "virtio-mem device. " },
    { "node-without-numa", RAM, .node = 1,
      .error = "'node' property has value '1', which exceedsthe number of "
               "numa nodes: 1" },
    { "node-0-without-numa", RAM },
    { "node-too-big", RAM, .node = 2, .env = { .nb_numa_nodes = 2 },
      .error = "'node' property has value '2', which exceedsthe number of "
               "numa nodes: 2" },
    { "node-last", RAM, .node = 1, .env = { .nb_numa_nodes = 2 } },
    { "mlock", RAM, .env = { .nb_numa_nodes = 1, .mlock = TRUE },
      .error = "Incompatible with mlock" },
    { "unplugged-inaccessible-off", "memory-backend-ram,id=m0,size=4M,"
      "share=on", .env = ONE_NODE, .unplugged_inaccessible = "off",
      .printed = "qmem-run: warning: 'unplugged-inaccessible' property set "
                 "to 'off' with a memdev that does not support the shared "
                 "zeropage.\n" },
    { "unplugged-inaccessible-off-private", RAM, .env = ONE_NODE,
      .unplugged_inaccessible = "off" },
    { "dynamic-memslots-off", RAM, .env = ONE_NODE,
      .unplugged_inaccessible = "off", .dynamic_memslots = TRUE,
      .error = "'dynamic-memslots' property set to 'on' requires "
               "'unplugged-inaccessible' to be 'on'" },
    /* auto with private anonymous memory resolves to off. */
    { "dynamic-memslots-auto", RAM, .env = ONE_NODE,
      .unplugged_inaccessible = "auto", .dynamic_memslots = TRUE,
      .error = "'dynamic-memslots' property set to 'on' requires "
               "'unplugged-inaccessible' to be 'on'" },
    { "dynamic-memslots-auto-shared", "memory-backend-ram,id=m0,size=4M,"
      "share=on", .env = ONE_NODE, .unplugged_inaccessible = "auto",
      .dynamic_memslots = TRUE },
    { "block-below-page-size", "memory-backend-memfd,id=m0,size=8M,"
      "hugetlb=on,reserve=off", .env = ONE_NODE, .block_size = 1 * MiB,
      .error = "'block-size' property has to be at least the page size "
               "(0x200000)" },
    { "block-below-default", RAM, .env = ONE_NODE, .block_size = 1 * MiB,
      .printed = "qmem-run: warning: 'block-size' property is smaller than "
                 "the default block size (2 MiB)\n" },
    { "requested-size-unaligned", RAM, .env = ONE_NODE,
      .requested_size = 1 * MiB,
      .error = "'requested-size' property has to be multiples of "
               "'block-size' (0x200000)" },
    { "requested-size-over-memdev", RAM, .env = ONE_NODE,
      .requested_size = 1 * GiB },
    { "memaddr-unaligned", RAM, .env = ONE_NODE, .addr = ADDR + MiB,
      .error = "'memaddr' property has to be multiples of 'block-size' "
               "(0x200000)" },
    { "memaddr-unaligned-4m", RAM, .env = ONE_NODE, .addr = ADDR + 2 * MiB,
      .block_size = 4 * MiB,
      .error = "'memaddr' property has to be multiples of 'block-size' "
               "(0x400000)" },
    { "memdev-size-unaligned", "memory-backend-ram,id=m0,size=3M",
      .env = ONE_NODE,
      .error = "'memdev' property memdev size has to be multiples "
               "of'block-size' (0x200000)" },
    { "discard-disabled", RAM,
      .env = { .nb_numa_nodes = 1, .discard_disabled = TRUE },
      .error = "Discarding RAM is disabled" },
    { "discard-fails", "memory-backend-file,id=m0,size=4M,mem-path=@DIR@/f,"
      "readonly=on,rom=off", .env = ONE_NODE,
      .error = "Unexpected error discarding RAM: Operation not permitted",
      .printed = "qmem-run: ram_block_discard_range: Discarding RAM with "
                 "readonly files is not supported\n" },
    { "incoming-migration", "memory-backend-file,id=m0,size=4M,"
      "mem-path=@DIR@/f,readonly=on,rom=off",
      .env = { .nb_numa_nodes = 1, .incoming_migration = TRUE } },
};

static void test_realize(Fixture *f, gconstpointer data)
{
    const RealizeCase *c = data;
    g_autoptr(GError) error = NULL;
    QmemVirtioMem *vmem = f->vmem;
    gboolean ok;

    if (c->backend) {
        /* An existing file for the file backends. */
        g_autofree char *path = g_build_filename(f->base.dir, "f", NULL);

        g_assert_true(g_file_set_contents(path, "", 0, NULL));
        g_assert_cmpint(truncate(path, 4 * MiB), ==, 0);
        add_backend(f, c->backend);
    }
    if (c->busy) {
        qmem_host_memory_backend_set_mapped(f->memdev, TRUE);
    }
    qmem_virtio_mem_set_node(vmem, c->node);
    qmem_virtio_mem_set_unplugged_inaccessible(
        vmem, on_off_auto(c->unplugged_inaccessible));
    qmem_virtio_mem_set_dynamic_memslots(vmem, c->dynamic_memslots);
    if (c->block_size) {
        g_assert_true(qmem_virtio_mem_set_block_size(vmem, c->block_size,
                                                     NULL));
    }
    g_assert_true(qmem_virtio_mem_set_requested_size(vmem, c->requested_size,
                                                     NULL));
    qmem_virtio_mem_set_addr(vmem, c->addr);
    f->base.expect_printed = c->printed;

    ok = qmem_virtio_mem_realize(vmem, &c->env, &error);
    if (c->error) {
        g_assert_false(ok);
        assert_error(error, c->error);
        g_assert_false(qmem_virtio_mem_is_realized(vmem));
        if (f->memdev && !c->busy) {
            g_assert_false(qmem_host_memory_backend_is_mapped(f->memdev));
        }
        if (c->busy) {
            qmem_host_memory_backend_set_mapped(f->memdev, FALSE);
        }
        return;
    }
    g_assert_true(ok);
    g_assert_no_error(error);
    g_assert_true(qmem_virtio_mem_is_realized(vmem));
    g_assert_true(qmem_host_memory_backend_is_mapped(f->memdev));
    /* "auto" is resolved. */
    g_assert_cmpint(qmem_virtio_mem_get_unplugged_inaccessible(vmem), !=,
                    UI_AUTO);
    qmem_virtio_mem_unrealize(vmem);
    g_assert_false(qmem_host_memory_backend_is_mapped(f->memdev));
    g_assert_false(qmem_virtio_mem_is_realized(vmem));
}

/* auto: off only for private anonymous memory of the host page size. */
static void test_unplugged_inaccessible_auto(Fixture *f, gconstpointer data)
{
    static const struct {
        const char *backend;
        QmemVirtioMemOnOffAuto resolved;
    } cases[] = {
        { "memory-backend-ram,id=m0,size=4M", UI_OFF },
        { "memory-backend-ram,id=m0,size=4M,share=on", UI_ON },
        { "memory-backend-memfd,id=m0,size=4M,share=off", UI_ON },
        { "memory-backend-file,id=m0,size=4M,mem-path=@DIR@/g", UI_ON },
        { "memory-backend-memfd,id=m0,size=4M,hugetlb=on,reserve=off",
          UI_ON },
    };

    for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
        qmem_virtio_mem_set_unplugged_inaccessible(f->vmem, UI_AUTO);
        add_backend(f, cases[i].backend);
        realize(f);
        g_assert_cmpint(qmem_virtio_mem_get_unplugged_inaccessible(f->vmem),
                        ==, cases[i].resolved);
        g_assert_cmpuint(device_features(f->vmem), ==,
                         QMEM_VIRTIO_DEFAULT_FEATURES |
                         (cases[i].resolved == UI_ON ?
                          F_UNPLUGGED_INACCESSIBLE : 0));
        qmem_virtio_mem_unrealize(f->vmem);
        qmem_virtio_mem_set_memdev(f->vmem, NULL);
        qmem_object_reset_root();
        g_assert_null(*f->memdev_weak);
    }
    /* The private file is discarded with a warning, once per process. */
    f->base.expect_printed =
        "qmem-run: warning: ram_block_discard_range: "
        "Discarding RAM in private file mappings is possibly dangerous, "
        "because it will modify the underlying file and will affect other "
        "users of the file\n";
}

/* ------------------------------------------------------------------ */
/* Usable region and requested-size */

typedef struct {
    const char *name;
    guint64 region;
    guint64 block;
    guint64 requested;
    guint64 usable;
} UsableCase;

static const UsableCase usable_cases[] = {
    { "zero", GiB, 2 * MiB, 0, 0 },
    { "one-block", GiB, 2 * MiB, 2 * MiB, 258 * MiB },
    { "extent", 4 * GiB, 2 * MiB, GiB, GiB + 256 * MiB },
    { "capped-by-region", GiB, 2 * MiB, 800 * MiB, GiB },
    { "all", GiB, 2 * MiB, GiB, GiB },
    { "rounded-up", 4 * GiB, 512 * MiB, 512 * MiB, GiB },
    { "block-1g", 4 * GiB, GiB, GiB, 2 * GiB },
};

static void test_usable_region(Fixture *f, gconstpointer data)
{
    const UsableCase *c = data;
    g_autofree char *text = g_strdup_printf(
        "memory-backend-ram,id=m0,size=%" PRIu64 ",reserve=off", c->region);

    add_backend(f, text);
    g_assert_true(qmem_virtio_mem_set_block_size(f->vmem, c->block, NULL));
    g_assert_true(qmem_virtio_mem_set_requested_size(f->vmem, c->requested,
                                                     NULL));
    realize(f);
    g_assert_cmpuint(qmem_virtio_mem_get_usable_region_size(f->vmem), ==,
                     c->usable);
}

static void test_requested_size(Fixture *f, gconstpointer data)
{
    QmemVirtioMem *vmem = f->vmem;
    g_autoptr(GError) error = NULL;
    QmemVirtioDevice *vdev = QMEM_VIRTIO_DEVICE(vmem);
    guint8 config[QMEM_VIRTIO_MEM_CONFIG_SIZE];

    setup_requests(f);
    start_driver(f, F_UNPLUGGED_INACCESSIBLE);
    g_assert_cmpuint(qmem_virtio_get_generation(vdev), ==, 0);

    g_assert_false(qmem_virtio_mem_set_requested_size(vmem, MiB, &error));
    assert_error(error, "'requested-size' has to be multiples of "
                 "'block-size' (0x200000)");
    g_clear_error(&error);
    g_assert_false(qmem_virtio_mem_set_requested_size(vmem, GiB + BLK,
                                                      &error));
    assert_error(error, "'requested-size' cannot exceed the memory backend "
                 "size(0x40000000)");
    g_clear_error(&error);
    /* Refused changes send no interrupt and change nothing. */
    g_assert_cmpuint(qmem_virtio_get_generation(vdev), ==, 0);
    g_assert_cmpuint(f->t->vectors->len, ==, 0);
    g_assert_cmpuint(qmem_virtio_mem_get_requested_size(vmem), ==, 32 * MiB);

    /* Grow: the usable region follows. */
    g_assert_true(qmem_virtio_mem_set_requested_size(vmem, 512 * MiB, NULL));
    g_assert_cmpuint(qmem_virtio_mem_get_usable_region_size(vmem), ==,
                     768 * MiB);
    g_assert_cmpuint(qmem_virtio_get_generation(vdev), ==, 1);
    g_assert_cmpuint(f->t->vectors->len, ==, 1);
    g_assert_cmpuint(g_array_index(f->t->vectors, guint16, 0), ==,
                     CONFIG_VECTOR);
    g_assert_cmpuint(qmem_virtio_read_and_clear_isr(vdev), ==,
                     QMEM_VIRTIO_ISR_QUEUE | QMEM_VIRTIO_ISR_CONFIG);
    plug_ok(vmem, ADDR + 700 * MiB, 4);

    /* Shrink: the usable region stays until UNPLUG_ALL. */
    g_assert_true(qmem_virtio_mem_set_requested_size(vmem, 0, NULL));
    g_assert_cmpuint(qmem_virtio_mem_get_usable_region_size(vmem), ==,
                     768 * MiB);
    /* The same value again: still an interrupt. */
    g_assert_true(qmem_virtio_mem_set_requested_size(vmem, 0, NULL));
    g_assert_cmpuint(qmem_virtio_get_generation(vdev), ==, 3);
    g_assert_cmpuint(f->t->vectors->len, ==, 3);
    /* Unplugging is always allowed, plugging is not. */
    g_assert_cmpuint(request(vmem, PLUG, ADDR, 1, NULL), ==, NACK);
    unplug_ok(vmem, ADDR + 700 * MiB, 1);

    /* The config space as the driver reads it, one byte at a time. */
    for (guint i = 0; i < sizeof(config); i++) {
        config[i] = qmem_virtio_config_read(vdev, i, 1);
    }
    g_assert_cmpuint(qmem_virtio_config_read(vdev, sizeof(config), 1), ==,
                     G_MAXUINT32);
    g_assert_cmpuint(qmem_virtio_config_read(vdev, 8, 4), ==, 0);
    /* Padding after node_id. */
    g_assert_cmpuint(qmem_virtio_config_read(vdev, 10, 4), ==, 0);
    g_assert_cmpuint(qmem_virtio_config_read(vdev, 12, 4), ==, 0);
    g_assert_cmpuint(get_le64(config), ==, BLK);
    g_assert_cmpuint(get_le16(config + 8), ==, 0);
    g_assert_cmpuint(get_le64(config + 16), ==, ADDR);
    g_assert_cmpuint(get_le64(config + 24), ==, GiB);
    g_assert_cmpuint(get_le64(config + 32), ==, 768 * MiB);
    g_assert_cmpuint(get_le64(config + 40), ==, 3 * BLK);
    g_assert_cmpuint(get_le64(config + 48), ==, 0);

    g_assert_cmpuint(request(vmem, UNPLUG_ALL, 0, 0, NULL), ==, ACK);
    g_assert_cmpuint(qmem_virtio_mem_get_usable_region_size(vmem), ==, 0);
    g_assert_cmpuint(qmem_virtio_mem_get_size(vmem), ==, 0);
    /* Everything is outside the usable region now. */
    g_assert_cmpuint(request(vmem, STATE, ADDR, 1, NULL), ==, ERROR);
}

/* Before realize anything is stored; realize checks it. */
static void test_requested_size_before_realize(Fixture *f, gconstpointer d)
{
    g_autoptr(GError) error = NULL;

    add_backend(f, "memory-backend-ram,id=m0,size=64M");
    g_assert_true(qmem_virtio_mem_set_requested_size(f->vmem, 3, &error));
    g_assert_true(qmem_virtio_mem_set_requested_size(f->vmem, 8 * GiB,
                                                     &error));
    g_assert_no_error(error);
    g_assert_cmpuint(qmem_virtio_mem_get_requested_size(f->vmem), ==,
                     8 * GiB);
    g_assert_cmpuint(qmem_virtio_get_generation(QMEM_VIRTIO_DEVICE(f->vmem)),
                     ==, 0);
    /* Too big is not a realize error: the usable region is capped. */
    realize(f);
    g_assert_cmpuint(qmem_virtio_mem_get_usable_region_size(f->vmem), ==,
                     64 * MiB);
}

/* ------------------------------------------------------------------ */
/* What the proxy asks */

static void test_unplug_request_check(Fixture *f, gconstpointer data)
{
    QmemVirtioMem *vmem = f->vmem;
    g_autoptr(GError) error = NULL;

    setup_requests(f);
    plug_ok(vmem, ADDR, 1);
    g_assert_false(qmem_virtio_mem_unplug_request_check(vmem, &error));
    assert_error(error, "virtio-mem device cannot get unplugged while some "
                 "of its memory is still plugged");
    g_clear_error(&error);
    unplug_ok(vmem, ADDR, 1);
    g_assert_false(qmem_virtio_mem_unplug_request_check(vmem, &error));
    assert_error(error, "virtio-mem device cannot get unplugged while "
                 "'requested-size' != '0'");
    g_clear_error(&error);
    g_assert_true(qmem_virtio_mem_set_requested_size(vmem, 0, NULL));
    g_assert_true(qmem_virtio_mem_unplug_request_check(vmem, &error));
    g_assert_no_error(error);
}

static void test_unplug_request_check_legacy(Fixture *f, gconstpointer d)
{
    g_autoptr(GError) error = NULL;

    add_backend(f, "memory-backend-ram,id=m0,size=64M");
    qmem_virtio_mem_set_unplugged_inaccessible(f->vmem, UI_AUTO);
    realize(f);
    g_assert_false(qmem_virtio_mem_unplug_request_check(f->vmem, &error));
    assert_error(error, "virtio-mem device cannot get unplugged while "
                 "'unplugged-inaccessible' != 'on'");
}

int main(int argc, char **argv)
{
    test_init(&argc, &argv);

    ADD_TABLE("thp", thp_cases, test_thp_probe);
    ADD("/hw/virtio/virtio-mem/defaults", NULL, test_defaults);
    ADD("/hw/virtio/virtio-mem/properties", NULL, test_properties);
    ADD_TABLE("block-size/set", block_size_cases, test_block_size_set);
    ADD("/hw/virtio/virtio-mem/block-size/default", NULL,
        test_block_size_default);
    ADD_TABLE("realize", realize_cases, test_realize);
    ADD("/hw/virtio/virtio-mem/realize/unplugged-inaccessible-auto", NULL,
        test_unplugged_inaccessible_auto);
    ADD_TABLE("usable-region", usable_cases, test_usable_region);
    ADD("/hw/virtio/virtio-mem/requested-size/after-realize", NULL,
        test_requested_size);
    ADD("/hw/virtio/virtio-mem/requested-size/before-realize", NULL,
        test_requested_size_before_realize);
    ADD("/hw/virtio/virtio-mem/unplug-request-check", NULL,
        test_unplug_request_check);
    ADD("/hw/virtio/virtio-mem/unplug-request-check/legacy", NULL,
        test_unplug_request_check_legacy);

    return g_test_run();
}
