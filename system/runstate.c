/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The VM's run state, as QEMU's softmmu/runstate.c and vm_start/vm_stop. */

#include <errno.h>

#include "qapi/qmp-event.h"
#include "qom/object.h"
#include "system/accel.h"
#include "system/runstate.h"
#include "util/error-report.h"

/* Indexed by QmemRunState: qapi/run-state.json's names. */
static const char *const run_state_names[QMEM_RUN_STATE__MAX] = {
    "debug", "inmigrate", "internal-error", "io-error", "paused",
    "postmigrate", "prelaunch", "finish-migrate", "restore-vm", "running",
    "save-vm", "shutdown", "suspended", "watchdog", "guest-panicked", "colo",
};

#define S(name) QMEM_RUN_STATE_##name

/* QEMU 7.2's runstate_transitions_def, in its order. */
static const struct {
    QmemRunState from;
    QmemRunState to;
} transitions[] = {
    { S(PRELAUNCH), S(INMIGRATE) },

    { S(DEBUG), S(RUNNING) },
    { S(DEBUG), S(FINISH_MIGRATE) },
    { S(DEBUG), S(PRELAUNCH) },

    { S(INMIGRATE), S(INTERNAL_ERROR) },
    { S(INMIGRATE), S(IO_ERROR) },
    { S(INMIGRATE), S(PAUSED) },
    { S(INMIGRATE), S(RUNNING) },
    { S(INMIGRATE), S(SHUTDOWN) },
    { S(INMIGRATE), S(SUSPENDED) },
    { S(INMIGRATE), S(WATCHDOG) },
    { S(INMIGRATE), S(GUEST_PANICKED) },
    { S(INMIGRATE), S(FINISH_MIGRATE) },
    { S(INMIGRATE), S(PRELAUNCH) },
    { S(INMIGRATE), S(POSTMIGRATE) },
    { S(INMIGRATE), S(COLO) },

    { S(INTERNAL_ERROR), S(PAUSED) },
    { S(INTERNAL_ERROR), S(FINISH_MIGRATE) },
    { S(INTERNAL_ERROR), S(PRELAUNCH) },

    { S(IO_ERROR), S(RUNNING) },
    { S(IO_ERROR), S(FINISH_MIGRATE) },
    { S(IO_ERROR), S(PRELAUNCH) },

    { S(PAUSED), S(RUNNING) },
    { S(PAUSED), S(FINISH_MIGRATE) },
    { S(PAUSED), S(POSTMIGRATE) },
    { S(PAUSED), S(PRELAUNCH) },
    { S(PAUSED), S(COLO) },

    { S(POSTMIGRATE), S(RUNNING) },
    { S(POSTMIGRATE), S(FINISH_MIGRATE) },
    { S(POSTMIGRATE), S(PRELAUNCH) },

    { S(PRELAUNCH), S(RUNNING) },
    { S(PRELAUNCH), S(FINISH_MIGRATE) },
    { S(PRELAUNCH), S(INMIGRATE) },

    { S(FINISH_MIGRATE), S(RUNNING) },
    { S(FINISH_MIGRATE), S(PAUSED) },
    { S(FINISH_MIGRATE), S(POSTMIGRATE) },
    { S(FINISH_MIGRATE), S(PRELAUNCH) },
    { S(FINISH_MIGRATE), S(COLO) },

    { S(RESTORE_VM), S(RUNNING) },
    { S(RESTORE_VM), S(PRELAUNCH) },

    { S(COLO), S(RUNNING) },
    { S(COLO), S(PRELAUNCH) },
    { S(COLO), S(SHUTDOWN) },

    { S(RUNNING), S(DEBUG) },
    { S(RUNNING), S(INTERNAL_ERROR) },
    { S(RUNNING), S(IO_ERROR) },
    { S(RUNNING), S(PAUSED) },
    { S(RUNNING), S(FINISH_MIGRATE) },
    { S(RUNNING), S(RESTORE_VM) },
    { S(RUNNING), S(SAVE_VM) },
    { S(RUNNING), S(SHUTDOWN) },
    { S(RUNNING), S(WATCHDOG) },
    { S(RUNNING), S(GUEST_PANICKED) },
    { S(RUNNING), S(COLO) },

    { S(SAVE_VM), S(RUNNING) },

    { S(SHUTDOWN), S(PAUSED) },
    { S(SHUTDOWN), S(FINISH_MIGRATE) },
    { S(SHUTDOWN), S(PRELAUNCH) },
    { S(SHUTDOWN), S(COLO) },

    { S(DEBUG), S(SUSPENDED) },
    { S(RUNNING), S(SUSPENDED) },
    { S(SUSPENDED), S(RUNNING) },
    { S(SUSPENDED), S(FINISH_MIGRATE) },
    { S(SUSPENDED), S(PRELAUNCH) },
    { S(SUSPENDED), S(COLO) },

    { S(WATCHDOG), S(RUNNING) },
    { S(WATCHDOG), S(FINISH_MIGRATE) },
    { S(WATCHDOG), S(PRELAUNCH) },
    { S(WATCHDOG), S(COLO) },

    { S(GUEST_PANICKED), S(RUNNING) },
    { S(GUEST_PANICKED), S(FINISH_MIGRATE) },
    { S(GUEST_PANICKED), S(PRELAUNCH) },

};

#undef S

/* Under the BQL. */
static QmemRunState current_run_state = QMEM_RUN_STATE_PRELAUNCH;

const char *qmem_run_state_str(QmemRunState state)
{
    g_return_val_if_fail(state < QMEM_RUN_STATE__MAX, NULL);
    return run_state_names[state];
}

QmemRunState qmem_runstate_get(void)
{
    return current_run_state;
}

gboolean qmem_runstate_check(QmemRunState state)
{
    return current_run_state == state;
}

gboolean qmem_runstate_is_running(void)
{
    return qmem_runstate_check(QMEM_RUN_STATE_RUNNING);
}

gboolean qmem_runstate_needs_reset(void)
{
    return qmem_runstate_check(QMEM_RUN_STATE_INTERNAL_ERROR) ||
           qmem_runstate_check(QMEM_RUN_STATE_SHUTDOWN);
}

static gboolean transition_valid(QmemRunState from, QmemRunState to)
{
    for (gsize i = 0; i < G_N_ELEMENTS(transitions); i++) {
        if (transitions[i].from == from && transitions[i].to == to) {
            return TRUE;
        }
    }
    return FALSE;
}

void qmem_runstate_set(QmemRunState state)
{
    g_return_if_fail(state < QMEM_RUN_STATE__MAX);

    if (current_run_state == state) {
        return;
    }
    if (!transition_valid(current_run_state, state)) {
        g_critical("invalid runstate transition: '%s' -> '%s'",
                   run_state_names[current_run_state],
                   run_state_names[state]);
        return;
    }
    current_run_state = state;
}

void qmem_runstate_init(void)
{
    current_run_state = QMEM_RUN_STATE_PRELAUNCH;
}

void qmem_vm_start(void)
{
    QmemAccel *accel = qmem_accel_get_current();

    if (qmem_runstate_is_running()) {
        return;
    }
    /* QEMU sends RESUME before the vCPUs go, and so does qmem. */
    qmem_qapi_event_send_resume();
    qmem_runstate_set(QMEM_RUN_STATE_RUNNING);
    if (accel) {
        qmem_accel_start(accel);
    }
}

static void do_vm_stop(QmemRunState state, gboolean send_stop)
{
    QmemAccel *accel = qmem_accel_get_current();

    if (!qmem_runstate_is_running()) {
        return;
    }
    qmem_runstate_set(state);
    if (accel) {
        qmem_accel_stop(accel);
    }
    if (send_stop) {
        qmem_qapi_event_send_stop();
    }
}

void qmem_vm_stop(QmemRunState state)
{
    do_vm_stop(state, TRUE);
}

void qmem_vm_shutdown(void)
{
    do_vm_stop(QMEM_RUN_STATE_SHUTDOWN, FALSE);
}

void qmem_vm_stop_on_memory_error(QmemRamBlock *block, guint64 offset,
                                  guint64 addr, int err)
{
    g_autofree char *path = NULL;
    const char *id = NULL;

    g_return_if_fail(block != NULL);

    if (block->owner) {
        path = qmem_object_get_canonical_path(block->owner);
        id = qmem_object_get_name(block->owner);
    }
    qmem_qapi_event_send_memory_backend_error(id, path ? path : block->name,
                                              addr != G_MAXUINT64, addr,
                                              offset, err == ENOSPC,
                                              g_strerror(err));
    qmem_vm_stop(QMEM_RUN_STATE_IO_ERROR);
}

static gboolean migration_active;

void qmem_migration_set_active(gboolean active)
{
    migration_active = active;
}

gboolean qmem_migration_is_idle(void)
{
    return !migration_active;
}
