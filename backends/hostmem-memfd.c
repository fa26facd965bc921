/* SPDX-License-Identifier: GPL-2.0-or-later */
/* memory-backend-memfd: sealed anonymous file memory (a loadable module). */

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <sys/mman.h>
#include <unistd.h>
#include <gmodule.h>

#include "qom/module.h"
#include "qom/property.h"
#include "system/hostmem.h"
#include "util/error.h"

#ifndef MFD_HUGE_SHIFT
#define MFD_HUGE_SHIFT 26
#endif

#define MEMFD_SEALS (F_SEAL_GROW | F_SEAL_SHRINK | F_SEAL_SEAL)

typedef struct {
    QmemHostMemoryBackend parent_instance;

    gboolean hugetlb;
    guint64 hugetlbsize;
    gboolean seal;
} QmemHostMemoryBackendMemfd;

typedef struct {
    QmemHostMemoryBackendClass parent_class;
} QmemHostMemoryBackendMemfdClass;

G_DEFINE_DYNAMIC_TYPE_EXTENDED(QmemHostMemoryBackendMemfd,
                               qmem_host_memory_backend_memfd,
                               QMEM_TYPE_HOST_MEMORY_BACKEND,
                               G_TYPE_FLAG_FINAL, {})

#define BACKEND_MEMFD(obj) \
    G_TYPE_CHECK_INSTANCE_CAST((obj), \
                               qmem_host_memory_backend_memfd_type_id, \
                               QmemHostMemoryBackendMemfd)

enum {
    PROP_0,
    PROP_HUGETLB,
    PROP_HUGETLBSIZE,
    PROP_SEAL,
    N_PROPS
};

static GParamSpec *props[N_PROPS];

/* QEMU's qemu_memfd_check(): whether memfd_create() takes @flags here. */
static gboolean memfd_check(unsigned int flags)
{
    int fd = memfd_create("test", flags | MFD_CLOEXEC);

    if (fd < 0) {
        return FALSE;
    }
    close(fd);
    return TRUE;
}

/* QEMU's qemu_memfd_create(), with its messages. */
static int memfd_create_sized(const char *name, guint64 size,
                              gboolean hugetlb, guint64 hugetlbsize,
                              unsigned int seals, GError **error)
{
    int htsize = hugetlbsize ? __builtin_ctzll(hugetlbsize) : 0;
    unsigned int flags = MFD_CLOEXEC;
    int fd;

    if (htsize && 1ULL << htsize != hugetlbsize) {
        g_set_error_literal(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                            "Hugepage size must be a power of 2");
        return -1;
    }
    if (seals) {
        flags |= MFD_ALLOW_SEALING;
    }
    if (hugetlb) {
        flags |= MFD_HUGETLB | ((unsigned int)htsize << MFD_HUGE_SHIFT);
    }
    fd = memfd_create(name, flags);
    if (fd < 0) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "failed to create memfd with flags 0x%x: %s", flags,
                    g_strerror(errno));
        return -1;
    }
    if (size > G_MAXINT64 || ftruncate(fd, size) == -1) {
        int err = size > G_MAXINT64 ? EINVAL : errno;

        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "failed to resize memfd to %" PRIu64 ": %s", size,
                    g_strerror(err));
        close(fd);
        return -1;
    }
    if (seals && fcntl(fd, F_ADD_SEALS, seals) == -1) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "failed to add seals 0x%x: %s", seals, g_strerror(errno));
        close(fd);
        return -1;
    }
    return fd;
}

static QmemRamBlock *memfd_backend_alloc(QmemHostMemoryBackend *backend,
                                         GError **error)
{
    QmemHostMemoryBackendMemfd *m = BACKEND_MEMFD(backend);
    guint64 size = qmem_host_memory_backend_get_size(backend);
    g_autofree char *name = NULL;
    guint flags = 0;
    int fd;

    if (!size) {
        g_set_error_literal(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                            "can't create backend with size 0");
        return NULL;
    }
    fd = memfd_create_sized(QMEM_TYPE_NAME_MEMORY_BACKEND_MEMFD, size,
                            m->hugetlb, m->hugetlbsize,
                            m->seal ? MEMFD_SEALS : 0, error);
    if (fd < 0) {
        return NULL;
    }
    if (qmem_host_memory_backend_get_share(backend)) {
        flags |= QMEM_RAM_SHARED;
    }
    if (!qmem_host_memory_backend_get_reserve(backend)) {
        flags |= QMEM_RAM_NORESERVE;
    }
    name = qmem_host_memory_backend_ram_block_name(backend);
    return qmem_ram_block_new_from_fd(name, size, 0, fd, 0, flags, error);
}

static void qmem_host_memory_backend_memfd_set_property(GObject *gobj,
                                                        guint prop_id,
                                                        const GValue *value,
                                                        GParamSpec *pspec)
{
    QmemHostMemoryBackendMemfd *m = BACKEND_MEMFD(gobj);

    switch (prop_id) {
    case PROP_HUGETLB:
        if (m->hugetlb == g_value_get_boolean(value)) {
            return;
        }
        m->hugetlb = g_value_get_boolean(value);
        break;
    case PROP_HUGETLBSIZE:
        if (m->hugetlbsize == g_value_get_uint64(value)) {
            return;
        }
        m->hugetlbsize = g_value_get_uint64(value);
        break;
    case PROP_SEAL:
        if (m->seal == g_value_get_boolean(value)) {
            return;
        }
        m->seal = g_value_get_boolean(value);
        break;
    default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID(gobj, prop_id, pspec);
        return;
    }
    g_object_notify_by_pspec(gobj, pspec);
}

static void qmem_host_memory_backend_memfd_get_property(GObject *gobj,
                                                        guint prop_id,
                                                        GValue *value,
                                                        GParamSpec *pspec)
{
    QmemHostMemoryBackendMemfd *m = BACKEND_MEMFD(gobj);

    switch (prop_id) {
    case PROP_HUGETLB:
        g_value_set_boolean(value, m->hugetlb);
        break;
    case PROP_HUGETLBSIZE:
        g_value_set_uint64(value, m->hugetlbsize);
        break;
    case PROP_SEAL:
        g_value_set_boolean(value, m->seal);
        break;
    default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID(gobj, prop_id, pspec);
        break;
    }
}

/* hugetlb and seal have no guard in QEMU: they only matter at alloc. */
static gboolean memfd_backend_set_property_checked(QmemObject *obj,
                                                   GParamSpec *pspec,
                                                   const GValue *value,
                                                   GError **error)
{
    QmemHostMemoryBackend *backend = QMEM_HOST_MEMORY_BACKEND(obj);

    if (pspec->owner_type == qmem_host_memory_backend_memfd_type_id &&
        pspec->param_id == PROP_HUGETLBSIZE) {
        if (qmem_host_memory_backend_get_ram_block(backend)) {
            g_set_error_literal(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                                "cannot change property value");
            return FALSE;
        }
        if (!g_value_get_uint64(value)) {
            g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                        "Property '%s.%s' doesn't take value '%" PRIu64 "'",
                        qmem_object_get_typename(obj), pspec->name,
                        g_value_get_uint64(value));
            return FALSE;
        }
    }
    return QMEM_OBJECT_CLASS(qmem_host_memory_backend_memfd_parent_class)
        ->set_property_checked(obj, pspec, value, error);
}

static void qmem_host_memory_backend_memfd_class_init(
    QmemHostMemoryBackendMemfdClass *klass)
{
    GObjectClass *gobject_class = G_OBJECT_CLASS(klass);
    const GParamFlags flags = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
                              G_PARAM_EXPLICIT_NOTIFY;

    gobject_class->set_property = qmem_host_memory_backend_memfd_set_property;
    gobject_class->get_property = qmem_host_memory_backend_memfd_get_property;
    QMEM_OBJECT_CLASS(klass)->set_property_checked =
        memfd_backend_set_property_checked;
    QMEM_HOST_MEMORY_BACKEND_CLASS(klass)->alloc = memfd_backend_alloc;
    QMEM_HOST_MEMORY_BACKEND_CLASS(klass)->aligned = TRUE;

    props[PROP_SEAL] = g_param_spec_boolean(
        "seal", NULL, "Seal growing & shrinking", TRUE, flags);
    g_object_class_install_property(gobject_class, PROP_SEAL,
                                    props[PROP_SEAL]);

    /* As QEMU: the huge page properties exist only where the host has them. */
    if (memfd_check(MFD_HUGETLB)) {
        props[PROP_HUGETLB] = g_param_spec_boolean(
            "hugetlb", NULL, "Use huge pages", FALSE, flags);
        props[PROP_HUGETLBSIZE] = qmem_param_spec_size(
            "hugetlbsize", "Huge pages size (ex: 2M, 1G)", 0, G_MAXUINT64, 0,
            flags);
        qmem_param_spec_set_qom_type(props[PROP_HUGETLBSIZE], "int");
        g_object_class_install_property(gobject_class, PROP_HUGETLB,
                                        props[PROP_HUGETLB]);
        g_object_class_install_property(gobject_class, PROP_HUGETLBSIZE,
                                        props[PROP_HUGETLBSIZE]);
    }
}

static void qmem_host_memory_backend_memfd_class_finalize(
    QmemHostMemoryBackendMemfdClass *klass)
{
}

static void qmem_host_memory_backend_memfd_init(QmemHostMemoryBackendMemfd *m)
{
    m->seal = TRUE;
    /* A memfd exists to be shared: QEMU's memfd default is share=on. */
    g_object_set(m, QMEM_HOSTMEM_PROP_SHARE, TRUE, NULL);
}

G_MODULE_EXPORT void qmem_module_hostmem_memfd_register(GTypeModule *module)
{
    g_type_ensure(QMEM_TYPE_HOST_MEMORY_BACKEND);
    /* QEMU registers the type only where memfd sealing works. */
    if (!memfd_check(MFD_ALLOW_SEALING)) {
        return;
    }
    qmem_host_memory_backend_memfd_register_type(module);
    qmem_type_register_name(QMEM_TYPE_NAME_MEMORY_BACKEND_MEMFD,
                            qmem_host_memory_backend_memfd_type_id);
}
