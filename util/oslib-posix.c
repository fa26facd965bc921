/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What qmem asks of the host OS about memory (QEMU's oslib-posix.c). */

#include <errno.h>
#include <sys/vfs.h>
#include <unistd.h>
#include <linux/magic.h>

#include "util/osdep.h"

gsize qmem_host_page_size(void)
{
    static gsize size;

    if (!size) {
        size = sysconf(_SC_PAGESIZE);
    }
    return size;
}

gsize qmem_fd_getpagesize(int fd)
{
    if (fd >= 0) {
        struct statfs fs;
        int ret;

        do {
            ret = fstatfs(fd, &fs);
        } while (ret != 0 && errno == EINTR);

        if (ret == 0 && fs.f_type == HUGETLBFS_MAGIC) {
            return fs.f_bsize;
        }
    }
    return qmem_host_page_size();
}
