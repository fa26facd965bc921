/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The vCPUs' mailboxes: requests in, results out; the identity map. */

#include <string.h>

#include "accel/kvm/kvm-internal.h"
#include "accel/kvm/x86/guest-abi.h"
#include "accel/kvm/x86/x86-internal.h"
#include "util/error.h"

/* vCPU 0's mailbox, or the one hot-plugged vCPUs share. */
static struct qmem_kvm_x86_mailbox *x86_mailbox(QmemKvmX86State *x,
                                                const QmemKvmVcpu *cpu)
{
    return (struct qmem_kvm_x86_mailbox *)(x->priv +
        (cpu->index ? QMEM_KVM_X86_MAILBOX_WORKER : QMEM_KVM_X86_MAILBOX));
}

/*
 * Makes GiB @gib of the identity map present, 4 KiB of page directory
 * per GiB, the first time a request touches it.
 */
static void x86_map_gib(QmemKvmX86State *x, guint64 gib)
{
    guint64 pdpt_off = QMEM_KVM_X86_ID_PDPTS +
                       (gib >> (PML4_SHIFT - PDPT_SHIFT)) * PAGE_SIZE_4K;
    guint64 pd_off = QMEM_KVM_X86_ID_PDS + gib * PAGE_SIZE_4K;
    guint64 *pml4 = qmem_kvm_x86_table(x, QMEM_KVM_X86_PML4);
    guint64 *pdpt = qmem_kvm_x86_table(x, pdpt_off);
    guint64 *pd = qmem_kvm_x86_table(x, pd_off);
    guint64 gpa = gib * GIB;

    if (pdpt[TABLE_INDEX(gpa, PDPT_SHIFT)]) {
        return;
    }
    for (guint i = 0; i < 512; i++) {
        pd[i] = (gpa + i * PAGE_SIZE_2M) | PTE_LARGE;
    }
    /*
     * The host writes the guest's page tables behind KVM's shadow MMU,
     * which is safe only because entries go from not present to present
     * and never change after: KVM caches no translation for a
     * not-present entry, so the next walk reads the new one.
     */
    pdpt[TABLE_INDEX(gpa, PDPT_SHIFT)] = (x->priv_gpa + pd_off) | PTE_TABLE;
    if (!pml4[TABLE_INDEX(gpa, PML4_SHIFT)]) {
        pml4[TABLE_INDEX(gpa, PML4_SHIFT)] = (x->priv_gpa + pdpt_off) |
                                             PTE_TABLE;
    }
}

void qmem_kvm_x86_map_range(QmemKvmX86State *x, guint64 start, guint64 end)
{
    g_assert(end <= x->limit);
    if (end > start) {
        for (guint64 gib = start / GIB; gib <= (end - 1) / GIB; gib++) {
            x86_map_gib(x, gib);
        }
    }
}

static guint64 x86_request_op(const QmemKvmRequest *req)
{
    gboolean port = req->space == QMEM_ACCEL_GUEST_IO_PORT;

    if (req->kind == QMEM_KVM_REQUEST_MEMTEST) {
        switch (req->mode) {
        case QMEM_ACCEL_MEMTEST_VERIFY:
            return QMEM_KVM_X86_OP_VERIFY;
        case QMEM_ACCEL_MEMTEST_VERIFY_ZERO:
            return QMEM_KVM_X86_OP_VERIFY_ZERO;
        default:
            return QMEM_KVM_X86_OP_WRITE_VERIFY;
        }
    }
    if (req->is_write) {
        return port ? QMEM_KVM_X86_OP_PIO_WRITE : QMEM_KVM_X86_OP_MMIO_WRITE;
    }
    return port ? QMEM_KVM_X86_OP_PIO_READ : QMEM_KVM_X86_OP_MMIO_READ;
}

void qmem_kvm_arch_request_prepare(QmemKvmAccel *s, QmemKvmVcpu *cpu,
                                   QmemKvmRequest *req)
{
    QmemKvmX86State *x = s->arch;
    struct qmem_kvm_x86_mailbox *mb = x86_mailbox(x, cpu);

    if (!req) {
        mb->op = QMEM_KVM_X86_OP_NONE;
        return;
    }
    /* Guest I/O maps its range itself, as a driver does. */
    if (req->kind == QMEM_KVM_REQUEST_MEMTEST) {
        qmem_kvm_x86_map_range(x, req->start, req->end);
    }
    mb->op = x86_request_op(req);
    mb->start = req->start;
    mb->end = req->end;
    mb->seed = req->seed;
    mb->size = req->size;
    mb->count = req->count;
    mb->status = QMEM_KVM_X86_STATUS_BAD_OP;
    mb->mismatches = 0;
    mb->end_out = 0;
    if (req->kind == QMEM_KVM_REQUEST_IO && req->is_write) {
        memcpy(mb->data, req->data, (gsize)req->size * req->count);
    }
}

gboolean qmem_kvm_arch_request_result(QmemKvmAccel *s, QmemKvmVcpu *cpu,
                                      QmemKvmRequest *req, GError **error)
{
    QmemKvmX86State *x = s->arch;
    const struct qmem_kvm_x86_mailbox *mb = x86_mailbox(x, cpu);

    if (mb->status != QMEM_KVM_X86_STATUS_OK) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "guest vCPU %u rejected request %" G_GUINT64_FORMAT
                    " (status %" G_GUINT64_FORMAT ")", cpu->index,
                    (guint64)mb->op, (guint64)mb->status);
        return FALSE;
    }
    if (req->kind == QMEM_KVM_REQUEST_MEMTEST) {
        req->mismatches = mb->mismatches;
        req->end_out = mb->end_out;
    } else if (!req->is_write) {
        memcpy(req->data, mb->data, (gsize)req->size * req->count);
    }
    return TRUE;
}

/*
 * The payload asks for a range to be mapped (guest_map()): anything below
 * the identity map's limit is, the rest is refused (map_done 0).
 */
gboolean qmem_kvm_arch_handle_port(QmemKvmAccel *s, QmemKvmVcpu *cpu)
{
    QmemKvmX86State *x = s->arch;
    struct qmem_kvm_x86_mailbox *mb = x86_mailbox(x, cpu);
    struct kvm_run *run = cpu->run;
    guint64 start = mb->map_start, size = mb->map_size;

    if (cpu->index != 0 || run->io.port != QMEM_KVM_X86_PORT_MAP ||
        run->io.direction != KVM_EXIT_IO_OUT) {
        return FALSE;
    }
    mb->map_done = start <= x->limit && size <= x->limit - start;
    if (mb->map_done) {
        qmem_kvm_x86_map_range(x, start, start + size);
    }
    return TRUE;
}

void qmem_kvm_arch_memtest_clip(QmemKvmAccel *s, QmemKvmVcpu *cpu,
                                guint64 end)
{
    struct qmem_kvm_x86_mailbox *mb = x86_mailbox(s->arch, cpu);

    /* The walk reads its end before every word. */
    if (mb->end > end) {
        mb->end = end;
    }
}
