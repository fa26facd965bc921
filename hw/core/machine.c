/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The machine: boot RAM, the device-memory region, hotplug hooks. */

#include <errno.h>
#include <string.h>
#include "hw/core/boards.h"
#include "hw/core/cpu.h"
#include "hw/core/numa.h"
#include "qom/user-creatable.h"
#include "util/cutils.h"
#include "util/error-report.h"
#include "util/error.h"

typedef struct {
    guint64 ram_size;
    guint64 maxram_size;
    guint64 ram_slots;
    gboolean ram_size_given;
    QmemCpuTopology smp;
    QmemNumaState *numa_state;      /* types implementing QmemNumaMachine */

    char *memory_backend;        /* -machine memory-backend= */
    gboolean dump_guest_core;
    gboolean mem_merge;
    gboolean usb;                /* -machine usb=; qmem has no USB */
    char *mem_path;
    gboolean mem_prealloc;

    QmemHostMemoryBackend *ram_backend;   /* reference; mapped by us */
    QmemMemoryRegion *ram;
    QmemMemoryRegion *system_memory;
    QmemAddressSpace *as;
    QmemMemoryRegion *system_io;
    QmemAddressSpace *io_as;
    QmemDeviceMemoryState *device_memory;
    QmemMachineInitPhase phase;
    char *cpu_type;             /* "qemu64-x86_64-cpu"; -cpu MODEL */
} QmemMachinePrivate;

G_DEFINE_ABSTRACT_TYPE_WITH_CODE(QmemMachine, qmem_machine, QMEM_TYPE_OBJECT,
                                 G_ADD_PRIVATE(QmemMachine)
                                 qmem_type_register_name("machine",
                                                         g_define_type_id))

enum {
    PROP_0,
    PROP_MEMORY_BACKEND,
    PROP_DUMP_GUEST_CORE,
    PROP_MEM_MERGE,
    PROP_USB,
    N_PROPS
};

static GParamSpec *props[N_PROPS];

#define GiB (1ULL << 30)
#define MiB (1ULL << 20)
#define KiB (1ULL << 10)

static void qmem_machine_set_property(GObject *obj, guint id,
                                      const GValue *value, GParamSpec *pspec)
{
    QmemMachinePrivate *priv =
        qmem_machine_get_instance_private(QMEM_MACHINE(obj));

    switch (id) {
    case PROP_MEMORY_BACKEND:
        g_free(priv->memory_backend);
        priv->memory_backend = g_value_dup_string(value);
        break;
    case PROP_DUMP_GUEST_CORE:
        priv->dump_guest_core = g_value_get_boolean(value);
        break;
    case PROP_MEM_MERGE:
        priv->mem_merge = g_value_get_boolean(value);
        break;
    case PROP_USB:
        priv->usb = g_value_get_boolean(value);
        break;
    default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID(obj, id, pspec);
    }
}

static void qmem_machine_get_property(GObject *obj, guint id, GValue *value,
                                      GParamSpec *pspec)
{
    QmemMachinePrivate *priv =
        qmem_machine_get_instance_private(QMEM_MACHINE(obj));

    switch (id) {
    case PROP_MEMORY_BACKEND:
        g_value_set_string(value, priv->memory_backend);
        break;
    case PROP_DUMP_GUEST_CORE:
        g_value_set_boolean(value, priv->dump_guest_core);
        break;
    case PROP_MEM_MERGE:
        g_value_set_boolean(value, priv->mem_merge);
        break;
    case PROP_USB:
        g_value_set_boolean(value, priv->usb);
        break;
    default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID(obj, id, pspec);
    }
}

static void free_device_memory(QmemMachinePrivate *priv)
{
    QmemDeviceMemoryState *dms = priv->device_memory;

    if (!dms) {
        return;
    }
    if (dms->listener.as) {
        qmem_memory_listener_unregister(&dms->listener);
    }
    qmem_address_space_free(dms->as);
    if (qmem_memory_region_is_mapped(dms->mr)) {
        qmem_memory_region_del_subregion(priv->system_memory, dms->mr);
    }
    g_object_unref(dms->mr);
    g_clear_pointer(&dms->plugged, g_array_unref);
    g_free(dms->dimm_slots);
    g_free(dms);
    priv->device_memory = NULL;
}

static void qmem_machine_finalize(GObject *obj)
{
    QmemMachinePrivate *priv =
        qmem_machine_get_instance_private(QMEM_MACHINE(obj));

    free_device_memory(priv);
    qmem_numa_release_memdevs(QMEM_MACHINE(obj));
    g_clear_pointer(&priv->numa_state, qmem_numa_state_free);
    g_clear_pointer(&priv->as, qmem_address_space_free);
    g_clear_object(&priv->system_memory);
    g_clear_pointer(&priv->io_as, qmem_address_space_free);
    g_clear_object(&priv->system_io);
    g_clear_object(&priv->ram);
    if (priv->ram_backend) {
        qmem_host_memory_backend_set_mapped(priv->ram_backend, FALSE);
        g_clear_object(&priv->ram_backend);
    }
    g_free(priv->memory_backend);
    g_free(priv->cpu_type);
    g_free(priv->mem_path);
    G_OBJECT_CLASS(qmem_machine_parent_class)->finalize(obj);
}

static void qmem_machine_class_init(QmemMachineClass *klass)
{
    GObjectClass *oc = G_OBJECT_CLASS(klass);
    GParamFlags rw = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
                     G_PARAM_EXPLICIT_NOTIFY;

    oc->set_property = qmem_machine_set_property;
    oc->get_property = qmem_machine_get_property;
    oc->finalize = qmem_machine_finalize;
    qmem_cpu_types_init();
    klass->default_ram_size = 128 * MiB;
    klass->max_cpus = 1;

    props[PROP_MEMORY_BACKEND] = g_param_spec_string(
        QMEM_MACHINE_PROP_MEMORY_BACKEND, NULL,
        "Set RAM backendValid value is ID of hostmem based backend", NULL, rw);
    props[PROP_DUMP_GUEST_CORE] =
        g_param_spec_boolean(QMEM_MACHINE_PROP_DUMP_GUEST_CORE, NULL,
                             "Include guest memory in a core dump", TRUE, rw);
    props[PROP_MEM_MERGE] =
        g_param_spec_boolean(QMEM_MACHINE_PROP_MEM_MERGE, NULL,
                             "Enable/disable memory merge support", TRUE, rw);
    /* libvirt always passes usb=off; qmem has no USB controller to add. */
    props[PROP_USB] =
        g_param_spec_boolean(QMEM_MACHINE_PROP_USB, NULL,
                             "Set on/off to enable/disable usb", FALSE, rw);
    g_object_class_install_properties(oc, N_PROPS, props);
}

/* A port nobody answers reads as all-ones (QEMU's unassigned_io_ops). */
static guint64 unassigned_io_read(gpointer opaque, guint64 addr, guint size)
{
    return G_MAXUINT64;
}

static void unassigned_io_write(gpointer opaque, guint64 addr, guint64 value,
                                guint size)
{
}

static const QmemMemoryRegionOps unassigned_io_ops = {
    .read = unassigned_io_read,
    .write = unassigned_io_write,
};

static void qmem_machine_init(QmemMachine *machine)
{
    QmemMachinePrivate *priv = qmem_machine_get_instance_private(machine);

    priv->dump_guest_core = TRUE;
    priv->mem_merge = TRUE;
    priv->smp = QMEM_CPU_TOPOLOGY_INIT;
    priv->system_memory = qmem_memory_region_new_container("system",
                                                           G_MAXUINT64);
    priv->as = qmem_address_space_new("memory", priv->system_memory);
    priv->system_io = qmem_memory_region_new_io("io", 64 * KiB,
                                                &unassigned_io_ops, NULL);
    priv->io_as = qmem_address_space_new("I/O", priv->system_io);
}

/* The machine types the core itself provides, registered on first use. */
static void ensure_core_machines(void)
{
    g_type_ensure(qmem_null_machine_get_type());
}

GType qmem_machine_type_lookup(const char *name)
{
    g_autofree char *qom_name = g_strdup_printf("%s-machine", name);
    g_autoptr(GPtrArray) types = NULL;
    GType type;

    ensure_core_machines();
    type = qmem_type_from_name(qom_name);
    if (type && g_type_is_a(type, QMEM_TYPE_MACHINE) &&
        !G_TYPE_IS_ABSTRACT(type)) {
        return type;
    }
    types = qmem_type_list(QMEM_TYPE_MACHINE, FALSE);
    for (guint i = 0; i < types->len; i++) {
        GType t = qmem_type_from_name(g_ptr_array_index(types, i));
        g_autoptr(GTypeClass) klass = g_type_class_ref(t);
        const char *pattern = QMEM_MACHINE_CLASS(klass)->alias_pattern;

        if (pattern && g_pattern_match_simple(pattern, name)) {
            return t;
        }
    }
    return G_TYPE_INVALID;
}

QmemMachine *qmem_machine_new(JsonObject *options, GError **error)
{
    JsonArray *types = json_object_get_array_member(options, "type");
    const char *name = json_array_get_string_element(
        types, json_array_get_length(types) - 1);
    GType type = qmem_machine_type_lookup(name);
    g_autoptr(QmemMachine) machine = NULL;
    g_autoptr(GList) members = NULL;
    QmemMachinePrivate *priv;

    if (!type) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "unsupported machine type");
        qmem_error_set_hint(*error,
                            "Use -machine help to list supported machines\n");
        return NULL;
    }
    machine = g_object_new(type, NULL);
    members = json_object_get_members(options);
    for (GList *m = members; m; m = m->next) {
        if (!strcmp(m->data, "type")) {
            continue;
        }
        if (!qmem_property_set_input(QMEM_OBJECT(machine), m->data,
                                     json_object_get_member(options, m->data),
                                     QMEM_INPUT_OPTS, error)) {
            return NULL;
        }
    }
    priv = qmem_machine_get_instance_private(machine);
    priv->ram_size = QMEM_MACHINE_GET_CLASS(machine)->default_ram_size;
    priv->maxram_size = priv->ram_size;
    if (!qmem_object_add_child(qmem_object_get_root(), "machine",
                               QMEM_OBJECT(machine), error)) {
        return NULL;
    }
    return machine;
}

void qmem_machine_class_add_compat_props(QmemMachineClass *mc,
                                         const QmemGlobalProperty *props,
                                         gsize n)
{
    gpointer parent = g_type_class_peek_parent(mc);
    GPtrArray *inherited = QMEM_IS_MACHINE_CLASS(parent) ?
        QMEM_MACHINE_CLASS(parent)->compat_props : NULL;

    /* GObject copied the parent's pointer into this class. */
    if (!mc->compat_props || mc->compat_props == inherited) {
        mc->compat_props = g_ptr_array_new();
        for (guint i = 0; inherited && i < inherited->len; i++) {
            g_ptr_array_add(mc->compat_props,
                            g_ptr_array_index(inherited, i));
        }
    }
    for (gsize i = 0; i < n; i++) {
        g_ptr_array_add(mc->compat_props, (gpointer)&props[i]);
    }
}

void qmem_machine_apply_compat_props(QmemObject *obj)
{
    QmemMachine *machine = qmem_machine_get_current();
    GPtrArray *props;

    if (!machine) {
        return;
    }
    props = QMEM_MACHINE_GET_CLASS(machine)->compat_props;
    for (guint i = 0; props && i < props->len; i++) {
        const QmemGlobalProperty *p = g_ptr_array_index(props, i);
        GType type = qmem_type_from_name(p->driver);
        g_autoptr(GError) error = NULL;

        if (!type || !G_TYPE_CHECK_INSTANCE_TYPE(obj, type)) {
            continue;
        }
        /* The machine type's table is wrong: a bug, not an input error. */
        if (!qmem_property_parse(obj, p->property, p->value, &error)) {
            g_critical("compat property %s.%s=%s: %s", p->driver,
                       p->property, p->value, error->message);
        }
    }
}

QmemMachine *qmem_machine_get_current(void)
{
    QmemObject *obj = qmem_object_get_child(qmem_object_get_root(),
                                            "machine");

    return obj && QMEM_IS_MACHINE(obj) ? QMEM_MACHINE(obj) : NULL;
}

/*
 * An -m value as QEMU 7.2 reads it: first as a QemuOpts size, with its
 * messages; then "size" without a suffix means MiB and is read again as
 * the machine's memory.size property (QEMU's parse_memory_options()).
 */
static gboolean parse_m_size(JsonObject *options, const char *name,
                             gboolean default_mib, guint64 *out,
                             gboolean *given, GError **error)
{
    JsonArray *values;
    const char *str;
    g_autofree char *with_unit = NULL;
    int ret;

    *given = json_object_has_member(options, name);
    if (!*given) {
        return TRUE;
    }
    values = json_object_get_array_member(options, name);
    str = json_array_get_string_element(values,
                                        json_array_get_length(values) - 1);
    ret = qmem_strtosz(str, NULL, out);
    /* QEMU 7.2's QemuOpts take a negative size as invalid, not too large. */
    if (ret == -ERANGE && !strchr(str, '-')) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "Value '%s' is out of range for parameter '%s'", str,
                    name);
        return FALSE;
    } else if (ret) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "Parameter '%s' expects a non-negative number below 2^64",
                    name);
        qmem_error_set_hint(*error, "Optional suffix k, M, G, T, P or E means "
                            "kilo-, mega-, giga-, tera-, peta-\nand exabytes, "
                            "respectively.\n");
        return FALSE;
    }
    /* A bare number means MiB: QEMU appends the suffix itself. */
    if (default_mib && *out && g_ascii_isdigit(str[strlen(str) - 1])) {
        with_unit = g_strconcat(str, "M", NULL);
        if (qmem_strtosz(with_unit, NULL, out)) {
            g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                        "Parameter 'memory.%s' expects size", name);
            return FALSE;
        }
    }
    return TRUE;
}

gboolean qmem_machine_set_memory(QmemMachine *machine, JsonObject *options,
                                 GError **error)
{
    QmemMachinePrivate *priv = qmem_machine_get_instance_private(machine);
    g_autoptr(GList) members = json_object_get_members(options);
    guint64 size = 0, maxmem = 0, slots = 0;
    gboolean has_size, has_maxmem, has_slots;

    for (GList *m = members; m; m = m->next) {
        if (strcmp(m->data, "size") && strcmp(m->data, "maxmem") &&
            strcmp(m->data, "slots")) {
            g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                        "Invalid parameter '%s'", (const char *)m->data);
            return FALSE;
        }
    }
    if (!parse_m_size(options, "size", TRUE, &size, &has_size, error) ||
        !parse_m_size(options, "maxmem", FALSE, &maxmem, &has_maxmem,
                      error)) {
        return FALSE;
    }
    has_slots = json_object_has_member(options, "slots");
    if (has_slots) {
        JsonArray *values = json_object_get_array_member(options, "slots");
        const char *str = json_array_get_string_element(
            values, json_array_get_length(values) - 1);

        int ret = qmem_strtou64(str, 0, &slots);

        /* QEMU's parse_option_number(). */
        if (ret == -ERANGE) {
            g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                        "Value '%s' is too large for parameter 'slots'", str);
            return FALSE;
        } else if (ret) {
            g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                        "Parameter 'slots' expects a number");
            return FALSE;
        }
    }

    if (has_size && size > 0) {
        priv->ram_size = (size + 8191) & ~8191ULL;
        priv->ram_size_given = TRUE;
    }
    if (has_maxmem) {
        if (maxmem < priv->ram_size) {
            g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                        "invalid value of maxmem: maximum memory size "
                        "(0x%" G_GINT64_MODIFIER "x) must be at least the "
                        "initial memory size (0x%" G_GINT64_MODIFIER "x)",
                        maxmem, priv->ram_size);
            return FALSE;
        }
        if (slots && maxmem == priv->ram_size) {
            g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                        "invalid value of maxmem: memory slots were "
                        "specified but maximum memory size "
                        "(0x%" G_GINT64_MODIFIER "x) is equal to the initial "
                        "memory size (0x%" G_GINT64_MODIFIER "x)",
                        maxmem, priv->ram_size);
            return FALSE;
        }
        priv->maxram_size = maxmem;
        priv->ram_slots = slots;
    } else if (has_slots) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "slots specified but no max-size");
        return FALSE;
    } else {
        priv->maxram_size = priv->ram_size;
    }
    return TRUE;
}

gboolean qmem_machine_set_smp_config(QmemMachine *machine,
                                     const QmemSmpConfig *config,
                                     GError **error)
{
    QmemMachinePrivate *priv = qmem_machine_get_instance_private(machine);
    QmemMachineClass *mc = QMEM_MACHINE_GET_CLASS(machine);

    /* The CPU slots and their nodes follow from the topology. */
    g_return_val_if_fail(!priv->numa_state ||
                         !priv->numa_state->possible_cpus, FALSE);
    return qmem_smp_parse(config, &mc->smp_props,
                          qmem_machine_get_name(machine),
                          mc->min_cpus ? mc->min_cpus : 1, mc->max_cpus,
                          &priv->smp, error);
}

const char *qmem_machine_get_memory_backend(QmemMachine *machine)
{
    QmemMachinePrivate *priv = qmem_machine_get_instance_private(machine);

    return priv->memory_backend;
}

const QmemCpuTopology *qmem_machine_get_smp(QmemMachine *machine)
{
    QmemMachinePrivate *priv = qmem_machine_get_instance_private(machine);

    return &priv->smp;
}

const char *qmem_machine_get_name(QmemMachine *machine)
{
    const char *name = qmem_object_get_typename(QMEM_OBJECT(machine));
    g_autofree char *short_name = g_str_has_suffix(name, "-machine") ?
        g_strndup(name, strlen(name) - strlen("-machine")) : g_strdup(name);

    return g_intern_string(short_name);
}

QmemNumaState *qmem_machine_get_numa_state(QmemMachine *machine)
{
    QmemMachinePrivate *priv = qmem_machine_get_instance_private(machine);

    /*
     * Made on first use: during instance init GObject shows the base
     * class, so whether the type implements the interface is not known.
     */
    if (!priv->numa_state && QMEM_IS_NUMA_MACHINE(machine) &&
        QMEM_NUMA_MACHINE_GET_IFACE(machine)->numa_supported) {
        priv->numa_state = qmem_numa_state_new();
    }
    return priv->numa_state;
}

void qmem_machine_set_mem_options(QmemMachine *machine, const char *mem_path,
                                  gboolean prealloc)
{
    QmemMachinePrivate *priv = qmem_machine_get_instance_private(machine);

    g_free(priv->mem_path);
    priv->mem_path = g_strdup(mem_path);
    priv->mem_prealloc = prealloc;
    qmem_host_memory_backend_set_defaults(priv->mem_merge,
                                          priv->dump_guest_core,
                                          priv->smp.cpus, prealloc);
}

static QmemObject *create_default_backend(QmemMachine *machine,
                                          const char *id, GError **error)
{
    QmemMachinePrivate *priv = qmem_machine_get_instance_private(machine);
    g_autoptr(JsonObject) props = json_object_new();
    g_autoptr(GError) file_error = NULL;
    QmemObject *backend;

    json_object_set_int_member(props, "size", priv->ram_size);
    json_object_set_boolean_member(props,
                                   "x-use-canonical-path-for-ramblock-id",
                                   FALSE);
    if (!priv->mem_path) {
        return qmem_user_creatable_add_type("memory-backend-ram", id, props,
                                            QMEM_INPUT_JSON, error);
    }
    json_object_set_string_member(props, "mem-path", priv->mem_path);
    backend = qmem_user_creatable_add_type("memory-backend-file", id, props,
                                           QMEM_INPUT_JSON, &file_error);
    if (backend) {
        return backend;
    }
    /* QEMU's -mem-path fallback: only preallocation makes it fatal. */
    if (priv->mem_prealloc) {
        g_propagate_error(error, g_steal_pointer(&file_error));
        return NULL;
    }
    qmem_warn_report("falling back to regular RAM allocation: %s",
                     file_error->message);
    json_object_remove_member(props, "mem-path");
    return qmem_user_creatable_add_type("memory-backend-ram", id, props,
                                        QMEM_INPUT_JSON, error);
}

/* Finds or creates the RAM backend, QEMU's create_default_memdev() part. */
static QmemHostMemoryBackend *resolve_ram_backend(QmemMachine *machine,
                                                  GError **error)
{
    QmemMachinePrivate *priv = qmem_machine_get_instance_private(machine);
    QmemMachineClass *mc = QMEM_MACHINE_GET_CLASS(machine);
    QmemObject *objects = qmem_object_get_objects_root();
    QmemObject *obj;

    if (priv->memory_backend) {
        obj = qmem_object_get_child(objects, priv->memory_backend);
        if (!obj || !QMEM_IS_HOST_MEMORY_BACKEND(obj)) {
            g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                        "Memory backend '%s' not found",
                        priv->memory_backend);
            return NULL;
        }
        if (priv->mem_path) {
            g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                        "'-mem-path' can't be used together "
                        "with'-machine memory-backend'");
            return NULL;
        }
        if (priv->ram_size_given &&
            qmem_host_memory_backend_get_size(QMEM_HOST_MEMORY_BACKEND(obj))
                != priv->ram_size) {
            g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                        "Machine memory size does not match the size of the "
                        "memory backend");
            return NULL;
        }
        if (qmem_host_memory_backend_is_mapped(
                QMEM_HOST_MEMORY_BACKEND(obj))) {
            g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                        "memory backend %s can't be used multiple times.",
                        priv->memory_backend);
            return NULL;
        }
        if (!priv->ram_size_given) {
            priv->ram_size = qmem_host_memory_backend_get_size(
                QMEM_HOST_MEMORY_BACKEND(obj));
            if (priv->maxram_size < priv->ram_size) {
                priv->maxram_size = priv->ram_size;
            }
        }
        return QMEM_HOST_MEMORY_BACKEND(obj);
    }
    /* With -numa memdev= the nodes' backends are the RAM. */
    if (!mc->default_ram_id || priv->ram_size == 0 ||
        qmem_numa_uses_memdevs(machine)) {
        return NULL;
    }
    if (qmem_object_get_child(objects, mc->default_ram_id)) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "object's id '%s' is reserved for the default RAM "
                    "backend, it can't be used for any other purposes",
                    mc->default_ram_id);
        qmem_error_set_hint(*error, "Change the object's 'id' to something "
                            "else or disable automatic creation of the "
                            "default RAM backend by setting "
                            "'memory-backend=%s' machine property\n",
                            mc->default_ram_id);
        return NULL;
    }
    obj = create_default_backend(machine, mc->default_ram_id, error);
    return obj ? QMEM_HOST_MEMORY_BACKEND(obj) : NULL;
}

gboolean qmem_machine_init_board(QmemMachine *machine, GError **error)
{
    QmemMachinePrivate *priv = qmem_machine_get_instance_private(machine);
    QmemHostMemoryBackend *backend;
    g_autoptr(GError) local_error = NULL;
    g_autoptr(QmemMemoryRegion) numa_ram = NULL;

    if (priv->usb) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "-machine usb=on is not supported: qmem has no USB "
                    "controller");
        return FALSE;
    }
    backend = resolve_ram_backend(machine, &local_error);
    if (local_error) {
        g_propagate_error(error, g_steal_pointer(&local_error));
        return FALSE;
    }
    if (backend) {
        g_autofree char *name = qmem_host_memory_backend_ram_block_name(
            backend);

        priv->ram_backend = g_object_ref(backend);
        qmem_host_memory_backend_set_mapped(backend, TRUE);
        priv->ram = qmem_memory_region_new_ram(
            name, qmem_host_memory_backend_get_ram_block(backend));
    }
    if (!qmem_numa_complete_configuration(machine, &numa_ram, error)) {
        return FALSE;
    }
    if (numa_ram) {
        g_assert(!priv->ram);
        priv->ram = g_steal_pointer(&numa_ram);
    }
    if (!qmem_cpu_create_boot_cpus(machine, error) ||
        !QMEM_MACHINE_GET_CLASS(machine)->init(machine, error)) {
        return FALSE;
    }
    qmem_numa_map_boot_ram(machine);
    if (priv->phase < QMEM_PHASE_MACHINE_INITIALIZED) {
        qmem_machine_phase_advance(machine, QMEM_PHASE_MACHINE_INITIALIZED);
    }
    return TRUE;
}

void qmem_machine_set_device_memory(QmemMachine *machine,
                                    QmemDeviceMemoryState *dms)
{
    QmemMachinePrivate *priv = qmem_machine_get_instance_private(machine);

    g_return_if_fail(priv->device_memory == NULL);
    priv->device_memory = dms;
}

guint64 qmem_machine_get_ram_size(QmemMachine *machine)
{
    QmemMachinePrivate *priv = qmem_machine_get_instance_private(machine);

    return priv->ram_size;
}

guint64 qmem_machine_get_maxram_size(QmemMachine *machine)
{
    QmemMachinePrivate *priv = qmem_machine_get_instance_private(machine);

    return priv->maxram_size;
}

guint64 qmem_machine_get_ram_slots(QmemMachine *machine)
{
    QmemMachinePrivate *priv = qmem_machine_get_instance_private(machine);

    return priv->ram_slots;
}

guint qmem_machine_get_smp_cpus(QmemMachine *machine)
{
    QmemMachinePrivate *priv = qmem_machine_get_instance_private(machine);

    return priv->smp.cpus;
}

QmemMemoryRegion *qmem_machine_get_ram(QmemMachine *machine)
{
    QmemMachinePrivate *priv = qmem_machine_get_instance_private(machine);

    return priv->ram;
}

QmemMemoryRegion *qmem_machine_get_system_memory(QmemMachine *machine)
{
    QmemMachinePrivate *priv = qmem_machine_get_instance_private(machine);

    return priv->system_memory;
}

QmemAddressSpace *qmem_machine_get_address_space(QmemMachine *machine)
{
    QmemMachinePrivate *priv = qmem_machine_get_instance_private(machine);

    return priv->as;
}

QmemMemoryRegion *qmem_machine_get_system_io(QmemMachine *machine)
{
    QmemMachinePrivate *priv = qmem_machine_get_instance_private(machine);

    return priv->system_io;
}

QmemAddressSpace *qmem_machine_get_io_address_space(QmemMachine *machine)
{
    QmemMachinePrivate *priv = qmem_machine_get_instance_private(machine);

    return priv->io_as;
}

QmemDeviceMemoryState *qmem_machine_get_device_memory(QmemMachine *machine)
{
    QmemMachinePrivate *priv = qmem_machine_get_instance_private(machine);

    return priv->device_memory;
}

QmemMachineInitPhase qmem_machine_get_phase(QmemMachine *machine)
{
    QmemMachinePrivate *priv = qmem_machine_get_instance_private(machine);

    return priv->phase;
}

gboolean qmem_phase_check(QmemMachineInitPhase phase)
{
    QmemMachine *machine = qmem_machine_get_current();

    return (machine ? qmem_machine_get_phase(machine)
                    : QMEM_PHASE_NO_MACHINE) >= phase;
}

void qmem_machine_phase_advance(QmemMachine *machine,
                                QmemMachineInitPhase phase)
{
    QmemMachinePrivate *priv = qmem_machine_get_instance_private(machine);

    g_return_if_fail(phase > priv->phase);
    priv->phase = phase;
}

const char *qmem_machine_get_cpu_type(QmemMachine *machine)
{
    QmemMachinePrivate *priv = qmem_machine_get_instance_private(machine);

    return priv->cpu_type ? priv->cpu_type : "qemu64-x86_64-cpu";
}

gboolean qmem_machine_set_cpu_model(QmemMachine *machine, const char *model,
                                    GError **error)
{
    QmemMachinePrivate *priv = qmem_machine_get_instance_private(machine);
    char *type = qmem_cpu_model_type_name(model);

    if (!type) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "unable to find CPU model '%s'", model);
        return FALSE;
    }
    g_free(priv->cpu_type);
    priv->cpu_type = type;
    return TRUE;
}

void qmem_machine_creation_done(QmemMachine *machine)
{
    qmem_machine_phase_advance(machine, QMEM_PHASE_MACHINE_READY);
}

void qmem_machine_destroy(QmemMachine *machine)
{
    QmemMachinePrivate *priv = qmem_machine_get_instance_private(machine);

    qmem_device_unplug_all();
    qmem_memory_region_transaction_begin();
    free_device_memory(priv);
    qmem_memory_region_transaction_commit();
    qmem_object_unparent(QMEM_OBJECT(machine));
}

gboolean qmem_machine_print_help(GString *out)
{
    g_autoptr(GPtrArray) types = NULL;

    ensure_core_machines();
    types = qmem_type_list(QMEM_TYPE_MACHINE, FALSE);
    g_string_append(out, "Supported machines are:\n");
    for (guint i = 0; i < types->len; i++) {
        const char *name = g_ptr_array_index(types, i);
        g_autoptr(GTypeClass) klass =
            g_type_class_ref(qmem_type_from_name(name));
        g_autofree char *short_name = g_strndup(name, strlen(name) -
                                                strlen("-machine"));

        g_string_append_printf(out, "%-20s %s\n", short_name,
                               QMEM_MACHINE_CLASS(klass)->desc ?: "");
    }
    return TRUE;
}
