/* SPDX-License-Identifier: GPL-2.0-or-later */
/* virtio-mem's memory region and dynamic memslots (QEMU 8.2). */

#include "hw/virtio/virtio-mem-internal.h"
#include "util/error.h"
#include "util/range.h"

/* The memdev's region; the memdev must be allocated. */
static QmemMemoryRegion *vmem_memdev_mr(QmemVirtioMem *vmem)
{
    QmemRamBlock *block = qmem_virtio_mem_get_ram_block(vmem);

    g_assert(block);
    if (!vmem->memdev_mr) {
        vmem->memdev_mr = qmem_memory_region_new_ram(block->name, block);
    }
    return vmem->memdev_mr;
}

void qmem_virtio_mem_drop_regions(QmemVirtioMem *vmem)
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

static void prepare_mr(QmemVirtioMem *vmem)
{
    QmemRamBlock *block = qmem_virtio_mem_get_ram_block(vmem);

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

void qmem_virtio_mem_activate_memslots(QmemVirtioMem *vmem, guint64 offset,
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

void qmem_virtio_mem_deactivate_memslots(QmemVirtioMem *vmem,
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

void qmem_virtio_mem_realize_memslots(QmemVirtioMem *vmem)
{
    /* Without dynamic memslots the backend is mapped whole. */
    if (!vmem->dynamic_memslots) {
        g_assert(!vmem->mr && !vmem->memslots);
        return;
    }
    if (!vmem->mr) {
        prepare_mr(vmem);
    }
    if (vmem->nb_memslots <= 1) {
        vmem->nb_memslots = 1;
        vmem->memslot_size = qmem_virtio_mem_get_region_size(vmem);
    }
    if (!vmem->memslots) {
        prepare_memslots(vmem);
    }
}

void qmem_virtio_mem_unrealize_memslots(QmemVirtioMem *vmem)
{
    /* A memslot may still be mapped if the device goes with the machine. */
    if (vmem->memslots) {
        qmem_memory_region_transaction_begin();
        for (guint idx = 0; idx < vmem->nb_memslots; idx++) {
            deactivate_memslot(vmem, idx);
        }
        qmem_memory_region_transaction_commit();
    }
    qmem_virtio_mem_drop_regions(vmem);
    vmem->nb_memslots = 0;
    vmem->memslot_size = 0;
}

QmemMemoryRegion *qmem_virtio_mem_get_memory_region(QmemVirtioMem *vmem,
                                                    GError **error)
{
    if (!vmem->memdev) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "'%s' property must be set", QMEM_VIRTIO_MEM_PROP_MEMDEV);
        return NULL;
    }
    if (!qmem_virtio_mem_get_ram_block(vmem)) {
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
    QmemRamBlock *block = qmem_virtio_mem_get_ram_block(vmem);

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
