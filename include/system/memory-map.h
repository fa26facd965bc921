/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The guest-physical memory map as a table, as JSON and as a PNG picture. */

#ifndef QMEM_SYSTEM_MEMORY_MAP_H
#define QMEM_SYSTEM_MEMORY_MAP_H

#include <json-glib/json-glib.h>
#include "hw/core/boards.h"

G_BEGIN_DECLS

/*
 * A memory map is a list of bands in address order, the way a person reads
 * a machine's memory: boot RAM, the gaps between (the 32-bit PCI hole),
 * the device-memory region and, nested in it, every memory device and the
 * free space between them.  It is a snapshot: it does not follow later
 * plugs; build a new one.
 *
 *     g_autoptr(QmemMemoryMap) map = qmem_memory_map_new(machine);
 *     g_autofree char *text = qmem_memory_map_to_text(map);
 *
 *     fputs(text, stdout);
 *     if (!qmem_memory_map_write_png(map, "map.png", &error)) {
 *         ...
 *     }
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
 *   (and only for it), the RAM sections mapped inside the device, in
 *   address order, possibly none.  With dynamic memslots these are the
 *   memslots that hold plugged blocks; without, the whole device is one
 *   section and only @plugged_size tells how much is plugged.
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
 * A plain-data flat-view section, the input of qmem_memory_map_new_from().
 */
typedef struct {
    guint64 start;
    guint64 size;
    const char *name;
    int node;
} QmemMemoryMapSection;

typedef struct QmemMemoryMap QmemMemoryMap;

/**
 * qmem_memory_map_new_from:
 * @sections: (array length=n_sections): the system address space's flat
 *   view, sorted by address, not overlapping
 * @n_sections: the number of @sections
 * @device_memory_base: the device-memory region's address
 * @device_memory_size: its size; 0 when the machine has none
 * @devices: (nullable): the query-memory-devices list (borrowed)
 *
 * Computes the bands: sections outside device memory become RAM bands,
 * unmapped ranges between them gaps, device memory one band with the
 * devices (and free space) inside; a virtio-mem device's @mapped ranges
 * are the sections inside its range.  Devices without memory (size 0) are
 * left out.
 *
 * Returns: (transfer full): the map.
 */
QmemMemoryMap *qmem_memory_map_new_from(const QmemMemoryMapSection *sections,
                                        guint n_sections,
                                        guint64 device_memory_base,
                                        guint64 device_memory_size,
                                        JsonNode *devices);

/**
 * qmem_memory_map_new:
 * @machine: (nullable): the machine; %NULL gives an empty map
 *
 * qmem_memory_map_new_from() over @machine's system address space, its
 * device memory and qmem_memory_devices_query().
 *
 * Returns: (transfer full): the map.
 */
QmemMemoryMap *qmem_memory_map_new(QmemMachine *machine);

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

/**
 * QmemMemoryMapRect:
 *
 * A rectangle in the picture, in pixels from its top-left corner.
 */
typedef struct {
    int x;
    int y;
    int width;
    int height;
} QmemMemoryMapRect;

/**
 * qmem_memory_map_get_image_size:
 * @width: (out): pixels
 * @height: (out): pixels
 *
 * The size of the picture qmem_memory_map_write_png() draws.
 */
void qmem_memory_map_get_image_size(QmemMemoryMap *map, int *width,
                                    int *height);

/**
 * qmem_memory_map_get_band_area:
 * @index: a band
 * @rect: (out): where the picture shows it (border included; a
 *   device-memory band's area holds the bands inside it)
 *
 * For tools that annotate the picture (an HTML image map) and for tests.
 */
void qmem_memory_map_get_band_area(QmemMemoryMap *map, guint index,
                                   QmemMemoryMapRect *rect);

/**
 * qmem_memory_map_get_mapped_area:
 * @index: a band with @mapped ranges
 * @range: < @mapped->len
 * @rect: (out): the strip that shows the range in the band's memslot
 *   gauge (at the band's right edge)
 */
void qmem_memory_map_get_mapped_area(QmemMemoryMap *map, guint index,
                                     guint range, QmemMemoryMapRect *rect);

/**
 * qmem_memory_map_write_png:
 * @path: the file to (over)write
 * @error: return location for a #GError
 *
 * Draws the map (an address bar whose bands are sized by the logarithm of
 * their size, labelled with names, sizes and start addresses, and a
 * legend) and writes it as an 8-bit RGB PNG.  Fails with "failed to open
 * file '%s': %s" (QEMU's screendump text) or "failed to write file '%s':
 * %s"; a regular file left half-written is removed.
 *
 * Returns: %TRUE when the picture was written.
 */
gboolean qmem_memory_map_write_png(QmemMemoryMap *map, const char *path,
                                   GError **error);

/**
 * qmem_memory_map_qmp_register:
 *
 * Registers the QMP commands x-query-memory-map (the bands of the current
 * machine as JSON) and x-memory-map-png {"filename": PATH} (the picture),
 * and the HMP command info memory-map (the table).  Call once.
 */
void qmem_memory_map_qmp_register(void);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(QmemMemoryMap, qmem_memory_map_free)

G_END_DECLS

#endif
