/* SPDX-License-Identifier: GPL-2.0-or-later */
/* PCI host bridges: configuration mechanism #1 (0xcf8/0xcfc). */

#include "hw/pci/pci-host.h"
#include "hw/pci/pci-internal.h"

typedef struct {
    QmemPciBus *bus;                /* our child in the tree */
    guint32 config_reg;             /* CONFIG_ADDRESS as written */
    QmemMemoryRegion *conf_mem;
    QmemMemoryRegion *data_mem;
} QmemPciHostBridgePrivate;

G_DEFINE_ABSTRACT_TYPE_WITH_CODE(QmemPciHostBridge, qmem_pci_host_bridge,
                                 QMEM_TYPE_DEVICE,
                                 G_ADD_PRIVATE(QmemPciHostBridge)
                                 qmem_type_register_name("pci-host-bridge",
                                                         g_define_type_id))

static gboolean function_hidden(QmemPciDevice *dev)
{
    QmemPciBus *bus = qmem_pci_device_get_bus(dev);
    int devfn = qmem_pci_device_get_devfn(dev);

    /*
     * A function above 0 shows only once function 0 is there, so that
     * functions can be hot-plugged before function 0 exposes the slot.
     */
    return qmem_device_is_hotplugged(QMEM_DEVICE(dev)) &&
           !qmem_pci_bus_get_device(bus, QMEM_PCI_DEVFN(QMEM_PCI_SLOT(devfn),
                                                        0));
}

guint32 qmem_pci_host_config_read_common(QmemPciDevice *dev, guint32 addr,
                                         guint32 limit, guint len)
{
    limit = MIN(limit, QMEM_PCI_CONFIG_SPACE_SIZE);
    if (limit <= addr || function_hidden(dev)) {
        return ~0u;
    }
    g_assert(len <= 4);
    return qmem_pci_device_config_read(dev, addr, MIN(len, limit - addr));
}

void qmem_pci_host_config_write_common(QmemPciDevice *dev, guint32 addr,
                                       guint32 limit, guint32 val, guint len)
{
    limit = MIN(limit, QMEM_PCI_CONFIG_SPACE_SIZE);
    if (limit <= addr || function_hidden(dev)) {
        return;
    }
    g_assert(len <= 4);
    qmem_pci_device_config_write(dev, addr, val, MIN(len, limit - addr));
}

guint32 qmem_pci_data_read(QmemPciBus *bus, guint32 addr, guint len)
{
    QmemPciDevice *dev = qmem_pci_find_device(bus, (addr >> 16) & 0xff,
                                              (addr >> 8) & 0xff);

    if (!dev) {
        return ~0u;
    }
    return qmem_pci_host_config_read_common(dev, addr & 0xff,
                                            QMEM_PCI_CONFIG_SPACE_SIZE, len);
}

void qmem_pci_data_write(QmemPciBus *bus, guint32 addr, guint32 val,
                         guint len)
{
    QmemPciDevice *dev = qmem_pci_find_device(bus, (addr >> 16) & 0xff,
                                              (addr >> 8) & 0xff);

    if (dev) {
        qmem_pci_host_config_write_common(dev, addr & 0xff,
                                          QMEM_PCI_CONFIG_SPACE_SIZE, val,
                                          len);
    }
}

/*
 * CONFIG_ADDRESS takes only whole dwords; a read of any width gives the
 * low bytes of the register, whatever the port (QEMU's, to the byte).
 */
static guint64 conf_read(gpointer opaque, guint64 addr, guint size)
{
    QmemPciHostBridgePrivate *priv = opaque;

    return priv->config_reg;
}

static void conf_write(gpointer opaque, guint64 addr, guint64 value,
                       guint size)
{
    QmemPciHostBridgePrivate *priv = opaque;

    if (addr == 0 && size == 4) {
        priv->config_reg = value;
    }
}

static guint64 data_read(gpointer opaque, guint64 addr, guint size)
{
    QmemPciHostBridgePrivate *priv = opaque;

    if (!(priv->config_reg & (1u << 31)) || !priv->bus) {
        return 0xffffffff;
    }
    return qmem_pci_data_read(priv->bus, priv->config_reg | (addr & 3), size);
}

static void data_write(gpointer opaque, guint64 addr, guint64 value,
                       guint size)
{
    QmemPciHostBridgePrivate *priv = opaque;

    if ((priv->config_reg & (1u << 31)) && priv->bus) {
        qmem_pci_data_write(priv->bus, priv->config_reg | (addr & 3), value,
                            size);
    }
}

static const QmemMemoryRegionOps conf_ops = {
    .read = conf_read,
    .write = conf_write,
};

static const QmemMemoryRegionOps data_ops = {
    .read = data_read,
    .write = data_write,
};

static void qmem_pci_host_bridge_finalize(GObject *obj)
{
    QmemPciHostBridgePrivate *priv = qmem_pci_host_bridge_get_instance_private(
        QMEM_PCI_HOST_BRIDGE(obj));

    g_clear_object(&priv->conf_mem);
    g_clear_object(&priv->data_mem);
    G_OBJECT_CLASS(qmem_pci_host_bridge_parent_class)->finalize(obj);
}

static void qmem_pci_host_bridge_class_init(QmemPciHostBridgeClass *klass)
{
    QmemDeviceClass *dc = QMEM_DEVICE_CLASS(klass);

    G_OBJECT_CLASS(klass)->finalize = qmem_pci_host_bridge_finalize;
    /* Part of a board: the board wires it up. */
    dc->user_creatable = FALSE;
    dc->bus_type = QMEM_TYPE_SYSTEM_BUS;
}

static void qmem_pci_host_bridge_init(QmemPciHostBridge *h)
{
    QmemPciHostBridgePrivate *priv =
        qmem_pci_host_bridge_get_instance_private(h);

    priv->conf_mem = qmem_memory_region_new_io("pci-conf-idx", 4, &conf_ops,
                                               priv);
    priv->data_mem = qmem_memory_region_new_io("pci-conf-data", 4,
                                               &data_ops, priv);
}

void qmem_pci_host_bridge_set_bus(QmemPciHostBridge *h, QmemPciBus *bus)
{
    QmemPciHostBridgePrivate *priv =
        qmem_pci_host_bridge_get_instance_private(h);

    priv->bus = bus;
}

QmemPciBus *qmem_pci_host_bridge_get_bus(QmemPciHostBridge *h)
{
    QmemPciHostBridgePrivate *priv =
        qmem_pci_host_bridge_get_instance_private(h);

    return priv->bus;
}

void qmem_pci_host_bridge_map_config(QmemPciHostBridge *h,
                                     QmemMemoryRegion *io)
{
    QmemPciHostBridgePrivate *priv =
        qmem_pci_host_bridge_get_instance_private(h);

    qmem_memory_region_add_subregion(io, QMEM_PCI_HOST_CONFIG_ADDR,
                                     priv->conf_mem);
    qmem_memory_region_add_subregion(io, QMEM_PCI_HOST_CONFIG_DATA,
                                     priv->data_mem);
}

void qmem_pci_host_bridge_unmap_config(QmemPciHostBridge *h,
                                       QmemMemoryRegion *io)
{
    QmemPciHostBridgePrivate *priv =
        qmem_pci_host_bridge_get_instance_private(h);

    qmem_memory_region_del_subregion(io, priv->conf_mem);
    qmem_memory_region_del_subregion(io, priv->data_mem);
}

const char *qmem_pci_root_bus_path(QmemPciBus *bus)
{
    QmemDevice *parent = qmem_bus_get_parent(QMEM_BUS(bus));

    if (parent && QMEM_IS_PCI_HOST_BRIDGE(parent) &&
        QMEM_PCI_HOST_BRIDGE_GET_CLASS(parent)->root_bus_path) {
        return QMEM_PCI_HOST_BRIDGE_GET_CLASS(parent)->root_bus_path;
    }
    return qmem_bus_get_name(QMEM_BUS(bus));
}
