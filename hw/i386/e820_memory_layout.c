/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The e820 memory map a pc guest reads from fw_cfg's "etc/e820". */

#include "pc-internal.h"

guint qmem_e820_add_entry(GByteArray *table, guint64 address, guint64 length,
                          guint32 type)
{
    guint8 entry[QMEM_E820_ENTRY_SIZE];

    for (guint i = 0; i < 8; i++) {
        entry[i] = address >> (8 * i);
        entry[8 + i] = length >> (8 * i);
    }
    for (guint i = 0; i < 4; i++) {
        entry[16 + i] = type >> (8 * i);
    }
    g_byte_array_append(table, entry, sizeof(entry));
    return table->len / QMEM_E820_ENTRY_SIZE;
}
