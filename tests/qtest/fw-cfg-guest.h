/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What a guest does with fw_cfg: port I/O, DMA, the ACPI table loader. */

#ifndef QMEM_TESTS_QTEST_FW_CFG_GUEST_H
#define QMEM_TESTS_QTEST_FW_CFG_GUEST_H

#include <glib.h>
#include "libqtest.h"

/* The x86 I/O interface (QEMU's FW_CFG_IO_BASE). */
#define QFW_CFG_CTL 0x510
#define QFW_CFG_DATA 0x511
#define QFW_CFG_DMA 0x514

/* Selects @key through the selector port. */
void qfw_cfg_select(QTestState *s, guint16 key);

/* Reads @len bytes of the selected item, byte by byte from the data port. */
void qfw_cfg_read_data(QTestState *s, void *buf, gsize len);

/* qfw_cfg_select() then qfw_cfg_read_data(). */
void qfw_cfg_get(QTestState *s, guint16 key, void *buf, gsize len);
guint16 qfw_cfg_get_u16(QTestState *s, guint16 key);
guint32 qfw_cfg_get_u32(QTestState *s, guint16 key);
guint64 qfw_cfg_get_u64(QTestState *s, guint16 key);

/**
 * qfw_cfg_find_file:
 * @name: a file name
 * @select: (out) (optional): its selector
 * @size: (out) (optional): its size
 *
 * Looks @name up in the file directory (big-endian count, then entries
 * of big-endian size, select and the name), read through the ports.
 *
 * Returns: whether the directory lists it.
 */
gboolean qfw_cfg_find_file(QTestState *s, const char *name, guint16 *select,
                           guint32 *size);

/**
 * qfw_cfg_dir_names:
 *
 * Returns: (transfer full): the names in the directory, in its order.
 */
GStrv qfw_cfg_dir_names(QTestState *s);

/**
 * qfw_cfg_get_file:
 *
 * Returns: (transfer full) (nullable): the whole file @name, read through
 *   the ports, or %NULL when there is none.
 */
GBytes *qfw_cfg_get_file(QTestState *s, const char *name);

/**
 * qfw_cfg_dma:
 * @desc: guest-physical address for the descriptor (RAM)
 * @control: QMEM_FW_CFG_DMA_CTL_* with the selector in bits 31-16
 * @length: bytes
 * @address: guest-physical address of the data
 *
 * Writes a QmemFWCfgDmaAccess at @desc, big-endian, and hands it to the
 * device as a driver does: the high half of its address to 0x514, the low
 * half to 0x518, both big-endian.
 *
 * Returns: the control word the device left in the descriptor.
 */
guint32 qfw_cfg_dma(QTestState *s, guint64 desc, guint32 control,
                    guint32 length, guint64 address);

/**
 * qfw_cfg_dma_get:
 *
 * Reads @len bytes of item @key with one SELECT|READ, through guest RAM
 * at 0x10000 (data) and 0x1000 (descriptor); asserts that it succeeds.
 *
 * Returns: (transfer full): the bytes.
 */
GBytes *qfw_cfg_dma_get(QTestState *s, guint16 key, guint32 len);

/**
 * qacpi_load:
 * @high: where the HIGH zone starts (guest RAM, below 4 GiB)
 *
 * Runs "etc/table-loader" as a firmware does: each ALLOCATE loads its file
 * into guest memory (FSEG from 0xE0000, HIGH from @high), aligned, by DMA
 * when the device offers it (descriptor at 0x1000), else through the
 * ports; ADD_POINTER and ADD_CHECKSUM patch guest memory.
 * Asserts that every command is well formed (known command, files
 * allocated before use, offsets inside their files).
 *
 * Returns: how many commands it ran.
 */
guint qacpi_load(QTestState *s, guint64 high);

/**
 * qacpi_find_rsdp:
 *
 * Looks for the RSDP as an OS does: "RSD PTR " on a 16-byte boundary of
 * 0xE0000-0xFFFFF with a valid checksum (and extended checksum for
 * revision 2).
 *
 * Returns: its address, or 0.
 */
guint64 qacpi_find_rsdp(QTestState *s);

/**
 * qacpi_find_table:
 * @rsdp: what qacpi_find_rsdp() found
 * @sig: a signature ("SRAT")
 *
 * Follows the XSDT (revision 2) or the RSDT (revision 0) to the table,
 * asserting the checksums on the way and the table's own.
 *
 * Returns: (transfer full) (nullable): the table, %NULL when not listed.
 */
GBytes *qacpi_find_table(QTestState *s, guint64 rsdp, const char *sig);

#endif
