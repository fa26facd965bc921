/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Tests for hw/virtio/virtqueue.c: split rings, from a guest untrusted. */

#include <string.h>

#include "tests/unit/virtio-test-device.h"

#define ADD(path, fn) \
    g_test_add("/hw/virtio/virtqueue/" path, Fixture, NULL, fixture_setup, fn, \
               fixture_teardown)

/* ------------------------------------------------------------------ */
/* Requests */

static void test_echo(Fixture *f, gconstpointer data)
{
    start(f, MODERN);
    g_assert_cmpuint(echo(&f->q, "hello", 16), ==, 5);
    g_assert_cmpmem(guest_ptr(f->t, BUF + 0x100), 5, "hello", 5);
    g_assert_cmpuint(notified(f), ==, 1);
    g_assert_cmpuint(last_vector(f), ==, QUEUE_VECTOR);
    g_assert_cmpuint(qmem_virtio_get_isr(f->vdev), ==, QMEM_VIRTIO_ISR_QUEUE);
    /* Room for 3: only 3 are written, and said so. */
    g_assert_cmpuint(echo(&f->q, "hello", 3), ==, 3);
    g_assert_cmpuint(qmem_virtio_queue_get_inuse(
                         qmem_virtio_get_queue(f->vdev, 0)), ==, 0);
}

/* Buffers scattered over several descriptors, read and written in order. */
static void test_scatter(Fixture *f, gconstpointer data)
{
    DriverBuf bufs[] = {
        { BUF, 2, FALSE }, { BUF + 0x10, 3, FALSE }, { BUF + 0x20, 1, FALSE },
        { BUF + 0x100, 4, TRUE }, { BUF + 0x200, 4, TRUE },
    };
    guint32 id, len;

    start(f, MODERN);
    memcpy(guest_ptr(f->t, BUF), "ab", 2);
    memcpy(guest_ptr(f->t, BUF + 0x10), "cde", 3);
    memcpy(guest_ptr(f->t, BUF + 0x20), "f", 1);
    driver_add_chain(&f->q, bufs, G_N_ELEMENTS(bufs));
    driver_kick(&f->q);
    g_assert_true(driver_get_used(&f->q, &id, &len));
    g_assert_cmpuint(len, ==, 6);
    g_assert_cmpmem(guest_ptr(f->t, BUF + 0x100), 4, "abcd", 4);
    g_assert_cmpmem(guest_ptr(f->t, BUF + 0x200), 2, "ef", 2);
}

static void test_indirect(Fixture *f, gconstpointer data)
{
    DriverBuf bufs[] = {
        { BUF, 3, FALSE }, { BUF + 0x10, 3, FALSE },
        { BUF + 0x100, 2, TRUE }, { BUF + 0x200, 8, TRUE },
    };
    guint32 id, len;
    guint head;

    start(f, MODERN | QMEM_VIRTIO_BIT(QMEM_VIRTIO_RING_F_INDIRECT_DESC));
    memcpy(guest_ptr(f->t, BUF), "abcdef", 3);
    memcpy(guest_ptr(f->t, BUF + 0x10), "def", 3);
    head = driver_add_indirect(&f->q, 0x6000, bufs, G_N_ELEMENTS(bufs));
    driver_kick(&f->q);
    g_assert_true(driver_get_used(&f->q, &id, &len));
    g_assert_cmpuint(id, ==, head);
    g_assert_cmpuint(len, ==, 6);
    g_assert_cmpmem(guest_ptr(f->t, BUF + 0x100), 2, "ab", 2);
    g_assert_cmpmem(guest_ptr(f->t, BUF + 0x200), 4, "cdef", 4);
    /* Read-only memory is fine for what the device reads. */
    memcpy(guest_ptr(f->t, ROM_BASE), "rom", 3);
    bufs[0].addr = ROM_BASE;
    driver_add_chain(&f->q, (DriverBuf[]){ bufs[0], bufs[3] }, 2);
    driver_kick(&f->q);
    g_assert_true(driver_get_used(&f->q, &id, &len));
    g_assert_cmpuint(len, ==, 3);
    g_assert_false(qmem_virtio_is_broken(f->vdev));
}

/* A chain as long as the table is no loop. */
static void test_full_chain(Fixture *f, gconstpointer data)
{
    DriverBuf bufs[16];
    guint32 id, len;

    start(f, MODERN);
    for (guint i = 0; i < 15; i++) {
        bufs[i] = (DriverBuf){ BUF + i, 1, FALSE };
        guest_ptr(f->t, BUF)[i] = 'a' + i;
    }
    bufs[15] = (DriverBuf){ BUF + 0x100, 16, TRUE };
    driver_add_chain(&f->q, bufs, 16);
    driver_kick(&f->q);
    g_assert_true(driver_get_used(&f->q, &id, &len));
    g_assert_cmpuint(len, ==, 15);
    g_assert_cmpmem(guest_ptr(f->t, BUF + 0x100), 15, "abcdefghijklmno", 15);
    g_assert_false(qmem_virtio_is_broken(f->vdev));
}

/* Many requests per kick, the ring and the 16-bit indices wrapping. */
static void test_wrap(Fixture *f, gconstpointer data)
{
    guint32 id, len;

    start(f, MODERN);
    /* 8 chains of 2 at a time: every descriptor in use once. */
    for (guint round = 0; round < 65536 / 8 + 4; round++) {
        for (guint k = 0; k < 8; k++) {
            DriverBuf b[] = { { BUF, 1, FALSE }, { BUF + 0x100, 1, TRUE } };

            driver_add_chain(&f->q, b, 2);
        }
        driver_kick(&f->q);
        for (guint k = 0; k < 8; k++) {
            g_assert_true(driver_get_used(&f->q, &id, &len));
            g_assert_cmpuint(id, ==, 2 * k);
        }
        g_assert_false(driver_get_used(&f->q, &id, &len));
    }
    g_assert_cmpuint(f->td->handled, ==, (65536 / 8 + 4) * 8);
    g_assert_cmpuint(qmem_virtio_queue_get_used_idx(
                         qmem_virtio_get_queue(f->vdev, 0)), ==, 32);
    g_assert_false(qmem_virtio_is_broken(f->vdev));
}

/* ------------------------------------------------------------------ */
/* Notification suppression */

static void test_no_interrupt(Fixture *f, gconstpointer data)
{
    start(f, MODERN);
    guest_w16(f->t, f->q.avail, QMEM_VRING_AVAIL_F_NO_INTERRUPT);
    g_assert_cmpuint(echo(&f->q, "x", 4), ==, 1);
    g_assert_cmpuint(notified(f), ==, 0);
    g_assert_cmpuint(qmem_virtio_get_isr(f->vdev), ==, 0);
    guest_w16(f->t, f->q.avail, 0);
    g_assert_cmpuint(echo(&f->q, "x", 4), ==, 1);
    g_assert_cmpuint(notified(f), ==, 1);
}

/* VIRTIO_F_NOTIFY_ON_EMPTY (legacy, but QEMU takes it): empty notifies. */
static void test_notify_on_empty(Fixture *f, gconstpointer data)
{
    start(f, MODERN | QMEM_VIRTIO_BIT(QMEM_VIRTIO_F_NOTIFY_ON_EMPTY));
    guest_w16(f->t, f->q.avail, QMEM_VRING_AVAIL_F_NO_INTERRUPT);
    g_assert_cmpuint(echo(&f->q, "x", 4), ==, 1);
    g_assert_cmpuint(notified(f), ==, 1);
}

static void test_event_idx(Fixture *f, gconstpointer data)
{
    guint64 used_event, avail_event;

    start(f, MODERN | QMEM_VIRTIO_BIT(QMEM_VIRTIO_RING_F_EVENT_IDX));
    used_event = f->q.avail + 4 + 2 * 16;
    avail_event = f->q.used + 4 + 8 * 16;
    /* The flag means nothing now; the first one always notifies. */
    guest_w16(f->t, f->q.avail, QMEM_VRING_AVAIL_F_NO_INTERRUPT);
    guest_w16(f->t, used_event, 5);
    g_assert_cmpuint(echo(&f->q, "a", 4), ==, 1);
    g_assert_cmpuint(notified(f), ==, 1);
    /* The device tells the driver where it is: avail_event. */
    g_assert_cmpuint(guest_r16(f->t, avail_event), ==, 1);
    /* Used index 2..5: not past used_event 5 yet. */
    for (guint i = 2; i <= 5; i++) {
        echo(&f->q, "a", 4);
        g_assert_cmpuint(notified(f), ==, 1);
    }
    /* 6 passes it. */
    echo(&f->q, "a", 4);
    g_assert_cmpuint(notified(f), ==, 2);
    echo(&f->q, "a", 4);
    g_assert_cmpuint(notified(f), ==, 2);
    guest_w16(f->t, used_event, 7);
    echo(&f->q, "a", 4);
    g_assert_cmpuint(notified(f), ==, 3);
}

/* The device's side: asking for no kicks. */
static void test_set_notification(Fixture *f, gconstpointer data)
{
    QmemVirtQueue *vq;

    start(f, MODERN);
    vq = qmem_virtio_get_queue(f->vdev, 0);
    qmem_virtio_queue_set_notification(vq, FALSE);
    g_assert_cmpuint(guest_r16(f->t, f->q.used), ==,
                     QMEM_VRING_USED_F_NO_NOTIFY);
    qmem_virtio_queue_set_notification(vq, TRUE);
    g_assert_cmpuint(guest_r16(f->t, f->q.used), ==, 0);

    start(f, MODERN | QMEM_VIRTIO_BIT(QMEM_VIRTIO_RING_F_EVENT_IDX));
    vq = qmem_virtio_get_queue(f->vdev, 0);
    guest_w16(f->t, f->q.avail + 2, 9);
    qmem_virtio_queue_set_notification(vq, TRUE);
    g_assert_cmpuint(guest_r16(f->t, f->q.used + 4 + 8 * 16), ==, 9);
    g_assert_cmpuint(guest_r16(f->t, f->q.used), ==, 0);
}

/* A device whose bus mastering is off: nothing moves, nothing rings. */
static void test_disabled(Fixture *f, gconstpointer data)
{
    DriverBuf b[] = { { BUF, 1, FALSE }, { BUF + 0x100, 1, TRUE } };
    guint32 id, len;

    start(f, MODERN);
    qmem_virtio_set_disabled(f->vdev, TRUE);
    driver_add_chain(&f->q, b, 2);
    driver_kick(&f->q);
    g_assert_false(driver_get_used(&f->q, &id, &len));
    qmem_virtio_notify_config(f->vdev);
    g_assert_cmpuint(notified(f), ==, 0);
    qmem_virtio_set_disabled(f->vdev, FALSE);
    qmem_virtio_queue_notify(f->vdev, 0);
    g_assert_true(driver_get_used(&f->q, &id, &len));
    g_assert_cmpuint(notified(f), ==, 1);
}

/* ------------------------------------------------------------------ */
/* The guest is not trusted: malformed rings */

typedef struct {
    const char *name;
    const char *message;
    void (*setup)(Fixture *f);
    gboolean indirect;
    gboolean event_idx;
} BadRing;

static void one_buf(Fixture *f, guint64 addr, guint32 len, gboolean write)
{
    DriverBuf b = { addr, len, write };

    driver_add_chain(&f->q, &b, 1);
}

static void bad_moved_index(Fixture *f)
{
    one_buf(f, BUF, 4, FALSE);
    f->q.avail_idx = 18;
}

static void bad_head(Fixture *f)
{
    driver_make_available(&f->q, 16);
}

static void bad_next(Fixture *f)
{
    driver_set_desc(&f->q, 0, BUF, 4, QMEM_VRING_DESC_F_NEXT, 16);
    driver_make_available(&f->q, 0);
}

static void bad_loop(Fixture *f)
{
    driver_set_desc(&f->q, 0, BUF, 4, QMEM_VRING_DESC_F_NEXT, 1);
    driver_set_desc(&f->q, 1, BUF, 4, QMEM_VRING_DESC_F_NEXT, 0);
    driver_make_available(&f->q, 0);
}

static void bad_zero_len(Fixture *f)
{
    one_buf(f, BUF, 0, FALSE);
}

static void bad_outside(Fixture *f)
{
    one_buf(f, 0x10000000, 4, FALSE);
}

static void bad_past_ram(Fixture *f)
{
    one_buf(f, RAM_SIZE - 4, 8, FALSE);
}

static void bad_mmio(Fixture *f)
{
    one_buf(f, IO_BASE, 4, FALSE);
}

static void bad_write_rom(Fixture *f)
{
    one_buf(f, ROM_BASE, 4, TRUE);
}

static void bad_wrapping(Fixture *f)
{
    one_buf(f, G_MAXUINT64 - 0xf, 0x20, FALSE);
}

static void bad_order(Fixture *f)
{
    DriverBuf b[] = { { BUF, 4, TRUE }, { BUF + 0x100, 4, FALSE } };

    driver_add_chain(&f->q, b, 2);
}

static void bad_indirect_len(Fixture *f)
{
    driver_set_desc(&f->q, 0, 0x6000, 17, QMEM_VRING_DESC_F_INDIRECT, 0);
    driver_make_available(&f->q, 0);
}

static void bad_indirect_empty(Fixture *f)
{
    driver_set_desc(&f->q, 0, 0x6000, 0, QMEM_VRING_DESC_F_INDIRECT, 0);
    driver_make_available(&f->q, 0);
}

static void bad_indirect_outside(Fixture *f)
{
    driver_set_desc(&f->q, 0, RAM_SIZE - 16, 32, QMEM_VRING_DESC_F_INDIRECT,
                    0);
    driver_make_available(&f->q, 0);
}

static void bad_indirect_next(Fixture *f)
{
    DriverBuf b[] = { { BUF, 4, FALSE }, { BUF, 4, FALSE } };

    driver_add_indirect(&f->q, 0x6000, b, 2);
    /* The table has 2 entries; the second says NEXT 2. */
    guest_w16(f->t, 0x6000 + 16 + 12, QMEM_VRING_DESC_F_NEXT);
    guest_w16(f->t, 0x6000 + 16 + 14, 2);
}

static void bad_indirect_loop(Fixture *f)
{
    DriverBuf b[] = { { BUF, 4, FALSE }, { BUF, 4, FALSE } };

    driver_add_indirect(&f->q, 0x6000, b, 2);
    guest_w16(f->t, 0x6000 + 16 + 12, QMEM_VRING_DESC_F_NEXT);
    guest_w16(f->t, 0x6000 + 16 + 14, 0);
}

/* 1025 buffers in one indirect table: more than a chain may have. */
static void bad_too_many(Fixture *f)
{
    g_autofree DriverBuf *b = g_new(DriverBuf, QMEM_VIRTQUEUE_MAX_SIZE + 1);

    for (guint i = 0; i <= QMEM_VIRTQUEUE_MAX_SIZE; i++) {
        b[i] = (DriverBuf){ BUF, 1, TRUE };
    }
    driver_add_indirect(&f->q, 0x10000, b, QMEM_VIRTQUEUE_MAX_SIZE + 1);
}

/* The device keeps 16 elements; the driver makes a 17th available. */
static void bad_size_exceeded(Fixture *f)
{
    f->td->hold = TRUE;
    for (guint i = 0; i < 16; i++) {
        one_buf(f, BUF, 4, FALSE);
    }
    driver_kick(&f->q);
    g_assert_cmpuint(f->td->handled, ==, 1 + 16);
    g_assert_cmpstr(capture_get(), ==, "");
    one_buf(f, BUF, 4, FALSE);
}

static const BadRing bad_rings[] = {
    { "moved-index", "Guest moved used index from 1 to 18", bad_moved_index },
    { "head", "Guest says index 16 is available", bad_head },
    { "next", "Desc next is 16", bad_next },
    { "loop", "Looped descriptor", bad_loop },
    { "zero-length", "virtio: zero sized buffers are not allowed",
      bad_zero_len },
    { "outside-ram", "virtio: bogus descriptor or out of resources",
      bad_outside },
    { "past-ram", "virtio: bogus descriptor or out of resources",
      bad_past_ram },
    { "mmio", "virtio: bogus descriptor or out of resources", bad_mmio },
    { "write-rom", "virtio: bogus descriptor or out of resources",
      bad_write_rom },
    { "wrapping", "virtio: bogus descriptor or out of resources",
      bad_wrapping },
    { "order", "Incorrect order for descriptors", bad_order },
    { "indirect-len", "Invalid size for indirect buffer table",
      bad_indirect_len, TRUE },
    { "indirect-empty", "Invalid size for indirect buffer table",
      bad_indirect_empty, TRUE },
    { "indirect-outside", "Cannot map indirect buffer",
      bad_indirect_outside, TRUE },
    { "indirect-next", "Desc next is 2", bad_indirect_next, TRUE },
    { "indirect-loop", "Looped descriptor", bad_indirect_loop, TRUE },
    { "too-many", "virtio: too many write descriptors in indirect table",
      bad_too_many, TRUE },
    { "size-exceeded", "Virtqueue size exceeded", bad_size_exceeded },
    { "moved-index-event-idx", "Guest moved used index from 1 to 18",
      bad_moved_index, FALSE, TRUE },
};

/* What qmem_virtio_error() leaves: @message, NEEDS_RESET, a config irq. */
static void assert_broken(Fixture *f, const char *message, guint8 gen)
{
    g_autofree char *printed = g_strdup_printf("qmem-run: %s\n", message);

    g_assert_cmpstr(capture_get(), ==, printed);
    capture_clear();
    g_assert_true(qmem_virtio_is_broken(f->vdev));
    g_assert_cmpuint(qmem_virtio_get_status(f->vdev) &
                     QMEM_VIRTIO_CONFIG_S_NEEDS_RESET, !=, 0);
    g_assert_cmpuint(qmem_virtio_get_generation(f->vdev), ==, gen + 1);
    g_assert_cmpuint(qmem_virtio_get_isr(f->vdev) &
                     QMEM_VIRTIO_ISR_CONFIG, !=, 0);
    g_assert_cmpuint(last_vector(f), ==, CONFIG_VECTOR);
}

static void test_bad_ring(Fixture *f, gconstpointer data)
{
    const BadRing *c = data;
    guint64 accept = MODERN;
    guint handled;
    guint32 id, len;

    if (c->indirect) {
        accept |= QMEM_VIRTIO_BIT(QMEM_VIRTIO_RING_F_INDIRECT_DESC);
    }
    if (c->event_idx) {
        accept |= QMEM_VIRTIO_BIT(QMEM_VIRTIO_RING_F_EVENT_IDX);
    }
    start(f, accept);
    /* A good request first: it stays answered. */
    g_assert_cmpuint(echo(&f->q, "ok", 4), ==, 2);
    c->setup(f);
    handled = f->td->handled;
    driver_kick(&f->q);
    assert_broken(f, c->message, 0);
    /* Nothing was answered, nothing more is done until a reset. */
    g_assert_cmpuint(driver_used_idx(&f->q), ==, 1);
    one_buf(f, BUF, 4, FALSE);
    driver_kick(&f->q);
    g_assert_cmpuint(f->td->handled, ==, handled);
    g_assert_cmpuint(driver_used_idx(&f->q), ==, 1);
    g_assert_cmpstr(capture_get(), ==, "");

    f->td->hold = FALSE;
    start(f, accept);
    g_assert_false(qmem_virtio_is_broken(f->vdev));
    g_assert_cmpuint(echo(&f->q, "ok", 4), ==, 2);
    g_assert_false(driver_get_used(&f->q, &id, &len));
}

/* A legacy driver (no VERSION_1) gets no NEEDS_RESET, as in QEMU. */
static void test_bad_ring_legacy(Fixture *f, gconstpointer data)
{
    qmem_virtio_cleanup(f->vdev);
    qmem_virtio_init(f->vdev, 4, sizeof(f->td->cfg));
    qmem_virtio_add_queue(f->vdev, 16, td_handle);
    start(f, QMEM_VIRTIO_BIT(TEST_F_A));
    bad_head(f);
    driver_kick(&f->q);
    g_assert_cmpstr(capture_get(), ==,
                    "qmem-run: Guest says index 16 is available\n");
    capture_clear();
    g_assert_true(qmem_virtio_is_broken(f->vdev));
    g_assert_cmpuint(qmem_virtio_get_status(f->vdev) &
                     QMEM_VIRTIO_CONFIG_S_NEEDS_RESET, ==, 0);
    g_assert_cmpuint(notified(f), ==, 0);
}

/* Rings that are not in RAM when set up, or stop being so. */
typedef struct {
    const char *name;
    const char *message;
    guint64 desc, avail, used;
    gboolean event_idx;
} BadRings;

static const BadRings bad_ring_addrs[] = {
    { "desc-outside", "Cannot map desc", 0x10000000, 0x2000, 0x3000 },
    { "desc-past-ram", "Cannot map desc", RAM_SIZE - 0x80, 0x2000, 0x3000 },
    { "used-outside", "Cannot map used", 0x1000, 0x2000, 0x10000000 },
    { "used-rom", "Cannot map used", 0x1000, 0x2000, ROM_BASE },
    { "used-mmio", "Cannot map used", 0x1000, 0x2000, IO_BASE },
    { "avail-past-ram", "Cannot map avail", 0x1000, RAM_SIZE - 0x20,
      0x3000 },
    /* 4 + 2 * 16 bytes fit; with EVENT_IDX 2 more do not. */
    { "avail-event-idx", "Cannot map avail", 0x1000, RAM_SIZE - 36, 0x3000,
      TRUE },
    { "used-event-idx", "Cannot map used", 0x1000, 0x2000,
      RAM_SIZE - 4 - 8 * 16, TRUE },
};

static void test_bad_ring_addrs(Fixture *f, gconstpointer data)
{
    const BadRings *c = data;
    guint64 accept = MODERN;

    plug(f->vdev, f->t);
    if (c->event_idx) {
        accept |= QMEM_VIRTIO_BIT(QMEM_VIRTIO_RING_F_EVENT_IDX);
        /* Without it they fit. */
        g_assert_true(driver_negotiate(f->vdev, MODERN));
        qmem_virtio_queue_set_rings(f->vdev, 0, c->desc, c->avail, c->used);
        g_assert_false(qmem_virtio_is_broken(f->vdev));
    }
    g_assert_true(driver_negotiate(f->vdev, accept));
    qmem_virtio_set_config_vector(f->vdev, CONFIG_VECTOR);
    driver_ok(f->vdev);
    qmem_virtio_queue_set_rings(f->vdev, 0, c->desc, c->avail, c->used);
    assert_broken(f, c->message, 0);
    qmem_virtio_queue_notify(f->vdev, 0);
    g_assert_cmpuint(f->td->handled, ==, 0);
    /* No rings: nothing was written where they would be. */
    g_assert_cmpstr(capture_get(), ==, "");
}

/* EVENT_IDX negotiated after the rings were set: checked again then. */
static void test_bad_ring_features(Fixture *f, gconstpointer data)
{
    const guint8 s = QMEM_VIRTIO_CONFIG_S_ACKNOWLEDGE |
                     QMEM_VIRTIO_CONFIG_S_DRIVER;

    plug(f->vdev, f->t);
    qmem_virtio_reset(f->vdev);
    qmem_virtio_set_status(f->vdev, s);
    qmem_virtio_queue_set_rings(f->vdev, 0, 0x1000, RAM_SIZE - 36, 0x3000);
    g_assert_false(qmem_virtio_is_broken(f->vdev));
    qmem_virtio_set_features(f->vdev, MODERN |
                             QMEM_VIRTIO_BIT(QMEM_VIRTIO_RING_F_EVENT_IDX));
    g_assert_cmpstr(capture_get(), ==, "qmem-run: Cannot map avail\n");
    capture_clear();
    g_assert_true(qmem_virtio_is_broken(f->vdev));
}

/* The memory map changes under the rings: QEMU's listener sees it. */
static void test_bad_ring_unmapped(Fixture *f, gconstpointer data)
{
    start(f, MODERN);
    g_assert_cmpuint(echo(&f->q, "ok", 4), ==, 2);
    qmem_memory_region_transaction_begin();
    qmem_memory_region_del_subregion(f->t->root, f->t->ram);
    qmem_memory_region_transaction_commit();
    assert_broken(f, "Cannot map desc", 0);
    /* Reported once, not with every later change. */
    qmem_memory_region_transaction_begin();
    qmem_memory_region_add_subregion(f->t->root, 0, f->t->ram);
    qmem_memory_region_transaction_commit();
    g_assert_cmpstr(capture_get(), ==, "");
    qmem_virtio_queue_notify(f->vdev, 0);
    g_assert_cmpuint(f->td->handled, ==, 1);
    start(f, MODERN);
    g_assert_cmpuint(echo(&f->q, "ok", 4), ==, 2);
}

/* qmem_virtio_error() from a device, before and after DRIVER_OK. */

int main(int argc, char **argv)
{
    test_init(&argc, &argv);

    ADD("echo", test_echo);
    ADD("scatter", test_scatter);
    ADD("indirect", test_indirect);
    ADD("full-chain", test_full_chain);
    ADD("wrap", test_wrap);
    ADD("notify/no-interrupt", test_no_interrupt);
    ADD("notify/on-empty", test_notify_on_empty);
    ADD("notify/event-idx", test_event_idx);
    ADD("notify/set-notification", test_set_notification);
    ADD("disabled", test_disabled);
    for (guint i = 0; i < G_N_ELEMENTS(bad_rings); i++) {
        g_autofree char *path = g_strdup_printf(
            "/hw/virtio/virtqueue/bad/chain/%s", bad_rings[i].name);

        g_test_add(path, Fixture, &bad_rings[i], fixture_setup,
                   test_bad_ring, fixture_teardown);
    }
    for (guint i = 0; i < G_N_ELEMENTS(bad_ring_addrs); i++) {
        g_autofree char *path = g_strdup_printf(
            "/hw/virtio/virtqueue/bad/rings/%s", bad_ring_addrs[i].name);

        g_test_add(path, Fixture, &bad_ring_addrs[i], fixture_setup,
                   test_bad_ring_addrs, fixture_teardown);
    }
    ADD("bad/chain-legacy", test_bad_ring_legacy);
    ADD("bad/rings/features", test_bad_ring_features);
    ADD("bad/rings/unmapped", test_bad_ring_unmapped);
    return g_test_run();
}
