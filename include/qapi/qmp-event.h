/* SPDX-License-Identifier: GPL-2.0-or-later */
/* QMP events as QEMU's generated qapi_event_send_*() send them. */

#ifndef QMEM_QAPI_QMP_EVENT_H
#define QMEM_QAPI_QMP_EVENT_H

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/*
 * Code anywhere in the tree reports an event with one of the typed
 * senders below; the monitor (monitor/monitor.c) applies QEMU's rate
 * limits and sends it to every QMP client, as QEMU's qapi_event_emit().
 */

/**
 * qmem_qapi_event_emit:
 * @event: the event name ("MEMORY_DEVICE_SIZE_CHANGE")
 * @data: (nullable): its "data" member, borrowed; %NULL for none
 *
 * Hands an event to the monitor, which sends it now or, for a rate-limited
 * event, within its interval (monitor/monitor.c).  Defined by the monitor.
 */
void qmem_qapi_event_emit(const char *event, JsonObject *data);

/**
 * qmem_qapi_event_send_device_deleted:
 * @device: (nullable): the device's id
 * @path: its canonical QOM path
 *
 * DEVICE_DELETED: a device went away.
 */
void qmem_qapi_event_send_device_deleted(const char *device,
                                         const char *path);

/**
 * qmem_qapi_event_send_acpi_device_ost:
 * @info: an ACPIOSTInfo ("device" if any, "slot", "slot-type", "source",
 *   "status"), borrowed
 *
 * ACPI_DEVICE_OST: the guest's _OST for a hotplug slot.
 */
void qmem_qapi_event_send_acpi_device_ost(JsonObject *info);

/**
 * qmem_qapi_event_send_memory_device_size_change:
 * @id: (nullable): the device's id
 * @size: the bytes now plugged
 * @qom_path: the device's canonical QOM path (for virtio-mem-pci: the
 *   PCI proxy's)
 *
 * MEMORY_DEVICE_SIZE_CHANGE, rate-limited per @qom_path.
 */
void qmem_qapi_event_send_memory_device_size_change(const char *id,
                                                    guint64 size,
                                                    const char *qom_path);

/**
 * qmem_qapi_event_send_shutdown:
 * @guest: whether the guest asked for it
 * @reason: QEMU's ShutdownCause name ("host-qmp-quit", "host-signal")
 *
 * SHUTDOWN.
 */
void qmem_qapi_event_send_shutdown(gboolean guest, const char *reason);

/**
 * qmem_qapi_event_send_stop:
 *
 * STOP: the VM stopped (QMP stop, or an error it stops on).
 */
void qmem_qapi_event_send_stop(void);

/**
 * qmem_qapi_event_send_resume:
 *
 * RESUME: the VM resumes execution.
 */
void qmem_qapi_event_send_resume(void);

/**
 * qmem_qapi_event_send_memory_backend_error:
 * @id: (nullable): the memory backend's id
 * @qom_path: its canonical QOM path
 * @has_addr: whether the access had a guest-physical address
 * @addr: that address
 * @offset: the offset of the page in the backend
 * @nospace: whether the host ran out of space (ENOSPC), as in
 *   BLOCK_IO_ERROR
 * @reason: the host's error, human readable (strerror)
 *
 * MEMORY_BACKEND_ERROR: a page of a memory backend could not be supplied;
 * a running VM stops in io-error, and STOP follows.  qmem's own event
 * (QEMU dies of SIGBUS here).
 */
void qmem_qapi_event_send_memory_backend_error(const char *id,
                                               const char *qom_path,
                                               gboolean has_addr,
                                               guint64 addr, guint64 offset,
                                               gboolean nospace,
                                               const char *reason);

G_END_DECLS

#endif
