/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Between hw/acpi/nvdimm.c and the NVDIMM SSDT's AML (nvdimm-ssdt.c). */

#ifndef QMEM_HW_ACPI_NVDIMM_INTERNAL_H
#define QMEM_HW_ACPI_NVDIMM_INTERNAL_H

#include "hw/acpi/nvdimm.h"

/* QEMU's handle for its own _DSM functions (Read FIT) on the root. */
#define NVDIMM_QEMU_RSVD_HANDLE_ROOT 0x10000

/* _DSM status codes the AML compares with. */
#define NVDIMM_DSM_RET_STATUS_SUCCESS 0
#define NVDIMM_DSM_RET_STATUS_UNSUPPORT 1
#define NVDIMM_DSM_RET_STATUS_FIT_CHANGED 0x100

/* QEMU's slot numbering: an NVDIMM's NFIT handle is its slot + 1. */
static inline guint32 nvdimm_slot_to_handle(int slot)
{
    return slot + 1;
}

/*
 * QEMU's nvdimm_build_ssdt(): \_SB.NVDR (ACPI0012) with the common _DSM
 * code (NCAL), its _DSM, _FIT and an NVxx device per slot with _ADR,
 * _LSI, _LSR, _LSW and _DSM, then "MEMA", the DSM page's address the
 * loader patches.
 */
void qmem_nvdimm_build_ssdt(GArray *table_offsets, GByteArray *table_data,
                            QmemBiosLinker *linker, QmemNvdimmState *state,
                            guint64 ram_slots);

/**
 * qmem_nvdimm_dsm_request:
 * @page: the guest-physical address of the DSM page
 *
 * What a write of @page to the _DSM port does (nvdimm-dsm.c).
 */
void qmem_nvdimm_dsm_request(QmemNvdimmState *state, guint64 page);

#endif
