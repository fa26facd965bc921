/* SPDX-License-Identifier: GPL-2.0-or-later */
/* PIIX3, pc's ISA bridge at 01.0: its identity and the PCI INTx lines. */

#include "hw/i386/pc-internal.h"
#include "hw/pci/pci.h"

#define PCI_DEVICE_ID_INTEL_82371SB_0 0x7000
#define PIIX_NUM_PIRQS 4

typedef struct {
    QmemPciDevice parent_instance;

    QmemIrq pirq[PIIX_NUM_PIRQS];   /* "pirq" outputs: PIRQA..D */
} QmemPiix3;

typedef struct {
    QmemPciDeviceClass parent_class;
} QmemPiix3Class;

G_DEFINE_DYNAMIC_TYPE_EXTENDED(QmemPiix3, qmem_piix3, QMEM_TYPE_PCI_DEVICE,
                               0, {})

#define QMEM_PIIX3(obj) \
    G_TYPE_CHECK_INSTANCE_CAST((obj), qmem_piix3_get_type(), QmemPiix3)

/*
 * The configuration QEMU 7.2's guest sees after reset (piix3_reset(),
 * then the PCI reset clears COMMAND): PIRQ routing disabled (0x80),
 * DEVSEL medium.  The registers keep what the guest writes; routing
 * PIRQs to ISA IRQs is the interrupt controller's part, later.
 */
static const struct {
    guint8 offset;
    guint8 value;
} piix3_config[] = {
    { 0x07, 0x02 }, { 0x4c, 0x4d }, { 0x4e, 0x03 }, { 0x60, 0x80 },
    { 0x61, 0x80 }, { 0x62, 0x80 }, { 0x63, 0x80 }, { 0x69, 0x02 },
    { 0x70, 0x80 }, { 0x76, 0x0c }, { 0x77, 0x0c }, { 0x78, 0x02 },
    { 0xa0, 0x08 }, { 0xa8, 0x0f },
};

static gboolean piix3_realize(QmemPciDevice *dev, GError **error)
{
    guint8 *config = qmem_pci_device_get_config(dev);

    for (gsize i = 0; i < G_N_ELEMENTS(piix3_config); i++) {
        config[piix3_config[i].offset] = piix3_config[i].value;
    }
    return TRUE;
}

static void qmem_piix3_class_init(QmemPiix3Class *klass)
{
    QmemDeviceClass *dc = QMEM_DEVICE_CLASS(klass);
    QmemPciDeviceClass *k = QMEM_PCI_DEVICE_CLASS(klass);

    dc->desc = "ISA bridge";
    dc->user_creatable = FALSE;
    dc->hotpluggable = FALSE;
    k->realize = piix3_realize;
    k->vendor_id = QMEM_PCI_VENDOR_ID_INTEL;
    k->device_id = PCI_DEVICE_ID_INTEL_82371SB_0;
    k->class_id = QMEM_PCI_CLASS_BRIDGE_ISA;
}

static void qmem_piix3_class_finalize(QmemPiix3Class *klass)
{
}

static void qmem_piix3_init(QmemPiix3 *s)
{
    qmem_device_init_gpio_out_named(QMEM_DEVICE(s), s->pirq,
                                    QMEM_PC_GPIO_PIRQ, PIIX_NUM_PIRQS);
}

/* QEMU's pci_slot_get_pirq(): the PIIX's swizzle from slot 1. */
static int piix3_map_irq(QmemPciDevice *dev, int pin)
{
    int slot = QMEM_PCI_SLOT(qmem_pci_device_get_devfn(dev));

    return (pin + slot - 1) & 3;
}

static void piix3_set_irq(gpointer opaque, int pirq, int level)
{
    QmemPiix3 *s = opaque;

    qmem_irq_set(s->pirq[pirq], level);
}

gboolean qmem_piix3_create(QmemPciBus *bus, GError **error)
{
    QmemPciDevice *dev = g_object_new(
        qmem_piix3_get_type(), QMEM_PCI_DEVICE_PROP_MULTIFUNCTION, TRUE,
        NULL);
    gboolean ok = qmem_device_realize(QMEM_DEVICE(dev), QMEM_BUS(bus), error);

    if (ok) {
        qmem_pci_bus_irqs(bus, piix3_set_irq, piix3_map_irq, dev,
                          PIIX_NUM_PIRQS);
    }
    g_object_unref(dev);
    return ok;
}

void qmem_piix3_register_types(GTypeModule *module)
{
    qmem_piix3_register_type(module);
    qmem_type_register_name("PIIX3", qmem_piix3_type_id);
}
