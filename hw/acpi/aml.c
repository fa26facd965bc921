/* SPDX-License-Identifier: GPL-2.0-or-later */
/* AML term encoders: the bytes QEMU's aml-build.c gives each term. */

#include <stdarg.h>
#include <string.h>
#include "hw/acpi/aml.h"

/* How a term's bytes are packed into its parent's (AmlBlockFlags). */
typedef enum {
    AML_NO_OPCODE,      /* as they are */
    AML_OPCODE,         /* after the opcode */
    AML_PACKAGE,        /* opcode, PkgLength */
    AML_EXT_PACKAGE,    /* ExtOpPrefix, opcode, PkgLength */
    AML_BUFFER,         /* BufferOp, PkgLength, BufferSize */
    AML_RES_TEMPLATE,   /* a buffer that ends with an end tag */
} AmlBlockFlags;

struct QmemAml {
    GByteArray *buf;
    guint8 op;
    AmlBlockFlags block_flags;
};

#define EXT_OP_PREFIX 0x5b
#define NAMESEG_LEN 4

static GPtrArray *alloc_list;

static void aml_free(gpointer data)
{
    QmemAml *var = data;

    g_byte_array_unref(var->buf);
    g_free(var);
}

static QmemAml *aml_alloc(void)
{
    QmemAml *var = g_new0(QmemAml, 1);

    g_assert(alloc_list);
    var->buf = g_byte_array_new();
    var->block_flags = AML_NO_OPCODE;
    g_ptr_array_add(alloc_list, var);
    return var;
}

static QmemAml *aml_bundle(guint8 op, AmlBlockFlags flags)
{
    QmemAml *var = aml_alloc();

    var->op = op;
    var->block_flags = flags;
    return var;
}

static QmemAml *aml_opcode(guint8 op)
{
    return aml_bundle(op, AML_OPCODE);
}

QmemAml *qmem_aml_allocator_init(void)
{
    g_assert(!alloc_list);
    alloc_list = g_ptr_array_new_with_free_func(aml_free);
    return aml_alloc();
}

void qmem_aml_allocator_free(void)
{
    g_clear_pointer(&alloc_list, g_ptr_array_unref);
}

const guint8 *qmem_aml_data(QmemAml *aml)
{
    return aml->buf->data;
}

gsize qmem_aml_len(QmemAml *aml)
{
    return aml->buf->len;
}

static void append_byte(GByteArray *buf, guint8 byte)
{
    g_byte_array_append(buf, &byte, 1);
}

static void append_le(GByteArray *buf, guint64 value, guint size)
{
    for (guint i = 0; i < size; i++) {
        append_byte(buf, value >> (8 * i));
    }
}

/* NameSeg: four characters, '_'-padded. */
static void append_nameseg(GByteArray *buf, const char *seg)
{
    gsize len = strlen(seg);

    g_assert(len <= NAMESEG_LEN);
    g_byte_array_append(buf, (const guint8 *)seg, len);
    g_byte_array_append(buf, (const guint8 *)"____", NAMESEG_LEN - len);
}

/* NameString: RootChar or PrefixPath, then a NamePath. */
static void append_namestring(GByteArray *buf, const char *name)
{
    g_auto(GStrv) segs = g_strsplit(name, ".", 0);
    guint count = g_strv_length(segs);
    const char *first = segs[0];

    g_assert(count > 0 && count <= 255);
    while (*first == '\\' || *first == '^') {
        append_byte(buf, *first++);
    }
    if (count == 1) {
        if (*first) {
            append_nameseg(buf, first);
        } else {
            append_byte(buf, 0x00);                 /* NullName */
        }
        return;
    }
    append_byte(buf, count == 2 ? 0x2e : 0x2f);     /* Dual/MultiNamePrefix */
    if (count > 2) {
        append_byte(buf, count);
    }
    append_nameseg(buf, first);
    for (guint i = 1; i < count; i++) {
        append_nameseg(buf, segs[i]);
    }
}

static void append_namestringv(GByteArray *buf, const char *format,
                               va_list ap)
{
    g_autofree char *name = g_strdup_vprintf(format, ap);

    append_namestring(buf, name);
}

/*
 * PkgLength for @length bytes: with @incl_self, the encoding's own bytes
 * count too (terms); a field element's does not.  The size is chosen
 * as QEMU chooses it, which for field elements is one step early.
 */
static GByteArray *pkg_length(guint length, gboolean incl_self)
{
    GByteArray *out = g_byte_array_new();
    guint n;

    if (length + 1 < (1 << 6)) {
        n = 1;
    } else if (length + 2 < (1 << 12)) {
        n = 2;
    } else if (length + 3 < (1 << 20)) {
        n = 3;
    } else {
        n = 4;
    }
    if (incl_self) {
        length += n;
    }
    if (n == 1) {
        append_byte(out, length);
        return out;
    }
    /* Bits 7-6 of the lead byte: how many bytes follow; bits 3-0: data. */
    append_byte(out, ((n - 1) << 6) | (length & 0x0f));
    for (guint i = 1; i < n; i++) {
        append_byte(out, length >> (4 + 8 * (i - 1)));
    }
    return out;
}

/* The integer constant of the fewest bytes (ComputationalData). */
static void append_int(GByteArray *buf, guint64 value)
{
    if (value <= 1) {
        append_byte(buf, value);                    /* ZeroOp, OneOp */
    } else if (value <= 0xff) {
        append_byte(buf, 0x0a);                     /* BytePrefix */
        append_le(buf, value, 1);
    } else if (value <= 0xffff) {
        append_byte(buf, 0x0b);                     /* WordPrefix */
        append_le(buf, value, 2);
    } else if (value <= 0xffffffff) {
        append_byte(buf, 0x0c);                     /* DWordPrefix */
        append_le(buf, value, 4);
    } else {
        append_byte(buf, 0x0e);                     /* QWordPrefix */
        append_le(buf, value, 8);
    }
}

/* @op, PkgLength, then @content, onto @out. */
static void append_package(GByteArray *out, guint8 op, GByteArray *content)
{
    g_autoptr(GByteArray) len = pkg_length(content->len, TRUE);

    append_byte(out, op);
    g_byte_array_append(out, len->data, len->len);
    g_byte_array_append(out, content->data, content->len);
}

void qmem_aml_append(QmemAml *parent, QmemAml *child)
{
    g_autoptr(GByteArray) content = NULL;

    switch (child->block_flags) {
    case AML_NO_OPCODE:
        g_byte_array_append(parent->buf, child->buf->data, child->buf->len);
        return;
    case AML_OPCODE:
        append_byte(parent->buf, child->op);
        g_byte_array_append(parent->buf, child->buf->data, child->buf->len);
        return;
    case AML_EXT_PACKAGE:
        append_byte(parent->buf, EXT_OP_PREFIX);
        /* fall through */
    case AML_PACKAGE:
        append_package(parent->buf, child->op, child->buf);
        return;
    case AML_RES_TEMPLATE:
    case AML_BUFFER:
        /* DefBuffer: BufferSize, then the bytes (and the end tag). */
        content = g_byte_array_new();
        append_int(content, child->buf->len +
                   (child->block_flags == AML_RES_TEMPLATE ? 2 : 0));
        g_byte_array_append(content, child->buf->data, child->buf->len);
        if (child->block_flags == AML_RES_TEMPLATE) {
            /* End Tag, checksum 0: "treated as succeeded" (6.4.2.9). */
            append_byte(content, 0x79);
            append_byte(content, 0x00);
        }
        append_package(parent->buf, child->op, content);
        return;
    }
    g_assert_not_reached();
}

/* Data objects */

QmemAml *qmem_aml_int(guint64 value)
{
    QmemAml *var = aml_alloc();

    append_int(var->buf, value);
    return var;
}

QmemAml *qmem_aml_string(const char *format, ...)
{
    QmemAml *var = aml_opcode(0x0d);                /* StringPrefix */
    g_autofree char *s = NULL;
    va_list ap;

    va_start(ap, format);
    s = g_strdup_vprintf(format, ap);
    va_end(ap);
    g_byte_array_append(var->buf, (const guint8 *)s, strlen(s) + 1);
    return var;
}

static guint8 hex_digit(char c)
{
    g_assert(g_ascii_isxdigit(c));
    return g_ascii_xdigit_value(c);
}

QmemAml *qmem_aml_eisaid(const char *id)
{
    QmemAml *var = aml_alloc();
    guint32 v;

    g_assert(strlen(id) == 7);
    /* Three 5-bit letters, then four hex digits, stored big-endian. */
    v = (guint32)(id[0] - 0x40) << 26 | (guint32)(id[1] - 0x40) << 21 |
        (guint32)(id[2] - 0x40) << 16 | hex_digit(id[3]) << 12 |
        hex_digit(id[4]) << 8 | hex_digit(id[5]) << 4 | hex_digit(id[6]);
    append_byte(var->buf, 0x0c);                    /* DWordPrefix */
    append_le(var->buf, GUINT32_SWAP_LE_BE(v), 4);
    return var;
}

QmemAml *qmem_aml_buffer(guint size, const guint8 *byte_list)
{
    QmemAml *var = aml_bundle(0x11, AML_BUFFER);    /* BufferOp */

    for (guint i = 0; i < size; i++) {
        append_byte(var->buf, byte_list ? byte_list[i] : 0);
    }
    return var;
}

QmemAml *qmem_aml_package(guint8 num_elements)
{
    QmemAml *var = aml_bundle(0x12, AML_PACKAGE);   /* PackageOp */

    append_byte(var->buf, num_elements);
    return var;
}

QmemAml *qmem_aml_touuid(const char *uuid)
{
    /* The string's byte pairs in the order ToUUID lays them out. */
    static const guint8 order[16] = {
        6, 4, 2, 0, 11, 9, 16, 14, 19, 21, 24, 26, 28, 30, 32, 34,
    };
    QmemAml *var = aml_bundle(0x11, AML_BUFFER);    /* BufferOp */

    g_assert(strlen(uuid) == 36 && uuid[8] == '-' && uuid[13] == '-' &&
             uuid[18] == '-' && uuid[23] == '-');
    for (guint i = 0; i < G_N_ELEMENTS(order); i++) {
        append_byte(var->buf, hex_digit(uuid[order[i]]) << 4 |
                              hex_digit(uuid[order[i] + 1]));
    }
    return var;
}

QmemAml *qmem_aml_name(const char *format, ...)
{
    QmemAml *var = aml_alloc();
    va_list ap;

    va_start(ap, format);
    append_namestringv(var->buf, format, ap);
    va_end(ap);
    return var;
}

QmemAml *qmem_aml_arg(int pos)
{
    g_assert(pos >= 0 && pos <= 6);
    return aml_opcode(0x68 + pos);                  /* Arg0Op */
}

QmemAml *qmem_aml_local(int num)
{
    g_assert(num >= 0 && num <= 7);
    return aml_opcode(0x60 + num);                  /* Local0Op */
}

/* Named objects and scopes */

QmemAml *qmem_aml_scope(const char *format, ...)
{
    QmemAml *var = aml_bundle(0x10, AML_PACKAGE);   /* ScopeOp */
    va_list ap;

    va_start(ap, format);
    append_namestringv(var->buf, format, ap);
    va_end(ap);
    return var;
}

QmemAml *qmem_aml_device(const char *format, ...)
{
    QmemAml *var = aml_bundle(0x82, AML_EXT_PACKAGE);   /* DeviceOp */
    va_list ap;

    va_start(ap, format);
    append_namestringv(var->buf, format, ap);
    va_end(ap);
    return var;
}

QmemAml *qmem_aml_method(const char *name, int arg_count,
                         QmemAmlSerializeFlag sflag)
{
    QmemAml *var = aml_bundle(0x14, AML_PACKAGE);   /* MethodOp */

    g_assert(arg_count >= 0 && arg_count < 8);
    append_namestring(var->buf, name);
    append_byte(var->buf, arg_count | sflag << 3);  /* MethodFlags */
    return var;
}

QmemAml *qmem_aml_name_decl(const char *name, QmemAml *value)
{
    QmemAml *var = aml_opcode(0x08);                /* NameOp */

    append_namestring(var->buf, name);
    qmem_aml_append(var, value);
    return var;
}

QmemAml *qmem_aml_mutex(const char *name, guint8 sync_level)
{
    QmemAml *var = aml_alloc();

    g_assert(!(sync_level & 0xf0));
    append_byte(var->buf, EXT_OP_PREFIX);
    append_byte(var->buf, 0x01);                    /* MutexOp */
    append_namestring(var->buf, name);
    append_byte(var->buf, sync_level);
    return var;
}

QmemAml *qmem_aml_operation_region(const char *name,
                                   QmemAmlRegionSpace space, QmemAml *offset,
                                   guint32 len)
{
    QmemAml *var = aml_alloc();

    append_byte(var->buf, EXT_OP_PREFIX);
    append_byte(var->buf, 0x80);                    /* OpRegionOp */
    append_namestring(var->buf, name);
    append_byte(var->buf, space);
    qmem_aml_append(var, offset);
    append_int(var->buf, len);
    return var;
}

QmemAml *qmem_aml_field(const char *region, QmemAmlAccessType type,
                        QmemAmlLockRule lock, QmemAmlUpdateRule rule)
{
    QmemAml *var = aml_bundle(0x81, AML_EXT_PACKAGE);   /* FieldOp */

    append_namestring(var->buf, region);
    append_byte(var->buf, rule << 5 | lock << 4 | type);   /* FieldFlags */
    return var;
}

QmemAml *qmem_aml_named_field(const char *name, guint bits)
{
    QmemAml *var = aml_alloc();
    g_autoptr(GByteArray) len = pkg_length(bits, FALSE);

    append_nameseg(var->buf, name);
    g_byte_array_append(var->buf, len->data, len->len);
    return var;
}

QmemAml *qmem_aml_reserved_field(guint bits)
{
    QmemAml *var = aml_alloc();
    g_autoptr(GByteArray) len = pkg_length(bits, FALSE);

    append_byte(var->buf, 0x00);                    /* ReservedField */
    g_byte_array_append(var->buf, len->data, len->len);
    return var;
}

QmemAml *qmem_aml_create_dword_field(QmemAml *buffer, QmemAml *index,
                                     const char *name)
{
    QmemAml *var = aml_opcode(0x8a);                /* CreateDWordFieldOp */

    qmem_aml_append(var, buffer);
    qmem_aml_append(var, index);
    append_namestring(var->buf, name);
    return var;
}

QmemAml *qmem_aml_create_field(QmemAml *buffer, QmemAml *bit_index,
                               QmemAml *num_bits, const char *name)
{
    QmemAml *var = aml_alloc();

    append_byte(var->buf, EXT_OP_PREFIX);
    append_byte(var->buf, 0x13);                    /* CreateFieldOp */
    qmem_aml_append(var, buffer);
    qmem_aml_append(var, bit_index);
    qmem_aml_append(var, num_bits);
    append_namestring(var->buf, name);
    return var;
}

/* Statements */

QmemAml *qmem_aml_if(QmemAml *predicate)
{
    QmemAml *var = aml_bundle(0xa0, AML_PACKAGE);   /* IfOp */

    qmem_aml_append(var, predicate);
    return var;
}

QmemAml *qmem_aml_else(void)
{
    return aml_bundle(0xa1, AML_PACKAGE);           /* ElseOp */
}

QmemAml *qmem_aml_while(QmemAml *predicate)
{
    QmemAml *var = aml_bundle(0xa2, AML_PACKAGE);   /* WhileOp */

    qmem_aml_append(var, predicate);
    return var;
}

/* @op with its operands, each a term. */
static QmemAml *aml_op_args(guint8 op, QmemAml *arg1, QmemAml *arg2)
{
    QmemAml *var = aml_opcode(op);

    qmem_aml_append(var, arg1);
    if (arg2) {
        qmem_aml_append(var, arg2);
    }
    return var;
}

/* "Op Operand Operand Target", NullName for no target. */
static QmemAml *aml_op_args_dst(guint8 op, QmemAml *arg1, QmemAml *arg2,
                                QmemAml *dst)
{
    QmemAml *var = aml_op_args(op, arg1, arg2);

    if (dst) {
        qmem_aml_append(var, dst);
    } else {
        append_byte(var->buf, 0x00);
    }
    return var;
}

QmemAml *qmem_aml_return(QmemAml *value)
{
    return aml_op_args(0xa4, value, NULL);          /* ReturnOp */
}

QmemAml *qmem_aml_store(QmemAml *value, QmemAml *target)
{
    return aml_op_args(0x70, value, target);        /* StoreOp */
}

QmemAml *qmem_aml_notify(QmemAml *object, QmemAml *value)
{
    return aml_op_args(0x86, object, value);        /* NotifyOp */
}

QmemAml *qmem_aml_acquire(QmemAml *mutex, guint16 timeout)
{
    QmemAml *var = aml_alloc();

    append_byte(var->buf, EXT_OP_PREFIX);
    append_byte(var->buf, 0x23);                    /* AcquireOp */
    qmem_aml_append(var, mutex);
    append_le(var->buf, timeout, 2);
    return var;
}

QmemAml *qmem_aml_release(QmemAml *mutex)
{
    QmemAml *var = aml_alloc();

    append_byte(var->buf, EXT_OP_PREFIX);
    append_byte(var->buf, 0x27);                    /* ReleaseOp */
    qmem_aml_append(var, mutex);
    return var;
}

QmemAml *qmem_aml_call0(const char *method)
{
    QmemAml *var = aml_alloc();

    append_namestring(var->buf, method);
    return var;
}

QmemAml *qmem_aml_call1(const char *method, QmemAml *arg1)
{
    QmemAml *var = qmem_aml_call0(method);

    qmem_aml_append(var, arg1);
    return var;
}

QmemAml *qmem_aml_call2(const char *method, QmemAml *arg1, QmemAml *arg2)
{
    QmemAml *var = qmem_aml_call1(method, arg1);

    qmem_aml_append(var, arg2);
    return var;
}

QmemAml *qmem_aml_call4(const char *method, QmemAml *arg1, QmemAml *arg2,
                        QmemAml *arg3, QmemAml *arg4)
{
    QmemAml *var = qmem_aml_call2(method, arg1, arg2);

    qmem_aml_append(var, arg3);
    qmem_aml_append(var, arg4);
    return var;
}

QmemAml *qmem_aml_call5(const char *method, QmemAml *arg1, QmemAml *arg2,
                        QmemAml *arg3, QmemAml *arg4, QmemAml *arg5)
{
    QmemAml *var = qmem_aml_call4(method, arg1, arg2, arg3, arg4);

    qmem_aml_append(var, arg5);
    return var;
}

QmemAml *qmem_aml_increment(QmemAml *arg)
{
    return aml_op_args(0x75, arg, NULL);            /* IncrementOp */
}

/* Expressions */

QmemAml *qmem_aml_equal(QmemAml *arg1, QmemAml *arg2)
{
    return aml_op_args(0x93, arg1, arg2);           /* LEqualOp */
}

QmemAml *qmem_aml_lless(QmemAml *arg1, QmemAml *arg2)
{
    return aml_op_args(0x95, arg1, arg2);           /* LLessOp */
}

QmemAml *qmem_aml_lnot(QmemAml *arg)
{
    return aml_op_args(0x92, arg, NULL);            /* LNotOp */
}

QmemAml *qmem_aml_add(QmemAml *arg1, QmemAml *arg2, QmemAml *dst)
{
    return aml_op_args_dst(0x72, arg1, arg2, dst);  /* AddOp */
}

QmemAml *qmem_aml_subtract(QmemAml *arg1, QmemAml *arg2, QmemAml *dst)
{
    return aml_op_args_dst(0x74, arg1, arg2, dst);  /* SubtractOp */
}

QmemAml *qmem_aml_and(QmemAml *arg1, QmemAml *arg2, QmemAml *dst)
{
    return aml_op_args_dst(0x7b, arg1, arg2, dst);  /* AndOp */
}

QmemAml *qmem_aml_or(QmemAml *arg1, QmemAml *arg2, QmemAml *dst)
{
    return aml_op_args_dst(0x7d, arg1, arg2, dst);  /* OrOp */
}

QmemAml *qmem_aml_land(QmemAml *arg1, QmemAml *arg2)
{
    return aml_op_args(0x90, arg1, arg2);           /* LAndOp */
}

QmemAml *qmem_aml_lor(QmemAml *arg1, QmemAml *arg2)
{
    return aml_op_args(0x91, arg1, arg2);           /* LOrOp */
}

QmemAml *qmem_aml_concatenate(QmemAml *arg1, QmemAml *arg2, QmemAml *dst)
{
    return aml_op_args_dst(0x73, arg1, arg2, dst);  /* ConcatOp */
}

QmemAml *qmem_aml_shiftleft(QmemAml *arg, QmemAml *count)
{
    return aml_op_args_dst(0x79, arg, count, NULL); /* ShiftLeftOp */
}

QmemAml *qmem_aml_index(QmemAml *arg, QmemAml *idx)
{
    return aml_op_args_dst(0x88, arg, idx, NULL);   /* IndexOp */
}

QmemAml *qmem_aml_derefof(QmemAml *arg)
{
    return aml_op_args(0x83, arg, NULL);            /* DerefOfOp */
}

QmemAml *qmem_aml_sizeof(QmemAml *arg)
{
    return aml_op_args(0x87, arg, NULL);            /* SizeOfOp */
}

QmemAml *qmem_aml_object_type(QmemAml *arg)
{
    return aml_op_args(0x8e, arg, NULL);            /* ObjectTypeOp */
}

QmemAml *qmem_aml_to_buffer(QmemAml *src, QmemAml *dst)
{
    return aml_op_args_dst(0x96, src, NULL, dst);   /* ToBufferOp */
}

QmemAml *qmem_aml_to_integer(QmemAml *arg)
{
    QmemAml *var = aml_op_args(0x99, arg, NULL);    /* ToIntegerOp */

    append_byte(var->buf, 0x00);                    /* no target */
    return var;
}

/* Resource templates */

QmemAml *qmem_aml_resource_template(void)
{
    return aml_bundle(0x11, AML_RES_TEMPLATE);      /* BufferOp */
}

QmemAml *qmem_aml_io(QmemAmlIODecode dec, guint16 min_base, guint16 max_base,
                     guint8 aln, guint8 len)
{
    QmemAml *var = aml_alloc();

    append_byte(var->buf, 0x47);                    /* I/O Port Descriptor */
    append_byte(var->buf, dec);
    append_le(var->buf, min_base, 2);
    append_le(var->buf, max_base, 2);
    append_byte(var->buf, aln);
    append_byte(var->buf, len);
    return var;
}

/*
 * An Address Space Descriptor of @width-byte fields (6.4.3.5.1-3) for a
 * memory range, without the optional resource source.
 */
static QmemAml *aml_memory_as_desc(guint width, QmemAmlDecode dec,
                                   QmemAmlMinFixed min_fixed,
                                   QmemAmlMaxFixed max_fixed,
                                   QmemAmlCacheable cacheable,
                                   QmemAmlReadAndWrite rw,
                                   const guint64 fields[5])
{
    QmemAml *var = aml_alloc();
    guint16 len = 3 + 5 * width;

    append_byte(var->buf, width == 8 ? 0x8a : 0x87);    /* QWord/DWord */
    append_le(var->buf, len, 2);
    append_byte(var->buf, 0);                       /* Memory Range */
    append_byte(var->buf, max_fixed | min_fixed | dec);
    append_byte(var->buf, rw | cacheable << 1);     /* Type Specific Flags */
    for (guint i = 0; i < 5; i++) {
        append_le(var->buf, fields[i], width);
    }
    return var;
}

QmemAml *qmem_aml_dword_memory(QmemAmlDecode dec, QmemAmlMinFixed min_fixed,
                               QmemAmlMaxFixed max_fixed,
                               QmemAmlCacheable cacheable,
                               QmemAmlReadAndWrite read_and_write,
                               guint32 addr_gran, guint32 addr_min,
                               guint32 addr_max, guint32 addr_trans,
                               guint32 len)
{
    const guint64 fields[5] = { addr_gran, addr_min, addr_max, addr_trans,
                                len };

    return aml_memory_as_desc(4, dec, min_fixed, max_fixed, cacheable,
                              read_and_write, fields);
}

QmemAml *qmem_aml_qword_memory(QmemAmlDecode dec, QmemAmlMinFixed min_fixed,
                               QmemAmlMaxFixed max_fixed,
                               QmemAmlCacheable cacheable,
                               QmemAmlReadAndWrite read_and_write,
                               guint64 addr_gran, guint64 addr_min,
                               guint64 addr_max, guint64 addr_trans,
                               guint64 len)
{
    const guint64 fields[5] = { addr_gran, addr_min, addr_max, addr_trans,
                                len };

    return aml_memory_as_desc(8, dec, min_fixed, max_fixed, cacheable,
                              read_and_write, fields);
}
