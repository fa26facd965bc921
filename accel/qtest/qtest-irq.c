/* SPDX-License-Identifier: GPL-2.0-or-later */
/* qtest's IRQ commands: irq_intercept_in/out and set_irq_in. */

#include <inttypes.h>

#include "accel/qtest/qtest-internal.h"
#include "hw/core/qdev.h"
#include "util/cutils.h"

/*
 * QEMU keeps the last level of each line number (one table for every
 * intercepted list, in and out) and tells the client of changes only.
 */
static void qtest_irq_handler(gpointer opaque, int n, int level)
{
    QmemQtestServer *server = opaque;
    QtestIrqState *st = qmem_qtest_server_get_irq_state(server);
    g_autofree char *line = NULL;

    if (n < 0) {
        return;
    }
    if ((guint)n >= st->levels->len) {
        g_array_set_size(st->levels, n + 1);
    }
    if (g_array_index(st->levels, int, n) == level) {
        return;
    }
    g_array_index(st->levels, int, n) = level;
    line = g_strdup_printf("IRQ %s %d\n", level ? "raise" : "lower", n);
    qmem_qtest_server_send_async(server, line);
}

/* QEMU's object_resolve_path() then DEVICE(), which cannot fail here. */
static QmemDevice *resolve_device(const char *path)
{
    QmemObject *obj = qmem_object_resolve_path(path, G_TYPE_NONE, NULL);

    return obj && QMEM_IS_DEVICE(obj) ? QMEM_DEVICE(obj) : NULL;
}

void qmem_qtest_irq_intercept(QmemQtestServer *server, char **argv,
                              gboolean out, GString *reply)
{
    QtestIrqState *st = qmem_qtest_server_get_irq_state(server);
    const char *name = argv[2];
    QmemDevice *dev = resolve_device(argv[1]);
    gboolean ok;

    if (!dev) {
        g_string_append(reply, "FAIL Unknown device");
        return;
    }
    if (name && !out) {
        g_string_append(reply,
                        "FAIL Interception of named in-GPIOs not yet "
                        "supported");
        return;
    }
    /* One device per server, for good; asking again for it is fine. */
    if (st->dev) {
        g_string_append(reply, st->dev == dev ? "OK" :
                        "FAIL IRQ intercept already enabled");
        return;
    }
    if (out) {
        ok = qmem_device_intercept_gpio_out(dev, name, qtest_irq_handler,
                                            server);
    } else {
        ok = qmem_device_intercept_gpio_in(dev, qtest_irq_handler, server);
    }
    if (!ok) {
        g_string_append(reply, "FAIL No intercepts installed");
        return;
    }
    st->dev = dev;
    g_object_add_weak_pointer(G_OBJECT(dev), (gpointer *)&st->dev);
    g_string_append(reply, "OK");
}

static gboolean get_int(const char *word, const char *what, int *value,
                        GString *reply)
{
    gint64 v;

    if (qmem_strtoi64(word, 0, &v) < 0 || v < G_MININT || v > G_MAXINT) {
        g_string_append_printf(reply, "FAIL invalid %s '%s'", what, word);
        return FALSE;
    }
    *value = v;
    return TRUE;
}

void qmem_qtest_set_irq_in(QmemQtestServer *server, char **argv,
                           GString *reply)
{
    QmemDevice *dev = resolve_device(argv[1]);
    const char *name = argv[2];
    QmemIrq irq;
    int num, level;

    if (!dev) {
        g_string_append(reply, "FAIL Unknown device");
        return;
    }
    if (!get_int(argv[3], "number", &num, reply) ||
        !get_int(argv[4], "level", &level, reply)) {
        return;
    }
    irq = qmem_device_find_gpio_in(dev,
                                   strcmp(name, "unnamed-gpio-in") ? name
                                                                   : NULL,
                                   num);
    /* QEMU asserts here. */
    if (!irq) {
        g_string_append_printf(reply, "FAIL no input line %d in '%s'", num,
                               name);
        return;
    }
    qmem_irq_set(irq, level);
    g_string_append(reply, "OK");
}

void qmem_qtest_irq_reset_levels(QtestIrqState *st)
{
    g_array_set_size(st->levels, 0);
}

void qmem_qtest_irq_cleanup(QtestIrqState *st)
{
    if (st->dev) {
        qmem_device_clear_gpio_intercepts(st->dev);
        g_object_remove_weak_pointer(G_OBJECT(st->dev), (gpointer *)&st->dev);
        st->dev = NULL;
    }
    g_array_set_size(st->levels, 0);
}
