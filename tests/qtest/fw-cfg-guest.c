/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What a guest does with fw_cfg: port I/O, DMA, the ACPI table loader. */

#include <string.h>
#include "fw-cfg-guest.h"
#include "hw/acpi/bios-linker-loader.h"
#include "hw/nvram/fw_cfg.h"

#define DMA_DESC 0x1000
#define DMA_BUF 0x10000
#define FSEG_START 0xe0000
#define FSEG_END 0x100000

static guint64 get_le(const guint8 *p, guint size)
{
    guint64 v = 0;

    for (guint i = 0; i < size; i++) {
        v |= (guint64)p[i] << (8 * i);
    }
    return v;
}

static void put_le(guint8 *p, guint64 v, guint size)
{
    for (guint i = 0; i < size; i++) {
        p[i] = v >> (8 * i);
    }
}

void qfw_cfg_select(QTestState *s, guint16 key)
{
    qtest_outw(s, QFW_CFG_CTL, key);
}

void qfw_cfg_read_data(QTestState *s, void *buf, gsize len)
{
    guint8 *p = buf;

    for (gsize i = 0; i < len; i++) {
        p[i] = qtest_inb(s, QFW_CFG_DATA);
    }
}

void qfw_cfg_get(QTestState *s, guint16 key, void *buf, gsize len)
{
    qfw_cfg_select(s, key);
    qfw_cfg_read_data(s, buf, len);
}

guint16 qfw_cfg_get_u16(QTestState *s, guint16 key)
{
    guint8 b[2];

    qfw_cfg_get(s, key, b, sizeof(b));
    return get_le(b, sizeof(b));
}

guint32 qfw_cfg_get_u32(QTestState *s, guint16 key)
{
    guint8 b[4];

    qfw_cfg_get(s, key, b, sizeof(b));
    return get_le(b, sizeof(b));
}

guint64 qfw_cfg_get_u64(QTestState *s, guint16 key)
{
    guint8 b[8];

    qfw_cfg_get(s, key, b, sizeof(b));
    return get_le(b, sizeof(b));
}

/* The directory's entries, read through the ports. */
static QmemFWCfgFile *read_dir(QTestState *s, guint32 *count)
{
    guint32 be;
    QmemFWCfgFile *files;

    qfw_cfg_get(s, QMEM_FW_CFG_FILE_DIR, &be, sizeof(be));
    *count = GUINT32_FROM_BE(be);
    files = g_new0(QmemFWCfgFile, *count + 1);
    qfw_cfg_read_data(s, files, *count * sizeof(QmemFWCfgFile));
    return files;
}

gboolean qfw_cfg_find_file(QTestState *s, const char *name, guint16 *select,
                           guint32 *size)
{
    guint32 count;
    g_autofree QmemFWCfgFile *files = read_dir(s, &count);

    for (guint32 i = 0; i < count; i++) {
        if (!strncmp(files[i].name, name, sizeof(files[i].name))) {
            if (select) {
                *select = GUINT16_FROM_BE(files[i].select);
            }
            if (size) {
                *size = GUINT32_FROM_BE(files[i].size);
            }
            return TRUE;
        }
    }
    return FALSE;
}

GStrv qfw_cfg_dir_names(QTestState *s)
{
    guint32 count;
    g_autofree QmemFWCfgFile *files = read_dir(s, &count);
    g_autoptr(GStrvBuilder) names = g_strv_builder_new();

    for (guint32 i = 0; i < count; i++) {
        g_autofree char *name = g_strndup(files[i].name,
                                          sizeof(files[i].name));

        g_strv_builder_add(names, name);
    }
    return g_strv_builder_end(names);
}

GBytes *qfw_cfg_get_file(QTestState *s, const char *name)
{
    guint16 select;
    guint32 size;
    guint8 *data;

    if (!qfw_cfg_find_file(s, name, &select, &size)) {
        return NULL;
    }
    data = g_malloc(size ? size : 1);
    qfw_cfg_get(s, select, data, size);
    return g_bytes_new_take(data, size);
}

guint32 qfw_cfg_dma(QTestState *s, guint64 desc, guint32 control,
                    guint32 length, guint64 address)
{
    QmemFWCfgDmaAccess dma = {
        .control = GUINT32_TO_BE(control),
        .length = GUINT32_TO_BE(length),
        .address = GUINT64_TO_BE(address),
    };
    guint32 be;

    qtest_memwrite(s, desc, &dma, sizeof(dma));
    /* Big-endian on the bus: a port write sends its low byte first. */
    qtest_outl(s, QFW_CFG_DMA, GUINT32_SWAP_LE_BE((guint32)(desc >> 32)));
    qtest_outl(s, QFW_CFG_DMA + 4, GUINT32_SWAP_LE_BE((guint32)desc));
    qtest_memread(s, desc, &be, sizeof(be));
    return GUINT32_FROM_BE(be);
}

GBytes *qfw_cfg_dma_get(QTestState *s, guint16 key, guint32 len)
{
    guint8 *data = g_malloc(len ? len : 1);

    g_assert_cmphex(qfw_cfg_dma(s, DMA_DESC,
                                (guint32)key << 16 |
                                QMEM_FW_CFG_DMA_CTL_SELECT |
                                QMEM_FW_CFG_DMA_CTL_READ,
                                len, DMA_BUF), ==, 0);
    qtest_memread(s, DMA_BUF, data, len);
    return g_bytes_new_take(data, len);
}

/* The table loader */

typedef struct {
    guint64 addr;
    guint32 size;
} LoadedFile;

typedef struct {
    QTestState *s;
    gboolean dma;
    GHashTable *files;                  /* name -> LoadedFile */
    guint64 next[3];                    /* by zone: HIGH, FSEG */
} Loader;

static char *entry_name(const guint8 *entry, guint off)
{
    g_assert_cmpuint(entry[off + QMEM_BIOS_LINKER_LOADER_FILESZ - 1], ==, 0);
    return g_strndup((const char *)entry + off,
                     QMEM_BIOS_LINKER_LOADER_FILESZ);
}

static LoadedFile *loaded(Loader *l, const guint8 *entry, guint off)
{
    g_autofree char *name = entry_name(entry, off);
    LoadedFile *f = g_hash_table_lookup(l->files, name);

    if (!f) {
        g_error("table-loader: '%s' used before its ALLOCATE", name);
    }
    return f;
}

/* The file @select straight into guest memory, by DMA where there is. */
static void load_file(Loader *l, guint16 select, guint32 size, guint64 addr)
{
    g_autofree guint8 *data = NULL;

    if (l->dma) {
        g_assert_cmphex(qfw_cfg_dma(l->s, DMA_DESC,
                                    (guint32)select << 16 |
                                    QMEM_FW_CFG_DMA_CTL_SELECT |
                                    QMEM_FW_CFG_DMA_CTL_READ,
                                    size, addr), ==, 0);
        return;
    }
    data = g_malloc(size ? size : 1);
    qfw_cfg_get(l->s, select, data, size);
    qtest_memwrite(l->s, addr, data, size);
}

static void loader_allocate(Loader *l, const guint8 *e)
{
    g_autofree char *name = entry_name(e, 4);
    guint32 align = get_le(e + 60, 4);
    guint8 zone = e[64];
    LoadedFile *f = g_new0(LoadedFile, 1);
    guint16 select;

    g_assert_true(qfw_cfg_find_file(l->s, name, &select, &f->size));
    g_assert_false(g_hash_table_contains(l->files, name));
    g_assert_true(align && !(align & (align - 1)));
    g_assert_true(zone == QMEM_BIOS_LINKER_LOADER_ALLOC_ZONE_HIGH ||
                  zone == QMEM_BIOS_LINKER_LOADER_ALLOC_ZONE_FSEG);
    f->addr = (l->next[zone] + align - 1) & ~(guint64)(align - 1);
    l->next[zone] = f->addr + f->size;
    if (zone == QMEM_BIOS_LINKER_LOADER_ALLOC_ZONE_FSEG) {
        g_assert_cmphex(l->next[zone], <=, FSEG_END);
    }
    load_file(l, select, f->size, f->addr);
    g_hash_table_insert(l->files, g_steal_pointer(&name), f);
}

static void loader_add_pointer(Loader *l, const guint8 *e)
{
    LoadedFile *dst = loaded(l, e, 4);
    LoadedFile *src = loaded(l, e, 60);
    guint32 offset = get_le(e + 116, 4);
    guint8 size = e[120];
    guint8 field[8];

    g_assert_true(size == 1 || size == 2 || size == 4 || size == 8);
    g_assert_cmpuint(offset + size, <=, dst->size);
    qtest_memread(l->s, dst->addr + offset, field, size);
    /* The field holds an offset into the source file. */
    g_assert_cmpuint(get_le(field, size), <, src->size);
    put_le(field, get_le(field, size) + src->addr, size);
    qtest_memwrite(l->s, dst->addr + offset, field, size);
}

static void loader_add_checksum(Loader *l, const guint8 *e)
{
    LoadedFile *f = loaded(l, e, 4);
    guint32 offset = get_le(e + 60, 4);
    guint32 start = get_le(e + 64, 4);
    guint32 length = get_le(e + 68, 4);
    g_autofree guint8 *data = g_malloc(length);
    guint8 sum = 0;

    g_assert_cmpuint(start + (guint64)length, <=, f->size);
    g_assert_cmpuint(offset, >=, start);
    g_assert_cmpuint(offset, <, start + length);
    qtest_memread(l->s, f->addr + start, data, length);
    for (guint32 i = 0; i < length; i++) {
        sum += data[i];
    }
    data[offset - start] -= sum;
    qtest_memwrite(l->s, f->addr + offset, &data[offset - start], 1);
}

guint qacpi_load(QTestState *s, guint64 high)
{
    g_autoptr(GBytes) script = qfw_cfg_get_file(s, "etc/table-loader");
    Loader l = {
        .s = s,
        .dma = qfw_cfg_get_u32(s, QMEM_FW_CFG_ID) & QMEM_FW_CFG_VERSION_DMA,
        .files = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                       g_free),
        .next = { 0, high, FSEG_START },
    };
    const guint8 *p;
    gsize len;
    guint n = 0;

    g_assert_nonnull(script);
    p = g_bytes_get_data(script, &len);
    g_assert_cmpuint(len % QMEM_BIOS_LINKER_LOADER_ENTRY_SIZE, ==, 0);
    for (gsize off = 0; off < len; off += QMEM_BIOS_LINKER_LOADER_ENTRY_SIZE) {
        const guint8 *e = p + off;

        switch (get_le(e, 4)) {
        case 0:
            continue;
        case QMEM_BIOS_LINKER_LOADER_COMMAND_ALLOCATE:
            loader_allocate(&l, e);
            break;
        case QMEM_BIOS_LINKER_LOADER_COMMAND_ADD_POINTER:
            loader_add_pointer(&l, e);
            break;
        case QMEM_BIOS_LINKER_LOADER_COMMAND_ADD_CHECKSUM:
            loader_add_checksum(&l, e);
            break;
        default:
            g_error("table-loader: unexpected command %u",
                    (guint)get_le(e, 4));
        }
        n++;
    }
    g_hash_table_unref(l.files);
    return n;
}

static guint8 sum_bytes(const guint8 *p, gsize len)
{
    guint8 sum = 0;

    for (gsize i = 0; i < len; i++) {
        sum += p[i];
    }
    return sum;
}

guint64 qacpi_find_rsdp(QTestState *s)
{
    g_autofree guint8 *fseg = g_malloc(FSEG_END - FSEG_START);

    qtest_memread(s, FSEG_START, fseg, FSEG_END - FSEG_START);
    for (guint off = 0; off + 20 <= FSEG_END - FSEG_START; off += 16) {
        const guint8 *p = fseg + off;

        if (memcmp(p, "RSD PTR ", 8) || sum_bytes(p, 20)) {
            continue;
        }
        if (p[15] >= 2 && (off + 36 > FSEG_END - FSEG_START ||
                           sum_bytes(p, 36))) {
            continue;
        }
        return FSEG_START + off;
    }
    return 0;
}

static GBytes *read_table(QTestState *s, guint64 addr)
{
    guint8 hdr[36];
    guint32 len;
    guint8 *table;

    qtest_memread(s, addr, hdr, sizeof(hdr));
    len = get_le(hdr + 4, 4);
    g_assert_cmpuint(len, >=, sizeof(hdr));
    g_assert_cmpuint(len, <, 1 << 20);
    table = g_malloc(len);
    qtest_memread(s, addr, table, len);
    if (sum_bytes(table, len)) {
        g_error("ACPI table %.4s at 0x%" G_GINT64_MODIFIER "x: bad checksum",
                hdr, addr);
    }
    return g_bytes_new_take(table, len);
}

GBytes *qacpi_find_table(QTestState *s, guint64 rsdp, const char *sig)
{
    guint8 r[36];
    gboolean xsdt;
    g_autoptr(GBytes) sdt = NULL;
    const guint8 *p;
    gsize len;
    guint entry;

    qtest_memread(s, rsdp, r, sizeof(r));
    xsdt = r[15] >= 2;
    entry = xsdt ? 8 : 4;
    sdt = read_table(s, xsdt ? get_le(r + 24, 8) : get_le(r + 16, 4));
    p = g_bytes_get_data(sdt, &len);
    g_assert_cmpmem(p, 4, xsdt ? "XSDT" : "RSDT", 4);
    for (gsize off = 36; off + entry <= len; off += entry) {
        g_autoptr(GBytes) table = read_table(s, get_le(p + off, entry));

        if (!memcmp(g_bytes_get_data(table, NULL), sig, 4)) {
            return g_steal_pointer(&table);
        }
    }
    return NULL;
}
