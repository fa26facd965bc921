/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Tests for the memory backends: properties, errors, what the kernel sees. */

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <glib/gstdio.h>

#include "qapi/opts.h"
#include "qmem-config.h"
#include "qobject/json.h"
#include "qom/module.h"
#include "qom/property.h"
#include "qom/user-creatable.h"
#include "system/hostmem.h"
#include "tests/unit/test-machine.h"
#include "util/error.h"

#if CONFIG_NUMA
#include <numa.h>
#include <numaif.h>
#endif

#define KiB 1024ULL
#define MiB (1024 * KiB)

static gboolean host_has_ksm;

/* Fixture: every test starts with an empty tree and must leave nothing. */

typedef struct {
    MachineFixture base;    /* no machine: the backends on their own */
    guint fds;              /* open descriptors before the test */
} Fixture;

static guint count_fds(void)
{
    g_autoptr(GDir) d = g_dir_open("/proc/self/fd", 0, NULL);
    guint n = 0;

    g_assert_nonnull(d);
    while (g_dir_read_name(d)) {
        n++;
    }
    return n;
}

typedef struct {
    guint64 start, end;
    guint64 rss_kb;
    char *vmflags;
} Vma;

static void vma_clear(Vma *vma)
{
    g_free(vma->vmflags);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(Vma, vma_clear)

/*
 * Reads /proc/self/smaps.  With @start != 0 fills @out with the VMA that
 * starts there and returns whether it exists; with @start == 0 returns the
 * number of VMAs whose VmFlags contain "dc" (MADV_DONTFORK), which only RAM
 * blocks have in this program.
 */
static guint smaps_scan(guint64 start, Vma *out)
{
    g_autofree char *text = NULL;
    g_auto(GStrv) lines = NULL;
    gboolean in_target = FALSE;
    guint count = 0;

    g_assert_true(g_file_get_contents("/proc/self/smaps", &text, NULL, NULL));
    lines = g_strsplit(text, "\n", -1);
    for (char **l = lines; *l; l++) {
        guint64 s, e;
        char c;

        /* Only VMA header lines start "start-end perms". */
        if (sscanf(*l, "%" SCNx64 "-%" SCNx64 " %c", &s, &e, &c) == 3) {
            in_target = start && s == start;
            if (in_target) {
                out->start = s;
                out->end = e;
            }
            continue;
        }
        if (g_str_has_prefix(*l, "VmFlags:")) {
            if (!start) {
                g_auto(GStrv) flags = g_strsplit(*l + 8, " ", -1);

                count += g_strv_contains((const char *const *)flags, "dc");
            } else if (in_target) {
                out->vmflags = g_strconcat(*l + 8, " ", NULL);
                count = 1;
            }
        } else if (in_target && g_str_has_prefix(*l, "Rss:")) {
            out->rss_kb = g_ascii_strtoull(*l + 4, NULL, 10);
        }
    }
    return count;
}

static gboolean vma_has_flag(const Vma *vma, const char *flag)
{
    g_autofree char *word = g_strdup_printf(" %s ", flag);

    return strstr(vma->vmflags, word) != NULL;
}

static void get_block_vma(QmemRamBlock *block, Vma *vma)
{
    guint64 len = (block->size + 4095) / 4096 * 4096;

    memset(vma, 0, sizeof(*vma));
    g_assert_cmpuint(smaps_scan((guintptr)block->host, vma), ==, 1);
    g_assert_cmphex(vma->end, ==, (guintptr)block->host + len);
}

static void fixture_setup(Fixture *f, gconstpointer data)
{
    machine_fixture_setup(&f->base, NULL);
    f->fds = count_fds();
}

static void fixture_teardown(Fixture *f, gconstpointer data)
{
    machine_fixture_teardown(&f->base, NULL);
    /* Every RAM block is unmapped and every file descriptor closed. */
    g_assert_cmpuint(smaps_scan(0, NULL), ==, 0);
    g_assert_cmpuint(count_fds(), ==, f->fds);
}

/* -object as the runner takes it ("@DIR@" is the fixture's directory). */
static QmemObject *add(Fixture *f, const char *text)
{
    return add_object(&f->base, text);
}

static QmemObject *try_add(Fixture *f, const char *text, GError **error)
{
    return try_object(&f->base, text, error);
}

static QmemRamBlock *block_of(QmemObject *obj)
{
    QmemRamBlock *block =
        qmem_host_memory_backend_get_ram_block(QMEM_HOST_MEMORY_BACKEND(obj));

    g_assert_nonnull(block);
    return block;
}

static char *get_json(QmemObject *obj, const char *prop)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(JsonNode) node = qmem_property_get_json(obj, prop, &error);

    g_assert_no_error(error);
    return json_to_string(node, FALSE);
}

static void write_file(const char *path, gsize size, char fill)
{
    g_autofree char *buf = g_malloc(size);

    memset(buf, fill, size);
    g_assert_true(g_file_set_contents(path, buf, size, NULL));
}

/* Types and modules */

static void test_types(Fixture *f, gconstpointer data)
{
    static const char *const leaves[] = {
        QMEM_TYPE_NAME_MEMORY_BACKEND_RAM,
        QMEM_TYPE_NAME_MEMORY_BACKEND_FILE,
        QMEM_TYPE_NAME_MEMORY_BACKEND_MEMFD,
    };
    GType base = qmem_type_from_name(QMEM_TYPE_NAME_MEMORY_BACKEND);

    g_assert_true(base == QMEM_TYPE_HOST_MEMORY_BACKEND);
    g_assert_true(G_TYPE_IS_ABSTRACT(base));
    g_assert_true(g_type_is_a(base, QMEM_TYPE_USER_CREATABLE));
    for (guint i = 0; i < G_N_ELEMENTS(leaves); i++) {
        GType t = qmem_type_from_name(leaves[i]);

        g_assert_true(g_type_is_a(t, QMEM_TYPE_HOST_MEMORY_BACKEND));
        g_assert_false(G_TYPE_IS_ABSTRACT(t));
        g_assert_true(G_TYPE_IS_FINAL(t));
        g_assert_cmpstr(qmem_type_get_name(t), ==, leaves[i]);
    }
}

static void test_abstract(Fixture *f, gconstpointer data)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(JsonObject) props = json_object_new();

    json_object_set_int_member(props, "size", MiB);
    g_assert_null(qmem_user_creatable_add_type(QMEM_TYPE_NAME_MEMORY_BACKEND,
                                               "m0", props, QMEM_INPUT_JSON,
                                               &error));
    assert_error(error, "object type 'memory-backend' is abstract");
    g_clear_error(&error);

    /* QMP's object-add: the name is not even in the QAPI enum. */
    g_assert_null(try_add(f,
                          "{\"qom-type\": \"memory-backend\", \"id\": \"m0\","
                          " \"size\": 1048576}", &error));
    assert_error(error,
                 "Parameter 'qom-type' does not accept value 'memory-backend'");
}

/* Defaults, as qom-get reports them right after creation */

typedef struct {
    const char *create;
    const char *prop;
    const char *json;       /* "@KSM@": whether the host can merge */
} DefaultCase;

#define RAM "memory-backend-ram,id=m0,size=1M"
#define FILE_ "memory-backend-file,id=m0,size=1M,mem-path=@DIR@/f"
#define MEMFD "memory-backend-memfd,id=m0,size=1M"

static const DefaultCase default_cases[] = {
    { RAM, "size", "1048576" },
    { RAM, "merge", "@KSM@" },
    { RAM, "dump", "true" },
    { RAM, "prealloc", "false" },
    { RAM, "prealloc-threads", "1" },
    { RAM, "host-nodes", "[]" },
    { RAM, "policy", "\"default\"" },
    { RAM, "share", "false" },
    { RAM, "reserve", "true" },
    { RAM, "x-use-canonical-path-for-ramblock-id", "false" },
    { FILE_, "size", "1048576" },
    { FILE_, "merge", "@KSM@" },
    { FILE_, "dump", "true" },
    { FILE_, "prealloc", "false" },
    { FILE_, "prealloc-threads", "1" },
    { FILE_, "host-nodes", "[]" },
    { FILE_, "policy", "\"default\"" },
    { FILE_, "share", "false" },
    { FILE_, "reserve", "true" },
    { FILE_, "x-use-canonical-path-for-ramblock-id", "false" },
    { FILE_, "mem-path", "\"@DIR@/f\"" },
    { FILE_, "align", "0" },
    { FILE_, "offset", "0" },
    { FILE_, "discard-data", "false" },
    { FILE_, "readonly", "false" },
    /* "auto" is resolved at allocation, and reads back resolved. */
    { FILE_, "rom", "\"off\"" },
    { MEMFD, "size", "1048576" },
    { MEMFD, "merge", "@KSM@" },
    { MEMFD, "dump", "true" },
    { MEMFD, "prealloc", "false" },
    { MEMFD, "prealloc-threads", "1" },
    { MEMFD, "host-nodes", "[]" },
    { MEMFD, "policy", "\"default\"" },
    { MEMFD, "share", "true" },
    { MEMFD, "reserve", "true" },
    { MEMFD, "x-use-canonical-path-for-ramblock-id", "false" },
    { MEMFD, "seal", "true" },
    { MEMFD, "hugetlb", "false" },
    { MEMFD, "hugetlbsize", "0" },
};

static void test_default(Fixture *f, gconstpointer data)
{
    const DefaultCase *c = data;
    QmemObject *obj = add(f, c->create);
    g_autofree char *json = get_json(obj, c->prop);
    g_autofree char *expected = expand(&f->base, c->json);

    if (strcmp(expected, "@KSM@") == 0) {
        g_free(expected);
        expected = g_strdup(host_has_ksm ? "true" : "false");
    }
    g_assert_cmpstr(json, ==, expected);
}

/* Values the user cannot give at creation: code and exact message */

typedef struct {
    const char *name;
    const char *input;      /* -object, key=value or JSON */
    const char *message;
    const char *file;       /* created in @DIR@ first, with file_size bytes */
    gsize file_size;
} ErrorCase;

static const ErrorCase error_cases[] = {
    /* memory-backend (every type) */
    { "size-zero", "memory-backend-ram,id=m0,size=0",
      "property 'size' of memory-backend-ram doesn't take value '0'" },
    { "size-zero-json",
      "{\"qom-type\": \"memory-backend-memfd\", \"id\": \"m0\", \"size\": 0}",
      "property 'size' of memory-backend-memfd doesn't take value '0'" },
    { "size-missing", "memory-backend-ram,id=m0",
      "Parameter 'size' is missing" },
    { "prealloc-then-reserve",
      "memory-backend-ram,id=m0,size=1M,prealloc=on,reserve=off",
      "'prealloc=on' and 'reserve=off' are incompatible" },
    { "reserve-then-prealloc",
      "memory-backend-ram,id=m0,size=1M,reserve=off,prealloc=on",
      "'prealloc=on' and 'reserve=off' are incompatible" },
    { "prealloc-reserve-json",
      "{\"qom-type\": \"memory-backend-file\", \"id\": \"m0\","
      " \"size\": 1048576, \"mem-path\": \"@DIR@/f\", \"reserve\": false,"
      " \"prealloc\": true}",
      "'prealloc=on' and 'reserve=off' are incompatible" },
    { "prealloc-threads-zero",
      "memory-backend-ram,id=m0,size=1M,prealloc-threads=0",
      "property 'prealloc-threads' of memory-backend-ram doesn't take "
      "value '0'" },
    { "policy-bad", "memory-backend-ram,id=m0,size=1M,policy=bogus",
      "Parameter 'policy' does not accept value 'bogus'" },
#if CONFIG_NUMA
    { "host-nodes-128",
      "memory-backend-ram,id=m0,size=1M,host-nodes=128,policy=bind",
      "Invalid host-nodes value: 128" },
    { "host-nodes-json-128",
      "{\"qom-type\": \"memory-backend-ram\", \"id\": \"m0\","
      " \"size\": 1048576, \"host-nodes\": [0, 128], \"policy\": \"bind\"}",
      "Invalid host-nodes value: 128" },
    { "host-nodes-policy-default",
      "memory-backend-ram,id=m0,size=1M,host-nodes=0",
      "host-nodes must be empty for policy default, or you should explicitly "
      "specify a policy other than default" },
    { "policy-bind-no-nodes", "memory-backend-ram,id=m0,size=1M,policy=bind",
      "host-nodes must be set for policy bind" },
    { "policy-preferred-no-nodes",
      "memory-backend-memfd,id=m0,size=1M,policy=preferred",
      "host-nodes must be set for policy preferred" },
    { "policy-interleave-no-nodes",
      "memory-backend-file,id=m0,size=1M,mem-path=@DIR@/f,"
      "policy=interleave",
      "host-nodes must be set for policy interleave" },
#else
    { "host-nodes-no-numa", "memory-backend-ram,id=m0,size=1M,host-nodes=0",
      "NUMA node binding are not supported by this QEMU" },
    { "policy-no-numa", "memory-backend-ram,id=m0,size=1M,policy=bind",
      "NUMA policies are not supported by this QEMU" },
#endif
    { "ram-too-big", "memory-backend-ram,id=m0,size=8E",
      "cannot set up guest memory 'm0': Cannot allocate memory" },

    /* memory-backend-file */
    { "file-no-mem-path", "memory-backend-file,id=m0,size=1M",
      "Parameter 'mem-path' is missing" },
    { "file-no-dir", "memory-backend-file,id=m0,size=1M,mem-path=@DIR@/none/f",
      "can't open backing store @DIR@/none/f for guest RAM: "
      "No such file or directory" },
    { "file-readonly-missing",
      "memory-backend-file,id=m0,size=1M,mem-path=@DIR@/f,readonly=on",
      "can't open backing store @DIR@/f for guest RAM: "
      "No such file or directory" },
    { "file-readonly-dir",
      "memory-backend-file,id=m0,size=1M,mem-path=@DIR@,readonly=on",
      "can't open backing store @DIR@ for guest RAM: Is a directory" },
    { "file-rom-on-writable",
      "memory-backend-file,id=m0,size=1M,mem-path=@DIR@/f,rom=on",
      "property 'rom' = 'on' is not supported with 'readonly' = 'off'",
      "f", MiB },
    { "file-rom-off-readonly-share",
      "memory-backend-file,id=m0,size=1M,mem-path=@DIR@/f,rom=off,"
      "readonly=on,share=on",
      "property 'rom' = 'off' is incompatible with 'readonly' = 'on' and "
      "'share' = 'on'", "f", MiB },
    { "file-too-small", "memory-backend-file,id=m0,size=1M,mem-path=@DIR@/f",
      "m0 backing store size 0x1000 is too small for 'size' option 0x100000 "
      "plus 'offset' option 0x0", "f", 4 * KiB },
    { "file-too-small-offset",
      "memory-backend-file,id=m0,size=1M,mem-path=@DIR@/f,offset=4k",
      "m0 backing store size 0x100000 is too small for 'size' option "
      "0x100000 plus 'offset' option 0x1000", "f", MiB },
    { "file-too-small-rounded",
      "memory-backend-file,id=m0,size=4097,mem-path=@DIR@/f",
      "m0 backing store size 0x1001 is too small for 'size' option 0x2000 "
      "plus 'offset' option 0x0", "f", 4097 },
    { "file-align-not-power-of-2",
      "memory-backend-file,id=m0,size=1M,mem-path=@DIR@/f,align=12k",
      "alignment 0x3000 must be a power of two" },
    { "file-align-not-page-multiple",
      "memory-backend-file,id=m0,size=1M,mem-path=@DIR@/f,align=100",
      "alignment 0x64 must be multiples of page size 0x1000" },
    { "file-offset-not-page-multiple",
      "memory-backend-file,id=m0,size=1M,mem-path=@DIR@/f,offset=100",
      "offset 0x64 must be multiples of page size 0x1000" },
    { "file-size-not-page-multiple",
      "memory-backend-file,id=m0,size=1000,mem-path=@DIR@/f",
      "backend 'memory-backend-file' memory size must be multiple of 4 KiB" },

    /* memory-backend-memfd */
    { "memfd-hugetlbsize-zero",
      "memory-backend-memfd,id=m0,size=1M,hugetlbsize=0",
      "Property 'memory-backend-memfd.hugetlbsize' doesn't take value '0'" },
    { "memfd-hugetlbsize-not-power-of-2",
      "memory-backend-memfd,id=m0,size=2M,hugetlb=on,hugetlbsize=3000000",
      "Hugepage size must be a power of 2" },
    /* QEMU checks the size even when hugetlb is off. */
    { "memfd-hugetlbsize-not-power-of-2-no-hugetlb",
      "memory-backend-memfd,id=m0,size=2M,hugetlbsize=3000000",
      "Hugepage size must be a power of 2" },
    { "memfd-hugetlbsize-unknown",
      "memory-backend-memfd,id=m0,size=2M,hugetlb=on,hugetlbsize=1T",
      "failed to create memfd with flags 0xa0000007: No such device" },
    { "memfd-hugetlb-size-not-huge-page-multiple",
      "memory-backend-memfd,id=m0,size=1M,hugetlb=on,hugetlbsize=2M",
      "failed to resize memfd to 1048576: Invalid argument" },
    { "memfd-size-not-page-multiple", "memory-backend-memfd,id=m0,size=1000",
      "m0 backing store size 0x3e8 is too small for 'size' option 0x1000 "
      "plus 'offset' option 0x0" },
};

static void test_create_error(Fixture *f, gconstpointer data)
{
    const ErrorCase *c = data;
    g_autoptr(GError) error = NULL;
    g_autofree char *message = expand(&f->base, c->message);

    if (c->file) {
        g_autofree char *path = g_build_filename(f->base.dir, c->file, NULL);

        write_file(path, c->file_size, 'x');
    }
    g_assert_null(try_add(f, c->input, &error));
    assert_error(error, message);
    /* Nothing is left: no id, no mapping, no descriptor (teardown). */
    g_assert_null(qmem_object_get_child(qmem_object_get_objects_root(), "m0"));
}

/* A host-nodes value the host does not have: the kernel refuses the bind. */
static void test_bind_missing_node(Fixture *f, gconstpointer data)
{
#if CONFIG_NUMA
    g_autoptr(GError) error = NULL;
    g_autofree char *opts = NULL;
    int node = numa_available() < 0 ? 1 : numa_max_node() + 1;

    if (node >= 128) {
        g_test_skip("the host has every node a backend can name");
        return;
    }
    opts = g_strdup_printf("memory-backend-ram,id=m0,size=1M,"
                           "host-nodes=%d,policy=bind", node);
    g_assert_null(try_add(f, opts, &error));
    assert_error(error, "cannot bind memory to host NUMA nodes: "
                        "Invalid argument");
#else
    g_test_skip("built without libnuma");
#endif
}

/* Errors only reachable without the QAPI layer's mandatory checks. */
static void test_alloc_unset(Fixture *f, gconstpointer data)
{
    static const struct {
        const char *type;
        const char *prop;
        const char *value;
        const char *message;
    } cases[] = {
        { "memory-backend-ram", NULL, NULL,
          "can't create backend with size 0" },
        { "memory-backend-file", NULL, NULL,
          "can't create backend with size 0" },
        { "memory-backend-memfd", NULL, NULL,
          "can't create backend with size 0" },
        { "memory-backend-file", "size", "1M",
          "mem-path property not set" },
    };

    for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autoptr(QmemObject) obj =
            g_object_new(qmem_type_from_name(cases[i].type), NULL);
        g_autoptr(GError) error = NULL;

        if (cases[i].prop) {
            g_assert_true(qmem_property_parse(obj, cases[i].prop,
                                              cases[i].value, NULL));
        }
        g_assert_false(qmem_user_creatable_complete(QMEM_USER_CREATABLE(obj),
                                                    &error));
        assert_error(error, cases[i].message);
        g_assert_null(qmem_host_memory_backend_get_ram_block(
            QMEM_HOST_MEMORY_BACKEND(obj)));
        track(&f->base, obj);
    }
}

/*
 * A failure after allocation frees the memory at once, so the same object
 * can be completed again once the user has fixed the cause.
 */
static void test_complete_failure(Fixture *f, gconstpointer data)
{
#if CONFIG_NUMA
    g_autoptr(QmemObject) obj =
        g_object_new(qmem_type_from_name("memory-backend-ram"), NULL);
    QmemHostMemoryBackend *backend = QMEM_HOST_MEMORY_BACKEND(obj);
    g_autoptr(GError) error = NULL;

    track(&f->base, obj);
    g_assert_true(qmem_property_parse(obj, "size", "1M", NULL));
    g_assert_true(qmem_property_parse(obj, "policy", "bind", NULL));
    g_assert_false(qmem_user_creatable_complete(QMEM_USER_CREATABLE(obj),
                                                &error));
    assert_error(error, "host-nodes must be set for policy bind");
    g_assert_null(qmem_host_memory_backend_get_ram_block(backend));
    g_assert_cmpuint(smaps_scan(0, NULL), ==, 0);

    g_assert_true(qmem_property_parse(obj, "size", "2M", NULL));
    g_assert_true(qmem_property_parse(obj, "host-nodes", "0", NULL));
    g_assert_true(qmem_user_creatable_complete(QMEM_USER_CREATABLE(obj),
                                               NULL));
    g_assert_cmpuint(qmem_host_memory_backend_get_ram_block(backend)->size,
                     ==, 2 * MiB);
#else
    g_test_skip("built without libnuma");
#endif
}

/*
 * A backend type of the test's own, anonymous memory with the class's
 * aligned flag on: what complete does with the block its alloc returns.
 */
typedef struct {
    QmemHostMemoryBackend parent_instance;
} TestBackend;

typedef struct {
    QmemHostMemoryBackendClass parent_class;
} TestBackendClass;

G_DEFINE_TYPE(TestBackend, test_backend, QMEM_TYPE_HOST_MEMORY_BACKEND)

static QmemRamBlock *test_backend_alloc(QmemHostMemoryBackend *backend,
                                        GError **error)
{
    return qmem_ram_block_new_anon(
        "test", qmem_host_memory_backend_get_size(backend), 0, error);
}

static void test_backend_class_init(TestBackendClass *klass)
{
    QMEM_HOST_MEMORY_BACKEND_CLASS(klass)->alloc = test_backend_alloc;
    QMEM_HOST_MEMORY_BACKEND_CLASS(klass)->aligned = TRUE;
}

static void test_backend_init(TestBackend *self)
{
}

static void test_alloc_hook(Fixture *f, gconstpointer data)
{
    static const struct {
        const char *size;
        const char *message;    /* NULL: complete succeeds */
    } cases[] = {
        { "1000", "backend 'test-backend' memory size must be multiple of "
                  "4 KiB" },
        { "8E", "cannot set up guest memory 'test': Cannot allocate memory" },
        { "8k", NULL },
    };

    qmem_type_register_name("test-backend", test_backend_get_type());
    for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autoptr(QmemObject) obj = g_object_new(test_backend_get_type(),
                                                 NULL);
        QmemHostMemoryBackend *backend = QMEM_HOST_MEMORY_BACKEND(obj);
        g_autoptr(GError) error = NULL;
        gboolean ok;

        track(&f->base, obj);
        g_assert_true(qmem_property_parse(obj, "size", cases[i].size, NULL));
        ok = qmem_user_creatable_complete(QMEM_USER_CREATABLE(obj), &error);
        if (cases[i].message) {
            g_assert_false(ok);
            assert_error(error, cases[i].message);
            g_assert_null(qmem_host_memory_backend_get_ram_block(backend));
            g_assert_cmpuint(smaps_scan(0, NULL), ==, 0);
        } else {
            g_assert_no_error(error);
            g_assert_true(ok);
            g_assert_cmpstr(block_of(obj)->name, ==, "test");
            g_assert_cmpuint(block_of(obj)->size, ==, 8 * KiB);
        }
    }
    qmem_type_unregister_name("test-backend");
}

/* Changes after creation: refused (pre-complete) or applied (any time) */

typedef struct {
    const char *name;
    const char *create;
    const char *prop;
    const char *value;      /* string form, as HMP qom-set gives it */
    const char *message;    /* NULL: accepted */
    const char *after;      /* the property's JSON afterwards */
} LiveCase;

static const LiveCase live_cases[] = {
    { "size", RAM, "size", "2M",
      "cannot change property size of memory-backend-ram ", "1048576" },
    { "size-zero", RAM, "size", "0",
      "cannot change property size of memory-backend-ram ", "1048576" },
    { "share", RAM, "share", "on", "cannot change property value", "false" },
    { "share-memfd", MEMFD, "share", "off", "cannot change property value",
      "true" },
    { "reserve", RAM, "reserve", "off", "cannot change property value",
      "true" },
    { "prealloc-threads", RAM, "prealloc-threads", "4", NULL, "4" },
    { "prealloc-threads-zero", RAM, "prealloc-threads", "0",
      "property 'prealloc-threads' of memory-backend-ram doesn't take "
      "value '0'", "1" },
    { "prealloc-off-ignored", RAM ",prealloc=on", "prealloc", "off", NULL,
      "true" },
#if CONFIG_NUMA
    { "policy", RAM, "policy", "bind", NULL, "\"bind\"" },
#else
    { "policy", RAM, "policy", "bind",
      "NUMA policies are not supported by this QEMU", "\"default\"" },
    { "host-nodes", RAM, "host-nodes", "0",
      "NUMA node binding are not supported by this QEMU", "[]" },
#endif
    { "policy-bad", RAM, "policy", "bogus",
      "Parameter 'policy' does not accept value 'bogus'", "\"default\"" },
#if CONFIG_NUMA
    { "host-nodes", RAM, "host-nodes", "1-2", NULL, "[1,2]" },
    { "host-nodes-128", RAM, "host-nodes", "0,128",
      "Invalid host-nodes value: 128", "[]" },
#endif
    { "canonical-path", RAM, "x-use-canonical-path-for-ramblock-id", "on",
      NULL, "true" },
    { "merge-off", RAM ",merge=on", "merge", "off", NULL, "false" },
    { "dump-off", RAM, "dump", "off", NULL, "false" },
    { "file-mem-path", FILE_, "mem-path", "@DIR@/g",
      "cannot change property 'mem-path' of memory-backend-file",
      "\"@DIR@/f\"" },
    { "file-align", FILE_, "align", "2M",
      "cannot change property 'align' of memory-backend-file", "0" },
    { "file-offset", FILE_, "offset", "4k",
      "cannot change property 'offset' of memory-backend-file", "0" },
    { "file-readonly", FILE_, "readonly", "on",
      "cannot change property 'readonly' of memory-backend-file.", "false" },
    { "file-rom", FILE_, "rom", "on",
      "cannot change property 'rom' of memory-backend-file.", "\"off\"" },
    { "file-discard-data", FILE_, "discard-data", "on", NULL, "true" },
    { "file-share", FILE_, "share", "on", "cannot change property value",
      "false" },
    { "memfd-hugetlbsize", MEMFD, "hugetlbsize", "2M",
      "cannot change property value", "0" },
    { "memfd-seal", MEMFD, "seal", "off", NULL, "false" },
    { "memfd-hugetlb", MEMFD, "hugetlb", "on", NULL, "true" },
};

static void test_live(Fixture *f, gconstpointer data)
{
    const LiveCase *c = data;
    QmemObject *obj = add(f, c->create);
    g_autoptr(GError) error = NULL;
    g_autofree char *value = expand(&f->base, c->value);
    g_autofree char *after = expand(&f->base, c->after);
    g_autofree char *json = NULL;
    gboolean ok = qmem_property_parse(obj, c->prop, value, &error);

    if (c->message) {
        g_assert_false(ok);
        assert_error(error, c->message);
    } else {
        g_assert_no_error(error);
        g_assert_true(ok);
    }
    json = get_json(obj, c->prop);
    g_assert_cmpstr(json, ==, after);
}

/*
 * Before complete every property takes a value; this is the other half of
 * the "when settable" rule checked by test_live().
 */
static void test_pre_complete(Fixture *f, gconstpointer data)
{
    static const struct {
        const char *type;
        const char *prop;
        const char *value;
    } sets[] = {
        { "memory-backend-file", "size", "2M" },
        { "memory-backend-file", "size", "4M" },
        { "memory-backend-file", "share", "on" },
        { "memory-backend-file", "reserve", "off" },
        { "memory-backend-file", "reserve", "on" },
        { "memory-backend-file", "mem-path", "@DIR@/f" },
        { "memory-backend-file", "align", "2M" },
        { "memory-backend-file", "offset", "1M" },
        { "memory-backend-file", "readonly", "off" },
        { "memory-backend-file", "rom", "off" },
        { "memory-backend-file", "prealloc", "on" },
        { "memory-backend-memfd", "size", "4M" },
        { "memory-backend-memfd", "hugetlbsize", "2M" },
        { "memory-backend-memfd", "share", "off" },
    };
    g_autoptr(QmemObject) file = NULL;
    g_autoptr(QmemObject) memfd = NULL;

    file = g_object_new(qmem_type_from_name("memory-backend-file"), NULL);
    memfd = g_object_new(qmem_type_from_name("memory-backend-memfd"), NULL);
    track(&f->base, file);
    track(&f->base, memfd);
    for (guint i = 0; i < G_N_ELEMENTS(sets); i++) {
        QmemObject *obj = strcmp(sets[i].type, "memory-backend-file") ? memfd
                                                                       : file;
        g_autofree char *value = expand(&f->base, sets[i].value);
        g_autoptr(GError) error = NULL;

        g_assert_true(qmem_property_parse(obj, sets[i].prop, value, &error));
        g_assert_no_error(error);
    }
    g_assert_cmpuint(qmem_host_memory_backend_get_size(
                         QMEM_HOST_MEMORY_BACKEND(file)), ==, 4 * MiB);
}

/* host-nodes: each set adds nodes, none removes any */

static void test_host_nodes_accumulate(Fixture *f, gconstpointer data)
{
#if CONFIG_NUMA
    QmemObject *obj = add(f, RAM ",host-nodes=0,policy=bind");
    g_autofree char *json = NULL;
    g_autofree char *printed = NULL;
    g_autoptr(GString) info = g_string_new(NULL);

    g_assert_true(qmem_property_parse(obj, "host-nodes", "2", NULL));
    g_assert_true(qmem_property_parse(obj, "host-nodes", "5-6,2", NULL));
    g_assert_true(qmem_property_parse(obj, "host-nodes", "", NULL));
    json = get_json(obj, "host-nodes");
    g_assert_cmpstr(json, ==, "[0,2,5,6]");
    printed = qmem_property_print(obj, "host-nodes", NULL);
    g_assert_cmpstr(printed, ==, "0,2,5-6");
    qmem_host_memory_backend_info(info);
    g_assert_nonnull(strstr(info->str, "  host nodes: 0,2,5-6\n"));
#else
    g_test_skip("built without libnuma");
#endif
}

/* -object's repeated keys and ranges, and QMP's array. */
static void test_host_nodes_forms(Fixture *f, gconstpointer data)
{
#if CONFIG_NUMA
    g_autoptr(GError) error = NULL;
    QmemObject *a, *b;
    g_autofree char *ja = NULL;
    g_autofree char *jb = NULL;

    /* Creation validates policy/nodes, so bind to node 0 and add later. */
    a = add(f, "memory-backend-ram,id=a,size=1M,host-nodes=0,host-nodes=0,"
               "policy=bind");
    b = try_add(f,
                "{\"qom-type\": \"memory-backend-ram\", \"id\": \"b\","
                " \"size\": 1048576, \"host-nodes\": [0, 0],"
                " \"policy\": \"interleave\"}", &error);
    g_assert_no_error(error);
    g_assert_true(qmem_property_parse(a, "host-nodes", "3-4", NULL));
    ja = get_json(a, "host-nodes");
    jb = get_json(b, "host-nodes");
    g_assert_cmpstr(ja, ==, "[0,3,4]");
    g_assert_cmpstr(jb, ==, "[0]");
#else
    g_test_skip("built without libnuma");
#endif
}

/* What the kernel sees */

#if CONFIG_NUMA
typedef struct {
    const char *policy;
    int mode;               /* -1: MPOL_PREFERRED or PREFERRED_MANY */
} PolicyCase;

static const PolicyCase policy_cases[] = {
    { "bind", MPOL_BIND },
    { "interleave", MPOL_INTERLEAVE },
    { "preferred", -1 },
};

static void test_mbind(Fixture *f, gconstpointer data)
{
    const PolicyCase *c = data;
    g_autofree char *opts = g_strdup_printf(RAM ",host-nodes=0,policy=%s",
                                            c->policy);
    unsigned long mask[1024 / (8 * sizeof(unsigned long))] = { 0 };
    int mode = -1;
    int expected = c->mode;
    QmemRamBlock *block;

    if (numa_available() < 0) {
        g_test_skip("the host has no NUMA support");
        return;
    }
    block = block_of(add(f, opts));
    if (expected == -1) {
#ifdef MPOL_PREFERRED_MANY
        expected = numa_has_preferred_many() > 0 ? MPOL_PREFERRED_MANY
                                                 : MPOL_PREFERRED;
#else
        expected = MPOL_PREFERRED;
#endif
    }
    g_assert_cmpint(get_mempolicy(&mode, mask, 1024, block->host,
                                  MPOL_F_ADDR), ==, 0);
    g_assert_cmpint(mode, ==, expected);
    g_assert_cmphex(mask[0], ==, 1);
    for (guint i = 1; i < G_N_ELEMENTS(mask); i++) {
        g_assert_cmphex(mask[i], ==, 0);
    }
}
#endif

static void test_no_mbind_by_default(Fixture *f, gconstpointer data)
{
#if CONFIG_NUMA
    QmemRamBlock *block = block_of(add(f, RAM));
    unsigned long mask[1024 / (8 * sizeof(unsigned long))] = { 0 };
    int mode = -1;

    g_assert_cmpint(get_mempolicy(&mode, mask, 1024, block->host,
                                  MPOL_F_ADDR), ==, 0);
    g_assert_cmpint(mode, ==, MPOL_DEFAULT);
#else
    g_test_skip("built without libnuma");
#endif
}

typedef struct {
    const char *create;     /* @DIR@ allowed */
    gboolean prealloc;
} PreallocCase;

static const PreallocCase prealloc_cases[] = {
    { "memory-backend-ram,id=m0,size=4M", FALSE },
    { "memory-backend-ram,id=m0,size=4M,prealloc=on", TRUE },
    { "memory-backend-ram,id=m0,size=4M,prealloc=on,prealloc-threads=2",
      TRUE },
    { "memory-backend-ram,id=m0,size=4M,prealloc=on,share=on", TRUE },
    { "memory-backend-file,id=m0,size=4M,mem-path=@DIR@/f,prealloc=on",
      TRUE },
    { "memory-backend-file,id=m0,size=4M,mem-path=@DIR@/f,share=on,"
      "prealloc=on", TRUE },
    { "memory-backend-memfd,id=m0,size=4M,prealloc=on", TRUE },
    { "memory-backend-memfd,id=m0,size=4M", FALSE },
#if CONFIG_NUMA
    { "memory-backend-ram,id=m0,size=4M,prealloc=on,host-nodes=0,"
      "policy=bind", TRUE },
#endif
};

static void test_prealloc(Fixture *f, gconstpointer data)
{
    const PreallocCase *c = data;
    QmemRamBlock *block = block_of(add(f, c->create));
    g_auto(Vma) vma = { 0 };

    get_block_vma(block, &vma);
    if (c->prealloc) {
        g_assert_cmpuint(vma.rss_kb, ==, 4 * MiB / KiB);
    } else {
        g_assert_cmpuint(vma.rss_kb, ==, 0);
    }
}

/* prealloc=on after creation preallocates at once. */
static void test_prealloc_live(Fixture *f, gconstpointer data)
{
    QmemObject *obj = add(f, "memory-backend-ram,id=m0,size=4M");
    QmemRamBlock *block = block_of(obj);
    g_auto(Vma) before = { 0 };
    g_auto(Vma) after = { 0 };
    g_autofree char *json = NULL;

    get_block_vma(block, &before);
    g_assert_cmpuint(before.rss_kb, ==, 0);
    g_assert_true(qmem_property_parse(obj, "prealloc", "on", NULL));
    get_block_vma(block, &after);
    g_assert_cmpuint(after.rss_kb, ==, 4 * MiB / KiB);
    json = get_json(obj, "prealloc");
    g_assert_cmpstr(json, ==, "true");
}

/* A failed live preallocation leaves prealloc off. */
static void test_prealloc_live_failure(Fixture *f, gconstpointer data)
{
    QmemObject *obj = add(f, "memory-backend-file,id=m0,size=4M,share=on,"
                             "mem-path=@DIR@/f");
    g_autofree char *path = g_build_filename(f->base.dir, "f", NULL);
    g_autoptr(GError) error = NULL;
    g_autofree char *json = NULL;

    /* Pages beyond the end of a shared file cannot be faulted in. */
    g_assert_cmpint(truncate(path, 0), ==, 0);
    g_assert_false(qmem_property_parse(obj, "prealloc", "on", &error));
    assert_error(error, "qemu_prealloc_mem: preallocating memory failed: "
                        "Bad address");
    json = get_json(obj, "prealloc");
    g_assert_cmpstr(json, ==, "false");
}

typedef struct {
    const char *create;
    const char *flag;       /* VmFlags mnemonic */
    gboolean present;
} FlagCase;

static const FlagCase flag_cases[] = {
    { RAM, "nr", FALSE },
    { RAM ",reserve=off", "nr", TRUE },
    { MEMFD ",reserve=off,share=off", "nr", TRUE },
    { RAM ",merge=on", "mg", TRUE },
    { RAM ",merge=off", "mg", FALSE },
    { RAM ",dump=off", "dd", TRUE },
    { RAM ",dump=on", "dd", FALSE },
    { RAM, "sh", FALSE },
    { RAM ",share=on", "sh", TRUE },
    { MEMFD, "sh", TRUE },
    { FILE_, "sh", FALSE },
    { FILE_ ",share=on", "sh", TRUE },
};

static void test_vmflags(Fixture *f, gconstpointer data)
{
    const FlagCase *c = data;
    g_autoptr(GError) error = NULL;
    QmemObject *obj;
    g_auto(Vma) vma = { 0 };

    if (!host_has_ksm && strstr(c->create, "merge=on")) {
        obj = try_add(f, c->create, &error);
        g_assert_null(obj);
        assert_error(error, "Memory merging is not supported on this host");
        return;
    }
    obj = add(f, c->create);
    get_block_vma(block_of(obj), &vma);
    g_assert_cmpint(vma_has_flag(&vma, c->flag), ==, c->present);
}

/* merge and dump are applied to the live mapping, both ways. */
static void test_vmflags_live(Fixture *f, gconstpointer data)
{
    QmemObject *obj = add(f, host_has_ksm ? RAM ",merge=on,dump=on"
                                          : RAM ",merge=off,dump=on");
    QmemRamBlock *block = block_of(obj);
    g_auto(Vma) v1 = { 0 };
    g_auto(Vma) v2 = { 0 };
    g_auto(Vma) v3 = { 0 };

    g_assert_true(qmem_property_parse(obj, "dump", "off", NULL));
    g_assert_true(qmem_property_parse(obj, "merge", "off", NULL));
    get_block_vma(block, &v1);
    g_assert_true(vma_has_flag(&v1, "dd"));
    g_assert_false(vma_has_flag(&v1, "mg"));

    g_assert_true(qmem_property_parse(obj, "dump", "on", NULL));
    get_block_vma(block, &v2);
    g_assert_false(vma_has_flag(&v2, "dd"));

    if (!host_has_ksm) {
        g_test_skip("the host cannot merge memory");
        return;
    }
    g_assert_true(qmem_property_parse(obj, "merge", "on", NULL));
    get_block_vma(block, &v3);
    g_assert_true(vma_has_flag(&v3, "mg"));
}

/* Where the memory is and what backs it. */
static void test_block_layout(Fixture *f, gconstpointer data)
{
    QmemRamBlock *ram = block_of(add(f, "memory-backend-ram,id=r,size=3M"));
    QmemRamBlock *file = block_of(add(f, "memory-backend-file,id=f,size=1M,"
                                         "mem-path=@DIR@/f"));
    QmemRamBlock *aligned = block_of(add(f, "memory-backend-file,id=a,"
                                            "size=1M,mem-path=@DIR@/a,"
                                            "align=2M"));
    QmemRamBlock *memfd = block_of(add(f, "memory-backend-memfd,id=m,"
                                          "size=1M"));
    QmemRamBlock *canon = block_of(add(f, "memory-backend-ram,id=c,size=1M,"
                                          "x-use-canonical-path-for-ramblock-id"
                                          "=on"));

    g_assert_cmpstr(ram->name, ==, "r");
    g_assert_cmpuint(ram->size, ==, 3 * MiB);
    g_assert_cmpint(ram->fd, ==, -1);
    g_assert_cmpuint(ram->align, ==, 2 * MiB);
    g_assert_cmpuint((guintptr)ram->host % (2 * MiB), ==, 0);
    g_assert_cmpuint(ram->page_size, ==, sysconf(_SC_PAGESIZE));

    g_assert_cmpstr(file->name, ==, "f");
    g_assert_cmpint(file->fd, >=, 0);
    g_assert_cmpuint(file->align, ==, sysconf(_SC_PAGESIZE));
    g_assert_cmpuint(file->page_size, ==, sysconf(_SC_PAGESIZE));

    g_assert_cmpuint(aligned->align, ==, 2 * MiB);
    g_assert_cmpuint((guintptr)aligned->host % (2 * MiB), ==, 0);

    g_assert_cmpint(memfd->fd, >=, 0);
    g_assert_cmpuint(memfd->flags & QMEM_RAM_SHARED, ==, QMEM_RAM_SHARED);
    g_assert_cmpuint(memfd->page_size, ==, sysconf(_SC_PAGESIZE));

    g_assert_cmpstr(canon->name, ==, "/objects/c");
}

/* share=on: bytes written through the mapping are in the file. */
static void test_file_share(Fixture *f, gconstpointer data)
{
    gboolean share = GPOINTER_TO_INT(data);
    g_autofree char *opts = g_strdup_printf(FILE_ ",share=%s",
                                            share ? "on" : "off");
    QmemRamBlock *block = block_of(add(f, opts));
    g_autofree char *path = g_build_filename(f->base.dir, "f", NULL);
    char buf[16] = "";
    int fd;
    struct stat st;

    /* A new file is sized to the backend. */
    g_assert_cmpint(stat(path, &st), ==, 0);
    g_assert_cmpint(st.st_size, ==, MiB);
    memcpy((char *)block->host + 8192, "guest wrote", 12);
    fd = open(path, O_RDONLY);
    g_assert_cmpint(fd, >=, 0);
    g_assert_cmpint(pread(fd, buf, 12, 8192), ==, 12);
    close(fd);
    if (share) {
        g_assert_cmpstr(buf, ==, "guest wrote");
    } else {
        g_assert_cmpmem(buf, 12, "\0\0\0\0\0\0\0\0\0\0\0\0", 12);
    }
}

/* An existing file is mapped from offset and never resized. */
static void test_file_existing(Fixture *f, gconstpointer data)
{
    g_autofree char *path = g_build_filename(f->base.dir, "f", NULL);
    QmemRamBlock *block;
    struct stat st;

    write_file(path, 4 * MiB, 'a');
    block = block_of(add(f, FILE_ ",offset=1M,share=on"));
    g_assert_cmpint(((char *)block->host)[0], ==, 'a');
    g_assert_cmpuint(block->fd_offset, ==, MiB);
    g_assert_cmpint(stat(path, &st), ==, 0);
    g_assert_cmpint(st.st_size, ==, 4 * MiB);
}

/*
 * A dangling symlink is a missing file that cannot be created: an error,
 * at once (it used to spin for ever, as QEMU 7.2 does), and nothing made.
 */
static void test_file_dangling_symlink(Fixture *f, gconstpointer data)
{
    g_autofree char *link = g_build_filename(f->base.dir, "l", NULL);
    g_autofree char *target = g_build_filename(f->base.dir, "missing", NULL);
    g_autofree char *message = g_strdup_printf(
        "can't open backing store %s for guest RAM: No such file or "
        "directory", link);
    g_autoptr(GError) error = NULL;

    g_assert_cmpint(symlink(target, link), ==, 0);
    g_assert_null(try_add(f, "memory-backend-file,id=m0,size=1M,"
                             "mem-path=@DIR@/l", &error));
    assert_error(error, message);
    g_assert_false(g_file_test(target, G_FILE_TEST_EXISTS));
    g_assert_cmpint(g_unlink(link), ==, 0);
}

/* A directory gets a temporary file that nobody else can see. */
static void test_file_directory(Fixture *f, gconstpointer data)
{
    QmemRamBlock *block = block_of(add(f, "memory-backend-file,id=m0,"
                                          "size=1M,mem-path=@DIR@"));
    g_autoptr(GDir) d = g_dir_open(f->base.dir, 0, NULL);
    g_autofree char *link = NULL;
    g_autofree char *fdpath = NULL;

    g_assert_null(g_dir_read_name(d));
    fdpath = g_strdup_printf("/proc/self/fd/%d", block->fd);
    link = g_file_read_link(fdpath, NULL);
    g_assert_nonnull(link);
    g_assert_true(g_str_has_prefix(link, f->base.dir));
    g_assert_nonnull(strstr(link, "/qemu_back_mem.m0."));
    g_assert_true(g_str_has_suffix(link, " (deleted)"));
    ((char *)block->host)[0] = 1;
}

/* readonly=on: ROM by default, private writable RAM with rom=off. */
static void test_file_readonly(Fixture *f, gconstpointer data)
{
    g_autofree char *path = g_build_filename(f->base.dir, "f", NULL);
    g_autofree char *rom_json = NULL;
    g_autofree char *content = NULL;
    QmemObject *rom, *ram;
    g_auto(Vma) vrom = { 0 };
    g_auto(Vma) vram = { 0 };

    write_file(path, MiB, 'r');
    g_assert_cmpint(chmod(path, 0444), ==, 0);
    rom = add(f, "memory-backend-file,id=rom,size=1M,mem-path=@DIR@/f,"
                 "readonly=on,share=on");
    ram = add(f, "memory-backend-file,id=ram,size=1M,mem-path=@DIR@/f,"
                 "readonly=on,rom=off");
    rom_json = get_json(rom, "rom");
    g_assert_cmpstr(rom_json, ==, "\"on\"");
    get_block_vma(block_of(rom), &vrom);
    get_block_vma(block_of(ram), &vram);
    g_assert_true(vma_has_flag(&vrom, "rd"));
    g_assert_false(vma_has_flag(&vrom, "wr"));
    g_assert_true(vma_has_flag(&vram, "wr"));
    g_assert_cmpint(((char *)block_of(rom)->host)[0], ==, 'r');
    ((char *)block_of(ram)->host)[0] = 'w';
    g_assert_true(g_file_get_contents(path, &content, NULL, NULL));
    g_assert_cmpint(content[0], ==, 'r');
}

/*
 * prealloc=on over a read-only mapping faults the file's pages in for
 * reading (writing them, as for RAM, would kill the process).
 */
static void test_file_readonly_prealloc(Fixture *f, gconstpointer data)
{
    g_autofree char *path = g_build_filename(f->base.dir, "f", NULL);
    QmemObject *rom;
    g_auto(Vma) vma = { 0 };

    write_file(path, MiB, 'r');
    rom = add(f, "memory-backend-file,id=rom,size=1M,mem-path=@DIR@/f,"
                 "readonly=on,prealloc=on");
    get_block_vma(block_of(rom), &vma);
    g_assert_false(vma_has_flag(&vma, "wr"));
    g_assert_cmpuint(vma.rss_kb, ==, MiB / KiB);
    g_assert_cmpint(((char *)block_of(rom)->host)[MiB - 1], ==, 'r');
}

/*
 * A file we may only read: the message, and the hint at readonly=on.  Root
 * opens any file, so as root the check runs in a child that drops to
 * nobody; the child finds the directory by its parent's pid.
 */
static char *eacces_dir(pid_t parent)
{
    g_autofree char *name = g_strdup_printf("test-hostmem-eacces-%d",
                                            (int)parent);

    return g_build_filename(g_get_tmp_dir(), name, NULL);
}

static void test_file_eacces_hint(void)
{
    g_autofree char *dir = NULL;
    g_autofree char *path = NULL;
    g_autofree char *opts = NULL;
    g_autofree char *message = NULL;
    g_autoptr(GError) error = NULL;
    g_autoptr(JsonObject) options = NULL;

    if (geteuid() == 0 && !g_test_subprocess()) {
        dir = eacces_dir(getpid());
        path = g_build_filename(dir, "f", NULL);
        g_assert_cmpint(g_mkdir(dir, 0755), ==, 0);
        write_file(path, MiB, 'r');
        g_assert_cmpint(chmod(path, 0444), ==, 0);
        g_test_trap_subprocess(NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDERR);
        g_assert_cmpint(g_unlink(path), ==, 0);
        g_assert_cmpint(g_rmdir(dir), ==, 0);
        g_test_trap_assert_passed();
        return;
    }
    if (g_test_subprocess()) {
        dir = eacces_dir(getppid());
        g_assert_cmpint(setgid(65534), ==, 0);
        g_assert_cmpint(setuid(65534), ==, 0);
    } else {
        dir = g_dir_make_tmp("test-hostmem-XXXXXX", NULL);
    }
    path = g_build_filename(dir, "f", NULL);
    if (!g_test_subprocess()) {
        write_file(path, MiB, 'r');
        g_assert_cmpint(chmod(path, 0444), ==, 0);
    }

    opts = g_strdup_printf("memory-backend-file,id=m0,size=1M,mem-path=%s",
                           path);
    options = qmem_opts_parse(opts, "qom-type", NULL, &error);
    g_assert_no_error(error);
    g_assert_null(qmem_user_creatable_add(options, QMEM_INPUT_OPTS, &error));
    message = g_strdup_printf("can't open backing store %s for guest RAM: "
                              "Permission denied", path);
    assert_error(error, message);
    g_assert_cmpstr(qmem_error_get_hint(error), ==,
                    "Consider opening the backing store read-only but still "
                    "creating writable RAM using '-object "
                    "memory-backend-file,readonly=on,rom=off...' (see \"VM "
                    "templating\" documentation)\n");
    if (!g_test_subprocess()) {
        g_assert_cmpint(g_unlink(path), ==, 0);
        g_assert_cmpint(g_rmdir(dir), ==, 0);
    }
}

/* discard-data=on: the file's contents go when the backend does. */
static void test_file_discard_data(Fixture *f, gconstpointer data)
{
    gboolean discard = GPOINTER_TO_INT(data);
    g_autofree char *path = g_build_filename(f->base.dir, "f", NULL);
    g_autofree char *content = NULL;
    g_autoptr(GError) error = NULL;
    gsize len;
    QmemRamBlock *block;

    block = block_of(add(f, FILE_ ",share=on"));
    memset(block->host, 'd', MiB);
    if (discard) {
        g_assert_true(qmem_property_parse(
            qmem_object_get_child(qmem_object_get_objects_root(), "m0"),
            "discard-data", "on", NULL));
    }
    g_assert_true(qmem_user_creatable_del("m0", &error));
    g_assert_no_error(error);
    g_assert_true(g_file_get_contents(path, &content, &len, NULL));
    g_assert_cmpuint(len, ==, MiB);
    g_assert_cmpint(content[0], ==, discard ? 0 : 'd');
    g_assert_cmpint(content[MiB - 1], ==, discard ? 0 : 'd');
}

/* memfd seals: grow, shrink and seal, unless seal=off. */
static void test_memfd_seals(Fixture *f, gconstpointer data)
{
    gboolean seal = GPOINTER_TO_INT(data);
    g_autofree char *opts = g_strdup_printf(MEMFD ",seal=%s",
                                            seal ? "on" : "off");
    QmemRamBlock *block = block_of(add(f, opts));
    int seals = fcntl(block->fd, F_GET_SEALS);

    /* Without MFD_ALLOW_SEALING a memfd starts (and stays) F_SEAL_SEAL. */
    g_assert_cmphex(seals, ==, seal ? F_SEAL_GROW | F_SEAL_SHRINK |
                                      F_SEAL_SEAL : F_SEAL_SEAL);
    if (seal) {
        g_assert_cmpint(ftruncate(block->fd, 2 * MiB), ==, -1);
        g_assert_cmpint(errno, ==, EPERM);
    }
}

/* Typed getters: what consumers read instead of properties by name. */

static void test_getters(Fixture *f, gconstpointer data)
{
    QmemHostMemoryBackend *plain = QMEM_HOST_MEMORY_BACKEND(
        add(f, "memory-backend-ram,id=m0,size=1M"));
    QmemObject *obj = add(f, CONFIG_NUMA
        ? "memory-backend-memfd,id=m1,size=2M,merge=off,dump=off,"
          "prealloc=on,prealloc-threads=3,host-nodes=0,policy=bind"
        : "memory-backend-memfd,id=m1,size=2M,merge=off,dump=off,"
          "prealloc=on,prealloc-threads=3");
    QmemHostMemoryBackend *set = QMEM_HOST_MEMORY_BACKEND(obj);
    g_autoptr(GArray) none = qmem_host_memory_backend_get_host_nodes(plain);
    g_autoptr(GArray) nodes = NULL;

    g_assert_cmpstr(qmem_host_memory_backend_get_id(plain), ==, "m0");
    g_assert_cmpuint(qmem_host_memory_backend_get_size(plain), ==, MiB);
    g_assert_cmpint(qmem_host_memory_backend_get_merge(plain), ==,
                    host_has_ksm);
    g_assert_true(qmem_host_memory_backend_get_dump(plain));
    g_assert_false(qmem_host_memory_backend_get_prealloc(plain));
    g_assert_cmpuint(qmem_host_memory_backend_get_prealloc_threads(plain), ==,
                     1);
    g_assert_cmpuint(none->len, ==, 0);
    g_assert_cmpint(qmem_host_memory_backend_get_policy(plain), ==,
                    QMEM_HOST_MEM_POLICY_DEFAULT);
    g_assert_false(qmem_host_memory_backend_get_share(plain));
    g_assert_true(qmem_host_memory_backend_get_reserve(plain));
    g_assert_true(qmem_host_memory_backend_get_ram_block(plain) ==
                  block_of(QMEM_OBJECT(plain)));
    g_assert_false(qmem_host_memory_backend_is_mapped(plain));

#if CONFIG_NUMA
    /* Accepted after complete, and only added to the set. */
    g_assert_true(qmem_property_parse(obj, "host-nodes", "2-3", NULL));
#endif
    nodes = qmem_host_memory_backend_get_host_nodes(set);
    g_assert_cmpstr(qmem_host_memory_backend_get_id(set), ==, "m1");
    g_assert_cmpuint(qmem_host_memory_backend_get_size(set), ==, 2 * MiB);
    g_assert_false(qmem_host_memory_backend_get_merge(set));
    g_assert_false(qmem_host_memory_backend_get_dump(set));
    g_assert_true(qmem_host_memory_backend_get_prealloc(set));
    g_assert_cmpuint(qmem_host_memory_backend_get_prealloc_threads(set), ==,
                     3);
    g_assert_true(qmem_host_memory_backend_get_share(set));
    g_assert_true(qmem_host_memory_backend_get_reserve(set));
#if CONFIG_NUMA
    g_assert_cmpint(qmem_host_memory_backend_get_policy(set), ==,
                    QMEM_HOST_MEM_POLICY_BIND);
    g_assert_cmpuint(nodes->len, ==, 3);
    g_assert_cmpuint(g_array_index(nodes, guint64, 0), ==, 0);
    g_assert_cmpuint(g_array_index(nodes, guint64, 1), ==, 2);
    g_assert_cmpuint(g_array_index(nodes, guint64, 2), ==, 3);
#else
    g_assert_cmpint(qmem_host_memory_backend_get_policy(set), ==,
                    QMEM_HOST_MEM_POLICY_DEFAULT);
    g_assert_cmpuint(nodes->len, ==, 0);
#endif
}

/* Deletion */

static void test_delete_in_use(Fixture *f, gconstpointer data)
{
    QmemObject *obj = add(f, RAM);
    QmemHostMemoryBackend *backend = QMEM_HOST_MEMORY_BACKEND(obj);
    g_autoptr(GError) error = NULL;
    gpointer weak = obj;

    g_object_add_weak_pointer(G_OBJECT(obj), &weak);
    g_assert_cmpstr(qmem_host_memory_backend_get_id(backend), ==, "m0");
    qmem_host_memory_backend_set_mapped(backend, TRUE);
    g_assert_true(qmem_host_memory_backend_is_mapped(backend));
    g_assert_false(qmem_user_creatable_del("m0", &error));
    assert_error(error, "object 'm0' is in use, can not be deleted");
    g_clear_error(&error);
    g_assert_nonnull(weak);

    qmem_host_memory_backend_set_mapped(backend, FALSE);
    g_assert_true(qmem_user_creatable_del("m0", &error));
    g_assert_no_error(error);
    g_assert_null(weak);

    g_assert_false(qmem_user_creatable_del("m0", &error));
    assert_error(error, "object 'm0' not found");
}

/* query-memdev and info memdev */

static void test_query(Fixture *f, gconstpointer data)
{
    g_autoptr(JsonNode) empty = qmem_host_memory_backend_query();
    g_autofree char *empty_json = json_to_string(empty, FALSE);
    g_autoptr(JsonNode) list = NULL;
    g_autofree char *json = NULL;
    g_autofree char *expected = NULL;
    const char *ksm = host_has_ksm ? "true" : "false";

    g_assert_cmpstr(empty_json, ==, "[]");
    add(f, "memory-backend-memfd,id=mb,size=2M,prealloc=on,dump=off");
    add(f, "memory-backend-ram,id=ma,size=1M,reserve=off,merge=off");
#if CONFIG_NUMA
    qmem_property_parse(qmem_object_get_child(qmem_object_get_objects_root(),
                                              "ma"), "host-nodes", "0-1,3",
                        NULL);
#endif
    list = qmem_host_memory_backend_query();
    json = json_to_string(list, FALSE);
    expected = g_strdup_printf(
        "[{\"id\":\"ma\",\"size\":1048576,\"merge\":false,\"dump\":true,"
        "\"prealloc\":false,\"share\":false,\"reserve\":false,"
        "\"host-nodes\":%s,\"policy\":\"default\"},"
        "{\"id\":\"mb\",\"size\":2097152,\"merge\":%s,\"dump\":false,"
        "\"prealloc\":true,\"share\":true,\"reserve\":true,"
        "\"host-nodes\":[],\"policy\":\"default\"}]",
        CONFIG_NUMA ? "[0,1,3]" : "[]", ksm);
    g_assert_cmpstr(json, ==, expected);
}

static void test_info(Fixture *f, gconstpointer data)
{
    g_autoptr(GString) out = g_string_new(NULL);
    g_autofree char *expected = NULL;

    qmem_host_memory_backend_info(out);
    g_assert_cmpstr(out->str, ==, "\n");
    g_string_truncate(out, 0);

    add(f, "memory-backend-ram,id=m1,size=1000,merge=off");
    add(f, CONFIG_NUMA ? "memory-backend-memfd,id=m0,size=1M,dump=off,"
                         "policy=bind,host-nodes=0"
                       : "memory-backend-memfd,id=m0,size=1M,dump=off");
    qmem_host_memory_backend_info(out);
    expected = g_strdup_printf(
        "memory backend: m0\n"
        "  size:  1048576\n"
        "  merge: %s\n"
        "  dump: false\n"
        "  prealloc: false\n"
        "  share: true\n"
        "  reserve: true\n"
        "  policy: %s\n"
        "  host nodes: %s\n"
        "memory backend: m1\n"
        "  size:  1000\n"
        "  merge: false\n"
        "  dump: true\n"
        "  prealloc: false\n"
        "  share: false\n"
        "  reserve: true\n"
        "  policy: default\n"
        "  host nodes: \n"
        "\n", host_has_ksm ? "true" : "false",
        CONFIG_NUMA ? "bind" : "default", CONFIG_NUMA ? "0" : "");
    g_assert_cmpstr(out->str, ==, expected);
}

/* Machine defaults (-machine mem-merge/dump-guest-core, -mem-prealloc). */
static void test_machine_defaults(Fixture *f, gconstpointer data)
{
    QmemObject *obj;
    g_autofree char *merge = NULL;
    g_autofree char *dump = NULL;
    g_autofree char *prealloc = NULL;
    g_autofree char *threads = NULL;
    g_autoptr(GError) error = NULL;
    g_auto(Vma) vma = { 0 };

    qmem_host_memory_backend_set_defaults(FALSE, FALSE, 3, TRUE);
    obj = add(f, RAM);
    merge = get_json(obj, "merge");
    dump = get_json(obj, "dump");
    prealloc = get_json(obj, "prealloc");
    threads = get_json(obj, "prealloc-threads");
    get_block_vma(block_of(obj), &vma);
    /* -mem-prealloc makes reserve=off an error, as in QEMU. */
    g_assert_null(
        try_add(f, "memory-backend-ram,id=m1,size=1M,reserve=off", &error));
    qmem_host_memory_backend_set_defaults(host_has_ksm, TRUE, 1, FALSE);

    g_assert_cmpstr(merge, ==, "false");
    g_assert_cmpstr(dump, ==, "false");
    g_assert_cmpstr(prealloc, ==, "true");
    g_assert_cmpstr(threads, ==, "3");
    g_assert_cmpuint(vma.rss_kb, ==, MiB / KiB);
    g_assert_true(vma_has_flag(&vma, "dd"));
    assert_error(error, "'prealloc=on' and 'reserve=off' are incompatible");
}

/* help */

static void test_help(Fixture *f, gconstpointer data)
{
    static const char *const expected[] = {
        "memory-backend-ram options:\n"
        "  dump=<bool>            - Set to 'off' to exclude from core dump\n"
        "  host-nodes=<int>       - Binds memory to the list of NUMA host "
        "nodes\n"
        "  merge=<bool>           - Mark memory as mergeable\n"
        "  policy=<HostMemPolicy> - Set the NUMA policy\n"
        "  prealloc-context=<link<thread-context>> - Context to use for "
        "creating CPU threads for preallocation\n"
        "  prealloc-threads=<int> - Number of CPU threads to use for "
        "prealloc\n"
        "  prealloc=<bool>        - Preallocate memory\n"
        "  reserve=<bool>         - Reserve swap space (or huge pages) if "
        "applicable\n"
        "  share=<bool>           - Mark the memory as private to QEMU or "
        "shared\n"
        "  size=<int>             - Size of the memory region (ex: 500M)\n"
        "  x-use-canonical-path-for-ramblock-id=<bool> - Name the RAM block "
        "after the canonical path, not the id\n",
        "memory-backend-file options:\n"
        "  align=<int>            - Alignment of the mapping (ex: 2M; "
        "default: page size)\n"
        "  discard-data=<bool>    - Discard the file's contents when the "
        "backend goes away\n"
        "  dump=<bool>            - Set to 'off' to exclude from core dump\n"
        "  host-nodes=<int>       - Binds memory to the list of NUMA host "
        "nodes\n"
        "  mem-path=<string>      - File or directory (for a temporary file) "
        "that backs the memory\n"
        "  merge=<bool>           - Mark memory as mergeable\n"
        "  offset=<int>           - Offset into the target file (ex: 1G)\n"
        "  policy=<HostMemPolicy> - Set the NUMA policy\n"
        "  prealloc-context=<link<thread-context>> - Context to use for "
        "creating CPU threads for preallocation\n"
        "  prealloc-threads=<int> - Number of CPU threads to use for "
        "prealloc\n"
        "  prealloc=<bool>        - Preallocate memory\n"
        "  readonly=<bool>        - Open the file read-only\n"
        "  reserve=<bool>         - Reserve swap space (or huge pages) if "
        "applicable\n"
        "  rom=<OnOffAuto>        - Whether to create Read Only Memory (ROM)\n"
        "  share=<bool>           - Mark the memory as private to QEMU or "
        "shared\n"
        "  size=<int>             - Size of the memory region (ex: 500M)\n"
        "  x-use-canonical-path-for-ramblock-id=<bool> - Name the RAM block "
        "after the canonical path, not the id\n",
        "memory-backend-memfd options:\n"
        "  dump=<bool>            - Set to 'off' to exclude from core dump\n"
        "  host-nodes=<int>       - Binds memory to the list of NUMA host "
        "nodes\n"
        "  hugetlb=<bool>         - Use huge pages\n"
        "  hugetlbsize=<int>      - Huge pages size (ex: 2M, 1G)\n"
        "  merge=<bool>           - Mark memory as mergeable\n"
        "  policy=<HostMemPolicy> - Set the NUMA policy\n"
        "  prealloc-context=<link<thread-context>> - Context to use for "
        "creating CPU threads for preallocation\n"
        "  prealloc-threads=<int> - Number of CPU threads to use for "
        "prealloc\n"
        "  prealloc=<bool>        - Preallocate memory\n"
        "  reserve=<bool>         - Reserve swap space (or huge pages) if "
        "applicable\n"
        "  seal=<bool>            - Seal growing & shrinking\n"
        "  share=<bool>           - Mark the memory as private to QEMU or "
        "shared\n"
        "  size=<int>             - Size of the memory region (ex: 500M)\n"
        "  x-use-canonical-path-for-ramblock-id=<bool> - Name the RAM block "
        "after the canonical path, not the id\n",
    };
    static const char *const types[] = {
        "memory-backend-ram", "memory-backend-file", "memory-backend-memfd",
    };

    for (guint i = 0; i < G_N_ELEMENTS(types); i++) {
        g_autoptr(GString) out = g_string_new(NULL);

        g_assert_true(qmem_user_creatable_print_help(types[i], out));
        g_assert_cmpstr(out->str, ==, expected[i]);
    }
}

static gboolean probe_ksm(void)
{
    gsize page = sysconf(_SC_PAGESIZE);
    void *p = mmap(NULL, page, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    gboolean ok;

    g_assert_true(p != MAP_FAILED);
    ok = madvise(p, page, MADV_MERGEABLE) == 0;
    munmap(p, page);
    return ok;
}

static char *case_path(const char *prefix, const char *input)
{
    g_autoptr(GString) s = g_string_new(prefix);

    for (const char *p = input; *p; p++) {
        g_string_append_c(s, g_ascii_isalnum(*p) || *p == '-' ? *p : '_');
    }
    return g_string_free(g_steal_pointer(&s), FALSE);
}

#define ADD(path, data, fn) \
    g_test_add(path, Fixture, data, fixture_setup, fn, fixture_teardown)

int main(int argc, char **argv)
{
    test_init(&argc, &argv);
    host_has_ksm = probe_ksm();

    ADD("/backends/hostmem/types", NULL, test_types);
    ADD("/backends/hostmem/abstract", NULL, test_abstract);
    for (guint i = 0; i < G_N_ELEMENTS(default_cases); i++) {
        const DefaultCase *c = &default_cases[i];
        const char *type = strstr(c->create, "file") ? "file" :
                           strstr(c->create, "memfd") ? "memfd" : "ram";
        g_autofree char *path =
            g_strdup_printf("/backends/hostmem/default/%s/%s", type, c->prop);

        ADD(path, c, test_default);
    }
    for (guint i = 0; i < G_N_ELEMENTS(error_cases); i++) {
        g_autofree char *path = case_path("/backends/hostmem/create-error/",
                                          error_cases[i].name);

        ADD(path, &error_cases[i], test_create_error);
    }
    ADD("/backends/hostmem/create-error/bind-missing-node", NULL,
        test_bind_missing_node);
    ADD("/backends/hostmem/alloc-unset", NULL, test_alloc_unset);
    ADD("/backends/hostmem/complete-failure", NULL, test_complete_failure);
    ADD("/backends/hostmem/alloc-hook", NULL, test_alloc_hook);
    for (guint i = 0; i < G_N_ELEMENTS(live_cases); i++) {
        g_autofree char *path = case_path("/backends/hostmem/live/",
                                          live_cases[i].name);

        ADD(path, &live_cases[i], test_live);
    }
    ADD("/backends/hostmem/pre-complete", NULL, test_pre_complete);
    ADD("/backends/hostmem/host-nodes/accumulate", NULL,
        test_host_nodes_accumulate);
    ADD("/backends/hostmem/host-nodes/forms", NULL, test_host_nodes_forms);
#if CONFIG_NUMA
    for (guint i = 0; i < G_N_ELEMENTS(policy_cases); i++) {
        g_autofree char *path = g_strdup_printf("/backends/hostmem/mbind/%s",
                                                policy_cases[i].policy);

        ADD(path, &policy_cases[i], test_mbind);
    }
#endif
    ADD("/backends/hostmem/mbind/default", NULL, test_no_mbind_by_default);
    for (guint i = 0; i < G_N_ELEMENTS(prealloc_cases); i++) {
        g_autofree char *path = case_path("/backends/hostmem/prealloc/",
                                          prealloc_cases[i].create);

        ADD(path, &prealloc_cases[i], test_prealloc);
    }
    ADD("/backends/hostmem/prealloc/live", NULL, test_prealloc_live);
    ADD("/backends/hostmem/prealloc/live-failure", NULL,
        test_prealloc_live_failure);
    for (guint i = 0; i < G_N_ELEMENTS(flag_cases); i++) {
        g_autofree char *name = g_strdup_printf(
            "%s/%s%s", flag_cases[i].create, flag_cases[i].present ? "" : "no-",
            flag_cases[i].flag);
        g_autofree char *path = case_path("/backends/hostmem/vmflags/", name);

        ADD(path, &flag_cases[i], test_vmflags);
    }
    ADD("/backends/hostmem/vmflags/live", NULL, test_vmflags_live);
    ADD("/backends/hostmem/block-layout", NULL, test_block_layout);
    ADD("/backends/hostmem/file/share-on", GINT_TO_POINTER(TRUE),
        test_file_share);
    ADD("/backends/hostmem/file/share-off", GINT_TO_POINTER(FALSE),
        test_file_share);
    ADD("/backends/hostmem/file/existing", NULL, test_file_existing);
    ADD("/backends/hostmem/file/directory", NULL, test_file_directory);
    ADD("/backends/hostmem/file/dangling-symlink", NULL,
        test_file_dangling_symlink);
    ADD("/backends/hostmem/file/readonly", NULL, test_file_readonly);
    ADD("/backends/hostmem/file/readonly-prealloc", NULL,
        test_file_readonly_prealloc);
    g_test_add_func("/backends/hostmem/file/eacces-hint",
                    test_file_eacces_hint);
    ADD("/backends/hostmem/file/discard-data-on", GINT_TO_POINTER(TRUE),
        test_file_discard_data);
    ADD("/backends/hostmem/file/discard-data-off", GINT_TO_POINTER(FALSE),
        test_file_discard_data);
    ADD("/backends/hostmem/memfd/seal-on", GINT_TO_POINTER(TRUE),
        test_memfd_seals);
    ADD("/backends/hostmem/memfd/seal-off", GINT_TO_POINTER(FALSE),
        test_memfd_seals);
    ADD("/backends/hostmem/getters", NULL, test_getters);
    ADD("/backends/hostmem/delete-in-use", NULL, test_delete_in_use);
    ADD("/backends/hostmem/query-memdev", NULL, test_query);
    ADD("/backends/hostmem/info-memdev", NULL, test_info);
    ADD("/backends/hostmem/machine-defaults", NULL, test_machine_defaults);
    ADD("/backends/hostmem/help", NULL, test_help);

    return g_test_run();
}
