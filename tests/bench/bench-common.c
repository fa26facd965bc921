/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What the benchmarks share: VMM processes over QMP, timing, host facts. */

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "tests/bench/bench-common.h"

extern char **environ;

double bench_now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

char *bench_first_line(const char *text)
{
    const char *nl = strchr(text, '\n');

    return nl ? g_strndup(text, nl - text) : g_strdup(text);
}

void bench_keep_best(BenchResult *best, BenchResult r)
{
    if (best->failure) {
        g_free(r.failure);
    } else if (r.failure) {
        best->failure = r.failure;
    } else {
        best->seconds = MIN(best->seconds, r.seconds);
    }
}

guint64 bench_mem_available(void)
{
    g_autofree char *text = NULL;
    const char *p;

    if (!g_file_get_contents("/proc/meminfo", &text, NULL, NULL)
        || !(p = strstr(text, "MemAvailable:"))) {
        return 0;
    }
    return g_ascii_strtoull(p + strlen("MemAvailable:"), NULL, 10) * 1024;
}

char *bench_cpu_model(void)
{
    g_autofree char *text = NULL;
    g_auto(GStrv) lines = NULL;
    guint i;

    if (g_file_get_contents("/proc/cpuinfo", &text, NULL, NULL)) {
        lines = g_strsplit(text, "\n", -1);
        for (i = 0; lines[i]; i++) {
            const char *colon = strchr(lines[i], ':');

            if (g_str_has_prefix(lines[i], "model name") && colon) {
                return g_strstrip(g_strdup(colon + 1));
            }
        }
    }
    return g_strdup("unknown model");
}

char *bench_program_version(const char *prog)
{
    g_autofree char *out = NULL;
    const char *argv[] = { prog, "--version", NULL };
    int status;

    if (!g_spawn_sync(NULL, (char **)argv, NULL,
                      G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL, NULL,
                      NULL, &out, NULL, &status, NULL)
        || !g_spawn_check_wait_status(status, NULL)) {
        return NULL;
    }
    return bench_first_line(out);
}

gboolean bench_find_qmem(char **qmem, GPtrArray *notes)
{
    gboolean have;

    if (!*qmem && g_getenv("QMEM_RUN") && *g_getenv("QMEM_RUN")) {
        *qmem = g_strdup(g_getenv("QMEM_RUN"));
    }
    have = *qmem && g_file_test(*qmem, G_FILE_TEST_IS_EXECUTABLE)
           && !g_file_test(*qmem, G_FILE_TEST_IS_DIR);
    if (!*qmem) {
        g_ptr_array_add(
            notes,
            g_strdup(
                "qmem: column skipped, set QMEM_RUN or pass --qmem (a build "
                "has it at <builddir>/qmem-run)"));
    } else if (!have) {
        g_ptr_array_add(
            notes,
            g_strdup_printf("qmem: column skipped, '%s' is not an executable",
                            *qmem));
    }
    return have;
}

gboolean bench_find_qemu(const char *qemu, char **path, char **version,
                         GPtrArray *notes)
{
    *path = g_find_program_in_path(qemu ? qemu : "qemu-system-x86_64");
    *version = *path ? bench_program_version(*path) : NULL;
    if (!*version) {
        g_ptr_array_add(
            notes, g_strdup_printf("QEMU: column skipped, %s is not installed",
                                   qemu ? qemu : "qemu-system-x86_64"));
        return FALSE;
    }
    return TRUE;
}

void bench_print_notes(GPtrArray *notes)
{
    guint i;

    if (notes->len) {
        printf("\n");
    }
    for (i = 0; i < notes->len; i++) {
        printf("note: %s\n", (char *)notes->pdata[i]);
    }
}

gboolean bench_vmm_start(BenchVmm *v, char **argv, double *t0,
                         char **failure)
{
    posix_spawn_file_actions_t fa;
    int in[2], out[2], err;

    memset(v, 0, sizeof(*v));
    v->pid = -1;
    v->in = v->out = v->err = -1;
    if (pipe2(in, O_CLOEXEC)) {
        *failure = g_strdup_printf("pipe: %s", g_strerror(errno));
        return FALSE;
    }
    if (pipe2(out, O_CLOEXEC)) {
        *failure = g_strdup_printf("pipe: %s", g_strerror(errno));
        close(in[0]);
        close(in[1]);
        return FALSE;
    }
    v->err = memfd_create("stderr", MFD_CLOEXEC);
    if (v->err < 0) {
        *failure = g_strdup_printf("memfd_create: %s", g_strerror(errno));
        close(in[0]);
        close(in[1]);
        close(out[0]);
        close(out[1]);
        return FALSE;
    }
    v->buf = g_string_new(NULL);

    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, in[0], 0);
    posix_spawn_file_actions_adddup2(&fa, out[1], 1);
    posix_spawn_file_actions_adddup2(&fa, v->err, 2);
    *t0 = bench_now();
    err = posix_spawnp(&v->pid, argv[0], &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    close(in[0]);
    close(out[1]);
    v->in = in[1];
    v->out = out[0];
    if (err) {
        *failure = g_strdup_printf("%s: %s", argv[0], g_strerror(err));
        v->pid = -1;
        return FALSE;
    }
    return TRUE;
}

char *bench_vmm_read_line(BenchVmm *v, double deadline, double *when)
{
    for (;;) {
        struct pollfd pfd = { .fd = v->out, .events = POLLIN };
        char *nl = memchr(v->buf->str, '\n', v->buf->len);
        char buf[4096];
        int left;
        ssize_t n;

        if (nl) {
            char *line = g_strndup(v->buf->str, nl - v->buf->str);

            g_string_erase(v->buf, 0, nl + 1 - v->buf->str);
            return line;
        }
        left = (deadline - bench_now()) * 1000;
        if (v->eof || left <= 0 || poll(&pfd, 1, left) <= 0) {
            return NULL;
        }
        n = read(v->out, buf, sizeof(buf));
        *when = bench_now();
        if (n <= 0) {
            v->eof = TRUE;
            return NULL;
        }
        if (!v->first_byte) {
            v->first_byte = *when;
        }
        g_string_append_len(v->buf, buf, n);
    }
}

#define GREETING_TIMEOUT_S 60.0
#define REPLY_TIMEOUT_S 30.0

gboolean bench_vmm_wait_greeting(BenchVmm *v, double *first_byte,
                                 char **failure)
{
    g_autofree char *line = NULL;
    const char *p;
    double when;

    line = bench_vmm_read_line(v, bench_now() + GREETING_TIMEOUT_S, &when);
    if (!line) {
        *failure = bench_vmm_failure(v, "no QMP greeting");
        return FALSE;
    }
    for (p = line; *p == ' '; p++) {
        continue;
    }
    if (!g_str_has_prefix(p, "{\"QMP\"")) {
        *failure = g_strdup_printf("not a QMP greeting: %s", line);
        return FALSE;
    }
    *first_byte = v->first_byte;
    return TRUE;
}

static gboolean vmm_write(BenchVmm *v, const char *what, const char *cmd,
                          char **failure)
{
    g_autofree char *text = g_strdup_printf("%s\n", cmd);
    gsize done = 0;

    while (done < strlen(text)) {
        ssize_t n = write(v->in, text + done, strlen(text) - done);

        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0) {
            g_autofree char *why = g_strdup_printf("%s: stdin closed", what);

            *failure = bench_vmm_failure(v, why);
            return FALSE;
        }
        done += n;
    }
    return TRUE;
}

/* The next QMP message, an object; %NULL with *@failure set if none. */
static JsonObject *vmm_read_message(BenchVmm *v, const char *what,
                                    double deadline, double *when,
                                    char **failure)
{
    g_autoptr(JsonParser) parser = json_parser_new();
    g_autofree char *line = bench_vmm_read_line(v, deadline, when);
    JsonNode *root;

    if (!line) {
        g_autofree char *why = g_strdup_printf("%s: no reply", what);

        *failure = bench_vmm_failure(v, why);
        return NULL;
    }
    if (!json_parser_load_from_data(parser, line, -1, NULL)
        || !(root = json_parser_get_root(parser))
        || !JSON_NODE_HOLDS_OBJECT(root)) {
        *failure = g_strdup_printf("not a QMP message: %s", line);
        return NULL;
    }
    return json_object_ref(json_node_get_object(root));
}

static void vmm_keep_event(BenchVmm *v, JsonObject *event, double when)
{
    BenchEvent *e = g_new0(BenchEvent, 1);

    e->event = event;
    e->when = when;
    g_queue_push_tail(&v->events, e);
}

static void bench_event_free(BenchEvent *e)
{
    json_object_unref(e->event);
    g_free(e);
}

gboolean bench_vmm_command(BenchVmm *v, const char *what, const char *cmd,
                           double *seconds, JsonNode **ret, char **failure)
{
    double deadline = bench_now() + REPLY_TIMEOUT_S;
    double t0 = bench_now();
    g_autoptr(JsonObject) reply = NULL;
    double when;

    if (!vmm_write(v, what, cmd, failure)) {
        return FALSE;
    }
    for (;;) {
        reply = vmm_read_message(v, what, deadline, &when, failure);
        if (!reply) {
            return FALSE;
        }
        if (!json_object_has_member(reply, "event")) {
            break;
        }
        vmm_keep_event(v, g_steal_pointer(&reply), when);
    }
    if (json_object_has_member(reply, "error")) {
        JsonObject *e = json_object_get_object_member(reply, "error");

        *failure = g_strdup_printf("%s: %s", what,
            e ? json_object_get_string_member_with_default(e, "desc", "")
              : "");
        return FALSE;
    }
    if (!json_object_has_member(reply, "return")) {
        *failure = g_strdup_printf("%s: not a QMP reply", what);
        return FALSE;
    }
    *seconds = when - t0;
    if (ret) {
        *ret = json_node_copy(json_object_get_member(reply, "return"));
    }
    return TRUE;
}

/* The data of @event if it is called @name, else %NULL. */
static JsonObject *event_data(JsonObject *event, const char *name)
{
    JsonObject *data;

    if (g_strcmp0(json_object_get_string_member_with_default(event, "event",
                                                             NULL),
                  name)) {
        return NULL;
    }
    data = json_object_get_object_member(event, "data");
    return data ? json_object_ref(data) : json_object_new();
}

JsonObject *bench_vmm_wait_event(BenchVmm *v, const char *name,
                                 double deadline, double *when)
{
    BenchEvent *e;

    while ((e = g_queue_pop_head(&v->events))) {
        JsonObject *data = event_data(e->event, name);

        *when = e->when;
        bench_event_free(e);
        if (data) {
            return data;
        }
    }
    for (;;) {
        g_autofree char *failure = NULL;
        g_autoptr(JsonObject) msg =
            vmm_read_message(v, name, deadline, when, &failure);
        JsonObject *data;

        if (!msg) {
            return NULL;
        }
        data = event_data(msg, name);
        if (data) {
            return data;
        }
    }
}

char *bench_vmm_stderr_line(BenchVmm *v)
{
    GString *s = g_string_new(NULL);
    g_autofree char *text = NULL;
    char buf[4096];
    ssize_t n;

    lseek(v->err, 0, SEEK_SET);
    while ((n = read(v->err, buf, sizeof(buf))) > 0) {
        g_string_append_len(s, buf, n);
    }
    text = g_string_free(s, FALSE);
    return bench_first_line(text);
}

char *bench_vmm_failure(BenchVmm *v, const char *what)
{
    g_autofree char *line = bench_vmm_stderr_line(v);

    return *line ? g_steal_pointer(&line) : g_strdup(what);
}

guint64 bench_vmm_rss(BenchVmm *v)
{
    g_autofree char *path = g_strdup_printf("/proc/%d/status", (int)v->pid);
    g_autofree char *text = NULL;
    const char *line;

    if (v->pid <= 0 || !g_file_get_contents(path, &text, NULL, NULL)) {
        return 0;
    }
    line = strstr(text, "\nVmRSS:");
    return line ? g_ascii_strtoull(line + 7, NULL, 10) * 1024 : 0;
}

int bench_vmm_quit(BenchVmm *v, gboolean negotiated, double timeout_s)
{
    static const char caps[] = "{\"execute\": \"qmp_capabilities\"}\n";
    static const char quit[] = "{\"execute\": \"quit\"}\n";
    double deadline = bench_now() + timeout_s;
    int status = -1;

    if (v->pid <= 0) {
        return -1;
    }
    if ((!negotiated && write(v->in, caps, sizeof(caps) - 1) < 0)
        || write(v->in, quit, sizeof(quit) - 1) < 0) {
        /* It has exited already; waitpid() tells how. */
    }
    close(v->in);
    v->in = -1;
    while (!v->eof && bench_now() < deadline) {
        double when;

        g_free(bench_vmm_read_line(v, deadline, &when));
        g_string_truncate(v->buf, 0);
    }
    while (waitpid(v->pid, &status, WNOHANG) == 0) {
        if (bench_now() >= deadline) {
            kill(v->pid, SIGKILL);
            waitpid(v->pid, &status, 0);
            break;
        }
        g_usleep(1000);
    }
    v->pid = -1;
    return status;
}

void bench_vmm_close(BenchVmm *v)
{
    if (v->in >= 0) {
        close(v->in);
    }
    if (v->out >= 0) {
        close(v->out);
    }
    if (v->err >= 0) {
        close(v->err);
    }
    if (v->buf) {
        g_string_free(v->buf, TRUE);
    }
    g_queue_clear_full(&v->events, (GDestroyNotify)bench_event_free);
    memset(v, 0, sizeof(*v));
    v->pid = -1;
    v->in = v->out = v->err = -1;
}

/*
 * A qmem-run that is not installed finds its modules through
 * QMEM_MODULE_DIR; a build keeps it at <builddir>/qmem-run and the modules
 * in <builddir>/modules.  Returns the directory set, or NULL.
 */
char *bench_set_module_dir(const char *qmem)
{
    g_autofree char *abs = NULL;
    g_autofree char *build = NULL;
    g_autofree char *ninja = NULL;
    char *modules;

    if (g_getenv("QMEM_MODULE_DIR")) {
        return NULL;
    }
    abs = g_canonicalize_filename(qmem, NULL);
    build = g_path_get_dirname(abs);
    ninja = g_build_filename(build, "build.ninja", NULL);
    modules = g_build_filename(build, "modules", NULL);
    if (!g_file_test(ninja, G_FILE_TEST_EXISTS) ||
        !g_file_test(modules, G_FILE_TEST_IS_DIR)) {
        g_free(modules);
        return NULL;
    }
    g_setenv("QMEM_MODULE_DIR", modules, TRUE);
    return modules;
}

const char *const bench_prog_names[N_PROGS] = {
    [PROG_QMEM] = "qmem",
    [PROG_QEMU] = "QEMU",
};

gboolean bench_parse_options(const char *name, const char *summary,
                             const GOptionEntry *entries, int *argc,
                             char ***argv)
{
    g_autoptr(GOptionContext) ctx = g_option_context_new(summary);
    g_autoptr(GError) err = NULL;

    g_option_context_add_main_entries(ctx, entries, NULL);
    if (!g_option_context_parse(ctx, argc, argv, &err)) {
        fprintf(stderr, "%s: %s\n", name, err->message);
        return FALSE;
    }
    return TRUE;
}

gboolean bench_check_runs(const char *name, int runs)
{
    if (runs < 1) {
        fprintf(stderr, "%s: --runs must be at least 1\n", name);
        return FALSE;
    }
    return TRUE;
}

void bench_find_progs(BenchProgs *p, GPtrArray *notes)
{
    p->have[PROG_QMEM] = bench_find_qmem(&p->qmem, notes);
    if (p->have[PROG_QMEM]) {
        p->module_dir = bench_set_module_dir(p->qmem);
    }
    p->prog[PROG_QMEM] = p->qmem;
    p->have[PROG_QEMU] = bench_find_qemu(p->qemu, &p->qemu_path,
                                         &p->qemu_version, notes);
    p->prog[PROG_QEMU] = p->qemu_path;
}

void bench_progs_clear(BenchProgs *p)
{
    g_free(p->qmem);
    g_free(p->qemu);
    g_free(p->module_dir);
    g_free(p->qemu_path);
    g_free(p->qemu_version);
    memset(p, 0, sizeof(*p));
}
