/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Option-string parsers: QemuOpts "type,key=val" and keyval "a.b.0=x". */

#ifndef QMEM_QAPI_OPTS_H
#define QMEM_QAPI_OPTS_H

#include <glib.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/**
 * qmem_opts_parse:
 * @str: a QemuOpts string such as "memory-backend-ram,id=m0,size=1G"
 * @implied_key: (nullable): the key of a leading element without '='
 *   ("qom-type" for -object, "type" for -numa), or %NULL
 * @help: (out) (optional): set to %TRUE when the string asks for help
 *   ("help" or "?" as an element); the rest is still parsed
 * @error: return location for a #GError
 *
 * QEMU's qemu_opts_parse_noisily(): elements are separated by ',', a ','
 * inside a value is written ",,", a key may be repeated.  A bare element
 * "key" means "key=on" and "nokey" means "key=off" (the deprecated short
 * form), except where @implied_key takes it (the first element only).
 * The deprecation warning is QEMU's two lines: qmem_warn_report()'s
 * "short-form boolean option 'KEY' deprecated", then "Please use KEY=on
 * instead".
 *
 * "id" is handled as QemuOpts does: the first occurrence is the id, it
 * must be well-formed (qmem_id_wellformed()) or the whole string fails
 * with "Parameter 'id' expects an identifier" plus a hint, and it appears
 * once in the result.  With @help, help flags are not stored; an implied
 * value "help" or "?" also sets @help.  Without @help they stay flags.
 *
 * Returns: (transfer full): a #JsonObject mapping each key, in the order of
 *   its first appearance, to a #JsonArray of its values as strings, in
 *   command-line order (so list properties see every occurrence and scalar
 *   ones take the last), or %NULL with @error set.
 */
JsonObject *qmem_opts_parse(const char *str, const char *implied_key,
                            gboolean *help, GError **error);

/**
 * qmem_opts_get_last:
 * @opts: the result of qmem_opts_parse()
 * @key: a key
 *
 * Returns: (nullable): the last value of @key, the one a scalar option
 *   takes, or %NULL when @key was not given.
 */
const char *qmem_opts_get_last(JsonObject *opts, const char *key);

/**
 * qmem_opts_check_keys:
 * @opts: the result of qmem_opts_parse()
 * @keys: the %NULL-terminated keys the option group knows
 * @error: return location for a #GError
 *
 * QemuOpts' check of an option group without a catch-all description.
 *
 * Returns: %TRUE when every key of @opts is one of @keys; otherwise
 *   %FALSE with @error set to "Invalid parameter 'KEY'".
 */
gboolean qmem_opts_check_keys(JsonObject *opts, const char *const *keys,
                              GError **error);

/**
 * qmem_keyval_parse:
 * @str: a keyval string such as "pc-dimm,id=d0,memdev=m0" or
 *   "memory-backend-ram,id=m,size=1G,host-nodes.0=0,host-nodes.1=1"
 * @implied_key: (nullable): the key of a leading element without '='
 *   ("driver" for -device, "qom-type" for HMP object_add)
 * @help: (out) (optional): set when "help" or "?" appears
 * @error: return location for a #GError
 *
 * QEMU's keyval_parse(): dotted keys build nested objects; an object whose
 * keys are exactly 0..n-1 becomes an array (keyval_listify).  Values are
 * always strings; errors use QEMU's util/keyval.c texts.  Without @help,
 * a help request fails with "Help is not available for this option".
 *
 * Returns: (transfer full): a #JsonObject whose leaves are strings, or
 *   %NULL with @error set.
 */
JsonObject *qmem_keyval_parse(const char *str, const char *implied_key,
                              gboolean *help, GError **error);

/**
 * qmem_json_parse_object:
 * @str: JSON text whose top level must be an object
 * @error: return location for a #GError
 *
 * Refuses what QEMU's JSON parser refuses, with its texts: duplicate keys
 * ("JSON parse error, duplicate key") and more than one value ("Expecting
 * at most one JSON value").  Other syntax errors are "JSON parse error, "
 * followed by json-glib's line:column and reason; a top level that is not
 * an object is "expected a JSON object".
 *
 * Returns: (transfer full): the object, or %NULL with @error set.
 */
JsonObject *qmem_json_parse_object(const char *str, GError **error);

G_END_DECLS

#endif
