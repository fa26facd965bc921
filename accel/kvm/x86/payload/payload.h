/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The payload's parts and what they share: mailbox, log, drivers. */

#ifndef QMEM_KVM_PAYLOAD_PAYLOAD_H
#define QMEM_KVM_PAYLOAD_PAYLOAD_H

#include <stddef.h>
#include <stdint.h>
#include "../guest-abi.h"
#include "io.h"

/*
 * The payload is freestanding C: no libc, no floating point or vector
 * registers (-mgeneral-regs-only; CR4.OSFXSR is clear, so SSE would #UD),
 * no stack protector.  It runs in ring 3 with interrupts off and no IDT:
 * any exception is a triple fault, which the VMM reports and answers by
 * restarting the payload from its entry point.
 */

typedef volatile struct qmem_kvm_x86_mailbox Mailbox;

/* The mailbox, in the private area. */
#define MAILBOX ((Mailbox *)(QMEM_KVM_X86_PRIV_VA + QMEM_KVM_X86_MAILBOX))

/* main.c: gives the vCPU back to the VMM until there is work. */
void guest_idle(void);

/*
 * main.c: makes guest-physical [addr, addr + size) addressable (the
 * identity map grows on demand; the first 4 GiB are there from the
 * start).  Call it before touching memory above 4 GiB, such as a 64-bit
 * BAR.  Returns: 1, or 0 when the range is beyond what the guest can
 * address.
 */
int guest_map(uint64_t addr, uint64_t size);

/* memtest.c: the memory test requests. */
void memtest_run(Mailbox *mb);

/* access.c: the port I/O and MMIO requests. */
void access_run(Mailbox *mb);

/*
 * log.c: the log channel (QMEM_KVM_X86_PORT_LOG).  The VMM collects the
 * bytes into lines: end each message with '\n'.
 */
void log_write(const char *s, size_t len);
void log_str(const char *s);
void log_hex(uint64_t v);       /* "0x" and 16 hex digits */
void log_dec(uint64_t v);

/* drivers.c: every driver's init at start, its poll between requests. */
void drivers_init(void);
void drivers_poll(void);

/* lib.c: what the compiler may call even in freestanding code. */
void *memset(void *s, int c, size_t n);
void *memcpy(void *dst, const void *src, size_t n);
size_t strlen(const char *s);

#endif
