/* SPDX-License-Identifier: GPL-2.0-or-later */
/* nvdimm through qmem-run: against QEMU 7.2, and its NFIT through iasl. */

/*
 * The NFIT, NVDIMM SSDT and SRAT bytes and the loader script of the
 * fw-*-nvdimm* cases are test-fw-cfg's; here: their query-memory-devices,
 * `info memory-devices` and qom-get, the nvdimm-* scripts (hot-plug, the
 * _DSM protocol, what device_add and device_del refuse), the command
 * line's errors in QEMU's words, and the NFIT and SSDT as iasl reads them
 * after a guest's loader patched them.
 */

#include <string.h>
#include <glib/gstdio.h>
#include "fw-cfg-guest.h"
#include "iasl.h"
#include "libqtest.h"
#include "qemu-ref.h"

/* The capture's "qmp" member: each command's or HMP line's return. */
static void test_queries(gconstpointer data)
{
    JsonObject *c = qemu_ref_case(data);
    JsonObject *qmp = json_object_get_object_member(c, "qmp");
    g_autofree char *args = qemu_ref_case_args(c);
    QTestState *s = qtest_init(args);
    g_autoptr(GList) lines = json_object_get_members(qmp);

    for (GList *l = lines; l; l = l->next) {
        const char *line = l->data;
        JsonNode *theirs = json_object_get_member(qmp, line);
        g_autoptr(JsonNode) mine = NULL;

        g_test_message("%s", line);
        if (strchr(line, ' ')) {
            g_autofree char *text = qtest_hmp(s, "%s", line);

            mine = json_node_new(JSON_NODE_VALUE);
            json_node_set_string(mine, text);
        } else {
            mine = qtest_qmp_assert_success_ref(s, "{'execute': '%s'}",
                                                line);
        }
        if (!json_node_equal(mine, theirs)) {
            g_autofree char *a = json_to_string(mine, TRUE);
            g_autofree char *b = json_to_string(theirs, TRUE);

            g_error("%s: %s\nexpected (QEMU's): %s", line, a, b);
        }
    }
    qtest_quit(s);
}

/* The command line: QEMU 7.2's texts, checked against its binary. */
typedef struct {
    const char *args;
    const char *err;
} CmdlineCase;

#define M "-m 1G,slots=2,maxmem=4G "
#define NV0 "-object memory-backend-ram,id=nv0,size=256M "
#define ERR(opt, text) "qmem-run: " opt ": " text "\n"

static const CmdlineCase cmdline_cases[] = {
    { "-machine pc " M NV0 "-device nvdimm,memdev=nv0",
      ERR("-device nvdimm,memdev=nv0",
          "nvdimm is not enabled: missing 'nvdimm' in '-M'") },
    { "-machine q35 " M NV0 "-device nvdimm,memdev=nv0",
      ERR("-device nvdimm,memdev=nv0",
          "nvdimm is not enabled: missing 'nvdimm' in '-M'") },
    { "-machine pc,nvdimm=on " M NV0 "-device nvdimm,memdev=nv0,label-size=1",
      ERR("-device nvdimm,memdev=nv0,label-size=1",
          "Property 'nvdimm.label-size' (0x1) is required at least "
          "0x20000") },
    { "-machine pc,nvdimm=on " M NV0 "-device nvdimm,memdev=nv0,uuid=xyz",
      ERR("-device nvdimm,memdev=nv0,uuid=xyz",
          "Property 'nvdimm.uuid' has invalid value") },
    { "-machine pc,nvdimm=on " M
      "-object memory-backend-ram,id=nv0,size=2M "
      "-device nvdimm,memdev=nv0,label-size=128K",
      ERR("-device nvdimm,memdev=nv0,label-size=128K",
          "the size of memdev nv0 (0x200000) is too small to contain nvdimm "
          "label (0x20000) and aligned PMEM (0x200000)") },
    { "-machine pc,nvdimm=on " M NV0
      "-device nvdimm,memdev=nv0,label-size=256M",
      ERR("-device nvdimm,memdev=nv0,label-size=256M",
          "the size of memdev nv0 (0x10000000) is too small to contain "
          "nvdimm label (0x10000000) and aligned PMEM (0x200000)") },
    { "-machine pc,nvdimm=on " M
      "-object memory-backend-file,id=nv0,size=256M,mem-path=@FILE@,"
      "readonly=on -device nvdimm,memdev=nv0",
      ERR("-device nvdimm,memdev=nv0",
          "'unarmed' property must be 'on' since memdev nv0 is read-only") },
    { "-machine pc,nvdimm=on -m 1G " NV0 "-device nvdimm,memdev=nv0",
      ERR("-device nvdimm,memdev=nv0",
          "no slots where allocated, please specify the 'slots' option") },
    { "-machine pc,nvdimm=on " M "-device nvdimm",
      ERR("-device nvdimm", "'memdev' property must be set") },
    { "-machine pc,nvdimm=on " M NV0
      "-device nvdimm,memdev=nv0,label-size=1M,unarmed=maybe",
      ERR("-device nvdimm,memdev=nv0,label-size=1M,unarmed=maybe",
          "Parameter 'unarmed' expects 'on' or 'off'") },
    { "-machine pc,nvdimm=on " M NV0
      "-device nvdimm,memdev=nv0,label-size=abc",
      ERR("-device nvdimm,memdev=nv0,label-size=abc",
          "Parameter 'label-size' expects size") },
    { "-machine pc,nvdimm-persistence=foo",
      "qmem-run: -machine nvdimm-persistence=foo: unsupported option\n" },
    { "-machine pc,nvdimm=maybe",
      "qmem-run: Parameter 'nvdimm' expects 'on' or 'off'\n" },
    /* JSON, as libvirt writes -device: QEMU's texts for JSON values. */
    { "-machine pc,nvdimm=on " M NV0
      "-device '{\"driver\":\"nvdimm\",\"id\":\"nv\",\"memdev\":\"nv0\","
      "\"label-size\":1}'",
      ERR("-device {\"driver\":\"nvdimm\",\"id\":\"nv\",\"memdev\":\"nv0\","
          "\"label-size\":1}",
          "Property 'nvdimm.label-size' (0x1) is required at least "
          "0x20000") },
    { "-machine pc,nvdimm=on " M NV0
      "-device '{\"driver\":\"nvdimm\",\"id\":\"nv\",\"memdev\":\"nv0\","
      "\"label-size\":\"128K\"}'",
      ERR("-device {\"driver\":\"nvdimm\",\"id\":\"nv\",\"memdev\":\"nv0\","
          "\"label-size\":\"128K\"}",
          "Parameter 'label-size' expects uint64") },
    { "-machine pc,nvdimm=on " M NV0
      "-device '{\"driver\":\"nvdimm\",\"id\":\"nv\",\"memdev\":\"nv0\","
      "\"uuid\":5}'",
      ERR("-device {\"driver\":\"nvdimm\",\"id\":\"nv\",\"memdev\":\"nv0\","
          "\"uuid\":5}",
          "Invalid parameter type for 'uuid', expected: string") },
    { "-machine pc,nvdimm=on " M NV0
      "-device '{\"driver\":\"nvdimm\",\"id\":\"nv\",\"memdev\":\"nv0\","
      "\"label-size\":131072,\"uuid\":"
      "\"4C1A6B3E-72F2-4E3B-9D0E-2A1B3C4D5E6F\",\"unarmed\":true}'", NULL },
    /* Read-only with unarmed=on starts. */
    { "-machine pc,nvdimm=on,nvdimm-persistence=mem-ctrl " M
      "-object memory-backend-file,id=nv0,size=256M,mem-path=@FILE@,"
      "readonly=on -device nvdimm,memdev=nv0,unarmed=on", NULL },
};

static void test_cmdline_case(gconstpointer data)
{
    const CmdlineCase *c = data;
    g_autoptr(GError) error = NULL;
    g_autofree char *dir = g_dir_make_tmp("qmem-nvdimm-XXXXXX", &error);
    g_autofree char *file = g_build_filename(dir, "nv0", NULL);
    g_autoptr(GString) args = g_string_new(c->args);
    g_autofree char *out = NULL;
    g_autofree char *err = NULL;
    int status;

    g_assert_no_error(error);
    g_assert_true(g_file_set_contents(file, "", 0, &error));
    g_assert_cmpint(truncate(file, 256 << 20), ==, 0);
    g_string_replace(args, "@FILE@", file, 0);
    if (!c->err) {
        QTestState *s = qtest_init(args->str);
        JsonNode *ret = qtest_qmp_assert_success_ref(
            s, "{'execute': 'query-memory-devices'}");

        g_assert_cmpuint(json_array_get_length(json_node_get_array(ret)), ==,
                         1);
        json_node_unref(ret);
        qtest_quit(s);
    } else {
        g_string_prepend(args, "-accel qtest -S -display none -nodefaults ");
        qtest_run_cmdline(args->str, &out, &err, &status);
        g_assert_cmpstr(err, ==, c->err);
        g_assert_cmpint(status, ==, 1);
    }
    g_assert_cmpint(g_unlink(file), ==, 0);
    g_assert_cmpint(g_rmdir(dir), ==, 0);
}

/* iasl */

/*
 * Asserts that the "Name : value" lines of @text hold @fields in this
 * order (others may come between): {name, value, ..., NULL}.
 */
static void assert_fields(const char *text, const char *const *fields)
{
    g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
    char **l = lines;

    for (const char *const *f = fields; *f; f += 2) {
        g_autofree char *want = g_strdup_printf("%s : %s", f[0], f[1]);

        while (*l && !strstr(*l, want)) {
            l++;
        }
        if (!*l) {
            g_error("iasl shows no \"%s\" after the fields before it", want);
        }
        l++;
    }
}

/* fw-q35-nvdimm-2's NFIT: two NVDIMMs, persistence "cpu". */
static const char *const nfit_fields[] = {
    "Signature", "\"NFIT\"",
    "Table Length", "000001A8",
    /* nvdimm0: slot 0, node 1, 512 MiB - 128 KiB aligned down to 2 MiB */
    "Subtable Type", "0000 [System Physical Address Range]",
    "Range Index", "0002",
    "Proximity Domain", "00000001",
    "Region Type GUID", "66F0D379-B4F3-4074-AC43-0D3318B78CDB",
    "Address Range Base", "0000000100000000",
    "Address Range Length", "000000001FE00000",
    "Memory Map Attribute", "0000000000008008",
    "Subtable Type", "0001 [Memory Range Map]",
    "Device Handle", "00000001",
    "Range Index", "0002",
    "Control Region Index", "0003",
    "Region Size", "000000001FE00000",
    "Interleave Ways", "0001",
    "Device not armed", "1",
    "Subtable Type", "0004 [NVDIMM Control Region]",
    "Region Index", "0003",
    "Vendor Id", "8086",
    "Serial Number", "00123456",
    "Code", "0301",
    /* nvdimm1: slot 3, node 0, right after nvdimm0 */
    "Subtable Type", "0000 [System Physical Address Range]",
    "Range Index", "0008",
    "Proximity Domain", "00000000",
    "Address Range Base", "000000011FE00000",
    "Address Range Length", "0000000010000000",
    "Subtable Type", "0001 [Memory Range Map]",
    "Device Handle", "00000004",
    "Control Region Index", "0009",
    "Device not armed", "0",
    "Subtable Type", "0004 [NVDIMM Control Region]",
    "Region Index", "0009",
    "Serial Number", "00123459",
    "Subtable Type", "0007 [Platform Capabilities]",
    "Highest Capability", "01",
    "Capabilities (decoded below)", "00000003",
    NULL,
};

static void test_iasl(void)
{
    g_autoptr(GError) error = NULL;
    g_autofree char *iasl = g_find_program_in_path("iasl");
    g_autofree char *args = NULL;
    g_autofree char *dir = NULL;
    g_autofree char *nfit_dsl = NULL;
    g_autofree char *ssdt_dsl = NULL;
    g_autoptr(GBytes) nfit = NULL;
    g_autoptr(GBytes) ssdt = NULL;
    QTestState *s;
    guint64 rsdp;

    if (!iasl) {
        g_test_skip("iasl is not installed (Debian's acpica-tools)");
        return;
    }
    /* As a guest: the loader run, the tables found from the RSDP. */
    args = qemu_ref_case_args(qemu_ref_case("fw-q35-nvdimm-2"));
    s = qtest_init(args);
    g_assert_cmpuint(qacpi_load(s, 16 << 20), >, 0);
    rsdp = qacpi_find_rsdp(s);
    g_assert_cmphex(rsdp, !=, 0);
    nfit = qacpi_find_table(s, rsdp, "NFIT");
    ssdt = qacpi_find_table(s, rsdp, "SSDT");
    g_assert_nonnull(nfit);
    g_assert_nonnull(ssdt);
    qtest_quit(s);

    dir = g_dir_make_tmp("qmem-iasl-XXXXXX", &error);
    g_assert_no_error(error);
    nfit_dsl = iasl_disassemble(iasl, dir, nfit, "nfit");
    g_assert_null(strstr(nfit_dsl, "Incorrect checksum"));
    assert_fields(nfit_dsl, nfit_fields);

    /* The SSDT: the root device, a device per slot, MEMA patched. */
    ssdt_dsl = iasl_disassemble(iasl, dir, ssdt, "ssdt");
    g_assert_null(strstr(ssdt_dsl, "Incorrect checksum"));
    g_assert_nonnull(strstr(ssdt_dsl, "Device (NVDR)"));
    g_assert_nonnull(strstr(ssdt_dsl, "Name (_HID, \"ACPI0012\""));
    g_assert_nonnull(strstr(ssdt_dsl, "Method (NCAL, 5, Serialized)"));
    g_assert_nonnull(strstr(ssdt_dsl, "Method (_FIT, 0, Serialized)"));
    g_assert_nonnull(strstr(ssdt_dsl, "Device (NV03)"));
    g_assert_null(strstr(ssdt_dsl, "Device (NV04)"));
    g_assert_nonnull(strstr(ssdt_dsl, "Method (_LSW, 3, Serialized)"));
    g_assert_null(strstr(ssdt_dsl, "Name (MEMA, 0x00000000)"));
    g_assert_nonnull(strstr(ssdt_dsl, "Name (MEMA, 0x"));
    /* Compiled again: no errors. */
    iasl_assert_compiles(iasl, dir, "ssdt.dsl");
    iasl_remove_dir(dir);
}

int main(int argc, char **argv)
{
    g_autoptr(GList) names = NULL;

    g_test_init(&argc, &argv, NULL);
    names = qemu_ref_case_names();
    for (GList *n = names; n; n = n->next) {
        JsonObject *c = qemu_ref_case(n->data);
        g_autofree char *path = NULL;

        if (g_str_has_prefix(n->data, "nvdimm-") &&
            json_object_has_member(c, "script")) {
            path = g_strdup_printf("/hw/mem/nvdimm/qemu/%s/script",
                                   (const char *)n->data);
            g_test_add_data_func(path, n->data, qemu_ref_replay_script);
        } else if (strstr(n->data, "nvdimm") &&
                   /* libvirt-*: test-libvirt-argv.py's command lines. */
                   !g_str_has_prefix(n->data, "libvirt-") &&
                   json_object_has_member(c, "qmp")) {
            path = g_strdup_printf("/hw/mem/nvdimm/qemu/%s/queries",
                                   (const char *)n->data);
            g_test_add_data_func(path, n->data, test_queries);
        }
    }
    for (gsize i = 0; i < G_N_ELEMENTS(cmdline_cases); i++) {
        g_autofree char *path = g_strdup_printf("/hw/mem/nvdimm/cmdline/%zu",
                                                i);

        g_test_add_data_func(path, &cmdline_cases[i], test_cmdline_case);
    }
    g_test_add_func("/hw/acpi/nvdimm/iasl", test_iasl);
    return g_test_run();
}
