/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The guest payload: a ring-3 memory walker driven through a mailbox. */

/*
 * Position-independent 64-bit code without relocations: the build copies
 * .text to a flat binary (objcopy -O binary) and the VMM places it at
 * QMEM_KVM_X86_CODE in its private area.  On this project's KVM ring-0
 * code is emulated (slow) while ring 3 runs natively, so the walk runs in
 * ring 3 and leaves the guest only when it is done or touches memory
 * without a memslot.  No SSE/AVX, xsave, cmpxchg16b or int3: the emulator
 * does not handle them.
 */

#include "guest-abi.h"

    .code64
    .text

/*
 * Secondary vCPUs start here in ring 0 and halt; without an in-kernel
 * irqchip each HLT is a KVM_EXIT_HLT, after which the VMM parks them.
 */
    .org QMEM_KVM_X86_ENTRY_PARK
park:
    hlt
    jmp park

/*
 * vCPU 0 starts here in ring 3, %rbx = mailbox.  Loop: report idle, then
 * run the request the VMM left in the mailbox.
 *
 * %r8 start, %r9 end (the VMM may lower it), %r10 multiplier, %r11 seed,
 * %rdi cursor, %rcx mismatches.
 */
    .org QMEM_KVM_X86_ENTRY_MEMTEST
memtest:
    movabs $QMEM_KVM_PATTERN_MULTIPLIER, %r10
idle:
    mov $QMEM_KVM_X86_PORT_IDLE, %edx
    out %al, %dx
    mov QMEM_KVM_X86_MB_START(%rbx), %r8
    mov QMEM_KVM_X86_MB_END(%rbx), %r9
    mov QMEM_KVM_X86_MB_SEED(%rbx), %r11
    cmpq $QMEM_KVM_X86_OP_WRITE_VERIFY, QMEM_KVM_X86_MB_OP(%rbx)
    jne verify

    /* Write the whole range first, so that aliased pages show up. */
    mov %r8, %rdi
    cmp %r9, %rdi
    jae verify
write_loop:
    mov %rdi, %rax
    xor %r11, %rax
    imul %r10, %rax
    mov %rax, (%rdi)
    add $8, %rdi
    cmp %r9, %rdi
    jb write_loop

verify:
    xor %ecx, %ecx
    mov %r8, %rdi
    cmp %r9, %rdi
    jae done
verify_loop:
    mov %rdi, %rax
    xor %r11, %rax
    imul %r10, %rax
    mov (%rdi), %rdx
    cmp %rdx, %rax
    jne mismatch
verify_next:
    add $8, %rdi
    cmp %r9, %rdi
    jb verify_loop

done:
    mov %rcx, QMEM_KVM_X86_MB_MISMATCHES(%rbx)
    mov %r9, QMEM_KVM_X86_MB_END_OUT(%rbx)
    jmp idle

mismatch:
    inc %rcx
    jmp verify_next
