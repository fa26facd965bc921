/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Start-up and exit: the machine and its accelerator in QEMU's order. */

#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include "hw/core/machine-init.h"
#include "qapi/opts.h"
#include "util/error-report.h"
#include "util/error.h"

/* QEMU tries kvm first and falls back; qmem's fallback runs no guest. */
static const char *default_accel(gboolean qtest)
{
    int fd;

    if (qtest) {
        return "qtest";
    }
    fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
    if (fd < 0) {
        return "qtest";
    }
    close(fd);
    return "kvm";
}

static gboolean accel_exists(const char *name)
{
    g_autofree char *type_name = g_strdup_printf("%s-accel", name);
    GType type = qmem_type_from_name(type_name);

    return type && g_type_is_a(type, QMEM_TYPE_ACCEL) &&
           !G_TYPE_IS_ABSTRACT(type);
}

/*
 * The accelerators tried, with what QEMU reports of each that does not
 * exist: every report but the last is printed at once, the last is held
 * back, to be the error if no accelerator is left.
 */
typedef struct {
    gboolean qtest;
    GError *pending;
    char *pending_loc;
    QmemAccel *accel;
} AccelSearch;

static void invalid_accel(AccelSearch *search, const char *name)
{
    g_autofree char *loc = g_strdup(qmem_loc_get());

    if (search->pending) {
        qmem_loc_set(search->pending_loc);
        qmem_error_report_err(search->pending);
        g_clear_error(&search->pending);
        qmem_loc_set(loc);
    }
    /* Under -qtest QEMU is silent about kvm. */
    if (search->qtest && !strcmp(name, "kvm")) {
        return;
    }
    g_free(search->pending_loc);
    search->pending_loc = g_steal_pointer(&loc);
    g_set_error(&search->pending, QMEM_ERROR, QMEM_ERROR_GENERIC,
                "invalid accelerator %s", name);
}

/* FALSE only when @name exists and cannot be made (a property's error). */
static gboolean try_accel(AccelSearch *search, const char *name,
                          JsonObject *props, GError **error)
{
    if (!accel_exists(name)) {
        invalid_accel(search, name);
        return TRUE;
    }
    search->accel = qmem_accel_new(name, props, error);
    return search->accel != NULL;
}

static gboolean try_accel_option(AccelSearch *search, const char *arg,
                                 GError **error)
{
    g_autofree char *loc = g_strdup_printf("-accel %s", arg);
    g_autoptr(JsonObject) props = NULL;
    g_autofree char *name = NULL;

    qmem_loc_set(loc);
    props = qmem_opts_parse(arg, "accel", NULL, error);
    if (!props) {
        return FALSE;
    }
    name = g_strdup(qmem_opts_get_last(props, "accel"));
    if (!name) {
        g_set_error_literal(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                            "Parameter 'accel' is missing");
        return FALSE;
    }
    json_object_remove_member(props, "accel");
    return try_accel(search, name, props, error);
}

/* After the search: its accelerator, or the error it ends with. */
static QmemAccel *accel_found(AccelSearch *search, GError **error)
{
    if (!search->accel) {
        qmem_loc_set(search->pending_loc);
        if (!search->pending) {
            g_set_error_literal(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                                "no accelerator found");
        } else {
            g_propagate_error(error, g_steal_pointer(&search->pending));
        }
        return NULL;
    }
    if (search->pending) {
        qmem_loc_set(search->pending_loc);
        qmem_error_report_err(search->pending);
        g_clear_error(&search->pending);
        qmem_loc_set(NULL);
        /* QEMU's current_accel_name(): its AccelClass names. */
        if (!search->qtest) {
            qmem_error_report("falling back to %s",
                              qmem_accel_get_kind(search->accel) ==
                              QMEM_ACCEL_KIND_KVM ? "KVM" : "qtest");
        }
    }
    qmem_accel_set_current(search->accel);
    return search->accel;
}

QmemAccel *qmem_machine_configure_accel(const char *const *accel_args,
                                        const char *machine_accel,
                                        gboolean qtest, GError **error)
{
    AccelSearch search = { .qtest = qtest };
    QmemAccel *accel = NULL;

    if (accel_args && accel_args[0] && machine_accel) {
        g_set_error_literal(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                            "The -accel and \"-machine accel=\" options "
                            "are incompatible");
        return NULL;
    }
    for (guint i = 0; accel_args && accel_args[i] && !search.accel; i++) {
        if (!try_accel_option(&search, accel_args[i], error)) {
            goto out;
        }
    }
    qmem_loc_set(NULL);
    if (!accel_args || !accel_args[0]) {
        g_auto(GStrv) names = g_strsplit(
            machine_accel ? machine_accel : default_accel(qtest), ":", -1);

        for (guint i = 0; names[i] && !search.accel; i++) {
            if (!try_accel(&search, names[i], NULL, error)) {
                goto out;
            }
        }
    }
    accel = accel_found(&search, error);
out:
    g_clear_error(&search.pending);
    g_free(search.pending_loc);
    return accel;
}

gboolean qmem_machine_init_accel(QmemMachine *machine, QmemAccel *accel,
                                 GError **error)
{
    g_return_val_if_fail(QMEM_IS_MACHINE(machine), FALSE);
    g_return_val_if_fail(QMEM_IS_ACCEL(accel), FALSE);

    return qmem_accel_init_machine(accel,
                                   qmem_machine_get_address_space(machine),
                                   qmem_machine_get_io_address_space(machine),
                                   qmem_machine_get_smp_cpus(machine), error);
}

void qmem_machine_cleanup(QmemMachine *machine, QmemAccel *accel)
{
    /* The guest stops before its memory goes. */
    if (accel) {
        qmem_accel_shutdown(accel);
    }
    if (machine) {
        qmem_machine_destroy(machine);
    }
    qmem_accel_set_current(NULL);
    g_clear_object(&accel);
    qmem_object_reset_root();
}
