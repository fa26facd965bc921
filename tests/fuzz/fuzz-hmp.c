/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libFuzzer target: HMP command lines, as human-monitor-command runs them. */

#include <stdint.h>
#include <string.h>

#include "monitor/hmp.h"
#include "tests/fuzz/fuzz-machine.h"

/*
 * Input: HMP command lines, one a line ('\n'; a NUL ends a line early, as
 * it would end the JSON string that carries it).  Each runs through
 * qmem_hmp_run(), the HMP dispatcher of human-monitor-command, on a live
 * pc machine (fuzz-machine.h), which is torn down after the last.  The
 * output ends every line with "\r\n".  Lines the host guard refuses
 * (fuzz_guard_text()) are not run.
 */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    g_autofree char *text = g_strndup(size ? (const char *)data : "", size);
    g_auto(GStrv) lines = NULL;
    MachineFixture f;

    /* g_strndup() stopped at a NUL: split what is left into lines. */
    lines = g_strsplit(text, "\n", -1);
    for (guint i = 0; lines[i]; i++) {
        if (!fuzz_guard_text(lines[i])) {
            return 0;
        }
    }
    fuzz_machine_setup(&f);
    for (guint i = 0; lines[i]; i++) {
        g_autofree char *out = qmem_hmp_run(lines[i]);
        const char *nl = out;

        g_assert_nonnull(out);
        while ((nl = strchr(nl, '\n'))) {
            g_assert_true(nl > out && nl[-1] == '\r');
            nl++;
        }
    }
    fuzz_machine_teardown(&f);
    return 0;
}
