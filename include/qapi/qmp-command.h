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
 * A QMP command.  It checks its own arguments, with
 * qmem_qmp_args_visit() (QEMU's strict-visitor messages) or with the
 * property layer, in the order of its QAPI schema.  The error's code picks
 * the QMP class (qmem_error_class_name()); its message becomes "desc".
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
 * @QMEM_QMP_COMMAND_ALLOW_PRECONFIG: the command may run before the
 *   machine is ready (QEMU's allow-preconfig): with `--preconfig`, and
 *   during start-up.  Without it, "The command '%s' is permitted only
 *   after machine initialization has completed".
 */
typedef enum {
    QMEM_QMP_COMMAND_NONE = 0,
    QMEM_QMP_COMMAND_NO_SUCCESS_RESPONSE = 1 << 0,
    QMEM_QMP_COMMAND_ALLOW_PRECONFIG = 1 << 1,
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
 * @args itself; the monitor refuses any for a command registered as
 * taking none.
 *
 * Returns: %FALSE with @error set on failure.
 */
typedef gboolean (*QmemHmpFunc)(const char *args, GString *out,
                                GError **error);

/**
 * QmemQmpArgType:
 * @QMEM_QMP_ARG_STR: a string; the value is a `const char *`, borrowed
 *   from the arguments ("Invalid parameter type for '%s', expected:
 *   string")
 * @QMEM_QMP_ARG_INT: a QAPI "int", a JSON integer in the int64 range; a
 *   `gint64` ("... expected: integer")
 * @QMEM_QMP_ARG_UINT: a QAPI "uint64", "size" or, with @max, a narrower
 *   unsigned type: any JSON integer from -2^63 to 2^64-1 (negative ones
 *   wrap, for QEMU's backward compatibility); a `guint64` ("Parameter '%s'
 *   expects uint64", or "... expects uint16_t" above @max)
 * @QMEM_QMP_ARG_BOOL: a boolean; a `gboolean` ("... expected: boolean")
 * @QMEM_QMP_ARG_ENUM: a string among @values; an `int`, its index
 *   ("... expected: string", "Parameter '%s' does not accept value '%s'")
 * @QMEM_QMP_ARG_ENUM_LIST: an array of strings among @values; a
 *   `JsonArray *`, borrowed ("Invalid parameter type for '%s[%u]',
 *   expected: string", "Parameter 'null' does not accept value '%s'")
 * @QMEM_QMP_ARG_OBJECT: an object; a `JsonObject *`, borrowed
 * @QMEM_QMP_ARG_ARRAY: an array; a `JsonArray *`, borrowed
 * @QMEM_QMP_ARG_ANY: any value (QAPI "any"); a `JsonNode *`, borrowed
 *
 * What a member of a command's arguments is, with the message QEMU's
 * strict input visitor gives for a value of another type.
 */
typedef enum {
    QMEM_QMP_ARG_STR,
    QMEM_QMP_ARG_INT,
    QMEM_QMP_ARG_UINT,
    QMEM_QMP_ARG_BOOL,
    QMEM_QMP_ARG_ENUM,
    QMEM_QMP_ARG_ENUM_LIST,
    QMEM_QMP_ARG_OBJECT,
    QMEM_QMP_ARG_ARRAY,
    QMEM_QMP_ARG_ANY,
} QmemQmpArgType;

/**
 * QmemQmpArg:
 * @name: the member's name
 * @type: its type
 * @value: where its value goes, of the C type @type says; left alone when
 *   an optional member is absent
 * @has: (nullable): for an optional member, where to say whether it was
 *   given; %NULL makes the member mandatory ("Parameter '%s' is missing").
 *   A member given as JSON null is present and has the wrong type, as in
 *   QEMU.
 * @values: (array zero-terminated=1): the names of an enum's values
 * @max: the largest value of a QMEM_QMP_ARG_UINT member; 0 means
 *   G_MAXUINT64.  G_MAXUINT8, G_MAXUINT16 and G_MAXUINT32 name the type in
 *   the message ("uint16_t").
 *
 * One member of a command's QAPI schema.
 */
typedef struct {
    const char *name;
    QmemQmpArgType type;
    gpointer value;
    gboolean *has;
    const char *const *values;
    guint64 max;
} QmemQmpArg;

/**
 * qmem_qmp_args_visit:
 * @args: a command's arguments
 * @members: (array zero-terminated=1) (nullable): the command's members in
 *   schema order, ended by one whose @name is %NULL; %NULL for a command
 *   without arguments
 * @error: return location for an error
 *
 * QEMU's strict QObject input visitor over a command's arguments: visits
 * @members in order, stopping at the first bad one, then fails with
 * "Parameter '%s' is unexpected" for a member @members does not name
 * (when there are several, the one QEMU would name).
 *
 * Returns: %TRUE when every value is stored.
 */
gboolean qmem_qmp_args_visit(JsonObject *args, const QmemQmpArg *members,
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
