/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The payload's log: strings and numbers to the VMM's log port. */

#include <stdarg.h>

#include "payload.h"

void log_write(const char *s, size_t len)
{
    if (len) {
        /* One REP OUTSB is one exit, whatever the length. */
        outsb(QMEM_KVM_X86_PORT_LOG, s, len);
    }
}

void log_str(const char *s)
{
    log_write(s, strlen(s));
}

void log_hex(uint64_t v)
{
    char buf[18] = "0x";

    for (int i = 0; i < 16; i++) {
        buf[17 - i] = "0123456789abcdef"[v & 15];
        v >>= 4;
    }
    log_write(buf, sizeof(buf));
}

void log_dec(uint64_t v)
{
    char buf[20];
    size_t i = sizeof(buf);

    do {
        buf[--i] = '0' + v % 10;
        v /= 10;
    } while (v);
    log_write(buf + i, sizeof(buf) - i);
}

/* Appends @v in @base, at least @width digits (zero-padded). */
static size_t fmt_num(char *out, size_t room, uint64_t v, unsigned base,
                      unsigned width)
{
    char digits[24];
    size_t n = 0, i;

    do {
        digits[n++] = "0123456789abcdef"[v % base];
        v /= base;
    } while (v);
    while (n < width && n < sizeof(digits)) {
        digits[n++] = '0';
    }
    for (i = 0; i < n && i < room; i++) {
        out[i] = digits[n - 1 - i];
    }
    return i;
}

void log_printf(const char *fmt, ...)
{
    char buf[256];
    size_t len = 0;
    va_list ap;

    va_start(ap, fmt);
    for (const char *p = fmt; *p && len < sizeof(buf); p++) {
        unsigned width = 0, longs = 0;
        uint64_t v;

        if (*p != '%') {
            buf[len++] = *p;
            continue;
        }
        p++;
        while (*p >= '0' && *p <= '9') {
            width = width * 10 + (*p++ - '0');
        }
        while (*p == 'l') {
            longs++;
            p++;
        }
        switch (*p) {
        case 's':
            for (const char *s = va_arg(ap, const char *);
                 *s && len < sizeof(buf); s++) {
                buf[len++] = *s;
            }
            continue;
        case 'c':
            buf[len++] = (char)va_arg(ap, int);
            continue;
        case 'd': {
            int64_t d = longs ? va_arg(ap, int64_t) : va_arg(ap, int);

            v = d;
            if (d < 0) {
                buf[len++] = '-';
                v = -v;
            }
            len += fmt_num(buf + len, sizeof(buf) - len, v, 10, width);
            continue;
        }
        case 'u':
        case 'x':
            v = longs ? va_arg(ap, uint64_t) : va_arg(ap, unsigned);
            len += fmt_num(buf + len, sizeof(buf) - len, v,
                           *p == 'x' ? 16 : 10, width);
            continue;
        case '%':
            buf[len++] = '%';
            continue;
        default:
            p--;
            continue;
        }
    }
    va_end(ap);
    log_write(buf, len);
}
