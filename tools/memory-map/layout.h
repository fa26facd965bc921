/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Where the memory-map picture puts each band, and in which colour. */

#ifndef QMEM_TOOLS_MEMORY_MAP_LAYOUT_H
#define QMEM_TOOLS_MEMORY_MAP_LAYOUT_H

#include "font.h"
#include "system/memory-map.h"

/* Everything is drawn at twice the font's size, in pixels. */
#define SCALE 2
#define CELL_W ((QMEM_FONT_W + 1) * SCALE)
#define CELL_H ((QMEM_FONT_H + 1) * SCALE)
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

/* Colours as 0xAARRGGBB; docs/memory-map.md promises them. */
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
 * QmemMemoryMapLegendItem:
 * @color: the swatch's colour
 * @hatched: whether the swatch is hatched as gaps are
 * @label: what the colour stands for (borrowed from the map or static)
 * @swatch: where the swatch is; the label follows on its right
 */
typedef struct {
    guint32 color;
    gboolean hatched;
    const char *label;
    QmemMemoryMapRect swatch;
} QmemMemoryMapLegendItem;

/**
 * QmemMemoryMapLayout:
 * @map: the map laid out (borrowed: it must outlive the layout)
 * @width: the picture's width in pixels
 * @height: the picture's height in pixels
 * @areas: one per band: where the picture shows it (border included; a
 *   device-memory band's area holds the bands inside it)
 * @legend: (element-type QmemMemoryMapLegendItem): one item per colour
 *   the picture uses, in a fixed order
 *
 * The picture from top to bottom: the title, the address bar (a box per
 * band, sized by the logarithm of the band's size), the legend.
 */
typedef struct {
    QmemMemoryMap *map;
    int width;
    int height;
    QmemMemoryMapRect *areas;
    GArray *legend;
} QmemMemoryMapLayout;

/**
 * qmem_memory_map_layout_new:
 * @map: a map (borrowed)
 *
 * Returns: (transfer full): where each part of @map's picture goes.
 */
QmemMemoryMapLayout *qmem_memory_map_layout_new(QmemMemoryMap *map);

void qmem_memory_map_layout_free(QmemMemoryMapLayout *layout);

/**
 * qmem_memory_map_layout_get_band_area:
 * @index: a band of the map
 * @rect: (out): where the picture shows it
 */
void qmem_memory_map_layout_get_band_area(const QmemMemoryMapLayout *layout,
                                          guint index, QmemMemoryMapRect *rect);

/**
 * qmem_memory_map_layout_get_gauge_area:
 * @index: a band with @mapped ranges
 * @rect: (out): its memslot gauge, a column at the band's right edge that
 *   stands for the band's whole range, top to bottom
 */
void qmem_memory_map_layout_get_gauge_area(const QmemMemoryMapLayout *layout,
                                           guint index,
                                           QmemMemoryMapRect *rect);

/**
 * qmem_memory_map_layout_get_mapped_area:
 * @index: a band with @mapped ranges
 * @range: < @mapped->len
 * @rect: (out): the strip of the band's gauge that shows the range (at
 *   least one pixel high)
 */
void qmem_memory_map_layout_get_mapped_area(const QmemMemoryMapLayout *layout,
                                            guint index, guint range,
                                            QmemMemoryMapRect *rect);

/**
 * qmem_memory_map_band_color:
 *
 * Returns: @band's colour: by kind, a device by its type (COLOR_OTHER for
 *   a type the picture does not know).
 */
guint32 qmem_memory_map_band_color(const QmemMemoryMapBand *band);

/**
 * qmem_memory_map_band_lines:
 *
 * Returns: (transfer full) (element-type utf8): the text lines in @band's
 *   box (a device-memory band: its header): name, then kind, size and
 *   node, then for a device with plugged memory of its own the plugged
 *   size.
 */
GPtrArray *qmem_memory_map_band_lines(const QmemMemoryMapBand *band);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(QmemMemoryMapLayout, qmem_memory_map_layout_free)

#endif
