/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Port I/O and MMIO on request: what a driver does, driven by the VMM. */

#include "payload.h"

/* One IN or OUT of @size bytes; %0 for a size ports do not have. */
static int pio_one(uint16_t port, uint64_t size, uint8_t *data, int write)
{
    switch (size) {
    case 1:
        if (write) {
            outb(port, *data);
        } else {
            *data = inb(port);
        }
        return 1;
    case 2:
        if (write) {
            outw(port, *(uint16_t *)data);
        } else {
            *(uint16_t *)data = inw(port);
        }
        return 1;
    case 4:
        if (write) {
            outl(port, *(uint32_t *)data);
        } else {
            *(uint32_t *)data = inl(port);
        }
        return 1;
    }
    return 0;
}

/* REP INS or REP OUTS: @count items at one port, one exit. */
static int pio_string(uint16_t port, uint64_t size, uint64_t count,
                      uint8_t *data, int write)
{
    switch (size) {
    case 1:
        if (write) {
            outsb(port, data, count);
        } else {
            insb(port, data, count);
        }
        return 1;
    case 2:
        if (write) {
            outsw(port, data, count);
        } else {
            insw(port, data, count);
        }
        return 1;
    case 4:
        if (write) {
            outsl(port, data, count);
        } else {
            insl(port, data, count);
        }
        return 1;
    }
    return 0;
}

static int mmio_access(uint64_t addr, uint64_t size, uint8_t *data,
                       int write)
{
    switch (size) {
    case 1:
        if (write) {
            mmio_write8(addr, *data);
        } else {
            *data = mmio_read8(addr);
        }
        return 1;
    case 2:
        if (write) {
            mmio_write16(addr, *(uint16_t *)data);
        } else {
            *(uint16_t *)data = mmio_read16(addr);
        }
        return 1;
    case 4:
        if (write) {
            mmio_write32(addr, *(uint32_t *)data);
        } else {
            *(uint32_t *)data = mmio_read32(addr);
        }
        return 1;
    case 8:
        if (write) {
            mmio_write64(addr, *(uint64_t *)data);
        } else {
            *(uint64_t *)data = mmio_read64(addr);
        }
        return 1;
    }
    return 0;
}

/*
 * The mailbox's data is the buffer: aligned (the mailbox is) and
 * QMEM_KVM_X86_MB_DATA_MAX bytes.  The VMM checks the request, and the
 * guest again, as a driver checks what a device tells it.
 */
void access_run(Mailbox *mb)
{
    uint64_t op = mb->op, addr = mb->start, size = mb->size;
    uint64_t count = mb->count;
    uint8_t *data = (uint8_t *)mb->data;
    int ok = 0;

    if (size && count && count <= QMEM_KVM_X86_MB_DATA_MAX / size) {
        int write = op == QMEM_KVM_X86_OP_PIO_WRITE ||
                    op == QMEM_KVM_X86_OP_MMIO_WRITE;

        switch (op) {
        case QMEM_KVM_X86_OP_PIO_READ:
        case QMEM_KVM_X86_OP_PIO_WRITE:
            if (addr > 0xffff) {
                break;
            }
            ok = count == 1 ? pio_one(addr, size, data, write)
                            : pio_string(addr, size, count, data, write);
            break;
        default:
            ok = guest_map(addr, count * size);
            for (uint64_t i = 0; ok && i < count; i++) {
                ok = mmio_access(addr + i * size, size, data + i * size,
                                 write);
            }
            break;
        }
    }
    mb->status = ok ? QMEM_KVM_X86_STATUS_OK : QMEM_KVM_X86_STATUS_BAD_OP;
}
