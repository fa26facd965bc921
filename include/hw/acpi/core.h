/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ACPI fixed hardware: PM1 event and control, the PM timer, GPE0. */

#ifndef QMEM_HW_ACPI_CORE_H
#define QMEM_HW_ACPI_CORE_H

#include <glib.h>
#include "hw/core/irq.h"
#include "system/memory.h"
#include "util/timer.h"

G_BEGIN_DECLS

/*
 * The registers a PM device (PIIX4 PM, ICH9 LPC) puts in I/O space and
 * the FADT names, as QEMU's hw/acpi/core.c models them (ACPIREGS):
 *
 *   PM1a_EVT_BLK  4 bytes: status (write 1 to clear), enable
 *   PM1a_CNT_BLK  2 bytes: SCI_EN, sleep type (sleep requests are ignored:
 *                 qmem has no system shutdown or suspend)
 *   PM_TMR_BLK    4 bytes: the 24-bit 3.579545 MHz timer on the virtual
 *                 clock; TMR_STS when bit 23 flips
 *   GPE0_BLK      @len bytes: status (write 1 to clear), then enable
 *
 * The SCI is level-triggered: high while a PM1 status bit (timer, power
 * button, RTC) or a GPE0 status bit of byte 0 is set with its enable bit.
 * Every guest access is checked; none can fail or abort.
 */

/* The GPE0 status bits QEMU's devices raise (AcpiEventStatusBits). */
typedef enum {
    QMEM_ACPI_PCI_HOTPLUG_STATUS = 2,
    QMEM_ACPI_CPU_HOTPLUG_STATUS = 4,
    QMEM_ACPI_MEMORY_HOTPLUG_STATUS = 8,
    QMEM_ACPI_NVDIMM_HOTPLUG_STATUS = 16,
    QMEM_ACPI_VMGENID_CHANGE_STATUS = 32,
    QMEM_ACPI_POWER_DOWN_STATUS = 64,
} QmemAcpiEventStatusBits;

/* PM1 bits (ACPI 4.8.3.1 and 4.8.3.2, QEMU's ACPI_BITMASK_*). */
#define QMEM_ACPI_BITMASK_TIMER_STATUS 0x0001
#define QMEM_ACPI_BITMASK_BUS_MASTER_STATUS 0x0010
#define QMEM_ACPI_BITMASK_GLOBAL_LOCK_STATUS 0x0020
#define QMEM_ACPI_BITMASK_POWER_BUTTON_STATUS 0x0100
#define QMEM_ACPI_BITMASK_SLEEP_BUTTON_STATUS 0x0200
#define QMEM_ACPI_BITMASK_RT_CLOCK_STATUS 0x0400
#define QMEM_ACPI_BITMASK_WAKE_STATUS 0x8000
#define QMEM_ACPI_BITMASK_TIMER_ENABLE 0x0001
#define QMEM_ACPI_BITMASK_GLOBAL_LOCK_ENABLE 0x0020
#define QMEM_ACPI_BITMASK_POWER_BUTTON_ENABLE 0x0100
#define QMEM_ACPI_BITMASK_SLEEP_BUTTON_ENABLE 0x0200
#define QMEM_ACPI_BITMASK_RT_CLOCK_ENABLE 0x0400
#define QMEM_ACPI_BITMASK_PM1_COMMON_ENABLED \
    (QMEM_ACPI_BITMASK_RT_CLOCK_ENABLE | \
     QMEM_ACPI_BITMASK_POWER_BUTTON_ENABLE | \
     QMEM_ACPI_BITMASK_GLOBAL_LOCK_ENABLE | \
     QMEM_ACPI_BITMASK_TIMER_ENABLE)
#define QMEM_ACPI_BITMASK_SCI_ENABLE 0x0001
#define QMEM_ACPI_BITMASK_SLEEP_ENABLE 0x2000

#define QMEM_ACPI_PM_TIMER_FREQUENCY 3579545

typedef struct QmemAcpiRegs QmemAcpiRegs;

/**
 * QmemAcpiUpdateSciFn:
 *
 * The owner's way to recompute its SCI (qmem_acpi_update_sci() with its
 * line): called after a PM1 write and when the PM timer's overflow
 * interrupt is due.
 */
typedef void (*QmemAcpiUpdateSciFn)(QmemAcpiRegs *regs);

/**
 * QmemAcpiRegs:
 * @opaque: the owner's, for its update_sci
 *
 * QEMU's ACPIREGS.  The owner embeds it, zeroed, and calls the _init
 * functions; qmem_acpi_regs_cleanup() undoes them.
 */
struct QmemAcpiRegs {
    struct {
        guint16 sts;
        guint16 en;
        QmemMemoryRegion *io;
    } pm1_evt;
    struct {
        guint16 cnt;
        guint8 s4_val;
        gboolean acpi_only;
        QmemMemoryRegion *io;
    } pm1_cnt;
    struct {
        QmemTimer *timer;
        gint64 overflow_time;   /* in PM timer ticks */
        QmemMemoryRegion *io;
    } tmr;
    struct {
        guint8 len;
        guint8 *sts;
        guint8 *en;
    } gpe;
    QmemAcpiUpdateSciFn update_sci;
    gpointer opaque;
    QmemMemoryRegion *parent;
};

/**
 * qmem_acpi_pm1_evt_init:
 * @parent: the PM block's container; the registers go at offset 0
 *
 * QEMU's acpi_pm1_evt_init(): the 4-byte PM1a event block.
 */
void qmem_acpi_pm1_evt_init(QmemAcpiRegs *ar, QmemAcpiUpdateSciFn update_sci,
                            QmemMemoryRegion *parent);

/**
 * qmem_acpi_pm1_cnt_init:
 * @disable_s3: the guest is told that S3 is not there
 * @disable_s4: ... nor S4
 * @s4_val: the SLP_TYP value of S4
 * @acpi_only: SCI_EN is set at reset and stays set (no SMM to hand the
 *   machine from legacy mode to ACPI mode); else the guest sets it
 *   through SMI_CMD (qmem_acpi_pm1_cnt_update())
 *
 * QEMU's acpi_pm1_cnt_init(): the 2-byte PM1a control block, at offset 4,
 * and, when the current machine has fw_cfg, the file "etc/system-states"
 * that tells firmware the sleep states.
 */
void qmem_acpi_pm1_cnt_init(QmemAcpiRegs *ar, QmemMemoryRegion *parent,
                            gboolean disable_s3, gboolean disable_s4,
                            guint8 s4_val, gboolean acpi_only);

/* QEMU's acpi_pm_tmr_init(): the 4-byte PM timer, at offset 8. */
void qmem_acpi_pm_tmr_init(QmemAcpiRegs *ar, QmemAcpiUpdateSciFn update_sci,
                           QmemMemoryRegion *parent);

/**
 * qmem_acpi_gpe_init:
 * @len: GPE0_BLK_LEN: status in the first half, enable in the second
 *
 * QEMU's acpi_gpe_init(); the owner maps the block itself, with
 * qmem_acpi_gpe_ioport_readb()/writeb() behind byte-wide ops.
 */
void qmem_acpi_gpe_init(QmemAcpiRegs *ar, guint8 len);

/* Unmaps and frees what the _init functions made. */
void qmem_acpi_regs_cleanup(QmemAcpiRegs *ar);

/* Reset values, as QEMU's acpi_*_reset(). */
void qmem_acpi_pm1_evt_reset(QmemAcpiRegs *ar);
void qmem_acpi_pm1_cnt_reset(QmemAcpiRegs *ar);
void qmem_acpi_pm_tmr_reset(QmemAcpiRegs *ar);
void qmem_acpi_gpe_reset(QmemAcpiRegs *ar);

/**
 * qmem_acpi_pm1_evt_get_sts:
 * Returns: PM1 status, TMR_STS included once the timer's bit 23 flipped.
 */
guint16 qmem_acpi_pm1_evt_get_sts(QmemAcpiRegs *ar);

/* The 24-bit PM timer now. */
guint32 qmem_acpi_pm_tmr_get(QmemAcpiRegs *ar);

/**
 * qmem_acpi_pm1_cnt_update:
 *
 * The ACPI enable and disable commands written to SMI_CMD: sets or clears
 * SCI_EN (ACPI 4.7.2.5); nothing when acpi_only.
 */
void qmem_acpi_pm1_cnt_update(QmemAcpiRegs *ar, gboolean sci_enable,
                              gboolean sci_disable);

/**
 * qmem_acpi_gpe_ioport_readb:
 * @addr: an offset into GPE0_BLK
 *
 * Returns: that byte; 0 beyond the block.
 */
guint32 qmem_acpi_gpe_ioport_readb(QmemAcpiRegs *ar, guint32 addr);

/* A byte write: status bits written 1 clear, enable bytes are replaced. */
void qmem_acpi_gpe_ioport_writeb(QmemAcpiRegs *ar, guint32 addr,
                                 guint32 val);

/**
 * qmem_acpi_update_sci:
 * @irq: (nullable): the SCI line, %NULL while not connected
 *
 * Sets @irq to the SCI level and arms the PM timer's overflow interrupt
 * when it is enabled and not pending (QEMU's acpi_update_sci()).
 */
void qmem_acpi_update_sci(QmemAcpiRegs *ar, QmemIrq irq);

/**
 * qmem_acpi_send_gpe_event:
 * @status: the QmemAcpiEventStatusBits to set in GPE0 status byte 0
 *
 * QEMU's acpi_send_gpe_event(): sets them and updates the SCI.
 */
void qmem_acpi_send_gpe_event(QmemAcpiRegs *ar, QmemIrq irq,
                              QmemAcpiEventStatusBits status);

G_END_DECLS

#endif
