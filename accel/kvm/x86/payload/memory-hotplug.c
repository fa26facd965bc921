/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ACPI memory hotplug: DIMMs onlined and ejected, as acpi_memhotplug does. */

#include "payload.h"

/*
 * The machine's DSDT describes the block (docs/acpi.md): \_SB.MHPC's MDNR
 * slots, the OperationRegion HPMR in system I/O.  An OS reaches it only
 * through the AML methods; the payload has no AML interpreter, so it
 * makes the port accesses those methods make, in their order:
 *
 * - \_GPE._E03 on GPE0 status bit 3, i.e. MSCN: for every slot, select it
 *   (MSEL), and if it is inserting (MINS) notify "device check" and clear
 *   MINS (write 1 to it); else if it is removing (MRMV) notify "eject
 *   request" and clear MRMV;
 * - on "device check" Linux's acpi_memory_device_add() reads _STA (MRST:
 *   MES), _CRS (MCRS: MRBL/MRBH/MRLL/MRLH) and _PXM (MPXM: MPX), adds
 *   and onlines the memory and reports _OST (MOST: MSEL, MOEV = 1,
 *   MOSC = 0 success);
 * - on "eject request" Linux offlines and removes the memory, runs _EJ0
 *   (MEJ0: MSEL, MEJ = 1), then _OST (MOEV = 3, MOSC = 0).
 *
 * MINS, MRMV and MEJ are bits of one byte in a WriteAsZeros field, so
 * each write is that bit alone.  There are no interrupts: the poll reads
 * GPE0's first status byte (one port access per turn) and scans when bit
 * 3 is set, after clearing it as the GPE handling does.  At init every
 * slot is scanned, as Linux enumerates the memory devices at boot: an
 * enabled slot (a cold-plugged DIMM) is onlined then.
 */

#define MHP_ADDR_LO         0x00        /* read; write: the selector */
#define MHP_ADDR_HI         0x04        /* read; write: _OST event */
#define MHP_SIZE_LO         0x08        /* read; write: _OST status */
#define MHP_SIZE_HI         0x0c
#define MHP_PXM             0x10
#define MHP_STATUS          0x14

#define MHP_ENABLED         0x01        /* MES */
#define MHP_INSERTING       0x02        /* MINS */
#define MHP_REMOVING        0x04        /* MRMV */
#define MHP_EJECT           0x08        /* MEJ */

#define ACPI_NOTIFY_DEVICE_CHECK    1
#define ACPI_NOTIFY_EJECT_REQUEST   3
#define ACPI_OST_SC_SUCCESS         0

#define GPE_MEMORY_HOTPLUG  0x08        /* GPE0 bit 3 */
#define MHP_MAX_SLOTS       256         /* QEMU's ACPI_MAX_RAM_SLOTS */

typedef struct {
    uint64_t addr, size;                /* 0: no DIMM onlined there */
    uint32_t pxm;
} MhpSlot;

static uint16_t mhp_base;
static uint32_t mhp_slots;
static MhpSlot *slots;

static void mhp_select(uint32_t slot)
{
    outl(mhp_base + MHP_ADDR_LO, slot);
}

/* _OST (MOST): the event and status of @slot, for the VMM's records. */
static void mhp_ost(uint32_t slot, uint32_t event, uint32_t status)
{
    mhp_select(slot);
    outl(mhp_base + MHP_ADDR_HI, event);
    outl(mhp_base + MHP_SIZE_LO, status);
}

/* "Device check": read the DIMM's _STA/_CRS/_PXM, map it, online it. */
static void mhp_online(uint32_t slot)
{
    MhpSlot *s = &slots[slot];
    uint64_t addr, size;

    mhp_select(slot);
    if (!(inb(mhp_base + MHP_STATUS) & MHP_ENABLED)) {
        return;                         /* _STA 0: nothing there */
    }
    addr = inl(mhp_base + MHP_ADDR_LO) |
           (uint64_t)inl(mhp_base + MHP_ADDR_HI) << 32;
    size = inl(mhp_base + MHP_SIZE_LO) |
           (uint64_t)inl(mhp_base + MHP_SIZE_HI) << 32;
    s->pxm = inl(mhp_base + MHP_PXM);
    if (!size || addr + size < addr || !guest_map(addr, size)) {
        log_printf("acpi: memory slot %u: cannot use [mem 0x%lx+0x%lx]\n",
                   slot, addr, size);
        return;
    }
    s->addr = addr;
    s->size = size;
    log_printf("acpi: memory slot %u: [mem 0x%lx-0x%lx] node %u onlined\n",
               slot, addr, addr + size - 1, s->pxm);
}

/* "Eject request": offline the DIMM, then _EJ0 and _OST. */
static void mhp_eject(uint32_t slot)
{
    MhpSlot *s = &slots[slot];

    if (s->size) {
        log_printf("acpi: memory slot %u: [mem 0x%lx-0x%lx] offlined, "
                   "ejecting\n", slot, s->addr, s->addr + s->size - 1);
    } else {
        log_printf("acpi: memory slot %u: ejecting\n", slot);
    }
    s->addr = s->size = 0;
    mhp_select(slot);
    outb(mhp_base + MHP_STATUS, MHP_EJECT);
    mhp_ost(slot, ACPI_NOTIFY_EJECT_REQUEST, ACPI_OST_SC_SUCCESS);
}

/*
 * MSCN, and the notifications it queued handled after it, as the OS
 * does them once the method has returned.
 */
static void mhp_scan(void)
{
    for (uint32_t i = 0; i < mhp_slots; i++) {
        uint8_t st;

        mhp_select(i);
        st = inb(mhp_base + MHP_STATUS);
        if (st & MHP_INSERTING) {
            outb(mhp_base + MHP_STATUS, MHP_INSERTING);
            mhp_online(i);
            if (slots[i].size) {
                mhp_ost(i, ACPI_NOTIFY_DEVICE_CHECK, ACPI_OST_SC_SUCCESS);
            }
        } else if (st & MHP_REMOVING) {
            outb(mhp_base + MHP_STATUS, MHP_REMOVING);
            mhp_eject(i);
        }
    }
}

/* Boot: the DIMMs already there (enabled, not inserting). */
static void mhp_enumerate(void)
{
    for (uint32_t i = 0; i < mhp_slots; i++) {
        mhp_select(i);
        if ((inb(mhp_base + MHP_STATUS) &
             (MHP_ENABLED | MHP_INSERTING)) == MHP_ENABLED) {
            mhp_online(i);
        }
    }
    mhp_scan();
}

static void mhp_init(void)
{
    uint64_t n, addr, len;
    uint8_t space;

    if (!acpi_dsdt_name_int("MDNR", &n) || !n ||
        !acpi_dsdt_opregion("HPMR", &space, &addr, &len)) {
        return;
    }
    if (space != 1 || addr > 0xffff - MHP_STATUS || len <= MHP_STATUS) {
        log_printf("acpi: memory hotplug: unusable register block\n");
        return;
    }
    slots = scratch_alloc(MHP_MAX_SLOTS * sizeof(*slots));
    if (!slots) {
        return;
    }
    mhp_base = addr;
    mhp_slots = n < MHP_MAX_SLOTS ? n : MHP_MAX_SLOTS;
    log_printf("acpi: memory hotplug: %u slots, registers at 0x%x\n",
               mhp_slots, mhp_base);
    if (acpi.gpe0) {
        /* Enable GPE 3, as the OS does for a GPE with an _E03 method. */
        uint16_t en = acpi.gpe0 + acpi.gpe0_len / 2;

        outb(en, inb(en) | GPE_MEMORY_HOTPLUG);
        outb(acpi.gpe0, GPE_MEMORY_HOTPLUG);
    }
    mhp_enumerate();
}

static void mhp_poll(void)
{
    if (!mhp_slots) {
        return;
    }
    if (acpi.gpe0) {
        if (!(inb(acpi.gpe0) & GPE_MEMORY_HOTPLUG)) {
            return;
        }
        outb(acpi.gpe0, GPE_MEMORY_HOTPLUG);    /* write 1 to clear */
    }
    mhp_scan();
}

const Driver memory_hotplug_driver = {
    .name = "memory-hotplug",
    .init = mhp_init,
    .poll = mhp_poll,
};
