/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The payload's log: strings and numbers to the VMM's log port. */

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
