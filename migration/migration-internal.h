/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What migration/'s files share: the stream's constants, RAM, devices. */

#ifndef QMEM_MIGRATION_MIGRATION_INTERNAL_H
#define QMEM_MIGRATION_MIGRATION_INTERNAL_H

#include "migration/migration.h"
#include "migration/qemu-file.h"
#include "system/ram-block.h"

G_BEGIN_DECLS

/* The stream (docs/migration.md). */
#define MIG_MAGIC "QMEMMIG\n"
#define MIG_MAGIC_LEN 8
#define MIG_VERSION 1

enum {
    MIG_SEC_RAM_BLOCKS = 0x01,
    MIG_SEC_DEVICE = 0x02,
    MIG_SEC_RAM = 0x03,
    MIG_SEC_END = 0xff,
};

/* Low bits of a RAM record's offset. */
#define MIG_PAGE_ZERO 0x1
#define MIG_PAGE_DATA 0x2
#define MIG_PAGE_EOS 0x4
#define MIG_PAGE_FLAGS 0xfff

#define MIG_BLOCK_IGNORED 0x1   /* x-ignore-shared: no page follows */

/* The return path (destination to source, sockets only). */
#define MIG_RP_MAGIC "QMRP"

/* Statistics of query-migrate's "ram" (QEMU's ram_counters). */
typedef struct {
    guint64 transferred;
    guint64 duplicate;
    guint64 normal;
    guint64 dirty_sync_count;
    guint64 precopy_bytes;
    guint64 downtime_bytes;
    guint64 remaining_pages;
    guint64 total_bytes;
    guint64 dirty_pages_rate;
} MigRamCounters;

/* migration.c: the source's state (QEMU's MigrationState) */

/* QEMU 7.2's MigrationCapability, in its order. */
typedef enum {
    MIG_CAP_XBZRLE, MIG_CAP_RDMA_PIN_ALL, MIG_CAP_AUTO_CONVERGE,
    MIG_CAP_ZERO_BLOCKS, MIG_CAP_COMPRESS, MIG_CAP_EVENTS,
    MIG_CAP_POSTCOPY_RAM, MIG_CAP_X_COLO, MIG_CAP_RELEASE_RAM, MIG_CAP_BLOCK,
    MIG_CAP_RETURN_PATH, MIG_CAP_PAUSE_BEFORE_SWITCHOVER, MIG_CAP_MULTIFD,
    MIG_CAP_DIRTY_BITMAPS, MIG_CAP_POSTCOPY_BLOCKTIME,
    MIG_CAP_LATE_BLOCK_ACTIVATE, MIG_CAP_X_IGNORE_SHARED,
    MIG_CAP_VALIDATE_UUID, MIG_CAP_BACKGROUND_SNAPSHOT,
    MIG_CAP_ZERO_COPY_SEND, MIG_CAP_POSTCOPY_PREEMPT,
    MIG_CAP__MAX
} MigCapability;

extern const char *const mig_capability_names[MIG_CAP__MAX + 1];

typedef struct {
    /* Under the BQL */
    QmemMigrationStatus status;
    gboolean caps[MIG_CAP__MAX];
    guint64 max_bandwidth;          /* bytes/s */
    guint64 downtime_limit;         /* ms */
    char *error_desc;
    GThread *thread;
    /* Written by the migration thread, read by query-migrate */
    MigRamCounters counters;
    gint64 start_time;              /* ms, realtime */
    gint64 setup_time, total_time, downtime, expected_downtime;
    double mbps;
    guint64 pages_per_second;
    gint stop;                      /* migrate_cancel asked */
    int fd;
} MigrationState;

MigrationState *mig_get_current(void);
/* The destination's status (QEMU's MigrationIncomingState). */
QmemMigrationStatus mig_incoming_get_status(void);
gboolean mig_is_running(QmemMigrationStatus status);
/* Under the BQL: sets the state, sends MIGRATION with the events cap. */
void mig_set_state(QmemMigrationStatus *state, QmemMigrationStatus to);

/* migrate: starts the outgoing thread; failures go to query-migrate. */
void mig_start_outgoing(const char *uri);
/* migrate_cancel */
void mig_cancel(void);
/* On the way out: the listener closed, the loader stopped and joined. */
void mig_incoming_shutdown(void);
/* migrate-incoming */
gboolean mig_incoming_start_deferred(const char *uri, GError **error);

/* ram.c: the source's side */
typedef struct MigRam MigRam;

/*
 * Under the BQL: the RAM blocks that migrate (those of mapped memory
 * backends), every populated page dirty, dirty logging on.
 */
MigRam *mig_ram_setup(gboolean ignore_shared, MigRamCounters *counters);
/* Under the BQL: logging off, everything freed. */
void mig_ram_cleanup(MigRam *ram);
/* The RAM_BLOCKS section. */
void mig_ram_save_blocks(MigRam *ram, QmemMigFile *f);
/* Under the BQL: collects the dirty log; returns the pages to send. */
guint64 mig_ram_sync(MigRam *ram);
/*
 * Sends every page dirty at the last sync, without the BQL; stops early
 * when *@stop becomes TRUE or the stream fails.  Returns: pages sent.
 */
guint64 mig_ram_save_pass(MigRam *ram, QmemMigFile *f, const gint *stop);

/* ram.c: the destination's side */
typedef struct MigRamLoad MigRamLoad;

MigRamLoad *mig_ram_load_new(void);
void mig_ram_load_free(MigRamLoad *load);
/* Under the BQL: reads RAM_BLOCKS and checks it against this VM. */
gboolean mig_ram_load_blocks(MigRamLoad *load, QmemMigFile *f,
                             GError **error);
/* A RAM section, without the BQL (the VM does not run). */
gboolean mig_ram_load_section(MigRamLoad *load, QmemMigFile *f,
                              GError **error);

/* RAM blocks that migrate: those of mapped memory backends. */
gboolean mig_ram_block_migrates(QmemRamBlock *rb);

/* savevm.c: device sections */

/*
 * Under the BQL.  @early: the "machine" section, one per memory device,
 * and the state of virtio-mem devices with x-early-migration, which go
 * before any RAM; otherwise the state of the other virtio-mem devices,
 * which goes after the last pages.
 */
GByteArray *mig_save_devices(gboolean early);

typedef struct MigDeviceLoad MigDeviceLoad;

MigDeviceLoad *mig_device_load_new(void);
void mig_device_load_free(MigDeviceLoad *load);
/* Reads one DEVICE section (without the BQL), applies it under the BQL. */
gboolean mig_device_load_section(MigDeviceLoad *load, QmemMigFile *f,
                                 GError **error);
/* Under the BQL, at the end: every memory device here was in the stream. */
gboolean mig_device_load_finish(MigDeviceLoad *load, GError **error);

/* The whole incoming stream; the destination's loader. */
gboolean mig_load_stream(QmemMigFile *f, GError **error);

G_END_DECLS

#endif
