/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What the in-process KVM tests (test-kvm, test-kvm-run) share. */

#include <stdlib.h>
#include <string.h>

#include "kvm-test-util.h"

guint kvm_test_count_dir(const char *path)
{
    g_autoptr(GDir) dir = g_dir_open(path, 0, NULL);
    guint n = 0;

    g_assert_nonnull(dir);
    while (g_dir_read_name(dir)) {
        n++;
    }
    return n;
}

int kvm_test_fd_of(const char *name)
{
    g_autoptr(GDir) dir = g_dir_open("/proc/self/fd", 0, NULL);
    g_autofree char *target = g_strdup_printf("anon_inode:%s", name);
    const char *entry;
    int fd = -1;

    g_assert_nonnull(dir);
    while ((entry = g_dir_read_name(dir))) {
        g_autofree char *path = g_build_filename("/proc/self/fd", entry, NULL);
        g_autofree char *link = g_file_read_link(path, NULL);

        if (link && !strcmp(link, target)) {
            g_assert_cmpint(fd, ==, -1);
            fd = atoi(entry);
        }
    }
    return fd;
}
