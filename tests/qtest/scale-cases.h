/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Memory devices at scale through qmem-run, with any accelerator: the
 * qtest program runs them with -accel qtest, tests/kvm with -accel kvm.
 */

#ifndef QMEM_TESTS_QTEST_SCALE_CASES_H
#define QMEM_TESTS_QTEST_SCALE_CASES_H

#include <glib.h>

/*
 * 256 cold-plugged 128 MiB DIMMs (slots=256): one memslot each, packed
 * from 4 GiB in slot order; the 257th finds no slot; a virtio-mem device
 * added then gets one memslot, the soft limit of 256 being used up.
 */
void scale_case_dimms(const char *accel);

/*
 * 32 virtio-mem devices of 1 TiB with dynamic memslots filling 32 TiB of
 * device memory: 8 memslots each (256 shared), all reserved until blocks
 * are plugged, each plugged memslot one memslot more; no room left.
 */
void scale_case_vmem_32(const char *accel);

/*
 * One virtio-mem device as large as the accelerator's physical address
 * bits (@phys_bits) allow, bounded by what this host can map; and the
 * start-up error one byte of device memory beyond the limit gives.
 */
void scale_case_vmem_max(const char *accel, guint phys_bits);

/*
 * qtest only (its memslots= limit): 509 memslots, of which an 8 TiB
 * virtio-mem device reserves 255; DIMMs get the rest, then QEMU's error;
 * below 509 a device gets one memslot.
 */
void scale_case_memslot_limits(void);

#endif
