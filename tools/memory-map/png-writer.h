/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Writes a pixman image as a PNG file with libpng. */

#ifndef QMEM_TOOLS_MEMORY_MAP_PNG_WRITER_H
#define QMEM_TOOLS_MEMORY_MAP_PNG_WRITER_H

#include <glib.h>
#include <pixman.h>

/**
 * qmem_png_write:
 * @img: an x8r8g8b8 image
 * @path: the file to (over)write
 * @error: return location for a #GError
 *
 * Writes @img as an 8-bit RGB PNG.  Fails (%QMEM_ERROR_GENERIC) with
 * "failed to open file '%s': %s" (QEMU's screendump text) or "failed to
 * write file '%s': %s"; a regular file left half-written is removed.
 *
 * Returns: %TRUE when the picture was written.
 */
gboolean qmem_png_write(pixman_image_t *img, const char *path, GError **error);

#endif
