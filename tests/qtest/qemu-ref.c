/* SPDX-License-Identifier: GPL-2.0-or-later */
/* QEMU 7.2's captured answers, for the tests that compare with them. */

#include <string.h>

#include "libqtest.h"
#include "qemu-ref.h"
#include "qobject/json.h"

static JsonObject *qemu_ref_cases(void)
{
    static JsonObject *cases;
    g_autofree char *text = NULL;
    g_autoptr(JsonNode) root = NULL;
    g_autoptr(GError) error = NULL;

    if (cases) {
        return cases;
    }
    /* qmem's parser, which keeps numbers above INT64_MAX as they are. */
    if (!g_file_get_contents(QMEM_QEMU_REF, &text, NULL, &error) ||
        !(root = qmem_json_parse(text, &error))) {
        g_error("%s: %s", QMEM_QEMU_REF, error->message);
    }
    cases = json_object_ref(json_object_get_object_member(
        json_node_get_object(root), "cases"));
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

static void assert_json_equal(JsonNode *mine, JsonNode *theirs)
{
    if (!json_node_equal(mine, theirs)) {
        g_autofree char *a = qmem_json_to_string(mine);
        g_autofree char *b = qmem_json_to_string(theirs);

        g_error("qmem answered %s, QEMU %s", a, b);
    }
}

void qemu_ref_replay_qtest(QTestState *s, const char *cmd, JsonNode *theirs)
{
    g_autofree char *reply = qtest_raw_command(s, "%s", cmd);

    g_test_message("%s -> %s", cmd, reply);
    if (JSON_NODE_HOLDS_NULL(theirs)) {
        g_assert_cmpstr(reply, ==, "OK");
        return;
    }
    g_assert_true(g_str_has_prefix(reply, "OK 0x"));
    g_assert_cmphex(g_ascii_strtoull(reply + 3, NULL, 16), ==,
                    (guint64)json_node_get_int(theirs));
}

/* A QMP command: its "return" or "error" member. */
static void replay_qmp(QTestState *s, JsonObject *cmd, JsonNode *theirs)
{
    g_autoptr(JsonNode) node = json_node_init_object(json_node_alloc(), cmd);
    g_autofree char *text = qmem_json_to_string(node);
    g_autoptr(JsonObject) reply = qtest_qmp(s, "%s", text);
    g_autoptr(JsonObject) result = json_object_new();
    g_autoptr(JsonNode) mine = NULL;

    g_test_message("%s", text);
    if (json_object_has_member(reply, "return")) {
        json_object_set_member(result, "return", json_object_dup_member(
                                   reply, "return"));
    } else {
        json_object_set_member(result, "error", json_object_dup_member(
                                   reply, "error"));
    }
    /* The capture writes host thread ids as 0; qmem's must be real. */
    if (!g_strcmp0(json_object_get_string_member(cmd, "execute"),
                   "query-cpus-fast") &&
        json_object_has_member(result, "return")) {
        JsonArray *cpus = json_object_get_array_member(result, "return");

        for (guint i = 0; i < json_array_get_length(cpus); i++) {
            JsonObject *cpu = json_array_get_object_element(cpus, i);

            g_assert_cmpint(json_object_get_int_member(cpu, "thread-id"),
                            >, 0);
            json_object_set_int_member(cpu, "thread-id", 0);
        }
    }
    mine = json_node_init_object(json_node_alloc(), result);
    assert_json_equal(mine, theirs);
}

/* The events since the last time, without their timestamps. */
static void replay_events(QTestState *s, JsonNode *theirs)
{
    g_autoptr(JsonArray) events = json_array_new();
    g_autoptr(JsonNode) mine = NULL;
    JsonObject *ev;

    /* A reply comes after every event sent before the command. */
    json_object_unref(qtest_qmp(s, "{'execute': 'query-version'}"));

    while ((ev = qtest_qmp_event_pop(s))) {
        json_object_remove_member(ev, "timestamp");
        json_array_add_object_element(events, ev);
    }
    mine = json_node_init_array(json_node_alloc(), events);
    assert_json_equal(mine, theirs);
}

void qemu_ref_replay_script(gconstpointer name)
{
    JsonObject *ref = qemu_ref_case(name);
    JsonArray *script = json_object_get_array_member(ref, "script");
    g_autofree char *args = qemu_ref_case_args(ref);
    QTestState *s = qtest_init(args);

    for (guint i = 0; i < json_array_get_length(script); i++) {
        JsonArray *step = json_array_get_array_element(script, i);
        JsonNode *what = json_array_get_element(step, 0);
        JsonNode *theirs = json_array_get_element(step, 1);

        if (JSON_NODE_HOLDS_VALUE(what)) {
            qemu_ref_replay_qtest(s, json_node_get_string(what), theirs);
        } else if (json_object_has_member(json_node_get_object(what),
                                          "events")) {
            replay_events(s, theirs);
        } else {
            replay_qmp(s, json_node_get_object(what), theirs);
        }
    }
    qtest_quit(s);
}

void qemu_ref_add_scripts(const char *prefix, const char *path)
{
    g_autoptr(GList) names = qemu_ref_case_names();

    for (GList *n = names; n; n = n->next) {
        g_autofree char *test = NULL;

        if (!g_str_has_prefix(n->data, prefix)) {
            continue;
        }
        test = g_strdup_printf("%s/%s", path, (const char *)n->data);
        g_test_add_data_func(test, n->data, qemu_ref_replay_script);
    }
}

GBytes *qemu_ref_unhex(const char *text)
{
    gsize len = strlen(text) / 2;
    guint8 *data = g_malloc(len);

    for (gsize i = 0; i < len; i++) {
        char byte[3] = { text[2 * i], text[2 * i + 1], 0 };

        data[i] = g_ascii_strtoull(byte, NULL, 16);
    }
    return g_bytes_new_take(data, len);
}
