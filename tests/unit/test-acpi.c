/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The BIOS linker/loader commands and the generic ACPI tables' bytes. */

/*
 * Byte layouts only; that pc's tables and script equal QEMU 7.2's is
 * tests/qtest/test-fw-cfg.c's job.
 */

#include <string.h>
#include "hw/acpi/aml-build.h"
#include "hw/acpi/bios-linker-loader.h"
#include "hw/acpi/pci.h"

static guint64 le(const guint8 *p, guint size)
{
    guint64 v = 0;

    for (guint i = 0; i < size; i++) {
        v |= (guint64)p[i] << (8 * i);
    }
    return v;
}

static const guint8 *command(QmemBiosLinker *linker, guint i)
{
    g_assert_cmpuint(linker->cmd_blob->len, >=, (i + 1) * 128);
    return linker->cmd_blob->data + i * 128;
}

/* 128-byte commands, ALLOCATEs first, QEMU's field offsets. */
static void test_linker_commands(void)
{
    QmemBiosLinker *linker = qmem_bios_linker_loader_init();
    g_autoptr(GByteArray) a = g_byte_array_new();
    g_autoptr(GByteArray) b = g_byte_array_new();
    const guint8 *e;

    g_byte_array_set_size(a, 64);
    memset(a->data, 0xaa, a->len);
    g_byte_array_set_size(b, 32);
    qmem_bios_linker_loader_alloc(linker, "a", a, 64, FALSE);
    qmem_bios_linker_loader_add_checksum(linker, "a", 8, 16, 9);
    qmem_bios_linker_loader_alloc(linker, "b", b, 16, TRUE);
    qmem_bios_linker_loader_add_pointer(linker, "a", 16, 8, "b", 0x1c);
    qmem_bios_linker_loader_write_pointer(linker, "w", 4, 4, "b", 3);
    g_assert_cmpuint(linker->cmd_blob->len, ==, 5 * 128);

    e = command(linker, 0);                        /* the later ALLOCATE */
    g_assert_cmpuint(le(e, 4), ==, QMEM_BIOS_LINKER_LOADER_COMMAND_ALLOCATE);
    g_assert_cmpstr((const char *)e + 4, ==, "b");
    g_assert_cmpuint(le(e + 60, 4), ==, 16);
    g_assert_cmpuint(e[64], ==, QMEM_BIOS_LINKER_LOADER_ALLOC_ZONE_FSEG);
    e = command(linker, 1);
    g_assert_cmpstr((const char *)e + 4, ==, "a");
    g_assert_cmpuint(le(e + 60, 4), ==, 64);
    g_assert_cmpuint(e[64], ==, QMEM_BIOS_LINKER_LOADER_ALLOC_ZONE_HIGH);

    e = command(linker, 2);
    g_assert_cmpuint(le(e, 4), ==,
                     QMEM_BIOS_LINKER_LOADER_COMMAND_ADD_CHECKSUM);
    g_assert_cmpuint(le(e + 60, 4), ==, 9);
    g_assert_cmpuint(le(e + 64, 4), ==, 8);
    g_assert_cmpuint(le(e + 68, 4), ==, 16);
    g_assert_cmphex(a->data[9], ==, 0);            /* the field, zeroed */

    e = command(linker, 3);
    g_assert_cmpuint(le(e, 4), ==, QMEM_BIOS_LINKER_LOADER_COMMAND_ADD_POINTER);
    g_assert_cmpstr((const char *)e + 4, ==, "a");
    g_assert_cmpstr((const char *)e + 60, ==, "b");
    g_assert_cmpuint(le(e + 116, 4), ==, 16);
    g_assert_cmpuint(e[120], ==, 8);
    /* The field holds the source offset until the firmware adds. */
    g_assert_cmphex(le(a->data + 16, 8), ==, 0x1c);

    e = command(linker, 4);
    g_assert_cmpuint(le(e, 4), ==,
                     QMEM_BIOS_LINKER_LOADER_COMMAND_WRITE_POINTER);
    g_assert_cmpstr((const char *)e + 4, ==, "w");
    g_assert_cmpuint(le(e + 116, 4), ==, 4);
    g_assert_cmpuint(le(e + 120, 4), ==, 3);
    g_assert_cmpuint(e[124], ==, 4);
    for (guint i = 125; i < 128; i++) {
        g_assert_cmpuint(e[i], ==, 0);
    }
    qmem_bios_linker_loader_cleanup(linker);
}

/* A header with QEMU's OEM fields; the loader sums it, or we do. */
static void test_table_header(void)
{
    QmemBiosLinker *linker = qmem_bios_linker_loader_init();
    g_autoptr(GByteArray) t = g_byte_array_new();
    QmemAcpiTable table = { .sig = "TEST", .rev = 7, .oem_id = "ABC" };
    QmemAcpiTable plain = { .sig = "PLAN", .rev = 2 };

    qmem_bios_linker_loader_alloc(linker, QMEM_ACPI_BUILD_TABLE_FILE, t, 64,
                                  FALSE);
    g_byte_array_append(t, (const guint8 *)"pad", 3);
    qmem_acpi_table_begin(&table, t);
    qmem_acpi_append_int(t, 0x0102, 2);
    qmem_acpi_table_end(linker, &table);
    g_assert_cmpuint(table.table_offset, ==, 3);
    g_assert_cmpuint(t->len, ==, 3 + 38);
    g_assert_cmpmem(t->data + 3, 4, "TEST", 4);
    g_assert_cmpuint(le(t->data + 7, 4), ==, 38);
    g_assert_cmpuint(t->data[11], ==, 7);
    g_assert_cmpuint(t->data[12], ==, 0);                    /* checksum */
    g_assert_cmpmem(t->data + 13, 6, "ABC\0\0\0", 6);        /* NUL-padded */
    g_assert_cmpmem(t->data + 19, 8, "BXPC    ", 8);
    g_assert_cmpuint(le(t->data + 27, 4), ==, 1);
    g_assert_cmpmem(t->data + 31, 4, "BXPC", 4);
    g_assert_cmpuint(le(t->data + 35, 4), ==, 1);
    g_assert_cmpuint(le(command(linker, 1) + 60, 4), ==, 3 + 9);
    g_assert_cmpuint(le(command(linker, 1) + 64, 4), ==, 3);
    g_assert_cmpuint(le(command(linker, 1) + 68, 4), ==, 38);

    /* Without a linker the checksum is computed. */
    qmem_acpi_table_begin(&plain, t);
    qmem_acpi_table_end(NULL, &plain);
    g_assert_cmpuint(qmem_acpi_checksum(t->data + plain.table_offset, 36),
                     ==, 0);
    g_assert_cmpmem(t->data + plain.table_offset + 10, 6, "BOCHS ", 6);
    qmem_bios_linker_loader_cleanup(linker);
}

static void test_rsdp(gconstpointer data)
{
    guint revision = GPOINTER_TO_UINT(data);
    QmemAcpiBuildTables tables;
    const guint offset = 0x123;
    const QmemAcpiRsdpData rsdp = {
        .revision = revision,
        .oem_id = "BOCHS ",
        .rsdt_tbl_offset = revision ? NULL : &offset,
        .xsdt_tbl_offset = revision ? &offset : NULL,
    };
    const guint8 *r;

    qmem_acpi_build_tables_init(&tables);
    g_byte_array_set_size(tables.table_data, 0x200);
    qmem_bios_linker_loader_alloc(tables.linker, QMEM_ACPI_BUILD_TABLE_FILE,
                                  tables.table_data, 64, FALSE);
    qmem_acpi_build_rsdp(tables.rsdp, tables.linker, &rsdp);
    r = tables.rsdp->data;
    g_assert_cmpuint(tables.rsdp->len, ==, revision ? 36 : 20);
    g_assert_cmpmem(r, 8, "RSD PTR ", 8);
    g_assert_cmpmem(r + 9, 6, "BOCHS ", 6);
    g_assert_cmpuint(r[15], ==, revision);
    g_assert_cmphex(le(r + 16, 4), ==, revision ? 0 : offset);
    /* The RSDP's own ALLOCATE, in FSEG, comes first. */
    g_assert_cmpstr((const char *)command(tables.linker, 0) + 4, ==,
                    QMEM_ACPI_BUILD_RSDP_FILE);
    g_assert_cmpuint(command(tables.linker, 0)[64], ==,
                     QMEM_BIOS_LINKER_LOADER_ALLOC_ZONE_FSEG);
    if (revision) {
        g_assert_cmpuint(le(r + 20, 4), ==, 36);
        g_assert_cmphex(le(r + 24, 8), ==, offset);
        /* 20-byte checksum, XSDT pointer, 36-byte checksum */
        g_assert_cmpuint(tables.linker->cmd_blob->len, ==, 5 * 128);
        g_assert_cmpuint(le(command(tables.linker, 4) + 68, 4), ==, 36);
    } else {
        g_assert_cmpuint(tables.linker->cmd_blob->len, ==, 4 * 128);
        g_assert_cmpuint(le(command(tables.linker, 3) + 68, 4), ==, 20);
    }
    qmem_acpi_build_tables_cleanup(&tables);
}

static void test_rsdt_xsdt(void)
{
    QmemAcpiBuildTables tables;
    g_autoptr(GArray) offsets = g_array_new(FALSE, TRUE, sizeof(guint32));
    guint32 values[] = { 0x10, 0x40 };
    const guint8 *p;

    qmem_acpi_build_tables_init(&tables);
    g_byte_array_set_size(tables.table_data, 0x80);
    qmem_bios_linker_loader_alloc(tables.linker, QMEM_ACPI_BUILD_TABLE_FILE,
                                  tables.table_data, 64, FALSE);
    g_array_append_vals(offsets, values, 2);
    qmem_acpi_build_rsdt(tables.table_data, tables.linker, offsets, NULL,
                         NULL);
    qmem_acpi_build_xsdt(tables.table_data, tables.linker, offsets, NULL,
                         NULL);
    p = tables.table_data->data + 0x80;
    g_assert_cmpmem(p, 4, "RSDT", 4);
    g_assert_cmpuint(le(p + 4, 4), ==, 44);
    g_assert_cmphex(le(p + 36, 4), ==, 0x10);
    g_assert_cmphex(le(p + 40, 4), ==, 0x40);
    p += 44;
    g_assert_cmpmem(p, 4, "XSDT", 4);
    g_assert_cmpuint(le(p + 4, 4), ==, 52);
    g_assert_cmphex(le(p + 36, 8), ==, 0x10);
    g_assert_cmphex(le(p + 44, 8), ==, 0x40);
    /* ALLOCATE, 2 pointers + checksum, 2 pointers + checksum */
    g_assert_cmpuint(tables.linker->cmd_blob->len, ==, 7 * 128);
    g_assert_cmpuint(command(tables.linker, 5)[120], ==, 8);
    qmem_acpi_build_tables_cleanup(&tables);
}

/* FADT revisions 1, 3, 5 and 6: their lengths and pointer fields. */
static void test_fadt(void)
{
    static const struct {
        guint8 rev, minor;
        guint len;
        guint pointers;
    } cases[] = {
        { 1, 0, 116, 2 }, { 3, 0, 244, 3 }, { 5, 1, 268, 3 },
        { 6, 0, 276, 3 },
    };

    for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
        QmemAcpiBuildTables tables;
        const guint facs = 0, dsdt = 64;
        QmemAcpiFadtData f = {
            .rev = cases[i].rev, .minor_ver = cases[i].minor,
            .flags = 0x80a5, .sci_int = 9, .smi_cmd = 0xb2,
            .facs_tbl_offset = &facs, .dsdt_tbl_offset = &dsdt,
            .xdsdt_tbl_offset = &dsdt,
        };
        const guint8 *p;

        qmem_acpi_build_tables_init(&tables);
        g_byte_array_set_size(tables.table_data, 128);
        qmem_bios_linker_loader_alloc(tables.linker,
                                      QMEM_ACPI_BUILD_TABLE_FILE,
                                      tables.table_data, 64, FALSE);
        qmem_acpi_build_fadt(tables.table_data, tables.linker, &f, NULL,
                             NULL);
        p = tables.table_data->data + 128;
        g_assert_cmpmem(p, 4, "FACP", 4);
        g_assert_cmpuint(le(p + 4, 4), ==, cases[i].len);
        g_assert_cmpuint(p[8], ==, cases[i].rev);
        g_assert_cmpuint(le(p + 40, 4), ==, 64);           /* DSDT */
        g_assert_cmpuint(le(p + 46, 2), ==, 9);            /* SCI_INT */
        g_assert_cmphex(le(p + 112, 4), ==, 0x80a5);       /* Flags */
        if (cases[i].rev > 1) {
            g_assert_cmpuint(le(p + 140, 8), ==, 64);      /* X_DSDT */
        }
        /* ALLOCATE, the pointers, the checksum */
        g_assert_cmpuint(tables.linker->cmd_blob->len, ==,
                         (2 + cases[i].pointers) * 128);
        qmem_acpi_build_tables_cleanup(&tables);
    }
}

static void test_mcfg(void)
{
    g_autoptr(GByteArray) t = g_byte_array_new();
    const QmemAcpiMcfgInfo info = { 0xb0000000, 256 << 20 };
    static const guint8 body[] = {
        0, 0, 0, 0, 0, 0, 0, 0,                         /* reserved */
        0, 0, 0, 0xb0, 0, 0, 0, 0,                      /* base */
        0, 0, 0, 0xff, 0, 0, 0, 0,                      /* segment, buses */
    };

    qmem_acpi_build_mcfg(t, NULL, &info, NULL, NULL);
    g_assert_cmpuint(t->len, ==, 60);
    g_assert_cmpmem(t->data, 4, "MCFG", 4);
    g_assert_cmpmem(t->data + 36, 24, body, 24);
    g_assert_cmpuint(qmem_acpi_checksum(t->data, t->len), ==, 0);
}

static void test_align_size(void)
{
    g_autoptr(GByteArray) t = g_byte_array_new();

    g_byte_array_append(t, (const guint8 *)"x", 1);
    qmem_acpi_align_size(t, 0x1000);
    g_assert_cmpuint(t->len, ==, 0x1000);
    g_assert_cmpuint(t->data[1], ==, 0);
    g_assert_cmpuint(t->data[0xfff], ==, 0);
    qmem_acpi_align_size(t, 0x1000);
    g_assert_cmpuint(t->len, ==, 0x1000);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/hw/acpi/bios-linker-loader/commands",
                    test_linker_commands);
    g_test_add_func("/hw/acpi/aml-build/header", test_table_header);
    g_test_add_data_func("/hw/acpi/aml-build/rsdp/rev0", GUINT_TO_POINTER(0),
                         test_rsdp);
    g_test_add_data_func("/hw/acpi/aml-build/rsdp/rev2", GUINT_TO_POINTER(2),
                         test_rsdp);
    g_test_add_func("/hw/acpi/aml-build/rsdt-xsdt", test_rsdt_xsdt);
    g_test_add_func("/hw/acpi/aml-build/fadt", test_fadt);
    g_test_add_func("/hw/acpi/pci/mcfg", test_mcfg);
    g_test_add_func("/hw/acpi/aml-build/align-size", test_align_size);
    return g_test_run();
}
