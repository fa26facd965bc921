/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Messages for the user on stderr, as QEMU's error_report() prints them. */

#include <stdarg.h>

#include "util/error-report.h"
#include "util/error.h"
#include "util/unicode.h"

static char *location;
/* -msg timestamp=on, -msg guest-name=on with -name guest= */
static gboolean message_with_timestamp;
static char *error_guest_name;

void qmem_error_set_timestamp(gboolean enable)
{
    message_with_timestamp = enable;
}

void qmem_error_set_guest_name(const char *name)
{
    g_free(error_guest_name);
    error_guest_name = g_strdup(name);
}

void qmem_loc_set(const char *loc)
{
    g_free(location);
    location = g_strdup(loc);
}

const char *qmem_loc_get(void)
{
    return location;
}

/*
 * Messages quote what users typed: what reaches the terminal is escaped
 * (qmem_str_escape_controls()), so that it is valid UTF-8 without control
 * characters, and GLib never prefixes "[Invalid UTF-8]".
 */
static void print_escaped(const char *text)
{
    g_autofree char *escaped = qmem_str_escape_controls(text);

    g_printerr("%s", escaped);
}

static void G_GNUC_PRINTF(2, 0) vreport(const char *type, const char *fmt,
                                       va_list ap)
{
    const char *prgname = g_get_prgname();
    g_autofree char *program = g_path_get_basename(prgname ? prgname
                                                           : "qmem");
    g_autofree char *msg = g_strdup_vprintf(fmt, ap);
    g_autofree char *line = g_strdup_printf(
        "%s: %s%s%s%s\n", program, location ? location : "",
        location ? ": " : "", type, msg);

    /* QEMU's prefixes: the UTC time in ISO 8601, then the guest's name. */
    if (message_with_timestamp) {
        g_autoptr(GDateTime) now = g_date_time_new_now_utc();
        g_autofree char *stamp = g_date_time_format_iso8601(now);

        g_printerr("%s ", stamp);
    }
    if (error_guest_name) {
        print_escaped(error_guest_name);
        g_printerr(" ");
    }
    print_escaped(line);
}

void qmem_error_report(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vreport("", fmt, ap);
    va_end(ap);
}

void qmem_warn_report(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vreport("warning: ", fmt, ap);
    va_end(ap);
}

void qmem_error_printf(const char *fmt, ...)
{
    g_autofree char *msg = NULL;
    va_list ap;

    va_start(ap, fmt);
    msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    print_escaped(msg);
}

void qmem_error_report_err(const GError *error)
{
    const char *hint = qmem_error_get_hint(error);

    qmem_error_report("%s", error->message);
    if (hint) {
        qmem_error_printf("%s", hint);
    }
}

void qmem_log_guest_error(const char *fmt, ...)
{
    g_autofree char *msg = NULL;
    va_list ap;

    va_start(ap, fmt);
    msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    g_debug("guest error: %s", msg);
}
