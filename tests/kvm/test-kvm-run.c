/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A guest that runs all the time: its exits, interrupts and ioeventfds. */

/*
 * The program is set up as qmem-run is (qmem_main_loop_init(): the main
 * thread holds the BQL but while it polls), with a machine of its own:
 * 64 MiB of RAM at 0 in a memory address space, a 64 KiB port space whose
 * unassigned ports read all-ones, and a test device with a register
 * window in each.  The guest itself makes the accesses
 * (qmem_accel_guest_io()); what KVM did the tests ask the kernel through
 * the VM's and vCPUs' file descriptors (statistics, irqchip, local APIC).
 */

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <linux/kvm.h>

#include "kvm-test-util.h"
#include "accel/kvm/kvm.h"
#include "hw/intc/apic-msi.h"
#include "qom/module.h"
#include "system/memory.h"
#include "util/error.h"
#include "util/main-loop.h"

#define MIB (G_GUINT64_CONSTANT(1) << 20)
#define RAM_SIZE (64 * MIB)
#define MMIO_BASE 0xd0000000ULL
#define MMIO_SIZE 0x1000
#define PIO_BASE 0x5000
#define PIO_SIZE 0x10
#define UNASSIGNED_PORT 0x6000
#define UNASSIGNED_MMIO 0xe0000000ULL

/* Why the tests skip, or NULL when /dev/kvm works. */
static char *kvm_skip_reason;
static GThread *main_thread;

typedef struct {
    guint fds;
    guint threads;
    QmemRamBlock *ram_block;
    QmemMemoryRegion *root;
    QmemMemoryRegion *io_root;
    QmemMemoryRegion *mmio;
    QmemMemoryRegion *pio;
    QmemAddressSpace *as;
    QmemAddressSpace *io_as;
    QmemAccel *accel;
    GString *log;           /* the test device: "w 0x10+4=0x1234;" ... */
    gboolean off_vcpu;      /* an access came from outside a vCPU thread */
} Fixture;

/* The device's accesses come from vCPU 0, holding the BQL. */
static void device_access(Fixture *f)
{
    g_assert_true(qmem_bql_locked());
    if (g_thread_self() == main_thread) {
        f->off_vcpu = TRUE;
    }
}

/* Reads give byte i of a register at @addr the value 0x40 + addr + i. */
static guint64 device_read(gpointer opaque, guint64 addr, guint size)
{
    Fixture *f = opaque;
    guint64 value = 0;

    device_access(f);
    g_string_append_printf(f->log, "r 0x%" G_GINT64_MODIFIER "x+%u;", addr,
                           size);
    for (guint i = 0; i < size; i++) {
        value |= (guint64)((0x40 + addr + i) & 0xff) << (8 * i);
    }
    return value;
}

static void device_write(gpointer opaque, guint64 addr, guint64 value,
                         guint size)
{
    Fixture *f = opaque;

    device_access(f);
    g_string_append_printf(f->log, "w 0x%" G_GINT64_MODIFIER "x+%u=0x%"
                           G_GINT64_MODIFIER "x;", addr, size, value);
}

static const QmemMemoryRegionOps mmio_ops = {
    .read = device_read,
    .write = device_write,
    .valid = { .min_access_size = 1, .max_access_size = 8 },
    .impl = { .min_access_size = 1, .max_access_size = 8 },
};

static const QmemMemoryRegionOps pio_ops = {
    .read = device_read,
    .write = device_write,
    .valid = { .min_access_size = 1, .max_access_size = 4 },
    .impl = { .min_access_size = 1, .max_access_size = 4 },
};

/* The machine's port space: where no device answers, all-ones. */
static guint64 unassigned_port_read(gpointer opaque, guint64 addr,
                                    guint size)
{
    return ~(guint64)0;
}

static const QmemMemoryRegionOps unassigned_port_ops = {
    .read = unassigned_port_read,
};

static void fixture_setup(Fixture *f, gconstpointer data)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(QmemMemoryRegion) ram = NULL;

    f->fds = kvm_test_count_dir("/proc/self/fd");
    f->threads = kvm_test_count_dir("/proc/self/task");
    f->log = g_string_new(NULL);
    if (kvm_skip_reason) {
        return;
    }
    f->ram_block = qmem_ram_block_new_anon("ram0", RAM_SIZE, 0, &error);
    g_assert_no_error(error);
    f->root = qmem_memory_region_new_container("system", G_MAXUINT64);
    ram = qmem_memory_region_new_ram("ram0", f->ram_block);
    qmem_memory_region_add_subregion(f->root, 0, ram);
    f->mmio = qmem_memory_region_new_io("test-mmio", MMIO_SIZE, &mmio_ops, f);
    qmem_memory_region_add_subregion(f->root, MMIO_BASE, f->mmio);
    f->io_root = qmem_memory_region_new_io("io", 0x10000,
                                           &unassigned_port_ops, NULL);
    f->pio = qmem_memory_region_new_io("test-pio", PIO_SIZE, &pio_ops, f);
    qmem_memory_region_add_subregion(f->io_root, PIO_BASE, f->pio);
    f->as = qmem_address_space_new("memory", f->root);
    f->io_as = qmem_address_space_new("I/O", f->io_root);
}

static void fixture_teardown(Fixture *f, gconstpointer data)
{
    if (f->accel) {
        qmem_accel_shutdown(f->accel);
        qmem_accel_set_current(NULL);
        g_object_unref(f->accel);
    }
    g_clear_pointer(&f->as, qmem_address_space_free);
    g_clear_pointer(&f->io_as, qmem_address_space_free);
    g_clear_object(&f->mmio);
    g_clear_object(&f->pio);
    g_clear_object(&f->root);
    g_clear_object(&f->io_root);
    g_clear_pointer(&f->ram_block, qmem_ram_block_free);
    g_assert_false(f->off_vcpu);
    g_string_free(f->log, TRUE);
    /* No fd (VM, vCPU, stats, /dev/kvm) and no vCPU thread outlives it. */
    g_assert_cmpuint(kvm_test_count_dir("/proc/self/fd"), ==, f->fds);
    g_assert_cmpuint(kvm_test_count_dir("/proc/self/task"), ==, f->threads);
}

static gboolean skip_without_kvm(void)
{
    if (kvm_skip_reason) {
        g_test_skip(kvm_skip_reason);
        return TRUE;
    }
    return FALSE;
}

/* KVM takes the machine and the guest runs, as qmem-run starts it. */
static void start(Fixture *f, guint n_cpus)
{
    g_autoptr(GError) error = NULL;

    f->accel = qmem_accel_new("kvm", NULL, &error);
    g_assert_no_error(error);
    qmem_accel_set_current(f->accel);
    g_assert_true(qmem_accel_init_machine(f->accel, f->as, f->io_as, n_cpus,
                                          &error));
    g_assert_no_error(error);
    qmem_accel_start(f->accel);
}

/* Lets the guest run for @ms without the BQL, as the main loop would. */
static void let_run(guint ms)
{
    qmem_bql_unlock();
    g_usleep(ms * 1000);
    qmem_bql_lock();
}

/* The value of KVM's binary statistic @name of vCPU 0 (KVM_GET_STATS_FD). */
static guint64 vcpu0_stat(const char *name)
{
    int fd = ioctl(kvm_test_fd_of("kvm-vcpu:0"), KVM_GET_STATS_FD, NULL);
    struct kvm_stats_header h;
    g_autofree guint8 *descs = NULL;
    gsize desc_size;
    guint64 value = G_MAXUINT64;

    g_assert_cmpint(fd, >=, 0);
    g_assert_cmpint(pread(fd, &h, sizeof(h), 0), ==, sizeof(h));
    desc_size = sizeof(struct kvm_stats_desc) + h.name_size;
    descs = g_malloc(desc_size * h.num_desc);
    g_assert_cmpint(pread(fd, descs, desc_size * h.num_desc, h.desc_offset),
                    ==, (ssize_t)(desc_size * h.num_desc));
    for (guint i = 0; i < h.num_desc; i++) {
        struct kvm_stats_desc *d = (void *)(descs + i * desc_size);

        if (!strcmp(d->name, name)) {
            g_assert_cmpint(pread(fd, &value, sizeof(value),
                                  h.data_offset + d->offset), ==,
                            sizeof(value));
        }
    }
    close(fd);
    g_assert_cmpuint(value, !=, G_MAXUINT64);
    return value;
}

static void guest_io(Fixture *f, QmemAccelGuestIoSpace space, guint64 addr,
                     guint size, guint count, gboolean is_write, guint8 *buf)
{
    g_autoptr(GError) error = NULL;

    g_assert_true(qmem_accel_guest_io(f->accel, space, addr, size, count,
                                      is_write, buf, &error));
    g_assert_no_error(error);
}

/* One access of @size bytes; returns what a read gave. */
static guint64 guest_access(Fixture *f, QmemAccelGuestIoSpace space,
                            guint64 addr, guint size, gboolean is_write,
                            guint64 value)
{
    guint8 buf[8];

    for (guint i = 0; i < size; i++) {
        buf[i] = value >> (8 * i);
    }
    guest_io(f, space, addr, size, 1, is_write, buf);
    value = 0;
    for (guint i = 0; i < size; i++) {
        value |= (guint64)buf[i] << (8 * i);
    }
    return value;
}

#define PORT QMEM_ACCEL_GUEST_IO_PORT
#define MEM QMEM_ACCEL_GUEST_IO_MEMORY

static char *take_log(Fixture *f)
{
    char *text = g_strdup(f->log->str);

    g_string_truncate(f->log, 0);
    return text;
}

#define ASSERT_LOG(f, expected) \
    do { \
        g_autofree char *text_ = take_log(f); \
        g_assert_cmpstr(text_, ==, expected); \
    } while (0)

/* ---- a guest that keeps running ---------------------------------------- */

/*
 * The guest runs from start, idling at its idle port between turns: a
 * bounded number of exits (KVM's "exits" statistic: this kernel does not
 * count its port I/O exits in "io_exits"), not a busy loop (one exit is
 * ~15 us here, so polling without a pause would make thousands in the
 * same time).
 */
static void test_idle(Fixture *f, gconstpointer data)
{
    guint64 before, after;
    g_autofree char *log = NULL;

    if (skip_without_kvm()) {
        return;
    }
    start(f, 2);
    /* The payload logs once it is up: it booted without a request. */
    while (!log || !*log) {
        g_free(log);
        let_run(10);
        g_object_get(f->accel, QMEM_KVM_ACCEL_PROP_GUEST_LOG, &log, NULL);
    }
    g_assert_cmpstr(log, ==, "qmem-guest: running\n");

    before = vcpu0_stat("exits");
    let_run(500);
    after = vcpu0_stat("exits");
    g_test_message("%" G_GUINT64_FORMAT " idle exits in 500 ms",
                   after - before);
    /* One per 10 ms turn, at most: 50 here, 200 allows for slack. */
    g_assert_cmpuint(after - before, >=, 1);
    g_assert_cmpuint(after - before, <=, 200);
    ASSERT_LOG(f, "");
}

static void test_port_io(Fixture *f, gconstpointer data)
{
    guint8 buf[8];

    if (skip_without_kvm()) {
        return;
    }
    start(f, 1);
    guest_access(f, PORT, PIO_BASE, 1, TRUE, 0x5a);
    guest_access(f, PORT, PIO_BASE + 2, 2, TRUE, 0xbeef);
    guest_access(f, PORT, PIO_BASE + 4, 4, TRUE, 0x12345678);
    ASSERT_LOG(f, "w 0x0+1=0x5a;w 0x2+2=0xbeef;w 0x4+4=0x12345678;");
    g_assert_cmphex(guest_access(f, PORT, PIO_BASE + 1, 1, FALSE, 0), ==,
                    0x41);
    g_assert_cmphex(guest_access(f, PORT, PIO_BASE + 2, 2, FALSE, 0), ==,
                    0x4342);
    g_assert_cmphex(guest_access(f, PORT, PIO_BASE + 8, 4, FALSE, 0), ==,
                    0x4b4a4948);
    ASSERT_LOG(f, "r 0x1+1;r 0x2+2;r 0x8+4;");

    /* REP OUTSW/INSB: one exit, count accesses at one port, in order. */
    memcpy(buf, "\x01\x02\x03\x04\x05\x06", 6);
    guest_io(f, PORT, PIO_BASE + 6, 2, 3, TRUE, buf);
    ASSERT_LOG(f, "w 0x6+2=0x201;w 0x6+2=0x403;w 0x6+2=0x605;");
    guest_io(f, PORT, PIO_BASE + 3, 1, 4, FALSE, buf);
    g_assert_cmpmem(buf, 4, "\x43\x43\x43\x43", 4);
    ASSERT_LOG(f, "r 0x3+1;r 0x3+1;r 0x3+1;r 0x3+1;");

    /* Nothing there: all-ones, and writes go nowhere. */
    g_assert_cmphex(guest_access(f, PORT, UNASSIGNED_PORT, 1, FALSE, 0), ==,
                    0xff);
    g_assert_cmphex(guest_access(f, PORT, UNASSIGNED_PORT, 2, FALSE, 0), ==,
                    0xffff);
    g_assert_cmphex(guest_access(f, PORT, UNASSIGNED_PORT, 4, FALSE, 0), ==,
                    0xffffffff);
    guest_access(f, PORT, UNASSIGNED_PORT, 4, TRUE, 0);
    ASSERT_LOG(f, "");
}

static void test_mmio(Fixture *f, gconstpointer data)
{
    QmemAccelMemtestResult r;
    g_autoptr(GError) error = NULL;
    guint8 buf[24];

    if (skip_without_kvm()) {
        return;
    }
    start(f, 1);
    guest_access(f, MEM, MMIO_BASE, 1, TRUE, 0xa5);
    guest_access(f, MEM, MMIO_BASE + 2, 2, TRUE, 0xcafe);
    guest_access(f, MEM, MMIO_BASE + 4, 4, TRUE, 0xdeadbeef);
    guest_access(f, MEM, MMIO_BASE + 8, 8, TRUE, 0x0123456789abcdefULL);
    ASSERT_LOG(f, "w 0x0+1=0xa5;w 0x2+2=0xcafe;w 0x4+4=0xdeadbeef;"
                  "w 0x8+8=0x123456789abcdef;");
    g_assert_cmphex(guest_access(f, MEM, MMIO_BASE + 0x10, 8, FALSE, 0), ==,
                    0x5756555453525150ULL);
    g_assert_cmphex(guest_access(f, MEM, MMIO_BASE + 0x21, 1, FALSE, 0), ==,
                    0x61);
    ASSERT_LOG(f, "r 0x10+8;r 0x21+1;");

    /* Three registers in a row. */
    guest_io(f, MEM, MMIO_BASE + 0x30, 8, 3, FALSE, buf);
    g_assert_cmpmem(buf, 8, "\x70\x71\x72\x73\x74\x75\x76\x77", 8);
    g_assert_cmpmem(buf + 16, 8, "\x80\x81\x82\x83\x84\x85\x86\x87", 8);
    ASSERT_LOG(f, "r 0x30+8;r 0x38+8;r 0x40+8;");

    /* Nothing there: 0, and writes go nowhere. */
    g_assert_cmphex(guest_access(f, MEM, UNASSIGNED_MMIO, 8, FALSE, 0), ==,
                    0);
    guest_access(f, MEM, UNASSIGNED_MMIO, 4, TRUE, 1);
    /* Far above 4 GiB: the payload has the VMM map it first. */
    g_assert_cmphex(guest_access(f, MEM, 64ULL << 30, 8, FALSE, 0), ==, 0);
    ASSERT_LOG(f, "");

    /* RAM is RAM: no exit, the guest's write is in the backend. */
    guest_access(f, MEM, 0x1000, 8, TRUE, 0x1122334455667788ULL);
    g_assert_cmphex(((guint64 *)f->ram_block->host)[0x1000 / 8], ==,
                    0x1122334455667788ULL);
    ASSERT_LOG(f, "");

    /* The memory test is what it was. */
    g_assert_true(qmem_accel_guest_memtest(f->accel, 0, RAM_SIZE, 3,
                                           QMEM_ACCEL_MEMTEST_WRITE_VERIFY,
                                           &r, &error));
    g_assert_no_error(error);
    g_assert_cmpuint(r.checked, ==, RAM_SIZE);
    g_assert_cmpuint(r.mismatches, ==, 0);
    g_assert_false(r.has_fault_addr);
    /* A walk into the device faults there; the device sees nothing. */
    g_assert_true(qmem_accel_guest_memtest(f->accel, MMIO_BASE - 4096,
                                           8192, 3,
                                           QMEM_ACCEL_MEMTEST_VERIFY, &r,
                                           &error));
    g_assert_cmpuint(r.checked, ==, 0);
    g_assert_true(r.has_fault_addr);
    g_assert_cmphex(r.fault_addr, ==, MMIO_BASE - 4096);
    ASSERT_LOG(f, "");
}

typedef struct {
    QmemAccelGuestIoSpace space;
    guint64 addr;
    guint size;
    guint count;
    const char *message;
} GuestIoErrorCase;

static const GuestIoErrorCase guest_io_errors[] = {
    { PORT, PIO_BASE, 8, 1, "guest port I/O size must be 1, 2 or 4" },
    { MEM, MMIO_BASE, 3, 1, "guest memory access size must be 1, 2, 4 or 8" },
    { PORT, PIO_BASE, 4, 0, "guest I/O count must be between 1 and 256" },
    { MEM, MMIO_BASE, 8, 129, "guest I/O count must be between 1 and 128" },
    { PORT, 0x10000, 1, 1, "port 0x10000 is beyond 0xffff" },
};

static void test_guest_io_errors(Fixture *f, gconstpointer data)
{
    guint8 buf[QMEM_ACCEL_GUEST_IO_MAX] = { 0 };

    if (skip_without_kvm()) {
        return;
    }
    start(f, 1);
    for (guint i = 0; i < G_N_ELEMENTS(guest_io_errors); i++) {
        const GuestIoErrorCase *c = &guest_io_errors[i];
        g_autoptr(GError) error = NULL;

        g_assert_false(qmem_accel_guest_io(f->accel, c->space, c->addr,
                                           c->size, c->count, FALSE, buf,
                                           &error));
        g_assert_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC);
        g_assert_cmpstr(error->message, ==, c->message);
    }
    ASSERT_LOG(f, "");
}

/* ---- start, stop, quit --------------------------------------------------- */

static void test_start_stop(Fixture *f, gconstpointer data)
{
    g_autoptr(GError) error = NULL;
    QmemAccelMemtestResult r;
    guint64 before;

    if (skip_without_kvm()) {
        return;
    }
    start(f, 2);
    for (guint round = 0; round < 3; round++) {
        guest_access(f, PORT, PIO_BASE, 1, TRUE, round);
        qmem_accel_stop(f->accel);
        /* Stopped: no exit at all, and no request is taken. */
        before = vcpu0_stat("exits");
        let_run(50);
        g_assert_cmpuint(vcpu0_stat("exits"), ==, before);
        g_assert_false(qmem_accel_guest_memtest(f->accel, 0, 8, 0,
                                                QMEM_ACCEL_MEMTEST_VERIFY,
                                                &r, &error));
        g_assert_cmpstr(error->message, ==, "the guest is not running");
        g_clear_error(&error);
        qmem_accel_stop(f->accel);
        qmem_accel_start(f->accel);
        qmem_accel_start(f->accel);
    }
    ASSERT_LOG(f, "w 0x0+1=0x0;w 0x0+1=0x1;w 0x0+1=0x2;");
}

/* Shut down while the guest boots, idles or was never started. */
static void test_quit(Fixture *f, gconstpointer data)
{
    g_autoptr(GError) error = NULL;

    if (skip_without_kvm()) {
        return;
    }
    for (guint round = 0; round < 6; round++) {
        f->accel = qmem_accel_new("kvm", NULL, &error);
        g_assert_no_error(error);
        g_assert_true(qmem_accel_init_machine(f->accel, f->as, f->io_as,
                                              1 + round % 3, &error));
        if (round % 3) {
            qmem_accel_start(f->accel);
        }
        if (round % 3 == 2) {
            let_run(20);
        }
        qmem_accel_shutdown(f->accel);
        g_clear_object(&f->accel);
    }
}

/* ---- interrupts ------------------------------------------------------------ */

static void vm_get_pic(struct kvm_pic_state *pic, guint chip)
{
    struct kvm_irqchip irqchip = { .chip_id = chip };

    g_assert_cmpint(ioctl(kvm_test_fd_of("kvm-vm"), KVM_GET_IRQCHIP, &irqchip),
                    ==, 0);
    *pic = irqchip.chip.pic;
}

/*
 * set_irq reaches KVM's PICs and IOAPIC (QEMU's pc routing) and reports
 * KVM_IRQ_LINE_STATUS, the sum over the chips that took it: the PICs
 * start unmasked (a first edge is delivered, one while it is pending is
 * coalesced), the IOAPIC's pins masked (a raise is refused, a lower
 * taken).  GSI 2 (the cascade) and GSIs beyond the routing go nowhere.
 */
static void test_set_irq(Fixture *f, gconstpointer data)
{
    struct kvm_pic_state pic;

    if (skip_without_kvm()) {
        return;
    }
    start(f, 1);
    g_assert_cmpint(qmem_accel_set_irq(f->accel, 4, 1), ==, 1);
    vm_get_pic(&pic, KVM_IRQCHIP_PIC_MASTER);
    g_assert_cmphex(pic.irr, ==, 1 << 4);
    /* Lowered, both chips take it. */
    g_assert_cmpint(qmem_accel_set_irq(f->accel, 4, 0), ==, 2);
    /* A new edge while the first is still pending: coalesced. */
    g_assert_cmpint(qmem_accel_set_irq(f->accel, 4, 1), ==, 0);
    g_assert_cmpint(qmem_accel_set_irq(f->accel, 10, 1), ==, 1);
    vm_get_pic(&pic, KVM_IRQCHIP_PIC_SLAVE);
    g_assert_cmphex(pic.irr, ==, 1 << 2);
    g_assert_cmpint(qmem_accel_set_irq(f->accel, 20, 1), ==, -1);
    g_assert_cmpint(qmem_accel_set_irq(f->accel, 2, 1), ==, -1);
    g_assert_cmpint(qmem_accel_set_irq(f->accel, 1000, 1), ==, -1);
}

#define APIC_SVR            0xf0
#define APIC_SVR_ENABLE     0x100
#define APIC_IRR            0x200

static guint32 lapic_reg(const struct kvm_lapic_state *lapic, guint reg)
{
    guint32 value;

    memcpy(&value, lapic->regs + reg, 4);
    return value;
}

/* Whether vCPU @index's local APIC has @vector pending. */
static gboolean lapic_irr(guint index, guint vector)
{
    g_autofree char *name = g_strdup_printf("kvm-vcpu:%u", index);
    struct kvm_lapic_state lapic;

    g_assert_cmpint(ioctl(kvm_test_fd_of(name), KVM_GET_LAPIC, &lapic), ==, 0);
    return lapic_reg(&lapic, APIC_IRR + vector / 32 * 0x10) &
           (1u << (vector % 32));
}

/* What the guest's OS would do first: software-enable its local APIC. */
static void lapic_enable(guint index)
{
    g_autofree char *name = g_strdup_printf("kvm-vcpu:%u", index);
    int fd = kvm_test_fd_of(name);
    struct kvm_lapic_state lapic;
    guint32 svr;

    g_assert_cmpint(ioctl(fd, KVM_GET_LAPIC, &lapic), ==, 0);
    svr = lapic_reg(&lapic, APIC_SVR) | APIC_SVR_ENABLE | 0xff;
    memcpy(lapic.regs + APIC_SVR, &svr, 4);
    g_assert_cmpint(ioctl(fd, KVM_SET_LAPIC, &lapic), ==, 0);
}

/* An MSI write as a PCI device makes it: 4 bytes of DMA. */
static void dma_write32(Fixture *f, guint64 addr, guint32 value)
{
    g_assert_true(qmem_address_space_rw(f->as, addr, &value, 4, TRUE));
}

/*
 * MSIs reach the local APIC they address, through send_msi and through
 * the APIC MSI window that pc and q35 map (a device's DMA write); the
 * guest sees them pending in its own APIC (and, with interrupts off,
 * keeps running).
 */
static void test_msi(Fixture *f, gconstpointer data)
{
    g_autoptr(QmemMemoryRegion) window = NULL;
    guint32 value = 0;

    if (skip_without_kvm()) {
        return;
    }
    start(f, 2);
    window = qmem_apic_msi_region_new();
    g_assert_cmpstr(qmem_memory_region_get_name(window), ==, "kvm-apic-msi");
    qmem_memory_region_add_subregion(f->root, QMEM_APIC_DEFAULT_ADDRESS,
                                     window);

    /* A software-disabled APIC takes no fixed interrupt. */
    g_assert_cmpint(qmem_accel_send_msi(f->accel, 0xfee00000, 0x41), ==, 0);
    g_assert_false(lapic_irr(0, 0x41));
    lapic_enable(0);
    g_assert_cmpint(qmem_accel_send_msi(f->accel, 0xfee00000, 0x41), ==, 1);
    g_assert_true(lapic_irr(0, 0x41));

    /* The window: destination APIC ID in address bits 12-19. */
    dma_write32(f, QMEM_APIC_DEFAULT_ADDRESS, 0x42);
    g_assert_true(lapic_irr(0, 0x42));
    lapic_enable(1);
    dma_write32(f, QMEM_APIC_DEFAULT_ADDRESS | (1 << 12), 0x51);
    g_assert_true(lapic_irr(1, 0x51));
    g_assert_false(lapic_irr(0, 0x51));
    g_assert_true(qmem_address_space_rw(f->as, QMEM_APIC_DEFAULT_ADDRESS,
                                        &value, 4, FALSE));
    g_assert_cmphex(value, ==, 0xffffffff);

    /* vCPU 0 reads its own APIC (in KVM, not the window): IRR 64-95. */
    g_assert_cmphex(guest_access(f, MEM, QMEM_APIC_DEFAULT_ADDRESS + APIC_IRR
                                 + 0x20, 4, FALSE, 0), ==, 0x6);
    qmem_memory_region_del_subregion(f->root, window);
}

/* ---- ioeventfds ------------------------------------------------------------ */

static guint notified;

static void notified_handler(QmemEventNotifier *e)
{
    g_assert_true(qmem_bql_locked());
    g_assert_true(g_thread_self() == main_thread);
    if (qmem_event_notifier_test_and_clear(e)) {
        notified++;
    }
}

/*
 * A guest write that matches a registered ioeventfd sets it in KVM,
 * without an exit: the device never sees it.  Other writes still exit.
 */
static void test_ioeventfd(Fixture *f, gconstpointer data)
{
    QmemEventNotifier e, any;

    if (skip_without_kvm()) {
        return;
    }
    g_assert_cmpint(qmem_event_notifier_init(&e, FALSE), ==, 0);
    g_assert_cmpint(qmem_event_notifier_init(&any, FALSE), ==, 0);
    start(f, 1);
    g_assert_true(qmem_accel_ioeventfds_enabled(f->accel));
    qmem_memory_region_add_eventfd(f->mmio, 0x100, 4, TRUE, 0xcafe, &e);
    qmem_memory_region_add_eventfd(f->pio, 0x4, 2, FALSE, 0, &any);

    guest_access(f, MEM, MMIO_BASE + 0x100, 4, TRUE, 0xcafe);
    ASSERT_LOG(f, "");
    g_assert_true(qmem_event_notifier_test_and_clear(&e));
    guest_access(f, MEM, MMIO_BASE + 0x100, 4, TRUE, 0xbeef);
    guest_access(f, MEM, MMIO_BASE + 0x100, 2, TRUE, 0xcafe);
    ASSERT_LOG(f, "w 0x100+4=0xbeef;w 0x100+2=0xcafe;");
    g_assert_false(qmem_event_notifier_test_and_clear(&e));

    guest_access(f, PORT, PIO_BASE + 4, 2, TRUE, 0x1234);
    guest_access(f, PORT, PIO_BASE + 4, 2, TRUE, 0x5678);
    ASSERT_LOG(f, "");
    g_assert_true(qmem_event_notifier_test_and_clear(&any));

    /* The handler runs on the main loop, under the BQL. */
    notified = 0;
    qmem_event_notifier_set_handler(&e, notified_handler);
    guest_access(f, MEM, MMIO_BASE + 0x100, 4, TRUE, 0xcafe);
    while (!notified) {
        g_main_context_iteration(NULL, TRUE);
    }
    g_assert_cmpuint(notified, ==, 1);

    /* Unmapped and mapped elsewhere, the ioeventfd moves along. */
    qmem_memory_region_del_subregion(f->root, f->mmio);
    qmem_memory_region_add_subregion(f->root, MMIO_BASE + MMIO_SIZE, f->mmio);
    guest_access(f, MEM, MMIO_BASE + 0x100, 4, TRUE, 0xcafe);
    guest_access(f, MEM, MMIO_BASE + MMIO_SIZE + 0x100, 4, TRUE, 0xcafe);
    ASSERT_LOG(f, "");
    while (notified < 2) {
        g_main_context_iteration(NULL, TRUE);
    }

    /* Deleted: the writes exit to the device again. */
    qmem_memory_region_del_eventfd(f->mmio, 0x100, 4, TRUE, 0xcafe, &e);
    qmem_memory_region_del_eventfd(f->pio, 0x4, 2, FALSE, 0, &any);
    guest_access(f, MEM, MMIO_BASE + MMIO_SIZE + 0x100, 4, TRUE, 0xcafe);
    guest_access(f, PORT, PIO_BASE + 4, 2, TRUE, 0x1234);
    ASSERT_LOG(f, "w 0x100+4=0xcafe;w 0x4+2=0x1234;");
    g_assert_false(qmem_event_notifier_test_and_clear(&any));
    qmem_memory_region_del_subregion(f->root, f->mmio);
    qmem_memory_region_add_subregion(f->root, MMIO_BASE, f->mmio);
    qmem_event_notifier_cleanup(&e);
    qmem_event_notifier_cleanup(&any);
}

/* ---- main -------------------------------------------------------------- */

static char *probe_kvm(void)
{
    int fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
    int vm;

    if (fd < 0) {
        return g_strdup_printf("/dev/kvm: %s", g_strerror(errno));
    }
    vm = ioctl(fd, KVM_CREATE_VM, 0);
    if (vm < 0) {
        int err = errno;

        close(fd);
        return g_strdup_printf("KVM_CREATE_VM: %s", g_strerror(err));
    }
    close(vm);
    close(fd);
    return NULL;
}

#define ADD(path, fn) \
    g_test_add(path, Fixture, NULL, fixture_setup, fn, fixture_teardown)

int main(int argc, char **argv)
{
    g_autoptr(GError) error = NULL;
    int ret;

    g_test_init(&argc, &argv, NULL);
    if (!qmem_modules_init(&error)) {
        g_printerr("cannot load modules: %s\n", error->message);
        return 1;
    }
    kvm_skip_reason = probe_kvm();
    main_thread = g_thread_self();
    /* As qmem-run: this thread holds the BQL but while it polls. */
    qmem_main_loop_init();
    /* Its wakeup fd lives as long as the process: open it before counting. */
    g_main_context_iteration(NULL, FALSE);

    ADD("/accel/kvm/run/idle", test_idle);
    ADD("/accel/kvm/run/port-io", test_port_io);
    ADD("/accel/kvm/run/mmio", test_mmio);
    ADD("/accel/kvm/run/guest-io-errors", test_guest_io_errors);
    ADD("/accel/kvm/run/start-stop", test_start_stop);
    ADD("/accel/kvm/run/quit", test_quit);
    ADD("/accel/kvm/irq/set-irq", test_set_irq);
    ADD("/accel/kvm/irq/msi", test_msi);
    ADD("/accel/kvm/ioeventfd", test_ioeventfd);

    ret = g_test_run();

    g_free(kvm_skip_reason);
    return ret;
}
