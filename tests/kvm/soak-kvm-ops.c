/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The KVM soak's operations: each picks its arguments at random, valid
 * or not, computes from the model what QEMU answers (the error text
 * byte for byte), runs it, checks the answer and what must follow (the
 * guest's _OST, its virtio-mem requests, DEVICE_DELETED), and updates
 * the model.
 */

#include <string.h>
#include <unistd.h>

#include "soak-kvm.h"

#define DEVMEM_AREA (SOAK_MAXMEM - SOAK_RAM)
/* pc's device memory region: the area plus 1 GiB per slot. */
#define DEVMEM_REGION (DEVMEM_AREA + SOAK_SLOTS * GiB)

guint soak_rnd(Soak *s, guint n)
{
    return g_rand_int_range(s->rand, 0, n);
}

#define rnd soak_rnd

static SoakBackend *pool(Soak *s, guint i)
{
    return &s->backends[i];
}

/* A random pool backend that exists; NULL if there is none. */
static SoakBackend *any_backend(Soak *s, gboolean with_cold)
{
    guint n = with_cold ? s->n_backends : SOAK_MAX_BACKENDS;
    guint start = rnd(s, n);

    for (guint i = 0; i < n; i++) {
        SoakBackend *be = &s->backends[(start + i) % n];

        if (be->size) {
            return be;
        }
    }
    return NULL;
}

static SoakDev *any_dev(Soak *s, gboolean (*fn)(SoakDev *d))
{
    guint start;

    if (!s->devs->len) {
        return NULL;
    }
    start = rnd(s, s->devs->len);
    for (guint i = 0; i < s->devs->len; i++) {
        SoakDev *d = g_ptr_array_index(s->devs, (start + i) % s->devs->len);

        if (!fn || fn(d)) {
            return d;
        }
    }
    return NULL;
}

/* ------------------------------------------------------------------ */
/* Backends */

static SoakResult op_object_add(Soak *s)
{
    static const guint64 sizes[] = { 64 * MiB, 128 * MiB, 256 * MiB,
                                     512 * MiB, 1 * GiB, 2 * GiB };
    guint i = rnd(s, SOAK_MAX_BACKENDS);
    SoakBackend *be = pool(s, i);
    g_autofree char *id = g_strdup_printf("b%u", i);
    guint64 size = sizes[rnd(s, G_N_ELEMENTS(sizes))];
    g_autofree char *desc = NULL;

    soak_set_op(s, "object-add memory-backend-ram id=%s size=0x%" PRIx64,
                id, size);
    if (be->size) {
        desc = g_strdup_printf("attempt to add duplicate property '%s' to "
                               "object (type 'container')", id);
        soak_expect_error(s, "GenericError", desc,
                          "{'execute': 'object-add', 'arguments': "
                          "{'qom-type': 'memory-backend-ram', 'id': '%s', "
                          "'size': %" PRIu64 ", 'reserve': false}}",
                          id, size);
        return SOAK_REFUSED;
    }
    qtest_qmp_assert_success(s->qts, "{'execute': 'object-add', "
                             "'arguments': {'qom-type': "
                             "'memory-backend-ram', 'id': '%s', 'size': %"
                             PRIu64 ", 'reserve': false}}", id, size);
    g_strlcpy(be->id, id, sizeof(be->id));
    be->size = size;
    be->chunks = g_new0(SoakChunk, size / CHUNK);
    return SOAK_DONE;
}

static SoakResult op_object_del(Soak *s)
{
    SoakBackend *be = any_backend(s, rnd(s, 4) == 0);
    g_autofree char *desc = NULL;

    if (!be || rnd(s, 10) == 0) {
        soak_set_op(s, "object-del id=nobackend");
        soak_expect_error(s, "GenericError", "object 'nobackend' not found",
                          "{'execute': 'object-del', 'arguments': "
                          "{'id': 'nobackend'}}");
        return SOAK_REFUSED;
    }
    soak_set_op(s, "object-del id=%s", be->id);
    if (be->user) {
        desc = g_strdup_printf("object '%s' is in use, can not be deleted",
                               be->id);
        soak_expect_error(s, "GenericError", desc, "{'execute': "
                          "'object-del', 'arguments': {'id': '%s'}}",
                          be->id);
        return SOAK_REFUSED;
    }
    g_assert(!be->cold);
    qtest_qmp_assert_success(s->qts, "{'execute': 'object-del', "
                             "'arguments': {'id': '%s'}}", be->id);
    be->size = 0;
    g_clear_pointer(&be->chunks, g_free);
    return SOAK_DONE;
}

/* ------------------------------------------------------------------ */
/* device_add */

/*
 * QEMU's first fit (memory_device_get_free_addr()), or the hint; the
 * error text if neither works.
 */
static char *place(Soak *s, guint64 size, guint64 align, const guint64 *hint,
                   guint64 *addr)
{
    guint64 a = hint ? *hint : ROUND_UP(SOAK_DEVMEM_BASE, align);

    if (hint && (a < SOAK_DEVMEM_BASE ||
                 a + size > SOAK_DEVMEM_BASE + DEVMEM_REGION)) {
        return g_strdup_printf("can't add memory device [0x%" PRIx64 ":0x%"
                               PRIx64 "], usable range for memory devices "
                               "[0x%" PRIx64 ":0x%" PRIx64 "]", a, size,
                               SOAK_DEVMEM_BASE, DEVMEM_REGION);
    }
    for (guint i = 0; i < s->devs->len; i++) {
        SoakDev *d = g_ptr_array_index(s->devs, i);

        if (a < d->addr + d->be->size && d->addr < a + size) {
            if (hint) {
                return g_strdup_printf("address range conflicts with memory"
                                       " device id='%s'", d->id);
            }
            a = ROUND_UP(d->addr + d->be->size, align);
        } else if (d->addr >= a + size) {
            break;
        }
    }
    if (a + size > SOAK_DEVMEM_BASE + DEVMEM_REGION) {
        return g_strdup("could not find position in guest address space for "
                        "memory device - memory fragmented due to "
                        "alignments");
    }
    *addr = a;
    return NULL;
}

/* What a device_add must answer before realize: space, then place. */
static char *pre_plug(Soak *s, SoakBackend *be, guint64 align,
                      const guint64 *hint, guint64 *addr)
{
    guint64 used = soak_used_size(s);

    if (used + be->size > DEVMEM_AREA) {
        return g_strdup_printf("not enough space, currently 0x%" PRIx64
                               " in use of total space for memory devices "
                               "0x%" PRIx64, used, DEVMEM_AREA);
    }
    return place(s, be->size, align, hint, addr);
}

static gboolean slot_used(Soak *s, gint slot)
{
    for (guint i = 0; i < s->devs->len; i++) {
        SoakDev *d = g_ptr_array_index(s->devs, i);

        if (d->kind == SOAK_DIMM && d->slot == slot) {
            return TRUE;
        }
    }
    return FALSE;
}

static char *dimm_expect(Soak *s, const char *id, SoakBackend *be,
                         gint slot_hint, const guint64 *addr_hint,
                         gint *slot, guint64 *addr)
{
    char *err;

    if (soak_dev(s, id)) {
        return g_strdup_printf("Duplicate device ID '%s'", id);
    }
    if (slot_hint >= SOAK_SLOTS) {
        return g_strdup_printf("invalid slot number %d, valid range is "
                               "[0-%d]", slot_hint, SOAK_SLOTS - 1);
    }
    if (slot_hint >= 0 && slot_used(s, slot_hint)) {
        return g_strdup_printf("slot %d is busy", slot_hint);
    }
    for (*slot = slot_hint >= 0 ? slot_hint : 0; slot_used(s, *slot) &&
         *slot < SOAK_SLOTS; (*slot)++) {
    }
    if (*slot == SOAK_SLOTS) {
        return g_strdup("no free slots available");
    }
    err = pre_plug(s, be, CHUNK, addr_hint, addr);
    if (err) {
        return err;
    }
    if (be->user) {
        return g_strdup_printf("can't use already busy memdev: %s", be->id);
    }
    return NULL;
}

static SoakDev *new_dev(const char *id, SoakDevKind kind, SoakBackend *be,
                        guint64 addr)
{
    SoakDev *d = g_new0(SoakDev, 1);

    g_strlcpy(d->id, id, sizeof(d->id));
    d->kind = kind;
    d->be = be;
    d->addr = addr;
    d->slot = -1;
    d->hotplugged = TRUE;
    return d;
}

static SoakResult op_dimm_add(Soak *s)
{
    g_autofree char *id = g_strdup_printf("dimm%u",
                                          rnd(s, SOAK_MAX_DIMM_IDS));
    SoakBackend *be = any_backend(s, rnd(s, 8) == 0);
    gint slot_hint = rnd(s, 6) == 0 ? (gint)rnd(s, SOAK_SLOTS + 1) : -1;
    guint64 hint = 0, addr = 0;
    gboolean has_hint = rnd(s, 6) == 0;
    g_autofree char *extra = NULL, *err = NULL, *sl = NULL, *ad = NULL;
    gint slot = -1;
    SoakDev *d;

    if (!be) {
        return SOAK_SKIPPED;
    }
    if (has_hint) {
        SoakDev *other = any_dev(s, NULL);

        /* On another device (a conflict), or anywhere, in range or not. */
        hint = other && rnd(s, 2) ? other->addr + rnd(s, 2) * CHUNK :
               SOAK_DEVMEM_BASE + rnd(s, (DEVMEM_REGION + 2 * GiB) / CHUNK)
               * CHUNK;
    }
    sl = slot_hint >= 0 ? g_strdup_printf(", 'slot': %d", slot_hint) : NULL;
    ad = has_hint ? g_strdup_printf(", 'addr': %" PRIu64, hint) : NULL;
    extra = g_strconcat(sl ? sl : "", ad ? ad : "", NULL);
    soak_set_op(s, "device_add pc-dimm id=%s memdev=%s slot=%d addr=0x%"
                PRIx64, id, be->id, slot_hint, hint);
    err = dimm_expect(s, id, be, slot_hint, has_hint ? &hint : NULL, &slot,
                      &addr);
    if (err) {
        soak_expect_error(s, "GenericError", err, "{'execute': 'device_add',"
                          " 'arguments': {'driver': 'pc-dimm', 'id': '%s', "
                          "'memdev': '%s'%s}}", id, be->id, extra);
        return SOAK_REFUSED;
    }
    qtest_qmp_assert_success(s->qts, "{'execute': 'device_add', "
                             "'arguments': {'driver': 'pc-dimm', 'id': "
                             "'%s', 'memdev': '%s'%s}}", id, be->id, extra);
    /* The guest's ACPI driver onlines it and says so. */
    soak_wait_event(s, "ACPI_DEVICE_OST", id, 1);
    d = new_dev(id, SOAK_DIMM, be, addr);
    d->slot = slot;
    soak_insert_dev(s, d);
    return SOAK_DONE;
}

/* A virtio-mem device the guest never drives (its driver probes once). */
static SoakResult op_vmem_add(Soak *s)
{
    g_autofree char *id = g_strdup_printf("hvm%u",
                                          rnd(s, SOAK_MAX_HOT_VMEMS));
    SoakBackend *be = any_backend(s, rnd(s, 8) == 0);
    g_autofree char *err = NULL;
    guint64 addr = 0, block = rnd(s, 2) ? CHUNK : 2 * CHUNK;
    gboolean dynamic = rnd(s, 2);
    SoakDev *d;

    if (!be) {
        return SOAK_SKIPPED;
    }
    soak_set_op(s, "device_add virtio-mem-pci id=%s memdev=%s block-size="
                "0x%" PRIx64 " dynamic-memslots=%d", id, be->id, block,
                dynamic);
    if (soak_dev(s, id)) {
        err = g_strdup_printf("Duplicate device ID '%s'", id);
    } else {
        err = pre_plug(s, be, block, NULL, &addr);
    }
    if (!err && be->user) {
        err = g_strdup_printf("'memdev' property specifies a busy memdev: "
                              "%s", be->id);
    }
    if (err) {
        soak_expect_error(s, "GenericError", err, "{'execute': 'device_add',"
                          " 'arguments': {'driver': 'virtio-mem-pci', 'id': "
                          "'%s', 'memdev': '%s', 'block-size': %" PRIu64 ", "
                          "'dynamic-memslots': %s}}", id, be->id, block,
                          dynamic ? "true" : "false");
        return SOAK_REFUSED;
    }
    qtest_qmp_assert_success(s->qts, "{'execute': 'device_add', "
                             "'arguments': {'driver': 'virtio-mem-pci', "
                             "'id': '%s', 'memdev': '%s', 'block-size': %"
                             PRIu64 ", 'dynamic-memslots': %s}}", id, be->id,
                             block, dynamic ? "true" : "false");
    d = new_dev(id, SOAK_VMEM, be, addr);
    d->dynamic = dynamic;
    soak_vmem_init(s, d, block);
    /* virtio-mem discards all of its memory when it starts. */
    soak_chunks_zero(be, 0, be->size);
    soak_insert_dev(s, d);
    return SOAK_DONE;
}

/* ------------------------------------------------------------------ */
/* device_del */

static void dimm_deleted(Soak *s, SoakDev *d)
{
    soak_wait_event(s, "DEVICE_DELETED", d->id, 0);
    soak_wait_event(s, "ACPI_DEVICE_OST", NULL, 3);
    soak_remove_dev(s, d);
}

static SoakResult op_device_del(Soak *s)
{
    SoakDev *d = rnd(s, 12) ? any_dev(s, NULL) : NULL;
    const char *err = NULL;

    if (!d) {
        soak_set_op(s, "device_del id=nodevice");
        soak_expect_error(s, "DeviceNotFound", "Device 'nodevice' not found",
                          "{'execute': 'device_del', 'arguments': "
                          "{'id': 'nodevice'}}");
        return SOAK_REFUSED;
    }
    soak_set_op(s, "device_del id=%s", d->id);
    if (d->kind == SOAK_VMEM && d->plugged) {
        err = "virtio-mem device cannot get unplugged while some of its "
              "memory is still plugged";
    } else if (d->kind == SOAK_VMEM && d->requested) {
        err = "virtio-mem device cannot get unplugged while "
              "'requested-size' != '0'";
    } else if (d->kind == SOAK_VMEM && d->driven) {
        /* The guest's driver holds it: leave it. */
        return SOAK_SKIPPED;
    }
    if (err) {
        soak_expect_error(s, "GenericError", err, "{'execute': 'device_del',"
                          " 'arguments': {'id': '%s'}}", d->id);
        return SOAK_REFUSED;
    }
    qtest_qmp_assert_success(s->qts, "{'execute': 'device_del', "
                             "'arguments': {'id': '%s'}}", d->id);
    if (d->kind == SOAK_DIMM) {
        /* Once the guest has ejected it. */
        dimm_deleted(s, d);
    } else {
        soak_wait_event(s, "DEVICE_DELETED", d->id, 0);
        soak_remove_dev(s, d);
    }
    return SOAK_DONE;
}

/*
 * device_del of a DIMM while the VM is stopped: nothing happens until
 * the guest runs again (its backend stays busy, the guest cannot run
 * memory tests), then the guest ejects it.
 */
static gboolean is_dimm(SoakDev *d)
{
    return d->kind == SOAK_DIMM;
}

static SoakResult op_stopped_unplug(Soak *s)
{
    SoakDev *d = any_dev(s, is_dimm);
    g_autofree char *desc = NULL;

    soak_set_op(s, "stop; device_del id=%s; cont", d ? d->id : "(none)");
    qtest_qmp_assert_success(s->qts, "{'execute': 'stop'}");
    soak_wait_event(s, "STOP", NULL, 0);
    soak_expect_error(s, "GenericError", "the guest is not running",
                      "{'execute': 'x-guest-memtest', 'arguments': "
                      "{'addr': %" PRIu64 ", 'size': %" PRIu64 "}}",
                      SOAK_BOOT_TEST_BASE, CHUNK);
    if (d) {
        qtest_qmp_assert_success(s->qts, "{'execute': 'device_del', "
                                 "'arguments': {'id': '%s'}}", d->id);
        soak_check(s, FALSE);
        desc = g_strdup_printf("object '%s' is in use, can not be deleted",
                               d->be->id);
        soak_expect_error(s, "GenericError", desc, "{'execute': "
                          "'object-del', 'arguments': {'id': '%s'}}",
                          d->be->id);
    }
    qtest_qmp_assert_success(s->qts, "{'execute': 'cont'}");
    soak_wait_event(s, "RESUME", NULL, 0);
    if (d) {
        dimm_deleted(s, d);
    }
    return d ? SOAK_DONE : SOAK_SKIPPED;
}

/* ------------------------------------------------------------------ */
/* requested-size */

static gboolean is_vmem(SoakDev *d)
{
    return d->kind == SOAK_VMEM;
}

/* Polls query-memory-devices until the guest has plugged @size. */
static void wait_plugged(Soak *s, SoakDev *d, guint64 size)
{
    gint64 deadline = g_get_monotonic_time() + qtest_timeout_us();

    for (;;) {
        JsonNode *ret = qtest_qmp_assert_success_ref(
            s->qts, "{'execute': 'query-memory-devices'}");
        JsonArray *list = json_node_get_array(ret);
        guint64 got = G_MAXUINT64;

        for (guint i = 0; i < json_array_get_length(list); i++) {
            JsonObject *data = json_object_get_object_member(
                json_array_get_object_element(list, i), "data");

            if (!strcmp(json_object_get_string_member(data, "id"), d->id)) {
                got = json_object_get_int_member(data, "size");
            }
        }
        json_node_unref(ret);
        if (got == size) {
            return;
        }
        if (g_get_monotonic_time() > deadline) {
            soak_fail(s, "the guest did not bring '%s' to 0x%" PRIx64
                      " (at 0x%" PRIx64 ")", d->id, size, got);
        }
        g_usleep(2000);
    }
}

/* Checks up to three 64 MiB samples of [@addr, @addr + @size). */
void soak_sample_zero(Soak *s, guint64 addr, guint64 size)
{
    const guint64 max = 64 * MiB;

    if (size <= 3 * max) {
        soak_memtest_expect(s, addr, size, 0, "verify-zero");
        return;
    }
    soak_memtest_expect(s, addr, max, 0, "verify-zero");
    soak_memtest_expect(s, addr + rnd(s, (size - max) / CHUNK) * CHUNK, max,
                        0, "verify-zero");
    soak_memtest_expect(s, addr + size - max, max, 0, "verify-zero");
}

/*
 * [@offset, @offset + @size) of @d was just unplugged: where its memslot
 * is still mapped it reads 0 (discarded), elsewhere the guest faults.
 */
void soak_check_gone(Soak *s, SoakDev *d, guint64 offset, guint64 size)
{
    guint64 end = offset + size;

    for (guint64 off = offset; off < end;
         off = MIN(end, ROUND_DOWN(off, GiB) + GiB)) {
        guint64 off_, to = MIN(end, ROUND_DOWN(off, GiB) + GiB);
        gboolean content;
        JsonObject *r;

        if (soak_lookup(s, d->addr + off, &off_, &content)) {
            soak_sample_zero(s, d->addr + off, to - off);
            continue;
        }
        r = soak_memtest(s, d->addr + off, CHUNK, 0, "verify-zero");
        if (json_object_get_int_member(r, "checked") != 0 ||
            !json_object_has_member(r, "fault-addr") ||
            json_object_get_int_member(r, "fault-addr") !=
            (gint64)(d->addr + off)) {
            soak_fail(s, "unplugged 0x%" PRIx64 " of '%s' is still "
                      "mapped", d->addr + off, d->id);
        }
        json_object_unref(r);
    }
}

/* The guest follows @d to @size: plugged memory reads 0, unplugged goes. */
static void follow(Soak *s, SoakDev *d, guint64 size)
{
    guint64 old = d->plugged;

    wait_plugged(s, d, size);
    if (size > old) {
        soak_vmem_set(s, d, old, size - old, TRUE);
        soak_sample_zero(s, d->addr + old, size - old);
    } else if (size < old) {
        soak_vmem_set(s, d, size, old - size, FALSE);
        soak_check_gone(s, d, size, old - size);
    }
}

static SoakResult op_requested_size(Soak *s)
{
    SoakDev *d = any_dev(s, is_vmem);
    guint64 region, value;
    guint kind = rnd(s, 20);
    g_autofree char *err = NULL;

    if (!d) {
        return SOAK_SKIPPED;
    }
    region = d->be->size;
    if (kind < 4) {
        value = 0;
    } else if (kind < 7) {
        value = region;
    } else {
        value = rnd(s, region / d->block + 1) * d->block;
    }
    if (kind == 17 || kind == 18) {
        value = MIN(value, region - d->block) + d->block / 2;
        err = g_strdup_printf("'requested-size' has to be multiples of "
                              "'block-size' (0x%" PRIx64 ")", d->block);
    } else if (kind == 19) {
        value = region + d->block * (1 + rnd(s, 4));
        err = g_strdup_printf("'requested-size' cannot exceed the memory "
                              "backend size(0x%" PRIx64 ")", region);
    }
    soak_set_op(s, "qom-set %s requested-size 0x%" PRIx64 " (plugged 0x%"
                PRIx64 ")", d->id, value, d->plugged);
    if (err) {
        soak_expect_error(s, "GenericError", err, "{'execute': 'qom-set', "
                          "'arguments': {'path': '%s', 'property': "
                          "'requested-size', 'value': %" PRIu64 "}}",
                          d->id, value);
        return SOAK_REFUSED;
    }
    qtest_qmp_assert_success(s->qts, "{'execute': 'qom-set', 'arguments': "
                             "{'path': '%s', 'property': 'requested-size', "
                             "'value': %" PRIu64 "}}", d->id, value);
    d->requested = value;
    if (d->driven) {
        follow(s, d, value);
    } else if (value) {
        /* QEMU's virtio_mem_resize_usable_region(), grow only. */
        d->usable = MAX(d->usable, ROUND_UP(MIN(region, value + 256 * MiB),
                                            d->block));
    }
    return SOAK_DONE;
}

/* ------------------------------------------------------------------ */
/* Guest memory tests */

/*
 * A random range of up to @max_chunks chunks the guest reaches; with
 * @content, only plugged memory.  FALSE if there is none.
 */
static gboolean pick_range(Soak *s, gboolean content, guint max_chunks,
                           guint64 *addr, guint64 *size)
{
    guint which = rnd(s, s->devs->len + 1);
    guint64 base = SOAK_BOOT_TEST_BASE, len = SOAK_BOOT_TEST_SIZE;
    guint64 n, first, count, off;
    gboolean has;

    if (which < s->devs->len) {
        SoakDev *d = g_ptr_array_index(s->devs, which);

        base = d->addr;
        len = d->be->size;
    }
    n = len / CHUNK;
    for (guint tries = 0; tries < 8; tries++) {
        first = rnd(s, n);
        count = 1 + rnd(s, MIN(max_chunks, n - first));
        *addr = base + first * CHUNK;
        /* As far as the guest reaches (what it wrote, with @content). */
        for (*size = 0; *size < count * CHUNK; *size += CHUNK) {
            if (!soak_lookup(s, *addr + *size, &off, &has) ||
                (content && !has)) {
                break;
            }
        }
        if (*size) {
            return TRUE;
        }
    }
    return FALSE;
}

static SoakResult op_memtest_write(Soak *s)
{
    guint64 addr = SOAK_BOOT_TEST_BASE, size = CHUNK;
    guint64 seed = s->seeds[rnd(s, G_N_ELEMENTS(s->seeds))];

    /* Past the cap, only boot RAM, which is populated anyway. */
    if (soak_pattern_chunks(s) < SOAK_MAX_PATTERN_CHUNKS) {
        if (!pick_range(s, TRUE, 2, &addr, &size)) {
            return SOAK_SKIPPED;
        }
    } else {
        addr += rnd(s, SOAK_BOOT_TEST_SIZE / CHUNK) * CHUNK;
    }
    soak_set_op(s, "x-guest-memtest write-verify 0x%" PRIx64 "+0x%" PRIx64
                " seed 0x%" PRIx64, addr, size, seed);
    soak_memtest_expect(s, addr, size, seed, "write-verify");
    return SOAK_DONE;
}

static SoakResult op_memtest_verify(Soak *s)
{
    guint64 addr, size;
    guint64 seed = s->seeds[rnd(s, G_N_ELEMENTS(s->seeds))];
    gboolean zero = rnd(s, 5) < 2;

    /* Now and then a whole device (verify-zero reads the zero page). */
    if (!pick_range(s, FALSE, rnd(s, 10) ? 8 : 1024, &addr, &size)) {
        return SOAK_SKIPPED;
    }
    soak_set_op(s, "x-guest-memtest %s 0x%" PRIx64 "+0x%" PRIx64
                " seed 0x%" PRIx64, zero ? "verify-zero" : "verify", addr,
                size, seed);
    soak_memtest_expect(s, addr, size, zero ? 0 : seed,
                        zero ? "verify-zero" : "verify");
    return SOAK_DONE;
}

/* Memory the guest cannot reach: the walk faults at its first address. */
static SoakResult op_memtest_fault(Soak *s)
{
    for (guint tries = 0; tries < 16; tries++) {
        guint64 addr = SOAK_DEVMEM_BASE + rnd(s, 12 * GiB / CHUNK) * CHUNK;
        guint64 off;
        gboolean content;
        JsonObject *r;

        if (soak_lookup(s, addr, &off, &content)) {
            continue;
        }
        soak_set_op(s, "x-guest-memtest verify 0x%" PRIx64 " (unmapped)",
                    addr);
        r = soak_memtest(s, addr, CHUNK, 0, "verify");
        if (json_object_get_int_member(r, "checked") != 0 ||
            !json_object_has_member(r, "fault-addr") ||
            json_object_get_int_member(r, "fault-addr") != (gint64)addr) {
            soak_fail(s, "the guest reached 0x%" PRIx64, addr);
        }
        json_object_unref(r);
        return SOAK_DONE;
    }
    return SOAK_SKIPPED;
}

/* ------------------------------------------------------------------ */

static SoakStream *not_synced(Soak *s)
{
    for (guint i = 0; i < s->streams->len; i++) {
        SoakStream *st = g_ptr_array_index(s->streams, i);

        if (!st->reported) {
            return st;
        }
    }
    return NULL;
}

/*
 * Every device's current size has been reported since it changed (also
 * of devices deleted since).  Then the events sent before this step are
 * in (a query's answer comes after them), and those after it can only
 * say the current size.
 */
static SoakResult op_event_sync(Soak *s)
{
    SoakStream *st;
    gboolean waited = FALSE;

    soak_set_op(s, "wait for MEMORY_DEVICE_SIZE_CHANGE");
    while ((st = not_synced(s))) {
        g_autoptr(GString) sizes = g_string_new(NULL);
        JsonObject *ev;

        for (guint i = 0; i < st->sizes->len; i++) {
            g_string_append_printf(sizes, " 0x%" PRIx64,
                                   g_array_index(st->sizes, guint64, i));
        }
        soak_set_op(s, "wait for MEMORY_DEVICE_SIZE_CHANGE of '%s' (size "
                    "0x%" PRIx64 "; sizes since the last event:%s)", st->id,
                    st->current, sizes->str);
        ev = qtest_qmp_eventwait_ref(s->qts, "MEMORY_DEVICE_SIZE_CHANGE");
        soak_size_event(s, ev);
        json_object_unref(ev);
        waited = TRUE;
    }
    soak_check(s, FALSE);
    for (guint i = 0; i < s->streams->len; i++) {
        st = g_ptr_array_index(s->streams, i);
        g_array_remove_range(st->sizes, 0, st->sizes->len - 1);
    }
    return waited ? SOAK_DONE : SOAK_SKIPPED;
}

SoakResult soak_run_op(Soak *s, SoakOp op)
{
    switch (op) {
    case OP_OBJECT_ADD:
        return op_object_add(s);
    case OP_OBJECT_DEL:
        return op_object_del(s);
    case OP_DIMM_ADD:
        return op_dimm_add(s);
    case OP_VMEM_ADD:
        return op_vmem_add(s);
    case OP_DEVICE_DEL:
        return op_device_del(s);
    case OP_REQUESTED_SIZE:
        return op_requested_size(s);
    case OP_VMEM_REQUEST:
        return soak_op_vmem_request(s);
    case OP_MEMTEST_WRITE:
        return op_memtest_write(s);
    case OP_MEMTEST_VERIFY:
        return op_memtest_verify(s);
    case OP_MEMTEST_FAULT:
        return op_memtest_fault(s);
    case OP_STOPPED_UNPLUG:
        return op_stopped_unplug(s);
    case OP_EVENT_SYNC:
        return op_event_sync(s);
    default:
        g_assert_not_reached();
    }
}
