/* SPDX-License-Identifier: GPL-2.0-or-later */
/* QMP and HMP commands over the object tree (qom-*, object-add/del). */

#ifndef QMEM_QOM_QOM_QMP_CMDS_H
#define QMEM_QOM_QOM_QMP_CMDS_H


G_BEGIN_DECLS

/**
 * qmem_qom_qmp_register:
 * Registers qom-list, qom-get, qom-set, object-add, object-del,
 * query-memdev and the HMP commands info memdev, qom-get, qom-set,
 * object_add and object_del.
 */
void qmem_qom_qmp_register(void);

G_END_DECLS

#endif
