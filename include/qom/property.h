/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Properties from outside values: parse, print, links, aliases, help. */

#ifndef QMEM_QOM_PROPERTY_H
#define QMEM_QOM_PROPERTY_H

#include <json-glib/json-glib.h>
#include "qapi/visitor.h"
#include "qom/object.h"

G_BEGIN_DECLS

/**
 * qmem_param_spec_set_qom_type:
 * @pspec: a property
 * @qom_type: the type name QEMU shows for it in help ("int", "size",
 *   "uint64", "link<memory-backend>")
 *
 * Overrides the name derived from the #GParamSpec type.
 *
 * Returns: (transfer none): @pspec, so that a spec can be made and typed
 *   in one expression.
 */
GParamSpec *qmem_param_spec_set_qom_type(GParamSpec *pspec,
                                         const char *qom_type);

/*
 * qmem_value_store_boolean/uint/uint64: a setter's last step, storing
 * @value in @field.  Returns: whether the value changed (so the caller
 * knows whether to notify).
 */
static inline gboolean qmem_value_store_boolean(gboolean *field,
                                                const GValue *value)
{
    gboolean v = g_value_get_boolean(value);

    if (*field == v) {
        return FALSE;
    }
    *field = v;
    return TRUE;
}

static inline gboolean qmem_value_store_uint(guint *field,
                                             const GValue *value)
{
    guint v = g_value_get_uint(value);

    if (*field == v) {
        return FALSE;
    }
    *field = v;
    return TRUE;
}

static inline gboolean qmem_value_store_uint64(guint64 *field,
                                               const GValue *value)
{
    guint64 v = g_value_get_uint64(value);

    if (*field == v) {
        return FALSE;
    }
    *field = v;
    return TRUE;
}

/**
 * qmem_param_spec_set_mandatory:
 *
 * Marks @pspec as mandatory when the object is created from outside
 * ("Parameter 'size' is missing"), as the QAPI schema does.
 */
void qmem_param_spec_set_mandatory(GParamSpec *pspec);

/**
 * qmem_param_spec_set_show_default:
 * @pspec: a property
 * @show: whether help prints " (default: X)" for it
 *
 * QEMU prints defaults for device (qdev) properties, not for objects'.
 */
void qmem_param_spec_set_show_default(GParamSpec *pspec, gboolean show);

gboolean qmem_param_spec_is_mandatory(GParamSpec *pspec);

/**
 * QmemPropertyParser:
 * @obj: (nullable): the object the value is for (%NULL when converted
 *   without one, qmem_value_from_input())
 * @pspec: the property
 * @name: the parameter name for messages
 * @input: the value as the source gave it: a string for every kind but
 *   JSON (OPTS's last occurrence), any node for JSON
 * @kind: the source
 * @value: (out caller-allocates): initialised to @pspec's value type
 * @error: return location for a #GError
 *
 * Converts an outside value of a property whose syntax is its own, as
 * QEMU's qdev PropertyInfo.set does (the PCI "addr": "02.1" or an
 * integer).  Must check the value completely and say why it refuses one,
 * in QEMU's words.
 *
 * Returns: %FALSE with @error set when the value is refused.
 */
typedef gboolean (*QmemPropertyParser)(QmemObject *obj, GParamSpec *pspec,
                                       const char *name, JsonNode *input,
                                       QmemInputKind kind, GValue *value,
                                       GError **error);

/**
 * qmem_param_spec_set_parser:
 *
 * Gives @pspec a syntax of its own: every outside value (every
 * #QmemInputKind) goes through @parser instead of the visitor.  Printing,
 * qom-get and help treat it as a property of its value type.
 */
void qmem_param_spec_set_parser(GParamSpec *pspec, QmemPropertyParser parser);

/**
 * qmem_property_parse_usual:
 * @input, @kind, @value: as the #QmemPropertyParser got them
 *
 * For a parser that adds checks to the usual syntax of its value type
 * (a size at least this large): converts @input as a property without a
 * parser would be, into @value.
 */
gboolean qmem_property_parse_usual(GParamSpec *pspec, const char *name,
                                   JsonNode *input, QmemInputKind kind,
                                   GValue *value, GError **error);

/**
 * qmem_param_spec_get_qom_type:
 * Returns: the type name help prints: "bool", "int", "uint64", "str",
 *   "HostMemPolicy", "link<memory-backend>", ...
 */
const char *qmem_param_spec_get_qom_type(GParamSpec *pspec);

/**
 * qmem_object_class_install_alias:
 * @oclass: the class that gets the alias
 * @property_id: the id @oclass's get_property and set_property know it by
 * @name: the alias's name
 * @child: the name of a child (qmem_object_add_child()) that every
 *   instance of @oclass has from its init function on
 * @child_type: the child's type (a #QmemObject)
 * @target: the property of @child_type that @name stands for
 *
 * QEMU's object_property_add_alias(), for a whole class: @name is @target
 * of the instance's child @child.  It is installed as a #GParamSpec of
 * @target's kind, value type, range, default, blurb and readability, and
 * the property layer follows it to @target for everything: values are
 * parsed as @target's (messages name @name), printed and read from the
 * child, and set on the child through qmem_property_set_value(), so that
 * the child's own checks and messages apply ("Property
 * '<child type>.<target>' is not writable", its set_property_checked);
 * help and qom-list show @target's type, blurb and default.  An alias may
 * stand for another alias.  Whether an alias is mandatory is its own
 * (qmem_param_spec_set_mandatory()), not @target's.
 *
 * For g_object_get() and g_object_set(), @oclass's get_property and
 * set_property hand @property_id to qmem_object_alias_get_property() and
 * qmem_object_alias_set_property() (or are those functions).
 *
 * Returns: (transfer none): the alias
 */
GParamSpec *qmem_object_class_install_alias(GObjectClass *oclass,
                                            guint property_id, const char *name,
                                            const char *child, GType child_type,
                                            const char *target);

/**
 * qmem_object_alias_get_property:
 *
 * A #GObjectClass get_property for aliases: reads what @pspec, an alias
 * of @obj's class, stands for (other properties get GLib's invalid
 * property warning).
 */
void qmem_object_alias_get_property(GObject *obj, guint property_id,
                                    GValue *value, GParamSpec *pspec);

/**
 * qmem_object_alias_set_property:
 *
 * A #GObjectClass set_property for aliases: g_object_set_property() on
 * what @pspec stands for.  Like any set_property it skips the property
 * layer's checks; outside values go through qmem_property_set_value().
 */
void qmem_object_alias_set_property(GObject *obj, guint property_id,
                                    const GValue *value, GParamSpec *pspec);

/**
 * qmem_value_from_input:
 * @pspec: the property the value is for
 * @name: the parameter name used in messages (usually @pspec's name)
 * @input: the value as the source gave it
 * @kind: the source
 * @value: (out caller-allocates): initialised to @pspec's value type
 * @error: return location for a #GError
 *
 * qmem_visit_input(), and a link is resolved by id or path to its
 * target.  An alias's value is converted as its target's.
 */
gboolean qmem_value_from_input(GParamSpec *pspec, const char *name,
                               JsonNode *input, QmemInputKind kind,
                               GValue *value, GError **error);

/**
 * qmem_property_find:
 * Returns: (transfer none) (nullable): the property @name of @obj, or
 *   %NULL with "Property '<type>.<name>' not found".
 */
GParamSpec *qmem_property_find(QmemObject *obj, const char *name,
                               GError **error);

/**
 * qmem_property_set_value:
 *
 * Sets an already converted value through the class's
 * set_property_checked hook.  Unknown and read-only properties are refused
 * with QEMU's messages.  An alias hands the value on to what it stands
 * for, on the child, which checks and refuses it itself.
 */
gboolean qmem_property_set_value(QmemObject *obj, const char *name,
                                 const GValue *value, GError **error);

/**
 * qmem_property_set_input:
 *
 * qmem_value_from_input() followed by qmem_property_set_value().
 */
gboolean qmem_property_set_input(QmemObject *obj, const char *name,
                                 JsonNode *input, QmemInputKind kind,
                                 GError **error);

/**
 * qmem_property_parse:
 *
 * QEMU's object_property_parse(): sets @name from its string form
 * (the string input visitor's grammar).
 */
gboolean qmem_property_parse(QmemObject *obj, const char *name,
                             const char *str, GError **error);

/**
 * qmem_property_print:
 *
 * QEMU's object_property_print(): the string form of @name, which
 * qmem_property_parse() takes back to the same value.
 *
 * Returns: (transfer full) (nullable): the text, or %NULL with @error set.
 */
char *qmem_property_print(QmemObject *obj, const char *name, GError **error);

/**
 * qmem_property_get_json:
 *
 * The value of @name as qom-get returns it: numbers, booleans, enum nicks,
 * a link's canonical path ("" when unset), lists as arrays.
 *
 * Returns: (transfer full) (nullable): the node, or %NULL with @error set.
 */
JsonNode *qmem_property_get_json(QmemObject *obj, const char *name,
                                 GError **error);

/**
 * qmem_object_set_props:
 * @obj: a new object
 * @props: the values by property name (the caller has removed keys that
 *   are not properties, such as "id" and "qom-type")
 * @kind: where @props came from
 * @error: return location for a #GError
 *
 * What QEMU's QAPI visit plus object_set_properties_from_qdict() do for a
 * user-created object or device: unknown names are refused ("Invalid
 * parameter '%s'" for OPTS, "Parameter '%s' is unexpected" otherwise),
 * missing mandatory properties are "Parameter '%s' is missing", then every
 * value is converted, and only then set in property-name order.
 */
gboolean qmem_object_set_props(QmemObject *obj, JsonObject *props,
                               QmemInputKind kind, GError **error);

/**
 * qmem_type_print_help:
 * @type: a registered type
 * @out: where the text goes
 *
 * Appends QEMU's "<type> options:" listing: one line per property, sorted,
 * "  name=<type>" padded to column 24, then " - blurb" and, where shown,
 * " (default: X)".
 */
void qmem_type_print_help(GType type, GString *out);

G_END_DECLS

#endif
