/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The accelerator base type, its registry lookup and the current one. */

#include <string.h>

#include "qapi/opts.h"
#include "qobject/json.h"
#include "qom/property.h"
#include "system/accel.h"
#include "util/error.h"

G_DEFINE_ABSTRACT_TYPE_WITH_CODE(QmemAccel, qmem_accel, QMEM_TYPE_OBJECT,
                                 qmem_type_register_name("accel",
                                                         g_define_type_id))

/* A weak pointer: the runner owns the accelerator. */
static QmemAccel *current_accel;

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
                                 guint n_cpus, GError **error)
{
    QmemAccelClass *klass;

    g_return_val_if_fail(QMEM_IS_ACCEL(accel), FALSE);
    g_return_val_if_fail(system_memory != NULL, FALSE);

    klass = QMEM_ACCEL_GET_CLASS(accel);
    g_return_val_if_fail(klass->init_machine != NULL, FALSE);
    return klass->init_machine(accel, system_memory, n_cpus, error);
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

void qmem_accel_start(QmemAccel *accel)
{
    QmemAccelClass *klass;

    g_return_if_fail(QMEM_IS_ACCEL(accel));

    klass = QMEM_ACCEL_GET_CLASS(accel);
    if (klass->start) {
        klass->start(accel);
    }
}

void qmem_accel_shutdown(QmemAccel *accel)
{
    QmemAccelClass *klass;

    g_return_if_fail(QMEM_IS_ACCEL(accel));

    klass = QMEM_ACCEL_GET_CLASS(accel);
    if (klass->shutdown) {
        klass->shutdown(accel);
    }
}

guint qmem_accel_phys_bits(QmemAccel *accel)
{
    QmemAccelClass *klass;

    g_return_val_if_fail(QMEM_IS_ACCEL(accel), 0);

    klass = QMEM_ACCEL_GET_CLASS(accel);
    return klass->phys_bits ? klass->phys_bits(accel) : 52;
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
    QmemAccelClass *klass;

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
    return klass->guest_memtest(accel, addr, size, seed, mode, result, error);
}
