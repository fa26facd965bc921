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
 * A memory device owns a memory region that the machine maps into its
 * device memory, at an address the device asks for or the core picks.
 * Machine types that take memory devices use only the functions below;
 * what is particular to one kind of device (pc-dimm's slots and its share
 * of dimm_size) is that device's pre_plug, plug and unplug hooks.
 *
 * The board's init hook makes the device-memory region:
 *
 *     qmem_memory_devices_init(machine, base, size);
 *
 * and the machine class plugs every memory device with the core's hook
 * functions (a machine with devices of its own calls
 * qmem_memory_device_pre_plug() and friends from its hooks instead):
 *
 *     mc->device_pre_plug = qmem_memory_device_machine_pre_plug;
 *     mc->device_plug = qmem_memory_device_machine_plug;
 *     mc->device_unplug = qmem_memory_device_machine_unplug;
 *
 * Before realize, qmem_memory_device_pre_plug() runs the device's
 * pre_plug and then makes every check that can fail (device memory,
 * memslots, space, alignment) and picks the address; after realize,
 * qmem_memory_device_plug() maps the region and cannot fail;
 * qmem_memory_device_unplug() undoes that before unrealize.
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
 * @kind: the device's type as query-memory-devices and `info
 *   memory-devices` name it ("dimm", "virtio-mem"); the memory map shows
 *   it too.  Required: the interface init sets it, for all devices of the
 *   class.
 * @get_kind: the kind of this device, where a subclass has a kind of its
 *   own (nvdimm under pc-dimm: GLib shares an inherited interface's
 *   vtable with the parent).  Optional: @kind.  May not fail.
 * @plugs_in_parts: whether the guest plugs the device's memory part by
 *   part (virtio-mem's blocks): its plugged size may be below its
 *   region's, and the memory map lists which parts of the region are
 *   mapped.  Default %FALSE: plugged whole (pc-dimm).  Class data too.
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
 * @get_node: the NUMA node the device's memory is on.  Optional: a device
 *   without a node counts on node 0, as QEMU counts virtio-pmem.  Called
 *   on a realized device (plug, unplug, queries); may not fail.
 * @fill_device_info: returns the members of the device's "data" in
 *   query-memory-devices (the entry is {"type": @kind, "data": ...}), a
 *   new object.  Required.
 * @pre_plug: the device's own part of pre-plugging, what only it knows
 *   (pc-dimm: its slot among the machine's -m slots=).  Optional.  Called
 *   first by qmem_memory_device_pre_plug(), before realize and before the
 *   core looks at device memory or the address, for an empty device too.
 *   May fail, with the device's message; may record its choices in the
 *   device (a device whose pre-plug fails is not realized), but may not
 *   map memory or touch the machine's accounting.
 * @plug: the device's own part of plugging (pc-dimm: its size into the
 *   device memory's dimm_size).  Optional.  Called last by
 *   qmem_memory_device_plug(), after realize, once the region is mapped;
 *   not for an empty device.  Cannot fail: it may assert what pre_plug
 *   checked.  May not map or unmap memory.
 * @unplug: the reverse of @plug.  Optional.  Called first by
 *   qmem_memory_device_unplug(), while the region is still mapped; not for
 *   an empty device.  Cannot fail.
 * @get_slot: the memory slot (-m slots=) the device holds, which a
 *   machine's ACPI memory hotplug announces it in (pc-dimm's "slot").
 *   Optional: a device without it holds no slot (virtio-mem-pci), and a
 *   machine plugs and unplugs it without ACPI memory hotplug.  Before
 *   pre_plug it may answer -1 (not chosen yet).  May not fail.
 */
struct _QmemMemoryDeviceInterface {
    GTypeInterface parent_iface;

    const char *kind;
    gboolean plugs_in_parts;

    const char *(*get_kind)(QmemMemoryDevice *md);
    guint64 (*get_addr)(QmemMemoryDevice *md);
    gboolean (*set_addr)(QmemMemoryDevice *md, guint64 addr, GError **error);
    guint64 (*get_plugged_size)(QmemMemoryDevice *md, GError **error);
    QmemMemoryRegion *(*get_memory_region)(QmemMemoryDevice *md,
                                           GError **error);
    guint64 (*get_min_alignment)(QmemMemoryDevice *md);
    void (*decide_memslots)(QmemMemoryDevice *md, guint limit);
    guint (*get_memslots)(QmemMemoryDevice *md);
    guint (*get_node)(QmemMemoryDevice *md);
    JsonObject *(*fill_device_info)(QmemMemoryDevice *md);
    gboolean (*pre_plug)(QmemMemoryDevice *md, QmemMachine *machine,
                         GError **error);
    void (*plug)(QmemMemoryDevice *md, QmemMachine *machine);
    void (*unplug)(QmemMemoryDevice *md, QmemMachine *machine);
    int (*get_slot)(QmemMemoryDevice *md);
};

/**
 * qmem_memory_devices_init:
 * @machine: a machine in its board's init hook
 * @base: guest-physical address of the device-memory region (the board's
 *   choice)
 * @size: its size
 *
 * QEMU's machine_memory_devices_init(): creates the "device-memory"
 * container and its address space, maps the container into system memory
 * at @base, starts counting the memslots mapped in it and hands the state
 * to the machine (qmem_machine_get_device_memory()), which frees it when
 * destroyed.  At most once per machine.
 */
void qmem_memory_devices_init(QmemMachine *machine, guint64 base, guint64 size);

/**
 * qmem_memory_device_pre_plug:
 * @md: a device about to be realized
 * @machine: the machine
 * @error: return location for a #GError
 *
 * QEMU's memory_device_pre_plug(), after the device's own pre_plug hook:
 * device memory must exist, the hypervisor must have the memslots, the
 * device must fit, and its address is chosen (first fit) or checked (a
 * hint) and stored with set_addr.  Every failure has QEMU's message.
 *
 * Returns: %TRUE when @md may be realized and plugged.
 */
gboolean qmem_memory_device_pre_plug(QmemMemoryDevice *md,
                                     QmemMachine *machine,
                                     GError **error);

/**
 * qmem_memory_device_plug:
 *
 * Maps the device's region, accounts for it, then runs the device's plug
 * hook.  Requires a successful pre_plug; cannot fail.
 */
void qmem_memory_device_plug(QmemMemoryDevice *md, QmemMachine *machine);

/**
 * qmem_memory_device_unplug:
 *
 * The reverse of qmem_memory_device_plug(): the device's unplug hook,
 * then the unmapping.
 */
void qmem_memory_device_unplug(QmemMemoryDevice *md, QmemMachine *machine);

/**
 * qmem_memory_device_machine_pre_plug:
 * @machine: the machine
 * @dev: a device about to be realized
 * @error: return location for a #GError
 *
 * A #QmemMachineClass device_pre_plug hook: qmem_memory_device_pre_plug()
 * for a memory device; any other device passes.
 */
gboolean qmem_memory_device_machine_pre_plug(QmemMachine *machine,
                                             QmemDevice *dev, GError **error);

/**
 * qmem_memory_device_machine_plug:
 *
 * A #QmemMachineClass device_plug hook: qmem_memory_device_plug() for a
 * memory device, nothing for any other.
 */
void qmem_memory_device_machine_plug(QmemMachine *machine, QmemDevice *dev);

/**
 * qmem_memory_device_machine_unplug:
 *
 * A #QmemMachineClass device_unplug hook: qmem_memory_device_unplug() for
 * a memory device, nothing for any other.
 */
void qmem_memory_device_machine_unplug(QmemMachine *machine, QmemDevice *dev);

/**
 * qmem_memory_device_get_region_size:
 * Returns: the size of @md's region, 0 for an empty device.
 */
guint64 qmem_memory_device_get_region_size(QmemMemoryDevice *md,
                                           GError **error);

/**
 * qmem_memory_device_get_kind:
 * Returns: @md's kind ("dimm", "virtio-mem"), the interface's kind.
 */
const char *qmem_memory_device_get_kind(QmemMemoryDevice *md);

/**
 * qmem_memory_device_plugs_in_parts:
 * Returns: the interface's plugs_in_parts for @md.
 */
gboolean qmem_memory_device_plugs_in_parts(QmemMemoryDevice *md);

/**
 * qmem_memory_device_get_addr:
 * Returns: @md's guest-physical address, 0 when it has none yet.
 */
guint64 qmem_memory_device_get_addr(QmemMemoryDevice *md);

/**
 * qmem_memory_device_get_plugged_size:
 * Returns: the bytes of @md the guest can use now (get_plugged_size).
 */
guint64 qmem_memory_device_get_plugged_size(QmemMemoryDevice *md);

/**
 * qmem_memory_device_get_node:
 * @md: a realized memory device
 * @node: (out): the NUMA node @md's memory is on (get_node); 0 for a
 *   device without one, where QEMU counts it
 *
 * plug and unplug record @md's range under @node in the node address map
 * (qmem_numa_add_range()).
 *
 * Returns: whether @md has a node.
 */
gboolean qmem_memory_device_get_node(QmemMemoryDevice *md, guint *node);

/**
 * qmem_memory_device_get_slot:
 * @slot: (out): the slot @md holds (get_slot); -1 for a device that holds
 *   none, or whose pre_plug has not picked one yet
 *
 * Returns: whether @md is a device that holds a slot (a DIMM).
 */
gboolean qmem_memory_device_get_slot(QmemMemoryDevice *md, int *slot);

/**
 * qmem_memory_devices_list:
 * Returns: (transfer container) (element-type QmemMemoryDevice): the
 *   realized memory devices, empty ones too, by address.
 */
GPtrArray *qmem_memory_devices_list(void);

/**
 * qmem_memory_devices_get_plugged_size:
 * Returns: the sum of get_plugged_size over realized, non-empty devices.
 */
guint64 qmem_memory_devices_get_plugged_size(void);

/**
 * qmem_memory_devices_get_node_plugged_size:
 * @size: (array length=n_nodes): per NUMA node, zeroed by the caller
 * @n_nodes: the machine's number of nodes
 *
 * Adds to @size[i] what memory devices plug on node i: get_plugged_size
 * of every realized, non-empty device, on its node
 * (qmem_memory_device_get_node()).  Devices on a node >= @n_nodes are
 * left out.  This is the memory-device part of QEMU's
 * query_numa_node_mem() (which sets, not adds, for sgx-epc; qmem has no
 * sgx-epc).
 */
void qmem_memory_devices_get_node_plugged_size(guint64 *size, guint n_nodes);

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

G_END_DECLS

#endif
