/* SPDX-License-Identifier: GPL-2.0-or-later */
/* HMAT: -machine hmat, -numa initiator/hmat-lb/hmat-cache, the ACPI HMAT. */

/*
 * The reference is tests/qemu-ref/qemu-7.2.json: QEMU 7.2's stderr for
 * the command lines of "cmdline-hmat", and its HMAT for the fw-*-hmat*
 * cases (tests/qemu-ref/capture.py).  test-fw-cfg compares those cases'
 * every table too; here the HMAT is read as a guest's firmware loads it,
 * compared, and disassembled by iasl.
 */

#include <string.h>
#include <glib/gstdio.h>
#include "fw-cfg-guest.h"
#include "iasl.h"
#include "libqtest.h"
#include "qemu-ref.h"

#define QEMU_PROG "qemu-system-x86_64: "
#define QMEM_PROG "qmem-run: "

/* QEMU's stderr with qmem-run's name where QEMU's starts a line. */
static char *as_qmem(const char *qemu_err)
{
    g_auto(GStrv) lines = g_strsplit(qemu_err, "\n", -1);
    GString *out = g_string_new(NULL);

    for (guint i = 0; lines[i]; i++) {
        const char *line = lines[i];

        if (g_str_has_prefix(line, QEMU_PROG)) {
            g_string_append(out, QMEM_PROG);
            line += strlen(QEMU_PROG);
        }
        g_string_append(out, line);
        if (lines[i + 1]) {
            g_string_append_c(out, '\n');
        }
    }
    return g_string_free(out, FALSE);
}

static void test_cmdline(gconstpointer data)
{
    JsonArray *c = (JsonArray *)data;
    const char *options = json_array_get_string_element(c, 0);
    g_autofree char *expected = as_qmem(json_array_get_string_element(c, 1));
    g_autofree char *args = g_strdup_printf("-accel qtest -S %s -device nope",
                                            options);
    g_autofree char *out = NULL;
    g_autofree char *err = NULL;
    int status;

    qtest_run_cmdline(args, &out, &err, &status);
    g_assert_cmpstr(err, ==, expected);
    g_assert_cmpstr(out, ==, "");
    g_assert_cmpint(status, ==, json_array_get_int_element(c, 2));
}

/* The HMAT of qmem-run with the case's options, as the firmware loads it. */
static GBytes *load_hmat(JsonObject *ref)
{
    g_autofree char *args = qemu_ref_case_args(ref);
    QTestState *s = qtest_init(args);
    GBytes *hmat;
    guint64 rsdp;

    g_assert_cmpuint(qacpi_load(s, 16 << 20), >, 0);
    rsdp = qacpi_find_rsdp(s);
    g_assert_cmphex(rsdp, !=, 0);
    hmat = qacpi_find_table(s, rsdp, "HMAT");
    qtest_quit(s);
    return hmat;
}

/* QEMU's bytes but for the checksum, which its firmware fills in. */
static void test_hmat_bytes(gconstpointer data)
{
    JsonObject *ref = qemu_ref_case(data);
    JsonObject *tables = json_object_get_object_member(
        json_object_get_object_member(ref, "acpi"), "tables");
    g_autoptr(GBytes) theirs = qemu_ref_unhex(
        json_object_get_string_member(tables, "HMAT"));
    g_autoptr(GBytes) mine = load_hmat(ref);
    g_autofree guint8 *copy = NULL;
    gsize len;

    g_assert_nonnull(mine);
    copy = g_bytes_unref_to_data(g_bytes_ref(mine), &len);
    g_assert_cmpuint(len, ==, g_bytes_get_size(theirs));
    copy[9] = 0;
    g_assert_cmpmem(copy, len, g_bytes_get_data(theirs, NULL), len);
}

/* iasl -d's text of @table, %NULL (the test skipped) without iasl. */
static char *hmat_disassemble(GBytes *table)
{
    g_autoptr(GError) error = NULL;
    g_autofree char *iasl = g_find_program_in_path("iasl");
    g_autofree char *dir = NULL;
    char *text;

    if (!iasl) {
        g_test_skip("iasl is not installed (Debian's acpica-tools)");
        return NULL;
    }
    dir = g_dir_make_tmp("qmem-hmat-XXXXXX", &error);
    g_assert_no_error(error);
    text = iasl_disassemble(iasl, dir, table, "hmat");
    iasl_remove_dir(dir);
    return text;
}

/*
 * The values of field @name in iasl's listing, in order, joined by ",":
 * lines are "[OFFSET ...] NAME : VALUE", or "NAME : VALUE" for the bits
 * it decodes.
 */
static char *field_values(const char *text, const char *name)
{
    g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
    g_autoptr(GString) out = g_string_new(NULL);

    for (guint i = 0; lines[i]; i++) {
        const char *line = lines[i];
        const char *colon = strstr(line, " : ");
        const char *bracket = strchr(line, ']');
        g_autofree char *field = NULL;

        if (!colon || g_str_has_prefix(line, " *")) {
            continue;
        }
        if (bracket && bracket < colon) {
            line = bracket + 1;
        }
        field = g_strstrip(g_strndup(line, colon - line));
        if (!strcmp(field, name)) {
            g_string_append_printf(out, "%s%s", out->len ? "," : "",
                                   colon + 3);
        }
    }
    return g_strdup(out->str);
}

#define ASSERT_FIELDS(text, name, values) \
    do { \
        g_autofree char *found_ = field_values(text, name); \
        g_test_message("%s", name); \
        g_assert_cmpstr(found_, ==, values); \
    } while (0)

#define MPDA "0000 [Memory Proximity Domain Attributes]"
#define LB "0001 [System Locality Latency and Bandwidth Information]"
#define CACHE "0002 [Memory Side Cache Information]"

/*
 * fw-q35-hmat as iasl reads it: three proximity domain structures (node
 * 2's initiator node 0), nine latency and bandwidth structures with their
 * base units and entries, the caches of node 0 and of node 2 at levels 1
 * to 3 (values worked out by hand from the options, then confirmed on
 * QEMU 7.2's table).
 */
static void test_iasl(void)
{
    g_autoptr(GBytes) hmat = load_hmat(qemu_ref_case("fw-q35-hmat"));
    g_autofree char *text = NULL;

    g_assert_nonnull(hmat);
    text = hmat_disassemble(hmat);
    if (!text) {
        return;
    }
    ASSERT_FIELDS(text, "Signature",
                  "\"HMAT\"    [Heterogeneous Memory Attributes Table]");
    ASSERT_FIELDS(text, "Table Length", "00000360");
    ASSERT_FIELDS(text, "Revision", "02");
    ASSERT_FIELDS(text, "Oem ID", "\"BOCHS \"");
    ASSERT_FIELDS(text, "Oem Table ID", "\"BXPC    \"");
    /* The firmware filled in the checksum. */
    g_assert_null(strstr(text, "Incorrect checksum"));
    ASSERT_FIELDS(text, "Structure Type",
                  MPDA "," MPDA "," MPDA "," LB "," LB "," LB "," LB ","
                  LB "," LB "," LB "," LB "," LB "," CACHE "," CACHE ","
                  CACHE "," CACHE);
    /* Domains, then the caches' domains. */
    ASSERT_FIELDS(text, "Processor Proximity Domain Valid", "1,1,1");
    ASSERT_FIELDS(text, "Attached Initiator Proximity Domain",
                  "00000000,00000001,00000000");
    ASSERT_FIELDS(text, "Memory Proximity Domain",
                  "00000000,00000001,00000002,00000000,00000002,00000002,"
                  "00000002");
    /* Memory: access, read, write latency, then the bandwidths; L1; L3. */
    ASSERT_FIELDS(text, "Memory Hierarchy", "0,0,0,0,0,0,1,1,3");
    ASSERT_FIELDS(text, "Data Type", "00,01,02,03,04,05,00,03,04");
    ASSERT_FIELDS(text, "Initiator Proximity Domains #",
                  "00000002,00000002,00000002,00000002,00000002,00000002,"
                  "00000002,00000002,00000002");
    ASSERT_FIELDS(text, "Target Proximity Domains #",
                  "00000003,00000003,00000003,00000003,00000003,00000003,"
                  "00000003,00000003,00000003");
    /*
     * Latency units in ps: 10 ns, 1 ns (25 is no multiple of 10), 1000 ns,
     * 1 ns; bandwidth units in MB/s: 256, 1 (3M), 1024, 4096, and 0 for
     * the third level, whose only bandwidth is 0 (base 1 B/s).
     */
    ASSERT_FIELDS(text, "Entry Base Unit",
                  "0000000000002710,00000000000003E8,00000000000F4240,"
                  "0000000000000100,0000000000000001,0000000000000400,"
                  "00000000000003E8,0000000000001000,0000000000000000");
    /* Initiator-major: [i0: t0 t1 t2, i1: t0 t1 t2] per structure. */
    ASSERT_FIELDS(text, "Entry",
                  "0001,0000,0003,0000,0001,0004,"
                  "000A,0019,0000,0000,0000,0000,"
                  "0000,0000,0001,0000,0000,0002,"
                  "0008,0000,0002,0000,0000,0001,"
                  "0000,0003,0000,0000,0060,0000,"
                  "0000,0000,0000,0001,0000,0000,"
                  "0000,0000,0003,0000,0000,0000,"
                  "0000,0000,0000,0000,0000,0001,"
                  "0000,0000,0000,0000,0000,0000");
    ASSERT_FIELDS(text, "Memory Side Cache Size",
                  "0000000000008000,0000000000002000,0000000000010000,"
                  "0000000000100000");
    ASSERT_FIELDS(text, "Cache Attributes (decoded below)",
                  "00202211,00000013,00402123,00801233");
    ASSERT_FIELDS(text, "Total Cache Levels", "1,3,3,3");
    ASSERT_FIELDS(text, "Cache Level", "1,1,2,3");
    ASSERT_FIELDS(text, "Cache Associativity", "2,0,1,2");
    ASSERT_FIELDS(text, "Write Policy", "2,0,2,1");
    ASSERT_FIELDS(text, "Cache Line Size", "0020,0000,0040,0080");
    ASSERT_FIELDS(text, "SMBIOS Handle #", "0000,0000,0000,0000");
}

int main(int argc, char **argv)
{
    g_autoptr(GList) names = NULL;
    JsonArray *cmdline;

    g_test_init(&argc, &argv, NULL);
    cmdline = json_object_get_array_member(qemu_ref_case("cmdline-hmat"),
                                           "cmdline");
    for (guint i = 0; i < json_array_get_length(cmdline); i++) {
        g_autofree char *path = g_strdup_printf("/hw/acpi/hmat/cmdline/%u",
                                                i);

        g_test_add_data_func(path, json_array_get_array_element(cmdline, i),
                             test_cmdline);
    }
    names = qemu_ref_case_names();
    for (GList *n = names; n; n = n->next) {
        g_autofree char *path = NULL;

        if (!g_str_has_prefix(n->data, "fw-") ||
            !strstr(n->data, "-hmat")) {
            continue;
        }
        path = g_strdup_printf("/hw/acpi/hmat/qemu/%s",
                               (const char *)n->data);
        g_test_add_data_func(path, n->data, test_hmat_bytes);
    }
    g_test_add_func("/hw/acpi/hmat/iasl", test_iasl);
    return g_test_run();
}
