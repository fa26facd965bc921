/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The KVM soak (soak-kvm.c): a model of what the machine's memory devices
 * must be, shared by the operations (soak-kvm-ops.c) and the checks.
 */

#ifndef QMEM_TESTS_KVM_SOAK_KVM_H
#define QMEM_TESTS_KVM_SOAK_KVM_H

#include <inttypes.h>

#include "kvm-qtest.h"

#define ROUND_DOWN(n, d) ((n) / (d) * (d))
#define ROUND_UP(n, d) ROUND_DOWN((n) + (d) - 1, (d))

#define MiB ((guint64)1 << 20)
#define GiB ((guint64)1 << 30)

/* The granule of the content model: every size and address is one. */
#define CHUNK (2 * MiB)

/* The machine: -m 256M,slots=4,maxmem=8G on pc. */
#define SOAK_RAM (256 * MiB)
#define SOAK_SLOTS 4
#define SOAK_MAXMEM (8 * GiB)
#define SOAK_DEVMEM_BASE (4 * GiB)
/* Boot RAM the memory tests may use: away from the payload's DMA. */
#define SOAK_BOOT_TEST_BASE (16 * MiB)
#define SOAK_BOOT_TEST_SIZE (32 * MiB)

#define SOAK_MAX_BACKENDS 8     /* pool backends b0..b7 */
#define SOAK_MAX_DIMM_IDS 6     /* dimm0..dimm5: more than slots */
#define SOAK_MAX_HOT_VMEMS 2    /* hvm0, hvm1: no guest driver */
/* Chunks the guest may hold written patterns in, at most (host RSS). */
#define SOAK_MAX_PATTERN_CHUNKS 48

/* What one chunk of a backend holds: 0, or a memtest pattern. */
typedef struct {
    guint64 seed;               /* 0: zero */
    guint64 gpa;                /* where it was written */
} SoakChunk;

typedef struct SoakDev SoakDev;

/*
 * The MEMORY_DEVICE_SIZE_CHANGE stream of one QOM path: rate limited per
 * path, so it outlives a device_del and goes on with the next device of
 * that id (an event of the old one may still be held back).
 */
typedef struct {
    char id[16];
    GArray *sizes;              /* sizes since the last event, guint64 */
    guint64 current;
    gboolean reported;          /* an event said the current size */
} SoakStream;

typedef struct {
    char id[16];
    guint64 size;
    SoakChunk *chunks;
    SoakDev *user;              /* the device it backs, or NULL */
    gboolean cold;              /* from the command line, never deleted */
} SoakBackend;

typedef enum {
    SOAK_DIMM,
    SOAK_VMEM,
} SoakDevKind;

struct SoakDev {
    char id[16];
    SoakDevKind kind;
    SoakBackend *be;
    guint64 addr;
    gint slot;                  /* DIMM */
    gboolean hotplugged;
    /* virtio-mem */
    gboolean driven;            /* the guest's driver follows it */
    gboolean dynamic;           /* dynamic-memslots=on */
    guint64 block;
    guint64 requested;
    guint64 usable;             /* usable region size (undriven ones) */
    guint64 plugged;            /* bytes plugged */
    guint8 *blocks;             /* one byte per block: plugged or not */
    SoakStream *stream;
};

typedef enum {
    OP_OBJECT_ADD,
    OP_OBJECT_DEL,
    OP_DIMM_ADD,
    OP_VMEM_ADD,
    OP_DEVICE_DEL,
    OP_REQUESTED_SIZE,
    OP_VMEM_REQUEST,
    OP_MEMTEST_WRITE,
    OP_MEMTEST_VERIFY,
    OP_MEMTEST_FAULT,
    OP_STOPPED_UNPLUG,
    OP_EVENT_SYNC,
    OP__MAX,
} SoakOp;

typedef struct {
    QTestState *qts;
    GRand *rand;
    guint64 seed;
    guint step;
    SoakBackend boot;           /* the boot RAM's test window */
    SoakBackend backends[SOAK_MAX_BACKENDS + 2]; /* + vb0, vb1 */
    guint n_backends;
    GPtrArray *devs;            /* SoakDev, by address */
    GPtrArray *streams;         /* SoakStream */
    gint64 base_memslots;
    guint64 seeds[8];           /* memtest seeds in use */
    /* statistics */
    guint count[OP__MAX][3];    /* by SoakResult */
    guint memtests;
    guint events;
    guint64 peak_plugged;
    guint peak_devs;
} Soak;

extern const char *const soak_op_names[OP__MAX];

/* The step's description, printed when anything fails. */
void soak_set_op(Soak *s, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
void soak_fail(Soak *s, const char *fmt, ...) G_GNUC_PRINTF(2, 3)
    G_GNUC_NORETURN;

/* Model look-ups (soak-kvm.c). */
SoakBackend *soak_backend(Soak *s, const char *id);
SoakDev *soak_dev(Soak *s, const char *id);
guint64 soak_used_size(Soak *s);
void soak_insert_dev(Soak *s, SoakDev *dev);
void soak_remove_dev(Soak *s, SoakDev *dev);
void soak_chunks_zero(SoakBackend *be, guint64 offset, guint64 size);
guint soak_pattern_chunks(Soak *s);
/* Where the guest can read: the backend and offset behind @gpa. */
SoakBackend *soak_lookup(Soak *s, guint64 gpa, guint64 *offset,
                         gboolean *has_content);

/* virtio-mem's blocks (soak-kvm.c). */
gboolean soak_vmem_multi_slot(SoakDev *d);
gboolean soak_vmem_slot_active(SoakDev *d, guint64 offset);
/* Plugs or unplugs [@offset, @offset + @size); unplugged memory reads 0. */
void soak_vmem_set(Soak *s, SoakDev *d, guint64 offset, guint64 size,
                   gboolean plug);
void soak_vmem_init(Soak *s, SoakDev *d, guint64 block);

/* QMP helpers. */
void soak_expect_error(Soak *s, const char *klass, const char *desc,
                       const char *fmt, ...) G_GNUC_PRINTF(4, 5);
void soak_wait_event(Soak *s, const char *name, const char *device,
                     gint64 source);
JsonObject *soak_memtest(Soak *s, guint64 addr, guint64 size, guint64 seed,
                         const char *mode);
void soak_memtest_expect(Soak *s, guint64 addr, guint64 size, guint64 seed,
                         const char *mode);
void soak_size_event(Soak *s, JsonObject *ev);
/* After every step; @running: the guest can run memory tests. */
void soak_check(Soak *s, gboolean running);

typedef enum {
    SOAK_DONE,                  /* valid, and it happened */
    SOAK_REFUSED,               /* invalid: QEMU's error, checked */
    SOAK_SKIPPED,               /* nothing to do it on */
} SoakResult;

/* The operations (soak-kvm-ops.c, soak-kvm-vmem.c). */
SoakResult soak_run_op(Soak *s, SoakOp op);
SoakResult soak_op_vmem_request(Soak *s);
guint soak_rnd(Soak *s, guint n);
/* Checks that the guest reads 0 at [@addr, @addr + @size) or faults. */
void soak_check_gone(Soak *s, SoakDev *d, guint64 offset, guint64 size);
void soak_sample_zero(Soak *s, guint64 addr, guint64 size);

#endif
