/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What the QMP server and the monitor's own commands share (monitor/ only). */

#ifndef QMEM_MONITOR_MONITOR_INTERNAL_H
#define QMEM_MONITOR_MONITOR_INTERNAL_H

#include "monitor/hmp.h"
#include "monitor/qmp.h"
#include "qobject/json.h"
#include "util/chardev.h"

typedef struct {
    char *name;
    QmemQmpCommandFunc fn;
    QmemQmpCommandFlags flags;
} QmpCommand;

/* An entry of the command tables (monitor/commands.c). */
typedef struct {
    const char *name;
    QmemQmpCommandFunc fn;
    QmemQmpCommandFlags flags;
} QmpCommandDef;

typedef struct {
    const char *name;           /* "info memdev", "object_add" */
    QmemHmpFunc fn;
    const char *params;         /* the synopsis; NULL: takes no arguments */
    const char *help;
    gboolean preconfig;         /* QEMU's flag "p": runs before the */
                                /* machine is ready */
} HmpCommandDef;

typedef struct {
    QmemQmpServer *server;
    QmemChardev *chr;
    QmemJsonStreamer *js;
    gboolean negotiated;
    gboolean pretty;            /* -mon pretty=on */
} QmpClient;

/*
 * Register every command of the tree (monitor/commands.c); the QMP and
 * HMP registries call them when they are first used.
 */
void qmem_monitor_register_qmp_commands(void);
void qmem_monitor_register_hmp_commands(void);

/* Adds an HMP command of the table. */
void qmem_hmp_register_def(const HmpCommandDef *def);

/* The monitor's own commands (monitor/qmp-cmds.c, monitor/hmp-cmds.c). */
JsonNode *qmem_qmp_qmp_capabilities(JsonObject *args, GError **error);
JsonNode *qmem_qmp_query_version(JsonObject *args, GError **error);
JsonNode *qmem_qmp_query_commands(JsonObject *args, GError **error);
JsonNode *qmem_qmp_human_monitor_command(JsonObject *args, GError **error);
gboolean qmem_hmp_info_mtree(const char *args, GString *out, GError **error);

/* The registered commands (QmpCommand), newest first. */
GList *qmem_qmp_command_list(void);

/* The client whose command is running, or NULL. */
QmpClient *qmem_qmp_current_client(void);

#endif
