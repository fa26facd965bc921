/* SPDX-License-Identifier: GPL-2.0-or-later */
/* memory-backend-shm: POSIX shared memory (QEMU 9.1; a loadable module). */

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <sys/mman.h>
#include <unistd.h>
#include <gmodule.h>

#include "qom/module.h"
#include "system/hostmem.h"
#include "util/error.h"

typedef struct {
    QmemHostMemoryBackend parent_instance;
} QmemHostMemoryBackendShm;

typedef struct {
    QmemHostMemoryBackendClass parent_class;
} QmemHostMemoryBackendShmClass;

G_DEFINE_DYNAMIC_TYPE_EXTENDED(QmemHostMemoryBackendShm,
                               qmem_host_memory_backend_shm,
                               QMEM_TYPE_HOST_MEMORY_BACKEND,
                               G_TYPE_FLAG_FINAL, {})

/*
 * QEMU 9.1's shm_open() of a unique name, unlinked at once: the memory
 * lives as long as a descriptor does and nobody can open it by name.
 * Returns the descriptor, or -1 with @error set in QEMU's words.
 */
static int shm_create(const char *id, guint64 size, GError **error)
{
    g_autofree char *name = g_strdup_printf("/qemu-%d-shm-%s", (int)getpid(),
                                            id);
    /* Mode 0: others get the memory only by being handed the descriptor. */
    int fd = shm_open(name, O_RDWR | O_CREAT | O_EXCL, 0);

    if (fd < 0) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "failed to create POSIX shared memory: %s",
                    g_strerror(errno));
        return -1;
    }
    shm_unlink(name);
    if (size > G_MAXINT64 || ftruncate(fd, size) == -1) {
        int err = size > G_MAXINT64 ? EINVAL : errno;

        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "failed to resize POSIX shared memory to %" PRIu64 ": %s",
                    size, g_strerror(err));
        close(fd);
        return -1;
    }
    return fd;
}

static QmemRamBlock *shm_backend_alloc(QmemHostMemoryBackend *backend,
                                       GError **error)
{
    guint64 size = qmem_host_memory_backend_get_size(backend);
    g_autofree char *name = NULL;
    guint flags = QMEM_RAM_SHARED;
    int fd;

    if (!size) {
        g_set_error_literal(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                            "can't create shm backend with size 0");
        return NULL;
    }
    if (!qmem_host_memory_backend_get_share(backend)) {
        g_set_error_literal(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                            "can't create shm backend with `share=off`");
        return NULL;
    }
    name = qmem_host_memory_backend_ram_block_name(backend);
    fd = shm_create(name, size, error);
    if (fd < 0) {
        return NULL;
    }
    /* What memory-backend-ram,share=on would do. */
    if (!qmem_host_memory_backend_get_reserve(backend)) {
        flags |= QMEM_RAM_NORESERVE;
    }
    return qmem_ram_block_new_from_fd(name, size, 0, fd, 0, flags, error);
}

static void
qmem_host_memory_backend_shm_class_init(QmemHostMemoryBackendShmClass *klass)
{
    QMEM_HOST_MEMORY_BACKEND_CLASS(klass)->alloc = shm_backend_alloc;
}

static void qmem_host_memory_backend_shm_class_finalize(
    QmemHostMemoryBackendShmClass *klass)
{
}

static void qmem_host_memory_backend_shm_init(QmemHostMemoryBackendShm *m)
{
    /* Shared is the point, and the only way (QEMU's default). */
    g_object_set(m, QMEM_HOSTMEM_PROP_SHARE, TRUE, NULL);
}

G_MODULE_EXPORT void qmem_module_hostmem_shm_register(GTypeModule *module)
{
    g_type_ensure(QMEM_TYPE_HOST_MEMORY_BACKEND);
    qmem_host_memory_backend_shm_register_type(module);
    qmem_type_register_name(QMEM_TYPE_NAME_MEMORY_BACKEND_SHM,
                            qmem_host_memory_backend_shm_type_id);
}
