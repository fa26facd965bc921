/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The memory-map picture's bitmap font. */

#ifndef QMEM_TOOLS_MEMORY_MAP_FONT_H
#define QMEM_TOOLS_MEMORY_MAP_FONT_H

#include <glib.h>

/*
 * A 5x9 bitmap font for ASCII 32..126: rows 0-6 hold capitals and digits,
 * rows 7-8 descenders.
 */
#define QMEM_FONT_W 5
#define QMEM_FONT_H 9

/**
 * qmem_font_glyph:
 * @c: a character; one outside ASCII 32..126 is drawn as '?'
 *
 * Returns: (array fixed-size=9): @c's rows, top first, one byte each,
 *   bit 4 the left column.
 */
const guint8 *qmem_font_glyph(char c);

#endif
