/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The helper thread of a thread-context: creates threads where it runs. */

#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "qmem-config.h"
#include "util/context-thread.h"
#include "util/error.h"
#include "util/thread.h"

#if CONFIG_NUMA
#include <numa.h>
#endif

typedef enum {
    CMD_NONE,
    CMD_STOP,
    CMD_NEW,
} ContextThreadCmd;

struct QmemContextThread {
    GThread *thread;
    pthread_t pthread;
    int tid;

    /* One request at a time (callers queue on request_mutex). */
    GMutex request_mutex;
    /* Protects everything below; cond signals both directions. */
    GMutex mutex;
    GCond cond;
    ContextThreadCmd cmd;
    const char *new_name;
    GThreadFunc new_func;
    gpointer new_data;
    GThread *new_thread;
};

static gpointer context_thread_run(gpointer opaque)
{
    QmemContextThread *ct = opaque;

    g_mutex_lock(&ct->mutex);
    ct->pthread = pthread_self();
    ct->tid = syscall(SYS_gettid);
    g_cond_broadcast(&ct->cond);

    for (;;) {
        while (ct->cmd == CMD_NONE) {
            g_cond_wait(&ct->cond, &ct->mutex);
        }
        if (ct->cmd == CMD_STOP) {
            ct->cmd = CMD_NONE;
            g_cond_broadcast(&ct->cond);
            g_mutex_unlock(&ct->mutex);
            return NULL;
        }
        /*
         * Created from here, the thread inherits this thread's affinity,
         * whoever set it (this object or management software).
         */
        ct->new_thread = qmem_thread_try_new(ct->new_name, ct->new_func,
                                             ct->new_data, NULL);
        ct->cmd = CMD_NONE;
        g_cond_broadcast(&ct->cond);
    }
}

QmemContextThread *qmem_context_thread_new(const char *name, GError **error)
{
    QmemContextThread *ct = g_new0(QmemContextThread, 1);

    g_mutex_init(&ct->request_mutex);
    g_mutex_init(&ct->mutex);
    g_cond_init(&ct->cond);
    ct->tid = -1;
    ct->thread = qmem_thread_try_new(name, context_thread_run, ct, error);
    if (!ct->thread) {
        g_mutex_clear(&ct->request_mutex);
        g_mutex_clear(&ct->mutex);
        g_cond_clear(&ct->cond);
        g_free(ct);
        return NULL;
    }
    g_mutex_lock(&ct->mutex);
    while (ct->tid == -1) {
        g_cond_wait(&ct->cond, &ct->mutex);
    }
    g_mutex_unlock(&ct->mutex);
    return ct;
}

/* Hands @cmd to the helper and waits until it is done. */
static void context_thread_request(QmemContextThread *ct, ContextThreadCmd cmd)
{
    g_mutex_lock(&ct->mutex);
    ct->cmd = cmd;
    g_cond_broadcast(&ct->cond);
    while (ct->cmd != CMD_NONE) {
        g_cond_wait(&ct->cond, &ct->mutex);
    }
    g_mutex_unlock(&ct->mutex);
}

void qmem_context_thread_free(QmemContextThread *ct)
{
    if (!ct) {
        return;
    }
    g_mutex_lock(&ct->request_mutex);
    context_thread_request(ct, CMD_STOP);
    g_mutex_unlock(&ct->request_mutex);
    g_thread_join(ct->thread);
    g_mutex_clear(&ct->request_mutex);
    g_mutex_clear(&ct->mutex);
    g_cond_clear(&ct->cond);
    g_free(ct);
}

int qmem_context_thread_get_tid(QmemContextThread *ct)
{
    g_return_val_if_fail(ct != NULL, -1);
    return ct->tid;
}

GThread *qmem_context_thread_create(QmemContextThread *ct, const char *name,
                                    GThreadFunc func, gpointer data)
{
    GThread *thread;

    g_return_val_if_fail(ct != NULL, NULL);
    g_mutex_lock(&ct->request_mutex);
    ct->new_name = name;
    ct->new_func = func;
    ct->new_data = data;
    context_thread_request(ct, CMD_NEW);
    thread = g_steal_pointer(&ct->new_thread);
    g_mutex_unlock(&ct->request_mutex);
    return thread;
}

int qmem_context_thread_set_affinity(QmemContextThread *ct, GArray *cpus)
{
    guint64 nbits = 0;
    cpu_set_t *set;
    size_t setsize;
    int err;

    g_return_val_if_fail(ct != NULL && cpus != NULL && cpus->len, EINVAL);
    for (guint i = 0; i < cpus->len; i++) {
        nbits = MAX(nbits, g_array_index(cpus, guint64, i) + 1);
    }
    set = CPU_ALLOC(nbits);
    setsize = CPU_ALLOC_SIZE(nbits);
    CPU_ZERO_S(setsize, set);
    for (guint i = 0; i < cpus->len; i++) {
        CPU_SET_S(g_array_index(cpus, guint64, i), setsize, set);
    }
    err = pthread_setaffinity_np(ct->pthread, setsize, set);
    CPU_FREE(set);
    return err;
}

int qmem_context_thread_get_affinity(QmemContextThread *ct, GArray **cpus)
{
    size_t nbits = CPU_SETSIZE;
    cpu_set_t *set;
    size_t setsize;
    int err;

    g_return_val_if_fail(ct != NULL && cpus != NULL, EINVAL);
    /* The kernel refuses a set smaller than its own CPU mask. */
    for (;;) {
        set = CPU_ALLOC(nbits);
        setsize = CPU_ALLOC_SIZE(nbits);
        err = pthread_getaffinity_np(ct->pthread, setsize, set);
        if (err != EINVAL || nbits >= (1u << 20)) {
            break;
        }
        CPU_FREE(set);
        nbits *= 2;
    }
    if (err) {
        CPU_FREE(set);
        return err;
    }
    *cpus = g_array_new(FALSE, FALSE, sizeof(guint64));
    for (guint64 cpu = 0; cpu < nbits; cpu++) {
        if (CPU_ISSET_S(cpu, setsize, set)) {
            g_array_append_val(*cpus, cpu);
        }
    }
    CPU_FREE(set);
    return 0;
}

GArray *qmem_cpu_list_from_nodes(GArray *nodes)
{
    GArray *cpus = g_array_new(FALSE, FALSE, sizeof(guint64));
#if CONFIG_NUMA
    int nbits = numa_num_possible_cpus();
    g_autofree gboolean *selected = NULL;
    struct bitmask *node_cpus;

    if (numa_available() < 0 || nbits <= 0) {
        return cpus;
    }
    selected = g_new0(gboolean, nbits);
    node_cpus = numa_allocate_cpumask();
    for (guint i = 0; i < nodes->len; i++) {
        numa_bitmask_clearall(node_cpus);
        /* Like QEMU, skip what libnuma refuses (impossible nodes). */
        if (numa_node_to_cpus(g_array_index(nodes, guint64, i), node_cpus)) {
            continue;
        }
        for (int cpu = 0; cpu < nbits; cpu++) {
            selected[cpu] |= numa_bitmask_isbitset(node_cpus, cpu);
        }
    }
    numa_free_cpumask(node_cpus);
    for (int cpu = 0; cpu < nbits; cpu++) {
        if (selected[cpu]) {
            guint64 v = cpu;

            g_array_append_val(cpus, v);
        }
    }
#endif
    return cpus;
}
