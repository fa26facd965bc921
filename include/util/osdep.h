/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What qmem asks of the host OS about memory (QEMU's oslib-posix.c). */

#ifndef QMEM_UTIL_OSDEP_H
#define QMEM_UTIL_OSDEP_H

#include <glib.h>

G_BEGIN_DECLS

/**
 * qmem_host_page_size:
 * Returns: the host's base page size (QEMU's qemu_real_host_page_size()).
 */
gsize qmem_host_page_size(void);

/**
 * qmem_fd_getpagesize:
 * @fd: a file descriptor, or -1 for anonymous memory
 *
 * QEMU's qemu_fd_getpagesize(): the huge page size of a hugetlbfs file,
 * else the host page size.
 */
gsize qmem_fd_getpagesize(int fd);

G_END_DECLS

#endif
