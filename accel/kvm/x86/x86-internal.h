/* SPDX-License-Identifier: GPL-2.0-or-later */
/* x86 parts of the KVM accelerator: the embedded payload and VM state. */

#ifndef QMEM_ACCEL_KVM_X86_X86_INTERNAL_H
#define QMEM_ACCEL_KVM_X86_X86_INTERNAL_H

#include <glib.h>
#include <linux/kvm.h>

G_BEGIN_DECLS

/* The payload image (generated from payload/ by bin2c.py at build time). */
extern const unsigned char qmem_kvm_x86_guest[];
extern const gsize qmem_kvm_x86_guest_size;

#define PAGE_SIZE_4K        0x1000ULL
#define PAGE_SIZE_2M        0x200000ULL
#define GIB                 0x40000000ULL

/* 4-level paging: present, writable, user; 2 MiB pages. */
#define PTE_P               (1ULL << 0)
#define PTE_RW              (1ULL << 1)
#define PTE_US              (1ULL << 2)
#define PTE_PS              (1ULL << 7)
#define PTE_TABLE           (PTE_P | PTE_RW | PTE_US)
#define PTE_LARGE           (PTE_P | PTE_RW | PTE_US | PTE_PS)
#define PML4_SHIFT          39
#define PDPT_SHIFT          30
#define PD_SHIFT            21
#define TABLE_INDEX(va, shift) (((va) >> (shift)) & 511)

/* The VM's x86 state (QmemKvmAccel.arch). */
typedef struct {
    struct kvm_cpuid2 *cpuid;
    guint phys_bits;
    guint64 priv_gpa;           /* 2^phys_bits - 1 GiB */
    guint8 *priv;
    gsize priv_size;
    guint64 limit;              /* identity map: [0, limit) */
} QmemKvmX86State;

/*
 * mailbox.c: makes [@start, @end) of the identity map present, 4 KiB of
 * page directory per GiB; @end is at most the map's limit.
 */
void qmem_kvm_x86_map_range(QmemKvmX86State *x, guint64 start, guint64 end);

/* The page table (or other structure) at @offset in the private area. */
static inline guint64 *qmem_kvm_x86_table(QmemKvmX86State *x, guint64 offset)
{
    return (guint64 *)(x->priv + offset);
}

G_END_DECLS

#endif
