/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Interrupt lines between devices. */

#include "hw/core/irq.h"

struct QmemIrqState {
    QmemIrqHandler handler;
    gpointer opaque;
    int n;
    QmemIrqHandler observer;    /* qtest's, after the receiver */
    gpointer observer_opaque;
};

QmemIrq qmem_irq_new(QmemIrqHandler handler, gpointer opaque, int n)
{
    QmemIrq irq;

    g_return_val_if_fail(handler != NULL, NULL);
    irq = g_new0(struct QmemIrqState, 1);
    irq->handler = handler;
    irq->opaque = opaque;
    irq->n = n;
    return irq;
}

QmemIrq *qmem_irqs_new(QmemIrqHandler handler, gpointer opaque, int n)
{
    QmemIrq *irqs = g_new(QmemIrq, n);

    for (int i = 0; i < n; i++) {
        irqs[i] = qmem_irq_new(handler, opaque, i);
    }
    return irqs;
}

void qmem_irq_free(QmemIrq irq)
{
    g_free(irq);
}

void qmem_irqs_free(QmemIrq *irqs, int n)
{
    if (!irqs) {
        return;
    }
    for (int i = 0; i < n; i++) {
        qmem_irq_free(irqs[i]);
    }
    g_free(irqs);
}

void qmem_irq_set(QmemIrq irq, int level)
{
    if (irq) {
        irq->handler(irq->opaque, irq->n, level);
        if (irq->observer) {
            irq->observer(irq->observer_opaque, irq->n, level);
        }
    }
}

void qmem_irq_intercept(QmemIrq irq, QmemIrqHandler handler,
                        gpointer opaque)
{
    g_return_if_fail(irq != NULL);
    irq->observer = handler;
    irq->observer_opaque = handler ? opaque : NULL;
}
