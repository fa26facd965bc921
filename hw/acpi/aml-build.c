/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ACPI table bytes: headers, checksums, RSDP, RSDT/XSDT, FADT, SRAT, SLIT. */

#include <string.h>
#include "hw/acpi/acpi.h"
#include "hw/acpi/aml-build.h"

guint8 qmem_acpi_checksum(const guint8 *data, gsize len)
{
    guint8 sum = 0;

    for (gsize i = 0; i < len; i++) {
        sum += data[i];
    }
    return (guint8)(0 - sum);
}

void qmem_acpi_append_int(GByteArray *table, guint64 value, guint size)
{
    g_return_if_fail(size >= 1 && size <= 8);
    for (guint i = 0; i < size; i++) {
        guint8 byte = value >> (8 * i);

        g_byte_array_append(table, &byte, 1);
    }
}

void qmem_acpi_append_padded_str(GByteArray *table, const char *text,
                                 gsize width, char pad)
{
    gsize len = strlen(text);

    for (gsize i = 0; i < width; i++) {
        guint8 c = i < len ? text[i] : pad;

        g_byte_array_append(table, &c, 1);
    }
}

void qmem_acpi_table_begin(QmemAcpiTable *desc, GByteArray *array)
{
    g_return_if_fail(strlen(desc->sig) == 4);
    desc->array = array;
    desc->table_offset = array->len;

    g_byte_array_append(array, (const guint8 *)desc->sig, 4);
    qmem_acpi_append_int(array, 0, 4);             /* Length, at the end */
    qmem_acpi_append_int(array, desc->rev, 1);     /* Revision */
    qmem_acpi_append_int(array, 0, 1);             /* Checksum, at the end */
    qmem_acpi_append_padded_str(array, desc->oem_id ?: QMEM_ACPI_OEM_ID, 6,
                                '\0');
    qmem_acpi_append_padded_str(array,
                                desc->oem_table_id ?: QMEM_ACPI_OEM_TABLE_ID,
                                8, '\0');
    qmem_acpi_append_int(array, 1, 4);             /* OEM Revision */
    qmem_acpi_append_padded_str(array, QMEM_ACPI_CREATOR_ID, 4, '\0');
    qmem_acpi_append_int(array, 1, 4);             /* Creator Revision */
}

void qmem_acpi_table_end(QmemBiosLinker *linker, QmemAcpiTable *desc)
{
    const guint checksum_offset = 9;
    guint32 len = desc->array->len - desc->table_offset;
    guint8 *hdr = desc->array->data + desc->table_offset;

    for (guint i = 0; i < 4; i++) {
        hdr[4 + i] = len >> (8 * i);
    }
    if (linker) {
        qmem_bios_linker_loader_add_checksum(
            linker, QMEM_ACPI_BUILD_TABLE_FILE, desc->table_offset, len,
            desc->table_offset + checksum_offset);
    } else {
        hdr[checksum_offset] = 0;
        hdr[checksum_offset] = qmem_acpi_checksum(hdr, len);
    }
}

void qmem_acpi_build_tables_init(QmemAcpiBuildTables *tables)
{
    tables->table_data = g_byte_array_new();
    tables->rsdp = g_byte_array_new();
    tables->linker = qmem_bios_linker_loader_init();
}

void qmem_acpi_build_tables_cleanup(QmemAcpiBuildTables *tables)
{
    g_clear_pointer(&tables->linker, qmem_bios_linker_loader_cleanup);
    g_clear_pointer(&tables->table_data, g_byte_array_unref);
    g_clear_pointer(&tables->rsdp, g_byte_array_unref);
}

void qmem_acpi_add_table(GArray *table_offsets, GByteArray *table_data)
{
    guint32 offset = table_data->len;

    g_array_append_val(table_offsets, offset);
}

void qmem_acpi_align_size(GByteArray *blob, guint align)
{
    guint old = blob->len;

    g_byte_array_set_size(blob, (old + align - 1) / align * align);
    memset(blob->data + old, 0, blob->len - old);
}

/* ACPI 6.x 5.2.5.3 Root System Description Pointer */
void qmem_acpi_build_rsdp(GByteArray *tbl, QmemBiosLinker *linker,
                          const QmemAcpiRsdpData *rsdp_data)
{
    guint tbl_off = tbl->len;

    g_return_if_fail(rsdp_data->revision == 0 || rsdp_data->revision == 2);
    g_return_if_fail(rsdp_data->revision ? !!rsdp_data->xsdt_tbl_offset
                                         : !!rsdp_data->rsdt_tbl_offset);

    qmem_bios_linker_loader_alloc(linker, QMEM_ACPI_BUILD_RSDP_FILE, tbl, 16,
                                  TRUE);
    g_byte_array_append(tbl, (const guint8 *)"RSD PTR ", 8);
    qmem_acpi_append_int(tbl, 0, 1);                   /* Checksum */
    g_byte_array_append(tbl, (const guint8 *)rsdp_data->oem_id, 6);
    qmem_acpi_append_int(tbl, rsdp_data->revision, 1); /* Revision */
    qmem_acpi_append_int(tbl, 0, 4);                   /* RsdtAddress */
    if (rsdp_data->rsdt_tbl_offset) {
        qmem_bios_linker_loader_add_pointer(linker, QMEM_ACPI_BUILD_RSDP_FILE,
                                            tbl_off + 16, 4,
                                            QMEM_ACPI_BUILD_TABLE_FILE,
                                            *rsdp_data->rsdt_tbl_offset);
    }
    /* The ACPI 1.0 part: 20 bytes. */
    qmem_bios_linker_loader_add_checksum(linker, QMEM_ACPI_BUILD_RSDP_FILE,
                                         tbl_off, 20, 8);
    if (rsdp_data->revision == 0) {
        return;
    }

    qmem_acpi_append_int(tbl, 36, 4);                  /* Length */
    qmem_acpi_append_int(tbl, 0, 8);                   /* XsdtAddress */
    qmem_bios_linker_loader_add_pointer(linker, QMEM_ACPI_BUILD_RSDP_FILE,
                                        tbl_off + 24, 8,
                                        QMEM_ACPI_BUILD_TABLE_FILE,
                                        *rsdp_data->xsdt_tbl_offset);
    qmem_acpi_append_int(tbl, 0, 1);                   /* Extended Checksum */
    qmem_acpi_append_int(tbl, 0, 3);                   /* Reserved */
    qmem_bios_linker_loader_add_checksum(linker, QMEM_ACPI_BUILD_RSDP_FILE,
                                         tbl_off, 36, 32);
}

/* An RSDT or XSDT: one @entry_size-byte pointer per table. */
static void build_sdt(GByteArray *table_data, QmemBiosLinker *linker,
                      GArray *table_offsets, const char *sig,
                      guint entry_size, const char *oem_id,
                      const char *oem_table_id)
{
    QmemAcpiTable table = { .sig = sig, .rev = 1, .oem_id = oem_id,
                            .oem_table_id = oem_table_id };

    qmem_acpi_table_begin(&table, table_data);
    for (guint i = 0; i < table_offsets->len; i++) {
        guint32 ref = g_array_index(table_offsets, guint32, i);
        guint32 entry_offset = table_data->len;

        qmem_acpi_append_int(table_data, 0, entry_size);
        qmem_bios_linker_loader_add_pointer(linker,
                                            QMEM_ACPI_BUILD_TABLE_FILE,
                                            entry_offset, entry_size,
                                            QMEM_ACPI_BUILD_TABLE_FILE, ref);
    }
    qmem_acpi_table_end(linker, &table);
}

void qmem_acpi_build_rsdt(GByteArray *table_data, QmemBiosLinker *linker,
                          GArray *table_offsets, const char *oem_id,
                          const char *oem_table_id)
{
    build_sdt(table_data, linker, table_offsets, "RSDT", 4, oem_id,
              oem_table_id);
}

void qmem_acpi_build_xsdt(GByteArray *table_data, QmemBiosLinker *linker,
                          GArray *table_offsets, const char *oem_id,
                          const char *oem_table_id)
{
    build_sdt(table_data, linker, table_offsets, "XSDT", 8, oem_id,
              oem_table_id);
}

static void append_gas(GByteArray *tbl, const QmemAcpiGenericAddress *s)
{
    qmem_acpi_append_int(tbl, s->space_id, 1);
    qmem_acpi_append_int(tbl, s->bit_width, 1);
    qmem_acpi_append_int(tbl, s->bit_offset, 1);
    qmem_acpi_append_int(tbl, s->access_width, 1);
    qmem_acpi_append_int(tbl, s->address, 8);
}

/* A 32-bit pointer field into table_data, patched by the loader if any. */
static void append_table_pointer(GByteArray *tbl, QmemBiosLinker *linker,
                                 guint size, const guint *target)
{
    guint off = tbl->len;

    qmem_acpi_append_int(tbl, 0, size);
    if (target) {
        qmem_bios_linker_loader_add_pointer(linker,
                                            QMEM_ACPI_BUILD_TABLE_FILE, off,
                                            size, QMEM_ACPI_BUILD_TABLE_FILE,
                                            *target);
    }
}

/* The FADT up to its Flags field: every revision has it. */
static void build_fadt_rev1(GByteArray *tbl, QmemBiosLinker *linker,
                            const QmemAcpiFadtData *f)
{
    append_table_pointer(tbl, linker, 4, f->facs_tbl_offset);
    append_table_pointer(tbl, linker, 4, f->dsdt_tbl_offset);
    qmem_acpi_append_int(tbl, f->int_model, 1);  /* INT_MODEL / reserved */
    qmem_acpi_append_int(tbl, 0, 1);             /* Preferred_PM_Profile */
    qmem_acpi_append_int(tbl, f->sci_int, 2);
    qmem_acpi_append_int(tbl, f->smi_cmd, 4);
    qmem_acpi_append_int(tbl, f->acpi_enable_cmd, 1);
    qmem_acpi_append_int(tbl, f->acpi_disable_cmd, 1);
    qmem_acpi_append_int(tbl, 0, 1);             /* S4BIOS_REQ */
    qmem_acpi_append_int(tbl, 0, 1);             /* PSTATE_CNT */
    qmem_acpi_append_int(tbl, f->pm1a_evt.address, 4);
    qmem_acpi_append_int(tbl, 0, 4);             /* PM1b_EVT_BLK */
    qmem_acpi_append_int(tbl, f->pm1a_cnt.address, 4);
    qmem_acpi_append_int(tbl, 0, 4);             /* PM1b_CNT_BLK */
    qmem_acpi_append_int(tbl, 0, 4);             /* PM2_CNT_BLK */
    qmem_acpi_append_int(tbl, f->pm_tmr.address, 4);
    qmem_acpi_append_int(tbl, f->gpe0_blk.address, 4);
    qmem_acpi_append_int(tbl, 0, 4);             /* GPE1_BLK */
    qmem_acpi_append_int(tbl, f->pm1a_evt.bit_width / 8, 1);
    qmem_acpi_append_int(tbl, f->pm1a_cnt.bit_width / 8, 1);
    qmem_acpi_append_int(tbl, 0, 1);             /* PM2_CNT_LEN */
    qmem_acpi_append_int(tbl, f->pm_tmr.bit_width / 8, 1);
    qmem_acpi_append_int(tbl, f->gpe0_blk.bit_width / 8, 1);
    qmem_acpi_append_int(tbl, 0, 1);             /* GPE1_BLK_LEN */
    qmem_acpi_append_int(tbl, 0, 1);             /* GPE1_BASE */
    qmem_acpi_append_int(tbl, 0, 1);             /* CST_CNT */
    qmem_acpi_append_int(tbl, f->plvl2_lat, 2);
    qmem_acpi_append_int(tbl, f->plvl3_lat, 2);
    qmem_acpi_append_int(tbl, 0, 2);             /* FLUSH_SIZE */
    qmem_acpi_append_int(tbl, 0, 2);             /* FLUSH_STRIDE */
    qmem_acpi_append_int(tbl, 0, 1);             /* DUTY_OFFSET */
    qmem_acpi_append_int(tbl, 0, 1);             /* DUTY_WIDTH */
    qmem_acpi_append_int(tbl, 0, 1);             /* DAY_ALRM */
    qmem_acpi_append_int(tbl, 0, 1);             /* MON_ALRM */
    qmem_acpi_append_int(tbl, f->rtc_century, 1);
    /* IAPC_BOOT_ARCH, since ACPI 2.0 */
    qmem_acpi_append_int(tbl, f->rev == 1 ? 0 : f->iapc_boot_arch, 2);
    qmem_acpi_append_int(tbl, 0, 1);             /* Reserved */
    qmem_acpi_append_int(tbl, f->flags, 4);
}

void qmem_acpi_build_fadt(GByteArray *tbl, QmemBiosLinker *linker,
                          const QmemAcpiFadtData *f, const char *oem_id,
                          const char *oem_table_id)
{
    static const QmemAcpiGenericAddress none = { 0 };
    QmemAcpiTable table = { .sig = "FACP", .rev = f->rev, .oem_id = oem_id,
                            .oem_table_id = oem_table_id };

    qmem_acpi_table_begin(&table, tbl);
    build_fadt_rev1(tbl, linker, f);
    if (f->rev == 1) {
        goto done;
    }

    append_gas(tbl, &f->reset_reg);
    qmem_acpi_append_int(tbl, f->reset_val, 1);
    if (f->rev >= 6 || (f->rev == 5 && f->minor_ver > 0)) {
        qmem_acpi_append_int(tbl, f->arm_boot_arch, 2);
        qmem_acpi_append_int(tbl, f->minor_ver, 1);
    } else {
        qmem_acpi_append_int(tbl, 0, 3);         /* Reserved up to 5.0 */
    }
    qmem_acpi_append_int(tbl, 0, 8);             /* X_FIRMWARE_CTRL */
    append_table_pointer(tbl, linker, 8, f->xdsdt_tbl_offset);
    append_gas(tbl, &f->pm1a_evt);
    append_gas(tbl, &none);                      /* X_PM1b_EVT_BLK */
    append_gas(tbl, &f->pm1a_cnt);
    append_gas(tbl, &none);                      /* X_PM1b_CNT_BLK */
    append_gas(tbl, &none);                      /* X_PM2_CNT_BLK */
    append_gas(tbl, &f->pm_tmr);
    append_gas(tbl, &f->gpe0_blk);
    append_gas(tbl, &none);                      /* X_GPE1_BLK */
    if (f->rev <= 4) {
        goto done;
    }

    append_gas(tbl, &f->sleep_ctl);
    append_gas(tbl, &f->sleep_sts);
    if (f->rev == 5) {
        goto done;
    }
    /* Hypervisor Vendor Identity; later revisions' fields are not built. */
    qmem_acpi_append_padded_str(tbl, "QEMU", 8, '\0');
    g_warn_if_fail(f->rev == 6);

done:
    qmem_acpi_table_end(linker, &table);
}

/* ACPI 6.x 5.2.16.4 Memory Affinity Structure (QEMU's build_srat_memory). */
static void build_srat_memory(GByteArray *t, const QmemAcpiSratMem *m)
{
    qmem_acpi_append_int(t, 1, 1);                 /* Type */
    qmem_acpi_append_int(t, 40, 1);                /* Length */
    qmem_acpi_append_int(t, m->node, 4);           /* Proximity Domain */
    qmem_acpi_append_int(t, 0, 2);                 /* Reserved */
    qmem_acpi_append_int(t, m->base, 4);           /* Base Address Low */
    qmem_acpi_append_int(t, m->base >> 32, 4);     /* Base Address High */
    qmem_acpi_append_int(t, m->length, 4);         /* Length Low */
    qmem_acpi_append_int(t, m->length >> 32, 4);   /* Length High */
    qmem_acpi_append_int(t, 0, 4);                 /* Reserved */
    qmem_acpi_append_int(t, m->flags, 4);          /* Flags */
    qmem_acpi_append_int(t, 0, 8);                 /* Reserved */
}

static void build_srat_cpu(GByteArray *t, const QmemAcpiSratCpu *cpu)
{
    if (cpu->apic_id < 255) {
        /* 5.2.16.1 Processor Local APIC/SAPIC Affinity Structure */
        qmem_acpi_append_int(t, 0, 1);                 /* Type */
        qmem_acpi_append_int(t, 16, 1);                /* Length */
        qmem_acpi_append_int(t, cpu->node, 1);         /* Domain [7:0] */
        qmem_acpi_append_int(t, cpu->apic_id, 1);      /* APIC ID */
        qmem_acpi_append_int(t, 1, 4);                 /* Flags: enabled */
        qmem_acpi_append_int(t, 0, 1);                 /* SAPIC EID */
        qmem_acpi_append_int(t, cpu->node >> 8, 3);    /* Domain [31:8] */
        qmem_acpi_append_int(t, 0, 4);                 /* Clock Domain */
    } else {
        /* 5.2.16.3 Processor Local x2APIC Affinity Structure */
        qmem_acpi_append_int(t, 2, 1);                 /* Type */
        qmem_acpi_append_int(t, 24, 1);                /* Length */
        qmem_acpi_append_int(t, 0, 2);                 /* Reserved */
        qmem_acpi_append_int(t, cpu->node, 4);         /* Domain */
        qmem_acpi_append_int(t, cpu->apic_id, 4);      /* x2APIC ID */
        qmem_acpi_append_int(t, 1, 4);                 /* Flags: enabled */
        qmem_acpi_append_int(t, 0, 4);                 /* Clock Domain */
        qmem_acpi_append_int(t, 0, 4);                 /* Reserved */
    }
}

void qmem_acpi_build_srat(GByteArray *table_data, QmemBiosLinker *linker,
                          const QmemAcpiSratCpu *cpus, guint n_cpus,
                          const QmemAcpiSratMem *mem, guint n_mem)
{
    QmemAcpiTable table = { .sig = "SRAT", .rev = 1 };

    qmem_acpi_table_begin(&table, table_data);
    qmem_acpi_append_int(table_data, 1, 4);    /* Reserved: 1 for compat */
    qmem_acpi_append_int(table_data, 0, 8);    /* Reserved */
    for (guint i = 0; i < n_cpus; i++) {
        build_srat_cpu(table_data, &cpus[i]);
    }
    for (guint i = 0; i < n_mem; i++) {
        build_srat_memory(table_data, &mem[i]);
    }
    qmem_acpi_table_end(linker, &table);
}

void qmem_acpi_build_slit(GByteArray *table_data, QmemBiosLinker *linker,
                          const guint8 *distance, guint n_nodes)
{
    QmemAcpiTable table = { .sig = "SLIT", .rev = 1 };

    qmem_acpi_table_begin(&table, table_data);
    qmem_acpi_append_int(table_data, n_nodes, 8);  /* System Localities */
    g_byte_array_append(table_data, distance, n_nodes * n_nodes);
    qmem_acpi_table_end(linker, &table);
}
