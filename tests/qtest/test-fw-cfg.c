/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fw_cfg and the ACPI tables as a pc/q35 guest reads them, against QEMU. */

/*
 * The reference is tests/qemu-ref/qemu-7.2.json, what QEMU 7.2's guest
 * reads for the same command lines (tests/qemu-ref/capture.py): items,
 * files and port behaviour byte for byte, the directory as far as qmem
 * provides its files, the ACPI tables byte for byte where qmem builds
 * QEMU's (the DSDT is qmem's own, QEMU's HPET has no device here), and
 * the loader script command by command.
 */

#include <string.h>
#include <json-glib/json-glib.h>
#include "fw-cfg-guest.h"
#include "hw/acpi/bios-linker-loader.h"
#include "hw/nvram/fw_cfg.h"
#include "libqtest.h"
#include "qemu-ref.h"

/* QEMU's files that qmem has; docs/fw_cfg.md says why not the others. */
static const char *const qmem_files[] = {
    "etc/acpi/nvdimm-mem", "etc/acpi/rsdp", "etc/acpi/tables",
    "etc/boot-fail-wait", "etc/e820",
    "etc/reserved-memory-end", "etc/system-states", "etc/table-loader",
    NULL,
};

/* QEMU's tables qmem leaves out: its HPET describes a device qmem lacks. */
static gboolean qemu_only(const char *text)
{
    return strstr(text, "HPET") != NULL;
}

/* What capture.py reads by key: the size of each item. */
static const struct {
    const char *name;
    guint16 key;
    guint size;
} items[] = {
    { "signature", QMEM_FW_CFG_SIGNATURE, 4 },
    { "id", QMEM_FW_CFG_ID, 4 },
    { "uuid", QMEM_FW_CFG_UUID, 16 },
    { "ram-size", QMEM_FW_CFG_RAM_SIZE, 8 },
    { "nographic", QMEM_FW_CFG_NOGRAPHIC, 2 },
    { "nb-cpus", QMEM_FW_CFG_NB_CPUS, 2 },
    { "numa", QMEM_FW_CFG_NUMA, 0 },
    { "boot-menu", QMEM_FW_CFG_BOOT_MENU, 2 },
    { "max-cpus", QMEM_FW_CFG_MAX_CPUS, 2 },
    { "acpi-tables", QMEM_FW_CFG_ARCH_LOCAL + 0, 8 },
    { "irq0-override", QMEM_FW_CFG_ARCH_LOCAL + 2, 4 },
};

static char *hex(const guint8 *p, gsize len)
{
    GString *s = g_string_sized_new(2 * len + 1);

    for (gsize i = 0; i < len; i++) {
        g_string_append_printf(s, "%02x", p[i]);
    }
    return g_string_free(s, FALSE);
}

static guint64 get_le(const guint8 *p, guint size)
{
    guint64 v = 0;

    for (guint i = 0; i < size; i++) {
        v |= (guint64)p[i] << (8 * i);
    }
    return v;
}

/* An item as capture.py reads it, in hex; %NULL for a missing file. */
static char *read_item(QTestState *s, const char *name)
{
    g_autoptr(GBytes) file = NULL;

    for (gsize i = 0; i < G_N_ELEMENTS(items); i++) {
        guint8 buf[16];
        g_autofree guint8 *numa = NULL;
        guint64 nodes, len;

        if (strcmp(items[i].name, name)) {
            continue;
        }
        if (items[i].key != QMEM_FW_CFG_NUMA) {
            qfw_cfg_get(s, items[i].key, buf, items[i].size);
            return hex(buf, items[i].size);
        }
        /* A count, then a word per APIC id and one per node. */
        nodes = qfw_cfg_get_u64(s, QMEM_FW_CFG_NUMA);
        len = 8 * (1 + qfw_cfg_get_u16(s, QMEM_FW_CFG_MAX_CPUS) + nodes);
        numa = g_malloc(len);
        qfw_cfg_get(s, QMEM_FW_CFG_NUMA, numa, len);
        return hex(numa, len);
    }
    file = qfw_cfg_get_file(s, name);
    return file ? hex(g_bytes_get_data(file, NULL), g_bytes_get_size(file))
                : NULL;
}

static void check_items(QTestState *s, JsonObject *ref)
{
    g_autoptr(GList) names = json_object_get_members(ref);

    for (GList *n = names; n; n = n->next) {
        g_autofree char *mine = read_item(s, n->data);
        JsonNode *theirs = json_object_get_member(ref, n->data);

        g_test_message("item %s", (const char *)n->data);
        g_assert_cmpstr(mine, ==, json_node_get_string(theirs));
    }
}

/* QEMU's directory, left with qmem's files: same names, order, sizes. */
static void check_dir(QTestState *s, JsonArray *ref)
{
    g_auto(GStrv) mine = qfw_cfg_dir_names(s);
    guint n = 0;

    for (guint i = 0; i < json_array_get_length(ref); i++) {
        JsonArray *e = json_array_get_array_element(ref, i);
        const char *name = json_array_get_string_element(e, 0);
        guint32 size;

        if (!g_strv_contains(qmem_files, name)) {
            continue;
        }
        g_assert_cmpstr(mine[n], ==, name);
        g_assert_true(qfw_cfg_find_file(s, name, NULL, &size));
        g_assert_cmpuint(size, ==, json_array_get_int_element(e, 1));
        n++;
    }
    g_assert_cmpuint(g_strv_length(mine), ==, n);
}

/* The port probes, each answered as QEMU answered it. */
static void check_io(QTestState *s, JsonArray *ref)
{
    for (guint i = 0; i < json_array_get_length(ref); i++) {
        JsonArray *probe = json_array_get_array_element(ref, i);
        const char *cmd = json_array_get_string_element(probe, 0);
        g_autofree char *reply = qtest_raw_command(s, "%s", cmd);

        g_test_message("%s -> %s", cmd, reply);
        if (json_array_get_null_element(probe, 1)) {
            g_assert_cmpstr(reply, ==, "OK");
        } else {
            g_assert_true(g_str_has_prefix(reply, "OK 0x"));
            g_assert_cmphex(g_ascii_strtoull(reply + 3, NULL, 16), ==,
                            json_array_get_int_element(probe, 1));
        }
    }
}

/* ACPI */

typedef struct {
    char sig[5];
    guint offset;
    guint length;
} TableIndex;

/* The tables of "etc/acpi/tables", end to end from the FACS on. */
static GArray *index_tables(GBytes *blob)
{
    gsize len;
    const guint8 *p = g_bytes_get_data(blob, &len);
    GArray *index = g_array_new(FALSE, TRUE, sizeof(TableIndex));
    gsize off = 0;

    while (off + 8 <= len && get_le(p + off, 4)) {
        TableIndex t = { .offset = off, .length = get_le(p + off + 4, 4) };

        memcpy(t.sig, p + off, 4);
        g_assert_cmpuint(t.length, >=, 36);
        g_array_append_val(index, t);
        off += t.length;
    }
    return index;
}

/* An offset into a loader file as TABLE+N, or RSDT+entry (capture.py's). */
static char *where(GArray *index, const char *file, guint32 off)
{
    if (strcmp(file, "etc/acpi/tables")) {
        return g_strdup_printf("%s+%u", file, off);
    }
    for (guint i = 0; i < index->len; i++) {
        TableIndex *t = &g_array_index(index, TableIndex, i);

        if (off >= t->offset && off < t->offset + t->length) {
            if ((!strcmp(t->sig, "RSDT") || !strcmp(t->sig, "XSDT")) &&
                off - t->offset >= 36) {
                return g_strdup_printf("%s+entry", t->sig);
            }
            return g_strdup_printf("%s+%u", t->sig, off - t->offset);
        }
    }
    return g_strdup_printf("%s+%u", file, off);
}

static GBytes *file_of(GHashTable *files, const char *name)
{
    GBytes *b = g_hash_table_lookup(files, name);

    g_assert_nonnull(b);
    return b;
}

static char *loader_line(const guint8 *e, GHashTable *files, GArray *index)
{
    g_autofree char *a = g_strndup((const char *)e + 4, 56);
    g_autofree char *b = g_strndup((const char *)e + 60, 56);
    guint32 u60 = get_le(e + 60, 4), u64 = get_le(e + 64, 4);
    g_autofree char *w1 = NULL;
    g_autofree char *w2 = NULL;

    switch (get_le(e, 4)) {
    case QMEM_BIOS_LINKER_LOADER_COMMAND_ALLOCATE:
        return g_strdup_printf("ALLOCATE %s align=%u zone=%s", a, u60,
                               e[64] == 1 ? "HIGH" : "FSEG");
    case QMEM_BIOS_LINKER_LOADER_COMMAND_ADD_POINTER: {
        guint32 off = get_le(e + 116, 4);
        const guint8 *field = (const guint8 *)g_bytes_get_data(
            file_of(files, a), NULL) + off;

        w1 = where(index, a, off);
        w2 = where(index, b, get_le(field, e[120]));
        return g_strdup_printf("ADD_POINTER %s size=%u -> %s", w1, e[120], w2);
    }
    case QMEM_BIOS_LINKER_LOADER_COMMAND_ADD_CHECKSUM:
        w1 = where(index, a, u60);
        for (guint i = 0; !strcmp(a, "etc/acpi/tables") && i < index->len;
             i++) {
            TableIndex *t = &g_array_index(index, TableIndex, i);

            if (t->offset == u64 && t->length == get_le(e + 68, 4)) {
                return g_strdup_printf("ADD_CHECKSUM %s over %s", w1, t->sig);
            }
        }
        w2 = where(index, a, u64);
        return g_strdup_printf("ADD_CHECKSUM %s over %s len=%u", w1, w2,
                               (guint)get_le(e + 68, 4));
    }
    return g_strdup_printf("COMMAND %u", (guint)get_le(e, 4));
}

static void check_acpi(QTestState *s, JsonObject *ref)
{
    static const char *const names[] = {
        "etc/table-loader", "etc/acpi/tables", "etc/acpi/rsdp",
    };
    g_autoptr(GHashTable) files = g_hash_table_new_full(
        g_str_hash, g_str_equal, NULL, (GDestroyNotify)g_bytes_unref);
    JsonObject *tables = json_object_get_object_member(ref, "tables");
    JsonArray *order = json_object_get_array_member(ref, "order");
    JsonArray *loader = json_object_get_array_member(ref, "loader");
    g_autoptr(GArray) index = NULL;
    const guint8 *script, *blob;
    gsize script_len;
    guint n = 0;

    /* A guest driver's way: one DMA read per file. */
    for (gsize i = 0; i < G_N_ELEMENTS(names); i++) {
        guint16 select;
        guint32 size;

        g_assert_true(qfw_cfg_find_file(s, names[i], &select, &size));
        g_hash_table_insert(files, (gpointer)names[i],
                            qfw_cfg_dma_get(s, select, size));
    }
    index = index_tables(file_of(files, "etc/acpi/tables"));
    blob = g_bytes_get_data(file_of(files, "etc/acpi/tables"), NULL);

    /* The same tables in the same order, HPET aside. */
    for (guint i = 0; i < json_array_get_length(order); i++) {
        const char *sig = json_array_get_string_element(order, i);
        TableIndex *t;
        g_autofree char *mine = NULL;

        if (qemu_only(sig)) {
            continue;
        }
        g_assert_cmpuint(n, <, index->len);
        t = &g_array_index(index, TableIndex, n++);
        g_assert_cmpstr(t->sig, ==, sig);
        /* The DSDT is qmem's; the RSDT's entries are offsets, below. */
        if (!strcmp(sig, "DSDT") || !strcmp(sig, "RSDT")) {
            continue;
        }
        mine = hex(blob + t->offset, t->length);
        g_test_message("table %s", sig);
        g_assert_cmpstr(mine, ==, json_object_get_string_member(tables, sig));
    }
    g_assert_cmpuint(n, ==, index->len);

    /* The loader, command by command. */
    script = g_bytes_get_data(file_of(files, "etc/table-loader"),
                              &script_len);
    n = 0;
    for (guint i = 0; i < json_array_get_length(loader); i++) {
        const char *theirs = json_array_get_string_element(loader, i);
        g_autofree char *mine = NULL;

        if (qemu_only(theirs)) {
            continue;
        }
        g_assert_cmpuint((n + 1) * 128, <=, script_len);
        mine = loader_line(script + n++ * 128, files, index);
        g_assert_cmpstr(mine, ==, theirs);
    }
    for (; n * 128 < script_len; n++) {
        g_assert_cmpuint(get_le(script + n * 128, 4), ==, 0);
    }
}

static void test_qemu_case(gconstpointer data)
{
    const char *name = data;
    JsonObject *ref = qemu_ref_case(name);
    g_autofree char *args = qemu_ref_case_args(ref);
    QTestState *s = qtest_init(args);

    check_items(s, json_object_get_object_member(ref, "fw_cfg"));
    if (json_object_has_member(ref, "fw_cfg_dir")) {
        check_dir(s, json_object_get_array_member(ref, "fw_cfg_dir"));
    }
    if (json_object_has_member(ref, "acpi")) {
        check_acpi(s, json_object_get_object_member(ref, "acpi"));
    }
    if (json_object_has_member(ref, "io")) {
        check_io(s, json_object_get_array_member(ref, "io"));
    }
    qtest_quit(s);
}

/* A case's item or table from the reference, as bytes. */
static GBytes *qemu_bytes(const char *name, const char *member,
                          const char *key)
{
    JsonObject *o = json_object_get_object_member(qemu_ref_case(name), member);
    const char *text;
    gsize len;
    guint8 *data;

    if (!strcmp(member, "acpi")) {
        o = json_object_get_object_member(o, "tables");
    }
    text = json_object_get_string_member(o, key);
    len = strlen(text) / 2;
    data = g_malloc(len);
    for (gsize i = 0; i < len; i++) {
        char byte[3] = { text[2 * i], text[2 * i + 1], 0 };

        data[i] = g_ascii_strtoull(byte, NULL, 16);
    }
    return g_bytes_new_take(data, len);
}

/* The same bytes but for the checksum, which the loader filled in. */
static void assert_table_is_qemus(GBytes *mine, GBytes *qemus)
{
    g_autoptr(GByteArray) copy = g_byte_array_new();

    g_assert_nonnull(mine);
    g_byte_array_append(copy, g_bytes_get_data(mine, NULL),
                        g_bytes_get_size(mine));
    g_assert_cmpuint(copy->len, ==, g_bytes_get_size(qemus));
    copy->data[9] = 0;
    g_assert_cmpmem(copy->data, copy->len, g_bytes_get_data(qemus, NULL),
                    copy->len);
}

/* The e820 table and the directory through DMA are what the ports give. */
static void test_dma_read(void)
{
    g_autofree char *args = qemu_ref_case_args(qemu_ref_case("fw-pc-numa-dist"));
    QTestState *s = qtest_init(args);
    g_autoptr(GBytes) qemu_e820 = qemu_bytes("fw-pc-numa-dist", "fw_cfg",
                                             "etc/e820");
    g_autoptr(GBytes) e820 = NULL;
    g_autoptr(GBytes) dir = NULL;
    guint8 count[4];
    g_autofree guint8 *ports = NULL;
    guint16 select;
    guint32 size;

    g_assert_true(qfw_cfg_find_file(s, "etc/e820", &select, &size));
    e820 = qfw_cfg_dma_get(s, select, size);
    g_assert_true(g_bytes_equal(e820, qemu_e820));

    qfw_cfg_get(s, QMEM_FW_CFG_FILE_DIR, count, sizeof(count));
    size = 4 + 64 * GUINT32_FROM_BE(*(guint32 *)count);
    ports = g_malloc(size);
    qfw_cfg_get(s, QMEM_FW_CFG_FILE_DIR, ports, size);
    dir = qfw_cfg_dma_get(s, QMEM_FW_CFG_FILE_DIR, size);
    g_assert_cmpmem(g_bytes_get_data(dir, NULL), size, ports, size);
    qtest_quit(s);
}

/* A table's 32-bit pointer field at @off, dereferenced: its signature. */
static void assert_points_to(QTestState *s, GBytes *table, guint off,
                             guint size, const char *sig)
{
    guint64 addr = get_le((const guint8 *)g_bytes_get_data(table, NULL) + off,
                          size);
    char found[4];

    g_assert_cmphex(addr, !=, 0);
    qtest_memread(s, addr, found, 4);
    g_assert_cmpmem(found, 4, sig, 4);
}

/*
 * What a guest does without QEMU's firmware: run the table loader, then
 * find the RSDP in the BIOS area and the tables from it.
 */
static void test_guest_loader(void)
{
    const char *name = "fw-q35-numa-dist";
    g_autofree char *args = qemu_ref_case_args(qemu_ref_case(name));
    QTestState *s = qtest_init(args);
    static const char *const listed[] = {
        "FACP", "APIC", "SRAT", "SLIT", "MCFG", "WAET",
    };
    g_autoptr(GBytes) fadt = NULL;
    guint64 rsdp;
    guint8 r[20];

    g_assert_cmphex(qacpi_find_rsdp(s), ==, 0);
    g_assert_cmpuint(qacpi_load(s, 16 << 20), >, 0);
    rsdp = qacpi_find_rsdp(s);
    g_assert_cmphex(rsdp, >=, 0xe0000);
    qtest_memread(s, rsdp, r, sizeof(r));
    g_assert_cmpuint(r[15], ==, 0);                 /* ACPI 1.0: RSDT */
    g_assert_cmpmem(r + 9, 6, "BOCHS ", 6);

    for (gsize i = 0; i < G_N_ELEMENTS(listed); i++) {
        g_autoptr(GBytes) table = qacpi_find_table(s, rsdp, listed[i]);
        g_autoptr(GBytes) qemus = NULL;

        g_test_message("table %s", listed[i]);
        g_assert_nonnull(table);
        if (!strcmp(listed[i], "FACP")) {
            fadt = g_bytes_ref(table);
            continue;
        }
        qemus = qemu_bytes(name, "acpi", listed[i]);
        assert_table_is_qemus(table, qemus);
    }
    /* FIRMWARE_CTRL, DSDT and X_DSDT point where the loader put them. */
    assert_points_to(s, fadt, 36, 4, "FACS");
    assert_points_to(s, fadt, 40, 4, "DSDT");
    assert_points_to(s, fadt, 140, 8, "DSDT");
    g_assert_null(qacpi_find_table(s, rsdp, "HPET"));
    qtest_quit(s);
}

/*
 * Bad descriptors from the guest: the device reports what it can in the
 * control word and goes on answering.
 */
static void test_guest_errors(void)
{
    QTestState *s = qtest_init("-M pc -m 128M -qtest");
    const guint32 sel_read = QMEM_FW_CFG_DMA_CTL_SELECT |
                             QMEM_FW_CFG_DMA_CTL_READ;

    /* Data into the PCI hole (nothing there): ERROR. */
    g_assert_cmphex(qfw_cfg_dma(s, 0x1000, sel_read, 4, 0xe0000000), ==,
                    QMEM_FW_CFG_DMA_CTL_ERROR);
    /* The descriptor in the hole: nothing to read, nowhere to report. */
    qtest_outl(s, QFW_CFG_DMA, 0);
    qtest_outl(s, QFW_CFG_DMA + 4, GUINT32_SWAP_LE_BE(0xe0000000));
    /* Writing the read-only signature: ERROR, the item unchanged. */
    qtest_writel(s, 0x2000, 0x58585858);
    g_assert_cmphex(qfw_cfg_dma(s, 0x1000, QMEM_FW_CFG_DMA_CTL_SELECT |
                                QMEM_FW_CFG_DMA_CTL_WRITE, 4, 0x2000), ==,
                    QMEM_FW_CFG_DMA_CTL_ERROR);
    /* A huge read past the end of a small item: zeros to RAM's end. */
    qtest_writel(s, 0x3000, 0xffffffff);
    qtest_writel(s, 128 * 1024 * 1024 - 4, 0xffffffff);
    g_assert_cmphex(qfw_cfg_dma(s, 0x1000, (QMEM_FW_CFG_ID << 16) | sel_read,
                                0xffffffff, 0x3000), ==,
                    QMEM_FW_CFG_DMA_CTL_ERROR);
    g_assert_cmphex(qtest_readl(s, 0x3000), ==, 3);
    g_assert_cmphex(qtest_readl(s, 0x3004), ==, 0);
    g_assert_cmphex(qtest_readl(s, 128 * 1024 * 1024 - 4), ==, 0);

    /* Still there: the signature through the ports. */
    g_assert_cmphex(qfw_cfg_get_u32(s, QMEM_FW_CFG_SIGNATURE), ==,
                    0x554d4551);
    qtest_quit(s);
}

int main(int argc, char **argv)
{
    g_autoptr(GList) names = NULL;
    int ret;

    g_test_init(&argc, &argv, NULL);
    names = qemu_ref_case_names();
    for (GList *n = names; n; n = n->next) {
        JsonObject *c = qemu_ref_case(n->data);
        g_autofree char *path = NULL;

        /* The PCI cases need devices other tests check. */
        if (!json_object_has_member(c, "fw_cfg") ||
            json_object_has_member(c, "pci")) {
            continue;
        }
        path = g_strdup_printf("/hw/nvram/fw_cfg/qemu/%s",
                               (const char *)n->data);
        g_test_add_data_func(path, n->data, test_qemu_case);
    }
    g_test_add_func("/hw/nvram/fw_cfg/dma/read", test_dma_read);
    g_test_add_func("/hw/nvram/fw_cfg/acpi/guest-loader", test_guest_loader);
    g_test_add_func("/hw/nvram/fw_cfg/guest-errors", test_guest_errors);
    ret = g_test_run();
    return ret;
}
