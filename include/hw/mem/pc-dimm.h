/* SPDX-License-Identifier: GPL-2.0-or-later */
/* pc-dimm: the names others use for it. */

#ifndef QMEM_HW_MEM_PC_DIMM_H
#define QMEM_HW_MEM_PC_DIMM_H

#include <glib.h>

G_BEGIN_DECLS

/*
 * pc-dimm lives in the loadable module "pc-dimm" (entry point
 * qmem_module_pc_dimm_register()).  Machines plug it as any memory device
 * (qmem_memory_device_pre_plug() and friends, "hw/mem/memory-device.h"):
 * its slot and its share of the device memory's dimm_size are its own
 * pre_plug, plug and unplug hooks.
 */
#define QMEM_TYPE_NAME_PC_DIMM "pc-dimm"

/* Property names (QEMU's PC_DIMM_*_PROP). */
#define QMEM_PC_DIMM_PROP_ADDR "addr"
#define QMEM_PC_DIMM_PROP_NODE "node"
#define QMEM_PC_DIMM_PROP_SLOT "slot"
#define QMEM_PC_DIMM_PROP_MEMDEV "memdev"
#define QMEM_PC_DIMM_PROP_SIZE "size"

/* The "slot" value that asks pre_plug for the lowest free slot. */
#define QMEM_PC_DIMM_UNASSIGNED_SLOT (-1)

G_END_DECLS

#endif
