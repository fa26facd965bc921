/* SPDX-License-Identifier: GPL-2.0-or-later */
/* pc-dimm: a DIMM memory module backed by a memory backend (loadable). */

#include <inttypes.h>
#include <gmodule.h>

#include "hw/core/boards.h"
#include "hw/core/numa.h"
#include "hw/mem/memory-device.h"
#include "hw/mem/pc-dimm.h"
#include "pc-dimm-internal.h"
#include "qom/module.h"
#include "qom/property.h"
#include "system/hostmem.h"
#include "util/bitmap.h"
#include "util/error.h"

static void pc_dimm_md_init(QmemMemoryDeviceInterface *iface);

/* Derivable: nvdimm (nvdimm.c) extends it. */
G_DEFINE_DYNAMIC_TYPE_EXTENDED(QmemPcDimm, qmem_pc_dimm, QMEM_TYPE_DEVICE, 0,
                               G_IMPLEMENT_INTERFACE_DYNAMIC(
                                   QMEM_TYPE_MEMORY_DEVICE, pc_dimm_md_init))

GType qmem_pc_dimm_module_get_type(void)
{
    return qmem_pc_dimm_type_id;
}

enum {
    PROP_0,
    PROP_ADDR,
    PROP_NODE,
    PROP_SLOT,
    PROP_MEMDEV,
    PROP_SIZE,
    N_PROPS
};

static GParamSpec *props[N_PROPS];

QmemMemoryRegion *qmem_pc_dimm_get_backend_region(QmemPcDimm *dimm,
                                                  GError **error)
{
    QmemRamBlock *block;

    if (!dimm->hostmem) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "'%s' property must be set", QMEM_PC_DIMM_PROP_MEMDEV);
        return NULL;
    }
    if (!dimm->mr) {
        /* Backends under /objects have completed, so they have RAM. */
        block = qmem_host_memory_backend_get_ram_block(dimm->hostmem);
        g_assert(block);
        dimm->mr = qmem_memory_region_new_ram(block->name, block);
    }
    return dimm->mr;
}

/* Drops the region unless it is still mapped somewhere. */
static void pc_dimm_drop_region(QmemPcDimm *dimm)
{
    if (dimm->mr && !qmem_memory_region_is_mapped(dimm->mr)) {
        g_clear_object(&dimm->mr);
    }
}

static void qmem_pc_dimm_get_property(GObject *obj, guint prop_id,
                                      GValue *value, GParamSpec *pspec)
{
    QmemPcDimm *dimm = QMEM_PC_DIMM(obj);

    switch (prop_id) {
    case PROP_ADDR:
        g_value_set_uint64(value, dimm->addr);
        break;
    case PROP_NODE:
        g_value_set_uint(value, dimm->node);
        break;
    case PROP_SLOT:
        g_value_set_int(value, dimm->slot);
        break;
    case PROP_MEMDEV:
        g_value_set_object(value, dimm->hostmem);
        break;
    case PROP_SIZE:
        /*
         * The device's region (an nvdimm's lacks the label area).  A
         * GObject getter cannot fail: QEMU's errors ("'memdev' property
         * must be set", an nvdimm's backend too small) become 0 here.
         */
        g_value_set_uint64(value, dimm->hostmem ?
                           qmem_memory_device_get_region_size(
                               QMEM_MEMORY_DEVICE(dimm), NULL) : 0);
        break;
    default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID(obj, prop_id, pspec);
    }
}

static void qmem_pc_dimm_set_property(GObject *obj, guint prop_id,
                                      const GValue *value, GParamSpec *pspec)
{
    QmemPcDimm *dimm = QMEM_PC_DIMM(obj);

    switch (prop_id) {
    case PROP_ADDR:
        if (dimm->addr != g_value_get_uint64(value)) {
            dimm->addr = g_value_get_uint64(value);
            g_object_notify_by_pspec(obj, pspec);
        }
        break;
    case PROP_NODE:
        if (dimm->node != g_value_get_uint(value)) {
            dimm->node = g_value_get_uint(value);
            g_object_notify_by_pspec(obj, pspec);
        }
        break;
    case PROP_SLOT:
        if (dimm->slot != g_value_get_int(value)) {
            dimm->slot = g_value_get_int(value);
            g_object_notify_by_pspec(obj, pspec);
        }
        break;
    case PROP_MEMDEV: {
        QmemHostMemoryBackend *hostmem = g_value_get_object(value);

        if (dimm->hostmem != hostmem) {
            /* Only before realize (qdev refuses later): nothing is mapped. */
            g_clear_object(&dimm->mr);
            g_set_object(&dimm->hostmem, hostmem);
            g_object_notify_by_pspec(obj, pspec);
        }
        break;
    }
    default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID(obj, prop_id, pspec);
    }
}

static gboolean pc_dimm_realize(QmemDevice *dev, GError **error)
{
    QmemPcDimm *dimm = QMEM_PC_DIMM(dev);
    QmemPcDimmClass *klass = QMEM_PC_DIMM_GET_CLASS(dimm);
    QmemMachine *machine = qmem_machine_get_current();

    if (qmem_numa_machine_get_state(machine)) {
        guint nb_numa_nodes = qmem_numa_get_num_nodes(machine);

        if ((nb_numa_nodes > 0 && dimm->node >= nb_numa_nodes) ||
            (!nb_numa_nodes && dimm->node)) {
            g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                        "'DIMM property %s has value %u' which exceeds the "
                        "number of numa nodes: %u", QMEM_PC_DIMM_PROP_NODE,
                        dimm->node, nb_numa_nodes ? nb_numa_nodes : 1);
            return FALSE;
        }
    } else if (dimm->node > 0) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "machine doesn't support NUMA");
        return FALSE;
    }
    if (!dimm->hostmem) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "'%s' property is not set", QMEM_PC_DIMM_PROP_MEMDEV);
        return FALSE;
    }
    if (qmem_host_memory_backend_is_mapped(dimm->hostmem)) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "can't use already busy memdev: %s",
                    qmem_host_memory_backend_get_id(dimm->hostmem) ?: "");
        return FALSE;
    }
    /*
     * QEMU marks the backend mapped even when the subclass fails; here a
     * refused device leaves it free.
     */
    if (klass->realize && !klass->realize(dimm, error)) {
        return FALSE;
    }
    qmem_host_memory_backend_set_mapped(dimm->hostmem, TRUE);
    return TRUE;
}

static void pc_dimm_unrealize(QmemDevice *dev)
{
    QmemPcDimm *dimm = QMEM_PC_DIMM(dev);
    QmemPcDimmClass *klass = QMEM_PC_DIMM_GET_CLASS(dimm);

    if (klass->unrealize) {
        klass->unrealize(dimm);
    }
    qmem_host_memory_backend_set_mapped(dimm->hostmem, FALSE);
    pc_dimm_drop_region(dimm);
}

static void qmem_pc_dimm_dispose(GObject *obj)
{
    QmemPcDimm *dimm = QMEM_PC_DIMM(obj);

    g_clear_object(&dimm->mr);
    g_clear_object(&dimm->hostmem);
    G_OBJECT_CLASS(qmem_pc_dimm_parent_class)->dispose(obj);
}

/* The memory-device interface */

static guint64 pc_dimm_md_get_addr(QmemMemoryDevice *md)
{
    return QMEM_PC_DIMM(md)->addr;
}

static gboolean pc_dimm_md_set_addr(QmemMemoryDevice *md, guint64 addr,
                                    GError **error)
{
    g_object_set(md, QMEM_PC_DIMM_PROP_ADDR, addr, NULL);
    return TRUE;
}

static QmemMemoryRegion *pc_dimm_md_get_memory_region(QmemMemoryDevice *md,
                                                      GError **error)
{
    QmemPcDimm *dimm = QMEM_PC_DIMM(md);

    return QMEM_PC_DIMM_GET_CLASS(dimm)->get_memory_region(dimm, error);
}

/* A DIMM is plugged whole. */
static guint64 pc_dimm_md_get_plugged_size(QmemMemoryDevice *md,
                                           GError **error)
{
    return qmem_memory_device_get_region_size(md, error);
}

static guint pc_dimm_md_get_node(QmemMemoryDevice *md)
{
    return QMEM_PC_DIMM(md)->node;
}

/* A PCDIMMDeviceInfo (an nvdimm's too: only the kind differs). */
static JsonObject *pc_dimm_md_fill_device_info(QmemMemoryDevice *md)
{
    QmemPcDimm *dimm = QMEM_PC_DIMM(md);
    QmemDevice *dev = QMEM_DEVICE(md);
    const char *id = qmem_device_get_id(dev);
    g_autofree char *memdev = dimm->hostmem ?
        qmem_object_get_canonical_path(QMEM_OBJECT(dimm->hostmem)) : NULL;
    JsonObject *data = json_object_new();

    if (id) {
        json_object_set_string_member(data, "id", id);
    }
    json_object_set_int_member(data, "addr", (gint64)dimm->addr);
    json_object_set_int_member(data, "size", (gint64)
                               qmem_memory_device_get_region_size(md, NULL));
    json_object_set_int_member(data, "slot", dimm->slot);
    json_object_set_int_member(data, "node", dimm->node);
    json_object_set_string_member(data, "memdev", memdev ? memdev : "");
    json_object_set_boolean_member(data, "hotplugged",
                                   qmem_device_is_hotplugged(dev));
    json_object_set_boolean_member(data, "hotpluggable",
                                   QMEM_DEVICE_GET_CLASS(dev)->hotpluggable);
    return data;
}

/* Slots (QEMU's pc_dimm_pre_plug() and pc_dimm_get_free_slot()) */

/*
 * Whether @slot is taken: the bitmap pc-dimm's plug and unplug hooks keep
 * in the machine's device memory (every plugged DIMM holds its slot).
 */
static gboolean slot_is_used(QmemDeviceMemoryState *dms, gint slot)
{
    return dms && dms->dimm_slots &&
           (dms->dimm_slots[slot / QMEM_BITS_PER_WORD] >>
            (slot % QMEM_BITS_PER_WORD)) & 1;
}

/* An explicit slot: below -m slots= and not another DIMM's. */
static gboolean check_slot(gint slot, int max_slots,
                           QmemDeviceMemoryState *used, GError **error)
{
    if (slot >= max_slots) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "invalid slot# %d, should be less than %d", slot,
                    max_slots);
        return FALSE;
    }
    if (slot_is_used(used, slot)) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC, "slot %d is busy",
                    slot);
        return FALSE;
    }
    return TRUE;
}

/* The lowest free slot is at most the number of slots in use. */
static gboolean find_free_slot(int max_slots, QmemDeviceMemoryState *used,
                               gint *slot, GError **error)
{
    *slot = used && used->dimm_slots
                ? (gint)qmem_find_next_zero_bit(used->dimm_slots, max_slots, 0)
                : 0;
    if (*slot >= max_slots) {
        g_set_error_literal(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                            "no free slots available");
        return FALSE;
    }
    return TRUE;
}

/* Checks the DIMM's slot, or picks one, among the machine's -m slots=. */
static gboolean pc_dimm_md_pre_plug(QmemMemoryDevice *md, QmemMachine *machine,
                                    GError **error)
{
    QmemPcDimm *dimm = QMEM_PC_DIMM(md);
    const guint64 ram_slots = qmem_machine_get_ram_slots(machine);
    /* QEMU passes the uint64 slot count as an int. */
    const int max_slots = (int)ram_slots;
    QmemDeviceMemoryState *used = qmem_machine_get_device_memory(machine);
    gint slot = dimm->slot;

    if ((slot < 0 || (guint64)slot >= ram_slots) &&
        slot != QMEM_PC_DIMM_UNASSIGNED_SLOT) {
        /* With no slots, QEMU prints ram_slots - 1 wrapped, as here. */
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "invalid slot number %d, valid range is [0-%" PRIu64 "]",
                    slot, ram_slots - 1);
        return FALSE;
    }
    if (max_slots <= 0) {
        g_set_error_literal(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                            "no slots where allocated, please specify the "
                            "'slots' option");
        return FALSE;
    }

    if (slot == QMEM_PC_DIMM_UNASSIGNED_SLOT) {
        if (!find_free_slot(max_slots, used, &slot, error)) {
            return FALSE;
        }
    } else if (!check_slot(slot, max_slots, used, error)) {
        return FALSE;
    }
    g_object_set(dimm, QMEM_PC_DIMM_PROP_SLOT, slot, NULL);
    return TRUE;
}

/* The DIMM share of device memory (QEMU's pc_dimm_plug()). */
static void pc_dimm_md_plug(QmemMemoryDevice *md, QmemMachine *machine)
{
    QmemDeviceMemoryState *dms = qmem_machine_get_device_memory(machine);
    gint slot = QMEM_PC_DIMM(md)->slot;

    dms->dimm_size += qmem_memory_device_get_region_size(md, NULL);
    if (!dms->dimm_slots) {
        /* pre_plug checked the slot against -m slots=. */
        dms->dimm_slots = qmem_bitmap_new(qmem_machine_get_ram_slots(machine));
    }
    qmem_bitmap_set(dms->dimm_slots, slot, 1);
}

static void pc_dimm_md_unplug(QmemMemoryDevice *md, QmemMachine *machine)
{
    QmemDeviceMemoryState *dms = qmem_machine_get_device_memory(machine);

    dms->dimm_size -= qmem_memory_device_get_region_size(md, NULL);
    qmem_bitmap_clear(dms->dimm_slots, QMEM_PC_DIMM(md)->slot, 1);
}

static int pc_dimm_md_get_slot(QmemMemoryDevice *md)
{
    return QMEM_PC_DIMM(md)->slot;
}

static const char *pc_dimm_md_get_kind(QmemMemoryDevice *md)
{
    return QMEM_PC_DIMM_GET_CLASS(md)->kind;
}

static void pc_dimm_md_init(QmemMemoryDeviceInterface *iface)
{
    iface->kind = "dimm";
    iface->get_kind = pc_dimm_md_get_kind;
    iface->get_addr = pc_dimm_md_get_addr;
    iface->set_addr = pc_dimm_md_set_addr;
    iface->get_plugged_size = pc_dimm_md_get_plugged_size;
    iface->get_memory_region = pc_dimm_md_get_memory_region;
    iface->get_node = pc_dimm_md_get_node;
    iface->fill_device_info = pc_dimm_md_fill_device_info;
    iface->pre_plug = pc_dimm_md_pre_plug;
    iface->plug = pc_dimm_md_plug;
    iface->unplug = pc_dimm_md_unplug;
    iface->get_slot = pc_dimm_md_get_slot;
}

static void qmem_pc_dimm_class_init(QmemPcDimmClass *klass)
{
    GObjectClass *oc = G_OBJECT_CLASS(klass);
    QmemDeviceClass *dc = QMEM_DEVICE_CLASS(klass);
    const GParamFlags rw = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
                           G_PARAM_EXPLICIT_NOTIFY;

    oc->get_property = qmem_pc_dimm_get_property;
    oc->set_property = qmem_pc_dimm_set_property;
    oc->dispose = qmem_pc_dimm_dispose;
    dc->realize = pc_dimm_realize;
    dc->unrealize = pc_dimm_unrealize;
    klass->kind = "dimm";
    klass->get_memory_region = qmem_pc_dimm_get_backend_region;
    dc->desc = "DIMM memory module";
    dc->hotpluggable = TRUE;

    /*
     * No blurbs: QEMU's qdev properties have no description, and
     * `-device pc-dimm,help` prints exactly QEMU's lines.  docs/pc-dimm.md
     * describes each property.
     */
    props[PROP_ADDR] = g_param_spec_uint64(QMEM_PC_DIMM_PROP_ADDR, NULL, NULL,
                                           0, G_MAXUINT64, 0, rw);
    props[PROP_NODE] = g_param_spec_uint(QMEM_PC_DIMM_PROP_NODE, NULL, NULL,
                                         0, G_MAXUINT32, 0, rw);
    props[PROP_SLOT] = g_param_spec_int(QMEM_PC_DIMM_PROP_SLOT, NULL, NULL,
                                        G_MININT32, G_MAXINT32,
                                        QMEM_PC_DIMM_UNASSIGNED_SLOT, rw);
    props[PROP_MEMDEV] = g_param_spec_object(QMEM_PC_DIMM_PROP_MEMDEV, NULL,
                                             NULL,
                                             QMEM_TYPE_HOST_MEMORY_BACKEND,
                                             rw);
    props[PROP_SIZE] = g_param_spec_uint64(QMEM_PC_DIMM_PROP_SIZE, NULL, NULL,
                                           0, G_MAXUINT64, 0,
                                           G_PARAM_READABLE |
                                           G_PARAM_STATIC_STRINGS);
    g_object_class_install_properties(oc, N_PROPS, props);
    qmem_param_spec_set_show_default(props[PROP_ADDR], TRUE);
    qmem_param_spec_set_show_default(props[PROP_NODE], TRUE);
    qmem_param_spec_set_show_default(props[PROP_SLOT], TRUE);
}

static void qmem_pc_dimm_class_finalize(QmemPcDimmClass *klass)
{
}

static void qmem_pc_dimm_init(QmemPcDimm *dimm)
{
    dimm->slot = QMEM_PC_DIMM_UNASSIGNED_SLOT;
}

G_MODULE_EXPORT void qmem_module_pc_dimm_register(GTypeModule *module)
{
    g_type_ensure(QMEM_TYPE_DEVICE);
    g_type_ensure(QMEM_TYPE_MEMORY_DEVICE);
    qmem_pc_dimm_register_type(module);
    qmem_type_register_name(QMEM_TYPE_NAME_PC_DIMM, qmem_pc_dimm_type_id);
    qmem_nvdimm_register_types(module);
}
