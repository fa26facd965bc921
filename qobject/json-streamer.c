/* SPDX-License-Identifier: GPL-2.0-or-later */
/* QEMU's JSON streamer: a byte stream cut into messages, each parsed. */

#include <string.h>
#include "qobject/json-internal.h"
#include "util/error.h"

/* Don't keep a huge buffer around after a huge message. */
#define MESSAGE_BUFFER_KEEP (256u << 10)

QmemJsonStreamer *qmem_json_streamer_new(QmemJsonEmitFunc emit, gpointer opaque)
{
    QmemJsonStreamer *js = g_new0(QmemJsonStreamer, 1);

    js->state = LX_START;
    js->token = g_string_new(NULL);
    js->tokens = g_array_new(FALSE, FALSE, sizeof(Token));
    js->text = g_string_new(NULL);
    js->emit = emit;
    js->opaque = opaque;
    return js;
}

void qmem_json_streamer_free(QmemJsonStreamer *js)
{
    if (!js) {
        return;
    }
    g_string_free(js->token, TRUE);
    g_array_free(js->tokens, TRUE);
    g_string_free(js->text, TRUE);
    g_free(js);
}

static void json_streamer_reset_message(QmemJsonStreamer *js)
{
    js->brace_count = 0;
    js->bracket_count = 0;
    js->token_size = 0;
    g_array_set_size(js->tokens, 0);
    g_string_truncate(js->text, 0);
    /* Don't keep a huge buffer around after a huge message. */
    if (js->text->allocated_len > MESSAGE_BUFFER_KEEP) {
        g_string_free(js->text, TRUE);
        js->text = g_string_new(NULL);
    }
}

static void json_streamer_process_token(QmemJsonStreamer *js, TokType type,
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
        g_set_error(&err, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "JSON parse error, stray '%s'", input->str);
        goto out_emit;
    default:
        break;
    }

    if (js->token_size + input->len + 1 > JSON_MAX_TOKEN_SIZE) {
        g_set_error(&err, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "JSON token size limit exceeded");
        goto out_emit;
    }
    if (js->tokens->len + 1 > JSON_MAX_TOKEN_COUNT) {
        g_set_error(&err, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "JSON token count limit exceeded");
        goto out_emit;
    }
    if (js->bracket_count + js->brace_count > JSON_MAX_NESTING) {
        g_set_error(&err, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "JSON nesting depth limit exceeded");
        goto out_emit;
    }

    tok.type = type;
    tok.off = js->text->len;
    g_string_append_len(js->text, input->str, input->len + 1);
    g_array_append_val(js->tokens, tok);
    js->token_size += input->len;

    if ((js->brace_count > 0 || js->bracket_count > 0) && js->brace_count >= 0
        && js->bracket_count >= 0) {
        return;
    }

    value = qmem_json_parse_tokens(js, &err);

out_emit:
    json_streamer_reset_message(js);
    js->emit(js->opaque, value, err);
}

static void json_streamer_feed_char(QmemJsonStreamer *js, unsigned char ch)
{
    gboolean consumed = FALSE;

    while (!consumed) {
        LexStep step = qmem_json_lex_step(js->state, ch);

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

        g_set_error(&err, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "JSON token size limit exceeded");
        json_streamer_reset_message(js);
        g_string_truncate(js->token, 0);
        js->state = LX_START;
        js->emit(js->opaque, NULL, err);
    }
}

void qmem_json_streamer_feed(QmemJsonStreamer *js, const char *buf, gsize len)
{
    gsize i;

    for (i = 0; i < len; i++) {
        json_streamer_feed_char(js, buf[i]);
    }
}

void qmem_json_streamer_flush(QmemJsonStreamer *js)
{
    if (js->state != LX_START && js->state != LX_RECOVERY) {
        LexStep step = qmem_json_lex_step(js->state, 0);

        /* A token that ends here ("1", "true"), or an unfinished one. */
        json_streamer_process_token(js, step.is_token ? step.to : TOK_ERROR,
                                    js->token);
    }
    g_string_truncate(js->token, 0);
    js->state = LX_START;
    if (js->tokens->len) {
        JsonNode *value;
        GError *err = NULL;

        value = qmem_json_parse_tokens(js, &err);
        json_streamer_reset_message(js);
        js->emit(js->opaque, value, err);
    }
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

JsonNode *qmem_json_parse(const char *text, GError **error)
{
    QmemJsonStreamer *js;
    ParseOne p = { 0 };

    g_return_val_if_fail(text != NULL, NULL);

    js = qmem_json_streamer_new(parse_one_emit, &p);
    qmem_json_streamer_feed(js, text, strlen(text));
    qmem_json_streamer_flush(js);
    qmem_json_streamer_free(js);

    if (p.count > 1 && !p.error) {
        json_node_unref(p.value);
        p.value = NULL;
        /* qobject_from_json()'s text */
        g_set_error_literal(&p.error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                            "Expecting at most one JSON value");
    } else if (p.count == 0) {
        g_set_error_literal(&p.error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                            "JSON parse error, premature EOI");
    }
    if (p.error) {
        g_propagate_error(error, p.error);
        return NULL;
    }
    return p.value;
}
