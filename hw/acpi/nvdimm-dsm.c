/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The NVDIMM _DSM port: QEMU 7.2's answers in the guest's DSM page. */

#include <string.h>
#include "hw/mem/nvdimm.h"
#include "hw/mem/pc-dimm.h"
#include "nvdimm-internal.h"
#include "system/hostmem.h"
#include "system/ram-block.h"

#define NVDIMM_DSM_RET_STATUS_NOMEMDEV 2
#define NVDIMM_DSM_RET_STATUS_INVALID 3

/* The request's header (QEMU's NvdimmDsmIn), Arg3 after it. */
#define DSM_IN_HANDLE 0
#define DSM_IN_REVISION 4
#define DSM_IN_FUNCTION 8

/*
 * The most label data one call moves: a Get's answer has 8 bytes before
 * the data, a Set's request 12 + 8 (QEMU's
 * nvdimm_get_max_xfer_label_size()).
 */
#define MAX_XFER_LABEL_SIZE \
    MIN(QMEM_NVDIMM_DSM_MEM_SIZE - 8, QMEM_NVDIMM_DSM_MEM_SIZE - 12 - 8)

typedef struct {
    QmemNvdimmState *state;
    guint64 page;               /* the guest's DSM page */
    guint8 in[QMEM_NVDIMM_DSM_MEM_SIZE];
} DsmCall;

static guint32 get_le32(const guint8 *p)
{
    return p[0] | p[1] << 8 | p[2] << 16 | (guint32)p[3] << 24;
}

static void put_le32(guint8 *p, guint32 v)
{
    for (guint i = 0; i < 4; i++) {
        p[i] = v >> (8 * i);
    }
}

/* An answer: its length (itself included), a word, then @data. */
static void reply(DsmCall *call, guint32 word, const void *data, guint len)
{
    g_autofree guint8 *out = g_malloc(8 + len);

    put_le32(out, 8 + len);
    put_le32(out + 4, word);
    if (len) {
        memcpy(out + 8, data, len);
    }
    qmem_address_space_rw(call->state->as, call->page, out, 8 + len, TRUE);
}

static void reply_status(DsmCall *call, guint32 status)
{
    reply(call, status, NULL, 0);
}

/* QEMU's Read FIT: from the offset, or FIT_CHANGED mid-read. */
static void dsm_read_fit(DsmCall *call)
{
    GByteArray *fit = call->state->fit;
    guint32 offset = get_le32(call->in + 12);
    guint32 len = 0, status = NVDIMM_DSM_RET_STATUS_SUCCESS;

    if (offset > fit->len) {
        status = NVDIMM_DSM_RET_STATUS_INVALID;
    } else if (!offset) {
        call->state->fit_dirty = FALSE;
    } else if (call->state->fit_dirty) {
        status = NVDIMM_DSM_RET_STATUS_FIT_CHANGED;
    }
    if (status == NVDIMM_DSM_RET_STATUS_SUCCESS) {
        len = MIN(fit->len - offset, QMEM_NVDIMM_DSM_MEM_SIZE - 8);
    }
    /* An empty FIT has no data at all: no pointer into it then. */
    reply(call, status, len ? fit->data + offset : NULL, len);
}

/* Handle 0x10000: QEMU's own functions, Read FIT. */
static void dsm_qemu_root(DsmCall *call, guint32 function)
{
    if (function == 0) {
        reply_status(call, 0x1 | 1 << 1);
    } else if (function == 1) {
        dsm_read_fit(call);
    } else {
        reply_status(call, NVDIMM_DSM_RET_STATUS_UNSUPPORT);
    }
}

typedef struct {
    guint32 handle;
    QmemDevice *found;
} FindNvdimm;

static gboolean find_by_handle(QmemDevice *dev, gpointer opaque)
{
    FindNvdimm *f = opaque;
    gint slot;

    if (!qmem_nvdimm_is_nvdimm(dev)) {
        return TRUE;
    }
    g_object_get(dev, QMEM_PC_DIMM_PROP_SLOT, &slot, NULL);
    if (nvdimm_slot_to_handle(slot) == f->handle) {
        f->found = dev;
        return FALSE;
    }
    return TRUE;
}

/* The label area: the backend's last label-size bytes. */
static guint8 *label_area(QmemDevice *nvdimm, guint64 *label_size)
{
    g_autoptr(QmemHostMemoryBackend) hostmem = NULL;
    QmemRamBlock *block;

    g_object_get(nvdimm, QMEM_NVDIMM_PROP_LABEL_SIZE, label_size,
                 QMEM_PC_DIMM_PROP_MEMDEV, &hostmem, NULL);
    block = qmem_host_memory_backend_get_ram_block(hostmem);
    return (guint8 *)block->host + block->size - *label_size;
}

/* QEMU's nvdimm_rw_label_data_check(). */
static gboolean label_range_ok(guint64 label_size, guint32 offset,
                               guint32 length)
{
    return offset + length >= offset && label_size >= offset + length &&
           length <= MAX_XFER_LABEL_SIZE;
}

/* Functions 4, 5 and 6 on an NVDIMM with a label area. */
static void dsm_label(DsmCall *call, QmemDevice *nvdimm, guint32 function)
{
    guint64 label_size;
    guint8 *label = label_area(nvdimm, &label_size);
    guint32 offset = get_le32(call->in + 12);
    guint32 length = get_le32(call->in + 16);
    guint8 size_out[8];

    if (function == 4) {
        put_le32(size_out, label_size);
        put_le32(size_out + 4, MAX_XFER_LABEL_SIZE);
        reply(call, NVDIMM_DSM_RET_STATUS_SUCCESS, size_out, 8);
    } else if (!label_range_ok(label_size, offset, length)) {
        reply_status(call, NVDIMM_DSM_RET_STATUS_INVALID);
    } else if (function == 5) {
        reply(call, NVDIMM_DSM_RET_STATUS_SUCCESS, label + offset, length);
    } else {
        memcpy(label + offset, call->in + 20, length);
        reply_status(call, NVDIMM_DSM_RET_STATUS_SUCCESS);
    }
}

/* QEMU's nvdimm_dsm_device(): an NVDIMM's functions by its handle. */
static void dsm_device(DsmCall *call, guint32 handle, guint32 function)
{
    FindNvdimm f = { handle, NULL };
    guint64 label_size = 0;

    qmem_device_foreach(find_by_handle, &f);
    if (f.found) {
        g_object_get(f.found, QMEM_NVDIMM_PROP_LABEL_SIZE, &label_size,
                     NULL);
    }
    if (function == 0) {
        /* Label size, data and set, when there is a label area. */
        reply_status(call, label_size ? 0x1 | 1 << 4 | 1 << 5 | 1 << 6 : 0);
    } else if (!f.found) {
        reply_status(call, NVDIMM_DSM_RET_STATUS_NOMEMDEV);
    } else if (label_size && function >= 4 && function <= 6) {
        dsm_label(call, f.found, function);
    } else {
        reply_status(call, NVDIMM_DSM_RET_STATUS_UNSUPPORT);
    }
}

/*
 * QEMU's nvdimm_dsm_write(): the guest wrote its DSM page's address; the
 * request is copied out first, so that the guest cannot change it while
 * it is answered, and the answer goes into the same page.
 */
void qmem_nvdimm_dsm_request(QmemNvdimmState *state, guint64 page)
{
    g_autofree DsmCall *call = g_new0(DsmCall, 1);
    guint32 handle, function;

    call->state = state;
    call->page = page;
    qmem_address_space_rw(state->as, page, call->in, sizeof(call->in),
                          FALSE);
    handle = get_le32(call->in + DSM_IN_HANDLE);
    function = get_le32(call->in + DSM_IN_FUNCTION);

    if (get_le32(call->in + DSM_IN_REVISION) != 1) {
        reply_status(call, NVDIMM_DSM_RET_STATUS_UNSUPPORT);
    } else if (handle == NVDIMM_QEMU_RSVD_HANDLE_ROOT) {
        dsm_qemu_root(call, function);
    } else if (!handle) {
        /* The root device: function 0 only. */
        reply_status(call, function ? NVDIMM_DSM_RET_STATUS_UNSUPPORT : 0);
    } else {
        dsm_device(call, handle, function);
    }
}
