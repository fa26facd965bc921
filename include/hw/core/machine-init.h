/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Start-up and exit: the machine and its accelerator in QEMU's order. */

#ifndef QMEM_HW_CORE_MACHINE_INIT_H
#define QMEM_HW_CORE_MACHINE_INIT_H

#include <json-glib/json-glib.h>
#include "hw/core/boards.h"
#include "system/accel.h"

G_BEGIN_DECLS

/*
 * A program that runs a machine (qmem-run, a test's machine fixture)
 * builds it in the order of QEMU's qemu_init(), one step after the other;
 * each step needs what the ones before it made:
 *
 *  1. qmem_machine_new(), -machine: the machine, at /machine
 *     (QEMU's qemu_create_machine()).
 *  2. qmem_machine_set_memory() for -m and qmem_machine_set_smp_config()
 *     for -smp, then qmem_machine_set_mem_options() for -mem-path and
 *     -mem-prealloc: every backend created from then on takes the
 *     machine's defaults (qemu_apply_machine_options()).
 *     The machine is now created: qmem_machine_phase_advance() to
 *     %QMEM_PHASE_MACHINE_CREATED.
 *  3. qmem_machine_configure_accel(), -accel: the accelerator, made the
 *     current one, so that the steps after it know whether qtest runs
 *     (configure_accelerators()); then %QMEM_PHASE_ACCEL_CREATED.
 *  4. qmem_user_creatable_add() for each -object, in command-line order:
 *     among them the backends that -machine memory-backend= and -numa
 *     memdev= name (qemu_create_late_backends()).
 *  5. qmem_numa_set_options() for each -numa, in command-line order
 *     (parse_numa_opts()).
 *     With `--preconfig` the program stops here and serves QMP
 *     (set-numa-node, object-add, ...) until x-exit-preconfig runs the
 *     steps that follow (qmp_x_exit_preconfig()).
 *  6. qmem_machine_init_board(): the boot RAM, the NUMA configuration
 *     completed, the board's memory map (machine_run_board_init()); the
 *     machine is %QMEM_PHASE_MACHINE_INITIALIZED.
 *  7. qmem_machine_init_accel(): the accelerator takes the machine's
 *     memory and creates the vCPUs; from then on it follows every change
 *     of the memory map (accel_init_machine(), which QEMU runs before
 *     board init and whose listeners replay what is already mapped).
 *  8. qmem_device_add() for each -device: cold plug
 *     (qemu_create_cli_devices()).
 *  9. qmem_machine_creation_done(): cold plug is over, devices added from
 *     then on are hot-plugged (qemu_machine_creation_done()); the machine
 *     is %QMEM_PHASE_MACHINE_READY and every QMP command may run.
 * 10. qmem_accel_start(), unless -S: the vCPUs run (vm_start()).
 *
 * When a step fails, the program reports the error and, as at any other
 * exit, calls qmem_machine_cleanup() (QEMU's qemu_cleanup()), which takes
 * down whatever the steps before built, the guest before its memory.
 */

/**
 * qmem_machine_configure_accel:
 * @accel_args: (nullable) (array zero-terminated=1): the arguments of the
 *   -accel options, in command-line order ("kvm", "qtest,x-memslots=8")
 * @machine_accel: (nullable): -machine accel=, a ':'-separated list
 * @qtest: whether the program serves the qtest protocol (-qtest)
 * @error: return location for a #GError
 *
 * Step 3 above, QEMU's configure_accelerators(): the first accelerator
 * that exists, of the -accel options or else of -machine accel= (not
 * both: "The -accel and \"-machine accel=\" options are incompatible"),
 * by default qtest under @qtest, else KVM where /dev/kvm can be opened,
 * else qtest.  Each one that does not exist is reported ("-accel foo:
 * invalid accelerator foo"), and when a later one is used, "falling back
 * to KVM" (or qtest) unless @qtest.  The accelerator is made the current
 * one (qmem_accel_set_current()).
 *
 * Returns: (transfer full) (nullable): the accelerator, which the caller
 *   hands to qmem_machine_cleanup() at exit, or %NULL with @error set
 *   (the last "invalid accelerator %s", or the error of a property), the
 *   error location set to the option it is about.
 */
QmemAccel *qmem_machine_configure_accel(const char *const *accel_args,
                                        const char *machine_accel,
                                        gboolean qtest, GError **error);

/**
 * qmem_machine_init_accel:
 * @machine: the machine, its board initialized (qmem_machine_init_board())
 * @accel: the accelerator of qmem_machine_configure_accel()
 * @error: return location for a #GError
 *
 * Step 7 above: @accel takes the machine's memory and I/O address spaces
 * and creates one vCPU per -smp CPU (qmem_accel_init_machine()).  Call
 * once, before any -device.
 *
 * Returns: %FALSE with @error set when the accelerator cannot run the
 *   machine (KVM cannot be opened, too many vCPUs); nothing stays mapped
 *   then.
 */
gboolean qmem_machine_init_accel(QmemMachine *machine, QmemAccel *accel,
                                 GError **error);

/**
 * qmem_machine_cleanup:
 * @machine: (nullable): the machine, or %NULL if it was never made
 * @accel: (nullable) (transfer full): the accelerator, or %NULL
 *
 * QEMU's qemu_cleanup(), at every exit of a program that went through
 * any of the steps above: stops the vCPUs and the accelerator's listener
 * (qmem_accel_shutdown()), unplugs every device and unmaps all memory
 * (qmem_machine_destroy()), clears the current accelerator, drops @accel
 * and empties the object tree (qmem_object_reset_root()), so that no
 * object of the machine is left.  Monitors and qtest servers, which use
 * the machine, go first.
 */
void qmem_machine_cleanup(QmemMachine *machine, QmemAccel *accel);

G_END_DECLS

#endif
