/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A device with GPIO lines for qtest's IRQ interception tests. */

/*
 * "test-gpio" has the four kinds of line QEMU's qtest deals with: four
 * unnamed input lines and four unnamed output pins, two input lines
 * "test-in" and two pins "test-out".  An input line passes its level on
 * to the pin of the same number of the matching output list (unnamed to
 * unnamed, "test-in" to "test-out"), so that set_irq_in reaches both an
 * intercepted input and an intercepted output.  The qtest command
 *
 *   test-gpio-set QOM_PATH LIST NUM LEVEL
 *
 * sets output pin NUM of LIST ("unnamed-gpio-out" or "test-out") without
 * any input, as a device raising its interrupt would; it answers "OK".
 * tests/qtest/test-qtest-irq.c and test-libqtest-compat.py drive it.
 */

#include <string.h>
#include <gmodule.h>
#include "accel/qtest/qtest.h"
#include "hw/core/qdev.h"
#include "util/cutils.h"

#define TEST_GPIO_UNNAMED 4
#define TEST_GPIO_NAMED 2
#define TEST_GPIO_IN_NAME "test-in"
#define TEST_GPIO_OUT_NAME "test-out"

typedef struct {
    QmemDevice parent_instance;

    QmemIrq out[TEST_GPIO_UNNAMED];
    QmemIrq named_out[TEST_GPIO_NAMED];
} TestGpio;

typedef struct {
    QmemDeviceClass parent_class;
} TestGpioClass;

G_DEFINE_DYNAMIC_TYPE(TestGpio, test_gpio, QMEM_TYPE_DEVICE)

#define TEST_GPIO(obj) \
    (G_TYPE_CHECK_INSTANCE_CAST((obj), test_gpio_type_id, TestGpio))

static void test_gpio_in(gpointer opaque, int n, int level)
{
    qmem_irq_set(TEST_GPIO(opaque)->out[n], level);
}

static void test_gpio_named_in(gpointer opaque, int n, int level)
{
    qmem_irq_set(TEST_GPIO(opaque)->named_out[n], level);
}

static gboolean test_gpio_realize(QmemDevice *dev, GError **error)
{
    return TRUE;
}

/* test-gpio-set QOM_PATH LIST NUM LEVEL */
static void test_gpio_set(QmemQtestServer *server, char **argv,
                          GString *reply)
{
    QmemObject *obj;
    TestGpio *gpio;
    gint64 num, level;
    QmemIrq *pins;
    int n_pins;

    if (g_strv_length(argv) < 5) {
        g_string_append(reply, "FAIL missing argument");
        return;
    }
    obj = qmem_object_resolve_path(argv[1], test_gpio_type_id, NULL);
    if (!obj) {
        g_string_append(reply, "FAIL Unknown device");
        return;
    }
    gpio = TEST_GPIO(obj);
    if (!strcmp(argv[2], TEST_GPIO_OUT_NAME)) {
        pins = gpio->named_out;
        n_pins = TEST_GPIO_NAMED;
    } else if (!strcmp(argv[2], "unnamed-gpio-out")) {
        pins = gpio->out;
        n_pins = TEST_GPIO_UNNAMED;
    } else {
        g_string_append_printf(reply, "FAIL no output list '%s'", argv[2]);
        return;
    }
    if (qmem_strtoi64(argv[3], 0, &num) < 0 || num < 0 || num >= n_pins ||
        qmem_strtoi64(argv[4], 0, &level) < 0 || level < G_MININT ||
        level > G_MAXINT) {
        g_string_append(reply, "FAIL invalid argument");
        return;
    }
    qmem_irq_set(pins[num], level);
    g_string_append(reply, "OK");
}

static void test_gpio_class_init(TestGpioClass *klass)
{
    QmemDeviceClass *dc = QMEM_DEVICE_CLASS(klass);

    dc->realize = test_gpio_realize;
    dc->desc = "GPIO lines for qtest's IRQ tests";
}

static void test_gpio_class_finalize(TestGpioClass *klass)
{
}

static void test_gpio_init(TestGpio *gpio)
{
    QmemDevice *dev = QMEM_DEVICE(gpio);

    qmem_device_init_gpio_in_named(dev, test_gpio_in, NULL,
                                   TEST_GPIO_UNNAMED);
    qmem_device_init_gpio_in_named(dev, test_gpio_named_in,
                                   TEST_GPIO_IN_NAME, TEST_GPIO_NAMED);
    qmem_device_init_gpio_out_named(dev, gpio->out, NULL, TEST_GPIO_UNNAMED);
    qmem_device_init_gpio_out_named(dev, gpio->named_out, TEST_GPIO_OUT_NAME,
                                    TEST_GPIO_NAMED);
}

G_MODULE_EXPORT void qmem_module_test_gpio_register(GTypeModule *module)
{
    static gboolean command_added;

    g_type_ensure(QMEM_TYPE_DEVICE);
    test_gpio_register_type(module);
    qmem_type_register_name("test-gpio", test_gpio_type_id);
    /* The command table is the process's; the module may load again. */
    if (!command_added) {
        qmem_qtest_register_command("test-gpio-set", test_gpio_set);
        command_added = TRUE;
    }
}
