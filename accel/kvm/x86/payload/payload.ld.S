/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The payload's image: linked where the guest sees it, in one piece. */

/*
 * Run through the C preprocessor (for guest-abi.h).  Everything the image
 * needs at run time, .data and .bss included, is in the flat binary that
 * objcopy makes from it, so the VMM restores the whole payload by copying
 * the image again; nothing is relocated at run time.
 */

#include "../guest-abi.h"

ENTRY(_start)

/* Code and constants, then data: no segment is writable and executable. */
PHDRS
{
    text PT_LOAD FLAGS(5);
    data PT_LOAD FLAGS(6);
}

SECTIONS
{
    . = QMEM_KVM_X86_PRIV_VA + QMEM_KVM_X86_CODE;
    .text : {
        KEEP(*(.text.entry))
        *(.text .text.*)
    } :text
    .rodata : {
        *(.rodata .rodata.*)
        *(.data.rel.ro .data.rel.ro.*)
    } :text
    /* .bss is zeros in the image, so that a restart clears it too. */
    .data : {
        *(.data .data.*)
        *(.bss .bss.*)
        *(COMMON)
        . = ALIGN(8);
        QUAD(0)
    } :data
    /DISCARD/ : {
        *(.comment)
        *(.note .note.*)
        *(.eh_frame .eh_frame_hdr)
    }
}
