/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Tests of the KVM accelerator with a real guest: memslots and memtest. */

/*
 * The accelerator is driven through its base (system/accel.h) only, as
 * qmem-run drives it; what KVM itself holds (the VM's memslots, vCPU 0's
 * registers) the tests ask the kernel, through the VM's and the vCPUs'
 * file descriptors.
 */

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>
#include <linux/kvm.h>

#include "kvm-test-util.h"
#include "accel/kvm/kvm.h"
#include "hw/core/machine-init.h"
#include "monitor/qmp.h"
#include "qobject/json.h"
#include "system/hostmem.h"
#include "system/memory.h"
#include "tests/unit/test-machine.h"
#include "util/error.h"
#include "util/main-loop.h"

#define MIB (G_GUINT64_CONSTANT(1) << 20)
#define GIB (G_GUINT64_CONSTANT(1) << 30)
#define RAM_SIZE (64 * MIB)
#define QMP_TIMEOUT_US (120 * G_USEC_PER_SEC)

/* Why the tests that need a VM skip, or NULL when /dev/kvm works. */
static char *kvm_skip_reason;

/* The shared fixture, and what of its machine the tests use most. */
typedef struct {
    MachineFixture base;
    guint fds;
    guint threads;
    QmemMemoryRegion *root;     /* the machine's system memory */
    QmemObject *ram;            /* ram0, the boot RAM's backend */
} Fixture;

/*
 * The machine a runner builds, with the boot RAM from a backend of its own
 * (64 MiB at 0), stopped before KVM takes it: start() hands it over.
 */
#define KVM_MACHINE(accel_, ...) \
    { .machine = "pc,memory-backend=ram0", .m = "64M", \
      .objects = { "memory-backend-ram,id=ram0,size=64M" }, \
      .accel = accel_, .board_only = TRUE, __VA_ARGS__ }

static const MachineConfig kvm_machine = KVM_MACHINE("kvm");

static QmemRamBlock *block_of(QmemObject *backend)
{
    QmemRamBlock *block = qmem_host_memory_backend_get_ram_block(
        QMEM_HOST_MEMORY_BACKEND(backend));

    g_assert_nonnull(block);
    return block;
}

static void fixture_setup(Fixture *f, gconstpointer config)
{
    f->fds = kvm_test_count_dir("/proc/self/fd");
    f->threads = kvm_test_count_dir("/proc/self/task");
    machine_fixture_setup(&f->base, config);
    /* QMP commands (x-guest-memtest) run on a ready machine. */
    qmem_machine_creation_done(f->base.machine);
    f->root = qmem_machine_get_system_memory(f->base.machine);
    f->ram = qmem_object_resolve_path("/objects/ram0", G_TYPE_NONE, NULL);
}

static void fixture_teardown(Fixture *f, gconstpointer config)
{
    machine_fixture_teardown(&f->base, config);
    /* No fd (VM, vCPU, /dev/kvm) and no vCPU thread outlives the VM. */
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

/* KVM takes the machine (its -smp vCPUs) and the guest starts. */
static void start(Fixture *f)
{
    g_autoptr(GError) error = NULL;

    g_assert_true(qmem_machine_init_accel(f->base.machine, f->base.accel,
                                          &error));
    g_assert_no_error(error);
    qmem_accel_start(f->base.accel);
}

static void memtest(Fixture *f, guint64 addr, guint64 size, guint64 seed,
                    QmemAccelMemtestMode mode, QmemAccelMemtestResult *r)
{
    g_autoptr(GError) error = NULL;

    g_assert_true(qmem_accel_guest_memtest(f->base.accel, addr, size, seed,
                                           mode, r, &error));
    g_assert_no_error(error);
}

static void assert_memtest_error(Fixture *f, guint64 addr, guint64 size,
                                 const char *message)
{
    g_autoptr(GError) error = NULL;
    QmemAccelMemtestResult r;

    g_assert_false(qmem_accel_guest_memtest(f->base.accel, addr, size, 0,
                                            QMEM_ACCEL_MEMTEST_WRITE_VERIFY,
                                            &r, &error));
    g_assert_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC);
    g_assert_cmpstr(error->message, ==, message);
}

static void assert_clean(const QmemAccelMemtestResult *r, guint64 size)
{
    g_assert_cmpuint(r->checked, ==, size);
    g_assert_cmpuint(r->mismatches, ==, 0);
    g_assert_false(r->has_fault_addr);
}

static void assert_fault(const QmemAccelMemtestResult *r, guint64 checked,
                         guint64 fault)
{
    g_assert_cmpuint(r->checked, ==, checked);
    g_assert_cmpuint(r->mismatches, ==, 0);
    g_assert_true(r->has_fault_addr);
    g_assert_cmphex(r->fault_addr, ==, fault);
}

static guint used_slots(QmemAccel *accel)
{
    guint max, free;

    qmem_accel_get_memslots(accel, &max, &free);
    g_assert_cmpuint(free, <=, max);
    return max - free;
}

static int kvm_set_slot(int vm_fd, guint32 id, guint64 gpa, guint64 size,
                        void *host)
{
    struct kvm_userspace_memory_region mem = {
        .slot = id,
        .guest_phys_addr = gpa,
        .memory_size = size,
        .userspace_addr = (guintptr)host,
    };

    return ioctl(vm_fd, KVM_SET_USER_MEMORY_REGION, &mem) < 0 ? -errno : 0;
}

/*
 * Whether the kernel maps any of [@gpa, @gpa + @size): a new slot
 * @probe_id (a free id) there is refused with EEXIST.
 */
static gboolean kernel_maps(int vm_fd, guint32 probe_id, guint64 gpa,
                            guint64 size, void *host)
{
    int ret = kvm_set_slot(vm_fd, probe_id, gpa, size, host);

    if (ret == 0) {
        g_assert_cmpint(kvm_set_slot(vm_fd, probe_id, gpa, 0, host), ==, 0);
        return FALSE;
    }
    g_assert_cmpint(ret, ==, -EEXIST);
    return TRUE;
}

/*
 * The id of the kernel's memslot that maps exactly [@gpa, @gpa + @size)
 * from @host, or -1.  While the range is mapped, setting that slot again
 * as it is succeeds and changes nothing, and every other id is refused
 * (EINVAL for a slot of another size or memory, EEXIST for a new one).
 * A slot of the same memory and size elsewhere would be moved instead:
 * the tests map no such alias.
 */
static int kernel_slot_of(int vm_fd, guint max, guint64 gpa, guint64 size,
                          void *host)
{
    if (!kernel_maps(vm_fd, max - 1, gpa, size, host)) {
        return -1;
    }
    for (guint id = 0; id < max - 1; id++) {
        if (kvm_set_slot(vm_fd, id, gpa, size, host) == 0) {
            return id;
        }
    }
    return -1;
}

/* Maps @mr at @addr (or unmaps it) in a transaction, as device_add does. */
/*
 * Under the BQL, as the memory map changes: the guest may be booting, its
 * PCI enumeration mapping BARs from vCPU 0's thread at the same time.
 */
static void map(Fixture *f, QmemMemoryRegion *mr, guint64 addr)
{
    qmem_bql_lock();
    qmem_memory_region_transaction_begin();
    qmem_memory_region_add_subregion(f->root, addr, mr);
    qmem_memory_region_transaction_commit();
    qmem_bql_unlock();
}

static void unmap(Fixture *f, QmemMemoryRegion *mr)
{
    qmem_bql_lock();
    qmem_memory_region_transaction_begin();
    qmem_memory_region_del_subregion(f->root, mr);
    qmem_memory_region_transaction_commit();
    qmem_bql_unlock();
}

/* ---- init errors (no VM needed) -------------------------------------- */

typedef struct {
    MachineConfig config;   /* first: the fixture's data */
    const char *message;
    const char *hint;
} InitErrorCase;

static const InitErrorCase init_error_cases[] = {
    {
        KVM_MACHINE("kvm,device=/nonexistent/kvm"),
        "failed to initialize kvm: No such file or directory",
        "Could not access KVM kernel module: No such file or directory\n",
    }, {
        KVM_MACHINE("kvm,device=/dev/null"),
        "failed to initialize kvm: Inappropriate ioctl for device",
        "kvm version too old\n",
    },
};

static void test_init_error(Fixture *f, gconstpointer data)
{
    const InitErrorCase *c = data;
    g_autoptr(GError) error = NULL;

    g_assert_false(qmem_machine_init_accel(f->base.machine, f->base.accel,
                                           &error));
    g_assert_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC);
    g_assert_cmpstr(error->message, ==, c->message);
    g_assert_cmpstr(qmem_error_get_hint(error), ==, c->hint);
    /* Nothing is left: no VM, no guest to run a memory test. */
    g_assert_cmpint(kvm_test_fd_of("kvm-vm"), ==, -1);
    assert_memtest_error(f, 0, 8, "the guest has no vCPU to run a memory "
                         "test");
}

static void test_too_many_cpus(Fixture *f, gconstpointer data)
{
    g_autoptr(GError) error = NULL;
    g_autofree char *message = NULL;
    int kvm_fd, max;

    if (skip_without_kvm()) {
        return;
    }
    kvm_fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
    g_assert_cmpint(kvm_fd, >=, 0);
    max = ioctl(kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_MAX_VCPUS);
    close(kvm_fd);
    g_assert_cmpint(max, >, 0);
    message = g_strdup_printf("Number of SMP cpus requested (%d) exceeds "
                              "the maximum cpus supported by KVM (%d)",
                              max + 1, max);

    g_assert_false(qmem_accel_init_machine(
        f->base.accel, qmem_machine_get_address_space(f->base.machine),
        qmem_machine_get_io_address_space(f->base.machine), max + 1,
        &error));
    g_assert_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC);
    g_assert_cmpstr(error->message, ==, message);
    g_assert_cmpint(kvm_test_fd_of("kvm-vm"), ==, -1);
}

static void test_properties(Fixture *f, gconstpointer data)
{
    g_autofree char *device = NULL;
    guint timeout;

    g_object_get(f->base.accel, "device", &device,
                 QMEM_KVM_ACCEL_PROP_MEMTEST_TIMEOUT, &timeout, NULL);
    g_assert_cmpstr(device, ==, "/dev/kvm");
    g_assert_cmpuint(timeout, ==, 250);
    g_assert_cmpint(qmem_accel_get_kind(f->base.accel), ==,
                    QMEM_ACCEL_KIND_KVM);
    g_assert_cmpuint(qmem_accel_phys_bits(f->base.accel), >=, 32);
    g_assert_cmpuint(qmem_accel_phys_bits(f->base.accel), <=, 52);
}

/* ---- memslots ---------------------------------------------------------- */

static void test_memslots_before_init(Fixture *f, gconstpointer data)
{
    guint max, free;
    int kvm_fd, nr;

    if (skip_without_kvm()) {
        return;
    }
    kvm_fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
    g_assert_cmpint(kvm_fd, >=, 0);
    nr = ioctl(kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_NR_MEMSLOTS);
    close(kvm_fd);

    qmem_accel_get_memslots(f->base.accel, &max, &free);
    g_assert_cmpuint(max, ==, nr ? nr : 32);
    /* One goes to the guest payload. */
    g_assert_cmpuint(free, ==, max - 1);

    start(f);
    qmem_accel_get_memslots(f->base.accel, &max, &free);
    g_assert_cmpuint(max, ==, nr ? nr : 32);
    g_assert_cmpuint(free, ==, max - 2);        /* payload + boot RAM */
}

static void test_memslots_plug_unplug(Fixture *f, gconstpointer data)
{
    QmemObject *dimm = add_object(&f->base,
                                  "memory-backend-ram,id=dimm,size=32M");
    g_autoptr(QmemMemoryRegion) mr =
        qmem_memory_region_new_ram("dimm", block_of(dimm));
    void *other;
    int vm_fd, id, baseline;
    guint max, free;

    if (skip_without_kvm()) {
        return;
    }
    start(f);
    vm_fd = kvm_test_fd_of("kvm-vm");
    g_assert_cmpint(vm_fd, >=, 0);
    qmem_accel_get_memslots(f->base.accel, &max, &free);
    baseline = used_slots(f->base.accel);
    g_assert_cmpint(kernel_slot_of(vm_fd, max, 0, RAM_SIZE,
                                   block_of(f->ram)->host), >=, 0);
    g_assert_false(kernel_maps(vm_fd, max - 1, 4 * GIB, 32 * MIB,
                               block_of(dimm)->host));

    other = mmap(NULL, 32 * MIB, PROT_READ | PROT_WRITE,
                 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    g_assert_true(other != MAP_FAILED);

    for (guint round = 0; round < 3; round++) {
        map(f, mr, 4 * GIB);
        g_assert_cmpint(used_slots(f->base.accel), ==, baseline + 1);
        /* One slot maps all of it, from the backend's memory. */
        id = kernel_slot_of(vm_fd, max, 4 * GIB, 32 * MIB,
                            block_of(dimm)->host);
        g_assert_cmpint(id, >=, 0);
        /* The kernel has it: another slot may not overlap it. */
        g_assert_cmpint(kvm_set_slot(vm_fd, max - 1, 4 * GIB, 32 * MIB,
                                     other), ==, -EEXIST);

        unmap(f, mr);
        g_assert_cmpint(used_slots(f->base.accel), ==, baseline);
        /* The kernel dropped it: the range and the id are free again. */
        g_assert_cmpint(kvm_set_slot(vm_fd, max - 1, 4 * GIB, 32 * MIB,
                                     other), ==, 0);
        g_assert_cmpint(kvm_set_slot(vm_fd, max - 1, 4 * GIB, 0, other), ==,
                        0);
        g_assert_cmpint(kvm_set_slot(vm_fd, id, 8 * GIB, 16 * MIB, other),
                        ==, 0);
        g_assert_cmpint(kvm_set_slot(vm_fd, id, 8 * GIB, 0, other), ==, 0);
    }
    munmap(other, 32 * MIB);
}

/*
 * Mapping a section KVM refuses does not stop the runner: it is reported,
 * once.  The top GiB of guest-physical space is the payload's.
 */
static void test_memslots_error(Fixture *f, gconstpointer data)
{
    g_autoptr(QmemMemoryRegion) mr = NULL;
    guint64 top;
    int baseline;

    if (skip_without_kvm()) {
        return;
    }
    if (!g_test_subprocess()) {
        g_test_trap_subprocess(NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
        g_test_trap_assert_passed();
        return;
    }
    /* One error, when mapped; none when unmapped (the fixture checks). */
    f->base.expect_printed = "qmem-run: kvm_set_phys_mem: error registering "
                             "slot: File exists\nunmap\n";
    start(f);
    baseline = used_slots(f->base.accel);
    top = (G_GUINT64_CONSTANT(1) << qmem_accel_phys_bits(f->base.accel)) - GIB;
    mr = qmem_memory_region_new_ram("ram0-alias", block_of(f->ram));
    map(f, mr, top);
    g_assert_cmpint(used_slots(f->base.accel), ==, baseline);
    g_printerr("unmap\n");
    unmap(f, mr);
    g_assert_cmpint(used_slots(f->base.accel), ==, baseline);
}

/* ---- memtest ------------------------------------------------------------ */

static void test_memtest_boot_ram(Fixture *f, gconstpointer data)
{
    QmemAccelMemtestResult r;
    guint64 *host;
    guint64 seed = 0x1234;

    if (skip_without_kvm()) {
        return;
    }
    start(f);
    host = block_of(f->ram)->host;

    memtest(f, 0, RAM_SIZE, seed, QMEM_ACCEL_MEMTEST_WRITE_VERIFY, &r);
    assert_clean(&r, RAM_SIZE);
    /* The guest wrote the backend's memory, every word of it. */
    for (guint64 a = 0; a < RAM_SIZE; a += 8) {
        if (host[a / 8] != qmem_accel_memtest_pattern(seed, a)) {
            g_assert_cmphex(host[a / 8], ==,
                            qmem_accel_memtest_pattern(seed, a));
        }
    }

    memtest(f, 0, RAM_SIZE, seed, QMEM_ACCEL_MEMTEST_VERIFY, &r);
    assert_clean(&r, RAM_SIZE);

    /* What the host changes, the guest sees. */
    host[0] ^= 1;
    host[RAM_SIZE / 8 - 1] = 0;
    host[12345] = 42;
    memtest(f, 0, RAM_SIZE, seed, QMEM_ACCEL_MEMTEST_VERIFY, &r);
    g_assert_cmpuint(r.checked, ==, RAM_SIZE);
    g_assert_cmpuint(r.mismatches, ==, 3);
    g_assert_false(r.has_fault_addr);

    memtest(f, 0, RAM_SIZE, seed + 1, QMEM_ACCEL_MEMTEST_VERIFY, &r);
    g_assert_cmpuint(r.mismatches, ==, RAM_SIZE / 8);

    /* A sub-range, at an odd word. */
    memtest(f, 8 * 1001, 8 * 777, 99, QMEM_ACCEL_MEMTEST_WRITE_VERIFY, &r);
    assert_clean(&r, 8 * 777);
    g_assert_cmphex(host[1001], ==, qmem_accel_memtest_pattern(99, 8 * 1001));
    g_assert_cmphex(host[1000], !=, qmem_accel_memtest_pattern(99, 8 * 1000));
    g_assert_cmphex(host[1001 + 777], !=,
                    qmem_accel_memtest_pattern(99, 8 * (1001 + 777)));

    memtest(f, 4096, 0, 0, QMEM_ACCEL_MEMTEST_WRITE_VERIFY, &r);
    assert_clean(&r, 0);
}

static void test_memtest_hole(Fixture *f, gconstpointer data)
{
    QmemAccelMemtestResult r;

    if (skip_without_kvm()) {
        return;
    }
    start(f);

    /* Across the end of RAM: stops at the first byte without memory. */
    memtest(f, RAM_SIZE - 8192, 16384, 7, QMEM_ACCEL_MEMTEST_WRITE_VERIFY, &r);
    assert_fault(&r, 8192, RAM_SIZE);
    memtest(f, RAM_SIZE - 8192, 16384, 7, QMEM_ACCEL_MEMTEST_VERIFY, &r);
    assert_fault(&r, 8192, RAM_SIZE);

    /* Nothing there at all, far up (the page tables reach it). */
    memtest(f, 600 * GIB, 2 * GIB, 0, QMEM_ACCEL_MEMTEST_VERIFY, &r);
    assert_fault(&r, 0, 600 * GIB);
    memtest(f, 600 * GIB + 4096, 4096, 0, QMEM_ACCEL_MEMTEST_WRITE_VERIFY, &r);
    assert_fault(&r, 0, 600 * GIB + 4096);

    /* And the vCPU is still fine. */
    memtest(f, 0, MIB, 0, QMEM_ACCEL_MEMTEST_WRITE_VERIFY, &r);
    assert_clean(&r, MIB);
}

/* The scenario: plug, test, unplug, the same range faults. */
static void test_memtest_plug_unplug(Fixture *f, gconstpointer data)
{
    QmemObject *dimm = add_object(&f->base,
                                  "memory-backend-ram,id=dimm,size=128M");
    g_autoptr(QmemMemoryRegion) mr =
        qmem_memory_region_new_ram("dimm", block_of(dimm));
    guint64 base = 4 * GIB, size = 128 * MIB;
    QmemAccelMemtestResult r;
    int baseline;

    if (skip_without_kvm()) {
        return;
    }
    start(f);
    baseline = used_slots(f->base.accel);

    memtest(f, base, size, 5, QMEM_ACCEL_MEMTEST_VERIFY, &r);
    assert_fault(&r, 0, base);

    map(f, mr, base);
    memtest(f, base, size, 5, QMEM_ACCEL_MEMTEST_WRITE_VERIFY, &r);
    assert_clean(&r, size);
    unmap(f, mr);
    g_assert_cmpint(used_slots(f->base.accel), ==, baseline);
    memtest(f, base, size, 5, QMEM_ACCEL_MEMTEST_VERIFY, &r);
    assert_fault(&r, 0, base);

    /* Plugged back elsewhere, the data is still there. */
    map(f, mr, 2 * base);
    memtest(f, 2 * base, size, 5 ^ base ^ (2 * base),
            QMEM_ACCEL_MEMTEST_VERIFY, &r);
    assert_clean(&r, size);
    unmap(f, mr);
    g_assert_cmpint(used_slots(f->base.accel), ==, baseline);
}

static void test_memtest_readonly(Fixture *f, gconstpointer data)
{
    guint64 base = 8 * GIB, size = 2 * MIB, seed = 77;
    g_autoptr(QmemMemoryRegion) mr = NULL;
    g_autoptr(GError) error = NULL;
    g_autofree guint64 *words = g_new(guint64, size / 8);
    QmemRamBlock *block;
    QmemAccelMemtestResult r;
    int fd;

    if (skip_without_kvm()) {
        return;
    }
    for (guint64 i = 0; i < size / 8; i++) {
        words[i] = qmem_accel_memtest_pattern(seed, base + 8 * i);
    }
    fd = memfd_create("test-kvm-rom", MFD_CLOEXEC);
    g_assert_cmpint(fd, >=, 0);
    g_assert_cmpint(pwrite(fd, words, size, 0), ==, (ssize_t)size);
    block = qmem_ram_block_new_from_fd("rom", size, 0, fd, 0,
                                       QMEM_RAM_SHARED | QMEM_RAM_READONLY,
                                       &error);
    g_assert_no_error(error);
    mr = qmem_memory_region_new_ram("rom", block);

    start(f);
    map(f, mr, base);
    memtest(f, base, size, seed, QMEM_ACCEL_MEMTEST_VERIFY, &r);
    assert_clean(&r, size);
    /* Writes to read-only memory leave the guest: that is a fault. */
    memtest(f, base + 4096, 4096, seed, QMEM_ACCEL_MEMTEST_WRITE_VERIFY, &r);
    assert_fault(&r, 0, base + 4096);
    memtest(f, base, size, seed, QMEM_ACCEL_MEMTEST_VERIFY, &r);
    assert_clean(&r, size);
    unmap(f, mr);

    qmem_accel_shutdown(f->base.accel);
    g_clear_object(&mr);
    qmem_ram_block_free(block);
}

static void test_memtest_errors(Fixture *f, gconstpointer data)
{
    g_autofree char *beyond = NULL;
    g_autoptr(GError) error = NULL;
    QmemAccelMemtestResult r;
    guint64 limit;

    if (skip_without_kvm()) {
        return;
    }
    assert_memtest_error(f, 0, 8, "the guest has no vCPU to run a memory "
                         "test");
    g_assert_true(qmem_machine_init_accel(f->base.machine, f->base.accel,
                                          &error));
    g_assert_no_error(error);
    assert_memtest_error(f, 0, 8, "the guest is not running");
    qmem_accel_start(f->base.accel);

    assert_memtest_error(f, 4, 8, "memory test range 0x4+0x8 is not 8-byte "
                         "aligned");
    assert_memtest_error(f, 0, 12, "memory test range 0x0+0xc is not 8-byte "
                         "aligned");
    /* The identity map ends below the payload's GiB, or at 127.5 TiB. */
    limit = MIN((G_GUINT64_CONSTANT(1) << qmem_accel_phys_bits(f->base.accel)) -
                GIB, G_GUINT64_CONSTANT(255) << 39);
    beyond = g_strdup_printf("memory test range 0x%" G_GINT64_MODIFIER
                             "x+0x10 is beyond what the guest can address "
                             "(0x%" G_GINT64_MODIFIER "x)", limit - 8, limit);
    assert_memtest_error(f, limit - 8, 16, beyond);
    g_clear_pointer(&beyond, g_free);
    beyond = g_strdup_printf("memory test range 0xfffffffffffffff8+0x10 is "
                             "beyond what the guest can address (0x%"
                             G_GINT64_MODIFIER "x)", limit);
    assert_memtest_error(f, G_MAXUINT64 - 7, 16, beyond);

    /* The last word below the limit is reachable (and has no memory). */
    memtest(f, limit - 8, 8, 0, QMEM_ACCEL_MEMTEST_VERIFY, &r);
    assert_fault(&r, 0, limit - 8);

    qmem_accel_shutdown(f->base.accel);
    assert_memtest_error(f, 0, 8, "the guest has no vCPU to run a memory "
                         "test");
}

static void test_memtest_timeout(Fixture *f, gconstpointer data)
{
    QmemObject *big = add_object(&f->base, "memory-backend-ram,id=big,size=1G");
    g_autoptr(QmemMemoryRegion) mr =
        qmem_memory_region_new_ram("big", block_of(big));
    QmemAccelMemtestResult r;

    if (skip_without_kvm()) {
        return;
    }
    start(f);
    map(f, mr, 4 * GIB);
    assert_memtest_error(f, 4 * GIB, GIB,
                         "guest memory test timed out after 1 ms");

    /* vCPU 0 starts over and works again. */
    g_object_set(f->base.accel, QMEM_KVM_ACCEL_PROP_MEMTEST_TIMEOUT, 0, NULL);
    memtest(f, 0, MIB, 3, QMEM_ACCEL_MEMTEST_WRITE_VERIFY, &r);
    assert_clean(&r, MIB);
    unmap(f, mr);
}

static void test_memtest_smp(Fixture *f, gconstpointer data)
{
    QmemAccelMemtestResult r;
    int vm_fd;

    if (skip_without_kvm()) {
        return;
    }
    start(f);
    vm_fd = kvm_test_fd_of("kvm-vm");
    /* The kernel has vCPUs 0..3 and no 4th. */
    g_assert_cmpint(ioctl(vm_fd, KVM_CREATE_VCPU, 3UL), ==, -1);
    g_assert_cmpint(errno, ==, EEXIST);
    memtest(f, 0, RAM_SIZE, 11, QMEM_ACCEL_MEMTEST_WRITE_VERIFY, &r);
    assert_clean(&r, RAM_SIZE);
}

/*
 * A guest that crashes fails one request with a clear error and is
 * restarted for the next.  vCPU 0 is made to crash while it waits for
 * work: sent to an unmapped address (#PF), or to the ring-0 HLT of the
 * secondary vCPUs (#GP in ring 3); without an IDT either is a triple
 * fault.
 */
static void test_memtest_guest_crash(Fixture *f, gconstpointer data)
{
    QmemAccelMemtestResult r;
    struct kvm_regs regs;
    g_autoptr(GError) error = NULL;
    int vcpu0;

    if (skip_without_kvm()) {
        return;
    }
    start(f);
    vcpu0 = kvm_test_fd_of("kvm-vcpu:0");
    g_assert_cmpint(vcpu0, >=, 0);
    memtest(f, 0, MIB, 1, QMEM_ACCEL_MEMTEST_WRITE_VERIFY, &r);
    assert_clean(&r, MIB);

    for (guint round = 0; round < 2; round++) {
        /* vCPU 0 sits at the idle port, outside KVM_RUN. */
        g_assert_cmpint(ioctl(vcpu0, KVM_GET_REGS, &regs), ==, 0);
        regs.rip = round ? 0x7fffc0010000ULL : 0x7fff00000000ULL;
        g_assert_cmpint(ioctl(vcpu0, KVM_SET_REGS, &regs), ==, 0);

        g_assert_false(qmem_accel_guest_memtest(f->base.accel, 0, MIB, 1,
                                                QMEM_ACCEL_MEMTEST_VERIFY,
                                                &r, &error));
        g_assert_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC);
        g_assert_cmpstr(error->message, ==,
                        "guest vCPU 0 stopped with a triple fault");
        g_clear_error(&error);

        memtest(f, 0, MIB, 1, QMEM_ACCEL_MEMTEST_VERIFY, &r);
        assert_clean(&r, MIB);
    }
}

/* 1 GiB, as the DIMM; prints what it costs on this machine. */
typedef struct {
    MachineConfig config;   /* first: the fixture's data */
    const char *dimm;       /* -object: the DIMM's backend */
} Memtest1gCase;

static const Memtest1gCase memtest_1g_cases[] = {
    { KVM_MACHINE("kvm"), "memory-backend-ram,id=dimm,size=1G" },
    { KVM_MACHINE("kvm"), "memory-backend-ram,id=dimm,size=1G,prealloc=on" },
};

static void test_memtest_1g(Fixture *f, gconstpointer data)
{
    const Memtest1gCase *c = data;
    QmemObject *dimm;
    g_autoptr(QmemMemoryRegion) mr = NULL;
    QmemAccelMemtestResult r;
    gint64 t0, t1, t2, t3, t4;

    if (skip_without_kvm()) {
        return;
    }
    t0 = g_get_monotonic_time();
    dimm = add_object(&f->base, c->dimm);
    t1 = g_get_monotonic_time();
    start(f);
    t2 = g_get_monotonic_time();
    memtest(f, 0, 8, 0, QMEM_ACCEL_MEMTEST_WRITE_VERIFY, &r);
    t3 = g_get_monotonic_time();
    g_test_message("backend %.1f ms, init_machine + start %.1f ms, "
                   "first memtest (boots the guest) %.1f ms",
                   (t1 - t0) / 1e3, (t2 - t1) / 1e3, (t3 - t2) / 1e3);

    mr = qmem_memory_region_new_ram("dimm", block_of(dimm));
    map(f, mr, 4 * GIB);
    t0 = g_get_monotonic_time();
    memtest(f, 4 * GIB, GIB, 1, QMEM_ACCEL_MEMTEST_WRITE_VERIFY, &r);
    t1 = g_get_monotonic_time();
    assert_clean(&r, GIB);
    memtest(f, 4 * GIB, GIB, 2, QMEM_ACCEL_MEMTEST_WRITE_VERIFY, &r);
    t2 = g_get_monotonic_time();
    assert_clean(&r, GIB);
    memtest(f, 4 * GIB, GIB, 2, QMEM_ACCEL_MEMTEST_VERIFY, &r);
    t3 = g_get_monotonic_time();
    assert_clean(&r, GIB);
    unmap(f, mr);
    memtest(f, 4 * GIB, GIB, 2, QMEM_ACCEL_MEMTEST_VERIFY, &r);
    t4 = g_get_monotonic_time();
    assert_fault(&r, 0, 4 * GIB);
    g_test_message("1 GiB: write-verify %.3f s (first touch), %.3f s "
                   "(again), verify %.3f s, after unplug %.3f ms",
                   (t1 - t0) / 1e6, (t2 - t1) / 1e6, (t3 - t2) / 1e6,
                   (t4 - t3) / 1e3);
}

/* ---- QMP --------------------------------------------------------------- */

typedef struct {
    int fd;
    GString *rx;
} Client;

static char *qmp_recv(Client *c)
{
    gint64 deadline = g_get_monotonic_time() + QMP_TIMEOUT_US;

    for (;;) {
        char *nl = memchr(c->rx->str, '\n', c->rx->len);
        char buf[4096];
        ssize_t n;

        if (nl) {
            char *line = g_strndup(c->rx->str, nl - c->rx->str);

            g_string_erase(c->rx, 0, nl - c->rx->str + 1);
            return g_strchomp(line);
        }
        while (g_main_context_iteration(NULL, FALSE)) {
        }
        n = read(c->fd, buf, sizeof(buf));
        if (n > 0) {
            g_string_append_len(c->rx, buf, n);
        } else {
            struct pollfd pfd = { .fd = c->fd, .events = POLLIN };

            g_assert_cmpint(g_get_monotonic_time(), <, deadline);
            poll(&pfd, 1, 1);
        }
    }
}

static char *qmp(Client *c, const char *request)
{
    g_assert_cmpint(write(c->fd, request, strlen(request)), ==,
                    (ssize_t)strlen(request));
    return qmp_recv(c);
}

/* Compares a reply by value: member order is the server's business. */
static void assert_reply(const char *reply, const char *expected)
{
    g_autoptr(JsonNode) a = json_from_string(reply, NULL);
    g_autoptr(JsonNode) b = json_from_string(expected, NULL);

    g_assert_nonnull(a);
    g_assert_nonnull(b);
    if (!json_node_equal(a, b)) {
        g_assert_cmpstr(reply, ==, expected);
    }
}

typedef struct {
    const char *request;
    const char *reply;
} QmpCase;

static const QmpCase qmp_cases[] = {
    {
        "{'execute': 'x-guest-memtest', 'arguments': "
        "{'addr': 0, 'size': 65536}}",
        "{\"return\": {\"checked\": 65536, \"mismatches\": 0}}",
    }, {
        "{'execute': 'x-guest-memtest', 'arguments': "
        "{'addr': 0, 'size': 65536, 'mode': 'verify'}}",
        "{\"return\": {\"checked\": 65536, \"mismatches\": 0}}",
    }, {
        "{'execute': 'x-guest-memtest', 'arguments': "
        "{'addr': 0, 'size': 65536, 'seed': 1, 'mode': 'verify'}}",
        "{\"return\": {\"checked\": 65536, \"mismatches\": 8192}}",
    }, {
        "{'execute': 'x-guest-memtest', 'arguments': "
        "{'addr': 67104768, 'size': 8192, 'seed': 3}}",
        "{\"return\": {\"checked\": 4096, \"mismatches\": 0, "
        "\"fault-addr\": 67108864}}",
    }, {
        "{'execute': 'x-guest-memtest', 'arguments': {'size': 8}}",
        "{\"error\": {\"class\": \"GenericError\", "
        "\"desc\": \"Parameter 'addr' is missing\"}}",
    }, {
        "{'execute': 'x-guest-memtest', 'arguments': {'addr': 0}}",
        "{\"error\": {\"class\": \"GenericError\", "
        "\"desc\": \"Parameter 'size' is missing\"}}",
    }, {
        "{'execute': 'x-guest-memtest', 'arguments': "
        "{'addr': 'x', 'size': 8}}",
        "{\"error\": {\"class\": \"GenericError\", "
        "\"desc\": \"Parameter 'addr' expects uint64\"}}",
    }, {
        "{'execute': 'x-guest-memtest', 'arguments': "
        "{'addr': 0, 'size': 8, 'mode': 'read'}}",
        "{\"error\": {\"class\": \"GenericError\", "
        "\"desc\": \"Parameter 'mode' does not accept value 'read'\"}}",
    }, {
        "{'execute': 'x-guest-memtest', 'arguments': "
        "{'addr': 0, 'size': 8, 'mode': 1}}",
        "{\"error\": {\"class\": \"GenericError\", "
        "\"desc\": \"Invalid parameter type for 'mode', expected: "
        "string\"}}",
    }, {
        "{'execute': 'x-guest-memtest', 'arguments': "
        "{'addr': 0, 'size': 8, 'len': 8}}",
        "{\"error\": {\"class\": \"GenericError\", "
        "\"desc\": \"Parameter 'len' is unexpected\"}}",
    }, {
        "{'execute': 'x-guest-memtest', 'arguments': "
        "{'addr': 1, 'size': 8}}",
        "{\"error\": {\"class\": \"GenericError\", "
        "\"desc\": \"memory test range 0x1+0x8 is not 8-byte aligned\"}}",
    },
};

#define NO_VCPU_REPLY                                                      \
    "{\"error\": {\"class\": \"GenericError\", \"desc\": \"the guest has " \
    "no vCPU to run a memory test\"}}"

/* x-guest-memtest asks the current accelerator, whatever it is. */
static void test_qmp(Fixture *f, gconstpointer data)
{
    static const char *const memtest_8 =
        "{'execute': 'x-guest-memtest', 'arguments': {'addr': 0, 'size': 8}}";
    g_autoptr(QmemQmpServer) server = NULL;
    g_autofree char *greeting = NULL;
    g_autofree char *reply = NULL;
    Client c = { .rx = g_string_new(NULL) };
    int sv[2];

    if (skip_without_kvm()) {
        g_string_free(c.rx, TRUE);
        return;
    }
    g_assert_cmpint(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), ==,
                    0);
    c.fd = sv[1];
    g_assert_cmpint(fcntl(c.fd, F_SETFL, O_NONBLOCK), ==, 0);
    server = qmem_qmp_server_new();
    qmem_qmp_server_add_client(server, sv[0], sv[0]);
    greeting = qmp_recv(&c);
    g_assert_true(g_str_has_prefix(greeting, "{\"QMP\": "));
    reply = qmp(&c, "{'execute': 'qmp_capabilities'}");
    assert_reply(reply, "{\"return\": {}}");

    /* No guest before init_machine. */
    g_clear_pointer(&reply, g_free);
    reply = qmp(&c, memtest_8);
    assert_reply(reply, NO_VCPU_REPLY);

    start(f);
    for (guint i = 0; i < G_N_ELEMENTS(qmp_cases); i++) {
        g_autofree char *r = qmp(&c, qmp_cases[i].request);

        assert_reply(r, qmp_cases[i].reply);
    }

    /* None after shutdown, and none without an accelerator. */
    qmem_accel_shutdown(f->base.accel);
    g_clear_pointer(&reply, g_free);
    reply = qmp(&c, memtest_8);
    assert_reply(reply, NO_VCPU_REPLY);
    qmem_accel_set_current(NULL);
    g_clear_pointer(&reply, g_free);
    reply = qmp(&c, memtest_8);
    assert_reply(reply, NO_VCPU_REPLY);

    close(c.fd);
    g_string_free(c.rx, TRUE);
    g_clear_pointer(&server, qmem_qmp_server_free);
    while (g_main_context_iteration(NULL, FALSE)) {
    }
}

/* ---- main -------------------------------------------------------------- */

/* ---- PCI, as the guest sees it ------------------------------------------ */

static guint64 guest_access(Fixture *f, QmemAccelGuestIoSpace space,
                            guint64 addr, guint size, gboolean is_write,
                            guint64 value)
{
    g_autoptr(GError) error = NULL;
    guint8 buf[8];

    for (guint i = 0; i < size; i++) {
        buf[i] = value >> (8 * i);
    }
    g_assert_true(qmem_accel_guest_io(f->base.accel, space, addr, size, 1,
                                      is_write, buf, &error));
    g_assert_no_error(error);
    value = 0;
    for (guint i = 0; i < size; i++) {
        value |= (guint64)buf[i] << (8 * i);
    }
    return value;
}

/* Configuration mechanism #1, from vCPU 0's IN and OUT. */
static guint32 guest_cfg_read(Fixture *f, guint32 addr, guint size)
{
    guest_access(f, QMEM_ACCEL_GUEST_IO_PORT, 0xcf8, 4, TRUE,
                 0x80000000 | (addr & ~3u));
    return guest_access(f, QMEM_ACCEL_GUEST_IO_PORT, 0xcfc + (addr & 3),
                        size, FALSE, 0);
}

static void guest_cfg_write(Fixture *f, guint32 addr, guint size,
                            guint32 value)
{
    guest_access(f, QMEM_ACCEL_GUEST_IO_PORT, 0xcf8, 4, TRUE,
                 0x80000000 | (addr & ~3u));
    guest_access(f, QMEM_ACCEL_GUEST_IO_PORT, 0xcfc + (addr & 3), size,
                 TRUE, value);
}

/* A real guest finds the chipset as QEMU's guest does (docs/pci.md). */
static void test_pci_config(Fixture *f, gconstpointer data)
{
    if (skip_without_kvm()) {
        return;
    }
    start(f);
    g_assert_cmphex(guest_cfg_read(f, 0x0000, 4), ==, 0x12378086);
    g_assert_cmphex(guest_cfg_read(f, 0x0802, 2), ==, 0x7000);
    g_assert_cmphex(guest_cfg_read(f, 0x080e, 1), ==, 0x80);
    g_assert_cmphex(guest_cfg_read(f, 0x1800, 4), ==, 0xffffffff);
    guest_cfg_write(f, 0x003c, 1, 0x0b);
    g_assert_cmphex(guest_cfg_read(f, 0x003c, 1), ==, 0x0b);
}

/*
 * The guest places a function's BAR, reaches its registers through MMIO
 * exits, and has it do DMA into RAM only once it may master the bus
 * (x-test-pci, tests/modules/test-pci-device.c).
 */
static void test_pci_bar_dma(Fixture *f, gconstpointer data)
{
    const guint32 devfn = 0x28 << 8;
    guint64 *host = NULL;

    if (skip_without_kvm()) {
        return;
    }
    add_device(&f->base, "x-test-pci,addr=5");
    start(f);
    host = block_of(f->ram)->host;
    g_assert_cmphex(guest_cfg_read(f, devfn, 4), ==, 0x7e571b36);
    guest_cfg_write(f, devfn | 0x10, 4, 0xffffffff);
    g_assert_cmphex(guest_cfg_read(f, devfn | 0x10, 4), ==, 0xfffff000);
    guest_cfg_write(f, devfn | 0x10, 4, 0xfebf0000);
    guest_cfg_write(f, devfn | 0x04, 2, 0x2);

    guest_access(f, QMEM_ACCEL_GUEST_IO_MEMORY, 0xfebf0000, 4, TRUE,
                 0xaabbccdd);
    g_assert_cmphex(guest_access(f, QMEM_ACCEL_GUEST_IO_MEMORY, 0xfebf0000,
                                 4, FALSE, 0), ==, 0xaabbccdd);
    guest_access(f, QMEM_ACCEL_GUEST_IO_MEMORY, 0xfebf0008, 4, TRUE,
                 0x10000);
    guest_access(f, QMEM_ACCEL_GUEST_IO_MEMORY, 0xfebf0010, 4, TRUE, 8);
    g_assert_cmphex(guest_access(f, QMEM_ACCEL_GUEST_IO_MEMORY, 0xfebf0014,
                                 4, FALSE, 0), ==, 0);
    g_assert_cmphex(host[0x10000 / 8], ==, 0);

    guest_cfg_write(f, devfn | 0x04, 2, 0x6);
    guest_access(f, QMEM_ACCEL_GUEST_IO_MEMORY, 0xfebf0010, 4, TRUE, 8);
    g_assert_cmphex(guest_access(f, QMEM_ACCEL_GUEST_IO_MEMORY, 0xfebf0014,
                                 4, FALSE, 0), ==, 1);
    g_assert_cmphex(guest_access(f, QMEM_ACCEL_GUEST_IO_MEMORY, 0x10000, 8,
                                 FALSE, 0), ==, 0xaabbccddaabbccddULL);
    g_assert_cmphex(host[0x10000 / 8], ==, 0xaabbccddaabbccddULL);

    /* Decoding off: the registers are gone from the guest's view. */
    guest_cfg_write(f, devfn | 0x04, 2, 0);
    g_assert_cmphex(guest_access(f, QMEM_ACCEL_GUEST_IO_MEMORY, 0xfebf0000,
                                 4, FALSE, 0), ==, 0);
}

typedef struct {
    MachineConfig config;       /* first: the fixture's data */
    guint32 route;              /* the PIRQ route register's address */
    guint8 route_value;
    guint gsi;                  /* where slot 5's INTA arrives */
} IntxCase;

static const IntxCase intx_cases[] = {
    /* PIIX3: PIRQA, which 01.0's 0x60 routes to ISA IRQ 11. */
    { KVM_MACHINE("kvm"), 0x0860, 0x0b, 11 },
    /* ICH9: PIRQF, GSI 21 whatever PIRQF_ROUT (1f.0 0x69) says. */
    {
        { .machine = "q35,memory-backend=ram0", .m = "64M",
          .objects = { "memory-backend-ram,id=ram0,size=64M" },
          .accel = "kvm", .board_only = TRUE },
        0xf869, 0x80, 21,
    },
};

static guint32 ioapic_irr(void)
{
    struct kvm_irqchip irqchip = { .chip_id = KVM_IRQCHIP_IOAPIC };

    g_assert_cmpint(ioctl(kvm_test_fd_of("kvm-vm"), KVM_GET_IRQCHIP, &irqchip),
                    ==, 0);
    return irqchip.chip.ioapic.irr;
}

/*
 * A function's INTx, raised by the guest's own MMIO write, goes through
 * the ISA bridge's routing and the I/O APIC's pin ("kvm-ioapic") to
 * KVM_IRQ_LINE: the kernel's IOAPIC shows it in IRR (its pins are masked
 * after reset, so the request stays there), and lowering clears it.
 */
static void test_pci_intx(Fixture *f, gconstpointer data)
{
    const IntxCase *c = data;
    const guint32 devfn = 0x28 << 8;
    QmemObject *ioapic;

    if (skip_without_kvm()) {
        return;
    }
    add_device(&f->base, "x-test-pci,addr=5");
    start(f);
    ioapic = qmem_object_resolve_path("ioapic", G_TYPE_NONE, NULL);
    g_assert_nonnull(ioapic);
    g_assert_cmpstr(qmem_object_get_typename(ioapic), ==, "kvm-ioapic");
    guest_cfg_write(f, c->route, 1, c->route_value);
    guest_cfg_write(f, devfn | 0x10, 4, 0xfebf0000);
    guest_cfg_write(f, devfn | 0x04, 2, 0x2);
    g_assert_cmphex(ioapic_irr(), ==, 0);
    guest_access(f, QMEM_ACCEL_GUEST_IO_MEMORY, 0xfebf001c, 4, TRUE, 1);
    g_assert_cmphex(ioapic_irr(), ==, 1u << c->gsi);
    guest_access(f, QMEM_ACCEL_GUEST_IO_MEMORY, 0xfebf001c, 4, TRUE, 0);
    g_assert_cmphex(ioapic_irr(), ==, 0);
}

static char *probe_kvm(void)
{
    int fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
    int vm;

    if (fd < 0) {
        return g_strdup_printf("/dev/kvm: %s", g_strerror(errno));
    }
    if (ioctl(fd, KVM_GET_API_VERSION, 0) != KVM_API_VERSION) {
        close(fd);
        return g_strdup("/dev/kvm: unsupported KVM API version");
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

static const MachineConfig kvm_2cpus = KVM_MACHINE("kvm", .smp = "2");
static const MachineConfig kvm_4cpus = KVM_MACHINE("kvm", .smp = "4");
static const MachineConfig kvm_timeout_1 =
    KVM_MACHINE("kvm," QMEM_KVM_ACCEL_PROP_MEMTEST_TIMEOUT "=1");
static const MachineConfig kvm_timeout_250 =
    KVM_MACHINE("kvm," QMEM_KVM_ACCEL_PROP_MEMTEST_TIMEOUT "=250");

#define ADD(path, config, fn) \
    g_test_add(path, Fixture, config, fixture_setup, fn, fixture_teardown)

int main(int argc, char **argv)
{
    test_init(&argc, &argv);
    kvm_skip_reason = probe_kvm();
    /* Its wakeup fd lives as long as the process: open it before counting. */
    g_main_context_iteration(NULL, FALSE);

    ADD("/accel/kvm/init/error/no-device", &init_error_cases[0],
        test_init_error);
    ADD("/accel/kvm/init/error/not-kvm", &init_error_cases[1], test_init_error);
    ADD("/accel/kvm/init/error/too-many-cpus", &kvm_machine,
        test_too_many_cpus);
    ADD("/accel/kvm/properties", &kvm_timeout_250, test_properties);
    ADD("/accel/kvm/memslots/before-init", &kvm_machine,
        test_memslots_before_init);
    ADD("/accel/kvm/memslots/plug-unplug", &kvm_machine,
        test_memslots_plug_unplug);
    ADD("/accel/kvm/memslots/error", &kvm_machine, test_memslots_error);
    ADD("/accel/kvm/memtest/boot-ram", &kvm_machine, test_memtest_boot_ram);
    ADD("/accel/kvm/memtest/hole", &kvm_machine, test_memtest_hole);
    ADD("/accel/kvm/memtest/plug-unplug", &kvm_2cpus,
        test_memtest_plug_unplug);
    ADD("/accel/kvm/memtest/readonly", &kvm_machine, test_memtest_readonly);
    ADD("/accel/kvm/memtest/errors", &kvm_machine, test_memtest_errors);
    ADD("/accel/kvm/memtest/timeout", &kvm_timeout_1, test_memtest_timeout);
    ADD("/accel/kvm/memtest/smp", &kvm_4cpus, test_memtest_smp);
    ADD("/accel/kvm/memtest/guest-crash", &kvm_machine,
        test_memtest_guest_crash);
    ADD("/accel/kvm/memtest/1g", &memtest_1g_cases[0], test_memtest_1g);
    ADD("/accel/kvm/memtest/1g-prealloc", &memtest_1g_cases[1],
        test_memtest_1g);
    ADD("/accel/kvm/qmp", &kvm_machine, test_qmp);
    ADD("/accel/kvm/pci/config", &kvm_machine, test_pci_config);
    ADD("/accel/kvm/pci/bar-dma", &kvm_machine, test_pci_bar_dma);
    ADD("/accel/kvm/pci/intx/pc", &intx_cases[0], test_pci_intx);
    ADD("/accel/kvm/pci/intx/q35", &intx_cases[1], test_pci_intx);

    return g_test_run();
}
