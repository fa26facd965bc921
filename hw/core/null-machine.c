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

static gboolean null_machine_init(QmemMachine *machine, GError **error)
{
    QmemMemoryRegion *ram = qmem_machine_get_ram(machine);

    if (qmem_machine_get_maxram_size(machine) >
            qmem_machine_get_ram_size(machine) ||
        qmem_machine_get_ram_slots(machine)) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "\"-memory 'slots|maxmem'\" is not supported by: %s",
                    qmem_object_get_typename(QMEM_OBJECT(machine)));
        return FALSE;
    }
    if (ram) {
        qmem_memory_region_add_subregion(
            qmem_machine_get_system_memory(machine), 0, ram);
    }
    return TRUE;
}

/*
 * The machine has no device memory (it refuses maxmem), and every device
 * qmem has is a memory device: each is refused with the memory-device
 * core's message for a machine without device memory, as before the
 * machine types took memory devices themselves.  (QEMU 7.2's "none" has
 * no hotplug handler: it cold-plugs a DIMM without mapping it and refuses
 * device_add with "Device 'pc-dimm' can not be hotplugged on this
 * machine".)
 */
static gboolean null_machine_device_pre_plug(QmemMachine *machine,
                                             QmemDevice *dev, GError **error)
{
    g_set_error_literal(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                        QMEM_MACHINE_NO_DEVICE_MEMORY_MESSAGE);
    return FALSE;
}

static void qmem_null_machine_class_init(QmemNullMachineClass *klass)
{
    QmemMachineClass *mc = QMEM_MACHINE_CLASS(klass);

    mc->desc = "empty machine";
    mc->default_ram_id = "ram";
    mc->default_ram_size = 0;
    mc->max_cpus = 1;
    mc->init = null_machine_init;
    mc->device_pre_plug = null_machine_device_pre_plug;
}

static void qmem_null_machine_init(QmemNullMachine *self)
{
}
