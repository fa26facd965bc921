/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Inside the pc-dimm module: pc-dimm as the base of its nvdimm subclass. */

#ifndef QMEM_HW_MEM_PC_DIMM_INTERNAL_H
#define QMEM_HW_MEM_PC_DIMM_INTERNAL_H

#include <gmodule.h>
#include "hw/core/qdev.h"
#include "system/hostmem.h"
#include "system/memory.h"

G_BEGIN_DECLS

/*
 * The module "pc-dimm" holds QEMU's DIMM family: pc-dimm (pc-dimm.c) and
 * its subclass nvdimm (nvdimm.c).  Both types are dynamic types of the
 * same GTypeModule, so the subclass finds its parent registered.
 */

typedef struct {
    QmemDevice parent_instance;

    guint64 addr;
    guint node;
    gint slot;
    QmemHostMemoryBackend *hostmem;
    /* The backend's RAM as a region, made on first use. */
    QmemMemoryRegion *mr;
} QmemPcDimm;

/**
 * QmemPcDimmClass:
 * @kind: the memory-device kind: "dimm", or a subclass's ("nvdimm")
 * @get_memory_region: the region the device maps (QEMU's
 *   MemoryDeviceClass.get_memory_region as nvdimm overrides it): pc-dimm's
 *   is the backend's RAM (qmem_pc_dimm_get_backend_region()).  Called
 *   before realize; errors as pc-dimm's.
 * @realize: (nullable): QEMU's PCDIMMDeviceClass.realize: called by
 *   pc-dimm's realize once the node and the memdev passed its checks and
 *   before the backend is marked mapped; %FALSE with @error set refuses
 *   the device and leaves the backend free.  May not plug or map anything.
 * @unrealize: (nullable): called by pc-dimm's unrealize before the
 *   backend is marked free again.
 */
typedef struct {
    QmemDeviceClass parent_class;

    const char *kind;
    QmemMemoryRegion *(*get_memory_region)(QmemPcDimm *dimm, GError **error);
    gboolean (*realize)(QmemPcDimm *dimm, GError **error);
    void (*unrealize)(QmemPcDimm *dimm);
} QmemPcDimmClass;

GType qmem_pc_dimm_module_get_type(void);

#define QMEM_PC_DIMM(obj) G_TYPE_CHECK_INSTANCE_CAST( \
    (obj), qmem_pc_dimm_module_get_type(), QmemPcDimm)
#define QMEM_PC_DIMM_GET_CLASS(obj) G_TYPE_INSTANCE_GET_CLASS( \
    (obj), qmem_pc_dimm_module_get_type(), QmemPcDimmClass)

/**
 * qmem_pc_dimm_get_backend_region:
 *
 * The backend's whole RAM as a region (QEMU's
 * host_memory_backend_get_memory()), or QEMU's "'memdev' property must
 * be set" without a memdev.
 *
 * Returns: (transfer none) (nullable): the region, which @dimm holds.
 */
QmemMemoryRegion *qmem_pc_dimm_get_backend_region(QmemPcDimm *dimm,
                                                  GError **error);

/* nvdimm.c: registers nvdimm, once pc-dimm is registered. */
void qmem_nvdimm_register_types(GTypeModule *module);

G_END_DECLS

#endif
