/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What the machine-level fuzz targets share: a live machine and a guard. */

#ifndef QMEM_TESTS_FUZZ_FUZZ_MACHINE_H
#define QMEM_TESTS_FUZZ_FUZZ_MACHINE_H

#include <json-glib/json-glib.h>

#include "tests/unit/test-machine.h"

/*
 * Once per process: the program named "qmem-run", the BQL held as
 * qmem-run's main thread holds it, the modules loaded, g_printerr()
 * silenced (inputs make errors at will) and QMP "quit" registered as
 * qmem-run registers it.
 */
void fuzz_machine_init(void);

/*
 * A fresh machine for one input, built as the unit tests' fixture builds
 * one (tests/unit/test-machine.h): pc on the qtest accelerator with
 * "-m 128M,slots=4,maxmem=2G", one CPU, running (devices added from now
 * on are hot-plugged).  The current directory is the fixture's own
 * directory until fuzz_machine_teardown(), so that relative mem-paths
 * stay in it.
 */
void fuzz_machine_setup(MachineFixture *f);

/*
 * qmem-run's exit (qmem_machine_cleanup()), asserting that the machine
 * and its accelerator were finalized; then what a run may have left in
 * the process-wide state is reset (held-back events).  Leaks of anything
 * else are LeakSanitizer's (the clang build).
 */
void fuzz_machine_teardown(MachineFixture *f);

/*
 * The host guard.  Some requests are fine for qmem but not for the host
 * a fuzzer runs on: preallocating a backend of any size the input names
 * (the work and the memory are what the user asked for, not a bug) and
 * files at any path.  An input that asks for one is left out: the
 * command, option or line is not run (QMP answers with an error).
 *
 * Refused: any key or string value that holds "prealloc" ('_' counting
 * as '-', as QOM property names do), and a "mem-path" together with a
 * string holding '/' (so mem-path stays relative, in the fixture's
 * directory).
 */
gboolean fuzz_guard_text(const char *text);
gboolean fuzz_guard_json(JsonNode *node);

#endif
