/* SPDX-License-Identifier: GPL-2.0-or-later */
/* PCI: bus 0 through ports 0xcf8/0xcfc, BARs placed as a firmware does. */

#include "payload.h"

/*
 * Configuration mechanism #1 on both pc and q35 (docs/kvm.md says why
 * not MMCONFIG).  Only init() touches 0xcf8: a poll never does, so a
 * request's own config accesses (guest I/O) never race with a driver's.
 */
#define PCI_CONFIG_ADDRESS  0xcf8
#define PCI_CONFIG_DATA     0xcfc

#define PCI_VENDOR_ID       0x00
#define PCI_COMMAND         0x04
#define PCI_CLASS_REVISION  0x08
#define PCI_HEADER_TYPE     0x0e
#define PCI_BASE_ADDRESS_0  0x10

#define PCI_COMMAND_IO      0x1
#define PCI_COMMAND_MEMORY  0x2

#define PCI_MAX_FUNCS       256

/* Where a firmware puts BARs (SeaBIOS's windows, QEMU's holes). */
#define PCI_IO_START        0xc000
#define PCI_IO_END          0x10000
#define PCI_MEM32_END       0xfec00000ULL       /* the IOAPIC */
#define PCI_MEM64_SIZE      (32 * GiB)          /* q35's pci-hole64-size */

#define I440FX_ID           0x12378086
#define Q35_MCH_ID          0x29c08086

static PciFunc *funcs;
static unsigned n_funcs;

PciFunc *pci_func(unsigned idx)
{
    return idx < n_funcs ? &funcs[idx] : NULL;
}

static void pci_select(uint8_t devfn, uint8_t reg)
{
    outl(PCI_CONFIG_ADDRESS, 0x80000000u | devfn << 8 | (reg & 0xfc));
}

static uint32_t cfg_read32(uint8_t devfn, uint8_t reg)
{
    pci_select(devfn, reg);
    return inl(PCI_CONFIG_DATA);
}

static void cfg_write32(uint8_t devfn, uint8_t reg, uint32_t v)
{
    pci_select(devfn, reg);
    outl(PCI_CONFIG_DATA, v);
}

uint8_t pci_cfg_read8(const PciFunc *f, uint8_t reg)
{
    pci_select(f->devfn, reg);
    return inb(PCI_CONFIG_DATA + (reg & 3));
}

uint16_t pci_cfg_read16(const PciFunc *f, uint8_t reg)
{
    pci_select(f->devfn, reg);
    return inw(PCI_CONFIG_DATA + (reg & 2));
}

uint32_t pci_cfg_read32(const PciFunc *f, uint8_t reg)
{
    return cfg_read32(f->devfn, reg);
}

void pci_cfg_write8(const PciFunc *f, uint8_t reg, uint8_t v)
{
    pci_select(f->devfn, reg);
    outb(PCI_CONFIG_DATA + (reg & 3), v);
}

void pci_cfg_write16(const PciFunc *f, uint8_t reg, uint16_t v)
{
    pci_select(f->devfn, reg);
    outw(PCI_CONFIG_DATA + (reg & 2), v);
}

void pci_cfg_write32(const PciFunc *f, uint8_t reg, uint32_t v)
{
    cfg_write32(f->devfn, reg, v);
}

/* Sizes BAR @i (the function's decoding is off); returns the BARs used. */
static int pci_size_bar(PciFunc *f, int i)
{
    uint8_t reg = PCI_BASE_ADDRESS_0 + 4 * i;
    uint32_t orig = cfg_read32(f->devfn, reg);
    uint32_t lo, hi = ~0u;
    PciBar *b = &f->bar[i];

    cfg_write32(f->devfn, reg, ~0u);
    lo = cfg_read32(f->devfn, reg);
    cfg_write32(f->devfn, reg, orig);
    if (!lo || lo == ~0u) {
        return 1;
    }
    if (lo & 1) {
        b->kind = PCI_BAR_IO;
        b->size = (uint32_t)(~(lo & ~3u) + 1) & 0xffff;
        return 1;
    }
    b->prefetch = !!(lo & 8);
    if ((lo & 6) == 4 && i < 5) {
        uint32_t orig_hi = cfg_read32(f->devfn, reg + 4);

        cfg_write32(f->devfn, reg + 4, ~0u);
        hi = cfg_read32(f->devfn, reg + 4);
        cfg_write32(f->devfn, reg + 4, orig_hi);
        b->kind = PCI_BAR_MEM64;
    } else {
        b->kind = PCI_BAR_MEM32;
    }
    b->size = ~((uint64_t)hi << 32 | (lo & ~0xfu)) + 1;
    if (b->kind == PCI_BAR_MEM32) {
        b->size &= 0xffffffff;
    }
    return b->kind == PCI_BAR_MEM64 ? 2 : 1;
}

static void pci_add_func(uint8_t devfn, uint32_t id)
{
    PciFunc *f = &funcs[n_funcs++];
    uint16_t cmd;

    f->devfn = devfn;
    f->vendor = id & 0xffff;
    f->device = id >> 16;
    f->class_rev = cfg_read32(devfn, PCI_CLASS_REVISION);
    f->name[0] = '0';
    f->name[1] = '0';
    f->name[2] = ':';
    f->name[3] = "0123456789abcdef"[devfn >> 7];
    f->name[4] = "0123456789abcdef"[(devfn >> 3) & 15];
    f->name[5] = '.';
    f->name[6] = '0' + (devfn & 7);
    log_printf("pci %s: [%04x:%04x] class 0x%06x rev 0x%02x\n", f->name,
               f->vendor, f->device, f->class_rev >> 8, f->class_rev & 0xff);
    if ((cfg_read32(devfn, PCI_HEADER_TYPE & 0xfc) >> 16 & 0x7f) != 0) {
        return;                 /* bridges: none on qmem's machines */
    }
    /* As a firmware: decoding off while the BARs are sized. */
    cmd = pci_cfg_read16(f, PCI_COMMAND);
    pci_cfg_write16(f, PCI_COMMAND,
                    cmd & ~(PCI_COMMAND_IO | PCI_COMMAND_MEMORY));
    for (int i = 0; i < 6; ) {
        i += pci_size_bar(f, i);
    }
}

static void pci_scan(void)
{
    for (unsigned slot = 0; slot < 32; slot++) {
        for (unsigned fn = 0; fn < 8; fn++) {
            uint8_t devfn = slot << 3 | fn;
            uint32_t id = cfg_read32(devfn, PCI_VENDOR_ID);

            if ((id & 0xffff) == 0xffff || (id & 0xffff) == 0) {
                if (!fn) {
                    break;
                }
                continue;
            }
            if (n_funcs < PCI_MAX_FUNCS) {
                pci_add_func(devfn, id);
            }
            if (!fn && !(cfg_read32(devfn, PCI_HEADER_TYPE & 0xfc) >> 16
                         & 0x80)) {
                break;          /* single function */
            }
        }
    }
}

typedef struct {
    uint64_t next, end;
} Window;

/* The next free place for @size bytes in @w, clear of the e820 map. */
static uint64_t window_take(Window *w, uint64_t size, int check_e820)
{
    uint64_t align = size < 16 ? 16 : size;
    uint64_t a = ALIGN_UP(w->next, align);

    while (check_e820 && a < w->end && e820_overlaps(a, size)) {
        a = ALIGN_UP(a + align, align);
    }
    if (a < w->next || a > w->end || size > w->end - a) {
        return 0;
    }
    w->next = a + size;
    return a;
}

/*
 * SeaBIOS's 32-bit window: on i440fx from 2 or 3 GiB or 3.5 GiB depending
 * on RAM below 4 GiB, on q35 above the MMCONFIG window (0xb0000000,
 * 256 MiB); up to the IOAPIC.
 */
static uint64_t pci_mem32_start(void)
{
    uint32_t host = funcs && n_funcs && !funcs[0].devfn
                    ? (uint32_t)funcs[0].device << 16 | funcs[0].vendor : 0;
    uint64_t low = platform.low_ram_end;

    if (host == Q35_MCH_ID && low <= 0xb0000000ULL) {
        return 0xc0000000ULL;
    }
    if (low <= 0x80000000ULL) {
        return 0x80000000ULL;
    }
    if (low <= 0xc0000000ULL) {
        return 0xc0000000ULL;
    }
    return ALIGN_UP(low, 256 * MiB) > 0xe0000000ULL
           ? ALIGN_UP(low, 256 * MiB) : 0xe0000000ULL;
}

/*
 * QEMU's 64-bit hole (pc_pci_hole64_start()): after the device memory
 * region, which etc/reserved-memory-end gives, else after RAM above
 * 4 GiB; 1 GiB aligned.
 */
static uint64_t pci_mem64_start(void)
{
    uint64_t start = platform.reserved_memory_end;

    if (!start) {
        start = platform.high_ram_end > 4 * GiB ? platform.high_ram_end
                                                : 4 * GiB;
    }
    return ALIGN_UP(start, GiB);
}

static void pci_place(PciFunc *f, int i, Window *w32, Window *w64,
                      Window *io)
{
    PciBar *b = &f->bar[i];
    uint8_t reg = PCI_BASE_ADDRESS_0 + 4 * i;
    uint64_t a = 0;

    if (b->kind == PCI_BAR_IO) {
        a = window_take(io, b->size, 0);
    } else {
        if (b->kind == PCI_BAR_MEM64) {
            Window saved = *w64;

            a = window_take(w64, b->size, 1);
            if (a && !guest_map(a, b->size)) {
                *w64 = saved;
                a = 0;
            }
        }
        if (!a) {
            a = window_take(w32, b->size, 1);
        }
    }
    if (!a) {
        log_printf("pci %s: BAR%d: no room for 0x%lx bytes\n", f->name, i,
                   b->size);
        return;
    }
    b->addr = a;
    pci_cfg_write32(f, reg, (uint32_t)a);
    if (b->kind == PCI_BAR_MEM64) {
        pci_cfg_write32(f, reg + 4, a >> 32);
    }
    log_printf("pci %s: BAR%d [%s 0x%lx-0x%lx%s%s]\n", f->name, i,
               b->kind == PCI_BAR_IO ? "io" : "mem", a, a + b->size - 1,
               b->kind == PCI_BAR_MEM64 ? " 64bit" : "",
               b->prefetch ? " pref" : "");
}

/*
 * Places every BAR, largest first (natural alignment packs best that
 * way), then turns on each function's decoding for the kinds it has.
 * Bus mastering is left to the device's driver, as in Linux.
 */
static void pci_assign(void)
{
    Window w32 = { pci_mem32_start(), PCI_MEM32_END };
    Window w64 = { pci_mem64_start(), pci_mem64_start() + PCI_MEM64_SIZE };
    Window io = { PCI_IO_START, PCI_IO_END };

    for (;;) {
        PciFunc *best = NULL;
        int best_i = 0;

        for (unsigned n = 0; n < n_funcs; n++) {
            for (int i = 0; i < 6; i++) {
                PciBar *b = &funcs[n].bar[i];

                if (b->kind && !b->addr && b->size &&
                    (!best || b->size > best->bar[best_i].size)) {
                    best = &funcs[n];
                    best_i = i;
                }
            }
        }
        if (!best) {
            break;
        }
        pci_place(best, best_i, &w32, &w64, &io);
        if (!best->bar[best_i].addr) {
            best->bar[best_i].size = 0;     /* not placed: skip it */
        }
    }
    for (unsigned n = 0; n < n_funcs; n++) {
        PciFunc *f = &funcs[n];
        uint16_t cmd = pci_cfg_read16(f, PCI_COMMAND);

        for (int i = 0; i < 6; i++) {
            if (f->bar[i].addr) {
                cmd |= f->bar[i].kind == PCI_BAR_IO ? PCI_COMMAND_IO
                                                    : PCI_COMMAND_MEMORY;
            }
        }
        pci_cfg_write16(f, PCI_COMMAND, cmd);
    }
}

static void pci_init(void)
{
    funcs = scratch_alloc(PCI_MAX_FUNCS * sizeof(PciFunc));
    if (!funcs) {
        return;
    }
    pci_scan();
    if (n_funcs) {
        pci_assign();
    }
}

const Driver pci_driver = {
    .name = "pci",
    .init = pci_init,
};
