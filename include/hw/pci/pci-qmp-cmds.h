/* SPDX-License-Identifier: GPL-2.0-or-later */
/* QMP query-pci and HMP info pci. */

#ifndef QMEM_HW_PCI_PCI_QMP_CMDS_H
#define QMEM_HW_PCI_PCI_QMP_CMDS_H

#include "qapi/qmp-command.h"

G_BEGIN_DECLS

/*
 * QEMU's commands of the same names, in QEMU 7.2's shape (qapi/pci.json,
 * hmp_info_pci()): one PciInfo per root bus, one PciDeviceInfo per
 * function in devfn order; the monitor registers them
 * (monitor/commands.c).
 */
JsonNode *qmem_qmp_query_pci(JsonObject *args, GError **error);

gboolean qmem_hmp_info_pci(const char *args, GString *out, GError **error);

G_END_DECLS

#endif
