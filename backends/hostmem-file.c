/* SPDX-License-Identifier: GPL-2.0-or-later */
/* memory-backend-file: guest memory from a file (a loadable module). */

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <gmodule.h>

#include "qom/module.h"
#include "qom/property.h"
#include "system/hostmem.h"
#include "util/error.h"

/*
 * QEMU's OnOffAuto, for the rom property.  The GType name is this module's
 * own so that it cannot clash with another module's; help shows the QAPI
 * name through the qom type.
 */
typedef enum {
    FILE_ROM_AUTO,
    FILE_ROM_ON,
    FILE_ROM_OFF,
} FileRom;

static const GEnumValue file_rom_values[] = {
    { FILE_ROM_AUTO, "FILE_ROM_AUTO", "auto" },
    { FILE_ROM_ON, "FILE_ROM_ON", "on" },
    { FILE_ROM_OFF, "FILE_ROM_OFF", "off" },
    { 0, NULL, NULL },
};

/* Registered with the module, which gives the same type on a reload. */
static GType file_rom_type;

typedef struct {
    QmemHostMemoryBackend parent_instance;

    char *mem_path;
    guint64 align;
    guint64 offset;
    gboolean discard_data;
    gboolean readonly;
    FileRom rom;
} QmemHostMemoryBackendFile;

typedef struct {
    QmemHostMemoryBackendClass parent_class;
} QmemHostMemoryBackendFileClass;

G_DEFINE_DYNAMIC_TYPE_EXTENDED(QmemHostMemoryBackendFile,
                               qmem_host_memory_backend_file,
                               QMEM_TYPE_HOST_MEMORY_BACKEND,
                               G_TYPE_FLAG_FINAL, {})

#define BACKEND_FILE(obj) \
    G_TYPE_CHECK_INSTANCE_CAST((obj), qmem_host_memory_backend_file_type_id, \
                               QmemHostMemoryBackendFile)

enum {
    PROP_0,
    PROP_MEM_PATH,
    PROP_ALIGN,
    PROP_OFFSET,
    PROP_DISCARD_DATA,
    PROP_READONLY,
    PROP_ROM,
    N_PROPS
};

static GParamSpec *props[N_PROPS];

/*
 * How often file_ram_open() tries again when the file comes and goes
 * under it; then it gives up with the last error instead of spinning.
 */
#define FILE_RAM_OPEN_TRIES 64

/* A symlink whose target is missing: O_CREAT | O_EXCL never goes through. */
static gboolean is_dangling_symlink(const char *path)
{
    struct stat st;

    return lstat(path, &st) == 0 && S_ISLNK(st.st_mode) &&
           stat(path, &st) < 0 && errno == ENOENT;
}

/*
 * QEMU's file_ram_open(): an existing file is used; a missing one is
 * created (never in readonly mode); a directory gets an unlinked temporary
 * file.  Unlike QEMU's, it does not spin for ever on a dangling symlink
 * (ENOENT, then EEXIST, again and again), and gives up on races after
 * FILE_RAM_OPEN_TRIES.  Returns the fd or -errno.
 */
static int file_ram_open(const char *path, const char *region_name,
                         gboolean readonly, gboolean *created)
{
    int fd;

    *created = FALSE;
    for (int tries = 1;; tries++) {
        fd = open(path, (readonly ? O_RDONLY : O_RDWR) | O_CLOEXEC);
        if (fd >= 0) {
            /* O_RDONLY opens a directory; fail as O_RDWR would. */
            if (readonly) {
                struct stat st;

                if (fstat(fd, &st)) {
                    int err = errno;

                    close(fd);
                    if (err == EINTR) {
                        continue;
                    }
                    return -err;
                } else if (S_ISDIR(st.st_mode)) {
                    close(fd);
                    return -EISDIR;
                }
            }
            return fd;
        }
        if (errno == ENOENT) {
            if (readonly) {
                return -ENOENT;
            }
            fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
            if (fd >= 0) {
                *created = TRUE;
                return fd;
            }
            if (errno == EEXIST && is_dangling_symlink(path)) {
                return -ENOENT;
            }
        } else if (errno == EISDIR) {
            g_autofree char *sanitized = g_strdelimit(g_strdup(region_name),
                                                      "/", '_');
            g_autofree char *filename =
                g_strdup_printf("%s/qemu_back_mem.%s.XXXXXX", path,
                                sanitized);

            fd = g_mkstemp_full(filename, O_RDWR | O_CLOEXEC, 0600);
            if (fd >= 0) {
                unlink(filename);
                return fd;
            }
        }
        /* EEXIST: someone created the file between our two open()s. */
        if ((errno != EEXIST && errno != EINTR) ||
            tries == FILE_RAM_OPEN_TRIES) {
            return -errno;
        }
    }
}

/*
 * QEMU's rules for rom against readonly and share.  rom=auto becomes
 * readonly's value, and the property reads it so from now on (as QEMU's).
 */
static gboolean file_backend_resolve_rom(QmemHostMemoryBackendFile *fb,
                                         gboolean share, GError **error)
{
    switch (fb->rom) {
    case FILE_ROM_AUTO:
        fb->rom = fb->readonly ? FILE_ROM_ON : FILE_ROM_OFF;
        g_object_notify_by_pspec(G_OBJECT(fb), props[PROP_ROM]);
        return TRUE;
    case FILE_ROM_ON:
        if (!fb->readonly) {
            g_set_error_literal(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                                "property 'rom' = 'on' is not supported with"
                                " 'readonly' = 'off'");
            return FALSE;
        }
        return TRUE;
    case FILE_ROM_OFF:
        if (fb->readonly && share) {
            g_set_error_literal(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                                "property 'rom' = 'off' is incompatible with"
                                " 'readonly' = 'on' and 'share' = 'on'");
            return FALSE;
        }
        return TRUE;
    default:
        g_assert_not_reached();
    }
}

/*
 * Opens mem-path (file_ram_open()) with QEMU's message on failure.
 * Returns the fd, or -1.
 */
static int file_backend_open(QmemHostMemoryBackendFile *fb, const char *name,
                             gboolean share, gboolean *created,
                             GError **error)
{
    gboolean unused;
    int fd = file_ram_open(fb->mem_path, name, fb->readonly, created);

    if (fd >= 0) {
        return fd;
    }
    g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                "can't open backing store %s for guest RAM: %s",
                fb->mem_path, g_strerror(-fd));
    /*
     * A private mapping of a file we may only read is still writable RAM:
     * point the user at the option that does that.
     */
    if (!fb->readonly && !share && fd == -EACCES && error && *error) {
        int rfd = file_ram_open(fb->mem_path, name, TRUE, &unused);

        if (rfd >= 0) {
            close(rfd);
            qmem_error_set_hint(*error,
                "Consider opening the backing store read-only but still "
                "creating writable RAM using '-object "
                "memory-backend-file,readonly=on,rom=off...' (see \"VM "
                "templating\" documentation)\n");
        }
    }
    return -1;
}

static QmemRamBlock *file_backend_alloc(QmemHostMemoryBackend *backend,
                                        GError **error)
{
    QmemHostMemoryBackendFile *fb = BACKEND_FILE(backend);
    guint64 size = qmem_host_memory_backend_get_size(backend);
    gboolean share = qmem_host_memory_backend_get_share(backend);
    gboolean reserve = qmem_host_memory_backend_get_reserve(backend);
    g_autofree char *name = NULL;
    QmemRamBlock *block;
    gboolean created;
    guint flags;
    int fd;

    if (!size) {
        g_set_error_literal(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                            "can't create backend with size 0");
        return NULL;
    }
    if (!fb->mem_path) {
        g_set_error_literal(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                            "mem-path property not set");
        return NULL;
    }
    if (!file_backend_resolve_rom(fb, share, error)) {
        return NULL;
    }

    name = qmem_host_memory_backend_ram_block_name(backend);
    fd = file_backend_open(fb, name, share, &created, error);
    if (fd < 0) {
        return NULL;
    }
    flags = share ? QMEM_RAM_SHARED : 0;
    flags |= fb->readonly ? QMEM_RAM_READONLY_FD : 0;
    flags |= fb->rom == FILE_ROM_ON ? QMEM_RAM_READONLY : 0;
    flags |= reserve ? 0 : QMEM_RAM_NORESERVE;
    block = qmem_ram_block_new_from_fd(name, size, fb->align, fd, fb->offset,
                                       flags, error);
    if (!block && created) {
        unlink(fb->mem_path);
    }
    return block;
}

/*
 * Properties, one table entry each, as for the abstract backend
 * (hostmem-properties.c): a value from outside goes through @set_checked
 * and then @set; g_object_set() from code runs @set alone.  Everything but
 * discard-data is fixed once the file is mapped.
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
    gboolean (*set_checked)(QmemHostMemoryBackendFile *fb, GParamSpec *pspec,
                            const GValue *value, GError **error);
    /* Stores @value; returns whether the property changed. */
    gboolean (*set)(QmemHostMemoryBackendFile *fb, const GValue *value);
    void (*get)(QmemHostMemoryBackendFile *fb, GValue *value);
} FileProperty;

static gboolean is_allocated(QmemHostMemoryBackendFile *fb)
{
    return qmem_host_memory_backend_get_ram_block(
               QMEM_HOST_MEMORY_BACKEND(fb)) != NULL;
}

static const char *type_of(QmemHostMemoryBackendFile *fb)
{
    return qmem_object_get_typename(QMEM_OBJECT(fb));
}

/*
 * mem-path, align, offset, readonly and rom are fixed once the file is
 * mapped; QEMU's refusal ends with a period for the last two.
 */
static gboolean set_checked_unmapped(QmemHostMemoryBackendFile *fb,
                                     GParamSpec *pspec, const GValue *value,
                                     GError **error)
{
    if (is_allocated(fb)) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "cannot change property '%s' of %s", pspec->name,
                    type_of(fb));
        return FALSE;
    }
    return TRUE;
}

static gboolean set_checked_unmapped_dot(QmemHostMemoryBackendFile *fb,
                                         GParamSpec *pspec,
                                         const GValue *value, GError **error)
{
    if (is_allocated(fb)) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "cannot change property '%s' of %s.", pspec->name,
                    type_of(fb));
        return FALSE;
    }
    return TRUE;
}

/* mem-path: mandatory, fixed once mapped. */

static GParamSpec *mem_path_spec(void)
{
    GParamSpec *pspec = g_param_spec_string(
        "mem-path", NULL,
        "File or directory (for a temporary file) that backs the memory",
        NULL, PROP_FLAGS);

    qmem_param_spec_set_qom_type(pspec, "string");
    qmem_param_spec_set_mandatory(pspec);
    return pspec;
}

static gboolean mem_path_set(QmemHostMemoryBackendFile *fb,
                             const GValue *value)
{
    if (g_strcmp0(fb->mem_path, g_value_get_string(value)) == 0) {
        return FALSE;
    }
    g_free(fb->mem_path);
    fb->mem_path = g_value_dup_string(value);
    return TRUE;
}

static void mem_path_get(QmemHostMemoryBackendFile *fb, GValue *value)
{
    g_value_set_string(value, fb->mem_path);
}

/* align: 0 = the file's page size; fixed once mapped. */

static GParamSpec *align_spec(void)
{
    return qmem_param_spec_set_qom_type(qmem_param_spec_size(
        "align", "Alignment of the mapping (ex: 2M; default: page size)", 0,
        G_MAXUINT64, 0, PROP_FLAGS), "int");
}

static gboolean align_set(QmemHostMemoryBackendFile *fb, const GValue *value)
{
    return qmem_value_store_uint64(&fb->align, value);
}

static void align_get(QmemHostMemoryBackendFile *fb, GValue *value)
{
    g_value_set_uint64(value, fb->align);
}

/* offset: where in the file the memory starts; fixed once mapped. */

static GParamSpec *offset_spec(void)
{
    return qmem_param_spec_set_qom_type(qmem_param_spec_size(
        "offset", "Offset into the target file (ex: 1G)", 0, G_MAXUINT64, 0,
        PROP_FLAGS), "int");
}

static gboolean offset_set(QmemHostMemoryBackendFile *fb, const GValue *value)
{
    return qmem_value_store_uint64(&fb->offset, value);
}

static void offset_get(QmemHostMemoryBackendFile *fb, GValue *value)
{
    g_value_set_uint64(value, fb->offset);
}

/* discard-data: any time (read when the backend goes away). */

static GParamSpec *discard_data_spec(void)
{
    return g_param_spec_boolean(
        "discard-data", NULL,
        "Discard the file's contents when the backend goes away", FALSE,
        PROP_FLAGS);
}

static gboolean discard_data_set(QmemHostMemoryBackendFile *fb,
                                 const GValue *value)
{
    return qmem_value_store_boolean(&fb->discard_data, value);
}

static void discard_data_get(QmemHostMemoryBackendFile *fb, GValue *value)
{
    g_value_set_boolean(value, fb->discard_data);
}

/* readonly: open the file O_RDONLY; fixed once mapped. */

static GParamSpec *readonly_spec(void)
{
    return g_param_spec_boolean("readonly", NULL, "Open the file read-only",
                                FALSE, PROP_FLAGS);
}

static gboolean readonly_set(QmemHostMemoryBackendFile *fb,
                             const GValue *value)
{
    return qmem_value_store_boolean(&fb->readonly, value);
}

static void readonly_get(QmemHostMemoryBackendFile *fb, GValue *value)
{
    g_value_set_boolean(value, fb->readonly);
}

/* rom: auto = as readonly, resolved at alloc; fixed once mapped. */

static GParamSpec *rom_spec(void)
{
    GParamSpec *pspec = g_param_spec_enum(
        "rom", NULL, "Whether to create Read Only Memory (ROM)",
        file_rom_type, FILE_ROM_AUTO, PROP_FLAGS);

    qmem_param_spec_set_qom_type(pspec, "OnOffAuto");
    return pspec;
}

static gboolean rom_set(QmemHostMemoryBackendFile *fb, const GValue *value)
{
    FileRom rom = g_value_get_enum(value);

    if (fb->rom == rom) {
        return FALSE;
    }
    fb->rom = rom;
    return TRUE;
}

static void rom_get(QmemHostMemoryBackendFile *fb, GValue *value)
{
    g_value_set_enum(value, fb->rom);
}

/*
 * QEMU describes only offset and rom; the other blurbs are ours.  pmem is
 * left out, as QEMU does when built without libpmem.
 */
static const FileProperty properties[N_PROPS] = {
    [PROP_MEM_PATH] = { mem_path_spec, set_checked_unmapped, mem_path_set,
                        mem_path_get },
    [PROP_ALIGN] = { align_spec, set_checked_unmapped, align_set, align_get },
    [PROP_OFFSET] = { offset_spec, set_checked_unmapped, offset_set,
                      offset_get },
    [PROP_DISCARD_DATA] = { discard_data_spec, NULL, discard_data_set,
                            discard_data_get },
    [PROP_READONLY] = { readonly_spec, set_checked_unmapped_dot, readonly_set,
                        readonly_get },
    [PROP_ROM] = { rom_spec, set_checked_unmapped_dot, rom_set, rom_get },
};

static void qmem_host_memory_backend_file_set_property(GObject *gobj,
                                                       guint prop_id,
                                                       const GValue *value,
                                                       GParamSpec *pspec)
{
    if (prop_id == PROP_0 || prop_id >= N_PROPS) {
        G_OBJECT_WARN_INVALID_PROPERTY_ID(gobj, prop_id, pspec);
        return;
    }
    if (properties[prop_id].set(BACKEND_FILE(gobj), value)) {
        g_object_notify_by_pspec(gobj, pspec);
    }
}

static void qmem_host_memory_backend_file_get_property(GObject *gobj,
                                                       guint prop_id,
                                                       GValue *value,
                                                       GParamSpec *pspec)
{
    if (prop_id == PROP_0 || prop_id >= N_PROPS) {
        G_OBJECT_WARN_INVALID_PROPERTY_ID(gobj, prop_id, pspec);
        return;
    }
    properties[prop_id].get(BACKEND_FILE(gobj), value);
}

static gboolean file_backend_set_property_checked(QmemObject *obj,
                                                  GParamSpec *pspec,
                                                  const GValue *value,
                                                  GError **error)
{
    if (pspec->owner_type == qmem_host_memory_backend_file_type_id) {
        const FileProperty *prop = &properties[pspec->param_id];

        if (prop->set_checked &&
            !prop->set_checked(BACKEND_FILE(obj), pspec, value, error)) {
            return FALSE;
        }
    }
    return QMEM_OBJECT_CLASS(qmem_host_memory_backend_file_parent_class)
        ->set_property_checked(obj, pspec, value, error);
}

/* discard-data: the file's contents are not wanted once we are gone. */
static void file_backend_unparent(QmemObject *obj)
{
    QmemHostMemoryBackendFile *fb = BACKEND_FILE(obj);
    QmemRamBlock *block =
        qmem_host_memory_backend_get_ram_block(QMEM_HOST_MEMORY_BACKEND(obj));
    QmemObjectClass *parent =
        QMEM_OBJECT_CLASS(qmem_host_memory_backend_file_parent_class);

    if (block && fb->discard_data) {
        madvise(block->host, block->size, MADV_REMOVE);
    }
    if (parent->unparent) {
        parent->unparent(obj);
    }
}

static void qmem_host_memory_backend_file_finalize(GObject *gobj)
{
    g_free(BACKEND_FILE(gobj)->mem_path);
    G_OBJECT_CLASS(qmem_host_memory_backend_file_parent_class)->finalize(gobj);
}

static void
qmem_host_memory_backend_file_class_init(QmemHostMemoryBackendFileClass *klass)
{
    GObjectClass *gobject_class = G_OBJECT_CLASS(klass);
    QmemObjectClass *object_class = QMEM_OBJECT_CLASS(klass);

    gobject_class->set_property = qmem_host_memory_backend_file_set_property;
    gobject_class->get_property = qmem_host_memory_backend_file_get_property;
    gobject_class->finalize = qmem_host_memory_backend_file_finalize;
    object_class->set_property_checked = file_backend_set_property_checked;
    object_class->unparent = file_backend_unparent;
    QMEM_HOST_MEMORY_BACKEND_CLASS(klass)->alloc = file_backend_alloc;
    QMEM_HOST_MEMORY_BACKEND_CLASS(klass)->aligned = TRUE;

    for (guint id = PROP_0 + 1; id < N_PROPS; id++) {
        props[id] = properties[id].spec();
    }
    g_object_class_install_properties(gobject_class, N_PROPS, props);
}

static void qmem_host_memory_backend_file_class_finalize(
    QmemHostMemoryBackendFileClass *klass)
{
}

static void qmem_host_memory_backend_file_init(QmemHostMemoryBackendFile *fb)
{
    fb->rom = FILE_ROM_AUTO;
}

G_MODULE_EXPORT void qmem_module_hostmem_file_register(GTypeModule *module)
{
    g_type_ensure(QMEM_TYPE_HOST_MEMORY_BACKEND);
    file_rom_type = g_type_module_register_enum(module,
                                                "QmemHostMemFileOnOffAuto",
                                                file_rom_values);
    qmem_host_memory_backend_file_register_type(module);
    qmem_type_register_name(QMEM_TYPE_NAME_MEMORY_BACKEND_FILE,
                            qmem_host_memory_backend_file_type_id);
}
