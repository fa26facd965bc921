/* SPDX-License-Identifier: GPL-2.0-or-later */
/* QEMU 7.2's captured answers, for the tests that compare with them. */

#include "qemu-ref.h"

static JsonObject *qemu_ref_cases(void)
{
    static JsonObject *cases;
    g_autoptr(JsonParser) parser = NULL;
    g_autoptr(GError) error = NULL;

    if (cases) {
        return cases;
    }
    parser = json_parser_new();
    if (!json_parser_load_from_file(parser, QMEM_QEMU_REF, &error)) {
        g_error("%s: %s", QMEM_QEMU_REF, error->message);
    }
    cases = json_object_ref(json_object_get_object_member(
        json_node_get_object(json_parser_get_root(parser)), "cases"));
    return cases;
}

JsonObject *qemu_ref_case(const char *name)
{
    JsonObject *cases = qemu_ref_cases();

    return json_object_has_member(cases, name)
           ? json_object_get_object_member(cases, name) : NULL;
}

GList *qemu_ref_case_names(void)
{
    return json_object_get_members(qemu_ref_cases());
}

char *qemu_ref_case_args(JsonObject *c)
{
    JsonArray *args = json_object_get_array_member(c, "args");
    GString *out = g_string_new(NULL);

    for (guint i = 0; i < json_array_get_length(args); i++) {
        g_string_append_printf(out, "%s ",
                               json_array_get_string_element(args, i));
    }
    g_string_append(out, "-qtest");
    return g_string_free(out, FALSE);
}
