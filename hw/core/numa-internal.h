/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What the NUMA mixin's files share (hw/core/ only). */

#ifndef QMEM_HW_CORE_NUMA_INTERNAL_H
#define QMEM_HW_CORE_NUMA_INTERNAL_H

#include "hw/core/numa.h"

/*
 * QEMU's machine_set_cpu_numa_node(): puts every CPU slot whose ids match
 * those @props gives (partial ids match many) on @props->node_id, with
 * QEMU's messages ("no match found", "CPU is already assigned to
 * node-id: %ld", "thread-id is not supported", ...).
 */
gboolean qmem_numa_set_cpu_node(QmemMachine *machine,
                                const QmemCpuInstanceProperties *props,
                                GError **error);

/*
 * Adds a node as a bare `-numa node` does (QEMU's parse_numa_node() with
 * nothing given): the next id, no CPUs, no memory.
 */
gboolean qmem_numa_add_node(QmemMachine *machine, QmemNumaState *state,
                            GError **error);

#endif
