/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The memory-device interface and its core: addresses, space, memslots. */

#ifndef QMEM_HW_MEM_MEMORY_DEVICE_H
#define QMEM_HW_MEM_MEMORY_DEVICE_H

#include <json-glib/json-glib.h>
#include "hw/core/boards.h"
#include "hw/core/memory.h"
#include "hw/core/qdev.h"

G_BEGIN_DECLS

#define QMEM_TYPE_MEMORY_DEVICE (qmem_memory_device_get_type())
G_DECLARE_INTERFACE(QmemMemoryDevice, qmem_memory_device, QMEM,
                    MEMORY_DEVICE, QmemDevice)

/* QEMU's heuristics for devices that choose their memslot count. */
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
 * @legacy_align: (nullable): unused, for QEMU's signature
 *
 * QEMU's memory_device_pre_plug(): device memory must exist, the
 * hypervisor must have the memslots, the device must fit, and its address
 * is chosen (first fit) or checked (a hint) and stored with set_addr.
 * Every failure has QEMU's message.
 */
gboolean qmem_memory_device_pre_plug(QmemMemoryDevice *md,
                                     QmemMachine *machine,
                                     const guint64 *legacy_align,
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

G_END_DECLS

#endif
