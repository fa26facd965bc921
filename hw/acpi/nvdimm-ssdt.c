/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The NVDIMM SSDT: \_SB.NVDR and its NVDIMM devices, as QEMU 7.2's. */

#include "hw/acpi/aml-build.h"
#include "hw/acpi/aml.h"
#include "nvdimm-internal.h"

#define NVDIMM_COMMON_DSM "NCAL"
#define NVDIMM_ACPI_MEM_ADDR "MEMA"
#define NVDIMM_DSM_MEMORY "NRAM"
#define NVDIMM_DSM_IOPORT "NPIO"
#define NVDIMM_DSM_NOTIFY "NTFI"
#define NVDIMM_DSM_HANDLE "HDLE"
#define NVDIMM_DSM_REVISION "REVS"
#define NVDIMM_DSM_FUNCTION "FUNC"
#define NVDIMM_DSM_ARG3 "FARG"
#define NVDIMM_DSM_OUT_BUF_SIZE "RLEN"
#define NVDIMM_DSM_OUT_BUF "ODAT"
#define NVDIMM_DSM_RFIT_STATUS "RSTA"

#define NVDIMM_ROOT_DSM_UUID "2F10E7A4-9E91-11E4-89D3-123B93F75CBA"
#define NVDIMM_QEMU_RSVD_UUID "648B9CF2-CDA1-4312-8AD9-49C4AF32BD62"
#define NVDIMM_DEVICE_DSM_UUID "4309AC30-0D11-11E4-9191-0800200C9A66"

/*
 * The DSM page (QEMU's NvdimmDsmIn and NvdimmDsmOut): handle, revision
 * and function, 4 bytes each, then Arg3; or the output's length, then
 * its data.
 */
#define DSM_IN_ARG3_OFFSET 12
#define DSM_OUT_DATA_OFFSET 4

/* The page and the port as fields: NPIO's NTFI, NRAM's input and output. */
static void build_dsm_fields(QmemAml *method, QmemAml *dsm_mem)
{
    QmemAml *field;

    qmem_aml_append(method, qmem_aml_operation_region(
        NVDIMM_DSM_IOPORT, QMEM_AML_SYSTEM_IO,
        qmem_aml_int(QMEM_NVDIMM_ACPI_IO_BASE), QMEM_NVDIMM_ACPI_IO_LEN));
    qmem_aml_append(method, qmem_aml_operation_region(
        NVDIMM_DSM_MEMORY, QMEM_AML_SYSTEM_MEMORY, dsm_mem,
        QMEM_NVDIMM_DSM_MEM_SIZE));

    field = qmem_aml_field(NVDIMM_DSM_IOPORT, QMEM_AML_DWORD_ACC,
                           QMEM_AML_NOLOCK, QMEM_AML_PRESERVE);
    qmem_aml_append(field, qmem_aml_named_field(
        NVDIMM_DSM_NOTIFY, QMEM_NVDIMM_ACPI_IO_LEN * 8));
    qmem_aml_append(method, field);

    field = qmem_aml_field(NVDIMM_DSM_MEMORY, QMEM_AML_DWORD_ACC,
                           QMEM_AML_NOLOCK, QMEM_AML_PRESERVE);
    qmem_aml_append(field, qmem_aml_named_field(NVDIMM_DSM_HANDLE, 32));
    qmem_aml_append(field, qmem_aml_named_field(NVDIMM_DSM_REVISION, 32));
    qmem_aml_append(field, qmem_aml_named_field(NVDIMM_DSM_FUNCTION, 32));
    qmem_aml_append(field, qmem_aml_named_field(
        NVDIMM_DSM_ARG3, (QMEM_NVDIMM_DSM_MEM_SIZE - DSM_IN_ARG3_OFFSET) * 8));
    qmem_aml_append(method, field);

    field = qmem_aml_field(NVDIMM_DSM_MEMORY, QMEM_AML_DWORD_ACC,
                           QMEM_AML_NOLOCK, QMEM_AML_PRESERVE);
    qmem_aml_append(field, qmem_aml_named_field(NVDIMM_DSM_OUT_BUF_SIZE, 32));
    qmem_aml_append(field, qmem_aml_named_field(
        NVDIMM_DSM_OUT_BUF,
        (QMEM_NVDIMM_DSM_MEM_SIZE - DSM_OUT_DATA_OFFSET) * 8));
    qmem_aml_append(method, field);
}

/*
 * The UUID a caller must give: the root's, QEMU's own (handle 0x10000)
 * or the devices'.  Unless it matches and MEMA was patched, function 0
 * answers "none supported" and every other "unsupported".
 */
static void build_dsm_uuid_check(QmemAml *method, QmemAml *dsm_mem)
{
    QmemAml *uuid = qmem_aml_arg(0), *function = qmem_aml_arg(2);
    QmemAml *handle = qmem_aml_arg(4), *expected_uuid = qmem_aml_local(0);
    QmemAml *ifctx, *elsectx, *elsectx2, *unsupport;
    guint8 byte_list[1];

    ifctx = qmem_aml_if(qmem_aml_equal(handle, qmem_aml_int(0)));
    qmem_aml_append(ifctx, qmem_aml_store(
        qmem_aml_touuid(NVDIMM_ROOT_DSM_UUID), expected_uuid));
    qmem_aml_append(method, ifctx);
    elsectx = qmem_aml_else();
    ifctx = qmem_aml_if(qmem_aml_equal(
        handle, qmem_aml_int(NVDIMM_QEMU_RSVD_HANDLE_ROOT)));
    qmem_aml_append(ifctx, qmem_aml_store(
        qmem_aml_touuid(NVDIMM_QEMU_RSVD_UUID), expected_uuid));
    qmem_aml_append(elsectx, ifctx);
    elsectx2 = qmem_aml_else();
    qmem_aml_append(elsectx2, qmem_aml_store(
        qmem_aml_touuid(NVDIMM_DEVICE_DSM_UUID), expected_uuid));
    qmem_aml_append(elsectx, elsectx2);
    qmem_aml_append(method, elsectx);

    unsupport = qmem_aml_if(qmem_aml_lor(
        qmem_aml_equal(dsm_mem, qmem_aml_int(0)),
        qmem_aml_lnot(qmem_aml_equal(uuid, expected_uuid))));
    ifctx = qmem_aml_if(qmem_aml_equal(function, qmem_aml_int(0)));
    byte_list[0] = 0;                   /* no function supported */
    qmem_aml_append(ifctx, qmem_aml_return(qmem_aml_buffer(1, byte_list)));
    qmem_aml_append(unsupport, ifctx);
    byte_list[0] = NVDIMM_DSM_RET_STATUS_UNSUPPORT;
    qmem_aml_append(unsupport, qmem_aml_return(qmem_aml_buffer(1,
                                                               byte_list)));
    qmem_aml_append(method, unsupport);
}

/* The request into the page: handle, revision, function, Arg3's buffer. */
static void build_dsm_request(QmemAml *method, QmemAml *dsm_mem)
{
    QmemAml *pckg = qmem_aml_arg(3), *pckg_index = qmem_aml_local(2);
    QmemAml *pckg_buf = qmem_aml_local(3), *ifctx;

    qmem_aml_append(method, qmem_aml_store(qmem_aml_arg(4),
                                           qmem_aml_name(NVDIMM_DSM_HANDLE)));
    qmem_aml_append(method, qmem_aml_store(
        qmem_aml_arg(1), qmem_aml_name(NVDIMM_DSM_REVISION)));
    qmem_aml_append(method, qmem_aml_store(
        qmem_aml_arg(2), qmem_aml_name(NVDIMM_DSM_FUNCTION)));

    /* Arg3: a Package of one Buffer. */
    ifctx = qmem_aml_if(qmem_aml_land(
        qmem_aml_equal(qmem_aml_object_type(pckg), qmem_aml_int(4)),
        qmem_aml_equal(qmem_aml_sizeof(pckg), qmem_aml_int(1))));
    qmem_aml_append(ifctx, qmem_aml_store(
        qmem_aml_index(pckg, qmem_aml_int(0)), pckg_index));
    qmem_aml_append(ifctx, qmem_aml_store(qmem_aml_derefof(pckg_index),
                                          pckg_buf));
    qmem_aml_append(ifctx, qmem_aml_store(pckg_buf,
                                          qmem_aml_name(NVDIMM_DSM_ARG3)));
    qmem_aml_append(method, ifctx);

    /* The page's address to the port: the VMM answers in the page. */
    qmem_aml_append(method, qmem_aml_store(dsm_mem,
                                           qmem_aml_name(NVDIMM_DSM_NOTIFY)));
}

/*
 * The answer: RLEN - 4 bytes of ODAT, byte by byte below 8 bytes (an
 * Integer otherwise), else as a field.
 */
static void build_dsm_reply(QmemAml *method)
{
    QmemAml *size = qmem_aml_local(1), *offset = qmem_aml_local(2);
    QmemAml *out = qmem_aml_local(7), *ifctx, *whilectx;

    qmem_aml_append(method, qmem_aml_subtract(
        qmem_aml_name(NVDIMM_DSM_OUT_BUF_SIZE), qmem_aml_int(4), size));

    ifctx = qmem_aml_if(qmem_aml_lless(size, qmem_aml_int(8)));
    qmem_aml_append(ifctx, qmem_aml_store(qmem_aml_int(0), offset));
    qmem_aml_append(ifctx, qmem_aml_name_decl("TBUF",
                                              qmem_aml_buffer(1, NULL)));
    qmem_aml_append(ifctx, qmem_aml_store(qmem_aml_buffer(0, NULL), out));
    whilectx = qmem_aml_while(qmem_aml_lless(offset, size));
    qmem_aml_append(whilectx, qmem_aml_store(
        qmem_aml_derefof(qmem_aml_index(qmem_aml_name(NVDIMM_DSM_OUT_BUF),
                                        offset)),
        qmem_aml_index(qmem_aml_name("TBUF"), qmem_aml_int(0))));
    qmem_aml_append(whilectx, qmem_aml_concatenate(out, qmem_aml_name("TBUF"),
                                                   out));
    qmem_aml_append(whilectx, qmem_aml_increment(offset));
    qmem_aml_append(ifctx, whilectx);
    qmem_aml_append(ifctx, qmem_aml_return(out));
    qmem_aml_append(method, ifctx);

    qmem_aml_append(method, qmem_aml_store(
        qmem_aml_shiftleft(size, qmem_aml_int(3)), size));
    qmem_aml_append(method, qmem_aml_create_field(
        qmem_aml_name(NVDIMM_DSM_OUT_BUF), qmem_aml_int(0), size, "OBUF"));
    qmem_aml_append(method, qmem_aml_return(qmem_aml_name("OBUF")));
}

/* NCAL(uuid, revision, function, arg3, handle): QEMU's common _DSM. */
static void build_common_dsm(QmemAml *dev)
{
    QmemAml *method = qmem_aml_method(NVDIMM_COMMON_DSM, 5,
                                      QMEM_AML_SERIALIZED);
    QmemAml *dsm_mem = qmem_aml_local(6);

    qmem_aml_append(method, qmem_aml_store(
        qmem_aml_name(NVDIMM_ACPI_MEM_ADDR), dsm_mem));
    build_dsm_fields(method, dsm_mem);
    build_dsm_uuid_check(method, dsm_mem);
    build_dsm_request(method, dsm_mem);
    build_dsm_reply(method);
    qmem_aml_append(dev, method);
}

static void build_device_dsm(QmemAml *dev, guint32 handle)
{
    QmemAml *method = qmem_aml_method("_DSM", 4, QMEM_AML_NOTSERIALIZED);

    qmem_aml_append(method, qmem_aml_return(qmem_aml_call5(
        NVDIMM_COMMON_DSM, qmem_aml_arg(0), qmem_aml_arg(1), qmem_aml_arg(2),
        qmem_aml_arg(3), qmem_aml_int(handle))));
    qmem_aml_append(dev, method);
}

/* RFIT(offset): one Read FIT call; an empty buffer on error or at end. */
static QmemAml *build_rfit(void)
{
    QmemAml *method = qmem_aml_method("RFIT", 1, QMEM_AML_SERIALIZED);
    QmemAml *buf = qmem_aml_local(0), *buf_size = qmem_aml_local(1);
    QmemAml *pkg = qmem_aml_package(1), *ifctx;

    qmem_aml_append(method, qmem_aml_name_decl("OFST", qmem_aml_int(0)));
    qmem_aml_append(method, qmem_aml_store(qmem_aml_arg(0),
                                           qmem_aml_name("OFST")));
    qmem_aml_append(pkg, qmem_aml_name("OFST"));
    qmem_aml_append(method, qmem_aml_store(qmem_aml_call5(
        NVDIMM_COMMON_DSM, qmem_aml_touuid(NVDIMM_QEMU_RSVD_UUID),
        qmem_aml_int(1), qmem_aml_int(1) /* Read FIT */, pkg,
        qmem_aml_int(NVDIMM_QEMU_RSVD_HANDLE_ROOT)), buf));
    qmem_aml_append(method, qmem_aml_create_dword_field(buf, qmem_aml_int(0),
                                                        "STAU"));
    qmem_aml_append(method, qmem_aml_store(
        qmem_aml_name("STAU"), qmem_aml_name(NVDIMM_DSM_RFIT_STATUS)));

    ifctx = qmem_aml_if(qmem_aml_lnot(qmem_aml_equal(
        qmem_aml_int(NVDIMM_DSM_RET_STATUS_SUCCESS), qmem_aml_name("STAU"))));
    qmem_aml_append(ifctx, qmem_aml_return(qmem_aml_buffer(0, NULL)));
    qmem_aml_append(method, ifctx);

    qmem_aml_append(method, qmem_aml_store(qmem_aml_sizeof(buf), buf_size));
    qmem_aml_append(method, qmem_aml_subtract(buf_size, qmem_aml_int(4),
                                              buf_size));
    ifctx = qmem_aml_if(qmem_aml_equal(buf_size, qmem_aml_int(0)));
    qmem_aml_append(ifctx, qmem_aml_return(qmem_aml_buffer(0, NULL)));
    qmem_aml_append(method, ifctx);

    qmem_aml_append(method, qmem_aml_create_field(
        buf, qmem_aml_int(4 * 8), qmem_aml_shiftleft(buf_size,
                                                     qmem_aml_int(3)),
        "BUFF"));
    qmem_aml_append(method, qmem_aml_return(qmem_aml_name("BUFF")));
    return method;
}

/* _FIT: RFIT until it returns nothing, from 0 again if the FIT changed. */
static void build_fit(QmemAml *dev)
{
    QmemAml *method = qmem_aml_method("_FIT", 0, QMEM_AML_SERIALIZED);
    QmemAml *buf = qmem_aml_local(0), *buf_size = qmem_aml_local(1);
    QmemAml *fit = qmem_aml_local(2), *offset = qmem_aml_local(3);
    QmemAml *whilectx, *ifctx, *elsectx;

    qmem_aml_append(dev, qmem_aml_name_decl(NVDIMM_DSM_RFIT_STATUS,
                                            qmem_aml_int(0)));
    qmem_aml_append(dev, build_rfit());

    qmem_aml_append(method, qmem_aml_store(qmem_aml_buffer(0, NULL), fit));
    qmem_aml_append(method, qmem_aml_store(qmem_aml_int(0), offset));
    whilectx = qmem_aml_while(qmem_aml_int(1));
    qmem_aml_append(whilectx, qmem_aml_store(qmem_aml_call1("RFIT", offset),
                                             buf));
    qmem_aml_append(whilectx, qmem_aml_store(qmem_aml_sizeof(buf),
                                             buf_size));
    ifctx = qmem_aml_if(qmem_aml_equal(
        qmem_aml_name(NVDIMM_DSM_RFIT_STATUS),
        qmem_aml_int(NVDIMM_DSM_RET_STATUS_FIT_CHANGED)));
    qmem_aml_append(ifctx, qmem_aml_store(qmem_aml_buffer(0, NULL), fit));
    qmem_aml_append(ifctx, qmem_aml_store(qmem_aml_int(0), offset));
    qmem_aml_append(whilectx, ifctx);

    elsectx = qmem_aml_else();
    ifctx = qmem_aml_if(qmem_aml_equal(buf_size, qmem_aml_int(0)));
    qmem_aml_append(ifctx, qmem_aml_return(fit));
    qmem_aml_append(elsectx, ifctx);
    qmem_aml_append(elsectx, qmem_aml_add(offset, buf_size, offset));
    qmem_aml_append(elsectx, qmem_aml_concatenate(fit, buf, fit));
    qmem_aml_append(whilectx, elsectx);
    qmem_aml_append(method, whilectx);
    qmem_aml_append(dev, method);
}

/* NCAL on a device's functions (revision 1): the call, into Local. */
static QmemAml *device_call(guint function, QmemAml *arg3, guint32 handle)
{
    return qmem_aml_call5(NVDIMM_COMMON_DSM,
                          qmem_aml_touuid(NVDIMM_DEVICE_DSM_UUID),
                          qmem_aml_int(1), qmem_aml_int(function), arg3,
                          qmem_aml_int(handle));
}

/* _LSI: Get Namespace Label Size (function 4): status, size, max xfer. */
static QmemAml *build_lsi(guint32 handle)
{
    QmemAml *method = qmem_aml_method("_LSI", 0, QMEM_AML_SERIALIZED);
    QmemAml *pkg = qmem_aml_package(3);

    qmem_aml_append(method, qmem_aml_store(
        device_call(4, qmem_aml_int(0), handle), qmem_aml_local(0)));
    qmem_aml_append(method, qmem_aml_create_dword_field(
        qmem_aml_local(0), qmem_aml_int(0), "STTS"));
    qmem_aml_append(method, qmem_aml_create_dword_field(
        qmem_aml_local(0), qmem_aml_int(4), "SLSA"));
    qmem_aml_append(method, qmem_aml_create_dword_field(
        qmem_aml_local(0), qmem_aml_int(8), "MAXT"));
    qmem_aml_append(pkg, qmem_aml_name("STTS"));
    qmem_aml_append(pkg, qmem_aml_name("SLSA"));
    qmem_aml_append(pkg, qmem_aml_name("MAXT"));
    qmem_aml_append(method, qmem_aml_store(pkg, qmem_aml_local(1)));
    qmem_aml_append(method, qmem_aml_return(qmem_aml_local(1)));
    return method;
}

/* INPT: Buffer(8) with OFST and @len_name from Arg0 and Arg1. */
static void build_label_input(QmemAml *method, const char *len_name)
{
    qmem_aml_append(method, qmem_aml_name_decl("INPT",
                                               qmem_aml_buffer(8, NULL)));
    qmem_aml_append(method, qmem_aml_create_dword_field(
        qmem_aml_name("INPT"), qmem_aml_int(0), "OFST"));
    qmem_aml_append(method, qmem_aml_create_dword_field(
        qmem_aml_name("INPT"), qmem_aml_int(4), len_name));
    qmem_aml_append(method, qmem_aml_store(qmem_aml_arg(0),
                                           qmem_aml_name("OFST")));
    qmem_aml_append(method, qmem_aml_store(qmem_aml_arg(1),
                                           qmem_aml_name("%s", len_name)));
}

/* _LSR(offset, length): Get Namespace Label Data (function 5). */
static QmemAml *build_lsr(guint32 handle)
{
    QmemAml *method = qmem_aml_method("_LSR", 2, QMEM_AML_SERIALIZED);
    QmemAml *pkg = qmem_aml_package(1);

    build_label_input(method, "LEN");
    qmem_aml_append(pkg, qmem_aml_name("INPT"));
    qmem_aml_append(method, qmem_aml_store(pkg, qmem_aml_local(0)));
    qmem_aml_append(method, qmem_aml_store(
        device_call(5, qmem_aml_local(0), handle), qmem_aml_local(3)));
    qmem_aml_append(method, qmem_aml_create_dword_field(
        qmem_aml_local(3), qmem_aml_int(0), "STTS"));
    qmem_aml_append(method, qmem_aml_create_field(
        qmem_aml_local(3), qmem_aml_int(32),
        qmem_aml_shiftleft(qmem_aml_name("LEN"), qmem_aml_int(3)), "LDAT"));
    qmem_aml_append(method, qmem_aml_name_decl("LSA",
                                               qmem_aml_buffer(0, NULL)));
    qmem_aml_append(method, qmem_aml_to_buffer(qmem_aml_name("LDAT"),
                                               qmem_aml_name("LSA")));
    pkg = qmem_aml_package(2);
    qmem_aml_append(pkg, qmem_aml_name("STTS"));
    qmem_aml_append(pkg, qmem_aml_name("LSA"));
    qmem_aml_append(method, qmem_aml_store(pkg, qmem_aml_local(1)));
    qmem_aml_append(method, qmem_aml_return(qmem_aml_local(1)));
    return method;
}

/* _LSW(offset, length, data): Set Namespace Label Data (function 6). */
static QmemAml *build_lsw(guint32 handle)
{
    QmemAml *method = qmem_aml_method("_LSW", 3, QMEM_AML_SERIALIZED);
    QmemAml *pkg = qmem_aml_package(1);

    qmem_aml_append(method, qmem_aml_store(qmem_aml_arg(2),
                                           qmem_aml_local(2)));
    build_label_input(method, "TLEN");
    qmem_aml_append(method, qmem_aml_concatenate(
        qmem_aml_name("INPT"), qmem_aml_local(2), qmem_aml_name("INPT")));
    qmem_aml_append(pkg, qmem_aml_name("INPT"));
    qmem_aml_append(method, qmem_aml_store(pkg, qmem_aml_local(0)));
    qmem_aml_append(method, qmem_aml_store(
        device_call(6, qmem_aml_local(0), handle), qmem_aml_local(3)));
    qmem_aml_append(method, qmem_aml_create_dword_field(
        qmem_aml_local(3), qmem_aml_int(0), "STTS"));
    qmem_aml_append(method, qmem_aml_return(qmem_aml_name("STTS")));
    return method;
}

/* NV00 .. NVxx, one per slot, whether an NVDIMM is there or not. */
static void build_nvdimm_devices(QmemAml *root_dev, guint64 ram_slots)
{
    for (guint32 slot = 0; slot < ram_slots; slot++) {
        guint32 handle = nvdimm_slot_to_handle(slot);
        QmemAml *dev = qmem_aml_device("NV%02X", slot);

        qmem_aml_append(dev, qmem_aml_name_decl("_ADR",
                                                qmem_aml_int(handle)));
        qmem_aml_append(dev, build_lsi(handle));
        qmem_aml_append(dev, build_lsr(handle));
        qmem_aml_append(dev, build_lsw(handle));
        build_device_dsm(dev, handle);
        qmem_aml_append(root_dev, dev);
    }
}

void qmem_nvdimm_build_ssdt(GArray *table_offsets, GByteArray *table_data,
                            QmemBiosLinker *linker, QmemNvdimmState *state,
                            guint64 ram_slots)
{
    QmemAcpiTable table = { .sig = "SSDT", .rev = 1,
                            .oem_table_id = "NVDIMM" };
    static const guint8 mema[] = {
        0x08, 'M', 'E', 'M', 'A', 0x0c,         /* Name (MEMA, DWordConst */
    };
    QmemAml *ssdt, *sb_scope, *dev;
    guint mem_addr_offset;

    qmem_acpi_add_table(table_offsets, table_data);
    qmem_acpi_table_begin(&table, table_data);
    ssdt = qmem_aml_allocator_init();
    sb_scope = qmem_aml_scope("\\_SB");
    dev = qmem_aml_device("NVDR");
    qmem_aml_append(dev, qmem_aml_name_decl("_HID",
                                            qmem_aml_string("ACPI0012")));
    build_common_dsm(dev);
    build_device_dsm(dev, 0);               /* handle 0: the root */
    build_fit(dev);
    build_nvdimm_devices(dev, ram_slots);
    qmem_aml_append(sb_scope, dev);
    qmem_aml_append(ssdt, sb_scope);
    g_byte_array_append(table_data, qmem_aml_data(ssdt), qmem_aml_len(ssdt));
    qmem_aml_allocator_free();

    /* MEMA, after the scope: the firmware patches the page's address. */
    g_byte_array_append(table_data, mema, sizeof(mema));
    mem_addr_offset = table_data->len;
    qmem_acpi_append_int(table_data, 0, 4);
    qmem_bios_linker_loader_alloc(linker, QMEM_NVDIMM_DSM_MEM_FILE,
                                  state->dsm_mem, QMEM_NVDIMM_DSM_MEM_SIZE,
                                  FALSE);
    qmem_bios_linker_loader_add_pointer(linker, QMEM_ACPI_BUILD_TABLE_FILE,
                                        mem_addr_offset, 4,
                                        QMEM_NVDIMM_DSM_MEM_FILE, 0);
    /* Last, so that the checksum covers the patched pointer. */
    qmem_acpi_table_end(linker, &table);
}
