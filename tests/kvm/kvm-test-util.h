/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What the in-process KVM tests (test-kvm, test-kvm-run) share. */

#ifndef QMEM_TESTS_KVM_KVM_TEST_UTIL_H
#define QMEM_TESTS_KVM_KVM_TEST_UTIL_H

#include <glib.h>

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

#endif
