/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Tests for system/ram-block.c: discarding ranges of RAM blocks. */

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <glib/gstdio.h>

#include "system/ram-block.h"
#include "tests/unit/test-machine.h"
#include "util/error.h"
#include "util/osdep.h"

#define MiB (G_GUINT64_CONSTANT(1) << 20)
#define SIZE (4 * MiB)

typedef struct {
    QmemRamBlock *block;
    char *path; /* the file behind the block, if any */
} Fixture;

/* Every byte of the block written, so that a discard shows. */
static void fill(Fixture *f)
{
    memset(f->block->host, 0x5a, f->block->size);
}

static guint64 resident(Fixture *f)
{
    const gsize page = qmem_host_page_size();
    const gsize pages = f->block->size / page;
    g_autofree unsigned char *vec = g_malloc(pages);
    guint64 n = 0;

    g_assert_cmpint(mincore(f->block->host, f->block->size, vec), ==, 0);
    for (gsize i = 0; i < pages; i++) {
        n += vec[i] & 1;
    }
    return n * page;
}

static guint64 file_bytes(Fixture *f)
{
    struct stat st;

    g_assert_cmpint(stat(f->path, &st), ==, 0);
    return (guint64)st.st_blocks * 512;
}

static void setup(Fixture *f, gconstpointer data)
{
    capture_start();
}

static void teardown(Fixture *f, gconstpointer data)
{
    g_clear_pointer(&f->block, qmem_ram_block_free);
    if (f->path) {
        g_assert_cmpint(g_unlink(f->path), ==, 0);
        g_free(f->path);
    }
    g_free(capture_end());
}

static void new_anon(Fixture *f, guint flags)
{
    g_autoptr(GError) error = NULL;

    f->block = qmem_ram_block_new_anon("b", SIZE, flags, &error);
    g_assert_no_error(error);
}

/* A file of SIZE bytes, mapped through an fd opened with @open_flags. */
static void new_file(Fixture *f, int open_flags, guint flags)
{
    g_autoptr(GError) error = NULL;
    int fd = g_file_open_tmp("test-ram-block-XXXXXX", &f->path, &error);

    g_assert_no_error(error);
    g_assert_cmpint(ftruncate(fd, SIZE), ==, 0);
    close(fd);
    fd = open(f->path, open_flags);
    g_assert_cmpint(fd, >=, 0);
    f->block = qmem_ram_block_new_from_fd("b", SIZE, 0, fd, 0, flags, &error);
    g_assert_no_error(error);
}

/* Memory of the host page size is dropped from the mapping. */
static void test_anon(Fixture *f, gconstpointer data)
{
    const guint8 *host;

    new_anon(f, GPOINTER_TO_UINT(data));
    host = f->block->host;
    fill(f);
    g_assert_cmpint(qmem_ram_block_discard_range(f->block, MiB, 2 * MiB), ==,
                    0);
    g_assert_cmpuint(resident(f), ==, 2 * MiB);
    g_assert_cmpuint(host[MiB - 1], ==, 0x5a);
    g_assert_cmpuint(host[MiB], ==, 0);
    g_assert_cmpuint(host[3 * MiB - 1], ==, 0);
    g_assert_cmpuint(host[3 * MiB], ==, 0x5a);
    /* The whole block, and nothing at all. */
    g_assert_cmpint(qmem_ram_block_discard_range(f->block, 0, SIZE), ==, 0);
    g_assert_cmpint(qmem_ram_block_discard_range(f->block, SIZE, 0), ==, 0);
    g_assert_cmpstr(capture_get(), ==, "");
}

/* A shared file gets a hole: its blocks go back to the file system. */
static void test_file_shared(Fixture *f, gconstpointer data)
{
    new_file(f, O_RDWR, QMEM_RAM_SHARED);
    fill(f);
    g_assert_cmpuint(file_bytes(f), >=, SIZE);
    g_assert_cmpint(qmem_ram_block_discard_range(f->block, 0, 3 * MiB), ==, 0);
    g_assert_cmpuint(file_bytes(f), <=, MiB);
    g_assert_cmpuint(((guint8 *)f->block->host)[0], ==, 0);
    g_assert_cmpstr(capture_get(), ==, "");
}

/*
 * A private mapping of a file: the hole changes the file under it, with
 * a warning once per process (this is the only test that discards one).
 */
static void test_file_private(Fixture *f, gconstpointer data)
{
    static const char warning[] =
        "test-ram-block: warning: ram_block_discard_range: Discarding RAM "
        "in private file mappings is possibly dangerous, because it will "
        "modify the underlying file and will affect other users of the "
        "file\n";

    new_file(f, O_RDWR, 0);
    g_assert_cmpint(qmem_ram_block_discard_range(f->block, 0, MiB), ==, 0);
    g_assert_cmpstr(capture_get(), ==, warning);
    g_assert_cmpint(qmem_ram_block_discard_range(f->block, MiB, MiB), ==, 0);
    g_assert_cmpstr(capture_get(), ==, warning);
}

/* Refused ranges: -1 and QEMU's text, nothing discarded. */
static void test_refused(Fixture *f, gconstpointer data)
{
    const gsize page = qmem_host_page_size();
    const guint8 *host;
    g_autofree char *unaligned = NULL;
    g_autofree char *overrun = NULL;

    new_anon(f, 0);
    host = f->block->host;
    fill(f);

    unaligned = g_strdup_printf("test-ram-block: ram_block_discard_range: "
                                "Unaligned start address: %p\n",
                                host + 1);
    g_assert_cmpint(qmem_ram_block_discard_range(f->block, 1, page), ==, -1);
    g_assert_cmpstr(capture_get(), ==, unaligned);
    capture_clear();

    overrun = g_strdup_printf("test-ram-block: ram_block_discard_range: "
                              "Overrun block 'b' (%zu/400000/400000)\n",
                              page);
    g_assert_cmpint(qmem_ram_block_discard_range(f->block, page, SIZE), ==, -1);
    g_assert_cmpstr(capture_get(), ==, overrun);
    capture_clear();
    /* Beyond the end, even without a length. */
    g_assert_cmpint(qmem_ram_block_discard_range(f->block, SIZE + page, 0), ==,
                    -1);
    capture_clear();

    g_assert_cmpint(qmem_ram_block_discard_range(f->block, 0, 100), ==, -1);
    g_assert_cmpstr(capture_get(), ==,
                    "test-ram-block: "
                    "ram_block_discard_range: Unaligned length: 64\n");
    g_assert_cmpuint(resident(f), ==, SIZE);
    g_assert_cmpuint(host[0], ==, 0x5a);
}

static void test_readonly_fd(Fixture *f, gconstpointer data)
{
    new_file(f, O_RDONLY, QMEM_RAM_READONLY_FD);
    g_assert_cmpint(qmem_ram_block_discard_range(f->block, 0, MiB), ==, -1);
    g_assert_cmpstr(capture_get(), ==,
                    "test-ram-block: "
                    "ram_block_discard_range: Discarding RAM with readonly "
                    "files is not supported\n");
}

/* fallocate() itself fails: a file opened read-only, not flagged so. */
static void test_fallocate_fails(Fixture *f, gconstpointer data)
{
    new_file(f, O_RDONLY, QMEM_RAM_SHARED | QMEM_RAM_READONLY);
    g_assert_cmpint(qmem_ram_block_discard_range(f->block, MiB, MiB), ==,
                    -EBADF);
    g_assert_cmpstr(capture_get(), ==,
                    "test-ram-block: "
                    "ram_block_discard_range: Failed to fallocate "
                    "b:100000+0 +100000 (-9)\n");
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_set_prgname("test-ram-block");

#define ADD(path, data, fn)                                                 \
    g_test_add("/system/ram-block/discard/" path, Fixture, data, setup, fn, \
               teardown)

    ADD("anon", GUINT_TO_POINTER(0), test_anon);
    ADD("anon-shared", GUINT_TO_POINTER(QMEM_RAM_SHARED), test_anon);
    ADD("file-shared", NULL, test_file_shared);
    ADD("file-private", NULL, test_file_private);
    ADD("refused", NULL, test_refused);
    ADD("readonly-fd", NULL, test_readonly_fd);
    ADD("fallocate-fails", NULL, test_fallocate_fails);
    return g_test_run();
}
