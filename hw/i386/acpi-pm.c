/* SPDX-License-Identifier: GPL-2.0-or-later */
/* PIIX4 PM's and ICH9's ACPI blocks: PM1, timer, GPE0, SMI_CMD, memhp. */

#include <gmodule.h>
#include "hw/acpi/core.h"
#include "hw/acpi/memory_hotplug.h"
#include "hw/mem/memory-device.h"
#include "pc-internal.h"
#include "util/error.h"

/*
 * What QEMU's PIIX4_PM (pc, 00:01.3) and ICH9-LPC (q35, 00:1f.0) give the
 * guest for ACPI, without their PCI functions:
 *
 *   PM base + 0x00  PM1a event, + 0x04 PM1a control, + 0x08 PM timer;
 *                   q35: + 0x20 GPE0 (16 bytes).  The PM base is where
 *                   firmware puts it through PCI config space (PIIX4's
 *                   PMBA/PMIOSE, ICH9's PMBASE/ACPI_CNTL); qmem runs no
 *                   firmware, so the board sets it as SeaBIOS does, to
 *                   0x600 (qmem_pc_acpi_pm_set_io_base()).
 *   0xafe0          pc: GPE0 (4 bytes), always there
 *   0xb2, 0xb3      APM control (SMI_CMD) and status: the ACPI enable and
 *                   disable commands set and clear SCI_EN
 *   0x0a00          the memory hotplug block, with -m slots=
 *
 * The SCI is the device's unnamed GPIO output 0, as PIIX4_PM's, which the
 * board connects to GSI 9 of the I/O APIC; unconnected, it goes nowhere.
 * The device is not realized through qdev: the board makes it.
 */

#define PIIX4_PM_IO_SIZE 64
#define ICH9_PMIO_SIZE 128
#define ICH9_PMIO_GPE0_STS 0x20
#define ICH9_PMIO_GPE0_LEN 16
#define PIIX4_GPE_BASE 0xafe0
#define PIIX4_GPE_LEN 4
#define APM_CNT_IOPORT 0xb2
#define PIIX4_ACPI_ENABLE 0xf1
#define PIIX4_ACPI_DISABLE 0xf0
#define ICH9_APM_ACPI_ENABLE 0x02
#define ICH9_APM_ACPI_DISABLE 0x03
/* The SLP_TYP of S4 both devices report ("s4_val"). */
#define PM_S4_VAL 2

struct _QmemPcAcpiPm {
    QmemDevice parent_instance;

    gboolean q35;
    QmemAcpiRegs ar;
    QmemMemoryRegion *system_io;        /* a reference */
    QmemMemoryRegion *io;               /* the PM block, at io_base */
    guint32 io_base;                    /* 0: not mapped */
    QmemMemoryRegion *io_gpe;
    QmemMemoryRegion *apm_io;
    guint8 apmc;
    guint8 apms;
    QmemMemHotplugState acpi_memory_hotplug;
    QmemIrq irq;                        /* GPIO out 0: the SCI */
};

typedef struct {
    QmemDeviceClass parent_class;
} QmemPcAcpiPmClass;

static void pc_acpi_pm_acpi_dev_init(QmemAcpiDeviceIfInterface *iface);

G_DEFINE_DYNAMIC_TYPE_EXTENDED(QmemPcAcpiPm, qmem_pc_acpi_pm,
                               QMEM_TYPE_DEVICE, G_TYPE_FLAG_FINAL,
                               G_IMPLEMENT_INTERFACE_DYNAMIC(
                                   QMEM_TYPE_ACPI_DEVICE_IF,
                                   pc_acpi_pm_acpi_dev_init))

#define QMEM_PC_ACPI_PM(obj) \
    G_TYPE_CHECK_INSTANCE_CAST((obj), qmem_pc_acpi_pm_get_type(), \
                               QmemPcAcpiPm)

#define PC_ACPI_PM_CHILD "acpi-pm"

static void pm_update_sci(QmemAcpiRegs *ar)
{
    QmemPcAcpiPm *pm = ar->opaque;

    qmem_acpi_update_sci(ar, pm->irq);
}

/* GPE0: byte-wide registers behind 1- to 4-byte accesses. */

static guint64 gpe_readb(gpointer opaque, guint64 addr, guint width)
{
    QmemPcAcpiPm *pm = opaque;

    return qmem_acpi_gpe_ioport_readb(&pm->ar, addr);
}

static void gpe_writeb(gpointer opaque, guint64 addr, guint64 val,
                       guint width)
{
    QmemPcAcpiPm *pm = opaque;

    qmem_acpi_gpe_ioport_writeb(&pm->ar, addr, val);
    qmem_acpi_update_sci(&pm->ar, pm->irq);
}

static const QmemMemoryRegionOps gpe_ops = {
    .read = gpe_readb,
    .write = gpe_writeb,
    .valid = { .min_access_size = 1, .max_access_size = 4 },
    .impl = { .min_access_size = 1, .max_access_size = 1 },
};

/* APM (QEMU's hw/isa/apm.c with PIIX4's and ICH9's callbacks). */

static guint64 apm_readb(gpointer opaque, guint64 addr, guint size)
{
    QmemPcAcpiPm *pm = opaque;

    return addr & 1 ? pm->apms : pm->apmc;
}

/*
 * A command other than ACPI enable/disable raises an SMI on QEMU, when
 * the guest enabled it; qmem has no SMM.
 */
static void apm_writeb(gpointer opaque, guint64 addr, guint64 val,
                       guint size)
{
    QmemPcAcpiPm *pm = opaque;
    guint8 enable = pm->q35 ? ICH9_APM_ACPI_ENABLE : PIIX4_ACPI_ENABLE;
    guint8 disable = pm->q35 ? ICH9_APM_ACPI_DISABLE : PIIX4_ACPI_DISABLE;

    if (addr & 1) {
        pm->apms = val;
        return;
    }
    pm->apmc = val;
    qmem_acpi_pm1_cnt_update(&pm->ar, val == enable, val == disable);
}

static const QmemMemoryRegionOps apm_ops = {
    .read = apm_readb,
    .write = apm_writeb,
    .impl = { .min_access_size = 1, .max_access_size = 1 },
};

void qmem_pc_acpi_pm_set_io_base(QmemPcAcpiPm *pm, guint32 io_base)
{
    qmem_memory_region_transaction_begin();
    if (pm->io_base) {
        qmem_memory_region_del_subregion(pm->system_io, pm->io);
    }
    pm->io_base = io_base;
    if (io_base) {
        qmem_memory_region_add_subregion(pm->system_io, io_base, pm->io);
    }
    qmem_memory_region_transaction_commit();
}

guint32 qmem_pc_acpi_pm_get_io_base(QmemPcAcpiPm *pm)
{
    return pm->io_base;
}

guint32 qmem_pc_acpi_pm_get_gpe0_blk(QmemPcAcpiPm *pm)
{
    return pm->q35 ? pm->io_base + ICH9_PMIO_GPE0_STS : PIIX4_GPE_BASE;
}

/* PIIX4's piix4_pm_realize() and ICH9's ich9_pm_init(), then reset. */
static void pc_acpi_pm_setup(QmemPcAcpiPm *pm, QmemMachine *machine,
                             gboolean memory_hotplug)
{
    guint8 gpe_len = pm->q35 ? ICH9_PMIO_GPE0_LEN : PIIX4_GPE_LEN;

    pm->system_io = g_object_ref(qmem_machine_get_system_io(machine));
    pm->ar.opaque = pm;
    qmem_memory_region_transaction_begin();
    pm->io = qmem_memory_region_new_container(
        pm->q35 ? "ich9-pm" : "piix4-pm",
        pm->q35 ? ICH9_PMIO_SIZE : PIIX4_PM_IO_SIZE);
    qmem_acpi_pm_tmr_init(&pm->ar, pm_update_sci, pm->io);
    qmem_acpi_pm1_evt_init(&pm->ar, pm_update_sci, pm->io);
    /* acpi_only is off: QEMU has SMM, and the guest enables ACPI. */
    qmem_acpi_pm1_cnt_init(&pm->ar, pm->io, FALSE, FALSE, PM_S4_VAL,
                           FALSE);
    qmem_acpi_gpe_init(&pm->ar, gpe_len);
    pm->io_gpe = qmem_memory_region_new_io("acpi-gpe0", gpe_len, &gpe_ops,
                                           pm);
    qmem_memory_region_add_subregion(pm->q35 ? pm->io : pm->system_io,
                                     pm->q35 ? ICH9_PMIO_GPE0_STS
                                             : PIIX4_GPE_BASE,
                                     pm->io_gpe);
    pm->apm_io = qmem_memory_region_new_io("apm-io", 2, &apm_ops, pm);
    qmem_memory_region_add_subregion(pm->system_io, APM_CNT_IOPORT,
                                     pm->apm_io);
    pm->acpi_memory_hotplug.is_enabled = memory_hotplug;
    if (memory_hotplug) {
        qmem_acpi_memory_hotplug_init(pm->system_io,
                                      &pm->acpi_memory_hotplug,
                                      qmem_machine_get_ram_slots(machine),
                                      QMEM_ACPI_MEMORY_HOTPLUG_BASE);
    }
    qmem_memory_region_transaction_commit();

    qmem_acpi_pm1_evt_reset(&pm->ar);
    qmem_acpi_pm1_cnt_reset(&pm->ar);
    qmem_acpi_pm_tmr_reset(&pm->ar);
    qmem_acpi_gpe_reset(&pm->ar);
}

QmemPcAcpiPm *qmem_pc_acpi_pm_create(QmemMachine *machine, gboolean q35,
                                     gboolean memory_hotplug)
{
    QmemPcAcpiPm *pm = g_object_new(qmem_pc_acpi_pm_get_type(), NULL);

    pm->q35 = q35;
    pc_acpi_pm_setup(pm, machine, memory_hotplug);
    qmem_object_add_child(QMEM_OBJECT(machine), PC_ACPI_PM_CHILD,
                          QMEM_OBJECT(pm), NULL);
    g_object_unref(pm);
    return pm;  /* the machine holds it */
}

QmemPcAcpiPm *qmem_pc_acpi_pm_find(QmemMachine *machine)
{
    QmemObject *obj = qmem_object_get_child(QMEM_OBJECT(machine),
                                            PC_ACPI_PM_CHILD);

    return obj ? QMEM_PC_ACPI_PM(obj) : NULL;
}

/* Hotplug (piix4_device_*_cb(), ich9_pm_device_*_cb()) for DIMMs */

/* QEMU names the device type in its message. */
static const char *pm_qemu_type(QmemPcAcpiPm *pm)
{
    return pm->q35 ? "ICH9-LPC" : "PIIX4_PM";
}

gboolean qmem_pc_acpi_pm_pre_plug(QmemPcAcpiPm *pm, QmemDevice *dev,
                                  GError **error)
{
    if (!pm->acpi_memory_hotplug.is_enabled) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "memory hotplug is not enabled: %s.memory-hotplug-support "
                    "is not set", pm_qemu_type(pm));
        return FALSE;
    }
    return TRUE;
}

void qmem_pc_acpi_pm_plug(QmemPcAcpiPm *pm, QmemDevice *dev)
{
    qmem_acpi_memory_plug_cb(QMEM_ACPI_DEVICE_IF(pm),
                             &pm->acpi_memory_hotplug, dev);
}

gboolean qmem_pc_acpi_pm_unplug_request(QmemPcAcpiPm *pm, QmemDevice *dev,
                                        GError **error)
{
    if (!pm->acpi_memory_hotplug.is_enabled) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "acpi: device unplug request for not supported device "
                    "type: %s", qmem_object_get_typename(QMEM_OBJECT(dev)));
        return FALSE;
    }
    return qmem_acpi_memory_unplug_request_cb(QMEM_ACPI_DEVICE_IF(pm),
                                              &pm->acpi_memory_hotplug, dev,
                                              error);
}

void qmem_pc_acpi_pm_unplug(QmemPcAcpiPm *pm, QmemDevice *dev)
{
    if (pm->acpi_memory_hotplug.is_enabled) {
        qmem_acpi_memory_unplug_cb(&pm->acpi_memory_hotplug, dev);
    }
}

/* The ACPI device interface */

static void pc_acpi_pm_send_event(QmemAcpiDeviceIf *adev,
                                  QmemAcpiEventStatusBits ev)
{
    QmemPcAcpiPm *pm = QMEM_PC_ACPI_PM(adev);

    qmem_acpi_send_gpe_event(&pm->ar, pm->irq, ev);
}

static void pc_acpi_pm_ospm_status(QmemAcpiDeviceIf *adev, JsonArray *list)
{
    qmem_acpi_memory_ospm_status(&QMEM_PC_ACPI_PM(adev)->acpi_memory_hotplug,
                                 list);
}

static void pc_acpi_pm_acpi_dev_init(QmemAcpiDeviceIfInterface *iface)
{
    iface->send_event = pc_acpi_pm_send_event;
    iface->ospm_status = pc_acpi_pm_ospm_status;
}

static void qmem_pc_acpi_pm_dispose(GObject *obj)
{
    QmemPcAcpiPm *pm = QMEM_PC_ACPI_PM(obj);

    if (pm->system_io) {
        qmem_memory_region_transaction_begin();
        qmem_pc_acpi_pm_set_io_base(pm, 0);
        qmem_acpi_memory_hotplug_cleanup(&pm->acpi_memory_hotplug);
        qmem_memory_region_del_subregion(pm->q35 ? pm->io : pm->system_io,
                                         pm->io_gpe);
        qmem_memory_region_del_subregion(pm->system_io, pm->apm_io);
        qmem_acpi_regs_cleanup(&pm->ar);
        qmem_memory_region_transaction_commit();
        g_clear_object(&pm->system_io);
    }
    g_clear_object(&pm->io_gpe);
    g_clear_object(&pm->apm_io);
    g_clear_object(&pm->io);
    G_OBJECT_CLASS(qmem_pc_acpi_pm_parent_class)->dispose(obj);
}

static void qmem_pc_acpi_pm_class_init(QmemPcAcpiPmClass *klass)
{
    G_OBJECT_CLASS(klass)->dispose = qmem_pc_acpi_pm_dispose;
    QMEM_DEVICE_CLASS(klass)->desc = "ACPI power management";
}

static void qmem_pc_acpi_pm_class_finalize(QmemPcAcpiPmClass *klass)
{
}

static void qmem_pc_acpi_pm_init(QmemPcAcpiPm *pm)
{
    qmem_device_init_gpio_out_named(QMEM_DEVICE(pm), &pm->irq, NULL, 1);
}

void qmem_pc_acpi_pm_register_types(GTypeModule *module)
{
    qmem_pc_acpi_pm_register_type(module);
}
