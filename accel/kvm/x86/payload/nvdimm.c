/* SPDX-License-Identifier: GPL-2.0-or-later */
/* NVDIMMs: the NFIT at boot, _FIT's Read FIT after a hot-plug (GPE 4). */

#include "payload.h"

/*
 * As Linux's nfit driver: at boot the NFIT gives each NVDIMM's SPA range
 * (its persistent memory), memory-device map (handle, flags) and control
 * region (serial); the payload logs them and maps each range.  A
 * hot-plugged NVDIMM raises GPE0 bit 4, whose \_GPE._E04 notifies
 * \_SB.NVDR; the OS then evaluates _FIT, whose AML calls QEMU's Read FIT
 * function (handle 0x10000, function 1) through the _DSM page and port
 * 0x0a18 until it has the whole FIT.  The payload has no AML
 * interpreter, so it makes those calls itself, with a page of its own
 * driver memory (the AML's MEMA is where the loader put
 * etc/acpi/nvdimm-mem; the payload runs no loader), and logs the NVDIMMs
 * it did not know yet.
 */

#define NFIT_HDR_LEN        40          /* the header and 4 reserved */
#define NFIT_TYPE_SPA       0
#define NFIT_TYPE_MEMDEV    1
#define NFIT_TYPE_DCR       4
#define NFIT_NOT_ARMED      (1 << 3)

#define DSM_PORT            0x0a18
#define DSM_PAGE_SIZE       4096
#define DSM_QEMU_HANDLE     0x10000
#define DSM_READ_FIT        1
#define DSM_FIT_CHANGED     0x100

#define GPE_NVDIMM_HOTPLUG  0x10            /* GPE0 bit 4 */
#define FIT_MAX             (16 * KiB)
#define MAX_HANDLES         256             /* one per slot: slot + 1 */

static int nvdimm_acpi;                     /* the NVDIMM SSDT is there */
static uint64_t dsm_page;
static uint8_t fit[FIT_MAX];
static uint8_t known[MAX_HANDLES + 1];

static uint16_t le16(const uint8_t *p)
{
    return p[0] | p[1] << 8;
}

static uint32_t le32(const uint8_t *p)
{
    return le16(p) | (uint32_t)le16(p + 2) << 16;
}

static uint64_t le64(const uint8_t *p)
{
    return le32(p) | (uint64_t)le32(p + 4) << 32;
}

/* The structure of @type whose 16-bit index at +4 is @index. */
static const uint8_t *fit_find(const uint8_t *s, uint32_t len, uint16_t type,
                               uint16_t index)
{
    for (uint32_t off = 0; off + 4 <= len && le16(s + off + 2) >= 4;
         off += le16(s + off + 2)) {
        if (le16(s + off) == type && off + 6 <= len &&
            le16(s + off + 4) == index) {
            return s + off;
        }
    }
    return NULL;
}

/* Logs and maps every NVDIMM of the structures @s not seen yet. */
static void fit_parse(const uint8_t *s, uint32_t len)
{
    for (uint32_t off = 0; off + 4 <= len; off += le16(s + off + 2)) {
        uint16_t slen = le16(s + off + 2);
        const uint8_t *md = s + off, *spa, *dcr;
        uint32_t handle;
        uint64_t base, size;

        if (slen < 4 || off + slen > len) {
            log_printf("nvdimm: bad structure at offset %u\n", off);
            return;
        }
        if (le16(md) != NFIT_TYPE_MEMDEV || slen < 48) {
            continue;
        }
        handle = le32(md + 4);
        spa = fit_find(s, len, NFIT_TYPE_SPA, le16(md + 12));
        dcr = fit_find(s, len, NFIT_TYPE_DCR, le16(md + 14));
        if (!spa || le16(spa + 2) < 56 || !dcr || le16(dcr + 2) < 28 ||
            handle > MAX_HANDLES || known[handle]) {
            continue;
        }
        base = le64(spa + 32);
        size = le64(spa + 40);
        if (!size || base + size < base || !guest_map(base, size)) {
            log_printf("nvdimm: handle %u: cannot use [mem 0x%lx+0x%lx]\n",
                       handle, base, size);
            continue;
        }
        known[handle] = 1;
        log_printf("nvdimm: handle %u: pmem [mem 0x%lx-0x%lx] node %u, "
                   "serial 0x%x%s\n", handle, base, base + size - 1,
                   le32(spa + 12), le32(dcr + 24),
                   le16(md + 44) & NFIT_NOT_ARMED ? ", not armed" : "");
    }
}

/* One Read FIT call from @offset: its status; the data into fit[]. */
static uint32_t read_fit(uint32_t offset, uint32_t *got)
{
    uint64_t page = dsm_page;
    uint32_t out_len, status;

    mmio_write32(page, DSM_QEMU_HANDLE);
    mmio_write32(page + 4, 1);              /* revision */
    mmio_write32(page + 8, DSM_READ_FIT);
    mmio_write32(page + 12, offset);
    outl(DSM_PORT, (uint32_t)page);
    out_len = mmio_read32(page);
    status = mmio_read32(page + 4);
    *got = 0;
    if (status || out_len < 8 || out_len > DSM_PAGE_SIZE) {
        return status ? status : 1;
    }
    *got = out_len - 8;
    if (offset + *got > FIT_MAX) {
        *got = 0;
        return 1;
    }
    for (uint32_t i = 0; i < *got; i++) {
        fit[offset + i] = mmio_read8(page + 8 + i);
    }
    return 0;
}

/* _FIT: Read FIT until nothing comes, from 0 again if it changed. */
static void fit_reread(void)
{
    uint32_t offset = 0, got, status;

    for (unsigned tries = 0; tries < 16;) {
        status = read_fit(offset, &got);
        if (status == DSM_FIT_CHANGED) {
            offset = 0;
            tries++;
            continue;
        }
        if (status) {
            log_printf("nvdimm: Read FIT at %u: status 0x%x\n", offset,
                       status);
            return;
        }
        if (!got) {
            fit_parse(fit, offset);
            return;
        }
        offset += got;
    }
}

static void nvdimm_init(void)
{
    uint32_t len;
    const uint8_t *t = acpi_find_table("SSDT", &len);
    const uint8_t *nfit;

    memset(known, 0, sizeof(known));
    nvdimm_acpi = t && len >= 24 && !memcmp(t + 16, "NVDIMM", 6);
    if (!nvdimm_acpi) {
        return;
    }
    nfit = acpi_find_table("NFIT", &len);
    log_printf("nvdimm: NVDIMM root device, NFIT %s\n",
               nfit ? "present" : "absent");
    if (nfit && len >= NFIT_HDR_LEN) {
        fit_parse(nfit + NFIT_HDR_LEN, len - NFIT_HDR_LEN);
    }
}

/* GPE 4: \_GPE._E04's Notify (\_SB.NVDR, 0x80), handled as the OS does. */
static void nvdimm_poll(void)
{
    if (!nvdimm_acpi || !acpi.gpe0 ||
        !(inb(acpi.gpe0) & GPE_NVDIMM_HOTPLUG)) {
        return;
    }
    outb(acpi.gpe0, GPE_NVDIMM_HOTPLUG);
    if (!dsm_page) {
        dsm_page = dma_alloc(DSM_PAGE_SIZE, DSM_PAGE_SIZE);
    }
    if (dsm_page) {
        fit_reread();
    }
}

const Driver nvdimm_driver = {
    .name = "nvdimm",
    .init = nvdimm_init,
    .poll = nvdimm_poll,
};
