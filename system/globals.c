/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The VM's name and UUID and -overcommit cpu-pm: QEMU's globals. */

#include <string.h>
#include "system/system.h"

static char *vm_name;
static guint8 vm_uuid[16];
static gboolean vm_uuid_set;
static gboolean enable_cpu_pm;

void qmem_vm_set_name(const char *name)
{
    g_free(vm_name);
    vm_name = g_strdup(name);
}

const char *qmem_vm_get_name(void)
{
    return vm_name;
}

void qmem_vm_set_uuid(const guint8 *uuid)
{
    vm_uuid_set = uuid != NULL;
    if (uuid) {
        memcpy(vm_uuid, uuid, sizeof(vm_uuid));
    } else {
        memset(vm_uuid, 0, sizeof(vm_uuid));
    }
}

gboolean qmem_vm_get_uuid(guint8 uuid[16])
{
    memcpy(uuid, vm_uuid, sizeof(vm_uuid));
    return vm_uuid_set;
}

gboolean qmem_uuid_parse(const char *str, guint8 uuid[16])
{
    guint8 bytes[16];
    guint n = 0;

    if (strlen(str) != 36) {
        return FALSE;
    }
    for (guint i = 0; i < 36; i++) {
        if (i == 8 || i == 13 || i == 18 || i == 23) {
            if (str[i] != '-') {
                return FALSE;
            }
            continue;
        }
        if (!g_ascii_isxdigit(str[i]) || !g_ascii_isxdigit(str[i + 1])) {
            return FALSE;
        }
        bytes[n++] = g_ascii_xdigit_value(str[i]) << 4 |
                     g_ascii_xdigit_value(str[i + 1]);
        i++;
    }
    memcpy(uuid, bytes, sizeof(bytes));
    return TRUE;
}

char *qmem_uuid_unparse(const guint8 uuid[16])
{
    GString *s = g_string_sized_new(37);

    for (guint i = 0; i < 16; i++) {
        g_string_append_printf(s, "%02x", uuid[i]);
        if (i == 3 || i == 5 || i == 7 || i == 9) {
            g_string_append_c(s, '-');
        }
    }
    return g_string_free(s, FALSE);
}

void qmem_set_cpu_pm(gboolean enable)
{
    enable_cpu_pm = enable;
}

gboolean qmem_get_cpu_pm(void)
{
    return enable_cpu_pm;
}
