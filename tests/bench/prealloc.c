/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Benchmark: preallocation speed of qmem-run vs QEMU vs the kernel's limit. */

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/statvfs.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "qapi/cutils.h"

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23
#endif

#define GiB (1024.0 * 1024 * 1024)

/* No single run may take longer than this (an 8 GiB run takes seconds). */
#define RUN_TIMEOUT_MS (10 * 60 * 1000)

extern char **environ;

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

/* One measurement: a time, or why there is none. */
typedef struct {
    double seconds;
    char *failure;
} Result;

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

static double now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static char *read_fd_text(int fd)
{
    GString *s = g_string_new(NULL);
    char buf[4096];
    ssize_t n;

    lseek(fd, 0, SEEK_SET);
    while ((n = read(fd, buf, sizeof(buf))) > 0) {
        g_string_append_len(s, buf, n);
    }
    return g_string_free(s, FALSE);
}

static char *first_line(const char *text)
{
    const char *nl = strchr(text, '\n');

    return nl ? g_strndup(text, nl - text) : g_strdup(text);
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

/*
 * Waits up to RUN_TIMEOUT_MS for a line starting with the QMP greeting on
 * @fd; everything read goes to @out.
 */
static gboolean wait_for_greeting(int fd, GString *out)
{
    double deadline = now() + RUN_TIMEOUT_MS / 1000.0;
    gsize scanned = 0;

    for (;;) {
        struct pollfd pfd = { .fd = fd, .events = POLLIN };
        char buf[4096];
        ssize_t n;
        char *nl;
        int left = (deadline - now()) * 1000;

        while ((nl = memchr(out->str + scanned, '\n', out->len - scanned))
               != NULL) {
            const char *line = out->str + scanned;

            while (*line == ' ') {
                line++;
            }
            if (g_str_has_prefix(line, "{\"QMP\"")) {
                return TRUE;
            }
            scanned = nl + 1 - out->str;
        }
        if (left <= 0 || poll(&pfd, 1, left) <= 0) {
            return FALSE;
        }
        n = read(fd, buf, sizeof(buf));
        if (n <= 0) {
            return FALSE;
        }
        g_string_append_len(out, buf, n);
    }
}

static void drain_until_eof(int fd, int timeout_ms)
{
    double deadline = now() + timeout_ms / 1000.0;
    char buf[4096];

    for (;;) {
        struct pollfd pfd = { .fd = fd, .events = POLLIN };
        int left = (deadline - now()) * 1000;

        if (left <= 0 || poll(&pfd, 1, left) <= 0
            || read(fd, buf, sizeof(buf)) <= 0) {
            return;
        }
    }
}

/*
 * Runs @prog with QMP on stdio and one -object, and measures the time from
 * exec until the QMP greeting, which comes after every -object has been
 * created (and preallocated).  Then quits it and waits for it to exit, so
 * that its memory is gone before the next run.
 */
static Result run_vmm_once(const char *prog, const char *object)
{
    static const char quit[] =
        "{\"execute\": \"qmp_capabilities\"}\n{\"execute\": \"quit\"}\n";
    /* clang-format off */
    const char *argv[] = {
        prog, "-machine", "none", "-nodefaults", "-display", "none", "-S",
        "-qmp", "stdio", "-object", object, NULL,
    };
    /* clang-format on */
    posix_spawn_file_actions_t fa;
    g_autoptr(GString) out = g_string_new(NULL);
    Result r = { 0 };
    int in[2], outp[2], errfd;
    gboolean greeted;
    double t0, t1;
    pid_t pid;
    int status, err;

    if (pipe2(in, O_CLOEXEC) || pipe2(outp, O_CLOEXEC)) {
        r.failure = g_strdup_printf("pipe: %s", g_strerror(errno));
        return r;
    }
    errfd = memfd_create("stderr", MFD_CLOEXEC);
    g_assert(errfd >= 0);

    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, in[0], 0);
    posix_spawn_file_actions_adddup2(&fa, outp[1], 1);
    posix_spawn_file_actions_adddup2(&fa, errfd, 2);

    t0 = now();
    err = posix_spawnp(&pid, prog, &fa, NULL, (char **)argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    close(in[0]);
    close(outp[1]);
    if (err) {
        r.failure = g_strdup_printf("%s: %s", prog, g_strerror(err));
        close(in[1]);
        close(outp[0]);
        close(errfd);
        return r;
    }

    greeted = wait_for_greeting(outp[0], out);
    t1 = now();

    if (write(in[1], quit, sizeof(quit) - 1) < 0) {
        /* It has exited already; waitpid() tells how. */
    }
    close(in[1]);
    drain_until_eof(outp[0], greeted ? 60 * 1000 : 1000);
    close(outp[0]);
    if (waitpid(pid, &status, WNOHANG) == 0) {
        kill(pid, SIGKILL);
        waitpid(pid, &status, 0);
    }

    if (greeted) {
        r.seconds = t1 - t0;
    } else {
        g_autofree char *text = read_fd_text(errfd);
        g_autofree char *line = first_line(text);

        if (*line) {
            r.failure = g_steal_pointer(&line);
        } else if (WIFEXITED(status)) {
            r.failure = g_strdup_printf("no QMP greeting, exit status %d",
                                        WEXITSTATUS(status));
        } else {
            r.failure = g_strdup("no QMP greeting");
        }
    }
    close(errfd);
    return r;
}

/* One run of @prog; the file backend gets a fresh file each time. */
static Result run_vmm(const char *prog, BenchBackend backend, guint64 size,
                      guint threads, gboolean prealloc)
{
    g_autofree char *object = NULL;
    Result r;

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

/* Keeps the shortest time; the first failure sticks. */
static void keep_best(Result *best, Result r)
{
    if (best->failure) {
        g_free(r.failure);
    } else if (r.failure) {
        best->failure = r.failure;
    } else {
        best->seconds = MIN(best->seconds, r.seconds);
    }
}

/* Preallocation alone: the run with prealloc minus the run without. */
static Result difference(Result *base, Result *full)
{
    Result r = { 0 };

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

static Result kernel_populate_once(BenchBackend backend, guint64 size,
                                   guint threads)
{
    size_t page = sysconf(_SC_PAGESIZE);
    size_t pages = (size + page - 1) / page;
    g_autofree PopulateJob *jobs = g_new0(PopulateJob, threads);
    g_autofree PopulateArg *args = g_new0(PopulateArg, threads);
    g_autofree GThread **tids = g_new0(GThread *, threads);
    StartLine start = { 0 };
    Result r = { 0 };
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
        t0 = now();
        if (madvise(p, size, MADV_POPULATE_WRITE)) {
            jobs[0].err = errno;
        }
        t1 = now();
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
        t0 = now();
        start.go = TRUE;
        g_cond_broadcast(&start.cond);
        g_mutex_unlock(&start.lock);
        for (i = 0; i < threads; i++) {
            g_thread_join(tids[i]);
        }
        t1 = now();
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
    Result qmem_base, qmem_full, qemu_base, qemu_full;
    Result qmem, qemu, limit;
} Row;

static double gib_per_s(const Result *r, guint64 size)
{
    return size / GiB / r->seconds;
}

static char *rate_cell(const Result *r, gboolean measured, guint64 size)
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

static char *ratio_cell(const Result *a, gboolean a_measured, const Result *b,
                        gboolean b_measured)
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
    return g_strstrip(first_line(text));
}

static char *cpu_model(void)
{
    g_autofree char *text = NULL;
    g_auto(GStrv) lines = NULL;
    guint i;

    if (g_file_get_contents("/proc/cpuinfo", &text, NULL, NULL)) {
        lines = g_strsplit(text, "\n", -1);
        for (i = 0; lines[i]; i++) {
            const char *colon = strchr(lines[i], ':');

            if (g_str_has_prefix(lines[i], "model name") && colon) {
                return g_strstrip(g_strdup(colon + 1));
            }
        }
    }
    return g_strdup("unknown model");
}

static guint64 mem_available(void)
{
    g_autofree char *text = NULL;
    const char *p;

    if (!g_file_get_contents("/proc/meminfo", &text, NULL, NULL)
        || !(p = strstr(text, "MemAvailable:"))) {
        return 0;
    }
    return g_ascii_strtoull(p + strlen("MemAvailable:"), NULL, 10) * 1024;
}

static char *program_version(const char *prog)
{
    g_autofree char *out = NULL;
    const char *argv[] = { prog, "--version", NULL };
    int status;

    if (!g_spawn_sync(NULL, (char **)argv, NULL,
                      G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL, NULL,
                      NULL, &out, NULL, &status, NULL)
        || !g_spawn_check_wait_status(status, NULL)) {
        return NULL;
    }
    return first_line(out);
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
    g_autofree char *qmem = NULL;
    g_autofree char *qemu = NULL;
    g_autofree char *qemu_version = NULL;
    g_autofree char *qemu_path = NULL;
    g_autofree char *cpu = NULL;
    g_autofree char *thp = NULL;
    g_autofree char *thp_shmem = NULL;
    g_autoptr(GArray) threads = g_array_new(FALSE, FALSE, sizeof(guint));
    g_autoptr(GPtrArray) notes = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GOptionContext) ctx = NULL;
    g_autoptr(GError) err = NULL;
    gint runs = 3;
    GOptionEntry entries[] = {
        { "size", 0, 0, G_OPTION_ARG_STRING, &size_text,
          "Backend size, QEMU syntax (default 8G)", "SIZE" },
        { "backends", 0, 0, G_OPTION_ARG_STRING, &backends_text,
          "Backends, comma separated (default ram,memfd,file)", "LIST" },
        { "threads", 0, 0, G_OPTION_ARG_STRING, &threads_text,
          "prealloc-threads values, comma separated (default 1,2)", "LIST" },
        { "runs", 0, 0, G_OPTION_ARG_INT, &runs,
          "Runs per measurement, the best counts (default 3)", "N" },
        { "qmem", 0, 0, G_OPTION_ARG_FILENAME, &qmem,
          "qmem-run to measure (default: $QMEM_RUN)", "PATH" },
        { "qemu", 0, 0, G_OPTION_ARG_FILENAME, &qemu,
          "QEMU to compare with (default qemu-system-x86_64)", "PATH" },
        { "verbose", 'v', 0, G_OPTION_ARG_NONE, &verbose,
          "Print every run's time on stderr", NULL },
        { NULL },
    };
    struct utsname uts;
    struct statvfs shm;
    guint64 size = 8ULL << 30;
    gboolean have_qmem, have_qemu, have_shm;
    gboolean wanted[N_BACKENDS] = { FALSE };
    g_autofree Row *rows = NULL;
    guint nrows = 0, b, t, r, i;

    ctx = g_option_context_new("- preallocation speed: qmem vs QEMU vs "
                               "the kernel");
    g_option_context_add_main_entries(ctx, entries, NULL);
    if (!g_option_context_parse(ctx, &argc, &argv, &err)) {
        fprintf(stderr, "prealloc: %s\n", err->message);
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
    if (runs < 1) {
        fprintf(stderr, "prealloc: --runs must be at least 1\n");
        return 2;
    }
    /* One set at a time, and room for the system beside it. */
    if (size + (1ULL << 30) > mem_available()) {
        fprintf(stderr,
                "prealloc: %" PRIu64 " bytes do not fit into the "
                "available memory (%" PRIu64 " bytes, 1 GiB kept free)\n",
                size, mem_available());
        return 1;
    }

    signal(SIGPIPE, SIG_IGN);
    signal(SIGINT, on_fatal_signal);
    signal(SIGTERM, on_fatal_signal);
    signal(SIGHUP, on_fatal_signal);

    if (!qmem && g_getenv("QMEM_RUN") && *g_getenv("QMEM_RUN")) {
        qmem = g_strdup(g_getenv("QMEM_RUN"));
    }
    have_qmem = qmem && g_file_test(qmem, G_FILE_TEST_IS_EXECUTABLE)
                && !g_file_test(qmem, G_FILE_TEST_IS_DIR);
    if (!qmem) {
        g_ptr_array_add(
            notes,
            g_strdup(
                "qmem: column skipped, set QMEM_RUN or pass --qmem (a build "
                "has it at <builddir>/hw/kvm/qmem-run)"));
    } else if (!have_qmem) {
        g_ptr_array_add(
            notes,
            g_strdup_printf("qmem: column skipped, '%s' is not an executable",
                            qmem));
    }

    qemu_path = g_find_program_in_path(qemu ? qemu : "qemu-system-x86_64");
    qemu_version = qemu_path ? program_version(qemu_path) : NULL;
    have_qemu = qemu_version != NULL;
    if (!have_qemu) {
        g_ptr_array_add(
            notes, g_strdup_printf("QEMU: column skipped, %s is not installed",
                                   qemu ? qemu : "qemu-system-x86_64"));
    }

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
                    keep_best(&row->qmem_base,
                              run_vmm(qmem, b, size, row->threads, FALSE));
                    keep_best(&row->qmem_full,
                              run_vmm(qmem, b, size, row->threads, TRUE));
                }
                if (have_qemu) {
                    keep_best(&row->qemu_base,
                              run_vmm(qemu_path, b, size, row->threads, FALSE));
                    keep_best(&row->qemu_full,
                              run_vmm(qemu_path, b, size, row->threads, TRUE));
                }
                keep_best(&row->limit,
                          kernel_populate_once(b, size, row->threads));
            }
            row->qmem = difference(&row->qmem_base, &row->qmem_full);
            row->qemu = difference(&row->qemu_base, &row->qemu_full);
        }
    }

    cpu = cpu_model();
    uname(&uts);
    thp = read_sys_line("/sys/kernel/mm/transparent_hugepage/enabled");
    thp_shmem = read_sys_line(
        "/sys/kernel/mm/transparent_hugepage/shmem_enabled");

    printf("prealloc: %.3g GiB per backend, best of %d run(s)\n", size / GiB,
           runs);
    printf("machine:  %ld online CPUs (%s), kernel %s, THP %s, "
           "shmem THP %s\n",
           sysconf(_SC_NPROCESSORS_ONLN), cpu, uts.release, thp, thp_shmem);
    printf("qmem:     %s\n", have_qmem ? qmem : "n/a");
    printf("QEMU:     %s%s%s\n", have_qemu ? qemu_version : "n/a",
           have_qemu ? ", " : "", have_qemu ? qemu_path : "");
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
    if (notes->len) {
        printf("\n");
    }
    for (i = 0; i < notes->len; i++) {
        printf("note: %s\n", (char *)notes->pdata[i]);
    }
    return 0;
}
