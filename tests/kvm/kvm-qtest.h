/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What the KVM tests that drive qmem-run (libqtest) share. */

#ifndef QMEM_TESTS_KVM_KVM_QTEST_H
#define QMEM_TESTS_KVM_KVM_QTEST_H

#include "../qtest/libqtest.h"

/**
 * kvm_qtest_usable:
 *
 * Returns: whether /dev/kvm can be opened; if not, the current test is
 * marked skipped ("/dev/kvm is not usable here").
 */
gboolean kvm_qtest_usable(void);

/**
 * kvm_qtest_memslots_used:
 *
 * Returns: x-query-memslots' "used": the accelerator's memslots in use.
 */
gint64 kvm_qtest_memslots_used(QTestState *s);

/**
 * kvm_qtest_memtest:
 * @mode: "write-verify", "verify" or "verify-zero"
 *
 * Runs x-guest-memtest over [@addr, @addr + @size) with one fixed seed,
 * so that a "verify" finds what an earlier "write-verify" wrote.
 *
 * Returns: (transfer full): its result object.
 */
JsonObject *kvm_qtest_memtest(QTestState *s, guint64 addr, guint64 size,
                              const char *mode);

#endif
