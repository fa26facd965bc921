/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Tests for thread-context, prealloc-context and start-up preallocation. */

#include <errno.h>
#include <inttypes.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "qmem-config.h"
#include "qom/property.h"
#include "qom/user-creatable.h"
#include "system/hostmem.h"
#include "system/thread-context.h"
#include "tests/unit/test-machine.h"
#include "util/context-thread.h"
#include "util/error.h"
#include "util/prealloc.h"
#include "util/thread.h"

#define MiB (1024ULL * 1024)

/* Helpers */

/* The CPUs the calling thread may run on, as a "0,3"-style string. */
static char *my_cpus(void)
{
    GString *s = g_string_new(NULL);
    cpu_set_t set;

    g_assert_cmpint(sched_getaffinity(0, sizeof(set), &set), ==, 0);
    for (int cpu = 0; cpu < CPU_SETSIZE; cpu++) {
        if (CPU_ISSET(cpu, &set)) {
            g_string_append_printf(s, "%s%d", s->len ? "," : "", cpu);
        }
    }
    return g_string_free(s, FALSE);
}

/*
 * A CPU for the context: the last one this process may use, so that with
 * two or more the context's set differs from everybody else's.
 */
static guint64 target_cpu(void)
{
    cpu_set_t set;
    int last = -1;

    g_assert_cmpint(sched_getaffinity(0, sizeof(set), &set), ==, 0);
    for (int cpu = 0; cpu < CPU_SETSIZE; cpu++) {
        if (CPU_ISSET(cpu, &set)) {
            last = cpu;
        }
    }
    g_assert_cmpint(last, >=, 0);
    return last;
}

static GArray *cpu_list(guint64 cpu)
{
    GArray *a = g_array_new(FALSE, FALSE, sizeof(guint64));

    g_array_append_val(a, cpu);
    return a;
}

static guint count_tasks(void)
{
    g_autoptr(GDir) d = g_dir_open("/proc/self/task", 0, NULL);
    guint n = 0;

    g_assert_nonnull(d);
    while (g_dir_read_name(d)) {
        n++;
    }
    return n;
}

/* One line of /proc/self/task/TID/status, without its key. */
static char *task_status(int tid, const char *key)
{
    g_autofree char *path = g_strdup_printf("/proc/self/task/%d/status", tid);
    g_autofree char *text = NULL;
    g_auto(GStrv) lines = NULL;
    g_autofree char *prefix = g_strdup_printf("%s:", key);

    g_assert_true(g_file_get_contents(path, &text, NULL, NULL));
    lines = g_strsplit(text, "\n", -1);
    for (guint i = 0; lines[i]; i++) {
        if (g_str_has_prefix(lines[i], prefix)) {
            return g_strdup(g_strstrip(lines[i] + strlen(prefix)));
        }
    }
    g_assert_not_reached();
}

/* Resident bytes of the mapping that starts at @p (/proc/self/smaps). */
static guint64 rss_of(const void *p)
{
    g_autofree char *smaps = NULL;
    g_auto(GStrv) lines = NULL;
    gboolean in_vma = FALSE;

    g_assert_true(g_file_get_contents("/proc/self/smaps", &smaps, NULL,
                                      NULL));
    lines = g_strsplit(smaps, "\n", -1);
    for (guint i = 0; lines[i]; i++) {
        unsigned long start, end;
        guint64 kib;

        if (sscanf(lines[i], "%lx-%lx ", &start, &end) == 2) {
            in_vma = start == (unsigned long)p;
        } else if (in_vma &&
                   sscanf(lines[i], "Rss: %" SCNu64 " kB", &kib) == 1) {
            return kib * 1024;
        }
    }
    g_assert_not_reached();
}

/* @size bytes between guard pages: a VMA of its own in smaps. */
static char *map_anon(size_t size)
{
    size_t page = getpagesize();
    char *guard = mmap(NULL, size + 2 * page, PROT_NONE,
                       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    char *p;

    g_assert_true(guard != MAP_FAILED);
    p = mmap(guard + page, size, PROT_READ | PROT_WRITE,
             MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED, -1, 0);
    g_assert_true(p == guard + page);
    return p;
}

static void unmap_anon(char *p, size_t size)
{
    size_t page = getpagesize();

    g_assert_cmpint(munmap(p - page, size + 2 * page), ==, 0);
}

/*
 * The prealloc thread hook: where each preallocation thread ran.  Each
 * entry is the CPU list string of one thread.
 */
static GMutex seen_mutex;
static GPtrArray *seen;

static void record_cpus(gpointer data)
{
    g_mutex_lock(&seen_mutex);
    g_ptr_array_add(seen, my_cpus());
    g_mutex_unlock(&seen_mutex);
}

static void seen_start(void)
{
    seen = g_ptr_array_new_with_free_func(g_free);
    qmem_prealloc_set_thread_hook(record_cpus, NULL);
}

/* Every thread seen ran on @cpus only; returns how many there were. */
static guint seen_end(const char *cpus)
{
    guint n = seen->len;

    qmem_prealloc_set_thread_hook(NULL, NULL);
    for (guint i = 0; i < seen->len; i++) {
        g_assert_cmpstr(g_ptr_array_index(seen, i), ==, cpus);
    }
    g_clear_pointer(&seen, g_ptr_array_unref);
    return n;
}

/* util/context-thread.c */

static gpointer report_cpus(gpointer data)
{
    return my_cpus();
}

static void test_context_thread(void)
{
    g_autoptr(GArray) cpus = cpu_list(target_cpu());
    g_autofree char *expected = g_strdup_printf("%" G_GUINT64_FORMAT,
                                                target_cpu());
    g_autofree char *mine = my_cpus();
    g_autoptr(GArray) got = NULL;
    g_autofree char *comm = NULL;
    g_autofree char *inherited = NULL;
    g_autofree char *mine_after = NULL;
    guint tasks = count_tasks();
    QmemContextThread *ct = qmem_context_thread_new("TC test", NULL);
    GThread *thread;

    g_assert_nonnull(ct);
    g_assert_cmpuint(count_tasks(), ==, tasks + 1);
    comm = task_status(qmem_context_thread_get_tid(ct), "Name");
    g_assert_cmpstr(comm, ==, "TC test");

    g_assert_cmpint(qmem_context_thread_set_affinity(ct, cpus), ==, 0);
    g_assert_cmpint(qmem_context_thread_get_affinity(ct, &got), ==, 0);
    g_assert_cmpuint(got->len, ==, 1);
    g_assert_cmpuint(g_array_index(got, guint64, 0), ==, target_cpu());

    thread = qmem_context_thread_create(ct, "child", report_cpus, NULL);
    g_assert_nonnull(thread);
    inherited = g_thread_join(thread);
    g_assert_cmpstr(inherited, ==, expected);
    /* The caller keeps its own. */
    mine_after = my_cpus();
    g_assert_cmpstr(mine_after, ==, mine);

    qmem_context_thread_free(ct);
    g_assert_cmpuint(count_tasks(), ==, tasks);
}

static void test_context_thread_bad_affinity(void)
{
    g_autoptr(GArray) bad = cpu_list(CPU_SETSIZE * 4 - 1);
    g_autoptr(GArray) got = NULL;
    g_autofree char *before = NULL;
    g_autofree char *after = NULL;
    QmemContextThread *ct = qmem_context_thread_new("TC bad", NULL);

    if (sysconf(_SC_NPROCESSORS_CONF) >= CPU_SETSIZE * 4) {
        qmem_context_thread_free(ct);
        g_test_skip("the host has that CPU");
        return;
    }
    before = task_status(qmem_context_thread_get_tid(ct),
                         "Cpus_allowed_list");
    g_assert_cmpint(qmem_context_thread_set_affinity(ct, bad), ==, EINVAL);
    g_assert_cmpint(qmem_context_thread_get_affinity(ct, &got), ==, 0);
    g_assert_cmpuint(got->len, >, 0);
    after = task_status(qmem_context_thread_get_tid(ct),
                        "Cpus_allowed_list");
    g_assert_cmpstr(after, ==, before);
    qmem_context_thread_free(ct);
}

/* util/prealloc.c with a context, and in the background */

typedef struct {
    QmemContextThread *ct;
    char *cpus;         /* the context's CPU list string */
    guint tasks;        /* threads before the test */
} PreallocFixture;

static void prealloc_setup(PreallocFixture *f, gconstpointer data)
{
    g_autoptr(GArray) cpus = cpu_list(target_cpu());

    f->tasks = count_tasks();
    f->ct = qmem_context_thread_new("TC prealloc", NULL);
    g_assert_cmpint(qmem_context_thread_set_affinity(f->ct, cpus), ==, 0);
    f->cpus = g_strdup_printf("%" G_GUINT64_FORMAT, target_cpu());
    seen_start();
}

static void prealloc_teardown(PreallocFixture *f, gconstpointer data)
{
    g_assert_false(qmem_prealloc_async_pending());
    qmem_prealloc_set_force_touch(FALSE);
    if (seen) {
        seen_end(f->cpus);
    }
    qmem_context_thread_free(f->ct);
    g_free(f->cpus);
    /* Every preallocation thread was joined. */
    g_assert_cmpuint(count_tasks(), ==, f->tasks);
}

/* Synchronous: the threads come from the context and run on its CPUs. */
static void test_prealloc_sync(PreallocFixture *f, gconstpointer data)
{
    const size_t size = 256 * MiB;
    g_autoptr(GError) err = NULL;
    guint expected = qmem_prealloc_thread_count(sysconf(_SC_NPROCESSORS_ONLN),
                                                getpagesize(), size, 4);
    char *p = map_anon(size);

    /* Touching always uses threads (populating with one would not). */
    qmem_prealloc_set_force_touch(TRUE);
    g_assert_true(qmem_prealloc_mem(-1, p, size, 4, f->ct, TRUE, &err));
    g_assert_no_error(err);
    /* Touching never waits for qmem_prealloc_finish_async(). */
    g_assert_false(qmem_prealloc_async_pending());
    g_assert_cmpuint(rss_of(p), ==, size);
    g_assert_cmpuint(seen_end(f->cpus), ==, expected);
    unmap_anon(p, size);
}

/* Asynchronous: nothing happens until finish, then all of it. */
static void test_prealloc_async(PreallocFixture *f, gconstpointer data)
{
    const size_t size = 128 * MiB;
    g_autoptr(GError) err = NULL;
    char *a = map_anon(size);
    char *b = map_anon(size);

    g_assert_true(qmem_prealloc_mem(-1, a, size, 2, f->ct, TRUE, &err));
    g_assert_true(qmem_prealloc_mem(-1, b, size, 2, f->ct, TRUE, &err));
    g_assert_no_error(err);
    g_assert_true(qmem_prealloc_async_pending());
    /* The probe for MADV_POPULATE_WRITE populated the first page only. */
    g_assert_cmpuint(rss_of(a), <=, 2 * MiB);
    g_assert_cmpuint(rss_of(b), <=, 2 * MiB);
    /* Created, waiting: more threads than before. */
    g_assert_cmpuint(count_tasks(), >, f->tasks + 1);

    g_assert_true(qmem_prealloc_finish_async(&err));
    g_assert_no_error(err);
    g_assert_false(qmem_prealloc_async_pending());
    g_assert_cmpuint(rss_of(a), ==, size);
    g_assert_cmpuint(rss_of(b), ==, size);
    /* Even one thread's worth is a thread in the background. */
    g_assert_cmpuint(seen_end(f->cpus), >=, 2);
    g_assert_true(qmem_prealloc_finish_async(&err));
    unmap_anon(a, size);
    unmap_anon(b, size);
}

/* Without a context there is no telling where threads run: synchronous. */
static void test_prealloc_async_needs_context(PreallocFixture *f,
                                              gconstpointer data)
{
    const size_t size = 128 * MiB;
    g_autoptr(GError) err = NULL;
    char *p = map_anon(size);
    g_autofree char *mine = my_cpus();

    g_assert_true(qmem_prealloc_mem(-1, p, size, 2, NULL, TRUE, &err));
    g_assert_false(qmem_prealloc_async_pending());
    g_assert_cmpuint(rss_of(p), ==, size);
    /* Threads of the caller's own, where there were several. */
    seen_end(mine);
    unmap_anon(p, size);
}

/*
 * One that fails does not stop the others; finish reports it in QEMU's
 * words and nothing waits afterwards.
 */
static void test_prealloc_async_failure(PreallocFixture *f,
                                        gconstpointer data)
{
    const size_t size = 128 * MiB;
    const size_t page = getpagesize();
    g_autoptr(GError) err = NULL;
    int fd = memfd_create("test-thread-context", MFD_CLOEXEC);
    /* A file of size 0 behind a page of mapping: populating it fails. */
    char *bad = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    char *good = map_anon(size);

    g_assert_true(bad != MAP_FAILED);
    g_assert_true(qmem_prealloc_mem(fd, bad, page, 1, f->ct, TRUE, &err));
    g_assert_true(qmem_prealloc_mem(-1, good, size, 2, f->ct, TRUE, &err));
    g_assert_no_error(err);
    g_assert_false(qmem_prealloc_finish_async(&err));
    g_assert_error(err, QMEM_ERROR, QMEM_ERROR_GENERIC);
    g_assert_cmpstr(err->message, ==,
                    "qemu_prealloc_mem: preallocating memory failed: "
                    "Bad address");
    g_assert_cmpuint(rss_of(good), ==, size);
    g_assert_false(qmem_prealloc_async_pending());
    munmap(bad, page);
    unmap_anon(good, size);
    close(fd);
}

/* Memory about to go calls its own off; the others still wait. */
static void test_prealloc_async_cancel(PreallocFixture *f, gconstpointer data)
{
    const size_t size = 128 * MiB;
    g_autoptr(GError) err = NULL;
    char *a = map_anon(size);
    char *b = map_anon(size);

    g_assert_true(qmem_prealloc_mem(-1, a, size, 2, f->ct, TRUE, &err));
    g_assert_true(qmem_prealloc_mem(-1, b, size, 2, f->ct, TRUE, &err));
    g_assert_true(qmem_prealloc_cancel_async(a));
    g_assert_false(qmem_prealloc_cancel_async(a));
    g_assert_true(qmem_prealloc_async_pending());
    unmap_anon(a, size);
    g_assert_true(qmem_prealloc_finish_async(&err));
    g_assert_no_error(err);
    g_assert_cmpuint(rss_of(b), ==, size);
    g_assert_false(qmem_prealloc_cancel_async(NULL));
    unmap_anon(b, size);
}

/* The thread-context object */

typedef struct {
    MachineFixture base;    /* no machine: objects on their own */
    guint tasks;
} Fixture;

static void fixture_setup(Fixture *f, gconstpointer data)
{
    machine_fixture_setup(&f->base, NULL);
    f->tasks = count_tasks();
}

static void fixture_teardown(Fixture *f, gconstpointer data)
{
    machine_fixture_teardown(&f->base, NULL);
    qmem_host_memory_backend_set_async_prealloc(FALSE);
    qmem_prealloc_set_force_touch(FALSE);
    g_assert_false(qmem_prealloc_async_pending());
    /* Every helper thread and preallocation thread is gone. */
    g_assert_cmpuint(count_tasks(), ==, f->tasks);
}

static int context_tid(QmemObject *tc)
{
    guint64 tid;

    g_object_get(tc, QMEM_THREAD_CONTEXT_PROP_THREAD_ID, &tid, NULL);
    g_assert_cmpuint(tid, >, 0);
    g_assert_cmpuint(tid, <, G_MAXUINT32);
    return tid;
}

static QmemObject *add_context(Fixture *f)
{
    g_autofree char *text = g_strdup_printf(
        "thread-context,id=tc1,cpu-affinity=%" G_GUINT64_FORMAT, target_cpu());

    return add_object(&f->base, text);
}

static void test_object_create(Fixture *f, gconstpointer data)
{
    QmemObject *tc = add_context(f);
    g_autofree char *expected = g_strdup_printf("%" G_GUINT64_FORMAT,
                                                target_cpu());
    g_autofree char *allowed = task_status(context_tid(tc),
                                           "Cpus_allowed_list");
    g_autofree char *name = task_status(context_tid(tc), "Name");
    g_autofree char *printed = NULL;
    g_autoptr(GError) err = NULL;

    g_assert_cmpuint(count_tasks(), ==, f->tasks + 1);
    g_assert_cmpstr(allowed, ==, expected);
    g_assert_cmpstr(name, ==, "TC tc1");
    printed = qmem_property_print(tc, QMEM_THREAD_CONTEXT_PROP_CPU_AFFINITY,
                                  &err);
    g_assert_no_error(err);
    g_assert_cmpstr(printed, ==, expected);
    g_assert_true(qmem_user_creatable_del("tc1", &err));
    g_assert_no_error(err);
}

/* Without an affinity the helper runs where its creator does. */
static void test_object_no_affinity(Fixture *f, gconstpointer data)
{
    QmemObject *tc = add_object(&f->base, "thread-context,id=tc1");
    g_autofree char *mine = my_cpus();
    g_autoptr(GArray) cpus = NULL;
    g_autoptr(GString) got = g_string_new(NULL);

    g_object_get(tc, QMEM_THREAD_CONTEXT_PROP_CPU_AFFINITY, &cpus, NULL);
    for (guint i = 0; i < cpus->len; i++) {
        g_string_append_printf(got, "%s%" G_GUINT64_FORMAT, i ? "," : "",
                               g_array_index(cpus, guint64, i));
    }
    g_assert_cmpstr(got->str, ==, mine);
    g_assert_cmpuint(count_tasks(), ==, f->tasks + 1);
}

typedef struct {
    const char *name;
    const char *text;
    const char *message;
    gboolean needs_numa;
} ErrorCase;

static const ErrorCase error_cases[] = {
    { "mixing-cpu-node", "thread-context,id=tc,cpu-affinity=0,node-affinity=0",
      "Mixing CPU and node affinity not supported", TRUE },
    { "mixing-node-cpu", "thread-context,id=tc,node-affinity=0,cpu-affinity=0",
      "Mixing CPU and node affinity not supported", TRUE },
    { "cpu-list-empty",
      "{\"qom-type\": \"thread-context\", \"id\": \"tc\", "
      "\"cpu-affinity\": []}", "CPU list is empty", FALSE },
    { "node-list-empty",
      "{\"qom-type\": \"thread-context\", \"id\": \"tc\", "
      "\"node-affinity\": []}", "Node list is empty", TRUE },
    { "nodes-select-no-cpus", "thread-context,id=tc,node-affinity=200",
      "The nodes select no CPUs", TRUE },
    { "no-such-cpu", "thread-context,id=tc,cpu-affinity=4095",
      "Setting CPU affinity failed: Invalid argument", FALSE },
    { "cpu-not-uint16", "thread-context,id=tc,cpu-affinity=70000",
      "Parameter 'null' expects uint16_t", FALSE },
    { "thread-id-read-only", "thread-context,id=tc,thread-id=5",
      "Invalid parameter 'thread-id'", FALSE },
    { "thread-id-json",
      "{\"qom-type\": \"thread-context\", \"id\": \"tc\", \"thread-id\": 5}",
      "Parameter 'thread-id' is unexpected", FALSE },
};

static void test_object_error(Fixture *f, gconstpointer data)
{
    const ErrorCase *c = data;
    g_autoptr(GError) err = NULL;

    if (c->needs_numa && !CONFIG_NUMA) {
        g_test_skip("built without libnuma");
        return;
    }
    g_assert_null(try_object(&f->base, c->text, &err));
    g_assert_error(err, QMEM_ERROR, QMEM_ERROR_GENERIC);
    g_assert_cmpstr(err->message, ==, c->message);
    /* Nothing left: no object, no helper thread. */
    g_assert_null(qmem_object_resolve_path("/objects/tc", G_TYPE_NONE, NULL));
    g_assert_cmpuint(count_tasks(), ==, f->tasks);
}

/* Once complete, the helper moves; threads created before do not. */
static void test_object_live(Fixture *f, gconstpointer data)
{
    QmemObject *tc = add_object(&f->base, "thread-context,id=tc1");
    g_autofree char *target = g_strdup_printf("%" G_GUINT64_FORMAT,
                                              target_cpu());
    g_autofree char *moved = NULL;
    g_autofree char *kept = NULL;
    g_autoptr(GError) err = NULL;

    g_assert_true(qmem_property_parse(tc, "cpu-affinity", target, &err));
    g_assert_no_error(err);
    moved = task_status(context_tid(tc), "Cpus_allowed_list");
    g_assert_cmpstr(moved, ==, target);

    g_assert_false(qmem_property_parse(tc, "cpu-affinity", "4095", &err));
    g_assert_cmpstr(err->message, ==,
                    "Setting CPU affinity failed: Invalid argument");
    g_clear_error(&err);
    kept = task_status(context_tid(tc), "Cpus_allowed_list");
    g_assert_cmpstr(kept, ==, target);
#if CONFIG_NUMA
    /* Live, node affinity after CPU affinity is no mix. */
    g_assert_true(qmem_property_parse(tc, "node-affinity", "0", &err));
    g_assert_no_error(err);
#endif
}

static void test_object_help(Fixture *f, gconstpointer data)
{
    g_autoptr(GString) out = g_string_new(NULL);

    g_assert_true(qmem_user_creatable_print_help("thread-context", out));
    g_assert_cmpstr(out->str, ==, "thread-context options:\n"
                                  "  cpu-affinity=<int>\n"
                                  "  node-affinity=<int>\n");
}

/* Backends with a prealloc-context */

static QmemRamBlock *block_of(QmemObject *obj)
{
    return qmem_host_memory_backend_get_ram_block(
        QMEM_HOST_MEMORY_BACKEND(obj));
}

static void test_backend_sync(Fixture *f, gconstpointer data)
{
    g_autofree char *cpus = NULL;
    QmemObject *m;

    add_context(f);
    cpus = g_strdup_printf("%" G_GUINT64_FORMAT, target_cpu());
    seen_start();
    qmem_prealloc_set_force_touch(TRUE);
    m = add_object(&f->base, "memory-backend-ram,id=m,size=256M,prealloc=on,"
                             "prealloc-threads=4,prealloc-context=tc1");
    g_assert_cmpuint(rss_of(block_of(m)->host), ==, 256 * MiB);
    g_assert_cmpuint(seen_end(cpus), ==,
                     qmem_prealloc_thread_count(sysconf(_SC_NPROCESSORS_ONLN),
                                                getpagesize(), 256 * MiB, 4));
}

/* Turned on later, prealloc uses the context too, and is synchronous. */
static void test_backend_live(Fixture *f, gconstpointer data)
{
    g_autofree char *cpus = NULL;
    g_autoptr(GError) err = NULL;
    QmemObject *m;

    add_context(f);
    cpus = g_strdup_printf("%" G_GUINT64_FORMAT, target_cpu());
    m = add_object(&f->base, "memory-backend-memfd,id=m,size=128M,"
                             "prealloc-context=tc1");
    qmem_host_memory_backend_set_async_prealloc(TRUE);
    seen_start();
    qmem_prealloc_set_force_touch(TRUE);
    g_assert_true(qmem_property_parse(m, "prealloc", "on", &err));
    g_assert_no_error(err);
    g_assert_cmpuint(rss_of(block_of(m)->host), ==, 128 * MiB);
    g_assert_cmpuint(seen_end(cpus), >=, 1);
}

/* At start-up: complete returns at once, finish does the work. */
static void test_backend_async(Fixture *f, gconstpointer data)
{
    g_autofree char *cpus = NULL;
    g_autoptr(GError) err = NULL;
    QmemObject *a, *b;

    add_context(f);
    cpus = g_strdup_printf("%" G_GUINT64_FORMAT, target_cpu());
    seen_start();
    qmem_host_memory_backend_set_async_prealloc(TRUE);
    a = add_object(&f->base, "memory-backend-memfd,id=a,size=128M,"
                             "prealloc=on,prealloc-context=tc1");
    b = add_object(&f->base, "memory-backend-ram,id=b,size=128M,"
                             "prealloc=on,prealloc-context=tc1");
    qmem_host_memory_backend_set_async_prealloc(FALSE);
    g_assert_true(qmem_prealloc_async_pending());
    /*
     * The probe for MADV_POPULATE_WRITE populated the first page only (a
     * transparent huge page for anonymous memory).
     */
    g_assert_cmpuint(rss_of(block_of(a)->host), <=, 2 * MiB);
    g_assert_cmpuint(rss_of(block_of(b)->host), <=, 2 * MiB);
    g_assert_true(qmem_prealloc_finish_async(&err));
    g_assert_no_error(err);
    g_assert_cmpuint(rss_of(block_of(a)->host), ==, 128 * MiB);
    g_assert_cmpuint(rss_of(block_of(b)->host), ==, 128 * MiB);
    g_assert_cmpuint(seen_end(cpus), >=, 2);
}

/* Without a context a start-up backend is preallocated before complete. */
static void test_backend_async_no_context(Fixture *f, gconstpointer data)
{
    QmemObject *m;

    qmem_host_memory_backend_set_async_prealloc(TRUE);
    m = add_object(&f->base, "memory-backend-ram,id=m,size=128M,prealloc=on");
    qmem_host_memory_backend_set_async_prealloc(FALSE);
    g_assert_false(qmem_prealloc_async_pending());
    g_assert_cmpuint(rss_of(block_of(m)->host), ==, 128 * MiB);
}

/* A backend that goes before finish takes its preallocation with it. */
static void test_backend_async_deleted(Fixture *f, gconstpointer data)
{
    g_autoptr(GError) err = NULL;

    add_context(f);
    qmem_host_memory_backend_set_async_prealloc(TRUE);
    add_object(&f->base, "memory-backend-ram,id=m,size=128M,prealloc=on,"
                         "prealloc-context=tc1");
    qmem_host_memory_backend_set_async_prealloc(FALSE);
    g_assert_true(qmem_prealloc_async_pending());
    g_assert_true(qmem_user_creatable_del("m", &err));
    g_assert_no_error(err);
    g_assert_false(qmem_prealloc_async_pending());
}

static void test_backend_link(Fixture *f, gconstpointer data)
{
    g_autoptr(GError) err = NULL;
    QmemObject *m;
    g_autofree char *path = NULL;

    g_assert_null(try_object(&f->base, "memory-backend-ram,id=m,size=1M,"
                                       "prealloc-context=nope", &err));
    g_assert_cmpstr(err->message, ==, "Device 'nope' not found");
    g_clear_error(&err);
    add_context(f);
    m = add_object(&f->base, "memory-backend-ram,id=m,size=1M,"
                             "prealloc-context=tc1");
    path = qmem_property_print(m, "prealloc-context", &err);
    g_assert_no_error(err);
    g_assert_cmpstr(path, ==, "/objects/tc1");
    /* A strong link: the context outlives its id, as in QEMU. */
    g_assert_true(qmem_user_creatable_del("tc1", &err));
    g_assert_no_error(err);
    g_assert_cmpuint(count_tasks(), ==, f->tasks + 1);
}

/* memory-backend-shm */

static void test_shm(Fixture *f, gconstpointer data)
{
    QmemObject *m = add_object(&f->base, "memory-backend-shm,id=m,size=2M,"
                                         "prealloc=on");
    QmemRamBlock *block = block_of(m);
    g_autofree char *fd_path = g_strdup_printf("/proc/self/fd/%d", block->fd);
    g_autofree char *target = g_file_read_link(fd_path, NULL);
    g_autofree char *name = g_strdup_printf("/dev/shm/qemu-%d-shm-m",
                                            (int)getpid());
    g_autofree char *deleted = g_strdup_printf("%s (deleted)", name);
    gboolean share = FALSE;

    g_object_get(m, QMEM_HOSTMEM_PROP_SHARE, &share, NULL);
    g_assert_true(share);
    /* Unlinked at once: the memory has no name left. */
    g_assert_cmpstr(target, ==, deleted);
    g_assert_false(g_file_test(name, G_FILE_TEST_EXISTS));
    g_assert_cmpuint(rss_of(block->host), ==, 2 * MiB);
    g_assert_cmpuint(block->size, ==, 2 * MiB);
}

static const ErrorCase shm_error_cases[] = {
    { "share-off", "memory-backend-shm,id=m,size=1M,share=off",
      "can't create shm backend with `share=off`", FALSE },
    { "size-missing", "memory-backend-shm,id=m",
      "Parameter 'size' is missing", FALSE },
    { "canonical-path",
      "memory-backend-shm,id=m,size=1M,"
      "x-use-canonical-path-for-ramblock-id=on",
      "failed to create POSIX shared memory: Invalid argument", FALSE },
};

static void test_shm_error(Fixture *f, gconstpointer data)
{
    const ErrorCase *c = data;
    g_autoptr(GError) err = NULL;

    g_assert_null(try_object(&f->base, c->text, &err));
    g_assert_error(err, QMEM_ERROR, QMEM_ERROR_GENERIC);
    g_assert_cmpstr(err->message, ==, c->message);
    g_assert_null(qmem_object_resolve_path("/objects/m", G_TYPE_NONE, NULL));
}

#define ADD(path, data, fn) \
    g_test_add(path, Fixture, data, fixture_setup, fn, fixture_teardown)
#define ADD_PREALLOC(path, fn) \
    g_test_add(path, PreallocFixture, NULL, prealloc_setup, fn, \
               prealloc_teardown)

int main(int argc, char **argv)
{
    test_init(&argc, &argv);
    /* -name debug-threads=on: the helpers carry QEMU's names. */
    qmem_thread_naming(TRUE);

    g_test_add_func("/util/context-thread/inherit", test_context_thread);
    g_test_add_func("/util/context-thread/bad-affinity",
                    test_context_thread_bad_affinity);
    ADD_PREALLOC("/util/prealloc/context/sync", test_prealloc_sync);
    ADD_PREALLOC("/util/prealloc/context/async", test_prealloc_async);
    ADD_PREALLOC("/util/prealloc/context/async-needs-context",
                 test_prealloc_async_needs_context);
    ADD_PREALLOC("/util/prealloc/context/async-failure",
                 test_prealloc_async_failure);
    ADD_PREALLOC("/util/prealloc/context/async-cancel",
                 test_prealloc_async_cancel);

    ADD("/backends/thread-context/create", NULL, test_object_create);
    ADD("/backends/thread-context/no-affinity", NULL,
        test_object_no_affinity);
    for (guint i = 0; i < G_N_ELEMENTS(error_cases); i++) {
        g_autofree char *path = g_strdup_printf(
            "/backends/thread-context/error/%s", error_cases[i].name);

        ADD(path, &error_cases[i], test_object_error);
    }
    ADD("/backends/thread-context/live", NULL, test_object_live);
    ADD("/backends/thread-context/help", NULL, test_object_help);

    ADD("/backends/hostmem/prealloc-context/sync", NULL, test_backend_sync);
    ADD("/backends/hostmem/prealloc-context/live", NULL, test_backend_live);
    ADD("/backends/hostmem/prealloc-context/async", NULL, test_backend_async);
    ADD("/backends/hostmem/prealloc-context/async-no-context", NULL,
        test_backend_async_no_context);
    ADD("/backends/hostmem/prealloc-context/async-deleted", NULL,
        test_backend_async_deleted);
    ADD("/backends/hostmem/prealloc-context/link", NULL, test_backend_link);

    ADD("/backends/hostmem/shm/create", NULL, test_shm);
    for (guint i = 0; i < G_N_ELEMENTS(shm_error_cases); i++) {
        g_autofree char *path = g_strdup_printf(
            "/backends/hostmem/shm/error/%s", shm_error_cases[i].name);

        ADD(path, &shm_error_cases[i], test_shm_error);
    }
    return g_test_run();
}
