/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The payload's virtio: the modern PCI transport and a split virtqueue. */

#ifndef QMEM_KVM_PAYLOAD_VIRTIO_H
#define QMEM_KVM_PAYLOAD_VIRTIO_H

#include "payload.h"

/* Device status bits. */
#define VIRTIO_STATUS_ACKNOWLEDGE   0x01
#define VIRTIO_STATUS_DRIVER        0x02
#define VIRTIO_STATUS_DRIVER_OK     0x04
#define VIRTIO_STATUS_FEATURES_OK   0x08
#define VIRTIO_STATUS_NEEDS_RESET   0x40
#define VIRTIO_STATUS_FAILED        0x80

#define VIRTIO_F_VERSION_1          32

#define VIRTIO_NO_VECTOR            0xffff

/* The vring: descriptors, the driver's (avail) and device's (used) ring. */
#define VRING_DESC_F_NEXT           1
#define VRING_DESC_F_WRITE          2

typedef struct {
    uint64_t addr;
    uint32_t len;
    uint16_t flags;
    uint16_t next;
} VringDesc;

typedef struct {
    uint16_t flags;
    uint16_t idx;
    uint16_t ring[];
} VringAvail;

typedef struct {
    uint32_t id;
    uint32_t len;
} VringUsedElem;

typedef struct {
    uint16_t flags;
    uint16_t idx;
    VringUsedElem ring[];
} VringUsed;

/* A virtio-pci function, its structures found through its capabilities. */
typedef struct {
    PciFunc *pci;
    uint64_t common;            /* struct virtio_pci_common_cfg */
    uint64_t isr;
    uint64_t device;            /* the device's config space */
    uint32_t device_len;
    uint64_t notify;
    uint32_t notify_mult;
    uint8_t msix_cap;           /* 0: none */
    uint64_t msix_table;
    uint16_t msix_size;
    int msix_on;                /* vectors programmed and enabled */
} VirtioPci;

/* A split virtqueue in driver memory. */
typedef struct {
    uint16_t index;
    uint16_t size;
    uint16_t avail_idx;         /* the driver's next avail index */
    uint16_t used_seen;         /* used entries taken so far */
    volatile VringDesc *desc;
    volatile VringAvail *avail;
    volatile VringUsed *used;
    uint64_t notify;            /* the queue's notify address */
} Virtqueue;

/*
 * Finds the function's virtio structures (common, ISR, device config,
 * notify; MSI-X) in BARs pci.c placed, and turns on bus mastering.
 * Returns: 0 when the function is no modern virtio-pci device.
 */
int vpci_probe(VirtioPci *vp, PciFunc *f);
/* Resets the device (status 0, waits until it reads 0); 0 if it hangs. */
int vpci_reset(VirtioPci *vp);
uint8_t vpci_get_status(VirtioPci *vp);
void vpci_add_status(VirtioPci *vp, uint8_t bits);
uint64_t vpci_device_features(VirtioPci *vp);
/* Writes the driver's features, sets FEATURES_OK; 0 if the device
 * does not keep it. */
int vpci_set_features(VirtioPci *vp, uint64_t features);
/*
 * Sets up queue @index with at most @max entries in driver memory,
 * MSI-X vector @vector (when MSI-X is on), and enables it.
 */
int vpci_setup_queue(VirtioPci *vp, Virtqueue *vq, uint16_t index,
                     uint16_t max);
/* Programs MSI-X (config vector 0, queue vectors 1) when the device has
 * it: each of its interrupts then wakes vCPU 0 at once. */
void vpci_setup_msix(VirtioPci *vp);
uint8_t vpci_generation(VirtioPci *vp);
/* Reads (and so clears) the ISR: bit 0 queue, bit 1 config. */
uint8_t vpci_isr(VirtioPci *vp);
uint32_t vpci_config_read32(VirtioPci *vp, uint32_t off);
uint16_t vpci_config_read16(VirtioPci *vp, uint32_t off);

/*
 * Puts a chain of two buffers on @vq (@out for the device to read, @in
 * for it to write), head descriptor @head and @head + 1, and makes it
 * available; vq_kick() tells the device.
 */
void vq_add_pair(Virtqueue *vq, uint16_t head, uint64_t out, uint32_t out_len,
                 uint64_t in, uint32_t in_len);
void vq_kick(Virtqueue *vq);
/* The next used element's head and length; 0 when there is none. */
int vq_get_used(Virtqueue *vq, uint16_t *head, uint32_t *len);

#endif
