/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The guest-physical memory map: its bands, as a table and as JSON. */

#ifndef QMEM_SYSTEM_MEMORY_MAP_H
#define QMEM_SYSTEM_MEMORY_MAP_H

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/*
 * A memory map is a list of bands in address order, the way a person reads
 * a machine's memory: boot RAM, the gaps between (the 32-bit PCI hole),
 * the device-memory region and, nested in it, every memory device and the
 * free space between them.  It is a snapshot: it does not follow later
 * plugs; build a new one.
 *
 * A map comes from plain data (qmem_memory_map_new_from(): flat-view
 * sections, the device-memory range, the memory devices), from a running
 * machine (qmem_memory_map_new() in "hw/mem/memory-map-qmp-cmds.h", which
 * gathers that data), or from what x-query-memory-map returned
 * (qmem_memory_map_new_from_json(), for programs without a machine such
 * as the picture tool, tools/memory-map/).
 *
 *     g_autoptr(QmemMemoryMap) map = qmem_memory_map_new(machine);
 *     g_autofree char *text = qmem_memory_map_to_text(map);
 *     g_autoptr(JsonNode) json = qmem_memory_map_to_json(map);
 */

/**
 * QmemMemoryMapBandKind:
 * @QMEM_MEMORY_MAP_BAND_RAM: boot RAM (a flat-view section outside device
 *   memory)
 * @QMEM_MEMORY_MAP_BAND_GAP: an unmapped range between top-level bands
 * @QMEM_MEMORY_MAP_BAND_DEVICE_MEMORY: the device-memory region
 * @QMEM_MEMORY_MAP_BAND_FREE: a part of device memory no device uses
 * @QMEM_MEMORY_MAP_BAND_DEVICE: a memory device
 */
typedef enum {
    QMEM_MEMORY_MAP_BAND_RAM,
    QMEM_MEMORY_MAP_BAND_GAP,
    QMEM_MEMORY_MAP_BAND_DEVICE_MEMORY,
    QMEM_MEMORY_MAP_BAND_FREE,
    QMEM_MEMORY_MAP_BAND_DEVICE,
} QmemMemoryMapBandKind;

/**
 * QmemMemoryMapRange:
 * @start: guest-physical address
 * @size: bytes
 */
typedef struct {
    guint64 start;
    guint64 size;
} QmemMemoryMapRange;

/**
 * QmemMemoryMapBand:
 * @kind: what the band is
 * @type: the kind as users read it: "ram", "gap", "device-memory", "free",
 *   or for a device its query-memory-devices type ("dimm", "virtio-mem")
 * @name: the RAM region's name, "device-memory", the device's id; "" when
 *   there is none (gaps, free space, devices without an id)
 * @start: first guest-physical address
 * @size: bytes (> 0); for virtio-mem the whole device (max-size)
 * @depth: 0 for top-level bands, 1 for bands inside device memory
 * @node: the NUMA node, -1 when unknown (boot RAM until NUMA fills it in)
 * @plugged_size: for a device, the bytes the guest can use now (virtio-mem:
 *   its plugged blocks); else @size
 * @mapped: (element-type QmemMemoryMapRange) (nullable): for virtio-mem
 *   (a device with @list_mapped) and only for it, the RAM sections mapped
 *   inside the device, in address order, possibly none.  With dynamic
 *   memslots these are the memslots that hold plugged blocks; without,
 *   the whole device is one section and only @plugged_size tells how much
 *   is plugged.
 */
typedef struct {
    QmemMemoryMapBandKind kind;
    char *type;
    char *name;
    guint64 start;
    guint64 size;
    guint depth;
    int node;
    guint64 plugged_size;
    GArray *mapped;
} QmemMemoryMapBand;

/**
 * QmemMemoryMapSection:
 * @start: guest-physical address of a flat-view RAM section
 * @size: bytes
 * @name: its memory region's name
 * @node: the NUMA node owning it, -1 when unknown
 *
 * A plain-data flat-view section, an input of qmem_memory_map_new_from().
 */
typedef struct {
    guint64 start;
    guint64 size;
    const char *name;
    int node;
} QmemMemoryMapSection;

/**
 * QmemMemoryMapDevice:
 * @type: the device's kind as query-memory-devices names it ("dimm",
 *   "virtio-mem"); the band's @type
 * @id: (nullable): the device's id
 * @start: guest-physical address
 * @size: the bytes the device spans (virtio-mem: its max-size); 0 for a
 *   device without memory, which the map leaves out
 * @plugged_size: the bytes the guest can use now
 * @node: the NUMA node, -1 when the device has none
 * @list_mapped: whether the RAM sections inside the device are listed as
 *   its band's @mapped ranges (virtio-mem, whose memslots come and go)
 *
 * A plain-data memory device, an input of qmem_memory_map_new_from().
 */
typedef struct {
    const char *type;
    const char *id;
    guint64 start;
    guint64 size;
    guint64 plugged_size;
    int node;
    gboolean list_mapped;
} QmemMemoryMapDevice;

typedef struct QmemMemoryMap QmemMemoryMap;

/**
 * qmem_memory_map_new_from:
 * @sections: (array length=n_sections): the system address space's flat
 *   view, sorted by address, not overlapping
 * @n_sections: the number of @sections
 * @device_memory_base: the device-memory region's address
 * @device_memory_size: its size; 0 when the machine has none
 * @devices: (array length=n_devices): the memory devices, in address order
 * @n_devices: the number of @devices
 *
 * Computes the bands: sections outside device memory become RAM bands,
 * unmapped ranges between them gaps, device memory one band with the
 * devices (and free space) inside; the sections inside a device are its
 * memory, not RAM bands.  Devices without memory (size 0) are left out.
 * Every string is copied.
 *
 * Returns: (transfer full): the map.
 */
QmemMemoryMap *qmem_memory_map_new_from(const QmemMemoryMapSection *sections,
                                        guint n_sections,
                                        guint64 device_memory_base,
                                        guint64 device_memory_size,
                                        const QmemMemoryMapDevice *devices,
                                        guint n_devices);

/**
 * qmem_memory_map_new_from_json:
 * @bands: what x-query-memory-map returns (qmem_memory_map_to_json()):
 *   a list of band objects; borrowed
 * @error: return location for a #GError
 *
 * Takes the bands as they are, in the order given: the inverse of
 * qmem_memory_map_to_json(), so that a program without a machine can
 * print or draw the map of one that ran elsewhere.  The band's kind
 * follows its "kind" ("ram", "gap", "device-memory", "free", anything
 * else a device).  Fails (%QMEM_ERROR_GENERIC) when @bands is not a list
 * ("the memory map must be a list of bands") or a band is not as
 * qmem_memory_map_to_json() describes: "band %u is not an object",
 * "band %u has no '%s'", "band %u: '%s' must be an unsigned integer",
 * "band %u: '%s' must be a string", "band %u: 'depth' must be 0 or 1",
 * "band %u: 'node' is out of range", "band %u is empty", "band %u
 * reaches past the end of the address space", "band %u: 'mapped' must
 * be a list", "band %u: mapped range %u is not a start and a size",
 * "band %u: mapped range %u is outside the band"; bands count from 0.
 *
 * Returns: (transfer full) (nullable): the map, or %NULL with @error set.
 */
QmemMemoryMap *qmem_memory_map_new_from_json(JsonNode *bands,
                                             GError **error);

void qmem_memory_map_free(QmemMemoryMap *map);

guint qmem_memory_map_get_n_bands(QmemMemoryMap *map);

/**
 * qmem_memory_map_get_band:
 * @index: < qmem_memory_map_get_n_bands()
 *
 * Bands come in address order; a device-memory band comes before the
 * bands inside it.
 *
 * Returns: (transfer none): the band.
 */
const QmemMemoryMapBand *qmem_memory_map_get_band(QmemMemoryMap *map,
                                                  guint index);

/**
 * qmem_memory_map_to_text:
 *
 * The table the main job prints and HMP `info memory-map` shows: a header,
 * then one line per band: start and inclusive end ("0x%016lx"), size
 * (qmem_size_to_str()), type indented by depth, name, and in parentheses
 * the node and, for virtio-mem, the plugged size.  A virtio-mem band is
 * followed by one "mapped" line per @mapped range.
 *
 * Returns: (transfer full): the text, every line ending in "\n".
 */
char *qmem_memory_map_to_text(QmemMemoryMap *map);

/**
 * qmem_memory_map_to_json:
 *
 * Returns: (transfer full): what x-query-memory-map returns: one object
 *   per band, {"start", "size", "kind" (the band's @type), "depth", and
 *   "name" unless it is "", "node" when known, "plugged-size" for devices,
 *   "mapped": [{"start", "size"}, ...] for virtio-mem}.
 */
JsonNode *qmem_memory_map_to_json(QmemMemoryMap *map);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(QmemMemoryMap, qmem_memory_map_free)

G_END_DECLS

#endif
