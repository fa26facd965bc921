/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The guest's virtio-mem driver against answers qmem-run cannot make on
 * demand: BUSY (retried) and NACK (stopped until the config changes).
 */

#include "accel/kvm/kvm.h"
#include "hw/core/machine-init.h"
#include "hw/virtio/virtio-mem.h"
#include "kvm-test-util.h"
#include "tests/unit/test-machine.h"
#include "util/error.h"
#include "util/main-loop.h"

#define MIB (G_GUINT64_CONSTANT(1) << 20)
#define GIB (G_GUINT64_CONSTANT(1) << 30)

static gboolean kvm_usable;

/*
 * A pc with a 4 GiB virtio-mem device, cold-plugged before the guest
 * boots.  ioeventfd=off: the guest's kicks are handled on its vCPU
 * thread, so no main loop needs to run here.
 */
static const MachineConfig pc_vmem = {
    .machine = "pc", .m = "256M,maxmem=8G", .accel = "kvm",
    .board_only = TRUE,
    .objects = { "memory-backend-ram,id=vm0,size=4G,reserve=off" },
};

static QmemVirtioMem *start(MachineFixture *f)
{
    QmemDevice *dev = add_device(f, "virtio-mem-pci,id=vm,memdev=vm0,"
                                 "ioeventfd=off");

    kvm_test_start_guest(f->machine, f->accel);
    return qmem_virtio_mem_from_device(dev);
}

static void set_requested(QmemVirtioMem *vmem, guint64 size)
{
    g_autoptr(GError) error = NULL;

    g_assert_true(qmem_virtio_mem_set_requested_size(vmem, size, &error));
    g_assert_no_error(error);
}

/*
 * BUSY (a migration, a preallocation that failed) is retried until the
 * device takes the request: nothing is plugged meanwhile, and all of it
 * once the device is no longer busy.
 */
static void test_busy(MachineFixture *f, gconstpointer data)
{
    QmemVirtioMem *vmem;

    if (!kvm_usable) {
        g_test_skip("/dev/kvm is not usable here");
        return;
    }
    qmem_bql_lock();
    vmem = start(f);
    kvm_test_wait_log(f->accel,
                      "virtio-mem 00:02.0: [mem 0x100000000-0x1ffffffff]");
    qmem_virtio_mem_set_busy(vmem, TRUE);
    set_requested(vmem, GIB);
    kvm_test_wait_log(f->accel,
                      "virtio-mem 00:02.0: plug [mem 0x100000000-0x13fffffff]: "
                      "busy\n");
    g_assert_cmpuint(qmem_virtio_mem_get_size(vmem), ==, 0);
    qmem_virtio_mem_set_busy(vmem, FALSE);
    kvm_test_wait_log(f->accel,
                      "virtio-mem 00:02.0: plug [mem 0x100000000-0x13fffffff]: "
                      "ack, plugged 0x40000000\n");
    g_assert_cmpuint(qmem_virtio_mem_get_size(vmem), ==, GIB);
    qmem_bql_unlock();
}

/* The host plugs @nb blocks at @addr itself, as a test hook does. */
static void host_plug(QmemVirtioMem *vmem, guint64 addr, guint16 nb)
{
    g_autoptr(GError) error = NULL;
    guint8 req[24] = { 0 }, resp[10];
    guint64 le_addr = GUINT64_TO_LE(addr);
    guint16 le_nb = GUINT16_TO_LE(nb);

    memcpy(req + 8, &le_addr, 8);           /* type 0: PLUG */
    memcpy(req + 16, &le_nb, 2);
    g_assert_true(qmem_virtio_mem_handle_request(vmem, req, sizeof(req),
                                                 resp, sizeof(resp),
                                                 &error));
    g_assert_no_error(error);
    g_assert_cmpuint(resp[0], ==, 0);       /* ACK */
}

/* How often @needle is in the guest's log. */
static guint log_count(MachineFixture *f, const char *needle)
{
    g_autofree char *log = kvm_test_guest_log(f->accel);
    guint n = 0;

    for (const char *p = log; (p = strstr(p, needle)); p++) {
        n++;
    }
    return n;
}

/*
 * NACK (the plugged size would exceed the requested size: the request
 * raced with a smaller one) stops the driver until the config changes;
 * a new requested-size, even the same, makes it try again.  Here the
 * host plugs 256 MiB behind the guest's back while the guest's plug of
 * 1 GiB is held back by BUSY.
 */
static void test_nack(MachineFixture *f, gconstpointer data)
{
    QmemVirtioMem *vmem;

    if (!kvm_usable) {
        g_test_skip("/dev/kvm is not usable here");
        return;
    }
    qmem_bql_lock();
    vmem = start(f);
    kvm_test_wait_log(f->accel,
                      "virtio-mem 00:02.0: [mem 0x100000000-0x1ffffffff]");
    qmem_virtio_mem_set_busy(vmem, TRUE);
    set_requested(vmem, GIB);
    kvm_test_wait_log(f->accel, ": busy\n");
    qmem_virtio_mem_set_busy(vmem, FALSE);
    host_plug(vmem, 5 * GIB, 128);
    kvm_test_wait_log(f->accel, "plug [mem 0x100000000-0x13fffffff]: nack\n");

    /* Stopped: no other request for a while. */
    qmem_bql_unlock();
    g_usleep(300 * 1000);
    qmem_bql_lock();
    g_assert_cmpuint(log_count(f, ": nack\n"), ==, 1);
    g_assert_cmpuint(log_count(f, ": ack"), ==, 0);
    g_assert_cmpuint(qmem_virtio_mem_get_size(vmem), ==, 256 * MIB);

    /* A config change: it tries again (and is refused again). */
    set_requested(vmem, GIB);
    while (log_count(f, ": nack\n") < 2) {
        qmem_bql_unlock();
        g_usleep(1000);
        qmem_bql_lock();
    }
    qmem_bql_unlock();
}

#define ADD(path, config, fn) \
    g_test_add(path, MachineFixture, config, machine_fixture_setup, fn, \
               machine_fixture_teardown)

int main(int argc, char **argv)
{
    test_init(&argc, &argv);
    kvm_usable = kvm_test_usable();
    ADD("/accel/kvm/guest/virtio-mem/busy", &pc_vmem, test_busy);
    ADD("/accel/kvm/guest/virtio-mem/nack", &pc_vmem, test_nack);
    return g_test_run();
}
