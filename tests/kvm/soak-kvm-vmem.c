/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The KVM soak's guest virtio-mem requests: on the virtio-mem devices
 * hot-plugged at run time, which the guest's driver never probed, the
 * soak plays the driver (x-virtio-mem-request), plugging and unplugging
 * random blocks, near memslot boundaries, and sending requests no driver
 * should.  The device's answer is checked against the model of its
 * blocks, and so is what the guest then finds in memory: plugged blocks
 * read 0, unplugged ones read 0 or fault with their memslot gone.
 * (tests/qtest/test-virtio-mem.c's soak is the same protocol model on
 * the qtest accelerator.)
 */

#include <string.h>

#include "soak-kvm.h"

enum { REQ_PLUG, REQ_UNPLUG, REQ_UNPLUG_ALL, REQ_STATE };

static const char *const req_names[] = {
    "plug", "unplug", "unplug-all", "state"
};

static gboolean is_undriven(SoakDev *d)
{
    return d->kind == SOAK_VMEM && !d->driven;
}

static SoakDev *pick_undriven(Soak *s)
{
    guint start = s->devs->len ? soak_rnd(s, s->devs->len) : 0;

    for (guint i = 0; i < s->devs->len; i++) {
        SoakDev *d = g_ptr_array_index(s->devs, (start + i) % s->devs->len);

        if (is_undriven(d)) {
            return d;
        }
    }
    return NULL;
}

/*
 * QEMU's virtio_mem_handle_request() on the model: the answer ("ack",
 * "ack plugged", "nack", "error"...), with the model updated (ranges
 * plugged or unplugged are left in @changed_off/@changed_size).
 */
static const char *expect(SoakDev *d, int type, guint64 addr, guint64 nb,
                          guint64 *changed_off, guint64 *changed_size)
{
    guint64 size = nb * d->block, off, n_plugged = 0;

    if (type == REQ_UNPLUG_ALL) {
        *changed_off = 0;
        *changed_size = d->plugged ? d->be->size : 0;
        d->usable = d->requested ?
                    ROUND_UP(MIN(d->be->size, d->requested + 256 * MiB),
                             d->block) : 0;
        return "ack";
    }
    if (addr % d->block || !size || addr < d->addr ||
        addr + size < addr || addr + size > d->addr + d->usable) {
        return "error";
    }
    off = addr - d->addr;
    for (guint64 b = off / d->block; b < off / d->block + nb; b++) {
        n_plugged += d->blocks[b];
    }
    if (type == REQ_STATE) {
        return n_plugged == nb ? "ack plugged" :
               n_plugged ? "ack mixed" : "ack unplugged";
    }
    if (type == REQ_PLUG && d->plugged + size > d->requested) {
        return "nack";
    }
    if ((type == REQ_PLUG && n_plugged) ||
        (type == REQ_UNPLUG && n_plugged != nb)) {
        return "error";
    }
    *changed_off = off;
    *changed_size = size;
    return "ack";
}

/* Sends the request; returns the answer as "response[ state]". */
static char *request(Soak *s, SoakDev *d, int type, guint64 addr,
                     guint64 nb)
{
    JsonNode *ret = qtest_qmp_assert_success_ref(
        s->qts, "{'execute': 'x-virtio-mem-request', 'arguments': "
        "{'qom-path': '%s', 'type': '%s', 'addr': %" PRIu64 ", "
        "'nb-blocks': %" PRIu64 "}}", d->id, req_names[type], addr, nb);
    JsonObject *r = json_node_get_object(ret);
    char *answer = g_strdup_printf(
        "%s%s%s", json_object_get_string_member(r, "response"),
        json_object_has_member(r, "state") ? " " : "",
        json_object_has_member(r, "state") ?
        json_object_get_string_member(r, "state") : "");

    json_node_unref(ret);
    return answer;
}

/* Something plugged, from block @first on: a run of up to 8 blocks. */
static gboolean find_plugged(SoakDev *d, guint64 first, guint64 *addr,
                             guint64 *nb)
{
    guint64 n = d->be->size / d->block;

    for (guint64 i = 0; i < n; i++) {
        guint64 b = (first + i) % n;

        if (d->blocks[b]) {
            *addr = d->addr + b * d->block;
            for (*nb = 1; *nb < 8 && b + *nb < n && d->blocks[b + *nb];
                 (*nb)++) {
            }
            return TRUE;
        }
    }
    return FALSE;
}

/* A block near a memslot boundary (1 GiB) half of the time. */
static guint64 pick_block(Soak *s, SoakDev *d)
{
    guint64 n = d->be->size / d->block, per = GiB / d->block;
    guint64 slot = soak_rnd(s, (d->be->size + GiB - 1) / GiB);

    if (soak_rnd(s, 2)) {
        return soak_rnd(s, n);
    }
    return MIN(n - 1, soak_rnd(s, 2) ? slot * per + soak_rnd(s, 4) :
               (slot + 1) * per - 1 - soak_rnd(s, 4));
}

SoakResult soak_op_vmem_request(Soak *s)
{
    static const gint64 junk[] = { 4096, MiB, -(gint64)(2 * MiB), 8 * GiB };
    SoakDev *d = pick_undriven(s);
    guint r = soak_rnd(s, 100);
    guint64 nb = 1 + soak_rnd(s, 8), addr, off = 0, size = 0;
    g_autofree char *got = NULL;
    const char *want;
    int type;

    if (!d) {
        return SOAK_SKIPPED;
    }
    addr = d->addr + pick_block(s, d) * d->block;
    if (r < 3) {
        type = REQ_UNPLUG_ALL;
    } else if (r < 50) {
        type = REQ_PLUG;
    } else if (r < 80) {
        type = REQ_UNPLUG;
        if (soak_rnd(s, 2)) {
            find_plugged(d, (addr - d->addr) / d->block, &addr, &nb);
        }
    } else if (r < 90) {
        type = REQ_STATE;
    } else {
        /* What no driver should send. */
        type = soak_rnd(s, 4);
        addr += junk[soak_rnd(s, G_N_ELEMENTS(junk))];
    }
    soak_set_op(s, "x-virtio-mem-request %s %s 0x%" PRIx64 " %" PRIu64
                " (plugged 0x%" PRIx64 ", requested 0x%" PRIx64 ", usable "
                "0x%" PRIx64 ")", d->id, req_names[type], addr, nb,
                d->plugged, d->requested, d->usable);
    want = expect(d, type, addr, nb, &off, &size);
    got = request(s, d, type, addr, nb);
    if (strcmp(got, want)) {
        soak_fail(s, "answered '%s', expected '%s'", got, want);
    }
    if (size && type == REQ_PLUG) {
        soak_vmem_set(s, d, off, size, TRUE);
        soak_memtest_expect(s, d->addr + off, size, 0, "verify-zero");
    } else if (size) {
        soak_vmem_set(s, d, off, size, FALSE);
        soak_check_gone(s, d, off, size);
    }
    /* NACK and ERROR are the device refusing. */
    return strncmp(want, "ack", 3) ? SOAK_REFUSED : SOAK_DONE;
}
