/* SPDX-License-Identifier: GPL-2.0-or-later */
/* PCI functions: placement on the bus, realize, INTx, DMA and MSI. */

#include <stdio.h>
#include "hw/pci/msix.h"
#include "hw/pci/pci-internal.h"
#include "qom/property.h"
#include "util/error.h"

G_DEFINE_ABSTRACT_TYPE_WITH_CODE(QmemPciDevice, qmem_pci_device,
                                 QMEM_TYPE_DEVICE,
                                 G_ADD_PRIVATE(QmemPciDevice)
                                 qmem_type_register_name("pci-device",
                                                         g_define_type_id))

enum {
    PROP_0,
    PROP_ADDR,
    PROP_MULTIFUNCTION,
    N_PROPS
};

static GParamSpec *props[N_PROPS];

QmemPciDevicePrivate *qmem_pci_device_priv(QmemPciDevice *dev)
{
    return qmem_pci_device_get_instance_private(dev);
}

/*
 * QEMU's set_pci_devfn(): "slot[.function]" in hex (sscanf's %x, so
 * "0x2" and " 2" too), or from JSON an integer devfn, -1 meaning "choose".
 */
static gboolean parse_devfn_string(QmemObject *obj, GParamSpec *pspec,
                                   const char *name, const char *str,
                                   GValue *value, GError **error)
{
    unsigned int slot, fn, n;

    if (sscanf(str, "%x.%x%n", &slot, &fn, &n) != 2) {
        fn = 0;
        if (sscanf(str, "%x%n", &slot, &n) != 1) {
            goto invalid;
        }
    }
    if (str[n] != '\0' || fn > 7 || slot > 31) {
        goto invalid;
    }
    g_value_set_int(value, slot << 3 | fn);
    return TRUE;

invalid:
    g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                "Property '%s.%s' doesn't take value '%s'",
                obj ? qmem_object_get_typename(obj)
                    : qmem_type_get_name(pspec->owner_type), name, str);
    return FALSE;
}

static gboolean parse_devfn(QmemObject *obj, GParamSpec *pspec,
                            const char *name, JsonNode *input,
                            QmemInputKind kind, GValue *value,
                            GError **error)
{
    GType type = JSON_NODE_HOLDS_VALUE(input)
                 ? json_node_get_value_type(input) : G_TYPE_INVALID;
    gint64 v;

    if (type == G_TYPE_STRING) {
        return parse_devfn_string(obj, pspec, name,
                                  json_node_get_string(input), value, error);
    }
    if (type == G_TYPE_DOUBLE) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "Invalid parameter type for '%s', expected: integer",
                    name);
        return FALSE;
    }
    if (type != G_TYPE_INT64) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "Invalid parameter type for '%s', expected int or str",
                    name);
        return FALSE;
    }
    v = json_node_get_int(input);
    if (v < G_MININT32 || v > G_MAXINT32) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "Parameter '%s' expects int32_t", name);
        return FALSE;
    }
    if (v < -1 || v > 255) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "Parameter '%s' expects a value between -1 and 255",
                    name);
        return FALSE;
    }
    g_value_set_int(value, v);
    return TRUE;
}

static void qmem_pci_device_get_property(GObject *obj, guint id,
                                         GValue *value, GParamSpec *pspec)
{
    QmemPciDevicePrivate *p = qmem_pci_device_priv(QMEM_PCI_DEVICE(obj));

    switch (id) {
    case PROP_ADDR:
        g_value_set_int(value, p->devfn);
        break;
    case PROP_MULTIFUNCTION:
        g_value_set_boolean(value, p->multifunction);
        break;
    default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID(obj, id, pspec);
    }
}

static void qmem_pci_device_set_property(GObject *obj, guint id,
                                         const GValue *value,
                                         GParamSpec *pspec)
{
    QmemPciDevicePrivate *p = qmem_pci_device_priv(QMEM_PCI_DEVICE(obj));

    switch (id) {
    case PROP_ADDR:
        p->devfn = g_value_get_int(value);
        break;
    case PROP_MULTIFUNCTION:
        p->multifunction = g_value_get_boolean(value);
        break;
    default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID(obj, id, pspec);
    }
}

/* Placement: QEMU's do_pci_register_device() */

static gboolean devfn_free(QmemPciBus *bus, int devfn)
{
    return !qmem_pci_bus_get_device(bus, devfn);
}

static const char *type_name(QmemPciDevice *dev)
{
    return qmem_object_get_typename(QMEM_OBJECT(dev));
}

static QmemPciDevice *function_0(QmemPciBus *bus, int devfn)
{
    return qmem_pci_bus_get_device(bus,
                                   QMEM_PCI_DEVFN(QMEM_PCI_SLOT(devfn), 0));
}

/* The devfn @dev goes to: "addr", or the first free slot's function 0. */
static int choose_devfn(QmemPciDevice *dev, QmemPciBus *bus, GError **error)
{
    QmemPciDevicePrivate *p = qmem_pci_device_priv(dev);
    int devfn = p->devfn;
    QmemPciDevice *other;

    if (devfn < 0) {
        for (devfn = qmem_pci_bus_get_devfn_min(bus); devfn < 256;
             devfn += QMEM_PCI_FUNC_MAX) {
            if (devfn_free(bus, devfn)) {
                return devfn;
            }
        }
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "PCI: no slot/function available for %s, all in use "
                    "or reserved", type_name(dev));
        return -1;
    }
    other = qmem_pci_bus_get_device(bus, devfn);
    if (other) {
        /* QEMU prints a missing id with glibc's "(null)". */
        const char *id = qmem_device_get_id(QMEM_DEVICE(other));

        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "PCI: slot %d function %d not available for %s, in use "
                    "by %s,id=%s", QMEM_PCI_SLOT(devfn), QMEM_PCI_FUNC(devfn),
                    type_name(dev), type_name(other), id ? id : "(null)");
        return -1;
    }
    other = function_0(bus, devfn);
    if (qmem_device_is_hotplugged(QMEM_DEVICE(dev)) && other) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "PCI: slot %d function 0 already occupied by %s, new "
                    "func %s cannot be exposed to guest.",
                    QMEM_PCI_SLOT(devfn), type_name(other), type_name(dev));
        return -1;
    }
    return devfn;
}

/* QEMU's pci_init_multifunction(), once @dev has its devfn. */
static gboolean check_multifunction(QmemPciDevice *dev, QmemPciBus *bus,
                                    GError **error)
{
    QmemPciDevicePrivate *p = qmem_pci_device_priv(dev);
    int slot = QMEM_PCI_SLOT(p->devfn);

    if (p->multifunction) {
        p->config[QMEM_PCI_HEADER_TYPE] |=
            QMEM_PCI_HEADER_TYPE_MULTI_FUNCTION;
    }
    /*
     * Function 0 says whether the slot has more; functions above it need
     * not set the bit themselves (PIIX3's do not).
     */
    if (QMEM_PCI_FUNC(p->devfn)) {
        QmemPciDevice *f0 = function_0(bus, p->devfn);

        if (f0 && !qmem_pci_device_priv(f0)->multifunction) {
            g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                        "PCI: single function device can't be populated in "
                        "function %x.%x", slot, QMEM_PCI_FUNC(p->devfn));
            return FALSE;
        }
        return TRUE;
    }
    if (p->multifunction) {
        return TRUE;
    }
    for (int fn = 1; fn < QMEM_PCI_FUNC_MAX; fn++) {
        if (qmem_pci_bus_get_device(bus, QMEM_PCI_DEVFN(slot, fn))) {
            g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                        "PCI: %x.0 indicates single function, but %x.%x is "
                        "already populated.", slot, slot, fn);
            return FALSE;
        }
    }
    return TRUE;
}

/* The header from the class's ids (QEMU's do_pci_register_device()). */
static void init_config(QmemPciDevice *dev)
{
    QmemPciDevicePrivate *p = qmem_pci_device_priv(dev);
    QmemPciDeviceClass *pc = QMEM_PCI_DEVICE_GET_CLASS(dev);
    gboolean own_subsystem = pc->subsystem_vendor_id || pc->subsystem_id;

    memset(p->config, 0, sizeof(p->config));
    memset(p->cmask, 0, sizeof(p->cmask));
    memset(p->wmask, 0, sizeof(p->wmask));
    memset(p->w1cmask, 0, sizeof(p->w1cmask));
    memset(p->used, 0, sizeof(p->used));
    qmem_pci_set_word(p->config + QMEM_PCI_VENDOR_ID, pc->vendor_id);
    qmem_pci_set_word(p->config + QMEM_PCI_DEVICE_ID, pc->device_id);
    p->config[QMEM_PCI_REVISION_ID] = pc->revision;
    qmem_pci_set_word(p->config + QMEM_PCI_CLASS_DEVICE, pc->class_id);
    qmem_pci_set_word(p->config + QMEM_PCI_SUBSYSTEM_VENDOR_ID,
                      own_subsystem ? pc->subsystem_vendor_id
                                    : QMEM_PCI_SUBVENDOR_ID_REDHAT_QUMRANET);
    qmem_pci_set_word(p->config + QMEM_PCI_SUBSYSTEM_ID,
                      own_subsystem ? pc->subsystem_id
                                    : QMEM_PCI_SUBDEVICE_ID_QEMU);
    qmem_pci_init_masks(dev);
}

/* The bus-master address space, empty until the guest enables DMA. */
static void init_bus_master(QmemPciDevice *dev, QmemPciBus *bus)
{
    QmemPciDevicePrivate *p = qmem_pci_device_priv(dev);
    QmemMemoryRegion *root = qmem_pci_bus_get_dma_root(bus);

    p->bm_container = qmem_memory_region_new_container("bus master container",
                                                       G_MAXUINT64);
    p->bm_enable = qmem_memory_region_new_alias(
        "bus master", root, 0, qmem_memory_region_size(root));
    p->bm_as = qmem_address_space_new(type_name(dev), p->bm_container);
}

static void unregister(QmemPciDevice *dev)
{
    QmemPciDevicePrivate *p = qmem_pci_device_priv(dev);

    qmem_msix_free(dev);
    qmem_pci_bus_set_device(p->bus, p->devfn, NULL);
    if (qmem_memory_region_is_mapped(p->bm_enable)) {
        qmem_memory_region_del_subregion(p->bm_container, p->bm_enable);
    }
    g_clear_pointer(&p->bm_as, qmem_address_space_free);
    g_clear_object(&p->bm_enable);
    g_clear_object(&p->bm_container);
    p->bus = NULL;
}

static gboolean register_device(QmemPciDevice *dev, QmemPciBus *bus,
                                GError **error)
{
    QmemPciDevicePrivate *p = qmem_pci_device_priv(dev);
    int devfn = choose_devfn(dev, bus, error);

    if (devfn < 0) {
        return FALSE;
    }
    p->devfn = devfn;
    p->bus = bus;
    p->irq_state = 0;
    init_bus_master(dev, bus);
    init_config(dev);
    if (!check_multifunction(dev, bus, error)) {
        unregister(dev);
        return FALSE;
    }
    qmem_pci_bus_set_device(bus, devfn, dev);
    return TRUE;
}

/* QEMU's pci_qdev_realize(): the slot, the header, then the subclass. */
static gboolean pci_device_realize(QmemDevice *qdev, GError **error)
{
    QmemPciDevice *dev = QMEM_PCI_DEVICE(qdev);
    QmemPciDeviceClass *pc = QMEM_PCI_DEVICE_GET_CLASS(dev);
    QmemPciDevicePrivate *p = qmem_pci_device_priv(dev);
    QmemBus *bus = qmem_device_get_parent_bus(qdev);
    int wanted = p->devfn;

    g_return_val_if_fail(QMEM_IS_PCI_BUS(bus), FALSE);

    if (!register_device(dev, QMEM_PCI_BUS(bus), error)) {
        return FALSE;
    }
    if (pc->realize && !pc->realize(dev, error)) {
        qmem_pci_unregister_regions(dev);
        unregister(dev);
        p->devfn = wanted;
        return FALSE;
    }
    return TRUE;
}

static void pci_device_unrealize(QmemDevice *qdev)
{
    QmemPciDevice *dev = QMEM_PCI_DEVICE(qdev);
    QmemPciDeviceClass *pc = QMEM_PCI_DEVICE_GET_CLASS(dev);

    qmem_pci_unregister_regions(dev);
    if (pc->exit) {
        pc->exit(dev);
    }
    qmem_pci_device_deassert_intx(dev);
    unregister(dev);
}

static void qmem_pci_device_class_init(QmemPciDeviceClass *klass)
{
    GObjectClass *oc = G_OBJECT_CLASS(klass);
    QmemDeviceClass *dc = QMEM_DEVICE_CLASS(klass);
    GParamFlags rw = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
                     G_PARAM_EXPLICIT_NOTIFY;

    oc->get_property = qmem_pci_device_get_property;
    oc->set_property = qmem_pci_device_set_property;
    dc->realize = pci_device_realize;
    dc->unrealize = pci_device_unrealize;
    dc->bus_type = QMEM_TYPE_PCI_BUS;

    props[PROP_ADDR] = g_param_spec_int(
        QMEM_PCI_DEVICE_PROP_ADDR, NULL,
        "Slot and optional function number, example: 06.0 or 06", -1, 255,
        -1, rw);
    props[PROP_MULTIFUNCTION] = g_param_spec_boolean(
        QMEM_PCI_DEVICE_PROP_MULTIFUNCTION, NULL, "on/off", FALSE, rw);
    g_object_class_install_properties(oc, N_PROPS, props);
    qmem_param_spec_set_parser(props[PROP_ADDR], parse_devfn);
    qmem_param_spec_set_show_default(props[PROP_ADDR], TRUE);
    qmem_param_spec_set_show_default(props[PROP_MULTIFUNCTION], TRUE);
}

static void qmem_pci_device_init(QmemPciDevice *dev)
{
    QmemPciDevicePrivate *p = qmem_pci_device_priv(dev);

    p->devfn = -1;
}

/* Accessors */

guint8 *qmem_pci_device_get_config(QmemPciDevice *dev)
{
    return qmem_pci_device_priv(dev)->config;
}

guint8 *qmem_pci_device_get_wmask(QmemPciDevice *dev)
{
    return qmem_pci_device_priv(dev)->wmask;
}

guint8 *qmem_pci_device_get_w1cmask(QmemPciDevice *dev)
{
    return qmem_pci_device_priv(dev)->w1cmask;
}

guint8 *qmem_pci_device_get_cmask(QmemPciDevice *dev)
{
    return qmem_pci_device_priv(dev)->cmask;
}

QmemPciBus *qmem_pci_device_get_bus(QmemPciDevice *dev)
{
    return qmem_pci_device_priv(dev)->bus;
}

int qmem_pci_device_get_devfn(QmemPciDevice *dev)
{
    return qmem_pci_device_priv(dev)->devfn;
}

guint32 qmem_pci_device_config_read(QmemPciDevice *dev, guint32 addr,
                                    guint len)
{
    QmemPciDeviceClass *pc = QMEM_PCI_DEVICE_GET_CLASS(dev);

    return pc->config_read ? pc->config_read(dev, addr, len)
                           : qmem_pci_default_read_config(dev, addr, len);
}

void qmem_pci_device_config_write(QmemPciDevice *dev, guint32 addr,
                                  guint32 val, guint len)
{
    QmemPciDeviceClass *pc = QMEM_PCI_DEVICE_GET_CLASS(dev);

    if (pc->config_write) {
        pc->config_write(dev, addr, val, len);
    } else {
        qmem_pci_default_write_config(dev, addr, val, len);
    }
}

/* INTx: QEMU's pci_irq_handler() and friends */

gboolean qmem_pci_irq_disabled(QmemPciDevice *dev)
{
    QmemPciDevicePrivate *p = qmem_pci_device_priv(dev);

    return !!(qmem_pci_get_word(p->config + QMEM_PCI_COMMAND) &
              QMEM_PCI_COMMAND_INTX_DISABLE);
}

static void update_irq_status(QmemPciDevicePrivate *p)
{
    if (p->irq_state) {
        p->config[QMEM_PCI_STATUS] |= QMEM_PCI_STATUS_INTERRUPT;
    } else {
        p->config[QMEM_PCI_STATUS] &= ~QMEM_PCI_STATUS_INTERRUPT;
    }
}

static void irq_handler(QmemPciDevice *dev, int pin, int level)
{
    QmemPciDevicePrivate *p = qmem_pci_device_priv(dev);
    int change = level - ((p->irq_state >> pin) & 1);

    if (!change) {
        return;
    }
    p->irq_state = (p->irq_state & ~(1 << pin)) | (level << pin);
    update_irq_status(p);
    if (qmem_pci_irq_disabled(dev)) {
        return;
    }
    qmem_pci_bus_change_irq_level(p->bus, dev, pin, change);
}

void qmem_pci_set_irq(QmemPciDevice *dev, int level)
{
    QmemPciDevicePrivate *p = qmem_pci_device_priv(dev);
    int pin = p->config[QMEM_PCI_INTERRUPT_PIN] - 1;

    g_return_if_fail(p->bus != NULL);
    g_return_if_fail(pin >= 0 && pin < QMEM_PCI_NUM_PINS);
    irq_handler(dev, pin, !!level);
}

void qmem_pci_device_deassert_intx(QmemPciDevice *dev)
{
    for (int pin = 0; pin < QMEM_PCI_NUM_PINS; pin++) {
        irq_handler(dev, pin, 0);
    }
}

void qmem_pci_update_irq_disabled(QmemPciDevice *dev, gboolean was_disabled)
{
    QmemPciDevicePrivate *p = qmem_pci_device_priv(dev);
    gboolean disabled = qmem_pci_irq_disabled(dev);

    if (disabled == was_disabled) {
        return;
    }
    for (int pin = 0; pin < QMEM_PCI_NUM_PINS; pin++) {
        int state = (p->irq_state >> pin) & 1;

        if (state) {
            qmem_pci_bus_change_irq_level(p->bus, dev, pin,
                                          disabled ? -state : state);
        }
    }
}

/* Bus mastering, DMA and MSI */

gboolean qmem_pci_is_bus_master(QmemPciDevice *dev)
{
    QmemPciDevicePrivate *p = qmem_pci_device_priv(dev);

    return !!(qmem_pci_get_word(p->config + QMEM_PCI_COMMAND) &
              QMEM_PCI_COMMAND_MASTER);
}

void qmem_pci_update_bus_master(QmemPciDevice *dev)
{
    QmemPciDevicePrivate *p = qmem_pci_device_priv(dev);
    gboolean mapped = qmem_memory_region_is_mapped(p->bm_enable);

    if (qmem_pci_is_bus_master(dev) && !mapped) {
        qmem_memory_region_add_subregion(p->bm_container, 0, p->bm_enable);
    } else if (!qmem_pci_is_bus_master(dev) && mapped) {
        qmem_memory_region_del_subregion(p->bm_container, p->bm_enable);
    }
}

QmemAddressSpace *qmem_pci_get_bus_master_as(QmemPciDevice *dev)
{
    return qmem_pci_device_priv(dev)->bm_as;
}

gboolean qmem_pci_dma_read(QmemPciDevice *dev, guint64 addr, void *buf,
                           gsize len)
{
    QmemPciDevicePrivate *p = qmem_pci_device_priv(dev);

    g_return_val_if_fail(p->bm_as != NULL, FALSE);
    return qmem_address_space_rw(p->bm_as, addr, buf, len, FALSE);
}

gboolean qmem_pci_dma_write(QmemPciDevice *dev, guint64 addr,
                            const void *buf, gsize len)
{
    QmemPciDevicePrivate *p = qmem_pci_device_priv(dev);

    g_return_val_if_fail(p->bm_as != NULL, FALSE);
    /* qmem_address_space_rw() only reads @buf when writing. */
    return qmem_address_space_rw(p->bm_as, addr, (void *)buf, len, TRUE);
}

gboolean qmem_pci_msi_send(QmemPciDevice *dev, guint64 addr, guint32 data)
{
    guint8 le[4] = { data, data >> 8, data >> 16, data >> 24 };

    return qmem_pci_dma_write(dev, addr, le, sizeof(le));
}

/* Reset: QEMU's pci_do_device_reset() */

void qmem_pci_device_reset(QmemPciDevice *dev)
{
    QmemPciDevicePrivate *p = qmem_pci_device_priv(dev);
    guint16 clear;

    g_return_if_fail(p->bus != NULL);

    qmem_pci_device_deassert_intx(dev);
    clear = qmem_pci_get_word(p->wmask + QMEM_PCI_COMMAND) |
            qmem_pci_get_word(p->w1cmask + QMEM_PCI_COMMAND);
    qmem_pci_set_word(p->config + QMEM_PCI_COMMAND,
                      qmem_pci_get_word(p->config + QMEM_PCI_COMMAND) &
                      ~clear);
    clear = qmem_pci_get_word(p->wmask + QMEM_PCI_STATUS) |
            qmem_pci_get_word(p->w1cmask + QMEM_PCI_STATUS);
    qmem_pci_set_word(p->config + QMEM_PCI_STATUS,
                      qmem_pci_get_word(p->config + QMEM_PCI_STATUS) &
                      ~clear);
    p->config[QMEM_PCI_INTERRUPT_LINE] &=
        ~(p->wmask[QMEM_PCI_INTERRUPT_LINE] |
          p->w1cmask[QMEM_PCI_INTERRUPT_LINE]);
    p->config[QMEM_PCI_CACHE_LINE_SIZE] = 0;
    qmem_pci_reset_regions(dev);
    qmem_pci_update_mappings(dev);
    qmem_pci_update_bus_master(dev);
    qmem_msix_reset(dev);
}
