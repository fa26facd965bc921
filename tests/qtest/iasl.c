/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What the ACPI qtests share to run iasl on a table in a scratch folder. */

#include <string.h>
#include <glib/gstdio.h>

#include "iasl.h"

gboolean iasl_run(const char *dir, const char *const *argv, char **out)
{
    g_autoptr(GError) error = NULL;
    int status;

    g_assert_true(g_spawn_sync(dir, (char **)argv, NULL,
                               G_SPAWN_SEARCH_PATH |
                               G_SPAWN_STDERR_TO_DEV_NULL,
                               NULL, NULL, out, NULL, &status, &error));
    g_assert_no_error(error);
    return g_spawn_check_wait_status(status, NULL);
}

void iasl_remove_dir(const char *path)
{
    g_autoptr(GDir) dir = g_dir_open(path, 0, NULL);
    const char *name;

    while (dir && (name = g_dir_read_name(dir))) {
        g_autofree char *file = g_build_filename(path, name, NULL);

        g_assert_cmpint(g_unlink(file), ==, 0);
    }
    g_assert_cmpint(g_rmdir(path), ==, 0);
}

char *iasl_disassemble(const char *iasl, const char *dir, GBytes *table,
                       const char *name)
{
    g_autoptr(GError) error = NULL;
    g_autofree char *aml = g_strdup_printf("%s.aml", name);
    g_autofree char *dsl = g_strdup_printf("%s/%s.dsl", dir, name);
    g_autofree char *path = g_build_filename(dir, aml, NULL);
    g_autofree char *out = NULL;
    char *text = NULL;

    g_assert_true(g_file_set_contents(path, g_bytes_get_data(table, NULL),
                                      g_bytes_get_size(table), &error));
    g_assert_true(iasl_run(dir, (const char *const[]){ iasl, "-d", aml,
                                                       NULL },
                           &out));
    g_assert_true(g_file_get_contents(dsl, &text, NULL, &error));
    g_assert_no_error(error);
    return text;
}

void iasl_assert_compiles(const char *iasl, const char *dir, const char *dsl)
{
    g_autofree char *out = NULL;

    g_assert_true(iasl_run(dir, (const char *const[]){ iasl, dsl, NULL },
                           &out));
    g_assert_nonnull(strstr(out, "Compilation successful. 0 Errors"));
}
