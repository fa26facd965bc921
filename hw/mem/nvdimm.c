/* SPDX-License-Identifier: GPL-2.0-or-later */
/* nvdimm: a pc-dimm whose memory is persistent, with a label area. */

#include <inttypes.h>
#include <string.h>
#include <gmodule.h>

#include "hw/core/qdev.h"
#include "hw/mem/memory-device.h"
#include "hw/mem/nvdimm.h"
#include "hw/mem/pc-dimm.h"
#include "pc-dimm-internal.h"
#include "qapi/visitor.h"
#include "qom/module.h"
#include "qom/property.h"
#include "system/ram-block.h"
#include "util/error.h"

typedef struct {
    QmemPcDimm parent_instance;

    /* The label area: its size, at the end of the backend. */
    guint64 label_size;
    guint64 label_offset;
    /* QEMU's uuid (QemuUUID), as text: lower-case, or all zeros. */
    char *uuid;
    gboolean unarmed;
    /* The PMEM the guest sees: the backend up to the label, aligned. */
    QmemMemoryRegion *nvdimm_mr;
} QmemNvdimm;

typedef struct {
    QmemPcDimmClass parent_class;
} QmemNvdimmClass;

G_DEFINE_DYNAMIC_TYPE(QmemNvdimm, qmem_nvdimm, qmem_pc_dimm_module_get_type())

#define QMEM_NVDIMM(obj) \
    G_TYPE_CHECK_INSTANCE_CAST((obj), qmem_nvdimm_type_id, QmemNvdimm)

#define NULL_UUID "00000000-0000-0000-0000-000000000000"

enum {
    PROP_0,
    PROP_LABEL_SIZE,
    PROP_UUID,
    PROP_UNARMED,
    N_PROPS
};

static GParamSpec *props[N_PROPS];

static const char *typename_of(QmemObject *obj, GParamSpec *pspec)
{
    return obj ? qmem_object_get_typename(obj)
               : qmem_type_get_name(pspec->owner_type);
}

/* QEMU's nvdimm_set_label_size(): a size, and at least 128 KiB. */
static gboolean parse_label_size(QmemObject *obj, GParamSpec *pspec,
                                 const char *name, JsonNode *input,
                                 QmemInputKind kind, GValue *value,
                                 GError **error)
{
    guint64 size;

    if (obj && QMEM_NVDIMM(obj)->nvdimm_mr) {
        g_set_error_literal(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                            "cannot change property value");
        return FALSE;
    }
    if (!qmem_property_parse_usual(pspec, name, input, kind, value, error)) {
        return FALSE;
    }
    size = g_value_get_uint64(value);
    if (size < QMEM_NVDIMM_MIN_LABEL_SIZE) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "Property '%s.%s' (0x%" PRIx64 ") is required at least "
                    "0x%llx", typename_of(obj, pspec), name, size,
                    QMEM_NVDIMM_MIN_LABEL_SIZE);
        return FALSE;
    }
    return TRUE;
}

/* QEMU's qemu_uuid_parse(): 8-4-4-4-12 hex digits, either case. */
static gboolean parse_uuid(QmemObject *obj, GParamSpec *pspec,
                           const char *name, JsonNode *input,
                           QmemInputKind kind, GValue *value, GError **error)
{
    g_autofree char *lower = NULL;

    if (!qmem_property_parse_usual(pspec, name, input, kind, value, error)) {
        return FALSE;
    }
    if (!g_uuid_string_is_valid(g_value_get_string(value))) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "Property '%s.%s' has invalid value",
                    typename_of(obj, pspec), name);
        return FALSE;
    }
    lower = g_ascii_strdown(g_value_get_string(value), -1);
    g_value_set_string(value, lower);
    return TRUE;
}

static void qmem_nvdimm_get_property(GObject *obj, guint prop_id,
                                     GValue *value, GParamSpec *pspec)
{
    QmemNvdimm *nvdimm = QMEM_NVDIMM(obj);

    switch (prop_id) {
    case PROP_LABEL_SIZE:
        g_value_set_uint64(value, nvdimm->label_size);
        break;
    case PROP_UUID:
        g_value_set_string(value, nvdimm->uuid ? nvdimm->uuid : NULL_UUID);
        break;
    case PROP_UNARMED:
        g_value_set_boolean(value, nvdimm->unarmed);
        break;
    default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID(obj, prop_id, pspec);
    }
}

static void qmem_nvdimm_set_property(GObject *obj, guint prop_id,
                                     const GValue *value, GParamSpec *pspec)
{
    QmemNvdimm *nvdimm = QMEM_NVDIMM(obj);

    switch (prop_id) {
    case PROP_LABEL_SIZE:
        if (qmem_value_store_uint64(&nvdimm->label_size, value)) {
            g_object_notify_by_pspec(obj, pspec);
        }
        break;
    case PROP_UUID:
        if (g_strcmp0(nvdimm->uuid, g_value_get_string(value))) {
            g_free(nvdimm->uuid);
            nvdimm->uuid = g_value_dup_string(value);
            g_object_notify_by_pspec(obj, pspec);
        }
        break;
    case PROP_UNARMED:
        if (qmem_value_store_boolean(&nvdimm->unarmed, value)) {
            g_object_notify_by_pspec(obj, pspec);
        }
        break;
    default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID(obj, prop_id, pspec);
    }
}

/*
 * QEMU's nvdimm_prepare_memory_region(): the label area takes the end of
 * the backend, the PMEM before it is aligned down to the backend's
 * alignment, and a read-only backend needs unarmed=on.
 */
static gboolean nvdimm_prepare_memory_region(QmemNvdimm *nvdimm,
                                             GError **error)
{
    QmemPcDimm *dimm = QMEM_PC_DIMM(nvdimm);
    QmemMemoryRegion *mr = qmem_pc_dimm_get_backend_region(dimm, error);
    QmemRamBlock *block;
    guint64 align, size, pmem_size;

    g_assert(!nvdimm->nvdimm_mr);
    if (!mr) {
        return FALSE;
    }
    align = MAX(qmem_memory_region_get_alignment(mr), 1);
    size = qmem_memory_region_size(mr);
    /* Wraps when the label is larger, as QEMU's; the check below. */
    pmem_size = size - nvdimm->label_size;
    nvdimm->label_offset = pmem_size;
    pmem_size -= pmem_size % align;

    if (size <= nvdimm->label_size || !pmem_size) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "the size of memdev %s (0x%" PRIx64 ") is too small to "
                    "contain nvdimm label (0x%" PRIx64 ") and aligned PMEM "
                    "(0x%" PRIx64 ")",
                    qmem_host_memory_backend_get_id(dimm->hostmem) ?: "",
                    size, nvdimm->label_size, align);
        return FALSE;
    }
    block = qmem_memory_region_get_ram_block(mr);
    if (!nvdimm->unarmed && block && (block->flags & QMEM_RAM_READONLY)) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "'unarmed' property must be 'on' since memdev %s is "
                    "read-only",
                    qmem_host_memory_backend_get_id(dimm->hostmem) ?: "");
        return FALSE;
    }
    nvdimm->nvdimm_mr = qmem_memory_region_new_alias("nvdimm-memory", mr, 0,
                                                     pmem_size);
    qmem_memory_region_set_alignment(nvdimm->nvdimm_mr, align);
    return TRUE;
}

/* The region is made once, at pre_plug or realize, as QEMU's. */
static QmemMemoryRegion *nvdimm_get_memory_region(QmemPcDimm *dimm,
                                                  GError **error)
{
    QmemNvdimm *nvdimm = QMEM_NVDIMM(dimm);

    if (!nvdimm->nvdimm_mr && !nvdimm_prepare_memory_region(nvdimm, error)) {
        return NULL;
    }
    return nvdimm->nvdimm_mr;
}

static gboolean nvdimm_realize(QmemPcDimm *dimm, GError **error)
{
    QmemNvdimm *nvdimm = QMEM_NVDIMM(dimm);

    return nvdimm->nvdimm_mr || nvdimm_prepare_memory_region(nvdimm, error);
}

static void qmem_nvdimm_dispose(GObject *obj)
{
    QmemNvdimm *nvdimm = QMEM_NVDIMM(obj);

    g_clear_object(&nvdimm->nvdimm_mr);
    G_OBJECT_CLASS(qmem_nvdimm_parent_class)->dispose(obj);
}

static void qmem_nvdimm_finalize(GObject *obj)
{
    g_free(QMEM_NVDIMM(obj)->uuid);
    G_OBJECT_CLASS(qmem_nvdimm_parent_class)->finalize(obj);
}

static void qmem_nvdimm_class_init(QmemNvdimmClass *klass)
{
    GObjectClass *oc = G_OBJECT_CLASS(klass);
    QmemPcDimmClass *ddc = (QmemPcDimmClass *)klass;
    const GParamFlags rw = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
                           G_PARAM_EXPLICIT_NOTIFY;

    oc->get_property = qmem_nvdimm_get_property;
    oc->set_property = qmem_nvdimm_set_property;
    oc->dispose = qmem_nvdimm_dispose;
    oc->finalize = qmem_nvdimm_finalize;
    ddc->kind = QMEM_MEMORY_DEVICE_KIND_NVDIMM;
    ddc->get_memory_region = nvdimm_get_memory_region;
    ddc->realize = nvdimm_realize;

    /* No blurbs, as pc-dimm: `-device nvdimm,help` prints QEMU's lines. */
    props[PROP_LABEL_SIZE] = qmem_param_spec_size(
        QMEM_NVDIMM_PROP_LABEL_SIZE, NULL, 0, G_MAXUINT64, 0, rw);
    props[PROP_UUID] = g_param_spec_string(QMEM_NVDIMM_PROP_UUID, NULL, NULL,
                                           NULL, rw);
    props[PROP_UNARMED] = g_param_spec_boolean(QMEM_NVDIMM_PROP_UNARMED, NULL,
                                               NULL, FALSE, rw);
    g_object_class_install_properties(oc, N_PROPS, props);
    qmem_param_spec_set_parser(props[PROP_LABEL_SIZE], parse_label_size);
    qmem_param_spec_set_qom_type(props[PROP_LABEL_SIZE], "int");
    qmem_param_spec_set_parser(props[PROP_UUID], parse_uuid);
    qmem_param_spec_set_qom_type(props[PROP_UUID], "QemuUUID");
    /*
     * Not qdev properties in QEMU: qom-set reaches them after realize,
     * where label-size answers "cannot change property value".
     */
    qmem_param_spec_set_runtime(props[PROP_LABEL_SIZE]);
    qmem_param_spec_set_runtime(props[PROP_UUID]);
    qmem_param_spec_set_show_default(props[PROP_UNARMED], TRUE);
}

static void qmem_nvdimm_class_finalize(QmemNvdimmClass *klass)
{
}

static void qmem_nvdimm_init(QmemNvdimm *nvdimm)
{
}

void qmem_nvdimm_register_types(GTypeModule *module)
{
    qmem_nvdimm_register_type(module);
    qmem_type_register_name(QMEM_TYPE_NAME_NVDIMM, qmem_nvdimm_type_id);
}
