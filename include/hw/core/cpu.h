/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vCPUs as devices: QEMU's x86 CPU models, their slots, vCPU hot-plug. */

#ifndef QMEM_HW_CORE_CPU_H
#define QMEM_HW_CORE_CPU_H

#include "hw/core/boards.h"
#include "hw/core/qdev.h"

G_BEGIN_DECLS

/*
 * Every vCPU of a machine is a device of type "MODEL-x86_64-cpu" (QEMU's
 * X86CPU type names: "qemu64-x86_64-cpu" for pc's default model), where
 * MODEL is one of QEMU 7.2's x86 models (`-cpu help`).  The model is
 * recorded and reported (query-hotpluggable-cpus), not emulated: a KVM
 * guest sees the CPUID qmem's payload needs, whatever the model.
 *
 * The board creates the boot vCPUs (-smp cpus) during its init, at
 * /machine/unattached/device[N] as QEMU's pc does; device_add of the
 * machine's CPU type with socket-id, die-id, module-id, core-id,
 * thread-id (and optionally node-id) plugs one more into a free slot of
 * the possible CPUs (hot plug, QEMU's x86_cpu_pre_plug() checks and
 * texts, then numa_cpu_pre_plug()).
 */

#define QMEM_TYPE_CPU (qmem_cpu_get_type())
G_DECLARE_DERIVABLE_TYPE(QmemCpu, qmem_cpu, QMEM, CPU, QmemDevice)

/**
 * QmemCpuClass:
 * @model: the x86 model name ("qemu64"), set by each model's class
 */
struct _QmemCpuClass {
    QmemDeviceClass parent_class;

    const char *model;

    gpointer padding[4];
};

/* The vCPU's properties, as QEMU's X86CPU names them. */
#define QMEM_CPU_PROP_APIC_ID "apic-id"
#define QMEM_CPU_PROP_SOCKET_ID "socket-id"
#define QMEM_CPU_PROP_DIE_ID "die-id"
#define QMEM_CPU_PROP_MODULE_ID "module-id"
#define QMEM_CPU_PROP_CORE_ID "core-id"
#define QMEM_CPU_PROP_THREAD_ID "thread-id"
#define QMEM_CPU_PROP_NODE_ID "node-id"

/* QEMU's UNASSIGNED_APIC_ID: apic-id not given. */
#define QMEM_CPU_UNASSIGNED_APIC_ID G_MAXUINT32

/**
 * qmem_cpu_types_init:
 *
 * Registers "x86_64-cpu" and one type per model ("qemu64-x86_64-cpu",
 * ...).  Idempotent; the machine base calls it.
 */
void qmem_cpu_types_init(void);

/**
 * qmem_cpu_model_type_name:
 * @model: a model name as -cpu takes it
 *
 * Returns: (transfer full) (nullable): its type name
 *   ("qemu64-x86_64-cpu"), %NULL when QEMU 7.2 has no such model.
 */
char *qmem_cpu_model_type_name(const char *model);

/**
 * qmem_cpu_print_models:
 *
 * `-cpu help`: "Available CPUs:", then per model QEMU's "x86 %-20s  %s"
 * line (its description, or which model an alias stands for).
 */
void qmem_cpu_print_models(GString *out);

/**
 * qmem_cpu_get_index:
 * Returns: the vCPU's index (its slot among the possible CPUs), valid
 *   once the machine accepted it.
 */
guint qmem_cpu_get_index(QmemCpu *cpu);

/**
 * qmem_cpu_list:
 * @machine: (nullable): the machine
 *
 * QEMU's CPU_FOREACH: the machine's vCPUs in the order they were plugged
 * (the boot vCPUs by index, then the hot-plugged ones).
 *
 * Returns: (transfer container) (element-type QmemCpu): the list.
 */
GPtrArray *qmem_cpu_list(QmemMachine *machine);

/**
 * qmem_cpu_create_boot_cpus:
 * @machine: a machine whose type implements the NUMA interface, during
 *   its board init
 * @error: return location for a #GError
 *
 * QEMU's x86_cpus_init(): the -smp cpus boot vCPUs of the machine's CPU
 * type, each with the APIC id of its slot, realized in index order (so
 * plugged by the machine's hooks).  Without possible CPUs (a machine
 * without NUMA support) nothing is made.
 */
gboolean qmem_cpu_create_boot_cpus(QmemMachine *machine, GError **error);

/**
 * qmem_x86_cpu_pre_plug:
 * @machine: the machine
 * @cpu: a vCPU about to be realized
 * @error: return location for a #GError
 *
 * QEMU's x86_cpu_pre_plug(): the vCPU must be of the machine's CPU type
 * ("Invalid CPU type, expected cpu type: '%s'"); without apic-id its
 * socket-id, die-id, module-id, core-id and thread-id must be set and in
 * range ("CPU core-id is not set", "Invalid CPU core-id: %u must be in
 * range 0:%u"); the slot must exist ("Invalid CPU [socket: ...] with APIC
 * ID %u, valid index range 0:%d") and be free ("CPU[%d] with APIC ID %u
 * exists"); the ids are filled in from the APIC id, and last the node is
 * checked or filled in (qmem_numa_cpu_pre_plug(): "invalid node-id, must
 * be %ld").
 */
gboolean qmem_x86_cpu_pre_plug(QmemMachine *machine, QmemCpu *cpu,
                               GError **error);

/**
 * qmem_cpu_plug:
 *
 * The vCPU takes its slot (query-hotpluggable-cpus shows its qom-path,
 * query-cpus-fast lists it), after its realize.
 */
void qmem_cpu_plug(QmemMachine *machine, QmemCpu *cpu);

/**
 * qmem_cpu_unplug:
 *
 * The vCPU leaves its slot (machine teardown).
 */
void qmem_cpu_unplug(QmemMachine *machine, QmemCpu *cpu);

/**
 * qmem_cpu_unplug_request:
 *
 * device_del of a vCPU: qmem has no ACPI CPU hotplug, so it is refused
 * with QEMU's text for a vCPU that cannot go ("Boot CPU is unpluggable"
 * for vCPU 0; for the others what QEMU says with legacy CPU hotplug,
 * "acpi: device unplug request for not supported device type: %s").
 */
gboolean qmem_cpu_unplug_request(QmemMachine *machine, QmemCpu *cpu,
                                 GError **error);

G_END_DECLS

#endif
