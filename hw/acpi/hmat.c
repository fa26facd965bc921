/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The ACPI HMAT from the NUMA state: QEMU's hw/acpi/hmat.c layout. */

#include "hw/acpi/hmat.h"

#define MiB (1ULL << 20)

/* ACPI 6.3, 5.2.27.3: Memory Proximity Domain Attributes, 40 bytes. */
static void build_hmat_mpda(GByteArray *table_data, guint16 flags,
                            guint32 initiator, guint32 mem_node)
{
    qmem_acpi_append_int(table_data, 0, 2);          /* Type */
    qmem_acpi_append_int(table_data, 0, 2);          /* Reserved */
    qmem_acpi_append_int(table_data, 40, 4);         /* Length */
    qmem_acpi_append_int(table_data, flags, 2);
    qmem_acpi_append_int(table_data, 0, 2);          /* Reserved */
    qmem_acpi_append_int(table_data, initiator, 4);
    qmem_acpi_append_int(table_data, mem_node, 4);
    qmem_acpi_append_int(table_data, 0, 4);          /* Reserved */
    /* The address range fields ACPI 6.3 deprecated: reserved, 0. */
    qmem_acpi_append_int(table_data, 0, 8);
    qmem_acpi_append_int(table_data, 0, 8);
}

/*
 * ACPI 6.3, 5.2.27.4: System Locality Latency and Bandwidth Information.
 * Every node is a target; the initiators are @initiators, in order.
 */
static void build_hmat_lb(GByteArray *table_data, const QmemHmatLbInfo *lb,
                          const guint32 *initiators, guint32 num_initiator,
                          guint32 num_target)
{
    guint32 initiator_index[QMEM_MAX_NODES] = { 0 };
    g_autofree guint16 *entries = g_new0(guint16,
                                         num_initiator * num_target);
    guint32 length = 32 + 4 * num_initiator + 4 * num_target +
                     2 * num_initiator * num_target;
    guint64 base;

    qmem_acpi_append_int(table_data, 1, 2);          /* Type */
    qmem_acpi_append_int(table_data, 0, 2);          /* Reserved */
    qmem_acpi_append_int(table_data, length, 4);
    /* Flags: bits 3:0 the memory hierarchy. */
    g_assert(!(lb->hierarchy >> 4));
    qmem_acpi_append_int(table_data, lb->hierarchy, 1);
    qmem_acpi_append_int(table_data, lb->data_type, 1);
    qmem_acpi_append_int(table_data, 0, 2);          /* Reserved */
    qmem_acpi_append_int(table_data, num_initiator, 4);
    qmem_acpi_append_int(table_data, num_target, 4);
    qmem_acpi_append_int(table_data, 0, 4);          /* Reserved */

    /* Entry Base Unit: ns to ps, B/s to MB/s; QEMU keeps 32 bits. */
    if (lb->data_type <= QMEM_HMAT_LB_DATA_WRITE_LATENCY) {
        base = (guint32)(lb->base * 1000);
    } else {
        base = (guint32)(lb->base / MiB);
    }
    qmem_acpi_append_int(table_data, base, 8);

    for (guint32 i = 0; i < num_initiator; i++) {
        qmem_acpi_append_int(table_data, initiators[i], 4);
        initiator_index[initiators[i]] = i;
    }
    for (guint32 i = 0; i < num_target; i++) {
        qmem_acpi_append_int(table_data, i, 4);
    }

    for (guint i = 0; i < lb->list->len; i++) {
        const QmemHmatLbData *d = &g_array_index(lb->list, QmemHmatLbData, i);

        entries[initiator_index[d->initiator] * num_target + d->target] =
            (guint16)(d->data / lb->base);
    }
    for (guint32 i = 0; i < num_initiator * num_target; i++) {
        qmem_acpi_append_int(table_data, entries[i], 2);
    }
}

/* ACPI 6.3, 5.2.27.5: Memory Side Cache Information, 32 bytes. */
static void build_hmat_cache(GByteArray *table_data, guint8 total_levels,
                             const QmemNumaHmatCacheOptions *cache)
{
    guint32 attributes = total_levels |
                         (guint32)cache->level << 4 |
                         (guint32)cache->associativity << 8 |
                         (guint32)cache->policy << 12 |
                         (guint32)cache->line << 16;

    qmem_acpi_append_int(table_data, 2, 2);          /* Type */
    qmem_acpi_append_int(table_data, 0, 2);          /* Reserved */
    qmem_acpi_append_int(table_data, 32, 4);         /* Length */
    qmem_acpi_append_int(table_data, cache->node_id, 4);
    qmem_acpi_append_int(table_data, 0, 4);          /* Reserved */
    qmem_acpi_append_int(table_data, cache->size, 8);
    qmem_acpi_append_int(table_data, attributes, 4);
    qmem_acpi_append_int(table_data, 0, 2);          /* Reserved */
    /* No SMBIOS handles: Linux does not use them. */
    qmem_acpi_append_int(table_data, 0, 2);
}

static void build_hmat_caches(GByteArray *table_data,
                              const QmemNumaState *numa)
{
    for (guint i = 0; i < numa->num_nodes; i++) {
        guint total_levels = 0;

        for (guint level = 1; level < QMEM_HMAT_LB_LEVELS; level++) {
            total_levels += numa->hmat_cache[i][level] != NULL;
        }
        /* Levels are given bottom up, so the first total_levels are. */
        for (guint level = 0; level <= total_levels; level++) {
            if (numa->hmat_cache[i][level]) {
                build_hmat_cache(table_data, total_levels,
                                 numa->hmat_cache[i][level]);
            }
        }
    }
}

void qmem_acpi_build_hmat(GByteArray *table_data, QmemBiosLinker *linker,
                          const QmemNumaState *numa, const char *oem_id,
                          const char *oem_table_id)
{
    QmemAcpiTable table = { .sig = "HMAT", .rev = 2, .oem_id = oem_id,
                            .oem_table_id = oem_table_id };
    guint32 initiators[QMEM_MAX_NODES];
    guint32 num_initiator = 0;

    qmem_acpi_table_begin(&table, table_data);
    qmem_acpi_append_int(table_data, 0, 4);          /* Reserved */

    for (guint i = 0; i < numa->num_nodes; i++) {
        guint16 initiator = numa->nodes[i].initiator;

        build_hmat_mpda(table_data,
                        initiator < QMEM_MAX_NODES ?
                        QMEM_HMAT_PROXIMITY_INITIATOR_VALID : 0,
                        initiator, i);
    }

    for (guint i = 0; i < numa->num_nodes; i++) {
        if (numa->nodes[i].has_cpu) {
            initiators[num_initiator++] = i;
        }
    }
    for (guint h = 0; h < QMEM_HMAT_LB_LEVELS; h++) {
        for (guint t = 0; t < QMEM_HMAT_LB_TYPES; t++) {
            const QmemHmatLbInfo *lb = numa->hmat_lb[h][t];

            if (lb && lb->list->len) {
                build_hmat_lb(table_data, lb, initiators, num_initiator,
                              numa->num_nodes);
            }
        }
    }
    build_hmat_caches(table_data, numa);
    qmem_acpi_table_end(linker, &table);
}
