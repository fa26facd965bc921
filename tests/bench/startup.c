/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Benchmark: start-up and DIMM hot-plug time of qmem-run vs QEMU. */

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <glib.h>
#include <json-glib/json-glib.h>

#include "tests/bench/bench-common.h"

/* Cold-plugged DIMMs in case (b), hot-plugged ones in case (c). */
#define N_COLD 4
#define N_HOT 64
#define DIMM_BYTES (128ULL * 1024 * 1024)

/* Nothing here takes more than a fraction of a second when it works. */
#define EXIT_TIMEOUT_S 10.0

/* The device_add windows that are reported, 1-based and inclusive. */
static const struct {
    guint first, last;
} windows[] = {
    { 1, 8 },
    { 25, 32 },
    { 57, 64 },
};

/* Everything measured for one program. */
typedef struct {
    BenchResult start_one;   /* (a) */
    BenchResult start_cold;  /* (b) */
    BenchResult plug_failed; /* (c), only its failure counts */
    double plug[N_HOT]; /* (c), per device, the shortest over runs */
} ProgResults;

static gboolean verbose;

/*
 * Asks @v to quit (negotiating first if @negotiated is false), waits for
 * it to exit and closes it.
 */
static void vmm_stop(BenchVmm *v, gboolean negotiated)
{
    bench_vmm_quit(v, negotiated, EXIT_TIMEOUT_S);
    bench_vmm_close(v);
}

/*
 * The command line shared by every case: a pc machine whose RAM is one
 * explicit backend, no default devices, QMP on stdio, not started.
 */
static GPtrArray *base_argv(const char *prog, const char *accel,
                            const char *mem)
{
    GPtrArray *argv = g_ptr_array_new_with_free_func(g_free);
    /* clang-format off */
    const char *const args[] = {
        "-accel", accel, "-S", "-M", "pc,memory-backend=ram0", "-m", mem,
        "-nodefaults", "-display", "none", "-qmp", "stdio",
        "-object", "memory-backend-ram,id=ram0,size=1G,reserve=off",
    };
    /* clang-format on */
    guint i;

    g_ptr_array_add(argv, g_strdup(prog));
    for (i = 0; i < G_N_ELEMENTS(args); i++) {
        g_ptr_array_add(argv, g_strdup(args[i]));
    }
    return argv;
}

static char *argv_text(GPtrArray *argv)
{
    char *text;

    g_ptr_array_add(argv, NULL);
    text = g_strjoinv(" ", (char **)argv->pdata);
    g_ptr_array_set_size(argv, argv->len - 1);
    return text;
}

/* Starts @argv, waits for the greeting and stops it again. */
static BenchResult run_start(GPtrArray *argv)
{
    BenchResult r = { 0 };
    double t0, greeted;
    BenchVmm v;

    g_ptr_array_add(argv, NULL);
    if (bench_vmm_start(&v, (char **)argv->pdata, &t0, &r.failure)
        && bench_vmm_wait_greeting(&v, &greeted, &r.failure)) {
        r.seconds = greeted - t0;
    }
    g_ptr_array_set_size(argv, argv->len - 1);
    vmm_stop(&v, FALSE);
    return r;
}

/* (a): the machine with its one RAM backend. */
static BenchResult run_one_backend(const char *prog, const char *accel)
{
    g_autoptr(GPtrArray) argv = base_argv(prog, accel, "1G");

    return run_start(argv);
}

/* (b): the same plus N_COLD DIMMs on the command line. */
static BenchResult run_cold_dimms(const char *prog, const char *accel)
{
    g_autofree char *mem = g_strdup_printf("1G,slots=%d,maxmem=2G", N_COLD);
    g_autoptr(GPtrArray) argv = base_argv(prog, accel, mem);
    guint i;

    for (i = 0; i < N_COLD; i++) {
        g_ptr_array_add(argv, g_strdup("-object"));
        g_ptr_array_add(argv, g_strdup_printf("memory-backend-ram,id=m%u,"
                                              "size=%llu,reserve=off",
                                              i, DIMM_BYTES));
        g_ptr_array_add(argv, g_strdup("-device"));
        g_ptr_array_add(argv,
                        g_strdup_printf("pc-dimm,id=dimm%u,memdev=m%u", i, i));
    }
    return run_start(argv);
}

/*
 * (c): N_HOT DIMMs hot-plugged over QMP one at a time, each backend
 * object-added just before its DIMM as libvirt does; only device_add is
 * timed, into @plug.
 */
static BenchResult run_hotplug(const char *prog, const char *accel,
                               double plug[N_HOT])
{
    g_autofree char *mem = g_strdup_printf("1G,slots=%d,maxmem=80G", N_HOT);
    g_autoptr(GPtrArray) argv = base_argv(prog, accel, mem);
    BenchResult r = { 0 };
    gboolean negotiated = FALSE;
    double t0, greeted, secs;
    BenchVmm v;
    guint i;

    g_ptr_array_add(argv, NULL);
    if (!bench_vmm_start(&v, (char **)argv->pdata, &t0, &r.failure)
        || !bench_vmm_wait_greeting(&v, &greeted, &r.failure)
        || !bench_vmm_command(&v, "qmp_capabilities",
                              "{\"execute\": \"qmp_capabilities\"}", &secs,
                              NULL, &r.failure)) {
        vmm_stop(&v, FALSE);
        return r;
    }
    negotiated = TRUE;
    for (i = 0; i < N_HOT; i++) {
        g_autofree char *obj = g_strdup_printf(
            "{\"execute\": \"object-add\", \"arguments\": "
            "{\"qom-type\": \"memory-backend-ram\", \"id\": \"hm%u\", "
            "\"size\": %llu, \"reserve\": false}}",
            i, DIMM_BYTES);
        g_autofree char *dev =
            g_strdup_printf("{\"execute\": \"device_add\", \"arguments\": "
                            "{\"driver\": \"pc-dimm\", \"id\": \"hdimm%u\", "
                            "\"memdev\": \"hm%u\"}}",
                            i, i);
        g_autofree char *obj_what = g_strdup_printf("object-add hm%u", i);
        g_autofree char *dev_what = g_strdup_printf("device_add hdimm%u", i);

        if (!bench_vmm_command(&v, obj_what, obj, &secs, NULL, &r.failure)
            || !bench_vmm_command(&v, dev_what, dev, &plug[i], NULL,
                                  &r.failure)) {
            break;
        }
        r.seconds += plug[i];
    }
    vmm_stop(&v, negotiated);
    return r;
}

/*
 * Whether @qemu accepts "-accel qtest"; if not, *@why is the first line
 * it wrote on stderr.
 */
static gboolean qemu_has_qtest(const char *qemu, char **why)
{
    /* clang-format off */
    const char *argv[] = {
        qemu, "-accel", "qtest", "-machine", "none", "-nodefaults",
        "-display", "none", "-S", "-qmp", "stdio",
    };
    /* clang-format on */
    g_autoptr(GPtrArray) args = g_ptr_array_new_with_free_func(g_free);
    BenchResult r;
    guint i;

    for (i = 0; i < G_N_ELEMENTS(argv); i++) {
        g_ptr_array_add(args, g_strdup(argv[i]));
    }
    r = run_start(args);
    *why = r.failure;
    return !r.failure;
}

/* Output */

static char *time_cell(const BenchResult *r, gboolean measured)
{
    if (!measured) {
        return g_strdup("n/a");
    }
    if (r->failure) {
        return g_strdup("fail");
    }
    return g_strdup_printf("%.3f", r->seconds * 1000);
}

static char *ratio_cell(const BenchResult *a, gboolean a_measured,
                        const BenchResult *b, gboolean b_measured)
{
    if (!a_measured || !b_measured || a->failure || b->failure
        || a->seconds <= 0 || b->seconds <= 0) {
        return g_strdup("n/a");
    }
    return g_strdup_printf("%.2f", a->seconds / b->seconds);
}

/* The mean of the best per-device times in devices @first..@last. */
static BenchResult window_mean(const ProgResults *p, guint first, guint last)
{
    BenchResult r = { 0 };
    guint i;

    if (p->plug_failed.failure) {
        r.failure = g_strdup(p->plug_failed.failure);
        return r;
    }
    for (i = first - 1; i < last; i++) {
        r.seconds += p->plug[i];
    }
    r.seconds /= last - first + 1;
    return r;
}

static char *growth_text(const ProgResults *p, gboolean measured)
{
    BenchResult first, last;
    char *text;

    if (!measured) {
        return g_strdup("n/a");
    }
    first = window_mean(p, windows[0].first, windows[0].last);
    last = window_mean(p, windows[G_N_ELEMENTS(windows) - 1].first,
                       windows[G_N_ELEMENTS(windows) - 1].last);
    if (first.failure || first.seconds <= 0) {
        text = g_strdup(first.failure ? "fail" : "n/a");
    } else {
        text = g_strdup_printf("%.2f", last.seconds / first.seconds);
    }
    g_free(first.failure);
    g_free(last.failure);
    return text;
}

static void print_row(const char *label, const BenchResult *qmem,
                      gboolean have_qmem, const BenchResult *qemu,
                      gboolean have_qemu)
{
    g_autofree char *c1 = time_cell(qmem, have_qmem);
    g_autofree char *c2 = time_cell(qemu, have_qemu);
    g_autofree char *c3 = ratio_cell(qmem, have_qmem, qemu, have_qemu);

    printf("%-28s %10s %10s %10s\n", label, c1, c2, c3);
}

int main(int argc, char **argv)
{
    g_autofree char *qemu_why = NULL;
    g_autofree char *cpu = NULL;
    g_autofree char *growth_qmem = NULL;
    g_autofree char *growth_qemu = NULL;
    g_autofree char *example = NULL;
    g_auto(BenchProgs) bp = { 0 };
    gboolean *have = bp.have;
    const char **prog = bp.prog;
    g_autoptr(GPtrArray) notes = g_ptr_array_new_with_free_func(g_free);
    const char *accel[N_PROGS] = { "qtest", "qtest" };
    ProgResults res[N_PROGS];
    gint runs = 5;
    GOptionEntry entries[] = {
        BENCH_OPTION_RUNS(&runs, "5"),
        BENCH_OPTION_QMEM(&bp.qmem),
        BENCH_OPTION_QEMU(&bp.qemu),
        BENCH_OPTION_VERBOSE(&verbose, "Print every run's times on stderr"),
        { NULL },
    };
    struct utsname uts;
    guint p, r, i, w;

    if (!bench_parse_options("startup",
                             "- start-up and DIMM hot-plug time: qmem vs QEMU",
                             entries, &argc, &argv)) {
        return 2;
    }
    if (!bench_check_runs("startup", runs)) {
        return 2;
    }

    signal(SIGPIPE, SIG_IGN);

    bench_find_progs(&bp, notes);
    if (have[PROG_QEMU] && !qemu_has_qtest(bp.qemu_path, &qemu_why)) {
        /*
         * Debian builds QEMU without its qtest accelerator module.  With -S
         * TCG runs no guest code either, so what is measured is the same
         * work: machine, memory, devices, monitor.
         */
        accel[PROG_QEMU] = "tcg";
        g_ptr_array_add(notes,
                        g_strdup_printf("QEMU runs with -accel tcg: it "
                                        "rejects -accel qtest (\"%s\"); with "
                                        "-S no guest code runs, so start-up "
                                        "and plug costs are comparable",
                                        qemu_why));
    }

    memset(res, 0, sizeof(res));
    for (p = 0; p < N_PROGS; p++) {
        res[p].start_one.seconds = G_MAXDOUBLE;
        res[p].start_cold.seconds = G_MAXDOUBLE;
        for (i = 0; i < N_HOT; i++) {
            res[p].plug[i] = G_MAXDOUBLE;
        }
    }

    /*
     * Interleaved, so that a slow phase of the host hits both programs
     * alike.  Run 0 only warms up (page cache, dynamic linker caches) and
     * does not count: otherwise the first exec of each program weighs on a
     * small number of runs.
     */
    for (r = 0; r <= (guint)runs; r++) {
        if (r == 0) {
            fprintf(stderr, "warming up...\n");
        } else {
            fprintf(stderr, "run %u of %d...\n", r, runs);
        }
        for (p = 0; p < N_PROGS; p++) {
            double plug[N_HOT];
            BenchResult a, b, c;

            if (!have[p]) {
                continue;
            }
            a = run_one_backend(prog[p], accel[p]);
            b = run_cold_dimms(prog[p], accel[p]);
            c = run_hotplug(prog[p], accel[p], plug);
            if (r == 0) {
                g_free(a.failure);
                g_free(b.failure);
                g_free(c.failure);
                continue;
            }
            if (verbose) {
                fprintf(stderr,
                        "  %s: (a) %.3f ms, (b) %.3f ms, (c) %.3f ms%s\n",
                        bench_prog_names[p], a.seconds * 1000, b.seconds * 1000,
                        c.seconds * 1000,
                        a.failure || b.failure || c.failure ? " (failed)" : "");
            }
            if (!c.failure) {
                for (i = 0; i < N_HOT; i++) {
                    res[p].plug[i] = MIN(res[p].plug[i], plug[i]);
                }
            }
            bench_keep_best(&res[p].start_one, a);
            bench_keep_best(&res[p].start_cold, b);
            bench_keep_best(&res[p].plug_failed, c);
        }
    }

    cpu = bench_cpu_model();
    uname(&uts);

    printf("startup: exec to QMP greeting, and QMP device_add; best of %d "
           "run(s), times in ms\n",
           runs);
    printf("machine:  %ld online CPUs (%s), kernel %s\n",
           sysconf(_SC_NPROCESSORS_ONLN), cpu, uts.release);
    if (have[PROG_QMEM] && bp.module_dir) {
        printf("qmem:     %s, -accel %s (QMEM_MODULE_DIR=%s)\n", bp.qmem,
               accel[PROG_QMEM], bp.module_dir);
    } else if (have[PROG_QMEM]) {
        printf("qmem:     %s, -accel %s\n", bp.qmem, accel[PROG_QMEM]);
    } else {
        printf("qmem:     n/a\n");
    }
    if (have[PROG_QEMU]) {
        printf("QEMU:     %s, %s, -accel %s\n", bp.qemu_version, bp.qemu_path,
               accel[PROG_QEMU]);
    } else {
        printf("QEMU:     n/a\n");
    }
    {
        g_autoptr(GPtrArray) a = base_argv("PROG", "ACCEL", "M");

        example = argv_text(a);
    }
    printf("common:   %s\n", example);
    printf("(a)       M = 1G\n");
    printf("(b)       M = 1G,slots=%d,maxmem=2G, %d x -object "
           "memory-backend-ram,id=mN,size=128M,reserve=off -device "
           "pc-dimm,id=dimmN,memdev=mN\n",
           N_COLD, N_COLD);
    printf("(c)       M = 1G,slots=%d,maxmem=80G; then %d x QMP object-add "
           "(128M, reserve=off) + device_add pc-dimm, only device_add "
           "timed\n",
           N_HOT, N_HOT);

    printf("\n%-28s %10s %10s %10s\n", "case", "qmem", "QEMU", "qmem/QEMU");
    print_row("(a) start, 1 backend", &res[PROG_QMEM].start_one,
              have[PROG_QMEM], &res[PROG_QEMU].start_one, have[PROG_QEMU]);
    print_row("(b) start, 4 DIMMs", &res[PROG_QMEM].start_cold, have[PROG_QMEM],
              &res[PROG_QEMU].start_cold, have[PROG_QEMU]);
    for (w = 0; w < G_N_ELEMENTS(windows); w++) {
        g_autofree char *label = g_strdup_printf("(c) device_add %u-%u, mean",
                                                 windows[w].first,
                                                 windows[w].last);
        BenchResult m[N_PROGS];

        for (p = 0; p < N_PROGS; p++) {
            m[p] = window_mean(&res[p], windows[w].first, windows[w].last);
        }
        print_row(label, &m[PROG_QMEM], have[PROG_QMEM], &m[PROG_QEMU],
                  have[PROG_QEMU]);
        for (p = 0; p < N_PROGS; p++) {
            g_free(m[p].failure);
        }
    }
    {
        /*
         * The sum of the per-device bests, like the means above: the
         * shortest run's own sum would carry every hiccup of that run.
         */
        BenchResult t[N_PROGS];

        for (p = 0; p < N_PROGS; p++) {
            t[p] = window_mean(&res[p], 1, N_HOT);
            t[p].seconds *= N_HOT;
        }
        print_row("(c) device_add 1-64, total", &t[PROG_QMEM], have[PROG_QMEM],
                  &t[PROG_QEMU], have[PROG_QEMU]);
        for (p = 0; p < N_PROGS; p++) {
            g_free(t[p].failure);
        }
    }

    growth_qmem = growth_text(&res[PROG_QMEM], have[PROG_QMEM]);
    growth_qemu = growth_text(&res[PROG_QEMU], have[PROG_QEMU]);
    printf("\nplug growth (mean of 57-64 / mean of 1-8, 1.00 = flat): "
           "qmem %s, QEMU %s\n",
           growth_qmem, growth_qemu);
    printf("aim:      start-up qmem/QEMU <= 0.20; device_add cost flat as "
           "DIMMs accumulate\n");

    for (p = 0; p < N_PROGS; p++) {
        const struct {
            const char *what;
            BenchResult *r;
        } cases[] = {
            { "(a)", &res[p].start_one },
            { "(b)", &res[p].start_cold },
            { "(c)", &res[p].plug_failed },
        };

        for (i = 0; i < G_N_ELEMENTS(cases); i++) {
            if (cases[i].r->failure) {
                g_ptr_array_add(notes,
                                g_strdup_printf("%s, %s failed: %s",
                                                cases[i].what,
                                                bench_prog_names[p],
                                                cases[i].r->failure));
                g_free(cases[i].r->failure);
            }
        }
    }
    bench_print_notes(notes);
    return 0;
}
