/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Live migration of guest memory and memory devices (QEMU's migration/). */

#ifndef QMEM_MIGRATION_MIGRATION_H
#define QMEM_MIGRATION_MIGRATION_H

#include <glib.h>

G_BEGIN_DECLS

/**
 * QmemMigrationStatus:
 *
 * QEMU's MigrationStatus, in QEMU's order; qmem_migration_status_str()
 * gives the names QMP uses.  qmem enters none, setup, active, cancelling,
 * cancelled, completed and failed.
 */
typedef enum {
    QMEM_MIGRATION_STATUS_NONE,
    QMEM_MIGRATION_STATUS_SETUP,
    QMEM_MIGRATION_STATUS_CANCELLING,
    QMEM_MIGRATION_STATUS_CANCELLED,
    QMEM_MIGRATION_STATUS_ACTIVE,
    QMEM_MIGRATION_STATUS_POSTCOPY_ACTIVE,
    QMEM_MIGRATION_STATUS_POSTCOPY_PAUSED,
    QMEM_MIGRATION_STATUS_POSTCOPY_RECOVER,
    QMEM_MIGRATION_STATUS_COMPLETED,
    QMEM_MIGRATION_STATUS_FAILED,
    QMEM_MIGRATION_STATUS_COLO,
    QMEM_MIGRATION_STATUS_PRE_SWITCHOVER,
    QMEM_MIGRATION_STATUS_DEVICE,
    QMEM_MIGRATION_STATUS_WAIT_UNPLUG,
    QMEM_MIGRATION_STATUS__MAX
} QmemMigrationStatus;

const char *qmem_migration_status_str(QmemMigrationStatus status);

/**
 * QmemMigrationIncomingDone:
 * @error: (nullable): why the incoming migration failed, %NULL when it
 *   completed
 *
 * Called on the main thread under the BQL once an incoming migration
 * ended.  QEMU exits after a failed one ("load of migration failed: %s");
 * the program decides (qmem-run does the same).
 */
typedef void (*QmemMigrationIncomingDone)(const GError *error,
                                          gpointer opaque);

/**
 * qmem_migration_incoming_init:
 * @uri: -incoming's argument: "defer" or a URI (tcp:, unix:, fd:, exec:,
 *   file:)
 * @autostart: whether the VM runs once loaded (no -S)
 *
 * Enters the inmigrate run state and, unless @uri is "defer", starts
 * listening or reading.  Under the BQL, on the main thread.
 *
 * Returns: %FALSE with QEMU's message ("unknown migration protocol: %s",
 *   ...) on failure.
 */
gboolean qmem_migration_incoming_init(const char *uri, gboolean autostart,
                                      QmemMigrationIncomingDone done,
                                      gpointer opaque, GError **error);

/**
 * qmem_migration_load_fd:
 * @fd: a stream to read to its end marker (not closed)
 *
 * Loads a whole stream on the calling thread, as an incoming migration's
 * thread does, taking the BQL where it needs it: for tests and the
 * fuzzer, not for a machine that runs.  Call without the BQL.
 *
 * Returns: %FALSE with the destination's message on failure.
 */
gboolean qmem_migration_load_fd(int fd, GError **error);

/**
 * qmem_migration_shutdown:
 *
 * On the way out: cancels a migration in progress and waits for its
 * thread.  Under the BQL.
 */
void qmem_migration_shutdown(void);

G_END_DECLS

#endif
