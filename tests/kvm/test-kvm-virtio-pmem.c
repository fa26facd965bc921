/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The guest's virtio-pmem driver on KVM: what it writes into the pmem
 * range is in the backing file, and its flush is answered as QEMU
 * answers it (0 over a file, 1 over RAM, which has no file to fsync).
 */

#include <fcntl.h>
#include <unistd.h>

#include "accel/kvm/kvm.h"
#include "hw/core/machine-init.h"
#include "hw/virtio/virtio-pmem.h"
#include "kvm-test-util.h"
#include "tests/unit/test-machine.h"
#include "util/error.h"
#include "util/main-loop.h"

#define MIB (G_GUINT64_CONSTANT(1) << 20)
#define PMEM_SIZE (64 * MIB)
#define PATTERN_LEN 4096

static gboolean kvm_usable;

/*
 * A pc whose device memory starts at 4 GiB.  ioeventfd=off: the guest's
 * kick is handled on its vCPU thread, so no main loop needs to run here.
 */
static const MachineConfig pc_file = {
    .machine = "pc", .m = "256M,maxmem=2G", .accel = "kvm",
    .board_only = TRUE,
    .objects = { "memory-backend-file,id=pm0,size=64M,"
                 "mem-path=@DIR@/pmem,share=on" },
};

static const MachineConfig pc_ram = {
    .machine = "pc", .m = "256M,maxmem=2G", .accel = "kvm",
    .board_only = TRUE,
    .objects = { "memory-backend-ram,id=pm0,size=64M" },
};

static QmemVirtioPmem *start(MachineFixture *f)
{
    QmemDevice *dev = add_device(f, "virtio-pmem-pci,id=vp,memdev=pm0,"
                                 "addr=4,ioeventfd=off");

    kvm_test_start_guest(f->machine, f->accel);
    return qmem_virtio_pmem_from_device(dev);
}

/* The driver's pattern (accel/kvm/x86/payload/virtio-pmem.c). */
static void check_pattern(const guint8 *head, const guint8 *tail)
{
    for (guint i = 0; i < PATTERN_LEN; i++) {
        g_assert_cmphex(head[i], ==, (guint8)(i * 7 + 3));
        g_assert_cmphex(tail[i], ==, (guint8)(i * 13 + 1));
    }
}

static void test_flush_file(MachineFixture *f, gconstpointer data)
{
    g_autofree char *path = g_build_filename(f->dir, "pmem", NULL);
    guint8 head[PATTERN_LEN], tail[PATTERN_LEN];
    QmemVirtioPmem *pmem;
    int fd;

    if (!kvm_usable) {
        g_test_skip("/dev/kvm is not usable here");
        return;
    }
    qmem_bql_lock();
    pmem = start(f);
    kvm_test_wait_log(f->accel,
                      "virtio-pmem 00:04.0: [mem 0x100000000-0x103ffffff]\n");
    kvm_test_wait_log(f->accel, "virtio-pmem 00:04.0: wrote the pattern\n");
    kvm_test_wait_log(f->accel, "virtio-pmem 00:04.0: flush: ok\n");
    g_assert_cmpuint(qmem_virtio_pmem_get_flushes(pmem), ==, 1);
    qmem_bql_unlock();

    fd = open(path, O_RDONLY);
    g_assert_cmpint(fd, >=, 0);
    g_assert_cmpint(pread(fd, head, sizeof(head), 0), ==, sizeof(head));
    g_assert_cmpint(pread(fd, tail, sizeof(tail), PMEM_SIZE - PATTERN_LEN),
                    ==, sizeof(tail));
    close(fd);
    check_pattern(head, tail);
}

/* No file behind the range: QEMU's fsync(-1) fails, the answer is 1. */
static void test_flush_ram(MachineFixture *f, gconstpointer data)
{
    QmemVirtioPmem *pmem;

    if (!kvm_usable) {
        g_test_skip("/dev/kvm is not usable here");
        return;
    }
    qmem_bql_lock();
    pmem = start(f);
    kvm_test_wait_log(f->accel, "virtio-pmem 00:04.0: flush: error 1\n");
    g_assert_cmpuint(qmem_virtio_pmem_get_flushes(pmem), ==, 1);
    qmem_bql_unlock();
}

#define ADD(path, config, fn) \
    g_test_add(path, MachineFixture, config, machine_fixture_setup, fn, \
               machine_fixture_teardown)

int main(int argc, char **argv)
{
    test_init(&argc, &argv);
    kvm_usable = kvm_test_usable();
    ADD("/accel/kvm/guest/virtio-pmem/flush-file", &pc_file, test_flush_file);
    ADD("/accel/kvm/guest/virtio-pmem/flush-ram", &pc_ram, test_flush_ram);
    return g_test_run();
}
