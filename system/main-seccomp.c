/* SPDX-License-Identifier: GPL-2.0-or-later */
/* -sandbox: QEMU's seccomp deny list (QEMU's softmmu/qemu-seccomp.c). */

#include <errno.h>
#include <sched.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/seccomp.h>
#include <seccomp.h>

#include "qapi/opts.h"
#include "system/main-internal.h"
#include "util/cutils.h"
#include "util/error.h"

/* The sets of system calls -sandbox's options deny. */
enum {
    SET_DEFAULT = 1 << 0,
    SET_OBSOLETE = 1 << 1,
    SET_PRIVILEGED = 1 << 2,
    SET_SPAWN = 1 << 3,
    SET_RESOURCECTL = 1 << 4,
};

typedef struct {
    int num;
    guint8 set;
    guint8 narg;
    const struct scmp_arg_cmp *arg_cmp;
    guint32 action;
} SeccompRule;

#ifndef CLONE_PIDFD
#define CLONE_PIDFD 0x00001000
#endif

/* x86: clone's flags are its first argument. */
#define CLONE_ARG(mask, value) \
    ((const struct scmp_arg_cmp[]){ { .arg = 0, .op = SCMP_CMP_MASKED_EQ, \
                                      .datum_a = (mask), \
                                      .datum_b = (value) } })
/* A thread's clone has the flag: without it, clone is a new process. */
#define REQUIRE_CLONE_FLAG(flag) \
    { SCMP_SYS(clone), SET_SPAWN, 1, CLONE_ARG(flag, 0), SCMP_ACT_TRAP }
/* No thread of QEMU's or qmem's asks for the flag. */
#define FORBID_CLONE_FLAG(flag) \
    { SCMP_SYS(clone), SET_SPAWN, 1, CLONE_ARG(flag, flag), SCMP_ACT_TRAP }
#define DENY(name, set) { SCMP_SYS(name), set, 0, NULL, SCMP_ACT_TRAP }

static const struct scmp_arg_cmp sched_setscheduler_arg[] = {
    { .arg = 1, .op = SCMP_CMP_NE, .datum_a = SCHED_IDLE },
};

/* QEMU 7.2's deny list, rule for rule. */
static const SeccompRule denylist[] = {
    DENY(reboot, SET_DEFAULT),
    DENY(swapon, SET_DEFAULT),
    DENY(swapoff, SET_DEFAULT),
    DENY(syslog, SET_DEFAULT),
    DENY(mount, SET_DEFAULT),
    DENY(umount, SET_DEFAULT),
    DENY(kexec_load, SET_DEFAULT),
    DENY(afs_syscall, SET_DEFAULT),
    DENY(break, SET_DEFAULT),
    DENY(ftime, SET_DEFAULT),
    DENY(getpmsg, SET_DEFAULT),
    DENY(gtty, SET_DEFAULT),
    DENY(lock, SET_DEFAULT),
    DENY(mpx, SET_DEFAULT),
    DENY(prof, SET_DEFAULT),
    DENY(profil, SET_DEFAULT),
    DENY(putpmsg, SET_DEFAULT),
    DENY(security, SET_DEFAULT),
    DENY(stty, SET_DEFAULT),
    DENY(tuxcall, SET_DEFAULT),
    DENY(ulimit, SET_DEFAULT),
    DENY(vserver, SET_DEFAULT),
    DENY(readdir, SET_OBSOLETE),
    DENY(_sysctl, SET_OBSOLETE),
    DENY(bdflush, SET_OBSOLETE),
    DENY(create_module, SET_OBSOLETE),
    DENY(get_kernel_syms, SET_OBSOLETE),
    DENY(query_module, SET_OBSOLETE),
    DENY(sgetmask, SET_OBSOLETE),
    DENY(ssetmask, SET_OBSOLETE),
    DENY(sysfs, SET_OBSOLETE),
    DENY(uselib, SET_OBSOLETE),
    DENY(ustat, SET_OBSOLETE),
    DENY(setuid, SET_PRIVILEGED),
    DENY(setgid, SET_PRIVILEGED),
    DENY(setpgid, SET_PRIVILEGED),
    DENY(setsid, SET_PRIVILEGED),
    DENY(setreuid, SET_PRIVILEGED),
    DENY(setregid, SET_PRIVILEGED),
    DENY(setresuid, SET_PRIVILEGED),
    DENY(setresgid, SET_PRIVILEGED),
    DENY(setfsuid, SET_PRIVILEGED),
    DENY(setfsgid, SET_PRIVILEGED),
    DENY(fork, SET_SPAWN),
    DENY(vfork, SET_SPAWN),
    DENY(execve, SET_SPAWN),
    /* clone with nothing but the exit signal: fork */
    { SCMP_SYS(clone), SET_SPAWN, 1, CLONE_ARG(~(guint64)CSIGNAL, 0),
      SCMP_ACT_TRAP },
    REQUIRE_CLONE_FLAG(CLONE_VM),
    REQUIRE_CLONE_FLAG(CLONE_FS),
    REQUIRE_CLONE_FLAG(CLONE_FILES),
    REQUIRE_CLONE_FLAG(CLONE_SIGHAND),
    REQUIRE_CLONE_FLAG(CLONE_THREAD),
    REQUIRE_CLONE_FLAG(CLONE_SYSVSEM),
    REQUIRE_CLONE_FLAG(CLONE_SETTLS),
    REQUIRE_CLONE_FLAG(CLONE_PARENT_SETTID),
    REQUIRE_CLONE_FLAG(CLONE_CHILD_CLEARTID),
    FORBID_CLONE_FLAG(CLONE_PIDFD),
    FORBID_CLONE_FLAG(CLONE_PTRACE),
    FORBID_CLONE_FLAG(CLONE_VFORK),
    FORBID_CLONE_FLAG(CLONE_PARENT),
    FORBID_CLONE_FLAG(CLONE_NEWNS),
    FORBID_CLONE_FLAG(CLONE_UNTRACED),
    FORBID_CLONE_FLAG(CLONE_NEWCGROUP),
    FORBID_CLONE_FLAG(CLONE_NEWUTS),
    FORBID_CLONE_FLAG(CLONE_NEWIPC),
    FORBID_CLONE_FLAG(CLONE_NEWUSER),
    FORBID_CLONE_FLAG(CLONE_NEWPID),
    FORBID_CLONE_FLAG(CLONE_NEWNET),
    FORBID_CLONE_FLAG(CLONE_IO),
    /* clone3's flags are in memory: it fails, and the C library clones. */
    { SCMP_SYS(clone3), SET_SPAWN, 0, NULL, SCMP_ACT_ERRNO(ENOSYS) },
    { SCMP_SYS(execveat), SET_SPAWN, 0, NULL, SCMP_ACT_KILL },
    { SCMP_SYS(setns), SET_SPAWN, 0, NULL, SCMP_ACT_KILL },
    { SCMP_SYS(unshare), SET_SPAWN, 0, NULL, SCMP_ACT_KILL },
    { SCMP_SYS(setpriority), SET_RESOURCECTL, 0, NULL, SCMP_ACT_ERRNO(EPERM) },
    { SCMP_SYS(sched_setparam), SET_RESOURCECTL, 0, NULL,
      SCMP_ACT_ERRNO(EPERM) },
    { SCMP_SYS(sched_setscheduler), SET_RESOURCECTL,
      G_N_ELEMENTS(sched_setscheduler_arg), sched_setscheduler_arg,
      SCMP_ACT_ERRNO(EPERM) },
    { SCMP_SYS(sched_setaffinity), SET_RESOURCECTL, 0, NULL,
      SCMP_ACT_ERRNO(EPERM) },
};

/* QEMU's qemu_seccomp_update_action(): a denied call kills the process. */
static guint32 update_action(guint32 action)
{
    static int kill_process = -1;

    if (action != SCMP_ACT_TRAP) {
        return action;
    }
    if (kill_process < 0) {
        guint32 ret = SECCOMP_RET_KILL_PROCESS;

        kill_process = syscall(__NR_seccomp, SECCOMP_GET_ACTION_AVAIL, 0,
                               &ret) == 0;
    }
    return kill_process ? SCMP_ACT_KILL_PROCESS : action;
}

/* QEMU's seccomp_start(): every thread gets the filter (TSYNC). */
static gboolean seccomp_start(guint32 sets, GError **error)
{
    scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
    gboolean ok = FALSE;
    int rc;

    if (!ctx) {
        return qmem_error_fail(error, "failed to initialize seccomp context");
    }
    rc = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_TSYNC, 1);
    if (rc) {
        qmem_error_fail(error,
                        "failed to set seccomp thread synchronization: %s",
                        g_strerror(-rc));
        goto out;
    }
    for (gsize i = 0; i < G_N_ELEMENTS(denylist); i++) {
        if (!(sets & denylist[i].set)) {
            continue;
        }
        rc = seccomp_rule_add_array(ctx, update_action(denylist[i].action),
                                    denylist[i].num, denylist[i].narg,
                                    denylist[i].arg_cmp);
        if (rc < 0) {
            qmem_error_fail(error, "failed to add seccomp denylist rules: %s",
                            g_strerror(-rc));
            goto out;
        }
    }
    rc = seccomp_load(ctx);
    if (rc < 0) {
        qmem_error_fail(error,
                        "failed to load seccomp syscall filter in kernel: %s",
                        g_strerror(-rc));
        goto out;
    }
    ok = TRUE;
out:
    seccomp_release(ctx);
    return ok;
}

/* One of the set options: "allow", or "deny" adds @set. */
static gboolean parse_set(JsonObject *opts, const char *key, guint32 set,
                          const char *also, guint32 *sets, GError **error)
{
    const char *value = qmem_opts_get_last(opts, key);

    if (!value || !strcmp(value, "allow")) {
        return TRUE;
    }
    if (!strcmp(value, "deny") || (also && !strcmp(value, also))) {
        *sets |= set;
        return TRUE;
    }
    return qmem_error_fail(error, "invalid argument for %s", key);
}

gboolean qmem_runner_check_sandbox(const char *arg, gboolean *enable,
                                   GError **error)
{
    static const char *const keys[] = {
        "enable", "obsolete", "elevateprivileges", "spawn",
        "resourcecontrol", NULL,
    };
    g_autoptr(JsonObject) opts = qmem_opts_parse(arg, "enable", NULL, error);
    const char *value;

    if (!opts) {
        return FALSE;
    }
    if (!qmem_opts_check_keys(opts, keys, error)) {
        return FALSE;
    }
    value = qmem_opts_get_last(opts, "enable");
    *enable = FALSE;
    if (value && !qmem_parse_bool(value, enable)) {
        return qmem_error_fail(error,
                               "Parameter 'enable' expects 'on' or 'off'");
    }
    return TRUE;
}

/* QEMU's parse_sandbox(); a -sandbox that is not on does nothing. */
gboolean qmem_runner_apply_sandbox(const char *arg, GError **error)
{
    g_autoptr(JsonObject) opts = NULL;
    guint32 sets = SET_DEFAULT;
    gboolean enable;
    const char *obsolete;

    if (!qmem_runner_check_sandbox(arg, &enable, error)) {
        return FALSE;
    }
    if (!enable) {
        return TRUE;
    }
    opts = qmem_opts_parse(arg, "enable", NULL, NULL);
    obsolete = qmem_opts_get_last(opts, "obsolete");
    if (!obsolete || !strcmp(obsolete, "deny")) {
        sets |= SET_OBSOLETE;
    } else if (strcmp(obsolete, "allow")) {
        return qmem_error_fail(error, "invalid argument for obsolete");
    }
    if (!parse_set(opts, "elevateprivileges", SET_PRIVILEGED, "children",
                   &sets, error) ||
        !parse_set(opts, "spawn", SET_SPAWN, NULL, &sets, error) ||
        !parse_set(opts, "resourcecontrol", SET_RESOURCECTL, NULL, &sets,
                   error)) {
        return FALSE;
    }
    /* "children": no child may gain privileges (QEMU calls prctl itself). */
    if (!g_strcmp0(qmem_opts_get_last(opts, "elevateprivileges"),
                   "children") && prctl(PR_SET_NO_NEW_PRIVS, 1)) {
        return qmem_error_fail(error, "failed to set no_new_privs aborting");
    }
    return seccomp_start(sets, error);
}
