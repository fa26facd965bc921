/* SPDX-License-Identifier: GPL-2.0-or-later */
/* x86 vCPUs for the KVM accelerator: CPUID, long mode, ring 3, page tables. */

#include <cpuid.h>
#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>

#include "accel/kvm/kvm-internal.h"
#include "accel/kvm/x86/guest-abi.h"
#include "accel/kvm/x86/x86-internal.h"
#include "util/error.h"

#define CR0_PE              (1ULL << 0)
#define CR0_MP              (1ULL << 1)
#define CR0_ET              (1ULL << 4)
#define CR0_NE              (1ULL << 5)
#define CR0_WP              (1ULL << 16)
#define CR0_PG              (1ULL << 31)
#define CR4_PAE             (1ULL << 5)
#define EFER_LME            (1ULL << 8)
#define EFER_LMA            (1ULL << 10)
#define RFLAGS_FIXED        0x2ULL
#define RFLAGS_IOPL3        0x3000ULL

#define ROUND_UP(n, d)      (((n) + (d) - 1) / (d) * (d))

#define GDT_ENTRIES         7       /* null, 4 segments, 16-byte TSS */
#define TSS_SIZE            104
#define TSS_RSP0            4
#define TSS_IOMAP_BASE      102
#define TSS_IOMAP_BYTES     (65536 / 8)
/* The TSS, an I/O bitmap of zeros (every port allowed), a byte of ones. */
#define TSS_LIMIT           (TSS_SIZE + TSS_IOMAP_BYTES)

/* QEMU's guess when the CPU does not report its address width. */
#define DEFAULT_PHYS_BITS   36

G_STATIC_ASSERT(QMEM_KVM_PATTERN_MULTIPLIER == QMEM_ACCEL_MEMTEST_MULTIPLIER);
G_STATIC_ASSERT(sizeof(struct qmem_kvm_x86_mailbox) <= PAGE_SIZE_4K);
G_STATIC_ASSERT(QMEM_KVM_X86_MB_DATA_MAX == QMEM_ACCEL_GUEST_IO_MAX);
G_STATIC_ASSERT(QMEM_KVM_X86_TSS + TSS_LIMIT < QMEM_KVM_X86_MAILBOX);
G_STATIC_ASSERT(QMEM_KVM_X86_MAILBOX + PAGE_SIZE_4K <=
                QMEM_KVM_X86_STACK0_TOP - PAGE_SIZE_4K);
G_STATIC_ASSERT(QMEM_KVM_X86_MAILBOX_WORKER == QMEM_KVM_X86_MAILBOX +
                PAGE_SIZE_4K);
G_STATIC_ASSERT(QMEM_KVM_X86_STACK_WORKER_TOP - 0x8000 >=
                QMEM_KVM_X86_PRIV_PD + PAGE_SIZE_4K);
G_STATIC_ASSERT(QMEM_KVM_X86_STACK_WORKER_TOP <= QMEM_KVM_X86_PRIV_MAPPED);
G_STATIC_ASSERT(QMEM_KVM_X86_CODE + QMEM_KVM_X86_CODE_MAX <=
                QMEM_KVM_X86_STACK3_TOP - 0x10000);
G_STATIC_ASSERT(QMEM_KVM_X86_STACK3_TOP <= QMEM_KVM_X86_SCRATCH);
G_STATIC_ASSERT(QMEM_KVM_X86_SCRATCH + QMEM_KVM_X86_SCRATCH_SIZE <=
                QMEM_KVM_X86_PRIV_PDPT);
G_STATIC_ASSERT(QMEM_KVM_X86_STACK3_TOP <= QMEM_KVM_X86_PRIV_MAPPED);
G_STATIC_ASSERT(TABLE_INDEX(QMEM_KVM_X86_PRIV_VA, PD_SHIFT) == 0);

guint qmem_kvm_arch_host_phys_bits(void)
{
    unsigned int eax, ebx, ecx, edx;

    if (__get_cpuid(0x80000008, &eax, &ebx, &ecx, &edx)) {
        return eax & 0xff;
    }
    return DEFAULT_PHYS_BITS;
}

static struct kvm_cpuid2 *x86_get_supported_cpuid(int kvm_fd, GError **error)
{
    for (guint n = 64;; n *= 2) {
        struct kvm_cpuid2 *cpuid;
        int err;

        cpuid = g_malloc0(sizeof(*cpuid) + n * sizeof(cpuid->entries[0]));
        cpuid->nent = n;
        if (ioctl(kvm_fd, KVM_GET_SUPPORTED_CPUID, cpuid) == 0) {
            return cpuid;
        }
        err = errno;
        g_free(cpuid);
        if (err != E2BIG || n >= 4096) {
            g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                        "KVM_GET_SUPPORTED_CPUID failed: %s",
                        g_strerror(err));
            return NULL;
        }
    }
}

static guint x86_guest_phys_bits(const struct kvm_cpuid2 *cpuid)
{
    guint host = qmem_kvm_arch_host_phys_bits();

    for (guint i = 0; i < cpuid->nent; i++) {
        if (cpuid->entries[i].function == 0x80000008) {
            return MIN(cpuid->entries[i].eax & 0xff, host);
        }
    }
    return MIN(DEFAULT_PHYS_BITS, host);
}

static guint64 x86_segment_descriptor(guint8 access, gboolean code)
{
    /* Base 0, limit 0xfffff with 4 KiB granularity. */
    guint64 flags = code ? 0xa : 0xc;   /* G + L for code, G + D/B else */

    return 0xffffULL | ((guint64)access << 40) | (0xfULL << 48) |
           (flags << 52);
}

static void x86_build_private_area(QmemKvmX86State *x)
{
    guint64 va = QMEM_KVM_X86_PRIV_VA;
    guint64 *gdt = qmem_kvm_x86_table(x, QMEM_KVM_X86_GDT);
    guint64 tss_va = va + QMEM_KVM_X86_TSS;
    guint64 rsp0 = va + QMEM_KVM_X86_STACK0_TOP;
    guint16 iomap = TSS_SIZE;

    /* The window: PML4 -> PDPT -> PD -> 2 MiB pages of the private area. */
    qmem_kvm_x86_table(x, QMEM_KVM_X86_PML4)[TABLE_INDEX(va, PML4_SHIFT)] =
        (x->priv_gpa + QMEM_KVM_X86_PRIV_PDPT) | PTE_TABLE;
    qmem_kvm_x86_table(x, QMEM_KVM_X86_PRIV_PDPT)[TABLE_INDEX(va, PDPT_SHIFT)] =
        (x->priv_gpa + QMEM_KVM_X86_PRIV_PD) | PTE_TABLE;
    for (guint64 off = 0; off < QMEM_KVM_X86_PRIV_MAPPED;
         off += PAGE_SIZE_2M) {
        qmem_kvm_x86_table(x, QMEM_KVM_X86_PRIV_PD)[off / PAGE_SIZE_2M] =
            (x->priv_gpa + off) | PTE_LARGE;
    }

    gdt[QMEM_KVM_X86_SEL_CODE0 / 8] = x86_segment_descriptor(0x9b, TRUE);
    gdt[QMEM_KVM_X86_SEL_DATA0 / 8] = x86_segment_descriptor(0x93, FALSE);
    gdt[QMEM_KVM_X86_SEL_CODE3 / 8] = x86_segment_descriptor(0xfb, TRUE);
    gdt[QMEM_KVM_X86_SEL_DATA3 / 8] = x86_segment_descriptor(0xf3, FALSE);
    /* A busy 64-bit TSS, as KVM_SET_SREGS loads it. */
    gdt[QMEM_KVM_X86_SEL_TSS / 8] =
        (TSS_LIMIT & 0xffff) | ((tss_va & 0xffffff) << 16) |
        (0x8bULL << 40) | ((guint64)(TSS_LIMIT >> 16) << 48) |
        (((tss_va >> 24) & 0xff) << 56);
    gdt[QMEM_KVM_X86_SEL_TSS / 8 + 1] = tss_va >> 32;

    memcpy(x->priv + QMEM_KVM_X86_TSS + TSS_RSP0, &rsp0, sizeof(rsp0));
    memcpy(x->priv + QMEM_KVM_X86_TSS + TSS_IOMAP_BASE, &iomap,
           sizeof(iomap));
    x->priv[QMEM_KVM_X86_TSS + TSS_LIMIT] = 0xff;
}

static void x86_state_free(QmemKvmX86State *x)
{
    if (x->priv) {
        munmap(x->priv, x->priv_size);
    }
    g_free(x->cpuid);
    g_free(x);
}

gboolean qmem_kvm_arch_init_vm(QmemKvmAccel *s, GError **error)
{
    QmemKvmX86State *x = g_new0(QmemKvmX86State, 1);
    guint64 id_limit;
    void *priv;

    x->cpuid = x86_get_supported_cpuid(s->fd, error);
    if (!x->cpuid) {
        x86_state_free(x);
        return FALSE;
    }
    x->phys_bits = MAX(x86_guest_phys_bits(x->cpuid), 32);

    /*
     * The private area takes the top GiB of the guest-physical space,
     * where no machine puts RAM; the identity map covers everything below
     * it that has a lower-half virtual address outside the window.
     */
    x->priv_gpa = (G_GUINT64_CONSTANT(1) << x->phys_bits) -
                  QMEM_KVM_X86_PRIV_WINDOW;
    id_limit = (guint64)TABLE_INDEX(QMEM_KVM_X86_PRIV_VA, PML4_SHIFT)
               << PML4_SHIFT;
    x->limit = MIN(x->priv_gpa, id_limit);
    x->priv_size = ROUND_UP(QMEM_KVM_X86_ID_PDS +
                            (x->limit / GIB) * PAGE_SIZE_4K, PAGE_SIZE_2M);
    g_assert(x->priv_size <= QMEM_KVM_X86_PRIV_WINDOW);

    /*
     * Page directories are filled in on demand, 4 KiB per GiB a test
     * touches: reserve the address space only.
     */
    priv = mmap(NULL, x->priv_size, PROT_READ | PROT_WRITE,
                MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (priv == MAP_FAILED) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "cannot allocate the guest payload area: %s",
                    g_strerror(errno));
        x86_state_free(x);
        return FALSE;
    }
    x->priv = priv;
    x86_build_private_area(x);
    /* Where RAM below 4 GiB and the legacy devices are: mapped at once. */
    qmem_kvm_x86_map_range(x, 0, MIN(4 * GIB, x->limit));

    if (qmem_kvm_set_private_slot(s, x->priv_gpa, x->priv_size, x->priv,
                                  error) < 0) {
        x86_state_free(x);
        return FALSE;
    }
    s->arch = x;
    return TRUE;
}

void qmem_kvm_arch_destroy_vm(QmemKvmAccel *s)
{
    if (s->arch) {
        x86_state_free(s->arch);
        s->arch = NULL;
    }
}

gboolean qmem_kvm_arch_init_vcpu(QmemKvmAccel *s, QmemKvmVcpu *cpu,
                                 GError **error)
{
    QmemKvmX86State *x = s->arch;

    if (ioctl(cpu->fd, KVM_SET_CPUID2, x->cpuid) < 0) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "KVM_SET_CPUID2 failed: %s", g_strerror(errno));
        return FALSE;
    }
    return qmem_kvm_arch_reset_vcpu(s, cpu, error);
}

static struct kvm_segment x86_segment(guint16 selector, gboolean code,
                                      guint dpl)
{
    struct kvm_segment seg = {
        .base = 0,
        .limit = 0xffffffff,
        .selector = selector,
        .type = code ? 11 : 3,          /* execute/read, read/write */
        .present = 1,
        .dpl = dpl,
        .db = !code,
        .s = 1,
        .l = code,
        .g = 1,
    };

    return seg;
}

/*
 * What power-on leaves of the payload's memory: the image (code, data,
 * zeroed .bss), an empty mailbox.  vCPU 0 alone runs it, so its reset
 * restores both.
 */
static void x86_restore_payload(QmemKvmAccel *s, QmemKvmX86State *x)
{
    struct qmem_kvm_x86_mailbox *mb =
        (void *)(x->priv + QMEM_KVM_X86_MAILBOX);

    g_assert(qmem_kvm_x86_guest_size <= QMEM_KVM_X86_CODE_MAX);
    memcpy(x->priv + QMEM_KVM_X86_CODE, qmem_kvm_x86_guest,
           qmem_kvm_x86_guest_size);
    memset(x->priv + QMEM_KVM_X86_CODE + qmem_kvm_x86_guest_size, 0,
           QMEM_KVM_X86_CODE_MAX - qmem_kvm_x86_guest_size);
    memset(x->priv + QMEM_KVM_X86_MAILBOX, 0, PAGE_SIZE_4K);
    mb->no_drivers = !s->guest_drivers;
}

/*
 * Whatever the guest did to the vCPU's state that registers do not cover
 * goes: a pending NMI or exception, SMM, and a wait for SIPI after an
 * INIT (anything can arrive as an MSI).
 */
static gboolean x86_reset_events(QmemKvmVcpu *cpu, GError **error)
{
    struct kvm_vcpu_events events = {
        .flags = KVM_VCPUEVENT_VALID_NMI_PENDING | KVM_VCPUEVENT_VALID_SMM,
    };
    struct kvm_mp_state mp_state = { .mp_state = KVM_MP_STATE_RUNNABLE };

    if (ioctl(cpu->fd, KVM_SET_VCPU_EVENTS, &events) < 0) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "KVM_SET_VCPU_EVENTS failed: %s", g_strerror(errno));
        return FALSE;
    }
    if (ioctl(cpu->fd, KVM_SET_MP_STATE, &mp_state) < 0) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "KVM_SET_MP_STATE failed: %s", g_strerror(errno));
        return FALSE;
    }
    return TRUE;
}

static gboolean x86_set_sregs(QmemKvmX86State *x, QmemKvmVcpu *cpu,
                              gboolean user, GError **error)
{
    guint dpl = user ? 3 : 0;
    guint64 va = QMEM_KVM_X86_PRIV_VA;
    struct kvm_sregs sregs;

    if (ioctl(cpu->fd, KVM_GET_SREGS, &sregs) < 0) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "KVM_GET_SREGS failed: %s", g_strerror(errno));
        return FALSE;
    }

    /*
     * Straight into 64-bit mode, and for vCPU 0 straight into ring 3: no
     * boot code, as guest ring 0 is emulated here and costs ~4 us per
     * instruction.  There is no IDT, so an exception is a triple fault
     * (KVM_EXIT_SHUTDOWN) that the VMM turns into an error.
     */
    sregs.cs = x86_segment(user ? QMEM_KVM_X86_SEL_CODE3
                                : QMEM_KVM_X86_SEL_CODE0, TRUE, dpl);
    sregs.ss = x86_segment(user ? QMEM_KVM_X86_SEL_DATA3
                                : QMEM_KVM_X86_SEL_DATA0, FALSE, dpl);
    sregs.ds = sregs.es = sregs.fs = sregs.gs = sregs.ss;
    memset(&sregs.tr, 0, sizeof(sregs.tr));
    sregs.tr.base = va + QMEM_KVM_X86_TSS;
    sregs.tr.limit = TSS_LIMIT;
    sregs.tr.selector = QMEM_KVM_X86_SEL_TSS;
    sregs.tr.type = 11;
    sregs.tr.present = 1;
    memset(&sregs.ldt, 0, sizeof(sregs.ldt));
    sregs.ldt.type = 2;
    sregs.ldt.unusable = 1;
    sregs.gdt.base = va + QMEM_KVM_X86_GDT;
    sregs.gdt.limit = GDT_ENTRIES * 8 - 1;
    sregs.idt.base = 0;
    sregs.idt.limit = 0;
    sregs.cr0 = CR0_PE | CR0_MP | CR0_ET | CR0_NE | CR0_WP | CR0_PG;
    sregs.cr3 = x->priv_gpa + QMEM_KVM_X86_PML4;
    sregs.cr4 = CR4_PAE;
    sregs.efer = EFER_LME | EFER_LMA;
    memset(sregs.interrupt_bitmap, 0, sizeof(sregs.interrupt_bitmap));
    if (ioctl(cpu->fd, KVM_SET_SREGS, &sregs) < 0) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "KVM_SET_SREGS failed: %s", g_strerror(errno));
        return FALSE;
    }
    return TRUE;
}

gboolean qmem_kvm_arch_reset_vcpu(QmemKvmAccel *s, QmemKvmVcpu *cpu,
                                  GError **error)
{
    QmemKvmX86State *x = s->arch;
    gboolean main = cpu->index == 0;
    gboolean user = main || cpu->worker;
    guint64 va = QMEM_KVM_X86_PRIV_VA;
    struct kvm_regs regs = { 0 };

    if (!x86_reset_events(cpu, error) ||
        !x86_set_sregs(x, cpu, user, error)) {
        return FALSE;
    }
    if (main) {
        x86_restore_payload(s, x);
        regs.rip = va + QMEM_KVM_X86_CODE + QMEM_KVM_X86_ENTRY_MAIN;
        regs.rsp = va + QMEM_KVM_X86_STACK3_TOP;
    } else if (cpu->worker) {
        /* vCPU 0 restores the image; a worker only its own mailbox. */
        memset(x->priv + QMEM_KVM_X86_MAILBOX_WORKER, 0, PAGE_SIZE_4K);
        regs.rip = va + QMEM_KVM_X86_CODE + QMEM_KVM_X86_ENTRY_WORKER;
        regs.rsp = va + QMEM_KVM_X86_STACK_WORKER_TOP;
    } else {
        regs.rip = va + QMEM_KVM_X86_CODE + QMEM_KVM_X86_ENTRY_PARK;
        regs.rsp = va + QMEM_KVM_X86_STACK0_TOP;
    }
    /* IOPL 3 lets ring 3 use ports; IF stays clear (there is no IDT). */
    regs.rflags = RFLAGS_FIXED | (user ? RFLAGS_IOPL3 : 0);
    if (ioctl(cpu->fd, KVM_SET_REGS, &regs) < 0) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "KVM_SET_REGS failed: %s", g_strerror(errno));
        return FALSE;
    }
    return TRUE;
}

static gboolean x86_exit_is_out(QmemKvmVcpu *cpu, guint16 port)
{
    struct kvm_run *run = cpu->run;

    return run->exit_reason == KVM_EXIT_IO && run->io.port == port;
}

gboolean qmem_kvm_arch_exit_is_idle(QmemKvmVcpu *cpu)
{
    return (cpu->index == 0 || cpu->worker) &&
           x86_exit_is_out(cpu, QMEM_KVM_X86_PORT_IDLE) &&
           cpu->run->io.direction == KVM_EXIT_IO_OUT;
}

gboolean qmem_kvm_arch_exit_is_log(QmemKvmVcpu *cpu)
{
    return x86_exit_is_out(cpu, QMEM_KVM_X86_PORT_LOG);
}

guint64 qmem_kvm_arch_memtest_limit(QmemKvmAccel *s)
{
    QmemKvmX86State *x = s->arch;

    return x->limit;
}
