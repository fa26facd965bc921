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
 * buffers) is guest-physical RAM, identity-mapped (dma_alloc()).
 * log_printf() reports what it finds; a driver that finds no device
 * stays silent.
 *
 * The order is the boot order: fw_cfg first (the memory map, the ACPI
 * tables), then what reads the tables, then PCI, which places every BAR
 * as a firmware would before the device drivers look at their functions.
 */
static const Driver *const drivers[] = {
    &fw_cfg_driver,
    &acpi_driver,
    &pci_driver,
    &virtio_mem_driver,
    &virtio_pmem_driver,
    &memory_hotplug_driver,
    &nvdimm_driver,
};

void drivers_init(void)
{
    for (size_t i = 0; i < ARRAY_SIZE(drivers); i++) {
        if (drivers[i]->init) {
            drivers[i]->init();
        }
    }
}

void drivers_poll(void)
{
    for (size_t i = 0; i < ARRAY_SIZE(drivers); i++) {
        if (drivers[i]->poll) {
            drivers[i]->poll();
        }
    }
}
