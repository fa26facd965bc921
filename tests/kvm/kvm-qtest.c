/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What the KVM tests that drive qmem-run (libqtest) share. */

#include <fcntl.h>
#include <unistd.h>

#include "kvm-qtest.h"

gboolean kvm_qtest_usable(void)
{
    int fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);

    if (fd < 0) {
        g_test_skip("/dev/kvm is not usable here");
        return FALSE;
    }
    close(fd);
    return TRUE;
}

gint64 kvm_qtest_memslots_used(QTestState *s)
{
    JsonNode *ret = qtest_qmp_assert_success_ref(
        s, "{'execute': 'x-query-memslots'}");
    gint64 used = json_object_get_int_member(json_node_get_object(ret),
                                             "used");

    json_node_unref(ret);
    return used;
}

JsonObject *kvm_qtest_memtest(QTestState *s, guint64 addr, guint64 size,
                              const char *mode)
{
    JsonNode *ret = qtest_qmp_assert_success_ref(
        s, "{'execute': 'x-guest-memtest', 'arguments': {'addr': %"
        G_GUINT64_FORMAT ", 'size': %" G_GUINT64_FORMAT ", 'seed': 7, "
        "'mode': '%s'}}", addr, size, mode);
    JsonObject *result = json_object_ref(json_node_get_object(ret));

    json_node_unref(ret);
    return result;
}
