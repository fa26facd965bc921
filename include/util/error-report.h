/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Messages for the user on stderr, as QEMU's error_report() prints them. */

#ifndef QMEM_UTIL_ERROR_REPORT_H
#define QMEM_UTIL_ERROR_REPORT_H

#include <glib.h>

G_BEGIN_DECLS

/*
 * A message reads "PROGRAM: [LOCATION: ][warning: ]TEXT\n", as QEMU's:
 * PROGRAM is g_get_prgname() without its directory (programs set it to
 * their name, qmem-run to "qmem-run"), LOCATION the command-line option
 * being processed, if any (qmem_loc_set()).  Only programs and code that
 * has no error channel report; everything else returns a #GError.
 */

/**
 * qmem_loc_set:
 * @location: (nullable): the option being processed ("-object
 *   memory-backend-ram,id=m0"), or %NULL when none is
 *
 * QEMU's current Location: messages name it until it is set again.
 */
void qmem_loc_set(const char *location);

/**
 * qmem_loc_get:
 * Returns: (nullable): the current location.
 */
const char *qmem_loc_get(void);

/**
 * qmem_error_set_timestamp:
 * @enable: whether reports start with the time
 *
 * QEMU's -msg timestamp=on: qmem_error_report() and qmem_warn_report()
 * lines start with the UTC time in ISO 8601 with microseconds and a
 * blank ("2026-12-06T10:50:00.123456Z qmem-run: ...").
 */
void qmem_error_set_timestamp(gboolean enable);

/**
 * qmem_error_set_guest_name:
 * @name: (nullable): the guest's name, or %NULL for none
 *
 * QEMU's -msg guest-name=on with -name guest=NAME: reports start with
 * NAME and a blank (after the time).
 */
void qmem_error_set_guest_name(const char *name);

/**
 * qmem_error_report:
 *
 * QEMU's error_report(): "PROGRAM: [LOCATION: ]TEXT\n".
 */
void qmem_error_report(const char *fmt, ...) G_GNUC_PRINTF(1, 2);

/**
 * qmem_warn_report:
 *
 * QEMU's warn_report(): "PROGRAM: [LOCATION: ]warning: TEXT\n".
 */
void qmem_warn_report(const char *fmt, ...) G_GNUC_PRINTF(1, 2);

/**
 * qmem_error_printf:
 *
 * QEMU's error_printf(): @fmt as it is, for a line that continues a
 * report ("Please use share=on instead\n").
 */
void qmem_error_printf(const char *fmt, ...) G_GNUC_PRINTF(1, 2);

/**
 * qmem_error_report_err:
 * @error: an error
 *
 * QEMU's error_report_err(): the message as qmem_error_report() prints
 * it, then the error's hint (qmem_error_get_hint()), if any.
 */
void qmem_error_report_err(const GError *error);

/**
 * qmem_log_guest_error:
 *
 * QEMU's qemu_log_mask(LOG_GUEST_ERROR, ...): something a guest did
 * wrong, which was ignored ("Q35: Reserved PCIEXBAR LENGTH\n").  Quiet
 * unless asked for, as QEMU's -d guest_errors: a debug message of the
 * "qmem" log domain (G_MESSAGES_DEBUG=qmem shows it).
 */
void qmem_log_guest_error(const char *fmt, ...) G_GNUC_PRINTF(1, 2);

G_END_DECLS

#endif
