/* SPDX-License-Identifier: GPL-2.0-or-later */
/* MSI-X: the capability, the vector table and the pending bit array. */

#include <string.h>

#include "hw/pci/msix.h"
#include "hw/pci/pci-internal.h"
#include "util/error.h"

/* The enable and function mask bits live in message control's high byte. */
#define MSIX_CONTROL_OFFSET (QMEM_PCI_MSIX_FLAGS + 1)
#define MSIX_ENABLE_MASK (QMEM_PCI_MSIX_FLAGS_ENABLE >> 8)
#define MSIX_MASKALL_MASK (QMEM_PCI_MSIX_FLAGS_MASKALL >> 8)

static QmemPciMsix *msix_of(QmemPciDevice *dev)
{
    return qmem_pci_device_priv(dev)->msix;
}

static guint8 *msix_control(QmemPciDevice *dev)
{
    return &qmem_pci_device_get_config(dev)[msix_of(dev)->cap +
                                            MSIX_CONTROL_OFFSET];
}

/* Bytes of the PBA: whole qwords, as QEMU allocates it. */
static guint pba_size(guint nentries)
{
    return (nentries + 63) / 64 * 8;
}

gboolean qmem_msix_present(QmemPciDevice *dev)
{
    return msix_of(dev) != NULL;
}

gboolean qmem_msix_enabled(QmemPciDevice *dev)
{
    return qmem_msix_present(dev) && (*msix_control(dev) & MSIX_ENABLE_MASK);
}

guint qmem_msix_nr_vectors_allocated(QmemPciDevice *dev)
{
    QmemPciMsix *m = msix_of(dev);

    return m ? m->entries_nr : 0;
}

static gboolean function_masked_now(QmemPciDevice *dev)
{
    return !qmem_msix_enabled(dev) || (*msix_control(dev) & MSIX_MASKALL_MASK);
}

/* Pending bits */

gboolean qmem_msix_is_pending(QmemPciDevice *dev, guint vector)
{
    QmemPciMsix *m = msix_of(dev);

    g_return_val_if_fail(m && vector < m->entries_nr, FALSE);
    return !!(m->pba[vector / 8] & (1 << (vector % 8)));
}

void qmem_msix_set_pending(QmemPciDevice *dev, guint vector)
{
    QmemPciMsix *m = msix_of(dev);

    g_return_if_fail(m && vector < m->entries_nr);
    m->pba[vector / 8] |= 1 << (vector % 8);
}

void qmem_msix_clr_pending(QmemPciDevice *dev, guint vector)
{
    QmemPciMsix *m = msix_of(dev);

    g_return_if_fail(m && vector < m->entries_nr);
    m->pba[vector / 8] &= ~(1 << (vector % 8));
}

/* Masking and sending */

/* QEMU's msix_vector_masked(): with the function mask @fmask given. */
static gboolean vector_masked(QmemPciMsix *m, guint vector, gboolean fmask)
{
    return fmask || (m->table[vector * QMEM_PCI_MSIX_ENTRY_SIZE +
                              QMEM_PCI_MSIX_ENTRY_VECTOR_CTRL] &
                     QMEM_PCI_MSIX_ENTRY_CTRL_MASKBIT);
}

gboolean qmem_msix_is_masked(QmemPciDevice *dev, guint vector)
{
    QmemPciMsix *m = msix_of(dev);

    g_return_val_if_fail(m && vector < m->entries_nr, TRUE);
    return vector_masked(m, vector, m->function_masked);
}

QmemMsiMessage qmem_msix_get_message(QmemPciDevice *dev, guint vector)
{
    QmemPciMsix *m = msix_of(dev);
    QmemMsiMessage msg = { 0 };
    const guint8 *entry;

    g_return_val_if_fail(m && vector < m->entries_nr, msg);
    entry = m->table + vector * QMEM_PCI_MSIX_ENTRY_SIZE;
    msg.address = qmem_pci_get_quad(entry + QMEM_PCI_MSIX_ENTRY_LOWER_ADDR);
    msg.data = qmem_pci_get_long(entry + QMEM_PCI_MSIX_ENTRY_DATA);
    return msg;
}

void qmem_msix_notify(QmemPciDevice *dev, guint vector)
{
    QmemPciMsix *m = msix_of(dev);
    QmemMsiMessage msg;

    g_return_if_fail(m && vector < m->entries_nr);

    if (!m->entry_used[vector]) {
        return;
    }
    if (qmem_msix_is_masked(dev, vector)) {
        qmem_msix_set_pending(dev, vector);
        return;
    }
    msg = qmem_msix_get_message(dev, vector);
    qmem_pci_msi_send(dev, msg.address, msg.data);
}

/* QEMU's msix_handle_mask_update(): an unmasked pending vector fires. */
static void handle_mask_update(QmemPciDevice *dev, guint vector,
                               gboolean was_masked)
{
    gboolean is_masked = qmem_msix_is_masked(dev, vector);

    if (is_masked == was_masked) {
        return;
    }
    if (!is_masked && qmem_msix_is_pending(dev, vector)) {
        qmem_msix_clr_pending(dev, vector);
        qmem_msix_notify(dev, vector);
    }
}

void qmem_msix_set_mask(QmemPciDevice *dev, guint vector, gboolean mask)
{
    QmemPciMsix *m = msix_of(dev);
    guint8 *ctrl;
    gboolean was_masked;

    g_return_if_fail(m && vector < m->entries_nr);
    ctrl = &m->table[vector * QMEM_PCI_MSIX_ENTRY_SIZE +
                     QMEM_PCI_MSIX_ENTRY_VECTOR_CTRL];
    was_masked = qmem_msix_is_masked(dev, vector);
    if (mask) {
        *ctrl |= QMEM_PCI_MSIX_ENTRY_CTRL_MASKBIT;
    } else {
        *ctrl &= ~QMEM_PCI_MSIX_ENTRY_CTRL_MASKBIT;
    }
    handle_mask_update(dev, vector, was_masked);
}

static void mask_all(QmemPciDevice *dev)
{
    for (guint v = 0; v < msix_of(dev)->entries_nr; v++) {
        qmem_msix_set_mask(dev, v, TRUE);
    }
}

void qmem_msix_write_config(QmemPciDevice *dev, guint32 addr, guint32 val,
                            guint len)
{
    QmemPciMsix *m = msix_of(dev);
    guint32 enable_pos;
    gboolean was_masked;

    if (!m) {
        return;
    }
    enable_pos = m->cap + MSIX_CONTROL_OFFSET;
    if (addr > enable_pos || addr + len <= enable_pos) {
        return;
    }
    was_masked = m->function_masked;
    m->function_masked = function_masked_now(dev);
    if (!qmem_msix_enabled(dev)) {
        return;
    }
    qmem_pci_device_deassert_intx(dev);
    if (m->function_masked == was_masked) {
        return;
    }
    for (guint v = 0; v < m->entries_nr; v++) {
        handle_mask_update(dev, v, vector_masked(m, v, was_masked));
    }
}

/* The table and the PBA as the guest reaches them in their BARs */

static guint64 table_read(gpointer opaque, guint64 addr, guint size)
{
    QmemPciMsix *m = msix_of(opaque);

    return qmem_pci_get_long(m->table + addr);
}

static void table_write(gpointer opaque, guint64 addr, guint64 val,
                        guint size)
{
    QmemPciDevice *dev = opaque;
    QmemPciMsix *m = msix_of(dev);
    guint vector = addr / QMEM_PCI_MSIX_ENTRY_SIZE;
    gboolean was_masked = qmem_msix_is_masked(dev, vector);

    qmem_pci_set_long(m->table + addr, val);
    handle_mask_update(dev, vector, was_masked);
}

/* Dwords and qwords, aligned; a qword is two dwords (QEMU's ops). */
static const QmemMemoryRegionOps table_ops = {
    .read = table_read,
    .write = table_write,
    .valid = { .min_access_size = 4, .max_access_size = 8 },
    .impl = { .max_access_size = 4 },
};

static guint64 pba_read(gpointer opaque, guint64 addr, guint size)
{
    return qmem_pci_get_long(msix_of(opaque)->pba + addr);
}

/* The PBA is read-only: writes go nowhere. */
static const QmemMemoryRegionOps pba_ops = {
    .read = pba_read,
    .valid = { .min_access_size = 4, .max_access_size = 8 },
    .impl = { .max_access_size = 4 },
};

/* Setting up and taking down */

static gboolean ranges_overlap(guint64 a, guint64 alen, guint64 b,
                               guint64 blen)
{
    return a < b + blen && b < a + alen;
}

/* QEMU's sanity checks of msix_init(). */
static gboolean check_layout(guint16 nentries, QmemMemoryRegion *table_bar,
                             guint8 table_bar_nr, guint32 table_offset,
                             QmemMemoryRegion *pba_bar, guint8 pba_bar_nr,
                             guint32 pba_offset, GError **error)
{
    guint64 table_size = (guint64)nentries * QMEM_PCI_MSIX_ENTRY_SIZE;

    if (nentries < 1 || nentries > QMEM_PCI_MSIX_FLAGS_QSIZE + 1) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "The number of MSI-X vectors is invalid");
        return FALSE;
    }
    if ((table_bar_nr == pba_bar_nr &&
         ranges_overlap(table_offset, table_size, pba_offset,
                        pba_size(nentries))) ||
        table_offset + table_size > qmem_memory_region_size(table_bar) ||
        pba_offset + pba_size(nentries) > qmem_memory_region_size(pba_bar) ||
        ((table_offset | pba_offset) & QMEM_PCI_MSIX_FLAGS_BIRMASK)) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "table & pba overlap, or they don't fit in BARs, or "
                    "don't align");
        return FALSE;
    }
    return TRUE;
}

gboolean qmem_msix_init(QmemPciDevice *dev, guint16 nentries,
                        QmemMemoryRegion *table_bar, guint8 table_bar_nr,
                        guint32 table_offset, QmemMemoryRegion *pba_bar,
                        guint8 pba_bar_nr, guint32 pba_offset, guint8 cap_pos,
                        GError **error)
{
    QmemPciDevicePrivate *p = qmem_pci_device_priv(dev);
    QmemPciMsix *m;
    guint8 cap;

    g_return_val_if_fail(p->msix == NULL, FALSE);

    if (!check_layout(nentries, table_bar, table_bar_nr, table_offset,
                      pba_bar, pba_bar_nr, pba_offset, error)) {
        return FALSE;
    }
    cap = qmem_pci_add_capability(dev, QMEM_PCI_CAP_ID_MSIX, cap_pos,
                                  QMEM_MSIX_CAP_LENGTH, error);
    if (!cap) {
        return FALSE;
    }
    m = p->msix = g_new0(QmemPciMsix, 1);
    m->cap = cap;
    m->entries_nr = nentries;
    m->function_masked = TRUE;
    qmem_pci_set_word(p->config + cap + QMEM_PCI_MSIX_FLAGS, nentries - 1);
    qmem_pci_set_long(p->config + cap + QMEM_PCI_MSIX_TABLE,
                      table_offset | table_bar_nr);
    qmem_pci_set_long(p->config + cap + QMEM_PCI_MSIX_PBA,
                      pba_offset | pba_bar_nr);
    p->wmask[cap + MSIX_CONTROL_OFFSET] |= MSIX_ENABLE_MASK |
                                           MSIX_MASKALL_MASK;
    m->table = g_malloc0(nentries * QMEM_PCI_MSIX_ENTRY_SIZE);
    m->pba = g_malloc0(pba_size(nentries));
    m->entry_used = g_new0(guint, nentries);
    mask_all(dev);

    m->table_bar = g_object_ref(table_bar);
    m->pba_bar = g_object_ref(pba_bar);
    m->table_mmio = qmem_memory_region_new_io(
        "msix-table", nentries * QMEM_PCI_MSIX_ENTRY_SIZE, &table_ops, dev);
    qmem_memory_region_add_subregion(table_bar, table_offset, m->table_mmio);
    m->pba_mmio = qmem_memory_region_new_io("msix-pba", pba_size(nentries),
                                            &pba_ops, dev);
    qmem_memory_region_add_subregion(pba_bar, pba_offset, m->pba_mmio);
    return TRUE;
}

static guint32 pow2ceil(guint32 v)
{
    guint32 p = 1;

    while (p < v) {
        p <<= 1;
    }
    return p;
}

gboolean qmem_msix_init_exclusive_bar(QmemPciDevice *dev, guint16 nentries,
                                      guint8 bar_nr, GError **error)
{
    guint32 bar_size = 4096;
    guint32 pba_offset = bar_size / 2;
    g_autofree char *name = g_strdup_printf(
        "%s-msix", qmem_object_get_typename(QMEM_OBJECT(dev)));
    QmemMemoryRegion *bar;

    /* The table in the lower half, the PBA in the upper, up to 128. */
    if (nentries * QMEM_PCI_MSIX_ENTRY_SIZE > pba_offset) {
        pba_offset = nentries * QMEM_PCI_MSIX_ENTRY_SIZE;
    }
    if (pba_offset + pba_size(nentries) > 4096) {
        bar_size = pba_offset + pba_size(nentries);
    }
    bar = qmem_memory_region_new_container(name, pow2ceil(bar_size));
    if (!qmem_msix_init(dev, nentries, bar, bar_nr, 0, bar, bar_nr,
                        pba_offset, 0, error)) {
        g_object_unref(bar);
        return FALSE;
    }
    msix_of(dev)->exclusive_bar = bar;
    qmem_pci_register_bar(dev, bar_nr, QMEM_PCI_BASE_ADDRESS_SPACE_MEMORY,
                          bar);
    return TRUE;
}

void qmem_msix_uninit(QmemPciDevice *dev, QmemMemoryRegion *table_bar,
                      QmemMemoryRegion *pba_bar)
{
    QmemPciDevicePrivate *p = qmem_pci_device_priv(dev);
    QmemPciMsix *m = p->msix;

    if (!m) {
        return;
    }
    g_return_if_fail(table_bar == m->table_bar && pba_bar == m->pba_bar);

    qmem_pci_del_capability(dev, QMEM_PCI_CAP_ID_MSIX, QMEM_MSIX_CAP_LENGTH);
    qmem_memory_region_del_subregion(m->pba_bar, m->pba_mmio);
    qmem_memory_region_del_subregion(m->table_bar, m->table_mmio);
    g_object_unref(m->pba_mmio);
    g_object_unref(m->table_mmio);
    g_object_unref(m->pba_bar);
    g_object_unref(m->table_bar);
    g_clear_object(&m->exclusive_bar);
    g_free(m->table);
    g_free(m->pba);
    g_free(m->entry_used);
    g_clear_pointer(&p->msix, g_free);
}

void qmem_msix_uninit_exclusive_bar(QmemPciDevice *dev)
{
    QmemPciMsix *m = msix_of(dev);

    if (m) {
        qmem_msix_uninit(dev, m->table_bar, m->pba_bar);
    }
}

void qmem_msix_free(QmemPciDevice *dev)
{
    qmem_msix_uninit_exclusive_bar(dev);
}

/* Use counts and reset */

void qmem_msix_vector_use(QmemPciDevice *dev, guint vector)
{
    QmemPciMsix *m = msix_of(dev);

    g_return_if_fail(m && vector < m->entries_nr);
    m->entry_used[vector]++;
}

void qmem_msix_vector_unuse(QmemPciDevice *dev, guint vector)
{
    QmemPciMsix *m = msix_of(dev);

    g_return_if_fail(m && vector < m->entries_nr);
    if (!m->entry_used[vector] || --m->entry_used[vector]) {
        return;
    }
    qmem_msix_clr_pending(dev, vector);
}

void qmem_msix_unuse_all_vectors(QmemPciDevice *dev)
{
    QmemPciMsix *m = msix_of(dev);

    if (!m) {
        return;
    }
    memset(m->entry_used, 0, m->entries_nr * sizeof(*m->entry_used));
    memset(m->pba, 0, pba_size(m->entries_nr));
}

void qmem_msix_reset(QmemPciDevice *dev)
{
    QmemPciMsix *m = msix_of(dev);
    guint8 *wmask = qmem_pci_device_get_wmask(dev);

    if (!m) {
        return;
    }
    memset(m->pba, 0, pba_size(m->entries_nr));
    *msix_control(dev) &= ~wmask[m->cap + MSIX_CONTROL_OFFSET];
    /*
     * QEMU leaves its function mask as it was until the next write of
     * message control; disabled is masked.
     */
    m->function_masked = TRUE;
    memset(m->table, 0, m->entries_nr * QMEM_PCI_MSIX_ENTRY_SIZE);
    mask_all(dev);
}
