/* SPDX-License-Identifier: GPL-2.0-or-later */
/* qmem-run's machines: -m/-machine handling, layouts, DIMM hot(un)plug. */

#include <string.h>
#include "libqtest.h"

#define GiB (1ULL << 30)

typedef struct {
    const char *args;
    const char *err;        /* all of stderr */
} CmdlineCase;

static const CmdlineCase cmdline_cases[] = {
    { "-M foo",
      "qmem-run: unsupported machine type\n"
      "Use -machine help to list supported machines\n" },
    { "-M pc,foo=1",
      "qmem-run: Property 'pc-machine.foo' not found\n" },
    { "-M pc,mem-merge=x",
      "qmem-run: Parameter 'mem-merge' expects 'on' or 'off'\n" },
    { "-m 1Q",
      "qmem-run: -m 1Q: Parameter 'size' expects a non-negative number "
      "below 2^64\n"
      "Optional suffix k, M, G, T, P or E means kilo-, mega-, giga-, tera-, "
      "peta-\nand exabytes, respectively.\n" },
    /* QEMU 7.2's two readings of -m: as a size, then with "M" added. */
    { "-m 99999999999999999999",
      "qmem-run: -m 99999999999999999999: Value '99999999999999999999' is "
      "out of range for parameter 'size'\n" },
    { "-m 17592186044416",
      "qmem-run: -m 17592186044416: Parameter 'memory.size' expects size\n" },
    { "-m 1.5",
      "qmem-run: -m 1.5: Parameter 'size' expects a non-negative number "
      "below 2^64\n"
      "Optional suffix k, M, G, T, P or E means kilo-, mega-, giga-, tera-, "
      "peta-\nand exabytes, respectively.\n" },
    { "-m 1G,maxmem=-1",
      "qmem-run: -m 1G,maxmem=-1: Parameter 'maxmem' expects a non-negative "
      "number below 2^64\n"
      "Optional suffix k, M, G, T, P or E means kilo-, mega-, giga-, tera-, "
      "peta-\nand exabytes, respectively.\n" },
    { "-m 1G,slots=18446744073709551616,maxmem=2G",
      "qmem-run: -m 1G,slots=18446744073709551616,maxmem=2G: Value "
      "'18446744073709551616' is too large for parameter 'slots'\n" },
    { "-m 1G,foo=1", "qmem-run: -m 1G,foo=1: Invalid parameter 'foo'\n" },
    { "-m 1G,maxmem=512M",
      "qmem-run: -m 1G,maxmem=512M: invalid value of maxmem: maximum memory "
      "size (0x20000000) must be at least the initial memory size "
      "(0x40000000)\n" },
    { "-m 1G,slots=2,maxmem=1G",
      "qmem-run: -m 1G,slots=2,maxmem=1G: invalid value of maxmem: memory "
      "slots were specified but maximum memory size (0x40000000) is equal "
      "to the initial memory size (0x40000000)\n" },
    { "-m 1G,slots=2",
      "qmem-run: -m 1G,slots=2: slots specified but no max-size\n" },
    { "-m 1G,slots=x,maxmem=2G",
      "qmem-run: -m 1G,slots=x,maxmem=2G: Parameter 'slots' expects a "
      "number\n" },
    { "-m 1G,slots=8796093022208G,maxmem=2G",
      "qmem-run: -m 1G,slots=8796093022208G,maxmem=2G: Parameter 'slots' "
      "expects a number\n" },
    { "-m 1G,maxmem=8796093022208G",
      "qmem-run: -m 1G,maxmem=8796093022208G: Value '8796093022208G' is out "
      "of range for parameter 'maxmem'\n" },
    { "-m 1G,slots=300,maxmem=8G",
      "qmem-run: unsupported amount of memory slots: 300\n" },
    { "-m 1G,slots=2,maxmem=2147483649",
      "qmem-run: maximum memory size must by aligned to multiple of 4096 "
      "bytes\n" },
    { "-m 1G,slots=2,maxmem=16E",
      "qmem-run: -m 1G,slots=2,maxmem=16E: Value '16E' is out of range for "
      "parameter 'maxmem'\n" },
    { "-m 1G,slots=2,maxmem=18446744073709547520",
      "qmem-run: unsupported amount of maximum memory: 0xfffffffffffff000\n" },
    { "-m 1G,slots=2,maxmem=4P",
      "qmem-run: Address space limit 0xfffffffffffff < 0x1000013fffffff "
      "phys-bits too low (52)\n" },
    { "-M pc,memory-backend=nothere",
      "qmem-run: Memory backend 'nothere' not found\n" },
    { "-M pc,memory-backend=m0 -m 1G "
      "-object memory-backend-ram,id=m0,size=512M",
      "qmem-run: Machine memory size does not match the size of the memory "
      "backend\n" },
    { "-M pc,memory-backend=m0 -mem-path /tmp "
      "-object memory-backend-ram,id=m0,size=512M",
      "qmem-run: '-mem-path' can't be used together with'-machine "
      "memory-backend'\n" },
    { "-m 1G -object memory-backend-ram,id=pc.ram,size=512M",
      "qmem-run: object's id 'pc.ram' is reserved for the default RAM "
      "backend, it can't be used for any other purposes\n"
      "Change the object's 'id' to something else or disable automatic "
      "creation of the default RAM backend by setting "
      "'memory-backend=pc.ram' machine property\n" },
    { "-m 1G -mem-path /nonexistent/dir -mem-prealloc",
      "qmem-run: can't open backing store /nonexistent/dir for guest RAM: "
      "No such file or directory\n" },
    { "-m 1G,slots=2,maxmem=4G -device pc-dimm,id=d0",
      "qmem-run: -device pc-dimm,id=d0: 'memdev' property must be set\n" },
    { "-m 1G -object memory-backend-ram,id=m0,size=1G "
      "-device pc-dimm,id=d0,memdev=m0",
      "qmem-run: -device pc-dimm,id=d0,memdev=m0: no slots where allocated, "
      "please specify the 'slots' option\n" },
    { "-m 1G,slots=2,maxmem=4G -object memory-backend-ram,id=m0,size=1G "
      "-device pc-dimm,id=d0,memdev=m0 -device pc-dimm,id=d0,memdev=m0",
      "qmem-run: -device pc-dimm,id=d0,memdev=m0: Duplicate ID 'd0' for "
      "device\n" },
    { "-m 1G,slots=2,maxmem=4G -device foo",
      "qmem-run: -device foo: 'foo' is not a valid device model name\n" },
    { "-m 1G,slots=2,maxmem=4G -object memory-backend-ram,id=m0,size=1G "
      "-device pc-dimm,id=d0,memdev=m0,foo=1",
      "qmem-run: -device pc-dimm,id=d0,memdev=m0,foo=1: Property "
      "'pc-dimm.foo' not found\n" },
    { "-m 1G,slots=2,maxmem=4G -object memory-backend-ram,id=m0,size=1G "
      "-device pc-dimm,id=d0,memdev=m0,size=5",
      "qmem-run: -device pc-dimm,id=d0,memdev=m0,size=5: Property "
      "'pc-dimm.size' is not writable\n" },
    /* User input in a message: escaped, and no "[Invalid UTF-8]". */
    { "-device '{\"driver\":\"a\\u0000b\\u001b\"}'",
      "qmem-run: -device {\"driver\":\"a\\u0000b\\u001b\"}: "
      "'a\\u0000b\\u001B' is not a valid device model name\n" },
    /* Above INT64_MAX is no int: it used to wrap to -1, slot "auto". */
    { "-m 1G,slots=2,maxmem=4G -object memory-backend-ram,id=m0,size=1G "
      "-device '{\"driver\":\"pc-dimm\",\"memdev\":\"m0\","
      "\"slot\":18446744073709551615}'",
      "qmem-run: -device {\"driver\":\"pc-dimm\",\"memdev\":\"m0\","
      "\"slot\":18446744073709551615}: Invalid parameter type for 'slot', "
      "expected: integer\n" },
};

static void test_cmdline_case(gconstpointer data)
{
    const CmdlineCase *c = data;
    g_autofree char *args = g_strdup_printf("-accel qtest -S %s", c->args);
    g_autofree char *out = NULL;
    g_autofree char *err = NULL;
    int status;

    qtest_run_cmdline(args, &out, &err, &status);
    g_assert_cmpstr(err, ==, c->err);
    g_assert_cmpstr(out, ==, "");
    g_assert_cmpint(status, ==, 1);
}

/* -mem-path without -mem-prealloc falls back to anonymous RAM and runs. */
static void test_mem_path_fallback(void)
{
    QTestState *s = qtest_init("-m 256M -mem-path /nonexistent/dir");
    JsonNode *ret = qtest_qmp_assert_success_ref(
        s, "{'execute': 'qom-get', 'arguments': "
           "{'path': '/objects/pc.ram', 'property': 'type'}}");

    g_assert_cmpstr(json_node_get_string(ret), ==, "memory-backend-ram");
    json_node_unref(ret);
    qtest_quit(s);
}

typedef struct {
    const char *args;
    const char *mtree;      /* the "memory" address space's lines */
} LayoutCase;

static const LayoutCase layout_cases[] = {
    { "-M pc -m 1G",
      "address-space: memory\r\n"
      "  0000000000000000-ffffffffffffffff (prio 0, i/o): system\r\n"
      "    0000000000000000-000000003fffffff (prio 0, ram): alias "
      "ram-below-4g @pc.ram 0000000000000000-000000003fffffff\r\n"
      "    0000000000000000-ffffffffffffffff (prio -1, i/o): pci\r\n"
      "    00000000fee00000-00000000feefffff (prio 4096, i/o): apic-msi\r\n" },
    { "-M pc -m 4G",
      "address-space: memory\r\n"
      "  0000000000000000-ffffffffffffffff (prio 0, i/o): system\r\n"
      "    0000000000000000-00000000bfffffff (prio 0, ram): alias "
      "ram-below-4g @pc.ram 0000000000000000-00000000bfffffff\r\n"
      "    0000000000000000-ffffffffffffffff (prio -1, i/o): pci\r\n"
      "    00000000fee00000-00000000feefffff (prio 4096, i/o): apic-msi\r\n"
      "    0000000100000000-000000013fffffff (prio 0, ram): alias "
      "ram-above-4g @pc.ram 00000000c0000000-00000000ffffffff\r\n" },
    { "-M pc-q35-7.2 -m 3G,slots=2,maxmem=5G",
      "address-space: memory\r\n"
      "  0000000000000000-ffffffffffffffff (prio 0, i/o): system\r\n"
      "    0000000000000000-000000007fffffff (prio 0, ram): alias "
      "ram-below-4g @pc.ram 0000000000000000-000000007fffffff\r\n"
      "    0000000000000000-ffffffffffffffff (prio -1, i/o): pci\r\n"
      "    00000000fee00000-00000000feefffff (prio 4096, i/o): apic-msi\r\n"
      "    0000000100000000-000000013fffffff (prio 0, ram): alias "
      "ram-above-4g @pc.ram 0000000080000000-00000000bfffffff\r\n"
      "    0000000140000000-000000023fffffff (prio 0, i/o): device-memory\r\n"
      },
    { "-M test -m 128M,slots=2,maxmem=1G",
      "address-space: memory\r\n"
      "  0000000000000000-ffffffffffffffff (prio 0, i/o): system\r\n"
      "    0000000000000000-0000000007ffffff (prio 0, ram): test.ram\r\n"
      "    0000010000000000-0000010037ffffff (prio 0, i/o): device-memory\r\n"
      },
};

static void test_layout_case(gconstpointer data)
{
    const LayoutCase *c = data;
    QTestState *s = qtest_init(c->args);
    g_autofree char *mtree = qtest_hmp(s, "info mtree");
    char *end = strstr(mtree, "\r\n\r\n");

    g_assert_nonnull(end);
    end[2] = '\0';
    g_assert_cmpstr(mtree, ==, c->mtree);
    qtest_quit(s);
}

static guint64 dimm_addr(QTestState *s, const char *id)
{
    JsonNode *ret = qtest_qmp_assert_success_ref(
        s, "{'execute': 'query-memory-devices'}");
    JsonArray *list = json_node_get_array(ret);
    guint64 addr = 0;

    for (guint i = 0; i < json_array_get_length(list); i++) {
        JsonObject *data = json_object_get_object_member(
            json_array_get_object_element(list, i), "data");

        if (!strcmp(json_object_get_string_member(data, "id"), id)) {
            addr = json_object_get_int_member(data, "addr");
        }
    }
    json_node_unref(ret);
    g_assert_cmpuint(addr, !=, 0);
    return addr;
}

/*
 * A hot-plugged DIMM is guest memory (qtest reads back what it wrote);
 * after device_del (on pc, once the guest ejected it through ACPI) its
 * range reads as unassigned, its backend may go, and the hole is reused.
 */
static void hotplug_dimm_on(const char *machine, guint64 first_addr,
                            gboolean acpi)
{
    QTestState *s = qtest_initf(
        "-M %s -m 128M,slots=4,maxmem=4G -qtest "
        "-object memory-backend-ram,id=m0,size=256M "
        "-object memory-backend-ram,id=m1,size=256M", machine);
    JsonObject *event;
    guint64 addr;

    qtest_qmp_assert_success(s, "{'execute': 'device_add', 'arguments': "
                             "{'driver': 'pc-dimm', 'id': 'd0', "
                             "'memdev': 'm0'}}");
    addr = dimm_addr(s, "d0");
    g_assert_cmphex(addr, ==, first_addr);
    qtest_writeq(s, addr, 0x0123456789abcdefULL);
    qtest_writeq(s, addr + (256 << 20) - 8, 0xfeedfacecafebeefULL);
    g_assert_cmphex(qtest_readq(s, addr), ==, 0x0123456789abcdefULL);
    g_assert_cmphex(qtest_readq(s, addr + (256 << 20) - 8), ==,
                    0xfeedfacecafebeefULL);

    qtest_qmp_expect_error(s, "GenericError",
                           "object 'm0' is in use, can not be deleted",
                           "{'execute': 'object-del', 'arguments': "
                           "{'id': 'm0'}}");
    qtest_qmp_expect_error(s, "GenericError",
                           "can't use already busy memdev: m0",
                           "{'execute': 'device_add', 'arguments': "
                           "{'driver': 'pc-dimm', 'id': 'd1', "
                           "'memdev': 'm0'}}");

    qtest_qmp_assert_success(s, "{'execute': 'device_del', 'arguments': "
                             "{'id': 'd0'}}");
    if (acpi) {
        /* Still there until the guest's _EJ0 ejects slot 0. */
        g_assert_cmphex(qtest_readq(s, addr), ==, 0x0123456789abcdefULL);
        g_assert_null(qtest_qmp_event_ref(s, "DEVICE_DELETED"));
        qtest_outl(s, 0x0a00, 0);
        qtest_outb(s, 0x0a14, 8);
    }
    event = qtest_qmp_eventwait_ref(s, "DEVICE_DELETED");
    g_assert_cmpstr(json_object_get_string_member(
                        json_object_get_object_member(event, "data"),
                        "device"), ==, "d0");
    json_object_unref(event);
    /* Nothing there any more: reads are 0 and writes go nowhere. */
    qtest_writeq(s, addr, 0x1234);
    g_assert_cmphex(qtest_readq(s, addr), ==, 0);
    qtest_qmp_expect_error(s, "DeviceNotFound", "Device 'd0' not found",
                           "{'execute': 'device_del', 'arguments': "
                           "{'id': 'd0'}}");

    /* The hole is reused, the freed backend can be plugged again. */
    qtest_qmp_assert_success(s, "{'execute': 'device_add', 'arguments': "
                             "{'driver': 'pc-dimm', 'id': 'd1', "
                             "'memdev': 'm1'}}");
    g_assert_cmphex(dimm_addr(s, "d1"), ==, first_addr);
    qtest_qmp_assert_success(s, "{'execute': 'object-del', 'arguments': "
                             "{'id': 'm0'}}");
    qtest_quit(s);
}

/*
 * "none", as QEMU 7.2's: slots and maxmem make no device memory, a -device
 * DIMM is realized unmapped (address 0, slot -1), and with no hotplug
 * handler device_add is refused; QEMU asserts on device_del, qmem says no.
 */
static void test_hotplug_none(void)
{
    QTestState *s = qtest_init("-M none -m 1G,slots=1,maxmem=2G "
                               "-object memory-backend-ram,id=m0,size=1G "
                               "-object memory-backend-ram,id=m1,size=1G "
                               "-device pc-dimm,id=d0,memdev=m0");
    JsonNode *devices;
    JsonObject *data;

    devices = qtest_qmp_assert_success_ref(
        s, "{'execute': 'query-memory-devices'}");
    g_assert_cmpuint(json_array_get_length(json_node_get_array(devices)), ==,
                     1);
    data = json_object_get_object_member(
        json_array_get_object_element(json_node_get_array(devices), 0),
        "data");
    g_assert_cmpint(json_object_get_int_member(data, "addr"), ==, 0);
    g_assert_cmpint(json_object_get_int_member(data, "slot"), ==, -1);
    json_node_unref(devices);
    qtest_qmp_expect_error(s, "GenericError",
                           "Device 'pc-dimm' can not be hotplugged on this "
                           "machine",
                           "{'execute': 'device_add', 'arguments': "
                           "{'driver': 'pc-dimm', 'id': 'd1', "
                           "'memdev': 'm1'}}");
    qtest_qmp_expect_error(s, "DeviceNotFound", "Device 'd1' not found",
                           "{'execute': 'device_del', 'arguments': "
                           "{'id': 'd1'}}");
    qtest_qmp_expect_error(s, "GenericError",
                           "device 'pc-dimm' can not be unplugged on this "
                           "machine",
                           "{'execute': 'device_del', 'arguments': "
                           "{'id': 'd0'}}");
    qtest_qmp_expect_error(s, "GenericError",
                           "object 'm0' is in use, can not be deleted",
                           "{'execute': 'object-del', 'arguments': "
                           "{'id': 'm0'}}");
    qtest_qmp_assert_success(s, "{'execute': 'object-del', 'arguments': "
                             "{'id': 'm1'}}");
    qtest_quit(s);
}

/*
 * Where nothing answers: ports read all-ones, memory 0, and the byte past
 * the I/O space 0 too.  These are QEMU 7.2's replies on the same lines.
 */
static void test_unassigned(gconstpointer data)
{
    QTestState *s = qtest_initf("-M %s -qtest", (const char *)data);

    qtest_outb(s, 0x1234, 0x12);
    g_assert_cmphex(qtest_inb(s, 0x1234), ==, 0xff);
    g_assert_cmphex(qtest_inw(s, 0xffff), ==, 0x00ff);
    g_assert_cmphex(qtest_inl(s, 0xfffd), ==, 0x00ffffff);
    qtest_writeq(s, 0xe0000000, 1);
    g_assert_cmphex(qtest_readq(s, 0xe0000000), ==, 0);
    g_assert_cmphex(qtest_readl(s, 1ULL << 44), ==, 0);
    qtest_quit(s);
}

static void test_hotplug_pc(void)
{
    hotplug_dimm_on("pc", 4 * GiB, TRUE);
}

static void test_hotplug_custom_machine(void)
{
    hotplug_dimm_on("test", 1ULL << 40, FALSE);
}

int main(int argc, char **argv)
{
    static const char *const machines[] = { "none", "pc", "q35" };

    g_test_init(&argc, &argv, NULL);

    for (gsize i = 0; i < G_N_ELEMENTS(cmdline_cases); i++) {
        g_autofree char *path =
            g_strdup_printf("/hw/core/machine/cmdline/%zu", i);

        g_test_add_data_func(path, &cmdline_cases[i], test_cmdline_case);
    }
    g_test_add_func("/hw/core/machine/mem-path-fallback",
                    test_mem_path_fallback);
    for (gsize i = 0; i < G_N_ELEMENTS(layout_cases); i++) {
        g_autofree char *path =
            g_strdup_printf("/hw/core/machine/layout/%zu", i);

        g_test_add_data_func(path, &layout_cases[i], test_layout_case);
    }
    for (gsize i = 0; i < G_N_ELEMENTS(machines); i++) {
        g_autofree char *path =
            g_strdup_printf("/hw/core/machine/unassigned/%s", machines[i]);

        g_test_add_data_func(path, machines[i], test_unassigned);
    }
    g_test_add_func("/hw/mem/pc-dimm/hotplug/pc", test_hotplug_pc);
    g_test_add_func("/hw/mem/pc-dimm/hotplug/none", test_hotplug_none);
    g_test_add_func("/hw/mem/pc-dimm/hotplug/custom-machine",
                    test_hotplug_custom_machine);
    return g_test_run();
}
