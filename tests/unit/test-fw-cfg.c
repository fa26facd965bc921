/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The fw_cfg device: items, files, the selector and data ports, DMA. */

/*
 * Each test puts a fw_cfg on a "none" machine with 1 MiB of RAM at 0 and
 * talks to it as a vCPU does, through the machine's port and memory
 * address spaces.  What QEMU 7.2 answers for the same accesses on pc is
 * checked against the binary in tests/qtest/test-fw-cfg.c.
 */

#include <string.h>
#include "hw/acpi/utils.h"
#include "hw/core/boards.h"
#include "hw/nvram/fw_cfg.h"
#include "test-machine.h"
#include "util/error.h"

#define RAM_SIZE (1 << 20)
#define DESC 0x1000
#define BUF 0x2000
#define DMA_SELECT_READ (QMEM_FW_CFG_DMA_CTL_SELECT | QMEM_FW_CFG_DMA_CTL_READ)

typedef struct {
    MachineFixture base;
    QmemMachine *machine;
    QmemFWCfg *fw_cfg;
    guint select_calls;
    guint write_calls;
    guint32 write_offset;
    guint32 write_len;
} Fixture;

/* QEMU's "none" with 1 MiB of RAM at 0, on the qtest accelerator. */
static const MachineConfig none_1m = {
    .machine = "none",
    .m = "1M",
};

static void machine_setup(Fixture *f)
{
    machine_fixture_setup(&f->base, &none_1m);
    f->machine = f->base.machine;
}

/* @s is realized on the machine, and must be gone by teardown. */
static void use_fw_cfg(Fixture *f, QmemFWCfg *s)
{
    f->fw_cfg = s;
    track(&f->base, s);
}

static void setup_with(Fixture *f, gboolean dma, guint slots)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(QmemFWCfg) s = g_object_new(QMEM_TYPE_FW_CFG,
                                          QMEM_FW_CFG_PROP_DMA_ENABLED, dma,
                                          QMEM_FW_CFG_PROP_FILE_SLOTS, slots,
                                          NULL);

    machine_setup(f);
    g_assert_true(qmem_fw_cfg_realize_io(
        s, f->machine, 0x510, 0x514,
        qmem_machine_get_address_space(f->machine), &error));
    g_assert_no_error(error);
    use_fw_cfg(f, s);
}

static void setup(Fixture *f, gconstpointer data)
{
    setup_with(f, TRUE, QMEM_FW_CFG_FILE_SLOTS_DFLT);
}

static void teardown(Fixture *f, gconstpointer data)
{
    machine_fixture_teardown(&f->base, NULL);
}

/* Port and memory accesses, as a vCPU makes them. */

static guint64 in(Fixture *f, guint16 port, guint size)
{
    guint8 buf[8] = { 0 };
    guint64 v = 0;

    qmem_address_space_rw(qmem_machine_get_io_address_space(f->machine),
                          port, buf, size, FALSE);
    for (guint i = 0; i < size; i++) {
        v |= (guint64)buf[i] << (8 * i);
    }
    return v;
}

static void out(Fixture *f, guint16 port, guint size, guint64 value)
{
    guint8 buf[8];

    for (guint i = 0; i < size; i++) {
        buf[i] = value >> (8 * i);
    }
    qmem_address_space_rw(qmem_machine_get_io_address_space(f->machine),
                          port, buf, size, TRUE);
}

static void mem_write(Fixture *f, guint64 addr, const void *buf, gsize len)
{
    qmem_address_space_rw(qmem_machine_get_address_space(f->machine), addr,
                          (void *)buf, len, TRUE);
}

static void mem_read(Fixture *f, guint64 addr, void *buf, gsize len)
{
    qmem_address_space_rw(qmem_machine_get_address_space(f->machine), addr,
                          buf, len, FALSE);
}

static void read_item(Fixture *f, guint16 key, guint8 *buf, gsize len)
{
    out(f, 0x510, 2, key);
    for (gsize i = 0; i < len; i++) {
        buf[i] = in(f, 0x511, 1);
    }
}

/* Hands the device a descriptor at @desc; returns its control word. */
static guint32 dma_at(Fixture *f, guint64 desc, guint32 control,
                      guint32 length, guint64 address)
{
    QmemFWCfgDmaAccess d = {
        GUINT32_TO_BE(control), GUINT32_TO_BE(length),
        GUINT64_TO_BE(address),
    };
    guint32 be = 0;

    if (desc < RAM_SIZE - sizeof(d)) {
        mem_write(f, desc, &d, sizeof(d));
    }
    out(f, 0x514, 4, GUINT32_SWAP_LE_BE((guint32)(desc >> 32)));
    out(f, 0x518, 4, GUINT32_SWAP_LE_BE((guint32)desc));
    if (desc < RAM_SIZE - sizeof(d)) {
        mem_read(f, desc, &be, sizeof(be));
    }
    return GUINT32_FROM_BE(be);
}

static guint32 dma(Fixture *f, guint32 control, guint32 length,
                   guint64 address)
{
    return dma_at(f, DESC, control, length, address);
}

/* Items a test adds */

static void add_test_items(Fixture *f)
{
    qmem_fw_cfg_add_bytes(f->fw_cfg, 0x10, g_memdup2("abcdef", 6), 6);
    qmem_fw_cfg_add_string(f->fw_cfg, 0x11, "str");
    qmem_fw_cfg_add_i64(f->fw_cfg, QMEM_FW_CFG_ARCH_LOCAL + 3,
                        0x1122334455667788);
}

/* Realize */

static void test_realize_items(Fixture *f, gconstpointer data)
{
    guint8 buf[16];
    static const guint8 zero[16];

    /* The reset state: the signature is selected. */
    g_assert_cmphex(in(f, 0x511, 1), ==, 'Q');
    read_item(f, QMEM_FW_CFG_SIGNATURE, buf, 4);
    g_assert_cmpmem(buf, 4, "QEMU", 4);
    read_item(f, QMEM_FW_CFG_ID, buf, 4);
    g_assert_cmpmem(buf, 4, "\x03\0\0\0", 4);
    read_item(f, QMEM_FW_CFG_UUID, buf, 16);
    g_assert_cmpmem(buf, 16, zero, 16);
    read_item(f, QMEM_FW_CFG_NOGRAPHIC, buf, 2);
    g_assert_cmpmem(buf, 2, zero, 2);
    read_item(f, QMEM_FW_CFG_BOOT_MENU, buf, 2);
    g_assert_cmpmem(buf, 2, zero, 2);
    g_assert_true(qmem_fw_cfg_find(f->machine) == f->fw_cfg);
    g_assert_true(qmem_fw_cfg_dma_enabled(f->fw_cfg));
}

static void test_realize_no_dma(void)
{
    Fixture f = { 0 };
    guint8 buf[4];

    setup_with(&f, FALSE, QMEM_FW_CFG_FILE_SLOTS_DFLT);
    read_item(&f, QMEM_FW_CFG_ID, buf, 4);
    g_assert_cmpmem(buf, 4, "\x01\0\0\0", 4);
    g_assert_false(qmem_fw_cfg_dma_enabled(f.fw_cfg));
    /* Nothing at 0x514: unassigned ports read all-ones. */
    g_assert_cmphex(in(&f, 0x514, 4), ==, 0xffffffff);
    teardown(&f, NULL);
}

static void expect_realize_error(guint slots, const char *message)
{
    Fixture f = { 0 };
    g_autoptr(GError) error = NULL;
    QmemFWCfg *s = g_object_new(QMEM_TYPE_FW_CFG,
                                QMEM_FW_CFG_PROP_FILE_SLOTS, slots, NULL);
    gpointer *alive;

    machine_setup(&f);
    alive = track(&f.base, s);
    g_assert_false(qmem_fw_cfg_realize_io(
        s, f.machine, 0x510, 0x514,
        qmem_machine_get_address_space(f.machine), &error));
    g_assert_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC);
    g_assert_cmpstr(error->message, ==, message);
    /* Nothing left behind: no child, no ports. */
    g_assert_null(qmem_fw_cfg_find(f.machine));
    g_assert_cmphex(in(&f, 0x510, 2), ==, 0xffff);
    g_object_unref(s);
    g_assert_null(*alive);
    teardown(&f, NULL);
}

static void test_realize_slots(void)
{
    expect_realize_error(0xf, "\"file_slots\" must be at least 0x10");
    expect_realize_error(0x3fe1, "\"file_slots\" must not exceed 0x3fe0");
}

static void test_realize_twice(Fixture *f, gconstpointer data)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(QmemFWCfg) second = qmem_fw_cfg_new();

    g_assert_null(qmem_fw_cfg_init_io_dma(f->machine, 0x600, 0, NULL,
                                          &error));
    g_assert_cmpstr(error->message, ==,
                    "at most one fw_cfg device is permitted");
    g_clear_error(&error);
    g_assert_false(qmem_fw_cfg_realize_io(second, f->machine, 0x600, 0,
                                          NULL, &error));
    g_assert_cmpstr(error->message, ==,
                    "at most one fw_cfg device is permitted");
    g_assert_true(qmem_fw_cfg_find(f->machine) == f->fw_cfg);
    g_assert_cmphex(in(f, 0x600, 2), ==, 0xffff);
}

/* Selector and data ports */

static void test_ports_offset(Fixture *f, gconstpointer data)
{
    add_test_items(f);
    out(f, 0x510, 2, 0x10);
    g_assert_cmphex(in(f, 0x511, 1), ==, 'a');
    g_assert_cmphex(in(f, 0x511, 1), ==, 'b');
    /* Selecting again starts over, even the same item. */
    out(f, 0x510, 2, 0x10);
    g_assert_cmphex(in(f, 0x511, 1), ==, 'a');
    /* The data port answers byte reads at either port. */
    g_assert_cmphex(in(f, 0x510, 1), ==, 'b');
    for (guint i = 0; i < 4; i++) {
        in(f, 0x511, 1);
    }
    /* Past the end: zeros, for ever. */
    g_assert_cmphex(in(f, 0x511, 1), ==, 0);
    g_assert_cmphex(in(f, 0x511, 1), ==, 0);
}

static void test_ports_sizes(Fixture *f, gconstpointer data)
{
    add_test_items(f);
    out(f, 0x510, 2, 0x10);
    /* Wider reads are refused: 0, and the offset stays. */
    g_assert_cmphex(in(f, 0x510, 2), ==, 0);
    g_assert_cmphex(in(f, 0x510, 4), ==, 0);
    g_assert_cmphex(in(f, 0x511, 1), ==, 'a');
    /* A word at 0x511 is two bytes: the data port's, then nothing's. */
    g_assert_cmphex(in(f, 0x511, 2), ==, 0xff62);
    /* Writes other than a word at 0x510 change nothing. */
    out(f, 0x510, 1, 0x11);
    out(f, 0x511, 1, 0x11);
    out(f, 0x511, 2, 0x11);
    out(f, 0x510, 4, 0x11);
    g_assert_cmphex(in(f, 0x511, 1), ==, 'c');
}

static void test_ports_keys(Fixture *f, gconstpointer data)
{
    guint8 buf[8];

    add_test_items(f);
    read_item(f, QMEM_FW_CFG_ARCH_LOCAL + 3, buf, 8);
    g_assert_cmphex(GUINT64_FROM_LE(*(guint64 *)buf), ==,
                    0x1122334455667788);
    /* The write channel bit does not change which item it is. */
    read_item(f, QMEM_FW_CFG_WRITE_CHANNEL | 0x11, buf, 4);
    g_assert_cmpmem(buf, 4, "str", 4);
    /* Keys without an item, or beyond the table, read 0. */
    for (guint i = 0; i < 4; i++) {
        static const guint16 keys[] = {
            0x12, QMEM_FW_CFG_FILE_FIRST + QMEM_FW_CFG_FILE_SLOTS_DFLT,
            0x3fff, QMEM_FW_CFG_INVALID,
        };

        read_item(f, keys[i], buf, 1);
        g_assert_cmphex(buf[0], ==, 0);
    }
}

static void test_modify(Fixture *f, gconstpointer data)
{
    guint8 buf[8];

    add_test_items(f);
    qmem_fw_cfg_modify_string(f->fw_cfg, 0x11, "longer");
    read_item(f, 0x11, buf, 7);
    g_assert_cmpmem(buf, 7, "longer", 7);
    qmem_fw_cfg_modify_i16(f->fw_cfg, 0x11, 0xbeef);
    read_item(f, 0x11, buf, 3);
    g_assert_cmpmem(buf, 3, "\xef\xbe\0", 3);
    qmem_fw_cfg_modify_i32(f->fw_cfg, 0x10, 0x01020304);
    read_item(f, 0x10, buf, 5);
    g_assert_cmpmem(buf, 5, "\x04\x03\x02\x01\0", 5);
    qmem_fw_cfg_modify_i64(f->fw_cfg, 0x10, 7);
    read_item(f, 0x10, buf, 8);
    g_assert_cmpmem(buf, 8, "\x07\0\0\0\0\0\0\0", 8);
}

/* DMA */

static void test_dma_signature(Fixture *f, gconstpointer data)
{
    static const char sig[] = "QEMU CFG";

    for (guint i = 0; i < 8; i++) {
        g_assert_cmphex(in(f, 0x514 + i, 1), ==, (guint8)sig[i]);
    }
    g_assert_cmphex(in(f, 0x514, 2), ==, 0x4551);
    g_assert_cmphex(in(f, 0x514, 4), ==, 0x554d4551);
    g_assert_cmphex(in(f, 0x518, 4), ==, 0x47464320);
}

static void test_dma_read(Fixture *f, gconstpointer data)
{
    guint8 buf[8];

    add_test_items(f);
    g_assert_cmphex(dma(f, (0x10 << 16) | DMA_SELECT_READ, 4, BUF), ==, 0);
    mem_read(f, BUF, buf, 4);
    g_assert_cmpmem(buf, 4, "abcd", 4);
    /* Without SELECT it goes on where it was; past the end: zeros. */
    memset(buf, 0xee, sizeof(buf));
    mem_write(f, BUF, buf, sizeof(buf));
    g_assert_cmphex(dma(f, QMEM_FW_CFG_DMA_CTL_READ, 4, BUF), ==, 0);
    mem_read(f, BUF, buf, 5);
    g_assert_cmpmem(buf, 5, "ef\0\0\xee", 5);
    /* The ports see the offset DMA left. */
    g_assert_cmphex(dma(f, (0x10 << 16) | DMA_SELECT_READ, 1, BUF), ==, 0);
    g_assert_cmphex(in(f, 0x511, 1), ==, 'b');
}

static void test_dma_skip(Fixture *f, gconstpointer data)
{
    guint8 buf[4] = { 0xee, 0xee, 0xee, 0xee };

    add_test_items(f);
    mem_write(f, BUF, buf, sizeof(buf));
    g_assert_cmphex(dma(f, (0x10 << 16) | QMEM_FW_CFG_DMA_CTL_SELECT |
                        QMEM_FW_CFG_DMA_CTL_SKIP, 3, BUF), ==, 0);
    mem_read(f, BUF, buf, sizeof(buf));
    g_assert_cmpmem(buf, 4, "\xee\xee\xee\xee", 4);
    g_assert_cmphex(in(f, 0x511, 1), ==, 'd');
    /* Skipping past the end is no error either. */
    g_assert_cmphex(dma(f, QMEM_FW_CFG_DMA_CTL_SKIP, 100, BUF), ==, 0);
}

/* Zero length, or no operation: nothing moves, the selection does. */
static void test_dma_nothing(Fixture *f, gconstpointer data)
{
    guint8 buf[2] = { 0xee, 0xee };

    add_test_items(f);
    mem_write(f, BUF, buf, sizeof(buf));
    g_assert_cmphex(dma(f, (0x10 << 16) | DMA_SELECT_READ, 0, BUF), ==, 0);
    g_assert_cmphex(dma(f, (0x11 << 16) | QMEM_FW_CFG_DMA_CTL_SELECT, 2,
                        BUF), ==, 0);
    mem_read(f, BUF, buf, sizeof(buf));
    g_assert_cmpmem(buf, 2, "\xee\xee", 2);
    g_assert_cmphex(in(f, 0x511, 1), ==, 's');
}

static void on_write(gpointer opaque, guint32 offset, guint32 len)
{
    Fixture *f = opaque;

    f->write_calls++;
    f->write_offset = offset;
    f->write_len = len;
}

static void test_dma_write(Fixture *f, gconstpointer data)
{
    guint8 buf[6];
    guint16 sel = QMEM_FW_CFG_FILE_FIRST + 1;   /* after boot-fail-wait */

    qmem_fw_cfg_add_file_callback(f->fw_cfg, "etc/rw", NULL, on_write, f,
                                  g_memdup2("012345", 6), 6, FALSE);
    mem_write(f, BUF, "XYZ", 3);
    /* Skip 2, then write 3: the item changes, the callback hears it. */
    g_assert_cmphex(dma(f, (sel << 16) | QMEM_FW_CFG_DMA_CTL_SELECT |
                        QMEM_FW_CFG_DMA_CTL_SKIP, 2, 0), ==, 0);
    g_assert_cmphex(dma(f, QMEM_FW_CFG_DMA_CTL_WRITE, 3, BUF), ==, 0);
    g_assert_cmpuint(f->write_calls, ==, 1);
    g_assert_cmpuint(f->write_offset, ==, 2);
    g_assert_cmpuint(f->write_len, ==, 3);
    read_item(f, sel, buf, 6);
    g_assert_cmpmem(buf, 6, "01XYZ5", 6);
    /* Longer than what is left: refused, nothing written. */
    g_assert_cmphex(dma(f, (sel << 16) | QMEM_FW_CFG_DMA_CTL_SELECT |
                        QMEM_FW_CFG_DMA_CTL_WRITE, 7, BUF), ==,
                    QMEM_FW_CFG_DMA_CTL_ERROR);
    g_assert_cmpuint(f->write_calls, ==, 1);
    read_item(f, sel, buf, 6);
    g_assert_cmpmem(buf, 6, "01XYZ5", 6);
    /* READ wins over WRITE. */
    g_assert_cmphex(dma(f, (sel << 16) | DMA_SELECT_READ |
                        QMEM_FW_CFG_DMA_CTL_WRITE, 2, BUF), ==, 0);
    mem_read(f, BUF, buf, 3);
    g_assert_cmpmem(buf, 3, "01Z", 3);
}

static void test_dma_write_read_only(Fixture *f, gconstpointer data)
{
    guint8 buf[4];

    mem_write(f, BUF, "XXXX", 4);
    g_assert_cmphex(dma(f, (QMEM_FW_CFG_SIGNATURE << 16) |
                        QMEM_FW_CFG_DMA_CTL_SELECT |
                        QMEM_FW_CFG_DMA_CTL_WRITE, 4, BUF), ==,
                    QMEM_FW_CFG_DMA_CTL_ERROR);
    read_item(f, QMEM_FW_CFG_SIGNATURE, buf, 4);
    g_assert_cmpmem(buf, 4, "QEMU", 4);
    /* No item at all: an error too. */
    g_assert_cmphex(dma(f, (0x3f << 16) | QMEM_FW_CFG_DMA_CTL_SELECT |
                        QMEM_FW_CFG_DMA_CTL_WRITE, 4, BUF), ==,
                    QMEM_FW_CFG_DMA_CTL_ERROR);
}

static void test_dma_bad_addresses(Fixture *f, gconstpointer data)
{
    guint8 buf[4] = { 0xee, 0xee, 0xee, 0xee };

    add_test_items(f);
    /* Data beyond RAM: the part in RAM arrives, the control says ERROR. */
    g_assert_cmphex(dma(f, (0x10 << 16) | DMA_SELECT_READ, 6,
                        RAM_SIZE - 2), ==, QMEM_FW_CFG_DMA_CTL_ERROR);
    mem_read(f, RAM_SIZE - 2, buf, 2);
    g_assert_cmpmem(buf, 2, "ab", 2);
    /* And the zeros past an item's end, too. */
    g_assert_cmphex(dma(f, (0x10 << 16) | QMEM_FW_CFG_DMA_CTL_SELECT |
                        QMEM_FW_CFG_DMA_CTL_SKIP, 6, 0), ==, 0);
    g_assert_cmphex(dma(f, QMEM_FW_CFG_DMA_CTL_READ, 8, RAM_SIZE - 4), ==,
                    QMEM_FW_CFG_DMA_CTL_ERROR);
    /* Where the address wraps around, too. */
    g_assert_cmphex(dma(f, DMA_SELECT_READ, 16, G_MAXUINT64 - 7), ==,
                    QMEM_FW_CFG_DMA_CTL_ERROR);
    /* A descriptor outside RAM: nothing happens, the device goes on. */
    dma_at(f, 0x100000000, (0x10 << 16) | DMA_SELECT_READ, 4, BUF);
    dma_at(f, G_MAXUINT64 - 7, DMA_SELECT_READ, 4, BUF);
    g_assert_cmphex(dma(f, (0x10 << 16) | DMA_SELECT_READ, 2, BUF), ==, 0);
    mem_read(f, BUF, buf, 2);
    g_assert_cmpmem(buf, 2, "ab", 2);
}

/* A read past an item's end zero-fills, however long it is. */
static void test_dma_huge(Fixture *f, gconstpointer data)
{
    guint8 buf[4] = { 0xee, 0xee, 0xee, 0xee };

    mem_write(f, RAM_SIZE - 4, buf, sizeof(buf));
    g_assert_cmphex(dma(f, (QMEM_FW_CFG_SIGNATURE << 16) | DMA_SELECT_READ,
                        G_MAXUINT32, BUF), ==, QMEM_FW_CFG_DMA_CTL_ERROR);
    mem_read(f, BUF, buf, 4);
    g_assert_cmpmem(buf, 4, "QEMU", 4);
    mem_read(f, RAM_SIZE - 4, buf, 4);
    g_assert_cmpmem(buf, 4, "\0\0\0\0", 4);
}

/* The address halves: only 32-bit writes at 0 and 4, or 64 at 0. */
static void test_dma_register(Fixture *f, gconstpointer data)
{
    QmemFWCfgDmaAccess d = {
        GUINT32_TO_BE((QMEM_FW_CFG_SIGNATURE << 16) | DMA_SELECT_READ),
        GUINT32_TO_BE(4), GUINT64_TO_BE(BUF),
    };
    guint8 buf[4] = { 0 };

    mem_write(f, DESC, &d, sizeof(d));
    /* Byte and word writes are refused: no transfer. */
    out(f, 0x518, 1, 0);
    out(f, 0x518, 2, 0);
    out(f, 0x51a, 2, GUINT16_SWAP_LE_BE(DESC));
    mem_read(f, BUF, buf, 4);
    g_assert_cmpmem(buf, 4, "\0\0\0\0", 4);
    /* One 64-bit write at 0 starts it (an MMIO fw_cfg's way). */
    out(f, 0x514, 8, GUINT64_SWAP_LE_BE((guint64)DESC));
    mem_read(f, BUF, buf, 4);
    g_assert_cmpmem(buf, 4, "QEMU", 4);
}

/* Files */

static void test_dir_format(Fixture *f, gconstpointer data)
{
    static const char *const sorted[] = {
        "a", "etc/boot-fail-wait", "etc/x",
        "long/01234567890123456789012345678901234567890123456789",
    };
    guint8 count[4];
    QmemFWCfgFile files[4];

    qmem_fw_cfg_add_file(f->fw_cfg, "etc/x", g_memdup2("xx", 2), 2);
    qmem_fw_cfg_add_file(f->fw_cfg, "a", g_memdup2("a", 1), 1);
    /* Cut to 55 bytes and a NUL, as QEMU cuts it. */
    qmem_fw_cfg_add_file(f->fw_cfg, "long/012345678901234567890123456789"
                         "012345678901234567890123456789", NULL, 0);
    read_item(f, QMEM_FW_CFG_FILE_DIR, count, 4);
    g_assert_cmpmem(count, 4, "\0\0\0\x04", 4);
    read_item(f, QMEM_FW_CFG_FILE_DIR, count, 4);
    for (guint i = 0; i < 4; i++) {
        for (guint j = 0; j < sizeof(QmemFWCfgFile); j++) {
            ((guint8 *)&files[i])[j] = in(f, 0x511, 1);
        }
        g_assert_cmpstr(files[i].name, ==, sorted[i]);
        g_assert_cmpuint(GUINT16_FROM_BE(files[i].select), ==,
                         QMEM_FW_CFG_FILE_FIRST + i);
        g_assert_cmpuint(files[i].reserved, ==, 0);
    }
    g_assert_cmpuint(GUINT32_FROM_BE(files[0].size), ==, 1);
    g_assert_cmpuint(GUINT32_FROM_BE(files[1].size), ==, 4);
    g_assert_cmpuint(GUINT32_FROM_BE(files[2].size), ==, 2);
    g_assert_cmpuint(GUINT32_FROM_BE(files[3].size), ==, 0);
    /* Each file moved with its selector. */
    read_item(f, QMEM_FW_CFG_FILE_FIRST + 1, count, 4);
    g_assert_cmpmem(count, 4, "\xff\xff\xff\xff", 4);
    read_item(f, QMEM_FW_CFG_FILE_FIRST + 2, count, 2);
    g_assert_cmpmem(count, 2, "xx", 2);
}

static void test_dir_modify(Fixture *f, gconstpointer data)
{
    guint8 buf[8];

    qmem_fw_cfg_modify_file(f->fw_cfg, "etc/boot-fail-wait",
                            g_memdup2("12345678", 8), 8);
    /* A file that is not there yet is added. */
    qmem_fw_cfg_modify_file(f->fw_cfg, "b", g_memdup2("b", 1), 1);
    read_item(f, QMEM_FW_CFG_FILE_DIR, buf, 8);
    g_assert_cmpmem(buf, 8, "\0\0\0\x02\0\0\0\x01", 8);   /* count, "b" */
    read_item(f, QMEM_FW_CFG_FILE_FIRST + 1, buf, 8);
    g_assert_cmpmem(buf, 8, "12345678", 8);
}

/* QEMU's legacy order (pc 2.5 and older): by rank, unknown names last. */
static void test_dir_legacy(void)
{
    Fixture f = { 0 };
    QmemMachineClass *mc;
    static const char *const order[] = {
        "etc/boot-fail-wait", "etc/e820", "etc/acpi/tables", "z-unknown",
        "a-unknown",
    };

    machine_setup(&f);
    mc = QMEM_MACHINE_GET_CLASS(f.machine);
    mc->legacy_fw_cfg_order = TRUE;
    f.fw_cfg = qmem_fw_cfg_init_io_dma(f.machine, 0x510, 0x514,
                                       qmem_machine_get_address_space(
                                           f.machine), NULL);
    mc->legacy_fw_cfg_order = FALSE;
    use_fw_cfg(&f, f.fw_cfg);
    qmem_fw_cfg_add_file(f.fw_cfg, "z-unknown", NULL, 0);
    qmem_fw_cfg_add_file(f.fw_cfg, "etc/acpi/tables", NULL, 0);
    qmem_fw_cfg_add_file(f.fw_cfg, "a-unknown", NULL, 0);
    qmem_fw_cfg_add_file(f.fw_cfg, "etc/e820", NULL, 0);

    out(&f, 0x510, 2, QMEM_FW_CFG_FILE_DIR);
    for (guint i = 0; i < 4; i++) {
        in(&f, 0x511, 1);
    }
    for (guint i = 0; i < G_N_ELEMENTS(order); i++) {
        QmemFWCfgFile file;

        for (guint j = 0; j < sizeof(file); j++) {
            ((guint8 *)&file)[j] = in(&f, 0x511, 1);
        }
        g_assert_cmpstr(file.name, ==, order[i]);
    }
    teardown(&f, NULL);
}

/* Callbacks */

static void on_select(gpointer opaque)
{
    Fixture *f = opaque;

    /* QEMU's ACPI use: new contents the first time. */
    if (!f->select_calls++) {
        qmem_fw_cfg_modify_file(f->fw_cfg, "etc/cb",
                                g_memdup2("built", 5), 5);
    }
}

static void test_select_callback(Fixture *f, gconstpointer data)
{
    guint16 sel = QMEM_FW_CFG_FILE_FIRST + 1;
    guint8 buf[5];

    qmem_fw_cfg_add_file_callback(f->fw_cfg, "etc/cb", on_select, NULL, f,
                                  g_memdup2("old", 3), 3, TRUE);
    g_assert_cmpuint(f->select_calls, ==, 0);
    read_item(f, QMEM_FW_CFG_SIGNATURE, buf, 1);
    g_assert_cmpuint(f->select_calls, ==, 0);
    read_item(f, sel, buf, 5);
    g_assert_cmpuint(f->select_calls, ==, 1);
    g_assert_cmpmem(buf, 5, "built", 5);
    /* The directory says so too. */
    read_item(f, QMEM_FW_CFG_FILE_DIR, buf, 4);
    for (guint i = 0; i < 64; i++) {
        in(f, 0x511, 1);
    }
    for (guint i = 0; i < 4; i++) {
        buf[i] = in(f, 0x511, 1);
    }
    g_assert_cmpmem(buf, 4, "\0\0\0\x05", 4);
    /* DMA SELECT runs it as well; reading on without SELECT does not. */
    g_assert_cmphex(dma(f, ((guint32)sel << 16) | DMA_SELECT_READ, 2, BUF),
                    ==, 0);
    g_assert_cmpuint(f->select_calls, ==, 2);
    g_assert_cmphex(dma(f, QMEM_FW_CFG_DMA_CTL_READ, 2, BUF), ==, 0);
    g_assert_cmpuint(f->select_calls, ==, 2);
    mem_read(f, BUF, buf, 2);
    g_assert_cmpmem(buf, 2, "il", 2);
}

/* qmem_acpi_setup(): built at setup, again on the first read, not after. */
static guint acpi_builds;

static void count_build(QmemAcpiBuildTables *tables, gpointer opaque)
{
    guint8 n = ++acpi_builds;

    qmem_bios_linker_loader_alloc(tables->linker, QMEM_ACPI_BUILD_TABLE_FILE,
                                  tables->table_data, 64, FALSE);
    qmem_bios_linker_loader_alloc(tables->linker, QMEM_ACPI_BUILD_RSDP_FILE,
                                  tables->rsdp, 16, TRUE);
    g_byte_array_append(tables->table_data, &n, 1);
    g_byte_array_append(tables->rsdp, &n, 1);
    /* The second build is longer: the directory must follow. */
    for (guint i = 1; i < n; i++) {
        g_byte_array_append(tables->table_data, &n, 1);
    }
}

static void test_acpi_setup(Fixture *f, gconstpointer data)
{
    /* Sorted: etc/acpi/rsdp, etc/acpi/tables, ..., etc/table-loader. */
    static const guint16 rsdp = QMEM_FW_CFG_FILE_FIRST;
    static const guint16 tables = QMEM_FW_CFG_FILE_FIRST + 1;
    static const guint16 loader = QMEM_FW_CFG_FILE_FIRST + 3;
    guint8 *freed = g_malloc(1);
    guint8 buf[2 * 128];

    acpi_builds = 0;
    qmem_acpi_setup(f->fw_cfg, count_build, freed, g_free);
    g_assert_cmpuint(acpi_builds, ==, 1);
    read_item(f, rsdp, buf, 1);
    g_assert_cmpuint(acpi_builds, ==, 2);
    g_assert_cmpuint(buf[0], ==, 2);
    read_item(f, tables, buf, 3);
    g_assert_cmpmem(buf, 3, "\x02\x02\0", 3);
    read_item(f, loader, buf, sizeof(buf));
    g_assert_cmpuint(acpi_builds, ==, 2);
    /* The RSDP's ALLOCATE came last, so it is first. */
    g_assert_cmpuint(buf[0], ==, QMEM_BIOS_LINKER_LOADER_COMMAND_ALLOCATE);
    g_assert_cmpstr((char *)buf + 4, ==, "etc/acpi/rsdp");
    g_assert_cmpstr((char *)buf + 128 + 4, ==, "etc/acpi/tables");
}

int main(int argc, char **argv)
{
    test_init(&argc, &argv);
#define ADD(path, fn) \
    g_test_add("/hw/nvram/fw_cfg/" path, Fixture, NULL, setup, fn, teardown)
    ADD("realize/items", test_realize_items);
    g_test_add_func("/hw/nvram/fw_cfg/realize/no-dma", test_realize_no_dma);
    g_test_add_func("/hw/nvram/fw_cfg/realize/file-slots",
                    test_realize_slots);
    ADD("realize/twice", test_realize_twice);
    ADD("ports/offset", test_ports_offset);
    ADD("ports/sizes", test_ports_sizes);
    ADD("ports/keys", test_ports_keys);
    ADD("modify", test_modify);
    ADD("dma/signature", test_dma_signature);
    ADD("dma/read", test_dma_read);
    ADD("dma/skip", test_dma_skip);
    ADD("dma/nothing", test_dma_nothing);
    ADD("dma/write", test_dma_write);
    ADD("dma/write-read-only", test_dma_write_read_only);
    ADD("dma/bad-addresses", test_dma_bad_addresses);
    ADD("dma/huge", test_dma_huge);
    ADD("dma/register", test_dma_register);
    ADD("files/directory", test_dir_format);
    ADD("files/modify", test_dir_modify);
    g_test_add_func("/hw/nvram/fw_cfg/files/legacy-order", test_dir_legacy);
    ADD("callback/select", test_select_callback);
    ADD("acpi-setup", test_acpi_setup);
    return g_test_run();
}
