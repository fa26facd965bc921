/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What QEMU 7.2's guest read, captured by tests/qemu-ref/capture.py into
 * tests/qemu-ref/qemu-7.2.json: one case per command line.
 */

#ifndef QMEM_TESTS_QTEST_QEMU_REF_H
#define QMEM_TESTS_QTEST_QEMU_REF_H

#include <glib.h>
#include <json-glib/json-glib.h>

#include "libqtest.h"

/**
 * qemu_ref_case:
 * @name: a case's name, e.g. "fw-pc-numa-dist"
 *
 * Loads the capture on first use (a capture that cannot be read ends the
 * test program).
 *
 * Returns: (transfer none) (nullable): the case, or %NULL if there is
 * none of that name.
 */
JsonObject *qemu_ref_case(const char *name);

/**
 * qemu_ref_case_names:
 *
 * Returns: (transfer container): every case's name, in the capture's
 * order.
 */
GList *qemu_ref_case_names(void);

/**
 * qemu_ref_case_args:
 * @c: a case
 *
 * Returns: the case's QEMU command line as qtest_init() takes it (with
 * "-qtest" last, for qmem-run's qtest accelerator).
 */
char *qemu_ref_case_args(JsonObject *c);

/**
 * qemu_ref_replay_qtest:
 * @s: the qmem-run
 * @cmd: a qtest command of a script
 * @theirs: what QEMU answered: null for "OK", else the value of "OK VALUE"
 *
 * Sends @cmd and asserts that qmem answers as QEMU did.
 */
void qemu_ref_replay_qtest(QTestState *s, const char *cmd, JsonNode *theirs);

/**
 * qemu_ref_replay_script:
 * @name: (type utf8): a case with a "script"
 *
 * Starts qmem-run with the case's command line and replays the script
 * the capture recorded (qtest port and memory accesses, QMP commands, the
 * events in between), asserting at every step that qmem answers exactly
 * as QEMU did.  A GTestDataFunc.
 */
void qemu_ref_replay_script(gconstpointer name);

/**
 * qemu_ref_unhex:
 * @text: bytes as the capture writes them, two hex digits each
 *
 * Returns: (transfer full): the bytes.
 */
GBytes *qemu_ref_unhex(const char *text);

/**
 * qemu_ref_add_scripts:
 * @prefix: the names of the cases to replay start with it, e.g. "qmp-"
 * @path: the tests' path without the case, e.g. "/qmp/input/qemu"
 *
 * Adds a qemu_ref_replay_script() test "@path/NAME" for every case NAME
 * that starts with @prefix.
 */
void qemu_ref_add_scripts(const char *prefix, const char *path);

#endif
