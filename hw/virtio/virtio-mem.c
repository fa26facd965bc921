/* SPDX-License-Identifier: GPL-2.0-or-later */
/* virtio-mem device logic: blocks, guest requests, discard, memslots. */

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <string.h>
#include <unistd.h>

#include "hw/core/qdev.h"
#include "hw/virtio/virtio-mem.h"
#include "qobject/json.h"
#include "util/cutils.h"
#include "util/bitmap.h"
#include "util/error-report.h"
#include "util/error.h"
#include "util/osdep.h"
#include "util/prealloc.h"
#include "util/range.h"

#define MiB (G_GUINT64_CONSTANT(1) << 20)

struct _QmemVirtioMem {
    QmemObject parent_instance;

    /* Properties: settable before realize (addr until plug). */
    QmemHostMemoryBackend *memdev;
    guint64 addr;
    guint32 node;
    gboolean prealloc;
    gboolean dynamic_memslots;
    QmemVirtioMemOnOffAuto unplugged_inaccessible;
    guint64 block_size;             /* 0: the default, until realize */
    guint64 requested_size;

    gboolean realized;
    gboolean broken;
    gboolean busy;
    gboolean unplug_pending;
    guint64 size;                   /* plugged bytes */
    guint64 usable_region_size;
    guint64 *bitmap;                /* one bit per block, set = plugged */
    guint64 bitmap_size;            /* in bits */
    guint64 config_changes;

    /* The memdev's RAM as a region, made on first use. */
    QmemMemoryRegion *memdev_mr;
    /* Dynamic memslots: the container and its aliases into memdev_mr. */
    QmemMemoryRegion *mr;
    QmemMemoryRegion **memslots;
    guint nb_memslots;
    guint64 memslot_size;
};

enum {
    PROP_0,
    PROP_ADDR,
    PROP_NODE,
    PROP_MEMDEV,
    PROP_PREALLOC,
    PROP_SIZE,
    PROP_REQUESTED_SIZE,
    PROP_BLOCK_SIZE,
    PROP_UNPLUGGED_INACCESSIBLE,
    PROP_DYNAMIC_MEMSLOTS,
    N_PROPS
};

static GParamSpec *props[N_PROPS];

G_DEFINE_TYPE_WITH_CODE(QmemVirtioMem, qmem_virtio_mem, QMEM_TYPE_OBJECT,
                        qmem_type_register_name(QMEM_TYPE_NAME_VIRTIO_MEM,
                                                g_define_type_id))

G_DEFINE_ENUM_TYPE(QmemVirtioMemOnOffAuto, qmem_virtio_mem_on_off_auto,
                   G_DEFINE_ENUM_VALUE(QMEM_VIRTIO_MEM_ON_OFF_AUTO_AUTO,
                                       "auto"),
                   G_DEFINE_ENUM_VALUE(QMEM_VIRTIO_MEM_ON_OFF_AUTO_ON, "on"),
                   G_DEFINE_ENUM_VALUE(QMEM_VIRTIO_MEM_ON_OFF_AUTO_OFF,
                                       "off"))

/* The THP size and the default block size */

guint64 qmem_virtio_mem_probe_thp_size(const char *dir)
{
    g_autofree char *path = g_build_filename(dir, "hpage_pmd_size", NULL);
    g_autofree char *content = NULL;
    /* x86-64 and ppc64 hosts; qmem builds for x86-64 Linux. */
    const guint64 fallback = 2 * MiB;
    guint64 size = 0, tmp;
    char *end;

    /* No THP, no restrictions. */
    if (!g_file_test(dir, G_FILE_TEST_EXISTS)) {
        return QMEM_VIRTIO_MEM_MIN_BLOCK_SIZE;
    }

    if (g_file_get_contents(path, &content, NULL, NULL)) {
        /* QEMU accepts the number when a newline or nothing follows it. */
        end = strchr(content, '\n');
        if (end) {
            *end = '\0';
        }
        if (qmem_strtou64(content, 0, &tmp) == 0) {
            if (!qmem_is_power_of_2(tmp)) {
                qmem_warn_report("Read unsupported THP size: %" PRIx64, tmp);
            } else {
                size = tmp;
            }
        }
    }
    if (!size) {
        size = fallback;
        qmem_warn_report("Could not detect THP size, falling back to %" PRIx64
                         "  MiB.", size / MiB);
    }
    return size;
}

guint64 qmem_virtio_mem_thp_size(void)
{
    static guint64 thp_size;

    if (!thp_size) {
        thp_size = qmem_virtio_mem_probe_thp_size(QMEM_VIRTIO_MEM_THP_DIR);
    }
    return thp_size;
}

guint64 qmem_virtio_mem_default_block_size(QmemRamBlock *block)
{
    const guint64 page_size = block->page_size;

    /* hugetlbfs pages may be smaller than THPs: then the page size rules. */
    if (page_size == qmem_host_page_size()) {
        return MAX(page_size, qmem_virtio_mem_thp_size());
    }
    return MAX(page_size, QMEM_VIRTIO_MEM_MIN_BLOCK_SIZE);
}

/* Only private anonymous memory reads as the shared zero page. */
static gboolean has_shared_zeropage(QmemRamBlock *block)
{
    return !(block->flags & QMEM_RAM_SHARED) && block->fd < 0 &&
           block->page_size == qmem_host_page_size();
}

/* Construction and properties */

QmemVirtioMem *qmem_virtio_mem_new(void)
{
    return g_object_new(QMEM_TYPE_VIRTIO_MEM, NULL);
}

static QmemRamBlock *vmem_block(QmemVirtioMem *vmem)
{
    return vmem->memdev ?
           qmem_host_memory_backend_get_ram_block(vmem->memdev) : NULL;
}

/* The memdev's region; the memdev must be allocated. */
static QmemMemoryRegion *vmem_memdev_mr(QmemVirtioMem *vmem)
{
    QmemRamBlock *block = vmem_block(vmem);

    g_assert(block);
    if (!vmem->memdev_mr) {
        vmem->memdev_mr = qmem_memory_region_new_ram(block->name, block);
    }
    return vmem->memdev_mr;
}

static void vmem_drop_regions(QmemVirtioMem *vmem)
{
    for (guint i = 0; vmem->memslots && i < vmem->nb_memslots; i++) {
        g_clear_object(&vmem->memslots[i]);
    }
    g_clear_pointer(&vmem->memslots, g_free);
    if (vmem->mr && !qmem_memory_region_is_mapped(vmem->mr)) {
        g_clear_object(&vmem->mr);
    }
    if (vmem->memdev_mr && !qmem_memory_region_is_mapped(vmem->memdev_mr)) {
        g_clear_object(&vmem->memdev_mr);
    }
}

static void qmem_virtio_mem_dispose(GObject *obj)
{
    QmemVirtioMem *vmem = QMEM_VIRTIO_MEM(obj);

    if (vmem->realized) {
        qmem_virtio_mem_unrealize(vmem);
    }
    vmem_drop_regions(vmem);
    /* A region still mapped now is a bug of whoever mapped it. */
    g_clear_object(&vmem->mr);
    g_clear_object(&vmem->memdev_mr);
    g_clear_object(&vmem->memdev);
    G_OBJECT_CLASS(qmem_virtio_mem_parent_class)->dispose(obj);
}

void qmem_virtio_mem_set_memdev(QmemVirtioMem *vmem,
                                QmemHostMemoryBackend *memdev)
{
    g_return_if_fail(!vmem->realized);

    if (vmem->memdev == memdev) {
        return;
    }
    /* Nothing is mapped before realize. */
    vmem->nb_memslots = 0;
    vmem_drop_regions(vmem);
    g_clear_object(&vmem->mr);
    g_clear_object(&vmem->memdev_mr);
    g_set_object(&vmem->memdev, memdev);
    g_object_notify_by_pspec(G_OBJECT(vmem), props[PROP_MEMDEV]);
}

QmemHostMemoryBackend *qmem_virtio_mem_get_memdev(QmemVirtioMem *vmem)
{
    return vmem->memdev;
}

void qmem_virtio_mem_set_addr(QmemVirtioMem *vmem, guint64 addr)
{
    if (vmem->addr != addr) {
        vmem->addr = addr;
        g_object_notify_by_pspec(G_OBJECT(vmem), props[PROP_ADDR]);
    }
}

guint64 qmem_virtio_mem_get_addr(QmemVirtioMem *vmem)
{
    return vmem->addr;
}

void qmem_virtio_mem_set_node(QmemVirtioMem *vmem, guint32 node)
{
    if (vmem->node != node) {
        vmem->node = node;
        g_object_notify_by_pspec(G_OBJECT(vmem), props[PROP_NODE]);
    }
}

guint32 qmem_virtio_mem_get_node(QmemVirtioMem *vmem)
{
    return vmem->node;
}

void qmem_virtio_mem_set_prealloc(QmemVirtioMem *vmem, gboolean prealloc)
{
    if (vmem->prealloc != !!prealloc) {
        vmem->prealloc = !!prealloc;
        g_object_notify_by_pspec(G_OBJECT(vmem), props[PROP_PREALLOC]);
    }
}

gboolean qmem_virtio_mem_get_prealloc(QmemVirtioMem *vmem)
{
    return vmem->prealloc;
}

void qmem_virtio_mem_set_dynamic_memslots(QmemVirtioMem *vmem,
                                          gboolean dynamic_memslots)
{
    g_return_if_fail(!vmem->realized);

    if (vmem->dynamic_memslots != !!dynamic_memslots) {
        vmem->nb_memslots = 0;
        vmem_drop_regions(vmem);
        g_clear_object(&vmem->mr);
        vmem->dynamic_memslots = !!dynamic_memslots;
        g_object_notify_by_pspec(G_OBJECT(vmem),
                                 props[PROP_DYNAMIC_MEMSLOTS]);
    }
}

gboolean qmem_virtio_mem_get_dynamic_memslots(QmemVirtioMem *vmem)
{
    return vmem->dynamic_memslots;
}

void qmem_virtio_mem_set_unplugged_inaccessible(QmemVirtioMem *vmem,
                                                QmemVirtioMemOnOffAuto value)
{
    if (vmem->unplugged_inaccessible != value) {
        vmem->unplugged_inaccessible = value;
        g_object_notify_by_pspec(G_OBJECT(vmem),
                                 props[PROP_UNPLUGGED_INACCESSIBLE]);
    }
}

QmemVirtioMemOnOffAuto qmem_virtio_mem_get_unplugged_inaccessible(
    QmemVirtioMem *vmem)
{
    return vmem->unplugged_inaccessible;
}

gboolean qmem_virtio_mem_set_block_size(QmemVirtioMem *vmem, guint64 value,
                                        GError **error)
{
    if (vmem->realized) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "'%s' cannot be changed",
                    QMEM_VIRTIO_MEM_PROP_BLOCK_SIZE);
        return FALSE;
    }
    if (value < QMEM_VIRTIO_MEM_MIN_BLOCK_SIZE) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "'%s' property has to be at least 0x%" PRIx32,
                    QMEM_VIRTIO_MEM_PROP_BLOCK_SIZE,
                    (guint32)QMEM_VIRTIO_MEM_MIN_BLOCK_SIZE);
        return FALSE;
    }
    if (!qmem_is_power_of_2(value)) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "'%s' property has to be a power of two",
                    QMEM_VIRTIO_MEM_PROP_BLOCK_SIZE);
        return FALSE;
    }
    if (vmem->block_size != value) {
        vmem->block_size = value;
        g_object_notify_by_pspec(G_OBJECT(vmem), props[PROP_BLOCK_SIZE]);
    }
    return TRUE;
}

guint64 qmem_virtio_mem_get_block_size(QmemVirtioMem *vmem)
{
    QmemRamBlock *block;

    if (vmem->block_size) {
        return vmem->block_size;
    }
    block = vmem_block(vmem);
    return block ? qmem_virtio_mem_default_block_size(block)
                 : qmem_virtio_mem_thp_size();
}

guint64 qmem_virtio_mem_get_region_size(QmemVirtioMem *vmem)
{
    QmemRamBlock *block = vmem_block(vmem);

    return block ? block->size : 0;
}

/*
 * The guest may plug up to requested-size plus an extent, so that Linux
 * can add whole memory blocks; always whole device blocks.
 */
static void resize_usable_region(QmemVirtioMem *vmem, guint64 requested_size,
                                 gboolean can_shrink)
{
    guint64 newsize = MIN(qmem_virtio_mem_get_region_size(vmem),
                          requested_size + QMEM_VIRTIO_MEM_USABLE_EXTENT);

    newsize = qmem_align_up(newsize, vmem->block_size);
    if (!requested_size) {
        newsize = 0;
    }
    if (newsize < vmem->usable_region_size && !can_shrink) {
        return;
    }
    vmem->usable_region_size = newsize;
}

gboolean qmem_virtio_mem_set_requested_size(QmemVirtioMem *vmem,
                                            guint64 value, GError **error)
{
    const char *name = QMEM_VIRTIO_MEM_PROP_REQUESTED_SIZE;

    /* Block size and memdev are fixed only once realized. */
    if (!vmem->realized) {
        if (vmem->requested_size != value) {
            vmem->requested_size = value;
            g_object_notify_by_pspec(G_OBJECT(vmem),
                                     props[PROP_REQUESTED_SIZE]);
        }
        return TRUE;
    }
    if (value % vmem->block_size) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "'%s' has to be multiples of '%s' (0x%" PRIx64 ")", name,
                    QMEM_VIRTIO_MEM_PROP_BLOCK_SIZE, vmem->block_size);
        return FALSE;
    }
    if (value > qmem_virtio_mem_get_region_size(vmem)) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "'%s' cannot exceed the memory backend size(0x%" PRIx64
                    ")", name, qmem_virtio_mem_get_region_size(vmem));
        return FALSE;
    }
    if (value != vmem->requested_size) {
        resize_usable_region(vmem, value, FALSE);
        vmem->requested_size = value;
        g_object_notify_by_pspec(G_OBJECT(vmem), props[PROP_REQUESTED_SIZE]);
    }
    /* QEMU notifies even without a change, which helps debugging. */
    vmem->config_changes++;
    return TRUE;
}

guint64 qmem_virtio_mem_get_requested_size(QmemVirtioMem *vmem)
{
    return vmem->requested_size;
}

guint64 qmem_virtio_mem_get_size(QmemVirtioMem *vmem)
{
    return vmem->size;
}

guint64 qmem_virtio_mem_get_usable_region_size(QmemVirtioMem *vmem)
{
    return vmem->usable_region_size;
}

void qmem_virtio_mem_set_unplug_pending(QmemVirtioMem *vmem,
                                        gboolean pending)
{
    vmem->unplug_pending = pending;
}

gboolean qmem_virtio_mem_is_unplug_pending(QmemVirtioMem *vmem)
{
    return vmem->unplug_pending;
}

/* QEMU's size-change notifiers: the proxy turns this into the event. */
static void notify_size_change(QmemVirtioMem *vmem)
{
    g_object_notify_by_pspec(G_OBJECT(vmem), props[PROP_SIZE]);
}

/* Memslots */

static void prepare_mr(QmemVirtioMem *vmem)
{
    QmemRamBlock *block = vmem_block(vmem);

    g_assert(!vmem->mr && vmem->dynamic_memslots && block);
    vmem->mr = qmem_memory_region_new_container("virtio-mem", block->size);
    qmem_memory_region_set_alignment(
        vmem->mr, qmem_memory_region_get_alignment(vmem_memdev_mr(vmem)));
}

static guint64 memslot_length(QmemVirtioMem *vmem, guint idx)
{
    const guint64 offset = idx * vmem->memslot_size;

    /* The last memslot may be shorter. */
    if (idx == vmem->nb_memslots - 1) {
        return qmem_virtio_mem_get_region_size(vmem) - offset;
    }
    return vmem->memslot_size;
}

static void prepare_memslots(QmemVirtioMem *vmem)
{
    QmemMemoryRegion *memdev_mr = vmem_memdev_mr(vmem);

    g_assert(!vmem->memslots && vmem->nb_memslots && vmem->dynamic_memslots);
    vmem->memslots = g_new0(QmemMemoryRegion *, vmem->nb_memslots);
    for (guint idx = 0; idx < vmem->nb_memslots; idx++) {
        g_autofree char *name = g_strdup_printf("memslot-%u", idx);

        vmem->memslots[idx] = qmem_memory_region_new_alias(
            name, memdev_mr, idx * vmem->memslot_size,
            memslot_length(vmem, idx));
        /* Each memslot comes and goes without touching its neighbours. */
        qmem_memory_region_set_unmergeable(vmem->memslots[idx], TRUE);
    }
}

static void activate_memslot(QmemVirtioMem *vmem, guint idx)
{
    /* Added and removed, not enabled and disabled: flat views stay small. */
    if (!qmem_memory_region_is_mapped(vmem->memslots[idx])) {
        qmem_memory_region_add_subregion(vmem->mr, idx * vmem->memslot_size,
                                         vmem->memslots[idx]);
    }
}

static void deactivate_memslot(QmemVirtioMem *vmem, guint idx)
{
    if (qmem_memory_region_is_mapped(vmem->memslots[idx])) {
        qmem_memory_region_del_subregion(vmem->mr, vmem->memslots[idx]);
    }
}

static void activate_memslots_to_plug(QmemVirtioMem *vmem, guint64 offset,
                                      guint64 size)
{
    const guint start_idx = offset / vmem->memslot_size;
    const guint end_idx = (offset + size + vmem->memslot_size - 1) /
                          vmem->memslot_size;

    g_assert(vmem->dynamic_memslots);
    qmem_memory_region_transaction_begin();
    for (guint idx = start_idx; idx < end_idx; idx++) {
        activate_memslot(vmem, idx);
    }
    qmem_memory_region_transaction_commit();
}

static void deactivate_unplugged_memslots(QmemVirtioMem *vmem,
                                          guint64 offset, guint64 size)
{
    const guint start_idx = offset / vmem->memslot_size;
    const guint end_idx = (offset + size + vmem->memslot_size - 1) /
                          vmem->memslot_size;

    g_assert(vmem->dynamic_memslots);
    qmem_memory_region_transaction_begin();
    for (guint idx = start_idx; idx < end_idx; idx++) {
        const guint64 memslot_offset = idx * vmem->memslot_size;
        const guint64 memslot_size = memslot_length(vmem, idx);

        /* A partly covered memslot stays while any of its blocks is in. */
        if (offset > memslot_offset ||
            offset + size < memslot_offset + memslot_size) {
            if (!qmem_virtio_mem_is_range_unplugged(
                    vmem, vmem->addr + memslot_offset, memslot_size)) {
                continue;
            }
        }
        deactivate_memslot(vmem, idx);
    }
    qmem_memory_region_transaction_commit();
}

QmemMemoryRegion *qmem_virtio_mem_get_memory_region(QmemVirtioMem *vmem,
                                                    GError **error)
{
    if (!vmem->memdev) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "'%s' property must be set", QMEM_VIRTIO_MEM_PROP_MEMDEV);
        return NULL;
    }
    if (!vmem_block(vmem)) {
        /* Only a backend outside /objects can be without memory. */
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "'%s' property specifies an unsupported memdev",
                    QMEM_VIRTIO_MEM_PROP_MEMDEV);
        return NULL;
    }
    if (vmem->dynamic_memslots) {
        if (!vmem->mr) {
            prepare_mr(vmem);
        }
        return vmem->mr;
    }
    return vmem_memdev_mr(vmem);
}

void qmem_virtio_mem_decide_memslots(QmemVirtioMem *vmem, guint limit)
{
    guint64 region_size, memslot_size, min_memslot_size, memslots;
    QmemRamBlock *block = vmem_block(vmem);

    if (!vmem->dynamic_memslots) {
        return;
    }
    g_return_if_fail(vmem->nb_memslots == 0 && !vmem->realized);

    /* When realize is going to fail, one memslot will do. */
    if (limit <= 1 || !block) {
        vmem->nb_memslots = 1;
        return;
    }
    region_size = block->size;

    /* Memslots are at least a block: the default block size is needed. */
    if (!vmem->block_size) {
        vmem->block_size = qmem_virtio_mem_default_block_size(block);
    }
    if (vmem->block_size < block->page_size ||
        region_size % vmem->block_size) {
        vmem->nb_memslots = 1;
        return;
    }

    memslot_size = qmem_align_up(region_size / limit, vmem->block_size);
    min_memslot_size = MAX(vmem->block_size,
                           QMEM_VIRTIO_MEM_MIN_MEMSLOT_SIZE);
    memslot_size = MAX(memslot_size, min_memslot_size);

    memslots = qmem_align_up(region_size, memslot_size) / memslot_size;
    if (memslots != 1) {
        vmem->memslot_size = memslot_size;
    }
    vmem->nb_memslots = memslots;
}

guint qmem_virtio_mem_get_memslots(QmemVirtioMem *vmem)
{
    if (!vmem->dynamic_memslots) {
        return 1;
    }
    return MAX(vmem->nb_memslots, 1);
}

guint64 qmem_virtio_mem_get_memslot_size(QmemVirtioMem *vmem)
{
    return vmem->memslots ? vmem->memslot_size : 0;
}

gboolean qmem_virtio_mem_memslot_is_active(QmemVirtioMem *vmem, guint idx)
{
    g_return_val_if_fail(!vmem->memslots || idx < vmem->nb_memslots, FALSE);

    return vmem->memslots &&
           qmem_memory_region_is_mapped(vmem->memslots[idx]);
}

guint qmem_virtio_mem_get_active_memslots(QmemVirtioMem *vmem)
{
    guint n = 0;

    for (guint i = 0; vmem->memslots && i < vmem->nb_memslots; i++) {
        n += qmem_memory_region_is_mapped(vmem->memslots[i]);
    }
    return n;
}

/* Realize */

gboolean qmem_virtio_mem_realize(QmemVirtioMem *vmem,
                                 const QmemVirtioMemEnv *env,
                                 GError **error)
{
    QmemRamBlock *rb;
    gboolean memdev_prealloc = FALSE;
    guint64 page_size, default_block_size;
    int ret;

    g_return_val_if_fail(vmem != NULL && env != NULL, FALSE);
    g_return_val_if_fail(!vmem->realized, FALSE);

    rb = vmem_block(vmem);
    if (vmem->memdev) {
        memdev_prealloc = qmem_host_memory_backend_get_prealloc(vmem->memdev);
    }
    if (!vmem->memdev) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "'%s' property is not set", QMEM_VIRTIO_MEM_PROP_MEMDEV);
        return FALSE;
    } else if (qmem_host_memory_backend_is_mapped(vmem->memdev)) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "'%s' property specifies a busy memdev: %s",
                    QMEM_VIRTIO_MEM_PROP_MEMDEV,
                    qmem_object_get_name(QMEM_OBJECT(vmem->memdev)) ?: "");
        return FALSE;
    } else if (!rb || (rb->flags & QMEM_RAM_READONLY)) {
        /* Not RAM, or ROM (a read-only mapping). */
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "'%s' property specifies an unsupported memdev",
                    QMEM_VIRTIO_MEM_PROP_MEMDEV);
        return FALSE;
    } else if (memdev_prealloc) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "'%s' property specifies a memdev with preallocation "
                    "enabled: %s. Instead, specify 'prealloc=on' for the "
                    "virtio-mem device. ", QMEM_VIRTIO_MEM_PROP_MEMDEV,
                    qmem_object_get_name(QMEM_OBJECT(vmem->memdev)) ?: "");
        return FALSE;
    }

    if ((env->nb_numa_nodes && vmem->node >= env->nb_numa_nodes) ||
        (!env->nb_numa_nodes && vmem->node)) {
        /* Sic: "exceedsthe", as QEMU. */
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "'%s' property has value '%" PRIu32 "', which exceeds"
                    "the number of numa nodes: %u", QMEM_VIRTIO_MEM_PROP_NODE,
                    vmem->node, env->nb_numa_nodes ? env->nb_numa_nodes : 1);
        return FALSE;
    }

    if (env->mlock) {
        g_set_error_literal(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                            "Incompatible with mlock");
        return FALSE;
    }

    page_size = rb->page_size;

    /* x86 has legacy guests that read unplugged memory. */
    switch (vmem->unplugged_inaccessible) {
    case QMEM_VIRTIO_MEM_ON_OFF_AUTO_AUTO:
        vmem->unplugged_inaccessible = has_shared_zeropage(rb) ?
            QMEM_VIRTIO_MEM_ON_OFF_AUTO_OFF : QMEM_VIRTIO_MEM_ON_OFF_AUTO_ON;
        break;
    case QMEM_VIRTIO_MEM_ON_OFF_AUTO_OFF:
        if (!has_shared_zeropage(rb)) {
            qmem_warn_report("'%s' property set to 'off' with a memdev that "
                             "does not support the shared zeropage.",
                             QMEM_VIRTIO_MEM_PROP_UNPLUGGED_INACCESSIBLE);
        }
        break;
    default:
        break;
    }

    if (vmem->dynamic_memslots &&
        vmem->unplugged_inaccessible != QMEM_VIRTIO_MEM_ON_OFF_AUTO_ON) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "'%s' property set to 'on' requires '%s' to be 'on'",
                    QMEM_VIRTIO_MEM_PROP_DYNAMIC_MEMSLOTS,
                    QMEM_VIRTIO_MEM_PROP_UNPLUGGED_INACCESSIBLE);
        return FALSE;
    }

    /* A default that suits hugetlbfs backends of any page size. */
    default_block_size = qmem_virtio_mem_default_block_size(rb);
    if (!vmem->block_size) {
        vmem->block_size = default_block_size;
    }
    if (vmem->block_size < page_size) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "'%s' property has to be at least the page size (0x%"
                    PRIx64 ")", QMEM_VIRTIO_MEM_PROP_BLOCK_SIZE, page_size);
        return FALSE;
    } else if (vmem->block_size < default_block_size) {
        qmem_warn_report("'%s' property is smaller than the default block "
                         "size (%" PRIx64 " MiB)",
                         QMEM_VIRTIO_MEM_PROP_BLOCK_SIZE,
                         default_block_size / MiB);
    }
    if (vmem->requested_size % vmem->block_size) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "'%s' property has to be multiples of '%s' (0x%" PRIx64
                    ")", QMEM_VIRTIO_MEM_PROP_REQUESTED_SIZE,
                    QMEM_VIRTIO_MEM_PROP_BLOCK_SIZE, vmem->block_size);
        return FALSE;
    } else if (vmem->addr % vmem->block_size) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "'%s' property has to be multiples of '%s' (0x%" PRIx64
                    ")", QMEM_VIRTIO_MEM_PROP_ADDR,
                    QMEM_VIRTIO_MEM_PROP_BLOCK_SIZE, vmem->block_size);
        return FALSE;
    } else if (rb->size % vmem->block_size) {
        /* Sic: "of'block-size'", as QEMU. */
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "'%s' property memdev size has to be multiples of"
                    "'%s' (0x%" PRIx64 ")", QMEM_VIRTIO_MEM_PROP_MEMDEV,
                    QMEM_VIRTIO_MEM_PROP_BLOCK_SIZE, vmem->block_size);
        return FALSE;
    }

    if (env->discard_disabled) {
        g_set_error_literal(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                            "Discarding RAM is disabled");
        return FALSE;
    }

    /*
     * Start from a clean slate: the backend may be reused, a shared file
     * may still hold data.  An incoming migration brings the contents.
     */
    if (!env->incoming_migration) {
        ret = qmem_ram_block_discard_range(rb, 0, rb->size);
        if (ret) {
            g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                        "Unexpected error discarding RAM: %s",
                        g_strerror(-ret));
            return FALSE;
        }
    }

    resize_usable_region(vmem, vmem->requested_size, TRUE);
    vmem->bitmap_size = rb->size / vmem->block_size;
    vmem->bitmap = qmem_bitmap_new(vmem->bitmap_size);
    vmem->size = 0;

    /* Without dynamic memslots the backend is mapped whole. */
    if (vmem->dynamic_memslots) {
        if (!vmem->mr) {
            prepare_mr(vmem);
        }
        if (vmem->nb_memslots <= 1) {
            vmem->nb_memslots = 1;
            vmem->memslot_size = rb->size;
        }
        if (!vmem->memslots) {
            prepare_memslots(vmem);
        }
    } else {
        g_assert(!vmem->mr && !vmem->memslots);
    }

    qmem_host_memory_backend_set_mapped(vmem->memdev, TRUE);
    vmem->broken = FALSE;
    vmem->realized = TRUE;
    return TRUE;
}

void qmem_virtio_mem_unrealize(QmemVirtioMem *vmem)
{
    g_return_if_fail(vmem->realized);

    /* A memslot may still be mapped if the device goes with the machine. */
    if (vmem->memslots) {
        qmem_memory_region_transaction_begin();
        for (guint idx = 0; idx < vmem->nb_memslots; idx++) {
            deactivate_memslot(vmem, idx);
        }
        qmem_memory_region_transaction_commit();
    }
    vmem_drop_regions(vmem);
    vmem->nb_memslots = 0;
    vmem->memslot_size = 0;
    qmem_host_memory_backend_set_mapped(vmem->memdev, FALSE);
    g_clear_pointer(&vmem->bitmap, g_free);
    vmem->bitmap_size = 0;
    vmem->size = 0;
    vmem->realized = FALSE;
}

gboolean qmem_virtio_mem_is_realized(QmemVirtioMem *vmem)
{
    return vmem->realized;
}

/* Blocks */

gboolean qmem_virtio_mem_is_range_plugged(QmemVirtioMem *vmem, guint64 addr,
                                          guint64 size)
{
    const guint64 first_bit = (addr - vmem->addr) / vmem->block_size;
    const guint64 last_bit = first_bit + size / vmem->block_size - 1;

    g_return_val_if_fail(vmem->realized, FALSE);
    /* A shorter bitmap keeps the search inside the range. */
    return qmem_find_next_zero_bit(vmem->bitmap, last_bit + 1, first_bit) >
           last_bit;
}

gboolean qmem_virtio_mem_is_range_unplugged(QmemVirtioMem *vmem,
                                            guint64 addr, guint64 size)
{
    const guint64 first_bit = (addr - vmem->addr) / vmem->block_size;
    const guint64 last_bit = first_bit + size / vmem->block_size - 1;

    g_return_val_if_fail(vmem->realized, FALSE);
    return qmem_find_next_bit(vmem->bitmap, last_bit + 1, first_bit) >
           last_bit;
}

static void set_range(QmemVirtioMem *vmem, guint64 addr, guint64 size,
                      gboolean plugged)
{
    guint64 first = (addr - vmem->addr) / vmem->block_size;
    guint64 n = size / vmem->block_size;

    if (plugged) {
        qmem_bitmap_set(vmem->bitmap, first, n);
    } else {
        qmem_bitmap_clear(vmem->bitmap, first, n);
    }
}

/* The guest sends any numbers: only whole blocks of the usable region. */
static gboolean valid_range(QmemVirtioMem *vmem, guint64 gpa, guint64 size)
{
    if (gpa % vmem->block_size) {
        return FALSE;
    }
    if (gpa + size < gpa || !size) {
        return FALSE;
    }
    if (gpa < vmem->addr || gpa >= vmem->addr + vmem->usable_region_size) {
        return FALSE;
    }
    if (gpa + size > vmem->addr + vmem->usable_region_size) {
        return FALSE;
    }
    return TRUE;
}

/* Returns 0 or -EBUSY; on failure the blocks keep their state. */
static int set_block_state(QmemVirtioMem *vmem, guint64 start_gpa,
                           guint64 size, gboolean plug)
{
    const guint64 offset = start_gpa - vmem->addr;
    QmemRamBlock *rb = vmem_block(vmem);
    int ret = 0;

    if (vmem->busy) {
        return -EBUSY;
    }

    if (!plug) {
        if (qmem_ram_block_discard_range(rb, offset, size)) {
            return -EBUSY;
        }
        set_range(vmem, start_gpa, size, FALSE);
        /* After the bitmap changed: it says which memslots are empty. */
        if (vmem->dynamic_memslots) {
            deactivate_unplugged_memslots(vmem, offset, size);
        }
        return 0;
    }

    if (vmem->prealloc) {
        static gboolean warned;
        g_autoptr(GError) local_err = NULL;

        if (!qmem_prealloc_mem(rb->fd, (guint8 *)rb->host + offset, size, 1,
                               &local_err)) {
            /* Once: a guest retrying must not fill the log. */
            if (!warned) {
                qmem_warn_report("%s", local_err->message);
                warned = TRUE;
            }
            ret = -EBUSY;
        }
    }
    if (!ret) {
        /* Mapped before the blocks become plugged. */
        if (vmem->dynamic_memslots) {
            activate_memslots_to_plug(vmem, offset, size);
        }
    }
    if (ret) {
        /* Preallocation may have populated part of it. */
        qmem_ram_block_discard_range(rb, offset, size);
        return -EBUSY;
    }
    set_range(vmem, start_gpa, size, TRUE);
    return 0;
}

static guint16 state_change_request(QmemVirtioMem *vmem, guint64 gpa,
                                    guint16 nb_blocks, gboolean plug)
{
    guint64 size;
    int ret;

    /* Cannot overflow for any backend that fits a 64-bit address space. */
    if (nb_blocks > G_MAXUINT64 / vmem->block_size) {
        return QMEM_VIRTIO_MEM_RESP_ERROR;
    }
    size = nb_blocks * vmem->block_size;
    if (!valid_range(vmem, gpa, size)) {
        return QMEM_VIRTIO_MEM_RESP_ERROR;
    }
    if (plug && vmem->size + size > vmem->requested_size) {
        return QMEM_VIRTIO_MEM_RESP_NACK;
    }
    /* Every block must be in the other state. */
    if ((plug && !qmem_virtio_mem_is_range_unplugged(vmem, gpa, size)) ||
        (!plug && !qmem_virtio_mem_is_range_plugged(vmem, gpa, size))) {
        return QMEM_VIRTIO_MEM_RESP_ERROR;
    }

    qmem_memory_region_transaction_begin();
    ret = set_block_state(vmem, gpa, size, plug);
    qmem_memory_region_transaction_commit();
    if (ret) {
        return QMEM_VIRTIO_MEM_RESP_BUSY;
    }
    if (plug) {
        vmem->size += size;
    } else {
        vmem->size -= size;
    }
    notify_size_change(vmem);
    return QMEM_VIRTIO_MEM_RESP_ACK;
}

static int unplug_all(QmemVirtioMem *vmem)
{
    QmemRamBlock *rb = vmem_block(vmem);

    if (vmem->size) {
        if (vmem->busy) {
            return -EBUSY;
        }
        if (qmem_ram_block_discard_range(rb, 0, rb->size)) {
            return -EBUSY;
        }
        qmem_bitmap_clear(vmem->bitmap, 0, vmem->bitmap_size);
        vmem->size = 0;
        notify_size_change(vmem);
        if (vmem->dynamic_memslots) {
            deactivate_unplugged_memslots(vmem, 0, rb->size);
        }
    }
    resize_usable_region(vmem, vmem->requested_size, TRUE);
    return 0;
}

static guint16 get_le16(const guint8 *p)
{
    return p[0] | p[1] << 8;
}

static guint64 get_le64(const guint8 *p)
{
    guint64 v = 0;

    for (int i = 7; i >= 0; i--) {
        v = v << 8 | p[i];
    }
    return v;
}

static void put_le16(guint8 *p, guint16 v)
{
    p[0] = v;
    p[1] = v >> 8;
}

static void put_le64(guint8 *p, guint64 v)
{
    for (int i = 0; i < 8; i++) {
        p[i] = v >> (8 * i);
    }
}

/* QEMU's virtio_error(): the device stops until the guest resets it. */
static gboolean G_GNUC_PRINTF(3, 4) protocol_violation(QmemVirtioMem *vmem,
                                                       GError **error,
                                                       const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    g_propagate_error(error, g_error_new_valist(QMEM_ERROR,
                                                QMEM_ERROR_GENERIC, fmt, ap));
    va_end(ap);
    vmem->broken = TRUE;
    return FALSE;
}

gboolean qmem_virtio_mem_handle_request(QmemVirtioMem *vmem,
                                        const guint8 *req, gsize req_len,
                                        guint8 *resp, gsize resp_len,
                                        GError **error)
{
    guint16 type, nb_blocks, resp_type = QMEM_VIRTIO_MEM_RESP_ACK;
    guint16 state = 0;
    guint64 gpa;

    g_return_val_if_fail(vmem != NULL && vmem->realized, FALSE);
    g_return_val_if_fail(req != NULL || req_len == 0, FALSE);
    g_return_val_if_fail(resp != NULL || resp_len == 0, FALSE);

    if (vmem->broken) {
        g_set_error_literal(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                            "virtio-mem device needs a reset after a "
                            "protocol violation");
        return FALSE;
    }
    if (req_len < QMEM_VIRTIO_MEM_REQ_SIZE) {
        /* QEMU prints the size it expected. */
        return protocol_violation(vmem, error, "virtio-mem protocol "
                                  "violation: invalid request size: %d",
                                  QMEM_VIRTIO_MEM_REQ_SIZE);
    }
    if (resp_len < QMEM_VIRTIO_MEM_RESP_SIZE) {
        return protocol_violation(vmem, error, "virtio-mem protocol "
                                  "violation: not enough space for "
                                  "response: %zu", resp_len);
    }

    type = get_le16(req);
    gpa = get_le64(req + 8);
    nb_blocks = get_le16(req + 16);
    switch (type) {
    case QMEM_VIRTIO_MEM_REQ_PLUG:
        resp_type = state_change_request(vmem, gpa, nb_blocks, TRUE);
        break;
    case QMEM_VIRTIO_MEM_REQ_UNPLUG:
        resp_type = state_change_request(vmem, gpa, nb_blocks, FALSE);
        break;
    case QMEM_VIRTIO_MEM_REQ_UNPLUG_ALL:
        qmem_memory_region_transaction_begin();
        resp_type = unplug_all(vmem) ? QMEM_VIRTIO_MEM_RESP_BUSY
                                     : QMEM_VIRTIO_MEM_RESP_ACK;
        qmem_memory_region_transaction_commit();
        break;
    case QMEM_VIRTIO_MEM_REQ_STATE: {
        guint64 size;

        if (nb_blocks > G_MAXUINT64 / vmem->block_size ||
            !valid_range(vmem, gpa, size = nb_blocks * vmem->block_size)) {
            resp_type = QMEM_VIRTIO_MEM_RESP_ERROR;
        } else if (qmem_virtio_mem_is_range_plugged(vmem, gpa, size)) {
            state = QMEM_VIRTIO_MEM_STATE_PLUGGED;
        } else if (qmem_virtio_mem_is_range_unplugged(vmem, gpa, size)) {
            state = QMEM_VIRTIO_MEM_STATE_UNPLUGGED;
        } else {
            state = QMEM_VIRTIO_MEM_STATE_MIXED;
        }
        break;
    }
    default:
        return protocol_violation(vmem, error, "virtio-mem protocol "
                                  "violation: unknown request type: %d",
                                  type);
    }

    memset(resp, 0, QMEM_VIRTIO_MEM_RESP_SIZE);
    put_le16(resp, resp_type);
    put_le16(resp + 8, state);
    return TRUE;
}

gboolean qmem_virtio_mem_is_broken(QmemVirtioMem *vmem)
{
    return vmem->broken;
}

void qmem_virtio_mem_set_busy(QmemVirtioMem *vmem, gboolean busy)
{
    vmem->busy = busy;
}

void qmem_virtio_mem_get_config(QmemVirtioMem *vmem, guint8 *config)
{
    memset(config, 0, QMEM_VIRTIO_MEM_CONFIG_SIZE);
    put_le64(config, vmem->block_size);
    put_le16(config + 8, vmem->node);
    put_le64(config + 16, vmem->addr);
    put_le64(config + 24, qmem_virtio_mem_get_region_size(vmem));
    put_le64(config + 32, vmem->usable_region_size);
    put_le64(config + 40, vmem->size);
    put_le64(config + 48, vmem->requested_size);
}

guint64 qmem_virtio_mem_get_config_changes(QmemVirtioMem *vmem)
{
    return vmem->config_changes;
}

guint64 qmem_virtio_mem_get_features(QmemVirtioMem *vmem)
{
    g_return_val_if_fail(vmem->unplugged_inaccessible !=
                         QMEM_VIRTIO_MEM_ON_OFF_AUTO_AUTO, 0);

    if (vmem->unplugged_inaccessible == QMEM_VIRTIO_MEM_ON_OFF_AUTO_ON) {
        return G_GUINT64_CONSTANT(1) <<
               QMEM_VIRTIO_MEM_F_UNPLUGGED_INACCESSIBLE;
    }
    return 0;
}

gboolean qmem_virtio_mem_validate_features(QmemVirtioMem *vmem,
                                           guint64 driver_features)
{
    const guint64 bit = G_GUINT64_CONSTANT(1) <<
                        QMEM_VIRTIO_MEM_F_UNPLUGGED_INACCESSIBLE;

    return !(qmem_virtio_mem_get_features(vmem) & bit) ||
           (driver_features & bit);
}

void qmem_virtio_mem_system_reset(QmemVirtioMem *vmem, gboolean wakeup)
{
    g_return_if_fail(vmem->realized);

    /* The virtio reset that comes with every system reset. */
    vmem->broken = FALSE;
    /* A guest resuming from suspend keeps its memory. */
    if (wakeup) {
        return;
    }
    /* When busy, the guest has to unplug by itself (UNPLUG_ALL). */
    qmem_memory_region_transaction_begin();
    unplug_all(vmem);
    qmem_memory_region_transaction_commit();
}

/* The memory-device side */

JsonObject *qmem_virtio_mem_fill_device_info(QmemVirtioMem *vmem,
                                             const char *id)
{
    JsonObject *data = json_object_new();
    g_autofree char *memdev = vmem->memdev ?
        qmem_object_get_canonical_path(QMEM_OBJECT(vmem->memdev)) : NULL;

    if (id) {
        json_object_set_string_member(data, "id", id);
    }
    json_object_set_member(data, "memaddr",
                           qmem_json_node_new_uint64(vmem->addr));
    json_object_set_member(data, "requested-size",
                           qmem_json_node_new_uint64(vmem->requested_size));
    json_object_set_member(data, "size", qmem_json_node_new_uint64(vmem->size));
    json_object_set_member(data, "max-size", qmem_json_node_new_uint64(
                               qmem_virtio_mem_get_region_size(vmem)));
    json_object_set_member(data, "block-size", qmem_json_node_new_uint64(
                               qmem_virtio_mem_get_block_size(vmem)));
    json_object_set_int_member(data, "node", vmem->node);
    json_object_set_string_member(data, "memdev", memdev ? memdev : "");
    return data;
}

gboolean qmem_virtio_mem_unplug_request_check(QmemVirtioMem *vmem,
                                              GError **error)
{
    /* Possible with an empty usable region, but a legacy setting anyway. */
    if (vmem->unplugged_inaccessible == QMEM_VIRTIO_MEM_ON_OFF_AUTO_OFF) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "virtio-mem device cannot get unplugged while '%s' != "
                    "'on'", QMEM_VIRTIO_MEM_PROP_UNPLUGGED_INACCESSIBLE);
        return FALSE;
    }
    if (vmem->size) {
        g_set_error_literal(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                            "virtio-mem device cannot get unplugged while "
                            "some of its memory is still plugged");
        return FALSE;
    }
    if (vmem->requested_size) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "virtio-mem device cannot get unplugged while '%s' != "
                    "'0'", QMEM_VIRTIO_MEM_PROP_REQUESTED_SIZE);
        return FALSE;
    }
    return TRUE;
}

/* Finding a device's virtio-mem */

QmemVirtioMem *qmem_virtio_mem_from_device(QmemDevice *dev)
{
    g_autoptr(GPtrArray) children = NULL;

    g_return_val_if_fail(QMEM_IS_DEVICE(dev), NULL);

    children = qmem_object_get_children(QMEM_OBJECT(dev));
    for (guint i = 0; i < children->len; i++) {
        if (QMEM_IS_VIRTIO_MEM(g_ptr_array_index(children, i))) {
            return g_ptr_array_index(children, i);
        }
    }
    return NULL;
}

/* Properties */

static void qmem_virtio_mem_get_property(GObject *obj, guint prop_id,
                                         GValue *value, GParamSpec *pspec)
{
    QmemVirtioMem *vmem = QMEM_VIRTIO_MEM(obj);

    switch (prop_id) {
    case PROP_ADDR:
        g_value_set_uint64(value, vmem->addr);
        break;
    case PROP_NODE:
        g_value_set_uint(value, vmem->node);
        break;
    case PROP_MEMDEV:
        g_value_set_object(value, vmem->memdev);
        break;
    case PROP_PREALLOC:
        g_value_set_boolean(value, vmem->prealloc);
        break;
    case PROP_SIZE:
        g_value_set_uint64(value, vmem->size);
        break;
    case PROP_REQUESTED_SIZE:
        g_value_set_uint64(value, vmem->requested_size);
        break;
    case PROP_BLOCK_SIZE:
        g_value_set_uint64(value, qmem_virtio_mem_get_block_size(vmem));
        break;
    case PROP_UNPLUGGED_INACCESSIBLE:
        g_value_set_enum(value, vmem->unplugged_inaccessible);
        break;
    case PROP_DYNAMIC_MEMSLOTS:
        g_value_set_boolean(value, vmem->dynamic_memslots);
        break;
    default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID(obj, prop_id, pspec);
    }
}

/* Values from outside come checked by set_property_checked. */
static void qmem_virtio_mem_set_property(GObject *obj, guint prop_id,
                                         const GValue *value,
                                         GParamSpec *pspec)
{
    QmemVirtioMem *vmem = QMEM_VIRTIO_MEM(obj);
    g_autoptr(GError) error = NULL;

    switch (prop_id) {
    case PROP_ADDR:
        qmem_virtio_mem_set_addr(vmem, g_value_get_uint64(value));
        break;
    case PROP_NODE:
        qmem_virtio_mem_set_node(vmem, g_value_get_uint(value));
        break;
    case PROP_MEMDEV:
        qmem_virtio_mem_set_memdev(vmem, g_value_get_object(value));
        break;
    case PROP_PREALLOC:
        qmem_virtio_mem_set_prealloc(vmem, g_value_get_boolean(value));
        break;
    case PROP_REQUESTED_SIZE:
        if (!qmem_virtio_mem_set_requested_size(
                vmem, g_value_get_uint64(value), &error)) {
            g_critical("%s", error->message);
        }
        break;
    case PROP_BLOCK_SIZE:
        if (!qmem_virtio_mem_set_block_size(vmem, g_value_get_uint64(value),
                                            &error)) {
            g_critical("%s", error->message);
        }
        break;
    case PROP_UNPLUGGED_INACCESSIBLE:
        qmem_virtio_mem_set_unplugged_inaccessible(vmem,
                                                   g_value_get_enum(value));
        break;
    case PROP_DYNAMIC_MEMSLOTS:
        qmem_virtio_mem_set_dynamic_memslots(vmem,
                                             g_value_get_boolean(value));
        break;
    default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID(obj, prop_id, pspec);
    }
}

/*
 * block-size and requested-size decide themselves what may change after
 * realize; the others are QEMU's qdev properties, fixed then, with qdev's
 * texts for a device without an id (QEMU prints the link's NULL id).
 */
static gboolean qmem_virtio_mem_set_property_checked(QmemObject *obj,
                                                     GParamSpec *pspec,
                                                     const GValue *value,
                                                     GError **error)
{
    QmemVirtioMem *vmem = QMEM_VIRTIO_MEM(obj);

    if (pspec == props[PROP_BLOCK_SIZE]) {
        return qmem_virtio_mem_set_block_size(vmem, g_value_get_uint64(value),
                                              error);
    }
    if (pspec == props[PROP_REQUESTED_SIZE]) {
        return qmem_virtio_mem_set_requested_size(
            vmem, g_value_get_uint64(value), error);
    }
    if (vmem->realized) {
        if (pspec == props[PROP_MEMDEV]) {
            g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                        "Attempt to set link property '%s' on device "
                        "'(null)' (type '%s') after it was realized",
                        pspec->name, qmem_object_get_typename(obj));
        } else {
            g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                        "Attempt to set property '%s' on anonymous device "
                        "(type '%s') after it was realized", pspec->name,
                        qmem_object_get_typename(obj));
        }
        return FALSE;
    }
    return QMEM_OBJECT_CLASS(qmem_virtio_mem_parent_class)
        ->set_property_checked(obj, pspec, value, error);
}

static void qmem_virtio_mem_class_init(QmemVirtioMemClass *klass)
{
    GObjectClass *oc = G_OBJECT_CLASS(klass);
    const GParamFlags rw = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
                           G_PARAM_EXPLICIT_NOTIFY;

    oc->get_property = qmem_virtio_mem_get_property;
    oc->set_property = qmem_virtio_mem_set_property;
    oc->dispose = qmem_virtio_mem_dispose;
    QMEM_OBJECT_CLASS(klass)->set_property_checked =
        qmem_virtio_mem_set_property_checked;

    /*
     * Blurbs only where QEMU's qdev property types have a description
     * ("on/off/auto" for OnOffAuto), so that help prints QEMU's lines;
     * docs/virtio-mem-pci.md describes each property.
     */
    props[PROP_ADDR] = g_param_spec_uint64(QMEM_VIRTIO_MEM_PROP_ADDR, NULL,
                                           NULL, 0, G_MAXUINT64, 0, rw);
    props[PROP_NODE] = g_param_spec_uint(QMEM_VIRTIO_MEM_PROP_NODE, NULL, NULL,
                                         0, G_MAXUINT32, 0, rw);
    props[PROP_MEMDEV] = g_param_spec_object(QMEM_VIRTIO_MEM_PROP_MEMDEV, NULL,
                                             NULL,
                                             QMEM_TYPE_HOST_MEMORY_BACKEND,
                                             rw);
    props[PROP_PREALLOC] = g_param_spec_boolean(QMEM_VIRTIO_MEM_PROP_PREALLOC,
                                                NULL, NULL, FALSE, rw);
    props[PROP_SIZE] = qmem_param_spec_size(
        QMEM_VIRTIO_MEM_PROP_SIZE, NULL, 0, G_MAXUINT64, 0,
        G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
    props[PROP_REQUESTED_SIZE] = qmem_param_spec_size(
        QMEM_VIRTIO_MEM_PROP_REQUESTED_SIZE, NULL, 0, G_MAXUINT64, 0, rw);
    props[PROP_BLOCK_SIZE] = qmem_param_spec_size(
        QMEM_VIRTIO_MEM_PROP_BLOCK_SIZE, NULL, 0, G_MAXUINT64, 0, rw);
    /*
     * QEMU quotes an enum's default: the help line is the blurb, since
     * the property layer prints enum defaults bare.
     */
    props[PROP_UNPLUGGED_INACCESSIBLE] = g_param_spec_enum(
        QMEM_VIRTIO_MEM_PROP_UNPLUGGED_INACCESSIBLE, NULL,
        "on/off/auto (default: \"on\")", QMEM_TYPE_VIRTIO_MEM_ON_OFF_AUTO,
        QMEM_VIRTIO_MEM_ON_OFF_AUTO_ON, rw);
    props[PROP_DYNAMIC_MEMSLOTS] = g_param_spec_boolean(
        QMEM_VIRTIO_MEM_PROP_DYNAMIC_MEMSLOTS, NULL, NULL, FALSE, rw);
    g_object_class_install_properties(oc, N_PROPS, props);

    qmem_param_spec_set_qom_type(props[PROP_UNPLUGGED_INACCESSIBLE],
                                 "OnOffAuto");
    qmem_param_spec_set_show_default(props[PROP_ADDR], TRUE);
    qmem_param_spec_set_show_default(props[PROP_NODE], TRUE);
    qmem_param_spec_set_show_default(props[PROP_PREALLOC], TRUE);
    qmem_param_spec_set_show_default(props[PROP_DYNAMIC_MEMSLOTS], TRUE);
}

static void qmem_virtio_mem_init(QmemVirtioMem *vmem)
{
    vmem->unplugged_inaccessible = QMEM_VIRTIO_MEM_ON_OFF_AUTO_ON;
}
