/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libFuzzer target: an incoming migration stream, into a live machine. */

#include <stdint.h>
#include <sys/mman.h>
#include <unistd.h>

#include "migration/migration.h"
#include "tests/fuzz/fuzz-machine.h"
#include "util/main-loop.h"

/*
 * Input: the bytes of a migration stream (docs/migration.md), as a
 * destination reads them from its channel.  They are loaded into a fresh
 * machine (fuzz-machine.h: pc, 128M of boot RAM); the load may fail with
 * any message but must not crash, assert, leak or touch memory outside
 * the RAM blocks.  The seeds (corpus/migration/, corpus-migration.py)
 * are streams qmem-run wrote, cut short.
 */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    MachineFixture f;
    g_autoptr(GError) error = NULL;
    int fd = memfd_create("fuzz-migration", MFD_CLOEXEC);

    g_assert_cmpint(fd, >=, 0);
    g_assert_cmpint(write(fd, data, size), ==, (ssize_t)size);
    g_assert_cmpint(lseek(fd, 0, SEEK_SET), ==, 0);
    fuzz_machine_setup(&f);
    /* The loader takes the BQL itself, as the destination's thread does. */
    qmem_bql_unlock();
    qmem_migration_load_fd(fd, &error);
    qmem_bql_lock();
    close(fd);
    fuzz_machine_teardown(&f);
    return 0;
}
