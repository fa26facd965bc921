/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fw_cfg: the memory map, NUMA and the ACPI tables, as firmware reads them. */

#include "payload.h"

/* The x86 interface (docs/fw_cfg.md): selector and data ports. */
#define FW_CFG_PORT_SEL     0x510
#define FW_CFG_PORT_DATA    0x511

#define FW_CFG_SIGNATURE    0x00
#define FW_CFG_ID           0x01
#define FW_CFG_RAM_SIZE     0x03
#define FW_CFG_NB_CPUS      0x05
#define FW_CFG_NUMA         0x0d
#define FW_CFG_MAX_CPUS     0x0f
#define FW_CFG_FILE_DIR     0x19

#define FW_CFG_FILE_SIZE    64          /* one directory entry */
#define FW_CFG_NAME_OFF     8
#define FW_CFG_NAME_MAX     56

/* The directory, read once at init: a count, then 64-byte entries. */
static const uint8_t *fw_dir;
static uint32_t fw_dir_count;

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | p[2] << 8 | p[3];
}

static uint64_t le64(const uint8_t *p)
{
    uint64_t v = 0;

    for (int i = 7; i >= 0; i--) {
        v = v << 8 | p[i];
    }
    return v;
}

void fw_cfg_read_item(uint16_t key, void *buf, uint32_t len)
{
    outw(FW_CFG_PORT_SEL, key);
    /* One REP INSB; KVM moves up to 1 KiB per exit. */
    insb(FW_CFG_PORT_DATA, buf, len);
}

int fw_cfg_find_file(const char *name, uint16_t *select, uint32_t *size)
{
    size_t len = strlen(name);

    if (len >= FW_CFG_NAME_MAX) {
        return 0;
    }
    for (uint32_t i = 0; fw_dir && i < fw_dir_count; i++) {
        const uint8_t *e = fw_dir + i * FW_CFG_FILE_SIZE;
        const char *n = (const char *)e + FW_CFG_NAME_OFF;

        if (!memcmp(n, name, len + 1)) {
            *size = be32(e);
            *select = (uint16_t)(e[4] << 8 | e[5]);
            return 1;
        }
    }
    return 0;
}

/* Reads file @name into scratch memory; NULL if missing or too large. */
static uint8_t *fw_cfg_load(const char *name, uint32_t *size)
{
    uint16_t sel;
    uint8_t *buf;

    if (!fw_cfg_find_file(name, &sel, size) ||
        !(buf = scratch_alloc(*size ? *size : 1))) {
        return NULL;
    }
    fw_cfg_read_item(sel, buf, *size);
    return buf;
}

static void fw_cfg_read_dir(void)
{
    uint8_t count[4];
    uint8_t *dir;

    fw_cfg_read_item(FW_CFG_FILE_DIR, count, sizeof(count));
    fw_dir_count = be32(count);
    if (fw_dir_count > 4096 ||
        !(dir = scratch_alloc((uint64_t)fw_dir_count * FW_CFG_FILE_SIZE))) {
        fw_dir_count = 0;
        return;
    }
    /* The selector still points into the directory, after the count. */
    insb(FW_CFG_PORT_DATA, dir, fw_dir_count * FW_CFG_FILE_SIZE);
    fw_dir = dir;
}

/* etc/e820: 20-byte entries (u64 address, u64 length, u32 type). */
static void fw_cfg_read_e820(void)
{
    uint32_t size;
    const uint8_t *e = fw_cfg_load("etc/e820", &size);

    for (uint32_t off = 0; e && off + 20 <= size &&
                           platform.n_e820 < E820_MAX; off += 20) {
        E820Entry *ent = &platform.e820[platform.n_e820++];
        uint64_t end;

        ent->addr = le64(e + off);
        ent->len = le64(e + off + 8);
        ent->type = e[off + 16] | e[off + 17] << 8;
        end = ent->addr + ent->len;
        log_printf("e820: [mem 0x%016lx-0x%016lx] %s\n", ent->addr, end - 1,
                   ent->type == E820_RAM ? "usable" : "reserved");
        if (ent->type != E820_RAM) {
            continue;
        }
        if (end <= 4 * GiB && end > platform.low_ram_end) {
            platform.low_ram_end = end;
        } else if (ent->addr >= 4 * GiB && end > platform.high_ram_end) {
            platform.high_ram_end = end;
        }
    }
}

/*
 * FW_CFG_NUMA: the node count, a node per APIC id (FW_CFG_MAX_CPUS of
 * them), then each node's memory, all u64.
 */
static void fw_cfg_read_numa(void)
{
    uint8_t buf[1024];
    uint64_t nodes, skip;
    uint16_t max_cpus;

    fw_cfg_read_item(FW_CFG_MAX_CPUS, buf, 2);
    max_cpus = buf[0] | buf[1] << 8;
    fw_cfg_read_item(FW_CFG_NUMA, buf, 8);
    nodes = le64(buf);
    if (!nodes || nodes > sizeof(buf) / 8) {
        return;
    }
    /* The data port goes on where the last read stopped. */
    for (skip = (uint64_t)max_cpus * 8; skip; ) {
        uint64_t n = skip < sizeof(buf) ? skip : sizeof(buf);

        insb(FW_CFG_PORT_DATA, buf, n);
        skip -= n;
    }
    insb(FW_CFG_PORT_DATA, buf, nodes * 8);
    for (uint64_t i = 0; i < nodes; i++) {
        log_printf("numa: node %lu: %lu MiB\n", i, le64(buf + i * 8) / MiB);
    }
}

/* The ACPI tables, as the firmware hands them to the OS (acpi.c). */
static void fw_cfg_read_acpi(void)
{
    uint16_t sel;
    uint32_t size;

    if (!fw_cfg_find_file("etc/acpi/rsdp", &sel, &size) || size < 20) {
        return;
    }
    platform.acpi_rsdp_size = size < sizeof(platform.acpi_rsdp)
                              ? size : sizeof(platform.acpi_rsdp);
    fw_cfg_read_item(sel, platform.acpi_rsdp, platform.acpi_rsdp_size);
    platform.acpi_tables = fw_cfg_load("etc/acpi/tables", &size);
    platform.acpi_tables_size = platform.acpi_tables ? size : 0;
}

static void fw_cfg_init(void)
{
    uint8_t buf[8];
    uint32_t size;
    uint16_t sel;
    uint32_t id;

    fw_cfg_read_item(FW_CFG_SIGNATURE, buf, 4);
    if (memcmp(buf, "QEMU", 4)) {
        return;
    }
    platform.has_fw_cfg = 1;
    fw_cfg_read_item(FW_CFG_ID, buf, 4);
    id = buf[0] | buf[1] << 8 | buf[2] << 16 | (uint32_t)buf[3] << 24;
    fw_cfg_read_item(FW_CFG_RAM_SIZE, buf, 8);
    platform.ram_size = le64(buf);
    fw_cfg_read_item(FW_CFG_NB_CPUS, buf, 2);
    log_printf("fw_cfg: signature QEMU, id 0x%x, RAM %lu MiB, %u CPUs\n", id,
               platform.ram_size / MiB, buf[0] | buf[1] << 8);
    fw_cfg_read_dir();
    fw_cfg_read_e820();
    if (fw_cfg_find_file("etc/reserved-memory-end", &sel, &size) &&
        size == 8) {
        fw_cfg_read_item(sel, buf, 8);
        platform.reserved_memory_end = le64(buf);
        log_printf("fw_cfg: reserved-memory-end 0x%lx\n",
                   platform.reserved_memory_end);
    }
    fw_cfg_read_numa();
    fw_cfg_read_acpi();
}

const Driver fw_cfg_driver = {
    .name = "fw_cfg",
    .init = fw_cfg_init,
};
