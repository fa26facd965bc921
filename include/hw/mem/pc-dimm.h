/* SPDX-License-Identifier: GPL-2.0-or-later */
/* pc-dimm: names, and the plug steps a machine runs for a DIMM. */

#ifndef QMEM_HW_MEM_PC_DIMM_H
#define QMEM_HW_MEM_PC_DIMM_H

#include "hw/core/boards.h"
#include "hw/core/qdev.h"
#include "hw/mem/memory-device.h"

G_BEGIN_DECLS

/*
 * pc-dimm lives in the loadable module "pc-dimm" (entry point
 * qmem_module_pc_dimm_register()); its GType exists only once the module
 * is loaded, so code outside the module finds it by name.  Everything
 * below uses the core library only.
 */
#define QMEM_TYPE_NAME_PC_DIMM "pc-dimm"
#define QMEM_TYPE_PC_DIMM (qmem_type_from_name(QMEM_TYPE_NAME_PC_DIMM))

/* Property names (QEMU's PC_DIMM_*_PROP). */
#define QMEM_PC_DIMM_PROP_ADDR "addr"
#define QMEM_PC_DIMM_PROP_NODE "node"
#define QMEM_PC_DIMM_PROP_SLOT "slot"
#define QMEM_PC_DIMM_PROP_MEMDEV "memdev"
#define QMEM_PC_DIMM_PROP_SIZE "size"

/* The "slot" value that asks pre_plug for the lowest free slot. */
#define QMEM_PC_DIMM_UNASSIGNED_SLOT (-1)

/**
 * qmem_is_pc_dimm:
 * @dev: a device
 *
 * Returns: whether @dev is a pc-dimm (or a type derived from it).
 */
static inline gboolean qmem_is_pc_dimm(QmemDevice *dev)
{
    GType type = QMEM_TYPE_PC_DIMM;

    return type != G_TYPE_INVALID && G_TYPE_CHECK_INSTANCE_TYPE(dev, type);
}

/**
 * qmem_pc_dimm_pre_plug:
 * @dimm: a pc-dimm about to be realized
 * @machine: the machine
 * @error: return location for a #GError
 *
 * QEMU's pc_dimm_pre_plug(), for a machine's device_pre_plug hook: assigns
 * the slot (qmem_memory_device_assign_slot() over the machine's -m slots=)
 * and then the address (qmem_memory_device_pre_plug()).
 *
 * Returns: %TRUE when @dimm may be realized.
 */
static inline gboolean qmem_pc_dimm_pre_plug(QmemDevice *dimm,
                                             QmemMachine *machine,
                                             GError **error)
{
    return qmem_memory_device_assign_slot(dimm, QMEM_PC_DIMM_PROP_SLOT,
                                          qmem_machine_get_ram_slots(machine),
                                          error) &&
           qmem_memory_device_pre_plug(QMEM_MEMORY_DEVICE(dimm), machine,
                                       error);
}

/**
 * qmem_pc_dimm_plug:
 * @dimm: a realized pc-dimm whose pre_plug succeeded
 * @machine: the machine
 *
 * QEMU's pc_dimm_plug(), for a machine's device_plug hook: maps the DIMM
 * and counts it in the device-memory state's dimm_size.  Cannot fail.
 */
static inline void qmem_pc_dimm_plug(QmemDevice *dimm, QmemMachine *machine)
{
    QmemMemoryDevice *md = QMEM_MEMORY_DEVICE(dimm);

    qmem_memory_device_plug(md, machine);
    qmem_machine_get_device_memory(machine)->dimm_size +=
        qmem_memory_device_get_region_size(md, NULL);
}

/**
 * qmem_pc_dimm_unplug:
 * @dimm: a plugged pc-dimm
 * @machine: the machine
 *
 * QEMU's pc_dimm_unplug(), for a machine's device_unplug hook: the reverse
 * of qmem_pc_dimm_plug().
 */
static inline void qmem_pc_dimm_unplug(QmemDevice *dimm, QmemMachine *machine)
{
    QmemMemoryDevice *md = QMEM_MEMORY_DEVICE(dimm);

    qmem_memory_device_unplug(md, machine);
    qmem_machine_get_device_memory(machine)->dimm_size -=
        qmem_memory_device_get_region_size(md, NULL);
}

G_END_DECLS

#endif
