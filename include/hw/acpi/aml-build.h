/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ACPI table bytes: headers, RSDP, RSDT/XSDT, FADT, SLIT, as QEMU's. */

#ifndef QMEM_HW_ACPI_AML_BUILD_H
#define QMEM_HW_ACPI_AML_BUILD_H

#include <glib.h>
#include "hw/acpi/bios-linker-loader.h"

G_BEGIN_DECLS

/* The fw_cfg files a firmware loads the tables from (QEMU's names). */
#define QMEM_ACPI_BUILD_TABLE_FILE "etc/acpi/tables"
#define QMEM_ACPI_BUILD_RSDP_FILE "etc/acpi/rsdp"
#define QMEM_ACPI_BUILD_LOADER_FILE "etc/table-loader"

/* QEMU's OEM fields: -machine oem-id / oem-table-id defaults, creator. */
#define QMEM_ACPI_OEM_ID "BOCHS "
#define QMEM_ACPI_OEM_TABLE_ID "BXPC    "
#define QMEM_ACPI_CREATOR_ID "BXPC"

#define QMEM_ACPI_TABLE_HEADER_SIZE 36

/**
 * qmem_acpi_checksum:
 * @data: bytes
 * @len: how many
 *
 * Returns: the byte that makes the sum of @data and it 0 modulo 256 (when
 *   @data's checksum field is 0).
 */
guint8 qmem_acpi_checksum(const guint8 *data, gsize len);

/**
 * qmem_acpi_append_int:
 * @table: the table
 * @value: a number
 * @size: its width in bytes (1 to 8), little-endian
 *
 * QEMU's build_append_int_noprefix().
 */
void qmem_acpi_append_int(GByteArray *table, guint64 value, guint size);

/* @text in @width bytes, cut or padded with @pad (build_append_padded_str). */
void qmem_acpi_append_padded_str(GByteArray *table, const char *text,
                                 gsize width, char pad);

/**
 * QmemAcpiTable:
 * @sig: the 4-character signature ("SRAT")
 * @rev: the table revision
 * @oem_id: (nullable): 6 bytes at most, %NULL for QMEM_ACPI_OEM_ID
 * @oem_table_id: (nullable): 8 bytes at most, %NULL for
 *   QMEM_ACPI_OEM_TABLE_ID
 * @array: set by qmem_acpi_table_begin(): where the table is built
 * @table_offset: set by qmem_acpi_table_begin(): where it starts
 *
 * QEMU's AcpiTable: a table under construction.
 */
typedef struct {
    const char *sig;
    guint8 rev;
    const char *oem_id;
    const char *oem_table_id;
    GByteArray *array;
    guint table_offset;
} QmemAcpiTable;

/**
 * qmem_acpi_table_begin:
 * @desc: the table; @array and @table_offset are set
 * @array: where it goes, at its end
 *
 * QEMU's acpi_table_begin(): appends the header with its OEM fields
 * (NUL-padded), OEM revision 1, creator "BXPC" revision 1, length and
 * checksum 0.
 */
void qmem_acpi_table_begin(QmemAcpiTable *desc, GByteArray *array);

/**
 * qmem_acpi_table_end:
 * @linker: (nullable): the loader script, or %NULL
 * @desc: what qmem_acpi_table_begin() filled in
 *
 * QEMU's acpi_table_end(): sets the length (up to the end of the array)
 * and asks the loader for the checksum of "etc/acpi/tables" over the
 * table.  Without a linker (a table on its own), computes it here.
 */
void qmem_acpi_table_end(QmemBiosLinker *linker, QmemAcpiTable *desc);

/**
 * QmemAcpiBuildTables:
 * @table_data: "etc/acpi/tables": every table but the RSDP
 * @rsdp: "etc/acpi/rsdp"
 * @linker: the loader script, "etc/table-loader"
 *
 * QEMU's AcpiBuildTables: one build of a board's tables.
 */
typedef struct {
    GByteArray *table_data;
    GByteArray *rsdp;
    QmemBiosLinker *linker;
} QmemAcpiBuildTables;

void qmem_acpi_build_tables_init(QmemAcpiBuildTables *tables);
void qmem_acpi_build_tables_cleanup(QmemAcpiBuildTables *tables);

/* Records where the next table of @table_data starts (acpi_add_table). */
void qmem_acpi_add_table(GArray *table_offsets, GByteArray *table_data);

/* Pads @blob with zeros to a multiple of @align (acpi_align_size). */
void qmem_acpi_align_size(GByteArray *blob, guint align);

/**
 * QmemAcpiRsdpData:
 * @revision: 0 (ACPI 1.0, RSDT only) or 2 (ACPI 2.0+, with XSDT)
 * @oem_id: 6 bytes
 * @xsdt_tbl_offset: (nullable): the XSDT's offset in table_data (rev 2)
 * @rsdt_tbl_offset: (nullable): the RSDT's (required for rev 0)
 */
typedef struct {
    guint8 revision;
    const char *oem_id;
    const guint *xsdt_tbl_offset;
    const guint *rsdt_tbl_offset;
} QmemAcpiRsdpData;

/**
 * qmem_acpi_build_rsdp:
 * @tbl: "etc/acpi/rsdp", empty
 *
 * QEMU's build_rsdp(): ALLOCATEs @tbl in FSEG (16-byte aligned) and
 * builds the RSDP with pointers and checksums for the loader.
 */
void qmem_acpi_build_rsdp(GByteArray *tbl, QmemBiosLinker *linker,
                          const QmemAcpiRsdpData *rsdp_data);

/**
 * qmem_acpi_build_rsdt:
 * @table_offsets: (element-type guint32): the tables' offsets in
 *   @table_data
 *
 * QEMU's build_rsdt(): a 32-bit pointer per table for the loader.
 */
void qmem_acpi_build_rsdt(GByteArray *table_data, QmemBiosLinker *linker,
                          GArray *table_offsets, const char *oem_id,
                          const char *oem_table_id);

/* QEMU's build_xsdt(): the same with 64-bit pointers. */
void qmem_acpi_build_xsdt(GByteArray *table_data, QmemBiosLinker *linker,
                          GArray *table_offsets, const char *oem_id,
                          const char *oem_table_id);

/* ACPI address spaces of a Generic Address Structure (AmlAddressSpace). */
#define QMEM_ACPI_AS_SYSTEM_MEMORY 0
#define QMEM_ACPI_AS_SYSTEM_IO 1

/**
 * QmemAcpiGenericAddress:
 *
 * ACPI's Generic Address Structure (QEMU's AcpiGenericAddress).
 */
typedef struct {
    guint8 space_id;
    guint8 bit_width;
    guint8 bit_offset;
    guint8 access_width;
    guint64 address;
} QmemAcpiGenericAddress;

/* FADT flags (ACPI 6.x table 5.10), bit numbers as QEMU's ACPI_FADT_F_*. */
enum {
    QMEM_ACPI_FADT_F_WBINVD = 0,
    QMEM_ACPI_FADT_F_PROC_C1 = 2,
    QMEM_ACPI_FADT_F_SLP_BUTTON = 5,
    QMEM_ACPI_FADT_F_RTC_S4 = 7,
    QMEM_ACPI_FADT_F_RESET_REG_SUP = 10,
    QMEM_ACPI_FADT_F_USE_PLATFORM_CLOCK = 15,
    QMEM_ACPI_FADT_F_FORCE_APIC_CLUSTER_MODEL = 18,
};

/**
 * QmemAcpiFadtData:
 *
 * What QEMU's build_fadt() writes (AcpiFadtData): revision 1, 3, 5 or 6
 * (minor version for 5.1 and later), the fixed hardware blocks and the
 * offsets of the FACS and DSDT in table_data (%NULL: no pointer).
 */
typedef struct {
    guint8 rev;
    guint8 minor_ver;
    guint32 flags;
    guint16 plvl2_lat;
    guint16 plvl3_lat;
    guint16 arm_boot_arch;
    guint16 iapc_boot_arch;
    guint8 sci_int;
    guint8 int_model;
    guint32 smi_cmd;
    guint8 acpi_enable_cmd;
    guint8 acpi_disable_cmd;
    guint8 rtc_century;
    QmemAcpiGenericAddress pm1a_cnt;
    QmemAcpiGenericAddress pm1a_evt;
    QmemAcpiGenericAddress gpe0_blk;
    QmemAcpiGenericAddress pm_tmr;
    QmemAcpiGenericAddress reset_reg;
    guint8 reset_val;
    QmemAcpiGenericAddress sleep_ctl;
    QmemAcpiGenericAddress sleep_sts;
    const guint *facs_tbl_offset;
    const guint *dsdt_tbl_offset;
    const guint *xdsdt_tbl_offset;
} QmemAcpiFadtData;

/* QEMU's build_fadt() ("FACP"). */
void qmem_acpi_build_fadt(GByteArray *tbl, QmemBiosLinker *linker,
                          const QmemAcpiFadtData *f, const char *oem_id,
                          const char *oem_table_id);

G_END_DECLS

#endif
