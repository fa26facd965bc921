/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Loads out-of-tree modules through an installed qmem-core. */

#include <gmodule.h>
#include "qom/module.h"
#include "qom/object.h"
#include "util/error.h"

/* Where the Makefile put the example modules: beside this program. */
static char *oot_dir;

static char *oot_module_path(const char *name)
{
    return g_strconcat(oot_dir, G_DIR_SEPARATOR_S, name, ".", G_MODULE_SUFFIX,
                       NULL);
}

/*
 * Module loading and type registration are process-wide and cannot be
 * undone, so every case runs in a fresh subprocess.  Returns TRUE in the
 * parent, which has nothing left to do.
 */
static gboolean in_parent(void)
{
    if (g_test_subprocess()) {
        return FALSE;
    }
    g_test_trap_subprocess(NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
    g_test_trap_assert_passed();
    return TRUE;
}

static void test_module_load(void)
{
    g_autofree char *path = oot_module_path("oot-example");
    g_autoptr(GError) err = NULL;
    QmemObject *obj;
    gpointer weak;
    gboolean ok;
    GType type;

    if (in_parent()) {
        return;
    }
    g_assert_cmpuint(qmem_type_from_name("oot-example"), ==, G_TYPE_INVALID);

    ok = qmem_module_load_file(path, &err);
    g_assert_no_error(err);
    g_assert_true(ok);

    type = qmem_type_from_name("oot-example");
    g_assert_cmpuint(type, !=, G_TYPE_INVALID);
    g_assert_cmpstr(g_type_name(type), ==, "QmemOotExample");
    g_assert_true(g_type_is_a(type, QMEM_TYPE_OBJECT));
    g_assert_cmpstr(qmem_type_get_name(type), ==, "oot-example");

    obj = g_object_new(type, NULL);
    g_assert_cmpstr(qmem_object_get_typename(obj), ==, "oot-example");
    weak = obj;
    g_object_add_weak_pointer(G_OBJECT(obj), &weak);
    g_object_unref(obj);
    g_assert_null(weak);
}

static void test_module_load_twice(void)
{
    g_autofree char *path = oot_module_path("oot-example");
    g_autoptr(GPtrArray) names = NULL;
    g_autoptr(GError) err = NULL;
    gboolean ok;
    GType type;

    if (in_parent()) {
        return;
    }
    ok = qmem_module_load_file(path, &err);
    g_assert_no_error(err);
    g_assert_true(ok);
    type = qmem_type_from_name("oot-example");

    ok = qmem_module_load_file(path, &err);
    g_assert_no_error(err);
    g_assert_true(ok);
    g_assert_cmpuint(qmem_type_from_name("oot-example"), ==, type);

    names = qmem_type_list(type, TRUE);
    g_assert_cmpuint(names->len, ==, 1);
    g_assert_cmpstr(g_ptr_array_index(names, 0), ==, "oot-example");
}

static void test_module_open_error(void)
{
    g_autofree char *path = oot_module_path("oot-missing");
    g_autofree char *msg = NULL;
    g_autoptr(GError) err = NULL;

    if (in_parent()) {
        return;
    }
    g_assert_false(qmem_module_load_file(path, &err));
    g_assert_error(err, QMEM_MODULE_ERROR, QMEM_MODULE_ERROR_OPEN);
    msg = g_strdup_printf("cannot load module '%s': %s: cannot open shared "
                          "object file: No such file or directory",
                          path, path);
    g_assert_cmpstr(err->message, ==, msg);
}

static void test_module_no_entry_point(void)
{
    g_autofree char *path = oot_module_path("oot-noentry");
    g_autofree char *msg = NULL;
    g_autoptr(GError) err = NULL;

    if (in_parent()) {
        return;
    }
    g_assert_false(qmem_module_load_file(path, &err));
    g_assert_error(err, QMEM_MODULE_ERROR, QMEM_MODULE_ERROR_SYMBOL);
    msg = g_strdup_printf("module '%s' has no entry point "
                          "'qmem_module_oot_noentry_register'",
                          path);
    g_assert_cmpstr(err->message, ==, msg);
}

/*
 * run.sh passes the moduledir of the installed qmem-core.pc as it was
 * installed (before staging), and where the staged copy of that directory
 * is; a module installed there must be where qmem looks by default.
 */
static void test_installed_module_dir(void)
{
    const char *installed = g_getenv("OOT_INSTALLED_MODULEDIR");

    if (!installed) {
        g_test_skip("OOT_INSTALLED_MODULEDIR not set (run.sh sets it)");
        return;
    }
    g_assert_null(g_getenv(QMEM_MODULE_DIR_ENV));
    g_assert_cmpstr(qmem_module_get_dir(), ==, installed);
}

static void test_installed_modules_load(void)
{
    const char *staged = g_getenv("OOT_STAGED_MODULEDIR");
    g_autoptr(GError) err = NULL;
    gboolean ok;

    if (!staged) {
        g_test_skip("OOT_STAGED_MODULEDIR not set: no installed modules");
        return;
    }
    if (in_parent()) {
        return;
    }
    g_assert_cmpuint(qmem_type_from_name("memory-backend-ram"), ==,
                     G_TYPE_INVALID);
    ok = qmem_module_load_dir(staged, &err);
    g_assert_no_error(err);
    g_assert_true(ok);
    g_assert_cmpuint(qmem_type_from_name("memory-backend-ram"), !=,
                     G_TYPE_INVALID);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    if (!g_test_subprocess()) {
        /* A failed case shows as "not ok"; the others still run. */
        g_test_set_nonfatal_assertions();
    }
    oot_dir = g_path_get_dirname(argv[0]);

    g_test_add_func("/out-of-tree/module/load", test_module_load);
    g_test_add_func("/out-of-tree/module/load-twice", test_module_load_twice);
    g_test_add_func("/out-of-tree/module/open-error", test_module_open_error);
    g_test_add_func("/out-of-tree/module/no-entry-point",
                    test_module_no_entry_point);
    g_test_add_func("/out-of-tree/install/module-dir",
                    test_installed_module_dir);
    g_test_add_func("/out-of-tree/install/modules-load",
                    test_installed_modules_load);
    return g_test_run();
}
