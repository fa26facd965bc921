/* SPDX-License-Identifier: GPL-2.0-or-later */
/* QMP commands about the accelerator: its memslots and a guest memory test. */

#ifndef QMEM_SYSTEM_ACCEL_QMP_CMDS_H
#define QMEM_SYSTEM_ACCEL_QMP_CMDS_H

#include "qapi/qmp-command.h"

G_BEGIN_DECLS

/**
 * qmem_qmp_x_query_memslots:
 *
 * x-query-memslots: {"max": N, "free": N, "used": N} from the current
 * accelerator's memslot table (KVM's real slots, or the qtest
 * accelerator's software table).
 */
JsonNode *qmem_qmp_x_query_memslots(JsonObject *args, GError **error);

/**
 * qmem_qmp_x_guest_memtest:
 *
 * x-guest-memtest (addr, size, seed, mode "write-verify", "verify" or
 * "verify-zero"):
 * qmem_accel_guest_memtest() on the current accelerator; returns
 * {"checked": N, "mismatches": N, "fault-addr": A}.
 */
JsonNode *qmem_qmp_x_guest_memtest(JsonObject *args, GError **error);

G_END_DECLS

#endif
