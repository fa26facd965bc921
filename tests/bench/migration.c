/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Benchmark: live migration over a unix socket, qmem-run beside QEMU. */

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <glib.h>
#include <json-glib/json-glib.h>

#include "tests/bench/bench-common.h"

/*
 * The VM: 1 GiB of boot RAM and a 1 TiB virtio-mem device (reserve=off)
 * with requested-size 1 GiB, on pc, without vCPUs running (-S): qmem-run
 * on qtest, QEMU 7.2 on TCG.  qmem-run plugs the 1 GiB itself (the
 * x-virtio-mem-request test hook, as a guest would); QEMU has no guest to
 * plug it, so its device stays empty and only its boot RAM goes; a qmem
 * row with nothing plugged is the same configuration as QEMU's.  Memory
 * is untouched (zero) in all three, so zero pages dominate.
 *
 * A second run, qmem-run on KVM at 64 MiB/s (--dirty-bandwidth), has the
 * guest write a 256 MiB range over and over (x-guest-memtest) for 5 s
 * (--dirty-seconds) while the migration runs, then stop: the passes
 * while it dirties, and how the migration converges after.
 */

#define GiB (G_GUINT64_CONSTANT(1) << 30)
#define MiB (G_GUINT64_CONSTANT(1) << 20)
#define TIMEOUT_S 600.0
/* max-bandwidth: no limit to speak of; in the dirty run, 64 MiB/s */
#define FAST (G_GUINT64_CONSTANT(100) * GiB)
#define DIRTY_BANDWIDTH_MIB 64
#define EXIT_TIMEOUT_S 30.0

typedef struct {
    const char *name;
    char *failure;
    double wall;            /* migrate to completed, seen from outside */
    gint64 total_time, downtime, setup_time;
    gint64 transferred, duplicate, normal, passes;
    gint64 dirty_passes;    /* dirty run: syncs while the guest wrote */
    gint64 expected_downtime;
    double dirtied_for;     /* s */
    gboolean converged_dirtying;
} Result;

static gboolean verbose;

static gboolean qmp(BenchVmm *v, const char *cmd, JsonNode **ret,
                    char **failure)
{
    double secs;

    return bench_vmm_command(v, cmd, cmd, &secs, ret, failure);
}

static gboolean start(BenchVmm *v, GPtrArray *args, char **failure)
{
    double t0, greeted;

    g_ptr_array_add(args, NULL);
    if (verbose) {
        g_autofree char *line = g_strjoinv(" ", (char **)args->pdata);

        fprintf(stderr, "+ %s\n", line);
    }
    return bench_vmm_start(v, (char **)args->pdata, &t0, failure) &&
           bench_vmm_wait_greeting(v, &greeted, failure) &&
           qmp(v, "{\"execute\": \"qmp_capabilities\"}", NULL, failure);
}

/* The command line of either program, source or destination. */
static GPtrArray *vm_args(const char *prog, gboolean qemu, gboolean kvm,
                          const char *incoming)
{
    GPtrArray *a = g_ptr_array_new();

    g_ptr_array_add(a, (char *)prog);
    if (qemu) {
        g_ptr_array_add(a, "-machine");
        g_ptr_array_add(a, "pc-i440fx-7.2,accel=tcg");
        g_ptr_array_add(a, "-nodefaults");
        /* TCG's default 40 bits do not reach past 1 TiB. */
        g_ptr_array_add(a, "-cpu");
        g_ptr_array_add(a, "qemu64,phys-bits=48");
    } else {
        g_ptr_array_add(a, "-M");
        g_ptr_array_add(a, "pc");
        g_ptr_array_add(a, "-accel");
        g_ptr_array_add(a, kvm ? "kvm,x-guest-drivers=off" : "qtest");
    }
    if (!kvm) {
        g_ptr_array_add(a, "-S");
    }
    g_ptr_array_add(a, "-display");
    g_ptr_array_add(a, "none");
    g_ptr_array_add(a, "-m");
    g_ptr_array_add(a, "1G,slots=1,maxmem=1025G");
    g_ptr_array_add(a, "-object");
    g_ptr_array_add(a, "memory-backend-ram,id=vmem0,size=1T,reserve=off");
    g_ptr_array_add(a, "-device");
    g_ptr_array_add(a, "virtio-mem-pci,id=vm0,memdev=vmem0,"
                    "requested-size=1G");
    g_ptr_array_add(a, "-qmp");
    g_ptr_array_add(a, "stdio");
    if (incoming) {
        g_ptr_array_add(a, "-incoming");
        g_ptr_array_add(a, (char *)incoming);
    }
    return a;
}

static gint64 get_int(JsonObject *o, const char *name)
{
    return o && json_object_has_member(o, name) ?
           json_object_get_int_member(o, name) : -1;
}

/* Plugs 1 GiB: 512 blocks of 2 MiB from the device's start. */
static gboolean plug(BenchVmm *v, char **failure)
{
    g_autoptr(JsonNode) ret = NULL;
    g_autofree char *cmd = NULL;
    JsonArray *devs;
    gint64 addr = -1;

    if (!qmp(v, "{\"execute\": \"query-memory-devices\"}", &ret, failure)) {
        return FALSE;
    }
    devs = json_node_get_array(ret);
    for (guint i = 0; i < json_array_get_length(devs); i++) {
        JsonObject *d = json_array_get_object_element(devs, i);

        addr = get_int(json_object_get_object_member(d, "data"), "memaddr");
    }
    cmd = g_strdup_printf("{\"execute\": \"x-virtio-mem-request\", "
                          "\"arguments\": {\"qom-path\": \"vm0\", \"type\": "
                          "\"plug\", \"addr\": %" G_GINT64_FORMAT ", "
                          "\"nb-blocks\": 512}}", addr);
    return qmp(v, cmd, NULL, failure);
}

static JsonObject *query_migrate(BenchVmm *v, JsonNode **keep,
                                 char **failure)
{
    g_clear_pointer(keep, json_node_unref);
    if (!qmp(v, "{\"execute\": \"query-migrate\"}", keep, failure)) {
        return NULL;
    }
    return json_node_get_object(*keep);
}

static void take_stats(Result *r, JsonObject *info)
{
    JsonObject *ram = json_object_get_object_member(info, "ram");

    r->total_time = get_int(info, "total-time");
    r->downtime = get_int(info, "downtime");
    r->setup_time = get_int(info, "setup-time");
    r->transferred = get_int(ram, "transferred");
    r->duplicate = get_int(ram, "duplicate");
    r->normal = get_int(ram, "normal");
    r->passes = get_int(ram, "dirty-sync-count");
}

/* The guest writes 256 MiB of boot RAM at 256 MiB, once. */
static gboolean dirty_once(BenchVmm *v, char **failure)
{
    return qmp(v, "{\"execute\": \"x-guest-memtest\", \"arguments\": "
               "{\"addr\": 268435456, \"size\": 268435456, \"mode\": "
               "\"write-verify\", \"seed\": 3}}", NULL, failure);
}

/* Until completed or failed; with @dirty_s, the guest writes that long. */
static gboolean wait_done(BenchVmm *src, Result *r, double t0,
                          double dirty_s)
{
    g_autoptr(JsonNode) keep = NULL;
    double deadline = t0 + TIMEOUT_S;

    for (;;) {
        JsonObject *info = query_migrate(src, &keep, &r->failure);
        const char *status;

        if (!info) {
            return FALSE;
        }
        status = json_object_get_string_member_with_default(info, "status",
                                                            "");
        if (!strcmp(status, "completed")) {
            r->wall = bench_now() - t0;
            take_stats(r, info);
            return TRUE;
        }
        if (!strcmp(status, "failed")) {
            r->failure = g_strdup_printf("migration failed: %s",
                json_object_get_string_member_with_default(
                    info, "error-desc", "?"));
            return FALSE;
        }
        if (bench_now() > deadline) {
            r->failure = g_strdup("migration did not complete");
            return FALSE;
        }
        if (dirty_s > 0 && r->dirtied_for == 0 &&
            (bench_now() - t0 >= dirty_s || r->converged_dirtying)) {
            /* The guest just stopped writing: where the migration is. */
            JsonObject *ram = json_object_has_member(info, "ram") ?
                json_object_get_object_member(info, "ram") : NULL;

            r->dirtied_for = bench_now() - t0;
            r->dirty_passes = ram ? get_int(ram, "dirty-sync-count") : 0;
            r->expected_downtime = get_int(info, "expected-downtime");
        }
        if (bench_now() - t0 < dirty_s && !r->converged_dirtying) {
            g_autofree char *why = NULL;

            if (!dirty_once(src, &why)) {
                /* The migration stopped the VM: it converged anyway. */
                if (!strstr(why, "finish-migrate") &&
                    !strstr(why, "postmigrate")) {
                    r->failure = g_steal_pointer(&why);
                    return FALSE;
                }
                r->converged_dirtying = TRUE;
            }
        } else {
            g_usleep(5000);
        }
    }
}

static void run(Result *r, const char *prog, gboolean qemu, gboolean kvm,
                gboolean plugged, double dirty_s, guint64 bandwidth)
{
    g_autofree char *dir = g_dir_make_tmp("qmem-bench-migration-XXXXXX",
                                          NULL);
    g_autofree char *sock = g_build_filename(dir, "mig.sock", NULL);
    g_autofree char *uri = g_strconcat("unix:", sock, NULL);
    g_autofree char *migrate = g_strdup_printf(
        "{\"execute\": \"migrate\", \"arguments\": {\"uri\": \"%s\"}}", uri);
    g_autofree char *params = g_strdup_printf(
        "{\"execute\": \"migrate-set-parameters\", \"arguments\": "
        "{\"max-bandwidth\": %" G_GUINT64_FORMAT "}}", bandwidth);
    g_autoptr(GPtrArray) src_args = vm_args(prog, qemu, kvm, NULL);
    g_autoptr(GPtrArray) dst_args = vm_args(prog, qemu, kvm, uri);
    BenchVmm src, dst;
    gboolean src_up, dst_up;
    double t0;

    memset(&src, 0, sizeof(src));
    memset(&dst, 0, sizeof(dst));
    src_up = start(&src, src_args, &r->failure);
    dst_up = src_up && start(&dst, dst_args, &r->failure);
    if (!dst_up || (plugged && !plug(&src, &r->failure)) ||
        !qmp(&src, params, NULL, &r->failure)) {
        goto out;
    }
    if (dirty_s > 0 && !dirty_once(&src, &r->failure)) {
        goto out;
    }
    t0 = bench_now();
    if (qmp(&src, migrate, NULL, &r->failure)) {
        wait_done(&src, r, t0, dirty_s);
    }
out:
    if (r->failure && src_up) {
        g_autofree char *why = bench_vmm_failure(&dst, "");

        if (why[0]) {
            g_autofree char *old = r->failure;

            r->failure = g_strdup_printf("%s (destination: %s)", old, why);
        }
    }
    if (dst_up) {
        bench_vmm_quit(&dst, TRUE, EXIT_TIMEOUT_S);
    }
    bench_vmm_close(&dst);
    if (src_up) {
        bench_vmm_quit(&src, TRUE, EXIT_TIMEOUT_S);
    }
    bench_vmm_close(&src);
    unlink(sock);
    rmdir(dir);
}

static void print_row(const Result *r)
{
    if (r->failure) {
        printf("%-28s %s\n", r->name, r->failure);
        return;
    }
    printf("%-28s %12.1f %8" G_GINT64_FORMAT " %8" G_GINT64_FORMAT
           " %8" G_GINT64_FORMAT " %9" G_GINT64_FORMAT " %8" G_GINT64_FORMAT
           " %6" G_GINT64_FORMAT "\n", r->name,
           r->transferred / (double)MiB, r->total_time, r->downtime,
           r->setup_time, r->duplicate, r->normal, r->passes);
}

int main(int argc, char **argv)
{
    g_autofree char *qmem = NULL, *qemu_opt = NULL;
    g_autofree char *qemu = NULL, *qemu_version = NULL;
    g_autofree char *cpu = bench_cpu_model();
    g_autoptr(GPtrArray) notes = g_ptr_array_new_with_free_func(g_free);
    gboolean have_qemu, have_kvm;
    gdouble dirty_s = 5;
    gint dirty_mib = DIRTY_BANDWIDTH_MIB;
    Result rows[4] = {
        { "qmem, 1 GiB plugged" }, { "qmem, nothing plugged" },
        { "QEMU 7.2, nothing plugged" }, { "qmem KVM, guest dirtying" },
    };
    GOptionEntry entries[] = {
        BENCH_OPTION_QMEM(&qmem),
        { "qemu", 0, 0, G_OPTION_ARG_FILENAME, &qemu_opt,
          "QEMU to compare with (default: qemu-system-x86_64)", "PATH" },
        { "dirty-seconds", 0, 0, G_OPTION_ARG_DOUBLE, &dirty_s,
          "How long the guest dirties memory in the second run (5)", "S" },
        { "dirty-bandwidth", 0, 0, G_OPTION_ARG_INT, &dirty_mib,
          "max-bandwidth of the second run, MiB/s (64)", "N" },
        BENCH_OPTION_VERBOSE(&verbose, "Print the command lines on stderr"),
        { NULL },
    };
    int fd;

    if (!bench_parse_options("migration",
                             "- live migration, qmem-run beside QEMU",
                             entries, &argc, &argv)) {
        return 2;
    }
    if (!bench_find_qmem(&qmem, notes)) {
        bench_print_notes(notes);
        return 2;
    }
    g_free(bench_set_module_dir(qmem));
    signal(SIGPIPE, SIG_IGN);
    have_qemu = bench_find_qemu(qemu_opt, &qemu, &qemu_version, notes);
    fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
    have_kvm = fd >= 0;
    if (fd >= 0) {
        close(fd);
    }

    fprintf(stderr, "measuring qmem...\n");
    run(&rows[0], qmem, FALSE, FALSE, TRUE, 0, FAST);
    run(&rows[1], qmem, FALSE, FALSE, FALSE, 0, FAST);
    if (have_qemu) {
        fprintf(stderr, "measuring QEMU...\n");
        run(&rows[2], qemu, TRUE, FALSE, FALSE, 0, FAST);
    } else {
        rows[2].failure = g_strdup("skipped");
    }
    if (have_kvm) {
        fprintf(stderr, "measuring qmem on KVM with the guest dirtying...\n");
        run(&rows[3], qmem, FALSE, TRUE, TRUE, dirty_s, dirty_mib * MiB);
    } else {
        rows[3].failure = g_strdup("skipped: no /dev/kvm");
    }

    printf("live migration over a unix socket: pc, 1 GiB boot RAM, "
           "virtio-mem-pci on a 1 TiB\nmemory-backend-ram (reserve=off), "
           "requested-size=1G; max-bandwidth 100 GiB/s,\ndowntime-limit "
           "300 ms (%s%s%s)\n\n", cpu, have_qemu ? "; " : "",
           have_qemu ? qemu_version : "");
    printf("%-28s %12s %8s %8s %8s %9s %8s %6s\n", "", "sent (MiB)",
           "total", "downtime", "setup", "zero pg", "data pg", "passes");
    printf("%-28s %12s %8s %8s %8s %9s %8s %6s\n", "", "", "(ms)", "(ms)",
           "(ms)", "", "", "");
    for (guint i = 0; i < G_N_ELEMENTS(rows); i++) {
        print_row(&rows[i]);
    }
    if (!rows[3].failure) {
        printf("\nguest dirtying (max-bandwidth %d MiB/s, so 300 ms take "
               "about %.0f MiB): the guest\nwrote 256 MiB over and over "
               "(x-guest-memtest write-verify) for %.1f s while the\n"
               "migration ran: %" G_GINT64_FORMAT " passes by then, expected "
               "downtime %" G_GINT64_FORMAT " ms; %s\n"
               "%" G_GINT64_FORMAT " passes in all, downtime %" G_GINT64_FORMAT
               " ms, %.1f s from migrate to completed.\n",
               dirty_mib, dirty_mib * 0.3, rows[3].dirtied_for,
               rows[3].dirty_passes,
               rows[3].expected_downtime,
               rows[3].converged_dirtying ?
               "it converged while the guest was still writing (the VM "
               "stopped under its next write):" :
               "it converged once the guest stopped writing:",
               rows[3].passes, rows[3].downtime, rows[3].wall);
    }
    printf("\nsent: query-migrate's ram.transferred on the source; total, "
           "downtime, setup: its times.\n");
    bench_print_notes(notes);
    for (guint i = 0; i < G_N_ELEMENTS(rows); i++) {
        g_free(rows[i].failure);
    }
    return 0;
}
