/* SPDX-License-Identifier: GPL-2.0-or-later */
/* KVM memslots: one per RAM section of the flat view, from a slot table. */

#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "accel/kvm/kvm-internal.h"
#include "util/error-report.h"
#include "util/error.h"
#include "util/osdep.h"

#define KVM_SLOTS_INITIAL           16

static int kvm_alloc_slot(QmemKvmAccel *s)
{
    guint old = s->n_slots;

    for (guint i = 0; i < s->n_slots; i++) {
        if (!s->slots[i].memory_size) {
            return i;
        }
    }
    if (s->n_slots >= s->nr_slots_max) {
        return -1;
    }
    s->n_slots = MIN(MAX(s->n_slots * 2, KVM_SLOTS_INITIAL), s->nr_slots_max);
    s->slots = g_renew(QmemKvmSlot, s->slots, s->n_slots);
    memset(s->slots + old, 0, (s->n_slots - old) * sizeof(QmemKvmSlot));
    return old;
}

static int kvm_set_user_memory_region(QmemKvmAccel *s, int id,
                                      const QmemKvmSlot *slot)
{
    struct kvm_userspace_memory_region mem = {
        .slot = id,
        .flags = slot->flags,
        .guest_phys_addr = slot->start_addr,
        .memory_size = slot->memory_size,
        .userspace_addr = (guintptr)slot->host,
    };

    return ioctl(s->vm_fd, KVM_SET_USER_MEMORY_REGION, &mem) < 0 ? -errno : 0;
}

int qmem_kvm_slot_set_flags(QmemKvmAccel *s, int id, guint32 flags)
{
    QmemKvmSlot slot = s->slots[id];
    int ret;

    slot.flags = flags;
    ret = kvm_set_user_memory_region(s, id, &slot);
    if (!ret) {
        s->slots[id].flags = flags;
    }
    return ret;
}

/* Returns the slot id, -ENOSPC when every slot is taken, or -errno. */
static int kvm_map(QmemKvmAccel *s, guint64 gpa, guint64 size, void *host,
                   guint32 flags, QmemRamBlock *rb)
{
    QmemKvmSlot slot = {
        .start_addr = gpa,
        .memory_size = size,
        .host = host,
        .flags = flags,
        .rb = rb,
        .rb_offset = rb ? (guint8 *)host - (guint8 *)rb->host : 0,
    };
    int id = kvm_alloc_slot(s);
    int ret;

    if (id < 0) {
        return -ENOSPC;
    }
    ret = kvm_set_user_memory_region(s, id, &slot);
    if (ret < 0) {
        return ret;
    }
    s->slots[id] = slot;
    s->used_slots++;
    return id;
}

static int kvm_unmap(QmemKvmAccel *s, int id)
{
    QmemKvmSlot slot = s->slots[id];
    int ret;

    slot.memory_size = 0;
    slot.flags = 0;
    ret = kvm_set_user_memory_region(s, id, &slot);
    if (ret < 0) {
        /* The kernel still has it: keep it taken so the ids stay in step. */
        return ret;
    }
    s->slots[id].memory_size = 0;
    s->used_slots--;
    return 0;
}

int qmem_kvm_set_private_slot(QmemKvmAccel *s, guint64 gpa, guint64 size,
                              void *host, GError **error)
{
    int id = kvm_map(s, gpa, size, host, 0, NULL);

    if (id < 0) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "kvm_set_phys_mem: error registering slot: %s",
                    g_strerror(-id));
    }
    return id;
}

/*
 * QEMU's kvm_align_section(): KVM maps whole host pages of RAM only; I/O
 * stays unmapped, so that guest accesses exit to the VMM.
 */
static gboolean kvm_align_section(const QmemMemorySection *section,
                                  guint64 *start, guint64 *size, void **host)
{
    guint64 page = qmem_host_page_size();
    guint64 gpa = section->offset_within_address_space;
    guint64 delta = (page - (gpa & (page - 1))) & (page - 1);

    if (!section->host || delta >= section->size) {
        return FALSE;
    }
    *start = gpa + delta;
    *size = (section->size - delta) & ~(page - 1);
    *host = (guint8 *)section->host + delta;
    return *size != 0;
}

static QmemKvmAccel *kvm_from_listener(QmemMemoryListener *listener)
{
    return (QmemKvmAccel *)((char *)listener -
                            G_STRUCT_OFFSET(QmemKvmAccel, listener));
}

static void kvm_region_add(QmemMemoryListener *listener,
                           const QmemMemorySection *section)
{
    QmemKvmAccel *s = kvm_from_listener(listener);
    QmemRamBlock *rb = qmem_memory_region_get_ram_block(section->mr);
    guint64 start, size;
    guint32 flags;
    void *host;
    int id;

    if (!kvm_align_section(section, &start, &size, &host)) {
        return;
    }
    /* Without the capability QEMU maps ROM writable, and so do we. */
    flags = section->readonly && s->readonly_mem ? KVM_MEM_READONLY : 0;
    /* A memslot that appears while migrating is logged from the start. */
    if (rb && qmem_memory_global_dirty_log_active()) {
        flags |= KVM_MEM_LOG_DIRTY_PAGES;
    }
    id = kvm_map(s, start, size, host, flags, rb);
    /*
     * A listener cannot fail and nothing may exit the runner, so a memslot
     * that KVM refuses (QEMU aborts) is reported.
     */
    if (id == -ENOSPC) {
        qmem_error_report("kvm_alloc_slot: no free slot");
    } else if (id < 0) {
        qmem_error_report("kvm_set_phys_mem: error registering slot: %s",
                          g_strerror(-id));
    }
}

static void kvm_region_del(QmemMemoryListener *listener,
                           const QmemMemorySection *section)
{
    QmemKvmAccel *s = kvm_from_listener(listener);
    guint64 start, size;
    void *host;
    int ret;

    if (!kvm_align_section(section, &start, &size, &host)) {
        return;
    }
    for (guint i = 0; i < s->n_slots; i++) {
        QmemKvmSlot *slot = &s->slots[i];

        if (slot->memory_size == size && slot->start_addr == start &&
            slot->host == host) {
            if (slot->flags & KVM_MEM_LOG_DIRTY_PAGES) {
                qmem_kvm_slot_sync_dirty_log(s, slot);
            }
            ret = kvm_unmap(s, i);
            if (ret < 0) {
                qmem_error_report("kvm_set_phys_mem: error unregistering "
                                  "slot: %s", g_strerror(-ret));
            }
            return;
        }
    }
    /* Not found: mapping it failed, and that was reported then. */
}

void qmem_kvm_memory_listener_register(QmemKvmAccel *s, QmemAddressSpace *as)
{
    g_return_if_fail(!s->listening);

    s->as = as;
    s->listener.region_add = kvm_region_add;
    s->listener.region_del = kvm_region_del;
    qmem_kvm_ioeventfd_init_memory_listener(s);
    qmem_kvm_dirty_log_init_memory_listener(s);
    /* QEMU's MEMORY_LISTENER_PRIORITY_ACCEL */
    s->listener.priority = 10;
    s->listener.name = "kvm-memory";
    qmem_memory_listener_register(&s->listener, as);
    s->listening = TRUE;
}

void qmem_kvm_memory_listener_unregister(QmemKvmAccel *s)
{
    if (s->listening) {
        qmem_memory_listener_unregister(&s->listener);
        s->listening = FALSE;
    }
}

void qmem_kvm_memslots_reset(QmemKvmAccel *s)
{
    g_clear_pointer(&s->slots, g_free);
    s->n_slots = 0;
    s->used_slots = 0;
}
