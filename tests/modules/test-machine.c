/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A custom machine type, loaded as a module, with a layout of its own. */

/*
 * What a VMM author writes to get every qmem memory device on a board of
 * their own: RAM in one piece at 0 (no PCI hole), device memory at a fixed
 * 1 TiB, exactly maxmem - RAM long, and the memory-device core's hooks
 * (which run pc-dimm's own slot and size accounting as its hooks).
 * tests/qtest/test-machine.c runs DIMMs on it.
 */

#include <gmodule.h>
#include "hw/core/boards.h"
#include "hw/mem/memory-device.h"

#define TEST_DEVICE_MEMORY_BASE (1ULL << 40)

#define TEST_TYPE_MACHINE (test_machine_get_type())
G_DECLARE_FINAL_TYPE(TestMachine, test_machine, TEST, MACHINE, QmemMachine)

struct _TestMachine {
    QmemMachine parent_instance;
};

G_DEFINE_DYNAMIC_TYPE(TestMachine, test_machine, QMEM_TYPE_MACHINE)

static gboolean test_machine_init_board(QmemMachine *machine, GError **error)
{
    QmemMemoryRegion *ram = qmem_machine_get_ram(machine);
    guint64 extra = qmem_machine_get_maxram_size(machine) -
                    qmem_machine_get_ram_size(machine);

    if (ram) {
        qmem_memory_region_add_subregion(
            qmem_machine_get_system_memory(machine), 0, ram);
    }
    if (extra) {
        qmem_memory_devices_init(machine, TEST_DEVICE_MEMORY_BASE, extra);
    }
    return TRUE;
}

static void test_machine_class_init(TestMachineClass *klass)
{
    QmemMachineClass *mc = QMEM_MACHINE_CLASS(klass);

    mc->desc = "Test board (RAM at 0, device memory at 1 TiB)";
    mc->default_ram_id = "test.ram";
    mc->default_ram_size = 64 << 20;
    mc->max_cpus = 4;
    mc->init = test_machine_init_board;
    mc->device_pre_plug = qmem_memory_device_machine_pre_plug;
    mc->device_plug = qmem_memory_device_machine_plug;
    mc->device_unplug = qmem_memory_device_machine_unplug;
}

static void test_machine_class_finalize(TestMachineClass *klass)
{
}

static void test_machine_init(TestMachine *self)
{
}

G_MODULE_EXPORT void qmem_module_test_machine_register(GTypeModule *module)
{
    g_type_ensure(QMEM_TYPE_MACHINE);
    test_machine_register_type(module);
    /* QEMU names machine types "<name>-machine": -M test. */
    qmem_type_register_name("test-machine", TEST_TYPE_MACHINE);
}
