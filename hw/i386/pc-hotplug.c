/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The pc and q35 hotplug hooks: DIMMs through ACPI, the rest at once. */

#include "hw/acpi/acpi_dev_interface.h"
#include "hw/acpi/nvdimm.h"
#include "hw/core/cpu.h"
#include "hw/mem/memory-device.h"
#include "pc-internal.h"
#include "util/error.h"

/* A memory device that holds a slot: QEMU's TYPE_PC_DIMM. */
static gboolean is_dimm(QmemDevice *dev)
{
    int slot;

    return QMEM_IS_MEMORY_DEVICE(dev) &&
           qmem_memory_device_get_slot(QMEM_MEMORY_DEVICE(dev), &slot);
}

/* The ACPI device, or QEMU's message for a machine without one. */
static QmemPcAcpiPm *acpi_dev(QmemMachine *machine, GError **error)
{
    QmemPcAcpiPm *pm = qmem_pc_acpi_pm_find(machine);

    if (!pm) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "memory hotplug is not enabled: missing acpi device or "
                    "acpi disabled");
    }
    return pm;
}

/*
 * QEMU's pc_memory_pre_plug(): an ACPI device, nvdimm=on for an nvdimm,
 * then the ACPI device's checks.
 */
gboolean qmem_pc_machine_device_pre_plug(QmemMachine *machine,
                                         QmemDevice *dev, GError **error)
{
    if (QMEM_IS_CPU(dev)) {
        return qmem_x86_cpu_pre_plug(machine, QMEM_CPU(dev), error);
    }
    if (is_dimm(dev)) {
        QmemPcAcpiPm *pm = acpi_dev(machine, error);

        if (!pm) {
            return FALSE;
        }
        if (qmem_nvdimm_is_nvdimm(dev) &&
            !qmem_pc_machine_get_nvdimm_state(machine)->is_enabled) {
            g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                        "nvdimm is not enabled: missing 'nvdimm' in '-M'");
            return FALSE;
        }
        if (!qmem_pc_acpi_pm_pre_plug(pm, dev, error)) {
            return FALSE;
        }
    }
    return qmem_memory_device_machine_pre_plug(machine, dev, error);
}

/*
 * QEMU's pc_memory_plug(): mapped, then announced to the guest: a DIMM
 * through ACPI memory hotplug, a hot-plugged nvdimm by GPE 4 (QEMU's
 * nvdimm_acpi_plug_cb()) once the NFIT's structures are made again.
 */
void qmem_pc_machine_device_plug(QmemMachine *machine, QmemDevice *dev)
{
    QmemPcAcpiPm *pm = qmem_pc_acpi_pm_find(machine);

    if (QMEM_IS_CPU(dev)) {
        qmem_cpu_plug(machine, QMEM_CPU(dev));
        return;
    }
    qmem_memory_device_machine_plug(machine, dev);
    if (qmem_nvdimm_is_nvdimm(dev)) {
        qmem_nvdimm_plug(qmem_pc_machine_get_nvdimm_state(machine));
        if (qmem_device_is_hotplugged(dev)) {
            qmem_acpi_send_event(QMEM_ACPI_DEVICE_IF(pm),
                                 QMEM_ACPI_NVDIMM_HOTPLUG_STATUS);
        }
    } else if (is_dimm(dev)) {
        qmem_pc_acpi_pm_plug(pm, dev);
    }
}

/*
 * QEMU's pc_memory_unplug_request(): the guest is asked to let the DIMM
 * go.  Other memory devices go at once, as before ACPI PCI hotplug.
 */
gboolean qmem_pc_machine_device_unplug_request(QmemMachine *machine,
                                               QmemDevice *dev,
                                               GError **error)
{
    QmemPcAcpiPm *pm;

    if (QMEM_IS_CPU(dev)) {
        return qmem_cpu_unplug_request(machine, QMEM_CPU(dev), error);
    }
    if (!is_dimm(dev)) {
        qmem_device_unplug(dev);
        return TRUE;
    }
    pm = acpi_dev(machine, error);
    if (pm && qmem_nvdimm_is_nvdimm(dev)) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "nvdimm device hot unplug is not supported yet.");
        return FALSE;
    }
    return pm && qmem_pc_acpi_pm_unplug_request(pm, dev, error);
}

/* QEMU's pc_memory_unplug(): the slot is cleared, then unmapped. */
void qmem_pc_machine_device_unplug(QmemMachine *machine, QmemDevice *dev)
{
    QmemPcAcpiPm *pm = qmem_pc_acpi_pm_find(machine);

    if (QMEM_IS_CPU(dev)) {
        qmem_cpu_unplug(machine, QMEM_CPU(dev));
        return;
    }
    if (pm && is_dimm(dev)) {
        qmem_pc_acpi_pm_unplug(pm, dev);
    }
    qmem_memory_device_machine_unplug(machine, dev);
}
