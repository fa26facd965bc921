/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The HMAT figures in the NUMA state, and the table built from them. */

/*
 * tests/qtest/test-hmat.c compares every message and three tables with
 * QEMU 7.2's; these check what a command line cannot show: the state
 * the options leave, the edges of the node table, the table's sums.
 */

#include <string.h>
#include "hw/acpi/hmat.h"
#include "hw/core/numa.h"
#include "util/error.h"

#define MiB (1ULL << 20)

/* @n nodes, present, the first @with_cpu of them initiators. */
static QmemNumaState *state_new(guint n, guint with_cpu)
{
    QmemNumaState *state = qmem_numa_state_new();

    state->hmat_enabled = TRUE;
    state->num_nodes = n;
    for (guint i = 0; i < n; i++) {
        state->nodes[i].present = TRUE;
        if (i < with_cpu) {
            state->nodes[i].has_cpu = TRUE;
            state->nodes[i].initiator = i;
        }
    }
    return state;
}

static QmemNumaHmatLbOptions latency(guint16 initiator, guint16 target,
                                     guint64 ns)
{
    return (QmemNumaHmatLbOptions){
        .initiator = initiator, .target = target,
        .hierarchy = QMEM_HMAT_LB_MEM_MEMORY,
        .data_type = QMEM_HMAT_LB_DATA_ACCESS_LATENCY,
        .has_latency = TRUE, .latency = ns,
    };
}

static QmemNumaHmatLbOptions bandwidth(guint16 initiator, guint16 target,
                                       guint64 bytes)
{
    return (QmemNumaHmatLbOptions){
        .initiator = initiator, .target = target,
        .hierarchy = QMEM_HMAT_LB_MEM_MEMORY,
        .data_type = QMEM_HMAT_LB_DATA_ACCESS_BANDWIDTH,
        .has_bandwidth = TRUE, .bandwidth = bytes,
    };
}

static void assert_lb_error(QmemNumaState *state,
                            QmemNumaHmatLbOptions lb, const char *message)
{
    g_autoptr(GError) error = NULL;

    g_assert_false(qmem_numa_parse_hmat_lb(state, &lb, &error));
    g_assert_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC);
    g_assert_cmpstr(error->message, ==, message);
}

/*
 * QEMU 7.2 lets initiator and target equal the node count, and indexes
 * its node table there; with 128 nodes that is past its end.
 */
static void test_lb_node_bounds(void)
{
    QmemNumaState *state = state_new(QMEM_MAX_NODES, 1);

    assert_lb_error(state, latency(128, 0, 5),
                    "Invalid initiator=128, it isn't an initiator proximity "
                    "domain");
    assert_lb_error(state, latency(0, 128, 5),
                    "The target=128 should point to an existing node");
    assert_lb_error(state, latency(129, 0, 5),
                    "Invalid initiator=129, it should be less than 128");
    assert_lb_error(state, latency(0, 65535, 5),
                    "Invalid target=65535, it should be less than 128");
    qmem_numa_state_free(state);
}

static void assert_lb(QmemNumaState *state, QmemNumaHmatLbOptions lb)
{
    g_autoptr(GError) error = NULL;

    g_assert_true(qmem_numa_parse_hmat_lb(state, &lb, &error));
    g_assert_no_error(error);
}

/* Latencies: a power-of-ten base that only shrinks; 0 is "not given". */
static void test_lb_latency_base(void)
{
    QmemNumaState *state = state_new(3, 2);
    QmemHmatLbInfo *info;

    assert_lb(state, latency(0, 0, 10));
    info = state->hmat_lb[QMEM_HMAT_LB_MEM_MEMORY]
                         [QMEM_HMAT_LB_DATA_ACCESS_LATENCY];
    g_assert_cmpuint(info->base, ==, 10);
    g_assert_cmpuint(info->range_bitmap, ==, 0);
    /* The range is checked against the base before this value. */
    assert_lb(state, latency(0, 1, 655340));
    g_assert_cmpuint(info->base, ==, 10);
    g_assert_cmpuint(info->range_bitmap, ==, 65534);
    assert_lb(state, latency(1, 0, 25));
    g_assert_cmpuint(info->base, ==, 1);
    assert_lb(state, latency(1, 2, 0));
    g_assert_cmpuint(info->list->len, ==, 4);
    g_assert_cmpuint(g_array_index(info->list, QmemHmatLbData, 1).data, ==,
                     655340);
    g_assert_cmpuint(state->nodes[0].lb_info_provided, ==, 1);
    g_assert_cmpuint(state->nodes[1].lb_info_provided, ==, 1);
    g_assert_cmpuint(state->nodes[2].lb_info_provided, ==, 0);
    qmem_numa_state_free(state);
}

/* Bandwidths: the lowest set bit is the base, 16 bits above it at most. */
static void test_lb_bandwidth_base(void)
{
    QmemNumaState *state = state_new(2, 2);
    QmemHmatLbInfo *info;

    assert_lb(state, bandwidth(0, 0, 65534 * MiB));
    info = state->hmat_lb[QMEM_HMAT_LB_MEM_MEMORY]
                         [QMEM_HMAT_LB_DATA_ACCESS_BANDWIDTH];
    g_assert_cmpuint(info->base, ==, 2 * MiB);
    assert_lb(state, bandwidth(0, 1, MiB));
    g_assert_cmpuint(info->base, ==, MiB);
    g_assert_cmpuint(info->range_bitmap, ==, 65535 * MiB);
    assert_lb_error(state, bandwidth(1, 1, 2 * MiB * 65536),
                    "Bandwidth 137438953472 between initiator=1 and "
                    "target=1 should not differ from previously entered "
                    "values on more than 65534");
    /* A refused value leaves the base and the bitmap. */
    g_assert_cmpuint(info->base, ==, MiB);
    g_assert_cmpuint(info->range_bitmap, ==, 65535 * MiB);
    g_assert_cmpuint(info->list->len, ==, 2);
    g_assert_cmpuint(state->nodes[1].lb_info_provided, ==, 2);
    qmem_numa_state_free(state);
}

static void assert_cache(QmemNumaState *state, guint32 node, guint8 level,
                         guint64 size, const char *message)
{
    const QmemNumaHmatCacheOptions cache = {
        .node_id = node, .level = level, .size = size,
        .associativity = QMEM_HMAT_CACHE_ASSOCIATIVITY_DIRECT,
        .policy = QMEM_HMAT_CACHE_WRITE_POLICY_WRITE_BACK, .line = 64,
    };
    g_autoptr(GError) error = NULL;
    gboolean ok = qmem_numa_parse_hmat_cache(state, &cache, &error);

    if (!message) {
        g_assert_no_error(error);
        g_assert_true(ok);
        g_assert_cmpmem(state->hmat_cache[node][level], sizeof(cache),
                        &cache, sizeof(cache));
        return;
    }
    g_assert_false(ok);
    g_assert_cmpstr(error->message, ==, message);
}

/* Each level once, bottom up, sizes growing; a refusal stores nothing. */
static void test_cache_levels(void)
{
    QmemNumaState *state = state_new(2, 2);

    assert_lb(state, latency(0, 1, 5));
    assert_cache(state, 1, 1, 4096,
                 "The latency and bandwidth information of node-id=1 "
                 "should be provided before memory side cache attributes");
    assert_lb(state, bandwidth(0, 1, MiB));
    assert_cache(state, 1, 2, 8192, "Cache level=1 shall be defined first");
    g_assert_null(state->hmat_cache[1][2]);
    assert_cache(state, 1, 1, 4096, NULL);
    assert_cache(state, 1, 2, 4096,
                 "Invalid size=4096, the size of level=2 should be larger "
                 "than the size(4096) of level=1");
    assert_cache(state, 1, 2, 8192, NULL);
    assert_cache(state, 1, 3, 16384, NULL);
    assert_cache(state, 1, 3, 32768,
                 "Duplicate configuration of the side cache for node-id=1 "
                 "and level=3");
    assert_cache(state, 2, 1, 4096,
                 "Invalid node-id=2, it should be less than 2");
    qmem_numa_state_free(state);
}

static guint8 sum(const guint8 *p, gsize len)
{
    guint8 s = 0;

    for (gsize i = 0; i < len; i++) {
        s += p[i];
    }
    return s;
}

static guint32 le32(const guint8 *p)
{
    return p[0] | p[1] << 8 | p[2] << 16 | (guint32)p[3] << 24;
}

/*
 * An hmat-lb that failed on its first value still made its (empty)
 * structure, which the table leaves out; a node without initiator has
 * the invalid flag and 128.
 */
static void test_build_failed_and_memory_only(void)
{
    QmemNumaState *state = state_new(2, 1);
    QmemNumaHmatLbOptions lb = latency(0, 1, 5);
    g_autoptr(GByteArray) table = g_byte_array_new();

    lb.has_latency = FALSE;
    assert_lb_error(state, lb, "Missing 'latency' option");
    g_assert_nonnull(state->hmat_lb[0][0]);
    state->nodes[1].initiator = QMEM_MAX_NODES;

    qmem_acpi_build_hmat(table, NULL, state, NULL, NULL);
    g_assert_cmpuint(table->len, ==, 36 + 4 + 2 * 40);
    g_assert_cmpuint(le32(table->data + 4), ==, table->len);
    g_assert_cmpuint(sum(table->data, table->len), ==, 0);
    /* Node 1: flags 0, initiator 128, memory domain 1. */
    g_assert_cmpuint(table->data[80 + 8], ==, 0);
    g_assert_cmpuint(le32(table->data + 80 + 12), ==, QMEM_MAX_NODES);
    g_assert_cmpuint(le32(table->data + 80 + 16), ==, 1);
    qmem_numa_state_free(state);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/hw/core/numa/hmat/lb/node-bounds", test_lb_node_bounds);
    g_test_add_func("/hw/core/numa/hmat/lb/latency-base",
                    test_lb_latency_base);
    g_test_add_func("/hw/core/numa/hmat/lb/bandwidth-base",
                    test_lb_bandwidth_base);
    g_test_add_func("/hw/core/numa/hmat/cache/levels", test_cache_levels);
    g_test_add_func("/hw/acpi/hmat/build/failed-lb-memory-only",
                    test_build_failed_and_memory_only);
    return g_test_run();
}
