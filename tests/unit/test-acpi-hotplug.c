/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ACPI fixed hardware, the SCI and the memory hotplug block, from inside. */

/*
 * What a guest sees of the same, for the same accesses as QEMU 7.2's
 * guest, is tests/qtest/test-memory-hotplug.c's job.  Here: the register
 * semantics on their own (GPE, PM1, the PM timer on virtual time), the
 * SCI line, every bad access to the memory hotplug block, and the
 * machine's side of the unplug flow (a request pending at teardown, a
 * second request, machines without the block).
 */

#include <string.h>
#include "hw/acpi/acpi-qmp-cmds.h"
#include "hw/acpi/core.h"
#include "hw/core/qdev.h"
#include "tests/unit/test-machine.h"

#define GiB (1ULL << 30)

/* ------------------------------------------------------------------ */
/* The registers on their own: a PM block at 0x600 of an I/O space */

typedef struct {
    QmemAcpiRegs ar;
    QmemMemoryRegion *root;
    QmemMemoryRegion *pm;
    QmemAddressSpace *as;
    QmemIrq sci;
    int level;                  /* the SCI's last level, -1 before any */
    guint updates;
} RegsFixture;

static void sci_handler(gpointer opaque, int n, int level)
{
    RegsFixture *f = opaque;

    f->level = level;
}

static void regs_update_sci(QmemAcpiRegs *ar)
{
    RegsFixture *f = ar->opaque;

    f->updates++;
    qmem_acpi_update_sci(ar, f->sci);
}

static void regs_setup(RegsFixture *f, gconstpointer data)
{
    gboolean acpi_only = GPOINTER_TO_INT(data);

    qmem_clock_set_virtual_manual(TRUE);
    f->level = -1;
    f->sci = qmem_irq_new(sci_handler, f, 0);
    f->root = qmem_memory_region_new_container("io", 0x10000);
    f->pm = qmem_memory_region_new_container("pm", 64);
    f->ar.opaque = f;
    qmem_acpi_pm_tmr_init(&f->ar, regs_update_sci, f->pm);
    qmem_acpi_pm1_evt_init(&f->ar, regs_update_sci, f->pm);
    qmem_acpi_pm1_cnt_init(&f->ar, f->pm, FALSE, FALSE, 2, acpi_only);
    qmem_acpi_gpe_init(&f->ar, 4);
    qmem_acpi_pm1_evt_reset(&f->ar);
    qmem_acpi_pm1_cnt_reset(&f->ar);
    qmem_acpi_pm_tmr_reset(&f->ar);
    qmem_acpi_gpe_reset(&f->ar);
    qmem_memory_region_add_subregion(f->root, 0x600, f->pm);
    f->as = qmem_address_space_new("io", f->root);
}

static void regs_teardown(RegsFixture *f, gconstpointer data)
{
    qmem_acpi_regs_cleanup(&f->ar);
    qmem_address_space_free(f->as);
    qmem_memory_region_del_subregion(f->root, f->pm);
    g_object_unref(f->pm);
    g_object_unref(f->root);
    qmem_irq_free(f->sci);
    qmem_clock_set_virtual_manual(FALSE);
}

static guint32 io_read(QmemAddressSpace *as, guint16 port, guint size)
{
    guint8 buf[8] = { 0 };
    guint32 v = 0;

    qmem_address_space_rw(as, port, buf, size, FALSE);
    for (guint i = 0; i < MIN(size, 4); i++) {
        v |= (guint32)buf[i] << (8 * i);
    }
    return v;
}

static void io_write(QmemAddressSpace *as, guint16 port, guint32 value,
                     guint size)
{
    guint8 buf[4];

    for (guint i = 0; i < size; i++) {
        buf[i] = value >> (8 * i);
    }
    qmem_address_space_rw(as, port, buf, size, TRUE);
}

/* GPE0: status is write-1-to-clear, enable is written; SCI = sts & en. */
static void test_gpe(RegsFixture *f, gconstpointer data)
{
    QmemAcpiRegs *ar = &f->ar;

    qmem_acpi_send_gpe_event(ar, f->sci, QMEM_ACPI_MEMORY_HOTPLUG_STATUS);
    g_assert_cmpuint(qmem_acpi_gpe_ioport_readb(ar, 0), ==, 8);
    g_assert_cmpint(f->level, ==, 0);

    /* Enabling it raises the SCI, the owner's update runs it. */
    qmem_acpi_gpe_ioport_writeb(ar, 2, 0x0c);
    qmem_acpi_update_sci(ar, f->sci);
    g_assert_cmpint(f->level, ==, 1);
    g_assert_cmpuint(qmem_acpi_gpe_ioport_readb(ar, 2), ==, 0x0c);
    qmem_acpi_send_gpe_event(ar, f->sci, QMEM_ACPI_CPU_HOTPLUG_STATUS);
    g_assert_cmpuint(qmem_acpi_gpe_ioport_readb(ar, 0), ==, 0x0c);

    /* Writing 0 changes no status bit; 1s clear only theirs. */
    qmem_acpi_gpe_ioport_writeb(ar, 0, 0);
    g_assert_cmpuint(qmem_acpi_gpe_ioport_readb(ar, 0), ==, 0x0c);
    qmem_acpi_gpe_ioport_writeb(ar, 0, 0x08);
    qmem_acpi_update_sci(ar, f->sci);
    g_assert_cmpuint(qmem_acpi_gpe_ioport_readb(ar, 0), ==, 0x04);
    g_assert_cmpint(f->level, ==, 1);
    qmem_acpi_gpe_ioport_writeb(ar, 0, 0xff);
    qmem_acpi_update_sci(ar, f->sci);
    g_assert_cmpint(f->level, ==, 0);

    /* Byte 1 of each half is there but raises nothing (QEMU's). */
    qmem_acpi_gpe_ioport_writeb(ar, 3, 0xff);
    g_assert_cmpuint(qmem_acpi_gpe_ioport_readb(ar, 3), ==, 0xff);
    qmem_acpi_gpe_ioport_writeb(ar, 1, 0xff);
    g_assert_cmpuint(qmem_acpi_gpe_ioport_readb(ar, 1), ==, 0);

    /* Beyond the block: reads 0, writes go nowhere, nothing breaks. */
    g_assert_cmpuint(qmem_acpi_gpe_ioport_readb(ar, 4), ==, 0);
    g_assert_cmpuint(qmem_acpi_gpe_ioport_readb(ar, G_MAXUINT32), ==, 0);
    qmem_acpi_gpe_ioport_writeb(ar, 4, 0xff);
    qmem_acpi_gpe_ioport_writeb(ar, G_MAXUINT32, 0xff);
    g_assert_cmpuint(qmem_acpi_gpe_ioport_readb(ar, 2), ==, 0x0c);

    qmem_acpi_gpe_reset(ar);
    g_assert_cmpuint(qmem_acpi_gpe_ioport_readb(ar, 2), ==, 0);
    g_assert_cmpuint(qmem_acpi_gpe_ioport_readb(ar, 3), ==, 0);
}

/* PM1 event: TMR_STS from reset, write-1-to-clear, the timer's SCI. */
static void test_pm1_evt_timer(RegsFixture *f, gconstpointer data)
{
    gint64 t0 = qmem_clock_get_ns(QMEM_CLOCK_VIRTUAL);
    /* Bit 23 of the 3.579545 MHz timer flips every 2^23 ticks. */
    gint64 period = (gint64)(0x800000 * 1000000000.0 /
                             QMEM_ACPI_PM_TIMER_FREQUENCY);

    g_assert_cmpint(t0, ==, 0);
    g_assert_cmphex(io_read(f->as, 0x600, 2), ==, 0x0001);
    g_assert_cmphex(io_read(f->as, 0x602, 2), ==, 0);
    /* A byte at 0x601 is a 2-byte access at offset 1: nothing there. */
    g_assert_cmphex(io_read(f->as, 0x601, 1), ==, 0);
    g_assert_cmphex(io_read(f->as, 0x600, 4), ==, 0x00000001);

    io_write(f->as, 0x600, QMEM_ACPI_BITMASK_TIMER_STATUS, 2);
    g_assert_cmphex(io_read(f->as, 0x600, 2), ==, 0);
    io_write(f->as, 0x602, QMEM_ACPI_BITMASK_TIMER_ENABLE, 2);
    g_assert_cmphex(io_read(f->as, 0x602, 2), ==, 1);
    g_assert_cmpint(f->level, ==, 0);
    g_assert_true(qmem_timer_pending(f->ar.tmr.timer));

    /* Just before the flip nothing; at it, TMR_STS and the SCI. */
    qmem_clock_warp(period - 1000);
    g_assert_cmpint(f->level, ==, 0);
    g_assert_cmphex(io_read(f->as, 0x600, 2), ==, 0);
    qmem_clock_warp(period + 1000);
    g_assert_cmpint(f->level, ==, 1);
    g_assert_cmphex(io_read(f->as, 0x600, 2), ==, 1);
    g_assert_false(qmem_timer_pending(f->ar.tmr.timer));

    /* Cleared: the next flip is armed. */
    io_write(f->as, 0x600, 0xffff, 2);
    g_assert_cmpint(f->level, ==, 0);
    g_assert_true(qmem_timer_pending(f->ar.tmr.timer));
    io_write(f->as, 0x602, 0, 2);
    g_assert_false(qmem_timer_pending(f->ar.tmr.timer));

    /* A byte write at the enable register's second byte does nothing. */
    io_write(f->as, 0x603, 0xff, 1);
    g_assert_cmphex(io_read(f->as, 0x602, 2), ==, 0);
}

/* The 24-bit timer counts virtual time; writes change nothing. */
static void test_pm_tmr(RegsFixture *f, gconstpointer data)
{
    g_assert_cmphex(io_read(f->as, 0x608, 4), ==, 0);
    qmem_clock_warp(1000000000);
    g_assert_cmphex(io_read(f->as, 0x608, 4), ==, 3579545);
    g_assert_cmphex(io_read(f->as, 0x608, 1), ==, 3579545 & 0xff);
    io_write(f->as, 0x608, 0, 4);
    g_assert_cmphex(io_read(f->as, 0x608, 4), ==, 3579545);
    /* It wraps at 2^24. */
    qmem_clock_warp(5000000000LL);
    g_assert_cmphex(io_read(f->as, 0x608, 4), ==,
                    (5 * 3579545) & 0xffffff);
}

/* PM1 control: SLP_EN is never stored; SCI_EN through SMI_CMD only. */
static void test_pm1_cnt(RegsFixture *f, gconstpointer data)
{
    gboolean acpi_only = GPOINTER_TO_INT(data);
    guint16 sci_en = acpi_only ? QMEM_ACPI_BITMASK_SCI_ENABLE : 0;

    g_assert_cmphex(io_read(f->as, 0x604, 2), ==, sci_en);
    /* Soft-off asked: the rest is kept, the runner goes on. */
    io_write(f->as, 0x604, QMEM_ACPI_BITMASK_SLEEP_ENABLE | 5 << 10, 2);
    g_assert_cmphex(io_read(f->as, 0x604, 2), ==, 5 << 10);
    io_write(f->as, 0x604, 0, 2);

    qmem_acpi_pm1_cnt_update(&f->ar, TRUE, FALSE);
    g_assert_cmphex(io_read(f->as, 0x604, 2), ==,
                    QMEM_ACPI_BITMASK_SCI_ENABLE * !acpi_only);
    qmem_acpi_pm1_cnt_update(&f->ar, FALSE, TRUE);
    g_assert_cmphex(io_read(f->as, 0x604, 2), ==, 0);
    qmem_acpi_pm1_cnt_reset(&f->ar);
    g_assert_cmphex(io_read(f->as, 0x604, 2), ==, sci_en);
}

/* ------------------------------------------------------------------ */
/* The machines' PM device and memory hotplug block */

typedef MachineFixture Fixture;

#define MEMHP 0x0a00

static const MachineConfig pc_3_slots = {
    .machine = "pc",
    .m = "1G,slots=3,maxmem=4G",
    .objects = { "memory-backend-ram,id=m0,size=128M",
                 "memory-backend-ram,id=m1,size=256M" },
};

static const MachineConfig q35_3_slots = {
    .machine = "q35",
    .m = "1G,slots=3,maxmem=4G",
    .objects = { "memory-backend-ram,id=m0,size=128M",
                 "memory-backend-ram,id=m1,size=256M" },
};

static const MachineConfig pc_no_slots = {
    .machine = "pc",
    .m = "1G",
};

static const MachineConfig pc_2_0 = {
    .machine = "pc-i440fx-2.0",
    .m = "1G,slots=2,maxmem=4G",
    .objects = { "memory-backend-ram,id=m0,size=128M" },
};

static const MachineConfig none_machine = {
    .machine = "none",
};

static gboolean is_q35(gconstpointer config)
{
    return config == &q35_3_slots;
}

static guint16 gpe_sts(gconstpointer config)
{
    return is_q35(config) ? 0x620 : 0xafe0;
}

static guint16 gpe_en(gconstpointer config)
{
    return is_q35(config) ? 0x628 : 0xafe2;
}

static QmemDevice *acpi_pm(void)
{
    return QMEM_DEVICE(qmem_object_resolve_path("/machine/acpi-pm",
                                                QMEM_TYPE_DEVICE, NULL));
}

static char *ospm_status(void)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(JsonObject) args = json_object_new();
    g_autoptr(JsonNode) ret = qmem_qmp_query_acpi_ospm_status(args, &error);
    g_autoptr(JsonGenerator) gen = json_generator_new();

    g_assert_no_error(error);
    json_generator_set_root(gen, ret);
    return json_generator_to_data(gen, NULL);
}

static guint32 slot_flags(Fixture *f, guint32 slot)
{
    guest_io_write(f, MEMHP, slot, 4);
    return guest_io_read(f, MEMHP + 0x14, 4);
}

static void level_handler(gpointer opaque, int n, int level)
{
    *(int *)opaque = level;
}

/* The SCI is GPIO 0 of /machine/acpi-pm: sts & en of GPE0 byte 0. */
static void test_sci(Fixture *f, gconstpointer config)
{
    int level = -1;
    QmemIrq sci = qmem_irq_new(level_handler, &level, 0);

    qmem_device_connect_gpio_out_named(acpi_pm(), NULL, 0, sci);
    qmem_machine_creation_done(f->machine);

    hotplug_device(f, "pc-dimm,id=d1,memdev=m1");
    g_assert_cmpuint(guest_io_read(f, gpe_sts(config), 1), ==, 8);
    g_assert_cmpint(level, ==, 0);
    guest_io_write(f, gpe_en(config), 8, 1);
    g_assert_cmpint(level, ==, 1);
    /* The guest clears the slot's event first, then the GPE's. */
    guest_io_write(f, MEMHP, 0, 4);
    guest_io_write(f, MEMHP + 0x14, 2, 1);
    g_assert_cmpint(level, ==, 1);
    guest_io_write(f, gpe_sts(config), 8, 1);
    g_assert_cmpint(level, ==, 0);

    /* device_del raises it again; so does a second request. */
    g_assert_true(qmem_device_del("d1", NULL));
    g_assert_cmpint(level, ==, 1);
    guest_io_write(f, gpe_sts(config), 8, 1);
    g_assert_cmpint(level, ==, 0);
    g_assert_true(qmem_device_del("d1", NULL));
    g_assert_cmpint(level, ==, 1);
    g_assert_cmphex(slot_flags(f, 0), ==, 5);

    /* Disabled in GPE0_EN: low while the status stays. */
    guest_io_write(f, gpe_en(config), 0, 1);
    g_assert_cmpint(level, ==, 0);
    g_assert_cmpuint(guest_io_read(f, gpe_sts(config), 1), ==, 8);

    qmem_device_connect_gpio_out_named(acpi_pm(), NULL, 0, NULL);
    qmem_irq_free(sci);
}

/*
 * Every offset, every width, with a selector beyond the slots: reads are
 * 0, writes change nothing (QEMU's "selector out of range" case).
 */
static void test_bad_selector(Fixture *f, gconstpointer config)
{
    static const guint32 selectors[] = { 3, 4, 0x100, G_MAXUINT32 };
    g_autofree char *before = NULL;
    g_autofree char *after = NULL;

    add_device(f, "pc-dimm,id=d0,memdev=m0");
    qmem_machine_creation_done(f->machine);
    hotplug_device(f, "pc-dimm,id=d1,memdev=m1");
    before = ospm_status();
    for (gsize i = 0; i < G_N_ELEMENTS(selectors); i++) {
        for (guint off = 0; off < 0x18; off++) {
            for (guint size = 1; size <= 4 && off + size <= 0x18;
                 size <<= 1) {
                guest_io_write(f, MEMHP, selectors[i], 4);
                g_assert_cmphex(guest_io_read(f, MEMHP + off, size), ==, 0);
                if (off) {
                    guest_io_write(f, MEMHP + off, 0xffffffff, size);
                }
            }
        }
    }
    after = ospm_status();
    g_assert_cmpstr(after, ==, before);
    /* Nothing was ejected or acknowledged. */
    g_assert_cmphex(slot_flags(f, 0), ==, 1);
    g_assert_cmphex(slot_flags(f, 1), ==, 3);
    g_assert_nonnull(qmem_object_resolve_path("/machine/peripheral/d0",
                                              G_TYPE_NONE, NULL));
}

/* Accesses of any width and alignment answer as QEMU's core splits them. */
static void test_access_sizes(Fixture *f, gconstpointer config)
{
    guint8 buf[8];

    qmem_machine_creation_done(f->machine);
    hotplug_device(f, "pc-dimm,id=d1,memdev=m1");
    guest_io_write(f, MEMHP, 0, 4);
    /* 0x100000000: low 0, high 1; size 256 MiB. */
    g_assert_cmphex(guest_io_read(f, MEMHP + 0x04, 4), ==, 1);
    g_assert_cmphex(guest_io_read(f, MEMHP + 0x08, 4), ==, 256 << 20);
    /* A register read narrower than 4 bytes gives its low bytes. */
    g_assert_cmphex(guest_io_read(f, MEMHP + 0x04, 1), ==, 1);
    g_assert_cmphex(guest_io_read(f, MEMHP + 0x08, 2), ==, 0);
    /* Offsets inside a register are no register: all-ones. */
    g_assert_cmphex(guest_io_read(f, MEMHP + 0x05, 1), ==, 0xff);
    g_assert_cmphex(guest_io_read(f, MEMHP + 0x16, 2), ==, 0xffff);
    /* An unaligned dword: two words, at 0x02 (none) and 0x04 (addr hi). */
    g_assert_cmphex(guest_io_read(f, MEMHP + 0x02, 4), ==, 0x0001ffff);
    /* Past the block's 24 bytes nothing answers. */
    g_assert_cmphex(guest_io_read(f, MEMHP + 0x18, 4), ==, 0xffffffff);
    /* Eight bytes at once (no CPU does that): two dwords. */
    memset(buf, 0xaa, sizeof(buf));
    qmem_address_space_rw(qmem_machine_get_io_address_space(f->machine),
                          MEMHP + 0x04, buf, 8, FALSE);
    g_assert_cmphex(buf[0], ==, 1);
    g_assert_cmphex(buf[4], ==, 0);
    g_assert_cmphex(buf[5], ==, 0);
    /* A 2-byte write of the selector replaces all of it. */
    guest_io_write(f, MEMHP, 0xffffffff, 4);
    guest_io_write(f, MEMHP, 0, 2);
    g_assert_cmphex(guest_io_read(f, MEMHP + 0x14, 4), ==, 3);
}

/* Ejects that do nothing: an empty slot, a slot that was ejected. */
static void test_eject_nothing(Fixture *f, gconstpointer config)
{
    qmem_machine_creation_done(f->machine);
    hotplug_device(f, "pc-dimm,id=d1,memdev=m1");
    guest_io_write(f, MEMHP, 2, 4);
    guest_io_write(f, MEMHP + 0x14, 8, 1);
    g_assert_cmphex(slot_flags(f, 0), ==, 3);
    guest_io_write(f, MEMHP + 0x14, 8, 1);
    g_assert_null(qmem_object_resolve_path("/machine/peripheral/d1",
                                           G_TYPE_NONE, NULL));
    /* Inserting stays set (QEMU's): only enabled goes. */
    g_assert_cmphex(slot_flags(f, 0), ==, 2);
    guest_io_write(f, MEMHP + 0x14, 8, 1);
    g_assert_cmphex(slot_flags(f, 0), ==, 2);
    /* The backend is free again. */
    hotplug_device(f, "pc-dimm,id=d2,memdev=m1");
    g_assert_cmphex(slot_flags(f, 0), ==, 3);
}

/* A request the guest never completes: teardown unplugs the DIMM. */
static void test_pending_at_teardown(Fixture *f, gconstpointer config)
{
    add_device(f, "pc-dimm,id=d0,memdev=m0");
    qmem_machine_creation_done(f->machine);
    hotplug_device(f, "pc-dimm,id=d1,memdev=m1");
    g_assert_true(qmem_device_del("d1", NULL));
    g_assert_true(qmem_device_del("d0", NULL));
    g_assert_cmphex(slot_flags(f, 0), ==, 5);
    g_assert_cmphex(slot_flags(f, 1), ==, 7);
}

/* query-acpi-ospm-status: a slot per -m slots=, the _OST written. */
static void test_ospm_status(Fixture *f, gconstpointer config)
{
    g_autofree char *empty = ospm_status();
    g_autofree char *status = NULL;

    g_assert_cmpstr(empty, ==,
                    "[{\"slot\":\"0\",\"slot-type\":\"DIMM\",\"source\":0,"
                    "\"status\":0},{\"slot\":\"1\",\"slot-type\":\"DIMM\","
                    "\"source\":0,\"status\":0},{\"slot\":\"2\","
                    "\"slot-type\":\"DIMM\",\"source\":0,\"status\":0}]");
    add_device(f, "pc-dimm,id=d0,memdev=m0");
    guest_io_write(f, MEMHP, 0, 4);
    guest_io_write(f, MEMHP + 0x04, 3, 4);
    guest_io_write(f, MEMHP + 0x08, 0x80, 4);
    /* Event and status are 32 bits. */
    guest_io_write(f, MEMHP, 2, 4);
    guest_io_write(f, MEMHP + 0x04, 0xffffffff, 4);
    status = ospm_status();
    g_assert_cmpstr(status, ==,
                    "[{\"device\":\"d0\",\"slot\":\"0\",\"slot-type\":"
                    "\"DIMM\",\"source\":3,\"status\":128},{\"slot\":\"1\","
                    "\"slot-type\":\"DIMM\",\"source\":0,\"status\":0},"
                    "{\"slot\":\"2\",\"slot-type\":\"DIMM\",\"source\":"
                    "4294967295,\"status\":0}]");
}

/* Without -m slots= there is no block: its ports are unassigned. */
static void test_no_slots(Fixture *f, gconstpointer config)
{
    g_autofree char *status = ospm_status();

    g_assert_cmpstr(status, ==, "[]");
    guest_io_write(f, MEMHP, 0, 4);
    g_assert_cmphex(guest_io_read(f, MEMHP + 0x14, 4), ==, 0xffffffff);
    g_assert_cmphex(guest_io_read(f, 0xafe0, 1), ==, 0);
}

/* pc-i440fx-2.0: PIIX4_PM without memory-hotplug-support. */
static void test_pc_2_0(Fixture *f, gconstpointer config)
{
    g_autoptr(GError) error = NULL;

    g_assert_null(try_device(f, "pc-dimm,id=d0,memdev=m0", FALSE, &error));
    assert_error(error, "memory hotplug is not enabled: "
                 "PIIX4_PM.memory-hotplug-support is not set");
    guest_io_write(f, MEMHP, 0, 4);
    g_assert_cmphex(guest_io_read(f, MEMHP + 0x14, 4), ==, 0xffffffff);
}

static void test_none(Fixture *f, gconstpointer config)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(JsonObject) args = json_object_new();

    g_assert_null(qmem_qmp_query_acpi_ospm_status(args, &error));
    assert_error(error, "command is not supported, missing ACPI device");
}

#define ADD_REGS(path, data, fn) \
    g_test_add("/hw/acpi/core/" path, RegsFixture, data, regs_setup, fn, \
               regs_teardown)
#define ADD_M(path, config, fn) \
    g_test_add("/hw/acpi/memory_hotplug/" path, Fixture, config, \
               machine_fixture_setup, fn, machine_fixture_teardown)

int main(int argc, char **argv)
{
    test_init(&argc, &argv);
    ADD_REGS("gpe", GINT_TO_POINTER(FALSE), test_gpe);
    ADD_REGS("pm1-evt-timer", GINT_TO_POINTER(FALSE), test_pm1_evt_timer);
    ADD_REGS("pm-tmr", GINT_TO_POINTER(FALSE), test_pm_tmr);
    ADD_REGS("pm1-cnt", GINT_TO_POINTER(FALSE), test_pm1_cnt);
    ADD_REGS("pm1-cnt-acpi-only", GINT_TO_POINTER(TRUE), test_pm1_cnt);
    ADD_M("sci/pc", &pc_3_slots, test_sci);
    ADD_M("sci/q35", &q35_3_slots, test_sci);
    ADD_M("bad-selector/pc", &pc_3_slots, test_bad_selector);
    ADD_M("bad-selector/q35", &q35_3_slots, test_bad_selector);
    ADD_M("access-sizes", &pc_3_slots, test_access_sizes);
    ADD_M("eject-nothing", &q35_3_slots, test_eject_nothing);
    ADD_M("pending-at-teardown", &pc_3_slots, test_pending_at_teardown);
    ADD_M("ospm-status", &pc_3_slots, test_ospm_status);
    ADD_M("no-slots", &pc_no_slots, test_no_slots);
    ADD_M("pc-2.0", &pc_2_0, test_pc_2_0);
    ADD_M("none", &none_machine, test_none);
    return g_test_run();
}
