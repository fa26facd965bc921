/* SPDX-License-Identifier: GPL-2.0-or-later */
/* qmem error domains and codes; codes map onto QMP error classes. */

#ifndef QMEM_UTIL_ERROR_H
#define QMEM_UTIL_ERROR_H

#include <glib.h>

G_BEGIN_DECLS

#define QMEM_ERROR (qmem_error_quark())
#define QMEM_MODULE_ERROR (qmem_module_error_quark())

/**
 * QmemErrorCode:
 * @QMEM_ERROR_GENERIC: QMP class "GenericError"; almost every error
 * @QMEM_ERROR_COMMAND_NOT_FOUND: QMP class "CommandNotFound"
 * @QMEM_ERROR_DEVICE_NOT_FOUND: QMP class "DeviceNotFound"
 * @QMEM_ERROR_KVM_MISSING_CAP: QMP class "KVMMissingCap"
 *
 * The codes QEMU's QMP distinguishes; callers branch on them, the class name
 * goes on the wire (qmem_error_class_name()).
 */
typedef enum {
    QMEM_ERROR_GENERIC,
    QMEM_ERROR_COMMAND_NOT_FOUND,
    QMEM_ERROR_DEVICE_NOT_FOUND,
    QMEM_ERROR_KVM_MISSING_CAP,
} QmemErrorCode;

/**
 * QmemModuleError:
 * @QMEM_MODULE_ERROR_OPEN: the shared object could not be opened
 * @QMEM_MODULE_ERROR_SYMBOL: the module has no registration entry point
 * @QMEM_MODULE_ERROR_NO_DIR: a module directory to load does not exist
 */
typedef enum {
    QMEM_MODULE_ERROR_OPEN,
    QMEM_MODULE_ERROR_SYMBOL,
    QMEM_MODULE_ERROR_NO_DIR,
} QmemModuleError;

GQuark qmem_error_quark(void);
GQuark qmem_module_error_quark(void);

/**
 * qmem_error_class_name:
 * @error: an error of any domain
 *
 * Returns: the QMP error class for @error ("GenericError" for anything that
 * is not one of the QMEM_ERROR codes above).
 */
const char *qmem_error_class_name(const GError *error);

/**
 * qmem_error_fail:
 * @error: return location for a #GError, or %NULL
 * @fmt: printf-style message
 *
 * Sets a generic error (QEMU's error_setg()) and returns %FALSE, so that
 * a check reads `return qmem_error_fail(error, "...");`.
 *
 * Returns: %FALSE
 */
gboolean qmem_error_fail(GError **error, const char *fmt, ...)
    G_GNUC_PRINTF(2, 3);

/**
 * qmem_error_set_hint:
 * @error: a set error
 * @fmt: printf-style hint, usually ending in a newline
 *
 * Attaches a hint (QEMU's error_append_hint()) that the command line prints
 * after the message and QMP leaves out.  Hints never change the message, so
 * tests can compare the message byte for byte.
 */
void qmem_error_set_hint(GError *error, const char *fmt, ...)
    G_GNUC_PRINTF(2, 3);

/**
 * qmem_error_get_hint:
 * @error: an error
 *
 * Returns: (nullable): the hint attached by qmem_error_set_hint().
 */
const char *qmem_error_get_hint(const GError *error);

G_END_DECLS

#endif
