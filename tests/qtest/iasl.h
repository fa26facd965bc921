/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What the ACPI qtests share to run iasl on a table in a scratch folder. */

#ifndef QMEM_TESTS_QTEST_IASL_H
#define QMEM_TESTS_QTEST_IASL_H

#include <glib.h>

/**
 * iasl_run:
 * @dir: the folder to run in
 * @argv: the command, %NULL-terminated, looked up in PATH
 * @out: (out) (optional): its stdout, so that it is not printed (TAP)
 *
 * Runs @argv in @dir with stderr on /dev/null; failing to spawn fails
 * the test.
 *
 * Returns: whether it exited with status 0.
 */
gboolean iasl_run(const char *dir, const char *const *argv, char **out);

/**
 * iasl_remove_dir:
 * @path: a folder holding only files
 *
 * Deletes the files of @path and @path; any failure fails the test.
 */
void iasl_remove_dir(const char *path);

/**
 * iasl_disassemble:
 * @iasl: iasl's path
 * @dir: the folder
 * @table: an ACPI table
 * @name: the files' name: @table goes into @name.aml in @dir
 *
 * Returns: (transfer full): the text of `iasl -d`, @name.dsl in @dir.
 */
char *iasl_disassemble(const char *iasl, const char *dir, GBytes *table,
                       const char *name);

/**
 * iasl_assert_compiles:
 * @iasl: iasl's path
 * @dir: the folder
 * @dsl: a .dsl file in @dir
 *
 * Compiles @dsl again and asserts that iasl reports no errors.
 */
void iasl_assert_compiles(const char *iasl, const char *dir, const char *dsl);

#endif
