/* SPDX-License-Identifier: GPL-2.0-or-later */
/* nvdimm: the names others use for it. */

#ifndef QMEM_HW_MEM_NVDIMM_H
#define QMEM_HW_MEM_NVDIMM_H

#include <glib.h>

G_BEGIN_DECLS

/*
 * nvdimm, QEMU's pc-dimm subclass, lives in the loadable module
 * "pc-dimm" beside its parent.  Its memory-device kind is "nvdimm"
 * (query-memory-devices), its region the backend without the label area
 * at its end, aligned down to the backend's alignment.  The NFIT and the
 * NVDIMM SSDT are hw/acpi/nvdimm.c's ("hw/acpi/nvdimm.h").
 */
#define QMEM_TYPE_NAME_NVDIMM "nvdimm"
#define QMEM_MEMORY_DEVICE_KIND_NVDIMM "nvdimm"

/* Property names (QEMU's NVDIMM_*_PROP); the rest are pc-dimm's. */
#define QMEM_NVDIMM_PROP_LABEL_SIZE "label-size"
#define QMEM_NVDIMM_PROP_UUID "uuid"
#define QMEM_NVDIMM_PROP_UNARMED "unarmed"

/* QEMU's MIN_NAMESPACE_LABEL_SIZE: a label area is at least 128 KiB. */
#define QMEM_NVDIMM_MIN_LABEL_SIZE (128ULL << 10)

G_END_DECLS

#endif
