/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The guest-physical memory map: bands, table, JSON, PNG picture, QMP. */

#include <errno.h>
#include <inttypes.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <pixman.h>
#include <png.h>
#include "hw/core/numa.h"
#include "hw/mem/memory-device.h"
#include "monitor/hmp.h"
#include "monitor/qmp.h"
#include "qapi/qmp-command.h"
#include "qobject/json.h"
#include "system/memory-map.h"
#include "util/cutils.h"
#include "util/error.h"

typedef struct {
    int width;
    int height;
    QmemMemoryMapRect *areas;       /* one per band */
} Layout;

struct QmemMemoryMap {
    GPtrArray *bands;               /* QmemMemoryMapBand *, owned */
    Layout *layout;                 /* computed on first use */
};

/* ------------------------------------------------------------------ */
/* The model */

static void band_free(gpointer data)
{
    QmemMemoryMapBand *band = data;

    g_free(band->type);
    g_free(band->name);
    g_clear_pointer(&band->mapped, g_array_unref);
    g_free(band);
}

static QmemMemoryMapBand *band_new(QmemMemoryMapBandKind kind,
                                   const char *type, const char *name,
                                   guint64 start, guint64 size, guint depth)
{
    QmemMemoryMapBand *band = g_new0(QmemMemoryMapBand, 1);

    band->kind = kind;
    band->type = g_strdup(type);
    band->name = g_strdup(name ? name : "");
    band->start = start;
    band->size = size;
    band->depth = depth;
    band->node = -1;
    band->plugged_size = size;
    return band;
}

/* Inclusive ends: a band may end at the top of the address space. */
static guint64 band_last(const QmemMemoryMapBand *band)
{
    return band->start + band->size - 1;
}

static gboolean range_inside(guint64 start, guint64 size, guint64 base,
                             guint64 base_size)
{
    return base_size && size && start >= base &&
           start - base < base_size && size <= base_size - (start - base);
}

static gint band_compare(gconstpointer a, gconstpointer b)
{
    const QmemMemoryMapBand *x = *(QmemMemoryMapBand *const *)a;
    const QmemMemoryMapBand *y = *(QmemMemoryMapBand *const *)b;

    if (x->start != y->start) {
        return x->start < y->start ? -1 : 1;
    }
    /* A container comes before what starts at its own address. */
    return (int)x->depth - (int)y->depth;
}

/*
 * Adds the ranges of [@first, @last] that no band of @bands (sorted, not
 * overlapping) covers as bands of @kind, and sorts again.
 */
static void add_holes(GPtrArray *bands, QmemMemoryMapBandKind kind,
                      const char *type, guint64 first, guint64 last,
                      guint depth)
{
    guint64 next = first;
    gboolean covered = FALSE;       /* up to @last; @next may have wrapped */
    guint n = bands->len;

    for (guint i = 0; i < n && !covered; i++) {
        QmemMemoryMapBand *band = g_ptr_array_index(bands, i);

        if (band->start > next) {
            guint64 end = MIN(band->start - 1, last);

            if (next <= end) {
                g_ptr_array_add(bands, band_new(kind, type, NULL, next,
                                                end - next + 1, depth));
            }
        }
        covered = band_last(band) >= last;
        next = MAX(next, band_last(band) + 1);
    }
    if (!covered && next <= last) {
        g_ptr_array_add(bands, band_new(kind, type, NULL, next,
                                        last - next + 1, depth));
    }
    g_ptr_array_sort(bands, band_compare);
}

static guint64 member_uint64(JsonObject *obj, const char *name,
                             gboolean *has)
{
    JsonNode *node = obj ? json_object_get_member(obj, name) : NULL;

    *has = node && JSON_NODE_HOLDS_VALUE(node) &&
           json_node_get_value_type(node) == G_TYPE_INT64;
    /* JSON-GLib keeps uint64 values above G_MAXINT64 as their bits. */
    return *has ? (guint64)json_node_get_int(node) : 0;
}

/*
 * One query-memory-devices entry ({"type": T, "data": {...}}) as a band,
 * or NULL for a device without memory.  Devices that grow (virtio-mem,
 * hv-balloon) span "max-size" and report what is usable as "size"; the
 * others span "size".  Their address is "addr" or "memaddr".
 */
static QmemMemoryMapBand *device_band(JsonNode *info)
{
    JsonObject *obj, *data;
    JsonNode *member;
    const char *type, *id;
    guint64 start, size, plugged;
    gboolean has, has_max, has_plugged;
    QmemMemoryMapBand *band;

    if (!JSON_NODE_HOLDS_OBJECT(info)) {
        return NULL;
    }
    obj = json_node_get_object(info);
    type = json_object_get_string_member_with_default(obj, "type", "device");
    member = json_object_get_member(obj, "data");
    data = member && JSON_NODE_HOLDS_OBJECT(member) ?
           json_node_get_object(member) : NULL;
    start = member_uint64(data, "addr", &has);
    if (!has) {
        start = member_uint64(data, "memaddr", &has);
    }
    size = member_uint64(data, "max-size", &has_max);
    plugged = member_uint64(data, "size", &has_plugged);
    if (!has_max) {
        size = plugged;
    }
    if (!size || (start + size - 1) < start) {
        return NULL;
    }
    id = data ? json_object_get_string_member_with_default(data, "id", "")
              : "";
    band = band_new(QMEM_MEMORY_MAP_BAND_DEVICE, type, id, start, size, 0);
    band->plugged_size = has_plugged ? plugged : size;
    if (data && json_object_has_member(data, "node")) {
        gboolean has_node;
        guint64 node = member_uint64(data, "node", &has_node);

        band->node = has_node && node <= G_MAXINT ? (int)node : -1;
    }
    return band;
}

QmemMemoryMap *qmem_memory_map_new_from(const QmemMemoryMapSection *sections,
                                        guint n_sections,
                                        guint64 device_memory_base,
                                        guint64 device_memory_size,
                                        JsonNode *devices)
{
    QmemMemoryMap *map;
    g_autoptr(GPtrArray) top = NULL;
    g_autoptr(GPtrArray) inside = NULL;
    g_autofree gboolean *claimed = NULL;
    const guint64 dm_base = device_memory_base;
    const guint64 dm_size = device_memory_size;

    g_return_val_if_fail(sections || !n_sections, NULL);
    g_return_val_if_fail(!dm_size || dm_base + dm_size - 1 >= dm_base, NULL);

    map = g_new0(QmemMemoryMap, 1);
    map->bands = g_ptr_array_new_with_free_func(band_free);
    top = g_ptr_array_new();
    inside = g_ptr_array_new();
    claimed = g_new0(gboolean, n_sections + 1);

    if (devices && JSON_NODE_HOLDS_ARRAY(devices)) {
        JsonArray *list = json_node_get_array(devices);

        for (guint i = 0; i < json_array_get_length(list); i++) {
            QmemMemoryMapBand *band =
                device_band(json_array_get_element(list, i));

            if (!band) {
                continue;
            }
            if (range_inside(band->start, band->size, dm_base, dm_size)) {
                band->depth = 1;
                g_ptr_array_add(inside, band);
            } else {
                g_ptr_array_add(top, band);
            }
            if (!strcmp(band->type, "virtio-mem")) {
                band->mapped = g_array_new(FALSE, FALSE,
                                           sizeof(QmemMemoryMapRange));
            }
            /* Sections inside a device are its memory, not boot RAM. */
            for (guint s = 0; s < n_sections; s++) {
                if (!range_inside(sections[s].start, sections[s].size,
                                  band->start, band->size)) {
                    continue;
                }
                claimed[s] = TRUE;
                if (band->mapped) {
                    QmemMemoryMapRange range = {
                        sections[s].start, sections[s].size
                    };

                    g_array_append_val(band->mapped, range);
                }
            }
        }
    }

    for (guint s = 0; s < n_sections; s++) {
        QmemMemoryMapBand *band;

        if (claimed[s] || !sections[s].size) {
            continue;
        }
        band = band_new(QMEM_MEMORY_MAP_BAND_RAM, "ram", sections[s].name,
                        sections[s].start, sections[s].size, 0);
        band->node = sections[s].node;
        if (range_inside(band->start, band->size, dm_base, dm_size)) {
            band->depth = 1;
            g_ptr_array_add(inside, band);
        } else {
            g_ptr_array_add(top, band);
        }
    }

    if (dm_size) {
        g_ptr_array_add(top, band_new(QMEM_MEMORY_MAP_BAND_DEVICE_MEMORY,
                                      "device-memory", "device-memory",
                                      dm_base, dm_size, 0));
        g_ptr_array_sort(inside, band_compare);
        add_holes(inside, QMEM_MEMORY_MAP_BAND_FREE, "free", dm_base,
                  dm_base + dm_size - 1, 1);
    }
    g_ptr_array_sort(top, band_compare);
    if (top->len) {
        guint64 last = 0;

        for (guint i = 0; i < top->len; i++) {
            last = MAX(last, band_last(g_ptr_array_index(top, i)));
        }
        add_holes(top, QMEM_MEMORY_MAP_BAND_GAP, "gap", 0, last, 0);
    }

    for (guint i = 0; i < top->len; i++) {
        QmemMemoryMapBand *band = g_ptr_array_index(top, i);

        g_ptr_array_add(map->bands, band);
        if (band->kind == QMEM_MEMORY_MAP_BAND_DEVICE_MEMORY) {
            for (guint j = 0; j < inside->len; j++) {
                g_ptr_array_add(map->bands, g_ptr_array_index(inside, j));
            }
        }
    }
    return map;
}

QmemMemoryMap *qmem_memory_map_new(QmemMachine *machine)
{
    g_autofree QmemMemoryMapSection *plain = NULL;
    g_autoptr(JsonNode) devices = NULL;
    const QmemMemorySection *sections;
    QmemDeviceMemoryState *dms;
    guint n = 0, node;

    if (!machine) {
        return qmem_memory_map_new_from(NULL, 0, 0, 0, NULL);
    }
    sections = qmem_address_space_get_sections(
        qmem_machine_get_address_space(machine), &n);
    plain = g_new0(QmemMemoryMapSection, n + 1);
    for (guint i = 0; i < n; i++) {
        plain[i].start = sections[i].offset_within_address_space;
        plain[i].size = sections[i].size;
        plain[i].name = qmem_memory_region_get_name(sections[i].mr);
        /* A section spanning nodes (legacy mem=) shows its first node. */
        plain[i].node = qmem_numa_get_num_nodes(machine) &&
                        qmem_numa_get_node(machine, plain[i].start, &node,
                                           NULL) ? (int)node : -1;
    }
    dms = qmem_machine_get_device_memory(machine);
    devices = qmem_memory_devices_query();
    return qmem_memory_map_new_from(plain, n, dms ? dms->base : 0,
                                    dms ? qmem_memory_region_size(dms->mr)
                                        : 0,
                                    devices);
}

static void layout_free(Layout *layout)
{
    if (layout) {
        g_free(layout->areas);
        g_free(layout);
    }
}

void qmem_memory_map_free(QmemMemoryMap *map)
{
    if (map) {
        g_ptr_array_unref(map->bands);
        layout_free(map->layout);
        g_free(map);
    }
}

guint qmem_memory_map_get_n_bands(QmemMemoryMap *map)
{
    g_return_val_if_fail(map != NULL, 0);
    return map->bands->len;
}

const QmemMemoryMapBand *qmem_memory_map_get_band(QmemMemoryMap *map,
                                                  guint index)
{
    g_return_val_if_fail(map != NULL, NULL);
    g_return_val_if_fail(index < map->bands->len, NULL);
    return g_ptr_array_index(map->bands, index);
}

/* ------------------------------------------------------------------ */
/* Table and JSON */

/* "(node 0, plugged 2 GiB)", or NULL when there is nothing to say. */
static char *band_details(const QmemMemoryMapBand *band)
{
    g_autoptr(GPtrArray) parts = g_ptr_array_new_with_free_func(g_free);
    g_autofree char *joined = NULL;

    if (band->node >= 0) {
        g_ptr_array_add(parts, g_strdup_printf("node %d", band->node));
    }
    if (band->mapped || (band->kind == QMEM_MEMORY_MAP_BAND_DEVICE &&
                         band->plugged_size != band->size)) {
        g_autofree char *plugged = qmem_size_to_str(band->plugged_size);

        g_ptr_array_add(parts, g_strdup_printf("plugged %s", plugged));
    }
    if (!parts->len) {
        return NULL;
    }
    g_ptr_array_add(parts, NULL);
    joined = g_strjoinv(", ", (char **)parts->pdata);
    return g_strdup_printf("(%s)", joined);
}

static void append_row(GString *out, guint64 start, guint64 size,
                       guint depth, const char *type, const char *name,
                       const char *details)
{
    g_autofree char *size_str = qmem_size_to_str(size);
    g_autofree char *kind = g_strdup_printf("%*s%s", depth * 2, "", type);
    g_autofree char *line = g_strdup_printf(
        "0x%016" PRIx64 " 0x%016" PRIx64 " %-9s %-15s %s%s%s", start,
        start + size - 1, size_str, kind, name, *name && details ? " " : "",
        details ? details : "");

    /* Unnamed bands would otherwise end in the kind column's padding. */
    g_string_append(out, g_strchomp(line));
    g_string_append_c(out, '\n');
}

char *qmem_memory_map_to_text(QmemMemoryMap *map)
{
    GString *out;

    g_return_val_if_fail(map != NULL, NULL);

    out = g_string_new(NULL);
    g_string_append_printf(out, "%-18s %-18s %-9s %-15s %s\n", "start",
                           "end", "size", "kind", "name");
    for (guint i = 0; i < map->bands->len; i++) {
        const QmemMemoryMapBand *band = g_ptr_array_index(map->bands, i);
        g_autofree char *details = band_details(band);

        append_row(out, band->start, band->size, band->depth, band->type,
                   band->name, details);
        for (guint j = 0; band->mapped && j < band->mapped->len; j++) {
            const QmemMemoryMapRange *range =
                &g_array_index(band->mapped, QmemMemoryMapRange, j);

            append_row(out, range->start, range->size, band->depth + 1,
                       "mapped", "", NULL);
        }
    }
    return g_string_free(out, FALSE);
}

JsonNode *qmem_memory_map_to_json(QmemMemoryMap *map)
{
    JsonArray *list;
    JsonNode *node;

    g_return_val_if_fail(map != NULL, NULL);

    list = json_array_new();

    for (guint i = 0; i < map->bands->len; i++) {
        const QmemMemoryMapBand *band = g_ptr_array_index(map->bands, i);
        JsonObject *obj = json_object_new();

        json_object_set_member(obj, "start",
                               qmem_json_node_new_uint64(band->start));
        json_object_set_member(obj, "size",
                               qmem_json_node_new_uint64(band->size));
        json_object_set_string_member(obj, "kind", band->type);
        json_object_set_int_member(obj, "depth", band->depth);
        if (*band->name) {
            json_object_set_string_member(obj, "name", band->name);
        }
        if (band->node >= 0) {
            json_object_set_int_member(obj, "node", band->node);
        }
        if (band->kind == QMEM_MEMORY_MAP_BAND_DEVICE) {
            json_object_set_member(obj, "plugged-size",
                                   qmem_json_node_new_uint64(
                                       band->plugged_size));
        }
        if (band->mapped) {
            JsonArray *mapped = json_array_new();

            for (guint j = 0; j < band->mapped->len; j++) {
                const QmemMemoryMapRange *range =
                    &g_array_index(band->mapped, QmemMemoryMapRange, j);
                JsonObject *r = json_object_new();

                json_object_set_member(r, "start",
                                       qmem_json_node_new_uint64(range->start));
                json_object_set_member(r, "size",
                                       qmem_json_node_new_uint64(range->size));
                json_array_add_object_element(mapped, r);
            }
            json_object_set_array_member(obj, "mapped", mapped);
        }
        json_array_add_object_element(list, obj);
    }
    node = json_node_new(JSON_NODE_ARRAY);
    json_node_take_array(node, list);
    return node;
}

/* ------------------------------------------------------------------ */
/* The picture */

/*
 * A 5x9 bitmap font for ASCII 32..126, one byte per row, bit 4 the left
 * column; rows 0-6 hold capitals and digits, rows 7-8 descenders.
 */
#define GLYPH_W 5
#define GLYPH_H 9

static const guint8 font[95][GLYPH_H] = {
    { 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00 }, /* ' ' */
    { 0x04, 0x04, 0x04, 0x04, 0x04, 0x00, 0x04, 0x00, 0x00 }, /* '!' */
    { 0x0a, 0x0a, 0x0a, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00 }, /* '"' */
    { 0x0a, 0x0a, 0x1f, 0x0a, 0x1f, 0x0a, 0x0a, 0x00, 0x00 }, /* '#' */
    { 0x04, 0x0f, 0x14, 0x0e, 0x05, 0x1e, 0x04, 0x00, 0x00 }, /* '$' */
    { 0x18, 0x19, 0x02, 0x04, 0x08, 0x13, 0x03, 0x00, 0x00 }, /* '%' */
    { 0x0c, 0x12, 0x14, 0x08, 0x15, 0x12, 0x0d, 0x00, 0x00 }, /* '&' */
    { 0x04, 0x04, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00 }, /* '\'' */
    { 0x02, 0x04, 0x08, 0x08, 0x08, 0x04, 0x02, 0x00, 0x00 }, /* '(' */
    { 0x08, 0x04, 0x02, 0x02, 0x02, 0x04, 0x08, 0x00, 0x00 }, /* ')' */
    { 0x00, 0x04, 0x15, 0x0e, 0x15, 0x04, 0x00, 0x00, 0x00 }, /* '*' */
    { 0x00, 0x04, 0x04, 0x1f, 0x04, 0x04, 0x00, 0x00, 0x00 }, /* '+' */
    { 0x00, 0x00, 0x00, 0x00, 0x00, 0x0c, 0x04, 0x08, 0x00 }, /* ',' */
    { 0x00, 0x00, 0x00, 0x1f, 0x00, 0x00, 0x00, 0x00, 0x00 }, /* '-' */
    { 0x00, 0x00, 0x00, 0x00, 0x00, 0x0c, 0x0c, 0x00, 0x00 }, /* '.' */
    { 0x00, 0x01, 0x02, 0x04, 0x08, 0x10, 0x00, 0x00, 0x00 }, /* '/' */
    { 0x0e, 0x11, 0x13, 0x15, 0x19, 0x11, 0x0e, 0x00, 0x00 }, /* '0' */
    { 0x04, 0x0c, 0x04, 0x04, 0x04, 0x04, 0x0e, 0x00, 0x00 }, /* '1' */
    { 0x0e, 0x11, 0x01, 0x02, 0x04, 0x08, 0x1f, 0x00, 0x00 }, /* '2' */
    { 0x1f, 0x02, 0x04, 0x02, 0x01, 0x11, 0x0e, 0x00, 0x00 }, /* '3' */
    { 0x02, 0x06, 0x0a, 0x12, 0x1f, 0x02, 0x02, 0x00, 0x00 }, /* '4' */
    { 0x1f, 0x10, 0x1e, 0x01, 0x01, 0x11, 0x0e, 0x00, 0x00 }, /* '5' */
    { 0x06, 0x08, 0x10, 0x1e, 0x11, 0x11, 0x0e, 0x00, 0x00 }, /* '6' */
    { 0x1f, 0x01, 0x02, 0x04, 0x08, 0x08, 0x08, 0x00, 0x00 }, /* '7' */
    { 0x0e, 0x11, 0x11, 0x0e, 0x11, 0x11, 0x0e, 0x00, 0x00 }, /* '8' */
    { 0x0e, 0x11, 0x11, 0x0f, 0x01, 0x02, 0x0c, 0x00, 0x00 }, /* '9' */
    { 0x00, 0x0c, 0x0c, 0x00, 0x0c, 0x0c, 0x00, 0x00, 0x00 }, /* ':' */
    { 0x00, 0x0c, 0x0c, 0x00, 0x00, 0x0c, 0x04, 0x08, 0x00 }, /* ';' */
    { 0x02, 0x04, 0x08, 0x10, 0x08, 0x04, 0x02, 0x00, 0x00 }, /* '<' */
    { 0x00, 0x00, 0x1f, 0x00, 0x1f, 0x00, 0x00, 0x00, 0x00 }, /* '=' */
    { 0x08, 0x04, 0x02, 0x01, 0x02, 0x04, 0x08, 0x00, 0x00 }, /* '>' */
    { 0x0e, 0x11, 0x01, 0x02, 0x04, 0x00, 0x04, 0x00, 0x00 }, /* '?' */
    { 0x0e, 0x11, 0x01, 0x0d, 0x15, 0x15, 0x0e, 0x00, 0x00 }, /* '@' */
    { 0x0e, 0x11, 0x11, 0x1f, 0x11, 0x11, 0x11, 0x00, 0x00 }, /* 'A' */
    { 0x1e, 0x11, 0x11, 0x1e, 0x11, 0x11, 0x1e, 0x00, 0x00 }, /* 'B' */
    { 0x0e, 0x11, 0x10, 0x10, 0x10, 0x11, 0x0e, 0x00, 0x00 }, /* 'C' */
    { 0x1c, 0x12, 0x11, 0x11, 0x11, 0x12, 0x1c, 0x00, 0x00 }, /* 'D' */
    { 0x1f, 0x10, 0x10, 0x1e, 0x10, 0x10, 0x1f, 0x00, 0x00 }, /* 'E' */
    { 0x1f, 0x10, 0x10, 0x1e, 0x10, 0x10, 0x10, 0x00, 0x00 }, /* 'F' */
    { 0x0e, 0x11, 0x10, 0x17, 0x11, 0x11, 0x0f, 0x00, 0x00 }, /* 'G' */
    { 0x11, 0x11, 0x11, 0x1f, 0x11, 0x11, 0x11, 0x00, 0x00 }, /* 'H' */
    { 0x0e, 0x04, 0x04, 0x04, 0x04, 0x04, 0x0e, 0x00, 0x00 }, /* 'I' */
    { 0x07, 0x02, 0x02, 0x02, 0x02, 0x12, 0x0c, 0x00, 0x00 }, /* 'J' */
    { 0x11, 0x12, 0x14, 0x18, 0x14, 0x12, 0x11, 0x00, 0x00 }, /* 'K' */
    { 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x1f, 0x00, 0x00 }, /* 'L' */
    { 0x11, 0x1b, 0x15, 0x15, 0x11, 0x11, 0x11, 0x00, 0x00 }, /* 'M' */
    { 0x11, 0x11, 0x19, 0x15, 0x13, 0x11, 0x11, 0x00, 0x00 }, /* 'N' */
    { 0x0e, 0x11, 0x11, 0x11, 0x11, 0x11, 0x0e, 0x00, 0x00 }, /* 'O' */
    { 0x1e, 0x11, 0x11, 0x1e, 0x10, 0x10, 0x10, 0x00, 0x00 }, /* 'P' */
    { 0x0e, 0x11, 0x11, 0x11, 0x15, 0x12, 0x0d, 0x00, 0x00 }, /* 'Q' */
    { 0x1e, 0x11, 0x11, 0x1e, 0x14, 0x12, 0x11, 0x00, 0x00 }, /* 'R' */
    { 0x0f, 0x10, 0x10, 0x0e, 0x01, 0x01, 0x1e, 0x00, 0x00 }, /* 'S' */
    { 0x1f, 0x04, 0x04, 0x04, 0x04, 0x04, 0x04, 0x00, 0x00 }, /* 'T' */
    { 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x0e, 0x00, 0x00 }, /* 'U' */
    { 0x11, 0x11, 0x11, 0x11, 0x11, 0x0a, 0x04, 0x00, 0x00 }, /* 'V' */
    { 0x11, 0x11, 0x11, 0x15, 0x15, 0x15, 0x0a, 0x00, 0x00 }, /* 'W' */
    { 0x11, 0x11, 0x0a, 0x04, 0x0a, 0x11, 0x11, 0x00, 0x00 }, /* 'X' */
    { 0x11, 0x11, 0x11, 0x0a, 0x04, 0x04, 0x04, 0x00, 0x00 }, /* 'Y' */
    { 0x1f, 0x01, 0x02, 0x04, 0x08, 0x10, 0x1f, 0x00, 0x00 }, /* 'Z' */
    { 0x0e, 0x08, 0x08, 0x08, 0x08, 0x08, 0x0e, 0x00, 0x00 }, /* '[' */
    { 0x00, 0x10, 0x08, 0x04, 0x02, 0x01, 0x00, 0x00, 0x00 }, /* '\\' */
    { 0x0e, 0x02, 0x02, 0x02, 0x02, 0x02, 0x0e, 0x00, 0x00 }, /* ']' */
    { 0x04, 0x0a, 0x11, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00 }, /* '^' */
    { 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x1f, 0x00 }, /* '_' */
    { 0x08, 0x04, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00 }, /* '`' */
    { 0x00, 0x00, 0x0e, 0x01, 0x0f, 0x11, 0x0f, 0x00, 0x00 }, /* 'a' */
    { 0x10, 0x10, 0x16, 0x19, 0x11, 0x11, 0x1e, 0x00, 0x00 }, /* 'b' */
    { 0x00, 0x00, 0x0e, 0x10, 0x10, 0x11, 0x0e, 0x00, 0x00 }, /* 'c' */
    { 0x01, 0x01, 0x0d, 0x13, 0x11, 0x11, 0x0f, 0x00, 0x00 }, /* 'd' */
    { 0x00, 0x00, 0x0e, 0x11, 0x1f, 0x10, 0x0e, 0x00, 0x00 }, /* 'e' */
    { 0x06, 0x09, 0x08, 0x1c, 0x08, 0x08, 0x08, 0x00, 0x00 }, /* 'f' */
    { 0x00, 0x00, 0x0f, 0x11, 0x11, 0x13, 0x0d, 0x01, 0x0e }, /* 'g' */
    { 0x10, 0x10, 0x16, 0x19, 0x11, 0x11, 0x11, 0x00, 0x00 }, /* 'h' */
    { 0x04, 0x00, 0x0c, 0x04, 0x04, 0x04, 0x0e, 0x00, 0x00 }, /* 'i' */
    { 0x02, 0x00, 0x06, 0x02, 0x02, 0x02, 0x02, 0x12, 0x0c }, /* 'j' */
    { 0x10, 0x10, 0x12, 0x14, 0x18, 0x14, 0x12, 0x00, 0x00 }, /* 'k' */
    { 0x0c, 0x04, 0x04, 0x04, 0x04, 0x04, 0x0e, 0x00, 0x00 }, /* 'l' */
    { 0x00, 0x00, 0x1a, 0x15, 0x15, 0x15, 0x15, 0x00, 0x00 }, /* 'm' */
    { 0x00, 0x00, 0x16, 0x19, 0x11, 0x11, 0x11, 0x00, 0x00 }, /* 'n' */
    { 0x00, 0x00, 0x0e, 0x11, 0x11, 0x11, 0x0e, 0x00, 0x00 }, /* 'o' */
    { 0x00, 0x00, 0x1e, 0x11, 0x11, 0x11, 0x1e, 0x10, 0x10 }, /* 'p' */
    { 0x00, 0x00, 0x0f, 0x11, 0x11, 0x11, 0x0f, 0x01, 0x01 }, /* 'q' */
    { 0x00, 0x00, 0x16, 0x19, 0x10, 0x10, 0x10, 0x00, 0x00 }, /* 'r' */
    { 0x00, 0x00, 0x0f, 0x10, 0x0e, 0x01, 0x1e, 0x00, 0x00 }, /* 's' */
    { 0x08, 0x08, 0x1c, 0x08, 0x08, 0x09, 0x06, 0x00, 0x00 }, /* 't' */
    { 0x00, 0x00, 0x11, 0x11, 0x11, 0x13, 0x0d, 0x00, 0x00 }, /* 'u' */
    { 0x00, 0x00, 0x11, 0x11, 0x11, 0x0a, 0x04, 0x00, 0x00 }, /* 'v' */
    { 0x00, 0x00, 0x11, 0x11, 0x15, 0x15, 0x0a, 0x00, 0x00 }, /* 'w' */
    { 0x00, 0x00, 0x11, 0x0a, 0x04, 0x0a, 0x11, 0x00, 0x00 }, /* 'x' */
    { 0x00, 0x00, 0x11, 0x11, 0x11, 0x11, 0x0f, 0x01, 0x0e }, /* 'y' */
    { 0x00, 0x00, 0x1f, 0x02, 0x04, 0x08, 0x1f, 0x00, 0x00 }, /* 'z' */
    { 0x02, 0x04, 0x04, 0x08, 0x04, 0x04, 0x02, 0x00, 0x00 }, /* '{' */
    { 0x04, 0x04, 0x04, 0x04, 0x04, 0x04, 0x04, 0x00, 0x00 }, /* '|' */
    { 0x08, 0x04, 0x04, 0x02, 0x04, 0x04, 0x08, 0x00, 0x00 }, /* '}' */
    { 0x00, 0x00, 0x08, 0x15, 0x02, 0x00, 0x00, 0x00, 0x00 }, /* '~' */
};

/* Everything is drawn at twice the font's size, in pixels. */
#define SCALE 2
#define CELL_W ((GLYPH_W + 1) * SCALE)
#define CELL_H ((GLYPH_H + 1) * SCALE)
#define MARGIN 16
#define PAD 8
#define ADDR_X MARGIN
#define ADDR_CHARS 18
#define TICK_X (ADDR_X + ADDR_CHARS * CELL_W + 4)
#define BAR_X (ADDR_X + ADDR_CHARS * CELL_W + 24)
#define BAR_W 420
#define IMAGE_W (BAR_X + BAR_W + MARGIN)
#define BANDS_Y (MARGIN + CELL_H + 28)
#define INSET_L 28
#define INSET_R 8
#define DM_HEADER_H (CELL_H + 12)
#define DM_FOOTER_H 8
#define GAUGE_W 18
#define SWATCH 20
#define LEGEND_ROW_H 30

#define COLOR_BG 0xffffffff
#define COLOR_TEXT 0xff1f1f1f
#define COLOR_ADDR 0xff3a3a3a
#define COLOR_BORDER 0xff4d4d4d
#define COLOR_TICK 0xffb4b4b4
#define COLOR_RAM 0xffa1d99b
#define COLOR_GAP 0xfff0f0f0
#define COLOR_GAP_HATCH 0xffcfcfcf
#define COLOR_DEVICE_MEMORY 0xff9ecae1
#define COLOR_FREE 0xffe3eef8
#define COLOR_DIMM 0xfffdae6b
#define COLOR_VIRTIO_MEM 0xffcbc9e2
#define COLOR_MAPPED 0xff6a51a3
#define COLOR_GAUGE 0xfff7f6fb
#define COLOR_NVDIMM 0xfffee391
#define COLOR_VIRTIO_PMEM 0xfffccde5
#define COLOR_SGX_EPC 0xffb3e2cd
#define COLOR_HV_BALLOON 0xfffdcdac
#define COLOR_OTHER 0xffe5d8bd

/* By query-memory-devices type; COLOR_OTHER for types added later. */
static const struct {
    const char *type;
    guint32 color;
} device_colors[] = {
    { "dimm", COLOR_DIMM },
    { "virtio-mem", COLOR_VIRTIO_MEM },
    { "nvdimm", COLOR_NVDIMM },
    { "virtio-pmem", COLOR_VIRTIO_PMEM },
    { "sgx-epc", COLOR_SGX_EPC },
    { "hv-balloon", COLOR_HV_BALLOON },
};

static guint32 band_color(const QmemMemoryMapBand *band)
{
    switch (band->kind) {
    case QMEM_MEMORY_MAP_BAND_RAM:
        return COLOR_RAM;
    case QMEM_MEMORY_MAP_BAND_GAP:
        return COLOR_GAP;
    case QMEM_MEMORY_MAP_BAND_DEVICE_MEMORY:
        return COLOR_DEVICE_MEMORY;
    case QMEM_MEMORY_MAP_BAND_FREE:
        return COLOR_FREE;
    case QMEM_MEMORY_MAP_BAND_DEVICE:
        for (gsize i = 0; i < G_N_ELEMENTS(device_colors); i++) {
            if (!strcmp(band->type, device_colors[i].type)) {
                return device_colors[i].color;
            }
        }
        return COLOR_OTHER;
    }
    g_assert_not_reached();
}

/* The text lines inside a band's box (a device-memory band: its header). */
static GPtrArray *band_lines(const QmemMemoryMapBand *band)
{
    GPtrArray *lines = g_ptr_array_new_with_free_func(g_free);
    g_autofree char *size = qmem_size_to_str(band->size);
    g_autofree char *node = band->node >= 0 ?
                            g_strdup_printf("  node %d", band->node) :
                            g_strdup("");

    switch (band->kind) {
    case QMEM_MEMORY_MAP_BAND_RAM:
        g_ptr_array_add(lines, g_strdup(band->name));
        g_ptr_array_add(lines, g_strdup_printf("ram  %s%s", size, node));
        break;
    case QMEM_MEMORY_MAP_BAND_GAP:
    case QMEM_MEMORY_MAP_BAND_FREE:
        g_ptr_array_add(lines, g_strdup_printf("%s  %s", band->type, size));
        break;
    case QMEM_MEMORY_MAP_BAND_DEVICE_MEMORY:
        g_ptr_array_add(lines, g_strdup_printf("device memory  %s", size));
        break;
    case QMEM_MEMORY_MAP_BAND_DEVICE:
        g_ptr_array_add(lines, g_strdup(*band->name ? band->name
                                                    : "(no id)"));
        g_ptr_array_add(lines, g_strdup_printf("%s  %s%s", band->type, size,
                                               node));
        if (band->mapped || band->plugged_size != band->size) {
            g_autofree char *plugged = qmem_size_to_str(band->plugged_size);

            g_ptr_array_add(lines, g_strdup_printf("plugged %s", plugged));
        }
        break;
    }
    return lines;
}

/*
 * The address axis is piecewise: each band is as tall as its text needs,
 * or more by 6 pixels per doubling of its size above 1 MiB, so that a
 * 1 TiB device and 2 GiB of RAM are both readable and still look
 * different.
 */
static int band_height(const QmemMemoryMapBand *band)
{
    g_autoptr(GPtrArray) lines = band_lines(band);
    int bits = (int)g_bit_storage(band->size) - 1;
    int by_size = 40 + 6 * CLAMP(bits - 20, 0, 44);
    int by_text = (int)lines->len * CELL_H + 12;

    return MAX(by_size, by_text);
}

typedef struct {
    guint32 color;
    gboolean hatched;
    const char *label;
} LegendItem;

/* One entry per colour the picture uses, in a fixed order. */
static GArray *legend_items(QmemMemoryMap *map)
{
    static const struct {
        QmemMemoryMapBandKind kind;
        guint32 color;
        gboolean hatched;
        const char *label;
    } fixed[] = {
        { QMEM_MEMORY_MAP_BAND_RAM, COLOR_RAM, FALSE, "ram" },
        { QMEM_MEMORY_MAP_BAND_GAP, COLOR_GAP, TRUE, "gap" },
        { QMEM_MEMORY_MAP_BAND_DEVICE_MEMORY, COLOR_DEVICE_MEMORY, FALSE,
          "device memory" },
        { QMEM_MEMORY_MAP_BAND_FREE, COLOR_FREE, FALSE, "free" },
    };
    GArray *items = g_array_new(FALSE, FALSE, sizeof(LegendItem));
    gboolean mapped = FALSE;

    for (guint k = 0; k < G_N_ELEMENTS(fixed); k++) {
        for (guint i = 0; i < map->bands->len; i++) {
            const QmemMemoryMapBand *band = g_ptr_array_index(map->bands, i);

            if (band->kind == fixed[k].kind) {
                LegendItem item = {
                    fixed[k].color, fixed[k].hatched, fixed[k].label
                };

                g_array_append_val(items, item);
                break;
            }
        }
    }
    for (guint i = 0; i < map->bands->len; i++) {
        const QmemMemoryMapBand *band = g_ptr_array_index(map->bands, i);
        LegendItem item = { band_color(band), FALSE, band->type };
        gboolean seen = FALSE;

        if (band->kind != QMEM_MEMORY_MAP_BAND_DEVICE) {
            continue;
        }
        mapped |= band->mapped && band->mapped->len;
        for (guint j = 0; j < items->len; j++) {
            seen |= !strcmp(g_array_index(items, LegendItem, j).label,
                            band->type);
        }
        if (!seen) {
            g_array_append_val(items, item);
        }
    }
    if (mapped) {
        LegendItem item = { COLOR_MAPPED, FALSE, "mapped (memslot)" };

        g_array_append_val(items, item);
    }
    return items;
}

static int legend_item_width(const LegendItem *item)
{
    return SWATCH + 8 + (int)strlen(item->label) * CELL_W + 28;
}

/* Lays out the legend from @y; returns the y below it. */
static int legend_flow(GArray *items, int y, QmemMemoryMapRect *swatches)
{
    int x = MARGIN;

    if (!items->len) {
        return y;
    }
    for (guint i = 0; i < items->len; i++) {
        int w = legend_item_width(&g_array_index(items, LegendItem, i));

        if (x > MARGIN && x + w > IMAGE_W - MARGIN + 28) {
            x = MARGIN;
            y += LEGEND_ROW_H;
        }
        if (swatches) {
            swatches[i] = (QmemMemoryMapRect) { x, y, SWATCH, SWATCH };
        }
        x += w;
    }
    return y + LEGEND_ROW_H;
}

static Layout *get_layout(QmemMemoryMap *map)
{
    Layout *layout;
    g_autoptr(GArray) legend = NULL;
    int y = BANDS_Y;
    int dm = -1;            /* the open device-memory band */
    int child_y = 0;

    if (map->layout) {
        return map->layout;
    }
    layout = g_new0(Layout, 1);
    layout->width = IMAGE_W;
    layout->areas = g_new0(QmemMemoryMapRect, map->bands->len + 1);
    for (guint i = 0; i < map->bands->len; i++) {
        const QmemMemoryMapBand *band = g_ptr_array_index(map->bands, i);
        QmemMemoryMapRect *area = &layout->areas[i];

        if (band->depth && dm >= 0) {
            *area = (QmemMemoryMapRect) {
                BAR_X + INSET_L, child_y, BAR_W - INSET_L - INSET_R,
                band_height(band)
            };
            child_y += area->height;
            continue;
        }
        if (dm >= 0) {
            layout->areas[dm].height = child_y + DM_FOOTER_H - y;
            y += layout->areas[dm].height;
            dm = -1;
        }
        if (band->kind == QMEM_MEMORY_MAP_BAND_DEVICE_MEMORY) {
            *area = (QmemMemoryMapRect) { BAR_X, y, BAR_W, DM_HEADER_H };
            dm = i;
            child_y = y + DM_HEADER_H;
            continue;
        }
        *area = (QmemMemoryMapRect) { BAR_X, y, BAR_W, band_height(band) };
        y += area->height;
    }
    if (dm >= 0) {
        layout->areas[dm].height = child_y + DM_FOOTER_H - y;
        y += layout->areas[dm].height;
    }
    legend = legend_items(map);
    /* Room below the last band for the end address. */
    layout->height = legend_flow(legend, y + CELL_H + 16, NULL) + MARGIN;
    map->layout = layout;
    return layout;
}

void qmem_memory_map_get_image_size(QmemMemoryMap *map, int *width,
                                    int *height)
{
    Layout *layout;

    g_return_if_fail(map != NULL);
    layout = get_layout(map);
    *width = layout->width;
    *height = layout->height;
}

void qmem_memory_map_get_band_area(QmemMemoryMap *map, guint index,
                                   QmemMemoryMapRect *rect)
{
    g_return_if_fail(map != NULL);
    g_return_if_fail(index < map->bands->len);
    *rect = get_layout(map)->areas[index];
}

/* The memslot gauge at the right edge of a band with mapped ranges. */
static QmemMemoryMapRect gauge_area(const QmemMemoryMapRect *area)
{
    return (QmemMemoryMapRect) {
        area->x + area->width - 6 - GAUGE_W, area->y + 5, GAUGE_W,
        area->height - 10
    };
}

/* Inside the gauge's border, proportional to the address. */
static QmemMemoryMapRect mapped_area(const QmemMemoryMapBand *band,
                                     const QmemMemoryMapRect *area,
                                     const QmemMemoryMapRange *range)
{
    QmemMemoryMapRect gauge = gauge_area(area);
    unsigned __int128 inner = MAX(gauge.height - 2, 0);
    unsigned __int128 first = range->start - band->start;
    unsigned __int128 end = first + range->size;
    int top = gauge.y + 1 + (int)(first * inner / band->size);
    int bottom = gauge.y + 1 +
                 (int)((end * inner + band->size - 1) / band->size);

    bottom = MIN(bottom, gauge.y + gauge.height - 1);
    return (QmemMemoryMapRect) {
        gauge.x + 1, top, gauge.width - 2, MAX(bottom - top, 1)
    };
}

void qmem_memory_map_get_mapped_area(QmemMemoryMap *map, guint index,
                                     guint range, QmemMemoryMapRect *rect)
{
    const QmemMemoryMapBand *band;

    g_return_if_fail(map != NULL);
    g_return_if_fail(index < map->bands->len);
    band = g_ptr_array_index(map->bands, index);
    g_return_if_fail(band->mapped && range < band->mapped->len);
    *rect = mapped_area(band, &get_layout(map)->areas[index],
                        &g_array_index(band->mapped, QmemMemoryMapRange,
                                       range));
}

static pixman_color_t pixman_color(guint32 argb)
{
    return (pixman_color_t) {
        .red = ((argb >> 16) & 0xff) * 0x101,
        .green = ((argb >> 8) & 0xff) * 0x101,
        .blue = (argb & 0xff) * 0x101,
        .alpha = (argb >> 24) * 0x101,
    };
}

static void fill(pixman_image_t *img, guint32 argb, int x, int y, int w,
                 int h)
{
    pixman_color_t color = pixman_color(argb);
    pixman_box32_t box = { x, y, x + w, y + h };

    if (w > 0 && h > 0) {
        pixman_image_fill_boxes(PIXMAN_OP_SRC, img, &color, 1, &box);
    }
}

static void draw_box(pixman_image_t *img, const QmemMemoryMapRect *r,
                     guint32 argb)
{
    fill(img, COLOR_BORDER, r->x, r->y, r->width, r->height);
    fill(img, argb, r->x + 1, r->y + 1, r->width - 2, r->height - 2);
}

/* Paints @argb through @mask (an a8 image) onto @img at @x, @y. */
static void paint_mask(pixman_image_t *img, pixman_image_t *mask,
                       guint32 argb, int mask_x, int mask_y, int x, int y,
                       int w, int h)
{
    pixman_color_t color = pixman_color(argb);
    pixman_image_t *src = pixman_image_create_solid_fill(&color);

    pixman_image_composite32(PIXMAN_OP_OVER, src, mask, img, 0, 0,
                             mask_x, mask_y, x, y, w, h);
    pixman_image_unref(src);
}

/* Diagonal stripes, aligned to the picture so neighbouring gaps match. */
static void draw_hatch(pixman_image_t *img, const QmemMemoryMapRect *r)
{
    pixman_image_t *mask = pixman_image_create_bits(PIXMAN_a8, 8, 8,
                                                    NULL, 0);
    guint8 *bits = (guint8 *)pixman_image_get_data(mask);
    int stride = pixman_image_get_stride(mask);

    for (int y = 0; y < 8; y++) {
        for (int x = 0; x < 8; x++) {
            bits[y * stride + x] = (x + y) % 8 < 2 ? 0xff : 0;
        }
    }
    pixman_image_set_repeat(mask, PIXMAN_REPEAT_NORMAL);
    paint_mask(img, mask, COLOR_GAP_HATCH, r->x + 1, r->y + 1, r->x + 1,
               r->y + 1, r->width - 2, r->height - 2);
    pixman_image_unref(mask);
}

/* Bold doubles every column one pixel to the right. */
static void draw_text(pixman_image_t *img, int x, int y, const char *text,
                      guint32 argb, gboolean bold)
{
    int len = strlen(text);
    pixman_image_t *mask;
    guint8 *bits;
    int stride;

    if (!len) {
        return;
    }
    mask = pixman_image_create_bits(PIXMAN_a8, len * CELL_W, CELL_H, NULL,
                                    0);
    bits = (guint8 *)pixman_image_get_data(mask);
    stride = pixman_image_get_stride(mask);
    for (int i = 0; i < len; i++) {
        guchar c = text[i];
        const guint8 *glyph = font[(c >= 32 && c <= 126 ? c : '?') - 32];

        for (int row = 0; row < GLYPH_H; row++) {
            for (int col = 0; col < GLYPH_W; col++) {
                if (!(glyph[row] & (0x10 >> col))) {
                    continue;
                }
                for (int dy = 0; dy < SCALE; dy++) {
                    memset(bits + (row * SCALE + dy) * stride +
                           i * CELL_W + col * SCALE, 0xff, SCALE);
                }
            }
        }
    }
    paint_mask(img, mask, argb, 0, 0, x, y, len * CELL_W, CELL_H);
    if (bold) {
        paint_mask(img, mask, argb, 0, 0, x + 1, y, len * CELL_W, CELL_H);
    }
    pixman_image_unref(mask);
}

/* @text cut to @max_chars, ending in ".." when cut. */
static char *fit_text(const char *text, int max_chars)
{
    if ((int)strlen(text) <= max_chars) {
        return g_strdup(text);
    }
    if (max_chars <= 2) {
        return g_strndup("..", MAX(max_chars, 0));
    }
    return g_strdup_printf("%.*s..", max_chars - 2, text);
}

static void draw_band(pixman_image_t *img, const QmemMemoryMapBand *band,
                      const QmemMemoryMapRect *area)
{
    g_autoptr(GPtrArray) lines = band_lines(band);
    int text_w = area->width - 2 * PAD;
    int block_h = (int)lines->len * CELL_H;
    int text_y;

    draw_box(img, area, band_color(band));
    if (band->kind == QMEM_MEMORY_MAP_BAND_GAP) {
        draw_hatch(img, area);
    }
    if (band->kind == QMEM_MEMORY_MAP_BAND_DEVICE_MEMORY) {
        text_y = area->y + (DM_HEADER_H - CELL_H) / 2 + 1;
    } else {
        text_y = area->y + (area->height - block_h) / 2 + 1;
    }
    if (band->mapped) {
        QmemMemoryMapRect gauge = gauge_area(area);

        draw_box(img, &gauge, COLOR_GAUGE);
        for (guint j = 0; j < band->mapped->len; j++) {
            QmemMemoryMapRect r = mapped_area(band, area,
                &g_array_index(band->mapped, QmemMemoryMapRange, j));

            fill(img, COLOR_MAPPED, r.x, r.y, r.width, r.height);
        }
        text_w -= GAUGE_W + 6;
    }
    for (guint i = 0; i < lines->len; i++) {
        g_autofree char *text = fit_text(g_ptr_array_index(lines, i),
                                         (text_w - 1) / CELL_W);
        /* The name line of a named band stands out. */
        gboolean bold = i == 0 && band->kind != QMEM_MEMORY_MAP_BAND_GAP &&
                        band->kind != QMEM_MEMORY_MAP_BAND_FREE;

        draw_text(img, area->x + PAD, text_y + (int)i * CELL_H, text,
                  COLOR_TEXT, bold);
    }
}

/* An address on the left, with a tick across to the bar at @y. */
static void draw_address(pixman_image_t *img, guint64 addr, int y,
                         int bar_x)
{
    g_autofree char *text = g_strdup_printf("0x%016" PRIx64, addr);

    fill(img, COLOR_TICK, TICK_X, y, bar_x - TICK_X, 1);
    draw_text(img, ADDR_X, y - CELL_H / 2 + 1, text, COLOR_ADDR, FALSE);
}

static pixman_image_t *draw_map(QmemMemoryMap *map)
{
    Layout *layout = get_layout(map);
    g_autoptr(GArray) legend = legend_items(map);
    g_autofree QmemMemoryMapRect *swatches =
        g_new0(QmemMemoryMapRect, legend->len + 1);
    pixman_image_t *img = pixman_image_create_bits(PIXMAN_x8r8g8b8,
                                                   layout->width,
                                                   layout->height, NULL, 0);
    int bottom = BANDS_Y;
    guint64 end = 0;
    gboolean have_end = FALSE;
    guint64 last_label = 0;
    gboolean labelled = FALSE;

    fill(img, COLOR_BG, 0, 0, layout->width, layout->height);
    draw_text(img, MARGIN, MARGIN, "guest-physical memory map", COLOR_TEXT,
              TRUE);
    if (!map->bands->len) {
        draw_text(img, MARGIN, BANDS_Y, "(no memory)", COLOR_TEXT, FALSE);
    }
    for (guint i = 0; i < map->bands->len; i++) {
        const QmemMemoryMapBand *band = g_ptr_array_index(map->bands, i);
        const QmemMemoryMapRect *area = &layout->areas[i];

        draw_band(img, band, area);
        /* A band starting where its container starts shares its label. */
        if (!labelled || band->start != last_label) {
            draw_address(img, band->start, area->y, area->x);
        }
        labelled = TRUE;
        last_label = band->start;
        if (!band->depth) {
            bottom = area->y + area->height;
            have_end = band_last(band) != G_MAXUINT64;
            end = band_last(band) + 1;
        }
    }
    if (have_end) {
        draw_address(img, end, bottom, BAR_X);
    }

    legend_flow(legend, bottom + CELL_H + 16, swatches);
    for (guint i = 0; i < legend->len; i++) {
        const LegendItem *item = &g_array_index(legend, LegendItem, i);

        draw_box(img, &swatches[i], item->color);
        if (item->hatched) {
            draw_hatch(img, &swatches[i]);
        }
        draw_text(img, swatches[i].x + SWATCH + 8,
                  swatches[i].y + (SWATCH - CELL_H) / 2 + 2, item->label,
                  COLOR_TEXT, FALSE);
    }
    return img;
}

typedef struct {
    FILE *file;
    char *message;          /* what went wrong, for the GError */
} PngWriter;

static void on_png_error(png_structp png, png_const_charp message)
{
    PngWriter *writer = png_get_error_ptr(png);

    if (!writer->message) {
        writer->message = g_strdup(message);
    }
    png_longjmp(png, 1);
}

static void on_png_warning(png_structp png, png_const_charp message)
{
}

/* Own I/O callbacks, so a failed write reports errno, not "Write Error". */
static void on_png_write(png_structp png, png_bytep data, png_size_t len)
{
    PngWriter *writer = png_get_io_ptr(png);

    if (fwrite(data, 1, len, writer->file) != len) {
        writer->message = g_strdup(g_strerror(errno));
        png_error(png, writer->message);
    }
}

static void on_png_flush(png_structp png)
{
    PngWriter *writer = png_get_io_ptr(png);

    if (fflush(writer->file)) {
        writer->message = g_strdup(g_strerror(errno));
        png_error(png, writer->message);
    }
}

/*
 * Everything the longjmp path frees is allocated before setjmp() and not
 * changed after it, so it keeps its value across the jump.
 */
static gboolean write_png_stream(PngWriter *writer, pixman_image_t *img,
                                guint8 *row)
{
    png_structp png;
    png_infop info;
    int width = pixman_image_get_width(img);
    int height = pixman_image_get_height(img);
    const guint32 *pixels = pixman_image_get_data(img);
    int stride = pixman_image_get_stride(img) / 4;

    png = png_create_write_struct(PNG_LIBPNG_VER_STRING, writer,
                                  on_png_error, on_png_warning);
    if (!png) {
        writer->message = g_strdup("out of memory");
        return FALSE;
    }
    info = png_create_info_struct(png);
    if (!info) {
        png_destroy_write_struct(&png, NULL);
        writer->message = g_strdup("out of memory");
        return FALSE;
    }
    if (setjmp(png_jmpbuf(png))) {
        png_destroy_write_struct(&png, &info);
        return FALSE;
    }
    png_set_write_fn(png, writer, on_png_write, on_png_flush);
    png_set_IHDR(png, info, width, height, 8, PNG_COLOR_TYPE_RGB,
                 PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT,
                 PNG_FILTER_TYPE_DEFAULT);
    png_write_info(png, info);
    for (int y = 0; y < height; y++) {
        const guint32 *src = pixels + (gsize)y * stride;

        for (int x = 0; x < width; x++) {
            row[x * 3] = src[x] >> 16;
            row[x * 3 + 1] = src[x] >> 8;
            row[x * 3 + 2] = src[x];
        }
        png_write_row(png, row);
    }
    png_write_end(png, NULL);
    png_destroy_write_struct(&png, &info);
    return TRUE;
}

gboolean qmem_memory_map_write_png(QmemMemoryMap *map, const char *path,
                                   GError **error)
{
    PngWriter writer = { NULL };
    pixman_image_t *img;
    g_autofree guint8 *row = NULL;
    struct stat st;
    gboolean ok;

    g_return_val_if_fail(map != NULL, FALSE);
    g_return_val_if_fail(path != NULL, FALSE);

    writer.file = fopen(path, "wb");
    if (!writer.file) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "failed to open file '%s': %s", path, g_strerror(errno));
        return FALSE;
    }
    img = draw_map(map);
    row = g_malloc((gsize)pixman_image_get_width(img) * 3);
    ok = write_png_stream(&writer, img, row);
    pixman_image_unref(img);
    if (fclose(writer.file) && ok) {
        writer.message = g_strdup(g_strerror(errno));
        ok = FALSE;
    }
    if (!ok) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "failed to write file '%s': %s", path, writer.message);
        /* Never remove what is not a file we wrote (/dev/full, a fifo). */
        if (!stat(path, &st) && S_ISREG(st.st_mode)) {
            unlink(path);
        }
    }
    g_free(writer.message);
    return ok;
}

/* ------------------------------------------------------------------ */
/* QMP and HMP */

static JsonNode *qmp_x_query_memory_map(JsonObject *args, GError **error)
{
    static const char *const allowed[] = { NULL };
    g_autoptr(QmemMemoryMap) map = NULL;

    if (!qmem_qmp_check_args(args, allowed, error)) {
        return NULL;
    }
    map = qmem_memory_map_new(qmem_machine_get_current());
    return qmem_memory_map_to_json(map);
}

static JsonNode *qmp_x_memory_map_png(JsonObject *args, GError **error)
{
    static const char *const allowed[] = { "filename", NULL };
    g_autoptr(QmemMemoryMap) map = NULL;
    const char *filename;

    if (!qmem_qmp_arg_str(args, "filename", NULL, &filename, error) ||
        !qmem_qmp_check_args(args, allowed, error)) {
        return NULL;
    }
    map = qmem_memory_map_new(qmem_machine_get_current());
    qmem_memory_map_write_png(map, filename, error);
    return NULL;
}

static gboolean hmp_info_memory_map(const char *args, GString *out,
                                    GError **error)
{
    g_autoptr(QmemMemoryMap) map = NULL;
    g_autofree char *text = NULL;

    /* QEMU's monitor refuses arguments to commands that take none. */
    if (*args) {
        g_string_append(out, "memory-map: extraneous characters at the end "
                         "of line\nTry \"help info memory-map\" for more "
                         "information\n");
        return TRUE;
    }
    map = qmem_memory_map_new(qmem_machine_get_current());
    text = qmem_memory_map_to_text(map);
    g_string_append(out, text);
    return TRUE;
}

void qmem_memory_map_qmp_register(void)
{
    qmem_qmp_register_command("x-query-memory-map", qmp_x_query_memory_map,
                              0);
    qmem_qmp_register_command("x-memory-map-png", qmp_x_memory_map_png, 0);
    qmem_hmp_register("info memory-map", hmp_info_memory_map);
    qmem_hmp_set_help("info memory-map", NULL,
                      "show the guest-physical memory map");
}
