/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Draws the memory-map picture with pixman. */

#ifndef QMEM_TOOLS_MEMORY_MAP_DRAW_H
#define QMEM_TOOLS_MEMORY_MAP_DRAW_H

#include <pixman.h>
#include "layout.h"

/**
 * qmem_memory_map_draw:
 * @layout: a laid-out map
 *
 * Draws the picture: the title, each band as a box in its colour (gaps
 * hatched) with its labels inside and its start address on the left, the
 * memslot gauge of each band with mapped ranges, the end address, the
 * legend.  Names too long for their box end in "..".
 *
 * Returns: (transfer full) (nullable): an x8r8g8b8 image of
 *   @layout->width by @layout->height pixels (release it with
 *   pixman_image_unref()), or %NULL when pixman cannot allocate one.
 */
pixman_image_t *qmem_memory_map_draw(const QmemMemoryMapLayout *layout);

#endif
