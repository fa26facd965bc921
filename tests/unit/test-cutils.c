/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests for qapi/cutils.c: sizes, integers, booleans, ids. */

#include <errno.h>
#include <string.h>

#include "system/system.h"
#include "tests/unit/test-machine.h"
#include "util/cutils.h"
#include "util/unicode.h"

#define KiB (G_GUINT64_CONSTANT(1) << 10)
#define MiB (G_GUINT64_CONSTANT(1) << 20)
#define GiB (G_GUINT64_CONSTANT(1) << 30)
#define TiB (G_GUINT64_CONSTANT(1) << 40)
#define PiB (G_GUINT64_CONSTANT(1) << 50)
#define EiB (G_GUINT64_CONSTANT(1) << 60)

#define ZEROS50 "00000000000000000000000000000000000000000000000000"
#define ZEROS350 ZEROS50 ZEROS50 ZEROS50 ZEROS50 ZEROS50 ZEROS50 ZEROS50

/* ------------------------------------------------------------------ */
/* qmem_strtosz() and friends */

typedef int (*StrtoszFn)(const char *, const char **, guint64 *);

typedef enum {
    SZ_BYTES, /* qmem_strtosz */
    SZ_MIB, /* qmem_strtosz_MiB */
    SZ_METRIC, /* qmem_strtosz_metric */
} StrtoszKind;

/*
 * One input, parsed twice: with an end pointer (ret, val, offset) and
 * without one: the same result when @full_same, else (full_ret, full_val).
 */
typedef struct {
    StrtoszKind kind;
    const char *str;
    int ret;
    guint64 val;
    size_t offset;
    gboolean full_same;
    int full_ret;
    guint64 full_val;
} StrtoszCase;


static const StrtoszCase strtosz_simple[] = {
    { SZ_BYTES, "0", 0, 0, 1, TRUE },
    /* a leading 0 is decimal, not octal */
    { SZ_BYTES, "08", 0, 8, 2, TRUE },
    /* leading white space and '+' are skipped */
    { SZ_BYTES, " +12345", 0, 12345, 7, TRUE },
    { SZ_BYTES, "\t\n 7", 0, 7, 4, TRUE },
    /* 2^53 - 1, 2^53, 2^53 + 1: no trip through double */
    { SZ_BYTES, "9007199254740991", 0, G_GUINT64_CONSTANT(0x1fffffffffffff), 16,
      TRUE },
    { SZ_BYTES, "9007199254740992", 0, G_GUINT64_CONSTANT(0x20000000000000), 16,
      TRUE },
    { SZ_BYTES, "9007199254740993", 0, G_GUINT64_CONSTANT(0x20000000000001), 16,
      TRUE },
    { SZ_BYTES, "9223372036854775808", 0,
      G_GUINT64_CONSTANT(0x8000000000000000), 19, TRUE },
    { SZ_BYTES, "18446744073709549568", 0,
      G_GUINT64_CONSTANT(0xfffffffffffff800), 20, TRUE },
    { SZ_BYTES, "18446744073709550591", 0,
      G_GUINT64_CONSTANT(0xfffffffffffffbff), 20, TRUE },
    { SZ_BYTES, "18446744073709551615", 0, G_MAXUINT64, 20, TRUE },
};

static const StrtoszCase strtosz_hex[] = {
    { SZ_BYTES, "0x0", 0, 0, 3, TRUE },
    { SZ_BYTES, "0xab", 0, 171, 4, TRUE },
    { SZ_BYTES, " +0xae", 0, 174, 6, TRUE },
    /* 'b' is a hex digit here, not the byte suffix */
    { SZ_BYTES, "0x1b", 0, 27, 4, TRUE },
    { SZ_BYTES, "0X1B", 0, 27, 4, TRUE },
    /* hex takes no suffix but keeps the default scale */
    { SZ_MIB, "0x10", 0, 16 * MiB, 4, TRUE },
    { SZ_BYTES, "0xffffffffffffffff", 0, G_MAXUINT64, 18, TRUE },
    { SZ_BYTES, "0x10000000000000000", -ERANGE, 0, 19, TRUE },
};

static const StrtoszCase strtosz_units[] = {
    /* the default scale depends on the function */
    { SZ_BYTES, "1", 0, 1, 1, TRUE },
    { SZ_MIB, "1", 0, MiB, 1, TRUE },
    { SZ_METRIC, "1", 0, 1, 1, TRUE },
    /* an explicit byte suffix works for all of them */
    { SZ_BYTES, "1B", 0, 1, 2, TRUE },
    { SZ_MIB, "1B", 0, 1, 2, TRUE },
    { SZ_METRIC, "1B", 0, 1, 2, TRUE },
    { SZ_BYTES, "8b", 0, 8, 2, TRUE },
    { SZ_BYTES, "1K", 0, KiB, 2, TRUE },
    { SZ_MIB, "1K", 0, KiB, 2, TRUE },
    { SZ_METRIC, "1K", 0, 1000, 2, TRUE },
    { SZ_BYTES, "1M", 0, MiB, 2, TRUE },
    { SZ_BYTES, "1G", 0, GiB, 2, TRUE },
    { SZ_BYTES, "1T", 0, TiB, 2, TRUE },
    { SZ_BYTES, "1P", 0, PiB, 2, TRUE },
    { SZ_BYTES, "1E", 0, EiB, 2, TRUE },
    /* suffixes are case-insensitive; 'e' is exa, never an exponent */
    { SZ_BYTES, "1k", 0, KiB, 2, TRUE },
    { SZ_BYTES, "1m", 0, MiB, 2, TRUE },
    { SZ_BYTES, "1g", 0, GiB, 2, TRUE },
    { SZ_BYTES, "1t", 0, TiB, 2, TRUE },
    { SZ_BYTES, "1p", 0, PiB, 2, TRUE },
    { SZ_BYTES, "1e", 0, EiB, 2, TRUE },
    { SZ_BYTES, "2M", 0, 2 * MiB, 2, TRUE },
    { SZ_BYTES, "512M", 0, 512 * MiB, 4, TRUE },
    { SZ_MIB, "512", 0, 512 * MiB, 3, TRUE },
    { SZ_BYTES, "16777215T", 0, G_GUINT64_CONSTANT(16777215) * TiB, 9, TRUE },
    { SZ_BYTES, "15E", 0, 15 * EiB, 3, TRUE },
    { SZ_METRIC, "1M", 0, 1000000, 2, TRUE },
    { SZ_METRIC, "1G", 0, 1000000000, 2, TRUE },
    { SZ_METRIC, "1T", 0, G_GUINT64_CONSTANT(1000000000000), 2, TRUE },
    { SZ_METRIC, "1P", 0, G_GUINT64_CONSTANT(1000000000000000), 2, TRUE },
    { SZ_METRIC, "1E", 0, G_GUINT64_CONSTANT(1000000000000000000), 2, TRUE },
    { SZ_METRIC, "18E", 0, G_GUINT64_CONSTANT(18000000000000000000), 3, TRUE },
};

static const StrtoszCase strtosz_float[] = {
    { SZ_BYTES, "0.5E", 0, EiB / 2, 4, TRUE },
    /* the implied M suffix counts as a scale */
    { SZ_MIB, "0.5", 0, MiB / 2, 3, TRUE },
    /* a fraction of 0 is fine even with bytes */
    { SZ_BYTES, "1.0B", 0, 1, 4, TRUE },
    { SZ_BYTES, "1.000", 0, 1, 5, TRUE },
    /* either side of '.' may be empty */
    { SZ_BYTES, "1.k", 0, KiB, 3, TRUE },
    { SZ_BYTES, " .5k", 0, 512, 4, TRUE },
    { SZ_BYTES, "+.5k", 0, 512, 4, TRUE },
    { SZ_BYTES, "1.5k", 0, 1536, 4, TRUE },
    { SZ_BYTES, "0.1G", 0, GiB / 10, 4, TRUE },
    /* values need not be byte-exact: rounded to nearest, 0.5 up */
    { SZ_BYTES, "12.345M", 0, 12944671, 7, TRUE },
    { SZ_BYTES, "1.5B", -EINVAL, 0, 0, TRUE },
    { SZ_BYTES, "0.0005k", 0, 1, 7, TRUE },
    { SZ_BYTES, "0.0004k", 0, 0, 7, TRUE },
    /* the fraction tail rounds up into the integer part */
    { SZ_BYTES, "1.9999k", 0, 2048, 7, TRUE },
    { SZ_BYTES, "1.9999999999999999999999999999999999999999999999999999k", 0,
      2048, 55, TRUE },
    /* underflow in the fraction tail does not matter for 'k' */
    { SZ_BYTES, "1." ZEROS350 "1k", 0, KiB, 354, TRUE },
    /* the fraction is a double: 1.1E is not exactly 1.1 * 2^60 */
    { SZ_BYTES, "1.1E", 0, G_GUINT64_CONSTANT(1268213655067531680), 4, TRUE },
    { SZ_BYTES, "1.5e", 0, EiB + EiB / 2, 4, TRUE },
};

static const StrtoszCase strtosz_invalid[] = {
    /* at least one digit */
    { SZ_BYTES, "", -EINVAL, 0, 0, TRUE },
    { SZ_BYTES, " \t ", -EINVAL, 0, 0, TRUE },
    { SZ_BYTES, ".", -EINVAL, 0, 0, TRUE },
    { SZ_BYTES, " .", -EINVAL, 0, 0, TRUE },
    { SZ_BYTES, " .k", -EINVAL, 0, 0, TRUE },
    { SZ_BYTES, "inf", -EINVAL, 0, 0, TRUE },
    { SZ_BYTES, "NaN", -EINVAL, 0, 0, TRUE },
    { SZ_BYTES, "inf.5k", -EINVAL, 0, 0, TRUE },
    { SZ_BYTES, "x", -EINVAL, 0, 0, TRUE },
    /* a lone suffix */
    { SZ_BYTES, "k", -EINVAL, 0, 0, TRUE },
    { SZ_BYTES, " M", -EINVAL, 0, 0, TRUE },
    { SZ_MIB, "B", -EINVAL, 0, 0, TRUE },
    /* a fraction needs a scale larger than bytes */
    { SZ_BYTES, "1.1B", -EINVAL, 0, 0, TRUE },
    { SZ_BYTES, "1.1", -EINVAL, 0, 0, TRUE },
    { SZ_METRIC, "1.1", -EINVAL, 0, 0, TRUE },
    /* ... even when it rounds or underflows */
    { SZ_BYTES, "1.00001B", -EINVAL, 0, 0, TRUE },
    { SZ_BYTES, "1.00000000000000000001B", -EINVAL, 0, 0, TRUE },
    { SZ_BYTES, "1." ZEROS350 "1B", -EINVAL, 0, 0, TRUE },
    /* no hex fractions */
    { SZ_BYTES, "0x1.8k", -EINVAL, 0, 0, TRUE },
    { SZ_BYTES, "0x1.k", -EINVAL, 0, 0, TRUE },
    /* no hex suffixes */
    { SZ_BYTES, "0x18M", -EINVAL, 0, 0, TRUE },
    { SZ_BYTES, "0x1p1", -EINVAL, 0, 0, TRUE },
    { SZ_BYTES, "0x1k", -EINVAL, 0, 0, TRUE },
    /* a '.' where the scale belongs */
    { SZ_BYTES, "1.1.k", -EINVAL, 0, 0, TRUE },
    { SZ_BYTES, "1.1.", -EINVAL, 0, 0, TRUE },
};

static const StrtoszCase strtosz_trailing[] = {
    { SZ_BYTES, "1k ", 0, KiB, 2, FALSE, -EINVAL, 0 },
    /* an unknown suffix ends the number, even with an implied scale */
    { SZ_BYTES, "123xxx", 0, 123, 3, FALSE, -EINVAL, 0 },
    { SZ_MIB, "123xxx", 0, 123 * MiB, 3, FALSE, -EINVAL, 0 },
    { SZ_MIB, "1.5.k", 0, MiB + MiB / 2, 3, FALSE, -EINVAL, 0 },
    /* one suffix character at most */
    { SZ_BYTES, "1kiB", 0, KiB, 2, FALSE, -EINVAL, 0 },
    { SZ_BYTES, "16Gi", 0, 16 * GiB, 3, FALSE, -EINVAL, 0 },
    /* incomplete hex is an unknown suffix */
    { SZ_BYTES, "0x", 0, 0, 1, FALSE, -EINVAL, 0 },
    /* hex has a single leading zero */
    { SZ_BYTES, "00x1", 0, 0, 2, FALSE, -EINVAL, 0 },
    /* no binary literals: 'b' is the byte suffix */
    { SZ_BYTES, "0b1000", 0, 0, 2, FALSE, -EINVAL, 0 },
    { SZ_BYTES, "0.NaN", 0, 0, 2, FALSE, -EINVAL, 0 },
    /* a '-' may be trailing junk */
    { SZ_BYTES, "123-45", 0, 123, 3, FALSE, -EINVAL, 0 },
    { SZ_BYTES, " 123 - 45", 0, 123, 4, FALSE, -EINVAL, 0 },
    /* parsing stops after 'e', which is not an exponent */
    { SZ_BYTES, "1.5e1k", 0, EiB + EiB / 2, 4, FALSE, -EINVAL, 0 },
    { SZ_BYTES, "1.5E+0k", 0, EiB + EiB / 2, 4, FALSE, -EINVAL, 0 },
    { SZ_BYTES, "1.5E999", 0, EiB + EiB / 2, 4, FALSE, -EINVAL, 0 },
    { SZ_BYTES, "1e3", 0, EiB, 2, FALSE, -EINVAL, 0 },
};

static const StrtoszCase strtosz_erange[] = {
    /* no negative values, not even -0 */
    { SZ_BYTES, " -0", -ERANGE, 0, 3, TRUE },
    { SZ_BYTES, "-1", -ERANGE, 0, 2, TRUE },
    { SZ_BYTES, "-2M", -ERANGE, 0, 2, FALSE, -EINVAL, 0 },
    { SZ_BYTES, " -.0", -ERANGE, 0, 4, TRUE },
    { SZ_BYTES, "-.1k", -ERANGE, 0, 3, FALSE, -EINVAL, 0 },
    { SZ_BYTES, " -." ZEROS350 "1M", -ERANGE, 0, 354, FALSE, -EINVAL, 0 },
    { SZ_MIB, "-1", -ERANGE, 0, 2, TRUE },
    /* 2^64 */
    { SZ_BYTES, "18446744073709551616", -ERANGE, 0, 20, TRUE },
    { SZ_BYTES, "16E", -ERANGE, 0, 3, TRUE },
    { SZ_BYTES, "20E", -ERANGE, 0, 3, TRUE },
    { SZ_BYTES, "16777216T", -ERANGE, 0, 9, TRUE },
    { SZ_MIB, "17592186044416", -ERANGE, 0, 14, TRUE },
    { SZ_METRIC, "19E", -ERANGE, 0, 3, TRUE },
    /* the fraction tail can overflow too */
    { SZ_BYTES, "15.9999999999999999999999999999999999999999999999999999E",
      -ERANGE, 0, 56, TRUE },
    /* without an end pointer, junk makes it EINVAL */
    { SZ_BYTES, "100000Pjunk", -ERANGE, 0, 7, FALSE, -EINVAL, 0 },
};

static const StrtoszCase strtosz_metric[] = {
    { SZ_METRIC, "12345k", 0, 12345000, 6, TRUE },
    { SZ_METRIC, "12.345M", 0, 12345000, 7, TRUE },
    /* 0xfffffffffffffbff with infinite precision; the fraction is a double */
    { SZ_METRIC, "18.446744073709550591E", 0,
      G_GUINT64_CONSTANT(0xfffffffffffffc0c), 22, TRUE },
};

static StrtoszFn strtosz_fn(StrtoszKind kind)
{
    switch (kind) {
    case SZ_BYTES:
        return qmem_strtosz;
    case SZ_MIB:
        return qmem_strtosz_MiB;
    case SZ_METRIC:
        return qmem_strtosz_metric;
    }
    g_assert_not_reached();
}

static void test_strtosz(gconstpointer opaque)
{
    const StrtoszCase *c = opaque;
    StrtoszFn fn = strtosz_fn(c->kind);
    const char *end = "somewhere";
    guint64 val = 0xbaadf00d;
    int ret;

    ret = fn(c->str, &end, &val);
    g_assert_cmpint(ret, ==, c->ret);
    g_assert_cmpuint(val, ==, c->val);
    g_assert_true(end == c->str + c->offset);

    val = 0xbaadf00d;
    ret = fn(c->str, NULL, &val);
    g_assert_cmpint(ret, ==, c->full_same ? c->ret : c->full_ret);
    g_assert_cmpuint(val, ==, c->full_same ? c->val : c->full_val);
}

static void test_strtosz_null(void)
{
    const char *end = "somewhere";
    guint64 val = 0xbaadf00d;

    g_assert_cmpint(qmem_strtosz(NULL, &end, &val), ==, -EINVAL);
    g_assert_cmpuint(val, ==, 0);
    g_assert_null(end);

    val = 0xbaadf00d;
    g_assert_cmpint(qmem_strtosz_MiB(NULL, NULL, &val), ==, -EINVAL);
    g_assert_cmpuint(val, ==, 0);
}

static void add_strtosz_cases(const char *group, const StrtoszCase *cases,
                              size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        g_autofree char *path =
            g_strdup_printf("/util/cutils/strtosz/%s/%zu", group, i);

        g_test_add_data_func(path, &cases[i], test_strtosz);
    }
}

/* ------------------------------------------------------------------ */
/* qmem_size_to_str() */

typedef struct {
    guint64 val;
    const char *str;
} SizeToStrCase;

static const SizeToStrCase size_to_str_cases[] = {
    { 0, "0 B" },
    { 1, "1 B" },
    { 999, "999 B" },
    /* the unit changes once the value reaches 1000 of the current one */
    { 1000, "0.977 KiB" },
    { 1016, "0.992 KiB" },
    { 1023, "0.999 KiB" },
    { 1024, "1 KiB" },
    { 1536, "1.5 KiB" },
    { 1234567, "1.18 MiB" },
    /* QEMU's "%.3g" rounds 999.999 KiB to exponent form */
    { 1023999, "1e+03 KiB" },
    { 1024000, "0.977 MiB" },
    { 2 * MiB, "2 MiB" },
    { 512 * MiB, "512 MiB" },
    { 3 * GiB, "3 GiB" },
    { 4 * TiB, "4 TiB" },
    { PiB, "1 PiB" },
    { EiB, "1 EiB" },
    { G_MAXUINT64, "16 EiB" },
};

static void test_size_to_str(gconstpointer opaque)
{
    const SizeToStrCase *c = opaque;
    g_autofree char *str = qmem_size_to_str(c->val);

    g_assert_cmpstr(str, ==, c->str);
}

/* ------------------------------------------------------------------ */
/* qmem_strtoi64(), qmem_strtou64() */

typedef struct {
    const char *str;
    int base;
    int ret;
    gint64 val;
} StrtoiCase;

static const StrtoiCase strtoi64_cases[] = {
    { "12345", 0, 0, 12345 },
    { "+42", 0, 0, 42 },
    { "  \t -321", 0, 0, -321 },
    { " -0", 0, 0, 0 },
    { "0123", 8, 0, 0123 },
    { "0123", 0, 0, 0123 },
    { "0123", 10, 0, 123 },
    { "0123", 16, 0, 0x123 },
    { "0x123", 0, 0, 0x123 },
    { "z", 36, 0, 35 },
    { "9223372036854775807", 0, 0, G_MAXINT64 },
    { "-9223372036854775808", 0, 0, G_MININT64 },
    /* overflow saturates */
    { "9223372036854775808", 0, -ERANGE, G_MAXINT64 },
    { "0x8000000000000000", 0, -ERANGE, G_MAXINT64 },
    { "-9223372036854775809", 0, -ERANGE, G_MININT64 },
    { "-18446744073709551615", 0, -ERANGE, G_MININT64 },
    /* the whole string must be a number */
    { "", 0, -EINVAL, 0 },
    { "  \t  ", 0, -EINVAL, 0 },
    { "   xxxx  \t abc", 0, -EINVAL, 0 },
    { "12345 foo", 0, -EINVAL, 12345 },
    { "123xxx", 0, -EINVAL, 123 },
    { "1 ", 0, -EINVAL, 1 },
    { "08", 0, -EINVAL, 0 },
    { "0x", 16, -EINVAL, 0 },
    { "3.14", 0, -EINVAL, 3 },
    /* junk beats overflow */
    { "-99999999999999999999junk", 0, -EINVAL, G_MININT64 },
};

static void test_strtoi64(gconstpointer opaque)
{
    const StrtoiCase *c = opaque;
    gint64 val = 999;

    g_assert_cmpint(qmem_strtoi64(c->str, c->base, &val), ==, c->ret);
    g_assert_cmpint(val, ==, c->val);
}

typedef struct {
    const char *str;
    int base;
    int ret;
    guint64 val;
} StrtouCase;

static const StrtouCase strtou64_cases[] = {
    { "12345", 0, 0, 12345 },
    { "0123", 0, 0, 0123 },
    { "0123", 10, 0, 123 },
    { "0x2a", 0, 0, 42 },
    { "052", 0, 0, 42 },
    { "18446744073709551615", 0, 0, G_MAXUINT64 },
    { "0xffffffffffffffff", 0, 0, G_MAXUINT64 },
    /* a '-' wraps modulo 2^64, as strtoull() */
    { "-1", 0, 0, G_MAXUINT64 },
    { "  \t -321", 0, 0, (guint64)-321 },
    { " -0", 0, 0, 0 },
    { "-18446744073709551615", 0, 0, 1 },
    { "-0x8000000000000000", 0, 0, G_GUINT64_CONSTANT(0x8000000000000000) },
    /* overflow saturates, either sign */
    { "18446744073709551616", 0, -ERANGE, G_MAXUINT64 },
    { "0x10000000000000000", 0, -ERANGE, G_MAXUINT64 },
    { "-18446744073709551616", 0, -ERANGE, G_MAXUINT64 },
    { "", 0, -EINVAL, 0 },
    { "  \t  ", 0, -EINVAL, 0 },
    { "xxx", 0, -EINVAL, 0 },
    { "123xxx", 0, -EINVAL, 123 },
    { "0 ", 0, -EINVAL, 0 },
    { "08", 0, -EINVAL, 0 },
    { "3.14", 0, -EINVAL, 3 },
    { "-99999999999999999999junk", 0, -EINVAL, G_MAXUINT64 },
};

static void test_strtou64(gconstpointer opaque)
{
    const StrtouCase *c = opaque;
    guint64 val = 999;

    g_assert_cmpint(qmem_strtou64(c->str, c->base, &val), ==, c->ret);
    g_assert_cmpuint(val, ==, c->val);
}

static void test_strtox_null(void)
{
    gint64 i = 999;
    guint64 u = 999;

    g_assert_cmpint(qmem_strtoi64(NULL, 0, &i), ==, -EINVAL);
    g_assert_cmpint(i, ==, 0);
    g_assert_cmpint(qmem_strtou64(NULL, 0, &u), ==, -EINVAL);
    g_assert_cmpuint(u, ==, 0);
}

/* ------------------------------------------------------------------ */
/* qmem_parse_uint() */

typedef struct {
    const char *str;
    int base;
    /* with an end pointer */
    int ret;
    guint64 val;
    size_t offset;
    /* without one: the whole string must be consumed */
    int full_ret;
    guint64 full_val;
} ParseUintCase;

static const ParseUintCase parse_uint_cases[] = {
    { "", 0, -EINVAL, 0, 0, -EINVAL, 0 },
    { "   \t   ", 0, -EINVAL, 0, 0, -EINVAL, 0 },
    { " \t xxx", 0, -EINVAL, 0, 0, -EINVAL, 0 },
    { "123", 0, 0, 123, 3, 0, 123 },
    { "123xxx", 0, 0, 123, 3, -EINVAL, 0 },
    { " 42 ", 0, 0, 42, 3, -EINVAL, 0 },
    { "0123", 0, 0, 0123, 4, 0, 0123 },
    { "0123", 10, 0, 123, 4, 0, 123 },
    { "0x2a", 0, 0, 42, 4, 0, 42 },
    { "+7", 0, 0, 7, 2, 0, 7 },
    { "9223372036854775808", 0, 0, G_GUINT64_CONSTANT(0x8000000000000000), 19,
      0, G_GUINT64_CONSTANT(0x8000000000000000) },
    { "18446744073709551615", 0, 0, G_MAXUINT64, 20, 0, G_MAXUINT64 },
    /* overflow saturates */
    { "99999999999999999999999999999999999999", 0, -ERANGE, G_MAXUINT64, 38,
      -ERANGE, G_MAXUINT64 },
    { "0x10000000000000000", 0, -ERANGE, G_MAXUINT64, 19, -ERANGE,
      G_MAXUINT64 },
    { "0x18000000080000000", 0, -ERANGE, G_MAXUINT64, 19, -ERANGE,
      G_MAXUINT64 },
    /* negative numbers are refused, not wrapped */
    { " \t -321", 0, -ERANGE, 0, 7, -ERANGE, 0 },
    { "-0xffffffff00000001", 0, -ERANGE, 0, 19, -ERANGE, 0 },
    { " -0", 0, -ERANGE, 0, 3, -ERANGE, 0 },
    /* junk beats range */
    { "-2junk", 0, -ERANGE, 0, 2, -EINVAL, 0 },
};

static void test_parse_uint(gconstpointer opaque)
{
    const ParseUintCase *c = opaque;
    const char *end = "somewhere";
    guint64 val = 999;

    g_assert_cmpint(qmem_parse_uint(c->str, &end, c->base, &val), ==, c->ret);
    g_assert_cmpuint(val, ==, c->val);
    g_assert_true(end == c->str + c->offset);

    val = 999;
    g_assert_cmpint(qmem_parse_uint(c->str, NULL, c->base, &val), ==,
                    c->full_ret);
    g_assert_cmpuint(val, ==, c->full_val);
}

static void test_parse_uint_null(void)
{
    const char *end = "somewhere";
    guint64 val = 999;

    g_assert_cmpint(qmem_parse_uint(NULL, &end, 0, &val), ==, -EINVAL);
    g_assert_cmpuint(val, ==, 0);
    g_assert_null(end);

    val = 999;
    g_assert_cmpint(qmem_parse_uint(NULL, NULL, 0, &val), ==, -EINVAL);
    g_assert_cmpuint(val, ==, 0);
}

/* ------------------------------------------------------------------ */
/* qmem_parse_bool(), qmem_id_wellformed() */

typedef struct {
    const char *str;
    gboolean ok;
    gboolean val;
} ParseBoolCase;

static const ParseBoolCase parse_bool_cases[] = {
    { "on", TRUE, TRUE },
    { "yes", TRUE, TRUE },
    { "true", TRUE, TRUE },
    { "y", TRUE, TRUE },
    { "off", TRUE, FALSE },
    { "no", TRUE, FALSE },
    { "false", TRUE, FALSE },
    { "n", TRUE, FALSE },
    /* case-sensitive, whole word */
    { "On", FALSE, FALSE },
    { "ON", FALSE, FALSE },
    { "TRUE", FALSE, FALSE },
    { "1", FALSE, FALSE },
    { "0", FALSE, FALSE },
    { "", FALSE, FALSE },
    { "offer", FALSE, FALSE },
    { " on", FALSE, FALSE },
    { "on ", FALSE, FALSE },
};

static void test_parse_bool(gconstpointer opaque)
{
    const ParseBoolCase *c = opaque;
    gboolean val = 42;

    g_assert_cmpint(qmem_parse_bool(c->str, &val), ==, c->ok);
    /* a failed parse leaves the result alone */
    g_assert_cmpint(val, ==, c->ok ? c->val : 42);
}

typedef struct {
    const char *id;
    gboolean ok;
} IdCase;

static const IdCase id_cases[] = {
    { "m0", TRUE },
    { "a", TRUE },
    { "Z", TRUE },
    { "A-b.c_d9", TRUE },
    { "mem-0.x_y", TRUE },
    { "", FALSE },
    { "0m", FALSE },
    { "666", FALSE },
    { "-a", FALSE },
    { "_a", FALSE },
    { ".a", FALSE },
    { "a b", FALSE },
    { "a,b", FALSE },
    { "a/b", FALSE },
    { "a:b", FALSE },
    { "a=b", FALSE },
    { "\xc3\xa9t\xc3\xa9", FALSE },
    { "a\xc3\xa9", FALSE },
};

static void test_id_wellformed(gconstpointer opaque)
{
    const IdCase *c = opaque;

    g_assert_cmpint(qmem_id_wellformed(c->id), ==, c->ok);
}

/* What error messages may show of user input (util/unicode.c). */
static void test_escape_controls(void)
{
    static const struct {
        const char *in, *out;
    } cases[] = {
        { "plain", "plain" },
        { "line\nand\ttab", "line\nand\ttab" },
        { "a\xc0\x80" "b", "a\\u0000b" },            /* U+0000 */
        { "\x01\x1b[2J\x7f", "\\u0001\\u001B[2J\\u007F" },
        { "c1\xc2\x85.", "c1\\u0085." },
        { "\xc3\xa9\xf0\x9f\x98\x80", "\xc3\xa9\xf0\x9f\x98\x80" },
        { "bad\xff\xc3", "bad\\xff\\xc3" },
        { "", "" },
    };

    for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autofree char *out = qmem_str_escape_controls(cases[i].in);

        g_assert_cmpstr(out, ==, cases[i].out);
    }
}

/* QEMU's qemu_uuid_parse() and qemu_uuid_unparse_strdup(). */
static void test_uuid_parse(void)
{
    static const char *const bad[] = {
        "", "xyz", "0123abcd-4567-89ab-cdef-0123456789a",
        "0123abcd-4567-89ab-cdef-0123456789abc",
        "0123abcd04567-89ab-cdef-0123456789ab",
        "0123abcd-4567-89ab-cdef-0123456789ag",
        "{0123abcd-4567-89ab-cdef-0123456789ab}",
    };
    guint8 uuid[16], want[16] = {
        0x01, 0x23, 0xab, 0xcd, 0x45, 0x67, 0x89, 0xab,
        0xcd, 0xef, 0x01, 0x23, 0x45, 0x67, 0x89, 0xab,
    };
    g_autofree char *str = NULL;

    g_assert_true(qmem_uuid_parse("0123ABCD-4567-89ab-CDEF-0123456789ab",
                                  uuid));
    g_assert_cmpmem(uuid, 16, want, 16);
    str = qmem_uuid_unparse(uuid);
    g_assert_cmpstr(str, ==, "0123abcd-4567-89ab-cdef-0123456789ab");
    for (gsize i = 0; i < G_N_ELEMENTS(bad); i++) {
        memset(uuid, 0x5a, sizeof(uuid));
        g_assert_false(qmem_uuid_parse(bad[i], uuid));
        g_assert_cmpuint(uuid[0], ==, 0x5a);
    }
    /* The VM's UUID: all zero until set. */
    g_assert_false(qmem_vm_get_uuid(uuid));
    g_assert_cmpuint(uuid[0] | uuid[15], ==, 0);
    qmem_vm_set_uuid(want);
    g_assert_true(qmem_vm_get_uuid(uuid));
    g_assert_cmpmem(uuid, 16, want, 16);
    qmem_vm_set_uuid(NULL);
    g_assert_false(qmem_vm_get_uuid(uuid));
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);

    add_strtosz_cases("simple", strtosz_simple, G_N_ELEMENTS(strtosz_simple));
    add_strtosz_cases("hex", strtosz_hex, G_N_ELEMENTS(strtosz_hex));
    add_strtosz_cases("units", strtosz_units, G_N_ELEMENTS(strtosz_units));
    add_strtosz_cases("float", strtosz_float, G_N_ELEMENTS(strtosz_float));
    add_strtosz_cases("invalid", strtosz_invalid,
                      G_N_ELEMENTS(strtosz_invalid));
    add_strtosz_cases("trailing", strtosz_trailing,
                      G_N_ELEMENTS(strtosz_trailing));
    add_strtosz_cases("erange", strtosz_erange, G_N_ELEMENTS(strtosz_erange));
    add_strtosz_cases("metric", strtosz_metric, G_N_ELEMENTS(strtosz_metric));
    g_test_add_func("/system/uuid/parse", test_uuid_parse);
    g_test_add_func("/util/cutils/strtosz/null", test_strtosz_null);
    g_test_add_func("/util/unicode/escape-controls", test_escape_controls);

    ADD_CASES("/util/cutils/size-to-str", size_to_str_cases, test_size_to_str);
    ADD_CASES("/util/cutils/strtoi64", strtoi64_cases, test_strtoi64);
    ADD_CASES("/util/cutils/strtou64", strtou64_cases, test_strtou64);
    g_test_add_func("/util/cutils/strtox/null", test_strtox_null);
    ADD_CASES("/util/cutils/parse-uint", parse_uint_cases, test_parse_uint);
    g_test_add_func("/util/cutils/parse-uint/null", test_parse_uint_null);
    ADD_CASES("/util/cutils/parse-bool", parse_bool_cases, test_parse_bool);
    ADD_CASES("/util/cutils/id-wellformed", id_cases, test_id_wellformed);

    return g_test_run();
}
