/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vCPU 0 in the guest: KVM_RUN and the exits it hands to devices. */

#include <errno.h>
#include <string.h>

#include "accel/kvm/kvm-internal.h"
#include "util/main-loop.h"

void qmem_kvm_guest_log_append(QmemKvmAccel *s, const char *line)
{
    g_debug("guest: %s", line);
    g_mutex_lock(&s->log_lock);
    g_string_append(s->guest_log, line);
    g_string_append_c(s->guest_log, '\n');
    /* Keep the newest lines: drop whole lines from the front. */
    while (s->guest_log->len > QMEM_KVM_GUEST_LOG_MAX) {
        const char *nl = memchr(s->guest_log->str, '\n',
                                s->guest_log->len);

        g_string_erase(s->guest_log, 0, nl - s->guest_log->str + 1);
    }
    g_mutex_unlock(&s->log_lock);
}

/* Bytes the guest wrote to its log port, collected into lines. */
static void kvm_handle_log(QmemKvmAccel *s, QmemKvmVcpu *cpu,
                           const guint8 *data, gsize len)
{
    for (gsize i = 0; i < len; i++) {
        if (data[i] == '\n') {
            qmem_kvm_guest_log_append(s, cpu->log_line->str);
            g_string_truncate(cpu->log_line, 0);
        } else if (cpu->log_line->len < QMEM_KVM_GUEST_LOG_MAX) {
            g_string_append_c(cpu->log_line, data[i]);
        }
    }
}

/*
 * QEMU's kvm_handle_io(): each of count accesses of size bytes at one
 * port goes through the I/O address space, with the data where
 * data_offset says, in the page after kvm_run.  Without an I/O address
 * space every port is unassigned: reads are all-ones.
 */
static void kvm_handle_io(QmemKvmAccel *s, QmemKvmVcpu *cpu)
{
    struct kvm_run *run = cpu->run;
    gboolean is_write = run->io.direction == KVM_EXIT_IO_OUT;
    guint8 *data = (guint8 *)run + run->io.data_offset;
    guint64 len = (guint64)run->io.size * run->io.count;

    /* The kernel's layout; checked so that a bad one costs no memory. */
    if (run->io.data_offset > s->run_size ||
        len > s->run_size - run->io.data_offset) {
        return;
    }
    if (qmem_kvm_arch_handle_port(s, cpu)) {
        return;
    }
    if (qmem_kvm_arch_exit_is_log(cpu)) {
        if (is_write) {
            kvm_handle_log(s, cpu, data, len);
        } else {
            memset(data, 0xff, len);
        }
        return;
    }
    for (guint32 i = 0; i < run->io.count; i++) {
        if (s->io_as) {
            qmem_address_space_rw(s->io_as, run->io.port, data,
                                  run->io.size, is_write);
        } else if (!is_write) {
            memset(data, 0xff, run->io.size);
        }
        data += run->io.size;
    }
}

/*
 * An access to guest-physical memory without a memslot: a memory test
 * walking its range found a hole (which ends the walk), anything else
 * goes to the memory address space (QEMU's address_space_rw() on
 * KVM_EXIT_MMIO), where unassigned memory reads 0.
 */
static void kvm_handle_mmio(QmemKvmAccel *s, QmemKvmVcpu *cpu)
{
    struct kvm_run *run = cpu->run;
    QmemKvmRequest *req = cpu->turn_req;
    guint64 addr = run->mmio.phys_addr;
    guint len = MIN(run->mmio.len, (guint)sizeof(run->mmio.data));

    if (req && req->kind == QMEM_KVM_REQUEST_MEMTEST &&
        addr >= req->start && addr < req->end) {
        qmem_kvm_request_memtest_fault(s, cpu, req);
        return;
    }
    qmem_address_space_rw(s->as, addr, run->mmio.data, len,
                          run->mmio.is_write);
}

/* Whether the turn must end now; under the BQL, immediate_exit cleared. */
static gboolean kvm_turn_interrupted(QmemKvmAccel *s, QmemKvmVcpu *cpu)
{
    QmemKvmRequest *req = cpu->turn_req;

    return s->quit || !s->started ||
           (req && g_atomic_int_get(&req->cancelled));
}

QmemKvmTurnResult qmem_kvm_exec_turn(QmemKvmAccel *s, QmemKvmVcpu *cpu,
                                     GError **error)
{
    struct kvm_run *run = cpu->run;

    for (;;) {
        gboolean ok;

        /* Whoever kicked set its reason before, under the BQL. */
        __atomic_store_n(&run->immediate_exit, 0, __ATOMIC_SEQ_CST);
        if (kvm_turn_interrupted(s, cpu)) {
            return QMEM_KVM_TURN_INTERRUPTED;
        }
        qmem_bql_unlock();
        ok = qmem_kvm_vcpu_run(cpu, error);
        qmem_bql_lock();
        if (!ok && cpu->run_errno == EFAULT &&
            qmem_kvm_memory_fault(s, cpu) != QMEM_KVM_FAULT_UNKNOWN) {
            /* Stopped (resumed by cont) or the page is there now. */
            g_clear_error(error);
            continue;
        }
        if (!ok) {
            return QMEM_KVM_TURN_FAILED;
        }
        cpu->fault_retries = 0;
        switch (run->exit_reason) {
        case KVM_EXIT_INTR:
            break;
        case KVM_EXIT_IO:
            cpu->io_pending = TRUE;
            if (qmem_kvm_arch_exit_is_idle(cpu)) {
                return QMEM_KVM_TURN_IDLE;
            }
            kvm_handle_io(s, cpu);
            break;
        case KVM_EXIT_MMIO:
            cpu->io_pending = TRUE;
            kvm_handle_mmio(s, cpu);
            break;
        default:
            qmem_kvm_vcpu_exit_error(cpu, error);
            return QMEM_KVM_TURN_FAILED;
        }
    }
}
