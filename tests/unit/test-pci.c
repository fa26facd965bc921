/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Tests for hw/pci: config space, BARs, capabilities, INTx, DMA, MSI. */

#include <inttypes.h>
#include <string.h>

#include "hw/pci/pci-host.h"
#include "hw/pci/pci.h"
#include "qom/property.h"
#include "util/error.h"

#define KiB (1024ULL)
#define GiB (1024ULL * 1024 * KiB)

/* ------------------------------------------------------------------ */
/* A board of the test's own: a device with a root bus, no machine. */

static GType test_host_get_type(void);
typedef struct {
    QmemDevice parent_instance;
} TestHost;
typedef struct {
    QmemDeviceClass parent_class;
} TestHostClass;
G_DEFINE_TYPE(TestHost, test_host, QMEM_TYPE_DEVICE)

static void test_host_class_init(TestHostClass *klass)
{
}

static void test_host_init(TestHost *h)
{
}

/*
 * A function with three BARs: 0 I/O of 32 bytes, 1 32-bit memory of
 * 4 KiB, 2 (and 3) 64-bit prefetchable memory of 16 KiB; pin INTA.
 */
typedef struct TestPci TestPci;

typedef struct {
    TestPci *dev;
    int bar;
} BarOpaque;

struct TestPci {
    QmemPciDevice parent_instance;
    GString *log;               /* BAR accesses, "bar1 r4@10;" */
    gboolean fail_realize;
    QmemMemoryRegion *bars[3];
    BarOpaque opaque[3];
};
typedef struct {
    QmemPciDeviceClass parent_class;
} TestPciClass;
G_DEFINE_TYPE(TestPci, test_pci, QMEM_TYPE_PCI_DEVICE)
#define TEST_PCI(obj) G_TYPE_CHECK_INSTANCE_CAST(obj, test_pci_get_type(), \
                                                 TestPci)

/* One without BARs and with subsystem ids of its own. */
static GType test_pci_sub_get_type(void);
typedef struct {
    QmemPciDevice parent_instance;
} TestPciSub;
typedef struct {
    QmemPciDeviceClass parent_class;
} TestPciSubClass;
G_DEFINE_TYPE(TestPciSub, test_pci_sub, QMEM_TYPE_PCI_DEVICE)

static guint64 bar_read(gpointer opaque, guint64 addr, guint size)
{
    BarOpaque *b = opaque;

    g_string_append_printf(b->dev->log, "bar%d r%u@%" PRIx64 ";", b->bar,
                           size, addr);
    return 0xa0 + addr;
}

static void bar_write(gpointer opaque, guint64 addr, guint64 value,
                      guint size)
{
    BarOpaque *b = opaque;

    g_string_append_printf(b->dev->log, "bar%d w%u@%" PRIx64 "=%" PRIx64
                           ";", b->bar, size, addr, value);
}

static const QmemMemoryRegionOps bar_ops = {
    .read = bar_read,
    .write = bar_write,
};

static gboolean test_pci_realize(QmemPciDevice *dev, GError **error)
{
    TestPci *t = TEST_PCI(dev);
    static const guint64 sizes[3] = { 0x20, 4 * KiB, 16 * KiB };
    static const guint8 types[3] = {
        QMEM_PCI_BASE_ADDRESS_SPACE_IO,
        QMEM_PCI_BASE_ADDRESS_SPACE_MEMORY,
        QMEM_PCI_BASE_ADDRESS_MEM_TYPE_64 | QMEM_PCI_BASE_ADDRESS_MEM_PREFETCH,
    };

    qmem_pci_device_get_config(dev)[QMEM_PCI_INTERRUPT_PIN] = 1;
    for (int i = 0; i < 3; i++) {
        g_autofree char *name = g_strdup_printf("bar%d", i);

        t->opaque[i] = (BarOpaque){ t, i };
        g_clear_object(&t->bars[i]);
        t->bars[i] = qmem_memory_region_new_io(name, sizes[i], &bar_ops,
                                               &t->opaque[i]);
        qmem_pci_register_bar(dev, i, types[i], t->bars[i]);
    }
    if (t->fail_realize) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC, "no, thanks");
        return FALSE;
    }
    return TRUE;
}

static void test_pci_finalize(GObject *obj)
{
    TestPci *t = TEST_PCI(obj);

    for (int i = 0; i < 3; i++) {
        g_clear_object(&t->bars[i]);
    }
    g_string_free(t->log, TRUE);
    G_OBJECT_CLASS(test_pci_parent_class)->finalize(obj);
}

static void test_pci_class_init(TestPciClass *klass)
{
    QmemPciDeviceClass *k = QMEM_PCI_DEVICE_CLASS(klass);

    G_OBJECT_CLASS(klass)->finalize = test_pci_finalize;
    k->realize = test_pci_realize;
    k->vendor_id = 0x1234;
    k->device_id = 0x5678;
    k->revision = 7;
    k->class_id = 0x0580;
}

static void test_pci_init(TestPci *t)
{
    t->log = g_string_new(NULL);
}

static void test_pci_sub_class_init(TestPciSubClass *klass)
{
    QmemPciDeviceClass *k = QMEM_PCI_DEVICE_CLASS(klass);

    k->vendor_id = 0x8086;
    k->device_id = 0x0001;
    k->class_id = 0x0600;
    k->subsystem_vendor_id = 0xabcd;
    k->subsystem_id = 0xef01;
}

static void test_pci_sub_init(TestPciSub *t)
{
}

/* ------------------------------------------------------------------ */
/* The fixture: the bus, its windows, RAM for DMA and an MSI catcher */

typedef struct {
    QmemDevice *host;
    QmemPciBus *bus;
    QmemMemoryRegion *mem;
    QmemMemoryRegion *io;
    QmemMemoryRegion *system;
    QmemRamBlock *ram;
    QmemAddressSpace *mem_as;
    QmemAddressSpace *io_as;
    GPtrArray *devices;         /* the tests' references */
    GString *irq_log;           /* "1=1;" per set_irq */
    GString *msi_log;
    GPtrArray *weak;
} Fixture;

static guint64 unassigned_read(gpointer opaque, guint64 addr, guint size)
{
    return G_MAXUINT64;
}

static const QmemMemoryRegionOps unassigned_ops = {
    .read = unassigned_read,
};

static void msi_write(gpointer opaque, guint64 addr, guint64 value,
                      guint size)
{
    Fixture *f = opaque;

    g_string_append_printf(f->msi_log, "w%u@%" PRIx64 "=%" PRIx64 ";", size,
                           addr, value);
}

static const QmemMemoryRegionOps msi_ops = {
    .write = msi_write,
    .valid = { .min_access_size = 4, .max_access_size = 4 },
};

/* The PIIX swizzle over four lines. */
static int map_irq(QmemPciDevice *dev, int pin)
{
    return (QMEM_PCI_SLOT(qmem_pci_device_get_devfn(dev)) + pin) & 3;
}

static void set_irq(gpointer opaque, int irq, int level)
{
    Fixture *f = opaque;

    g_string_append_printf(f->irq_log, "%d=%d;", irq, level);
}

static void track(Fixture *f, gpointer obj)
{
    gpointer *slot = g_new(gpointer, 1);

    *slot = obj;
    g_object_add_weak_pointer(obj, slot);
    g_ptr_array_add(f->weak, slot);
}

static void setup(Fixture *f, gconstpointer data)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(QmemMemoryRegion) ram = NULL;
    g_autoptr(QmemMemoryRegion) msi = NULL;

    f->weak = g_ptr_array_new_with_free_func(g_free);
    f->devices = g_ptr_array_new_with_free_func(g_object_unref);
    f->irq_log = g_string_new(NULL);
    f->msi_log = g_string_new(NULL);
    f->host = g_object_new(test_host_get_type(), NULL);
    track(f, f->host);
    f->mem = qmem_memory_region_new_container("pci", G_MAXUINT64);
    f->io = qmem_memory_region_new_io("io", 64 * KiB, &unassigned_ops, NULL);
    f->system = qmem_memory_region_new_container("system", G_MAXUINT64);
    track(f, f->mem);
    track(f, f->io);
    track(f, f->system);
    f->ram = qmem_ram_block_new_anon("ram", 64 * KiB, 0, &error);
    g_assert_no_error(error);
    ram = qmem_memory_region_new_ram("ram", f->ram);
    msi = qmem_memory_region_new_io("msi", 0x100000, &msi_ops, f);
    qmem_memory_region_add_subregion(f->system, 0, ram);
    qmem_memory_region_add_subregion_overlap(f->system, 0xfee00000, msi,
                                             4096);
    f->mem_as = qmem_address_space_new("pci", f->mem);
    f->io_as = qmem_address_space_new("I/O", f->io);
    f->bus = qmem_pci_root_bus_new(f->host, "pci.0", QMEM_TYPE_PCI_BUS,
                                   f->mem, f->io, f->system, 0);
    qmem_pci_bus_irqs(f->bus, set_irq, map_irq, f, 4);
}

static void teardown(Fixture *f, gconstpointer data)
{
    qmem_device_unplug_all();
    g_ptr_array_unref(f->devices);
    qmem_address_space_free(f->mem_as);
    qmem_address_space_free(f->io_as);
    g_object_unref(f->host);
    g_object_unref(f->mem);
    g_object_unref(f->io);
    g_object_unref(f->system);
    qmem_ram_block_free(f->ram);
    for (guint i = 0; i < f->weak->len; i++) {
        g_assert_null(*(gpointer *)g_ptr_array_index(f->weak, i));
    }
    g_ptr_array_unref(f->weak);
    g_string_free(f->irq_log, TRUE);
    g_string_free(f->msi_log, TRUE);
}

/* A function of @type at @addr (-1: choose), or %NULL with @error. */
static QmemPciDevice *try_add(Fixture *f, GType type, int addr,
                              gboolean multifunction, GError **error)
{
    QmemPciDevice *dev = g_object_new(
        type, QMEM_PCI_DEVICE_PROP_ADDR, addr,
        QMEM_PCI_DEVICE_PROP_MULTIFUNCTION, multifunction, NULL);

    track(f, dev);
    g_ptr_array_add(f->devices, dev);
    if (!qmem_device_realize(QMEM_DEVICE(dev), QMEM_BUS(f->bus), error)) {
        return NULL;
    }
    return dev;
}

static QmemPciDevice *add(Fixture *f, GType type, int addr)
{
    g_autoptr(GError) error = NULL;
    QmemPciDevice *dev = try_add(f, type, addr, FALSE, &error);

    g_assert_no_error(error);
    return dev;
}

/* A guest's config accesses, through the bus as the host's data port. */
static guint32 cfg_read(Fixture *f, QmemPciDevice *dev, guint32 reg,
                        guint len)
{
    return qmem_pci_data_read(f->bus,
                              qmem_pci_device_get_devfn(dev) << 8 | reg, len);
}

static void cfg_write(Fixture *f, QmemPciDevice *dev, guint32 reg,
                      guint32 val, guint len)
{
    qmem_pci_data_write(f->bus, qmem_pci_device_get_devfn(dev) << 8 | reg,
                        val, len);
}

static const char *bar_log(QmemPciDevice *dev)
{
    return TEST_PCI(dev)->log->str;
}

static void clear_log(QmemPciDevice *dev)
{
    g_string_truncate(TEST_PCI(dev)->log, 0);
}

/* Reads 4 bytes of @as; returns the value, all-ones for FALSE. */
static guint32 as_readl(QmemAddressSpace *as, guint64 addr)
{
    guint8 buf[4];

    if (!qmem_address_space_rw(as, addr, buf, 4, FALSE)) {
        return 0xffffffff;
    }
    return buf[0] | buf[1] << 8 | buf[2] << 16 | (guint32)buf[3] << 24;
}

/* ------------------------------------------------------------------ */
/* Identity and masks */

static void test_identity(Fixture *f, gconstpointer data)
{
    QmemPciDevice *a = add(f, test_pci_get_type(), -1);
    QmemPciDevice *b = add(f, test_pci_sub_get_type(), -1);

    g_assert_cmphex(cfg_read(f, a, QMEM_PCI_VENDOR_ID, 4), ==, 0x56781234);
    g_assert_cmphex(cfg_read(f, a, QMEM_PCI_REVISION_ID, 4), ==, 0x05800007);
    g_assert_cmphex(cfg_read(f, a, QMEM_PCI_HEADER_TYPE, 1), ==, 0);
    /* QEMU's subsystem for functions without their own. */
    g_assert_cmphex(cfg_read(f, a, QMEM_PCI_SUBSYSTEM_VENDOR_ID, 4), ==,
                    0x11001af4);
    g_assert_cmphex(cfg_read(f, b, QMEM_PCI_SUBSYSTEM_VENDOR_ID, 4), ==,
                    0xef01abcd);
    g_assert_cmphex(cfg_read(f, a, QMEM_PCI_INTERRUPT_LINE, 2), ==, 0x0100);
    g_assert_cmphex(cfg_read(f, b, QMEM_PCI_COMMAND, 4), ==, 0);
    g_assert_cmpint(qmem_pci_device_get_devfn(a), ==, 0);
    g_assert_cmpint(qmem_pci_device_get_devfn(b), ==, 8);
    g_assert_true(qmem_pci_device_get_bus(a) == f->bus);
    g_assert_true(qmem_pci_bus_get_device(f->bus, 8) == b);
    /* Narrow and unaligned reads within the space. */
    g_assert_cmphex(cfg_read(f, a, 1, 2), ==, 0x7812);
    g_assert_cmphex(cfg_read(f, a, 0xff, 4), ==, 0);
}

/*
 * All-ones everywhere: only COMMAND's five bits, CACHE_LINE_SIZE,
 * INTERRUPT_LINE, the BARs' address bits and what lies after the header
 * take it; STATUS's error bits are write-1-to-clear, so they stay 0.
 */
static void test_wmask(Fixture *f, gconstpointer data)
{
    QmemPciDevice *dev = add(f, test_pci_sub_get_type(), -1);
    guint8 before[256], after[256];

    for (guint i = 0; i < 256; i++) {
        before[i] = cfg_read(f, dev, i, 1);
    }
    for (guint i = 0; i < 256; i += 4) {
        cfg_write(f, dev, i, 0xffffffff, 4);
    }
    for (guint i = 0; i < 256; i++) {
        after[i] = cfg_read(f, dev, i, 1);
    }
    for (guint i = 0; i < 256; i++) {
        guint8 expected = before[i];

        if (i >= QMEM_PCI_CONFIG_HEADER_SIZE ||
            i == QMEM_PCI_CACHE_LINE_SIZE || i == QMEM_PCI_INTERRUPT_LINE) {
            expected = 0xff;
        } else if (i == QMEM_PCI_COMMAND) {
            expected = 0x07;
        } else if (i == QMEM_PCI_COMMAND + 1) {
            expected = 0x05;
        }
        if (after[i] != expected) {
            g_error("config[0x%02x] is 0x%02x, expected 0x%02x", i,
                    after[i], expected);
        }
    }
    /* The identity stays: cmask marks what migration would compare. */
    g_assert_cmphex(qmem_pci_get_word(qmem_pci_device_get_cmask(dev)), ==,
                    0xffff);
    g_assert_cmphex(qmem_pci_device_get_wmask(dev)[QMEM_PCI_VENDOR_ID], ==, 0);
}

/* STATUS's error bits clear when written as 1 and stay on a 0. */
static void test_w1c(Fixture *f, gconstpointer data)
{
    QmemPciDevice *dev = add(f, test_pci_sub_get_type(), -1);
    guint8 *config = qmem_pci_device_get_config(dev);

    qmem_pci_set_word(config + QMEM_PCI_STATUS,
                      QMEM_PCI_STATUS_REC_MASTER_ABORT |
                      QMEM_PCI_STATUS_DETECTED_PARITY |
                      QMEM_PCI_STATUS_CAP_LIST);
    cfg_write(f, dev, QMEM_PCI_STATUS, 0, 2);
    g_assert_cmphex(cfg_read(f, dev, QMEM_PCI_STATUS, 2), ==, 0xa010);
    cfg_write(f, dev, QMEM_PCI_STATUS, QMEM_PCI_STATUS_REC_MASTER_ABORT, 2);
    g_assert_cmphex(cfg_read(f, dev, QMEM_PCI_STATUS, 2), ==, 0x8010);
    /* A dword write to COMMAND clears STATUS's bits it carries too. */
    cfg_write(f, dev, QMEM_PCI_COMMAND, 0xffff0000, 4);
    g_assert_cmphex(cfg_read(f, dev, QMEM_PCI_COMMAND, 4), ==, 0x00100000);
    g_assert_cmphex(qmem_pci_device_get_w1cmask(dev)[QMEM_PCI_STATUS + 1],
                    ==, 0xf9);
}

/* ------------------------------------------------------------------ */
/* BARs */

/* Writing all-ones and reading back tells the size and type. */
static void test_bar_sizing(Fixture *f, gconstpointer data)
{
    QmemPciDevice *dev = add(f, test_pci_get_type(), -1);
    static const guint32 expected[6] = {
        0xffffffe1, 0xfffff000, 0xffffc00c, 0xffffffff, 0, 0,
    };

    g_assert_cmphex(cfg_read(f, dev, 0x10, 4), ==, 0x1);
    g_assert_cmphex(cfg_read(f, dev, 0x18, 4), ==, 0xc);
    for (int i = 0; i < 6; i++) {
        cfg_write(f, dev, 0x10 + 4 * i, 0xffffffff, 4);
        g_assert_cmphex(cfg_read(f, dev, 0x10 + 4 * i, 4), ==, expected[i]);
    }
    g_assert_cmpuint(qmem_pci_get_bar_size(dev, 2), ==, 16 * KiB);
    g_assert_cmpuint(qmem_pci_get_bar_size(dev, 3), ==, 0);
    g_assert_cmpuint(qmem_pci_get_bar_type(dev, 0), ==,
                     QMEM_PCI_BASE_ADDRESS_SPACE_IO);
    /* All-ones is no address: nothing maps, even with decoding on. */
    cfg_write(f, dev, QMEM_PCI_COMMAND, 0x3, 2);
    for (int i = 0; i < 3; i++) {
        g_assert_cmphex(qmem_pci_get_bar_addr(dev, i), ==,
                        QMEM_PCI_BAR_UNMAPPED);
    }
}

/* A memory BAR maps while MEMORY decodes and moves with its register. */
static void test_bar_map_memory(Fixture *f, gconstpointer data)
{
    QmemPciDevice *dev = add(f, test_pci_get_type(), -1);

    cfg_write(f, dev, 0x14, 0xe0001000, 4);
    g_assert_cmphex(qmem_pci_get_bar_addr(dev, 1), ==, QMEM_PCI_BAR_UNMAPPED);
    g_assert_cmphex(as_readl(f->mem_as, 0xe0001010), ==, 0xffffffff);
    g_assert_cmpstr(bar_log(dev), ==, "");

    cfg_write(f, dev, QMEM_PCI_COMMAND, QMEM_PCI_COMMAND_MEMORY, 2);
    g_assert_cmphex(qmem_pci_get_bar_addr(dev, 1), ==, 0xe0001000);
    g_assert_cmphex(as_readl(f->mem_as, 0xe0001010), ==, 0xb0);
    g_assert_cmpstr(bar_log(dev), ==, "bar1 r4@10;");
    clear_log(dev);

    /* The low bits under the size do not move it. */
    cfg_write(f, dev, 0x14, 0xe0002fff, 4);
    g_assert_cmphex(qmem_pci_get_bar_addr(dev, 1), ==, 0xe0002000);
    g_assert_cmphex(as_readl(f->mem_as, 0xe0001010), ==, 0xffffffff);
    g_assert_true(qmem_address_space_rw(f->mem_as, 0xe0002ffc,
                                        &(guint32){ 0x55 }, 4, TRUE));
    g_assert_cmpstr(bar_log(dev), ==, "bar1 w4@ffc=55;");

    /* Turning decoding off unmaps; so does address 0. */
    cfg_write(f, dev, QMEM_PCI_COMMAND, 0, 2);
    g_assert_cmphex(qmem_pci_get_bar_addr(dev, 1), ==, QMEM_PCI_BAR_UNMAPPED);
    g_assert_false(qmem_memory_region_is_mapped(TEST_PCI(dev)->bars[1]));
    cfg_write(f, dev, 0x14, 0, 4);
    cfg_write(f, dev, QMEM_PCI_COMMAND, QMEM_PCI_COMMAND_MEMORY, 2);
    g_assert_cmphex(qmem_pci_get_bar_addr(dev, 1), ==, QMEM_PCI_BAR_UNMAPPED);
    /* I/O decoding does not map memory BARs. */
    cfg_write(f, dev, 0x14, 0xe0001000, 4);
    cfg_write(f, dev, QMEM_PCI_COMMAND, QMEM_PCI_COMMAND_IO, 2);
    g_assert_cmphex(qmem_pci_get_bar_addr(dev, 1), ==, QMEM_PCI_BAR_UNMAPPED);
}

/* A 32-bit BAR stays below 4 GiB; its last byte may not be 0xffffffff. */
static void test_bar_map_limits(Fixture *f, gconstpointer data)
{
    QmemPciDevice *dev = add(f, test_pci_get_type(), -1);

    cfg_write(f, dev, QMEM_PCI_COMMAND, QMEM_PCI_COMMAND_MEMORY, 2);
    cfg_write(f, dev, 0x14, 0xfffff000, 4);
    g_assert_cmphex(qmem_pci_get_bar_addr(dev, 1), ==, QMEM_PCI_BAR_UNMAPPED);
    cfg_write(f, dev, 0x14, 0xffffe000, 4);
    g_assert_cmphex(qmem_pci_get_bar_addr(dev, 1), ==, 0xffffe000);
}

/* A 64-bit BAR takes two registers and may live above 4 GiB. */
static void test_bar_map_64bit(Fixture *f, gconstpointer data)
{
    QmemPciDevice *dev = add(f, test_pci_get_type(), -1);

    cfg_write(f, dev, QMEM_PCI_COMMAND, QMEM_PCI_COMMAND_MEMORY, 2);
    cfg_write(f, dev, 0x18, 0x0000c000, 4);
    g_assert_cmphex(qmem_pci_get_bar_addr(dev, 2), ==, 0xc000);
    cfg_write(f, dev, 0x1c, 0x1, 4);
    g_assert_cmphex(qmem_pci_get_bar_addr(dev, 2), ==, 0x10000c000ULL);
    g_assert_cmphex(as_readl(f->mem_as, 0x10000c004ULL), ==, 0xa4);
    g_assert_cmpstr(bar_log(dev), ==, "bar2 r4@4;");
    /* Crossing 4 GiB is fine for it. */
    cfg_write(f, dev, 0x1c, 0, 4);
    cfg_write(f, dev, 0x18, 0xffffc000, 4);
    g_assert_cmphex(qmem_pci_get_bar_addr(dev, 2), ==, 0xffffc000);
    /* Its last byte may not be the unmapped value. */
    cfg_write(f, dev, 0x1c, 0xffffffff, 4);
    g_assert_cmphex(qmem_pci_get_bar_addr(dev, 2), ==, QMEM_PCI_BAR_UNMAPPED);
    cfg_write(f, dev, 0x18, 0xffff8000, 4);
    g_assert_cmphex(qmem_pci_get_bar_addr(dev, 2), ==,
                    0xffffffffffff8000ULL);
    g_assert_cmphex(cfg_read(f, dev, 0x18, 4), ==, 0xffff800c);
}

/* An I/O BAR maps with IO, below 4 GiB and not at 0. */
static void test_bar_map_io(Fixture *f, gconstpointer data)
{
    QmemPciDevice *dev = add(f, test_pci_get_type(), -1);

    cfg_write(f, dev, 0x10, 0xc000, 4);
    g_assert_cmphex(cfg_read(f, dev, 0x10, 4), ==, 0xc001);
    cfg_write(f, dev, QMEM_PCI_COMMAND, QMEM_PCI_COMMAND_MEMORY, 2);
    g_assert_cmphex(qmem_pci_get_bar_addr(dev, 0), ==, QMEM_PCI_BAR_UNMAPPED);
    cfg_write(f, dev, QMEM_PCI_COMMAND, QMEM_PCI_COMMAND_IO, 2);
    g_assert_cmphex(qmem_pci_get_bar_addr(dev, 0), ==, 0xc000);
    g_assert_cmphex(as_readl(f->io_as, 0xc01c), ==, 0xbc);
    g_assert_cmpstr(bar_log(dev), ==, "bar0 r4@1c;");
    /* The port background comes back once it goes. */
    cfg_write(f, dev, 0x10, 0xffffffe0, 4);
    g_assert_cmphex(qmem_pci_get_bar_addr(dev, 0), ==, QMEM_PCI_BAR_UNMAPPED);
    g_assert_cmphex(as_readl(f->io_as, 0xc01c), ==, 0xffffffff);
    /* Beyond the 64 KiB of ports it maps, and is reached by nothing. */
    cfg_write(f, dev, 0x10, 0x10000, 4);
    g_assert_cmphex(qmem_pci_get_bar_addr(dev, 0), ==, 0x10000);
}

/* Two functions' BARs on top of each other: the later mapping shows. */
static void test_bar_overlap(Fixture *f, gconstpointer data)
{
    QmemPciDevice *a = add(f, test_pci_get_type(), -1);

    cfg_write(f, a, 0x14, 0xe0000000, 4);
    cfg_write(f, a, 0x18, 0xe0000000, 4);
    cfg_write(f, a, QMEM_PCI_COMMAND, QMEM_PCI_COMMAND_MEMORY, 2);
    g_assert_cmphex(qmem_pci_get_bar_addr(a, 1), ==, 0xe0000000);
    g_assert_cmphex(qmem_pci_get_bar_addr(a, 2), ==, 0xe0000000);
    g_assert_cmphex(as_readl(f->mem_as, 0xe0000000), ==, 0xa0);
    g_assert_cmphex(as_readl(f->mem_as, 0xe0003000), ==, 0xa0 + 0x3000);
    g_assert_cmpstr(bar_log(a), ==, "bar2 r4@0;bar2 r4@3000;");
    clear_log(a);
    /* Moving BAR2 away uncovers BAR1. */
    cfg_write(f, a, 0x18, 0xe0010000, 4);
    g_assert_cmphex(as_readl(f->mem_as, 0xe0000000), ==, 0xa0);
    g_assert_cmpstr(bar_log(a), ==, "bar1 r4@0;");
}

/* A failing realize leaves no BAR, slot or reference behind. */
static void test_realize_fails(Fixture *f, gconstpointer data)
{
    g_autoptr(GError) error = NULL;
    QmemPciDevice *dev = g_object_new(test_pci_get_type(), NULL);

    track(f, dev);
    g_ptr_array_add(f->devices, dev);
    TEST_PCI(dev)->fail_realize = TRUE;
    g_assert_false(qmem_device_realize(QMEM_DEVICE(dev), QMEM_BUS(f->bus),
                                       &error));
    g_assert_cmpstr(error->message, ==, "no, thanks");
    g_assert_null(qmem_pci_bus_get_device(f->bus, 0));
    g_assert_null(qmem_device_get_parent_bus(QMEM_DEVICE(dev)));
    g_assert_cmpint(qmem_pci_device_get_devfn(dev), ==, -1);
    g_assert_cmpuint(qmem_pci_get_bar_size(dev, 1), ==, 0);
    g_assert_false(qmem_memory_region_is_mapped(TEST_PCI(dev)->bars[1]));
}

/* Unplugging unmaps the BARs and frees the slot. */
static void test_unplug(Fixture *f, gconstpointer data)
{
    QmemPciDevice *dev = add(f, test_pci_get_type(), 0x18);

    cfg_write(f, dev, 0x14, 0xe0000000, 4);
    cfg_write(f, dev, QMEM_PCI_COMMAND, QMEM_PCI_COMMAND_MEMORY, 2);
    g_assert_true(qmem_memory_region_is_mapped(TEST_PCI(dev)->bars[1]));
    qmem_device_unplug_all();
    g_assert_false(qmem_memory_region_is_mapped(TEST_PCI(dev)->bars[1]));
    g_assert_null(qmem_pci_bus_get_device(f->bus, 0x18));
    g_assert_cmphex(qmem_pci_data_read(f->bus, 0x1800, 4), ==, 0xffffffff);
}

/* ------------------------------------------------------------------ */
/* Capabilities */

static void test_capabilities(Fixture *f, gconstpointer data)
{
    QmemPciDevice *dev = add(f, test_pci_sub_get_type(), 0x18);
    g_autoptr(GError) error = NULL;
    guint8 *config = qmem_pci_device_get_config(dev);

    g_assert_cmpuint(qmem_pci_find_capability(dev, QMEM_PCI_CAP_ID_VNDR), ==,
                     0);
    g_assert_cmpuint(qmem_pci_add_capability(dev, QMEM_PCI_CAP_ID_VNDR, 0x40,
                                             16, &error), ==, 0x40);
    g_assert_no_error(error);
    /* Each new one heads the list. */
    g_assert_cmpuint(qmem_pci_add_capability(dev, QMEM_PCI_CAP_ID_MSIX, 0x60,
                                             12, &error), ==, 0x60);
    g_assert_cmphex(cfg_read(f, dev, QMEM_PCI_CAPABILITY_LIST, 1), ==, 0x60);
    g_assert_cmphex(cfg_read(f, dev, 0x60, 2), ==, 0x4011);
    g_assert_cmphex(cfg_read(f, dev, 0x40, 2), ==, 0x0009);
    g_assert_cmphex(cfg_read(f, dev, QMEM_PCI_STATUS, 2), ==,
                    QMEM_PCI_STATUS_CAP_LIST);
    g_assert_cmpuint(qmem_pci_find_capability(dev, QMEM_PCI_CAP_ID_VNDR), ==,
                     0x40);
    g_assert_cmpuint(qmem_pci_find_capability(dev, QMEM_PCI_CAP_ID_MSI), ==,
                     0);
    /* Offset 0: the first free bytes after the header (4-aligned use). */
    g_assert_cmpuint(qmem_pci_add_capability(dev, QMEM_PCI_CAP_ID_PM, 0, 8,
                                             &error), ==, 0x50);
    g_assert_cmpuint(qmem_pci_add_capability(dev, QMEM_PCI_CAP_ID_MSI, 0, 6,
                                             &error), ==, 0x58);
    /* Read-only for the guest; the bytes around them stay writable. */
    cfg_write(f, dev, 0x40, 0xffffffff, 4);
    g_assert_cmphex(cfg_read(f, dev, 0x40, 4), ==, 0x00000009);
    cfg_write(f, dev, 0x5c, 0xffffffff, 4);
    g_assert_cmphex(cfg_read(f, dev, 0x5c, 4), ==, 0xffff0000);
    /* An overlap, in QEMU's words; the list does not change. */
    g_assert_cmpuint(qmem_pci_add_capability(dev, QMEM_PCI_CAP_ID_EXP, 0x48,
                                             12, &error), ==, 0);
    g_assert_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC);
    g_assert_cmpstr(error->message, ==,
                    "pci.0:00:03.0 Attempt to add PCI capability 10 at "
                    "offset 48 overlaps existing capability 40 at offset 48");
    g_assert_cmphex(config[QMEM_PCI_CAPABILITY_LIST], ==, 0x58);
    /* Deleting unlinks it and makes its bytes writable. */
    qmem_pci_del_capability(dev, QMEM_PCI_CAP_ID_VNDR, 16);
    g_assert_cmpuint(qmem_pci_find_capability(dev, QMEM_PCI_CAP_ID_VNDR), ==,
                     0);
    g_assert_cmphex(config[0x61], ==, 0);
    cfg_write(f, dev, 0x40, 0x12345678, 4);
    g_assert_cmphex(cfg_read(f, dev, 0x40, 4), ==, 0x12345678);
    g_assert_cmphex(cfg_read(f, dev, QMEM_PCI_STATUS, 2), ==,
                    QMEM_PCI_STATUS_CAP_LIST);
}

/* ------------------------------------------------------------------ */
/* Config space as the mechanisms see it */

static void test_absent(Fixture *f, gconstpointer data)
{
    QmemPciDevice *dev = add(f, test_pci_sub_get_type(), 0x10);

    g_assert_cmphex(qmem_pci_data_read(f->bus, 0x1000, 4), ==, 0x00018086);
    g_assert_cmphex(qmem_pci_data_read(f->bus, 0x1100, 4), ==, 0xffffffff);
    g_assert_cmphex(qmem_pci_data_read(f->bus, 0x0000, 2), ==, 0xffffffff);
    /* Only bus 0 exists. */
    g_assert_cmphex(qmem_pci_data_read(f->bus, 0x11000, 4), ==, 0xffffffff);
    g_assert_null(qmem_pci_find_device(f->bus, 1, 0x10));
    g_assert_true(qmem_pci_find_device(f->bus, 0, 0x10) == dev);
    /* Writes to nothing go nowhere. */
    qmem_pci_data_write(f->bus, 0x1100, 0, 4);
    /* A read reaching past the end is cut there. */
    g_assert_cmphex(qmem_pci_host_config_read_common(dev, 0xfe, 256, 4), ==,
                    0);
    g_assert_cmphex(qmem_pci_host_config_read_common(dev, 0x100, 4096, 4), ==,
                    0xffffffff);
}

/* ------------------------------------------------------------------ */
/* INTx */

static void test_intx(Fixture *f, gconstpointer data)
{
    QmemPciDevice *a = add(f, test_pci_get_type(), 0x08);   /* slot 1 */
    QmemPciDevice *b = add(f, test_pci_get_type(), 0x28);   /* slot 5 */

    qmem_pci_set_irq(a, 1);
    g_assert_cmpstr(f->irq_log->str, ==, "1=1;");
    g_assert_cmphex(cfg_read(f, a, QMEM_PCI_STATUS, 2), ==,
                    QMEM_PCI_STATUS_INTERRUPT);
    g_assert_cmpint(qmem_pci_bus_get_irq_level(f->bus, 1), ==, 1);
    /* Same level again: nothing happens. */
    qmem_pci_set_irq(a, 1);
    g_assert_cmpstr(f->irq_log->str, ==, "1=1;");
    /* Slot 5 INTA shares line 1: the line counts both. */
    qmem_pci_set_irq(b, 1);
    qmem_pci_set_irq(a, 0);
    g_assert_cmpstr(f->irq_log->str, ==, "1=1;1=1;1=1;");
    g_assert_cmphex(cfg_read(f, a, QMEM_PCI_STATUS, 2), ==, 0);
    /* INTX_DISABLE holds the pin back, the status bit still shows it. */
    cfg_write(f, b, QMEM_PCI_COMMAND, QMEM_PCI_COMMAND_INTX_DISABLE, 2);
    g_assert_cmpstr(f->irq_log->str, ==, "1=1;1=1;1=1;1=0;");
    g_assert_cmphex(cfg_read(f, b, QMEM_PCI_STATUS, 2), ==,
                    QMEM_PCI_STATUS_INTERRUPT);
    g_assert_true(qmem_pci_irq_disabled(b));
    qmem_pci_set_irq(b, 0);
    qmem_pci_set_irq(b, 1);
    g_assert_cmpstr(f->irq_log->str, ==, "1=1;1=1;1=1;1=0;");
    cfg_write(f, b, QMEM_PCI_COMMAND, 0, 2);
    g_assert_cmpstr(f->irq_log->str, ==, "1=1;1=1;1=1;1=0;1=1;");
    /* Unplug lowers what the function holds. */
    qmem_device_unplug_all();
    g_assert_cmpstr(f->irq_log->str, ==, "1=1;1=1;1=1;1=0;1=1;1=0;");
    g_assert_cmpint(qmem_pci_bus_get_irq_level(f->bus, 1), ==, 0);
}

/* ------------------------------------------------------------------ */
/* Bus mastering: DMA and MSI */

static void test_dma(Fixture *f, gconstpointer data)
{
    QmemPciDevice *dev = add(f, test_pci_sub_get_type(), -1);
    const guint8 out[4] = { 1, 2, 3, 4 };
    guint8 in[4] = { 0xee, 0xee, 0xee, 0xee };
    guint8 *ram = f->ram->host;

    g_assert_false(qmem_pci_is_bus_master(dev));
    g_assert_false(qmem_pci_dma_write(dev, 0x100, out, 4));
    g_assert_cmpuint(ram[0x100], ==, 0);
    ram[0x200] = 0x42;
    g_assert_false(qmem_pci_dma_read(dev, 0x200, in, 4));
    g_assert_cmpuint(in[0], ==, 0);

    cfg_write(f, dev, QMEM_PCI_COMMAND, QMEM_PCI_COMMAND_MASTER, 2);
    g_assert_true(qmem_pci_is_bus_master(dev));
    g_assert_true(qmem_pci_dma_write(dev, 0x100, out, 4));
    g_assert_cmpmem(ram + 0x100, 4, out, 4);
    g_assert_true(qmem_pci_dma_read(dev, 0x200, in, 4));
    g_assert_cmpuint(in[0], ==, 0x42);
    /* Past the end of RAM is nothing. */
    g_assert_false(qmem_pci_dma_write(dev, 64 * KiB - 2, out, 4));

    cfg_write(f, dev, QMEM_PCI_COMMAND, 0, 2);
    g_assert_false(qmem_pci_dma_write(dev, 0x300, out, 4));
    g_assert_cmpuint(ram[0x300], ==, 0);
}

static void test_msi(Fixture *f, gconstpointer data)
{
    QmemPciDevice *dev = add(f, test_pci_sub_get_type(), -1);
    guint8 *ram = f->ram->host;

    g_assert_false(qmem_pci_msi_send(dev, 0xfee01000, 0x4041));
    g_assert_cmpstr(f->msi_log->str, ==, "");
    cfg_write(f, dev, QMEM_PCI_COMMAND, QMEM_PCI_COMMAND_MASTER, 2);
    g_assert_true(qmem_pci_msi_send(dev, 0xfee01000, 0x4041));
    g_assert_cmpstr(f->msi_log->str, ==, "w4@1000=4041;");
    /* Anywhere else it is a plain little-endian dword write. */
    g_assert_true(qmem_pci_msi_send(dev, 0x400, 0x11223344));
    g_assert_cmphex(ram[0x400], ==, 0x44);
    g_assert_cmphex(ram[0x403], ==, 0x11);
    g_assert_false(qmem_pci_msi_send(dev, 0x80000000, 1));
    g_assert_cmpstr(qmem_memory_region_get_name(qmem_address_space_lookup(
                        qmem_pci_get_bus_master_as(dev), 0)->mr), ==, "ram");
}

/* ------------------------------------------------------------------ */
/* Reset */

static void test_reset(Fixture *f, gconstpointer data)
{
    QmemPciDevice *dev = add(f, test_pci_get_type(), 0x08);

    cfg_write(f, dev, 0x14, 0xe0000000, 4);
    cfg_write(f, dev, QMEM_PCI_COMMAND,
              QMEM_PCI_COMMAND_MEMORY | QMEM_PCI_COMMAND_MASTER, 2);
    cfg_write(f, dev, QMEM_PCI_INTERRUPT_LINE, 0x0b, 1);
    cfg_write(f, dev, QMEM_PCI_CACHE_LINE_SIZE, 0x10, 1);
    qmem_pci_set_irq(dev, 1);
    qmem_pci_device_reset(dev);
    g_assert_cmphex(cfg_read(f, dev, QMEM_PCI_COMMAND, 4), ==, 0);
    g_assert_cmphex(cfg_read(f, dev, 0x14, 4), ==, 0);
    g_assert_cmphex(cfg_read(f, dev, 0x18, 4), ==, 0xc);
    g_assert_cmphex(cfg_read(f, dev, QMEM_PCI_INTERRUPT_LINE, 2), ==, 0x0100);
    g_assert_cmphex(cfg_read(f, dev, QMEM_PCI_CACHE_LINE_SIZE, 1), ==, 0);
    g_assert_cmphex(qmem_pci_get_bar_addr(dev, 1), ==, QMEM_PCI_BAR_UNMAPPED);
    g_assert_false(qmem_pci_is_bus_master(dev));
    g_assert_cmpstr(f->irq_log->str, ==, "1=1;1=0;");
}

/* ------------------------------------------------------------------ */
/* Placement */

static void test_place_auto(Fixture *f, gconstpointer data)
{
    g_autoptr(GError) error = NULL;
    QmemPciDevice *d;

    add(f, test_pci_sub_get_type(), 0x00);
    add(f, test_pci_sub_get_type(), 0x18);
    /* Function 0 of the first slot whose function 0 is free. */
    d = add(f, test_pci_sub_get_type(), -1);
    g_assert_cmpint(qmem_pci_device_get_devfn(d), ==, 0x08);
    d = add(f, test_pci_sub_get_type(), -1);
    g_assert_cmpint(qmem_pci_device_get_devfn(d), ==, 0x10);
    for (int slot = 4; slot < 32; slot++) {
        d = add(f, test_pci_sub_get_type(), -1);
        g_assert_cmpint(qmem_pci_device_get_devfn(d), ==, slot << 3);
    }
    g_assert_null(try_add(f, test_pci_sub_get_type(), -1, FALSE, &error));
    g_assert_cmpstr(error->message, ==,
                    "PCI: no slot/function available for TestPciSub, all "
                    "in use or reserved");
}

typedef struct {
    const char *name;
    int first;
    gboolean first_mf;
    int second;
    gboolean second_mf;
    const char *error;
} PlaceCase;

static const PlaceCase place_cases[] = {
    { "taken", 0x10, FALSE, 0x10, FALSE,
      "PCI: slot 2 function 0 not available for TestPciSub, in use by "
      "TestPciSub,id=(null)" },
    { "single-function-0", 0x10, FALSE, 0x11, FALSE,
      "PCI: single function device can't be populated in function 2.1" },
    { "function-above-first", 0x13, FALSE, 0x10, FALSE,
      "PCI: 2.0 indicates single function, but 2.3 is already populated." },
    { "hex-slot", 0xf8, FALSE, 0xf9, FALSE,
      "PCI: single function device can't be populated in function 1f.1" },
    { "multifunction", 0x10, TRUE, 0x17, FALSE, NULL },
    { "function-above-then-mf", 0x13, FALSE, 0x10, TRUE, NULL },
    /* Choosing does not look at the functions above 0. */
    { "auto-next-to-function", 0x01, FALSE, -1, FALSE,
      "PCI: 0.0 indicates single function, but 0.1 is already populated." },
};

static void test_place_case(Fixture *f, gconstpointer data)
{
    const PlaceCase *c = data;
    g_autoptr(GError) error = NULL;
    QmemPciDevice *second;

    g_assert_nonnull(try_add(f, test_pci_sub_get_type(), c->first,
                             c->first_mf, &error));
    second = try_add(f, test_pci_sub_get_type(), c->second, c->second_mf,
                     &error);
    if (!c->error) {
        g_assert_no_error(error);
        g_assert_nonnull(second);
        /* Function 0 announces the others. */
        g_assert_cmphex(qmem_pci_data_read(f->bus, c->second << 8 |
                                           QMEM_PCI_HEADER_TYPE, 1), ==,
                        c->second_mf ? 0x80 : 0);
        return;
    }
    g_assert_null(second);
    g_assert_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC);
    g_assert_cmpstr(error->message, ==, c->error);
    g_assert_true(qmem_pci_bus_get_device(f->bus, c->first) != NULL);
    if (c->second >= 0 && c->second != c->first) {
        g_assert_null(qmem_pci_bus_get_device(f->bus, c->second));
    }
}

/* ------------------------------------------------------------------ */
/* The "addr" property */

typedef struct {
    const char *json;           /* the value as JSON text */
    QmemInputKind kind;
    int devfn;                  /* -2: refused */
    const char *error;
} AddrCase;

static const AddrCase addr_cases[] = {
    { "\"0x2\"", QMEM_INPUT_KEYVAL, 0x10 },
    { "\"2\"", QMEM_INPUT_KEYVAL, 0x10 },
    { "\"2.1\"", QMEM_INPUT_KEYVAL, 0x11 },
    { "\"02.1\"", QMEM_INPUT_KEYVAL, 0x11 },
    { "\"1f.7\"", QMEM_INPUT_KEYVAL, 0xff },
    { "\"0x2.0x1\"", QMEM_INPUT_KEYVAL, 0x11 },
    { "\" 2\"", QMEM_INPUT_KEYVAL, 0x10 },
    { "\"2.1\"", QMEM_INPUT_STRING, 0x11 },
    { "\"2.1\"", QMEM_INPUT_JSON, 0x11 },
    { "\"0x20\"", QMEM_INPUT_KEYVAL, -2,
      "Property 'TestPci.addr' doesn't take value '0x20'" },
    { "\"2.8\"", QMEM_INPUT_KEYVAL, -2,
      "Property 'TestPci.addr' doesn't take value '2.8'" },
    { "\"-1\"", QMEM_INPUT_KEYVAL, -2,
      "Property 'TestPci.addr' doesn't take value '-1'" },
    { "\"\"", QMEM_INPUT_KEYVAL, -2,
      "Property 'TestPci.addr' doesn't take value ''" },
    { "\"2.\"", QMEM_INPUT_KEYVAL, -2,
      "Property 'TestPci.addr' doesn't take value '2.'" },
    { "\"0:2.0\"", QMEM_INPUT_KEYVAL, -2,
      "Property 'TestPci.addr' doesn't take value '0:2.0'" },
    { "\"2 \"", QMEM_INPUT_JSON, -2,
      "Property 'TestPci.addr' doesn't take value '2 '" },
    { "-1", QMEM_INPUT_JSON, -1 },
    { "0", QMEM_INPUT_JSON, 0 },
    { "255", QMEM_INPUT_JSON, 255 },
    { "256", QMEM_INPUT_JSON, -2,
      "Parameter 'addr' expects a value between -1 and 255" },
    { "-2", QMEM_INPUT_JSON, -2,
      "Parameter 'addr' expects a value between -1 and 255" },
    { "4294967296", QMEM_INPUT_JSON, -2, "Parameter 'addr' expects int32_t" },
    { "2.5", QMEM_INPUT_JSON, -2,
      "Invalid parameter type for 'addr', expected: integer" },
    { "true", QMEM_INPUT_JSON, -2,
      "Invalid parameter type for 'addr', expected int or str" },
    { "null", QMEM_INPUT_JSON, -2,
      "Invalid parameter type for 'addr', expected int or str" },
    { "[1]", QMEM_INPUT_JSON, -2,
      "Invalid parameter type for 'addr', expected int or str" },
};

static void test_addr_case(gconstpointer data)
{
    const AddrCase *c = data;
    g_autoptr(GError) error = NULL;
    g_autoptr(QmemPciDevice) dev = g_object_new(test_pci_get_type(), NULL);
    g_autoptr(JsonNode) node = json_from_string(c->json, &error);
    int devfn;

    g_assert_no_error(error);
    if (!qmem_property_set_input(QMEM_OBJECT(dev), "addr", node, c->kind,
                                 &error)) {
        g_assert_cmpint(c->devfn, ==, -2);
        g_assert_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC);
        g_assert_cmpstr(error->message, ==, c->error);
        g_object_get(dev, "addr", &devfn, NULL);
        g_assert_cmpint(devfn, ==, -1);
        return;
    }
    g_object_get(dev, "addr", &devfn, NULL);
    g_assert_cmpint(devfn, ==, c->devfn);
}

/* OPTS repeats keys; the last one counts, parsed the same way. */
static void test_addr_opts(void)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(QmemPciDevice) dev = g_object_new(test_pci_get_type(), NULL);
    g_autoptr(JsonNode) node = json_from_string("[\"1\", \"3.2\"]", &error);
    int devfn;

    g_assert_true(qmem_property_set_input(QMEM_OBJECT(dev), "addr", node,
                                          QMEM_INPUT_OPTS, &error));
    g_object_get(dev, "addr", &devfn, NULL);
    g_assert_cmpint(devfn, ==, 0x1a);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    qmem_type_register_name("TestPci", test_pci_get_type());
    qmem_type_register_name("TestPciSub", test_pci_sub_get_type());

#define ADD(name, fn) \
    g_test_add("/hw/pci/" name, Fixture, NULL, setup, fn, teardown)
    ADD("config/identity", test_identity);
    ADD("config/wmask", test_wmask);
    ADD("config/w1c", test_w1c);
    ADD("config/absent", test_absent);
    ADD("bar/sizing", test_bar_sizing);
    ADD("bar/map-memory", test_bar_map_memory);
    ADD("bar/map-limits", test_bar_map_limits);
    ADD("bar/map-64bit", test_bar_map_64bit);
    ADD("bar/map-io", test_bar_map_io);
    ADD("bar/overlap", test_bar_overlap);
    ADD("realize/fails", test_realize_fails);
    ADD("realize/unplug", test_unplug);
    ADD("capability/chain", test_capabilities);
    ADD("intx", test_intx);
    ADD("dma", test_dma);
    ADD("msi", test_msi);
    ADD("reset", test_reset);
    ADD("place/auto", test_place_auto);
#undef ADD
    for (gsize i = 0; i < G_N_ELEMENTS(place_cases); i++) {
        g_autofree char *path =
            g_strdup_printf("/hw/pci/place/%s", place_cases[i].name);

        g_test_add(path, Fixture, &place_cases[i], setup, test_place_case,
                   teardown);
    }
    for (gsize i = 0; i < G_N_ELEMENTS(addr_cases); i++) {
        g_autofree char *path = g_strdup_printf("/hw/pci/property/addr/%zu",
                                                i);

        g_test_add_data_func(path, &addr_cases[i], test_addr_case);
    }
    g_test_add_func("/hw/pci/property/addr/opts", test_addr_opts);
    return g_test_run();
}
