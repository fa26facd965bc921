/* SPDX-License-Identifier: GPL-2.0-or-later */
/* QMP server: QEMU's wire protocol, command and HMP registries, events. */

#include <stdio.h>
#include <string.h>

#include "qapi/error.h"
#include "qapi/qmp.h"
#include "util/chardev.h"

#if defined(__has_include)
#if __has_include("qmem-config.h")
#include "qmem-config.h"
#endif
#endif
#ifndef QMEM_VERSION
#define QMEM_VERSION "0.1.0"
#endif

/* QEMU's limits on one JSON message (qobject/json-streamer.c). */
#define JSON_MAX_TOKEN_SIZE (64u << 20)
#define JSON_MAX_TOKEN_COUNT (2u << 20)
#define JSON_MAX_NESTING 1024

/* QEMU's QDict has this many hash buckets; its wire order follows them. */
#define QDICT_BUCKET_MAX 512

#define READ_CHUNK 65536
/* Stop reading a client's requests while this much output waits for it. */
#define OUT_PAUSE_INPUT (1u << 20)
/* A client that lets this much output pile up (events) is dropped. */
#define OUT_MAX (64u << 20)

static void set_generic(GError **error, const char *fmt, ...)
    G_GNUC_PRINTF(2, 3);

static void set_generic(GError **error, const char *fmt, ...)
{
    va_list ap;
    char *msg;

    va_start(ap, fmt);
    msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    g_set_error_literal(error, QMEM_ERROR, QMEM_ERROR_GENERIC, msg);
    g_free(msg);
}

/* ------------------------------------------------------------------ */
/* Unsigned numbers: JsonNode has only gint64, so remember which nodes
 * hold a uint64 above G_MAXINT64.  Each entry holds a reference, so an
 * address cannot be reused while it is marked; the set is emptied when
 * control is back in the main loop. */

static GHashTable *uint64_nodes;
static guint uint64_nodes_idle;

static gboolean uint64_nodes_clear(gpointer opaque)
{
    uint64_nodes_idle = 0;
    if (uint64_nodes) {
        g_hash_table_remove_all(uint64_nodes);
    }
    return G_SOURCE_REMOVE;
}

static void uint64_mark(JsonNode *node)
{
    if (!uint64_nodes) {
        uint64_nodes = g_hash_table_new_full(NULL, NULL,
                                             (GDestroyNotify)json_node_unref,
                                             NULL);
    }
    if (!g_hash_table_contains(uint64_nodes, node)) {
        g_hash_table_add(uint64_nodes, json_node_ref(node));
    }
    if (!uint64_nodes_idle) {
        uint64_nodes_idle = g_idle_add(uint64_nodes_clear, NULL);
    }
}

static gboolean uint64_is_marked(JsonNode *node)
{
    return uint64_nodes && g_hash_table_contains(uint64_nodes, node);
}

JsonNode *qmem_qmp_node_new_uint64(guint64 value)
{
    JsonNode *node = json_node_init_int(json_node_alloc(), (gint64)value);

    if (value > G_MAXINT64) {
        uint64_mark(node);
    }
    return node;
}

/* ------------------------------------------------------------------ */
/* Modified UTF-8, as QEMU's util/unicode.c */

static gboolean is_valid_codepoint(int cp)
{
    if ((unsigned)cp > 0x10FFFFu) {
        return FALSE;
    }
    if ((cp >= 0xFDD0 && cp <= 0xFDEF) || (cp & 0xFFFE) == 0xFFFE) {
        return FALSE;           /* noncharacter */
    }
    if (cp >= 0xD800 && cp <= 0xDFFF) {
        return FALSE;           /* surrogate */
    }
    return TRUE;
}

/* Decodes one character of @s; *end is where the next one starts. */
static int mod_utf8_codepoint(const char *s, size_t n, const char **end)
{
    static const int min_cp[5] = { 0x80, 0x800, 0x10000, 0x200000,
                                   0x4000000 };
    const unsigned char *p = (const unsigned char *)s;
    unsigned byte, mask, len, i;
    int cp;

    if (n == 0 || *s == 0) {
        *end = s;
        return -1;
    }
    byte = *p++;
    if (byte < 0x80) {
        cp = byte;
    } else if (byte >= 0xFE) {
        cp = -1;
    } else if ((byte & 0x40) == 0) {
        cp = -1;                /* stray continuation byte */
    } else {
        len = 0;
        for (mask = 0x80; byte & mask; mask >>= 1) {
            len++;
        }
        cp = byte & (mask - 1);
        for (i = 1; i < len; i++) {
            byte = i < n ? *p : 0;
            if ((byte & 0xC0) != 0x80) {
                cp = -1;
                goto out;
            }
            p++;
            cp = (cp << 6) | (byte & 0x3F);
        }
        if (!is_valid_codepoint(cp)) {
            cp = -1;
        } else if (cp < min_cp[len - 2] && !(cp == 0 && len == 2)) {
            cp = -1;            /* overlong, other than \xC0\x80 */
        }
    }
out:
    *end = (const char *)p;
    return cp;
}

/* Encodes @cp, U+0000 as \xC0\x80; returns the length or -1. */
static int mod_utf8_encode(char buf[5], int cp)
{
    if (!is_valid_codepoint(cp)) {
        return -1;
    }
    if (cp > 0 && cp <= 0x7F) {
        buf[0] = cp;
        buf[1] = 0;
        return 1;
    }
    if (cp <= 0x7FF) {
        buf[0] = 0xC0 | (cp >> 6);
        buf[1] = 0x80 | (cp & 0x3F);
        buf[2] = 0;
        return 2;
    }
    if (cp <= 0xFFFF) {
        buf[0] = 0xE0 | (cp >> 12);
        buf[1] = 0x80 | ((cp >> 6) & 0x3F);
        buf[2] = 0x80 | (cp & 0x3F);
        buf[3] = 0;
        return 3;
    }
    buf[0] = 0xF0 | (cp >> 18);
    buf[1] = 0x80 | ((cp >> 12) & 0x3F);
    buf[2] = 0x80 | ((cp >> 6) & 0x3F);
    buf[3] = 0x80 | (cp & 0x3F);
    buf[4] = 0;
    return 4;
}

/* ------------------------------------------------------------------ */
/* JSON input: QEMU's lexer, streamer and parser (qobject/json-*.c), so
 * that messages are split and rejected exactly where and how QEMU does. */

typedef enum {
    TOK_ERROR,
    TOK_LCURLY,
    TOK_RCURLY,
    TOK_LSQUARE,
    TOK_RSQUARE,
    TOK_COLON,
    TOK_COMMA,
    TOK_INTEGER,
    TOK_FLOAT,
    TOK_KEYWORD,
    TOK_STRING,
} TokType;

typedef enum {
    LX_START,
    LX_RECOVERY,
    LX_DQ,
    LX_DQ_ESC,
    LX_SQ,
    LX_SQ_ESC,
    LX_ZERO,
    LX_SIGN,
    LX_DIGITS,
    LX_MANTISSA,
    LX_MANTISSA_DIGITS,
    LX_EXP_E,
    LX_EXP_SIGN,
    LX_EXP_DIGITS,
    LX_KEYWORD,
} LexState;

/* A transition: to a state, or a finished token (or TOK_ERROR). */
typedef struct {
    gboolean is_token;
    int to;
    gboolean lookahead;         /* the character is not part of it */
} LexStep;

#define STATE(s) ((LexStep){ FALSE, (s), FALSE })
#define STATE_LA(s) ((LexStep){ FALSE, (s), TRUE })
#define TOKEN(t) ((LexStep){ TRUE, (t), FALSE })
#define TOKEN_LA(t) ((LexStep){ TRUE, (t), TRUE })

static LexStep lex_step(LexState state, unsigned char ch)
{
    gboolean digit = ch >= '0' && ch <= '9';

    switch (state) {
    case LX_START:
        switch (ch) {
        case '"':
            return STATE(LX_DQ);
        case '\'':
            return STATE(LX_SQ);
        case '0':
            return STATE(LX_ZERO);
        case '-':
            return STATE(LX_SIGN);
        case '{':
            return TOKEN(TOK_LCURLY);
        case '}':
            return TOKEN(TOK_RCURLY);
        case '[':
            return TOKEN(TOK_LSQUARE);
        case ']':
            return TOKEN(TOK_RSQUARE);
        case ',':
            return TOKEN(TOK_COMMA);
        case ':':
            return TOKEN(TOK_COLON);
        case ' ':
        case '\t':
        case '\r':
        case '\n':
            return STATE(LX_START);
        }
        if (ch >= '1' && ch <= '9') {
            return STATE(LX_DIGITS);
        }
        if (ch >= 'a' && ch <= 'z') {
            return STATE(LX_KEYWORD);
        }
        return TOKEN(TOK_ERROR);
    case LX_RECOVERY:
        /*
         * Resynchronize on structural characters, control characters but
         * tab, and the impossible bytes 0xFE/0xFF (QMP clients send 0xFF
         * on purpose).
         */
        if (ch == '\t' || (ch >= 0x20 && ch <= 0xFD && !strchr("[]{}:,", ch))) {
            return STATE(LX_RECOVERY);
        }
        return STATE_LA(LX_START);
    case LX_DQ:
    case LX_SQ:
        if (ch == (state == LX_DQ ? '"' : '\'')) {
            return TOKEN(TOK_STRING);
        }
        if (ch == '\\') {
            return STATE(state == LX_DQ ? LX_DQ_ESC : LX_SQ_ESC);
        }
        if (ch >= 0x20 && ch <= 0xFD) {
            return STATE(state);
        }
        return TOKEN(TOK_ERROR);
    case LX_DQ_ESC:
    case LX_SQ_ESC:
        if (ch >= 0x20 && ch <= 0xFD) {
            return STATE(state == LX_DQ_ESC ? LX_DQ : LX_SQ);
        }
        return TOKEN(TOK_ERROR);
    case LX_ZERO:
        if (digit) {
            return TOKEN(TOK_ERROR);
        }
        if (ch == '.') {
            return STATE(LX_MANTISSA);
        }
        return TOKEN_LA(TOK_INTEGER);
    case LX_SIGN:
        if (ch == '0') {
            return STATE(LX_ZERO);
        }
        return digit ? STATE(LX_DIGITS) : TOKEN(TOK_ERROR);
    case LX_DIGITS:
        if (digit) {
            return STATE(LX_DIGITS);
        }
        if (ch == 'e' || ch == 'E') {
            return STATE(LX_EXP_E);
        }
        if (ch == '.') {
            return STATE(LX_MANTISSA);
        }
        return TOKEN_LA(TOK_INTEGER);
    case LX_MANTISSA:
        return digit ? STATE(LX_MANTISSA_DIGITS) : TOKEN(TOK_ERROR);
    case LX_MANTISSA_DIGITS:
        if (digit) {
            return STATE(LX_MANTISSA_DIGITS);
        }
        if (ch == 'e' || ch == 'E') {
            return STATE(LX_EXP_E);
        }
        return TOKEN_LA(TOK_FLOAT);
    case LX_EXP_E:
        if (ch == '-' || ch == '+') {
            return STATE(LX_EXP_SIGN);
        }
        return digit ? STATE(LX_EXP_DIGITS) : TOKEN(TOK_ERROR);
    case LX_EXP_SIGN:
        return digit ? STATE(LX_EXP_DIGITS) : TOKEN(TOK_ERROR);
    case LX_EXP_DIGITS:
        return digit ? STATE(LX_EXP_DIGITS) : TOKEN_LA(TOK_FLOAT);
    case LX_KEYWORD:
        if (ch >= 'a' && ch <= 'z') {
            return STATE(LX_KEYWORD);
        }
        return TOKEN_LA(TOK_KEYWORD);
    }
    g_assert_not_reached();
}

typedef struct {
    TokType type;
    gsize off;                  /* into JsonStreamer.text, NUL-terminated */
} Token;

/* Called with exactly one of @value and @error; takes both. */
typedef void (*JsonEmitFunc)(gpointer opaque, JsonNode *value,
                             GError *error);

typedef struct {
    LexState state;
    GString *token;             /* the token being lexed */
    GArray *tokens;             /* Token, of the message being collected */
    GString *text;              /* their texts */
    int brace_count;
    int bracket_count;
    gsize token_size;
    gboolean mark_uint64;
    JsonEmitFunc emit;
    gpointer opaque;
} JsonStreamer;

static JsonNode *json_parse_tokens(JsonStreamer *js, GError **error);

static void json_streamer_init(JsonStreamer *js, gboolean mark_uint64,
                               JsonEmitFunc emit, gpointer opaque)
{
    memset(js, 0, sizeof(*js));
    js->state = LX_START;
    js->token = g_string_new(NULL);
    js->tokens = g_array_new(FALSE, FALSE, sizeof(Token));
    js->text = g_string_new(NULL);
    js->mark_uint64 = mark_uint64;
    js->emit = emit;
    js->opaque = opaque;
}

static void json_streamer_destroy(JsonStreamer *js)
{
    g_string_free(js->token, TRUE);
    g_array_free(js->tokens, TRUE);
    g_string_free(js->text, TRUE);
}

static void json_streamer_reset_message(JsonStreamer *js)
{
    js->brace_count = 0;
    js->bracket_count = 0;
    js->token_size = 0;
    g_array_set_size(js->tokens, 0);
    g_string_truncate(js->text, 0);
    /* Don't keep a huge buffer around after a huge message. */
    if (js->text->allocated_len > READ_CHUNK * 4) {
        g_string_free(js->text, TRUE);
        js->text = g_string_new(NULL);
    }
}

static void json_streamer_process_token(JsonStreamer *js, TokType type,
                                        const GString *input)
{
    JsonNode *value = NULL;
    GError *err = NULL;
    Token tok;

    switch (type) {
    case TOK_LCURLY:
        js->brace_count++;
        break;
    case TOK_RCURLY:
        js->brace_count--;
        break;
    case TOK_LSQUARE:
        js->bracket_count++;
        break;
    case TOK_RSQUARE:
        js->bracket_count--;
        break;
    case TOK_ERROR:
        set_generic(&err, "JSON parse error, stray '%s'", input->str);
        goto out_emit;
    default:
        break;
    }

    if (js->token_size + input->len + 1 > JSON_MAX_TOKEN_SIZE) {
        set_generic(&err, "JSON token size limit exceeded");
        goto out_emit;
    }
    if (js->tokens->len + 1 > JSON_MAX_TOKEN_COUNT) {
        set_generic(&err, "JSON token count limit exceeded");
        goto out_emit;
    }
    if (js->bracket_count + js->brace_count > JSON_MAX_NESTING) {
        set_generic(&err, "JSON nesting depth limit exceeded");
        goto out_emit;
    }

    tok.type = type;
    tok.off = js->text->len;
    g_string_append_len(js->text, input->str, input->len + 1);
    g_array_append_val(js->tokens, tok);
    js->token_size += input->len;

    if ((js->brace_count > 0 || js->bracket_count > 0)
        && js->brace_count >= 0 && js->bracket_count >= 0) {
        return;
    }

    value = json_parse_tokens(js, &err);

out_emit:
    json_streamer_reset_message(js);
    js->emit(js->opaque, value, err);
}

static void json_streamer_feed_char(JsonStreamer *js, unsigned char ch)
{
    gboolean consumed = FALSE;

    while (!consumed) {
        LexStep step = lex_step(js->state, ch);

        consumed = !step.lookahead;
        if (consumed) {
            g_string_append_c(js->token, ch);
        }
        if (step.is_token) {
            json_streamer_process_token(js, step.to, js->token);
            g_string_truncate(js->token, 0);
            js->state = step.to == TOK_ERROR ? LX_RECOVERY : LX_START;
        } else {
            if (step.to == LX_START || step.to == LX_RECOVERY) {
                g_string_truncate(js->token, 0);
            }
            js->state = step.to;
        }
    }

    /* A single token may not grow without bound either. */
    if (js->token->len > JSON_MAX_TOKEN_SIZE) {
        GError *err = NULL;

        set_generic(&err, "JSON token size limit exceeded");
        json_streamer_reset_message(js);
        g_string_truncate(js->token, 0);
        js->state = LX_START;
        js->emit(js->opaque, NULL, err);
    }
}

static void json_streamer_feed(JsonStreamer *js, const char *buf, gsize len)
{
    gsize i;

    for (i = 0; i < len; i++) {
        json_streamer_feed_char(js, buf[i]);
    }
}

/* Flushes a value that needs no delimiter ("1", "true") at end of input. */
static void json_streamer_flush(JsonStreamer *js)
{
    if (js->state != LX_START && js->state != LX_RECOVERY) {
        LexStep step = lex_step(js->state, 0);

        /* A token that ends here ("1", "true"), or an unfinished one. */
        json_streamer_process_token(js, step.is_token ? step.to : TOK_ERROR,
                                    js->token);
    }
    g_string_truncate(js->token, 0);
    js->state = LX_START;
    if (js->tokens->len) {
        JsonNode *value;
        GError *err = NULL;

        value = json_parse_tokens(js, &err);
        json_streamer_reset_message(js);
        js->emit(js->opaque, value, err);
    }
}

/* The parser proper: recursive descent over the collected tokens.  Like
 * QEMU's, it keeps the first error and reports it. */

typedef struct {
    JsonStreamer *js;
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
    set_generic(&ctx->err, "JSON parse error, %s", msg);
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
                if (mod_utf8_encode(buf, cp) < 0) {
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
            cp = mod_utf8_codepoint(ptr, 6, &end);
            if (cp < 0) {
                parse_error(ctx, "invalid UTF-8 sequence in string");
                goto fail;
            }
            ptr = end;
            mod_utf8_encode(buf, cp);
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
            if (ctx->js->mark_uint64) {
                uint64_mark(node);
            }
            return node;
        }
    }
        /* fall through */
    case TOK_FLOAT:
        return json_node_init_double(json_node_alloc(),
                                     g_ascii_strtod(s, NULL));
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

static JsonNode *json_parse_tokens(JsonStreamer *js, GError **error)
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

typedef struct {
    JsonNode *value;
    GError *error;
    guint count;
} ParseOne;

static void parse_one_emit(gpointer opaque, JsonNode *value, GError *error)
{
    ParseOne *p = opaque;

    if (p->count++ == 0) {
        p->value = value;
        p->error = error;
        return;
    }
    if (value) {
        json_node_unref(value);
    }
    if (error) {
        g_error_free(error);
    }
}

JsonNode *qmem_qmp_json_parse(const char *text, GError **error)
{
    JsonStreamer js;
    ParseOne p = { 0 };

    g_return_val_if_fail(text != NULL, NULL);

    json_streamer_init(&js, TRUE, parse_one_emit, &p);
    json_streamer_feed(&js, text, strlen(text));
    json_streamer_flush(&js);
    json_streamer_destroy(&js);

    if (p.count > 1 && !p.error) {
        json_node_unref(p.value);
        p.value = NULL;
        /* qobject_from_json()'s text */
        set_generic(&p.error, "Expecting at most one JSON value");
    } else if (p.count == 0) {
        set_generic(&p.error, "JSON parse error, premature EOI");
    }
    if (p.error) {
        g_propagate_error(error, p.error);
        return NULL;
    }
    return p.value;
}

/* ------------------------------------------------------------------ */
/* JSON output as QEMU's qobject/json-writer.c, in QDict order */

static unsigned int qdict_bucket(const char *name)
{
    unsigned value = 0x238F13AF * (unsigned)strlen(name);
    unsigned i;

    for (i = 0; name[i]; i++) {
        value += ((const unsigned char *)name)[i] << (i * 5 % 24);
    }
    return (1103515243 * value + 12345) % QDICT_BUCKET_MAX;
}

typedef struct {
    const char *name;
    JsonNode *node;
    unsigned bucket;
    guint index;
} OrderedMember;

static int ordered_member_cmp(gconstpointer a, gconstpointer b)
{
    const OrderedMember *ma = a, *mb = b;

    if (ma->bucket != mb->bucket) {
        return ma->bucket < mb->bucket ? -1 : 1;
    }
    /* A bucket is a list with the newest entry first. */
    return ma->index > mb->index ? -1 : ma->index < mb->index;
}

/* The members of @obj in the order a QDict built in the same order
 * iterates them. */
static GArray *qdict_order(JsonObject *obj)
{
    GArray *members = g_array_new(FALSE, FALSE, sizeof(OrderedMember));
    JsonObjectIter iter;
    OrderedMember m;

    json_object_iter_init_ordered(&iter, obj);
    while (json_object_iter_next_ordered(&iter, &m.name, &m.node)) {
        m.bucket = qdict_bucket(m.name);
        m.index = members->len;
        g_array_append_val(members, m);
    }
    g_array_sort(members, ordered_member_cmp);
    return members;
}

static void quoted_str(GString *out, const char *str)
{
    const char *ptr, *end;
    int cp;

    g_string_append_c(out, '"');
    for (ptr = str; *ptr; ptr = end) {
        cp = mod_utf8_codepoint(ptr, 6, &end);
        switch (cp) {
        case '"':
            g_string_append(out, "\\\"");
            break;
        case '\\':
            g_string_append(out, "\\\\");
            break;
        case '\b':
            g_string_append(out, "\\b");
            break;
        case '\f':
            g_string_append(out, "\\f");
            break;
        case '\n':
            g_string_append(out, "\\n");
            break;
        case '\r':
            g_string_append(out, "\\r");
            break;
        case '\t':
            g_string_append(out, "\\t");
            break;
        default:
            if (cp < 0) {
                cp = 0xFFFD;
            }
            if (cp > 0xFFFF) {
                g_string_append_printf(out, "\\u%04X\\u%04X",
                                       0xD800 + ((cp - 0x10000) >> 10),
                                       0xDC00 + ((cp - 0x10000) & 0x3FF));
            } else if (cp < 0x20 || cp >= 0x7F) {
                g_string_append_printf(out, "\\u%04X", cp);
            } else {
                g_string_append_c(out, cp);
            }
        }
    }
    g_string_append_c(out, '"');
}

static void json_write(GString *out, JsonNode *node)
{
    char buf[G_ASCII_DTOSTR_BUF_SIZE];
    GArray *members;
    JsonArray *arr;
    guint i, n;

    switch (json_node_get_node_type(node)) {
    case JSON_NODE_OBJECT:
        members = qdict_order(json_node_get_object(node));
        g_string_append_c(out, '{');
        for (i = 0; i < members->len; i++) {
            OrderedMember *m = &g_array_index(members, OrderedMember, i);

            if (i) {
                g_string_append(out, ", ");
            }
            quoted_str(out, m->name);
            g_string_append(out, ": ");
            json_write(out, m->node);
        }
        g_string_append_c(out, '}');
        g_array_free(members, TRUE);
        break;
    case JSON_NODE_ARRAY:
        arr = json_node_get_array(node);
        n = json_array_get_length(arr);
        g_string_append_c(out, '[');
        for (i = 0; i < n; i++) {
            if (i) {
                g_string_append(out, ", ");
            }
            json_write(out, json_array_get_element(arr, i));
        }
        g_string_append_c(out, ']');
        break;
    case JSON_NODE_NULL:
        g_string_append(out, "null");
        break;
    case JSON_NODE_VALUE:
        switch (json_node_get_value_type(node)) {
        case G_TYPE_INT64:
            if (uint64_is_marked(node)) {
                g_string_append_printf(out, "%" G_GUINT64_FORMAT,
                                       (guint64)json_node_get_int(node));
            } else {
                g_string_append_printf(out, "%" G_GINT64_FORMAT,
                                       json_node_get_int(node));
            }
            break;
        case G_TYPE_DOUBLE:
            g_string_append(out, g_ascii_formatd(buf, sizeof(buf), "%.17g",
                                                 json_node_get_double(node)));
            break;
        case G_TYPE_BOOLEAN:
            g_string_append(out, json_node_get_boolean(node) ? "true"
                                                             : "false");
            break;
        case G_TYPE_STRING:
            quoted_str(out, json_node_get_string(node));
            break;
        default:
            g_assert_not_reached();
        }
        break;
    }
}

char *qmem_qmp_json_to_string(JsonNode *node)
{
    GString *out = g_string_new(NULL);

    g_return_val_if_fail(node != NULL, NULL);
    json_write(out, node);
    return g_string_free(out, FALSE);
}

/* ------------------------------------------------------------------ */
/* Argument helpers: QEMU's strict QObject input visitor */

static JsonNode *arg_lookup(JsonObject *args, const char *name, gboolean *has,
                            gboolean *ok, GError **error)
{
    JsonNode *node = json_object_get_member(args, name);

    *ok = TRUE;
    if (has) {
        *has = node != NULL;
    } else if (!node) {
        set_generic(error, "Parameter '%s' is missing", name);
        *ok = FALSE;
    }
    return node;
}

static gboolean node_holds(JsonNode *node, GType type)
{
    return JSON_NODE_HOLDS_VALUE(node) &&
        json_node_get_value_type(node) == type;
}

gboolean qmem_qmp_arg_str(JsonObject *args, const char *name, gboolean *has,
                          const char **value, GError **error)
{
    gboolean ok;
    JsonNode *node = arg_lookup(args, name, has, &ok, error);

    if (!node) {
        return ok;
    }
    if (!node_holds(node, G_TYPE_STRING)) {
        set_generic(error, "Invalid parameter type for '%s', expected: %s",
                    name, "string");
        return FALSE;
    }
    *value = json_node_get_string(node);
    return TRUE;
}

gboolean qmem_qmp_arg_int(JsonObject *args, const char *name, gboolean *has,
                          gint64 *value, GError **error)
{
    gboolean ok;
    JsonNode *node = arg_lookup(args, name, has, &ok, error);

    if (!node) {
        return ok;
    }
    if (!node_holds(node, G_TYPE_INT64) || uint64_is_marked(node)) {
        set_generic(error, "Invalid parameter type for '%s', expected: %s",
                    name, "integer");
        return FALSE;
    }
    *value = json_node_get_int(node);
    return TRUE;
}

gboolean qmem_qmp_arg_uint64(JsonObject *args, const char *name,
                             gboolean *has, guint64 *value, GError **error)
{
    gboolean ok;
    JsonNode *node = arg_lookup(args, name, has, &ok, error);

    if (!node) {
        return ok;
    }
    if (!node_holds(node, G_TYPE_INT64)) {
        set_generic(error, "Parameter '%s' expects %s", name, "uint64");
        return FALSE;
    }
    *value = (guint64)json_node_get_int(node);
    return TRUE;
}

gboolean qmem_qmp_arg_bool(JsonObject *args, const char *name, gboolean *has,
                           gboolean *value, GError **error)
{
    gboolean ok;
    JsonNode *node = arg_lookup(args, name, has, &ok, error);

    if (!node) {
        return ok;
    }
    if (!node_holds(node, G_TYPE_BOOLEAN)) {
        set_generic(error, "Invalid parameter type for '%s', expected: %s",
                    name, "boolean");
        return FALSE;
    }
    *value = json_node_get_boolean(node);
    return TRUE;
}

gboolean qmem_qmp_arg_object(JsonObject *args, const char *name,
                             gboolean *has, JsonObject **value,
                             GError **error)
{
    gboolean ok;
    JsonNode *node = arg_lookup(args, name, has, &ok, error);

    if (!node) {
        return ok;
    }
    if (!JSON_NODE_HOLDS_OBJECT(node)) {
        set_generic(error, "Invalid parameter type for '%s', expected: %s",
                    name, "object");
        return FALSE;
    }
    *value = json_node_get_object(node);
    return TRUE;
}

gboolean qmem_qmp_arg_array(JsonObject *args, const char *name,
                            gboolean *has, JsonArray **value,
                            GError **error)
{
    gboolean ok;
    JsonNode *node = arg_lookup(args, name, has, &ok, error);

    if (!node) {
        return ok;
    }
    if (!JSON_NODE_HOLDS_ARRAY(node)) {
        set_generic(error, "Invalid parameter type for '%s', expected: %s",
                    name, "array");
        return FALSE;
    }
    *value = json_node_get_array(node);
    return TRUE;
}

gboolean qmem_qmp_check_args(JsonObject *args, const char *const *allowed,
                             GError **error)
{
    g_autoptr(GHashTable) left = NULL;
    g_autoptr(GArray) members = NULL;
    GHashTableIter iter;
    const char *name;
    guint i;

    if (json_object_get_size(args) == 0) {
        return TRUE;
    }
    /*
     * QEMU's visitor puts the members into a GHashTable in QDict order,
     * removes each one it visits and complains about the first one its
     * iterator still finds; doing the same picks the same name.
     */
    members = qdict_order(args);
    left = g_hash_table_new(g_str_hash, g_str_equal);
    for (i = 0; i < members->len; i++) {
        g_hash_table_add(left, (gpointer)g_array_index(members, OrderedMember,
                                                       i).name);
    }
    for (i = 0; allowed && allowed[i]; i++) {
        g_hash_table_remove(left, allowed[i]);
    }
    g_hash_table_iter_init(&iter, left);
    if (g_hash_table_iter_next(&iter, (gpointer *)&name, NULL)) {
        set_generic(error, "Parameter '%s' is unexpected", name);
        return FALSE;
    }
    return TRUE;
}

/* ------------------------------------------------------------------ */
/* Command registry */

typedef struct {
    char *name;
    QmemQmpCommandFunc fn;
    QmemQmpCommandFlags flags;
} QmpCommand;

static GHashTable *qmp_commands;        /* name -> QmpCommand */
static GQueue qmp_command_order = G_QUEUE_INIT; /* newest first */
static QmemQmpQuitFunc quit_func;
static gpointer quit_data;

typedef struct QmpClient QmpClient;
static QmpClient *current_client;

static void qmp_command_free(gpointer p)
{
    QmpCommand *cmd = p;

    g_free(cmd->name);
    g_free(cmd);
}

static void register_builtins(void);

static GHashTable *command_table(void)
{
    if (!qmp_commands) {
        qmp_commands = g_hash_table_new_full(g_str_hash, g_str_equal, NULL,
                                             qmp_command_free);
        register_builtins();
    }
    return qmp_commands;
}

void qmem_qmp_register_command(const char *name, QmemQmpCommandFunc handler,
                               QmemQmpCommandFlags flags)
{
    GHashTable *table = command_table();
    QmpCommand *cmd;

    g_return_if_fail(name != NULL && handler != NULL);
    g_return_if_fail(!g_hash_table_contains(table, name));

    cmd = g_new0(QmpCommand, 1);
    cmd->name = g_strdup(name);
    cmd->fn = handler;
    cmd->flags = flags;
    g_hash_table_insert(table, cmd->name, cmd);
    g_queue_push_head(&qmp_command_order, cmd);
}

void qmem_qmp_unregister_command(const char *name)
{
    GHashTable *table = command_table();
    QmpCommand *cmd = g_hash_table_lookup(table, name);

    g_return_if_fail(cmd != NULL);
    g_queue_remove(&qmp_command_order, cmd);
    g_hash_table_remove(table, name);
}

gboolean qmem_qmp_has_command(const char *name)
{
    return g_hash_table_contains(command_table(), name);
}

/* ------------------------------------------------------------------ */
/* HMP */

typedef struct {
    char *name;
    char *params;
    char *help;
    QmemHmpFunc fn;
} HmpCommand;

static GHashTable *hmp_commands;        /* "info memdev" -> HmpCommand */

static void hmp_command_free(gpointer p)
{
    HmpCommand *cmd = p;

    g_free(cmd->name);
    g_free(cmd->params);
    g_free(cmd->help);
    g_free(cmd);
}

void qmem_hmp_register(const char *name, QmemHmpFunc handler)
{
    HmpCommand *cmd;

    g_return_if_fail(name != NULL && handler != NULL);
    if (!hmp_commands) {
        hmp_commands = g_hash_table_new_full(g_str_hash, g_str_equal, NULL,
                                             hmp_command_free);
    }
    g_return_if_fail(!g_hash_table_contains(hmp_commands, name));

    cmd = g_new0(HmpCommand, 1);
    cmd->name = g_strdup(name);
    cmd->fn = handler;
    g_hash_table_insert(hmp_commands, cmd->name, cmd);
}

void qmem_hmp_set_help(const char *name, const char *params,
                       const char *help)
{
    HmpCommand *cmd = hmp_commands ?
        g_hash_table_lookup(hmp_commands, name) : NULL;

    g_return_if_fail(cmd != NULL);
    g_free(cmd->params);
    g_free(cmd->help);
    cmd->params = g_strdup(params);
    cmd->help = g_strdup(help);
}

/* QEMU's get_command_name(): blanks, then a name up to a blank or '/'. */
static const char *hmp_command_name(const char *p, char **name)
{
    const char *start;

    while (g_ascii_isspace(*p)) {
        p++;
    }
    if (*p == '\0') {
        return NULL;
    }
    start = p;
    while (*p && *p != '/' && !g_ascii_isspace(*p)) {
        p++;
    }
    *name = g_strndup(start, p - start);
    return p;
}

static int hmp_name_cmp(gconstpointer a, gconstpointer b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void hmp_info_help(GString *out)
{
    g_autoptr(GPtrArray) names = g_ptr_array_new();
    GHashTableIter iter;
    HmpCommand *cmd;
    guint i;

    if (hmp_commands) {
        g_hash_table_iter_init(&iter, hmp_commands);
        while (g_hash_table_iter_next(&iter, NULL, (gpointer *)&cmd)) {
            if (g_str_has_prefix(cmd->name, "info ")) {
                g_ptr_array_add(names, cmd->name);
            }
        }
    }
    g_ptr_array_sort(names, hmp_name_cmp);
    for (i = 0; i < names->len; i++) {
        cmd = g_hash_table_lookup(hmp_commands, names->pdata[i]);
        g_string_append_printf(out, "%s %s -- %s\n", cmd->name,
                               cmd->params ? cmd->params : "",
                               cmd->help ? cmd->help : "");
    }
}

static void hmp_execute(const char *line, GString *out)
{
    g_autofree char *name = NULL;
    g_autofree char *full = NULL;
    g_autoptr(GError) err = NULL;
    const char *p;
    HmpCommand *cmd;

    p = hmp_command_name(line, &name);
    if (!p) {
        return;
    }
    if (!strcmp(name, "info")) {
        g_autofree char *sub = NULL;

        while (g_ascii_isspace(*p)) {
            p++;
        }
        if (*p == '\0') {
            hmp_info_help(out);
            return;
        }
        p = hmp_command_name(p, &sub);
        full = g_strconcat("info ", sub, NULL);
    } else {
        full = g_strdup(name);
    }

    cmd = hmp_commands ? g_hash_table_lookup(hmp_commands, full) : NULL;
    if (!cmd) {
        g_string_append_printf(out, "unknown command: '%.*s'\n",
                               (int)(p - line), line);
        return;
    }
    while (g_ascii_isspace(*p)) {
        p++;
    }
    if (!cmd->fn(p, out, &err)) {
        const char *hint = err ? qmem_error_get_hint(err) : NULL;

        /* HMP prints hints, as QEMU's error_report_err() does. */
        g_string_append_printf(out, "Error: %s\n%s",
                               err ? err->message : "unknown error",
                               hint ? hint : "");
    }
}

char *qmem_hmp_run(const char *command_line)
{
    g_autoptr(GString) text = g_string_new(NULL);
    GString *out;
    gsize i;

    g_return_val_if_fail(command_line != NULL, NULL);

    hmp_execute(command_line, text);
    /* QEMU's monitor puts a '\r' before every '\n'. */
    out = g_string_sized_new(text->len + 16);
    for (i = 0; i < text->len; i++) {
        if (text->str[i] == '\n') {
            g_string_append_c(out, '\r');
        }
        g_string_append_c(out, text->str[i]);
    }
    return g_string_free(out, FALSE);
}

/* ------------------------------------------------------------------ */
/* Server and clients */

struct QmpClient {
    QmemQmpServer *server;
    QmemChardev *chr;
    JsonStreamer js;
    gboolean negotiated;
};

struct QmemQmpServer {
    GList *clients;
    GList *chardevs;
    gboolean has_stdio;
};

static GList *qmp_servers;

static void client_send(QmpClient *c, JsonNode *msg)
{
    g_autofree char *text = NULL;
    g_autofree char *line = NULL;

    if (!qmem_chardev_is_connected(c->chr)) {
        return;
    }
    text = qmem_qmp_json_to_string(msg);
    line = g_strconcat(text, "\r\n", NULL);
    qmem_chardev_write(c->chr, line, strlen(line));
}

static void client_send_object(QmpClient *c, JsonObject *obj)
{
    JsonNode *node = json_node_init_object(json_node_alloc(), obj);

    client_send(c, node);
    json_node_unref(node);
}

static void client_send_greeting(QmpClient *c)
{
    JsonObject *qemu = json_object_new();
    JsonObject *version = json_object_new();
    JsonObject *qmp = json_object_new();
    JsonObject *greeting = json_object_new();
    int major = 0, minor = 0, micro = 0;

    sscanf(QMEM_VERSION, "%d.%d.%d", &major, &minor, &micro);
    json_object_set_int_member(qemu, "major", major);
    json_object_set_int_member(qemu, "minor", minor);
    json_object_set_int_member(qemu, "micro", micro);
    json_object_set_object_member(version, "qemu", qemu);
    json_object_set_string_member(version, "package", "qmem-" QMEM_VERSION);
    json_object_set_object_member(qmp, "version", version);
    json_object_set_array_member(qmp, "capabilities", json_array_new());
    json_object_set_object_member(greeting, "QMP", qmp);
    client_send_object(c, greeting);
    json_object_unref(greeting);
}

static JsonObject *error_object(const GError *err)
{
    JsonObject *e = json_object_new();

    json_object_set_string_member(e, "class", qmem_error_class_name(err));
    json_object_set_string_member(e, "desc", err->message);
    return e;
}

/* Runs one request; returns the "return" value, or NULL with *error set,
 * or NULL without an error when nothing is to be sent. */
static JsonNode *client_dispatch(QmpClient *c, JsonObject *req,
                                 GError **error)
{
    g_autoptr(GArray) members = qdict_order(req);
    const char *name = NULL;
    JsonObject *args = NULL;
    JsonNode *ret;
    QmpClient *outer;
    QmpCommand *cmd;
    GError *err = NULL;
    guint i;

    for (i = 0; i < members->len; i++) {
        OrderedMember *m = &g_array_index(members, OrderedMember, i);

        if (!strcmp(m->name, "execute")) {
            if (!node_holds(m->node, G_TYPE_STRING)) {
                set_generic(error, "QMP input member '%s' must be a string",
                            m->name);
                return NULL;
            }
            name = json_node_get_string(m->node);
        } else if (!strcmp(m->name, "arguments")) {
            if (!JSON_NODE_HOLDS_OBJECT(m->node)) {
                set_generic(error,
                            "QMP input member 'arguments' must be an object");
                return NULL;
            }
            args = json_node_get_object(m->node);
        } else if (strcmp(m->name, "id") != 0) {
            set_generic(error, "QMP input member '%s' is unexpected",
                        m->name);
            return NULL;
        }
    }
    if (!name) {
        set_generic(error, "QMP input lacks member 'execute'");
        return NULL;
    }

    cmd = g_hash_table_lookup(command_table(), name);
    if (!c->negotiated && cmd && strcmp(name, "qmp_capabilities") != 0) {
        cmd = NULL;
    }
    if (!cmd) {
        if (!c->negotiated) {
            g_set_error_literal(error, QMEM_ERROR,
                                QMEM_ERROR_COMMAND_NOT_FOUND,
                                "Expecting capabilities negotiation with "
                                "'qmp_capabilities'");
        } else {
            g_set_error(error, QMEM_ERROR, QMEM_ERROR_COMMAND_NOT_FOUND,
                        "The command %s has not been found", name);
        }
        return NULL;
    }

    if (args) {
        json_object_ref(args);
    } else {
        args = json_object_new();
    }
    outer = current_client;
    current_client = c;
    ret = cmd->fn(args, &err);
    current_client = outer;
    json_object_unref(args);

    if (err) {
        if (ret) {
            g_critical("QMP command %s returned a value and an error",
                       cmd->name);
            json_node_unref(ret);
        }
        g_propagate_error(error, err);
        return NULL;
    }
    if (cmd->flags & QMEM_QMP_COMMAND_NO_SUCCESS_RESPONSE) {
        if (ret) {
            json_node_unref(ret);
        }
        return NULL;
    }
    if (!ret) {
        ret = qmem_json_node_new_object(json_object_new());
    }
    return ret;
}

static void client_handle_message(gpointer opaque, JsonNode *req,
                                  GError *perr)
{
    QmpClient *c = opaque;
    GError *err = perr;
    JsonNode *id = NULL;
    JsonNode *ret = NULL;
    JsonObject *rsp;

    if (!qmem_chardev_is_connected(c->chr)) {
        goto out;
    }
    if (!err) {
        if (!JSON_NODE_HOLDS_OBJECT(req)) {
            set_generic(&err, "QMP input must be a JSON object");
        } else {
            JsonObject *obj = json_node_get_object(req);

            id = json_object_get_member(obj, "id");
            ret = client_dispatch(c, obj, &err);
        }
    }
    if (!err && !ret) {
        goto out;
    }

    rsp = json_object_new();
    if (err) {
        json_object_set_object_member(rsp, "error", error_object(err));
    } else {
        json_object_set_member(rsp, "return", ret);
        ret = NULL;
    }
    if (id) {
        json_object_set_member(rsp, "id", json_node_ref(id));
    }
    client_send_object(c, rsp);
    json_object_unref(rsp);

out:
    if (err) {
        g_error_free(err);
    }
    if (ret) {
        json_node_unref(ret);
    }
    if (req) {
        json_node_unref(req);
    }
}

static gsize client_received(gpointer opaque, const guint8 *data, gsize len)
{
    QmpClient *c = opaque;

    json_streamer_feed(&c->js, (const char *)data, len);
    return len;
}

static gpointer client_connected(QmemChardev *chr, gpointer opaque)
{
    QmemQmpServer *server = opaque;
    QmpClient *c = g_new0(QmpClient, 1);

    c->server = server;
    c->chr = chr;
    json_streamer_init(&c->js, TRUE, client_handle_message, c);
    server->clients = g_list_append(server->clients, c);
    client_send_greeting(c);
    return c;
}

static void client_gone(gpointer opaque)
{
    QmpClient *c = opaque;

    if (current_client == c) {
        current_client = NULL;
    }
    c->server->clients = g_list_remove(c->server->clients, c);
    /* Whatever was left unfinished is dropped, as QEMU does. */
    json_streamer_destroy(&c->js);
    g_free(c);
}

static const QmemChardevFrontend qmp_chardev_frontend = {
    .connected = client_connected,
    .received = client_received,
    .gone = client_gone,
    .pause_input = OUT_PAUSE_INPUT,
    .max_output = OUT_MAX,
    /* fds 0 and 1 stay as the process got them. */
    .stdio_nonblocking = FALSE,
};

void qmem_qmp_server_add_client(QmemQmpServer *server, int in_fd,
                                int out_fd)
{
    QmemChardev *chr;

    g_return_if_fail(server != NULL && in_fd >= 0 && out_fd >= 0);
    chr = qmem_chardev_new_fds(in_fd, out_fd, &qmp_chardev_frontend, server);
    server->chardevs = g_list_append(server->chardevs, chr);
}

guint qmem_qmp_server_get_n_clients(QmemQmpServer *server)
{
    return g_list_length(server->clients);
}

gboolean qmem_qmp_server_listen(QmemQmpServer *server, const char *spec,
                                GError **error)
{
    QmemChardev *chr;

    g_return_val_if_fail(server != NULL && spec != NULL, FALSE);

    chr = qmem_chardev_new(spec, &qmp_chardev_frontend, server,
                           &server->has_stdio, error);
    if (!chr) {
        return FALSE;
    }
    server->chardevs = g_list_append(server->chardevs, chr);
    return TRUE;
}

QmemQmpServer *qmem_qmp_server_new(void)
{
    QmemQmpServer *server = g_new0(QmemQmpServer, 1);

    qmp_servers = g_list_prepend(qmp_servers, server);
    return server;
}

void qmem_qmp_server_flush(QmemQmpServer *server, int timeout_ms)
{
    gint64 deadline = g_get_monotonic_time() + timeout_ms * (gint64)1000;
    GList *l;

    for (l = server->chardevs; l; l = l->next) {
        qmem_chardev_flush(l->data, deadline);
    }
}

void qmem_qmp_server_free(QmemQmpServer *server)
{
    if (!server) {
        return;
    }
    qmem_qmp_server_flush(server, 1000);
    g_list_free_full(g_steal_pointer(&server->chardevs),
                     (GDestroyNotify)qmem_chardev_free);
    g_assert(!server->clients);
    qmp_servers = g_list_remove(qmp_servers, server);
    g_free(server);
}

/* ------------------------------------------------------------------ */
/* Events */

void qmem_qmp_emit_event(const char *name, JsonObject *data)
{
    JsonObject *ev, *ts;
    gint64 now;
    GList *s, *l;

    g_return_if_fail(name != NULL);

    now = g_get_real_time();
    ev = json_object_new();
    ts = json_object_new();
    json_object_set_int_member(ts, "seconds", now / G_USEC_PER_SEC);
    json_object_set_int_member(ts, "microseconds", now % G_USEC_PER_SEC);
    json_object_set_object_member(ev, "timestamp", ts);
    json_object_set_string_member(ev, "event", name);
    if (data) {
        json_object_set_object_member(ev, "data", json_object_ref(data));
    }
    for (s = qmp_servers; s; s = s->next) {
        QmemQmpServer *server = s->data;

        for (l = server->clients; l; l = l->next) {
            QmpClient *c = l->data;

            if (c->negotiated) {
                client_send_object(c, ev);
            }
        }
    }
    json_object_unref(ev);
}

/* ------------------------------------------------------------------ */
/* Built-in commands */

static JsonNode *qmp_capabilities(JsonObject *args, GError **error)
{
    static const char *const allowed[] = { "enable", NULL };
    g_autoptr(GString) unavailable = NULL;
    JsonArray *enable = NULL;
    gboolean has_enable;
    guint i;

    if (!qmem_qmp_arg_array(args, "enable", &has_enable, &enable, error)) {
        return NULL;
    }
    for (i = 0; has_enable && i < json_array_get_length(enable); i++) {
        JsonNode *elt = json_array_get_element(enable, i);
        const char *cap;

        if (!node_holds(elt, G_TYPE_STRING)) {
            set_generic(error, "Invalid parameter type for 'enable[%u]', "
                        "expected: string", i);
            return NULL;
        }
        /* QMPCapability has the one value "oob"; QEMU names list elements
         * of an enum "null" here. */
        cap = json_node_get_string(elt);
        if (strcmp(cap, "oob") != 0) {
            set_generic(error, "Parameter 'null' does not accept value '%s'",
                        cap);
            return NULL;
        }
    }
    if (!qmem_qmp_check_args(args, allowed, error)) {
        return NULL;
    }

    g_return_val_if_fail(current_client != NULL, NULL);
    if (current_client->negotiated) {
        g_set_error_literal(error, QMEM_ERROR, QMEM_ERROR_COMMAND_NOT_FOUND,
                            "Capabilities negotiation is already complete, "
                            "command ignored");
        return NULL;
    }
    /* qmem offers no capability, so any requested one is unavailable. */
    for (i = 0; has_enable && i < json_array_get_length(enable); i++) {
        const char *cap = json_array_get_string_element(enable, i);

        if (!unavailable) {
            unavailable = g_string_new(cap);
        } else {
            g_string_append_printf(unavailable, ", %s", cap);
        }
    }
    if (unavailable) {
        set_generic(error, "Capability %s not available", unavailable->str);
        return NULL;
    }
    current_client->negotiated = TRUE;
    return NULL;
}

static JsonNode *qmp_query_version(JsonObject *args, GError **error)
{
    JsonObject *qemu, *ret;
    int major = 0, minor = 0, micro = 0;

    if (!qmem_qmp_check_args(args, NULL, error)) {
        return NULL;
    }
    sscanf(QMEM_VERSION, "%d.%d.%d", &major, &minor, &micro);
    qemu = json_object_new();
    json_object_set_int_member(qemu, "major", major);
    json_object_set_int_member(qemu, "minor", minor);
    json_object_set_int_member(qemu, "micro", micro);
    ret = json_object_new();
    json_object_set_object_member(ret, "qemu", qemu);
    json_object_set_string_member(ret, "package", "qmem-" QMEM_VERSION);
    return qmem_json_node_new_object(ret);
}

static JsonNode *qmp_query_commands(JsonObject *args, GError **error)
{
    JsonArray *list;
    GList *l;

    if (!qmem_qmp_check_args(args, NULL, error)) {
        return NULL;
    }
    list = json_array_new();
    for (l = qmp_command_order.head; l; l = l->next) {
        QmpCommand *cmd = l->data;
        JsonObject *info = json_object_new();

        json_object_set_string_member(info, "name", cmd->name);
        json_array_add_object_element(list, info);
    }
    return qmem_json_node_new_array(list);
}

static JsonNode *qmp_human_monitor_command(JsonObject *args, GError **error)
{
    static const char *const allowed[] = { "command-line", "cpu-index",
                                           NULL };
    const char *line;
    gint64 cpu_index;
    gboolean has_cpu_index;
    JsonNode *ret;
    char *text;

    if (!qmem_qmp_arg_str(args, "command-line", NULL, &line, error) ||
        !qmem_qmp_arg_int(args, "cpu-index", &has_cpu_index, &cpu_index,
                          error) ||
        !qmem_qmp_check_args(args, allowed, error)) {
        return NULL;
    }
    text = qmem_hmp_run(line);
    ret = json_node_init_string(json_node_alloc(), text);
    g_free(text);
    return ret;
}

static JsonNode *qmp_quit(JsonObject *args, GError **error)
{
    if (!qmem_qmp_check_args(args, NULL, error)) {
        return NULL;
    }
    if (quit_func) {
        quit_func(quit_data);
    }
    return NULL;
}

void qmem_qmp_set_quit_handler(QmemQmpQuitFunc func, gpointer user_data)
{
    gboolean had = quit_func != NULL;

    quit_func = func;
    quit_data = user_data;
    if (func && !had) {
        qmem_qmp_register_command("quit", qmp_quit, QMEM_QMP_COMMAND_NONE);
    } else if (!func && had) {
        qmem_qmp_unregister_command("quit");
    }
}

static void register_builtins(void)
{
    qmem_qmp_register_command("qmp_capabilities", qmp_capabilities,
                              QMEM_QMP_COMMAND_NONE);
    qmem_qmp_register_command("query-version", qmp_query_version,
                              QMEM_QMP_COMMAND_NONE);
    qmem_qmp_register_command("query-commands", qmp_query_commands,
                              QMEM_QMP_COMMAND_NONE);
    qmem_qmp_register_command("human-monitor-command",
                              qmp_human_monitor_command,
                              QMEM_QMP_COMMAND_NONE);
}
