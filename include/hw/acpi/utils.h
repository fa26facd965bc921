/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A board's ACPI tables in fw_cfg, built again on the guest's first read. */

#ifndef QMEM_HW_ACPI_UTILS_H
#define QMEM_HW_ACPI_UTILS_H

#include <glib.h>
#include "hw/acpi/aml-build.h"
#include "hw/nvram/fw_cfg.h"

G_BEGIN_DECLS

/**
 * QmemAcpiBuildFunc:
 * @tables: freshly initialized (qmem_acpi_build_tables_init())
 * @opaque: the board's
 *
 * Builds all of a board's tables: ALLOCATEs "etc/acpi/tables" and
 * "etc/acpi/rsdp" in @tables->linker and fills them (QEMU's
 * acpi_build()).  Called once by qmem_acpi_setup() and again on the
 * guest's first read, so it must give the same sizes each time unless
 * the machine changed.  May not fail.
 */
typedef void (*QmemAcpiBuildFunc)(QmemAcpiBuildTables *tables,
                                  gpointer opaque);

/**
 * qmem_acpi_setup:
 * @fw_cfg: the machine's fw_cfg
 * @build: the board's tables
 * @opaque: (transfer full): @build's argument
 * @opaque_free: (nullable): frees @opaque when @fw_cfg goes
 *
 * QEMU's acpi_setup(): builds the tables and offers them as the fw_cfg
 * files "etc/acpi/tables", "etc/table-loader" and "etc/acpi/rsdp".  The
 * first time the guest selects any of them they are built again (QEMU's
 * acpi_build_update(), so that what changed since, such as devices
 * plugged before the guest started, is in them), then no more.
 */
void qmem_acpi_setup(QmemFWCfg *fw_cfg, QmemAcpiBuildFunc build,
                     gpointer opaque, GDestroyNotify opaque_free);

G_END_DECLS

#endif
