/* SPDX-License-Identifier: GPL-2.0-or-later */
/* An HMP monitor on a chardev: QEMU's readline, and its terminal output. */

#include <string.h>

#include "monitor/hmp.h"
#include "qmem-config.h"
#include "util/chardev.h"

/* QEMU's READLINE_CMD_BUF_SIZE: a line holds one byte less than this. */
#define CMD_BUF_SIZE 4096

typedef enum {
    IS_NORM,
    IS_ESC,
    IS_CSI,
    IS_SS3,
} EscState;

/*
 * QEMU's ReadLineState, without history and completion: the line being
 * typed, the cursor, and what the terminal shows, which every byte
 * updates with the same escape sequences QEMU sends.
 */
typedef struct {
    QmemChardev *chr;
    GString *line;
    gsize index;                /* the cursor */
    GString *shown;             /* QEMU's last_cmd_buf */
    gsize shown_index;
    EscState esc_state;
    int esc_param;
    GString *out;               /* what this byte makes us send */
} HmpClient;

static void hmp_prompt(HmpClient *c)
{
    g_string_append(c->out, "(qemu) ");
    g_string_truncate(c->shown, 0);
    c->shown_index = 0;
}

/* QEMU's readline_update(). */
static void hmp_update(HmpClient *c)
{
    if (!g_string_equal(c->line, c->shown)) {
        for (gsize i = 0; i < c->shown_index; i++) {
            g_string_append(c->out, "\033[D");
        }
        g_string_append_len(c->out, c->line->str, c->line->len);
        g_string_append(c->out, "\033[K");
        g_string_assign(c->shown, c->line->str);
        c->shown_index = c->line->len;
    }
    for (; c->shown_index < c->index; c->shown_index++) {
        g_string_append(c->out, "\033[C");
    }
    for (; c->shown_index > c->index; c->shown_index--) {
        g_string_append(c->out, "\033[D");
    }
}

static void hmp_enter(HmpClient *c)
{
    g_autofree char *cmd = g_strndup(c->line->str, c->line->len);
    g_autofree char *output = NULL;

    g_string_append(c->out, "\r\n");
    g_string_truncate(c->line, 0);
    c->index = 0;
    output = qmem_hmp_run(cmd);
    g_string_append(c->out, output);
    hmp_prompt(c);
}

static void hmp_insert(HmpClient *c, char ch)
{
    if (c->line->len < CMD_BUF_SIZE - 1) {
        g_string_insert_c(c->line, c->index++, ch);
    }
}

/* ^W: back over blanks, then over the word before them. */
static void hmp_backword(HmpClient *c)
{
    gsize start = c->index;

    while (start > 0 && c->line->str[start - 1] == ' ') {
        start--;
    }
    while (start > 0 && c->line->str[start - 1] != ' ') {
        start--;
    }
    g_string_erase(c->line, start, c->index - start);
    c->index = start;
}

static void hmp_control(HmpClient *c, guchar ch)
{
    switch (ch) {
    case 1:
        c->index = 0;
        break;
    case 4:
        if (c->index < c->line->len) {
            g_string_erase(c->line, c->index, 1);
        }
        break;
    case 5:
        c->index = c->line->len;
        break;
    case 10:
    case 13:
        hmp_enter(c);
        break;
    case 23:
        hmp_backword(c);
        break;
    case 27:
        c->esc_state = IS_ESC;
        break;
    case 8:
    case 127:
        if (c->index > 0) {
            g_string_erase(c->line, --c->index, 1);
        }
        break;
    case 155:
        c->esc_state = IS_CSI;
        break;
    default:
        /* Tab completion, ^L and history are not there. */
        if (ch >= 32) {
            hmp_insert(c, ch);
        }
    }
}

static void hmp_csi(HmpClient *c, guchar ch)
{
    if (ch >= '0' && ch <= '9') {
        c->esc_param = c->esc_param * 10 + (ch - '0');
        return;
    }
    if (ch == 'D' && c->index > 0) {
        c->index--;
    } else if (ch == 'C' && c->index < c->line->len) {
        c->index++;
    } else if (ch == '~' && (c->esc_param == 1 || c->esc_param == 4)) {
        c->index = c->esc_param == 1 ? 0 : c->line->len;
    } else if (ch == '~' && c->esc_param == 3 && c->index < c->line->len) {
        g_string_erase(c->line, c->index, 1);
    }
    c->esc_state = IS_NORM;
}

/* QEMU's readline_handle_byte(). */
static void hmp_byte(HmpClient *c, guchar ch)
{
    switch (c->esc_state) {
    case IS_NORM:
        hmp_control(c, ch);
        break;
    case IS_ESC:
        c->esc_state = ch == '[' ? IS_CSI : ch == 'O' ? IS_SS3 : IS_NORM;
        c->esc_param = 0;
        break;
    case IS_CSI:
        hmp_csi(c, ch);
        break;
    case IS_SS3:
        if (ch == 'F' || ch == 'H') {
            c->index = ch == 'F' ? c->line->len : 0;
        }
        c->esc_state = IS_NORM;
        break;
    }
    hmp_update(c);
}

static gsize hmp_received(gpointer opaque, const guint8 *data, gsize len)
{
    HmpClient *c = opaque;

    for (gsize i = 0; i < len; i++) {
        hmp_byte(c, data[i]);
    }
    qmem_chardev_write(c->chr, c->out->str, c->out->len);
    g_string_truncate(c->out, 0);
    return len;
}

static gpointer hmp_connected(QmemChardev *chr, gpointer opaque)
{
    HmpClient *c = g_new0(HmpClient, 1);

    c->chr = chr;
    c->line = g_string_new(NULL);
    c->shown = g_string_new(NULL);
    c->out = g_string_new("qmem " QMEM_VERSION " monitor - type 'help' for "
                          "more information\r\n");
    hmp_prompt(c);
    qmem_chardev_write(chr, c->out->str, c->out->len);
    g_string_truncate(c->out, 0);
    return c;
}

static void hmp_gone(gpointer opaque)
{
    HmpClient *c = opaque;

    g_string_free(c->line, TRUE);
    g_string_free(c->shown, TRUE);
    g_string_free(c->out, TRUE);
    g_free(c);
}

static const QmemChardevFrontend hmp_chardev_frontend = {
    .connected = hmp_connected,
    .received = hmp_received,
    .gone = hmp_gone,
    /* A human who does not read is not served further. */
    .pause_input = 1u << 20,
    .max_output = 0,
    .stdio_nonblocking = FALSE,
};

gboolean qmem_hmp_monitor_add_chardev(QmemChardev *chr, GError **error)
{
    g_return_val_if_fail(chr != NULL, FALSE);
    return qmem_chardev_set_frontend(chr, &hmp_chardev_frontend, NULL,
                                     error);
}
