/* SPDX-License-Identifier: GPL-2.0-or-later */
/* QMP commands of migration, QEMU 7.2's (qapi/migration.json). */

#include <string.h>

#include "migration/channel.h"
#include "migration/migration-internal.h"
#include "migration/migration-qmp-cmds.h"
#include "qobject/json.h"
#include "system/runstate.h"
#include "util/error.h"
#include "util/main-loop.h"

#define QERR_MIGRATION_ACTIVE "There's a migration process in progress"
#define MAX_MIGRATE_DOWNTIME 2000000    /* ms, QEMU's */

static JsonNode *fail(GError **error, const char *msg)
{
    g_set_error_literal(error, QMEM_ERROR, QMEM_ERROR_GENERIC, msg);
    return NULL;
}

/* QEMU's migrate_prepare(), for a new migration. */
static gboolean migrate_prepare(gboolean blk, gboolean inc, gboolean resume,
                                GError **error)
{
    MigrationState *s = mig_get_current();

    if (resume) {
        fail(error, "Cannot resume if there is no paused migration");
        return FALSE;
    }
    if (mig_is_running(s->status)) {
        fail(error, QERR_MIGRATION_ACTIVE);
        return FALSE;
    }
    if (qmem_runstate_check(QMEM_RUN_STATE_INMIGRATE)) {
        fail(error, "Guest is waiting for an incoming migration");
        return FALSE;
    }
    if (qmem_runstate_check(QMEM_RUN_STATE_POSTMIGRATE)) {
        fail(error, "Can't migrate the vm that was paused due to previous "
             "migration");
        return FALSE;
    }
    if (blk || inc) {
        fail(error, "QEMU compiled without old-style (blk/-b, inc/-i) block "
             "migration");
        return FALSE;
    }
    return TRUE;
}

JsonNode *qmem_qmp_migrate(JsonObject *args, GError **error)
{
    const char *uri;
    gboolean blk = FALSE, inc = FALSE, detach = FALSE, resume = FALSE;
    gboolean has_blk, has_inc, has_detach, has_resume;
    const QmemQmpArg members[] = {
        { "uri", QMEM_QMP_ARG_STR, &uri },
        { "blk", QMEM_QMP_ARG_BOOL, &blk, &has_blk },
        { "inc", QMEM_QMP_ARG_BOOL, &inc, &has_inc },
        { "detach", QMEM_QMP_ARG_BOOL, &detach, &has_detach },
        { "resume", QMEM_QMP_ARG_BOOL, &resume, &has_resume },
        { NULL }
    };
    MigrationState *s = mig_get_current();

    if (!qmem_qmp_args_visit(args, members, error) ||
        !migrate_prepare(blk, inc, resume, error)) {
        return NULL;
    }
    if (!mig_channel_uri_valid(uri)) {
        s->status = QMEM_MIGRATION_STATUS_SETUP;
        mig_set_state(&s->status, QMEM_MIGRATION_STATUS_FAILED);
        return fail(error, "Parameter 'uri' expects a valid migration "
                    "protocol");
    }
    mig_start_outgoing(uri);
    return NULL;
}

JsonNode *qmem_qmp_migrate_incoming(JsonObject *args, GError **error)
{
    const char *uri;
    const QmemQmpArg members[] = {
        { "uri", QMEM_QMP_ARG_STR, &uri },
        { NULL }
    };

    if (qmem_qmp_args_visit(args, members, error)) {
        mig_incoming_start_deferred(uri, error);
    }
    return NULL;
}

JsonNode *qmem_qmp_migrate_cancel(JsonObject *args, GError **error)
{
    if (qmem_qmp_args_visit(args, NULL, error)) {
        mig_cancel();
    }
    return NULL;
}

static void add_ram(JsonObject *ret, MigrationState *s)
{
    JsonObject *ram = json_object_new();
    MigRamCounters *c = &s->counters;

    json_object_set_int_member(ram, "transferred", c->transferred);
    json_object_set_int_member(ram, "remaining",
                               c->remaining_pages * QMEM_TARGET_PAGE_SIZE);
    json_object_set_int_member(ram, "total", c->total_bytes);
    json_object_set_int_member(ram, "duplicate", c->duplicate);
    json_object_set_int_member(ram, "skipped", 0);
    json_object_set_int_member(ram, "normal", c->normal);
    json_object_set_int_member(ram, "normal-bytes",
                               c->normal * QMEM_TARGET_PAGE_SIZE);
    json_object_set_int_member(ram, "dirty-pages-rate", c->dirty_pages_rate);
    json_object_set_double_member(ram, "mbps", s->mbps);
    json_object_set_int_member(ram, "dirty-sync-count", c->dirty_sync_count);
    json_object_set_int_member(ram, "postcopy-requests", 0);
    json_object_set_int_member(ram, "page-size", QMEM_TARGET_PAGE_SIZE);
    json_object_set_int_member(ram, "multifd-bytes", 0);
    json_object_set_int_member(ram, "pages-per-second", s->pages_per_second);
    json_object_set_int_member(ram, "precopy-bytes", c->precopy_bytes);
    json_object_set_int_member(ram, "downtime-bytes", c->downtime_bytes);
    json_object_set_int_member(ram, "postcopy-bytes", 0);
    json_object_set_int_member(ram, "dirty-sync-missed-zero-copy", 0);
    json_object_set_object_member(ret, "ram", ram);
}

/* QEMU's populate_time_info(). */
static void add_times(JsonObject *ret, MigrationState *s)
{
    json_object_set_int_member(ret, "setup-time", s->setup_time);
    if (s->status == QMEM_MIGRATION_STATUS_COMPLETED) {
        json_object_set_int_member(ret, "total-time", s->total_time);
        json_object_set_int_member(ret, "downtime", s->downtime);
    } else {
        json_object_set_int_member(ret, "total-time",
                                   g_get_real_time() / 1000 - s->start_time);
        json_object_set_int_member(ret, "expected-downtime",
                                   s->expected_downtime);
    }
}

JsonNode *qmem_qmp_query_migrate(JsonObject *args, GError **error)
{
    MigrationState *s = mig_get_current();
    QmemMigrationStatus in = mig_incoming_get_status();
    JsonObject *ret;

    if (!qmem_qmp_args_visit(args, NULL, error)) {
        return NULL;
    }
    ret = json_object_new();
    if (in != QMEM_MIGRATION_STATUS_NONE) {
        json_object_set_string_member(ret, "status",
                                      qmem_migration_status_str(in));
    }
    switch (s->status) {
    case QMEM_MIGRATION_STATUS_NONE:
        return qmem_json_node_new_object(ret);
    case QMEM_MIGRATION_STATUS_ACTIVE:
    case QMEM_MIGRATION_STATUS_CANCELLING:
    case QMEM_MIGRATION_STATUS_DEVICE:
    case QMEM_MIGRATION_STATUS_COMPLETED:
        add_times(ret, s);
        add_ram(ret, s);
        break;
    case QMEM_MIGRATION_STATUS_FAILED:
        if (s->error_desc) {
            json_object_set_string_member(ret, "error-desc", s->error_desc);
        }
        break;
    default:
        break;
    }
    json_object_set_string_member(ret, "status",
                                  qmem_migration_status_str(s->status));
    return qmem_json_node_new_object(ret);
}

JsonNode *qmem_qmp_migrate_set_parameters(JsonObject *args, GError **error)
{
    MigrationState *s = mig_get_current();
    guint64 bw = 0, downtime = 0;
    gboolean has_bw, has_downtime;
    const QmemQmpArg members[] = {
        { "max-bandwidth", QMEM_QMP_ARG_UINT, &bw, &has_bw },
        { "downtime-limit", QMEM_QMP_ARG_UINT, &downtime, &has_downtime },
        { NULL }
    };

    if (!qmem_qmp_args_visit(args, members, error)) {
        return NULL;
    }
    if (has_downtime && downtime > MAX_MIGRATE_DOWNTIME) {
        return fail(error, "Parameter 'downtime_limit' expects an integer in "
                    "the range of 0 to 2000000 ms");
    }
    if (has_bw) {
        s->max_bandwidth = bw;
    }
    if (has_downtime) {
        s->downtime_limit = downtime;
    }
    return NULL;
}

JsonNode *qmem_qmp_query_migrate_parameters(JsonObject *args, GError **error)
{
    MigrationState *s = mig_get_current();
    JsonObject *ret;

    if (!qmem_qmp_args_visit(args, NULL, error)) {
        return NULL;
    }
    ret = json_object_new();
    json_object_set_int_member(ret, "max-bandwidth", s->max_bandwidth);
    json_object_set_int_member(ret, "downtime-limit", s->downtime_limit);
    return qmem_json_node_new_object(ret);
}

/* What qmem implements; the others stay off. */
static gboolean capability_supported(int cap)
{
    return cap == MIG_CAP_EVENTS || cap == MIG_CAP_X_IGNORE_SHARED ||
           cap == MIG_CAP_RETURN_PATH || cap == MIG_CAP_ZERO_BLOCKS;
}

static gboolean parse_capability(JsonNode *node, guint i, int *cap,
                                 gboolean *state, GError **error)
{
    g_autofree char *name = g_strdup_printf("capabilities[%u]", i);
    JsonObject *obj;
    JsonNode *c, *st;

    if (!JSON_NODE_HOLDS_OBJECT(node)) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "Invalid parameter type for '%s', expected: object", name);
        return FALSE;
    }
    obj = json_node_get_object(node);
    c = json_object_get_member(obj, "capability");
    st = json_object_get_member(obj, "state");
    if (!c) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "Parameter '%s.capability' is missing", name);
        return FALSE;
    }
    if (!qmem_json_node_holds(c, G_TYPE_STRING)) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "Invalid parameter type for '%s.capability', expected: "
                    "string", name);
        return FALSE;
    }
    *cap = -1;
    for (int k = 0; k < MIG_CAP__MAX; k++) {
        if (!strcmp(mig_capability_names[k], json_node_get_string(c))) {
            *cap = k;
        }
    }
    if (*cap < 0) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "Parameter '%s.capability' does not accept value '%s'",
                    name, json_node_get_string(c));
        return FALSE;
    }
    if (!st) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "Parameter '%s.state' is missing", name);
        return FALSE;
    }
    if (!qmem_json_node_holds(st, G_TYPE_BOOLEAN)) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "Invalid parameter type for '%s.state', expected: "
                    "boolean", name);
        return FALSE;
    }
    *state = json_node_get_boolean(st);
    return TRUE;
}

JsonNode *qmem_qmp_migrate_set_capabilities(JsonObject *args, GError **error)
{
    MigrationState *s = mig_get_current();
    JsonArray *caps;
    const QmemQmpArg members[] = {
        { "capabilities", QMEM_QMP_ARG_ARRAY, &caps },
        { NULL }
    };
    gboolean want[MIG_CAP__MAX];

    if (!qmem_qmp_args_visit(args, members, error)) {
        return NULL;
    }
    if (mig_is_running(s->status)) {
        return fail(error, QERR_MIGRATION_ACTIVE);
    }
    memcpy(want, s->caps, sizeof(want));
    for (guint i = 0; i < json_array_get_length(caps); i++) {
        int cap;
        gboolean state;

        if (!parse_capability(json_array_get_element(caps, i), i, &cap,
                              &state, error)) {
            return NULL;
        }
        if (state && !capability_supported(cap)) {
            g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                        "Migration capability '%s' is not supported by qmem",
                        mig_capability_names[cap]);
            return NULL;
        }
        want[cap] = state;
    }
    memcpy(s->caps, want, sizeof(want));
    return NULL;
}

JsonNode *qmem_qmp_query_migrate_capabilities(JsonObject *args,
                                              GError **error)
{
    MigrationState *s = mig_get_current();
    JsonArray *ret;

    if (!qmem_qmp_args_visit(args, NULL, error)) {
        return NULL;
    }
    ret = json_array_new();
    for (int k = 0; k < MIG_CAP__MAX; k++) {
        JsonObject *o = json_object_new();

        json_object_set_string_member(o, "capability",
                                      mig_capability_names[k]);
        json_object_set_boolean_member(o, "state", s->caps[k]);
        json_array_add_object_element(ret, o);
    }
    return qmem_json_node_new_array(ret);
}

static gboolean add_checksum(QmemRamBlock *rb, gpointer opaque)
{
    GPtrArray *blocks = opaque;

    if (mig_ram_block_migrates(rb)) {
        g_ptr_array_add(blocks, rb);
    }
    return TRUE;
}

static gint by_name(gconstpointer a, gconstpointer b)
{
    const QmemRamBlock *x = *(QmemRamBlock *const *)a;
    const QmemRamBlock *y = *(QmemRamBlock *const *)b;

    return strcmp(x->name, y->name);
}

static gboolean page_is_zero(const guint64 *p, gsize len)
{
    for (gsize i = 0; i < len / 8; i++) {
        if (p[i]) {
            return FALSE;
        }
    }
    return TRUE;
}

/*
 * SHA-256 over (offset, bytes) of every page that is not all zero: equal
 * for equal contents, and quick over memory that was never written.
 */
static void checksum_block(GChecksum *sum, QmemRamBlock *rb)
{
    for (guint64 off = 0; off < rb->size; off += QMEM_TARGET_PAGE_SIZE) {
        gsize len = MIN(QMEM_TARGET_PAGE_SIZE, rb->size - off);
        const guint8 *p = (const guint8 *)rb->host + off;
        guint64 be = GUINT64_TO_BE(off);

        if (!page_is_zero((const guint64 *)p, len)) {
            g_checksum_update(sum, (const guint8 *)&be, sizeof(be));
            g_checksum_update(sum, p, len);
        }
    }
}

JsonNode *qmem_qmp_x_query_ram_checksum(JsonObject *args, GError **error)
{
    g_autoptr(GPtrArray) blocks = g_ptr_array_new();
    JsonArray *ret;

    if (!qmem_qmp_args_visit(args, NULL, error)) {
        return NULL;
    }
    qmem_ram_block_foreach(add_checksum, blocks);
    g_ptr_array_sort(blocks, by_name);
    ret = json_array_new();
    for (guint i = 0; i < blocks->len; i++) {
        QmemRamBlock *rb = g_ptr_array_index(blocks, i);
        g_autoptr(GChecksum) sum = g_checksum_new(G_CHECKSUM_SHA256);
        JsonObject *o = json_object_new();

        checksum_block(sum, rb);
        json_object_set_string_member(o, "id", rb->name);
        json_object_set_int_member(o, "size", rb->size);
        json_object_set_string_member(o, "sha256",
                                      g_checksum_get_string(sum));
        json_array_add_object_element(ret, o);
    }
    return qmem_json_node_new_array(ret);
}
