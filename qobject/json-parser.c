/* SPDX-License-Identifier: GPL-2.0-or-later */
/* QEMU's JSON parser: recursive descent over one message's tokens. */

#include <math.h>
#include <string.h>
#include "qobject/json-internal.h"
#include "util/error.h"
#include "util/unicode.h"

/* Like QEMU's, the parser keeps the first error and reports it. */

typedef struct {
    QmemJsonStreamer *js;
    guint pos;
    GError *err;
} ParseCtx;

static Token *parse_peek(ParseCtx *ctx)
{
    if (ctx->pos >= ctx->js->tokens->len) {
        return NULL;
    }
    return &g_array_index(ctx->js->tokens, Token, ctx->pos);
}

static Token *parse_pop(ParseCtx *ctx)
{
    Token *tok = parse_peek(ctx);

    if (tok) {
        ctx->pos++;
    }
    return tok;
}

static const char *tok_str(ParseCtx *ctx, const Token *tok)
{
    return ctx->js->text->str + tok->off;
}

static void parse_error(ParseCtx *ctx, const char *fmt, ...)
    G_GNUC_PRINTF(2, 3);

static void parse_error(ParseCtx *ctx, const char *fmt, ...)
{
    va_list ap;
    char *msg;

    if (ctx->err) {
        return;
    }
    va_start(ap, fmt);
    msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    g_set_error(&ctx->err, QMEM_ERROR, QMEM_ERROR_GENERIC,
                "JSON parse error, %s", msg);
    g_free(msg);
}

static JsonNode *parse_value(ParseCtx *ctx);

static int cvt4hex(const char *s)
{
    int cp = 0, i;

    for (i = 0; i < 4; i++) {
        if (!g_ascii_isxdigit(s[i])) {
            return -1;
        }
        cp = (cp << 4) | g_ascii_xdigit_value(s[i]);
    }
    return cp;
}

static char *parse_string(ParseCtx *ctx, const char *ptr)
{
    GString *str = g_string_new(NULL);
    char quote = *ptr++;
    char buf[5];
    const char *beg, *end;
    int cp, trailing;

    while (*ptr != quote) {
        g_assert(*ptr);
        if (*ptr == '\\') {
            beg = ptr++;
            switch (*ptr++) {
            case '"':
                g_string_append_c(str, '"');
                break;
            case '\'':
                g_string_append_c(str, '\'');
                break;
            case '\\':
                g_string_append_c(str, '\\');
                break;
            case '/':
                g_string_append_c(str, '/');
                break;
            case 'b':
                g_string_append_c(str, '\b');
                break;
            case 'f':
                g_string_append_c(str, '\f');
                break;
            case 'n':
                g_string_append_c(str, '\n');
                break;
            case 'r':
                g_string_append_c(str, '\r');
                break;
            case 't':
                g_string_append_c(str, '\t');
                break;
            case 'u':
                cp = cvt4hex(ptr);
                /* QEMU skips four characters regardless; don't run off. */
                ptr += strnlen(ptr, 4);
                if (cp >= 0xD800 && cp <= 0xDBFF
                    && ptr[0] == '\\' && ptr[1] == 'u') {
                    cp = 0x10000 + ((cp & 0x3FF) << 10);
                    trailing = cvt4hex(ptr + 2);
                    if (trailing >= 0xDC00 && trailing <= 0xDFFF) {
                        cp |= trailing & 0x3FF;
                        ptr += 6;
                    } else {
                        cp = -1;
                    }
                }
                if (qmem_mod_utf8_encode(buf, cp) < 0) {
                    parse_error(ctx, "%.*s is not a valid Unicode character",
                                (int)(ptr - beg), beg);
                    goto fail;
                }
                g_string_append(str, buf);
                break;
            default:
                parse_error(ctx, "invalid escape sequence in string");
                goto fail;
            }
        } else {
            cp = qmem_mod_utf8_codepoint(ptr, 6, &end);
            if (cp < 0) {
                parse_error(ctx, "invalid UTF-8 sequence in string");
                goto fail;
            }
            ptr = end;
            qmem_mod_utf8_encode(buf, cp);
            g_string_append(str, buf);
        }
    }
    return g_string_free(str, FALSE);

fail:
    g_string_free(str, TRUE);
    return NULL;
}

static gboolean parse_pair(ParseCtx *ctx, JsonObject *obj)
{
    g_autofree char *key = NULL;
    JsonNode *key_node, *value;
    Token *peek, *tok;

    peek = parse_peek(ctx);
    if (!peek) {
        parse_error(ctx, "premature EOI");
        return FALSE;
    }
    key_node = parse_value(ctx);
    if (!key_node || !JSON_NODE_HOLDS_VALUE(key_node)
        || json_node_get_value_type(key_node) != G_TYPE_STRING) {
        parse_error(ctx, "key is not a string in object");
        if (key_node) {
            json_node_unref(key_node);
        }
        return FALSE;
    }
    key = g_strdup(json_node_get_string(key_node));
    json_node_unref(key_node);

    tok = parse_pop(ctx);
    if (!tok) {
        parse_error(ctx, "premature EOI");
        return FALSE;
    }
    if (tok->type != TOK_COLON) {
        parse_error(ctx, "missing : in object pair");
        return FALSE;
    }
    value = parse_value(ctx);
    if (!value) {
        parse_error(ctx, "Missing value in dict");
        return FALSE;
    }
    if (json_object_has_member(obj, key)) {
        parse_error(ctx, "duplicate key");
        json_node_unref(value);
        return FALSE;
    }
    json_object_set_member(obj, key, value);
    return TRUE;
}

static JsonNode *parse_object(ParseCtx *ctx)
{
    JsonObject *obj = json_object_new();
    Token *tok, *peek;

    tok = parse_pop(ctx);
    g_assert(tok && tok->type == TOK_LCURLY);

    peek = parse_peek(ctx);
    if (!peek) {
        parse_error(ctx, "premature EOI");
        goto fail;
    }
    if (peek->type != TOK_RCURLY) {
        if (!parse_pair(ctx, obj)) {
            goto fail;
        }
        tok = parse_pop(ctx);
        if (!tok) {
            parse_error(ctx, "premature EOI");
            goto fail;
        }
        while (tok->type != TOK_RCURLY) {
            if (tok->type != TOK_COMMA) {
                parse_error(ctx, "expected separator in dict");
                goto fail;
            }
            if (!parse_pair(ctx, obj)) {
                goto fail;
            }
            tok = parse_pop(ctx);
            if (!tok) {
                parse_error(ctx, "premature EOI");
                goto fail;
            }
        }
    } else {
        parse_pop(ctx);
    }
    return qmem_json_node_new_object(obj);

fail:
    json_object_unref(obj);
    return NULL;
}

static JsonNode *parse_array(ParseCtx *ctx)
{
    JsonArray *arr = json_array_new();
    Token *tok, *peek;
    JsonNode *elt;

    tok = parse_pop(ctx);
    g_assert(tok && tok->type == TOK_LSQUARE);

    peek = parse_peek(ctx);
    if (!peek) {
        parse_error(ctx, "premature EOI");
        goto fail;
    }
    if (peek->type != TOK_RSQUARE) {
        elt = parse_value(ctx);
        if (!elt) {
            parse_error(ctx, "expecting value");
            goto fail;
        }
        json_array_add_element(arr, elt);
        tok = parse_pop(ctx);
        if (!tok) {
            parse_error(ctx, "premature EOI");
            goto fail;
        }
        while (tok->type != TOK_RSQUARE) {
            if (tok->type != TOK_COMMA) {
                parse_error(ctx, "expected separator in list");
                goto fail;
            }
            elt = parse_value(ctx);
            if (!elt) {
                parse_error(ctx, "expecting value");
                goto fail;
            }
            json_array_add_element(arr, elt);
            tok = parse_pop(ctx);
            if (!tok) {
                parse_error(ctx, "premature EOI");
                goto fail;
            }
        }
    } else {
        parse_pop(ctx);
    }
    return qmem_json_node_new_array(arr);

fail:
    json_array_unref(arr);
    return NULL;
}

static JsonNode *parse_keyword(ParseCtx *ctx)
{
    Token *tok = parse_pop(ctx);
    const char *s = tok_str(ctx, tok);

    if (!strcmp(s, "true")) {
        return json_node_init_boolean(json_node_alloc(), TRUE);
    } else if (!strcmp(s, "false")) {
        return json_node_init_boolean(json_node_alloc(), FALSE);
    } else if (!strcmp(s, "null")) {
        return json_node_init_null(json_node_alloc());
    }
    parse_error(ctx, "invalid keyword '%s'", s);
    return NULL;
}

static JsonNode *parse_literal(ParseCtx *ctx)
{
    Token *tok = parse_pop(ctx);
    const char *s = tok_str(ctx, tok);
    JsonNode *node;
    char *str;

    switch (tok->type) {
    case TOK_STRING:
        str = parse_string(ctx, s);
        if (!str) {
            return NULL;
        }
        node = json_node_init_string(json_node_alloc(), str);
        g_free(str);
        return node;
    case TOK_INTEGER: {
        /* int64 if it fits, else uint64, else double, as QEMU's QNum. */
        gint64 v;
        guint64 u;

        if (g_ascii_string_to_signed(s, 10, G_MININT64, G_MAXINT64, &v,
                                     NULL)) {
            return json_node_init_int(json_node_alloc(), v);
        }
        if (s[0] != '-' &&
            g_ascii_string_to_unsigned(s, 10, 0, G_MAXUINT64, &u, NULL)) {
            node = json_node_init_int(json_node_alloc(), (gint64)u);
            qmem_json_node_mark_uint64(node);
            return node;
        }
    }
        /* fall through */
    case TOK_FLOAT: {
        /*
         * JSON has no infinity: a number too large for a double is refused
         * rather than taken as one (QEMU takes it, and writes "inf" back).
         */
        double d = g_ascii_strtod(s, NULL);

        if (!isfinite(d)) {
            parse_error(ctx, "number '%s' is out of range", s);
            return NULL;
        }
        return json_node_init_double(json_node_alloc(), d);
    }
    default:
        g_assert_not_reached();
    }
}

static JsonNode *parse_value(ParseCtx *ctx)
{
    Token *tok = parse_peek(ctx);

    if (!tok) {
        parse_error(ctx, "premature EOI");
        return NULL;
    }
    switch (tok->type) {
    case TOK_LCURLY:
        return parse_object(ctx);
    case TOK_LSQUARE:
        return parse_array(ctx);
    case TOK_INTEGER:
    case TOK_FLOAT:
    case TOK_STRING:
        return parse_literal(ctx);
    case TOK_KEYWORD:
        return parse_keyword(ctx);
    default:
        parse_error(ctx, "expecting value");
        return NULL;
    }
}

JsonNode *qmem_json_parse_tokens(QmemJsonStreamer *js, GError **error)
{
    ParseCtx ctx = { .js = js };
    JsonNode *value = parse_value(&ctx);

    if (ctx.err) {
        if (value) {
            json_node_unref(value);
        }
        g_propagate_error(error, ctx.err);
        return NULL;
    }
    return value;
}
