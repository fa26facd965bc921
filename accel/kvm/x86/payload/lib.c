/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The few library functions a freestanding compiler may call. */

#include "payload.h"

/*
 * GCC and clang may emit calls to memset and memcpy for struct copies and
 * initializers even with -ffreestanding; the build keeps them from
 * turning these loops back into calls to themselves.
 */
void *memset(void *s, int c, size_t n)
{
    unsigned char *p = s;

    while (n--) {
        *p++ = c;
    }
    return s;
}

void *memcpy(void *dst, const void *src, size_t n)
{
    unsigned char *d = dst;
    const unsigned char *s = src;

    while (n--) {
        *d++ = *s++;
    }
    return dst;
}

size_t strlen(const char *s)
{
    size_t n = 0;

    while (s[n]) {
        n++;
    }
    return n;
}

int memcmp(const void *a, const void *b, size_t n)
{
    const unsigned char *p = a, *q = b;

    for (; n; n--, p++, q++) {
        if (*p != *q) {
            return *p < *q ? -1 : 1;
        }
    }
    return 0;
}
