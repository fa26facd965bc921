/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What the benchmarks share: VMM processes over QMP, timing, host facts. */

#ifndef QMEM_TESTS_BENCH_BENCH_COMMON_H
#define QMEM_TESTS_BENCH_BENCH_COMMON_H

#include <sys/types.h>

#include <glib.h>
#include <json-glib/json-glib.h>

/* One measurement: a time, or why there is none. */
typedef struct {
    double seconds;
    char *failure;
} BenchResult;

/* A running VMM with QMP on its stdin and stdout. */
typedef struct {
    pid_t pid;
    int in;  /* its stdin */
    int out; /* its stdout */
    int err; /* a memfd holding its stderr */
    GString *buf;
    double first_byte; /* when stdout said anything, 0 until then */
    gboolean eof;
    GQueue events;     /* BenchEvent: events read while waiting for replies */
} BenchVmm;

/* A QMP event and when its line was complete. */
typedef struct {
    JsonObject *event;
    double when;
} BenchEvent;

/**
 * bench_now:
 *
 * Returns: CLOCK_MONOTONIC in seconds.
 */
double bench_now(void);

/**
 * bench_first_line:
 * @text: any text
 *
 * Returns: the first line of @text, without its newline.
 */
char *bench_first_line(const char *text);

/**
 * bench_keep_best:
 * @best: the best result so far
 * @r: a new result, whose failure @best takes or frees
 *
 * Keeps the shortest time; the first failure sticks.
 */
void bench_keep_best(BenchResult *best, BenchResult r);

/**
 * bench_mem_available:
 *
 * Returns: MemAvailable in /proc/meminfo, in bytes; 0 if unknown.
 */
guint64 bench_mem_available(void);

/**
 * bench_cpu_model:
 *
 * Returns: the model name in /proc/cpuinfo, or "unknown model".
 */
char *bench_cpu_model(void);

/**
 * bench_program_version:
 * @prog: a program, looked up in PATH
 *
 * Returns: the first line of "@prog --version", or %NULL if it fails.
 */
char *bench_program_version(const char *prog);

/**
 * bench_find_qmem:
 * @qmem: the --qmem option; if %NULL, set from $QMEM_RUN
 * @notes: where to add why the qmem column is skipped
 *
 * Returns: whether *@qmem is an executable to measure.
 */
gboolean bench_find_qmem(char **qmem, GPtrArray *notes);

/**
 * bench_set_module_dir:
 * @qmem: the qmem-run to measure
 *
 * A qmem-run that is not installed finds its modules through
 * QMEM_MODULE_DIR: when that is unset and @qmem sits in a build tree
 * (<builddir>/qmem-run), sets it to <builddir>/modules.
 *
 * Returns: (transfer full) (nullable): the directory set, or NULL.
 */
char *bench_set_module_dir(const char *qmem);

/**
 * bench_find_qemu:
 * @qemu: the --qemu option, or %NULL for qemu-system-x86_64
 * @path: (out): where it is in PATH, or %NULL
 * @version: (out): its version line, or %NULL
 * @notes: where to add why the QEMU column is skipped
 *
 * Returns: whether QEMU runs.
 */
gboolean bench_find_qemu(const char *qemu, char **path, char **version,
                         GPtrArray *notes);

/**
 * bench_print_notes:
 * @notes: strings
 *
 * Prints @notes as "note: " lines after an empty line, if there are any.
 */
void bench_print_notes(GPtrArray *notes);

/**
 * bench_vmm_start:
 * @v: filled in; give it to bench_vmm_close() whatever this returns
 * @argv: the command line, %NULL-terminated, looked up in PATH
 * @t0: (out): the time just before the fork, so that a measurement
 *      includes everything the system does for a new process
 * @failure: (out): why it did not start
 *
 * Starts @argv with stdin and stdout on pipes and stderr in a memfd.
 *
 * Returns: whether it started.
 */
gboolean bench_vmm_start(BenchVmm *v, char **argv, double *t0,
                         char **failure);

/**
 * bench_vmm_read_line:
 * @v: the VMM
 * @deadline: a bench_now() time
 * @when: (out): when the line was complete
 *
 * Returns: the next line on @v's stdout, without its newline; %NULL at
 * end of file or after @deadline.
 */
char *bench_vmm_read_line(BenchVmm *v, double deadline, double *when);

/**
 * bench_vmm_stderr_line:
 * @v: the VMM
 *
 * Returns: the first line @v wrote on stderr, "" if none.
 */
char *bench_vmm_stderr_line(BenchVmm *v);

/**
 * bench_vmm_failure:
 * @v: the VMM
 * @what: what went wrong, as seen from outside
 *
 * Returns: why @v stopped talking: the first line of its stderr if it
 * wrote one, else @what.
 */
char *bench_vmm_failure(BenchVmm *v, const char *what);

/**
 * bench_vmm_wait_greeting:
 * @v: the VMM, just started
 * @first_byte: (out): when the greeting's first byte came (a greeting is
 *              the first thing QMP says, so that is when the program was
 *              ready to talk)
 * @failure: (out): why there is no greeting
 *
 * Returns: whether a QMP greeting came in time.
 */
gboolean bench_vmm_wait_greeting(BenchVmm *v, double *first_byte,
                                 char **failure);

/**
 * bench_vmm_command:
 * @v: the VMM
 * @what: names the command in a failure
 * @cmd: the command, one line of JSON
 * @seconds: (out): the time from the write to the complete reply line
 * @ret: (out) (optional): the reply's "return"
 * @failure: (out): the error's desc, or why there is no reply
 *
 * Sends @cmd and waits for its reply.  Events that come first are kept
 * for bench_vmm_wait_event().
 *
 * Returns: whether the reply was a "return".
 */
gboolean bench_vmm_command(BenchVmm *v, const char *what, const char *cmd,
                           double *seconds, JsonNode **ret, char **failure);

/**
 * bench_vmm_wait_event:
 * @v: the VMM
 * @name: the event's name
 * @deadline: a bench_now() time
 * @when: (out): when the event's line was complete
 *
 * Returns: (transfer full) (nullable): the data of the next event @name,
 * kept or new, dropping the others before it; %NULL at end of file or
 * after @deadline.
 */
JsonObject *bench_vmm_wait_event(BenchVmm *v, const char *name,
                                 double deadline, double *when);

/**
 * bench_vmm_rss:
 * @v: a running VMM
 *
 * Returns: its resident set size (VmRSS in /proc/PID/status), in bytes;
 * 0 if unknown.
 */
guint64 bench_vmm_rss(BenchVmm *v);

/**
 * bench_vmm_quit:
 * @v: the VMM
 * @negotiated: whether qmp_capabilities was sent already
 * @timeout_s: how long it may take to exit
 *
 * Asks @v to quit and waits for it to exit, so that its memory is gone
 * before the next run; a program that does not go in time is killed.
 * Its stderr stays readable until bench_vmm_close().
 *
 * Returns: its wait status, or -1 if it never started.
 */
int bench_vmm_quit(BenchVmm *v, gboolean negotiated, double timeout_s);

/**
 * bench_vmm_close:
 * @v: the VMM, after bench_vmm_quit() if it started
 *
 * Closes what bench_vmm_start() opened.
 */
void bench_vmm_close(BenchVmm *v);

/* The two programs the comparing benchmarks measure. */
typedef enum {
    PROG_QMEM,
    PROG_QEMU,
    N_PROGS,
} BenchProg;

/* "qmem" and "QEMU", by BenchProg. */
extern const char *const bench_prog_names[N_PROGS];

/* The options every comparing benchmark has, as it has them. */
#define BENCH_OPTION_RUNS(var, dflt)                            \
    { "runs", 0, 0, G_OPTION_ARG_INT, (var),                    \
      "Runs per measurement, the best counts (default " dflt ")", "N" }
#define BENCH_OPTION_VERBOSE(var, help)                         \
    { "verbose", 'v', 0, G_OPTION_ARG_NONE, (var), (help), NULL }
#define BENCH_OPTION_QMEM(var)                                  \
    { "qmem", 0, 0, G_OPTION_ARG_FILENAME, (var),               \
      "qmem-run to measure (default: $QMEM_RUN)", "PATH" }
#define BENCH_OPTION_QEMU(var)                                  \
    { "qemu", 0, 0, G_OPTION_ARG_FILENAME, (var),               \
      "QEMU to compare with (default qemu-system-x86_64)", "PATH" }

/* Both ends of one comparison: what bench_find_progs() found. */
typedef struct {
    char *qmem;                /* the --qmem option, or $QMEM_RUN */
    char *qemu;                /* the --qemu option */
    gboolean have[N_PROGS];    /* whether the column is measured */
    const char *prog[N_PROGS]; /* the executables, borrowed from below */
    char *module_dir;          /* what bench_set_module_dir() set, or NULL */
    char *qemu_path;           /* QEMU in PATH, or NULL */
    char *qemu_version;        /* its version line, or NULL */
} BenchProgs;

/**
 * bench_parse_options:
 * @name: the benchmark's name, the prefix of the error
 * @summary: what it measures, after the usage line
 * @entries: its options
 * @argc: main()'s
 * @argv: main()'s
 *
 * Parses the command line, printing "@name: <error>" on stderr if it is
 * wrong.
 *
 * Returns: whether it parsed.
 */
gboolean bench_parse_options(const char *name, const char *summary,
                             const GOptionEntry *entries, int *argc,
                             char ***argv);

/**
 * bench_check_runs:
 * @name: the benchmark's name, the prefix of the error
 * @runs: the --runs option
 *
 * Returns: whether @runs is at least 1; else says so on stderr.
 */
gboolean bench_check_runs(const char *name, int runs);

/**
 * bench_find_progs:
 * @p: its qmem and qemu options set (or %NULL); the rest is filled in;
 *     give it to bench_progs_clear()
 * @notes: where to add why a column is skipped
 *
 * bench_find_qmem(), bench_set_module_dir() for a qmem-run that is
 * there, and bench_find_qemu().
 */
void bench_find_progs(BenchProgs *p, GPtrArray *notes);

/**
 * bench_progs_clear:
 * @p: what bench_find_progs() filled in
 *
 * Frees what @p owns.
 */
void bench_progs_clear(BenchProgs *p);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(BenchProgs, bench_progs_clear)

#endif
