/* SPDX-License-Identifier: GPL-2.0-or-later */
/* -mon: monitors on chardevs made by -chardev (QEMU's monitor.h). */

#ifndef QMEM_MONITOR_MONITOR_H
#define QMEM_MONITOR_MONITOR_H

#include <json-glib/json-glib.h>
#include "monitor/qmp.h"

G_BEGIN_DECLS

/**
 * qmem_monitor_check_opts:
 * @opts: -mon options as qmem_opts_parse() returns them (implied key
 *   "chardev")
 * @error: return location for an error
 *
 * What QEMU's QemuOpts check when -mon is parsed: the keys are "chardev",
 * "mode", "pretty" and "id" ("Invalid parameter '%s'"), "pretty" is on/off
 * ("Parameter 'pretty' expects 'on' or 'off'").
 *
 * Returns: %TRUE if @opts pass.
 */
gboolean qmem_monitor_check_opts(JsonObject *opts, GError **error);

/**
 * qmem_monitor_init_opts:
 * @opts: -mon options as qmem_opts_parse() returns them
 * @qmp: the server a QMP monitor joins
 * @error: return location for an error
 *
 * QEMU's monitor_init_opts(): "mode=control" puts a QMP monitor on the
 * chardev -chardev made with id "chardev" (qmem_qmp_server_add_chardev(),
 * with "pretty=on" pretty JSON); "mode=readline", the default, an HMP one
 * (qmem_hmp_monitor_add_chardev()).  Errors, in QEMU's order: those of
 * qmem_monitor_check_opts(), "Parameter 'mode' does not accept value
 * '%s'", "Parameter 'chardev' is missing", "chardev \"%s\" not found",
 * "'pretty' is not compatible with HMP monitors", "Device '%s' is in
 * use".
 *
 * Returns: %TRUE on success.
 */
gboolean qmem_monitor_init_opts(JsonObject *opts, QmemQmpServer *qmp,
                                GError **error);

G_END_DECLS

#endif
