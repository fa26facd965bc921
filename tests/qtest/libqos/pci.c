/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libqos PCI: config access, BAR placement and MSI-X through qtest. */

#include "pci.h"

/* The window BARs go into: under the IOAPIC, as QEMU's libqos pci-pc. */
#define MMIO_WINDOW_BASE 0xe0000000ULL
#define MMIO_WINDOW_END 0xfec00000ULL

/* q35's MCH: PCIEXBAR at 0x60 of 00.0; 256 MiB, enabled. */
#define Q35_PCIEXBAR 0x60
#define Q35_PCIEXBAR_ENABLE 0x1

void qpci_init_pc(QPCIBus *bus, QTestState *qts)
{
    bus->qts = qts;
    bus->ecam = 0;
    bus->mmio_alloc = MMIO_WINDOW_BASE;
    bus->mmio_limit = MMIO_WINDOW_END;
}

void qpci_init_q35_ecam(QPCIBus *bus, QTestState *qts)
{
    QPCIDevice mch;

    qpci_init_pc(bus, qts);
    qpci_device_init(&mch, bus, 0);
    qpci_config_writel(&mch, Q35_PCIEXBAR + 4, 0);
    qpci_config_writel(&mch, Q35_PCIEXBAR,
                       QPCI_Q35_ECAM_BASE | Q35_PCIEXBAR_ENABLE);
    bus->ecam = QPCI_Q35_ECAM_BASE;
    /* The host bridge answers there now. */
    g_assert_cmphex(qpci_config_readl(&mch, QPCI_VENDOR_ID), ==, 0x29c08086);
}

void qpci_device_init(QPCIDevice *dev, QPCIBus *bus, int devfn)
{
    dev->bus = bus;
    dev->devfn = devfn;
    dev->msix_cap = 0;
    dev->msix_table = dev->msix_pba = 0;
    g_assert_cmphex(qpci_config_readw(dev, QPCI_VENDOR_ID), !=, 0xffff);
}

/* Config access: ECAM address, or select the dword through 0xcf8. */

static uint64_t ecam_addr(QPCIDevice *dev, uint8_t offset)
{
    return dev->bus->ecam + ((uint64_t)dev->devfn << 12) + offset;
}

static void select_dword(QPCIDevice *dev, uint8_t offset)
{
    qtest_outl(dev->bus->qts, 0xcf8,
               0x80000000u | dev->devfn << 8 | (offset & 0xfc));
}

uint8_t qpci_config_readb(QPCIDevice *dev, uint8_t offset)
{
    if (dev->bus->ecam) {
        return qtest_readb(dev->bus->qts, ecam_addr(dev, offset));
    }
    select_dword(dev, offset);
    return qtest_inb(dev->bus->qts, 0xcfc + (offset & 3));
}

uint16_t qpci_config_readw(QPCIDevice *dev, uint8_t offset)
{
    if (dev->bus->ecam) {
        return qtest_readw(dev->bus->qts, ecam_addr(dev, offset));
    }
    select_dword(dev, offset);
    return qtest_inw(dev->bus->qts, 0xcfc + (offset & 2));
}

uint32_t qpci_config_readl(QPCIDevice *dev, uint8_t offset)
{
    if (dev->bus->ecam) {
        return qtest_readl(dev->bus->qts, ecam_addr(dev, offset));
    }
    select_dword(dev, offset);
    return qtest_inl(dev->bus->qts, 0xcfc);
}

void qpci_config_writeb(QPCIDevice *dev, uint8_t offset, uint8_t value)
{
    if (dev->bus->ecam) {
        qtest_writeb(dev->bus->qts, ecam_addr(dev, offset), value);
        return;
    }
    select_dword(dev, offset);
    qtest_outb(dev->bus->qts, 0xcfc + (offset & 3), value);
}

void qpci_config_writew(QPCIDevice *dev, uint8_t offset, uint16_t value)
{
    if (dev->bus->ecam) {
        qtest_writew(dev->bus->qts, ecam_addr(dev, offset), value);
        return;
    }
    select_dword(dev, offset);
    qtest_outw(dev->bus->qts, 0xcfc + (offset & 2), value);
}

void qpci_config_writel(QPCIDevice *dev, uint8_t offset, uint32_t value)
{
    if (dev->bus->ecam) {
        qtest_writel(dev->bus->qts, ecam_addr(dev, offset), value);
        return;
    }
    select_dword(dev, offset);
    qtest_outl(dev->bus->qts, 0xcfc, value);
}

/* Capabilities, BARs, COMMAND */

uint8_t qpci_find_capability(QPCIDevice *dev, uint8_t id, uint8_t start)
{
    uint8_t pos;
    int hops = 0;

    if (!(qpci_config_readw(dev, QPCI_STATUS) & QPCI_STATUS_CAP_LIST)) {
        return 0;
    }
    pos = start ? qpci_config_readb(dev, start + 1)
                : qpci_config_readb(dev, QPCI_CAPABILITY_LIST);
    while (pos) {
        /* A list that loops or leaves the header is the device's bug. */
        g_assert_cmpint(pos, >=, 0x40);
        g_assert_cmpint(++hops, <, 48);
        if (qpci_config_readb(dev, pos) == id) {
            return pos;
        }
        pos = qpci_config_readb(dev, pos + 1);
    }
    return 0;
}

uint64_t qpci_iomap(QPCIDevice *dev, int barno, uint64_t *sizeptr)
{
    uint8_t reg = QPCI_BASE_ADDRESS_0 + 4 * barno;
    uint32_t lo = qpci_config_readl(dev, reg);
    bool is64 = (lo & 0x6) == 0x4;
    uint64_t mask, size, addr;

    g_assert_cmpint(barno, <, is64 ? 5 : 6);
    g_assert_false(lo & 0x1);                /* memory, not I/O */
    qpci_config_writel(dev, reg, 0xffffffff);
    mask = qpci_config_readl(dev, reg) & ~0xfULL;
    if (is64) {
        qpci_config_writel(dev, reg + 4, 0xffffffff);
        mask |= (uint64_t)qpci_config_readl(dev, reg + 4) << 32;
    } else {
        mask |= 0xffffffff00000000ULL;
    }
    g_assert_cmphex(mask, !=, 0);
    size = ~mask + 1;

    addr = (dev->bus->mmio_alloc + size - 1) & ~(size - 1);
    g_assert_cmphex(addr + size, <=, dev->bus->mmio_limit);
    dev->bus->mmio_alloc = addr + size;
    qpci_config_writel(dev, reg, addr);
    if (is64) {
        qpci_config_writel(dev, reg + 4, addr >> 32);
    }
    g_assert_cmphex(qpci_config_readl(dev, reg) & ~0xfu, ==, (uint32_t)addr);
    if (sizeptr) {
        *sizeptr = size;
    }
    return addr;
}

void qpci_device_enable(QPCIDevice *dev)
{
    uint16_t cmd = qpci_config_readw(dev, QPCI_COMMAND);

    cmd |= QPCI_COMMAND_IO | QPCI_COMMAND_MEMORY | QPCI_COMMAND_MASTER;
    qpci_config_writew(dev, QPCI_COMMAND, cmd);
    cmd = qpci_config_readw(dev, QPCI_COMMAND);
    g_assert_cmphex(cmd & QPCI_COMMAND_MEMORY, ==, QPCI_COMMAND_MEMORY);
    g_assert_cmphex(cmd & QPCI_COMMAND_MASTER, ==, QPCI_COMMAND_MASTER);
}

/* MSI-X */

/* The address of the table or PBA: its BAR, mapped now if it is not. */
static uint64_t msix_region(QPCIDevice *dev, uint8_t reg)
{
    uint32_t v = qpci_config_readl(dev, dev->msix_cap + reg);
    int bir = v & 0x7;
    uint8_t bar = QPCI_BASE_ADDRESS_0 + 4 * bir;
    uint64_t base = qpci_config_readl(dev, bar) & ~0xfULL;

    if (!base) {
        base = qpci_iomap(dev, bir, NULL);
    }
    if ((qpci_config_readl(dev, bar) & 0x6) == 0x4) {
        base |= (uint64_t)qpci_config_readl(dev, bar + 4) << 32;
    }
    return base + (v & ~0x7u);
}

static void msix_set_control(QPCIDevice *dev, uint16_t clear, uint16_t set)
{
    uint8_t off = dev->msix_cap + QPCI_MSIX_FLAGS;
    uint16_t ctrl = qpci_config_readw(dev, off);

    qpci_config_writew(dev, off, (ctrl & ~clear) | set);
    g_assert_cmphex(qpci_config_readw(dev, off), ==, (ctrl & ~clear) | set);
}

void qpci_msix_enable(QPCIDevice *dev)
{
    uint8_t cap = qpci_find_capability(dev, QPCI_CAP_ID_MSIX, 0);

    g_assert_cmpint(cap, !=, 0);
    dev->msix_cap = cap;
    dev->msix_table = msix_region(dev, QPCI_MSIX_TABLE);
    dev->msix_pba = msix_region(dev, QPCI_MSIX_PBA);
    msix_set_control(dev, QPCI_MSIX_FLAGS_MASKALL, QPCI_MSIX_FLAGS_ENABLE);
}

void qpci_msix_disable(QPCIDevice *dev)
{
    g_assert_cmpint(dev->msix_cap, !=, 0);
    msix_set_control(dev, QPCI_MSIX_FLAGS_ENABLE, 0);
}

void qpci_msix_set_function_mask(QPCIDevice *dev, bool masked)
{
    g_assert_cmpint(dev->msix_cap, !=, 0);
    msix_set_control(dev, masked ? 0 : QPCI_MSIX_FLAGS_MASKALL,
                     masked ? QPCI_MSIX_FLAGS_MASKALL : 0);
}

uint16_t qpci_msix_table_size(QPCIDevice *dev)
{
    uint8_t cap = qpci_find_capability(dev, QPCI_CAP_ID_MSIX, 0);

    g_assert_cmpint(cap, !=, 0);
    return (qpci_config_readw(dev, cap + QPCI_MSIX_FLAGS) &
            QPCI_MSIX_FLAGS_QSIZE) + 1;
}

void qpci_msix_set_entry(QPCIDevice *dev, uint16_t entry, uint64_t addr,
                         uint32_t data, bool masked)
{
    QTestState *qts = dev->bus->qts;
    uint64_t e = dev->msix_table + (uint64_t)entry * QPCI_MSIX_ENTRY_SIZE;

    g_assert_cmphex(dev->msix_table, !=, 0);
    qpci_msix_mask_entry(dev, entry, true);
    qtest_writel(qts, e, (uint32_t)addr);
    qtest_writel(qts, e + 4, addr >> 32);
    qtest_writel(qts, e + QPCI_MSIX_ENTRY_DATA, data);
    g_assert_cmphex(qtest_readl(qts, e), ==, (uint32_t)addr);
    g_assert_cmphex(qtest_readl(qts, e + QPCI_MSIX_ENTRY_DATA), ==, data);
    qpci_msix_mask_entry(dev, entry, masked);
}

void qpci_msix_mask_entry(QPCIDevice *dev, uint16_t entry, bool masked)
{
    QTestState *qts = dev->bus->qts;
    uint64_t ctrl = dev->msix_table + (uint64_t)entry * QPCI_MSIX_ENTRY_SIZE +
                    QPCI_MSIX_ENTRY_VECTOR_CTRL;

    qtest_writel(qts, ctrl, masked);
    g_assert_cmphex(qtest_readl(qts, ctrl), ==, masked);
}

bool qpci_msix_pending(QPCIDevice *dev, uint16_t entry)
{
    uint64_t word = dev->msix_pba + (entry / 32) * 4;

    g_assert_cmphex(dev->msix_pba, !=, 0);
    return qtest_readl(dev->bus->qts, word) >> (entry % 32) & 1;
}
