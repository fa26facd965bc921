/* SPDX-License-Identifier: GPL-2.0-or-later */
/* JSON as QEMU reads and writes it: lexer, streamer, parser and writer. */

#ifndef QMEM_QOBJECT_JSON_H
#define QMEM_QOBJECT_JSON_H

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/*
 * Values are JSON-GLib nodes.  JSON-GLib has no unsigned 64-bit integers:
 * a number from 2^63 to 2^64-1 is stored as the gint64 with the same bits,
 * so (guint64)json_node_get_int() gives it back.  Until control returns to
 * the main loop such a node is also remembered as unsigned
 * (qmem_json_node_is_uint64()), so that a QAPI "int" refuses it and
 * qmem_json_to_string() writes it unsigned, as QEMU does.
 */

/**
 * qmem_json_parse:
 * @text: one JSON value in QEMU's dialect (single-quoted strings allowed)
 * @error: return location for an error
 *
 * Parses @text with QEMU's lexer and parser, with its messages ("JSON
 * parse error, expecting value", "JSON parse error, stray '@'", ...).
 * Anything but exactly one value (blanks aside) is an error.
 *
 * Returns: (transfer full) (nullable): the value, or NULL with @error set.
 */
JsonNode *qmem_json_parse(const char *text, GError **error);

/**
 * qmem_json_to_string:
 * @node: a value
 *
 * Formats @node as QEMU's QMP output does: {"a": 1, "b": [1, 2]}, non-ASCII
 * as \uXXXX, object members in the order of QEMU's QDict hash table (which
 * is the order QEMU puts on the wire), numbers as %lld or %.17g.
 *
 * Returns: (transfer full): the text, without a line ending.
 */
char *qmem_json_to_string(JsonNode *node);

/**
 * qmem_json_to_string_pretty:
 * @node: a value
 * @pretty: whether to write as QEMU's pretty JSON writer does
 *
 * With @pretty, QEMU's qobject_to_json_pretty(): every member and element
 * on a line of its own, indented by four spaces a level, "," ending all
 * but the last, the closing bracket on a line at the opening one's level
 * ("{\n}" for an empty object).  Without, qmem_json_to_string().
 *
 * Returns: (transfer full): the text, without a final line ending.
 */
char *qmem_json_to_string_pretty(JsonNode *node, gboolean pretty);

/**
 * qmem_json_object_qdict_order:
 * @obj: an object
 *
 * The order in which a QEMU QDict holding @obj's members (inserted in
 * @obj's order) iterates them: the order QEMU writes them in, and the
 * order its visitors meet them.
 *
 * Returns: (transfer container) (element-type utf8): the member names,
 *   borrowed from @obj.
 */
GPtrArray *qmem_json_object_qdict_order(JsonObject *obj);

/**
 * qmem_json_node_new_uint64:
 * @value: an unsigned value (a QAPI uint64 or size)
 *
 * A number node that qmem_json_to_string() writes unsigned.  Values above
 * G_MAXINT64 are only remembered as unsigned until control returns to the
 * main loop, so build them in the handler that returns them.
 *
 * Returns: (transfer full): the node.
 */
JsonNode *qmem_json_node_new_uint64(guint64 value);

/**
 * qmem_json_node_is_uint64:
 * @node: a number node
 *
 * Returns: whether @node holds an unsigned value above G_MAXINT64 (parsed
 *   from a number beyond the int64 range, or made by
 *   qmem_json_node_new_uint64()).
 */
gboolean qmem_json_node_is_uint64(JsonNode *node);

/**
 * qmem_json_node_new_object:
 * @obj: (transfer full): an object
 *
 * Wraps @obj in a node that takes over its reference (json_node_init_object
 * would take one more and leak the caller's).
 *
 * Returns: (transfer full): the node.
 */
static inline JsonNode *qmem_json_node_new_object(JsonObject *obj)
{
    JsonNode *node = json_node_new(JSON_NODE_OBJECT);

    json_node_take_object(node, obj);
    return node;
}

/**
 * qmem_json_node_new_array:
 * @array: (transfer full): an array
 *
 * Returns: (transfer full): a node that took over @array's reference.
 */
static inline JsonNode *qmem_json_node_new_array(JsonArray *array)
{
    JsonNode *node = json_node_new(JSON_NODE_ARRAY);

    json_node_take_array(node, array);
    return node;
}

/**
 * QmemJsonStreamer:
 *
 * Splits a byte stream into JSON messages the way QEMU's JSON streamer
 * does (a message ends where its braces and brackets balance, or at a
 * lexical error) and parses each one.
 */
typedef struct QmemJsonStreamer QmemJsonStreamer;

/**
 * QmemJsonEmitFunc:
 * @opaque: what was given to qmem_json_streamer_new()
 * @value: (transfer full) (nullable): the message's value
 * @error: (transfer full) (nullable): why the message is not a value
 *
 * Called once per message, with exactly one of @value and @error.
 */
typedef void (*QmemJsonEmitFunc)(gpointer opaque, JsonNode *value,
                                 GError *error);

/**
 * qmem_json_streamer_new:
 * @emit: called for every complete message
 * @opaque: passed to @emit
 *
 * Returns: (transfer full): a streamer with no input yet.
 */
QmemJsonStreamer *qmem_json_streamer_new(QmemJsonEmitFunc emit,
                                         gpointer opaque);

/**
 * qmem_json_streamer_feed:
 *
 * Adds @len bytes of input; @emit runs for each message they complete.
 */
void qmem_json_streamer_feed(QmemJsonStreamer *js, const char *buf,
                             gsize len);

/**
 * qmem_json_streamer_flush:
 *
 * Ends the input: a value that needs no delimiter ("1", "true") is emitted,
 * an unfinished one is an error.
 */
void qmem_json_streamer_flush(QmemJsonStreamer *js);

/**
 * qmem_json_streamer_free:
 * @js: (transfer full) (nullable): a streamer
 *
 * Drops whatever message was unfinished, as QEMU does.
 */
void qmem_json_streamer_free(QmemJsonStreamer *js);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(QmemJsonStreamer, qmem_json_streamer_free)

G_END_DECLS

#endif
