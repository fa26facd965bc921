/* SPDX-License-Identifier: GPL-2.0-or-later */
/* nvdimm on a pc machine under qtest: its region, failures, persistence. */

#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <glib/gstdio.h>
#include "hw/acpi/nvdimm.h"
#include "hw/mem/memory-device.h"
#include "tests/unit/test-machine.h"
#include "util/error.h"

typedef MachineFixture Fixture;

/* qmem-run -M pc,nvdimm=on -m 1G,slots=3,maxmem=4G ... -accel qtest */
static const MachineConfig pc_nvdimm = {
    .machine = "pc,nvdimm=on",
    .m = "1G,slots=3,maxmem=4G",
    .objects = { "memory-backend-ram,id=nv0,size=256M",
                 "memory-backend-ram,id=small,size=2M",
                 "memory-backend-ram,id=m0,size=128M" },
};

#define MIB (G_GUINT64_CONSTANT(1) << 20)
#define GIB (G_GUINT64_CONSTANT(1) << 30)

/* The PMEM: the backend less the label, aligned down to 2 MiB. */
static void test_region(Fixture *f, gconstpointer data)
{
    QmemDevice *nv = add_device(f, "nvdimm,id=nv,memdev=nv0,label-size=1M");
    QmemDevice *dimm = add_device(f, "pc-dimm,id=d,memdev=m0");
    guint64 size, addr;
    g_autofree char *uuid = NULL;

    g_object_get(nv, "size", &size, "addr", &addr, "uuid", &uuid, NULL);
    g_assert_cmpuint(size, ==, 254 * MIB);
    g_assert_cmphex(addr, ==, 4 * GIB);
    g_assert_cmpstr(uuid, ==, "00000000-0000-0000-0000-000000000000");
    g_assert_cmpuint(qmem_memory_device_get_region_size(
                         QMEM_MEMORY_DEVICE(nv), NULL), ==, 254 * MIB);
    /* Each its own kind: nvdimm's class does not change pc-dimm's. */
    g_assert_cmpstr(qmem_memory_device_get_kind(QMEM_MEMORY_DEVICE(nv)), ==,
                    "nvdimm");
    g_assert_cmpstr(qmem_memory_device_get_kind(QMEM_MEMORY_DEVICE(dimm)),
                    ==, "dimm");
    g_assert_true(qmem_nvdimm_is_nvdimm(nv));
    g_assert_false(qmem_nvdimm_is_nvdimm(dimm));
    /* The DIMM comes after the PMEM, 2 MiB aligned. */
    g_object_get(dimm, "addr", &addr, NULL);
    g_assert_cmphex(addr, ==, 4 * GIB + 254 * MIB);
}

/* A refused nvdimm leaves its backend free (QEMU's stays "in use"). */
static void test_refused_leaves_backend(Fixture *f, gconstpointer data)
{
    g_autoptr(GError) error = NULL;
    g_autofree char *uuid = NULL;
    QmemDevice *nv;

    g_assert_null(try_device(f, "nvdimm,memdev=small,label-size=128K", FALSE,
                             &error));
    assert_error(error, "the size of memdev small (0x200000) is too small "
                 "to contain nvdimm label (0x20000) and aligned PMEM "
                 "(0x200000)");
    g_clear_error(&error);
    g_assert_null(try_device(f, "nvdimm,memdev=nv0,uuid=4c1a6b3e", FALSE,
                             &error));
    assert_error(error, "Property 'nvdimm.uuid' has invalid value");
    g_clear_error(&error);
    add_device(f, "pc-dimm,memdev=small");
    nv = add_device(f, "nvdimm,memdev=nv0,"
                    "uuid=4C1A6B3E-72F2-4E3B-9D0E-2A1B3C4D5E6F");
    g_object_get(nv, "uuid", &uuid, NULL);
    g_assert_cmpstr(uuid, ==, "4c1a6b3e-72f2-4e3b-9d0e-2a1b3c4d5e6f");
}

/* A read-only file (made in the fixture's directory): unarmed=on only. */
static void test_readonly(Fixture *f, gconstpointer data)
{
    g_autoptr(GError) error = NULL;
    g_autofree char *file = g_build_filename(f->dir, "ro", NULL);
    int fd = g_open(file, O_CREAT | O_RDWR, 0600);

    g_assert_cmpint(fd, >=, 0);
    g_assert_cmpint(ftruncate(fd, 16 * MIB), ==, 0);
    close(fd);
    add_object(f, "memory-backend-file,id=ro,size=16M,mem-path=@DIR@/ro,"
               "readonly=on");
    g_assert_null(try_device(f, "nvdimm,memdev=ro", FALSE, &error));
    assert_error(error, "'unarmed' property must be 'on' since memdev ro is "
                 "read-only");
    add_device(f, "nvdimm,memdev=ro,unarmed=on");
}

/* Without -machine nvdimm=on: QEMU's text, the backend free. */
static const MachineConfig pc_plain = {
    .machine = "pc",
    .m = "1G,slots=3,maxmem=4G",
    .objects = { "memory-backend-ram,id=nv0,size=256M" },
};

static void test_not_enabled(Fixture *f, gconstpointer data)
{
    g_autoptr(GError) error = NULL;

    g_assert_null(try_device(f, "nvdimm,memdev=nv0", FALSE, &error));
    assert_error(error, "nvdimm is not enabled: missing 'nvdimm' in '-M'");
    add_device(f, "pc-dimm,memdev=nv0");
}

/* QEMU's machine_set_nvdimm_persistence(). */
static const struct {
    const char *value;
    gint persistence;
} persistence_cases[] = {
    { "cpu", 3 }, { "mem-ctrl", 2 }, { "", -1 }, { "CPU", -1 },
    { "mem_ctrl", -1 }, { "cpu ", -1 },
};

static void test_persistence(gconstpointer data)
{
    const typeof(persistence_cases[0]) *c = data;
    g_autoptr(GError) error = NULL;
    QmemNvdimmState state = { .persistence = 0 };
    gboolean ok = qmem_nvdimm_set_persistence(&state, c->value, &error);

    if (c->persistence < 0) {
        g_autofree char *text = g_strdup_printf(
            "-machine nvdimm-persistence=%s: unsupported option", c->value);

        g_assert_false(ok);
        assert_error(error, text);
        g_assert_cmpint(state.persistence, ==, 0);
        g_assert_null(state.persistence_string);
    } else {
        g_assert_true(ok);
        g_assert_cmpint(state.persistence, ==, c->persistence);
        g_assert_cmpstr(state.persistence_string, ==, c->value);
    }
    qmem_nvdimm_state_cleanup(&state);
}

#define ADD(path, config, fn) \
    g_test_add(path, Fixture, config, machine_fixture_setup, fn, \
               machine_fixture_teardown)

int main(int argc, char **argv)
{
    test_init(&argc, &argv);
    ADD("/hw/mem/nvdimm/region", &pc_nvdimm, test_region);
    ADD("/hw/mem/nvdimm/realize/refused-leaves-backend", &pc_nvdimm,
        test_refused_leaves_backend);
    ADD("/hw/mem/nvdimm/realize/readonly", &pc_nvdimm, test_readonly);
    ADD("/hw/mem/nvdimm/pre-plug/not-enabled", &pc_plain, test_not_enabled);
    ADD_CASES("/hw/acpi/nvdimm/persistence", persistence_cases,
              test_persistence);
    return g_test_run();
}
