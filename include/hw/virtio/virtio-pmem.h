/* SPDX-License-Identifier: GPL-2.0-or-later */
/* virtio-pmem: the device (core) and the names of virtio-pmem-pci. */

#ifndef QMEM_HW_VIRTIO_VIRTIO_PMEM_H
#define QMEM_HW_VIRTIO_VIRTIO_PMEM_H

#include <json-glib/json-glib.h>
#include "hw/core/qdev.h"
#include "hw/virtio/virtio.h"
#include "system/hostmem.h"
#include "system/memory.h"

G_BEGIN_DECLS

/*
 * virtio-pmem is split as QEMU splits it: the virtio device "virtio-pmem"
 * (#QmemVirtioPmem, in the core library like virtio-mem, so that tests
 * and the fuzzer need no machine) exposes a memory backend to the guest
 * as a persistent-memory range, and the loadable module "virtio-pmem-pci"
 * (entry point qmem_module_virtio_pmem_pci_register()) is the PCI proxy,
 * the memory device, holding it as its child "virtio-backend" with its
 * properties as aliases.
 *
 * The guest learns where the range is from the config space (start and
 * size, le64) and maps it as it likes; to make what it wrote durable it
 * sends a flush request on the one request queue, and the device fsyncs
 * the backend's file.  QEMU does the fsync on its thread pool and answers
 * when it is done; qmem does it synchronously in the queue handler, under
 * the BQL, and answers at once.  The answer is QEMU's: 0 when fsync
 * succeeded, 1 when it failed (a backend without a file, such as
 * memory-backend-ram, always fails: QEMU calls fsync(-1)).
 */

#define QMEM_TYPE_NAME_VIRTIO_PMEM "virtio-pmem"

/* The proxy's user-facing type name; its GType exists once the module is
 * loaded. */
#define QMEM_TYPE_NAME_VIRTIO_PMEM_PCI "virtio-pmem-pci"
#define QMEM_TYPE_VIRTIO_PMEM_PCI \
    (qmem_type_from_name(QMEM_TYPE_NAME_VIRTIO_PMEM_PCI))

/* The proxy's child that is its virtio-pmem (QEMU's name). */
#define QMEM_VIRTIO_PMEM_PCI_CHILD "virtio-backend"

/* Property names (QEMU's VIRTIO_PMEM_*_PROP). */
#define QMEM_VIRTIO_PMEM_PROP_ADDR "memaddr"
#define QMEM_VIRTIO_PMEM_PROP_MEMDEV "memdev"

/*
 * The wire format of <linux/virtio_pmem.h>, little-endian: struct
 * virtio_pmem_config { le64 start; le64 size; }, struct virtio_pmem_req
 * { le32 type; }, struct virtio_pmem_resp { le32 ret; }.
 */
#define QMEM_VIRTIO_PMEM_CONFIG_SIZE 16
#define QMEM_VIRTIO_PMEM_REQ_TYPE_FLUSH 0
#define QMEM_VIRTIO_PMEM_REQ_SIZE 4
#define QMEM_VIRTIO_PMEM_RESP_SIZE 4

/* What a flush answers. */
#define QMEM_VIRTIO_PMEM_RESP_OK 0
#define QMEM_VIRTIO_PMEM_RESP_EIO 1

/* The request queue's size (QEMU's). */
#define QMEM_VIRTIO_PMEM_QUEUE_SIZE 128

/**
 * QmemVirtioPmem:
 * One virtio-pmem device.  Everything runs on the main thread, under the
 * BQL.
 */
#define QMEM_TYPE_VIRTIO_PMEM (qmem_virtio_pmem_get_type())
G_DECLARE_FINAL_TYPE(QmemVirtioPmem, qmem_virtio_pmem, QMEM, VIRTIO_PMEM,
                     QmemVirtioDevice)

/**
 * qmem_virtio_pmem_new:
 * Returns: (transfer full): an unrealized device, memaddr 0, no memdev.
 */
QmemVirtioPmem *qmem_virtio_pmem_new(void);

/*
 * Configuration.  Values from outside go through the property layer,
 * which refuses changes after realize with QEMU's qdev texts; these
 * setters are for before realize (the address until plug, as pre_plug
 * assigns it).
 */

/**
 * qmem_virtio_pmem_set_memdev:
 * @memdev: (nullable): the backend; a reference is kept
 */
void qmem_virtio_pmem_set_memdev(QmemVirtioPmem *pmem,
                                 QmemHostMemoryBackend *memdev);
QmemHostMemoryBackend *qmem_virtio_pmem_get_memdev(QmemVirtioPmem *pmem);
void qmem_virtio_pmem_set_addr(QmemVirtioPmem *pmem, guint64 addr);
guint64 qmem_virtio_pmem_get_addr(QmemVirtioPmem *pmem);

/**
 * qmem_virtio_pmem_realize:
 * QEMU's virtio_pmem_realize(): "virtio-pmem memdev not set" without a
 * memdev, "can't use already busy memdev: %s" (the backend's id) when
 * another device maps it.  Then the memdev is marked mapped and the
 * device becomes a virtio device of id %QMEM_VIRTIO_ID_PMEM with
 * %QMEM_VIRTIO_PMEM_CONFIG_SIZE bytes of config space and one request
 * queue of %QMEM_VIRTIO_PMEM_QUEUE_SIZE entries.
 *
 * Returns: %TRUE when realized; on failure nothing changed.
 */
gboolean qmem_virtio_pmem_realize(QmemVirtioPmem *pmem, GError **error);

/**
 * qmem_virtio_pmem_unrealize:
 * Frees the queue and the config space and releases the memdev.  The
 * memory-device core must have unmapped the region first.
 */
void qmem_virtio_pmem_unrealize(QmemVirtioPmem *pmem);
gboolean qmem_virtio_pmem_is_realized(QmemVirtioPmem *pmem);

/**
 * qmem_virtio_pmem_get_memory_region:
 * Returns: (transfer none) (nullable): the backend's RAM as a region,
 *   what the memory-device core maps; works before realize.  Without a
 *   memdev: %NULL with "'memdev' property must be set".
 */
QmemMemoryRegion *qmem_virtio_pmem_get_memory_region(QmemVirtioPmem *pmem,
                                                     GError **error);

/**
 * qmem_virtio_pmem_get_size:
 * Returns: the backend's size (0 without a memdev).
 */
guint64 qmem_virtio_pmem_get_size(QmemVirtioPmem *pmem);

/**
 * qmem_virtio_pmem_fill_device_info:
 * @id: (nullable): the device id
 * Returns: (transfer full): the VirtioPMEMDeviceInfo of
 *   query-memory-devices: id (if any), memaddr, size and memdev (the
 *   backend's canonical path).
 */
JsonObject *qmem_virtio_pmem_fill_device_info(QmemVirtioPmem *pmem,
                                              const char *id);

/**
 * qmem_virtio_pmem_flush:
 * What a flush request does: fsync() of the backend's file.
 *
 * Returns: %QMEM_VIRTIO_PMEM_RESP_OK, or %QMEM_VIRTIO_PMEM_RESP_EIO when
 *   fsync failed or the backend has no file.
 */
guint32 qmem_virtio_pmem_flush(QmemVirtioPmem *pmem);

/**
 * qmem_virtio_pmem_get_flushes:
 * Returns: how many flush requests the device answered since realize
 *   (for tests).
 */
guint64 qmem_virtio_pmem_get_flushes(QmemVirtioPmem *pmem);

/**
 * qmem_virtio_pmem_from_device:
 * @dev: a virtio-pmem-pci (or any device)
 * Returns: (transfer none) (nullable): its virtio-pmem child.
 */
QmemVirtioPmem *qmem_virtio_pmem_from_device(QmemDevice *dev);

G_END_DECLS

#endif
