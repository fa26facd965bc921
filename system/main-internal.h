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
 * with -incoming but "defer" (QEMU's texts); qmem-run refuses -loadvm
 * in any case.
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
 * main-process.c: the options about the process (QEMU's vl.c and
 * os-posix.c), in QEMU's order: parsed with the command line, then the
 * daemon and the PID file before the machine, memory locked after board
 * init, and the daemon's parent released once everything is set up.
 */
typedef enum {
    QMEM_MLOCK_OFF,
    QMEM_MLOCK_ON,
    QMEM_MLOCK_ON_FAULT,
} QmemMlockState;

typedef struct {
    QmemMlockState mlock;       /* -overcommit mem-lock= */
    gboolean msg_guest_name;    /* -msg guest-name=on */
    const char *pid_file;       /* -pidfile */
    char *pid_file_realpath;    /* once written: unlinked at the end */
    int pid_fd;                 /* holds its lock, or -1 */
    gboolean daemonize;         /* -daemonize */
    int daemon_pipe;            /* the daemon's end towards its parent */
    int parent_status;          /* -1, or the parent's exit status */
} RunnerProcess;

void qmem_runner_process_init(RunnerProcess *p);

/*
 * Checks and applies -name (query-name, thread names, the process's
 * name), -uuid, -msg, -overcommit (cpu-pm for the accelerator), takes
 * note of -pidfile, -daemonize and mem-lock, and refuses -sandbox and
 * stdio with -daemonize.
 */
gboolean qmem_runner_parse_process(GArray *options, RunnerProcess *p,
                                   GError **error);

/*
 * QEMU's qemu_process_early_options(): each -sandbox applied, after -name
 * and the thread-context objects (whose affinity resourcecontrol=deny
 * would forbid setting), before -daemonize.
 */
gboolean qmem_runner_apply_sandboxes(GArray *options, GError **error);

/*
 * QEMU's qemu_maybe_daemonize(): with -daemonize forks; in the parent
 * only sets parent_status (the status it exits with: 0 once the daemon
 * is set up, else 1).  Then, in the process that goes on, the PID file.
 */
gboolean qmem_runner_daemonize(RunnerProcess *p, GError **error);

/* QEMU's realtime_init(): mlockall() for mem-lock=on or on-fault. */
gboolean qmem_runner_realtime_init(RunnerProcess *p, GError **error);

/* QEMU's os_setup_post(): the daemon detaches and releases its parent. */
gboolean qmem_runner_setup_post(RunnerProcess *p, GError **error);

/*
 * main-seccomp.c (with libseccomp): -sandbox's keys and "enable" checked,
 * *@enable set; then applied, QEMU's deny list loaded into the kernel for
 * every thread.
 */
gboolean qmem_runner_check_sandbox(const char *arg, gboolean *enable,
                                   GError **error);
gboolean qmem_runner_apply_sandbox(const char *arg, GError **error);

/*
 * main-sgx.c: -machine sgx-epc.N.memdev=ID,sgx-epc.N.node=N, QEMU's SGX
 * EPC sections, which qmem refuses as QEMU does on a host without SGX.
 * _take() removes the sgx-epc keys from the merged -machine options and
 * checks them as QEMU's visitor does (*@sections stays NULL without
 * any); _check_machine() refuses them on a machine that is not x86, as
 * QEMU's missing property; _init() at board init resolves each memdev
 * (QEMU's texts for a missing one and one that is not a
 * memory-backend-epc) and refuses the sections.
 */
typedef struct {
    char *memdev;
    char *node;
    char *unexpected;       /* the first key that is neither */
} RunnerSgxEpc;

gboolean qmem_runner_sgx_epc_take(JsonObject *machine_opts,
                                  GPtrArray **sections, GError **error);
gboolean qmem_runner_sgx_epc_check_machine(QmemMachine *machine,
                                           GPtrArray *sections,
                                           GError **error);
gboolean qmem_runner_sgx_epc_init(GPtrArray *sections, GError **error);

/* Unlinks the PID file and resets what the options set. */
void qmem_runner_process_cleanup(RunnerProcess *p);

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

/*
 * -1, or in the parent of a -daemonize the status to exit with at once,
 * without running (QEMU's parent exits once the daemon is set up).
 */
int qmem_runner_get_parent_status(QmemRunner *r);

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
