/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What qmem-run's files share (system/main*.c only). */

#ifndef QMEM_SYSTEM_MAIN_INTERNAL_H
#define QMEM_SYSTEM_MAIN_INTERNAL_H

#include <string.h>
#include "accel/qtest/qtest.h"
#include "hw/core/boards.h"
#include "monitor/qmp.h"

/* One option as given, kept for the messages that name it. */
typedef struct {
    const char *name;       /* without dashes */
    const char *arg;        /* NULL for options without an argument */
} RunnerOption;

static inline gboolean qmem_runner_is_option(const RunnerOption *opt,
                                             const char *name)
{
    return !strcmp(opt->name, name);
}

/* Messages name the option they are about, as QEMU's Location does. */
void qmem_runner_locate(const RunnerOption *opt);

/*
 * main-backends.c: QEMU's character devices, monitors, qtest server and
 * the options that only need checking (-trace, -audio, -run-with).  Each
 * takes the options in command-line order and fails with the location
 * set to the option at fault.
 */

/*
 * What QEMU checks while it parses the command line: -chardev, -mon (keys,
 * types, duplicate ids), -trace, -audio, -run-with.  Help requests
 * (`-chardev help`) fill *@help instead.
 */
gboolean qmem_runner_check_backends(GArray *options, GString **help,
                                    GError **error);

/* QEMU's early backends: every -chardev, connected or listening. */
gboolean qmem_runner_create_chardevs(GArray *options, GError **error);

/* Every -qmp and -mon, in command-line order, on @qmp. */
gboolean qmem_runner_start_monitors(GArray *options, QmemQmpServer *qmp,
                                    GError **error);

/*
 * The last -qtest (QEMU uses only that one) with the last -qtest-log, on
 * @machine's address spaces; *@qtest stays NULL without -qtest.
 */
gboolean qmem_runner_start_qtest(GArray *options, QmemMachine *machine,
                                 QmemQtestServer **qtest, GError **error);

#endif
