/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The machine: boot RAM, the device-memory region, hotplug hooks. */

#ifndef QMEM_HW_CORE_BOARDS_H
#define QMEM_HW_CORE_BOARDS_H

#include <json-glib/json-glib.h>
#include "hw/core/cpu-topology.h"
#include "hw/core/qdev.h"
#include "qom/object.h"
#include "system/hostmem.h"
#include "system/memory.h"

G_BEGIN_DECLS

#define QMEM_TYPE_MACHINE (qmem_machine_get_type())
G_DECLARE_DERIVABLE_TYPE(QmemMachine, qmem_machine, QMEM, MACHINE, QmemObject)

/* Machine property names (-machine TYPE,prop=value). */
#define QMEM_MACHINE_PROP_MEMORY_BACKEND "memory-backend"
#define QMEM_MACHINE_PROP_DUMP_GUEST_CORE "dump-guest-core"
#define QMEM_MACHINE_PROP_MEM_MERGE "mem-merge"
/* QEMU's USB switch: only off (the default) is accepted. */
#define QMEM_MACHINE_PROP_USB "usb"
/* x86 machines (pc, q35): acpi=on|auto; qmem always builds ACPI. */
#define QMEM_MACHINE_PROP_ACPI "acpi"
/* Machines with NUMA support in QEMU (pc, q35): -machine hmat=on. */
#define QMEM_MACHINE_PROP_HMAT "hmat"

/* The NUMA state of machines whose type implements QmemNumaMachine. */
typedef struct QmemNumaState QmemNumaState;

/**
 * QmemDeviceMemoryState:
 * @base: guest-physical address of the device-memory region
 * @mr: the "device-memory" container memory devices are mapped into
 * @as: the "device-memory" address space over @mr, whose listener counts
 *   @used_memslots
 * @dimm_size: bytes plugged as DIMMs (pc-dimm's plug and unplug hooks)
 * @used_region_size: bytes of the region taken by plugged devices
 * @required_memslots: memslots plugged devices said they need
 * @used_memslots: RAM sections mapped in @mr now
 * @memslot_auto_decision_active: devices that chose more than one memslot
 *   from the overall limit (virtio-mem with dynamic memslots)
 * @plugged: (element-type QmemDeviceMemoryRange): what the plugged,
 *   non-empty memory devices occupy, sorted by address: the free-address
 *   search reads it instead of listing and sorting every device
 * @dimm_slots: (nullable): a bitmap of the -m slots= DIMM slots in use
 *   (pc-dimm's plug and unplug hooks), %NULL until the first DIMM
 *
 * QEMU's DeviceMemoryState: the machine keeps it, the memory-device core
 * ("hw/mem/memory-device.h") makes it and keeps the accounts.  Exists
 * only when the board's init hook asked for it (pc: maxmem > RAM size).
 */
typedef struct {
    guint64 base;
    QmemMemoryRegion *mr;
    QmemAddressSpace *as;
    QmemMemoryListener listener;
    guint64 dimm_size;
    guint64 used_region_size;
    guint required_memslots;
    guint used_memslots;
    guint memslot_auto_decision_active;
    GArray *plugged;
    guint64 *dimm_slots;
} QmemDeviceMemoryState;

/**
 * QmemDeviceMemoryRange:
 * @addr: guest-physical address
 * @size: bytes (> 0)
 * @dev: the memory device (a QmemMemoryDevice), not a reference
 */
typedef struct {
    guint64 addr;
    guint64 size;
    gpointer dev;
} QmemDeviceMemoryRange;

/*
 * QEMU's message when a memory device meets a machine without device
 * memory (qmem_memory_device_pre_plug(), the "none" machine).
 */
#define QMEM_MACHINE_NO_DEVICE_MEMORY_MESSAGE \
    "the configuration is not prepared for memory devices (e.g., for " \
    "memory hotplug), consider specifying the maxmem option"

/**
 * QmemMachineClass:
 * @desc: what `-machine help` prints
 * @alias_pattern: (nullable): a glob of further names the type answers to
 *   ("pc-i440fx-*"), as QEMU's versioned machine types
 * @default_ram_id: id of the RAM backend created when -machine
 *   memory-backend is not given ("pc.ram"); %NULL: no boot RAM
 * @default_ram_size: RAM size without -m
 * @max_cpus: the largest -smp the type accepts
 * @min_cpus: the smallest -smp the type accepts (0 means 1)
 * @smp_props: the CPU topology levels the type supports (-smp dies= etc.)
 * @init: lays out the machine's memory: maps the boot RAM region
 *   (qmem_machine_get_ram()) into the system memory region and sets up
 *   device memory (qmem_memory_devices_init()).  Called once by
 *   qmem_machine_init_board(), after the RAM backend exists.  Required.
 *   May fail (e.g. maxmem beyond the address width); nothing it created
 *   may then stay mapped.
 * @device_pre_plug: the hotplug handler's checks before @dev is realized;
 *   every check that can fail goes here.  Optional: without it every
 *   device is realized without being plugged, as on a QEMU machine without
 *   a hotplug handler.  A machine that takes memory devices uses
 *   qmem_memory_device_machine_pre_plug() ("hw/mem/memory-device.h") or
 *   calls qmem_memory_device_pre_plug() from its own hook.
 * @device_plug: after @dev is realized; cannot fail.  Optional
 *   (qmem_memory_device_machine_plug()).
 * @device_unplug_request: device_del of @dev: QEMU's hotplug handler
 *   unplug_request.  Either completes the unplug now (qmem_device_unplug())
 *   or arranges for it to complete later (pc: when the guest ejects a DIMM
 *   through ACPI), or fails and leaves @dev as it was.  Optional: without
 *   it device_del completes the unplug at once.
 * @device_unplug: takes @dev out (the reverse of @device_plug), before it
 *   is unrealized.  Cannot fail.  Optional
 *   (qmem_memory_device_machine_unplug()).
 * @legacy_fw_cfg_order: the fw_cfg file directory keeps QEMU's fixed
 *   order of old machine types (pc 2.5 and older) instead of sorting by
 *   name ("hw/nvram/fw_cfg.h")
 * @compat_props: (element-type QmemGlobalProperty) (nullable): QEMU's
 *   compat_props, the defaults in which an older versioned type differs;
 *   filled with qmem_machine_class_add_compat_props() in class_init.
 */
struct _QmemMachineClass {
    QmemObjectClass parent_class;

    const char *desc;
    const char *alias_pattern;
    const char *default_ram_id;
    guint64 default_ram_size;
    guint max_cpus;
    guint min_cpus;
    QmemSmpProps smp_props;

    gboolean (*init)(QmemMachine *machine, GError **error);
    gboolean (*device_pre_plug)(QmemMachine *machine, QmemDevice *dev,
                                GError **error);
    void (*device_plug)(QmemMachine *machine, QmemDevice *dev);
    gboolean (*device_unplug_request)(QmemMachine *machine, QmemDevice *dev,
                                      GError **error);
    void (*device_unplug)(QmemMachine *machine, QmemDevice *dev);
    gboolean legacy_fw_cfg_order;
    GPtrArray *compat_props;

    gpointer padding[10];
};

/**
 * QmemGlobalProperty:
 * @driver: the user-facing name of a type ("virtio-mem"); the entry
 *   applies to objects of that type and of its subtypes
 * @property: a property of it
 * @value: the value in string form (QEMU's -global grammar)
 *
 * QEMU's GlobalProperty, as machine types use it for compat properties.
 */
typedef struct {
    const char *driver;
    const char *property;
    const char *value;
} QmemGlobalProperty;

/**
 * qmem_machine_class_add_compat_props:
 * @props: (array length=n): entries that live as long as the class
 *
 * QEMU's compat_props_add(), for a machine type's class_init: @props
 * follow those the class has (inherited ones are copied first, so that
 * the parent's stay as they were); a later entry for the same property
 * wins.
 */
void qmem_machine_class_add_compat_props(QmemMachineClass *mc,
                                         const QmemGlobalProperty *props,
                                         gsize n);

/**
 * qmem_machine_apply_compat_props:
 * @obj: an object just made, before any property is set from outside
 *
 * QEMU's object_apply_compat_props() for the current machine's type:
 * sets each compat property whose driver @obj is, in order.  Without a
 * machine nothing happens.  Called by the types that take compat
 * properties (the virtio device base, when constructed).
 */
void qmem_machine_apply_compat_props(QmemObject *obj);

/* The "none" machine type, part of the core (hw/core/null-machine.c). */
GType qmem_null_machine_get_type(void);

/**
 * qmem_machine_type_lookup:
 * @name: a machine type name or alias ("pc", "pc-q35-7.2")
 *
 * Returns: the machine type, or %G_TYPE_INVALID.
 */
GType qmem_machine_type_lookup(const char *name);

/**
 * qmem_machine_new:
 * @options: -machine as parsed by qmem_opts_parse() with implied key "type"
 * @error: return location for a #GError
 *
 * Creates the machine, sets its properties and adds it as /machine.
 * Unknown type: "unsupported machine type" plus a hint to use -machine help.
 *
 * Returns: (transfer none) (nullable): the machine.
 */
QmemMachine *qmem_machine_new(JsonObject *options, GError **error);

/**
 * qmem_machine_get_current:
 * Returns: (transfer none) (nullable): the machine at /machine.
 */
QmemMachine *qmem_machine_get_current(void);

/**
 * qmem_machine_set_memory:
 * @options: -m as parsed by qmem_opts_parse() with implied key "size"
 *
 * QEMU's -m handling with its checks and messages (a bare number is MiB,
 * sizes round up to 8 KiB, maxmem/slots consistency).  Call before
 * qmem_machine_init_board().
 */
gboolean qmem_machine_set_memory(QmemMachine *machine, JsonObject *options,
                                 GError **error);

/**
 * qmem_machine_set_smp_config:
 * @config: -smp (qmem_smp_config_from_keyval())
 *
 * QEMU's machine "smp" property: qmem_smp_parse() against the class's
 * smp_props and CPU limits.  Call before -numa and board init; the
 * topology is kept only on success.
 */
gboolean qmem_machine_set_smp_config(QmemMachine *machine,
                                     const QmemSmpConfig *config,
                                     GError **error);

/**
 * qmem_machine_get_memory_backend:
 * Returns: (nullable): the id given with -machine memory-backend=, %NULL
 *   when none was.
 */
const char *qmem_machine_get_memory_backend(QmemMachine *machine);

/**
 * qmem_machine_get_smp:
 * Returns: (transfer none): the machine's CPU topology.
 */
const QmemCpuTopology *qmem_machine_get_smp(QmemMachine *machine);

/**
 * qmem_machine_get_name:
 * Returns: the machine type's name as QEMU's messages show it (the
 *   user-facing type name without "-machine": "pc", "pc-q35-7.2").
 */
const char *qmem_machine_get_name(QmemMachine *machine);

/**
 * qmem_machine_get_numa_state:
 * Returns: (nullable): the NUMA state the machine keeps for its
 *   QmemNumaMachine implementation (hw/core/numa.h); %NULL when the type
 *   does not support NUMA.  Use qmem_numa_machine_get_state(), which
 *   asks the type.
 */
QmemNumaState *qmem_machine_get_numa_state(QmemMachine *machine);

/**
 * qmem_machine_set_mem_options:
 * @mem_path: (nullable): -mem-path, for the default RAM backend
 * @prealloc: -mem-prealloc
 *
 * Records the memory options and hands every memory backend created from
 * now on the machine's defaults (mem-merge, dump-guest-core, the vCPU
 * count as prealloc-threads, -mem-prealloc), as QEMU's backends take them
 * at instance init.  Call after -machine, -m and -smp, before -object.
 */
void qmem_machine_set_mem_options(QmemMachine *machine, const char *mem_path,
                                  gboolean prealloc);

/**
 * qmem_machine_init_board:
 *
 * QEMU's machine_run_board_init(): resolves or creates the RAM backend,
 * checks it, completes the NUMA configuration (qmem_numa_complete_
 * configuration(): with -numa memdev= the boot RAM is a container named
 * the default RAM id holding the node backends in node order), calls the
 * class's init and records which node owns which boot RAM.  Call after
 * the -object backends and -numa and before any -device.
 */
gboolean qmem_machine_init_board(QmemMachine *machine, GError **error);

/**
 * qmem_machine_set_device_memory:
 * @dms: (transfer full): the device-memory state, its region mapped into
 *   system memory and its listener registered on its address space
 *
 * Gives @machine its device memory: qmem_memory_devices_init() calls it.
 * The machine unmaps the region, unregisters the listener and frees @dms
 * when it is destroyed.  At most once.
 */
void qmem_machine_set_device_memory(QmemMachine *machine,
                                    QmemDeviceMemoryState *dms);

guint64 qmem_machine_get_ram_size(QmemMachine *machine);
guint64 qmem_machine_get_maxram_size(QmemMachine *machine);
guint64 qmem_machine_get_ram_slots(QmemMachine *machine);
guint qmem_machine_get_smp_cpus(QmemMachine *machine);

/**
 * qmem_machine_get_ram:
 * Returns: (transfer none) (nullable): the boot RAM region (the RAM
 *   backend's), for the init hook to map.
 */
QmemMemoryRegion *qmem_machine_get_ram(QmemMachine *machine);

/**
 * qmem_machine_get_system_memory:
 * Returns: (transfer none): the root container of guest-physical memory.
 */
QmemMemoryRegion *qmem_machine_get_system_memory(QmemMachine *machine);
QmemAddressSpace *qmem_machine_get_address_space(QmemMachine *machine);

/**
 * qmem_machine_get_system_io:
 * Returns: (transfer none): the root of the I/O port space, 64 KiB: a
 *   region whose ports read as all-ones where no subregion answers, as
 *   QEMU's "io".
 */
QmemMemoryRegion *qmem_machine_get_system_io(QmemMachine *machine);

/**
 * qmem_machine_get_io_address_space:
 * Returns: (transfer none): the address space "I/O" over
 *   qmem_machine_get_system_io(): where a vCPU's in and out go.
 */
QmemAddressSpace *qmem_machine_get_io_address_space(QmemMachine *machine);

/**
 * qmem_machine_get_device_memory:
 * Returns: (nullable): the device-memory state, %NULL without maxmem.
 */
QmemDeviceMemoryState *qmem_machine_get_device_memory(QmemMachine *machine);

/**
 * QmemMachineInitPhase:
 * @QMEM_PHASE_NO_MACHINE: no machine yet, or one whose options are still
 *   being applied
 * @QMEM_PHASE_MACHINE_CREATED: the machine exists with its options (-m,
 *   -smp, -machine); -object and -numa may still change it
 * @QMEM_PHASE_ACCEL_CREATED: the accelerator is chosen; `--preconfig`
 *   stops here and serves QMP
 * @QMEM_PHASE_MACHINE_INITIALIZED: the board is initialized (its memory
 *   map, the NUMA configuration completed); cold plug runs
 * @QMEM_PHASE_MACHINE_READY: cold plug is over: devices added now are
 *   hot-plugged, and every QMP command may run
 *
 * QEMU's MachineInitPhase: how far creation of the machine has gone.  A
 * machine only goes forward; qmem_phase_check() asks about the current
 * one.
 */
typedef enum {
    QMEM_PHASE_NO_MACHINE,
    QMEM_PHASE_MACHINE_CREATED,
    QMEM_PHASE_ACCEL_CREATED,
    QMEM_PHASE_MACHINE_INITIALIZED,
    QMEM_PHASE_MACHINE_READY,
} QmemMachineInitPhase;

/**
 * qmem_phase_check:
 * @phase: a phase
 *
 * QEMU's phase_check(): whether the current machine (/machine) has
 * reached @phase.  Without a machine the phase is
 * %QMEM_PHASE_NO_MACHINE.
 */
gboolean qmem_phase_check(QmemMachineInitPhase phase);

/**
 * qmem_machine_get_phase:
 * Returns: the phase @machine has reached.
 */
QmemMachineInitPhase qmem_machine_get_phase(QmemMachine *machine);

/**
 * qmem_machine_phase_advance:
 * @machine: the machine
 * @phase: a later phase than the machine's
 *
 * QEMU's phase_advance().  A program goes through every phase in order
 * (qmem-run, see "hw/core/machine-init.h"); a test's fixture may skip
 * some.  qmem_machine_init_board() advances to
 * %QMEM_PHASE_MACHINE_INITIALIZED itself, qmem_machine_creation_done()
 * to %QMEM_PHASE_MACHINE_READY.
 */
void qmem_machine_phase_advance(QmemMachine *machine,
                                QmemMachineInitPhase phase);

/**
 * qmem_machine_get_cpu_type:
 * Returns: the type of the machine's vCPUs, "MODEL-x86_64-cpu"
 *   ("qemu64-x86_64-cpu" unless -cpu said otherwise).
 */
const char *qmem_machine_get_cpu_type(QmemMachine *machine);

/**
 * qmem_machine_set_cpu_model:
 * @model: -cpu's model, one of `-cpu help` ("Skylake-Server-v4")
 *
 * Returns: %FALSE with QEMU's "unable to find CPU model '%s'" for a model
 *   QEMU 7.2 does not have.
 */
gboolean qmem_machine_set_cpu_model(QmemMachine *machine, const char *model,
                                    GError **error);

/**
 * qmem_machine_creation_done:
 *
 * QEMU's qdev_machine_creation_done(): cold plug is over, devices added
 * from now on are hot-plugged (%QMEM_PHASE_MACHINE_READY).
 */
void qmem_machine_creation_done(QmemMachine *machine);

/**
 * qmem_machine_destroy:
 *
 * Unplugs every device, unmaps all memory and removes /machine.
 */
void qmem_machine_destroy(QmemMachine *machine);

gboolean qmem_machine_print_help(GString *out);

G_END_DECLS

#endif
