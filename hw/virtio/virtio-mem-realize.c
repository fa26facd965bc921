/* SPDX-License-Identifier: GPL-2.0-or-later */
/* virtio-mem's realize: QEMU's checks in order, the default block size. */

#include <inttypes.h>
#include <string.h>

#include "hw/virtio/virtio-mem-internal.h"
#include "util/bitmap.h"
#include "util/cutils.h"
#include "util/error-report.h"
#include "util/error.h"
#include "util/osdep.h"
#include "util/range.h"

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

/* Realize */

/* The memdev: set, not in use, RAM, not preallocated (QEMU's step 1). */
static gboolean check_memdev(QmemVirtioMem *vmem, GError **error)
{
    QmemRamBlock *rb = qmem_virtio_mem_get_ram_block(vmem);
    const char *id;

    if (!vmem->memdev) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "'%s' property is not set", QMEM_VIRTIO_MEM_PROP_MEMDEV);
        return FALSE;
    }
    id = qmem_object_get_name(QMEM_OBJECT(vmem->memdev)) ?: "";
    if (qmem_host_memory_backend_is_mapped(vmem->memdev)) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "'%s' property specifies a busy memdev: %s",
                    QMEM_VIRTIO_MEM_PROP_MEMDEV, id);
        return FALSE;
    }
    if (!rb || (rb->flags & QMEM_RAM_READONLY)) {
        /* Not RAM, or ROM (a read-only mapping). */
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "'%s' property specifies an unsupported memdev",
                    QMEM_VIRTIO_MEM_PROP_MEMDEV);
        return FALSE;
    }
    if (qmem_host_memory_backend_get_prealloc(vmem->memdev)) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "'%s' property specifies a memdev with preallocation "
                    "enabled: %s. Instead, specify 'prealloc=on' for the "
                    "virtio-mem device. ", QMEM_VIRTIO_MEM_PROP_MEMDEV, id);
        return FALSE;
    }
    return TRUE;
}

static gboolean check_node(QmemVirtioMem *vmem, const QmemVirtioMemEnv *env,
                           GError **error)
{
    if ((env->nb_numa_nodes && vmem->node >= env->nb_numa_nodes) ||
        (!env->nb_numa_nodes && vmem->node)) {
        /* Sic: "exceedsthe", as QEMU. */
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "'%s' property has value '%" PRIu32 "', which exceeds"
                    "the number of numa nodes: %u", QMEM_VIRTIO_MEM_PROP_NODE,
                    vmem->node, env->nb_numa_nodes ? env->nb_numa_nodes : 1);
        return FALSE;
    }
    return TRUE;
}

/* Only private anonymous memory reads as the shared zero page. */
static gboolean has_shared_zeropage(QmemRamBlock *block)
{
    return !(block->flags & QMEM_RAM_SHARED) && block->fd < 0 &&
           block->page_size == qmem_host_page_size();
}

/* x86 has legacy guests that read unplugged memory. */
static void resolve_unplugged_inaccessible(QmemVirtioMem *vmem,
                                           QmemRamBlock *rb)
{
    switch (vmem->unplugged_inaccessible) {
    case QMEM_VIRTIO_MEM_ON_OFF_AUTO_AUTO:
        qmem_virtio_mem_set_unplugged_inaccessible(
            vmem, has_shared_zeropage(rb) ? QMEM_VIRTIO_MEM_ON_OFF_AUTO_OFF
                                          : QMEM_VIRTIO_MEM_ON_OFF_AUTO_ON);
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
}

/* Resolves the default block size, which then stays. */
static gboolean check_block_size(QmemVirtioMem *vmem, QmemRamBlock *rb,
                                 GError **error)
{
    /* A default that suits hugetlbfs backends of any page size. */
    const guint64 default_block_size = qmem_virtio_mem_default_block_size(rb);

    if (!vmem->block_size) {
        vmem->block_size = default_block_size;
    }
    if (vmem->block_size < rb->page_size) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "'%s' property has to be at least the page size (0x%"
                    PRIx64 ")", QMEM_VIRTIO_MEM_PROP_BLOCK_SIZE,
                    (guint64)rb->page_size);
        return FALSE;
    } else if (vmem->block_size < default_block_size) {
        qmem_warn_report("'%s' property is smaller than the default block "
                         "size (%" PRIx64 " MiB)",
                         QMEM_VIRTIO_MEM_PROP_BLOCK_SIZE,
                         default_block_size / MiB);
    }
    return TRUE;
}

/* requested-size, memaddr and the memdev are whole blocks. */
static gboolean check_alignment(QmemVirtioMem *vmem, QmemRamBlock *rb,
                                GError **error)
{
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
    return TRUE;
}

/*
 * Discarding must be allowed, and the device starts from a clean slate:
 * the backend may be reused, a shared file may still hold data.  An
 * incoming migration brings the contents.
 */
static gboolean discard_all(QmemRamBlock *rb, const QmemVirtioMemEnv *env,
                            GError **error)
{
    int ret;

    if (env->discard_disabled) {
        g_set_error_literal(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                            "Discarding RAM is disabled");
        return FALSE;
    }
    if (env->incoming_migration) {
        return TRUE;
    }
    ret = qmem_ram_block_discard_range(rb, 0, rb->size);
    if (ret) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "Unexpected error discarding RAM: %s", g_strerror(-ret));
        return FALSE;
    }
    return TRUE;
}

gboolean qmem_virtio_mem_realize(QmemVirtioMem *vmem,
                                 const QmemVirtioMemEnv *env,
                                 GError **error)
{
    QmemRamBlock *rb;

    g_return_val_if_fail(vmem != NULL && env != NULL, FALSE);
    g_return_val_if_fail(!vmem->realized, FALSE);

    if (!check_memdev(vmem, error) || !check_node(vmem, env, error)) {
        return FALSE;
    }
    if (env->mlock) {
        g_set_error_literal(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                            "Incompatible with mlock");
        return FALSE;
    }
    rb = qmem_virtio_mem_get_ram_block(vmem);
    resolve_unplugged_inaccessible(vmem, rb);
    if (vmem->dynamic_memslots &&
        vmem->unplugged_inaccessible != QMEM_VIRTIO_MEM_ON_OFF_AUTO_ON) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "'%s' property set to 'on' requires '%s' to be 'on'",
                    QMEM_VIRTIO_MEM_PROP_DYNAMIC_MEMSLOTS,
                    QMEM_VIRTIO_MEM_PROP_UNPLUGGED_INACCESSIBLE);
        return FALSE;
    }
    if (!check_block_size(vmem, rb, error) ||
        !check_alignment(vmem, rb, error) || !discard_all(rb, env, error)) {
        return FALSE;
    }

    qmem_virtio_mem_resize_usable_region(vmem, vmem->requested_size, TRUE);
    vmem->bitmap_size = rb->size / vmem->block_size;
    vmem->bitmap = qmem_bitmap_new(vmem->bitmap_size);
    vmem->size = 0;
    qmem_virtio_mem_realize_memslots(vmem);
    qmem_host_memory_backend_set_mapped(vmem->memdev, TRUE);
    qmem_ram_block_set_discard_manager(rb, qmem_virtio_mem_rdm_is_populated,
                                       vmem);
    vmem->has_numa_state = env->has_numa_state;
    qmem_virtio_init(QMEM_VIRTIO_DEVICE(vmem), QMEM_VIRTIO_ID_MEM,
                     QMEM_VIRTIO_MEM_CONFIG_SIZE);
    vmem->vq = qmem_virtio_add_queue(QMEM_VIRTIO_DEVICE(vmem),
                                     QMEM_VIRTIO_MEM_QUEUE_SIZE,
                                     qmem_virtio_mem_handle_queue);
    vmem->realized = TRUE;
    return TRUE;
}

void qmem_virtio_mem_unrealize(QmemVirtioMem *vmem)
{
    g_return_if_fail(vmem->realized);

    qmem_virtio_cleanup(QMEM_VIRTIO_DEVICE(vmem));
    vmem->vq = NULL;
    qmem_virtio_mem_unrealize_memslots(vmem);
    qmem_ram_block_set_discard_manager(qmem_virtio_mem_get_ram_block(vmem),
                                       NULL, NULL);
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
