/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ACPI fixed hardware: PM1 event and control, the PM timer, GPE0. */

#include <string.h>
#include "hw/acpi/core.h"
#include "hw/core/boards.h"
#include "hw/nvram/fw_cfg.h"

#define NANOSECONDS_PER_SECOND 1000000000LL

/* a * b / c without overflow (QEMU's muldiv64()). */
static guint64 muldiv64(guint64 a, guint32 b, guint32 c)
{
    return (guint64)((unsigned __int128)a * b / c);
}

/* The PM timer's clock: virtual time in timer ticks. */
static gint64 pm_tmr_get_clock(void)
{
    return muldiv64(qmem_clock_get_ns(QMEM_CLOCK_VIRTUAL),
                    QMEM_ACPI_PM_TIMER_FREQUENCY, NANOSECONDS_PER_SECOND);
}

static gint64 ticks_to_ns(gint64 ticks)
{
    return muldiv64(ticks, NANOSECONDS_PER_SECOND,
                    QMEM_ACPI_PM_TIMER_FREQUENCY);
}

guint32 qmem_acpi_pm_tmr_get(QmemAcpiRegs *ar)
{
    return pm_tmr_get_clock() & 0xffffff;
}

/* The next time bit 23 of the timer flips. */
static void pm_tmr_calc_overflow_time(QmemAcpiRegs *ar)
{
    ar->tmr.overflow_time = (pm_tmr_get_clock() + 0x800000LL) & ~0x7fffffLL;
}

/* PM1a event block */

guint16 qmem_acpi_pm1_evt_get_sts(QmemAcpiRegs *ar)
{
    /* In nanoseconds, as the overflow timer was set. */
    if (qmem_clock_get_ns(QMEM_CLOCK_VIRTUAL) >=
        ticks_to_ns(ar->tmr.overflow_time)) {
        ar->pm1_evt.sts |= QMEM_ACPI_BITMASK_TIMER_STATUS;
    }
    return ar->pm1_evt.sts;
}

static void pm1_evt_write_sts(QmemAcpiRegs *ar, guint16 val)
{
    guint16 sts = qmem_acpi_pm1_evt_get_sts(ar);

    if (sts & val & QMEM_ACPI_BITMASK_TIMER_STATUS) {
        pm_tmr_calc_overflow_time(ar);
    }
    ar->pm1_evt.sts &= ~val;
}

static guint64 pm_evt_read(gpointer opaque, guint64 addr, guint size)
{
    QmemAcpiRegs *ar = opaque;

    switch (addr) {
    case 0:
        return qmem_acpi_pm1_evt_get_sts(ar);
    case 2:
        return ar->pm1_evt.en;
    default:
        return 0;
    }
}

static void pm_evt_write(gpointer opaque, guint64 addr, guint64 val,
                         guint size)
{
    QmemAcpiRegs *ar = opaque;

    switch (addr) {
    case 0:
        pm1_evt_write_sts(ar, val);
        break;
    case 2:
        /* Wake-up from the RTC or timer needs suspend: qmem has none. */
        ar->pm1_evt.en = val;
        break;
    default:
        return;
    }
    ar->update_sci(ar);
}

static const QmemMemoryRegionOps pm_evt_ops = {
    .read = pm_evt_read,
    .write = pm_evt_write,
    .valid = { .min_access_size = 1, .max_access_size = 2 },
    .impl = { .min_access_size = 2 },
};

static QmemMemoryRegion *map_io(QmemAcpiRegs *ar, QmemMemoryRegion *parent,
                                const char *name, guint64 offset,
                                guint64 size, const QmemMemoryRegionOps *ops)
{
    QmemMemoryRegion *io = qmem_memory_region_new_io(name, size, ops, ar);

    g_return_val_if_fail(!ar->parent || ar->parent == parent, io);
    ar->parent = parent;
    qmem_memory_region_add_subregion(parent, offset, io);
    return io;
}

void qmem_acpi_pm1_evt_init(QmemAcpiRegs *ar, QmemAcpiUpdateSciFn update_sci,
                            QmemMemoryRegion *parent)
{
    ar->update_sci = update_sci;
    ar->pm1_evt.io = map_io(ar, parent, "acpi-evt", 0, 4, &pm_evt_ops);
}

void qmem_acpi_pm1_evt_reset(QmemAcpiRegs *ar)
{
    ar->pm1_evt.sts = 0;
    ar->pm1_evt.en = 0;
}

/* PM1a control block */

static void pm1_cnt_write(QmemAcpiRegs *ar, guint16 val)
{
    /*
     * SLP_EN with SLP_TYP asks for soft-off (0), S3 (1) or S4: QEMU shuts
     * down or suspends.  qmem has neither; the register keeps the rest.
     */
    ar->pm1_cnt.cnt = val & ~QMEM_ACPI_BITMASK_SLEEP_ENABLE;
}

void qmem_acpi_pm1_cnt_update(QmemAcpiRegs *ar, gboolean sci_enable,
                              gboolean sci_disable)
{
    if (ar->pm1_cnt.acpi_only) {
        return;
    }
    if (sci_enable) {
        ar->pm1_cnt.cnt |= QMEM_ACPI_BITMASK_SCI_ENABLE;
    } else if (sci_disable) {
        ar->pm1_cnt.cnt &= ~QMEM_ACPI_BITMASK_SCI_ENABLE;
    }
}

static guint64 pm_cnt_read(gpointer opaque, guint64 addr, guint size)
{
    QmemAcpiRegs *ar = opaque;

    return ar->pm1_cnt.cnt;
}

static void pm_cnt_write(gpointer opaque, guint64 addr, guint64 val,
                         guint size)
{
    pm1_cnt_write(opaque, val);
}

static const QmemMemoryRegionOps pm_cnt_ops = {
    .read = pm_cnt_read,
    .write = pm_cnt_write,
    .valid = { .min_access_size = 1, .max_access_size = 2 },
    .impl = { .min_access_size = 2 },
};

void qmem_acpi_pm1_cnt_init(QmemAcpiRegs *ar, QmemMemoryRegion *parent,
                            gboolean disable_s3, gboolean disable_s4,
                            guint8 s4_val, gboolean acpi_only)
{
    QmemMachine *machine = qmem_machine_get_current();
    QmemFWCfg *fw_cfg = machine ? qmem_fw_cfg_find(machine) : NULL;

    ar->pm1_cnt.s4_val = s4_val;
    ar->pm1_cnt.acpi_only = acpi_only;
    ar->pm1_cnt.io = map_io(ar, parent, "acpi-cnt", 4, 2, &pm_cnt_ops);
    if (fw_cfg) {
        /* SeaBIOS's S-state table: S3 and S4, bit 7 when enabled. */
        guint8 suspend[6] = { 128, 0, 0, 129, 128, 128 };

        suspend[3] = 1 | (!disable_s3) << 7;
        suspend[4] = s4_val | (!disable_s4) << 7;
        qmem_fw_cfg_add_file(fw_cfg, "etc/system-states",
                             g_memdup2(suspend, sizeof(suspend)),
                             sizeof(suspend));
    }
}

void qmem_acpi_pm1_cnt_reset(QmemAcpiRegs *ar)
{
    ar->pm1_cnt.cnt = ar->pm1_cnt.acpi_only ? QMEM_ACPI_BITMASK_SCI_ENABLE
                                            : 0;
}

/* PM timer */

/* Arms (or disarms) the interrupt at the next overflow. */
static void pm_tmr_update(QmemAcpiRegs *ar, gboolean enable)
{
    if (!ar->tmr.timer) {
        return;
    }
    if (enable) {
        qmem_timer_mod(ar->tmr.timer, ticks_to_ns(ar->tmr.overflow_time));
    } else {
        qmem_timer_del(ar->tmr.timer);
    }
}

static void pm_tmr_timer(gpointer opaque)
{
    QmemAcpiRegs *ar = opaque;

    ar->update_sci(ar);
}

static guint64 pm_tmr_read(gpointer opaque, guint64 addr, guint size)
{
    return qmem_acpi_pm_tmr_get(opaque);
}

/* The timer is read-only: writes are dropped. */
static const QmemMemoryRegionOps pm_tmr_ops = {
    .read = pm_tmr_read,
    .valid = { .min_access_size = 1, .max_access_size = 4 },
    .impl = { .min_access_size = 4 },
};

void qmem_acpi_pm_tmr_init(QmemAcpiRegs *ar, QmemAcpiUpdateSciFn update_sci,
                           QmemMemoryRegion *parent)
{
    ar->update_sci = update_sci;
    ar->tmr.timer = qmem_timer_new(QMEM_CLOCK_VIRTUAL, pm_tmr_timer, ar);
    ar->tmr.io = map_io(ar, parent, "acpi-tmr", 8, 4, &pm_tmr_ops);
}

void qmem_acpi_pm_tmr_reset(QmemAcpiRegs *ar)
{
    ar->tmr.overflow_time = 0;
    pm_tmr_update(ar, FALSE);
}

/* GPE0 */

void qmem_acpi_gpe_init(QmemAcpiRegs *ar, guint8 len)
{
    ar->gpe.len = len;
    ar->gpe.sts = g_malloc0(len / 2);
    ar->gpe.en = g_malloc0(len / 2);
}

void qmem_acpi_gpe_reset(QmemAcpiRegs *ar)
{
    memset(ar->gpe.sts, 0, ar->gpe.len / 2);
    memset(ar->gpe.en, 0, ar->gpe.len / 2);
}

/* The byte at @addr: status in the first half, enable in the second. */
static guint8 *gpe_byte(QmemAcpiRegs *ar, guint32 addr)
{
    if (addr < ar->gpe.len / 2) {
        return &ar->gpe.sts[addr];
    }
    if (addr < ar->gpe.len) {
        return &ar->gpe.en[addr - ar->gpe.len / 2];
    }
    return NULL;
}

guint32 qmem_acpi_gpe_ioport_readb(QmemAcpiRegs *ar, guint32 addr)
{
    guint8 *cur = gpe_byte(ar, addr);

    return cur ? *cur : 0;
}

void qmem_acpi_gpe_ioport_writeb(QmemAcpiRegs *ar, guint32 addr,
                                 guint32 val)
{
    guint8 *cur = gpe_byte(ar, addr);

    if (!cur) {
        return;
    }
    if (addr < ar->gpe.len / 2) {
        *cur &= ~val;
    } else {
        *cur = val;
    }
}

/* SCI */

void qmem_acpi_update_sci(QmemAcpiRegs *ar, QmemIrq irq)
{
    guint16 pm1a_sts = qmem_acpi_pm1_evt_get_sts(ar);
    gboolean level =
        (pm1a_sts & ar->pm1_evt.en & QMEM_ACPI_BITMASK_PM1_COMMON_ENABLED) ||
        (ar->gpe.len && (ar->gpe.sts[0] & ar->gpe.en[0]));

    qmem_irq_set(irq, level);
    pm_tmr_update(ar, (ar->pm1_evt.en & QMEM_ACPI_BITMASK_TIMER_ENABLE) &&
                      !(pm1a_sts & QMEM_ACPI_BITMASK_TIMER_STATUS));
}

void qmem_acpi_send_gpe_event(QmemAcpiRegs *ar, QmemIrq irq,
                              QmemAcpiEventStatusBits status)
{
    g_return_if_fail(ar->gpe.len);
    ar->gpe.sts[0] |= status;
    qmem_acpi_update_sci(ar, irq);
}

void qmem_acpi_regs_cleanup(QmemAcpiRegs *ar)
{
    QmemMemoryRegion **regions[] = {
        &ar->pm1_evt.io, &ar->pm1_cnt.io, &ar->tmr.io,
    };

    qmem_memory_region_transaction_begin();
    for (gsize i = 0; i < G_N_ELEMENTS(regions); i++) {
        if (*regions[i]) {
            qmem_memory_region_del_subregion(ar->parent, *regions[i]);
            g_clear_object(regions[i]);
        }
    }
    qmem_memory_region_transaction_commit();
    g_clear_pointer(&ar->tmr.timer, qmem_timer_free);
    g_clear_pointer(&ar->gpe.sts, g_free);
    g_clear_pointer(&ar->gpe.en, g_free);
    ar->gpe.len = 0;
}
