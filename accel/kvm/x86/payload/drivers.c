/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The payload's device drivers: probed at start, polled between requests. */

#include "payload.h"

/*
 * A driver is a pair of functions in a file of its own (fw-cfg.c,
 * pci.c, ...), listed below and in meson.build's kvm_payload_sources:
 *
 * - init() runs once when the payload starts (and again after the VMM
 *   restarts it): find the device (a PCI config-space scan through ports
 *   0xcf8/0xcfc, fw_cfg's signature at 0x510, a virtio-pci BAR) and set
 *   it up, with the accessors of io.h;
 * - poll() runs in every turn that carries no request: at least every
 *   10 ms, and at once after a device event kicks the vCPU (an interrupt
 *   the VMM raised for a device, e.g. an MSI).  It must return soon: the
 *   next request waits for it.
 *
 * There are no interrupts (RFLAGS.IF is 0 and there is no IDT), so a
 * driver polls its device's state; memory it shares with a device (rings,
 * buffers) is guest-physical RAM, identity-mapped.  log_str()/log_hex()
 * report what it finds.
 */
typedef struct {
    const char *name;
    void (*init)(void);
    void (*poll)(void);
} Driver;

static const Driver drivers[] = {
    { NULL, NULL, NULL },
};

void drivers_init(void)
{
    for (const Driver *d = drivers; d->name; d++) {
        if (d->init) {
            d->init();
        }
    }
}

void drivers_poll(void)
{
    for (const Driver *d = drivers; d->name; d++) {
        if (d->poll) {
            d->poll();
        }
    }
}
