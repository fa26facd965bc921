/* SPDX-License-Identifier: GPL-2.0-or-later */
/* memory-backend-epc: SGX EPC from /dev/sgx_vepc, refused (a module). */

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <gmodule.h>

#include "qom/module.h"
#include "system/hostmem.h"
#include "util/error.h"

/*
 * QEMU's memory-backend-epc allocates SGX enclave page cache from the
 * host's /dev/sgx_vepc for the machine's sgx-epc sections.  qmem has no
 * SGX guest support, so the backend only fails as QEMU's does on a host
 * without SGX, and says so on a host with it.
 */
typedef struct {
    QmemHostMemoryBackend parent_instance;
} QmemHostMemoryBackendEpc;

typedef struct {
    QmemHostMemoryBackendClass parent_class;
} QmemHostMemoryBackendEpcClass;

G_DEFINE_DYNAMIC_TYPE_EXTENDED(QmemHostMemoryBackendEpc,
                               qmem_host_memory_backend_epc,
                               QMEM_TYPE_HOST_MEMORY_BACKEND,
                               G_TYPE_FLAG_FINAL, {})

static QmemRamBlock *epc_backend_alloc(QmemHostMemoryBackend *backend,
                                       GError **error)
{
    int fd;

    if (!qmem_host_memory_backend_get_size(backend)) {
        g_set_error_literal(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                            "can't create backend with size 0");
        return NULL;
    }
    fd = open("/dev/sgx_vepc", O_RDWR | O_CLOEXEC);
    if (fd < 0) {
        int err = errno;

        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "failed to open /dev/sgx_vepc to alloc SGX EPC: %s",
                    g_strerror(err));
        return NULL;
    }
    close(fd);
    g_set_error_literal(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                        "SGX EPC is not supported by qmem");
    return NULL;
}

static void
qmem_host_memory_backend_epc_class_init(QmemHostMemoryBackendEpcClass *klass)
{
    QmemHostMemoryBackendClass *backend_class =
        QMEM_HOST_MEMORY_BACKEND_CLASS(klass);

    backend_class->alloc = epc_backend_alloc;
    backend_class->aligned = FALSE;
}

static void qmem_host_memory_backend_epc_class_finalize(
    QmemHostMemoryBackendEpcClass *klass)
{
}

static void qmem_host_memory_backend_epc_init(QmemHostMemoryBackendEpc *self)
{
}

G_MODULE_EXPORT void qmem_module_hostmem_epc_register(GTypeModule *module)
{
    g_type_ensure(QMEM_TYPE_HOST_MEMORY_BACKEND);
    qmem_host_memory_backend_epc_register_type(module);
    qmem_type_register_name(QMEM_TYPE_NAME_MEMORY_BACKEND_EPC,
                            qmem_host_memory_backend_epc_type_id);
}
