/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libFuzzer target: the qtest line protocol on a live machine. */

#include <stdint.h>
#include <string.h>

#include "accel/qtest/qtest.h"
#include "tests/fuzz/fuzz-machine.h"

/*
 * Input: qtest protocol lines, one a line ('\n', an optional '\r' before
 * it; a NUL ends a line early, as the server's reader does).  Each goes
 * to the protocol handler (qmem_qtest_server_process_line()) of a server
 * on the memory and I/O address spaces of a live pc machine
 * (fuzz-machine.h), as qmem-run -qtest sets one up.  Guest memory access
 * stays within the machine by construction: addresses outside its RAM
 * and devices are unassigned, and a transfer is at most
 * QMEM_QTEST_MAX_TRANSFER bytes.  Every reply starts with "OK", "FAIL"
 * or "ERR" and is one line.
 */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_reply(GString *reply)
{
    g_assert_true(g_str_has_prefix(reply->str, "OK") ||
                  g_str_has_prefix(reply->str, "FAIL") ||
                  g_str_has_prefix(reply->str, "ERR"));
    g_assert_null(strchr(reply->str, '\n'));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    g_autoptr(QmemQtestServer) server = NULL;
    const uint8_t *end = data + size;
    MachineFixture f;

    fuzz_machine_setup(&f);
    server = qmem_qtest_server_new(qmem_machine_get_address_space(f.machine));
    qmem_qtest_server_set_io_address_space(
        server, qmem_machine_get_io_address_space(f.machine));
    qmem_qtest_server_set_log(server, "none");
    while (data < end) {
        const uint8_t *nl = memchr(data, '\n', end - data);
        g_autofree char *line = g_strndup((const char *)data,
                                          (nl ? nl : end) - data);
        g_autoptr(GString) reply = g_string_new(NULL);

        qmem_qtest_server_process_line(server, line, reply);
        check_reply(reply);
        data = nl ? nl + 1 : end;
    }
    g_clear_pointer(&server, qmem_qtest_server_free);
    fuzz_machine_teardown(&f);
    return 0;
}
