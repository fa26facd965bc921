/* SPDX-License-Identifier: GPL-2.0-or-later */
/* NVDIMMs in ACPI: QEMU 7.2's NFIT, NVDIMM SSDT and SRAT ranges. */

#include <string.h>
#include "hw/acpi/acpi.h"
#include "hw/acpi/aml.h"
#include "hw/acpi/nvdimm.h"
#include "hw/mem/memory-device.h"
#include "hw/mem/nvdimm.h"
#include "hw/mem/pc-dimm.h"
#include "nvdimm-internal.h"
#include "util/error.h"

/* The SPA range type GUID of persistent memory, as it lies in the table. */
static const guint8 nfit_spa_pmem_guid[16] = {
    0x79, 0xd3, 0xf0, 0x66, 0xf3, 0xb4, 0x74, 0x40,
    0xac, 0x43, 0x0d, 0x33, 0x18, 0xb7, 0x8c, 0xdb,
};

#define NFIT_SPA_LEN 56
#define NFIT_MEMDEV_LEN 48
#define NFIT_DCR_LEN 80
#define NFIT_CAPS_LEN 16
#define NFIT_MEM_NOT_ARMED (1 << 3)

/* QEMU's numbering: everything follows from the slot. */
static guint32 slot_to_sn(int slot)
{
    return 0x123456 + slot;
}

static guint16 slot_to_spa_index(int slot)
{
    return (slot + 1) << 1;
}

static guint32 slot_to_dcr_index(int slot)
{
    return slot_to_spa_index(slot) + 1;
}

gboolean qmem_nvdimm_is_nvdimm(QmemDevice *dev)
{
    return QMEM_IS_MEMORY_DEVICE(dev) &&
           !strcmp(qmem_memory_device_get_kind(QMEM_MEMORY_DEVICE(dev)),
                   QMEM_MEMORY_DEVICE_KIND_NVDIMM);
}

static gboolean collect_nvdimm(QmemDevice *dev, gpointer opaque)
{
    if (qmem_nvdimm_is_nvdimm(dev)) {
        g_ptr_array_add(opaque, dev);
    }
    return TRUE;
}

/* The realized NVDIMMs, oldest first (QEMU's nvdimm_get_device_list()). */
static GPtrArray *nvdimm_list(void)
{
    GPtrArray *list = g_ptr_array_new();

    qmem_device_foreach(collect_nvdimm, list);
    return list;
}

typedef struct {
    guint64 addr;
    guint64 size;
    guint node;
    gint slot;
    gboolean unarmed;
} NvdimmInfo;

static void nvdimm_info(QmemDevice *dev, NvdimmInfo *info)
{
    g_object_get(dev, QMEM_PC_DIMM_PROP_ADDR, &info->addr,
                 QMEM_PC_DIMM_PROP_SIZE, &info->size,
                 QMEM_PC_DIMM_PROP_NODE, &info->node,
                 QMEM_PC_DIMM_PROP_SLOT, &info->slot,
                 QMEM_NVDIMM_PROP_UNARMED, &info->unarmed, NULL);
}

/* System Physical Address Range Structure (type 0). */
static void build_structure_spa(GByteArray *s, const NvdimmInfo *d)
{
    qmem_acpi_append_int(s, 0, 2);                      /* Type */
    qmem_acpi_append_int(s, NFIT_SPA_LEN, 2);           /* Length */
    qmem_acpi_append_int(s, slot_to_spa_index(d->slot), 2);
    /*
     * Flags: the control region is for hot-add management only, and the
     * proximity domain is valid.
     */
    qmem_acpi_append_int(s, 1 | 2, 2);
    qmem_acpi_append_int(s, 0, 4);                      /* Reserved */
    qmem_acpi_append_int(s, d->node, 4);                /* Proximity */
    g_byte_array_append(s, nfit_spa_pmem_guid, 16);
    qmem_acpi_append_int(s, d->addr, 8);                /* SPA base */
    qmem_acpi_append_int(s, d->size, 8);                /* SPA length */
    /* EFI_MEMORY_WB | EFI_MEMORY_NV */
    qmem_acpi_append_int(s, 0x8 | 0x8000, 8);
}

/* Memory Device to SPA Range Map Structure (type 1). */
static void build_structure_memdev(GByteArray *s, const NvdimmInfo *d)
{
    qmem_acpi_append_int(s, 1, 2);                      /* Type */
    qmem_acpi_append_int(s, NFIT_MEMDEV_LEN, 2);        /* Length */
    qmem_acpi_append_int(s, nvdimm_slot_to_handle(d->slot), 4);
    qmem_acpi_append_int(s, 0, 2);                      /* Physical ID */
    qmem_acpi_append_int(s, 0, 2);                      /* Region ID */
    qmem_acpi_append_int(s, slot_to_spa_index(d->slot), 2);
    qmem_acpi_append_int(s, slot_to_dcr_index(d->slot), 2);
    qmem_acpi_append_int(s, d->size, 8);                /* Region size */
    qmem_acpi_append_int(s, 0, 8);                      /* Region offset */
    qmem_acpi_append_int(s, 0, 8);                      /* Region DPA */
    qmem_acpi_append_int(s, 0, 2);                      /* Interleave idx */
    qmem_acpi_append_int(s, 1, 2);                      /* Ways */
    qmem_acpi_append_int(s, d->unarmed ? NFIT_MEM_NOT_ARMED : 0, 2);
    qmem_acpi_append_int(s, 0, 2);                      /* Reserved */
}

/* NVDIMM Control Region Structure (type 4): Intel's, byte addressable. */
static void build_structure_dcr(GByteArray *s, const NvdimmInfo *d)
{
    qmem_acpi_append_int(s, 4, 2);                      /* Type */
    qmem_acpi_append_int(s, NFIT_DCR_LEN, 2);           /* Length */
    qmem_acpi_append_int(s, slot_to_dcr_index(d->slot), 2);
    qmem_acpi_append_int(s, 0x8086, 2);                 /* Vendor */
    qmem_acpi_append_int(s, 1, 2);                      /* Device */
    qmem_acpi_append_int(s, 1, 2);                      /* Revision */
    qmem_acpi_append_int(s, 0, 2);                      /* Sub vendor */
    qmem_acpi_append_int(s, 0, 2);                      /* Sub device */
    qmem_acpi_append_int(s, 0, 2);                      /* Sub revision */
    qmem_acpi_append_int(s, 0, 6);                      /* Reserved */
    qmem_acpi_append_int(s, slot_to_sn(d->slot), 4);    /* Serial */
    qmem_acpi_append_int(s, 0x301, 2);                  /* Format iface */
    /* Block windows, command and status registers: none; flags 0. */
    qmem_acpi_append_int(s, 0, 2);
    for (guint i = 0; i < 5; i++) {
        qmem_acpi_append_int(s, 0, 8);
    }
    qmem_acpi_append_int(s, 0, 2);
    qmem_acpi_append_int(s, 0, 6);
}

/* Platform Capabilities Structure (type 7). */
static void build_structure_caps(GByteArray *s, guint32 capabilities)
{
    qmem_acpi_append_int(s, 7, 2);                      /* Type */
    qmem_acpi_append_int(s, NFIT_CAPS_LEN, 2);          /* Length */
    qmem_acpi_append_int(s, 31 - __builtin_clz(capabilities), 1);
    qmem_acpi_append_int(s, 0, 3);                      /* Reserved */
    qmem_acpi_append_int(s, capabilities, 4);
    qmem_acpi_append_int(s, 0, 4);                      /* Reserved */
}

void qmem_nvdimm_plug(QmemNvdimmState *state)
{
    g_autoptr(GPtrArray) list = nvdimm_list();
    GByteArray *fit = g_byte_array_new();

    for (guint i = 0; i < list->len; i++) {
        NvdimmInfo d;

        nvdimm_info(g_ptr_array_index(list, i), &d);
        build_structure_spa(fit, &d);
        build_structure_memdev(fit, &d);
        build_structure_dcr(fit, &d);
    }
    if (state->persistence) {
        build_structure_caps(fit, state->persistence);
    }
    if (state->fit) {
        g_byte_array_unref(state->fit);
    }
    state->fit = fit;
    state->fit_dirty = TRUE;
}

gboolean qmem_nvdimm_set_persistence(QmemNvdimmState *state,
                                     const char *value, GError **error)
{
    if (!strcmp(value, "cpu")) {
        state->persistence = 3;
    } else if (!strcmp(value, "mem-ctrl")) {
        state->persistence = 2;
    } else {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "-machine nvdimm-persistence=%s: unsupported option",
                    value);
        return FALSE;
    }
    g_free(state->persistence_string);
    state->persistence_string = g_strdup(value);
    return TRUE;
}

void qmem_nvdimm_build_srat(GArray *mem)
{
    g_autoptr(GPtrArray) list = nvdimm_list();

    for (guint i = 0; i < list->len; i++) {
        NvdimmInfo d;
        QmemAcpiSratMem entry;

        nvdimm_info(g_ptr_array_index(list, i), &d);
        entry = (QmemAcpiSratMem){ d.addr, d.size, d.node,
                                   QMEM_ACPI_MEM_AFFINITY_ENABLED |
                                   QMEM_ACPI_MEM_AFFINITY_NON_VOLATILE };
        g_array_append_val(mem, entry);
    }
}

/* The _DSM port */

/* Nothing to read: QEMU's port reads 0. */
static guint64 nvdimm_dsm_read(gpointer opaque, guint64 addr, guint size)
{
    return 0;
}

/* The guest's DSM page address: the request, answered in the page. */
static void nvdimm_dsm_write(gpointer opaque, guint64 addr, guint64 value,
                             guint size)
{
    qmem_nvdimm_dsm_request(opaque, value);
}

static const QmemMemoryRegionOps nvdimm_dsm_ops = {
    .read = nvdimm_dsm_read,
    .write = nvdimm_dsm_write,
    .valid = { .min_access_size = 4, .max_access_size = 4 },
};

void qmem_nvdimm_init_acpi_state(QmemNvdimmState *state,
                                 QmemMemoryRegion *io, QmemAddressSpace *as,
                                 QmemFWCfg *fw_cfg)
{
    g_return_if_fail(!state->io_mr);
    state->io = io;
    state->as = as;
    state->io_mr = qmem_memory_region_new_io("nvdimm-acpi-io",
                                             QMEM_NVDIMM_ACPI_IO_LEN,
                                             &nvdimm_dsm_ops, state);
    qmem_memory_region_add_subregion(io, QMEM_NVDIMM_ACPI_IO_BASE,
                                     state->io_mr);
    state->dsm_mem = g_byte_array_new();
    g_byte_array_set_size(state->dsm_mem, QMEM_NVDIMM_DSM_MEM_SIZE);
    memset(state->dsm_mem->data, 0, QMEM_NVDIMM_DSM_MEM_SIZE);
    qmem_fw_cfg_add_file(fw_cfg, QMEM_NVDIMM_DSM_MEM_FILE,
                         g_malloc0(QMEM_NVDIMM_DSM_MEM_SIZE),
                         QMEM_NVDIMM_DSM_MEM_SIZE);
    /* NVDIMMs plugged before (none, as the board comes first) stay. */
    if (!state->fit) {
        state->fit = g_byte_array_new();
    }
}

void qmem_nvdimm_state_cleanup(QmemNvdimmState *state)
{
    if (state->io_mr && qmem_memory_region_is_mapped(state->io_mr)) {
        qmem_memory_region_del_subregion(state->io, state->io_mr);
    }
    g_clear_object(&state->io_mr);
    g_clear_pointer(&state->fit, g_byte_array_unref);
    g_clear_pointer(&state->dsm_mem, g_byte_array_unref);
    g_clear_pointer(&state->persistence_string, g_free);
}

/* The tables */

static void build_nfit(QmemNvdimmState *state, GArray *table_offsets,
                       GByteArray *table_data, QmemBiosLinker *linker)
{
    QmemAcpiTable table = { .sig = "NFIT", .rev = 1 };

    qmem_acpi_add_table(table_offsets, table_data);
    qmem_acpi_table_begin(&table, table_data);
    qmem_acpi_append_int(table_data, 0, 4);             /* Reserved */
    if (state->fit) {
        g_byte_array_append(table_data, state->fit->data, state->fit->len);
    }
    qmem_acpi_table_end(linker, &table);
}

void qmem_nvdimm_build_acpi(GArray *table_offsets, GByteArray *table_data,
                            QmemBiosLinker *linker, QmemNvdimmState *state,
                            guint64 ram_slots)
{
    g_autoptr(GPtrArray) list = NULL;

    /* No slot, no NVDIMM can be plugged. */
    if (!ram_slots) {
        return;
    }
    qmem_nvdimm_build_ssdt(table_offsets, table_data, linker, state,
                           ram_slots);
    list = nvdimm_list();
    if (list->len) {
        build_nfit(state, table_offsets, table_data, linker);
    }
}
