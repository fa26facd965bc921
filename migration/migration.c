/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Outgoing precopy migration: the state machine and its thread. */

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "migration/channel.h"
#include "migration/migration-internal.h"
#include "qapi/qmp-event.h"
#include "qobject/json.h"
#include "system/runstate.h"
#include "util/error.h"
#include "util/main-loop.h"

#define PAGE QMEM_TARGET_PAGE_SIZE
/* How long the source waits for the destination's answer at the end. */
#define RP_TIMEOUT_MS 60000

static const char *const status_names[QMEM_MIGRATION_STATUS__MAX] = {
    "none", "setup", "cancelling", "cancelled", "active",
    "postcopy-active", "postcopy-paused", "postcopy-recover", "completed",
    "failed", "colo", "pre-switchover", "device", "wait-unplug",
};

const char *const mig_capability_names[MIG_CAP__MAX + 1] = {
    "xbzrle", "rdma-pin-all", "auto-converge", "zero-blocks", "compress",
    "events", "postcopy-ram", "x-colo", "release-ram", "block",
    "return-path", "pause-before-switchover", "multifd", "dirty-bitmaps",
    "postcopy-blocktime", "late-block-activate", "x-ignore-shared",
    "validate-uuid", "background-snapshot", "zero-copy-send",
    "postcopy-preempt", NULL,
};

static MigrationState current = {
    .max_bandwidth = 32 << 20,      /* QEMU's MAX_THROTTLE */
    .downtime_limit = 300,          /* QEMU's DEFAULT_MIGRATE_SET_DOWNTIME */
    .fd = -1,
};

const char *qmem_migration_status_str(QmemMigrationStatus status)
{
    g_return_val_if_fail(status < QMEM_MIGRATION_STATUS__MAX, NULL);
    return status_names[status];
}

MigrationState *mig_get_current(void)
{
    return &current;
}

gboolean mig_is_running(QmemMigrationStatus status)
{
    switch (status) {
    case QMEM_MIGRATION_STATUS_SETUP:
    case QMEM_MIGRATION_STATUS_ACTIVE:
    case QMEM_MIGRATION_STATUS_CANCELLING:
    case QMEM_MIGRATION_STATUS_DEVICE:
    case QMEM_MIGRATION_STATUS_PRE_SWITCHOVER:
        return TRUE;
    default:
        return FALSE;
    }
}

void mig_set_state(QmemMigrationStatus *state, QmemMigrationStatus to)
{
    g_assert(qmem_bql_locked());
    if (*state == to) {
        return;
    }
    *state = to;
    if (current.caps[MIG_CAP_EVENTS]) {
        g_autoptr(JsonObject) data = json_object_new();

        json_object_set_string_member(data, "status", status_names[to]);
        qmem_qapi_event_emit("MIGRATION", data);
    }
}

static gint64 now_ms(void)
{
    return g_get_real_time() / 1000;
}

/* The thread's work: everything it shares is in @s, or under the BQL. */
typedef struct {
    MigrationState *s;
    QmemMigFile *f;
    gboolean has_rp;
    GPid child;
    MigRam *ram;
    gboolean vm_was_running;
    GError *error;
} Outgoing;

static void fail(Outgoing *o, const char *fmt, ...) G_GNUC_PRINTF(2, 3);

static void fail(Outgoing *o, const char *fmt, ...)
{
    va_list ap;

    if (o->error) {
        return;
    }
    va_start(ap, fmt);
    o->error = g_error_new_valist(QMEM_ERROR, QMEM_ERROR_GENERIC, fmt, ap);
    va_end(ap);
}

/*
 * The destination's answer on the return path: "QMRP", be32 status (0 or
 * a positive errno), be32 length, the message.  @timeout_ms 0: only if
 * something is there already.  Returns: whether an answer came.
 */
static gboolean read_rp(Outgoing *o, int timeout_ms, gboolean *ok)
{
    struct pollfd pfd = { .fd = qmem_mig_file_get_fd(o->f), .events = POLLIN };
    guint8 head[12];
    guint32 status, len;
    g_autofree char *msg = NULL;
    gsize got = 0;

    if (!o->has_rp || poll(&pfd, 1, timeout_ms) <= 0) {
        return FALSE;
    }
    while (got < sizeof(head)) {
        ssize_t n = recv(pfd.fd, head + got, sizeof(head) - got, 0);

        if (n <= 0) {
            return FALSE;
        }
        got += n;
    }
    if (memcmp(head, MIG_RP_MAGIC, 4)) {
        return FALSE;
    }
    memcpy(&status, head + 4, 4);
    memcpy(&len, head + 8, 4);
    status = GUINT32_FROM_BE(status);
    len = MIN(GUINT32_FROM_BE(len), 4096);
    msg = g_malloc0(len + 1);
    for (got = 0; got < len;) {
        ssize_t n = recv(pfd.fd, msg + got, len - got, 0);

        if (n <= 0) {
            break;
        }
        got += n;
    }
    *ok = status == 0;
    if (!*ok) {
        fail(o, "%s", msg);
    }
    return TRUE;
}

/* An error of the stream, in QEMU's words where it has some. */
static void check_stream(Outgoing *o)
{
    int err = qmem_mig_file_get_error(o->f);
    gboolean ok;

    if (err && !o->error) {
        /* The destination may have said why it hung up. */
        if (!read_rp(o, 100, &ok)) {
            fail(o, "Unable to write to socket: %s", g_strerror(-err));
        }
    }
}

static void setup(Outgoing *o)
{
    MigrationState *s = o->s;
    g_autoptr(GByteArray) devices = NULL;

    qmem_bql_lock();
    o->ram = mig_ram_setup(s->caps[MIG_CAP_X_IGNORE_SHARED], &s->counters);
    devices = mig_save_devices(TRUE);
    qmem_bql_unlock();

    qmem_mig_put_buffer(o->f, MIG_MAGIC, MIG_MAGIC_LEN);
    qmem_mig_put_be32(o->f, MIG_VERSION);
    mig_ram_save_blocks(o->ram, o->f);
    /* Early migration: the devices' state goes before any RAM. */
    qmem_mig_put_buffer(o->f, devices->data, devices->len);
    qmem_mig_flush(o->f);
    check_stream(o);
}

/* Under the BQL: the dirty log into the bitmaps; MIGRATION_PASS. */
static void sync_dirty(Outgoing *o)
{
    MigrationState *s = o->s;

    mig_ram_sync(o->ram);
    if (s->caps[MIG_CAP_EVENTS]) {
        g_autoptr(JsonObject) data = json_object_new();

        json_object_set_int_member(data, "pass",
                                   s->counters.dirty_sync_count);
        qmem_qapi_event_emit("MIGRATION_PASS", data);
    }
}

/* Updates bandwidth and the expected downtime after a pass. */
static void update_counters(MigrationState *s, guint64 bytes, guint64 pages,
                            gint64 ms)
{
    double bw;

    ms = MAX(ms, 1);
    bw = (double)bytes / ms;                    /* bytes per ms */
    s->mbps = bw * 1000 * 8 / 1e6;
    s->pages_per_second = pages * 1000 / ms;
    s->expected_downtime = bw > 0 ?
        (gint64)(s->counters.remaining_pages * PAGE / bw) : 0;
}

/* Precopy passes until what is left fits the downtime limit. */
static void iterate(Outgoing *o)
{
    MigrationState *s = o->s;
    double bw = 0;      /* bytes per ms */
    gboolean ok;

    qmem_mig_set_rate_limit(o->f, s->max_bandwidth);
    for (;;) {
        guint64 before = qmem_mig_file_transferred(o->f);
        gint64 start = g_get_monotonic_time();
        guint64 pages = s->counters.remaining_pages;
        guint64 sent, bytes;

        if (s->counters.dirty_sync_count &&
            pages * PAGE <= bw * s->downtime_limit) {
            return;
        }
        sent = mig_ram_save_pass(o->ram, o->f, &s->stop);
        qmem_mig_flush(o->f);
        bytes = qmem_mig_file_transferred(o->f) - before;
        s->counters.transferred += bytes;
        s->counters.precopy_bytes += bytes;
        if (g_atomic_int_get(&s->stop)) {
            return;
        }
        check_stream(o);
        if (o->error || read_rp(o, 0, &ok)) {
            if (!o->error) {
                fail(o, "the destination ended the migration");
            }
            return;
        }
        bw = (double)bytes / MAX((g_get_monotonic_time() - start) / 1000, 1);
        qmem_bql_lock();
        sync_dirty(o);
        s->counters.dirty_pages_rate = s->counters.remaining_pages * 1000 /
            MAX((g_get_monotonic_time() - start) / 1000, 1);
        qmem_bql_unlock();
        update_counters(s, bytes, sent,
                        (g_get_monotonic_time() - start) / 1000);
    }
}

/* The vCPUs stop, the rest goes, the destination answers. */
static void complete(Outgoing *o, gint64 *stop_time)
{
    MigrationState *s = o->s;
    g_autoptr(GByteArray) late = NULL;
    guint64 before;
    gboolean ok = FALSE;

    qmem_bql_lock();
    *stop_time = now_ms();
    o->vm_was_running = qmem_runstate_is_running();
    if (o->vm_was_running) {
        qmem_vm_stop(QMEM_RUN_STATE_FINISH_MIGRATE);
    } else {
        qmem_runstate_set(QMEM_RUN_STATE_FINISH_MIGRATE);
    }
    sync_dirty(o);
    /* virtio-mem without x-early-migration: after the last pages. */
    late = mig_save_devices(FALSE);
    qmem_bql_unlock();

    before = qmem_mig_file_transferred(o->f);
    qmem_mig_set_rate_limit(o->f, 0);
    mig_ram_save_pass(o->ram, o->f, &s->stop);
    qmem_mig_put_buffer(o->f, late->data, late->len);
    qmem_mig_put_byte(o->f, MIG_SEC_END);
    qmem_mig_flush(o->f);
    s->counters.transferred += qmem_mig_file_transferred(o->f) - before;
    s->counters.downtime_bytes += qmem_mig_file_transferred(o->f) - before;
    check_stream(o);
    if (o->error || g_atomic_int_get(&s->stop) || !o->has_rp) {
        return;
    }
    if (!read_rp(o, RP_TIMEOUT_MS, &ok)) {
        fail(o, "the destination did not acknowledge the migration");
    }
}

static void finish(Outgoing *o, gint64 stop_time)
{
    MigrationState *s = o->s;

    qmem_bql_lock();
    mig_ram_cleanup(o->ram);
    if (!o->error && !g_atomic_int_get(&s->stop)) {
        s->downtime = now_ms() - stop_time;
        s->total_time = now_ms() - s->start_time;
        s->counters.remaining_pages = 0;
        qmem_runstate_set(QMEM_RUN_STATE_POSTMIGRATE);
        mig_set_state(&s->status, QMEM_MIGRATION_STATUS_COMPLETED);
    } else {
        if (o->error && !g_atomic_int_get(&s->stop)) {
            g_free(s->error_desc);
            s->error_desc = g_strdup(o->error->message);
            mig_set_state(&s->status, QMEM_MIGRATION_STATUS_FAILED);
        } else {
            mig_set_state(&s->status, QMEM_MIGRATION_STATUS_CANCELLED);
        }
        /* QEMU's migration_iteration_finish(): the source goes on. */
        if (o->vm_was_running) {
            qmem_vm_start();
        } else if (qmem_runstate_check(QMEM_RUN_STATE_FINISH_MIGRATE)) {
            qmem_runstate_set(QMEM_RUN_STATE_POSTMIGRATE);
        }
    }
    qmem_migration_set_active(FALSE);
    s->fd = -1;
    qmem_bql_unlock();
}

static gpointer outgoing_thread(gpointer opaque)
{
    Outgoing *o = opaque;
    MigrationState *s = o->s;
    gint64 stop_time = 0;

    setup(o);
    qmem_bql_lock();
    s->setup_time = now_ms() - s->start_time;
    if (!o->error && !g_atomic_int_get(&s->stop)) {
        mig_set_state(&s->status, QMEM_MIGRATION_STATUS_ACTIVE);
    }
    qmem_bql_unlock();
    if (!o->error && !g_atomic_int_get(&s->stop)) {
        qmem_bql_lock();
        sync_dirty(o);
        qmem_bql_unlock();
        iterate(o);
    }
    if (!o->error && !g_atomic_int_get(&s->stop)) {
        complete(o, &stop_time);
    }
    finish(o, stop_time);
    qmem_mig_file_free(o->f);
    if (o->child > 0) {
        waitpid(o->child, NULL, 0);
        g_spawn_close_pid(o->child);
    }
    g_clear_error(&o->error);
    g_free(o);
    return NULL;
}

static void join_thread(MigrationState *s)
{
    if (s->thread) {
        qmem_bql_unlock();
        g_thread_join(s->thread);
        qmem_bql_lock();
        s->thread = NULL;
    }
}

void mig_start_outgoing(const char *uri)
{
    MigrationState *s = &current;
    g_autoptr(GError) error = NULL;
    Outgoing *o;
    gboolean has_rp;
    GPid child;
    int fd;

    join_thread(s);
    g_clear_pointer(&s->error_desc, g_free);
    memset(&s->counters, 0, sizeof(s->counters));
    s->setup_time = s->total_time = s->downtime = 0;
    s->expected_downtime = s->downtime_limit;
    s->mbps = 0;
    s->pages_per_second = 0;
    s->stop = 0;
    s->start_time = now_ms();
    mig_set_state(&s->status, QMEM_MIGRATION_STATUS_SETUP);
    /* A destination that goes away must not kill the source. */
    signal(SIGPIPE, SIG_IGN);
    fd = mig_channel_connect(uri, &has_rp, &child, &error);
    if (fd < 0) {
        s->error_desc = g_strdup(error->message);
        mig_set_state(&s->status, QMEM_MIGRATION_STATUS_FAILED);
        return;
    }
    qmem_migration_set_active(TRUE);
    o = g_new0(Outgoing, 1);
    o->s = s;
    o->f = qmem_mig_file_new(fd, TRUE, TRUE);
    o->has_rp = has_rp;
    o->child = child;
    s->fd = fd;
    s->thread = g_thread_new("live_migration", outgoing_thread, o);
}

void mig_cancel(void)
{
    MigrationState *s = &current;

    if (!mig_is_running(s->status)) {
        return;
    }
    g_atomic_int_set(&s->stop, 1);
    mig_set_state(&s->status, QMEM_MIGRATION_STATUS_CANCELLING);
    /* Unblocks a write to a destination that does not read. */
    if (s->fd >= 0) {
        shutdown(s->fd, SHUT_RDWR);
    }
}

void qmem_migration_shutdown(void)
{
    mig_cancel();
    join_thread(&current);
    mig_incoming_shutdown();
}
