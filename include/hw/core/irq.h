/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Interrupt lines between devices, as QEMU's qemu_irq. */

#ifndef QMEM_HW_CORE_IRQ_H
#define QMEM_HW_CORE_IRQ_H

#include <glib.h>

G_BEGIN_DECLS

/**
 * QmemIrqHandler:
 * @opaque: what the line was made with
 * @n: the line's number at its receiver
 * @level: the new level (0 low, 1 high; a pulse is 1 then 0)
 *
 * Runs under the BQL, at every qmem_irq_set(), changed level or not:
 * receivers that count edges keep the level themselves.
 */
typedef void (*QmemIrqHandler)(gpointer opaque, int n, int level);

/*
 * An input line of a receiver (an interrupt controller, a device's GPIO
 * input).  Senders hold it and set its level; %NULL is a line that goes
 * nowhere, which is valid to set.
 */
typedef struct QmemIrqState *QmemIrq;

/**
 * qmem_irq_new:
 * Returns: (transfer full): input line @n of the receiver @opaque.
 */
QmemIrq qmem_irq_new(QmemIrqHandler handler, gpointer opaque, int n);

/**
 * qmem_irqs_new:
 * Returns: (transfer full): @n lines numbered 0..@n-1, for
 *   qmem_irqs_free().
 */
QmemIrq *qmem_irqs_new(QmemIrqHandler handler, gpointer opaque, int n);

void qmem_irq_free(QmemIrq irq);
void qmem_irqs_free(QmemIrq *irqs, int n);

/* Sets @irq's level: its handler runs at once, in the caller's thread. */
void qmem_irq_set(QmemIrq irq, int level);

static inline void qmem_irq_raise(QmemIrq irq)
{
    qmem_irq_set(irq, 1);
}

static inline void qmem_irq_lower(QmemIrq irq)
{
    qmem_irq_set(irq, 0);
}

static inline void qmem_irq_pulse(QmemIrq irq)
{
    qmem_irq_set(irq, 1);
    qmem_irq_set(irq, 0);
}

/**
 * qmem_irq_intercept:
 * @handler: (nullable): the observer; %NULL removes the one there is
 * @opaque: passed to @handler
 *
 * Makes every qmem_irq_set() of @irq call @handler too (with @opaque and
 * the line's own number), after the line's receiver has seen the level:
 * what QEMU's qemu_irq_intercept_in() and qtest's handler, which passes
 * the level on to the original receiver, do together (qtest's
 * irq_intercept_in).  A line has one observer; setting another replaces
 * it.
 */
void qmem_irq_intercept(QmemIrq irq, QmemIrqHandler handler,
                        gpointer opaque);

G_END_DECLS

#endif
