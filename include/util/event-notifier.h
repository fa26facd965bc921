/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Event notifiers: an eventfd one side sets and the other waits on. */

#ifndef QMEM_UTIL_EVENT_NOTIFIER_H
#define QMEM_UTIL_EVENT_NOTIFIER_H

#include <glib.h>

G_BEGIN_DECLS

typedef struct QmemEventNotifier QmemEventNotifier;

/**
 * QmemEventNotifierHandler:
 * @e: the notifier that became set
 *
 * Runs on the main loop, under the BQL, while @e is set: it clears it
 * (qmem_event_notifier_test_and_clear()) before it does its work.
 */
typedef void (*QmemEventNotifierHandler)(QmemEventNotifier *e);

/**
 * QmemEventNotifier:
 *
 * QEMU's EventNotifier: one eventfd(2), a counter that
 * qmem_event_notifier_set() raises (from any thread, or from KVM, which
 * is given its fd as an ioeventfd or irqfd) and
 * qmem_event_notifier_test_and_clear() reads and resets.  Embedded in its
 * user's struct; the fields are private.
 */
struct QmemEventNotifier {
    /*< private >*/
    int fd;
    gboolean initialized;
    guint source_id;
    QmemEventNotifierHandler handler;
};

/**
 * qmem_event_notifier_init:
 * @active: whether it starts set
 *
 * Returns: 0, or a negative errno when no eventfd could be made.
 */
int qmem_event_notifier_init(QmemEventNotifier *e, gboolean active);

/* Removes the handler and closes the fd; a no-op on a cleaned-up one. */
void qmem_event_notifier_cleanup(QmemEventNotifier *e);

/* Returns: the eventfd, for KVM_IOEVENTFD or a poll. */
int qmem_event_notifier_get_fd(const QmemEventNotifier *e);

/* Returns: 0, or a negative errno. */
int qmem_event_notifier_set(QmemEventNotifier *e);

/**
 * qmem_event_notifier_test_and_clear:
 *
 * Returns: whether @e was set (once or more) since it was last cleared.
 */
gboolean qmem_event_notifier_test_and_clear(QmemEventNotifier *e);

/**
 * qmem_event_notifier_set_handler:
 * @handler: (nullable): what runs when @e is set; %NULL removes it
 *
 * QEMU's event_notifier_set_handler(): watches @e's fd from the default
 * main context, whose dispatches run under the BQL in a program that
 * called qmem_main_loop_init().  Call on the main thread.
 */
void qmem_event_notifier_set_handler(QmemEventNotifier *e,
                                     QmemEventNotifierHandler handler);

G_END_DECLS

#endif
