/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Runs a libFuzzer target on a corpus and on seeded random inputs (gcc). */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <glib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static guint run_file(const char *path)
{
    g_autoptr(GError) error = NULL;
    g_autofree char *data = NULL;
    gsize len;

    if (!g_file_get_contents(path, &data, &len, &error)) {
        g_printerr("fuzz-replay: %s\n", error->message);
        exit(1);
    }
    LLVMFuzzerTestOneInput((const uint8_t *)data, len);
    return 1;
}

static gint compare_paths(gconstpointer a, gconstpointer b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static guint run_path(const char *path)
{
    g_autoptr(GDir) dir = NULL;
    g_autoptr(GPtrArray) names = NULL;
    const char *name;
    guint n = 0;

    if (!g_file_test(path, G_FILE_TEST_IS_DIR)) {
        return run_file(path);
    }
    dir = g_dir_open(path, 0, NULL);
    names = g_ptr_array_new_with_free_func(g_free);
    while (dir && (name = g_dir_read_name(dir))) {
        g_ptr_array_add(names, g_build_filename(path, name, NULL));
    }
    /* The same order every time. */
    g_ptr_array_sort(names, compare_paths);
    for (guint i = 0; i < names->len; i++) {
        n += run_file(g_ptr_array_index(names, i));
    }
    return n;
}

/*
 * Mutations of the corpus, seeded: what a fuzzer would try first, so a
 * build without libFuzzer still runs the target on more than the seeds.
 */
static guint run_random(GPtrArray *corpus, guint count, guint32 seed)
{
    g_autoptr(GRand) rand = g_rand_new_with_seed(seed);

    for (guint i = 0; i < count; i++) {
        g_autoptr(GByteArray) input = g_byte_array_new();
        guint len;

        if (corpus->len && g_rand_boolean(rand)) {
            GBytes *base = g_ptr_array_index(corpus, g_rand_int_range(
                rand, 0, corpus->len));
            gsize blen;
            const guint8 *b = g_bytes_get_data(base, &blen);

            g_byte_array_append(input, b, blen);
            for (guint m = g_rand_int_range(rand, 1, 9); m && input->len;
                 m--) {
                input->data[g_rand_int_range(rand, 0, input->len)] =
                    g_rand_int(rand);
            }
        } else {
            len = g_rand_int_range(rand, 0, 400);
            for (guint k = 0; k < len; k++) {
                guint8 byte = g_rand_int(rand);

                g_byte_array_append(input, &byte, 1);
            }
        }
        LLVMFuzzerTestOneInput(input->data, input->len);
    }
    return count;
}

static void load_corpus(GPtrArray *corpus, const char *path)
{
    g_autoptr(GDir) dir = g_dir_open(path, 0, NULL);
    const char *name;

    while (dir && (name = g_dir_read_name(dir))) {
        g_autofree char *file = g_build_filename(path, name, NULL);
        char *data;
        gsize len;

        if (g_file_get_contents(file, &data, &len, NULL)) {
            g_ptr_array_add(corpus, g_bytes_new_take(data, len));
        }
    }
}

int main(int argc, char **argv)
{
    g_autoptr(GPtrArray) corpus =
        g_ptr_array_new_with_free_func((GDestroyNotify)g_bytes_unref);
    guint count = 0, runs = 0;
    guint32 seed = 1;

    for (int i = 1; i < argc; i++) {
        if (g_str_has_prefix(argv[i], "--random=")) {
            count = atoi(argv[i] + strlen("--random="));
        } else if (g_str_has_prefix(argv[i], "--seed=")) {
            seed = strtoul(argv[i] + strlen("--seed="), NULL, 0);
        } else {
            runs += run_path(argv[i]);
            if (g_file_test(argv[i], G_FILE_TEST_IS_DIR)) {
                load_corpus(corpus, argv[i]);
            }
        }
    }
    runs += run_random(corpus, count, seed);
    printf("fuzz-replay: %u inputs, seed %u\n", runs, seed);
    return 0;
}
