/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The module loader: leaf types live in GTypeModule plugins. */

#include <string.h>
#include <gmodule.h>
#include "qmem-config.h"
#include "qom/module.h"
#include "util/error.h"

/*
 * One GTypeModule per module.  A loadable one opens its shared object in
 * load(); a static one (linked into the program) has nothing to open.
 * Either way load() calls the entry point, which registers the dynamic
 * types with this GTypeModule.
 */
#define QMEM_TYPE_MODULE (qmem_module_get_type())
G_DECLARE_FINAL_TYPE(QmemModule, qmem_module, QMEM, MODULE, GTypeModule)

struct _QmemModule {
    GTypeModule parent_instance;

    char *path;                         /* NULL for a static module */
    GModule *library;
    QmemModuleRegisterFunc register_fn;
    GError *load_error;                 /* why the last load() failed */
};

G_DEFINE_TYPE(QmemModule, qmem_module, G_TYPE_TYPE_MODULE)

/*
 * Module name -> QmemModule.  A GTypeModule may never be finalized, so
 * modules that failed to load are kept too.
 */
static GHashTable *modules;
static GPtrArray *failed_modules;

static char *module_name_from_path(const char *path)
{
    g_autofree char *base = g_path_get_basename(path);
    char *dot = strrchr(base, '.');

    if (dot) {
        *dot = '\0';
    }
    return g_steal_pointer(&base);
}

static gboolean qmem_module_load(GTypeModule *gmodule)
{
    QmemModule *module = QMEM_MODULE(gmodule);
    g_autofree char *name = NULL;
    g_autofree char *symbol = NULL;
    gpointer fn;

    g_clear_error(&module->load_error);
    if (!module->path) {
        module->register_fn(gmodule);
        return TRUE;
    }

    module->library = g_module_open(module->path, G_MODULE_BIND_LAZY |
                                                  G_MODULE_BIND_LOCAL);
    if (!module->library) {
        g_set_error(&module->load_error, QMEM_MODULE_ERROR,
                    QMEM_MODULE_ERROR_OPEN, "cannot load module '%s': %s",
                    module->path, g_module_error());
        return FALSE;
    }
    name = module_name_from_path(module->path);
    g_strdelimit(name, "-", '_');
    symbol = g_strdup_printf("qmem_module_%s_register", name);
    if (!g_module_symbol(module->library, symbol, &fn)) {
        g_set_error(&module->load_error, QMEM_MODULE_ERROR,
                    QMEM_MODULE_ERROR_SYMBOL,
                    "module '%s' has no entry point '%s'", module->path,
                    symbol);
        g_clear_pointer(&module->library, g_module_close);
        return FALSE;
    }
    module->register_fn = (QmemModuleRegisterFunc)fn;
    module->register_fn(gmodule);
    return TRUE;
}

static void qmem_module_unload(GTypeModule *gmodule)
{
    QmemModule *module = QMEM_MODULE(gmodule);

    if (module->path) {
        module->register_fn = NULL;
        g_clear_pointer(&module->library, g_module_close);
    }
}

static void qmem_module_class_init(QmemModuleClass *klass)
{
    GTypeModuleClass *module_class = G_TYPE_MODULE_CLASS(klass);

    module_class->load = qmem_module_load;
    module_class->unload = qmem_module_unload;
}

static void qmem_module_init(QmemModule *module)
{
}

static gboolean module_add(const char *name, QmemModule *module,
                           GError **error)
{
    if (!modules) {
        modules = g_hash_table_new(g_str_hash, g_str_equal);
    }
    g_type_module_set_name(G_TYPE_MODULE(module), name);
    if (!g_type_module_use(G_TYPE_MODULE(module))) {
        g_propagate_error(error, g_steal_pointer(&module->load_error));
        if (!failed_modules) {
            failed_modules = g_ptr_array_new();
        }
        g_ptr_array_add(failed_modules, module);
        return FALSE;
    }
    g_hash_table_insert(modules, g_strdup(name), module);
    return TRUE;
}

gboolean qmem_module_load_file(const char *path, GError **error)
{
    g_autofree char *name = module_name_from_path(path);
    QmemModule *module;

    if (modules && g_hash_table_contains(modules, name)) {
        return TRUE;
    }
    module = g_object_new(QMEM_TYPE_MODULE, NULL);
    module->path = g_strdup(path);
    return module_add(name, module, error);
}

void qmem_module_register_static(const char *name, QmemModuleRegisterFunc fn)
{
    QmemModule *module;

    if (modules && g_hash_table_contains(modules, name)) {
        return;
    }
    module = g_object_new(QMEM_TYPE_MODULE, NULL);
    module->register_fn = fn;
    if (!module_add(name, module, NULL)) {
        g_assert_not_reached();
    }
}

gboolean qmem_module_load_dir(const char *dir, GError **error)
{
    g_autoptr(GDir) d = g_dir_open(dir, 0, error);
    GList *files = NULL;
    const char *entry;
    gboolean ok = TRUE;

    if (!d) {
        return FALSE;
    }
    while ((entry = g_dir_read_name(d))) {
        if (g_str_has_suffix(entry, "." G_MODULE_SUFFIX)) {
            files = g_list_insert_sorted(files,
                                         g_build_filename(dir, entry, NULL),
                                         (GCompareFunc)g_strcmp0);
        }
    }
    for (GList *f = files; f && ok; f = f->next) {
        ok = qmem_module_load_file(f->data, error);
    }
    g_list_free_full(files, g_free);
    return ok;
}

int qmem_module_load_name(const char *name, GError **error)
{
    g_auto(GStrv) dirs = NULL;

    g_return_val_if_fail(name != NULL, -1);

    if (modules && g_hash_table_contains(modules, name)) {
        return 2;
    }
    /* A name is a file name, never a path. */
    if (!*name || strchr(name, '/')) {
        return 0;
    }
    dirs = g_strsplit(qmem_module_get_dir(), G_SEARCHPATH_SEPARATOR_S, -1);
    for (char **dir = dirs; *dir; dir++) {
        g_autofree char *file = g_strconcat(name, "." G_MODULE_SUFFIX, NULL);
        g_autofree char *path = g_build_filename(*dir, file, NULL);

        if (**dir && g_file_test(path, G_FILE_TEST_IS_REGULAR)) {
            return qmem_module_load_file(path, error) ? 1 : -1;
        }
    }
    return 0;
}

/*
 * QEMU's qemu_init_exec_dir(): the directory of the running program, from
 * /proc/self/exe (so symbolic links to it are followed).
 */
static char *exec_dir(void)
{
    g_autofree char *exe = g_file_read_link("/proc/self/exe", NULL);

    return exe ? g_path_get_dirname(exe) : NULL;
}

const char *qmem_module_get_bundle_dir(void)
{
    static char *bundle;

    if (g_once_init_enter(&bundle)) {
        g_autofree char *dir = exec_dir();
        char *path = g_build_filename(dir ? dir : "", "qmem-bundle",
                                      QMEM_MODULE_DIR, NULL);

        g_once_init_leave(&bundle, path);
    }
    return bundle;
}

const char *qmem_module_get_dir(void)
{
    const char *dir = g_getenv(QMEM_MODULE_DIR_ENV);

    if (dir && *dir) {
        return dir;
    }
    /* A program in a build tree uses that build's modules, as QEMU's do. */
    if (g_file_test(qmem_module_get_bundle_dir(), G_FILE_TEST_IS_DIR)) {
        return qmem_module_get_bundle_dir();
    }
    return QMEM_MODULE_DIR;
}

gboolean qmem_module_check_dirs(GError **error)
{
    const char *env = g_getenv(QMEM_MODULE_DIR_ENV);
    g_auto(GStrv) dirs = g_strsplit(qmem_module_get_dir(),
                                    G_SEARCHPATH_SEPARATOR_S, -1);
    g_autofree char *searched = NULL;

    for (char **dir = dirs; *dir; dir++) {
        if (**dir && !g_file_test(*dir, G_FILE_TEST_IS_DIR)) {
            if (env && *env) {
                searched = g_strdup_printf("'%s' (from " QMEM_MODULE_DIR_ENV
                                           ")", *dir);
            } else {
                searched = g_strdup_printf("'%s', '%s'",
                                           qmem_module_get_bundle_dir(),
                                           QMEM_MODULE_DIR);
            }
            g_set_error(error, QMEM_MODULE_ERROR, QMEM_MODULE_ERROR_NO_DIR,
                        "no module directory found (searched %s): set "
                        QMEM_MODULE_DIR_ENV " to the directory of qmem's "
                        "modules, e.g. BUILDDIR/modules", searched);
            return FALSE;
        }
    }
    return TRUE;
}
