/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ACPI table bytes: headers, checksums, SRAT/SLIT entries, RSDP/RSDT/XSDT. */

#include <string.h>
#include "hw/acpi/acpi.h"
#include "util/error.h"
#include "util/range.h"

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

/* A fixed-width text field, padded with spaces as QEMU pads it. */
static void append_padded(GByteArray *table, const char *text, gsize width)
{
    gsize len = strlen(text);

    for (gsize i = 0; i < width; i++) {
        guint8 c = i < len ? text[i] : ' ';

        g_byte_array_append(table, &c, 1);
    }
}

guint qmem_acpi_table_begin(GByteArray *table, const char *sig, guint8 rev)
{
    guint start = table->len;

    g_return_val_if_fail(strlen(sig) == 4, start);
    g_byte_array_append(table, (const guint8 *)sig, 4);
    qmem_acpi_append_int(table, 0, 4);             /* Length, at the end */
    qmem_acpi_append_int(table, rev, 1);           /* Revision */
    qmem_acpi_append_int(table, 0, 1);             /* Checksum, at the end */
    append_padded(table, QMEM_ACPI_OEM_ID, 6);
    append_padded(table, QMEM_ACPI_OEM_TABLE_ID, 8);
    qmem_acpi_append_int(table, 1, 4);             /* OEM Revision */
    append_padded(table, QMEM_ACPI_CREATOR_ID, 4);
    qmem_acpi_append_int(table, 1, 4);             /* Creator Revision */
    return start;
}

void qmem_acpi_table_end(GByteArray *table, guint start)
{
    guint32 len = table->len - start;
    guint8 *hdr = table->data + start;

    for (guint i = 0; i < 4; i++) {
        hdr[4 + i] = len >> (8 * i);
    }
    hdr[9] = 0;
    hdr[9] = qmem_acpi_checksum(hdr, len);
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

GByteArray *qmem_acpi_build_srat(const QmemAcpiSratCpu *cpus, guint n_cpus,
                                 const QmemAcpiSratMem *mem, guint n_mem)
{
    GByteArray *t = g_byte_array_new();
    guint start = qmem_acpi_table_begin(t, "SRAT", 1);

    qmem_acpi_append_int(t, 1, 4);     /* Reserved: 1 for compatibility */
    qmem_acpi_append_int(t, 0, 8);     /* Reserved */

    for (guint i = 0; i < n_cpus; i++) {
        if (cpus[i].apic_id < 255) {
            /* 5.2.16.1 Processor Local APIC/SAPIC Affinity Structure */
            qmem_acpi_append_int(t, 0, 1);                 /* Type */
            qmem_acpi_append_int(t, 16, 1);                /* Length */
            qmem_acpi_append_int(t, cpus[i].node, 1);      /* Domain [7:0] */
            qmem_acpi_append_int(t, cpus[i].apic_id, 1);   /* APIC ID */
            qmem_acpi_append_int(t, 1, 4);                 /* Flags: enabled */
            qmem_acpi_append_int(t, 0, 1);                 /* SAPIC EID */
            qmem_acpi_append_int(t, cpus[i].node >> 8, 3); /* Domain [31:8] */
            qmem_acpi_append_int(t, 0, 4);                 /* Clock Domain */
        } else {
            /* 5.2.16.3 Processor Local x2APIC Affinity Structure */
            qmem_acpi_append_int(t, 2, 1);                 /* Type */
            qmem_acpi_append_int(t, 24, 1);                /* Length */
            qmem_acpi_append_int(t, 0, 2);                 /* Reserved */
            qmem_acpi_append_int(t, cpus[i].node, 4);      /* Domain */
            qmem_acpi_append_int(t, cpus[i].apic_id, 4);   /* x2APIC ID */
            qmem_acpi_append_int(t, 1, 4);                 /* Flags: enabled */
            qmem_acpi_append_int(t, 0, 4);                 /* Clock Domain */
            qmem_acpi_append_int(t, 0, 4);                 /* Reserved */
        }
    }
    for (guint i = 0; i < n_mem; i++) {
        build_srat_memory(t, &mem[i]);
    }
    qmem_acpi_table_end(t, start);
    return t;
}

GByteArray *qmem_acpi_build_slit(const guint8 *distance, guint n_nodes)
{
    GByteArray *t = g_byte_array_new();
    guint start = qmem_acpi_table_begin(t, "SLIT", 1);

    qmem_acpi_append_int(t, n_nodes, 8);   /* Number of System Localities */
    g_byte_array_append(t, distance, n_nodes * n_nodes);
    qmem_acpi_table_end(t, start);
    return t;
}

static void put_le(guint8 *p, guint64 value, guint size)
{
    for (guint i = 0; i < size; i++) {
        p[i] = value >> (8 * i);
    }
}

/* A table listing @addrs as @entry_size-byte pointers (RSDT, XSDT). */
static GByteArray *build_sdt(const char *sig, const guint64 *addrs, guint n,
                             guint entry_size)
{
    GByteArray *t = g_byte_array_new();
    guint start = qmem_acpi_table_begin(t, sig, 1);

    for (guint i = 0; i < n; i++) {
        qmem_acpi_append_int(t, addrs[i], entry_size);
    }
    qmem_acpi_table_end(t, start);
    return t;
}

gboolean qmem_acpi_install(QmemAddressSpace *as, guint64 base, guint64 limit,
                           GPtrArray *tables, GError **error)
{
    g_autofree guint64 *addrs = g_new0(guint64, tables->len + 1);
    g_autoptr(GByteArray) blob = g_byte_array_new();
    g_autoptr(GByteArray) rsdt = NULL;
    g_autoptr(GByteArray) xsdt = NULL;
    guint64 rsdt_addr, xsdt_addr, next;
    guint8 rsdp[QMEM_ACPI_RSDP_SIZE] = { 0 };

    g_return_val_if_fail(base % 16 == 0, FALSE);

    /* Addresses first: the RSDT and XSDT sizes depend only on the count. */
    rsdt_addr = qmem_align_up(base + QMEM_ACPI_RSDP_SIZE, 16);
    xsdt_addr = qmem_align_up(rsdt_addr + QMEM_ACPI_TABLE_HEADER_SIZE +
                         4 * tables->len, 8);
    next = qmem_align_up(xsdt_addr + QMEM_ACPI_TABLE_HEADER_SIZE +
                    8 * tables->len, 8);
    for (guint i = 0; i < tables->len; i++) {
        GByteArray *t = g_ptr_array_index(tables, i);

        addrs[i] = next;
        next = qmem_align_up(next + t->len, 8);
    }
    if (next > limit || xsdt_addr > G_MAXUINT32) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "acpi tables (0x%" G_GINT64_MODIFIER "x bytes) do not fit "
                    "below 0x%" G_GINT64_MODIFIER "x", next - base, limit);
        return FALSE;
    }
    rsdt = build_sdt("RSDT", addrs, tables->len, 4);
    xsdt = build_sdt("XSDT", addrs, tables->len, 8);

    /* ACPI 6.x 5.2.5.3 Root System Description Pointer, revision 2. */
    memcpy(rsdp, "RSD PTR ", 8);
    memcpy(rsdp + 9, QMEM_ACPI_OEM_ID, 6);
    rsdp[15] = 2;                                  /* Revision */
    put_le(rsdp + 16, rsdt_addr, 4);
    put_le(rsdp + 20, QMEM_ACPI_RSDP_SIZE, 4);     /* Length */
    put_le(rsdp + 24, xsdt_addr, 8);
    rsdp[8] = qmem_acpi_checksum(rsdp, 20);        /* ACPI 1.0 part */
    rsdp[32] = qmem_acpi_checksum(rsdp, QMEM_ACPI_RSDP_SIZE);

    /* One image from @base, gaps zeroed, written in one go. */
    g_byte_array_set_size(blob, next - base);
    memset(blob->data, 0, blob->len);
    memcpy(blob->data, rsdp, sizeof(rsdp));
    memcpy(blob->data + (rsdt_addr - base), rsdt->data, rsdt->len);
    memcpy(blob->data + (xsdt_addr - base), xsdt->data, xsdt->len);
    for (guint i = 0; i < tables->len; i++) {
        GByteArray *t = g_ptr_array_index(tables, i);

        memcpy(blob->data + (addrs[i] - base), t->data, t->len);
    }
    if (!qmem_address_space_rw(as, base, blob->data, blob->len, TRUE)) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "acpi tables: guest memory at 0x%" G_GINT64_MODIFIER
                    "x is not RAM", base);
        return FALSE;
    }
    return TRUE;
}
