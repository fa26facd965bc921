/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What the drivers share: the machine's memory map, scratch and DMA memory. */

#include "payload.h"

Platform platform;

/* .bss: both start over when the VMM restores the image. */
static uint64_t scratch_used;
static uint64_t dma_base, dma_used;

void *scratch_alloc(uint64_t size)
{
    uint8_t *p = (uint8_t *)(QMEM_KVM_X86_PRIV_VA + QMEM_KVM_X86_SCRATCH) +
                 scratch_used;

    size = ALIGN_UP(size, 16);
    if (size > QMEM_KVM_X86_SCRATCH_SIZE - scratch_used) {
        return NULL;
    }
    scratch_used += size;
    memset(p, 0, size);
    return p;
}

/*
 * The top QMEM_GUEST_DMA_SIZE bytes of RAM below 4 GiB: where a firmware
 * keeps what it needs for itself, and (unlike low memory) what no test
 * of boot RAM starts from.  Carved out once, on the first request.
 */
uint64_t dma_alloc(uint64_t size, uint64_t align)
{
    uint64_t off;

    if (!dma_base) {
        if (platform.low_ram_end < 16 * MiB) {
            return 0;
        }
        dma_base = platform.low_ram_end - QMEM_GUEST_DMA_SIZE;
        log_printf("qmem-guest: driver memory 0x%lx-0x%lx (reserved from "
                   "RAM below 4 GiB)\n", dma_base,
                   dma_base + QMEM_GUEST_DMA_SIZE - 1);
    }
    off = ALIGN_UP(dma_used, align);
    if (off > QMEM_GUEST_DMA_SIZE || size > QMEM_GUEST_DMA_SIZE - off) {
        return 0;
    }
    dma_used = off + size;
    memset((void *)(dma_base + off), 0, size);
    return dma_base + off;
}

int e820_overlaps(uint64_t addr, uint64_t size)
{
    for (uint32_t i = 0; i < platform.n_e820; i++) {
        const E820Entry *e = &platform.e820[i];

        if (addr < e->addr + e->len && e->addr < addr + size) {
            return 1;
        }
    }
    return 0;
}
