/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The memory-device core: address assignment, space and memslot accounting. */

#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <string.h>

#include "hw/core/numa.h"
#include "hw/mem/memory-device.h"
#include "qapi/qmp-command.h"
#include "qobject/json.h"
#include "system/accel.h"
#include "util/error-report.h"
#include "util/error.h"
#include "util/range.h"

G_DEFINE_INTERFACE(QmemMemoryDevice, qmem_memory_device, QMEM_TYPE_DEVICE)

static void qmem_memory_device_default_init(QmemMemoryDeviceInterface *iface)
{
}

#define MD_IFACE(md) QMEM_MEMORY_DEVICE_GET_IFACE(md)

static gboolean memory_device_is_empty(QmemMemoryDevice *md)
{
    g_autoptr(GError) local_err = NULL;
    QmemMemoryRegion *mr = MD_IFACE(md)->get_memory_region(md, &local_err);

    /* A lookup that fails is not empty: pre_plug reports the error. */
    return !mr && !local_err;
}

guint64 qmem_memory_device_get_region_size(QmemMemoryDevice *md,
                                           GError **error)
{
    QmemMemoryRegion *mr = MD_IFACE(md)->get_memory_region(md, error);

    return mr ? qmem_memory_region_size(mr) : 0;
}

static gint memory_device_addr_cmp(gconstpointer a, gconstpointer b)
{
    QmemMemoryDevice *md_a = *(QmemMemoryDevice *const *)a;
    QmemMemoryDevice *md_b = *(QmemMemoryDevice *const *)b;
    guint64 addr_a = MD_IFACE(md_a)->get_addr(md_a);
    guint64 addr_b = MD_IFACE(md_b)->get_addr(md_b);

    return addr_a < addr_b ? -1 : addr_a > addr_b;
}

static gboolean collect_memory_device(QmemDevice *dev, gpointer opaque)
{
    if (QMEM_IS_MEMORY_DEVICE(dev)) {
        g_ptr_array_add(opaque, dev);
    }
    return TRUE;
}

GPtrArray *qmem_memory_devices_list(void)
{
    GPtrArray *list = g_ptr_array_new();

    qmem_device_foreach(collect_memory_device, list);
    g_ptr_array_sort(list, memory_device_addr_cmp);
    return list;
}

/* Memslots */

static guint memory_device_get_memslots(QmemMemoryDevice *md)
{
    QmemMemoryDeviceInterface *iface = MD_IFACE(md);

    return iface->get_memslots ? iface->get_memslots(md) : 1;
}

/* Required by plugged devices but not mapped (yet), so still free. */
static guint get_reserved_memslots(QmemDeviceMemoryState *dms)
{
    if (dms->used_memslots > dms->required_memslots) {
        /* Unexpected; the listener has warned already. */
        return 0;
    }
    return dms->required_memslots - dms->used_memslots;
}

guint qmem_memory_devices_get_reserved_memslots(QmemMachine *machine)
{
    QmemDeviceMemoryState *dms =
        machine ? qmem_machine_get_device_memory(machine) : NULL;

    return dms ? get_reserved_memslots(dms) : 0;
}

/*
 * The hypervisor's memslot limit and free count.  qmem has no vhost, so the
 * accelerator is the only consumer QEMU would ask; without one nothing
 * limits memslots.
 */
static void accel_memslots(guint *max, guint *free)
{
    QmemAccel *accel = qmem_accel_get_current();

    *max = UINT_MAX;
    *free = UINT_MAX;
    if (accel) {
        qmem_accel_get_memslots(accel, max, free);
    }
}

static guint memory_device_memslot_decision_limit(QmemMachine *machine,
                                                  QmemDeviceMemoryState *dms,
                                                  guint64 size)
{
    const guint reserved = get_reserved_memslots(dms);
    const guint64 area = qmem_machine_get_maxram_size(machine) -
                         qmem_machine_get_ram_size(machine);
    guint64 available;
    guint max, free, memslots;

    accel_memslots(&max, &free);

    /* Few memslots overall: keep every device to one. */
    if (max < QMEM_MEMORY_DEVICES_SAFE_MAX_MEMSLOTS) {
        return 1;
    }
    /* The soft limit across all memory devices. */
    if (QMEM_MEMORY_DEVICES_SOFT_MEMSLOT_LIMIT <= dms->required_memslots) {
        return 1;
    }
    memslots = QMEM_MEMORY_DEVICES_SOFT_MEMSLOT_LIMIT - dms->required_memslots;

    /* Only the memslots still free, minus those promised to others. */
    if (free < reserved) {
        return 1;
    }
    memslots = MIN(memslots, free - reserved);
    if (memslots < 1) {
        return 1;
    }

    /* No other memory device can fit: all of them for this one. */
    if (size == area) {
        return memslots;
    }

    /* Spread the memslots evenly over the space still free. */
    available = area - dms->used_region_size;
    if (size >= available) {
        /*
         * QEMU would divide by zero or overflow here; the device is refused
         * by the space check right after anyway.
         */
        return memslots;
    }
    memslots = (double)memslots * size / available;
    return memslots < 1 ? 1 : memslots;
}

static gboolean memory_device_check_addable(QmemMachine *machine,
                                            QmemDeviceMemoryState *dms,
                                            QmemMemoryDevice *md,
                                            QmemMemoryRegion *mr,
                                            GError **error)
{
    QmemMemoryDeviceInterface *iface = MD_IFACE(md);
    const guint64 used_region_size = dms->used_region_size;
    const guint64 size = qmem_memory_region_size(mr);
    const guint64 area = qmem_machine_get_maxram_size(machine) -
                         qmem_machine_get_ram_size(machine);
    const guint reserved = get_reserved_memslots(dms);
    QmemAccel *accel = qmem_accel_get_current();
    guint required;

    /* Called before the first get_memslots, as the interface promises. */
    if (iface->decide_memslots) {
        iface->decide_memslots(md, memory_device_memslot_decision_limit(
                                       machine, dms, size));
    }
    required = memory_device_get_memslots(md);

    if (accel) {
        guint max, free;

        qmem_accel_get_memslots(accel, &max, &free);
        if (free < (guint64)required + reserved) {
            g_set_error_literal(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                                "hypervisor has not enough free memory "
                                "slots left");
            return FALSE;
        }
    }

    if (used_region_size + size < used_region_size ||
        used_region_size + size > area) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "not enough space, currently 0x%" PRIx64
                    " in use of total space for memory devices 0x%" PRIx64,
                    used_region_size, area);
        return FALSE;
    }
    return TRUE;
}

/* Free address search, over QEMU's inclusive ranges. */

/*
 * QEMU's memory_device_get_free_addr() over the ranges of the plugged
 * devices, sorted by address.
 */
static gboolean find_free_addr(guint64 as_base, guint64 as_size,
                               const guint64 *hint, guint64 align,
                               guint64 size,
                               const QmemDeviceMemoryRange *used,
                               guint n_used, guint64 *addr, GError **error)
{
    QmemRange as, new = QMEM_RANGE_EMPTY;
    gboolean ok;

    ok = qmem_range_init(&as, as_base, as_size);
    g_assert(ok);
    /* Our regions may have no alignment (0); QEMU's always have one. */
    align = MAX(align, 1);

    /* The area's start says which alignment the board expected at most. */
    if (as_base % align) {
        qmem_warn_report("the alignment (0x%" PRIx64 ") exceeds the expected"
                       " maximum alignment, memory will get fragmented and"
                       " not all 'maxmem' might be usable for memory"
                       " devices.", align);
    }

    if (hint && *hint % align) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "address must be aligned to 0x%" PRIx64 " bytes", align);
        return FALSE;
    }

    if (hint) {
        if (!qmem_range_init(&new, *hint, size) ||
            !qmem_range_contains_range(&as, &new)) {
            g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                        "can't add memory device [0x%" PRIx64 ":0x%" PRIx64
                        "], usable range for memory devices [0x%" PRIx64
                        ":0x%" PRIx64 "]", *hint, size, as.lob,
                        qmem_range_size(&as));
            return FALSE;
        }
    } else if (!qmem_range_init(&new, qmem_align_up(as.lob, align), size)) {
        g_set_error_literal(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                            "can't add memory device, device too big");
        return FALSE;
    }

    /* @used is sorted by address: first fit. */
    for (guint i = 0; i < n_used; i++) {
        QmemRange tmp;
        guint64 next_addr;

        ok = qmem_range_init(&tmp, used[i].addr, used[i].size);
        g_assert(ok);
        if (qmem_range_overlaps_range(&tmp, &new)) {
            if (hint) {
                const char *id = qmem_device_get_id(QMEM_DEVICE(used[i].dev));

                g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                            "address range conflicts with memory device "
                            "id='%s'", id ? id : "(unnamed)");
                return FALSE;
            }
            next_addr = qmem_align_up(tmp.upb + 1, align);
            if (!next_addr ||
                !qmem_range_init(&new, next_addr, qmem_range_size(&new))) {
                new = QMEM_RANGE_EMPTY;
                break;
            }
        } else if (tmp.lob > new.upb) {
            break;
        }
    }

    if (!qmem_range_contains_range(&as, &new)) {
        g_set_error_literal(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                            "could not find position in guest address space "
                            "for memory device - memory fragmented due to "
                            "alignments");
        return FALSE;
    }
    *addr = new.lob;
    return TRUE;
}

/* The index of the first of @dms's plugged ranges at or above @addr. */
static guint plugged_lower_bound(QmemDeviceMemoryState *dms, guint64 addr)
{
    guint lo = 0, hi = dms->plugged->len;

    while (lo < hi) {
        guint mid = lo + (hi - lo) / 2;

        if (g_array_index(dms->plugged, QmemDeviceMemoryRange, mid).addr <
            addr) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return lo;
}

static void plugged_insert(QmemDeviceMemoryState *dms, QmemMemoryDevice *md,
                           guint64 addr, guint64 size)
{
    QmemDeviceMemoryRange range = { addr, size, md };

    g_array_insert_val(dms->plugged, plugged_lower_bound(dms, addr), range);
}

static void plugged_remove(QmemDeviceMemoryState *dms, QmemMemoryDevice *md,
                           guint64 addr)
{
    for (guint i = plugged_lower_bound(dms, addr); i < dms->plugged->len;
         i++) {
        if (g_array_index(dms->plugged, QmemDeviceMemoryRange, i).dev == md) {
            g_array_remove_index(dms->plugged, i);
            return;
        }
    }
    g_assert_not_reached();
}

gboolean qmem_memory_device_pre_plug(QmemMemoryDevice *md,
                                     QmemMachine *machine,
                                     GError **error)
{
    QmemMemoryDeviceInterface *iface;
    QmemDeviceMemoryState *dms;
    QmemMemoryRegion *mr;
    guint64 addr, align = 0, region_align, size;

    g_return_val_if_fail(QMEM_IS_MEMORY_DEVICE(md), FALSE);
    g_return_val_if_fail(QMEM_IS_MACHINE(machine), FALSE);

    iface = MD_IFACE(md);
    if (iface->pre_plug && !iface->pre_plug(md, machine, error)) {
        return FALSE;
    }

    /* Empty devices are fine even without device memory. */
    if (memory_device_is_empty(md)) {
        return TRUE;
    }

    dms = qmem_machine_get_device_memory(machine);
    if (!dms) {
        g_set_error_literal(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                            QMEM_MACHINE_NO_DEVICE_MEMORY_MESSAGE);
        return FALSE;
    }

    mr = iface->get_memory_region(md, error);
    if (!mr) {
        return FALSE;
    }

    if (!memory_device_check_addable(machine, dms, md, mr, error)) {
        return FALSE;
    }

    /*
     * A region's size must be a multiple of its own alignment (page size,
     * huge page size): a DIMM of 1G + 1 byte makes no sense.  Extra
     * alignment the device asks for applies to the address only.
     */
    size = qmem_memory_region_size(mr);
    region_align = qmem_memory_region_get_alignment(mr);
    if (region_align && size % region_align) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "backend memory size must be multiple of 0x%" PRIx64,
                    region_align);
        return FALSE;
    }

    if (iface->get_min_alignment) {
        align = iface->get_min_alignment(md);
    }
    align = MAX(align, region_align);

    addr = iface->get_addr(md);
    if (!find_free_addr(dms->base, qmem_memory_region_size(dms->mr),
                        addr ? &addr : NULL, align, size,
                        (QmemDeviceMemoryRange *)dms->plugged->data,
                        dms->plugged->len, &addr, error)) {
        return FALSE;
    }
    return iface->set_addr(md, addr, error);
}

void qmem_memory_device_plug(QmemMemoryDevice *md, QmemMachine *machine)
{
    QmemMemoryDeviceInterface *iface = MD_IFACE(md);
    QmemDeviceMemoryState *dms = qmem_machine_get_device_memory(machine);
    QmemMemoryRegion *mr;
    guint memslots, node;
    guint64 addr;

    if (memory_device_is_empty(md)) {
        return;
    }

    memslots = memory_device_get_memslots(md);
    addr = iface->get_addr(md);
    /* pre_plug succeeded, so neither can fail now. */
    mr = iface->get_memory_region(md, NULL);
    g_assert(mr);
    g_assert(dms);

    /* Accounted before mapping, so the listener never sees used > required. */
    dms->used_region_size += qmem_memory_region_size(mr);
    dms->required_memslots += memslots;
    if (iface->decide_memslots && memslots > 1) {
        dms->memslot_auto_decision_active++;
    }
    plugged_insert(dms, md, addr, qmem_memory_region_size(mr));
    qmem_memory_region_add_subregion(dms->mr, addr - dms->base, mr);
    qmem_memory_device_get_node(md, &node);
    qmem_numa_add_range(machine, node, addr, qmem_memory_region_size(mr));
    if (iface->plug) {
        iface->plug(md, machine);
    }
}

void qmem_memory_device_unplug(QmemMemoryDevice *md, QmemMachine *machine)
{
    QmemMemoryDeviceInterface *iface = MD_IFACE(md);
    QmemDeviceMemoryState *dms = qmem_machine_get_device_memory(machine);
    QmemMemoryRegion *mr;
    guint memslots, node;

    if (memory_device_is_empty(md)) {
        return;
    }

    if (iface->unplug) {
        iface->unplug(md, machine);
    }
    memslots = memory_device_get_memslots(md);
    mr = iface->get_memory_region(md, NULL);
    g_assert(mr);
    g_assert(dms);

    qmem_memory_device_get_node(md, &node);
    qmem_numa_remove_range(machine, node, iface->get_addr(md),
                           qmem_memory_region_size(mr));
    qmem_memory_region_del_subregion(dms->mr, mr);
    plugged_remove(dms, md, iface->get_addr(md));
    if (iface->decide_memslots && memslots > 1) {
        dms->memslot_auto_decision_active--;
    }
    dms->used_region_size -= qmem_memory_region_size(mr);
    dms->required_memslots -= memslots;
}

gboolean qmem_memory_device_machine_pre_plug(QmemMachine *machine,
                                             QmemDevice *dev, GError **error)
{
    if (QMEM_IS_MEMORY_DEVICE(dev)) {
        return qmem_memory_device_pre_plug(QMEM_MEMORY_DEVICE(dev), machine,
                                           error);
    }
    return TRUE;
}

void qmem_memory_device_machine_plug(QmemMachine *machine, QmemDevice *dev)
{
    if (QMEM_IS_MEMORY_DEVICE(dev)) {
        qmem_memory_device_plug(QMEM_MEMORY_DEVICE(dev), machine);
    }
}

void qmem_memory_device_machine_unplug(QmemMachine *machine, QmemDevice *dev)
{
    if (QMEM_IS_MEMORY_DEVICE(dev)) {
        qmem_memory_device_unplug(QMEM_MEMORY_DEVICE(dev), machine);
    }
}

const char *qmem_memory_device_get_kind(QmemMemoryDevice *md)
{
    return MD_IFACE(md)->get_kind ? MD_IFACE(md)->get_kind(md)
                                  : MD_IFACE(md)->kind;
}

gboolean qmem_memory_device_plugs_in_parts(QmemMemoryDevice *md)
{
    return MD_IFACE(md)->plugs_in_parts;
}

guint64 qmem_memory_device_get_addr(QmemMemoryDevice *md)
{
    return MD_IFACE(md)->get_addr(md);
}

guint64 qmem_memory_device_get_plugged_size(QmemMemoryDevice *md)
{
    return MD_IFACE(md)->get_plugged_size(md, NULL);
}

gboolean qmem_memory_device_get_node(QmemMemoryDevice *md, guint *node)
{
    QmemMemoryDeviceInterface *iface = MD_IFACE(md);

    /* QEMU counts virtio-pmem, which has no node, on node 0. */
    *node = iface->get_node ? iface->get_node(md) : 0;
    return iface->get_node != NULL;
}

gboolean qmem_memory_device_get_slot(QmemMemoryDevice *md, int *slot)
{
    QmemMemoryDeviceInterface *iface = MD_IFACE(md);

    *slot = iface->get_slot ? iface->get_slot(md) : -1;
    return iface->get_slot != NULL;
}

guint64 qmem_memory_devices_get_plugged_size(void)
{
    g_autoptr(GPtrArray) list = qmem_memory_devices_list();
    guint64 size = 0;

    for (guint i = 0; i < list->len; i++) {
        QmemMemoryDevice *md = g_ptr_array_index(list, i);

        if (!memory_device_is_empty(md)) {
            size += MD_IFACE(md)->get_plugged_size(md, NULL);
        }
    }
    return size;
}

void qmem_memory_devices_get_node_plugged_size(guint64 *size, guint n_nodes)
{
    g_autoptr(GPtrArray) list = qmem_memory_devices_list();

    for (guint i = 0; i < list->len; i++) {
        QmemMemoryDevice *md = g_ptr_array_index(list, i);
        guint node;

        qmem_memory_device_get_node(md, &node);
        if (node < n_nodes && !memory_device_is_empty(md)) {
            size[node] += MD_IFACE(md)->get_plugged_size(md, NULL);
        }
    }
}

/* The device-memory listener: one memslot per RAM section. */

static void memory_devices_region_mod(QmemMemoryListener *listener,
                                      const QmemMemorySection *section,
                                      gboolean add)
{
    QmemDeviceMemoryState *dms = (QmemDeviceMemoryState *)
        ((char *)listener - G_STRUCT_OFFSET(QmemDeviceMemoryState, listener));

    if (!qmem_memory_region_is_ram(section->mr)) {
        qmem_warn_report("Unexpected memory region mapped into device memory "
                       "region.");
        return;
    }

    /*
     * Each distinct RAM section in device memory takes one memslot in the
     * hypervisor (KVM maps sections one to one).
     */
    if (add) {
        dms->used_memslots++;
    } else {
        dms->used_memslots--;
    }
    if (dms->used_memslots > dms->required_memslots) {
        qmem_warn_report("Memory devices use more memory slots than indicated "
                       "as required.");
    }
}

static void memory_devices_region_add(QmemMemoryListener *listener,
                                      const QmemMemorySection *section)
{
    memory_devices_region_mod(listener, section, TRUE);
}

static void memory_devices_region_del(QmemMemoryListener *listener,
                                      const QmemMemorySection *section)
{
    memory_devices_region_mod(listener, section, FALSE);
}

void qmem_memory_devices_init(QmemMachine *machine, guint64 base, guint64 size)
{
    QmemDeviceMemoryState *dms;

    g_return_if_fail(QMEM_IS_MACHINE(machine));
    g_return_if_fail(qmem_machine_get_device_memory(machine) == NULL);

    dms = g_new0(QmemDeviceMemoryState, 1);
    dms->base = base;
    dms->mr = qmem_memory_region_new_container("device-memory", size);
    dms->plugged = g_array_new(FALSE, FALSE, sizeof(QmemDeviceMemoryRange));
    dms->as = qmem_address_space_new("device-memory", dms->mr);
    qmem_machine_set_device_memory(machine, dms);
    qmem_memory_region_add_subregion(qmem_machine_get_system_memory(machine),
                                     base, dms->mr);
    dms->listener.region_add = memory_devices_region_add;
    dms->listener.region_del = memory_devices_region_del;
    dms->listener.name = "device-memory";
    qmem_memory_listener_register(&dms->listener, dms->as);
}

/* Queries */

JsonNode *qmem_memory_devices_query(void)
{
    g_autoptr(GPtrArray) list = qmem_memory_devices_list();
    JsonArray *array = json_array_new();

    /* Empty devices are listed too. */
    for (guint i = 0; i < list->len; i++) {
        QmemMemoryDevice *md = g_ptr_array_index(list, i);
        JsonObject *info = json_object_new();

        json_object_set_string_member(info, "type",
                                      qmem_memory_device_get_kind(md));
        json_object_set_object_member(info, "data",
                                      MD_IFACE(md)->fill_device_info(md));
        json_array_add_object_element(array, info);
    }
    return qmem_json_node_new_array(array);
}

/* How `info memory-devices` prints one field of a MemoryDeviceInfo. */
typedef enum {
    FIELD_HEX,          /* "0x%lx" */
    FIELD_UINT,         /* "%lu" */
    FIELD_INT,          /* "%ld" */
    FIELD_STR,
    FIELD_BOOL,         /* "true" / "false" */
    FIELD_OPTIONAL_HEX, /* printed only when present */
    FIELD_OPTIONAL_STR,
} InfoFieldKind;

typedef struct {
    const char *name;
    InfoFieldKind kind;
} InfoField;

/* QEMU's hmp_info_memory_devices(): the fields of each kind, in order. */
static const struct {
    const char *kind;
    InfoField fields[8];
} info_layouts[] = {
#define DIMM_FIELDS                                                       \
    { { "addr", FIELD_HEX }, { "slot", FIELD_INT }, { "node", FIELD_INT }, \
      { "size", FIELD_UINT }, { "memdev", FIELD_STR },                    \
      { "hotplugged", FIELD_BOOL }, { "hotpluggable", FIELD_BOOL } }
    { "dimm", DIMM_FIELDS },
    { "nvdimm", DIMM_FIELDS },
    { "virtio-pmem", { { "memaddr", FIELD_HEX }, { "size", FIELD_UINT },
                       { "memdev", FIELD_STR } } },
    { "virtio-mem", { { "memaddr", FIELD_HEX }, { "node", FIELD_INT },
                      { "requested-size", FIELD_UINT },
                      { "size", FIELD_UINT }, { "max-size", FIELD_UINT },
                      { "block-size", FIELD_UINT },
                      { "memdev", FIELD_STR } } },
    { "sgx-epc", { { "memaddr", FIELD_HEX }, { "size", FIELD_UINT },
                   { "node", FIELD_INT }, { "memdev", FIELD_STR } } },
    { "hv-balloon", { { "memaddr", FIELD_OPTIONAL_HEX },
                      { "max-size", FIELD_UINT },
                      { "memdev", FIELD_OPTIONAL_STR } } },
};

static void info_field(GString *out, JsonObject *d, const InfoField *f)
{
    gboolean has = json_object_has_member(d, f->name);

    switch (f->kind) {
    case FIELD_OPTIONAL_HEX:
        if (!has) {
            return;
        }
        /* fall through */
    case FIELD_HEX:
        g_string_append_printf(out, "  %s: 0x%" PRIx64 "\n", f->name,
                               (guint64)json_object_get_int_member(d,
                                                                   f->name));
        break;
    case FIELD_UINT:
        g_string_append_printf(out, "  %s: %" PRIu64 "\n", f->name,
                               (guint64)json_object_get_int_member(d,
                                                                   f->name));
        break;
    case FIELD_INT:
        g_string_append_printf(out, "  %s: %" PRId64 "\n", f->name,
                               json_object_get_int_member(d, f->name));
        break;
    case FIELD_OPTIONAL_STR:
        if (!has) {
            return;
        }
        /* fall through */
    case FIELD_STR:
        g_string_append_printf(out, "  %s: %s\n", f->name,
                               has ? json_object_get_string_member(d, f->name)
                                   : "");
        break;
    case FIELD_BOOL:
        g_string_append_printf(out, "  %s: %s\n", f->name,
                               json_object_get_boolean_member(d, f->name)
                                   ? "true" : "false");
        break;
    }
}

static void info_one(GString *out, JsonObject *info)
{
    const char *kind = json_object_get_string_member(info, "type");
    JsonObject *d = json_object_get_object_member(info, "data");

    g_string_append_printf(out, "Memory device [%s]: \"%s\"\n", kind,
                           json_object_has_member(d, "id")
                               ? json_object_get_string_member(d, "id") : "");
    for (gsize i = 0; i < G_N_ELEMENTS(info_layouts); i++) {
        if (strcmp(info_layouts[i].kind, kind)) {
            continue;
        }
        for (const InfoField *f = info_layouts[i].fields; f->name; f++) {
            info_field(out, d, f);
        }
    }
}

void qmem_memory_devices_info(GString *out)
{
    g_autoptr(JsonNode) list = qmem_memory_devices_query();
    JsonArray *array = json_node_get_array(list);

    for (guint i = 0; i < json_array_get_length(array); i++) {
        info_one(out, json_array_get_object_element(array, i));
    }
}
