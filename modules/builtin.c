/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The core library's own leaf types, known by name before any module. */

#include "accel/qtest/qtest.h"
#include "modules/builtin.h"
#include "system/thread-context.h"

void qmem_modules_init_builtin(void)
{
    g_type_ensure(QMEM_TYPE_QTEST_ACCEL);
    g_type_ensure(QMEM_TYPE_THREAD_CONTEXT);
}
