/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What the x86 guest payload and the VMM agree on: layout, mailbox, port. */

#ifndef QMEM_ACCEL_KVM_X86_GUEST_ABI_H
#define QMEM_ACCEL_KVM_X86_GUEST_ABI_H

/*
 * Included by guest.S as well as by C: plain #defines only.
 *
 * The payload and its page tables live in memory of the accelerator's own
 * (the "private area", one KVM memslot that the machine never sees), so
 * every byte of the machine's RAM, GPA 0 included, can be tested.  The
 * private area sits at guest-physical 2^phys_bits - 1 GiB and is mapped at
 * guest-virtual QMEM_KVM_X86_PRIV_VA, the last GiB of the lower canonical
 * half; everything below that is identity-mapped (VA == GPA) with 2 MiB
 * user pages, so ring 3 reaches any guest-physical address directly.
 */
#define QMEM_KVM_X86_PRIV_VA        0x00007fffc0000000
#define QMEM_KVM_X86_PRIV_WINDOW    0x40000000      /* 1 GiB */

/* Offsets inside the private area (both its GPA and its VA). */
#define QMEM_KVM_X86_PML4           0x0000
#define QMEM_KVM_X86_GDT            0x1000
#define QMEM_KVM_X86_TSS            0x2000          /* + I/O bitmap */
#define QMEM_KVM_X86_MAILBOX        0x5000
#define QMEM_KVM_X86_STACK0_TOP     0x8000          /* TSS.RSP0 */
#define QMEM_KVM_X86_CODE           0x10000         /* the payload */
#define QMEM_KVM_X86_CODE_MAX       0x10000
#define QMEM_KVM_X86_STACK3_TOP     0x30000
#define QMEM_KVM_X86_PRIV_PDPT      0x100000        /* maps the window */
#define QMEM_KVM_X86_PRIV_PD        0x101000
#define QMEM_KVM_X86_ID_PDPTS       0x200000        /* 256 pages */
#define QMEM_KVM_X86_ID_PDS         0x300000        /* one page per GiB */
#define QMEM_KVM_X86_PRIV_MAPPED    0x200000        /* VA-visible bytes */

/* Entry points: offsets inside the payload. */
#define QMEM_KVM_X86_ENTRY_PARK     0x00            /* ring 0: hlt loop */
#define QMEM_KVM_X86_ENTRY_MEMTEST  0x10            /* ring 3: memtest */

/* GDT selectors. */
#define QMEM_KVM_X86_SEL_CODE0      0x08
#define QMEM_KVM_X86_SEL_DATA0      0x10
#define QMEM_KVM_X86_SEL_CODE3      0x1b
#define QMEM_KVM_X86_SEL_DATA3      0x23
#define QMEM_KVM_X86_SEL_TSS        0x28

/*
 * The payload says "idle: results are in the mailbox, give me work" with
 * an OUT to this port.  Ring 3 may: RFLAGS.IOPL is 3, and the TSS has an
 * I/O bitmap that allows every port, because this project's KVM checks the
 * bitmap whatever IOPL says.
 */
#define QMEM_KVM_X86_PORT_IDLE      0xf4

/*
 * The mailbox, 64-bit words at QMEM_KVM_X86_MAILBOX.  In: op, start, end
 * (exclusive), seed.  Out: mismatches, and where the walk ended (end, or
 * the first address the VMM found inaccessible).
 */
#define QMEM_KVM_X86_MB_OP          0
#define QMEM_KVM_X86_MB_START       8
#define QMEM_KVM_X86_MB_END         16
#define QMEM_KVM_X86_MB_SEED        24
#define QMEM_KVM_X86_MB_MISMATCHES  32
#define QMEM_KVM_X86_MB_END_OUT     40
#define QMEM_KVM_X86_MB_SIZE        48

#define QMEM_KVM_X86_OP_WRITE_VERIFY 1
#define QMEM_KVM_X86_OP_VERIFY       2

/*
 * On entry to QMEM_KVM_X86_ENTRY_MEMTEST, %rbx holds the mailbox's VA.
 * During a walk, %r9 holds its end: the VMM lowers it to the first
 * inaccessible address, which ends both passes there.
 */

/* The pattern of the word at guest-physical A: (A ^ seed) * this. */
#define QMEM_KVM_PATTERN_MULTIPLIER 0x9e3779b97f4a7c15

#endif
