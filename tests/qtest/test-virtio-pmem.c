/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * virtio-pmem-pci: what QEMU 7.2 answers for the same command lines and
 * QMP commands (tests/qemu-ref, cases pmem-*), and the device as a guest
 * driver sees it through PCI, the modern BAR and guest memory (libqos/):
 * the config space, flush requests, and every request QEMU refuses.
 */

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "libqos/virtio-pci.h"
#include "qemu-ref.h"
#include "qobject/json.h"

/* <linux/virtio_pmem.h> */
#define VIRTIO_ID_PMEM 27
#define REQ_TYPE_FLUSH 0
#define REQ_SIZE 4
#define RESP_SIZE 4
#define CFG_START 0
#define CFG_SIZE 8

#define MiB (1024 * 1024ULL)
#define DEVFN 0x20              /* addr=4 */
#define QUEUE_SIZE 128
#define PMEM_START 0x100000000ULL
#define PMEM_SIZE (64 * MiB)

/* What virtio-pmem-pci offers, and the driver accepts. */
#define FEATURES (1ULL << QVIRTIO_RING_F_INDIRECT_DESC | \
                  1ULL << QVIRTIO_RING_F_EVENT_IDX | \
                  1ULL << QVIRTIO_F_VERSION_1 | \
                  1ULL << QVIRTIO_F_RING_RESET)

typedef struct {
    const char *name;
    const char *machine;
    bool ecam;                  /* config space through MMCONFIG */
    int gsi;                    /* the I/O APIC pin slot 4's INTA reaches */
} Mode;

#define PC_INTX_IRQ 11

static const Mode modes[] = {
    { "pc", "pc", false, PC_INTX_IRQ },
    { "q35", "q35", true, 20 },
};

typedef struct {
    const Mode *mode;
    QTestState *qts;
    QPCIBus bus;
    QVirtioPCIDevice dev;
    QGuestAllocator alloc;
    QVirtQueue vq;
    uint64_t req;
    uint64_t resp;
    char *log;                  /* what the runner prints */
    size_t log_seen;
    char *file;                 /* the file backend's, or NULL */
} Ctx;

/* ------------------------------------------------------------------ */
/* The runner */

/*
 * A runner with pmem at slot 4 over a file (@file) or RAM: ioeventfd off,
 * so that a kick is handled before the write that makes it returns.
 */
static void ctx_start(Ctx *c, const Mode *mode, bool file)
{
    int saved = dup(STDERR_FILENO);
    g_autofree char *backend = NULL;
    int fd;

    memset(c, 0, sizeof(*c));
    c->mode = mode;
    c->log = g_strdup_printf("%s/qos-log-XXXXXX", g_get_tmp_dir());
    fd = g_mkstemp(c->log);
    g_assert_cmpint(fd, >=, 0);
    close(fd);
    if (file) {
        c->file = g_strdup_printf("%s/pmem-XXXXXX", g_get_tmp_dir());
        fd = g_mkstemp(c->file);
        g_assert_cmpint(fd, >=, 0);
        close(fd);
        backend = g_strdup_printf("memory-backend-file,id=pm0,size=%llu,"
                                  "mem-path=%s,share=on", PMEM_SIZE,
                                  c->file);
    } else {
        backend = g_strdup_printf("memory-backend-ram,id=pm0,size=%llu",
                                  PMEM_SIZE);
    }
    fd = open(c->log, O_WRONLY);
    dup2(fd, STDERR_FILENO);
    close(fd);
    c->qts = qtest_initf("-M %s -nodefaults -m 1G,maxmem=2G -object %s "
                         "-device virtio-pmem-pci,id=vp0,memdev=pm0,addr=4,"
                         "ioeventfd=off", mode->machine, backend);
    dup2(saved, STDERR_FILENO);
    close(saved);

    if (mode->ecam) {
        qpci_init_q35_ecam(&c->bus, c->qts);
    } else {
        qpci_init_pc(&c->bus, c->qts);
        /* PIIX3 (00:01.0) register 0x63, PIRQD's route: IRQ 11. */
        qtest_outl(c->qts, 0xcf8, 0x80000800 | 0x60);
        qtest_outb(c->qts, 0xcfc + 3, PC_INTX_IRQ);
    }
    alloc_init(&c->alloc, c->qts, 16 * MiB, 32 * MiB);
    qtest_irq_intercept_in(c->qts, "ioapic");
}

static void ctx_quit(Ctx *c)
{
    qtest_quit(c->qts);
    unlink(c->log);
    g_free(c->log);
    if (c->file) {
        unlink(c->file);
        g_free(c->file);
    }
}

/* Asserts what the runner printed since the last call, exactly. */
static void expect_log(Ctx *c, const char *text)
{
    qtest_expect_log(c->log, &c->log_seen, text);
}

/* Asserts that exactly @isr was raised (0: nothing), and acknowledges. */
static void expect_irq(Ctx *c, uint8_t isr)
{
    g_assert_cmpint(qtest_get_irq(c->qts, c->mode->gsi), ==, isr != 0);
    g_assert_cmphex(qvirtio_pci_isr(&c->dev), ==, isr);
    g_assert_false(qtest_get_irq(c->qts, c->mode->gsi));
}

/* ------------------------------------------------------------------ */
/* The driver */

static void check_identity(Ctx *c)
{
    QPCIDevice *pdev = &c->dev.pdev;
    QVirtioPCIDevice *d = &c->dev;

    qvirtio_pci_assert_identity(d, VIRTIO_ID_PMEM);
    g_assert_cmphex(qpci_config_readb(pdev, QPCI_INTERRUPT_PIN), ==, 1);
    g_assert_cmphex(qtest_readw(c->qts, d->common + QVIRTIO_PCI_COMMON_NUMQ),
                    ==, 1);
    g_assert_cmphex(qvirtio_pci_config_readq(d, CFG_START), ==, PMEM_START);
    g_assert_cmphex(qvirtio_pci_config_readq(d, CFG_SIZE), ==, PMEM_SIZE);
}

static void driver_start(Ctx *c)
{
    QVirtioPCIDevice *d = &c->dev;

    qvirtio_pci_reset(d);
    g_assert_cmphex(qvirtio_pci_get_features(d), ==, FEATURES);
    qvirtio_pci_start(d, FEATURES);
    qvirtqueue_setup(&c->vq, d, &c->alloc, 0, QVIRTIO_MSI_NO_VECTOR, true);
    g_assert_cmpuint(c->vq.size, ==, QUEUE_SIZE);
    if (!c->req) {
        c->req = guest_alloc(&c->alloc, 16);
        c->resp = guest_alloc(&c->alloc, 16);
    }
    qvirtio_pci_set_driver_ok(d);
    expect_irq(c, 0);
}

static void driver_up(Ctx *c)
{
    qvirtio_pci_init(&c->dev, &c->bus, DEVFN);
    check_identity(c);
    driver_start(c);
}

/* The request's type, and 16 bytes of 0xff where the answer goes. */
static void write_request(Ctx *c, uint32_t type)
{
    uint8_t req[REQ_SIZE] = { type, type >> 8, type >> 16, type >> 24 };
    uint8_t ff[16];

    qtest_memwrite(c->qts, c->req, req, sizeof(req));
    memset(ff, 0xff, sizeof(ff));
    qtest_memwrite(c->qts, c->resp, ff, sizeof(ff));
}

/* A chain of a request (@req_len, 0: none) and an answer (0: none). */
static uint16_t chain(Ctx *c, uint64_t req, uint32_t req_len,
                      uint32_t resp_len)
{
    uint16_t head = 0;

    if (req_len) {
        head = qvirtqueue_add(&c->vq, req, req_len, false, resp_len != 0);
    }
    if (resp_len) {
        uint16_t idx = qvirtqueue_add(&c->vq, c->resp, resp_len, true,
                                      false);

        head = req_len ? head : idx;
    }
    return head;
}

/* The answer's first 4 bytes, after @len bytes were written of it. */
static uint32_t read_answer(Ctx *c, uint32_t len)
{
    uint8_t resp[16];

    qtest_memread(c->qts, c->resp, resp, sizeof(resp));
    for (uint32_t i = len; i < sizeof(resp); i++) {
        g_assert_cmphex(resp[i], ==, 0xff);
    }
    return resp[0] | resp[1] << 8 | resp[2] << 16 | (uint32_t)resp[3] << 24;
}

/* One flush of @type, answered with @len bytes and the queue interrupt. */
static uint32_t flush(Ctx *c, uint32_t type, uint32_t req_len,
                      uint32_t resp_len, uint32_t len)
{
    uint16_t head;

    write_request(c, type);
    qvirtqueue_recycle(&c->vq);
    head = chain(c, c->req, req_len, resp_len);
    qvirtqueue_kick(&c->vq, head);
    qvirtqueue_wait_buf(&c->vq, head, len);
    expect_irq(c, QVIRTIO_ISR_QUEUE);
    return read_answer(c, len);
}

/* ------------------------------------------------------------------ */
/* Tests */

/* Bytes written into the range reach the file; a flush answers 0. */
static void test_flush_file(gconstpointer data)
{
    Ctx c;
    uint8_t pattern[4096], got[4096];
    int fd;

    ctx_start(&c, data, true);
    driver_up(&c);
    for (size_t i = 0; i < sizeof(pattern); i++) {
        pattern[i] = (i * 7 + 3) & 0xff;
    }
    qtest_memwrite(c.qts, PMEM_START + 0x123000, pattern, sizeof(pattern));
    qtest_memwrite(c.qts, PMEM_START + PMEM_SIZE - 8, "pmem-end", 8);
    g_assert_cmpuint(flush(&c, REQ_TYPE_FLUSH, REQ_SIZE, RESP_SIZE,
                           RESP_SIZE), ==, 0);

    fd = open(c.file, O_RDONLY);
    g_assert_cmpint(fd, >=, 0);
    g_assert_cmpint(pread(fd, got, sizeof(got), 0x123000), ==, sizeof(got));
    g_assert_cmpmem(got, sizeof(got), pattern, sizeof(pattern));
    g_assert_cmpint(pread(fd, got, 8, PMEM_SIZE - 8), ==, 8);
    g_assert_cmpmem(got, 8, "pmem-end", 8);
    close(fd);

    /* Many in a row, each answered (the ring wraps past its size). */
    for (int i = 0; i < QUEUE_SIZE + 3; i++) {
        g_assert_cmpuint(flush(&c, REQ_TYPE_FLUSH, REQ_SIZE, RESP_SIZE,
                               RESP_SIZE), ==, 0);
    }
    expect_log(&c, "");
    ctx_quit(&c);
}

/*
 * What QEMU does not check: the type (every request is a flush), the
 * request's size, the answer's (it gets what fits).  A RAM backend has
 * no file: fsync fails, the answer is 1.
 */
static void test_flush_lenient(gconstpointer data)
{
    Ctx c;

    ctx_start(&c, data, false);
    driver_up(&c);
    g_assert_cmpuint(flush(&c, REQ_TYPE_FLUSH, REQ_SIZE, RESP_SIZE,
                           RESP_SIZE), ==, 1);
    g_assert_cmpuint(flush(&c, 7, REQ_SIZE, RESP_SIZE, RESP_SIZE), ==, 1);
    g_assert_cmpuint(flush(&c, REQ_TYPE_FLUSH, 1, RESP_SIZE, RESP_SIZE),
                     ==, 1);
    g_assert_cmpuint(flush(&c, REQ_TYPE_FLUSH, REQ_SIZE, 16, RESP_SIZE), ==,
                     1);
    /* Two bytes of room: two bytes of the answer, used length 2. */
    g_assert_cmpuint(flush(&c, REQ_TYPE_FLUSH, REQ_SIZE, 2, 2) & 0xffff, ==,
                     1);
    expect_log(&c, "");
    ctx_quit(&c);
}

/* One element per kick, as QEMU: the second waits for the next kick. */
static void test_one_per_kick(gconstpointer data)
{
    Ctx c;
    uint16_t h1, h2;

    ctx_start(&c, data, true);
    driver_up(&c);
    write_request(&c, REQ_TYPE_FLUSH);
    qvirtqueue_recycle(&c.vq);
    h1 = chain(&c, c.req, REQ_SIZE, RESP_SIZE);
    h2 = chain(&c, c.req, REQ_SIZE, RESP_SIZE);
    /* Both available, one notify. */
    qtest_writew(c.qts, c.vq.avail + 4, h1);
    qtest_writew(c.qts, c.vq.avail + 6, h2);
    c.vq.avail_idx = 2;
    qtest_writew(c.qts, c.vq.avail + 2, c.vq.avail_idx);
    qtest_writew(c.qts, c.vq.notify, 0);
    qvirtqueue_wait_buf(&c.vq, h1, RESP_SIZE);
    g_assert_cmpuint(qvirtqueue_used_idx(&c.vq), ==, 1);
    expect_irq(&c, QVIRTIO_ISR_QUEUE);
    /* The next kick takes the second (used_event: interrupt for it). */
    qtest_writew(c.qts, c.vq.avail + 4 + 2 * c.vq.size, 1);
    qtest_writew(c.qts, c.vq.notify, 0);
    qvirtqueue_wait_buf(&c.vq, h2, RESP_SIZE);
    g_assert_cmpuint(qvirtqueue_used_idx(&c.vq), ==, 2);
    expect_irq(&c, QVIRTIO_ISR_QUEUE);
    expect_log(&c, "");
    ctx_quit(&c);
}

typedef struct {
    uint64_t req_addr;          /* 0: the request buffer */
    uint32_t req_len;           /* 0: no read buffer */
    uint32_t resp_len;          /* 0: no write buffer */
    bool no_element;            /* a kick with nothing available */
    const char *log;
} BadRequest;

static const BadRequest bad_requests[] = {
    { 0, REQ_SIZE, 0, false, "qmem-run: virtio-pmem request not proper\n" },
    { 0, 0, RESP_SIZE, false,
      "qmem-run: virtio-pmem request not proper\n" },
    { 0, 0, 0, true, "qmem-run: virtio-pmem missing request data\n" },
    { 0xd0000000ULL, REQ_SIZE, RESP_SIZE, false,
      "qmem-run: virtio: bogus descriptor or out of resources\n"
      "qmem-run: virtio-pmem missing request data\n" },
};

/*
 * A chain QEMU refuses: the device breaks with QEMU's text (NEEDS_RESET,
 * a config interrupt), nothing is answered, later kicks are ignored, and
 * a reset makes it work again.
 */
static void bad_request(Ctx *c, const BadRequest *b)
{
    uint16_t head;

    driver_start(c);
    write_request(c, REQ_TYPE_FLUSH);
    qvirtqueue_recycle(&c->vq);
    if (b->no_element) {
        qtest_writew(c->qts, c->vq.notify, 0);
    } else {
        head = chain(c, b->req_addr ? b->req_addr : c->req, b->req_len,
                     b->resp_len);
        qvirtqueue_kick(&c->vq, head);
    }
    qvirtio_pci_wait_status(&c->dev, QVIRTIO_CONFIG_S_NEEDS_RESET);
    expect_log(c, b->log);
    g_assert_cmpuint(qvirtqueue_used_idx(&c->vq), ==, 0);
    read_answer(c, 0);
    /* QEMU's virtio_notify_config() sets both bits. */
    expect_irq(c, QVIRTIO_ISR_QUEUE | QVIRTIO_ISR_CONFIG);

    /* Broken, the device takes no more requests until it is reset. */
    qvirtqueue_recycle(&c->vq);
    qvirtqueue_kick(&c->vq, chain(c, c->req, REQ_SIZE, RESP_SIZE));
    g_assert_cmpuint(qvirtqueue_used_idx(&c->vq), ==, 0);
    expect_irq(c, 0);
    expect_log(c, "");
}

static void test_bad_requests(gconstpointer data)
{
    Ctx c;

    ctx_start(&c, data, true);
    driver_up(&c);
    for (gsize i = 0; i < G_N_ELEMENTS(bad_requests); i++) {
        bad_request(&c, &bad_requests[i]);
        /* After a reset the device answers again. */
        driver_start(&c);
        g_assert_cmpuint(flush(&c, REQ_TYPE_FLUSH, REQ_SIZE, RESP_SIZE,
                               RESP_SIZE), ==, 0);
    }
    /* The runner is still there: QMP answers. */
    qtest_qmp_assert_success(c.qts, "{'execute': 'query-memory-devices'}");
    expect_log(&c, "");
    ctx_quit(&c);
}

/* query-memory-devices with the file backend, and device_del refused. */
static void test_queries(void)
{
    Ctx c;
    g_autoptr(JsonNode) ret = NULL;
    g_autofree char *text = NULL;
    g_autofree char *expected = NULL;

    ctx_start(&c, &modes[0], true);
    ret = qtest_qmp_assert_success_ref(c.qts,
                                       "{'execute': 'query-memory-devices'}");
    text = qmem_json_to_string(ret);
    expected = g_strdup_printf("[{\"type\": \"virtio-pmem\", \"data\": "
                               "{\"memdev\": \"/objects/pm0\", \"memaddr\": "
                               "%llu, \"size\": %llu, \"id\": \"vp0\"}}]",
                               PMEM_START, PMEM_SIZE);
    g_assert_cmpstr(text, ==, expected);
    qtest_qmp_expect_error(c.qts, "GenericError",
                           "virtio based memory devices cannot be "
                           "unplugged.",
                           "{'execute': 'device_del', 'arguments': "
                           "{'id': 'vp0'}}");
    ctx_quit(&c);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    qemu_ref_add_scripts("pmem-", "/virtio-pmem/qemu");
    for (gsize i = 0; i < G_N_ELEMENTS(modes); i++) {
        static const struct {
            const char *name;
            GTestDataFunc fn;
        } tests[] = {
            { "flush-file", test_flush_file },
            { "flush-lenient", test_flush_lenient },
            { "one-per-kick", test_one_per_kick },
            { "bad-requests", test_bad_requests },
        };

        for (gsize t = 0; t < G_N_ELEMENTS(tests); t++) {
            g_autofree char *path = g_strdup_printf(
                "/virtio-pmem/driver/%s/%s", modes[i].name, tests[t].name);

            g_test_add_data_func(path, &modes[i], tests[t].fn);
        }
    }
    g_test_add_func("/virtio-pmem/queries", test_queries);
    return g_test_run();
}
