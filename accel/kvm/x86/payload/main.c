/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The vCPUs' main loops: serve the mailbox, poll the devices, idle. */

#include "payload.h"

void guest_main(void) __attribute__((noreturn));
void guest_worker_main(void) __attribute__((noreturn));

int guest_map(uint64_t addr, uint64_t size)
{
    Mailbox *mb = MAILBOX;

    mb->map_start = addr;
    mb->map_size = size;
    mb->map_done = 0;
    outb(QMEM_KVM_X86_PORT_MAP, 0);
    return mb->map_done != 0;
}

void guest_idle(void)
{
    /* The VMM reads the results and writes the next request meanwhile. */
    outb(QMEM_KVM_X86_PORT_IDLE, 0);
}

/*
 * Every turn starts at the idle port: the VMM lets the vCPU back in when
 * a request is in the mailbox, a device event wants the drivers to look,
 * or a short timeout passed.  A request is served alone, from one idle
 * exit to the next, so that the VMM knows every access of that turn is
 * the request's; a turn without one polls the devices.
 */
void guest_main(void)
{
    Mailbox *mb = MAILBOX;

    log_str("qmem-guest: running\n");
    if (!mb->no_drivers) {
        drivers_init();
    }
    for (;;) {
        guest_idle();
        switch (mb->op) {
        case QMEM_KVM_X86_OP_NONE:
            if (!mb->no_drivers) {
                drivers_poll();
            }
            break;
        case QMEM_KVM_X86_OP_WRITE_VERIFY:
        case QMEM_KVM_X86_OP_VERIFY:
        case QMEM_KVM_X86_OP_VERIFY_ZERO:
            memtest_run(mb);
            break;
        case QMEM_KVM_X86_OP_PIO_READ:
        case QMEM_KVM_X86_OP_PIO_WRITE:
        case QMEM_KVM_X86_OP_MMIO_READ:
        case QMEM_KVM_X86_OP_MMIO_WRITE:
            access_run(mb);
            break;
        default:
            log_str("qmem-guest: unknown op ");
            log_dec(mb->op);
            log_str("\n");
            mb->status = QMEM_KVM_X86_STATUS_BAD_OP;
            break;
        }
    }
}

/*
 * A hot-plugged vCPU: the same turns from the idle port, on its own
 * mailbox, serving memory tests only (the devices are vCPU 0's).
 */
void guest_worker_main(void)
{
    Mailbox *mb = WORKER_MAILBOX;

    for (;;) {
        guest_idle();
        switch (mb->op) {
        case QMEM_KVM_X86_OP_NONE:
            break;
        case QMEM_KVM_X86_OP_WRITE_VERIFY:
        case QMEM_KVM_X86_OP_VERIFY:
        case QMEM_KVM_X86_OP_VERIFY_ZERO:
            memtest_run(mb);
            break;
        default:
            mb->status = QMEM_KVM_X86_STATUS_BAD_OP;
            break;
        }
    }
}
