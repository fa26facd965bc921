/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The guest-physical memory map: bands, table, JSON and back. */

#include <inttypes.h>
#include <string.h>
#include "qobject/json.h"
#include "system/memory-map.h"
#include "util/cutils.h"
#include "util/error.h"

struct QmemMemoryMap {
    GPtrArray *bands;               /* QmemMemoryMapBand *, owned */
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

static QmemMemoryMap *map_new(void)
{
    QmemMemoryMap *map = g_new0(QmemMemoryMap, 1);

    map->bands = g_ptr_array_new_with_free_func(band_free);
    return map;
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

/* The bands qmem_memory_map_new_from() collects before it orders them. */
typedef struct {
    GPtrArray *top;    /* depth 0 */
    GPtrArray *inside; /* inside device memory, depth 1 */
    guint64 dm_base;
    guint64 dm_size;
} Bands;

static void bands_add(Bands *b, QmemMemoryMapBand *band)
{
    if (range_inside(band->start, band->size, b->dm_base, b->dm_size)) {
        band->depth = 1;
        g_ptr_array_add(b->inside, band);
    } else {
        g_ptr_array_add(b->top, band);
    }
}

/* A device's band, or NULL for a device without memory. */
static QmemMemoryMapBand *device_band(const QmemMemoryMapDevice *device)
{
    QmemMemoryMapBand *band;

    g_return_val_if_fail(device->type != NULL, NULL);

    if (!device->size || device->start + device->size - 1 < device->start) {
        return NULL;
    }
    band = band_new(QMEM_MEMORY_MAP_BAND_DEVICE, device->type, device->id,
                    device->start, device->size, 0);
    band->plugged_size = device->plugged_size;
    band->node = device->node;
    if (device->list_mapped) {
        band->mapped = g_array_new(FALSE, FALSE, sizeof(QmemMemoryMapRange));
    }
    return band;
}

/* Sections inside a device are its memory (@claimed), not boot RAM. */
static void claim_sections(QmemMemoryMapBand *band,
                           const QmemMemoryMapSection *sections,
                           guint n_sections, gboolean *claimed)
{
    for (guint s = 0; s < n_sections; s++) {
        if (!range_inside(sections[s].start, sections[s].size, band->start,
                          band->size)) {
            continue;
        }
        claimed[s] = TRUE;
        if (band->mapped) {
            QmemMemoryMapRange range = { sections[s].start, sections[s].size };

            g_array_append_val(band->mapped, range);
        }
    }
}

/*
 * Device memory and the free space in it, the gaps between top-level
 * bands; then every band into @map in order, the bands inside device
 * memory right after it.
 */
static void bands_finish(Bands *b, QmemMemoryMap *map)
{
    if (b->dm_size) {
        g_ptr_array_add(b->top, band_new(QMEM_MEMORY_MAP_BAND_DEVICE_MEMORY,
                                         "device-memory", "device-memory",
                                         b->dm_base, b->dm_size, 0));
        g_ptr_array_sort(b->inside, band_compare);
        add_holes(b->inside, QMEM_MEMORY_MAP_BAND_FREE, "free", b->dm_base,
                  b->dm_base + b->dm_size - 1, 1);
    }
    g_ptr_array_sort(b->top, band_compare);
    if (b->top->len) {
        guint64 last = 0;

        for (guint i = 0; i < b->top->len; i++) {
            last = MAX(last, band_last(g_ptr_array_index(b->top, i)));
        }
        add_holes(b->top, QMEM_MEMORY_MAP_BAND_GAP, "gap", 0, last, 0);
    }

    for (guint i = 0; i < b->top->len; i++) {
        QmemMemoryMapBand *band = g_ptr_array_index(b->top, i);

        g_ptr_array_add(map->bands, band);
        if (band->kind == QMEM_MEMORY_MAP_BAND_DEVICE_MEMORY) {
            for (guint j = 0; j < b->inside->len; j++) {
                g_ptr_array_add(map->bands, g_ptr_array_index(b->inside, j));
            }
        }
    }
}

QmemMemoryMap *qmem_memory_map_new_from(const QmemMemoryMapSection *sections,
                                        guint n_sections,
                                        guint64 device_memory_base,
                                        guint64 device_memory_size,
                                        const QmemMemoryMapDevice *devices,
                                        guint n_devices)
{
    g_autoptr(GPtrArray) top = g_ptr_array_new();
    g_autoptr(GPtrArray) inside = g_ptr_array_new();
    Bands b = { top, inside, device_memory_base, device_memory_size };
    g_autofree gboolean *claimed = NULL;
    QmemMemoryMap *map;

    g_return_val_if_fail(sections || !n_sections, NULL);
    g_return_val_if_fail(devices || !n_devices, NULL);
    g_return_val_if_fail(!device_memory_size
                             || device_memory_base + device_memory_size - 1
                                    >= device_memory_base,
                         NULL);

    claimed = g_new0(gboolean, n_sections + 1);
    for (guint i = 0; i < n_devices; i++) {
        QmemMemoryMapBand *band = device_band(&devices[i]);

        if (band) {
            bands_add(&b, band);
            claim_sections(band, sections, n_sections, claimed);
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
        bands_add(&b, band);
    }

    map = map_new();
    bands_finish(&b, map);
    return map;
}

void qmem_memory_map_free(QmemMemoryMap *map)
{
    if (map) {
        g_ptr_array_unref(map->bands);
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
/* Back from JSON */

/* Bands that are not devices, by their kind's name. */
static const struct {
    const char *type;
    QmemMemoryMapBandKind kind;
} band_kinds[] = {
    { "ram", QMEM_MEMORY_MAP_BAND_RAM },
    { "gap", QMEM_MEMORY_MAP_BAND_GAP },
    { "device-memory", QMEM_MEMORY_MAP_BAND_DEVICE_MEMORY },
    { "free", QMEM_MEMORY_MAP_BAND_FREE },
};

static QmemMemoryMapBandKind kind_from_type(const char *type)
{
    for (gsize i = 0; i < G_N_ELEMENTS(band_kinds); i++) {
        if (!strcmp(band_kinds[i].type, type)) {
            return band_kinds[i].kind;
        }
    }
    return QMEM_MEMORY_MAP_BAND_DEVICE;
}

static gboolean holds_integer(JsonNode *node)
{
    return node && JSON_NODE_HOLDS_VALUE(node)
           && json_node_get_value_type(node) == G_TYPE_INT64;
}

/*
 * Member @name of band @index.  Any JSON integer is a uint64, as for
 * QEMU's uint64 visitor (negative ones wrap; those above G_MAXINT64 are
 * kept as their bits).  @has: (nullable): for an optional member, where
 * to say whether it is there.
 */
static gboolean member_uint64(JsonObject *obj, guint index, const char *name,
                              gboolean *has, guint64 *value, GError **error)
{
    JsonNode *node = json_object_get_member(obj, name);

    if (has) {
        *has = node != NULL;
    }
    if (!node) {
        if (!has) {
            g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                        "band %u has no '%s'", index, name);
        }
        return has != NULL;
    }
    if (!holds_integer(node)) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "band %u: '%s' must be an unsigned integer", index, name);
        return FALSE;
    }
    *value = (guint64)json_node_get_int(node);
    return TRUE;
}

/* As member_uint64(), for a string (borrowed from @obj). */
static gboolean member_string(JsonObject *obj, guint index, const char *name,
                              gboolean *has, const char **value, GError **error)
{
    JsonNode *node = json_object_get_member(obj, name);

    if (has) {
        *has = node != NULL;
    }
    if (!node) {
        if (!has) {
            g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                        "band %u has no '%s'", index, name);
        }
        return has != NULL;
    }
    if (!JSON_NODE_HOLDS_VALUE(node)
        || json_node_get_value_type(node) != G_TYPE_STRING) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "band %u: '%s' must be a string", index, name);
        return FALSE;
    }
    *value = json_node_get_string(node);
    return TRUE;
}

/* The "mapped" list of band @index, whose ranges must lie in the band. */
static gboolean mapped_from_json(QmemMemoryMapBand *band, guint index,
                                 JsonNode *node, GError **error)
{
    JsonArray *list;

    if (!JSON_NODE_HOLDS_ARRAY(node)) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "band %u: 'mapped' must be a list", index);
        return FALSE;
    }
    list = json_node_get_array(node);
    band->mapped = g_array_new(FALSE, FALSE, sizeof(QmemMemoryMapRange));
    for (guint i = 0; i < json_array_get_length(list); i++) {
        JsonNode *elt = json_array_get_element(list, i);
        JsonObject *obj = JSON_NODE_HOLDS_OBJECT(elt)
                              ? json_node_get_object(elt)
                              : NULL;
        JsonNode *start = obj ? json_object_get_member(obj, "start") : NULL;
        JsonNode *size = obj ? json_object_get_member(obj, "size") : NULL;
        QmemMemoryMapRange range;

        if (!holds_integer(start) || !holds_integer(size)) {
            g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                        "band %u: mapped range %u is not a start and a size",
                        index, i);
            return FALSE;
        }
        range.start = (guint64)json_node_get_int(start);
        range.size = (guint64)json_node_get_int(size);
        if (!range_inside(range.start, range.size, band->start, band->size)) {
            g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                        "band %u: mapped range %u is outside the band", index,
                        i);
            return FALSE;
        }
        g_array_append_val(band->mapped, range);
    }
    return TRUE;
}

static QmemMemoryMapBand *band_from_json(JsonNode *node, guint index,
                                         GError **error)
{
    JsonObject *obj;
    JsonNode *mapped;
    const char *type, *name = NULL;
    guint64 start, size, depth, numa_node = 0, plugged = 0;
    gboolean has_name, has_node, has_plugged;
    QmemMemoryMapBand *band;

    if (!JSON_NODE_HOLDS_OBJECT(node)) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "band %u is not an object", index);
        return NULL;
    }
    obj = json_node_get_object(node);
    if (!member_uint64(obj, index, "start", NULL, &start, error)
        || !member_uint64(obj, index, "size", NULL, &size, error)
        || !member_string(obj, index, "kind", NULL, &type, error)
        || !member_uint64(obj, index, "depth", NULL, &depth, error)
        || !member_string(obj, index, "name", &has_name, &name, error)
        || !member_uint64(obj, index, "node", &has_node, &numa_node, error)
        || !member_uint64(obj, index, "plugged-size", &has_plugged, &plugged,
                          error)) {
        return NULL;
    }
    if (depth > 1) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "band %u: 'depth' must be 0 or 1", index);
        return NULL;
    }
    if (has_node && numa_node > G_MAXINT) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "band %u: 'node' is out of range", index);
        return NULL;
    }
    if (!size) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC, "band %u is empty",
                    index);
        return NULL;
    }
    if (start + size - 1 < start) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "band %u reaches past the end of the address space", index);
        return NULL;
    }

    band = band_new(kind_from_type(type), type, name, start, size, depth);
    band->node = has_node ? (int)numa_node : -1;
    band->plugged_size = has_plugged ? plugged : size;
    mapped = json_object_get_member(obj, "mapped");
    if (mapped && !mapped_from_json(band, index, mapped, error)) {
        band_free(band);
        return NULL;
    }
    return band;
}

QmemMemoryMap *qmem_memory_map_new_from_json(JsonNode *bands, GError **error)
{
    g_autoptr(QmemMemoryMap) map = NULL;
    JsonArray *list;

    g_return_val_if_fail(bands != NULL, NULL);

    if (!JSON_NODE_HOLDS_ARRAY(bands)) {
        g_set_error_literal(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                            "the memory map must be a list of bands");
        return NULL;
    }
    list = json_node_get_array(bands);
    map = map_new();
    for (guint i = 0; i < json_array_get_length(list); i++) {
        QmemMemoryMapBand *band =
            band_from_json(json_array_get_element(list, i), i, error);

        if (!band) {
            return NULL;
        }
        g_ptr_array_add(map->bands, band);
    }
    return g_steal_pointer(&map);
}
