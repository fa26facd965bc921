/* SPDX-License-Identifier: GPL-2.0-or-later */
/* QEMU's BIOS linker/loader: the commands of "etc/table-loader". */

#include <string.h>
#include "hw/acpi/bios-linker-loader.h"

typedef struct {
    char *name;
    GByteArray *blob;                   /* borrowed */
} BiosLinkerFileEntry;

static void put_le32(guint8 *p, guint32 value)
{
    for (guint i = 0; i < 4; i++) {
        p[i] = value >> (8 * i);
    }
}

static void put_name(guint8 *p, const char *name)
{
    strncpy((char *)p, name, QMEM_BIOS_LINKER_LOADER_FILESZ - 1);
}

static void file_entry_clear(gpointer data)
{
    g_free(((BiosLinkerFileEntry *)data)->name);
}

QmemBiosLinker *qmem_bios_linker_loader_init(void)
{
    QmemBiosLinker *linker = g_new0(QmemBiosLinker, 1);

    linker->cmd_blob = g_byte_array_new();
    linker->file_list = g_array_new(FALSE, TRUE, sizeof(BiosLinkerFileEntry));
    g_array_set_clear_func(linker->file_list, file_entry_clear);
    return linker;
}

void qmem_bios_linker_loader_cleanup(QmemBiosLinker *linker)
{
    if (!linker) {
        return;
    }
    if (linker->cmd_blob) {
        g_byte_array_unref(linker->cmd_blob);
    }
    g_array_unref(linker->file_list);
    g_free(linker);
}

static const BiosLinkerFileEntry *find_file(const QmemBiosLinker *linker,
                                            const char *name)
{
    for (guint i = 0; i < linker->file_list->len; i++) {
        BiosLinkerFileEntry *e = &g_array_index(linker->file_list,
                                                BiosLinkerFileEntry, i);

        if (!strcmp(e->name, name)) {
            return e;
        }
    }
    return NULL;
}

void qmem_bios_linker_loader_alloc(QmemBiosLinker *linker,
                                   const char *file_name,
                                   GByteArray *file_blob,
                                   guint32 alloc_align, gboolean alloc_fseg)
{
    guint8 entry[QMEM_BIOS_LINKER_LOADER_ENTRY_SIZE] = { 0 };
    BiosLinkerFileEntry file;

    g_return_if_fail(alloc_align && !(alloc_align & (alloc_align - 1)));
    g_return_if_fail(!find_file(linker, file_name));

    file = (BiosLinkerFileEntry){ g_strdup(file_name), file_blob };
    g_array_append_val(linker->file_list, file);

    put_le32(entry, QMEM_BIOS_LINKER_LOADER_COMMAND_ALLOCATE);
    put_name(entry + 4, file_name);
    put_le32(entry + 60, alloc_align);
    entry[64] = alloc_fseg ? QMEM_BIOS_LINKER_LOADER_ALLOC_ZONE_FSEG :
                             QMEM_BIOS_LINKER_LOADER_ALLOC_ZONE_HIGH;
    /* ALLOCATEs come first, so each is put in front. */
    g_byte_array_prepend(linker->cmd_blob, entry, sizeof(entry));
}

void qmem_bios_linker_loader_add_checksum(QmemBiosLinker *linker,
                                          const char *file_name,
                                          guint start_offset, guint size,
                                          guint checksum_offset)
{
    guint8 entry[QMEM_BIOS_LINKER_LOADER_ENTRY_SIZE] = { 0 };
    const BiosLinkerFileEntry *file = find_file(linker, file_name);

    g_return_if_fail(file != NULL);
    g_return_if_fail(start_offset < file->blob->len &&
                     size <= file->blob->len - start_offset);
    g_return_if_fail(checksum_offset >= start_offset &&
                     checksum_offset < start_offset + size);

    file->blob->data[checksum_offset] = 0;
    put_le32(entry, QMEM_BIOS_LINKER_LOADER_COMMAND_ADD_CHECKSUM);
    put_name(entry + 4, file_name);
    put_le32(entry + 60, checksum_offset);
    put_le32(entry + 64, start_offset);
    put_le32(entry + 68, size);
    g_byte_array_append(linker->cmd_blob, entry, sizeof(entry));
}

static gboolean pointer_size_ok(guint8 size)
{
    return size == 1 || size == 2 || size == 4 || size == 8;
}

void qmem_bios_linker_loader_add_pointer(QmemBiosLinker *linker,
                                         const char *dest_file,
                                         guint32 dst_patched_offset,
                                         guint8 dst_patched_size,
                                         const char *src_file,
                                         guint32 src_offset)
{
    guint8 entry[QMEM_BIOS_LINKER_LOADER_ENTRY_SIZE] = { 0 };
    const BiosLinkerFileEntry *dst = find_file(linker, dest_file);
    const BiosLinkerFileEntry *src = find_file(linker, src_file);

    g_return_if_fail(dst != NULL && src != NULL);
    g_return_if_fail(pointer_size_ok(dst_patched_size));
    g_return_if_fail(dst_patched_offset < dst->blob->len &&
                     dst_patched_size <= dst->blob->len - dst_patched_offset);
    g_return_if_fail(src_offset < src->blob->len);

    put_le32(entry, QMEM_BIOS_LINKER_LOADER_COMMAND_ADD_POINTER);
    put_name(entry + 4, dest_file);
    put_name(entry + 60, src_file);
    put_le32(entry + 116, dst_patched_offset);
    entry[120] = dst_patched_size;

    /* The field holds the offset into @src_file until the firmware adds. */
    for (guint i = 0; i < dst_patched_size; i++) {
        dst->blob->data[dst_patched_offset + i] =
            i < 4 ? src_offset >> (8 * i) : 0;
    }
    g_byte_array_append(linker->cmd_blob, entry, sizeof(entry));
}

void qmem_bios_linker_loader_write_pointer(QmemBiosLinker *linker,
                                           const char *dest_file,
                                           guint32 dst_patched_offset,
                                           guint8 dst_patched_size,
                                           const char *src_file,
                                           guint32 src_offset)
{
    guint8 entry[QMEM_BIOS_LINKER_LOADER_ENTRY_SIZE] = { 0 };
    const BiosLinkerFileEntry *src = find_file(linker, src_file);

    g_return_if_fail(src != NULL && src_offset < src->blob->len);
    g_return_if_fail(pointer_size_ok(dst_patched_size));

    put_le32(entry, QMEM_BIOS_LINKER_LOADER_COMMAND_WRITE_POINTER);
    put_name(entry + 4, dest_file);
    put_name(entry + 60, src_file);
    put_le32(entry + 116, dst_patched_offset);
    put_le32(entry + 120, src_offset);
    entry[124] = dst_patched_size;
    g_byte_array_append(linker->cmd_blob, entry, sizeof(entry));
}
