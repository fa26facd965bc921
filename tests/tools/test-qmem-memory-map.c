/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Tests for qmem-memory-map: layout, drawing, PNG writer, the program. */

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>
#include <glib/gstdio.h>
#include <png.h>

#include "draw.h"
#include "layout.h"
#include "png-writer.h"
#include "qobject/json.h"
#include "system/memory-map.h"
#include "tests/unit/memory-map-cases.h"
#include "util/error.h"

#define MiB (1024ULL * 1024)
#define GiB (1024 * MiB)

/* The colours the picture promises (docs/memory-map.md), as 0xRRGGBB. */
#define RGB_BG 0xffffff
#define RGB_TEXT 0x1f1f1f
#define RGB_BORDER 0x4d4d4d
#define RGB_RAM 0xa1d99b
#define RGB_GAP 0xf0f0f0
#define RGB_GAP_HATCH 0xcfcfcf
#define RGB_DEVICE_MEMORY 0x9ecae1
#define RGB_FREE 0xe3eef8
#define RGB_DIMM 0xfdae6b
#define RGB_VIRTIO_MEM 0xcbc9e2
#define RGB_MAPPED 0x6a51a3
#define RGB_GAUGE 0xf7f6fb
#define RGB_NVDIMM 0xfee391
#define RGB_SGX_EPC 0xb3e2cd

/* ------------------------------------------------------------------ */
/* The picture */

typedef struct {
    int width;
    int height;
    guint8 *rgb;
} Picture;

static void picture_clear(Picture *p)
{
    g_free(p->rgb);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(Picture, picture_clear)

/* Reads @path back with libpng; it must be 8-bit RGB without alpha. */
static void picture_read(Picture *p, const char *path)
{
    png_image image = { .version = PNG_IMAGE_VERSION };

    g_assert_true(png_image_begin_read_from_file(&image, path));
    g_assert_cmphex(image.format, ==, PNG_FORMAT_RGB);
    p->width = image.width;
    p->height = image.height;
    p->rgb = g_malloc(PNG_IMAGE_SIZE(image));
    g_assert_true(png_image_finish_read(&image, NULL, p->rgb, 0, NULL));
}

static guint32 pixel(const Picture *p, int x, int y)
{
    const guint8 *px;

    g_assert_cmpint(x, >=, 0);
    g_assert_cmpint(y, >=, 0);
    g_assert_cmpint(x, <, p->width);
    g_assert_cmpint(y, <, p->height);
    px = p->rgb + ((gsize)y * p->width + x) * 3;
    return px[0] << 16 | px[1] << 8 | px[2];
}

static guint count_color(const Picture *p, const QmemMemoryMapRect *r,
                         guint32 rgb)
{
    guint n = 0;

    for (int y = r->y; y < r->y + r->height; y++) {
        for (int x = r->x; x < r->x + r->width; x++) {
            n += pixel(p, x, y) == rgb;
        }
    }
    return n;
}

static guint32 expected_color(const QmemMemoryMapBand *band)
{
    switch (band->kind) {
    case QMEM_MEMORY_MAP_BAND_RAM:
        return RGB_RAM;
    case QMEM_MEMORY_MAP_BAND_GAP:
        return RGB_GAP;
    case QMEM_MEMORY_MAP_BAND_DEVICE_MEMORY:
        return RGB_DEVICE_MEMORY;
    case QMEM_MEMORY_MAP_BAND_FREE:
        return RGB_FREE;
    case QMEM_MEMORY_MAP_BAND_DEVICE:
        return !strcmp(band->type, "dimm") ? RGB_DIMM :
               !strcmp(band->type, "virtio-mem") ? RGB_VIRTIO_MEM :
               !strcmp(band->type, "nvdimm") ? RGB_NVDIMM :
               !strcmp(band->type, "sgx-epc") ? RGB_SGX_EPC : 0xbad;
    }
    g_assert_not_reached();
}

static char *temp_png(char **dir)
{
    *dir = g_dir_make_tmp("test-qmem-memory-map-XXXXXX", NULL);
    g_assert_nonnull(*dir);
    return g_build_filename(*dir, "map.png", NULL);
}

static void remove_temp(const char *dir, const char *path)
{
    g_unlink(path);
    g_assert_cmpint(g_rmdir(dir), ==, 0);
}

/* What the program does with a map: lay it out, draw it, write it. */
static gboolean write_png(QmemMemoryMap *map, const char *path, GError **error)
{
    g_autoptr(QmemMemoryMapLayout) layout = qmem_memory_map_layout_new(map);
    pixman_image_t *img = qmem_memory_map_draw(layout);
    gboolean ok;

    g_assert_nonnull(img);
    ok = qmem_png_write(img, path, error);
    pixman_image_unref(img);
    return ok;
}

static void write_and_read(QmemMemoryMap *map, Picture *p)
{
    g_autofree char *dir = NULL;
    g_autofree char *path = temp_png(&dir);
    g_autoptr(GError) error = NULL;

    g_assert_true(write_png(map, path, &error));
    g_assert_no_error(error);
    picture_read(p, path);
    remove_temp(dir, path);
}

static void test_png_pixels(gconstpointer data)
{
    const MapCase *c = data;
    g_autoptr(QmemMemoryMap) map = map_from_case(c);
    g_autoptr(QmemMemoryMapLayout) layout = qmem_memory_map_layout_new(map);
    g_auto(Picture) p = { 0 };
    int width, height;

    write_and_read(map, &p);
    width = layout->width;
    height = layout->height;
    g_assert_cmpint(p.width, ==, width);
    g_assert_cmpint(p.height, ==, height);
    g_assert_cmphex(pixel(&p, 0, 0), ==, RGB_BG);
    g_assert_cmphex(pixel(&p, width - 1, height - 1), ==, RGB_BG);

    for (guint i = 0; i < qmem_memory_map_get_n_bands(map); i++) {
        const QmemMemoryMapBand *band = qmem_memory_map_get_band(map, i);
        QmemMemoryMapRect r;
        guint32 inside;

        qmem_memory_map_layout_get_band_area(layout, i, &r);
        g_assert_cmpint(r.width, >, 0);
        g_assert_cmpint(r.height, >=, 40);
        g_assert_cmpint(r.x + r.width, <=, width);
        g_assert_cmpint(r.y + r.height, <=, height);
        g_assert_cmphex(pixel(&p, r.x, r.y), ==, RGB_BORDER);
        g_assert_cmphex(pixel(&p, r.x + r.width - 1, r.y + r.height - 1),
                        ==, RGB_BORDER);
        /* Off the labels, the band's own colour (gaps are hatched). */
        inside = pixel(&p, r.x + 2, r.y + 2);
        if (band->kind == QMEM_MEMORY_MAP_BAND_GAP) {
            g_assert_true(inside == RGB_GAP || inside == RGB_GAP_HATCH);
            g_assert_cmpuint(count_color(&p, &r, RGB_GAP_HATCH), >, 100);
        } else {
            g_assert_cmphex(inside, ==, expected_color(band));
        }
        /* Every band is labelled. */
        g_assert_cmpuint(count_color(&p, &r, RGB_TEXT), >, 50);

        for (guint j = 0; band->mapped && j < band->mapped->len; j++) {
            QmemMemoryMapRect m;

            qmem_memory_map_layout_get_mapped_area(layout, i, j, &m);
            g_assert_cmpint(m.x, >, r.x);
            g_assert_cmpint(m.x + m.width, <, r.x + r.width);
            g_assert_cmpint(m.y, >, r.y);
            g_assert_cmpint(m.y + m.height, <, r.y + r.height);
            g_assert_cmpuint(count_color(&p, &m, RGB_MAPPED), ==,
                             (guint)(m.width * m.height));
        }
    }
}

/*
 * The "devices" case's virtio-mem band: 8 GiB with 1 GiB mapped at +0 and
 * +2 GiB; the gauge shows them at 0-1/8 and 2/8-3/8 of its height.
 */
static void test_png_gauge(void)
{
    g_autoptr(QmemMemoryMap) map = map_from_case(find_case("devices"));
    g_autoptr(QmemMemoryMapLayout) layout = qmem_memory_map_layout_new(map);
    g_auto(Picture) p = { 0 };
    QmemMemoryMapRect m0, m1;

    write_and_read(map, &p);
    qmem_memory_map_layout_get_mapped_area(layout, 8, 0, &m0);
    qmem_memory_map_layout_get_mapped_area(layout, 8, 1, &m1);
    g_assert_cmpint(m0.x, ==, m1.x);
    /* Whole pixels: a range may take one more at each end. */
    g_assert_cmpint(ABS((m1.y - m0.y) - 2 * m0.height), <=, 2);
    g_assert_cmpint(ABS(m1.height - m0.height), <=, 1);
    /* Between the two ranges: unmapped. */
    g_assert_cmphex(pixel(&p, m0.x + 1, m0.y + m0.height + 2), ==,
                    RGB_GAUGE);
    g_assert_cmphex(pixel(&p, m0.x + 1, m1.y + m1.height + 2), ==,
                    RGB_GAUGE);
}

/* Larger bands are taller, but 512 times the size is not 512 times as tall. */
static void test_png_scale(void)
{
    g_autoptr(QmemMemoryMap) map = map_from_case(find_case("devices"));
    g_autoptr(QmemMemoryMapLayout) layout = qmem_memory_map_layout_new(map);
    QmemMemoryMapRect dimm, vmem, free_tail;

    qmem_memory_map_layout_get_band_area(layout, 6, &dimm);
    qmem_memory_map_layout_get_band_area(layout, 8, &vmem);
    qmem_memory_map_layout_get_band_area(layout, 9, &free_tail);
    g_assert_cmpint(vmem.height, >, dimm.height);
    g_assert_cmpint(free_tail.height, >, vmem.height);
    g_assert_cmpint(free_tail.height, <, 2 * dimm.height);
    /* Children sit inside device memory, one after the other. */
    for (guint i = 5; i < 10; i++) {
        QmemMemoryMapRect dm, r;

        qmem_memory_map_layout_get_band_area(layout, 4, &dm);
        qmem_memory_map_layout_get_band_area(layout, i, &r);
        g_assert_cmpint(r.x, >, dm.x);
        g_assert_cmpint(r.y, >, dm.y);
        g_assert_cmpint(r.x + r.width, <, dm.x + dm.width);
        g_assert_cmpint(r.y + r.height, <, dm.y + dm.height);
        if (i > 5) {
            QmemMemoryMapRect prev;

            qmem_memory_map_layout_get_band_area(layout, i - 1, &prev);
            g_assert_cmpint(r.y, ==, prev.y + prev.height);
        }
    }
}

/* A name longer than the box is cut, never drawn over the border. */
static void test_png_long_name(void)
{
    g_autofree char *name = g_strnfill(200, 'W');
    QmemMemoryMapSection sections[] = { { 0, 1 * GiB, name, -1 } };
    g_autoptr(QmemMemoryMap) map =
        qmem_memory_map_new_from(sections, 1, 0, 0, NULL, 0);
    g_autoptr(QmemMemoryMapLayout) layout = qmem_memory_map_layout_new(map);
    g_autofree char *text = qmem_memory_map_to_text(map);
    g_auto(Picture) p = { 0 };
    QmemMemoryMapRect r, right_edge;

    g_assert_nonnull(strstr(text, name));
    write_and_read(map, &p);
    qmem_memory_map_layout_get_band_area(layout, 0, &r);
    right_edge = (QmemMemoryMapRect) {
        r.x + r.width - 3, r.y + 1, 2, r.height - 2
    };
    g_assert_cmpuint(count_color(&p, &right_edge, RGB_RAM), ==,
                     (guint)(2 * (r.height - 2)));
    g_assert_cmpuint(count_color(&p, &r, RGB_TEXT), >, 500);
}

static void test_png_empty(void)
{
    g_autoptr(QmemMemoryMap) map =
        qmem_memory_map_new_from(NULL, 0, 0, 0, NULL, 0);
    g_autofree char *text = qmem_memory_map_to_text(map);
    g_auto(Picture) p = { 0 };
    QmemMemoryMapRect all;

    g_assert_cmpuint(qmem_memory_map_get_n_bands(map), ==, 0);
    g_assert_cmpstr(text, ==, HEADER);
    write_and_read(map, &p);
    all = (QmemMemoryMapRect) { 0, 0, p.width, p.height };
    /* The title, nothing else. */
    g_assert_cmpuint(count_color(&p, &all, RGB_TEXT), >, 100);
    g_assert_cmpuint(count_color(&p, &all, RGB_BORDER), ==, 0);
}

/* Writing over an existing file replaces it. */
static void test_png_overwrite(void)
{
    g_autoptr(QmemMemoryMap) map = map_from_case(find_case("pci-hole"));
    g_autoptr(QmemMemoryMapLayout) layout = qmem_memory_map_layout_new(map);
    g_autofree char *dir = NULL;
    g_autofree char *path = temp_png(&dir);
    g_autoptr(GError) error = NULL;
    g_autofree char *junk = g_strnfill(100000, 'x');
    g_auto(Picture) p = { 0 };
    int width, height;

    g_assert_true(g_file_set_contents(path, junk, -1, NULL));
    g_assert_true(write_png(map, path, &error));
    g_assert_no_error(error);
    picture_read(&p, path);
    width = layout->width;
    height = layout->height;
    g_assert_cmpint(p.width, ==, width);
    g_assert_cmpint(p.height, ==, height);
    remove_temp(dir, path);
}

static void test_png_open_error(void)
{
    g_autoptr(QmemMemoryMap) map = map_from_case(find_case("devices"));
    g_autofree char *dir = NULL;
    g_autofree char *png = temp_png(&dir);
    g_autofree char *path = g_build_filename(dir, "missing", "map.png",
                                             NULL);
    g_autofree char *expected = g_strdup_printf(
        "failed to open file '%s': No such file or directory", path);
    g_autoptr(GError) error = NULL;

    g_assert_false(write_png(map, path, &error));
    g_assert_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC);
    g_assert_cmpstr(error->message, ==, expected);
    g_assert_false(g_file_test(path, G_FILE_TEST_EXISTS));
    remove_temp(dir, png);
}

/* The device stays: only regular files are removed on failure. */
static void test_png_write_error_device(void)
{
    g_autoptr(QmemMemoryMap) map = map_from_case(find_case("devices"));
    g_autoptr(GError) error = NULL;
    struct stat st;

    if (stat("/dev/full", &st) || !S_ISCHR(st.st_mode)) {
        g_test_skip("no /dev/full");
        return;
    }
    g_assert_false(write_png(map, "/dev/full", &error));
    g_assert_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC);
    g_assert_cmpstr(error->message, ==,
                    "failed to write file '/dev/full': "
                    "No space left on device");
    g_assert_cmpint(stat("/dev/full", &st), ==, 0);
    g_assert_true(S_ISCHR(st.st_mode));
}

/*
 * A file size limit makes libpng's write fail half-way (the longjmp path);
 * the half-written file is removed.  In a subprocess: the limit is
 * process-wide.
 */
static void test_png_write_error_file(void)
{
    g_autoptr(QmemMemoryMap) map = map_from_case(find_case("devices"));
    g_autoptr(GError) error = NULL;
    g_autofree char *dir = NULL;
    g_autofree char *path = NULL;
    g_autofree char *expected = NULL;
    struct rlimit limit = { 2048, 2048 };

    if (!g_test_subprocess()) {
        g_test_trap_subprocess(NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
        g_test_trap_assert_passed();
        g_test_trap_assert_stdout("*removed*");
        return;
    }
    path = temp_png(&dir);
    expected = g_strdup_printf("failed to write file '%s': File too large",
                               path);
    signal(SIGXFSZ, SIG_IGN);
    g_assert_cmpint(setrlimit(RLIMIT_FSIZE, &limit), ==, 0);
    g_assert_false(write_png(map, path, &error));
    g_assert_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC);
    g_assert_cmpstr(error->message, ==, expected);
    g_assert_false(g_file_test(path, G_FILE_TEST_EXISTS));
    g_assert_cmpint(g_rmdir(dir), ==, 0);
    printf("removed\n");
}


/* ------------------------------------------------------------------ */
/* The program */

typedef struct {
    int status; /* the exit status */
    char *out;
    char *err;
} Run;

static void run_clear(Run *r)
{
    g_free(r->out);
    g_free(r->err);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(Run, run_clear)

static void stdin_from(gpointer data)
{
    int fd = GPOINTER_TO_INT(data);

    if (fd >= 0) {
        dup2(fd, STDIN_FILENO);
    }
}

/*
 * Runs qmem-memory-map with @args (NULL-terminated) and @input as its
 * standard input (NULL: none).
 */
static void run_program(Run *r, const char *input, const char *const *args)
{
    const char *program = g_getenv("QMEM_MEMORY_MAP");
    g_autoptr(GPtrArray) argv = g_ptr_array_new();
    g_autoptr(GError) error = NULL;
    g_autofree char *dir = g_dir_make_tmp("test-qmem-memory-map-XXXXXX", NULL);
    g_autofree char *path = g_build_filename(dir, "stdin", NULL);
    int fd = -1;
    int wait_status;

    g_assert_nonnull(program);
    g_assert_nonnull(dir);
    if (input) {
        g_assert_true(g_file_set_contents(path, input, -1, NULL));
        fd = open(path, O_RDONLY);
        g_assert_cmpint(fd, >=, 0);
    }
    g_ptr_array_add(argv, (char *)program);
    for (guint i = 0; args[i]; i++) {
        g_ptr_array_add(argv, (char *)args[i]);
    }
    g_ptr_array_add(argv, NULL);
    g_assert_true(g_spawn_sync(NULL, (char **)argv->pdata, NULL,
                               G_SPAWN_LEAVE_DESCRIPTORS_OPEN, stdin_from,
                               GINT_TO_POINTER(fd), &r->out, &r->err,
                               &wait_status, &error));
    g_assert_no_error(error);
    g_assert_true(WIFEXITED(wait_status));
    r->status = WEXITSTATUS(wait_status);
    if (fd >= 0) {
        close(fd);
    }
    remove_temp(dir, path);
}

/* The JSON x-query-memory-map would return for case @name. */
static char *case_json(const char *name)
{
    g_autoptr(QmemMemoryMap) map = map_from_case(find_case(name));
    g_autoptr(JsonNode) json = qmem_memory_map_to_json(map);

    return qmem_json_to_string(json);
}

/* The program draws exactly what the library draws. */
static void test_program_file(void)
{
    g_autoptr(QmemMemoryMap) map = map_from_case(find_case("devices"));
    g_autofree char *json = case_json("devices");
    g_autofree char *dir = NULL;
    g_autofree char *png = temp_png(&dir);
    g_autofree char *input = g_build_filename(dir, "map.json", NULL);
    g_autofree char *expected_png = g_build_filename(dir, "expected.png", NULL);
    g_autoptr(GError) error = NULL;
    const char *args[] = { "-o", png, input, NULL };
    g_auto(Run) r = { 0 };
    g_auto(Picture) got = { 0 };
    g_auto(Picture) expected = { 0 };

    g_assert_true(g_file_set_contents(input, json, -1, NULL));
    run_program(&r, NULL, args);
    g_assert_cmpstr(r.err, ==, "");
    g_assert_cmpstr(r.out, ==, "");
    g_assert_cmpint(r.status, ==, 0);
    picture_read(&got, png);
    g_assert_true(write_png(map, expected_png, &error));
    g_assert_no_error(error);
    picture_read(&expected, expected_png);
    g_assert_cmpint(got.width, ==, expected.width);
    g_assert_cmpint(got.height, ==, expected.height);
    g_assert_cmpmem(got.rgb, got.width * got.height * 3, expected.rgb,
                    expected.width * expected.height * 3);
    g_unlink(input);
    g_unlink(expected_png);
    remove_temp(dir, png);
}

/* A whole QMP reply on standard input; --table prints the table. */
static void test_program_stdin(void)
{
    const MapCase *c = find_case("devices");
    g_autofree char *json = case_json("devices");
    g_autofree char *reply = g_strdup_printf("{\"return\": %s}\n", json);
    g_autofree char *dir = NULL;
    g_autofree char *png = temp_png(&dir);
    const char *args[] = { "--table", "--output", png, "-", NULL };
    const char *table_only[] = { "-t", NULL };
    g_auto(Run) r = { 0 };
    g_auto(Run) t = { 0 };
    g_auto(Picture) p = { 0 };

    run_program(&r, reply, args);
    g_assert_cmpstr(r.err, ==, "");
    g_assert_cmpstr(r.out, ==, c->text);
    g_assert_cmpint(r.status, ==, 0);
    picture_read(&p, png);
    remove_temp(dir, png);

    run_program(&t, json, table_only);
    g_assert_cmpstr(t.err, ==, "");
    g_assert_cmpstr(t.out, ==, c->text);
    g_assert_cmpint(t.status, ==, 0);
}

typedef struct {
    const char *name;
    const char *input; /* standard input, or NULL */
    const char *args[4];
    const char *err; /* all of standard error */
} ProgramErrorCase;

static const ProgramErrorCase program_errors[] = {
    { "no-output",
      "[]",
      { NULL },
      "qmem-memory-map: nothing to do: give --output=PNG or --table\n" },
    { "two-inputs",
      NULL,
      { "-t", "a.json", "b.json" },
      "qmem-memory-map: more than one input file\n" },
    { "unknown-option",
      NULL,
      { "--colour" },
      "qmem-memory-map: Unknown option --colour\n" },
    { "no-input-file",
      NULL,
      { "-t", "/nonexistent/map.json" },
      "qmem-memory-map: failed to open file '/nonexistent/map.json': "
      "No such file or directory\n" },
    { "not-json",
      "[{",
      { "-t" },
      "qmem-memory-map: standard input: JSON parse error, "
      "premature EOI\n" },
    { "not-a-list",
      "{\"return\": {}}",
      { "-t" },
      "qmem-memory-map: standard input: the memory map must be a list "
      "of bands\n" },
    { "bad-band",
      "[{\"start\": 0, \"kind\": \"ram\", \"depth\": 0}]",
      { "-t" },
      "qmem-memory-map: standard input: band 0 has no 'size'\n" },
    { "output-error",
      "[]",
      { "-o", "/nonexistent/map.png" },
      "qmem-memory-map: failed to open file '/nonexistent/map.png': "
      "No such file or directory\n" },
};

static void test_program_error(gconstpointer data)
{
    const ProgramErrorCase *c = data;
    g_auto(Run) r = { 0 };

    run_program(&r, c->input, c->args);
    g_assert_cmpstr(r.err, ==, c->err);
    g_assert_cmpstr(r.out, ==, "");
    g_assert_cmpint(r.status, ==, 1);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);

    for (gsize i = 0; i < n_map_cases; i++) {
        g_autofree char *path =
            g_strdup_printf("/tools/memory-map/png/pixels/%s",
                            map_cases[i].name);

        g_test_add_data_func(path, &map_cases[i], test_png_pixels);
    }
    g_test_add_func("/tools/memory-map/png/gauge", test_png_gauge);
    g_test_add_func("/tools/memory-map/png/scale", test_png_scale);
    g_test_add_func("/tools/memory-map/png/long-name", test_png_long_name);
    g_test_add_func("/tools/memory-map/png/empty", test_png_empty);
    g_test_add_func("/tools/memory-map/png/overwrite", test_png_overwrite);
    g_test_add_func("/tools/memory-map/png/open-error", test_png_open_error);
    g_test_add_func("/tools/memory-map/png/write-error/device",
                    test_png_write_error_device);
    g_test_add_func("/tools/memory-map/png/write-error/file",
                    test_png_write_error_file);
    g_test_add_func("/tools/memory-map/program/file", test_program_file);
    g_test_add_func("/tools/memory-map/program/stdin", test_program_stdin);
    for (gsize i = 0; i < G_N_ELEMENTS(program_errors); i++) {
        g_autofree char *path =
            g_strdup_printf("/tools/memory-map/program/error/%s",
                            program_errors[i].name);

        g_test_add_data_func(path, &program_errors[i], test_program_error);
    }
    return g_test_run();
}
