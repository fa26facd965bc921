/* SPDX-License-Identifier: GPL-2.0-or-later */
/* PCI through qmem-run: config mechanisms, placement, hotplug, queries. */

#include <stdio.h>
#include <string.h>
#include <json-glib/json-glib.h>

#include "libqtest.h"
#include "qemu-ref.h"

#define QMEM_TEST_COMMAND_MEMORY 0x2
#define QMEM_PCI_DEVICE_ID_OFF 0x02

#define VMEM "-m 1G,maxmem=8G,slots=2 " \
    "-object memory-backend-ram,id=m1,size=1G " \
    "-object memory-backend-ram,id=m2,size=1G " \
    "-object memory-backend-ram,id=m3,size=1G "

/* ------------------------------------------------------------------ */
/* The guest's view: qtest lines and QEMU 7.2's replies to them */

typedef struct {
    const char *command;
    const char *reply;
} QtestLine;

typedef struct {
    const char *name;
    const char *args;
    const QtestLine *lines;
} QtestScript;

/*
 * Configuration mechanism #1 on pc, as QEMU 7.2 answers (checked line
 * by line against qemu-system-x86_64): CONFIG_ADDRESS takes dwords only
 * and reads back its low bytes at any port, CONFIG_DATA reaches the
 * addressed register with any width, all-ones without the enable bit or
 * a function.
 */
static const QtestLine pc_config_lines[] = {
    { "outl 0xcf8 0x80001234", "OK" },
    { "inl 0xcf8", "OK 0x80001234" },
    { "inb 0xcf8", "OK 0x0034" },
    { "inb 0xcfa", "OK 0x0034" },
    { "inw 0xcfa", "OK 0x1234" },
    { "outw 0xcf8 0x8000", "OK" },
    { "outb 0xcfb 0x00", "OK" },
    { "inl 0xcf8", "OK 0x80001234" },
    /* i440FX at 00.0, by every width and alignment */
    { "outl 0xcf8 0x80000000", "OK" },
    { "inl 0xcfc", "OK 0x12378086" },
    { "inw 0xcfc", "OK 0x8086" },
    { "inw 0xcfe", "OK 0x1237" },
    { "inb 0xcfd", "OK 0x0080" },
    { "inw 0xcfd", "OK 0x3780" },
    { "inl 0xcfd", "OK 0xff123780" },
    { "inl 0xcf8", "OK 0x80000000" },
    /* The register's low bits add to the port's; the end cuts reads. */
    { "outl 0xcf8 0x80000002", "OK" },
    { "inl 0xcfc", "OK 0x1237" },
    { "outl 0xcf8 0x800000fe", "OK" },
    { "inl 0xcfc", "OK 0x0000" },
    { "outl 0xcf8 0x80000803", "OK" },
    { "inl 0xcfc", "OK 0x0070" },
    /* Bus 1, disabled, bits 30..24, absent functions */
    { "outl 0xcf8 0x80010000", "OK" },
    { "inl 0xcfc", "OK 0xffffffff" },
    { "outl 0xcf8 0x00000000", "OK" },
    { "inl 0xcfc", "OK 0xffffffff" },
    { "outw 0xcfc 0x1234", "OK" },
    { "outl 0xcf8 0xff000000", "OK" },
    { "inl 0xcfc", "OK 0x12378086" },
    { "outl 0xcf8 0x80000800", "OK" },
    { "inl 0xcfc", "OK 0x70008086" },
    { "inb 0xcfe", "OK 0x0000" },
    { "outl 0xcf8 0x80001000", "OK" },
    { "inl 0xcfc", "OK 0xffffffff" },
    { "outl 0xcf8 0x80000900", "OK" },
    { "inw 0xcfc", "OK 0xffff" },
    /* The host bridge's writable bits and the rest */
    { "outl 0xcf8 0x80000004", "OK" },
    { "outl 0xcfc 0xffffffff", "OK" },
    { "inl 0xcfc", "OK 0x0507" },
    { "outl 0xcf8 0x80000010", "OK" },
    { "outl 0xcfc 0xffffffff", "OK" },
    { "inl 0xcfc", "OK 0x0000" },
    { "outl 0xcf8 0x8000003c", "OK" },
    { "outl 0xcfc 0xffffffff", "OK" },
    { "inl 0xcfc", "OK 0x00ff" },
    { "outl 0xcf8 0x80000040", "OK" },
    { "outl 0xcfc 0x12345678", "OK" },
    { "inl 0xcfc", "OK 0x12345678" },
    { "outb 0xcfe 0xaa", "OK" },
    { "inl 0xcfc", "OK 0x12aa5678" },
    { NULL }
};

/*
 * q35's MMCONFIG: off until the guest sets PCIEXBAR's enable bit, then
 * ECAM at the address and of the length PCIEXBAR says.
 */
static const QtestLine q35_mmconfig_lines[] = {
    { "readl 0xb0000000", "OK 0x0000000000000000" },
    { "outl 0xcf8 0x80000060", "OK" },
    { "inl 0xcfc", "OK 0xb0000000" },
    { "outl 0xcf8 0x80000064", "OK" },
    { "inl 0xcfc", "OK 0x0000" },
    { "outl 0xcf8 0x80000060", "OK" },
    { "outl 0xcfc 0xb0000001", "OK" },
    { "readl 0xb0000000", "OK 0x0000000029c08086" },
    { "readl 0xb00f8000", "OK 0x0000000029188086" },
    { "readw 0xb00f8002", "OK 0x0000000000002918" },
    { "readb 0xb00f800e", "OK 0x0000000000000080" },
    { "readl 0xb0008000", "OK 0x00000000ffffffff" },
    { "readl 0xb0100000", "OK 0x00000000ffffffff" },
    { "readl 0xb0000100", "OK 0x00000000ffffffff" },
    { "readl 0xb0000ffc", "OK 0x00000000ffffffff" },
    { "readw 0xb0000001", "OK 0x000000000000c080" },
    { "readq 0xb0000000", "OK 0x0000000029c08086" },
    { "writel 0xb000003c 0xffffffff", "OK" },
    { "readl 0xb000003c", "OK 0x00000000000000ff" },
    { "writeb 0xb0000061 0x00", "OK" },
    { "inl 0xcfc", "OK 0xb0000001" },
    /* 128 MiB at 0xe0000000, then 64 MiB; the old place is empty. */
    { "outl 0xcfc 0xe0000003", "OK" },
    { "readl 0xe0000000", "OK 0x0000000029c08086" },
    { "readl 0xe7ff8000", "OK 0x00000000ffffffff" },
    { "readl 0xb0000000", "OK 0x0000000000000000" },
    { "outl 0xcfc 0xe0000005", "OK" },
    { "readl 0xe0000000", "OK 0x0000000029c08086" },
    { "outl 0xcfc 0xe0000002", "OK" },
    { "readl 0xe0000000", "OK 0x0000000000000000" },
    /* The reserved length leaves the window where it was. */
    { "outl 0xcfc 0xe0000001", "OK" },
    { "outl 0xcfc 0xd0000007", "OK" },
    { "readl 0xe0000000", "OK 0x0000000029c08086" },
    { "readl 0xd0000000", "OK 0x0000000000000000" },
    { NULL }
};

/* The MCH's firmware queries and locks (TSEG at 0x50, SMRAM, SMBASE). */
static const QtestLine q35_mch_lines[] = {
    { "outl 0xcf8 0x80000050", "OK" },
    { "inl 0xcfc", "OK 0x0010" },
    { "outw 0xcfc 0x1234", "OK" },
    { "inl 0xcfc", "OK 0x1234" },
    { "outw 0xcfc 0xffff", "OK" },
    { "inl 0xcfc", "OK 0x0010" },
    { "outl 0xcf8 0x8000009c", "OK" },
    { "inl 0xcfc", "OK 0x380200" },
    { "outb 0xcfc 0x01", "OK" },
    { "inl 0xcfc", "OK 0x380200" },
    { "outb 0xcfc 0xff", "OK" },
    { "inl 0xcfc", "OK 0x380201" },
    { "outb 0xcfc 0x02", "OK" },
    { "inl 0xcfc", "OK 0x380202" },
    { "outb 0xcfc 0x00", "OK" },
    { "inl 0xcfc", "OK 0x380202" },
    { "outb 0xcfd 0x48", "OK" },
    { "outb 0xcfe 0x87", "OK" },
    { "inl 0xcfc", "OK 0xbf4a02" },
    { "outb 0xcfd 0x10", "OK" },
    { "outb 0xcfe 0x00", "OK" },
    { "outb 0xcfd 0x7f", "OK" },
    { "inl 0xcfc", "OK 0xbf3202" },
    { NULL }
};

/* Up to 4.2 the SMBASE query is not there, up to 2.9 the TSEG one. */
static const QtestLine q35_2_9_mch_lines[] = {
    { "outl 0xcf8 0x80000050", "OK" },
    { "inl 0xcfc", "OK 0x0000" },
    { "outw 0xcfc 0xffff", "OK" },
    { "inl 0xcfc", "OK 0xffff" },
    { "outl 0xcf8 0x8000009c", "OK" },
    { "outb 0xcfc 0xff", "OK" },
    { "inl 0xcfc", "OK 0x3802ff" },
    { NULL }
};

/* q35's functions through the same ports. */
static const QtestLine q35_config_lines[] = {
    { "outl 0xcf8 0x80000000", "OK" },
    { "inl 0xcfc", "OK 0x29c08086" },
    { "inw 0xcfe", "OK 0x29c0" },
    { "outl 0xcf8 0x8000f808", "OK" },
    { "inl 0xcfc", "OK 0x6010002" },
    { "outl 0xcf8 0x8000f80c", "OK" },
    { "inl 0xcfc", "OK 0x800000" },
    { "outl 0xcf8 0x8000f900", "OK" },
    { "inl 0xcfc", "OK 0xffffffff" },
    { "outl 0xcf8 0x80000800", "OK" },
    { "inl 0xcfc", "OK 0xffffffff" },
    { NULL }
};

static const QtestScript scripts[] = {
    { "pc/config", "-M pc -m 1G", pc_config_lines },
    { "q35/config", "-M q35 -m 1G", q35_config_lines },
    { "q35/mmconfig", "-M q35 -m 1G", q35_mmconfig_lines },
    { "q35/mch", "-M pc-q35-7.2 -m 1G", q35_mch_lines },
    { "q35-2.9/mch", "-M pc-q35-2.9 -m 1G", q35_2_9_mch_lines },
};

static void test_script(gconstpointer data)
{
    const QtestScript *c = data;
    QTestState *s = qtest_initf("%s -qtest", c->args);

    for (const QtestLine *l = c->lines; l->command; l++) {
        g_autofree char *reply = qtest_raw_command(s, "%s", l->command);

        if (strcmp(reply, l->reply)) {
            g_error("%s: '%s' gave '%s', expected '%s'", c->name, l->command,
                    reply, l->reply);
        }
    }
    qtest_quit(s);
}

/* ------------------------------------------------------------------ */
/* Placement on the command line, with QEMU 7.2's texts */

typedef struct {
    const char *args;
    const char *err;        /* all of stderr; NULL: it starts */
} CmdlineCase;

#define ERR(dev, text) "qmem-run: -device " dev ": " text "\n"

static const CmdlineCase cmdline_cases[] = {
    { "-device virtio-mem-pci,memdev=m1,addr=0x0",
      ERR("virtio-mem-pci,memdev=m1,addr=0x0",
          "PCI: slot 0 function 0 not available for virtio-mem-pci, in use "
          "by i440FX,id=(null)") },
    { "-device virtio-mem-pci,memdev=m1,addr=1.0",
      ERR("virtio-mem-pci,memdev=m1,addr=1.0",
          "PCI: slot 1 function 0 not available for virtio-mem-pci, in use "
          "by PIIX3,id=(null)") },
    { "-device virtio-mem-pci,memdev=m1,addr=1.2", NULL },
    { "-device virtio-mem-pci,memdev=m1,addr=02.1", NULL },
    { "-device virtio-mem-pci,memdev=m1,addr=0x2.0x1", NULL },
    { "-device virtio-mem-pci,memdev=m1,addr=0x20",
      ERR("virtio-mem-pci,memdev=m1,addr=0x20",
          "Property 'virtio-mem-pci.addr' doesn't take value '0x20'") },
    { "-device virtio-mem-pci,memdev=m1,addr=2.8",
      ERR("virtio-mem-pci,memdev=m1,addr=2.8",
          "Property 'virtio-mem-pci.addr' doesn't take value '2.8'") },
    { "-device virtio-mem-pci,memdev=m1,addr=-1",
      ERR("virtio-mem-pci,memdev=m1,addr=-1",
          "Property 'virtio-mem-pci.addr' doesn't take value '-1'") },
    { "-device virtio-mem-pci,memdev=m1,addr=0:2.0",
      ERR("virtio-mem-pci,memdev=m1,addr=0:2.0",
          "Property 'virtio-mem-pci.addr' doesn't take value '0:2.0'") },
    /* JSON -device, as libvirt writes it (quoted for the shell split) */
#define JSON_DEV(addr) \
    "{\"driver\":\"virtio-mem-pci\",\"memdev\":\"m1\",\"addr\":" addr "}"
    { "-device '" JSON_DEV("300") "'",
      ERR(JSON_DEV("300"),
          "Parameter 'addr' expects a value between -1 and 255") },
    { "-device '" JSON_DEV("true") "'",
      ERR(JSON_DEV("true"),
          "Invalid parameter type for 'addr', expected int or str") },
    { "-device '" JSON_DEV("2.5") "'",
      ERR(JSON_DEV("2.5"),
          "Invalid parameter type for 'addr', expected: integer") },
    { "-device '" JSON_DEV("24") "'", NULL },
    { "-device '" JSON_DEV("\"0x3.2\"") "'", NULL },
    { "-device virtio-mem-pci,memdev=m1,multifunction=maybe",
      ERR("virtio-mem-pci,memdev=m1,multifunction=maybe",
          "Parameter 'multifunction' expects 'on' or 'off'") },
    { "-device virtio-mem-pci,memdev=m1,addr=2.0 "
      "-device virtio-mem-pci,memdev=m2,addr=2.1",
      ERR("virtio-mem-pci,memdev=m2,addr=2.1",
          "PCI: single function device can't be populated in function "
          "2.1") },
    { "-device virtio-mem-pci,memdev=m1,addr=2.1 "
      "-device virtio-mem-pci,memdev=m2,addr=2.0,id=x",
      ERR("virtio-mem-pci,memdev=m2,addr=2.0,id=x",
          "PCI: 2.0 indicates single function, but 2.1 is already "
          "populated.") },
    { "-device virtio-mem-pci,memdev=m1,addr=0x1f.7,id=a "
      "-device virtio-mem-pci,memdev=m2,addr=1f.7,id=x",
      ERR("virtio-mem-pci,memdev=m2,addr=1f.7,id=x",
          "PCI: slot 31 function 7 not available for virtio-mem-pci, in "
          "use by virtio-mem-pci,id=a") },
    { "-device virtio-mem-pci,memdev=m1,addr=3.0,multifunction=on "
      "-device virtio-mem-pci,memdev=m2,addr=3.1", NULL },
    /* bus= */
    { "-device virtio-mem-pci,memdev=m1,bus=pci.0,addr=4", NULL },
    { "-device virtio-mem-pci,memdev=m1,bus=/i440FX-pcihost/pci.0", NULL },
    { "-device virtio-mem-pci,memdev=m1,bus=/i440FX-pcihost", NULL },
    { "-device virtio-mem-pci,memdev=m1,bus=pci.1",
      ERR("virtio-mem-pci,memdev=m1,bus=pci.1", "Bus 'pci.1' not found") },
    { "-device virtio-mem-pci,memdev=m1,bus=pcie.0",
      ERR("virtio-mem-pci,memdev=m1,bus=pcie.0", "Bus 'pcie.0' not found") },
    { "-device virtio-mem-pci,memdev=m1,bus=",
      ERR("virtio-mem-pci,memdev=m1,bus=", "Bus '' not found") },
    { "-device virtio-mem-pci,memdev=m1,bus=/",
      ERR("virtio-mem-pci,memdev=m1,bus=/",
          "Device 'virtio-mem-pci' can't go on System bus") },
    { "-device pc-dimm,memdev=m1,bus=pci.0",
      ERR("pc-dimm,memdev=m1,bus=pci.0",
          "Device 'pc-dimm' can't go on PCI bus") },
    { "-device virtio-mem-pci,memdev=m1,bus=/i440fx",
      ERR("virtio-mem-pci,memdev=m1,bus=/i440fx", "Device 'i440fx' not found")
      "devices at \"main-system-bus\": \"i440FX-pcihost\"\n" },
    { "-device virtio-mem-pci,memdev=m1,bus=pci.0/foo",
      ERR("virtio-mem-pci,memdev=m1,bus=pci.0/foo", "Device 'foo' not found")
      "devices at \"pci.0\": \"PIIX3\", \"i440FX\"\n" },
    { "-device virtio-mem-pci,memdev=m1,bus=/i440FX-pcihost/pci.1",
      ERR("virtio-mem-pci,memdev=m1,bus=/i440FX-pcihost/pci.1",
          "Bus 'pci.1' not found")
      "child buses at \"i440FX-pcihost\": \"pci.0\"\n" },
    { "-device virtio-mem-pci,memdev=m1,bus=pci.0/i440FX",
      ERR("virtio-mem-pci,memdev=m1,bus=pci.0/i440FX",
          "Device 'i440FX' has no child bus") },
    { "-device virtio-mem-pci,memdev=m1,bus=i440fx/pci.0",
      ERR("virtio-mem-pci,memdev=m1,bus=i440fx/pci.0",
          "Bus 'i440fx' not found") },
    /* The board's parts are not for -device. */
    { "-device i440FX", ERR("i440FX",
      "Parameter 'driver' expects a pluggable device type") },
    { "-device PIIX3", ERR("PIIX3",
      "Parameter 'driver' expects a pluggable device type") },
    { "-device i440FX-pcihost", ERR("i440FX-pcihost",
      "Parameter 'driver' expects a pluggable device type") },
    /* q35 */
    { "-M q35 -device virtio-mem-pci,memdev=m1,addr=0x0",
      ERR("virtio-mem-pci,memdev=m1,addr=0x0",
          "PCI: slot 0 function 0 not available for virtio-mem-pci, in use "
          "by mch,id=(null)") },
    { "-M q35 -device virtio-mem-pci,memdev=m1,addr=0x1f",
      ERR("virtio-mem-pci,memdev=m1,addr=0x1f",
          "PCI: slot 31 function 0 not available for virtio-mem-pci, in use "
          "by ICH9-LPC,id=(null)") },
    { "-M q35 -device virtio-mem-pci,memdev=m1,addr=0x1f.1", NULL },
    { "-M q35 -device virtio-mem-pci,memdev=m1,bus=pcie.0,addr=4", NULL },
    { "-M q35 -device virtio-mem-pci,memdev=m1,bus=pci.0",
      ERR("virtio-mem-pci,memdev=m1,bus=pci.0", "Bus 'pci.0' not found") },
    { "-M q35 -device virtio-mem-pci,memdev=m1,bus=/q35-pcihost/pcie.0/mch",
      ERR("virtio-mem-pci,memdev=m1,bus=/q35-pcihost/pcie.0/mch",
          "Device 'mch' has no child bus") },
    { "-M q35 -device mch", ERR("mch",
      "Parameter 'driver' expects a pluggable device type") },
    { "-M q35 -device ICH9-LPC", ERR("ICH9-LPC",
      "Parameter 'driver' expects a pluggable device type") },
    /* A machine without PCI */
    { "-M none -device virtio-mem-pci,memdev=m1",
      ERR("virtio-mem-pci,memdev=m1",
          "No 'PCI' bus found for device 'virtio-mem-pci'") },
};

static void test_cmdline_case(gconstpointer data)
{
    const CmdlineCase *c = data;
    g_autofree char *args = NULL;
    g_autofree char *out = NULL;
    g_autofree char *err = NULL;
    int status;

    if (!c->err) {
        /* It starts: query-pci answers. */
        QTestState *s = qtest_initf(VMEM "%s", c->args);
        JsonNode *ret = qtest_qmp_assert_success_ref(
            s, "{'execute': 'query-pci'}");

        json_node_unref(ret);
        qtest_quit(s);
        return;
    }
    args = g_strdup_printf("-accel qtest -S -display none -nodefaults "
                           VMEM "%s", c->args);
    qtest_run_cmdline(args, &out, &err, &status);
    g_assert_cmpstr(err, ==, c->err);
    g_assert_cmpint(status, ==, 1);
}

/* ------------------------------------------------------------------ */
/* Hotplug */

static guint32 cfg_readl(QTestState *s, int devfn, int reg)
{
    qtest_outl(s, 0xcf8, 0x80000000 | devfn << 8 | reg);
    return qtest_inl(s, 0xcfc);
}

static char *device_list(QTestState *s)
{
    JsonNode *ret = qtest_qmp_assert_success_ref(s,
                                                 "{'execute': 'query-pci'}");
    JsonArray *devices = json_object_get_array_member(
        json_array_get_object_element(json_node_get_array(ret), 0),
        "devices");
    GString *out = g_string_new(NULL);

    for (guint i = 0; i < json_array_get_length(devices); i++) {
        JsonObject *d = json_array_get_object_element(devices, i);

        g_string_append_printf(out, "%02x.%x %s;",
                               (int)json_object_get_int_member(d, "slot"),
                               (int)json_object_get_int_member(d, "function"),
                               json_object_get_string_member(d, "qdev_id"));
    }
    json_node_unref(ret);
    return g_string_free(out, FALSE);
}

/*
 * pc: pci.0 takes hot-plugged functions (QEMU's ACPI PCI hotplug; qmem
 * does not tell the guest yet).  A function above 0 stays hidden until
 * its function 0 comes, and comes to no slot whose function 0 is there.
 */
static void test_hotplug_pc(void)
{
    QTestState *s = qtest_init(VMEM "-qtest");
    g_autofree char *list = NULL;

    qtest_qmp_assert_success(s, "{'execute': 'device_add', 'arguments': "
                             "{'driver': 'virtio-mem-pci', 'memdev': 'm1', "
                             "'addr': '5.1', 'id': 'f1'}}");
    g_assert_cmphex(cfg_readl(s, 0x29, 0), ==, 0xffffffff);
    qtest_qmp_assert_success(s, "{'execute': 'device_add', 'arguments': "
                             "{'driver': 'virtio-mem-pci', 'memdev': 'm2', "
                             "'addr': '5.0', 'multifunction': true, "
                             "'id': 'f0'}}");
    g_assert_cmphex(cfg_readl(s, 0x29, 0), ==, 0x10581af4);
    g_assert_cmphex(cfg_readl(s, 0x28, 0xc), ==, 0x00800000);
    qtest_qmp_expect_error(s, "GenericError",
                           "PCI: slot 5 function 0 already occupied by "
                           "virtio-mem-pci, new func virtio-mem-pci cannot "
                           "be exposed to guest.",
                           "{'execute': 'device_add', 'arguments': "
                           "{'driver': 'virtio-mem-pci', 'memdev': 'm3', "
                           "'addr': '5.2'}}");
    qtest_qmp_assert_success(s, "{'execute': 'device_add', 'arguments': "
                             "{'driver': 'virtio-mem-pci', 'memdev': 'm3', "
                             "'id': 'a'}}");
    list = device_list(s);
    g_assert_cmpstr(list, ==, "00.0 ;01.0 ;02.0 a;05.0 f0;05.1 f1;");
    qtest_qmp_expect_error(s, "GenericError",
                           "Parameter 'driver' expects a pluggable device "
                           "type",
                           "{'execute': 'device_add', 'arguments': "
                           "{'driver': 'i440FX'}}");
    /* Unplugged, the slot reads as empty again. */
    qtest_qmp_assert_success(s, "{'execute': 'device_del', 'arguments': "
                             "{'id': 'a'}}");
    qtest_qmp_eventwait(s, "DEVICE_DELETED");
    g_assert_cmphex(cfg_readl(s, 0x10, 0), ==, 0xffffffff);
    qtest_quit(s);
}

/* q35: pcie.0 takes no hot-plugged device and gives none back. */
static void test_hotplug_q35(void)
{
    QTestState *s = qtest_init("-M q35 " VMEM
                               "-device virtio-mem-pci,id=vm0,memdev=m1");
    g_autofree char *list = NULL;

    qtest_qmp_expect_error(s, "GenericError",
                           "Bus 'pcie.0' does not support hotplugging",
                           "{'execute': 'device_add', 'arguments': "
                           "{'driver': 'virtio-mem-pci', 'memdev': 'm2', "
                           "'id': 'h1'}}");
    qtest_qmp_expect_error(s, "GenericError",
                           "Bus 'pcie.0' does not support hotplugging",
                           "{'execute': 'device_add', 'arguments': "
                           "{'driver': 'virtio-mem-pci', 'memdev': 'm2', "
                           "'bus': 'pcie.0', 'addr': 300}}");
    qtest_qmp_expect_error(s, "GenericError",
                           "Bus 'pcie.0' does not support hotplugging",
                           "{'execute': 'device_del', 'arguments': "
                           "{'id': 'vm0'}}");
    /* Bus-less memory devices still come and go. */
    qtest_qmp_assert_success(s, "{'execute': 'device_add', 'arguments': "
                             "{'driver': 'pc-dimm', 'memdev': 'm2', "
                             "'id': 'd1'}}");
    qtest_qmp_assert_success(s, "{'execute': 'device_del', 'arguments': "
                             "{'id': 'd1'}}");
    list = device_list(s);
    g_assert_cmpstr(list, ==, "00.0 ;01.0 vm0;1f.0 ;");
    qtest_quit(s);
}

/* ------------------------------------------------------------------ */
/* A function with BARs, end to end (tests/modules/test-pci-device.c) */

#define TEST_DEVFN 0x28     /* addr=5 */

static void cfg_writel(QTestState *s, int devfn, int reg, guint32 val)
{
    qtest_outl(s, 0xcf8, 0x80000000 | devfn << 8 | reg);
    qtest_outl(s, 0xcfc, val);
}

static void cfg_writew(QTestState *s, int devfn, int reg, guint16 val)
{
    qtest_outl(s, 0xcf8, 0x80000000 | devfn << 8 | (reg & ~3));
    qtest_outw(s, 0xcfc + (reg & 2), val);
}

/*
 * The guest sizes and places the BARs; memory BARs appear in the PCI
 * window under RAM, I/O BARs among the ports, as COMMAND says.
 */
static void test_device_bars(void)
{
    QTestState *s = qtest_init("-M pc -m 1G -device x-test-pci,addr=5 "
                               "-qtest");

    g_assert_cmphex(cfg_readl(s, TEST_DEVFN, 0), ==, 0x7e571b36);
    g_assert_cmphex(cfg_readl(s, TEST_DEVFN, 0x34), ==, 0x40);
    g_assert_cmphex(cfg_readl(s, TEST_DEVFN, 0x04), ==, 0x00100000);
    cfg_writel(s, TEST_DEVFN, 0x10, 0xffffffff);
    g_assert_cmphex(cfg_readl(s, TEST_DEVFN, 0x10), ==, 0xfffff000);
    cfg_writel(s, TEST_DEVFN, 0x18, 0xffffffff);
    g_assert_cmphex(cfg_readl(s, TEST_DEVFN, 0x18), ==, 0xfffffff1);
    cfg_writel(s, TEST_DEVFN, 0x20, 0xffffffff);
    g_assert_cmphex(cfg_readl(s, TEST_DEVFN, 0x20), ==, 0xffffc00c);

    cfg_writel(s, TEST_DEVFN, 0x10, 0xfebf0000);
    cfg_writel(s, TEST_DEVFN, 0x18, 0xc000);
    cfg_writel(s, TEST_DEVFN, 0x20, 0x0000000c);
    cfg_writel(s, TEST_DEVFN, 0x24, 0x8);
    qtest_writel(s, 0xfebf0000, 0x12345678);
    g_assert_cmphex(qtest_readl(s, 0xfebf0000), ==, 0);
    g_assert_cmphex(qtest_inl(s, 0xc000), ==, 0xffffffff);

    cfg_writew(s, TEST_DEVFN, 0x04, 0x3);
    qtest_writel(s, 0xfebf0000, 0x12345678);
    g_assert_cmphex(qtest_readl(s, 0xfebf0000), ==, 0x12345678);
    g_assert_cmphex(qtest_inl(s, 0xc000), ==, 0x5d5c5b5a);
    g_assert_cmphex(qtest_inb(s, 0xc00f), ==, 0x69);
    g_assert_cmphex(qtest_readq(s, 0x800002000ULL), ==, 0x200400002000ULL);
    /* RAM hides a BAR placed on it; it shows again when moved away. */
    cfg_writel(s, TEST_DEVFN, 0x10, 0x00100000);
    g_assert_cmphex(qtest_readl(s, 0x00100000), ==, 0);
    cfg_writel(s, TEST_DEVFN, 0x10, 0xfebf0000);
    g_assert_cmphex(qtest_readl(s, 0xfebf0000), ==, 0x12345678);
    /* query-pci shows where they are. */
    {
        g_autofree char *info = qtest_hmp(s, "info pci");

        g_assert_nonnull(strstr(info,
                         "      BAR0: 32 bit memory at 0xfebf0000 "
                         "[0xfebf0fff].\r\n"
                         "      BAR2: I/O at 0xc000 [0xc00f].\r\n"
                         "      BAR4: 64 bit prefetchable memory at "
                         "0x800000000 [0x800003fff].\r\n"));
    }
    cfg_writew(s, TEST_DEVFN, 0x04, 0);
    g_assert_cmphex(qtest_readl(s, 0xfebf0000), ==, 0);
    g_assert_cmphex(qtest_inl(s, 0xc000), ==, 0xffffffff);
    qtest_quit(s);
}

/* DMA and MSI reach RAM only while the guest lets it master the bus. */
static void test_device_dma(void)
{
    QTestState *s = qtest_init("-M q35 -m 1G -device x-test-pci,addr=5 "
                               "-qtest");

    cfg_writel(s, TEST_DEVFN, 0x10, 0xfebf0000);
    cfg_writew(s, TEST_DEVFN, 0x04, QMEM_TEST_COMMAND_MEMORY);
    qtest_writel(s, 0xfebf0000, 0xaabbccdd);
    qtest_writel(s, 0xfebf0008, 0x1000);
    qtest_writel(s, 0xfebf0010, 8);
    g_assert_cmphex(qtest_readl(s, 0xfebf0014), ==, 0);
    g_assert_cmphex(qtest_readq(s, 0x1000), ==, 0);

    cfg_writew(s, TEST_DEVFN, 0x04, QMEM_TEST_COMMAND_MEMORY | 0x4);
    qtest_writel(s, 0xfebf0010, 8);
    g_assert_cmphex(qtest_readl(s, 0xfebf0014), ==, 1);
    g_assert_cmphex(qtest_readq(s, 0x1000), ==, 0xaabbccddaabbccddULL);
    /* MSI: a dword write, which reaches what is there (RAM, here). */
    qtest_writel(s, 0xfebf0008, 0x2000);
    qtest_writel(s, 0xfebf0018, 0x4041);
    g_assert_cmphex(qtest_readl(s, 0xfebf0014), ==, 1);
    g_assert_cmphex(qtest_readq(s, 0x2000), ==, 0x4041);
    qtest_writel(s, 0xfebf0008, 0x40000000);
    qtest_writel(s, 0xfebf0018, 0x4041);
    g_assert_cmphex(qtest_readl(s, 0xfebf0014), ==, 0);
    /* INTx shows in STATUS; INTX_DISABLE does not hide it there. */
    qtest_writel(s, 0xfebf001c, 1);
    g_assert_cmphex(cfg_readl(s, TEST_DEVFN, 0x04) >> 16, ==, 0x18);
    qtest_writel(s, 0xfebf001c, 0);
    g_assert_cmphex(cfg_readl(s, TEST_DEVFN, 0x04) >> 16, ==, 0x10);
    qtest_quit(s);
}

typedef struct {
    const char *machine;
    const char *route;          /* a guest's PIRQ routing, or NULL */
    int gsi;                    /* the GSI slot 5's INTA reaches */
} IntxCase;

static const IntxCase intx_cases[] = {
    /* PIIX: (pin + slot - 1) & 3, PIRQA, routed to IRQ 11 by 01.0 0x60 */
    { "pc", "outl 0xcf8 0x80000860\noutb 0xcfc 0xb", 11 },
    /* ICH9's default routing: (slot + pin) % 4 + 4, PIRQF, GSI 21 */
    { "q35", NULL, 21 },
};

/*
 * A function's INTx reaches the I/O APIC on the GSI the chipset's
 * routing gives it, as long as INTX_DISABLE lets it (tests/qtest/
 * test-ioapic.c compares the routing with QEMU's).
 */
static void test_device_intx(gconstpointer data)
{
    const IntxCase *c = data;
    QTestState *s = qtest_initf("-M %s -m 1G -device x-test-pci,addr=5 "
                                "-qtest", c->machine);

    qtest_irq_intercept_in(s, "ioapic");
    if (c->route) {
        g_auto(GStrv) lines = g_strsplit(c->route, "\n", 0);

        for (int i = 0; lines[i]; i++) {
            g_free(qtest_raw_command(s, "%s", lines[i]));
        }
    }
    cfg_writel(s, TEST_DEVFN, 0x10, 0xfebf0000);
    cfg_writew(s, TEST_DEVFN, 0x04, QMEM_TEST_COMMAND_MEMORY);
    g_assert_false(qtest_get_irq(s, c->gsi));
    qtest_writel(s, 0xfebf001c, 1);
    g_assert_true(qtest_get_irq(s, c->gsi));
    cfg_writew(s, TEST_DEVFN, 0x04, QMEM_TEST_COMMAND_MEMORY | 0x400);
    g_assert_false(qtest_get_irq(s, c->gsi));
    g_assert_cmphex(cfg_readl(s, TEST_DEVFN, 0x04) >> 16, ==, 0x18);
    cfg_writew(s, TEST_DEVFN, 0x04, QMEM_TEST_COMMAND_MEMORY);
    g_assert_true(qtest_get_irq(s, c->gsi));
    qtest_writel(s, 0xfebf001c, 0);
    g_assert_false(qtest_get_irq(s, c->gsi));
    qtest_quit(s);
}

/* A hot-plugged function's BARs go with it. */
static void test_device_unplug(void)
{
    QTestState *s = qtest_init("-M pc -m 1G -qtest");

    qtest_qmp_assert_success(s, "{'execute': 'device_add', 'arguments': "
                             "{'driver': 'x-test-pci', 'id': 't', "
                             "'addr': '5'}}");
    cfg_writel(s, TEST_DEVFN, 0x10, 0xfebf0000);
    cfg_writew(s, TEST_DEVFN, 0x04, QMEM_TEST_COMMAND_MEMORY);
    qtest_writel(s, 0xfebf0000, 0x12345678);
    g_assert_cmphex(qtest_readl(s, 0xfebf0000), ==, 0x12345678);
    qtest_qmp_assert_success(s, "{'execute': 'device_del', 'arguments': "
                             "{'id': 't'}}");
    qtest_qmp_eventwait(s, "DEVICE_DELETED");
    g_assert_cmphex(qtest_readl(s, 0xfebf0000), ==, 0);
    g_assert_cmphex(cfg_readl(s, TEST_DEVFN, 0), ==, 0xffffffff);
    qtest_quit(s);
}

/* ------------------------------------------------------------------ */
/* query-pci and info pci */

#define INFO_HOST_PC \
    "  Bus  0, device   0, function 0:\r\n" \
    "    Host bridge: PCI device 8086:1237\r\n" \
    "      PCI subsystem 1af4:1100\r\n" \
    "      id \"\"\r\n"
#define INFO_PIIX3 \
    "  Bus  0, device   1, function 0:\r\n" \
    "    ISA bridge: PCI device 8086:7000\r\n" \
    "      PCI subsystem 1af4:1100\r\n" \
    "      id \"\"\r\n"

static void test_info_pci(void)
{
    QTestState *s = qtest_init(VMEM "-device virtio-mem-pci,id=vm0,"
                               "memdev=m1 -qtest");
    g_autofree char *text = NULL;

    /* What the guest left in INTERRUPT_LINE shows as the IRQ. */
    qtest_outl(s, 0xcf8, 0x8000103c);
    qtest_outb(s, 0xcfc, 11);
    text = qtest_hmp(s, "info pci");
    g_assert_cmpstr(text, ==,
                    INFO_HOST_PC INFO_PIIX3
                    "  Bus  0, device   2, function 0:\r\n"
                    "    Class 0255: PCI device 1af4:1058\r\n"
                    "      PCI subsystem 1af4:1100\r\n"
                    "      IRQ 11, pin A\r\n"
                    "      BAR1: 32 bit memory at 0xffffffffffffffff "
                    "[0x00000ffe].\r\n"
                    "      BAR4: 64 bit prefetchable memory at "
                    "0xffffffffffffffff [0x00003ffe].\r\n"
                    "      id \"vm0\"\r\n");
    qtest_quit(s);
}

static int bdf_devfn(const char *bdf)
{
    unsigned int bus, slot, fn;

    g_assert_cmpint(sscanf(bdf, "%x:%x.%x", &bus, &slot, &fn), ==, 3);
    g_assert_cmpuint(bus, ==, 0);
    return slot << 3 | fn;
}

/*
 * The functions QEMU 7.2 has on the root bus that qmem does not model:
 * PIIX3's IDE (01.1) and ACPI (01.3), ICH9's SATA (1f.2) and SMBus (1f.3).
 */
static gboolean not_modelled(const char *bdf)
{
    return !strcmp(bdf, "00:01.1") || !strcmp(bdf, "00:01.3") ||
           !strcmp(bdf, "00:1f.2") || !strcmp(bdf, "00:1f.3");
}

/*
 * A capture's case and qmem's command line for it: the capture's own, or
 * where QEMU 7.2 has no such device (virtio-mem-pci with MSI-X vectors,
 * which QEMU 10.0 added), qmem's line whose function must read as the
 * capture's function at the same place but for @device_id.
 */
typedef struct {
    const char *name;               /* the capture's case */
    gboolean queries;               /* whether it has query-pci, info pci */
    const char *args;               /* NULL: the capture's */
    guint16 device_id;              /* 0: the capture's */
} RefCase;

#define MSIX_ARGS(machine, vectors) \
    "-machine " machine " -m 1G,maxmem=4G " \
    "-object memory-backend-ram,id=m1,size=1G " \
    "-device virtio-mem-pci,memdev=m1,bus=pci.0,addr=0x5" vectors

static const RefCase ref_cases[] = {
    { "pc-pci", TRUE },
    { "q35-pci", TRUE },
    { "pc-virtio-mem", FALSE },
    { "q35-virtio-mem", FALSE },
    { "pmem-pc", FALSE },
    { "pmem-q35", FALSE },
    /* QEMU 10.2's virtio-mem-pci: two vectors by default, 0 up to 9.2. */
    { "pc-virtio-msix", FALSE, MSIX_ARGS("pc-i440fx-7.2", ",vectors=2"),
      0x1058 },
    { "pc-virtio-msix", FALSE, MSIX_ARGS("pc", ""), 0x1058 },
    { "pc-virtio-msix", FALSE, MSIX_ARGS("pc-i440fx-10.0", ""), 0x1058 },
};

static const char *ref_case_path(const RefCase *rc)
{
    if (!rc->args) {
        return rc->name;
    }
    return strstr(rc->args, "vectors") ? "virtio-mem-pci-vectors=2" :
           strstr(rc->args, "10.0") ? "virtio-mem-pci-10.0" :
           "virtio-mem-pci-pc";
}

/* The capture's byte, with the device id of qmem's device in its place. */
static guint8 expected_byte(const RefCase *rc, guint off, guint8 qemu)
{
    if (rc->device_id && off == QMEM_PCI_DEVICE_ID_OFF) {
        return rc->device_id & 0xff;
    }
    if (rc->device_id && off == QMEM_PCI_DEVICE_ID_OFF + 1) {
        return rc->device_id >> 8;
    }
    return qemu;
}

static void compare_function(QTestState *s, const RefCase *rc,
                             const char *bdf, JsonObject *fn)
{
    JsonArray *config = json_object_get_array_member(fn, "config");
    JsonArray *bars = json_object_get_array_member(fn, "bars");
    int devfn = bdf_devfn(bdf);

    for (guint off = 0; off < 256; off += 4) {
        guint32 got = cfg_readl(s, devfn, off);

        for (guint i = 0; i < 4; i++) {
            guint8 qemu = json_array_get_int_element(config, off + i);
            guint8 expected = not_modelled(bdf) ? 0xff :
                              expected_byte(rc, off + i, qemu);

            if (((got >> (8 * i)) & 0xff) != expected) {
                g_error("%s config[0x%02x] is 0x%02x, QEMU's 0x%02x "
                        "(expected 0x%02x)", bdf, off + i,
                        (got >> (8 * i)) & 0xff, qemu, expected);
            }
        }
    }
    /* BAR size masks, as the guest sizes them. */
    for (guint bar = 0; bar < 6 && !not_modelled(bdf); bar++) {
        guint32 old = cfg_readl(s, devfn, 0x10 + 4 * bar);
        gint64 qemu = json_array_get_int_element(bars, bar);

        qtest_outl(s, 0xcfc, 0xffffffff);
        g_assert_cmphex(qtest_inl(s, 0xcfc), ==, qemu);
        qtest_outl(s, 0xcfc, old);
    }
}

/* The config bytes qmem models read as QEMU 7.2's, for the same line. */
static void test_reference_config(gconstpointer data)
{
    const RefCase *rc = data;
    JsonObject *c = qemu_ref_case(rc->name);
    JsonObject *pci = json_object_get_object_member(c, "pci");
    g_autofree char *args = rc->args ? g_strdup_printf("%s -qtest", rc->args)
                                     : qemu_ref_case_args(c);
    QTestState *s = qtest_init(args);
    g_autoptr(GList) bdfs = json_object_get_members(pci);

    for (GList *l = bdfs; l; l = l->next) {
        compare_function(s, rc, l->data,
                         json_object_get_object_member(pci, l->data));
    }
    qtest_quit(s);
}

/* QEMU's query-pci without what qmem does not model. */
static JsonNode *expected_query_pci(JsonObject *c)
{
    JsonNode *q = json_node_copy(json_object_get_member(
        json_object_get_object_member(c, "qmp"), "query-pci"));
    JsonArray *devices = json_object_get_array_member(
        json_array_get_object_element(json_node_get_array(q), 0), "devices");

    for (guint i = json_array_get_length(devices); i-- > 0;) {
        JsonObject *d = json_array_get_object_element(devices, i);
        g_autofree char *bdf = g_strdup_printf(
            "00:%02x.%x", (int)json_object_get_int_member(d, "slot"),
            (int)json_object_get_int_member(d, "function"));

        if (not_modelled(bdf)) {
            json_array_remove_element(devices, i);
        }
    }
    return q;
}

/* QEMU's info pci text without those functions. */
static char *expected_info_pci(JsonObject *c)
{
    const char *text = json_object_get_string_member(
        json_object_get_object_member(c, "qmp"), "info pci");
    g_auto(GStrv) lines = g_strsplit(text, "\r\n", -1);
    GString *out = g_string_new(NULL);
    gboolean skip = FALSE;

    for (char **l = lines; *l && **l; l++) {
        unsigned int bus, slot, fn;

        if (sscanf(*l, "  Bus %u, device %u, function %u:", &bus, &slot,
                   &fn) == 3) {
            g_autofree char *bdf = g_strdup_printf("00:%02x.%x", slot, fn);

            skip = not_modelled(bdf);
        }
        if (!skip) {
            g_string_append_printf(out, "%s\r\n", *l);
        }
    }
    return g_string_free(out, FALSE);
}

static void test_reference_queries(gconstpointer data)
{
    const RefCase *rc = data;
    JsonObject *c = qemu_ref_case(rc->name);
    g_autofree char *args = qemu_ref_case_args(c);
    QTestState *s = qtest_init(args);
    g_autoptr(JsonNode) expected = expected_query_pci(c);
    JsonNode *got = qtest_qmp_assert_success_ref(s,
                                                 "{'execute': 'query-pci'}");
    g_autofree char *info = qtest_hmp(s, "info pci");
    g_autofree char *expected_info = expected_info_pci(c);

    if (!json_node_equal(got, expected)) {
        g_autofree char *a = json_to_string(got, TRUE);
        g_autofree char *b = json_to_string(expected, TRUE);

        g_error("query-pci: %s\nexpected (QEMU's): %s", a, b);
    }
    g_assert_cmpstr(info, ==, expected_info);
    json_node_unref(got);
    qtest_quit(s);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);

    for (gsize i = 0; i < G_N_ELEMENTS(scripts); i++) {
        g_autofree char *path = g_strdup_printf("/pci/guest/%s",
                                                scripts[i].name);

        g_test_add_data_func(path, &scripts[i], test_script);
    }
    for (gsize i = 0; i < G_N_ELEMENTS(cmdline_cases); i++) {
        g_autofree char *path = g_strdup_printf("/pci/cmdline/%zu", i);

        g_test_add_data_func(path, &cmdline_cases[i], test_cmdline_case);
    }
    g_test_add_func("/pci/hotplug/pc", test_hotplug_pc);
    g_test_add_func("/pci/hotplug/q35", test_hotplug_q35);
    g_test_add_func("/pci/info-pci", test_info_pci);
    g_test_add_func("/pci/device/bars", test_device_bars);
    g_test_add_func("/pci/device/dma", test_device_dma);
    g_test_add_func("/pci/device/unplug", test_device_unplug);
    for (gsize i = 0; i < G_N_ELEMENTS(intx_cases); i++) {
        g_autofree char *path = g_strdup_printf("/pci/device/intx/%s",
                                                intx_cases[i].machine);

        g_test_add_data_func(path, &intx_cases[i], test_device_intx);
    }
    for (gsize i = 0; i < G_N_ELEMENTS(ref_cases); i++) {
        g_autofree char *path = g_strdup_printf("/pci/qemu-7.2/config/%s",
                                                ref_case_path(&ref_cases[i]));

        g_autofree char *queries = g_strdup_printf(
            "/pci/qemu-7.2/queries/%s", ref_cases[i].name);

        g_test_add_data_func(path, &ref_cases[i], test_reference_config);
        if (ref_cases[i].queries) {
            g_test_add_data_func(queries, &ref_cases[i],
                                 test_reference_queries);
        }
    }
    return g_test_run();
}
