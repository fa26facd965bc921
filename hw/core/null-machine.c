/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The "none" machine: only what -m asks for, as RAM at 0 (QEMU's). */

#include "hw/core/boards.h"
#include "util/error.h"

#define QMEM_TYPE_NULL_MACHINE (qmem_null_machine_get_type())
G_DECLARE_FINAL_TYPE(QmemNullMachine, qmem_null_machine, QMEM, NULL_MACHINE,
                     QmemMachine)

struct _QmemNullMachine {
    QmemMachine parent_instance;
};

G_DEFINE_TYPE_WITH_CODE(QmemNullMachine, qmem_null_machine,
                        QMEM_TYPE_MACHINE,
                        qmem_type_register_name("none-machine",
                                                g_define_type_id))

/*
 * QEMU's machine_none_init(): RAM at 0, and nothing else.  -m slots= and
 * maxmem= are accepted and make no device memory; the machine is no
 * hotplug handler, so device_add is refused and a -device is realized
 * without being plugged.
 */
static gboolean null_machine_init(QmemMachine *machine, GError **error)
{
    QmemMemoryRegion *ram = qmem_machine_get_ram(machine);

    if (ram) {
        qmem_memory_region_add_subregion(
            qmem_machine_get_system_memory(machine), 0, ram);
    }
    return TRUE;
}

static void qmem_null_machine_class_init(QmemNullMachineClass *klass)
{
    QmemMachineClass *mc = QMEM_MACHINE_CLASS(klass);

    mc->desc = "empty machine";
    mc->default_ram_id = "ram";
    mc->default_ram_size = 0;
    mc->max_cpus = 1;
    mc->init = null_machine_init;
}

static void qmem_null_machine_init(QmemNullMachine *self)
{
}
