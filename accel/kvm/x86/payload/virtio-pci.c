/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The virtio-pci modern transport and split virtqueues, as Linux has them. */

#include "virtio.h"

/* PCI capabilities. */
#define PCI_STATUS              0x06
#define PCI_STATUS_CAP_LIST     0x10
#define PCI_CAPABILITY_LIST     0x34
#define PCI_COMMAND             0x04
#define PCI_COMMAND_MASTER      0x04
#define PCI_CAP_ID_VNDR         0x09
#define PCI_CAP_ID_MSIX         0x11

#define PCI_MSIX_FLAGS          2
#define PCI_MSIX_FLAGS_QSIZE    0x07ff
#define PCI_MSIX_FLAGS_MASKALL  0x4000
#define PCI_MSIX_FLAGS_ENABLE   0x8000
#define PCI_MSIX_TABLE          4
#define PCI_MSIX_ENTRY_SIZE     16

/* struct virtio_pci_cap */
#define VIRTIO_PCI_CAP_CFG_TYPE 3
#define VIRTIO_PCI_CAP_BAR      4
#define VIRTIO_PCI_CAP_OFFSET   8
#define VIRTIO_PCI_CAP_LENGTH   12
#define VIRTIO_PCI_NOTIFY_MULT  16
#define VIRTIO_PCI_CAP_COMMON_CFG   1
#define VIRTIO_PCI_CAP_NOTIFY_CFG   2
#define VIRTIO_PCI_CAP_ISR_CFG      3
#define VIRTIO_PCI_CAP_DEVICE_CFG   4

/* struct virtio_pci_common_cfg */
#define VIRTIO_PCI_COMMON_DFSELECT  0x00
#define VIRTIO_PCI_COMMON_DF        0x04
#define VIRTIO_PCI_COMMON_GFSELECT  0x08
#define VIRTIO_PCI_COMMON_GF        0x0c
#define VIRTIO_PCI_COMMON_MSIX      0x10
#define VIRTIO_PCI_COMMON_STATUS    0x14
#define VIRTIO_PCI_COMMON_CFGGEN    0x15
#define VIRTIO_PCI_COMMON_Q_SELECT  0x16
#define VIRTIO_PCI_COMMON_Q_SIZE    0x18
#define VIRTIO_PCI_COMMON_Q_MSIX    0x1a
#define VIRTIO_PCI_COMMON_Q_ENABLE  0x1c
#define VIRTIO_PCI_COMMON_Q_NOFF    0x1e
#define VIRTIO_PCI_COMMON_Q_DESCLO  0x20
#define VIRTIO_PCI_COMMON_Q_AVAILLO 0x28
#define VIRTIO_PCI_COMMON_Q_USEDLO  0x30
#define VIRTIO_PCI_COMMON_LEN       0x38

/* The MSI window: vCPU 0's local APIC (id 0), fixed delivery. */
#define MSI_ADDR                0xfee00000u
#define MSI_VECTOR_BASE         0x40

/*
 * The address of @len bytes at @offset of BAR @bar, if the BAR is a
 * placed memory BAR that holds them; 0 otherwise.
 */
static uint64_t vpci_bar_range(const PciFunc *f, uint8_t bar,
                               uint32_t offset, uint32_t len)
{
    const PciBar *b;

    if (bar > 5) {
        return 0;
    }
    b = &f->bar[bar];
    if (!b->addr || b->kind == PCI_BAR_IO || offset > b->size ||
        len > b->size - offset) {
        return 0;
    }
    return b->addr + offset;
}

static void vpci_vendor_cap(VirtioPci *vp, uint8_t pos)
{
    const PciFunc *f = vp->pci;
    uint8_t type = pci_cfg_read8(f, pos + VIRTIO_PCI_CAP_CFG_TYPE);
    uint8_t bar = pci_cfg_read8(f, pos + VIRTIO_PCI_CAP_BAR);
    uint32_t off = pci_cfg_read32(f, pos + VIRTIO_PCI_CAP_OFFSET);
    uint32_t len = pci_cfg_read32(f, pos + VIRTIO_PCI_CAP_LENGTH);
    uint64_t addr = vpci_bar_range(f, bar, off, len);

    /* The first capability of each type is the one to use (the spec). */
    switch (type) {
    case VIRTIO_PCI_CAP_COMMON_CFG:
        if (!vp->common && len >= VIRTIO_PCI_COMMON_LEN) {
            vp->common = addr;
        }
        break;
    case VIRTIO_PCI_CAP_NOTIFY_CFG:
        if (!vp->notify && len >= 2) {
            vp->notify = addr;
            vp->notify_mult = pci_cfg_read32(f, pos + VIRTIO_PCI_NOTIFY_MULT);
        }
        break;
    case VIRTIO_PCI_CAP_ISR_CFG:
        if (!vp->isr && len >= 1) {
            vp->isr = addr;
        }
        break;
    case VIRTIO_PCI_CAP_DEVICE_CFG:
        if (!vp->device) {
            vp->device = addr;
            vp->device_len = addr ? len : 0;
        }
        break;
    }
}

int vpci_probe(VirtioPci *vp, PciFunc *f)
{
    uint8_t pos;

    memset(vp, 0, sizeof(*vp));
    vp->pci = f;
    if (!(pci_cfg_read16(f, PCI_STATUS) & PCI_STATUS_CAP_LIST)) {
        return 0;
    }
    pos = pci_cfg_read8(f, PCI_CAPABILITY_LIST) & 0xfc;
    /* At most 48 capabilities fit: a loop in the list ends there. */
    for (int n = 0; pos >= 0x40 && n < 48; n++) {
        uint8_t id = pci_cfg_read8(f, pos);

        if (id == PCI_CAP_ID_VNDR) {
            vpci_vendor_cap(vp, pos);
        } else if (id == PCI_CAP_ID_MSIX && !vp->msix_cap) {
            vp->msix_cap = pos;
        }
        pos = pci_cfg_read8(f, pos + 1) & 0xfc;
    }
    if (!vp->common || !vp->notify || !vp->isr || !vp->device) {
        return 0;
    }
    pci_cfg_write16(f, PCI_COMMAND,
                    pci_cfg_read16(f, PCI_COMMAND) | PCI_COMMAND_MASTER);
    return 1;
}

void vpci_setup_msix(VirtioPci *vp)
{
    const PciFunc *f = vp->pci;
    uint16_t ctrl;
    uint32_t table;
    unsigned n;

    if (!vp->msix_cap) {
        return;
    }
    ctrl = pci_cfg_read16(f, vp->msix_cap + PCI_MSIX_FLAGS);
    table = pci_cfg_read32(f, vp->msix_cap + PCI_MSIX_TABLE);
    vp->msix_size = (ctrl & PCI_MSIX_FLAGS_QSIZE) + 1;
    vp->msix_table = vpci_bar_range(f, table & 7, table & ~7u,
                                    vp->msix_size * PCI_MSIX_ENTRY_SIZE);
    if (!vp->msix_table) {
        return;
    }
    pci_cfg_write16(f, vp->msix_cap + PCI_MSIX_FLAGS,
                    (ctrl | PCI_MSIX_FLAGS_ENABLE) & ~PCI_MSIX_FLAGS_MASKALL);
    n = vp->msix_size < 2 ? vp->msix_size : 2;
    for (unsigned i = 0; i < n; i++) {
        uint64_t e = vp->msix_table + i * PCI_MSIX_ENTRY_SIZE;

        mmio_write32(e, MSI_ADDR);
        mmio_write32(e + 4, 0);
        mmio_write32(e + 8, MSI_VECTOR_BASE + i);
        mmio_write32(e + 12, 0);            /* unmasked */
    }
    mmio_write16(vp->common + VIRTIO_PCI_COMMON_MSIX, 0);
    vp->msix_on = mmio_read16(vp->common + VIRTIO_PCI_COMMON_MSIX) == 0;
}

int vpci_reset(VirtioPci *vp)
{
    mmio_write8(vp->common + VIRTIO_PCI_COMMON_STATUS, 0);
    /* As Linux's vp_reset(): the reset is done when status reads 0. */
    for (int i = 0; i < 1000; i++) {
        if (!mmio_read8(vp->common + VIRTIO_PCI_COMMON_STATUS)) {
            return 1;
        }
    }
    return 0;
}

uint8_t vpci_get_status(VirtioPci *vp)
{
    return mmio_read8(vp->common + VIRTIO_PCI_COMMON_STATUS);
}

void vpci_add_status(VirtioPci *vp, uint8_t bits)
{
    mmio_write8(vp->common + VIRTIO_PCI_COMMON_STATUS,
                vpci_get_status(vp) | bits);
}

uint64_t vpci_device_features(VirtioPci *vp)
{
    uint64_t lo, hi;

    mmio_write32(vp->common + VIRTIO_PCI_COMMON_DFSELECT, 0);
    lo = mmio_read32(vp->common + VIRTIO_PCI_COMMON_DF);
    mmio_write32(vp->common + VIRTIO_PCI_COMMON_DFSELECT, 1);
    hi = mmio_read32(vp->common + VIRTIO_PCI_COMMON_DF);
    return hi << 32 | lo;
}

int vpci_set_features(VirtioPci *vp, uint64_t features)
{
    mmio_write32(vp->common + VIRTIO_PCI_COMMON_GFSELECT, 0);
    mmio_write32(vp->common + VIRTIO_PCI_COMMON_GF, (uint32_t)features);
    mmio_write32(vp->common + VIRTIO_PCI_COMMON_GFSELECT, 1);
    mmio_write32(vp->common + VIRTIO_PCI_COMMON_GF, features >> 32);
    vpci_add_status(vp, VIRTIO_STATUS_FEATURES_OK);
    return !!(vpci_get_status(vp) & VIRTIO_STATUS_FEATURES_OK);
}

static void write64_twopart(uint64_t addr, uint64_t v)
{
    mmio_write32(addr, (uint32_t)v);
    mmio_write32(addr + 4, v >> 32);
}

int vpci_setup_queue(VirtioPci *vp, Virtqueue *vq, uint16_t index,
                     uint16_t max)
{
    uint64_t c = vp->common;
    uint16_t size, noff;

    memset(vq, 0, sizeof(*vq));
    mmio_write16(c + VIRTIO_PCI_COMMON_Q_SELECT, index);
    size = mmio_read16(c + VIRTIO_PCI_COMMON_Q_SIZE);
    if (!size || mmio_read16(c + VIRTIO_PCI_COMMON_Q_ENABLE)) {
        return 0;
    }
    /* A power of two, at most @max and what the device offers. */
    while (size > max || (size & (size - 1))) {
        size = size > max ? max : size & (size - 1);
    }
    vq->index = index;
    vq->size = size;
    vq->desc = (void *)dma_alloc(16ULL * size, 16);
    vq->avail = (void *)dma_alloc(6 + 2ULL * size, 2);
    vq->used = (void *)dma_alloc(6 + 8ULL * size, 4);
    if (!vq->desc || !vq->avail || !vq->used) {
        return 0;
    }
    mmio_write16(c + VIRTIO_PCI_COMMON_Q_SIZE, size);
    write64_twopart(c + VIRTIO_PCI_COMMON_Q_DESCLO, (uint64_t)vq->desc);
    write64_twopart(c + VIRTIO_PCI_COMMON_Q_AVAILLO, (uint64_t)vq->avail);
    write64_twopart(c + VIRTIO_PCI_COMMON_Q_USEDLO, (uint64_t)vq->used);
    if (vp->msix_on) {
        mmio_write16(c + VIRTIO_PCI_COMMON_Q_MSIX, 1 < vp->msix_size);
        if (mmio_read16(c + VIRTIO_PCI_COMMON_Q_MSIX) == VIRTIO_NO_VECTOR) {
            log_printf("virtio %s: queue %u: no MSI-X vector\n",
                       vp->pci->name, index);
        }
    }
    noff = mmio_read16(c + VIRTIO_PCI_COMMON_Q_NOFF);
    vq->notify = vp->notify + (uint64_t)noff * vp->notify_mult;
    mmio_write16(c + VIRTIO_PCI_COMMON_Q_ENABLE, 1);
    return 1;
}

uint8_t vpci_generation(VirtioPci *vp)
{
    return mmio_read8(vp->common + VIRTIO_PCI_COMMON_CFGGEN);
}

uint8_t vpci_isr(VirtioPci *vp)
{
    return mmio_read8(vp->isr);
}

uint32_t vpci_config_read32(VirtioPci *vp, uint32_t off)
{
    return off + 4 <= vp->device_len ? mmio_read32(vp->device + off) : 0;
}

uint16_t vpci_config_read16(VirtioPci *vp, uint32_t off)
{
    return off + 2 <= vp->device_len ? mmio_read16(vp->device + off) : 0;
}

void vq_add_pair(Virtqueue *vq, uint16_t head, uint64_t out, uint32_t out_len,
                 uint64_t in, uint32_t in_len)
{
    volatile VringDesc *d = vq->desc;

    d[head].addr = out;
    d[head].len = out_len;
    d[head].flags = VRING_DESC_F_NEXT;
    d[head].next = head + 1;
    d[head + 1].addr = in;
    d[head + 1].len = in_len;
    d[head + 1].flags = VRING_DESC_F_WRITE;
    d[head + 1].next = 0;
    vq->avail->ring[vq->avail_idx % vq->size] = head;
    /* x86 keeps stores in order: the compiler must too. */
    __asm__ volatile("" : : : "memory");
    vq->avail->idx = ++vq->avail_idx;
}

void vq_kick(Virtqueue *vq)
{
    mb_full();
    mmio_write16(vq->notify, vq->index);
}

int vq_get_used(Virtqueue *vq, uint16_t *head, uint32_t *len)
{
    volatile VringUsedElem *e;

    if (vq->used->idx == vq->used_seen) {
        return 0;
    }
    __asm__ volatile("" : : : "memory");
    e = &vq->used->ring[vq->used_seen % vq->size];
    *head = e->id;
    *len = e->len;
    vq->used_seen++;
    return 1;
}
