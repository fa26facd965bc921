/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Every QMP and HMP command of the tree, registered from one place. */

/*
 * The commands live beside what they act on, in the *-qmp-cmds.c files of
 * their folders; this is the one table that puts them into the monitor,
 * as QEMU's generated qmp_init_marshal() and hmp-commands.hx do.  The
 * registries fill themselves from it when they are first used.
 */

#include "hw/acpi/acpi-qmp-cmds.h"
#include "hw/core/machine-qmp-cmds.h"
#include "hw/core/qdev-qmp-cmds.h"
#include "hw/mem/memory-device-qmp-cmds.h"
#include "hw/mem/memory-map-qmp-cmds.h"
#include "hw/pci/pci-qmp-cmds.h"
#include "hw/virtio/virtio-mem-qmp-cmds.h"
#include "migration/migration-qmp-cmds.h"
#include "monitor/monitor-internal.h"
#include "qom/qom-qmp-cmds.h"
#include "system/accel-qmp-cmds.h"
#include "system/runstate-qmp-cmds.h"

/*
 * The commands QEMU marks allow-preconfig run before the machine is
 * ready (QMEM_QMP_COMMAND_ALLOW_PRECONFIG); the others are refused then.
 */
#define PRECONFIG QMEM_QMP_COMMAND_ALLOW_PRECONFIG

static const QmpCommandDef qmp_commands[] = {
    /* monitor/qmp-cmds.c */
    { "qmp_capabilities", qmem_qmp_qmp_capabilities, PRECONFIG },
    { "query-version", qmem_qmp_query_version, PRECONFIG },
    { "query-commands", qmem_qmp_query_commands, PRECONFIG },
    { "human-monitor-command", qmem_qmp_human_monitor_command },
    /* qom/qom-qmp-cmds.c */
    { "qom-list", qmem_qmp_qom_list, PRECONFIG },
    { "qom-get", qmem_qmp_qom_get, PRECONFIG },
    { "qom-set", qmem_qmp_qom_set, PRECONFIG },
    { "object-add", qmem_qmp_object_add, PRECONFIG },
    { "object-del", qmem_qmp_object_del, PRECONFIG },
    /* system/accel-qmp-cmds.c */
    { "x-query-memslots", qmem_qmp_x_query_memslots },
    { "x-guest-memtest", qmem_qmp_x_guest_memtest },
    /* system/runstate-qmp-cmds.c */
    { "query-status", qmem_qmp_query_status, PRECONFIG },
    { "query-name", qmem_qmp_query_name, PRECONFIG },
    { "query-uuid", qmem_qmp_query_uuid, PRECONFIG },
    { "stop", qmem_qmp_stop },
    { "cont", qmem_qmp_cont },
    /* hw/core/machine-qmp-cmds.c */
    { "query-memdev", qmem_qmp_query_memdev, PRECONFIG },
    { "query-cpus-fast", qmem_qmp_query_cpus_fast },
    { "x-query-numa", qmem_qmp_x_query_numa },
    { "query-hotpluggable-cpus", qmem_qmp_query_hotpluggable_cpus,
      PRECONFIG },
    { "set-numa-node", qmem_qmp_set_numa_node, PRECONFIG },
    /* hw/core/qdev-qmp-cmds.c */
    { "device_add", qmem_qmp_device_add },
    { "device_del", qmem_qmp_device_del },
    /* hw/acpi/acpi-qmp-cmds.c */
    { "query-acpi-ospm-status", qmem_qmp_query_acpi_ospm_status },
    /* hw/mem/memory-device-qmp-cmds.c */
    { "query-memory-devices", qmem_qmp_query_memory_devices },
    { "x-query-device-memory", qmem_qmp_x_query_device_memory },
    { "query-memory-size-summary", qmem_qmp_query_memory_size_summary },
    /* hw/mem/memory-map-qmp-cmds.c */
    { "x-query-memory-map", qmem_qmp_x_query_memory_map },
    /* hw/pci/pci-qmp-cmds.c */
    { "query-pci", qmem_qmp_query_pci },
    /* hw/virtio/virtio-mem-qmp-cmds.c */
    { "x-virtio-mem-request", qmem_qmp_x_virtio_mem_request },
    /* migration/migration-qmp-cmds.c */
    { "migrate", qmem_qmp_migrate },
    { "migrate-incoming", qmem_qmp_migrate_incoming },
    { "migrate_cancel", qmem_qmp_migrate_cancel },
    { "query-migrate", qmem_qmp_query_migrate },
    { "migrate-set-parameters", qmem_qmp_migrate_set_parameters },
    { "query-migrate-parameters", qmem_qmp_query_migrate_parameters },
    { "migrate-set-capabilities", qmem_qmp_migrate_set_capabilities },
    { "query-migrate-capabilities", qmem_qmp_query_migrate_capabilities },
    { "x-query-ram-checksum", qmem_qmp_x_query_ram_checksum },
};

/* A command without @params takes no arguments. */
static const HmpCommandDef hmp_commands[] = {
    /* monitor/hmp-cmds.c */
    { "info mtree", qmem_hmp_info_mtree, "[-f][-d][-o][-D]",
      "show memory tree" },
    /* system/runstate-qmp-cmds.c: QEMU's "stop|s" and "cont|c" */
    { "info status", qmem_hmp_info_status, NULL, "show the current VM status "
      "(running|paused)", TRUE },
    { "stop", qmem_hmp_stop, NULL, "stop emulation" },
    { "s", qmem_hmp_stop, NULL, "stop emulation" },
    { "cont", qmem_hmp_cont, NULL, "resume emulation" },
    { "c", qmem_hmp_cont, NULL, "resume emulation" },
    /* qom/qom-qmp-cmds.c */
    { "qom-set", qmem_hmp_qom_set, "path property value",
      "set QOM property", TRUE },
    { "object_add", qmem_hmp_object_add,
      "[qom-type=]type,id=str[,prop=value][,...]", "create QOM object",
      TRUE },
    { "object_del", qmem_hmp_object_del, "id", "destroy QOM object",
      TRUE },
    /* hw/core/machine-qmp-cmds.c */
    { "info memdev", qmem_hmp_info_memdev, NULL, "show memory backends",
      TRUE },
    { "info numa", qmem_hmp_info_numa, NULL, "show NUMA information" },
    { "info hotpluggable-cpus", qmem_hmp_info_hotpluggable_cpus, NULL,
      "Show information about hotpluggable CPUs", TRUE },
    /* hw/core/qdev-qmp-cmds.c */
    { "device_add", qmem_hmp_device_add, "driver[,prop=value][,...]",
      "add device, like -device on the command line" },
    { "device_del", qmem_hmp_device_del, "device", "remove device" },
    /* hw/mem/memory-device-qmp-cmds.c */
    { "info memory-devices", qmem_hmp_info_memory_devices, NULL,
      "show memory devices" },
    { "info memory_size_summary", qmem_hmp_info_memory_size_summary, NULL,
      "show the amount of initially allocated and present hotpluggable (if "
      "enabled) memory in bytes." },
    /* hw/mem/memory-map-qmp-cmds.c */
    { "info memory-map", qmem_hmp_info_memory_map, NULL,
      "show the guest-physical memory map" },
    /* hw/pci/pci-qmp-cmds.c */
    { "info pci", qmem_hmp_info_pci, NULL, "show PCI info" },
};

void qmem_monitor_register_qmp_commands(void)
{
    for (gsize i = 0; i < G_N_ELEMENTS(qmp_commands); i++) {
        qmem_qmp_register_command(qmp_commands[i].name, qmp_commands[i].fn,
                                  qmp_commands[i].flags);
    }
}

void qmem_monitor_register_hmp_commands(void)
{
    for (gsize i = 0; i < G_N_ELEMENTS(hmp_commands); i++) {
        qmem_hmp_register_def(&hmp_commands[i]);
    }
}
