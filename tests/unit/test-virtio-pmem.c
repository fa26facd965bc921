/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Tests for hw/virtio/virtio-pmem.c: the device without a machine. */

#include <string.h>

#include "hw/virtio/virtio-pmem.h"
#include "qobject/json.h"
#include "qom/property.h"
#include "system/hostmem.h"
#include "tests/unit/test-machine.h"
#include "util/error.h"

#define MIB (G_GUINT64_CONSTANT(1) << 20)

static QmemVirtioPmem *new_pmem(MachineFixture *f)
{
    QmemVirtioPmem *pmem = qmem_virtio_pmem_new();

    track(f, pmem);
    return pmem;
}

static QmemHostMemoryBackend *backend(MachineFixture *f, const char *text)
{
    return QMEM_HOST_MEMORY_BACKEND(add_object(f, text));
}

/* QEMU's realize checks, in its order, with its texts. */
static void test_realize_checks(MachineFixture *f, gconstpointer data)
{
    g_autoptr(QmemVirtioPmem) pmem = new_pmem(f);
    QmemHostMemoryBackend *m0 = backend(f, "memory-backend-ram,id=m0,"
                                        "size=4M");
    g_autoptr(GError) error = NULL;

    g_assert_false(qmem_virtio_pmem_realize(pmem, &error));
    assert_error(error, "virtio-pmem memdev not set");
    g_clear_error(&error);
    g_assert_false(qmem_virtio_pmem_is_realized(pmem));
    /* Before realize the memory-device core asks for the region. */
    g_assert_null(qmem_virtio_pmem_get_memory_region(pmem, &error));
    assert_error(error, "'memdev' property must be set");
    g_clear_error(&error);

    qmem_virtio_pmem_set_memdev(pmem, m0);
    qmem_host_memory_backend_set_mapped(m0, TRUE);
    g_assert_false(qmem_virtio_pmem_realize(pmem, &error));
    assert_error(error, "can't use already busy memdev: m0");
    g_clear_error(&error);
    g_assert_false(qmem_virtio_pmem_is_realized(pmem));

    qmem_host_memory_backend_set_mapped(m0, FALSE);
    g_assert_true(qmem_virtio_pmem_realize(pmem, &error));
    g_assert_no_error(error);
    g_assert_true(qmem_host_memory_backend_is_mapped(m0));
    qmem_virtio_pmem_unrealize(pmem);
    g_assert_false(qmem_host_memory_backend_is_mapped(m0));
}

/* The virtio device: id 27, 16 bytes of config, one queue of 128. */
static void test_virtio_device(MachineFixture *f, gconstpointer data)
{
    g_autoptr(QmemVirtioPmem) pmem = new_pmem(f);
    QmemVirtioDevice *vdev = QMEM_VIRTIO_DEVICE(pmem);
    g_autoptr(GError) error = NULL;
    static const guint8 expected[16] = {
        0x00, 0x00, 0x20, 0x40, 0x01, 0x00, 0x00, 0x00,     /* start */
        0x00, 0x00, 0x40, 0x00, 0x00, 0x00, 0x00, 0x00,     /* size */
    };

    qmem_virtio_pmem_set_memdev(pmem, backend(f, "memory-backend-ram,"
                                              "id=m0,size=4M"));
    qmem_virtio_pmem_set_addr(pmem, 0x140200000ULL);
    g_assert_true(qmem_virtio_pmem_realize(pmem, &error));
    g_assert_cmpuint(qmem_virtio_get_device_id(vdev), ==, 27);
    g_assert_cmpuint(qmem_virtio_get_config_len(vdev), ==, 16);
    g_assert_cmpuint(qmem_virtio_get_num_queues(vdev), ==, 1);
    g_assert_cmpuint(qmem_virtio_queue_get_max_num(vdev, 0), ==, 128);
    for (guint i = 0; i < 16; i++) {
        g_assert_cmphex(qmem_virtio_config_read(vdev, i, 1), ==,
                        expected[i]);
    }
    g_assert_cmphex(qmem_virtio_config_read(vdev, 8, 4), ==, 0x400000);
    /* Past the end: all ones. */
    g_assert_cmphex(qmem_virtio_config_read(vdev, 14, 4), ==, 0xffffffff);
    g_assert_cmpuint(qmem_virtio_pmem_get_size(pmem), ==, 4 * MIB);
    g_assert_cmpuint(qmem_memory_region_size(
                         qmem_virtio_pmem_get_memory_region(pmem, NULL)),
                     ==, 4 * MIB);
}

/* QEMU's VirtioPMEMDeviceInfo. */
static void test_device_info(MachineFixture *f, gconstpointer data)
{
    g_autoptr(QmemVirtioPmem) pmem = new_pmem(f);
    g_autoptr(JsonObject) with_id = NULL;
    g_autoptr(JsonObject) without = NULL;
    g_autoptr(JsonNode) n1 = json_node_new(JSON_NODE_OBJECT);
    g_autoptr(JsonNode) n2 = json_node_new(JSON_NODE_OBJECT);
    g_autofree char *t1 = NULL, *t2 = NULL;

    qmem_virtio_pmem_set_memdev(pmem, backend(f, "memory-backend-ram,"
                                              "id=m0,size=4M"));
    qmem_virtio_pmem_set_addr(pmem, 0x100000000ULL);
    with_id = qmem_virtio_pmem_fill_device_info(pmem, "vp0");
    without = qmem_virtio_pmem_fill_device_info(pmem, NULL);
    json_node_set_object(n1, with_id);
    json_node_set_object(n2, without);
    t1 = qmem_json_to_string(n1);
    t2 = qmem_json_to_string(n2);
    g_assert_cmpstr(t1, ==, "{\"memdev\": \"/objects/m0\", \"memaddr\": "
                    "4294967296, \"size\": 4194304, \"id\": \"vp0\"}");
    g_assert_cmpstr(t2, ==, "{\"memdev\": \"/objects/m0\", \"memaddr\": "
                    "4294967296, \"size\": 4194304}");
}

/* Both properties are fixed once realized, with qdev's texts. */
static void test_properties(MachineFixture *f, gconstpointer data)
{
    g_autoptr(QmemVirtioPmem) pmem = new_pmem(f);
    g_autoptr(GError) error = NULL;

    g_assert_true(qmem_property_parse(QMEM_OBJECT(pmem), "memaddr",
                                      "0x100000000", &error));
    g_assert_cmphex(qmem_virtio_pmem_get_addr(pmem), ==, 0x100000000ULL);
    backend(f, "memory-backend-ram,id=m0,size=4M");
    g_assert_true(qmem_property_parse(QMEM_OBJECT(pmem), "memdev", "m0",
                                      &error));
    g_assert_no_error(error);
    g_assert_true(qmem_virtio_pmem_realize(pmem, &error));

    g_assert_false(qmem_property_parse(QMEM_OBJECT(pmem), "memaddr", "0",
                                       &error));
    assert_error(error, "Attempt to set property 'memaddr' on anonymous "
                 "device (type 'virtio-pmem') after it was realized");
    g_clear_error(&error);
    g_assert_false(qmem_property_parse(QMEM_OBJECT(pmem), "memdev", "m0",
                                       &error));
    assert_error(error, "Attempt to set link property 'memdev' on device "
                 "'(null)' (type 'virtio-pmem') after it was realized");
    g_clear_error(&error);
    g_assert_cmphex(qmem_virtio_pmem_get_addr(pmem), ==, 0x100000000ULL);
}

/* A flush fsyncs the file: 0; a backend without a file: 1. */
static void test_flush(MachineFixture *f, gconstpointer data)
{
    g_autoptr(QmemVirtioPmem) file = new_pmem(f);
    g_autoptr(QmemVirtioPmem) ram = new_pmem(f);
    g_autoptr(QmemVirtioPmem) none = new_pmem(f);

    qmem_virtio_pmem_set_memdev(file, backend(f, "memory-backend-file,"
                                              "id=f0,size=4M,share=on,"
                                              "mem-path=@DIR@/pmem"));
    qmem_virtio_pmem_set_memdev(ram, backend(f, "memory-backend-ram,id=r0,"
                                             "size=4M"));
    g_assert_cmpuint(qmem_virtio_pmem_flush(file), ==,
                     QMEM_VIRTIO_PMEM_RESP_OK);
    g_assert_cmpuint(qmem_virtio_pmem_flush(ram), ==,
                     QMEM_VIRTIO_PMEM_RESP_EIO);
    g_assert_cmpuint(qmem_virtio_pmem_flush(none), ==,
                     QMEM_VIRTIO_PMEM_RESP_EIO);
    g_assert_cmpuint(qmem_virtio_pmem_get_flushes(file), ==, 0);
}

#define ADD(path, fn) \
    g_test_add(path, MachineFixture, NULL, machine_fixture_setup, fn, \
               machine_fixture_teardown)

int main(int argc, char **argv)
{
    test_init(&argc, &argv);
    ADD("/virtio-pmem/realize-checks", test_realize_checks);
    ADD("/virtio-pmem/virtio-device", test_virtio_device);
    ADD("/virtio-pmem/device-info", test_device_info);
    ADD("/virtio-pmem/properties", test_properties);
    ADD("/virtio-pmem/flush", test_flush);
    return g_test_run();
}
