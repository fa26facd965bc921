/* SPDX-License-Identifier: GPL-2.0-or-later */
/* QMP commands of migration: migrate, query-migrate, parameters, ... */

#ifndef QMEM_MIGRATION_MIGRATION_QMP_CMDS_H
#define QMEM_MIGRATION_MIGRATION_QMP_CMDS_H

#include "qapi/qmp-command.h"

G_BEGIN_DECLS

/* migrate: QEMU 7.2's {uri, blk?, inc?, detach?, resume?}. */
JsonNode *qmem_qmp_migrate(JsonObject *args, GError **error);
/* migrate-incoming {uri}: after -incoming defer. */
JsonNode *qmem_qmp_migrate_incoming(JsonObject *args, GError **error);
/* migrate_cancel. */
JsonNode *qmem_qmp_migrate_cancel(JsonObject *args, GError **error);
/* query-migrate: QEMU's MigrationInfo. */
JsonNode *qmem_qmp_query_migrate(JsonObject *args, GError **error);
/* migrate-set-parameters / query-migrate-parameters: max-bandwidth,
 * downtime-limit. */
JsonNode *qmem_qmp_migrate_set_parameters(JsonObject *args, GError **error);
JsonNode *qmem_qmp_query_migrate_parameters(JsonObject *args,
                                            GError **error);
/* migrate-set-capabilities / query-migrate-capabilities. */
JsonNode *qmem_qmp_migrate_set_capabilities(JsonObject *args,
                                            GError **error);
JsonNode *qmem_qmp_query_migrate_capabilities(JsonObject *args,
                                              GError **error);
/*
 * x-query-ram-checksum: per RAM block that migrates, by id, {"id",
 * "size", "sha256"}: SHA-256 over each page that is not all zero, as its
 * big-endian 64-bit offset then its bytes.  How tests compare two VMs'
 * memory byte for byte.
 */
JsonNode *qmem_qmp_x_query_ram_checksum(JsonObject *args, GError **error);

G_END_DECLS

#endif
