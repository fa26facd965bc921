/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Scalar parsing and formatting with QEMU's exact rules (util/cutils.c). */

#ifndef QMEM_UTIL_CUTILS_H
#define QMEM_UTIL_CUTILS_H

#include <glib.h>

G_BEGIN_DECLS

/**
 * qmem_strtosz:
 * @nptr: the string to parse
 * @end: (out) (optional): where parsing stopped; when %NULL the whole string
 *   must be consumed
 * @result: (out): the value, 0 on error
 *
 * QEMU's qemu_strtosz(): a decimal (or 0x hex) number with an optional
 * fraction and one optional suffix B, K, M, G, T, P, E (powers of 1024,
 * case-insensitive).  No suffix means bytes.
 *
 * Returns: 0, -EINVAL for malformed input, -ERANGE for negative numbers or
 *   values above 2^64 - 1.
 */
int qmem_strtosz(const char *nptr, const char **end, guint64 *result);

/**
 * qmem_strtosz_MiB:
 *
 * As qmem_strtosz(), but a number without a suffix means MiB
 * (QEMU's qemu_strtosz_MiB(), used by `-m` and `-numa node,mem=`).
 */
int qmem_strtosz_MiB(const char *nptr, const char **end, guint64 *result);

/**
 * qmem_strtosz_metric:
 *
 * As qmem_strtosz(), with powers of 1000.
 */
int qmem_strtosz_metric(const char *nptr, const char **end, guint64 *result);

/**
 * qmem_size_to_str:
 * @val: a byte count
 *
 * QEMU's size_to_str(): three significant digits with an IEC prefix,
 * e.g. "0 B", "0.992 KiB", "1 KiB", "512 MiB", "16 EiB".
 *
 * Returns: (transfer full): the text
 */
char *qmem_size_to_str(guint64 val);

/**
 * qmem_strtoi64:
 * @nptr: the string; leading white space allowed, nothing may follow
 * @base: 0 for C rules (0x hex, 0 octal), else 2..36
 * @result: (out): the value
 *
 * As QEMU, @result is also set on error: 0 when there is no number at
 * all, the number parsed so far when junk follows it, G_MININT64 or
 * G_MAXINT64 on overflow (-EINVAL when junk follows an overflow).
 *
 * Returns: 0, -EINVAL (empty, junk, NULL) or -ERANGE.
 */
int qmem_strtoi64(const char *nptr, int base, gint64 *result);

/**
 * qmem_strtou64:
 *
 * As qmem_strtoi64(), unsigned; a leading '-' wraps modulo 2^64
 * ("-1" -> G_MAXUINT64) as QEMU's qemu_strtou64() does.
 */
int qmem_strtou64(const char *nptr, int base, guint64 *result);

/**
 * qmem_parse_uint:
 *
 * As qmem_strtou64() but negative numbers are -ERANGE and @end, when not
 * %NULL, receives where parsing stopped (QEMU's parse_uint(), used by the
 * opts visitor).
 */
int qmem_parse_uint(const char *nptr, const char **end, int base,
                    guint64 *result);

/**
 * qmem_parse_bool:
 * @str: "on", "yes", "true", "y" or "off", "no", "false", "n"
 * @result: (out): the value
 *
 * Returns: %TRUE when @str is one of the words (case-sensitive, as QEMU).
 */
gboolean qmem_parse_bool(const char *str, gboolean *result);

/**
 * qmem_id_wellformed:
 * @id: an object or device id
 *
 * Returns: %TRUE if @id starts with a letter and continues with letters,
 *   digits, '-', '.' and '_' only.
 */
gboolean qmem_id_wellformed(const char *id);

G_END_DECLS

#endif
