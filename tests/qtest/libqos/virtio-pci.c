/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libqos virtio-pci: the modern transport and split rings, as a driver. */

#include <string.h>

#include "virtio-pci.h"

/* struct virtio_pci_cap and the notify capability's multiplier. */
#define CAP_CFG_TYPE 3
#define CAP_BAR 4
#define CAP_OFFSET 8
#define CAP_LENGTH 12
#define NOTIFY_CAP_MULT 16

/* Split ring layout (virtio 1.2 2.7). */
#define DESC_SIZE 16
#define AVAIL_RING 4
#define USED_RING 4
#define USED_ELEM_SIZE 8

static QTestState *qts_of(QVirtioPCIDevice *d)
{
    return d->pdev.bus->qts;
}

/* Discovery */

/* The first vendor capability of @type, its BAR asserted to be @bar. */
static uint64_t find_structure(QVirtioPCIDevice *d, uint8_t type,
                               uint8_t *cap_out)
{
    QPCIDevice *pdev = &d->pdev;
    uint8_t cap = 0;

    while ((cap = qpci_find_capability(pdev, QPCI_CAP_ID_VNDR, cap))) {
        if (qpci_config_readb(pdev, cap + CAP_CFG_TYPE) == type) {
            uint8_t bar = qpci_config_readb(pdev, cap + CAP_BAR);
            uint32_t off = qpci_config_readl(pdev, cap + CAP_OFFSET);
            uint32_t len = qpci_config_readl(pdev, cap + CAP_LENGTH);
            uint64_t size;

            if (!d->bar) {
                d->bar = qpci_iomap(pdev, bar, &size);
                g_assert_cmpuint((uint64_t)off + len, <=, size);
            }
            if (cap_out) {
                *cap_out = cap;
            }
            return d->bar + off;
        }
    }
    g_error("no virtio capability of type %d", type);
}

void qvirtio_pci_init(QVirtioPCIDevice *d, QPCIBus *bus, int devfn)
{
    uint8_t notify_cap;

    qpci_device_init(&d->pdev, bus, devfn);
    d->bar = 0;
    d->common = find_structure(d, QVIRTIO_PCI_CAP_COMMON_CFG, NULL);
    d->isr = find_structure(d, QVIRTIO_PCI_CAP_ISR_CFG, NULL);
    d->device = find_structure(d, QVIRTIO_PCI_CAP_DEVICE_CFG, NULL);
    d->notify = find_structure(d, QVIRTIO_PCI_CAP_NOTIFY_CFG, &notify_cap);
    d->notify_off_multiplier =
        qpci_config_readl(&d->pdev, notify_cap + NOTIFY_CAP_MULT);
    qpci_device_enable(&d->pdev);
}

/* Status and features */

void qvirtio_pci_assert_identity(QVirtioPCIDevice *d, uint16_t virtio_id)
{
    QPCIDevice *pdev = &d->pdev;

    g_assert_cmphex(qpci_config_readl(pdev, QPCI_VENDOR_ID), ==,
                    0x1af4 | (0x1040 + virtio_id) << 16);
    g_assert_cmphex(qpci_config_readb(pdev, QPCI_REVISION_ID), ==, 1);
    g_assert_cmphex(qpci_config_readw(pdev, QPCI_CLASS_DEVICE), ==, 0x00ff);
}

uint8_t qvirtio_pci_get_status(QVirtioPCIDevice *d)
{
    return qtest_readb(qts_of(d), d->common + QVIRTIO_PCI_COMMON_STATUS);
}

void qvirtio_pci_set_status(QVirtioPCIDevice *d, uint8_t status)
{
    qtest_writeb(qts_of(d), d->common + QVIRTIO_PCI_COMMON_STATUS, status);
}

void qvirtio_pci_reset(QVirtioPCIDevice *d)
{
    qvirtio_pci_set_status(d, 0);
    g_assert_cmphex(qvirtio_pci_get_status(d), ==, 0);
}

uint64_t qvirtio_pci_get_features(QVirtioPCIDevice *d)
{
    QTestState *qts = qts_of(d);
    uint64_t f;

    qtest_writel(qts, d->common + QVIRTIO_PCI_COMMON_DFSELECT, 0);
    f = qtest_readl(qts, d->common + QVIRTIO_PCI_COMMON_DF);
    qtest_writel(qts, d->common + QVIRTIO_PCI_COMMON_DFSELECT, 1);
    f |= (uint64_t)qtest_readl(qts, d->common + QVIRTIO_PCI_COMMON_DF) << 32;
    return f;
}

void qvirtio_pci_set_features(QVirtioPCIDevice *d, uint64_t features)
{
    QTestState *qts = qts_of(d);

    qtest_writel(qts, d->common + QVIRTIO_PCI_COMMON_GFSELECT, 0);
    qtest_writel(qts, d->common + QVIRTIO_PCI_COMMON_GF, features);
    qtest_writel(qts, d->common + QVIRTIO_PCI_COMMON_GFSELECT, 1);
    qtest_writel(qts, d->common + QVIRTIO_PCI_COMMON_GF, features >> 32);
}

void qvirtio_pci_start(QVirtioPCIDevice *d, uint64_t features)
{
    uint8_t s = QVIRTIO_CONFIG_S_ACKNOWLEDGE | QVIRTIO_CONFIG_S_DRIVER;

    qvirtio_pci_reset(d);
    qvirtio_pci_set_status(d, QVIRTIO_CONFIG_S_ACKNOWLEDGE);
    qvirtio_pci_set_status(d, s);
    qvirtio_pci_set_features(d, features);
    qvirtio_pci_set_status(d, s | QVIRTIO_CONFIG_S_FEATURES_OK);
    g_assert_cmphex(qvirtio_pci_get_status(d), ==,
                    s | QVIRTIO_CONFIG_S_FEATURES_OK);
}

void qvirtio_pci_set_driver_ok(QVirtioPCIDevice *d)
{
    uint8_t s = qvirtio_pci_get_status(d) | QVIRTIO_CONFIG_S_DRIVER_OK;

    qvirtio_pci_set_status(d, s);
    g_assert_cmphex(qvirtio_pci_get_status(d), ==, s);
}

/* ISR, device config, vectors */

uint8_t qvirtio_pci_isr(QVirtioPCIDevice *d)
{
    return qtest_readb(qts_of(d), d->isr);
}

uint8_t qvirtio_pci_config_generation(QVirtioPCIDevice *d)
{
    return qtest_readb(qts_of(d),
                       d->common + QVIRTIO_PCI_COMMON_CFGGENERATION);
}

uint16_t qvirtio_pci_config_readw(QVirtioPCIDevice *d, uint64_t off)
{
    return qtest_readw(qts_of(d), d->device + off);
}

uint64_t qvirtio_pci_config_readq(QVirtioPCIDevice *d, uint64_t off)
{
    QTestState *qts = qts_of(d);

    return qtest_readl(qts, d->device + off) |
           (uint64_t)qtest_readl(qts, d->device + off + 4) << 32;
}

uint16_t qvirtio_pci_set_config_vector(QVirtioPCIDevice *d, uint16_t vec)
{
    QTestState *qts = qts_of(d);

    qtest_writew(qts, d->common + QVIRTIO_PCI_COMMON_MSIX, vec);
    return qtest_readw(qts, d->common + QVIRTIO_PCI_COMMON_MSIX);
}

static void select_queue(QVirtioPCIDevice *d, uint16_t index)
{
    qtest_writew(qts_of(d), d->common + QVIRTIO_PCI_COMMON_Q_SELECT, index);
}

uint16_t qvirtio_pci_queue_readw(QVirtioPCIDevice *d, uint16_t index,
                                 uint64_t reg)
{
    select_queue(d, index);
    return qtest_readw(qts_of(d), d->common + reg);
}

uint32_t qvirtio_pci_queue_readl(QVirtioPCIDevice *d, uint16_t index,
                                 uint64_t reg)
{
    select_queue(d, index);
    return qtest_readl(qts_of(d), d->common + reg);
}

void qvirtio_pci_queue_writew(QVirtioPCIDevice *d, uint16_t index,
                              uint64_t reg, uint16_t val)
{
    select_queue(d, index);
    qtest_writew(qts_of(d), d->common + reg, val);
}

/* Queues */

static void write_addr(QVirtioPCIDevice *d, uint64_t reg, uint64_t addr)
{
    qtest_writel(qts_of(d), d->common + reg, (uint32_t)addr);
    qtest_writel(qts_of(d), d->common + reg + 4, addr >> 32);
}

void qvirtqueue_setup_at(QVirtQueue *vq, QVirtioPCIDevice *d,
                         uint16_t index, uint64_t desc, uint64_t avail,
                         uint64_t used)
{
    uint16_t noff;

    memset(vq, 0, sizeof(*vq));
    vq->dev = d;
    vq->index = index;
    vq->size = qvirtio_pci_queue_readw(d, index, QVIRTIO_PCI_COMMON_Q_SIZE);
    g_assert_cmpuint(vq->size, >, 0);
    vq->desc = desc;
    vq->avail = avail;
    vq->used = used;
    write_addr(d, QVIRTIO_PCI_COMMON_Q_DESCLO, desc);
    write_addr(d, QVIRTIO_PCI_COMMON_Q_AVAILLO, avail);
    write_addr(d, QVIRTIO_PCI_COMMON_Q_USEDLO, used);
    noff = qtest_readw(qts_of(d), d->common + QVIRTIO_PCI_COMMON_Q_NOFF);
    vq->notify = d->notify + (uint64_t)noff * d->notify_off_multiplier;
}

void qvirtqueue_enable(QVirtQueue *vq, uint16_t val)
{
    qvirtio_pci_queue_writew(vq->dev, vq->index,
                             QVIRTIO_PCI_COMMON_Q_ENABLE, val);
}

void qvirtqueue_setup(QVirtQueue *vq, QVirtioPCIDevice *d,
                      QGuestAllocator *alloc, uint16_t index,
                      uint16_t vector, bool event_idx)
{
    uint16_t size = qvirtio_pci_queue_readw(d, index,
                                            QVIRTIO_PCI_COMMON_Q_SIZE);
    uint64_t desc = guest_alloc(alloc, (size_t)DESC_SIZE * size);
    uint64_t avail = guest_alloc(alloc, AVAIL_RING + 2 * size + 2);
    uint64_t used = guest_alloc(alloc, USED_RING + USED_ELEM_SIZE * size + 2);

    qvirtqueue_setup_at(vq, d, index, desc, avail, used);
    vq->event_idx = event_idx;
    qtest_writew(qts_of(d), d->common + QVIRTIO_PCI_COMMON_Q_MSIX, vector);
    g_assert_cmphex(qtest_readw(qts_of(d),
                                d->common + QVIRTIO_PCI_COMMON_Q_MSIX),
                    ==, vector);
    qvirtqueue_enable(vq, 1);
    g_assert_cmpuint(qtest_readw(qts_of(d),
                                 d->common + QVIRTIO_PCI_COMMON_Q_ENABLE),
                     ==, 1);
}

uint16_t qvirtqueue_add(QVirtQueue *vq, uint64_t data, uint32_t len,
                        bool write, bool next)
{
    uint16_t i = vq->free_head;
    uint8_t d[DESC_SIZE];
    uint16_t flags = (write ? QVRING_DESC_F_WRITE : 0) |
                     (next ? QVRING_DESC_F_NEXT : 0);

    g_assert_cmpuint(i, <, vq->size);
    vq->free_head++;
    for (int b = 0; b < 8; b++) {
        d[b] = data >> (8 * b);
    }
    for (int b = 0; b < 4; b++) {
        d[8 + b] = len >> (8 * b);
    }
    d[12] = flags;
    d[13] = flags >> 8;
    d[14] = vq->free_head;
    d[15] = vq->free_head >> 8;
    qtest_memwrite(vq->dev->pdev.bus->qts, vq->desc + i * DESC_SIZE, d,
                   sizeof(d));
    return i;
}

void qvirtqueue_kick(QVirtQueue *vq, uint16_t head)
{
    QTestState *qts = vq->dev->pdev.bus->qts;
    uint16_t slot = vq->avail_idx % vq->size;

    qtest_writew(qts, vq->avail + AVAIL_RING + 2 * slot, head);
    if (vq->event_idx) {
        /* used_event: interrupt for the next element used. */
        qtest_writew(qts, vq->avail + AVAIL_RING + 2 * vq->size,
                     vq->last_used_idx);
    }
    vq->avail_idx++;
    qtest_writew(qts, vq->avail + 2, vq->avail_idx);
    qtest_writew(qts, vq->notify, vq->index);
}

uint16_t qvirtqueue_used_idx(QVirtQueue *vq)
{
    return qtest_readw(vq->dev->pdev.bus->qts, vq->used + 2);
}

bool qvirtqueue_get_buf(QVirtQueue *vq, uint32_t *desc_idx, uint32_t *len)
{
    QTestState *qts = vq->dev->pdev.bus->qts;
    uint64_t elem;

    if (qvirtqueue_used_idx(vq) == vq->last_used_idx) {
        return false;
    }
    elem = vq->used + USED_RING +
           (uint64_t)(vq->last_used_idx % vq->size) * USED_ELEM_SIZE;
    if (desc_idx) {
        *desc_idx = qtest_readl(qts, elem);
    }
    if (len) {
        *len = qtest_readl(qts, elem + 4);
    }
    vq->last_used_idx++;
    return true;
}

static gint64 poll_deadline(void)
{
    return g_get_monotonic_time() + qtest_timeout_us();
}

void qvirtqueue_wait_buf(QVirtQueue *vq, uint16_t head, uint32_t len)
{
    gint64 deadline = poll_deadline();
    uint32_t got_head, got_len;

    /* Every qtest command lets the runner's main loop run. */
    while (!qvirtqueue_get_buf(vq, &got_head, &got_len)) {
        g_assert_cmpint(g_get_monotonic_time(), <, deadline);
        g_usleep(100);
    }
    g_assert_cmpuint(got_head, ==, head);
    g_assert_cmpuint(got_len, ==, len);
}

void qvirtio_pci_wait_status(QVirtioPCIDevice *d, uint8_t bits)
{
    gint64 deadline = poll_deadline();

    while ((qvirtio_pci_get_status(d) & bits) != bits) {
        g_assert_cmpint(g_get_monotonic_time(), <, deadline);
        g_usleep(100);
    }
}

void qvirtqueue_recycle(QVirtQueue *vq)
{
    vq->free_head = 0;
}
