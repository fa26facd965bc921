/* SPDX-License-Identifier: GPL-2.0-or-later */
/* info mtree: every address space and region, as QEMU prints them. */

#include <inttypes.h>

#include "system/memory-internal.h"

/* info mtree, in the shape of QEMU's mtree_info() */

static const char *region_type(QmemMemoryRegion *mr)
{
    while (mr->kind == MR_ALIAS) {
        mr = mr->alias;
    }
    if (mr->kind != MR_RAM) {
        return "i/o";
    }
    return mr->readonly ? "rom" : "ram";
}

static gint compare_print_order(gconstpointer a, gconstpointer b,
                                gpointer data)
{
    const QmemMemoryRegion *ma = *(QmemMemoryRegion *const *)a;
    const QmemMemoryRegion *mb = *(QmemMemoryRegion *const *)b;

    if (ma->addr != mb->addr) {
        return ma->addr < mb->addr ? -1 : 1;
    }
    return mb->priority - ma->priority;
}

static void print_region(GString *out, QmemMemoryRegion *mr, guint level,
                         guint64 base, GPtrArray *alias_queue)
{
    guint64 cur_start = base + mr->addr;
    guint64 cur_end = cur_start + qmem_memory_region_last(mr);

    if (cur_start < base || cur_end < cur_start) {
        g_string_append(out, "[DETECTED OVERFLOW!] ");
    }
    for (guint i = 0; i < level; i++) {
        g_string_append(out, "  ");
    }
    g_string_append_printf(out, "%016" PRIx64 "-%016" PRIx64
                           " (prio %d, %s): ", cur_start, cur_end,
                           mr->priority, region_type(mr));
    if (mr->kind == MR_ALIAS) {
        if (!g_ptr_array_find(alias_queue, mr->alias, NULL)) {
            g_ptr_array_add(alias_queue, mr->alias);
        }
        g_string_append_printf(out, "alias %s @%s %016" PRIx64 "-%016" PRIx64
                               "\n", mr->name, mr->alias->name,
                               mr->alias_offset,
                               mr->alias_offset + qmem_memory_region_last(mr));
    } else {
        g_string_append_printf(out, "%s\n", mr->name);
    }

    if (mr->kind == MR_CONTAINER) {
        g_autoptr(GPtrArray) subs = g_ptr_array_copy(mr->subregions, NULL,
                                                     NULL);

        /* The copy borrows the references the container holds. */
        g_ptr_array_set_free_func(subs, NULL);

        /* QEMU prints by address, then by priority (GLib's sort is stable). */
        g_ptr_array_sort_with_data(subs, compare_print_order, NULL);
        for (guint i = 0; i < subs->len; i++) {
            print_region(out, g_ptr_array_index(subs, i), level + 1,
                         cur_start, alias_queue);
        }
    }
}

static gint address_space_compare_name(gconstpointer a, gconstpointer b)
{
    const QmemAddressSpace *as_a = *(QmemAddressSpace *const *)a;
    const QmemAddressSpace *as_b = *(QmemAddressSpace *const *)b;

    return strcmp(as_a->name, as_b->name);
}

void qmem_memory_print_mtree(GString *out)
{
    g_autoptr(GPtrArray) alias_queue = g_ptr_array_new();
    g_autoptr(GPtrArray) roots = g_ptr_array_new();
    GPtrArray *spaces = qmem_address_spaces();
    guint n_as = spaces ? spaces->len : 0;

    g_return_if_fail(out != NULL);

    /*
     * Address spaces that share a root print one tree under all their
     * names, sorted; the trees come in order of their first address space.
     */
    for (guint i = 0; i < n_as; i++) {
        QmemAddressSpace *as = g_ptr_array_index(spaces, i);
        g_autoptr(GPtrArray) same_root = NULL;

        if (g_ptr_array_find(roots, as->root, NULL)) {
            continue;
        }
        g_ptr_array_add(roots, as->root);
        same_root = g_ptr_array_new();
        for (guint j = i; j < n_as; j++) {
            QmemAddressSpace *other = g_ptr_array_index(spaces, j);

            if (other->root == as->root) {
                g_ptr_array_add(same_root, other);
            }
        }
        g_ptr_array_sort(same_root, address_space_compare_name);
        for (guint j = 0; j < same_root->len; j++) {
            QmemAddressSpace *other = g_ptr_array_index(same_root, j);

            g_string_append_printf(out, "address-space: %s\n", other->name);
        }
        print_region(out, as->root, 1, 0, alias_queue);
        g_string_append_c(out, '\n');
    }

    /* The queue grows while it is printed: aliases inside alias targets. */
    for (guint i = 0; i < alias_queue->len; i++) {
        QmemMemoryRegion *mr = g_ptr_array_index(alias_queue, i);

        g_string_append_printf(out, "memory-region: %s\n", mr->name);
        print_region(out, mr, 1, 0, alias_queue);
        g_string_append_c(out, '\n');
    }
}
