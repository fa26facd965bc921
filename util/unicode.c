/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Modified UTF-8, as QEMU's util/unicode.c (U+0000 is \xC0\x80). */

#include <string.h>

#include "util/unicode.h"

static gboolean is_valid_codepoint(int cp)
{
    if ((unsigned)cp > 0x10FFFFu) {
        return FALSE;
    }
    if ((cp >= 0xFDD0 && cp <= 0xFDEF) || (cp & 0xFFFE) == 0xFFFE) {
        return FALSE;           /* noncharacter */
    }
    if (cp >= 0xD800 && cp <= 0xDFFF) {
        return FALSE;           /* surrogate */
    }
    return TRUE;
}

int qmem_mod_utf8_codepoint(const char *s, size_t n, const char **end)
{
    static const int min_cp[5] = { 0x80, 0x800, 0x10000, 0x200000,
                                   0x4000000 };
    const unsigned char *p = (const unsigned char *)s;
    unsigned byte, mask, len, i;
    int cp;

    if (n == 0 || *s == 0) {
        *end = s;
        return -1;
    }
    byte = *p++;
    if (byte < 0x80) {
        cp = byte;
    } else if (byte >= 0xFE) {
        cp = -1;
    } else if ((byte & 0x40) == 0) {
        cp = -1;                /* stray continuation byte */
    } else {
        len = 0;
        for (mask = 0x80; byte & mask; mask >>= 1) {
            len++;
        }
        cp = byte & (mask - 1);
        for (i = 1; i < len; i++) {
            byte = i < n ? *p : 0;
            if ((byte & 0xC0) != 0x80) {
                cp = -1;
                goto out;
            }
            p++;
            cp = (cp << 6) | (byte & 0x3F);
        }
        if (!is_valid_codepoint(cp)) {
            cp = -1;
        } else if (cp < min_cp[len - 2] && !(cp == 0 && len == 2)) {
            cp = -1;            /* overlong, other than \xC0\x80 */
        }
    }
out:
    *end = (const char *)p;
    return cp;
}

int qmem_mod_utf8_encode(char buf[5], int cp)
{
    if (!is_valid_codepoint(cp)) {
        return -1;
    }
    if (cp > 0 && cp <= 0x7F) {
        buf[0] = cp;
        buf[1] = 0;
        return 1;
    }
    if (cp <= 0x7FF) {
        buf[0] = 0xC0 | (cp >> 6);
        buf[1] = 0x80 | (cp & 0x3F);
        buf[2] = 0;
        return 2;
    }
    if (cp <= 0xFFFF) {
        buf[0] = 0xE0 | (cp >> 12);
        buf[1] = 0x80 | ((cp >> 6) & 0x3F);
        buf[2] = 0x80 | (cp & 0x3F);
        buf[3] = 0;
        return 3;
    }
    buf[0] = 0xF0 | (cp >> 18);
    buf[1] = 0x80 | ((cp >> 12) & 0x3F);
    buf[2] = 0x80 | ((cp >> 6) & 0x3F);
    buf[3] = 0x80 | (cp & 0x3F);
    buf[4] = 0;
    return 4;
}

char *qmem_str_escape_controls(const char *s)
{
    GString *out = g_string_sized_new(strlen(s));
    const char *end = s + strlen(s);

    while (s < end) {
        const char *next;
        int cp = qmem_mod_utf8_codepoint(s, end - s, &next);

        if (cp < 0) {
            g_string_append_printf(out, "\\x%02x", (guchar)*s++);
            continue;
        }
        if ((cp < 0x20 && cp != '\n' && cp != '\t') ||
            (cp >= 0x7f && cp < 0xa0)) {
            g_string_append_printf(out, "\\u%04X", cp);
        } else {
            g_string_append_len(out, s, next - s);
        }
        s = next;
    }
    return g_string_free(out, FALSE);
}
