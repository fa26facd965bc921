/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What the machine-level fuzz targets share: a live machine and a guard. */

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hw/core/machine-init.h"
#include "monitor/qmp.h"
#include "qapi/qmp-event.h"
#include "qom/module.h"
#include "tests/fuzz/fuzz-machine.h"
#include "util/main-loop.h"

/* nvdimm=on: NVDIMMs can be plugged, and the _DSM port is there. */
static const MachineConfig fuzz_config = {
    .machine = "pc,nvdimm=on",
    .m = "128M,slots=4,maxmem=2G",
};

static char *start_dir;

static void print_nothing(const char *text)
{
}

/* qmem-run's "quit", but for the main loop it has not. */
static void on_quit(gpointer opaque)
{
    qmem_qapi_event_send_shutdown(FALSE, "host-qmp-quit");
}

void fuzz_machine_init(void)
{
    g_autoptr(GError) error = NULL;

    if (start_dir) {
        return;
    }
    start_dir = g_get_current_dir();
    g_set_prgname("qmem-run");
    qmem_main_loop_init();
    if (!qmem_modules_init(&error)) {
        g_printerr("cannot load modules: %s\n", error->message);
        exit(1);
    }
    g_set_printerr_handler(print_nothing);
    qmem_qmp_set_quit_handler(on_quit, NULL);
}

void fuzz_machine_setup(MachineFixture *f)
{
    g_autoptr(GError) error = NULL;

    fuzz_machine_init();
    if (!machine_fixture_try_setup(f, &fuzz_config, &error)) {
        g_error("fuzz machine: %s", error->message);
    }
    f->any_printed = TRUE;
    qmem_machine_creation_done(f->machine);
    g_assert_cmpint(chdir(f->dir), ==, 0);
}

void fuzz_machine_teardown(MachineFixture *f)
{
    g_assert_cmpint(chdir(start_dir), ==, 0);
    machine_fixture_teardown(f, NULL);
    qmem_monitor_reset_events();
    /* The capture restored the printer of fuzz_machine_init(). */
}

/* '_' counts as '-', as in QOM's property names. */
static gboolean guard_string(const char *s, gboolean *mem_path,
                             gboolean *slash)
{
    g_autofree char *norm = g_strdup(s);

    g_strdelimit(norm, "_", '-');
    if (strstr(norm, "prealloc")) {
        return FALSE;
    }
    *mem_path |= strstr(norm, "mem-path") != NULL;
    *slash |= strchr(norm, '/') != NULL;
    return TRUE;
}

static gboolean guard_node(JsonNode *node, gboolean *mem_path,
                           gboolean *slash)
{
    if (JSON_NODE_HOLDS_OBJECT(node)) {
        JsonObject *obj = json_node_get_object(node);
        g_autoptr(GList) members = json_object_get_members(obj);

        for (GList *m = members; m; m = m->next) {
            if (!guard_string(m->data, mem_path, slash) ||
                !guard_node(json_object_get_member(obj, m->data), mem_path,
                            slash)) {
                return FALSE;
            }
        }
    } else if (JSON_NODE_HOLDS_ARRAY(node)) {
        JsonArray *array = json_node_get_array(node);

        for (guint i = 0; i < json_array_get_length(array); i++) {
            if (!guard_node(json_array_get_element(array, i), mem_path,
                            slash)) {
                return FALSE;
            }
        }
    } else if (JSON_NODE_HOLDS_VALUE(node) &&
               json_node_get_value_type(node) == G_TYPE_STRING) {
        return guard_string(json_node_get_string(node), mem_path, slash);
    }
    return TRUE;
}

gboolean fuzz_guard_json(JsonNode *node)
{
    gboolean mem_path = FALSE, slash = FALSE;

    return guard_node(node, &mem_path, &slash) && !(mem_path && slash);
}

gboolean fuzz_guard_text(const char *text)
{
    gboolean mem_path = FALSE, slash = FALSE;

    return guard_string(text, &mem_path, &slash) && !(mem_path && slash);
}
