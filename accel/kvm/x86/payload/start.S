/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The payload's entry points: the only assembly besides the accessors. */

/*
 * The VMM puts vCPUs straight into 64-bit mode (KVM_SET_SREGS) with a
 * stack, so the glue only aligns the stack and calls C.  .text.entry comes
 * first in the image (payload.ld), which puts these at the offsets
 * guest-abi.h promises; the build checks them.
 */

#include "../guest-abi.h"

    .section .text.entry, "ax"
    .code64

/*
 * Ring 0, for vCPUs the VMM parks (it never runs them today): halt until
 * something wakes the vCPU, then halt again.  In ring 3 the HLT is a #GP.
 */
    .globl park
park:
    hlt
    jmp park

/*
 * vCPU 0, in ring 3 with IOPL 3, interrupts off (RFLAGS.IF = 0; there is
 * no IDT) and %rsp at the top of its stack.
 */
    .org QMEM_KVM_X86_ENTRY_MAIN
    .globl _start
_start:
    xor %ebp, %ebp
    and $-16, %rsp
    call guest_main
    /* guest_main() does not return; if it did, the HLT crashes (#GP). */
1:
    hlt
    jmp 1b

/*
 * A hot-plugged vCPU, in ring 3 as vCPU 0 but on a stack and a mailbox
 * of its own: it serves memory tests, it drives no device.
 */
    .org QMEM_KVM_X86_ENTRY_WORKER
    .globl _start_worker
_start_worker:
    xor %ebp, %ebp
    and $-16, %rsp
    call guest_worker_main
1:
    hlt
    jmp 1b

    .section .note.GNU-stack, "", @progbits
