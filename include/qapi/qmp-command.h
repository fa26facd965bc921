/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What a QMP or HMP command is, and QEMU's strict checks of its arguments. */

#ifndef QMEM_QAPI_QMP_COMMAND_H
#define QMEM_QAPI_QMP_COMMAND_H

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/*
 * Commands are written beside what they act on (qom/qom-qmp-cmds.c,
 * hw/mem/memory-device-qmp-cmds.c, ...) and registered by the monitor
 * (monitor/qmp.h); they run on the main loop's thread.
 */

/**
 * QmemQmpCommandFunc:
 * @args: the "arguments" member (an empty object when absent); borrowed
 * @error: return location for an error
 *
 * A QMP command.  It checks its own arguments, with the
 * qmem_qmp_arg_*() helpers (QEMU's strict-visitor messages) or with the
 * property layer, in the order of its QAPI schema, and calls
 * qmem_qmp_check_args() last (QEMU reports unexpected members after the
 * known ones).  The error's code picks the QMP class
 * (qmem_error_class_name()); its message becomes "desc".
 *
 * Returns: (transfer full) (nullable): the "return" value; NULL with
 * @error set on failure.  NULL without an error means {}, as a QAPI
 * command without a return type.
 */
typedef JsonNode *(*QmemQmpCommandFunc)(JsonObject *args, GError **error);

/**
 * QmemQmpCommandFlags:
 * @QMEM_QMP_COMMAND_NONE: an ordinary command
 * @QMEM_QMP_COMMAND_NO_SUCCESS_RESPONSE: send nothing when the command
 *   succeeds (QEMU's QCO_NO_SUCCESS_RESP); errors are still sent
 */
typedef enum {
    QMEM_QMP_COMMAND_NONE = 0,
    QMEM_QMP_COMMAND_NO_SUCCESS_RESPONSE = 1 << 0,
} QmemQmpCommandFlags;

/**
 * QmemHmpFunc:
 * @args: the rest of the command line after the command name, leading
 *   blanks removed ("" when there is nothing)
 * @out: where the command appends its text; lines end in "\n", which the
 *   server turns into "\r\n" like QEMU's monitor
 * @error: return location for an error
 *
 * An HMP command run through human-monitor-command.  A failure is not a
 * QMP error: QEMU's HMP prints "Error: <message>\n" into the text and the
 * QMP command still succeeds, and so does qmem.  The handler parses
 * @args itself (e.g. "extraneous characters at the end of line").
 *
 * Returns: %FALSE with @error set on failure.
 */
typedef gboolean (*QmemHmpFunc)(const char *args, GString *out,
                                GError **error);


/*
 * Argument helpers: QEMU's strict QObject input visitor, member by member.
 *
 * @has: (out) (optional): for an optional member, where to say whether it
 *   was given; NULL makes the member mandatory ("Parameter '%s' is
 *   missing").  A member given as JSON null is present and has the wrong
 *   type, as in QEMU.
 * On success *value is set (left alone when an optional member is absent)
 * and %TRUE returned; strings and containers are borrowed from @args.
 */

/** qmem_qmp_arg_str: "Invalid parameter type for '%s', expected: string" */
gboolean qmem_qmp_arg_str(JsonObject *args, const char *name, gboolean *has,
                          const char **value, GError **error);

/**
 * qmem_qmp_arg_int:
 *
 * A QAPI "int": a JSON integer in the int64 range, else "Invalid parameter
 * type for '%s', expected: integer".
 */
gboolean qmem_qmp_arg_int(JsonObject *args, const char *name, gboolean *has,
                          gint64 *value, GError **error);

/**
 * qmem_qmp_arg_uint64:
 *
 * A QAPI "uint64" or "size": any JSON integer from -2^63 to 2^64-1
 * (negative numbers wrap, for QEMU's backward compatibility), else
 * "Parameter '%s' expects uint64" (strings and fractions included).
 */
gboolean qmem_qmp_arg_uint64(JsonObject *args, const char *name,
                             gboolean *has, guint64 *value, GError **error);

/** qmem_qmp_arg_bool: "Invalid parameter type for '%s', expected: boolean" */
gboolean qmem_qmp_arg_bool(JsonObject *args, const char *name, gboolean *has,
                           gboolean *value, GError **error);

/** qmem_qmp_arg_object: "Invalid parameter type for '%s', expected: object" */
gboolean qmem_qmp_arg_object(JsonObject *args, const char *name,
                             gboolean *has, JsonObject **value,
                             GError **error);

/** qmem_qmp_arg_array: "Invalid parameter type for '%s', expected: array" */
gboolean qmem_qmp_arg_array(JsonObject *args, const char *name,
                            gboolean *has, JsonArray **value,
                            GError **error);

/**
 * qmem_qmp_check_args:
 * @args: a command's arguments
 * @allowed: (array zero-terminated=1): the members the command knows, in
 *   schema order
 * @error: return location for an error
 *
 * Fails with "Parameter '%s' is unexpected" for a member not in @allowed;
 * when there are several, it names the one QEMU would.
 *
 * Returns: %TRUE when every member is allowed.
 */
gboolean qmem_qmp_check_args(JsonObject *args, const char *const *allowed,
                             GError **error);

/**
 * qmem_json_node_holds:
 * @node: a value
 * @type: G_TYPE_STRING, G_TYPE_INT64, G_TYPE_BOOLEAN or G_TYPE_DOUBLE
 *
 * Returns: whether @node is a scalar of @type.
 */
gboolean qmem_json_node_holds(JsonNode *node, GType type);

G_END_DECLS

#endif
