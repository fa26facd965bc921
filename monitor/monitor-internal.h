/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What the QMP server and the monitor's own commands share (monitor/ only). */

#ifndef QMEM_MONITOR_MONITOR_INTERNAL_H
#define QMEM_MONITOR_MONITOR_INTERNAL_H

#include "monitor/qmp.h"
#include "qobject/json.h"
#include "util/chardev.h"

typedef struct {
    char *name;
    QmemQmpCommandFunc fn;
    QmemQmpCommandFlags flags;
} QmpCommand;

typedef struct {
    QmemQmpServer *server;
    QmemChardev *chr;
    QmemJsonStreamer *js;
    gboolean negotiated;
} QmpClient;

/* Registers qmp_capabilities, query-version, query-commands and
 * human-monitor-command (monitor/qmp-cmds.c); the registry calls it when
 * it is first used. */
void qmem_qmp_register_builtins(void);

/* The registered commands (QmpCommand), newest first. */
GList *qmem_qmp_command_list(void);

/* The client whose command is running, or NULL. */
QmpClient *qmem_qmp_current_client(void);

#endif
