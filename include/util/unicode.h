/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Modified UTF-8, as QEMU's util/unicode.c (U+0000 is \xC0\x80). */

#ifndef QMEM_UTIL_UNICODE_H
#define QMEM_UTIL_UNICODE_H

#include <glib.h>

G_BEGIN_DECLS

/**
 * qmem_mod_utf8_codepoint:
 * @s: the text
 * @n: how many bytes of @s may be read at most
 * @end: (out): where the next character starts
 *
 * Decodes one character of @s.  Invalid sequences, overlong forms (but
 * \xC0\x80), surrogates and noncharacters are errors.
 *
 * Returns: the code point, or -1 (also at the end of @s).
 */
int qmem_mod_utf8_codepoint(const char *s, size_t n, const char **end);

/**
 * qmem_mod_utf8_encode:
 * @buf: room for four bytes and a NUL
 * @cp: a code point
 *
 * Encodes @cp, U+0000 as \xC0\x80.
 *
 * Returns: the length, or -1 when @cp is not a valid character.
 */
int qmem_mod_utf8_encode(char buf[5], int cp);

/**
 * qmem_str_escape_controls:
 * @s: text that may hold anything a user typed
 *
 * What a message may show of @s on a terminal: valid UTF-8 characters
 * stay, newlines and tabs too; other control characters (C0, DEL, C1)
 * become "\uXXXX" (U+0000, \xC0\x80 in modified UTF-8, "\u0000"), and
 * a byte that starts no valid character "\xNN".
 *
 * Returns: (transfer full): the escaped text.
 */
char *qmem_str_escape_controls(const char *s);

G_END_DECLS

#endif
