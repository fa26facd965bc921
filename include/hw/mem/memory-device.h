/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The memory-device interface and its core: addresses, space, memslots. */

#ifndef QMEM_HW_MEM_MEMORY_DEVICE_H
#define QMEM_HW_MEM_MEMORY_DEVICE_H

#include <json-glib/json-glib.h>
#include "hw/core/boards.h"
#include "hw/core/qdev.h"
#include "system/memory.h"

G_BEGIN_DECLS

/*
 * How a machine plugs memory devices (QEMU's pc machine, hw/i386/pc.c):
 *
 *   device_pre_plug hook, before the device is realized:
 *     a pc-dimm (g_type_is_a(type, qmem_type_from_name("pc-dimm"))):
 *       qmem_memory_device_assign_slot(dev, "slot",
 *                                      qmem_machine_get_ram_slots(machine))
 *     every memory device:
 *       qmem_memory_device_pre_plug(md, machine, error)
 *   device_plug hook, after realize (cannot fail):
 *     qmem_memory_device_plug(md, machine)
 *     a pc-dimm: dms->dimm_size += qmem_memory_device_get_region_size(md)
 *   device_unplug hook, before unrealize:
 *     qmem_memory_device_unplug(md, machine)
 *     a pc-dimm: dms->dimm_size -= its region size
 *
 * pc-dimm is a loadable module, so machine modules cannot call into it;
 * "hw/mem/pc-dimm.h" wraps these steps as static inline
 * qmem_pc_dimm_pre_plug(), qmem_pc_dimm_plug() and qmem_pc_dimm_unplug(),
 * which only use the core.  The machine's init hook creates the
 * device-memory state with qmem_machine_init_device_memory(), which calls
 * qmem_memory_devices_init_listener().
 */

#define QMEM_TYPE_MEMORY_DEVICE (qmem_memory_device_get_type())
G_DECLARE_INTERFACE(QmemMemoryDevice, qmem_memory_device, QMEM,
                    MEMORY_DEVICE, QmemDevice)

/*
 * How many memslots the devices that decide their own count
 * (decide_memslots: virtio-mem with dynamic memslots) may take, QEMU's
 * heuristic.
 *
 * KVM and vhost traditionally offered 509 memslots, and set-ups were
 * built around that: 253 for boot memory and for whatever else maps RAM
 * on the fly (PCI BARs), 256 for DIMMs, the most a pc machine has.  Those
 * numbers have always worked.  Many memslots also slow the hypervisor
 * down, so all memory devices together keep to the old DIMM count: 256 is
 * a soft limit, not a hard one.
 *
 * A hypervisor (or vhost backend) with fewer than 509 memslots is not
 * trusted with more than that: a device that decides for itself is told
 * to use a single one.  With 509 or more, a vhost device plugged later is
 * not expected to run short, even after devices took many.
 */
#define QMEM_MEMORY_DEVICES_SOFT_MEMSLOT_LIMIT 256
#define QMEM_MEMORY_DEVICES_SAFE_MAX_MEMSLOTS 509

/**
 * QmemMemoryDeviceInterface:
 * @get_addr: the guest-physical address the device is (to be) mapped at;
 *   0 means "not specified/assigned yet".  Required.  Called before and
 *   after realize.
 * @set_addr: stores the address chosen in pre_plug.  Required.  May fail
 *   only as a property setter would.
 * @get_plugged_size: bytes of the device the guest can use now (a DIMM:
 *   all of it; virtio-mem: the plugged blocks).  Required.
 * @get_memory_region: the region to map into device memory, or %NULL
 *   without an error for an empty device (skipped by pre_plug, plug and
 *   the address search, but listed by queries).  Required.  Called during
 *   pre_plug, before realize, so it must work on an unrealized device.
 * @get_min_alignment: an alignment the device needs beyond its region's.
 *   Optional.
 * @decide_memslots: called exactly once during pre_plug, before the first
 *   get_memslots, with the most memslots the device may use (>= 1).
 *   Optional.
 * @get_memslots: how many memslots the device needs.  Optional: 1.
 * @fill_device_info: returns the device's query-memory-devices entry, a
 *   MemoryDeviceInfo object ({"type": ..., "data": {...}}).  Required.
 */
struct _QmemMemoryDeviceInterface {
    GTypeInterface parent_iface;

    guint64 (*get_addr)(QmemMemoryDevice *md);
    gboolean (*set_addr)(QmemMemoryDevice *md, guint64 addr, GError **error);
    guint64 (*get_plugged_size)(QmemMemoryDevice *md, GError **error);
    QmemMemoryRegion *(*get_memory_region)(QmemMemoryDevice *md,
                                           GError **error);
    guint64 (*get_min_alignment)(QmemMemoryDevice *md);
    void (*decide_memslots)(QmemMemoryDevice *md, guint limit);
    guint (*get_memslots)(QmemMemoryDevice *md);
    JsonNode *(*fill_device_info)(QmemMemoryDevice *md);
};

/**
 * qmem_memory_device_pre_plug:
 * @md: a device about to be realized
 * @machine: the machine
 * @error: return location for a #GError
 *
 * QEMU's memory_device_pre_plug(): device memory must exist, the
 * hypervisor must have the memslots, the device must fit, and its address
 * is chosen (first fit) or checked (a hint) and stored with set_addr.
 * Every failure has QEMU's message.
 */
gboolean qmem_memory_device_pre_plug(QmemMemoryDevice *md,
                                     QmemMachine *machine,
                                     GError **error);

/**
 * qmem_memory_device_plug:
 *
 * Maps the device's region and accounts for it.  Requires a successful
 * pre_plug; cannot fail.
 */
void qmem_memory_device_plug(QmemMemoryDevice *md, QmemMachine *machine);

/**
 * qmem_memory_device_unplug:
 *
 * The reverse of qmem_memory_device_plug().
 */
void qmem_memory_device_unplug(QmemMemoryDevice *md, QmemMachine *machine);

/**
 * qmem_memory_device_get_region_size:
 * Returns: the size of @md's region, 0 for an empty device.
 */
guint64 qmem_memory_device_get_region_size(QmemMemoryDevice *md,
                                           GError **error);

/**
 * qmem_memory_device_get_node:
 * @md: a memory device
 *
 * Returns: the NUMA node @md's memory belongs to: the "node" of its
 *   query-memory-devices entry, 0 for devices without one.  plug and
 *   unplug record @md's range under it in the node address map
 *   (qmem_numa_add_range()).
 */
guint qmem_memory_device_get_node(QmemMemoryDevice *md);

/**
 * qmem_memory_devices_get_plugged_size:
 * Returns: the sum of get_plugged_size over realized, non-empty devices.
 */
guint64 qmem_memory_devices_get_plugged_size(void);

/**
 * qmem_memory_devices_query:
 * Returns: (transfer full): the query-memory-devices list, sorted by
 *   address.
 */
JsonNode *qmem_memory_devices_query(void);

/**
 * qmem_memory_devices_info:
 * @out: where HMP `info memory-devices` text goes
 */
void qmem_memory_devices_info(GString *out);

/**
 * qmem_memory_devices_get_reserved_memslots:
 * Returns: required_memslots - used_memslots (0 when fewer are required).
 */
guint qmem_memory_devices_get_reserved_memslots(QmemMachine *machine);

/**
 * qmem_memory_device_assign_slot:
 * @dev: a DIMM about to be realized
 * @slot_prop: the name of its int32 slot property ("slot"); -1 = any
 * @ram_slots: the machine's slot count (-m slots=)
 * @error: return location for a #GError
 *
 * QEMU's pc_dimm_pre_plug() slot part: checks an explicit slot ("invalid
 * slot number %d, valid range is [0-%lu]", "invalid slot# %d, should be
 * less than %d", "slot %d is busy"), or picks the lowest slot no realized
 * pc-dimm uses ("no free slots available"); without slots: "no slots where
 * allocated, please specify the 'slots' option".  Writes the slot back to
 * @slot_prop.
 *
 * Returns: %TRUE when @dev has its slot.
 */
gboolean qmem_memory_device_assign_slot(QmemDevice *dev,
                                        const char *slot_prop,
                                        guint64 ram_slots, GError **error);

/**
 * qmem_memory_devices_init_listener:
 * @dms: the machine's device-memory state, with @dms->as set up
 *
 * Registers @dms->listener on @dms->as so that @dms->used_memslots counts
 * the RAM sections mapped in device memory (QEMU's
 * machine_memory_devices_init() part).  The machine unregisters it with
 * qmem_memory_listener_unregister() before it frees @dms->as.
 */
void qmem_memory_devices_init_listener(QmemDeviceMemoryState *dms);


G_END_DECLS

#endif
