/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ICH9-LPC, q35's ISA bridge at 1f.0: its identity and PCI INTx lines. */

#include "hw/i386/pc-internal.h"
#include "hw/pci/pci.h"

#define PCI_DEVICE_ID_INTEL_ICH9_8 0x2918
#define ICH9_A2_LPC_REVISION 0x2
#define ICH9_LPC_DEV 31
#define ICH9_LPC_NB_PIRQS 8
#define ICH9_LPC_PMBASE 0x40
#define ICH9_LPC_PMBASE_DEFAULT 0x1
#define ICH9_LPC_PIRQA_ROUT 0x60
#define ICH9_LPC_PIRQE_ROUT 0x68
#define ICH9_LPC_PIRQ_ROUT_DEFAULT 0x80     /* routing disabled */

typedef struct {
    QmemPciDevice parent_instance;

    QmemIrq pirq[ICH9_LPC_NB_PIRQS];    /* "pirq" outputs: PIRQA..H */
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
 * disabled.  The registers keep what the guest writes; ACPI (PMBASE,
 * ACPI_CTRL) and routing PIRQs to interrupts come later.
 */
static gboolean ich9_lpc_realize(QmemPciDevice *dev, GError **error)
{
    guint8 *config = qmem_pci_device_get_config(dev);

    for (int i = 0; i < 4; i++) {
        config[ICH9_LPC_PIRQA_ROUT + i] = ICH9_LPC_PIRQ_ROUT_DEFAULT;
        config[ICH9_LPC_PIRQE_ROUT + i] = ICH9_LPC_PIRQ_ROUT_DEFAULT;
    }
    qmem_pci_set_long(config + ICH9_LPC_PMBASE, ICH9_LPC_PMBASE_DEFAULT);
    return TRUE;
}

static void qmem_ich9_lpc_class_init(QmemIch9LpcClass *klass)
{
    QmemDeviceClass *dc = QMEM_DEVICE_CLASS(klass);
    QmemPciDeviceClass *k = QMEM_PCI_DEVICE_CLASS(klass);

    dc->desc = "ICH9 LPC bridge";
    dc->user_creatable = FALSE;
    k->realize = ich9_lpc_realize;
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
    qmem_device_init_gpio_out_named(QMEM_DEVICE(s), s->pirq,
                                    QMEM_PC_GPIO_PIRQ, ICH9_LPC_NB_PIRQS);
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

static void ich9_lpc_set_irq(gpointer opaque, int pirq, int level)
{
    QmemIch9Lpc *s = opaque;

    qmem_irq_set(s->pirq[pirq], level);
}

gboolean qmem_ich9_lpc_create(QmemPciBus *bus, GError **error)
{
    QmemPciDevice *dev = g_object_new(
        qmem_ich9_lpc_get_type(),
        QMEM_PCI_DEVICE_PROP_ADDR, QMEM_PCI_DEVFN(ICH9_LPC_DEV, 0),
        QMEM_PCI_DEVICE_PROP_MULTIFUNCTION, TRUE, NULL);
    gboolean ok = qmem_device_realize(QMEM_DEVICE(dev), QMEM_BUS(bus), error);

    if (ok) {
        qmem_pci_bus_irqs(bus, ich9_lpc_set_irq, ich9_lpc_map_irq, dev,
                          ICH9_LPC_NB_PIRQS);
    }
    g_object_unref(dev);
    return ok;
}

void qmem_ich9_lpc_register_types(GTypeModule *module)
{
    qmem_ich9_lpc_register_type(module);
    qmem_type_register_name("ICH9-LPC", qmem_ich9_lpc_type_id);
}
