/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What qdev.c and bus.c share: a bus's list of its devices. */

#ifndef QMEM_HW_CORE_QDEV_INTERNAL_H
#define QMEM_HW_CORE_QDEV_INTERNAL_H

#include "hw/core/bus.h"
#include "hw/core/qdev.h"

/* Puts @dev at the head of @bus's list (QEMU's bus_add_child()). */
void qmem_bus_add_child(QmemBus *bus, QmemDevice *dev);

/* Takes @dev off @bus's list, where it must be. */
void qmem_bus_remove_child(QmemBus *bus, QmemDevice *dev);

#endif
