/* SPDX-License-Identifier: GPL-2.0-or-later */
/* virtio-pmem: write into the device's range, then flush it. */

#include "virtio.h"

/*
 * Linux's drivers/nvdimm/virtio_pmem.c and nd_virtio.c, cut down to one
 * round: the driver negotiates VIRTIO_F_VERSION_1 only, reads the range
 * (start, size) from the config space, writes a known pattern into the
 * first and the last 4 KiB of it (what a file system on the pmem would
 * write through its mapping) and sends one flush request, as Linux's
 * async flush does on a REQ_PREFLUSH: a struct virtio_pmem_req {le32
 * type = 0} and room for a struct virtio_pmem_resp {le32 ret}.  It logs
 * the answer:
 *
 *   virtio-pmem 00:04.0: [mem 0x100000000-0x103ffffff]
 *   virtio-pmem 00:04.0: wrote the pattern
 *   virtio-pmem 00:04.0: flush: ok            (ret 0)
 *   virtio-pmem 00:04.0: flush: error 1       (ret != 0: EIO in Linux)
 *
 * The pattern (tests/kvm/test-kvm-virtio-pmem.c checks the backing file
 * for it): byte i of the first 4 KiB is (i * 7 + 3) & 0xff, byte i of
 * the last 4 KiB is (i * 13 + 1) & 0xff.
 *
 * There is no MSI-X (QEMU's virtio-pmem-pci has none): the answer is
 * found by polling the used ring, the ISR read lowers INTx.
 */

#define VIRTIO_ID_PMEM_PCI          0x105b      /* 0x1040 + 27 */
#define VIRTIO_PCI_VENDOR           0x1af4

#define PMEM_CFG_START              0
#define PMEM_CFG_SIZE               8
#define VIRTIO_PMEM_REQ_TYPE_FLUSH  0

#define PMEM_MAX_DEVICES            4
#define PMEM_QUEUE_SIZE             8
#define PMEM_PATTERN_LEN            (4 * KiB)

typedef enum {
    PMEM_IDLE,          /* answered, or nothing sent */
    PMEM_WAITING,       /* the flush on the queue */
    PMEM_BROKEN,        /* NEEDS_RESET: give up */
} PmemState;

typedef struct {
    VirtioPci vp;
    Virtqueue vq;
    volatile uint32_t *req;
    volatile uint32_t *resp;
    PmemState state;
    uint64_t start, size;
} VirtioPmem;

static VirtioPmem *pmems;
static unsigned n_pmems;

static const char *pmem_name(VirtioPmem *pm)
{
    return pm->vp.pci->name;
}

static uint64_t pmem_cfg64(VirtioPmem *pm, uint32_t off)
{
    uint8_t gen;
    uint64_t lo, hi;

    do {
        gen = vpci_generation(&pm->vp);
        lo = vpci_config_read32(&pm->vp, off);
        hi = vpci_config_read32(&pm->vp, off + 4);
    } while (gen != vpci_generation(&pm->vp));
    return hi << 32 | lo;
}

static int pmem_setup(VirtioPmem *pm, PciFunc *f)
{
    uint64_t offered;

    if (!vpci_probe(&pm->vp, f) || !vpci_reset(&pm->vp)) {
        log_printf("virtio-pmem %s: not a usable virtio-pci function\n",
                   f->name);
        return 0;
    }
    vpci_add_status(&pm->vp, VIRTIO_STATUS_ACKNOWLEDGE);
    vpci_add_status(&pm->vp, VIRTIO_STATUS_DRIVER);
    offered = vpci_device_features(&pm->vp);
    if (!(offered & 1ULL << VIRTIO_F_VERSION_1) ||
        !vpci_set_features(&pm->vp, 1ULL << VIRTIO_F_VERSION_1)) {
        log_printf("virtio-pmem %s: features refused\n", pmem_name(pm));
        vpci_add_status(&pm->vp, VIRTIO_STATUS_FAILED);
        return 0;
    }
    pm->req = (void *)dma_alloc(4, 16);
    pm->resp = (void *)dma_alloc(4, 16);
    if (!pm->req || !pm->resp ||
        !vpci_setup_queue(&pm->vp, &pm->vq, 0, PMEM_QUEUE_SIZE)) {
        log_printf("virtio-pmem %s: cannot set up the request queue\n",
                   pmem_name(pm));
        vpci_add_status(&pm->vp, VIRTIO_STATUS_FAILED);
        return 0;
    }
    pm->start = pmem_cfg64(pm, PMEM_CFG_START);
    pm->size = pmem_cfg64(pm, PMEM_CFG_SIZE);
    log_printf("virtio-pmem %s: [mem 0x%lx-0x%lx]\n", pmem_name(pm),
               pm->start, pm->start + pm->size - 1);
    vpci_add_status(&pm->vp, VIRTIO_STATUS_DRIVER_OK);
    return 1;
}

/* The pattern into the range's first and last 4 KiB. */
static int pmem_write_pattern(VirtioPmem *pm)
{
    volatile uint8_t *head, *tail;

    if (pm->size < 2 * PMEM_PATTERN_LEN || !guest_map(pm->start, pm->size)) {
        log_printf("virtio-pmem %s: cannot reach the range\n",
                   pmem_name(pm));
        return 0;
    }
    head = (volatile uint8_t *)pm->start;
    tail = (volatile uint8_t *)(pm->start + pm->size - PMEM_PATTERN_LEN);
    for (uint32_t i = 0; i < PMEM_PATTERN_LEN; i++) {
        head[i] = (uint8_t)(i * 7 + 3);
        tail[i] = (uint8_t)(i * 13 + 1);
    }
    log_printf("virtio-pmem %s: wrote the pattern\n", pmem_name(pm));
    return 1;
}

static void pmem_flush(VirtioPmem *pm)
{
    *pm->req = VIRTIO_PMEM_REQ_TYPE_FLUSH;
    *pm->resp = 0xffffffffu;
    vq_add_pair(&pm->vq, 0, (uint64_t)pm->req, 4, (uint64_t)pm->resp, 4);
    pm->state = PMEM_WAITING;
    vq_kick(&pm->vq);
}

static void pmem_poll_one(VirtioPmem *pm)
{
    uint16_t head;
    uint32_t len;

    if (pm->state != PMEM_WAITING) {
        return;
    }
    vpci_isr(&pm->vp);              /* INTx: reading the ISR lowers it */
    if (vpci_get_status(&pm->vp) & VIRTIO_STATUS_NEEDS_RESET) {
        log_printf("virtio-pmem %s: the device needs a reset\n",
                   pmem_name(pm));
        pm->state = PMEM_BROKEN;
        return;
    }
    if (!vq_get_used(&pm->vq, &head, &len)) {
        return;
    }
    pm->state = PMEM_IDLE;
    if (len < 4) {
        log_printf("virtio-pmem %s: flush: short answer (%u bytes)\n",
                   pmem_name(pm), len);
    } else if (*pm->resp) {
        log_printf("virtio-pmem %s: flush: error %u\n", pmem_name(pm),
                   *pm->resp);
    } else {
        log_printf("virtio-pmem %s: flush: ok\n", pmem_name(pm));
    }
}

static void pmem_init(void)
{
    PciFunc *f;

    for (unsigned i = 0; (f = pci_func(i)); i++) {
        VirtioPmem *pm;

        if (f->vendor != VIRTIO_PCI_VENDOR ||
            f->device != VIRTIO_ID_PMEM_PCI) {
            continue;
        }
        if (!pmems) {
            pmems = scratch_alloc(PMEM_MAX_DEVICES * sizeof(*pmems));
        }
        if (!pmems || n_pmems == PMEM_MAX_DEVICES) {
            log_printf("virtio-pmem %s: too many devices\n", f->name);
            return;
        }
        pm = &pmems[n_pmems];
        if (!pmem_setup(pm, f) || !pmem_write_pattern(pm)) {
            memset(pm, 0, sizeof(*pm));
            continue;
        }
        pmem_flush(pm);
        n_pmems++;
    }
}

static void pmem_poll(void)
{
    for (unsigned i = 0; i < n_pmems; i++) {
        pmem_poll_one(&pmems[i]);
    }
}

const Driver virtio_pmem_driver = {
    .name = "virtio-pmem",
    .init = pmem_init,
    .poll = pmem_poll,
};
