/* SPDX-License-Identifier: GPL-2.0-or-later */
/* KVM's dirty log for migration (QEMU's kvm_log_*() in kvm-all.c). */

#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>

#include "accel/kvm/kvm-internal.h"
#include "util/error-report.h"

#define KVM_PAGE_SIZE 4096

static QmemKvmAccel *kvm_from_listener(QmemMemoryListener *listener)
{
    return (QmemKvmAccel *)((char *)listener -
                            G_STRUCT_OFFSET(QmemKvmAccel, listener));
}

static int slot_id(QmemKvmAccel *s, QmemKvmSlot *slot)
{
    return slot - s->slots;
}

/*
 * KVM_GET_DIRTY_LOG, then (manual protect) KVM_CLEAR_DIRTY_LOG of what was
 * found, so that pages written from now on are caught again; the pages go
 * into the RAM block's log.
 */
void qmem_kvm_slot_sync_dirty_log(QmemKvmAccel *s, QmemKvmSlot *slot)
{
    guint64 pages = slot->memory_size / KVM_PAGE_SIZE;
    guint64 words = (pages + 63) / 64;
    g_autofree guint64 *bitmap = g_new0(guint64, words);
    struct kvm_dirty_log log = {
        .slot = slot_id(s, slot),
        .dirty_bitmap = bitmap,
    };
    gboolean any = FALSE;

    if (!slot->rb || !(slot->flags & KVM_MEM_LOG_DIRTY_PAGES)) {
        return;
    }
    if (ioctl(s->vm_fd, KVM_GET_DIRTY_LOG, &log) < 0) {
        qmem_error_report("kvm_slot_get_dirty_log: KVM_GET_DIRTY_LOG failed: "
                          "%s", g_strerror(errno));
        return;
    }
    for (guint64 w = 0; w < words; w++) {
        guint64 bits = bitmap[w];

        any |= bits != 0;
        while (bits) {
            guint64 page = w * 64 + __builtin_ctzll(bits);

            qmem_ram_block_set_dirty(slot->rb,
                                     slot->rb_offset + page * KVM_PAGE_SIZE,
                                     KVM_PAGE_SIZE);
            bits &= bits - 1;
        }
    }
    if (s->manual_protect && any) {
        struct kvm_clear_dirty_log clear = {
            .slot = slot_id(s, slot),
            .first_page = 0,
            .num_pages = pages,
            .dirty_bitmap = bitmap,
        };

        if (ioctl(s->vm_fd, KVM_CLEAR_DIRTY_LOG, &clear) < 0) {
            qmem_error_report("kvm_log_clear: KVM_CLEAR_DIRTY_LOG failed: %s",
                              g_strerror(errno));
        }
    }
}

static void set_logging(QmemKvmAccel *s, gboolean on)
{
    for (guint i = 0; i < s->n_slots; i++) {
        QmemKvmSlot *slot = &s->slots[i];
        guint32 flags;
        int ret;

        if (!slot->memory_size || !slot->rb) {
            continue;
        }
        if (!on) {
            /* The last writes, before the log goes. */
            qmem_kvm_slot_sync_dirty_log(s, slot);
        }
        flags = on ? slot->flags | KVM_MEM_LOG_DIRTY_PAGES
                   : slot->flags & ~KVM_MEM_LOG_DIRTY_PAGES;
        ret = qmem_kvm_slot_set_flags(s, i, flags);
        if (ret < 0) {
            qmem_error_report("kvm_section_update_flags: %s",
                              g_strerror(-ret));
        }
    }
}

static void kvm_log_global_start(QmemMemoryListener *listener)
{
    QmemKvmAccel *s = kvm_from_listener(listener);
    struct kvm_enable_cap cap = {
        .cap = KVM_CAP_MANUAL_DIRTY_LOG_PROTECT2,
        .args[0] = KVM_DIRTY_LOG_MANUAL_PROTECT_ENABLE,
    };

    /*
     * QEMU's kvm_init(): with manual protect, KVM_GET_DIRTY_LOG leaves the
     * pages write-protected only once cleared, which makes a sync cheap.
     */
    if (!s->manual_protect &&
        ioctl(s->vm_fd, KVM_CHECK_EXTENSION,
              KVM_CAP_MANUAL_DIRTY_LOG_PROTECT2) > 0 &&
        ioctl(s->vm_fd, KVM_ENABLE_CAP, &cap) == 0) {
        s->manual_protect = TRUE;
    }
    set_logging(s, TRUE);
}

static void kvm_log_global_stop(QmemMemoryListener *listener)
{
    set_logging(kvm_from_listener(listener), FALSE);
}

static void kvm_log_sync(QmemMemoryListener *listener)
{
    QmemKvmAccel *s = kvm_from_listener(listener);

    for (guint i = 0; i < s->n_slots; i++) {
        if (s->slots[i].memory_size) {
            qmem_kvm_slot_sync_dirty_log(s, &s->slots[i]);
        }
    }
}

void qmem_kvm_dirty_log_init_memory_listener(QmemKvmAccel *s)
{
    s->listener.log_global_start = kvm_log_global_start;
    s->listener.log_global_stop = kvm_log_global_stop;
    s->listener.log_sync = kvm_log_sync;
}
