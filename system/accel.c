/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The accelerator base type, its registry lookup and the current one. */

#include <string.h>
#include <unistd.h>

#include "qapi/opts.h"
#include "qobject/json.h"
#include "qom/property.h"
#include "system/accel.h"
#include "util/error.h"
#include "util/main-loop.h"

G_DEFINE_ABSTRACT_TYPE_WITH_CODE(QmemAccel, qmem_accel, QMEM_TYPE_OBJECT,
                                 qmem_type_register_name("accel",
                                                         g_define_type_id))

/* A weak pointer: the runner owns the accelerator. */
static QmemAccel *current_accel;

/*
 * The vCPUs take the BQL around what they hand to devices, and the calls
 * that wait for them release it meanwhile: so these calls run under it.
 * A program with a main loop holds it already (qmem_main_loop_init());
 * for one without (a test), the call takes it, as QEMU's BQL_LOCK_GUARD().
 */
static gboolean bql_lock_if_unlocked(void)
{
    if (qmem_bql_locked()) {
        return FALSE;
    }
    qmem_bql_lock();
    return TRUE;
}

static void bql_unlock_if(gboolean locked)
{
    if (locked) {
        qmem_bql_unlock();
    }
}

static guint qmem_accel_default_phys_bits(QmemAccel *accel)
{
    return 52;
}

static void qmem_accel_class_init(QmemAccelClass *klass)
{
    klass->phys_bits = qmem_accel_default_phys_bits;
}

static void qmem_accel_init(QmemAccel *accel)
{
}

/*
 * QEMU's accel_set_property(): each -accel key, its last value, parsed as
 * object_property_parse() does.
 */
static gboolean set_props(QmemAccel *accel, JsonObject *props, GError **error)
{
    g_autoptr(GList) members = json_object_get_members(props);

    for (GList *m = members; m; m = m->next) {
        if (!qmem_property_parse(QMEM_OBJECT(accel), m->data,
                                 qmem_opts_get_last(props, m->data), error)) {
            return FALSE;
        }
    }
    return TRUE;
}

QmemAccel *qmem_accel_new(const char *name, JsonObject *props, GError **error)
{
    g_autofree char *type_name = NULL;
    g_autoptr(QmemAccel) accel = NULL;
    GType type;

    g_return_val_if_fail(name != NULL, NULL);

    type_name = g_strdup_printf("%s-accel", name);
    type = qmem_type_from_name(type_name);
    if (!type || !g_type_is_a(type, QMEM_TYPE_ACCEL) ||
        G_TYPE_IS_ABSTRACT(type)) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "invalid accelerator %s", name);
        return NULL;
    }
    accel = g_object_new(type, NULL);
    if (props && !set_props(accel, props, error)) {
        return NULL;
    }
    return g_steal_pointer(&accel);
}

QmemAccel *qmem_accel_get_current(void)
{
    return current_accel;
}

void qmem_accel_set_current(QmemAccel *accel)
{
    g_return_if_fail(accel == NULL || QMEM_IS_ACCEL(accel));

    if (current_accel) {
        g_object_remove_weak_pointer(G_OBJECT(current_accel),
                                     (gpointer *)&current_accel);
    }
    current_accel = accel;
    if (accel) {
        g_object_add_weak_pointer(G_OBJECT(accel), (gpointer *)&current_accel);
    }
}

gboolean qmem_accel_init_machine(QmemAccel *accel,
                                 QmemAddressSpace *system_memory,
                                 QmemAddressSpace *system_io,
                                 guint n_cpus, GError **error)
{
    QmemAccelClass *klass;
    gboolean locked, ok;

    g_return_val_if_fail(QMEM_IS_ACCEL(accel), FALSE);
    g_return_val_if_fail(system_memory != NULL, FALSE);

    klass = QMEM_ACCEL_GET_CLASS(accel);
    g_return_val_if_fail(klass->init_machine != NULL, FALSE);
    locked = bql_lock_if_unlocked();
    ok = klass->init_machine(accel, system_memory, system_io, n_cpus, error);
    bql_unlock_if(locked);
    return ok;
}

void qmem_accel_get_memslots(QmemAccel *accel, guint *max, guint *free)
{
    QmemAccelClass *klass;
    guint dummy_max, dummy_free;

    g_return_if_fail(QMEM_IS_ACCEL(accel));

    klass = QMEM_ACCEL_GET_CLASS(accel);
    g_return_if_fail(klass->get_memslots != NULL);
    klass->get_memslots(accel, max ? max : &dummy_max,
                        free ? free : &dummy_free);
}

/* Calls a void vfunc of @accel (at @offset in its class) under the BQL. */
static void accel_call(QmemAccel *accel, gsize offset)
{
    void (*fn)(QmemAccel *) =
        G_STRUCT_MEMBER(gpointer, QMEM_ACCEL_GET_CLASS(accel), offset);
    gboolean locked;

    if (fn) {
        locked = bql_lock_if_unlocked();
        fn(accel);
        bql_unlock_if(locked);
    }
}

void qmem_accel_start(QmemAccel *accel)
{
    g_return_if_fail(QMEM_IS_ACCEL(accel));
    accel_call(accel, G_STRUCT_OFFSET(QmemAccelClass, start));
}

void qmem_accel_stop(QmemAccel *accel)
{
    g_return_if_fail(QMEM_IS_ACCEL(accel));
    accel_call(accel, G_STRUCT_OFFSET(QmemAccelClass, stop));
}

void qmem_accel_shutdown(QmemAccel *accel)
{
    g_return_if_fail(QMEM_IS_ACCEL(accel));
    accel_call(accel, G_STRUCT_OFFSET(QmemAccelClass, shutdown));
}

guint qmem_accel_phys_bits(QmemAccel *accel)
{
    QmemAccelClass *klass;

    g_return_val_if_fail(QMEM_IS_ACCEL(accel), 0);

    klass = QMEM_ACCEL_GET_CLASS(accel);
    return klass->phys_bits ? klass->phys_bits(accel) : 52;
}

gboolean qmem_accel_hotplug_vcpu(QmemAccel *accel, guint index,
                                 GError **error)
{
    QmemAccelClass *klass;
    gboolean locked, ok;

    if (!accel) {
        return TRUE;
    }
    klass = QMEM_ACCEL_GET_CLASS(accel);
    if (!klass->hotplug_vcpu) {
        return TRUE;
    }
    locked = bql_lock_if_unlocked();
    ok = klass->hotplug_vcpu(accel, index, error);
    bql_unlock_if(locked);
    return ok;
}

gint64 qmem_accel_vcpu_thread_id(QmemAccel *accel, guint index)
{
    QmemAccelClass *klass = accel ? QMEM_ACCEL_GET_CLASS(accel) : NULL;
    gint64 tid = klass && klass->vcpu_thread_id ?
                 klass->vcpu_thread_id(accel, index) : -1;

    return tid >= 0 ? tid : getpid();
}

QmemAccelKind qmem_accel_get_kind(QmemAccel *accel)
{
    g_return_val_if_fail(QMEM_IS_ACCEL(accel), QMEM_ACCEL_KIND_OTHER);

    return QMEM_ACCEL_GET_CLASS(accel)->kind;
}

gboolean qmem_qtest_enabled(void)
{
    return current_accel
           && qmem_accel_get_kind(current_accel) == QMEM_ACCEL_KIND_QTEST;
}

gboolean qmem_accel_guest_memtest(QmemAccel *accel, guint64 addr, guint64 size,
                                  guint64 seed, QmemAccelMemtestMode mode,
                                  QmemAccelMemtestResult *result,
                                  GError **error)
{
    return qmem_accel_guest_memtest_on_cpu(accel, 0, addr, size, seed, mode,
                                           result, error);
}

gboolean qmem_accel_guest_memtest_on_cpu(QmemAccel *accel, guint cpu_index,
                                         guint64 addr, guint64 size,
                                         guint64 seed,
                                         QmemAccelMemtestMode mode,
                                         QmemAccelMemtestResult *result,
                                         GError **error)
{
    QmemAccelClass *klass;
    gboolean locked, ok;

    g_return_val_if_fail(QMEM_IS_ACCEL(accel), FALSE);
    g_return_val_if_fail(result != NULL, FALSE);

    memset(result, 0, sizeof(*result));
    klass = QMEM_ACCEL_GET_CLASS(accel);
    if (!klass->guest_memtest) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "accelerator '%s' cannot run a guest memory test",
                    qmem_object_get_typename(QMEM_OBJECT(accel)));
        return FALSE;
    }
    locked = bql_lock_if_unlocked();
    ok = klass->guest_memtest(accel, cpu_index, addr, size, seed, mode,
                              result, error);
    bql_unlock_if(locked);
    return ok;
}

static gboolean guest_io_check(QmemAccelGuestIoSpace space, guint64 addr,
                               guint size, guint count, GError **error)
{
    gboolean port = space == QMEM_ACCEL_GUEST_IO_PORT;

    if (size != 1 && size != 2 && size != 4 && (port || size != 8)) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    port ? "guest port I/O size must be 1, 2 or 4"
                         : "guest memory access size must be 1, 2, 4 or 8");
        return FALSE;
    }
    if (!count || count > QMEM_ACCEL_GUEST_IO_MAX / size) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "guest I/O count must be between 1 and %u",
                    QMEM_ACCEL_GUEST_IO_MAX / size);
        return FALSE;
    }
    if (port && addr > 0xffff) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "port 0x%" G_GINT64_MODIFIER "x is beyond 0xffff", addr);
        return FALSE;
    }
    return TRUE;
}

gboolean qmem_accel_guest_io(QmemAccel *accel, QmemAccelGuestIoSpace space,
                             guint64 addr, guint size, guint count,
                             gboolean is_write, guint8 *buf, GError **error)
{
    QmemAccelClass *klass;
    gboolean locked, ok;

    g_return_val_if_fail(QMEM_IS_ACCEL(accel), FALSE);
    g_return_val_if_fail(buf != NULL, FALSE);

    klass = QMEM_ACCEL_GET_CLASS(accel);
    if (!klass->guest_io) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "accelerator '%s' cannot run guest I/O",
                    qmem_object_get_typename(QMEM_OBJECT(accel)));
        return FALSE;
    }
    if (!guest_io_check(space, addr, size, count, error)) {
        return FALSE;
    }
    locked = bql_lock_if_unlocked();
    ok = klass->guest_io(accel, space, addr, size, count, is_write, buf,
                         error);
    bql_unlock_if(locked);
    return ok;
}

int qmem_accel_set_irq(QmemAccel *accel, guint gsi, int level)
{
    QmemAccelClass *klass;
    gboolean locked;
    int ret;

    g_return_val_if_fail(QMEM_IS_ACCEL(accel), 0);

    klass = QMEM_ACCEL_GET_CLASS(accel);
    if (!klass->set_irq) {
        return 0;
    }
    locked = bql_lock_if_unlocked();
    ret = klass->set_irq(accel, gsi, level);
    bql_unlock_if(locked);
    return ret;
}

int qmem_accel_send_msi(QmemAccel *accel, guint64 addr, guint32 data)
{
    QmemAccelClass *klass;
    gboolean locked;
    int ret;

    g_return_val_if_fail(QMEM_IS_ACCEL(accel), 0);

    klass = QMEM_ACCEL_GET_CLASS(accel);
    if (!klass->send_msi) {
        return 0;
    }
    locked = bql_lock_if_unlocked();
    ret = klass->send_msi(accel, addr, data);
    bql_unlock_if(locked);
    return ret;
}

gboolean qmem_accel_ioeventfds_enabled(QmemAccel *accel)
{
    QmemAccelClass *klass;

    if (!accel) {
        return FALSE;
    }
    g_return_val_if_fail(QMEM_IS_ACCEL(accel), FALSE);
    klass = QMEM_ACCEL_GET_CLASS(accel);
    return klass->ioeventfds_enabled && klass->ioeventfds_enabled(accel);
}
