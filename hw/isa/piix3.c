/* SPDX-License-Identifier: GPL-2.0-or-later */
/* PIIX3, pc's ISA bridge at 01.0: its identity and PCI INTx routing. */

#include "hw/i386/pc-internal.h"
#include "hw/pci/pci.h"

#define PCI_DEVICE_ID_INTEL_82371SB_0 0x7000
#define PIIX_NUM_PIRQS 4
#define PIIX_NUM_PIC_IRQS 16
#define PIIX_PIRQCA 0x60                /* PIRQA..D route, 0x60..0x63 */

typedef struct {
    QmemPciDevice parent_instance;

    QmemIrq pic[PIIX_NUM_PIC_IRQS];     /* "isa-irqs": GSIs 0..15 */
    /* Bit (irq * PIIX_NUM_PIRQS + pirq): PIRQ pirq is up, routed to irq. */
    guint64 pic_levels;
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
 * DEVSEL medium.  The registers keep what the guest writes; the PIRQ
 * route registers (0x60..0x63: an ISA IRQ, or 16 and up for none) take
 * effect at once.
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

/* QEMU's piix3_set_irq_pic(): the OR of the PIRQs routed to @pic_irq. */
static void piix3_set_irq_pic(QmemPiix3 *s, int pic_irq)
{
    guint64 mask = ((1ULL << PIIX_NUM_PIRQS) - 1) << (pic_irq * PIIX_NUM_PIRQS);

    qmem_irq_set(s->pic[pic_irq], !!(s->pic_levels & mask));
}

/* QEMU's piix3_set_irq_level_internal() and piix3_set_irq_level(). */
static void piix3_set_irq_level(QmemPiix3 *s, int pirq, int level)
{
    guint8 *config = qmem_pci_device_get_config(QMEM_PCI_DEVICE(s));
    int pic_irq = config[PIIX_PIRQCA + pirq];
    guint64 mask;

    if (pic_irq >= PIIX_NUM_PIC_IRQS) {
        return;
    }
    mask = 1ULL << (pic_irq * PIIX_NUM_PIRQS + pirq);
    s->pic_levels &= ~mask;
    s->pic_levels |= mask * !!level;
    piix3_set_irq_pic(s, pic_irq);
}

/*
 * QEMU's piix3_write_config(): a new route re-counts every PIRQ from the
 * bus's levels (setting each one's IRQ as it goes), then sets all 16
 * IRQs, lowest first.
 */
static void piix3_write_config(QmemPciDevice *dev, guint32 addr, guint32 val,
                               guint len)
{
    QmemPiix3 *s = QMEM_PIIX3(dev);
    QmemPciBus *bus = qmem_pci_device_get_bus(dev);

    qmem_pci_default_write_config(dev, addr, val, len);
    if (addr >= PIIX_PIRQCA + PIIX_NUM_PIRQS || addr + len <= PIIX_PIRQCA) {
        return;
    }
    s->pic_levels = 0;
    for (int pirq = 0; pirq < PIIX_NUM_PIRQS; pirq++) {
        piix3_set_irq_level(s, pirq, qmem_pci_bus_get_irq_level(bus, pirq));
    }
    for (int pic_irq = 0; pic_irq < PIIX_NUM_PIC_IRQS; pic_irq++) {
        piix3_set_irq_pic(s, pic_irq);
    }
}

static void qmem_piix3_class_init(QmemPiix3Class *klass)
{
    QmemDeviceClass *dc = QMEM_DEVICE_CLASS(klass);
    QmemPciDeviceClass *k = QMEM_PCI_DEVICE_CLASS(klass);

    dc->desc = "ISA bridge";
    dc->user_creatable = FALSE;
    dc->hotpluggable = FALSE;
    k->realize = piix3_realize;
    k->config_write = piix3_write_config;
    k->vendor_id = QMEM_PCI_VENDOR_ID_INTEL;
    k->device_id = PCI_DEVICE_ID_INTEL_82371SB_0;
    k->class_id = QMEM_PCI_CLASS_BRIDGE_ISA;
}

static void qmem_piix3_class_finalize(QmemPiix3Class *klass)
{
}

static void qmem_piix3_init(QmemPiix3 *s)
{
    qmem_device_init_gpio_out_named(QMEM_DEVICE(s), s->pic,
                                    QMEM_PIIX3_GPIO_ISA_IRQS,
                                    PIIX_NUM_PIC_IRQS);
}

/* QEMU's pci_slot_get_pirq(): the PIIX's swizzle from slot 1. */
static int piix3_map_irq(QmemPciDevice *dev, int pin)
{
    int slot = QMEM_PCI_SLOT(qmem_pci_device_get_devfn(dev));

    return (pin + slot - 1) & 3;
}

/* QEMU's piix3_set_irq(): PIRQ @pirq's level goes to its route's IRQ. */
static void piix3_set_irq(gpointer opaque, int pirq, int level)
{
    piix3_set_irq_level(opaque, pirq, level);
}

gboolean qmem_piix3_create(QmemPciBus *bus, QmemIrq *gsi, GError **error)
{
    QmemPciDevice *dev = g_object_new(
        qmem_piix3_get_type(), QMEM_PCI_DEVICE_PROP_MULTIFUNCTION, TRUE,
        NULL);
    gboolean ok = qmem_device_realize(QMEM_DEVICE(dev), QMEM_BUS(bus), error);

    if (ok) {
        for (int i = 0; i < PIIX_NUM_PIC_IRQS; i++) {
            qmem_device_connect_gpio_out_named(QMEM_DEVICE(dev),
                                               QMEM_PIIX3_GPIO_ISA_IRQS, i,
                                               gsi[i]);
        }
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
