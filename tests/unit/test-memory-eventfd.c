/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Tests for ioeventfds in the memory API and for event notifiers. */

#include <string.h>

#include "system/accel.h"
#include "system/memory.h"
#include "util/event-notifier.h"
#include "util/main-loop.h"

#define DOOR_SIZE 0x1000

/* What a device's doorbell region saw, and what listeners were told. */
typedef struct {
    GString *ops;                   /* "w 0x10+4=0x1234;" ... */
    GString *events;                /* "add e1 0x4010+4=0x1234 @0x10;" ... */
    QmemEventNotifier e[3];
    QmemMemoryRegion *root;
    QmemMemoryRegion *door;
    QmemAddressSpace *as;
    QmemMemoryListener listener;
} Fixture;

static guint64 door_read(gpointer opaque, guint64 addr, guint size)
{
    Fixture *f = opaque;

    g_string_append_printf(f->ops, "r 0x%" G_GINT64_MODIFIER "x+%u;", addr,
                           size);
    return 0xab;
}

static void door_write(gpointer opaque, guint64 addr, guint64 value,
                       guint size)
{
    Fixture *f = opaque;

    g_string_append_printf(f->ops, "w 0x%" G_GINT64_MODIFIER "x+%u=0x%"
                           G_GINT64_MODIFIER "x;", addr, size, value);
}

static const QmemMemoryRegionOps door_ops = {
    .read = door_read,
    .write = door_write,
    .valid = { .min_access_size = 1, .max_access_size = 8 },
    .impl = { .min_access_size = 1, .max_access_size = 8 },
};

/* The fixture of the test that runs: every listener logs into it. */
static Fixture *fixture;

static int notifier_index(Fixture *f, QmemEventNotifier *e)
{
    return e - f->e;
}

static void log_event(Fixture *f, const char *what,
                      const QmemMemorySection *section, gboolean match_data,
                      guint64 data, QmemEventNotifier *e)
{
    g_assert_true(section->mr == f->door);
    g_string_append_printf(f->events, "%s e%d 0x%" G_GINT64_MODIFIER "x+%"
                           G_GINT64_MODIFIER "u", what, notifier_index(f, e),
                           section->offset_within_address_space,
                           section->size);
    if (match_data) {
        g_string_append_printf(f->events, "=0x%" G_GINT64_MODIFIER "x",
                               data);
    }
    g_string_append_printf(f->events, " @0x%" G_GINT64_MODIFIER "x;",
                           section->offset_within_region);
}

static void eventfd_add(QmemMemoryListener *listener,
                        const QmemMemorySection *section, gboolean match_data,
                        guint64 data, QmemEventNotifier *e)
{
    log_event(fixture, "add", section, match_data, data, e);
}

static void eventfd_del(QmemMemoryListener *listener,
                        const QmemMemorySection *section, gboolean match_data,
                        guint64 data, QmemEventNotifier *e)
{
    log_event(fixture, "del", section, match_data, data, e);
}

static void fixture_setup(Fixture *f, gconstpointer data)
{
    fixture = f;
    f->ops = g_string_new(NULL);
    f->events = g_string_new(NULL);
    for (guint i = 0; i < G_N_ELEMENTS(f->e); i++) {
        g_assert_cmpint(qmem_event_notifier_init(&f->e[i], FALSE), ==, 0);
    }
    f->root = qmem_memory_region_new_container("system", G_MAXUINT64);
    f->door = qmem_memory_region_new_io("door", DOOR_SIZE, &door_ops, f);
    f->as = qmem_address_space_new("memory", f->root);
    f->listener = (QmemMemoryListener) {
        .eventfd_add = eventfd_add,
        .eventfd_del = eventfd_del,
        .name = "test",
    };
    qmem_memory_listener_register(&f->listener, f->as);
}

static void fixture_teardown(Fixture *f, gconstpointer data)
{
    if (f->listener.as) {
        qmem_memory_listener_unregister(&f->listener);
    }
    qmem_address_space_free(f->as);
    g_object_unref(f->door);
    g_object_unref(f->root);
    for (guint i = 0; i < G_N_ELEMENTS(f->e); i++) {
        qmem_event_notifier_cleanup(&f->e[i]);
    }
    g_string_free(f->ops, TRUE);
    g_string_free(f->events, TRUE);
}

/* Returns what happened since the last call, and forgets it. */
static char *take(GString *log)
{
    char *text = g_strdup(log->str);

    g_string_truncate(log, 0);
    return text;
}

#define ASSERT_LOG(log, expected) \
    do { \
        g_autofree char *text_ = take(log); \
        g_assert_cmpstr(text_, ==, expected); \
    } while (0)

static void test_listener(Fixture *f, gconstpointer data)
{
    g_autoptr(QmemMemoryRegion) alias = NULL;
    QmemMemoryListener late = f->listener;

    /* Nothing is visible while the region is not mapped. */
    qmem_memory_region_add_eventfd(f->door, 0x10, 4, TRUE, 0x1234, &f->e[1]);
    ASSERT_LOG(f->events, "");
    qmem_memory_region_add_subregion(f->root, 0x4000, f->door);
    ASSERT_LOG(f->events, "add e1 0x4010+4=0x1234 @0x10;");
    qmem_memory_region_add_eventfd(f->door, 0x20, 2, FALSE, 0x99, &f->e[2]);
    ASSERT_LOG(f->events, "add e2 0x4020+2 @0x20;");

    /* Moving the region moves its eventfds, in one commit. */
    qmem_memory_region_transaction_begin();
    qmem_memory_region_del_subregion(f->root, f->door);
    qmem_memory_region_add_subregion(f->root, 0x8000, f->door);
    ASSERT_LOG(f->events, "");
    qmem_memory_region_transaction_commit();
    ASSERT_LOG(f->events, "del e1 0x4010+4=0x1234 @0x10;"
                          "del e2 0x4020+2 @0x20;"
                          "add e1 0x8010+4=0x1234 @0x10;"
                          "add e2 0x8020+2 @0x20;");

    /* An alias shows what falls inside its window. */
    alias = qmem_memory_region_new_alias("door-alias", f->door, 0x8, 0x10);
    qmem_memory_region_add_subregion(f->root, 0xa000, alias);
    ASSERT_LOG(f->events, "add e1 0xa008+4=0x1234 @0x10;");

    /* A listener registered late hears of all, and of all at the end. */
    late.as = NULL;
    qmem_memory_listener_register(&late, f->as);
    ASSERT_LOG(f->events, "add e1 0x8010+4=0x1234 @0x10;"
                          "add e2 0x8020+2 @0x20;"
                          "add e1 0xa008+4=0x1234 @0x10;");
    qmem_memory_listener_unregister(&late);
    ASSERT_LOG(f->events, "del e1 0x8010+4=0x1234 @0x10;"
                          "del e2 0x8020+2 @0x20;"
                          "del e1 0xa008+4=0x1234 @0x10;");

    /* Deleting: by the same arguments (the data ignored without match). */
    qmem_memory_region_del_eventfd(f->door, 0x20, 2, FALSE, 0, &f->e[2]);
    ASSERT_LOG(f->events, "del e2 0x8020+2 @0x20;");
    qmem_memory_region_del_subregion(f->root, alias);
    ASSERT_LOG(f->events, "del e1 0xa008+4=0x1234 @0x10;");
    qmem_memory_region_del_eventfd(f->door, 0x10, 4, TRUE, 0x1234, &f->e[1]);
    ASSERT_LOG(f->events, "del e1 0x8010+4=0x1234 @0x10;");
    qmem_memory_region_del_subregion(f->root, f->door);
    ASSERT_LOG(f->events, "");
    ASSERT_LOG(f->ops, "");
}

static void rw(Fixture *f, guint64 addr, guint64 value, guint size,
               gboolean is_write)
{
    guint8 buf[8];

    for (guint i = 0; i < size; i++) {
        buf[i] = value >> (8 * i);
    }
    g_assert_true(qmem_address_space_rw(f->as, addr, buf, size, is_write));
}

/*
 * Without an accelerator that signals ioeventfds itself, a write that
 * matches one sets its notifier instead of reaching the ops: the same
 * offset, the same size and (with match_data) the same value.
 */
static void test_software_path(Fixture *f, gconstpointer data)
{
    qmem_memory_region_add_subregion(f->root, 0x4000, f->door);
    qmem_memory_region_add_eventfd(f->door, 0x10, 4, TRUE, 0x1234, &f->e[1]);
    qmem_memory_region_add_eventfd(f->door, 0x20, 2, FALSE, 0, &f->e[2]);
    g_string_truncate(f->events, 0);

    rw(f, 0x4010, 0x1234, 4, TRUE);
    ASSERT_LOG(f->ops, "");
    g_assert_true(qmem_event_notifier_test_and_clear(&f->e[1]));
    g_assert_false(qmem_event_notifier_test_and_clear(&f->e[1]));

    rw(f, 0x4010, 0x1235, 4, TRUE);
    rw(f, 0x4010, 0x1234, 2, TRUE);
    rw(f, 0x4014, 0x1234, 4, TRUE);
    rw(f, 0x4010, 0, 4, FALSE);
    ASSERT_LOG(f->ops, "w 0x10+4=0x1235;w 0x10+2=0x1234;w 0x14+4=0x1234;"
                       "r 0x10+4;");
    g_assert_false(qmem_event_notifier_test_and_clear(&f->e[1]));

    /* Without match_data any value does; twice is set once. */
    rw(f, 0x4020, 0xffff, 2, TRUE);
    rw(f, 0x4020, 0, 2, TRUE);
    ASSERT_LOG(f->ops, "");
    g_assert_true(qmem_event_notifier_test_and_clear(&f->e[2]));
    g_assert_false(qmem_event_notifier_test_and_clear(&f->e[2]));

    /* Deleted, the writes reach the device again. */
    qmem_memory_region_del_eventfd(f->door, 0x20, 2, FALSE, 0, &f->e[2]);
    rw(f, 0x4020, 7, 2, TRUE);
    ASSERT_LOG(f->ops, "w 0x20+2=0x7;");
    qmem_memory_region_del_eventfd(f->door, 0x10, 4, TRUE, 0x1234, &f->e[1]);
    qmem_memory_region_del_subregion(f->root, f->door);
}

/* An accelerator that signals ioeventfds itself, as KVM does. */
typedef QmemAccel TestEventfdAccel;
typedef QmemAccelClass TestEventfdAccelClass;

G_DEFINE_TYPE(TestEventfdAccel, test_eventfd_accel, QMEM_TYPE_ACCEL)

static gboolean test_eventfd_accel_enabled(QmemAccel *accel)
{
    return TRUE;
}

static void test_eventfd_accel_class_init(TestEventfdAccelClass *klass)
{
    klass->ioeventfds_enabled = test_eventfd_accel_enabled;
}

static void test_eventfd_accel_init(TestEventfdAccel *accel)
{
}

/* There the writes that reach the region are not the eventfds' business. */
static void test_accel_path(Fixture *f, gconstpointer data)
{
    g_autoptr(QmemAccel) accel = g_object_new(test_eventfd_accel_get_type(),
                                              NULL);

    g_assert_false(qmem_accel_ioeventfds_enabled(NULL));
    g_assert_true(qmem_accel_ioeventfds_enabled(accel));
    qmem_memory_region_add_subregion(f->root, 0x4000, f->door);
    qmem_memory_region_add_eventfd(f->door, 0x10, 4, TRUE, 0x1234, &f->e[1]);
    qmem_accel_set_current(accel);
    rw(f, 0x4010, 0x1234, 4, TRUE);
    qmem_accel_set_current(NULL);
    ASSERT_LOG(f->ops, "w 0x10+4=0x1234;");
    g_assert_false(qmem_event_notifier_test_and_clear(&f->e[1]));
    qmem_memory_region_del_eventfd(f->door, 0x10, 4, TRUE, 0x1234, &f->e[1]);
    qmem_memory_region_del_subregion(f->root, f->door);
}

static guint handled;

static void handler(QmemEventNotifier *e)
{
    /* The main loop runs it under the BQL. */
    g_assert_true(qmem_bql_locked());
    if (qmem_event_notifier_test_and_clear(e)) {
        handled++;
    }
}

static void test_notifier(Fixture *f, gconstpointer data)
{
    QmemEventNotifier e;

    g_assert_cmpint(qmem_event_notifier_init(&e, TRUE), ==, 0);
    g_assert_cmpint(qmem_event_notifier_get_fd(&e), >=, 0);
    g_assert_true(qmem_event_notifier_test_and_clear(&e));
    g_assert_false(qmem_event_notifier_test_and_clear(&e));

    /* The handler runs from the main loop while the notifier is set. */
    handled = 0;
    qmem_event_notifier_set_handler(&e, handler);
    while (g_main_context_iteration(NULL, FALSE)) {
    }
    g_assert_cmpuint(handled, ==, 0);
    g_assert_cmpint(qmem_event_notifier_set(&e), ==, 0);
    g_assert_cmpint(qmem_event_notifier_set(&e), ==, 0);
    while (g_main_context_iteration(NULL, FALSE)) {
    }
    g_assert_cmpuint(handled, ==, 1);

    /* Without a handler the notifier stays set. */
    qmem_event_notifier_set_handler(&e, NULL);
    qmem_event_notifier_set(&e);
    while (g_main_context_iteration(NULL, FALSE)) {
    }
    g_assert_cmpuint(handled, ==, 1);
    g_assert_true(qmem_event_notifier_test_and_clear(&e));
    qmem_event_notifier_set_handler(&e, handler);
    qmem_event_notifier_cleanup(&e);
    qmem_event_notifier_cleanup(&e);
    while (g_main_context_iteration(NULL, FALSE)) {
    }
    g_assert_cmpuint(handled, ==, 1);
}

#define ADD(path, fn) \
    g_test_add(path, Fixture, NULL, fixture_setup, fn, fixture_teardown)

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    /* As qmem-run: the main loop's dispatches run under the BQL. */
    qmem_main_loop_init();
    ADD("/memory/eventfd/listener", test_listener);
    ADD("/memory/eventfd/software-path", test_software_path);
    ADD("/memory/eventfd/accel-path", test_accel_path);
    ADD("/memory/eventfd/notifier", test_notifier);
    return g_test_run();
}
