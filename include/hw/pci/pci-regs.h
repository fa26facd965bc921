/* SPDX-License-Identifier: GPL-2.0-or-later */
/* PCI configuration space: register offsets, bits and ids (pci_regs.h). */

#ifndef QMEM_HW_PCI_PCI_REGS_H
#define QMEM_HW_PCI_PCI_REGS_H

/* Type 0 header, as <linux/pci_regs.h> names it. */
#define QMEM_PCI_VENDOR_ID              0x00    /* 16 bits */
#define QMEM_PCI_DEVICE_ID              0x02    /* 16 bits */
#define QMEM_PCI_COMMAND                0x04    /* 16 bits */
#define  QMEM_PCI_COMMAND_IO            0x1     /* I/O space decode */
#define  QMEM_PCI_COMMAND_MEMORY        0x2     /* memory space decode */
#define  QMEM_PCI_COMMAND_MASTER        0x4     /* bus mastering (DMA) */
#define  QMEM_PCI_COMMAND_SERR          0x100   /* SERR# enable */
#define  QMEM_PCI_COMMAND_INTX_DISABLE  0x400   /* INTx emulation disable */
#define QMEM_PCI_STATUS                 0x06    /* 16 bits */
#define  QMEM_PCI_STATUS_INTERRUPT      0x08    /* INTx asserted */
#define  QMEM_PCI_STATUS_CAP_LIST       0x10    /* capability list */
#define  QMEM_PCI_STATUS_PARITY         0x100   /* master data parity */
#define  QMEM_PCI_STATUS_SIG_TARGET_ABORT 0x800
#define  QMEM_PCI_STATUS_REC_TARGET_ABORT 0x1000
#define  QMEM_PCI_STATUS_REC_MASTER_ABORT 0x2000
#define  QMEM_PCI_STATUS_SIG_SYSTEM_ERROR 0x4000
#define  QMEM_PCI_STATUS_DETECTED_PARITY 0x8000
#define QMEM_PCI_REVISION_ID            0x08
#define QMEM_PCI_CLASS_PROG             0x09
#define QMEM_PCI_CLASS_DEVICE           0x0a    /* 16 bits: class, subclass */
#define QMEM_PCI_CACHE_LINE_SIZE        0x0c
#define QMEM_PCI_LATENCY_TIMER          0x0d
#define QMEM_PCI_HEADER_TYPE            0x0e
#define  QMEM_PCI_HEADER_TYPE_NORMAL    0
#define  QMEM_PCI_HEADER_TYPE_BRIDGE    1
#define  QMEM_PCI_HEADER_TYPE_CARDBUS   2
#define  QMEM_PCI_HEADER_TYPE_MULTI_FUNCTION 0x80
#define QMEM_PCI_BASE_ADDRESS_0         0x10    /* 6 BARs of 32 bits */
#define  QMEM_PCI_BASE_ADDRESS_SPACE_IO 0x01
#define  QMEM_PCI_BASE_ADDRESS_SPACE_MEMORY 0x00
#define  QMEM_PCI_BASE_ADDRESS_MEM_TYPE_32 0x00
#define  QMEM_PCI_BASE_ADDRESS_MEM_TYPE_64 0x04
#define  QMEM_PCI_BASE_ADDRESS_MEM_PREFETCH 0x08
#define QMEM_PCI_SUBSYSTEM_VENDOR_ID    0x2c
#define QMEM_PCI_SUBSYSTEM_ID           0x2e
#define QMEM_PCI_ROM_ADDRESS            0x30
#define QMEM_PCI_CAPABILITY_LIST        0x34
#define QMEM_PCI_INTERRUPT_LINE         0x3c
#define QMEM_PCI_INTERRUPT_PIN          0x3d    /* 1 = INTA .. 4 = INTD */

/* A capability: its id, then the offset of the next one (0 ends it). */
#define QMEM_PCI_CAP_LIST_ID            0
#define QMEM_PCI_CAP_LIST_NEXT          1
#define QMEM_PCI_CAP_ID_PM              0x01
#define QMEM_PCI_CAP_ID_MSI             0x05
#define QMEM_PCI_CAP_ID_VNDR            0x09    /* vendor specific (virtio) */
#define QMEM_PCI_CAP_ID_EXP             0x10
#define QMEM_PCI_CAP_ID_MSIX            0x11

#define QMEM_PCI_CONFIG_HEADER_SIZE     0x40
#define QMEM_PCI_CONFIG_SPACE_SIZE      0x100
#define QMEM_PCI_NUM_REGIONS            6       /* BARs; no option ROM */
#define QMEM_PCI_NUM_PINS               4       /* INTA..INTD */
#define QMEM_PCI_SLOT_MAX               32
#define QMEM_PCI_FUNC_MAX               8

/* devfn: the slot (device) in bits 7..3, the function in 2..0. */
#define QMEM_PCI_DEVFN(slot, func)      ((((slot) & 0x1f) << 3) | ((func) & 7))
#define QMEM_PCI_SLOT(devfn)            (((devfn) >> 3) & 0x1f)
#define QMEM_PCI_FUNC(devfn)            ((devfn) & 7)

/* A BAR that is not mapped (QEMU's PCI_BAR_UNMAPPED). */
#define QMEM_PCI_BAR_UNMAPPED           0xffffffffffffffffULL

/* Ids (QEMU's pci_ids.h). */
#define QMEM_PCI_VENDOR_ID_INTEL        0x8086
#define QMEM_PCI_VENDOR_ID_REDHAT_QUMRANET 0x1af4
/* What a function without subsystem ids of its own shows (QEMU's). */
#define QMEM_PCI_SUBVENDOR_ID_REDHAT_QUMRANET 0x1af4
#define QMEM_PCI_SUBDEVICE_ID_QEMU      0x1100

#define QMEM_PCI_CLASS_BRIDGE_HOST      0x0600
#define QMEM_PCI_CLASS_BRIDGE_ISA       0x0601
#define QMEM_PCI_CLASS_OTHERS           0x00ff

#endif
