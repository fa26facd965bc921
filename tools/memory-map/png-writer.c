/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Writes a pixman image as a PNG file with libpng. */

#include <errno.h>
#include <setjmp.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>
#include <png.h>
#include "png-writer.h"
#include "util/error.h"

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

gboolean qmem_png_write(pixman_image_t *img, const char *path,
                        GError **error)
{
    PngWriter writer = { NULL };
    g_autofree guint8 *row = NULL;
    struct stat st;
    gboolean ok;

    g_return_val_if_fail(img != NULL, FALSE);
    g_return_val_if_fail(path != NULL, FALSE);

    writer.file = fopen(path, "wb");
    if (!writer.file) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "failed to open file '%s': %s", path, g_strerror(errno));
        return FALSE;
    }
    row = g_malloc((gsize)pixman_image_get_width(img) * 3);
    ok = write_png_stream(&writer, img, row);
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
