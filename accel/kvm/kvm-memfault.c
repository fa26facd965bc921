/* SPDX-License-Identifier: GPL-2.0-or-later */
/* KVM_RUN's EFAULT: a guest page its memory backend could not supply. */

#include <errno.h>
#include <unistd.h>

#include "accel/kvm/kvm-internal.h"
#include "system/runstate.h"

/*
 * Linux 6.8's KVM_EXIT_MEMORY_FAULT: where the kernel says which page it
 * failed on.  Older kernels (Debian 12's 6.1) return EFAULT and nothing
 * else, and the page is searched for.
 */
#ifndef KVM_EXIT_MEMORY_FAULT
#define KVM_EXIT_MEMORY_FAULT 39
#endif

typedef struct {
    guint64 flags;
    guint64 gpa;
    guint64 size;
} KvmMemoryFault;

typedef struct {
    QmemRamBlock *block;
    guint64 offset;
    guint64 gpa;
    int err;
} MemFault;

/*
 * The page at @gpa of a RAM section, if its backend cannot supply it:
 * FALSE when it can now (space came back, or it was never the culprit).
 */
static gboolean fault_at(const QmemMemorySection *sec, guint64 gpa,
                         MemFault *f)
{
    QmemRamBlock *block = qmem_memory_region_get_ram_block(sec->mr);
    guint8 *host = (guint8 *)sec->host +
                   (gpa - sec->offset_within_address_space);

    if (!block) {
        return FALSE;
    }
    f->block = block;
    f->offset = host - (guint8 *)block->host;
    f->gpa = gpa;
    f->err = qmem_ram_block_fault_errno(block, f->offset);
    return f->err != EAGAIN;
}

/*
 * The first page of [lo, hi) in @sec that its file lacks and cannot get.
 * A write walk (the memory test) faults on the first page it lacks, so
 * that is the one: the pages before it are there.
 */
static gboolean find_hole(const QmemMemorySection *sec, guint64 lo,
                          guint64 hi, MemFault *f)
{
    QmemRamBlock *block = qmem_memory_region_get_ram_block(sec->mr);
    guint64 start = sec->offset_within_address_space;
    guint64 base;

    if (!block || block->fd < 0 || !sec->host) {
        return FALSE;
    }
    base = block->fd_offset + ((guint8 *)sec->host - (guint8 *)block->host);
    lo = MAX(lo, start);
    hi = MIN(hi, start + sec->size);
    while (lo < hi) {
        off_t hole = lseek(block->fd, base + (lo - start), SEEK_HOLE);
        guint64 gpa;

        if (hole < 0) {
            return FALSE;
        }
        gpa = start + ((guint64)hole - base);
        if (gpa >= hi) {
            return FALSE;
        }
        if (fault_at(sec, gpa, f)) {
            return TRUE;
        }
        lo = gpa + block->page_size;
    }
    return FALSE;
}

/* Which page KVM could not get: the kernel's word, or a search. */
static gboolean kvm_find_fault(QmemKvmAccel *s, QmemKvmVcpu *cpu,
                               MemFault *f)
{
    const QmemMemorySection *sections;
    QmemKvmRequest *req = cpu->turn_req;
    guint64 lo = 0, hi = G_MAXUINT64;
    guint n;

    if (cpu->run->exit_reason == KVM_EXIT_MEMORY_FAULT) {
        const KvmMemoryFault *mf = (const KvmMemoryFault *)&cpu->run->mmio;
        const QmemMemorySection *sec = qmem_address_space_lookup(s->as,
                                                                 mf->gpa);

        cpu->run->exit_reason = KVM_EXIT_UNKNOWN;
        return sec && sec->host && fault_at(sec, mf->gpa, f);
    }
    if (req && req->kind == QMEM_KVM_REQUEST_MEMTEST) {
        lo = req->start;
        hi = req->end;
    }
    sections = qmem_address_space_get_sections(s->as, &n);
    for (guint i = 0; i < n; i++) {
        if (find_hole(&sections[i], lo, hi, f)) {
            return TRUE;
        }
    }
    return FALSE;
}

QmemKvmFaultAction qmem_kvm_memory_fault(QmemKvmAccel *s, QmemKvmVcpu *cpu)
{
    MemFault f;

    if (!kvm_find_fault(s, cpu, &f)) {
        /*
         * Either a page came back (fault_at() allocated it) and the
         * access can go again, or the EFAULT is not about memory at all.
         */
        return cpu->fault_retries++ < QMEM_KVM_FAULT_RETRIES
               ? QMEM_KVM_FAULT_RETRY : QMEM_KVM_FAULT_UNKNOWN;
    }
    cpu->fault_retries = 0;
    qmem_vm_stop_on_memory_error(f.block, f.offset, f.gpa, f.err);
    return QMEM_KVM_FAULT_STOPPED;
}
