/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The payload's parts and what they share: mailbox, log, drivers. */

#ifndef QMEM_KVM_PAYLOAD_PAYLOAD_H
#define QMEM_KVM_PAYLOAD_PAYLOAD_H

#include <stddef.h>
#include <stdint.h>
#include "../guest-abi.h"
#include "io.h"

/*
 * Everything is in the one image: declarations are hidden too, so that
 * clang reaches extern data (the drivers, platform) RIP-relative, not
 * through a GOT entry the static link would turn into an absolute
 * 32-bit address, which the image's address does not fit.
 */
#pragma GCC visibility push(hidden)

/*
 * The payload is freestanding C: no libc, no floating point or vector
 * registers (-mgeneral-regs-only; CR4.OSFXSR is clear, so SSE would #UD),
 * no stack protector.  It runs in ring 3 with interrupts off and no IDT:
 * any exception is a triple fault, which the VMM reports and answers by
 * restarting the payload from its entry point.
 */

typedef volatile struct qmem_kvm_x86_mailbox Mailbox;

/* The mailbox, in the private area. */
#define MAILBOX ((Mailbox *)(QMEM_KVM_X86_PRIV_VA + QMEM_KVM_X86_MAILBOX))
#define WORKER_MAILBOX \
    ((Mailbox *)(QMEM_KVM_X86_PRIV_VA + QMEM_KVM_X86_MAILBOX_WORKER))

/* main.c: gives the vCPU back to the VMM until there is work. */
void guest_idle(void);

/*
 * main.c: makes guest-physical [addr, addr + size) addressable (the
 * identity map grows on demand; the first 4 GiB are there from the
 * start).  Call it before touching memory above 4 GiB, such as a 64-bit
 * BAR.  Returns: 1, or 0 when the range is beyond what the guest can
 * address.
 */
int guest_map(uint64_t addr, uint64_t size);

/* memtest.c: the memory test requests. */
void memtest_run(Mailbox *mb);

/* access.c: the port I/O and MMIO requests. */
void access_run(Mailbox *mb);

/*
 * log.c: the log channel (QMEM_KVM_X86_PORT_LOG).  The VMM collects the
 * bytes into lines: end each message with '\n'.
 */
void log_write(const char *s, size_t len);
void log_str(const char *s);
void log_hex(uint64_t v);       /* "0x" and 16 hex digits */
void log_dec(uint64_t v);

/*
 * log.c: a formatted line, one exit: %s, %c, %d, %u, %x with an optional
 * zero-padded width (%02x), and the l/ll forms for 64-bit values (%lx,
 * %llu); nothing else.  Lines longer than 255 bytes are cut.
 */
void log_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * drivers.c: every driver's init at start, its poll between requests.  A
 * driver is a Driver in a file of its own, listed in drivers.c.
 */
typedef struct {
    const char *name;
    void (*init)(void);
    void (*poll)(void);
} Driver;

extern const Driver fw_cfg_driver;
extern const Driver acpi_driver;
extern const Driver pci_driver;
extern const Driver virtio_mem_driver;
extern const Driver virtio_pmem_driver;
extern const Driver memory_hotplug_driver;
extern const Driver nvdimm_driver;

void drivers_init(void);
void drivers_poll(void);

/* A full memory barrier (Linux's x86 smp_mb()), for rings shared with
 * devices; the accessors of io.h are compiler barriers only. */
static inline void mb_full(void)
{
    __asm__ volatile("lock; addl $0, (%%rsp)" : : : "memory", "cc");
}

/* ---- platform.c: what the drivers share ------------------------------ */

#define KiB                 ((uint64_t)1 << 10)
#define MiB                 ((uint64_t)1 << 20)
#define GiB                 ((uint64_t)1 << 30)
#define ALIGN_UP(x, a)      (((x) + (a) - 1) & ~((uint64_t)(a) - 1))
#define ALIGN_DOWN(x, a)    ((x) & ~((uint64_t)(a) - 1))
#define ARRAY_SIZE(a)       (sizeof(a) / sizeof((a)[0]))

#define E820_RAM            1
#define E820_MAX            32

typedef struct {
    uint64_t addr;
    uint64_t len;
    uint32_t type;
} E820Entry;

/*
 * What fw_cfg told the guest (fw-cfg.c fills it at init): the machine's
 * memory map, and the ACPI tables, read into scratch memory and used in
 * place (the guest runs no table loader, so the tables' pointers are
 * still offsets into etc/acpi/tables; acpi.c resolves them so).
 */
typedef struct {
    int has_fw_cfg;
    uint64_t ram_size;                  /* FW_CFG_RAM_SIZE */
    uint32_t n_e820;
    E820Entry e820[E820_MAX];
    uint64_t low_ram_end;               /* end of RAM below 4 GiB */
    uint64_t high_ram_end;              /* end of RAM above 4 GiB, or 0 */
    uint64_t reserved_memory_end;       /* etc/reserved-memory-end, or 0 */
    const uint8_t *acpi_tables;         /* etc/acpi/tables, or NULL */
    uint32_t acpi_tables_size;
    uint8_t acpi_rsdp[36];              /* etc/acpi/rsdp */
    uint32_t acpi_rsdp_size;
} Platform;

extern Platform platform;

/*
 * Scratch memory: the private area's QMEM_KVM_X86_SCRATCH_SIZE bytes,
 * handed out from the bottom, zeroed, 16-byte aligned, for the payload's
 * own tables and buffers.  Devices cannot reach it (it is no machine
 * RAM).  Starts over when the payload (re)starts.  NULL when full.
 */
void *scratch_alloc(uint64_t size);

/*
 * Driver memory: guest RAM that devices can reach (rings, request and
 * response buffers), carved from the top of RAM below 4 GiB the first
 * time a driver asks, QMEM_GUEST_DMA_SIZE bytes, zeroed.  As a firmware
 * reserves memory for itself, the payload keeps it from then on: memory
 * tests must stay away from it (its place is logged).  Returns the
 * guest-physical (and, identity-mapped, virtual) address, or 0 when
 * there is no such RAM or it is full.
 */
#define QMEM_GUEST_DMA_SIZE (64 * KiB)
uint64_t dma_alloc(uint64_t size, uint64_t align);

/* Whether [addr, addr + size) overlaps an e820 entry of any type. */
int e820_overlaps(uint64_t addr, uint64_t size);

/* ---- fw-cfg.c --------------------------------------------------------- */

/* The size and selector of fw_cfg file @name; 0 when there is none. */
int fw_cfg_find_file(const char *name, uint16_t *select, uint32_t *size);
/* Reads @len bytes of item @key from its start (port I/O). */
void fw_cfg_read_item(uint16_t key, void *buf, uint32_t len);

/* ---- acpi.c: the tables as an OS reads them --------------------------- */

/*
 * The table with @sig (e.g. "FACP") through the RSDT (or XSDT), the DSDT
 * through the FADT; NULL if none.
 */
const uint8_t *acpi_find_table(const char *sig, uint32_t *len);
/* The integer of the DSDT's first Name (@name, Integer). */
int acpi_dsdt_name_int(const char *name, uint64_t *v);
/* The space, offset and length of the DSDT's OperationRegion @name. */
int acpi_dsdt_opregion(const char *name, uint8_t *space, uint64_t *addr,
                       uint64_t *len);

/* What the FADT says (acpi.c's init); zero where it says nothing. */
typedef struct {
    uint16_t sci;
    uint32_t pm1a_cnt;
    uint32_t gpe0;                      /* port; 0: no GPE0 block */
    uint8_t gpe0_len;                   /* status bytes, then enables */
} AcpiInfo;

extern AcpiInfo acpi;

/* ---- pci.c ------------------------------------------------------------ */

#define PCI_BAR_IO          1
#define PCI_BAR_MEM32       2
#define PCI_BAR_MEM64       3

typedef struct {
    uint64_t addr;                      /* as assigned; 0: none */
    uint64_t size;
    uint8_t kind;                       /* PCI_BAR_*, 0: not there */
    uint8_t prefetch;
} PciBar;

typedef struct {
    char name[8];                       /* "00:04.0" */
    uint8_t devfn;
    uint16_t vendor, device;
    uint32_t class_rev;                 /* class << 8 | revision */
    PciBar bar[6];
} PciFunc;

/* The functions on bus 0 that init found; NULL past the last. */
PciFunc *pci_func(unsigned idx);
uint8_t pci_cfg_read8(const PciFunc *f, uint8_t reg);
uint16_t pci_cfg_read16(const PciFunc *f, uint8_t reg);
uint32_t pci_cfg_read32(const PciFunc *f, uint8_t reg);
void pci_cfg_write8(const PciFunc *f, uint8_t reg, uint8_t v);
void pci_cfg_write16(const PciFunc *f, uint8_t reg, uint16_t v);
void pci_cfg_write32(const PciFunc *f, uint8_t reg, uint32_t v);

/* lib.c: what the compiler may call even in freestanding code. */
void *memset(void *s, int c, size_t n);
void *memcpy(void *dst, const void *src, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);

#pragma GCC visibility pop

#endif
