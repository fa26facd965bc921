/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What the unit tests share: the machine fixture and the helpers around it. */

#ifndef QMEM_TESTS_UNIT_TEST_MACHINE_H
#define QMEM_TESTS_UNIT_TEST_MACHINE_H

#include <glib.h>
#include <json-glib/json-glib.h>

#include "hw/core/boards.h"
#include "hw/core/qdev.h"
#include "qom/object.h"
#include "system/accel.h"

/* ------------------------------------------------------------------ */
/* Helpers any test may use */

/**
 * test_init:
 *
 * g_test_init(), then what every test program of the tree wants: the
 * program named "qmem-run", so that warnings read as qmem-run's do, and
 * the modules loaded (qmem_modules_init(); exits when that fails).
 */
void test_init(int *argc, char ***argv);

/**
 * opts:
 * @text: a QemuOpts string, which must parse
 * @implied: (nullable): the key of a leading value without '='
 *
 * Returns: (transfer full): qmem_opts_parse()'s result.
 */
JsonObject *opts(const char *text, const char *implied);

/*
 * One g_test_add_data_func() per entry of the array @cases, at
 * "@prefix/INDEX": a table of cases without names.
 */
#define ADD_CASES(prefix, cases, fn)                                        \
    do {                                                                    \
        for (size_t i_ = 0; i_ < G_N_ELEMENTS(cases); i_++) {               \
            g_autofree char *path_ = g_strdup_printf("%s/%zu", prefix, i_); \
                                                                            \
            g_test_add_data_func(path_, &(cases)[i_], fn);                  \
        }                                                                   \
    } while (0)

/* @error is QMEM_ERROR_GENERIC with exactly @message. */
void assert_error(GError *error, const char *message);

/* Removes @dir and the files in it; all of that must work. */
void remove_dir(const char *dir);

/**
 * unix_connect:
 * @path: a listening Unix socket
 *
 * Returns: a connected, non-blocking socket; the test closes it.
 */
int unix_connect(const char *path);

/*
 * What g_printerr() prints, kept instead of printed: warnings and errors
 * (qmem_warn_report() and friends) become text a test can compare.  One
 * capture at a time: capture_start() begins it, capture_get() shows what
 * was kept, capture_clear() forgets it, capture_end() restores the
 * printer that was there before and returns what was kept.
 */
void capture_start(void);
const char *capture_get(void);
void capture_clear(void);
char *capture_end(void);

/* ------------------------------------------------------------------ */
/* The machine fixture */

/**
 * MachineConfig:
 * @machine: -machine; %NULL for no machine and no accelerator (tests of
 *   objects on their own)
 * @m: -m; %NULL for the type's default
 * @smp: -smp; %NULL for one CPU
 * @accel: -accel; %NULL for qtest
 * @no_accel: no accelerator at all, as before qmem-run creates one (what
 *   qtest silences, deprecation warnings, shows)
 * @board_only: stop after board init: the test hands the machine's memory
 *   to the accelerator itself (qmem_machine_init_accel())
 * @objects: -object, in order; "@DIR@" stands for the fixture's directory
 * @numa: -numa, in order
 *
 * One table entry: a machine as qmem-run builds it from these options,
 * in its order (include/hw/core/machine-init.h).  Devices are the test's
 * business (add_device()); the machine is not running (cold plug) until
 * the test calls qmem_machine_creation_done().
 */
typedef struct {
    const char *machine;
    const char *m;
    const char *smp;
    const char *accel;
    gboolean no_accel;
    gboolean board_only;
    const char *objects[8];
    const char *numa[8];
} MachineConfig;

/**
 * MachineFixture:
 * @machine: the machine, %NULL without #MachineConfig.machine
 * @accel: its accelerator (the current one), or %NULL
 * @dir: a fresh directory for backing files, removed with what is in it
 * @expect_printed: what g_printerr() must have printed by teardown;
 *   %NULL for nothing
 * @any_printed: whatever g_printerr() printed is fine, @expect_printed
 *   is not checked (the fuzz targets, whose inputs make errors at will)
 * @weak: the slots of track()
 *
 * A test's fixture, or the first member of one that needs more.
 */
typedef struct {
    QmemMachine *machine;
    QmemAccel *accel;
    char *dir;
    const char *expect_printed;
    gboolean any_printed;
    GPtrArray *weak;
} MachineFixture;

/**
 * machine_fixture_try_setup:
 * @f: the fixture to fill
 * @config: (nullable): what to build; %NULL for nothing but the
 *   directory, the tracking and the capture
 * @error: return location for a #GError
 *
 * Starts capturing g_printerr(), makes the directory, then takes
 * qmem-run's start-up steps for @config and stops at the first that
 * fails.  Every object made is tracked.  Whatever happens, the test ends
 * with machine_fixture_teardown().
 *
 * Returns: %FALSE with @error set when a step failed; @f holds what the
 *   steps before it built.
 */
gboolean machine_fixture_try_setup(MachineFixture *f,
                                   const MachineConfig *config, GError **error);

/**
 * machine_fixture_setup:
 * @f: the fixture to fill
 * @config: (nullable): a const #MachineConfig *
 *
 * machine_fixture_try_setup(), which must succeed; a #GTestFixtureFunc.
 */
void machine_fixture_setup(MachineFixture *f, gconstpointer config);

/**
 * machine_fixture_teardown:
 * @f: the fixture
 * @config: unused (a #GTestFixtureFunc)
 *
 * qmem-run's exit (qmem_machine_cleanup()), then asserts that every
 * tracked object was finalized (a leak fails the test), removes the
 * directory and asserts that g_printerr() printed exactly
 * @f->expect_printed.
 */
void machine_fixture_teardown(MachineFixture *f, gconstpointer config);

/**
 * track:
 * @f: the fixture
 * @obj: an object the test made or got
 *
 * @obj must be finalized by the end of teardown.
 *
 * Returns: the weak slot, %NULL once @obj is gone, for a test that
 *   checks earlier; valid until teardown.
 */
gpointer *track(MachineFixture *f, gpointer obj);

/**
 * expand:
 * @f: the fixture
 * @text: an option string
 *
 * Returns: (transfer full): @text with every "@DIR@" replaced by @f->dir.
 */
char *expand(MachineFixture *f, const char *text);

/**
 * try_object:
 * @f: the fixture
 * @text: -object as qmem-run takes it: JSON if it starts with '{', else
 *   key=value; "@DIR@" stands for @f->dir
 * @error: return location for a #GError
 *
 * Returns: (transfer none) (nullable): the object, tracked, or %NULL with
 *   @error set.  The text must parse.
 */
QmemObject *try_object(MachineFixture *f, const char *text, GError **error);

/* try_object(), which must succeed. */
QmemObject *add_object(MachineFixture *f, const char *text);

/**
 * try_device:
 * @f: the fixture
 * @text: -device in key=value form, which must parse
 * @hotplug: whether it comes as device_add (hot plug) rather than -device
 * @error: return location for a #GError
 *
 * Returns: (transfer none) (nullable): the device, tracked, or %NULL with
 *   @error set.
 */
QmemDevice *try_device(MachineFixture *f, const char *text, gboolean hotplug,
                       GError **error);

/* try_device() as -device, which must succeed. */
QmemDevice *add_device(MachineFixture *f, const char *text);

/* try_device() as device_add, which must succeed. */
QmemDevice *hotplug_device(MachineFixture *f, const char *text);

/**
 * guest_io_write:
 * @f: the fixture
 * @port: an I/O port
 * @value: what a vCPU's out writes, @size bytes of it (1, 2 or 4)
 *
 * An out instruction, into the machine's I/O address space.
 */
void guest_io_write(MachineFixture *f, guint16 port, guint32 value,
                    guint size);

/* An in instruction of @size bytes: what it reads. */
guint32 guest_io_read(MachineFixture *f, guint16 port, guint size);

/**
 * del_device:
 * @f: the fixture
 * @id: a device's id
 *
 * device_del as a guest completes it: qmem_device_del(), which must
 * succeed, then for a DIMM on a machine with ACPI memory hotplug (pc,
 * q35) what the guest's _EJ0 does: select its slot and write the eject
 * bit (docs/acpi.md).  The device must be gone then.
 */
void del_device(MachineFixture *f, const char *id);

#endif
