/* SPDX-License-Identifier: GPL-2.0-or-later */
/* memory-backend-ram: anonymous host memory (a loadable module). */

#include <gmodule.h>

#include "qom/module.h"
#include "system/hostmem.h"
#include "util/error.h"

typedef struct {
    QmemHostMemoryBackend parent_instance;
} QmemHostMemoryBackendRam;

typedef struct {
    QmemHostMemoryBackendClass parent_class;
} QmemHostMemoryBackendRamClass;

G_DEFINE_DYNAMIC_TYPE_EXTENDED(QmemHostMemoryBackendRam,
                               qmem_host_memory_backend_ram,
                               QMEM_TYPE_HOST_MEMORY_BACKEND,
                               G_TYPE_FLAG_FINAL, {})

static QmemRamBlock *ram_backend_alloc(QmemHostMemoryBackend *backend,
                                       GError **error)
{
    guint64 size = qmem_host_memory_backend_get_size(backend);
    g_autofree char *name = NULL;
    guint flags = 0;

    if (!size) {
        g_set_error_literal(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                            "can't create backend with size 0");
        return NULL;
    }
    if (qmem_host_memory_backend_get_share(backend)) {
        flags |= QMEM_RAM_SHARED;
    }
    if (!qmem_host_memory_backend_get_reserve(backend)) {
        flags |= QMEM_RAM_NORESERVE;
    }
    name = qmem_host_memory_backend_ram_block_name(backend);
    return qmem_ram_block_new_anon(name, size, flags, error);
}

static void
qmem_host_memory_backend_ram_class_init(QmemHostMemoryBackendRamClass *klass)
{
    QmemHostMemoryBackendClass *backend_class =
        QMEM_HOST_MEMORY_BACKEND_CLASS(klass);

    backend_class->alloc = ram_backend_alloc;
    /* The page size is the host's, so any size is accepted (QEMU). */
    backend_class->aligned = FALSE;
}

static void qmem_host_memory_backend_ram_class_finalize(
    QmemHostMemoryBackendRamClass *klass)
{
}

static void qmem_host_memory_backend_ram_init(QmemHostMemoryBackendRam *self)
{
}

G_MODULE_EXPORT void qmem_module_hostmem_ram_register(GTypeModule *module)
{
    g_type_ensure(QMEM_TYPE_HOST_MEMORY_BACKEND);
    qmem_host_memory_backend_ram_register_type(module);
    qmem_type_register_name(QMEM_TYPE_NAME_MEMORY_BACKEND_RAM,
                            qmem_host_memory_backend_ram_type_id);
}
