/* SPDX-License-Identifier: GPL-2.0-or-later */
/* qmem-memory-map: draws what x-query-memory-map returned as a PNG. */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "draw.h"
#include "layout.h"
#include "png-writer.h"
#include "qobject/json.h"
#include "system/memory-map.h"
#include "util/error.h"

#define PROGRAM "qmem-memory-map"

/* All of @file; @name is for messages. */
static char *read_stream(FILE *file, const char *name, GError **error)
{
    g_autoptr(GString) text = g_string_new(NULL);
    char buf[65536];
    size_t n;

    while ((n = fread(buf, 1, sizeof(buf), file)) > 0) {
        g_string_append_len(text, buf, n);
    }
    if (ferror(file)) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "failed to read %s: %s", name, g_strerror(errno));
        return NULL;
    }
    return g_string_free(g_steal_pointer(&text), FALSE);
}

/* The text of @path, or of standard input for "-". */
static char *read_input(const char *path, GError **error)
{
    g_autofree char *name = NULL;
    FILE *file;
    char *text;

    if (!strcmp(path, "-")) {
        return read_stream(stdin, "standard input", error);
    }
    file = fopen(path, "r");
    if (!file) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "failed to open file '%s': %s", path, g_strerror(errno));
        return NULL;
    }
    name = g_strdup_printf("file '%s'", path);
    text = read_stream(file, name, error);
    fclose(file);
    return text;
}

/*
 * The map in @path: the list x-query-memory-map returns, or the whole
 * QMP reply around it ({"return": [...]}).  What is wrong with the text
 * is said with the input's name.
 */
static QmemMemoryMap *load_map(const char *path, GError **error)
{
    g_autofree char *text = read_input(path, error);
    g_autoptr(JsonNode) node = NULL;
    QmemMemoryMap *map = NULL;
    JsonNode *bands;

    if (!text) {
        return NULL;
    }
    node = qmem_json_parse(text, error);
    if (node) {
        bands = node;
        if (JSON_NODE_HOLDS_OBJECT(node)
            && json_object_has_member(json_node_get_object(node), "return")) {
            bands = json_object_get_member(json_node_get_object(node),
                                           "return");
        }
        map = qmem_memory_map_new_from_json(bands, error);
    }
    if (!map) {
        g_prefix_error(error,
                       "%s: ", strcmp(path, "-") ? path : "standard input");
    }
    return map;
}

static gboolean write_picture(QmemMemoryMap *map, const char *path,
                              GError **error)
{
    g_autoptr(QmemMemoryMapLayout) layout = qmem_memory_map_layout_new(map);
    pixman_image_t *img = qmem_memory_map_draw(layout);
    gboolean ok;

    if (!img) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "cannot draw a picture of %dx%d pixels", layout->width,
                    layout->height);
        return FALSE;
    }
    ok = qmem_png_write(img, path, error);
    pixman_image_unref(img);
    return ok;
}

int main(int argc, char **argv)
{
    g_autofree char *output = NULL;
    gboolean table = FALSE;
    const GOptionEntry entries[] = {
        { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output,
          "Write the picture to PNG (replaced if there)", "PNG" },
        { "table", 't', 0, G_OPTION_ARG_NONE, &table,
          "Print the map as info memory-map shows it", NULL },
        { NULL }
    };
    g_autoptr(GOptionContext) context = NULL;
    g_autoptr(GError) error = NULL;
    g_autoptr(QmemMemoryMap) map = NULL;
    const char *input;

    g_set_prgname(PROGRAM);
    context = g_option_context_new("[FILE] - draw a guest-physical memory map");
    g_option_context_set_summary(
        context,
        "Reads what the QMP command x-query-memory-map returned (the list, or\n"
        "the whole reply) from FILE, or from standard input when FILE is\n"
        "missing or \"-\", and draws it as a PNG picture.");
    g_option_context_add_main_entries(context, entries, NULL);
    if (!g_option_context_parse(context, &argc, &argv, &error)) {
        g_printerr("%s: %s\n", PROGRAM, error->message);
        return EXIT_FAILURE;
    }
    if (argc > 2) {
        g_printerr("%s: more than one input file\n", PROGRAM);
        return EXIT_FAILURE;
    }
    if (!output && !table) {
        g_printerr("%s: nothing to do: give --output=PNG or --table\n",
                   PROGRAM);
        return EXIT_FAILURE;
    }
    input = argc == 2 ? argv[1] : "-";

    map = load_map(input, &error);
    if (!map) {
        g_printerr("%s: %s\n", PROGRAM, error->message);
        return EXIT_FAILURE;
    }
    if (table) {
        g_autofree char *text = qmem_memory_map_to_text(map);

        fputs(text, stdout);
    }
    if (output && !write_picture(map, output, &error)) {
        g_printerr("%s: %s\n", PROGRAM, error->message);
        return EXIT_FAILURE;
    }
    return EXIT_SUCCESS;
}
