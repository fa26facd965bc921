/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The module loader: leaf types live in GTypeModule plugins. */

#ifndef QMEM_QOM_MODULE_H
#define QMEM_QOM_MODULE_H

#include <glib-object.h>

G_BEGIN_DECLS

/**
 * QmemModuleRegisterFunc:
 * @module: the #GTypeModule the module's dynamic types belong to
 *
 * A module's entry point, exported as qmem_module_<name>_register where
 * <name> is the module's file name with '-' written '_'.  It registers the
 * module's types (G_DEFINE_DYNAMIC_TYPE_EXTENDED's *_register_type()) and
 * their user-facing names (qmem_type_register_name()).  Called again if
 * the module is loaded again; must not fail.
 */
typedef void (*QmemModuleRegisterFunc)(GTypeModule *module);

/**
 * QMEM_MODULE_DIR_ENV:
 *
 * The environment variable that overrides where modules are looked for:
 * one directory, or several separated by ':' (a build's own modules plus
 * a test's, say).
 */
#define QMEM_MODULE_DIR_ENV "QMEM_MODULE_DIR"

/**
 * qmem_module_load_file:
 * @path: a shared object
 * @error: return location for a #GError in %QMEM_MODULE_ERROR
 *
 * Opens @path, calls its entry point and keeps it loaded.  Loading the
 * same file twice is a no-op.
 */
gboolean qmem_module_load_file(const char *path, GError **error);

/**
 * qmem_module_load_dir:
 * @dir: a directory
 * @error: return location for a #GError
 *
 * Loads every file in @dir whose name ends in G_MODULE_SUFFIX, in name
 * order; stops at the first failure.
 */
gboolean qmem_module_load_dir(const char *dir, GError **error);

/**
 * qmem_module_load_name:
 * @name: a module's name ("virtio-mem-pci")
 * @error: return location for a #GError in %QMEM_MODULE_ERROR
 *
 * QEMU's module_load(): loads module @name from the first directory of
 * qmem_module_get_dir() that has it, unless it is there already (loaded
 * or linked in).
 *
 * Returns: 2 if it was there already, 1 if it was loaded now, 0 if there
 *   is no such module, -1 with @error set if loading it failed.
 */
int qmem_module_load_name(const char *name, GError **error);

/**
 * qmem_module_register_static:
 * @name: the module's name
 * @fn: its entry point, linked into the program
 *
 * Registers a module that was linked in rather than loaded.
 */
void qmem_module_register_static(const char *name, QmemModuleRegisterFunc fn);

/**
 * qmem_module_get_dir:
 *
 * Returns: where modules are loaded from: $QMEM_MODULE_DIR if set (a
 *   ':'-separated list); else, for a program in a build tree, that build's
 *   modules (qmem_module_get_bundle_dir(), when it exists); else the
 *   installed module directory.
 */
const char *qmem_module_get_dir(void);

/**
 * qmem_module_get_bundle_dir:
 *
 * QEMU's qemu-bundle: a build tree holds, beside its programs, a
 * directory "qmem-bundle" that mirrors the installed tree, where the
 * installed module directory is a link to the build's modules.
 *
 * Returns: that directory for the running program: its executable's
 *   directory, "qmem-bundle", then the installed module directory, whether
 *   it exists or not.
 */
const char *qmem_module_get_bundle_dir(void);

/**
 * qmem_module_check_dirs:
 * @error: return location for a #GError (%QMEM_MODULE_ERROR_NO_DIR)
 *
 * Checks that every directory of qmem_module_get_dir() exists; the error
 * says which directories were searched and how to choose one
 * (QMEM_MODULE_DIR).
 */
gboolean qmem_module_check_dirs(GError **error);

/**
 * qmem_modules_init:
 *
 * Makes every module of this build available: loads every directory of
 * qmem_module_get_dir(), or registers the linked-in modules of a static
 * build (which still loads nothing from disk).  Provided by the
 * program-side part of the build (module-init.c or the generated
 * module-static.c), so programs call it once at start.
 */
gboolean qmem_modules_init(GError **error);

G_END_DECLS

#endif
