/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The VM's run state, as QEMU's (softmmu/runstate.c, qapi/run-state.json). */

#ifndef QMEM_SYSTEM_RUNSTATE_H
#define QMEM_SYSTEM_RUNSTATE_H

#include <glib.h>

#include "system/ram-block.h"

G_BEGIN_DECLS

/**
 * QmemRunState:
 *
 * QEMU's RunState, in QEMU's order; qmem_run_state_str() gives the names
 * QMP uses.  qmem enters %QMEM_RUN_STATE_PRELAUNCH (the start, until the
 * vCPUs first run), %QMEM_RUN_STATE_RUNNING, %QMEM_RUN_STATE_PAUSED
 * (QMP stop), %QMEM_RUN_STATE_IO_ERROR (a memory backend could not supply
 * a page: qmem_vm_stop_on_memory_error()) and %QMEM_RUN_STATE_SHUTDOWN
 * (on the way out); the others are there for QEMU's names and
 * transitions.
 */
typedef enum {
    QMEM_RUN_STATE_DEBUG,
    QMEM_RUN_STATE_INMIGRATE,
    QMEM_RUN_STATE_INTERNAL_ERROR,
    QMEM_RUN_STATE_IO_ERROR,
    QMEM_RUN_STATE_PAUSED,
    QMEM_RUN_STATE_POSTMIGRATE,
    QMEM_RUN_STATE_PRELAUNCH,
    QMEM_RUN_STATE_FINISH_MIGRATE,
    QMEM_RUN_STATE_RESTORE_VM,
    QMEM_RUN_STATE_RUNNING,
    QMEM_RUN_STATE_SAVE_VM,
    QMEM_RUN_STATE_SHUTDOWN,
    QMEM_RUN_STATE_SUSPENDED,
    QMEM_RUN_STATE_WATCHDOG,
    QMEM_RUN_STATE_GUEST_PANICKED,
    QMEM_RUN_STATE_COLO,
    QMEM_RUN_STATE__MAX
} QmemRunState;

/** qmem_run_state_str: Returns: QEMU's name of @state ("io-error"). */
const char *qmem_run_state_str(QmemRunState state);

/** qmem_runstate_get: Returns: the current run state. */
QmemRunState qmem_runstate_get(void);
gboolean qmem_runstate_check(QmemRunState state);
gboolean qmem_runstate_is_running(void);

/**
 * qmem_runstate_needs_reset:
 * Returns: whether the state is internal-error or shutdown, from which
 *   only a reset leads on (QEMU's runstate_needs_reset()).
 */
gboolean qmem_runstate_needs_reset(void);

/**
 * qmem_runstate_set:
 * @state: the new state
 *
 * Changes the state if QEMU allows the transition; a transition QEMU does
 * not have is a programming error (QEMU aborts with "invalid runstate
 * transition"): it is reported as a critical and ignored.
 */
void qmem_runstate_set(QmemRunState state);

/**
 * qmem_runstate_init:
 *
 * Back to prelaunch, as at start-up; for a program that builds a machine
 * again (tests), not for a running one.
 */
void qmem_runstate_init(void);

/**
 * qmem_vm_start:
 *
 * QEMU's vm_start(): unless the VM runs, sends RESUME, enters running and
 * starts the current accelerator's vCPUs (qmem_accel_start()).  Under the
 * BQL.
 */
void qmem_vm_start(void);

/**
 * qmem_vm_stop:
 * @state: the state to stop in (paused, io-error, ...)
 *
 * QEMU's vm_stop(): if the VM runs, enters @state, stops the vCPUs
 * (qmem_accel_stop(); from vCPU 0 itself, it stops after the exit being
 * handled) and sends STOP.  Does nothing to a VM that does not run.
 * Under the BQL.
 */
void qmem_vm_stop(QmemRunState state);

/**
 * qmem_vm_shutdown:
 *
 * QEMU's vm_shutdown(): stops a running VM in the shutdown state without
 * the STOP event (clients do not expect one on the way out).
 */
void qmem_vm_shutdown(void);

/**
 * qmem_vm_stop_on_memory_error:
 * @block: the RAM block that could not supply a page
 * @offset: the page's offset in @block
 * @addr: the guest-physical address of the access, or %G_MAXUINT64 when
 *   none (a host-side touch of memory not mapped in the guest)
 * @err: why, an errno (qmem_ram_block_fault_errno())
 *
 * A page of guest memory could not be supplied: sends MEMORY_BACKEND_ERROR
 * naming @block's backend, then stops a running VM in io-error (STOP
 * follows), as QEMU stops on a block device's I/O error with
 * werror=stop.  "cont" resumes it; the access is made again then.  Under
 * the BQL.
 */
void qmem_vm_stop_on_memory_error(QmemRamBlock *block, guint64 offset,
                                  guint64 addr, int err);

/**
 * qmem_migration_set_active:
 *
 * Set by migration/ while an outgoing or incoming migration is set up or
 * runs, cleared when it ends; read below migration/ through
 * qmem_migration_is_idle().  Under the BQL.
 */
void qmem_migration_set_active(gboolean active);

/**
 * qmem_migration_is_idle:
 *
 * QEMU's migration_is_idle(): what device_add, device_del and virtio-mem
 * ask before changing what migrates.
 */
gboolean qmem_migration_is_idle(void);

G_END_DECLS

#endif
