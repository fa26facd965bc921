/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libFuzzer target: qmem-run's -object, -device, -numa, -smp and -m. */

#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include "qobject/json.h"
#include "system/main-internal.h"
#include "tests/fuzz/fuzz-machine.h"

/*
 * Input: options, one a line, each "KIND ARGUMENT" with KIND one of
 * object, device, numa, smp and m ("object memory-backend-ram,id=m0,
 * size=1G"); a line of another kind, or without a blank, is left out.  A
 * NUL ends the input.  They go, in order, after "-machine pc -accel qtest
 * -display none", to qmem-run's own option handling in this process
 * (system/main-internal.h): parsing (QemuOpts, keyval, JSON), help
 * requests, the machine built in QEMU's order, then torn down.  Errors
 * are fine; crashes, leaks, assertions, criticals and hangs are not, and
 * nothing of the machine may be left after teardown.  Arguments the host
 * guard refuses (fuzz_guard_text(), and fuzz_guard_json() on what a JSON
 * argument decodes to) make the input not run.
 */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const kinds[] = { "object", "device", "numa", "smp", "m" };

static gboolean guard(const char *arg)
{
    g_autoptr(JsonNode) node = NULL;

    if (!fuzz_guard_text(arg)) {
        return FALSE;
    }
    /* JSON escapes could spell what the text check looks for. */
    node = strchr(arg, '\\') ? qmem_json_parse(arg, NULL) : NULL;
    return !node || fuzz_guard_json(node);
}

/* argv: what the input's lines add to the fixed options. */
static gboolean add_options(GPtrArray *argv, const char *text)
{
    g_auto(GStrv) lines = g_strsplit(text, "\n", -1);

    for (guint i = 0; lines[i]; i++) {
        char *blank = strchr(lines[i], ' ');

        if (!blank) {
            continue;
        }
        *blank = 0;
        for (guint k = 0; k < G_N_ELEMENTS(kinds); k++) {
            if (!strcmp(lines[i], kinds[k])) {
                if (!guard(blank + 1)) {
                    return FALSE;
                }
                g_ptr_array_add(argv, g_strconcat("-", kinds[k], NULL));
                g_ptr_array_add(argv, g_strdup(blank + 1));
            }
        }
    }
    return TRUE;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const fixed[] = {
        "qmem-run", "-machine", "pc", "-accel", "qtest", "-display", "none",
    };
    g_autofree char *text = g_strndup(size ? (const char *)data : "", size);
    g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GError) error = NULL;
    g_autofree char *dir = NULL;
    g_autofree char *cwd = NULL;
    QmemRunner *r;

    for (guint i = 0; i < G_N_ELEMENTS(fixed); i++) {
        g_ptr_array_add(argv, g_strdup(fixed[i]));
    }
    if (!add_options(argv, text)) {
        return 0;
    }
    g_ptr_array_add(argv, NULL);

    fuzz_machine_init();
    /* Relative mem-paths land in a directory of this run's own. */
    cwd = g_get_current_dir();
    dir = g_dir_make_tmp("qmem-fuzz-XXXXXX", NULL);
    g_assert_nonnull(dir);
    g_assert_cmpint(chdir(dir), ==, 0);

    r = qmem_runner_new();
    if (qmem_runner_setup(r, argv->len - 1, (char **)argv->pdata, &error)) {
        g_assert_null(error);
    } else {
        g_assert_nonnull(error);
        g_assert_cmpstr(error->message, !=, "");
    }
    qmem_runner_free(r);
    /* The machine and everything in it are gone. */
    g_assert_null(qmem_object_resolve_path("/machine", G_TYPE_NONE, NULL));

    g_assert_cmpint(chdir(cwd), ==, 0);
    remove_dir(dir);
    return 0;
}
