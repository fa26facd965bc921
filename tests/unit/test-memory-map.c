/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Tests for the memory map: bands, table, JSON, and a machine's map. */

#include <string.h>

#include "hw/core/qdev.h"
#include "hw/mem/memory-device.h"
#include "hw/mem/memory-map-qmp-cmds.h"
#include "monitor/hmp.h"
#include "monitor/qmp.h"
#include "qobject/json.h"
#include "qom/qom-qmp-cmds.h"
#include "system/memory-map.h"
#include "tests/unit/memory-map-cases.h"
#include "tests/unit/qmp-test.h"
#include "tests/unit/test-machine.h"
#include "util/error.h"

#define MiB (1024ULL * 1024)
#define GiB (1024 * MiB)

/* ------------------------------------------------------------------ */
/* Plain inputs (tests/unit/memory-map-cases.c) */

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
/* Back from JSON */

/* What x-query-memory-map returns gives the same map again. */
static void test_json_round_trip(gconstpointer data)
{
    const MapCase *c = data;
    g_autoptr(QmemMemoryMap) map = map_from_case(c);
    g_autoptr(JsonNode) json = qmem_memory_map_to_json(map);
    g_autofree char *wire = qmem_json_to_string(json);
    g_autoptr(GError) error = NULL;
    g_autoptr(JsonNode) parsed = qmem_json_parse(wire, &error);
    g_autoptr(QmemMemoryMap) back = NULL;
    g_autoptr(JsonNode) again = NULL;
    g_autofree char *text = NULL;

    g_assert_no_error(error);
    back = qmem_memory_map_new_from_json(parsed, &error);
    g_assert_no_error(error);
    g_assert_nonnull(back);
    text = qmem_memory_map_to_text(back);
    g_assert_cmpstr(text, ==, c->text);
    again = qmem_memory_map_to_json(back);
    g_assert_true(json_node_equal(again, json));
    g_assert_cmpuint(qmem_memory_map_get_n_bands(back), ==,
                     qmem_memory_map_get_n_bands(map));
    for (guint i = 0; i < qmem_memory_map_get_n_bands(map); i++) {
        const QmemMemoryMapBand *x = qmem_memory_map_get_band(map, i);
        const QmemMemoryMapBand *y = qmem_memory_map_get_band(back, i);

        g_assert_cmpint(x->kind, ==, y->kind);
        g_assert_cmphex(x->plugged_size, ==, y->plugged_size);
        g_assert_true(!x->mapped == !y->mapped);
    }
}

typedef struct {
    const char *name;
    const char *json;
    const char *message;
} FromJsonCase;

#define BAND "\"start\": 0, \"size\": 4096, \"kind\": \"ram\", \"depth\": 0"

static const FromJsonCase from_json_errors[] = {
    { "not-a-list", "{\"return\": []}",
      "the memory map must be a list of bands" },
    { "not-an-object", "[{" BAND "}, 1]", "band 1 is not an object" },
    { "no-start", "[{\"size\": 1, \"kind\": \"ram\", \"depth\": 0}]",
      "band 0 has no 'start'" },
    { "no-size", "[{\"start\": 0, \"kind\": \"ram\", \"depth\": 0}]",
      "band 0 has no 'size'" },
    { "no-kind", "[{\"start\": 0, \"size\": 1, \"depth\": 0}]",
      "band 0 has no 'kind'" },
    { "no-depth", "[{\"start\": 0, \"size\": 1, \"kind\": \"ram\"}]",
      "band 0 has no 'depth'" },
    { "start-string",
      "[{\"start\": \"0\", \"size\": 1, \"kind\": \"ram\", "
      "\"depth\": 0}]",
      "band 0: 'start' must be an unsigned integer" },
    { "size-fraction",
      "[{\"start\": 0, \"size\": 1.5, \"kind\": \"ram\", "
      "\"depth\": 0}]",
      "band 0: 'size' must be an unsigned integer" },
    { "kind-number",
      "[{\"start\": 0, \"size\": 1, \"kind\": 1, "
      "\"depth\": 0}]",
      "band 0: 'kind' must be a string" },
    { "name-null", "[{" BAND ", \"name\": null}]",
      "band 0: 'name' must be a string" },
    { "node-bool", "[{" BAND ", \"node\": true}]",
      "band 0: 'node' must be an unsigned integer" },
    { "plugged-size-string", "[{" BAND ", \"plugged-size\": \"1G\"}]",
      "band 0: 'plugged-size' must be an unsigned integer" },
    { "depth-2",
      "[{\"start\": 0, \"size\": 1, \"kind\": \"ram\", "
      "\"depth\": 2}]",
      "band 0: 'depth' must be 0 or 1" },
    { "node-too-big", "[{" BAND ", \"node\": 2147483648}]",
      "band 0: 'node' is out of range" },
    { "node-negative", "[{" BAND ", \"node\": -1}]",
      "band 0: 'node' is out of range" },
    { "empty",
      "[{\"start\": 0, \"size\": 0, \"kind\": \"gap\", "
      "\"depth\": 0}]",
      "band 0 is empty" },
    { "wraps",
      "[{\"start\": 18446744073709547520, \"size\": 8192, "
      "\"kind\": \"ram\", \"depth\": 0}]",
      "band 0 reaches past the end of the address space" },
    { "mapped-object", "[{" BAND ", \"mapped\": {}}]",
      "band 0: 'mapped' must be a list" },
    { "mapped-no-size", "[{" BAND ", \"mapped\": [{\"start\": 0}]}]",
      "band 0: mapped range 0 is not a start and a size" },
    { "mapped-number", "[{" BAND ", \"mapped\": [1]}]",
      "band 0: mapped range 0 is not a start and a size" },
    { "mapped-outside",
      "[{" BAND ", \"mapped\": [{\"start\": 0, "
      "\"size\": 4096}, {\"start\": 4096, \"size\": 1}]}]",
      "band 0: mapped range 1 is outside the band" },
};

static void test_from_json_error(gconstpointer data)
{
    const FromJsonCase *c = data;
    g_autoptr(GError) error = NULL;
    g_autoptr(JsonNode) json = qmem_json_parse(c->json, &error);
    g_autoptr(QmemMemoryMap) map = NULL;

    g_assert_no_error(error);
    map = qmem_memory_map_new_from_json(json, &error);
    g_assert_null(map);
    g_assert_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC);
    g_assert_cmpstr(error->message, ==, c->message);
}

/* Optional members may go; any other kind is a device's type. */
static void test_from_json_minimal(void)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(JsonNode) json = qmem_json_parse(
        "[{\"start\": 0, \"size\": 1073741824, \"kind\": \"ram\", "
        "\"depth\": 0}, "
        "{\"start\": 1073741824, \"size\": 1073741824, \"kind\": \"cxl\", "
        "\"depth\": 0, \"plugged-size\": 536870912, \"node\": 3, "
        "\"mapped\": []}]",
        &error);
    g_autoptr(QmemMemoryMap) map = NULL;
    const QmemMemoryMapBand *band;

    g_assert_no_error(error);
    map = qmem_memory_map_new_from_json(json, &error);
    g_assert_no_error(error);
    g_assert_cmpuint(qmem_memory_map_get_n_bands(map), ==, 2);
    band = qmem_memory_map_get_band(map, 0);
    g_assert_cmpint(band->kind, ==, QMEM_MEMORY_MAP_BAND_RAM);
    g_assert_cmpstr(band->name, ==, "");
    g_assert_cmpint(band->node, ==, -1);
    g_assert_cmphex(band->plugged_size, ==, 1 * GiB);
    g_assert_null(band->mapped);
    band = qmem_memory_map_get_band(map, 1);
    g_assert_cmpint(band->kind, ==, QMEM_MEMORY_MAP_BAND_DEVICE);
    g_assert_cmpstr(band->type, ==, "cxl");
    g_assert_cmpint(band->node, ==, 3);
    g_assert_cmphex(band->plugged_size, ==, 512 * MiB);
    g_assert_nonnull(band->mapped);
    g_assert_cmpuint(band->mapped->len, ==, 0);
}

/* ------------------------------------------------------------------ */
/* A pc machine under qtest */

typedef MachineFixture Fixture;

/* qmem-run -machine pc -m 3584M,slots=4,maxmem=16G -accel qtest */
static const MachineConfig pc_3584m = {
    .machine = "pc",
    .m = "3584M,slots=4,maxmem=16G",
};

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

/*
 * virtio-mem spans its max-size from "memaddr", with what the guest
 * plugged (nothing yet) as its plugged size; without dynamic memslots its
 * whole range is one mapped section.
 */
static void test_machine_virtio_mem(Fixture *f, gconstpointer data)
{
    g_autoptr(QmemMemoryMap) map = NULL;
    g_autofree char *text = NULL;

    add_object(f, "memory-backend-ram,id=v0,size=4G,reserve=off");
    add_device(f, "virtio-mem-pci,id=vmem0,memdev=v0,node=0,"
                  "requested-size=1G");
    map = qmem_memory_map_new(f->machine);
    text = qmem_memory_map_to_text(map);
    g_assert_cmpstr(text, ==, PC_TEXT_START
        "0x0000000140000000 0x000000023fffffff 4 GiB       virtio-mem"
        "    vmem0 (node 0, plugged 0 B)\n"
        "0x0000000140000000 0x000000023fffffff 4 GiB         mapped\n"
        "0x0000000240000000 0x000000055fffffff 12.5 GiB    free\n");
}

/* Without a machine, no memory. */
static void test_machine_none(void)
{
    g_autoptr(QmemMemoryMap) map = qmem_memory_map_new(NULL);
    g_autofree char *text = qmem_memory_map_to_text(map);

    g_assert_cmpuint(qmem_memory_map_get_n_bands(map), ==, 0);
    g_assert_cmpstr(text, ==, HEADER);
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
    g_autofree char *text = NULL;
    g_autofree char *crlf = NULL;
    g_auto(GStrv) lines = NULL;
    QmpTestClient q;

    add_object(f, "memory-backend-ram,id=m0,size=1G");
    add_device(f, "pc-dimm,id=dimm0,memdev=m0");
    /* QMP serves the machine once it is ready. */
    qmem_machine_creation_done(f->machine);
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

    /* The picture is qmem-memory-map's now (tools/memory-map). */
    qmp_test_cmd(&q, "{\"execute\": \"x-memory-map-png\", \"arguments\": "
                 "{\"filename\": \"/x\"}}",
                 "{\"error\": {\"class\": \"CommandNotFound\", "
                 "\"desc\": \"The command x-memory-map-png has not been "
                 "found\"}}");

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
    test_init(&argc, &argv);

    for (gsize i = 0; i < n_map_cases; i++) {
        g_autofree char *text = g_strdup_printf("/system/memory-map/text/%s",
                                                map_cases[i].name);
        g_autofree char *json =
            g_strdup_printf("/system/memory-map/from-json/round-trip/%s",
                            map_cases[i].name);

        g_test_add_data_func(text, &map_cases[i], test_text);
        g_test_add_data_func(json, &map_cases[i], test_json_round_trip);
    }
    g_test_add_func("/system/memory-map/bands", test_bands);
    g_test_add_func("/system/memory-map/bands/unplugged", test_bands_unplugged);
    g_test_add_func("/system/memory-map/json", test_json);
    g_test_add_func("/system/memory-map/json/high", test_json_high);
    g_test_add_func("/system/memory-map/from-json/minimal",
                    test_from_json_minimal);
    for (gsize i = 0; i < G_N_ELEMENTS(from_json_errors); i++) {
        g_autofree char *path =
            g_strdup_printf("/system/memory-map/from-json/error/%s",
                            from_json_errors[i].name);

        g_test_add_data_func(path, &from_json_errors[i], test_from_json_error);
    }
    g_test_add_func("/hw/mem/memory-map/machine/none", test_machine_none);
#define ADD_MACHINE_TEST(path, fn) \
    g_test_add("/hw/mem/memory-map/machine/" path, Fixture, &pc_3584m, \
               machine_fixture_setup, fn, machine_fixture_teardown)
    ADD_MACHINE_TEST("pc", test_machine);
    ADD_MACHINE_TEST("virtio-mem", test_machine_virtio_mem);
    ADD_MACHINE_TEST("qmp", test_qmp);
    return g_test_run();
}
