/* SPDX-License-Identifier: GPL-2.0-or-later */
/* -mon: a monitor on a chardev (QEMU's monitor_init_opts()). */

#include <string.h>

#include "monitor/hmp.h"
#include "monitor/monitor.h"
#include "qapi/opts.h"
#include "util/cutils.h"
#include "util/error.h"

gboolean qmem_monitor_check_opts(JsonObject *opts, GError **error)
{
    static const char *const keys[] = { "id", "mode", "chardev", "pretty",
                                        NULL };

    g_return_val_if_fail(opts != NULL, FALSE);

    if (!qmem_opts_check_keys(opts, keys, error)) {
        return FALSE;
    }
    if (json_object_has_member(opts, "pretty")) {
        JsonArray *values = json_object_get_array_member(opts, "pretty");
        gboolean b;

        for (guint i = 0; i < json_array_get_length(values); i++) {
            const char *value = json_array_get_string_element(values, i);

            if (!qmem_parse_bool(value, &b)) {
                return qmem_error_fail(
                    error, "Parameter 'pretty' expects 'on' or 'off'");
            }
        }
    }
    return TRUE;
}

gboolean qmem_monitor_init_opts(JsonObject *opts, QmemQmpServer *qmp,
                                GError **error)
{
    const char *mode, *name, *pretty_str;
    gboolean pretty = FALSE;
    QmemChardev *chr;

    g_return_val_if_fail(opts != NULL && qmp != NULL, FALSE);

    if (!qmem_monitor_check_opts(opts, error)) {
        return FALSE;
    }
    /* The visitor's order: MonitorOptions' members as the schema has them. */
    mode = qmem_opts_get_last(opts, "mode");
    if (mode && strcmp(mode, "readline") && strcmp(mode, "control")) {
        return qmem_error_fail(error,
                               "Parameter 'mode' does not accept value '%s'",
                               mode);
    }
    pretty_str = qmem_opts_get_last(opts, "pretty");
    if (pretty_str) {
        qmem_parse_bool(pretty_str, &pretty);
    }
    name = qmem_opts_get_last(opts, "chardev");
    if (!name) {
        return qmem_error_fail(error, "Parameter 'chardev' is missing");
    }
    chr = qmem_chardev_find(name);
    if (!chr) {
        return qmem_error_fail(error, "chardev \"%s\" not found", name);
    }
    if (!mode || !strcmp(mode, "readline")) {
        if (pretty) {
            return qmem_error_fail(
                error, "'pretty' is not compatible with HMP monitors");
        }
        return qmem_hmp_monitor_add_chardev(chr, error);
    }
    return qmem_qmp_server_add_chardev(qmp, chr, pretty, error);
}
