/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vCPUs as devices: QEMU's x86 CPU models, their slots, vCPU hot-plug. */

#include <string.h>
#include "hw/core/cpu.h"
#include "hw/core/numa.h"
#include "system/accel.h"
#include "util/error.h"

#include "cpu-models.inc"

typedef struct {
    guint32 apic_id;
    gint socket_id;
    gint die_id;
    gint module_id;
    gint core_id;
    gint thread_id;
    gint node_id;
    guint index;
    guint64 plug_seq;           /* when it was plugged: list order */
} QmemCpuPrivate;

G_DEFINE_ABSTRACT_TYPE_WITH_PRIVATE(QmemCpu, qmem_cpu, QMEM_TYPE_DEVICE)

enum {
    PROP_0,
    PROP_APIC_ID,
    PROP_SOCKET_ID,
    PROP_DIE_ID,
    PROP_MODULE_ID,
    PROP_CORE_ID,
    PROP_THREAD_ID,
    PROP_NODE_ID,
    N_PROPS
};

static GParamSpec *props[N_PROPS];

/* The int properties, in property order from PROP_SOCKET_ID. */
static gint *cpu_id_field(QmemCpuPrivate *priv, guint prop_id)
{
    gint *fields[] = {
        &priv->socket_id, &priv->die_id, &priv->module_id, &priv->core_id,
        &priv->thread_id, &priv->node_id,
    };

    return fields[prop_id - PROP_SOCKET_ID];
}

static void qmem_cpu_set_property(GObject *obj, guint prop_id,
                                  const GValue *value, GParamSpec *pspec)
{
    QmemCpuPrivate *priv = qmem_cpu_get_instance_private(QMEM_CPU(obj));

    if (prop_id == PROP_APIC_ID) {
        priv->apic_id = g_value_get_uint(value);
    } else if (prop_id > PROP_APIC_ID && prop_id < N_PROPS) {
        *cpu_id_field(priv, prop_id) = g_value_get_int(value);
    } else {
        G_OBJECT_WARN_INVALID_PROPERTY_ID(obj, prop_id, pspec);
        return;
    }
    g_object_notify_by_pspec(obj, pspec);
}

static void qmem_cpu_get_property(GObject *obj, guint prop_id, GValue *value,
                                  GParamSpec *pspec)
{
    QmemCpuPrivate *priv = qmem_cpu_get_instance_private(QMEM_CPU(obj));

    if (prop_id == PROP_APIC_ID) {
        g_value_set_uint(value, priv->apic_id);
    } else if (prop_id > PROP_APIC_ID && prop_id < N_PROPS) {
        g_value_set_int(value, *cpu_id_field(priv, prop_id));
    } else {
        G_OBJECT_WARN_INVALID_PROPERTY_ID(obj, prop_id, pspec);
    }
}

/*
 * The boot vCPUs are the accelerator's from its start; a hot-plugged one
 * is handed to it here (on KVM its vCPU and thread).
 */
static gboolean qmem_cpu_realize(QmemDevice *dev, GError **error)
{
    QmemCpuPrivate *priv = qmem_cpu_get_instance_private(QMEM_CPU(dev));

    if (!qmem_device_is_hotplugged(dev)) {
        return TRUE;
    }
    return qmem_accel_hotplug_vcpu(qmem_accel_get_current(), priv->index,
                                   error);
}

static GParamSpec *cpu_id_pspec(const char *name, const char *blurb)
{
    return g_param_spec_int(name, NULL, blurb, -1, G_MAXINT, -1,
                            G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
                            G_PARAM_EXPLICIT_NOTIFY);
}

static void qmem_cpu_class_init(QmemCpuClass *klass)
{
    GObjectClass *oc = G_OBJECT_CLASS(klass);
    QmemDeviceClass *dc = QMEM_DEVICE_CLASS(klass);

    oc->set_property = qmem_cpu_set_property;
    oc->get_property = qmem_cpu_get_property;
    dc->realize = qmem_cpu_realize;
    dc->hotpluggable = TRUE;
    dc->desc = NULL;

    props[PROP_APIC_ID] = g_param_spec_uint(
        QMEM_CPU_PROP_APIC_ID, NULL, "the vCPU's APIC id", 0, G_MAXUINT32,
        QMEM_CPU_UNASSIGNED_APIC_ID,
        G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
    props[PROP_SOCKET_ID] = cpu_id_pspec(QMEM_CPU_PROP_SOCKET_ID,
                                         "the vCPU's socket");
    props[PROP_DIE_ID] = cpu_id_pspec(QMEM_CPU_PROP_DIE_ID,
                                      "the vCPU's die in its socket");
    props[PROP_MODULE_ID] = cpu_id_pspec(QMEM_CPU_PROP_MODULE_ID,
                                         "the vCPU's module in its die");
    props[PROP_CORE_ID] = cpu_id_pspec(QMEM_CPU_PROP_CORE_ID,
                                       "the vCPU's core");
    props[PROP_THREAD_ID] = cpu_id_pspec(QMEM_CPU_PROP_THREAD_ID,
                                         "the vCPU's thread in its core");
    props[PROP_NODE_ID] = cpu_id_pspec(QMEM_CPU_PROP_NODE_ID,
                                       "the vCPU's NUMA node");
    g_object_class_install_properties(oc, N_PROPS, props);
}

static void qmem_cpu_init(QmemCpu *cpu)
{
    QmemCpuPrivate *priv = qmem_cpu_get_instance_private(cpu);

    priv->apic_id = QMEM_CPU_UNASSIGNED_APIC_ID;
    priv->socket_id = priv->die_id = priv->module_id = -1;
    priv->core_id = priv->thread_id = priv->node_id = -1;
}

/* Models */

static void cpu_model_class_init(gpointer klass, gpointer data)
{
    QMEM_CPU_CLASS(klass)->model = data;
}


char *qmem_cpu_model_type_name(const char *model)
{
    for (gsize i = 0; i < G_N_ELEMENTS(x86_models); i++) {
        if (!strcmp(x86_models[i].name, model)) {
            return g_strdup_printf("%s-x86_64-cpu", model);
        }
    }
    return NULL;
}

void qmem_cpu_types_init(void)
{
    static gsize done;

    if (!g_once_init_enter(&done)) {
        return;
    }
    qmem_type_register_name("x86_64-cpu", QMEM_TYPE_CPU);
    for (gsize i = 0; i < G_N_ELEMENTS(x86_models); i++) {
        g_autofree char *name = qmem_cpu_model_type_name(x86_models[i].name);
        g_autofree char *gname = g_strdup_printf("QmemCpu_%s",
                                                 x86_models[i].name);
        GType type;
        GTypeInfo info = {
            .class_size = sizeof(QmemCpuClass),
            .class_init = cpu_model_class_init,
            .class_data = x86_models[i].name,
            .instance_size = sizeof(QmemCpu),
        };

        /* GType names take letters, digits and '-', '_', '+'. */
        g_strcanon(gname, G_CSET_A_2_Z G_CSET_a_2_z G_CSET_DIGITS "-_+", '_');
        type = g_type_register_static(QMEM_TYPE_CPU, gname, &info, 0);
        qmem_type_register_name(name, type);
    }
    g_once_init_leave(&done, 1);
}

void qmem_cpu_print_models(GString *out)
{
    g_string_append(out, "Available CPUs:\n");
    for (gsize i = 0; i < G_N_ELEMENTS(x86_models); i++) {
        g_string_append_printf(out, "x86 %-20s  %s\n", x86_models[i].name,
                               x86_models[i].desc);
    }
}

guint qmem_cpu_get_index(QmemCpu *cpu)
{
    QmemCpuPrivate *priv = qmem_cpu_get_instance_private(cpu);

    return priv->index;
}

/* Slots */

/* QEMU's x86_find_cpu_slot(): the slot of @apic_id, or NULL. */
static QmemCpuArchId *find_cpu_slot(QmemMachine *machine, guint32 apic_id,
                                    guint *idx)
{
    const QmemCpuArchIdList *cpus = qmem_numa_machine_possible_cpus(machine);

    for (guint i = 0; cpus && i < cpus->len; i++) {
        if (cpus->cpus[i].arch_id == apic_id) {
            *idx = i;
            return (QmemCpuArchId *)&cpus->cpus[i];
        }
    }
    return NULL;
}

/* One of socket-id, die-id, ... given and in 0..@count-1. */
static gboolean check_topo_id(gint id, guint count, const char *name,
                              GError **error)
{
    if (id < 0) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "CPU %s is not set", name);
        return FALSE;
    }
    if ((guint)id > count - 1) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "Invalid CPU %s: %u must be in range 0:%u", name,
                    (guint)id, count - 1);
        return FALSE;
    }
    return TRUE;
}

/* Without apic-id: the one the ids say, each of them checked first. */
static gboolean cpu_apic_id_from_props(const QmemCpuTopology *smp,
                                       QmemCpuPrivate *priv, GError **error)
{
    guint max_socket = (smp->max_cpus - 1) / smp->threads / smp->cores /
                       smp->modules / smp->dies;
    QmemX86TopoIds ids;

    /* die-id (and module-id) may be left out with one per level. */
    if (priv->die_id < 0 && smp->dies == 1) {
        priv->die_id = 0;
    }
    if (priv->module_id < 0 && smp->modules == 1) {
        priv->module_id = 0;
    }
    if (!check_topo_id(priv->socket_id, max_socket + 1, "socket-id",
                       error) ||
        !check_topo_id(priv->die_id, smp->dies, "die-id", error) ||
        !check_topo_id(priv->module_id, smp->modules, "module-id", error) ||
        !check_topo_id(priv->core_id, smp->cores, "core-id", error) ||
        !check_topo_id(priv->thread_id, smp->threads, "thread-id", error)) {
        return FALSE;
    }
    ids = (QmemX86TopoIds){
        .pkg_id = priv->socket_id, .die_id = priv->die_id,
        .module_id = priv->module_id, .core_id = priv->core_id,
        .smt_id = priv->thread_id,
    };
    priv->apic_id = qmem_x86_apicid_from_topo_ids(smp, &ids);
    return TRUE;
}

/* A given id must be the APIC id's; an id not given takes that value. */
static gboolean cpu_match_id(gint *id, guint want, const char *name,
                             guint32 apic_id, GError **error)
{
    if (*id != -1 && (guint)*id != want) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "property %s: %u doesn't match set apic-id: 0x%x "
                    "(%s: %u)", name, (guint)*id, apic_id, name, want);
        return FALSE;
    }
    *id = want;
    return TRUE;
}

gboolean qmem_x86_cpu_pre_plug(QmemMachine *machine, QmemCpu *cpu,
                               GError **error)
{
    QmemCpuPrivate *priv = qmem_cpu_get_instance_private(cpu);
    const QmemCpuTopology *smp = qmem_machine_get_smp(machine);
    const char *cpu_type = qmem_machine_get_cpu_type(machine);
    const QmemCpuArchIdList *cpus = qmem_numa_machine_possible_cpus(machine);
    QmemCpuArchId *slot;
    QmemX86TopoIds ids;
    gint64 node_id;
    guint idx = 0;

    if (strcmp(qmem_object_get_typename(QMEM_OBJECT(cpu)), cpu_type)) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "Invalid CPU type, expected cpu type: '%s'", cpu_type);
        return FALSE;
    }
    if (priv->apic_id == QMEM_CPU_UNASSIGNED_APIC_ID &&
        !cpu_apic_id_from_props(smp, priv, error)) {
        return FALSE;
    }
    slot = find_cpu_slot(machine, priv->apic_id, &idx);
    if (!slot) {
        qmem_x86_topo_ids_from_apicid(smp, priv->apic_id, &ids);
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "Invalid CPU [socket: %u, die: %u, core: %u, thread: %u] "
                    "with APIC ID %u, valid index range 0:%d", ids.pkg_id,
                    ids.die_id, ids.core_id, ids.smt_id, priv->apic_id,
                    (int)(cpus ? cpus->len : 0) - 1);
        return FALSE;
    }
    if (slot->cpu) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "CPU[%u] with APIC ID %u exists", idx, priv->apic_id);
        return FALSE;
    }
    qmem_x86_topo_ids_from_apicid(smp, priv->apic_id, &ids);
    if (!cpu_match_id(&priv->socket_id, ids.pkg_id, "socket-id",
                      priv->apic_id, error) ||
        !cpu_match_id(&priv->die_id, ids.die_id, "die-id", priv->apic_id,
                      error) ||
        !cpu_match_id(&priv->module_id, ids.module_id, "module-id",
                      priv->apic_id, error) ||
        !cpu_match_id(&priv->core_id, ids.core_id, "core-id", priv->apic_id,
                      error) ||
        !cpu_match_id(&priv->thread_id, ids.smt_id, "thread-id",
                      priv->apic_id, error)) {
        return FALSE;
    }
    priv->index = idx;
    node_id = priv->node_id;
    if (!qmem_numa_cpu_pre_plug(machine, idx, &node_id, error)) {
        return FALSE;
    }
    priv->node_id = node_id;
    return TRUE;
}

void qmem_cpu_plug(QmemMachine *machine, QmemCpu *cpu)
{
    QmemCpuPrivate *priv = qmem_cpu_get_instance_private(cpu);
    guint idx;
    QmemCpuArchId *slot = find_cpu_slot(machine, priv->apic_id, &idx);

    static guint64 plug_seq;

    g_return_if_fail(slot && !slot->cpu);
    slot->cpu = cpu;
    priv->plug_seq = ++plug_seq;
}

static gint cpu_plug_order(gconstpointer a, gconstpointer b)
{
    QmemCpuPrivate *pa = qmem_cpu_get_instance_private(*(QmemCpu **)a);
    QmemCpuPrivate *pb = qmem_cpu_get_instance_private(*(QmemCpu **)b);

    return pa->plug_seq < pb->plug_seq ? -1 : pa->plug_seq > pb->plug_seq;
}

GPtrArray *qmem_cpu_list(QmemMachine *machine)
{
    const QmemCpuArchIdList *cpus =
        machine ? qmem_numa_machine_possible_cpus(machine) : NULL;
    GPtrArray *list = g_ptr_array_new();

    for (guint i = 0; cpus && i < cpus->len; i++) {
        if (cpus->cpus[i].cpu) {
            g_ptr_array_add(list, cpus->cpus[i].cpu);
        }
    }
    g_ptr_array_sort(list, cpu_plug_order);
    return list;
}

void qmem_cpu_unplug(QmemMachine *machine, QmemCpu *cpu)
{
    QmemCpuPrivate *priv = qmem_cpu_get_instance_private(cpu);
    guint idx;
    QmemCpuArchId *slot = find_cpu_slot(machine, priv->apic_id, &idx);

    if (slot && slot->cpu == cpu) {
        slot->cpu = NULL;
    }
}

gboolean qmem_cpu_unplug_request(QmemMachine *machine, QmemCpu *cpu,
                                 GError **error)
{
    QmemCpuPrivate *priv = qmem_cpu_get_instance_private(cpu);

    if (priv->index == 0) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "Boot CPU is unpluggable");
        return FALSE;
    }
    g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                "acpi: device unplug request for not supported device type: "
                "%s", qmem_object_get_typename(QMEM_OBJECT(cpu)));
    return FALSE;
}

gboolean qmem_cpu_create_boot_cpus(QmemMachine *machine, GError **error)
{
    const QmemCpuArchIdList *cpus = qmem_numa_machine_possible_cpus(machine);
    GType type = qmem_type_from_name(qmem_machine_get_cpu_type(machine));
    guint n = qmem_machine_get_smp(machine)->cpus;

    for (guint i = 0; cpus && i < n; i++) {
        g_autoptr(QmemDevice) dev = g_object_new(type, NULL);
        QmemCpuPrivate *priv = qmem_cpu_get_instance_private(QMEM_CPU(dev));

        priv->apic_id = cpus->cpus[i].arch_id;
        priv->index = i;
        if (!qmem_device_realize(dev, NULL, error)) {
            return FALSE;
        }
        /*
         * QEMU 7.2's pc names its boot vCPUs device[0], device[2], ...:
         * each takes the name after it for an object of its own.
         */
        qmem_device_skip_unattached_name();
        /* A machine without CPU hooks still has its boot vCPUs. */
        if (!cpus->cpus[i].cpu) {
            qmem_cpu_plug(machine, QMEM_CPU(dev));
        }
    }
    return TRUE;
}
