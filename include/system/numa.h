/* SPDX-License-Identifier: GPL-2.0-or-later */
/* NUMA limits that the memory backends and the machine's NUMA state share. */

#ifndef QMEM_SYSTEM_NUMA_H
#define QMEM_SYSTEM_NUMA_H

/*
 * QEMU's MAX_NODES (include/system/numa.h): guest NUMA node ids and the
 * host nodes a memory backend binds to are both below it.
 */
#define QMEM_MAX_NODES 128

#endif
