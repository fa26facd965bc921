/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Scalar parsing and formatting with QEMU's exact rules (util/cutils.c). */

#include <errno.h>
#include <math.h>
#include <string.h>

#include "util/cutils.h"

/*
 * Shared tail of the strto* wrappers, as QEMU's check_strtox_error():
 * no conversion at all is -EINVAL, and so is leftover text when the
 * caller wants the whole string; otherwise the libc errno decides.
 */
static int check_strtox_error(const char *nptr, const char *ep,
                              const char **endptr, int libc_errno)
{
    if (endptr) {
        *endptr = ep;
    }
    if (libc_errno == 0 && ep == nptr) {
        return -EINVAL;
    }
    if (!endptr && *ep) {
        return -EINVAL;
    }
    return -libc_errno;
}

static gboolean base_valid(int base)
{
    return base == 0 || (base >= 2 && base <= 36);
}

static int strtou64_end(const char *nptr, const char **endptr, int base,
                        guint64 *result)
{
    char *ep;

    if (!nptr) {
        if (endptr) {
            *endptr = NULL;
        }
        *result = 0;
        return -EINVAL;
    }
    errno = 0;
    *result = g_ascii_strtoull(nptr, &ep, base);
    return check_strtox_error(nptr, ep, endptr, errno);
}

int qmem_strtoi64(const char *nptr, int base, gint64 *result)
{
    char *ep;

    g_return_val_if_fail(base_valid(base), -EINVAL);
    g_return_val_if_fail(result != NULL, -EINVAL);

    if (!nptr) {
        *result = 0;
        return -EINVAL;
    }
    errno = 0;
    *result = g_ascii_strtoll(nptr, &ep, base);
    return check_strtox_error(nptr, ep, NULL, errno);
}

int qmem_strtou64(const char *nptr, int base, guint64 *result)
{
    g_return_val_if_fail(base_valid(base), -EINVAL);
    g_return_val_if_fail(result != NULL, -EINVAL);

    return strtou64_end(nptr, NULL, base, result);
}

int qmem_parse_uint(const char *nptr, const char **end, int base,
                    guint64 *result)
{
    const char *s = nptr;
    char *endp = (char *)nptr;
    guint64 val = 0;
    int ret = 0;

    g_return_val_if_fail(base_valid(base), -EINVAL);
    g_return_val_if_fail(result != NULL, -EINVAL);

    if (!nptr) {
        ret = -EINVAL;
        goto out;
    }

    errno = 0;
    val = g_ascii_strtoull(nptr, &endp, base);
    if (errno) {
        /* Overflow wins even for negative numbers: the value is saturated */
        ret = -errno;
        goto out;
    }
    if (endp == nptr) {
        ret = -EINVAL;
        goto out;
    }

    /* strtoull() negates a leading '-'; parse_uint() refuses it instead */
    while (g_ascii_isspace(*s)) {
        s++;
    }
    if (*s == '-') {
        val = 0;
        ret = -ERANGE;
    }

out:
    *result = val;
    if (end) {
        *end = endp;
    } else if (nptr && *endp) {
        *result = 0;
        ret = -EINVAL;
    }
    return ret;
}

static gint64 suffix_mul(char suffix, gint64 unit)
{
    switch (g_ascii_toupper(suffix)) {
    case 'B':
        return 1;
    case 'K':
        return unit;
    case 'M':
        return unit * unit;
    case 'G':
        return unit * unit * unit;
    case 'T':
        return unit * unit * unit * unit;
    case 'P':
        return unit * unit * unit * unit * unit;
    case 'E':
        return unit * unit * unit * unit * unit * unit;
    }
    return -1;
}

/*
 * The fractional part of a size, parsed the way QEMU does it (strtod on a
 * copy cut at the first 'e'/'E', so that 'e' stays the exa suffix), with
 * qemu_strtod_finite()'s results: -EINVAL for no number or a non-finite
 * one, -ERANGE for underflow.  @str is either the '.' after the integer
 * part or, when there was none, the whole input.
 */
static int parse_fraction(const char *str, const char **end, double *fraction)
{
    g_autofree char *copy = g_strdup(str);
    char *cut;
    char *tail;
    double d;
    int ret;

    cut = strchr(copy, 'e');
    if (cut) {
        *cut = '\0';
    }
    cut = strchr(copy, 'E');
    if (cut) {
        *cut = '\0';
    }

    errno = 0;
    d = g_ascii_strtod(copy, &tail);
    if (!isfinite(d)) {
        *fraction = 0.0;
        *end = str;
        return -EINVAL;
    }
    ret = tail == copy ? -EINVAL : -errno;
    *fraction = d;
    *end = str + (tail - copy);
    return ret;
}

static int do_strtosz(const char *nptr, const char **end, char default_suffix,
                      gint64 unit, guint64 *result)
{
    const char *endptr;
    guint64 val = 0;
    guint64 valf = 0;
    gint64 mul;
    int ret;

    g_return_val_if_fail(result != NULL, -EINVAL);

    if (!nptr) {
        if (end) {
            *end = NULL;
        }
        *result = 0;
        return -EINVAL;
    }

    /* The integral part is always decimal, so "08" is 8 and not octal */
    ret = qmem_parse_uint(nptr, &endptr, 10, &val);
    if (ret == -ERANGE) {
        goto out;
    }
    if (ret == 0 && val == 0 && (*endptr == 'x' || *endptr == 'X')) {
        /* Hex takes no fraction and no suffix: "0x1b" is 27, not 1 byte */
        ret = strtou64_end(nptr, &endptr, 16, &val);
        if (ret) {
            goto out;
        }
        if (*endptr == '.' || suffix_mul(*endptr, unit) > 0) {
            endptr = nptr;
            ret = -EINVAL;
            goto out;
        }
    } else if (*endptr == '.' || (endptr == nptr && strchr(nptr, '.'))) {
        double fraction = 0.0;

        if (ret == 0 && *endptr == '.' && !g_ascii_isdigit(endptr[1])) {
            /* "1.k": an empty fraction after at least one digit */
            endptr++;
        } else {
            ret = parse_fraction(endptr, &endptr, &fraction);
            if (signbit(fraction)) {
                ret = -ERANGE;
                goto out;
            }
        }

        /* 64-bit fixed point; a non-zero fraction must stay non-zero */
        if (fraction == 1.0) {
            if (val == G_MAXUINT64) {
                ret = -ERANGE;
                goto out;
            }
            val++;
        } else if (ret == -ERANGE) {
            valf = 1;
            ret = 0;
        } else {
            valf = (guint64)(fraction * 0x1p64);
            if (valf == 0 && fraction > 0.0) {
                valf = 1;
            }
        }
    }
    if (ret) {
        goto out;
    }

    mul = suffix_mul(*endptr, unit);
    if (mul > 0) {
        endptr++;
    } else {
        mul = suffix_mul(default_suffix, unit);
        g_assert(mul > 0);
    }

    if (mul == 1) {
        /* A fraction needs a scale larger than bytes */
        if (valf != 0) {
            endptr = nptr;
            ret = -EINVAL;
            goto out;
        }
    } else {
        /* Exact 64.64 x 64.0 product, the fraction rounding 0.5 up */
        unsigned __int128 prod = (unsigned __int128)val * (guint64)mul;
        unsigned __int128 frac = (unsigned __int128)valf * (guint64)mul;

        prod += (frac + ((unsigned __int128)1 << 63)) >> 64;
        if (prod > G_MAXUINT64) {
            ret = -ERANGE;
            goto out;
        }
        val = (guint64)prod;
    }

out:
    if (end) {
        *end = endptr;
    } else if (*endptr) {
        ret = -EINVAL;
    }
    *result = ret ? 0 : val;
    return ret;
}

int qmem_strtosz(const char *nptr, const char **end, guint64 *result)
{
    return do_strtosz(nptr, end, 'B', 1024, result);
}

int qmem_strtosz_MiB(const char *nptr, const char **end, guint64 *result)
{
    return do_strtosz(nptr, end, 'M', 1024, result);
}

int qmem_strtosz_metric(const char *nptr, const char **end, guint64 *result)
{
    return do_strtosz(nptr, end, 'B', 1000, result);
}

char *qmem_size_to_str(guint64 val)
{
    static const char *const prefixes[] = {
        "", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei",
    };
    char num[G_ASCII_DTOSTR_BUF_SIZE];
    guint64 div;
    int i;

    /*
     * frexp() gives floor(log2(val * 1024 / 1000)) + 1, so the unit
     * switches once the integer part reaches 1000 (QEMU e41b509d68af).
     */
    frexp(val / (1000.0 / 1024.0), &i);
    i = (i - 1) / 10;
    div = G_GUINT64_CONSTANT(1) << (i * 10);

    g_ascii_formatd(num, sizeof(num), "%.3g", (double)val / div);
    return g_strdup_printf("%s %sB", num, prefixes[i]);
}

gboolean qmem_parse_bool(const char *str, gboolean *result)
{
    g_return_val_if_fail(str != NULL, FALSE);
    g_return_val_if_fail(result != NULL, FALSE);

    if (g_str_equal(str, "on") || g_str_equal(str, "yes") ||
        g_str_equal(str, "true") || g_str_equal(str, "y")) {
        *result = TRUE;
        return TRUE;
    }
    if (g_str_equal(str, "off") || g_str_equal(str, "no") ||
        g_str_equal(str, "false") || g_str_equal(str, "n")) {
        *result = FALSE;
        return TRUE;
    }
    return FALSE;
}

gboolean qmem_id_wellformed(const char *id)
{
    const char *p;

    g_return_val_if_fail(id != NULL, FALSE);

    if (!g_ascii_isalpha(id[0])) {
        return FALSE;
    }
    for (p = id + 1; *p; p++) {
        if (!g_ascii_isalnum(*p) && !strchr("-._", *p)) {
            return FALSE;
        }
    }
    return TRUE;
}
