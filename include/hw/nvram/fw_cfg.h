/* SPDX-License-Identifier: GPL-2.0-or-later */
/* QEMU's firmware configuration device (fw_cfg): items, files, I/O, DMA. */

#ifndef QMEM_HW_NVRAM_FW_CFG_H
#define QMEM_HW_NVRAM_FW_CFG_H

#include <glib.h>
#include "hw/core/boards.h"
#include "qom/object.h"
#include "system/memory.h"

G_BEGIN_DECLS

/*
 * What a guest reads: items, each a selector key and a byte string.  Keys
 * below QMEM_FW_CFG_FILE_FIRST are QEMU's well-known items; files are
 * named items from QMEM_FW_CFG_FILE_FIRST up, listed in the directory
 * (QMEM_FW_CFG_FILE_DIR).  Keys with QMEM_FW_CFG_ARCH_LOCAL set are a
 * second, architecture-defined set.  Values and layouts are those of
 * Linux's <linux/qemu_fw_cfg.h>, which QEMU uses.
 */
#define QMEM_FW_CFG_SIGNATURE 0x00
#define QMEM_FW_CFG_ID 0x01
#define QMEM_FW_CFG_UUID 0x02
#define QMEM_FW_CFG_RAM_SIZE 0x03
#define QMEM_FW_CFG_NOGRAPHIC 0x04
#define QMEM_FW_CFG_NB_CPUS 0x05
#define QMEM_FW_CFG_MACHINE_ID 0x06
#define QMEM_FW_CFG_KERNEL_ADDR 0x07
#define QMEM_FW_CFG_KERNEL_SIZE 0x08
#define QMEM_FW_CFG_KERNEL_CMDLINE 0x09
#define QMEM_FW_CFG_INITRD_ADDR 0x0a
#define QMEM_FW_CFG_INITRD_SIZE 0x0b
#define QMEM_FW_CFG_BOOT_DEVICE 0x0c
#define QMEM_FW_CFG_NUMA 0x0d
#define QMEM_FW_CFG_BOOT_MENU 0x0e
#define QMEM_FW_CFG_MAX_CPUS 0x0f
#define QMEM_FW_CFG_KERNEL_ENTRY 0x10
#define QMEM_FW_CFG_KERNEL_DATA 0x11
#define QMEM_FW_CFG_INITRD_DATA 0x12
#define QMEM_FW_CFG_CMDLINE_ADDR 0x13
#define QMEM_FW_CFG_CMDLINE_SIZE 0x14
#define QMEM_FW_CFG_CMDLINE_DATA 0x15
#define QMEM_FW_CFG_SETUP_ADDR 0x16
#define QMEM_FW_CFG_SETUP_SIZE 0x17
#define QMEM_FW_CFG_SETUP_DATA 0x18
#define QMEM_FW_CFG_FILE_DIR 0x19

#define QMEM_FW_CFG_FILE_FIRST 0x20
#define QMEM_FW_CFG_FILE_SLOTS_MIN 0x10
#define QMEM_FW_CFG_FILE_SLOTS_DFLT 0x20

#define QMEM_FW_CFG_WRITE_CHANNEL 0x4000
#define QMEM_FW_CFG_ARCH_LOCAL 0x8000
#define QMEM_FW_CFG_ENTRY_MASK \
    ((guint16)~(QMEM_FW_CFG_WRITE_CHANNEL | QMEM_FW_CFG_ARCH_LOCAL))
#define QMEM_FW_CFG_INVALID 0xffff

/* The I/O interface: a 16-bit selector with an 8-bit data port inside. */
#define QMEM_FW_CFG_CTL_SIZE 2
/* A file name, with its terminating NUL. */
#define QMEM_FW_CFG_MAX_FILE_PATH 56
#define QMEM_FW_CFG_SIG_SIZE 4

/* FW_CFG_ID bits */
#define QMEM_FW_CFG_VERSION 0x01
#define QMEM_FW_CFG_VERSION_DMA 0x02

/* QmemFWCfgDmaAccess.control bits; the selector goes in bits 31-16. */
#define QMEM_FW_CFG_DMA_CTL_ERROR 0x01
#define QMEM_FW_CFG_DMA_CTL_READ 0x02
#define QMEM_FW_CFG_DMA_CTL_SKIP 0x04
#define QMEM_FW_CFG_DMA_CTL_SELECT 0x08
#define QMEM_FW_CFG_DMA_CTL_WRITE 0x10

/* What the DMA register reads as, "QEMU CFG", big-endian. */
#define QMEM_FW_CFG_DMA_SIGNATURE G_GUINT64_CONSTANT(0x51454d5520434647)

/**
 * QmemFWCfgFile:
 * @size: the file's length, big-endian
 * @select: its selector key, big-endian
 * @reserved: 0
 * @name: NUL-terminated
 *
 * One entry of the file directory, which is a big-endian 32-bit count
 * followed by the entries, sorted (QEMU's struct fw_cfg_file).
 */
typedef struct {
    guint32 size;
    guint16 select;
    guint16 reserved;
    char name[QMEM_FW_CFG_MAX_FILE_PATH];
} QmemFWCfgFile;

/**
 * QmemFWCfgDmaAccess:
 * @control: QMEM_FW_CFG_DMA_CTL_* and the selector, big-endian; the
 *   device writes 0 here when the transfer is done, or
 *   QMEM_FW_CFG_DMA_CTL_ERROR
 * @length: bytes, big-endian
 * @address: guest-physical address of the data, big-endian
 *
 * The descriptor a guest puts in its memory and hands to the device by
 * writing its address to the DMA register (QEMU's FWCfgDmaAccess).
 */
typedef struct {
    guint32 control;
    guint32 length;
    guint64 address;
} QmemFWCfgDmaAccess;

G_STATIC_ASSERT(sizeof(QmemFWCfgFile) == 64);
G_STATIC_ASSERT(sizeof(QmemFWCfgDmaAccess) == 16);

/* Construct-time properties, as QEMU's fw_cfg_io device has them. */
#define QMEM_FW_CFG_PROP_DMA_ENABLED "dma_enabled"
#define QMEM_FW_CFG_PROP_FILE_SLOTS "x-file-slots"

/*
 * The device, "fw_cfg_io" as QEMU names it: a child "fw_cfg" of the
 * machine once realized, its I/O interface in the machine's port space.
 */
#define QMEM_TYPE_FW_CFG (qmem_fw_cfg_get_type())
G_DECLARE_FINAL_TYPE(QmemFWCfg, qmem_fw_cfg, QMEM, FW_CFG, QmemObject)

/**
 * QmemFWCfgCallback:
 * @opaque: what was given with the item
 *
 * Called when the guest selects the item (through the selector port or a
 * DMA SELECT), before it reads a byte: QEMU uses it to build the ACPI
 * tables again on their first read.  It may replace the item's contents
 * (qmem_fw_cfg_modify_file()), but not add items.  Runs under the BQL.
 */
typedef void (*QmemFWCfgCallback)(gpointer opaque);

/**
 * QmemFWCfgWriteCallback:
 * @opaque: what was given with the item
 * @offset: where in the item the guest wrote
 * @len: how many bytes
 *
 * Called after a DMA WRITE stored bytes into a writable item.  Runs under
 * the BQL.
 */
typedef void (*QmemFWCfgWriteCallback)(gpointer opaque, guint32 offset,
                                       guint32 len);

/**
 * qmem_fw_cfg_new:
 *
 * An unrealized device with QEMU's defaults (DMA on, 0x20 file slots);
 * pass QMEM_FW_CFG_PROP_* to g_object_new() for others.
 *
 * Returns: (transfer full): the device.
 */
QmemFWCfg *qmem_fw_cfg_new(void);

/**
 * qmem_fw_cfg_realize_io:
 * @s: an unrealized device
 * @machine: the machine it belongs to
 * @iobase: the selector port (0x510 on x86); the data port is @iobase + 1
 * @dma_iobase: the DMA register's port (0x514 on x86), or 0 for none
 * @dma_as: (nullable): where DMA goes (the machine's memory), %NULL for
 *   no DMA
 * @error: return location for a #GError
 *
 * QEMU's fw_cfg_io realize: makes the file directory and the items every
 * fw_cfg has (signature "QEMU", FW_CFG_ID, a zero UUID, FW_CFG_NOGRAPHIC
 * and FW_CFG_BOOT_MENU 0, "etc/boot-fail-wait" -1), adds @s to @machine
 * as "fw_cfg" and maps its I/O interface into the machine's port space.
 * DMA is offered when the property allows it and @dma_iobase and @dma_as
 * are given.  The directory is sorted by name, or in QEMU's legacy order
 * when the machine class asks (legacy_fw_cfg_order).  Fails with
 * "\"file_slots\" must be at least 0x10", "\"file_slots\" must not
 * exceed 0x3fe0" or "at most one fw_cfg device is permitted", and then
 * leaves nothing behind.
 *
 * Returns: whether @s is realized.
 */
gboolean qmem_fw_cfg_realize_io(QmemFWCfg *s, QmemMachine *machine,
                                guint16 iobase, guint16 dma_iobase,
                                QmemAddressSpace *dma_as, GError **error);

/**
 * qmem_fw_cfg_init_io_dma:
 *
 * QEMU's fw_cfg_init_io_dma(): qmem_fw_cfg_new() and
 * qmem_fw_cfg_realize_io().
 *
 * Returns: (transfer none) (nullable): the device, owned by @machine.
 */
QmemFWCfg *qmem_fw_cfg_init_io_dma(QmemMachine *machine, guint16 iobase,
                                   guint16 dma_iobase,
                                   QmemAddressSpace *dma_as, GError **error);

/**
 * qmem_fw_cfg_find:
 * Returns: (transfer none) (nullable): @machine's fw_cfg device.
 */
QmemFWCfg *qmem_fw_cfg_find(QmemMachine *machine);

/**
 * qmem_fw_cfg_dma_enabled:
 * Returns: whether the guest may use DMA (FW_CFG_ID has the DMA bit).
 */
gboolean qmem_fw_cfg_dma_enabled(QmemFWCfg *s);

/**
 * qmem_fw_cfg_add_bytes:
 * @s: a realized device
 * @key: a free well-known or architecture key (below FILE_FIRST, or with
 *   ARCH_LOCAL)
 * @data: (transfer full) (nullable): the item, freed with g_free() when
 *   it is replaced or the device goes; %NULL with @len 0 for an empty item
 * @len: its size, below 4 GiB
 *
 * QEMU's fw_cfg_add_bytes(), read-only.  A key in use or out of range is
 * a programmer error.
 */
void qmem_fw_cfg_add_bytes(QmemFWCfg *s, guint16 key, gpointer data,
                           gsize len);

/* A copy of @value with its NUL (QEMU's fw_cfg_add_string()). */
void qmem_fw_cfg_add_string(QmemFWCfg *s, guint16 key, const char *value);

/* Little-endian numbers, as QEMU's fw_cfg_add_i16/i32/i64(). */
void qmem_fw_cfg_add_i16(QmemFWCfg *s, guint16 key, guint16 value);
void qmem_fw_cfg_add_i32(QmemFWCfg *s, guint16 key, guint32 value);
void qmem_fw_cfg_add_i64(QmemFWCfg *s, guint16 key, guint64 value);

/*
 * QEMU's fw_cfg_modify_*(): new contents for an item that exists (the old
 * ones are freed); it becomes read-only, its callbacks stay.
 */
void qmem_fw_cfg_modify_string(QmemFWCfg *s, guint16 key, const char *value);
void qmem_fw_cfg_modify_i16(QmemFWCfg *s, guint16 key, guint16 value);
void qmem_fw_cfg_modify_i32(QmemFWCfg *s, guint16 key, guint32 value);
void qmem_fw_cfg_modify_i64(QmemFWCfg *s, guint16 key, guint64 value);

/**
 * qmem_fw_cfg_add_file_callback:
 * @s: a realized device
 * @filename: a name no other file has, at most 55 bytes (longer names
 *   are cut, as QEMU cuts them)
 * @select_cb: (nullable): called when the guest selects the file
 * @write_cb: (nullable): called after the guest wrote into it
 * @callback_opaque: both callbacks' argument
 * @data: (transfer full) (nullable): the contents, as for
 *   qmem_fw_cfg_add_bytes()
 * @len: their size
 * @read_only: whether DMA WRITE is refused (QMEM_FW_CFG_DMA_CTL_ERROR)
 *
 * QEMU's fw_cfg_add_file_callback(): the file takes the next free slot of
 * the directory, which stays sorted (by name, or in QEMU's legacy order);
 * the files after it move up one selector.  A full directory or a name in
 * use is a programmer error.
 */
void qmem_fw_cfg_add_file_callback(QmemFWCfg *s, const char *filename,
                                   QmemFWCfgCallback select_cb,
                                   QmemFWCfgWriteCallback write_cb,
                                   gpointer callback_opaque, gpointer data,
                                   gsize len, gboolean read_only);

/* A read-only file without callbacks (QEMU's fw_cfg_add_file()). */
void qmem_fw_cfg_add_file(QmemFWCfg *s, const char *filename, gpointer data,
                          gsize len);

/**
 * qmem_fw_cfg_modify_file:
 * @data: (transfer full) (nullable): the new contents
 *
 * QEMU's fw_cfg_modify_file(): replaces the contents and directory size
 * of @filename (the old contents are freed; it becomes read-only, its
 * callbacks stay), or adds it as a read-only file when there is none.
 */
void qmem_fw_cfg_modify_file(QmemFWCfg *s, const char *filename,
                             gpointer data, gsize len);

G_END_DECLS

#endif
