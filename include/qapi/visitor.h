/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Input visitors: one value from OPTS, keyval, a string or JSON, typed. */

#ifndef QMEM_QAPI_VISITOR_H
#define QMEM_QAPI_VISITOR_H

#include <glib-object.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/**
 * QmemInputKind:
 * @QMEM_INPUT_OPTS: QemuOpts from the command line (-object, -numa): each
 *   value is a #JsonArray of the strings given for the key; negative
 *   numbers are refused for unsigned properties, lists take ranges
 * @QMEM_INPUT_KEYVAL: keyval (-device, HMP object_add): string leaves,
 *   lists only as key.N=
 * @QMEM_INPUT_STRING: the string input visitor (HMP qom-set, -global):
 *   one string, lists as "0-1,3"
 * @QMEM_INPUT_JSON: strict JSON (QMP, JSON command-line forms)
 *
 * Where a value came from; each kind has QEMU's grammar and messages
 * (qemu-reference.md §3.2).
 */
typedef enum {
    QMEM_INPUT_OPTS,
    QMEM_INPUT_KEYVAL,
    QMEM_INPUT_STRING,
    QMEM_INPUT_JSON,
} QmemInputKind;

/**
 * qmem_param_spec_size:
 *
 * A #GParamSpecUInt64 tagged as a size, so its string forms accept suffixes
 * ("1G", "0.5k") and help prints @qom_type for it.
 */
GParamSpec *qmem_param_spec_size(const char *name, const char *blurb,
                                 guint64 minimum, guint64 maximum,
                                 guint64 default_value, GParamFlags flags);

/**
 * qmem_param_spec_uint_list:
 * @element_max: the largest value an element may have (G_MAXUINT16 for a
 *   QAPI uint16 list)
 *
 * A list of unsigned integers: a boxed #GArray of guint64.
 */
GParamSpec *qmem_param_spec_uint_list(const char *name, const char *blurb,
                                      guint64 element_max, GParamFlags flags);

gboolean qmem_param_spec_is_size(GParamSpec *pspec);
gboolean qmem_param_spec_is_uint_list(GParamSpec *pspec);

/**
 * qmem_param_spec_get_uint_max:
 * Returns: the largest value an unsigned integer property takes
 *   (G_MAXUINT64 for a guint64 one).
 */
guint64 qmem_param_spec_get_uint_max(GParamSpec *pspec);

/**
 * qmem_uint_list_new:
 * Returns: (transfer full): an empty #GArray of guint64, the value type of
 *   qmem_param_spec_uint_list() properties.
 */
GArray *qmem_uint_list_new(void);

/**
 * qmem_uint_list_to_string:
 * @list: (nullable): a #GArray of guint64, ascending
 *
 * The string output visitor's form of an integer list, runs of
 * consecutive values compressed: "0-2,5" ("" for none).
 *
 * Returns: (transfer full): the text.
 */
char *qmem_uint_list_to_string(GArray *list);

/**
 * qmem_visit_input:
 * @pspec: the property the value is for
 * @name: the parameter name used in messages (usually @pspec's name)
 * @input: the value as the source gave it
 * @kind: the source
 * @value: (out caller-allocates): initialised to @pspec's value type, but
 *   for a link (an object-typed @pspec), which comes back as the text
 *   naming its target (a string)
 * @error: return location for a #GError
 *
 * Converts and range-checks one value with the grammar and messages of
 * @kind (qemu-reference.md §3.2).
 */
gboolean qmem_visit_input(GParamSpec *pspec, const char *name,
                          JsonNode *input, QmemInputKind kind, GValue *value,
                          GError **error);

G_END_DECLS

#endif
