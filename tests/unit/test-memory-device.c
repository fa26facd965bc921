/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Tests for the memory-device core and pc-dimm on a pc machine under qtest. */

#include <errno.h>
#include <inttypes.h>
#include <string.h>
#include <unistd.h>

#include "accel/qtest/qtest.h"
#include "hw/core/boards.h"
#include "hw/core/qdev.h"
#include "hw/mem/memory-device.h"
#include "hw/mem/memory-map-qmp-cmds.h"
#include "hw/mem/pc-dimm.h"
#include "monitor/hmp.h"
#include "qobject/json.h"
#include "qom/module.h"
#include "qom/property.h"
#include "qom/qom-qmp-cmds.h"
#include "qom/user-creatable.h"
#include "system/accel.h"
#include "system/hostmem.h"
#include "tests/unit/qmp-test.h"
#include "tests/unit/test-machine.h"
#include "util/error.h"

/* pc-dimm is a module's type: tests find it by its name, as -device does. */
#define PC_DIMM_TYPE (qmem_type_from_name(QMEM_TYPE_NAME_PC_DIMM))

#define MiB (1024ULL * 1024)
#define GiB (1024 * MiB)

/* The default machine: device memory at 4 GiB, 7 GiB + 4 x 1 GiB long. */
#define M_DEFAULT "1G,slots=4,maxmem=8G"
#define AREA "[0x100000000:0x2c0000000]"

/* ------------------------------------------------------------------ */
/* x-test-md: a memory device whose every answer a test chooses */

#define TEST_TYPE_MD (test_md_get_type())
G_DECLARE_FINAL_TYPE(TestMd, test_md, TEST, MD, QmemDevice)

struct _TestMd {
    QmemDevice parent_instance;

    guint64 addr;
    guint64 size;
    guint64 align;          /* get_min_alignment; 0: none */
    guint memslots;         /* get_memslots unless @decide */
    gboolean decide;        /* get_memslots returns what decide_memslots got */
    gboolean empty;         /* get_memory_region returns NULL, no error */
    guint limit;            /* what decide_memslots was told; 0: not called */
    gboolean refuse;        /* its pre_plug hook fails */
    QmemRamBlock *block;
    QmemMemoryRegion *mr;
};

static void test_md_iface_init(QmemMemoryDeviceInterface *iface);

G_DEFINE_TYPE_WITH_CODE(TestMd, test_md, QMEM_TYPE_DEVICE,
                        G_IMPLEMENT_INTERFACE(QMEM_TYPE_MEMORY_DEVICE,
                                              test_md_iface_init))

enum {
    MD_PROP_0,
    MD_PROP_ADDR,
    MD_PROP_SIZE,
    MD_PROP_ALIGN,
    MD_PROP_MEMSLOTS,
    MD_PROP_DECIDE,
    MD_PROP_EMPTY,
    MD_PROP_LIMIT,
    MD_PROP_REFUSE,
    MD_N_PROPS
};

static GParamSpec *md_props[MD_N_PROPS];

static guint64 test_md_get_addr(QmemMemoryDevice *md)
{
    return TEST_MD(md)->addr;
}

static gboolean test_md_set_addr(QmemMemoryDevice *md, guint64 addr,
                                 GError **error)
{
    TEST_MD(md)->addr = addr;
    return TRUE;
}

/* Half of it, so that sums of plugged sizes differ from region sizes. */
static guint64 test_md_get_plugged_size(QmemMemoryDevice *md, GError **error)
{
    return TEST_MD(md)->size / 2;
}

static QmemMemoryRegion *test_md_get_memory_region(QmemMemoryDevice *md,
                                                   GError **error)
{
    TestMd *t = TEST_MD(md);

    if (t->empty) {
        return NULL;
    }
    if (!t->mr) {
        t->block = qmem_ram_block_new_anon("x-test-md", t->size,
                                           QMEM_RAM_NORESERVE, error);
        if (!t->block) {
            return NULL;
        }
        t->mr = qmem_memory_region_new_ram("x-test-md", t->block);
    }
    return t->mr;
}

static guint64 test_md_get_min_alignment(QmemMemoryDevice *md)
{
    return TEST_MD(md)->align;
}

static void test_md_decide_memslots(QmemMemoryDevice *md, guint limit)
{
    g_assert_cmpuint(limit, >=, 1);
    g_assert_cmpuint(TEST_MD(md)->limit, ==, 0);
    TEST_MD(md)->limit = limit;
}

static guint test_md_get_memslots(QmemMemoryDevice *md)
{
    TestMd *t = TEST_MD(md);

    if (t->decide) {
        /* The core asks only after deciding. */
        g_assert_cmpuint(t->limit, >, 0);
        return t->limit;
    }
    return t->memslots;
}

/* Shaped as virtio-pmem's entry (QEMU 7.2 lists one so), for the printer. */
static JsonObject *test_md_fill_device_info(QmemMemoryDevice *md)
{
    TestMd *t = TEST_MD(md);
    const char *id = qmem_device_get_id(QMEM_DEVICE(md));
    JsonObject *data = json_object_new();

    if (id) {
        json_object_set_string_member(data, "id", id);
    }
    json_object_set_int_member(data, "memaddr", t->addr);
    json_object_set_int_member(data, "size", t->empty ? 0 : t->size);
    json_object_set_string_member(data, "memdev", "x-test-md");
    return data;
}

/* What the device's own hooks saw, in order, for every x-test-md. */
static GString *test_md_hooks;

static void test_md_log(TestMd *t, const char *hook)
{
    if (test_md_hooks) {
        g_string_append_printf(test_md_hooks, "%s %s addr=0x%" PRIx64 "%s\n",
                               qmem_device_get_id(QMEM_DEVICE(t)), hook,
                               t->addr,
                               t->mr && qmem_memory_region_is_mapped(t->mr)
                                   ? " mapped" : "");
    }
}

static gboolean test_md_pre_plug(QmemMemoryDevice *md, QmemMachine *machine,
                                 GError **error)
{
    TestMd *t = TEST_MD(md);

    test_md_log(t, "pre_plug");
    if (t->refuse) {
        g_set_error_literal(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                            "x-test-md refuses");
        return FALSE;
    }
    return TRUE;
}

static void test_md_plug(QmemMemoryDevice *md, QmemMachine *machine)
{
    test_md_log(TEST_MD(md), "plug");
}

static void test_md_unplug(QmemMemoryDevice *md, QmemMachine *machine)
{
    test_md_log(TEST_MD(md), "unplug");
}

static void test_md_iface_init(QmemMemoryDeviceInterface *iface)
{
    iface->kind = "virtio-pmem";
    iface->get_addr = test_md_get_addr;
    iface->set_addr = test_md_set_addr;
    iface->get_plugged_size = test_md_get_plugged_size;
    iface->get_memory_region = test_md_get_memory_region;
    iface->get_min_alignment = test_md_get_min_alignment;
    iface->decide_memslots = test_md_decide_memslots;
    iface->get_memslots = test_md_get_memslots;
    iface->fill_device_info = test_md_fill_device_info;
    iface->pre_plug = test_md_pre_plug;
    iface->plug = test_md_plug;
    iface->unplug = test_md_unplug;
}

static void test_md_set_property(GObject *obj, guint id, const GValue *value,
                                 GParamSpec *pspec)
{
    TestMd *t = TEST_MD(obj);

    switch (id) {
    case MD_PROP_ADDR:
        t->addr = g_value_get_uint64(value);
        break;
    case MD_PROP_SIZE:
        t->size = g_value_get_uint64(value);
        break;
    case MD_PROP_ALIGN:
        t->align = g_value_get_uint64(value);
        break;
    case MD_PROP_MEMSLOTS:
        t->memslots = g_value_get_uint(value);
        break;
    case MD_PROP_DECIDE:
        t->decide = g_value_get_boolean(value);
        break;
    case MD_PROP_EMPTY:
        t->empty = g_value_get_boolean(value);
        break;
    case MD_PROP_REFUSE:
        t->refuse = g_value_get_boolean(value);
        break;
    default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID(obj, id, pspec);
    }
}

static void test_md_get_property(GObject *obj, guint id, GValue *value,
                                 GParamSpec *pspec)
{
    TestMd *t = TEST_MD(obj);

    switch (id) {
    case MD_PROP_ADDR:
        g_value_set_uint64(value, t->addr);
        break;
    case MD_PROP_LIMIT:
        g_value_set_uint(value, t->limit);
        break;
    default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID(obj, id, pspec);
    }
}

static gboolean test_md_realize(QmemDevice *dev, GError **error)
{
    return TRUE;
}

static void test_md_finalize(GObject *obj)
{
    TestMd *t = TEST_MD(obj);

    g_clear_object(&t->mr);
    qmem_ram_block_free(t->block);
    G_OBJECT_CLASS(test_md_parent_class)->finalize(obj);
}

static void test_md_class_init(TestMdClass *klass)
{
    GObjectClass *oc = G_OBJECT_CLASS(klass);
    const GParamFlags rw = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS;

    oc->set_property = test_md_set_property;
    oc->get_property = test_md_get_property;
    oc->finalize = test_md_finalize;
    QMEM_DEVICE_CLASS(klass)->realize = test_md_realize;
    QMEM_DEVICE_CLASS(klass)->hotpluggable = TRUE;
    QMEM_DEVICE_CLASS(klass)->desc = "memory device for tests";

    md_props[MD_PROP_ADDR] = g_param_spec_uint64("addr", NULL, NULL, 0,
                                                 G_MAXUINT64, 0, rw);
    md_props[MD_PROP_SIZE] = qmem_param_spec_size("size", NULL, 0, G_MAXUINT64,
                                                  2 * MiB, G_PARAM_WRITABLE);
    md_props[MD_PROP_ALIGN] = qmem_param_spec_size("align", NULL, 0,
                                                   G_MAXUINT64, 0,
                                                   G_PARAM_WRITABLE);
    md_props[MD_PROP_MEMSLOTS] = g_param_spec_uint("memslots", NULL, NULL, 0,
                                                   G_MAXUINT32, 1,
                                                   G_PARAM_WRITABLE);
    md_props[MD_PROP_DECIDE] = g_param_spec_boolean("decide", NULL, NULL,
                                                    FALSE, G_PARAM_WRITABLE);
    md_props[MD_PROP_EMPTY] = g_param_spec_boolean("empty", NULL, NULL, FALSE,
                                                   G_PARAM_WRITABLE);
    md_props[MD_PROP_LIMIT] = g_param_spec_uint("limit", NULL, NULL, 0,
                                                G_MAXUINT32, 0,
                                                G_PARAM_READABLE);
    md_props[MD_PROP_REFUSE] = g_param_spec_boolean("refuse", NULL, NULL, FALSE,
                                                    G_PARAM_WRITABLE);
    g_object_class_install_properties(oc, MD_N_PROPS, md_props);
}

static void test_md_init(TestMd *t)
{
    t->size = 2 * MiB;
    t->memslots = 1;
}

/* ------------------------------------------------------------------ */
/* Fixture: a pc machine on the qtest accelerator; nothing may survive */

typedef MachineFixture Fixture;

/* -accel qtest with its memslots limited to N */
#define QTEST_MEMSLOTS(n) "qtest," QMEM_QTEST_ACCEL_PROP_MEMSLOTS "=" #n

static guint64 get_u64(gpointer obj, const char *name)
{
    guint64 v;

    g_object_get(obj, name, &v, NULL);
    return v;
}

static gint get_slot(gpointer obj)
{
    gint v;

    g_object_get(obj, QMEM_PC_DIMM_PROP_SLOT, &v, NULL);
    return v;
}

static char *query_string(void)
{
    g_autoptr(JsonNode) list = qmem_memory_devices_query();

    return qmem_json_to_string(list);
}

static char *info_string(void)
{
    g_autoptr(GString) out = g_string_new(NULL);

    qmem_memory_devices_info(out);
    return g_string_free(g_steal_pointer(&out), FALSE);
}

static QmemDeviceMemoryState *dms_of(Fixture *f)
{
    QmemDeviceMemoryState *dms = qmem_machine_get_device_memory(f->machine);

    g_assert_nonnull(dms);
    return dms;
}

/* What is mapped at guest-physical @addr, NULL for nothing. */
static QmemMemoryRegion *mapped_at(Fixture *f, guint64 addr)
{
    const QmemMemorySection *s = qmem_address_space_lookup(
        qmem_machine_get_address_space(f->machine), addr);

    return s ? s->mr : NULL;
}

static guint accel_free_memslots(Fixture *f)
{
    guint max, free;

    qmem_accel_get_memslots(f->accel, &max, &free);
    return free;
}

/* ------------------------------------------------------------------ */
/* Every error, table-driven: all devices but the last must plug */

typedef struct {
    const char *name;
    const char *m;              /* NULL: M_DEFAULT */
    guint memslots;
    const char *objects[6];
    const char *devices[6];
    const char *error;          /* of the last device */
} PlugCase;

#define RAM(id, size) "memory-backend-ram,id=" id ",size=" size

static const PlugCase plug_cases[] = {
    /* Slots (pc_dimm_pre_plug, QEMU 7.2 agrees on every text) */
    { "slot/out-of-range", NULL, 0, { RAM("m0", "1G") },
      { "pc-dimm,id=d0,memdev=m0,slot=4" },
      "invalid slot number 4, valid range is [0-3]" },
    { "slot/negative", NULL, 0, { RAM("m0", "1G") },
      { "pc-dimm,id=d0,memdev=m0,slot=-2" },
      "invalid slot number -2, valid range is [0-3]" },
    { "slot/busy", NULL, 0, { RAM("m0", "1G"), RAM("m1", "1G") },
      { "pc-dimm,id=d0,memdev=m0", "pc-dimm,id=d1,memdev=m1,slot=0" },
      "slot 0 is busy" },
    { "slot/none-free", "1G,slots=1,maxmem=2G", 0,
      { RAM("m0", "512M"), RAM("m1", "512M") },
      { "pc-dimm,id=d0,memdev=m0", "pc-dimm,id=d1,memdev=m1" },
      "no free slots available" },
    { "slot/none-free-explicit", "1G,slots=2,maxmem=2G", 0,
      { RAM("m0", "2M"), RAM("m1", "2M"), RAM("m2", "2M") },
      { "pc-dimm,memdev=m0,slot=1", "pc-dimm,memdev=m1",
        "pc-dimm,memdev=m2" },
      "no free slots available" },
    { "slot/no-slots", "1G,maxmem=2G", 0, { RAM("m0", "1G") },
      { "pc-dimm,id=d0,memdev=m0" },
      "no slots where allocated, please specify the 'slots' option" },
    { "slot/no-slots-explicit", "1G,maxmem=2G", 0, { RAM("m0", "1G") },
      { "pc-dimm,id=d0,memdev=m0,slot=0" },
      "invalid slot number 0, valid range is [0-18446744073709551615]" },
    { "slot/no-maxmem", "1G", 0, { RAM("m0", "1G") },
      { "pc-dimm,id=d0,memdev=m0" },
      "no slots where allocated, please specify the 'slots' option" },
    /* memdev and node (realize, after pre_plug) */
    { "memdev/missing", NULL, 0, { NULL }, { "pc-dimm,id=d0" },
      "'memdev' property must be set" },
    { "memdev/busy", NULL, 0, { RAM("m0", "1G") },
      { "pc-dimm,id=d0,memdev=m0", "pc-dimm,id=d1,memdev=m0" },
      "can't use already busy memdev: m0" },
    { "memdev/busy-boot-ram", NULL, 0, { NULL },
      { "pc-dimm,id=d0,memdev=pc.ram" },
      "can't use already busy memdev: pc.ram" },
    { "node/too-big", NULL, 0, { RAM("m0", "1G") },
      { "pc-dimm,id=d0,memdev=m0,node=1" },
      "'DIMM property node has value 1' which exceeds the number of numa "
      "nodes: 1" },
    /* Size */
    { "size/not-page-multiple", NULL, 0, { RAM("m0", "1M") },
      { "pc-dimm,id=d0,memdev=m0" },
      "backend memory size must be multiple of 0x200000" },
    { "size/one-byte-more", NULL, 0, { RAM("m0", "1073741825") },
      { "pc-dimm,id=d0,memdev=m0" },
      "backend memory size must be multiple of 0x200000" },
    { "size/file-align", NULL, 0,
      { "memory-backend-file,id=m0,size=2M,mem-path=@DIR@/m0,align=4M" },
      { "pc-dimm,id=d0,memdev=m0" },
      "backend memory size must be multiple of 0x400000" },
    { "size/not-enough-space", "1G,slots=4,maxmem=3G", 0,
      { RAM("m0", "1G"), RAM("m1", "1G"), RAM("m2", "2M") },
      { "pc-dimm,memdev=m0", "pc-dimm,memdev=m1", "pc-dimm,memdev=m2" },
      "not enough space, currently 0x80000000 in use of total space for "
      "memory devices 0x80000000" },
    { "size/too-big", "1G,slots=4,maxmem=3G", 0, { RAM("m0", "3G") },
      { "pc-dimm,memdev=m0" },
      "not enough space, currently 0x0 in use of total space for memory "
      "devices 0x80000000" },
    /* Address hints */
    { "addr/misaligned", NULL, 0, { RAM("m0", "2M") },
      { "pc-dimm,id=d0,memdev=m0,addr=0x100100000" },
      "address must be aligned to 0x200000 bytes" },
    { "addr/misaligned-file-align", NULL, 0,
      { "memory-backend-file,id=m0,size=4M,mem-path=@DIR@/m0,align=4M" },
      { "pc-dimm,id=d0,memdev=m0,addr=0x100200000" },
      "address must be aligned to 0x400000 bytes" },
    { "addr/below", NULL, 0, { RAM("m0", "2M") },
      { "pc-dimm,id=d0,memdev=m0,addr=0x200000" },
      "can't add memory device [0x200000:0x200000], usable range for memory "
      "devices " AREA },
    { "addr/beyond", NULL, 0, { RAM("m0", "2M") },
      { "pc-dimm,id=d0,memdev=m0,addr=0x3c0000000" },
      "can't add memory device [0x3c0000000:0x200000], usable range for "
      "memory devices " AREA },
    { "addr/straddles-end", NULL, 0, { RAM("m0", "4M") },
      { "pc-dimm,id=d0,memdev=m0,addr=0x3bfe00000" },
      "can't add memory device [0x3bfe00000:0x400000], usable range for "
      "memory devices " AREA },
    { "addr/wraps", NULL, 0, { RAM("m0", "4M") },
      { "pc-dimm,id=d0,memdev=m0,addr=0xffffffffffe00000" },
      "can't add memory device [0xffffffffffe00000:0x400000], usable range "
      "for memory devices " AREA },
    { "addr/conflict-named", NULL, 0, { RAM("m0", "1G"), RAM("m1", "2M") },
      { "pc-dimm,id=d0,memdev=m0",
        "pc-dimm,id=d1,memdev=m1,addr=0x13fe00000" },
      "address range conflicts with memory device id='d0'" },
    { "addr/conflict-unnamed", NULL, 0, { RAM("m0", "1G"), RAM("m1", "1G") },
      { "pc-dimm,memdev=m0,addr=0x200000000",
        "pc-dimm,id=d1,memdev=m1,addr=0x1c0200000" },
      "address range conflicts with memory device id='(unnamed)'" },
    { "addr/conflict-first-of-two", NULL, 0,
      { RAM("m0", "2M"), RAM("m1", "2M"), RAM("m2", "4M") },
      { "pc-dimm,id=a,memdev=m0,addr=0x100200000",
        "pc-dimm,id=b,memdev=m1,addr=0x100000000",
        "pc-dimm,id=c,memdev=m2,addr=0x100000000" },
      "address range conflicts with memory device id='b'" },
    /* Memslots: qtest has 3, the boot RAM takes one */
    { "memslots/hypervisor-full", NULL, 3,
      { RAM("m0", "2M"), RAM("m1", "2M"), RAM("m2", "2M") },
      { "pc-dimm,memdev=m0", "pc-dimm,memdev=m1", "pc-dimm,memdev=m2" },
      "hypervisor has not enough free memory slots left" },
    /* Memory devices other than DIMMs */
    { "md/no-device-memory", "1G", 0, { NULL }, { "x-test-md,id=t0" },
      "the configuration is not prepared for memory devices (e.g., for "
      "memory hotplug), consider specifying the maxmem option" },
    { "md/fragmented", "1G,slots=2,maxmem=3G", 0,
      { RAM("m0", "2M"), RAM("m1", "2M") },
      { "pc-dimm,memdev=m0", "pc-dimm,memdev=m1,addr=0x180000000",
        "x-test-md,align=2G" },
      "could not find position in guest address space for memory device - "
      "memory fragmented due to alignments" },
    { "md/hint-misaligned-min-alignment", NULL, 0, { NULL },
      { "x-test-md,align=1G,addr=0x100200000" },
      "address must be aligned to 0x40000000 bytes" },
};

static void test_plug_error(gconstpointer data)
{
    const PlugCase *c = data;
    g_autofree char *accel = NULL;
    MachineConfig config = { .machine = "pc", .m = c->m ? c->m : M_DEFAULT };
    g_autoptr(GError) error = NULL;
    Fixture f = { 0 };
    guint n = 0;

    if (c->memslots) {
        accel = g_strdup_printf("qtest," QMEM_QTEST_ACCEL_PROP_MEMSLOTS "=%u",
                                c->memslots);
        config.accel = accel;
    }
    machine_fixture_setup(&f, &config);
    for (guint i = 0; i < G_N_ELEMENTS(c->objects) && c->objects[i]; i++) {
        add_object(&f, c->objects[i]);
    }
    while (n < G_N_ELEMENTS(c->devices) && c->devices[n]) {
        n++;
    }
    for (guint i = 0; i + 1 < n; i++) {
        add_device(&f, c->devices[i]);
    }
    g_assert_null(try_device(&f, c->devices[n - 1], FALSE, &error));
    assert_error(error, c->error);

    /* The same through device_add, on a running machine. */
    g_clear_error(&error);
    qmem_machine_creation_done(f.machine);
    g_assert_null(try_device(&f, c->devices[n - 1], TRUE, &error));
    assert_error(error, c->error);
    machine_fixture_teardown(&f, NULL);
}

/* ------------------------------------------------------------------ */
/* Address and slot assignment */

static const MachineConfig config_default = { .machine = "pc", .m = M_DEFAULT };

static void test_first_fit(Fixture *f, gconstpointer data)
{
    QmemDevice *d[6];

    add_object(f, RAM("m0", "1G"));
    add_object(f, RAM("m1", "1G"));
    add_object(f, RAM("m2", "1G"));
    add_object(f, RAM("m3", "512M"));
    add_object(f, RAM("m4", "1G"));
    add_object(f, RAM("m5", "2M"));

    d[0] = add_device(f, "pc-dimm,id=d0,memdev=m0");
    d[1] = add_device(f, "pc-dimm,id=d1,memdev=m1");
    d[2] = add_device(f, "pc-dimm,id=d2,memdev=m2");
    g_assert_cmphex(get_u64(d[0], "addr"), ==, 4 * GiB);
    g_assert_cmphex(get_u64(d[1], "addr"), ==, 5 * GiB);
    g_assert_cmphex(get_u64(d[2], "addr"), ==, 6 * GiB);
    g_assert_cmpint(get_slot(d[0]), ==, 0);
    g_assert_cmpint(get_slot(d[1]), ==, 1);
    g_assert_cmpint(get_slot(d[2]), ==, 2);

    /* The hole d1 leaves and its slot are used again, lowest first. */
    del_device(f, "d1");
    g_assert_null(mapped_at(f, 5 * GiB));
    d[3] = hotplug_device(f, "pc-dimm,id=d3,memdev=m3");
    g_assert_cmphex(get_u64(d[3], "addr"), ==, 5 * GiB);
    g_assert_cmpint(get_slot(d[3]), ==, 1);

    /* 1G does not fit into the rest of the hole: after the last DIMM. */
    d[4] = hotplug_device(f, "pc-dimm,id=d4,memdev=m4");
    g_assert_cmphex(get_u64(d[4], "addr"), ==, 7 * GiB);
    g_assert_cmpint(get_slot(d[4]), ==, 3);

    /* Four slots, four DIMMs. */
    {
        g_autoptr(GError) error = NULL;

        g_assert_null(try_device(f, "pc-dimm,id=d5,memdev=m5", TRUE,
                                 &error));
        assert_error(error, "no free slots available");
    }
    del_device(f, "d3");
    d[5] = hotplug_device(f, "pc-dimm,id=d5,memdev=m5");
    g_assert_cmphex(get_u64(d[5], "addr"), ==, 5 * GiB);
    g_assert_cmpint(get_slot(d[5]), ==, 1);
}

static void test_hints(Fixture *f, gconstpointer data)
{
    QmemDevice *a, *b, *c, *d;

    add_object(f, RAM("m0", "1G"));
    add_object(f, RAM("m1", "1G"));
    add_object(f, RAM("m2", "512M"));
    add_object(f, RAM("m3", "1G"));

    /* A hint anywhere inside the area, slot chosen freely. */
    a = add_device(f, "pc-dimm,id=a,memdev=m0,addr=0x140000000,slot=3");
    g_assert_cmphex(get_u64(a, "addr"), ==, 5 * GiB);
    g_assert_cmpint(get_slot(a), ==, 3);
    /* Automatic placement fills the gap before it, then after it. */
    b = add_device(f, "pc-dimm,id=b,memdev=m1");
    g_assert_cmphex(get_u64(b, "addr"), ==, 4 * GiB);
    g_assert_cmpint(get_slot(b), ==, 0);
    c = add_device(f, "pc-dimm,id=c,memdev=m2");
    g_assert_cmphex(get_u64(c, "addr"), ==, 6 * GiB);
    /* Hints right at the end of the area are fine. */
    d = add_device(f, "pc-dimm,id=d,memdev=m3,addr=0x380000000");
    g_assert_cmphex(get_u64(d, "addr"), ==, 14 * GiB);
    g_assert_cmpint(get_slot(d), ==, 2);
}

/* pc-dimm's extra alignment is none: file backends align to their pages. */
static void test_file_backend(Fixture *f, gconstpointer data)
{
    QmemDevice *a, *b;

    add_object(f, RAM("m0", "2M"));
    add_object(f, "memory-backend-file,id=m1,size=4M,mem-path=@DIR@/m1,"
                  "align=4M");
    a = add_device(f, "pc-dimm,id=a,memdev=m0");
    b = add_device(f, "pc-dimm,id=b,memdev=m1");
    g_assert_cmphex(get_u64(a, "addr"), ==, 4 * GiB);
    g_assert_cmphex(get_u64(b, "addr"), ==, 4 * GiB + 4 * MiB);
}

/* ------------------------------------------------------------------ */
/* Plug, unplug and the accounting around them */

static void test_plug_unplug(Fixture *f, gconstpointer data)
{
    QmemDeviceMemoryState *dms = dms_of(f);
    QmemObject *m0 = add_object(f, RAM("m0", "1G"));
    QmemMemoryRegion *mr;
    guint free0 = accel_free_memslots(f);
    g_autoptr(GError) error = NULL;

    g_assert_cmpuint(dms->used_memslots, ==, 0);
    g_assert_cmpuint(qmem_memory_devices_get_plugged_size(), ==, 0);

    add_device(f, "pc-dimm,id=d0,memdev=m0");
    mr = mapped_at(f, 4 * GiB);
    g_assert_nonnull(mr);
    g_assert_true(mr == mapped_at(f, 5 * GiB - 1));
    g_assert_null(mapped_at(f, 5 * GiB));
    track(f, mr);
    g_assert_true(qmem_memory_region_get_ram_block(mr) ==
                  qmem_host_memory_backend_get_ram_block(
                      QMEM_HOST_MEMORY_BACKEND(m0)));
    g_assert_true(qmem_host_memory_backend_is_mapped(
        QMEM_HOST_MEMORY_BACKEND(m0)));

    g_assert_cmpuint(dms->used_region_size, ==, GiB);
    g_assert_cmpuint(dms->dimm_size, ==, GiB);
    g_assert_cmpuint(dms->required_memslots, ==, 1);
    g_assert_cmpuint(dms->used_memslots, ==, 1);
    g_assert_cmpuint(dms->memslot_auto_decision_active, ==, 0);
    g_assert_cmpuint(qmem_memory_devices_get_reserved_memslots(f->machine),
                     ==, 0);
    g_assert_cmpuint(accel_free_memslots(f), ==, free0 - 1);
    g_assert_cmpuint(qmem_memory_devices_get_plugged_size(), ==, GiB);

    /* The backend cannot go while the DIMM uses it. */
    g_assert_false(qmem_user_creatable_del("m0", &error));
    assert_error(error, "object 'm0' is in use, can not be deleted");
    g_clear_error(&error);

    del_device(f, "d0");
    g_assert_null(mapped_at(f, 4 * GiB));
    g_assert_cmpuint(dms->used_region_size, ==, 0);
    g_assert_cmpuint(dms->dimm_size, ==, 0);
    g_assert_cmpuint(dms->required_memslots, ==, 0);
    g_assert_cmpuint(dms->used_memslots, ==, 0);
    g_assert_cmpuint(accel_free_memslots(f), ==, free0);
    g_assert_cmpuint(qmem_memory_devices_get_plugged_size(), ==, 0);
    g_assert_false(qmem_host_memory_backend_is_mapped(
        QMEM_HOST_MEMORY_BACKEND(m0)));
    g_assert_true(qmem_user_creatable_del("m0", &error));
    g_assert_no_error(error);
}

/* A failed plug leaves no trace: counters, mappings, the backend. */
static void test_failed_plug(Fixture *f, gconstpointer data)
{
    QmemDeviceMemoryState *dms = dms_of(f);
    QmemObject *m0 = add_object(f, RAM("m0", "1G"));
    g_autoptr(GError) error = NULL;

    g_assert_null(try_device(f, "pc-dimm,id=d0,memdev=m0,node=7", FALSE,
                             &error));
    assert_error(error, "'DIMM property node has value 7' which exceeds the "
                        "number of numa nodes: 1");
    g_assert_null(mapped_at(f, 4 * GiB));
    g_assert_cmpuint(dms->used_region_size, ==, 0);
    g_assert_cmpuint(dms->required_memslots, ==, 0);
    g_assert_false(qmem_host_memory_backend_is_mapped(
        QMEM_HOST_MEMORY_BACKEND(m0)));
    g_assert_null(qmem_object_resolve_path("/machine/peripheral/d0",
                                           G_TYPE_NONE, NULL));
    /* The id and the slot are free again. */
    add_device(f, "pc-dimm,id=d0,memdev=m0,slot=0");
}

/* ------------------------------------------------------------------ */
/* Memslots: decisions, reservations, the hypervisor's limit */

static void test_memslots_decide(Fixture *f, gconstpointer data)
{
    QmemDeviceMemoryState *dms = dms_of(f);
    QmemDevice *t0, *t1, *t2;
    guint limit;

    /* 256 spread over 8G: 2G gets 64. */
    t0 = add_device(f, "x-test-md,id=t0,size=2G,decide=on");
    g_object_get(t0, "limit", &limit, NULL);
    g_assert_cmpuint(limit, ==, 64);
    g_assert_cmpuint(dms->required_memslots, ==, 64);
    g_assert_cmpuint(dms->used_memslots, ==, 1);
    g_assert_cmpuint(dms->memslot_auto_decision_active, ==, 1);
    g_assert_cmpuint(qmem_memory_devices_get_reserved_memslots(f->machine),
                     ==, 63);

    /* 192 left over 6G: 2G gets 64 again. */
    t1 = add_device(f, "x-test-md,id=t1,size=2G,decide=on");
    g_object_get(t1, "limit", &limit, NULL);
    g_assert_cmpuint(limit, ==, 64);
    g_assert_cmpuint(qmem_memory_devices_get_reserved_memslots(f->machine),
                     ==, 126);

    /* A device that takes the rest of the space takes the rest. */
    t2 = add_device(f, "x-test-md,id=t2,size=4G,decide=on");
    g_object_get(t2, "limit", &limit, NULL);
    g_assert_cmpuint(limit, ==, 128);
    g_assert_cmpuint(dms->required_memslots, ==, 256);
    g_assert_cmpuint(dms->memslot_auto_decision_active, ==, 3);

    del_device(f, "t1");
    g_assert_cmpuint(dms->required_memslots, ==, 192);
    g_assert_cmpuint(dms->used_memslots, ==, 2);
    g_assert_cmpuint(dms->memslot_auto_decision_active, ==, 2);
}

static const MachineConfig config_9g = {
    .machine = "pc",
    .m = "1G,slots=4,maxmem=9G",
};

static void test_memslots_whole_area(Fixture *f, gconstpointer data)
{
    QmemDevice *t0 = add_device(f, "x-test-md,id=t0,size=8G,decide=on");
    guint limit;

    g_object_get(t0, "limit", &limit, NULL);
    g_assert_cmpuint(limit, ==, 256);
}

static void test_memslots_soft_limit(Fixture *f, gconstpointer data)
{
    QmemDevice *t1;
    guint limit;

    add_device(f, "x-test-md,id=t0,size=2M,memslots=256");
    t1 = add_device(f, "x-test-md,id=t1,size=2G,decide=on");
    g_object_get(t1, "limit", &limit, NULL);
    g_assert_cmpuint(limit, ==, 1);
    /* QEMU counts devices that can decide and use more than one: t0. */
    g_assert_cmpuint(dms_of(f)->memslot_auto_decision_active, ==, 1);
}

static const MachineConfig config_9g_few = {
    .machine = "pc",
    .m = "1G,slots=4,maxmem=9G",
    .accel = QTEST_MEMSLOTS(508),
};

static void test_memslots_few(Fixture *f, gconstpointer data)
{
    QmemDevice *t0 = add_device(f, "x-test-md,id=t0,size=8G,decide=on");
    guint limit;

    /* Fewer than 509 memslots overall: one per device. */
    g_object_get(t0, "limit", &limit, NULL);
    g_assert_cmpuint(limit, ==, 1);
}

static const MachineConfig config_9g_600 = {
    .machine = "pc",
    .m = "1G,slots=4,maxmem=9G",
    .accel = QTEST_MEMSLOTS(600),
};

/* Reserved memslots count against the hypervisor's free ones. */
static void test_memslots_reserved(Fixture *f, gconstpointer data)
{
    g_autoptr(GError) error = NULL;

    /* 599 free; t0 reserves 63 more than it maps. */
    add_device(f, "x-test-md,id=t0,size=2G,decide=on");
    g_assert_cmpuint(accel_free_memslots(f), ==, 598);
    g_assert_null(try_device(f, "x-test-md,id=t1,memslots=536", FALSE,
                             &error));
    assert_error(error, "hypervisor has not enough free memory slots left");
    add_device(f, "x-test-md,id=t1,memslots=535");
}

/* The listener's two warnings. */
static void test_memslots_warning(Fixture *f, gconstpointer data)
{
    QmemDeviceMemoryState *dms = dms_of(f);

    f->expect_printed = "qmem-run: warning: Memory devices use more memory "
                        "slots than indicated as required.\n";
    add_device(f, "x-test-md,id=t0,memslots=0");
    g_assert_cmpuint(dms->used_memslots, ==, 1);
    g_assert_cmpuint(dms->required_memslots, ==, 0);
    g_assert_cmpuint(qmem_memory_devices_get_reserved_memslots(f->machine),
                     ==, 0);
    del_device(f, "t0");
    g_assert_cmpuint(dms->used_memslots, ==, 0);
}

/*
 * A device's own hooks: pre_plug before the core assigns the address,
 * plug once the region is mapped, unplug while it still is; an empty
 * device gets only pre_plug.
 */
static void test_device_hooks(Fixture *f, gconstpointer data)
{
    g_autoptr(GString) hooks = test_md_hooks = g_string_new(NULL);
    g_autoptr(GError) error = NULL;

    add_device(f, "x-test-md,id=t0");
    add_device(f, "x-test-md,id=e0,empty=on");
    del_device(f, "t0");
    del_device(f, "e0");
    g_assert_cmpstr(hooks->str, ==,
                    "t0 pre_plug addr=0x0\n"
                    "t0 plug addr=0x100000000 mapped\n"
                    "e0 pre_plug addr=0x0\n"
                    "t0 unplug addr=0x100000000 mapped\n");

    /* A refusal is the device's message; the core never ran. */
    g_string_truncate(hooks, 0);
    g_assert_null(try_device(f, "x-test-md,id=t1,refuse=on", FALSE, &error));
    assert_error(error, "x-test-md refuses");
    g_assert_cmpstr(hooks->str, ==, "t1 pre_plug addr=0x0\n");
    g_assert_cmpuint(dms_of(f)->used_region_size, ==, 0);
    g_assert_cmpuint(dms_of(f)->required_memslots, ==, 0);
    test_md_hooks = NULL;
}

/* ------------------------------------------------------------------ */
/* Other memory devices: empty ones, extra alignment */

static const MachineConfig config_no_maxmem = { .machine = "pc", .m = "1G" };

/* The device's pre_plug comes before the check for device memory. */
static void test_device_hooks_first(Fixture *f, gconstpointer data)
{
    g_autoptr(GError) error = NULL;

    g_assert_null(try_device(f, "x-test-md,id=t0,refuse=on", FALSE, &error));
    assert_error(error, "x-test-md refuses");
    g_clear_error(&error);
    g_assert_null(try_device(f, "x-test-md,id=t0", FALSE, &error));
    assert_error(error, "the configuration is not prepared for memory "
                        "devices (e.g., for memory hotplug), consider "
                        "specifying the maxmem option");
}

static void test_empty_device(Fixture *f, gconstpointer data)
{
    g_autofree char *json = NULL;
    g_autofree char *text = NULL;

    /* No device memory, yet an empty device plugs and is listed. */
    g_assert_null(qmem_machine_get_device_memory(f->machine));
    add_device(f, "x-test-md,id=t0,empty=on");
    json = query_string();
    g_assert_cmpstr(json, ==,
                    "[{\"type\": \"virtio-pmem\", \"data\": {\"memdev\": "
                    "\"x-test-md\", \"memaddr\": 0, \"size\": 0, "
                    "\"id\": \"t0\"}}]");
    text = info_string();
    g_assert_cmpstr(text, ==,
                    "Memory device [virtio-pmem]: \"t0\"\n"
                    "  memaddr: 0x0\n"
                    "  size: 0\n"
                    "  memdev: x-test-md\n");
    g_assert_cmpuint(qmem_memory_devices_get_plugged_size(), ==, 0);
    g_assert_cmpuint(qmem_memory_devices_get_reserved_memslots(f->machine),
                     ==, 0);
    del_device(f, "t0");
}

static void test_empty_device_skipped(Fixture *f, gconstpointer data)
{
    QmemDevice *e, *t;

    /* An empty device at the area's start takes no space there. */
    e = add_device(f, "x-test-md,id=e,empty=on,addr=0x100000000");
    t = add_device(f, "x-test-md,id=t,size=2M");
    g_assert_cmphex(get_u64(t, "addr"), ==, 4 * GiB);
    g_assert_cmphex(get_u64(e, "addr"), ==, 4 * GiB);
    g_assert_cmpuint(dms_of(f)->used_region_size, ==, 2 * MiB);
    g_assert_cmpuint(qmem_memory_devices_get_plugged_size(), ==, MiB);
}

static void test_min_alignment(Fixture *f, gconstpointer data)
{
    QmemDevice *t0, *t1;

    add_object(f, RAM("m0", "2M"));
    add_device(f, "pc-dimm,id=d0,memdev=m0");
    t0 = add_device(f, "x-test-md,id=t0,align=1G");
    g_assert_cmphex(get_u64(t0, "addr"), ==, 5 * GiB);
    /* Beyond the alignment the board planned for: a warning, not an error. */
    f->expect_printed = "qmem-run: warning: the alignment (0x200000000) "
                        "exceeds the expected maximum alignment, memory will "
                        "get fragmented and not all 'maxmem' might be usable "
                        "for memory devices.\n";
    t1 = add_device(f, "x-test-md,id=t1,align=8G");
    g_assert_cmphex(get_u64(t1, "addr"), ==, 8 * GiB);
}

/* ------------------------------------------------------------------ */
/* pc-dimm's properties */

static void test_properties(Fixture *f, gconstpointer data)
{
    QmemObject *m0 = add_object(f, RAM("m0", "1G"));
    g_autoptr(GError) error = NULL;
    GObject *dimm = g_object_new(PC_DIMM_TYPE, NULL);
    QmemHostMemoryBackend *memdev;
    guint node;

    g_assert_true(QMEM_IS_MEMORY_DEVICE(dimm));
    track(f, dimm);
    g_assert_cmpuint(get_u64(dimm, "addr"), ==, 0);
    g_assert_cmpint(get_slot(dimm), ==, -1);
    g_object_get(dimm, "node", &node, "memdev", &memdev, NULL);
    g_assert_cmpuint(node, ==, 0);
    g_assert_null(memdev);
    /* GObject getters cannot fail: no memdev, no size. */
    g_assert_cmpuint(get_u64(dimm, "size"), ==, 0);
    g_assert_cmpuint(qmem_memory_device_get_region_size(
                         QMEM_MEMORY_DEVICE(dimm), &error), ==, 0);
    assert_error(error, "'memdev' property must be set");
    g_clear_error(&error);

    g_assert_true(qmem_property_parse(QMEM_OBJECT(dimm), "memdev", "m0",
                                      &error));
    g_assert_cmpuint(get_u64(dimm, "size"), ==, GiB);
    g_assert_false(qmem_property_parse(QMEM_OBJECT(dimm), "size", "1",
                                       &error));
    assert_error(error, "Property 'pc-dimm.size' is not writable");
    g_clear_error(&error);
    g_assert_false(qmem_property_parse(QMEM_OBJECT(dimm), "slot",
                                       "2147483648", &error));
    g_assert_nonnull(error);
    g_clear_error(&error);
    g_object_get(dimm, "memdev", &memdev, NULL);
    g_assert_true(memdev == QMEM_HOST_MEMORY_BACKEND(m0));
    g_object_unref(memdev);
    g_object_unref(dimm);
}

static void test_properties_after_realize(Fixture *f, gconstpointer data)
{
    static const struct {
        const char *prop, *value, *error;
    } cases[] = {
        { "addr", "0", "Attempt to set property 'addr' on device 'd0' "
                       "(type 'pc-dimm') after it was realized" },
        { "slot", "1", "Attempt to set property 'slot' on device 'd0' "
                       "(type 'pc-dimm') after it was realized" },
        { "node", "0", "Attempt to set property 'node' on device 'd0' "
                       "(type 'pc-dimm') after it was realized" },
        { "memdev", "m1", "Attempt to set link property 'memdev' on device "
                          "'d0' (type 'pc-dimm') after it was realized" },
        { "size", "0", "Property 'pc-dimm.size' is not writable" },
    };
    QmemDevice *d0;

    add_object(f, RAM("m0", "1G"));
    add_object(f, RAM("m1", "1G"));
    d0 = add_device(f, "pc-dimm,id=d0,memdev=m0");
    for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autoptr(GError) error = NULL;

        g_assert_false(qmem_property_parse(QMEM_OBJECT(d0), cases[i].prop,
                                           cases[i].value, &error));
        assert_error(error, cases[i].error);
    }
}

/*
 * The memory-device entry points a machine type calls, on a DIMM outside
 * the tree: pc-dimm's own hooks give it its slot and its dimm_size share.
 */
static void test_machine_helpers(Fixture *f, gconstpointer data)
{
    QmemDeviceMemoryState *dms = dms_of(f);
    g_autoptr(GError) error = NULL;
    QmemMemoryDevice *md;
    QmemDevice *dimm;

    add_object(f, RAM("m0", "1G"));
    add_object(f, RAM("m1", "2M"));
    add_device(f, "pc-dimm,id=d0,memdev=m0");
    dimm = g_object_new(PC_DIMM_TYPE, NULL);
    track(f, dimm);
    g_assert_true(qmem_property_parse(QMEM_OBJECT(dimm), "memdev", "m1",
                                      &error));
    md = QMEM_MEMORY_DEVICE(dimm);
    g_assert_true(qmem_memory_device_pre_plug(md, f->machine, &error));
    g_assert_no_error(error);
    g_assert_cmpint(get_slot(dimm), ==, 1);
    g_assert_cmphex(get_u64(dimm, "addr"), ==, 5 * GiB);

    qmem_memory_device_plug(md, f->machine);
    g_assert_nonnull(mapped_at(f, 5 * GiB));
    g_assert_cmpuint(dms->dimm_size, ==, GiB + 2 * MiB);
    g_assert_cmpuint(dms->used_region_size, ==, GiB + 2 * MiB);
    qmem_memory_device_unplug(md, f->machine);
    g_assert_null(mapped_at(f, 5 * GiB));
    g_assert_cmpuint(dms->dimm_size, ==, GiB);
    g_assert_cmpuint(dms->used_region_size, ==, GiB);

    /* Slot checks come first. */
    g_object_set(dimm, "slot", 4, "addr", (guint64)0, NULL);
    g_assert_false(qmem_memory_device_pre_plug(md, f->machine, &error));
    assert_error(error, "invalid slot number 4, valid range is [0-3]");
    g_object_unref(dimm);
}

static void test_help(void)
{
    g_autoptr(GString) out = g_string_new(NULL);
    g_autoptr(GString) list = g_string_new(NULL);

    /* QEMU 7.2's `-device pc-dimm,help`, byte for byte. */
    g_assert_true(qmem_device_print_help("pc-dimm", out));
    g_assert_cmpstr(out->str, ==,
                    "pc-dimm options:\n"
                    "  addr=<uint64>          -  (default: 0)\n"
                    "  memdev=<link<memory-backend>>\n"
                    "  node=<uint32>          -  (default: 0)\n"
                    "  size=<uint64>\n"
                    "  slot=<int32>           -  (default: -1)\n");
    g_assert_true(qmem_device_print_help(NULL, list));
    g_assert_nonnull(strstr(list->str, "name \"pc-dimm\", desc \"DIMM memory "
                                       "module\"\n"));
}

static void test_type(void)
{
    GType type = PC_DIMM_TYPE;
    g_autoptr(GTypeClass) klass = NULL;

    g_assert_true(type != G_TYPE_INVALID);
    g_assert_true(g_type_is_a(type, QMEM_TYPE_DEVICE));
    g_assert_true(g_type_is_a(type, QMEM_TYPE_MEMORY_DEVICE));
    klass = g_type_class_ref(type);
    g_assert_cmpstr(QMEM_DEVICE_CLASS(klass)->desc, ==, "DIMM memory module");
    g_assert_true(QMEM_DEVICE_CLASS(klass)->hotpluggable);
}

/* ------------------------------------------------------------------ */
/* Queries */

static void test_query(Fixture *f, gconstpointer data)
{
    g_autofree char *empty = NULL;
    g_autofree char *json = NULL;
    g_autofree char *text = NULL;

    empty = query_string();
    g_assert_cmpstr(empty, ==, "[]");
    g_free(text);
    text = info_string();
    g_assert_cmpstr(text, ==, "");

    add_object(f, RAM("m0", "1G"));
    add_object(f, RAM("m1", "1G"));
    add_object(f, RAM("m2", "2M"));
    /* Listed by address, not in the order they were added. */
    add_device(f, "pc-dimm,id=d0,memdev=m0,addr=0x140000000");
    qmem_machine_creation_done(f->machine);
    hotplug_device(f, "pc-dimm,memdev=m1");
    add_device(f, "x-test-md,id=t0,size=2M,addr=0x180000000");

    /* QEMU 7.2 prints the DIMMs exactly so. */
    json = query_string();
    g_assert_cmpstr(json, ==,
                    "[{\"type\": \"dimm\", \"data\": {\"memdev\": "
                    "\"/objects/m1\", \"hotplugged\": true, \"addr\": "
                    "4294967296, \"hotpluggable\": true, \"size\": "
                    "1073741824, \"slot\": 1, \"node\": 0}}, "
                    "{\"type\": \"dimm\", \"data\": {\"memdev\": "
                    "\"/objects/m0\", \"hotplugged\": false, \"addr\": "
                    "5368709120, \"hotpluggable\": true, \"size\": "
                    "1073741824, \"slot\": 0, \"node\": 0, \"id\": \"d0\"}}, "
                    "{\"type\": \"virtio-pmem\", \"data\": {\"memdev\": "
                    "\"x-test-md\", \"memaddr\": 6442450944, \"size\": "
                    "2097152, \"id\": \"t0\"}}]");
    g_free(text);
    text = info_string();
    g_assert_cmpstr(text, ==,
                    "Memory device [dimm]: \"\"\n"
                    "  addr: 0x100000000\n"
                    "  slot: 1\n"
                    "  node: 0\n"
                    "  size: 1073741824\n"
                    "  memdev: /objects/m1\n"
                    "  hotplugged: true\n"
                    "  hotpluggable: true\n"
                    "Memory device [dimm]: \"d0\"\n"
                    "  addr: 0x140000000\n"
                    "  slot: 0\n"
                    "  node: 0\n"
                    "  size: 1073741824\n"
                    "  memdev: /objects/m0\n"
                    "  hotplugged: false\n"
                    "  hotpluggable: true\n"
                    "Memory device [virtio-pmem]: \"t0\"\n"
                    "  memaddr: 0x180000000\n"
                    "  size: 2097152\n"
                    "  memdev: x-test-md\n");
    /* DIMMs count whole, the test device half. */
    g_assert_cmpuint(qmem_memory_devices_get_plugged_size(), ==,
                     2 * GiB + MiB);
}

/* The band of the device @id in @map. */
static const QmemMemoryMapBand *device_band(QmemMemoryMap *map, const char *id)
{
    for (guint i = 0; i < qmem_memory_map_get_n_bands(map); i++) {
        const QmemMemoryMapBand *band = qmem_memory_map_get_band(map, i);

        if (band->kind == QMEM_MEMORY_MAP_BAND_DEVICE &&
            !strcmp(band->name, id)) {
            return band;
        }
    }
    g_assert_not_reached();
}

/*
 * The typed answers NUMA and the memory map use: the kind, the node (none
 * for x-test-md: node 0), the bytes plugged per node (x-test-md: half).
 */
static void test_kind_and_node(Fixture *f, gconstpointer data)
{
    g_autoptr(QmemMemoryMap) map = NULL;
    const QmemMemoryMapBand *band;
    QmemMemoryDevice *d0, *t0;
    guint64 plugged[2] = { 0 };
    guint node = 7;

    add_object(f, RAM("m0", "1G"));
    d0 = QMEM_MEMORY_DEVICE(add_device(f, "pc-dimm,id=d0,memdev=m0"));
    t0 = QMEM_MEMORY_DEVICE(add_device(f, "x-test-md,id=t0,size=4M"));
    g_assert_cmpstr(qmem_memory_device_get_kind(d0), ==, "dimm");
    g_assert_cmpstr(qmem_memory_device_get_kind(t0), ==, "virtio-pmem");
    g_assert_true(qmem_memory_device_get_node(d0, &node));
    g_assert_cmpuint(node, ==, 0);
    node = 7;
    g_assert_false(qmem_memory_device_get_node(t0, &node));
    g_assert_cmpuint(node, ==, 0);

    qmem_memory_devices_get_node_plugged_size(plugged, 1);
    g_assert_cmphex(plugged[0], ==, GiB + 2 * MiB);
    g_assert_cmphex(plugged[1], ==, 0);
    /* Devices on nodes the machine does not have are left out. */
    plugged[0] = 0;
    qmem_memory_devices_get_node_plugged_size(plugged, 0);
    g_assert_cmphex(plugged[0], ==, 0);

    /* The memory map from the same answers. */
    map = qmem_memory_map_new(f->machine);
    band = device_band(map, "d0");
    g_assert_cmpstr(band->type, ==, "dimm");
    g_assert_cmphex(band->start, ==, 4 * GiB);
    g_assert_cmphex(band->size, ==, GiB);
    g_assert_cmphex(band->plugged_size, ==, GiB);
    g_assert_cmpint(band->node, ==, 0);
    g_assert_null(band->mapped);
    band = device_band(map, "t0");
    g_assert_cmpstr(band->type, ==, "virtio-pmem");
    g_assert_cmphex(band->start, ==, 5 * GiB);
    g_assert_cmphex(band->size, ==, 4 * MiB);
    g_assert_cmphex(band->plugged_size, ==, 2 * MiB);
    g_assert_cmpint(band->node, ==, -1);
    g_assert_null(band->mapped);
}

/* The commands over a QMP connection, as a client sees them. */

static void test_qmp(Fixture *f, gconstpointer data)
{
    QmpTestClient q;

    add_object(f, RAM("m0", "1G"));
    add_object(f, RAM("m1", "512M"));
    add_device(f, "pc-dimm,id=d0,memdev=m0");
    qmem_machine_creation_done(f->machine);

    qmp_test_open(&q);
    qmp_test_cmd(&q, "{\"execute\": \"query-memory-size-summary\"}",
                 "{\"return\": {\"base-memory\": 1073741824, "
                 "\"plugged-memory\": 1073741824}}");
    qmp_test_cmd(&q, "{\"execute\": \"device_add\", \"arguments\": "
                     "{\"driver\": \"pc-dimm\", \"id\": \"d1\", \"memdev\": "
                     "\"m1\", \"addr\": 6442450944}}",
                 "{\"return\": {}}");
    track(f, qmem_object_resolve_path("/machine/peripheral/d1", G_TYPE_NONE,
                                      NULL));
    qmp_test_cmd(&q, "{\"execute\": \"query-memory-devices\"}",
                 "{\"return\": [{\"type\": \"dimm\", \"data\": {\"memdev\": "
                 "\"/objects/m0\", \"hotplugged\": false, \"addr\": "
                 "4294967296, \"hotpluggable\": true, \"size\": 1073741824, "
                 "\"slot\": 0, \"node\": 0, \"id\": \"d0\"}}, {\"type\": "
                 "\"dimm\", \"data\": {\"memdev\": \"/objects/m1\", "
                 "\"hotplugged\": true, \"addr\": 6442450944, "
                 "\"hotpluggable\": true, \"size\": 536870912, \"slot\": 1, "
                 "\"node\": 0, \"id\": \"d1\"}}]}");
    qmp_test_cmd(&q, QMP_TEST_HMP("info memory-devices"),
                 "{\"return\": \"Memory device [dimm]: \\\"d0\\\"\\r\\n"
                 "  addr: 0x100000000\\r\\n  slot: 0\\r\\n  node: 0\\r\\n"
                 "  size: 1073741824\\r\\n  memdev: /objects/m0\\r\\n"
                 "  hotplugged: false\\r\\n  hotpluggable: true\\r\\n"
                 "Memory device [dimm]: \\\"d1\\\"\\r\\n"
                 "  addr: 0x180000000\\r\\n  slot: 1\\r\\n  node: 0\\r\\n"
                 "  size: 536870912\\r\\n  memdev: /objects/m1\\r\\n"
                 "  hotplugged: true\\r\\n  hotpluggable: true\\r\\n\"}");
    qmp_test_cmd(&q, QMP_TEST_HMP("info memory_size_summary"),
                 "{\"return\": \"base memory: 1073741824\\r\\n"
                 "plugged memory: 1610612736\\r\\n\"}");
    qmp_test_cmd(&q, "{\"execute\": \"device_add\", \"arguments\": "
                     "{\"driver\": \"pc-dimm\", \"id\": \"d2\", \"memdev\": "
                     "\"m1\"}}",
                 "{\"error\": {\"class\": \"GenericError\", \"desc\": "
                 "\"can't use already busy memdev: m1\"}}");

    /* QEMU's answers to arguments these commands do not take. */
    qmp_test_cmd(&q, "{\"execute\": \"query-memory-devices\", \"arguments\": "
                     "{\"x\": 1}}",
                 "{\"error\": {\"class\": \"GenericError\", \"desc\": "
                 "\"Parameter 'x' is unexpected\"}}");
    qmp_test_cmd(&q, "{\"execute\": \"query-memory-size-summary\", "
                     "\"arguments\": {\"x\": 1}}",
                 "{\"error\": {\"class\": \"GenericError\", \"desc\": "
                 "\"Parameter 'x' is unexpected\"}}");
    qmp_test_cmd(&q, QMP_TEST_HMP("info memory-devices foo"),
                 "{\"return\": \"memory-devices: extraneous characters at the "
                 "end of line\\r\\nTry \\\"help info memory-devices\\\" for "
                 "more information\\r\\n\"}");
    qmp_test_cmd(&q, QMP_TEST_HMP("info memory_size_summary  x"),
                 "{\"return\": \"memory_size_summary: extraneous characters "
                 "at the end of line\\r\\nTry \\\"help info "
                 "memory_size_summary\\\" for more information\\r\\n\"}");

    /* device_del asks the guest; the DIMM goes when it ejects slot 0. */
    qmp_test_cmd(&q, "{\"execute\": \"device_del\", \"arguments\": "
                     "{\"id\": \"d0\"}}", "{\"return\": {}}");
    qmp_test_cmd(&q, "{\"execute\": \"query-memory-size-summary\"}",
                 "{\"return\": {\"base-memory\": 1073741824, "
                 "\"plugged-memory\": 1610612736}}");
    guest_io_write(f, 0x0a00, 0, 4);
    guest_io_write(f, 0x0a14, 8, 1);
    qmp_test_expect_event(&q, "\"event\": \"DEVICE_DELETED\", \"data\": "
                          "{\"device\": \"d0\", \"path\": "
                          "\"/machine/peripheral/d0\"}}");
    qmp_test_cmd(&q, "{\"execute\": \"query-memory-size-summary\"}",
                 "{\"return\": {\"base-memory\": 1073741824, "
                 "\"plugged-memory\": 536870912}}");
    qmp_test_close(&q);
}

static void test_hmp_help(void)
{
    g_autofree char *text = qmem_hmp_run("info");

    g_assert_nonnull(strstr(text, "info memory-devices  -- show memory "
                                  "devices\r\n"));
    g_assert_nonnull(strstr(text, "info memory_size_summary  -- show the "
                                  "amount of initially allocated and present "
                                  "hotpluggable (if enabled) memory in "
                                  "bytes.\r\n"));
}

static void test_no_machine(void)
{
    g_autofree char *json = query_string();
    g_autofree char *text = qmem_hmp_run("info memory_size_summary");

    g_assert_cmpstr(json, ==, "[]");
    g_assert_cmpstr(text, ==, "base memory: 0\r\nplugged memory: 0\r\n");
    g_assert_cmpuint(qmem_memory_devices_get_reserved_memslots(NULL), ==, 0);
    qmem_object_reset_root();
}

/* ------------------------------------------------------------------ */

static void add_fixture_test(const char *path, const MachineConfig *config,
                             void (*fn)(Fixture *, gconstpointer))
{
    g_test_add(path, Fixture, config, machine_fixture_setup, fn,
               machine_fixture_teardown);
}

int main(int argc, char **argv)
{
    g_autoptr(GError) error = NULL;

    g_test_init(&argc, &argv, NULL);
    /* Warnings name the program, as qmem-run's do. */
    g_set_prgname("qmem-run");
    if (!qmem_modules_init(&error)) {
        g_printerr("cannot load modules: %s\n", error->message);
        return 1;
    }
    qmem_type_register_name("x-test-md", TEST_TYPE_MD);

    g_test_add_func("/hw/mem/pc-dimm/type", test_type);
    g_test_add_func("/hw/mem/pc-dimm/help", test_help);
    add_fixture_test("/hw/mem/pc-dimm/properties", &config_default,
                     test_properties);
    add_fixture_test("/hw/mem/pc-dimm/properties/after-realize",
                     &config_default, test_properties_after_realize);
    add_fixture_test("/hw/mem/pc-dimm/machine-helpers", &config_default,
                     test_machine_helpers);
    for (gsize i = 0; i < G_N_ELEMENTS(plug_cases); i++) {
        g_autofree char *path = g_strdup_printf("/hw/mem/pc-dimm/pre-plug/%s",
                                                plug_cases[i].name);

        g_test_add_data_func(path, &plug_cases[i], test_plug_error);
    }
    add_fixture_test("/hw/mem/memory-device/addr/first-fit", &config_default,
                     test_first_fit);
    add_fixture_test("/hw/mem/memory-device/addr/hints", &config_default,
                     test_hints);
    add_fixture_test("/hw/mem/memory-device/addr/file-backend",
                     &config_default, test_file_backend);
    add_fixture_test("/hw/mem/memory-device/addr/min-alignment", &config_9g,
                     test_min_alignment);
    add_fixture_test("/hw/mem/memory-device/plug-unplug", &config_default,
                     test_plug_unplug);
    add_fixture_test("/hw/mem/memory-device/failed-plug", &config_default,
                     test_failed_plug);
    add_fixture_test("/hw/mem/memory-device/hooks", &config_default,
                     test_device_hooks);
    add_fixture_test("/hw/mem/memory-device/hooks/first", &config_no_maxmem,
                     test_device_hooks_first);
    add_fixture_test("/hw/mem/memory-device/empty", &config_no_maxmem,
                     test_empty_device);
    add_fixture_test("/hw/mem/memory-device/empty/skipped", &config_default,
                     test_empty_device_skipped);
    add_fixture_test("/hw/mem/memory-device/memslots/decide", &config_9g,
                     test_memslots_decide);
    add_fixture_test("/hw/mem/memory-device/memslots/whole-area", &config_9g,
                     test_memslots_whole_area);
    add_fixture_test("/hw/mem/memory-device/memslots/soft-limit", &config_9g,
                     test_memslots_soft_limit);
    add_fixture_test("/hw/mem/memory-device/memslots/few", &config_9g_few,
                     test_memslots_few);
    add_fixture_test("/hw/mem/memory-device/memslots/reserved",
                     &config_9g_600, test_memslots_reserved);
    add_fixture_test("/hw/mem/memory-device/memslots/warning",
                     &config_default, test_memslots_warning);
    add_fixture_test("/hw/mem/memory-device/query", &config_default,
                     test_query);
    add_fixture_test("/hw/mem/memory-device/kind-and-node", &config_default,
                     test_kind_and_node);
    add_fixture_test("/hw/mem/memory-device/qmp", &config_default, test_qmp);
    g_test_add_func("/hw/mem/memory-device/hmp-help", test_hmp_help);
    g_test_add_func("/hw/mem/memory-device/no-machine", test_no_machine);
    return g_test_run();
}
