/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ACPI memory hotplug on pc and q35 as a guest drives it, against QEMU. */

/*
 * The reference is tests/qemu-ref/qemu-7.2.json (tests/qemu-ref/
 * capture.py):
 *
 * - the "script" of a case is what a guest's ACPI driver and a management
 *   tool do (port accesses to the memory hotplug block and GPE0, guest
 *   memory, device_add, device_del, the eject, object-del, _OST), each
 *   with what QEMU 7.2 answered and the events it sent; qmem-run replays
 *   it and must answer the same, value for value and message for message;
 * - the DSDT of every case: qmem's \_SB.PCI0 device, its _GPE scope and
 *   the memory hotplug AML (Device \_SB.PCI0.MHPD, Device \_SB.MHPC and
 *   Method \_GPE._E03) must be QEMU's bytes;
 * - iasl (acpica-tools) must disassemble qmem's DSDT and compile the
 *   result again without errors.
 */

#include <string.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include "fw-cfg-guest.h"
#include "iasl.h"
#include "libqtest.h"
#include "qemu-ref.h"

/* AML: terms by their package lengths (ACPI 20.2.4) */

static gsize pkg_length(const guint8 *p, gsize *len)
{
    gsize n = p[0] >> 6;

    if (!n) {
        *len = p[0] & 0x3f;
        return 1;
    }
    *len = p[0] & 0x0f;
    for (gsize i = 0; i < n; i++) {
        *len |= (gsize)p[1 + i] << (4 + 8 * i);
    }
    return n + 1;
}

/* The end of the term at @off: [ExtOpPrefix] Op PkgLength ... */
static gsize term_end(const guint8 *aml, gsize off)
{
    gsize len;

    if (aml[off] == 0x5b) {
        off++;
    }
    pkg_length(aml + off + 1, &len);
    return off + 1 + len;
}

/*
 * The first term with opcode @op (1 or 2 bytes) whose name string is
 * @name, as bytes of @aml from @start; -1 if there is none.
 */
static gssize find_term(GBytes *aml, gsize start, const char *op,
                        const char *name, gsize name_len)
{
    gsize size;
    const guint8 *p = g_bytes_get_data(aml, &size);
    gsize op_len = strlen(op);

    for (gsize off = start; off + op_len + 1 + name_len < size; off++) {
        gsize len, n;

        if (memcmp(p + off, op, op_len)) {
            continue;
        }
        n = pkg_length(p + off + op_len, &len);
        if (off + op_len + n + name_len <= size &&
            !memcmp(p + off + op_len + n, name, name_len)) {
            return off;
        }
    }
    return -1;
}

/* @count terms from the one found, as hex; %NULL when none was found. */
static char *terms(GBytes *aml, const char *op, const char *name,
                   gsize name_len, guint count)
{
    const guint8 *p = g_bytes_get_data(aml, NULL);
    gssize start = find_term(aml, 36, op, name, name_len);
    gsize end;
    GString *hex;

    if (start < 0) {
        return NULL;
    }
    end = start;
    for (guint i = 0; i < count; i++) {
        end = term_end(p, end);
    }
    g_assert_cmpuint(end, <=, g_bytes_get_size(aml));
    hex = g_string_new(NULL);
    for (gsize i = start; i < end; i++) {
        g_string_append_printf(hex, "%02x", p[i]);
    }
    return g_string_free(hex, FALSE);
}

/* qmem's DSDT, as a guest driver reads it from "etc/acpi/tables". */
static GBytes *qmem_dsdt(QTestState *s)
{
    g_autoptr(GBytes) tables = NULL;
    const guint8 *p;
    gsize len, off = 0;
    guint16 select;
    guint32 size;

    g_assert_true(qfw_cfg_find_file(s, "etc/acpi/tables", &select, &size));
    tables = qfw_cfg_dma_get(s, select, size);
    p = g_bytes_get_data(tables, &len);
    while (off + 8 <= len) {
        guint32 tlen = p[off + 4] | p[off + 5] << 8 | p[off + 6] << 16 |
                       (guint32)p[off + 7] << 24;

        g_assert_cmpuint(tlen, >=, 36);
        if (!memcmp(p + off, "DSDT", 4)) {
            return g_bytes_new_from_bytes(tables, off, tlen);
        }
        off += tlen;
    }
    g_assert_not_reached();
}

#define MHPD_NAME "\\/\x03_SB_PCI0MHPD"

static void test_dsdt(gconstpointer data)
{
    static const struct {
        const char *what;
        const char *op;
        const char *name;
        gsize name_len;
        guint count;
    } parts[] = {
        { "Device (PCI0)", "\x5b\x82", "PCI0", 4, 1 },
        { "Scope (_GPE)", "\x10", "_GPE", 4, 1 },
        { "memory hotplug", "\x5b\x82", MHPD_NAME, sizeof(MHPD_NAME) - 1,
          3 },
    };
    JsonObject *ref = qemu_ref_case(data);
    JsonObject *tables = json_object_get_object_member(
        json_object_get_object_member(ref, "acpi"), "tables");
    g_autoptr(GBytes) theirs = qemu_ref_unhex(
        json_object_get_string_member(tables, "DSDT"));
    g_autofree char *args = qemu_ref_case_args(ref);
    QTestState *s = qtest_init(args);
    g_autoptr(GBytes) mine = qmem_dsdt(s);
    g_autofree char *pci0 = NULL;

    for (gsize i = 0; i < G_N_ELEMENTS(parts); i++) {
        g_autofree char *a = terms(mine, parts[i].op, parts[i].name,
                                   parts[i].name_len, parts[i].count);
        g_autofree char *b = terms(theirs, parts[i].op, parts[i].name,
                                   parts[i].name_len, parts[i].count);

        g_test_message("%s", parts[i].what);
        g_assert_cmpstr(a, ==, b);
    }
    /* Every case has the root bridge; memhp-* have the slots. */
    pci0 = terms(mine, "\x5b\x82", "PCI0", 4, 1);
    g_assert_nonnull(pci0);
    qtest_quit(s);
}

static void test_iasl(void)
{
    g_autoptr(GError) error = NULL;
    g_autofree char *iasl = g_find_program_in_path("iasl");
    g_autofree char *dir = NULL;
    g_autofree char *text = NULL;
    g_autofree char *args = NULL;
    g_autoptr(GBytes) dsdt = NULL;
    QTestState *s;

    if (!iasl) {
        g_test_skip("iasl is not installed (Debian's acpica-tools)");
        return;
    }
    args = qemu_ref_case_args(qemu_ref_case("memhp-q35"));
    s = qtest_init(args);
    dsdt = qmem_dsdt(s);
    qtest_quit(s);

    dir = g_dir_make_tmp("qmem-iasl-XXXXXX", &error);
    g_assert_no_error(error);
    text = iasl_disassemble(iasl, dir, dsdt, "dsdt");
    g_assert_nonnull(strstr(text, "Device (\\_SB.MHPC)"));
    g_assert_nonnull(strstr(text, "Device (MP02)"));
    g_assert_nonnull(strstr(text, "Method (\\_GPE._E03, 0, NotSerialized)"));
    /* Compiled again, into dsdt.aml: no errors. */
    iasl_assert_compiles(iasl, dir, "dsdt.dsl");

    iasl_remove_dir(dir);
}

int main(int argc, char **argv)
{
    g_autoptr(GList) names = NULL;
    int ret;

    g_test_init(&argc, &argv, NULL);
    names = qemu_ref_case_names();
    for (GList *n = names; n; n = n->next) {
        JsonObject *c = qemu_ref_case(n->data);
        g_autofree char *path = NULL;

        /* The other scripts are other tests' (test-ioapic.c, ...). */
        if (json_object_has_member(c, "script") &&
            g_str_has_prefix(n->data, "memhp-")) {
            path = g_strdup_printf("/hw/acpi/memory_hotplug/qemu/%s/script",
                                   (const char *)n->data);
            g_test_add_data_func(path, n->data, qemu_ref_replay_script);
            g_clear_pointer(&path, g_free);
        }
        if (json_object_has_member(c, "acpi")) {
            path = g_strdup_printf("/hw/acpi/memory_hotplug/qemu/%s/dsdt",
                                   (const char *)n->data);
            g_test_add_data_func(path, n->data, test_dsdt);
        }
    }
    g_test_add_func("/hw/acpi/memory_hotplug/dsdt/iasl", test_iasl);
    ret = g_test_run();
    return ret;
}
