/* SPDX-License-Identifier: GPL-2.0-or-later */
/* qtest-accel: no vCPUs, a software copy of KVM's memslot table. */

#include <inttypes.h>

#include "accel/qtest/qtest.h"
#include "util/error.h"
#include "util/timer.h"

/* What KVM_SET_USER_MEMORY_REGION would have been given for one slot. */
typedef struct {
    gboolean used;
    guint64 guest_phys_addr;
    guint64 memory_size;
    void *userspace_addr;
    gboolean readonly;
} QtestMemslot;

struct _QmemQtestAccel {
    QmemAccel parent_instance;

    guint max_slots;
    QmemMemoryListener listener;
    GArray *slots;              /* QtestMemslot, indexed by slot id */
    guint n_used;
    /* No slot below this id is free: where the search for one starts. */
    guint first_free;
    /* Used slots by guest-physical address: slot id + 1. */
    GHashTable *by_gpa;
    GArray *overcommitted;      /* QmemMemorySection without a slot */
};

enum {
    PROP_0,
    PROP_MEMSLOTS,
    N_PROPS
};

static GParamSpec *props[N_PROPS];

G_DEFINE_FINAL_TYPE_WITH_CODE(QmemQtestAccel, qmem_qtest_accel,
                              QMEM_TYPE_ACCEL,
                              qmem_type_register_name(
                                  QMEM_TYPE_NAME_QTEST_ACCEL,
                                  g_define_type_id))

static QmemQtestAccel *accel_of(QmemMemoryListener *listener)
{
    return (QmemQtestAccel *)((char *)listener -
                              G_STRUCT_OFFSET(QmemQtestAccel, listener));
}

static gboolean same_range(guint64 gpa, guint64 size,
                           const QmemMemorySection *section)
{
    return gpa == section->offset_within_address_space &&
           size == section->size;
}

static void qtest_accel_region_add(QmemMemoryListener *listener,
                                   const QmemMemorySection *section)
{
    QmemQtestAccel *q = accel_of(listener);
    QtestMemslot *slot = NULL;
    guint id;

    /* Like KVM, memslots hold RAM only. */
    if (!section->host) {
        return;
    }
    /* KVM hands out the lowest free slot id. */
    for (id = q->first_free; id < q->slots->len; id++) {
        if (!g_array_index(q->slots, QtestMemslot, id).used) {
            slot = &g_array_index(q->slots, QtestMemslot, id);
            break;
        }
    }
    if (q->n_used >= q->max_slots || (!slot && id >= q->max_slots)) {
        g_message("qtest-accel: no free memslot for [0x%" PRIx64
                  ", 0x%" PRIx64 "] of '%s' (limit %u)",
                  section->offset_within_address_space,
                  section->offset_within_address_space + section->size - 1,
                  qmem_memory_region_get_name(section->mr), q->max_slots);
        g_array_append_vals(q->overcommitted, section, 1);
        return;
    }
    if (!slot) {
        g_array_set_size(q->slots, id + 1);
        slot = &g_array_index(q->slots, QtestMemslot, id);
    }
    *slot = (QtestMemslot) {
        .used = TRUE,
        .guest_phys_addr = section->offset_within_address_space,
        .memory_size = section->size,
        .userspace_addr = section->host,
        .readonly = section->readonly,
    };
    q->n_used++;
    q->first_free = id + 1;
    g_hash_table_insert(q->by_gpa,
                        GSIZE_TO_POINTER(section->offset_within_address_space),
                        GUINT_TO_POINTER(id + 1));
}

static void qtest_accel_region_del(QmemMemoryListener *listener,
                                   const QmemMemorySection *section)
{
    QmemQtestAccel *q = accel_of(listener);
    guint found;

    if (!section->host) {
        return;
    }
    /* As kvm_lookup_matching_slot(): by guest address and size. */
    found = GPOINTER_TO_UINT(g_hash_table_lookup(
        q->by_gpa, GSIZE_TO_POINTER(section->offset_within_address_space)));
    if (found) {
        QtestMemslot *slot = &g_array_index(q->slots, QtestMemslot,
                                            found - 1);

        if (same_range(slot->guest_phys_addr, slot->memory_size, section)) {
            g_hash_table_remove(q->by_gpa, GSIZE_TO_POINTER(
                                               slot->guest_phys_addr));
            slot->used = FALSE;
            q->n_used--;
            q->first_free = MIN(q->first_free, found - 1);
            return;
        }
    }
    for (guint i = 0; i < q->overcommitted->len; i++) {
        QmemMemorySection *s = &g_array_index(q->overcommitted,
                                              QmemMemorySection, i);

        if (same_range(s->offset_within_address_space, s->size, section)) {
            g_array_remove_index(q->overcommitted, i);
            return;
        }
    }
    g_warn_if_reached();
}

static gboolean qtest_accel_init_machine(QmemAccel *accel,
                                         QmemAddressSpace *system_memory,
                                         QmemAddressSpace *system_io,
                                         guint n_cpus, GError **error)
{
    QmemQtestAccel *q = QMEM_QTEST_ACCEL(accel);

    g_return_val_if_fail(q->listener.as == NULL, FALSE);

    qmem_memory_listener_register(&q->listener, system_memory);
    /* No vCPU runs: the guest's time moves when a test says so. */
    qmem_clock_set_virtual_manual(TRUE);
    return TRUE;
}

static void qtest_accel_get_memslots(QmemAccel *accel, guint *max,
                                     guint *free)
{
    QmemQtestAccel *q = QMEM_QTEST_ACCEL(accel);

    *max = q->max_slots;
    *free = q->max_slots > q->n_used ? q->max_slots - q->n_used : 0;
}

static void qtest_accel_shutdown(QmemAccel *accel)
{
    QmemQtestAccel *q = QMEM_QTEST_ACCEL(accel);

    if (q->listener.as) {
        qmem_memory_listener_unregister(&q->listener);
        qmem_clock_set_virtual_manual(FALSE);
    }
}

/*
 * No interrupt controller to deliver to: a test sees interrupts at the
 * devices' GPIO lines instead (qtest's irq interception).
 */
static int qtest_accel_set_irq(QmemAccel *accel, guint gsi, int level)
{
    return 0;
}

static int qtest_accel_send_msi(QmemAccel *accel, guint64 addr, guint32 data)
{
    return 0;
}

guint qmem_qtest_accel_get_n_overcommitted(QmemQtestAccel *accel)
{
    g_return_val_if_fail(QMEM_IS_QTEST_ACCEL(accel), 0);
    return accel->overcommitted->len;
}

static void qmem_qtest_accel_set_property(GObject *obj, guint prop_id,
                                          const GValue *value,
                                          GParamSpec *pspec)
{
    QmemQtestAccel *q = QMEM_QTEST_ACCEL(obj);

    switch (prop_id) {
    case PROP_MEMSLOTS:
        if (q->max_slots != g_value_get_uint(value)) {
            q->max_slots = g_value_get_uint(value);
            g_object_notify_by_pspec(obj, pspec);
        }
        break;
    default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID(obj, prop_id, pspec);
    }
}

static void qmem_qtest_accel_get_property(GObject *obj, guint prop_id,
                                          GValue *value, GParamSpec *pspec)
{
    QmemQtestAccel *q = QMEM_QTEST_ACCEL(obj);

    switch (prop_id) {
    case PROP_MEMSLOTS:
        g_value_set_uint(value, q->max_slots);
        break;
    default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID(obj, prop_id, pspec);
    }
}

static void qmem_qtest_accel_dispose(GObject *obj)
{
    qtest_accel_shutdown(QMEM_ACCEL(obj));
    G_OBJECT_CLASS(qmem_qtest_accel_parent_class)->dispose(obj);
}

static void qmem_qtest_accel_finalize(GObject *obj)
{
    QmemQtestAccel *q = QMEM_QTEST_ACCEL(obj);

    g_array_unref(q->slots);
    g_hash_table_unref(q->by_gpa);
    g_array_unref(q->overcommitted);
    G_OBJECT_CLASS(qmem_qtest_accel_parent_class)->finalize(obj);
}

static void qmem_qtest_accel_class_init(QmemQtestAccelClass *klass)
{
    GObjectClass *gobject_class = G_OBJECT_CLASS(klass);
    QmemAccelClass *accel_class = QMEM_ACCEL_CLASS(klass);

    gobject_class->set_property = qmem_qtest_accel_set_property;
    gobject_class->get_property = qmem_qtest_accel_get_property;
    gobject_class->dispose = qmem_qtest_accel_dispose;
    gobject_class->finalize = qmem_qtest_accel_finalize;
    accel_class->init_machine = qtest_accel_init_machine;
    accel_class->get_memslots = qtest_accel_get_memslots;
    accel_class->shutdown = qtest_accel_shutdown;
    accel_class->set_irq = qtest_accel_set_irq;
    accel_class->send_msi = qtest_accel_send_msi;
    accel_class->kind = QMEM_ACCEL_KIND_QTEST;

    props[PROP_MEMSLOTS] =
        g_param_spec_uint(QMEM_QTEST_ACCEL_PROP_MEMSLOTS,
                          QMEM_QTEST_ACCEL_PROP_MEMSLOTS,
                          "Number of memslots, as KVM_CAP_NR_MEMSLOTS "
                          "(testing)",
                          0, G_MAXUINT32, QMEM_QTEST_ACCEL_DEFAULT_MEMSLOTS,
                          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
                          G_PARAM_EXPLICIT_NOTIFY);
    g_object_class_install_properties(gobject_class, N_PROPS, props);
}

static void qmem_qtest_accel_init(QmemQtestAccel *q)
{
    q->max_slots = QMEM_QTEST_ACCEL_DEFAULT_MEMSLOTS;
    q->slots = g_array_new(FALSE, TRUE, sizeof(QtestMemslot));
    q->by_gpa = g_hash_table_new(g_direct_hash, g_direct_equal);
    q->overcommitted = g_array_new(FALSE, FALSE, sizeof(QmemMemorySection));
    q->listener = (QmemMemoryListener) {
        .region_add = qtest_accel_region_add,
        .region_del = qtest_accel_region_del,
        /* QEMU's MEMORY_LISTENER_PRIORITY_ACCEL */
        .priority = 10,
        .name = "qtest-accel",
    };
}
