/* SPDX-License-Identifier: GPL-2.0-or-later */
/* QMP query-pci and HMP info pci, in QEMU 7.2's shape. */

#include <inttypes.h>
#include <string.h>
#include "hw/pci/pci-qmp-cmds.h"
#include "hw/pci/pci.h"
#include "qobject/json.h"

/* QEMU's pci_class_descriptions, the names query-pci gives classes. */
static const struct {
    guint16 class_id;
    const char *desc;
} class_descs[] = {
    { 0x0001, "VGA controller" }, { 0x0100, "SCSI controller" },
    { 0x0101, "IDE controller" }, { 0x0102, "Floppy controller" },
    { 0x0103, "IPI controller" }, { 0x0104, "RAID controller" },
    { 0x0106, "SATA controller" }, { 0x0107, "SAS controller" },
    { 0x0180, "Storage controller" }, { 0x0200, "Ethernet controller" },
    { 0x0201, "Token Ring controller" }, { 0x0202, "FDDI controller" },
    { 0x0203, "ATM controller" }, { 0x0280, "Network controller" },
    { 0x0300, "VGA controller" }, { 0x0301, "XGA controller" },
    { 0x0302, "3D controller" }, { 0x0380, "Display controller" },
    { 0x0400, "Video controller" }, { 0x0401, "Audio controller" },
    { 0x0402, "Phone" }, { 0x0403, "Audio controller" },
    { 0x0480, "Multimedia controller" }, { 0x0500, "RAM controller" },
    { 0x0501, "Flash controller" }, { 0x0580, "Memory controller" },
    { 0x0600, "Host bridge" }, { 0x0601, "ISA bridge" },
    { 0x0602, "EISA bridge" }, { 0x0603, "MC bridge" },
    { 0x0604, "PCI bridge" }, { 0x0605, "PCMCIA bridge" },
    { 0x0606, "NUBUS bridge" }, { 0x0607, "CARDBUS bridge" },
    { 0x0608, "RACEWAY bridge" }, { 0x0680, "Bridge" },
    { 0x0700, "Serial port" }, { 0x0701, "Parallel port" },
    { 0x0800, "Interrupt controller" }, { 0x0801, "DMA controller" },
    { 0x0802, "Timer" }, { 0x0803, "RTC" }, { 0x0900, "Keyboard" },
    { 0x0901, "Pen" }, { 0x0902, "Mouse" }, { 0x0A00, "Dock station" },
    { 0x0B00, "i386 cpu" }, { 0x0c00, "Firewire controller" },
    { 0x0c01, "Access bus controller" }, { 0x0c02, "SSA controller" },
    { 0x0c03, "USB controller" }, { 0x0c04, "Fibre channel controller" },
    { 0x0c05, "SMBus" },
};

static const char *class_desc(guint16 class_id)
{
    for (gsize i = 0; i < G_N_ELEMENTS(class_descs); i++) {
        if (class_descs[i].class_id == class_id) {
            return class_descs[i].desc;
        }
    }
    return NULL;
}

static JsonArray *query_regions(QmemPciDevice *dev)
{
    JsonArray *regions = json_array_new();

    for (int i = 0; i < QMEM_PCI_NUM_REGIONS; i++) {
        guint64 size = qmem_pci_get_bar_size(dev, i);
        guint8 type = qmem_pci_get_bar_type(dev, i);
        JsonObject *r;

        if (!size) {
            continue;
        }
        r = json_object_new();
        json_object_set_int_member(r, "bar", i);
        if (type & QMEM_PCI_BASE_ADDRESS_SPACE_IO) {
            json_object_set_string_member(r, "type", "io");
        } else {
            json_object_set_string_member(r, "type", "memory");
        }
        /* An int in the schema: an unmapped BAR's all-ones reads -1. */
        json_object_set_int_member(r, "address",
                                   (gint64)qmem_pci_get_bar_addr(dev, i));
        json_object_set_int_member(r, "size", size);
        if (!(type & QMEM_PCI_BASE_ADDRESS_SPACE_IO)) {
            json_object_set_boolean_member(
                r, "prefetch", !!(type & QMEM_PCI_BASE_ADDRESS_MEM_PREFETCH));
            json_object_set_boolean_member(
                r, "mem_type_64", !!(type & QMEM_PCI_BASE_ADDRESS_MEM_TYPE_64));
        }
        json_array_add_object_element(regions, r);
    }
    return regions;
}

static JsonObject *query_device_id(const guint8 *config)
{
    JsonObject *id = json_object_new();
    guint8 type = config[QMEM_PCI_HEADER_TYPE] &
                  ~QMEM_PCI_HEADER_TYPE_MULTI_FUNCTION;

    json_object_set_int_member(id, "device",
                               qmem_pci_get_word(config +
                                                 QMEM_PCI_DEVICE_ID));
    json_object_set_int_member(id, "vendor",
                               qmem_pci_get_word(config +
                                                 QMEM_PCI_VENDOR_ID));
    /* Only a type 0 header has them where qmem looks (no CardBus). */
    if (type == QMEM_PCI_HEADER_TYPE_NORMAL) {
        json_object_set_int_member(
            id, "subsystem",
            qmem_pci_get_word(config + QMEM_PCI_SUBSYSTEM_ID));
        json_object_set_int_member(
            id, "subsystem-vendor",
            qmem_pci_get_word(config + QMEM_PCI_SUBSYSTEM_VENDOR_ID));
    }
    return id;
}

/* QEMU's qmp_query_pci_device(), schema order. */
static JsonObject *query_device(QmemPciDevice *dev, int bus_num)
{
    const guint8 *config = qmem_pci_device_get_config(dev);
    int devfn = qmem_pci_device_get_devfn(dev);
    guint16 class_id = qmem_pci_get_word(config + QMEM_PCI_CLASS_DEVICE);
    const char *desc = class_desc(class_id);
    const char *qdev_id = qmem_device_get_id(QMEM_DEVICE(dev));
    JsonObject *info = json_object_new();
    JsonObject *class_info = json_object_new();

    json_object_set_int_member(info, "bus", bus_num);
    json_object_set_int_member(info, "slot", QMEM_PCI_SLOT(devfn));
    json_object_set_int_member(info, "function", QMEM_PCI_FUNC(devfn));
    if (desc) {
        json_object_set_string_member(class_info, "desc", desc);
    }
    json_object_set_int_member(class_info, "class", class_id);
    json_object_set_object_member(info, "class_info", class_info);
    json_object_set_object_member(info, "id", query_device_id(config));
    if (config[QMEM_PCI_INTERRUPT_PIN]) {
        json_object_set_int_member(info, "irq",
                                   config[QMEM_PCI_INTERRUPT_LINE]);
    }
    json_object_set_int_member(info, "irq_pin",
                               config[QMEM_PCI_INTERRUPT_PIN]);
    json_object_set_string_member(info, "qdev_id", qdev_id ? qdev_id : "");
    json_object_set_array_member(info, "regions", query_regions(dev));
    return info;
}

static JsonArray *query_pci(void)
{
    g_autoptr(GPtrArray) buses = qmem_pci_root_buses();
    JsonArray *list = json_array_new();

    for (guint i = 0; i < buses->len; i++) {
        QmemPciBus *bus = g_ptr_array_index(buses, i);
        int bus_num = qmem_pci_bus_num(bus);
        JsonObject *info = json_object_new();
        JsonArray *devices = json_array_new();

        for (guint devfn = 0; devfn < 256; devfn++) {
            QmemPciDevice *dev = qmem_pci_bus_get_device(bus, devfn);

            if (dev) {
                json_array_add_object_element(devices,
                                              query_device(dev, bus_num));
            }
        }
        json_object_set_int_member(info, "bus", bus_num);
        json_object_set_array_member(info, "devices", devices);
        json_array_add_object_element(list, info);
    }
    return list;
}

JsonNode *qmem_qmp_query_pci(JsonObject *args, GError **error)
{
    if (!qmem_qmp_args_visit(args, NULL, error)) {
        return NULL;
    }
    return qmem_json_node_new_array(query_pci());
}

static void info_region(GString *out, JsonObject *r)
{
    gint64 addr = json_object_get_int_member(r, "address");
    gint64 size = json_object_get_int_member(r, "size");

    g_string_append_printf(out, "      BAR%" PRId64 ": ",
                           json_object_get_int_member(r, "bar"));
    if (!strcmp(json_object_get_string_member(r, "type"), "io")) {
        g_string_append_printf(out, "I/O at 0x%04" PRIx64
                               " [0x%04" PRIx64 "].\n",
                               (guint64)addr, (guint64)(addr + size - 1));
    } else {
        g_string_append_printf(
            out, "%d bit%s memory at 0x%08" PRIx64 " [0x%08" PRIx64 "].\n",
            json_object_get_boolean_member(r, "mem_type_64") ? 64 : 32,
            json_object_get_boolean_member(r, "prefetch") ? " prefetchable"
                                                          : "",
            (guint64)addr, (guint64)(addr + size - 1));
    }
}

/* QEMU's hmp_info_pci_device(), from the query's data as QEMU does. */
static void info_device(GString *out, JsonObject *dev)
{
    JsonObject *class_info = json_object_get_object_member(dev, "class_info");
    JsonObject *id = json_object_get_object_member(dev, "id");
    JsonArray *regions = json_object_get_array_member(dev, "regions");

    g_string_append_printf(out, "  Bus %2" PRId64 ", device %3" PRId64
                           ", function %" PRId64 ":\n    ",
                           json_object_get_int_member(dev, "bus"),
                           json_object_get_int_member(dev, "slot"),
                           json_object_get_int_member(dev, "function"));
    if (json_object_has_member(class_info, "desc")) {
        g_string_append(out,
                        json_object_get_string_member(class_info, "desc"));
    } else {
        g_string_append_printf(out, "Class %04" PRId64,
                               json_object_get_int_member(class_info,
                                                          "class"));
    }
    g_string_append_printf(out, ": PCI device %04" PRIx64 ":%04" PRIx64 "\n",
                           json_object_get_int_member(id, "vendor"),
                           json_object_get_int_member(id, "device"));
    if (json_object_has_member(id, "subsystem")) {
        g_string_append_printf(
            out, "      PCI subsystem %04" PRIx64 ":%04" PRIx64 "\n",
            json_object_get_int_member(id, "subsystem-vendor"),
            json_object_get_int_member(id, "subsystem"));
    }
    if (json_object_has_member(dev, "irq")) {
        g_string_append_printf(
            out, "      IRQ %" PRId64 ", pin %c\n",
            json_object_get_int_member(dev, "irq"),
            (char)('A' + json_object_get_int_member(dev, "irq_pin") - 1));
    }
    for (guint i = 0; i < json_array_get_length(regions); i++) {
        info_region(out, json_array_get_object_element(regions, i));
    }
    g_string_append_printf(out, "      id \"%s\"\n",
                           json_object_get_string_member(dev, "qdev_id"));
}

gboolean qmem_hmp_info_pci(const char *args, GString *out, GError **error)
{
    g_autoptr(JsonArray) list = query_pci();

    for (guint i = 0; i < json_array_get_length(list); i++) {
        JsonArray *devices = json_object_get_array_member(
            json_array_get_object_element(list, i), "devices");

        for (guint j = 0; j < json_array_get_length(devices); j++) {
            info_device(out, json_array_get_object_element(devices, j));
        }
    }
    return TRUE;
}
