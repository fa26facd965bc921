/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The memory test: write a pattern to guest-physical memory, read it back. */

#include "payload.h"

static inline uint64_t pattern(uint64_t addr, uint64_t seed)
{
    return (addr ^ seed) * QMEM_KVM_PATTERN_MULTIPLIER;
}

/*
 * VERIFY_ZERO: every word must read 0, as freshly plugged memory does.
 * It only reads, so memory nobody wrote stays unpopulated on the host
 * (the reads map the zero page).  The end is read before every word, as
 * in the other walks.
 */
static uint64_t verify_zero(Mailbox *mb)
{
    uint64_t mismatches = 0;

    for (uint64_t a = mb->start; a < mb->end; a += 8) {
        if (*(volatile uint64_t *)a) {
            mismatches++;
        }
    }
    return mismatches;
}

/*
 * Every word is one 8-byte access (volatile): the walk is what the test
 * proves, so the compiler may neither merge nor drop accesses.  The end
 * is read from the mailbox before each word, because the VMM lowers it
 * when an access finds no memory there (a KVM_EXIT_MMIO).  The write
 * pass covers the whole range before the read pass starts, so that pages
 * that alias each other show up as mismatches.
 */
void memtest_run(Mailbox *mb)
{
    uint64_t start = mb->start;
    uint64_t seed = mb->seed;
    uint64_t mismatches = 0;
    uint64_t a;

    if (mb->op == QMEM_KVM_X86_OP_VERIFY_ZERO) {
        mb->mismatches = verify_zero(mb);
        mb->end_out = mb->end;
        mb->status = QMEM_KVM_X86_STATUS_OK;
        return;
    }
    if (mb->op == QMEM_KVM_X86_OP_WRITE_VERIFY) {
        for (a = start; a < mb->end; a += 8) {
            *(volatile uint64_t *)a = pattern(a, seed);
        }
    }
    for (a = start; a < mb->end; a += 8) {
        if (*(volatile uint64_t *)a != pattern(a, seed)) {
            mismatches++;
        }
    }
    mb->mismatches = mismatches;
    mb->end_out = mb->end;
    mb->status = QMEM_KVM_X86_STATUS_OK;
}
