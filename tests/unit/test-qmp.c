/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Tests of the QMP server, in process over socketpair(), against QEMU 7.2. */

#include <math.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "monitor/hmp.h"
#include "monitor/qmp.h"
#include "qapi/qmp-command.h"
#include "qobject/json.h"
#include "tests/unit/test-machine.h"
#include "util/error.h"

#if defined(__has_include)
#if __has_include("qmem-config.h")
#include "qmem-config.h"
#endif
#endif
#ifndef QMEM_VERSION
#define QMEM_VERSION "0.1.0"
#endif

#define ERR(cls, desc) \
    "{\"error\": {\"class\": \"" cls "\", \"desc\": \"" desc "\"}}"
#define GENERIC(desc) ERR("GenericError", desc)
#define NOT_NEGOTIATED \
    ERR("CommandNotFound", \
        "Expecting capabilities negotiation with 'qmp_capabilities'")
#define RETURN_EMPTY "{\"return\": {}}"

typedef struct {
    QmemQmpServer *server;
    int fd;                     /* the test's end of the connection */
    GString *rx;
} Fixture;

/* Runs the server's side until it has nothing left to do right now. */
static void pump(void)
{
    while (g_main_context_iteration(NULL, FALSE)) {
    }
}

static gboolean fx_read_some(Fixture *f)
{
    char buf[65536];
    ssize_t n = read(f->fd, buf, sizeof(buf));

    if (n > 0) {
        g_string_append_len(f->rx, buf, n);
        return TRUE;
    }
    return FALSE;
}

static void fx_attach(Fixture *f, QmemQmpServer *server)
{
    int sv[2];

    g_assert_cmpint(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv),
                    ==, 0);
    f->server = server;
    f->fd = sv[1];
    f->rx = g_string_new(NULL);
    g_assert_cmpint(fcntl(f->fd, F_SETFL, O_NONBLOCK), ==, 0);
    qmem_qmp_server_add_client(server, sv[0], sv[0]);
}

static void fx_setup(Fixture *f, gconstpointer data)
{
    fx_attach(f, qmem_qmp_server_new());
}

static void fx_close(Fixture *f)
{
    if (f->fd >= 0) {
        close(f->fd);
        f->fd = -1;
    }
    if (f->rx) {
        g_string_free(f->rx, TRUE);
        f->rx = NULL;
    }
}

static void fx_teardown(Fixture *f, gconstpointer data)
{
    fx_close(f);
    qmem_qmp_server_free(f->server);
    pump();
}

/* The next line the server sent, which must end in "\r\n". */
static char *fx_recv(Fixture *f)
{

    for (;;) {
        char *nl = memchr(f->rx->str, '\n', f->rx->len);

        if (nl) {
            gsize len = nl - f->rx->str;
            char *line;

            g_assert_cmpuint(len, >, 0);
            g_assert_cmpint(nl[-1], ==, '\r');
            line = g_strndup(f->rx->str, len - 1);
            g_string_erase(f->rx, 0, len + 1);
            return line;
        }
        pump();
        if (!fx_read_some(f)) {
            struct pollfd pfd = { .fd = f->fd, .events = POLLIN };

            poll(&pfd, 1, 1);
        }
    }
}

/* Asserts that the server has sent nothing (more). */
static void fx_assert_quiet(Fixture *f)
{
    pump();
    fx_read_some(f);
    g_assert_cmpstr(f->rx->str, ==, "");
}

static void fx_send_len(Fixture *f, const char *text, gsize len)
{
    gsize done = 0;

    while (done < len) {
        ssize_t n = write(f->fd, text + done, len - done);

        if (n > 0) {
            done += n;
            continue;
        }
        g_assert_true(n < 0 && errno == EAGAIN);
        /* Let the server read, and take its replies so it never stalls. */
        pump();
        fx_read_some(f);
    }
    pump();
}

static void fx_send(Fixture *f, const char *text)
{
    fx_send_len(f, text, strlen(text));
}

static void fx_expect(Fixture *f, const char *expected)
{
    g_autofree char *line = fx_recv(f);

    g_assert_cmpstr(line, ==, expected);
}

static void fx_cmd(Fixture *f, const char *request, const char *expected)
{
    fx_send(f, request);
    fx_expect(f, expected);
}

static char *greeting_line(void)
{
    int major = 0, minor = 0, micro = 0;

    g_assert_cmpint(sscanf(QMEM_VERSION, "%d.%d.%d", &major, &minor, &micro),
                    ==, 3);
    return g_strdup_printf("{\"QMP\": {\"version\": {\"qemu\": {\"micro\": %d,"
                           " \"minor\": %d, \"major\": %d}, \"package\": "
                           "\"qmem-%s\"}, \"capabilities\": []}}",
                           micro, minor, major, QMEM_VERSION);
}

static void fx_negotiate(Fixture *f)
{
    g_autofree char *greeting = greeting_line();

    fx_expect(f, greeting);
    fx_cmd(f, "{\"execute\": \"qmp_capabilities\"}", RETURN_EMPTY);
}

static void fx_setup_negotiated(Fixture *f, gconstpointer data)
{
    fx_setup(f, data);
    fx_negotiate(f);
}

/* ------------------------------------------------------------------ */
/* Commands the tests register */

static JsonNode *cmd_test_add(JsonObject *args, GError **error)
{
    gint64 a, b;
    const QmemQmpArg members[] = {
        { "a", QMEM_QMP_ARG_INT, &a },
        { "b", QMEM_QMP_ARG_INT, &b },
        { NULL }
    };

    if (!qmem_qmp_args_visit(args, members, error)) {
        return NULL;
    }
    return json_node_init_int(json_node_alloc(), a + b);
}

static JsonNode *cmd_test_fail(JsonObject *args, GError **error)
{
    g_set_error(error, QMEM_ERROR, QMEM_ERROR_DEVICE_NOT_FOUND,
                "Device '%s' not found", "dimm0");
    return NULL;
}

static JsonNode *cmd_test_empty(JsonObject *args, GError **error)
{
    return NULL;
}

static int silent_calls;

static JsonNode *cmd_test_silent(JsonObject *args, GError **error)
{
    silent_calls++;
    return json_node_init_int(json_node_alloc(), 1);
}

static JsonNode *cmd_test_event(JsonObject *args, GError **error)
{
    JsonObject *data = json_object_new();

    json_object_set_string_member(data, "id", "vm0");
    qmem_qmp_emit_event("TEST_EVENT", data);
    json_object_unref(data);
    return NULL;
}

/* Every member type, in schema order; echoes what it got. */
static JsonNode *cmd_test_args(JsonObject *args, GError **error)
{
    static const char *const colours[] = { "red", "green", NULL };
    const char *s;
    gint64 i;
    guint64 u, u16 = 0;
    gboolean b, has_o, has_l, has_e, has_u16, has_el, has_any;
    int e = -1;
    JsonObject *o = NULL, *ret;
    JsonArray *l = NULL, *el = NULL;
    JsonNode *any = NULL;
    const QmemQmpArg members[] = {
        { "s", QMEM_QMP_ARG_STR, &s },
        { "i", QMEM_QMP_ARG_INT, &i },
        { "u", QMEM_QMP_ARG_UINT, &u },
        { "b", QMEM_QMP_ARG_BOOL, &b },
        { "o", QMEM_QMP_ARG_OBJECT, &o, &has_o },
        { "l", QMEM_QMP_ARG_ARRAY, &l, &has_l },
        { "e", QMEM_QMP_ARG_ENUM, &e, &has_e, .values = colours },
        { "u16", QMEM_QMP_ARG_UINT, &u16, &has_u16, .max = G_MAXUINT16 },
        { "el", QMEM_QMP_ARG_ENUM_LIST, &el, &has_el, .values = colours },
        { "any", QMEM_QMP_ARG_ANY, &any, &has_any },
        { NULL }
    };

    if (!qmem_qmp_args_visit(args, members, error)) {
        return NULL;
    }
    ret = json_object_new();
    json_object_set_string_member(ret, "s", s);
    json_object_set_int_member(ret, "i", i);
    json_object_set_member(ret, "u", qmem_json_node_new_uint64(u));
    json_object_set_boolean_member(ret, "b", b);
    json_object_set_boolean_member(ret, "has-o", has_o);
    json_object_set_int_member(ret, "n-l",
                               l ? (gint64)json_array_get_length(l) : -1);
    if (has_e) {
        json_object_set_string_member(ret, "e", colours[e]);
    }
    if (has_u16) {
        json_object_set_int_member(ret, "u16", u16);
    }
    if (has_el) {
        json_object_set_int_member(ret, "n-el", json_array_get_length(el));
    }
    if (has_any) {
        json_object_set_member(ret, "any", json_node_copy(any));
    }
    return qmem_json_node_new_object(ret);
}

static gboolean hmp_info_test(const char *args, GString *out, GError **error)
{
    g_string_append_printf(out, "args: <%s>\nsecond line\n", args);
    return TRUE;
}

static gboolean hmp_test_top(const char *args, GString *out, GError **error)
{
    g_string_append(out, "top\n");
    return TRUE;
}

static int quit_calls;

static void on_quit(gpointer data)
{
    JsonObject *ev = json_object_new();

    g_assert_true(data == &quit_calls);
    quit_calls++;
    json_object_set_boolean_member(ev, "guest", FALSE);
    json_object_set_string_member(ev, "reason", "host-qmp-quit");
    qmem_qmp_emit_event("SHUTDOWN", ev);
    json_object_unref(ev);
}

/* ------------------------------------------------------------------ */
/* Greeting and negotiation */

static void test_greeting(Fixture *f, gconstpointer data)
{
    g_autofree char *greeting = greeting_line();

    fx_expect(f, greeting);
    fx_assert_quiet(f);
}

static void test_negotiation(Fixture *f, gconstpointer data)
{
    g_autofree char *greeting = greeting_line();

    fx_expect(f, greeting);
    fx_cmd(f, "{\"execute\":\"query-version\"}", NOT_NEGOTIATED);
    fx_cmd(f, "{\"execute\":\"foo\"}", NOT_NEGOTIATED);
    fx_cmd(f, "{\"execute\":\"test-add\",\"id\":7}",
           "{\"id\": 7, \"error\": {\"class\": \"CommandNotFound\", "
           "\"desc\": \"Expecting capabilities negotiation with "
           "'qmp_capabilities'\"}}");
    /* The envelope is checked before the command table. */
    fx_cmd(f, "{\"execute\":\"foo\",\"bar\":1}",
           GENERIC("QMP input member 'bar' is unexpected"));
    /* Arguments of qmp_capabilities are checked as QEMU's visitor does. */
    fx_cmd(f, "{\"execute\":\"qmp_capabilities\",\"arguments\":{\"x\":1}}",
           GENERIC("Parameter 'x' is unexpected"));
    fx_cmd(f, "{\"execute\":\"qmp_capabilities\","
           "\"arguments\":{\"enable\":[1]}}",
           GENERIC("Invalid parameter type for 'enable[0]', "
                   "expected: string"));
    fx_cmd(f, "{\"execute\":\"qmp_capabilities\","
           "\"arguments\":{\"enable\":null}}",
           GENERIC("Invalid parameter type for 'enable', expected: array"));
    fx_cmd(f, "{\"execute\":\"qmp_capabilities\","
           "\"arguments\":{\"enable\":[\"foo\"]}}",
           GENERIC("Parameter 'null' does not accept value 'foo'"));
    /* qmem offers no capability, not even oob. */
    fx_cmd(f, "{\"execute\":\"qmp_capabilities\","
           "\"arguments\":{\"enable\":[\"oob\"]}}",
           GENERIC("Capability oob not available"));
    fx_cmd(f, "{\"execute\":\"qmp_capabilities\","
           "\"arguments\":{\"enable\":[]},\"id\":{\"a\":1}}",
           "{\"return\": {}, \"id\": {\"a\": 1}}");
    fx_cmd(f, "{\"execute\":\"qmp_capabilities\",\"id\":\"x\"}",
           "{\"id\": \"x\", \"error\": {\"class\": \"CommandNotFound\", "
           "\"desc\": \"Capabilities negotiation is already complete, "
           "command ignored\"}}");
    fx_cmd(f, "{\"execute\":\"foo\",\"id\":[1,2]}",
           "{\"id\": [1, 2], \"error\": {\"class\": \"CommandNotFound\", "
           "\"desc\": \"The command foo has not been found\"}}");
    fx_cmd(f, "{\"execute\":\"test-add\",\"arguments\":{\"a\":1,\"b\":2}}",
           "{\"return\": 3}");
    fx_assert_quiet(f);
}

/* ------------------------------------------------------------------ */
/* Malformed input: every line is what QEMU 7.2 answers */

typedef struct {
    const char *name;
    const char *input;
    const char *replies[3];
} MalformedCase;

static const MalformedCase malformed_cases[] = {
    { "not-object/array", "[1,2]",
      { GENERIC("QMP input must be a JSON object") } },
    { "not-object/string", "\"abc\"",
      { GENERIC("QMP input must be a JSON object") } },
    { "not-object/number", "1\n",
      { GENERIC("QMP input must be a JSON object") } },
    { "not-object/two-strings", "'x' \"y\"",
      { GENERIC("QMP input must be a JSON object"),
        GENERIC("QMP input must be a JSON object") } },
    { "execute/not-string", "{\"execute\":1}",
      { GENERIC("QMP input member 'execute' must be a string") } },
    { "execute/missing", "{}",
      { GENERIC("QMP input lacks member 'execute'") } },
    { "execute/missing-with-id", "{\"id\":3}",
      { "{\"id\": 3, \"error\": {\"class\": \"GenericError\", \"desc\": "
        "\"QMP input lacks member 'execute'\"}}" } },
    { "arguments/not-object",
      "{\"execute\":\"query-version\",\"arguments\":1}",
      { GENERIC("QMP input member 'arguments' must be an object") } },
    { "member/unexpected", "{\"execute\":\"query-version\",\"foo\":1}",
      { GENERIC("QMP input member 'foo' is unexpected") } },
    { "member/unexpected-qdict-order",
      "{\"execute\":\"query-version\",\"arguments\":{},\"foo\":1,\"bar\":2}",
      { GENERIC("QMP input member 'bar' is unexpected") } },
    { "member/exec-oob", "{\"exec-oob\":\"query-version\"}",
      { GENERIC("QMP input member 'exec-oob' is unexpected") } },
    { "member/control", "{\"execute\":\"query-version\",\"control\":1}",
      { GENERIC("QMP input member 'control' is unexpected") } },
    { "member/unexpected-with-id",
      "{\"execute\":\"query-version\",\"id\":1,\"foo\":1}",
      { "{\"id\": 1, \"error\": {\"class\": \"GenericError\", \"desc\": "
        "\"QMP input member 'foo' is unexpected\"}}" } },
    { "json/trailing-comma", "{\"execute\":\"query-version\",}",
      { GENERIC("JSON parse error, expecting value") } },
    { "json/lone-rcurly", "}",
      { GENERIC("JSON parse error, expecting value") } },
    { "json/lone-colon", ":",
      { GENERIC("JSON parse error, expecting value") } },
    { "json/keyword", "nonsense\n",
      { GENERIC("JSON parse error, invalid keyword 'nonsense'") } },
    { "json/duplicate-key",
      "{\"execute\":\"query-version\",\"execute\":\"foo\"}",
      { GENERIC("JSON parse error, duplicate key") } },
    { "json/stray-char", "{\"execute\": @}",
      { GENERIC("JSON parse error, stray '@'"),
        GENERIC("JSON parse error, expecting value") } },
    { "json/leading-zero", "{\"a\":01}",
      { GENERIC("JSON parse error, stray '01'"),
        GENERIC("JSON parse error, expecting value") } },
    { "json/bad-fraction", "[1.x]",
      { GENERIC("JSON parse error, stray '1.x'"),
        GENERIC("JSON parse error, expecting value") } },
    { "json/newline-in-string", "{\"a\":\"b\n\"}\n",
      { GENERIC("JSON parse error, stray '\\\"b\\n'"),
        GENERIC("JSON parse error, expecting value") } },
    { "json/key-not-string", "  {1:2}",
      { GENERIC("JSON parse error, key is not a string in object") } },
    { "json/missing-colon", "{\"a\"]",
      { GENERIC("JSON parse error, missing : in object pair") } },
    { "json/missing-colon2", "{\"a\" 1}",
      { GENERIC("JSON parse error, missing : in object pair") } },
    { "json/dict-separator", "{\"a\":1]",
      { GENERIC("JSON parse error, expected separator in dict") } },
    { "json/dict-trailing-comma", "{\"a\":1,}",
      { GENERIC("JSON parse error, expecting value") } },
    { "json/list-separator", "[1 2]",
      { GENERIC("JSON parse error, expected separator in list") } },
    { "json/mismatched", "[}",
      { GENERIC("JSON parse error, expecting value") } },
    { "json/surrogate", "{\"id\":\"\\ud800\"}",
      { GENERIC("JSON parse error, \\\\ud800 is not a valid Unicode "
                "character") } },
    { "json/bad-escape", "{\"id\":\"\\q\"}",
      { GENERIC("JSON parse error, invalid escape sequence in string") } },
    { "json/byte-ff", "{\"a\":\"\xff\"}",
      { GENERIC("JSON parse error, stray '\\\"\\uFFFD'"),
        GENERIC("JSON parse error, expecting value") } },
    { "json/truncated-utf8", "{\"a\":\"\xc3\"}",
      { GENERIC("JSON parse error, invalid UTF-8 sequence in string") } },
    { "json/noncharacter", "\"\xef\xbf\xbf\"",
      { GENERIC("JSON parse error, invalid UTF-8 sequence in string") } },
    { "json/control-char", "{\"execute\":\"qu\x01it\"}",
      { GENERIC("JSON parse error, stray '\\\"qu\\u0001'"),
        GENERIC("JSON parse error, expecting value") } },
};

static void test_malformed(gconstpointer data)
{
    const MalformedCase *tc = data;
    Fixture f;
    guint i;

    fx_setup(&f, NULL);
    fx_negotiate(&f);
    fx_send(&f, tc->input);
    for (i = 0; i < G_N_ELEMENTS(tc->replies) && tc->replies[i]; i++) {
        fx_expect(&f, tc->replies[i]);
    }
    /* Nothing more, and the stream is back in sync. */
    fx_cmd(&f, "{\"execute\":\"test-add\",\"arguments\":{\"a\":1,\"b\":1}}",
           "{\"return\": 2}");
    fx_assert_quiet(&f);
    fx_teardown(&f, NULL);
}

static void test_nesting_limit(Fixture *f, gconstpointer data)
{
    g_autofree char *deep = g_strnfill(1025, '[');

    fx_send(f, deep);
    fx_expect(f, GENERIC("JSON nesting depth limit exceeded"));
    fx_cmd(f, "{\"execute\":\"test-empty\"}", RETURN_EMPTY);
    fx_assert_quiet(f);
}

static void test_token_count_limit(Fixture *f, gconstpointer data)
{
    /* '[' and (2^20 - 1) times "1," and "1": exactly QEMU's 2^21 tokens. */
    const gsize pairs = (1u << 20) - 1;
    g_autoptr(GString) big = g_string_sized_new(2 * pairs + 16);
    gsize i;

    g_string_append_c(big, '[');
    for (i = 0; i < pairs; i++) {
        g_string_append(big, "1,");
    }
    g_string_append_c(big, '1');
    fx_send_len(f, big->str, big->len);
    fx_assert_quiet(f);
    /* One more token is one too many; the message is dropped whole. */
    fx_send(f, ",{\"execute\":\"test-empty\"}");
    fx_expect(f, GENERIC("JSON token count limit exceeded"));
    fx_expect(f, RETURN_EMPTY);
    fx_assert_quiet(f);
}

static void test_token_size_limit(Fixture *f, gconstpointer data)
{
    const gsize n = (64u << 20) + 16;
    char *big = g_malloc(n);

    big[0] = '"';
    memset(big + 1, 'x', n - 1);
    fx_send_len(f, big, n);
    g_free(big);
    fx_expect(f, GENERIC("JSON token size limit exceeded"));
    /* The lexer starts afresh after the oversized token. */
    fx_send(f, " {\"execute\":\"test-empty\"}");
    fx_expect(f, GENERIC("JSON parse error, invalid keyword "
                         "'xxxxxxxxxxxxxxx'"));
    fx_expect(f, RETURN_EMPTY);
    fx_assert_quiet(f);
}

/* ------------------------------------------------------------------ */
/* Replies */

static void test_id(Fixture *f, gconstpointer data)
{
    static const struct {
        const char *id;
        const char *echo;
    } ids[] = {
        { "1", "1" },
        { "\"x\"", "\"x\"" },
        { "'sq'", "\"sq\"" },
        { "null", "null" },
        { "[1,{\"b\":true}]", "[1, {\"b\": true}]" },
        { "1.5", "1.5" },
        { "0.1", "0.10000000000000001" },
        { "100.0", "100" },
        { "-0", "0" },
        { "18446744073709551615", "18446744073709551615" },
        { "-9223372036854775809", "-9.2233720368547758e+18" },
        { "\"\\u00e9\\u0000\\ud83d\\ude00\\/\"",
          "\"\\u00E9\\u0000\\uD83D\\uDE00/\"" },
    };
    guint i;

    for (i = 0; i < G_N_ELEMENTS(ids); i++) {
        g_autofree char *req = g_strdup_printf(
            "{\"execute\":\"test-empty\",\"id\":%s}", ids[i].id);
        g_autofree char *ok = g_strdup_printf("{\"return\": {}, \"id\": %s}",
                                              ids[i].echo);
        g_autofree char *ereq = g_strdup_printf(
            "{\"execute\":\"test-fail\",\"id\":%s}", ids[i].id);
        g_autofree char *err = g_strdup_printf(
            "{\"id\": %s, \"error\": {\"class\": \"DeviceNotFound\", "
            "\"desc\": \"Device 'dimm0' not found\"}}", ids[i].echo);

        fx_cmd(f, req, ok);
        fx_cmd(f, ereq, err);
    }
    /* Parse errors and non-objects have no id to echo. */
    fx_cmd(f, "{\"id\":1,\"execute\":\"test-empty\",}",
           GENERIC("JSON parse error, expecting value"));
    /* Nor does a number JSON cannot write back (QEMU echoes "inf"). */
    fx_cmd(f, "{\"execute\":\"test-empty\",\"id\":1e999}",
           GENERIC("JSON parse error, number '1e999' is out of range"));
    fx_assert_quiet(f);
}

static void test_command(Fixture *f, gconstpointer data)
{
    fx_cmd(f, "{\"execute\":\"test-add\",\"arguments\":{\"a\":40,\"b\":2}}",
           "{\"return\": 42}");
    fx_cmd(f, "{\"execute\":\"test-empty\"}", RETURN_EMPTY);
    fx_cmd(f, "{\"execute\":\"test-empty\",\"arguments\":{}}", RETURN_EMPTY);
    fx_cmd(f, "{\"execute\":\"test-fail\"}",
           ERR("DeviceNotFound", "Device 'dimm0' not found"));
    fx_cmd(f, "{\"execute\":\"test-add\",\"arguments\":{\"a\":1}}",
           GENERIC("Parameter 'b' is missing"));
    fx_cmd(f, "{\"execute\":\"test-add\",\"arguments\":{\"a\":1,\"b\":2,"
           "\"c\":3}}", GENERIC("Parameter 'c' is unexpected"));

    silent_calls = 0;
    fx_send(f, "{\"execute\":\"test-silent\"}");
    fx_cmd(f, "{\"execute\":\"test-empty\",\"id\":2}",
           "{\"return\": {}, \"id\": 2}");
    g_assert_cmpint(silent_calls, ==, 1);

    /* An event raised by a command goes out before its reply. */
    fx_send(f, "{\"execute\":\"test-event\"}");
    {
        g_autofree char *ev = fx_recv(f);

        g_assert_true(g_str_has_prefix(ev, "{\"timestamp\": {\"seconds\": "));
        g_assert_true(g_str_has_suffix(ev, "}, \"event\": \"TEST_EVENT\", "
                                       "\"data\": {\"id\": \"vm0\"}}"));
    }
    fx_expect(f, RETURN_EMPTY);
    fx_assert_quiet(f);
}

static void test_builtins(Fixture *f, gconstpointer data)
{
    g_autofree char *version = NULL;
    g_autofree char *line = NULL;
    g_autoptr(JsonNode) node = NULL;
    g_autoptr(GError) err = NULL;
    JsonArray *list;
    gboolean seen_add = FALSE, seen_version = FALSE;
    int major = 0, minor = 0, micro = 0;
    guint i;

    sscanf(QMEM_VERSION, "%d.%d.%d", &major, &minor, &micro);
    version = g_strdup_printf("{\"return\": {\"qemu\": {\"micro\": %d, "
                              "\"minor\": %d, \"major\": %d}, \"package\": "
                              "\"qmem-%s\"}}", micro, minor, major,
                              QMEM_VERSION);
    fx_cmd(f, "{\"execute\":\"query-version\"}", version);
    fx_cmd(f, "{\"execute\":\"query-version\",\"arguments\":{\"a\":1}}",
           GENERIC("Parameter 'a' is unexpected"));
    /* Several unexpected members: QEMU names the one its GHashTable
     * iterator finds first. */
    fx_cmd(f, "{\"execute\":\"query-version\",\"arguments\":{\"a\":1,"
           "\"b\":2,\"c\":3}}", GENERIC("Parameter 'b' is unexpected"));

    fx_send(f, "{\"execute\":\"query-commands\"}");
    line = fx_recv(f);
    node = qmem_json_parse(line, &err);
    g_assert_no_error(err);
    list = json_object_get_array_member(json_node_get_object(node), "return");
    for (i = 0; i < json_array_get_length(list); i++) {
        JsonObject *o = json_array_get_object_element(list, i);
        const char *name = json_object_get_string_member(o, "name");

        g_assert_cmpuint(json_object_get_size(o), ==, 1);
        seen_add |= !strcmp(name, "test-add");
        seen_version |= !strcmp(name, "query-version");
    }
    g_assert_true(seen_add);
    g_assert_true(seen_version);
    fx_assert_quiet(f);
}

static void test_quit(Fixture *f, gconstpointer data)
{
    g_autofree char *ev = NULL;

    g_assert_false(qmem_qmp_has_command("quit"));
    fx_cmd(f, "{\"execute\":\"quit\"}",
           ERR("CommandNotFound", "The command quit has not been found"));

    qmem_qmp_set_quit_handler(on_quit, &quit_calls);
    quit_calls = 0;
    fx_cmd(f, "{\"execute\":\"quit\",\"arguments\":{\"now\":1}}",
           GENERIC("Parameter 'now' is unexpected"));
    g_assert_cmpint(quit_calls, ==, 0);
    fx_send(f, "{\"execute\":\"quit\"}");
    ev = fx_recv(f);
    g_assert_true(g_str_has_suffix(ev, "}, \"event\": \"SHUTDOWN\", "
                                   "\"data\": {\"guest\": false, "
                                   "\"reason\": \"host-qmp-quit\"}}"));
    fx_expect(f, RETURN_EMPTY);
    g_assert_cmpint(quit_calls, ==, 1);

    qmem_qmp_set_quit_handler(NULL, NULL);
    g_assert_false(qmem_qmp_has_command("quit"));
}

static void test_arg_helpers(Fixture *f, gconstpointer data)
{
    static const struct {
        const char *args;
        const char *reply;
    } cases[] = {
        { "{\"s\":\"x\",\"i\":-5,\"u\":7,\"b\":true}",
          "{\"return\": {\"i\": -5, \"s\": \"x\", \"n-l\": -1, \"u\": 7, "
          "\"b\": true, \"has-o\": false}}" },
        /* uint64 takes the whole range, negative numbers wrap (QEMU's
         * backward compatibility). */
        { "{\"s\":\"\",\"i\":0,\"u\":18446744073709551615,\"b\":false,"
          "\"o\":{},\"l\":[1,2]}",
          "{\"return\": {\"i\": 0, \"s\": \"\", \"n-l\": 2, "
          "\"u\": 18446744073709551615, \"b\": false, \"has-o\": true}}" },
        { "{\"s\":\"\",\"i\":0,\"u\":-1,\"b\":false}",
          "{\"return\": {\"i\": 0, \"s\": \"\", \"n-l\": -1, "
          "\"u\": 18446744073709551615, \"b\": false, \"has-o\": false}}" },
        { "{}", GENERIC("Parameter 's' is missing") },
        { "{\"s\":1}",
          GENERIC("Invalid parameter type for 's', expected: string") },
        { "{\"s\":null}",
          GENERIC("Invalid parameter type for 's', expected: string") },
        { "{\"s\":\"x\"}", GENERIC("Parameter 'i' is missing") },
        { "{\"s\":\"x\",\"i\":\"1\"}",
          GENERIC("Invalid parameter type for 'i', expected: integer") },
        { "{\"s\":\"x\",\"i\":1.0}",
          GENERIC("Invalid parameter type for 'i', expected: integer") },
        { "{\"s\":\"x\",\"i\":9223372036854775808}",
          GENERIC("Invalid parameter type for 'i', expected: integer") },
        { "{\"s\":\"x\",\"i\":1,\"u\":\"1048576\"}",
          GENERIC("Parameter 'u' expects uint64") },
        { "{\"s\":\"x\",\"i\":1,\"u\":1.5}",
          GENERIC("Parameter 'u' expects uint64") },
        { "{\"s\":\"x\",\"i\":1,\"u\":18446744073709551616}",
          GENERIC("Parameter 'u' expects uint64") },
        { "{\"s\":\"x\",\"i\":1,\"u\":1,\"b\":1}",
          GENERIC("Invalid parameter type for 'b', expected: boolean") },
        { "{\"s\":\"x\",\"i\":1,\"u\":1,\"b\":true,\"o\":[]}",
          GENERIC("Invalid parameter type for 'o', expected: object") },
        { "{\"s\":\"x\",\"i\":1,\"u\":1,\"b\":true,\"l\":{}}",
          GENERIC("Invalid parameter type for 'l', expected: array") },
        { "{\"s\":\"x\",\"i\":1,\"u\":1,\"b\":true,\"z\":{}}",
          GENERIC("Parameter 'z' is unexpected") },
#define BASE "\"s\":\"x\",\"i\":1,\"u\":1,\"b\":true"
        { "{" BASE ",\"e\":\"green\",\"u16\":65535,\"el\":[\"red\",\"red\"],"
          "\"any\":{\"x\":[1,null]}}",
          "{\"return\": {\"i\": 1, \"s\": \"x\", "
          "\"any\": {\"x\": [1, null]}, \"n-l\": -1, \"e\": \"green\", "
          "\"n-el\": 2, \"u16\": 65535, "
          "\"u\": 1, \"b\": true, \"has-o\": false}}" },
        { "{" BASE ",\"e\":1}",
          GENERIC("Invalid parameter type for 'e', expected: string") },
        { "{" BASE ",\"e\":\"blue\"}",
          GENERIC("Parameter 'e' does not accept value 'blue'") },
        /* A member is visited before the unexpected ones are looked for. */
        { "{" BASE ",\"e\":\"blue\",\"z\":1}",
          GENERIC("Parameter 'e' does not accept value 'blue'") },
        { "{" BASE ",\"u16\":65536}",
          GENERIC("Parameter 'u16' expects uint16_t") },
        { "{" BASE ",\"u16\":\"1\"}",
          GENERIC("Parameter 'u16' expects uint64") },
        { "{" BASE ",\"el\":{}}",
          GENERIC("Invalid parameter type for 'el', expected: array") },
        { "{" BASE ",\"el\":[\"red\",1]}",
          GENERIC("Invalid parameter type for 'el[1]', expected: string") },
        /* QEMU names an enum list's elements "null". */
        { "{" BASE ",\"el\":[\"red\",\"blue\"]}",
          GENERIC("Parameter 'null' does not accept value 'blue'") },
        { "{" BASE ",\"any\":null}",
          "{\"return\": {\"i\": 1, \"s\": \"x\", \"any\": null, "
          "\"n-l\": -1, \"u\": 1, \"b\": true, \"has-o\": false}}" },
#undef BASE
    };
    guint i;

    for (i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autofree char *req = g_strdup_printf(
            "{\"execute\":\"test-args\",\"arguments\":%s}", cases[i].args);

        fx_cmd(f, req, cases[i].reply);
    }
}

/* ------------------------------------------------------------------ */
/* HMP */

static void test_hmp(Fixture *f, gconstpointer data)
{
    static const struct {
        const char *line;
        const char *text;
    } cases[] = {
        { "info test", "args: <>\\r\\nsecond line\\r\\n" },
        { "  info   test  a b ", "args: <a b >\\r\\nsecond line\\r\\n" },
        { "info test fail", "args: <fail>\\r\\nsecond line\\r\\n" },
        { "info test   fail", "args: <fail>\\r\\nsecond line\\r\\n" },
        { "test-top", "top\\r\\n" },
        { "foo", "unknown command: 'foo'\\r\\n" },
        { "  foo  bar", "unknown command: '  foo'\\r\\n" },
        { "info  foo bar", "unknown command: 'info  foo'\\r\\n" },
        { "info/foo", "unknown command: 'info'\\r\\n" },
        { "\\u00e9\\u0001", "unknown command: '\\u00E9\\u0001'\\r\\n" },
        { "", "" },
        { "   ", "" },
        /* A command of the table that takes no arguments refuses them. */
        { "info numa x", "numa: extraneous characters at the end of "
          "line\\r\\nTry \\\"help info numa\\\" for more information\\r\\n" },
        { " device_add", "Error: Parameter 'driver' is missing\\r\\n" },
    };
    guint i;

    for (i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autofree char *req = g_strdup_printf(
            "{\"execute\":\"human-monitor-command\","
            "\"arguments\":{\"command-line\":\"%s\"}}", cases[i].line);
        g_autofree char *reply = g_strdup_printf("{\"return\": \"%s\"}",
                                                 cases[i].text);

        fx_cmd(f, req, reply);
    }
    /* "info" lists the info commands by name, every one of the tree. */
    {
        g_autofree char *text = qmem_hmp_run("info");
        g_auto(GStrv) lines = g_strsplit(text, "\r\n", -1);
        guint n = g_strv_length(lines);

        g_assert_cmpstr(lines[n - 1], ==, "");
        for (i = 1; i + 1 < n; i++) {
            g_assert_cmpint(strcmp(lines[i - 1], lines[i]), <, 0);
        }
        g_assert_true(g_strv_contains((const char *const *)lines,
                                      "info test [x] -- show the test"));
        g_assert_true(g_strv_contains((const char *const *)lines,
                                      "info numa  -- show NUMA information"));
    }
    /* A failing HMP command is text, not a QMP error. */
    {
        g_autofree char *text = qmem_hmp_run("info test  fail x");

        g_assert_cmpstr(text, ==, "args: <fail x>\r\nsecond line\r\n");
    }
    fx_cmd(f, "{\"execute\":\"human-monitor-command\","
           "\"arguments\":{\"command-line\":\"test-fail\"}}",
           "{\"return\": \"Error: something went wrong\\r\\n\"}");
    fx_cmd(f, "{\"execute\":\"human-monitor-command\"}",
           GENERIC("Parameter 'command-line' is missing"));
    fx_cmd(f, "{\"execute\":\"human-monitor-command\","
           "\"arguments\":{\"command-line\":1}}",
           GENERIC("Invalid parameter type for 'command-line', "
                   "expected: string"));
    fx_cmd(f, "{\"execute\":\"human-monitor-command\","
           "\"arguments\":{\"command-line\":\"x\",\"cpu-index\":\"a\"}}",
           GENERIC("Invalid parameter type for 'cpu-index', "
                   "expected: integer"));
    fx_cmd(f, "{\"execute\":\"human-monitor-command\","
           "\"arguments\":{\"command-line\":\"x\",\"cpu\":0}}",
           GENERIC("Parameter 'cpu' is unexpected"));
}

static gboolean hmp_test_fail(const char *args, GString *out, GError **error)
{
    g_set_error_literal(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                        "something went wrong");
    return FALSE;
}

/* ------------------------------------------------------------------ */
/* Streams */

static void test_split_input(Fixture *f, gconstpointer data)
{
    const char *req = "{\"execute\": \"test-add\", \"id\": \"}{\\\"\", "
                      "\"arguments\": {\"a\": 1, \"b\": 2}}";
    gsize i;

    /* Byte by byte: nothing is answered before the object is complete. */
    for (i = 0; req[i]; i++) {
        fx_send_len(f, req + i, 1);
        if (req[i + 1]) {
            fx_assert_quiet(f);
        }
    }
    fx_expect(f, "{\"return\": 3, \"id\": \"}{\\\"\"}");

    /* Several objects in one write, with and without blanks between. */
    fx_send(f, "{\"execute\":\"test-add\",\"arguments\":{\"a\":1,\"b\":1}}"
            "{\"execute\":\"test-add\",\"arguments\":{\"a\":2,\"b\":2}}\r\n"
            " \t{\"execute\":\"test-add\",\"arguments\":{\"a\":3,\"b\":3}}");
    fx_expect(f, "{\"return\": 2}");
    fx_expect(f, "{\"return\": 4}");
    fx_expect(f, "{\"return\": 6}");

    /* Splits inside a string, an escape, a number and a keyword. */
    fx_send(f, "{\"execute\":\"test-a");
    fx_send(f, "dd\",\"id\":\"a\\");
    fx_send(f, "\"b\",\"arguments\":{\"a\":12");
    fx_assert_quiet(f);
    fx_send(f, "3,\"b\":0}, \"x\": tr");
    fx_send(f, "ue}");
    fx_expect(f, "{\"id\": \"a\\\"b\", \"error\": {\"class\": "
              "\"GenericError\", \"desc\": \"QMP input member 'x' is "
              "unexpected\"}}");
    fx_send(f, "{\"execute\":\"test-add\",\"arguments\":{\"a\":12");
    fx_send(f, "3,\"b\":0}}");
    fx_expect(f, "{\"return\": 123}");
    fx_assert_quiet(f);
}

static void test_many_requests(Fixture *f, gconstpointer data)
{
    /* Far more replies than the server buffers while it keeps reading:
     * it must stop reading, not drop or grow without bound. */
    const guint n = 30000;
    const char *req = "{\"execute\":\"test-add\",\"arguments\":"
                      "{\"a\":1,\"b\":1},\"id\":\"padding-padding\"}";
    g_autoptr(GString) all = g_string_new(NULL);
    guint i;

    for (i = 0; i < n; i++) {
        g_string_append(all, req);
    }
    fx_send_len(f, all->str, all->len);
    for (i = 0; i < n; i++) {
        fx_expect(f, "{\"return\": 2, \"id\": \"padding-padding\"}");
    }
    fx_assert_quiet(f);
}

/* Built right before it is emitted, as the uint64 node requires. */
static void emit_size_change(void)
{
    g_autoptr(JsonObject) payload = json_object_new();

    json_object_set_string_member(payload, "qom-path",
                                  "/machine/peripheral/vm0");
    json_object_set_member(payload, "size",
                           qmem_json_node_new_uint64(G_MAXUINT64));
    qmem_qmp_emit_event("MEMORY_DEVICE_SIZE_CHANGE", payload);
}

static void test_events(Fixture *f, gconstpointer data)
{
    g_autofree char *greeting = greeting_line();
    g_autoptr(JsonNode) node = NULL;
    g_autoptr(GError) err = NULL;
    g_autofree char *line = NULL;
    Fixture other;
    JsonObject *ev, *ts;

    fx_expect(f, greeting);
    /* Not before negotiation. */
    emit_size_change();
    fx_assert_quiet(f);
    fx_cmd(f, "{\"execute\":\"qmp_capabilities\"}", RETURN_EMPTY);

    /* A second client on the same server that never negotiates. */
    fx_attach(&other, f->server);
    fx_expect(&other, greeting);

    emit_size_change();
    line = fx_recv(f);
    fx_assert_quiet(&other);

    node = qmem_json_parse(line, &err);
    g_assert_no_error(err);
    ev = json_node_get_object(node);
    g_assert_cmpuint(json_object_get_size(ev), ==, 3);
    g_assert_cmpstr(json_object_get_string_member(ev, "event"), ==,
                    "MEMORY_DEVICE_SIZE_CHANGE");
    ts = json_object_get_object_member(ev, "timestamp");
    g_assert_cmpuint(json_object_get_size(ts), ==, 2);
    g_assert_cmpint(json_object_get_int_member(ts, "seconds"), >,
                    1600000000);
    g_assert_cmpint(json_object_get_int_member(ts, "microseconds"), >=, 0);
    g_assert_cmpint(json_object_get_int_member(ts, "microseconds"), <,
                    1000000);
    /* QEMU's wire order, and the unsigned size. */
    g_assert_true(g_str_has_prefix(line, "{\"timestamp\": {\"seconds\": "));
    g_assert_true(strstr(line, "\"microseconds\": ") != NULL);
    g_assert_true(g_str_has_suffix(line, "}, \"event\": "
                                   "\"MEMORY_DEVICE_SIZE_CHANGE\", \"data\": "
                                   "{\"size\": 18446744073709551615, "
                                   "\"qom-path\": "
                                   "\"/machine/peripheral/vm0\"}}"));

    /* No data member for an event without data. */
    qmem_qmp_emit_event("STOP", NULL);
    g_free(line);
    line = fx_recv(f);
    g_assert_true(g_str_has_suffix(line, "}, \"event\": \"STOP\"}"));
    g_assert_null(strstr(line, "\"data\""));

    fx_cmd(&other, "{\"execute\":\"qmp_capabilities\"}", RETURN_EMPTY);
    qmem_qmp_emit_event("STOP", NULL);
    g_free(line);
    line = fx_recv(&other);
    g_assert_true(g_str_has_suffix(line, "}, \"event\": \"STOP\"}"));
    g_free(line);
    line = fx_recv(f);
    g_assert_true(g_str_has_suffix(line, "}, \"event\": \"STOP\"}"));
    fx_close(&other);
}

static void test_disconnect(Fixture *f, gconstpointer data)
{
    g_autofree char *greeting = greeting_line();
    Fixture next;

    fx_negotiate(f);
    g_assert_cmpuint(qmem_qmp_server_get_n_clients(f->server), ==, 1);
    fx_send(f, "{\"execute\":\"test-add\",\"arguments\":{\"a\":");
    fx_close(f);
    while (qmem_qmp_server_get_n_clients(f->server) > 0) {
        pump();
        g_usleep(1000);
    }

    /* A client that vanishes with replies pending doesn't hurt either. */
    fx_attach(&next, f->server);
    fx_negotiate(&next);
    fx_send(&next, "{\"execute\":\"test-add\",\"arguments\":{\"a\":1,\"b\":1}}"
            "{\"execute\":\"test-event\"}");
    close(next.fd);
    next.fd = -1;
    qmem_qmp_emit_event("STOP", NULL);
    while (qmem_qmp_server_get_n_clients(f->server) > 0) {
        pump();
        g_usleep(1000);
    }
    fx_close(&next);

    /* The server still serves. */
    fx_attach(f, f->server);
    fx_expect(f, greeting);
    fx_cmd(f, "{\"execute\":\"qmp_capabilities\"}", RETURN_EMPTY);
}

/* ------------------------------------------------------------------ */
/* Transports */

static char *tmp_socket_path(const char *name)
{
    g_autoptr(GError) err = NULL;
    g_autofree char *dir = g_dir_make_tmp("qmem-test-qmp-XXXXXX", &err);

    g_assert_no_error(err);
    return g_build_filename(dir, name, NULL);
}

static void test_listen_unix(void)
{
    g_autofree char *path = tmp_socket_path("qmp.sock");
    g_autofree char *dir = g_path_get_dirname(path);
    g_autofree char *spec = g_strdup_printf("unix:%s,server=on,wait=off",
                                            path);
    g_autofree char *greeting = greeting_line();
    g_autoptr(GError) err = NULL;
    Fixture a = { .rx = g_string_new(NULL) };
    Fixture b = { .rx = g_string_new(NULL) };
    QmemQmpServer *server = qmem_qmp_server_new();

    /* A stale socket file is replaced. */
    g_assert_true(g_file_set_contents(path, "", 0, NULL));
    g_assert_true(qmem_qmp_server_listen(server, spec, &err));
    g_assert_no_error(err);
    a.server = b.server = server;

    a.fd = unix_connect(path);
    fx_negotiate(&a);
    fx_cmd(&a, "{\"execute\":\"test-add\",\"arguments\":{\"a\":1,\"b\":1}}",
           "{\"return\": 2}");

    /* One client at a time: the second waits for the first to go. */
    b.fd = unix_connect(path);
    fx_assert_quiet(&b);
    close(a.fd);
    a.fd = -1;
    fx_expect(&b, greeting);
    fx_cmd(&b, "{\"execute\":\"qmp_capabilities\"}", RETURN_EMPTY);
    qmem_qmp_emit_event("STOP", NULL);
    {
        g_autofree char *ev = fx_recv(&b);

        g_assert_true(g_str_has_suffix(ev, "\"event\": \"STOP\"}"));
    }
    fx_close(&a);
    fx_close(&b);

    qmem_qmp_server_free(server);
    pump();
    g_assert_false(g_file_test(path, G_FILE_TEST_EXISTS));
    g_assert_cmpint(rmdir(dir), ==, 0);
}

static void test_connect_unix(void)
{
    g_autofree char *path = tmp_socket_path("client.sock");
    g_autofree char *dir = g_path_get_dirname(path);
    g_autofree char *spec = g_strdup_printf("unix:%s", path);
    g_autofree char *greeting = greeting_line();
    g_autoptr(GError) err = NULL;
    struct sockaddr_un sun = { .sun_family = AF_UNIX };
    QmemQmpServer *server = qmem_qmp_server_new();
    Fixture f = { .server = server, .rx = g_string_new(NULL) };
    int lfd;

    /* Nobody listening yet. */
    g_assert_false(qmem_qmp_server_listen(server, spec, &err));
    {
        g_autofree char *msg = g_strdup_printf(
            "Failed to connect to '%s': No such file or directory", path);

        g_assert_error(err, QMEM_ERROR, QMEM_ERROR_GENERIC);
        g_assert_cmpstr(err->message, ==, msg);
        g_clear_error(&err);
    }

    lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    g_strlcpy(sun.sun_path, path, sizeof(sun.sun_path));
    g_assert_cmpint(bind(lfd, (struct sockaddr *)&sun, sizeof(sun)), ==, 0);
    g_assert_cmpint(listen(lfd, 1), ==, 0);
    g_assert_true(qmem_qmp_server_listen(server, spec, &err));
    g_assert_no_error(err);
    f.fd = accept(lfd, NULL, NULL);
    g_assert_cmpint(f.fd, >=, 0);
    g_assert_cmpint(fcntl(f.fd, F_SETFL, O_NONBLOCK), ==, 0);
    fx_expect(&f, greeting);
    fx_cmd(&f, "{\"execute\":\"qmp_capabilities\"}", RETURN_EMPTY);

    fx_close(&f);
    close(lfd);
    qmem_qmp_server_free(server);
    pump();
    unlink(path);
    g_assert_cmpint(rmdir(dir), ==, 0);
}

typedef struct {
    const char *spec;
    const char *message;
} SpecCase;

static const SpecCase spec_cases[] = {
    { "foo", "'foo' is not a valid char driver" },
    { "stdio,foo=1", "'stdio,foo=1' is not a valid char driver" },
    { "tcp:localhost:4444,server=on", "'tcp:localhost:4444,server=on' is "
      "not a valid char driver" },
    { "unix:", "Unable to parse FD number " },
    { "unix:/tmp/qmem-x.sock,server=maybe",
      "Parameter 'server' expects 'on' or 'off'" },
    { "unix:/tmp/qmem-x.sock,server=on,wait=maybe",
      "Parameter 'wait' expects 'on' or 'off'" },
    { "unix:/tmp/qmem-x.sock,server=on,wait=off,bogus=1",
      "Invalid parameter 'bogus'" },
    { "unix:/nonexistent/qmem/x.sock,server=on,wait=off",
      "Failed to bind socket to /nonexistent/qmem/x.sock: "
      "No such file or directory" },
    { "unix:/nonexistent/qmem/x.sock",
      "Failed to connect to '/nonexistent/qmem/x.sock': "
      "No such file or directory" },
    { "unix:/tmp/" "0123456789012345678901234567890123456789"
      "0123456789012345678901234567890123456789"
      "0123456789012345678901234567890123456789,server=on,wait=off",
      "UNIX socket path '/tmp/" "0123456789012345678901234567890123456789"
      "0123456789012345678901234567890123456789"
      "0123456789012345678901234567890123456789' is too long" },
};

static void test_listen_error(gconstpointer data)
{
    const SpecCase *tc = data;
    g_autoptr(GError) err = NULL;
    QmemQmpServer *server = qmem_qmp_server_new();

    g_assert_false(qmem_qmp_server_listen(server, tc->spec, &err));
    g_assert_error(err, QMEM_ERROR, QMEM_ERROR_GENERIC);
    g_assert_cmpstr(err->message, ==, tc->message);
    g_assert_cmpuint(qmem_qmp_server_get_n_clients(server), ==, 0);
    qmem_qmp_server_free(server);
}

/* "stdio" serves fds 0 and 1; the subprocess swaps a socket in for them. */
static void test_stdio(void)
{
    g_autofree char *greeting = greeting_line();
    g_autoptr(GError) err = NULL;
    QmemQmpServer *server;
    Fixture f;
    int sv[2], saved_in, saved_out;

    if (!g_test_subprocess()) {
        g_test_trap_subprocess(NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
        g_test_trap_assert_passed();
        return;
    }

    g_assert_cmpint(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), ==, 0);
    saved_in = dup(STDIN_FILENO);
    saved_out = dup(STDOUT_FILENO);
    g_assert_cmpint(dup2(sv[0], STDIN_FILENO), ==, STDIN_FILENO);
    g_assert_cmpint(dup2(sv[0], STDOUT_FILENO), ==, STDOUT_FILENO);
    close(sv[0]);

    server = qmem_qmp_server_new();
    g_assert_true(qmem_qmp_server_listen(server, "stdio", &err));
    g_assert_no_error(err);
    g_assert_false(qmem_qmp_server_listen(server, "stdio", &err));
    g_assert_cmpstr(err->message, ==,
                    "cannot use stdio by multiple character devices");

    f.server = server;
    f.fd = sv[1];
    f.rx = g_string_new(NULL);
    g_assert_cmpint(fcntl(f.fd, F_SETFL, O_NONBLOCK), ==, 0);
    fx_expect(&f, greeting);
    fx_cmd(&f, "{\"execute\":\"qmp_capabilities\"}", RETURN_EMPTY);
    fx_cmd(&f, "{\"execute\":\"test-add\",\"arguments\":{\"a\":2,\"b\":3}}",
           "{\"return\": 5}");
    shutdown(f.fd, SHUT_WR);
    while (qmem_qmp_server_get_n_clients(server) > 0) {
        pump();
        g_usleep(1000);
    }
    /* The server doesn't close the process's stdin and stdout. */
    g_assert_cmpint(fcntl(STDIN_FILENO, F_GETFD), >=, 0);
    g_assert_cmpint(fcntl(STDOUT_FILENO, F_GETFD), >=, 0);
    qmem_qmp_server_free(server);
    fx_close(&f);

    dup2(saved_in, STDIN_FILENO);
    dup2(saved_out, STDOUT_FILENO);
}

/* ------------------------------------------------------------------ */
/* JSON */

typedef struct {
    const char *text;
    const char *result;         /* re-serialized, or NULL */
    const char *error;
} JsonCase;

static const JsonCase json_cases[] = {
    { "{\"b\": 1, \"a\": [true, false, null]}",
      "{\"a\": [true, false, null], \"b\": 1}", NULL },
    { " 'single' ", "\"single\"", NULL },
    { "\"\\\"\\\\\\/\\b\\f\\n\\r\\t\\'\"", "\"\\\"\\\\/\\b\\f\\n\\r\\t'\"",
      NULL },
    { "\"\xc3\xa9\xf0\x9f\x98\x80\x7f\"", "\"\\u00E9\\uD83D\\uDE00\\u007F\"",
      NULL },
    { "[9223372036854775807, -9223372036854775808, 1e2, -1.5E-3]",
      "[9223372036854775807, -9223372036854775808, 100, "
      "-0.0015]", NULL },
    { "[1e308, -1e308, 1e-400]", "[1e+308, -1e+308, 0]", NULL },
    { "[1e400]", NULL, "JSON parse error, number '1e400' is out of range" },
    { "-1E+999", NULL, "JSON parse error, number '-1E+999' is out of range" },
    { "{}", "{}", NULL },
    { "[]", "[]", NULL },
    { "true", "true", NULL },
    { "12", "12", NULL },
    { "", NULL, "JSON parse error, premature EOI" },
    { "   ", NULL, "JSON parse error, premature EOI" },
    { "1 2", NULL, "Expecting at most one JSON value" },
    { "tru", NULL, "JSON parse error, invalid keyword 'tru'" },
    { "\"abc", NULL, "JSON parse error, stray '\"abc'" },
    { "[1,", NULL, "JSON parse error, premature EOI" },
    { "{\"a\":", NULL, "JSON parse error, premature EOI" },
    { "\"\\u12\"", NULL,
      "JSON parse error, \\u12\" is not a valid Unicode character" },
    { "\"\\uDC00\"", NULL,
      "JSON parse error, \\uDC00 is not a valid Unicode character" },
    { "\"\\uD800\\u0041\"", NULL,
      "JSON parse error, \\uD800 is not a valid Unicode character" },
    { "\"\xc0\xaf\"", NULL,
      "JSON parse error, invalid UTF-8 sequence in string" },
    { "-", NULL, "JSON parse error, stray '-'" },
    { "1.", NULL, "JSON parse error, stray '1.'" },
    { "1e+", NULL, "JSON parse error, stray '1e+'" },
};

static void test_json(gconstpointer data)
{
    const JsonCase *tc = data;
    g_autoptr(GError) err = NULL;
    g_autoptr(JsonNode) node = qmem_json_parse(tc->text, &err);

    if (tc->error) {
        g_assert_null(node);
        g_assert_error(err, QMEM_ERROR, QMEM_ERROR_GENERIC);
        g_assert_cmpstr(err->message, ==, tc->error);
    } else {
        g_autofree char *text = NULL;

        g_assert_no_error(err);
        text = qmem_json_to_string(node);
        g_assert_cmpstr(text, ==, tc->result);
    }
}

static void test_json_writer(void)
{
    g_autoptr(JsonObject) obj = json_object_new();
    g_autoptr(JsonNode) node = NULL;
    g_autofree char *text = NULL;
    g_autofree char *nul = NULL;

    /* Same QDict bucket for "micro" and "minor": newest first. */
    json_object_set_int_member(obj, "major", 7);
    json_object_set_int_member(obj, "minor", 2);
    json_object_set_int_member(obj, "micro", 22);
    json_object_set_string_member(obj, "bad", "\xff\x01");
    json_object_set_member(obj, "small", qmem_json_node_new_uint64(5));
    node = json_node_init_object(json_node_alloc(), obj);
    text = qmem_json_to_string(node);
    g_assert_cmpstr(text, ==, "{\"micro\": 22, \"minor\": 2, \"small\": 5, "
                    "\"bad\": \"\\uFFFD\\u0001\", \"major\": 7}");

    /* A computed infinity or NaN is written as null: JSON has neither. */
    g_clear_pointer(&node, json_node_unref);
    g_clear_pointer(&text, g_free);
    node = json_node_alloc();
    json_node_take_array(json_node_init(node, JSON_NODE_ARRAY),
                         json_array_new());
    json_array_add_double_element(json_node_get_array(node), INFINITY);
    json_array_add_double_element(json_node_get_array(node), NAN);
    text = qmem_json_to_string(node);
    g_assert_cmpstr(text, ==, "[null, null]");

    /* U+0000 travels as modified UTF-8 and comes back out escaped. */
    g_clear_pointer(&node, json_node_unref);
    node = qmem_json_parse("\"a\\u0000b\"", NULL);
    g_assert_cmpstr(json_node_get_string(node), ==, "a\xc0\x80" "b");
    nul = qmem_json_to_string(node);
    g_assert_cmpstr(nul, ==, "\"a\\u0000b\"");
}

int main(int argc, char **argv)
{
    guint i;

    g_test_init(&argc, &argv, NULL);

    qmem_qmp_register_command("test-add", cmd_test_add, 0);
    qmem_qmp_register_command("test-fail", cmd_test_fail, 0);
    qmem_qmp_register_command("test-empty", cmd_test_empty, 0);
    qmem_qmp_register_command("test-silent", cmd_test_silent,
                              QMEM_QMP_COMMAND_NO_SUCCESS_RESPONSE);
    qmem_qmp_register_command("test-event", cmd_test_event, 0);
    qmem_qmp_register_command("test-args", cmd_test_args, 0);
    qmem_hmp_register("info test", hmp_info_test);
    qmem_hmp_set_help("info test", "[x]", "show the test");
    qmem_hmp_register("test-top", hmp_test_top);
    qmem_hmp_register("test-fail", hmp_test_fail);

#define ADD(path, fn, setup) \
    g_test_add(path, Fixture, NULL, setup, fn, fx_teardown)

    ADD("/monitor/qmp/greeting", test_greeting, fx_setup);
    ADD("/monitor/qmp/negotiation", test_negotiation, fx_setup);
    for (i = 0; i < G_N_ELEMENTS(malformed_cases); i++) {
        g_autofree char *path = g_strdup_printf("/monitor/qmp/malformed/%s",
                                                malformed_cases[i].name);

        g_test_add_data_func(path, &malformed_cases[i], test_malformed);
    }
    ADD("/monitor/qmp/limits/nesting", test_nesting_limit, fx_setup_negotiated);
    ADD("/monitor/qmp/limits/token-count", test_token_count_limit,
        fx_setup_negotiated);
    ADD("/monitor/qmp/limits/token-size", test_token_size_limit,
        fx_setup_negotiated);
    ADD("/monitor/qmp/reply/id", test_id, fx_setup_negotiated);
    ADD("/monitor/qmp/reply/command", test_command, fx_setup_negotiated);
    ADD("/monitor/qmp/builtin/query", test_builtins, fx_setup_negotiated);
    ADD("/monitor/qmp/builtin/quit", test_quit, fx_setup_negotiated);
    ADD("/monitor/qmp/builtin/hmp", test_hmp, fx_setup_negotiated);
    ADD("/monitor/qmp/args", test_arg_helpers, fx_setup_negotiated);
    ADD("/monitor/qmp/stream/split", test_split_input, fx_setup_negotiated);
    ADD("/monitor/qmp/stream/backpressure", test_many_requests,
        fx_setup_negotiated);
    ADD("/monitor/qmp/events", test_events, fx_setup);
    ADD("/monitor/qmp/stream/disconnect", test_disconnect, fx_setup);
    g_test_add_func("/monitor/qmp/transport/unix-listen", test_listen_unix);
    g_test_add_func("/monitor/qmp/transport/unix-connect", test_connect_unix);
    g_test_add_func("/monitor/qmp/transport/stdio", test_stdio);
    for (i = 0; i < G_N_ELEMENTS(spec_cases); i++) {
        g_autofree char *path =
            g_strdup_printf("/monitor/qmp/transport/error/%u", i);

        g_test_add_data_func(path, &spec_cases[i], test_listen_error);
    }
    for (i = 0; i < G_N_ELEMENTS(json_cases); i++) {
        g_autofree char *path = g_strdup_printf("/qobject/json/parse/%u", i);

        g_test_add_data_func(path, &json_cases[i], test_json);
    }
    g_test_add_func("/qobject/json/writer", test_json_writer);

    return g_test_run();
}
