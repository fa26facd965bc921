/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Tests for the qtest protocol server and the qtest accelerator. */

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "accel/qtest/qtest.h"
#include "tests/unit/test-machine.h"
#include "util/error.h"
#include "util/timer.h"

#define KiB (1024ULL)
#define MiB (1024ULL * KiB)
#define GiB (1024ULL * MiB)

/*
 * Guest memory for the protocol tests: r1 [0, 64K), a hole, r2
 * [1M, 1M + 64K), rom [2M, 2M + 4K).
 */
typedef struct {
    QmemRamBlock *b1, *b2, *brom;
    QmemMemoryRegion *root;
    QmemAddressSpace *as;
    QmemMemoryRegion *io_root;
    QmemAddressSpace *io;
    guint32 reg;                /* the register at port 0x70 */
    QmemQtestServer *server;
} Guest;

static QmemRamBlock *anon_block(const char *name, guint64 size)
{
    GError *error = NULL;
    QmemRamBlock *block = qmem_ram_block_new_anon(name, size, 0, &error);

    g_assert_no_error(error);
    return block;
}

static void map_ram(QmemMemoryRegion *root, guint64 addr, QmemRamBlock *block)
{
    g_autoptr(QmemMemoryRegion) mr = qmem_memory_region_new_ram(block->name,
                                                                block);

    qmem_memory_region_add_subregion(root, addr, mr);
}

/*
 * Ports: a 4-byte register at 0x70 (bytes and words too), all-ones
 * elsewhere, as QEMU's unassigned I/O.
 */
static guint64 reg_read(gpointer opaque, guint64 addr, guint size)
{
    Guest *g = opaque;

    return g->reg >> (8 * addr);
}

static void reg_write(gpointer opaque, guint64 addr, guint64 value,
                      guint size)
{
    Guest *g = opaque;
    guint32 mask = (size == 4 ? G_MAXUINT32 : (1u << (8 * size)) - 1) <<
                   (8 * addr);

    g->reg = (g->reg & ~mask) | ((guint32)value << (8 * addr) & mask);
}

static const QmemMemoryRegionOps reg_ops = {
    .read = reg_read,
    .write = reg_write,
};

static guint64 unassigned_read(gpointer opaque, guint64 addr, guint size)
{
    return G_MAXUINT64;
}

static const QmemMemoryRegionOps unassigned_ops = {
    .read = unassigned_read,
};

static void guest_setup(Guest *g, gconstpointer data)
{
    g_autoptr(QmemMemoryRegion) reg = NULL;
    GError *error = NULL;
    int fd = memfd_create("rom", MFD_CLOEXEC);

    g_assert_cmpint(fd, >=, 0);
    g_assert_cmpint(ftruncate(fd, 4 * KiB), ==, 0);
    g->b1 = anon_block("r1", 64 * KiB);
    g->b2 = anon_block("r2", 64 * KiB);
    g->brom = qmem_ram_block_new_from_fd("rom", 4 * KiB, 0, fd, 0,
                                         QMEM_RAM_READONLY, &error);
    g_assert_no_error(error);
    g->root = qmem_memory_region_new_container("system", G_MAXUINT64);
    map_ram(g->root, 0x0, g->b1);
    map_ram(g->root, 0x100000, g->b2);
    map_ram(g->root, 0x200000, g->brom);
    g->as = qmem_address_space_new("memory", g->root);
    g->io_root = qmem_memory_region_new_io("io", 0x10000, &unassigned_ops,
                                           NULL);
    reg = qmem_memory_region_new_io("reg", 4, &reg_ops, g);
    qmem_memory_region_add_subregion(g->io_root, 0x70, reg);
    g->io = qmem_address_space_new("I/O", g->io_root);
    g->server = qmem_qtest_server_new(g->as);
    qmem_qtest_server_set_io_address_space(g->server, g->io);
}

static void guest_teardown(Guest *g, gconstpointer data)
{
    gpointer weak = g->root;

    qmem_qtest_server_free(g->server);
    qmem_address_space_free(g->io);
    g_object_unref(g->io_root);
    qmem_address_space_free(g->as);
    g_object_add_weak_pointer(G_OBJECT(g->root), &weak);
    g_object_unref(g->root);
    g_assert_null(weak);
    qmem_ram_block_free(g->b1);
    qmem_ram_block_free(g->b2);
    qmem_ram_block_free(g->brom);
}

static char *run_line(Guest *g, const char *line)
{
    GString *reply = g_string_new(NULL);

    qmem_qtest_server_process_line(g->server, line, reply);
    return g_string_free(reply, FALSE);
}

static void assert_reply(Guest *g, const char *line, const char *expected)
{
    g_autofree char *reply = run_line(g, line);

    if (strcmp(reply, expected)) {
        g_error("'%s' replied '%s', expected '%s'", line, reply, expected);
    }
}

/* The protocol, in-process: sequences of command and exact reply. */

typedef struct {
    const char *line;
    const char *reply;
} Step;

typedef struct {
    const char *name;
    const Step *steps;
} Script;

static const Step steps_readx_writex[] = {
    { "writeb 0x10 0x1ff", "OK" },
    { "readb 0x10", "OK 0x00000000000000ff" },
    { "writew 0x20 0x1234", "OK" },
    { "readw 0x20", "OK 0x0000000000001234" },
    { "readb 0x20", "OK 0x0000000000000034" },
    { "readb 0x21", "OK 0x0000000000000012" },
    { "writel 0x30 0xdeadbeef", "OK" },
    { "readl 0x30", "OK 0x00000000deadbeef" },
    { "readw 0x32", "OK 0x000000000000dead" },
    { "writeq 0x40 0x0123456789abcdef", "OK" },
    { "readq 0x40", "OK 0x0123456789abcdef" },
    { "readl 0x44", "OK 0x0000000001234567" },
    /* Numbers are qemu_strtou64() with base 0. */
    { "writeb 16 65", "OK" },
    { "readb 020", "OK 0x0000000000000041" },
    { "writeq 0x50 -1", "OK" },
    { "readq 0x50", "OK 0xffffffffffffffff" },
    { "writeq 0x50 0x18", "OK" },
    { "readq 80", "OK 0x0000000000000018" },
    { NULL, NULL },
};

/* Outside RAM, reads are 0 (QEMU's unassigned memory) and writes are lost. */
static const Step steps_holes[] = {
    { "writel 0xfffe 0x04030201", "OK" },
    { "readl 0xfffe", "OK 0x0000000000000201" },
    { "readq 0x20000", "OK 0x0000000000000000" },
    { "writeb 0x20000 1", "OK" },
    { "readb 0x20000", "OK 0x0000000000000000" },
    { "writeb 0 0x11", "OK" },
    { "readq 0xfffffffffffffffc", "OK 0x0000001100000000" },
    /* Read-only memory takes no writes. */
    { "writeb 0x200000 1", "OK" },
    { "readb 0x200000", "OK 0x0000000000000000" },
    { NULL, NULL },
};

static const Step steps_read_write[] = {
    { "writeq 0x40 0x0123456789abcdef", "OK" },
    { "read 0x40 8", "OK 0xefcdab8967452301" },
    { "read 0x40 1", "OK 0xef" },
    { "write 0x60 4 0x01020304", "OK" },
    { "read 0x60 4", "OK 0x01020304" },
    { "write 0x60 4 0xAbCd", "OK" },
    { "read 0x60 4", "OK 0xabcd0000" },
    /* Too little data is zero-filled, too much is ignored. */
    { "write 0x60 4 0xaa", "OK" },
    { "read 0x60 4", "OK 0xaa000000" },
    { "write 0x60 2 0x1122334455", "OK" },
    { "read 0x60 4", "OK 0x11220000" },
    { "write 0x60 2 0x123", "OK" },
    { "read 0x60 2", "OK 0x1200" },
    { "write 0x60 2 0X3344", "OK" },
    { "read 0x60 2", "OK 0x3344" },
    { "write 0x60 0 0x11", "OK" },
    { "read 0x60 2", "OK 0x3344" },
    /* Into the hole and out of it again. */
    { "write 0xfffe 4 0xa1a2a3a4", "OK" },
    { "read 0xfffe 4", "OK 0xa1a20000" },
    { "read 0xffffe 4", "OK 0x00000000" },
    { "write 0xffffe 4 0xb1b2b3b4", "OK" },
    { "read 0xffffe 4", "OK 0x0000b3b4" },
    { NULL, NULL },
};

static const Step steps_b64[] = {
    { "b64write 0x70 3 AQID", "OK" },
    { "read 0x70 3", "OK 0x010203" },
    { "b64read 0x70 3", "OK AQID" },
    { "b64read 0x70 4", "OK AQIDAA==" },
    { "b64read 0x70 0", "OK " },
    /* Only as many bytes as both the size and the data give. */
    { "b64write 0x70 5 BAUG", "OK" },
    { "read 0x70 5", "OK 0x0405060000" },
    { "b64write 0x70 1 BwgJ", "OK" },
    { "read 0x70 3", "OK 0x070506" },
    { "b64write 0x70 3 A", "ERR invalid argument size" },
    { NULL, NULL },
};

static const Step steps_memset[] = {
    { "memset 0x80 16 0x1ab", "OK" },
    { "read 0x7f 18", "OK 0x00abababababababababababababababab00" },
    { "memset 0x80 0 1", "OK" },
    { "read 0x80 1", "OK 0xab" },
    /* Across the hole: the end of r1 and the start of r2. */
    { "memset 0xfff8 0xf0010 0x5a", "OK" },
    { "read 0xfff6 4", "OK 0x00005a5a" },
    { "read 0x100006 4", "OK 0x5a5a0000" },
    /* Any size: nothing is allocated for it. */
    { "memset 0 0xffffffffffffffff 0", "OK" },
    { "read 0x80 1", "OK 0x00" },
    { "read 0x100006 1", "OK 0x00" },
    /* Wrapping around the end of the address space. */
    { "memset 0xfffffffffffffff0 0x20 7", "OK" },
    { "read 0xe 4", "OK 0x07070000" },
    { "memset 0x200000 4 7", "OK" },
    { "read 0x200000 1", "OK 0x00" },
    { NULL, NULL },
};

static const Step steps_misc[] = {
    { "endianness", "OK little" },
    /* A trailing CR, and words after the arguments, are ignored. */
    { "writeb 0x10 0x42\r", "OK" },
    { "readb 0x10 extra words", "OK 0x0000000000000042" },
    { NULL, NULL },
};

/* Where QEMU asserts, qmem answers. */
static const Step steps_malformed[] = {
    { "", "FAIL Unknown command ''" },
    { " ", "FAIL Unknown command ''" },
    { "foo 1 2", "FAIL Unknown command 'foo'" },
    { "READB 0", "FAIL Unknown command 'READB'" },
    { "readx 0", "FAIL Unknown command 'readx'" },
    { "outx 0x80 1", "FAIL Unknown command 'outx'" },
    { "inq 0x80", "FAIL Unknown command 'inq'" },
    { "readb", "FAIL missing argument" },
    { "readq", "FAIL missing argument" },
    { "writeb 0", "FAIL missing argument" },
    { "read 0", "FAIL missing argument" },
    { "write 0 1", "FAIL missing argument" },
    { "b64read 0", "FAIL missing argument" },
    { "b64write 0 1", "FAIL missing argument" },
    { "memset 0 1", "FAIL missing argument" },
    { "readb xyz", "FAIL invalid address 'xyz'" },
    { "readb  0x10", "FAIL invalid address ''" },
    { "readb 0x10z", "FAIL invalid address '0x10z'" },
    { "readb 0x10000000000000000", "FAIL invalid address "
                                   "'0x10000000000000000'" },
    { "writeb 0 0x1g", "FAIL invalid value '0x1g'" },
    { "writeq 0 99999999999999999999", "FAIL invalid value "
                                       "'99999999999999999999'" },
    { "read 0 x", "FAIL invalid size 'x'" },
    { "read 0 0", "FAIL invalid size '0'" },
    { "read 0 0x1000001", "FAIL size '0x1000001' is larger than 0x1000000" },
    { "b64read 0 -1", "FAIL size '-1' is larger than 0x1000000" },
    { "write 0 0x1000001 0x00", "FAIL size '0x1000001' is larger than "
                                "0x1000000" },
    { "b64write 0 0x1000001 AAAA", "FAIL size '0x1000001' is larger than "
                                   "0x1000000" },
    { "write 0 1 0x", "ERR invalid argument size" },
    { "write 0 1 ", "ERR invalid argument size" },
    { "write 0 1 0xzz", "FAIL invalid hex data" },
    { "write 0 1 0x1 2", "OK" },
    { "write 0 1 123", "FAIL invalid hex data" },
    { "write 0 1 0x12-4", "FAIL invalid hex data" },
    { "memset 0 1 v", "FAIL invalid value 'v'" },
    { "memset x 1 1", "FAIL invalid address 'x'" },
    { "memset 0 x 1", "FAIL invalid size 'x'" },
    { "\xff\xfe", "FAIL Unknown command '\xff\xfe'" },
    { NULL, NULL },
};

/* Port I/O, QEMU's "OK 0x%04x" replies. */
static const Step steps_ports[] = {
    { "outl 0x70 0x12345678", "OK" },
    { "inl 0x70", "OK 0x12345678" },
    { "inb 0x70", "OK 0x0078" },
    { "inw 0x72", "OK 0x1234" },
    { "outb 0x71 0xab", "OK" },
    { "inl 0x70", "OK 0x1234ab78" },
    { "outw 0x72 0x1ffff", "OK" },
    { "inl 0x70", "OK 0xffffab78" },
    { "inl 0x80", "OK 0xffffffff" },
    { "inb 0x1234", "OK 0x00ff" },
    /* Past the end of the I/O space is no port: it reads 0, as QEMU's. */
    { "inw 0xffff", "OK 0x00ff" },
    { "inl 0xfffd", "OK 0xffffff" },
    { "outb 0x70", "FAIL missing argument" },
    { "inb", "FAIL missing argument" },
    { "inb x", "FAIL invalid port 'x'" },
    { "outl 0x70 y", "FAIL invalid value 'y'" },
    /* Without the qtest accelerator, QEMU knows no clock commands. */
    { "clock_step 10", "FAIL Unknown command 'clock_step'" },
    { NULL, NULL },
};

static const Script scripts[] = {
    { "ports", steps_ports },
    { "readx-writex", steps_readx_writex },
    { "holes", steps_holes },
    { "read-write", steps_read_write },
    { "b64", steps_b64 },
    { "memset", steps_memset },
    { "misc", steps_misc },
    { "malformed", steps_malformed },
};

static void test_script(Guest *g, gconstpointer data)
{
    const Script *script = data;

    for (const Step *s = script->steps; s->line; s++) {
        assert_reply(g, s->line, s->reply);
    }
}

static void timer_fired(gpointer opaque)
{
    (*(int *)opaque)++;
}

/* Under the qtest accelerator, tests move the guest's clock. */
static void test_clock(Guest *g, gconstpointer data)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(QmemAccel) accel = qmem_accel_new("qtest", NULL, &error);
    g_autoptr(QmemTimer) timer = NULL;
    int fired = 0;

    g_assert_no_error(error);
    qmem_accel_set_current(accel);
    g_assert_true(qmem_accel_init_machine(accel, g->as, NULL, 0, &error));
    timer = qmem_timer_new(QMEM_CLOCK_VIRTUAL, timer_fired, &fired);

    assert_reply(g, "clock_step 100", "OK 100");
    /* No timer pending: the next deadline is nowhere, time stays. */
    assert_reply(g, "clock_step", "OK 100");
    assert_reply(g, "clock_set 5000", "OK 5000");
    assert_reply(g, "clock_set 10", "OK 5000");
    qmem_timer_mod(timer, 7000);
    assert_reply(g, "clock_step", "OK 7000");
    g_assert_cmpint(fired, ==, 1);
    assert_reply(g, "clock_step 0x10", "OK 7016");
    assert_reply(g, "clock_step x", "FAIL invalid time 'x'");
    assert_reply(g, "clock_set", "FAIL missing argument");

    qmem_accel_shutdown(accel);
    qmem_accel_set_current(NULL);
}

/* The largest transfer, and a line that is too long. */
static void test_limits(Guest *g, gconstpointer data)
{
    g_autofree char *reply = NULL;
    g_autofree char *big = NULL;
    g_autoptr(GString) line = g_string_new(NULL);

    g_free(run_line(g, "writeb 0xffff 0x12"));
    reply = run_line(g, "read 0 0x1000000");
    g_assert_cmpuint(strlen(reply), ==, 5 + 2 * QMEM_QTEST_MAX_TRANSFER);
    g_assert_true(g_str_has_prefix(reply, "OK 0x"));
    /* the end of r1, then the hole */
    g_assert_cmpmem(reply + 5 + 2 * (64 * KiB - 1), 4, "1200", 4);

    g_string_append(line, "write 0x100000 0x1000000 0x");
    for (guint i = 0; i < 64 * KiB; i++) {
        g_string_append(line, "5a");
    }
    g_string_append_len(line, reply + 5 + 2 * 64 * KiB,
                        2 * (QMEM_QTEST_MAX_TRANSFER - 64 * KiB));
    g_clear_pointer(&reply, g_free);
    reply = run_line(g, line->str);
    g_assert_cmpstr(reply, ==, "OK");
    g_assert_cmpuint(((guint8 *)g->b2->host)[64 * KiB - 1], ==, 0x5a);

    big = g_strnfill(QMEM_QTEST_MAX_LINE + 1, 'r');
    g_clear_pointer(&reply, g_free);
    reply = run_line(g, big);
    g_assert_cmpstr(reply, ==, "FAIL line too long");

    /* A line of blanks has as many empty words as fit: no blow-up. */
    memcpy(big, "readb 0x10", 10);
    memset(big + 10, ' ', QMEM_QTEST_MAX_LINE - 10);
    big[QMEM_QTEST_MAX_LINE] = '\0';
    g_clear_pointer(&reply, g_free);
    reply = run_line(g, big);
    g_assert_cmpstr(reply, ==, "OK 0x0000000000000000");
}

/* Commands added from outside */

static void cmd_count(QmemQtestServer *server, char **argv, GString *reply)
{
    guint64 v = 0;

    g_assert_nonnull(qmem_qtest_server_get_address_space(server));
    g_string_append_printf(reply, "OK %u %s", g_strv_length(argv),
                           argv[1] ? argv[1] : "-");
    if (argv[1]) {
        /* Handlers may use the address space and modify argv. */
        qmem_address_space_rw(qmem_qtest_server_get_address_space(server),
                              0x10, &v, 1, FALSE);
        argv[1][0] = '\0';
    }
}

static void cmd_silent(QmemQtestServer *server, char **argv, GString *reply)
{
}

static void test_extension(Guest *g, gconstpointer data)
{
    qmem_qtest_register_command("x-count", cmd_count);
    qmem_qtest_register_command("x-silent", cmd_silent);
    assert_reply(g, "x-count", "OK 1 -");
    assert_reply(g, "x-count a b c", "OK 4 a");
    assert_reply(g, "x-silent", "FAIL");

    g_test_expect_message(G_LOG_DOMAIN, G_LOG_LEVEL_CRITICAL,
                          "*!is_builtin(name)*");
    qmem_qtest_register_command("readb", cmd_count);
    g_test_assert_expected_messages();
    g_test_expect_message(G_LOG_DOMAIN, G_LOG_LEVEL_CRITICAL,
                          "*!g_hash_table_contains(extra_commands, name)*");
    qmem_qtest_register_command("x-count", cmd_silent);
    g_test_assert_expected_messages();
    assert_reply(g, "readb 0", "OK 0x0000000000000000");
    assert_reply(g, "x-count 1", "OK 2 1");

    qmem_qtest_unregister_command("x-count");
    qmem_qtest_unregister_command("x-silent");
    assert_reply(g, "x-count", "FAIL Unknown command 'x-count'");
}

/* Over a socket, in-process */

typedef struct {
    Guest g;
    int fd;                 /* the test's end */
    GString *rx;
} Conn;

static void conn_setup(Conn *c, gconstpointer data)
{
    int sv[2];

    guest_setup(&c->g, data);
    g_assert_cmpint(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv),
                    ==, 0);
    qmem_qtest_server_add_client(c->g.server, sv[0], sv[0]);
    g_assert_cmpuint(qmem_qtest_server_get_n_clients(c->g.server), ==, 1);
    c->fd = sv[1];
    g_assert_cmpint(fcntl(c->fd, F_SETFL, O_NONBLOCK), ==, 0);
    c->rx = g_string_new(NULL);
}

static void conn_teardown(Conn *c, gconstpointer data)
{
    if (c->fd >= 0) {
        close(c->fd);
    }
    g_string_free(c->rx, TRUE);
    guest_teardown(&c->g, data);
}

/* Runs the server's side until @done says so, at most 30 seconds. */
static void iterate_until(gboolean (*done)(Conn *c), Conn *c)
{
    gint64 deadline = g_get_monotonic_time() + 30 * G_USEC_PER_SEC;

    while (!done(c)) {
        char buf[65536];
        ssize_t n;

        g_assert_cmpint(g_get_monotonic_time(), <, deadline);
        g_main_context_iteration(NULL, FALSE);
        if (c->fd >= 0) {
            n = read(c->fd, buf, sizeof(buf));
            if (n > 0) {
                g_string_append_len(c->rx, buf, n);
                continue;
            }
            g_assert_true(n == 0 || errno == EAGAIN);
        }
        g_usleep(100);
    }
}

static void conn_send(Conn *c, const char *data, gsize len)
{
    gsize done = 0;
    gint64 deadline = g_get_monotonic_time() + 30 * G_USEC_PER_SEC;

    /* The server only reads while we let it run. */
    while (done < len) {
        ssize_t n = write(c->fd, data + done, len - done);

        if (n > 0) {
            done += n;
            continue;
        }
        g_assert_cmpint(errno, ==, EAGAIN);
        g_assert_cmpint(g_get_monotonic_time(), <, deadline);
        g_main_context_iteration(NULL, FALSE);
    }
}

static gboolean has_line(Conn *c)
{
    return strchr(c->rx->str, '\n') != NULL;
}

static char *conn_reply(Conn *c)
{
    char *nl;
    char *line;

    iterate_until(has_line, c);
    nl = strchr(c->rx->str, '\n');
    line = g_strndup(c->rx->str, nl - c->rx->str);
    g_string_erase(c->rx, 0, nl - c->rx->str + 1);
    return line;
}

static void conn_assert_reply(Conn *c, const char *expected)
{
    g_autofree char *line = conn_reply(c);

    g_assert_cmpstr(line, ==, expected);
}

static void test_socket_commands(Conn *c, gconstpointer data)
{
    static const char pipelined[] =
        "writeq 0x100000 0x1122334455667788\nreadq 0x100000\n"
        "read 0x100000 2\nbogus\nendianness\n";

    conn_send(c, pipelined, strlen(pipelined));
    conn_assert_reply(c, "OK");
    conn_assert_reply(c, "OK 0x1122334455667788");
    conn_assert_reply(c, "OK 0x8877");
    conn_assert_reply(c, "FAIL Unknown command 'bogus'");
    conn_assert_reply(c, "OK little");

    /* A line in pieces is one command. */
    conn_send(c, "rea", 3);
    for (int i = 0; i < 10; i++) {
        g_main_context_iteration(NULL, FALSE);
    }
    conn_send(c, "db 0x10000", 10);
    conn_send(c, "6\n", 2);
    conn_assert_reply(c, "OK 0x0000000000000022");

    /* A NUL ends the line early, nothing worse. */
    conn_send(c, "readb\0 0\n", 9);
    conn_assert_reply(c, "FAIL missing argument");
    conn_send(c, "\n\r\n", 3);
    conn_assert_reply(c, "FAIL Unknown command ''");
    conn_assert_reply(c, "FAIL Unknown command ''");
    g_assert_cmpstr(c->rx->str, ==, "");
}

static gchar *log_text(const char *path)
{
    gchar *text = NULL;

    g_assert_true(g_file_get_contents(path, &text, NULL, NULL));
    return text;
}

/*
 * QEMU's log: what comes in is always logged, what goes out only while a
 * client is connected; the times are seconds since it connected.
 */
static void test_log(Guest *g, gconstpointer data)
{
    g_autofree char *dir = g_dir_make_tmp("qmem-qtest-log-XXXXXX", NULL);
    g_autofree char *path = g_build_filename(dir, "log", NULL);
    g_autoptr(GString) reply = g_string_new(NULL);
    g_autoptr(GRegex) re = NULL;
    g_autofree char *text = NULL;
    Conn c = { .g = *g, .rx = g_string_new(NULL) };
    int sv[2];

    qmem_qtest_server_set_log(g->server, path);
    qmem_qtest_server_process_line(g->server, "endianness", reply);
    text = log_text(path);
    g_assert_true(g_regex_match_simple("^\\[R \\+\\d+\\.\\d{6}\\] "
                                       "endianness\n$", text, 0, 0));

    g_assert_cmpint(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv),
                    ==, 0);
    qmem_qtest_server_add_client(g->server, sv[0], sv[0]);
    c.fd = sv[1];
    g_assert_cmpint(fcntl(c.fd, F_SETFL, O_NONBLOCK), ==, 0);
    conn_send(&c, "b64write 0x0 4 AAAA\n", 20);
    conn_assert_reply(&c, "OK");
    close(c.fd);
    c.fd = -1;
    while (qmem_qtest_server_get_n_clients(g->server)) {
        g_main_context_iteration(NULL, TRUE);
    }
    g_free(text);
    text = log_text(path);
    re = g_regex_new("^\\[R \\+\\d+\\.\\d{6}\\] endianness\n"
                     "\\[I \\d+\\.\\d{6}\\] OPENED\n"
                     "\\[R \\+\\d+\\.\\d{6}\\] b64write 0x0 4 AAAA\n"
                     "\\[S \\+\\d+\\.\\d{6}\\] b64write: data length "
                     "mismatch \\(told 4, found 3\\)\n"
                     "\\[S \\+\\d+\\.\\d{6}\\] OK\n"
                     "\\[I \\+\\d+\\.\\d{6}\\] CLOSED\n$", 0, 0, NULL);
    if (!g_regex_match(re, text, 0, NULL)) {
        g_error("unexpected log:\n%s", text);
    }

    /* "none", and a file that cannot be opened, mean no log. */
    qmem_qtest_server_set_log(g->server, "none");
    qmem_qtest_server_process_line(g->server, "endianness", reply);
    qmem_qtest_server_set_log(g->server, "/nonexistent/dir/log");
    qmem_qtest_server_process_line(g->server, "endianness", reply);
    g_free(text);
    text = log_text(path);
    g_assert_true(g_str_has_suffix(text, "CLOSED\n"));
    g_string_free(c.rx, TRUE);
    unlink(path);
    rmdir(dir);
}

/* Without a machine there is no device to intercept. */
static void test_irq_no_device(Guest *g, gconstpointer data)
{
    static const char *const lines[] = {
        "irq_intercept_in ioapic", "irq_intercept_out /machine/x",
        "set_irq_in ioapic unnamed-gpio-in 0 1",
    };

    for (gsize i = 0; i < G_N_ELEMENTS(lines); i++) {
        g_autoptr(GString) reply = g_string_new(NULL);

        qmem_qtest_server_process_line(g->server, lines[i], reply);
        g_assert_cmpstr(reply->str, ==, "FAIL Unknown device");
    }
}

static void test_socket_long_line(Conn *c, gconstpointer data)
{
    g_autofree char *junk = g_strnfill(QMEM_QTEST_MAX_LINE + 10, 'x');

    /* Too long without a newline yet: refused once, skipped to its end. */
    conn_send(c, junk, QMEM_QTEST_MAX_LINE + 10);
    conn_assert_reply(c, "FAIL line too long");
    conn_send(c, junk, QMEM_QTEST_MAX_LINE + 10);
    conn_send(c, "\nreadb 0x100000\n", 16);
    conn_assert_reply(c, "OK 0x0000000000000000");

    /* Too long, arriving with its newline in one go. */
    junk[QMEM_QTEST_MAX_LINE + 1] = '\n';
    conn_send(c, junk, QMEM_QTEST_MAX_LINE + 2);
    conn_send(c, "endianness\n", 11);
    conn_assert_reply(c, "FAIL line too long");
    conn_assert_reply(c, "OK little");

    /* The longest line there may be is still served. */
    memcpy(junk, "readb 0x100000", 14);
    memset(junk + 14, ' ', QMEM_QTEST_MAX_LINE - 14);
    junk[QMEM_QTEST_MAX_LINE] = '\n';
    conn_send(c, junk, QMEM_QTEST_MAX_LINE + 1);
    conn_assert_reply(c, "OK 0x0000000000000000");
    g_assert_cmpstr(c->rx->str, ==, "");
}

static gboolean has_many_replies(Conn *c)
{
    return c->rx->len >= 40 * (5 + 2 * MiB + 1);
}

/* A client that does not read is not served more than the buffer holds. */
static void test_socket_backpressure(Conn *c, gconstpointer data)
{
    g_autoptr(GString) cmds = g_string_new(NULL);

    memset(c->g.b2->host, 0x11, 64 * KiB);
    for (int i = 0; i < 40; i++) {
        g_string_append(cmds, "read 0x100000 0x100000\n");
    }
    conn_send(c, cmds->str, cmds->len);
    for (int i = 0; i < 1000; i++) {
        g_main_context_iteration(NULL, FALSE);
    }
    g_assert_cmpuint(qmem_qtest_server_get_n_clients(c->g.server), ==, 1);

    iterate_until(has_many_replies, c);
    g_assert_cmpuint(c->rx->len, ==, 40 * (5 + 2 * MiB + 1));
    for (int i = 0; i < 40; i++) {
        const char *line = c->rx->str + i * (5 + 2 * MiB + 1);

        g_assert_true(g_str_has_prefix(line, "OK 0x1111"));
        g_assert_true(strchr(line, '\n') == line + 5 + 2 * MiB);
    }
}

static gboolean no_clients(Conn *c)
{
    return qmem_qtest_server_get_n_clients(c->g.server) == 0;
}

/* Replies to what came before the end still go out. */
static void test_socket_eof(Conn *c, gconstpointer data)
{
    conn_send(c, "readb 0\nendianness\nreadb", 25);
    shutdown(c->fd, SHUT_WR);
    iterate_until(no_clients, c);
    conn_assert_reply(c, "OK 0x0000000000000000");
    conn_assert_reply(c, "OK little");
    g_assert_cmpstr(c->rx->str, ==, "");
}

/* A peer that goes away with a reply pending is no SIGPIPE. */
static void test_socket_hangup(Conn *c, gconstpointer data)
{
    conn_send(c, "read 0 0x1000000\n", 17);
    close(c->fd);
    c->fd = -1;
    iterate_until(no_clients, c);
}

/* Transports: -qtest specs */

typedef struct {
    const char *name;
    const char *spec;
    const char *message;
} SpecCase;

/* 103 bytes: with "/tmp/", one more than sun_path holds */
#define LONG_NAME "0123456789012345678901234567890123456789" \
    "0123456789012345678901234567890123456789" \
    "01234567890123456789012"

static const SpecCase spec_cases[] = {
    { "not-a-driver", "foo", "'foo' is not a valid char driver" },
    { "tcp", "tcp:localhost:4444",
      "'tcp:localhost:4444' is not a valid char driver" },
    { "empty-path", "unix:", "Unable to parse FD number " },
    { "connect-fails", "unix:/nonexistent/qtest.sock",
      "Failed to connect to '/nonexistent/qtest.sock': "
      "No such file or directory" },
    { "bind-fails", "unix:/nonexistent/qtest.sock,server=on,wait=off",
      "Failed to bind socket to /nonexistent/qtest.sock: "
      "No such file or directory" },
    { "bad-server", "unix:/tmp/qtest.sock,server=maybe",
      "Parameter 'server' expects 'on' or 'off'" },
    { "bad-wait", "unix:/tmp/qtest.sock,server=on,wait=2",
      "Parameter 'wait' expects 'on' or 'off'" },
    { "bad-key", "unix:/tmp/qtest.sock,server=on,wait=off,bogus=1",
      "Invalid parameter 'bogus'" },
    { "path-too-long", "unix:/tmp/" LONG_NAME,
      "UNIX socket path '/tmp/" LONG_NAME "' is too long" },
};

static void test_open_error(gconstpointer data)
{
    const SpecCase *sc = data;
    g_autoptr(GError) error = NULL;
    g_autofree char *hint = g_strdup_printf(
        "Failed to initialize device for qtest: \"%s\"\n", sc->spec);
    QmemMemoryRegion *root = qmem_memory_region_new_container("r", GiB);
    QmemAddressSpace *as = qmem_address_space_new("memory", root);
    QmemQtestServer *server = qmem_qtest_server_new(as);

    g_assert_false(qmem_qtest_server_open(server, sc->spec, &error));
    g_assert_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC);
    g_assert_cmpstr(error->message, ==, sc->message);
    g_assert_cmpstr(qmem_error_get_hint(error), ==, hint);
    g_assert_cmpuint(qmem_qtest_server_get_n_clients(server), ==, 0);
    qmem_qtest_server_free(server);
    qmem_address_space_free(as);
    g_object_unref(root);
}

static gboolean one_client(Conn *c)
{
    return qmem_qtest_server_get_n_clients(c->g.server) == 1;
}

static void test_open_server(Guest *g, gconstpointer data)
{
    g_autoptr(GError) error = NULL;
    g_autofree char *dir = g_dir_make_tmp("qmem-qtest-XXXXXX", NULL);
    g_autofree char *path = g_build_filename(dir, "qtest.sock", NULL);
    g_autofree char *spec = g_strdup_printf("unix:%s,server=on,wait=off",
                                            path);
    Conn c = { .g = *g, .rx = g_string_new(NULL) };
    int second;

    /* A stale file is replaced. */
    g_assert_true(g_file_set_contents(path, "", 0, NULL));
    g_assert_true(qmem_qtest_server_open(g->server, spec, &error));
    g_assert_no_error(error);
    c.g.server = g->server;
    g_assert_cmpuint(qmem_qtest_server_get_n_clients(g->server), ==, 0);

    c.fd = unix_connect(path);
    iterate_until(one_client, &c);
    conn_send(&c, "writeb 0x100 7\nreadb 0x100\n", 27);
    conn_assert_reply(&c, "OK");
    conn_assert_reply(&c, "OK 0x0000000000000007");

    /* One client at a time; the next is served when the first leaves. */
    second = unix_connect(path);
    for (int i = 0; i < 100; i++) {
        g_main_context_iteration(NULL, FALSE);
    }
    g_assert_cmpuint(qmem_qtest_server_get_n_clients(g->server), ==, 1);
    close(c.fd);
    c.fd = second;
    conn_send(&c, "readb 0x100\n", 12);
    conn_assert_reply(&c, "OK 0x0000000000000007");
    close(c.fd);
    g_string_free(c.rx, TRUE);

    /* The socket file goes with the server. */
    qmem_qtest_server_free(g->server);
    g->server = qmem_qtest_server_new(g->as);
    g_assert_false(g_file_test(path, G_FILE_TEST_EXISTS));
    g_assert_cmpint(rmdir(dir), ==, 0);
}

/* As QEMU's libqtest: the test listens, the runner connects. */
static void test_open_client(Guest *g, gconstpointer data)
{
    g_autoptr(GError) error = NULL;
    g_autofree char *dir = g_dir_make_tmp("qmem-qtest-XXXXXX", NULL);
    g_autofree char *path = g_build_filename(dir, "qtest.sock", NULL);
    g_autofree char *spec = g_strdup_printf("unix:%s", path);
    struct sockaddr_un sun = { .sun_family = AF_UNIX };
    Conn c = { .g = *g, .rx = g_string_new(NULL) };
    int lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

    g_strlcpy(sun.sun_path, path, sizeof(sun.sun_path));
    g_assert_cmpint(bind(lfd, (struct sockaddr *)&sun, sizeof(sun)), ==, 0);
    g_assert_cmpint(listen(lfd, 1), ==, 0);

    g_assert_true(qmem_qtest_server_open(g->server, spec, &error));
    g_assert_no_error(error);
    g_assert_cmpuint(qmem_qtest_server_get_n_clients(g->server), ==, 1);
    c.fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
    g_assert_cmpint(c.fd, >=, 0);
    conn_send(&c, "readq 0x100000\n", 15);
    conn_assert_reply(&c, "OK 0x0000000000000000");

    /* The peer going away closes the connection; the server stays. */
    close(c.fd);
    c.fd = -1;
    iterate_until(no_clients, &c);
    g_string_free(c.rx, TRUE);
    close(lfd);
    unlink(path);
    g_assert_cmpint(rmdir(dir), ==, 0);
}

/* "stdio" serves fds 0 and 1: run in a subprocess with a socket there. */
static void test_open_stdio(void)
{
    Guest g;
    Conn c = { .rx = NULL };
    g_autoptr(GError) error = NULL;
    int sv[2], saved_stdout;

    if (!g_test_subprocess()) {
        g_test_trap_subprocess(NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
        g_test_trap_assert_passed();
        return;
    }
    g_assert_cmpint(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv),
                    ==, 0);
    /* GTest's own output must not go to the socket. */
    fflush(stdout);
    saved_stdout = dup(STDOUT_FILENO);
    g_assert_cmpint(dup2(sv[0], STDIN_FILENO), ==, STDIN_FILENO);
    g_assert_cmpint(dup2(sv[0], STDOUT_FILENO), ==, STDOUT_FILENO);
    close(sv[0]);

    guest_setup(&g, NULL);
    g_assert_true(qmem_qtest_server_open(g.server, "stdio", &error));
    g_assert_no_error(error);
    g_assert_false(qmem_qtest_server_open(g.server, "stdio", &error));
    g_assert_cmpstr(error->message, ==,
                    "cannot use stdio by multiple character devices");

    c.g = g;
    c.fd = sv[1];
    c.rx = g_string_new(NULL);
    g_assert_cmpint(fcntl(c.fd, F_SETFL, O_NONBLOCK), ==, 0);
    conn_send(&c, "writel 0x8 0xcafe\nreadl 0x8\n", 28);
    conn_assert_reply(&c, "OK");
    conn_assert_reply(&c, "OK 0x000000000000cafe");
    close(c.fd);
    c.fd = -1;
    iterate_until(no_clients, &c);
    g_string_free(c.rx, TRUE);
    guest_teardown(&g, NULL);
    fflush(stdout);
    g_assert_cmpint(dup2(saved_stdout, STDOUT_FILENO), ==, STDOUT_FILENO);
    close(saved_stdout);
}

/* The qtest accelerator */

static void test_accel_new(void)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(QmemAccel) accel = NULL;
    g_autoptr(JsonObject) props = json_object_new();
    g_autoptr(JsonArray) value = json_array_new();
    guint max = 0, free_slots = 0;

    accel = qmem_accel_new("qtest", NULL, &error);
    g_assert_no_error(error);
    g_assert_true(QMEM_IS_QTEST_ACCEL(accel));
    g_assert_cmpstr(qmem_object_get_typename(QMEM_OBJECT(accel)), ==,
                    "qtest-accel");
    g_assert_true(qmem_type_from_name("accel") == QMEM_TYPE_ACCEL);
    g_assert_cmpuint(qmem_accel_phys_bits(accel), ==, 52);
    qmem_accel_get_memslots(accel, &max, &free_slots);
    g_assert_cmpuint(max, ==, 32764);
    g_assert_cmpuint(free_slots, ==, 32764);
    qmem_accel_start(accel);
    qmem_accel_shutdown(accel);
    g_clear_object(&accel);

    json_array_add_string_element(value, "8");
    json_object_set_array_member(props, "x-memslots",
                                 json_array_ref(value));
    accel = qmem_accel_new("qtest", props, &error);
    g_assert_no_error(error);
    qmem_accel_get_memslots(accel, &max, &free_slots);
    g_assert_cmpuint(max, ==, 8);
    g_assert_cmpuint(free_slots, ==, 8);
}

typedef struct {
    const char *test;
    const char *name;
    const char *key;
    const char *value;
    const char *message;
} AccelErrorCase;

static const AccelErrorCase accel_error_cases[] = {
    { "unknown", "foo", NULL, NULL, "invalid accelerator foo" },
    { "empty", "", NULL, NULL, "invalid accelerator " },
    /* A module that is not loaded is no accelerator. */
    { "kvm-not-loaded", "kvm", NULL, NULL, "invalid accelerator kvm" },
    /* Names of other types are not accelerators either. */
    { "not-an-accelerator", "container", NULL, NULL,
      "invalid accelerator container" },
    /* Properties are parsed as QEMU's object_property_parse() does. */
    { "unknown-property", "qtest", "bogus", "1",
      "Property 'qtest-accel.bogus' not found" },
    { "not-a-number", "qtest", "x-memslots", "x",
      "Parameter 'x-memslots' expects uint64" },
    { "negative-memslots", "qtest", "x-memslots", "-1",
      "Parameter 'x-memslots' expects uint32_t" },
    { "memslots-too-large", "qtest", "x-memslots", "4294967296",
      "Parameter 'x-memslots' expects uint32_t" },
};

static void test_accel_error(gconstpointer data)
{
    const AccelErrorCase *ac = data;
    g_autoptr(GError) error = NULL;
    g_autoptr(JsonObject) props = json_object_new();
    QmemAccel *accel;

    if (ac->key) {
        JsonArray *value = json_array_new();

        json_array_add_string_element(value, ac->value);
        json_object_set_array_member(props, ac->key, value);
    }
    accel = qmem_accel_new(ac->name, props, &error);
    g_assert_null(accel);
    g_assert_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC);
    g_assert_cmpstr(error->message, ==, ac->message);
}

static void test_accel_current(void)
{
    QmemAccel *accel = qmem_accel_new("qtest", NULL, NULL);
    QmemAccel *other = qmem_accel_new("qtest", NULL, NULL);

    g_assert_null(qmem_accel_get_current());
    qmem_accel_set_current(accel);
    g_assert_true(qmem_accel_get_current() == accel);
    qmem_accel_set_current(other);
    g_assert_true(qmem_accel_get_current() == other);
    g_object_unref(accel);
    g_assert_true(qmem_accel_get_current() == other);
    /* The current accelerator is not owned: it goes when its owner lets go. */
    g_object_unref(other);
    g_assert_null(qmem_accel_get_current());
    qmem_accel_set_current(NULL);
    g_assert_null(qmem_accel_get_current());
}

/* What the qtest accelerator is, and what it cannot do: run a guest. */
static void test_accel_kind(void)
{
    g_autoptr(QmemAccel) accel = qmem_accel_new("qtest", NULL, NULL);
    g_autoptr(GError) error = NULL;
    QmemAccelMemtestResult result = { .checked = 1 };

    g_assert_cmpint(qmem_accel_get_kind(accel), ==, QMEM_ACCEL_KIND_QTEST);
    g_assert_false(qmem_qtest_enabled());
    qmem_accel_set_current(accel);
    g_assert_true(qmem_qtest_enabled());
    qmem_accel_set_current(NULL);
    g_assert_false(qmem_qtest_enabled());

    g_assert_false(qmem_accel_guest_memtest(accel, 0, 8, 0,
                                            QMEM_ACCEL_MEMTEST_VERIFY, &result,
                                            &error));
    g_assert_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC);
    g_assert_cmpstr(error->message, ==,
                    "accelerator 'qtest-accel' cannot run a guest memory "
                    "test");
    g_assert_cmpuint(result.checked, ==, 0);
}

typedef struct {
    QmemMemoryRegion *root;
    QmemAddressSpace *as;
    GPtrArray *blocks;
    QmemAccel *accel;
} AccelFixture;

static QmemMemoryRegion *accel_ram(AccelFixture *f, const char *name,
                                   guint64 addr)
{
    QmemRamBlock *block = anon_block(name, 64 * KiB);
    QmemMemoryRegion *mr = qmem_memory_region_new_ram(name, block);

    g_ptr_array_add(f->blocks, block);
    qmem_memory_region_add_subregion(f->root, addr, mr);
    g_object_unref(mr);
    return mr;
}

static void assert_memslots(AccelFixture *f, guint max, guint free_slots,
                            guint overcommitted)
{
    guint m, fr;

    qmem_accel_get_memslots(f->accel, &m, &fr);
    g_assert_cmpuint(m, ==, max);
    g_assert_cmpuint(fr, ==, free_slots);
    g_assert_cmpuint(qmem_qtest_accel_get_n_overcommitted(
                         QMEM_QTEST_ACCEL(f->accel)), ==, overcommitted);
}

static void accel_setup(AccelFixture *f, gconstpointer data)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(JsonObject) props = json_object_new();
    JsonArray *value = json_array_new();

    f->blocks = g_ptr_array_new_with_free_func(
        (GDestroyNotify)qmem_ram_block_free);
    f->root = qmem_memory_region_new_container("system", G_MAXUINT64);
    accel_ram(f, "ram0", 0);
    accel_ram(f, "ram1", 4 * GiB);
    f->as = qmem_address_space_new("memory", f->root);

    json_array_add_string_element(value, "4");
    json_object_set_array_member(props, QMEM_QTEST_ACCEL_PROP_MEMSLOTS,
                                 value);
    f->accel = qmem_accel_new("qtest", props, &error);
    g_assert_no_error(error);
    assert_memslots(f, 4, 4, 0);
    g_assert_true(qmem_accel_init_machine(f->accel, f->as, NULL, 1, &error));
    g_assert_no_error(error);
}

static void accel_teardown(AccelFixture *f, gconstpointer data)
{
    gpointer weak = f->accel;

    g_object_add_weak_pointer(G_OBJECT(f->accel), &weak);
    g_object_unref(f->accel);
    g_assert_null(weak);
    qmem_address_space_free(f->as);
    g_object_unref(f->root);
    g_ptr_array_unref(f->blocks);
}

static void test_accel_memslots(AccelFixture *f, gconstpointer data)
{
    QmemMemoryRegion *r2, *r3, *r4;
    g_autoptr(QmemMemoryRegion) alias = NULL;
    const QmemMemorySection *s;
    guint n;

    /* One slot per section: the boot RAM mapped before init_machine. */
    s = qmem_address_space_get_sections(f->as, &n);
    g_assert_cmpuint(n, ==, 2);
    assert_memslots(f, 4, 2, 0);

    /* A region shown twice takes two slots. */
    alias = qmem_memory_region_new_alias("alias", s[0].mr, 0x8000, 0x8000);
    qmem_memory_region_add_subregion(f->root, 8 * GiB, alias);
    assert_memslots(f, 4, 1, 0);
    r2 = accel_ram(f, "r2", 16 * GiB);
    assert_memslots(f, 4, 0, 0);

    /* Full: the next section is counted, not mapped, and logged. */
    g_test_expect_message(G_LOG_DOMAIN, G_LOG_LEVEL_MESSAGE,
                          "qtest-accel: no free memslot for "
                          "[0x600000000, 0x60000ffff] of 'r3' (limit 4)");
    r3 = accel_ram(f, "r3", 24 * GiB);
    g_test_assert_expected_messages();
    assert_memslots(f, 4, 0, 1);

    /* Going away frees a slot, or the overcommitted count. */
    qmem_memory_region_del_subregion(f->root, r3);
    assert_memslots(f, 4, 0, 0);
    qmem_memory_region_del_subregion(f->root, alias);
    assert_memslots(f, 4, 1, 0);
    r4 = accel_ram(f, "r4", 24 * GiB);
    assert_memslots(f, 4, 0, 0);

    /* All at once, in one transaction. */
    qmem_memory_region_transaction_begin();
    qmem_memory_region_del_subregion(f->root, r2);
    qmem_memory_region_del_subregion(f->root, r4);
    qmem_memory_region_transaction_commit();
    assert_memslots(f, 4, 2, 0);
}

static void test_accel_limit(AccelFixture *f, gconstpointer data)
{
    /* Lowering the limit below what is used leaves nothing free. */
    g_object_set(f->accel, QMEM_QTEST_ACCEL_PROP_MEMSLOTS, 1, NULL);
    assert_memslots(f, 1, 0, 0);
    g_test_expect_message(G_LOG_DOMAIN, G_LOG_LEVEL_MESSAGE,
                          "*no free memslot*'r2' (limit 1)");
    accel_ram(f, "r2", 16 * GiB);
    g_test_assert_expected_messages();
    assert_memslots(f, 1, 0, 1);
    g_object_set(f->accel, QMEM_QTEST_ACCEL_PROP_MEMSLOTS, 32764, NULL);
    assert_memslots(f, 32764, 32762, 1);
}

static void test_accel_shutdown(AccelFixture *f, gconstpointer data)
{
    g_autoptr(GError) error = NULL;

    qmem_accel_shutdown(f->accel);
    assert_memslots(f, 4, 4, 0);
    /* Shutting down twice is harmless; so is a fresh start. */
    qmem_accel_shutdown(f->accel);
    g_assert_true(qmem_accel_init_machine(f->accel, f->as, NULL, 1, &error));
    assert_memslots(f, 4, 2, 0);
}

/*
 * memset over an I/O region (no host memory) fills the RAM around it and
 * leaves the region alone; it used to write through a NULL host pointer
 * (found by fuzz-qtest: "memset 0xff0 0xffffffffffffffff 0x12").
 */
static void test_memset_io(void)
{
    QmemMemoryRegion *root =
        qmem_memory_region_new_container("system", G_MAXUINT64);
    QmemMemoryRegion *mmio =
        qmem_memory_region_new_io("mmio", 0x1000, &unassigned_ops, NULL);
    QmemRamBlock *b1 = anon_block("r1", 0x1000);
    QmemRamBlock *b2 = anon_block("r2", 0x1000);
    QmemAddressSpace *as;
    QmemQtestServer *server;
    g_autoptr(GString) reply = g_string_new(NULL);

    map_ram(root, 0, b1);
    qmem_memory_region_add_subregion(root, 0x1000, mmio);
    map_ram(root, 0x2000, b2);
    as = qmem_address_space_new("memory", root);
    server = qmem_qtest_server_new(as);
    qmem_qtest_server_process_line(server, "memset 0xff0 0xffffffffffffffff "
                                   "0x12", reply);
    g_assert_cmpstr(reply->str, ==, "OK");
    g_string_truncate(reply, 0);
    qmem_qtest_server_process_line(server, "read 0xfef 2", reply);
    g_assert_cmpstr(reply->str, ==, "OK 0x0012");
    g_string_truncate(reply, 0);
    qmem_qtest_server_process_line(server, "read 0x2ffe 2", reply);
    g_assert_cmpstr(reply->str, ==, "OK 0x1212");

    qmem_qtest_server_free(server);
    qmem_address_space_free(as);
    g_object_unref(mmio);
    g_object_unref(root);
    qmem_ram_block_free(b1);
    qmem_ram_block_free(b2);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    /* As qmem_modules_init() does, without loading modules (kvm). */
    g_type_ensure(QMEM_TYPE_QTEST_ACCEL);

    for (gsize i = 0; i < G_N_ELEMENTS(scripts); i++) {
        g_autofree char *path = g_strdup_printf("/accel/qtest/protocol/%s",
                                                scripts[i].name);

        g_test_add(path, Guest, &scripts[i], guest_setup, test_script,
                   guest_teardown);
    }
    g_test_add("/accel/qtest/protocol/clock", Guest, NULL, guest_setup,
               test_clock, guest_teardown);
    g_test_add("/accel/qtest/protocol/limits", Guest, NULL, guest_setup,
               test_limits, guest_teardown);
    g_test_add("/accel/qtest/protocol/log", Guest, NULL, guest_setup,
               test_log, guest_teardown);
    g_test_add("/accel/qtest/protocol/irq-no-device", Guest, NULL,
               guest_setup, test_irq_no_device, guest_teardown);
    g_test_add("/accel/qtest/protocol/extension", Guest, NULL, guest_setup,
               test_extension, guest_teardown);

#define ADD_CONN_TEST(name, fn) \
    g_test_add("/accel/qtest/socket/" name, Conn, NULL, conn_setup, fn, \
               conn_teardown)
    ADD_CONN_TEST("commands", test_socket_commands);
    ADD_CONN_TEST("long-line", test_socket_long_line);
    ADD_CONN_TEST("backpressure", test_socket_backpressure);
    ADD_CONN_TEST("eof", test_socket_eof);
    ADD_CONN_TEST("hangup", test_socket_hangup);

    for (gsize i = 0; i < G_N_ELEMENTS(spec_cases); i++) {
        g_autofree char *path = g_strdup_printf("/accel/qtest/open/error/%s",
                                                spec_cases[i].name);

        g_test_add_data_func(path, &spec_cases[i], test_open_error);
    }
    g_test_add("/accel/qtest/open/server", Guest, NULL, guest_setup,
               test_open_server, guest_teardown);
    g_test_add("/accel/qtest/open/client", Guest, NULL, guest_setup,
               test_open_client, guest_teardown);
    g_test_add_func("/accel/qtest/open/stdio", test_open_stdio);

    g_test_add_func("/accel/qtest/memset/io", test_memset_io);
    g_test_add_func("/accel/qtest/accel/new", test_accel_new);
    for (gsize i = 0; i < G_N_ELEMENTS(accel_error_cases); i++) {
        g_autofree char *path = g_strdup_printf("/accel/qtest/accel/error/%s",
                                                accel_error_cases[i].test);

        g_test_add_data_func(path, &accel_error_cases[i], test_accel_error);
    }
    g_test_add_func("/accel/qtest/accel/current", test_accel_current);
    g_test_add_func("/accel/qtest/accel/kind", test_accel_kind);
    g_test_add("/accel/qtest/accel/memslots", AccelFixture, NULL, accel_setup,
               test_accel_memslots, accel_teardown);
    g_test_add("/accel/qtest/accel/limit", AccelFixture, NULL, accel_setup,
               test_accel_limit, accel_teardown);
    g_test_add("/accel/qtest/accel/shutdown", AccelFixture, NULL, accel_setup,
               test_accel_shutdown, accel_teardown);

    return g_test_run();
}
