/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Start-up and exit: the machine and its accelerator in QEMU's order. */

#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include "hw/core/machine-init.h"
#include "qapi/opts.h"

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

QmemAccel *qmem_machine_configure_accel(JsonObject *accel_opts, gboolean qtest,
                                        GError **error)
{
    g_autoptr(JsonObject) props = NULL;
    const char *name = accel_opts ? qmem_opts_get_last(accel_opts, "accel") :
                       default_accel(qtest);
    QmemAccel *accel;

    if (accel_opts) {
        g_autoptr(GList) members = json_object_get_members(accel_opts);

        props = json_object_new();
        for (GList *m = members; m; m = m->next) {
            JsonNode *value = json_object_get_member(accel_opts, m->data);

            if (strcmp(m->data, "accel")) {
                json_object_set_member(props, m->data, json_node_copy(value));
            }
        }
    }
    accel = qmem_accel_new(name, props, error);
    if (accel) {
        qmem_accel_set_current(accel);
    }
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
