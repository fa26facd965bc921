/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Tests for the memory map: bands, table, JSON, PNG picture and commands. */

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>
#include <glib/gstdio.h>
#include <png.h>

#include "hw/core/qdev.h"
#include "hw/mem/memory-device.h"
#include "qapi/opts.h"
#include "qobject/json.h"
#include "qom/module.h"
#include "qom/qom-qmp-cmds.h"
#include "qom/user-creatable.h"
#include "system/accel.h"
#include "system/memory-map.h"
#include "tests/unit/qmp-test.h"
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

#define HEADER "start              end                size      kind" \
               "            name\n"

/* ------------------------------------------------------------------ */
/* Plain inputs */

typedef struct {
    const char *name;
    const QmemMemoryMapSection *sections;   /* ends at a NULL name */
    guint64 dm_base;
    guint64 dm_size;
    const char *devices;                    /* query-memory-devices JSON */
    const char *text;
} MapCase;

#define DIMM(id, addr, size, node) \
    "{\"type\": \"dimm\", \"data\": {\"id\": \"" id "\", \"addr\": " \
    addr ", \"size\": " size ", \"slot\": 0, \"node\": " node ", " \
    "\"memdev\": \"/objects/m\", \"hotplugged\": false, " \
    "\"hotpluggable\": true}}"

#define VIRTIO_MEM(id, addr, plugged, max) \
    "{\"type\": \"virtio-mem\", \"data\": {\"id\": \"" id "\", " \
    "\"memaddr\": " addr ", \"requested-size\": " plugged ", \"size\": " \
    plugged ", \"max-size\": " max ", \"block-size\": 2097152, " \
    "\"node\": 0, \"memdev\": \"/objects/v\"}}"

/* pc with 4 GiB: 2 GiB below the hole, 2 above, 1 TiB of device memory. */
static const QmemMemoryMapSection pc_sections[] = {
    { 0, 2 * GiB, "pc.ram", -1 },
    { 4 * GiB, 2 * GiB, "pc.ram", -1 },
    { 8 * GiB, 1 * GiB, "mem-d0", -1 },
    { 10 * GiB, 1 * GiB, "mem-v0", -1 },
    { 12 * GiB, 1 * GiB, "mem-v0", -1 },
    { 0 },
};

#define PC_DEVICES \
    "[" DIMM("dimm0", "8589934592", "1073741824", "0") ", " \
    VIRTIO_MEM("vmem0", "10737418240", "2147483648", "8589934592") "]"

static const MapCase map_cases[] = {
    {
        .name = "empty",
        .sections = (const QmemMemoryMapSection[]) { { 0 } },
        .text = HEADER,
    }, {
        .name = "ram",
        .sections = (const QmemMemoryMapSection[]) {
            { 0, 128 * MiB, "pc.ram", -1 }, { 0 },
        },
        .text = HEADER
        "0x0000000000000000 0x0000000007ffffff 128 MiB   ram"
        "             pc.ram\n",
    }, {
        /* The 32-bit PCI hole is just a gap. */
        .name = "pci-hole",
        .sections = (const QmemMemoryMapSection[]) {
            { 0, 3 * GiB, "pc.ram", -1 },
            { 4 * GiB, 512 * MiB, "pc.ram", -1 },
            { 0 },
        },
        .text = HEADER
        "0x0000000000000000 0x00000000bfffffff 3 GiB     ram"
        "             pc.ram\n"
        "0x00000000c0000000 0x00000000ffffffff 1 GiB     gap\n"
        "0x0000000100000000 0x000000011fffffff 512 MiB   ram"
        "             pc.ram\n",
    }, {
        .name = "leading-gap",
        .sections = (const QmemMemoryMapSection[]) {
            { 1 * MiB, 1 * MiB, "low", -1 }, { 0 },
        },
        .text = HEADER
        "0x0000000000000000 0x00000000000fffff 1 MiB     gap\n"
        "0x0000000000100000 0x00000000001fffff 1 MiB     ram"
        "             low\n",
    }, {
        .name = "devices",
        .sections = pc_sections,
        .dm_base = 7 * GiB,
        .dm_size = 1024 * GiB,
        .devices = PC_DEVICES,
        .text = HEADER
        "0x0000000000000000 0x000000007fffffff 2 GiB     ram"
        "             pc.ram\n"
        "0x0000000080000000 0x00000000ffffffff 2 GiB     gap\n"
        "0x0000000100000000 0x000000017fffffff 2 GiB     ram"
        "             pc.ram\n"
        "0x0000000180000000 0x00000001bfffffff 1 GiB     gap\n"
        "0x00000001c0000000 0x00000101bfffffff 1 TiB     device-memory"
        "   device-memory\n"
        "0x00000001c0000000 0x00000001ffffffff 1 GiB       free\n"
        "0x0000000200000000 0x000000023fffffff 1 GiB       dimm"
        "          dimm0 (node 0)\n"
        "0x0000000240000000 0x000000027fffffff 1 GiB       free\n"
        "0x0000000280000000 0x000000047fffffff 8 GiB       virtio-mem"
        "    vmem0 (node 0, plugged 2 GiB)\n"
        "0x0000000280000000 0x00000002bfffffff 1 GiB         mapped\n"
        "0x0000000300000000 0x000000033fffffff 1 GiB         mapped\n"
        "0x0000000480000000 0x00000101bfffffff 0.989 TiB   free\n",
    }, {
        /*
         * No id, no node, an empty device (left out), one outside device
         * memory (top level), virtio-mem with nothing plugged.
         */
        .name = "device-kinds",
        .sections = (const QmemMemoryMapSection[]) {
            { 0, 1 * GiB, "ram", -1 },
            { 4 * GiB, 1 * GiB, "nv", -1 },
            { 0 },
        },
        .dm_base = 4 * GiB,
        .dm_size = 4 * GiB,
        .devices = "["
            "{\"type\": \"nvdimm\", \"data\": {\"addr\": 4294967296, "
            "\"size\": 1073741824, \"slot\": 1, \"node\": 0, "
            "\"memdev\": \"/objects/nv\", \"hotplugged\": false, "
            "\"hotpluggable\": true}}, "
            VIRTIO_MEM("vm", "5368709120", "0", "1073741824") ", "
            "{\"type\": \"virtio-pmem\", \"data\": {\"id\": \"pm\", "
            "\"memaddr\": 0, \"size\": 0, \"memdev\": \"/objects/p\"}}, "
            "{\"type\": \"sgx-epc\", \"data\": {\"id\": \"epc\", "
            "\"memaddr\": 17179869184, \"size\": 33554432, \"node\": 1, "
            "\"memdev\": \"/objects/e\"}}]",
        .text = HEADER
        "0x0000000000000000 0x000000003fffffff 1 GiB     ram"
        "             ram\n"
        "0x0000000040000000 0x00000000ffffffff 3 GiB     gap\n"
        "0x0000000100000000 0x00000001ffffffff 4 GiB     device-memory"
        "   device-memory\n"
        "0x0000000100000000 0x000000013fffffff 1 GiB       nvdimm"
        "        (node 0)\n"
        "0x0000000140000000 0x000000017fffffff 1 GiB       virtio-mem"
        "    vm (node 0, plugged 0 B)\n"
        "0x0000000180000000 0x00000001ffffffff 2 GiB       free\n"
        "0x0000000200000000 0x00000003ffffffff 8 GiB     gap\n"
        "0x0000000400000000 0x0000000401ffffff 32 MiB    sgx-epc"
        "         epc (node 1)\n",
    }, {
        /* Inclusive ends: nothing wraps at the top of the address space. */
        .name = "top-of-address-space",
        .sections = (const QmemMemoryMapSection[]) {
            { 0xffffffffc0000000ULL, 1 * GiB, "top", -1 }, { 0 },
        },
        .dm_base = 0xffffffff00000000ULL,
        .dm_size = 4 * GiB,
        .devices = "[" DIMM("d", "18446744072635809792", "1073741824", "0")
                   "]",
        .text = HEADER
        "0x0000000000000000 0xfffffffeffffffff 16 EiB    gap\n"
        "0xffffffff00000000 0xffffffffffffffff 4 GiB     device-memory"
        "   device-memory\n"
        "0xffffffff00000000 0xffffffffbfffffff 3 GiB       free\n"
        "0xffffffffc0000000 0xffffffffffffffff 1 GiB       dimm"
        "          d (node 0)\n",
    }, {
        /* RAM mapped in device memory by no device is still shown. */
        .name = "stray-section",
        .sections = (const QmemMemoryMapSection[]) {
            { 0, 1 * GiB, "pc.ram", -1 },
            { 2 * GiB, 1 * GiB, "odd", -1 },
            { 0 },
        },
        .dm_base = 1 * GiB,
        .dm_size = 4 * GiB,
        .text = HEADER
        "0x0000000000000000 0x000000003fffffff 1 GiB     ram"
        "             pc.ram\n"
        "0x0000000040000000 0x000000013fffffff 4 GiB     device-memory"
        "   device-memory\n"
        "0x0000000040000000 0x000000007fffffff 1 GiB       free\n"
        "0x0000000080000000 0x00000000bfffffff 1 GiB       ram"
        "           odd\n"
        "0x00000000c0000000 0x000000013fffffff 2 GiB       free\n",
    }, {
        .name = "numa-nodes",
        .sections = (const QmemMemoryMapSection[]) {
            { 0, 1 * GiB, "ram-node0", 0 },
            { 1 * GiB, 1 * GiB, "ram-node1", 1 },
            { 0 },
        },
        .text = HEADER
        "0x0000000000000000 0x000000003fffffff 1 GiB     ram"
        "             ram-node0 (node 0)\n"
        "0x0000000040000000 0x000000007fffffff 1 GiB     ram"
        "             ram-node1 (node 1)\n",
    },
};

static guint count_sections(const QmemMemoryMapSection *sections)
{
    guint n = 0;

    while (sections[n].name) {
        n++;
    }
    return n;
}

static QmemMemoryMap *map_from_case(const MapCase *c)
{
    g_autoptr(JsonNode) devices = NULL;

    if (c->devices) {
        g_autoptr(GError) error = NULL;

        devices = json_from_string(c->devices, &error);
        g_assert_no_error(error);
    }
    return qmem_memory_map_new_from(c->sections, count_sections(c->sections),
                                    c->dm_base, c->dm_size, devices);
}

static const MapCase *find_case(const char *name)
{
    for (gsize i = 0; i < G_N_ELEMENTS(map_cases); i++) {
        if (!strcmp(map_cases[i].name, name)) {
            return &map_cases[i];
        }
    }
    g_assert_not_reached();
}

static void test_text(gconstpointer data)
{
    const MapCase *c = data;
    g_autoptr(QmemMemoryMap) map = map_from_case(c);
    g_autofree char *text = qmem_memory_map_to_text(map);

    g_assert_cmpstr(text, ==, c->text);
}

static void assert_band(QmemMemoryMap *map, guint i,
                        QmemMemoryMapBandKind kind, const char *type,
                        const char *name, guint64 start, guint64 size,
                        guint depth, int node, guint64 plugged)
{
    const QmemMemoryMapBand *band = qmem_memory_map_get_band(map, i);

    g_assert_cmpint(band->kind, ==, kind);
    g_assert_cmpstr(band->type, ==, type);
    g_assert_cmpstr(band->name, ==, name);
    g_assert_cmphex(band->start, ==, start);
    g_assert_cmphex(band->size, ==, size);
    g_assert_cmpuint(band->depth, ==, depth);
    g_assert_cmpint(band->node, ==, node);
    g_assert_cmphex(band->plugged_size, ==, plugged);
}

static void test_bands(void)
{
    g_autoptr(QmemMemoryMap) map = map_from_case(find_case("devices"));
    const QmemMemoryMapBand *vmem;
    const QmemMemoryMapRange *r;

    g_assert_cmpuint(qmem_memory_map_get_n_bands(map), ==, 10);
    assert_band(map, 0, QMEM_MEMORY_MAP_BAND_RAM, "ram", "pc.ram", 0,
                2 * GiB, 0, -1, 2 * GiB);
    assert_band(map, 1, QMEM_MEMORY_MAP_BAND_GAP, "gap", "", 2 * GiB,
                2 * GiB, 0, -1, 2 * GiB);
    assert_band(map, 2, QMEM_MEMORY_MAP_BAND_RAM, "ram", "pc.ram", 4 * GiB,
                2 * GiB, 0, -1, 2 * GiB);
    assert_band(map, 3, QMEM_MEMORY_MAP_BAND_GAP, "gap", "", 6 * GiB,
                1 * GiB, 0, -1, 1 * GiB);
    assert_band(map, 4, QMEM_MEMORY_MAP_BAND_DEVICE_MEMORY, "device-memory",
                "device-memory", 7 * GiB, 1024 * GiB, 0, -1, 1024 * GiB);
    assert_band(map, 5, QMEM_MEMORY_MAP_BAND_FREE, "free", "", 7 * GiB,
                1 * GiB, 1, -1, 1 * GiB);
    assert_band(map, 6, QMEM_MEMORY_MAP_BAND_DEVICE, "dimm", "dimm0",
                8 * GiB, 1 * GiB, 1, 0, 1 * GiB);
    assert_band(map, 7, QMEM_MEMORY_MAP_BAND_FREE, "free", "", 9 * GiB,
                1 * GiB, 1, -1, 1 * GiB);
    assert_band(map, 8, QMEM_MEMORY_MAP_BAND_DEVICE, "virtio-mem", "vmem0",
                10 * GiB, 8 * GiB, 1, 0, 2 * GiB);
    g_assert_null(qmem_memory_map_get_band(map, 0)->mapped);
    g_assert_null(qmem_memory_map_get_band(map, 6)->mapped);

    /* The device's own RAM is its mapped ranges, not boot RAM. */
    vmem = qmem_memory_map_get_band(map, 8);
    g_assert_nonnull(vmem->mapped);
    g_assert_cmpuint(vmem->mapped->len, ==, 2);
    r = &g_array_index(vmem->mapped, QmemMemoryMapRange, 0);
    g_assert_cmphex(r->start, ==, 10 * GiB);
    g_assert_cmphex(r->size, ==, 1 * GiB);
    r = &g_array_index(vmem->mapped, QmemMemoryMapRange, 1);
    g_assert_cmphex(r->start, ==, 12 * GiB);
    g_assert_cmphex(r->size, ==, 1 * GiB);
}

/* virtio-mem with nothing mapped still has an (empty) list. */
static void test_bands_unplugged(void)
{
    g_autoptr(QmemMemoryMap) map = map_from_case(find_case("device-kinds"));
    const QmemMemoryMapBand *vm = qmem_memory_map_get_band(map, 4);

    g_assert_cmpstr(vm->name, ==, "vm");
    g_assert_nonnull(vm->mapped);
    g_assert_cmpuint(vm->mapped->len, ==, 0);
    g_assert_cmpint(qmem_memory_map_get_band(map, 6)->node, ==, -1);
}

static void test_json(void)
{
    g_autoptr(QmemMemoryMap) map = map_from_case(find_case("devices"));
    g_autoptr(JsonNode) node = qmem_memory_map_to_json(map);
    g_autofree char *text = json_to_string(node, FALSE);

    g_assert_cmpstr(text, ==, "["
        "{\"start\":0,\"size\":2147483648,\"kind\":\"ram\",\"depth\":0,"
        "\"name\":\"pc.ram\"},"
        "{\"start\":2147483648,\"size\":2147483648,\"kind\":\"gap\","
        "\"depth\":0},"
        "{\"start\":4294967296,\"size\":2147483648,\"kind\":\"ram\","
        "\"depth\":0,\"name\":\"pc.ram\"},"
        "{\"start\":6442450944,\"size\":1073741824,\"kind\":\"gap\","
        "\"depth\":0},"
        "{\"start\":7516192768,\"size\":1099511627776,"
        "\"kind\":\"device-memory\",\"depth\":0,\"name\":\"device-memory\"},"
        "{\"start\":7516192768,\"size\":1073741824,\"kind\":\"free\","
        "\"depth\":1},"
        "{\"start\":8589934592,\"size\":1073741824,\"kind\":\"dimm\","
        "\"depth\":1,\"name\":\"dimm0\",\"node\":0,"
        "\"plugged-size\":1073741824},"
        "{\"start\":9663676416,\"size\":1073741824,\"kind\":\"free\","
        "\"depth\":1},"
        "{\"start\":10737418240,\"size\":8589934592,\"kind\":\"virtio-mem\","
        "\"depth\":1,\"name\":\"vmem0\",\"node\":0,"
        "\"plugged-size\":2147483648,\"mapped\":["
        "{\"start\":10737418240,\"size\":1073741824},"
        "{\"start\":12884901888,\"size\":1073741824}]},"
        "{\"start\":19327352832,\"size\":1087700467712,\"kind\":\"free\","
        "\"depth\":1}]");
}

/* Addresses above G_MAXINT64 keep their bits. */
static void test_json_high(void)
{
    g_autoptr(QmemMemoryMap) map =
        map_from_case(find_case("top-of-address-space"));
    g_autoptr(JsonNode) node = qmem_memory_map_to_json(map);
    JsonArray *list = json_node_get_array(node);
    JsonObject *dimm = json_array_get_object_element(list, 3);

    g_assert_cmpuint(json_array_get_length(list), ==, 4);
    g_assert_cmpstr(json_object_get_string_member(dimm, "kind"), ==, "dimm");
    g_assert_cmphex((guint64)json_object_get_int_member(dimm, "start"), ==,
                    0xffffffffc0000000ULL);
    g_assert_cmphex((guint64)json_object_get_int_member(dimm, "size"), ==,
                    1 * GiB);
}

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
    *dir = g_dir_make_tmp("test-memory-map-XXXXXX", NULL);
    g_assert_nonnull(*dir);
    return g_build_filename(*dir, "map.png", NULL);
}

static void remove_temp(const char *dir, const char *path)
{
    g_unlink(path);
    g_assert_cmpint(g_rmdir(dir), ==, 0);
}

static void write_and_read(QmemMemoryMap *map, Picture *p)
{
    g_autofree char *dir = NULL;
    g_autofree char *path = temp_png(&dir);
    g_autoptr(GError) error = NULL;

    g_assert_true(qmem_memory_map_write_png(map, path, &error));
    g_assert_no_error(error);
    picture_read(p, path);
    remove_temp(dir, path);
}

static void test_png_pixels(gconstpointer data)
{
    const MapCase *c = data;
    g_autoptr(QmemMemoryMap) map = map_from_case(c);
    g_auto(Picture) p = { 0 };
    int width, height;

    write_and_read(map, &p);
    qmem_memory_map_get_image_size(map, &width, &height);
    g_assert_cmpint(p.width, ==, width);
    g_assert_cmpint(p.height, ==, height);
    g_assert_cmphex(pixel(&p, 0, 0), ==, RGB_BG);
    g_assert_cmphex(pixel(&p, width - 1, height - 1), ==, RGB_BG);

    for (guint i = 0; i < qmem_memory_map_get_n_bands(map); i++) {
        const QmemMemoryMapBand *band = qmem_memory_map_get_band(map, i);
        QmemMemoryMapRect r;
        guint32 inside;

        qmem_memory_map_get_band_area(map, i, &r);
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

            qmem_memory_map_get_mapped_area(map, i, j, &m);
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
    g_auto(Picture) p = { 0 };
    QmemMemoryMapRect m0, m1;

    write_and_read(map, &p);
    qmem_memory_map_get_mapped_area(map, 8, 0, &m0);
    qmem_memory_map_get_mapped_area(map, 8, 1, &m1);
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
    QmemMemoryMapRect dimm, vmem, free_tail;

    qmem_memory_map_get_band_area(map, 6, &dimm);
    qmem_memory_map_get_band_area(map, 8, &vmem);
    qmem_memory_map_get_band_area(map, 9, &free_tail);
    g_assert_cmpint(vmem.height, >, dimm.height);
    g_assert_cmpint(free_tail.height, >, vmem.height);
    g_assert_cmpint(free_tail.height, <, 2 * dimm.height);
    /* Children sit inside device memory, one after the other. */
    for (guint i = 5; i < 10; i++) {
        QmemMemoryMapRect dm, r;

        qmem_memory_map_get_band_area(map, 4, &dm);
        qmem_memory_map_get_band_area(map, i, &r);
        g_assert_cmpint(r.x, >, dm.x);
        g_assert_cmpint(r.y, >, dm.y);
        g_assert_cmpint(r.x + r.width, <, dm.x + dm.width);
        g_assert_cmpint(r.y + r.height, <, dm.y + dm.height);
        if (i > 5) {
            QmemMemoryMapRect prev;

            qmem_memory_map_get_band_area(map, i - 1, &prev);
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
        qmem_memory_map_new_from(sections, 1, 0, 0, NULL);
    g_autofree char *text = qmem_memory_map_to_text(map);
    g_auto(Picture) p = { 0 };
    QmemMemoryMapRect r, right_edge;

    g_assert_nonnull(strstr(text, name));
    write_and_read(map, &p);
    qmem_memory_map_get_band_area(map, 0, &r);
    right_edge = (QmemMemoryMapRect) {
        r.x + r.width - 3, r.y + 1, 2, r.height - 2
    };
    g_assert_cmpuint(count_color(&p, &right_edge, RGB_RAM), ==,
                     (guint)(2 * (r.height - 2)));
    g_assert_cmpuint(count_color(&p, &r, RGB_TEXT), >, 500);
}

static void test_png_empty(void)
{
    g_autoptr(QmemMemoryMap) map = qmem_memory_map_new(NULL);
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
    g_autofree char *dir = NULL;
    g_autofree char *path = temp_png(&dir);
    g_autoptr(GError) error = NULL;
    g_autofree char *junk = g_strnfill(100000, 'x');
    g_auto(Picture) p = { 0 };
    int width, height;

    g_assert_true(g_file_set_contents(path, junk, -1, NULL));
    g_assert_true(qmem_memory_map_write_png(map, path, &error));
    g_assert_no_error(error);
    picture_read(&p, path);
    qmem_memory_map_get_image_size(map, &width, &height);
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

    g_assert_false(qmem_memory_map_write_png(map, path, &error));
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
    g_assert_false(qmem_memory_map_write_png(map, "/dev/full", &error));
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
    g_assert_false(qmem_memory_map_write_png(map, path, &error));
    g_assert_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC);
    g_assert_cmpstr(error->message, ==, expected);
    g_assert_false(g_file_test(path, G_FILE_TEST_EXISTS));
    g_assert_cmpint(g_rmdir(dir), ==, 0);
    printf("removed\n");
}

/* ------------------------------------------------------------------ */
/* A pc machine under qtest */

typedef struct {
    QmemAccel *accel;
    QmemMachine *machine;
    GPtrArray *weak;
    char *dir;
} Fixture;

static void track(Fixture *f, gpointer obj)
{
    gpointer *slot = g_new(gpointer, 1);

    *slot = obj;
    g_object_add_weak_pointer(obj, slot);
    g_ptr_array_add(f->weak, slot);
}

static JsonObject *opts(const char *text, const char *implied)
{
    g_autoptr(GError) error = NULL;
    JsonObject *o = qmem_opts_parse(text, implied, NULL, &error);

    g_assert_no_error(error);
    return o;
}

/* qmem-run -machine pc -m 3584M,slots=4,maxmem=16G -accel qtest */
static void fixture_setup(Fixture *f, gconstpointer data)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(JsonObject) type = opts("pc", "type");
    g_autoptr(JsonObject) m = opts("3584M,slots=4,maxmem=16G", "size");

    f->weak = g_ptr_array_new_with_free_func(g_free);
    f->dir = g_dir_make_tmp("test-memory-map-XXXXXX", NULL);
    g_assert_nonnull(f->dir);
    f->accel = qmem_accel_new("qtest", NULL, &error);
    g_assert_no_error(error);
    track(f, f->accel);
    qmem_accel_set_current(f->accel);
    f->machine = qmem_machine_new(type, &error);
    g_assert_no_error(error);
    track(f, f->machine);
    g_assert_true(qmem_machine_set_memory(f->machine, m, &error));
    g_assert_true(qmem_machine_init_board(f->machine, &error));
    g_assert_true(qmem_accel_init_machine(
        f->accel, qmem_machine_get_address_space(f->machine), 1, &error));
    g_assert_no_error(error);
}

static void fixture_teardown(Fixture *f, gconstpointer data)
{
    qmem_accel_shutdown(f->accel);
    qmem_machine_destroy(f->machine);
    qmem_accel_set_current(NULL);
    g_clear_object(&f->accel);
    qmem_object_reset_root();
    for (guint i = 0; i < f->weak->len; i++) {
        g_assert_null(*(gpointer *)g_ptr_array_index(f->weak, i));
    }
    g_ptr_array_unref(f->weak);
    g_assert_cmpint(g_rmdir(f->dir), ==, 0);
    g_free(f->dir);
}

static void add_object(Fixture *f, const char *text)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(JsonObject) o = opts(text, "qom-type");
    QmemObject *obj = qmem_user_creatable_add(o, QMEM_INPUT_OPTS, &error);

    g_assert_no_error(error);
    track(f, obj);
}

static void add_device(Fixture *f, const char *text)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(JsonObject) o = qmem_keyval_parse(text, "driver", NULL,
                                                &error);
    QmemDevice *dev;

    g_assert_no_error(error);
    dev = qmem_device_add(o, QMEM_INPUT_KEYVAL, FALSE, &error);
    g_assert_no_error(error);
    track(f, dev);
}

/*
 * pc with 3.5 GiB: 3 GiB below the PCI hole, 512 MiB at 4 GiB, device
 * memory at the next 1 GiB boundary, 12.5 GiB + 4 slots x 1 GiB long.
 */
#define PC_TEXT_START HEADER \
    "0x0000000000000000 0x00000000bfffffff 3 GiB     ram" \
    "             pc.ram (node 0)\n" \
    "0x00000000c0000000 0x00000000ffffffff 1 GiB     gap\n" \
    "0x0000000100000000 0x000000011fffffff 512 MiB   ram" \
    "             pc.ram (node 0)\n" \
    "0x0000000120000000 0x000000013fffffff 512 MiB   gap\n" \
    "0x0000000140000000 0x000000055fffffff 16.5 GiB  device-memory" \
    "   device-memory\n"

static void test_machine(Fixture *f, gconstpointer data)
{
    g_autoptr(QmemMemoryMap) before = qmem_memory_map_new(f->machine);
    g_autoptr(QmemMemoryMap) after = NULL;
    g_autofree char *text_before = qmem_memory_map_to_text(before);
    g_autofree char *text_after = NULL;

    g_assert_cmpstr(text_before, ==, PC_TEXT_START
        "0x0000000140000000 0x000000055fffffff 16.5 GiB    free\n");

    add_object(f, "memory-backend-ram,id=m0,size=1G");
    add_object(f, "memory-backend-ram,id=m1,size=512M");
    add_device(f, "pc-dimm,id=dimm0,memdev=m0");
    add_device(f, "pc-dimm,id=dimm1,memdev=m1,node=0");
    after = qmem_memory_map_new(f->machine);
    text_after = qmem_memory_map_to_text(after);
    g_assert_cmpstr(text_after, ==, PC_TEXT_START
        "0x0000000140000000 0x000000017fffffff 1 GiB       dimm"
        "          dimm0 (node 0)\n"
        "0x0000000180000000 0x000000019fffffff 512 MiB     dimm"
        "          dimm1 (node 0)\n"
        "0x00000001a0000000 0x000000055fffffff 15 GiB      free\n");
    /* A snapshot: the first map did not change. */
    g_free(text_before);
    text_before = qmem_memory_map_to_text(before);
    g_assert_true(g_str_has_suffix(text_before, "16.5 GiB    free\n"));
}

/* The commands over a QMP connection, as a client sees them. */

static void test_qmp(Fixture *f, gconstpointer data)
{
    g_autoptr(QmemMemoryMap) map = NULL;
    g_autoptr(JsonNode) expected = NULL;
    g_autoptr(JsonNode) got = NULL;
    g_autoptr(JsonNode) text_reply = NULL;
    g_autoptr(GError) error = NULL;
    g_autofree char *reply = NULL;
    g_autofree char *png = g_build_filename(f->dir, "map.png", NULL);
    g_autofree char *request = NULL;
    g_autofree char *text = NULL;
    g_autofree char *crlf = NULL;
    g_autofree char *bad = NULL;
    g_auto(GStrv) lines = NULL;
    g_auto(Picture) p = { 0 };
    QmpTestClient q;

    add_object(f, "memory-backend-ram,id=m0,size=1G");
    add_device(f, "pc-dimm,id=dimm0,memdev=m0");
    map = qmem_memory_map_new(f->machine);
    qmp_test_open(&q);

    /* x-query-memory-map: the bands as qmem_memory_map_to_json(). */
    reply = qmp_test_call(&q, "{\"execute\": \"x-query-memory-map\"}");
    got = json_from_string(reply, &error);
    g_assert_no_error(error);
    expected = qmem_memory_map_to_json(map);
    g_assert_true(json_node_equal(
        json_object_get_member(json_node_get_object(got), "return"),
        expected));
    qmp_test_cmd(&q, "{\"execute\": \"x-query-memory-map\", \"arguments\": "
                 "{\"x\": 1}}", "{\"error\": {\"class\": \"GenericError\", "
                 "\"desc\": \"Parameter 'x' is unexpected\"}}");

    /* x-memory-map-png */
    request = g_strdup_printf("{\"execute\": \"x-memory-map-png\", "
                              "\"arguments\": {\"filename\": \"%s\"}}", png);
    qmp_test_cmd(&q, request, "{\"return\": {}}");
    picture_read(&p, png);
    g_assert_cmpint(g_unlink(png), ==, 0);
    qmp_test_cmd(&q, "{\"execute\": \"x-memory-map-png\"}",
                 "{\"error\": {\"class\": \"GenericError\", "
                 "\"desc\": \"Parameter 'filename' is missing\"}}");
    qmp_test_cmd(&q, "{\"execute\": \"x-memory-map-png\", \"arguments\": "
                 "{\"filename\": 1}}",
                 "{\"error\": {\"class\": \"GenericError\", \"desc\": "
                 "\"Invalid parameter type for 'filename', expected: "
                 "string\"}}");
    qmp_test_cmd(&q, "{\"execute\": \"x-memory-map-png\", \"arguments\": "
                 "{\"filename\": \"/x\", \"y\": 1}}",
                 "{\"error\": {\"class\": \"GenericError\", "
                 "\"desc\": \"Parameter 'y' is unexpected\"}}");
    g_free(request);
    request = g_strdup_printf("{\"execute\": \"x-memory-map-png\", "
                              "\"arguments\": {\"filename\": \"%s/no/m.png\""
                              "}}", f->dir);
    bad = g_strdup_printf("{\"error\": {\"class\": \"GenericError\", "
                          "\"desc\": \"failed to open file '%s/no/m.png': "
                          "No such file or directory\"}}", f->dir);
    qmp_test_cmd(&q, request, bad);

    /* info memory-map: the table, with the monitor's line endings. */
    g_free(reply);
    reply = qmp_test_call(&q, "{\"execute\": \"human-monitor-command\", "
                          "\"arguments\": {\"command-line\": "
                          "\"info memory-map\"}}");
    text_reply = json_from_string(reply, &error);
    g_assert_no_error(error);
    text = qmem_memory_map_to_text(map);
    lines = g_strsplit(text, "\n", -1);
    crlf = g_strjoinv("\r\n", lines);
    g_assert_cmpstr(json_object_get_string_member(
                        json_node_get_object(text_reply), "return"),
                    ==, crlf);
    qmp_test_cmd(&q, "{\"execute\": \"human-monitor-command\", \"arguments\": "
                 "{\"command-line\": \"info memory-map now\"}}",
                 "{\"return\": \"memory-map: extraneous characters at the end "
                 "of line\\r\\nTry \\\"help info memory-map\\\" for more "
                 "information\\r\\n\"}");
    qmp_test_close(&q);
}

int main(int argc, char **argv)
{
    g_autoptr(GError) error = NULL;

    g_test_init(&argc, &argv, NULL);
    if (!qmem_modules_init(&error)) {
        g_printerr("cannot load modules: %s\n", error->message);
        return 1;
    }

    for (gsize i = 0; i < G_N_ELEMENTS(map_cases); i++) {
        g_autofree char *text = g_strdup_printf(
            "/system/memory-map/text/%s", map_cases[i].name);
        g_autofree char *png = g_strdup_printf(
            "/system/memory-map/png/pixels/%s", map_cases[i].name);

        g_test_add_data_func(text, &map_cases[i], test_text);
        g_test_add_data_func(png, &map_cases[i], test_png_pixels);
    }
    g_test_add_func("/system/memory-map/bands", test_bands);
    g_test_add_func("/system/memory-map/bands/unplugged",
                    test_bands_unplugged);
    g_test_add_func("/system/memory-map/json", test_json);
    g_test_add_func("/system/memory-map/json/high", test_json_high);
    g_test_add_func("/system/memory-map/png/gauge", test_png_gauge);
    g_test_add_func("/system/memory-map/png/scale", test_png_scale);
    g_test_add_func("/system/memory-map/png/long-name", test_png_long_name);
    g_test_add_func("/system/memory-map/png/empty", test_png_empty);
    g_test_add_func("/system/memory-map/png/overwrite", test_png_overwrite);
    g_test_add_func("/system/memory-map/png/open-error",
                    test_png_open_error);
    g_test_add_func("/system/memory-map/png/write-error/device",
                    test_png_write_error_device);
    g_test_add_func("/system/memory-map/png/write-error/file",
                    test_png_write_error_file);
    g_test_add("/system/memory-map/machine/pc", Fixture, NULL,
               fixture_setup, test_machine, fixture_teardown);
    g_test_add("/system/memory-map/machine/qmp", Fixture, NULL,
               fixture_setup, test_qmp, fixture_teardown);
    return g_test_run();
}
