/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Draws the memory-map picture with pixman. */

#include <inttypes.h>
#include <string.h>
#include "draw.h"

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

static void fill_rect(pixman_image_t *img, guint32 argb,
                      const QmemMemoryMapRect *r)
{
    fill(img, argb, r->x, r->y, r->width, r->height);
}

static void draw_box(pixman_image_t *img, const QmemMemoryMapRect *r,
                     guint32 argb)
{
    fill_rect(img, COLOR_BORDER, r);
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

/*
 * Bold doubles every column one pixel to the right.  What would start
 * beyond the picture's right edge is not drawn at all.
 */
static void draw_text(pixman_image_t *img, int x, int y, const char *text,
                      guint32 argb, gboolean bold)
{
    int room = (pixman_image_get_width(img) - x + CELL_W - 1) / CELL_W;
    int len = MIN(strlen(text), (gsize)MAX(room, 0));
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
        const guint8 *glyph = qmem_font_glyph(text[i]);

        for (int row = 0; row < QMEM_FONT_H; row++) {
            for (int col = 0; col < QMEM_FONT_W; col++) {
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

/* The gauge and its mapped ranges; returns the width it takes. */
static int draw_gauge(pixman_image_t *img, const QmemMemoryMapLayout *layout,
                      guint index, const QmemMemoryMapBand *band)
{
    QmemMemoryMapRect gauge;

    qmem_memory_map_layout_get_gauge_area(layout, index, &gauge);
    draw_box(img, &gauge, COLOR_GAUGE);
    for (guint j = 0; j < band->mapped->len; j++) {
        QmemMemoryMapRect r;

        qmem_memory_map_layout_get_mapped_area(layout, index, j, &r);
        fill_rect(img, COLOR_MAPPED, &r);
    }
    return GAUGE_W + 6;
}

static void draw_band(pixman_image_t *img, const QmemMemoryMapLayout *layout,
                      guint index)
{
    const QmemMemoryMapBand *band = qmem_memory_map_get_band(layout->map,
                                                             index);
    const QmemMemoryMapRect *area = &layout->areas[index];
    g_autoptr(GPtrArray) lines = qmem_memory_map_band_lines(band);
    int text_w = area->width - 2 * PAD;
    int block_h = (int)lines->len * CELL_H;
    int text_y;

    draw_box(img, area, qmem_memory_map_band_color(band));
    if (band->kind == QMEM_MEMORY_MAP_BAND_GAP) {
        draw_hatch(img, area);
    }
    if (band->kind == QMEM_MEMORY_MAP_BAND_DEVICE_MEMORY) {
        text_y = area->y + (DM_HEADER_H - CELL_H) / 2 + 1;
    } else {
        text_y = area->y + (area->height - block_h) / 2 + 1;
    }
    if (band->mapped) {
        text_w -= draw_gauge(img, layout, index, band);
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

/*
 * The bands and their start addresses; a band starting where its
 * container starts shares its label.  Then the end of the last top-level
 * band at its bottom, unless it ends at the top of the address space.
 */
static void draw_bands(pixman_image_t *img, const QmemMemoryMapLayout *layout)
{
    guint n = qmem_memory_map_get_n_bands(layout->map);
    const QmemMemoryMapBand *prev = NULL;
    const QmemMemoryMapBand *last_top = NULL;
    int bottom = BANDS_Y;

    for (guint i = 0; i < n; i++) {
        const QmemMemoryMapBand *band = qmem_memory_map_get_band(layout->map,
                                                                 i);
        const QmemMemoryMapRect *area = &layout->areas[i];

        draw_band(img, layout, i);
        if (!prev || band->start != prev->start) {
            draw_address(img, band->start, area->y, area->x);
        }
        if (!band->depth) {
            last_top = band;
            bottom = area->y + area->height;
        }
        prev = band;
    }
    if (last_top && last_top->start + last_top->size != 0) {
        draw_address(img, last_top->start + last_top->size, bottom, BAR_X);
    }
}

pixman_image_t *qmem_memory_map_draw(const QmemMemoryMapLayout *layout)
{
    pixman_image_t *img;

    g_return_val_if_fail(layout != NULL, NULL);

    img = pixman_image_create_bits(PIXMAN_x8r8g8b8, layout->width,
                                   layout->height, NULL, 0);
    if (!img) {
        return NULL;
    }
    fill(img, COLOR_BG, 0, 0, layout->width, layout->height);
    draw_text(img, MARGIN, MARGIN, "guest-physical memory map", COLOR_TEXT,
              TRUE);
    if (!qmem_memory_map_get_n_bands(layout->map)) {
        draw_text(img, MARGIN, BANDS_Y, "(no memory)", COLOR_TEXT, FALSE);
    }
    draw_bands(img, layout);
    for (guint i = 0; i < layout->legend->len; i++) {
        const QmemMemoryMapLegendItem *item =
            &g_array_index(layout->legend, QmemMemoryMapLegendItem, i);

        draw_box(img, &item->swatch, item->color);
        if (item->hatched) {
            draw_hatch(img, &item->swatch);
        }
        draw_text(img, item->swatch.x + SWATCH + 8,
                  item->swatch.y + (SWATCH - CELL_H) / 2 + 2, item->label,
                  COLOR_TEXT, FALSE);
    }
    return img;
}
