/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A board's ACPI tables as fw_cfg files, rebuilt on the first read. */

#include "hw/acpi/utils.h"

/* QEMU's AcpiBuildState. */
typedef struct {
    QmemFWCfg *fw_cfg;                  /* owns this state */
    QmemAcpiBuildFunc build;
    gpointer opaque;
    GDestroyNotify opaque_free;
    gboolean patched;
} AcpiBuildState;

/*
 * QEMU's acpi_build_update(): on the first read of any of the files the
 * tables are built again, since the machine may have changed since
 * setup (devices added before the guest ran).
 */
static void acpi_build_update(gpointer opaque)
{
    AcpiBuildState *state = opaque;
    QmemAcpiBuildTables tables;
    gsize len;
    gpointer data;

    if (state->patched) {
        return;
    }
    state->patched = TRUE;

    qmem_acpi_build_tables_init(&tables);
    state->build(&tables, state->opaque);
    data = g_byte_array_steal(tables.table_data, &len);
    qmem_fw_cfg_modify_file(state->fw_cfg, QMEM_ACPI_BUILD_TABLE_FILE, data,
                            len);
    data = g_byte_array_steal(tables.rsdp, &len);
    qmem_fw_cfg_modify_file(state->fw_cfg, QMEM_ACPI_BUILD_RSDP_FILE, data,
                            len);
    data = g_byte_array_steal(tables.linker->cmd_blob, &len);
    qmem_fw_cfg_modify_file(state->fw_cfg, QMEM_ACPI_BUILD_LOADER_FILE, data,
                            len);
    qmem_acpi_build_tables_cleanup(&tables);
}

static void acpi_build_state_free(gpointer data, GObject *where_the_fw_cfg_was)
{
    AcpiBuildState *state = data;

    if (state->opaque_free) {
        state->opaque_free(state->opaque);
    }
    g_free(state);
}

void qmem_acpi_setup(QmemFWCfg *fw_cfg, QmemAcpiBuildFunc build,
                     gpointer opaque, GDestroyNotify opaque_free)
{
    AcpiBuildState *state = g_new0(AcpiBuildState, 1);
    QmemAcpiBuildTables tables;
    gsize len;
    gpointer data;

    g_return_if_fail(QMEM_IS_FW_CFG(fw_cfg) && build);
    *state = (AcpiBuildState){ fw_cfg, build, opaque, opaque_free, FALSE };
    g_object_weak_ref(G_OBJECT(fw_cfg), acpi_build_state_free, state);

    qmem_acpi_build_tables_init(&tables);
    build(&tables, opaque);
    /* QEMU's order: the tables, the loader, then the RSDP. */
    data = g_byte_array_steal(tables.table_data, &len);
    qmem_fw_cfg_add_file_callback(fw_cfg, QMEM_ACPI_BUILD_TABLE_FILE,
                                  acpi_build_update, NULL, state, data, len,
                                  TRUE);
    data = g_byte_array_steal(tables.linker->cmd_blob, &len);
    qmem_fw_cfg_add_file_callback(fw_cfg, QMEM_ACPI_BUILD_LOADER_FILE,
                                  acpi_build_update, NULL, state, data, len,
                                  TRUE);
    data = g_byte_array_steal(tables.rsdp, &len);
    qmem_fw_cfg_add_file_callback(fw_cfg, QMEM_ACPI_BUILD_RSDP_FILE,
                                  acpi_build_update, NULL, state, data, len,
                                  TRUE);
    qmem_acpi_build_tables_cleanup(&tables);
}
