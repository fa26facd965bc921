/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ICH9-LPC, q35's ISA bridge at 1f.0: identity, INTx and SCI routing. */

#include "hw/i386/pc-internal.h"
#include "hw/pci/pci.h"
#include "util/error-report.h"

#define PCI_DEVICE_ID_INTEL_ICH9_8 0x2918
#define ICH9_A2_LPC_REVISION 0x2
#define ICH9_LPC_NB_PIRQS 8
#define ICH9_LPC_PMBASE 0x40
#define ICH9_LPC_PMBASE_DEFAULT 0x1
#define ICH9_LPC_ACPI_CTRL 0x44
#define ICH9_LPC_ACPI_CTRL_SCI_IRQ_SEL_MASK 0x7
#define ICH9_LPC_PIRQA_ROUT 0x60
#define ICH9_LPC_PIRQE_ROUT 0x68
#define ICH9_LPC_PIRQ_ROUT_DEFAULT 0x80     /* routing disabled */
#define ICH9_LPC_PIRQ_ROUT_IRQEN 0x80       /* set: no ISA IRQ */
#define ICH9_LPC_PIRQ_ROUT_MASK 0xf
#define ICH9_LPC_PIC_NUM_PINS 16

typedef struct {
    QmemPciDevice parent_instance;

    QmemIrq gsi[QMEM_GSI_NUM_PINS];     /* "gsi" outputs */
    int sci_gsi;                        /* ACPI_CTRL's SCI IRQ, or -1 */
    int sci_level;
} QmemIch9Lpc;

typedef struct {
    QmemPciDeviceClass parent_class;
} QmemIch9LpcClass;

G_DEFINE_DYNAMIC_TYPE_EXTENDED(QmemIch9Lpc, qmem_ich9_lpc,
                               QMEM_TYPE_PCI_DEVICE, 0, {})

#define QMEM_ICH9_LPC(obj) \
    G_TYPE_CHECK_INSTANCE_CAST((obj), qmem_ich9_lpc_get_type(), QmemIch9Lpc)

/*
 * QEMU's ich9_lpc_reset(): PMBASE's I/O-space bit, PIRQ routing
 * disabled, the SCI on IRQ 9.  The registers keep what the guest writes;
 * PMBASE and ACPI_CTRL's enable do not move the PM block (the board put
 * it at 0x600), ACPI_CTRL's SCI_IRQ_SEL moves the SCI.
 */
static gboolean ich9_lpc_realize(QmemPciDevice *dev, GError **error)
{
    QmemIch9Lpc *lpc = QMEM_ICH9_LPC(dev);
    guint8 *config = qmem_pci_device_get_config(dev);

    for (int i = 0; i < 4; i++) {
        config[ICH9_LPC_PIRQA_ROUT + i] = ICH9_LPC_PIRQ_ROUT_DEFAULT;
        config[ICH9_LPC_PIRQE_ROUT + i] = ICH9_LPC_PIRQ_ROUT_DEFAULT;
    }
    qmem_pci_set_long(config + ICH9_LPC_PMBASE, ICH9_LPC_PMBASE_DEFAULT);
    lpc->sci_gsi = 9;
    lpc->sci_level = 0;
    return TRUE;
}

/* IRQ routing (QEMU's lpc_ich9.c) */

/* PIRQx_ROUT of PIRQ @pirq: its ISA IRQ, and whether routing is off. */
static void ich9_lpc_pic_irq(QmemIch9Lpc *lpc, int pirq, int *pic_irq,
                             int *pic_dis)
{
    guint8 *config = qmem_pci_device_get_config(QMEM_PCI_DEVICE(lpc));
    guint8 rout = pirq < 4 ? config[ICH9_LPC_PIRQA_ROUT + pirq]
                           : config[ICH9_LPC_PIRQE_ROUT + pirq - 4];

    *pic_irq = rout & ICH9_LPC_PIRQ_ROUT_MASK;
    *pic_dis = rout & ICH9_LPC_PIRQ_ROUT_IRQEN;
}

/* GSI @gsi (0..15): the OR of the PIRQs routed to it, and the SCI. */
static void ich9_lpc_update_pic(QmemIch9Lpc *lpc, int gsi)
{
    QmemPciBus *bus = qmem_pci_device_get_bus(QMEM_PCI_DEVICE(lpc));
    int level = 0;

    for (int i = 0; i < ICH9_LPC_NB_PIRQS; i++) {
        int irq, dis;

        ich9_lpc_pic_irq(lpc, i, &irq, &dis);
        if (!dis && irq == gsi) {
            level |= qmem_pci_bus_get_irq_level(bus, i);
        }
    }
    if (gsi == lpc->sci_gsi) {
        level |= lpc->sci_level;
    }
    qmem_irq_set(lpc->gsi[gsi], level);
}

/* GSI @gsi (16..23): PIRQ gsi - 16, one each, and the SCI. */
static void ich9_lpc_update_apic(QmemIch9Lpc *lpc, int gsi)
{
    QmemPciBus *bus = qmem_pci_device_get_bus(QMEM_PCI_DEVICE(lpc));
    int level = qmem_pci_bus_get_irq_level(bus, gsi - ICH9_LPC_PIC_NUM_PINS);

    if (gsi == lpc->sci_gsi) {
        level |= lpc->sci_level;
    }
    qmem_irq_set(lpc->gsi[gsi], level);
}

/*
 * QEMU's ich9_lpc_set_irq(): PIRQ @pirq's GSI (16 + pirq), then the ISA
 * IRQ of its route, which is set even while the route is off (from the
 * PIRQs that do route there).  A route changed under a raised PIRQ takes
 * effect at the PIRQ's next change, as in QEMU.
 */
static void ich9_lpc_set_irq(gpointer opaque, int pirq, int level)
{
    QmemIch9Lpc *lpc = opaque;
    int pic_irq, pic_dis;

    ich9_lpc_update_apic(lpc, pirq + ICH9_LPC_PIC_NUM_PINS);
    ich9_lpc_pic_irq(lpc, pirq, &pic_irq, &pic_dis);
    ich9_lpc_update_pic(lpc, pic_irq);
}

/* ACPI_CTRL's SCI_IRQ_SEL: QEMU's ich9_lpc_sci_irq(). */
static int ich9_lpc_sci_irq(QmemIch9Lpc *lpc)
{
    static const int sci_irqs[] = { 9, 10, 11, -1, 20, 21, -1, -1 };
    guint8 *config = qmem_pci_device_get_config(QMEM_PCI_DEVICE(lpc));
    guint8 sel = config[ICH9_LPC_ACPI_CTRL] &
                 ICH9_LPC_ACPI_CTRL_SCI_IRQ_SEL_MASK;

    if (sci_irqs[sel] < 0) {
        qmem_log_guest_error("ICH9 LPC: SCI IRQ SEL #%u is reserved\n", sel);
    }
    return sci_irqs[sel];
}

/* The "sci" input: QEMU's ich9_set_sci(). */
static void ich9_set_sci(gpointer opaque, int n, int level)
{
    QmemIch9Lpc *lpc = opaque;

    level = !!level;
    if (level == lpc->sci_level) {
        return;
    }
    lpc->sci_level = level;
    if (lpc->sci_gsi < 0) {
        return;
    }
    if (lpc->sci_gsi >= ICH9_LPC_PIC_NUM_PINS) {
        ich9_lpc_update_apic(lpc, lpc->sci_gsi);
    } else {
        ich9_lpc_update_pic(lpc, lpc->sci_gsi);
    }
}

/*
 * QEMU's ich9_lpc_pmbase_sci_update() for the SCI: a raised SCI moves
 * to the new IRQ (lowered on the old one first); a reserved selection
 * leaves it where it was.
 */
static void ich9_lpc_sci_update(QmemIch9Lpc *lpc)
{
    int new_gsi = ich9_lpc_sci_irq(lpc);

    if (new_gsi < 0) {
        return;
    }
    if (lpc->sci_level && new_gsi != lpc->sci_gsi) {
        ich9_set_sci(lpc, 0, 0);
        lpc->sci_gsi = new_gsi;
        ich9_set_sci(lpc, 0, 1);
    }
    lpc->sci_gsi = new_gsi;
}

static void ich9_lpc_config_write(QmemPciDevice *dev, guint32 addr,
                                  guint32 val, guint len)
{
    qmem_pci_default_write_config(dev, addr, val, len);
    if ((addr < ICH9_LPC_PMBASE + 4 && addr + len > ICH9_LPC_PMBASE) ||
        (addr <= ICH9_LPC_ACPI_CTRL && addr + len > ICH9_LPC_ACPI_CTRL)) {
        ich9_lpc_sci_update(QMEM_ICH9_LPC(dev));
    }
}

static void qmem_ich9_lpc_class_init(QmemIch9LpcClass *klass)
{
    QmemDeviceClass *dc = QMEM_DEVICE_CLASS(klass);
    QmemPciDeviceClass *k = QMEM_PCI_DEVICE_CLASS(klass);

    dc->desc = "ICH9 LPC bridge";
    dc->user_creatable = FALSE;
    k->realize = ich9_lpc_realize;
    k->config_write = ich9_lpc_config_write;
    k->vendor_id = QMEM_PCI_VENDOR_ID_INTEL;
    k->device_id = PCI_DEVICE_ID_INTEL_ICH9_8;
    k->revision = ICH9_A2_LPC_REVISION;
    k->class_id = QMEM_PCI_CLASS_BRIDGE_ISA;
}

static void qmem_ich9_lpc_class_finalize(QmemIch9LpcClass *klass)
{
}

static void qmem_ich9_lpc_init(QmemIch9Lpc *s)
{
    qmem_device_init_gpio_out_named(QMEM_DEVICE(s), s->gsi,
                                    QMEM_ICH9_GPIO_GSI, QMEM_GSI_NUM_PINS);
    qmem_device_init_gpio_in_named(QMEM_DEVICE(s), ich9_set_sci,
                                   QMEM_ICH9_GPIO_SCI, 1);
}

/*
 * QEMU's ich9_lpc_map_irq() with the chipset's default routing
 * (ich9_cc_init(), ICH9_CC_DIR_DEFAULT): slots 25..29 and 31 send INTA..D
 * to PIRQA..D, slot 30 (the DMI-to-PCI bridge) to PIRQE..H, and the other
 * slots swizzle onto PIRQE..H.
 */
static int ich9_lpc_map_irq(QmemPciDevice *dev, int pin)
{
    int slot = QMEM_PCI_SLOT(qmem_pci_device_get_devfn(dev));

    if (slot >= 25 && slot != 30) {
        return pin;
    }
    if (slot == 30) {
        return pin + 4;
    }
    return (slot + pin) % 4 + 4;
}

QmemDevice *qmem_ich9_lpc_create(QmemPciBus *bus, QmemIrq *gsi,
                                 GError **error)
{
    QmemPciDevice *dev = g_object_new(
        qmem_ich9_lpc_get_type(),
        QMEM_PCI_DEVICE_PROP_ADDR, QMEM_PCI_DEVFN(QMEM_ICH9_LPC_DEV, 0),
        QMEM_PCI_DEVICE_PROP_MULTIFUNCTION, TRUE, NULL);
    gboolean ok = qmem_device_realize(QMEM_DEVICE(dev), QMEM_BUS(bus), error);

    if (ok) {
        for (int i = 0; i < QMEM_GSI_NUM_PINS; i++) {
            qmem_device_connect_gpio_out_named(QMEM_DEVICE(dev),
                                               QMEM_ICH9_GPIO_GSI, i, gsi[i]);
        }
        qmem_pci_bus_irqs(bus, ich9_lpc_set_irq, ich9_lpc_map_irq, dev,
                          ICH9_LPC_NB_PIRQS);
    }
    g_object_unref(dev);
    return ok ? QMEM_DEVICE(dev) : NULL;   /* the bus holds it */
}

void qmem_ich9_lpc_register_types(GTypeModule *module)
{
    qmem_ich9_lpc_register_type(module);
    qmem_type_register_name("ICH9-LPC", qmem_ich9_lpc_type_id);
}
