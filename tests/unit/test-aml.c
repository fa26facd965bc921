/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The AML term encoders: the bytes of each term, package lengths, names. */

/*
 * That the DSDT's terms as a whole are QEMU's is tests/qtest/
 * test-memory-hotplug.c's job; here each encoder on its own, with the
 * corners a DSDT does not reach (4-byte package lengths, QWords, name
 * prefixes).  Expected bytes are from the ACPI specification's grammar
 * and QEMU's aml-build.c.
 */

#include <string.h>
#include "hw/acpi/aml.h"

/* @aml's bytes as hex. */
static char *hex(QmemAml *aml)
{
    GString *s = g_string_new(NULL);

    for (gsize i = 0; i < qmem_aml_len(aml); i++) {
        g_string_append_printf(s, "%02x", qmem_aml_data(aml)[i]);
    }
    return g_string_free(s, FALSE);
}

typedef struct {
    const char *name;
    QmemAml *(*build)(void);
    const char *bytes;
} AmlCase;

static QmemAml *int_0(void) { return qmem_aml_int(0); }
static QmemAml *int_1(void) { return qmem_aml_int(1); }
static QmemAml *int_2(void) { return qmem_aml_int(2); }
static QmemAml *int_ff(void) { return qmem_aml_int(0xff); }
static QmemAml *int_100(void) { return qmem_aml_int(0x100); }
static QmemAml *int_ffff(void) { return qmem_aml_int(0xffff); }
static QmemAml *int_10000(void) { return qmem_aml_int(0x10000); }
static QmemAml *int_u32(void) { return qmem_aml_int(0xffffffff); }
static QmemAml *int_u64(void) { return qmem_aml_int(0x100000000ULL); }

static QmemAml *name_seg(void) { return qmem_aml_name("A"); }
static QmemAml *name_root(void) { return qmem_aml_name("\\"); }
static QmemAml *name_root_seg(void) { return qmem_aml_name("\\_SB"); }
static QmemAml *name_dual(void) { return qmem_aml_name("\\_SB.PCI0"); }
static QmemAml *name_multi(void) { return qmem_aml_name("A.B.C"); }
static QmemAml *name_parent(void) { return qmem_aml_name("^^FOO"); }
static QmemAml *name_printf(void) { return qmem_aml_name("MP%02X", 10); }

static QmemAml *string(void) { return qmem_aml_string("0x%02X", 3); }
static QmemAml *eisaid(void) { return qmem_aml_eisaid("PNP0C80"); }
static QmemAml *arg6(void) { return qmem_aml_arg(6); }
static QmemAml *local7(void) { return qmem_aml_local(7); }

static QmemAml *touuid(void)
{
    return qmem_aml_touuid("33DB4D5B-1FF7-401C-9657-7441C03DD766");
}

static QmemAml *method(void)
{
    return qmem_aml_method("MOST", 4, QMEM_AML_SERIALIZED);
}

static QmemAml *device(void)
{
    QmemAml *dev = qmem_aml_device("MP%02X", 0);

    qmem_aml_append(dev, qmem_aml_name_decl("_UID", qmem_aml_int(1)));
    return dev;
}

static QmemAml *field(void)
{
    QmemAml *f = qmem_aml_field("HPMR", QMEM_AML_BYTE_ACC, QMEM_AML_NOLOCK,
                                QMEM_AML_WRITE_AS_ZEROS);

    qmem_aml_append(f, qmem_aml_reserved_field(160));
    qmem_aml_append(f, qmem_aml_named_field("MES", 1));
    qmem_aml_append(f, qmem_aml_named_field("WIDE", 64));
    return f;
}

static QmemAml *region(void)
{
    return qmem_aml_operation_region("HPMR", QMEM_AML_SYSTEM_IO,
                                     qmem_aml_int(0xa00), 24);
}

static QmemAml *mutex_ops(void)
{
    QmemAml *scope = qmem_aml_scope("S");

    qmem_aml_append(scope, qmem_aml_mutex("MLCK", 15));
    qmem_aml_append(scope, qmem_aml_acquire(qmem_aml_name("MLCK"), 0xffff));
    qmem_aml_append(scope, qmem_aml_release(qmem_aml_name("MLCK")));
    return scope;
}

static QmemAml *if_else(void)
{
    QmemAml *scope = qmem_aml_scope("S");
    QmemAml *ifctx = qmem_aml_if(qmem_aml_lless(qmem_aml_local(0),
                                                qmem_aml_int(2)));

    qmem_aml_append(ifctx, qmem_aml_return(qmem_aml_arg(0)));
    qmem_aml_append(scope, ifctx);
    qmem_aml_append(scope, qmem_aml_else());
    qmem_aml_append(scope, qmem_aml_while(qmem_aml_lnot(qmem_aml_int(0))));
    return scope;
}

static QmemAml *arith(void)
{
    QmemAml *scope = qmem_aml_scope("S");

    qmem_aml_append(scope, qmem_aml_add(qmem_aml_local(0), qmem_aml_int(1),
                                        qmem_aml_local(0)));
    qmem_aml_append(scope, qmem_aml_subtract(qmem_aml_local(1),
                                             qmem_aml_int(1), NULL));
    qmem_aml_append(scope, qmem_aml_and(qmem_aml_local(0), qmem_aml_int(2),
                                        NULL));
    qmem_aml_append(scope, qmem_aml_or(qmem_aml_local(0), qmem_aml_int(2),
                                       qmem_aml_name("X")));
    qmem_aml_append(scope, qmem_aml_store(
        qmem_aml_to_integer(qmem_aml_arg(0)), qmem_aml_name("MSEL")));
    qmem_aml_append(scope, qmem_aml_notify(qmem_aml_name("MP00"),
                                           qmem_aml_arg(1)));
    return scope;
}

static QmemAml *calls(void)
{
    QmemAml *scope = qmem_aml_scope("S");

    qmem_aml_append(scope, qmem_aml_call0("\\_SB.MHPC.MSCN"));
    qmem_aml_append(scope, qmem_aml_call1("MRST", qmem_aml_name("_UID")));
    qmem_aml_append(scope, qmem_aml_call2("MEJ0", qmem_aml_arg(0),
                                          qmem_aml_int(3)));
    qmem_aml_append(scope, qmem_aml_call4("MOST", qmem_aml_arg(0),
                                          qmem_aml_arg(1), qmem_aml_arg(2),
                                          qmem_aml_arg(3)));
    return scope;
}

static QmemAml *crs_empty(void)
{
    return qmem_aml_resource_template();
}

static QmemAml *crs_io(void)
{
    QmemAml *crs = qmem_aml_resource_template();

    qmem_aml_append(crs, qmem_aml_io(QMEM_AML_DECODE16, 0xa00, 0xa00, 0,
                                     24));
    return crs;
}

static QmemAml *crs_dword(void)
{
    QmemAml *crs = qmem_aml_resource_template();

    qmem_aml_append(crs, qmem_aml_dword_memory(
        QMEM_AML_POS_DECODE, QMEM_AML_MIN_FIXED, QMEM_AML_MAX_FIXED,
        QMEM_AML_CACHEABLE, QMEM_AML_READ_WRITE, 0, 0x10, 0xfffffffe, 0,
        0xffffffef));
    return crs;
}

static QmemAml *qword_desc(void)
{
    QmemAml *crs = qmem_aml_resource_template();

    qmem_aml_append(crs, qmem_aml_qword_memory(
        QMEM_AML_SUB_DECODE, QMEM_AML_MIN_NOT_FIXED, QMEM_AML_MAX_FIXED,
        QMEM_AML_PREFETCHABLE, QMEM_AML_READ_ONLY, 1, 0x100000000ULL,
        0x1ffffffffULL, 2, 0x100000000ULL));
    return crs;
}

static QmemAml *create_field(void)
{
    return qmem_aml_create_dword_field(qmem_aml_name("MR64"),
                                       qmem_aml_int(14), "MINL");
}

#define CASE(fn, bytes) { #fn, fn, bytes }

static const AmlCase cases[] = {
    /* ComputationalData: the fewest bytes */
    CASE(int_0, "00"),
    CASE(int_1, "01"),
    CASE(int_2, "0a02"),
    CASE(int_ff, "0aff"),
    CASE(int_100, "0b0001"),
    CASE(int_ffff, "0bffff"),
    CASE(int_10000, "0c00000100"),
    CASE(int_u32, "0cffffffff"),
    CASE(int_u64, "0e0000000001000000"),
    /* NameString: padded segments, RootChar, Dual/MultiNamePrefix, ^ */
    CASE(name_seg, "415f5f5f"),
    CASE(name_root, "5c00"),
    CASE(name_root_seg, "5c5f53425f"),
    CASE(name_dual, "5c2e5f53425f50434930"),
    CASE(name_multi, "2f03415f5f5f425f5f5f435f5f5f"),
    CASE(name_parent, "5e5e464f4f5f"),
    CASE(name_printf, "4d503041"),
    /* Data objects */
    CASE(string, "0d3078303300"),
    CASE(eisaid, "0c41d00c80"),
    CASE(touuid, "11130a105b4ddb33f71f1c4096577441c03dd766"),
    CASE(arg6, "6e"),
    CASE(local7, "67"),
    /* Named objects */
    CASE(method, "14064d4f53540c"),
    CASE(device, "5b820b4d503030085f55494401"),
    CASE(field, "5b811448504d524100400a4d45535f01574944454004"),
    CASE(region, "5b8048504d52010b000a0a18"),
    CASE(mutex_ops, "101a535f5f5f5b014d4c434b0f5b234d4c434bffff"
                    "5b274d4c434b"),
    CASE(create_field, "8a4d5236340a0e4d494e4c"),
    /* Statements and expressions */
    CASE(if_else, "1013535f5f5fa00795600a02a468a101a2039200"),
    CASE(arith, "1028535f5f5f726001607461010" "07b600a02007d600a02585f5f5f"
                "709968004d53454c864d50303069"),
    CASE(calls, "102b535f5f5f5c2f035f53425f4d4850434d53434e4d525354"
                "5f5549444d454a30680a034d4f535468696a6b"),
    /* Resource templates: the end tag, the buffer's size */
    CASE(crs_empty, "11050a027900"),
    CASE(crs_io, "110d0a0a4701000a000a00187900"),
    CASE(crs_dword, "111f0a1c871700000c030000000010000000feffffff"
                    "00000000efffffff7900"),
    CASE(qword_desc, "11330a308a2b00000a06010000000000000000000000"
                     "01000000ffffffff01000000020000000000000000000000"
                     "010000007900"),
};

static void test_term(gconstpointer data)
{
    const AmlCase *c = data;
    QmemAml *root = qmem_aml_allocator_init();
    g_autofree char *bytes = NULL;

    qmem_aml_append(root, c->build());
    bytes = hex(root);
    qmem_aml_allocator_free();
    g_assert_cmpstr(bytes, ==, c->bytes);
}

/*
 * PkgLength (20.2.4): one byte up to 63, two up to 4095, three up to
 * 2^20 - 1, then four; the length counts its own bytes.  A Scope of a
 * 4-byte name and a String of @k characters has 4 + @k + 2 bytes of
 * content.
 */
static void test_pkg_length(void)
{
    static const struct {
        gsize content;
        const char *prefix;     /* ScopeOp and PkgLength */
    } cases[] = {
        { 6, "1007" },
        { 62, "103f" },
        { 63, "104104" },
        { 4093, "104fff" },
        { 4094, "10810001" },
        { (1 << 20) - 4, "108fffff" },
        { (1 << 20) - 3, "10c1000001" },
    };

    for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
        QmemAml *root = qmem_aml_allocator_init();
        QmemAml *scope = qmem_aml_scope("A");
        g_autofree char *text = g_strnfill(cases[i].content - 6, 'x');
        g_autofree char *bytes = NULL;
        gsize prefix_len = strlen(cases[i].prefix) / 2;

        qmem_aml_append(scope, qmem_aml_string("%s", text));
        qmem_aml_append(root, scope);
        g_assert_cmpuint(qmem_aml_len(root), ==,
                         prefix_len + cases[i].content);
        bytes = hex(root);
        bytes[strlen(cases[i].prefix)] = '\0';
        g_assert_cmpstr(bytes, ==, cases[i].prefix);
        qmem_aml_allocator_free();
    }
}

/* A term may be appended any number of times: its bytes are copied. */
static void test_append_twice(void)
{
    QmemAml *root = qmem_aml_allocator_init();
    QmemAml *one = qmem_aml_int(1);
    QmemAml *ifctx = qmem_aml_if(qmem_aml_equal(one, one));
    g_autofree char *bytes = NULL;

    qmem_aml_append(ifctx, qmem_aml_return(one));
    qmem_aml_append(root, ifctx);
    qmem_aml_append(root, ifctx);
    bytes = hex(root);
    g_assert_cmpstr(bytes, ==, "a006930101a401a006930101a401");
    qmem_aml_allocator_free();
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autofree char *path = g_strdup_printf("/hw/acpi/aml/term/%s",
                                                cases[i].name);

        g_test_add_data_func(path, &cases[i], test_term);
    }
    g_test_add_func("/hw/acpi/aml/pkg-length", test_pkg_length);
    g_test_add_func("/hw/acpi/aml/append-twice", test_append_twice);
    return g_test_run();
}
