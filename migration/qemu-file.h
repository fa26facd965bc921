/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A buffered migration stream over a file descriptor (migration/ only). */

#ifndef QMEM_MIGRATION_QEMU_FILE_H
#define QMEM_MIGRATION_QEMU_FILE_H

#include <glib.h>

G_BEGIN_DECLS

/*
 * QEMU's QEMUFile, cut down: one direction per object, big-endian
 * integers, the first error sticks (later calls do nothing, reads give
 * zeros).  Writes block; a rate limit (bytes per second, 0 = none) makes
 * the writer sleep at the end of each 100 ms window.
 */
typedef struct QmemMigFile QmemMigFile;

QmemMigFile *qmem_mig_file_new(int fd, gboolean writable, gboolean own_fd);
void qmem_mig_file_free(QmemMigFile *f);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(QmemMigFile, qmem_mig_file_free)

int qmem_mig_file_get_fd(QmemMigFile *f);

/* Writing */
void qmem_mig_put_buffer(QmemMigFile *f, const void *buf, gsize len);
void qmem_mig_put_byte(QmemMigFile *f, guint8 v);
void qmem_mig_put_be32(QmemMigFile *f, guint32 v);
void qmem_mig_put_be64(QmemMigFile *f, guint64 v);
/* A string of up to 255 bytes, after its length byte. */
void qmem_mig_put_counted_string(QmemMigFile *f, const char *s);
void qmem_mig_flush(QmemMigFile *f);
void qmem_mig_set_rate_limit(QmemMigFile *f, guint64 bytes_per_second);
/* Sleeps until the current window allows more (qemu_file_rate_limit()). */
void qmem_mig_rate_limit_wait(QmemMigFile *f);

/* Reading */
gboolean qmem_mig_get_buffer(QmemMigFile *f, void *buf, gsize len);
guint8 qmem_mig_get_byte(QmemMigFile *f);
guint32 qmem_mig_get_be32(QmemMigFile *f);
guint64 qmem_mig_get_be64(QmemMigFile *f);
/* Reads a counted string into @buf (256 bytes); "" after an error. */
void qmem_mig_get_counted_string(QmemMigFile *f, char buf[256]);

/* Bytes written (after flush) or read so far. */
guint64 qmem_mig_file_transferred(QmemMigFile *f);

/*
 * The sticky error: 0 or a negative errno (-EIO for a stream that ended
 * early, -EINVAL set by a reader that found garbage).
 */
int qmem_mig_file_get_error(QmemMigFile *f);
void qmem_mig_file_set_error(QmemMigFile *f, int err);

G_END_DECLS

#endif
