/* SPDX-License-Identifier: GPL-2.0-or-later */
/* qmem's own qtest commands beyond QEMU's (accel/qtest/ only). */

#ifndef QMEM_ACCEL_QTEST_QTEST_INTERNAL_H
#define QMEM_ACCEL_QTEST_QTEST_INTERNAL_H

#include <string.h>
#include "accel/qtest/qtest.h"
#include "hw/core/qdev.h"

/* What a server keeps for irq_intercept_in/out (qtest-irq.c). */
typedef struct {
    QmemDevice *dev;            /* the intercepted device (weak), or NULL */
    GArray *levels;             /* int: the last level of each line number */
} QtestIrqState;

QtestIrqState *qmem_qtest_server_get_irq_state(QmemQtestServer *server);

/*
 * Sends @text (whole lines) to every client of @server now, logged as a
 * reply: QEMU's asynchronous "IRQ raise N" lines, which go out before
 * the reply of a command that caused them.
 */
void qmem_qtest_server_send_async(QmemQtestServer *server, const char *text);

/* Logs @text (whole lines) as sent, when a client is connected. */
void qmem_qtest_server_log_send(QmemQtestServer *server, const char *text);

/* irq_intercept_in QOM_PATH, irq_intercept_out QOM_PATH [NAME]. */
void qmem_qtest_irq_intercept(QmemQtestServer *server, char **argv,
                              gboolean out, GString *reply);

/* set_irq_in QOM_PATH NAME NUM LEVEL. */
void qmem_qtest_set_irq_in(QmemQtestServer *server, char **argv,
                           GString *reply);

/* Forgets the levels (a client connected), or everything (server gone). */
void qmem_qtest_irq_reset_levels(QtestIrqState *st);
void qmem_qtest_irq_cleanup(QtestIrqState *st);

/*
 * virtio-mem-request QOM_PATH plug|unplug|unplug-all|state ADDR NB_BLOCKS:
 * answers "OK ack|nack|busy|error", with " plugged|unplugged|mixed" after
 * an ACKed state request (ADDR and NB_BLOCKS may be left out for
 * unplug-all); qtest-virtio-mem.c.
 */
void qmem_qtest_virtio_mem_request(QmemQtestServer *server, char **argv,
                                   GString *reply);

#endif
