/* SPDX-License-Identifier: GPL-2.0-or-later */
/* NVDIMMs in ACPI: the NFIT, the NVDIMM SSDT, their SRAT ranges. */

#ifndef QMEM_HW_ACPI_NVDIMM_H
#define QMEM_HW_ACPI_NVDIMM_H

#include <glib.h>
#include "hw/acpi/bios-linker-loader.h"
#include "hw/core/qdev.h"
#include "hw/nvram/fw_cfg.h"
#include "system/memory.h"

G_BEGIN_DECLS

/* The page the NVDIMM SSDT's _DSM methods exchange with the VMM. */
#define QMEM_NVDIMM_DSM_MEM_FILE "etc/acpi/nvdimm-mem"
#define QMEM_NVDIMM_DSM_MEM_SIZE 4096

/* x86's _DSM port (QEMU's NVDIMM_ACPI_IO_BASE and _LEN). */
#define QMEM_NVDIMM_ACPI_IO_BASE 0x0a18
#define QMEM_NVDIMM_ACPI_IO_LEN 4

/**
 * QmemNvdimmState:
 * @is_enabled: -machine nvdimm=on
 * @persistence: the NFIT's platform capabilities: 0 (none), 2
 *   (mem-ctrl) or 3 (cpu)
 * @persistence_string: -machine nvdimm-persistence as given
 * @fit: the NFIT's device structures as of the last NVDIMM plugged
 *   (QEMU's fit_buf), what the NFIT and _FIT's Read FIT give
 * @fit_dirty: @fit changed since a Read FIT from offset 0
 * @dsm_mem: QMEM_NVDIMM_DSM_MEM_SIZE zero bytes, the loader's copy of
 *   "etc/acpi/nvdimm-mem"
 * @io_mr: the _DSM port, once qmem_nvdimm_init_acpi_state() mapped it
 * @io: where it is mapped (borrowed: the machine's I/O space)
 * @as: (borrowed) the machine's memory, where the DSM page is
 *
 * QEMU's NVDIMMState, which a machine that takes NVDIMMs holds.
 */
typedef struct {
    gboolean is_enabled;
    gint persistence;
    char *persistence_string;
    GByteArray *fit;
    gboolean fit_dirty;
    GByteArray *dsm_mem;
    QmemMemoryRegion *io_mr;
    QmemMemoryRegion *io;
    QmemAddressSpace *as;
} QmemNvdimmState;

/**
 * qmem_nvdimm_set_persistence:
 * @value: "cpu" or "mem-ctrl"
 *
 * QEMU's machine_set_nvdimm_persistence(), with its text for any other
 * value ("-machine nvdimm-persistence=%s: unsupported option").
 */
gboolean qmem_nvdimm_set_persistence(QmemNvdimmState *state,
                                     const char *value, GError **error);

/**
 * qmem_nvdimm_init_acpi_state:
 * @io: the machine's I/O space
 * @as: the machine's memory, where the guest's DSM page is
 *
 * QEMU's nvdimm_init_acpi_state() for x86: the _DSM port at 0x0a18 (a
 * write of the DSM page's address answers the request in the page: the
 * root's function 0, QEMU's Read FIT, an NVDIMM's label size, data and
 * set) and the file "etc/acpi/nvdimm-mem".
 */
void qmem_nvdimm_init_acpi_state(QmemNvdimmState *state,
                                 QmemMemoryRegion *io, QmemAddressSpace *as,
                                 QmemFWCfg *fw_cfg);

/* Unmaps the port and frees what the state holds (not @state itself). */
void qmem_nvdimm_state_cleanup(QmemNvdimmState *state);

/* Whether @dev is an nvdimm (its memory-device kind is "nvdimm"). */
gboolean qmem_nvdimm_is_nvdimm(QmemDevice *dev);

/* QEMU's nvdimm_plug(): the NFIT's structures made again. */
void qmem_nvdimm_plug(QmemNvdimmState *state);

/**
 * qmem_nvdimm_build_srat:
 * @mem: a #GArray of #QmemAcpiSratMem
 *
 * QEMU's nvdimm_build_srat(): an enabled, non-volatile range per NVDIMM
 * on its node.
 */
void qmem_nvdimm_build_srat(GArray *mem);

/**
 * qmem_nvdimm_build_acpi:
 * @table_offsets: the RSDT's entries so far
 * @ram_slots: -m slots=
 *
 * QEMU's nvdimm_build_acpi(): with slots, the NVDIMM SSDT (an NVxx
 * device per slot, its MEMA patched to "etc/acpi/nvdimm-mem"), then
 * with NVDIMMs plugged the NFIT.
 */
void qmem_nvdimm_build_acpi(GArray *table_offsets, GByteArray *table_data,
                            QmemBiosLinker *linker, QmemNvdimmState *state,
                            guint64 ram_slots);

G_END_DECLS

#endif
