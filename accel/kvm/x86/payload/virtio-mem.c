/* SPDX-License-Identifier: GPL-2.0-or-later */
/* virtio-mem: follow the device's requested size, as Linux's driver does. */

#include "virtio.h"

/*
 * Linux's drivers/virtio/virtio_mem.c, cut down to what a guest without
 * memory management needs: the device's memory is plugged from its start
 * upwards and unplugged from the top, so what is plugged is always one
 * range, [addr, addr + plugged).  The driver
 *
 * - negotiates VIRTIO_F_VERSION_1 and, as offered, VIRTIO_MEM_F_ACPI_PXM
 *   and VIRTIO_MEM_F_UNPLUGGED_INACCESSIBLE (nothing else: no indirect
 *   descriptors, no event index);
 * - sends UNPLUG_ALL first when the device still has memory plugged at
 *   init (a previous driver's, e.g. before the payload restarted), as
 *   Linux does ("unplug_all_required");
 * - then plugs or unplugs until plugged == min(requested_size,
 *   usable_region_size): one request at a time, each as large as the
 *   protocol allows (65535 blocks), where Linux sends one per memory
 *   block or sub-block;
 * - on BUSY retries a little later (Linux backs off from 5 s; here a few
 *   turns), on NACK stops until the config changes (the requested size
 *   went down meanwhile), on ERROR stops until the config changes.
 *
 * The request queue's interrupt (MSI-X) wakes vCPU 0 at once, so a
 * response is read in the next turn; a config change (requested-size)
 * raises the config interrupt, which does the same.
 */

#define VIRTIO_ID_MEM_PCI           0x1058      /* 0x1040 + 24 */
#define VIRTIO_PCI_VENDOR           0x1af4

#define VIRTIO_MEM_F_ACPI_PXM       0
#define VIRTIO_MEM_F_UNPLUGGED_INACCESSIBLE 1

/* struct virtio_mem_config */
#define VMEM_CFG_BLOCK_SIZE         0
#define VMEM_CFG_NODE_ID            8
#define VMEM_CFG_ADDR               16
#define VMEM_CFG_REGION_SIZE        24
#define VMEM_CFG_USABLE_REGION_SIZE 32
#define VMEM_CFG_PLUGGED_SIZE       40
#define VMEM_CFG_REQUESTED_SIZE     48

#define VIRTIO_MEM_REQ_PLUG         0
#define VIRTIO_MEM_REQ_UNPLUG       1
#define VIRTIO_MEM_REQ_UNPLUG_ALL   2

#define VIRTIO_MEM_RESP_ACK         0
#define VIRTIO_MEM_RESP_NACK        1
#define VIRTIO_MEM_RESP_BUSY        2
#define VIRTIO_MEM_RESP_ERROR       3

#define VMEM_MAX_BLOCKS_PER_REQ     0xffff
#define VMEM_MAX_DEVICES            8
#define VMEM_QUEUE_SIZE             8
#define VMEM_BUSY_RETRY_TURNS       10

/* struct virtio_mem_req and struct virtio_mem_resp (little-endian). */
typedef struct {
    uint16_t type;
    uint16_t padding[3];
    uint64_t addr;
    uint16_t nb_blocks;
    uint16_t padding2[3];
} VirtioMemReq;

typedef struct {
    uint16_t type;
    uint16_t padding[3];
    uint16_t state;
} VirtioMemResp;

typedef enum {
    VMEM_IDLE,          /* nothing in flight */
    VMEM_WAITING,       /* a request on the queue */
    VMEM_STOPPED,       /* NACK, ERROR: wait for a config change */
    VMEM_BROKEN,        /* NEEDS_RESET or set-up failed: give up */
} VmemState;

typedef struct {
    VirtioPci vp;
    Virtqueue vq;
    volatile VirtioMemReq *req;
    volatile VirtioMemResp *resp;
    VmemState state;
    int unplug_all_required;
    uint8_t generation;             /* of the config last read */
    unsigned busy_wait;             /* turns until a BUSY request again */
    uint64_t block_size, addr, region_size;
    uint64_t usable_region_size, requested_size;
    uint64_t plugged;               /* [addr, addr + plugged) */
    uint16_t node;
    uint16_t sent_type;             /* what is in flight */
    uint64_t sent_addr, sent_size;
} VirtioMem;

static VirtioMem *vmems;
static unsigned n_vmems;

/* A 64-bit config field, read as two halves in one generation. */
static uint64_t vmem_cfg64(VirtioMem *vm, uint32_t off)
{
    uint8_t gen;
    uint64_t lo, hi;

    do {
        gen = vpci_generation(&vm->vp);
        lo = vpci_config_read32(&vm->vp, off);
        hi = vpci_config_read32(&vm->vp, off + 4);
    } while (gen != vpci_generation(&vm->vp));
    return hi << 32 | lo;
}

/* Reads what may change (Linux's virtio_mem_refresh_config()). */
static void vmem_refresh(VirtioMem *vm)
{
    uint8_t gen;

    do {
        gen = vpci_generation(&vm->vp);
        vm->usable_region_size =
            vmem_cfg64(vm, VMEM_CFG_USABLE_REGION_SIZE);
        vm->requested_size = vmem_cfg64(vm, VMEM_CFG_REQUESTED_SIZE);
    } while (gen != vpci_generation(&vm->vp));
    vm->generation = gen;
}

static const char *vmem_name(VirtioMem *vm)
{
    return vm->vp.pci->name;
}

/* Features: what the spec requires and what Linux takes, as offered. */
static int vmem_negotiate(VirtioMem *vm)
{
    uint64_t offered = vpci_device_features(&vm->vp);
    uint64_t want = 1ULL << VIRTIO_F_VERSION_1 |
                    1ULL << VIRTIO_MEM_F_ACPI_PXM |
                    1ULL << VIRTIO_MEM_F_UNPLUGGED_INACCESSIBLE;

    if (!(offered & 1ULL << VIRTIO_F_VERSION_1)) {
        log_printf("virtio-mem %s: no VIRTIO_F_VERSION_1\n", vmem_name(vm));
        return 0;
    }
    if (!vpci_set_features(&vm->vp, offered & want)) {
        log_printf("virtio-mem %s: FEATURES_OK refused\n", vmem_name(vm));
        return 0;
    }
    log_printf("virtio-mem %s: features 0x%lx of 0x%lx\n", vmem_name(vm),
               offered & want, offered);
    return 1;
}

/* The device's fixed config, read once as Linux's virtio_mem_init(). */
static void vmem_read_config(VirtioMem *vm)
{
    uint64_t plugged;

    vm->block_size = vmem_cfg64(vm, VMEM_CFG_BLOCK_SIZE);
    vm->addr = vmem_cfg64(vm, VMEM_CFG_ADDR);
    vm->region_size = vmem_cfg64(vm, VMEM_CFG_REGION_SIZE);
    vm->node = vpci_config_read16(&vm->vp, VMEM_CFG_NODE_ID);
    plugged = vmem_cfg64(vm, VMEM_CFG_PLUGGED_SIZE);
    vmem_refresh(vm);
    log_printf("virtio-mem %s: [mem 0x%lx-0x%lx] node %u, block size "
               "0x%lx, plugged 0x%lx, requested 0x%lx\n", vmem_name(vm),
               vm->addr, vm->addr + vm->region_size - 1, vm->node,
               vm->block_size, plugged, vm->requested_size);
    if (plugged) {
        log_printf("virtio-mem %s: device still has plugged memory: "
                   "unplugging all\n", vmem_name(vm));
        vm->unplug_all_required = 1;
    }
}

static int vmem_setup(VirtioMem *vm, PciFunc *f)
{
    if (!vpci_probe(&vm->vp, f) || !vpci_reset(&vm->vp)) {
        log_printf("virtio-mem %s: not a usable virtio-pci function\n",
                   f->name);
        return 0;
    }
    vpci_add_status(&vm->vp, VIRTIO_STATUS_ACKNOWLEDGE);
    vpci_add_status(&vm->vp, VIRTIO_STATUS_DRIVER);
    if (!vmem_negotiate(vm)) {
        vpci_add_status(&vm->vp, VIRTIO_STATUS_FAILED);
        return 0;
    }
    vpci_setup_msix(&vm->vp);
    vm->req = (void *)dma_alloc(sizeof(VirtioMemReq), 16);
    vm->resp = (void *)dma_alloc(sizeof(VirtioMemResp), 16);
    if (!vm->req || !vm->resp ||
        !vpci_setup_queue(&vm->vp, &vm->vq, 0, VMEM_QUEUE_SIZE)) {
        log_printf("virtio-mem %s: cannot set up the request queue\n",
                   vmem_name(vm));
        vpci_add_status(&vm->vp, VIRTIO_STATUS_FAILED);
        return 0;
    }
    vmem_read_config(vm);
    if (!vm->block_size || vm->block_size & (vm->block_size - 1)) {
        log_printf("virtio-mem %s: bad block size\n", vmem_name(vm));
        vpci_add_status(&vm->vp, VIRTIO_STATUS_FAILED);
        return 0;
    }
    vpci_add_status(&vm->vp, VIRTIO_STATUS_DRIVER_OK);
    /*
     * A change before DRIVER_OK moved no generation: read again, as
     * Linux's probe queues a config update once the device is ready.
     */
    vmem_refresh(vm);
    return 1;
}

static void vmem_send(VirtioMem *vm, uint16_t type, uint64_t addr,
                      uint64_t size)
{
    volatile VirtioMemReq *req = vm->req;

    memset((void *)req, 0, sizeof(*req));
    memset((void *)vm->resp, 0, sizeof(*vm->resp));
    req->type = type;
    if (type != VIRTIO_MEM_REQ_UNPLUG_ALL) {
        req->addr = addr;
        req->nb_blocks = size / vm->block_size;
    }
    vm->sent_type = type;
    vm->sent_addr = addr;
    vm->sent_size = size;
    vq_add_pair(&vm->vq, 0, (uint64_t)req, sizeof(*req), (uint64_t)vm->resp,
                sizeof(*vm->resp));
    vm->state = VMEM_WAITING;
    vq_kick(&vm->vq);
}

/* What the guest should have plugged: requested, within the usable part. */
static uint64_t vmem_target(const VirtioMem *vm)
{
    uint64_t t = vm->requested_size < vm->usable_region_size
                 ? vm->requested_size : vm->usable_region_size;

    return ALIGN_DOWN(t, vm->block_size);
}

/* Sends the next request towards the target, if any is needed. */
static void vmem_step(VirtioMem *vm)
{
    uint64_t target = vmem_target(vm);
    uint64_t max = VMEM_MAX_BLOCKS_PER_REQ * vm->block_size;
    uint64_t size;

    if (vm->unplug_all_required) {
        /* The range is the whole device: for the log. */
        vmem_send(vm, VIRTIO_MEM_REQ_UNPLUG_ALL, vm->addr, vm->region_size);
    } else if (vm->plugged < target) {
        size = target - vm->plugged < max ? target - vm->plugged : max;
        vmem_send(vm, VIRTIO_MEM_REQ_PLUG, vm->addr + vm->plugged, size);
    } else if (vm->plugged > target) {
        size = vm->plugged - target < max ? vm->plugged - target : max;
        vmem_send(vm, VIRTIO_MEM_REQ_UNPLUG,
                  vm->addr + vm->plugged - size, size);
    }
}

static const char *const vmem_req_names[] = {
    "plug", "unplug", "unplug all",
};

static const char *const vmem_resp_names[] = {
    "ack", "nack", "busy", "error",
};

/* The device answered the request in flight. */
static void vmem_complete(VirtioMem *vm, uint16_t resp)
{
    const char *what = vmem_req_names[vm->sent_type];

    vm->state = VMEM_IDLE;
    switch (resp) {
    case VIRTIO_MEM_RESP_ACK:
        if (vm->sent_type == VIRTIO_MEM_REQ_PLUG) {
            vm->plugged += vm->sent_size;
        } else if (vm->sent_type == VIRTIO_MEM_REQ_UNPLUG) {
            vm->plugged -= vm->sent_size;
        } else {
            vm->plugged = 0;
            vm->unplug_all_required = 0;
            /* UNPLUG_ALL shrinks the usable region. */
            vmem_refresh(vm);
        }
        log_printf("virtio-mem %s: %s [mem 0x%lx-0x%lx]: ack, plugged "
                   "0x%lx\n", vmem_name(vm), what, vm->sent_addr,
                   vm->sent_addr + vm->sent_size - 1, vm->plugged);
        return;
    case VIRTIO_MEM_RESP_BUSY:
        vm->busy_wait = VMEM_BUSY_RETRY_TURNS;
        break;
    case VIRTIO_MEM_RESP_NACK:
    case VIRTIO_MEM_RESP_ERROR:
    default:
        vm->state = VMEM_STOPPED;
        break;
    }
    log_printf("virtio-mem %s: %s [mem 0x%lx-0x%lx]: %s\n", vmem_name(vm),
               what, vm->sent_addr, vm->sent_addr + vm->sent_size - 1,
               resp < ARRAY_SIZE(vmem_resp_names) ? vmem_resp_names[resp]
                                                  : "unknown response");
}

static void vmem_poll_one(VirtioMem *vm)
{
    uint16_t head;
    uint32_t len;

    if (vm->state == VMEM_BROKEN) {
        return;
    }
    if (!vm->vp.msix_on) {
        vpci_isr(&vm->vp);          /* INTx: reading the ISR lowers it */
    }
    if (vpci_get_status(&vm->vp) & VIRTIO_STATUS_NEEDS_RESET) {
        log_printf("virtio-mem %s: the device needs a reset\n",
                   vmem_name(vm));
        vm->state = VMEM_BROKEN;
        return;
    }
    if (vm->state == VMEM_WAITING) {
        if (!vq_get_used(&vm->vq, &head, &len)) {
            return;
        }
        vmem_complete(vm, len >= 2 ? vm->resp->type
                                   : VIRTIO_MEM_RESP_ERROR);
    }
    if (vpci_generation(&vm->vp) != vm->generation) {
        vmem_refresh(vm);
        if (vm->state == VMEM_STOPPED) {
            vm->state = VMEM_IDLE;
        }
    }
    if (vm->busy_wait) {
        vm->busy_wait--;
        return;
    }
    if (vm->state == VMEM_IDLE) {
        vmem_step(vm);
    }
}

static void vmem_init(void)
{
    PciFunc *f;

    for (unsigned i = 0; (f = pci_func(i)); i++) {
        if (f->vendor != VIRTIO_PCI_VENDOR || f->device != VIRTIO_ID_MEM_PCI) {
            continue;
        }
        if (!vmems) {
            vmems = scratch_alloc(VMEM_MAX_DEVICES * sizeof(*vmems));
        }
        if (!vmems || n_vmems == VMEM_MAX_DEVICES) {
            log_printf("virtio-mem %s: too many devices\n", f->name);
            return;
        }
        if (vmem_setup(&vmems[n_vmems], f)) {
            vmem_step(&vmems[n_vmems]);
            n_vmems++;
        } else {
            memset(&vmems[n_vmems], 0, sizeof(*vmems));
        }
    }
}

static void vmem_poll(void)
{
    for (unsigned i = 0; i < n_vmems; i++) {
        vmem_poll_one(&vmems[i]);
    }
}

const Driver virtio_mem_driver = {
    .name = "virtio-mem",
    .init = vmem_init,
    .poll = vmem_poll,
};
