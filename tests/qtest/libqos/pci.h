/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libqos PCI: what a guest's PCI code does, through qtest. */

#ifndef QMEM_TESTS_QTEST_LIBQOS_PCI_H
#define QMEM_TESTS_QTEST_LIBQOS_PCI_H

#include "../libqtest.h"

G_BEGIN_DECLS

/*
 * Modelled on QEMU's tests/qtest/libqos/pci.h: a bus reached through
 * configuration mechanism #1 (0xcf8/0xcfc) or, on q35, through
 * MMCONFIG (ECAM) once the guest has enabled it; BARs sized and placed
 * by the test as firmware would, from a window of free guest-physical
 * addresses; MSI-X programmed through the vector table in its BAR.
 */

#define QPCI_VENDOR_ID 0x00
#define QPCI_DEVICE_ID 0x02
#define QPCI_COMMAND 0x04
#define  QPCI_COMMAND_IO 0x1
#define  QPCI_COMMAND_MEMORY 0x2
#define  QPCI_COMMAND_MASTER 0x4
#define  QPCI_COMMAND_INTX_DISABLE 0x400
#define QPCI_STATUS 0x06
#define  QPCI_STATUS_INTERRUPT 0x08
#define  QPCI_STATUS_CAP_LIST 0x10
#define QPCI_REVISION_ID 0x08
#define QPCI_CLASS_DEVICE 0x0a
#define QPCI_BASE_ADDRESS_0 0x10
#define QPCI_SUBSYSTEM_VENDOR_ID 0x2c
#define QPCI_CAPABILITY_LIST 0x34
#define QPCI_INTERRUPT_PIN 0x3d

#define QPCI_CAP_ID_MSIX 0x11
#define QPCI_CAP_ID_VNDR 0x09

#define QPCI_MSIX_FLAGS 2
#define  QPCI_MSIX_FLAGS_QSIZE 0x07ff
#define  QPCI_MSIX_FLAGS_MASKALL 0x4000
#define  QPCI_MSIX_FLAGS_ENABLE 0x8000
#define QPCI_MSIX_TABLE 4
#define QPCI_MSIX_PBA 8
#define QPCI_MSIX_ENTRY_SIZE 16
#define QPCI_MSIX_ENTRY_DATA 8
#define QPCI_MSIX_ENTRY_VECTOR_CTRL 12

/* Where q35's MMCONFIG goes when qpci_init_q35_ecam() enables it. */
#define QPCI_Q35_ECAM_BASE 0xb0000000ULL

/**
 * QPCIBus:
 * @qts: the instance
 * @ecam: 0 for 0xcf8/0xcfc, else the MMCONFIG base address
 * @mmio_alloc: the next free address of the BAR window
 * @mmio_limit: the window's end (exclusive)
 */
typedef struct {
    QTestState *qts;
    uint64_t ecam;
    uint64_t mmio_alloc;
    uint64_t mmio_limit;
} QPCIBus;

/**
 * QPCIDevice:
 * @bus: its bus
 * @devfn: slot << 3 | function
 * @msix_cap: the MSI-X capability's offset, 0 if none or not enabled
 * @msix_table: guest address of the vector table (while enabled)
 * @msix_pba: guest address of the pending bit array
 */
typedef struct {
    QPCIBus *bus;
    int devfn;
    uint8_t msix_cap;
    uint64_t msix_table;
    uint64_t msix_pba;
} QPCIDevice;

/** qpci_init_pc: bus 0 through 0xcf8/0xcfc, BARs from 0xe0000000 up. */
void qpci_init_pc(QPCIBus *bus, QTestState *qts);

/**
 * qpci_init_q35_ecam:
 *
 * As qpci_init_pc(), then enables q35's MMCONFIG at %QPCI_Q35_ECAM_BASE
 * (PCIEXBAR, 256 MiB) the way firmware does and uses it from then on.
 */
void qpci_init_q35_ecam(QPCIBus *bus, QTestState *qts);

/** qpci_device_init: the function at @devfn; asserts that it exists. */
void qpci_device_init(QPCIDevice *dev, QPCIBus *bus, int devfn);

uint8_t qpci_config_readb(QPCIDevice *dev, uint8_t offset);
uint16_t qpci_config_readw(QPCIDevice *dev, uint8_t offset);
uint32_t qpci_config_readl(QPCIDevice *dev, uint8_t offset);
void qpci_config_writeb(QPCIDevice *dev, uint8_t offset, uint8_t value);
void qpci_config_writew(QPCIDevice *dev, uint8_t offset, uint16_t value);
void qpci_config_writel(QPCIDevice *dev, uint8_t offset, uint32_t value);

/**
 * qpci_find_capability:
 * @id: a capability id
 * @start: 0 for the first, else a capability's offset to look after
 *
 * Walks the capability list as a guest does.
 *
 * Returns: the capability's offset, 0 if there is none (after @start).
 */
uint8_t qpci_find_capability(QPCIDevice *dev, uint8_t id, uint8_t start);

/**
 * qpci_iomap:
 * @barno: a BAR
 * @sizeptr: (out) (optional): its size
 *
 * Sizes the memory BAR (all-ones, read back, restore; both halves of a
 * 64-bit one) and gives it the next aligned address of the window, as
 * QEMU's qpci_iomap().  Decoding only starts with qpci_device_enable().
 *
 * Returns: its guest address; asserts that it is an implemented memory
 *   BAR.
 */
uint64_t qpci_iomap(QPCIDevice *dev, int barno, uint64_t *sizeptr);

/** qpci_device_enable: COMMAND |= IO | MEMORY | MASTER, read back. */
void qpci_device_enable(QPCIDevice *dev);

/**
 * qpci_msix_enable:
 *
 * Maps the BARs of the MSI-X table and PBA if need be and sets the
 * enable bit in the capability's message control (function unmasked).
 */
void qpci_msix_enable(QPCIDevice *dev);

/** qpci_msix_disable: clears the enable bit. */
void qpci_msix_disable(QPCIDevice *dev);

/** qpci_msix_set_function_mask: the capability's function mask bit. */
void qpci_msix_set_function_mask(QPCIDevice *dev, bool masked);

/**
 * qpci_msix_set_entry:
 * @entry: a vector
 * @addr: the message address (here: guest RAM, so the write shows there)
 * @data: the message data
 * @masked: the entry's mask bit
 */
void qpci_msix_set_entry(QPCIDevice *dev, uint16_t entry, uint64_t addr,
                         uint32_t data, bool masked);

/** qpci_msix_mask_entry: sets or clears an entry's mask bit alone. */
void qpci_msix_mask_entry(QPCIDevice *dev, uint16_t entry, bool masked);

/** qpci_msix_pending: the entry's bit in the pending bit array. */
bool qpci_msix_pending(QPCIDevice *dev, uint16_t entry);

/** qpci_msix_table_size: vectors the capability says the table has. */
uint16_t qpci_msix_table_size(QPCIDevice *dev);

G_END_DECLS

#endif
