/* SPDX-License-Identifier: GPL-2.0-or-later */
/* QEMU's fw_cfg device: items, files, the I/O and DMA interfaces. */

#include <string.h>
#include "hw/nvram/fw_cfg.h"
#include "util/error.h"

typedef struct {
    guint32 len;
    gboolean allow_write;
    guint8 *data;                       /* owned, except the directory's */
    gpointer callback_opaque;
    QmemFWCfgCallback select_cb;
    QmemFWCfgWriteCallback write_cb;
} FWCfgEntry;

/* The directory as the guest reads it: a count, then the entries. */
typedef struct {
    guint32 count;                      /* big-endian */
    QmemFWCfgFile f[];
} FWCfgFiles;

struct _QmemFWCfg {
    QmemObject parent_instance;

    /* Properties */
    gboolean dma_enabled;
    guint file_slots;

    gboolean realized;
    gboolean legacy_order;
    FWCfgEntry *entries[2];             /* [ARCH_LOCAL?][key & ENTRY_MASK] */
    int *entry_order;                   /* legacy order of each file slot */
    FWCfgFiles *files;
    guint16 cur_entry;
    guint32 cur_offset;

    QmemMemoryRegion *io;               /* the mapped regions, and where */
    QmemMemoryRegion *comb_iomem;
    QmemMemoryRegion *dma_iomem;
    QmemAddressSpace *dma_as;
    guint64 dma_addr;
    gboolean dma_active;
};

enum {
    PROP_0,
    PROP_DMA_ENABLED,
    PROP_FILE_SLOTS,
    N_PROPS
};

static GParamSpec *props[N_PROPS];

G_DEFINE_FINAL_TYPE_WITH_CODE(QmemFWCfg, qmem_fw_cfg, QMEM_TYPE_OBJECT,
                              qmem_type_register_name("fw_cfg_io",
                                                      g_define_type_id))

/* Note: an exclusive limit. */
static guint32 fw_cfg_max_entry(QmemFWCfg *s)
{
    return QMEM_FW_CFG_FILE_FIRST + s->file_slots;
}

/* The entry @key names, or %NULL for a key beyond the table. */
static FWCfgEntry *fw_cfg_entry(QmemFWCfg *s, guint16 key)
{
    int arch = !!(key & QMEM_FW_CFG_ARCH_LOCAL);

    if (key == QMEM_FW_CFG_INVALID ||
        (key & QMEM_FW_CFG_ENTRY_MASK) >= fw_cfg_max_entry(s)) {
        return NULL;
    }
    return &s->entries[arch][key & QMEM_FW_CFG_ENTRY_MASK];
}

static gboolean fw_cfg_select(QmemFWCfg *s, guint16 key)
{
    FWCfgEntry *e;

    s->cur_offset = 0;
    if ((key & QMEM_FW_CFG_ENTRY_MASK) >= fw_cfg_max_entry(s)) {
        s->cur_entry = QMEM_FW_CFG_INVALID;
        return FALSE;
    }
    s->cur_entry = key;
    e = fw_cfg_entry(s, key);
    if (e->select_cb) {
        e->select_cb(e->callback_opaque);
    }
    return TRUE;
}

/*
 * The I/O interface: the selector (16-bit writes at 0) and the data port
 * (byte reads at 0 or 1) share two ports; QEMU's comb ops refuse every
 * other access, which then reads 0 and changes nothing.
 */
static guint64 fw_cfg_comb_read(gpointer opaque, guint64 addr, guint size)
{
    QmemFWCfg *s = opaque;
    FWCfgEntry *e = fw_cfg_entry(s, s->cur_entry);

    if (size != 1 || !e || !e->data || s->cur_offset >= e->len) {
        return 0;
    }
    return e->data[s->cur_offset++];
}

static void fw_cfg_comb_write(gpointer opaque, guint64 addr, guint64 value,
                              guint size)
{
    /* A byte written to the data port is dropped, as since QEMU 2.4. */
    if (size == 2 && addr == 0) {
        fw_cfg_select(opaque, value);
    }
}

static const QmemMemoryRegionOps fw_cfg_comb_ops = {
    .read = fw_cfg_comb_read,
    .write = fw_cfg_comb_write,
    .valid = { .min_access_size = 1, .max_access_size = 4 },
    .impl = { .min_access_size = 1, .max_access_size = 4 },
};

/* Guest memory from @addr on set to 0, in pieces (@len may be 4 GiB). */
static gboolean dma_memory_set_zero(QmemAddressSpace *as, guint64 addr,
                                    guint64 len)
{
    static const guint8 zero[4096];
    gboolean ok = TRUE;

    while (len) {
        guint64 n = MIN(len, sizeof(zero));

        ok &= qmem_address_space_rw(as, addr, (void *)zero, n, TRUE);
        addr += n;
        len -= n;
    }
    return ok;
}

static void dma_store_control(QmemFWCfg *s, guint64 desc, guint32 control)
{
    guint32 be = GUINT32_TO_BE(control);

    /* Where the descriptor came from may not take it; QEMU ignores that. */
    qmem_address_space_rw(s->dma_as,
                          desc + G_STRUCT_OFFSET(QmemFWCfgDmaAccess, control),
                          &be, sizeof(be), TRUE);
}

/*
 * One step of a transfer: @len bytes at the current offset of the current
 * item (or past its end) between it and guest memory at @address.
 * Returns QMEM_FW_CFG_DMA_CTL_ERROR or 0.
 */
static guint32 dma_step(QmemFWCfg *s, guint32 op, guint64 address,
                        guint32 *len, guint32 length)
{
    FWCfgEntry *e = fw_cfg_entry(s, s->cur_entry);

    if (!e || !e->data || s->cur_offset >= e->len) {
        /* Past the end: reads give zeros, writes fail, skips skip. */
        *len = length;
        if (op == QMEM_FW_CFG_DMA_CTL_READ) {
            return dma_memory_set_zero(s->dma_as, address, length) ?
                   0 : QMEM_FW_CFG_DMA_CTL_ERROR;
        }
        return op == QMEM_FW_CFG_DMA_CTL_WRITE ? QMEM_FW_CFG_DMA_CTL_ERROR : 0;
    }

    *len = MIN(length, e->len - s->cur_offset);
    if (op == QMEM_FW_CFG_DMA_CTL_READ &&
        !qmem_address_space_rw(s->dma_as, address, e->data + s->cur_offset,
                               *len, TRUE)) {
        s->cur_offset += *len;
        return QMEM_FW_CFG_DMA_CTL_ERROR;
    }
    if (op == QMEM_FW_CFG_DMA_CTL_WRITE) {
        /* A write must fit the item, and only writable items take one. */
        if (!e->allow_write || *len != length ||
            !qmem_address_space_rw(s->dma_as, address,
                                   e->data + s->cur_offset, *len, FALSE)) {
            s->cur_offset += *len;
            return QMEM_FW_CFG_DMA_CTL_ERROR;
        }
        if (e->write_cb) {
            e->write_cb(e->callback_opaque, s->cur_offset, *len);
        }
    }
    s->cur_offset += *len;
    return 0;
}

/* QEMU's fw_cfg_dma_transfer(): runs the descriptor at s->dma_addr. */
static void fw_cfg_dma_transfer(QmemFWCfg *s)
{
    guint64 desc = s->dma_addr;
    QmemFWCfgDmaAccess dma;
    guint32 control, length, op;
    guint64 address;

    s->dma_addr = 0;
    if (!qmem_address_space_rw(s->dma_as, desc, &dma, sizeof(dma), FALSE)) {
        dma_store_control(s, desc, QMEM_FW_CFG_DMA_CTL_ERROR);
        return;
    }
    control = GUINT32_FROM_BE(dma.control);
    length = GUINT32_FROM_BE(dma.length);
    address = GUINT64_FROM_BE(dma.address);

    if (control & QMEM_FW_CFG_DMA_CTL_SELECT) {
        fw_cfg_select(s, control >> 16);
    }
    /* READ wins over WRITE, WRITE over SKIP; none of them: nothing. */
    op = control & QMEM_FW_CFG_DMA_CTL_READ ? QMEM_FW_CFG_DMA_CTL_READ :
         control & QMEM_FW_CFG_DMA_CTL_WRITE ? QMEM_FW_CFG_DMA_CTL_WRITE :
         control & QMEM_FW_CFG_DMA_CTL_SKIP ? QMEM_FW_CFG_DMA_CTL_SKIP : 0;
    if (!op) {
        length = 0;
    }

    control = 0;
    while (length > 0 && !(control & QMEM_FW_CFG_DMA_CTL_ERROR)) {
        guint32 len;

        control |= dma_step(s, op, address, &len, length);
        address += len;
        length -= len;
    }
    dma_store_control(s, desc, control);
}

/* The DMA register reads as its signature, "QEMU CFG", byte by byte. */
static guint64 fw_cfg_dma_read(gpointer opaque, guint64 addr, guint size)
{
    guint64 value = 0;

    for (guint i = 0; i < size && addr + i < 8; i++) {
        value |= (QMEM_FW_CFG_DMA_SIGNATURE >> (8 * (7 - addr - i)) & 0xff) <<
                 (8 * i);
    }
    return value;
}

/*
 * The descriptor's guest-physical address, big-endian: the high half at
 * 0, then the low half at 4, which starts the transfer (or all of it at
 * once at 0).  Other writes are refused, as QEMU's valid.accepts does.
 */
static void fw_cfg_dma_write(gpointer opaque, guint64 addr, guint64 value,
                             guint size)
{
    QmemFWCfg *s = opaque;

    if (s->dma_active) {
        /* A transfer's target answered by starting another one. */
        return;
    }
    /* @value holds the bytes as written, little-endian. */
    if (size == 4 && addr == 0) {
        s->dma_addr = (guint64)GUINT32_SWAP_LE_BE((guint32)value) << 32;
        return;
    }
    if (size == 4 && addr == 4) {
        s->dma_addr |= GUINT32_SWAP_LE_BE((guint32)value);
    } else if (size == 8 && addr == 0) {
        s->dma_addr = GUINT64_SWAP_LE_BE(value);
    } else {
        return;
    }
    s->dma_active = TRUE;
    fw_cfg_dma_transfer(s);
    s->dma_active = FALSE;
}

static const QmemMemoryRegionOps fw_cfg_dma_ops = {
    .read = fw_cfg_dma_read,
    .write = fw_cfg_dma_write,
    .valid = { .min_access_size = 1, .max_access_size = 8 },
    .impl = { .min_access_size = 1, .max_access_size = 8 },
};

/* Items */

static void fw_cfg_add_bytes_callback(QmemFWCfg *s, guint16 key,
                                      QmemFWCfgCallback select_cb,
                                      QmemFWCfgWriteCallback write_cb,
                                      gpointer callback_opaque,
                                      gpointer data, gsize len,
                                      gboolean read_only)
{
    FWCfgEntry *e;

    g_return_if_fail(s->realized);
    e = fw_cfg_entry(s, key);
    g_return_if_fail(e != NULL && len < G_MAXUINT32);
    /* Two users of one key are a board's bug. */
    g_return_if_fail(e->data == NULL && e->len == 0);

    *e = (FWCfgEntry){
        .len = len,
        .allow_write = !read_only,
        .data = data,
        .callback_opaque = callback_opaque,
        .select_cb = select_cb,
        .write_cb = write_cb,
    };
}

static void fw_cfg_entry_free_data(QmemFWCfg *s, FWCfgEntry *e)
{
    if (e->data != (guint8 *)s->files) {
        g_free(e->data);
    }
    e->data = NULL;
}

static void fw_cfg_modify_bytes(QmemFWCfg *s, guint16 key, gpointer data,
                                gsize len)
{
    FWCfgEntry *e = fw_cfg_entry(s, key);

    g_return_if_fail(e != NULL && len < G_MAXUINT32);
    fw_cfg_entry_free_data(s, e);
    e->data = data;
    e->len = len;
    e->allow_write = FALSE;
}

void qmem_fw_cfg_add_bytes(QmemFWCfg *s, guint16 key, gpointer data,
                           gsize len)
{
    g_return_if_fail(QMEM_IS_FW_CFG(s));
    fw_cfg_add_bytes_callback(s, key, NULL, NULL, NULL, data, len, TRUE);
}

void qmem_fw_cfg_add_string(QmemFWCfg *s, guint16 key, const char *value)
{
    qmem_fw_cfg_add_bytes(s, key, g_strdup(value), strlen(value) + 1);
}

void qmem_fw_cfg_add_i16(QmemFWCfg *s, guint16 key, guint16 value)
{
    guint16 le = GUINT16_TO_LE(value);

    qmem_fw_cfg_add_bytes(s, key, g_memdup2(&le, sizeof(le)), sizeof(le));
}

void qmem_fw_cfg_add_i32(QmemFWCfg *s, guint16 key, guint32 value)
{
    guint32 le = GUINT32_TO_LE(value);

    qmem_fw_cfg_add_bytes(s, key, g_memdup2(&le, sizeof(le)), sizeof(le));
}

void qmem_fw_cfg_add_i64(QmemFWCfg *s, guint16 key, guint64 value)
{
    guint64 le = GUINT64_TO_LE(value);

    qmem_fw_cfg_add_bytes(s, key, g_memdup2(&le, sizeof(le)), sizeof(le));
}

void qmem_fw_cfg_modify_string(QmemFWCfg *s, guint16 key, const char *value)
{
    g_return_if_fail(QMEM_IS_FW_CFG(s));
    fw_cfg_modify_bytes(s, key, g_strdup(value), strlen(value) + 1);
}

void qmem_fw_cfg_modify_i16(QmemFWCfg *s, guint16 key, guint16 value)
{
    guint16 le = GUINT16_TO_LE(value);

    g_return_if_fail(QMEM_IS_FW_CFG(s));
    fw_cfg_modify_bytes(s, key, g_memdup2(&le, sizeof(le)), sizeof(le));
}

void qmem_fw_cfg_modify_i32(QmemFWCfg *s, guint16 key, guint32 value)
{
    guint32 le = GUINT32_TO_LE(value);

    g_return_if_fail(QMEM_IS_FW_CFG(s));
    fw_cfg_modify_bytes(s, key, g_memdup2(&le, sizeof(le)), sizeof(le));
}

void qmem_fw_cfg_modify_i64(QmemFWCfg *s, guint16 key, guint64 value)
{
    guint64 le = GUINT64_TO_LE(value);

    g_return_if_fail(QMEM_IS_FW_CFG(s));
    fw_cfg_modify_bytes(s, key, g_memdup2(&le, sizeof(le)), sizeof(le));
}

/* Files */

/*
 * QEMU's legacy order (x86 machine types up to 2.5): files sort by a
 * fixed rank, unknown ones last, equal ranks in the order they came.
 */
static const struct {
    const char *name;
    int order;
} fw_cfg_order[] = {
    { "etc/boot-menu-wait", 10 },
    { "bootsplash.jpg", 11 },
    { "bootsplash.bmp", 12 },
    { "etc/boot-fail-wait", 15 },
    { "etc/smbios/smbios-tables", 20 },
    { "etc/smbios/smbios-anchor", 30 },
    { "etc/e820", 40 },
    { "etc/reserved-memory-end", 50 },
    { "genroms/kvmvapic.bin", 55 },
    { "genroms/linuxboot.bin", 60 },
    /* VGA ROMs 70, NIC option ROMs 80 */
    { "etc/system-states", 90 },
    /* user ROMs 100, device firmware 110 */
    { "etc/extra-pci-roots", 120 },
    { "etc/acpi/tables", 130 },
    { "etc/table-loader", 140 },
    { "etc/tpm/log", 150 },
    { "etc/acpi/rsdp", 160 },
    { "bootorder", 170 },
    { "etc/msr_feature_control", 180 },
};

#define FW_CFG_ORDER_OVERRIDE_LAST 200

static int get_fw_cfg_order(const char *name)
{
    for (gsize i = 0; i < G_N_ELEMENTS(fw_cfg_order); i++) {
        if (!strcmp(name, fw_cfg_order[i].name)) {
            return fw_cfg_order[i].order;
        }
    }
    return FW_CFG_ORDER_OVERRIDE_LAST;
}

/* Where a new file goes in the sorted directory of @count files. */
static guint fw_cfg_file_index(QmemFWCfg *s, const char *filename,
                               guint count, int order)
{
    guint index = count;

    if (s->legacy_order) {
        while (index > 0 && order < s->entry_order[index - 1]) {
            index--;
        }
    } else {
        while (index > 0 &&
               strncmp(filename, s->files->f[index - 1].name,
                       QMEM_FW_CFG_MAX_FILE_PATH - 1) < 0) {
            index--;
        }
    }
    return index;
}

static gboolean fw_cfg_file_exists(QmemFWCfg *s, const char *name,
                                   guint count)
{
    for (guint i = 0; i < count; i++) {
        if (!strncmp(s->files->f[i].name, name,
                     QMEM_FW_CFG_MAX_FILE_PATH - 1)) {
            return TRUE;
        }
    }
    return FALSE;
}

void qmem_fw_cfg_add_file_callback(QmemFWCfg *s, const char *filename,
                                   QmemFWCfgCallback select_cb,
                                   QmemFWCfgWriteCallback write_cb,
                                   gpointer callback_opaque, gpointer data,
                                   gsize len, gboolean read_only)
{
    guint count, index;
    int order;

    g_return_if_fail(QMEM_IS_FW_CFG(s) && s->realized && filename);
    count = GUINT32_FROM_BE(s->files->count);
    g_return_if_fail(count < s->file_slots);
    g_return_if_fail(!fw_cfg_file_exists(s, filename, count));

    order = s->legacy_order ? get_fw_cfg_order(filename) : 0;
    index = fw_cfg_file_index(s, filename, count, order);

    /* The files from @index on move up one slot, and one selector. */
    for (guint i = count; i > index; i--) {
        s->files->f[i] = s->files->f[i - 1];
        s->files->f[i].select = GUINT16_TO_BE(QMEM_FW_CFG_FILE_FIRST + i);
        s->entries[0][QMEM_FW_CFG_FILE_FIRST + i] =
            s->entries[0][QMEM_FW_CFG_FILE_FIRST + i - 1];
        s->entry_order[i] = s->entry_order[i - 1];
    }
    memset(&s->files->f[index], 0, sizeof(QmemFWCfgFile));
    memset(&s->entries[0][QMEM_FW_CFG_FILE_FIRST + index], 0,
           sizeof(FWCfgEntry));
    g_strlcpy(s->files->f[index].name, filename, QMEM_FW_CFG_MAX_FILE_PATH);

    fw_cfg_add_bytes_callback(s, QMEM_FW_CFG_FILE_FIRST + index, select_cb,
                              write_cb, callback_opaque, data, len,
                              read_only);
    s->files->f[index].size = GUINT32_TO_BE(len);
    s->files->f[index].select = GUINT16_TO_BE(QMEM_FW_CFG_FILE_FIRST + index);
    s->entry_order[index] = order;
    s->files->count = GUINT32_TO_BE(count + 1);
}

void qmem_fw_cfg_add_file(QmemFWCfg *s, const char *filename, gpointer data,
                          gsize len)
{
    qmem_fw_cfg_add_file_callback(s, filename, NULL, NULL, NULL, data, len,
                                  TRUE);
}

void qmem_fw_cfg_modify_file(QmemFWCfg *s, const char *filename,
                             gpointer data, gsize len)
{
    guint count;

    g_return_if_fail(QMEM_IS_FW_CFG(s) && s->realized && filename);
    count = GUINT32_FROM_BE(s->files->count);
    for (guint i = 0; i < count; i++) {
        if (!strncmp(filename, s->files->f[i].name,
                     QMEM_FW_CFG_MAX_FILE_PATH - 1)) {
            fw_cfg_modify_bytes(s, QMEM_FW_CFG_FILE_FIRST + i, data, len);
            s->files->f[i].size = GUINT32_TO_BE(len);
            return;
        }
    }
    qmem_fw_cfg_add_file(s, filename, data, len);
}

/* The device */

static gboolean fw_cfg_file_slots_allocate(QmemFWCfg *s, GError **error)
{
    /* The highest selector, inclusive, is ENTRY_MASK. */
    guint file_slots_max = QMEM_FW_CFG_ENTRY_MASK -
                           QMEM_FW_CFG_FILE_FIRST + 1;

    if (s->file_slots < QMEM_FW_CFG_FILE_SLOTS_MIN) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "\"file_slots\" must be at least 0x%x",
                    QMEM_FW_CFG_FILE_SLOTS_MIN);
        return FALSE;
    }
    if (s->file_slots > file_slots_max) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "\"file_slots\" must not exceed 0x%x", file_slots_max);
        return FALSE;
    }
    s->entries[0] = g_new0(FWCfgEntry, fw_cfg_max_entry(s));
    s->entries[1] = g_new0(FWCfgEntry, fw_cfg_max_entry(s));
    s->entry_order = g_new0(int, fw_cfg_max_entry(s));
    return TRUE;
}

/* What every fw_cfg offers (QEMU's fw_cfg_common_realize()). */
static void fw_cfg_common_items(QmemFWCfg *s)
{
    gsize dsize = sizeof(guint32) + sizeof(QmemFWCfgFile) * s->file_slots;
    guint32 version = QMEM_FW_CFG_VERSION;

    /* The directory is an item the device keeps up to date itself. */
    s->files = g_malloc0(dsize);
    qmem_fw_cfg_add_bytes(s, QMEM_FW_CFG_FILE_DIR, s->files, dsize);

    qmem_fw_cfg_add_bytes(s, QMEM_FW_CFG_SIGNATURE, g_memdup2("QEMU", 4), 4);
    /* No -uuid, no -nographic, no -boot menu=on, no reboot-timeout. */
    qmem_fw_cfg_add_bytes(s, QMEM_FW_CFG_UUID, g_malloc0(16), 16);
    qmem_fw_cfg_add_i16(s, QMEM_FW_CFG_NOGRAPHIC, 0);
    qmem_fw_cfg_add_i16(s, QMEM_FW_CFG_BOOT_MENU, 0);
    qmem_fw_cfg_add_file(s, "etc/boot-fail-wait",
                         g_memdup2(&(guint32){ GUINT32_TO_LE(G_MAXUINT32) },
                                   4), 4);
    if (s->dma_enabled) {
        version |= QMEM_FW_CFG_VERSION_DMA;
    }
    qmem_fw_cfg_add_i32(s, QMEM_FW_CFG_ID, version);
}

static void fw_cfg_free_entries(QmemFWCfg *s)
{
    for (int arch = 0; arch < 2; arch++) {
        for (guint32 i = 0; s->entries[arch] && i < fw_cfg_max_entry(s);
             i++) {
            fw_cfg_entry_free_data(s, &s->entries[arch][i]);
        }
        g_clear_pointer(&s->entries[arch], g_free);
    }
    g_clear_pointer(&s->files, g_free);
    g_clear_pointer(&s->entry_order, g_free);
}

gboolean qmem_fw_cfg_realize_io(QmemFWCfg *s, QmemMachine *machine,
                                guint16 iobase, guint16 dma_iobase,
                                QmemAddressSpace *dma_as, GError **error)
{
    g_return_val_if_fail(QMEM_IS_FW_CFG(s) && !s->realized, FALSE);
    g_return_val_if_fail(QMEM_IS_MACHINE(machine), FALSE);

    if (!dma_iobase || !dma_as) {
        s->dma_enabled = FALSE;
    }
    if (!fw_cfg_file_slots_allocate(s, error)) {
        return FALSE;
    }
    if (qmem_fw_cfg_find(machine) ||
        !qmem_object_add_child(QMEM_OBJECT(machine), "fw_cfg",
                               QMEM_OBJECT(s), NULL)) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "at most one %s device is permitted", "fw_cfg");
        fw_cfg_free_entries(s);
        return FALSE;
    }
    s->realized = TRUE;
    s->legacy_order = QMEM_MACHINE_GET_CLASS(machine)->legacy_fw_cfg_order;
    fw_cfg_common_items(s);
    /* QEMU's reset selects the signature. */
    fw_cfg_select(s, QMEM_FW_CFG_SIGNATURE);

    s->io = g_object_ref(qmem_machine_get_system_io(machine));
    qmem_memory_region_transaction_begin();
    s->comb_iomem = qmem_memory_region_new_io("fwcfg", QMEM_FW_CFG_CTL_SIZE,
                                              &fw_cfg_comb_ops, s);
    qmem_memory_region_add_subregion(s->io, iobase, s->comb_iomem);
    if (s->dma_enabled) {
        s->dma_as = dma_as;
        s->dma_iomem = qmem_memory_region_new_io("fwcfg.dma",
                                                 sizeof(guint64),
                                                 &fw_cfg_dma_ops, s);
        qmem_memory_region_add_subregion(s->io, dma_iobase, s->dma_iomem);
    }
    qmem_memory_region_transaction_commit();
    return TRUE;
}

QmemFWCfg *qmem_fw_cfg_init_io_dma(QmemMachine *machine, guint16 iobase,
                                   guint16 dma_iobase,
                                   QmemAddressSpace *dma_as, GError **error)
{
    g_autoptr(QmemFWCfg) s = qmem_fw_cfg_new();

    if (!qmem_fw_cfg_realize_io(s, machine, iobase, dma_iobase, dma_as,
                                error)) {
        return NULL;
    }
    return s;   /* the machine holds it now */
}

QmemFWCfg *qmem_fw_cfg_find(QmemMachine *machine)
{
    QmemObject *obj = qmem_object_get_child(QMEM_OBJECT(machine), "fw_cfg");

    return QMEM_IS_FW_CFG(obj) ? QMEM_FW_CFG(obj) : NULL;
}

gboolean qmem_fw_cfg_dma_enabled(QmemFWCfg *s)
{
    g_return_val_if_fail(QMEM_IS_FW_CFG(s), FALSE);
    return s->dma_enabled;
}

QmemFWCfg *qmem_fw_cfg_new(void)
{
    return g_object_new(QMEM_TYPE_FW_CFG, NULL);
}

static void qmem_fw_cfg_dispose(GObject *obj)
{
    QmemFWCfg *s = QMEM_FW_CFG(obj);

    if (s->io) {
        qmem_memory_region_transaction_begin();
        qmem_memory_region_del_subregion(s->io, s->comb_iomem);
        if (s->dma_iomem) {
            qmem_memory_region_del_subregion(s->io, s->dma_iomem);
        }
        qmem_memory_region_transaction_commit();
        g_clear_object(&s->io);
    }
    g_clear_object(&s->comb_iomem);
    g_clear_object(&s->dma_iomem);
    G_OBJECT_CLASS(qmem_fw_cfg_parent_class)->dispose(obj);
}

static void qmem_fw_cfg_finalize(GObject *obj)
{
    fw_cfg_free_entries(QMEM_FW_CFG(obj));
    G_OBJECT_CLASS(qmem_fw_cfg_parent_class)->finalize(obj);
}

static void qmem_fw_cfg_set_property(GObject *obj, guint prop_id,
                                     const GValue *value, GParamSpec *pspec)
{
    QmemFWCfg *s = QMEM_FW_CFG(obj);

    switch (prop_id) {
    case PROP_DMA_ENABLED:
        s->dma_enabled = g_value_get_boolean(value);
        break;
    case PROP_FILE_SLOTS:
        s->file_slots = g_value_get_uint(value);
        break;
    default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID(obj, prop_id, pspec);
    }
}

static void qmem_fw_cfg_get_property(GObject *obj, guint prop_id,
                                     GValue *value, GParamSpec *pspec)
{
    QmemFWCfg *s = QMEM_FW_CFG(obj);

    switch (prop_id) {
    case PROP_DMA_ENABLED:
        g_value_set_boolean(value, s->dma_enabled);
        break;
    case PROP_FILE_SLOTS:
        g_value_set_uint(value, s->file_slots);
        break;
    default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID(obj, prop_id, pspec);
    }
}

static void qmem_fw_cfg_class_init(QmemFWCfgClass *klass)
{
    GObjectClass *oc = G_OBJECT_CLASS(klass);
    GParamFlags flags = G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                        G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

    oc->set_property = qmem_fw_cfg_set_property;
    oc->get_property = qmem_fw_cfg_get_property;
    oc->dispose = qmem_fw_cfg_dispose;
    oc->finalize = qmem_fw_cfg_finalize;

    /* QEMU's name has an underscore, which GLib stores as '-'. */
    props[PROP_DMA_ENABLED] = g_param_spec_boolean(
        QMEM_FW_CFG_PROP_DMA_ENABLED, NULL,
        "Offer the DMA interface (FW_CFG_ID bit 1)", TRUE,
        flags & ~G_PARAM_STATIC_NAME);
    props[PROP_FILE_SLOTS] = g_param_spec_uint(
        QMEM_FW_CFG_PROP_FILE_SLOTS, NULL,
        "How many files the directory holds", 0, G_MAXUINT16,
        QMEM_FW_CFG_FILE_SLOTS_DFLT, flags);
    g_object_class_install_properties(oc, N_PROPS, props);
}

static void qmem_fw_cfg_init(QmemFWCfg *s)
{
    s->dma_enabled = TRUE;
    s->file_slots = QMEM_FW_CFG_FILE_SLOTS_DFLT;
    s->cur_entry = QMEM_FW_CFG_SIGNATURE;
}
