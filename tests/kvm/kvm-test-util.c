/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What the in-process KVM tests share (kvm-test-util.h). */

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kvm-test-util.h"

#include "accel/kvm/kvm.h"
#include "hw/core/machine-init.h"
#include "util/main-loop.h"

#define WAIT_US (30 * G_USEC_PER_SEC)

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

gboolean kvm_test_usable(void)
{
    int fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);

    if (fd < 0) {
        return FALSE;
    }
    close(fd);
    return TRUE;
}

void kvm_test_start_guest(QmemMachine *machine, QmemAccel *accel)
{
    g_autoptr(GError) error = NULL;

    g_assert_true(qmem_machine_init_accel(machine, accel, &error));
    g_assert_no_error(error);
    qmem_accel_start(accel);
}

char *kvm_test_guest_log(QmemAccel *accel)
{
    char *log = NULL;

    g_object_get(accel, QMEM_KVM_ACCEL_PROP_GUEST_LOG, &log, NULL);
    return log;
}

void kvm_test_wait_log(QmemAccel *accel, const char *line)
{
    gint64 deadline = g_get_monotonic_time() + WAIT_US;

    for (;;) {
        g_autofree char *log = kvm_test_guest_log(accel);

        if (strstr(log, line)) {
            return;
        }
        if (g_get_monotonic_time() > deadline) {
            g_printerr("%s", log);
            g_assert_not_reached();
        }
        qmem_bql_unlock();
        g_usleep(1000);
        qmem_bql_lock();
    }
}
