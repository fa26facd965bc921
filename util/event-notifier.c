/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Event notifiers on eventfd(2), and their handlers on the main loop. */

#include <errno.h>
#include <stdint.h>
#include <sys/eventfd.h>
#include <unistd.h>
#include <glib-unix.h>

#include "util/event-notifier.h"

int qmem_event_notifier_init(QmemEventNotifier *e, gboolean active)
{
    int fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);

    if (fd < 0) {
        return -errno;
    }
    *e = (QmemEventNotifier) { .fd = fd, .initialized = TRUE };
    if (active) {
        qmem_event_notifier_set(e);
    }
    return 0;
}

void qmem_event_notifier_cleanup(QmemEventNotifier *e)
{
    if (!e->initialized) {
        return;
    }
    qmem_event_notifier_set_handler(e, NULL);
    close(e->fd);
    e->fd = -1;
    e->initialized = FALSE;
}

int qmem_event_notifier_get_fd(const QmemEventNotifier *e)
{
    return e->fd;
}

int qmem_event_notifier_set(QmemEventNotifier *e)
{
    static const uint64_t value = 1;
    ssize_t ret;

    do {
        ret = write(e->fd, &value, sizeof(value));
    } while (ret < 0 && errno == EINTR);
    /* EAGAIN: the counter is at its maximum, which is set enough. */
    if (ret < 0 && errno != EAGAIN) {
        return -errno;
    }
    return 0;
}

gboolean qmem_event_notifier_test_and_clear(QmemEventNotifier *e)
{
    uint64_t value;
    ssize_t ret;

    do {
        ret = read(e->fd, &value, sizeof(value));
    } while (ret < 0 && errno == EINTR);
    return ret == sizeof(value) && value;
}

static gboolean event_notifier_dispatch(gint fd, GIOCondition condition,
                                        gpointer opaque)
{
    QmemEventNotifier *e = opaque;

    e->handler(e);
    return G_SOURCE_CONTINUE;
}

void qmem_event_notifier_set_handler(QmemEventNotifier *e,
                                     QmemEventNotifierHandler handler)
{
    g_return_if_fail(e->initialized);

    if (e->source_id) {
        g_source_remove(e->source_id);
        e->source_id = 0;
    }
    e->handler = handler;
    if (handler) {
        e->source_id = g_unix_fd_add(e->fd, G_IO_IN, event_notifier_dispatch,
                                     e);
    }
}
