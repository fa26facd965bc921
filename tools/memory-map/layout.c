/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Where the memory-map picture puts each band, and in which colour. */

#include <string.h>
#include "layout.h"
#include "util/cutils.h"

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

guint32 qmem_memory_map_band_color(const QmemMemoryMapBand *band)
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

GPtrArray *qmem_memory_map_band_lines(const QmemMemoryMapBand *band)
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
    g_autoptr(GPtrArray) lines = qmem_memory_map_band_lines(band);
    int bits = (int)g_bit_storage(band->size) - 1;
    int by_size = 40 + 6 * CLAMP(bits - 20, 0, 44);
    int by_text = (int)lines->len * CELL_H + 12;

    return MAX(by_size, by_text);
}

static void legend_add(GArray *items, guint32 color, gboolean hatched,
                       const char *label)
{
    QmemMemoryMapLegendItem item = { color, hatched, label };

    g_array_append_val(items, item);
}

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
    GArray *items = g_array_new(FALSE, FALSE,
                                sizeof(QmemMemoryMapLegendItem));
    guint n = qmem_memory_map_get_n_bands(map);
    gboolean mapped = FALSE;

    for (guint k = 0; k < G_N_ELEMENTS(fixed); k++) {
        for (guint i = 0; i < n; i++) {
            if (qmem_memory_map_get_band(map, i)->kind == fixed[k].kind) {
                legend_add(items, fixed[k].color, fixed[k].hatched,
                           fixed[k].label);
                break;
            }
        }
    }
    for (guint i = 0; i < n; i++) {
        const QmemMemoryMapBand *band = qmem_memory_map_get_band(map, i);
        gboolean seen = FALSE;

        if (band->kind != QMEM_MEMORY_MAP_BAND_DEVICE) {
            continue;
        }
        mapped |= band->mapped && band->mapped->len;
        for (guint j = 0; j < items->len; j++) {
            seen |= !strcmp(g_array_index(items, QmemMemoryMapLegendItem,
                                          j).label, band->type);
        }
        if (!seen) {
            legend_add(items, qmem_memory_map_band_color(band), FALSE,
                       band->type);
        }
    }
    if (mapped) {
        legend_add(items, COLOR_MAPPED, FALSE, "mapped (memslot)");
    }
    return items;
}

static int legend_item_width(const QmemMemoryMapLegendItem *item)
{
    return SWATCH + 8 + (int)strlen(item->label) * CELL_W + 28;
}

/* Places the legend's swatches from @y on; returns the y below it. */
static int legend_flow(GArray *items, int y)
{
    int x = MARGIN;

    if (!items->len) {
        return y;
    }
    for (guint i = 0; i < items->len; i++) {
        QmemMemoryMapLegendItem *item =
            &g_array_index(items, QmemMemoryMapLegendItem, i);
        int w = legend_item_width(item);

        if (x > MARGIN && x + w > IMAGE_W - MARGIN + 28) {
            x = MARGIN;
            y += LEGEND_ROW_H;
        }
        item->swatch = (QmemMemoryMapRect) { x, y, SWATCH, SWATCH };
        x += w;
    }
    return y + LEGEND_ROW_H;
}

/*
 * Top-level bands stack from BANDS_Y down; a device-memory band holds
 * the depth-1 bands after it, stacked inside it, and grows to fit them.
 * Returns the y below the last band.
 */
static int place_bands(QmemMemoryMapLayout *layout)
{
    guint n = qmem_memory_map_get_n_bands(layout->map);
    int y = BANDS_Y;
    int dm = -1;            /* the open device-memory band */
    int child_y = 0;

    for (guint i = 0; i < n; i++) {
        const QmemMemoryMapBand *band =
            qmem_memory_map_get_band(layout->map, i);
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
    return y;
}

QmemMemoryMapLayout *qmem_memory_map_layout_new(QmemMemoryMap *map)
{
    QmemMemoryMapLayout *layout;
    int bottom;

    g_return_val_if_fail(map != NULL, NULL);

    layout = g_new0(QmemMemoryMapLayout, 1);
    layout->map = map;
    layout->width = IMAGE_W;
    layout->areas = g_new0(QmemMemoryMapRect,
                           qmem_memory_map_get_n_bands(map) + 1);
    bottom = place_bands(layout);
    layout->legend = legend_items(map);
    /* Room below the last band for the end address. */
    layout->height = legend_flow(layout->legend, bottom + CELL_H + 16) + MARGIN;
    return layout;
}

void qmem_memory_map_layout_free(QmemMemoryMapLayout *layout)
{
    if (layout) {
        g_free(layout->areas);
        g_array_unref(layout->legend);
        g_free(layout);
    }
}

void qmem_memory_map_layout_get_band_area(const QmemMemoryMapLayout *layout,
                                          guint index, QmemMemoryMapRect *rect)
{
    g_return_if_fail(layout != NULL);
    g_return_if_fail(index < qmem_memory_map_get_n_bands(layout->map));
    *rect = layout->areas[index];
}

void qmem_memory_map_layout_get_gauge_area(const QmemMemoryMapLayout *layout,
                                           guint index, QmemMemoryMapRect *rect)
{
    const QmemMemoryMapRect *area;

    g_return_if_fail(layout != NULL);
    g_return_if_fail(index < qmem_memory_map_get_n_bands(layout->map));
    area = &layout->areas[index];
    *rect = (QmemMemoryMapRect){ area->x + area->width - 6 - GAUGE_W,
                                 area->y + 5, GAUGE_W, area->height - 10 };
}

/* Inside the gauge's border, proportional to the address. */
void qmem_memory_map_layout_get_mapped_area(const QmemMemoryMapLayout *layout,
                                            guint index, guint range,
                                            QmemMemoryMapRect *rect)
{
    const QmemMemoryMapBand *band;
    const QmemMemoryMapRange *r;
    QmemMemoryMapRect gauge;
    unsigned __int128 inner, first, end;
    int top, bottom;

    g_return_if_fail(layout != NULL);
    g_return_if_fail(index < qmem_memory_map_get_n_bands(layout->map));
    band = qmem_memory_map_get_band(layout->map, index);
    g_return_if_fail(band->mapped && range < band->mapped->len);

    r = &g_array_index(band->mapped, QmemMemoryMapRange, range);
    qmem_memory_map_layout_get_gauge_area(layout, index, &gauge);
    inner = MAX(gauge.height - 2, 0);
    first = r->start - band->start;
    end = first + r->size;
    top = gauge.y + 1 + (int)(first * inner / band->size);
    bottom = gauge.y + 1 + (int)((end * inner + band->size - 1) / band->size);
    bottom = MIN(bottom, gauge.y + gauge.height - 1);
    *rect = (QmemMemoryMapRect){ gauge.x + 1, top, gauge.width - 2,
                                 MAX(bottom - top, 1) };
}
