/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Tests for hw/virtio/virtio-mem-request.c and -memslots.c: the guest. */

#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "system/memory.h"
#include "tests/unit/virtio-mem-test.h"
#include "util/error.h"

/*
 * Resident bytes of [start, start + len): the /proc/self/smaps Rss of the
 * mappings it lies in (the backend's own), and, exactly, mincore().
 */
static guint64 smaps_rss(const void *start, gsize len)
{
    g_autofree char *text = NULL;
    g_auto(GStrv) lines = NULL;
    guintptr lo = (guintptr)start, hi = lo + len;
    gboolean in = FALSE;
    guint64 rss = 0;

    g_assert_true(g_file_get_contents("/proc/self/smaps", &text, NULL,
                                      NULL));
    lines = g_strsplit(text, "\n", -1);
    for (guint i = 0; lines[i]; i++) {
        unsigned long a, b, kb;

        if (sscanf(lines[i], "%lx-%lx ", &a, &b) == 2 &&
            strchr(lines[i], '-') < strchr(lines[i], ' ')) {
            in = a < hi && b > lo;
        } else if (in && sscanf(lines[i], "Rss: %lu kB", &kb) == 1) {
            rss += (guint64)kb * 1024;
        }
    }
    return rss;
}

static guint64 mincore_resident(const void *start, gsize len)
{
    const gsize page = sysconf(_SC_PAGESIZE);
    g_autofree unsigned char *vec = g_malloc(len / page);
    guint64 n = 0;

    g_assert_cmpint(mincore((void *)start, len, vec), ==, 0);
    for (gsize i = 0; i < len / page; i++) {
        n += vec[i] & 1;
    }
    return n * page;
}

/* ------------------------------------------------------------------ */
/* Guest requests, table-driven */

typedef struct {
    guint16 type;
    gint64 offset;              /* from ADDR */
    guint16 nb_blocks;
} Step;

typedef struct {
    const char *name;
    Step before[3];             /* requests that must be ACKed first */
    Step req;
    guint64 addr;               /* absolute address instead of offset */
    guint16 response;
    gint state;                 /* -1: not a state request */
    guint64 size_after;         /* plugged bytes afterwards */
} RequestCase;

#define USABLE (288 * MiB)
#define END_BLOCK ((gint64)(USABLE - BLK))
#define NONE { 0, 0, 0 }
#define REQ(t, o, n) { t, o, n }
#define P(o, n) { PLUG, o, n }

static const RequestCase request_cases[] = {
    /* PLUG */
    { "plug/one", { NONE }, REQ(PLUG, 0, 1), 0, ACK, -1, BLK },
    { "plug/requested-size", { NONE }, REQ(PLUG, 4 * BLK, 16), 0, ACK, -1,
      32 * MiB },
    { "plug/last-usable-block", { NONE }, REQ(PLUG, END_BLOCK, 1), 0, ACK,
      -1, BLK },
    { "plug/nack-over-requested", { NONE }, REQ(PLUG, 0, 17), 0, NACK, -1,
      0 },
    { "plug/nack-cumulative", { P(0, 16) }, REQ(PLUG, 16 * BLK, 1), 0,
      NACK, -1, 32 * MiB },
    { "plug/nack-before-state", { P(0, 16) }, REQ(PLUG, 0, 1), 0, NACK,
      -1, 32 * MiB },
    { "plug/error-plugged", { P(0, 1) }, REQ(PLUG, 0, 1), 0, ERROR, -1,
      BLK },
    { "plug/error-partly-plugged", { P(BLK, 1) }, REQ(PLUG, 0, 2), 0,
      ERROR, -1, BLK },
    { "plug/error-misaligned-1m", { NONE }, REQ(PLUG, MiB, 1), 0, ERROR,
      -1, 0 },
    { "plug/error-misaligned-4k", { NONE }, REQ(PLUG, 4096, 1), 0, ERROR,
      -1, 0 },
    { "plug/error-no-blocks", { NONE }, REQ(PLUG, 0, 0), 0, ERROR, -1, 0 },
    { "plug/error-below", { NONE }, REQ(PLUG, -(gint64)BLK, 1), 0, ERROR,
      -1, 0 },
    { "plug/error-straddles-start", { NONE }, REQ(PLUG, -(gint64)BLK, 2),
      0, ERROR, -1, 0 },
    { "plug/error-usable-end", { NONE }, REQ(PLUG, USABLE, 1), 0, ERROR,
      -1, 0 },
    { "plug/error-straddles-usable-end", { NONE }, REQ(PLUG, END_BLOCK, 2),
      0, ERROR, -1, 0 },
    { "plug/error-beyond-region", { NONE }, REQ(PLUG, GiB, 1), 0, ERROR,
      -1, 0 },
    { "plug/error-many-blocks", { NONE }, REQ(PLUG, 0, 65535), 0, ERROR,
      -1, 0 },
    { "plug/error-range-before-nack", { NONE },
      REQ(PLUG, -(gint64)BLK, 17), 0, ERROR, -1, 0 },
    { "plug/error-addr-0", { NONE }, REQ(PLUG, 0, 1), 1, ERROR, -1, 0 },
    { "plug/error-overflow", { NONE }, REQ(PLUG, 0, 2),
      G_GUINT64_CONSTANT(0xffffffffffe00000), ERROR, -1, 0 },
    { "plug/error-top-of-memory", { NONE }, REQ(PLUG, 0, 1),
      G_GUINT64_CONSTANT(0xffffffffffe00000), ERROR, -1, 0 },
    /* UNPLUG */
    { "unplug/all-of-it", { P(0, 4) }, REQ(UNPLUG, 0, 4), 0, ACK, -1, 0 },
    { "unplug/part", { P(0, 4) }, REQ(UNPLUG, BLK, 2), 0, ACK, -1,
      2 * BLK },
    { "unplug/at-requested-size", { P(0, 16) }, REQ(UNPLUG, 0, 1), 0, ACK,
      -1, 30 * MiB },
    { "unplug/error-unplugged", { NONE }, REQ(UNPLUG, 0, 1), 0, ERROR, -1,
      0 },
    { "unplug/error-partly-plugged", { P(0, 1) }, REQ(UNPLUG, 0, 2), 0,
      ERROR, -1, BLK },
    { "unplug/error-misaligned", { P(0, 2) }, REQ(UNPLUG, MiB, 1), 0,
      ERROR, -1, 2 * BLK },
    { "unplug/error-no-blocks", { P(0, 1) }, REQ(UNPLUG, 0, 0), 0, ERROR,
      -1, BLK },
    { "unplug/error-below", { P(0, 1) }, REQ(UNPLUG, -(gint64)BLK, 2), 0,
      ERROR, -1, BLK },
    { "unplug/error-straddles-usable-end", { P(END_BLOCK, 1) },
      REQ(UNPLUG, END_BLOCK, 2), 0, ERROR, -1, BLK },
    { "unplug/error-overflow", { NONE }, REQ(UNPLUG, 0, 2),
      G_GUINT64_CONSTANT(0xffffffffffe00000), ERROR, -1, 0 },
    /* UNPLUG_ALL */
    { "unplug-all/nothing-plugged", { NONE }, REQ(UNPLUG_ALL, 0, 0), 0, ACK,
      -1, 0 },
    { "unplug-all/plugged", { P(0, 4), P(10 * BLK, 3) },
      REQ(UNPLUG_ALL, 0, 0), 0, ACK, -1, 0 },
    { "unplug-all/ignores-range", { P(0, 1) }, REQ(UNPLUG_ALL, 0, 65535),
      G_GUINT64_CONSTANT(0xffffffffffffffff), ACK, -1, 0 },
    /* STATE */
    { "state/unplugged", { NONE }, REQ(STATE, 0, 4), 0, ACK, S_UNPLUGGED,
      0 },
    { "state/plugged", { P(0, 4) }, REQ(STATE, 0, 4), 0, ACK, S_PLUGGED,
      4 * BLK },
    { "state/mixed", { P(0, 1) }, REQ(STATE, 0, 2), 0, ACK, S_MIXED, BLK },
    { "state/mixed-inside", { P(BLK, 1) }, REQ(STATE, 0, 3), 0, ACK, S_MIXED,
      BLK },
    { "state/one-plugged", { P(BLK, 1) }, REQ(STATE, BLK, 1), 0, ACK,
      S_PLUGGED, BLK },
    { "state/neighbour", { P(BLK, 1) }, REQ(STATE, 2 * BLK, 1), 0, ACK,
      S_UNPLUGGED, BLK },
    { "state/whole-usable-region", { NONE }, REQ(STATE, 0, USABLE / BLK), 0,
      ACK, S_UNPLUGGED, 0 },
    { "state/error-usable-region-plus-one", { NONE },
      REQ(STATE, 0, USABLE / BLK + 1), 0, ERROR, -1, 0 },
    { "state/error-misaligned", { NONE }, REQ(STATE, MiB, 1), 0, ERROR, -1,
      0 },
    { "state/error-no-blocks", { NONE }, REQ(STATE, 0, 0), 0, ERROR, -1, 0 },
    { "state/error-below", { NONE }, REQ(STATE, -(gint64)BLK, 1), 0, ERROR,
      -1, 0 },
    { "state/error-usable-end", { NONE }, REQ(STATE, USABLE, 1), 0, ERROR,
      -1, 0 },
    { "state/error-overflow", { NONE }, REQ(STATE, 0, 2),
      G_GUINT64_CONSTANT(0xffffffffffe00000), ERROR, -1, 0 },
};

/* Which blocks are plugged, for "nothing changed" checks. */
static GString *snapshot(QmemVirtioMem *vmem)
{
    GString *s = g_string_new(NULL);
    guint64 region = qmem_virtio_mem_get_region_size(vmem);

    for (guint64 off = 0; off < region; off += BLK) {
        g_string_append_c(s, qmem_virtio_mem_is_range_plugged(
                                 vmem, ADDR + off, BLK) ? '1' : '0');
    }
    g_string_append_printf(s, " size=%" PRIu64 " usable=%" PRIu64,
                           qmem_virtio_mem_get_size(vmem),
                           qmem_virtio_mem_get_usable_region_size(vmem));
    return s;
}

typedef guint16 (*RequestFunc)(Fixture *f, guint16 type, guint64 addr,
                               guint16 nb_blocks, guint16 *state);

/* The test hooks' way: straight into the handler. */
static guint16 hook_request(Fixture *f, guint16 type, guint64 addr,
                            guint16 nb_blocks, guint16 *state)
{
    return request(f->vmem, type, addr, nb_blocks, state);
}

/* Every case is run both ways, through the hooks and on the queue. */
static void run_request(Fixture *f, const RequestCase *c, RequestFunc req)
{
    QmemVirtioMem *vmem = f->vmem;
    g_autoptr(GString) before = NULL, after = NULL;
    guint changes;
    guint16 state = 0xffff;
    guint64 addr;

    for (guint i = 0; i < G_N_ELEMENTS(c->before) && c->before[i].nb_blocks;
         i++) {
        g_assert_cmpuint(req(f, c->before[i].type, ADDR + c->before[i].offset,
                             c->before[i].nb_blocks, NULL), ==, ACK);
    }
    before = snapshot(vmem);
    changes = f->size_changes;

    addr = c->addr ? c->addr : ADDR + c->req.offset;
    if (c->addr == 1) {
        addr = 0;
    }
    g_assert_cmpuint(req(f, c->req.type, addr, c->req.nb_blocks, &state), ==,
                     c->response);
    if (c->state >= 0) {
        g_assert_cmpint(state, ==, c->state);
    } else {
        g_assert_cmpint(state, ==, 0);
    }
    g_assert_cmpuint(qmem_virtio_mem_get_size(vmem), ==, c->size_after);

    after = snapshot(vmem);
    if (c->response != ACK || c->req.type == STATE) {
        /* Refused requests and queries change nothing. */
        g_assert_cmpstr(after->str, ==, before->str);
        g_assert_cmpuint(f->size_changes, ==, changes);
    } else if (strcmp(before->str, after->str)) {
        g_assert_cmpuint(f->size_changes, ==, changes + 1);
        g_assert_cmpuint(f->last_size, ==, c->size_after);
    } else {
        /* UNPLUG_ALL with nothing plugged. */
        g_assert_cmpuint(f->size_changes, ==, changes);
    }
    g_assert_false(qmem_virtio_is_broken(QMEM_VIRTIO_DEVICE(vmem)));
}

static void test_request(Fixture *f, gconstpointer data)
{
    setup_requests(f);
    run_request(f, data, hook_request);
}

static void test_request_queue(Fixture *f, gconstpointer data)
{
    setup_requests(f);
    start_driver(f, F_UNPLUGGED_INACCESSIBLE);
    run_request(f, data, queue_request);
    /* The config space says what the device has. */
    g_assert_cmpuint(qmem_virtio_config_read(QMEM_VIRTIO_DEVICE(f->vmem), 40,
                                             4), ==,
                     qmem_virtio_mem_get_size(f->vmem));
}

/* Padding and the state field of non-state requests are not looked at. */
static void test_request_padding(Fixture *f, gconstpointer data)
{
    guint8 req[QMEM_VIRTIO_MEM_REQ_SIZE], resp[QMEM_VIRTIO_MEM_RESP_SIZE];

    setup_requests(f);
    memset(req, 0xff, sizeof(req));
    put_le16(req, PLUG);
    put_le64(req + 8, ADDR + BLK);
    put_le16(req + 16, 2);
    g_assert_true(qmem_virtio_mem_handle_request(f->vmem, req, sizeof(req),
                                                 resp, sizeof(resp), NULL));
    g_assert_cmpuint(get_le16(resp), ==, ACK);
    g_assert_cmpuint(get_le64(resp) >> 16, ==, 0);
    g_assert_true(qmem_virtio_mem_is_range_plugged(f->vmem, ADDR + BLK,
                                                   2 * BLK));
    g_assert_true(qmem_virtio_mem_is_range_unplugged(f->vmem, ADDR, BLK));
}

/* ------------------------------------------------------------------ */
/* Dynamic memslots */

typedef struct {
    const char *name;
    guint64 region;
    guint64 block;              /* 0: default */
    guint limit;
    gboolean dynamic;
    guint memslots;
    guint64 memslot_size;       /* after realize */
} DecideCase;

static const DecideCase decide_cases[] = {
    { "off", 8 * GiB, 0, 256, FALSE, 1, 0 },
    { "1t-256", 1024 * GiB, 0, 256, TRUE, 256, 4 * GiB },
    { "1t-1", 1024 * GiB, 0, 1, TRUE, 1, 1024 * GiB },
    { "1t-0", 1024 * GiB, 0, 0, TRUE, 1, 1024 * GiB },
    /* At least 1 GiB per memslot. */
    { "1t-5000", 1024 * GiB, 0, 5000, TRUE, 1024, GiB },
    /* The last memslot is shorter: 5 GiB in 1708 MiB memslots. */
    { "5g-3", 5 * GiB, 0, 3, TRUE, 3, 1708 * MiB },
    { "8g-8", 8 * GiB, 0, 8, TRUE, 8, GiB },
    { "below-1g", 512 * MiB, 0, 8, TRUE, 1, 512 * MiB },
    { "1g", GiB, 0, 8, TRUE, 1, GiB },
    /* Memslots hold whole blocks. */
    { "block-2g", 8 * GiB, 2 * GiB, 100, TRUE, 4, 2 * GiB },
    /* Realize would fail: one memslot. */
    { "memdev-unaligned", 5 * GiB, 4 * GiB, 8, TRUE, 1, 0 },
};

static void test_decide_memslots(Fixture *f, gconstpointer data)
{
    const DecideCase *c = data;
    g_autofree char *text = g_strdup_printf(
        "memory-backend-ram,id=m0,size=%" PRIu64 ",reserve=off", c->region);

    add_backend(f, text);
    qmem_virtio_mem_set_dynamic_memslots(f->vmem, c->dynamic);
    if (c->block) {
        g_assert_true(qmem_virtio_mem_set_block_size(f->vmem, c->block,
                                                     NULL));
    }
    /* Undecided: one. */
    g_assert_cmpuint(qmem_virtio_mem_get_memslots(f->vmem), ==, 1);
    qmem_virtio_mem_decide_memslots(f->vmem, c->limit);
    g_assert_cmpuint(qmem_virtio_mem_get_memslots(f->vmem), ==, c->memslots);
    if (c->dynamic) {
        /* Deciding resolved the default block size. */
        g_assert_cmpuint(qmem_virtio_mem_get_block_size(f->vmem), ==,
                         c->block ? c->block : BLK);
    }
    if (!c->memslot_size) {
        return;
    }
    realize(f);
    g_assert_cmpuint(qmem_virtio_mem_get_memslots(f->vmem), ==, c->memslots);
    g_assert_cmpuint(qmem_virtio_mem_get_memslot_size(f->vmem), ==,
                     c->dynamic ? c->memslot_size : 0);
    g_assert_cmpuint(qmem_virtio_mem_get_active_memslots(f->vmem), ==, 0);
}

typedef struct {
    guint adds;
    guint dels;
    guint commits;
} ListenerCount;

typedef struct {
    QmemMemoryListener listener;
    ListenerCount count;
} CountingListener;

static void counting_add(QmemMemoryListener *l, const QmemMemorySection *s)
{
    ((CountingListener *)l)->count.adds++;
}

static void counting_del(QmemMemoryListener *l, const QmemMemorySection *s)
{
    ((CountingListener *)l)->count.dels++;
}

static void counting_commit(QmemMemoryListener *l)
{
    ((CountingListener *)l)->count.commits++;
}

/* "01100": which memslots are active. */
static char *active_memslots(QmemVirtioMem *vmem)
{
    GString *s = g_string_new(NULL);

    for (guint i = 0; i < qmem_virtio_mem_get_memslots(vmem); i++) {
        g_string_append_c(s, qmem_virtio_mem_memslot_is_active(vmem, i) ?
                             '1' : '0');
    }
    return g_string_free(s, FALSE);
}

#define ASSERT_ACTIVE(vmem, expected) \
    do { \
        g_autofree char *active_ = active_memslots(vmem); \
        g_assert_cmpstr(active_, ==, expected); \
    } while (0)

#define ASSERT_COUNT(cl, a, d, c) \
    do { \
        g_assert_cmpuint((cl)->count.adds, ==, a); \
        g_assert_cmpuint((cl)->count.dels, ==, d); \
        g_assert_cmpuint((cl)->count.commits, ==, c); \
        memset(&(cl)->count, 0, sizeof((cl)->count)); \
    } while (0)

/* 5 GiB in 3 memslots of 1708 MiB (the last 1704 MiB), all requested. */
static void test_memslot_activation(Fixture *f, gconstpointer data)
{
    QmemVirtioMem *vmem = f->vmem;
    const guint64 slot = 1708 * MiB;
    CountingListener cl = {
        .listener = {
            .region_add = counting_add,
            .region_del = counting_del,
            .commit = counting_commit,
            .name = "test",
        },
    };
    QmemAddressSpace *as;
    const QmemMemorySection *sections;
    guint n;

    add_backend(f, "memory-backend-ram,id=m0,size=5G,reserve=off");
    qmem_virtio_mem_set_dynamic_memslots(vmem, TRUE);
    qmem_virtio_mem_set_addr(vmem, ADDR);
    g_assert_true(qmem_virtio_mem_set_requested_size(vmem, 5 * GiB, NULL));
    qmem_virtio_mem_decide_memslots(vmem, 3);
    realize(f);
    /* What a machine maps, seen by a listener as KVM would. */
    as = qmem_address_space_new("test",
                                qmem_virtio_mem_get_memory_region(vmem,
                                                                  NULL));
    g_assert_cmpstr(qmem_memory_region_get_name(
                        qmem_virtio_mem_get_memory_region(vmem, NULL)), ==,
                    "virtio-mem");
    qmem_memory_listener_register(&cl.listener, as);
    ASSERT_COUNT(&cl, 0, 0, 1);
    ASSERT_ACTIVE(vmem, "000");

    /* A block maps its memslot first. */
    plug_ok(vmem, ADDR, 1);
    ASSERT_ACTIVE(vmem, "100");
    ASSERT_COUNT(&cl, 1, 0, 1);
    sections = qmem_address_space_get_sections(as, &n);
    g_assert_cmpuint(n, ==, 1);
    g_assert_cmpuint(sections[0].offset_within_address_space, ==, 0);
    g_assert_cmpuint(sections[0].size, ==, slot);

    /* One request over two memslots: one transaction. */
    plug_ok(vmem, ADDR + slot - BLK, 2);
    ASSERT_ACTIVE(vmem, "110");
    ASSERT_COUNT(&cl, 1, 0, 1);
    plug_ok(vmem, ADDR + 2 * slot, 1);
    ASSERT_ACTIVE(vmem, "111");
    ASSERT_COUNT(&cl, 1, 0, 1);
    sections = qmem_address_space_get_sections(as, &n);
    g_assert_cmpuint(n, ==, 3);
    g_assert_cmpuint(sections[2].offset_within_address_space, ==, 2 * slot);
    g_assert_cmpuint(sections[2].size, ==, 1704 * MiB);

    /* Plugging into active memslots maps nothing. */
    plug_ok(vmem, ADDR + 4 * BLK, 8);
    ASSERT_COUNT(&cl, 0, 0, 0);

    /* Partial unplug: memslot 1 keeps a plugged block, memslot 0 too. */
    unplug_ok(vmem, ADDR + slot - BLK, 1);
    ASSERT_ACTIVE(vmem, "111");
    ASSERT_COUNT(&cl, 0, 0, 0);
    unplug_ok(vmem, ADDR + slot, 1);
    ASSERT_ACTIVE(vmem, "101");
    ASSERT_COUNT(&cl, 0, 1, 1);

    /* Memslot 0 goes with its last block. */
    unplug_ok(vmem, ADDR + 4 * BLK, 8);
    ASSERT_ACTIVE(vmem, "101");
    unplug_ok(vmem, ADDR, 1);
    ASSERT_ACTIVE(vmem, "001");
    ASSERT_COUNT(&cl, 0, 1, 1);

    /* A failed plug maps nothing. */
    qmem_virtio_mem_set_busy(vmem, TRUE);
    g_assert_cmpuint(request(vmem, PLUG, ADDR, 1, NULL), ==, BUSY);
    qmem_virtio_mem_set_busy(vmem, FALSE);
    ASSERT_ACTIVE(vmem, "001");
    ASSERT_COUNT(&cl, 0, 0, 0);

    /* UNPLUG_ALL and reset unmap everything, in one transaction. */
    plug_ok(vmem, ADDR, 1);
    plug_ok(vmem, ADDR + slot, 1);
    ASSERT_ACTIVE(vmem, "111");
    ASSERT_COUNT(&cl, 2, 0, 2);
    g_assert_cmpuint(request(vmem, UNPLUG_ALL, 0, 0, NULL), ==, ACK);
    ASSERT_ACTIVE(vmem, "000");
    ASSERT_COUNT(&cl, 0, 3, 1);
    plug_ok(vmem, ADDR + 2 * slot + 1700 * MiB, 2);
    ASSERT_ACTIVE(vmem, "001");
    qmem_virtio_mem_system_reset(vmem, TRUE);
    ASSERT_ACTIVE(vmem, "001");
    qmem_virtio_mem_system_reset(vmem, FALSE);
    ASSERT_ACTIVE(vmem, "000");
    ASSERT_COUNT(&cl, 1, 1, 2);

    qmem_memory_listener_unregister(&cl.listener);
    qmem_address_space_free(as);
}

/* Unrealize unmaps memslots still active (the machine goes away). */
static void test_memslot_unrealize(Fixture *f, gconstpointer data)
{
    add_backend(f, "memory-backend-ram,id=m0,size=4G,reserve=off");
    qmem_virtio_mem_set_dynamic_memslots(f->vmem, TRUE);
    qmem_virtio_mem_set_addr(f->vmem, ADDR);
    g_assert_true(qmem_virtio_mem_set_requested_size(f->vmem, 4 * GiB,
                                                     NULL));
    qmem_virtio_mem_decide_memslots(f->vmem, 4);
    realize(f);
    plug_ok(f->vmem, ADDR + 3 * GiB, 1);
    ASSERT_ACTIVE(f->vmem, "0001");
    qmem_virtio_mem_unrealize(f->vmem);
    g_assert_false(qmem_host_memory_backend_is_mapped(f->memdev));
    g_assert_cmpuint(qmem_virtio_mem_get_active_memslots(f->vmem), ==, 0);
}

/* ------------------------------------------------------------------ */
/* Discard, prealloc, busy, reset, notifications */

typedef struct {
    const char *name;
    const char *backend;
    gboolean file;              /* the memory is in @DIR@/f */
    const char *printed;
} DiscardCase;

static const DiscardCase discard_cases[] = {
    { "ram", "memory-backend-ram,id=m0,size=64M", FALSE, NULL },
    { "ram-shared", "memory-backend-ram,id=m0,size=64M,share=on", FALSE,
      NULL },
    { "memfd", "memory-backend-memfd,id=m0,size=64M", FALSE, NULL },
    { "file-shared", "memory-backend-file,id=m0,size=64M,mem-path=@DIR@/f,"
      "share=on", TRUE, NULL },
};

/* Unplugged memory goes back to the host: Rss and file blocks drop. */
static void test_discard(Fixture *f, gconstpointer data)
{
    const DiscardCase *c = data;
    QmemVirtioMem *vmem = f->vmem;
    g_autofree char *path = g_build_filename(f->base.dir, "f", NULL);
    QmemRamBlock *block;
    guint8 *host;
    guint64 rss0, rss1, rss2;
    struct stat st;

    add_backend(f, c->backend);
    block = qmem_host_memory_backend_get_ram_block(f->memdev);
    host = block->host;
    qmem_virtio_mem_set_addr(vmem, ADDR);
    g_assert_true(qmem_virtio_mem_set_requested_size(vmem, 64 * MiB, NULL));
    /* Realize starts from a clean slate. */
    memset(host, 0x11, 64 * MiB);
    realize(f);
    g_assert_cmpuint(mincore_resident(host, 64 * MiB), ==, 0);
    rss0 = smaps_rss(host, 64 * MiB);

    plug_ok(vmem, ADDR + 8 * BLK, 16);
    memset(host + 8 * BLK, 0x5a, 16 * BLK);
    /* For files mincore() also counts readahead in the page cache. */
    if (!c->file) {
        g_assert_cmpuint(mincore_resident(host, 64 * MiB), ==, 32 * MiB);
    }
    rss1 = smaps_rss(host, 64 * MiB);
    g_assert_cmpuint(rss1, >=, rss0 + 32 * MiB);
    if (c->file) {
        g_assert_cmpint(stat(path, &st), ==, 0);
        g_assert_cmpuint((guint64)st.st_blocks * 512, >=, 32 * MiB);
    }

    unplug_ok(vmem, ADDR + 8 * BLK, 12);
    if (!c->file) {
        g_assert_cmpuint(mincore_resident(host, 64 * MiB), ==, 8 * MiB);
    }
    rss2 = smaps_rss(host, 64 * MiB);
    g_assert_cmpuint(rss2, <=, rss0 + 8 * MiB);
    g_assert_cmpuint(rss2, >=, rss0 + 8 * MiB - MiB);
    if (c->file) {
        g_assert_cmpint(stat(path, &st), ==, 0);
        g_assert_cmpuint((guint64)st.st_blocks * 512, <=, 8 * MiB);
    }
    /* The plugged rest is intact; a replugged block reads as zero. */
    g_assert_cmpuint(host[20 * BLK], ==, 0x5a);
    g_assert_cmpuint(host[24 * BLK - 1], ==, 0x5a);
    plug_ok(vmem, ADDR + 8 * BLK, 1);
    g_assert_cmpuint(host[8 * BLK], ==, 0);
    g_assert_cmpuint(host[9 * BLK - 1], ==, 0);

    g_assert_cmpuint(request(vmem, UNPLUG_ALL, 0, 0, NULL), ==, ACK);
    if (!c->file) {
        g_assert_cmpuint(mincore_resident(host, 64 * MiB), ==, 0);
    } else {
        g_assert_cmpint(stat(path, &st), ==, 0);
        g_assert_cmpuint(st.st_blocks, ==, 0);
    }
    g_assert_cmpuint(smaps_rss(host, 64 * MiB), <=, rss0);
}

/* prealloc=on populates exactly the plugged blocks. */
static void test_prealloc(Fixture *f, gconstpointer data)
{
    QmemVirtioMem *vmem = f->vmem;
    QmemRamBlock *block;
    guint64 rss0;

    add_backend(f, "memory-backend-ram,id=m0,size=64M");
    block = qmem_host_memory_backend_get_ram_block(f->memdev);
    qmem_virtio_mem_set_prealloc(vmem, TRUE);
    qmem_virtio_mem_set_addr(vmem, ADDR);
    g_assert_true(qmem_virtio_mem_set_requested_size(vmem, 64 * MiB, NULL));
    realize(f);
    rss0 = smaps_rss(block->host, 64 * MiB);
    plug_ok(vmem, ADDR + 4 * BLK, 3);
    g_assert_cmpuint(mincore_resident(block->host, 64 * MiB), ==, 6 * MiB);
    g_assert_cmpuint(smaps_rss(block->host, 64 * MiB), >=, rss0 + 6 * MiB);
    unplug_ok(vmem, ADDR + 4 * BLK, 3);
    g_assert_cmpuint(mincore_resident(block->host, 64 * MiB), ==, 0);
}

/*
 * A failed preallocation answers BUSY and leaves the blocks unplugged,
 * warning once: here the file under a shared mapping shrank.
 */
static void test_prealloc_fails(Fixture *f, gconstpointer data)
{
    QmemVirtioMem *vmem = f->vmem;
    g_autofree char *path = g_build_filename(f->base.dir, "f", NULL);

    add_backend(f, "memory-backend-file,id=m0,size=16M,mem-path=@DIR@/f,"
                "share=on");
    qmem_virtio_mem_set_prealloc(vmem, TRUE);
    qmem_virtio_mem_set_addr(vmem, ADDR);
    g_assert_true(qmem_virtio_mem_set_requested_size(vmem, 16 * MiB, NULL));
    g_signal_connect(vmem, "notify::size", G_CALLBACK(on_size_change), f);
    realize(f);
    g_assert_cmpint(truncate(path, 4 * MiB), ==, 0);

    plug_ok(vmem, ADDR, 2);
    g_assert_cmpuint(request(vmem, PLUG, ADDR + 2 * BLK, 2, NULL), ==, BUSY);
    g_assert_cmpuint(request(vmem, PLUG, ADDR + 4 * BLK, 1, NULL), ==, BUSY);
    g_assert_cmpuint(qmem_virtio_mem_get_size(vmem), ==, 4 * MiB);
    g_assert_true(qmem_virtio_mem_is_range_unplugged(vmem, ADDR + 2 * BLK,
                                                     6 * BLK));
    g_assert_cmpuint(f->size_changes, ==, 1);
    f->base.expect_printed = "qmem-run: warning: qemu_prealloc_mem: "
                             "preallocating memory failed: Bad address\n";
}

/* A failed discard answers BUSY and leaves the blocks plugged. */
static void test_unplug_discard_fails(Fixture *f, gconstpointer data)
{
    QmemVirtioMemEnv env = { .nb_numa_nodes = 1, .incoming_migration = TRUE };
    g_autofree char *path = g_build_filename(f->base.dir, "f", NULL);
    QmemVirtioMem *vmem = f->vmem;

    g_assert_true(g_file_set_contents(path, "", 0, NULL));
    g_assert_cmpint(truncate(path, 8 * MiB), ==, 0);
    add_backend(f, "memory-backend-file,id=m0,size=8M,mem-path=@DIR@/f,"
                "readonly=on,rom=off");
    qmem_virtio_mem_set_addr(vmem, ADDR);
    g_assert_true(qmem_virtio_mem_set_requested_size(vmem, 8 * MiB, NULL));
    g_assert_true(qmem_virtio_mem_realize(vmem, &env, NULL));
    plug_ok(vmem, ADDR, 2);
    g_assert_cmpuint(request(vmem, UNPLUG, ADDR, 1, NULL), ==, BUSY);
    g_assert_cmpuint(request(vmem, UNPLUG_ALL, 0, 0, NULL), ==, BUSY);
    g_assert_cmpuint(qmem_virtio_mem_get_size(vmem), ==, 4 * MiB);
    g_assert_true(qmem_virtio_mem_is_range_plugged(vmem, ADDR, 2 * BLK));
    f->base.expect_printed =
        "qmem-run: ram_block_discard_range: Discarding RAM with readonly "
        "files is not supported\n"
        "qmem-run: ram_block_discard_range: Discarding RAM with readonly "
        "files is not supported\n";
}

/* What a running migration does: BUSY for every change. */
static void test_busy(Fixture *f, gconstpointer data)
{
    QmemVirtioMem *vmem = f->vmem;
    guint16 state;

    setup_requests(f);
    plug_ok(vmem, ADDR, 2);
    qmem_virtio_mem_set_busy(vmem, TRUE);
    g_assert_cmpuint(request(vmem, PLUG, ADDR + 2 * BLK, 1, NULL), ==, BUSY);
    g_assert_cmpuint(request(vmem, UNPLUG, ADDR, 1, NULL), ==, BUSY);
    g_assert_cmpuint(request(vmem, UNPLUG_ALL, 0, 0, NULL), ==, BUSY);
    /* Checks come first: an invalid request is still an ERROR. */
    g_assert_cmpuint(request(vmem, PLUG, ADDR, 1, NULL), ==, ERROR);
    g_assert_cmpuint(request(vmem, PLUG, ADDR + 2 * BLK, 16, NULL), ==,
                     NACK);
    g_assert_cmpuint(request(vmem, STATE, ADDR, 2, &state), ==, ACK);
    g_assert_cmpuint(state, ==, S_PLUGGED);
    /* Reset while busy leaves the memory to the guest. */
    qmem_virtio_mem_system_reset(vmem, FALSE);
    g_assert_cmpuint(qmem_virtio_mem_get_size(vmem), ==, 2 * BLK);
    g_assert_cmpuint(f->size_changes, ==, 1);

    qmem_virtio_mem_set_busy(vmem, FALSE);
    unplug_ok(vmem, ADDR, 2);
    /* Nothing plugged: UNPLUG_ALL needs no state change, so no BUSY. */
    qmem_virtio_mem_set_busy(vmem, TRUE);
    g_assert_cmpuint(request(vmem, UNPLUG_ALL, 0, 0, NULL), ==, ACK);
}

static void test_reset(Fixture *f, gconstpointer data)
{
    QmemVirtioMem *vmem = f->vmem;

    setup_requests(f);
    g_assert_true(qmem_virtio_mem_set_requested_size(vmem, 512 * MiB, NULL));
    plug_ok(vmem, ADDR + 500 * MiB, 3);
    g_assert_true(qmem_virtio_mem_set_requested_size(vmem, 64 * MiB, NULL));
    g_assert_cmpuint(qmem_virtio_mem_get_usable_region_size(vmem), ==,
                     768 * MiB);

    /* Waking up from suspend keeps everything. */
    qmem_virtio_mem_system_reset(vmem, TRUE);
    g_assert_cmpuint(qmem_virtio_mem_get_size(vmem), ==, 3 * BLK);
    g_assert_cmpuint(qmem_virtio_mem_get_usable_region_size(vmem), ==,
                     768 * MiB);

    /* A reset unplugs all and shrinks the usable region. */
    qmem_virtio_mem_system_reset(vmem, FALSE);
    g_assert_cmpuint(qmem_virtio_mem_get_size(vmem), ==, 0);
    g_assert_cmpuint(qmem_virtio_mem_get_usable_region_size(vmem), ==,
                     320 * MiB);
    g_assert_true(qmem_virtio_mem_is_range_unplugged(vmem, ADDR, GiB));
    g_assert_cmpuint(f->size_changes, ==, 2);
    g_assert_cmpuint(f->last_size, ==, 0);
    /* Nothing plugged: no notification. */
    qmem_virtio_mem_system_reset(vmem, FALSE);
    g_assert_cmpuint(f->size_changes, ==, 2);
}

int main(int argc, char **argv)
{
    test_init(&argc, &argv);

    ADD_TABLE("request", request_cases, test_request);
    ADD_TABLE("queue/request", request_cases, test_request_queue);
    ADD("/hw/virtio/virtio-mem/request/padding", NULL, test_request_padding);
    ADD_TABLE("memslots/decide", decide_cases, test_decide_memslots);
    ADD("/hw/virtio/virtio-mem/memslots/activation", NULL,
        test_memslot_activation);
    ADD("/hw/virtio/virtio-mem/memslots/unrealize", NULL,
        test_memslot_unrealize);
    ADD_TABLE("discard", discard_cases, test_discard);
    ADD("/hw/virtio/virtio-mem/prealloc/plug", NULL, test_prealloc);
    ADD("/hw/virtio/virtio-mem/prealloc/fails", NULL, test_prealloc_fails);
    ADD("/hw/virtio/virtio-mem/discard/fails", NULL,
        test_unplug_discard_fails);
    ADD("/hw/virtio/virtio-mem/busy", NULL, test_busy);
    ADD("/hw/virtio/virtio-mem/reset", NULL, test_reset);
    return g_test_run();
}
