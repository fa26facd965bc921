/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Incoming migration: -incoming, migrate-incoming, the loader. */

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib-unix.h>

#include "migration/channel.h"
#include "migration/migration-internal.h"
#include "system/runstate.h"
#include "util/error.h"
#include "util/main-loop.h"

/* QEMU's MigrationIncomingState, what qmem needs of it. */
static struct {
    QmemMigrationStatus status;
    gboolean deferred;          /* -incoming defer, not started yet */
    gboolean started;           /* migrate-incoming may come once */
    gboolean autostart;
    QmemMigrationIncomingDone done;
    gpointer done_opaque;
    int listen_fd;
    guint listen_source;
    GPid child;
    GThread *thread;
    gboolean has_rp;
    int fd;                     /* the channel while the loader reads */
    guint done_source;
    struct IncomingRun *run;
} incoming = { .listen_fd = -1, .child = -1, .fd = -1 };

QmemMigrationStatus mig_incoming_get_status(void)
{
    return incoming.status;
}

static gboolean load_sections(QmemMigFile *f, MigRamLoad *ram,
                              MigDeviceLoad *dev, GError **error)
{
    for (;;) {
        guint8 type = qmem_mig_get_byte(f);
        gboolean ok;

        if (qmem_mig_file_get_error(f)) {
            return FALSE;
        }
        switch (type) {
        case MIG_SEC_RAM_BLOCKS:
            qmem_bql_lock();
            ok = mig_ram_load_blocks(ram, f, error);
            qmem_bql_unlock();
            break;
        case MIG_SEC_DEVICE:
            ok = mig_device_load_section(dev, f, error);
            break;
        case MIG_SEC_RAM:
            ok = mig_ram_load_section(ram, f, error);
            break;
        case MIG_SEC_END:
            qmem_bql_lock();
            ok = mig_device_load_finish(dev, error);
            qmem_bql_unlock();
            return ok;
        default:
            g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                        "Unknown savevm section type %d", type);
            return FALSE;
        }
        if (!ok) {
            return FALSE;
        }
    }
}

gboolean mig_load_stream(QmemMigFile *f, GError **error)
{
    char magic[MIG_MAGIC_LEN];
    guint32 version;
    g_autoptr(GError) local_err = NULL;
    MigRamLoad *ram;
    MigDeviceLoad *dev;
    gboolean ok;

    qmem_mig_get_buffer(f, magic, sizeof(magic));
    version = qmem_mig_get_be32(f);
    if (!qmem_mig_file_get_error(f) && memcmp(magic, MIG_MAGIC,
                                              MIG_MAGIC_LEN)) {
        g_set_error_literal(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                            "Not a migration stream");
        return FALSE;
    }
    if (!qmem_mig_file_get_error(f) && version != MIG_VERSION) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "Unsupported migration stream version %u", version);
        return FALSE;
    }
    ram = mig_ram_load_new();
    dev = mig_device_load_new();
    ok = load_sections(f, ram, dev, &local_err);
    mig_ram_load_free(ram);
    mig_device_load_free(dev);
    if (!ok && !local_err) {
        int err = qmem_mig_file_get_error(f);

        /* QEMU's texts for a stream that ends or breaks. */
        g_set_error(&local_err, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "load of migration failed: %s",
                    g_strerror(err ? -err : EIO));
    }
    if (!ok) {
        g_propagate_error(error, g_steal_pointer(&local_err));
    }
    return ok;
}

gboolean qmem_migration_load_fd(int fd, GError **error)
{
    QmemMigFile *f = qmem_mig_file_new(fd, FALSE, FALSE);
    gboolean ok = mig_load_stream(f, error);

    qmem_mig_file_free(f);
    return ok;
}

/* The destination's answer (docs/migration.md, the return path). */
static void send_rp(int fd, const GError *error)
{
    const char *msg = error ? error->message : "";
    guint32 status = GUINT32_TO_BE(error ? EINVAL : 0);
    guint32 len = GUINT32_TO_BE(strlen(msg));
    GString *buf = g_string_new(MIG_RP_MAGIC);

    g_string_append_len(buf, (const char *)&status, 4);
    g_string_append_len(buf, (const char *)&len, 4);
    g_string_append(buf, msg);
    if (send(fd, buf->str, buf->len, MSG_NOSIGNAL) < 0) {
        /* The source went away: nobody to tell. */
    }
    g_string_free(buf, TRUE);
}

typedef struct IncomingRun {
    int fd;
    GError *error;
} IncomingRun;

static gboolean incoming_done(gpointer opaque)
{
    IncomingRun *run = opaque;

    incoming.done_source = 0;
    incoming.run = NULL;
    g_thread_join(incoming.thread);
    incoming.thread = NULL;
    if (run->error) {
        mig_set_state(&incoming.status, QMEM_MIGRATION_STATUS_FAILED);
    } else {
        mig_set_state(&incoming.status, QMEM_MIGRATION_STATUS_COMPLETED);
        /* QEMU's process_incoming_migration_bh(). */
        if (incoming.autostart) {
            qmem_vm_start();
        } else {
            qmem_runstate_set(QMEM_RUN_STATE_PAUSED);
        }
    }
    qmem_migration_set_active(FALSE);
    if (incoming.child > 0) {
        waitpid(incoming.child, NULL, 0);
        g_spawn_close_pid(incoming.child);
        incoming.child = -1;
    }
    if (incoming.done) {
        incoming.done(run->error, incoming.done_opaque);
    }
    g_clear_error(&run->error);
    g_free(run);
    return G_SOURCE_REMOVE;
}

static gpointer incoming_thread(gpointer opaque)
{
    IncomingRun *run = opaque;
    QmemMigFile *f = qmem_mig_file_new(run->fd, FALSE, TRUE);

    mig_load_stream(f, &run->error);
    if (incoming.has_rp) {
        send_rp(run->fd, run->error);
    }
    qmem_bql_lock();
    qmem_mig_file_free(f);
    incoming.fd = -1;
    incoming.done_source = g_idle_add(incoming_done, run);
    qmem_bql_unlock();
    return NULL;
}

static void start_loading(int fd)
{
    IncomingRun *run = g_new0(IncomingRun, 1);

    run->fd = fd;
    incoming.fd = fd;
    incoming.run = run;
    mig_set_state(&incoming.status, QMEM_MIGRATION_STATUS_ACTIVE);
    incoming.thread = g_thread_new("incoming", incoming_thread, run);
}

static gboolean on_accept(gint fd, GIOCondition cond, gpointer opaque)
{
    int conn = accept4(fd, NULL, NULL, SOCK_CLOEXEC);

    if (conn < 0) {
        return G_SOURCE_CONTINUE;
    }
    /* One connection, as QEMU: the listener goes. */
    close(incoming.listen_fd);
    incoming.listen_fd = -1;
    incoming.listen_source = 0;
    start_loading(conn);
    return G_SOURCE_REMOVE;
}

static gboolean start_incoming(const char *uri, GError **error)
{
    gboolean listening;
    int fd = mig_channel_listen(uri, &listening, &incoming.has_rp,
                                &incoming.child, error);

    if (fd < 0) {
        return FALSE;
    }
    qmem_migration_set_active(TRUE);
    mig_set_state(&incoming.status, QMEM_MIGRATION_STATUS_SETUP);
    if (listening) {
        incoming.listen_fd = fd;
        incoming.listen_source = g_unix_fd_add(fd, G_IO_IN, on_accept, NULL);
    } else {
        start_loading(fd);
    }
    return TRUE;
}

gboolean qmem_migration_incoming_init(const char *uri, gboolean autostart,
                                      QmemMigrationIncomingDone done,
                                      gpointer opaque, GError **error)
{
    incoming.autostart = autostart;
    incoming.done = done;
    incoming.done_opaque = opaque;
    qmem_runstate_set(QMEM_RUN_STATE_INMIGRATE);
    if (!strcmp(uri, "defer")) {
        incoming.deferred = TRUE;
        return TRUE;
    }
    incoming.started = TRUE;
    return start_incoming(uri, error);
}

gboolean mig_incoming_start_deferred(const char *uri, GError **error)
{
    if (incoming.started) {
        g_set_error_literal(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                            "The incoming migration has already been "
                            "started");
        return FALSE;
    }
    if (!qmem_runstate_check(QMEM_RUN_STATE_INMIGRATE)) {
        g_set_error_literal(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                            "'-incoming' was not specified on the command "
                            "line");
        return FALSE;
    }
    incoming.started = TRUE;
    return start_incoming(uri, error);
}

void mig_incoming_shutdown(void)
{
    g_clear_handle_id(&incoming.listen_source, g_source_remove);
    if (incoming.listen_fd >= 0) {
        close(incoming.listen_fd);
        incoming.listen_fd = -1;
    }
    if (!incoming.thread) {
        return;
    }
    if (incoming.fd >= 0) {
        shutdown(incoming.fd, SHUT_RDWR);
    }
    qmem_bql_unlock();
    g_thread_join(incoming.thread);
    qmem_bql_lock();
    incoming.thread = NULL;
    g_clear_handle_id(&incoming.done_source, g_source_remove);
    if (incoming.run) {
        g_clear_error(&incoming.run->error);
        g_clear_pointer(&incoming.run, g_free);
    }
}
