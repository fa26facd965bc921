/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Benchmark: start-up with preallocated backends, one by one or together. */

#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "tests/bench/bench-common.h"

#define GiB (1024ULL * 1024 * 1024)

/* Preallocating several GiB takes seconds, exiting gives them back. */
#define EXIT_TIMEOUT_S 60.0

/* The two command lines measured. */
typedef enum {
    CASE_SEQUENTIAL,    /* no prealloc-context */
    CASE_CONTEXTS,      /* one thread-context per backend */
    N_CASES,
} BenchCase;

static const char *const case_names[N_CASES] = {
    [CASE_SEQUENTIAL] = "4 backends, no context",
    [CASE_CONTEXTS] = "4 backends, thread-contexts",
};

typedef struct {
    guint backends;
    guint64 size;
    const char *backend;
    guint threads;
    char *cpus;         /* every online CPU, as cpu-affinity takes it */
} Config;

static gboolean verbose;

static GPtrArray *case_argv(const char *prog, const char *accel,
                            const Config *cfg, BenchCase c)
{
    GPtrArray *argv = g_ptr_array_new_with_free_func(g_free);
    /* clang-format off */
    const char *const args[] = {
        "-accel", accel, "-S", "-M", "pc", "-m", "128M", "-nodefaults",
        "-display", "none", "-qmp", "stdio",
    };
    /* clang-format on */

    g_ptr_array_add(argv, g_strdup(prog));
    for (guint i = 0; i < G_N_ELEMENTS(args); i++) {
        g_ptr_array_add(argv, g_strdup(args[i]));
    }
    for (guint i = 0; i < cfg->backends; i++) {
        g_autofree char *context = NULL;

        if (c == CASE_CONTEXTS) {
            g_ptr_array_add(argv, g_strdup("-object"));
            g_ptr_array_add(argv, g_strdup_printf(
                "thread-context,id=tc%u,cpu-affinity=%s", i, cfg->cpus));
            context = g_strdup_printf(",prealloc-context=tc%u", i);
        }
        g_ptr_array_add(argv, g_strdup("-object"));
        g_ptr_array_add(argv, g_strdup_printf(
            "memory-backend-%s,id=m%u,size=%" G_GUINT64_FORMAT ",prealloc=on,"
            "prealloc-threads=%u%s", cfg->backend, i, cfg->size, cfg->threads,
            context ? context : ""));
    }
    return argv;
}

/*
 * From exec to the QMP greeting: both programs greet once every backend
 * of the command line is complete.
 */
static BenchResult run_case(const char *prog, const char *accel,
                            const Config *cfg, BenchCase c)
{
    g_autoptr(GPtrArray) argv = case_argv(prog, accel, cfg, c);
    BenchResult r = { 0 };
    double t0, greeted;
    BenchVmm v;

    g_ptr_array_add(argv, NULL);
    if (bench_vmm_start(&v, (char **)argv->pdata, &t0, &r.failure) &&
        bench_vmm_wait_greeting(&v, &greeted, &r.failure)) {
        r.seconds = greeted - t0;
    }
    bench_vmm_quit(&v, FALSE, EXIT_TIMEOUT_S);
    bench_vmm_close(&v);
    return r;
}

static char *time_cell(const BenchResult *r, gboolean measured)
{
    if (!measured) {
        return g_strdup("n/a");
    }
    if (r->failure) {
        return g_strdup("fail");
    }
    return g_strdup_printf("%.3f", r->seconds);
}

static char *ratio_cell(const BenchResult *a, gboolean a_measured,
                        const BenchResult *b, gboolean b_measured)
{
    if (!a_measured || !b_measured || a->failure || b->failure ||
        a->seconds <= 0 || b->seconds <= 0) {
        return g_strdup("n/a");
    }
    return g_strdup_printf("%.2f", a->seconds / b->seconds);
}

static char *all_cpus(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);

    return n > 1 ? g_strdup_printf("0-%ld", n - 1) : g_strdup("0");
}

int main(int argc, char **argv)
{
    g_autofree char *cpu = NULL;
    g_autofree char *backend = NULL;
    g_auto(BenchProgs) bp = { 0 };
    gboolean *have = bp.have;
    const char **prog = bp.prog;
    g_autoptr(GPtrArray) notes = g_ptr_array_new_with_free_func(g_free);
    /* Debian's QEMU has no qtest accelerator; with -S TCG runs nothing. */
    const char *accel[N_PROGS] = { "qtest", "tcg" };
    BenchResult res[N_PROGS][N_CASES];
    Config cfg = { .backends = 4, .size = 2 * GiB, .threads = 1 };
    gint runs = 2, size_gib = 2, threads = 1;
    GOptionEntry entries[] = {
        BENCH_OPTION_RUNS(&runs, "2"),
        { "size", 0, 0, G_OPTION_ARG_INT, &size_gib,
          "GiB per backend (default 2)", "N" },
        { "threads", 0, 0, G_OPTION_ARG_INT, &threads,
          "prealloc-threads of each backend (default 1)", "N" },
        { "backend", 0, 0, G_OPTION_ARG_STRING, &backend,
          "ram or memfd (default memfd)", "TYPE" },
        BENCH_OPTION_QMEM(&bp.qmem),
        BENCH_OPTION_QEMU(&bp.qemu),
        BENCH_OPTION_VERBOSE(&verbose, "Print every run's times on stderr"),
        { NULL },
    };
    struct utsname uts;
    guint64 needed;

    if (!bench_parse_options("prealloc-parallel",
                             "- start-up with preallocated backends, "
                             "sequential and parallel: qmem vs QEMU",
                             entries, &argc, &argv)) {
        return 2;
    }
    if (runs < 1 || size_gib < 1 || threads < 1 ||
        (backend && strcmp(backend, "ram") && strcmp(backend, "memfd"))) {
        fprintf(stderr, "prealloc-parallel: bad --runs, --size, --threads "
                "or --backend\n");
        return 2;
    }
    cfg.size = size_gib * GiB;
    cfg.threads = threads;
    cfg.backend = backend ? backend : "memfd";
    cfg.cpus = all_cpus();
    signal(SIGPIPE, SIG_IGN);

    bench_find_progs(&bp, notes);

    /* Each run holds every backend at once, plus the machine's RAM. */
    needed = cfg.backends * cfg.size + GiB;
    if (bench_mem_available() && bench_mem_available() < needed) {
        g_ptr_array_add(notes, g_strdup_printf(
            "skipped: %" G_GUINT64_FORMAT " MiB available, %" G_GUINT64_FORMAT
            " MiB needed", bench_mem_available() >> 20, needed >> 20));
        have[PROG_QMEM] = have[PROG_QEMU] = FALSE;
    }

    for (guint p = 0; p < N_PROGS; p++) {
        for (guint c = 0; c < N_CASES; c++) {
            res[p][c] = (BenchResult){ .seconds = G_MAXDOUBLE };
        }
    }
    /*
     * Interleaved, so that a slow phase of the host hits all alike.  Run 0
     * only warms up: the first touch of host memory a run after a long
     * pause costs more (a virtual host's memory is faulted in then).
     */
    for (guint r = 0; r <= (guint)runs; r++) {
        fprintf(stderr, r ? "run %u of %d...\n" : "warming up...\n", r,
                runs);
        for (guint c = 0; c < N_CASES; c++) {
            for (guint p = 0; p < N_PROGS; p++) {
                BenchResult one;

                if (!have[p]) {
                    continue;
                }
                one = run_case(prog[p], accel[p], &cfg, c);
                if (r == 0) {
                    g_free(one.failure);
                    continue;
                }
                if (verbose) {
                    fprintf(stderr, "  %s, %s: %.3f s%s\n", bench_prog_names[p],
                            case_names[c], one.seconds,
                            one.failure ? " (failed)" : "");
                }
                bench_keep_best(&res[p][c], one);
            }
        }
    }

    cpu = bench_cpu_model();
    uname(&uts);
    printf("prealloc-parallel: exec to QMP greeting with %u preallocated "
           "backends; best of %d run(s), times in s\n", cfg.backends, runs);
    printf("machine:  %ld online CPUs (%s), kernel %s\n",
           sysconf(_SC_NPROCESSORS_ONLN), cpu, uts.release);
    printf("qmem:     %s, -accel %s%s%s\n", have[PROG_QMEM] ? bp.qmem : "n/a",
           accel[PROG_QMEM], bp.module_dir ? ", QMEM_MODULE_DIR=" : "",
           bp.module_dir ? bp.module_dir : "");
    printf("QEMU:     %s, %s, -accel %s\n",
           have[PROG_QEMU] ? bp.qemu_version : "n/a",
           have[PROG_QEMU] ? bp.qemu_path : "n/a", accel[PROG_QEMU]);
    printf("common:   PROG -accel ACCEL -S -M pc -m 128M -nodefaults "
           "-display none -qmp stdio\n");
    printf("each:     -object memory-backend-%s,id=mN,size=%dG,prealloc=on,"
           "prealloc-threads=%u[,prealloc-context=tcN]\n", cfg.backend,
           size_gib, cfg.threads);
    printf("contexts: -object thread-context,id=tcN,cpu-affinity=%s\n",
           cfg.cpus);

    printf("\n%-30s %10s %10s %10s\n", "case", "qmem", "QEMU", "qmem/QEMU");
    for (guint c = 0; c < N_CASES; c++) {
        g_autofree char *c1 = time_cell(&res[PROG_QMEM][c], have[PROG_QMEM]);
        g_autofree char *c2 = time_cell(&res[PROG_QEMU][c], have[PROG_QEMU]);
        g_autofree char *c3 = ratio_cell(&res[PROG_QMEM][c], have[PROG_QMEM],
                                         &res[PROG_QEMU][c], have[PROG_QEMU]);

        printf("%-30s %10s %10s %10s\n", case_names[c], c1, c2, c3);
    }
    for (guint p = 0; p < N_PROGS; p++) {
        g_autofree char *speedup = ratio_cell(
            &res[p][CASE_SEQUENTIAL], have[p], &res[p][CASE_CONTEXTS],
            have[p]);

        printf("%s: no context / contexts = %s\n", bench_prog_names[p],
               speedup);
    }
    bench_print_notes(notes);
    for (guint p = 0; p < N_PROGS; p++) {
        for (guint c = 0; c < N_CASES; c++) {
            g_free(res[p][c].failure);
        }
    }
    g_free(cfg.cpus);
    return 0;
}
