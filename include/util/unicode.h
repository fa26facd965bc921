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

G_END_DECLS

#endif
