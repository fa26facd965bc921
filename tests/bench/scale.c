/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Benchmark: qmem-run against QEMU at scale: 256 DIMMs hot-plugged one by
 * one (is the plug cost flat?), 256 cold-plugged, query-memory-devices
 * over them, and the resident memory of the runner with 256 DIMMs and
 * with 32 virtio-mem devices of 1 TiB each.
 */

#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <glib.h>
#include <json-glib/json-glib.h>

#include "tests/bench/bench-common.h"

#define N_DIMMS 256
#define DIMM_BYTES (128ULL * 1024 * 1024)
#define N_VMEM 32
#define N_QUERIES 20
/* The devices of a window of the growth ratio. */
#define WINDOW 8

#define EXIT_TIMEOUT_S 60.0

/* Everything measured for one program; times the best over runs. */
typedef struct {
    double plug[N_DIMMS];
    BenchResult hot;          /* the hot-plug run; its failure */
    BenchResult start_cold;   /* exec to greeting, 256 DIMMs */
    BenchResult query;        /* mean of N_QUERIES */
    BenchResult start_vmem;   /* exec to greeting, 32 x 1 TiB */
    BenchResult start_base;   /* exec to greeting, no device */
    guint64 rss_base;         /* bytes, the least over runs */
    guint64 rss_dimms;
    guint64 rss_vmem;
} ProgResults;

static gboolean verbose;

/*
 * Every case's machine: pc with 1 GiB of RAM in one explicit backend,
 * room for 256 slots and 32 TiB of device memory, no default devices,
 * QMP on stdio, not started.  QEMU's TCG CPU has 40 physical address
 * bits by default; 32 TiB needs more.
 */
static GPtrArray *base_argv(BenchProg p, const char *prog, const char *accel)
{
    GPtrArray *argv = g_ptr_array_new_with_free_func(g_free);
    /* clang-format off */
    const char *const args[] = {
        "-accel", accel, "-S", "-M", "pc,memory-backend=ram0",
        "-m", "1G,slots=256,maxmem=33T", "-nodefaults", "-display", "none",
        "-qmp", "stdio",
        "-object", "memory-backend-ram,id=ram0,size=1G,reserve=off",
    };
    /* clang-format on */

    g_ptr_array_add(argv, g_strdup(prog));
    for (guint i = 0; i < G_N_ELEMENTS(args); i++) {
        g_ptr_array_add(argv, g_strdup(args[i]));
    }
    if (p == PROG_QEMU) {
        g_ptr_array_add(argv, g_strdup("-cpu"));
        g_ptr_array_add(argv, g_strdup("qemu64,phys-bits=52"));
    }
    return argv;
}

static void add_dimms(GPtrArray *argv)
{
    for (guint i = 0; i < N_DIMMS; i++) {
        g_ptr_array_add(argv, g_strdup("-object"));
        g_ptr_array_add(argv, g_strdup_printf("memory-backend-ram,id=m%u,"
                                              "size=%llu,reserve=off",
                                              i, DIMM_BYTES));
        g_ptr_array_add(argv, g_strdup("-device"));
        g_ptr_array_add(argv,
                        g_strdup_printf("pc-dimm,id=dimm%u,memdev=m%u", i, i));
    }
}

/*
 * 32 virtio-mem-pci of 1 TiB, four functions per PCI slot (pc's bus has
 * 30 free slots).  QEMU 7.2 has no dynamic memslots (8.2): it maps each
 * device whole, which is what it would do here anyway with nothing
 * plugged.
 */
static void add_vmems(BenchProg p, GPtrArray *argv)
{
    for (guint i = 0; i < N_VMEM; i++) {
        g_ptr_array_add(argv, g_strdup("-object"));
        g_ptr_array_add(argv, g_strdup_printf("memory-backend-ram,id=vm%u,"
                                              "size=1T,reserve=off", i));
        g_ptr_array_add(argv, g_strdup("-device"));
        g_ptr_array_add(argv, g_strdup_printf(
            "virtio-mem-pci,id=vmem%u,memdev=vm%u,requested-size=0,"
            "addr=%u.%u%s%s", i, i, 2 + i / 4, i % 4,
            i % 4 ? "" : ",multifunction=on",
            p == PROG_QMEM ? ",dynamic-memslots=on" : ""));
    }
}

static char *argv_text(GPtrArray *argv)
{
    char *text;

    g_ptr_array_add(argv, NULL);
    text = g_strjoinv(" ", (char **)argv->pdata);
    g_ptr_array_set_size(argv, argv->len - 1);
    return text;
}

/* Starts @argv; the time to its greeting, its RSS once negotiated. */
static BenchResult run_start(GPtrArray *argv, guint64 *rss)
{
    BenchResult r = { 0 };
    gboolean negotiated = FALSE;
    double t0, greeted, secs;
    BenchVmm v;

    g_ptr_array_add(argv, NULL);
    if (bench_vmm_start(&v, (char **)argv->pdata, &t0, &r.failure)
        && bench_vmm_wait_greeting(&v, &greeted, &r.failure)) {
        r.seconds = greeted - t0;
        negotiated = bench_vmm_command(&v, "qmp_capabilities",
                                       "{\"execute\": \"qmp_capabilities\"}",
                                       &secs, NULL, &r.failure);
        *rss = negotiated ? bench_vmm_rss(&v) : 0;
    }
    g_ptr_array_set_size(argv, argv->len - 1);
    bench_vmm_quit(&v, negotiated, EXIT_TIMEOUT_S);
    bench_vmm_close(&v);
    return r;
}

/* query-memory-devices N_QUERIES times: the mean, in @r. */
static gboolean run_queries(BenchVmm *v, BenchResult *r)
{
    double secs;

    r->seconds = 0;
    for (guint i = 0; i < N_QUERIES; i++) {
        g_autoptr(JsonNode) ret = NULL;

        if (!bench_vmm_command(v, "query-memory-devices",
                               "{\"execute\": \"query-memory-devices\"}",
                               &secs, &ret, &r->failure)) {
            return FALSE;
        }
        if (json_array_get_length(json_node_get_array(ret)) != N_DIMMS) {
            r->failure = g_strdup("query-memory-devices: not 256 devices");
            return FALSE;
        }
        r->seconds += secs;
    }
    r->seconds /= N_QUERIES;
    return TRUE;
}

/*
 * N_DIMMS DIMMs hot-plugged one at a time, each backend object-added just
 * before, only device_add timed (into @plug); then the queries.
 */
static BenchResult run_hotplug(GPtrArray *argv, double plug[N_DIMMS],
                               BenchResult *query)
{
    BenchResult r = { 0 };
    gboolean negotiated = FALSE;
    double t0, greeted, secs;
    BenchVmm v;

    g_ptr_array_add(argv, NULL);
    if (!bench_vmm_start(&v, (char **)argv->pdata, &t0, &r.failure)
        || !bench_vmm_wait_greeting(&v, &greeted, &r.failure)
        || !bench_vmm_command(&v, "qmp_capabilities",
                              "{\"execute\": \"qmp_capabilities\"}", &secs,
                              NULL, &r.failure)) {
        goto out;
    }
    negotiated = TRUE;
    for (guint i = 0; i < N_DIMMS; i++) {
        g_autofree char *obj = g_strdup_printf(
            "{\"execute\": \"object-add\", \"arguments\": "
            "{\"qom-type\": \"memory-backend-ram\", \"id\": \"hm%u\", "
            "\"size\": %llu, \"reserve\": false}}", i, DIMM_BYTES);
        g_autofree char *dev = g_strdup_printf(
            "{\"execute\": \"device_add\", \"arguments\": "
            "{\"driver\": \"pc-dimm\", \"id\": \"hdimm%u\", "
            "\"memdev\": \"hm%u\"}}", i, i);

        if (!bench_vmm_command(&v, "object-add", obj, &secs, NULL,
                               &r.failure)
            || !bench_vmm_command(&v, "device_add", dev, &plug[i], NULL,
                                  &r.failure)) {
            goto out;
        }
        r.seconds += plug[i];
    }
    run_queries(&v, query);
out:
    g_ptr_array_set_size(argv, argv->len - 1);
    bench_vmm_quit(&v, negotiated, EXIT_TIMEOUT_S);
    bench_vmm_close(&v);
    return r;
}

static void run_all(BenchProg p, const char *prog, const char *accel,
                    ProgResults *res, gboolean count)
{
    g_autoptr(GPtrArray) hot = base_argv(p, prog, accel);
    g_autoptr(GPtrArray) cold = base_argv(p, prog, accel);
    g_autoptr(GPtrArray) vmem = base_argv(p, prog, accel);
    double plug[N_DIMMS];
    BenchResult base, c, vm, h, q = { 0 };
    guint64 rss_base = 0, rss_cold = 0, rss_vmem = 0;

    add_dimms(cold);
    add_vmems(p, vmem);
    base = run_start(hot, &rss_base);
    h = run_hotplug(hot, plug, &q);
    c = run_start(cold, &rss_cold);
    vm = run_start(vmem, &rss_vmem);
    if (verbose) {
        fprintf(stderr, "  %s: hot-plug %.3f ms, cold %.3f ms, query %.3f "
                "ms, vmem %.3f ms, RSS %" G_GUINT64_FORMAT "/%"
                G_GUINT64_FORMAT "/%" G_GUINT64_FORMAT " KiB\n",
                bench_prog_names[p], h.seconds * 1000, c.seconds * 1000,
                q.seconds * 1000, vm.seconds * 1000, rss_base / 1024,
                rss_cold / 1024, rss_vmem / 1024);
    }
    if (!count) {
        g_free(base.failure);
        g_free(h.failure);
        g_free(c.failure);
        g_free(vm.failure);
        g_free(q.failure);
        return;
    }
    if (!h.failure) {
        for (guint i = 0; i < N_DIMMS; i++) {
            res->plug[i] = MIN(res->plug[i], plug[i]);
        }
    }
    res->rss_base = MIN(res->rss_base, rss_base ? rss_base : G_MAXUINT64);
    res->rss_dimms = MIN(res->rss_dimms, rss_cold ? rss_cold : G_MAXUINT64);
    res->rss_vmem = MIN(res->rss_vmem, rss_vmem ? rss_vmem : G_MAXUINT64);
    bench_keep_best(&res->start_base, base);
    bench_keep_best(&res->hot, h);
    bench_keep_best(&res->start_cold, c);
    bench_keep_best(&res->start_vmem, vm);
    bench_keep_best(&res->query, q);
}

/* Output */

/* The mean of the best per-device times of devices @first..@last. */
static double window_mean(const ProgResults *p, guint first, guint last)
{
    double sum = 0;

    for (guint i = first - 1; i < last; i++) {
        sum += p->plug[i];
    }
    return sum / (last - first + 1);
}

static char *cell(gboolean have, const char *failure, double value,
                  const char *format)
{
    if (!have) {
        return g_strdup("n/a");
    }
    if (failure) {
        return g_strdup("fail");
    }
    return g_strdup_printf(format, value);
}

static void print_row(const char *label, const gboolean have[N_PROGS],
                      const char *const failure[N_PROGS],
                      const double value[N_PROGS], const char *format)
{
    g_autofree char *c0 = cell(have[0], failure[0], value[0], format);
    g_autofree char *c1 = cell(have[1], failure[1], value[1], format);
    g_autofree char *ratio = NULL;

    if (have[0] && have[1] && !failure[0] && !failure[1] && value[1] > 0) {
        ratio = g_strdup_printf("%.2f", value[0] / value[1]);
    } else {
        ratio = g_strdup("n/a");
    }
    printf("%-40s %11s %11s %10s\n", label, c0, c1, ratio);
}

/* A row of times in ms from each program's BenchResult at @offset. */
static void print_time(const char *label, const gboolean have[N_PROGS],
                       ProgResults *res, gsize offset)
{
    const char *failure[N_PROGS];
    double value[N_PROGS];

    for (guint p = 0; p < N_PROGS; p++) {
        BenchResult *r = G_STRUCT_MEMBER_P(&res[p], offset);

        failure[p] = r->failure;
        value[p] = r->seconds * 1000;
    }
    print_row(label, have, failure, value, "%.3f");
}

static void print_results(const gboolean have[N_PROGS], ProgResults *res)
{
    const char *failure[N_PROGS];
    double first[N_PROGS], last[N_PROGS], growth[N_PROGS], v[N_PROGS];
    const double MiB = 1024.0 * 1024;

    for (guint p = 0; p < N_PROGS; p++) {
        failure[p] = res[p].hot.failure;
        first[p] = window_mean(&res[p], 1, WINDOW) * 1000;
        last[p] = window_mean(&res[p], N_DIMMS - WINDOW + 1, N_DIMMS) * 1000;
        growth[p] = first[p] > 0 ? last[p] / first[p] : 0;
    }
    printf("\n%-40s %11s %11s %10s\n", "case", "qmem", "QEMU", "qmem/QEMU");
    print_row("device_add 1-8, mean (ms)", have, failure, first, "%.3f");
    print_row("device_add 249-256, mean (ms)", have, failure, last, "%.3f");
    print_row("device_add growth, 249-256 / 1-8", have, failure, growth,
              "%.2f");
    print_time("start, no device (ms)", have, res,
               G_STRUCT_OFFSET(ProgResults, start_base));
    print_time("start, 256 cold-plugged DIMMs (ms)", have, res,
               G_STRUCT_OFFSET(ProgResults, start_cold));
    print_time("query-memory-devices, 256 DIMMs (ms)", have, res,
               G_STRUCT_OFFSET(ProgResults, query));
    print_time("start, 32 x 1 TiB virtio-mem (ms)", have, res,
               G_STRUCT_OFFSET(ProgResults, start_vmem));

    for (guint p = 0; p < N_PROGS; p++) {
        failure[p] = res[p].start_base.failure ? res[p].start_base.failure
                                               : res[p].start_cold.failure;
        v[p] = res[p].rss_base / MiB;
    }
    print_row("RSS, no device (MiB)", have, failure, v, "%.1f");
    for (guint p = 0; p < N_PROGS; p++) {
        v[p] = res[p].rss_dimms / MiB;
    }
    print_row("RSS, 256 DIMMs (MiB)", have, failure, v, "%.1f");
    for (guint p = 0; p < N_PROGS; p++) {
        v[p] = ((double)res[p].rss_dimms - res[p].rss_base) / N_DIMMS / 1024;
    }
    print_row("RSS per DIMM (KiB)", have, failure, v, "%.1f");
    for (guint p = 0; p < N_PROGS; p++) {
        failure[p] = res[p].start_base.failure ? res[p].start_base.failure
                                               : res[p].start_vmem.failure;
        v[p] = res[p].rss_vmem / MiB;
    }
    print_row("RSS, 32 x 1 TiB virtio-mem (MiB)", have, failure, v, "%.1f");
    for (guint p = 0; p < N_PROGS; p++) {
        v[p] = ((double)res[p].rss_vmem - res[p].rss_base) / N_VMEM / 1024;
    }
    print_row("RSS per TiB of virtio-mem (KiB)", have, failure, v, "%.1f");
    printf("\naim:      device_add growth <= 1.05; every qmem figure below "
           "QEMU's\n");
}

static void print_header(const gboolean have[N_PROGS],
                         const char *prog[N_PROGS],
                         const char *accel[N_PROGS], const char *qemu_version,
                         int runs)
{
    g_autofree char *cpu = bench_cpu_model();
    struct utsname uts;

    uname(&uts);
    printf("scale: %d DIMMs, %d x 1 TiB virtio-mem; best of %d run(s)\n",
           N_DIMMS, N_VMEM, runs);
    printf("machine:  %ld online CPUs (%s), kernel %s\n",
           sysconf(_SC_NPROCESSORS_ONLN), cpu, uts.release);
    printf("qmem:     %s, -accel %s\n", have[PROG_QMEM] ? prog[PROG_QMEM]
                                                        : "n/a",
           accel[PROG_QMEM]);
    printf("QEMU:     %s, %s, -accel %s\n",
           have[PROG_QEMU] ? qemu_version : "n/a",
           have[PROG_QEMU] ? prog[PROG_QEMU] : "n/a", accel[PROG_QEMU]);
    for (guint p = 0; p < N_PROGS; p++) {
        g_autoptr(GPtrArray) a = base_argv(p, "PROG", accel[p]);
        g_autofree char *text = argv_text(a);

        printf("%-9s %s\n", p ? "QEMU:" : "common:", text);
    }
    printf("hot-plug: %d x QMP object-add memory-backend-ram (128M, "
           "reserve=off) + device_add pc-dimm, only device_add timed, best "
           "per device; then %d x query-memory-devices, mean\n", N_DIMMS,
           N_QUERIES);
    printf("cold:     %d x -object memory-backend-ram,id=mN,size=128M,"
           "reserve=off -device pc-dimm,id=dimmN,memdev=mN\n", N_DIMMS);
    printf("vmem:     %d x -object memory-backend-ram,id=vmN,size=1T,"
           "reserve=off -device virtio-mem-pci,id=vmemN,memdev=vmN,"
           "requested-size=0,addr=S.F (4 functions per slot); qmem with "
           "dynamic-memslots=on (QEMU 7.2 has none)\n", N_VMEM);
    printf("RSS:      VmRSS once QMP is negotiated; per device: minus the "
           "machine without devices\n");
}

/* Nothing measured yet: every best is the worst there is. */
static void results_init(ProgResults res[N_PROGS])
{
    memset(res, 0, sizeof(ProgResults) * N_PROGS);
    for (guint p = 0; p < N_PROGS; p++) {
        res[p].start_base.seconds = G_MAXDOUBLE;
        res[p].start_cold.seconds = G_MAXDOUBLE;
        res[p].start_vmem.seconds = G_MAXDOUBLE;
        res[p].query.seconds = G_MAXDOUBLE;
        res[p].rss_base = res[p].rss_dimms = res[p].rss_vmem = G_MAXUINT64;
        for (guint i = 0; i < N_DIMMS; i++) {
            res[p].plug[i] = G_MAXDOUBLE;
        }
    }
}

/* A note for each failure, which it takes. */
static void failure_notes(ProgResults res[N_PROGS], GPtrArray *notes)
{
    for (guint p = 0; p < N_PROGS; p++) {
        BenchResult *rs[] = { &res[p].hot, &res[p].start_cold,
                              &res[p].query, &res[p].start_vmem,
                              &res[p].start_base };

        for (gsize i = 0; i < G_N_ELEMENTS(rs); i++) {
            if (rs[i]->failure) {
                g_ptr_array_add(notes, g_strdup_printf(
                    "%s failed: %s", bench_prog_names[p], rs[i]->failure));
                g_clear_pointer(&rs[i]->failure, g_free);
            }
        }
    }
}

int main(int argc, char **argv)
{
    g_auto(BenchProgs) bp = { 0 };
    gboolean *have = bp.have;
    const char **prog = bp.prog;
    g_autoptr(GPtrArray) notes = g_ptr_array_new_with_free_func(g_free);
    const char *accel[N_PROGS] = { "qtest", "tcg" };
    ProgResults res[N_PROGS];
    gint runs = 3;
    GOptionEntry entries[] = {
        BENCH_OPTION_RUNS(&runs, "3"),
        BENCH_OPTION_QMEM(&bp.qmem),
        BENCH_OPTION_QEMU(&bp.qemu),
        BENCH_OPTION_VERBOSE(&verbose, "Print every run's figures on stderr"),
        { NULL },
    };

    if (!bench_parse_options("scale",
                             "- memory devices at scale: qmem vs QEMU",
                             entries, &argc, &argv)) {
        return 2;
    }
    if (!bench_check_runs("scale", runs)) {
        return 2;
    }
    signal(SIGPIPE, SIG_IGN);

    bench_find_progs(&bp, notes);

    results_init(res);

    /* Interleaved, run 0 only warms up, as in tests/bench/startup. */
    for (guint r = 0; r <= (guint)runs; r++) {
        if (r) {
            fprintf(stderr, "run %u of %d...\n", r, runs);
        } else {
            fprintf(stderr, "warming up...\n");
        }
        for (guint p = 0; p < N_PROGS; p++) {
            if (have[p]) {
                run_all(p, prog[p], accel[p], &res[p], r > 0);
            }
        }
    }

    print_header(have, prog, accel, bp.qemu_version, runs);
    print_results(have, res);
    failure_notes(res, notes);
    bench_print_notes(notes);
    return 0;
}
