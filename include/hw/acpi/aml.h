/* SPDX-License-Identifier: GPL-2.0-or-later */
/* AML, the bytecode of ACPI definition blocks: QEMU's Aml term builders. */

#ifndef QMEM_HW_ACPI_AML_H
#define QMEM_HW_ACPI_AML_H

#include <glib.h>

G_BEGIN_DECLS

/*
 * A QmemAml is one AML term under construction: its bytes so far and how
 * it is packed when it is appended to its parent (an opcode before it, a
 * package length, a buffer's size).  Terms are built bottom up, as QEMU's
 * aml-build.c builds them:
 *
 *     QmemAml *dsdt = qmem_aml_allocator_init();
 *     QmemAml *scope = qmem_aml_scope("_SB");
 *     QmemAml *dev = qmem_aml_device("PCI0");
 *
 *     qmem_aml_append(dev, qmem_aml_name_decl("_HID",
 *                                             qmem_aml_eisaid("PNP0A03")));
 *     qmem_aml_append(scope, dev);
 *     qmem_aml_append(dsdt, scope);
 *     g_byte_array_append(table, qmem_aml_data(dsdt), qmem_aml_len(dsdt));
 *     qmem_aml_allocator_free();
 *
 * Appending copies the child's bytes into the parent, so a term (a
 * constant, a name) may be appended any number of times.  Every term
 * belongs to the allocator, which frees them all at once: build a table
 * between qmem_aml_allocator_init() and qmem_aml_allocator_free(), on one
 * thread, one table at a time.  The names and numbers in comments are the
 * ACPI specification's (6.x, 20.2 "AML Grammar Definition").
 *
 * Name strings are written as in ASL: "MHPC", "\\_SB.PCI0.MHPD", "^FOO";
 * a segment shorter than 4 characters is padded with '_'.  Giving a term
 * something AML cannot encode (a segment longer than 4 characters, Arg7)
 * is a programmer error.
 */
typedef struct QmemAml QmemAml;

/* AmlRegionSpace: OperationRegion's RegionSpace. */
typedef enum {
    QMEM_AML_SYSTEM_MEMORY = 0x00,
    QMEM_AML_SYSTEM_IO = 0x01,
    QMEM_AML_PCI_CONFIG = 0x02,
} QmemAmlRegionSpace;

/* AmlAccessType: a Field's AccessType. */
typedef enum {
    QMEM_AML_ANY_ACC = 0,
    QMEM_AML_BYTE_ACC = 1,
    QMEM_AML_WORD_ACC = 2,
    QMEM_AML_DWORD_ACC = 3,
    QMEM_AML_QWORD_ACC = 4,
    QMEM_AML_BUFFER_ACC = 5,
} QmemAmlAccessType;

/* AmlLockRule */
typedef enum {
    QMEM_AML_NOLOCK = 0,
    QMEM_AML_LOCK = 1,
} QmemAmlLockRule;

/* AmlUpdateRule */
typedef enum {
    QMEM_AML_PRESERVE = 0,
    QMEM_AML_WRITE_AS_ONES = 1,
    QMEM_AML_WRITE_AS_ZEROS = 2,
} QmemAmlUpdateRule;

/* AmlSerializeFlag: a Method's SerializeFlag. */
typedef enum {
    QMEM_AML_NOTSERIALIZED = 0,
    QMEM_AML_SERIALIZED = 1,
} QmemAmlSerializeFlag;

/* AmlIODecode: an IO descriptor's decode. */
typedef enum {
    QMEM_AML_DECODE10 = 0,
    QMEM_AML_DECODE16 = 1,
} QmemAmlIODecode;

/* Address space descriptors' fields (ACPI 6.4.3.5). */
typedef enum {
    QMEM_AML_POS_DECODE = 0,
    QMEM_AML_SUB_DECODE = 1 << 1,
} QmemAmlDecode;

typedef enum {
    QMEM_AML_MIN_NOT_FIXED = 0,
    QMEM_AML_MIN_FIXED = 1 << 2,
} QmemAmlMinFixed;

typedef enum {
    QMEM_AML_MAX_NOT_FIXED = 0,
    QMEM_AML_MAX_FIXED = 1 << 3,
} QmemAmlMaxFixed;

typedef enum {
    QMEM_AML_NON_CACHEABLE = 0,
    QMEM_AML_CACHEABLE = 1,
    QMEM_AML_WRITE_COMBINING = 2,
    QMEM_AML_PREFETCHABLE = 3,
} QmemAmlCacheable;

typedef enum {
    QMEM_AML_READ_ONLY = 0,
    QMEM_AML_READ_WRITE = 1,
} QmemAmlReadAndWrite;

/**
 * qmem_aml_allocator_init:
 *
 * Starts building: QEMU's init_aml_allocator().  At most one allocator
 * at a time.
 *
 * Returns: (transfer none): an empty term to append a table's contents to.
 */
QmemAml *qmem_aml_allocator_init(void);

/* Frees every term made since qmem_aml_allocator_init(). */
void qmem_aml_allocator_free(void);

/**
 * qmem_aml_append:
 * @parent: the term being built
 * @child: a finished term; its bytes are copied, packed as its kind asks
 *   (a Scope gets its opcode and package length, a resource template its
 *   end tag and buffer size)
 */
void qmem_aml_append(QmemAml *parent, QmemAml *child);

/* The bytes of @aml as built so far (a root term's: the table's AML). */
const guint8 *qmem_aml_data(QmemAml *aml);
gsize qmem_aml_len(QmemAml *aml);

/* Data objects */

/* The shortest of ZeroOp, OneOp, ByteConst ... QWordConst for @value. */
QmemAml *qmem_aml_int(guint64 value);

/* A String, from printf's @format. */
QmemAml *qmem_aml_string(const char *format, ...) G_GNUC_PRINTF(1, 2);

/* EISAID("PNP0A03"): a DWordConst of the compressed id. */
QmemAml *qmem_aml_eisaid(const char *id);

/* Buffer(size) { bytes }: @byte_list's @size bytes, zeros when %NULL. */
QmemAml *qmem_aml_buffer(guint size, const guint8 *byte_list);

/* Package(num_elements) { ... }: append the elements. */
QmemAml *qmem_aml_package(guint8 num_elements);

/* ToUUID("33DB4D5B-1FF7-401C-9657-7441C03DD766"): a 16-byte Buffer. */
QmemAml *qmem_aml_touuid(const char *uuid);

/* A NameString, from printf's @format: a reference, or a method call. */
QmemAml *qmem_aml_name(const char *format, ...) G_GNUC_PRINTF(1, 2);

/* Arg0 .. Arg6 and Local0 .. Local7. */
QmemAml *qmem_aml_arg(int pos);
QmemAml *qmem_aml_local(int num);

/* Named objects and scopes */

/* Scope(name) { ... } */
QmemAml *qmem_aml_scope(const char *format, ...) G_GNUC_PRINTF(1, 2);

/* Device(name) { ... } */
QmemAml *qmem_aml_device(const char *format, ...) G_GNUC_PRINTF(1, 2);

/* Method(name, arg_count, sflag) { ... }; @arg_count at most 7. */
QmemAml *qmem_aml_method(const char *name, int arg_count,
                         QmemAmlSerializeFlag sflag);

/* Name(name, value) */
QmemAml *qmem_aml_name_decl(const char *name, QmemAml *value);

/* Mutex(name, sync_level); @sync_level below 16. */
QmemAml *qmem_aml_mutex(const char *name, guint8 sync_level);

/* OperationRegion(name, space, offset, len) */
QmemAml *qmem_aml_operation_region(const char *name,
                                   QmemAmlRegionSpace space, QmemAml *offset,
                                   guint32 len);

/* Field(region, access, lock, update) { ... named and reserved fields } */
QmemAml *qmem_aml_field(const char *region, QmemAmlAccessType type,
                        QmemAmlLockRule lock, QmemAmlUpdateRule rule);

/* A field element: name, @bits long; and an unnamed one (Offset()). */
QmemAml *qmem_aml_named_field(const char *name, guint bits);
QmemAml *qmem_aml_reserved_field(guint bits);

/* CreateDWordField(buffer, byte_index, name) */
QmemAml *qmem_aml_create_dword_field(QmemAml *buffer, QmemAml *index,
                                     const char *name);

/* CreateField(buffer, bit_index, num_bits, name) */
QmemAml *qmem_aml_create_field(QmemAml *buffer, QmemAml *bit_index,
                               QmemAml *num_bits, const char *name);

/* Statements */

QmemAml *qmem_aml_if(QmemAml *predicate);
QmemAml *qmem_aml_else(void);
QmemAml *qmem_aml_while(QmemAml *predicate);
QmemAml *qmem_aml_return(QmemAml *value);
QmemAml *qmem_aml_store(QmemAml *value, QmemAml *target);
QmemAml *qmem_aml_notify(QmemAml *object, QmemAml *value);

/* Acquire(mutex, timeout) and Release(mutex) */
QmemAml *qmem_aml_acquire(QmemAml *mutex, guint16 timeout);
QmemAml *qmem_aml_release(QmemAml *mutex);

/* Calls: the method's name string and its arguments. */
QmemAml *qmem_aml_call0(const char *method);
QmemAml *qmem_aml_call1(const char *method, QmemAml *arg1);
QmemAml *qmem_aml_call2(const char *method, QmemAml *arg1, QmemAml *arg2);
QmemAml *qmem_aml_call4(const char *method, QmemAml *arg1, QmemAml *arg2,
                        QmemAml *arg3, QmemAml *arg4);
QmemAml *qmem_aml_call5(const char *method, QmemAml *arg1, QmemAml *arg2,
                        QmemAml *arg3, QmemAml *arg4, QmemAml *arg5);

/* Increment(arg) */
QmemAml *qmem_aml_increment(QmemAml *arg);

/* Expressions; @dst may be %NULL (no target) */

QmemAml *qmem_aml_equal(QmemAml *arg1, QmemAml *arg2);
QmemAml *qmem_aml_lless(QmemAml *arg1, QmemAml *arg2);
QmemAml *qmem_aml_lnot(QmemAml *arg);
QmemAml *qmem_aml_add(QmemAml *arg1, QmemAml *arg2, QmemAml *dst);
QmemAml *qmem_aml_subtract(QmemAml *arg1, QmemAml *arg2, QmemAml *dst);
QmemAml *qmem_aml_and(QmemAml *arg1, QmemAml *arg2, QmemAml *dst);
QmemAml *qmem_aml_or(QmemAml *arg1, QmemAml *arg2, QmemAml *dst);
QmemAml *qmem_aml_to_integer(QmemAml *arg);
QmemAml *qmem_aml_land(QmemAml *arg1, QmemAml *arg2);
QmemAml *qmem_aml_lor(QmemAml *arg1, QmemAml *arg2);
QmemAml *qmem_aml_concatenate(QmemAml *arg1, QmemAml *arg2, QmemAml *dst);
/* ShiftLeft(arg, count), Index(arg, idx): no target, as QEMU's. */
QmemAml *qmem_aml_shiftleft(QmemAml *arg, QmemAml *count);
QmemAml *qmem_aml_index(QmemAml *arg, QmemAml *idx);
QmemAml *qmem_aml_derefof(QmemAml *arg);
QmemAml *qmem_aml_sizeof(QmemAml *arg);
QmemAml *qmem_aml_object_type(QmemAml *arg);
/* ToBuffer(src, dst) */
QmemAml *qmem_aml_to_buffer(QmemAml *src, QmemAml *dst);

/* Resource templates (ACPI 6.4) */

/* ResourceTemplate() { ... }: a Buffer closed with an end tag. */
QmemAml *qmem_aml_resource_template(void);

/* IO(decode, min, max, alignment, length) */
QmemAml *qmem_aml_io(QmemAmlIODecode dec, guint16 min_base, guint16 max_base,
                     guint8 aln, guint8 len);

/* DWordMemory() and QWordMemory() without the optional fields. */
QmemAml *qmem_aml_dword_memory(QmemAmlDecode dec, QmemAmlMinFixed min_fixed,
                               QmemAmlMaxFixed max_fixed,
                               QmemAmlCacheable cacheable,
                               QmemAmlReadAndWrite read_and_write,
                               guint32 addr_gran, guint32 addr_min,
                               guint32 addr_max, guint32 addr_trans,
                               guint32 len);
QmemAml *qmem_aml_qword_memory(QmemAmlDecode dec, QmemAmlMinFixed min_fixed,
                               QmemAmlMaxFixed max_fixed,
                               QmemAmlCacheable cacheable,
                               QmemAmlReadAndWrite read_and_write,
                               guint64 addr_gran, guint64 addr_min,
                               guint64 addr_max, guint64 addr_trans,
                               guint64 len);

G_END_DECLS

#endif
