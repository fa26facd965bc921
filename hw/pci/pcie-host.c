/* SPDX-License-Identifier: GPL-2.0-or-later */
/* PCI Express host bridges: the MMCONFIG window (ECAM decoding). */

#include "hw/core/boards.h"
#include "hw/pci/pcie-host.h"

typedef struct {
    guint64 base_addr;          /* QMEM_PCIE_BASE_ADDR_UNMAPPED when off */
    guint32 size;
    QmemMemoryRegion *mmio;     /* while mapped */
    QmemMemoryRegion *system;   /* where it maps (system memory) */
} QmemPcieHostBridgePrivate;

G_DEFINE_ABSTRACT_TYPE_WITH_CODE(QmemPcieHostBridge, qmem_pcie_host_bridge,
                                 QMEM_TYPE_PCI_HOST_BRIDGE,
                                 G_ADD_PRIVATE(QmemPcieHostBridge)
                                 qmem_type_register_name("pcie-host-bridge",
                                                         g_define_type_id))

/* ECAM: bus in bits 27..20, devfn in 19..12, the register in 11..0. */
static QmemPciDevice *mmcfg_device(QmemPcieHostBridge *e, guint64 addr)
{
    QmemPciBus *bus = qmem_pci_host_bridge_get_bus(QMEM_PCI_HOST_BRIDGE(e));

    return bus ? qmem_pci_find_device(bus, (addr >> 20) & 0xff,
                                      (addr >> 12) & 0xff)
               : NULL;
}

static guint64 mmcfg_read(gpointer opaque, guint64 addr, guint size)
{
    QmemPciDevice *dev = mmcfg_device(opaque, addr);

    if (!dev) {
        return 0xffffffff;
    }
    return qmem_pci_host_config_read_common(dev, addr & 0xfff,
                                            QMEM_PCI_CONFIG_SPACE_SIZE, size);
}

static void mmcfg_write(gpointer opaque, guint64 addr, guint64 value,
                        guint size)
{
    QmemPciDevice *dev = mmcfg_device(opaque, addr);

    if (dev) {
        qmem_pci_host_config_write_common(dev, addr & 0xfff,
                                          QMEM_PCI_CONFIG_SPACE_SIZE, value,
                                          size);
    }
}

static const QmemMemoryRegionOps mmcfg_ops = {
    .read = mmcfg_read,
    .write = mmcfg_write,
};

static void unmap(QmemPcieHostBridgePrivate *priv)
{
    if (priv->mmio) {
        qmem_memory_region_del_subregion(priv->system, priv->mmio);
        g_clear_object(&priv->mmio);
        g_clear_object(&priv->system);
    }
    priv->base_addr = QMEM_PCIE_BASE_ADDR_UNMAPPED;
}

static void qmem_pcie_host_bridge_unrealize(QmemDevice *dev)
{
    QmemPcieHostBridgePrivate *priv =
        qmem_pcie_host_bridge_get_instance_private(
            QMEM_PCIE_HOST_BRIDGE(dev));
    QmemDeviceClass *parent =
        QMEM_DEVICE_CLASS(qmem_pcie_host_bridge_parent_class);

    unmap(priv);
    if (parent->unrealize) {
        parent->unrealize(dev);
    }
}

static void qmem_pcie_host_bridge_class_init(QmemPcieHostBridgeClass *klass)
{
    QMEM_DEVICE_CLASS(klass)->unrealize = qmem_pcie_host_bridge_unrealize;
}

static void qmem_pcie_host_bridge_init(QmemPcieHostBridge *e)
{
    QmemPcieHostBridgePrivate *priv =
        qmem_pcie_host_bridge_get_instance_private(e);

    priv->base_addr = QMEM_PCIE_BASE_ADDR_UNMAPPED;
}

void qmem_pcie_host_mmcfg_update(QmemPcieHostBridge *e, gboolean enable,
                                 guint64 addr, guint32 size)
{
    QmemPcieHostBridgePrivate *priv =
        qmem_pcie_host_bridge_get_instance_private(e);
    QmemMachine *machine = qmem_machine_get_current();

    g_return_if_fail(size && !(size & (size - 1)));
    g_return_if_fail(size >= QMEM_PCIE_MMCFG_SIZE_MIN &&
                     size <= QMEM_PCIE_MMCFG_SIZE_MAX);

    qmem_memory_region_transaction_begin();
    unmap(priv);
    if (enable && machine) {
        priv->system = g_object_ref(qmem_machine_get_system_memory(machine));
        priv->mmio = qmem_memory_region_new_io("pcie-mmcfg-mmio", size,
                                               &mmcfg_ops, e);
        priv->base_addr = addr;
        priv->size = size;
        /* The guest places it: it may land on anything, even RAM. */
        qmem_memory_region_add_subregion_overlap(priv->system, addr,
                                                 priv->mmio, 0);
    }
    qmem_memory_region_transaction_commit();
}

guint64 qmem_pcie_host_get_mmcfg_base(QmemPcieHostBridge *e)
{
    QmemPcieHostBridgePrivate *priv =
        qmem_pcie_host_bridge_get_instance_private(e);

    return priv->base_addr;
}

guint32 qmem_pcie_host_get_mmcfg_size(QmemPcieHostBridge *e)
{
    QmemPcieHostBridgePrivate *priv =
        qmem_pcie_host_bridge_get_instance_private(e);

    return priv->size;
}
