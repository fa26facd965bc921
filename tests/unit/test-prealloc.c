/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Tests for util/prealloc.c: thread arithmetic, residency, SIGBUS. */

#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/error.h"
#include "util/prealloc.h"

#define KiB 1024ULL
#define MiB (1024 * KiB)
#define GiB (1024 * MiB)

/* Thread count arithmetic */

typedef struct {
    const char *name;
    long online_cpus;
    size_t page_size;
    size_t size;
    guint max_threads;
    guint expected;
} ThreadCountCase;

static const ThreadCountCase thread_count_cases[] = {
    { "sysconf-failed", -1, 4 * KiB, 8 * GiB, 8, 1 },
    { "no-cpus", 0, 4 * KiB, 8 * GiB, 8, 1 },
    { "one-cpu", 1, 4 * KiB, 8 * GiB, 8, 1 },
    { "cpus-limit", 4, 4 * KiB, 8 * GiB, 8, 4 },
    { "max-threads-limit", 16, 4 * KiB, 8 * GiB, 3, 3 },
    { "max-threads-1", 16, 4 * KiB, 8 * GiB, 1, 1 },
    { "cap-16", 64, 4 * KiB, 8 * GiB, 64, 16 },
    { "cap-16-cpus-17", 17, 4 * KiB, 8 * GiB, 17, 16 },
    { "cap-16-exact", 16, 4 * KiB, 8 * GiB, 16, 16 },
    { "below-64M", 8, 4 * KiB, 64 * MiB - 4 * KiB, 8, 1 },
    { "64M", 8, 4 * KiB, 64 * MiB, 8, 1 },
    { "below-128M", 8, 4 * KiB, 128 * MiB - 4 * KiB, 8, 1 },
    { "128M", 8, 4 * KiB, 128 * MiB, 8, 2 },
    { "320M", 8, 4 * KiB, 320 * MiB, 8, 5 },
    { "size-limit-vs-max-threads", 8, 4 * KiB, 320 * MiB, 4, 4 },
    /* 64 pages of 2 MiB after rounding up: 128 MiB, two threads. */
    { "rounded-up-to-pages", 8, 2 * MiB, 128 * MiB - 1, 8, 2 },
    { "gigantic-pages", 16, 1 * GiB, 3 * GiB, 16, 3 },
    { "gigantic-partial-page", 16, 1 * GiB, 1 * GiB + 1, 16, 2 },
    { "one-gigantic-page", 16, 1 * GiB, 4 * KiB, 16, 1 },
    { "one-small-page", 16, 4 * KiB, 1, 16, 1 },
    { "zero-size", 16, 4 * KiB, 0, 16, 0 },
};

static void test_thread_count(gconstpointer opaque)
{
    const ThreadCountCase *c = opaque;

    g_assert_cmpuint(qmem_prealloc_thread_count(c->online_cpus, c->page_size,
                                                c->size, c->max_threads),
                     ==, c->expected);
}

/* Helpers */

/*
 * Maps @size bytes between two PROT_NONE guard pages, so that the mapping
 * is a VMA of its own in /proc/self/smaps whatever the neighbours are.
 */
static char *map_guarded(size_t size, int prot, int flags, int fd)
{
    size_t page = sysconf(_SC_PAGESIZE);
    size_t mapped = (size + page - 1) / page * page;
    char *guard, *p;

    guard = mmap(NULL, mapped + 2 * page, PROT_NONE,
                 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    g_assert(guard != MAP_FAILED);
    p = mmap(guard + page, mapped, prot, flags | MAP_FIXED, fd, 0);
    g_assert(p == guard + page);
    return p;
}

static void unmap_guarded(char *p, size_t size)
{
    size_t page = sysconf(_SC_PAGESIZE);
    size_t mapped = (size + page - 1) / page * page;

    g_assert_cmpint(munmap(p - page, mapped + 2 * page), ==, 0);
}

/* Resident bytes of the VMA that starts at @p, from /proc/self/smaps. */
static guint64 rss_of(const char *p)
{
    g_autofree char *smaps = NULL;
    g_auto(GStrv) lines = NULL;
    gboolean in_vma = FALSE;
    guint i;

    g_assert(g_file_get_contents("/proc/self/smaps", &smaps, NULL, NULL));
    lines = g_strsplit(smaps, "\n", -1);
    for (i = 0; lines[i]; i++) {
        unsigned long start, end;
        guint64 kib;

        if (sscanf(lines[i], "%lx-%lx ", &start, &end) == 2) {
            in_vma = start == (unsigned long)p;
        } else if (in_vma
                   && sscanf(lines[i], "Rss: %" SCNu64 " kB", &kib) == 1) {
            return kib * KiB;
        }
    }
    g_assert_not_reached();
}

static int new_memfd(size_t file_size)
{
    int fd = memfd_create("test-prealloc", MFD_CLOEXEC);

    g_assert_cmpint(fd, >=, 0);
    g_assert_cmpint(ftruncate(fd, file_size), ==, 0);
    return fd;
}

static guint64 allocated_bytes(int fd)
{
    struct stat st;

    g_assert_cmpint(fstat(fd, &st), ==, 0);
    return (guint64)st.st_blocks * 512;
}

/* Residency */

typedef enum {
    BACKING_ANON,
    BACKING_MEMFD,
} Backing;

typedef struct {
    Backing backing;
    gboolean touch;
    size_t size;
    guint max_threads;
} ResidentCase;

static void test_resident(gconstpointer opaque)
{
    const ResidentCase *c = opaque;
    size_t page = sysconf(_SC_PAGESIZE);
    size_t mapped = (c->size + page - 1) / page * page;
    size_t marks[] = { 0, mapped / 2 + 17, mapped - 1 };
    g_autoptr(GError) err = NULL;
    int fd = -1;
    char *p;
    guint i;

    if (c->backing == BACKING_ANON) {
        p = map_guarded(c->size, PROT_READ | PROT_WRITE,
                        MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1);
    } else {
        fd = new_memfd(mapped);
        /* Data already in the file must survive the touching. */
        for (i = 0; i < G_N_ELEMENTS(marks); i++) {
            char b = 0x5a + i;

            g_assert_cmpint(pwrite(fd, &b, 1, marks[i]), ==, 1);
        }
        p = map_guarded(c->size, PROT_READ | PROT_WRITE, MAP_SHARED, fd);
    }

    g_assert_cmpuint(rss_of(p), ==, 0);
    if (c->backing == BACKING_ANON) {
        for (i = 0; i < G_N_ELEMENTS(marks); i++) {
            p[marks[i]] = 0x5a + i;
        }
        g_assert_cmpuint(rss_of(p), ==, G_N_ELEMENTS(marks) * page);
    }

    qmem_prealloc_set_force_touch(c->touch);
    g_assert(qmem_prealloc_mem(fd, p, c->size, c->max_threads, NULL, FALSE,
                               &err));
    qmem_prealloc_set_force_touch(FALSE);
    g_assert_no_error(err);

    g_assert_cmpuint(rss_of(p), ==, mapped);
    if (fd >= 0) {
        g_assert_cmpuint(allocated_bytes(fd), ==, mapped);
    }
    for (i = 0; i < G_N_ELEMENTS(marks); i++) {
        g_assert_cmpint(p[marks[i]], ==, 0x5a + i);
    }

    unmap_guarded(p, c->size);
    if (fd >= 0) {
        close(fd);
    }
}

/* SIGBUS: a shared mapping longer than its file */

typedef struct {
    gboolean touch;
    size_t file_size;
    size_t map_size;
    guint max_threads;
} SigbusCase;

static volatile sig_atomic_t previous_handler_calls;

static void previous_handler(int sig, siginfo_t *info, void *ctx)
{
    previous_handler_calls++;
}

static void install_previous_handler(struct sigaction *saved)
{
    struct sigaction act;

    memset(&act, 0, sizeof(act));
    act.sa_sigaction = previous_handler;
    act.sa_flags = SA_SIGINFO;
    sigemptyset(&act.sa_mask);
    g_assert_cmpint(sigaction(SIGBUS, &act, saved), ==, 0);
}

/* qmem's handler stays, and passes on a SIGBUS that is not its own. */
static void assert_previous_handler_chained(void)
{
    previous_handler_calls = 0;
    raise(SIGBUS);
    g_assert_cmpint(previous_handler_calls, ==, 1);
}

static void test_sigbus(gconstpointer opaque)
{
    const SigbusCase *c = opaque;
    g_autoptr(GError) err = NULL;
    struct sigaction saved;
    int fd = new_memfd(c->file_size);
    char *p;

    p = map_guarded(c->map_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd);
    install_previous_handler(&saved);
    previous_handler_calls = 0;

    qmem_prealloc_set_force_touch(c->touch);
    g_assert(!qmem_prealloc_mem(fd, p, c->map_size, c->max_threads, NULL,
                                FALSE, &err));
    qmem_prealloc_set_force_touch(FALSE);

    /*
     * With MADV_POPULATE_WRITE this is the kernel's errno: EFAULT, "a
     * SIGBUS would have been generated on actual access"; when touching,
     * it is the SIGBUS itself, turned into EFAULT as in QEMU.
     */
    g_assert_error(err, QMEM_ERROR, QMEM_ERROR_GENERIC);
    g_assert_cmpstr(err->message, ==,
                    "qemu_prealloc_mem: preallocating memory failed: "
                    "Bad address");
    /* The faults were ours, not the previous handler's... */
    g_assert_cmpint(previous_handler_calls, ==, 0);
    /* ...which still gets the others. */
    assert_previous_handler_chained();
    /* Every page that exists was populated, by whichever thread. */
    g_assert_cmpuint(allocated_bytes(fd), ==, c->file_size);

    g_assert_cmpint(sigaction(SIGBUS, &saved, NULL), ==, 0);
    unmap_guarded(p, c->map_size);
    close(fd);
}

/*
 * A SIGBUS raised by another thread while pages are being touched is not a
 * preallocation failure: it goes to the handler installed before.
 */
typedef struct {
    gint done;
    gint raised;
} Raiser;

static volatile sig_atomic_t forwarded_calls;

static void counting_handler(int sig, siginfo_t *info, void *ctx)
{
    struct sigaction cur;

    previous_handler_calls++;
    /* Called through qmem's handler rather than directly by the kernel? */
    if (sigaction(SIGBUS, NULL, &cur) == 0
        && cur.sa_sigaction != counting_handler) {
        forwarded_calls++;
    }
}

static gpointer raise_sigbus(gpointer opaque)
{
    Raiser *r = opaque;

    while (!g_atomic_int_get(&r->done)) {
        raise(SIGBUS);
        g_atomic_int_inc(&r->raised);
        g_usleep(50);
    }
    return NULL;
}

static void test_sigbus_unrelated(void)
{
    const size_t size = 512 * MiB;
    g_autoptr(GError) err = NULL;
    struct sigaction act, saved;
    Raiser r = { 0 };
    GThread *thread;
    char *p;

    memset(&act, 0, sizeof(act));
    act.sa_sigaction = counting_handler;
    act.sa_flags = SA_SIGINFO;
    sigemptyset(&act.sa_mask);
    g_assert_cmpint(sigaction(SIGBUS, &act, &saved), ==, 0);
    previous_handler_calls = 0;
    forwarded_calls = 0;

    p = map_guarded(size, PROT_READ | PROT_WRITE,
                    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1);
    thread = g_thread_new("raise-sigbus", raise_sigbus, &r);
    while (g_atomic_int_get(&r.raised) == 0) {
        g_usleep(10);
    }

    qmem_prealloc_set_force_touch(TRUE);
    g_assert(qmem_prealloc_mem(-1, p, size, 2, NULL, FALSE, &err));
    qmem_prealloc_set_force_touch(FALSE);
    g_assert_no_error(err);

    g_atomic_int_set(&r.done, 1);
    g_thread_join(thread);

    g_assert_cmpint(previous_handler_calls, ==, g_atomic_int_get(&r.raised));
    g_assert_cmpint(forwarded_calls, >, 0);
    g_assert_cmpuint(rss_of(p), ==, size);

    g_assert_cmpint(sigaction(SIGBUS, &saved, NULL), ==, 0);
    unmap_guarded(p, size);
}

static void test_zero_size(void)
{
    g_autoptr(GError) err = NULL;
    char *p = map_guarded(4 * KiB, PROT_READ | PROT_WRITE,
                          MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1);

    g_assert(qmem_prealloc_mem(-1, p, 0, 4, NULL, FALSE, &err));
    g_assert_no_error(err);
    g_assert_cmpuint(rss_of(p), ==, 0);
    unmap_guarded(p, 4 * KiB);
}

static const ResidentCase resident_cases[] = {
    { BACKING_ANON, FALSE, 64 * MiB, 1 },
    { BACKING_ANON, FALSE, 64 * MiB, 4 },
    /* An odd page count and a partial last page, over several threads. */
    { BACKING_ANON, FALSE, 256 * MiB + 2 * 4 * KiB + 100, 4 },
    { BACKING_MEMFD, FALSE, 64 * MiB, 1 },
    { BACKING_MEMFD, FALSE, 256 * MiB + 2 * 4 * KiB + 100, 4 },
    { BACKING_ANON, TRUE, 64 * MiB, 1 },
    { BACKING_ANON, TRUE, 256 * MiB + 2 * 4 * KiB + 100, 4 },
    { BACKING_MEMFD, TRUE, 64 * MiB, 1 },
    { BACKING_MEMFD, TRUE, 256 * MiB + 2 * 4 * KiB + 100, 4 },
};

static const SigbusCase sigbus_cases[] = {
    /* A file of size 0 and a mapping of one page. */
    { FALSE, 0, 4 * KiB, 1 },
    { TRUE, 0, 4 * KiB, 1 },
    /* Two threads (where there are 2 CPUs): only the second one fails. */
    { FALSE, 192 * MiB, 256 * MiB, 2 },
    { TRUE, 192 * MiB, 256 * MiB, 2 },
};

int main(int argc, char **argv)
{
    guint i;

    g_test_init(&argc, &argv, NULL);

    for (i = 0; i < G_N_ELEMENTS(thread_count_cases); i++) {
        g_autofree char *path = g_strdup_printf(
            "/util/prealloc/thread-count/%s", thread_count_cases[i].name);

        g_test_add_data_func(path, &thread_count_cases[i], test_thread_count);
    }
    for (i = 0; i < G_N_ELEMENTS(resident_cases); i++) {
        const ResidentCase *c = &resident_cases[i];
        g_autofree char *path =
            g_strdup_printf("/util/prealloc/%s/%s/%zu-bytes/%u-threads",
                            c->touch ? "touch" : "populate-write",
                            c->backing == BACKING_ANON ? "anon" : "memfd",
                            c->size, c->max_threads);

        g_test_add_data_func(path, c, test_resident);
    }
    for (i = 0; i < G_N_ELEMENTS(sigbus_cases); i++) {
        const SigbusCase *c = &sigbus_cases[i];
        g_autofree char *path =
            g_strdup_printf("/util/prealloc/%s/sigbus/%zu-of-%zu/%u-threads",
                            c->touch ? "touch" : "populate-write", c->file_size,
                            c->map_size, c->max_threads);

        g_test_add_data_func(path, c, test_sigbus);
    }
    g_test_add_func("/util/prealloc/touch/sigbus/unrelated",
                    test_sigbus_unrelated);
    g_test_add_func("/util/prealloc/zero-size", test_zero_size);

    return g_test_run();
}
