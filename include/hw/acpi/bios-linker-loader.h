/* SPDX-License-Identifier: GPL-2.0-or-later */
/* QEMU's BIOS linker/loader script: how firmware places the ACPI files. */

#ifndef QMEM_HW_ACPI_BIOS_LINKER_LOADER_H
#define QMEM_HW_ACPI_BIOS_LINKER_LOADER_H

#include <glib.h>
#include "hw/nvram/fw_cfg.h"

G_BEGIN_DECLS

/*
 * The script is fw_cfg's "etc/table-loader": a list of 128-byte commands,
 * little-endian, that a firmware (SeaBIOS, OVMF) runs in order:
 *
 *   0   u32 command
 *   ALLOCATE (1):     4 file[56], 60 u32 align, 64 u8 zone
 *       load the fw_cfg file into guest memory, aligned, in the zone
 *       (1 HIGH: anywhere in RAM below 4 GiB; 2 FSEG: 0xE0000-0xFFFFF,
 *       where an OS looks for the RSDP)
 *   ADD_POINTER (2):  4 dest_file[56], 60 src_file[56], 116 u32 offset,
 *                     120 u8 size
 *       add the address where src_file was loaded to the size-byte
 *       number at offset in dest_file (which holds an offset into
 *       src_file until then)
 *   ADD_CHECKSUM (3): 4 file[56], 60 u32 offset, 64 u32 start, 68 u32 length
 *       add to the byte at offset what makes the bytes of
 *       [start, start + length) sum to 0
 *   WRITE_POINTER (4): 4 dest_file[56], 60 src_file[56], 116 u32 dst_offset,
 *                      120 u32 src_offset, 124 u8 size
 *       write src_file's address + src_offset into the fw_cfg file
 *       dest_file at dst_offset, through DMA
 *
 * Every file is ALLOCATEd once, before any other command names it; the
 * ALLOCATEs come first.  A zero command (the padding) does nothing.
 */
#define QMEM_BIOS_LINKER_LOADER_FILESZ QMEM_FW_CFG_MAX_FILE_PATH
#define QMEM_BIOS_LINKER_LOADER_ENTRY_SIZE 128

enum {
    QMEM_BIOS_LINKER_LOADER_COMMAND_ALLOCATE = 0x1,
    QMEM_BIOS_LINKER_LOADER_COMMAND_ADD_POINTER = 0x2,
    QMEM_BIOS_LINKER_LOADER_COMMAND_ADD_CHECKSUM = 0x3,
    QMEM_BIOS_LINKER_LOADER_COMMAND_WRITE_POINTER = 0x4,
};

enum {
    QMEM_BIOS_LINKER_LOADER_ALLOC_ZONE_HIGH = 0x1,
    QMEM_BIOS_LINKER_LOADER_ALLOC_ZONE_FSEG = 0x2,
};

/**
 * QmemBiosLinker:
 * @cmd_blob: the script so far, what "etc/table-loader" holds
 * @file_list: the files ALLOCATEd, with their contents (internal)
 *
 * QEMU's BIOSLinker.  The blobs it was given are borrowed: they must
 * outlive it, and the commands patch them (a pointer field gets the
 * source offset, a checksum field 0).
 */
typedef struct {
    GByteArray *cmd_blob;
    GArray *file_list;
} QmemBiosLinker;

QmemBiosLinker *qmem_bios_linker_loader_init(void);
void qmem_bios_linker_loader_cleanup(QmemBiosLinker *linker);

/**
 * qmem_bios_linker_loader_alloc:
 * @file_name: the fw_cfg file the firmware loads
 * @file_blob: its contents (borrowed; may still grow)
 * @alloc_align: alignment, a power of 2
 * @alloc_fseg: in the FSEG zone (the RSDP), else HIGH
 *
 * Appends ALLOCATE before every other command.  A file named twice is a
 * programmer error.
 */
void qmem_bios_linker_loader_alloc(QmemBiosLinker *linker,
                                   const char *file_name,
                                   GByteArray *file_blob,
                                   guint32 alloc_align, gboolean alloc_fseg);

/**
 * qmem_bios_linker_loader_add_checksum:
 * @file_name: an ALLOCATEd file
 * @start_offset: the first byte summed
 * @size: how many
 * @checksum_offset: the checksum byte, inside the range; set to 0 here
 */
void qmem_bios_linker_loader_add_checksum(QmemBiosLinker *linker,
                                          const char *file_name,
                                          guint start_offset, guint size,
                                          guint checksum_offset);

/**
 * qmem_bios_linker_loader_add_pointer:
 * @dest_file: the ALLOCATEd file holding the pointer
 * @dst_patched_offset: where in it
 * @dst_patched_size: 1, 2, 4 or 8 bytes
 * @src_file: the ALLOCATEd file pointed into
 * @src_offset: where in it; written into the pointer field now, the
 *   firmware adds @src_file's address
 */
void qmem_bios_linker_loader_add_pointer(QmemBiosLinker *linker,
                                         const char *dest_file,
                                         guint32 dst_patched_offset,
                                         guint8 dst_patched_size,
                                         const char *src_file,
                                         guint32 src_offset);

/**
 * qmem_bios_linker_loader_write_pointer:
 * @dest_file: a writable fw_cfg file (not ALLOCATEd)
 *
 * Asks the firmware to write @src_file's address + @src_offset into
 * @dest_file at @dst_patched_offset, through fw_cfg DMA.
 */
void qmem_bios_linker_loader_write_pointer(QmemBiosLinker *linker,
                                           const char *dest_file,
                                           guint32 dst_patched_offset,
                                           guint8 dst_patched_size,
                                           const char *src_file,
                                           guint32 src_offset);

G_END_DECLS

#endif
