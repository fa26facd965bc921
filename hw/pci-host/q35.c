/* SPDX-License-Identifier: GPL-2.0-or-later */
/* q35's host bridge: q35-pcihost (pcie.0, 0xcf8/0xcfc, MMCONFIG), mch. */

#include "hw/i386/pc-internal.h"
#include "hw/pci/pcie-host.h"
#include "qom/property.h"
#include "util/error-report.h"

/* QEMU's q35.h registers of the MCH (00.0). */
#define PCI_DEVICE_ID_INTEL_P35_MCH 0x29c0
#define MCH_HOST_BRIDGE_EXT_TSEG_MBYTES 0x50
#define MCH_HOST_BRIDGE_EXT_TSEG_MBYTES_QUERY 0xffff
#define MCH_HOST_BRIDGE_PCIEXBAR 0x60           /* 64 bits */
#define MCH_HOST_BRIDGE_PCIEXBAR_SIZE 8
#define MCH_HOST_BRIDGE_PCIEXBAR_DEFAULT 0xb0000000ULL
#define MCH_HOST_BRIDGE_PCIEXBAR_ADMSK 0x0000000ff0000000ULL    /* 35..28 */
#define MCH_HOST_BRIDGE_PCIEXBAR_128ADMSK (1ULL << 26)
#define MCH_HOST_BRIDGE_PCIEXBAR_64ADMSK (1ULL << 25)
#define MCH_HOST_BRIDGE_PCIEXBAR_LENGTH_MASK (3ULL << 1)
#define MCH_HOST_BRIDGE_PCIEXBAR_LENGTH_256M (0ULL << 1)
#define MCH_HOST_BRIDGE_PCIEXBAR_LENGTH_128M (1ULL << 1)
#define MCH_HOST_BRIDGE_PCIEXBAR_LENGTH_64M (2ULL << 1)
#define MCH_HOST_BRIDGE_PCIEXBAREN 1ULL
#define MCH_HOST_BRIDGE_F_SMBASE 0x9c
#define MCH_HOST_BRIDGE_F_SMBASE_QUERY 0xff
#define MCH_HOST_BRIDGE_F_SMBASE_IN_RAM 0x01
#define MCH_HOST_BRIDGE_F_SMBASE_LCK 0x02
#define MCH_HOST_BRIDGE_SMRAM 0x9d
#define MCH_HOST_BRIDGE_SMRAM_D_OPEN 0x40
#define MCH_HOST_BRIDGE_SMRAM_D_CLS 0x20
#define MCH_HOST_BRIDGE_SMRAM_D_LCK 0x10
#define MCH_HOST_BRIDGE_SMRAM_DEFAULT 0x02      /* C_BASE_SEG */
#define MCH_HOST_BRIDGE_SMRAM_WMASK 0x78        /* OPEN|CLS|LCK|G_SMRAME */
#define MCH_HOST_BRIDGE_SMRAM_WMASK_LCK MCH_HOST_BRIDGE_SMRAM_D_CLS
#define MCH_HOST_BRIDGE_ESMRAMC 0x9e
#define MCH_HOST_BRIDGE_ESMRAMC_DEFAULT 0x38    /* SM_CACHE|L1|L2 */
#define MCH_HOST_BRIDGE_ESMRAMC_WMASK 0x87      /* H_SMRAME|TSEG_SZ|T_EN */
#define MCH_HOST_BRIDGE_ESMRAMC_WMASK_LCK 0

typedef struct {
    QmemPcieHostBridge parent_instance;

    QmemMemoryRegion *pci_memory;   /* a reference: the BAR window */
} QmemQ35Host;

typedef struct {
    QmemPcieHostBridgeClass parent_class;
} QmemQ35HostClass;

G_DEFINE_DYNAMIC_TYPE_EXTENDED(QmemQ35Host, qmem_q35_host,
                               QMEM_TYPE_PCIE_HOST_BRIDGE, 0, {})

#define QMEM_Q35_HOST(obj) \
    G_TYPE_CHECK_INSTANCE_CAST((obj), qmem_q35_host_get_type(), QmemQ35Host)

/*
 * QEMU's "mch" properties that machine types change (pc_compat_4_2,
 * pc_compat_2_9): the TSEG size the query at 0x50 answers (0: no query)
 * and whether the SMBASE query at 0x9c answers.
 */
typedef struct {
    QmemPciDevice parent_instance;

    guint ext_tseg_mbytes;
    gboolean smbase_smram;
} QmemMchPci;

enum {
    PROP_0,
    PROP_EXT_TSEG_MBYTES,
    PROP_SMBASE_SMRAM,
    N_PROPS
};

static GParamSpec *mch_props[N_PROPS];

typedef struct {
    QmemPciDeviceClass parent_class;
} QmemMchPciClass;

G_DEFINE_DYNAMIC_TYPE_EXTENDED(QmemMchPci, qmem_mch_pci,
                               QMEM_TYPE_PCI_DEVICE, 0, {})

#define QMEM_MCH_PCI(obj) \
    G_TYPE_CHECK_INSTANCE_CAST((obj), qmem_mch_pci_get_type(), QmemMchPci)

/* The PCIe host the MCH belongs to: its bus's parent. */
static QmemPcieHostBridge *mch_host(QmemPciDevice *dev)
{
    QmemBus *bus = QMEM_BUS(qmem_pci_device_get_bus(dev));

    return QMEM_PCIE_HOST_BRIDGE(qmem_bus_get_parent(bus));
}

/* QEMU's mch_update_pciexbar(): the MMCONFIG window where PCIEXBAR says. */
static void mch_update_pciexbar(QmemPciDevice *dev)
{
    guint64 pciexbar = qmem_pci_get_quad(qmem_pci_device_get_config(dev) +
                                         MCH_HOST_BRIDGE_PCIEXBAR);
    guint64 addr_mask = MCH_HOST_BRIDGE_PCIEXBAR_ADMSK;
    guint32 length;

    switch (pciexbar & MCH_HOST_BRIDGE_PCIEXBAR_LENGTH_MASK) {
    case MCH_HOST_BRIDGE_PCIEXBAR_LENGTH_256M:
        length = 256 << 20;
        break;
    case MCH_HOST_BRIDGE_PCIEXBAR_LENGTH_128M:
        length = 128 << 20;
        addr_mask |= MCH_HOST_BRIDGE_PCIEXBAR_128ADMSK |
                     MCH_HOST_BRIDGE_PCIEXBAR_64ADMSK;
        break;
    case MCH_HOST_BRIDGE_PCIEXBAR_LENGTH_64M:
        length = 64 << 20;
        addr_mask |= MCH_HOST_BRIDGE_PCIEXBAR_64ADMSK;
        break;
    default:
        qmem_log_guest_error("Q35: Reserved PCIEXBAR LENGTH\n");
        return;
    }
    qmem_pcie_host_mmcfg_update(mch_host(dev),
                                pciexbar & MCH_HOST_BRIDGE_PCIEXBAREN,
                                pciexbar & addr_mask, length);
}

/* QEMU's mch_update_ext_tseg_mbytes(): firmware asks for the TSEG size. */
static void mch_update_ext_tseg_mbytes(QmemPciDevice *dev)
{
    guint16 mbytes = QMEM_MCH_PCI(dev)->ext_tseg_mbytes;
    guint8 *reg = qmem_pci_device_get_config(dev) +
                  MCH_HOST_BRIDGE_EXT_TSEG_MBYTES;

    if (mbytes &&
        qmem_pci_get_word(reg) == MCH_HOST_BRIDGE_EXT_TSEG_MBYTES_QUERY) {
        qmem_pci_set_word(reg, mbytes);
    }
}

/* QEMU's mch_update_smram(), for the registers: D_LCK locks them. */
static void mch_update_smram(QmemPciDevice *dev)
{
    guint8 *config = qmem_pci_device_get_config(dev);
    guint8 *wmask = qmem_pci_device_get_wmask(dev);

    if (config[MCH_HOST_BRIDGE_SMRAM] & MCH_HOST_BRIDGE_SMRAM_D_LCK) {
        config[MCH_HOST_BRIDGE_SMRAM] &= ~MCH_HOST_BRIDGE_SMRAM_D_OPEN;
        wmask[MCH_HOST_BRIDGE_SMRAM] = MCH_HOST_BRIDGE_SMRAM_WMASK_LCK;
        wmask[MCH_HOST_BRIDGE_ESMRAMC] = MCH_HOST_BRIDGE_ESMRAMC_WMASK_LCK;
    }
}

/*
 * QEMU's mch_update_smbase_smram(), for the register: firmware asks
 * whether SMRAM at SMBASE exists (0xff), then locks it.
 */
static void mch_update_smbase_smram(QmemPciDevice *dev)
{
    guint8 *reg = qmem_pci_device_get_config(dev) + MCH_HOST_BRIDGE_F_SMBASE;
    guint8 *wmask = qmem_pci_device_get_wmask(dev) +
                    MCH_HOST_BRIDGE_F_SMBASE;

    if (!QMEM_MCH_PCI(dev)->smbase_smram) {
        return;
    }
    if (*reg == MCH_HOST_BRIDGE_F_SMBASE_QUERY) {
        *wmask = MCH_HOST_BRIDGE_F_SMBASE_LCK;
        *reg = MCH_HOST_BRIDGE_F_SMBASE_IN_RAM;
        return;
    }
    /* The reset state takes no value but the query. */
    if (*wmask == 0xff) {
        *reg = 0;
    }
    if (*reg & MCH_HOST_BRIDGE_F_SMBASE_LCK) {
        *wmask &= ~MCH_HOST_BRIDGE_F_SMBASE_LCK;
        *reg = MCH_HOST_BRIDGE_F_SMBASE_LCK;
    }
}

static gboolean overlaps(guint32 addr, guint len, guint32 reg, guint size)
{
    return addr < reg + size && reg < addr + len;
}

/*
 * QEMU's mch_write_config(): PCIEXBAR moves the MMCONFIG window; the
 * SMRAM, TSEG and SMBASE registers behave as QEMU's (queries, locks).
 * qmem has no shadow RAM or SMM behind PAM and SMRAM: they only keep
 * what the guest writes.
 */
static void mch_write_config(QmemPciDevice *dev, guint32 addr, guint32 val,
                             guint len)
{
    qmem_pci_default_write_config(dev, addr, val, len);
    if (overlaps(addr, len, MCH_HOST_BRIDGE_PCIEXBAR,
                 MCH_HOST_BRIDGE_PCIEXBAR_SIZE)) {
        mch_update_pciexbar(dev);
    }
    if (overlaps(addr, len, MCH_HOST_BRIDGE_SMRAM, 1)) {
        mch_update_smram(dev);
    }
    if (overlaps(addr, len, MCH_HOST_BRIDGE_EXT_TSEG_MBYTES, 2)) {
        mch_update_ext_tseg_mbytes(dev);
    }
    if (overlaps(addr, len, MCH_HOST_BRIDGE_F_SMBASE, 1)) {
        mch_update_smbase_smram(dev);
    }
}

/* QEMU's mch_reset() and mch_update(): PCIEXBAR off at 0xb0000000. */
static gboolean mch_realize(QmemPciDevice *dev, GError **error)
{
    guint8 *config = qmem_pci_device_get_config(dev);
    guint8 *wmask = qmem_pci_device_get_wmask(dev);

    qmem_pci_set_quad(config + MCH_HOST_BRIDGE_PCIEXBAR,
                      MCH_HOST_BRIDGE_PCIEXBAR_DEFAULT);
    config[MCH_HOST_BRIDGE_SMRAM] = MCH_HOST_BRIDGE_SMRAM_DEFAULT;
    config[MCH_HOST_BRIDGE_ESMRAMC] = MCH_HOST_BRIDGE_ESMRAMC_DEFAULT;
    wmask[MCH_HOST_BRIDGE_SMRAM] = MCH_HOST_BRIDGE_SMRAM_WMASK;
    wmask[MCH_HOST_BRIDGE_ESMRAMC] = MCH_HOST_BRIDGE_ESMRAMC_WMASK;
    if (QMEM_MCH_PCI(dev)->ext_tseg_mbytes) {
        qmem_pci_set_word(config + MCH_HOST_BRIDGE_EXT_TSEG_MBYTES,
                          MCH_HOST_BRIDGE_EXT_TSEG_MBYTES_QUERY);
    }
    config[MCH_HOST_BRIDGE_F_SMBASE] = 0;
    wmask[MCH_HOST_BRIDGE_F_SMBASE] = 0xff;
    mch_update_pciexbar(dev);
    mch_update_smram(dev);
    mch_update_ext_tseg_mbytes(dev);
    mch_update_smbase_smram(dev);
    return TRUE;
}

static void qmem_mch_pci_get_property(GObject *obj, guint id, GValue *value,
                                      GParamSpec *pspec)
{
    QmemMchPci *mch = QMEM_MCH_PCI(obj);

    switch (id) {
    case PROP_EXT_TSEG_MBYTES:
        g_value_set_uint(value, mch->ext_tseg_mbytes);
        break;
    case PROP_SMBASE_SMRAM:
        g_value_set_boolean(value, mch->smbase_smram);
        break;
    default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID(obj, id, pspec);
    }
}

static void qmem_mch_pci_set_property(GObject *obj, guint id,
                                      const GValue *value, GParamSpec *pspec)
{
    QmemMchPci *mch = QMEM_MCH_PCI(obj);

    switch (id) {
    case PROP_EXT_TSEG_MBYTES:
        mch->ext_tseg_mbytes = g_value_get_uint(value);
        break;
    case PROP_SMBASE_SMRAM:
        mch->smbase_smram = g_value_get_boolean(value);
        break;
    default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID(obj, id, pspec);
    }
}

/* QEMU's machine compat properties, before the board sets any. */
static void qmem_mch_pci_constructed(GObject *obj)
{
    G_OBJECT_CLASS(qmem_mch_pci_parent_class)->constructed(obj);
    qmem_machine_apply_compat_props(QMEM_OBJECT(obj));
}

static void qmem_mch_pci_class_init(QmemMchPciClass *klass)
{
    GObjectClass *oc = G_OBJECT_CLASS(klass);
    QmemDeviceClass *dc = QMEM_DEVICE_CLASS(klass);
    QmemPciDeviceClass *k = QMEM_PCI_DEVICE_CLASS(klass);
    GParamFlags rw = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
                     G_PARAM_EXPLICIT_NOTIFY;

    oc->get_property = qmem_mch_pci_get_property;
    oc->set_property = qmem_mch_pci_set_property;
    oc->constructed = qmem_mch_pci_constructed;
    mch_props[PROP_EXT_TSEG_MBYTES] = g_param_spec_uint(
        "extended-tseg-mbytes", NULL, NULL, 0, G_MAXUINT16, 16, rw);
    mch_props[PROP_SMBASE_SMRAM] = g_param_spec_boolean(
        "smbase-smram", NULL, NULL, TRUE, rw);
    g_object_class_install_properties(oc, N_PROPS, mch_props);
    qmem_param_spec_set_show_default(mch_props[PROP_EXT_TSEG_MBYTES], TRUE);
    qmem_param_spec_set_show_default(mch_props[PROP_SMBASE_SMRAM], TRUE);

    dc->desc = "Host bridge";
    dc->user_creatable = FALSE;
    k->realize = mch_realize;
    k->config_write = mch_write_config;
    k->vendor_id = QMEM_PCI_VENDOR_ID_INTEL;
    /* QEMU's: the 82P35 MCH, the variant without integrated graphics. */
    k->device_id = PCI_DEVICE_ID_INTEL_P35_MCH;
    k->revision = 0;
    k->class_id = QMEM_PCI_CLASS_BRIDGE_HOST;
}

static void qmem_mch_pci_class_finalize(QmemMchPciClass *klass)
{
}

static void qmem_mch_pci_init(QmemMchPci *d)
{
    d->ext_tseg_mbytes = 16;
    d->smbase_smram = TRUE;
}

/* QEMU's q35_host_realize(): pcie.0, the ports, then the MCH at 00.0. */
static gboolean q35_host_realize(QmemDevice *dev, GError **error)
{
    QmemQ35Host *s = QMEM_Q35_HOST(dev);
    QmemPciHostBridge *h = QMEM_PCI_HOST_BRIDGE(dev);
    QmemMachine *machine = qmem_machine_get_current();
    QmemMemoryRegion *io = qmem_machine_get_system_io(machine);
    QmemPciDevice *mch;
    QmemPciBus *bus;
    gboolean ok;

    bus = qmem_pci_root_bus_new(dev, "pcie.0", QMEM_TYPE_PCIE_BUS,
                                s->pci_memory, io,
                                qmem_machine_get_system_memory(machine), 0);
    qmem_pci_host_bridge_set_bus(h, bus);
    qmem_pci_host_bridge_map_config(h, io);

    mch = g_object_new(qmem_mch_pci_get_type(), QMEM_PCI_DEVICE_PROP_ADDR,
                       QMEM_PCI_DEVFN(0, 0), NULL);
    ok = qmem_object_add_child(QMEM_OBJECT(dev), "mch", QMEM_OBJECT(mch),
                               error) &&
         qmem_device_realize(QMEM_DEVICE(mch), QMEM_BUS(bus), error);
    g_object_unref(mch);
    return ok;
}

static void q35_host_unrealize(QmemDevice *dev)
{
    QmemPciHostBridge *h = QMEM_PCI_HOST_BRIDGE(dev);
    QmemMemoryRegion *io =
        qmem_machine_get_system_io(qmem_machine_get_current());

    qmem_pci_host_bridge_unmap_config(h, io);
    QMEM_DEVICE_CLASS(qmem_q35_host_parent_class)->unrealize(dev);
}

static void qmem_q35_host_dispose(GObject *obj)
{
    g_clear_object(&QMEM_Q35_HOST(obj)->pci_memory);
    G_OBJECT_CLASS(qmem_q35_host_parent_class)->dispose(obj);
}

static void qmem_q35_host_class_init(QmemQ35HostClass *klass)
{
    QmemDeviceClass *dc = QMEM_DEVICE_CLASS(klass);

    G_OBJECT_CLASS(klass)->dispose = qmem_q35_host_dispose;
    dc->realize = q35_host_realize;
    dc->unrealize = q35_host_unrealize;
    QMEM_PCI_HOST_BRIDGE_CLASS(klass)->root_bus_path = "0000:00";
}

static void qmem_q35_host_class_finalize(QmemQ35HostClass *klass)
{
}

static void qmem_q35_host_init(QmemQ35Host *s)
{
}

QmemPciHostBridge *qmem_q35_init(QmemMachine *machine,
                                 QmemMemoryRegion *pci_memory,
                                 QmemIrq *gsi, GError **error)
{
    QmemQ35Host *host = g_object_new(qmem_q35_host_get_type(), NULL);
    gboolean ok;

    host->pci_memory = g_object_ref(pci_memory);
    ok = qmem_object_add_child(QMEM_OBJECT(machine), "q35",
                               QMEM_OBJECT(host), error);
    g_object_unref(host);
    if (!ok) {
        return NULL;
    }
    if (!qmem_device_realize(QMEM_DEVICE(host), qmem_sysbus_get_default(),
                             error)) {
        qmem_object_unparent(QMEM_OBJECT(host));
        return NULL;
    }
    if (!qmem_ich9_lpc_create(
            qmem_pci_host_bridge_get_bus(QMEM_PCI_HOST_BRIDGE(host)), gsi,
            error)) {
        return NULL;
    }
    return QMEM_PCI_HOST_BRIDGE(host);
}

void qmem_q35_register_types(GTypeModule *module)
{
    qmem_q35_host_register_type(module);
    qmem_mch_pci_register_type(module);
    qmem_type_register_name("q35-pcihost", qmem_q35_host_type_id);
    qmem_type_register_name("mch", qmem_mch_pci_type_id);
}
