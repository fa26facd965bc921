/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NVDIMMs as the guest's own driver finds them: the NFIT at boot, _FIT's
 * Read FIT (the _DSM port) after a hot-plug, and a memory test of each
 * SPA range through KVM.
 */

#include "accel/kvm/kvm.h"
#include "hw/core/machine-init.h"
#include "system/hostmem.h"
#include "system/ram-block.h"
#include "kvm-test-util.h"
#include "tests/unit/test-machine.h"
#include "util/error.h"
#include "util/main-loop.h"

#define MIB (G_GUINT64_CONSTANT(1) << 20)
#define GIB (G_GUINT64_CONSTANT(1) << 30)
#define KIB (G_GUINT64_CONSTANT(1) << 10)
#define SEED 11

static gboolean kvm_usable;

/* nv0: 256 MiB, 128 KiB of label: 254 MiB of PMEM at 4 GiB. */
static const MachineConfig pc_nvdimm = {
    .machine = "pc,nvdimm=on", .m = "256M,slots=2,maxmem=4G",
    .accel = "kvm", .board_only = TRUE,
    .objects = { "memory-backend-ram,id=nv0,size=256M",
                 "memory-backend-ram,id=nv1,size=128M" },
};

/* The guest writes and verifies [@addr, @addr + @size): all of it. */
static void memtest_ok(MachineFixture *f, guint64 addr, guint64 size)
{
    g_autoptr(GError) error = NULL;
    QmemAccelMemtestResult r;

    qmem_bql_unlock();
    g_assert_true(qmem_accel_guest_memtest(f->accel, addr, size, SEED,
                                           QMEM_ACCEL_MEMTEST_WRITE_VERIFY,
                                           &r, &error));
    qmem_bql_lock();
    g_assert_no_error(error);
    g_assert_cmpuint(r.checked, ==, size);
    g_assert_cmpuint(r.mismatches, ==, 0);
    g_assert_false(r.has_fault_addr);
}

static QmemRamBlock *backend_block(MachineFixture *f, const char *id)
{
    g_autofree char *path = g_strdup_printf("/objects/%s", id);
    QmemObject *obj = qmem_object_resolve_path(path, G_TYPE_NONE,
                                               NULL);

    g_assert_nonnull(obj);
    return qmem_host_memory_backend_get_ram_block(
        QMEM_HOST_MEMORY_BACKEND(obj));
}

static void test_nfit(MachineFixture *f, gconstpointer data)
{
    g_autoptr(GError) error = NULL;
    const guint64 pmem0 = 256 * MIB - 2 * MIB;  /* 128 KiB label, 2 MiB */
    QmemAccelMemtestResult r;
    QmemRamBlock *block;
    const guint64 *words;

    if (!kvm_usable) {
        g_test_skip("/dev/kvm is not usable here");
        return;
    }
    qmem_bql_lock();
    add_device(f, "nvdimm,id=nvdimm0,memdev=nv0,label-size=128K,"
               "unarmed=on");
    kvm_test_start_guest(f->machine, f->accel);
    kvm_test_wait_log(f->accel, "nvdimm: NVDIMM root device, NFIT present\n");
    kvm_test_wait_log(f->accel,
                      "nvdimm: handle 1: pmem [mem 0x100000000-0x10fdfffff] "
                      "node 0, serial 0x123456, not armed\n");

    /* The guest's writes land in the backend; the label area stays. */
    memtest_ok(f, 4 * GIB, pmem0);
    block = backend_block(f, "nv0");
    words = block->host;
    g_assert_cmphex(words[0], ==, qmem_accel_memtest_pattern(SEED, 4 * GIB));
    for (guint64 i = (block->size - 128 * KIB) / 8; i < block->size / 8;
         i++) {
        g_assert_cmphex(words[i], ==, 0);
    }
    /* Past the PMEM there is nothing: the walk faults there. */
    qmem_bql_unlock();
    g_assert_true(qmem_accel_guest_memtest(f->accel, 4 * GIB + pmem0,
                                           2 * MIB, SEED,
                                           QMEM_ACCEL_MEMTEST_VERIFY, &r,
                                           &error));
    qmem_bql_lock();
    g_assert_no_error(error);
    g_assert_true(r.has_fault_addr);
    g_assert_cmphex(r.fault_addr, ==, 4 * GIB + pmem0);

    /* Hot-plug: GPE 4, the guest re-reads the FIT through _DSM. */
    qmem_machine_creation_done(f->machine);
    hotplug_device(f, "nvdimm,id=nvdimm1,memdev=nv1");
    kvm_test_wait_log(f->accel,
                      "nvdimm: handle 2: pmem [mem 0x10fe00000-0x117dfffff] "
                      "node 0, serial 0x123457\n");
    memtest_ok(f, 4 * GIB + pmem0, 128 * MIB);
    qmem_bql_unlock();
}

int main(int argc, char **argv)
{
    test_init(&argc, &argv);
    kvm_usable = kvm_test_usable();
    g_test_add("/accel/kvm/guest/nvdimm/nfit", MachineFixture, &pc_nvdimm,
               machine_fixture_setup, test_nfit, machine_fixture_teardown);
    return g_test_run();
}
