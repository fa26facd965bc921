/* SPDX-License-Identifier: GPL-2.0-or-later */
/* PCI config space: masks, default accesses, BARs and capabilities. */

#include "hw/pci/msix.h"
#include "hw/pci/pci-internal.h"
#include "util/error.h"

/* QEMU's ranges_overlap() for config offsets. */
static gboolean ranges_overlap(guint32 a, guint32 alen, guint32 b,
                               guint32 blen)
{
    return a < b + blen && b < a + alen;
}

static gboolean range_covers_byte(guint32 a, guint32 alen, guint32 byte)
{
    return a <= byte && byte < a + alen;
}

void qmem_pci_init_masks(QmemPciDevice *dev)
{
    QmemPciDevicePrivate *p = qmem_pci_device_priv(dev);

    /* pci_init_cmask(): the identity a migration would check. */
    qmem_pci_set_word(p->cmask + QMEM_PCI_VENDOR_ID, 0xffff);
    qmem_pci_set_word(p->cmask + QMEM_PCI_DEVICE_ID, 0xffff);
    p->cmask[QMEM_PCI_STATUS] = QMEM_PCI_STATUS_CAP_LIST;
    p->cmask[QMEM_PCI_REVISION_ID] = 0xff;
    p->cmask[QMEM_PCI_CLASS_PROG] = 0xff;
    qmem_pci_set_word(p->cmask + QMEM_PCI_CLASS_DEVICE, 0xffff);
    p->cmask[QMEM_PCI_HEADER_TYPE] = 0xff;
    p->cmask[QMEM_PCI_CAPABILITY_LIST] = 0xff;

    /* pci_init_wmask(): the header's few writable bits, then all else. */
    p->wmask[QMEM_PCI_CACHE_LINE_SIZE] = 0xff;
    p->wmask[QMEM_PCI_INTERRUPT_LINE] = 0xff;
    qmem_pci_set_word(p->wmask + QMEM_PCI_COMMAND,
                      QMEM_PCI_COMMAND_IO | QMEM_PCI_COMMAND_MEMORY |
                      QMEM_PCI_COMMAND_MASTER |
                      QMEM_PCI_COMMAND_INTX_DISABLE |
                      QMEM_PCI_COMMAND_SERR);
    memset(p->wmask + QMEM_PCI_CONFIG_HEADER_SIZE, 0xff,
           QMEM_PCI_CONFIG_SPACE_SIZE - QMEM_PCI_CONFIG_HEADER_SIZE);

    /* pci_init_w1cmask(): STATUS's error bits clear when written as 1. */
    qmem_pci_set_word(p->w1cmask + QMEM_PCI_STATUS,
                      QMEM_PCI_STATUS_PARITY |
                      QMEM_PCI_STATUS_SIG_TARGET_ABORT |
                      QMEM_PCI_STATUS_REC_TARGET_ABORT |
                      QMEM_PCI_STATUS_REC_MASTER_ABORT |
                      QMEM_PCI_STATUS_SIG_SYSTEM_ERROR |
                      QMEM_PCI_STATUS_DETECTED_PARITY);
}

guint32 qmem_pci_default_read_config(QmemPciDevice *dev, guint32 addr,
                                     guint len)
{
    QmemPciDevicePrivate *p = qmem_pci_device_priv(dev);
    guint32 val = 0;

    g_return_val_if_fail(len >= 1 && len <= 4, 0);
    g_return_val_if_fail(addr + len <= QMEM_PCI_CONFIG_SPACE_SIZE, 0);

    for (guint i = 0; i < len; i++) {
        val |= (guint32)p->config[addr + i] << (8 * i);
    }
    return val;
}

void qmem_pci_default_write_config(QmemPciDevice *dev, guint32 addr,
                                   guint32 val, guint len)
{
    QmemPciDevicePrivate *p = qmem_pci_device_priv(dev);
    gboolean was_irq_disabled = qmem_pci_irq_disabled(dev);
    guint32 val_in = val;

    g_return_if_fail(len >= 1 && len <= 4);
    g_return_if_fail(addr + len <= QMEM_PCI_CONFIG_SPACE_SIZE);

    for (guint i = 0; i < len; i++, val >>= 8) {
        guint8 wmask = p->wmask[addr + i];
        guint8 w1cmask = p->w1cmask[addr + i];

        g_assert(!(wmask & w1cmask));
        p->config[addr + i] = (p->config[addr + i] & ~wmask) | (val & wmask);
        p->config[addr + i] &= ~(val & w1cmask);
    }
    if (ranges_overlap(addr, len, QMEM_PCI_BASE_ADDRESS_0, 24) ||
        range_covers_byte(addr, len, QMEM_PCI_COMMAND)) {
        qmem_pci_update_mappings(dev);
    }
    if (range_covers_byte(addr, len, QMEM_PCI_COMMAND)) {
        qmem_pci_update_irq_disabled(dev, was_irq_disabled);
        qmem_pci_update_bus_master(dev);
    }
    qmem_msix_write_config(dev, addr, val_in, len);
}

/* BARs */

static guint32 bar_offset(int n)
{
    return QMEM_PCI_BASE_ADDRESS_0 + n * 4;
}

static gboolean bar_is_64bit(guint8 type)
{
    return !(type & QMEM_PCI_BASE_ADDRESS_SPACE_IO) &&
           (type & QMEM_PCI_BASE_ADDRESS_MEM_TYPE_64);
}

void qmem_pci_register_bar(QmemPciDevice *dev, int n, guint8 type,
                           QmemMemoryRegion *mr)
{
    QmemPciDevicePrivate *p = qmem_pci_device_priv(dev);
    guint64 size = qmem_memory_region_size(mr);
    QmemPciRegion *r;
    guint64 wmask;

    g_return_if_fail(n >= 0 && n < QMEM_PCI_NUM_REGIONS);
    g_return_if_fail(!bar_is_64bit(type) || n < QMEM_PCI_NUM_REGIONS - 1);
    g_return_if_fail(size && !(size & (size - 1)));
    g_return_if_fail(p->bus != NULL);
    g_return_if_fail(p->regions[n].size == 0);

    r = &p->regions[n];
    r->addr = QMEM_PCI_BAR_UNMAPPED;
    r->size = size;
    r->type = type;
    r->memory = g_object_ref(mr);
    r->address_space = type & QMEM_PCI_BASE_ADDRESS_SPACE_IO
                       ? qmem_pci_bus_get_address_space_io(p->bus)
                       : qmem_pci_bus_get_address_space_mem(p->bus);

    wmask = ~(size - 1);
    qmem_pci_set_long(p->config + bar_offset(n), type);
    if (bar_is_64bit(type)) {
        qmem_pci_set_quad(p->wmask + bar_offset(n), wmask);
        qmem_pci_set_quad(p->cmask + bar_offset(n), ~0ULL);
    } else {
        qmem_pci_set_long(p->wmask + bar_offset(n), wmask & 0xffffffff);
        qmem_pci_set_long(p->cmask + bar_offset(n), 0xffffffff);
    }
}

/*
 * QEMU's pci_bar_address(): where BAR @n decodes now, or unmapped.  pc
 * and q35 do not allow address 0 (MachineClass.pci_allow_0_address).
 */
static guint64 bar_address(QmemPciDevicePrivate *p, int n)
{
    QmemPciRegion *r = &p->regions[n];
    guint16 cmd = qmem_pci_get_word(p->config + QMEM_PCI_COMMAND);
    guint64 new_addr, last_addr;

    if (r->type & QMEM_PCI_BASE_ADDRESS_SPACE_IO) {
        if (!(cmd & QMEM_PCI_COMMAND_IO)) {
            return QMEM_PCI_BAR_UNMAPPED;
        }
        new_addr = qmem_pci_get_long(p->config + bar_offset(n)) &
                   ~(r->size - 1);
        last_addr = new_addr + r->size - 1;
        if (last_addr <= new_addr || last_addr >= G_MAXUINT32 ||
            new_addr == 0) {
            return QMEM_PCI_BAR_UNMAPPED;
        }
        return new_addr;
    }
    if (!(cmd & QMEM_PCI_COMMAND_MEMORY)) {
        return QMEM_PCI_BAR_UNMAPPED;
    }
    new_addr = bar_is_64bit(r->type)
               ? qmem_pci_get_quad(p->config + bar_offset(n))
               : qmem_pci_get_long(p->config + bar_offset(n));
    new_addr &= ~(r->size - 1);
    last_addr = new_addr + r->size - 1;
    /* Wrapping, the unmapped value itself and 0 are no places. */
    if (last_addr <= new_addr || last_addr == QMEM_PCI_BAR_UNMAPPED ||
        new_addr == 0) {
        return QMEM_PCI_BAR_UNMAPPED;
    }
    /* A 32-bit BAR stays below 4 GiB. */
    if (!bar_is_64bit(r->type) && last_addr >= G_MAXUINT32) {
        return QMEM_PCI_BAR_UNMAPPED;
    }
    return new_addr;
}

void qmem_pci_update_mappings(QmemPciDevice *dev)
{
    QmemPciDevicePrivate *p = qmem_pci_device_priv(dev);

    qmem_memory_region_transaction_begin();
    for (int i = 0; i < QMEM_PCI_NUM_REGIONS; i++) {
        QmemPciRegion *r = &p->regions[i];
        guint64 new_addr;

        if (!r->size) {
            continue;
        }
        new_addr = bar_address(p, i);
        if (new_addr == r->addr) {
            continue;
        }
        if (r->addr != QMEM_PCI_BAR_UNMAPPED) {
            qmem_memory_region_del_subregion(r->address_space, r->memory);
        }
        r->addr = new_addr;
        if (r->addr != QMEM_PCI_BAR_UNMAPPED) {
            qmem_memory_region_add_subregion_overlap(r->address_space,
                                                     r->addr, r->memory, 1);
        }
    }
    qmem_memory_region_transaction_commit();
}

void qmem_pci_reset_regions(QmemPciDevice *dev)
{
    QmemPciDevicePrivate *p = qmem_pci_device_priv(dev);

    for (int i = 0; i < QMEM_PCI_NUM_REGIONS; i++) {
        QmemPciRegion *r = &p->regions[i];

        if (!r->size) {
            continue;
        }
        if (bar_is_64bit(r->type)) {
            qmem_pci_set_quad(p->config + bar_offset(i), r->type);
        } else {
            qmem_pci_set_long(p->config + bar_offset(i), r->type);
        }
    }
}

void qmem_pci_unregister_regions(QmemPciDevice *dev)
{
    QmemPciDevicePrivate *p = qmem_pci_device_priv(dev);

    qmem_memory_region_transaction_begin();
    for (int i = 0; i < QMEM_PCI_NUM_REGIONS; i++) {
        QmemPciRegion *r = &p->regions[i];

        if (r->size && r->addr != QMEM_PCI_BAR_UNMAPPED) {
            qmem_memory_region_del_subregion(r->address_space, r->memory);
        }
        g_clear_object(&r->memory);
        *r = (QmemPciRegion){ 0 };
    }
    qmem_memory_region_transaction_commit();
}

guint64 qmem_pci_get_bar_addr(QmemPciDevice *dev, int n)
{
    g_return_val_if_fail(n >= 0 && n < QMEM_PCI_NUM_REGIONS,
                         QMEM_PCI_BAR_UNMAPPED);
    return qmem_pci_device_priv(dev)->regions[n].size
           ? qmem_pci_device_priv(dev)->regions[n].addr
           : QMEM_PCI_BAR_UNMAPPED;
}

guint64 qmem_pci_get_bar_size(QmemPciDevice *dev, int n)
{
    g_return_val_if_fail(n >= 0 && n < QMEM_PCI_NUM_REGIONS, 0);
    return qmem_pci_device_priv(dev)->regions[n].size;
}

guint8 qmem_pci_get_bar_type(QmemPciDevice *dev, int n)
{
    g_return_val_if_fail(n >= 0 && n < QMEM_PCI_NUM_REGIONS, 0);
    return qmem_pci_device_priv(dev)->regions[n].type;
}

/* Capabilities */

/* QEMU's pci_find_space(): the first @size unused bytes after the header. */
static guint8 find_space(QmemPciDevicePrivate *p, guint8 size)
{
    guint offset = QMEM_PCI_CONFIG_HEADER_SIZE;

    for (guint i = QMEM_PCI_CONFIG_HEADER_SIZE;
         i < QMEM_PCI_CONFIG_SPACE_SIZE; i++) {
        if (p->used[i]) {
            offset = i + 1;
        } else if (i - offset + 1 == size) {
            return offset;
        }
    }
    return 0;
}

/* The capability @cap_id in the list, and the byte that points to it. */
static guint8 find_capability_list(QmemPciDevicePrivate *p, guint8 cap_id,
                                   guint8 *prev_p)
{
    guint8 next, prev;
    guint hops = 0;

    if (!(p->config[QMEM_PCI_STATUS] & QMEM_PCI_STATUS_CAP_LIST)) {
        return 0;
    }
    /* The list is ours, but a loop must not hang us: 48 is its maximum. */
    for (prev = QMEM_PCI_CAPABILITY_LIST;
         (next = p->config[prev]) && hops < 48;
         prev = next + QMEM_PCI_CAP_LIST_NEXT, hops++) {
        if (p->config[next + QMEM_PCI_CAP_LIST_ID] == cap_id) {
            break;
        }
    }
    if (prev_p) {
        *prev_p = prev;
    }
    return hops < 48 ? next : 0;
}

/* QEMU's pci_find_capability_at_offset(): the capability holding @offset. */
static guint8 find_capability_at_offset(QmemPciDevicePrivate *p,
                                        guint8 offset)
{
    guint8 next, prev, found = 0;
    guint hops = 0;

    if (!p->used[offset]) {
        return 0;
    }
    for (prev = QMEM_PCI_CAPABILITY_LIST;
         (next = p->config[prev]) && hops < 48;
         prev = next + QMEM_PCI_CAP_LIST_NEXT, hops++) {
        if (next <= offset && next > found) {
            found = next;
        }
    }
    return found;
}

guint8 qmem_pci_add_capability(QmemPciDevice *dev, guint8 cap_id,
                               guint8 offset, guint8 size, GError **error)
{
    QmemPciDevicePrivate *p = qmem_pci_device_priv(dev);
    guint8 *config;

    g_return_val_if_fail(size >= 2, 0);
    g_return_val_if_fail(!offset || (offset >= QMEM_PCI_CONFIG_HEADER_SIZE &&
                                     offset + size <=
                                     QMEM_PCI_CONFIG_SPACE_SIZE), 0);

    if (!offset) {
        offset = find_space(p, size);
        /* Running out of config space is a programming error. */
        g_assert(offset);
    } else {
        for (guint i = offset; i < (guint)offset + size; i++) {
            guint8 overlapping = find_capability_at_offset(p, i);

            if (overlapping) {
                g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                            "%s:%02x:%02x.%x Attempt to add PCI capability "
                            "%x at offset %x overlaps existing capability "
                            "%x at offset %x",
                            qmem_pci_root_bus_path(p->bus),
                            qmem_pci_bus_num(p->bus),
                            QMEM_PCI_SLOT(p->devfn), QMEM_PCI_FUNC(p->devfn),
                            cap_id, offset, overlapping, i);
                return 0;
            }
        }
    }

    config = p->config + offset;
    config[QMEM_PCI_CAP_LIST_ID] = cap_id;
    config[QMEM_PCI_CAP_LIST_NEXT] = p->config[QMEM_PCI_CAPABILITY_LIST];
    p->config[QMEM_PCI_CAPABILITY_LIST] = offset;
    p->config[QMEM_PCI_STATUS] |= QMEM_PCI_STATUS_CAP_LIST;
    memset(p->used + offset, 0xff,
           MIN((size + 3u) & ~3u, QMEM_PCI_CONFIG_SPACE_SIZE - (guint)offset));
    /* Read-only for the guest, and checked, until the caller says else. */
    memset(p->wmask + offset, 0, size);
    memset(p->cmask + offset, 0xff, size);
    return offset;
}

void qmem_pci_del_capability(QmemPciDevice *dev, guint8 cap_id, guint8 size)
{
    QmemPciDevicePrivate *p = qmem_pci_device_priv(dev);
    guint8 prev;
    guint8 offset = find_capability_list(p, cap_id, &prev);

    if (!offset) {
        return;
    }
    p->config[prev] = p->config[offset + QMEM_PCI_CAP_LIST_NEXT];
    memset(p->wmask + offset, 0xff, size);
    memset(p->w1cmask + offset, 0, size);
    memset(p->cmask + offset, 0, size);
    memset(p->used + offset, 0,
           MIN((size + 3u) & ~3u, QMEM_PCI_CONFIG_SPACE_SIZE - (guint)offset));
    if (!p->config[QMEM_PCI_CAPABILITY_LIST]) {
        p->config[QMEM_PCI_STATUS] &= ~QMEM_PCI_STATUS_CAP_LIST;
    }
}

guint8 qmem_pci_find_capability(QmemPciDevice *dev, guint8 cap_id)
{
    return find_capability_list(qmem_pci_device_priv(dev), cap_id, NULL);
}
