/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What the x86 guest payload and the VMM agree on: layout, mailbox, ports. */

#ifndef QMEM_ACCEL_KVM_X86_GUEST_ABI_H
#define QMEM_ACCEL_KVM_X86_GUEST_ABI_H

/*
 * Included by the payload (freestanding C, its assembly glue and its
 * linker script, through the preprocessor) and by the VMM (accel/kvm/x86).
 * Plain #defines, and C types only outside assembly.
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
#define QMEM_KVM_X86_MAILBOX_WORKER 0x6000          /* hot-plugged vCPUs' */
#define QMEM_KVM_X86_STACK0_TOP     0x8000          /* TSS.RSP0 */
#define QMEM_KVM_X86_CODE           0x10000         /* the payload image */
#define QMEM_KVM_X86_CODE_MAX       0x10000
#define QMEM_KVM_X86_STACK3_TOP     0x30000
#define QMEM_KVM_X86_SCRATCH        0x30000         /* the drivers' memory */
#define QMEM_KVM_X86_SCRATCH_SIZE   0xd0000
#define QMEM_KVM_X86_PRIV_PDPT      0x100000        /* maps the window */
#define QMEM_KVM_X86_PRIV_PD        0x101000
#define QMEM_KVM_X86_STACK_WORKER_TOP 0x110000      /* hot-plugged vCPUs' */
#define QMEM_KVM_X86_ID_PDPTS       0x200000        /* 256 pages */
#define QMEM_KVM_X86_ID_PDS         0x300000        /* one page per GiB */
#define QMEM_KVM_X86_PRIV_MAPPED    0x200000        /* VA-visible bytes */

/*
 * Entry points: offsets inside the payload image (start.S puts them
 * there; the build checks it).  The image is linked to run at
 * QMEM_KVM_X86_PRIV_VA + QMEM_KVM_X86_CODE, its .data and .bss included,
 * so the VMM restores all of it by copying the image again.
 */
#define QMEM_KVM_X86_ENTRY_PARK     0x00            /* ring 0: hlt loop */
#define QMEM_KVM_X86_ENTRY_MAIN     0x10            /* ring 3: guest_main */
#define QMEM_KVM_X86_ENTRY_WORKER   0x20            /* ring 3: guest_worker_main */

/* GDT selectors. */
#define QMEM_KVM_X86_SEL_CODE0      0x08
#define QMEM_KVM_X86_SEL_DATA0      0x10
#define QMEM_KVM_X86_SEL_CODE3      0x1b
#define QMEM_KVM_X86_SEL_DATA3      0x23
#define QMEM_KVM_X86_SEL_TSS        0x28

/*
 * Ports the VMM answers itself, before the machine's I/O address space
 * (ring 3 may use them: RFLAGS.IOPL is 3, and the TSS has an I/O bitmap
 * that allows every port, because this project's KVM checks the bitmap
 * whatever IOPL says).
 *
 * QMEM_KVM_X86_PORT_IDLE: an OUT says "idle: the results of the last
 * request are in the mailbox; give me work".  The vCPU thread sleeps
 * until there is a request, a kick or a short timeout, then re-enters the
 * guest, which reads the mailbox's op.
 *
 * QMEM_KVM_X86_PORT_LOG: the guest's log, bytes written with OUT or
 * REP OUTSB (one exit per string); the VMM collects them into lines.
 * QEMU's isa-debugcon port.
 */
#define QMEM_KVM_X86_PORT_IDLE      0xf4
#define QMEM_KVM_X86_PORT_LOG       0xe9

/*
 * QMEM_KVM_X86_PORT_MAP: an OUT asks the VMM to make the identity map
 * cover [mailbox.map_start, + map_size) (page directories are written on
 * demand, 4 KiB per GiB); map_done says whether it does now.  The first
 * 4 GiB (RAM below 4 GiB, the PCI hole, the APICs) are mapped from the
 * start.
 */
#define QMEM_KVM_X86_PORT_MAP       0xf5

/* The mailbox's ops (mailbox.op). */
#define QMEM_KVM_X86_OP_NONE         0      /* poll the devices */
#define QMEM_KVM_X86_OP_WRITE_VERIFY 1
#define QMEM_KVM_X86_OP_VERIFY       2
#define QMEM_KVM_X86_OP_PIO_READ     3
#define QMEM_KVM_X86_OP_PIO_WRITE    4
#define QMEM_KVM_X86_OP_MMIO_READ    5
#define QMEM_KVM_X86_OP_MMIO_WRITE   6
#define QMEM_KVM_X86_OP_VERIFY_ZERO  7

/* mailbox.status after a request. */
#define QMEM_KVM_X86_STATUS_OK       0
#define QMEM_KVM_X86_STATUS_BAD_OP   1      /* unknown op, size or count */

/* Bytes of mailbox.data: what one access request moves. */
#define QMEM_KVM_X86_MB_DATA_MAX    1024

/* The pattern of the word at guest-physical A: (A ^ seed) * this. */
#define QMEM_KVM_PATTERN_MULTIPLIER 0x9e3779b97f4a7c15

#ifndef __ASSEMBLER__
#include <stdint.h>

/*
 * The mailbox, at QMEM_KVM_X86_MAILBOX.  The VMM writes the request while
 * vCPU 0 is stopped at the idle port; the guest reads it when it comes
 * back from the idle OUT and has written the results by its next one.
 *
 * Memory tests (WRITE_VERIFY, VERIFY, VERIFY_ZERO, which compares with 0
 * instead of the pattern): [start, end), seed; out:
 * mismatches and end_out, where the walk ended.  The guest reads end
 * before every word: when the walk touches memory without a memslot (a
 * KVM_EXIT_MMIO) the VMM lowers end to that address, which ends both
 * passes there.
 *
 * Accesses (PIO_*, MMIO_*): count accesses of size bytes (1, 2, 4; 8 for
 * MMIO) at start, data[] holding what is written or what was read, in
 * order.  Port I/O uses one IN/OUT, or REP INS/OUTS at one port when
 * count > 1; MMIO accesses go to start, start + size, ...
 *
 * no_drivers: the VMM sets it before the payload starts
 * ("x-guest-drivers" off): the payload then runs no driver.
 */
struct qmem_kvm_x86_mailbox {
    uint64_t op;
    uint64_t start;
    uint64_t end;
    uint64_t seed;
    uint64_t size;
    uint64_t count;
    uint64_t status;
    uint64_t mismatches;
    uint64_t end_out;
    uint64_t map_start;
    uint64_t map_size;
    uint64_t map_done;
    uint64_t no_drivers;        /* set by the VMM at (re)start */
    uint8_t data[QMEM_KVM_X86_MB_DATA_MAX];
};
#endif

#endif
