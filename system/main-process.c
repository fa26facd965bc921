/* SPDX-License-Identifier: GPL-2.0-or-later */
/* qmem-run's process options: -name, -uuid, -msg, -overcommit, -pidfile,
 * -daemonize, -sandbox (QEMU's vl.c with os-posix.c). */

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/seccomp.h>
#include <glib-unix.h>

#include "qapi/opts.h"
#include "qmem-config.h"
#include "system/main-internal.h"
#include "system/system.h"
#include "util/cutils.h"
#include "util/error-report.h"
#include "util/error.h"
#include "util/thread.h"

/* QemuOpts with a fixed set of keys: "Invalid parameter 'KEY'". */
static JsonObject *parse_opts(const char *arg, const char *implied_key,
                              const char *const *keys, GError **error)
{
    g_autoptr(JsonObject) opts = qmem_opts_parse(arg, implied_key, NULL,
                                                 error);

    if (!opts) {
        return NULL;
    }
    if (!qmem_opts_check_keys(opts, keys, error)) {
        return NULL;
    }
    return g_steal_pointer(&opts);
}

/* A QemuOpts bool: keeps *@value when @key is absent. */
static gboolean get_bool(JsonObject *opts, const char *key, gboolean *value,
                         GError **error)
{
    const char *str = qmem_opts_get_last(opts, key);

    if (str && !qmem_parse_bool(str, value)) {
        return qmem_error_fail(error, "Parameter '%s' expects 'on' or 'off'",
                               key);
    }
    return TRUE;
}

/* QEMU's parse_name(): -name [guest=]NAME,process=P,debug-threads=B. */
static gboolean parse_name(RunnerProcess *p, const char *arg, GError **error)
{
    static const char *const keys[] = { "guest", "process", "debug-threads",
                                        NULL };
    g_autoptr(JsonObject) opts = parse_opts(arg, "guest", keys, error);
    gboolean debug_threads = qmem_thread_naming_enabled();
    const char *process;

    if (!opts || !get_bool(opts, "debug-threads", &debug_threads, error)) {
        return FALSE;
    }
    qmem_thread_naming(debug_threads);
    if (qmem_opts_get_last(opts, "guest")) {
        qmem_vm_set_name(qmem_opts_get_last(opts, "guest"));
    }
    process = qmem_opts_get_last(opts, "process");
    if (process) {
        char name[16];

        /* What the kernel keeps: 15 bytes, as QEMU's os_set_proc_name(). */
        g_strlcpy(name, process, sizeof(name));
        if (prctl(PR_SET_NAME, name)) {
            return qmem_error_fail(error, "unable to change process name: %s",
                                   g_strerror(errno));
        }
    }
    return TRUE;
}

static gboolean parse_uuid(const char *arg, GError **error)
{
    guint8 uuid[16];

    if (!qmem_uuid_parse(arg, uuid)) {
        return qmem_error_fail(error,
                               "failed to parse UUID string: wrong format");
    }
    qmem_vm_set_uuid(uuid);
    return TRUE;
}

/* QEMU's configure_msg(): -msg timestamp=B,guest-name=B. */
static gboolean parse_msg(RunnerProcess *p, const char *arg, GError **error)
{
    static const char *const keys[] = { "timestamp", "guest-name", NULL };
    g_autoptr(JsonObject) opts = parse_opts(arg, NULL, keys, error);
    gboolean timestamp = FALSE;
    gboolean guest_name = FALSE;

    if (!opts || !get_bool(opts, "timestamp", &timestamp, error) ||
        !get_bool(opts, "guest-name", &guest_name, error)) {
        return FALSE;
    }
    /* Each -msg sets both, as QEMU's. */
    qmem_error_set_timestamp(timestamp);
    p->msg_guest_name = guest_name;
    return TRUE;
}

/* QEMU 10's overcommit_parse(): mem-lock=on|off|on-fault, cpu-pm=B. */
static gboolean parse_overcommit(RunnerProcess *p, const char *arg,
                                 GError **error)
{
    static const char *const keys[] = { "mem-lock", "cpu-pm", NULL };
    g_autoptr(JsonObject) opts = parse_opts(arg, NULL, keys, error);
    gboolean cpu_pm = qmem_get_cpu_pm();
    const char *mem_lock;

    if (!opts || !get_bool(opts, "cpu-pm", &cpu_pm, error)) {
        return FALSE;
    }
    qmem_set_cpu_pm(cpu_pm);
    mem_lock = qmem_opts_get_last(opts, "mem-lock");
    if (!mem_lock) {
        return TRUE;
    }
    if (!strcmp(mem_lock, "on")) {
        p->mlock = QMEM_MLOCK_ON;
    } else if (!strcmp(mem_lock, "off")) {
        p->mlock = QMEM_MLOCK_OFF;
    } else if (!strcmp(mem_lock, "on-fault")) {
        p->mlock = QMEM_MLOCK_ON_FAULT;
    } else {
        return qmem_error_fail(error, "parameter 'mem-lock' expects one of "
                                      "'on', 'off', 'on-fault'");
    }
    return TRUE;
}

/*
 * QEMU's character devices on stdio refuse to exist in a daemon: a
 * -chardev stdio, -qmp stdio, -qtest stdio.
 */
static gboolean uses_stdio(const RunnerOption *opt)
{
    g_autoptr(JsonObject) opts = NULL;
    const char *backend;

    if (qmem_runner_is_option(opt, "qmp") ||
        qmem_runner_is_option(opt, "qtest")) {
        return !strcmp(opt->arg, "stdio");
    }
    if (!qmem_runner_is_option(opt, "chardev")) {
        return FALSE;
    }
    opts = qmem_opts_parse(opt->arg, "backend", NULL, NULL);
    backend = opts ? qmem_opts_get_last(opts, "backend") : NULL;
    return backend && !strcmp(backend, "stdio");
}

static gboolean check_daemonize(GArray *options, GError **error)
{
    for (guint i = 0; i < options->len; i++) {
        RunnerOption *opt = &g_array_index(options, RunnerOption, i);

        if (uses_stdio(opt)) {
            qmem_runner_locate(opt);
            return qmem_error_fail(error, "cannot use stdio with -daemonize");
        }
    }
    return TRUE;
}

#if CONFIG_SECCOMP
/* QEMU registers -sandbox only where the kernel can synchronize threads. */
static gboolean seccomp_tsync_works(void)
{
    return syscall(__NR_seccomp, SECCOMP_SET_MODE_FILTER,
                   SECCOMP_FILTER_FLAG_TSYNC, NULL) < 0 && errno == EFAULT;
}

static gboolean check_sandbox(const char *arg, GError **error)
{
    gboolean enable;

    if (!seccomp_tsync_works()) {
        return qmem_error_fail(error, "There is no option group 'sandbox'");
    }
    return qmem_runner_check_sandbox(arg, &enable, error);
}

/* QEMU's qemu_process_early_options(): each -sandbox, once -name is done. */
gboolean qmem_runner_apply_sandboxes(GArray *options, GError **error)
{
    for (guint i = 0; i < options->len; i++) {
        RunnerOption *opt = &g_array_index(options, RunnerOption, i);

        if (qmem_runner_is_option(opt, "sandbox")) {
            qmem_runner_locate(opt);
            if (!qmem_runner_apply_sandbox(opt->arg, error)) {
                return FALSE;
            }
        }
    }
    qmem_runner_locate(NULL);
    return TRUE;
}
#else
static gboolean check_sandbox(const char *arg, GError **error)
{
    /* QEMU's text for a build without seccomp. */
    return qmem_error_fail(error,
                           "-sandbox support is not enabled in this qmem-run "
                           "binary");
}

gboolean qmem_runner_apply_sandboxes(GArray *options, GError **error)
{
    return TRUE;
}
#endif

static gboolean parse_one(RunnerProcess *p, const RunnerOption *opt,
                          GError **error)
{
    if (qmem_runner_is_option(opt, "name")) {
        return parse_name(p, opt->arg, error);
    } else if (qmem_runner_is_option(opt, "uuid")) {
        return parse_uuid(opt->arg, error);
    } else if (qmem_runner_is_option(opt, "msg")) {
        return parse_msg(p, opt->arg, error);
    } else if (qmem_runner_is_option(opt, "overcommit")) {
        return parse_overcommit(p, opt->arg, error);
    } else if (qmem_runner_is_option(opt, "pidfile")) {
        p->pid_file = opt->arg;
    } else if (qmem_runner_is_option(opt, "daemonize")) {
        p->daemonize = TRUE;
    } else if (qmem_runner_is_option(opt, "sandbox")) {
        return check_sandbox(opt->arg, error);
    }
    /* -no-user-config: qmem-run reads no configuration file anyway. */
    return TRUE;
}

gboolean qmem_runner_parse_process(GArray *options, RunnerProcess *p,
                                   GError **error)
{
    for (guint i = 0; i < options->len; i++) {
        RunnerOption *opt = &g_array_index(options, RunnerOption, i);

        qmem_runner_locate(opt);
        if (!parse_one(p, opt, error)) {
            return FALSE;
        }
    }
    qmem_runner_locate(NULL);
    if (p->daemonize && !check_daemonize(options, error)) {
        return FALSE;
    }
    /* -msg guest-name=on names the guest only with -name guest=. */
    qmem_error_set_guest_name(p->msg_guest_name ? qmem_vm_get_name() : NULL);
    return TRUE;
}

/* QEMU's qemu_write_pidfile(): created, locked, then truncated and written. */
static gboolean write_pidfile(const char *path, int *fdp, GError **error)
{
    g_autofree char *pidstr = NULL;
    int fd;

    for (;;) {
        struct stat a, b;
        struct flock lock = {
            .l_type = F_WRLCK,
            .l_whence = SEEK_SET,
            .l_len = 0,
        };

        fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, S_IRUSR | S_IWUSR);
        if (fd < 0) {
            return qmem_error_fail(error, "Could not create '%s': %s", path,
                                   g_strerror(errno));
        }
        if (fstat(fd, &b) < 0) {
            qmem_error_fail(error, "Cannot stat file: %s", g_strerror(errno));
            goto fail_close;
        }
        if (fcntl(fd, F_SETLK, &lock)) {
            qmem_error_fail(error, "Cannot lock pid file: %s",
                            g_strerror(errno));
            goto fail_close;
        }
        /* The file locked must be the one at @path now, or we raced. */
        if (stat(path, &a) == 0 && a.st_ino == b.st_ino) {
            break;
        }
        close(fd);
    }
    if (ftruncate(fd, 0) < 0) {
        qmem_error_fail(error, "Failed to truncate pid file: %s",
                        g_strerror(errno));
        goto fail_unlink;
    }
    pidstr = g_strdup_printf("%d\n", (int)getpid());
    if (write(fd, pidstr, strlen(pidstr)) != (ssize_t)strlen(pidstr)) {
        qmem_error_fail(error, "Failed to write pid file");
        goto fail_unlink;
    }
    /* The descriptor stays open: the lock lasts as long as the process. */
    *fdp = fd;
    return TRUE;

fail_unlink:
    unlink(path);
fail_close:
    close(fd);
    return FALSE;
}

static gboolean create_pidfile(RunnerProcess *p, GError **error)
{
    g_autoptr(GError) err = NULL;
    char *real;

    if (!write_pidfile(p->pid_file, &p->pid_fd, &err)) {
        return qmem_error_fail(error, "cannot create PID file: %s",
                               err->message);
    }
    real = realpath(p->pid_file, NULL);
    if (!real) {
        int saved = errno;

        unlink(p->pid_file);
        return qmem_error_fail(error, "cannot resolve PID file path: %s: %s",
                               p->pid_file, g_strerror(saved));
    }
    /* Unlinked at exit, wherever the process's directory is by then. */
    p->pid_file_realpath = g_strdup(real);
    free(real);
    return TRUE;
}

/*
 * QEMU's os_daemonize(): the parent waits for one byte from the daemon
 * (0 once it is set up, qmem_runner_setup_post()) and exits with 0 after
 * it, 1 if the daemon ends first; an intermediate child leaves the
 * session so that the daemon is no session leader.
 */
static gboolean daemonize(RunnerProcess *p, GError **error)
{
    int fds[2];
    pid_t pid;

    if (!g_unix_open_pipe(fds, FD_CLOEXEC, error)) {
        return FALSE;
    }
    pid = fork();
    if (pid < 0) {
        close(fds[0]);
        close(fds[1]);
        return qmem_error_fail(error, "cannot fork: %s", g_strerror(errno));
    }
    if (pid > 0) {
        guint8 status;
        ssize_t len;

        close(fds[1]);
        do {
            len = read(fds[0], &status, 1);
        } while (len < 0 && errno == EINTR);
        close(fds[0]);
        p->parent_status = len == 1 && status == 0 ? 0 : 1;
        return TRUE;
    }
    close(fds[0]);
    p->daemon_pipe = fds[1];
    setsid();
    pid = fork();
    if (pid != 0) {
        /* The intermediate child: nothing of its own to tear down. */
        _exit(pid > 0 ? 0 : 1);
    }
    umask(027);
    signal(SIGTSTP, SIG_IGN);
    signal(SIGTTOU, SIG_IGN);
    signal(SIGTTIN, SIG_IGN);
    return TRUE;
}

gboolean qmem_runner_daemonize(RunnerProcess *p, GError **error)
{
    if (p->daemonize && !daemonize(p, error)) {
        return FALSE;
    }
    if (p->parent_status >= 0) {
        return TRUE;
    }
    return !p->pid_file || create_pidfile(p, error);
}

/* QEMU's realtime_init() with QEMU 10's os_mlock(on_fault). */
gboolean qmem_runner_realtime_init(RunnerProcess *p, GError **error)
{
    int flags = MCL_CURRENT | MCL_FUTURE;

    if (p->mlock == QMEM_MLOCK_OFF) {
        return TRUE;
    }
    if (p->mlock == QMEM_MLOCK_ON_FAULT) {
        flags |= MCL_ONFAULT;
    }
    if (mlockall(flags) < 0) {
        qmem_error_report("mlockall: %s", g_strerror(errno));
        return qmem_error_fail(error, "locking memory failed");
    }
    return TRUE;
}

/* QEMU's os_setup_post(): the daemon lets go of the terminal and says so. */
gboolean qmem_runner_setup_post(RunnerProcess *p, GError **error)
{
    guint8 status = 0;
    ssize_t len;
    int fd;

    if (!p->daemonize) {
        return TRUE;
    }
    if (chdir("/")) {
        return qmem_error_fail(error, "not able to chdir to /: %s",
                               g_strerror(errno));
    }
    fd = open("/dev/null", O_RDWR | O_CLOEXEC);
    if (fd < 0) {
        return qmem_error_fail(error, "cannot open /dev/null: %s",
                               g_strerror(errno));
    }
    dup2(fd, 0);
    dup2(fd, 1);
    dup2(fd, 2);
    close(fd);
    do {
        len = write(p->daemon_pipe, &status, 1);
    } while (len < 0 && errno == EINTR);
    close(p->daemon_pipe);
    p->daemon_pipe = -1;
    return len == 1 ||
           qmem_error_fail(error, "cannot notify the parent process");
}

void qmem_runner_process_init(RunnerProcess *p)
{
    memset(p, 0, sizeof(*p));
    p->daemon_pipe = -1;
    p->pid_fd = -1;
    p->parent_status = -1;
}

/* What the options set goes, so that a next run in-process starts afresh. */
void qmem_runner_process_cleanup(RunnerProcess *p)
{
    if (p->pid_file_realpath) {
        unlink(p->pid_file_realpath);
        g_clear_pointer(&p->pid_file_realpath, g_free);
    }
    if (p->pid_fd >= 0) {
        close(p->pid_fd);
        p->pid_fd = -1;
    }
    if (p->daemon_pipe >= 0) {
        close(p->daemon_pipe);
        p->daemon_pipe = -1;
    }
    qmem_vm_set_name(NULL);
    qmem_vm_set_uuid(NULL);
    qmem_set_cpu_pm(FALSE);
    qmem_thread_naming(FALSE);
    qmem_error_set_timestamp(FALSE);
    qmem_error_set_guest_name(NULL);
}
