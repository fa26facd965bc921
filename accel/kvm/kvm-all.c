/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The KVM accelerator: the type, VM set-up and teardown, the module. */

#include <errno.h>
#include <fcntl.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <gmodule.h>

#include "accel/kvm/kvm-internal.h"
#include "qom/module.h"
#include "qom/property.h"
#include "system/system.h"
#include "util/error-report.h"
#include "util/error.h"
#include "util/main-loop.h"

#define KVM_DEVICE_DEFAULT          "/dev/kvm"
#define KVM_SLOTS_DEFAULT_MAX       32      /* kernels that report 0 */
#define KVM_VCPUS_DEFAULT_MAX       4       /* QEMU's soft default */

enum {
    PROP_0,
    PROP_DEVICE,
    PROP_MEMTEST_TIMEOUT,
    PROP_GUEST_LOG,
    PROP_GUEST_DRIVERS,
    N_PROPS
};

static GParamSpec *props[N_PROPS];

G_DEFINE_DYNAMIC_TYPE_EXTENDED(QmemKvmAccel, qmem_kvm_accel, QMEM_TYPE_ACCEL,
                               G_TYPE_FLAG_FINAL, {})

static int kvm_check_extension(int fd, unsigned int cap)
{
    int ret = ioctl(fd, KVM_CHECK_EXTENSION, cap);

    return ret < 0 ? 0 : ret;
}

static guint kvm_nr_memslots(int fd)
{
    guint nr = kvm_check_extension(fd, KVM_CAP_NR_MEMSLOTS);

    return nr ? nr : KVM_SLOTS_DEFAULT_MAX;
}

/* Undoes init_machine, from wherever it got to. */
static void kvm_teardown(QmemKvmAccel *s)
{
    qmem_kvm_stop_vcpus(s);
    g_clear_pointer(&s->request, qmem_kvm_request_free);
    g_clear_error(&s->guest_error);
    qmem_kvm_io_listener_unregister(s);
    qmem_kvm_memory_listener_unregister(s);
    s->as = NULL;
    s->io_as = NULL;
    qmem_kvm_destroy_vcpus(s);
    if (s->vm_fd >= 0) {
        close(s->vm_fd);
        s->vm_fd = -1;
    }
    /* The VM is gone, so its memslots are: now the memory may go too. */
    qmem_kvm_arch_destroy_vm(s);
    if (s->fd >= 0) {
        close(s->fd);
        s->fd = -1;
    }
    qmem_kvm_memslots_reset(s);
    s->started = FALSE;
    s->quit = FALSE;
    s->ioeventfds = FALSE;
    s->irq_status = FALSE;
}

static gboolean kvm_fail_init(GError **error, int err, const char *fmt, ...)
    G_GNUC_PRINTF(3, 4);

/*
 * QEMU prints the reason, then "failed to initialize kvm: <errno text>":
 * the latter is the message here and the reason its hint.
 */
static gboolean kvm_fail_init(GError **error, int err, const char *fmt, ...)
{
    g_autofree char *reason = NULL;
    GError *e;
    va_list ap;

    va_start(ap, fmt);
    reason = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    e = g_error_new(QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "failed to initialize kvm: %s", g_strerror(err));
    qmem_error_set_hint(e, "%s\n", reason);
    g_propagate_error(error, e);
    return FALSE;
}

/* Opens the device and creates the VM (QEMU's kvm_init, first half). */
static gboolean kvm_open_vm(QmemKvmAccel *s, GError **error)
{
    int ret;

    s->fd = open(s->device, O_RDWR | O_CLOEXEC);
    if (s->fd < 0) {
        int err = errno;

        return kvm_fail_init(error, err,
                             "Could not access KVM kernel module: %s",
                             g_strerror(err));
    }
    ret = ioctl(s->fd, KVM_GET_API_VERSION, 0);
    if (ret < KVM_API_VERSION) {
        return kvm_fail_init(error, ret < 0 ? errno : EINVAL,
                             "kvm version too old");
    }
    if (ret > KVM_API_VERSION) {
        return kvm_fail_init(error, EINVAL, "kvm version not supported");
    }
    do {
        s->vm_fd = ioctl(s->fd, KVM_CREATE_VM, 0);
    } while (s->vm_fd < 0 && errno == EINTR);
    if (s->vm_fd < 0) {
        int err = errno;

        return kvm_fail_init(error, err, "ioctl(KVM_CREATE_VM) failed: %d %s",
                             err, g_strerror(err));
    }
    if (!kvm_check_extension(s->fd, KVM_CAP_IMMEDIATE_EXIT)) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_KVM_MISSING_CAP,
                    "kvm does not support %s", "KVM_CAP_IMMEDIATE_EXIT");
        return FALSE;
    }
    return TRUE;
}

/* What the VM offers: memslots, read-only memory, vCPUs, kvm_run's size. */
static gboolean kvm_read_limits(QmemKvmAccel *s, guint n_cpus, GError **error)
{
    int max_vcpus, mmap_size;

    s->nr_slots_max = kvm_nr_memslots(s->vm_fd);
    s->readonly_mem = kvm_check_extension(s->vm_fd,
                                          KVM_CAP_READONLY_MEM) > 0;
    /* QEMU's kvm_eventfds_allowed. */
    s->ioeventfds = kvm_check_extension(s->vm_fd, KVM_CAP_IOEVENTFD) > 0;
    max_vcpus = kvm_check_extension(s->vm_fd, KVM_CAP_MAX_VCPUS);
    if (!max_vcpus) {
        max_vcpus = kvm_check_extension(s->vm_fd, KVM_CAP_NR_VCPUS);
    }
    if (!max_vcpus) {
        max_vcpus = KVM_VCPUS_DEFAULT_MAX;
    }
    if (n_cpus > (guint)max_vcpus) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "Number of SMP cpus requested (%u) exceeds the maximum "
                    "cpus supported by KVM (%d)", n_cpus, max_vcpus);
        return FALSE;
    }
    mmap_size = ioctl(s->fd, KVM_GET_VCPU_MMAP_SIZE, 0);
    if (mmap_size < 0) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "KVM_GET_VCPU_MMAP_SIZE failed: %s", g_strerror(errno));
        return FALSE;
    }
    s->run_size = mmap_size;
    return TRUE;
}

/*
 * QEMU's -overcommit cpu-pm=on on x86: the guest's HLT, MWAIT, PAUSE and
 * C-state instructions stay in the guest, as far as the host allows.  The
 * payload is fine with it: vCPU 0 runs in ring 3 without HLT, and parked
 * vCPUs never enter the guest.  A host that refuses gets QEMU's message
 * and the VM runs with the exits.
 */
static void kvm_enable_cpu_pm(QmemKvmAccel *s)
{
    struct kvm_enable_cap cap = { .cap = KVM_CAP_X86_DISABLE_EXITS };
    int disable_exits;

    if (!qmem_get_cpu_pm()) {
        return;
    }
    disable_exits = kvm_check_extension(s->vm_fd, KVM_CAP_X86_DISABLE_EXITS);
    if (disable_exits > 0) {
        disable_exits &= KVM_X86_DISABLE_EXITS_MWAIT |
                         KVM_X86_DISABLE_EXITS_HLT |
                         KVM_X86_DISABLE_EXITS_PAUSE |
                         KVM_X86_DISABLE_EXITS_CSTATE;
    }
    cap.args[0] = MAX(disable_exits, 0);
    if (ioctl(s->vm_fd, KVM_ENABLE_CAP, &cap) < 0) {
        qmem_error_report("kvm: guest stopping CPU not supported: %s",
                          g_strerror(errno));
    }
}

static gboolean kvm_init_machine(QmemAccel *accel,
                                 QmemAddressSpace *system_memory,
                                 QmemAddressSpace *system_io, guint n_cpus,
                                 GError **error)
{
    QmemKvmAccel *s = QMEM_KVM_ACCEL(accel);

    g_return_val_if_fail(s->vm_fd < 0, FALSE);

    /* The irqchip first: each vCPU gets its local APIC when created. */
    if (!kvm_open_vm(s, error) || !kvm_read_limits(s, n_cpus, error)) {
        kvm_teardown(s);
        return FALSE;
    }
    /* QEMU's kvm_arch_init(), before any vCPU exists. */
    kvm_enable_cpu_pm(s);
    if (!qmem_kvm_irqchip_create(s, error)
        || !qmem_kvm_arch_init_vm(s, error)
        || !qmem_kvm_init_vcpus(s, n_cpus, error)) {
        kvm_teardown(s);
        return FALSE;
    }
    s->io_as = system_io;
    qmem_kvm_memory_listener_register(s, system_memory);
    qmem_kvm_io_listener_register(s, system_io);
    if (!qmem_kvm_start_vcpu_threads(s, error)) {
        kvm_teardown(s);
        return FALSE;
    }
    return TRUE;
}

static void kvm_get_memslots(QmemAccel *accel, guint *max, guint *free)
{
    QmemKvmAccel *s = QMEM_KVM_ACCEL(accel);

    if (s->vm_fd < 0) {
        /*
         * Asked before init_machine (cold-plugged devices are checked
         * first): what a VM will offer, less the payload's slot.
         */
        if (!s->nr_slots_max) {
            int fd = open(s->device, O_RDWR | O_CLOEXEC);

            if (fd >= 0) {
                s->nr_slots_max = kvm_nr_memslots(fd);
                close(fd);
            }
        }
        *max = s->nr_slots_max;
        *free = s->nr_slots_max ? s->nr_slots_max - 1 : 0;
        return;
    }
    *max = s->nr_slots_max;
    *free = s->nr_slots_max - s->used_slots;
}

static void kvm_start(QmemAccel *accel)
{
    qmem_kvm_vcpus_start(QMEM_KVM_ACCEL(accel));
}

static void kvm_stop(QmemAccel *accel)
{
    qmem_kvm_vcpus_stop(QMEM_KVM_ACCEL(accel));
}

static gboolean kvm_ioeventfds_enabled(QmemAccel *accel)
{
    return QMEM_KVM_ACCEL(accel)->ioeventfds;
}

static void kvm_shutdown(QmemAccel *accel)
{
    kvm_teardown(QMEM_KVM_ACCEL(accel));
}

static guint kvm_phys_bits(QmemAccel *accel)
{
    return qmem_kvm_arch_host_phys_bits();
}

static gint64 kvm_vcpu_thread_id(QmemAccel *accel, guint index)
{
    QmemKvmAccel *s = QMEM_KVM_ACCEL(accel);

    return index < s->n_cpus && s->cpus[index].has_tid ?
           s->cpus[index].thread_id : -1;
}

static void qmem_kvm_accel_set_property(GObject *obj, guint prop_id,
                                        const GValue *value,
                                        GParamSpec *pspec)
{
    QmemKvmAccel *s = QMEM_KVM_ACCEL(obj);

    switch (prop_id) {
    case PROP_DEVICE:
        g_free(s->device);
        s->device = g_value_dup_string(value);
        break;
    case PROP_MEMTEST_TIMEOUT:
        s->memtest_timeout_ms = g_value_get_uint(value);
        break;
    case PROP_GUEST_DRIVERS:
        s->guest_drivers = g_value_get_boolean(value);
        break;
    default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID(obj, prop_id, pspec);
    }
}

static void qmem_kvm_accel_get_property(GObject *obj, guint prop_id,
                                        GValue *value, GParamSpec *pspec)
{
    QmemKvmAccel *s = QMEM_KVM_ACCEL(obj);

    switch (prop_id) {
    case PROP_DEVICE:
        g_value_set_string(value, s->device);
        break;
    case PROP_MEMTEST_TIMEOUT:
        g_value_set_uint(value, s->memtest_timeout_ms);
        break;
    case PROP_GUEST_DRIVERS:
        g_value_set_boolean(value, s->guest_drivers);
        break;
    case PROP_GUEST_LOG:
        g_mutex_lock(&s->log_lock);
        g_value_set_string(value, s->guest_log->str);
        g_mutex_unlock(&s->log_lock);
        break;
    default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID(obj, prop_id, pspec);
    }
}

static void qmem_kvm_accel_finalize(GObject *obj)
{
    QmemKvmAccel *s = QMEM_KVM_ACCEL(obj);

    kvm_teardown(s);
    g_free(s->device);
    g_string_free(s->guest_log, TRUE);
    g_mutex_clear(&s->log_lock);
    g_cond_clear(&s->cond);
    G_OBJECT_CLASS(qmem_kvm_accel_parent_class)->finalize(obj);
}

static void qmem_kvm_accel_class_init(QmemKvmAccelClass *klass)
{
    GObjectClass *object_class = G_OBJECT_CLASS(klass);
    QmemAccelClass *accel_class = QMEM_ACCEL_CLASS(klass);

    object_class->set_property = qmem_kvm_accel_set_property;
    object_class->get_property = qmem_kvm_accel_get_property;
    object_class->finalize = qmem_kvm_accel_finalize;
    accel_class->init_machine = kvm_init_machine;
    accel_class->get_memslots = kvm_get_memslots;
    accel_class->start = kvm_start;
    accel_class->stop = kvm_stop;
    accel_class->shutdown = kvm_shutdown;
    accel_class->phys_bits = kvm_phys_bits;
    accel_class->vcpu_thread_id = kvm_vcpu_thread_id;
    accel_class->hotplug_vcpu = qmem_kvm_hotplug_vcpu;
    accel_class->guest_memtest = qmem_kvm_guest_memtest;
    accel_class->guest_io = qmem_kvm_guest_io;
    accel_class->set_irq = qmem_kvm_set_irq;
    accel_class->send_msi = qmem_kvm_send_msi;
    accel_class->ioeventfds_enabled = kvm_ioeventfds_enabled;
    accel_class->kind = QMEM_ACCEL_KIND_KVM;

    props[PROP_DEVICE] =
        g_param_spec_string("device", NULL,
                            "Path to the KVM device node",
                            KVM_DEVICE_DEFAULT,
                            G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
                            G_PARAM_EXPLICIT_NOTIFY);
    props[PROP_MEMTEST_TIMEOUT] =
        g_param_spec_uint(QMEM_KVM_ACCEL_PROP_MEMTEST_TIMEOUT, NULL,
                          "How long x-guest-memtest may take, in ms "
                          "(0: 10 s plus 1 s per 64 MiB)",
                          0, G_MAXUINT, 0,
                          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
                          G_PARAM_EXPLICIT_NOTIFY);
    props[PROP_GUEST_LOG] =
        g_param_spec_string(QMEM_KVM_ACCEL_PROP_GUEST_LOG, NULL,
                            "What the guest payload logged (newest lines)",
                            "", G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
    props[PROP_GUEST_DRIVERS] =
        g_param_spec_boolean(QMEM_KVM_ACCEL_PROP_GUEST_DRIVERS, NULL,
                             "Whether the guest payload runs its device "
                             "drivers", TRUE,
                             G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
                             G_PARAM_EXPLICIT_NOTIFY);
    g_object_class_install_properties(object_class, N_PROPS, props);
}

static void qmem_kvm_accel_class_finalize(QmemKvmAccelClass *klass)
{
}

static void qmem_kvm_accel_init(QmemKvmAccel *s)
{
    s->device = g_strdup(KVM_DEVICE_DEFAULT);
    s->fd = -1;
    s->vm_fd = -1;
    s->guest_drivers = TRUE;
    s->guest_log = g_string_new(NULL);
    g_mutex_init(&s->log_lock);
    g_cond_init(&s->cond);
}

G_MODULE_EXPORT void qmem_module_kvm_register(GTypeModule *module);

G_MODULE_EXPORT void qmem_module_kvm_register(GTypeModule *module)
{
    qmem_kvm_accel_register_type(module);
    qmem_type_register_name(QMEM_TYPE_NAME_KVM_ACCEL,
                            qmem_kvm_accel_get_type());
}
