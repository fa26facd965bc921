/* SPDX-License-Identifier: GPL-2.0-or-later */
/* virtio-mem-pci through qmem-run: qtest, QMP, and a plug/unplug soak. */

#include <inttypes.h>
#include <string.h>

#include "libqtest.h"
#include "qobject/json.h"

#define MiB (G_GUINT64_CONSTANT(1) << 20)
#define GiB (G_GUINT64_CONSTANT(1) << 30)
#define BLK (2 * MiB)

/* pc with -m 1G: device memory starts at 4 GiB. */
#define BASE (4 * GiB)

#define BASE_ARGS "-accel qtest -nodefaults -display none -S"

/*
 * Whether guest-physical @addr is mapped: unassigned memory reads 0 and
 * drops writes, as in QEMU, so a mapped word is one that keeps a value.
 * The word is left as it was.
 */
static gboolean is_mapped(QTestState *qts, guint64 addr)
{
    guint64 old = qtest_readq(qts, addr);
    gboolean mapped;

    qtest_writeq(qts, addr, ~old);
    mapped = qtest_readq(qts, addr) == ~old;
    qtest_writeq(qts, addr, old);
    return mapped;
}

static char *response_text(JsonObject *rsp)
{
    g_autoptr(JsonNode) node = json_node_new(JSON_NODE_OBJECT);

    json_node_set_object(node, rsp);
    return qmem_json_to_string(node);
}

/* Sends a QMP command and compares the whole reply. */
static void assert_qmp(QTestState *qts, const char *expected,
                       const char *command)
{
    g_autoptr(JsonObject) rsp = qtest_qmp(qts, "%s", command);
    g_autofree char *text = response_text(rsp);

    g_assert_cmpstr(text, ==, expected);
}

static char *event_text(JsonObject *ev)
{
    g_autoptr(JsonNode) data = json_node_new(JSON_NODE_OBJECT);

    json_node_set_object(data, json_object_get_object_member(ev, "data"));
    return qmem_json_to_string(data);
}

#define ASSERT_QTEST(qts, expected, ...) \
    do { \
        g_autofree char *reply_ = qtest_raw_command(qts, __VA_ARGS__); \
        g_assert_cmpstr(reply_, ==, expected); \
    } while (0)

/* ------------------------------------------------------------------ */
/* The command line */

typedef struct {
    const char *name;
    const char *args;
    const char *err;
} CmdlineCase;

#define M8 "-m 1G,maxmem=8G -object memory-backend-ram,id=m0,size=1G "

static const CmdlineCase cmdline_cases[] = {
    { "block-size-power-of-2", M8 "-device virtio-mem-pci,memdev=m0,"
      "block-size=3M", "qmem-run: -device virtio-mem-pci,memdev=m0,"
      "block-size=3M: 'block-size' property has to be a power of two\n" },
    { "block-size-min", M8 "-device virtio-mem-pci,memdev=m0,block-size=4k",
      "qmem-run: -device virtio-mem-pci,memdev=m0,block-size=4k: "
      "'block-size' property has to be at least 0x100000\n" },
    { "requested-size", M8 "-device virtio-mem-pci,memdev=m0,"
      "requested-size=1M", "qmem-run: -device virtio-mem-pci,memdev=m0,"
      "requested-size=1M: 'requested-size' property has to be multiples of "
      "'block-size' (0x200000)\n" },
    { "no-memdev", M8 "-device virtio-mem-pci", "qmem-run: -device "
      "virtio-mem-pci: 'memdev' property must be set\n" },
    { "no-maxmem", "-m 1G -object memory-backend-ram,id=m0,size=1G "
      "-device virtio-mem-pci,memdev=m0", "qmem-run: -device "
      "virtio-mem-pci,memdev=m0: the configuration is not prepared for "
      "memory devices (e.g., for memory hotplug), consider specifying the "
      "maxmem option\n" },
    { "busy", M8 "-device virtio-mem-pci,memdev=m0 "
      "-device virtio-mem-pci,memdev=m0", "qmem-run: -device "
      "virtio-mem-pci,memdev=m0: 'memdev' property specifies a busy memdev: "
      "m0\n" },
    { "prealloc-memdev", "-m 1G,maxmem=8G -object memory-backend-ram,id=m0,"
      "size=4M,prealloc=on -device virtio-mem-pci,memdev=m0", "qmem-run: "
      "-device virtio-mem-pci,memdev=m0: 'memdev' property specifies a "
      "memdev with preallocation enabled: m0. Instead, specify "
      "'prealloc=on' for the virtio-mem device. \n" },
    { "node", M8 "-device virtio-mem-pci,memdev=m0,node=1", "qmem-run: "
      "-device virtio-mem-pci,memdev=m0,node=1: 'node' property has value "
      "'1', which exceedsthe number of numa nodes: 1\n" },
    { "numa-node", "-m 2G,maxmem=8G -smp 2 -object memory-backend-ram,"
      "id=r0,size=1G -object memory-backend-ram,id=r1,size=1G -numa node,"
      "memdev=r0 -numa node,memdev=r1 -object memory-backend-ram,id=m0,"
      "size=1G -device virtio-mem-pci,memdev=m0,node=2", "qmem-run: -device "
      "virtio-mem-pci,memdev=m0,node=2: 'node' property has value '2', "
      "which exceedsthe number of numa nodes: 2\n" },
    { "dynamic-memslots", M8 "-device virtio-mem-pci,memdev=m0,"
      "dynamic-memslots=on,unplugged-inaccessible=auto", "qmem-run: -device "
      "virtio-mem-pci,memdev=m0,dynamic-memslots=on,"
      "unplugged-inaccessible=auto: 'dynamic-memslots' property set to 'on' "
      "requires 'unplugged-inaccessible' to be 'on'\n" },
    { "unplugged-inaccessible-value", M8 "-device virtio-mem-pci,memdev=m0,"
      "unplugged-inaccessible=maybe", "qmem-run: -device virtio-mem-pci,"
      "memdev=m0,unplugged-inaccessible=maybe: Parameter "
      "'unplugged-inaccessible' does not accept value 'maybe'\n" },
    { "size", M8 "-device virtio-mem-pci,memdev=m0,size=1G", "qmem-run: "
      "-device virtio-mem-pci,memdev=m0,size=1G: Property 'virtio-mem.size' "
      "is not writable\n" },
};

static void test_cmdline(gconstpointer data)
{
    const CmdlineCase *c = data;
    g_autofree char *args = g_strdup_printf(BASE_ARGS " %s", c->args);
    g_autofree char *out = NULL, *err = NULL;
    int status;

    qtest_run_cmdline(args, &out, &err, &status);
    g_assert_cmpstr(err, ==, c->err);
    g_assert_cmpstr(out, ==, "");
    g_assert_cmpint(status, ==, 1);
}

static void test_cmdline_warning(void)
{
    QTestState *qts = qtest_init(M8 "-device virtio-mem-pci,id=vm,"
                                 "memdev=m0,block-size=1M");

    /* It runs, with QEMU's warning (checked by hand: stderr is ours). */
    assert_qmp(qts, "{\"return\": 1048576}",
               "{'execute': 'qom-get', 'arguments': {'path': 'vm', "
               "'property': 'block-size'}}");
    qtest_quit(qts);
}

/* ------------------------------------------------------------------ */
/* qtest and QMP */

/* The device's memory belongs to its node. */
static void test_numa(void)
{
    QTestState *qts = qtest_init("-m 2G,maxmem=8G -smp 2 -object "
                                 "memory-backend-ram,id=r0,size=1G -object "
                                 "memory-backend-ram,id=r1,size=1G -numa "
                                 "node,memdev=r0 -numa node,memdev=r1 "
                                 "-object memory-backend-ram,id=m0,size=1G "
                                 "-device virtio-mem-pci,id=vm,memdev=m0,"
                                 "node=1,requested-size=64M -qtest");
    g_autofree char *info = NULL;

    ASSERT_QTEST(qts, "OK ack", "virtio-mem-request vm plug 0x%" PRIx64 " 4",
                 BASE);
    info = qtest_hmp(qts, "info numa");
    /* Node 1 has its 1 GiB of RAM and the 8 MiB plugged. */
    g_assert_nonnull(strstr(info, "node 1 size: 1032 MB\r\n"
                                  "node 1 plugged: 8 MB\r\n"));
    qtest_quit(qts);
}

/* Without dynamic memslots the backend is mapped whole. */
static void test_static(void)
{
    QTestState *qts = qtest_init(M8 "-device virtio-mem-pci,id=vm,memdev=m0,"
                                 "requested-size=8M -qtest");

    /* Mapped, but unplugged memory reads as zero (discarded). */
    g_assert_cmphex(qtest_readq(qts, BASE), ==, 0);
    ASSERT_QTEST(qts, "OK ack", "virtio-mem-request vm plug 0x%" PRIx64 " 2",
                 BASE + BLK);
    qtest_writeq(qts, BASE + BLK, 0x0123456789abcdefULL);
    qtest_writeq(qts, BASE + 3 * BLK - 8, 0xfedcba9876543210ULL);
    g_assert_cmphex(qtest_readq(qts, BASE + BLK), ==, 0x0123456789abcdefULL);
    ASSERT_QTEST(qts, "OK ack mixed", "virtio-mem-request vm state "
                 "0x%" PRIx64 " 3", BASE);
    ASSERT_QTEST(qts, "OK ack", "virtio-mem-request vm unplug 0x%" PRIx64
                 " 1", BASE + BLK);
    g_assert_cmphex(qtest_readq(qts, BASE + BLK), ==, 0);
    g_assert_cmphex(qtest_readq(qts, BASE + 3 * BLK - 8), ==,
                    0xfedcba9876543210ULL);
    assert_qmp(qts, "{\"return\": {\"base-memory\": 1073741824, "
               "\"plugged-memory\": 2097152}}",
               "{'execute': 'query-memory-size-summary'}");
    ASSERT_QTEST(qts, "OK nack", "virtio-mem-request vm plug 0x%" PRIx64
                 " 4", BASE);
    ASSERT_QTEST(qts, "OK ack", "virtio-mem-request vm unplug-all");
    g_assert_cmphex(qtest_readq(qts, BASE + 3 * BLK - 8), ==, 0);
    qtest_quit(qts);
}

/* With dynamic memslots an unplugged memslot is not mapped at all. */
static void test_dynamic(void)
{
    QTestState *qts = qtest_init("-m 1G,maxmem=9G -object memory-backend-ram,"
                                 "id=m0,size=8G,reserve=off -device "
                                 "virtio-mem-pci,id=vm,memdev=m0,"
                                 "dynamic-memslots=on,requested-size=8G "
                                 "-qtest");
    g_autofree char *mtree = NULL;

    g_assert_false(is_mapped(qts, BASE));
    ASSERT_QTEST(qts, "OK ack", "virtio-mem-request vm plug 0x%" PRIx64 " 1",
                 BASE + 3 * GiB + 5 * BLK);
    /* Memslot 3 is mapped, unplugged blocks too; the others are not. */
    g_assert_cmphex(qtest_readq(qts, BASE + 3 * GiB), ==, 0);
    g_assert_true(is_mapped(qts, BASE + 3 * GiB));
    g_assert_false(is_mapped(qts, BASE + 4 * GiB));
    g_assert_false(is_mapped(qts, BASE + 3 * GiB - 8));
    mtree = qtest_hmp(qts, "info mtree");
    g_assert_nonnull(strstr(mtree, "      0000000100000000-00000002ffffffff "
                                   "(prio 0, i/o): virtio-mem\r\n        "
                                   "00000001c0000000-00000001ffffffff "
                                   "(prio 0, ram): alias memslot-3 @m0 "
                                   "00000000c0000000-00000000ffffffff\r\n"));
    ASSERT_QTEST(qts, "OK ack", "virtio-mem-request vm unplug 0x%" PRIx64
                 " 1", BASE + 3 * GiB + 5 * BLK);
    g_assert_false(is_mapped(qts, BASE + 3 * GiB));
    qtest_quit(qts);
}

static void test_qmp(void)
{
    QTestState *qts = qtest_init(M8 "-device virtio-mem-pci,id=vm,memdev=m0,"
                                 "requested-size=1G");
    g_autoptr(JsonObject) ev = NULL;
    g_autofree char *text = NULL, *info = NULL;

    assert_qmp(qts, "{\"return\": {\"response\": \"ack\"}}",
               "{'execute': 'x-virtio-mem-request', 'arguments': "
               "{'qom-path': 'vm', 'type': 'plug', 'addr': 4294967296, "
               "'nb-blocks': 3}}");
    ev = qtest_qmp_eventwait_ref(qts, "MEMORY_DEVICE_SIZE_CHANGE");
    text = event_text(ev);
    g_assert_cmpstr(text, ==, "{\"size\": 6291456, \"qom-path\": "
                    "\"/machine/peripheral/vm\", \"id\": \"vm\"}");
    assert_qmp(qts, "{\"return\": {\"response\": \"ack\", \"state\": "
               "\"plugged\"}}", "{'execute': 'x-virtio-mem-request', "
               "'arguments': {'qom-path': '/machine/peripheral/vm', "
               "'type': 'state', 'addr': 4294967296, 'nb-blocks': 3}}");
    assert_qmp(qts, "{\"return\": [{\"type\": \"virtio-mem\", \"data\": "
               "{\"memdev\": \"/objects/m0\", \"memaddr\": 4294967296, "
               "\"block-size\": 2097152, \"size\": 6291456, \"node\": 0, "
               "\"max-size\": 1073741824, \"requested-size\": 1073741824, "
               "\"id\": \"vm\"}}]}", "{'execute': 'query-memory-devices'}");
    info = qtest_hmp(qts, "info memory-devices");
    g_assert_cmpstr(info, ==, "Memory device [virtio-mem]: \"vm\"\r\n"
                    "  memaddr: 0x100000000\r\n  node: 0\r\n"
                    "  requested-size: 1073741824\r\n  size: 6291456\r\n"
                    "  max-size: 1073741824\r\n  block-size: 2097152\r\n"
                    "  memdev: /objects/m0\r\n");

    /* qom-set requested-size, QEMU 7.2's replies. */
    qtest_qmp_expect_error(qts, "GenericError", "'requested-size' has to be "
                           "multiples of 'block-size' (0x200000)",
                           "{'execute': 'qom-set', 'arguments': {'path': "
                           "'vm', 'property': 'requested-size', "
                           "'value': 3}}");
    qtest_qmp_expect_error(qts, "GenericError", "'requested-size' cannot "
                           "exceed the memory backend size(0x40000000)",
                           "{'execute': 'qom-set', 'arguments': {'path': "
                           "'vm', 'property': 'requested-size', "
                           "'value': 2147483648}}");
    qtest_qmp_expect_error(qts, "GenericError", "'block-size' cannot be "
                           "changed", "{'execute': 'qom-set', 'arguments': "
                           "{'path': 'vm', 'property': 'block-size', "
                           "'value': 4194304}}");
    qtest_qmp_expect_error(qts, "GenericError", "Attempt to set property "
                           "'memaddr' on anonymous device (type "
                           "'virtio-mem') after it was realized",
                           "{'execute': 'qom-set', 'arguments': {'path': "
                           "'vm', 'property': 'memaddr', 'value': 0}}");
    /* The device behind the proxy is its child, as in QEMU. */
    assert_qmp(qts, "{\"return\": \"virtio-mem\"}",
               "{'execute': 'qom-get', 'arguments': {'path': "
               "'/machine/peripheral/vm/virtio-backend', 'property': "
               "'type'}}");
    assert_qmp(qts, "{\"return\": 1073741824}",
               "{'execute': 'qom-get', 'arguments': {'path': "
               "'/machine/peripheral/vm/virtio-backend', 'property': "
               "'requested-size'}}");

    /* device_del only when empty. */
    qtest_qmp_expect_error(qts, "GenericError", "virtio-mem device cannot "
                           "get unplugged while some of its memory is still "
                           "plugged", "{'execute': 'device_del', "
                           "'arguments': {'id': 'vm'}}");
    assert_qmp(qts, "{\"return\": {\"response\": \"ack\"}}",
               "{'execute': 'x-virtio-mem-request', 'arguments': "
               "{'qom-path': 'vm', 'type': 'unplug-all'}}");
    qtest_qmp_expect_error(qts, "GenericError", "virtio-mem device cannot "
                           "get unplugged while 'requested-size' != '0'",
                           "{'execute': 'device_del', 'arguments': "
                           "{'id': 'vm'}}");
    qtest_qmp_assert_success(qts, "{'execute': 'qom-set', 'arguments': "
                             "{'path': 'vm', 'property': 'requested-size', "
                             "'value': 0}}");
    qtest_qmp_assert_success(qts, "{'execute': 'device_del', 'arguments': "
                             "{'id': 'vm'}}");
    qtest_qmp_eventwait(qts, "DEVICE_DELETED");
    assert_qmp(qts, "{\"return\": []}", "{'execute': 'query-memory-devices'}");
    /* The backend can be used again. */
    qtest_qmp_assert_success(qts, "{'execute': 'device_add', 'arguments': "
                             "{'driver': 'virtio-mem-pci', 'id': 'vm2', "
                             "'memdev': 'm0', 'requested-size': 67108864}}");
    qtest_quit(qts);
}

/* QEMU's rate limit of MEMORY_DEVICE_SIZE_CHANGE, in real time. */
static void test_event_throttle(void)
{
    QTestState *qts = qtest_init(M8 "-device virtio-mem-pci,id=vm,memdev=m0,"
                                 "requested-size=64M -qtest");
    g_autoptr(JsonObject) ev1 = NULL, ev2 = NULL;
    g_autofree char *t1 = NULL, *t2 = NULL;

    ASSERT_QTEST(qts, "OK ack", "virtio-mem-request vm plug 0x%" PRIx64 " 1",
                 BASE);
    ev1 = qtest_qmp_eventwait_ref(qts, "MEMORY_DEVICE_SIZE_CHANGE");
    t1 = event_text(ev1);
    g_assert_cmpstr(t1, ==, "{\"size\": 2097152, \"qom-path\": "
                    "\"/machine/peripheral/vm\", \"id\": \"vm\"}");
    ASSERT_QTEST(qts, "OK ack", "virtio-mem-request vm plug 0x%" PRIx64 " 3",
                 BASE + BLK);
    ASSERT_QTEST(qts, "OK ack", "virtio-mem-request vm unplug 0x%" PRIx64
                 " 1", BASE);
    /* QEMU's one second, on the virtual clock under qtest. */
    ASSERT_QTEST(qts, "OK 999999999", "clock_step 999999999");
    g_assert_null(qtest_qmp_event_ref(qts, "MEMORY_DEVICE_SIZE_CHANGE"));
    ASSERT_QTEST(qts, "OK 1000000000", "clock_step 1");
    ev2 = qtest_qmp_eventwait_ref(qts, "MEMORY_DEVICE_SIZE_CHANGE");
    t2 = event_text(ev2);
    g_assert_cmpstr(t2, ==, "{\"size\": 6291456, \"qom-path\": "
                    "\"/machine/peripheral/vm\", \"id\": \"vm\"}");
    qtest_quit(qts);
}

/* ------------------------------------------------------------------ */
/*
 * The soak: random requests against a model of the device, on the qtest
 * accelerator.  On KVM, tests/kvm/soak-kvm.c plays the same requests on
 * hot-plugged devices, among the machine's other memory operations, and
 * checks them with the guest's memory tests.
 */

typedef struct {
    QTestState *qts;
    GRand *rand;
    guint64 seed;
    guint64 region;
    guint64 requested;
    guint64 usable;
    guint64 memslot;
    guint nb_memslots;
    guint64 nb_blocks;
    guint8 *plugged;            /* the model: one byte per block */
    guint64 size;
    guint64 cap;                /* most bytes the soak keeps plugged */
    guint64 *touched;           /* blocks whose state changed this step */
    guint n_touched;
    GHashTable *answers;        /* "plug ack" -> count, for the log */
    guint64 peak_size;
    guint peak_memslots;
} Soak;

/* What qtest writes into each plugged block, at both ends. */
static guint64 signature(guint64 addr)
{
    return (addr ^ G_GUINT64_CONSTANT(0x5deece66d)) *
           G_GUINT64_CONSTANT(0x9e3779b97f4a7c15) | 1;
}

static const char *const type_names[] = {
    "plug", "unplug", "unplug-all", "state"
};

/* Sends a request; returns the answer as qtest prints it. */
static char *soak_request(Soak *s, int type, guint64 addr, guint64 nb)
{
    g_autofree char *reply = qtest_raw_command(
        s->qts, "virtio-mem-request vm %s 0x%" PRIx64 " %" PRIu64,
        type_names[type], addr, nb);

    g_assert_true(g_str_has_prefix(reply, "OK "));
    return g_strdup(reply + 3);
}

/* The device's answer, computed from the model, which it updates. */
static char *soak_expect(Soak *s, int type, guint64 addr, guint64 nb)
{
    guint64 size = nb * BLK, first, n_plugged = 0;

    if (type == 2) {
        memset(s->plugged, 0, s->nb_blocks);
        s->size = 0;
        s->usable = s->requested ?
                    MIN(s->region, s->requested + 256 * MiB) : 0;
        return g_strdup("ack");
    }
    if (addr % BLK || !size || addr + size < addr || addr < BASE ||
        addr >= BASE + s->usable || addr + size > BASE + s->usable) {
        return g_strdup("error");
    }
    first = (addr - BASE) / BLK;
    for (guint64 i = first; i < first + nb; i++) {
        n_plugged += s->plugged[i];
    }
    if (type == 3) {
        return g_strdup(n_plugged == nb ? "ack plugged" :
                        n_plugged ? "ack mixed" : "ack unplugged");
    }
    if (type == 0 && s->size + size > s->requested) {
        return g_strdup("nack");
    }
    if ((type == 0 && n_plugged) || (type == 1 && n_plugged != nb)) {
        return g_strdup("error");
    }
    for (guint64 i = first; i < first + nb; i++) {
        s->plugged[i] = type == 0;
        s->touched[s->n_touched++] = i;
    }
    s->size = type == 0 ? s->size + size : s->size - size;
    return g_strdup("ack");
}

/* A memslot is mapped iff a block in it is plugged. */
static gboolean memslot_active(Soak *s, guint idx)
{
    guint64 per = s->memslot / BLK;

    for (guint64 b = idx * per; b < MIN((idx + 1) * per, s->nb_blocks);
         b++) {
        if (s->plugged[b]) {
            return TRUE;
        }
    }
    return FALSE;
}

/* Newly plugged blocks get their contents, at both ends. */
static void soak_fill(Soak *s)
{
    for (guint i = 0; i < s->n_touched; i++) {
        guint64 b = s->touched[i], addr = BASE + b * BLK;

        if (s->plugged[b]) {
            qtest_writeq(s->qts, addr, signature(addr));
            qtest_writeq(s->qts, addr + BLK - 8, signature(addr + BLK - 8));
        }
    }
}

/* No plugged byte changed, no unplugged memslot is mapped. */
static void soak_check(Soak *s)
{
    for (guint64 b = 0; b < s->nb_blocks; b++) {
        guint64 addr = BASE + b * BLK;

        if (s->plugged[b]) {
            g_assert_cmphex(qtest_readq(s->qts, addr), ==, signature(addr));
            g_assert_cmphex(qtest_readq(s->qts, addr + BLK - 8), ==,
                            signature(addr + BLK - 8));
        }
    }
    for (guint i = 0, active = 0; i < s->nb_memslots; i++) {
        guint64 addr = BASE + i * s->memslot;

        if (memslot_active(s, i)) {
            active++;
            s->peak_memslots = MAX(s->peak_memslots, active);
            continue;
        }
        g_assert_false(is_mapped(s->qts, addr));
        g_assert_false(is_mapped(s->qts, addr + s->memslot - 8));
    }
    /* Blocks unplugged now are discarded (or gone with their memslot). */
    for (guint i = 0; i < s->n_touched; i++) {
        guint64 b = s->touched[i], addr = BASE + b * BLK;

        if (!s->plugged[b]) {
            g_assert_cmphex(qtest_readq(s->qts, addr), ==, 0);
        }
    }
}

static void soak_set_requested(Soak *s, guint64 value)
{
    qtest_qmp_assert_success(s->qts, "{'execute': 'qom-set', 'arguments': "
                             "{'path': 'vm', 'property': 'requested-size', "
                             "'value': %" PRIu64 "}}", value);
    /* Grows only; shrinks wait for UNPLUG_ALL. */
    s->usable = MAX(s->usable, value ?
                    MIN(s->region, value + 256 * MiB) : 0);
    s->requested = value;
}

static void soak_run(Soak *s, guint steps)
{
    const guint64 per_slot = s->memslot / BLK;

    for (guint step = 0; step < steps; step++) {
        guint r = g_rand_int_range(s->rand, 0, 100);
        guint64 nb = g_rand_int_range(s->rand, 1, 9), addr;
        g_autofree char *got = NULL, *want = NULL;
        int type;

        /* Near a memslot boundary half of the time. */
        guint slot = g_rand_int_range(s->rand, 0, s->nb_memslots);
        guint64 block = slot * per_slot +
            (g_rand_boolean(s->rand) ?
             (guint64)g_rand_int_range(s->rand, 0, 4) :
             per_slot - g_rand_int_range(s->rand, 1, 5));

        block = MIN(block, s->nb_blocks - 1);
        addr = BASE + block * BLK;
        s->n_touched = 0;
        if (r < 2) {
            type = 2;
        } else if (r < 5) {
            /* Down to what is plugged (PLUG gets NACK), or back up. */
            soak_set_requested(s, r == 2 ? s->size : s->region);
            continue;
        } else if (r < 55 && s->size + nb * BLK <= s->cap) {
            type = 0;
        } else if (r < 85) {
            type = 1;
        } else if (r < 93) {
            type = 3;
        } else {
            /* The guest is not to be trusted. */
            static const gint64 junk[] = { 4096, MiB, -(gint64)BLK };

            type = g_rand_int_range(s->rand, 0, 4);
            addr += junk[g_rand_int_range(s->rand, 0, G_N_ELEMENTS(junk))];
        }
        if (type == 1 && g_rand_boolean(s->rand)) {
            /* Unplug something that is plugged. */
            for (guint64 b = 0; b < s->nb_blocks; b++) {
                guint64 i = (block + b) % s->nb_blocks;

                if (s->plugged[i]) {
                    addr = BASE + i * BLK;
                    nb = 1;
                    while (nb < 8 && i + nb < s->nb_blocks &&
                           s->plugged[i + nb]) {
                        nb++;
                    }
                    break;
                }
            }
        }
        want = soak_expect(s, type, addr, nb);
        got = soak_request(s, type, addr, nb);
        if (strcmp(got, want)) {
            g_error("seed %" PRIu64 " step %u: %s 0x%" PRIx64 " %" PRIu64
                    ": got '%s', expected '%s'", s->seed, step,
                    type_names[type], addr, nb, got, want);
        }
        {
            char *key = g_strdup_printf("%s %s", type_names[type], got);

            g_hash_table_insert(s->answers, key, GUINT_TO_POINTER(
                GPOINTER_TO_UINT(g_hash_table_lookup(s->answers, key)) + 1));
        }
        s->peak_size = MAX(s->peak_size, s->size);
        soak_fill(s);
        soak_check(s);
    }
}

static guint64 soak_seed(void)
{
    const char *env = g_getenv("QMEM_SOAK_SEED");

    return env ? g_ascii_strtoull(env, NULL, 0) : 1;
}

/*
 * 8 GiB in 8 memslots of 1 GiB, the plugged part kept small; every
 * answer checked against the model, and after every step the plugged
 * memory and the memslot mapping.
 */
static void soak(guint steps, guint64 cap)
{
    Soak s = {
        .seed = soak_seed(),
        .region = 8 * GiB,
        .requested = 8 * GiB,
        .usable = 8 * GiB,
        .memslot = GiB,
        .nb_memslots = 8,
        .nb_blocks = 8 * GiB / BLK,
        .cap = cap,
    };
    g_autofree char *mtree = NULL;

    g_test_message("seed %" PRIu64 " (QMEM_SOAK_SEED)", s.seed);
    s.rand = g_rand_new_with_seed(s.seed);
    s.plugged = g_malloc0(s.nb_blocks);
    s.touched = g_new(guint64, 16);
    s.answers = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    s.qts = qtest_init("-m 1G,maxmem=9G -object memory-backend-ram,"
                       "id=m0,size=8G,reserve=off -device virtio-mem-pci,"
                       "id=vm,memdev=m0,dynamic-memslots=on,"
                       "requested-size=8G -qtest");
    soak_check(&s);
    soak_run(&s, steps);
    {
        g_autoptr(GList) keys = g_hash_table_get_keys(s.answers);
        g_autoptr(GString) log = g_string_new(NULL);

        keys = g_list_sort(keys, (GCompareFunc)strcmp);
        for (GList *k = keys; k; k = k->next) {
            g_string_append_printf(log, "%s%s: %u", log->len ? ", " : "",
                                   (char *)k->data, GPOINTER_TO_UINT(
                                       g_hash_table_lookup(s.answers,
                                                           k->data)));
        }
        g_test_message("%u steps: %s; peak %" PRIu64 " MiB plugged in %u "
                       "memslots", steps, log->str, s.peak_size / MiB,
                       s.peak_memslots);
        /* A soak that never plugged or refused anything proves little. */
        g_assert_true(g_hash_table_contains(s.answers, "plug ack"));
        g_assert_true(g_hash_table_contains(s.answers, "unplug ack"));
        g_assert_cmpuint(s.peak_memslots, >=, 3);
    }

    /* In the end the device empties and goes. */
    g_free(soak_request(&s, 2, 0, 0));
    g_free(soak_expect(&s, 2, 0, 0));
    soak_check(&s);
    mtree = qtest_hmp(s.qts, "info mtree");
    g_assert_null(strstr(mtree, "memslot-"));
    soak_set_requested(&s, 0);
    qtest_qmp_assert_success(s.qts, "{'execute': 'device_del', "
                             "'arguments': {'id': 'vm'}}");
    qtest_quit(s.qts);
    g_hash_table_unref(s.answers);
    g_free(s.touched);
    g_free(s.plugged);
    g_rand_free(s.rand);
}

static void test_soak_qtest(void)
{
    soak(600, 256 * MiB);
}

int main(int argc, char **argv)
{
    char name[128];

    g_test_init(&argc, &argv, NULL);
    for (guint i = 0; i < G_N_ELEMENTS(cmdline_cases); i++) {
        g_snprintf(name, sizeof(name), "/virtio-mem/cmdline/%s",
                   cmdline_cases[i].name);
        g_test_add_data_func(name, &cmdline_cases[i], test_cmdline);
    }
    g_test_add_func("/virtio-mem/cmdline/warning", test_cmdline_warning);
    g_test_add_func("/virtio-mem/qtest/static", test_static);
    g_test_add_func("/virtio-mem/qtest/numa", test_numa);
    g_test_add_func("/virtio-mem/qtest/dynamic-memslots", test_dynamic);
    g_test_add_func("/virtio-mem/qmp", test_qmp);
    g_test_add_func("/virtio-mem/qmp/event-throttle", test_event_throttle);
    g_test_add_func("/virtio-mem/soak/qtest", test_soak_qtest);
    return g_test_run();
}
