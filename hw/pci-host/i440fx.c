/* SPDX-License-Identifier: GPL-2.0-or-later */
/* pc's host bridge: i440FX-pcihost (pci.0, 0xcf8/0xcfc) and i440FX 00.0. */

#include "hw/i386/pc-internal.h"
#include "util/error.h"

/* QEMU's i440fx.c registers of the 00.0 function. */
#define I440FX_COREBOOT_RAM_SIZE 0x57   /* RAM in 8 MiB units, max 255 */
#define I440FX_SMRAM 0x72
#define I440FX_SMRAM_DEFAULT 0x02
#define PCI_DEVICE_ID_INTEL_82441 0x1237

typedef struct {
    QmemPciHostBridge parent_instance;

    QmemMemoryRegion *pci_memory;   /* a reference: the BAR window */
} QmemI440fxHost;

typedef struct {
    QmemPciHostBridgeClass parent_class;
} QmemI440fxHostClass;

G_DEFINE_DYNAMIC_TYPE_EXTENDED(QmemI440fxHost, qmem_i440fx_host,
                               QMEM_TYPE_PCI_HOST_BRIDGE, 0, {})

#define QMEM_I440FX_HOST(obj) \
    G_TYPE_CHECK_INSTANCE_CAST((obj), qmem_i440fx_host_get_type(), \
                               QmemI440fxHost)

typedef struct {
    QmemPciDevice parent_instance;
} QmemI440fxPci;

typedef struct {
    QmemPciDeviceClass parent_class;
} QmemI440fxPciClass;

G_DEFINE_DYNAMIC_TYPE_EXTENDED(QmemI440fxPci, qmem_i440fx_pci,
                               QMEM_TYPE_PCI_DEVICE, 0, {})

/* QEMU's i440fx_pcihost_realize() and i440fx_init()'s bus. */
static gboolean i440fx_host_realize(QmemDevice *dev, GError **error)
{
    QmemI440fxHost *s = QMEM_I440FX_HOST(dev);
    QmemPciHostBridge *h = QMEM_PCI_HOST_BRIDGE(dev);
    QmemMachine *machine = qmem_machine_get_current();
    QmemMemoryRegion *io = qmem_machine_get_system_io(machine);
    QmemPciBus *bus;

    bus = qmem_pci_root_bus_new(dev, "pci.0", QMEM_TYPE_PCI_BUS,
                                s->pci_memory, io,
                                qmem_machine_get_system_memory(machine), 0);
    qmem_pci_host_bridge_set_bus(h, bus);
    qmem_pci_host_bridge_map_config(h, io);
    return TRUE;
}

static void i440fx_host_unrealize(QmemDevice *dev)
{
    QmemPciHostBridge *h = QMEM_PCI_HOST_BRIDGE(dev);
    QmemMemoryRegion *io =
        qmem_machine_get_system_io(qmem_machine_get_current());

    qmem_pci_host_bridge_unmap_config(h, io);
}

static void qmem_i440fx_host_dispose(GObject *obj)
{
    g_clear_object(&QMEM_I440FX_HOST(obj)->pci_memory);
    G_OBJECT_CLASS(qmem_i440fx_host_parent_class)->dispose(obj);
}

static void qmem_i440fx_host_class_init(QmemI440fxHostClass *klass)
{
    QmemDeviceClass *dc = QMEM_DEVICE_CLASS(klass);

    G_OBJECT_CLASS(klass)->dispose = qmem_i440fx_host_dispose;
    dc->realize = i440fx_host_realize;
    dc->unrealize = i440fx_host_unrealize;
    QMEM_PCI_HOST_BRIDGE_CLASS(klass)->root_bus_path = "0000:00";
}

static void qmem_i440fx_host_class_finalize(QmemI440fxHostClass *klass)
{
}

static void qmem_i440fx_host_init(QmemI440fxHost *s)
{
}

/*
 * QEMU's i440fx_realize() and i440fx_init(): the function's registers
 * after reset.  PAM and SMRAM keep what the guest writes; qmem has no
 * shadow RAM or SMM to switch.
 */
static gboolean i440fx_pci_realize(QmemPciDevice *dev, GError **error)
{
    guint8 *config = qmem_pci_device_get_config(dev);
    QmemMachine *machine = qmem_machine_get_current();
    guint64 units = qmem_machine_get_ram_size(machine) / (8 << 20);

    config[I440FX_SMRAM] = I440FX_SMRAM_DEFAULT;
    config[I440FX_COREBOOT_RAM_SIZE] = MIN(units, 255);
    return TRUE;
}

static void qmem_i440fx_pci_class_init(QmemI440fxPciClass *klass)
{
    QmemDeviceClass *dc = QMEM_DEVICE_CLASS(klass);
    QmemPciDeviceClass *k = QMEM_PCI_DEVICE_CLASS(klass);

    dc->desc = "Host bridge";
    dc->user_creatable = FALSE;
    dc->hotpluggable = FALSE;
    k->realize = i440fx_pci_realize;
    k->vendor_id = QMEM_PCI_VENDOR_ID_INTEL;
    k->device_id = PCI_DEVICE_ID_INTEL_82441;
    k->revision = 0x02;
    k->class_id = QMEM_PCI_CLASS_BRIDGE_HOST;
}

static void qmem_i440fx_pci_class_finalize(QmemI440fxPciClass *klass)
{
}

static void qmem_i440fx_pci_init(QmemI440fxPci *d)
{
}

QmemPciHostBridge *qmem_i440fx_init(QmemMachine *machine,
                                    QmemMemoryRegion *pci_memory,
                                    QmemIrq *gsi, GError **error)
{
    QmemI440fxHost *host = g_object_new(qmem_i440fx_host_get_type(), NULL);
    QmemPciDevice *d;
    QmemPciBus *bus;
    gboolean ok;

    host->pci_memory = g_object_ref(pci_memory);
    ok = qmem_object_add_child(QMEM_OBJECT(machine), "i440fx",
                               QMEM_OBJECT(host), error);
    g_object_unref(host);
    if (!ok) {
        return NULL;
    }
    if (!qmem_device_realize(QMEM_DEVICE(host), qmem_sysbus_get_default(),
                             error)) {
        qmem_object_unparent(QMEM_OBJECT(host));
        return NULL;
    }
    bus = qmem_pci_host_bridge_get_bus(QMEM_PCI_HOST_BRIDGE(host));
    qmem_bus_set_hotpluggable(QMEM_BUS(bus), TRUE);

    d = g_object_new(qmem_i440fx_pci_get_type(),
                     QMEM_PCI_DEVICE_PROP_ADDR, QMEM_PCI_DEVFN(0, 0), NULL);
    ok = qmem_device_realize(QMEM_DEVICE(d), QMEM_BUS(bus), error);
    g_object_unref(d);
    if (!ok || !qmem_piix3_create(bus, gsi, error)) {
        return NULL;
    }
    return QMEM_PCI_HOST_BRIDGE(host);
}

void qmem_i440fx_register_types(GTypeModule *module)
{
    qmem_i440fx_host_register_type(module);
    qmem_i440fx_pci_register_type(module);
    qmem_type_register_name("i440FX-pcihost", qmem_i440fx_host_type_id);
    qmem_type_register_name("i440FX", qmem_i440fx_pci_type_id);
}
