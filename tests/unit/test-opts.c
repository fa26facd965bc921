/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests for qapi/opts.c: QemuOpts, keyval and JSON option strings. */

#include <string.h>

#include "qapi/opts.h"
#include "qobject/json.h"
#include "tests/unit/test-machine.h"
#include "util/error.h"

#define HINT_ID                                               \
    "Identifiers consist of letters, digits, '-', '.', '_', " \
    "starting with a letter.\n"

#define WARN_FLAG(flag, key, val)                                          \
    "qmem-run: warning: short-form boolean option '" flag "' deprecated\n" \
    "Please use " key "=" val " instead\n"

/* 127 and 128 characters */
#define KEY127                                                         \
    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" \
    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define KEY128 KEY127 "z"

static char *object_to_string(JsonObject *obj)
{
    g_autoptr(JsonNode) node = json_node_init_object(json_node_alloc(), obj);

    return json_to_string(node, FALSE);
}

typedef enum {
    HELP_NULL, /* no help pointer passed */
    HELP_NO, /* expect *help == FALSE */
    HELP_YES, /* expect *help == TRUE */
} HelpExpect;

/*
 * An option string, its implied key, and either the result (as compact
 * JSON) or the error message and hint, plus what it prints.
 */
typedef struct {
    const char *implied;
    const char *str;
    HelpExpect help;
    const char *result;
    const char *error;
    const char *hint;
    const char *printed;
} ParseCase;

/* ------------------------------------------------------------------ */
/* qmem_opts_parse() */

static const ParseCase opts_cases[] = {
    /* Nothing */
    { NULL, "", HELP_NO, "{}" },
    /* An empty key is a key */
    { NULL, "=val", HELP_NO, "{\"\":[\"val\"]}" },
    /* Keys repeat; ",," is a comma */
    { NULL, "a=1,b=2,,x,a=3", HELP_NO,
      "{\"a\":[\"1\",\"3\"],\"b\":[\"2,x\"]}" },
    { NULL, "a=1,,", HELP_NO, "{\"a\":[\"1,\"]}" },
    { NULL, "x=,,id=bar", HELP_NO, "{\"x\":[\",id=bar\"]}" },
    /* A trailing comma is ignored... */
    { NULL, "x=y,", HELP_NO, "{\"x\":[\"y\"]}" },
    /* ...except when it is all there is: an empty flag */
    { NULL, ",", HELP_NO, "{\"\":[\"on\"]}", NULL, NULL,
      WARN_FLAG("", "", "on") },
    /* Short-form booleans, deprecated */
    { NULL, "an,noaus,noaus=", HELP_NO,
      "{\"an\":[\"on\"],\"aus\":[\"off\"],\"noaus\":[\"\"]}", NULL, NULL,
      WARN_FLAG("an", "an", "on") WARN_FLAG("noaus", "aus", "off") },
    { NULL, "no", HELP_NO, "{\"\":[\"off\"]}", NULL, NULL,
      WARN_FLAG("no", "", "off") },
    { NULL, "node", HELP_NO, "{\"de\":[\"off\"]}", NULL, NULL,
      WARN_FLAG("node", "de", "off") },
    { "qom-type", "x,delay,nodelay", HELP_NO,
      "{\"qom-type\":[\"x\"],\"delay\":[\"on\",\"off\"]}", NULL, NULL,
      WARN_FLAG("delay", "nodelay", "off")
          WARN_FLAG("nodelay", "nodelay", "on") },
    /* The implied key takes the first element only */
    { "implied", "an,noaus,noaus=", HELP_NO,
      "{\"implied\":[\"an\"],\"aus\":[\"off\"],\"noaus\":[\"\"]}", NULL, NULL,
      WARN_FLAG("noaus", "aus", "off") },
    { "implied", ",", HELP_NO, "{\"implied\":[\"\"]}" },
    { "implied", ",,,a=1", HELP_NO, "{\"implied\":[\",\"],\"a\":[\"1\"]}" },
    { "implied", "=val", HELP_NO, "{\"\":[\"val\"]}" },
    { "qom-type", "a=b,c", HELP_NO, "{\"a\":[\"b\"],\"c\":[\"on\"]}", NULL,
      NULL, WARN_FLAG("c", "c", "on") },
    { "type", "node,nodeid=0,memdev=m0", HELP_NO,
      "{\"type\":[\"node\"],\"nodeid\":[\"0\"],\"memdev\":[\"m0\"]}" },
    { "qom-type", "memory-backend-ram,id=m0,size=1G", HELP_NO,
      "{\"qom-type\":[\"memory-backend-ram\"],\"id\":[\"m0\"],"
      "\"size\":[\"1G\"]}" },
    { "qom-type",
      "memory-backend-ram,id=m0,size=1G,host-nodes=0,host-nodes=1,"
      "policy=bind",
      HELP_NULL,
      "{\"qom-type\":[\"memory-backend-ram\"],\"id\":[\"m0\"],"
      "\"size\":[\"1G\"],\"host-nodes\":[\"0\",\"1\"],"
      "\"policy\":[\"bind\"]}" },
    { "qom-type", "memory-backend-file,id=m1,mem-path=/tmp/a,,b,size=1G",
      HELP_NO,
      "{\"qom-type\":[\"memory-backend-file\"],\"id\":[\"m1\"],"
      "\"mem-path\":[\"/tmp/a,b\"],\"size\":[\"1G\"]}" },
    { "qom-type", "memory-backend-ram,id=m0,size=1M,share,noprealloc", HELP_NO,
      "{\"qom-type\":[\"memory-backend-ram\"],\"id\":[\"m0\"],"
      "\"size\":[\"1M\"],\"share\":[\"on\"],\"prealloc\":[\"off\"]}",
      NULL, NULL,
      WARN_FLAG("share", "share", "on")
          WARN_FLAG("noprealloc", "prealloc", "off") },
    /* The first id counts, once, at its first position */
    { NULL, "id=foo,id=bar", HELP_NO, "{\"id\":[\"foo\"]}" },
    { "qom-type", "memory-backend-ram,size=1M,id=m0,x=1,id=0bad", HELP_NO,
      "{\"qom-type\":[\"memory-backend-ram\"],\"size\":[\"1M\"],"
      "\"id\":[\"m0\"],\"x\":[\"1\"]}" },
    /* A bare "id" is a flag: id=on (QEMU does the same) */
    { "qom-type", "memory-backend-ram,size=1M,id", HELP_NO,
      "{\"qom-type\":[\"memory-backend-ram\"],\"size\":[\"1M\"],"
      "\"id\":[\"on\"]}",
      NULL, NULL, WARN_FLAG("id", "id", "on") },
    { "qom-type", "memory-backend-ram,id=m0,noid", HELP_NO,
      "{\"qom-type\":[\"memory-backend-ram\"],\"id\":[\"m0\"]}", NULL, NULL,
      WARN_FLAG("noid", "id", "off") },
    /* A malformed id fails before anything is parsed or printed */
    { NULL, "id=666", HELP_NO, NULL, "Parameter 'id' expects an identifier",
      HINT_ID },
    { "qom-type", "memory-backend-ram,id=0m", HELP_NO, NULL,
      "Parameter 'id' expects an identifier", HINT_ID },
    { "qom-type", "memory-backend-ram,share,id=", HELP_NULL, NULL,
      "Parameter 'id' expects an identifier", HINT_ID },
    { "qom-type", "x,id=a b,noshare", HELP_NO, NULL,
      "Parameter 'id' expects an identifier", HINT_ID },
    /* "noid" is id=off, a well-formed id */
    { "qom-type", "x,noid", HELP_NO, "{\"qom-type\":[\"x\"],\"id\":[\"off\"]}",
      NULL, NULL, WARN_FLAG("noid", "id", "off") },
    /* Help, as a flag or as the implied value */
    { NULL, "help", HELP_YES, "{}" },
    { NULL, "?", HELP_YES, "{}" },
    { NULL, "a=0,help,b=1", HELP_YES, "{\"a\":[\"0\"],\"b\":[\"1\"]}" },
    { "qom-type", "help", HELP_YES, "{\"qom-type\":[\"help\"]}" },
    { "qom-type", "?", HELP_YES, "{\"qom-type\":[\"?\"]}" },
    { "qom-type", "memory-backend-ram,help", HELP_YES,
      "{\"qom-type\":[\"memory-backend-ram\"]}" },
    { "qom-type", "memory-backend-ram,?,size=1G", HELP_YES,
      "{\"qom-type\":[\"memory-backend-ram\"],\"size\":[\"1G\"]}" },
    /* A flag ends at the first ',': "b,,help" is b, an empty flag, help */
    { "qom-type", "a,b,,help", HELP_YES,
      "{\"qom-type\":[\"a\"],\"b\":[\"on\"],\"\":[\"on\"]}", NULL, NULL,
      WARN_FLAG("b", "b", "on") WARN_FLAG("", "", "on") },
    /* Without a help pointer, "help" stays a flag */
    { "qom-type", "memory-backend-ram,help", HELP_NULL,
      "{\"qom-type\":[\"memory-backend-ram\"],\"help\":[\"on\"]}" },
    /* Not help */
    { NULL, "helpme", HELP_NO, "{\"helpme\":[\"on\"]}", NULL, NULL,
      WARN_FLAG("helpme", "helpme", "on") },
    { NULL, "nohelp", HELP_NO, "{\"help\":[\"off\"]}", NULL, NULL,
      WARN_FLAG("nohelp", "help", "off") },
    { NULL, "help=on", HELP_NO, "{\"help\":[\"on\"]}" },
    { "qom-type", "qom-type=help", HELP_NO, "{\"qom-type\":[\"help\"]}" },
};

/* ------------------------------------------------------------------ */
/* qmem_keyval_parse() */

static const ParseCase keyval_cases[] = {
    /* Nothing */
    { NULL, "", HELP_NULL, "{}" },
    /* Keys must be QAPI names (or indexes, below the top) */
    { NULL, "=val", HELP_NULL, NULL, "Invalid parameter ''" },
    { NULL, ".", HELP_NULL, NULL, "Invalid parameter '.'" },
    { NULL, "key.", HELP_NULL, NULL, "Invalid parameter 'key.'" },
    { NULL, "7up=val", HELP_NULL, NULL, "Invalid parameter '7up'" },
    { NULL, "key[0]=val", HELP_NULL, NULL, "Invalid parameter 'key[0]'" },
    { NULL, "a..b=1", HELP_NULL, NULL, "Invalid parameter 'a..b'" },
    { NULL, "a.1x=1", HELP_NULL, NULL, "Invalid parameter 'a.1x'" },
    { NULL, "0=1", HELP_NULL, NULL, "Invalid parameter '0'" },
    { NULL, ",", HELP_NULL, NULL, "Invalid parameter ''" },
    { NULL, "?x=1", HELP_NULL, NULL, "Invalid parameter '?x'" },
    { NULL, "__com.redhat_x=1,a-b_c=2", HELP_NULL,
      "{\"__com.redhat_x\":\"1\",\"a-b_c\":\"2\"}" },
    /* Key length */
    { NULL, KEY128 "=v", HELP_NULL, NULL,
      "Parameter '" KEY128 "' is too long" },
    { NULL, "k." KEY128 "=v", HELP_NULL, NULL,
      "Parameter fragment '" KEY128 "' is too long" },
    { NULL, KEY127 "=v", HELP_NULL, "{\"" KEY127 "\":\"v\"}" },
    { NULL, "k." KEY127 "=v", HELP_NULL, "{\"k\":{\"" KEY127 "\":\"v\"}}" },
    /* The last value wins, and ",," is a comma */
    { NULL, "a=1,b=2,,x,a=3", HELP_NULL, "{\"a\":\"3\",\"b\":\"2,x\"}" },
    { NULL, "id=foo,id=bar", HELP_NULL, "{\"id\":\"bar\"}" },
    { NULL, "x=,,id=bar", HELP_NULL, "{\"x\":\",id=bar\"}" },
    /* ids are the caller's business */
    { NULL, "id=666", HELP_NULL, "{\"id\":\"666\"}" },
    /* Trailing comma */
    { NULL, "x=y,", HELP_NULL, "{\"x\":\"y\"}" },
    /* Dotted keys */
    { NULL, "a.b.c=1,a.b.c=2,d=3", HELP_NULL,
      "{\"a\":{\"b\":{\"c\":\"2\"}},\"d\":\"3\"}" },
    { NULL, "a.b=1,a=2", HELP_NULL, NULL,
      "Parameters 'a.*' used inconsistently" },
    { NULL, "a=2,a.b=1", HELP_NULL, NULL,
      "Parameters 'a.*' used inconsistently" },
    { NULL, "a.b=1,a.b.c=2", HELP_NULL, NULL,
      "Parameters 'a.b.*' used inconsistently" },
    /* No short-form booleans */
    { NULL, "an,noaus,noaus=", HELP_NULL, NULL,
      "Expected '=' after parameter 'an'" },
    { NULL, "no", HELP_NULL, NULL, "Expected '=' after parameter 'no'" },
    { NULL, "a.b", HELP_NULL, NULL, "Expected '=' after parameter 'a.b'" },
    /* Implied key: the first element only, without ",," */
    { "implied", "an,aus=off,noaus=", HELP_NULL,
      "{\"implied\":\"an\",\"aus\":\"off\",\"noaus\":\"\"}" },
    { "eins.zwei", "val", HELP_NULL, "{\"eins\":{\"zwei\":\"val\"}}" },
    { "driver", "pc-dimm,id=d0,memdev=m0", HELP_NULL,
      "{\"driver\":\"pc-dimm\",\"id\":\"d0\",\"memdev\":\"m0\"}" },
    { "implied", "a.b,x=1", HELP_NULL, "{\"implied\":\"a.b\",\"x\":\"1\"}" },
    { "implied", ",", HELP_NULL, NULL, "Invalid parameter ''" },
    { "implied", ",,,a=1", HELP_NULL, NULL, "Invalid parameter ''" },
    { "implied", "val,,ue", HELP_NULL, NULL, "Invalid parameter ''" },
    { "implied", "=val", HELP_NULL, NULL, "Invalid parameter ''" },
    { "implied", "a,b", HELP_NULL, NULL, "Expected '=' after parameter 'b'" },
    /* Help */
    { NULL, "help", HELP_YES, "{}" },
    { NULL, "?", HELP_YES, "{}" },
    { "implied", "help", HELP_YES, "{}" },
    { NULL, "help", HELP_NULL, NULL, "Help is not available for this option" },
    { "implied", "help", HELP_NULL, NULL,
      "Help is not available for this option" },
    { NULL, "help=on", HELP_NO, "{\"help\":\"on\"}" },
    { NULL, "help.abc", HELP_NO, NULL,
      "Expected '=' after parameter 'help.abc'" },
    { "implied", "help.abc", HELP_NO, "{\"implied\":\"help.abc\"}" },
    { NULL, "number=42,help,foo=bar", HELP_YES,
      "{\"number\":\"42\",\"foo\":\"bar\"}" },
    { "implied", "val,help,foo=bar", HELP_YES,
      "{\"implied\":\"val\",\"foo\":\"bar\"}" },
    /* help takes the implied key's turn */
    { "implied", "help,foo", HELP_YES, NULL,
      "Expected '=' after parameter 'foo'" },
    /* Lists */
    { NULL, "list.0=null,list.2=zwei,list.1=eins", HELP_NULL,
      "{\"list\":[\"null\",\"eins\",\"zwei\"]}" },
    { NULL, "list.1=goner,list.0=null,list.01=eins,list.2=zwei", HELP_NULL,
      "{\"list\":[\"null\",\"eins\",\"zwei\"]}" },
    { NULL, "a.list.1=eins,a.list.00=null,a.list.2=zwei", HELP_NULL,
      "{\"a\":{\"list\":[\"null\",\"eins\",\"zwei\"]}}" },
    { NULL, "a.0.0=x,a.0.1=y,a.1.0=z", HELP_NULL,
      "{\"a\":[[\"x\",\"y\"],[\"z\"]]}" },
    { NULL, "a.0.b=1,a.1.b=2", HELP_NULL,
      "{\"a\":[{\"b\":\"1\"},{\"b\":\"2\"}]}" },
    { "qom-type",
      "memory-backend-ram,id=m,size=1G,host-nodes.0=0,host-nodes.1=1", HELP_NO,
      "{\"qom-type\":\"memory-backend-ram\",\"id\":\"m\",\"size\":\"1G\","
      "\"host-nodes\":[\"0\",\"1\"]}" },
    { NULL, "a.b.c=1,a.b.0=2", HELP_NULL, NULL,
      "Parameters 'a.b.*' used inconsistently" },
    { NULL, "a.0.c=1,a.b.c=2", HELP_NULL, NULL,
      "Parameters 'a.*' used inconsistently" },
    { NULL, "list.1=lonely", HELP_NULL, NULL, "Parameter 'list.0' missing" },
    { NULL, "list.0=null,list.2=eins,list.02=zwei", HELP_NULL, NULL,
      "Parameter 'list.1' missing" },
    { NULL, "a.b.1=x", HELP_NULL, NULL, "Parameter 'a.b.0' missing" },
    { NULL, "list.99999999999999999999=x", HELP_NULL, NULL,
      "Parameter 'list.0' missing" },
};

typedef JsonObject *(*ParseFn)(const char *, const char *, gboolean *,
                               GError **);

static void check_parse(ParseFn fn, const ParseCase *c)
{
    g_autoptr(GError) err = NULL;
    g_autoptr(JsonObject) obj = NULL;
    g_autofree char *out = NULL;
    gboolean help = 42;

    capture_start();
    obj = fn(c->str, c->implied, c->help == HELP_NULL ? NULL : &help, &err);
    out = capture_end();

    g_assert_cmpstr(out, ==, c->printed ? c->printed : "");
    if (c->result) {
        g_autofree char *json = NULL;

        g_assert_no_error(err);
        g_assert_nonnull(obj);
        json = object_to_string(obj);
        g_assert_cmpstr(json, ==, c->result);
    } else {
        g_assert_null(obj);
        g_assert_error(err, QMEM_ERROR, QMEM_ERROR_GENERIC);
        g_assert_cmpstr(err->message, ==, c->error);
        g_assert_cmpstr(qmem_error_get_hint(err), ==, c->hint);
    }
    switch (c->help) {
    case HELP_NULL:
        g_assert_cmpint(help, ==, 42);
        break;
    case HELP_NO:
        /* an early error may leave it alone */
        if (c->result) {
            g_assert_false(help);
        }
        break;
    case HELP_YES:
        g_assert_true(help);
        break;
    }
}

static void test_opts_parse(gconstpointer opaque)
{
    check_parse(qmem_opts_parse, opaque);
}

static void test_keyval_parse(gconstpointer opaque)
{
    check_parse(qmem_keyval_parse, opaque);
}

/* Error pointers are optional */
static void test_parse_null_error(void)
{
    gboolean help;

    g_assert_null(qmem_opts_parse("id=0", NULL, NULL, NULL));
    g_assert_null(qmem_keyval_parse("a.b=1,a=2", NULL, &help, NULL));
    g_assert_null(qmem_json_parse_object("[]", NULL));
}

/* A scalar takes the last of its values; keys not given have none. */
static void test_opts_get_last(void)
{
    g_autoptr(JsonObject) opts = qmem_opts_parse("kvm,x=1,accel=qtest,x=2",
                                                 "accel", NULL, NULL);

    g_assert_cmpstr(qmem_opts_get_last(opts, "accel"), ==, "qtest");
    g_assert_cmpstr(qmem_opts_get_last(opts, "x"), ==, "2");
    g_assert_null(qmem_opts_get_last(opts, "y"));
}

/* ------------------------------------------------------------------ */
/* qmem_json_parse_object() */

typedef struct {
    const char *str;
    const char *result;
    const char *error;
} JsonCase;

static const JsonCase json_cases[] = {
    { "{}", "{}" },
    { "{\"qom-type\":\"memory-backend-ram\",\"id\":\"m0\","
      "\"size\":1073741824,\"share\":true}",
      "{\"qom-type\":\"memory-backend-ram\",\"id\":\"m0\","
      "\"size\":1073741824,\"share\":true}" },
    { " { \"a\" : [1, 2], \"b\" : {\"c\": null} } ",
      "{\"a\":[1,2],\"b\":{\"c\":null}}" },
    /* single quotes, as QEMU's parser allows */
    { "{'a':'x'}", "{\"a\":\"x\"}" },
    /* the same key in different objects */
    { "{\"a\":{\"b\":1},\"c\":{\"b\":2}}",
      "{\"a\":{\"b\":1},\"c\":{\"b\":2}}" },
    { "{\"a\":[{\"b\":1},{\"b\":2}]}", "{\"a\":[{\"b\":1},{\"b\":2}]}" },
    /* QEMU's errors */
    { "{\"a\":1,\"a\":2}", NULL, "JSON parse error, duplicate key" },
    { "{\"a\":{\"b\":1,\"b\":2}}", NULL, "JSON parse error, duplicate key" },
    { "{\"a\":[{\"b\":1,\"c\":2,\"b\":3}]}", NULL,
      "JSON parse error, duplicate key" },
    { "{\"a\":1} {\"b\":2}", NULL, "Expecting at most one JSON value" },
    { "[] {}", NULL, "Expecting at most one JSON value" },
    { "1 {}", NULL, "Expecting at most one JSON value" },
    { "", NULL, "JSON parse error, premature EOI" },
    { "  \n", NULL, "JSON parse error, premature EOI" },
    /* the top level must be an object */
    { "[1]", NULL, "expected a JSON object" },
    { "1", NULL, "expected a JSON object" },
    { "\"s\"", NULL, "expected a JSON object" },
    { "null", NULL, "expected a JSON object" },
    /* malformed: QEMU's parser's words */
    { "{\"qom-type\":", NULL, "JSON parse error, premature EOI" },
    { "{\"a\":1}x", NULL, "Expecting at most one JSON value" },
    { "{\"a\":[1,2}", NULL, "JSON parse error, expected separator in list" },
    { "{\"a\" 1}", NULL, "JSON parse error, missing : in object pair" },
    { "{", NULL, "JSON parse error, premature EOI" },
};

static void test_json_parse(gconstpointer opaque)
{
    const JsonCase *c = opaque;
    g_autoptr(GError) err = NULL;
    g_autoptr(JsonObject) obj = NULL;

    obj = qmem_json_parse_object(c->str, &err);
    if (c->result) {
        g_autofree char *json = NULL;

        g_assert_no_error(err);
        json = object_to_string(obj);
        g_assert_cmpstr(json, ==, c->result);
    } else {
        g_assert_null(obj);
        g_assert_error(err, QMEM_ERROR, QMEM_ERROR_GENERIC);
        g_assert_cmpstr(err->message, ==, c->error);
    }
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    /* Warnings name the program, as qmem-run's do. */
    g_set_prgname("qmem-run");

    ADD_CASES("/qapi/opts/opts-parse", opts_cases, test_opts_parse);
    ADD_CASES("/qapi/opts/keyval-parse", keyval_cases, test_keyval_parse);
    ADD_CASES("/qapi/opts/json-parse", json_cases, test_json_parse);
    g_test_add_func("/qapi/opts/null-error", test_parse_null_error);
    g_test_add_func("/qapi/opts/get-last", test_opts_get_last);

    return g_test_run();
}
