/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What the virtio-mem fuzz targets share: a backend, invariants, helpers. */

#ifndef QMEM_TESTS_FUZZ_FUZZ_VIRTIO_MEM_COMMON_H
#define QMEM_TESTS_FUZZ_FUZZ_VIRTIO_MEM_COMMON_H

#include "hw/virtio/virtio-mem.h"
#include "system/hostmem.h"

#define MiB (G_GUINT64_CONSTANT(1) << 20)
#define GiB (G_GUINT64_CONSTANT(1) << 30)

/* The device: a 4 GiB backend at 4 GiB. */
#define REGION (4 * GiB)
#define ADDR (4 * GiB)

/* The block sizes a configuration byte picks from (& 3). */
extern const guint64 fuzz_block_sizes[4];

/*
 * The backend every input uses: anonymous memory, never populated but
 * where an input plugs and touches it; made once, it stays.
 */
QmemHostMemoryBackend *fuzz_get_backend(void);

/*
 * A device on fuzz_get_backend() at ADDR, not yet realized: @block bytes
 * per block, @requested_blocks requested (at most the region), dynamic
 * memslots decided for @limit if @dynamic.
 */
QmemVirtioMem *fuzz_virtio_mem_new(guint64 block, guint requested_blocks,
                                   gboolean dynamic, guint limit);

/*
 * The plugged size equals the bitmap's, the usable region fits, and with
 * dynamic memslots exactly the memslots holding plugged blocks are mapped.
 */
void fuzz_check_invariants(QmemVirtioMem *vmem);

/* As qom-set would: through the property layer and the device's checks. */
void fuzz_set_requested_size(QmemVirtioMem *vmem, guint64 value);

/* Stops g_printerr(): the reports of guest errors are noise here. */
void fuzz_quiet(void);

guint16 fuzz_le16(const guint8 *p);
guint64 fuzz_le64(const guint8 *p);
void fuzz_put_le64(guint8 *p, guint64 v);

#endif
