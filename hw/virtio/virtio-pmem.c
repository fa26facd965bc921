/* SPDX-License-Identifier: GPL-2.0-or-later */
/* virtio-pmem: a backend as guest persistent memory, flushed on request. */

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "hw/virtio/virtio-pmem.h"
#include "qobject/json.h"
#include "qom/property.h"
#include "system/ram-block.h"
#include "util/error.h"

struct _QmemVirtioPmem {
    QmemVirtioDevice parent_instance;

    guint64 start;                  /* "memaddr" */
    QmemHostMemoryBackend *memdev;
    /* The backend's RAM as a region, made on first use. */
    QmemMemoryRegion *mr;
    QmemVirtQueue *rq_vq;
    gboolean realized;
    guint64 flushes;
};

enum {
    PROP_0,
    PROP_ADDR,
    PROP_MEMDEV,
    N_PROPS
};

static GParamSpec *props[N_PROPS];

G_DEFINE_TYPE_WITH_CODE(QmemVirtioPmem, qmem_virtio_pmem,
                        QMEM_TYPE_VIRTIO_DEVICE,
                        qmem_type_register_name(QMEM_TYPE_NAME_VIRTIO_PMEM,
                                                g_define_type_id))

QmemVirtioPmem *qmem_virtio_pmem_new(void)
{
    return g_object_new(QMEM_TYPE_VIRTIO_PMEM, NULL);
}

/* Drops the region unless it is still mapped somewhere. */
static void drop_region(QmemVirtioPmem *pmem)
{
    if (pmem->mr && !qmem_memory_region_is_mapped(pmem->mr)) {
        g_clear_object(&pmem->mr);
    }
}

/* Configuration */

void qmem_virtio_pmem_set_memdev(QmemVirtioPmem *pmem,
                                 QmemHostMemoryBackend *memdev)
{
    g_return_if_fail(!pmem->realized);

    if (pmem->memdev == memdev) {
        return;
    }
    /* Nothing is mapped before realize. */
    g_clear_object(&pmem->mr);
    g_set_object(&pmem->memdev, memdev);
    g_object_notify_by_pspec(G_OBJECT(pmem), props[PROP_MEMDEV]);
}

QmemHostMemoryBackend *qmem_virtio_pmem_get_memdev(QmemVirtioPmem *pmem)
{
    return pmem->memdev;
}

void qmem_virtio_pmem_set_addr(QmemVirtioPmem *pmem, guint64 addr)
{
    if (pmem->start != addr) {
        pmem->start = addr;
        g_object_notify_by_pspec(G_OBJECT(pmem), props[PROP_ADDR]);
    }
}

guint64 qmem_virtio_pmem_get_addr(QmemVirtioPmem *pmem)
{
    return pmem->start;
}

guint64 qmem_virtio_pmem_get_size(QmemVirtioPmem *pmem)
{
    QmemRamBlock *block = pmem->memdev ?
        qmem_host_memory_backend_get_ram_block(pmem->memdev) : NULL;

    return block ? block->size : 0;
}

QmemMemoryRegion *qmem_virtio_pmem_get_memory_region(QmemVirtioPmem *pmem,
                                                     GError **error)
{
    QmemRamBlock *block;

    if (!pmem->memdev) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "'%s' property must be set",
                    QMEM_VIRTIO_PMEM_PROP_MEMDEV);
        return NULL;
    }
    if (!pmem->mr) {
        /* Backends under /objects have completed, so they have RAM. */
        block = qmem_host_memory_backend_get_ram_block(pmem->memdev);
        g_assert(block);
        pmem->mr = qmem_memory_region_new_ram(block->name, block);
    }
    return pmem->mr;
}

JsonObject *qmem_virtio_pmem_fill_device_info(QmemVirtioPmem *pmem,
                                              const char *id)
{
    JsonObject *data = json_object_new();
    g_autofree char *memdev = pmem->memdev ?
        qmem_object_get_canonical_path(QMEM_OBJECT(pmem->memdev)) : NULL;

    if (id) {
        json_object_set_string_member(data, "id", id);
    }
    json_object_set_member(data, "memaddr",
                           qmem_json_node_new_uint64(pmem->start));
    json_object_set_member(data, "size", qmem_json_node_new_uint64(
                               qmem_virtio_pmem_get_size(pmem)));
    json_object_set_string_member(data, "memdev", memdev ? memdev : "");
    return data;
}

QmemVirtioPmem *qmem_virtio_pmem_from_device(QmemDevice *dev)
{
    g_autoptr(GPtrArray) children = NULL;

    g_return_val_if_fail(QMEM_IS_DEVICE(dev), NULL);

    children = qmem_object_get_children(QMEM_OBJECT(dev));
    for (guint i = 0; i < children->len; i++) {
        if (QMEM_IS_VIRTIO_PMEM(g_ptr_array_index(children, i))) {
            return g_ptr_array_index(children, i);
        }
    }
    return NULL;
}

/* The request queue */

guint32 qmem_virtio_pmem_flush(QmemVirtioPmem *pmem)
{
    QmemRamBlock *block = pmem->memdev ?
        qmem_host_memory_backend_get_ram_block(pmem->memdev) : NULL;

    /* QEMU calls fsync(-1) for a backend without a file: EBADF. */
    if (!block || block->fd < 0) {
        return QMEM_VIRTIO_PMEM_RESP_EIO;
    }
    return fsync(block->fd) ? QMEM_VIRTIO_PMEM_RESP_EIO
                            : QMEM_VIRTIO_PMEM_RESP_OK;
}

guint64 qmem_virtio_pmem_get_flushes(QmemVirtioPmem *pmem)
{
    return pmem->flushes;
}

/*
 * QEMU's virtio_pmem_flush(): one element per kick, whatever its request
 * says (QEMU does not look at the type), answered with the fsync's
 * result in as much of the write buffers as there is room for.  A kick
 * without an element and an element without both a read and a write
 * buffer are guest errors that break the device.
 */
static void virtio_pmem_handle_queue(QmemVirtioDevice *vdev,
                                     QmemVirtQueue *vq)
{
    QmemVirtioPmem *pmem = QMEM_VIRTIO_PMEM(vdev);
    g_autoptr(QmemVirtQueueElement) elem = qmem_virtqueue_pop(vq);
    guint8 resp[QMEM_VIRTIO_PMEM_RESP_SIZE];
    guint32 ret;
    gsize len;

    if (!elem) {
        qmem_virtio_error(vdev, "virtio-pmem missing request data");
        return;
    }
    if (elem->out_num < 1 || elem->in_num < 1) {
        qmem_virtio_error(vdev, "virtio-pmem request not proper");
        qmem_virtqueue_detach_element(vq, elem, 0);
        return;
    }
    ret = qmem_virtio_pmem_flush(pmem);
    resp[0] = ret;
    resp[1] = ret >> 8;
    resp[2] = ret >> 16;
    resp[3] = ret >> 24;
    len = qmem_virtqueue_element_from_buf(elem, 0, resp, sizeof(resp));
    qmem_virtqueue_push(vq, elem, len);
    qmem_virtio_notify(vdev, vq);
    pmem->flushes++;
}

/* Config space and features */

static void put_le64(guint8 *p, guint64 v)
{
    for (guint i = 0; i < 8; i++) {
        p[i] = v >> (8 * i);
    }
}

static void virtio_pmem_get_config(QmemVirtioDevice *vdev, guint8 *config)
{
    QmemVirtioPmem *pmem = QMEM_VIRTIO_PMEM(vdev);

    put_le64(config, pmem->start);
    put_le64(config + 8, qmem_virtio_pmem_get_size(pmem));
}

/* No feature bits of its own. */
static guint64 virtio_pmem_get_features(QmemVirtioDevice *vdev,
                                        guint64 features)
{
    return features;
}

/* Realize */

gboolean qmem_virtio_pmem_realize(QmemVirtioPmem *pmem, GError **error)
{
    g_return_val_if_fail(!pmem->realized, FALSE);

    if (!pmem->memdev) {
        g_set_error_literal(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                            "virtio-pmem memdev not set");
        return FALSE;
    }
    if (qmem_host_memory_backend_is_mapped(pmem->memdev)) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "can't use already busy memdev: %s",
                    qmem_host_memory_backend_get_id(pmem->memdev) ?: "");
        return FALSE;
    }
    qmem_host_memory_backend_set_mapped(pmem->memdev, TRUE);
    qmem_virtio_init(QMEM_VIRTIO_DEVICE(pmem), QMEM_VIRTIO_ID_PMEM,
                     QMEM_VIRTIO_PMEM_CONFIG_SIZE);
    pmem->rq_vq = qmem_virtio_add_queue(QMEM_VIRTIO_DEVICE(pmem),
                                        QMEM_VIRTIO_PMEM_QUEUE_SIZE,
                                        virtio_pmem_handle_queue);
    pmem->flushes = 0;
    pmem->realized = TRUE;
    return TRUE;
}

void qmem_virtio_pmem_unrealize(QmemVirtioPmem *pmem)
{
    g_return_if_fail(pmem->realized);

    qmem_virtio_cleanup(QMEM_VIRTIO_DEVICE(pmem));
    pmem->rq_vq = NULL;
    qmem_host_memory_backend_set_mapped(pmem->memdev, FALSE);
    drop_region(pmem);
    pmem->realized = FALSE;
}

gboolean qmem_virtio_pmem_is_realized(QmemVirtioPmem *pmem)
{
    return pmem->realized;
}

/* The object */

static void qmem_virtio_pmem_dispose(GObject *obj)
{
    QmemVirtioPmem *pmem = QMEM_VIRTIO_PMEM(obj);

    if (pmem->realized) {
        qmem_virtio_pmem_unrealize(pmem);
    }
    /* A region still mapped now is a bug of whoever mapped it. */
    g_clear_object(&pmem->mr);
    g_clear_object(&pmem->memdev);
    G_OBJECT_CLASS(qmem_virtio_pmem_parent_class)->dispose(obj);
}

static void qmem_virtio_pmem_get_property(GObject *obj, guint prop_id,
                                          GValue *value, GParamSpec *pspec)
{
    QmemVirtioPmem *pmem = QMEM_VIRTIO_PMEM(obj);

    switch (prop_id) {
    case PROP_ADDR:
        g_value_set_uint64(value, pmem->start);
        break;
    case PROP_MEMDEV:
        g_value_set_object(value, pmem->memdev);
        break;
    default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID(obj, prop_id, pspec);
    }
}

static void qmem_virtio_pmem_set_property(GObject *obj, guint prop_id,
                                          const GValue *value,
                                          GParamSpec *pspec)
{
    QmemVirtioPmem *pmem = QMEM_VIRTIO_PMEM(obj);

    switch (prop_id) {
    case PROP_ADDR:
        qmem_virtio_pmem_set_addr(pmem, g_value_get_uint64(value));
        break;
    case PROP_MEMDEV:
        qmem_virtio_pmem_set_memdev(pmem, g_value_get_object(value));
        break;
    default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID(obj, prop_id, pspec);
    }
}

/*
 * QEMU's qdev properties are fixed once realized, with qdev's texts for a
 * device without an id (QEMU prints the link's NULL id).
 */
static gboolean qmem_virtio_pmem_set_property_checked(QmemObject *obj,
                                                      GParamSpec *pspec,
                                                      const GValue *value,
                                                      GError **error)
{
    if (QMEM_VIRTIO_PMEM(obj)->realized) {
        /* QEMU prints the NULL id of a device without one for a link. */
        qmem_device_set_realized_prop_error(obj, pspec, NULL, "(null)",
                                            error);
        return FALSE;
    }
    return QMEM_OBJECT_CLASS(qmem_virtio_pmem_parent_class)
        ->set_property_checked(obj, pspec, value, error);
}

static void qmem_virtio_pmem_class_init(QmemVirtioPmemClass *klass)
{
    GObjectClass *oc = G_OBJECT_CLASS(klass);
    QmemVirtioDeviceClass *vdc = QMEM_VIRTIO_DEVICE_CLASS(klass);
    const GParamFlags rw = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
                           G_PARAM_EXPLICIT_NOTIFY;

    oc->get_property = qmem_virtio_pmem_get_property;
    oc->set_property = qmem_virtio_pmem_set_property;
    oc->dispose = qmem_virtio_pmem_dispose;
    QMEM_OBJECT_CLASS(klass)->set_property_checked =
        qmem_virtio_pmem_set_property_checked;
    vdc->get_features = virtio_pmem_get_features;
    vdc->get_config = virtio_pmem_get_config;

    /*
     * No blurbs, as QEMU's qdev properties have none: help prints QEMU's
     * lines.  docs/virtio-pmem-pci.md describes each property.
     */
    props[PROP_ADDR] = g_param_spec_uint64(QMEM_VIRTIO_PMEM_PROP_ADDR, NULL,
                                           NULL, 0, G_MAXUINT64, 0, rw);
    props[PROP_MEMDEV] = g_param_spec_object(QMEM_VIRTIO_PMEM_PROP_MEMDEV,
                                             NULL, NULL,
                                             QMEM_TYPE_HOST_MEMORY_BACKEND,
                                             rw);
    g_object_class_install_properties(oc, N_PROPS, props);
    qmem_param_spec_set_show_default(props[PROP_ADDR], TRUE);
}

static void qmem_virtio_pmem_init(QmemVirtioPmem *pmem)
{
}
