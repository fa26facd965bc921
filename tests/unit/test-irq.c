/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Tests for interrupt lines and device GPIO interception (hw/core). */

#include "hw/core/irq.h"
#include "hw/core/qdev.h"

/* Every level a handler saw, as "who:n=level" words. */
static GString *seen;

static void record(const char *who, int n, int level)
{
    g_string_append_printf(seen, "%s%s:%d=%d", seen->len ? " " : "", who, n,
                           level);
}

static void receiver(gpointer opaque, int n, int level)
{
    record(opaque, n, level);
}

static void observer(gpointer opaque, int n, int level)
{
    record("obs", n, level);
}

/* A device with GPIO lists chosen by the test. */
typedef struct {
    QmemDevice parent_instance;
    QmemIrq out[2];
} TestDev;

typedef struct {
    QmemDeviceClass parent_class;
} TestDevClass;

G_DEFINE_TYPE(TestDev, test_dev, QMEM_TYPE_DEVICE)

static void test_dev_class_init(TestDevClass *klass)
{
}

static void test_dev_init(TestDev *dev)
{
}

static void dev_in(gpointer opaque, int n, int level)
{
    record("dev", n, level);
}

static void setup(void)
{
    seen = g_string_new(NULL);
}

static void teardown(void)
{
    g_string_free(seen, TRUE);
}

/* The observer sees the level after the receiver, as QEMU's qtest. */
static void test_observer(void)
{
    QmemIrq irq = qmem_irq_new(receiver, "rx", 3);

    setup();
    qmem_irq_intercept(irq, observer, NULL);
    qmem_irq_set(irq, 1);
    qmem_irq_pulse(irq);
    g_assert_cmpstr(seen->str, ==,
                    "rx:3=1 obs:3=1 rx:3=1 obs:3=1 rx:3=0 obs:3=0");
    g_string_truncate(seen, 0);
    qmem_irq_intercept(irq, NULL, NULL);
    qmem_irq_set(irq, 1);
    g_assert_cmpstr(seen->str, ==, "rx:3=1");
    qmem_irq_free(irq);
    teardown();
}

static void test_intercept_in(void)
{
    QmemDevice *dev = g_object_new(test_dev_get_type(), NULL);

    setup();
    qmem_device_init_gpio_in_named(dev, dev_in, NULL, 2);
    qmem_device_init_gpio_in_named(dev, dev_in, "named", 1);
    g_assert_true(qmem_device_intercept_gpio_in(dev, observer, NULL));
    qmem_irq_set(qmem_device_get_gpio_in(dev, 1), 1);
    qmem_irq_set(qmem_device_get_gpio_in_named(dev, "named", 0), 7);
    g_assert_cmpstr(seen->str, ==, "dev:1=1 obs:1=1 dev:0=7 obs:0=7");

    g_assert_null(qmem_device_find_gpio_in(dev, NULL, 2));
    g_assert_null(qmem_device_find_gpio_in(dev, NULL, -1));
    g_assert_null(qmem_device_find_gpio_in(dev, "nosuch", 0));
    g_assert_true(qmem_device_find_gpio_in(dev, "named", 0) ==
                  qmem_device_get_gpio_in_named(dev, "named", 0));

    g_string_truncate(seen, 0);
    qmem_device_clear_gpio_intercepts(dev);
    qmem_irq_set(qmem_device_get_gpio_in(dev, 0), 1);
    g_assert_cmpstr(seen->str, ==, "dev:0=1");
    g_object_unref(dev);
    teardown();
}

/* Out pins still reach what they were connected to. */
static void test_intercept_out(void)
{
    TestDev *t = g_object_new(test_dev_get_type(), NULL);
    QmemDevice *dev = QMEM_DEVICE(t);
    QmemIrq target = qmem_irq_new(receiver, "target", 5);
    QmemIrq other = qmem_irq_new(receiver, "other", 6);

    setup();
    qmem_device_init_gpio_out_named(dev, t->out, NULL, 2);
    qmem_device_connect_gpio_out_named(dev, NULL, 0, target);
    g_assert_true(qmem_device_intercept_gpio_out(dev, NULL, observer, NULL));
    qmem_irq_set(t->out[0], 1);
    qmem_irq_set(t->out[1], 1);         /* unconnected: the observer only */
    g_assert_cmpstr(seen->str, ==, "target:5=1 obs:0=1 obs:1=1");

    /* Cleared, the forwarders stay and pass levels on. */
    g_string_truncate(seen, 0);
    qmem_device_clear_gpio_intercepts(dev);
    qmem_irq_set(t->out[0], 0);
    g_assert_cmpstr(seen->str, ==, "target:5=0");

    /* Intercepting again reuses them; a pin a board reconnected is new. */
    g_string_truncate(seen, 0);
    qmem_device_connect_gpio_out_named(dev, NULL, 1, other);
    g_assert_true(qmem_device_intercept_gpio_out(dev, NULL, observer, NULL));
    qmem_irq_set(t->out[0], 1);
    qmem_irq_set(t->out[1], 2);
    g_assert_cmpstr(seen->str, ==, "target:5=1 obs:0=1 other:6=2 obs:1=2");

    g_object_unref(dev);
    qmem_irq_free(target);
    qmem_irq_free(other);
    teardown();
}

/* QEMU answers OK when the device has any list, FAIL when none. */
static void test_intercept_lists(void)
{
    TestDev *t = g_object_new(test_dev_get_type(), NULL);
    QmemDevice *dev = QMEM_DEVICE(t);

    g_assert_false(qmem_device_intercept_gpio_in(dev, observer, NULL));
    g_assert_false(qmem_device_intercept_gpio_out(dev, NULL, observer,
                                                  NULL));
    qmem_device_init_gpio_out_named(dev, t->out, "pins", 2);
    g_assert_true(qmem_device_intercept_gpio_in(dev, observer, NULL));
    g_assert_false(qmem_device_intercept_gpio_out(dev, NULL, observer,
                                                  NULL));
    g_assert_false(qmem_device_intercept_gpio_out(dev, "nosuch", observer,
                                                  NULL));
    g_assert_true(qmem_device_intercept_gpio_out(dev, "pins", observer,
                                                 NULL));
    g_object_unref(dev);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/hw/core/irq/observer", test_observer);
    g_test_add_func("/hw/core/qdev/gpio/intercept-in", test_intercept_in);
    g_test_add_func("/hw/core/qdev/gpio/intercept-out", test_intercept_out);
    g_test_add_func("/hw/core/qdev/gpio/intercept-lists",
                    test_intercept_lists);
    return g_test_run();
}
