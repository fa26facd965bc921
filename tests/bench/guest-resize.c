/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Benchmark: how fast a KVM guest follows virtio-mem's requested-size. */

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <linux/kvm.h>

#include <glib.h>
#include <json-glib/json-glib.h>

#include "tests/bench/bench-common.h"
#include "util/cutils.h"

/*
 * qmem-run on KVM with a virtio-mem-pci device (dynamic memslots, its
 * own prealloc off or on), driven only through QMP: `qom-set
 * requested-size`, then the time until MEMORY_DEVICE_SIZE_CHANGE
 * reports the new size, which the guest payload's driver reaches
 * by plugging (or unplugging) blocks through the virtqueue.  Each size
 * grows from 0 and shrinks back to 0.
 *
 * The limit is the host's side of the same work, in this process with
 * nothing around it: a KVM VM with one vCPU (as memslot changes must
 * reach vCPUs) gets the memslots qmem mapped for that size (as many, as
 * large) with KVM_SET_USER_MEMORY_REGION over an anonymous mapping set up
 * as qmem sets up guest RAM (2 MiB aligned, MADV_HUGEPAGE), populated
 * with MADV_POPULATE_WRITE when the device preallocates; shrinking
 * deletes the memslots and discards the memory (MADV_DONTNEED), as
 * unplugging does.  Both sides take the best of --runs: the first
 * memslots of a VM cost more (KVM's metadata is fresh memory).
 */

#define MiB (G_GUINT64_CONSTANT(1) << 20)
#define GiB (G_GUINT64_CONSTANT(1) << 30)
#define ROUND_UP(x, a) (((x) + (a) - 1) / (a) * (a))
#define DEVICE_BASE (4 * GiB)       /* where the limit maps its memslots */
#define RESIZE_TIMEOUT_S 300.0
#define EXIT_TIMEOUT_S 30.0
/* MEMORY_DEVICE_SIZE_CHANGE is rate-limited to one a second per device. */
#define EVENT_QUIET_US (1100 * 1000)

typedef struct {
    guint64 size;
    gboolean prealloc;
    BenchResult grow, shrink;           /* qmem, best of the runs */
    BenchResult grow_limit, shrink_limit;
    int memslots;                       /* qmem's, for size; -1: unknown */
} Row;

static gboolean verbose;

/* The memslots the accelerator uses now, or -1. */
static int query_memslots_used(BenchVmm *v)
{
    g_autofree char *failure = NULL;
    g_autoptr(JsonNode) ret = NULL;
    double secs;

    if (!bench_vmm_command(v, "x-query-memslots",
                           "{\"execute\": \"x-query-memslots\"}", &secs,
                           &ret, &failure)
        || !JSON_NODE_HOLDS_OBJECT(ret)) {
        return -1;
    }
    return json_object_get_int_member_with_default(
        json_node_get_object(ret), "used", -1);
}

/*
 * Sets requested-size to @size and waits for the event that reports it;
 * the time runs from the command's write to the event's line.
 */
static BenchResult resize(BenchVmm *v, guint64 size)
{
    BenchResult r = { .seconds = -1 };
    g_autofree char *cmd = g_strdup_printf(
        "{\"execute\": \"qom-set\", \"arguments\": {\"path\": \"vm\", "
        "\"property\": \"requested-size\", \"value\": %" G_GUINT64_FORMAT
        "}}", size);
    double deadline = bench_now() + RESIZE_TIMEOUT_S;
    double t0 = bench_now();
    double secs, when;

    if (!bench_vmm_command(v, "qom-set", cmd, &secs, NULL, &r.failure)) {
        return r;
    }
    for (;;) {
        g_autoptr(JsonObject) data = bench_vmm_wait_event(
            v, "MEMORY_DEVICE_SIZE_CHANGE", deadline, &when);

        if (!data) {
            r.failure = bench_vmm_failure(
                v, "no MEMORY_DEVICE_SIZE_CHANGE with the requested size");
            return r;
        }
        /* Events kept from before the command are about earlier steps. */
        if (when >= t0 &&
            (guint64)json_object_get_int_member_with_default(data, "size",
                                                             -1) == size) {
            break;
        }
    }
    r.seconds = when - t0;
    if (verbose) {
        fprintf(stderr, "  requested-size %" G_GUINT64_FORMAT " MiB: %.3f s\n",
                size / MiB, r.seconds);
    }
    g_usleep(EVENT_QUIET_US);
    return r;
}

static GPtrArray *vmm_argv(const char *qmem, guint64 max, gboolean prealloc)
{
    GPtrArray *argv = g_ptr_array_new_with_free_func(g_free);

    g_ptr_array_add(argv, g_strdup(qmem));
    g_ptr_array_add(argv, g_strdup("-accel"));
    g_ptr_array_add(argv, g_strdup("kvm"));
    g_ptr_array_add(argv, g_strdup("-machine"));
    g_ptr_array_add(argv, g_strdup("pc"));
    g_ptr_array_add(argv, g_strdup("-m"));
    g_ptr_array_add(argv, g_strdup_printf("1G,maxmem=%" G_GUINT64_FORMAT,
                                          GiB + max));
    g_ptr_array_add(argv, g_strdup("-display"));
    g_ptr_array_add(argv, g_strdup("none"));
    g_ptr_array_add(argv, g_strdup("-qmp"));
    g_ptr_array_add(argv, g_strdup("stdio"));
    g_ptr_array_add(argv, g_strdup("-object"));
    g_ptr_array_add(argv, g_strdup_printf(
        "memory-backend-ram,id=vm-mem,size=%" G_GUINT64_FORMAT ",reserve=off",
        max));
    g_ptr_array_add(argv, g_strdup("-device"));
    g_ptr_array_add(argv, g_strdup_printf(
        "virtio-mem-pci,id=vm,memdev=vm-mem,requested-size=0,"
        "unplugged-inaccessible=on,dynamic-memslots=on,prealloc=%s",
        prealloc ? "on" : "off"));
    g_ptr_array_add(argv, NULL);
    return argv;
}

/*
 * One qmem-run for @rows (all with the same prealloc): each size grown
 * and shrunk @runs times, the best time kept.
 */
static void measure_qmem(const char *qmem, GPtrArray *rows, guint64 max,
                         gboolean prealloc, guint runs)
{
    g_autoptr(GPtrArray) argv = vmm_argv(qmem, max, prealloc);
    char *failure = NULL;
    BenchVmm v;
    double t0, greeted, secs;
    int base;

    if (!bench_vmm_start(&v, (char **)argv->pdata, &t0, &failure)
        || !bench_vmm_wait_greeting(&v, &greeted, &failure)
        || !bench_vmm_command(&v, "qmp_capabilities",
                              "{\"execute\": \"qmp_capabilities\"}", &secs,
                              NULL, &failure)) {
        goto out;
    }
    base = query_memslots_used(&v);
    for (guint i = 0; i < rows->len; i++) {
        Row *row = rows->pdata[i];

        if (row->prealloc != prealloc) {
            continue;
        }
        for (guint n = 0; n < runs; n++) {
            bench_keep_best(&row->grow, resize(&v, row->size));
            if (n == 0 && base >= 0) {
                int used = query_memslots_used(&v);

                row->memslots = used >= 0 ? used - base : -1;
            }
            bench_keep_best(&row->shrink, resize(&v, 0));
        }
    }
out:
    for (guint i = 0; failure && i < rows->len; i++) {
        Row *row = rows->pdata[i];

        if (row->prealloc == prealloc && !row->grow.failure) {
            row->grow.failure = g_strdup(failure);
        }
    }
    g_free(failure);
    bench_vmm_quit(&v, TRUE, EXIT_TIMEOUT_S);
    bench_vmm_close(&v);
}

/* Maps or deletes (@size 0) memslots @first.. of @slot_size each. */
static gboolean set_memslots(int vm, void *host, guint n, guint64 slot_size,
                             gboolean map, char **failure)
{
    for (guint k = 0; k < n; k++) {
        struct kvm_userspace_memory_region r = {
            .slot = k,
            .guest_phys_addr = DEVICE_BASE + k * slot_size,
            .memory_size = map ? slot_size : 0,
            .userspace_addr = (guint64)(uintptr_t)host + k * slot_size,
        };

        if (ioctl(vm, KVM_SET_USER_MEMORY_REGION, &r) < 0) {
            *failure = g_strdup_printf("KVM_SET_USER_MEMORY_REGION: %s",
                                       g_strerror(errno));
            return FALSE;
        }
    }
    return TRUE;
}

/* One grow and shrink of the limit for @row; FALSE with a failure set. */
static gboolean limit_once(int vm, void *host, Row *row)
{
    guint n = MAX(row->memslots, 1);
    guint64 slot_size = row->size / n;
    BenchResult grow = { 0 }, shrink = { 0 };
    double t0 = bench_now();

    if (!set_memslots(vm, host, n, slot_size, TRUE, &grow.failure)
        || (row->prealloc &&
            madvise(host, row->size, MADV_POPULATE_WRITE) < 0 &&
            (grow.failure = g_strdup_printf("MADV_POPULATE_WRITE: %s",
                                            g_strerror(errno))))) {
        bench_keep_best(&row->grow_limit, grow);
        return FALSE;
    }
    grow.seconds = bench_now() - t0;
    t0 = bench_now();
    if (!set_memslots(vm, host, n, slot_size, FALSE, &shrink.failure)
        || (madvise(host, row->size, MADV_DONTNEED) < 0 &&
            (shrink.failure = g_strdup_printf("MADV_DONTNEED: %s",
                                              g_strerror(errno))))) {
        bench_keep_best(&row->grow_limit, grow);
        bench_keep_best(&row->shrink_limit, shrink);
        return FALSE;
    }
    shrink.seconds = bench_now() - t0;
    bench_keep_best(&row->grow_limit, grow);
    bench_keep_best(&row->shrink_limit, shrink);
    return TRUE;
}

static void measure_limit(Row *row, guint runs)
{
    const size_t align = 2 * MiB;
    int kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
    int vm = kvm < 0 ? -1 : ioctl(kvm, KVM_CREATE_VM, 0);
    int vcpu = vm < 0 ? -1 : ioctl(vm, KVM_CREATE_VCPU, 0);
    void *map = MAP_FAILED;

    if (vcpu < 0) {
        row->grow_limit.failure = g_strdup_printf("KVM_CREATE_VM/VCPU: %s",
                                                  g_strerror(errno));
        goto out;
    }
    map = mmap(NULL, row->size + align, PROT_READ | PROT_WRITE,
               MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (map == MAP_FAILED) {
        row->grow_limit.failure = g_strdup_printf("mmap: %s",
                                                  g_strerror(errno));
        goto out;
    } else {
        void *host = (void *)ROUND_UP((uintptr_t)map, align);

        madvise(host, row->size, MADV_HUGEPAGE);
        for (guint n = 0; n < runs && limit_once(vm, host, row); n++) {
            continue;
        }
    }
out:
    if (map != MAP_FAILED) {
        munmap(map, row->size + align);
    }
    if (vcpu >= 0) {
        close(vcpu);
    }
    if (vm >= 0) {
        close(vm);
    }
    if (kvm >= 0) {
        close(kvm);
    }
}

static gboolean measured(const BenchResult *r)
{
    return !r->failure && r->seconds > 0 && r->seconds < G_MAXDOUBLE;
}

static char *rate_cell(guint64 size, const BenchResult *r)
{
    if (!measured(r)) {
        return g_strdup("-");
    }
    return g_strdup_printf("%.1f", (double)size / GiB / r->seconds);
}

static char *ratio_cell(const BenchResult *qmem, const BenchResult *limit)
{
    if (!measured(qmem) || !measured(limit)) {
        return g_strdup("-");
    }
    return g_strdup_printf("%.3f", limit->seconds / qmem->seconds);
}

static void print_direction(const Row *row, const char *dir,
                            const BenchResult *qmem,
                            const BenchResult *limit)
{
    g_autofree char *label = g_strdup_printf(
        "%s%" G_GUINT64_FORMAT " GiB, prealloc=%s", dir, row->size / GiB,
        row->prealloc ? "on" : "off");
    g_autofree char *q = rate_cell(row->size, qmem);
    g_autofree char *l = rate_cell(row->size, limit);
    g_autofree char *ratio = ratio_cell(qmem, limit);

    g_autofree char *qs = measured(qmem) ?
        g_strdup_printf("%.4f", qmem->seconds) : g_strdup("-");
    g_autofree char *ls = measured(limit) ?
        g_strdup_printf("%.4f", limit->seconds) : g_strdup("-");

    printf("%-26s %8d %10s %10s %10s %10s %12s\n", label, row->memslots, qs,
           q, ls, l, ratio);
}

static void print_table(GPtrArray *rows, GPtrArray *notes)
{
    printf("%-26s %8s %10s %10s %10s %10s %12s\n", "step", "memslots",
           "qmem s", "qmem GiB/s", "limit s", "lim GiB/s", "qmem/limit");
    for (guint i = 0; i < rows->len; i++) {
        Row *row = rows->pdata[i];

        print_direction(row, "+", &row->grow, &row->grow_limit);
        print_direction(row, "-", &row->shrink, &row->shrink_limit);
        for (guint k = 0; k < 4; k++) {
            const BenchResult *r[] = { &row->grow, &row->shrink,
                                       &row->grow_limit, &row->shrink_limit };

            if (r[k]->failure) {
                g_ptr_array_add(notes, g_strdup_printf(
                    "%" G_GUINT64_FORMAT " GiB, prealloc=%s: %s",
                    row->size / GiB, row->prealloc ? "on" : "off",
                    r[k]->failure));
                break;
            }
        }
    }
}

/* "1G,16G,64G" into sizes; FALSE on a bad or zero size. */
static gboolean parse_sizes(const char *text, GArray *sizes)
{
    g_auto(GStrv) parts = g_strsplit(text, ",", -1);

    for (guint i = 0; parts[i]; i++) {
        guint64 size;

        if (qmem_strtosz(parts[i], NULL, &size) < 0 || size < GiB ||
            size % GiB) {
            return FALSE;
        }
        g_array_append_val(sizes, size);
    }
    return sizes->len > 0;
}

/*
 * A row per size without prealloc, and one with prealloc where the size
 * fits into the available memory with 4 GiB to spare.
 */
static GPtrArray *make_rows(GArray *sizes, GPtrArray *notes)
{
    GPtrArray *rows = g_ptr_array_new_with_free_func(g_free);
    guint64 avail = bench_mem_available();

    for (int prealloc = 0; prealloc < 2; prealloc++) {
        for (guint i = 0; i < sizes->len; i++) {
            guint64 size = g_array_index(sizes, guint64, i);
            Row *row;

            if (prealloc && size + 4 * GiB > avail) {
                g_ptr_array_add(notes, g_strdup_printf(
                    "%" G_GUINT64_FORMAT " GiB, prealloc=on: skipped, "
                    "MemAvailable is %" G_GUINT64_FORMAT " MiB",
                    size / GiB, avail / MiB));
                continue;
            }
            row = g_new0(Row, 1);
            row->size = size;
            row->prealloc = prealloc;
            row->memslots = -1;
            row->grow.seconds = row->shrink.seconds = G_MAXDOUBLE;
            row->grow_limit.seconds = row->shrink_limit.seconds = G_MAXDOUBLE;
            g_ptr_array_add(rows, row);
        }
    }
    return rows;
}

static void free_results(GPtrArray *rows)
{
    for (guint i = 0; i < rows->len; i++) {
        Row *row = rows->pdata[i];

        g_free(row->grow.failure);
        g_free(row->shrink.failure);
        g_free(row->grow_limit.failure);
        g_free(row->shrink_limit.failure);
    }
}

int main(int argc, char **argv)
{
    g_autofree char *sizes_text = NULL;
    g_autofree char *qmem = NULL;
    g_autofree char *cpu = bench_cpu_model();
    g_autoptr(GArray) sizes = g_array_new(FALSE, FALSE, sizeof(guint64));
    g_autoptr(GPtrArray) notes = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GPtrArray) rows = NULL;
    gint runs = 3;
    GOptionEntry entries[] = {
        { "sizes", 0, 0, G_OPTION_ARG_STRING, &sizes_text,
          "Sizes to grow by and shrink back, whole GiB, comma separated "
          "(default 1G,16G,64G)", "LIST" },
        BENCH_OPTION_RUNS(&runs, "3"),
        BENCH_OPTION_QMEM(&qmem),
        BENCH_OPTION_VERBOSE(&verbose, "Print every resize's time on stderr"),
        { NULL },
    };
    guint64 max = 0;
    int fd;

    if (!bench_parse_options("guest-resize",
                             "- how fast a KVM guest follows "
                             "virtio-mem's requested-size",
                             entries, &argc, &argv)) {
        return 2;
    }
    if (!parse_sizes(sizes_text ? sizes_text : "1G,16G,64G", sizes)) {
        fprintf(stderr, "guest-resize: invalid size list '%s' (whole GiB)\n",
                sizes_text);
        return 2;
    }
    if (!bench_check_runs("guest-resize", runs)) {
        return 2;
    }
    fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
    if (fd < 0) {
        printf("guest-resize: skipped: /dev/kvm: %s\n", g_strerror(errno));
        return 0;
    }
    close(fd);
    if (!bench_find_qmem(&qmem, notes)) {
        bench_print_notes(notes);
        return 2;
    }
    g_free(bench_set_module_dir(qmem));
    signal(SIGPIPE, SIG_IGN);

    for (guint i = 0; i < sizes->len; i++) {
        max = MAX(max, g_array_index(sizes, guint64, i));
    }
    rows = make_rows(sizes, notes);
    for (int prealloc = 0; prealloc < 2; prealloc++) {
        fprintf(stderr, "measuring qmem, prealloc=%s...\n",
                prealloc ? "on" : "off");
        measure_qmem(qmem, rows, max, prealloc, runs);
    }
    fprintf(stderr, "measuring the limit...\n");
    for (guint i = 0; i < rows->len; i++) {
        measure_limit(rows->pdata[i], runs);
    }

    printf("virtio-mem-pci resize on KVM: qom-set requested-size to "
           "MEMORY_DEVICE_SIZE_CHANGE\n"
           "(memory-backend-ram,reserve=off; dynamic-memslots=on; %s)\n\n",
           cpu);
    print_table(rows, notes);
    bench_print_notes(notes);
    free_results(rows);
    return 0;
}
