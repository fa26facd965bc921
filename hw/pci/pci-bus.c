/* SPDX-License-Identifier: GPL-2.0-or-later */
/* PCI buses: functions by devfn, BAR windows, DMA root, INTx lines. */

#include "hw/pci/pci-internal.h"

typedef struct {
    QmemPciDevice *devices[256];    /* not references: they hold ours */
    QmemMemoryRegion *address_space_mem;
    QmemMemoryRegion *address_space_io;
    QmemMemoryRegion *dma_root;
    guint8 devfn_min;

    QmemPciSetIrqFunc set_irq;
    QmemPciMapIrqFunc map_irq;
    gpointer irq_opaque;
    int nirq;
    int *irq_count;                 /* asserted pins per line */
} QmemPciBusPrivate;

G_DEFINE_TYPE_WITH_CODE(QmemPciBus, qmem_pci_bus, QMEM_TYPE_BUS,
                        G_ADD_PRIVATE(QmemPciBus)
                        qmem_type_register_name("PCI", g_define_type_id))

typedef struct {
    QmemPciBus parent_instance;
} QmemPcieBus;

typedef struct {
    QmemPciBusClass parent_class;
} QmemPcieBusClass;

G_DEFINE_TYPE_WITH_CODE(QmemPcieBus, qmem_pcie_bus, QMEM_TYPE_PCI_BUS,
                        qmem_type_register_name("PCIE", g_define_type_id))

/* Root buses in creation order: what query-pci lists. */
static GPtrArray *root_buses;

static void qmem_pci_bus_finalize(GObject *obj)
{
    QmemPciBusPrivate *priv =
        qmem_pci_bus_get_instance_private(QMEM_PCI_BUS(obj));

    if (root_buses) {
        g_ptr_array_remove(root_buses, obj);
        if (!root_buses->len) {
            g_clear_pointer(&root_buses, g_ptr_array_unref);
        }
    }
    g_clear_object(&priv->address_space_mem);
    g_clear_object(&priv->address_space_io);
    g_clear_object(&priv->dma_root);
    g_free(priv->irq_count);
    G_OBJECT_CLASS(qmem_pci_bus_parent_class)->finalize(obj);
}

static void qmem_pci_bus_class_init(QmemPciBusClass *klass)
{
    G_OBJECT_CLASS(klass)->finalize = qmem_pci_bus_finalize;
}

static void qmem_pci_bus_init(QmemPciBus *bus)
{
}

static void qmem_pcie_bus_class_init(QmemPcieBusClass *klass)
{
}

static void qmem_pcie_bus_init(QmemPcieBus *bus)
{
}

QmemPciBus *qmem_pci_root_bus_new(QmemDevice *parent, const char *name,
                                  GType type,
                                  QmemMemoryRegion *address_space_mem,
                                  QmemMemoryRegion *address_space_io,
                                  QmemMemoryRegion *dma_root,
                                  guint8 devfn_min)
{
    QmemPciBus *bus;
    QmemPciBusPrivate *priv;

    g_return_val_if_fail(g_type_is_a(type, QMEM_TYPE_PCI_BUS), NULL);
    g_return_val_if_fail(QMEM_PCI_FUNC(devfn_min) == 0, NULL);

    bus = QMEM_PCI_BUS(qmem_bus_new(type, parent, name));
    priv = qmem_pci_bus_get_instance_private(bus);
    priv->address_space_mem = g_object_ref(address_space_mem);
    priv->address_space_io = g_object_ref(address_space_io);
    priv->dma_root = g_object_ref(dma_root);
    priv->devfn_min = devfn_min;
    if (!root_buses) {
        root_buses = g_ptr_array_new();
    }
    g_ptr_array_add(root_buses, bus);
    return bus;
}

void qmem_pci_bus_irqs(QmemPciBus *bus, QmemPciSetIrqFunc set_irq,
                       QmemPciMapIrqFunc map_irq, gpointer opaque, int nirq)
{
    QmemPciBusPrivate *priv = qmem_pci_bus_get_instance_private(bus);

    g_return_if_fail(map_irq != NULL && nirq > 0);
    g_return_if_fail(priv->map_irq == NULL);

    priv->set_irq = set_irq;
    priv->map_irq = map_irq;
    priv->irq_opaque = opaque;
    priv->nirq = nirq;
    priv->irq_count = g_new0(int, nirq);
}

int qmem_pci_bus_get_irq_level(QmemPciBus *bus, int irq)
{
    QmemPciBusPrivate *priv = qmem_pci_bus_get_instance_private(bus);

    g_return_val_if_fail(irq >= 0 && irq < priv->nirq, 0);
    return priv->irq_count[irq] != 0;
}

void qmem_pci_bus_change_irq_level(QmemPciBus *bus, QmemPciDevice *dev,
                                   int pin, int change)
{
    QmemPciBusPrivate *priv = qmem_pci_bus_get_instance_private(bus);
    int irq;

    /* A board that did not wire INTx drops it. */
    if (!priv->map_irq) {
        return;
    }
    irq = priv->map_irq(dev, pin);
    g_assert(irq >= 0 && irq < priv->nirq);
    priv->irq_count[irq] += change;
    if (priv->set_irq) {
        priv->set_irq(priv->irq_opaque, irq, priv->irq_count[irq] != 0);
    }
}

int qmem_pci_bus_num(QmemPciBus *bus)
{
    return 0;
}

QmemPciDevice *qmem_pci_bus_get_device(QmemPciBus *bus, guint devfn)
{
    QmemPciBusPrivate *priv = qmem_pci_bus_get_instance_private(bus);

    g_return_val_if_fail(devfn < G_N_ELEMENTS(priv->devices), NULL);
    return priv->devices[devfn];
}

void qmem_pci_bus_set_device(QmemPciBus *bus, guint devfn,
                             QmemPciDevice *dev)
{
    QmemPciBusPrivate *priv = qmem_pci_bus_get_instance_private(bus);

    g_assert(devfn < G_N_ELEMENTS(priv->devices));
    g_assert(!dev || !priv->devices[devfn]);
    priv->devices[devfn] = dev;
}

QmemPciDevice *qmem_pci_find_device(QmemPciBus *bus, int bus_num,
                                    guint devfn)
{
    if (bus_num != qmem_pci_bus_num(bus)) {
        return NULL;
    }
    return qmem_pci_bus_get_device(bus, devfn & 0xff);
}

QmemMemoryRegion *qmem_pci_bus_get_address_space_mem(QmemPciBus *bus)
{
    QmemPciBusPrivate *priv = qmem_pci_bus_get_instance_private(bus);

    return priv->address_space_mem;
}

QmemMemoryRegion *qmem_pci_bus_get_address_space_io(QmemPciBus *bus)
{
    QmemPciBusPrivate *priv = qmem_pci_bus_get_instance_private(bus);

    return priv->address_space_io;
}

QmemMemoryRegion *qmem_pci_bus_get_dma_root(QmemPciBus *bus)
{
    QmemPciBusPrivate *priv = qmem_pci_bus_get_instance_private(bus);

    return priv->dma_root;
}

guint8 qmem_pci_bus_get_devfn_min(QmemPciBus *bus)
{
    QmemPciBusPrivate *priv = qmem_pci_bus_get_instance_private(bus);

    return priv->devfn_min;
}

gboolean qmem_pci_bus_is_express(QmemPciBus *bus)
{
    return g_type_is_a(G_OBJECT_TYPE(bus), QMEM_TYPE_PCIE_BUS);
}

GPtrArray *qmem_pci_root_buses(void)
{
    return root_buses ? g_ptr_array_copy(root_buses, NULL, NULL)
                      : g_ptr_array_new();
}
