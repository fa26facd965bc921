/* SPDX-License-Identifier: GPL-2.0-or-later */
/* sgx-epc: the name of QEMU's SGX EPC section device (a module). */

#include <gmodule.h>

#include "hw/core/qdev.h"
#include "qom/module.h"
#include "util/error.h"

/*
 * QEMU's pc machines make one sgx-epc device per -machine sgx-epc.N
 * section; users never create one, so -device sgx-epc is refused as a
 * device that is not pluggable ("Parameter 'driver' expects a pluggable
 * device type").  qmem has no SGX guest support: the type exists for that
 * answer only, and the sections are refused where -machine is read
 * (system/main-sgx.c).
 */
typedef struct {
    QmemDevice parent_instance;
} QmemSgxEpc;

typedef struct {
    QmemDeviceClass parent_class;
} QmemSgxEpcClass;

G_DEFINE_DYNAMIC_TYPE(QmemSgxEpc, qmem_sgx_epc, QMEM_TYPE_DEVICE)

static gboolean sgx_epc_realize(QmemDevice *dev, GError **error)
{
    g_set_error_literal(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                        "SGX EPC is not supported by qmem");
    return FALSE;
}

static void qmem_sgx_epc_class_init(QmemSgxEpcClass *klass)
{
    QmemDeviceClass *dc = QMEM_DEVICE_CLASS(klass);

    dc->realize = sgx_epc_realize;
    dc->desc = "SGX EPC section";
    dc->user_creatable = FALSE;
    dc->hotpluggable = FALSE;
}

static void qmem_sgx_epc_class_finalize(QmemSgxEpcClass *klass)
{
}

static void qmem_sgx_epc_init(QmemSgxEpc *s)
{
}

G_MODULE_EXPORT void qmem_module_sgx_epc_register(GTypeModule *module)
{
    g_type_ensure(QMEM_TYPE_DEVICE);
    qmem_sgx_epc_register_type(module);
    qmem_type_register_name("sgx-epc", qmem_sgx_epc_type_id);
}
