/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ACPI memory hotplug: QEMU's register block for DIMM slots, and its AML. */

#include "hw/acpi/memory_hotplug.h"
#include "hw/mem/memory-device.h"
#include "qapi/qmp-event.h"
#include "util/error.h"

/* The AML names of the block, its fields and methods (QEMU's). */
#define MEMORY_SLOTS_NUMBER "MDNR"
#define MEMORY_HOTPLUG_IO_REGION "HPMR"
#define MEMORY_SLOT_ADDR_LOW "MRBL"
#define MEMORY_SLOT_ADDR_HIGH "MRBH"
#define MEMORY_SLOT_SIZE_LOW "MRLL"
#define MEMORY_SLOT_SIZE_HIGH "MRLH"
#define MEMORY_SLOT_PROXIMITY "MPX"
#define MEMORY_SLOT_ENABLED "MES"
#define MEMORY_SLOT_INSERT_EVENT "MINS"
#define MEMORY_SLOT_REMOVE_EVENT "MRMV"
#define MEMORY_SLOT_EJECT "MEJ"
#define MEMORY_SLOT_SLECTOR "MSEL"
#define MEMORY_SLOT_OST_EVENT "MOEV"
#define MEMORY_SLOT_OST_STATUS "MOSC"
#define MEMORY_SLOT_LOCK "MLCK"
#define MEMORY_SLOT_STATUS_METHOD "MRST"
#define MEMORY_SLOT_CRS_METHOD "MCRS"
#define MEMORY_SLOT_OST_METHOD "MOST"
#define MEMORY_SLOT_PROXIMITY_METHOD "MPXM"
#define MEMORY_SLOT_EJECT_METHOD "MEJ0"
#define MEMORY_SLOT_NOTIFY_METHOD "MTFY"
#define MEMORY_HOTPLUG_DEVICE "MHPD"

/* Register offsets */
#define MHP_ADDR_LO 0x00        /* read; write: selector */
#define MHP_ADDR_HI 0x04        /* read; write: _OST event */
#define MHP_SIZE_LO 0x08        /* read; write: _OST status */
#define MHP_SIZE_HI 0x0c
#define MHP_PXM 0x10
#define MHP_FLAGS 0x14
#define MHP_SELECTOR MHP_ADDR_LO
#define MHP_OST_EVENT MHP_ADDR_HI
#define MHP_OST_STATUS MHP_SIZE_LO

/* Status bits at MHP_FLAGS */
#define MHP_ENABLED (1 << 0)
#define MHP_INSERTING (1 << 1)
#define MHP_REMOVING (1 << 2)
#define MHP_EJECT (1 << 3)

/* An ACPIOSTInfo (query-acpi-ospm-status, ACPI_DEVICE_OST). */
static JsonObject *memory_device_status(guint32 slot, QmemMemStatus *mdev)
{
    JsonObject *info = json_object_new();
    const char *id = mdev->dimm ? qmem_device_get_id(mdev->dimm) : NULL;
    g_autofree char *slot_str = g_strdup_printf("%d", (int)slot);

    if (id) {
        json_object_set_string_member(info, "device", id);
    }
    json_object_set_string_member(info, "slot", slot_str);
    json_object_set_string_member(info, "slot-type", "DIMM");
    json_object_set_int_member(info, "source", mdev->ost_event);
    json_object_set_int_member(info, "status", mdev->ost_status);
    return info;
}

void qmem_acpi_memory_ospm_status(QmemMemHotplugState *state,
                                  JsonArray *list)
{
    for (guint32 i = 0; i < state->dev_count; i++) {
        json_array_add_object_element(
            list, memory_device_status(i, &state->devs[i]));
    }
}

static guint64 acpi_memory_hotplug_read(gpointer opaque, guint64 addr,
                                        guint size)
{
    QmemMemHotplugState *state = opaque;
    QmemMemStatus *mdev;
    QmemMemoryDevice *md;
    guint32 val = 0;
    guint node;

    if (state->selector >= state->dev_count) {
        return 0;
    }
    mdev = &state->devs[state->selector];
    md = mdev->dimm ? QMEM_MEMORY_DEVICE(mdev->dimm) : NULL;
    switch (addr) {
    case MHP_ADDR_LO:
        val = md ? qmem_memory_device_get_addr(md) : 0;
        break;
    case MHP_ADDR_HI:
        val = md ? qmem_memory_device_get_addr(md) >> 32 : 0;
        break;
    case MHP_SIZE_LO:
        val = md ? qmem_memory_device_get_region_size(md, NULL) : 0;
        break;
    case MHP_SIZE_HI:
        val = md ? qmem_memory_device_get_region_size(md, NULL) >> 32 : 0;
        break;
    case MHP_PXM:
        val = md && qmem_memory_device_get_node(md, &node) ? node : 0;
        break;
    case MHP_FLAGS:
        val = (mdev->is_enabled ? MHP_ENABLED : 0) |
              (mdev->is_inserting ? MHP_INSERTING : 0) |
              (mdev->is_removing ? MHP_REMOVING : 0);
        break;
    default:
        val = ~0;
        break;
    }
    return val;
}

/* The status bits are acted on one per write, in QEMU's order. */
static void acpi_memory_hotplug_write_flags(QmemMemStatus *mdev,
                                            guint64 data)
{
    if (data & MHP_INSERTING) {
        mdev->is_inserting = FALSE;
    } else if (data & MHP_REMOVING) {
        mdev->is_removing = FALSE;
    } else if (data & MHP_EJECT) {
        if (!mdev->is_enabled || !mdev->dimm) {
            return;
        }
        /* The machine's unplug hook clears the slot on the way. */
        qmem_device_unplug(mdev->dimm);
    }
}

static void acpi_memory_hotplug_write(gpointer opaque, guint64 addr,
                                      guint64 data, guint size)
{
    QmemMemHotplugState *state = opaque;
    QmemMemStatus *mdev;
    g_autoptr(JsonObject) info = NULL;

    if (!state->dev_count) {
        return;
    }
    if (addr == MHP_SELECTOR) {
        state->selector = data;
        return;
    }
    if (state->selector >= state->dev_count) {
        return;
    }
    mdev = &state->devs[state->selector];
    switch (addr) {
    case MHP_OST_EVENT:
        mdev->ost_event = data;
        break;
    case MHP_OST_STATUS:
        mdev->ost_status = data;
        info = memory_device_status(state->selector, mdev);
        qmem_qapi_event_send_acpi_device_ost(info);
        break;
    case MHP_FLAGS:
        acpi_memory_hotplug_write_flags(mdev, data);
        break;
    default:
        break;
    }
}

static const QmemMemoryRegionOps acpi_memory_hotplug_ops = {
    .read = acpi_memory_hotplug_read,
    .write = acpi_memory_hotplug_write,
    .valid = { .min_access_size = 1, .max_access_size = 4 },
};

void qmem_acpi_memory_hotplug_init(QmemMemoryRegion *as,
                                   QmemMemHotplugState *state, guint32 slots,
                                   guint64 io_base)
{
    g_return_if_fail(!state->io);

    state->dev_count = slots;
    if (!slots) {
        return;
    }
    state->devs = g_new0(QmemMemStatus, slots);
    state->io = qmem_memory_region_new_io("acpi-mem-hotplug",
                                          QMEM_ACPI_MEMORY_HOTPLUG_IO_LEN,
                                          &acpi_memory_hotplug_ops, state);
    state->parent = as;
    qmem_memory_region_add_subregion(as, io_base, state->io);
}

void qmem_acpi_memory_hotplug_cleanup(QmemMemHotplugState *state)
{
    if (state->io) {
        qmem_memory_region_del_subregion(state->parent, state->io);
        g_clear_object(&state->io);
    }
    g_clear_pointer(&state->devs, g_free);
    state->dev_count = 0;
}

/* The slot @dev holds, if the block has it (acpi_memory_slot_status()). */
static QmemMemStatus *acpi_memory_slot_status(QmemMemHotplugState *state,
                                              QmemDevice *dev,
                                              GError **error)
{
    int slot;

    qmem_memory_device_get_slot(QMEM_MEMORY_DEVICE(dev), &slot);

    if (slot < 0 || (guint32)slot >= state->dev_count) {
        g_autofree char *path =
            qmem_object_get_canonical_path(QMEM_OBJECT(dev));

        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "acpi_memory_slot_status: device [%s] returned invalid "
                    "memory slot[%d]", path, slot);
        return NULL;
    }
    return &state->devs[slot];
}

void qmem_acpi_memory_plug_cb(QmemAcpiDeviceIf *adev,
                              QmemMemHotplugState *state, QmemDevice *dev)
{
    g_autoptr(GError) error = NULL;
    QmemMemStatus *mdev;

    if (!QMEM_DEVICE_GET_CLASS(dev)->hotpluggable) {
        return;
    }
    mdev = acpi_memory_slot_status(state, dev, &error);
    /* pre_plug gave the DIMM a slot among the machine's. */
    g_return_if_fail(mdev);
    mdev->dimm = dev;
    mdev->is_enabled = TRUE;
    if (qmem_device_is_hotplugged(dev)) {
        mdev->is_inserting = TRUE;
        qmem_acpi_send_event(adev, QMEM_ACPI_MEMORY_HOTPLUG_STATUS);
    }
}

gboolean qmem_acpi_memory_unplug_request_cb(QmemAcpiDeviceIf *adev,
                                            QmemMemHotplugState *state,
                                            QmemDevice *dev, GError **error)
{
    QmemMemStatus *mdev = acpi_memory_slot_status(state, dev, error);

    if (!mdev) {
        return FALSE;
    }
    mdev->is_removing = TRUE;
    qmem_acpi_send_event(adev, QMEM_ACPI_MEMORY_HOTPLUG_STATUS);
    return TRUE;
}

void qmem_acpi_memory_unplug_cb(QmemMemHotplugState *state, QmemDevice *dev)
{
    g_autoptr(GError) error = NULL;
    QmemMemStatus *mdev = acpi_memory_slot_status(state, dev, &error);

    g_return_if_fail(mdev);
    mdev->is_enabled = FALSE;
    mdev->dimm = NULL;
}

/* AML */

/* Device (RES_ROOT.MHPD): the block as a resource, and its region. */
static void build_memory_hotplug_device(QmemAml *table, const char *path,
                                        QmemAmlRegionSpace rs,
                                        guint64 io_base)
{
    QmemAml *dev = qmem_aml_device("%s", path);
    QmemAml *crs = qmem_aml_resource_template();

    qmem_aml_append(dev, qmem_aml_name_decl("_HID",
                                            qmem_aml_string("PNP0A06")));
    qmem_aml_append(dev, qmem_aml_name_decl(
        "_UID", qmem_aml_string("Memory hotplug resources")));
    /* Memory32Fixed for MMIO is not built: both boards use I/O. */
    g_return_if_fail(rs == QMEM_AML_SYSTEM_IO);
    qmem_aml_append(crs, qmem_aml_io(QMEM_AML_DECODE16, io_base, io_base, 0,
                                     QMEM_ACPI_MEMORY_HOTPLUG_IO_LEN));
    qmem_aml_append(dev, qmem_aml_name_decl("_CRS", crs));
    qmem_aml_append(dev, qmem_aml_operation_region(
        MEMORY_HOTPLUG_IO_REGION, rs, qmem_aml_int(io_base),
        QMEM_ACPI_MEMORY_HOTPLUG_IO_LEN));
    qmem_aml_append(table, dev);
}

/* The three Field()s over the block: data, status bits, commands. */
static void build_memory_hotplug_fields(QmemAml *container,
                                        const char *region)
{
    static const char *const data[] = {
        MEMORY_SLOT_ADDR_LOW, MEMORY_SLOT_ADDR_HIGH, MEMORY_SLOT_SIZE_LOW,
        MEMORY_SLOT_SIZE_HIGH, MEMORY_SLOT_PROXIMITY,
    };
    static const char *const bits[] = {
        MEMORY_SLOT_ENABLED, MEMORY_SLOT_INSERT_EVENT,
        MEMORY_SLOT_REMOVE_EVENT, MEMORY_SLOT_EJECT,
    };
    static const char *const commands[] = {
        MEMORY_SLOT_SLECTOR, MEMORY_SLOT_OST_EVENT, MEMORY_SLOT_OST_STATUS,
    };
    QmemAml *field = qmem_aml_field(region, QMEM_AML_DWORD_ACC,
                                    QMEM_AML_NOLOCK, QMEM_AML_PRESERVE);

    for (gsize i = 0; i < G_N_ELEMENTS(data); i++) {
        qmem_aml_append(field, qmem_aml_named_field(data[i], 32));
    }
    qmem_aml_append(container, field);

    field = qmem_aml_field(region, QMEM_AML_BYTE_ACC, QMEM_AML_NOLOCK,
                           QMEM_AML_WRITE_AS_ZEROS);
    qmem_aml_append(field, qmem_aml_reserved_field(MHP_FLAGS * 8));
    for (gsize i = 0; i < G_N_ELEMENTS(bits); i++) {
        qmem_aml_append(field, qmem_aml_named_field(bits[i], 1));
    }
    qmem_aml_append(container, field);

    field = qmem_aml_field(region, QMEM_AML_DWORD_ACC, QMEM_AML_NOLOCK,
                           QMEM_AML_PRESERVE);
    for (gsize i = 0; i < G_N_ELEMENTS(commands); i++) {
        qmem_aml_append(field, qmem_aml_named_field(commands[i], 32));
    }
    qmem_aml_append(container, field);
}

/* If (LEqual (MDNR, Zero)) { Return (Zero) } */
static QmemAml *if_no_slots_return_zero(void)
{
    QmemAml *ifctx = qmem_aml_if(qmem_aml_equal(
        qmem_aml_name(MEMORY_SLOTS_NUMBER), qmem_aml_int(0)));

    qmem_aml_append(ifctx, qmem_aml_return(qmem_aml_int(0)));
    return ifctx;
}

/*
 * MSCN: for each slot, Device Check (1) an inserting one or Eject
 * Request (3) a removing one through MTFY, and acknowledge the event.
 */
static QmemAml *build_scan_method(void)
{
    QmemAml *method = qmem_aml_method(QMEM_MEMORY_SLOT_SCAN_METHOD, 0,
                                      QMEM_AML_NOTSERIALIZED);
    QmemAml *idx = qmem_aml_local(0);
    QmemAml *one = qmem_aml_int(1);
    QmemAml *lock = qmem_aml_name(MEMORY_SLOT_LOCK);
    QmemAml *ins_evt = qmem_aml_name(MEMORY_SLOT_INSERT_EVENT);
    QmemAml *rm_evt = qmem_aml_name(MEMORY_SLOT_REMOVE_EVENT);
    QmemAml *while_ctx, *ifctx, *else_ctx;

    qmem_aml_append(method, if_no_slots_return_zero());
    qmem_aml_append(method, qmem_aml_store(qmem_aml_int(0), idx));
    qmem_aml_append(method, qmem_aml_acquire(lock, 0xffff));
    while_ctx = qmem_aml_while(qmem_aml_lless(
        idx, qmem_aml_name(MEMORY_SLOTS_NUMBER)));
    qmem_aml_append(while_ctx, qmem_aml_store(
        idx, qmem_aml_name(MEMORY_SLOT_SLECTOR)));
    ifctx = qmem_aml_if(qmem_aml_equal(ins_evt, one));
    qmem_aml_append(ifctx, qmem_aml_call2(MEMORY_SLOT_NOTIFY_METHOD, idx,
                                          qmem_aml_int(1)));
    qmem_aml_append(ifctx, qmem_aml_store(one, ins_evt));
    qmem_aml_append(while_ctx, ifctx);
    else_ctx = qmem_aml_else();
    ifctx = qmem_aml_if(qmem_aml_equal(rm_evt, one));
    qmem_aml_append(ifctx, qmem_aml_call2(MEMORY_SLOT_NOTIFY_METHOD, idx,
                                          qmem_aml_int(3)));
    qmem_aml_append(ifctx, qmem_aml_store(one, rm_evt));
    qmem_aml_append(else_ctx, ifctx);
    qmem_aml_append(while_ctx, else_ctx);
    qmem_aml_append(while_ctx, qmem_aml_add(idx, one, idx));
    qmem_aml_append(method, while_ctx);
    qmem_aml_append(method, qmem_aml_release(lock));
    qmem_aml_append(method, qmem_aml_return(one));
    return method;
}

/* Acquire (MLCK, 0xFFFF); MSEL = ToInteger (Arg0) */
static void select_slot(QmemAml *method)
{
    qmem_aml_append(method, qmem_aml_acquire(
        qmem_aml_name(MEMORY_SLOT_LOCK), 0xffff));
    qmem_aml_append(method, qmem_aml_store(
        qmem_aml_to_integer(qmem_aml_arg(0)),
        qmem_aml_name(MEMORY_SLOT_SLECTOR)));
}

/* MRST (slot): _STA, 0xF when the slot is enabled. */
static QmemAml *build_status_method(void)
{
    QmemAml *method = qmem_aml_method(MEMORY_SLOT_STATUS_METHOD, 1,
                                      QMEM_AML_NOTSERIALIZED);
    QmemAml *ret_val = qmem_aml_local(0);
    QmemAml *ifctx;

    qmem_aml_append(method, qmem_aml_store(qmem_aml_int(0), ret_val));
    select_slot(method);
    ifctx = qmem_aml_if(qmem_aml_equal(qmem_aml_name(MEMORY_SLOT_ENABLED),
                                       qmem_aml_int(1)));
    qmem_aml_append(ifctx, qmem_aml_store(qmem_aml_int(0xf), ret_val));
    qmem_aml_append(method, ifctx);
    qmem_aml_append(method, qmem_aml_release(
        qmem_aml_name(MEMORY_SLOT_LOCK)));
    qmem_aml_append(method, qmem_aml_return(ret_val));
    return method;
}

/* If (LLess (MAXL, MINL)) { Add (MAXH, One, MAXH) } and the borrow. */
static void append_crs_carry(QmemAml *method)
{
    QmemAml *one = qmem_aml_int(1);
    QmemAml *maxh = qmem_aml_name("MAXH");
    QmemAml *maxl = qmem_aml_name("MAXL");
    QmemAml *ifctx = qmem_aml_if(qmem_aml_lless(maxl, qmem_aml_name("MINL")));

    qmem_aml_append(ifctx, qmem_aml_add(maxh, one, maxh));
    qmem_aml_append(method, ifctx);
    ifctx = qmem_aml_if(qmem_aml_lless(maxl, one));
    qmem_aml_append(ifctx, qmem_aml_subtract(maxh, one, maxh));
    qmem_aml_append(method, ifctx);
    qmem_aml_append(method, qmem_aml_subtract(maxl, one, maxl));
}

/* The 32-bit _CRS, returned when the DIMM ends below 4 GiB. */
static QmemAml *build_crs32(void)
{
    QmemAml *ifctx = qmem_aml_if(qmem_aml_equal(qmem_aml_name("MAXH"),
                                                qmem_aml_int(0)));
    QmemAml *crs = qmem_aml_resource_template();
    QmemAml *mr32 = qmem_aml_name("MR32");

    qmem_aml_append(crs, qmem_aml_dword_memory(
        QMEM_AML_POS_DECODE, QMEM_AML_MIN_FIXED, QMEM_AML_MAX_FIXED,
        QMEM_AML_CACHEABLE, QMEM_AML_READ_WRITE, 0, 0x0, 0xfffffffe, 0,
        0xffffffff));
    qmem_aml_append(ifctx, qmem_aml_name_decl("MR32", crs));
    qmem_aml_append(ifctx, qmem_aml_create_dword_field(
        mr32, qmem_aml_int(10), "MIN"));
    qmem_aml_append(ifctx, qmem_aml_create_dword_field(
        mr32, qmem_aml_int(14), "MAX"));
    qmem_aml_append(ifctx, qmem_aml_create_dword_field(
        mr32, qmem_aml_int(22), "LEN"));
    qmem_aml_append(ifctx, qmem_aml_store(qmem_aml_name("MINL"),
                                          qmem_aml_name("MIN")));
    qmem_aml_append(ifctx, qmem_aml_store(qmem_aml_name("MAXL"),
                                          qmem_aml_name("MAX")));
    qmem_aml_append(ifctx, qmem_aml_store(qmem_aml_name("LENL"),
                                          qmem_aml_name("LEN")));
    qmem_aml_append(ifctx, qmem_aml_release(
        qmem_aml_name(MEMORY_SLOT_LOCK)));
    qmem_aml_append(ifctx, qmem_aml_return(mr32));
    return ifctx;
}

/* MCRS (slot): the DIMM's range as a QWordMemory (64-bit MAX = MIN+LEN-1). */
static QmemAml *build_crs_method(void)
{
    static const struct {
        guint offset;
        const char *name;
    } fields[] = {
        { 14, "MINL" }, { 18, "MINH" }, { 38, "LENL" }, { 42, "LENH" },
        { 22, "MAXL" }, { 26, "MAXH" },
    };
    static const char *const stores[][2] = {
        { MEMORY_SLOT_ADDR_HIGH, "MINH" }, { MEMORY_SLOT_ADDR_LOW, "MINL" },
        { MEMORY_SLOT_SIZE_HIGH, "LENH" }, { MEMORY_SLOT_SIZE_LOW, "LENL" },
    };
    QmemAml *method = qmem_aml_method(MEMORY_SLOT_CRS_METHOD, 1,
                                      QMEM_AML_SERIALIZED);
    QmemAml *mr64 = qmem_aml_name("MR64");
    QmemAml *crs = qmem_aml_resource_template();

    select_slot(method);
    qmem_aml_append(crs, qmem_aml_qword_memory(
        QMEM_AML_POS_DECODE, QMEM_AML_MIN_FIXED, QMEM_AML_MAX_FIXED,
        QMEM_AML_CACHEABLE, QMEM_AML_READ_WRITE, 0, 0x0,
        0xfffffffffffffffeULL, 0, 0xffffffffffffffffULL));
    qmem_aml_append(method, qmem_aml_name_decl("MR64", crs));
    for (gsize i = 0; i < G_N_ELEMENTS(fields); i++) {
        qmem_aml_append(method, qmem_aml_create_dword_field(
            mr64, qmem_aml_int(fields[i].offset), fields[i].name));
    }
    for (gsize i = 0; i < G_N_ELEMENTS(stores); i++) {
        qmem_aml_append(method,
                        qmem_aml_store(qmem_aml_name("%s", stores[i][0]),
                                       qmem_aml_name("%s", stores[i][1])));
    }
    qmem_aml_append(method, qmem_aml_add(qmem_aml_name("MINL"),
                                         qmem_aml_name("LENL"),
                                         qmem_aml_name("MAXL")));
    qmem_aml_append(method, qmem_aml_add(qmem_aml_name("MINH"),
                                         qmem_aml_name("LENH"),
                                         qmem_aml_name("MAXH")));
    append_crs_carry(method);
    qmem_aml_append(method, build_crs32());
    qmem_aml_append(method, qmem_aml_release(
        qmem_aml_name(MEMORY_SLOT_LOCK)));
    qmem_aml_append(method, qmem_aml_return(mr64));
    return method;
}

/* MPXM (slot): _PXM.  MOST (slot, event, status): _OST.  MEJ0: _EJ0. */
static void build_slot_methods(QmemAml *container)
{
    QmemAml *lock = qmem_aml_name(MEMORY_SLOT_LOCK);
    QmemAml *method = qmem_aml_method(MEMORY_SLOT_PROXIMITY_METHOD, 1,
                                      QMEM_AML_NOTSERIALIZED);

    select_slot(method);
    qmem_aml_append(method, qmem_aml_store(
        qmem_aml_name(MEMORY_SLOT_PROXIMITY), qmem_aml_local(0)));
    qmem_aml_append(method, qmem_aml_release(lock));
    qmem_aml_append(method, qmem_aml_return(qmem_aml_local(0)));
    qmem_aml_append(container, method);

    method = qmem_aml_method(MEMORY_SLOT_OST_METHOD, 4,
                             QMEM_AML_NOTSERIALIZED);
    select_slot(method);
    qmem_aml_append(method, qmem_aml_store(
        qmem_aml_arg(1), qmem_aml_name(MEMORY_SLOT_OST_EVENT)));
    qmem_aml_append(method, qmem_aml_store(
        qmem_aml_arg(2), qmem_aml_name(MEMORY_SLOT_OST_STATUS)));
    qmem_aml_append(method, qmem_aml_release(lock));
    qmem_aml_append(container, method);

    method = qmem_aml_method(MEMORY_SLOT_EJECT_METHOD, 2,
                             QMEM_AML_NOTSERIALIZED);
    select_slot(method);
    qmem_aml_append(method, qmem_aml_store(
        qmem_aml_int(1), qmem_aml_name(MEMORY_SLOT_EJECT)));
    qmem_aml_append(method, qmem_aml_release(lock));
    qmem_aml_append(container, method);
}

/* Method @name (@args) { [Return] (@target (_UID, Arg0 ...)) } */
static void append_uid_method(QmemAml *dev, const char *name, int args,
                              const char *target)
{
    QmemAml *method = qmem_aml_method(name, args, QMEM_AML_NOTSERIALIZED);
    QmemAml *uid = qmem_aml_name("_UID");

    switch (args) {
    case 0:
        qmem_aml_append(method, qmem_aml_return(qmem_aml_call1(target,
                                                               uid)));
        break;
    case 1:
        qmem_aml_append(method, qmem_aml_call2(target, uid,
                                               qmem_aml_arg(0)));
        break;
    default:
        qmem_aml_append(method, qmem_aml_call4(target, uid, qmem_aml_arg(0),
                                               qmem_aml_arg(1),
                                               qmem_aml_arg(2)));
        break;
    }
    qmem_aml_append(dev, method);
}

/* Device (MPxx): a DIMM slot, PNP0C80, its methods through MHPC's. */
static QmemAml *build_slot_device(guint32 i)
{
    QmemAml *dev = qmem_aml_device("MP%02X", i);

    qmem_aml_append(dev, qmem_aml_name_decl("_UID",
                                            qmem_aml_string("0x%02X", i)));
    qmem_aml_append(dev, qmem_aml_name_decl("_HID",
                                            qmem_aml_eisaid("PNP0C80")));
    append_uid_method(dev, "_CRS", 0, MEMORY_SLOT_CRS_METHOD);
    append_uid_method(dev, "_STA", 0, MEMORY_SLOT_STATUS_METHOD);
    append_uid_method(dev, "_PXM", 0, MEMORY_SLOT_PROXIMITY_METHOD);
    append_uid_method(dev, "_OST", 3, MEMORY_SLOT_OST_METHOD);
    append_uid_method(dev, "_EJ0", 1, MEMORY_SLOT_EJECT_METHOD);
    return dev;
}

/* MTFY (slot, event): If (LEqual (Arg0, i)) { Notify (MPi, Arg1) } ... */
static QmemAml *build_notify_method(guint32 nr_mem)
{
    QmemAml *method = qmem_aml_method(MEMORY_SLOT_NOTIFY_METHOD, 2,
                                      QMEM_AML_NOTSERIALIZED);

    for (guint32 i = 0; i < nr_mem; i++) {
        QmemAml *ifctx = qmem_aml_if(qmem_aml_equal(qmem_aml_arg(0),
                                                    qmem_aml_int(i)));

        qmem_aml_append(ifctx, qmem_aml_notify(qmem_aml_name("MP%.02X", i),
                                               qmem_aml_arg(1)));
        qmem_aml_append(method, ifctx);
    }
    return method;
}

/* Device (\_SB.MHPC): the slots. */
static QmemAml *build_memory_devices(guint32 nr_mem, const char *region)
{
    QmemAml *container = qmem_aml_device(QMEM_MEMORY_DEVICES_CONTAINER);
    QmemAml *method;

    qmem_aml_append(container, qmem_aml_name_decl(
        "_HID", qmem_aml_string("PNP0A06")));
    qmem_aml_append(container, qmem_aml_name_decl(
        "_UID", qmem_aml_string("DIMM devices")));
    qmem_aml_append(container, qmem_aml_name_decl(MEMORY_SLOTS_NUMBER,
                                                  qmem_aml_int(nr_mem)));
    build_memory_hotplug_fields(container, region);

    /* Present, functioning, decoding, not shown in UI. */
    method = qmem_aml_method("_STA", 0, QMEM_AML_NOTSERIALIZED);
    qmem_aml_append(method, if_no_slots_return_zero());
    qmem_aml_append(method, qmem_aml_return(qmem_aml_int(0xb)));
    qmem_aml_append(container, method);

    qmem_aml_append(container, qmem_aml_mutex(MEMORY_SLOT_LOCK, 0));
    qmem_aml_append(container, build_scan_method());
    qmem_aml_append(container, build_status_method());
    qmem_aml_append(container, build_crs_method());
    build_slot_methods(container);
    for (guint32 i = 0; i < nr_mem; i++) {
        qmem_aml_append(container, build_slot_device(i));
    }
    qmem_aml_append(container, build_notify_method(nr_mem));
    return container;
}

void qmem_build_memory_hotplug_aml(QmemAml *table, guint32 nr_mem,
                                   const char *res_root,
                                   const char *event_handler_method,
                                   QmemAmlRegionSpace rs, guint64 io_base)
{
    g_autofree char *device = g_strdup_printf("%s." MEMORY_HOTPLUG_DEVICE,
                                              res_root);
    g_autofree char *region = g_strdup_printf("%s." MEMORY_HOTPLUG_IO_REGION,
                                              device);

    g_return_if_fail(nr_mem <= QMEM_ACPI_MAX_RAM_SLOTS);
    build_memory_hotplug_device(table, device, rs, io_base);
    qmem_aml_append(table, build_memory_devices(nr_mem, region));
    if (event_handler_method) {
        QmemAml *method = qmem_aml_method(event_handler_method, 0,
                                          QMEM_AML_NOTSERIALIZED);

        qmem_aml_append(method, qmem_aml_call0(
            QMEM_MEMORY_DEVICES_CONTAINER "." QMEM_MEMORY_SLOT_SCAN_METHOD));
        qmem_aml_append(table, method);
    }
}
