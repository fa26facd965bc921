/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What QEMU keeps as process-wide globals: the VM's name and UUID, and
 * -overcommit's hints (QEMU's sysemu/sysemu.h and softmmu/globals.c). */

#ifndef QMEM_SYSTEM_SYSTEM_H
#define QMEM_SYSTEM_SYSTEM_H

#include <glib.h>

G_BEGIN_DECLS

/**
 * qmem_vm_set_name:
 * @name: (nullable): -name guest=, or %NULL for none
 *
 * QEMU's qemu_name: what query-name answers.
 */
void qmem_vm_set_name(const char *name);

/**
 * qmem_vm_get_name:
 * Returns: (nullable): the VM's name, %NULL without -name.
 */
const char *qmem_vm_get_name(void);

/**
 * qmem_vm_set_uuid:
 * @uuid: (nullable): 16 bytes (-uuid), or %NULL for the default, all zero
 *
 * QEMU's qemu_uuid: what query-uuid answers.
 */
void qmem_vm_set_uuid(const guint8 *uuid);

/**
 * qmem_vm_get_uuid:
 * @uuid: (out): 16 bytes
 *
 * Returns: whether -uuid set it (QEMU's qemu_uuid_set); @uuid is all zero
 *   when it did not.
 */
gboolean qmem_vm_get_uuid(guint8 uuid[16]);

/**
 * qmem_uuid_parse:
 * @str: "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx", hex digits of either case
 * @uuid: (out): its 16 bytes
 *
 * QEMU's qemu_uuid_parse().
 *
 * Returns: %FALSE (and @uuid untouched) when @str is not such a string.
 */
gboolean qmem_uuid_parse(const char *str, guint8 uuid[16]);

/**
 * qmem_uuid_unparse:
 * @uuid: 16 bytes
 *
 * Returns: (transfer full): QEMU's qemu_uuid_unparse_strdup(), lower case.
 */
char *qmem_uuid_unparse(const guint8 uuid[16]);

/**
 * qmem_set_cpu_pm:
 * @enable: -overcommit cpu-pm=on
 *
 * QEMU's enable_cpu_pm: the guest may manage the host CPUs' power state.
 * Read by an accelerator when it creates its VM (KVM disables the HLT,
 * MWAIT, PAUSE and C-state exits), so set before.
 */
void qmem_set_cpu_pm(gboolean enable);

/**
 * qmem_get_cpu_pm:
 * Returns: what qmem_set_cpu_pm() last set; %FALSE by default.
 */
gboolean qmem_get_cpu_pm(void);

G_END_DECLS

#endif
