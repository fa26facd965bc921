/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What the in-process KVM tests (test-kvm, test-kvm-run and the guest
 * driver tests test-kvm-virtio-mem, -nvdimm, -virtio-pmem) share.
 */

#ifndef QMEM_TESTS_KVM_KVM_TEST_UTIL_H
#define QMEM_TESTS_KVM_KVM_TEST_UTIL_H

#include <glib.h>

#include "hw/core/boards.h"
#include "system/accel.h"

/**
 * kvm_test_count_dir:
 * @path: a directory, e.g. "/proc/self/fd" or "/proc/self/task"
 *
 * Returns: how many entries it has: what a test compares before and
 * after to find leaked file descriptors or threads.
 */
guint kvm_test_count_dir(const char *path);

/**
 * kvm_test_fd_of:
 * @name: a KVM object as /proc/self/fd names it ("kvm-vm", "kvm-vcpu:0")
 *
 * Returns: this process's only file descriptor of @name, or -1.
 */
int kvm_test_fd_of(const char *name);

/**
 * kvm_test_usable:
 *
 * Returns: whether /dev/kvm opens here (a test that needs it skips
 * otherwise).
 */
gboolean kvm_test_usable(void);

/**
 * kvm_test_start_guest:
 * @machine: the machine, its devices added
 * @accel: its KVM accelerator
 *
 * Initializes @accel for @machine (failing the test on an error) and
 * starts its vCPUs: the guest payload runs.  The caller holds the BQL.
 */
void kvm_test_start_guest(QmemMachine *machine, QmemAccel *accel);

/**
 * kvm_test_guest_log:
 * @accel: the KVM accelerator running the guest payload
 *
 * Returns: (transfer full): the guest's log so far.
 */
char *kvm_test_guest_log(QmemAccel *accel);

/**
 * kvm_test_wait_log:
 * @accel: the KVM accelerator running the guest payload
 * @line: text the log is to contain
 *
 * Waits until the guest's log has @line, dropping the BQL (which the
 * caller holds) while it sleeps; after 30 seconds it prints the log and
 * fails the test.
 */
void kvm_test_wait_log(QmemAccel *accel, const char *line);

#endif
