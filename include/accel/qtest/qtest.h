/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The qtest accelerator (no vCPUs) and QEMU's qtest line protocol server. */

#ifndef QMEM_ACCEL_QTEST_QTEST_H
#define QMEM_ACCEL_QTEST_QTEST_H

#include "system/accel.h"
#include "system/memory.h"

G_BEGIN_DECLS

/*
 * The qtest accelerator ("-accel qtest", type "qtest-accel") runs no
 * guest code.  It keeps the memslot table KVM would keep, in software:
 * one slot per RAM section of the system address space, taken on
 * region_add and given back on region_del, so that memory-device memslot
 * accounting behaves as it does under KVM.
 */

#define QMEM_TYPE_QTEST_ACCEL (qmem_qtest_accel_get_type())
G_DECLARE_FINAL_TYPE(QmemQtestAccel, qmem_qtest_accel, QMEM, QTEST_ACCEL,
                     QmemAccel)

/** QMEM_TYPE_NAME_QTEST_ACCEL: the user-facing type name */
#define QMEM_TYPE_NAME_QTEST_ACCEL "qtest-accel"

/**
 * QMEM_QTEST_ACCEL_PROP_MEMSLOTS:
 *
 * "x-memslots" (uint32): the size of the memslot table, what KVM reports
 * as KVM_CAP_NR_MEMSLOTS.  Tests lower it to reach the limit cheaply
 * ("-accel qtest,x-memslots=8").  Lowering it below the number of slots
 * in use leaves those mapped; there are then no free ones.
 */
#define QMEM_QTEST_ACCEL_PROP_MEMSLOTS "x-memslots"

/**
 * QMEM_QTEST_ACCEL_DEFAULT_MEMSLOTS:
 *
 * The default of "x-memslots": 32764, KVM_CAP_NR_MEMSLOTS on x86-64 Linux
 * since 5.x (KVM_USER_MEM_SLOTS = 32767 minus 3 private slots).
 */
#define QMEM_QTEST_ACCEL_DEFAULT_MEMSLOTS 32764

/**
 * qmem_qtest_accel_get_n_overcommitted:
 * @accel: a qtest accelerator
 *
 * A RAM section that appeared while every slot was taken is not mapped
 * (KVM would fail the ioctl); it is counted here and reported with
 * g_message().  The memory-device core checks free slots before plugging,
 * so this stays 0 unless something bypassed it.
 *
 * Returns: how many visible RAM sections have no slot.
 */
guint qmem_qtest_accel_get_n_overcommitted(QmemQtestAccel *accel);

/*
 * The qtest line protocol, as QEMU's system/qtest.c speaks it: one command
 * per line, words separated by single blanks, one reply line each.
 *
 *   readb|readw|readl|readq ADDR     -> "OK 0x%016x" (the value, 16 digits)
 *   writeb|writew|writel|writeq ADDR VALUE -> "OK"
 *   read ADDR SIZE                   -> "OK 0x<2*SIZE hex digits>"
 *   write ADDR SIZE 0x<hex>          -> "OK" (missing bytes are 0, extra
 *                                       digits ignored)
 *   b64read ADDR SIZE                -> "OK <base64>"
 *   b64write ADDR SIZE <base64>      -> "OK" (only as many bytes as both
 *                                       SIZE and the data give)
 *   memset ADDR SIZE VALUE           -> "OK" (SIZE 0 does nothing)
 *   endianness                       -> "OK little"
 *   inb|inw|inl PORT                 -> "OK 0x%04x"
 *   outb|outw|outl PORT VALUE        -> "OK"
 *   clock_step [NS], clock_set NS    -> "OK <virtual ns>" (qtest
 *                                       accelerator only)
 *   irq_intercept_in QOM_PATH        -> "OK"; every input line of the
 *                                       device reports to the client
 *   irq_intercept_out QOM_PATH [NAME] -> "OK"; every pin of the device's
 *                                       out list NAME (unnamed without)
 *                                       reports to the client
 *   set_irq_in QOM_PATH NAME NUM LEVEL -> "OK" after setting input line
 *                                       NUM of list NAME
 *                                       ("unnamed-gpio-in": the unnamed
 *                                       list) to LEVEL
 *   module_load PREFIX NAME          -> "OK" if module PREFIX+NAME is
 *                                       there or loads, else "FAIL"
 *
 * An intercepted line reports as QEMU's do: each time its level differs
 * from the last one of its number, the server sends "IRQ raise N" (level
 * not 0) or "IRQ lower N" to every client, at once; a command that moves
 * a line gets its reply after those lines.  Levels start at 0 for each
 * new client.  Interception is for one device per server ("FAIL IRQ
 * intercept already enabled" for another; asking again for the same one
 * answers "OK" and changes nothing), and lasts until the server is freed
 * or the device is; the lines keep reaching their receivers.  QEMU's
 * failures: "FAIL Unknown device" (no device at QOM_PATH, an absolute or
 * unambiguous partial path), "FAIL Interception of named in-GPIOs not yet
 * supported" (irq_intercept_in with a NAME), "FAIL No intercepts
 * installed" (no GPIO list, or no list NAME).  With a -qtest-log, QEMU's
 * log lines: "[I T] OPENED", "[R +T] COMMAND", "[S +T] REPLY",
 * "[I +T] CLOSED", T in seconds since the client connected.
 *
 * Numbers are QEMU's qemu_strtou64() with base 0 (decimal, 0x hex, 0
 * octal; "-1" wraps).  Values are little-endian, the guest's byte order.
 * Memory goes through qmem_address_space_rw(): bytes where nothing is
 * mapped read as 0 and writes to them are dropped, as in QEMU, still "OK".
 *
 * Where QEMU asserts, qmem answers and carries on:
 *   "FAIL Unknown command '<word>'"      (QEMU's text; also for "")
 *   "FAIL missing argument"              too few words
 *   "FAIL invalid address '<word>'"      and "invalid size", "invalid
 *                                        value" for words that are not
 *                                        numbers
 *   "FAIL invalid size '0'"              read of 0 bytes
 *   "FAIL size '<word>' is larger than 0x1000000"
 *                                        read/write/b64read/b64write move
 *                                        at most 16 MiB per command
 *   "ERR invalid argument size"          write/b64write data shorter than
 *                                        3 characters (QEMU's text)
 *   "FAIL invalid hex data"              write data not 0x + hex digits
 *   "FAIL invalid number '<word>'"       and "invalid level": set_irq_in
 *                                        words that are not int numbers
 *   "FAIL no input line N in '<NAME>'"   set_irq_in of a line the device
 *                                        does not have
 *   "FAIL line too long"                 a line over
 *                                        QMEM_QTEST_MAX_LINE bytes; the
 *                                        rest of it is skipped
 * A trailing '\r' is dropped; further words after the arguments are
 * ignored, as in QEMU.  A line is split into QMEM_QTEST_MAX_WORDS words at
 * most, the last holding the rest of the line.
 */

/** QMEM_QTEST_MAX_WORDS: the most words a command line is split into */
#define QMEM_QTEST_MAX_WORDS 64

/**
 * QMEM_QTEST_MAX_LINE:
 *
 * The longest command line accepted, newline excluded: room for a 16 MiB
 * "write" in hex.
 */
#define QMEM_QTEST_MAX_LINE (32 * 1024 * 1024 + 4096)

/**
 * QMEM_QTEST_MAX_TRANSFER:
 *
 * The most bytes one read, write, b64read or b64write moves (memset has
 * no limit: it needs no buffer).
 */
#define QMEM_QTEST_MAX_TRANSFER (16 * 1024 * 1024)

typedef struct QmemQtestServer QmemQtestServer;

/**
 * QmemQtestCommandFunc:
 * @server: the server the command came to
 *   (qmem_qtest_server_get_address_space() gives guest memory)
 * @argv: (array zero-terminated=1): the words of the line; argv[0] is the
 *   command's name; the handler may modify the strings in place
 * @reply: where the handler appends its one reply line, without the
 *   newline: "OK ..." or "FAIL <reason>"
 *
 * A command added with qmem_qtest_register_command().  It checks its
 * arguments itself and never trusts them: nothing a client sends may
 * crash the runner.  Runs on the main thread.  If it appends nothing, the
 * client gets "FAIL".
 */
typedef void (*QmemQtestCommandFunc)(QmemQtestServer *server, char **argv,
                                     GString *reply);

/**
 * qmem_qtest_register_command:
 * @name: the command's first word
 * @handler: its implementation
 *
 * Adds a command to the process-wide table every server consults after
 * its built-in commands (QEMU's, and qmem's own virtio-mem-request).
 * Registering a name twice, or a built-in name, is a programmer error.
 */
void qmem_qtest_register_command(const char *name,
                                 QmemQtestCommandFunc handler);

/**
 * qmem_qtest_unregister_command:
 * @name: a registered command
 *
 * Removes @name again (for modules that go away and for tests).
 */
void qmem_qtest_unregister_command(const char *name);

/**
 * qmem_qtest_server_new:
 * @as: the guest's system address space; borrowed, it must outlive the
 *   server
 *
 * Returns: (transfer full): a server without a transport yet.
 */
QmemQtestServer *qmem_qtest_server_new(QmemAddressSpace *as);

/**
 * qmem_qtest_server_get_address_space:
 * Returns: (transfer none): the address space given at creation.
 */
QmemAddressSpace *qmem_qtest_server_get_address_space(QmemQtestServer *server);

/**
 * qmem_qtest_server_set_io_address_space:
 * @io: (nullable): the machine's I/O address space, borrowed; it must
 *   outlive the server
 *
 * Gives inb/inw/inl/outb/outw/outl their ports; without one they fail.
 */
void qmem_qtest_server_set_io_address_space(QmemQtestServer *server,
                                            QmemAddressSpace *io);

/**
 * qmem_qtest_server_open:
 * @server: a server
 * @spec: the -qtest argument, a QEMU character device as QEMU's -qtest
 *   takes it:
 *   "unix:PATH" connects to a peer that listens on PATH (what QEMU's
 *   libqtest does: the test listens, the emulator connects);
 *   "unix:PATH,server=on[,wait=off]" listens on PATH, one client at a
 *   time (a client that goes away makes room for the next), blocking until
 *   the first client connects unless wait=off;
 *   "stdio" reads commands from stdin and replies on stdout;
 *   "chardev:ID" serves on the chardev -chardev made with id ID
 *   (qmem_chardev_new_from_opts()), which must have no frontend yet.
 * @error: return location for a #GError
 *
 * Errors have QEMU's texts ("'%s' is not a valid char driver", "Invalid
 * parameter '%s'", "Parameter 'server' expects 'on' or 'off'", "Failed to
 * connect to '%s': %s", "Failed to bind socket to %s: %s", "UNIX socket
 * path '%s' is too long"), with QEMU's second line, "Failed to initialize
 * device for qtest: \"<spec>\"", as the error's hint.  A stale socket
 * file at PATH is replaced; the file is removed by qmem_qtest_server_free().
 *
 * Returns: %TRUE on success.
 */
gboolean qmem_qtest_server_open(QmemQtestServer *server, const char *spec,
                                GError **error);

/**
 * qmem_qtest_server_set_log:
 * @server: a server
 * @path: (nullable): QEMU's -qtest-log: a file, created or truncated;
 *   "none" for no log; %NULL for stderr (QEMU's default when -qtest-log
 *   is not given)
 *
 * Where the server logs what it receives and sends, in QEMU's format.
 * A file that cannot be opened means no log, as in QEMU.  A server starts
 * without a log.
 */
void qmem_qtest_server_set_log(QmemQtestServer *server, const char *path);

/**
 * qmem_qtest_server_add_client:
 * @server: a server
 * @in_fd: where commands come from; owned by the server from now on
 * @out_fd: where replies go; the same fd as @in_fd for a socket, which is
 *   then closed once
 *
 * Serves one client from the thread-default main context.  The fds are
 * made non-blocking.  Replies are queued, so a client that does not read
 * cannot block the runner; while much output is pending the server stops
 * reading from that client.  When the peer closes, the client goes away.
 */
void qmem_qtest_server_add_client(QmemQtestServer *server, int in_fd,
                                  int out_fd);

/**
 * qmem_qtest_server_get_n_clients:
 * Returns: how many clients are connected now.
 */
guint qmem_qtest_server_get_n_clients(QmemQtestServer *server);

/**
 * qmem_qtest_server_process_line:
 * @server: a server
 * @line: one command line, without its newline (need not be valid UTF-8)
 * @reply: where the reply line goes, without its newline
 *
 * Runs one command as if a client had sent it (for fuzzers and tests).
 */
void qmem_qtest_server_process_line(QmemQtestServer *server, const char *line,
                                    GString *reply);

/**
 * qmem_qtest_server_free:
 * @server: (transfer full) (nullable): a server
 *
 * Writes out pending replies (for at most a second), closes every client
 * and listening socket and removes the socket files it created.
 */
void qmem_qtest_server_free(QmemQtestServer *server);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(QmemQtestServer, qmem_qtest_server_free)

G_END_DECLS

#endif
