/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Tests for virtio-mem: the device logic alone, and virtio-mem-pci on pc. */

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <glib/gstdio.h>

#include "accel/qtest/qtest.h"
#include "hw/core/boards.h"
#include "hw/core/qdev.h"
#include "hw/mem/memory-device.h"
#include "hw/virtio/virtio-mem.h"
#include "monitor/qmp.h"
#include "qapi/opts.h"
#include "qobject/json.h"
#include "qom/module.h"
#include "qom/property.h"
#include "qom/qom-qmp-cmds.h"
#include "qom/user-creatable.h"
#include "system/accel.h"
#include "system/hostmem.h"
#include "tests/unit/qmp-test.h"
#include "util/error.h"

#define MiB (G_GUINT64_CONSTANT(1) << 20)
#define GiB (G_GUINT64_CONSTANT(1) << 30)
#define BLK (2 * MiB)

/* Where the engine tests put the device, as a pc machine with 1G would. */
#define ADDR (4 * GiB)

/* ------------------------------------------------------------------ */
/* Common helpers */

static GString *printerr_capture;

static void capture_printerr(const char *text)
{
    g_string_append(printerr_capture, text);
}

static void assert_error(GError *error, const char *message)
{
    g_assert_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC);
    g_assert_cmpstr(error->message, ==, message);
}

static JsonObject *opts(const char *text, const char *implied)
{
    g_autoptr(GError) error = NULL;
    JsonObject *o = qmem_opts_parse(text, implied, NULL, &error);

    g_assert_no_error(error);
    return o;
}

static void put_le16(guint8 *p, guint16 v)
{
    p[0] = v;
    p[1] = v >> 8;
}

static void put_le64(guint8 *p, guint64 v)
{
    for (int i = 0; i < 8; i++) {
        p[i] = v >> (8 * i);
    }
}

static guint16 get_le16(const guint8 *p)
{
    return p[0] | p[1] << 8;
}

static guint64 get_le64(const guint8 *p)
{
    guint64 v = 0;

    for (int i = 7; i >= 0; i--) {
        v = v << 8 | p[i];
    }
    return v;
}

static void build_request(guint8 *req, guint16 type, guint64 addr,
                          guint16 nb_blocks)
{
    memset(req, 0, QMEM_VIRTIO_MEM_REQ_SIZE);
    put_le16(req, type);
    put_le64(req + 8, addr);
    put_le16(req + 16, nb_blocks);
}

/* A guest request that must get a response; returns its type. */
static guint16 request(QmemVirtioMem *vmem, guint16 type, guint64 addr,
                       guint16 nb_blocks, guint16 *state)
{
    g_autoptr(GError) error = NULL;
    guint8 req[QMEM_VIRTIO_MEM_REQ_SIZE];
    guint8 resp[QMEM_VIRTIO_MEM_RESP_SIZE + 2];

    build_request(req, type, addr, nb_blocks);
    memset(resp, 0xaa, sizeof(resp));
    g_assert_true(qmem_virtio_mem_handle_request(vmem, req, sizeof(req),
                                                 resp, sizeof(resp), &error));
    g_assert_no_error(error);
    /* Padding is zero; nothing beyond the 10 bytes is written. */
    g_assert_cmpuint(get_le16(resp + 2), ==, 0);
    g_assert_cmpuint(get_le16(resp + 4), ==, 0);
    g_assert_cmpuint(get_le16(resp + 6), ==, 0);
    g_assert_cmpuint(resp[10], ==, 0xaa);
    g_assert_cmpuint(resp[11], ==, 0xaa);
    if (state) {
        *state = get_le16(resp + 8);
    } else if (type != QMEM_VIRTIO_MEM_REQ_STATE) {
        g_assert_cmpuint(get_le16(resp + 8), ==, 0);
    }
    return get_le16(resp);
}

static void plug_ok(QmemVirtioMem *vmem, guint64 addr, guint16 nb)
{
    g_assert_cmpuint(request(vmem, QMEM_VIRTIO_MEM_REQ_PLUG, addr, nb, NULL),
                     ==, QMEM_VIRTIO_MEM_RESP_ACK);
}

static void unplug_ok(QmemVirtioMem *vmem, guint64 addr, guint16 nb)
{
    g_assert_cmpuint(request(vmem, QMEM_VIRTIO_MEM_REQ_UNPLUG, addr, nb,
                             NULL), ==, QMEM_VIRTIO_MEM_RESP_ACK);
}

/*
 * Resident bytes of [start, start + len): the /proc/self/smaps Rss of the
 * mappings it lies in (the backend's own), and, exactly, mincore().
 */
static guint64 smaps_rss(const void *start, gsize len)
{
    g_autofree char *text = NULL;
    g_auto(GStrv) lines = NULL;
    guintptr lo = (guintptr)start, hi = lo + len;
    gboolean in = FALSE;
    guint64 rss = 0;

    g_assert_true(g_file_get_contents("/proc/self/smaps", &text, NULL,
                                      NULL));
    lines = g_strsplit(text, "\n", -1);
    for (guint i = 0; lines[i]; i++) {
        unsigned long a, b, kb;

        if (sscanf(lines[i], "%lx-%lx ", &a, &b) == 2 &&
            strchr(lines[i], '-') < strchr(lines[i], ' ')) {
            in = a < hi && b > lo;
        } else if (in && sscanf(lines[i], "Rss: %lu kB", &kb) == 1) {
            rss += (guint64)kb * 1024;
        }
    }
    return rss;
}

static guint64 mincore_resident(const void *start, gsize len)
{
    const gsize page = sysconf(_SC_PAGESIZE);
    g_autofree unsigned char *vec = g_malloc(len / page);
    guint64 n = 0;

    g_assert_cmpint(mincore((void *)start, len, vec), ==, 0);
    for (gsize i = 0; i < len / page; i++) {
        n += vec[i] & 1;
    }
    return n * page;
}

/* ------------------------------------------------------------------ */
/* Engine fixture: a QmemVirtioMem and its backend, no machine */

typedef struct {
    QmemVirtioMem *vmem;
    QmemHostMemoryBackend *memdev;
    char *dir;
    GPrintFunc old_printerr;
    const char *expect_printed;
    gpointer memdev_weak;
    gpointer vmem_weak;
    guint size_changes;
    guint64 last_size;
} Fixture;

static void fixture_setup(Fixture *f, gconstpointer data)
{
    f->dir = g_dir_make_tmp("test-virtio-mem-XXXXXX", NULL);
    g_assert_nonnull(f->dir);
    printerr_capture = g_string_new(NULL);
    f->old_printerr = g_set_printerr_handler(capture_printerr);
    f->vmem = qmem_virtio_mem_new();
    f->vmem_weak = f->vmem;
    g_object_add_weak_pointer(G_OBJECT(f->vmem), &f->vmem_weak);
}

static void remove_dir(const char *dir)
{
    g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
    const char *name;

    while (d && (name = g_dir_read_name(d))) {
        g_autofree char *path = g_build_filename(dir, name, NULL);

        g_assert_cmpint(g_unlink(path), ==, 0);
    }
    g_assert_cmpint(g_rmdir(dir), ==, 0);
}

static void fixture_teardown(Fixture *f, gconstpointer data)
{
    g_clear_object(&f->vmem);
    g_assert_null(f->vmem_weak);
    qmem_object_reset_root();
    /* The backend went with the device and the tree. */
    g_assert_null(f->memdev_weak);
    remove_dir(f->dir);
    g_free(f->dir);
    g_set_printerr_handler(f->old_printerr);
    g_assert_cmpstr(printerr_capture->str, ==, f->expect_printed ?: "");
    g_string_free(printerr_capture, TRUE);
    printerr_capture = NULL;
}

/* -object TEXT ("@DIR@" is the fixture's directory); memdev of the device. */
static QmemHostMemoryBackend *add_backend(Fixture *f, const char *text)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(GString) s = g_string_new(text);
    g_autoptr(JsonObject) o = NULL;
    QmemObject *obj;

    g_string_replace(s, "@DIR@", f->dir, 0);
    o = opts(s->str, "qom-type");
    obj = qmem_user_creatable_add(o, QMEM_INPUT_OPTS, &error);
    g_assert_no_error(error);
    f->memdev = QMEM_HOST_MEMORY_BACKEND(obj);
    f->memdev_weak = obj;
    g_object_add_weak_pointer(G_OBJECT(obj), &f->memdev_weak);
    qmem_virtio_mem_set_memdev(f->vmem, f->memdev);
    return f->memdev;
}

static const QmemVirtioMemEnv env_default = { .nb_numa_nodes = 1 };

static void realize(Fixture *f)
{
    g_autoptr(GError) error = NULL;

    g_assert_true(qmem_virtio_mem_realize(f->vmem, &env_default, &error));
    g_assert_no_error(error);
}

/* notify::size, QEMU's size-change notifier. */
static void on_size_change(QmemVirtioMem *vmem, GParamSpec *pspec,
                           gpointer data)
{
    Fixture *f = data;

    f->size_changes++;
    f->last_size = qmem_virtio_mem_get_size(vmem);
}

/* 1 GiB of anonymous memory at ADDR, 32 MiB requested: 288 MiB usable. */
static void setup_requests(Fixture *f)
{
    g_autoptr(GError) error = NULL;

    add_backend(f, "memory-backend-ram,id=m0,size=1G,reserve=off");
    qmem_virtio_mem_set_addr(f->vmem, ADDR);
    g_assert_true(qmem_virtio_mem_set_requested_size(f->vmem, 32 * MiB,
                                                     &error));
    g_signal_connect(f->vmem, "notify::size", G_CALLBACK(on_size_change), f);
    realize(f);
    g_assert_cmpuint(qmem_virtio_mem_get_block_size(f->vmem), ==, BLK);
    g_assert_cmpuint(qmem_virtio_mem_get_usable_region_size(f->vmem), ==,
                     288 * MiB);
}

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
    g_autofree char *dir = g_build_filename(f->dir, "thp", NULL);

    if (!c->no_dir) {
        g_assert_cmpint(g_mkdir(dir, 0700), ==, 0);
    }
    if (c->content) {
        g_autofree char *path = g_build_filename(dir, "hpage_pmd_size", NULL);

        g_assert_true(g_file_set_contents(path, c->content, -1, NULL));
    }
    g_assert_cmpuint(qmem_virtio_mem_probe_thp_size(dir), ==, c->size);
    g_assert_cmpstr(printerr_capture->str, ==, c->printed);
    g_string_truncate(printerr_capture, 0);
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
        "\"on\")\n");

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
        g_autofree char *path = g_build_filename(f->dir, "f", NULL);

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
    f->expect_printed = c->printed;

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
        g_assert_cmpuint(qmem_virtio_mem_get_features(f->vmem), ==,
                         cases[i].resolved == UI_ON ? 2 : 0);
        qmem_virtio_mem_unrealize(f->vmem);
        qmem_virtio_mem_set_memdev(f->vmem, NULL);
        qmem_object_reset_root();
        g_assert_null(f->memdev_weak);
    }
    /* The private file is discarded with a warning, once per process. */
    f->expect_printed = "qmem-run: warning: ram_block_discard_range: "
        "Discarding RAM in private file mappings is possibly dangerous, "
        "because it will modify the underlying file and will affect other "
        "users of the file\n";
}

/* ------------------------------------------------------------------ */
/* Guest requests, table-driven */

typedef struct {
    guint16 type;
    gint64 offset;              /* from ADDR */
    guint16 nb_blocks;
} Step;

typedef struct {
    const char *name;
    Step before[3];             /* requests that must be ACKed first */
    Step req;
    guint64 addr;               /* absolute address instead of offset */
    guint16 response;
    gint state;                 /* -1: not a state request */
    guint64 size_after;         /* plugged bytes afterwards */
} RequestCase;

#define PLUG QMEM_VIRTIO_MEM_REQ_PLUG
#define UNPLUG QMEM_VIRTIO_MEM_REQ_UNPLUG
#define UNPLUG_ALL QMEM_VIRTIO_MEM_REQ_UNPLUG_ALL
#define STATE QMEM_VIRTIO_MEM_REQ_STATE
#define ACK QMEM_VIRTIO_MEM_RESP_ACK
#define NACK QMEM_VIRTIO_MEM_RESP_NACK
#define BUSY QMEM_VIRTIO_MEM_RESP_BUSY
#define ERROR QMEM_VIRTIO_MEM_RESP_ERROR
#define S_PLUGGED QMEM_VIRTIO_MEM_STATE_PLUGGED
#define S_UNPLUGGED QMEM_VIRTIO_MEM_STATE_UNPLUGGED
#define S_MIXED QMEM_VIRTIO_MEM_STATE_MIXED
#define USABLE (288 * MiB)
#define END_BLOCK ((gint64)(USABLE - BLK))
#define NONE { 0, 0, 0 }
#define REQ(t, o, n) { t, o, n }
#define P(o, n) { PLUG, o, n }

static const RequestCase request_cases[] = {
    /* PLUG */
    { "plug/one", { NONE }, REQ(PLUG, 0, 1), 0, ACK, -1, BLK },
    { "plug/requested-size", { NONE }, REQ(PLUG, 4 * BLK, 16), 0, ACK, -1,
      32 * MiB },
    { "plug/last-usable-block", { NONE }, REQ(PLUG, END_BLOCK, 1), 0, ACK,
      -1, BLK },
    { "plug/nack-over-requested", { NONE }, REQ(PLUG, 0, 17), 0, NACK, -1,
      0 },
    { "plug/nack-cumulative", { P(0, 16) }, REQ(PLUG, 16 * BLK, 1), 0,
      NACK, -1, 32 * MiB },
    { "plug/nack-before-state", { P(0, 16) }, REQ(PLUG, 0, 1), 0, NACK,
      -1, 32 * MiB },
    { "plug/error-plugged", { P(0, 1) }, REQ(PLUG, 0, 1), 0, ERROR, -1,
      BLK },
    { "plug/error-partly-plugged", { P(BLK, 1) }, REQ(PLUG, 0, 2), 0,
      ERROR, -1, BLK },
    { "plug/error-misaligned-1m", { NONE }, REQ(PLUG, MiB, 1), 0, ERROR,
      -1, 0 },
    { "plug/error-misaligned-4k", { NONE }, REQ(PLUG, 4096, 1), 0, ERROR,
      -1, 0 },
    { "plug/error-no-blocks", { NONE }, REQ(PLUG, 0, 0), 0, ERROR, -1, 0 },
    { "plug/error-below", { NONE }, REQ(PLUG, -(gint64)BLK, 1), 0, ERROR,
      -1, 0 },
    { "plug/error-straddles-start", { NONE }, REQ(PLUG, -(gint64)BLK, 2),
      0, ERROR, -1, 0 },
    { "plug/error-usable-end", { NONE }, REQ(PLUG, USABLE, 1), 0, ERROR,
      -1, 0 },
    { "plug/error-straddles-usable-end", { NONE }, REQ(PLUG, END_BLOCK, 2),
      0, ERROR, -1, 0 },
    { "plug/error-beyond-region", { NONE }, REQ(PLUG, GiB, 1), 0, ERROR,
      -1, 0 },
    { "plug/error-many-blocks", { NONE }, REQ(PLUG, 0, 65535), 0, ERROR,
      -1, 0 },
    { "plug/error-range-before-nack", { NONE },
      REQ(PLUG, -(gint64)BLK, 17), 0, ERROR, -1, 0 },
    { "plug/error-addr-0", { NONE }, REQ(PLUG, 0, 1), 1, ERROR, -1, 0 },
    { "plug/error-overflow", { NONE }, REQ(PLUG, 0, 2),
      G_GUINT64_CONSTANT(0xffffffffffe00000), ERROR, -1, 0 },
    { "plug/error-top-of-memory", { NONE }, REQ(PLUG, 0, 1),
      G_GUINT64_CONSTANT(0xffffffffffe00000), ERROR, -1, 0 },
    /* UNPLUG */
    { "unplug/all-of-it", { P(0, 4) }, REQ(UNPLUG, 0, 4), 0, ACK, -1, 0 },
    { "unplug/part", { P(0, 4) }, REQ(UNPLUG, BLK, 2), 0, ACK, -1,
      2 * BLK },
    { "unplug/at-requested-size", { P(0, 16) }, REQ(UNPLUG, 0, 1), 0, ACK,
      -1, 30 * MiB },
    { "unplug/error-unplugged", { NONE }, REQ(UNPLUG, 0, 1), 0, ERROR, -1,
      0 },
    { "unplug/error-partly-plugged", { P(0, 1) }, REQ(UNPLUG, 0, 2), 0,
      ERROR, -1, BLK },
    { "unplug/error-misaligned", { P(0, 2) }, REQ(UNPLUG, MiB, 1), 0,
      ERROR, -1, 2 * BLK },
    { "unplug/error-no-blocks", { P(0, 1) }, REQ(UNPLUG, 0, 0), 0, ERROR,
      -1, BLK },
    { "unplug/error-below", { P(0, 1) }, REQ(UNPLUG, -(gint64)BLK, 2), 0,
      ERROR, -1, BLK },
    { "unplug/error-straddles-usable-end", { P(END_BLOCK, 1) },
      REQ(UNPLUG, END_BLOCK, 2), 0, ERROR, -1, BLK },
    { "unplug/error-overflow", { NONE }, REQ(UNPLUG, 0, 2),
      G_GUINT64_CONSTANT(0xffffffffffe00000), ERROR, -1, 0 },
    /* UNPLUG_ALL */
    { "unplug-all/nothing-plugged", { NONE }, REQ(UNPLUG_ALL, 0, 0), 0, ACK,
      -1, 0 },
    { "unplug-all/plugged", { P(0, 4), P(10 * BLK, 3) },
      REQ(UNPLUG_ALL, 0, 0), 0, ACK, -1, 0 },
    { "unplug-all/ignores-range", { P(0, 1) }, REQ(UNPLUG_ALL, 0, 65535),
      G_GUINT64_CONSTANT(0xffffffffffffffff), ACK, -1, 0 },
    /* STATE */
    { "state/unplugged", { NONE }, REQ(STATE, 0, 4), 0, ACK, S_UNPLUGGED,
      0 },
    { "state/plugged", { P(0, 4) }, REQ(STATE, 0, 4), 0, ACK, S_PLUGGED,
      4 * BLK },
    { "state/mixed", { P(0, 1) }, REQ(STATE, 0, 2), 0, ACK, S_MIXED, BLK },
    { "state/mixed-inside", { P(BLK, 1) }, REQ(STATE, 0, 3), 0, ACK, S_MIXED,
      BLK },
    { "state/one-plugged", { P(BLK, 1) }, REQ(STATE, BLK, 1), 0, ACK,
      S_PLUGGED, BLK },
    { "state/neighbour", { P(BLK, 1) }, REQ(STATE, 2 * BLK, 1), 0, ACK,
      S_UNPLUGGED, BLK },
    { "state/whole-usable-region", { NONE }, REQ(STATE, 0, USABLE / BLK), 0,
      ACK, S_UNPLUGGED, 0 },
    { "state/error-usable-region-plus-one", { NONE },
      REQ(STATE, 0, USABLE / BLK + 1), 0, ERROR, -1, 0 },
    { "state/error-misaligned", { NONE }, REQ(STATE, MiB, 1), 0, ERROR, -1,
      0 },
    { "state/error-no-blocks", { NONE }, REQ(STATE, 0, 0), 0, ERROR, -1, 0 },
    { "state/error-below", { NONE }, REQ(STATE, -(gint64)BLK, 1), 0, ERROR,
      -1, 0 },
    { "state/error-usable-end", { NONE }, REQ(STATE, USABLE, 1), 0, ERROR,
      -1, 0 },
    { "state/error-overflow", { NONE }, REQ(STATE, 0, 2),
      G_GUINT64_CONSTANT(0xffffffffffe00000), ERROR, -1, 0 },
};

/* Which blocks are plugged, for "nothing changed" checks. */
static GString *snapshot(QmemVirtioMem *vmem)
{
    GString *s = g_string_new(NULL);
    guint64 region = qmem_virtio_mem_get_region_size(vmem);

    for (guint64 off = 0; off < region; off += BLK) {
        g_string_append_c(s, qmem_virtio_mem_is_range_plugged(
                                 vmem, ADDR + off, BLK) ? '1' : '0');
    }
    g_string_append_printf(s, " size=%" PRIu64 " usable=%" PRIu64,
                           qmem_virtio_mem_get_size(vmem),
                           qmem_virtio_mem_get_usable_region_size(vmem));
    return s;
}

static void test_request(Fixture *f, gconstpointer data)
{
    const RequestCase *c = data;
    QmemVirtioMem *vmem = f->vmem;
    g_autoptr(GString) before = NULL, after = NULL;
    guint changes;
    guint16 state = 0xffff;
    guint64 addr;

    setup_requests(f);
    for (guint i = 0; i < G_N_ELEMENTS(c->before) && c->before[i].nb_blocks;
         i++) {
        g_assert_cmpuint(request(vmem, c->before[i].type,
                                 ADDR + c->before[i].offset,
                                 c->before[i].nb_blocks, NULL), ==, ACK);
    }
    before = snapshot(vmem);
    changes = f->size_changes;

    addr = c->addr ? c->addr : ADDR + c->req.offset;
    if (c->addr == 1) {
        addr = 0;
    }
    g_assert_cmpuint(request(vmem, c->req.type, addr, c->req.nb_blocks,
                             &state), ==, c->response);
    if (c->state >= 0) {
        g_assert_cmpint(state, ==, c->state);
    } else {
        g_assert_cmpint(state, ==, 0);
    }
    g_assert_cmpuint(qmem_virtio_mem_get_size(vmem), ==, c->size_after);

    after = snapshot(vmem);
    if (c->response != ACK || c->req.type == STATE) {
        /* Refused requests and queries change nothing. */
        g_assert_cmpstr(after->str, ==, before->str);
        g_assert_cmpuint(f->size_changes, ==, changes);
    } else if (strcmp(before->str, after->str)) {
        g_assert_cmpuint(f->size_changes, ==, changes + 1);
        g_assert_cmpuint(f->last_size, ==, c->size_after);
    } else {
        /* UNPLUG_ALL with nothing plugged. */
        g_assert_cmpuint(f->size_changes, ==, changes);
    }
    g_assert_false(qmem_virtio_mem_is_broken(vmem));
}

/* ------------------------------------------------------------------ */
/* Protocol violations */

static void test_violation_short_request(Fixture *f, gconstpointer data)
{
    g_autoptr(GError) error = NULL;
    guint8 req[QMEM_VIRTIO_MEM_REQ_SIZE], resp[QMEM_VIRTIO_MEM_RESP_SIZE];

    setup_requests(f);
    build_request(req, PLUG, ADDR, 1);
    memset(resp, 0x55, sizeof(resp));
    g_assert_false(qmem_virtio_mem_handle_request(f->vmem, req, 23, resp,
                                                  sizeof(resp), &error));
    /* QEMU prints the size it wanted, not the one it got. */
    assert_error(error, "virtio-mem protocol violation: invalid request "
                 "size: 24");
    g_assert_true(qmem_virtio_mem_is_broken(f->vmem));
    g_assert_cmpuint(resp[0], ==, 0x55);
    g_clear_error(&error);

    /* Broken: even a good request is refused, and changes nothing. */
    g_assert_false(qmem_virtio_mem_handle_request(f->vmem, req, sizeof(req),
                                                  resp, sizeof(resp),
                                                  &error));
    assert_error(error, "virtio-mem device needs a reset after a protocol "
                 "violation");
    g_assert_cmpuint(qmem_virtio_mem_get_size(f->vmem), ==, 0);
    g_clear_error(&error);
    g_assert_false(qmem_virtio_mem_handle_request(f->vmem, NULL, 0, NULL, 0,
                                                  &error));
    g_clear_error(&error);

    /* The virtio reset of a system reset repairs it. */
    qmem_virtio_mem_system_reset(f->vmem, TRUE);
    g_assert_false(qmem_virtio_mem_is_broken(f->vmem));
    plug_ok(f->vmem, ADDR, 1);
}

static void test_violation_short_response(Fixture *f, gconstpointer data)
{
    g_autoptr(GError) error = NULL;
    guint8 req[QMEM_VIRTIO_MEM_REQ_SIZE + 8], resp[QMEM_VIRTIO_MEM_RESP_SIZE];

    setup_requests(f);
    build_request(req, PLUG, ADDR, 1);
    g_assert_false(qmem_virtio_mem_handle_request(f->vmem, req, sizeof(req),
                                                  resp, 9, &error));
    assert_error(error, "virtio-mem protocol violation: not enough space "
                 "for response: 9");
    g_assert_true(qmem_virtio_mem_is_broken(f->vmem));
    /* The request was not carried out. */
    g_assert_cmpuint(qmem_virtio_mem_get_size(f->vmem), ==, 0);
    qmem_virtio_mem_system_reset(f->vmem, FALSE);
    g_clear_error(&error);
    g_assert_false(qmem_virtio_mem_handle_request(f->vmem, req, sizeof(req),
                                                  resp, 0, &error));
    assert_error(error, "virtio-mem protocol violation: not enough space "
                 "for response: 0");
    qmem_virtio_mem_system_reset(f->vmem, FALSE);

    /* A longer request is fine: only the first 24 bytes count. */
    memset(req + QMEM_VIRTIO_MEM_REQ_SIZE, 0xff, 8);
    g_assert_true(qmem_virtio_mem_handle_request(f->vmem, req, sizeof(req),
                                                 resp, sizeof(resp), NULL));
    g_assert_cmpuint(get_le16(resp), ==, ACK);
}

static void test_violation_unknown_type(Fixture *f, gconstpointer data)
{
    static const guint16 types[] = { 4, 0x100, 0xffff };
    guint8 req[QMEM_VIRTIO_MEM_REQ_SIZE], resp[QMEM_VIRTIO_MEM_RESP_SIZE];

    setup_requests(f);
    for (guint i = 0; i < G_N_ELEMENTS(types); i++) {
        g_autoptr(GError) error = NULL;
        g_autofree char *text = g_strdup_printf(
            "virtio-mem protocol violation: unknown request type: %u",
            types[i]);

        build_request(req, types[i], ADDR, 1);
        g_assert_false(qmem_virtio_mem_handle_request(f->vmem, req,
                                                      sizeof(req), resp,
                                                      sizeof(resp), &error));
        assert_error(error, text);
        g_assert_true(qmem_virtio_mem_is_broken(f->vmem));
        qmem_virtio_mem_system_reset(f->vmem, TRUE);
    }
}

/* Padding and the state field of non-state requests are not looked at. */
static void test_request_padding(Fixture *f, gconstpointer data)
{
    guint8 req[QMEM_VIRTIO_MEM_REQ_SIZE], resp[QMEM_VIRTIO_MEM_RESP_SIZE];

    setup_requests(f);
    memset(req, 0xff, sizeof(req));
    put_le16(req, PLUG);
    put_le64(req + 8, ADDR + BLK);
    put_le16(req + 16, 2);
    g_assert_true(qmem_virtio_mem_handle_request(f->vmem, req, sizeof(req),
                                                 resp, sizeof(resp), NULL));
    g_assert_cmpuint(get_le16(resp), ==, ACK);
    g_assert_cmpuint(get_le64(resp) >> 16, ==, 0);
    g_assert_true(qmem_virtio_mem_is_range_plugged(f->vmem, ADDR + BLK,
                                                   2 * BLK));
    g_assert_true(qmem_virtio_mem_is_range_unplugged(f->vmem, ADDR, BLK));
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
    guint8 config[QMEM_VIRTIO_MEM_CONFIG_SIZE];

    setup_requests(f);
    g_assert_cmpuint(qmem_virtio_mem_get_config_changes(vmem), ==, 0);

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
    g_assert_cmpuint(qmem_virtio_mem_get_config_changes(vmem), ==, 0);
    g_assert_cmpuint(qmem_virtio_mem_get_requested_size(vmem), ==, 32 * MiB);

    /* Grow: the usable region follows. */
    g_assert_true(qmem_virtio_mem_set_requested_size(vmem, 512 * MiB, NULL));
    g_assert_cmpuint(qmem_virtio_mem_get_usable_region_size(vmem), ==,
                     768 * MiB);
    g_assert_cmpuint(qmem_virtio_mem_get_config_changes(vmem), ==, 1);
    plug_ok(vmem, ADDR + 700 * MiB, 4);

    /* Shrink: the usable region stays until UNPLUG_ALL. */
    g_assert_true(qmem_virtio_mem_set_requested_size(vmem, 0, NULL));
    g_assert_cmpuint(qmem_virtio_mem_get_usable_region_size(vmem), ==,
                     768 * MiB);
    /* The same value again: still an interrupt. */
    g_assert_true(qmem_virtio_mem_set_requested_size(vmem, 0, NULL));
    g_assert_cmpuint(qmem_virtio_mem_get_config_changes(vmem), ==, 3);
    /* Unplugging is always allowed, plugging is not. */
    g_assert_cmpuint(request(vmem, PLUG, ADDR, 1, NULL), ==, NACK);
    unplug_ok(vmem, ADDR + 700 * MiB, 1);

    qmem_virtio_mem_get_config(vmem, config);
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
    g_assert_cmpuint(qmem_virtio_mem_get_config_changes(f->vmem), ==, 0);
    /* Too big is not a realize error: the usable region is capped. */
    realize(f);
    g_assert_cmpuint(qmem_virtio_mem_get_usable_region_size(f->vmem), ==,
                     64 * MiB);
}

/* ------------------------------------------------------------------ */
/* Dynamic memslots */

typedef struct {
    const char *name;
    guint64 region;
    guint64 block;              /* 0: default */
    guint limit;
    gboolean dynamic;
    guint memslots;
    guint64 memslot_size;       /* after realize */
} DecideCase;

static const DecideCase decide_cases[] = {
    { "off", 8 * GiB, 0, 256, FALSE, 1, 0 },
    { "1t-256", 1024 * GiB, 0, 256, TRUE, 256, 4 * GiB },
    { "1t-1", 1024 * GiB, 0, 1, TRUE, 1, 1024 * GiB },
    { "1t-0", 1024 * GiB, 0, 0, TRUE, 1, 1024 * GiB },
    /* At least 1 GiB per memslot. */
    { "1t-5000", 1024 * GiB, 0, 5000, TRUE, 1024, GiB },
    /* The last memslot is shorter: 5 GiB in 1708 MiB memslots. */
    { "5g-3", 5 * GiB, 0, 3, TRUE, 3, 1708 * MiB },
    { "8g-8", 8 * GiB, 0, 8, TRUE, 8, GiB },
    { "below-1g", 512 * MiB, 0, 8, TRUE, 1, 512 * MiB },
    { "1g", GiB, 0, 8, TRUE, 1, GiB },
    /* Memslots hold whole blocks. */
    { "block-2g", 8 * GiB, 2 * GiB, 100, TRUE, 4, 2 * GiB },
    /* Realize would fail: one memslot. */
    { "memdev-unaligned", 5 * GiB, 4 * GiB, 8, TRUE, 1, 0 },
};

static void test_decide_memslots(Fixture *f, gconstpointer data)
{
    const DecideCase *c = data;
    g_autofree char *text = g_strdup_printf(
        "memory-backend-ram,id=m0,size=%" PRIu64 ",reserve=off", c->region);

    add_backend(f, text);
    qmem_virtio_mem_set_dynamic_memslots(f->vmem, c->dynamic);
    if (c->block) {
        g_assert_true(qmem_virtio_mem_set_block_size(f->vmem, c->block,
                                                     NULL));
    }
    /* Undecided: one. */
    g_assert_cmpuint(qmem_virtio_mem_get_memslots(f->vmem), ==, 1);
    qmem_virtio_mem_decide_memslots(f->vmem, c->limit);
    g_assert_cmpuint(qmem_virtio_mem_get_memslots(f->vmem), ==, c->memslots);
    if (c->dynamic) {
        /* Deciding resolved the default block size. */
        g_assert_cmpuint(qmem_virtio_mem_get_block_size(f->vmem), ==,
                         c->block ? c->block : BLK);
    }
    if (!c->memslot_size) {
        return;
    }
    realize(f);
    g_assert_cmpuint(qmem_virtio_mem_get_memslots(f->vmem), ==, c->memslots);
    g_assert_cmpuint(qmem_virtio_mem_get_memslot_size(f->vmem), ==,
                     c->dynamic ? c->memslot_size : 0);
    g_assert_cmpuint(qmem_virtio_mem_get_active_memslots(f->vmem), ==, 0);
}

typedef struct {
    guint adds;
    guint dels;
    guint commits;
} ListenerCount;

typedef struct {
    QmemMemoryListener listener;
    ListenerCount count;
} CountingListener;

static void counting_add(QmemMemoryListener *l, const QmemMemorySection *s)
{
    ((CountingListener *)l)->count.adds++;
}

static void counting_del(QmemMemoryListener *l, const QmemMemorySection *s)
{
    ((CountingListener *)l)->count.dels++;
}

static void counting_commit(QmemMemoryListener *l)
{
    ((CountingListener *)l)->count.commits++;
}

/* "01100": which memslots are active. */
static char *active_memslots(QmemVirtioMem *vmem)
{
    GString *s = g_string_new(NULL);

    for (guint i = 0; i < qmem_virtio_mem_get_memslots(vmem); i++) {
        g_string_append_c(s, qmem_virtio_mem_memslot_is_active(vmem, i) ?
                             '1' : '0');
    }
    return g_string_free(s, FALSE);
}

#define ASSERT_ACTIVE(vmem, expected) \
    do { \
        g_autofree char *active_ = active_memslots(vmem); \
        g_assert_cmpstr(active_, ==, expected); \
    } while (0)

#define ASSERT_COUNT(cl, a, d, c) \
    do { \
        g_assert_cmpuint((cl)->count.adds, ==, a); \
        g_assert_cmpuint((cl)->count.dels, ==, d); \
        g_assert_cmpuint((cl)->count.commits, ==, c); \
        memset(&(cl)->count, 0, sizeof((cl)->count)); \
    } while (0)

/* 5 GiB in 3 memslots of 1708 MiB (the last 1704 MiB), all requested. */
static void test_memslot_activation(Fixture *f, gconstpointer data)
{
    QmemVirtioMem *vmem = f->vmem;
    const guint64 slot = 1708 * MiB;
    CountingListener cl = {
        .listener = {
            .region_add = counting_add,
            .region_del = counting_del,
            .commit = counting_commit,
            .name = "test",
        },
    };
    QmemAddressSpace *as;
    const QmemMemorySection *sections;
    guint n;

    add_backend(f, "memory-backend-ram,id=m0,size=5G,reserve=off");
    qmem_virtio_mem_set_dynamic_memslots(vmem, TRUE);
    qmem_virtio_mem_set_addr(vmem, ADDR);
    g_assert_true(qmem_virtio_mem_set_requested_size(vmem, 5 * GiB, NULL));
    qmem_virtio_mem_decide_memslots(vmem, 3);
    realize(f);
    /* What a machine maps, seen by a listener as KVM would. */
    as = qmem_address_space_new("test",
                                qmem_virtio_mem_get_memory_region(vmem,
                                                                  NULL));
    g_assert_cmpstr(qmem_memory_region_get_name(
                        qmem_virtio_mem_get_memory_region(vmem, NULL)), ==,
                    "virtio-mem");
    qmem_memory_listener_register(&cl.listener, as);
    ASSERT_COUNT(&cl, 0, 0, 1);
    ASSERT_ACTIVE(vmem, "000");

    /* A block maps its memslot first. */
    plug_ok(vmem, ADDR, 1);
    ASSERT_ACTIVE(vmem, "100");
    ASSERT_COUNT(&cl, 1, 0, 1);
    sections = qmem_address_space_get_sections(as, &n);
    g_assert_cmpuint(n, ==, 1);
    g_assert_cmpuint(sections[0].offset_within_address_space, ==, 0);
    g_assert_cmpuint(sections[0].size, ==, slot);

    /* One request over two memslots: one transaction. */
    plug_ok(vmem, ADDR + slot - BLK, 2);
    ASSERT_ACTIVE(vmem, "110");
    ASSERT_COUNT(&cl, 1, 0, 1);
    plug_ok(vmem, ADDR + 2 * slot, 1);
    ASSERT_ACTIVE(vmem, "111");
    ASSERT_COUNT(&cl, 1, 0, 1);
    sections = qmem_address_space_get_sections(as, &n);
    g_assert_cmpuint(n, ==, 3);
    g_assert_cmpuint(sections[2].offset_within_address_space, ==, 2 * slot);
    g_assert_cmpuint(sections[2].size, ==, 1704 * MiB);

    /* Plugging into active memslots maps nothing. */
    plug_ok(vmem, ADDR + 4 * BLK, 8);
    ASSERT_COUNT(&cl, 0, 0, 0);

    /* Partial unplug: memslot 1 keeps a plugged block, memslot 0 too. */
    unplug_ok(vmem, ADDR + slot - BLK, 1);
    ASSERT_ACTIVE(vmem, "111");
    ASSERT_COUNT(&cl, 0, 0, 0);
    unplug_ok(vmem, ADDR + slot, 1);
    ASSERT_ACTIVE(vmem, "101");
    ASSERT_COUNT(&cl, 0, 1, 1);

    /* Memslot 0 goes with its last block. */
    unplug_ok(vmem, ADDR + 4 * BLK, 8);
    ASSERT_ACTIVE(vmem, "101");
    unplug_ok(vmem, ADDR, 1);
    ASSERT_ACTIVE(vmem, "001");
    ASSERT_COUNT(&cl, 0, 1, 1);

    /* A failed plug maps nothing. */
    qmem_virtio_mem_set_busy(vmem, TRUE);
    g_assert_cmpuint(request(vmem, PLUG, ADDR, 1, NULL), ==, BUSY);
    qmem_virtio_mem_set_busy(vmem, FALSE);
    ASSERT_ACTIVE(vmem, "001");
    ASSERT_COUNT(&cl, 0, 0, 0);

    /* UNPLUG_ALL and reset unmap everything, in one transaction. */
    plug_ok(vmem, ADDR, 1);
    plug_ok(vmem, ADDR + slot, 1);
    ASSERT_ACTIVE(vmem, "111");
    ASSERT_COUNT(&cl, 2, 0, 2);
    g_assert_cmpuint(request(vmem, UNPLUG_ALL, 0, 0, NULL), ==, ACK);
    ASSERT_ACTIVE(vmem, "000");
    ASSERT_COUNT(&cl, 0, 3, 1);
    plug_ok(vmem, ADDR + 2 * slot + 1700 * MiB, 2);
    ASSERT_ACTIVE(vmem, "001");
    qmem_virtio_mem_system_reset(vmem, TRUE);
    ASSERT_ACTIVE(vmem, "001");
    qmem_virtio_mem_system_reset(vmem, FALSE);
    ASSERT_ACTIVE(vmem, "000");
    ASSERT_COUNT(&cl, 1, 1, 2);

    qmem_memory_listener_unregister(&cl.listener);
    qmem_address_space_free(as);
}

/* Unrealize unmaps memslots still active (the machine goes away). */
static void test_memslot_unrealize(Fixture *f, gconstpointer data)
{
    add_backend(f, "memory-backend-ram,id=m0,size=4G,reserve=off");
    qmem_virtio_mem_set_dynamic_memslots(f->vmem, TRUE);
    qmem_virtio_mem_set_addr(f->vmem, ADDR);
    g_assert_true(qmem_virtio_mem_set_requested_size(f->vmem, 4 * GiB,
                                                     NULL));
    qmem_virtio_mem_decide_memslots(f->vmem, 4);
    realize(f);
    plug_ok(f->vmem, ADDR + 3 * GiB, 1);
    ASSERT_ACTIVE(f->vmem, "0001");
    qmem_virtio_mem_unrealize(f->vmem);
    g_assert_false(qmem_host_memory_backend_is_mapped(f->memdev));
    g_assert_cmpuint(qmem_virtio_mem_get_active_memslots(f->vmem), ==, 0);
}

/* ------------------------------------------------------------------ */
/* Discard, prealloc, busy, reset, notifications */

typedef struct {
    const char *name;
    const char *backend;
    gboolean file;              /* the memory is in @DIR@/f */
    const char *printed;
} DiscardCase;

static const DiscardCase discard_cases[] = {
    { "ram", "memory-backend-ram,id=m0,size=64M", FALSE, NULL },
    { "ram-shared", "memory-backend-ram,id=m0,size=64M,share=on", FALSE,
      NULL },
    { "memfd", "memory-backend-memfd,id=m0,size=64M", FALSE, NULL },
    { "file-shared", "memory-backend-file,id=m0,size=64M,mem-path=@DIR@/f,"
      "share=on", TRUE, NULL },
};

/* Unplugged memory goes back to the host: Rss and file blocks drop. */
static void test_discard(Fixture *f, gconstpointer data)
{
    const DiscardCase *c = data;
    QmemVirtioMem *vmem = f->vmem;
    g_autofree char *path = g_build_filename(f->dir, "f", NULL);
    QmemRamBlock *block;
    guint8 *host;
    guint64 rss0, rss1, rss2;
    struct stat st;

    add_backend(f, c->backend);
    block = qmem_host_memory_backend_get_ram_block(f->memdev);
    host = block->host;
    qmem_virtio_mem_set_addr(vmem, ADDR);
    g_assert_true(qmem_virtio_mem_set_requested_size(vmem, 64 * MiB, NULL));
    /* Realize starts from a clean slate. */
    memset(host, 0x11, 64 * MiB);
    realize(f);
    g_assert_cmpuint(mincore_resident(host, 64 * MiB), ==, 0);
    rss0 = smaps_rss(host, 64 * MiB);

    plug_ok(vmem, ADDR + 8 * BLK, 16);
    memset(host + 8 * BLK, 0x5a, 16 * BLK);
    /* For files mincore() also counts readahead in the page cache. */
    if (!c->file) {
        g_assert_cmpuint(mincore_resident(host, 64 * MiB), ==, 32 * MiB);
    }
    rss1 = smaps_rss(host, 64 * MiB);
    g_assert_cmpuint(rss1, >=, rss0 + 32 * MiB);
    if (c->file) {
        g_assert_cmpint(stat(path, &st), ==, 0);
        g_assert_cmpuint((guint64)st.st_blocks * 512, >=, 32 * MiB);
    }

    unplug_ok(vmem, ADDR + 8 * BLK, 12);
    if (!c->file) {
        g_assert_cmpuint(mincore_resident(host, 64 * MiB), ==, 8 * MiB);
    }
    rss2 = smaps_rss(host, 64 * MiB);
    g_assert_cmpuint(rss2, <=, rss0 + 8 * MiB);
    g_assert_cmpuint(rss2, >=, rss0 + 8 * MiB - MiB);
    if (c->file) {
        g_assert_cmpint(stat(path, &st), ==, 0);
        g_assert_cmpuint((guint64)st.st_blocks * 512, <=, 8 * MiB);
    }
    /* The plugged rest is intact; a replugged block reads as zero. */
    g_assert_cmpuint(host[20 * BLK], ==, 0x5a);
    g_assert_cmpuint(host[24 * BLK - 1], ==, 0x5a);
    plug_ok(vmem, ADDR + 8 * BLK, 1);
    g_assert_cmpuint(host[8 * BLK], ==, 0);
    g_assert_cmpuint(host[9 * BLK - 1], ==, 0);

    g_assert_cmpuint(request(vmem, UNPLUG_ALL, 0, 0, NULL), ==, ACK);
    if (!c->file) {
        g_assert_cmpuint(mincore_resident(host, 64 * MiB), ==, 0);
    } else {
        g_assert_cmpint(stat(path, &st), ==, 0);
        g_assert_cmpuint(st.st_blocks, ==, 0);
    }
    g_assert_cmpuint(smaps_rss(host, 64 * MiB), <=, rss0);
}

/* prealloc=on populates exactly the plugged blocks. */
static void test_prealloc(Fixture *f, gconstpointer data)
{
    QmemVirtioMem *vmem = f->vmem;
    QmemRamBlock *block;
    guint64 rss0;

    add_backend(f, "memory-backend-ram,id=m0,size=64M");
    block = qmem_host_memory_backend_get_ram_block(f->memdev);
    qmem_virtio_mem_set_prealloc(vmem, TRUE);
    qmem_virtio_mem_set_addr(vmem, ADDR);
    g_assert_true(qmem_virtio_mem_set_requested_size(vmem, 64 * MiB, NULL));
    realize(f);
    rss0 = smaps_rss(block->host, 64 * MiB);
    plug_ok(vmem, ADDR + 4 * BLK, 3);
    g_assert_cmpuint(mincore_resident(block->host, 64 * MiB), ==, 6 * MiB);
    g_assert_cmpuint(smaps_rss(block->host, 64 * MiB), >=, rss0 + 6 * MiB);
    unplug_ok(vmem, ADDR + 4 * BLK, 3);
    g_assert_cmpuint(mincore_resident(block->host, 64 * MiB), ==, 0);
}

/*
 * A failed preallocation answers BUSY and leaves the blocks unplugged,
 * warning once: here the file under a shared mapping shrank.
 */
static void test_prealloc_fails(Fixture *f, gconstpointer data)
{
    QmemVirtioMem *vmem = f->vmem;
    g_autofree char *path = g_build_filename(f->dir, "f", NULL);

    add_backend(f, "memory-backend-file,id=m0,size=16M,mem-path=@DIR@/f,"
                "share=on");
    qmem_virtio_mem_set_prealloc(vmem, TRUE);
    qmem_virtio_mem_set_addr(vmem, ADDR);
    g_assert_true(qmem_virtio_mem_set_requested_size(vmem, 16 * MiB, NULL));
    g_signal_connect(vmem, "notify::size", G_CALLBACK(on_size_change), f);
    realize(f);
    g_assert_cmpint(truncate(path, 4 * MiB), ==, 0);

    plug_ok(vmem, ADDR, 2);
    g_assert_cmpuint(request(vmem, PLUG, ADDR + 2 * BLK, 2, NULL), ==, BUSY);
    g_assert_cmpuint(request(vmem, PLUG, ADDR + 4 * BLK, 1, NULL), ==, BUSY);
    g_assert_cmpuint(qmem_virtio_mem_get_size(vmem), ==, 4 * MiB);
    g_assert_true(qmem_virtio_mem_is_range_unplugged(vmem, ADDR + 2 * BLK,
                                                     6 * BLK));
    g_assert_cmpuint(f->size_changes, ==, 1);
    f->expect_printed = "qmem-run: warning: qemu_prealloc_mem: "
                        "preallocating memory failed: Bad address\n";
}

/* A failed discard answers BUSY and leaves the blocks plugged. */
static void test_unplug_discard_fails(Fixture *f, gconstpointer data)
{
    QmemVirtioMemEnv env = { .nb_numa_nodes = 1, .incoming_migration = TRUE };
    g_autofree char *path = g_build_filename(f->dir, "f", NULL);
    QmemVirtioMem *vmem = f->vmem;

    g_assert_true(g_file_set_contents(path, "", 0, NULL));
    g_assert_cmpint(truncate(path, 8 * MiB), ==, 0);
    add_backend(f, "memory-backend-file,id=m0,size=8M,mem-path=@DIR@/f,"
                "readonly=on,rom=off");
    qmem_virtio_mem_set_addr(vmem, ADDR);
    g_assert_true(qmem_virtio_mem_set_requested_size(vmem, 8 * MiB, NULL));
    g_assert_true(qmem_virtio_mem_realize(vmem, &env, NULL));
    plug_ok(vmem, ADDR, 2);
    g_assert_cmpuint(request(vmem, UNPLUG, ADDR, 1, NULL), ==, BUSY);
    g_assert_cmpuint(request(vmem, UNPLUG_ALL, 0, 0, NULL), ==, BUSY);
    g_assert_cmpuint(qmem_virtio_mem_get_size(vmem), ==, 4 * MiB);
    g_assert_true(qmem_virtio_mem_is_range_plugged(vmem, ADDR, 2 * BLK));
    f->expect_printed =
        "qmem-run: ram_block_discard_range: Discarding RAM with readonly "
        "files is not supported\n"
        "qmem-run: ram_block_discard_range: Discarding RAM with readonly "
        "files is not supported\n";
}

/* What a running migration does: BUSY for every change. */
static void test_busy(Fixture *f, gconstpointer data)
{
    QmemVirtioMem *vmem = f->vmem;
    guint16 state;

    setup_requests(f);
    plug_ok(vmem, ADDR, 2);
    qmem_virtio_mem_set_busy(vmem, TRUE);
    g_assert_cmpuint(request(vmem, PLUG, ADDR + 2 * BLK, 1, NULL), ==, BUSY);
    g_assert_cmpuint(request(vmem, UNPLUG, ADDR, 1, NULL), ==, BUSY);
    g_assert_cmpuint(request(vmem, UNPLUG_ALL, 0, 0, NULL), ==, BUSY);
    /* Checks come first: an invalid request is still an ERROR. */
    g_assert_cmpuint(request(vmem, PLUG, ADDR, 1, NULL), ==, ERROR);
    g_assert_cmpuint(request(vmem, PLUG, ADDR + 2 * BLK, 16, NULL), ==,
                     NACK);
    g_assert_cmpuint(request(vmem, STATE, ADDR, 2, &state), ==, ACK);
    g_assert_cmpuint(state, ==, S_PLUGGED);
    /* Reset while busy leaves the memory to the guest. */
    qmem_virtio_mem_system_reset(vmem, FALSE);
    g_assert_cmpuint(qmem_virtio_mem_get_size(vmem), ==, 2 * BLK);
    g_assert_cmpuint(f->size_changes, ==, 1);

    qmem_virtio_mem_set_busy(vmem, FALSE);
    unplug_ok(vmem, ADDR, 2);
    /* Nothing plugged: UNPLUG_ALL needs no state change, so no BUSY. */
    qmem_virtio_mem_set_busy(vmem, TRUE);
    g_assert_cmpuint(request(vmem, UNPLUG_ALL, 0, 0, NULL), ==, ACK);
}

static void test_reset(Fixture *f, gconstpointer data)
{
    QmemVirtioMem *vmem = f->vmem;

    setup_requests(f);
    g_assert_true(qmem_virtio_mem_set_requested_size(vmem, 512 * MiB, NULL));
    plug_ok(vmem, ADDR + 500 * MiB, 3);
    g_assert_true(qmem_virtio_mem_set_requested_size(vmem, 64 * MiB, NULL));
    g_assert_cmpuint(qmem_virtio_mem_get_usable_region_size(vmem), ==,
                     768 * MiB);

    /* Waking up from suspend keeps everything. */
    qmem_virtio_mem_system_reset(vmem, TRUE);
    g_assert_cmpuint(qmem_virtio_mem_get_size(vmem), ==, 3 * BLK);
    g_assert_cmpuint(qmem_virtio_mem_get_usable_region_size(vmem), ==,
                     768 * MiB);

    /* A reset unplugs all and shrinks the usable region. */
    qmem_virtio_mem_system_reset(vmem, FALSE);
    g_assert_cmpuint(qmem_virtio_mem_get_size(vmem), ==, 0);
    g_assert_cmpuint(qmem_virtio_mem_get_usable_region_size(vmem), ==,
                     320 * MiB);
    g_assert_true(qmem_virtio_mem_is_range_unplugged(vmem, ADDR, GiB));
    g_assert_cmpuint(f->size_changes, ==, 2);
    g_assert_cmpuint(f->last_size, ==, 0);
    /* Nothing plugged: no notification. */
    qmem_virtio_mem_system_reset(vmem, FALSE);
    g_assert_cmpuint(f->size_changes, ==, 2);
}

static void test_features(Fixture *f, gconstpointer data)
{
    setup_requests(f);
    g_assert_cmpuint(qmem_virtio_mem_get_features(f->vmem), ==,
                     1 << QMEM_VIRTIO_MEM_F_UNPLUGGED_INACCESSIBLE);
    g_assert_true(qmem_virtio_mem_validate_features(f->vmem, 2));
    g_assert_true(qmem_virtio_mem_validate_features(f->vmem, 3));
    /* A legacy driver without UNPLUGGED_INACCESSIBLE is rejected. */
    g_assert_false(qmem_virtio_mem_validate_features(f->vmem, 0));
    g_assert_false(qmem_virtio_mem_validate_features(f->vmem, 1));
}

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

/* ------------------------------------------------------------------ */
/* virtio-mem-pci on a pc machine (qtest accelerator) */

typedef struct {
    QmemAccel *accel;
    QmemMachine *machine;
    GPtrArray *weak;
    GPrintFunc old_printerr;
    const char *expect_printed;
    QmpTestClient qmp;
    QmemQtestServer *qtest;
} MachineFixture;

static void track(MachineFixture *f, gpointer obj)
{
    gpointer *slot = g_new(gpointer, 1);

    *slot = obj;
    g_object_add_weak_pointer(obj, slot);
    g_ptr_array_add(f->weak, slot);
}

/* The event's text from "event" on, without the timestamp. */
static const char *event_body(const char *line)
{
    const char *p = strstr(line, "\"event\": ");

    g_assert_nonnull(p);
    return p;
}

static void machine_setup(MachineFixture *f, gconstpointer data)
{
    const char *m = data ? data : "1G,maxmem=8G";
    g_autoptr(GError) error = NULL;
    g_autoptr(JsonObject) type = opts("pc", "type");
    g_autoptr(JsonObject) mem = opts(m, "size");

    f->weak = g_ptr_array_new_with_free_func(g_free);
    printerr_capture = g_string_new(NULL);
    f->old_printerr = g_set_printerr_handler(capture_printerr);

    f->accel = qmem_accel_new("qtest", NULL, &error);
    g_assert_no_error(error);
    track(f, f->accel);
    qmem_accel_set_current(f->accel);
    f->machine = qmem_machine_new(type, &error);
    g_assert_no_error(error);
    track(f, f->machine);
    g_assert_true(qmem_machine_set_memory(f->machine, mem, &error));
    g_assert_true(qmem_machine_init_board(f->machine, &error));
    g_assert_true(qmem_accel_init_machine(
        f->accel, qmem_machine_get_address_space(f->machine), 1, &error));
    g_assert_no_error(error);
    qmem_machine_set_running(f->machine);

    f->qtest = qmem_qtest_server_new(
        qmem_machine_get_address_space(f->machine));
    qmp_test_open(&f->qmp);
    qmem_monitor_set_event_rate("MEMORY_DEVICE_SIZE_CHANGE", 1000);
}

static void machine_teardown(MachineFixture *f, gconstpointer data)
{
    qmem_monitor_reset_events();
    qmp_test_close(&f->qmp);
    qmem_qtest_server_free(f->qtest);
    qmem_accel_shutdown(f->accel);
    qmem_machine_destroy(f->machine);
    qmem_accel_set_current(NULL);
    g_clear_object(&f->accel);
    qmem_object_reset_root();
    for (guint i = 0; i < f->weak->len; i++) {
        g_assert_null(*(gpointer *)g_ptr_array_index(f->weak, i));
    }
    g_ptr_array_unref(f->weak);
    g_set_printerr_handler(f->old_printerr);
    g_assert_cmpstr(printerr_capture->str, ==, f->expect_printed ?: "");
    g_string_free(printerr_capture, TRUE);
    printerr_capture = NULL;
}

static QmemObject *m_add_object(MachineFixture *f, const char *text)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(JsonObject) o = opts(text, "qom-type");
    QmemObject *obj = qmem_user_creatable_add(o, QMEM_INPUT_OPTS, &error);

    g_assert_no_error(error);
    track(f, obj);
    return obj;
}

static QmemDevice *m_try_device(MachineFixture *f, const char *text,
                                GError **error)
{
    g_autoptr(GError) parse_error = NULL;
    g_autoptr(JsonObject) o = qmem_keyval_parse(text, "driver", NULL,
                                                &parse_error);
    QmemDevice *dev;

    g_assert_no_error(parse_error);
    dev = qmem_device_add(o, QMEM_INPUT_KEYVAL, TRUE, error);
    if (dev) {
        track(f, dev);
    }
    return dev;
}

static QmemDevice *m_add_device(MachineFixture *f, const char *text)
{
    g_autoptr(GError) error = NULL;
    QmemDevice *dev = m_try_device(f, text, &error);

    g_assert_no_error(error);
    g_assert_nonnull(dev);
    return dev;
}

static char *qtest_line(MachineFixture *f, const char *fmt, ...)
    G_GNUC_PRINTF(2, 3);

static char *qtest_line(MachineFixture *f, const char *fmt, ...)
{
    g_autofree char *line = NULL;
    GString *reply = g_string_new(NULL);
    va_list ap;

    va_start(ap, fmt);
    line = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    qmem_qtest_server_process_line(f->qtest, line, reply);
    return g_string_free(reply, FALSE);
}

#define ASSERT_QTEST(f, expected, ...) \
    do { \
        g_autofree char *reply_ = qtest_line(f, __VA_ARGS__); \
        g_assert_cmpstr(reply_, ==, expected); \
    } while (0)

#define ASSERT_QMP(f, expected, command) \
    do { \
        g_autofree char *reply_ = qmp_test_command(&f->qmp, command); \
        g_assert_cmpstr(reply_, ==, expected); \
    } while (0)

static void test_pci_type(void)
{
    g_autoptr(GString) out = g_string_new(NULL);
    GType type = QMEM_TYPE_VIRTIO_MEM_PCI;

    g_assert_true(type != G_TYPE_INVALID);
    g_assert_true(g_type_is_a(type, QMEM_TYPE_DEVICE));
    g_assert_true(g_type_is_a(type, QMEM_TYPE_MEMORY_DEVICE));
    g_assert_true(qmem_device_print_help("virtio-mem-pci", out));
    /* QEMU 10.2's lines for the properties qmem has. */
    g_assert_cmpstr(out->str, ==,
        "virtio-mem-pci options:\n"
        "  block-size=<size>\n"
        "  dynamic-memslots=<bool> -  (default: false)\n"
        "  memaddr=<uint64>       -  (default: 0)\n"
        "  memdev=<link<memory-backend>>\n"
        "  node=<uint32>          -  (default: 0)\n"
        "  prealloc=<bool>        -  (default: false)\n"
        "  requested-size=<size>\n"
        "  size=<size>\n"
        "  unplugged-inaccessible=<OnOffAuto> - on/off/auto (default: "
        "\"on\")\n");
    g_string_truncate(out, 0);
    g_assert_true(qmem_device_print_help(NULL, out));
    g_assert_nonnull(strstr(out->str, "name \"virtio-mem-pci\"\n"));
    /* The module registered the request commands. */
    g_assert_true(qmem_qmp_has_command("x-virtio-mem-request"));
}

static char *qom_get(QmemDevice *dev, const char *name)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(JsonNode) node = qmem_property_get_json(QMEM_OBJECT(dev), name,
                                                      &error);

    g_assert_no_error(error);
    return qmem_json_to_string(node);
}

#define ASSERT_PROP(dev, name, expected) \
    do { \
        g_autofree char *value_ = qom_get(dev, name); \
        g_assert_cmpstr(value_, ==, expected); \
    } while (0)

static void test_pci_properties(MachineFixture *f, gconstpointer data)
{
    QmemDevice *dev;
    g_autoptr(GError) error = NULL;

    m_add_object(f, "memory-backend-ram,id=m0,size=4G,reserve=off");
    dev = m_add_device(f, "virtio-mem-pci,id=vm,memdev=m0,"
                       "requested-size=1G");
    ASSERT_PROP(dev, "memaddr", "4294967296");
    ASSERT_PROP(dev, "node", "0");
    ASSERT_PROP(dev, "memdev", "\"/objects/m0\"");
    ASSERT_PROP(dev, "prealloc", "false");
    ASSERT_PROP(dev, "unplugged-inaccessible", "\"on\"");
    ASSERT_PROP(dev, "dynamic-memslots", "false");
    ASSERT_PROP(dev, "size", "0");
    ASSERT_PROP(dev, "requested-size", "1073741824");
    ASSERT_PROP(dev, "block-size", "2097152");
    g_assert_true(qmem_host_memory_backend_is_mapped(
        QMEM_HOST_MEMORY_BACKEND(qmem_object_resolve_path("/objects/m0",
                                                          G_TYPE_NONE,
                                                          NULL))));

    /* Before realize: the block-size setter's checks. */
    g_assert_null(m_try_device(f, "virtio-mem-pci,memdev=m0,block-size=3M",
                               &error));
    assert_error(error, "'block-size' property has to be a power of two");
    g_clear_error(&error);
    g_assert_null(m_try_device(f, "virtio-mem-pci,size=1G", &error));
    assert_error(error, "Property 'virtio-mem.size' is not writable");
    g_clear_error(&error);
    /* Stored and never acted on: they come with the transport, migration. */
    g_assert_null(m_try_device(f, "virtio-mem-pci,vectors=2", &error));
    assert_error(error, "Property 'virtio-mem-pci.vectors' not found");
    g_clear_error(&error);
    g_assert_null(m_try_device(f, "virtio-mem-pci,ioeventfd=on", &error));
    assert_error(error, "Property 'virtio-mem-pci.ioeventfd' not found");
    g_clear_error(&error);
    g_assert_null(m_try_device(f, "virtio-mem-pci,x-early-migration=on",
                               &error));
    assert_error(error, "Property 'virtio-mem-pci.x-early-migration' not "
                 "found");
}

typedef struct {
    const char *name;
    const char *value;
    const char *error;
} AfterRealizeCase;

static const AfterRealizeCase after_realize_cases[] = {
    { "memaddr", "0", "Attempt to set property 'memaddr' on anonymous "
      "device (type 'virtio-mem') after it was realized" },
    { "node", "0", "Attempt to set property 'node' on anonymous device "
      "(type 'virtio-mem') after it was realized" },
    { "memdev", "m1", "Attempt to set link property 'memdev' on device "
      "'(null)' (type 'virtio-mem') after it was realized" },
    { "prealloc", "on", "Attempt to set property 'prealloc' on anonymous "
      "device (type 'virtio-mem') after it was realized" },
    { "dynamic-memslots", "on", "Attempt to set property "
      "'dynamic-memslots' on anonymous device (type 'virtio-mem') after it "
      "was realized" },
    { "unplugged-inaccessible", "off", "Attempt to set property "
      "'unplugged-inaccessible' on anonymous device (type 'virtio-mem') "
      "after it was realized" },
    { "block-size", "4M", "'block-size' cannot be changed" },
    { "size", "0", "Property 'virtio-mem.size' is not writable" },
    { "requested-size", "3", "'requested-size' has to be multiples of "
      "'block-size' (0x200000)" },
    { "requested-size", "8G", "'requested-size' cannot exceed the memory "
      "backend size(0x100000000)" },
};

static void test_pci_after_realize(MachineFixture *f, gconstpointer data)
{
    QmemDevice *dev;

    m_add_object(f, "memory-backend-ram,id=m0,size=4G,reserve=off");
    m_add_object(f, "memory-backend-ram,id=m1,size=4G,reserve=off");
    dev = m_add_device(f, "virtio-mem-pci,id=vm,memdev=m0,"
                       "requested-size=1G");
    for (guint i = 0; i < G_N_ELEMENTS(after_realize_cases); i++) {
        const AfterRealizeCase *c = &after_realize_cases[i];
        g_autoptr(GError) error = NULL;

        g_assert_false(qmem_property_parse(QMEM_OBJECT(dev), c->name,
                                           c->value, &error));
        assert_error(error, c->error);
    }
    /* requested-size may change at run time. */
    g_assert_true(qmem_property_parse(QMEM_OBJECT(dev), "requested-size",
                                      "2G", NULL));
    ASSERT_PROP(dev, "requested-size", "2147483648");
}

/* QEMU's special case: the proxy's requested-size, not the child's. */
static void test_pci_unplug_pending(MachineFixture *f, gconstpointer data)
{
    g_autoptr(GError) error = NULL;
    QmemVirtioMem *vmem;
    QmemDevice *dev;

    m_add_object(f, "memory-backend-ram,id=m0,size=4G,reserve=off");
    dev = m_add_device(f, "virtio-mem-pci,id=vm,memdev=m0,"
                       "requested-size=1G");
    vmem = qmem_virtio_mem_from_device(dev);

    /* While an unplug is pending, nothing changes it. */
    qmem_virtio_mem_set_unplug_pending(vmem, TRUE);
    g_assert_false(qmem_property_parse(QMEM_OBJECT(dev), "requested-size",
                                       "2M", &error));
    assert_error(error, "'requested-size' cannot be changed if the device "
                 "is in the process of unplug");
    g_clear_error(&error);
    /* Even a value the device would refuse gets this text first. */
    g_assert_false(qmem_property_parse(QMEM_OBJECT(dev), "requested-size",
                                       "3", &error));
    assert_error(error, "'requested-size' cannot be changed if the device "
                 "is in the process of unplug");
    g_clear_error(&error);
    ASSERT_PROP(dev, "requested-size", "1073741824");
    /* The child's own requested-size has no such check, as in QEMU. */
    g_assert_true(qmem_property_parse(QMEM_OBJECT(vmem), "requested-size",
                                      "2M", &error));
    g_assert_no_error(error);
    ASSERT_PROP(dev, "requested-size", "2097152");

    qmem_virtio_mem_set_unplug_pending(vmem, FALSE);
    g_assert_true(qmem_property_parse(QMEM_OBJECT(dev), "requested-size",
                                      "0", &error));
    g_assert_no_error(error);
}

#define QOM_SET(path, prop, value) \
    "{\"execute\": \"qom-set\", \"arguments\": {\"path\": \"" path "\", " \
    "\"property\": \"" prop "\", \"value\": " value "}}"
#define QOM_GET(path, prop) \
    "{\"execute\": \"qom-get\", \"arguments\": {\"path\": \"" path "\", " \
    "\"property\": \"" prop "\"}}"
#define CHILD "/machine/peripheral/vm/virtio-backend"

/*
 * The proxy's virtio-mem is its child "virtio-backend" (QEMU's name): QOM
 * reads and writes the same properties through either.
 */
static void test_pci_child(MachineFixture *f, gconstpointer data)
{
    static const char *const names[] = {
        "memaddr", "node", "memdev", "prealloc", "size", "requested-size",
        "block-size", "unplugged-inaccessible", "dynamic-memslots",
    };
    g_autofree char *list = NULL;
    QmemObject *child;
    QmemDevice *dev;

    m_add_object(f, "memory-backend-ram,id=m0,size=4G,reserve=off");
    dev = m_add_device(f, "virtio-mem-pci,id=vm,memdev=m0,"
                       "requested-size=1G");
    child = qmem_object_resolve_path(CHILD, G_TYPE_NONE, NULL);
    g_assert_nonnull(child);
    g_assert_true(child == QMEM_OBJECT(qmem_virtio_mem_from_device(dev)));
    g_assert_true(qmem_object_get_child(QMEM_OBJECT(dev),
                                        QMEM_VIRTIO_MEM_PCI_CHILD) == child);
    ASSERT_QMP(f, "{\"return\": \"virtio-mem\"}", QOM_GET(CHILD, "type"));
    ASSERT_QMP(f, "{\"return\": \"" CHILD "\"}",
               QOM_GET("vm", "virtio-backend"));

    /* The aliases show the child's types, the child shows up as QEMU's. */
    list = qmp_test_command(&f->qmp, "{\"execute\": \"qom-list\", "
                            "\"arguments\": {\"path\": \"vm\"}}");
    g_assert_nonnull(strstr(list, "{\"name\": \"virtio-backend\", "
                                  "\"type\": \"child<virtio-mem>\"}"));
    g_assert_nonnull(strstr(list, "{\"name\": \"memdev\", \"type\": "
                                  "\"link<memory-backend>\"}"));
    g_assert_nonnull(strstr(list, "{\"name\": \"size\", \"type\": "
                                  "\"size\"}"));
    g_assert_nonnull(strstr(list, "{\"name\": \"unplugged-inaccessible\", "
                                  "\"type\": \"OnOffAuto\"}"));
    g_assert_null(strstr(list, "vectors"));

    for (guint i = 0; i < G_N_ELEMENTS(names); i++) {
        g_autofree char *via_proxy = qom_get(dev, names[i]);
        g_autoptr(JsonNode) node = qmem_property_get_json(child, names[i],
                                                          NULL);
        g_autofree char *via_child = qmem_json_to_string(node);

        g_assert_cmpstr(via_child, ==, via_proxy);
    }

    /* Set through the child, read through the proxy, and back. */
    ASSERT_QMP(f, "{\"return\": {}}",
               QOM_SET(CHILD, "requested-size", "2147483648"));
    ASSERT_PROP(dev, "requested-size", "2147483648");
    ASSERT_QMP(f, "{\"return\": {}}", QOM_SET("vm", "requested-size", "0"));
    ASSERT_QMP(f, "{\"return\": 0}", QOM_GET(CHILD, "requested-size"));
    /* The same refusals, in the child's words, either way. */
    ASSERT_QMP(f, "{\"error\": {\"class\": \"GenericError\", \"desc\": "
               "\"Attempt to set property 'node' on anonymous device (type "
               "'virtio-mem') after it was realized\"}}",
               QOM_SET(CHILD, "node", "0"));
    ASSERT_QMP(f, "{\"error\": {\"class\": \"GenericError\", \"desc\": "
               "\"Attempt to set property 'node' on anonymous device (type "
               "'virtio-mem') after it was realized\"}}",
               QOM_SET("vm", "node", "0"));
    ASSERT_QMP(f, "{\"error\": {\"class\": \"GenericError\", \"desc\": "
               "\"Property 'virtio-mem.size' is not writable\"}}",
               QOM_SET(CHILD, "size", "0"));
}
#undef QOM_SET
#undef QOM_GET
#undef CHILD

static void test_pci_realize_errors(MachineFixture *f, gconstpointer data)
{
    static const struct {
        const char *device;
        const char *error;
    } cases[] = {
        { "virtio-mem-pci", "'memdev' property must be set" },
        { "virtio-mem-pci,memdev=m1", "'memdev' property specifies a busy "
          "memdev: m1" },
        { "virtio-mem-pci,memdev=m0,node=1", "'node' property has value "
          "'1', which exceedsthe number of numa nodes: 1" },
        { "virtio-mem-pci,memdev=m0,requested-size=1M", "'requested-size' "
          "property has to be multiples of 'block-size' (0x200000)" },
        /* pre_plug checks the address before realize does. */
        { "virtio-mem-pci,memdev=m0,memaddr=0x100100000", "address must be "
          "aligned to 0x200000 bytes" },
        { "virtio-mem-pci,memdev=m0,dynamic-memslots=on,"
          "unplugged-inaccessible=off", "'dynamic-memslots' property set to "
          "'on' requires 'unplugged-inaccessible' to be 'on'" },
        { "virtio-mem-pci,memdev=m2", "not enough space, currently "
          "0x40000000 in use of total space for memory devices "
          "0x1c0000000" },
    };

    m_add_object(f, "memory-backend-ram,id=m0,size=64M");
    m_add_object(f, "memory-backend-ram,id=m1,size=1G");
    m_add_object(f, "memory-backend-ram,id=m2,size=7G,reserve=off");
    m_add_device(f, "virtio-mem-pci,id=vm1,memdev=m1");
    for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autoptr(GError) error = NULL;

        g_assert_null(m_try_device(f, cases[i].device, &error));
        assert_error(error, cases[i].error);
    }
    /* Failed devices left nothing behind. */
    g_assert_false(qmem_host_memory_backend_is_mapped(
        QMEM_HOST_MEMORY_BACKEND(qmem_object_resolve_path("/objects/m0",
                                                          G_TYPE_NONE,
                                                          NULL))));
    g_assert_cmpuint(qmem_machine_get_device_memory(f->machine)
                         ->used_region_size, ==, GiB);
}

static void test_pci_query(MachineFixture *f, gconstpointer data)
{
    g_autoptr(GString) out = g_string_new(NULL);

    m_add_object(f, "memory-backend-ram,id=m0,size=4G,reserve=off");
    m_add_object(f, "memory-backend-ram,id=m1,size=1G,reserve=off");
    m_add_device(f, "virtio-mem-pci,id=vm,memdev=m0,requested-size=1G");
    m_add_device(f, "virtio-mem-pci,memdev=m1,node=0,block-size=4M,"
                 "memaddr=0x200000000");
    ASSERT_QTEST(f, "OK ack", "virtio-mem-request vm plug 0x100000000 3");
    /* QEMU 7.2's member order; sorted by address. */
    ASSERT_QMP(f, "{\"return\": [{\"type\": \"virtio-mem\", \"data\": "
               "{\"memdev\": \"/objects/m0\", \"memaddr\": 4294967296, "
               "\"block-size\": 2097152, \"size\": 6291456, \"node\": 0, "
               "\"max-size\": 4294967296, \"requested-size\": 1073741824, "
               "\"id\": \"vm\"}}, {\"type\": \"virtio-mem\", \"data\": "
               "{\"memdev\": \"/objects/m1\", \"memaddr\": 8589934592, "
               "\"block-size\": 4194304, \"size\": 0, \"node\": 0, "
               "\"max-size\": 1073741824, \"requested-size\": 0}}]}",
               "{\"execute\": \"query-memory-devices\"}");
    qmem_memory_devices_info(out);
    g_assert_cmpstr(out->str, ==,
                    "Memory device [virtio-mem]: \"vm\"\n"
                    "  memaddr: 0x100000000\n"
                    "  node: 0\n"
                    "  requested-size: 1073741824\n"
                    "  size: 6291456\n"
                    "  max-size: 4294967296\n"
                    "  block-size: 2097152\n"
                    "  memdev: /objects/m0\n"
                    "Memory device [virtio-mem]: \"\"\n"
                    "  memaddr: 0x200000000\n"
                    "  node: 0\n"
                    "  requested-size: 0\n"
                    "  size: 0\n"
                    "  max-size: 1073741824\n"
                    "  block-size: 4194304\n"
                    "  memdev: /objects/m1\n");
    g_assert_cmpuint(qmem_memory_devices_get_plugged_size(), ==, 6 * MiB);
    /* The size-change event of the plug. */
    {
        g_autofree char *ev = qmp_test_event(&f->qmp, 0);

        g_assert_cmpstr(event_body(ev), ==, "\"event\": "
                        "\"MEMORY_DEVICE_SIZE_CHANGE\", \"data\": "
                        "{\"size\": 6291456, \"qom-path\": "
                        "\"/machine/peripheral/vm\", \"id\": \"vm\"}}");
    }
}

/* The memory-device core's accounting follows the memslots. */
static void test_pci_memslots(MachineFixture *f, gconstpointer data)
{
    QmemDeviceMemoryState *dms;
    QmemDevice *dev;
    QmemVirtioMem *vmem;
    const QmemMemorySection *s;
    QmemAddressSpace *as = qmem_machine_get_address_space(f->machine);
    guint max, free0, free1;

    qmem_accel_get_memslots(f->accel, &max, &free0);
    m_add_object(f, "memory-backend-ram,id=m0,size=7G,reserve=off");
    dev = m_add_device(f, "virtio-mem-pci,id=vm,memdev=m0,"
                       "dynamic-memslots=on,requested-size=3G");
    vmem = qmem_virtio_mem_from_device(dev);
    g_assert_nonnull(vmem);
    dms = qmem_machine_get_device_memory(f->machine);
    /* The whole area: 256 memslots allowed, 1 GiB each at least. */
    g_assert_cmpuint(qmem_virtio_mem_get_memslots(vmem), ==, 7);
    g_assert_cmpuint(qmem_virtio_mem_get_memslot_size(vmem), ==, GiB);
    g_assert_cmpuint(dms->required_memslots, ==, 7);
    g_assert_cmpuint(dms->used_memslots, ==, 0);
    g_assert_cmpuint(dms->memslot_auto_decision_active, ==, 1);
    g_assert_null(qmem_address_space_lookup(as, 4 * GiB));

    ASSERT_QTEST(f, "OK ack", "virtio-mem-request vm plug 0x140000000 1");
    ASSERT_QTEST(f, "OK ack", "virtio-mem-request /machine/peripheral/vm "
                 "plug 0x1bfe00000 1");
    g_assert_cmpuint(dms->used_memslots, ==, 2);
    qmem_accel_get_memslots(f->accel, &max, &free1);
    g_assert_cmpuint(free1, ==, free0 - 2);
    s = qmem_address_space_lookup(as, 5 * GiB);
    g_assert_nonnull(s);
    g_assert_cmpuint(s->offset_within_address_space, ==, 5 * GiB);
    g_assert_cmpuint(s->size, ==, GiB);
    g_assert_null(qmem_address_space_lookup(as, 4 * GiB));
    g_assert_null(qmem_address_space_lookup(as, 7 * GiB));
    /* qtest reaches plugged memory through the memslots. */
    ASSERT_QTEST(f, "OK", "writeq 0x1bfe00000 0x1122334455667788");
    ASSERT_QTEST(f, "OK 0x1122334455667788", "readq 0x1bfe00000");

    ASSERT_QTEST(f, "OK ack", "virtio-mem-request vm unplug-all");
    g_assert_cmpuint(dms->used_memslots, ==, 0);
    qmem_accel_get_memslots(f->accel, &max, &free1);
    g_assert_cmpuint(free1, ==, free0);
    g_assert_cmpuint(dms->required_memslots, ==, 7);
}

static void test_pci_device_del(MachineFixture *f, gconstpointer data)
{
    QmemDeviceMemoryState *dms = qmem_machine_get_device_memory(f->machine);
    g_autoptr(GError) error = NULL;
    QmemHostMemoryBackend *m0, *m1;

    m0 = QMEM_HOST_MEMORY_BACKEND(m_add_object(
        f, "memory-backend-ram,id=m0,size=4G,reserve=off"));
    m1 = QMEM_HOST_MEMORY_BACKEND(m_add_object(
        f, "memory-backend-ram,id=m1,size=1G"));
    m_add_device(f, "virtio-mem-pci,id=vm,memdev=m0,dynamic-memslots=on,"
                 "requested-size=1G");
    m_add_device(f, "virtio-mem-pci,id=legacy,memdev=m1,"
                 "unplugged-inaccessible=auto");
    ASSERT_QTEST(f, "OK ack", "virtio-mem-request vm plug 0x100000000 1");

    g_assert_false(qmem_device_del("legacy", &error));
    assert_error(error, "virtio-mem device cannot get unplugged while "
                 "'unplugged-inaccessible' != 'on'");
    g_clear_error(&error);
    g_assert_false(qmem_device_del("vm", &error));
    assert_error(error, "virtio-mem device cannot get unplugged while some "
                 "of its memory is still plugged");
    g_clear_error(&error);
    ASSERT_QTEST(f, "OK ack", "virtio-mem-request vm unplug 0x100000000 1");
    g_assert_false(qmem_device_del("vm", &error));
    assert_error(error, "virtio-mem device cannot get unplugged while "
                 "'requested-size' != '0'");
    g_clear_error(&error);
    g_assert_true(qmem_property_parse(qmem_object_resolve_path(
                                          "vm", QMEM_TYPE_DEVICE, NULL),
                                      "requested-size", "0", NULL));
    g_assert_cmpuint(dms->required_memslots, ==, 5);
    g_assert_true(qmem_device_del("vm", &error));
    g_assert_no_error(error);
    g_assert_false(qmem_host_memory_backend_is_mapped(m0));
    g_assert_true(qmem_host_memory_backend_is_mapped(m1));
    g_assert_cmpuint(dms->required_memslots, ==, 1);
    g_assert_cmpuint(dms->used_region_size, ==, GiB);
    g_assert_cmpuint(dms->memslot_auto_decision_active, ==, 0);
    {
        g_autofree char *ev = qmp_test_event(&f->qmp, 0);

        g_assert_cmpstr(event_body(ev), ==, "\"event\": "
                        "\"MEMORY_DEVICE_SIZE_CHANGE\", \"data\": "
                        "{\"size\": 2097152, \"qom-path\": "
                        "\"/machine/peripheral/vm\", \"id\": \"vm\"}}");
        g_free(ev);
        ev = qmp_test_event(&f->qmp, 0);
        g_assert_cmpstr(event_body(ev), ==, "\"event\": \"DEVICE_DELETED\", "
                        "\"data\": {\"device\": \"vm\", \"path\": "
                        "\"/machine/peripheral/vm\"}}");
    }
    /* The held-back event of the unplug died with the device's timer. */
    qmem_monitor_reset_events();
    /* The backend is free again. */
    m_add_device(f, "virtio-mem-pci,id=vm2,memdev=m0");
}

static void test_pci_qtest_command(MachineFixture *f, gconstpointer data)
{
    m_add_object(f, "memory-backend-ram,id=m0,size=1G");
    m_add_object(f, "memory-backend-ram,id=d0,size=1G");
    m_add_device(f, "virtio-mem-pci,id=vm,memdev=m0,requested-size=8M");
    m_add_device(f, "pc-dimm,id=dimm,memdev=d0");

    ASSERT_QTEST(f, "FAIL missing argument", "virtio-mem-request");
    ASSERT_QTEST(f, "FAIL missing argument", "virtio-mem-request vm");
    ASSERT_QTEST(f, "FAIL missing argument",
                 "virtio-mem-request vm plug 0x100000000");
    ASSERT_QTEST(f, "FAIL invalid request type 'grow'",
                 "virtio-mem-request vm grow 0 1");
    ASSERT_QTEST(f, "FAIL invalid address 'x'",
                 "virtio-mem-request vm plug x 1");
    ASSERT_QTEST(f, "FAIL invalid number of blocks '65536'",
                 "virtio-mem-request vm plug 0x100000000 65536");
    ASSERT_QTEST(f, "FAIL invalid number of blocks '-1'",
                 "virtio-mem-request vm plug 0x100000000 -1");
    ASSERT_QTEST(f, "FAIL Device 'nope' not found",
                 "virtio-mem-request nope plug 0x100000000 1");
    ASSERT_QTEST(f, "FAIL device 'dimm' is not a virtio-mem device",
                 "virtio-mem-request dimm plug 0x100000000 1");
    ASSERT_QTEST(f, "OK ack unplugged",
                 "virtio-mem-request vm state 0x100000000 4");
    ASSERT_QTEST(f, "OK ack", "virtio-mem-request vm plug 0x100000000 2");
    ASSERT_QTEST(f, "OK ack plugged",
                 "virtio-mem-request vm state 4294967296 2");
    ASSERT_QTEST(f, "OK ack mixed",
                 "virtio-mem-request vm state 0x100000000 3");
    ASSERT_QTEST(f, "OK nack", "virtio-mem-request vm plug 0x100400000 3");
    ASSERT_QTEST(f, "OK error", "virtio-mem-request vm plug 0x100000000 1");
    ASSERT_QTEST(f, "OK error", "virtio-mem-request vm state 0 1");
    ASSERT_QTEST(f, "OK ack", "virtio-mem-request vm unplug 0x100200000 1");
    ASSERT_QTEST(f, "OK ack", "virtio-mem-request vm unplug-all 0 0");
    ASSERT_QTEST(f, "OK ack unplugged",
                 "virtio-mem-request vm state 0x100000000 2 extra words");
    qmem_virtio_mem_set_busy(qmem_virtio_mem_from_device(QMEM_DEVICE(
        qmem_object_resolve_path("vm", QMEM_TYPE_DEVICE, NULL))), TRUE);
    ASSERT_QTEST(f, "OK busy", "virtio-mem-request vm plug 0x100000000 1");
}

static void test_pci_qmp_command(MachineFixture *f, gconstpointer data)
{
    m_add_object(f, "memory-backend-ram,id=m0,size=1G");
    m_add_device(f, "virtio-mem-pci,id=vm,memdev=m0,requested-size=8M");
    qmem_monitor_set_event_rate("MEMORY_DEVICE_SIZE_CHANGE", 60000);

#define XREQ(args) "{\"execute\": \"x-virtio-mem-request\", " \
                   "\"arguments\": {" args "}}"
#define GENERIC(text) "{\"error\": {\"class\": \"GenericError\", " \
                      "\"desc\": \"" text "\"}}"
    ASSERT_QMP(f, GENERIC("Parameter 'qom-path' is missing"), XREQ(""));
    ASSERT_QMP(f, GENERIC("Parameter 'type' is missing"),
               XREQ("\"qom-path\": \"vm\""));
    ASSERT_QMP(f, GENERIC("Parameter 'type' does not accept value 'x'"),
               XREQ("\"qom-path\": \"vm\", \"type\": \"x\""));
    ASSERT_QMP(f, GENERIC("Parameter 'addr' is missing"),
               XREQ("\"qom-path\": \"vm\", \"type\": \"plug\""));
    ASSERT_QMP(f, GENERIC("Parameter 'nb-blocks' is missing"),
               XREQ("\"qom-path\": \"vm\", \"type\": \"plug\", "
                    "\"addr\": 0"));
    ASSERT_QMP(f, GENERIC("Parameter 'nb-blocks' expects uint16_t"),
               XREQ("\"qom-path\": \"vm\", \"type\": \"plug\", "
                    "\"addr\": 0, \"nb-blocks\": 65536"));
    ASSERT_QMP(f, GENERIC("Parameter 'addr' expects uint64"),
               XREQ("\"qom-path\": \"vm\", \"type\": \"plug\", "
                    "\"addr\": \"0\", \"nb-blocks\": 1"));
    ASSERT_QMP(f, GENERIC("Parameter 'x' is unexpected"),
               XREQ("\"qom-path\": \"vm\", \"type\": \"unplug-all\", "
                    "\"x\": 1"));
    ASSERT_QMP(f, "{\"error\": {\"class\": \"DeviceNotFound\", \"desc\": "
               "\"Device 'nope' not found\"}}",
               XREQ("\"qom-path\": \"nope\", \"type\": \"unplug-all\""));
    ASSERT_QMP(f, "{\"return\": {\"response\": \"ack\"}}",
               XREQ("\"qom-path\": \"vm\", \"type\": \"plug\", "
                    "\"addr\": 4294967296, \"nb-blocks\": 1"));
    ASSERT_QMP(f, "{\"return\": {\"response\": \"ack\", \"state\": "
               "\"mixed\"}}",
               XREQ("\"qom-path\": \"/machine/peripheral/vm\", \"type\": "
                    "\"state\", \"addr\": 4294967296, \"nb-blocks\": 2"));
    ASSERT_QMP(f, "{\"return\": {\"response\": \"error\"}}",
               XREQ("\"qom-path\": \"vm\", \"type\": \"state\", "
                    "\"addr\": 0, \"nb-blocks\": 2"));
    ASSERT_QMP(f, "{\"return\": {\"response\": \"nack\"}}",
               XREQ("\"qom-path\": \"vm\", \"type\": \"plug\", "
                    "\"addr\": 4297064448, \"nb-blocks\": 4"));
    ASSERT_QMP(f, "{\"return\": {\"response\": \"ack\"}}",
               XREQ("\"qom-path\": \"vm\", \"type\": \"unplug-all\""));
#undef XREQ
#undef GENERIC
}

/*
 * MEMORY_DEVICE_SIZE_CHANGE: the first at once, then at most one per
 * interval per qom-path, the latest size winning.
 */
static void test_pci_event_throttle(MachineFixture *f, gconstpointer data)
{
    const int interval = 200;
    g_autofree char *ev = NULL;
    gint64 start;

    qmem_monitor_set_event_rate("MEMORY_DEVICE_SIZE_CHANGE", interval);
    m_add_object(f, "memory-backend-ram,id=m0,size=1G");
    m_add_object(f, "memory-backend-ram,id=m1,size=1G");
    m_add_device(f, "virtio-mem-pci,id=vm,memdev=m0,requested-size=64M");
    m_add_device(f, "virtio-mem-pci,id=vm2,memdev=m1,requested-size=64M");

#define EV(size, path, id) "\"event\": \"MEMORY_DEVICE_SIZE_CHANGE\", " \
    "\"data\": {\"size\": " size ", \"qom-path\": \"" path "\"" id "}}"
#define VM "/machine/peripheral/vm"

    start = g_get_monotonic_time();
    ASSERT_QTEST(f, "OK ack", "virtio-mem-request vm plug 0x100000000 1");
    ev = qmp_test_event(&f->qmp, 0);
    g_assert_cmpstr(event_body(ev), ==, EV("2097152", VM, ", \"id\": \"vm\""));
    g_clear_pointer(&ev, g_free);

    ASSERT_QTEST(f, "OK ack", "virtio-mem-request vm plug 0x100200000 1");
    ASSERT_QTEST(f, "OK ack", "virtio-mem-request vm plug 0x100400000 1");
    ASSERT_QTEST(f, "OK ack", "virtio-mem-request vm unplug 0x100000000 1");
    /* Another device has its own interval. */
    ASSERT_QTEST(f, "OK ack", "virtio-mem-request vm2 plug 0x140000000 2");
    ev = qmp_test_event(&f->qmp, 0);
    g_assert_cmpstr(event_body(ev), ==, EV("4194304", VM "2",
                                           ", \"id\": \"vm2\""));
    g_clear_pointer(&ev, g_free);
    /* Held back: nothing yet. */
    if (g_get_monotonic_time() - start < interval * 1000 / 2) {
        g_assert_null(qmp_test_event(&f->qmp, 10));
    }
    /* One event for three changes, with the latest size. */
    ev = qmp_test_event(&f->qmp, interval * 10);
    g_assert_cmpstr(event_body(ev), ==, EV("4194304", VM, ", \"id\": \"vm\""));
    g_assert_cmpint(g_get_monotonic_time() - start, >=, interval * 1000);
    g_clear_pointer(&ev, g_free);

    /* A quiet interval ends the throttling: the next goes out at once. */
    g_assert_null(qmp_test_event(&f->qmp, interval * 3));
    ASSERT_QTEST(f, "OK ack", "virtio-mem-request vm plug 0x100000000 1");
    ev = qmp_test_event(&f->qmp, 0);
    g_assert_cmpstr(event_body(ev), ==, EV("6291456", VM, ", \"id\": \"vm\""));
    g_clear_pointer(&ev, g_free);
    /* Refused requests and queries send nothing. */
    ASSERT_QTEST(f, "OK error", "virtio-mem-request vm plug 0x100000000 1");
    ASSERT_QTEST(f, "OK ack plugged",
                 "virtio-mem-request vm state 0x100000000 1");
    g_assert_null(qmp_test_event(&f->qmp, interval * 3));
#undef EV
#undef VM
}

int main(int argc, char **argv)
{
    g_autoptr(GError) error = NULL;
    char name[128];

    g_test_init(&argc, &argv, NULL);
    /* Warnings name the program, as qmem-run's do. */
    g_set_prgname("qmem-run");
    if (!qmem_modules_init(&error)) {
        g_printerr("cannot load modules: %s\n", error->message);
        return 1;
    }

#define ADD(path, data, fn) \
    g_test_add(path, Fixture, data, fixture_setup, fn, fixture_teardown)
#define ADD_TABLE(prefix, cases, fn) \
    for (guint i = 0; i < G_N_ELEMENTS(cases); i++) { \
        g_snprintf(name, sizeof(name), "/hw/virtio/virtio-mem/" prefix \
                   "/%s", cases[i].name); \
        ADD(name, &cases[i], fn); \
    }
#define ADD_M(path, data, fn) \
    g_test_add("/hw/virtio/virtio-mem-pci/" path, MachineFixture, data, \
               machine_setup, fn, machine_teardown)

    ADD_TABLE("thp", thp_cases, test_thp_probe);
    ADD("/hw/virtio/virtio-mem/defaults", NULL, test_defaults);
    ADD("/hw/virtio/virtio-mem/properties", NULL, test_properties);
    ADD_TABLE("block-size/set", block_size_cases, test_block_size_set);
    ADD("/hw/virtio/virtio-mem/block-size/default", NULL,
        test_block_size_default);
    ADD_TABLE("realize", realize_cases, test_realize);
    ADD("/hw/virtio/virtio-mem/realize/unplugged-inaccessible-auto", NULL,
        test_unplugged_inaccessible_auto);
    ADD_TABLE("request", request_cases, test_request);
    ADD("/hw/virtio/virtio-mem/request/padding", NULL, test_request_padding);
    ADD("/hw/virtio/virtio-mem/violation/short-request", NULL,
        test_violation_short_request);
    ADD("/hw/virtio/virtio-mem/violation/short-response", NULL,
        test_violation_short_response);
    ADD("/hw/virtio/virtio-mem/violation/unknown-type", NULL,
        test_violation_unknown_type);
    ADD_TABLE("usable-region", usable_cases, test_usable_region);
    ADD("/hw/virtio/virtio-mem/requested-size/after-realize", NULL,
        test_requested_size);
    ADD("/hw/virtio/virtio-mem/requested-size/before-realize", NULL,
        test_requested_size_before_realize);
    ADD_TABLE("memslots/decide", decide_cases, test_decide_memslots);
    ADD("/hw/virtio/virtio-mem/memslots/activation", NULL,
        test_memslot_activation);
    ADD("/hw/virtio/virtio-mem/memslots/unrealize", NULL,
        test_memslot_unrealize);
    ADD_TABLE("discard", discard_cases, test_discard);
    ADD("/hw/virtio/virtio-mem/prealloc/plug", NULL, test_prealloc);
    ADD("/hw/virtio/virtio-mem/prealloc/fails", NULL, test_prealloc_fails);
    ADD("/hw/virtio/virtio-mem/discard/fails", NULL,
        test_unplug_discard_fails);
    ADD("/hw/virtio/virtio-mem/busy", NULL, test_busy);
    ADD("/hw/virtio/virtio-mem/reset", NULL, test_reset);
    ADD("/hw/virtio/virtio-mem/features", NULL, test_features);
    ADD("/hw/virtio/virtio-mem/unplug-request-check", NULL,
        test_unplug_request_check);
    ADD("/hw/virtio/virtio-mem/unplug-request-check/legacy", NULL,
        test_unplug_request_check_legacy);

    g_test_add_func("/hw/virtio/virtio-mem-pci/type", test_pci_type);
    ADD_M("properties", NULL, test_pci_properties);
    ADD_M("properties/after-realize", NULL, test_pci_after_realize);
    ADD_M("properties/unplug-pending", NULL, test_pci_unplug_pending);
    ADD_M("child", NULL, test_pci_child);
    ADD_M("realize/errors", NULL, test_pci_realize_errors);
    ADD_M("query", "1G,maxmem=9G", test_pci_query);
    ADD_M("memslots", NULL, test_pci_memslots);
    ADD_M("device-del", NULL, test_pci_device_del);
    ADD_M("commands/qtest", "1G,slots=2,maxmem=8G", test_pci_qtest_command);
    ADD_M("commands/qmp", NULL, test_pci_qmp_command);
    ADD_M("event-throttle", NULL, test_pci_event_throttle);
    return g_test_run();
}
