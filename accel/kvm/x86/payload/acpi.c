/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ACPI: the tables as an OS finds them, the FADT's registers, ACPI mode. */

#include "payload.h"

/*
 * The guest runs no table loader: etc/acpi/tables stays in scratch
 * memory where fw-cfg.c read it, and every pointer the loader would
 * patch (the RSDP's RSDT, the RSDT's entries, the FADT's DSDT) still
 * holds its offset into that file, which is how they are followed here.
 * So the tables take no guest RAM, and a test may write every byte of it.
 */

#define ACPI_HDR_LEN        36

/* FADT fields (ACPI 1.0 layout, which every revision starts with). */
#define FADT_DSDT           40
#define FADT_SCI_INT        46
#define FADT_SMI_CMD        48
#define FADT_ACPI_ENABLE    52
#define FADT_PM1A_CNT_BLK   64
#define FADT_GPE0_BLK       80
#define FADT_GPE0_BLK_LEN   92
#define FADT_X_DSDT         140

#define ACPI_SCI_EN         0x0001

AcpiInfo acpi;

static uint32_t le32(const uint8_t *p)
{
    return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t le64(const uint8_t *p)
{
    return le32(p) | (uint64_t)le32(p + 4) << 32;
}

/* The table at offset @off of the file, if its header and length fit. */
static const uint8_t *acpi_table_at(uint64_t off, uint32_t *len)
{
    const uint8_t *t;
    uint32_t l;

    if (!platform.acpi_tables || off > platform.acpi_tables_size ||
        platform.acpi_tables_size - off < ACPI_HDR_LEN) {
        return NULL;
    }
    t = platform.acpi_tables + off;
    l = le32(t + 4);
    if (l < ACPI_HDR_LEN || l > platform.acpi_tables_size - off) {
        return NULL;
    }
    *len = l;
    return t;
}

/* The RSDT (or, from RSDP revision 2, the XSDT) and its entry size. */
static const uint8_t *acpi_root(uint32_t *len, unsigned *entry)
{
    const uint8_t *rsdp = platform.acpi_rsdp;

    if (platform.acpi_rsdp_size < 20 || memcmp(rsdp, "RSD PTR ", 8)) {
        return NULL;
    }
    if (rsdp[15] >= 2 && platform.acpi_rsdp_size >= 32 && le64(rsdp + 24)) {
        *entry = 8;
        return acpi_table_at(le64(rsdp + 24), len);
    }
    *entry = 4;
    return acpi_table_at(le32(rsdp + 16), len);
}

const uint8_t *acpi_find_table(const char *sig, uint32_t *len)
{
    unsigned entry;
    uint32_t root_len;
    const uint8_t *root = acpi_root(&root_len, &entry);

    if (!memcmp(sig, "DSDT", 4)) {
        const uint8_t *fadt = acpi_find_table("FACP", len);
        uint64_t off;

        if (!fadt || *len < FADT_DSDT + 4) {
            return NULL;
        }
        off = le32(fadt + FADT_DSDT);
        if (*len >= FADT_X_DSDT + 8 && le64(fadt + FADT_X_DSDT)) {
            off = le64(fadt + FADT_X_DSDT);
        }
        return acpi_table_at(off, len);
    }
    for (uint32_t i = ACPI_HDR_LEN; root && i + entry <= root_len;
         i += entry) {
        uint64_t off = entry == 8 ? le64(root + i) : le32(root + i);
        const uint8_t *t = acpi_table_at(off, len);

        if (t && !memcmp(t, sig, 4)) {
            return t;
        }
    }
    return NULL;
}

/* An AML integer (ZeroOp, OneOp, OnesOp, Byte/Word/DWord/QWordPrefix). */
static int aml_int(const uint8_t *p, const uint8_t *end, uint64_t *v)
{
    static const uint8_t width[] = { [0x0a] = 1, [0x0b] = 2, [0x0c] = 4,
                                     [0x0e] = 8 };
    unsigned n;

    if (p >= end) {
        return 0;
    }
    switch (*p) {
    case 0x00:
    case 0x01:
        *v = *p;
        return 1;
    case 0xff:
        *v = ~0ULL;
        return 1;
    case 0x0a:
    case 0x0b:
    case 0x0c:
    case 0x0e:
        n = width[*p];
        if (end - p < 1 + n) {
            return 0;
        }
        *v = 0;
        for (unsigned i = n; i; i--) {
            *v = *v << 8 | p[i];
        }
        return 1 + n;
    }
    return 0;
}

/*
 * Finds @prefix (an AML opcode, 1 or 2 bytes) followed by the NameSeg
 * @name in the DSDT and returns what follows; NULL if it is not there.
 */
static const uint8_t *dsdt_find(const uint8_t *prefix, unsigned plen,
                                const char *name, const uint8_t **end)
{
    uint32_t len;
    const uint8_t *dsdt = acpi_find_table("DSDT", &len);

    if (!dsdt) {
        return NULL;
    }
    *end = dsdt + len;
    for (const uint8_t *p = dsdt + ACPI_HDR_LEN; p + plen + 4 <= *end; p++) {
        if (!memcmp(p, prefix, plen) && !memcmp(p + plen, name, 4)) {
            return p + plen + 4;
        }
    }
    return NULL;
}

int acpi_dsdt_name_int(const char *name, uint64_t *v)
{
    static const uint8_t name_op[] = { 0x08 };
    const uint8_t *end;
    const uint8_t *p = dsdt_find(name_op, 1, name, &end);

    return p && aml_int(p, end, v);
}

int acpi_dsdt_opregion(const char *name, uint8_t *space, uint64_t *addr,
                       uint64_t *len)
{
    static const uint8_t opregion_op[] = { 0x5b, 0x80 };
    const uint8_t *end;
    const uint8_t *p = dsdt_find(opregion_op, 2, name, &end);
    int n;

    if (!p || p >= end) {
        return 0;
    }
    *space = *p++;
    n = aml_int(p, end, addr);
    return n && aml_int(p + n, end, len);
}

/*
 * What an OS takes from the FADT before anything else: where the SCI,
 * the PM1 control and the GPE0 registers are, and how to switch the
 * machine into ACPI mode (SCI_EN), which it does as Linux's
 * acpi_enable() does.
 */
static void acpi_init(void)
{
    uint32_t len;
    const uint8_t *fadt = acpi_find_table("FACP", &len);
    uint32_t smi_cmd;
    uint8_t enable;

    if (!fadt || len < FADT_GPE0_BLK_LEN + 1) {
        return;
    }
    acpi.sci = fadt[FADT_SCI_INT] | fadt[FADT_SCI_INT + 1] << 8;
    acpi.pm1a_cnt = le32(fadt + FADT_PM1A_CNT_BLK);
    acpi.gpe0 = le32(fadt + FADT_GPE0_BLK);
    acpi.gpe0_len = fadt[FADT_GPE0_BLK_LEN];
    smi_cmd = le32(fadt + FADT_SMI_CMD);
    enable = fadt[FADT_ACPI_ENABLE];
    log_printf("acpi: FADT rev %u: SCI %u, SMI_CMD 0x%x, PM1a_CNT 0x%x, "
               "GPE0 0x%x (%u bytes)\n", fadt[8], acpi.sci, smi_cmd,
               acpi.pm1a_cnt, acpi.gpe0, acpi.gpe0_len);
    if (acpi.pm1a_cnt && acpi.pm1a_cnt <= 0xffff && smi_cmd &&
        smi_cmd <= 0xffff && enable &&
        !(inw(acpi.pm1a_cnt) & ACPI_SCI_EN)) {
        outb(smi_cmd, enable);
        log_printf("acpi: ACPI mode %s\n", inw(acpi.pm1a_cnt) & ACPI_SCI_EN
                   ? "on" : "refused");
    }
    if (acpi.gpe0 > 0xffff || acpi.gpe0_len < 2 || acpi.gpe0_len & 1) {
        acpi.gpe0 = acpi.gpe0_len = 0;
    }
}

const Driver acpi_driver = {
    .name = "acpi",
    .init = acpi_init,
};
