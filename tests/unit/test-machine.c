/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What the unit tests share: the machine fixture and the helpers around it. */

#include <fcntl.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include <glib/gstdio.h>

#include "hw/core/machine-init.h"
#include "hw/core/numa.h"
#include "qapi/opts.h"
#include "qom/module.h"
#include "qom/user-creatable.h"
#include "tests/unit/test-machine.h"
#include "util/error.h"

/* ------------------------------------------------------------------ */
/* Helpers any test may use */

void test_init(int *argc, char ***argv)
{
    g_autoptr(GError) error = NULL;

    g_test_init(argc, argv, NULL);
    g_set_prgname("qmem-run");
    if (!qmem_modules_init(&error)) {
        g_printerr("cannot load modules: %s\n", error->message);
        exit(1);
    }
}

JsonObject *opts(const char *text, const char *implied)
{
    g_autoptr(GError) error = NULL;
    JsonObject *o = qmem_opts_parse(text, implied, NULL, &error);

    g_assert_no_error(error);
    return o;
}

void assert_error(GError *error, const char *message)
{
    g_assert_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC);
    g_assert_cmpstr(error->message, ==, message);
}

void remove_dir(const char *dir)
{
    g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
    const char *name;

    while (d && (name = g_dir_read_name(d))) {
        g_autofree char *path = g_build_filename(dir, name, NULL);

        g_assert_cmpint(g_unlink(path), ==, 0);
    }
    g_assert_cmpint(g_rmdir(dir), ==, 0);
}

int unix_connect(const char *path)
{
    struct sockaddr_un sun = { .sun_family = AF_UNIX };
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

    g_assert_cmpint(fd, >=, 0);
    g_strlcpy(sun.sun_path, path, sizeof(sun.sun_path));
    g_assert_cmpint(connect(fd, (struct sockaddr *)&sun, sizeof(sun)), ==, 0);
    g_assert_cmpint(fcntl(fd, F_SETFL, O_NONBLOCK), ==, 0);
    return fd;
}

static GString *captured;
static GPrintFunc uncaptured;

static void capture_printerr(const char *text)
{
    g_string_append(captured, text);
}

void capture_start(void)
{
    g_assert_null(captured);
    captured = g_string_new(NULL);
    uncaptured = g_set_printerr_handler(capture_printerr);
}

const char *capture_get(void)
{
    g_assert_nonnull(captured);
    return captured->str;
}

void capture_clear(void)
{
    g_assert_nonnull(captured);
    g_string_truncate(captured, 0);
}

char *capture_end(void)
{
    g_assert_nonnull(captured);
    g_set_printerr_handler(uncaptured);
    uncaptured = NULL;
    return g_string_free(g_steal_pointer(&captured), FALSE);
}

/* ------------------------------------------------------------------ */
/* The machine fixture */

gpointer *track(MachineFixture *f, gpointer obj)
{
    gpointer *slot = g_new(gpointer, 1);

    *slot = obj;
    g_object_add_weak_pointer(obj, slot);
    g_ptr_array_add(f->weak, slot);
    return slot;
}

char *expand(MachineFixture *f, const char *text)
{
    g_autoptr(GString) s = g_string_new(text);

    g_string_replace(s, "@DIR@", f->dir, 0);
    return g_string_free(g_steal_pointer(&s), FALSE);
}

QmemObject *try_object(MachineFixture *f, const char *text, GError **error)
{
    g_autofree char *input = expand(f, text);
    g_autoptr(GError) parse_error = NULL;
    g_autoptr(JsonObject) options = NULL;
    QmemInputKind kind = QMEM_INPUT_OPTS;
    QmemObject *obj;

    if (input[0] == '{') {
        kind = QMEM_INPUT_JSON;
        options = qmem_json_parse_object(input, &parse_error);
    } else {
        options = qmem_opts_parse(input, "qom-type", NULL, &parse_error);
    }
    g_assert_no_error(parse_error);
    obj = qmem_user_creatable_add(options, kind, error);
    if (obj) {
        track(f, obj);
    }
    return obj;
}

QmemObject *add_object(MachineFixture *f, const char *text)
{
    g_autoptr(GError) error = NULL;
    QmemObject *obj = try_object(f, text, &error);

    g_assert_no_error(error);
    g_assert_nonnull(obj);
    return obj;
}

QmemDevice *try_device(MachineFixture *f, const char *text, gboolean hotplug,
                       GError **error)
{
    g_autoptr(GError) parse_error = NULL;
    g_autoptr(JsonObject) options = NULL;
    QmemDevice *dev;

    options = qmem_keyval_parse(text, "driver", NULL, &parse_error);
    g_assert_no_error(parse_error);
    dev = qmem_device_add(options, QMEM_INPUT_KEYVAL, hotplug, error);
    if (dev) {
        track(f, dev);
    }
    return dev;
}

static QmemDevice *must_add_device(MachineFixture *f, const char *text,
                                   gboolean hotplug)
{
    g_autoptr(GError) error = NULL;
    QmemDevice *dev = try_device(f, text, hotplug, &error);

    g_assert_no_error(error);
    g_assert_nonnull(dev);
    return dev;
}

QmemDevice *add_device(MachineFixture *f, const char *text)
{
    return must_add_device(f, text, FALSE);
}

QmemDevice *hotplug_device(MachineFixture *f, const char *text)
{
    return must_add_device(f, text, TRUE);
}

void guest_io_write(MachineFixture *f, guint16 port, guint32 value,
                    guint size)
{
    guint8 buf[4];

    for (guint i = 0; i < size; i++) {
        buf[i] = value >> (8 * i);
    }
    qmem_address_space_rw(qmem_machine_get_io_address_space(f->machine),
                          port, buf, size, TRUE);
}

guint32 guest_io_read(MachineFixture *f, guint16 port, guint size)
{
    guint8 buf[4] = { 0 };
    guint32 value = 0;

    qmem_address_space_rw(qmem_machine_get_io_address_space(f->machine),
                          port, buf, size, FALSE);
    for (guint i = 0; i < size; i++) {
        value |= (guint32)buf[i] << (8 * i);
    }
    return value;
}

/* The memory hotplug block (hw/acpi/memory_hotplug.h) */
#define MEMHP_SELECTOR 0x0a00
#define MEMHP_FLAGS 0x0a14
#define MEMHP_EJECT 8

void del_device(MachineFixture *f, const char *id)
{
    g_autoptr(GError) error = NULL;
    g_autofree char *path = g_strdup_printf("/machine/peripheral/%s", id);
    QmemObject *dev;
    gint slot;

    g_assert_true(qmem_device_del(id, &error));
    g_assert_no_error(error);
    dev = qmem_object_resolve_path(path, G_TYPE_NONE, NULL);
    if (dev) {
        g_object_get(dev, "slot", &slot, NULL);
        guest_io_write(f, MEMHP_SELECTOR, slot, 4);
        guest_io_write(f, MEMHP_FLAGS, MEMHP_EJECT, 1);
        g_assert_null(qmem_object_resolve_path(path, G_TYPE_NONE, NULL));
    }
}

/* -machine, -m, -smp and the memory options, as qmem-run applies them. */
static gboolean create_machine(MachineFixture *f, const MachineConfig *c,
                               GError **error)
{
    g_autoptr(JsonObject) type = opts(c->machine, "type");
    g_autoptr(JsonObject) smp = NULL;
    QmemSmpConfig smp_config;

    f->machine = qmem_machine_new(type, error);
    if (!f->machine) {
        return FALSE;
    }
    track(f, f->machine);
    if (c->m) {
        g_autoptr(JsonObject) m = opts(c->m, "size");

        if (!qmem_machine_set_memory(f->machine, m, error)) {
            return FALSE;
        }
    }
    smp = qmem_keyval_parse(c->smp ? c->smp : "", "cpus", NULL, NULL);
    g_assert_nonnull(smp);
    if (!qmem_smp_config_from_keyval(smp, &smp_config, error) ||
        !qmem_machine_set_smp_config(f->machine, &smp_config, error)) {
        return FALSE;
    }
    qmem_machine_set_mem_options(f->machine, NULL, FALSE);
    return TRUE;
}

gboolean machine_fixture_try_setup(MachineFixture *f,
                                   const MachineConfig *config, GError **error)
{
    *f = (MachineFixture){ .weak = g_ptr_array_new_with_free_func(g_free) };
    capture_start();
    f->dir = g_dir_make_tmp("qmem-test-XXXXXX", NULL);
    g_assert_nonnull(f->dir);
    if (!config || !config->machine) {
        /* Without a machine there is nothing for the options to go to. */
        g_assert_true(!config || (!config->objects[0] && !config->numa[0]));
        return TRUE;
    }

    if (!create_machine(f, config, error)) {
        return FALSE;
    }
    if (!config->no_accel) {
        const char *const accel[] = {
            config->accel ? config->accel : "qtest", NULL
        };

        f->accel = qmem_machine_configure_accel(accel, NULL, FALSE, error);
        if (!f->accel) {
            return FALSE;
        }
        track(f, f->accel);
    }
    for (guint i = 0; i < G_N_ELEMENTS(config->objects); i++) {
        if (config->objects[i] && !try_object(f, config->objects[i], error)) {
            return FALSE;
        }
    }
    for (guint i = 0; i < G_N_ELEMENTS(config->numa); i++) {
        g_autoptr(JsonObject) numa = NULL;

        if (config->numa[i]) {
            numa = opts(config->numa[i], "type");
            if (!qmem_numa_set_options(f->machine, numa, error)) {
                return FALSE;
            }
        }
    }
    if (!qmem_machine_init_board(f->machine, error)) {
        return FALSE;
    }
    return !f->accel || config->board_only ||
           qmem_machine_init_accel(f->machine, f->accel, error);
}

void machine_fixture_setup(MachineFixture *f, gconstpointer config)
{
    g_autoptr(GError) error = NULL;

    g_assert_true(machine_fixture_try_setup(f, config, &error));
    g_assert_no_error(error);
}

void machine_fixture_teardown(MachineFixture *f, gconstpointer config)
{
    g_autofree char *printed = NULL;

    qmem_machine_cleanup(f->machine, g_steal_pointer(&f->accel));
    f->machine = NULL;
    for (guint i = 0; i < f->weak->len; i++) {
        g_assert_null(*(gpointer *)g_ptr_array_index(f->weak, i));
    }
    g_clear_pointer(&f->weak, g_ptr_array_unref);
    remove_dir(f->dir);
    g_clear_pointer(&f->dir, g_free);
    printed = capture_end();
    if (!f->any_printed) {
        g_assert_cmpstr(printed, ==,
                        f->expect_printed ? f->expect_printed : "");
    }
}
