/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Tests for virtio-mem's virtio side: queue, config, features, violations. */

#include <string.h>

#include "qom/property.h"
#include "tests/unit/virtio-mem-test.h"
#include "util/error.h"

#define V1 QMEM_VIRTIO_BIT(QMEM_VIRTIO_F_VERSION_1)

/* The device of setup_requests(), a driver that accepts what it must. */
static void setup_queue(Fixture *f)
{
    setup_requests(f);
    start_driver(f, F_UNPLUGGED_INACCESSIBLE);
}

/* ------------------------------------------------------------------ */
/* The device as a guest's driver finds it */

static void test_identity(Fixture *f, gconstpointer data)
{
    QmemVirtioDevice *vdev = QMEM_VIRTIO_DEVICE(f->vmem);

    setup_requests(f);
    g_assert_cmpuint(qmem_virtio_get_device_id(vdev), ==, 24);
    g_assert_cmpuint(qmem_virtio_get_config_len(vdev), ==, 56);
    g_assert_cmpuint(qmem_virtio_get_num_queues(vdev), ==, 1);
    g_assert_cmpuint(qmem_virtio_queue_get_max_num(vdev, 0), ==, 128);
    /* Unrealized, it is no virtio device any more. */
    qmem_virtio_mem_unrealize(f->vmem);
    g_assert_cmpuint(qmem_virtio_get_num_queues(vdev), ==, 0);
    g_assert_cmpuint(qmem_virtio_get_config_len(vdev), ==, 0);
}

/*
 * The config space, little-endian: block_size, node_id, addr,
 * region_size, usable_region_size, plugged_size, requested_size; on node
 * 1 of 2, offering ACPI_PXM since the machine keeps NUMA state.
 */
static void test_config_layout(Fixture *f, gconstpointer data)
{
    static const QmemVirtioMemEnv env = {
        .nb_numa_nodes = 2,
        .has_numa_state = TRUE,
    };
    QmemVirtioDevice *vdev = QMEM_VIRTIO_DEVICE(f->vmem);
    g_autoptr(GError) error = NULL;

    add_backend(f, "memory-backend-ram,id=m0,size=1G,reserve=off");
    qmem_virtio_mem_set_addr(f->vmem, ADDR);
    qmem_virtio_mem_set_node(f->vmem, 1);
    g_assert_true(qmem_virtio_mem_set_requested_size(f->vmem, 64 * MiB,
                                                     NULL));
    g_assert_true(qmem_virtio_mem_realize(f->vmem, &env, &error));
    g_assert_cmpuint(device_features(f->vmem), ==,
                     QMEM_VIRTIO_DEFAULT_FEATURES | F_ACPI_PXM |
                     F_UNPLUGGED_INACCESSIBLE);
    start_driver(f, F_UNPLUGGED_INACCESSIBLE | F_ACPI_PXM);
    g_assert_cmpuint(qmem_virtio_get_guest_features(vdev), ==,
                     V1 | F_UNPLUGGED_INACCESSIBLE | F_ACPI_PXM);
    g_assert_cmpuint(queue_request(f, PLUG, ADDR + 4 * BLK, 3, NULL), ==,
                     ACK);

    g_assert_cmpuint(qmem_virtio_config_read(vdev, 0, 4), ==, BLK);
    g_assert_cmpuint(qmem_virtio_config_read(vdev, 4, 4), ==, 0);
    g_assert_cmpuint(qmem_virtio_config_read(vdev, 8, 2), ==, 1);
    g_assert_cmpuint(qmem_virtio_config_read(vdev, 10, 2), ==, 0);
    g_assert_cmpuint(qmem_virtio_config_read(vdev, 12, 4), ==, 0);
    g_assert_cmpuint(qmem_virtio_config_read(vdev, 16, 4), ==, 0);
    g_assert_cmpuint(qmem_virtio_config_read(vdev, 20, 4), ==, ADDR >> 32);
    g_assert_cmpuint(qmem_virtio_config_read(vdev, 24, 4), ==, GiB);
    g_assert_cmpuint(qmem_virtio_config_read(vdev, 28, 4), ==, 0);
    g_assert_cmpuint(qmem_virtio_config_read(vdev, 32, 4), ==,
                     320 * MiB);
    g_assert_cmpuint(qmem_virtio_config_read(vdev, 40, 4), ==, 3 * BLK);
    g_assert_cmpuint(qmem_virtio_config_read(vdev, 44, 4), ==, 0);
    g_assert_cmpuint(qmem_virtio_config_read(vdev, 48, 4), ==, 64 * MiB);
    g_assert_cmpuint(qmem_virtio_config_read(vdev, 52, 4), ==, 0);
    g_assert_cmpuint(qmem_virtio_config_read(vdev, 53, 4), ==, G_MAXUINT32);
    /* Read-only: a write changes nothing. */
    qmem_virtio_config_write(vdev, 48, 0, 4);
    g_assert_cmpuint(qmem_virtio_config_read(vdev, 48, 4), ==, 64 * MiB);
    g_assert_cmpuint(qmem_virtio_mem_get_requested_size(f->vmem), ==,
                     64 * MiB);
}

/*
 * UNPLUGGED_INACCESSIBLE offered: a driver that does not accept it is a
 * legacy one and gets no FEATURES_OK (QEMU says nothing).  Not offered:
 * any driver will do.
 */
static void test_features(Fixture *f, gconstpointer data)
{
    QmemVirtioDevice *vdev = QMEM_VIRTIO_DEVICE(f->vmem);
    const guint8 s = QMEM_VIRTIO_CONFIG_S_ACKNOWLEDGE |
                     QMEM_VIRTIO_CONFIG_S_DRIVER;

    setup_requests(f);
    f->t = fake_transport_new();
    track(&f->base, f->t);
    plug(vdev, f->t);
    g_assert_false(driver_negotiate(vdev, V1));
    g_assert_cmpuint(qmem_virtio_get_status(vdev), ==, s);
    g_assert_cmpint(qmem_virtio_set_status(
                        vdev, s | QMEM_VIRTIO_CONFIG_S_FEATURES_OK), <, 0);
    g_assert_cmpstr(capture_get(), ==, "");
    /* Nor is a driver without VERSION_1 welcome. */
    g_assert_false(driver_negotiate(vdev, F_UNPLUGGED_INACCESSIBLE));
    g_assert_true(driver_negotiate(vdev, V1 | F_UNPLUGGED_INACCESSIBLE));
}

static void test_features_off(Fixture *f, gconstpointer data)
{
    QmemVirtioDevice *vdev = QMEM_VIRTIO_DEVICE(f->vmem);

    add_backend(f, "memory-backend-ram,id=m0,size=1G,reserve=off");
    qmem_virtio_mem_set_addr(f->vmem, ADDR);
    qmem_virtio_mem_set_unplugged_inaccessible(
        f->vmem, QMEM_VIRTIO_MEM_ON_OFF_AUTO_OFF);
    g_assert_true(qmem_virtio_mem_set_requested_size(f->vmem, 32 * MiB,
                                                     NULL));
    realize(f);
    g_assert_cmpuint(device_features(f->vmem), ==,
                     QMEM_VIRTIO_DEFAULT_FEATURES);
    start_driver(f, 0);
    g_assert_cmpuint(qmem_virtio_get_guest_features(vdev), ==, V1);
    g_assert_cmpuint(queue_request(f, PLUG, ADDR, 1, NULL), ==, ACK);
}

/* requested-size: a config change the driver hears of, whoever sets it. */
static void test_config_change(Fixture *f, gconstpointer data)
{
    QmemVirtioDevice *vdev = QMEM_VIRTIO_DEVICE(f->vmem);
    g_auto(GValue) v = G_VALUE_INIT;

    setup_queue(f);
    g_value_init(&v, G_TYPE_UINT64);
    g_value_set_uint64(&v, 64 * MiB);
    g_assert_true(qmem_property_set_value(
                      QMEM_OBJECT(f->vmem), QMEM_VIRTIO_MEM_PROP_REQUESTED_SIZE,
                      &v, NULL));
    g_assert_cmpuint(qmem_virtio_get_generation(vdev), ==, 1);
    g_assert_cmpuint(qmem_virtio_read_and_clear_isr(vdev), ==,
                     QMEM_VIRTIO_ISR_QUEUE | QMEM_VIRTIO_ISR_CONFIG);
    g_assert_cmpuint(f->t->vectors->len, ==, 1);
    g_assert_cmpuint(g_array_index(f->t->vectors, guint16, 0), ==,
                     CONFIG_VECTOR);
    g_assert_cmpuint(qmem_virtio_config_read(vdev, 48, 4), ==, 64 * MiB);
    g_assert_cmpuint(qmem_virtio_config_read(vdev, 32, 4), ==, 320 * MiB);
    /* Requests change what the config says, but send no interrupt. */
    g_assert_cmpuint(queue_request(f, PLUG, ADDR, 2, NULL), ==, ACK);
    g_assert_cmpuint(queue_request(f, UNPLUG_ALL, 0, 0, NULL), ==, ACK);
    g_assert_cmpuint(qmem_virtio_get_generation(vdev), ==, 1);
    g_assert_cmpuint(qmem_virtio_get_isr(vdev), ==, QMEM_VIRTIO_ISR_QUEUE);
}

/* ------------------------------------------------------------------ */
/* Requests as drivers lay them out */

/* Several requests per kick, answered in order, one interrupt each. */
static void test_batch(Fixture *f, gconstpointer data)
{
    static const guint16 types[] = { PLUG, STATE, UNPLUG };
    const guint64 req[] = { REQ_GPA, REQ_GPA + 0x40, REQ_GPA + 0x80 };
    guint heads[3];
    guint32 id, len;

    setup_queue(f);
    for (guint i = 0; i < 3; i++) {
        DriverBuf b[] = {
            { req[i], QMEM_VIRTIO_MEM_REQ_SIZE, FALSE },
            { RESP_GPA + 0x10 * i, QMEM_VIRTIO_MEM_RESP_SIZE, TRUE },
        };

        build_request(guest_ptr(f->t, req[i]), types[i], ADDR + BLK, 2);
        heads[i] = driver_add_chain(&f->q, b, 2);
    }
    driver_kick(&f->q);
    for (guint i = 0; i < 3; i++) {
        const guint8 *resp = guest_ptr(f->t, RESP_GPA + 0x10 * i);

        g_assert_true(driver_get_used(&f->q, &id, &len));
        g_assert_cmpuint(id, ==, heads[i]);
        g_assert_cmpuint(len, ==, QMEM_VIRTIO_MEM_RESP_SIZE);
        g_assert_cmpuint(get_le16(resp), ==, ACK);
    }
    /* STATE ran between PLUG and UNPLUG. */
    g_assert_cmpuint(get_le16(guest_ptr(f->t, RESP_GPA + 0x18)), ==,
                     S_PLUGGED);
    g_assert_cmpuint(qmem_virtio_mem_get_size(f->vmem), ==, 0);
    g_assert_cmpuint(f->size_changes, ==, 2);
    g_assert_cmpuint(f->t->vectors->len, ==, 3);

    /* The driver wants no interrupts: none. */
    guest_w16(f->t, f->q.avail, QMEM_VRING_AVAIL_F_NO_INTERRUPT);
    g_assert_cmpuint(queue_request(f, PLUG, ADDR, 1, NULL), ==, ACK);
    g_assert_cmpuint(f->t->vectors->len, ==, 3);
}

/* The request and the response may be scattered, the room larger. */
static void test_scattered(Fixture *f, gconstpointer data)
{
    DriverBuf b[] = {
        { REQ_GPA, 10, FALSE }, { REQ_GPA + 0x40, 14, FALSE },
        { RESP_GPA, 4, TRUE }, { RESP_GPA + 0x40, 32, TRUE },
    };
    guint8 req[QMEM_VIRTIO_MEM_REQ_SIZE];
    guint32 id, len;

    setup_queue(f);
    build_request(req, STATE, ADDR, 4);
    memcpy(guest_ptr(f->t, REQ_GPA), req, 10);
    memcpy(guest_ptr(f->t, REQ_GPA + 0x40), req + 10, 14);
    memset(guest_ptr(f->t, RESP_GPA + 0x40), 0xaa, 32);
    driver_add_chain(&f->q, b, G_N_ELEMENTS(b));
    driver_kick(&f->q);
    g_assert_true(driver_get_used(&f->q, &id, &len));
    g_assert_cmpuint(len, ==, QMEM_VIRTIO_MEM_RESP_SIZE);
    g_assert_cmpuint(get_le16(guest_ptr(f->t, RESP_GPA)), ==, ACK);
    /* state lands at byte 8 of the response: 4 bytes into the second. */
    g_assert_cmpuint(get_le16(guest_ptr(f->t, RESP_GPA + 0x44)), ==,
                     S_UNPLUGGED);
    g_assert_cmpuint(guest_ptr(f->t, RESP_GPA + 0x46)[0], ==, 0xaa);

    /* A longer request: only the first 24 bytes count. */
    b[1].len = 40;
    memset(guest_ptr(f->t, REQ_GPA + 0x40 + 14), 0xff, 26);
    driver_add_chain(&f->q, b, G_N_ELEMENTS(b));
    driver_kick(&f->q);
    g_assert_true(driver_get_used(&f->q, &id, &len));
    g_assert_cmpuint(len, ==, QMEM_VIRTIO_MEM_RESP_SIZE);
    g_assert_false(qmem_virtio_is_broken(QMEM_VIRTIO_DEVICE(f->vmem)));
}

static void test_indirect(Fixture *f, gconstpointer data)
{
    const DriverBuf b[] = {
        { REQ_GPA, QMEM_VIRTIO_MEM_REQ_SIZE, FALSE },
        { RESP_GPA, QMEM_VIRTIO_MEM_RESP_SIZE, TRUE },
    };
    guint32 id, len;

    setup_requests(f);
    start_driver(f, F_UNPLUGGED_INACCESSIBLE |
                 QMEM_VIRTIO_BIT(QMEM_VIRTIO_RING_F_INDIRECT_DESC));
    build_request(guest_ptr(f->t, REQ_GPA), PLUG, ADDR, 3);
    driver_add_indirect(&f->q, 0x20000, b, 2);
    driver_kick(&f->q);
    g_assert_true(driver_get_used(&f->q, &id, &len));
    g_assert_cmpuint(get_le16(guest_ptr(f->t, RESP_GPA)), ==, ACK);
    g_assert_cmpuint(qmem_virtio_mem_get_size(f->vmem), ==, 3 * BLK);
}

/* ------------------------------------------------------------------ */
/* Protocol violations on the queue */

typedef struct {
    const char *name;
    const char *message;
    guint16 type;
    guint32 out[2];             /* request bytes per buffer */
    guint32 in[2];              /* response room per buffer */
} Violation;

static const Violation violations[] = {
    { "short-request", "virtio-mem protocol violation: invalid request "
      "size: 24", PLUG, { 23 }, { 10 } },
    { "split-short-request", "virtio-mem protocol violation: invalid "
      "request size: 24", PLUG, { 12, 11 }, { 10 } },
    { "no-request", "virtio-mem protocol violation: invalid request size: "
      "24", PLUG, { 0 }, { 10 } },
    { "short-response", "virtio-mem protocol violation: not enough space "
      "for response: 9", PLUG, { 24 }, { 9 } },
    { "split-short-response", "virtio-mem protocol violation: not enough "
      "space for response: 9", STATE, { 24 }, { 4, 5 } },
    { "no-response", "virtio-mem protocol violation: not enough space for "
      "response: 0", UNPLUG_ALL, { 24 }, { 0 } },
    { "unknown-type", "virtio-mem protocol violation: unknown request type: "
      "7", 7, { 24 }, { 10 } },
    { "buffer-outside-ram", "virtio: bogus descriptor or out of resources",
      PLUG, { 24 }, { 10 } },
};

static void test_violation(Fixture *f, gconstpointer data)
{
    const Violation *c = data;
    QmemVirtioDevice *vdev = QMEM_VIRTIO_DEVICE(f->vmem);
    g_autofree char *printed = g_strdup_printf("qmem-run: %s\n", c->message);
    DriverBuf b[4];
    guint n = 0;
    guint32 id, len;

    setup_queue(f);
    g_assert_cmpuint(queue_request(f, PLUG, ADDR, 2, NULL), ==, ACK);
    build_request(guest_ptr(f->t, REQ_GPA), c->type, ADDR + 2 * BLK, 1);
    for (guint i = 0, off = 0; i < 2 && c->out[i]; off += c->out[i++]) {
        b[n++] = (DriverBuf){ REQ_GPA + off, c->out[i], FALSE };
    }
    for (guint i = 0, off = 0; i < 2 && c->in[i]; off += c->in[i++]) {
        b[n++] = (DriverBuf){ RESP_GPA + off, c->in[i], TRUE };
    }
    if (!strcmp(c->name, "buffer-outside-ram")) {
        b[1].addr = 0x40000000;
    }
    memset(guest_ptr(f->t, RESP_GPA), 0x55, 16);
    driver_add_chain(&f->q, b, n);
    driver_kick(&f->q);

    /* QEMU's virtio_error(): reported, NEEDS_RESET, a config interrupt. */
    g_assert_cmpstr(capture_get(), ==, printed);
    capture_clear();
    g_assert_true(qmem_virtio_is_broken(vdev));
    g_assert_true(qmem_virtio_get_status(vdev) &
                  QMEM_VIRTIO_CONFIG_S_NEEDS_RESET);
    g_assert_cmpuint(qmem_virtio_get_generation(vdev), ==, 1);
    g_assert_cmpuint(g_array_index(f->t->vectors, guint16,
                                   f->t->vectors->len - 1), ==,
                     CONFIG_VECTOR);
    /* Not answered, not carried out, nothing written, not in use. */
    g_assert_false(driver_get_used(&f->q, &id, &len));
    g_assert_cmpuint(qmem_virtio_mem_get_size(f->vmem), ==, 2 * BLK);
    g_assert_cmpuint(guest_ptr(f->t, RESP_GPA)[0], ==, 0x55);
    g_assert_cmpuint(qmem_virtio_queue_get_inuse(
                         qmem_virtio_get_queue(vdev, 0)), ==, 0);

    /* Until a reset nothing is done, nothing reported again. */
    build_request(guest_ptr(f->t, REQ_GPA), PLUG, ADDR + 2 * BLK, 1);
    driver_add_chain(&f->q, (DriverBuf[]){
                         { REQ_GPA, QMEM_VIRTIO_MEM_REQ_SIZE, FALSE },
                         { RESP_GPA, QMEM_VIRTIO_MEM_RESP_SIZE, TRUE } }, 2);
    driver_kick(&f->q);
    g_assert_false(driver_get_used(&f->q, &id, &len));
    g_assert_cmpuint(qmem_virtio_mem_get_size(f->vmem), ==, 2 * BLK);
    g_assert_cmpstr(capture_get(), ==, "");

    /* A driver's reset repairs it and keeps the memory plugged. */
    start_driver(f, F_UNPLUGGED_INACCESSIBLE);
    g_assert_false(qmem_virtio_is_broken(vdev));
    g_assert_cmpuint(qmem_virtio_mem_get_size(f->vmem), ==, 2 * BLK);
    g_assert_cmpuint(queue_request(f, STATE, ADDR, 2, NULL), ==, ACK);
}

/* ------------------------------------------------------------------ */
/* Protocol violations through the hooks */

/* What a protocol violation prints (QEMU's virtio_error()), once. */
static void assert_violation(Fixture *f, const char *message)
{
    g_autofree char *printed = g_strdup_printf("qmem-run: %s\n", message);

    g_assert_cmpstr(capture_get(), ==, printed);
    capture_clear();
    g_assert_true(qmem_virtio_is_broken(QMEM_VIRTIO_DEVICE(f->vmem)));
}

static void test_violation_short_request(Fixture *f, gconstpointer data)
{
    g_autoptr(GError) error = NULL;
    guint8 req[QMEM_VIRTIO_MEM_REQ_SIZE], resp[QMEM_VIRTIO_MEM_RESP_SIZE];
    QmemVirtioDevice *vdev = QMEM_VIRTIO_DEVICE(f->vmem);

    setup_requests(f);
    build_request(req, PLUG, ADDR, 1);
    memset(resp, 0x55, sizeof(resp));
    g_assert_false(qmem_virtio_mem_handle_request(f->vmem, req, 23, resp,
                                                  sizeof(resp), &error));
    /* QEMU prints the size it wanted, not the one it got. */
    assert_error(error, "virtio-mem protocol violation: invalid request "
                 "size: 24");
    assert_violation(f, error->message);
    g_assert_cmpuint(resp[0], ==, 0x55);
    g_clear_error(&error);

    /* Broken: even a good request is refused, and changes nothing. */
    g_assert_false(qmem_virtio_mem_handle_request(f->vmem, req, sizeof(req),
                                                  resp, sizeof(resp),
                                                  &error));
    assert_error(error, "virtio-mem device needs a reset after a protocol "
                 "violation");
    g_assert_cmpuint(qmem_virtio_mem_get_size(f->vmem), ==, 0);
    g_clear_error(&error);
    g_assert_false(qmem_virtio_mem_handle_request(f->vmem, NULL, 0, NULL, 0,
                                                  &error));
    g_clear_error(&error);
    /* Refused, not reported again. */
    g_assert_cmpstr(capture_get(), ==, "");

    /* The virtio reset repairs it. */
    qmem_virtio_reset(vdev);
    g_assert_false(qmem_virtio_is_broken(vdev));
    plug_ok(f->vmem, ADDR, 1);
}

static void test_violation_short_response(Fixture *f, gconstpointer data)
{
    g_autoptr(GError) error = NULL;
    guint8 req[QMEM_VIRTIO_MEM_REQ_SIZE + 8], resp[QMEM_VIRTIO_MEM_RESP_SIZE];

    setup_requests(f);
    build_request(req, PLUG, ADDR, 1);
    g_assert_false(qmem_virtio_mem_handle_request(f->vmem, req, sizeof(req),
                                                  resp, 9, &error));
    assert_error(error, "virtio-mem protocol violation: not enough space "
                 "for response: 9");
    assert_violation(f, error->message);
    /* The request was not carried out. */
    g_assert_cmpuint(qmem_virtio_mem_get_size(f->vmem), ==, 0);
    qmem_virtio_reset(QMEM_VIRTIO_DEVICE(f->vmem));
    g_clear_error(&error);
    g_assert_false(qmem_virtio_mem_handle_request(f->vmem, req, sizeof(req),
                                                  resp, 0, &error));
    assert_error(error, "virtio-mem protocol violation: not enough space "
                 "for response: 0");
    assert_violation(f, error->message);
    qmem_virtio_reset(QMEM_VIRTIO_DEVICE(f->vmem));

    /* A longer request is fine: only the first 24 bytes count. */
    memset(req + QMEM_VIRTIO_MEM_REQ_SIZE, 0xff, 8);
    g_assert_true(qmem_virtio_mem_handle_request(f->vmem, req, sizeof(req),
                                                 resp, sizeof(resp), NULL));
    g_assert_cmpuint(get_le16(resp), ==, ACK);
}

static void test_violation_unknown_type(Fixture *f, gconstpointer data)
{
    static const guint16 types[] = { 4, 0x100, 0xffff };
    guint8 req[QMEM_VIRTIO_MEM_REQ_SIZE], resp[QMEM_VIRTIO_MEM_RESP_SIZE];

    setup_requests(f);
    for (guint i = 0; i < G_N_ELEMENTS(types); i++) {
        g_autoptr(GError) error = NULL;
        g_autofree char *text = g_strdup_printf(
            "virtio-mem protocol violation: unknown request type: %u",
            types[i]);

        build_request(req, types[i], ADDR, 1);
        g_assert_false(qmem_virtio_mem_handle_request(f->vmem, req,
                                                      sizeof(req), resp,
                                                      sizeof(resp), &error));
        assert_error(error, text);
        assert_violation(f, text);
        qmem_virtio_reset(QMEM_VIRTIO_DEVICE(f->vmem));
    }
}

static void test_features_negotiation(Fixture *f, gconstpointer data)
{
    const guint64 v1 = QMEM_VIRTIO_BIT(QMEM_VIRTIO_F_VERSION_1);
    QmemVirtioDevice *vdev = QMEM_VIRTIO_DEVICE(f->vmem);

    setup_requests(f);
    g_assert_cmpuint(device_features(f->vmem), ==,
                     QMEM_VIRTIO_DEFAULT_FEATURES | F_UNPLUGGED_INACCESSIBLE);
    f->t = fake_transport_new();
    track(&f->base, f->t);
    plug(vdev, f->t);
    g_assert_true(driver_negotiate(vdev, v1 | F_UNPLUGGED_INACCESSIBLE));
    g_assert_true(driver_negotiate(vdev, v1 | F_UNPLUGGED_INACCESSIBLE |
                                   F_ACPI_PXM));
    /* A legacy driver without UNPLUGGED_INACCESSIBLE is rejected. */
    g_assert_false(driver_negotiate(vdev, v1));
    g_assert_false(driver_negotiate(vdev, v1 | F_ACPI_PXM));
}

/* ------------------------------------------------------------------ */
/* The test hooks and the queue: one handler */

static void test_hooks(Fixture *f, gconstpointer data)
{
    QmemVirtioDevice *vdev = QMEM_VIRTIO_DEVICE(f->vmem);
    g_autoptr(GError) error = NULL;
    guint8 req[QMEM_VIRTIO_MEM_REQ_SIZE], resp[QMEM_VIRTIO_MEM_RESP_SIZE];
    guint16 state;
    guint32 id, len;

    setup_queue(f);
    /* What one plugs, the other sees. */
    plug_ok(f->vmem, ADDR, 2);
    g_assert_cmpuint(queue_request(f, STATE, ADDR, 2, &state), ==, ACK);
    g_assert_cmpuint(state, ==, S_PLUGGED);
    g_assert_cmpuint(queue_request(f, UNPLUG, ADDR, 1, NULL), ==, ACK);
    g_assert_cmpuint(request(f->vmem, STATE, ADDR, 2, &state), ==, ACK);
    g_assert_cmpuint(state, ==, S_MIXED);

    /* A violation through a hook breaks the device for the driver too. */
    build_request(req, 9, ADDR, 1);
    g_assert_false(qmem_virtio_mem_handle_request(f->vmem, req, sizeof(req),
                                                  resp, sizeof(resp),
                                                  &error));
    assert_error(error, "virtio-mem protocol violation: unknown request "
                 "type: 9");
    g_assert_cmpstr(capture_get(), ==, "qmem-run: virtio-mem protocol "
                    "violation: unknown request type: 9\n");
    capture_clear();
    g_assert_true(qmem_virtio_get_status(vdev) &
                  QMEM_VIRTIO_CONFIG_S_NEEDS_RESET);
    build_request(guest_ptr(f->t, REQ_GPA), STATE, ADDR, 1);
    driver_add_chain(&f->q, (DriverBuf[]){
                         { REQ_GPA, QMEM_VIRTIO_MEM_REQ_SIZE, FALSE },
                         { RESP_GPA, QMEM_VIRTIO_MEM_RESP_SIZE, TRUE } }, 2);
    driver_kick(&f->q);
    g_assert_false(driver_get_used(&f->q, &id, &len));
}

/* ------------------------------------------------------------------ */
/* Resets */

/*
 * The driver's reset (status 0) leaves the memory as it is (QEMU 7.2
 * unplugs only on a system reset); a system reset unplugs everything and
 * shrinks the usable region, but leaves the virtio state to the
 * transport's reset.
 */
static void test_reset(Fixture *f, gconstpointer data)
{
    QmemVirtioDevice *vdev = QMEM_VIRTIO_DEVICE(f->vmem);

    setup_queue(f);
    g_assert_true(qmem_virtio_mem_set_requested_size(f->vmem, 512 * MiB,
                                                     NULL));
    g_assert_cmpuint(queue_request(f, PLUG, ADDR + 500 * MiB, 3, NULL), ==,
                     ACK);
    g_assert_true(qmem_virtio_mem_set_requested_size(f->vmem, 64 * MiB,
                                                     NULL));
    qmem_virtio_reset(vdev);
    g_assert_cmpuint(qmem_virtio_mem_get_size(f->vmem), ==, 3 * BLK);
    g_assert_cmpuint(qmem_virtio_mem_get_usable_region_size(f->vmem), ==,
                     768 * MiB);
    g_assert_cmpuint(qmem_virtio_get_status(vdev), ==, 0);

    start_driver(f, F_UNPLUGGED_INACCESSIBLE);
    qmem_virtio_mem_system_reset(f->vmem, FALSE);
    g_assert_cmpuint(qmem_virtio_mem_get_size(f->vmem), ==, 0);
    g_assert_cmpuint(qmem_virtio_mem_get_usable_region_size(f->vmem), ==,
                     320 * MiB);
    g_assert_true(qmem_virtio_get_status(vdev) &
                  QMEM_VIRTIO_CONFIG_S_DRIVER_OK);
    g_assert_cmpuint(queue_request(f, STATE, ADDR + 500 * MiB, 3, NULL), ==,
                     ERROR);
}

int main(int argc, char **argv)
{
    test_init(&argc, &argv);

    ADD("/hw/virtio/virtio-mem/queue/identity", NULL, test_identity);
    ADD("/hw/virtio/virtio-mem/queue/config", NULL, test_config_layout);
    ADD("/hw/virtio/virtio-mem/queue/config/change", NULL,
        test_config_change);
    ADD("/hw/virtio/virtio-mem/queue/features", NULL, test_features);
    ADD("/hw/virtio/virtio-mem/queue/features/off", NULL, test_features_off);
    ADD("/hw/virtio/virtio-mem/queue/batch", NULL, test_batch);
    ADD("/hw/virtio/virtio-mem/queue/scattered", NULL, test_scattered);
    ADD("/hw/virtio/virtio-mem/queue/indirect", NULL, test_indirect);
    ADD("/hw/virtio/virtio-mem/queue/hooks", NULL, test_hooks);
    ADD("/hw/virtio/virtio-mem/queue/reset", NULL, test_reset);
    ADD_TABLE("queue/violation", violations, test_violation);
    ADD("/hw/virtio/virtio-mem/violation/short-request", NULL,
        test_violation_short_request);
    ADD("/hw/virtio/virtio-mem/violation/short-response", NULL,
        test_violation_short_response);
    ADD("/hw/virtio/virtio-mem/violation/unknown-type", NULL,
        test_violation_unknown_type);
    ADD("/hw/virtio/virtio-mem/features", NULL, test_features_negotiation);
    return g_test_run();
}
