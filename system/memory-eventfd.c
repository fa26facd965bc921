/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ioeventfds: sorted lists, the software path, telling listeners. */

#include "system/memory-internal.h"

static void ioeventfd_clear(gpointer p)
{
    QmemIoeventfd *fd = p;

    g_clear_object(&fd->mr);
}

GArray *qmem_ioeventfd_list_new(void)
{
    GArray *list = g_array_new(FALSE, FALSE, sizeof(QmemIoeventfd));

    g_array_set_clear_func(list, ioeventfd_clear);
    return list;
}

/*
 * QEMU's address_space_update_ioeventfds(): every ioeventfd of a region
 * the view shows, at its guest-physical address, where it falls inside
 * the section (its start in the section, or the section's start in it).
 */
GArray *qmem_ioeventfd_list_from_view(GArray *view)
{
    GArray *list = qmem_ioeventfd_list_new();

    for (guint i = 0; i < view->len; i++) {
        QmemMemorySection *s = &g_array_index(view, QmemMemorySection, i);
        GArray *fds = qmem_memory_region_ioeventfd_list(s->mr, FALSE);

        for (guint j = 0; fds && j < fds->len; j++) {
            QmemIoeventfd fd = g_array_index(fds, QmemIoeventfd, j);
            guint64 start = s->offset_within_region;

            if ((fd.addr < start || fd.addr - start >= s->size) &&
                (start < fd.addr || start - fd.addr >= fd.size)) {
                continue;
            }
            fd.mr = s->mr;
            fd.offset = fd.addr;
            fd.addr = s->offset_within_address_space + (fd.addr - start);
            qmem_ioeventfd_list_insert(list, &fd);
        }
    }
    return list;
}

#define CMP(a, b) ((a) < (b) ? -1 : (a) > (b))

int qmem_ioeventfd_compare(const QmemIoeventfd *a, const QmemIoeventfd *b)
{
    if (a->addr != b->addr) {
        return CMP(a->addr, b->addr);
    }
    if (a->size != b->size) {
        return CMP(a->size, b->size);
    }
    if (a->match_data != b->match_data) {
        return CMP(!!a->match_data, !!b->match_data);
    }
    if (a->match_data && a->data != b->data) {
        return CMP(a->data, b->data);
    }
    return CMP((guintptr)a->e, (guintptr)b->e);
}

void qmem_ioeventfd_list_insert(GArray *list, const QmemIoeventfd *fd)
{
    QmemIoeventfd copy = *fd;
    guint i;

    for (i = 0; i < list->len; i++) {
        if (qmem_ioeventfd_compare(fd, &g_array_index(list, QmemIoeventfd,
                                                      i)) < 0) {
            break;
        }
    }
    if (copy.mr) {
        g_object_ref(copy.mr);
    }
    g_array_insert_val(list, i, copy);
}

gboolean qmem_ioeventfd_list_remove(GArray *list, const QmemIoeventfd *fd)
{
    for (guint i = 0; i < list->len; i++) {
        if (!qmem_ioeventfd_compare(fd, &g_array_index(list, QmemIoeventfd,
                                                       i))) {
            g_array_remove_index(list, i);
            return TRUE;
        }
    }
    return FALSE;
}

gboolean qmem_ioeventfd_list_dispatch(GArray *list, guint64 addr, guint size,
                                      guint64 value)
{
    for (guint i = 0; list && i < list->len; i++) {
        QmemIoeventfd *fd = &g_array_index(list, QmemIoeventfd, i);

        if (fd->addr == addr && fd->size == size &&
            (!fd->match_data || fd->data == value)) {
            qmem_event_notifier_set(fd->e);
            return TRUE;
        }
    }
    return FALSE;
}

void qmem_ioeventfd_notify(QmemMemoryListener *listener,
                           const QmemIoeventfd *fd, gboolean add)
{
    QmemMemorySection section = {
        .mr = fd->mr,
        .offset_within_region = fd->offset,
        .offset_within_address_space = fd->addr,
        .size = fd->size,
    };

    if (add && listener->eventfd_add) {
        listener->eventfd_add(listener, &section, fd->match_data, fd->data,
                              fd->e);
    } else if (!add && listener->eventfd_del) {
        listener->eventfd_del(listener, &section, fd->match_data, fd->data,
                              fd->e);
    }
}

static void notify_all(GPtrArray *listeners, const QmemIoeventfd *fd,
                       gboolean add)
{
    if (add) {
        for (guint i = 0; i < listeners->len; i++) {
            qmem_ioeventfd_notify(g_ptr_array_index(listeners, i), fd, TRUE);
        }
    } else {
        for (guint i = listeners->len; i-- > 0;) {
            qmem_ioeventfd_notify(g_ptr_array_index(listeners, i), fd, FALSE);
        }
    }
}

/* One merge walk over both sorted lists: what went away, or what came. */
static void update_pass(GPtrArray *listeners, GArray *old, GArray *new,
                        gboolean adding)
{
    guint iold = 0, inew = 0;

    while (iold < old->len || inew < new->len) {
        QmemIoeventfd *o = iold < old->len ?
            &g_array_index(old, QmemIoeventfd, iold) : NULL;
        QmemIoeventfd *n = inew < new->len ?
            &g_array_index(new, QmemIoeventfd, inew) : NULL;
        int cmp = !o ? 1 : !n ? -1 : qmem_ioeventfd_compare(o, n);

        /* The same fd at the same place, but of another region: moved. */
        if (!cmp && o->mr != n->mr) {
            notify_all(listeners, adding ? n : o, adding);
        } else if (cmp < 0 && !adding) {
            notify_all(listeners, o, FALSE);
        } else if (cmp > 0 && adding) {
            notify_all(listeners, n, TRUE);
        }
        iold += cmp <= 0;
        inew += cmp >= 0;
    }
}

void qmem_ioeventfd_lists_update(GPtrArray *listeners, GArray *old,
                                 GArray *new)
{
    update_pass(listeners, old, new, FALSE);
    update_pass(listeners, old, new, TRUE);
}

void qmem_memory_region_add_eventfd(QmemMemoryRegion *mr, guint64 addr,
                                    guint size, gboolean match_data,
                                    guint64 data, QmemEventNotifier *e)
{
    QmemIoeventfd fd = {
        .addr = addr,
        .size = size,
        .match_data = match_data,
        .data = match_data ? data : 0,
        .e = e,
    };

    g_return_if_fail(QMEM_IS_MEMORY_REGION(mr));
    g_return_if_fail(size <= 8 && !(size & (size - 1)));
    g_return_if_fail(e != NULL);

    qmem_memory_region_transaction_begin();
    qmem_ioeventfd_list_insert(qmem_memory_region_ioeventfd_list(mr, TRUE),
                               &fd);
    qmem_memory_ioeventfds_changed();
    qmem_memory_region_transaction_commit();
}

void qmem_memory_region_del_eventfd(QmemMemoryRegion *mr, guint64 addr,
                                    guint size, gboolean match_data,
                                    guint64 data, QmemEventNotifier *e)
{
    QmemIoeventfd fd = {
        .addr = addr,
        .size = size,
        .match_data = match_data,
        .data = match_data ? data : 0,
        .e = e,
    };
    GArray *list;

    g_return_if_fail(QMEM_IS_MEMORY_REGION(mr));
    list = qmem_memory_region_ioeventfd_list(mr, FALSE);
    g_return_if_fail(list && qmem_ioeventfd_list_remove(list, &fd));

    qmem_memory_region_transaction_begin();
    qmem_memory_ioeventfds_changed();
    qmem_memory_region_transaction_commit();
}
