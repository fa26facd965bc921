/* SPDX-License-Identifier: GPL-2.0-or-later */
/* -numa hmat-lb and hmat-cache: the HMAT's figures in the NUMA state. */

#include "hw/core/numa.h"
#include "util/error.h"

#define MiB (1ULL << 20)
/* An HMAT entry is 16 bits; 0xffff would mean "unreachable". */
#define HMAT_ENTRY_BITS 16
/* QmemNumaNode.lb_info_provided */
#define LB_INFO_LATENCY (1 << 0)
#define LB_INFO_BANDWIDTH (1 << 1)

static gboolean node_has_cpu(QmemNumaState *state, guint id)
{
    /* QEMU's check admits id == num_nodes, which can be MAX_NODES. */
    return id < QMEM_MAX_NODES && state->nodes[id].has_cpu;
}

static gboolean node_present(QmemNumaState *state, guint id)
{
    return id < QMEM_MAX_NODES && state->nodes[id].present;
}

static gboolean lb_check_nodes(QmemNumaState *state,
                               const QmemNumaHmatLbOptions *lb,
                               GError **error)
{
    if (lb->initiator > state->num_nodes) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "Invalid initiator=%d, it should be less than %d",
                    lb->initiator, state->num_nodes);
        return FALSE;
    }
    if (lb->target > state->num_nodes) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "Invalid target=%d, it should be less than %d",
                    lb->target, state->num_nodes);
        return FALSE;
    }
    if (!node_has_cpu(state, lb->initiator)) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "Invalid initiator=%d, it isn't an initiator proximity "
                    "domain", lb->initiator);
        return FALSE;
    }
    if (!node_present(state, lb->target)) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "The target=%d should point to an existing node",
                    lb->target);
        return FALSE;
    }
    return TRUE;
}

/* @what is "latency" or "bandwidth", as in QEMU's two messages. */
static gboolean lb_check_duplicate(const QmemHmatLbInfo *info,
                                   const QmemNumaHmatLbOptions *lb,
                                   const char *what, GError **error)
{
    for (guint i = 0; i < info->list->len; i++) {
        const QmemHmatLbData *d =
            &g_array_index(info->list, QmemHmatLbData, i);

        if (lb->initiator == d->initiator && lb->target == d->target) {
            g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                        "Duplicate configuration of the %s for initiator=%d "
                        "and target=%d", what, lb->initiator, lb->target);
            return FALSE;
        }
    }
    return TRUE;
}

/*
 * Latencies share a power-of-ten base: the smallest one any value was a
 * multiple of.  The range check divides by the base in force before this
 * value, as QEMU 7.2 does.
 */
static gboolean lb_add_latency(QmemNumaState *state, QmemHmatLbInfo *info,
                               const QmemNumaHmatLbOptions *lb,
                               GError **error)
{
    guint64 max_entry, temp_base;

    if (!lb->has_latency) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "Missing 'latency' option");
        return FALSE;
    }
    if (lb->has_bandwidth) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "Invalid option 'bandwidth' since the data type is "
                    "latency");
        return FALSE;
    }
    if (!lb_check_duplicate(info, lb, "latency", error)) {
        return FALSE;
    }

    info->base = info->base ? info->base : G_MAXUINT64;
    if (!lb->latency) {
        return TRUE;
    }
    max_entry = lb->latency;
    temp_base = 1;
    while (max_entry % 10 == 0) {
        max_entry /= 10;
        temp_base *= 10;
    }
    temp_base = MIN(info->base, temp_base);
    max_entry = MAX(info->range_bitmap, lb->latency / info->base);
    if (max_entry >= G_MAXUINT16) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "Latency %" G_GUINT64_FORMAT " between initiator=%d and "
                    "target=%d should not differ from previously entered "
                    "min or max values on more than %d", lb->latency,
                    lb->initiator, lb->target, G_MAXUINT16 - 1);
        return FALSE;
    }
    info->base = temp_base;
    info->range_bitmap = max_entry;
    state->nodes[lb->target].lb_info_provided |= LB_INFO_LATENCY;
    return TRUE;
}

/*
 * Bandwidths share a power-of-two base: the lowest bit set in any of
 * them; the highest set bit may be at most 16 bits above it.
 */
static gboolean lb_add_bandwidth(QmemNumaState *state, QmemHmatLbInfo *info,
                                 const QmemNumaHmatLbOptions *lb,
                                 GError **error)
{
    guint64 bitmap, temp_base, max_entry;
    int first_bit, last_bit;

    if (!lb->has_bandwidth) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "Missing 'bandwidth' option");
        return FALSE;
    }
    if (lb->has_latency) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "Invalid option 'latency' since the data type is "
                    "bandwidth");
        return FALSE;
    }
    if (lb->bandwidth % MiB) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "Bandwidth %" G_GUINT64_FORMAT " between initiator=%d "
                    "and target=%d should be 1MB aligned", lb->bandwidth,
                    lb->initiator, lb->target);
        return FALSE;
    }
    if (!lb_check_duplicate(info, lb, "bandwidth", error)) {
        return FALSE;
    }

    info->base = info->base ? info->base : 1;
    if (!lb->bandwidth) {
        return TRUE;
    }
    bitmap = info->range_bitmap | lb->bandwidth;
    first_bit = __builtin_ctzll(bitmap);
    temp_base = G_GUINT64_CONSTANT(1) << first_bit;
    max_entry = lb->bandwidth / temp_base;
    last_bit = 64 - __builtin_clzll(bitmap);
    if (last_bit - first_bit > HMAT_ENTRY_BITS || max_entry >= G_MAXUINT16) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "Bandwidth %" G_GUINT64_FORMAT " between initiator=%d "
                    "and target=%d should not differ from previously entered "
                    "values on more than %d", lb->bandwidth, lb->initiator,
                    lb->target, G_MAXUINT16 - 1);
        return FALSE;
    }
    info->base = temp_base;
    info->range_bitmap = bitmap;
    state->nodes[lb->target].lb_info_provided |= LB_INFO_BANDWIDTH;
    return TRUE;
}

gboolean qmem_numa_parse_hmat_lb(QmemNumaState *state,
                                 const QmemNumaHmatLbOptions *lb,
                                 GError **error)
{
    QmemHmatLbInfo *info;
    QmemHmatLbData data;
    gboolean ok;

    g_return_val_if_fail(lb->hierarchy < QMEM_HMAT_LB_LEVELS &&
                         lb->data_type < QMEM_HMAT_LB_TYPES, FALSE);
    if (!lb_check_nodes(state, lb, error)) {
        return FALSE;
    }

    info = state->hmat_lb[lb->hierarchy][lb->data_type];
    if (!info) {
        info = g_new0(QmemHmatLbInfo, 1);
        info->list = g_array_new(FALSE, TRUE, sizeof(QmemHmatLbData));
        state->hmat_lb[lb->hierarchy][lb->data_type] = info;
    }
    info->hierarchy = lb->hierarchy;
    info->data_type = lb->data_type;

    if (lb->data_type <= QMEM_HMAT_LB_DATA_WRITE_LATENCY) {
        ok = lb_add_latency(state, info, lb, error);
    } else {
        ok = lb_add_bandwidth(state, info, lb, error);
    }
    if (!ok) {
        return FALSE;
    }
    data = (QmemHmatLbData){
        .initiator = lb->initiator,
        .target = lb->target,
        .data = lb->data_type <= QMEM_HMAT_LB_DATA_WRITE_LATENCY ?
                lb->latency : lb->bandwidth,
    };
    g_array_append_val(info->list, data);
    return TRUE;
}

/* The sizes must grow with the level, against both neighbours. */
static gboolean cache_check_neighbours(QmemNumaState *state,
                                       const QmemNumaHmatCacheOptions *cache,
                                       GError **error)
{
    QmemNumaHmatCacheOptions **levels = state->hmat_cache[cache->node_id];
    guint level = cache->level;

    if (level > 1 && !levels[level - 1]) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "Cache level=%u shall be defined first", level - 1);
        return FALSE;
    }
    if (level > 1 && cache->size <= levels[level - 1]->size) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "Invalid size=%" G_GUINT64_FORMAT ", the size of level=%u"
                    " should be larger than the size(%" G_GUINT64_FORMAT ") "
                    "of level=%u", cache->size, level,
                    levels[level - 1]->size, level - 1);
        return FALSE;
    }
    if (level < QMEM_HMAT_LB_LEVELS - 1 && levels[level + 1] &&
        cache->size >= levels[level + 1]->size) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "Invalid size=%" G_GUINT64_FORMAT ", the size of level=%u"
                    " should be less than the size(%" G_GUINT64_FORMAT ") "
                    "of level=%u", cache->size, level,
                    levels[level + 1]->size, level + 1);
        return FALSE;
    }
    return TRUE;
}

gboolean qmem_numa_parse_hmat_cache(QmemNumaState *state,
                                    const QmemNumaHmatCacheOptions *cache,
                                    GError **error)
{
    if (cache->node_id >= state->num_nodes) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "Invalid node-id=%u, it should be less than %d",
                    cache->node_id, state->num_nodes);
        return FALSE;
    }
    if (state->nodes[cache->node_id].lb_info_provided !=
        (LB_INFO_LATENCY | LB_INFO_BANDWIDTH)) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "The latency and bandwidth information of node-id=%u "
                    "should be provided before memory side cache attributes",
                    cache->node_id);
        return FALSE;
    }
    if (cache->level < 1 || cache->level >= QMEM_HMAT_LB_LEVELS) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "Invalid level=%u, it should be larger than 0 and less "
                    "than or equal to %d", cache->level,
                    QMEM_HMAT_LB_LEVELS - 1);
        return FALSE;
    }
    g_return_val_if_fail(
        cache->associativity <= QMEM_HMAT_CACHE_ASSOCIATIVITY_COMPLEX &&
        cache->policy <= QMEM_HMAT_CACHE_WRITE_POLICY_WRITE_THROUGH, FALSE);
    if (state->hmat_cache[cache->node_id][cache->level]) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "Duplicate configuration of the side cache for "
                    "node-id=%u and level=%u", cache->node_id, cache->level);
        return FALSE;
    }
    if (!cache_check_neighbours(state, cache, error)) {
        return FALSE;
    }
    state->hmat_cache[cache->node_id][cache->level] =
        g_memdup2(cache, sizeof(*cache));
    return TRUE;
}
