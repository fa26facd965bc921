/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Benchmark: preallocation speed of qmem-run vs QEMU vs the kernel's limit. */

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/statvfs.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tests/bench/bench-common.h"
#include "util/cutils.h"

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23
#endif

#define GiB (1024.0 * 1024 * 1024)

/* No single run may take longer than this (an 8 GiB run takes seconds). */
#define RUN_TIMEOUT_MS (10 * 60 * 1000)

typedef enum {
    BACKEND_RAM,
    BACKEND_MEMFD,
    BACKEND_FILE,
    N_BACKENDS,
} BenchBackend;

static const char *const backend_names[N_BACKENDS] = {
    [BACKEND_RAM] = "ram",
    [BACKEND_MEMFD] = "memfd",
    [BACKEND_FILE] = "file",
};

/*
 * The /dev/shm file that exists right now, so that an interrupted run
 * does not leave gigabytes behind in tmpfs.
 */
static char shm_path[128];

static gboolean verbose;

static void on_fatal_signal(int sig)
{
    if (shm_path[0]) {
        unlink(shm_path);
    }
    signal(sig, SIG_DFL);
    raise(sig);
}

static void shm_path_set(void)
{
    g_snprintf(shm_path, sizeof(shm_path), "/dev/shm/qmem-bench-prealloc-%d",
               (int)getpid());
}

static void shm_path_remove(void)
{
    if (shm_path[0]) {
        unlink(shm_path);
        shm_path[0] = '\0';
    }
}

/* -object argument; the file backend is shared like the kernel's mapping. */
static char *object_arg(BenchBackend backend, guint64 size, guint threads,
                        gboolean prealloc)
{
    g_autofree char *extra = NULL;

    if (backend == BACKEND_FILE) {
        extra = g_strdup_printf(",mem-path=%s,share=on", shm_path);
    }
    return g_strdup_printf("memory-backend-%s,id=m0,size=%" PRIu64
                           ",prealloc=%s,prealloc-threads=%u%s",
                           backend_names[backend], size,
                           prealloc ? "on" : "off", threads,
                           extra ? extra : "");
}

/* Whether a line starting with the QMP greeting comes before @deadline. */
static gboolean wait_for_greeting(BenchVmm *v, double deadline)
{
    for (;;) {
        g_autofree char *line = NULL;
        const char *p;
        double when;

        line = bench_vmm_read_line(v, deadline, &when);
        if (!line) {
            return FALSE;
        }
        for (p = line; *p == ' '; p++) {
            continue;
        }
        if (g_str_has_prefix(p, "{\"QMP\"")) {
            return TRUE;
        }
    }
}

/*
 * Runs @prog with QMP on stdio and one -object, and measures the time from
 * exec until the QMP greeting, which comes after every -object has been
 * created (and preallocated).  Then quits it and waits for it to exit, so
 * that its memory is gone before the next run.
 */
static BenchResult run_vmm_once(const char *prog, const char *object)
{
    /* clang-format off */
    const char *argv[] = {
        prog, "-machine", "none", "-nodefaults", "-display", "none", "-S",
        "-qmp", "stdio", "-object", object, NULL,
    };
    /* clang-format on */
    BenchResult r = { 0 };
    gboolean greeted = FALSE;
    double t0, t1 = 0;
    BenchVmm v;
    int status;

    if (bench_vmm_start(&v, (char **)argv, &t0, &r.failure)) {
        greeted = wait_for_greeting(&v, bench_now() + RUN_TIMEOUT_MS / 1000.0);
        t1 = bench_now();
    }
    status = bench_vmm_quit(&v, FALSE, greeted ? 60 : 1);

    if (greeted) {
        r.seconds = t1 - t0;
    } else if (!r.failure) {
        g_autofree char *line = bench_vmm_stderr_line(&v);

        if (*line) {
            r.failure = g_steal_pointer(&line);
        } else if (WIFEXITED(status)) {
            r.failure = g_strdup_printf("no QMP greeting, exit status %d",
                                        WEXITSTATUS(status));
        } else {
            r.failure = g_strdup("no QMP greeting");
        }
    }
    bench_vmm_close(&v);
    return r;
}

/* One run of @prog; the file backend gets a fresh file each time. */
static BenchResult run_vmm(const char *prog, BenchBackend backend,
                           guint64 size, guint threads, gboolean prealloc)
{
    g_autofree char *object = NULL;
    BenchResult r;

    if (backend == BACKEND_FILE) {
        shm_path_set();
        unlink(shm_path);
    }
    object = object_arg(backend, size, threads, prealloc);
    r = run_vmm_once(prog, object);
    shm_path_remove();
    if (verbose && !r.failure) {
        fprintf(stderr, "  %s -object %s: %.3f s\n", prog, object, r.seconds);
    }
    return r;
}

/* Preallocation alone: the run with prealloc minus the run without. */
static BenchResult difference(BenchResult *base, BenchResult *full)
{
    BenchResult r = { 0 };

    if (base->failure || full->failure) {
        r.failure = g_strdup(base->failure ? base->failure : full->failure);
    } else {
        r.seconds = full->seconds - base->seconds;
    }
    return r;
}

/* The kernel's limit: MADV_POPULATE_WRITE over N threads, in process. */

typedef struct {
    char *addr;
    size_t len;
    int err;
} PopulateJob;

typedef struct {
    GMutex lock;
    GCond cond;
    guint ready;
    gboolean go;
} StartLine;

typedef struct {
    PopulateJob *job;
    StartLine *start;
} PopulateArg;

static gpointer populate_thread(gpointer opaque)
{
    PopulateArg *a = opaque;

    g_mutex_lock(&a->start->lock);
    a->start->ready++;
    g_cond_broadcast(&a->start->cond);
    while (!a->start->go) {
        g_cond_wait(&a->start->cond, &a->start->lock);
    }
    g_mutex_unlock(&a->start->lock);

    if (madvise(a->job->addr, a->job->len, MADV_POPULATE_WRITE)) {
        a->job->err = errno;
    }
    return NULL;
}

/*
 * Maps @size bytes the way QEMU sets up guest RAM, or the limit would be
 * that of a different mapping: anonymous memory aligned to 2 MiB
 * (QEMU_VMALLOC_ALIGN), and MADV_HUGEPAGE on every RAM block, which gives
 * anonymous memory transparent huge pages in THP "madvise" mode (and shmem
 * in shmem_enabled "advise" mode).
 */
static char *map_like_guest_ram(int fd, size_t size)
{
    const size_t align = 2 * 1024 * 1024;
    char *p;

    if (fd >= 0) {
        p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    } else {
        char *raw = mmap(NULL, size + align, PROT_READ | PROT_WRITE,
                         MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        size_t head;

        if (raw == MAP_FAILED) {
            return MAP_FAILED;
        }
        p = (char *)(((uintptr_t)raw + align - 1) & ~(uintptr_t)(align - 1));
        head = p - raw;
        if (head) {
            munmap(raw, head);
        }
        munmap(p + size, align - head);
    }
    if (p != MAP_FAILED) {
        madvise(p, size, MADV_HUGEPAGE);
    }
    return p;
}

static BenchResult kernel_populate_once(BenchBackend backend, guint64 size,
                                        guint threads)
{
    size_t page = sysconf(_SC_PAGESIZE);
    size_t pages = (size + page - 1) / page;
    g_autofree PopulateJob *jobs = g_new0(PopulateJob, threads);
    g_autofree PopulateArg *args = g_new0(PopulateArg, threads);
    g_autofree GThread **tids = g_new0(GThread *, threads);
    StartLine start = { 0 };
    BenchResult r = { 0 };
    int fd = -1, saved_errno;
    char *p, *addr;
    double t0, t1;
    guint i;

    if (backend == BACKEND_MEMFD) {
        fd = memfd_create("bench-prealloc", MFD_CLOEXEC);
    } else if (backend == BACKEND_FILE) {
        shm_path_set();
        unlink(shm_path);
        fd = open(shm_path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
        saved_errno = errno;
        /* Unlinked now: the memory goes away with the mapping. */
        shm_path_remove();
        errno = saved_errno;
    }
    if (backend != BACKEND_RAM && (fd < 0 || ftruncate(fd, size))) {
        r.failure = g_strdup_printf("%s: %s", backend_names[backend],
                                    g_strerror(errno));
        if (fd >= 0) {
            close(fd);
        }
        return r;
    }
    p = map_like_guest_ram(fd, size);
    if (p == MAP_FAILED) {
        r.failure = g_strdup_printf("mmap: %s", g_strerror(errno));
        if (fd >= 0) {
            close(fd);
        }
        return r;
    }

    /* The same split as qmem_prealloc_mem(). */
    addr = p;
    for (i = 0; i < threads; i++) {
        jobs[i].addr = addr;
        jobs[i].len = (pages / threads + (i < pages % threads)) * page;
        addr += jobs[i].len;
    }

    if (threads == 1) {
        t0 = bench_now();
        if (madvise(p, size, MADV_POPULATE_WRITE)) {
            jobs[0].err = errno;
        }
        t1 = bench_now();
    } else {
        for (i = 0; i < threads; i++) {
            args[i].job = &jobs[i];
            args[i].start = &start;
            tids[i] = g_thread_new("populate", populate_thread, &args[i]);
        }
        g_mutex_lock(&start.lock);
        while (start.ready < threads) {
            g_cond_wait(&start.cond, &start.lock);
        }
        t0 = bench_now();
        start.go = TRUE;
        g_cond_broadcast(&start.cond);
        g_mutex_unlock(&start.lock);
        for (i = 0; i < threads; i++) {
            g_thread_join(tids[i]);
        }
        t1 = bench_now();
    }

    munmap(p, size);
    if (fd >= 0) {
        close(fd);
    }
    for (i = 0; i < threads; i++) {
        if (jobs[i].err) {
            r.failure = g_strdup_printf("madvise(MADV_POPULATE_WRITE): %s",
                                        g_strerror(jobs[i].err));
            return r;
        }
    }
    r.seconds = t1 - t0;
    if (verbose) {
        fprintf(stderr, "  kernel, %s, %u thread(s): %.3f s\n",
                backend_names[backend], threads, r.seconds);
    }
    return r;
}

/* Output */

typedef struct {
    BenchBackend backend;
    guint threads;
    BenchResult qmem_base, qmem_full, qemu_base, qemu_full;
    BenchResult qmem, qemu, limit;
} Row;

static double gib_per_s(const BenchResult *r, guint64 size)
{
    return size / GiB / r->seconds;
}

static char *rate_cell(const BenchResult *r, gboolean measured, guint64 size)
{
    if (!measured) {
        return g_strdup("n/a");
    }
    if (r->failure) {
        return g_strdup("fail");
    }
    if (r->seconds <= 0) {
        /* Preallocation took less than the run-to-run noise. */
        return g_strdup("noise");
    }
    return g_strdup_printf("%.2f", gib_per_s(r, size));
}

static char *ratio_cell(const BenchResult *a, gboolean a_measured,
                        const BenchResult *b, gboolean b_measured)
{
    if (!a_measured || !b_measured || a->failure || b->failure
        || a->seconds <= 0 || b->seconds <= 0) {
        return g_strdup("n/a");
    }
    /* A ratio of rates over the same size is the inverse ratio of times. */
    return g_strdup_printf("%.2f", b->seconds / a->seconds);
}

static char *read_sys_line(const char *path)
{
    g_autofree char *text = NULL;

    if (!g_file_get_contents(path, &text, NULL, NULL)) {
        return g_strdup("unknown");
    }
    return g_strstrip(bench_first_line(text));
}

static gboolean parse_backends(const char *text, gboolean *wanted)
{
    g_auto(GStrv) parts = g_strsplit(text, ",", -1);
    guint i, b;

    for (i = 0; parts[i]; i++) {
        for (b = 0; b < N_BACKENDS; b++) {
            if (g_str_equal(parts[i], backend_names[b])) {
                wanted[b] = TRUE;
                break;
            }
        }
        if (b == N_BACKENDS) {
            return FALSE;
        }
    }
    return i > 0;
}

static gboolean parse_threads(const char *text, GArray *threads)
{
    g_auto(GStrv) parts = g_strsplit(text, ",", -1);
    guint i;

    for (i = 0; parts[i]; i++) {
        guint64 n;
        guint val;

        if (!g_ascii_string_to_unsigned(parts[i], 10, 1, 1024, &n, NULL)) {
            return FALSE;
        }
        val = n;
        g_array_append_val(threads, val);
    }
    return threads->len > 0;
}

int main(int argc, char **argv)
{
    g_autofree char *size_text = NULL;
    g_autofree char *threads_text = NULL;
    g_autofree char *backends_text = NULL;
    g_auto(BenchProgs) bp = { 0 };
    g_autofree char *cpu = NULL;
    g_autofree char *thp = NULL;
    g_autofree char *thp_shmem = NULL;
    g_autoptr(GArray) threads = g_array_new(FALSE, FALSE, sizeof(guint));
    g_autoptr(GPtrArray) notes = g_ptr_array_new_with_free_func(g_free);
    gint runs = 3;
    GOptionEntry entries[] = {
        { "size", 0, 0, G_OPTION_ARG_STRING, &size_text,
          "Backend size, QEMU syntax (default 8G)", "SIZE" },
        { "backends", 0, 0, G_OPTION_ARG_STRING, &backends_text,
          "Backends, comma separated (default ram,memfd,file)", "LIST" },
        { "threads", 0, 0, G_OPTION_ARG_STRING, &threads_text,
          "prealloc-threads values, comma separated (default 1,2)", "LIST" },
        BENCH_OPTION_RUNS(&runs, "3"),
        BENCH_OPTION_QMEM(&bp.qmem),
        BENCH_OPTION_QEMU(&bp.qemu),
        BENCH_OPTION_VERBOSE(&verbose, "Print every run's time on stderr"),
        { NULL },
    };
    struct utsname uts;
    struct statvfs shm;
    guint64 size = 8ULL << 30;
    gboolean have_qmem, have_qemu, have_shm;
    gboolean wanted[N_BACKENDS] = { FALSE };
    g_autofree Row *rows = NULL;
    guint nrows = 0, b, t, r, i;

    if (!bench_parse_options("prealloc",
                             "- preallocation speed: qmem vs QEMU vs "
                             "the kernel",
                             entries, &argc, &argv)) {
        return 2;
    }
    if (size_text && (qmem_strtosz(size_text, NULL, &size) < 0 || size == 0)) {
        fprintf(stderr, "prealloc: invalid size '%s'\n", size_text);
        return 2;
    }
    if (!parse_backends(backends_text ? backends_text : "ram,memfd,file",
                        wanted)) {
        fprintf(stderr, "prealloc: invalid backend list '%s'\n", backends_text);
        return 2;
    }
    if (!parse_threads(threads_text ? threads_text : "1,2", threads)) {
        fprintf(stderr, "prealloc: invalid thread list '%s'\n", threads_text);
        return 2;
    }
    if (!bench_check_runs("prealloc", runs)) {
        return 2;
    }
    /* One set at a time, and room for the system beside it. */
    if (size + (1ULL << 30) > bench_mem_available()) {
        fprintf(stderr,
                "prealloc: %" PRIu64 " bytes do not fit into the "
                "available memory (%" PRIu64 " bytes, 1 GiB kept free)\n",
                size, bench_mem_available());
        return 1;
    }

    signal(SIGPIPE, SIG_IGN);
    signal(SIGINT, on_fatal_signal);
    signal(SIGTERM, on_fatal_signal);
    signal(SIGHUP, on_fatal_signal);

    bench_find_progs(&bp, notes);
    have_qmem = bp.have[PROG_QMEM];
    have_qemu = bp.have[PROG_QEMU];

    have_shm = statvfs("/dev/shm", &shm) == 0
               && (guint64)shm.f_bavail * shm.f_frsize >= size;
    if (wanted[BACKEND_FILE] && !have_shm) {
        g_ptr_array_add(
            notes,
            g_strdup(
                "file: backend skipped, /dev/shm is missing or too small"));
    }

    rows = g_new0(Row, N_BACKENDS * threads->len);
    for (b = 0; b < N_BACKENDS; b++) {
        if (!wanted[b] || (b == BACKEND_FILE && !have_shm)) {
            continue;
        }
        for (t = 0; t < threads->len; t++) {
            Row *row = &rows[nrows++];

            row->backend = b;
            row->threads = g_array_index(threads, guint, t);
            fprintf(stderr, "measuring %s, %u thread(s)...\n", backend_names[b],
                    row->threads);
            row->qmem_base.seconds = row->qmem_full.seconds = G_MAXDOUBLE;
            row->qemu_base.seconds = row->qemu_full.seconds = G_MAXDOUBLE;
            row->limit.seconds = G_MAXDOUBLE;
            /*
             * Interleaved, so that slow phases of the host (reclaim,
             * compaction, a hypervisor backing freed memory again) hit
             * every column alike.
             */
            for (r = 0; r < (guint)runs; r++) {
                if (have_qmem) {
                    bench_keep_best(&row->qmem_base,
                              run_vmm(bp.qmem, b, size, row->threads, FALSE));
                    bench_keep_best(&row->qmem_full,
                              run_vmm(bp.qmem, b, size, row->threads, TRUE));
                }
                if (have_qemu) {
                    bench_keep_best(&row->qemu_base,
                              run_vmm(bp.qemu_path, b, size,
                                      row->threads, FALSE));
                    bench_keep_best(&row->qemu_full,
                              run_vmm(bp.qemu_path, b, size,
                                      row->threads, TRUE));
                }
                bench_keep_best(&row->limit,
                          kernel_populate_once(b, size, row->threads));
            }
            row->qmem = difference(&row->qmem_base, &row->qmem_full);
            row->qemu = difference(&row->qemu_base, &row->qemu_full);
        }
    }

    cpu = bench_cpu_model();
    uname(&uts);
    thp = read_sys_line("/sys/kernel/mm/transparent_hugepage/enabled");
    thp_shmem = read_sys_line(
        "/sys/kernel/mm/transparent_hugepage/shmem_enabled");

    printf("prealloc: %.3g GiB per backend, best of %d run(s)\n", size / GiB,
           runs);
    printf("machine:  %ld online CPUs (%s), kernel %s, THP %s, "
           "shmem THP %s\n",
           sysconf(_SC_NPROCESSORS_ONLN), cpu, uts.release, thp, thp_shmem);
    printf("qmem:     %s\n", have_qmem ? bp.qmem : "n/a");
    printf("QEMU:     %s%s%s\n", have_qemu ? bp.qemu_version : "n/a",
           have_qemu ? ", " : "", have_qemu ? bp.qemu_path : "");
    printf("\n%-8s %7s %11s %11s %12s %10s %11s\n", "backend", "threads",
           "qmem GiB/s", "QEMU GiB/s", "limit GiB/s", "qmem/QEMU",
           "qmem/limit");
    for (i = 0; i < nrows; i++) {
        Row *row = &rows[i];
        g_autofree char *c1 = rate_cell(&row->qmem, have_qmem, size);
        g_autofree char *c2 = rate_cell(&row->qemu, have_qemu, size);
        g_autofree char *c3 = rate_cell(&row->limit, TRUE, size);
        g_autofree char *c4 = ratio_cell(&row->qmem, have_qmem, &row->qemu,
                                         have_qemu);
        g_autofree char *c5 = ratio_cell(&row->qmem, have_qmem, &row->limit,
                                         TRUE);

        printf("%-8s %7u %11s %11s %12s %10s %11s\n",
               backend_names[row->backend], row->threads, c1, c2, c3, c4, c5);
        if (row->qmem.failure) {
            g_ptr_array_add(notes,
                            g_strdup_printf("%s, %u thread(s), qmem failed: %s",
                                            backend_names[row->backend],
                                            row->threads, row->qmem.failure));
        }
        if (row->qemu.failure) {
            g_ptr_array_add(notes,
                            g_strdup_printf("%s, %u thread(s), QEMU failed: %s",
                                            backend_names[row->backend],
                                            row->threads, row->qemu.failure));
        }
        if (row->limit.failure) {
            g_ptr_array_add(
                notes,
                g_strdup_printf("%s, %u thread(s), kernel limit failed: %s",
                                backend_names[row->backend], row->threads,
                                row->limit.failure));
        }
        g_free(row->qmem_base.failure);
        g_free(row->qmem_full.failure);
        g_free(row->qemu_base.failure);
        g_free(row->qemu_full.failure);
        g_free(row->qmem.failure);
        g_free(row->qemu.failure);
        g_free(row->limit.failure);
    }
    bench_print_notes(notes);
    return 0;
}
