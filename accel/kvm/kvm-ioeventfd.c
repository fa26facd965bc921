/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ioeventfds in KVM: the memory API's eventfds as KVM_IOEVENTFD. */

#include <errno.h>
#include <sys/ioctl.h>

#include "accel/kvm/kvm-internal.h"
#include "util/error-report.h"

static QmemKvmAccel *kvm_from_mem_listener(QmemMemoryListener *listener)
{
    return (QmemKvmAccel *)((char *)listener -
                            G_STRUCT_OFFSET(QmemKvmAccel, listener));
}

static QmemKvmAccel *kvm_from_io_listener(QmemMemoryListener *listener)
{
    return (QmemKvmAccel *)((char *)listener -
                            G_STRUCT_OFFSET(QmemKvmAccel, io_listener));
}

/*
 * QEMU's kvm_set_ioeventfd_mmio() and kvm_set_ioeventfd_pio() in one:
 * with DATAMATCH KVM compares the written value (little-endian, len
 * bytes) with datamatch; len 0 matches any length (MMIO only).
 *
 * Returns: 0 or a negative errno.
 */
static int kvm_set_ioeventfd(QmemKvmAccel *s, const QmemMemorySection *section,
                             gboolean match_data, guint64 data,
                             QmemEventNotifier *e, gboolean pio,
                             gboolean assign)
{
    struct kvm_ioeventfd iofd = {
        .datamatch = match_data ? data : 0,
        .addr = section->offset_within_address_space,
        .len = section->size,
        .fd = qmem_event_notifier_get_fd(e),
    };

    if (match_data) {
        iofd.flags |= KVM_IOEVENTFD_FLAG_DATAMATCH;
    }
    if (pio) {
        iofd.flags |= KVM_IOEVENTFD_FLAG_PIO;
    }
    if (!assign) {
        iofd.flags |= KVM_IOEVENTFD_FLAG_DEASSIGN;
    }
    if (ioctl(s->vm_fd, KVM_IOEVENTFD, &iofd) < 0) {
        return -errno;
    }
    return 0;
}

/*
 * A listener cannot fail and nothing may exit the runner: where QEMU
 * aborts, the error is printed (QEMU's text) and the guest's writes keep
 * exiting to the region's ops.
 */

/* Adds or deletes one; @who names the listener callback in the message. */
static void kvm_ioeventfd_update(QmemKvmAccel *s,
                                 const QmemMemorySection *section,
                                 gboolean match_data, guint64 data,
                                 QmemEventNotifier *e, gboolean pio,
                                 gboolean assign, const char *who)
{
    int ret = kvm_set_ioeventfd(s, section, match_data, data, e, pio, assign);

    if (ret < 0) {
        qmem_error_printf("%s: error %s ioeventfd: %s (%d)\n", who,
                          assign ? "adding" : "deleting", g_strerror(-ret),
                          -ret);
    }
}

static void kvm_mem_ioeventfd_add(QmemMemoryListener *listener,
                                  const QmemMemorySection *section,
                                  gboolean match_data, guint64 data,
                                  QmemEventNotifier *e)
{
    kvm_ioeventfd_update(kvm_from_mem_listener(listener), section, match_data,
                         data, e, FALSE, TRUE, __func__);
}

static void kvm_mem_ioeventfd_del(QmemMemoryListener *listener,
                                  const QmemMemorySection *section,
                                  gboolean match_data, guint64 data,
                                  QmemEventNotifier *e)
{
    kvm_ioeventfd_update(kvm_from_mem_listener(listener), section, match_data,
                         data, e, FALSE, FALSE, __func__);
}

static void kvm_io_ioeventfd_add(QmemMemoryListener *listener,
                                 const QmemMemorySection *section,
                                 gboolean match_data, guint64 data,
                                 QmemEventNotifier *e)
{
    kvm_ioeventfd_update(kvm_from_io_listener(listener), section, match_data,
                         data, e, TRUE, TRUE, __func__);
}

static void kvm_io_ioeventfd_del(QmemMemoryListener *listener,
                                 const QmemMemorySection *section,
                                 gboolean match_data, guint64 data,
                                 QmemEventNotifier *e)
{
    kvm_ioeventfd_update(kvm_from_io_listener(listener), section, match_data,
                         data, e, TRUE, FALSE, __func__);
}

void qmem_kvm_ioeventfd_init_memory_listener(QmemKvmAccel *s)
{
    if (s->ioeventfds) {
        s->listener.eventfd_add = kvm_mem_ioeventfd_add;
        s->listener.eventfd_del = kvm_mem_ioeventfd_del;
    }
}

/* QEMU's kvm_io_listener: only ioeventfds (ports have no memslots). */
void qmem_kvm_io_listener_register(QmemKvmAccel *s, QmemAddressSpace *as)
{
    g_return_if_fail(!s->io_listening);

    if (!s->ioeventfds || !as) {
        return;
    }
    s->io_listener = (QmemMemoryListener) {
        .eventfd_add = kvm_io_ioeventfd_add,
        .eventfd_del = kvm_io_ioeventfd_del,
        /* QEMU's MEMORY_LISTENER_PRIORITY_DEV_BACKEND */
        .priority = 10,
        .name = "kvm-io",
    };
    qmem_memory_listener_register(&s->io_listener, as);
    s->io_listening = TRUE;
}

void qmem_kvm_io_listener_unregister(QmemKvmAccel *s)
{
    if (s->io_listening) {
        qmem_memory_listener_unregister(&s->io_listener);
        s->io_listening = FALSE;
    }
}
