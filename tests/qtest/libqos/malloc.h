/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libqos guest allocator: memory for rings and buffers in guest RAM. */

#ifndef QMEM_TESTS_QTEST_LIBQOS_MALLOC_H
#define QMEM_TESTS_QTEST_LIBQOS_MALLOC_H

#include "../libqtest.h"

G_BEGIN_DECLS

/*
 * QEMU's QGuestAllocator reduced to what these tests need: a bump
 * allocator over a range of guest RAM the test owns (nothing there is
 * used by firmware under qtest).  Memory is zeroed when handed out;
 * guest_free_all() starts over.
 */
typedef struct {
    QTestState *qts;
    uint64_t start;
    uint64_t next;
    uint64_t end;
} QGuestAllocator;

/** alloc_init: allocate from [@start, @end) of guest RAM. */
void alloc_init(QGuestAllocator *alloc, QTestState *qts, uint64_t start,
                uint64_t end);

/**
 * guest_alloc:
 * @size: bytes, more than 0
 *
 * Returns: the guest address of @size zeroed bytes, 4 KiB aligned (the
 *   strictest alignment a split ring asks is 16).
 */
uint64_t guest_alloc(QGuestAllocator *alloc, size_t size);

/** guest_free_all: every allocation is free again. */
void guest_free_all(QGuestAllocator *alloc);

G_END_DECLS

#endif
