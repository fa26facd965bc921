/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libqos virtio-pci: a modern virtio driver's side of the transport. */

#ifndef QMEM_TESTS_QTEST_LIBQOS_VIRTIO_PCI_H
#define QMEM_TESTS_QTEST_LIBQOS_VIRTIO_PCI_H

#include "malloc.h"
#include "pci.h"

G_BEGIN_DECLS

/*
 * Modelled on QEMU's tests/qtest/libqos/virtio-pci-modern.c and
 * virtio.c: the driver finds the common, notify, ISR and device
 * structures through the vendor capabilities, negotiates features,
 * sets up split virtqueues whose rings it allocates in guest RAM, kicks
 * through the notify area and polls the used ring.  Interrupts are the
 * test's to look at: the ISR (and INTx) or MSI-X messages, which these
 * tests point into guest RAM.
 */

/* Status bits (virtio 1.2 2.1). */
#define QVIRTIO_CONFIG_S_ACKNOWLEDGE 1
#define QVIRTIO_CONFIG_S_DRIVER 2
#define QVIRTIO_CONFIG_S_DRIVER_OK 4
#define QVIRTIO_CONFIG_S_FEATURES_OK 8
#define QVIRTIO_CONFIG_S_NEEDS_RESET 0x40
#define QVIRTIO_CONFIG_S_FAILED 0x80

#define QVIRTIO_F_VERSION_1 32
#define QVIRTIO_RING_F_INDIRECT_DESC 28
#define QVIRTIO_RING_F_EVENT_IDX 29
#define QVIRTIO_F_RING_RESET 40

#define QVIRTIO_ISR_QUEUE 1
#define QVIRTIO_ISR_CONFIG 2
#define QVIRTIO_MSI_NO_VECTOR 0xffff

#define QVRING_DESC_F_NEXT 1
#define QVRING_DESC_F_WRITE 2

/* Capability types and common config offsets (virtio 1.2 4.1.4). */
#define QVIRTIO_PCI_CAP_COMMON_CFG 1
#define QVIRTIO_PCI_CAP_NOTIFY_CFG 2
#define QVIRTIO_PCI_CAP_ISR_CFG 3
#define QVIRTIO_PCI_CAP_DEVICE_CFG 4
#define QVIRTIO_PCI_CAP_PCI_CFG 5

#define QVIRTIO_PCI_COMMON_DFSELECT 0
#define QVIRTIO_PCI_COMMON_DF 4
#define QVIRTIO_PCI_COMMON_GFSELECT 8
#define QVIRTIO_PCI_COMMON_GF 12
#define QVIRTIO_PCI_COMMON_MSIX 16
#define QVIRTIO_PCI_COMMON_NUMQ 18
#define QVIRTIO_PCI_COMMON_STATUS 20
#define QVIRTIO_PCI_COMMON_CFGGENERATION 21
#define QVIRTIO_PCI_COMMON_Q_SELECT 22
#define QVIRTIO_PCI_COMMON_Q_SIZE 24
#define QVIRTIO_PCI_COMMON_Q_MSIX 26
#define QVIRTIO_PCI_COMMON_Q_ENABLE 28
#define QVIRTIO_PCI_COMMON_Q_NOFF 30
#define QVIRTIO_PCI_COMMON_Q_DESCLO 32
#define QVIRTIO_PCI_COMMON_Q_AVAILLO 40
#define QVIRTIO_PCI_COMMON_Q_USEDLO 48

/**
 * QVirtioPCIDevice:
 * @pdev: the PCI function
 * @bar: guest address of the modern BAR
 * @common: the common config
 * @isr: the ISR byte
 * @device: the device config
 * @notify: the notify area
 * @notify_off_multiplier: from the notify capability
 */
typedef struct {
    QPCIDevice pdev;
    uint64_t bar;
    uint64_t common;
    uint64_t isr;
    uint64_t device;
    uint64_t notify;
    uint32_t notify_off_multiplier;
} QVirtioPCIDevice;

/**
 * QVirtQueue:
 * @dev: its device
 * @index: the queue number
 * @size: entries
 * @desc: guest address of the descriptor table
 * @avail: of the available ring
 * @used: of the used ring
 * @notify: where a kick goes
 * @free_head: the next free descriptor (descriptors are handed out in
 *   order and all given back by qvirtqueue_recycle())
 * @avail_idx: the driver's available index
 * @last_used_idx: the used index the driver has seen
 * @event_idx: whether VIRTIO_RING_F_EVENT_IDX was negotiated
 */
typedef struct {
    QVirtioPCIDevice *dev;
    uint16_t index;
    uint16_t size;
    uint64_t desc;
    uint64_t avail;
    uint64_t used;
    uint64_t notify;
    uint16_t free_head;
    uint16_t avail_idx;
    uint16_t last_used_idx;
    bool event_idx;
} QVirtQueue;

/**
 * qvirtio_pci_init:
 *
 * Finds the function's structures through its vendor capabilities (the
 * walk asserts each is in the same BAR and within it), maps the BAR and
 * enables the function (memory decoding, bus mastering).
 */
void qvirtio_pci_init(QVirtioPCIDevice *d, QPCIBus *bus, int devfn);

/*
 * Asserts what a modern virtio-pci device of @virtio_id shows before a
 * driver touches it: vendor 0x1af4, device 0x1040 + @virtio_id, revision
 * 1, class 0x00ff.
 */
void qvirtio_pci_assert_identity(QVirtioPCIDevice *d, uint16_t virtio_id);

uint8_t qvirtio_pci_get_status(QVirtioPCIDevice *d);
void qvirtio_pci_set_status(QVirtioPCIDevice *d, uint8_t status);

/** qvirtio_pci_reset: status 0; asserts that it reads back 0. */
void qvirtio_pci_reset(QVirtioPCIDevice *d);

/** qvirtio_pci_get_features: the device's 64 feature bits. */
uint64_t qvirtio_pci_get_features(QVirtioPCIDevice *d);

/** qvirtio_pci_set_features: the driver's 64 feature bits. */
void qvirtio_pci_set_features(QVirtioPCIDevice *d, uint64_t features);

/**
 * qvirtio_pci_start:
 * @features: what the driver accepts
 *
 * Reset, ACKNOWLEDGE, DRIVER, the features, FEATURES_OK, and asserts
 * the device kept FEATURES_OK.
 */
void qvirtio_pci_start(QVirtioPCIDevice *d, uint64_t features);

/** qvirtio_pci_set_driver_ok: adds DRIVER_OK to the status. */
void qvirtio_pci_set_driver_ok(QVirtioPCIDevice *d);

/** qvirtio_pci_isr: reads (and so clears) the ISR. */
uint8_t qvirtio_pci_isr(QVirtioPCIDevice *d);

uint8_t qvirtio_pci_config_generation(QVirtioPCIDevice *d);
uint16_t qvirtio_pci_config_readw(QVirtioPCIDevice *d, uint64_t off);

/** qvirtio_pci_config_readq: two dword reads, as virtio 1.2 asks. */
uint64_t qvirtio_pci_config_readq(QVirtioPCIDevice *d, uint64_t off);

/** qvirtio_pci_set_config_vector: writes it, returns what reads back. */
uint16_t qvirtio_pci_set_config_vector(QVirtioPCIDevice *d, uint16_t vec);

/* The common config's queue registers, for queue @index. */
uint16_t qvirtio_pci_queue_readw(QVirtioPCIDevice *d, uint16_t index,
                                 uint64_t reg);
uint32_t qvirtio_pci_queue_readl(QVirtioPCIDevice *d, uint16_t index,
                                 uint64_t reg);
void qvirtio_pci_queue_writew(QVirtioPCIDevice *d, uint16_t index,
                              uint64_t reg, uint16_t val);

/**
 * qvirtqueue_setup:
 * @index: the queue
 * @vector: its MSI-X vector (%QVIRTIO_MSI_NO_VECTOR for none); asserted
 *   to read back
 * @event_idx: whether the driver negotiated VIRTIO_RING_F_EVENT_IDX
 *
 * Reads the queue's size, allocates the rings from @alloc, writes their
 * addresses and enables the queue.
 */
void qvirtqueue_setup(QVirtQueue *vq, QVirtioPCIDevice *d,
                      QGuestAllocator *alloc, uint16_t index,
                      uint16_t vector, bool event_idx);

/**
 * qvirtqueue_setup_at:
 *
 * As qvirtqueue_setup(), with rings where the caller says (anywhere: a
 * test of a driver that gets it wrong); does not enable the queue.
 */
void qvirtqueue_setup_at(QVirtQueue *vq, QVirtioPCIDevice *d,
                         uint16_t index, uint64_t desc, uint64_t avail,
                         uint64_t used);

/** qvirtqueue_enable: queue_enable = @val (1 is the only valid value). */
void qvirtqueue_enable(QVirtQueue *vq, uint16_t val);

/**
 * qvirtqueue_add:
 * @data: guest address of the buffer
 * @len: its length
 * @write: whether the device writes it
 * @next: whether another descriptor follows in the chain
 *
 * Returns: the descriptor's index (the head's, for the first of a chain).
 */
uint16_t qvirtqueue_add(QVirtQueue *vq, uint64_t data, uint32_t len,
                        bool write, bool next);

/** qvirtqueue_kick: makes @head available and notifies the device. */
void qvirtqueue_kick(QVirtQueue *vq, uint16_t head);

/**
 * qvirtqueue_get_buf:
 * @desc_idx: (out) (optional): the head of the used element
 * @len: (out) (optional): its used length
 *
 * Returns: whether the device used another element (without waiting).
 */
bool qvirtqueue_get_buf(QVirtQueue *vq, uint32_t *desc_idx, uint32_t *len);

/**
 * qvirtqueue_wait_buf:
 *
 * Polls the used ring until the device used an element (kicks may be
 * handled on the runner's main loop, after the write returned) and
 * asserts it is @head's with length @len.  Fails the test after
 * $QTEST_TIMEOUT or 60 s.
 */
void qvirtqueue_wait_buf(QVirtQueue *vq, uint16_t head, uint32_t len);

/**
 * qvirtio_pci_wait_status:
 *
 * Polls the device status until it has all of @bits, as
 * qvirtqueue_wait_buf() waits (a kick's error shows there).
 */
void qvirtio_pci_wait_status(QVirtioPCIDevice *d, uint8_t bits);

/** qvirtqueue_used_idx: the device's used index, as it is now. */
uint16_t qvirtqueue_used_idx(QVirtQueue *vq);

/** qvirtqueue_recycle: every descriptor is free again. */
void qvirtqueue_recycle(QVirtQueue *vq);

G_END_DECLS

#endif
