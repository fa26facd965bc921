/* SPDX-License-Identifier: GPL-2.0-or-later */
/* virtio-mem: the device (core) and the names of virtio-mem-pci. */

#ifndef QMEM_HW_VIRTIO_VIRTIO_MEM_H
#define QMEM_HW_VIRTIO_VIRTIO_MEM_H

#include <json-glib/json-glib.h>
#include "hw/core/qdev.h"
#include "hw/virtio/virtio.h"
#include "system/hostmem.h"
#include "system/memory.h"

G_BEGIN_DECLS

/*
 * virtio-mem is split as in QEMU, where the virtio device "virtio-mem"
 * holds the logic and a transport proxy ("virtio-mem-pci") is the memory
 * device.  #QmemVirtioMem ("virtio-mem") is that device, a
 * #QmemVirtioDevice of the core library: the plugged-block bitmap, the
 * guest requests in the wire format of <linux/virtio_mem.h> on its one
 * request queue, the config space, the usable region, discard and
 * preallocation of blocks, and dynamic memslots.  It owns its properties
 * (memaddr, node, memdev, prealloc, size, requested-size, block-size,
 * unplugged-inaccessible, dynamic-memslots) with QEMU's checks, and needs
 * no machine, which is what the unit tests and the fuzzer use.  Only a
 * proxy creates one; it is not user-creatable.
 *
 * The proxy lives in the loadable module "virtio-mem-pci" (entry point
 * qmem_module_virtio_mem_pci_register()): it creates its #QmemVirtioMem as
 * its child "virtio-backend", exposes the child's properties as aliases
 * (requested-size as a property of its own that refuses changes while the
 * device is being unplugged), realizes it, implements the memory-device
 * interface with it and emits MEMORY_DEVICE_SIZE_CHANGE when its "size"
 * changes.
 *
 * Realize adds the request queue (qmem_virtio_init(),
 * qmem_virtio_add_queue()); a transport then plugs the device
 * (qmem_virtio_device_plug()) and the guest's driver talks to it through
 * the virtio core.  The test hooks, the qtest command "virtio-mem-request"
 * and the QMP command "x-virtio-mem-request"
 * (hw/virtio/virtio-mem-qmp-cmds.h), hand their requests to the queue's
 * own handler, qmem_virtio_mem_handle_request().
 */

#define QMEM_TYPE_NAME_VIRTIO_MEM "virtio-mem"

/* The proxy's user-facing type name; its GType exists once the module is
 * loaded. */
#define QMEM_TYPE_NAME_VIRTIO_MEM_PCI "virtio-mem-pci"
#define QMEM_TYPE_VIRTIO_MEM_PCI \
    (qmem_type_from_name(QMEM_TYPE_NAME_VIRTIO_MEM_PCI))

/* The proxy's child that is its virtio-mem (QEMU's name). */
#define QMEM_VIRTIO_MEM_PCI_CHILD "virtio-backend"

/* Property names (QEMU's VIRTIO_MEM_*_PROP). */
#define QMEM_VIRTIO_MEM_PROP_ADDR "memaddr"
#define QMEM_VIRTIO_MEM_PROP_NODE "node"
#define QMEM_VIRTIO_MEM_PROP_MEMDEV "memdev"
#define QMEM_VIRTIO_MEM_PROP_PREALLOC "prealloc"
#define QMEM_VIRTIO_MEM_PROP_SIZE "size"
#define QMEM_VIRTIO_MEM_PROP_REQUESTED_SIZE "requested-size"
#define QMEM_VIRTIO_MEM_PROP_BLOCK_SIZE "block-size"
#define QMEM_VIRTIO_MEM_PROP_UNPLUGGED_INACCESSIBLE "unplugged-inaccessible"
#define QMEM_VIRTIO_MEM_PROP_DYNAMIC_MEMSLOTS "dynamic-memslots"
#define QMEM_VIRTIO_MEM_PROP_EARLY_MIGRATION "x-early-migration"

/* The wire format of <linux/virtio_mem.h>, little-endian. */
#define QMEM_VIRTIO_MEM_REQ_PLUG 0
#define QMEM_VIRTIO_MEM_REQ_UNPLUG 1
#define QMEM_VIRTIO_MEM_REQ_UNPLUG_ALL 2
#define QMEM_VIRTIO_MEM_REQ_STATE 3

#define QMEM_VIRTIO_MEM_RESP_ACK 0
#define QMEM_VIRTIO_MEM_RESP_NACK 1
#define QMEM_VIRTIO_MEM_RESP_BUSY 2
#define QMEM_VIRTIO_MEM_RESP_ERROR 3

#define QMEM_VIRTIO_MEM_STATE_PLUGGED 0
#define QMEM_VIRTIO_MEM_STATE_UNPLUGGED 1
#define QMEM_VIRTIO_MEM_STATE_MIXED 2

/*
 * struct virtio_mem_req: type u16, 3 x u16 padding, then for PLUG, UNPLUG
 * and STATE: addr u64 (offset 8), nb_blocks u16 (offset 16), 3 x u16
 * padding.  struct virtio_mem_resp: type u16, 3 x u16 padding, state u16
 * (offset 8; only meaningful for an ACKed STATE request).
 */
#define QMEM_VIRTIO_MEM_REQ_SIZE 24
#define QMEM_VIRTIO_MEM_RESP_SIZE 10

/*
 * struct virtio_mem_config: block_size u64, node_id u16, 6 bytes padding,
 * addr u64, region_size u64, usable_region_size u64, plugged_size u64,
 * requested_size u64.
 */
#define QMEM_VIRTIO_MEM_CONFIG_SIZE 56

/* The request queue's size (QEMU's). */
#define QMEM_VIRTIO_MEM_QUEUE_SIZE 128

/* Feature bits. */
#define QMEM_VIRTIO_MEM_F_ACPI_PXM 0
#define QMEM_VIRTIO_MEM_F_UNPLUGGED_INACCESSIBLE 1
#define QMEM_VIRTIO_MEM_F_PERSISTENT_SUSPEND 2

/* Smallest block size a user may configure (VIRTIO_MEM_MIN_BLOCK_SIZE). */
#define QMEM_VIRTIO_MEM_MIN_BLOCK_SIZE (G_GUINT64_CONSTANT(1) << 20)

/*
 * How far the usable region reaches beyond requested-size (x86: two
 * 128 MiB memory sections, VIRTIO_MEM_USABLE_EXTENT).
 */
#define QMEM_VIRTIO_MEM_USABLE_EXTENT (G_GUINT64_CONSTANT(256) << 20)

/* Smallest memslot with dynamic memslots, but the last one. */
#define QMEM_VIRTIO_MEM_MIN_MEMSLOT_SIZE (G_GUINT64_CONSTANT(1) << 30)

/* Where the THP size is read from. */
#define QMEM_VIRTIO_MEM_THP_DIR "/sys/kernel/mm/transparent_hugepage"

/**
 * QmemVirtioMemOnOffAuto:
 * @QMEM_VIRTIO_MEM_ON_OFF_AUTO_AUTO: "auto"
 * @QMEM_VIRTIO_MEM_ON_OFF_AUTO_ON: "on"
 * @QMEM_VIRTIO_MEM_ON_OFF_AUTO_OFF: "off"
 *
 * QEMU's OnOffAuto, for "unplugged-inaccessible" (help calls it
 * "OnOffAuto").
 */
typedef enum {
    QMEM_VIRTIO_MEM_ON_OFF_AUTO_AUTO,
    QMEM_VIRTIO_MEM_ON_OFF_AUTO_ON,
    QMEM_VIRTIO_MEM_ON_OFF_AUTO_OFF,
} QmemVirtioMemOnOffAuto;

GType qmem_virtio_mem_on_off_auto_get_type(void);
#define QMEM_TYPE_VIRTIO_MEM_ON_OFF_AUTO \
    (qmem_virtio_mem_on_off_auto_get_type())

/**
 * QmemVirtioMem:
 *
 * One virtio-mem device.  Not thread-safe: everything runs on the main
 * thread, as memory-region changes must.  Its "size" notifies (GObject's
 * notify::size) after every successful PLUG, UNPLUG and UNPLUG_ALL that
 * changed the plugged size, QEMU's size-change notifiers.
 */
#define QMEM_TYPE_VIRTIO_MEM (qmem_virtio_mem_get_type())
G_DECLARE_FINAL_TYPE(QmemVirtioMem, qmem_virtio_mem, QMEM, VIRTIO_MEM,
                     QmemVirtioDevice)

/**
 * QmemVirtioMemEnv:
 * @nb_numa_nodes: the machine's NUMA node count (0: the machine has no
 *   NUMA state)
 * @mlock: memory is locked (QEMU's -overcommit mem-lock=on); virtio-mem
 *   then refuses to realize
 * @discard_disabled: something needs all RAM populated (QEMU: VFIO
 *   without coordinated discard), so discarding RAM is not allowed
 * @incoming_migration: the machine waits for an incoming migration, so
 *   realize leaves the backend's contents alone
 * @has_numa_state: the machine keeps NUMA state (QEMU's ms->numa_state,
 *   which every pc and q35 machine has, with or without -numa), so the
 *   device offers VIRTIO_MEM_F_ACPI_PXM: qmem builds ACPI tables
 *
 * What realize needs to know about the machine around the device.  qmem
 * has no -overcommit, VFIO or migration, so its proxy passes %FALSE for
 * those three; they exist so that every check of QEMU's realize can be
 * reached (and tested).
 */
typedef struct {
    guint nb_numa_nodes;
    gboolean mlock;
    gboolean discard_disabled;
    gboolean incoming_migration;
    gboolean has_numa_state;
} QmemVirtioMemEnv;

/**
 * qmem_virtio_mem_new:
 *
 * Returns: (transfer full): an unrealized device with QEMU's defaults
 *   (unplugged-inaccessible=on, everything else 0/off).
 */
QmemVirtioMem *qmem_virtio_mem_new(void);

/*
 * Configuration, the properties from C.  Values from outside go through
 * the property layer (qmem_property_parse(), ...), which refuses changes
 * after realize with QEMU's qdev texts: "Attempt to set property '%s' on
 * anonymous device (type 'virtio-mem') after it was realized".  These
 * setters store a value before realize and must not be called after it;
 * only the address may change until plug, as pre_plug assigns it.
 */

/**
 * qmem_virtio_mem_set_memdev:
 * @memdev: (nullable): the backend; a reference is kept
 */
void qmem_virtio_mem_set_memdev(QmemVirtioMem *vmem,
                                QmemHostMemoryBackend *memdev);
QmemHostMemoryBackend *qmem_virtio_mem_get_memdev(QmemVirtioMem *vmem);
void qmem_virtio_mem_set_addr(QmemVirtioMem *vmem, guint64 addr);
guint64 qmem_virtio_mem_get_addr(QmemVirtioMem *vmem);
void qmem_virtio_mem_set_node(QmemVirtioMem *vmem, guint32 node);
guint32 qmem_virtio_mem_get_node(QmemVirtioMem *vmem);
void qmem_virtio_mem_set_prealloc(QmemVirtioMem *vmem, gboolean prealloc);
gboolean qmem_virtio_mem_get_prealloc(QmemVirtioMem *vmem);
void qmem_virtio_mem_set_dynamic_memslots(QmemVirtioMem *vmem,
                                          gboolean dynamic_memslots);
gboolean qmem_virtio_mem_get_dynamic_memslots(QmemVirtioMem *vmem);

/**
 * qmem_virtio_mem_get_early_migration:
 *
 * x-early-migration (QEMU 8's, default on): the device's state migrates
 * before any RAM, so that the destination discards, preallocates and
 * maps only what is plugged before pages arrive; off, after them.
 */
gboolean qmem_virtio_mem_get_early_migration(QmemVirtioMem *vmem);
void qmem_virtio_mem_set_early_migration(QmemVirtioMem *vmem,
                                         gboolean early_migration);

/**
 * qmem_virtio_mem_set_unplugged_inaccessible:
 *
 * "auto" is resolved at realize: off when the backend has a guaranteed
 * shared zero page (private anonymous memory of the host page size), on
 * otherwise.
 */
void qmem_virtio_mem_set_unplugged_inaccessible(QmemVirtioMem *vmem,
                                                QmemVirtioMemOnOffAuto value);
QmemVirtioMemOnOffAuto qmem_virtio_mem_get_unplugged_inaccessible(
    QmemVirtioMem *vmem);

/**
 * QmemVirtioMemMigState:
 * @addr, @region_size, @block_size, @node: what must be equal on both
 *   sides (QEMU's VirtIOMEMMigSanityChecks; @region_size is the memdev's)
 * @usable_region_size, @size, @requested_size: the device's sizes
 * @bitmap: (array length=bitmap_size): one bit per block, set = plugged;
 *   borrowed from the device by qmem_virtio_mem_get_mig_state()
 * @bitmap_size: in bits
 *
 * virtio-mem's migrated state (QEMU's vmstate_virtio_mem_device).
 */
typedef struct {
    guint64 addr;
    guint64 region_size;
    guint64 block_size;
    guint32 node;
    guint64 usable_region_size;
    guint64 size;
    guint64 requested_size;
    const guint64 *bitmap;
    guint64 bitmap_size;
} QmemVirtioMemMigState;

/** qmem_virtio_mem_get_mig_state: fills @state from a realized device. */
void qmem_virtio_mem_get_mig_state(QmemVirtioMem *vmem,
                                   QmemVirtioMemMigState *state);

/**
 * qmem_virtio_mem_post_load:
 * @state: what the source sent (untrusted: every field is checked)
 *
 * QEMU's sanity checks ("Property 'memaddr' changed from 0x%lx to 0x%lx",
 * "Property 'memdev' size changed from ...", "Property 'block-size'
 * changed from ...", "Property 'node' changed from %u to %u"), then the
 * state: the bitmap and sizes are taken over, the memslots of plugged
 * ranges mapped (dynamic-memslots), unplugged blocks discarded and, with
 * prealloc, plugged ones preallocated (QEMU's virtio_mem_post_load()).
 * On the destination, before RAM arrives (early migration).
 *
 * Returns: %FALSE with @error set when @state does not fit the device;
 *   the device is then unchanged.
 */
gboolean qmem_virtio_mem_post_load(QmemVirtioMem *vmem,
                                   const QmemVirtioMemMigState *state,
                                   GError **error);

/**
 * qmem_virtio_mem_set_block_size:
 * @value: bytes
 *
 * QEMU's block-size setter: after realize "'block-size' cannot be
 * changed"; below 1 MiB "'block-size' property has to be at least
 * 0x100000"; else "'block-size' property has to be a power of two".
 *
 * Returns: %TRUE when stored.
 */
gboolean qmem_virtio_mem_set_block_size(QmemVirtioMem *vmem, guint64 value,
                                        GError **error);

/**
 * qmem_virtio_mem_get_block_size:
 *
 * Returns: the block size; while none is set, the default it would use:
 *   that of the memdev (qmem_virtio_mem_default_block_size()) when one is
 *   set and allocated, else the host's THP size.
 */
guint64 qmem_virtio_mem_get_block_size(QmemVirtioMem *vmem);

/**
 * qmem_virtio_mem_set_requested_size:
 * @value: bytes
 *
 * Before realize the value is only stored (realize checks it).  After
 * realize: not a multiple of the block size "'requested-size' has to be
 * multiples of 'block-size' (0x%lx)"; larger than the backend
 * "'requested-size' cannot exceed the memory backend size(0x%lx)".  A
 * change grows the usable region (never shrinks it), and the config space
 * changed (qmem_virtio_notify_config(): a driver that set DRIVER_OK gets
 * a config-change interrupt), as QEMU even when the value is the same.
 *
 * Returns: %TRUE when accepted.
 */
gboolean qmem_virtio_mem_set_requested_size(QmemVirtioMem *vmem,
                                            guint64 value, GError **error);
guint64 qmem_virtio_mem_get_requested_size(QmemVirtioMem *vmem);

/**
 * qmem_virtio_mem_get_size:
 * Returns: the plugged size in bytes (the read-only "size").
 */
guint64 qmem_virtio_mem_get_size(QmemVirtioMem *vmem);

/**
 * qmem_virtio_mem_get_usable_region_size:
 * Returns: the part of the device, from its start, the guest may plug.
 */
guint64 qmem_virtio_mem_get_usable_region_size(QmemVirtioMem *vmem);

/**
 * qmem_virtio_mem_get_region_size:
 * Returns: the backend's size (0 without a memdev).
 */
guint64 qmem_virtio_mem_get_region_size(QmemVirtioMem *vmem);

/**
 * qmem_virtio_mem_set_unplug_pending:
 *
 * Marks the device as being unplugged (QEMU's pending_deleted_event of the
 * proxy), so that the proxy's requested-size refuses changes: "'%s' cannot
 * be changed if the device is in the process of unplug".  The device's own
 * requested-size has no such check, as in QEMU.  qmem's device_del
 * completes at once, so nothing sets it yet; a transport with asynchronous
 * unplug would set it once the unplug request was accepted.
 */
void qmem_virtio_mem_set_unplug_pending(QmemVirtioMem *vmem,
                                        gboolean pending);
gboolean qmem_virtio_mem_is_unplug_pending(QmemVirtioMem *vmem);

/* Realize */

/**
 * qmem_virtio_mem_realize:
 * @vmem: a configured device
 * @env: the machine around it
 * @error: return location for a #GError
 *
 * QEMU's virtio_mem_device_realize(), its checks in QEMU's order and with
 * its messages (qemu-reference.md §2.5.1): memdev set, not busy, RAM and
 * without prealloc; node; mlock; unplugged-inaccessible (a warning for
 * "off" without a shared zero page); dynamic-memslots; block size (a
 * warning below the default); alignment of requested-size, memaddr and
 * the memdev size; discard allowed.  Then it discards the whole backend,
 * sizes the usable region, creates the bitmap (everything unplugged) and,
 * with dynamic memslots, the memslot aliases, and marks the memdev as
 * mapped.
 *
 * Last it makes the device a virtio device of id %QMEM_VIRTIO_ID_MEM with
 * QMEM_VIRTIO_MEM_CONFIG_SIZE bytes of config space and one request
 * queue of QMEM_VIRTIO_MEM_QUEUE_SIZE entries, ready to be plugged into a
 * transport.
 *
 * Returns: %TRUE when realized; on failure nothing changed but a resolved
 *   default block size and unplugged-inaccessible, as in QEMU.
 */
gboolean qmem_virtio_mem_realize(QmemVirtioMem *vmem,
                                 const QmemVirtioMemEnv *env,
                                 GError **error);

/**
 * qmem_virtio_mem_unrealize:
 *
 * Unmaps every memslot, frees the bitmap, the queue and the config space
 * and releases the memdev.  The memory-device core must have unplugged
 * the device's region first, and the transport the device (or it is
 * unplugged here).
 */
void qmem_virtio_mem_unrealize(QmemVirtioMem *vmem);
gboolean qmem_virtio_mem_is_realized(QmemVirtioMem *vmem);

/* The memory-device side */

/**
 * qmem_virtio_mem_get_memory_region:
 *
 * Returns: (transfer none) (nullable): what the memory-device core maps:
 *   the backend's RAM, or with dynamic memslots a container "virtio-mem"
 *   of the backend's size and alignment that holds the active memslots.
 *   Without a memdev: %NULL with "'memdev' property must be set".
 */
QmemMemoryRegion *qmem_virtio_mem_get_memory_region(QmemVirtioMem *vmem,
                                                    GError **error);

/**
 * qmem_virtio_mem_decide_memslots:
 * @limit: the most memslots the memory-device core allows (>= 1)
 *
 * QEMU's virtio_mem_decide_memslots(): without dynamic memslots nothing;
 * else memslots of align_up(backend size / @limit, block size), at least
 * max(block size, 1 GiB) each, the last one shorter.  Resolves the default
 * block size.  Call once, before qmem_virtio_mem_get_memslots() and before
 * realize.
 */
void qmem_virtio_mem_decide_memslots(QmemVirtioMem *vmem, guint limit);

/**
 * qmem_virtio_mem_get_memslots:
 * Returns: the memslots the device needs: 1 without dynamic memslots, else
 *   the decided count (1 until decided).
 */
guint qmem_virtio_mem_get_memslots(QmemVirtioMem *vmem);

/**
 * qmem_virtio_mem_get_memslot_size:
 * Returns: the size of every memslot but the last; 0 without dynamic
 *   memslots or before realize.
 */
guint64 qmem_virtio_mem_get_memslot_size(QmemVirtioMem *vmem);

/**
 * qmem_virtio_mem_memslot_is_active:
 * @idx: a memslot, < qmem_virtio_mem_get_memslots()
 *
 * Returns: whether memslot @idx is mapped into the device's container.
 */
gboolean qmem_virtio_mem_memslot_is_active(QmemVirtioMem *vmem, guint idx);

/**
 * qmem_virtio_mem_get_active_memslots:
 * Returns: how many memslots are mapped now (0 without dynamic memslots).
 */
guint qmem_virtio_mem_get_active_memslots(QmemVirtioMem *vmem);

/**
 * qmem_virtio_mem_fill_device_info:
 * @id: (nullable): the device id
 *
 * Returns: (transfer full): the VirtioMEMDeviceInfo of query-memory-devices:
 *   id (if any), memaddr, requested-size, size, max-size, block-size, node
 *   and memdev (the backend's canonical path).
 */
JsonObject *qmem_virtio_mem_fill_device_info(QmemVirtioMem *vmem,
                                             const char *id);

/**
 * qmem_virtio_mem_unplug_request_check:
 *
 * Whether device_del may take the device away, QEMU's checks in order:
 * "virtio-mem device cannot get unplugged while 'unplugged-inaccessible'
 * != 'on'", "virtio-mem device cannot get unplugged while some of its
 * memory is still plugged", "virtio-mem device cannot get unplugged while
 * 'requested-size' != '0'".
 */
gboolean qmem_virtio_mem_unplug_request_check(QmemVirtioMem *vmem,
                                              GError **error);

/* The guest's side */

/**
 * qmem_virtio_mem_handle_request:
 * @vmem: a realized device
 * @req: what the guest put in the request buffer (untrusted)
 * @req_len: its length
 * @resp: where the response goes: QMEM_VIRTIO_MEM_RESP_SIZE bytes
 * @resp_len: the room the guest gave for it (may be more)
 * @error: return location for a #GError
 *
 * Handles one guest request; the request queue's handler calls it for
 * every element (the first 24 bytes of its read buffers, the size of its
 * write buffers) and the test hooks for theirs.  The request is read
 * little-endian from the first 24 bytes, every field checked: PLUG,
 * UNPLUG, UNPLUG_ALL and STATE answered ACK, NACK, BUSY or ERROR as
 * qemu-reference.md §2.5.3 says, each request's memslot changes in one
 * memory transaction.  A request that ERROR or NACK answers changes
 * nothing.  Protocol violations are QEMU's virtio_error()s
 * (qmem_virtio_error(): reported, NEEDS_RESET, the device broken) with
 * its texts, also returned in @error: "virtio-mem protocol violation:
 * invalid request size: 24" (the expected size), "... not enough space
 * for response: %zu", "... unknown request type: %d".  A broken device
 * refuses every request ("virtio-mem device needs a reset after a
 * protocol violation") until it is reset (qmem_virtio_reset()).
 *
 * Returns: %TRUE with QMEM_VIRTIO_MEM_RESP_SIZE bytes written to @resp, or
 *   %FALSE with @error set and @resp untouched.
 */
gboolean qmem_virtio_mem_handle_request(QmemVirtioMem *vmem,
                                        const guint8 *req, gsize req_len,
                                        guint8 *resp, gsize resp_len,
                                        GError **error);

/**
 * qmem_virtio_mem_set_busy:
 * @busy: whether plug and unplug must be refused with BUSY
 *
 * What a running migration makes QEMU's virtio-mem do.  qmem has no
 * migration; this is the switch for it (and for tests).
 */
void qmem_virtio_mem_set_busy(QmemVirtioMem *vmem, gboolean busy);

/**
 * qmem_virtio_mem_is_range_plugged:
 * @addr: guest-physical start, block-aligned, inside the device
 * @size: bytes, a non-zero multiple of the block size
 *
 * Returns: whether every block of the range is plugged.
 */
gboolean qmem_virtio_mem_is_range_plugged(QmemVirtioMem *vmem, guint64 addr,
                                          guint64 size);

/**
 * qmem_virtio_mem_is_range_unplugged:
 *
 * Returns: whether no block of the range is plugged.
 */
gboolean qmem_virtio_mem_is_range_unplugged(QmemVirtioMem *vmem,
                                            guint64 addr, guint64 size);

/**
 * qmem_virtio_mem_system_reset:
 * @wakeup: the reset is a wake-up from suspend
 *
 * QEMU's virtio_mem_system_reset(), what virtio-mem does on a system
 * reset besides the virtio reset its transport does (qmem_virtio_reset(),
 * which leaves the memory alone, as a reset the guest's driver asks for
 * does): unless @wakeup, everything is unplugged as by UNPLUG_ALL
 * (silently left as is when busy) and the usable region shrinks to fit
 * requested-size.
 */
void qmem_virtio_mem_system_reset(QmemVirtioMem *vmem, gboolean wakeup);

/* Helpers */

/**
 * qmem_virtio_mem_probe_thp_size:
 * @dir: a directory laid out as /sys/kernel/mm/transparent_hugepage
 *
 * QEMU's THP probe, uncached: 1 MiB when @dir does not exist; the value of
 * @dir/hpage_pmd_size when it is a power of two; otherwise the host's
 * fallback (2 MiB on x86-64), with the warnings "Read unsupported THP
 * size: %lx" (a value of 0 or not a power of two) and "Could not detect
 * THP size, falling back to %lx  MiB.".
 */
guint64 qmem_virtio_mem_probe_thp_size(const char *dir);

/**
 * qmem_virtio_mem_thp_size:
 *
 * Returns: the probe of QMEM_VIRTIO_MEM_THP_DIR, made once per process.
 */
guint64 qmem_virtio_mem_thp_size(void);

/**
 * qmem_virtio_mem_default_block_size:
 * @block: a backend's RAM
 *
 * Returns: max(page size, THP size) for memory of the host page size,
 *   max(page size, 1 MiB) for huge pages.
 */
guint64 qmem_virtio_mem_default_block_size(QmemRamBlock *block);

/**
 * qmem_virtio_mem_from_device:
 * Returns: (transfer none) (nullable): the virtio-mem child of @dev (a
 *   proxy's), or %NULL when it has none.
 */
QmemVirtioMem *qmem_virtio_mem_from_device(QmemDevice *dev);


G_END_DECLS

#endif
