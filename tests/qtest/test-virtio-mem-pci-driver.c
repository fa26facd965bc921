/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * virtio-mem-pci as a guest driver sees it: PCI config, the modern BAR
 * and guest memory only (libqos/), with INTx and the ISR or with MSI-X.
 */

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "libqos/virtio-pci.h"
#include "qobject/json.h"

/* <linux/virtio_mem.h> */
#define VIRTIO_ID_MEM 24
#define VIRTIO_MEM_F_ACPI_PXM 0
#define VIRTIO_MEM_F_UNPLUGGED_INACCESSIBLE 1
#define VIRTIO_MEM_REQ_PLUG 0
#define VIRTIO_MEM_REQ_UNPLUG 1
#define VIRTIO_MEM_REQ_UNPLUG_ALL 2
#define VIRTIO_MEM_REQ_STATE 3
#define VIRTIO_MEM_RESP_ACK 0
#define VIRTIO_MEM_RESP_NACK 1
#define VIRTIO_MEM_RESP_BUSY 2
#define VIRTIO_MEM_RESP_ERROR 3
#define VIRTIO_MEM_STATE_PLUGGED 0
#define VIRTIO_MEM_STATE_UNPLUGGED 1
#define VIRTIO_MEM_STATE_MIXED 2
#define REQ_SIZE 24
#define RESP_SIZE 10

/* struct virtio_mem_config */
#define CFG_BLOCK_SIZE 0
#define CFG_NODE_ID 8
#define CFG_ADDR 16
#define CFG_REGION_SIZE 24
#define CFG_USABLE_REGION_SIZE 32
#define CFG_PLUGGED_SIZE 40
#define CFG_REQUESTED_SIZE 48

#define MiB (1024 * 1024ULL)
#define DEVFN 0x20              /* addr=4 */
#define QUEUE_SIZE 128
#define VEC_CONFIG 0
#define VEC_QUEUE 1
#define MSI_DATA_CONFIG 0x4021
#define MSI_DATA_QUEUE 0x4022
/* QEMU's virtio_notify_config() sets both bits. */
#define ISR_CONFIG_CHANGE (QVIRTIO_ISR_QUEUE | QVIRTIO_ISR_CONFIG)

/* What virtio-mem-pci on a current pc or q35 offers, and we accept. */
#define FEATURES (1ULL << VIRTIO_MEM_F_ACPI_PXM | \
                  1ULL << VIRTIO_MEM_F_UNPLUGGED_INACCESSIBLE | \
                  1ULL << QVIRTIO_RING_F_INDIRECT_DESC | \
                  1ULL << QVIRTIO_RING_F_EVENT_IDX | \
                  1ULL << QVIRTIO_F_VERSION_1 | \
                  1ULL << QVIRTIO_F_RING_RESET)

#define MACHINE_ARGS "-nodefaults -m 1G,maxmem=8G "
#define DEVICE_ARGS "-device virtio-mem-pci,id=vm0,memdev=m1,addr=4"

typedef struct {
    const char *name;
    const char *machine;
    bool ecam;                  /* config space through MMCONFIG */
    bool msix;                  /* else INTx and the ISR */
    int gsi;                    /* the I/O APIC pin slot 4's INTA reaches */
} Mode;

/*
 * Slot 4's INTA: on pc PIIX's PIRQD ((slot - 1 + pin) & 3), routed to
 * IRQ 11 as firmware would (ctx_start()); on q35 ICH9's PIRQE
 * ((slot + pin) % 4 + 4), always GSI 16 + 4.
 */
#define PC_INTX_IRQ 11

static const Mode modes[] = {
    { "pc/intx", "pc", false, false, PC_INTX_IRQ },
    { "pc/msix", "pc", false, true, PC_INTX_IRQ },
    { "q35/intx", "q35", true, false, 20 },
    { "q35/msix", "q35", true, true, 20 },
};

typedef struct {
    const Mode *mode;
    bool msix;                  /* MSI-X enabled now */
    QTestState *qts;
    QPCIBus bus;
    QVirtioPCIDevice dev;
    QGuestAllocator alloc;
    QVirtQueue vq;
    uint64_t req;               /* a request's 24 bytes */
    uint64_t resp;              /* a response's 10 bytes */
    uint64_t msi_config;        /* where the MSI-X messages go */
    uint64_t msi_queue;
    uint64_t addr;              /* the device's memory */
    uint64_t bs;                /* its block size */
    char *log;                  /* what the runner prints */
    size_t log_seen;
} Ctx;

/* ------------------------------------------------------------------ */
/* The runner, its output, QMP */

/* The runner inherits stderr: point it at a file while it starts. */
static void ctx_start(Ctx *c, const Mode *mode, const char *args)
{
    int saved = dup(STDERR_FILENO);
    int fd;

    memset(c, 0, sizeof(*c));
    c->mode = mode;
    c->log = g_strdup_printf("%s/qos-log-XXXXXX", g_get_tmp_dir());
    fd = g_mkstemp(c->log);
    g_assert_cmpint(fd, >=, 0);
    dup2(fd, STDERR_FILENO);
    close(fd);
    c->qts = qtest_initf("-M %s " MACHINE_ARGS "%s", mode->machine, args);
    dup2(saved, STDERR_FILENO);
    close(saved);

    if (mode->ecam) {
        qpci_init_q35_ecam(&c->bus, c->qts);
    } else {
        qpci_init_pc(&c->bus, c->qts);
    }
    /* Rings and buffers from 16 MiB up, well inside RAM. */
    alloc_init(&c->alloc, c->qts, 16 * MiB, 32 * MiB);
    if (!mode->ecam) {
        /* PIIX3 (00:01.0) register 0x63, PIRQD's route: IRQ 11. */
        qtest_outl(c->qts, 0xcf8, 0x80000800 | 0x60);
        qtest_outb(c->qts, 0xcfc + 3, PC_INTX_IRQ);
    }
    qtest_irq_intercept_in(c->qts, "ioapic");
}

static void ctx_quit(Ctx *c)
{
    qtest_quit(c->qts);
    unlink(c->log);
    g_free(c->log);
}

/* Asserts what the runner printed since the last call, exactly. */
static void expect_log(Ctx *c, const char *text)
{
    qtest_expect_log(c->log, &c->log_seen, text);
}

static uint64_t qom_get_path_uint(Ctx *c, const char *path,
                                  const char *prop)
{
    g_autoptr(JsonNode) ret = qtest_qmp_assert_success_ref(
        c->qts, "{'execute': 'qom-get', 'arguments': "
        "{'path': '%s', 'property': '%s'}}", path, prop);

    return json_node_get_int(ret);
}

static uint64_t qom_get_uint(Ctx *c, const char *prop)
{
    return qom_get_path_uint(c, "/machine/peripheral/vm0", prop);
}

static void qom_set_requested(Ctx *c, uint64_t size)
{
    qtest_qmp_assert_success(c->qts, "{'execute': 'qom-set', 'arguments': "
                             "{'path': 'vm0', 'property': 'requested-size', "
                             "'value': %" G_GUINT64_FORMAT "}}", size);
}

/* query-memory-devices, whole. */
static void expect_memory_devices(Ctx *c, uint64_t size, uint64_t requested)
{
    g_autoptr(JsonNode) ret = qtest_qmp_assert_success_ref(
        c->qts, "{'execute': 'query-memory-devices'}");
    g_autofree char *text = qmem_json_to_string(ret);
    g_autofree char *expected = g_strdup_printf(
        "[{\"type\": \"virtio-mem\", \"data\": {\"memdev\": \"/objects/m1\", "
        "\"memaddr\": %" G_GUINT64_FORMAT ", \"block-size\": %"
        G_GUINT64_FORMAT ", \"size\": %" G_GUINT64_FORMAT ", \"node\": 0, "
        "\"max-size\": 4294967296, \"requested-size\": %" G_GUINT64_FORMAT
        ", \"id\": \"vm0\"}}]", c->addr, c->bs, size, requested);

    g_assert_cmpstr(text, ==, expected);
}

/*
 * The device's sizes, as its config space, qom-get and
 * query-memory-devices say them.
 */
static void expect_sizes(Ctx *c, uint64_t plugged, uint64_t usable,
                         uint64_t requested)
{
    QVirtioPCIDevice *d = &c->dev;

    g_assert_cmphex(qvirtio_pci_config_readq(d, CFG_PLUGGED_SIZE), ==,
                    plugged);
    g_assert_cmphex(qvirtio_pci_config_readq(d, CFG_USABLE_REGION_SIZE), ==,
                    usable);
    g_assert_cmphex(qvirtio_pci_config_readq(d, CFG_REQUESTED_SIZE), ==,
                    requested);
    g_assert_cmphex(qom_get_uint(c, "size"), ==, plugged);
    g_assert_cmphex(qom_get_uint(c, "requested-size"), ==, requested);
    expect_memory_devices(c, plugged, requested);
}

/* ------------------------------------------------------------------ */
/* Interrupts */

/* Asserts that exactly @isr was raised (0: nothing), and acknowledges. */
static void expect_irq(Ctx *c, uint8_t isr, bool config)
{
    QTestState *qts = c->qts;

    if (c->msix) {
        uint32_t q = qtest_readl(qts, c->msi_queue);
        uint32_t cfg = qtest_readl(qts, c->msi_config);

        g_assert_cmphex(cfg, ==, config ? MSI_DATA_CONFIG : 0);
        g_assert_cmphex(q, ==, isr && !config ? MSI_DATA_QUEUE : 0);
        qtest_writel(qts, c->msi_queue, 0);
        qtest_writel(qts, c->msi_config, 0);
        /* With MSI-X enabled, INTx stays low. */
        g_assert_false(qtest_get_irq(qts, c->mode->gsi));
    } else {
        g_assert_cmpint(qtest_get_irq(qts, c->mode->gsi), ==, isr != 0);
        g_assert_cmpint(qpci_config_readw(&c->dev.pdev, QPCI_STATUS) &
                        QPCI_STATUS_INTERRUPT, ==,
                        isr ? QPCI_STATUS_INTERRUPT : 0);
    }
    /* The ISR is set either way, as in QEMU; reading clears it. */
    g_assert_cmphex(qvirtio_pci_isr(&c->dev), ==, isr);
    g_assert_cmphex(qvirtio_pci_isr(&c->dev), ==, 0);
    g_assert_false(qtest_get_irq(qts, c->mode->gsi));
}

static void setup_msix(Ctx *c)
{
    QPCIDevice *pdev = &c->dev.pdev;

    g_assert_cmpuint(qpci_msix_table_size(pdev), ==, 2);
    c->msi_config = guest_alloc(&c->alloc, 4);
    c->msi_queue = guest_alloc(&c->alloc, 4);
    qpci_msix_enable(pdev);
    c->msix = true;
    qpci_msix_set_entry(pdev, VEC_CONFIG, c->msi_config, MSI_DATA_CONFIG,
                        false);
    qpci_msix_set_entry(pdev, VEC_QUEUE, c->msi_queue, MSI_DATA_QUEUE,
                        false);
    /* A vector the function does not have reads back as none. */
    g_assert_cmphex(qvirtio_pci_set_config_vector(&c->dev, 2), ==,
                    QVIRTIO_MSI_NO_VECTOR);
    g_assert_cmphex(qvirtio_pci_set_config_vector(&c->dev, VEC_CONFIG), ==,
                    VEC_CONFIG);
}

/* ------------------------------------------------------------------ */
/* The driver */

/* Identity and config space before a driver touches the device. */
static void check_identity(Ctx *c)
{
    QPCIDevice *pdev = &c->dev.pdev;
    QVirtioPCIDevice *d = &c->dev;

    qvirtio_pci_assert_identity(d, VIRTIO_ID_MEM);
    g_assert_cmphex(qpci_config_readl(pdev, QPCI_SUBSYSTEM_VENDOR_ID), ==,
                    0x11001af4);
    g_assert_cmphex(qpci_config_readb(pdev, QPCI_INTERRUPT_PIN), ==, 1);
    g_assert_cmpuint(d->notify_off_multiplier, ==, 4);
    g_assert_cmphex(d->isr - d->bar, ==, 0x1000);
    g_assert_cmphex(qtest_readw(c->qts, d->common + QVIRTIO_PCI_COMMON_NUMQ),
                    ==, 1);

    c->bs = qvirtio_pci_config_readq(d, CFG_BLOCK_SIZE);
    g_assert_cmphex(c->bs, ==, qom_get_uint(c, "block-size"));
    c->addr = qvirtio_pci_config_readq(d, CFG_ADDR);
    g_assert_cmphex(c->addr, ==, 0x100000000ULL);
    g_assert_cmphex(qvirtio_pci_config_readw(d, CFG_NODE_ID), ==, 0);
    g_assert_cmphex(qvirtio_pci_config_readq(d, CFG_REGION_SIZE), ==,
                    qom_get_path_uint(c, "/objects/m1", "size"));
}

/* Features, MSI-X, the queue, DRIVER_OK: after discovery or a reset. */
static void driver_start(Ctx *c)
{
    QVirtioPCIDevice *d = &c->dev;

    qvirtio_pci_reset(d);
    g_assert_cmphex(qvirtio_pci_get_features(d), ==, FEATURES);
    qvirtio_pci_start(d, FEATURES);
    if (c->mode->msix) {
        setup_msix(c);
    }
    qvirtqueue_setup(&c->vq, d, &c->alloc, 0,
                     c->mode->msix ? VEC_QUEUE : QVIRTIO_MSI_NO_VECTOR,
                     true);
    g_assert_cmpuint(c->vq.size, ==, QUEUE_SIZE);
    c->req = guest_alloc(&c->alloc, REQ_SIZE);
    c->resp = guest_alloc(&c->alloc, RESP_SIZE);
    qvirtio_pci_set_driver_ok(d);
    expect_irq(c, 0, false);
}

static void driver_up(Ctx *c)
{
    qvirtio_pci_init(&c->dev, &c->bus, DEVFN);
    check_identity(c);
    driver_start(c);
}

static void put_le(uint8_t *p, uint64_t v, int n)
{
    for (int i = 0; i < n; i++) {
        p[i] = v >> (8 * i);
    }
}

/* Writes the request, and a response full of 0xff. */
static void write_request(Ctx *c, uint16_t type, uint64_t addr, uint16_t nb)
{
    uint8_t req[REQ_SIZE] = { 0 };
    uint8_t ff[RESP_SIZE];

    put_le(req, type, 2);
    put_le(req + 8, addr, 8);
    put_le(req + 16, nb, 2);
    qtest_memwrite(c->qts, c->req, req, sizeof(req));
    memset(ff, 0xff, sizeof(ff));
    qtest_memwrite(c->qts, c->resp, ff, sizeof(ff));
}

/* A chain of the request and the response buffer, kicked. */
static uint16_t chain_kick(Ctx *c, uint64_t req, uint32_t req_len,
                           uint32_t resp_len)
{
    uint16_t head;

    qvirtqueue_recycle(&c->vq);
    head = qvirtqueue_add(&c->vq, req, req_len, false, true);
    qvirtqueue_add(&c->vq, c->resp, resp_len, true, false);
    qvirtqueue_kick(&c->vq, head);
    return head;
}

static uint16_t post(Ctx *c, uint16_t type, uint64_t addr, uint16_t nb)
{
    write_request(c, type, addr, nb);
    return chain_kick(c, c->req, REQ_SIZE, RESP_SIZE);
}

/*
 * The used element of @head: 10 bytes, the response in QEMU's layout
 * (type, 6 bytes of padding, state).
 */
static uint16_t answer(Ctx *c, uint16_t head, uint16_t *state)
{
    uint8_t resp[RESP_SIZE];

    qvirtqueue_wait_buf(&c->vq, head, RESP_SIZE);
    qtest_memread(c->qts, c->resp, resp, sizeof(resp));
    for (int i = 2; i < 8; i++) {
        g_assert_cmphex(resp[i], ==, 0);
    }
    if (state) {
        *state = resp[8] | resp[9] << 8;
    } else {
        g_assert_cmphex(resp[8] | resp[9] << 8, ==, 0);
    }
    return resp[0] | resp[1] << 8;
}

/* One request, answered, and the queue's interrupt came. */
static uint16_t request(Ctx *c, uint16_t type, uint64_t addr, uint16_t nb,
                        uint16_t *state)
{
    uint16_t head = post(c, type, addr, nb);
    uint16_t resp_type = answer(c, head, state);

    expect_irq(c, QVIRTIO_ISR_QUEUE, false);
    return resp_type;
}

static void expect_state(Ctx *c, uint64_t addr, uint16_t nb, uint16_t state)
{
    uint16_t got;

    g_assert_cmpuint(request(c, VIRTIO_MEM_REQ_STATE, addr, nb, &got), ==,
                     VIRTIO_MEM_RESP_ACK);
    g_assert_cmpuint(got, ==, state);
}

#define PLUG(c, a, n) request(c, VIRTIO_MEM_REQ_PLUG, a, n, NULL)
#define UNPLUG(c, a, n) request(c, VIRTIO_MEM_REQ_UNPLUG, a, n, NULL)

/* A config change: generation + 1, the config interrupt. */
static void set_requested(Ctx *c, uint64_t size)
{
    uint8_t gen = qvirtio_pci_config_generation(&c->dev);

    qom_set_requested(c, size);
    g_assert_cmpuint(qvirtio_pci_config_generation(&c->dev), ==,
                     (uint8_t)(gen + 1));
    expect_irq(c, ISR_CONFIG_CHANGE, true);
}

/* ------------------------------------------------------------------ */
/* The requests */

static void test_requests(gconstpointer data)
{
    const Mode *mode = data;
    Ctx c;
    uint64_t n;

    ctx_start(&c, mode, "-object memory-backend-ram,id=m1,size=4G "
              DEVICE_ARGS ",requested-size=0");
    driver_up(&c);
    expect_sizes(&c, 0, 0, 0);
    /* Nothing is usable yet. */
    g_assert_cmpuint(PLUG(&c, c.addr, 1), ==, VIRTIO_MEM_RESP_ERROR);

    /* 64 MiB requested: the usable region is that plus 256 MiB. */
    set_requested(&c, 64 * MiB);
    expect_sizes(&c, 0, 320 * MiB, 64 * MiB);
    n = 64 * MiB / c.bs;

    g_assert_cmpuint(PLUG(&c, c.addr, 1), ==, VIRTIO_MEM_RESP_ACK);
    expect_sizes(&c, c.bs, 320 * MiB, 64 * MiB);
    /* Invalid ranges: plugged, misaligned, empty, outside, wrapping. */
    g_assert_cmpuint(PLUG(&c, c.addr, 1), ==, VIRTIO_MEM_RESP_ERROR);
    g_assert_cmpuint(PLUG(&c, c.addr + c.bs + 4096, 1), ==,
                     VIRTIO_MEM_RESP_ERROR);
    g_assert_cmpuint(PLUG(&c, c.addr + c.bs, 0), ==, VIRTIO_MEM_RESP_ERROR);
    g_assert_cmpuint(PLUG(&c, c.addr + 320 * MiB, 1), ==,
                     VIRTIO_MEM_RESP_ERROR);
    g_assert_cmpuint(PLUG(&c, c.addr + 320 * MiB - c.bs, 2), ==,
                     VIRTIO_MEM_RESP_ERROR);
    g_assert_cmpuint(PLUG(&c, c.addr - c.bs, 1), ==, VIRTIO_MEM_RESP_ERROR);
    g_assert_cmpuint(PLUG(&c, -c.bs, 2), ==, VIRTIO_MEM_RESP_ERROR);
    /* More than requested: NACK, whatever the range. */
    g_assert_cmpuint(PLUG(&c, c.addr + c.bs, n), ==, VIRTIO_MEM_RESP_NACK);
    expect_sizes(&c, c.bs, 320 * MiB, 64 * MiB);
    g_assert_cmpuint(PLUG(&c, c.addr + c.bs, n - 1), ==,
                     VIRTIO_MEM_RESP_ACK);
    g_assert_cmpuint(PLUG(&c, c.addr + 64 * MiB, 1), ==,
                     VIRTIO_MEM_RESP_NACK);
    expect_sizes(&c, 64 * MiB, 320 * MiB, 64 * MiB);

    expect_state(&c, c.addr, n, VIRTIO_MEM_STATE_PLUGGED);
    expect_state(&c, c.addr + 64 * MiB - c.bs, 2, VIRTIO_MEM_STATE_MIXED);
    expect_state(&c, c.addr + 64 * MiB, 1, VIRTIO_MEM_STATE_UNPLUGGED);
    g_assert_cmpuint(request(&c, VIRTIO_MEM_REQ_STATE, c.addr + 320 * MiB, 1,
                             NULL), ==, VIRTIO_MEM_RESP_ERROR);

    /* Unplug: only plugged blocks, allowed below requested-size. */
    g_assert_cmpuint(UNPLUG(&c, c.addr + 64 * MiB, 1), ==,
                     VIRTIO_MEM_RESP_ERROR);
    g_assert_cmpuint(UNPLUG(&c, c.addr + 64 * MiB - c.bs, 2), ==,
                     VIRTIO_MEM_RESP_ERROR);
    g_assert_cmpuint(UNPLUG(&c, c.addr, 1), ==, VIRTIO_MEM_RESP_ACK);
    expect_sizes(&c, 64 * MiB - c.bs, 320 * MiB, 64 * MiB);
    expect_state(&c, c.addr, 2, VIRTIO_MEM_STATE_MIXED);

    /* Lowering requested-size keeps the usable region until UNPLUG_ALL. */
    set_requested(&c, 0);
    expect_sizes(&c, 64 * MiB - c.bs, 320 * MiB, 0);
    g_assert_cmpuint(PLUG(&c, c.addr, 1), ==, VIRTIO_MEM_RESP_NACK);
    g_assert_cmpuint(request(&c, VIRTIO_MEM_REQ_UNPLUG_ALL, 0, 0, NULL), ==,
                     VIRTIO_MEM_RESP_ACK);
    expect_sizes(&c, 0, 0, 0);
    g_assert_cmpuint(request(&c, VIRTIO_MEM_REQ_STATE, c.addr, 1, NULL), ==,
                     VIRTIO_MEM_RESP_ERROR);
    /* Nothing plugged: UNPLUG_ALL is still ACKed. */
    g_assert_cmpuint(request(&c, VIRTIO_MEM_REQ_UNPLUG_ALL, 0, 0, NULL), ==,
                     VIRTIO_MEM_RESP_ACK);
    /* Setting the same value is a config change too. */
    set_requested(&c, 0);
    expect_log(&c, "");
    ctx_quit(&c);
}

/* ------------------------------------------------------------------ */
/* Reset */

/* The queue's registers as a reset leaves them. */
static void expect_queue_reset(Ctx *c)
{
    QVirtioPCIDevice *d = &c->dev;

    g_assert_cmpuint(qvirtio_pci_queue_readw(d, 0, QVIRTIO_PCI_COMMON_Q_SIZE),
                     ==, QUEUE_SIZE);
    g_assert_cmpuint(qvirtio_pci_queue_readw(d, 0,
                                             QVIRTIO_PCI_COMMON_Q_ENABLE),
                     ==, 0);
    g_assert_cmphex(qvirtio_pci_queue_readw(d, 0, QVIRTIO_PCI_COMMON_Q_MSIX),
                    ==, QVIRTIO_MSI_NO_VECTOR);
    for (int reg = QVIRTIO_PCI_COMMON_Q_DESCLO;
         reg <= QVIRTIO_PCI_COMMON_Q_USEDLO + 4; reg += 4) {
        g_assert_cmphex(qvirtio_pci_queue_readl(d, 0, reg), ==, 0);
    }
    g_assert_cmphex(qtest_readw(c->qts, d->common + QVIRTIO_PCI_COMMON_MSIX),
                    ==, QVIRTIO_MSI_NO_VECTOR);
}

/*
 * The driver's reset (status 0) clears the queue and the vectors and
 * keeps the memory, as QEMU's (only a system reset unplugs); a new
 * driver finds the blocks plugged.
 */
static void test_reset(gconstpointer data)
{
    Ctx c;

    ctx_start(&c, data, "-object memory-backend-ram,id=m1,size=4G "
              DEVICE_ARGS ",requested-size=64M");
    driver_up(&c);
    g_assert_cmpuint(PLUG(&c, c.addr + c.bs, 2), ==, VIRTIO_MEM_RESP_ACK);
    /* A request in the ring that was never kicked is forgotten. */
    qvirtqueue_recycle(&c.vq);
    qvirtqueue_add(&c.vq, c.req, REQ_SIZE, false, true);

    qvirtio_pci_reset(&c.dev);
    expect_queue_reset(&c);
    g_assert_cmphex(qvirtio_pci_get_features(&c.dev), ==, FEATURES);
    expect_irq(&c, 0, false);
    expect_sizes(&c, 2 * c.bs, 320 * MiB, 64 * MiB);
    /* No driver: a config change is not signalled. */
    qom_set_requested(&c, 64 * MiB);
    expect_irq(&c, 0, false);

    driver_start(&c);
    expect_state(&c, c.addr + c.bs, 2, VIRTIO_MEM_STATE_PLUGGED);
    expect_state(&c, c.addr, 2, VIRTIO_MEM_STATE_MIXED);
    g_assert_cmpuint(UNPLUG(&c, c.addr + c.bs, 2), ==, VIRTIO_MEM_RESP_ACK);
    expect_sizes(&c, 0, 320 * MiB, 64 * MiB);
    expect_log(&c, "");
    ctx_quit(&c);
}

/* ------------------------------------------------------------------ */
/* MSI-X: masked vectors are pending until unmasked */

static void test_msix_mask(gconstpointer data)
{
    QPCIDevice *pdev;
    uint16_t head;
    Ctx c;

    ctx_start(&c, data, "-object memory-backend-ram,id=m1,size=4G "
              DEVICE_ARGS ",requested-size=64M");
    driver_up(&c);
    pdev = &c.dev.pdev;
    /* The queue's vector masked: the message waits in the PBA. */
    qpci_msix_mask_entry(pdev, VEC_QUEUE, true);
    head = post(&c, VIRTIO_MEM_REQ_PLUG, c.addr, 1);
    g_assert_cmpuint(answer(&c, head, NULL), ==, VIRTIO_MEM_RESP_ACK);
    g_assert_true(qpci_msix_pending(pdev, VEC_QUEUE));
    g_assert_false(qpci_msix_pending(pdev, VEC_CONFIG));
    g_assert_cmphex(qtest_readl(c.qts, c.msi_queue), ==, 0);
    qpci_msix_mask_entry(pdev, VEC_QUEUE, false);
    g_assert_false(qpci_msix_pending(pdev, VEC_QUEUE));
    expect_irq(&c, QVIRTIO_ISR_QUEUE, false);

    /* The whole function masked: the config change waits. */
    qpci_msix_set_function_mask(pdev, true);
    qom_set_requested(&c, 128 * MiB);
    g_assert_true(qpci_msix_pending(pdev, VEC_CONFIG));
    g_assert_cmphex(qtest_readl(c.qts, c.msi_config), ==, 0);
    qpci_msix_set_function_mask(pdev, false);
    g_assert_false(qpci_msix_pending(pdev, VEC_CONFIG));
    expect_irq(&c, ISR_CONFIG_CHANGE, true);
    expect_sizes(&c, c.bs, 384 * MiB, 128 * MiB);

    /* Without MSI-X the function falls back to INTx. */
    qpci_msix_disable(pdev);
    c.msix = false;
    g_assert_cmpuint(PLUG(&c, c.addr + c.bs, 1), ==, VIRTIO_MEM_RESP_ACK);
    expect_log(&c, "");
    ctx_quit(&c);
}

/* ------------------------------------------------------------------ */
/* BUSY */

/*
 * What makes qmem (and QEMU 7.2) answer BUSY with no migration: a block
 * that prealloc=on cannot preallocate.  Here the file under the shared
 * mapping shrank to two blocks; the failure is reported once.
 */
static void test_busy(void)
{
    g_autofree char *dir = g_dir_make_tmp("qos-busy-XXXXXX", NULL);
    g_autofree char *file = g_build_filename(dir, "mem", NULL);
    g_autofree char *args = g_strdup_printf(
        "-object memory-backend-file,id=m1,size=64M,mem-path=%s,share=on "
        DEVICE_ARGS ",requested-size=16M,prealloc=on", file);
    uint16_t state;
    Ctx c;

    ctx_start(&c, &modes[0], args);
    driver_up(&c);
    g_assert_cmpint(truncate(file, 2 * c.bs), ==, 0);
    g_assert_cmpuint(PLUG(&c, c.addr, 1), ==, VIRTIO_MEM_RESP_ACK);
    g_assert_cmpuint(PLUG(&c, c.addr + 2 * c.bs, 1), ==,
                     VIRTIO_MEM_RESP_BUSY);
    expect_log(&c, "qmem-run: warning: qemu_prealloc_mem: preallocating "
               "memory failed: Bad address\n");
    g_assert_cmpuint(PLUG(&c, c.addr + c.bs, 2), ==, VIRTIO_MEM_RESP_BUSY);
    expect_log(&c, "");
    g_assert_cmpuint(request(&c, VIRTIO_MEM_REQ_STATE, c.addr + c.bs, 3,
                             &state), ==, VIRTIO_MEM_RESP_ACK);
    g_assert_cmpuint(state, ==, VIRTIO_MEM_STATE_UNPLUGGED);
    g_assert_cmpuint(qvirtio_pci_config_readq(&c.dev, CFG_PLUGGED_SIZE), ==,
                     c.bs);
    g_assert_cmpuint(PLUG(&c, c.addr + c.bs, 1), ==, VIRTIO_MEM_RESP_ACK);
    g_assert_cmpuint(qom_get_uint(&c, "size"), ==, 2 * c.bs);
    ctx_quit(&c);
    unlink(file);
    rmdir(dir);
}

/* ------------------------------------------------------------------ */
/* What a guest can get wrong */

/*
 * A driver without VIRTIO_F_VERSION_1 or UNPLUGGED_INACCESSIBLE: its
 * FEATURES_OK does not take, silently.
 */
static void bad_features(Ctx *c)
{
    const uint64_t drop[] = {
        1ULL << QVIRTIO_F_VERSION_1,
        1ULL << VIRTIO_MEM_F_UNPLUGGED_INACCESSIBLE,
    };
    uint8_t s = QVIRTIO_CONFIG_S_ACKNOWLEDGE | QVIRTIO_CONFIG_S_DRIVER;

    for (gsize i = 0; i < G_N_ELEMENTS(drop); i++) {
        qvirtio_pci_reset(&c->dev);
        qvirtio_pci_set_status(&c->dev, s);
        qvirtio_pci_set_features(&c->dev, FEATURES & ~drop[i]);
        qvirtio_pci_set_status(&c->dev, s | QVIRTIO_CONFIG_S_FEATURES_OK);
        g_assert_cmphex(qvirtio_pci_get_status(&c->dev), ==, s);
    }
    expect_log(c, "");
}

/* Status after a broken setup: NEEDS_RESET, no interrupt before DRIVER_OK. */
static void expect_broken_setup(Ctx *c, const char *log)
{
    g_assert_cmphex(qvirtio_pci_get_status(&c->dev), ==,
                    QVIRTIO_CONFIG_S_ACKNOWLEDGE | QVIRTIO_CONFIG_S_DRIVER |
                    QVIRTIO_CONFIG_S_FEATURES_OK |
                    QVIRTIO_CONFIG_S_NEEDS_RESET);
    expect_log(c, log);
    expect_irq(c, 0, false);
}

/* queue_enable other than 1; rings that are not RAM. */
static void bad_queue_setup(Ctx *c)
{
    const uint64_t ram = guest_alloc(&c->alloc, 0x3000);
    const uint64_t hole = 0xd0000000ULL;       /* the PCI hole: no RAM */
    const struct {
        uint64_t desc, avail, used;
        const char *log;
    } cases[] = {
        { hole, ram + 0x1000, ram + 0x2000, "qmem-run: Cannot map desc\n" },
        { ram, ram + 0x1000, hole, "qmem-run: Cannot map used\n" },
        { ram, hole, ram + 0x2000, "qmem-run: Cannot map avail\n" },
        /* The used ring's last bytes beyond the end of RAM */
        { ram, ram + 0x1000, 1024 * MiB - 0x100,
          "qmem-run: Cannot map used\n" },
    };

    qvirtio_pci_start(&c->dev, FEATURES);
    qvirtqueue_setup_at(&c->vq, &c->dev, 0, ram, ram + 0x1000, ram + 0x2000);
    qvirtqueue_enable(&c->vq, 2);
    expect_broken_setup(c, "qmem-run: wrong value for queue_enable 2\n");
    g_assert_cmpuint(qvirtio_pci_queue_readw(&c->dev, 0,
                                             QVIRTIO_PCI_COMMON_Q_ENABLE),
                     ==, 0);

    for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
        qvirtio_pci_start(&c->dev, FEATURES);
        qvirtqueue_setup_at(&c->vq, &c->dev, 0, cases[i].desc,
                            cases[i].avail, cases[i].used);
        qvirtqueue_enable(&c->vq, 1);
        expect_broken_setup(c, cases[i].log);
    }
}

typedef struct {
    uint16_t type;
    uint64_t req_addr;          /* 0: the request buffer */
    uint32_t req_len;
    uint32_t resp_len;
    const char *log;
} BadRequest;

/*
 * A chain the device cannot take: with ioeventfd=off the kick is handled
 * before the write returns, so what did not happen has not.
 */
static void bad_request(Ctx *c, const BadRequest *b)
{
    uint8_t resp[RESP_SIZE], ff[RESP_SIZE];

    driver_start(c);
    write_request(c, b->type, c->addr, 1);
    chain_kick(c, b->req_addr ? b->req_addr : c->req, b->req_len,
               b->resp_len);
    qvirtio_pci_wait_status(&c->dev, QVIRTIO_CONFIG_S_NEEDS_RESET);
    expect_log(c, b->log);
    g_assert_cmpuint(qvirtqueue_used_idx(&c->vq), ==, 0);
    memset(ff, 0xff, sizeof(ff));
    qtest_memread(c->qts, c->resp, resp, sizeof(resp));
    g_assert_cmpmem(resp, sizeof(resp), ff, sizeof(ff));
    /* The driver is told: a config interrupt. */
    expect_irq(c, ISR_CONFIG_CHANGE, true);

    /* Broken, the device takes no more requests until it is reset. */
    post(c, VIRTIO_MEM_REQ_STATE, c->addr, 1);
    g_assert_cmpuint(qvirtqueue_used_idx(&c->vq), ==, 0);
    expect_irq(c, 0, false);
}

static const BadRequest bad_requests[] = {
    { VIRTIO_MEM_REQ_STATE, 0, 16, RESP_SIZE,
      "qmem-run: virtio-mem protocol violation: invalid request size: 24\n" },
    { VIRTIO_MEM_REQ_STATE, 0, REQ_SIZE, 8,
      "qmem-run: virtio-mem protocol violation: not enough space for "
      "response: 8\n" },
    { 7, 0, REQ_SIZE, RESP_SIZE,
      "qmem-run: virtio-mem protocol violation: unknown request type: 7\n" },
    { VIRTIO_MEM_REQ_STATE, 0xd0000000ULL, REQ_SIZE, RESP_SIZE,
      "qmem-run: virtio: bogus descriptor or out of resources\n" },
    { VIRTIO_MEM_REQ_STATE, 0, 0, RESP_SIZE,
      "qmem-run: virtio: zero sized buffers are not allowed\n" },
};

/*
 * Each mistake breaks the device with QEMU's text and nothing else: the
 * runner goes on, and a reset makes the device work again.
 */
static void test_bad_driver(void)
{
    Ctx c;

    ctx_start(&c, &modes[0], "-object memory-backend-ram,id=m1,size=4G "
              DEVICE_ARGS ",requested-size=64M,ioeventfd=off");
    qvirtio_pci_init(&c.dev, &c.bus, DEVFN);
    check_identity(&c);
    bad_features(&c);
    bad_queue_setup(&c);
    for (gsize i = 0; i < G_N_ELEMENTS(bad_requests); i++) {
        bad_request(&c, &bad_requests[i]);
    }
    driver_start(&c);
    g_assert_cmpuint(PLUG(&c, c.addr, 1), ==, VIRTIO_MEM_RESP_ACK);
    expect_sizes(&c, c.bs, 320 * MiB, 64 * MiB);
    expect_log(&c, "");
    ctx_quit(&c);
}

/* ------------------------------------------------------------------ */

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    for (gsize i = 0; i < G_N_ELEMENTS(modes); i++) {
        g_autofree char *req = g_strdup_printf("/virtio-mem-pci/%s/requests",
                                               modes[i].name);
        g_autofree char *reset = g_strdup_printf("/virtio-mem-pci/%s/reset",
                                                 modes[i].name);

        g_test_add_data_func(req, &modes[i], test_requests);
        g_test_add_data_func(reset, &modes[i], test_reset);
        if (modes[i].msix) {
            g_autofree char *mask = g_strdup_printf(
                "/virtio-mem-pci/%s/mask", modes[i].name);

            g_test_add_data_func(mask, &modes[i], test_msix_mask);
        }
    }
    g_test_add_func("/virtio-mem-pci/busy", test_busy);
    g_test_add_func("/virtio-mem-pci/bad-driver", test_bad_driver);
    return g_test_run();
}
