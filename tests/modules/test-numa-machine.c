/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A NUMA machine type, loaded as a module, unlike pc in every NUMA knob. */

/*
 * What a VMM author writes to get QEMU's whole NUMA configuration on a
 * board of their own: implement QmemNumaMachine.  This one differs from
 * pc wherever it can, so that tests/qtest/test-numa.c shows the mixin
 * does not assume pc:
 *
 *   RAM in one piece at 0 (no PCI hole), device memory at 1 TiB
 *   CPU topology: sockets, clusters, cores, threads (no dies or modules);
 *     CPU slot ids are the CPU index (no APIC-style id packing)
 *   default CPU -> node: the CPU index modulo the node count (pc: socket)
 *   -numa node,mem= allowed; node memory split by the default strategy at
 *     256 MiB alignment (pc: no split, 8 MiB)
 *   node 0 is made whenever there is no -numa (auto_enable_numa)
 *   SRAT and SLIT as on pc, all RAM below 4 GiB by the board's account,
 *   behind an RSDP revision 2 and an XSDT (pc: revision 0, RSDT), loaded
 *   through fw_cfg at 0x510 as pc's
 */

#include <gmodule.h>
#include "hw/acpi/acpi.h"
#include "hw/acpi/utils.h"
#include "hw/core/boards.h"
#include "hw/core/numa.h"
#include "hw/mem/memory-device.h"
#include "hw/nvram/fw_cfg.h"

#define TEST_NUMA_DEVICE_MEMORY_BASE (1ULL << 40)

#define TEST_TYPE_NUMA_MACHINE (test_numa_machine_get_type())
G_DECLARE_FINAL_TYPE(TestNumaMachine, test_numa_machine, TEST, NUMA_MACHINE,
                     QmemMachine)

struct _TestNumaMachine {
    QmemMachine parent_instance;
};

static void test_numa_machine_numa_init(QmemNumaMachineInterface *iface);

G_DEFINE_DYNAMIC_TYPE_EXTENDED(TestNumaMachine, test_numa_machine,
                               QMEM_TYPE_MACHINE, G_TYPE_FLAG_FINAL,
                               G_IMPLEMENT_INTERFACE_DYNAMIC(
                                   QMEM_TYPE_NUMA_MACHINE,
                                   test_numa_machine_numa_init))

/*
 * The board's ACPI tables: just the NUMA ones, listed by an XSDT.  No
 * PCI hole: as far as the SRAT goes, all RAM is "below 4 GiB".
 */
static void test_numa_acpi_build(QmemAcpiBuildTables *tables,
                                 gpointer opaque)
{
    QmemMachine *machine = opaque;
    QmemNumaState *state = qmem_numa_machine_get_state(machine);
    g_autoptr(GArray) offsets = g_array_new(FALSE, TRUE, sizeof(guint32));
    guint xsdt;

    qmem_bios_linker_loader_alloc(tables->linker, QMEM_ACPI_BUILD_TABLE_FILE,
                                  tables->table_data, 64, FALSE);
    if (state && state->num_nodes) {
        qmem_acpi_add_table(offsets, tables->table_data);
        qmem_acpi_build_x86_srat(tables->table_data, tables->linker,
                                 machine,
                                 qmem_machine_get_ram_size(machine));
        if (state->have_numa_distance) {
            qmem_acpi_add_table(offsets, tables->table_data);
            qmem_acpi_build_numa_slit(tables->table_data, tables->linker,
                                      machine);
        }
    }
    xsdt = tables->table_data->len;
    qmem_acpi_build_xsdt(tables->table_data, tables->linker, offsets, NULL,
                         NULL);
    qmem_acpi_build_rsdp(tables->rsdp, tables->linker,
                         &(QmemAcpiRsdpData){ .revision = 2,
                                              .oem_id = QMEM_ACPI_OEM_ID,
                                              .xsdt_tbl_offset = &xsdt });
}

static gboolean test_numa_machine_init_board(QmemMachine *machine,
                                             GError **error)
{
    QmemFWCfg *fw_cfg;

    QmemMemoryRegion *ram = qmem_machine_get_ram(machine);
    guint64 ram_size = qmem_machine_get_ram_size(machine);
    guint64 extra = qmem_machine_get_maxram_size(machine) - ram_size;

    if (ram) {
        qmem_memory_region_add_subregion(
            qmem_machine_get_system_memory(machine), 0, ram);
    }
    if (extra) {
        qmem_memory_devices_init(machine, TEST_NUMA_DEVICE_MEMORY_BASE, extra);
    }
    fw_cfg = qmem_fw_cfg_init_io_dma(machine, 0x510, 0x514,
                                     qmem_machine_get_address_space(machine),
                                     error);
    if (!fw_cfg) {
        return FALSE;
    }
    qmem_acpi_setup(fw_cfg, test_numa_acpi_build, machine, NULL);
    return TRUE;
}

/* Slot i is CPU i: socket-major, every level's id always given. */
static void test_numa_possible_cpu_arch_ids(QmemNumaMachine *self,
                                            const QmemCpuTopology *smp,
                                            QmemCpuArchId *cpus)
{
    for (guint i = 0; i < smp->max_cpus; i++) {
        QmemCpuInstanceProperties *p = &cpus[i].props;

        cpus[i].arch_id = i;
        cpus[i].vcpus_count = 1;
        p->has_socket_id = TRUE;
        p->socket_id = i / (smp->clusters * smp->cores * smp->threads);
        p->has_cluster_id = TRUE;
        p->cluster_id = i / (smp->cores * smp->threads) % smp->clusters;
        p->has_core_id = TRUE;
        p->core_id = i / smp->threads % smp->cores;
        p->has_thread_id = TRUE;
        p->thread_id = i % smp->threads;
    }
}

static gint64 test_numa_get_default_cpu_node_id(QmemNumaMachine *self,
                                                guint idx)
{
    return idx % qmem_numa_get_num_nodes(QMEM_MACHINE(self));
}

static void test_numa_machine_numa_init(QmemNumaMachineInterface *iface)
{
    iface->numa_mem_supported = TRUE;
    iface->numa_mem_align_shift = 28;
    iface->numa_auto_assign_ram = qmem_numa_auto_assign_ram_default;
    iface->auto_enable_numa = TRUE;
    iface->possible_cpu_arch_ids = test_numa_possible_cpu_arch_ids;
    iface->get_default_cpu_node_id = test_numa_get_default_cpu_node_id;
}

static void test_numa_machine_class_init(TestNumaMachineClass *klass)
{
    QmemMachineClass *mc = QMEM_MACHINE_CLASS(klass);

    mc->desc = "Test NUMA board (RAM at 0, 256 MiB node alignment)";
    mc->default_ram_id = "test-numa.ram";
    mc->default_ram_size = 512 << 20;
    mc->max_cpus = 64;
    mc->smp_props.clusters_supported = TRUE;
    mc->init = test_numa_machine_init_board;
    mc->device_pre_plug = qmem_memory_device_machine_pre_plug;
    mc->device_plug = qmem_memory_device_machine_plug;
    mc->device_unplug = qmem_memory_device_machine_unplug;
}

static void test_numa_machine_class_finalize(TestNumaMachineClass *klass)
{
}

static void test_numa_machine_init(TestNumaMachine *self)
{
}

G_MODULE_EXPORT void
qmem_module_test_numa_machine_register(GTypeModule *module)
{
    g_type_ensure(QMEM_TYPE_MACHINE);
    g_type_ensure(QMEM_TYPE_NUMA_MACHINE);
    test_numa_machine_register_type(module);
    qmem_type_register_name("test-numa-machine", TEST_TYPE_NUMA_MACHINE);
}
