/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Memory backends over qmem-run's QMP and HMP, checked against QEMU 7.2. */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <glib/gstdio.h>

#include "libqtest.h"

#define MiB (G_GUINT64_CONSTANT(1) << 20)
#define GiB (G_GUINT64_CONSTANT(1) << 30)

/*
 * Expected replies are whole wire lines, as QEMU 7.2 prints them for the
 * same commands (qemu-system-x86_64 -nodefaults -display none -S -qmp
 * stdio, same -object options) unless a comment says otherwise; where
 * QEMU 7.2 lacks a feature the text is QEMU 10.2's.  Where QEMU's order is
 * a hash table's, qmem's is fixed: query-memdev and "info memdev" sort by
 * id, qom-list lists properties in class order and children as added.
 */

#define ERROR_LINE(cls, desc) \
    "{\"error\": {\"class\": \"" cls "\", \"desc\": \"" desc "\"}}"
#define GENERIC_ERROR(desc) ERROR_LINE("GenericError", desc)
#define RETURN_EMPTY "{\"return\": {}}"

/* The pc machine's default RAM backend, 128 MiB, always there. */
#define PC_RAM_MEMDEV \
    "{\"share\": false, \"reserve\": true, \"prealloc\": false, " \
    "\"host-nodes\": [], \"size\": 134217728, \"merge\": true, " \
    "\"dump\": true, \"policy\": \"default\", \"id\": \"pc.ram\"}"
#define PC_RAM_INFO \
    "memory backend: pc.ram\r\n" \
    "  size:  134217728\r\n" \
    "  merge: true\r\n" \
    "  dump: true\r\n" \
    "  prealloc: false\r\n" \
    "  share: false\r\n" \
    "  reserve: true\r\n" \
    "  policy: default\r\n" \
    "  host nodes: \r\n"

/* Sends a command and returns the next line the server sends back. */
static char *qmp_line(QTestState *qts, const char *fmt, ...)
    G_GNUC_PRINTF(2, 3);

static char *qmp_line(QTestState *qts, const char *fmt, ...)
{
    g_autofree char *cmd = NULL;
    va_list ap;

    va_start(ap, fmt);
    cmd = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    qtest_qmp_send(qts, "%s", cmd);
    return qtest_qmp_receive_line(qts);
}

#define assert_qmp_line(qts, expected, ...) \
    do { \
        g_autofree char *line_ = qmp_line(qts, __VA_ARGS__); \
        g_assert_cmpstr(line_, ==, expected); \
    } while (0)

static char *hmp(QTestState *qts, const char *fmt, ...) G_GNUC_PRINTF(2, 3);

static char *hmp(QTestState *qts, const char *fmt, ...)
{
    g_autofree char *cmd = NULL;
    va_list ap;

    va_start(ap, fmt);
    cmd = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    return qtest_hmp(qts, "%s", cmd);
}

#define assert_hmp(qts, expected, ...) \
    do { \
        g_autofree char *out_ = hmp(qts, __VA_ARGS__); \
        g_assert_cmpstr(out_, ==, expected); \
    } while (0)

/* ------------------------------------------------------------------ */
/* The kernel's view of the runner: /proc/<pid>/smaps */

/* The one qmem-run this test process started (libqtest runs one at a time). */
static pid_t runner_pid(void)
{
    g_autoptr(GDir) proc = g_dir_open("/proc", 0, NULL);
    const char *name;
    pid_t found = 0;

    g_assert_nonnull(proc);
    while ((name = g_dir_read_name(proc))) {
        g_autofree char *path = NULL;
        g_autofree char *stat = NULL;
        const char *comm;
        const char *after;
        int ppid;

        if (!g_ascii_isdigit(name[0])) {
            continue;
        }
        path = g_strdup_printf("/proc/%s/stat", name);
        if (!g_file_get_contents(path, &stat, NULL, NULL)) {
            continue;       /* gone meanwhile */
        }
        /* "pid (comm) state ppid ...", comm may hold anything. */
        comm = strchr(stat, '(');
        after = strrchr(stat, ')');
        if (!comm || !after || sscanf(after + 1, " %*c %d", &ppid) != 1 ||
            ppid != getpid() ||
            strncmp(comm + 1, "qmem-run)", strlen("qmem-run)"))) {
            continue;
        }
        g_assert_cmpint(found, ==, 0);
        found = atoi(name);
    }
    g_assert_cmpint(found, >, 0);
    return found;
}

typedef struct {
    guint count;                /* mappings that matched */
    guint64 rss;                /* bytes, of the last match */
    char *vmflags;              /* of the last match */
} Mapping;

static void mapping_clear(Mapping *m)
{
    g_free(m->vmflags);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(Mapping, mapping_clear)

/*
 * Looks for mappings of exactly @size bytes whose path name contains
 * @name (an anonymous mapping has none: pass "").
 */
static void find_mapping(pid_t pid, guint64 size, const char *name,
                         Mapping *m)
{
    g_autofree char *path = g_strdup_printf("/proc/%d/smaps", pid);
    g_autofree char *text = NULL;
    g_auto(GStrv) lines = NULL;
    gboolean in_match = FALSE;

    g_assert_true(g_file_get_contents(path, &text, NULL, NULL));
    lines = g_strsplit(text, "\n", -1);
    mapping_clear(m);
    memset(m, 0, sizeof(*m));
    for (guint i = 0; lines[i]; i++) {
        const char *l = lines[i];
        guint64 start, end, kb;
        int name_at = -1;

        if (sscanf(l, "%" G_GINT64_MODIFIER "x-%" G_GINT64_MODIFIER
                   "x %*s %*s %*s %*s %n", &start, &end, &name_at) >= 2 &&
            name_at >= 0) {
            const char *mname = l + name_at;

            in_match = end - start == size &&
                       (*name ? strstr(mname, name) != NULL : !*mname);
            if (in_match) {
                m->count++;
            }
        } else if (in_match &&
                   sscanf(l, "Rss: %" G_GINT64_MODIFIER "u kB", &kb) == 1) {
            m->rss = kb * 1024;
        } else if (in_match && g_str_has_prefix(l, "VmFlags:")) {
            g_free(m->vmflags);
            /* " fl ags ", so that a flag is found as " fl ". */
            m->vmflags = g_strconcat(l + strlen("VmFlags:"), " ", NULL);
        }
    }
}

static gboolean has_vmflag(const Mapping *m, const char *flag)
{
    g_autofree char *word = g_strdup_printf(" %s ", flag);

    g_assert_nonnull(m->vmflags);
    return strstr(m->vmflags, word) != NULL;
}

/* ------------------------------------------------------------------ */
/* The "done when": QEMU's query-memdev, byte for byte */

/*
 * The reply line of qemu-system-x86_64 -nodefaults -display none -S -qmp
 * stdio -object memory-backend-memfd,id=m,size=1G,prealloc=on, QEMU 7.2.
 * Both default to the pc machine and its 128 MiB "pc.ram"; prealloc-threads,
 * where defaults may differ, is not part of the reply.
 */
#define MEMFD_1G_MEMDEV \
    "{\"share\": true, \"reserve\": true, \"prealloc\": true, " \
    "\"host-nodes\": [], \"size\": 1073741824, \"merge\": true, " \
    "\"dump\": true, \"policy\": \"default\", \"id\": \"m\"}"

static void test_query_memdev_memfd_prealloc(void)
{
    QTestState *qts =
        qtest_init("-object memory-backend-memfd,id=m,size=1G,prealloc=on");
    pid_t pid = runner_pid();
    g_auto(Mapping) map = { 0 };

    assert_qmp_line(qts, "{\"return\": [" MEMFD_1G_MEMDEV ", "
                    PC_RAM_MEMDEV "]}",
                    "{\"execute\": \"query-memdev\"}");
    assert_hmp(qts,
               "memory backend: m\r\n"
               "  size:  1073741824\r\n"
               "  merge: true\r\n"
               "  dump: true\r\n"
               "  prealloc: true\r\n"
               "  share: true\r\n"
               "  reserve: true\r\n"
               "  policy: default\r\n"
               "  host nodes: \r\n"
               PC_RAM_INFO
               "\r\n",
               "info memdev");

    /* Preallocated: every page of the memfd is resident. */
    find_mapping(pid, 1 * GiB, "/memfd:memory-backend-memfd", &map);
    g_assert_cmpuint(map.count, ==, 1);
    g_assert_cmpuint(map.rss, ==, 1 * GiB);

    assert_qmp_line(qts, RETURN_EMPTY,
                    "{\"execute\": \"object-del\", "
                    "\"arguments\": {\"id\": \"m\"}}");
    assert_qmp_line(qts, "{\"return\": [" PC_RAM_MEMDEV "]}",
                    "{\"execute\": \"query-memdev\"}");
    find_mapping(pid, 1 * GiB, "/memfd:memory-backend-memfd", &map);
    g_assert_cmpuint(map.count, ==, 0);
    qtest_quit(qts);
}

/* ------------------------------------------------------------------ */
/* object-add / object-del errors */

typedef struct {
    const char *name;
    const char *extra_args;     /* for qtest_init() */
    const char *arguments;      /* of object-add */
    const char *reply;
} ObjectAddCase;

#define RAM_1M "\"qom-type\": \"memory-backend-ram\", \"id\": \"x\", " \
    "\"size\": 1048576"

static const ObjectAddCase object_add_cases[] = {
    /* Types and ids */
    { "type/unknown", "",
      "{\"qom-type\": \"memory-backend-foo\", \"id\": \"x\", "
      "\"size\": 1048576}",
      GENERIC_ERROR("Parameter 'qom-type' does not accept value "
                    "'memory-backend-foo'") },
    { "type/abstract", "",
      "{\"qom-type\": \"memory-backend\", \"id\": \"x\", \"size\": 1048576}",
      GENERIC_ERROR("Parameter 'qom-type' does not accept value "
                    "'memory-backend'") },
    { "type/missing", "", "{\"id\": \"x\", \"size\": 1048576}",
      GENERIC_ERROR("Parameter 'qom-type' is missing") },
    { "type/not-string", "",
      "{\"qom-type\": 1, \"id\": \"x\", \"size\": 1048576}",
      GENERIC_ERROR("Invalid parameter type for 'qom-type', expected: "
                    "string") },
    { "id/bad", "",
      "{\"qom-type\": \"memory-backend-ram\", \"id\": \"1x\", "
      "\"size\": 1048576}",
      GENERIC_ERROR("Parameter 'id' expects an identifier") },
    { "id/missing", "",
      "{\"qom-type\": \"memory-backend-ram\", \"size\": 1048576}",
      GENERIC_ERROR("Parameter 'id' is missing") },
    { "id/not-string", "",
      "{\"qom-type\": \"memory-backend-ram\", \"id\": 1, \"size\": 1048576}",
      GENERIC_ERROR("Invalid parameter type for 'id', expected: string") },
    { "id/duplicate", "-object memory-backend-ram,id=m,size=1M",
      "{\"qom-type\": \"memory-backend-memfd\", \"id\": \"m\", "
      "\"size\": 1048576}",
      GENERIC_ERROR("attempt to add duplicate property 'm' to object "
                    "(type 'container')") },
    { "id/reserved-default-ram", "",
      "{\"qom-type\": \"memory-backend-ram\", \"id\": \"pc.ram\", "
      "\"size\": 1048576}",
      GENERIC_ERROR("attempt to add duplicate property 'pc.ram' to object "
                    "(type 'container')") },

    /* Properties */
    { "unexpected", "", "{" RAM_1M ", \"foo\": 1}",
      GENERIC_ERROR("Parameter 'foo' is unexpected") },
    { "size/missing", "", "{\"qom-type\": \"memory-backend-ram\", "
      "\"id\": \"x\"}",
      GENERIC_ERROR("Parameter 'size' is missing") },
    { "size/zero", "", "{\"qom-type\": \"memory-backend-ram\", "
      "\"id\": \"x\", \"size\": 0}",
      GENERIC_ERROR("property 'size' of memory-backend-ram doesn't take "
                    "value '0'") },
    { "mem-path/missing", "", "{\"qom-type\": \"memory-backend-file\", "
      "\"id\": \"x\", \"size\": 1048576}",
      GENERIC_ERROR("Parameter 'mem-path' is missing") },
    { "prealloc-threads/zero", "", "{" RAM_1M ", \"prealloc-threads\": 0}",
      GENERIC_ERROR("property 'prealloc-threads' of memory-backend-ram "
                    "doesn't take value '0'") },
    { "host-nodes/uint16", "", "{" RAM_1M ", \"host-nodes\": [70000]}",
      GENERIC_ERROR("Parameter 'null' expects uint16_t") },
    { "host-nodes/max-nodes", "", "{" RAM_1M ", \"host-nodes\": [200], "
      "\"policy\": \"bind\"}",
      GENERIC_ERROR("Invalid host-nodes value: 200") },
    { "policy/bad", "", "{" RAM_1M ", \"policy\": \"foo\"}",
      GENERIC_ERROR("Parameter 'policy' does not accept value 'foo'") },
    { "policy/bind-without-nodes", "", "{" RAM_1M ", \"policy\": \"bind\"}",
      GENERIC_ERROR("host-nodes must be set for policy bind") },
    { "prealloc-reserve-off", "",
      "{" RAM_1M ", \"prealloc\": true, \"reserve\": false}",
      GENERIC_ERROR("'prealloc=on' and 'reserve=off' are incompatible") },
    { "hugetlbsize/zero", "", "{\"qom-type\": \"memory-backend-memfd\", "
      "\"id\": \"x\", \"size\": 1048576, \"hugetlbsize\": 0}",
      GENERIC_ERROR("Property 'memory-backend-memfd.hugetlbsize' doesn't "
                    "take value '0'") },

    /* Wrong JSON type, one per kind of property */
    { "json/size", "", "{\"qom-type\": \"memory-backend-ram\", "
      "\"id\": \"x\", \"size\": \"1M\"}",
      GENERIC_ERROR("Parameter 'size' expects uint64") },
    { "json/size-fraction", "", "{\"qom-type\": \"memory-backend-ram\", "
      "\"id\": \"x\", \"size\": 1.5}",
      GENERIC_ERROR("Parameter 'size' expects uint64") },
    { "json/uint32", "", "{" RAM_1M ", \"prealloc-threads\": \"1\"}",
      GENERIC_ERROR("Parameter 'prealloc-threads' expects uint64") },
    { "json/bool", "", "{" RAM_1M ", \"merge\": \"on\"}",
      GENERIC_ERROR("Invalid parameter type for 'merge', expected: "
                    "boolean") },
    { "json/bool-null", "", "{" RAM_1M ", \"share\": null}",
      GENERIC_ERROR("Invalid parameter type for 'share', expected: "
                    "boolean") },
    { "json/list", "", "{" RAM_1M ", \"host-nodes\": 0}",
      GENERIC_ERROR("Invalid parameter type for 'host-nodes', expected: "
                    "array") },
    { "json/list-element", "", "{" RAM_1M ", \"host-nodes\": [\"0\"]}",
      GENERIC_ERROR("Parameter 'host-nodes[0]' expects uint64") },
    { "json/enum", "", "{" RAM_1M ", \"policy\": 1}",
      GENERIC_ERROR("Invalid parameter type for 'policy', expected: "
                    "string") },
    { "json/string", "", "{\"qom-type\": \"memory-backend-file\", "
      "\"id\": \"x\", \"size\": 1048576, \"mem-path\": 1}",
      GENERIC_ERROR("Invalid parameter type for 'mem-path', expected: "
                    "string") },
    { "json/file-size", "", "{\"qom-type\": \"memory-backend-file\", "
      "\"id\": \"x\", \"size\": 1048576, \"mem-path\": \"/dev/shm\", "
      "\"align\": \"2M\"}",
      GENERIC_ERROR("Parameter 'align' expects uint64") },
    { "json/memfd-bool", "", "{\"qom-type\": \"memory-backend-memfd\", "
      "\"id\": \"x\", \"size\": 1048576, \"seal\": 1}",
      GENERIC_ERROR("Invalid parameter type for 'seal', expected: "
                    "boolean") },
};

static void test_object_add_error(gconstpointer data)
{
    const ObjectAddCase *c = data;
    QTestState *qts = qtest_init(c->extra_args);
    g_autofree char *objects = qmp_line(qts, "{\"execute\": \"qom-list\", "
                                        "\"arguments\": {\"path\": "
                                        "\"/objects\"}}");

    assert_qmp_line(qts, c->reply,
                    "{\"execute\": \"object-add\", \"arguments\": %s}",
                    c->arguments);
    /* Nothing is left behind, and whatever was there is untouched. */
    assert_qmp_line(qts, objects, "{\"execute\": \"qom-list\", "
                    "\"arguments\": {\"path\": \"/objects\"}}");
    qtest_quit(qts);
}

typedef struct {
    const char *name;
    const char *arguments;      /* of object-del */
    const char *reply;
} ObjectDelCase;

static const ObjectDelCase object_del_cases[] = {
    { "unknown", "{\"id\": \"x\"}", GENERIC_ERROR("object 'x' not found") },
    { "missing-id", "{}", GENERIC_ERROR("Parameter 'id' is missing") },
    { "id-not-string", "{\"id\": 1}",
      GENERIC_ERROR("Invalid parameter type for 'id', expected: string") },
    { "unexpected", "{\"id\": \"m\", \"foo\": 1}",
      GENERIC_ERROR("Parameter 'foo' is unexpected") },
};

static void test_object_del_error(gconstpointer data)
{
    const ObjectDelCase *c = data;
    QTestState *qts = qtest_init("-object memory-backend-ram,id=m,size=1M");

    assert_qmp_line(qts, c->reply,
                    "{\"execute\": \"object-del\", \"arguments\": %s}",
                    c->arguments);
    assert_qmp_line(qts, "{\"return\": [{\"name\": \"type\", \"type\": "
                    "\"string\"}, {\"name\": \"m\", \"type\": "
                    "\"child<memory-backend-ram>\"}, {\"name\": \"pc.ram\", "
                    "\"type\": \"child<memory-backend-ram>\"}]}",
                    "{\"execute\": \"qom-list\", "
                    "\"arguments\": {\"path\": \"/objects\"}}");
    qtest_quit(qts);
}

/* ------------------------------------------------------------------ */
/* Each backend type: object-add, qom-list, qom-get defaults, object-del */

typedef struct {
    const char *property;
    const char *value;          /* the JSON qom-get returns */
} PropertyValue;

typedef struct {
    const char *type;
    const char *arguments;      /* of object-add, besides type and id */
    const char *qom_list;       /* the reply, exactly */
    PropertyValue values[24];
} BackendCase;

#define LIST_COMMON \
    "{\"return\": [{\"name\": \"type\", \"type\": \"string\"}, " \
    "{\"name\": \"size\", \"type\": \"int\"}, " \
    "{\"name\": \"merge\", \"type\": \"bool\"}, " \
    "{\"name\": \"dump\", \"type\": \"bool\"}, " \
    "{\"name\": \"prealloc\", \"type\": \"bool\"}, " \
    "{\"name\": \"prealloc-threads\", \"type\": \"int\"}, " \
    "{\"name\": \"prealloc-context\", \"type\": " \
    "\"link<thread-context>\"}, " \
    "{\"name\": \"host-nodes\", \"type\": \"int\"}, " \
    "{\"name\": \"policy\", \"type\": \"HostMemPolicy\"}, " \
    "{\"name\": \"share\", \"type\": \"bool\"}, " \
    "{\"name\": \"reserve\", \"type\": \"bool\"}, " \
    "{\"name\": \"x-use-canonical-path-for-ramblock-id\", " \
    "\"type\": \"bool\"}"

/*
 * Defaults as QEMU 7.2 reports them right after object-add (merge and dump
 * from the machine, prealloc-threads from -smp, rom resolved by complete
 * as QEMU 8.2 does).  QEMU's qom-list has the same properties in its hash
 * order, plus prealloc-context and the memory region child qmem lacks.
 */
static const BackendCase backend_cases[] = {
    {
        "memory-backend-ram", "\"size\": 2097152",
        LIST_COMMON "]}",
        {
            { "type", "\"memory-backend-ram\"" },
            { "size", "2097152" },
            { "merge", "true" },
            { "dump", "true" },
            { "prealloc", "false" },
            { "prealloc-threads", "1" },
            { "host-nodes", "[]" },
            { "policy", "\"default\"" },
            { "share", "false" },
            { "reserve", "true" },
            { "x-use-canonical-path-for-ramblock-id", "false" },
        },
    }, {
        "memory-backend-file", "\"size\": 2097152, \"mem-path\": \"/dev/shm\"",
        LIST_COMMON ", "
        "{\"name\": \"mem-path\", \"type\": \"string\"}, "
        "{\"name\": \"align\", \"type\": \"int\"}, "
        "{\"name\": \"offset\", \"type\": \"int\"}, "
        "{\"name\": \"discard-data\", \"type\": \"bool\"}, "
        "{\"name\": \"readonly\", \"type\": \"bool\"}, "
        "{\"name\": \"rom\", \"type\": \"OnOffAuto\"}]}",
        {
            { "type", "\"memory-backend-file\"" },
            { "size", "2097152" },
            { "merge", "true" },
            { "dump", "true" },
            { "prealloc", "false" },
            { "prealloc-threads", "1" },
            { "host-nodes", "[]" },
            { "policy", "\"default\"" },
            { "share", "false" },
            { "reserve", "true" },
            { "x-use-canonical-path-for-ramblock-id", "false" },
            { "mem-path", "\"/dev/shm\"" },
            { "align", "0" },
            { "offset", "0" },
            { "discard-data", "false" },
            { "readonly", "false" },
            { "rom", "\"off\"" },
        },
    }, {
        "memory-backend-memfd", "\"size\": 2097152",
        LIST_COMMON ", "
        "{\"name\": \"hugetlb\", \"type\": \"bool\"}, "
        "{\"name\": \"hugetlbsize\", \"type\": \"int\"}, "
        "{\"name\": \"seal\", \"type\": \"bool\"}]}",
        {
            { "type", "\"memory-backend-memfd\"" },
            { "size", "2097152" },
            { "merge", "true" },
            { "dump", "true" },
            { "prealloc", "false" },
            { "prealloc-threads", "1" },
            { "host-nodes", "[]" },
            { "policy", "\"default\"" },
            { "share", "true" },
            { "reserve", "true" },
            { "x-use-canonical-path-for-ramblock-id", "false" },
            { "hugetlb", "false" },
            { "hugetlbsize", "0" },
            { "seal", "true" },
        },
    },
};

static void test_backend(gconstpointer data)
{
    const BackendCase *c = data;
    QTestState *qts = qtest_init("");
    /* Children are listed in the order they were added. */
    g_autofree char *child = g_strdup_printf(
        "{\"return\": [{\"name\": \"type\", \"type\": \"string\"}, "
        "{\"name\": \"pc.ram\", \"type\": \"child<memory-backend-ram>\"}, "
        "{\"name\": \"b\", \"type\": \"child<%s>\"}]}",
        c->type);

    assert_qmp_line(qts, RETURN_EMPTY,
                    "{\"execute\": \"object-add\", \"arguments\": "
                    "{\"qom-type\": \"%s\", \"id\": \"b\", %s}}",
                    c->type, c->arguments);
    assert_qmp_line(qts, child, "{\"execute\": \"qom-list\", "
                    "\"arguments\": {\"path\": \"/objects\"}}");
    assert_qmp_line(qts, c->qom_list, "{\"execute\": \"qom-list\", "
                    "\"arguments\": {\"path\": \"/objects/b\"}}");
    for (guint i = 0; c->values[i].property; i++) {
        g_autofree char *expected =
            g_strdup_printf("{\"return\": %s}", c->values[i].value);

        g_test_message("qom-get %s", c->values[i].property);
        assert_qmp_line(qts, expected, "{\"execute\": \"qom-get\", "
                        "\"arguments\": {\"path\": \"/objects/b\", "
                        "\"property\": \"%s\"}}", c->values[i].property);
    }
    /* A path relative to the root resolves when it is unambiguous. */
    assert_qmp_line(qts, "{\"return\": 2097152}",
                    "{\"execute\": \"qom-get\", \"arguments\": "
                    "{\"path\": \"b\", \"property\": \"size\"}}");

    assert_qmp_line(qts, RETURN_EMPTY, "{\"execute\": \"object-del\", "
                    "\"arguments\": {\"id\": \"b\"}}");
    assert_qmp_line(qts, "{\"return\": [{\"name\": \"type\", \"type\": "
                    "\"string\"}, {\"name\": \"pc.ram\", \"type\": "
                    "\"child<memory-backend-ram>\"}]}",
                    "{\"execute\": \"qom-list\", "
                    "\"arguments\": {\"path\": \"/objects\"}}");
    assert_qmp_line(qts, ERROR_LINE("DeviceNotFound",
                                    "Device '/objects/b' not found"),
                    "{\"execute\": \"qom-get\", \"arguments\": "
                    "{\"path\": \"/objects/b\", \"property\": \"size\"}}");
    qtest_quit(qts);
}

/* QEMU 7.1 on: prealloc-threads defaults to -smp's CPU count. */
static void test_prealloc_threads_smp(void)
{
    QTestState *qts =
        qtest_init("-smp 2 -object memory-backend-ram,id=r,size=1M");

    assert_qmp_line(qts, "{\"return\": 2}",
                    "{\"execute\": \"qom-get\", \"arguments\": "
                    "{\"path\": \"/objects/r\", "
                    "\"property\": \"prealloc-threads\"}}");
    qtest_quit(qts);
}

static void test_qom_get_errors(void)
{
    QTestState *qts = qtest_init("-object memory-backend-ram,id=r,size=1M");

    assert_qmp_line(qts,
                    GENERIC_ERROR("Property 'memory-backend-ram.foo' not "
                                  "found"),
                    "{\"execute\": \"qom-get\", \"arguments\": "
                    "{\"path\": \"/objects/r\", \"property\": \"foo\"}}");
    assert_qmp_line(qts,
                    ERROR_LINE("DeviceNotFound",
                               "Device '/objects/nope' not found"),
                    "{\"execute\": \"qom-get\", \"arguments\": "
                    "{\"path\": \"/objects/nope\", \"property\": \"size\"}}");
    qtest_quit(qts);
}

/* ------------------------------------------------------------------ */
/* qom-set after creation */

typedef struct {
    const char *name;
    const char *object;         /* -object, its id is "b" */
    const char *property;
    const char *value;          /* JSON */
    const char *reply;
    const char *after;          /* what qom-get returns then */
} QomSetCase;

#define RAM_B "memory-backend-ram,id=b,size=2M"
#define FILE_B "memory-backend-file,id=b,size=2M,mem-path=/dev/shm"
#define MEMFD_B "memory-backend-memfd,id=b,size=2M"

static const QomSetCase qom_set_cases[] = {
    /* Frozen once the memory exists */
    { "ram/size", RAM_B, "size", "4194304",
      GENERIC_ERROR("cannot change property size of memory-backend-ram "),
      "2097152" },
    { "file/size", FILE_B, "size", "4194304",
      GENERIC_ERROR("cannot change property size of memory-backend-file "),
      "2097152" },
    { "memfd/size", MEMFD_B, "size", "4194304",
      GENERIC_ERROR("cannot change property size of memory-backend-memfd "),
      "2097152" },
    { "ram/share", RAM_B, "share", "true",
      GENERIC_ERROR("cannot change property value"), "false" },
    { "ram/reserve", RAM_B, "reserve", "false",
      GENERIC_ERROR("cannot change property value"), "true" },
    { "file/mem-path", FILE_B, "mem-path", "\"/tmp\"",
      GENERIC_ERROR("cannot change property 'mem-path' of "
                    "memory-backend-file"), "\"/dev/shm\"" },
    { "file/align", FILE_B, "align", "4096",
      GENERIC_ERROR("cannot change property 'align' of "
                    "memory-backend-file"), "0" },
    { "file/readonly", FILE_B, "readonly", "true",
      GENERIC_ERROR("cannot change property 'readonly' of "
                    "memory-backend-file."), "false" },
    /* QEMU 8.1 and 8.2 */
    { "file/offset", FILE_B, "offset", "4096",
      GENERIC_ERROR("cannot change property 'offset' of "
                    "memory-backend-file"), "0" },
    { "file/rom", FILE_B, "rom", "\"on\"",
      GENERIC_ERROR("cannot change property 'rom' of "
                    "memory-backend-file."), "\"off\"" },
    { "memfd/hugetlbsize", MEMFD_B, "hugetlbsize", "2097152",
      GENERIC_ERROR("cannot change property value"), "0" },

    /* Free at any time */
    { "ram/prealloc-threads", RAM_B, "prealloc-threads", "4", RETURN_EMPTY,
      "4" },
    { "ram/prealloc-threads-zero", RAM_B, "prealloc-threads", "0",
      GENERIC_ERROR("property 'prealloc-threads' of memory-backend-ram "
                    "doesn't take value '0'"), "1" },
    { "ram/policy", RAM_B, "policy", "\"interleave\"", RETURN_EMPTY,
      "\"interleave\"" },
    { "ram/host-nodes", RAM_B, "host-nodes", "[1, 0]", RETURN_EMPTY,
      "[0, 1]" },
    { "ram/host-nodes-empty", RAM_B, "host-nodes", "[]", RETURN_EMPTY,
      "[]" },
    { "ram/host-nodes-max", RAM_B, "host-nodes", "[200]",
      GENERIC_ERROR("Invalid host-nodes value: 200"), "[]" },
    { "file/discard-data", FILE_B, "discard-data", "true", RETURN_EMPTY,
      "true" },
    { "memfd/seal", MEMFD_B, "seal", "false", RETURN_EMPTY, "false" },
    { "memfd/hugetlb", MEMFD_B, "hugetlb", "true", RETURN_EMPTY, "true" },
    { "ram/canonical-path", RAM_B, "x-use-canonical-path-for-ramblock-id",
      "true", RETURN_EMPTY, "true" },
    /* prealloc=off once allocated is ignored, prealloc stays on */
    { "ram/prealloc-off", RAM_B ",prealloc=on", "prealloc", "false",
      RETURN_EMPTY, "true" },
    { "ram/prealloc-reserve-off", RAM_B ",reserve=off", "prealloc", "true",
      GENERIC_ERROR("'prealloc=on' and 'reserve=off' are incompatible"),
      "false" },

    /* The strict JSON input visitor */
    { "ram/merge-string", RAM_B, "merge", "\"x\"",
      GENERIC_ERROR("Invalid parameter type for 'merge', expected: "
                    "boolean"), "true" },
    { "ram/policy-bad", RAM_B, "policy", "\"foo\"",
      GENERIC_ERROR("Parameter 'policy' does not accept value 'foo'"),
      "\"default\"" },
    { "ram/unknown", RAM_B, "foo", "1",
      GENERIC_ERROR("Property 'memory-backend-ram.foo' not found"), NULL },
    { "ram/type", RAM_B, "type", "\"x\"",
      GENERIC_ERROR("Property 'memory-backend-ram.type' is not writable"),
      "\"memory-backend-ram\"" },
};

static void test_qom_set(gconstpointer data)
{
    const QomSetCase *c = data;
    QTestState *qts = qtest_initf("-object %s", c->object);

    assert_qmp_line(qts, c->reply, "{\"execute\": \"qom-set\", "
                    "\"arguments\": {\"path\": \"/objects/b\", "
                    "\"property\": \"%s\", \"value\": %s}}",
                    c->property, c->value);
    if (c->after) {
        g_autofree char *expected =
            g_strdup_printf("{\"return\": %s}", c->after);

        assert_qmp_line(qts, expected, "{\"execute\": \"qom-get\", "
                        "\"arguments\": {\"path\": \"/objects/b\", "
                        "\"property\": \"%s\"}}", c->property);
    }
    qtest_quit(qts);
}

/* merge and dump take effect on the live mapping (its VmFlags) at once. */
static void test_qom_set_merge_dump(void)
{
    QTestState *qts =
        qtest_init("-object memory-backend-ram,id=r,size=66M");
    pid_t pid = runner_pid();
    g_auto(Mapping) map = { 0 };

    find_mapping(pid, 66 * MiB, "", &map);
    g_assert_cmpuint(map.count, ==, 1);
    g_assert_true(has_vmflag(&map, "mg"));
    g_assert_false(has_vmflag(&map, "dd"));

    qtest_qmp_assert_success(qts, "{\"execute\": \"qom-set\", \"arguments\": "
                             "{\"path\": \"/objects/r\", \"property\": "
                             "\"merge\", \"value\": false}}");
    qtest_qmp_assert_success(qts, "{\"execute\": \"qom-set\", \"arguments\": "
                             "{\"path\": \"/objects/r\", \"property\": "
                             "\"dump\", \"value\": false}}");
    find_mapping(pid, 66 * MiB, "", &map);
    g_assert_cmpuint(map.count, ==, 1);
    g_assert_false(has_vmflag(&map, "mg"));
    g_assert_true(has_vmflag(&map, "dd"));

    qtest_qmp_assert_success(qts, "{\"execute\": \"qom-set\", \"arguments\": "
                             "{\"path\": \"/objects/r\", \"property\": "
                             "\"merge\", \"value\": true}}");
    qtest_qmp_assert_success(qts, "{\"execute\": \"qom-set\", \"arguments\": "
                             "{\"path\": \"/objects/r\", \"property\": "
                             "\"dump\", \"value\": true}}");
    find_mapping(pid, 66 * MiB, "", &map);
    g_assert_cmpuint(map.count, ==, 1);
    g_assert_true(has_vmflag(&map, "mg"));
    g_assert_false(has_vmflag(&map, "dd"));
    assert_qmp_line(qts, "{\"return\": [" PC_RAM_MEMDEV ", "
                    "{\"share\": false, \"reserve\": true, "
                    "\"prealloc\": false, \"host-nodes\": [], "
                    "\"size\": 69206016, \"merge\": true, \"dump\": true, "
                    "\"policy\": \"default\", \"id\": \"r\"}]}",
                    "{\"execute\": \"query-memdev\"}");
    qtest_quit(qts);
}

/* prealloc=on after creation faults the whole backend in at once. */
static void test_qom_set_prealloc(gconstpointer data)
{
    const char *type = data;
    QTestState *qts = NULL;
    g_autofree char *dir = NULL;
    const char *name;
    pid_t pid;
    g_auto(Mapping) map = { 0 };

    if (!strcmp(type, "memory-backend-file")) {
        g_autoptr(GError) error = NULL;

        dir = g_dir_make_tmp("qmem-qmp-XXXXXX", &error);
        g_assert_no_error(error);
        qts = qtest_initf("-object %s,id=b,size=34M,mem-path=%s", type, dir);
        name = "/qemu_back_mem.b.";
    } else {
        qts = qtest_initf("-object %s,id=b,size=34M", type);
        name = strcmp(type, "memory-backend-memfd") ?
               "" : "/memfd:memory-backend-memfd";
    }
    pid = runner_pid();

    find_mapping(pid, 34 * MiB, name, &map);
    g_assert_cmpuint(map.count, ==, 1);
    g_assert_cmpuint(map.rss, ==, 0);

    assert_qmp_line(qts, RETURN_EMPTY, "{\"execute\": \"qom-set\", "
                    "\"arguments\": {\"path\": \"/objects/b\", "
                    "\"property\": \"prealloc\", \"value\": true}}");
    find_mapping(pid, 34 * MiB, name, &map);
    g_assert_cmpuint(map.count, ==, 1);
    g_assert_cmpuint(map.rss, ==, 34 * MiB);
    assert_qmp_line(qts, "{\"return\": true}", "{\"execute\": \"qom-get\", "
                    "\"arguments\": {\"path\": \"/objects/b\", "
                    "\"property\": \"prealloc\"}}");

    assert_qmp_line(qts, RETURN_EMPTY, "{\"execute\": \"object-del\", "
                    "\"arguments\": {\"id\": \"b\"}}");
    find_mapping(pid, 34 * MiB, name, &map);
    g_assert_cmpuint(map.count, ==, 0);
    qtest_quit(qts);
    if (dir) {
        /* The temporary file was unlinked as soon as it was opened. */
        g_assert_cmpint(g_rmdir(dir), ==, 0);
    }
}

/* ------------------------------------------------------------------ */
/* HMP */

static void test_hmp_info_memdev(void)
{
    QTestState *qts = qtest_init(
        "-object memory-backend-ram,id=r,size=2M,merge=off,dump=off "
        "-object memory-backend-memfd,id=d,size=4M,prealloc=on "
        "-object memory-backend-file,id=f,size=2M,mem-path=/dev/shm,"
        "share=on,reserve=off");

    /* Ranges are printed compressed; the setter adds to the set. */
    qtest_qmp_assert_success(qts, "{\"execute\": \"qom-set\", \"arguments\": "
                             "{\"path\": \"/objects/r\", \"property\": "
                             "\"host-nodes\", \"value\": [0, 1, 5]}}");
    qtest_qmp_assert_success(qts, "{\"execute\": \"qom-set\", \"arguments\": "
                             "{\"path\": \"/objects/r\", \"property\": "
                             "\"host-nodes\", \"value\": [2, 7]}}");
    qtest_qmp_assert_success(qts, "{\"execute\": \"qom-set\", \"arguments\": "
                             "{\"path\": \"/objects/r\", \"property\": "
                             "\"policy\", \"value\": \"interleave\"}}");
    assert_hmp(qts,
               "memory backend: d\r\n"
               "  size:  4194304\r\n"
               "  merge: true\r\n"
               "  dump: true\r\n"
               "  prealloc: true\r\n"
               "  share: true\r\n"
               "  reserve: true\r\n"
               "  policy: default\r\n"
               "  host nodes: \r\n"
               "memory backend: f\r\n"
               "  size:  2097152\r\n"
               "  merge: true\r\n"
               "  dump: true\r\n"
               "  prealloc: false\r\n"
               "  share: true\r\n"
               "  reserve: false\r\n"
               "  policy: default\r\n"
               "  host nodes: \r\n"
               PC_RAM_INFO
               "memory backend: r\r\n"
               "  size:  2097152\r\n"
               "  merge: false\r\n"
               "  dump: false\r\n"
               "  prealloc: false\r\n"
               "  share: false\r\n"
               "  reserve: true\r\n"
               "  policy: interleave\r\n"
               "  host nodes: 0-2,5,7\r\n"
               "\r\n",
               "info memdev");
    qtest_quit(qts);
}

typedef struct {
    const char *command;        /* HMP command line */
    const char *output;
    const char *property;       /* then qom-get this ... */
    const char *value;          /* ... and expect this */
} HmpCase;

/* HMP qom-set parses with the string input visitor: suffixes, ranges. */
static const HmpCase hmp_qom_set_cases[] = {
    { "qom-set /objects/r prealloc-threads 0x2", "",
      "prealloc-threads", "2" },
    { "qom-set /objects/r merge off", "", "merge", "false" },
    { "qom-set /objects/r dump no", "", "dump", "false" },
    { "qom-set /objects/r host-nodes 0-1", "", "host-nodes", "[0, 1]" },
    { "qom-set /objects/r host-nodes 3,5-6", "", "host-nodes",
      "[0, 1, 3, 5, 6]" },
    { "qom-set /objects/r policy preferred", "", "policy",
      "\"preferred\"" },
    { "qom-set /objects/r prealloc on", "", "prealloc", "true" },
    { "qom-set /objects/r size 4M",
      "Error: cannot change property size of memory-backend-ram \r\n",
      "size", "2097152" },
    { "qom-set /objects/r merge maybe",
      "Error: Parameter 'merge' expects 'on' or 'off'\r\n",
      "merge", "false" },
    { "qom-set /objects/r prealloc-threads x",
      "Error: Parameter 'prealloc-threads' expects uint64\r\n",
      "prealloc-threads", "2" },
    { "qom-set /objects/r prealloc-threads 0",
      "Error: property 'prealloc-threads' of memory-backend-ram doesn't "
      "take value '0'\r\n",
      "prealloc-threads", "2" },
    { "qom-set /objects/r policy x",
      "Error: Parameter 'policy' does not accept value 'x'\r\n",
      "policy", "\"preferred\"" },
    { "qom-set /objects/r host-nodes 200",
      "Error: Invalid host-nodes value: 200\r\n",
      "host-nodes", "[0, 1, 3, 5, 6]" },
    { "qom-set /objects/r foo 1",
      "Error: Property 'memory-backend-ram.foo' not found\r\n", NULL, NULL },
    { "qom-set /objects/x foo 1",
      "Error: Device '/objects/x' not found\r\n", NULL, NULL },
};

/* Runs every case on one instance: later cases see the earlier ones. */
static void test_hmp_qom_set(void)
{
    QTestState *qts = qtest_init("-object memory-backend-ram,id=r,size=2M");

    for (gsize i = 0; i < G_N_ELEMENTS(hmp_qom_set_cases); i++) {
        const HmpCase *c = &hmp_qom_set_cases[i];

        g_test_message("%s", c->command);
        assert_hmp(qts, c->output, "%s", c->command);
        if (c->property) {
            g_autofree char *expected =
                g_strdup_printf("{\"return\": %s}", c->value);

            assert_qmp_line(qts, expected, "{\"execute\": \"qom-get\", "
                            "\"arguments\": {\"path\": \"/objects/r\", "
                            "\"property\": \"%s\"}}", c->property);
        }
    }
    qtest_quit(qts);
}

/* HMP object_add takes keyval syntax (lists as key.N=) and its texts. */
static const HmpCase hmp_object_cases[] = {
    { "object_add memory-backend-ram,id=h,size=1M,host-nodes.0=0,"
      "policy=preferred", "", "host-nodes", "[0]" },
    { "object_add memory-backend-ram,id=h2,size=1M,host-nodes=0",
      "Error: Invalid parameter type for 'host-nodes', expected: array\r\n",
      NULL, NULL },
    { "object_add memory-backend-ram,id=h2,size=1x",
      "Error: Parameter 'size' expects size\r\n", NULL, NULL },
    { "object_add memory-backend-ram,id=h2,size=1M,foo=1",
      "Error: Parameter 'foo' is unexpected\r\n", NULL, NULL },
    { "object_add memory-backend-ram,id=h,size=1M",
      "Error: attempt to add duplicate property 'h' to object "
      "(type 'container')\r\n", NULL, NULL },
    { "object_add memory-backend,id=h2,size=1M",
      "Error: Parameter 'qom-type' does not accept value "
      "'memory-backend'\r\n", NULL, NULL },
    { "object_add memory-backend-ram,id=h2,size=0",
      "Error: property 'size' of memory-backend-ram doesn't take value "
      "'0'\r\n", NULL, NULL },
    { "object_add memory-backend-ram,id=h2",
      "Error: Parameter 'size' is missing\r\n", NULL, NULL },
    { "object_add memory-backend-ram,id=2h,size=1M",
      "Error: Parameter 'id' expects an identifier\r\n"
      "Identifiers consist of letters, digits, '-', '.', '_', starting with "
      "a letter.\r\n", NULL, NULL },
    { "object_del h", "", NULL, NULL },
    { "object_del h", "Error: object 'h' not found\r\n", NULL, NULL },
};

static void test_hmp_object_add_del(void)
{
    QTestState *qts = qtest_init("");

    for (gsize i = 0; i < G_N_ELEMENTS(hmp_object_cases); i++) {
        const HmpCase *c = &hmp_object_cases[i];

        g_test_message("%s", c->command);
        assert_hmp(qts, c->output, "%s", c->command);
        if (c->property) {
            g_autofree char *expected =
                g_strdup_printf("{\"return\": %s}", c->value);

            assert_qmp_line(qts, expected, "{\"execute\": \"qom-get\", "
                            "\"arguments\": {\"path\": \"/objects/h\", "
                            "\"property\": \"%s\"}}", c->property);
        }
    }
    /* Only the default RAM backend is left. */
    assert_qmp_line(qts, "{\"return\": [" PC_RAM_MEMDEV "]}",
                    "{\"execute\": \"query-memdev\"}");
    qtest_quit(qts);
}

/* ------------------------------------------------------------------ */
/* A file backend on a directory leaves nothing in it, failing or not */

static void test_file_directory(void)
{
    g_autoptr(GError) error = NULL;
    g_autofree char *dir = g_dir_make_tmp("qmem-qmp-XXXXXX", &error);
    g_autofree char *quoted = NULL;
    g_autoptr(GDir) d = NULL;
    QTestState *qts;

    g_assert_no_error(error);
    quoted = qtest_json_quote(dir);
    qts = qtest_init("");

    /* Fails in complete, after the temporary file and mapping exist. */
    assert_qmp_line(qts,
                    GENERIC_ERROR("host-nodes must be set for policy bind"),
                    "{\"execute\": \"object-add\", \"arguments\": "
                    "{\"qom-type\": \"memory-backend-file\", \"id\": \"f\", "
                    "\"size\": 2097152, \"mem-path\": %s, "
                    "\"policy\": \"bind\"}}", quoted);
    assert_qmp_line(qts,
                    GENERIC_ERROR("backend 'memory-backend-file' memory size "
                                  "must be multiple of 4 KiB"),
                    "{\"execute\": \"object-add\", \"arguments\": "
                    "{\"qom-type\": \"memory-backend-file\", \"id\": \"f\", "
                    "\"size\": 1024, \"mem-path\": %s}}", quoted);
    d = g_dir_open(dir, 0, &error);
    g_assert_no_error(error);
    g_assert_null(g_dir_read_name(d));
    g_clear_pointer(&d, g_dir_close);

    /* Succeeds: the temporary file is unlinked once open. */
    assert_qmp_line(qts, RETURN_EMPTY,
                    "{\"execute\": \"object-add\", \"arguments\": "
                    "{\"qom-type\": \"memory-backend-file\", \"id\": \"f\", "
                    "\"size\": 2097152, \"mem-path\": %s}}", quoted);
    d = g_dir_open(dir, 0, &error);
    g_assert_no_error(error);
    g_assert_null(g_dir_read_name(d));
    g_clear_pointer(&d, g_dir_close);

    qtest_quit(qts);
    g_assert_cmpint(g_rmdir(dir), ==, 0);
}

/*
 * Deleting a backend in use ("object '%s' is in use, can not be deleted")
 * needs a consumer: the pc-dimm tests cover it.
 */

int main(int argc, char **argv)
{
    static const char *const prealloc_types[] = {
        "memory-backend-ram", "memory-backend-memfd", "memory-backend-file",
    };

    g_test_init(&argc, &argv, NULL);
    /* One wrong text fails its case, not every case after it. */
    g_test_set_nonfatal_assertions();

    g_test_add_func("/qmem-run/qmp/query-memdev/memfd-prealloc",
                    test_query_memdev_memfd_prealloc);
    for (gsize i = 0; i < G_N_ELEMENTS(object_add_cases); i++) {
        g_autofree char *path =
            g_strdup_printf("/qmem-run/qmp/object-add/error/%s",
                            object_add_cases[i].name);

        g_test_add_data_func(path, &object_add_cases[i],
                             test_object_add_error);
    }
    for (gsize i = 0; i < G_N_ELEMENTS(object_del_cases); i++) {
        g_autofree char *path =
            g_strdup_printf("/qmem-run/qmp/object-del/error/%s",
                            object_del_cases[i].name);

        g_test_add_data_func(path, &object_del_cases[i],
                             test_object_del_error);
    }
    for (gsize i = 0; i < G_N_ELEMENTS(backend_cases); i++) {
        g_autofree char *path =
            g_strdup_printf("/qmem-run/qmp/%s/properties",
                            backend_cases[i].type);

        g_test_add_data_func(path, &backend_cases[i], test_backend);
    }
    g_test_add_func("/qmem-run/qmp/qom-get/prealloc-threads-smp",
                    test_prealloc_threads_smp);
    g_test_add_func("/qmem-run/qmp/qom-get/errors", test_qom_get_errors);
    for (gsize i = 0; i < G_N_ELEMENTS(qom_set_cases); i++) {
        g_autofree char *path =
            g_strdup_printf("/qmem-run/qmp/qom-set/%s",
                            qom_set_cases[i].name);

        g_test_add_data_func(path, &qom_set_cases[i], test_qom_set);
    }
    g_test_add_func("/qmem-run/qmp/qom-set/merge-dump-live",
                    test_qom_set_merge_dump);
    for (gsize i = 0; i < G_N_ELEMENTS(prealloc_types); i++) {
        g_autofree char *path =
            g_strdup_printf("/qmem-run/qmp/qom-set/prealloc-live/%s",
                            prealloc_types[i]);

        g_test_add_data_func(path, prealloc_types[i], test_qom_set_prealloc);
    }
    g_test_add_func("/qmem-run/hmp/info-memdev", test_hmp_info_memdev);
    g_test_add_func("/qmem-run/hmp/qom-set", test_hmp_qom_set);
    g_test_add_func("/qmem-run/hmp/object-add-del", test_hmp_object_add_del);
    g_test_add_func("/qmem-run/qmp/object-add/file-directory",
                    test_file_directory);

    return g_test_run();
}
