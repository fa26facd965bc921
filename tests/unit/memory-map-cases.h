/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Memory maps from plain data, and their tables, for the memory-map tests. */

#ifndef QMEM_TESTS_UNIT_MEMORY_MAP_CASES_H
#define QMEM_TESTS_UNIT_MEMORY_MAP_CASES_H

#include "system/memory-map.h"

#define HEADER "start              end                size      kind" \
               "            name\n"

/* One map: the input of qmem_memory_map_new_from() and the table. */
typedef struct {
    const char *name;
    const QmemMemoryMapSection *sections; /* ends at a NULL name */
    guint64 dm_base;
    guint64 dm_size;
    const QmemMemoryMapDevice *devices; /* ends at a NULL type */
    const char *text;                   /* qmem_memory_map_to_text() */
} MapCase;

extern const MapCase map_cases[];
extern const gsize n_map_cases;

/* The map of @c. */
QmemMemoryMap *map_from_case(const MapCase *c);

/* The case called @name; it must exist. */
const MapCase *find_case(const char *name);

#endif
