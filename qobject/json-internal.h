/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What the JSON lexer, streamer and parser share (qobject/ only). */

#ifndef QMEM_QOBJECT_JSON_INTERNAL_H
#define QMEM_QOBJECT_JSON_INTERNAL_H

#include "qobject/json.h"

/* QEMU's limits on one JSON message (qobject/json-streamer.c). */
#define JSON_MAX_TOKEN_SIZE (64u << 20)
#define JSON_MAX_TOKEN_COUNT (2u << 20)
#define JSON_MAX_NESTING 1024

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


/* One step of QEMU's lexer automaton from @state on input @ch. */
LexStep qmem_json_lex_step(LexState state, unsigned char ch);

typedef struct {
    TokType type;
    gsize off;                  /* into QmemJsonStreamer.text, NUL-terminated */
} Token;

struct QmemJsonStreamer {
    LexState state;
    GString *token;             /* the token being lexed */
    GArray *tokens;             /* Token, of the message being collected */
    GString *text;              /* their texts */
    int brace_count;
    int bracket_count;
    gsize token_size;
    QmemJsonEmitFunc emit;
    gpointer opaque;
};

/*
 * Parses the tokens of one complete message.  Returns the value, or NULL
 * with @error set to QEMU's "JSON parse error, ..." message.
 */
JsonNode *qmem_json_parse_tokens(QmemJsonStreamer *js, GError **error);

/* Remembers @node as holding a uint64 above G_MAXINT64 (qobject/qnum.c). */
void qmem_json_node_mark_uint64(JsonNode *node);

#endif
