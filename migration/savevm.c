/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Device sections: the machine, memory devices, virtio-mem's state. */

#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "hw/core/boards.h"
#include "hw/core/numa.h"
#include "hw/mem/memory-device.h"
#include "hw/virtio/virtio-mem.h"
#include "migration/migration-internal.h"
#include "util/error.h"
#include "util/main-loop.h"

#define SECTION_VERSION 1
/* A section's payload may not be larger (QEMU's packaged-state limit). */
#define MAX_SECTION_SIZE (G_GUINT64_CONSTANT(1) << 26)

/* Section names, and what a memory device's id is: its canonical path. */
#define SEC_MACHINE "machine"
#define SEC_MEMORY_DEVICE "memory-device"
#define SEC_VIRTIO_MEM "virtio-mem"

static void put_be32(GByteArray *out, guint32 v)
{
    v = GUINT32_TO_BE(v);
    g_byte_array_append(out, (guint8 *)&v, 4);
}

static void put_string(GByteArray *out, const char *s)
{
    guint8 len = MIN(strlen(s), 255);

    g_byte_array_append(out, &len, 1);
    g_byte_array_append(out, (const guint8 *)s, len);
}

/* Appends a DEVICE section; takes @v (floating). */
static void put_section(GByteArray *out, const char *name, const char *id,
                        GVariant *v)
{
    guint8 type = MIG_SEC_DEVICE;
    g_autoptr(GVariant) ref = g_variant_ref_sink(v);
    g_autoptr(GBytes) data = g_variant_get_data_as_bytes(ref);
    gsize len;
    const guint8 *p = g_bytes_get_data(data, &len);

    g_byte_array_append(out, &type, 1);
    put_string(out, name);
    put_string(out, id);
    put_be32(out, SECTION_VERSION);
    put_be32(out, len);
    g_byte_array_append(out, p, len);
}

static GVariant *machine_state(QmemMachine *machine)
{
    guint n = qmem_numa_get_num_nodes(machine);
    g_autofree QmemNumaNodeMem *mem = g_new0(QmemNumaNodeMem, MAX(n, 1));
    g_autofree guint64 *zero = g_new0(guint64, MAX(n, 1));
    g_autofree guint64 *node_mem = g_new0(guint64, MAX(n, 1));
    GVariantDict d;

    if (n) {
        qmem_numa_query_node_mem(machine, zero, mem);
    }
    for (guint i = 0; i < n; i++) {
        node_mem[i] = mem[i].node_mem;
    }
    g_variant_dict_init(&d, NULL);
    g_variant_dict_insert(&d, "ram-size", "t",
                          qmem_machine_get_ram_size(machine));
    g_variant_dict_insert_value(&d, "numa-node-mem",
        g_variant_new_fixed_array(G_VARIANT_TYPE_UINT64, node_mem, n,
                                  sizeof(guint64)));
    return g_variant_dict_end(&d);
}

static GVariant *memory_device_state(QmemMemoryDevice *md)
{
    GVariantDict d;
    guint node = 0;
    int slot = -1;
    gboolean has_node = qmem_memory_device_get_node(md, &node);

    qmem_memory_device_get_slot(md, &slot);
    g_variant_dict_init(&d, NULL);
    g_variant_dict_insert(&d, "kind", "s", qmem_memory_device_get_kind(md));
    g_variant_dict_insert(&d, "addr", "t", qmem_memory_device_get_addr(md));
    g_variant_dict_insert(&d, "size", "t",
                          qmem_memory_device_get_region_size(md, NULL));
    g_variant_dict_insert(&d, "node", "i", has_node ? (gint32)node : -1);
    g_variant_dict_insert(&d, "slot", "i", slot);
    return g_variant_dict_end(&d);
}

static GVariant *virtio_mem_state(QmemVirtioMem *vmem)
{
    QmemVirtioMemMigState s;
    GVariantDict d;

    qmem_virtio_mem_get_mig_state(vmem, &s);
    g_variant_dict_init(&d, NULL);
    g_variant_dict_insert(&d, "addr", "t", s.addr);
    g_variant_dict_insert(&d, "region-size", "t", s.region_size);
    g_variant_dict_insert(&d, "block-size", "t", s.block_size);
    g_variant_dict_insert(&d, "node", "u", s.node);
    g_variant_dict_insert(&d, "usable-region-size", "t",
                          s.usable_region_size);
    g_variant_dict_insert(&d, "size", "t", s.size);
    g_variant_dict_insert(&d, "requested-size", "t", s.requested_size);
    g_variant_dict_insert(&d, "bitmap-size", "t", s.bitmap_size);
    g_variant_dict_insert_value(&d, "bitmap",
        g_variant_new_fixed_array(G_VARIANT_TYPE_UINT64, s.bitmap,
                                  (s.bitmap_size + 63) / 64,
                                  sizeof(guint64)));
    return g_variant_dict_end(&d);
}

/* virtio-mem-pci's device is its "virtio-backend" child. */
static QmemVirtioMem *get_virtio_mem(QmemMemoryDevice *md)
{
    QmemObject *child = qmem_object_get_child(QMEM_OBJECT(md),
                                              QMEM_VIRTIO_MEM_PCI_CHILD);

    return child && QMEM_IS_VIRTIO_MEM(child) ? QMEM_VIRTIO_MEM(child) : NULL;
}

GByteArray *mig_save_devices(gboolean early)
{
    QmemMachine *machine = qmem_machine_get_current();
    g_autoptr(GPtrArray) mds = qmem_memory_devices_list();
    GByteArray *out = g_byte_array_new();

    g_assert(qmem_bql_locked());
    if (machine && early) {
        put_section(out, SEC_MACHINE, "", machine_state(machine));
    }
    for (guint i = 0; i < mds->len; i++) {
        QmemMemoryDevice *md = g_ptr_array_index(mds, i);
        g_autofree char *path = qmem_object_get_canonical_path(
            QMEM_OBJECT(md));
        QmemVirtioMem *vmem = get_virtio_mem(md);

        if (early) {
            put_section(out, SEC_MEMORY_DEVICE, path,
                        memory_device_state(md));
        }
        if (vmem && qmem_virtio_mem_is_realized(vmem) &&
            qmem_virtio_mem_get_early_migration(vmem) == early) {
            put_section(out, SEC_VIRTIO_MEM, path, virtio_mem_state(vmem));
        }
    }
    return out;
}

/* The destination */

struct MigDeviceLoad {
    GHashTable *seen;       /* canonical paths of memory devices loaded */
    gboolean machine_seen;
};

MigDeviceLoad *mig_device_load_new(void)
{
    MigDeviceLoad *load = g_new0(MigDeviceLoad, 1);

    load->seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                       NULL);
    return load;
}

void mig_device_load_free(MigDeviceLoad *load)
{
    if (load) {
        g_hash_table_unref(load->seen);
        g_free(load);
    }
}

static gboolean bad_section(const char *name, const char *id, GError **error)
{
    g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                "invalid state in section '%s' for '%s'", name, id);
    return FALSE;
}

static gboolean load_machine(MigDeviceLoad *load, GVariant *v,
                             GError **error)
{
    QmemMachine *machine = qmem_machine_get_current();
    guint64 ram_size;
    g_autoptr(GVariant) nodes = NULL;
    g_autofree QmemNumaNodeMem *mem = NULL;
    g_autofree guint64 *zero = NULL;
    const guint64 *src;
    gsize n_src;
    guint n;

    if (!g_variant_lookup(v, "ram-size", "t", &ram_size) ||
        !(nodes = g_variant_lookup_value(v, "numa-node-mem",
                                         G_VARIANT_TYPE("at")))) {
        return bad_section(SEC_MACHINE, "", error);
    }
    if (!machine) {
        g_set_error_literal(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                            "no machine to load the machine section into");
        return FALSE;
    }
    if (ram_size != qmem_machine_get_ram_size(machine)) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "RAM size differs: 0x%" PRIx64 " on the source, 0x%"
                    PRIx64 " here", ram_size,
                    qmem_machine_get_ram_size(machine));
        return FALSE;
    }
    src = g_variant_get_fixed_array(nodes, &n_src, sizeof(guint64));
    n = qmem_numa_get_num_nodes(machine);
    if (n_src != n) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "NUMA layout differs: %" G_GSIZE_FORMAT " nodes on the "
                    "source, %u here", n_src, n);
        return FALSE;
    }
    mem = g_new0(QmemNumaNodeMem, MAX(n, 1));
    zero = g_new0(guint64, MAX(n, 1));
    if (n) {
        qmem_numa_query_node_mem(machine, zero, mem);
    }
    for (guint i = 0; i < n; i++) {
        if (src[i] != mem[i].node_mem) {
            g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                        "NUMA layout differs: node %u has 0x%" PRIx64
                        " bytes of RAM on the source, 0x%" PRIx64 " here",
                        i, src[i], mem[i].node_mem);
            return FALSE;
        }
    }
    load->machine_seen = TRUE;
    return TRUE;
}

static QmemMemoryDevice *find_memory_device(const char *id, GError **error)
{
    QmemObject *obj = id[0] == '/' ?
        qmem_object_resolve_path(id, QMEM_TYPE_MEMORY_DEVICE, NULL) : NULL;

    if (!obj) {
        /* QEMU's text for a section nobody here takes. */
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "Unknown savevm section or instance '%s' 0. Make sure "
                    "that your current VM setup matches your saved VM setup, "
                    "including any hotplugged devices", id);
        return NULL;
    }
    return QMEM_MEMORY_DEVICE(obj);
}

static gboolean load_memory_device(MigDeviceLoad *load, const char *id,
                                   GVariant *v, GError **error)
{
    QmemMemoryDevice *md;
    const char *kind;
    guint64 addr, size;
    gint32 node, slot;
    guint here_node = 0;
    int here_slot = -1;
    gint32 here_node_i;

    if (!g_variant_lookup(v, "kind", "&s", &kind) ||
        !g_variant_lookup(v, "addr", "t", &addr) ||
        !g_variant_lookup(v, "size", "t", &size) ||
        !g_variant_lookup(v, "node", "i", &node) ||
        !g_variant_lookup(v, "slot", "i", &slot)) {
        return bad_section(SEC_MEMORY_DEVICE, id, error);
    }
    if (!(md = find_memory_device(id, error))) {
        return FALSE;
    }
    here_node_i = qmem_memory_device_get_node(md, &here_node) ?
                  (gint32)here_node : -1;
    qmem_memory_device_get_slot(md, &here_slot);
    if (strcmp(kind, qmem_memory_device_get_kind(md))) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "memory device '%s' is a %s on the source, a %s here",
                    id, kind, qmem_memory_device_get_kind(md));
    } else if (addr != qmem_memory_device_get_addr(md)) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "memory device '%s' is at 0x%" PRIx64 " on the source, "
                    "at 0x%" PRIx64 " here", id, addr,
                    qmem_memory_device_get_addr(md));
    } else if (size != qmem_memory_device_get_region_size(md, NULL)) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "memory device '%s' has 0x%" PRIx64 " bytes on the "
                    "source, 0x%" PRIx64 " here", id, size,
                    qmem_memory_device_get_region_size(md, NULL));
    } else if (slot != here_slot) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "memory device '%s' is in slot %d on the source, in "
                    "slot %d here", id, slot, here_slot);
    } else if (node != here_node_i) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "memory device '%s' is on node %d on the source, on "
                    "node %d here", id, node, here_node_i);
    } else {
        g_hash_table_add(load->seen, g_strdup(id));
        return TRUE;
    }
    return FALSE;
}

static gboolean load_virtio_mem(const char *id, GVariant *v, GError **error)
{
    QmemVirtioMemMigState s = { 0 };
    g_autoptr(GVariant) bitmap = NULL;
    QmemMemoryDevice *md;
    QmemVirtioMem *vmem;
    gsize words;

    if (!g_variant_lookup(v, "addr", "t", &s.addr) ||
        !g_variant_lookup(v, "region-size", "t", &s.region_size) ||
        !g_variant_lookup(v, "block-size", "t", &s.block_size) ||
        !g_variant_lookup(v, "node", "u", &s.node) ||
        !g_variant_lookup(v, "usable-region-size", "t",
                          &s.usable_region_size) ||
        !g_variant_lookup(v, "size", "t", &s.size) ||
        !g_variant_lookup(v, "requested-size", "t", &s.requested_size) ||
        !g_variant_lookup(v, "bitmap-size", "t", &s.bitmap_size) ||
        !(bitmap = g_variant_lookup_value(v, "bitmap",
                                          G_VARIANT_TYPE("at")))) {
        return bad_section(SEC_VIRTIO_MEM, id, error);
    }
    s.bitmap = g_variant_get_fixed_array(bitmap, &words, sizeof(guint64));
    if (words != (s.bitmap_size + 63) / 64) {
        return bad_section(SEC_VIRTIO_MEM, id, error);
    }
    if (!(md = find_memory_device(id, error))) {
        return FALSE;
    }
    vmem = get_virtio_mem(md);
    if (!vmem || !qmem_virtio_mem_is_realized(vmem)) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "Unknown savevm section or instance '%s' 0. Make sure "
                    "that your current VM setup matches your saved VM setup, "
                    "including any hotplugged devices", id);
        return FALSE;
    }
    return qmem_virtio_mem_post_load(vmem, &s, error);
}

static gboolean apply_section(MigDeviceLoad *load, const char *name,
                              const char *id, GVariant *v, GError **error)
{
    if (!strcmp(name, SEC_MACHINE)) {
        return load_machine(load, v, error);
    } else if (!strcmp(name, SEC_MEMORY_DEVICE)) {
        return load_memory_device(load, id, v, error);
    } else if (!strcmp(name, SEC_VIRTIO_MEM)) {
        if (!g_hash_table_contains(load->seen, id)) {
            return bad_section(name, id, error);
        }
        return load_virtio_mem(id, v, error);
    }
    g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                "Unknown savevm section or instance '%s' 0. Make sure "
                "that your current VM setup matches your saved VM setup, "
                "including any hotplugged devices", name);
    return FALSE;
}

gboolean mig_device_load_section(MigDeviceLoad *load, QmemMigFile *f,
                                 GError **error)
{
    char name[256], id[256];
    guint32 version, len;
    g_autofree guint8 *data = NULL;
    g_autoptr(GBytes) bytes = NULL;
    g_autoptr(GVariant) v = NULL;
    gboolean ok;

    qmem_mig_get_counted_string(f, name);
    qmem_mig_get_counted_string(f, id);
    version = qmem_mig_get_be32(f);
    len = qmem_mig_get_be32(f);
    if (qmem_mig_file_get_error(f)) {
        return FALSE;
    }
    if (version != SECTION_VERSION) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "savevm: unsupported version %u for '%s' v%d", version,
                    name, SECTION_VERSION);
        return FALSE;
    }
    if (len > MAX_SECTION_SIZE) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "Unreasonably large packaged state: %u", len);
        return FALSE;
    }
    data = g_malloc(len);
    if (!qmem_mig_get_buffer(f, data, len)) {
        return FALSE;
    }
    bytes = g_bytes_new_take(g_steal_pointer(&data), len);
    v = g_variant_ref_sink(g_variant_new_from_bytes(G_VARIANT_TYPE_VARDICT,
                                                    bytes, FALSE));
    qmem_bql_lock();
    ok = apply_section(load, name, id, v, error);
    qmem_bql_unlock();
    return ok;
}

gboolean mig_device_load_finish(MigDeviceLoad *load, GError **error)
{
    g_autoptr(GPtrArray) mds = qmem_memory_devices_list();

    g_assert(qmem_bql_locked());
    if (qmem_machine_get_current() && !load->machine_seen) {
        g_set_error_literal(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                            "the stream has no machine section");
        return FALSE;
    }
    for (guint i = 0; i < mds->len; i++) {
        g_autofree char *path = qmem_object_get_canonical_path(
            g_ptr_array_index(mds, i));

        if (!g_hash_table_contains(load->seen, path)) {
            g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                        "memory device '%s' is not on the source", path);
            return FALSE;
        }
    }
    return TRUE;
}
