/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Memory devices at scale through qmem-run: accounting and layout. */

#include <inttypes.h>
#include <string.h>
#include <sys/mman.h>

#include "libqtest.h"
#include "scale-cases.h"

#define MiB (G_GUINT64_CONSTANT(1) << 20)
#define GiB (G_GUINT64_CONSTANT(1) << 30)
#define TiB (G_GUINT64_CONSTANT(1) << 40)
#define BLK (2 * MiB)

/* pc with -m 1G: device memory starts at 4 GiB. */
#define BASE (4 * GiB)
#define N_DIMMS 256
#define DIMM (128 * MiB)
#define N_VMEM 32

#define COMMON "-M pc -nodefaults -display none -S"

/* The "return" of @cmd, which must succeed; an object. */
static JsonObject *qmp_ret(QTestState *qts, const char *cmd)
{
    JsonNode *ret = qtest_qmp_assert_success_ref(qts, "%s", cmd);
    JsonObject *obj = json_object_ref(json_node_get_object(ret));

    json_node_unref(ret);
    return obj;
}

static gint64 member(JsonObject *obj, const char *name)
{
    g_assert_true(json_object_has_member(obj, name));
    return json_object_get_int_member(obj, name);
}

/* x-query-device-memory's accounts, as one comparable line. */
static char *accounts(QTestState *qts)
{
    g_autoptr(JsonObject) dm = qmp_ret(qts,
                                       "{'execute': 'x-query-device-memory'}");

    return g_strdup_printf("region 0x%" PRIx64 " required %" PRId64
                           " used %" PRId64 " reserved %" PRId64
                           " auto %" PRId64,
                           (guint64)member(dm, "used-region-size"),
                           member(dm, "required-memslots"),
                           member(dm, "used-memslots"),
                           member(dm, "reserved-memslots"),
                           member(dm, "memslot-auto-decision-active"));
}

static void assert_accounts(QTestState *qts, const char *expected)
{
    g_autofree char *text = accounts(qts);

    g_assert_cmpstr(text, ==, expected);
}

/* The accelerator's memslots in use (x-query-memslots), and its limit. */
static gint64 memslots_used(QTestState *qts, gint64 *max)
{
    g_autoptr(JsonObject) r = qmp_ret(qts, "{'execute': 'x-query-memslots'}");

    if (max) {
        *max = member(r, "max");
    }
    g_assert_cmpint(member(r, "used") + member(r, "free"), ==,
                    member(r, "max"));
    return member(r, "used");
}

/* What the machine itself maps (boot RAM, ROM), with @accel and @mem. */
static gint64 boot_memslots(const char *accel, const char *mem)
{
    QTestState *qts = qtest_initf("-accel %s " COMMON " -m %s", accel, mem);
    gint64 used = memslots_used(qts, NULL);

    qtest_quit(qts);
    return used;
}

static JsonArray *memory_devices(QTestState *qts)
{
    JsonNode *ret = qtest_qmp_assert_success_ref(
        qts, "{'execute': 'query-memory-devices'}");
    JsonArray *list = json_array_ref(json_node_get_array(ret));

    json_node_unref(ret);
    return list;
}

static JsonObject *device_data(JsonArray *list, guint i)
{
    return json_object_get_object_member(
        json_array_get_object_element(list, i), "data");
}

/* x-virtio-mem-request @type of one block at @addr of vm@dev. */
static void vmem_request(QTestState *qts, const char *type, guint dev,
                         guint64 addr)
{
    g_autoptr(JsonObject) r = NULL;
    g_autofree char *cmd = g_strdup_printf(
        "{'execute': 'x-virtio-mem-request', 'arguments': {'qom-path': "
        "'vm%u', 'type': '%s', 'addr': %" PRIu64 ", 'nb-blocks': 1}}", dev,
        type, addr);

    r = qmp_ret(qts, cmd);
    g_assert_cmpstr(json_object_get_string_member(r, "response"), ==, "ack");
}

/*
 * The 256 memslots the memory devices share are gone: a virtio-mem device
 * asking for dynamic memslots gets one, mapped when plugged.
 */
static void dimms_then_vmem(QTestState *qts, gint64 boot)
{
    g_autoptr(JsonArray) list = NULL;
    g_autofree char *expected = NULL;

    qtest_qmp_assert_success(qts, "{'execute': 'object-add', 'arguments': "
                             "{'qom-type': 'memory-backend-ram', 'id': "
                             "'v0', 'size': 4294967296, 'reserve': false}}");
    qtest_qmp_assert_success(qts, "{'execute': 'device_add', 'arguments': "
                             "{'driver': 'virtio-mem-pci', 'id': 'vm0', "
                             "'memdev': 'v0', 'dynamic-memslots': true, "
                             "'requested-size': 4294967296}}");
    expected = g_strdup_printf("region 0x%" PRIx64 " required 257 used 256 "
                               "reserved 1 auto 0",
                               N_DIMMS * DIMM + 4 * GiB);
    assert_accounts(qts, expected);
    list = memory_devices(qts);
    g_assert_cmphex(member(device_data(list, N_DIMMS), "memaddr"), ==,
                    BASE + N_DIMMS * DIMM);
    vmem_request(qts, "plug", 0, BASE + N_DIMMS * DIMM + 4 * GiB - BLK);
    g_free(expected);
    expected = g_strdup_printf("region 0x%" PRIx64 " required 257 used 257 "
                               "reserved 0 auto 0",
                               N_DIMMS * DIMM + 4 * GiB);
    assert_accounts(qts, expected);
    g_assert_cmpint(memslots_used(qts, NULL), ==, boot + N_DIMMS + 1);
}

/* ------------------------------------------------------------------ */

void scale_case_dimms(const char *accel)
{
    const char *mem = "1G,slots=256,maxmem=37G";
    g_autoptr(GString) args = g_string_new(NULL);
    g_autoptr(JsonArray) list = NULL;
    g_autofree char *expected = NULL;
    gint64 boot = boot_memslots(accel, mem), max;
    QTestState *qts;

    g_string_printf(args, "-accel %s " COMMON " -m %s", accel, mem);
    for (guint i = 0; i < N_DIMMS; i++) {
        g_string_append_printf(args, " -object memory-backend-ram,id=m%u,"
                               "size=128M,reserve=off -device pc-dimm,"
                               "id=d%u,memdev=m%u", i, i, i);
    }
    qts = qtest_init(args->str);

    /* One memslot each, all of them mapped. */
    expected = g_strdup_printf("region 0x%" PRIx64 " required 256 used 256 "
                               "reserved 0 auto 0", N_DIMMS * DIMM);
    assert_accounts(qts, expected);
    g_assert_cmpint(memslots_used(qts, &max), ==, boot + N_DIMMS);
    g_assert_cmpint(max - boot - N_DIMMS, >, 0);

    /* Packed from the start of device memory, in slot order. */
    list = memory_devices(qts);
    g_assert_cmpuint(json_array_get_length(list), ==, N_DIMMS);
    for (guint i = 0; i < N_DIMMS; i++) {
        JsonObject *d = device_data(list, i);
        g_autofree char *id = g_strdup_printf("d%u", i);

        g_assert_cmpstr(json_object_get_string_member(
                            json_array_get_object_element(list, i), "type"),
                        ==, "dimm");
        g_assert_cmpstr(json_object_get_string_member(d, "id"), ==, id);
        g_assert_cmphex(member(d, "addr"), ==, BASE + i * DIMM);
        g_assert_cmpint(member(d, "size"), ==, DIMM);
        g_assert_cmpint(member(d, "slot"), ==, i);
    }
    /* The last byte of the last DIMM is RAM, the next one is not. */
    qtest_writeq(qts, BASE + N_DIMMS * DIMM - 8, 0x1122334455667788ULL);
    g_assert_cmphex(qtest_readq(qts, BASE + N_DIMMS * DIMM - 8), ==,
                    0x1122334455667788ULL);
    qtest_writeq(qts, BASE + N_DIMMS * DIMM, 0x1122334455667788ULL);
    g_assert_cmphex(qtest_readq(qts, BASE + N_DIMMS * DIMM), !=,
                    0x1122334455667788ULL);

    /* Every slot taken: QEMU's text. */
    qtest_qmp_assert_success(qts, "{'execute': 'object-add', 'arguments': "
                             "{'qom-type': 'memory-backend-ram', 'id': "
                             "'m256', 'size': 134217728}}");
    qtest_qmp_expect_error(qts, "GenericError", "no free slots available",
                           "{'execute': 'device_add', 'arguments': "
                           "{'driver': 'pc-dimm', 'id': 'd256', "
                           "'memdev': 'm256'}}");
    assert_accounts(qts, expected);

    dimms_then_vmem(qts, boot);
    qtest_quit(qts);
}

/* ------------------------------------------------------------------ */

static void vmem_args(GString *args, guint n, const char *size)
{
    for (guint i = 0; i < n; i++) {
        g_string_append_printf(args, " -object memory-backend-ram,id=v%u,"
                               "size=%s,reserve=off -device virtio-mem-pci,"
                               "id=vm%u,memdev=v%u,dynamic-memslots=on,"
                               "requested-size=%s,addr=%u.%u%s", i, size, i,
                               i, size, 2 + i / 4,
                               i % 4, i % 4 ? "" : ",multifunction=on");
    }
}

void scale_case_vmem_32(const char *accel)
{
    /* Device memory of exactly 32 TiB: 8 memslots per device. */
    const char *mem = "1G,slots=1,maxmem=32769G";
    g_autoptr(GString) args = g_string_new(NULL);
    g_autoptr(JsonArray) list = NULL;
    gint64 boot = boot_memslots(accel, mem);
    const guint64 memslot = TiB / 8;
    QTestState *qts;

    g_string_printf(args, "-accel %s " COMMON " -m %s", accel, mem);
    vmem_args(args, N_VMEM, "1T");
    qts = qtest_init(args->str);

    /* 256 memslots promised, none mapped: nothing plugged. */
    assert_accounts(qts, "region 0x200000000000 required 256 used 0 "
                         "reserved 256 auto 32");
    g_assert_cmpint(memslots_used(qts, NULL), ==, boot);
    list = memory_devices(qts);
    g_assert_cmpuint(json_array_get_length(list), ==, N_VMEM);
    for (guint i = 0; i < N_VMEM; i++) {
        JsonObject *d = device_data(list, i);

        g_assert_cmphex(member(d, "memaddr"), ==, BASE + i * TiB);
        g_assert_cmpint(member(d, "max-size"), ==, TiB);
        g_assert_cmpint(member(d, "size"), ==, 0);
        g_assert_cmpint(member(d, "block-size"), ==, BLK);
    }

    /* A block maps its memslot, and only that one. */
    vmem_request(qts, "plug", 7, BASE + 7 * TiB + 5 * memslot);
    assert_accounts(qts, "region 0x200000000000 required 256 used 1 "
                         "reserved 255 auto 32");
    g_assert_cmpint(memslots_used(qts, NULL), ==, boot + 1);
    qtest_writeq(qts, BASE + 7 * TiB + 6 * memslot - 8, 42);
    g_assert_cmpint(qtest_readq(qts, BASE + 7 * TiB + 6 * memslot - 8), ==,
                    42);
    /* The last block of device memory: the last memslot of the last. */
    vmem_request(qts, "plug", 31, BASE + 32 * TiB - BLK);
    vmem_request(qts, "plug", 31, BASE + 32 * TiB - 2 * BLK);
    assert_accounts(qts, "region 0x200000000000 required 256 used 2 "
                         "reserved 254 auto 32");
    g_assert_cmpint(memslots_used(qts, NULL), ==, boot + 2);
    vmem_request(qts, "unplug", 7, BASE + 7 * TiB + 5 * memslot);
    assert_accounts(qts, "region 0x200000000000 required 256 used 1 "
                         "reserved 255 auto 32");
    g_assert_cmpint(memslots_used(qts, NULL), ==, boot + 1);

    /* Device memory is full: QEMU's text. */
    qtest_qmp_assert_success(qts, "{'execute': 'object-add', 'arguments': "
                             "{'qom-type': 'memory-backend-ram', 'id': "
                             "'m0', 'size': 134217728}}");
    qtest_qmp_expect_error(qts, "GenericError",
                           "not enough space, currently 0x200000000000 in "
                           "use of total space for memory devices "
                           "0x200000000000",
                           "{'execute': 'device_add', 'arguments': "
                           "{'driver': 'pc-dimm', 'id': 'd0', "
                           "'memdev': 'm0'}}");
    qtest_quit(qts);
}

/* ------------------------------------------------------------------ */

/*
 * The largest anonymous mapping this process gets, in whole TiB: user
 * address space (47 bits on x86-64) caps a backend before phys-bits does.
 */
static guint64 largest_mapping(void)
{
    guint64 lo = 0, hi = 256;

    while (lo < hi) {
        guint64 mid = (lo + hi + 1) / 2;
        void *p = mmap(NULL, mid * TiB, PROT_NONE,
                       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

        if (p == MAP_FAILED) {
            hi = mid - 1;
        } else {
            munmap(p, mid * TiB);
            lo = mid;
        }
    }
    return lo * TiB;
}

void scale_case_vmem_max(const char *accel, guint phys_bits)
{
    /* Device memory may end at the last address phys-bits reach. */
    const guint64 limit = phys_bits >= 64 ? G_MAXUINT64
                                          : (G_GUINT64_CONSTANT(1)
                                             << phys_bits) - 1;
    const guint64 by_bits = (limit - BASE + 1) & ~(GiB - 1);
    /* Half of what maps, for qmem-run's own mappings beside it. */
    const guint64 by_host = largest_mapping() / 2 & ~(GiB - 1);
    const guint64 size = MIN(by_bits, by_host);
    g_autofree char *size_text = g_strdup_printf("%" PRIu64, size);
    g_autoptr(GString) args = g_string_new(NULL);
    g_autoptr(JsonArray) list = NULL;
    g_autofree char *expected = NULL;
    g_autofree char *err = NULL;
    QTestState *qts;
    int status;

    g_test_message("phys-bits %u: up to 0x%" PRIx64 " bytes of device "
                   "memory, this host maps 0x%" PRIx64 ": 0x%" PRIx64,
                   phys_bits, by_bits, by_host * 2, size);
    g_assert_cmpuint(size, >=, TiB);

    g_string_printf(args, "-accel %s " COMMON " -m 1G,maxmem=%" PRIu64 "G",
                    accel, 1 + size / GiB);
    vmem_args(args, 1, size_text);
    qts = qtest_init(args->str);

    /* A device that takes all of device memory takes all 256 memslots. */
    expected = g_strdup_printf("region 0x%" PRIx64 " required 256 used 0 "
                               "reserved 256 auto 1", size);
    assert_accounts(qts, expected);
    list = memory_devices(qts);
    g_assert_cmphex(member(device_data(list, 0), "memaddr"), ==, BASE);
    g_assert_cmpint(member(device_data(list, 0), "max-size"), ==, size);
    /* Its last block, in its last memslot, up to the last byte. */
    vmem_request(qts, "plug", 0, BASE + size - BLK);
    g_free(expected);
    expected = g_strdup_printf("region 0x%" PRIx64 " required 256 used 1 "
                               "reserved 255 auto 1", size);
    assert_accounts(qts, expected);
    qtest_writeq(qts, BASE + size - 8, 0x55aa55aa55aa55aaULL);
    g_assert_cmphex(qtest_readq(qts, BASE + size - 8), ==,
                    0x55aa55aa55aa55aaULL);
    qtest_quit(qts);

    /* One GiB more than phys-bits reach: QEMU's start-up error. */
    if (by_bits + GiB > by_bits && phys_bits < 64) {
        g_autofree char *cmdline = g_strdup_printf(
            "-accel %s " COMMON " -m 1G,maxmem=%" PRIu64 "G", accel,
            1 + by_bits / GiB + 1);

        qtest_run_cmdline(cmdline, NULL, &err, &status);
        g_free(expected);
        expected = g_strdup_printf("qmem-run: Address space limit 0x%"
                                   PRIx64 " < 0x%" PRIx64 " phys-bits too "
                                   "low (%u)\n", limit,
                                   BASE + by_bits + GiB - 1, phys_bits);
        g_assert_cmpint(status, ==, 1);
        g_assert_cmpstr(err, ==, expected);
    }
}

/* ------------------------------------------------------------------ */

void scale_case_memslot_limits(void)
{
    /* Device memory of 8 TiB + 32 GiB: an 8 TiB device gets 255. */
    const char *mem = "1G,slots=256,maxmem=8225G";
    const char *accel = "qtest,x-memslots=509";
    g_autoptr(GString) args = g_string_new(NULL);
    gint64 boot = boot_memslots(accel, mem), max;
    g_autofree char *expected = NULL;
    QTestState *qts;
    guint n;

    g_string_printf(args, "-accel %s " COMMON " -m %s", accel, mem);
    vmem_args(args, 1, "8T");
    qts = qtest_init(args->str);
    memslots_used(qts, &max);
    g_assert_cmpint(max, ==, 509);
    assert_accounts(qts, "region 0x80000000000 required 255 used 0 "
                         "reserved 255 auto 1");

    /*
     * DIMMs take the memslots still free but not promised: 509 - boot -
     * 255 reserved; the next one hears QEMU's text.
     */
    for (n = 0;; n++) {
        g_autoptr(JsonObject) rsp = NULL;

        qtest_qmp_assert_success(qts, "{'execute': 'object-add', "
                                 "'arguments': {'qom-type': "
                                 "'memory-backend-ram', 'id': 'm%u', "
                                 "'size': 134217728}}", n);
        rsp = qtest_qmp(qts, "{'execute': 'device_add', 'arguments': "
                        "{'driver': 'pc-dimm', 'id': 'd%u', "
                        "'memdev': 'm%u'}}", n, n);
        if (json_object_has_member(rsp, "error")) {
            JsonObject *e = json_object_get_object_member(rsp, "error");

            g_assert_cmpstr(json_object_get_string_member(e, "desc"), ==,
                            "hypervisor has not enough free memory slots "
                            "left");
            break;
        }
    }
    g_assert_cmpint(n, ==, 509 - boot - 255);
    expected = g_strdup_printf("region 0x%" PRIx64 " required %u used %u "
                               "reserved 255 auto 1",
                               8 * TiB + n * DIMM, 255 + n, n);
    assert_accounts(qts, expected);
    g_assert_cmpint(memslots_used(qts, NULL), ==, boot + n);
    /* Plugging into the device uses what it reserved: no new failure. */
    vmem_request(qts, "plug", 0, BASE + 8 * TiB - BLK);
    g_assert_cmpint(memslots_used(qts, NULL), ==, 509 - 254);
    qtest_quit(qts);

    /* Below 509 memslots overall: one per device, whatever its size. */
    g_string_printf(args, "-accel qtest,x-memslots=508 " COMMON " -m %s", mem);
    vmem_args(args, 1, "8T");
    qts = qtest_init(args->str);
    assert_accounts(qts, "region 0x80000000000 required 1 used 0 "
                         "reserved 1 auto 0");
    qtest_quit(qts);
}
