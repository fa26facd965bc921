/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The KVM soak: a seeded random mix of QMP operations on a running guest
 * (object-add/del, device_add/del of DIMMs and virtio-mem, qom-set
 * requested-size that the guest's virtio-mem driver follows, guest memory
 * tests), each checked against a model of the machine, and after every
 * step the whole model against query-memory-devices, x-query-memslots,
 * the events and the guest's view of memory.
 *
 *   soak-kvm [--seconds N] [--steps N] [--seed S]
 *
 * (or SOAK_SECONDS, SOAK_STEPS, SOAK_SEED).  It prints the seed first;
 * a failure prints the seed, the step and its operation, and how to run
 * exactly that again.  Exit 77 (skipped) without a usable /dev/kvm.
 */

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "soak-kvm.h"

const char *const soak_op_names[OP__MAX] = {
    [OP_OBJECT_ADD] = "object-add",
    [OP_OBJECT_DEL] = "object-del",
    [OP_DIMM_ADD] = "device_add pc-dimm",
    [OP_VMEM_ADD] = "device_add virtio-mem-pci",
    [OP_DEVICE_DEL] = "device_del",
    [OP_REQUESTED_SIZE] = "qom-set requested-size",
    [OP_VMEM_REQUEST] = "virtio-mem request",
    [OP_MEMTEST_WRITE] = "memtest write-verify",
    [OP_MEMTEST_VERIFY] = "memtest verify",
    [OP_MEMTEST_FAULT] = "memtest of unmapped memory",
    [OP_STOPPED_UNPLUG] = "device_del while stopped",
    [OP_EVENT_SYNC] = "wait for size events",
};

/* How likely each operation is, in percent. */
static const guint op_weights[OP__MAX] = {
    [OP_OBJECT_ADD] = 10,
    [OP_OBJECT_DEL] = 8,
    [OP_DIMM_ADD] = 12,
    [OP_VMEM_ADD] = 4,
    [OP_DEVICE_DEL] = 12,
    [OP_REQUESTED_SIZE] = 14,
    [OP_VMEM_REQUEST] = 10,
    [OP_MEMTEST_WRITE] = 12,
    [OP_MEMTEST_VERIFY] = 8,
    [OP_MEMTEST_FAULT] = 6,
    [OP_STOPPED_UNPLUG] = 2,
    [OP_EVENT_SYNC] = 2,
};

/* What a SIGABRT (a failed assertion anywhere) prints. */
static char fail_banner[512];

void soak_set_op(Soak *s, const char *fmt, ...)
{
    g_autofree char *what = NULL;
    va_list ap;

    va_start(ap, fmt);
    what = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    g_snprintf(fail_banner, sizeof(fail_banner),
               "soak: FAILED: seed %" G_GUINT64_FORMAT " step %u: %s\n"
               "soak: reproduce with: make soak SOAK_SEED=%" G_GUINT64_FORMAT
               " SOAK_STEPS=%u\n", s->seed, s->step, what, s->seed,
               s->step + 1);
    if (g_getenv("SOAK_VERBOSE")) {
        printf("soak: step %u: %s\n", s->step, what);
    }
}

static void on_abort(int sig)
{
    if (fail_banner[0]) {
        ssize_t n = write(STDERR_FILENO, fail_banner, strlen(fail_banner));

        (void)n;
    }
    signal(sig, SIG_DFL);
    raise(sig);
}

void soak_fail(Soak *s, const char *fmt, ...)
{
    g_autofree char *msg = NULL;
    va_list ap;

    va_start(ap, fmt);
    msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    fflush(stdout);
    fprintf(stderr, "soak: %s\n", msg);
    abort();
}

/* ------------------------------------------------------------------ */
/* The model */

SoakBackend *soak_backend(Soak *s, const char *id)
{
    for (guint i = 0; i < s->n_backends; i++) {
        if (!strcmp(s->backends[i].id, id) && s->backends[i].size) {
            return &s->backends[i];
        }
    }
    return NULL;
}

SoakDev *soak_dev(Soak *s, const char *id)
{
    for (guint i = 0; i < s->devs->len; i++) {
        SoakDev *d = g_ptr_array_index(s->devs, i);

        if (!strcmp(d->id, id)) {
            return d;
        }
    }
    return NULL;
}

guint64 soak_used_size(Soak *s)
{
    guint64 used = 0;

    for (guint i = 0; i < s->devs->len; i++) {
        used += ((SoakDev *)g_ptr_array_index(s->devs, i))->be->size;
    }
    return used;
}

static gint dev_cmp(gconstpointer a, gconstpointer b)
{
    const SoakDev *x = *(SoakDev *const *)a, *y = *(SoakDev *const *)b;

    return x->addr < y->addr ? -1 : x->addr > y->addr;
}

void soak_insert_dev(Soak *s, SoakDev *dev)
{
    dev->be->user = dev;
    g_ptr_array_add(s->devs, dev);
    g_ptr_array_sort(s->devs, dev_cmp);
    s->peak_devs = MAX(s->peak_devs, s->devs->len);
}

void soak_remove_dev(Soak *s, SoakDev *dev)
{
    dev->be->user = NULL;
    g_ptr_array_remove(s->devs, dev);
    g_free(dev->blocks);
    g_free(dev);
}

void soak_chunks_zero(SoakBackend *be, guint64 offset, guint64 size)
{
    memset(&be->chunks[offset / CHUNK], 0, size / CHUNK * sizeof(SoakChunk));
}

guint soak_pattern_chunks(Soak *s)
{
    guint n = 0;

    for (guint i = 0; i < s->n_backends; i++) {
        for (guint64 c = 0; c < s->backends[i].size / CHUNK; c++) {
            n += !!s->backends[i].chunks[c].seed;
        }
    }
    return n;
}

/*
 * The guest reaches @gpa if boot RAM, a DIMM or a mapped part of a
 * virtio-mem device is there.  @has_content: plugged memory (DIMM, boot
 * RAM, a virtio-mem device's plugged range), else memory that is mapped
 * but unplugged, which reads 0.
 */
SoakBackend *soak_lookup(Soak *s, guint64 gpa, guint64 *offset,
                         gboolean *has_content)
{
    if (gpa >= SOAK_BOOT_TEST_BASE &&
        gpa < SOAK_BOOT_TEST_BASE + SOAK_BOOT_TEST_SIZE) {
        *offset = gpa - SOAK_BOOT_TEST_BASE;
        *has_content = TRUE;
        return &s->boot;
    }
    for (guint i = 0; i < s->devs->len; i++) {
        SoakDev *d = g_ptr_array_index(s->devs, i);

        if (gpa < d->addr || gpa >= d->addr + d->be->size) {
            continue;
        }
        *offset = gpa - d->addr;
        *has_content = d->kind == SOAK_DIMM ||
                       d->blocks[*offset / d->block];
        if (d->kind == SOAK_DIMM || !soak_vmem_multi_slot(d)) {
            return d->be;
        }
        /* Dynamic memslots of 1 GiB: mapped if anything in it is. */
        return soak_vmem_slot_active(d, *offset) ? d->be : NULL;
    }
    return NULL;
}

/*
 * With dynamic-memslots=on, a device's memslots (1 GiB, or one for all of
 * a smaller device) are mapped only while something in them is plugged.
 */
gboolean soak_vmem_multi_slot(SoakDev *d)
{
    return d->dynamic;
}

/* Whether anything is plugged in the (1 GiB) memslot at @offset. */
gboolean soak_vmem_slot_active(SoakDev *d, guint64 offset)
{
    guint64 first = ROUND_DOWN(offset, GiB);
    guint64 end = MIN(first + GiB, d->be->size);

    for (guint64 b = first / d->block; b < end / d->block; b++) {
        if (d->blocks[b]) {
            return TRUE;
        }
    }
    return FALSE;
}

void soak_vmem_set(Soak *s, SoakDev *d, guint64 offset, guint64 size,
                   gboolean plug)
{
    /* Unplugging may cover unplugged blocks too (UNPLUG_ALL). */
    for (guint64 b = offset / d->block; b < (offset + size) / d->block;
         b++) {
        g_assert(!plug || !d->blocks[b]);
        d->plugged += plug ? d->block : -d->block * d->blocks[b];
        d->blocks[b] = plug;
    }
    if (!plug) {
        soak_chunks_zero(d->be, offset, size);
    }
    g_array_append_val(d->stream->sizes, d->plugged);
    d->stream->current = d->plugged;
    d->stream->reported = FALSE;
    s->peak_plugged = MAX(s->peak_plugged, d->plugged);
}

static SoakStream *stream(Soak *s, const char *id)
{
    SoakStream *st;

    for (guint i = 0; i < s->streams->len; i++) {
        st = g_ptr_array_index(s->streams, i);
        if (!strcmp(st->id, id)) {
            return st;
        }
    }
    return NULL;
}

void soak_vmem_init(Soak *s, SoakDev *d, guint64 block)
{
    d->kind = SOAK_VMEM;
    d->block = block;
    d->blocks = g_new0(guint8, d->be->size / block);
    d->stream = stream(s, d->id);
    if (!d->stream) {
        d->stream = g_new0(SoakStream, 1);
        g_strlcpy(d->stream->id, d->id, sizeof(d->stream->id));
        d->stream->sizes = g_array_new(FALSE, FALSE, sizeof(guint64));
        g_array_append_val(d->stream->sizes, d->plugged);
        d->stream->reported = TRUE;
        g_ptr_array_add(s->streams, d->stream);
    }
    /* A device goes only empty: the stream's size is 0 already. */
    g_assert(d->stream->current == 0);
}

/* The memslots the model's devices take. */
static gint64 model_memslots(Soak *s)
{
    gint64 n = 0;

    for (guint i = 0; i < s->devs->len; i++) {
        SoakDev *d = g_ptr_array_index(s->devs, i);

        if (d->kind != SOAK_VMEM || !soak_vmem_multi_slot(d)) {
            n++;
            continue;
        }
        for (guint64 off = 0; off < d->be->size; off += GiB) {
            n += soak_vmem_slot_active(d, off);
        }
    }
    return n;
}

/* ------------------------------------------------------------------ */
/* QMP */

void soak_expect_error(Soak *s, const char *klass, const char *desc,
                       const char *fmt, ...)
{
    g_autoptr(JsonObject) rsp = NULL;
    JsonObject *err;
    va_list ap;

    va_start(ap, fmt);
    rsp = qtest_vqmp(s->qts, fmt, ap);
    va_end(ap);
    if (!json_object_has_member(rsp, "error")) {
        soak_fail(s, "succeeded, expected error '%s'", desc);
    }
    err = json_object_get_object_member(rsp, "error");
    if (strcmp(json_object_get_string_member(err, "class"), klass) ||
        strcmp(json_object_get_string_member(err, "desc"), desc)) {
        soak_fail(s, "error %s '%s', expected %s '%s'",
                  json_object_get_string_member(err, "class"),
                  json_object_get_string_member(err, "desc"), klass, desc);
    }
}

/* The next @name event, which must be about @device (ACPI: @source). */
void soak_wait_event(Soak *s, const char *name, const char *device,
                     gint64 source)
{
    g_autoptr(JsonObject) ev = qtest_qmp_eventwait_ref(s->qts, name);
    JsonObject *data;

    s->events++;
    if (!device && source == 0) {
        return;             /* STOP, RESUME */
    }
    data = json_object_get_object_member(ev, "data");
    if (!strcmp(name, "ACPI_DEVICE_OST")) {
        JsonObject *info = json_object_get_object_member(data, "info");

        if (g_strcmp0(device, json_object_has_member(info, "device") ?
                      json_object_get_string_member(info, "device") : NULL) ||
            strcmp(json_object_get_string_member(info, "slot-type"),
                   "DIMM") ||
            json_object_get_int_member(info, "source") != source ||
            json_object_get_int_member(info, "status") != 0) {
            soak_fail(s, "unexpected ACPI_DEVICE_OST");
        }
        return;
    }
    if (strcmp(json_object_get_string_member(data, "device"), device)) {
        soak_fail(s, "%s of '%s', expected '%s'", name,
                  json_object_get_string_member(data, "device"), device);
    }
}

JsonObject *soak_memtest(Soak *s, guint64 addr, guint64 size, guint64 seed,
                         const char *mode)
{
    JsonNode *ret = qtest_qmp_assert_success_ref(
        s->qts, "{'execute': 'x-guest-memtest', 'arguments': {'addr': %"
        G_GUINT64_FORMAT ", 'size': %" G_GUINT64_FORMAT ", 'seed': %"
        G_GUINT64_FORMAT ", 'mode': '%s'}}", addr, size, seed, mode);
    JsonObject *r = json_object_ref(json_node_get_object(ret));

    json_node_unref(ret);
    s->memtests++;
    return r;
}

/*
 * Runs a memory test over [@addr, @addr + @size), all reachable, and
 * compares it with what the model says the guest finds there.
 */
void soak_memtest_expect(Soak *s, guint64 addr, guint64 size, guint64 seed,
                         const char *mode)
{
    g_autoptr(JsonObject) r = NULL;
    gboolean write = !strcmp(mode, "write-verify");
    gboolean zero = !strcmp(mode, "verify-zero");
    guint64 want = 0;

    for (guint64 a = addr; a < addr + size; a += CHUNK) {
        guint64 off;
        gboolean content;
        SoakBackend *be = soak_lookup(s, a, &off, &content);
        SoakChunk *c;

        g_assert(be);
        c = &be->chunks[off / CHUNK];
        if (write) {
            c->seed = seed;
            c->gpa = a;
        } else if (zero ? c->seed != 0 :
                   c->seed != seed || c->gpa != a) {
            want += CHUNK / 8;
        }
    }
    r = soak_memtest(s, addr, size, seed, mode);
    if (json_object_has_member(r, "fault-addr") ||
        json_object_get_int_member(r, "checked") != (gint64)size ||
        json_object_get_int_member(r, "mismatches") != (gint64)want) {
        soak_fail(s, "%s 0x%" PRIx64 "+0x%" PRIx64 " seed 0x%" PRIx64
                  ": checked %" PRId64 " mismatches %" PRId64 "%s, "
                  "expected %" PRIu64 " mismatches", mode, addr, size, seed,
                  json_object_get_int_member(r, "checked"),
                  json_object_get_int_member(r, "mismatches"),
                  json_object_has_member(r, "fault-addr") ? " (faulted)" :
                  "", want);
    }
}

/* ------------------------------------------------------------------ */
/* The checks after every step */

static guint64 member_u64(JsonObject *o, const char *name)
{
    return json_object_get_int_member(o, name);
}

static void check_devices(Soak *s)
{
    JsonNode *ret = qtest_qmp_assert_success_ref(
        s->qts, "{'execute': 'query-memory-devices'}");
    JsonArray *list = json_node_get_array(ret);

    if (json_array_get_length(list) != s->devs->len) {
        soak_fail(s, "query-memory-devices lists %u devices, the model %u",
                  json_array_get_length(list), s->devs->len);
    }
    for (guint i = 0; i < s->devs->len; i++) {
        SoakDev *d = g_ptr_array_index(s->devs, i);
        JsonObject *e = json_array_get_object_element(list, i);
        JsonObject *data = json_object_get_object_member(e, "data");
        g_autofree char *memdev = g_strdup_printf("/objects/%s", d->be->id);
        const char *type = d->kind == SOAK_DIMM ? "dimm" : "virtio-mem";
        gboolean same = !strcmp(json_object_get_string_member(e, "type"),
                                type) &&
            !strcmp(json_object_get_string_member(data, "id"), d->id) &&
            !strcmp(json_object_get_string_member(data, "memdev"), memdev);

        if (same && d->kind == SOAK_DIMM) {
            same = member_u64(data, "addr") == d->addr &&
                member_u64(data, "size") == d->be->size &&
                (gint)member_u64(data, "slot") == d->slot &&
                json_object_get_boolean_member(data, "hotplugged") ==
                d->hotplugged;
        } else if (same) {
            same = member_u64(data, "memaddr") == d->addr &&
                member_u64(data, "max-size") == d->be->size &&
                member_u64(data, "block-size") == d->block &&
                member_u64(data, "requested-size") == d->requested &&
                member_u64(data, "size") == d->plugged;
        }
        if (!same) {
            g_autofree char *got = json_to_string(
                json_array_get_element(list, i), FALSE);

            soak_fail(s, "query-memory-devices[%u] is %s; the model: %s "
                      "'%s' at 0x%" PRIx64 " memdev %s size 0x%" PRIx64
                      " slot %d plugged 0x%" PRIx64 " requested 0x%" PRIx64,
                      i, got, type, d->id, d->addr, d->be->id, d->be->size,
                      d->slot, d->plugged, d->requested);
        }
    }
    json_node_unref(ret);
}

/*
 * A MEMORY_DEVICE_SIZE_CHANGE: of a size the device had since the one
 * the last event reported (that one again, too: the event is rate
 * limited, the newest of a second comes, so A, B, A in a second is A).
 */
void soak_size_event(Soak *s, JsonObject *ev)
{
    JsonObject *data = json_object_get_object_member(ev, "data");
    SoakStream *d = stream(s, json_object_get_string_member(data, "id"));
    guint64 size = json_object_get_int_member(data, "size");
    g_autofree char *path = NULL;
    guint i = 0;

    s->events++;
    if (g_getenv("SOAK_VERBOSE")) {
        printf("soak: event MEMORY_DEVICE_SIZE_CHANGE %s 0x%" PRIx64 " at %"
               PRId64 "\n", json_object_get_string_member(data, "id"), size,
               json_object_get_int_member(json_object_get_object_member(
                   ev, "timestamp"), "seconds"));
    }
    if (d) {
        path = g_strdup_printf("/machine/peripheral/%s", d->id);
        while (i < d->sizes->len &&
               g_array_index(d->sizes, guint64, i) != size) {
            i++;
        }
    }
    if (!d || i == d->sizes->len ||
        strcmp(json_object_get_string_member(data, "qom-path"), path)) {
        soak_fail(s, "unexpected MEMORY_DEVICE_SIZE_CHANGE of '%s' "
                  "(size 0x%" PRIx64 ")",
                  json_object_get_string_member(data, "id"), size);
    }
    g_array_remove_range(d->sizes, 0, i);
    d->reported |= size == d->current;
}

/* Events left over after a step: size changes only (the step took the rest). */
static void check_events(Soak *s)
{
    JsonObject *ev;

    while ((ev = qtest_qmp_event_pop(s->qts))) {
        const char *name = json_object_get_string_member(ev, "event");

        if (strcmp(name, "MEMORY_DEVICE_SIZE_CHANGE")) {
            soak_fail(s, "unexpected event %s", name);
        }
        soak_size_event(s, ev);
        json_object_unref(ev);
    }
}

static void check_memslots(Soak *s)
{
    gint64 used = kvm_qtest_memslots_used(s->qts);

    if (used != s->base_memslots + model_memslots(s)) {
        soak_fail(s, "x-query-memslots: %" PRId64 " used, the model %"
                  PRId64 " + %" PRId64, used, s->base_memslots,
                  model_memslots(s));
    }
}

/* Every written chunk the guest can reach where it was written. */
static void check_patterns(Soak *s)
{
    for (guint i = 0; i < s->n_backends; i++) {
        SoakBackend *be = &s->backends[i];

        for (guint64 c = 0; c < be->size / CHUNK; c++) {
            guint64 off, gpa = be->chunks[c].gpa;
            gboolean content;

            if (be->chunks[c].seed &&
                soak_lookup(s, gpa, &off, &content) == be &&
                off == c * CHUNK && content) {
                soak_memtest_expect(s, gpa, CHUNK, be->chunks[c].seed,
                                    "verify");
            }
        }
    }
}

void soak_check(Soak *s, gboolean running)
{
    check_devices(s);
    check_events(s);
    check_memslots(s);
    if (running) {
        check_patterns(s);
    }
}

/* ------------------------------------------------------------------ */
/* Start, run, report */

static void backend_init(SoakBackend *be, const char *id, guint64 size,
                         gboolean cold)
{
    g_strlcpy(be->id, id, sizeof(be->id));
    be->size = size;
    be->cold = cold;
    g_free(be->chunks);
    be->chunks = g_new0(SoakChunk, size / CHUNK);
}

static SoakDev *cold_vmem(Soak *s, const char *id, SoakBackend *be,
                          guint64 addr, guint64 block, gboolean dynamic)
{
    SoakDev *d = g_new0(SoakDev, 1);

    g_strlcpy(d->id, id, sizeof(d->id));
    d->be = be;
    d->addr = addr;
    d->slot = -1;
    d->driven = TRUE;
    d->dynamic = dynamic;
    soak_vmem_init(s, d, block);
    soak_insert_dev(s, d);
    return d;
}

static void soak_start(Soak *s)
{
    s->boot.size = SOAK_BOOT_TEST_SIZE;
    s->boot.chunks = g_new0(SoakChunk, SOAK_BOOT_TEST_SIZE / CHUNK);
    g_strlcpy(s->boot.id, "(boot RAM)", sizeof(s->boot.id));
    s->n_backends = SOAK_MAX_BACKENDS + 2;
    backend_init(&s->backends[SOAK_MAX_BACKENDS], "vb0", 2 * GiB, TRUE);
    backend_init(&s->backends[SOAK_MAX_BACKENDS + 1], "vb1", 512 * MiB,
                 TRUE);
    s->devs = g_ptr_array_new();
    s->streams = g_ptr_array_new();
    /*
     * Two virtio-mem devices the guest's driver follows: 2 GiB in two
     * dynamic memslots, and 512 MiB of 4 MiB blocks in one memslot.
     * Nothing is populated that the guest does not write (reserve=off).
     */
    s->qts = qtest_initf(
        "-accel kvm -M pc -m 256M,slots=%d,maxmem=8G "
        "-object memory-backend-ram,id=vb0,size=2G,reserve=off "
        "-device virtio-mem-pci,id=vm0,memdev=vb0,dynamic-memslots=on "
        "-object memory-backend-ram,id=vb1,size=512M,reserve=off "
        "-device virtio-mem-pci,id=vm1,memdev=vb1,block-size=4M",
        SOAK_SLOTS);
    cold_vmem(s, "vm0", &s->backends[SOAK_MAX_BACKENDS], SOAK_DEVMEM_BASE,
              CHUNK, TRUE);
    cold_vmem(s, "vm1", &s->backends[SOAK_MAX_BACKENDS + 1],
              SOAK_DEVMEM_BASE + 2 * GiB, 4 * MiB, FALSE);
    /* The boot RAM's memslot and the payload's own. */
    s->base_memslots = 2;
    soak_set_op(s, "start");
    /*
     * The guest serves a memory test only once its drivers have probed
     * the PCI bus.  Until then a hot-plugged virtio-mem-pci would be
     * found and driven, where the model says no driver follows it.
     */
    soak_memtest_expect(s, SOAK_BOOT_TEST_BASE, CHUNK, 0, "verify-zero");
    soak_check(s, TRUE);
}

static SoakOp pick_op(Soak *s)
{
    guint r = g_rand_int_range(s->rand, 0, 100);

    for (SoakOp op = 0; op < OP__MAX; op++) {
        if (r < op_weights[op]) {
            return op;
        }
        r -= op_weights[op];
    }
    g_assert_not_reached();
}

static void report(Soak *s, gdouble secs)
{
    g_autoptr(GString) ops = g_string_new(NULL);

    for (SoakOp op = 0; op < OP__MAX; op++) {
        g_string_append_printf(ops, "soak:   %-28s %6u done %6u refused "
                               "%6u skipped\n", soak_op_names[op],
                               s->count[op][SOAK_DONE],
                               s->count[op][SOAK_REFUSED],
                               s->count[op][SOAK_SKIPPED]);
    }
    printf("soak: seed %" G_GUINT64_FORMAT ": %u steps in %.1f s, all "
           "checked\n%s", s->seed, s->step, secs, ops->str);
    printf("soak: %u guest memory tests, %u events, peak %u memory devices,"
           " peak %" G_GUINT64_FORMAT " MiB plugged into virtio-mem\n",
           s->memtests, s->events, s->peak_devs, s->peak_plugged / MiB);
}

static gboolean kvm_usable(void)
{
    int fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);

    if (fd < 0) {
        return FALSE;
    }
    close(fd);
    return TRUE;
}

static guint64 arg_or_env(int argc, char **argv, const char *opt,
                          const char *env, guint64 dflt, gboolean *given)
{
    const char *v = g_getenv(env);

    for (int i = 1; i + 1 < argc; i++) {
        if (!strcmp(argv[i], opt)) {
            v = argv[i + 1];
        }
    }
    if (given) {
        *given = v && *v;
    }
    return v && *v ? g_ascii_strtoull(v, NULL, 0) : dflt;
}

int main(int argc, char **argv)
{
    Soak s = { 0 };
    gboolean seeded;
    guint64 seconds, steps;
    gint64 start, end;
    guint32 seed_words[2];

    setvbuf(stdout, NULL, _IOLBF, 0);
    seconds = arg_or_env(argc, argv, "--seconds", "SOAK_SECONDS", 60, NULL);
    steps = arg_or_env(argc, argv, "--steps", "SOAK_STEPS", 0, NULL);
    s.seed = arg_or_env(argc, argv, "--seed", "SOAK_SEED", 0, &seeded);
    if (!seeded) {
        s.seed = g_get_real_time() ^ ((guint64)getpid() << 32);
    }
    printf("soak: seed %" G_GUINT64_FORMAT " (SOAK_SEED=%" G_GUINT64_FORMAT
           " reproduces this run), %s %" G_GUINT64_FORMAT "\n", s.seed,
           s.seed, steps ? "steps" : "seconds", steps ? steps : seconds);
    fflush(stdout);
    if (!kvm_usable()) {
        printf("soak: skipped: /dev/kvm is not usable here\n");
        return 77;
    }
    signal(SIGABRT, on_abort);
    signal(SIGTRAP, on_abort);
    seed_words[0] = s.seed;
    seed_words[1] = s.seed >> 32;
    s.rand = g_rand_new_with_seed_array(seed_words, 2);
    for (guint i = 0; i < G_N_ELEMENTS(s.seeds); i++) {
        /* Bit 63 set: no pattern word is ever 0. */
        s.seeds[i] = ((guint64)g_rand_int(s.rand) << 32 |
                      g_rand_int(s.rand)) | G_GUINT64_CONSTANT(1) << 63;
    }
    soak_start(&s);
    start = g_get_monotonic_time();
    end = start + seconds * G_USEC_PER_SEC;
    for (s.step = 0; steps ? s.step < steps :
         g_get_monotonic_time() < end; s.step++) {
        SoakOp op = pick_op(&s);

        soak_set_op(&s, "%s", soak_op_names[op]);
        s.count[op][soak_run_op(&s, op)]++;
        soak_check(&s, TRUE);
    }
    soak_set_op(&s, "final wait for size events");
    soak_run_op(&s, OP_EVENT_SYNC);
    soak_check(&s, TRUE);
    report(&s, (g_get_monotonic_time() - start) / (gdouble)G_USEC_PER_SEC);
    qtest_quit(s.qts);
    fail_banner[0] = 0;
    while (s.devs->len) {
        soak_remove_dev(&s, g_ptr_array_index(s.devs, 0));
    }
    g_ptr_array_unref(s.devs);
    for (guint i = 0; i < s.streams->len; i++) {
        SoakStream *st = g_ptr_array_index(s.streams, i);

        g_array_unref(st->sizes);
        g_free(st);
    }
    g_ptr_array_unref(s.streams);
    for (guint i = 0; i < s.n_backends; i++) {
        g_free(s.backends[i].chunks);
    }
    g_free(s.boot.chunks);
    g_rand_free(s.rand);
    return 0;
}
