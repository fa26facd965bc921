/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A buffered migration stream over a file descriptor (QEMU's QEMUFile). */

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "migration/qemu-file.h"

#define IO_BUF_SIZE (256 * 1024)
#define RATE_WINDOW_US (100 * 1000)     /* QEMU's BUFFER_DELAY */

struct QmemMigFile {
    int fd;
    gboolean writable;
    gboolean own_fd;
    int error;
    guint8 *buf;
    gsize buf_len;          /* bytes in buf */
    gsize buf_pos;          /* reading: next byte */
    guint64 transferred;
    guint64 rate_limit;     /* bytes per second, 0 = none */
    gint64 window_start;
    guint64 window_bytes;
};

QmemMigFile *qmem_mig_file_new(int fd, gboolean writable, gboolean own_fd)
{
    QmemMigFile *f = g_new0(QmemMigFile, 1);

    f->fd = fd;
    f->writable = writable;
    f->own_fd = own_fd;
    f->buf = g_malloc(IO_BUF_SIZE);
    f->window_start = g_get_monotonic_time();
    return f;
}

void qmem_mig_file_free(QmemMigFile *f)
{
    if (!f) {
        return;
    }
    if (f->writable) {
        qmem_mig_flush(f);
    }
    if (f->own_fd && f->fd >= 0) {
        close(f->fd);
    }
    g_free(f->buf);
    g_free(f);
}

int qmem_mig_file_get_fd(QmemMigFile *f)
{
    return f->fd;
}

int qmem_mig_file_get_error(QmemMigFile *f)
{
    return f->error;
}

void qmem_mig_file_set_error(QmemMigFile *f, int err)
{
    if (!f->error) {
        f->error = err;
    }
}

guint64 qmem_mig_file_transferred(QmemMigFile *f)
{
    return f->transferred;
}

void qmem_mig_flush(QmemMigFile *f)
{
    gsize done = 0;

    while (!f->error && done < f->buf_len) {
        ssize_t n = write(f->fd, f->buf + done, f->buf_len - done);

        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            qmem_mig_file_set_error(f, n < 0 ? -errno : -EIO);
            break;
        }
        done += n;
        f->transferred += n;
        f->window_bytes += n;
    }
    f->buf_len = 0;
}

void qmem_mig_set_rate_limit(QmemMigFile *f, guint64 bytes_per_second)
{
    f->rate_limit = bytes_per_second;
}

void qmem_mig_rate_limit_wait(QmemMigFile *f)
{
    gint64 now = g_get_monotonic_time();

    if (now - f->window_start >= RATE_WINDOW_US) {
        f->window_start = now;
        f->window_bytes = 0;
        return;
    }
    if (f->rate_limit && f->window_bytes >= f->rate_limit / 10) {
        g_usleep(f->window_start + RATE_WINDOW_US - now);
        f->window_start = g_get_monotonic_time();
        f->window_bytes = 0;
    }
}

void qmem_mig_put_buffer(QmemMigFile *f, const void *buf, gsize len)
{
    const guint8 *p = buf;

    while (!f->error && len) {
        gsize chunk = MIN(len, IO_BUF_SIZE - f->buf_len);

        memcpy(f->buf + f->buf_len, p, chunk);
        f->buf_len += chunk;
        p += chunk;
        len -= chunk;
        if (f->buf_len == IO_BUF_SIZE) {
            qmem_mig_flush(f);
        }
    }
}

void qmem_mig_put_byte(QmemMigFile *f, guint8 v)
{
    qmem_mig_put_buffer(f, &v, 1);
}

void qmem_mig_put_be32(QmemMigFile *f, guint32 v)
{
    v = GUINT32_TO_BE(v);
    qmem_mig_put_buffer(f, &v, 4);
}

void qmem_mig_put_be64(QmemMigFile *f, guint64 v)
{
    v = GUINT64_TO_BE(v);
    qmem_mig_put_buffer(f, &v, 8);
}

void qmem_mig_put_counted_string(QmemMigFile *f, const char *s)
{
    gsize len = MIN(strlen(s), 255);

    qmem_mig_put_byte(f, len);
    qmem_mig_put_buffer(f, s, len);
}

static gboolean fill(QmemMigFile *f)
{
    ssize_t n;

    do {
        n = read(f->fd, f->buf, IO_BUF_SIZE);
    } while (n < 0 && errno == EINTR);
    if (n <= 0) {
        qmem_mig_file_set_error(f, n < 0 ? -errno : -EIO);
        return FALSE;
    }
    f->buf_len = n;
    f->buf_pos = 0;
    f->transferred += n;
    return TRUE;
}

gboolean qmem_mig_get_buffer(QmemMigFile *f, void *buf, gsize len)
{
    guint8 *p = buf;

    while (len) {
        gsize chunk;

        if (f->error || (f->buf_pos == f->buf_len && !fill(f))) {
            memset(p, 0, len);
            return FALSE;
        }
        chunk = MIN(len, f->buf_len - f->buf_pos);
        memcpy(p, f->buf + f->buf_pos, chunk);
        f->buf_pos += chunk;
        p += chunk;
        len -= chunk;
    }
    return TRUE;
}

guint8 qmem_mig_get_byte(QmemMigFile *f)
{
    guint8 v;

    qmem_mig_get_buffer(f, &v, 1);
    return v;
}

guint32 qmem_mig_get_be32(QmemMigFile *f)
{
    guint32 v;

    qmem_mig_get_buffer(f, &v, 4);
    return GUINT32_FROM_BE(v);
}

guint64 qmem_mig_get_be64(QmemMigFile *f)
{
    guint64 v;

    qmem_mig_get_buffer(f, &v, 8);
    return GUINT64_FROM_BE(v);
}

void qmem_mig_get_counted_string(QmemMigFile *f, char buf[256])
{
    guint8 len = qmem_mig_get_byte(f);

    if (!qmem_mig_get_buffer(f, buf, len)) {
        len = 0;
    }
    buf[len] = '\0';
}
