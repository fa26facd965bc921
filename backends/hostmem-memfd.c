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

/*
 * Properties, one table entry each, as for the abstract backend
 * (hostmem-properties.c): a value from outside goes through @set_checked
 * and then @set; g_object_set() from code runs @set alone.
 */

#define PROP_FLAGS \
    (G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY)

typedef struct {
    /* The GParamSpec: name, blurb (what help prints), range, default. */
    GParamSpec *(*spec)(void);
    /*
     * QEMU's setter rules: refuses a value the backend cannot take now,
     * leaving it as it was.  %NULL: any valid value, any time.
     */
    gboolean (*set_checked)(QmemHostMemoryBackendMemfd *m, GParamSpec *pspec,
                            const GValue *value, GError **error);
    /* Stores @value; returns whether the property changed. */
    gboolean (*set)(QmemHostMemoryBackendMemfd *m, const GValue *value);
    void (*get)(QmemHostMemoryBackendMemfd *m, GValue *value);
} MemfdProperty;

/* hugetlb: any time (QEMU has no guard; read at alloc). */

static GParamSpec *hugetlb_spec(void)
{
    return g_param_spec_boolean("hugetlb", NULL, "Use huge pages", FALSE,
                                PROP_FLAGS);
}

static gboolean hugetlb_set(QmemHostMemoryBackendMemfd *m,
                            const GValue *value)
{
    return qmem_value_store_boolean(&m->hugetlb, value);
}

static void hugetlb_get(QmemHostMemoryBackendMemfd *m, GValue *value)
{
    g_value_set_boolean(value, m->hugetlb);
}

/*
 * hugetlbsize: 0 (the default) means the host's default huge page size,
 * but cannot be set; fixed once the memory exists.
 */

static GParamSpec *hugetlbsize_spec(void)
{
    GParamSpec *pspec = qmem_param_spec_size(
        "hugetlbsize", "Huge pages size (ex: 2M, 1G)", 0, G_MAXUINT64, 0,
        PROP_FLAGS);

    qmem_param_spec_set_qom_type(pspec, "int");
    return pspec;
}

static gboolean hugetlbsize_set_checked(QmemHostMemoryBackendMemfd *m,
                                        GParamSpec *pspec,
                                        const GValue *value, GError **error)
{
    if (qmem_host_memory_backend_get_ram_block(
            QMEM_HOST_MEMORY_BACKEND(m))) {
        g_set_error_literal(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                            "cannot change property value");
        return FALSE;
    }
    if (!g_value_get_uint64(value)) {
        /* Not worded as size's refusal of 0: QEMU's memfd says it so. */
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "Property '%s.%s' doesn't take value '%" PRIu64 "'",
                    qmem_object_get_typename(QMEM_OBJECT(m)), pspec->name,
                    g_value_get_uint64(value));
        return FALSE;
    }
    return TRUE;
}

static gboolean hugetlbsize_set(QmemHostMemoryBackendMemfd *m,
                                const GValue *value)
{
    guint64 size = g_value_get_uint64(value);

    if (m->hugetlbsize == size) {
        return FALSE;
    }
    m->hugetlbsize = size;
    return TRUE;
}

static void hugetlbsize_get(QmemHostMemoryBackendMemfd *m, GValue *value)
{
    g_value_set_uint64(value, m->hugetlbsize);
}

/* seal: any time (QEMU has no guard; read at alloc). */

static GParamSpec *seal_spec(void)
{
    return g_param_spec_boolean("seal", NULL, "Seal growing & shrinking",
                                TRUE, PROP_FLAGS);
}

static gboolean seal_set(QmemHostMemoryBackendMemfd *m, const GValue *value)
{
    return qmem_value_store_boolean(&m->seal, value);
}

static void seal_get(QmemHostMemoryBackendMemfd *m, GValue *value)
{
    g_value_set_boolean(value, m->seal);
}

static const MemfdProperty properties[N_PROPS] = {
    [PROP_HUGETLB] = { hugetlb_spec, NULL, hugetlb_set, hugetlb_get },
    [PROP_HUGETLBSIZE] = { hugetlbsize_spec, hugetlbsize_set_checked,
                           hugetlbsize_set, hugetlbsize_get },
    [PROP_SEAL] = { seal_spec, NULL, seal_set, seal_get },
};

static void qmem_host_memory_backend_memfd_set_property(GObject *gobj,
                                                        guint prop_id,
                                                        const GValue *value,
                                                        GParamSpec *pspec)
{
    if (prop_id == PROP_0 || prop_id >= N_PROPS) {
        G_OBJECT_WARN_INVALID_PROPERTY_ID(gobj, prop_id, pspec);
        return;
    }
    if (properties[prop_id].set(BACKEND_MEMFD(gobj), value)) {
        g_object_notify_by_pspec(gobj, pspec);
    }
}

static void qmem_host_memory_backend_memfd_get_property(GObject *gobj,
                                                        guint prop_id,
                                                        GValue *value,
                                                        GParamSpec *pspec)
{
    if (prop_id == PROP_0 || prop_id >= N_PROPS) {
        G_OBJECT_WARN_INVALID_PROPERTY_ID(gobj, prop_id, pspec);
        return;
    }
    properties[prop_id].get(BACKEND_MEMFD(gobj), value);
}

static gboolean memfd_backend_set_property_checked(QmemObject *obj,
                                                   GParamSpec *pspec,
                                                   const GValue *value,
                                                   GError **error)
{
    if (pspec->owner_type == qmem_host_memory_backend_memfd_type_id) {
        const MemfdProperty *prop = &properties[pspec->param_id];

        if (prop->set_checked &&
            !prop->set_checked(BACKEND_MEMFD(obj), pspec, value, error)) {
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
    /* As QEMU: the huge page properties exist only where the host has them. */
    gboolean has_hugetlb = memfd_check(MFD_HUGETLB);

    gobject_class->set_property = qmem_host_memory_backend_memfd_set_property;
    gobject_class->get_property = qmem_host_memory_backend_memfd_get_property;
    QMEM_OBJECT_CLASS(klass)->set_property_checked =
        memfd_backend_set_property_checked;
    QMEM_HOST_MEMORY_BACKEND_CLASS(klass)->alloc = memfd_backend_alloc;
    QMEM_HOST_MEMORY_BACKEND_CLASS(klass)->aligned = TRUE;

    for (guint id = PROP_0 + 1; id < N_PROPS; id++) {
        if (!has_hugetlb && (id == PROP_HUGETLB || id == PROP_HUGETLBSIZE)) {
            continue;
        }
        props[id] = properties[id].spec();
        g_object_class_install_property(gobject_class, id, props[id]);
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
