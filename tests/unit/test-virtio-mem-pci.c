/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Tests for hw/virtio/virtio-mem-pci.c: the proxy on a pc machine. */

#include <inttypes.h>
#include <stdarg.h>
#include <string.h>

#include "accel/qtest/qtest.h"
#include "hw/core/boards.h"
#include "hw/core/qdev.h"
#include "hw/mem/memory-device.h"
#include "hw/pci/pci.h"
#include "hw/virtio/virtio-mem.h"
#include "hw/virtio/virtio-pci.h"
#include "monitor/qmp.h"
#include "qobject/json.h"
#include "qom/property.h"
#include "system/accel.h"
#include "system/hostmem.h"
#include "tests/unit/qmp-test.h"
#include "tests/unit/virtio-mem-test.h"
#include "util/error.h"

/* ------------------------------------------------------------------ */
/* virtio-mem-pci on a pc machine (qtest accelerator) */

/* The shared fixture, running, with a QMP client and a qtest server. */
typedef struct {
    MachineFixture base;
    QmpTestClient qmp;
    QmemQtestServer *qtest;
} PciFixture;

static const MachineConfig pc_8g = { .machine = "pc", .m = "1G,maxmem=8G" };
static const MachineConfig pc_9g = { .machine = "pc", .m = "1G,maxmem=9G" };
static const MachineConfig pc_8g_slots = {
    .machine = "pc",
    .m = "1G,slots=2,maxmem=8G",
};

/* The event's text from "event" on, without the timestamp. */
static const char *event_body(const char *line)
{
    const char *p = strstr(line, "\"event\": ");

    g_assert_nonnull(p);
    return p;
}

static void pci_setup(PciFixture *f, gconstpointer config)
{
    machine_fixture_setup(&f->base, config);
    qmem_machine_creation_done(f->base.machine);
    f->qtest = qmem_qtest_server_new(
        qmem_machine_get_address_space(f->base.machine));
    qmp_test_open(&f->qmp);
    qmem_monitor_set_event_rate("MEMORY_DEVICE_SIZE_CHANGE", 1000);
}

static void pci_teardown(PciFixture *f, gconstpointer config)
{
    qmem_monitor_reset_events();
    qmp_test_close(&f->qmp);
    qmem_qtest_server_free(f->qtest);
    machine_fixture_teardown(&f->base, config);
}

static char *qtest_line(PciFixture *f, const char *fmt, ...)
    G_GNUC_PRINTF(2, 3);

static char *qtest_line(PciFixture *f, const char *fmt, ...)
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
    g_assert_true(g_type_is_a(type, QMEM_TYPE_PCI_DEVICE));
    g_assert_true(g_type_is_a(type, QMEM_TYPE_VIRTIO_PCI_PROXY));
    g_assert_true(g_type_is_a(type, QMEM_TYPE_MEMORY_DEVICE));
    g_assert_true(qmem_device_print_help("virtio-mem-pci", out));
    /* QEMU 10.2's lines for the properties qmem has. */
    g_assert_cmpstr(out->str, ==,
        "virtio-mem-pci options:\n"
        "  addr=<int32>           - Slot and optional function number, "
        "example: 06.0 or 06 (default: -1)\n"
        "  block-size=<size>\n"
        "  disable-legacy=<OnOffAuto> - on/off/auto (default: \"auto\")\n"
        "  disable-modern=<bool>  -  (default: false)\n"
        "  dynamic-memslots=<bool> -  (default: false)\n"
        "  ioeventfd=<bool>       - on/off (default: true)\n"
        "  memaddr=<uint64>       -  (default: 0)\n"
        "  memdev=<link<memory-backend>>\n"
        "  multifunction=<bool>   - on/off (default: false)\n"
        "  node=<uint32>          -  (default: 0)\n"
        "  prealloc=<bool>        -  (default: false)\n"
        "  requested-size=<size>\n"
        "  size=<size>\n"
        "  unplugged-inaccessible=<OnOffAuto> - on/off/auto (default: "
        "\"on\")\n"
        "  vectors=<uint32>       -  (default: 4294967295)\n"
        "  x-early-migration=<bool> -  (default: true)\n");
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

static void test_pci_properties(PciFixture *f, gconstpointer data)
{
    QmemDevice *dev;
    g_autoptr(GError) error = NULL;

    add_object(&f->base, "memory-backend-ram,id=m0,size=4G,reserve=off");
    dev = hotplug_device(&f->base, "virtio-mem-pci,id=vm,memdev=m0,"
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
    g_assert_null(try_device(&f->base, "virtio-mem-pci,memdev=m0,block-size=3M",
                             TRUE, &error));
    assert_error(error, "'block-size' property has to be a power of two");
    g_clear_error(&error);
    g_assert_null(try_device(&f->base, "virtio-mem-pci,size=1G", TRUE, &error));
    assert_error(error, "Property 'virtio-mem.size' is not writable");
    g_clear_error(&error);
    /* It came with migration: a bool, as QEMU's. */
    g_assert_null(try_device(&f->base, "virtio-mem-pci,x-early-migration=2",
                             TRUE, &error));
    assert_error(error, "Parameter 'x-early-migration' expects 'on' or "
                 "'off'");
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

static void test_pci_after_realize(PciFixture *f, gconstpointer data)
{
    QmemDevice *dev;

    add_object(&f->base, "memory-backend-ram,id=m0,size=4G,reserve=off");
    add_object(&f->base, "memory-backend-ram,id=m1,size=4G,reserve=off");
    dev = hotplug_device(&f->base, "virtio-mem-pci,id=vm,memdev=m0,"
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
static void test_pci_unplug_pending(PciFixture *f, gconstpointer data)
{
    g_autoptr(GError) error = NULL;
    QmemVirtioMem *vmem;
    QmemDevice *dev;

    add_object(&f->base, "memory-backend-ram,id=m0,size=4G,reserve=off");
    dev = hotplug_device(&f->base, "virtio-mem-pci,id=vm,memdev=m0,"
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
static void test_pci_child(PciFixture *f, gconstpointer data)
{
    static const char *const names[] = {
        "memaddr", "node", "memdev", "prealloc", "size", "requested-size",
        "block-size", "unplugged-inaccessible", "dynamic-memslots",
    };
    g_autofree char *list = NULL;
    QmemObject *child;
    QmemDevice *dev;

    add_object(&f->base, "memory-backend-ram,id=m0,size=4G,reserve=off");
    dev = hotplug_device(&f->base, "virtio-mem-pci,id=vm,memdev=m0,"
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
    g_assert_nonnull(strstr(list, "{\"name\": \"vectors\", \"type\": "
                                  "\"uint32\"}"));

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

static void test_pci_realize_errors(PciFixture *f, gconstpointer data)
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

    add_object(&f->base, "memory-backend-ram,id=m0,size=64M");
    add_object(&f->base, "memory-backend-ram,id=m1,size=1G");
    add_object(&f->base, "memory-backend-ram,id=m2,size=7G,reserve=off");
    hotplug_device(&f->base, "virtio-mem-pci,id=vm1,memdev=m1");
    for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autoptr(GError) error = NULL;

        g_assert_null(try_device(&f->base, cases[i].device, TRUE, &error));
        assert_error(error, cases[i].error);
    }
    /* Failed devices left nothing behind. */
    g_assert_false(qmem_host_memory_backend_is_mapped(
        QMEM_HOST_MEMORY_BACKEND(qmem_object_resolve_path("/objects/m0",
                                                          G_TYPE_NONE,
                                                          NULL))));
    g_assert_cmpuint(
        qmem_machine_get_device_memory(f->base.machine)->used_region_size, ==,
        GiB);
}

static void test_pci_query(PciFixture *f, gconstpointer data)
{
    g_autoptr(GString) out = g_string_new(NULL);

    add_object(&f->base, "memory-backend-ram,id=m0,size=4G,reserve=off");
    add_object(&f->base, "memory-backend-ram,id=m1,size=1G,reserve=off");
    hotplug_device(&f->base,
                   "virtio-mem-pci,id=vm,memdev=m0,requested-size=1G");
    hotplug_device(&f->base, "virtio-mem-pci,memdev=m1,node=0,block-size=4M,"
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
static void test_pci_memslots(PciFixture *f, gconstpointer data)
{
    QmemDeviceMemoryState *dms;
    QmemDevice *dev;
    QmemVirtioMem *vmem;
    const QmemMemorySection *s;
    QmemAddressSpace *as = qmem_machine_get_address_space(f->base.machine);
    guint max, free0, free1;

    qmem_accel_get_memslots(f->base.accel, &max, &free0);
    add_object(&f->base, "memory-backend-ram,id=m0,size=7G,reserve=off");
    dev = hotplug_device(&f->base, "virtio-mem-pci,id=vm,memdev=m0,"
                                   "dynamic-memslots=on,requested-size=3G");
    vmem = qmem_virtio_mem_from_device(dev);
    g_assert_nonnull(vmem);
    dms = qmem_machine_get_device_memory(f->base.machine);
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
    qmem_accel_get_memslots(f->base.accel, &max, &free1);
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
    qmem_accel_get_memslots(f->base.accel, &max, &free1);
    g_assert_cmpuint(free1, ==, free0);
    g_assert_cmpuint(dms->required_memslots, ==, 7);
}

static void test_pci_device_del(PciFixture *f, gconstpointer data)
{
    QmemDeviceMemoryState *dms = qmem_machine_get_device_memory(
        f->base.machine);
    g_autoptr(GError) error = NULL;
    QmemHostMemoryBackend *m0, *m1;

    m0 = QMEM_HOST_MEMORY_BACKEND(
        add_object(&f->base, "memory-backend-ram,id=m0,size=4G,reserve=off"));
    m1 = QMEM_HOST_MEMORY_BACKEND(
        add_object(&f->base, "memory-backend-ram,id=m1,size=1G"));
    hotplug_device(&f->base,
                   "virtio-mem-pci,id=vm,memdev=m0,dynamic-memslots=on,"
                   "requested-size=1G");
    hotplug_device(&f->base, "virtio-mem-pci,id=legacy,memdev=m1,"
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
    hotplug_device(&f->base, "virtio-mem-pci,id=vm2,memdev=m0");
}

static void test_pci_qtest_command(PciFixture *f, gconstpointer data)
{
    add_object(&f->base, "memory-backend-ram,id=m0,size=1G");
    add_object(&f->base, "memory-backend-ram,id=d0,size=1G");
    hotplug_device(&f->base,
                   "virtio-mem-pci,id=vm,memdev=m0,requested-size=8M");
    hotplug_device(&f->base, "pc-dimm,id=dimm,memdev=d0");

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

static void test_pci_qmp_command(PciFixture *f, gconstpointer data)
{
    add_object(&f->base, "memory-backend-ram,id=m0,size=1G");
    hotplug_device(&f->base,
                   "virtio-mem-pci,id=vm,memdev=m0,requested-size=8M");
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
 * unplugged-inaccessible by machine type: on since 8.1, auto (QEMU 7.2's
 * default) for 7.0 to 8.0, off up to 6.2 (the machines' compat
 * properties); auto is off only for private anonymous memory.  What the
 * property says is what the device offers; ACPI_PXM it offers on every
 * pc (they keep NUMA state).
 */
typedef struct {
    MachineConfig machine;      /* first: the fixture's data */
    const char *name;
    const char *backend;
    const char *device;
    const char *resolved;
    const char *printed;
} CompatCase;

#define COMPAT_M(type) { .machine = type, .m = "1G,maxmem=8G" }
#define RAM "memory-backend-ram,id=m0,size=1G"
#define MEMFD "memory-backend-memfd,id=m0,size=1G"
#define NO_ZEROPAGE "qmem-run: warning: 'unplugged-inaccessible' property " \
                    "set to 'off' with a memdev that does not support the " \
                    "shared zeropage.\n"

static const CompatCase compat_cases[] = {
    { COMPAT_M("pc"), "pc-ram", RAM, "", "on" },
    { COMPAT_M("pc-i440fx-8.1"), "8.1-ram", RAM, "", "on" },
    { COMPAT_M("pc-i440fx-8.0"), "8.0-ram", RAM, "", "off" },
    { COMPAT_M("pc-i440fx-7.2"), "7.2-ram", RAM, "", "off" },
    { COMPAT_M("pc-i440fx-7.2"), "7.2-memfd", MEMFD, "", "on" },
    { COMPAT_M("pc-q35-7.0"), "q35-7.0-ram", RAM, "", "off" },
    { COMPAT_M("pc-q35-7.2"), "q35-7.2-memfd", MEMFD, "", "on" },
    { COMPAT_M("pc-i440fx-7.1"), "7.1-ram", RAM, "", "off" },
    { COMPAT_M("pc-q35-7.1"), "q35-7.1-memfd", MEMFD, "", "on" },
    { COMPAT_M("pc-i440fx-6.2"), "6.2-ram", RAM, "", "off" },
    { COMPAT_M("pc-i440fx-6.2"), "6.2-memfd", MEMFD, "", "off",
      NO_ZEROPAGE },
    /* What the user says wins. */
    { COMPAT_M("pc-i440fx-6.2"), "6.2-on", RAM,
      ",unplugged-inaccessible=on", "on" },
    { COMPAT_M("pc-i440fx-7.2"), "7.2-on", RAM,
      ",unplugged-inaccessible=on", "on" },
    { COMPAT_M("pc"), "pc-auto", RAM, ",unplugged-inaccessible=auto",
      "off" },
};

static void test_pci_compat(PciFixture *f, gconstpointer data)
{
    const CompatCase *c = data;
    g_autofree char *device = g_strdup_printf(
        "virtio-mem-pci,id=vm,memdev=m0%s", c->device);
    g_autofree char *expected = g_strdup_printf("\"%s\"", c->resolved);
    /* virtio-pci offers VERSION_1 (and, legacy only, BAD_FEATURE). */
    guint64 features = QMEM_VIRTIO_DEFAULT_FEATURES | F_ACPI_PXM |
                       QMEM_VIRTIO_BIT(QMEM_VIRTIO_F_VERSION_1) |
                       QMEM_VIRTIO_BIT(QMEM_VIRTIO_F_BAD_FEATURE);
    QmemDevice *dev;

    add_object(&f->base, c->backend);
    dev = add_device(&f->base, device);
    ASSERT_PROP(dev, "unplugged-inaccessible", expected);
    if (!strcmp(c->resolved, "on")) {
        features |= F_UNPLUGGED_INACCESSIBLE;
    }

    g_assert_cmphex(qmem_virtio_get_host_features(QMEM_VIRTIO_DEVICE(
                        qmem_virtio_mem_from_device(dev))), ==, features);
    f->base.expect_printed = c->printed;
}

/*
 * MEMORY_DEVICE_SIZE_CHANGE: the first at once, then at most one per
 * interval per qom-path, the latest size winning.  Under qtest the
 * interval is virtual time, as QEMU's monitor_get_event_clock(): it passes
 * only when the test steps the clock.
 */
static void test_pci_event_throttle(PciFixture *f, gconstpointer data)
{
    const int interval = 200;
    g_autofree char *ev = NULL;

    qmem_monitor_set_event_rate("MEMORY_DEVICE_SIZE_CHANGE", interval);
    add_object(&f->base, "memory-backend-ram,id=m0,size=1G");
    add_object(&f->base, "memory-backend-ram,id=m1,size=1G");
    hotplug_device(&f->base,
                   "virtio-mem-pci,id=vm,memdev=m0,requested-size=64M");
    hotplug_device(&f->base,
                   "virtio-mem-pci,id=vm2,memdev=m1,requested-size=64M");

#define EV(size, path, id) "\"event\": \"MEMORY_DEVICE_SIZE_CHANGE\", " \
    "\"data\": {\"size\": " size ", \"qom-path\": \"" path "\"" id "}}"
#define VM "/machine/peripheral/vm"

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
    /* Held back until the interval is over, however long the host waits. */
    g_assert_null(qmp_test_event(&f->qmp, 50));
    ASSERT_QTEST(f, "OK 199999999", "clock_step 199999999");
    g_assert_null(qmp_test_event(&f->qmp, 0));
    /* Then one event for three changes, with the latest size. */
    ASSERT_QTEST(f, "OK 200000000", "clock_step 1");
    ev = qmp_test_event(&f->qmp, 0);
    g_assert_cmpstr(event_body(ev), ==, EV("4194304", VM, ", \"id\": \"vm\""));
    g_clear_pointer(&ev, g_free);

    /* A quiet interval ends the throttling: the next goes out at once. */
    ASSERT_QTEST(f, "OK 400000000", "clock_step 200000000");
    g_assert_null(qmp_test_event(&f->qmp, 0));
    ASSERT_QTEST(f, "OK ack", "virtio-mem-request vm plug 0x100000000 1");
    ev = qmp_test_event(&f->qmp, 0);
    g_assert_cmpstr(event_body(ev), ==, EV("6291456", VM, ", \"id\": \"vm\""));
    g_clear_pointer(&ev, g_free);
    /* Refused requests and queries send nothing. */
    ASSERT_QTEST(f, "OK error", "virtio-mem-request vm plug 0x100000000 1");
    ASSERT_QTEST(f, "OK ack plugged",
                 "virtio-mem-request vm state 0x100000000 1");
    ASSERT_QTEST(f, "OK 600000000", "clock_step 200000000");
    g_assert_null(qmp_test_event(&f->qmp, 0));
#undef EV
#undef VM
}

int main(int argc, char **argv)
{
    test_init(&argc, &argv);

#define ADD_M(path, config, fn) \
    g_test_add("/hw/virtio/virtio-mem-pci/" path, PciFixture, config, \
               pci_setup, fn, pci_teardown)

    g_test_add_func("/hw/virtio/virtio-mem-pci/type", test_pci_type);
    ADD_M("properties", &pc_8g, test_pci_properties);
    ADD_M("properties/after-realize", &pc_8g, test_pci_after_realize);
    ADD_M("properties/unplug-pending", &pc_8g, test_pci_unplug_pending);
    ADD_M("child", &pc_8g, test_pci_child);
    ADD_M("realize/errors", &pc_8g, test_pci_realize_errors);
    ADD_M("query", &pc_9g, test_pci_query);
    ADD_M("memslots", &pc_8g, test_pci_memslots);
    ADD_M("device-del", &pc_8g, test_pci_device_del);
    ADD_M("commands/qtest", &pc_8g_slots, test_pci_qtest_command);
    ADD_M("commands/qmp", &pc_8g, test_pci_qmp_command);
    ADD_M("event-throttle", &pc_8g, test_pci_event_throttle);
    for (guint i = 0; i < G_N_ELEMENTS(compat_cases); i++) {
        g_autofree char *path = g_strdup_printf(
            "/hw/virtio/virtio-mem-pci/compat/%s", compat_cases[i].name);

        g_test_add(path, PciFixture, &compat_cases[i], pci_setup,
                   test_pci_compat, pci_teardown);
    }
    return g_test_run();
}
