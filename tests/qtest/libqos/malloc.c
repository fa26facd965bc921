/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libqos guest allocator. */

#include "malloc.h"

#define ALLOC_ALIGN 0x1000
#define ALLOC_MASK (ALLOC_ALIGN - 1)

void alloc_init(QGuestAllocator *alloc, QTestState *qts, uint64_t start,
                uint64_t end)
{
    alloc->qts = qts;
    alloc->start = alloc->next = start;
    alloc->end = end;
}

uint64_t guest_alloc(QGuestAllocator *alloc, size_t size)
{
    uint64_t addr = alloc->next;

    g_assert_cmpuint(size, >, 0);
    g_assert_cmphex(addr + size, <=, alloc->end);
    alloc->next = (addr + size + ALLOC_ALIGN - 1) & ~(uint64_t)ALLOC_MASK;
    qtest_memset(alloc->qts, addr, 0, size);
    return addr;
}

void guest_free_all(QGuestAllocator *alloc)
{
    alloc->next = alloc->start;
}
