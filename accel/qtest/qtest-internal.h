/* SPDX-License-Identifier: GPL-2.0-or-later */
/* qmem's own qtest commands beyond QEMU's (accel/qtest/ only). */

#ifndef QMEM_ACCEL_QTEST_QTEST_INTERNAL_H
#define QMEM_ACCEL_QTEST_QTEST_INTERNAL_H

#include <string.h>
#include "accel/qtest/qtest.h"

/*
 * virtio-mem-request QOM_PATH plug|unplug|unplug-all|state ADDR NB_BLOCKS:
 * answers "OK ack|nack|busy|error", with " plugged|unplugged|mixed" after
 * an ACKed state request (ADDR and NB_BLOCKS may be left out for
 * unplug-all); qtest-virtio-mem.c.
 */
void qmem_qtest_virtio_mem_request(QmemQtestServer *server, char **argv,
                                   GString *reply);

#endif
