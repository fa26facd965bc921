/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Flat views: rendering a region tree into sorted sections, and updating
 * an address space's view incrementally where a commit changed it.
 *
 * A change (a subregion added to or removed from a container) marks the
 * guest-physical windows where it can show: the subregion's range, carried
 * up through every container and every alias that leads to an address
 * space's root.  At commit only those windows are rendered again and
 * spliced into the view, so a plug costs what it changes, not what is
 * mapped.  The result, and what listeners hear, is the same as a full
 * recomputation: see window_expand() for why.
 */

#include <string.h>

#include "system/memory-internal.h"

/* Beyond this many windows in one commit a full recomputation is cheaper. */
#define MAX_WINDOWS 64

/* A guest-physical window [lo, hi) to render again. */
typedef struct {
    u128 lo, hi;
} FvWindow;

static gboolean full_recompute;

void qmem_memory_set_full_recompute(gboolean on)
{
    full_recompute = on;
}

/* Rendering */

static void section_clear(gpointer p)
{
    QmemMemorySection *s = p;

    g_object_unref(s->mr);
}

static GArray *view_new(void)
{
    GArray *view = g_array_new(FALSE, FALSE, sizeof(QmemMemorySection));

    g_array_set_clear_func(view, section_clear);
    return view;
}

static u128 section_start(GArray *view, guint i)
{
    return g_array_index(view, QmemMemorySection, i)
        .offset_within_address_space;
}

static u128 section_end(GArray *view, guint i)
{
    const QmemMemorySection *s = &g_array_index(view, QmemMemorySection, i);

    return (u128)s->offset_within_address_space + s->size;
}

/* The index of the first section of @view that ends above @addr. */
static guint section_ending_above(GArray *view, u128 addr)
{
    guint lo = 0, hi = view->len;

    while (lo < hi) {
        guint mid = lo + (hi - lo) / 2;

        if (section_end(view, mid) <= addr) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return lo;
}

/* Inserts the part [@off, @off + @len) of @mr, at @start, before @idx. */
static void insert_section(GArray *view, guint idx, QmemMemoryRegion *mr,
                           u128 off, u128 start, u128 len)
{
    QmemMemorySection s = {
        .mr = g_object_ref(mr),
        .offset_within_region = (guint64)off,
        .offset_within_address_space = (guint64)start,
        .size = (guint64)len,
        .host = mr->kind == MR_RAM ? (char *)mr->ram_block->host +
                                     (guint64)off : NULL,
        .readonly = mr->kind == MR_RAM && mr->readonly,
    };

    g_array_insert_val(view, idx, s);
}

/*
 * QEMU's render_memory_region() for a region that answers accesses
 * itself (RAM, or I/O callbacks): it fills the holes that what was
 * rendered before it (its subregions, higher-priority siblings) left in
 * [@start, @start + @len), showing its bytes from @off on.
 */
static void render_terminal(GArray *view, QmemMemoryRegion *mr, u128 off,
                            u128 start, u128 len)
{
    u128 end = start + len;
    guint i = section_ending_above(view, start);

    while (start < end) {
        u128 next = end;
        u128 piece;

        if (i < view->len) {
            const QmemMemorySection *s =
                &g_array_index(view, QmemMemorySection, i);

            if (s->offset_within_address_space <= start) {
                u128 covered = MIN(section_end(view, i), end) - start;

                off += covered;
                start += covered;
                i++;
                continue;
            }
            next = MIN(next, (u128)s->offset_within_address_space);
        }
        /*
         * A section's size is 64 bits wide: a hole of all 2^64 bytes
         * takes two, split at 2^63.  Only that hole is split, so that
         * where a hole starts never moves a boundary elsewhere.
         */
        piece = next - start == SIZE_2_64 ? (u128)1 << 63 : next - start;
        insert_section(view, i++, mr, off, start, piece);
        off += piece;
        start += piece;
    }
}

static void render(GArray *view, QmemMemoryRegion *mr, u128 off, u128 as_addr,
                   u128 len);

/* Priority order: higher first, among equal ones the newest first. */
static gint subregion_order(gconstpointer a, gconstpointer b)
{
    const QmemMemoryRegion *x = *(QmemMemoryRegion *const *)a;
    const QmemMemoryRegion *y = *(QmemMemoryRegion *const *)b;

    if (x->priority != y->priority) {
        return x->priority > y->priority ? -1 : 1;
    }
    return x->seq > y->seq ? -1 : x->seq < y->seq;
}

static void render_subregion(GArray *view, QmemMemoryRegion *sub, u128 off,
                             u128 as_addr, u128 len)
{
    u128 lo = MAX(off, (u128)sub->addr);
    u128 hi = MIN(off + len, (u128)sub->addr + sub->size);

    if (lo < hi) {
        render(view, sub, lo - sub->addr, as_addr + (lo - off), hi - lo);
    }
}

/*
 * A container's subregions inside [@off, @off + @len): with many of them,
 * only those the address index says may meet the window (those starting
 * less than the largest size below it), in priority order; so a window
 * costs what it holds, not what the container holds.
 */
static void render_subregions(GArray *view, QmemMemoryRegion *mr, u128 off,
                              u128 as_addr, u128 len)
{
    GPtrArray *subs = mr->subregions;
    g_autoptr(GPtrArray) hits = NULL;
    guint from, to;

    if (subs->len <= 8 || len >= mr->size) {
        for (guint i = 0; i < subs->len; i++) {
            render_subregion(view, g_ptr_array_index(subs, i), off, as_addr,
                             len);
        }
        return;
    }
    from = off > mr->max_sub_size
               ? qmem_memory_region_by_addr_bound(
                     mr, (guint64)(off - mr->max_sub_size + 1))
               : 0;
    to = off + len > G_MAXUINT64
             ? mr->by_addr->len
             : qmem_memory_region_by_addr_bound(mr, (guint64)(off + len));
    hits = g_ptr_array_sized_new(to - from);
    for (guint i = from; i < to; i++) {
        QmemMemoryRegion *sub = g_ptr_array_index(mr->by_addr, i);

        if ((u128)sub->addr + sub->size > off) {
            g_ptr_array_add(hits, sub);
        }
    }
    g_ptr_array_sort(hits, subregion_order);
    for (guint i = 0; i < hits->len; i++) {
        render_subregion(view, g_ptr_array_index(hits, i), off, as_addr, len);
    }
}

/*
 * Renders bytes [@off, @off + @len) of @mr, clipped to its size, at
 * guest-physical @as_addr: subregions first, by priority, then the region
 * itself where it answers accesses.  The view stays sorted by address.
 */
static void render(GArray *view, QmemMemoryRegion *mr, u128 off, u128 as_addr,
                   u128 len)
{
    if (off >= mr->size || !len) {
        return;
    }
    len = MIN(len, mr->size - off);

    switch (mr->kind) {
    case MR_RAM:
        render_terminal(view, mr, off, as_addr, len);
        break;
    case MR_ALIAS:
        render(view, mr->alias, mr->alias_offset + off, as_addr, len);
        break;
    case MR_CONTAINER:
        render_subregions(view, mr, off, as_addr, len);
        if (mr->ops) {
            render_terminal(view, mr, off, as_addr, len);
        }
        break;
    }
}

/* The sections of @root's tree inside [@lo, @hi). */
static GArray *render_window(QmemMemoryRegion *root, u128 lo, u128 hi)
{
    GArray *view = view_new();

    render(view, root, lo, lo, hi - lo);
    return view;
}

GArray *qmem_flat_view_generate(QmemMemoryRegion *root)
{
    return render_window(root, 0, SIZE_2_64);
}

/* Marking what changed */

static void as_mark(QmemAddressSpace *as, u128 lo, u128 hi)
{
    FvWindow w = { lo, hi };

    if (as->dirty_all) {
        return;
    }
    if (as->dirty->len >= MAX_WINDOWS) {
        as->dirty_all = TRUE;
        g_array_set_size(as->dirty, 0);
        return;
    }
    g_array_append_val(as->dirty, w);
}

/*
 * [@lo, @hi) of @mr may look different: mark it in every address space
 * that shows @mr, through its containers and through the aliases of it
 * and of its containers.
 */
static void mark_region(QmemMemoryRegion *mr, u128 lo, u128 hi, guint depth)
{
    GPtrArray *spaces = qmem_address_spaces();

    hi = MIN(hi, mr->size);
    if (lo >= hi) {
        return;
    }
    if (depth > 64) {
        /* Absurdly deep: give up on precision, not on correctness. */
        for (guint i = 0; spaces && i < spaces->len; i++) {
            QmemAddressSpace *as = g_ptr_array_index(spaces, i);

            as->dirty_all = TRUE;
        }
        return;
    }
    for (guint i = 0; spaces && i < spaces->len; i++) {
        QmemAddressSpace *as = g_ptr_array_index(spaces, i);

        if (as->root == mr) {
            as_mark(as, lo, hi);
        }
    }
    for (guint i = 0; mr->aliased_by && i < mr->aliased_by->len; i++) {
        QmemMemoryRegion *alias = g_ptr_array_index(mr->aliased_by, i);

        if (hi > alias->alias_offset) {
            u128 a_lo = lo > alias->alias_offset ? lo - alias->alias_offset
                                                 : 0;

            mark_region(alias, a_lo, hi - alias->alias_offset, depth + 1);
        }
    }
    if (mr->container) {
        mark_region(mr->container, lo + mr->addr, hi + mr->addr, depth + 1);
    }
}

void qmem_flat_view_mark_subregion(QmemMemoryRegion *container,
                                   QmemMemoryRegion *sub)
{
    mark_region(container, sub->addr, (u128)sub->addr + sub->size, 0);
}

/* Updating an address space */

static gboolean section_equal(const QmemMemorySection *a,
                              const QmemMemorySection *b)
{
    return a->mr == b->mr &&
           a->offset_within_region == b->offset_within_region &&
           a->offset_within_address_space == b->offset_within_address_space &&
           a->size == b->size &&
           !a->readonly == !b->readonly;
}

/*
 * QEMU's address_space_update_topology_pass() over a part of the old view
 * and what replaces it, both sorted and covering the same addresses: one
 * merge walk finds what went away (@adding false) or what appeared.
 */
static void topology_pass(GPtrArray *listeners, const QmemMemorySection *o,
                          guint n_old, const QmemMemorySection *n,
                          guint n_new, gboolean adding)
{
    guint iold = 0, inew = 0;

    while (iold < n_old || inew < n_new) {
        const QmemMemorySection *os = iold < n_old ? &o[iold] : NULL;
        const QmemMemorySection *ns = inew < n_new ? &n[inew] : NULL;

        if (os && (!ns ||
                   os->offset_within_address_space <
                   ns->offset_within_address_space ||
                   (os->offset_within_address_space ==
                    ns->offset_within_address_space &&
                    !section_equal(os, ns)))) {
            for (guint i = listeners->len; !adding && i-- > 0;) {
                QmemMemoryListener *l = g_ptr_array_index(listeners, i);

                if (l->region_del) {
                    l->region_del(l, os);
                }
            }
            iold++;
        } else if (os && ns && section_equal(os, ns)) {
            iold++;
            inew++;
        } else {
            for (guint i = 0; adding && i < listeners->len; i++) {
                QmemMemoryListener *l = g_ptr_array_index(listeners, i);

                if (l->region_add) {
                    l->region_add(l, ns);
                }
            }
            inew++;
        }
    }
}

static gint window_compare(gconstpointer a, gconstpointer b)
{
    const FvWindow *x = a, *y = b;

    return x->lo < y->lo ? -1 : x->lo > y->lo;
}

/* Sorts @windows and merges those that overlap or touch. */
static void windows_merge(GArray *windows)
{
    guint out = 0;

    g_array_sort(windows, window_compare);
    for (guint i = 0; i < windows->len; i++) {
        FvWindow *w = &g_array_index(windows, FvWindow, i);
        FvWindow *last = out ? &g_array_index(windows, FvWindow, out - 1)
                             : NULL;

        if (last && w->lo <= last->hi) {
            last->hi = MAX(last->hi, w->hi);
        } else {
            g_array_index(windows, FvWindow, out++) = *w;
        }
    }
    g_array_set_size(windows, out);
}

/*
 * Widens @w to section boundaries that no change can move, so that
 * rendering it alone gives what a full render shows there.
 *
 * What a render puts outside the changed addresses is the same as before:
 * every terminal region fills the holes earlier ones left, and those
 * holes differ only inside @w.  A section that touches @w from outside
 * (it holds @w->lo - 1 or @w->hi) may grow or shrink, though, as a hole
 * next to it opens or closes; its far end is fixed.  So the window
 * reaches to the far ends of those two sections.  The one boundary that
 * depends on a hole's extent is the split of a hole of all 2^64 bytes at
 * 2^63; a window that ends there is widened to everything.
 */
static void window_expand(GArray *view, FvWindow *w)
{
    guint i;

    if (w->lo > 0) {
        i = section_ending_above(view, w->lo - 1);
        if (i < view->len && section_start(view, i) < w->lo) {
            w->lo = section_start(view, i);
        }
    }
    if (w->hi < SIZE_2_64) {
        i = section_ending_above(view, w->hi);
        if (i < view->len && section_start(view, i) <= w->hi) {
            w->hi = section_end(view, i);
        }
    }
    if (w->lo == (u128)1 << 63 || w->hi == (u128)1 << 63) {
        w->lo = 0;
        w->hi = SIZE_2_64;
    }
}

/* Whether a section of @view[@from, @to) shows a region with ioeventfds. */
static gboolean sections_have_eventfds(const QmemMemorySection *s, guint n)
{
    for (guint i = 0; i < n; i++) {
        if (s[i].mr->ioeventfds && s[i].mr->ioeventfds->len) {
            return TRUE;
        }
    }
    return FALSE;
}

/* The sections of @view from @i on; %NULL for an empty view. */
static const QmemMemorySection *sections_from(GArray *view, guint i)
{
    return view->len ? &g_array_index(view, QmemMemorySection, i) : NULL;
}

/* The old view's sections inside @w: [*@from, *@to). */
static void window_range(GArray *view, const FvWindow *w, guint *from,
                         guint *to)
{
    *from = section_ending_above(view, w->lo);
    *to = w->hi >= SIZE_2_64 ? view->len : section_ending_above(view, w->hi);
}

static gboolean update_full(QmemAddressSpace *as)
{
    GArray *old_view = as->view;
    GArray *new_view = qmem_flat_view_generate(as->root);
    const QmemMemorySection *o = (gpointer)old_view->data;
    const QmemMemorySection *n = (gpointer)new_view->data;

    topology_pass(as->listeners, o, old_view->len, n, new_view->len, FALSE);
    topology_pass(as->listeners, o, old_view->len, n, new_view->len, TRUE);
    as->view = new_view;
    g_array_unref(old_view);
    return TRUE;
}

/*
 * Renders each window again, tells the listeners (every region_del of
 * every window, then every region_add, as one full pass over the whole
 * view would) and splices the new sections in.
 */
static gboolean update_windows(QmemAddressSpace *as, GArray *windows)
{
    GArray *view = as->view;
    g_autoptr(GPtrArray) parts =
        g_ptr_array_new_with_free_func((GDestroyNotify)g_array_unref);
    gboolean eventfds = FALSE;
    guint from, to;

    for (guint w = 0; w < windows->len; w++) {
        FvWindow *win = &g_array_index(windows, FvWindow, w);
        GArray *part = render_window(as->root, win->lo, win->hi);

        g_ptr_array_add(parts, part);
        window_range(view, win, &from, &to);
        eventfds = eventfds ||
                   sections_have_eventfds((gpointer)part->data, part->len) ||
                   sections_have_eventfds(sections_from(view, from),
                                          to - from);
    }
    for (int adding = 0; adding < 2; adding++) {
        for (guint w = 0; w < windows->len; w++) {
            GArray *part = g_ptr_array_index(parts, w);

            window_range(view, &g_array_index(windows, FvWindow, w), &from,
                         &to);
            topology_pass(as->listeners, sections_from(view, from),
                          to - from, (gpointer)part->data, part->len, adding);
        }
    }
    /* Back to front, so that the indices of earlier windows hold. */
    for (guint w = windows->len; w-- > 0;) {
        GArray *part = g_ptr_array_index(parts, w);

        window_range(view, &g_array_index(windows, FvWindow, w), &from, &to);
        g_array_remove_range(view, from, to - from);
        g_array_insert_vals(view, from, part->data, part->len);
        /* The view took the sections' references. */
        g_array_set_clear_func(part, NULL);
    }
    return eventfds;
}

gboolean qmem_address_space_update_topology(QmemAddressSpace *as)
{
    g_autoptr(GArray) windows = NULL;

    if (as->dirty_all || full_recompute) {
        as->dirty_all = FALSE;
        g_array_set_size(as->dirty, 0);
        return update_full(as);
    }
    if (!as->dirty->len) {
        return FALSE;
    }
    windows = as->dirty;
    as->dirty = g_array_new(FALSE, FALSE, sizeof(FvWindow));
    windows_merge(windows);
    for (guint i = 0; i < windows->len; i++) {
        window_expand(as->view, &g_array_index(windows, FvWindow, i));
    }
    windows_merge(windows);
    return update_windows(as, windows);
}

GArray *qmem_flat_view_windows_new(void)
{
    return g_array_new(FALSE, FALSE, sizeof(FvWindow));
}
