/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Numbers beyond int64: which JSON nodes hold a uint64 (QEMU's QNum). */

#include "qobject/json-internal.h"

/*
 * JsonNode has only gint64, so the nodes that hold a uint64 above
 * G_MAXINT64 are remembered here.  Each entry holds a reference, so an
 * address cannot be reused while it is marked; the set is emptied when
 * control is back in the main loop.
 */
static GHashTable *uint64_nodes;
static guint uint64_nodes_idle;

static gboolean uint64_nodes_clear(gpointer opaque)
{
    uint64_nodes_idle = 0;
    if (uint64_nodes) {
        g_hash_table_remove_all(uint64_nodes);
    }
    return G_SOURCE_REMOVE;
}

void qmem_json_node_mark_uint64(JsonNode *node)
{
    if (!uint64_nodes) {
        uint64_nodes = g_hash_table_new_full(NULL, NULL,
                                             (GDestroyNotify)json_node_unref,
                                             NULL);
    }
    if (!g_hash_table_contains(uint64_nodes, node)) {
        g_hash_table_add(uint64_nodes, json_node_ref(node));
    }
    if (!uint64_nodes_idle) {
        uint64_nodes_idle = g_idle_add(uint64_nodes_clear, NULL);
    }
}

gboolean qmem_json_node_is_uint64(JsonNode *node)
{
    return uint64_nodes && g_hash_table_contains(uint64_nodes, node);
}

JsonNode *qmem_json_node_new_uint64(guint64 value)
{
    JsonNode *node = json_node_init_int(json_node_alloc(), (gint64)value);

    if (value > G_MAXINT64) {
        qmem_json_node_mark_uint64(node);
    }
    return node;
}
