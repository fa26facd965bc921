/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Preallocation of guest memory (QEMU's qemu_prealloc_mem(), oslib-posix.c). */

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "util/context-thread.h"
#include "util/error.h"
#include "util/main-loop.h"
#include "util/osdep.h"
#include "util/prealloc.h"
#include "util/sigbus.h"
#include "util/thread.h"

#ifndef MADV_POPULATE_READ
#define MADV_POPULATE_READ 22
#endif
#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23
#endif

typedef struct PreallocContext PreallocContext;

typedef struct {
    char *addr;
    size_t numpages;
    size_t page_size;
    PreallocContext *context;
    GThread *thread;
} PreallocThread;

struct PreallocContext {
    /* Protected by page_mutex; workers start once it is set. */
    gboolean all_threads_created;
    /*
     * Set when not every thread could be created, or an asynchronous
     * preallocation is called off: the threads do nothing.
     */
    gboolean cancelled;
    guint num_threads;
    PreallocThread *threads;
    /* The area, to find an asynchronous preallocation by it. */
    void *area;
};

static GMutex page_mutex;
static GCond page_cond;

/*
 * Asynchronous preallocations (QEMU 9.0+): created, their threads waiting
 * for the start signal of qmem_prealloc_finish_async().
 */
static GMutex async_mutex;
static GSList *async_contexts;

static gint force_touch;
static void (*thread_hook)(gpointer data);
static gpointer thread_hook_data;

void qmem_prealloc_set_force_touch(gboolean force)
{
    g_atomic_int_set(&force_touch, force);
}

void qmem_prealloc_set_thread_hook(void (*hook)(gpointer data), gpointer data)
{
    g_mutex_lock(&page_mutex);
    thread_hook = hook;
    thread_hook_data = data;
    g_mutex_unlock(&page_mutex);
}

static gboolean wait_for_start(PreallocContext *context)
{
    void (*hook)(gpointer data);
    gpointer hook_data;
    gboolean cancelled;

    /*
     * Page faults contend on the mmap lock with the allocation of the
     * remaining threads' stacks, so nobody starts before all exist.
     */
    g_mutex_lock(&page_mutex);
    while (!context->all_threads_created) {
        g_cond_wait(&page_cond, &page_mutex);
    }
    cancelled = context->cancelled;
    hook = thread_hook;
    hook_data = thread_hook_data;
    g_mutex_unlock(&page_mutex);
    if (hook && !cancelled) {
        hook(hook_data);
    }
    return !cancelled;
}

/*
 * Preallocation gives up with -EINTR when a termination signal comes
 * (qmem_termsig_pending()): it looks between steps of this many bytes.
 */
#define PREALLOC_STEP (64 * 1024 * 1024)

/* MADV_POPULATE_WRITE (or _READ) over [addr, addr + size), step by step. */
static int populate_range(char *addr, size_t size, int advice)
{
    while (size) {
        size_t n = MIN(size, PREALLOC_STEP);

        if (qmem_termsig_pending()) {
            return -EINTR;
        }
        if (madvise(addr, n, advice)) {
            return -errno;
        }
        addr += n;
        size -= n;
    }
    return 0;
}

/* Returns 0 or -EINTR; a page that cannot be supplied jumps out. */
static int touch_range(char *addr, size_t numpages, size_t page_size)
{
    size_t step = MAX(PREALLOC_STEP / page_size, 1);

    for (size_t i = 0; i < numpages; i++) {
        if (i % step == 0 && qmem_termsig_pending()) {
            return -EINTR;
        }
        /*
         * Write back what was read, so that data already in the area
         * (e.g. a file's contents) survives; volatile so that the
         * compiler keeps the no-op store that faults the page in.
         */
        *(volatile char *)addr = *(volatile char *)addr;
        addr += page_size;
    }
    return 0;
}

static gpointer do_touch_pages(gpointer opaque)
{
    PreallocThread *t = opaque;
    QmemSigbusGuard guard;
    sigset_t set, oldset;
    int ret;

    if (!wait_for_start(t->context)) {
        return NULL;
    }

    /* The creator may run with SIGBUS blocked; a blocked fault kills. */
    sigemptyset(&set);
    sigaddset(&set, SIGBUS);
    pthread_sigmask(SIG_UNBLOCK, &set, &oldset);

    if (!qmem_sigbus_guard_arm(&guard, t->addr, t->numpages * t->page_size)) {
        ret = -errno;
    } else if (sigsetjmp(guard.env, 0)) {
        qmem_sigbus_guard_faulted(&guard);
        ret = -EFAULT;
    } else {
        ret = touch_range(t->addr, t->numpages, t->page_size);
        qmem_sigbus_guard_leave(&guard);
    }
    pthread_sigmask(SIG_SETMASK, &oldset, NULL);
    return GINT_TO_POINTER(ret);
}

static gpointer do_madv_populate_write_pages(gpointer opaque)
{
    PreallocThread *t = opaque;

    if (!wait_for_start(t->context)) {
        return NULL;
    }
    return GINT_TO_POINTER(populate_range(t->addr,
                                          t->numpages * t->page_size,
                                          MADV_POPULATE_WRITE));
}

guint qmem_prealloc_thread_count(long online_cpus, size_t page_size,
                                 size_t size, guint max_threads)
{
    size_t numpages, n = 1;

    g_return_val_if_fail(page_size > 0, 1);
    g_return_val_if_fail(max_threads >= 1, 1);

    numpages = size / page_size + (size % page_size != 0);
    if (online_cpus > 0) {
        n = MIN(MIN((size_t)online_cpus, QMEM_PREALLOC_MAX_THREADS),
                max_threads);
    }
    /* Especially with gigantic pages, no more threads than pages. */
    n = MIN(n, numpages);
    /* Little memory is not worth starting threads for. */
    n = MIN(n, MAX(1, numpages * page_size / QMEM_PREALLOC_BYTES_PER_THREAD));
    return n;
}

/* Joins every thread of @context and frees it: 0 or a negative errno. */
static int wait_and_free_context(PreallocContext *context, guint created)
{
    int ret = 0;

    for (guint i = 0; i < created; i++) {
        int tmp = GPOINTER_TO_INT(g_thread_join(context->threads[i].thread));

        if (tmp) {
            ret = tmp;
        }
    }
    g_free(context->threads);
    g_free(context);
    return ret;
}

/* Lets the threads of @context run, or with @cancel return at once. */
static void start_context(PreallocContext *context, gboolean cancel)
{
    g_mutex_lock(&page_mutex);
    context->all_threads_created = TRUE;
    context->cancelled |= cancel;
    g_cond_broadcast(&page_cond);
    g_mutex_unlock(&page_mutex);
}

static GThread *create_thread(QmemContextThread *tc, GThreadFunc fn,
                              PreallocThread *t)
{
    if (tc) {
        return qmem_context_thread_create(tc, "touch_pages", fn, t);
    }
    return qmem_thread_try_new("touch_pages", fn, t, NULL);
}

/* Returns 0 or a negative errno. */
static int touch_all_pages(char *area, size_t page_size, size_t numpages,
                           guint max_threads, QmemContextThread *tc,
                           gboolean async, gboolean use_populate)
{
    PreallocContext *context;
    size_t numpages_per_thread, leftover;
    GThreadFunc touch_fn;
    guint num_threads, created;
    char *addr = area;

    num_threads = qmem_prealloc_thread_count(sysconf(_SC_NPROCESSORS_ONLN),
                                             page_size, numpages * page_size,
                                             max_threads);
    /*
     * Only MADV_POPULATE_WRITE may run in the background: the touching
     * fallback's SIGBUS handling wants the caller to wait.  And only with
     * a context, which says where the threads run (QEMU's rule).
     */
    async = async && use_populate && tc;

    if (use_populate) {
        if (num_threads == 1 && !async) {
            /* A thread of its own would only add the cost of creating it. */
            return populate_range(area, numpages * page_size,
                                  MADV_POPULATE_WRITE);
        }
        touch_fn = do_madv_populate_write_pages;
    } else {
        touch_fn = do_touch_pages;
    }

    context = g_new0(PreallocContext, 1);
    context->num_threads = num_threads;
    context->area = area;
    context->threads = g_new0(PreallocThread, num_threads);
    numpages_per_thread = numpages / num_threads;
    leftover = numpages % num_threads;
    for (created = 0; created < num_threads; created++) {
        PreallocThread *t = &context->threads[created];

        t->addr = addr;
        t->numpages = numpages_per_thread + (created < leftover);
        t->page_size = page_size;
        t->context = context;
        t->thread = create_thread(tc, touch_fn, t);
        if (!t->thread) {
            /* The only way GLib reports failing to create a thread. */
            start_context(context, TRUE);
            wait_and_free_context(context, created);
            return -EAGAIN;
        }
        addr += t->numpages * page_size;
    }

    if (async) {
        /* Started, with every other one, by qmem_prealloc_finish_async(). */
        g_mutex_lock(&async_mutex);
        async_contexts = g_slist_prepend(async_contexts, context);
        g_mutex_unlock(&async_mutex);
        return 0;
    }
    start_context(context, FALSE);
    return wait_and_free_context(context, created);
}

/* @ret, 0 or -errno, as QEMU's qemu_prealloc_mem() reports it. */
static gboolean prealloc_result(int ret, GError **error)
{
    if (ret) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "qemu_prealloc_mem: preallocating memory failed: %s",
                    g_strerror(-ret));
        return FALSE;
    }
    return TRUE;
}

static gboolean populate_write_possible(void *area, size_t page_size)
{
    /*
     * Probed on every call: some mappings (e.g. of /dev/mem) refuse it
     * with EINVAL.  Any other failure will recur on the real call and be
     * reported from there.
     */
    return !madvise(area, page_size, MADV_POPULATE_WRITE) || errno != EINVAL;
}

gboolean qmem_prealloc_mem(int fd, void *area, size_t size, guint max_threads,
                           QmemContextThread *tc, gboolean async,
                           GError **error)
{
    size_t page_size;
    size_t numpages;
    gboolean use_populate;
    int ret;

    g_return_val_if_fail(area != NULL || size == 0, FALSE);
    g_return_val_if_fail(max_threads >= 1, FALSE);
    g_return_val_if_fail(error == NULL || *error == NULL, FALSE);

    if (size == 0) {
        return TRUE;
    }

    page_size = qmem_fd_getpagesize(fd);
    numpages = size / page_size + (size % page_size != 0);
    use_populate = !g_atomic_int_get(&force_touch)
                   && populate_write_possible(area, page_size);

    if (!use_populate && !qmem_sigbus_install()) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "qemu_prealloc_mem: failed to install signal handler: %s",
                    g_strerror(errno));
        return FALSE;
    }
    ret = touch_all_pages(area, page_size, numpages, max_threads, tc, async,
                          use_populate);
    return prealloc_result(ret, error);
}

gboolean qmem_prealloc_mem_readonly(void *area, size_t size, GError **error)
{
    int ret;

    g_return_val_if_fail(area != NULL || size == 0, FALSE);

    ret = size ? populate_range(area, size, MADV_POPULATE_READ) : 0;
    return prealloc_result(ret, error);
}

/* Takes the queued contexts (all, or those of @area) off the queue. */
static GSList *async_take(void *area)
{
    GSList *taken = NULL;

    g_mutex_lock(&async_mutex);
    for (GSList *l = async_contexts, *next; l; l = next) {
        PreallocContext *context = l->data;

        next = l->next;
        if (!area || context->area == area) {
            async_contexts = g_slist_remove_link(async_contexts, l);
            taken = g_slist_concat(l, taken);
        }
    }
    g_mutex_unlock(&async_mutex);
    return taken;
}

gboolean qmem_prealloc_finish_async(GError **error)
{
    GSList *contexts = async_take(NULL);
    int ret = 0;

    /* All at once: that they run side by side is the point. */
    for (GSList *l = contexts; l; l = l->next) {
        start_context(l->data, FALSE);
    }
    for (GSList *l = contexts; l; l = l->next) {
        PreallocContext *context = l->data;
        int tmp = wait_and_free_context(context, context->num_threads);

        if (tmp) {
            ret = tmp;
        }
    }
    g_slist_free(contexts);
    return prealloc_result(ret, error);
}

gboolean qmem_prealloc_cancel_async(void *area)
{
    GSList *contexts = async_take(area);
    gboolean cancelled = contexts != NULL;

    for (GSList *l = contexts; l; l = l->next) {
        PreallocContext *context = l->data;

        start_context(context, TRUE);
        wait_and_free_context(context, context->num_threads);
    }
    g_slist_free(contexts);
    return cancelled;
}

gboolean qmem_prealloc_async_pending(void)
{
    gboolean pending;

    g_mutex_lock(&async_mutex);
    pending = async_contexts != NULL;
    g_mutex_unlock(&async_mutex);
    return pending;
}
