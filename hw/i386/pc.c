/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The x86 pc (i440fx) and q35 machine types: QEMU's memory layout. */

#include <string.h>
#include <gmodule.h>
#include "hw/acpi/nvdimm.h"
#include "hw/core/boards.h"
#include "hw/core/numa.h"
#include "hw/intc/apic-msi.h"
#include "hw/intc/ioapic.h"
#include "hw/pci/pci-bus.h"
#include "hw/mem/memory-device.h"
#include "pc-internal.h"
#include "qom/module.h"
#include "qom/property.h"
#include "system/accel.h"
#include "util/error.h"

#define GiB (1ULL << 30)
#define PC_MAX_RAM_SLOTS 256            /* ACPI_MAX_RAM_SLOTS */
#define PC_PAGE_SIZE 4096               /* TARGET_PAGE_SIZE */

/*
 * Both boards put RAM below the 32-bit PCI hole and the rest at 4 GiB;
 * they differ only in where the hole starts once RAM reaches it.
 */
#define QMEM_TYPE_PC_MACHINE (qmem_pc_machine_get_type())
G_DECLARE_DERIVABLE_TYPE(QmemPcMachine, qmem_pc_machine, QMEM, PC_MACHINE,
                         QmemMachine)

struct _QmemPcMachineClass {
    QmemMachineClass parent_class;

    guint64 lowmem_limit;       /* RAM at or above this splits ... */
    guint64 lowmem;             /* ... leaving this much below 4 GiB */
    QmemPcFirmwareOptions firmware;    /* e820, fw_cfg, ACPI */
    /* The chipset's PCI: i440FX + PIIX3 or q35 + ICH9 (pc-internal.h). */
    QmemPciHostBridge *(*pci_init)(QmemMachine *machine,
                                   QmemMemoryRegion *pci_memory,
                                   QmemIrq *gsi, GError **error);
};

/* QEMU's X86MachineState.gsi and the GSIState behind it. */
typedef struct {
    QmemGsiState *gsi_state;
    QmemIrq *gsi;
    QmemPciHostBridge *host;    /* the machine's child */
    QmemNvdimmState nvdimm;     /* -machine nvdimm=, nvdimm-persistence= */
    char *acpi;                 /* -machine acpi=on|off|auto */
} QmemPcMachinePrivate;

G_DEFINE_DYNAMIC_TYPE_EXTENDED(QmemPcMachine, qmem_pc_machine,
                               QMEM_TYPE_MACHINE, G_TYPE_FLAG_ABSTRACT,
                               G_ADD_PRIVATE_DYNAMIC(QmemPcMachine))

/*
 * Every concrete type implements the NUMA mixin itself, so that each can
 * give it its own knobs (GTypeModule lets no subclass re-implement an
 * interface of its parent).
 */
static void pc_numa_machine_init(QmemNumaMachineInterface *iface,
                                 gpointer data);

#define QMEM_TYPE_I440FX_MACHINE (qmem_i440fx_machine_get_type())
G_DECLARE_FINAL_TYPE(QmemI440fxMachine, qmem_i440fx_machine, QMEM,
                     I440FX_MACHINE, QmemPcMachine)
struct _QmemI440fxMachine {
    QmemPcMachine parent_instance;
};
G_DEFINE_DYNAMIC_TYPE_EXTENDED(QmemI440fxMachine, qmem_i440fx_machine,
                               QMEM_TYPE_PC_MACHINE, 0,
                               G_IMPLEMENT_INTERFACE_DYNAMIC(
                                   QMEM_TYPE_NUMA_MACHINE,
                                   pc_numa_machine_init))

#define QMEM_TYPE_Q35_MACHINE (qmem_q35_machine_get_type())
G_DECLARE_FINAL_TYPE(QmemQ35Machine, qmem_q35_machine, QMEM, Q35_MACHINE,
                     QmemPcMachine)
struct _QmemQ35Machine {
    QmemPcMachine parent_instance;
};
G_DEFINE_DYNAMIC_TYPE_EXTENDED(QmemQ35Machine, qmem_q35_machine,
                               QMEM_TYPE_PC_MACHINE, 0,
                               G_IMPLEMENT_INTERFACE_DYNAMIC(
                                   QMEM_TYPE_NUMA_MACHINE,
                                   pc_numa_machine_init))

static gboolean pc_init_device_memory(QmemMachine *machine,
                                      guint64 above_4g, GError **error)
{
    guint64 ram_size = qmem_machine_get_ram_size(machine);
    guint64 maxram_size = qmem_machine_get_maxram_size(machine);
    guint64 slots = qmem_machine_get_ram_slots(machine);
    QmemAccel *accel = qmem_accel_get_current();
    guint phys_bits = accel ? qmem_accel_phys_bits(accel) : 52;
    guint64 base, size, limit;

    if (slots > PC_MAX_RAM_SLOTS) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "unsupported amount of memory slots: %" G_GUINT64_FORMAT,
                    slots);
        return FALSE;
    }
    if (maxram_size % PC_PAGE_SIZE) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "maximum memory size must by aligned to multiple of %d "
                    "bytes", PC_PAGE_SIZE);
        return FALSE;
    }
    /* Room for aligning every DIMM to 1 GiB, as QEMU's pc does. */
    base = ((4 * GiB + above_4g) + GiB - 1) & ~(GiB - 1);
    size = maxram_size - ram_size;
    if (slots > (G_MAXUINT64 - size) / GiB ||
        base + size + slots * GiB < base) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "unsupported amount of maximum memory: 0x%"
                    G_GINT64_MODIFIER "x", maxram_size);
        return FALSE;
    }
    size += slots * GiB;
    limit = phys_bits >= 64 ? G_MAXUINT64 : (1ULL << phys_bits) - 1;
    if (base + size - 1 > limit) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "Address space limit 0x%" G_GINT64_MODIFIER "x < 0x%"
                    G_GINT64_MODIFIER "x phys-bits too low (%u)", limit,
                    base + size - 1, phys_bits);
        return FALSE;
    }
    qmem_memory_devices_init(machine, base, size);
    return TRUE;
}

/*
 * QEMU's pc_pci_as_mapping_init(): all of the PCI memory space ("pci",
 * where memory BARs map) under system memory, at a priority below RAM,
 * then the chipset on top of it.
 */
static gboolean pc_pci_init(QmemMachine *machine, GError **error)
{
    QmemPcMachineClass *pcmc = QMEM_PC_MACHINE_GET_CLASS(machine);
    QmemPcMachinePrivate *priv = qmem_pc_machine_get_instance_private(
        QMEM_PC_MACHINE(machine));
    g_autoptr(QmemMemoryRegion) pci_memory =
        qmem_memory_region_new_container("pci", G_MAXUINT64);

    qmem_memory_region_add_subregion_overlap(
        qmem_machine_get_system_memory(machine), 0, pci_memory, -1);
    /* QEMU's pc_gsi_create(), the chipset, then ioapic_init_gsi(). */
    priv->gsi_state = qmem_pc_gsi_create(&priv->gsi);
    priv->host = pcmc->pci_init(machine, pci_memory, priv->gsi, error);
    return priv->host &&
           qmem_ioapic_init_gsi(priv->gsi_state, QMEM_OBJECT(priv->host),
                                error);
}

/*
 * The SCI: GSI 9 on pc (QEMU's piix4_pm_init(..., x86ms->gsi[9])), on
 * q35 ICH9-LPC's, which routes it by ACPI_CTRL (IRQ 9 after reset).
 */
static void pc_connect_sci(QmemMachine *machine)
{
    QmemPcMachineClass *pcmc = QMEM_PC_MACHINE_GET_CLASS(machine);
    QmemPcMachinePrivate *priv = qmem_pc_machine_get_instance_private(
        QMEM_PC_MACHINE(machine));
    QmemPcAcpiPm *pm = qmem_pc_acpi_pm_find(machine);
    QmemIrq sci = priv->gsi[9];

    if (!pm) {
        return;
    }
    if (pcmc->firmware.q35) {
        QmemPciDevice *lpc = qmem_pci_bus_get_device(
            qmem_pci_host_bridge_get_bus(priv->host),
            QMEM_PCI_DEVFN(QMEM_ICH9_LPC_DEV, 0));

        sci = qmem_device_get_gpio_in_named(QMEM_DEVICE(lpc),
                                            QMEM_ICH9_GPIO_SCI, 0);
    }
    qmem_device_connect_gpio_out_named(QMEM_DEVICE(pm), NULL, 0, sci);
}

/*
 * -machine acpi=: QEMU's OnOffAuto and its text for other values.  qmem
 * always builds the ACPI tables and the ACPI PM device, so acpi=off, which
 * would leave them out (and refuse DIMMs), is refused rather than ignored.
 */
static gboolean pc_check_acpi(QmemPcMachinePrivate *priv, GError **error)
{
    const char *acpi = priv->acpi ? priv->acpi : "auto";

    if (!g_str_equal(acpi, "on") && !g_str_equal(acpi, "off") &&
        !g_str_equal(acpi, "auto")) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "Parameter 'acpi' does not accept value '%s'", acpi);
        return FALSE;
    }
    if (g_str_equal(acpi, "off")) {
        g_set_error_literal(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                            "-machine acpi=off is not supported: qmem "
                            "always builds the ACPI tables");
        return FALSE;
    }
    return TRUE;
}

static gboolean pc_machine_init(QmemMachine *machine, GError **error)
{
    QmemPcMachineClass *pcmc = QMEM_PC_MACHINE_GET_CLASS(machine);
    QmemMemoryRegion *system = qmem_machine_get_system_memory(machine);
    QmemMemoryRegion *ram = qmem_machine_get_ram(machine);
    guint64 ram_size = qmem_machine_get_ram_size(machine);
    guint64 below_4g = ram_size >= pcmc->lowmem_limit ? pcmc->lowmem
                                                      : ram_size;
    guint64 above_4g = ram_size - below_4g;
    g_autoptr(QmemMemoryRegion) low = NULL;
    g_autoptr(QmemMemoryRegion) high = NULL;
    g_autoptr(QmemMemoryRegion) apic_msi = qmem_apic_msi_region_new();

    if (!pc_check_acpi(qmem_pc_machine_get_instance_private(
                           QMEM_PC_MACHINE(machine)), error)) {
        return FALSE;
    }
    if ((qmem_machine_get_maxram_size(machine) > ram_size &&
         !pc_init_device_memory(machine, above_4g, error)) ||
        !pc_pci_init(machine, error)) {
        return FALSE;
    }
    /*
     * Devices' MSIs reach the local APICs here, above RAM and the PCI
     * window (x86_cpu_apic_realize()'s priority).
     */
    qmem_memory_region_add_subregion_overlap(system,
                                             QMEM_APIC_DEFAULT_ADDRESS,
                                             apic_msi, 0x1000);
    if (!ram) {
        return TRUE;
    }
    qmem_memory_region_transaction_begin();
    low = qmem_memory_region_new_alias("ram-below-4g", ram, 0, below_4g);
    qmem_memory_region_add_subregion(system, 0, low);
    if (above_4g) {
        high = qmem_memory_region_new_alias("ram-above-4g", ram, below_4g,
                                            above_4g);
        qmem_memory_region_add_subregion(system, 4 * GiB, high);
    }
    qmem_memory_region_transaction_commit();
    /* The guest learns its memory from e820, fw_cfg and ACPI. */
    if (!qmem_pc_firmware_init(machine, &pcmc->firmware, below_4g,
                               above_4g, error)) {
        return FALSE;
    }
    pc_connect_sci(machine);
    return TRUE;
}

/* NUMA: QEMU's x86 CPU slots, socket-major default mapping. */

static void pc_possible_cpu_arch_ids(QmemNumaMachine *self,
                                     const QmemCpuTopology *smp,
                                     QmemCpuArchId *cpus)
{
    g_autofree QmemCpuArchIdList *list = qmem_x86_possible_cpu_arch_ids(smp);

    memcpy(cpus, list->cpus, list->len * sizeof(QmemCpuArchId));
}

static gint64 pc_get_default_cpu_node_id(QmemNumaMachine *self, guint idx)
{
    QmemMachine *machine = QMEM_MACHINE(self);
    const QmemCpuArchIdList *cpus = qmem_numa_machine_possible_cpus(machine);
    QmemX86TopoIds ids;

    qmem_x86_topo_ids_from_apicid(qmem_machine_get_smp(machine),
                                  cpus->cpus[idx].arch_id, &ids);
    return ids.pkg_id % qmem_numa_get_num_nodes(machine);
}

/*
 * The versioned machine types ("pc-i440fx-2.9") differ from the current
 * ones in QEMU's compat knobs; each carries its version as class data.
 */
typedef struct {
    guint major;
    guint minor;
    gboolean q35;
} PcVersion;

#define PC_VERSION_LE(v, ma, mi) \
    ((v)->major < (ma) || ((v)->major == (ma) && (v)->minor <= (mi)))

/* @data: the PcVersion of a versioned type, NULL for the current ones. */
static void pc_numa_machine_init(QmemNumaMachineInterface *iface,
                                 gpointer data)
{
    const PcVersion *v = data;

    iface->possible_cpu_arch_ids = pc_possible_cpu_arch_ids;
    iface->get_default_cpu_node_id = pc_get_default_cpu_node_id;
    iface->numa_mem_align_shift = 23;
    /* mem= was forbidden for 5.1, the split removed in 5.2. */
    iface->numa_mem_supported = v && PC_VERSION_LE(v, 5, 0);
    iface->numa_auto_assign_ram =
        !v || !PC_VERSION_LE(v, 5, 1) ? NULL :
        PC_VERSION_LE(v, 2, 9) ? qmem_numa_auto_assign_ram_legacy :
                                 qmem_numa_auto_assign_ram_default;
    iface->auto_enable_numa_with_memhp = !v || !PC_VERSION_LE(v, 2, 10);
    iface->auto_enable_numa_with_memdev = !v || !PC_VERSION_LE(v, 5, 0);
}

/*
 * -machine nvdimm= and nvdimm-persistence= (QEMU's nvdimm_supported), and
 * hmat= (QEMU gives every machine with NUMA support "hmat"; here pc and
 * q35).
 */
enum {
    PROP_0,
    PROP_NVDIMM,
    PROP_NVDIMM_PERSISTENCE,
    PROP_HMAT,
    PROP_ACPI,
    N_PROPS
};

static GParamSpec *pc_props[N_PROPS];

static QmemPcMachinePrivate *pc_priv(gpointer machine)
{
    return qmem_pc_machine_get_instance_private(QMEM_PC_MACHINE(machine));
}

QmemNvdimmState *qmem_pc_machine_get_nvdimm_state(QmemMachine *machine)
{
    return &pc_priv(machine)->nvdimm;
}

/* QEMU's machine_set_nvdimm_persistence(): "cpu" or "mem-ctrl". */
static gboolean parse_nvdimm_persistence(QmemObject *obj, GParamSpec *pspec,
                                         const char *name, JsonNode *input,
                                         QmemInputKind kind, GValue *value,
                                         GError **error)
{
    QmemNvdimmState check = { 0 };
    gboolean ok;

    if (!qmem_property_parse_usual(pspec, name, input, kind, value, error)) {
        return FALSE;
    }
    ok = qmem_nvdimm_set_persistence(&check, g_value_get_string(value),
                                     error);
    g_free(check.persistence_string);
    return ok;
}

static void qmem_pc_machine_set_property(GObject *obj, guint id,
                                         const GValue *value,
                                         GParamSpec *pspec)
{
    QmemNvdimmState *nvdimm = &pc_priv(obj)->nvdimm;

    switch (id) {
    case PROP_NVDIMM:
        nvdimm->is_enabled = g_value_get_boolean(value);
        break;
    case PROP_NVDIMM_PERSISTENCE:
        /* The parser checked outside values; a bad one from C is dropped. */
        if (!qmem_nvdimm_set_persistence(nvdimm, g_value_get_string(value),
                                         NULL)) {
            g_warning("nvdimm-persistence: unsupported value");
        }
        break;
    case PROP_HMAT:
        qmem_numa_set_hmat_enabled(QMEM_MACHINE(obj),
                                   g_value_get_boolean(value));
        break;
    case PROP_ACPI:
        g_free(pc_priv(obj)->acpi);
        pc_priv(obj)->acpi = g_value_dup_string(value);
        break;
    default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID(obj, id, pspec);
    }
}

static void qmem_pc_machine_get_property(GObject *obj, guint id,
                                         GValue *value, GParamSpec *pspec)
{
    QmemNvdimmState *nvdimm = &pc_priv(obj)->nvdimm;

    switch (id) {
    case PROP_NVDIMM:
        g_value_set_boolean(value, nvdimm->is_enabled);
        break;
    case PROP_NVDIMM_PERSISTENCE:
        g_value_set_string(value, nvdimm->persistence_string);
        break;
    case PROP_HMAT:
        g_value_set_boolean(value, qmem_numa_hmat_enabled(QMEM_MACHINE(obj)));
        break;
    case PROP_ACPI:
        g_value_set_string(value, pc_priv(obj)->acpi);
        break;
    default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID(obj, id, pspec);
    }
}

static void pc_install_properties(GObjectClass *oc)
{
    GParamFlags rw = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS;

    oc->set_property = qmem_pc_machine_set_property;
    oc->get_property = qmem_pc_machine_get_property;
    pc_props[PROP_NVDIMM] = g_param_spec_boolean(
        "nvdimm", NULL, "Set on/off to enable/disable NVDIMM instantiation",
        FALSE, rw);
    /* QEMU's description, its missing space included. */
    pc_props[PROP_NVDIMM_PERSISTENCE] = g_param_spec_string(
        "nvdimm-persistence", NULL,
        "Set NVDIMM persistenceValid values are cpu, mem-ctrl", NULL, rw);
    pc_props[PROP_HMAT] = g_param_spec_boolean(
        QMEM_MACHINE_PROP_HMAT, NULL,
        "Set on/off to enable/disable ACPI Heterogeneous Memory Attribute "
        "Table (HMAT)", FALSE,
        G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
    /* QEMU's OnOffAuto, read by pc_check_acpi(). */
    pc_props[PROP_ACPI] = g_param_spec_string(
        QMEM_MACHINE_PROP_ACPI, NULL, "Enable ACPI", "auto",
        G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
    g_object_class_install_properties(oc, N_PROPS, pc_props);
    qmem_param_spec_set_parser(pc_props[PROP_NVDIMM_PERSISTENCE],
                               parse_nvdimm_persistence);
}

static void qmem_pc_machine_finalize(GObject *obj)
{
    QmemPcMachinePrivate *priv = qmem_pc_machine_get_instance_private(
        QMEM_PC_MACHINE(obj));

    qmem_nvdimm_state_cleanup(&priv->nvdimm);
    qmem_pc_gsi_free(priv->gsi_state);
    g_free(priv->acpi);
    G_OBJECT_CLASS(qmem_pc_machine_parent_class)->finalize(obj);
}

static void qmem_pc_machine_class_init(QmemPcMachineClass *klass)
{
    QmemMachineClass *mc = QMEM_MACHINE_CLASS(klass);
    GObjectClass *oc = G_OBJECT_CLASS(klass);

    oc->finalize = qmem_pc_machine_finalize;
    pc_install_properties(oc);
    mc->default_ram_id = "pc.ram";
    mc->max_cpus = 288;
    mc->smp_props.dies_supported = TRUE;
    mc->smp_props.modules_supported = TRUE;
    mc->init = pc_machine_init;
    /* DIMMs through ACPI memory hotplug (pc-hotplug.c). */
    mc->device_pre_plug = qmem_pc_machine_device_pre_plug;
    mc->device_plug = qmem_pc_machine_device_plug;
    mc->device_unplug_request = qmem_pc_machine_device_unplug_request;
    mc->device_unplug = qmem_pc_machine_device_unplug;
}

static void qmem_pc_machine_class_finalize(QmemPcMachineClass *klass)
{
}

static void qmem_pc_machine_init(QmemPcMachine *self)
{
}

/* The current machine types' firmware interface. */
static void pc_firmware_setup(QmemPcMachineClass *pcmc, gboolean q35)
{
    pcmc->firmware = (QmemPcFirmwareOptions){
        .q35 = q35,
        .enforce_amd_1tb_hole = TRUE,
        .rsdp_in_ram = TRUE,
        .fw_cfg_dma = TRUE,
        .fw_cfg_file_slots = QMEM_FW_CFG_FILE_SLOTS_DFLT,
        .memory_hotplug_support = TRUE,
        .acpi_pcihp_bridge = TRUE,
    };
}

static void pc_i440fx_class_setup(QmemPcMachineClass *pcmc)
{
    QMEM_MACHINE_CLASS(pcmc)->desc = "Standard PC (i440FX + PIIX, 1996)";
    pcmc->lowmem_limit = 0xe0000000;
    pcmc->lowmem = 0xc0000000;
    pcmc->pci_init = qmem_i440fx_init;
    pc_firmware_setup(pcmc, FALSE);
}

static void qmem_i440fx_machine_class_init(QmemI440fxMachineClass *klass)
{
    pc_i440fx_class_setup(QMEM_PC_MACHINE_CLASS(klass));
    QMEM_MACHINE_CLASS(klass)->alias_pattern = "pc-i440fx-*";
}

static void qmem_i440fx_machine_class_finalize(QmemI440fxMachineClass *klass)
{
}

static void qmem_i440fx_machine_init(QmemI440fxMachine *self)
{
}

static void pc_q35_class_setup(QmemPcMachineClass *pcmc)
{
    QMEM_MACHINE_CLASS(pcmc)->desc = "Standard PC (Q35 + ICH9, 2009)";
    pcmc->lowmem_limit = 0xb0000000;
    pcmc->lowmem = 0x80000000;
    pcmc->pci_init = qmem_q35_init;
    pc_firmware_setup(pcmc, TRUE);
}

static void qmem_q35_machine_class_init(QmemQ35MachineClass *klass)
{
    pc_q35_class_setup(QMEM_PC_MACHINE_CLASS(klass));
    QMEM_MACHINE_CLASS(klass)->alias_pattern = "pc-q35-*";
}

static void qmem_q35_machine_class_finalize(QmemQ35MachineClass *klass)
{
}

static void qmem_q35_machine_init(QmemQ35Machine *self)
{
}

/* pc-i440fx-2.0 .. 10.2 and pc-q35-2.4 .. 10.2; class data, so static. */
static const guint pc_versions[][2] = {
    { 2, 0 }, { 2, 1 }, { 2, 2 }, { 2, 3 }, { 2, 4 }, { 2, 5 }, { 2, 6 },
    { 2, 7 }, { 2, 8 }, { 2, 9 }, { 2, 10 }, { 2, 11 }, { 2, 12 },
    { 3, 0 }, { 3, 1 }, { 4, 0 }, { 4, 1 }, { 4, 2 }, { 5, 0 }, { 5, 1 },
    { 5, 2 }, { 6, 0 }, { 6, 1 }, { 6, 2 }, { 7, 0 }, { 7, 1 }, { 7, 2 },
    { 8, 0 }, { 8, 1 }, { 8, 2 }, { 9, 0 }, { 9, 1 }, { 9, 2 },
    { 10, 0 }, { 10, 1 }, { 10, 2 },
};
static PcVersion pc_versioned[2][G_N_ELEMENTS(pc_versions)];

/*
 * The entries of QEMU's pc_compat_X_Y arrays for what qmem has: an older
 * type gets those of every later version, the oldest applied last.
 */
/* QEMU's hw_compat_9_2: virtio-mem-pci had no MSI-X before 10.0. */
static const QmemGlobalProperty pc_compat_9_2[] = {
    { "virtio-mem-pci", "vectors", "0" },
};

static const QmemGlobalProperty pc_compat_8_0[] = {
    { "virtio-mem", "unplugged-inaccessible", "auto" },
};

static const QmemGlobalProperty pc_compat_6_2[] = {
    { "virtio-mem", "unplugged-inaccessible", "off" },
};

static const QmemGlobalProperty pc_compat_4_2[] = {
    { "mch", "smbase-smram", "off" },
};

static const QmemGlobalProperty pc_compat_2_9[] = {
    { "mch", "extended-tseg-mbytes", "0" },
};

static void pc_versioned_class_init(gpointer klass, gpointer data)
{
    QmemPcMachineClass *pcmc = QMEM_PC_MACHINE_CLASS(klass);
    QmemMachineClass *mc = QMEM_MACHINE_CLASS(klass);
    const PcVersion *v = data;

    if (PC_VERSION_LE(v, 9, 2)) {
        qmem_machine_class_add_compat_props(mc, pc_compat_9_2,
                                            G_N_ELEMENTS(pc_compat_9_2));
    }
    if (PC_VERSION_LE(v, 8, 0)) {
        qmem_machine_class_add_compat_props(mc, pc_compat_8_0,
                                            G_N_ELEMENTS(pc_compat_8_0));
    }
    if (PC_VERSION_LE(v, 6, 2)) {
        qmem_machine_class_add_compat_props(mc, pc_compat_6_2,
                                            G_N_ELEMENTS(pc_compat_6_2));
    }
    if (PC_VERSION_LE(v, 4, 2)) {
        qmem_machine_class_add_compat_props(mc, pc_compat_4_2,
                                            G_N_ELEMENTS(pc_compat_4_2));
    }
    if (PC_VERSION_LE(v, 2, 9)) {
        qmem_machine_class_add_compat_props(mc, pc_compat_2_9,
                                            G_N_ELEMENTS(pc_compat_2_9));
    }

    if (v->q35) {
        pc_q35_class_setup(pcmc);
    } else {
        pc_i440fx_class_setup(pcmc);
    }
    QMEM_MACHINE_CLASS(klass)->smp_props.prefer_sockets =
        PC_VERSION_LE(v, 6, 1);
    /* QEMU's compat knobs for the firmware interface. */
    QMEM_MACHINE_CLASS(klass)->legacy_fw_cfg_order = PC_VERSION_LE(v, 2, 5);
    pcmc->firmware.enforce_amd_1tb_hole = !PC_VERSION_LE(v, 7, 0);
    pcmc->firmware.broken_reserved_end = PC_VERSION_LE(v, 2, 4);
    pcmc->firmware.rsdp_in_ram = !PC_VERSION_LE(v, 2, 2);
    pcmc->firmware.fw_cfg_dma = !PC_VERSION_LE(v, 2, 4);
    pcmc->firmware.fw_cfg_file_slots = PC_VERSION_LE(v, 2, 8) ?
        QMEM_FW_CFG_FILE_SLOTS_MIN : QMEM_FW_CFG_FILE_SLOTS_DFLT;
    pcmc->firmware.memory_hotplug_support = !PC_VERSION_LE(v, 2, 0);
    pcmc->firmware.pci_root_uid = PC_VERSION_LE(v, 5, 1) ? 1 : 0;
    pcmc->firmware.acpi_pcihp_bridge = !PC_VERSION_LE(v, 6, 0);
}

static void pc_register_versioned(GTypeModule *module, const PcVersion *v)
{
    const GTypeInfo info = {
        .class_size = sizeof(QmemPcMachineClass),
        .class_init = pc_versioned_class_init,
        .class_data = v,
        .instance_size = sizeof(QmemPcMachine),
    };
    const GInterfaceInfo numa_info = {
        .interface_init = (GInterfaceInitFunc)pc_numa_machine_init,
        .interface_data = (gpointer)v,
    };
    const char *family = v->q35 ? "q35" : "i440fx";
    g_autofree char *gtype_name = g_strdup_printf(
        "QmemPc-%s-%u-%u-Machine", family, v->major, v->minor);
    g_autofree char *name = g_strdup_printf("pc-%s-%u.%u-machine", family,
                                            v->major, v->minor);
    GType type;

    type = g_type_module_register_type(module, QMEM_TYPE_PC_MACHINE,
                                       gtype_name, &info, 0);
    g_type_module_add_interface(module, type, QMEM_TYPE_NUMA_MACHINE,
                                &numa_info);
    qmem_type_register_name(name, type);
}

G_MODULE_EXPORT void qmem_module_pc_register(GTypeModule *module)
{
    g_type_ensure(QMEM_TYPE_MACHINE);
    g_type_ensure(QMEM_TYPE_NUMA_MACHINE);
    g_type_ensure(QMEM_TYPE_PCI_DEVICE);
    g_type_ensure(QMEM_TYPE_PCIE_HOST_BRIDGE);
    g_type_ensure(QMEM_TYPE_PCIE_BUS);
    g_type_ensure(QMEM_TYPE_SYSTEM_BUS);
    qmem_i440fx_register_types(module);
    qmem_piix3_register_types(module);
    qmem_q35_register_types(module);
    qmem_ich9_lpc_register_types(module);
    qmem_ioapic_register_types(module);
    qmem_pc_acpi_pm_register_types(module);
    qmem_pc_machine_register_type(module);
    qmem_i440fx_machine_register_type(module);
    qmem_q35_machine_register_type(module);
    qmem_type_register_name("x86-machine", QMEM_TYPE_PC_MACHINE);
    qmem_type_register_name("pc-machine", QMEM_TYPE_I440FX_MACHINE);
    qmem_type_register_name("q35-machine", QMEM_TYPE_Q35_MACHINE);
    for (gsize i = 0; i < G_N_ELEMENTS(pc_versions); i++) {
        for (int q35 = 0; q35 < 2; q35++) {
            PcVersion *v = &pc_versioned[q35][i];

            *v = (PcVersion){ pc_versions[i][0], pc_versions[i][1], q35 };
            /* QEMU's q35 versions start at 2.4. */
            if (!q35 || !PC_VERSION_LE(v, 2, 3)) {
                pc_register_versioned(module, v);
            }
        }
    }
}
