/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The payload's device accessors: port I/O and MMIO, one instruction each. */

#ifndef QMEM_KVM_PAYLOAD_IO_H
#define QMEM_KVM_PAYLOAD_IO_H

#include <stddef.h>
#include <stdint.h>

/*
 * Each accessor is one instruction the hypervisor can emulate: IN/OUT (or
 * REP INS/OUTS) for ports, a plain MOV for MMIO, so that a driver never
 * makes the compiler pick an instruction KVM's emulator cannot decode on
 * an MMIO exit.  Every one is a compiler barrier ("memory"): accesses
 * happen in program order, around the driver's own memory accesses too.
 *
 * Ports are allowed in ring 3 (IOPL 3 and the TSS I/O bitmap).  MMIO
 * addresses are guest-physical: memory below the private window is
 * identity-mapped, so a BAR's address is its pointer.
 */

static inline uint8_t inb(uint16_t port)
{
    uint8_t v;

    __asm__ volatile("inb %w1, %b0" : "=a"(v) : "Nd"(port) : "memory");
    return v;
}

static inline uint16_t inw(uint16_t port)
{
    uint16_t v;

    __asm__ volatile("inw %w1, %w0" : "=a"(v) : "Nd"(port) : "memory");
    return v;
}

static inline uint32_t inl(uint16_t port)
{
    uint32_t v;

    __asm__ volatile("inl %w1, %k0" : "=a"(v) : "Nd"(port) : "memory");
    return v;
}

static inline void outb(uint16_t port, uint8_t v)
{
    __asm__ volatile("outb %b0, %w1" : : "a"(v), "Nd"(port) : "memory");
}

static inline void outw(uint16_t port, uint16_t v)
{
    __asm__ volatile("outw %w0, %w1" : : "a"(v), "Nd"(port) : "memory");
}

static inline void outl(uint16_t port, uint32_t v)
{
    __asm__ volatile("outl %k0, %w1" : : "a"(v), "Nd"(port) : "memory");
}

/* String forms: @count items of one size at one port (one exit each). */
static inline void insb(uint16_t port, void *buf, size_t count)
{
    __asm__ volatile("rep insb" : "+D"(buf), "+c"(count) : "d"(port)
                     : "memory");
}

static inline void insw(uint16_t port, void *buf, size_t count)
{
    __asm__ volatile("rep insw" : "+D"(buf), "+c"(count) : "d"(port)
                     : "memory");
}

static inline void insl(uint16_t port, void *buf, size_t count)
{
    __asm__ volatile("rep insl" : "+D"(buf), "+c"(count) : "d"(port)
                     : "memory");
}

static inline void outsb(uint16_t port, const void *buf, size_t count)
{
    __asm__ volatile("rep outsb" : "+S"(buf), "+c"(count) : "d"(port)
                     : "memory");
}

static inline void outsw(uint16_t port, const void *buf, size_t count)
{
    __asm__ volatile("rep outsw" : "+S"(buf), "+c"(count) : "d"(port)
                     : "memory");
}

static inline void outsl(uint16_t port, const void *buf, size_t count)
{
    __asm__ volatile("rep outsl" : "+S"(buf), "+c"(count) : "d"(port)
                     : "memory");
}

static inline uint8_t mmio_read8(uint64_t addr)
{
    uint8_t v;

    __asm__ volatile("movb %1, %0" : "=q"(v)
                     : "m"(*(volatile uint8_t *)addr) : "memory");
    return v;
}

static inline uint16_t mmio_read16(uint64_t addr)
{
    uint16_t v;

    __asm__ volatile("movw %1, %0" : "=r"(v)
                     : "m"(*(volatile uint16_t *)addr) : "memory");
    return v;
}

static inline uint32_t mmio_read32(uint64_t addr)
{
    uint32_t v;

    __asm__ volatile("movl %1, %0" : "=r"(v)
                     : "m"(*(volatile uint32_t *)addr) : "memory");
    return v;
}

static inline uint64_t mmio_read64(uint64_t addr)
{
    uint64_t v;

    __asm__ volatile("movq %1, %0" : "=r"(v)
                     : "m"(*(volatile uint64_t *)addr) : "memory");
    return v;
}

static inline void mmio_write8(uint64_t addr, uint8_t v)
{
    __asm__ volatile("movb %1, %0" : "=m"(*(volatile uint8_t *)addr)
                     : "q"(v) : "memory");
}

static inline void mmio_write16(uint64_t addr, uint16_t v)
{
    __asm__ volatile("movw %1, %0" : "=m"(*(volatile uint16_t *)addr)
                     : "r"(v) : "memory");
}

static inline void mmio_write32(uint64_t addr, uint32_t v)
{
    __asm__ volatile("movl %1, %0" : "=m"(*(volatile uint32_t *)addr)
                     : "r"(v) : "memory");
}

static inline void mmio_write64(uint64_t addr, uint64_t v)
{
    __asm__ volatile("movq %1, %0" : "=m"(*(volatile uint64_t *)addr)
                     : "r"(v) : "memory");
}

#endif
