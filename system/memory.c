/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Memory regions, transactions, flat views, address spaces, listeners. */

#include <string.h>

#include "system/memory-internal.h"

G_DEFINE_FINAL_TYPE(QmemMemoryRegion, qmem_memory_region, G_TYPE_OBJECT)

/* Every address space, in creation order (for commit and info mtree). */
static GPtrArray *address_spaces;
static guint transaction_depth;
/* Stamps subregions in the order they were added. */
static guint64 subregion_seq;
static gboolean update_pending;
static gboolean ioeventfd_update_pending;
/* Set while listeners run: they may not change the memory map. */
static gboolean updating;

static u128 size_from_u64(guint64 size)
{
    return size == G_MAXUINT64 ? SIZE_2_64 : size;
}

static void qmem_memory_region_finalize(GObject *obj)
{
    QmemMemoryRegion *mr = QMEM_MEMORY_REGION(obj);

    if (mr->subregions) {
        for (guint i = 0; i < mr->subregions->len; i++) {
            QmemMemoryRegion *sub = g_ptr_array_index(mr->subregions, i);

            sub->container = NULL;
            sub->addr = 0;
        }
        g_ptr_array_unref(mr->subregions);
        g_ptr_array_unref(mr->by_addr);
    }
    if (mr->alias) {
        g_ptr_array_remove_fast(mr->alias->aliased_by, mr);
        g_clear_object(&mr->alias);
    }
    /* Each alias holds a reference on us: none is left. */
    g_clear_pointer(&mr->aliased_by, g_ptr_array_unref);
    g_clear_pointer(&mr->ioeventfds, g_array_unref);
    g_free(mr->name);
    G_OBJECT_CLASS(qmem_memory_region_parent_class)->finalize(obj);
}

static void qmem_memory_region_class_init(QmemMemoryRegionClass *klass)
{
    G_OBJECT_CLASS(klass)->finalize = qmem_memory_region_finalize;
}

static void qmem_memory_region_init(QmemMemoryRegion *mr)
{
}

static QmemMemoryRegion *region_new(MrKind kind, const char *name, u128 size)
{
    QmemMemoryRegion *mr = g_object_new(QMEM_TYPE_MEMORY_REGION, NULL);

    mr->kind = kind;
    mr->name = g_strdup(name ? name : "");
    mr->size = size;
    return mr;
}

QmemMemoryRegion *qmem_memory_region_new_ram(const char *name,
                                             QmemRamBlock *block)
{
    QmemMemoryRegion *mr;

    g_return_val_if_fail(block != NULL, NULL);

    mr = region_new(MR_RAM, name, block->size);
    mr->ram_block = block;
    mr->readonly = !!(block->flags & QMEM_RAM_READONLY);
    return mr;
}

QmemMemoryRegion *qmem_memory_region_new_container(const char *name,
                                                   guint64 size)
{
    QmemMemoryRegion *mr = region_new(MR_CONTAINER, name,
                                      size_from_u64(size));

    mr->subregions = g_ptr_array_new_with_free_func(g_object_unref);
    mr->by_addr = g_ptr_array_new();
    return mr;
}

QmemMemoryRegion *qmem_memory_region_new_io(const char *name, guint64 size,
                                            const QmemMemoryRegionOps *ops,
                                            gpointer opaque)
{
    QmemMemoryRegion *mr;

    g_return_val_if_fail(ops != NULL, NULL);

    mr = qmem_memory_region_new_container(name, size);
    mr->ops = ops;
    mr->opaque = opaque;
    return mr;
}

QmemMemoryRegion *qmem_memory_region_new_alias(const char *name,
                                               QmemMemoryRegion *orig,
                                               guint64 offset, guint64 size)
{
    QmemMemoryRegion *mr;

    g_return_val_if_fail(QMEM_IS_MEMORY_REGION(orig), NULL);
    g_return_val_if_fail((u128)offset + size_from_u64(size) <= orig->size,
                         NULL);

    mr = region_new(MR_ALIAS, name, size_from_u64(size));
    mr->alias = g_object_ref(orig);
    mr->alias_offset = offset;
    if (!orig->aliased_by) {
        orig->aliased_by = g_ptr_array_new();
    }
    g_ptr_array_add(orig->aliased_by, mr);
    return mr;
}

const char *qmem_memory_region_get_name(QmemMemoryRegion *mr)
{
    g_return_val_if_fail(QMEM_IS_MEMORY_REGION(mr), NULL);
    return mr->name;
}

guint64 qmem_memory_region_size(QmemMemoryRegion *mr)
{
    g_return_val_if_fail(QMEM_IS_MEMORY_REGION(mr), 0);
    return mr->size == SIZE_2_64 ? G_MAXUINT64 : (guint64)mr->size;
}

QmemRamBlock *qmem_memory_region_get_ram_block(QmemMemoryRegion *mr)
{
    g_return_val_if_fail(QMEM_IS_MEMORY_REGION(mr), NULL);

    while (mr->kind == MR_ALIAS) {
        mr = mr->alias;
    }
    return mr->kind == MR_RAM ? mr->ram_block : NULL;
}

gboolean qmem_memory_region_is_ram(QmemMemoryRegion *mr)
{
    return qmem_memory_region_get_ram_block(mr) != NULL;
}

guint64 qmem_memory_region_get_alignment(QmemMemoryRegion *mr)
{
    g_return_val_if_fail(QMEM_IS_MEMORY_REGION(mr), 0);

    if (mr->align) {
        return mr->align;
    }
    return mr->kind == MR_RAM ? mr->ram_block->align : 0;
}

void qmem_memory_region_set_alignment(QmemMemoryRegion *mr, guint64 align)
{
    g_return_if_fail(QMEM_IS_MEMORY_REGION(mr));
    mr->align = align;
}

void qmem_memory_region_set_unmergeable(QmemMemoryRegion *mr,
                                        gboolean unmergeable)
{
    g_return_if_fail(QMEM_IS_MEMORY_REGION(mr));
    mr->unmergeable = unmergeable;
}

gboolean qmem_memory_region_is_mapped(QmemMemoryRegion *mr)
{
    g_return_val_if_fail(QMEM_IS_MEMORY_REGION(mr), FALSE);
    return mr->container != NULL;
}

guint64 qmem_memory_region_get_offset(QmemMemoryRegion *mr)
{
    g_return_val_if_fail(QMEM_IS_MEMORY_REGION(mr), 0);
    return mr->addr;
}

/*
 * Whether @sub may go to @offset: a subregion added without priority may
 * not overlap a sibling added the same way (empty ones overlap nothing);
 * those added with qmem_memory_region_add_subregion_overlap() overlap
 * whatever they like, as in QEMU.
 */
static gboolean subregion_fits(QmemMemoryRegion *container, guint64 offset,
                               QmemMemoryRegion *sub)
{
    GPtrArray *subs = container->by_addr;
    guint from;

    if (!sub->size || sub->may_overlap) {
        return TRUE;
    }
    /* Only those starting less than the largest size below can meet it. */
    from = offset > container->max_sub_size
               ? qmem_memory_region_by_addr_bound(
                     container,
                     (guint64)(offset - container->max_sub_size + 1))
               : 0;
    for (guint i = from; i < subs->len; i++) {
        QmemMemoryRegion *other = g_ptr_array_index(subs, i);

        if (other->addr >= (u128)offset + sub->size) {
            break;
        }
        if (!other->size || other->may_overlap) {
            continue;
        }
        if ((u128)other->addr + other->size > offset &&
            (u128)offset + sub->size > other->addr) {
            return FALSE;
        }
    }
    return TRUE;
}

/*
 * Where @sub is among @container's subregions, which are in priority
 * order: higher priority first, among equal ones the newest (highest
 * seq) first.  A binary search.
 */
static guint subregion_index(QmemMemoryRegion *container,
                             QmemMemoryRegion *sub)
{
    GPtrArray *subs = container->subregions;
    guint lo = 0, hi = subs->len;

    while (lo < hi) {
        guint mid = lo + (hi - lo) / 2;
        QmemMemoryRegion *other = g_ptr_array_index(subs, mid);

        if (other->priority > sub->priority ||
            (other->priority == sub->priority && other->seq > sub->seq)) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    g_assert(lo < subs->len && g_ptr_array_index(subs, lo) == sub);
    return lo;
}

/* Where a subregion of @priority goes: before the first of lower or equal. */
static guint insertion_index(GPtrArray *subs, int priority)
{
    guint lo = 0, hi = subs->len;

    while (lo < hi) {
        guint mid = lo + (hi - lo) / 2;
        QmemMemoryRegion *other = g_ptr_array_index(subs, mid);

        if (priority >= other->priority) {
            hi = mid;
        } else {
            lo = mid + 1;
        }
    }
    return lo;
}

/* Whether @mr is @sub or lies inside it: mapping @sub there makes a cycle. */
static gboolean region_is_within(QmemMemoryRegion *mr, QmemMemoryRegion *sub)
{
    for (; mr; mr = mr->container) {
        if (mr == sub) {
            return TRUE;
        }
    }
    return FALSE;
}

guint qmem_memory_region_by_addr_bound(QmemMemoryRegion *container,
                                       guint64 addr)
{
    GPtrArray *subs = container->by_addr;
    guint lo = 0, hi = subs->len;

    while (lo < hi) {
        guint mid = lo + (hi - lo) / 2;
        QmemMemoryRegion *sub = g_ptr_array_index(subs, mid);

        if (sub->addr < addr) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return lo;
}

static void by_addr_remove(QmemMemoryRegion *container,
                           QmemMemoryRegion *sub)
{
    GPtrArray *subs = container->by_addr;

    for (guint i = qmem_memory_region_by_addr_bound(container, sub->addr);
         i < subs->len; i++) {
        if (g_ptr_array_index(subs, i) == sub) {
            g_ptr_array_remove_index(subs, i);
            break;
        }
    }
    if (!subs->len) {
        container->max_sub_size = 0;
    }
}

static void add_subregion(QmemMemoryRegion *container, guint64 offset,
                          QmemMemoryRegion *sub, int priority,
                          gboolean may_overlap)
{
    GPtrArray *subs;
    guint idx;

    g_return_if_fail(QMEM_IS_MEMORY_REGION(container));
    g_return_if_fail(QMEM_IS_MEMORY_REGION(sub));
    g_return_if_fail(container->kind == MR_CONTAINER);
    g_return_if_fail(sub->container == NULL);
    g_return_if_fail(!region_is_within(container, sub));
    g_assert(!updating);

    sub->priority = priority;
    sub->may_overlap = may_overlap;
    g_assert(subregion_fits(container, offset, sub));

    /*
     * QEMU's order, which rendering follows: higher priority first, and
     * among equal priorities the newest first, so that it shows.
     */
    subs = container->subregions;
    idx = insertion_index(subs, priority);

    qmem_memory_region_transaction_begin();
    sub->container = container;
    sub->addr = offset;
    sub->seq = ++subregion_seq;
    g_ptr_array_insert(subs, idx, g_object_ref(sub));
    g_ptr_array_insert(container->by_addr,
                       qmem_memory_region_by_addr_bound(container, offset),
                       sub);
    container->max_sub_size = MAX(container->max_sub_size, sub->size);
    qmem_flat_view_mark_subregion(container, sub);
    update_pending = TRUE;
    qmem_memory_region_transaction_commit();
}

void qmem_memory_region_add_subregion(QmemMemoryRegion *container,
                                      guint64 offset, QmemMemoryRegion *sub)
{
    add_subregion(container, offset, sub, 0, FALSE);
}

void qmem_memory_region_add_subregion_overlap(QmemMemoryRegion *container,
                                              guint64 offset,
                                              QmemMemoryRegion *sub,
                                              int priority)
{
    add_subregion(container, offset, sub, priority, TRUE);
}

void qmem_memory_region_del_subregion(QmemMemoryRegion *container,
                                      QmemMemoryRegion *sub)
{
    guint idx;

    g_return_if_fail(QMEM_IS_MEMORY_REGION(container));
    g_return_if_fail(QMEM_IS_MEMORY_REGION(sub));
    g_return_if_fail(sub->container == container);
    g_assert(!updating);

    idx = subregion_index(container, sub);

    qmem_memory_region_transaction_begin();
    sub = g_ptr_array_steal_index(container->subregions, idx);
    by_addr_remove(container, sub);
    qmem_flat_view_mark_subregion(container, sub);
    sub->container = NULL;
    sub->addr = 0;
    update_pending = TRUE;
    qmem_memory_region_transaction_commit();
    g_object_unref(sub);
}

int qmem_memory_region_get_priority(QmemMemoryRegion *mr)
{
    g_return_val_if_fail(QMEM_IS_MEMORY_REGION(mr), 0);
    return mr->priority;
}

GArray *qmem_memory_region_ioeventfd_list(QmemMemoryRegion *mr,
                                          gboolean create)
{
    if (!mr->ioeventfds && create) {
        mr->ioeventfds = qmem_ioeventfd_list_new();
    }
    return mr->ioeventfds;
}

void qmem_memory_ioeventfds_changed(void)
{
    g_assert(transaction_depth > 0);
    ioeventfd_update_pending = TRUE;
}

static void address_space_update_ioeventfds(QmemAddressSpace *as)
{
    GArray *old = as->ioeventfds;

    as->ioeventfds = qmem_ioeventfd_list_from_view(as->view);
    qmem_ioeventfd_lists_update(as->listeners, old, as->ioeventfds);
    g_array_unref(old);
}

void qmem_memory_region_transaction_begin(void)
{
    g_assert(!updating);
    transaction_depth++;
}

void qmem_memory_region_transaction_commit(void)
{
    gboolean eventfds_all, *eventfds;

    g_assert(transaction_depth > 0);
    g_assert(!updating);

    if (--transaction_depth || (!update_pending && !ioeventfd_update_pending)) {
        return;
    }
    if (!address_spaces) {
        update_pending = ioeventfd_update_pending = FALSE;
        return;
    }

    updating = TRUE;
    if (!update_pending) {
        /* Only ioeventfds changed: no region_add/del, no commit. */
        ioeventfd_update_pending = FALSE;
        for (guint i = 0; i < address_spaces->len; i++) {
            address_space_update_ioeventfds(g_ptr_array_index(address_spaces,
                                                              i));
        }
        updating = FALSE;
        return;
    }
    eventfds_all = ioeventfd_update_pending;
    update_pending = ioeventfd_update_pending = FALSE;
    eventfds = g_newa(gboolean, address_spaces->len);
    for (guint i = 0; i < address_spaces->len; i++) {
        eventfds[i] = qmem_address_space_update_topology(
            g_ptr_array_index(address_spaces, i));
    }
    /* Only where a section with ioeventfds came or went can they change. */
    for (guint i = 0; i < address_spaces->len; i++) {
        if (eventfds_all || eventfds[i]) {
            address_space_update_ioeventfds(
                g_ptr_array_index(address_spaces, i));
        }
    }
    for (guint i = 0; i < address_spaces->len; i++) {
        QmemAddressSpace *as = g_ptr_array_index(address_spaces, i);

        for (guint j = 0; j < as->listeners->len; j++) {
            QmemMemoryListener *l = g_ptr_array_index(as->listeners, j);

            if (l->commit) {
                l->commit(l);
            }
        }
    }
    updating = FALSE;
}

/* Address spaces */

GPtrArray *qmem_address_spaces(void)
{
    return address_spaces;
}

QmemAddressSpace *qmem_address_space_new(const char *name,
                                         QmemMemoryRegion *root)
{
    QmemAddressSpace *as;

    g_return_val_if_fail(QMEM_IS_MEMORY_REGION(root), NULL);

    as = g_new0(QmemAddressSpace, 1);
    as->name = g_strdup(name ? name : "");
    as->root = g_object_ref(root);
    as->view = qmem_flat_view_generate(root);
    as->ioeventfds = qmem_ioeventfd_list_from_view(as->view);
    as->listeners = g_ptr_array_new();
    as->dirty = qmem_flat_view_windows_new();
    if (!address_spaces) {
        address_spaces = g_ptr_array_new();
    }
    g_ptr_array_add(address_spaces, as);
    return as;
}

void qmem_address_space_free(QmemAddressSpace *as)
{
    if (!as) {
        return;
    }
    g_return_if_fail(as->listeners->len == 0);
    g_assert(!updating);

    g_ptr_array_remove(address_spaces, as);
    if (!address_spaces->len) {
        g_clear_pointer(&address_spaces, g_ptr_array_unref);
    }
    g_ptr_array_unref(as->listeners);
    g_array_unref(as->ioeventfds);
    g_array_unref(as->view);
    g_array_unref(as->dirty);
    g_object_unref(as->root);
    g_free(as->name);
    g_free(as);
}

const QmemMemorySection *qmem_address_space_get_sections(QmemAddressSpace *as,
                                                         guint *n)
{
    g_return_val_if_fail(as != NULL, NULL);
    g_return_val_if_fail(n != NULL, NULL);

    *n = as->view->len;
    return (const QmemMemorySection *)(gpointer)as->view->data;
}

/* Listeners */

void qmem_memory_listener_register(QmemMemoryListener *listener,
                                   QmemAddressSpace *as)
{
    guint idx;

    g_return_if_fail(listener != NULL && as != NULL);
    g_return_if_fail(listener->as == NULL);
    g_assert(!updating);

    for (idx = 0; idx < as->listeners->len; idx++) {
        QmemMemoryListener *l = g_ptr_array_index(as->listeners, idx);

        if (l->priority > listener->priority) {
            break;
        }
    }
    g_ptr_array_insert(as->listeners, idx, listener);
    listener->as = as;

    updating = TRUE;
    if (listener->region_add) {
        for (guint i = 0; i < as->view->len; i++) {
            listener->region_add(listener, &g_array_index(as->view,
                                                          QmemMemorySection,
                                                          i));
        }
    }
    for (guint i = 0; i < as->ioeventfds->len; i++) {
        qmem_ioeventfd_notify(listener, &g_array_index(as->ioeventfds,
                                                       QmemIoeventfd, i),
                              TRUE);
    }
    if (listener->commit) {
        listener->commit(listener);
    }
    updating = FALSE;
}

void qmem_memory_listener_unregister(QmemMemoryListener *listener)
{
    QmemAddressSpace *as;

    g_return_if_fail(listener != NULL && listener->as != NULL);
    g_assert(!updating);

    as = listener->as;
    updating = TRUE;
    for (guint i = 0; i < as->ioeventfds->len; i++) {
        qmem_ioeventfd_notify(listener, &g_array_index(as->ioeventfds,
                                                       QmemIoeventfd, i),
                              FALSE);
    }
    if (listener->region_del) {
        for (guint i = 0; i < as->view->len; i++) {
            listener->region_del(listener, &g_array_index(as->view,
                                                          QmemMemorySection,
                                                          i));
        }
    }
    if (listener->commit) {
        listener->commit(listener);
    }
    updating = FALSE;
    g_ptr_array_remove(as->listeners, listener);
    listener->as = NULL;
}

/* Dirty logging (QEMU's memory_global_dirty_log_*()), under the BQL. */

static gboolean global_dirty_log;

typedef enum { LOG_START, LOG_STOP, LOG_SYNC } LogOp;

static void dirty_log_call(LogOp op)
{
    for (guint i = 0; address_spaces && i < address_spaces->len; i++) {
        QmemAddressSpace *as = g_ptr_array_index(address_spaces, i);

        for (guint j = 0; j < as->listeners->len; j++) {
            QmemMemoryListener *l = g_ptr_array_index(as->listeners, j);

            if (op == LOG_START && l->log_global_start) {
                l->log_global_start(l);
            } else if (op == LOG_STOP && l->log_global_stop) {
                l->log_global_stop(l);
            } else if (op == LOG_SYNC && l->log_sync) {
                l->log_sync(l);
            }
        }
    }
}

void qmem_memory_global_dirty_log_start(void)
{
    g_return_if_fail(!global_dirty_log);
    global_dirty_log = TRUE;
    dirty_log_call(LOG_START);
}

void qmem_memory_global_dirty_log_stop(void)
{
    if (global_dirty_log) {
        dirty_log_call(LOG_STOP);
        global_dirty_log = FALSE;
    }
}

void qmem_memory_global_dirty_log_sync(void)
{
    if (global_dirty_log) {
        dirty_log_call(LOG_SYNC);
    }
}

gboolean qmem_memory_global_dirty_log_active(void)
{
    return global_dirty_log;
}
