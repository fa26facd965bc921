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

/*
 * QEMU's qemu_validate_options() for --preconfig: not with -loadvm, nor
 * with -incoming but "defer" (QEMU's texts); qmem refuses -loadvm and
 * -incoming in any case.
 */
gboolean qmem_runner_validate_options(GArray *options, GError **error);

/* Every -qmp and -mon, in command-line order, on @qmp. */
gboolean qmem_runner_start_monitors(GArray *options, QmemQmpServer *qmp,
                                    GError **error);

/*
 * The last -qtest (QEMU uses only that one) with the last -qtest-log, on
 * @machine's address spaces; *@qtest stays NULL without -qtest.
 */
gboolean qmem_runner_start_qtest(GArray *options, QmemMachine *machine,
                                 QmemQtestServer **qtest, GError **error);

/*
 * qmem-run's life (system/qmem-run.c is its main()), in steps a fuzzer
 * (tests/fuzz/fuzz-options.c) can take in-process, any number of times:
 *
 *   QmemRunner *r = qmem_runner_new();     // registers QMP "quit"
 *   if (qmem_runner_setup(r, argc, argv, &err)) {
 *       ... qmem_runner_get_help(r) ? print it : qmem_runner_run(r) ...
 *   }
 *   qmem_runner_free(r);                   // everything it built goes
 *
 * The modules must be loaded (qmem_modules_init()) before setup, and the
 * termination signals' handler installed (qmem_termsig_init()) before
 * run.
 */
typedef struct QmemRunner QmemRunner;

QmemRunner *qmem_runner_new(void);

/*
 * Parses @argv (QEMU's options, @argv[0] the program), answers help
 * requests, builds the machine in QEMU's order ("hw/core/machine-init.h")
 * and starts the monitors and the qtest server.  Returns FALSE with
 * @error set, the error location (qmem_loc_set()) set to the option it is
 * about; what was built stays for qmem_runner_free().
 */
gboolean qmem_runner_setup(QmemRunner *r, int argc, char **argv,
                           GError **error);

/* The text a help request asked for, or NULL: print it instead of running. */
const char *qmem_runner_get_help(QmemRunner *r);

/*
 * Starts the vCPUs unless -S (with --preconfig, x-exit-preconfig goes on
 * with start-up and starts them) and runs the main loop until "quit",
 * SIGINT, SIGTERM or SIGHUP.  Returns the exit status: 1 when
 * x-exit-preconfig failed, else 0.
 */
int qmem_runner_run(QmemRunner *r);

/*
 * After a failed setup: says which termination signal ended it, if one
 * did (QEMU's "terminating on signal N from pid P (CMD)").
 */
void qmem_runner_kill_report(QmemRunner *r);

/* Takes down what setup built, the monitors before the machine. */
void qmem_runner_free(QmemRunner *r);

#endif
