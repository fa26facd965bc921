/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The core library's own leaf types (modules/ only). */

#ifndef QMEM_MODULES_BUILTIN_H
#define QMEM_MODULES_BUILTIN_H

/*
 * Registers the leaf types the core library holds itself, so that they are
 * found by name like a module's: the qtest accelerator ("qtest-accel").
 * Called by qmem_modules_init() before any module.
 */
void qmem_modules_init_builtin(void);

#endif
