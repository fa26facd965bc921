/* SPDX-License-Identifier: GPL-2.0-or-later */
/* qmem-run: builds a machine from QEMU's options and serves QMP. */

#include <stdio.h>
#include "qom/module.h"
#include "system/main-internal.h"
#include "util/error-report.h"
#include "util/main-loop.h"

int main(int argc, char **argv)
{
    g_autoptr(GError) error = NULL;
    QmemRunner *r;
    int status = 0;

    g_set_prgname(argv[0]);
    /* This thread holds the BQL but while the main loop polls. */
    qmem_main_loop_init();
    qmem_termsig_init();
    r = qmem_runner_new();
    if (qmem_modules_init(&error) &&
        qmem_runner_setup(r, argc, argv, &error)) {
        const char *help = qmem_runner_get_help(r);

        if (qmem_runner_get_parent_status(r) >= 0) {
            /* -daemonize: the parent, whose daemon is set up or gone. */
            status = qmem_runner_get_parent_status(r);
        } else if (help) {
            fputs(help, stdout);
        } else {
            status = qmem_runner_run(r);
        }
    } else {
        qmem_error_report_err(error);
        /* A signal during start-up cancels what takes long. */
        qmem_runner_kill_report(r);
        status = 1;
    }
    /* Whatever was built goes, so that leak checkers see nothing left. */
    qmem_runner_free(r);
    return status;
}
