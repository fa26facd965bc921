/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The virtio-mem tests' shared part: requests, a device and its backend. */

#include <string.h>

#include "tests/unit/virtio-mem-test.h"
#include "util/error.h"

void put_le16(guint8 *p, guint16 v)
{
    p[0] = v;
    p[1] = v >> 8;
}

void put_le64(guint8 *p, guint64 v)
{
    for (int i = 0; i < 8; i++) {
        p[i] = v >> (8 * i);
    }
}

guint16 get_le16(const guint8 *p)
{
    return p[0] | p[1] << 8;
}

guint64 get_le64(const guint8 *p)
{
    guint64 v = 0;

    for (int i = 7; i >= 0; i--) {
        v = v << 8 | p[i];
    }
    return v;
}

void build_request(guint8 *req, guint16 type, guint64 addr,
                   guint16 nb_blocks)
{
    memset(req, 0, QMEM_VIRTIO_MEM_REQ_SIZE);
    put_le16(req, type);
    put_le64(req + 8, addr);
    put_le16(req + 16, nb_blocks);
}

/* A guest request that must get a response; returns its type. */
guint16 request(QmemVirtioMem *vmem, guint16 type, guint64 addr,
                guint16 nb_blocks, guint16 *state)
{
    g_autoptr(GError) error = NULL;
    guint8 req[QMEM_VIRTIO_MEM_REQ_SIZE];
    guint8 resp[QMEM_VIRTIO_MEM_RESP_SIZE + 2];

    build_request(req, type, addr, nb_blocks);
    memset(resp, 0xaa, sizeof(resp));
    g_assert_true(qmem_virtio_mem_handle_request(vmem, req, sizeof(req),
                                                 resp, sizeof(resp), &error));
    g_assert_no_error(error);
    /* Padding is zero; nothing beyond the 10 bytes is written. */
    g_assert_cmpuint(get_le16(resp + 2), ==, 0);
    g_assert_cmpuint(get_le16(resp + 4), ==, 0);
    g_assert_cmpuint(get_le16(resp + 6), ==, 0);
    g_assert_cmpuint(resp[10], ==, 0xaa);
    g_assert_cmpuint(resp[11], ==, 0xaa);
    if (state) {
        *state = get_le16(resp + 8);
    } else if (type != QMEM_VIRTIO_MEM_REQ_STATE) {
        g_assert_cmpuint(get_le16(resp + 8), ==, 0);
    }
    return get_le16(resp);
}

void plug_ok(QmemVirtioMem *vmem, guint64 addr, guint16 nb)
{
    g_assert_cmpuint(request(vmem, QMEM_VIRTIO_MEM_REQ_PLUG, addr, nb, NULL),
                     ==, QMEM_VIRTIO_MEM_RESP_ACK);
}

void unplug_ok(QmemVirtioMem *vmem, guint64 addr, guint16 nb)
{
    g_assert_cmpuint(request(vmem, QMEM_VIRTIO_MEM_REQ_UNPLUG, addr, nb,
                             NULL), ==, QMEM_VIRTIO_MEM_RESP_ACK);
}

void fixture_setup(Fixture *f, gconstpointer data)
{
    machine_fixture_setup(&f->base, NULL);
    f->vmem = qmem_virtio_mem_new();
    f->vmem_weak = track(&f->base, f->vmem);
}

void fixture_teardown(Fixture *f, gconstpointer data)
{
    /* The device goes with its last reference, the backend with the tree. */
    g_clear_object(&f->vmem);
    g_assert_null(*f->vmem_weak);
    machine_fixture_teardown(&f->base, NULL);
}

/* -object TEXT ("@DIR@" is the fixture's directory); memdev of the device. */
QmemHostMemoryBackend *add_backend(Fixture *f, const char *text)
{
    QmemObject *obj = add_object(&f->base, text);

    f->memdev = QMEM_HOST_MEMORY_BACKEND(obj);
    f->memdev_weak = track(&f->base, obj);
    qmem_virtio_mem_set_memdev(f->vmem, f->memdev);
    return f->memdev;
}

static const QmemVirtioMemEnv env_default = { .nb_numa_nodes = 1 };

void realize(Fixture *f)
{
    g_autoptr(GError) error = NULL;

    g_assert_true(qmem_virtio_mem_realize(f->vmem, &env_default, &error));
    g_assert_no_error(error);
}

/* notify::size, QEMU's size-change notifier. */
void on_size_change(QmemVirtioMem *vmem, GParamSpec *pspec, gpointer data)
{
    Fixture *f = data;

    f->size_changes++;
    f->last_size = qmem_virtio_mem_get_size(vmem);
}

/* 1 GiB of anonymous memory at ADDR, 32 MiB requested: 288 MiB usable. */
void setup_requests(Fixture *f)
{
    g_autoptr(GError) error = NULL;

    add_backend(f, "memory-backend-ram,id=m0,size=1G,reserve=off");
    qmem_virtio_mem_set_addr(f->vmem, ADDR);
    g_assert_true(qmem_virtio_mem_set_requested_size(f->vmem, 32 * MiB,
                                                     &error));
    g_signal_connect(f->vmem, "notify::size", G_CALLBACK(on_size_change), f);
    realize(f);
    g_assert_cmpuint(qmem_virtio_mem_get_block_size(f->vmem), ==, BLK);
    g_assert_cmpuint(qmem_virtio_mem_get_usable_region_size(f->vmem), ==,
                     288 * MiB);
}
