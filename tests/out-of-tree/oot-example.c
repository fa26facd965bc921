/* SPDX-License-Identifier: GPL-2.0-or-later */
/* An example third-party module, built against the installed qmem-core. */

#include <gmodule.h>
#include "qom/module.h"
#include "qom/object.h"

/*
 * A type in a loadable module is a dynamic type, and
 * G_DEFINE_DYNAMIC_TYPE defines a static *_get_type(), so the structs are
 * written out rather than declared with G_DECLARE_FINAL_TYPE.
 */
typedef struct {
    QmemObject parent_instance;
} QmemOotExample;

typedef struct {
    QmemObjectClass parent_class;
} QmemOotExampleClass;

G_DEFINE_DYNAMIC_TYPE(QmemOotExample, qmem_oot_example, QMEM_TYPE_OBJECT)

static void qmem_oot_example_class_init(QmemOotExampleClass *klass)
{
}

static void qmem_oot_example_class_finalize(QmemOotExampleClass *klass)
{
}

static void qmem_oot_example_init(QmemOotExample *self)
{
}

/* The file is oot-example.so, so the loader looks for this name. */
G_MODULE_EXPORT void qmem_module_oot_example_register(GTypeModule *module);

G_MODULE_EXPORT void qmem_module_oot_example_register(GTypeModule *module)
{
    qmem_oot_example_register_type(module);
    qmem_type_register_name("oot-example", qmem_oot_example_get_type());
}
