/* SPDX-License-Identifier: GPL-2.0-or-later */
/* QEMU's JSON lexer (qobject/json-lexer.c) as a transition function. */

#include <string.h>
#include "qobject/json-internal.h"

LexStep qmem_json_lex_step(LexState state, unsigned char ch)
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
