/* SPDX-License-Identifier: GPL-2.0-or-later */
/* qmem's error domains; QMEM_ERROR carries an optional hint. */

#include "util/error.h"

typedef struct {
    char *hint;
} QmemErrorPrivate;

static void qmem_error_private_init(QmemErrorPrivate *priv)
{
    priv->hint = NULL;
}

static void qmem_error_private_copy(const QmemErrorPrivate *src,
                                    QmemErrorPrivate *dest)
{
    dest->hint = g_strdup(src->hint);
}

static void qmem_error_private_clear(QmemErrorPrivate *priv)
{
    g_clear_pointer(&priv->hint, g_free);
}

G_DEFINE_EXTENDED_ERROR(QmemError, qmem_error)
G_DEFINE_QUARK(qmem-module-error-quark, qmem_module_error)

const char *qmem_error_class_name(const GError *error)
{
    static const char *const names[] = {
        [QMEM_ERROR_GENERIC] = "GenericError",
        [QMEM_ERROR_COMMAND_NOT_FOUND] = "CommandNotFound",
        [QMEM_ERROR_DEVICE_NOT_FOUND] = "DeviceNotFound",
        [QMEM_ERROR_KVM_MISSING_CAP] = "KVMMissingCap",
    };

    if (error->domain == QMEM_ERROR && error->code >= 0 &&
        error->code < (int)G_N_ELEMENTS(names)) {
        return names[error->code];
    }
    return "GenericError";
}

gboolean qmem_error_fail(GError **error, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    g_propagate_error(error, g_error_new_valist(QMEM_ERROR,
                                                QMEM_ERROR_GENERIC, fmt, ap));
    va_end(ap);
    return FALSE;
}

void qmem_error_set_hint(GError *error, const char *fmt, ...)
{
    QmemErrorPrivate *priv;
    va_list ap;

    g_return_if_fail(error != NULL);
    priv = qmem_error_get_private(error);
    g_return_if_fail(priv != NULL);

    g_free(priv->hint);
    va_start(ap, fmt);
    priv->hint = g_strdup_vprintf(fmt, ap);
    va_end(ap);
}

const char *qmem_error_get_hint(const GError *error)
{
    QmemErrorPrivate *priv;

    if (error->domain != QMEM_ERROR) {
        return NULL;
    }
    priv = qmem_error_get_private(error);
    return priv->hint;
}
