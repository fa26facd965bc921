/* SPDX-License-Identifier: GPL-2.0-or-later */
/* x-test-pci: a PCI function of a module, with BARs, DMA, MSI and INTx. */

/*
 * What a device author writes for a PCI function of their own, and what
 * the qtests drive end to end through qmem-run: the guest programs its
 * BARs through config space and then reaches its registers through
 * memory and I/O; the registers make it do DMA, send MSI and raise INTx.
 *
 * BAR0, 32-bit memory, 4 KiB:
 *   0x00  scratch (read/write)
 *   0x08  DMA address, low dword;  0x0c  high dword
 *   0x10  write N: DMA-write N bytes (at most 64) of the scratch value,
 *         repeated, to the DMA address
 *   0x14  1 when the last DMA or MSI reached its target, else 0
 *   0x18  write V: send MSI with data V to the DMA address
 *   0x1c  write L: set INTx to L
 *   0x60  write V: status |= V, INTx raised unless 0 (QEMU's edu)
 *   0x64  write V: acknowledge (status &= ~V), INTx lowered at 0
 * BAR2, I/O, 16 bytes: reads 0x5a + offset.
 * BAR4, 64-bit prefetchable memory, 16 KiB: reads the offset.
 * A vendor capability of 8 bytes at 0x40.
 */

#include <gmodule.h>
#include "hw/pci/pci.h"

#define TEST_PCI_VENDOR_ID 0x1b36
#define TEST_PCI_DEVICE_ID 0x7e57

typedef struct {
    QmemPciDevice parent_instance;

    QmemMemoryRegion *mmio;
    QmemMemoryRegion *io;
    QmemMemoryRegion *mem64;
    guint32 scratch;
    guint64 dma_addr;
    guint32 status;
    guint32 irq_status;         /* edu's "interrupt status" */
} TestPciDevice;

typedef struct {
    QmemPciDeviceClass parent_class;
} TestPciDeviceClass;

G_DEFINE_DYNAMIC_TYPE(TestPciDevice, test_pci_device, QMEM_TYPE_PCI_DEVICE)

#define TEST_PCI_DEVICE(obj) \
    G_TYPE_CHECK_INSTANCE_CAST((obj), test_pci_device_get_type(), \
                               TestPciDevice)

static guint64 mmio_read(gpointer opaque, guint64 addr, guint size)
{
    TestPciDevice *d = opaque;

    switch (addr) {
    case 0x00:
        return d->scratch;
    case 0x08:
        return (guint32)d->dma_addr;
    case 0x0c:
        return d->dma_addr >> 32;
    case 0x14:
        return d->status;
    default:
        return 0;
    }
}

static void dma_pattern(TestPciDevice *d, guint64 len)
{
    guint8 buf[64];

    len = MIN(len, sizeof(buf));
    for (guint i = 0; i < len; i++) {
        buf[i] = d->scratch >> (8 * (i % 4));
    }
    d->status = qmem_pci_dma_write(QMEM_PCI_DEVICE(d), d->dma_addr, buf, len);
}

static void mmio_write(gpointer opaque, guint64 addr, guint64 value,
                       guint size)
{
    TestPciDevice *d = opaque;

    switch (addr) {
    case 0x00:
        d->scratch = value;
        break;
    case 0x08:
        d->dma_addr = (d->dma_addr & ~0xffffffffULL) | (guint32)value;
        break;
    case 0x0c:
        d->dma_addr = (d->dma_addr & 0xffffffffULL) | value << 32;
        break;
    case 0x10:
        dma_pattern(d, value);
        break;
    case 0x18:
        d->status = qmem_pci_msi_send(QMEM_PCI_DEVICE(d), d->dma_addr, value);
        break;
    case 0x1c:
        qmem_pci_set_irq(QMEM_PCI_DEVICE(d), value != 0);
        break;
    case 0x60:
        d->irq_status |= value;
        if (d->irq_status) {
            qmem_pci_set_irq(QMEM_PCI_DEVICE(d), 1);
        }
        break;
    case 0x64:
        d->irq_status &= ~value;
        if (!d->irq_status) {
            qmem_pci_set_irq(QMEM_PCI_DEVICE(d), 0);
        }
        break;
    }
}

static const QmemMemoryRegionOps mmio_ops = {
    .read = mmio_read,
    .write = mmio_write,
    .valid = { .min_access_size = 4, .max_access_size = 4 },
};

static guint64 io_read(gpointer opaque, guint64 addr, guint size)
{
    return 0x5a + addr;
}

static const QmemMemoryRegionOps io_ops = {
    .read = io_read,
    .impl = { .min_access_size = 1, .max_access_size = 1 },
};

static guint64 mem64_read(gpointer opaque, guint64 addr, guint size)
{
    return addr;
}

static const QmemMemoryRegionOps mem64_ops = {
    .read = mem64_read,
};

static gboolean test_pci_device_realize(QmemPciDevice *dev, GError **error)
{
    TestPciDevice *d = TEST_PCI_DEVICE(dev);

    qmem_pci_device_get_config(dev)[QMEM_PCI_INTERRUPT_PIN] = 1;
    d->mmio = qmem_memory_region_new_io("x-test-pci-mmio", 0x1000,
                                        &mmio_ops, d);
    d->io = qmem_memory_region_new_io("x-test-pci-io", 0x10, &io_ops, d);
    d->mem64 = qmem_memory_region_new_io("x-test-pci-mem64", 0x4000,
                                         &mem64_ops, d);
    qmem_pci_register_bar(dev, 0, QMEM_PCI_BASE_ADDRESS_SPACE_MEMORY,
                          d->mmio);
    qmem_pci_register_bar(dev, 2, QMEM_PCI_BASE_ADDRESS_SPACE_IO, d->io);
    qmem_pci_register_bar(dev, 4, QMEM_PCI_BASE_ADDRESS_MEM_TYPE_64 |
                                  QMEM_PCI_BASE_ADDRESS_MEM_PREFETCH,
                          d->mem64);
    return qmem_pci_add_capability(dev, QMEM_PCI_CAP_ID_VNDR, 0x40, 8,
                                   error) != 0;
}

/* The PCI core has unmapped the BARs and dropped its references. */
static void test_pci_device_exit(QmemPciDevice *dev)
{
    TestPciDevice *d = TEST_PCI_DEVICE(dev);

    g_clear_object(&d->mmio);
    g_clear_object(&d->io);
    g_clear_object(&d->mem64);
}

static void test_pci_device_finalize(GObject *obj)
{
    test_pci_device_exit(QMEM_PCI_DEVICE(obj));
    G_OBJECT_CLASS(test_pci_device_parent_class)->finalize(obj);
}

static void test_pci_device_class_init(TestPciDeviceClass *klass)
{
    QmemDeviceClass *dc = QMEM_DEVICE_CLASS(klass);
    QmemPciDeviceClass *k = QMEM_PCI_DEVICE_CLASS(klass);

    G_OBJECT_CLASS(klass)->finalize = test_pci_device_finalize;
    dc->desc = "PCI function for tests";
    dc->hotpluggable = TRUE;
    k->realize = test_pci_device_realize;
    k->exit = test_pci_device_exit;
    k->vendor_id = TEST_PCI_VENDOR_ID;
    k->device_id = TEST_PCI_DEVICE_ID;
    k->revision = 1;
    k->class_id = QMEM_PCI_CLASS_OTHERS;
}

static void test_pci_device_class_finalize(TestPciDeviceClass *klass)
{
}

static void test_pci_device_init(TestPciDevice *d)
{
}

G_MODULE_EXPORT void qmem_module_test_pci_device_register(GTypeModule *module)
{
    g_type_ensure(QMEM_TYPE_PCI_DEVICE);
    test_pci_device_register_type(module);
    qmem_type_register_name("x-test-pci", test_pci_device_type_id);
}
