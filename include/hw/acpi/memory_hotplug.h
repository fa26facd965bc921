/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ACPI memory hotplug: QEMU's register block for DIMM slots, and its AML. */

#ifndef QMEM_HW_ACPI_MEMORY_HOTPLUG_H
#define QMEM_HW_ACPI_MEMORY_HOTPLUG_H

#include <json-glib/json-glib.h>
#include "hw/acpi/acpi_dev_interface.h"
#include "hw/acpi/aml.h"
#include "hw/core/qdev.h"
#include "system/memory.h"

G_BEGIN_DECLS

/*
 * The guest's view of the DIMM slots (-m slots=N): a 24-byte block in I/O
 * space, QEMU's ACPI_MEMORY_HOTPLUG_BASE on pc and q35, that the DSDT's
 * \_SB.MHPC methods drive.  Offsets, little-endian, from the slot the
 * selector names:
 *
 *   read   0x00  DIMM address, low 32 bits     write  0x00  selector
 *          0x04  DIMM address, high 32 bits           0x04  _OST event
 *          0x08  DIMM size, low 32 bits               0x08  _OST status
 *          0x0c  DIMM size, high 32 bits                    (ACPI_DEVICE_OST)
 *          0x10  proximity domain (_PXM)
 *          0x14  bit 0 enabled, 1 inserting,          0x14  1 << 1 clears
 *                2 removing                                 inserting, else
 *                                                           1 << 2 clears
 *                                                           removing, else
 *                                                           1 << 3 ejects
 *
 * Accesses are 1 to 4 bytes; a read at another offset gives all-ones,
 * with a selector beyond the slots 0; writes other than the selector with
 * such a selector are ignored, as an eject of a slot that is not enabled.
 * An eject unplugs the DIMM at once (qmem_device_unplug()), whether
 * device_del asked for it or not, as QEMU does.
 */

#define QMEM_ACPI_MEMORY_HOTPLUG_BASE 0x0a00
#define QMEM_ACPI_MEMORY_HOTPLUG_IO_LEN 24
/* The most slots QEMU's AML describes (ACPI_MAX_RAM_SLOTS). */
#define QMEM_ACPI_MAX_RAM_SLOTS 256

/* The AML names the machine's other tables use. */
#define QMEM_MEMORY_SLOT_SCAN_METHOD "MSCN"
#define QMEM_MEMORY_DEVICES_CONTAINER "\\_SB.MHPC"

/**
 * QmemMemStatus:
 * @dimm: (nullable): the DIMM in the slot; not a reference: unplugging
 *   it clears the slot (qmem_acpi_memory_unplug_cb()) before it goes
 * @is_enabled: a DIMM is there
 * @is_inserting: it was hot-plugged and the guest has not acknowledged it
 * @is_removing: device_del asked for it and the guest has not acknowledged
 * @ost_event: the last _OST source event the guest wrote for the slot
 * @ost_status: ... and its status code
 *
 * QEMU's MemStatus.
 */
typedef struct {
    QmemDevice *dimm;
    gboolean is_enabled;
    gboolean is_inserting;
    gboolean is_removing;
    guint32 ost_event;
    guint32 ost_status;
} QmemMemStatus;

/**
 * QmemMemHotplugState:
 * @is_enabled: the device offers memory hotplug (QEMU's
 *   "memory-hotplug-support" of PIIX4_PM and ICH9-LPC: off for pc-2.0)
 * @io: (nullable): the register block, while mapped
 * @selector: the slot the guest selected; may be beyond @dev_count
 * @dev_count: the machine's RAM slots
 * @devs: (array length=dev_count): one per slot
 *
 * QEMU's MemHotplugState, embedded (zeroed) in the ACPI device.
 */
typedef struct {
    gboolean is_enabled;
    QmemMemoryRegion *io;
    QmemMemoryRegion *parent;
    guint32 selector;
    guint32 dev_count;
    QmemMemStatus *devs;
} QmemMemHotplugState;

/**
 * qmem_acpi_memory_hotplug_init:
 * @as: the I/O space the block goes into
 * @slots: the machine's RAM slots; without any there is no block
 * @io_base: where it goes (QMEM_ACPI_MEMORY_HOTPLUG_BASE)
 *
 * QEMU's acpi_memory_hotplug_init(), for @state->is_enabled devices.
 */
void qmem_acpi_memory_hotplug_init(QmemMemoryRegion *as,
                                   QmemMemHotplugState *state, guint32 slots,
                                   guint64 io_base);

/* Unmaps the block and frees the slots. */
void qmem_acpi_memory_hotplug_cleanup(QmemMemHotplugState *state);

/**
 * qmem_acpi_memory_plug_cb:
 * @adev: the ACPI device, which signals a hot-plugged DIMM
 * @dev: a realized memory device holding a slot below @state->dev_count
 *   (qmem_memory_device_get_slot()), as pre_plug made sure
 *
 * QEMU's acpi_memory_plug_cb(): the slot is enabled; for a hot-plugged
 * DIMM it is also inserting, and GPE0's memory hotplug bit is raised.
 */
void qmem_acpi_memory_plug_cb(QmemAcpiDeviceIf *adev,
                              QmemMemHotplugState *state, QmemDevice *dev);

/**
 * qmem_acpi_memory_unplug_request_cb:
 *
 * QEMU's acpi_memory_unplug_request_cb(): device_del of a DIMM.  The slot
 * is removing and the GPE bit raised (again, if the request was made
 * before); the DIMM stays until the guest ejects it.  Fails only for a
 * slot beyond the block's.
 */
gboolean qmem_acpi_memory_unplug_request_cb(QmemAcpiDeviceIf *adev,
                                            QmemMemHotplugState *state,
                                            QmemDevice *dev, GError **error);

/**
 * qmem_acpi_memory_unplug_cb:
 *
 * QEMU's acpi_memory_unplug_cb(): the DIMM is going; the slot is no longer
 * enabled (the guest reads the other bits as they were).
 */
void qmem_acpi_memory_unplug_cb(QmemMemHotplugState *state, QmemDevice *dev);

/* Appends the ACPIOSTInfo of every slot (QmemAcpiDeviceIf's ospm_status). */
void qmem_acpi_memory_ospm_status(QmemMemHotplugState *state,
                                  JsonArray *list);

/**
 * qmem_build_memory_hotplug_aml:
 * @table: the DSDT's AML
 * @nr_mem: the slots (at most QMEM_ACPI_MAX_RAM_SLOTS)
 * @res_root: where the block's resource device goes ("\\_SB.PCI0")
 * @event_handler_method: (nullable): the GPE method that scans the slots
 *   ("\\_GPE._E03"), or %NULL for none
 * @rs: the block's address space
 * @io_base: its address
 *
 * QEMU's build_memory_hotplug_aml(), byte for byte: Device
 * (@res_root.MHPD) with the block as resource and operation region HPMR,
 * Device (\_SB.MHPC) with the register fields, the methods MSCN, MRST,
 * MCRS, MPXM, MOST, MEJ0 and MTFY, one Device (MPxx, PNP0C80) per slot,
 * and Method (@event_handler_method) calling MSCN.
 */
void qmem_build_memory_hotplug_aml(QmemAml *table, guint32 nr_mem,
                                   const char *res_root,
                                   const char *event_handler_method,
                                   QmemAmlRegionSpace rs, guint64 io_base);

G_END_DECLS

#endif
