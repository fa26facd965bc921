/* SPDX-License-Identifier: GPL-2.0-or-later */
/* HMP: the human monitor's commands, run through human-monitor-command. */

#ifndef QMEM_MONITOR_HMP_H
#define QMEM_MONITOR_HMP_H

#include "qapi/qmp-command.h"
#include "util/chardev.h"

G_BEGIN_DECLS

/**
 * qmem_hmp_register:
 * @name: "info memdev" for an info sub-command, "object_del" for a
 *   top-level one
 * @handler: the command
 *
 * Adds an HMP command.  The command line is split as QEMU's monitor does:
 * blanks, then a name ending at a blank or '/', then for "info" a second
 * name.  An unknown name prints "unknown command: '<line up to and
 * including the bad name>'\n".
 */
void qmem_hmp_register(const char *name, QmemHmpFunc handler);

/**
 * qmem_hmp_set_help:
 * @name: a registered HMP command
 * @params: (nullable): the argument synopsis ("[path]") or NULL
 * @help: the one-line description ("show memory backends")
 *
 * Gives @name the line QEMU's "info" (without a sub-command) lists:
 * "info memdev  -- show memory backends".
 */
void qmem_hmp_set_help(const char *name, const char *params,
                       const char *help);

/**
 * qmem_hmp_run:
 * @command_line: an HMP command line ("info memdev")
 *
 * Runs @command_line as human-monitor-command does.
 *
 * Returns: (transfer full): the text, with "\r\n" line endings.
 */
char *qmem_hmp_run(const char *command_line);

/**
 * qmem_hmp_monitor_add_chardev:
 * @chr: a chardev without frontend, made by -chardev; it must outlive
 *   the monitor, which goes with it
 * @error: return location for an error
 *
 * QEMU's monitor_init_hmp() (-mon chardev=ID, mode=readline being the
 * default): greets a client with "qmem VERSION monitor - type 'help' for
 * more information" and QEMU's "(qemu) " prompt, edits the line as QEMU's
 * readline does, with the same terminal output (each byte redraws the
 * line: "\033[D" back to its start, the line, "\033[K"; the arrow keys,
 * ^A, ^E, ^D, ^W, backspace), and runs it with qmem_hmp_run() on Enter (CR
 * or LF).  No history or completion.  Fails with "Device '%s' is in use"
 * when @chr has a frontend.
 *
 * Returns: %TRUE on success.
 */
gboolean qmem_hmp_monitor_add_chardev(QmemChardev *chr, GError **error);

G_END_DECLS

#endif
