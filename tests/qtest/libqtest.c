/* SPDX-License-Identifier: GPL-2.0-or-later */
/* qtest client library: runs qmem-run and drives it over QMP and qtest. */

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "libqtest.h"
#include "qobject/json.h"

#define DEFAULT_TIMEOUT_S 60

struct QTestState {
    GPid pid;
    gboolean reaped;
    int wstatus;
    int expected_status;
    char *tmpdir;
    char *qmp_path;
    int qmp_fd;
    GString *qmp_rx;
    GQueue events;              /* JsonObject, oldest first */
    char *qtest_path;
    int qtest_fd;
    GString *qtest_rx;
    bool big_endian;
    bool irq_level[QTEST_MAX_IRQ];
};

int64_t qtest_timeout_us(void)
{
    const char *env = g_getenv("QTEST_TIMEOUT");
    gint64 s = env ? g_ascii_strtoll(env, NULL, 10) : 0;

    return (s > 0 ? s : DEFAULT_TIMEOUT_S) * G_USEC_PER_SEC;
}

static const char *runner_path(void)
{
    const char *path = g_getenv("QMEM_RUN");

    if (!path || !*path) {
        g_error("QMEM_RUN is not set: run the test through meson test");
    }
    return path;
}

/* Also makes the runner die with the test, whatever kills the test. */
static void child_setup(gpointer data)
{
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (data) {
        dup2(STDERR_FILENO, STDOUT_FILENO);
    }
}

static char **split_args(const char *args)
{
    g_autoptr(GError) err = NULL;
    char **argv = NULL;

    if (!args || !*args || strspn(args, " \t\n") == strlen(args)) {
        return g_new0(char *, 1);
    }
    if (!g_shell_parse_argv(args, NULL, &argv, &err)) {
        g_error("cannot split '%s': %s", args, err->message);
    }
    return argv;
}

static int status_code(int wstatus)
{
    if (WIFEXITED(wstatus)) {
        return WEXITSTATUS(wstatus);
    }
    return WIFSIGNALED(wstatus) ? 128 + WTERMSIG(wstatus) : -1;
}

/* Leaves no sockets or directory behind when a test fails. */
static void remove_files(QTestState *s)
{
    if (!s->tmpdir) {
        return;
    }
    unlink(s->qtest_path);
    unlink(s->qmp_path);
    rmdir(s->tmpdir);
}

#define DIE(s, ...) \
    do { \
        remove_files(s); \
        g_error(__VA_ARGS__); \
    } while (0)

static gboolean try_reap(QTestState *s)
{
    if (!s->reaped) {
        pid_t r;

        do {
            r = waitpid(s->pid, &s->wstatus, WNOHANG);
        } while (r < 0 && errno == EINTR);
        if (r == s->pid) {
            s->reaped = TRUE;
            g_spawn_close_pid(s->pid);
        }
    }
    return s->reaped;
}

static void G_GNUC_NORETURN fail_gone(QTestState *s, const char *what)
{
    if (try_reap(s)) {
        DIE(s, "%s: qmem-run exited with status %d", what,
                status_code(s->wstatus));
    }
    DIE(s, "%s", what);
}

static int unix_socket(const char *path, struct sockaddr_un *sun)
{
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

    g_assert_cmpint(fd, >=, 0);
    memset(sun, 0, sizeof(*sun));
    sun->sun_family = AF_UNIX;
    g_assert_cmpuint(strlen(path), <, sizeof(sun->sun_path));
    strcpy(sun->sun_path, path);
    return fd;
}

static int listen_unix(const char *path)
{
    struct sockaddr_un sun;
    int fd = unix_socket(path, &sun);

    unlink(path);
    g_assert_cmpint(bind(fd, (struct sockaddr *)&sun, sizeof(sun)), ==, 0);
    g_assert_cmpint(listen(fd, 1), ==, 0);
    return fd;
}

static int accept_timeout(QTestState *s, int lfd, gint64 deadline)
{
    for (;;) {
        struct pollfd pfd = { .fd = lfd, .events = POLLIN };
        int fd;

        if (poll(&pfd, 1, 10) > 0) {
            fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
            if (fd >= 0) {
                return fd;
            }
        }
        if (try_reap(s)) {
            fail_gone(s, "qmem-run did not connect to libqtest's sockets");
        }
        if (g_get_monotonic_time() > deadline) {
            DIE(s, "timed out waiting for qmem-run to connect");
        }
    }
}

static void send_all(QTestState *s, int fd, const char *buf, gsize len)
{
    gint64 deadline = g_get_monotonic_time() + qtest_timeout_us();

    while (len) {
        ssize_t n = send(fd, buf, len, MSG_NOSIGNAL);

        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            fail_gone(s, "cannot send to qmem-run");
        }
        buf += n;
        len -= n;
        if (g_get_monotonic_time() > deadline) {
            DIE(s, "timed out sending to qmem-run");
        }
    }
}

/* Reads more into @rx; FALSE on timeout (only when @wait_us is 0). */
static gboolean fill(QTestState *s, int fd, GString *rx, gint64 wait_us)
{
    gint64 deadline = g_get_monotonic_time() + wait_us;

    for (;;) {
        struct pollfd pfd = { .fd = fd, .events = POLLIN };
        gint64 left = deadline - g_get_monotonic_time();
        char buf[65536];
        ssize_t n;
        int r;

        r = poll(&pfd, 1, left > 0 ? (int)MIN(left / 1000 + 1, 1000) : 0);
        if (r < 0 && errno != EINTR) {
            g_error("poll: %s", g_strerror(errno));
        }
        if (r > 0) {
            n = recv(fd, buf, sizeof(buf), 0);
            if (n > 0) {
                g_string_append_len(rx, buf, n);
                return TRUE;
            }
            if (n == 0 || (errno != EINTR && errno != EAGAIN)) {
                fail_gone(s, "qmem-run closed the connection");
            }
        }
        if (g_get_monotonic_time() >= deadline) {
            if (wait_us > 0) {
                DIE(s, "timed out waiting for qmem-run to answer");
            }
            return FALSE;
        }
    }
}

static char *take_line(GString *rx)
{
    char *nl = memchr(rx->str, '\n', rx->len);
    gsize len;
    char *line;

    if (!nl) {
        return NULL;
    }
    len = nl - rx->str;
    line = g_strndup(rx->str, len > 0 && nl[-1] == '\r' ? len - 1 : len);
    g_string_erase(rx, 0, len + 1);
    return line;
}

char *qtest_qmp_receive_line(QTestState *s)
{
    char *line;

    while (!(line = take_line(s->qmp_rx))) {
        fill(s, s->qmp_fd, s->qmp_rx, qtest_timeout_us());
    }
    return line;
}

static JsonObject *parse_message(const char *line)
{
    g_autoptr(GError) err = NULL;
    g_autoptr(JsonNode) node = qmem_json_parse(line, &err);

    if (!node) {
        g_error("bad QMP message '%s': %s", line, err->message);
    }
    if (!JSON_NODE_HOLDS_OBJECT(node)) {
        g_error("QMP message is not an object: '%s'", line);
    }
    return json_object_ref(json_node_get_object(node));
}

JsonObject *qtest_qmp_receive_dict(QTestState *s)
{
    g_autofree char *line = qtest_qmp_receive_line(s);

    return parse_message(line);
}

JsonObject *qtest_qmp_receive(QTestState *s)
{
    for (;;) {
        JsonObject *msg = qtest_qmp_receive_dict(s);

        if (!json_object_has_member(msg, "event")) {
            return msg;
        }
        g_queue_push_tail(&s->events, msg);
    }
}

void qtest_qmp_send_raw(QTestState *s, const void *data, gsize len)
{
    send_all(s, s->qmp_fd, data, len);
}

static void qtest_qmp_vsend(QTestState *s, const char *fmt, va_list ap)
    G_GNUC_PRINTF(2, 0);

static void qtest_qmp_vsend(QTestState *s, const char *fmt, va_list ap)
{
    g_autofree char *text = g_strdup_vprintf(fmt, ap);

    qtest_qmp_send_raw(s, text, strlen(text));
}

void qtest_qmp_send(QTestState *s, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    qtest_qmp_vsend(s, fmt, ap);
    va_end(ap);
}

JsonObject *qtest_vqmp(QTestState *s, const char *fmt, va_list ap)
{
    qtest_qmp_vsend(s, fmt, ap);
    return qtest_qmp_receive(s);
}

JsonObject *qtest_qmp(QTestState *s, const char *fmt, ...)
{
    JsonObject *rsp;
    va_list ap;

    va_start(ap, fmt);
    rsp = qtest_vqmp(s, fmt, ap);
    va_end(ap);
    return rsp;
}

static char *object_text(JsonObject *obj)
{
    g_autoptr(JsonNode) node = json_node_init_object(json_node_alloc(), obj);

    return qmem_json_to_string(node);
}

static JsonNode *assert_success(JsonObject *rsp, const char *cmd)
{
    if (!json_object_has_member(rsp, "return")) {
        g_autofree char *text = object_text(rsp);

        g_error("'%s' failed: %s", cmd, text);
    }
    return json_node_ref(json_object_get_member(rsp, "return"));
}

JsonNode *qtest_qmp_assert_success_ref(QTestState *s, const char *fmt, ...)
{
    g_autofree char *cmd = NULL;
    g_autoptr(JsonObject) rsp = NULL;
    va_list ap;

    va_start(ap, fmt);
    cmd = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    rsp = qtest_qmp(s, "%s", cmd);
    return assert_success(rsp, cmd);
}

void qtest_qmp_assert_success(QTestState *s, const char *fmt, ...)
{
    g_autofree char *cmd = NULL;
    g_autoptr(JsonObject) rsp = NULL;
    va_list ap;

    va_start(ap, fmt);
    cmd = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    rsp = qtest_qmp(s, "%s", cmd);
    json_node_unref(assert_success(rsp, cmd));
}

void qtest_qmp_expect_error(QTestState *s, const char *error_class,
                            const char *desc, const char *fmt, ...)
{
    g_autofree char *cmd = NULL;
    g_autoptr(JsonObject) rsp = NULL;
    JsonObject *err;
    va_list ap;

    va_start(ap, fmt);
    cmd = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    rsp = qtest_qmp(s, "%s", cmd);
    if (!json_object_has_member(rsp, "error")) {
        g_autofree char *text = object_text(rsp);

        g_error("'%s' was expected to fail but got %s", cmd, text);
    }
    err = json_object_get_object_member(rsp, "error");
    g_assert_cmpstr(json_object_get_string_member(err, "class"), ==,
                    error_class);
    g_assert_cmpstr(json_object_get_string_member(err, "desc"), ==, desc);
}

static JsonObject *take_event(QTestState *s, const char *event)
{
    GList *l;

    for (l = s->events.head; l; l = l->next) {
        JsonObject *ev = l->data;

        if (!g_strcmp0(json_object_get_string_member(ev, "event"), event)) {
            g_queue_delete_link(&s->events, l);
            return ev;
        }
    }
    return NULL;
}

JsonObject *qtest_qmp_event_ref(QTestState *s, const char *event)
{
    char *nl;

    /* Take in whatever has arrived, without waiting. */
    while (fill(s, s->qmp_fd, s->qmp_rx, 0)) {
    }
    /* Queue the events up to the first reply, which stays unread. */
    while ((nl = memchr(s->qmp_rx->str, '\n', s->qmp_rx->len))) {
        g_autofree char *line = g_strndup(s->qmp_rx->str,
                                          nl - s->qmp_rx->str);
        JsonObject *msg = parse_message(g_strchomp(line));

        if (!json_object_has_member(msg, "event")) {
            json_object_unref(msg);
            break;
        }
        g_string_erase(s->qmp_rx, 0, nl - s->qmp_rx->str + 1);
        g_queue_push_tail(&s->events, msg);
    }
    return take_event(s, event);
}

JsonObject *qtest_qmp_event_pop(QTestState *s)
{
    return g_queue_pop_head(&s->events);
}

JsonObject *qtest_qmp_eventwait_ref(QTestState *s, const char *event)
{
    JsonObject *ev = take_event(s, event);
    gint64 deadline = g_get_monotonic_time() + qtest_timeout_us();

    while (!ev) {
        JsonObject *msg = qtest_qmp_receive_dict(s);

        if (!json_object_has_member(msg, "event")) {
            g_autofree char *text = object_text(msg);

            g_error("unexpected QMP reply while waiting for %s: %s", event,
                    text);
        }
        if (!g_strcmp0(json_object_get_string_member(msg, "event"), event)) {
            ev = msg;
        } else {
            g_queue_push_tail(&s->events, msg);
        }
        if (!ev && g_get_monotonic_time() > deadline) {
            DIE(s, "timed out waiting for event %s", event);
        }
    }
    return ev;
}

void qtest_qmp_eventwait(QTestState *s, const char *event)
{
    json_object_unref(qtest_qmp_eventwait_ref(s, event));
}

char *qtest_json_quote(const char *str)
{
    g_autoptr(JsonNode) node = json_node_init_string(json_node_alloc(), str);

    return qmem_json_to_string(node);
}

char *qtest_hmp(QTestState *s, const char *fmt, ...)
{
    g_autofree char *line = NULL;
    g_autofree char *quoted = NULL;
    g_autoptr(JsonNode) ret = NULL;
    va_list ap;

    va_start(ap, fmt);
    line = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    quoted = qtest_json_quote(line);
    ret = qtest_qmp_assert_success_ref(s,
        "{\"execute\": \"human-monitor-command\", "
        "\"arguments\": {\"command-line\": %s}}", quoted);
    if (!JSON_NODE_HOLDS_VALUE(ret) ||
        json_node_get_value_type(ret) != G_TYPE_STRING) {
        g_error("human-monitor-command did not return a string");
    }
    return g_strdup(json_node_get_string(ret));
}

/* ------------------------------------------------------------------ */
/* Start and stop */

/*
 * Before libqtest always connected the qtest protocol, tests asked for it
 * with a bare "-qtest"; that is dropped.  A -qtest with a spec would take
 * the protocol away from the library (the last -qtest wins), so it is
 * refused.
 */
static void add_extra_args(GPtrArray *argv, char **extra)
{
    for (guint i = 0; extra[i]; i++) {
        if (strcmp(extra[i], "-qtest") && strcmp(extra[i], "--qtest")) {
            g_ptr_array_add(argv, g_strdup(extra[i]));
        } else if (extra[i + 1] && extra[i + 1][0] != '-') {
            g_error("libqtest passes -qtest itself; drop '-qtest %s'",
                    extra[i + 1]);
        }
    }
}

/*
 * QEMU's qtest_init_without_qmp_handshake() (qtest_qemu_args() in QEMU
 * 10): libqtest listens on both sockets and the runner connects, with
 * "-qtest unix:QTEST -qtest-log LOG -chardev socket,path=QMP,id=char0
 * -mon chardev=char0,mode=control -display none EXTRA -accel qtest".
 */
static char **runner_argv(QTestState *s, const char *extra_args)
{
    g_auto(GStrv) extra = split_args(extra_args);
    GPtrArray *argv = g_ptr_array_new();

    g_ptr_array_add(argv, g_strdup(runner_path()));
    g_ptr_array_add(argv, g_strdup("-qtest"));
    g_ptr_array_add(argv, g_strdup_printf("unix:%s", s->qtest_path));
    g_ptr_array_add(argv, g_strdup("-qtest-log"));
    g_ptr_array_add(argv, g_strdup(getenv("QTEST_LOG") ? "/dev/fd/2"
                                                       : "/dev/null"));
    g_ptr_array_add(argv, g_strdup("-chardev"));
    g_ptr_array_add(argv, g_strdup_printf("socket,path=%s,id=char0",
                                          s->qmp_path));
    g_ptr_array_add(argv, g_strdup("-mon"));
    g_ptr_array_add(argv, g_strdup("chardev=char0,mode=control"));
    g_ptr_array_add(argv, g_strdup("-display"));
    g_ptr_array_add(argv, g_strdup("none"));
    add_extra_args(argv, extra);
    g_ptr_array_add(argv, g_strdup("-accel"));
    g_ptr_array_add(argv, g_strdup("qtest"));
    g_ptr_array_add(argv, NULL);
    return (char **)g_ptr_array_free(argv, FALSE);
}

static bool query_endianness(QTestState *s)
{
    g_autofree char *reply = qtest_raw_command(s, "endianness");

    if (strcmp(reply, "OK little") && strcmp(reply, "OK big")) {
        DIE(s, "bad reply to endianness: '%s'", reply);
    }
    return !strcmp(reply, "OK big");
}

QTestState *qtest_init_without_qmp_handshake(const char *extra_args)
{
    g_autoptr(GError) err = NULL;
    g_auto(GStrv) argv = NULL;
    g_autofree char *cmdline = NULL;
    QTestState *s = g_new0(QTestState, 1);
    int qtest_sock, qmp_sock;
    gint64 deadline;

    s->qmp_fd = s->qtest_fd = -1;
    s->qmp_rx = g_string_new(NULL);
    s->qtest_rx = g_string_new(NULL);
    g_queue_init(&s->events);
    s->tmpdir = g_dir_make_tmp("qmem-qtest-XXXXXX", &err);
    g_assert_no_error(err);
    s->qtest_path = g_build_filename(s->tmpdir, "qtest.sock", NULL);
    s->qmp_path = g_build_filename(s->tmpdir, "qmp.sock", NULL);
    argv = runner_argv(s, extra_args);
    qtest_sock = listen_unix(s->qtest_path);
    qmp_sock = listen_unix(s->qmp_path);

    cmdline = g_strjoinv(" ", argv);
    g_test_message("starting %s", cmdline);
    if (!g_spawn_async(NULL, argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD,
                       child_setup, GINT_TO_POINTER(1), &s->pid, &err)) {
        DIE(s, "cannot start %s: %s", cmdline, err->message);
    }

    deadline = g_get_monotonic_time() + qtest_timeout_us();
    s->qtest_fd = accept_timeout(s, qtest_sock, deadline);
    s->qmp_fd = accept_timeout(s, qmp_sock, deadline);
    close(qtest_sock);
    close(qmp_sock);
    unlink(s->qtest_path);
    unlink(s->qmp_path);
    s->big_endian = query_endianness(s);
    return s;
}

QTestState *qtest_init(const char *extra_args)
{
    QTestState *s = qtest_init_without_qmp_handshake(extra_args);
    g_autoptr(JsonObject) greeting = qtest_qmp_receive_dict(s);

    if (!json_object_has_member(greeting, "QMP")) {
        g_autofree char *text = object_text(greeting);

        DIE(s, "no QMP greeting but %s", text);
    }
    qtest_qmp_assert_success(s, "{\"execute\": \"qmp_capabilities\"}");
    return s;
}

QTestState *qtest_initf(const char *fmt, ...)
{
    g_autofree char *args = NULL;
    va_list ap;

    va_start(ap, fmt);
    args = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    return qtest_init(args);
}

void qtest_set_expected_status(QTestState *s, int status)
{
    s->expected_status = status;
}

static void wait_exit(QTestState *s)
{
    gint64 deadline = g_get_monotonic_time() + qtest_timeout_us();

    while (!try_reap(s)) {
        if (g_get_monotonic_time() > deadline) {
            kill(s->pid, SIGKILL);
            while (!try_reap(s)) {
                g_usleep(1000);
            }
            DIE(s, "qmem-run did not exit within the timeout");
        }
        g_usleep(1000);
    }
}

/* A "quit" that races with the runner going away is not a failure. */
static void send_quit(QTestState *s)
{
    static const char quit[] = "{\"execute\": \"quit\"}";
    gint64 deadline = g_get_monotonic_time() + qtest_timeout_us();
    char buf[4096];

    if (send(s->qmp_fd, quit, strlen(quit), MSG_NOSIGNAL) < 0) {
        return;
    }
    /* Wait for the reply or for the connection to close. */
    for (;;) {
        struct pollfd pfd = { .fd = s->qmp_fd, .events = POLLIN };
        ssize_t n;

        if (g_get_monotonic_time() > deadline) {
            return;
        }
        if (poll(&pfd, 1, 100) <= 0) {
            continue;
        }
        n = recv(s->qmp_fd, buf, sizeof(buf), 0);
        if (n <= 0) {
            return;
        }
        g_string_append_len(s->qmp_rx, buf, n);
        if (strstr(s->qmp_rx->str, "\"return\"")) {
            return;
        }
    }
}

void qtest_quit(QTestState *s)
{
    int code;

    if (!s) {
        return;
    }
    if (!try_reap(s)) {
        send_quit(s);
    }
    wait_exit(s);
    code = status_code(s->wstatus);
    if (!WIFEXITED(s->wstatus)) {
        g_error("qmem-run was killed by signal %d", WTERMSIG(s->wstatus));
    }
    g_assert_cmpint(code, ==, s->expected_status);

    if (s->qmp_fd >= 0) {
        close(s->qmp_fd);
    }
    if (s->qtest_fd >= 0) {
        close(s->qtest_fd);
    }
    remove_files(s);
    g_queue_clear_full(&s->events, (GDestroyNotify)json_object_unref);
    g_string_free(s->qmp_rx, TRUE);
    g_string_free(s->qtest_rx, TRUE);
    g_free(s->qtest_path);
    g_free(s->qmp_path);
    g_free(s->tmpdir);
    g_free(s);
}

void qtest_expect_log(const char *log, gsize *seen, const char *text)
{
    g_autofree char *all = NULL;
    gsize len;

    g_assert_true(g_file_get_contents(log, &all, &len, NULL));
    g_assert_cmpuint(len, >=, *seen);
    g_assert_cmpstr(all + *seen, ==, text);
    *seen = len;
}

void qtest_run_cmdline(const char *args, char **out, char **err,
                       int *status)
{
    g_autoptr(GError) error = NULL;
    g_auto(GStrv) extra = split_args(args);
    g_autoptr(GPtrArray) argv = g_ptr_array_new();
    g_autoptr(GString) obuf = g_string_new(NULL);
    g_autoptr(GString) ebuf = g_string_new(NULL);
    QTestState proc = { 0 };
    gint64 deadline = g_get_monotonic_time() + qtest_timeout_us();
    int ofd, efd;
    guint i;

    g_ptr_array_add(argv, (gpointer)runner_path());
    for (i = 0; extra[i]; i++) {
        g_ptr_array_add(argv, extra[i]);
    }
    g_ptr_array_add(argv, NULL);
    if (!g_spawn_async_with_pipes(NULL, (char **)argv->pdata, NULL,
                                  G_SPAWN_DO_NOT_REAP_CHILD, child_setup,
                                  NULL, &proc.pid, NULL, &ofd, &efd,
                                  &error)) {
        g_error("cannot start %s: %s", runner_path(), error->message);
    }

    while (ofd >= 0 || efd >= 0) {
        struct pollfd pfd[2] = {
            { .fd = ofd, .events = POLLIN },
            { .fd = efd, .events = POLLIN },
        };
        char buf[4096];

        if (g_get_monotonic_time() > deadline) {
            kill(proc.pid, SIGKILL);
            g_error("qmem-run %s did not finish within the timeout", args);
        }
        if (poll(pfd, 2, 100) <= 0) {
            continue;
        }
        for (i = 0; i < 2; i++) {
            int *fd = i ? &efd : &ofd;
            ssize_t n;

            if (*fd < 0 || !pfd[i].revents) {
                continue;
            }
            n = read(*fd, buf, sizeof(buf));
            if (n > 0) {
                g_string_append_len(i ? ebuf : obuf, buf, n);
            } else if (n == 0 || errno != EINTR) {
                close(*fd);
                *fd = -1;
            }
        }
    }
    wait_exit(&proc);
    *status = status_code(proc.wstatus);
    if (out) {
        *out = g_strdup(obuf->str);
    }
    if (err) {
        *err = g_strdup(ebuf->str);
    }
}

/* ------------------------------------------------------------------ */
/* qtest line protocol */

/* QEMU's qtest_rsp_args(): "IRQ raise N" / "IRQ lower N" set a level. */
static void take_irq_line(QTestState *s, const char *line)
{
    g_auto(GStrv) words = g_strsplit(line, " ", -1);
    gint64 irq;

    if (g_strv_length(words) < 3 || strcmp(words[0], "IRQ") ||
        (strcmp(words[1], "raise") && strcmp(words[1], "lower")) ||
        !g_ascii_string_to_signed(words[2], 10, 0, QTEST_MAX_IRQ - 1, &irq,
                                  NULL)) {
        DIE(s, "bad IRQ line from qmem-run: '%s'", line);
    }
    s->irq_level[irq] = !strcmp(words[1], "raise");
}

static char *qtest_vcommand(QTestState *s, const char *fmt, va_list ap)
    G_GNUC_PRINTF(2, 0);

static char *qtest_vcommand(QTestState *s, const char *fmt, va_list ap)
{
    g_autofree char *cmd = g_strdup_vprintf(fmt, ap);
    char *line;

    send_all(s, s->qtest_fd, cmd, strlen(cmd));
    send_all(s, s->qtest_fd, "\n", 1);
    for (;;) {
        while (!(line = take_line(s->qtest_rx))) {
            fill(s, s->qtest_fd, s->qtest_rx, qtest_timeout_us());
        }
        /* Interrupt notifications come whenever they like. */
        if (!g_str_has_prefix(line, "IRQ")) {
            return line;
        }
        take_irq_line(s, line);
        g_free(line);
    }
}

char *qtest_raw_command(QTestState *s, const char *fmt, ...)
{
    char *line;
    va_list ap;

    va_start(ap, fmt);
    line = qtest_vcommand(s, fmt, ap);
    va_end(ap);
    return line;
}

/* Runs a command that must succeed; returns the words after "OK". */
static char **qtest_ok(QTestState *s, const char *fmt, ...)
    G_GNUC_PRINTF(2, 3);

static char **qtest_ok(QTestState *s, const char *fmt, ...)
{
    g_autofree char *line = NULL;
    g_auto(GStrv) words = NULL;
    va_list ap;

    va_start(ap, fmt);
    line = qtest_vcommand(s, fmt, ap);
    va_end(ap);
    words = g_strsplit(line, " ", -1);
    if (g_strcmp0(words[0], "OK")) {
        g_error("qtest command failed: %s", line);
    }
    return g_strdupv(words + 1);
}

static uint64_t parse_hex_value(char **words, const char *cmd)
{
    guint64 value;

    if (!words[0] || !g_str_has_prefix(words[0], "0x") ||
        !g_ascii_string_to_unsigned(words[0] + 2, 16, 0, G_MAXUINT64, &value,
                                    NULL)) {
        g_error("bad reply to %s: '%s'", cmd, words[0] ? words[0] : "");
    }
    return value;
}

static uint64_t qtest_read(QTestState *s, const char *cmd, uint64_t addr)
{
    g_auto(GStrv) words = qtest_ok(s, "%s 0x%" PRIx64, cmd, addr);

    return parse_hex_value(words, cmd);
}

static void qtest_write(QTestState *s, const char *cmd, uint64_t addr,
                        uint64_t value)
{
    g_strfreev(qtest_ok(s, "%s 0x%" PRIx64 " 0x%" PRIx64, cmd, addr, value));
}

uint8_t qtest_readb(QTestState *s, uint64_t addr)
{
    return qtest_read(s, "readb", addr);
}

uint16_t qtest_readw(QTestState *s, uint64_t addr)
{
    return qtest_read(s, "readw", addr);
}

uint32_t qtest_readl(QTestState *s, uint64_t addr)
{
    return qtest_read(s, "readl", addr);
}

uint64_t qtest_readq(QTestState *s, uint64_t addr)
{
    return qtest_read(s, "readq", addr);
}

void qtest_writeb(QTestState *s, uint64_t addr, uint8_t value)
{
    qtest_write(s, "writeb", addr, value);
}

void qtest_writew(QTestState *s, uint64_t addr, uint16_t value)
{
    qtest_write(s, "writew", addr, value);
}

void qtest_writel(QTestState *s, uint64_t addr, uint32_t value)
{
    qtest_write(s, "writel", addr, value);
}

void qtest_writeq(QTestState *s, uint64_t addr, uint64_t value)
{
    qtest_write(s, "writeq", addr, value);
}

uint8_t qtest_inb(QTestState *s, uint16_t addr)
{
    return qtest_read(s, "inb", addr);
}

uint16_t qtest_inw(QTestState *s, uint16_t addr)
{
    return qtest_read(s, "inw", addr);
}

uint32_t qtest_inl(QTestState *s, uint16_t addr)
{
    return qtest_read(s, "inl", addr);
}

void qtest_outb(QTestState *s, uint16_t addr, uint8_t value)
{
    qtest_write(s, "outb", addr, value);
}

void qtest_outw(QTestState *s, uint16_t addr, uint16_t value)
{
    qtest_write(s, "outw", addr, value);
}

void qtest_outl(QTestState *s, uint16_t addr, uint32_t value)
{
    qtest_write(s, "outl", addr, value);
}

void qtest_memread(QTestState *s, uint64_t addr, void *data, size_t size)
{
    g_auto(GStrv) words = NULL;
    uint8_t *p = data;
    const char *hex;
    size_t i;

    if (!size) {
        return;
    }
    words = qtest_ok(s, "read 0x%" PRIx64 " 0x%zx", addr, size);
    hex = words[0];
    if (!hex || !g_str_has_prefix(hex, "0x") || strlen(hex) != 2 + 2 * size) {
        g_error("bad reply to read of %zu bytes: '%s'", size,
                hex ? hex : "");
    }
    for (i = 0; i < size; i++) {
        int hi = g_ascii_xdigit_value(hex[2 + 2 * i]);
        int lo = g_ascii_xdigit_value(hex[3 + 2 * i]);

        if (hi < 0 || lo < 0) {
            g_error("bad hex in reply to read: '%s'", hex);
        }
        p[i] = hi << 4 | lo;
    }
}

void qtest_memwrite(QTestState *s, uint64_t addr, const void *data,
                    size_t size)
{
    g_auto(GStrv) words = NULL;
    const uint8_t *p = data;
    GString *hex;
    size_t i;

    if (!size) {
        return;
    }
    hex = g_string_sized_new(2 * size + 1);
    for (i = 0; i < size; i++) {
        g_string_append_printf(hex, "%02x", p[i]);
    }
    words = qtest_ok(s, "write 0x%" PRIx64 " 0x%zx 0x%s", addr, size,
                     hex->str);
    g_string_free(hex, TRUE);
}

void qtest_memset(QTestState *s, uint64_t addr, uint8_t pattern, size_t size)
{
    g_auto(GStrv) words = NULL;

    if (!size) {
        return;
    }
    words = qtest_ok(s, "memset 0x%" PRIx64 " 0x%zx 0x%02x", addr, size,
                     pattern);
}

bool qtest_big_endian(QTestState *s)
{
    return s->big_endian;
}

bool qtest_get_irq(QTestState *s, int num)
{
    g_assert_cmpint(num, >=, 0);
    g_assert_cmpint(num, <, QTEST_MAX_IRQ);
    /* As QEMU's: a command whose reply comes after every IRQ line sent. */
    qtest_inb(s, 0);
    return s->irq_level[num];
}

void qtest_irq_intercept_in(QTestState *s, const char *qom_path)
{
    g_strfreev(qtest_ok(s, "irq_intercept_in %s", qom_path));
}

void qtest_irq_intercept_out(QTestState *s, const char *qom_path)
{
    g_strfreev(qtest_ok(s, "irq_intercept_out %s", qom_path));
}

void qtest_irq_intercept_out_named(QTestState *s, const char *qom_path,
                                   const char *name)
{
    g_strfreev(qtest_ok(s, "irq_intercept_out %s %s", qom_path, name));
}

void qtest_set_irq_in(QTestState *s, const char *qom_path, const char *name,
                      int num, int level)
{
    g_strfreev(qtest_ok(s, "set_irq_in %s %s %d %d", qom_path,
                        name ? name : "unnamed-gpio-in", num, level));
}

void qtest_module_load(QTestState *s, const char *prefix, const char *libname)
{
    g_strfreev(qtest_ok(s, "module_load %s %s", prefix, libname));
}

static int64_t clock_reply(QTestState *s, char **words, const char *cmd)
{
    gint64 ns;

    if (!words[0] ||
        !g_ascii_string_to_signed(words[0], 10, G_MININT64, G_MAXINT64, &ns,
                                  NULL)) {
        DIE(s, "bad reply to %s: '%s'", cmd, words[0] ? words[0] : "");
    }
    g_strfreev(words);
    return ns;
}

int64_t qtest_clock_step_next(QTestState *s)
{
    return clock_reply(s, qtest_ok(s, "clock_step"), "clock_step");
}

int64_t qtest_clock_step(QTestState *s, int64_t step)
{
    return clock_reply(s, qtest_ok(s, "clock_step %" PRIi64, step),
                       "clock_step");
}

int64_t qtest_clock_set(QTestState *s, int64_t val)
{
    return clock_reply(s, qtest_ok(s, "clock_set %" PRIi64, val),
                       "clock_set");
}
