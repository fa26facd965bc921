/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Tests of the object tree, the property layer and user-creatable objects. */

#include <string.h>
#include <glib/gstdio.h>
#include "qapi/opts.h"
#include "qmem-config.h"
#include "qobject/json.h"
#include "qom/module.h"
#include "qom/qom-qmp-cmds.h"
#include "qom/user-creatable.h"
#include "util/error.h"

/* A type with one property of every kind the property layer knows. */
typedef enum {
    TEST_COLOR_RED,
    TEST_COLOR_GREEN,
} TestColor;

static GType test_color_get_type(void)
{
    static gsize type;
    static const GEnumValue values[] = {
        { TEST_COLOR_RED, "TEST_COLOR_RED", "red" },
        { TEST_COLOR_GREEN, "TEST_COLOR_GREEN", "green" },
        { 0, NULL, NULL },
    };

    if (g_once_init_enter(&type)) {
        g_once_init_leave(&type, g_enum_register_static("QmemTestColor",
                                                        values));
    }
    return type;
}

#define TEST_TYPE_THING (test_thing_get_type())
G_DECLARE_FINAL_TYPE(TestThing, test_thing, TEST, THING, QmemObject)

struct _TestThing {
    QmemObject parent_instance;

    gboolean flag;
    guint64 size;
    guint count;
    guint small;
    gint offset;
    GArray *nodes;
    TestColor color;
    char *label;
    QmemObject *link;
    gboolean completed;
    gboolean fail_complete;
};

enum {
    PROP_0,
    PROP_FLAG,
    PROP_SIZE,
    PROP_COUNT,
    PROP_SMALL,
    PROP_OFFSET,
    PROP_NODES,
    PROP_COLOR,
    PROP_LABEL,
    PROP_LINK,
    PROP_READONLY,
    PROP_FAIL_COMPLETE,
    N_PROPS
};

static GParamSpec *props[N_PROPS];

static gboolean test_thing_complete(QmemUserCreatable *uc, GError **error)
{
    TestThing *t = TEST_THING(uc);

    if (t->fail_complete) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC, "complete failed");
        return FALSE;
    }
    t->completed = TRUE;
    return TRUE;
}

static gboolean test_thing_can_be_deleted(QmemUserCreatable *uc)
{
    return TEST_THING(uc)->link == NULL;
}

static void test_thing_uc_init(QmemUserCreatableInterface *iface)
{
    iface->complete = test_thing_complete;
    iface->can_be_deleted = test_thing_can_be_deleted;
}

G_DEFINE_TYPE_WITH_CODE(TestThing, test_thing, QMEM_TYPE_OBJECT,
                        G_IMPLEMENT_INTERFACE(QMEM_TYPE_USER_CREATABLE,
                                              test_thing_uc_init))

static void test_thing_set_property(GObject *obj, guint id,
                                    const GValue *value, GParamSpec *pspec)
{
    TestThing *t = TEST_THING(obj);

    switch (id) {
    case PROP_FLAG:
        t->flag = g_value_get_boolean(value);
        break;
    case PROP_SIZE:
        t->size = g_value_get_uint64(value);
        break;
    case PROP_COUNT:
        t->count = g_value_get_uint(value);
        break;
    case PROP_SMALL:
        t->small = g_value_get_uint(value);
        break;
    case PROP_OFFSET:
        t->offset = g_value_get_int(value);
        break;
    case PROP_NODES:
        g_clear_pointer(&t->nodes, g_array_unref);
        t->nodes = g_value_dup_boxed(value);
        break;
    case PROP_COLOR:
        t->color = g_value_get_enum(value);
        break;
    case PROP_LABEL:
        g_free(t->label);
        t->label = g_value_dup_string(value);
        break;
    case PROP_LINK:
        g_clear_object(&t->link);
        t->link = g_value_dup_object(value);
        break;
    case PROP_FAIL_COMPLETE:
        t->fail_complete = g_value_get_boolean(value);
        break;
    default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID(obj, id, pspec);
    }
}

static void test_thing_get_property(GObject *obj, guint id, GValue *value,
                                    GParamSpec *pspec)
{
    TestThing *t = TEST_THING(obj);

    switch (id) {
    case PROP_FLAG:
        g_value_set_boolean(value, t->flag);
        break;
    case PROP_SIZE:
        g_value_set_uint64(value, t->size);
        break;
    case PROP_COUNT:
        g_value_set_uint(value, t->count);
        break;
    case PROP_SMALL:
        g_value_set_uint(value, t->small);
        break;
    case PROP_OFFSET:
        g_value_set_int(value, t->offset);
        break;
    case PROP_NODES:
        g_value_set_boxed(value, t->nodes);
        break;
    case PROP_COLOR:
        g_value_set_enum(value, t->color);
        break;
    case PROP_LABEL:
        g_value_set_string(value, t->label);
        break;
    case PROP_LINK:
        g_value_set_object(value, t->link);
        break;
    case PROP_READONLY:
        g_value_set_uint64(value, 42);
        break;
    case PROP_FAIL_COMPLETE:
        g_value_set_boolean(value, t->fail_complete);
        break;
    default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID(obj, id, pspec);
    }
}

/* "count" refuses 13 the way a type refuses a value that is wrong now. */
static gboolean test_thing_set_property_checked(QmemObject *obj,
                                                GParamSpec *pspec,
                                                const GValue *value,
                                                GError **error)
{
    if (!strcmp(pspec->name, "count") && g_value_get_uint(value) == 13) {
        g_set_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC,
                    "count may not be 13");
        return FALSE;
    }
    return QMEM_OBJECT_CLASS(test_thing_parent_class)
        ->set_property_checked(obj, pspec, value, error);
}

static void test_thing_finalize(GObject *obj)
{
    TestThing *t = TEST_THING(obj);

    g_clear_pointer(&t->nodes, g_array_unref);
    g_free(t->label);
    g_clear_object(&t->link);
    G_OBJECT_CLASS(test_thing_parent_class)->finalize(obj);
}

static void test_thing_class_init(TestThingClass *klass)
{
    GObjectClass *oc = G_OBJECT_CLASS(klass);
    GParamFlags rw = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
                     G_PARAM_EXPLICIT_NOTIFY;

    oc->set_property = test_thing_set_property;
    oc->get_property = test_thing_get_property;
    oc->finalize = test_thing_finalize;
    QMEM_OBJECT_CLASS(klass)->set_property_checked =
        test_thing_set_property_checked;

    props[PROP_FLAG] = g_param_spec_boolean("flag", NULL, "A flag", FALSE, rw);
    props[PROP_SIZE] = qmem_param_spec_size("size", "A size", 0, G_MAXUINT64,
                                            0, rw);
    qmem_param_spec_set_mandatory(props[PROP_SIZE]);
    props[PROP_COUNT] = g_param_spec_uint("count", NULL, "A count", 0,
                                          G_MAXUINT32, 0, rw);
    props[PROP_SMALL] = g_param_spec_uint("small", NULL, "A uint16", 0,
                                          G_MAXUINT16, 7, rw);
    qmem_param_spec_set_show_default(props[PROP_SMALL], TRUE);
    props[PROP_OFFSET] = g_param_spec_int("offset", NULL, "An int32",
                                          G_MININT32, G_MAXINT32, 0, rw);
    props[PROP_NODES] = qmem_param_spec_uint_list("nodes", "A list",
                                                  G_MAXUINT16, rw);
    props[PROP_COLOR] = g_param_spec_enum("color", NULL, "A color",
                                          test_color_get_type(),
                                          TEST_COLOR_RED, rw);
    props[PROP_LABEL] = g_param_spec_string("label", NULL, NULL, NULL, rw);
    props[PROP_LINK] = g_param_spec_object("link", NULL, "A link",
                                           TEST_TYPE_THING, rw);
    props[PROP_READONLY] = g_param_spec_uint64("readonly", NULL, "Fixed", 0,
                                               G_MAXUINT64, 42,
                                               G_PARAM_READABLE |
                                               G_PARAM_STATIC_STRINGS);
    props[PROP_FAIL_COMPLETE] = g_param_spec_boolean("fail-complete", NULL,
                                                     "Fail in complete",
                                                     FALSE, rw);
    g_object_class_install_properties(oc, N_PROPS, props);
}

static void test_thing_init(TestThing *t)
{
    t->small = 7;
}

/*
 * A holder of a thing, its child "inner", whose properties it aliases
 * under their own names, and "size" once more as "big".  A shell holds a
 * holder ("holder") and aliases its alias "big" as "size".
 */
#define TEST_TYPE_HOLDER (test_holder_get_type())
G_DECLARE_FINAL_TYPE(TestHolder, test_holder, TEST, HOLDER, QmemObject)

struct _TestHolder {
    QmemObject parent_instance;
};

G_DEFINE_TYPE(TestHolder, test_holder, QMEM_TYPE_OBJECT)

static const char *const holder_aliases[] = {
    "flag", "size", "count", "small", "offset", "nodes", "color", "label",
    "link", "readonly",
};

static void test_holder_class_init(TestHolderClass *klass)
{
    GObjectClass *oc = G_OBJECT_CLASS(klass);
    guint i;

    oc->get_property = qmem_object_alias_get_property;
    oc->set_property = qmem_object_alias_set_property;
    for (i = 0; i < G_N_ELEMENTS(holder_aliases); i++) {
        qmem_object_class_install_alias(oc, i + 1, holder_aliases[i], "inner",
                                        TEST_TYPE_THING, holder_aliases[i]);
    }
    qmem_object_class_install_alias(oc, i + 1, "big", "inner",
                                    TEST_TYPE_THING, "size");
}

static void test_holder_init(TestHolder *h)
{
    g_autoptr(QmemObject) inner = g_object_new(TEST_TYPE_THING, NULL);

    g_assert_true(qmem_object_add_child(QMEM_OBJECT(h), "inner", inner,
                                        NULL));
}

#define TEST_TYPE_SHELL (test_shell_get_type())
G_DECLARE_FINAL_TYPE(TestShell, test_shell, TEST, SHELL, QmemObject)

struct _TestShell {
    QmemObject parent_instance;
};

G_DEFINE_TYPE(TestShell, test_shell, QMEM_TYPE_OBJECT)

static void test_shell_class_init(TestShellClass *klass)
{
    GObjectClass *oc = G_OBJECT_CLASS(klass);

    oc->get_property = qmem_object_alias_get_property;
    oc->set_property = qmem_object_alias_set_property;
    qmem_object_class_install_alias(oc, 1, "size", "holder",
                                    TEST_TYPE_HOLDER, "big");
}

static void test_shell_init(TestShell *shell)
{
    g_autoptr(QmemObject) holder = g_object_new(TEST_TYPE_HOLDER, NULL);

    g_assert_true(qmem_object_add_child(QMEM_OBJECT(shell), "holder", holder,
                                        NULL));
}

/* Every test leaves an empty tree: objects left over are leaks. */
static void tree_teardown(void)
{
    QmemObject *root = qmem_object_get_root();
    GWeakRef weak;

    g_weak_ref_init(&weak, root);
    qmem_object_reset_root();
    g_assert_null(g_weak_ref_get(&weak));
    g_weak_ref_clear(&weak);
}

static QmemObject *add_thing(const char *id, const char *opts)
{
    g_autofree char *str = g_strdup_printf("test-thing,id=%s%s%s", id,
                                           *opts ? "," : "", opts);
    g_autoptr(JsonObject) options = qmem_opts_parse(str, "qom-type", NULL,
                                                    NULL);
    g_autoptr(GError) error = NULL;
    QmemObject *obj;

    g_assert_nonnull(options);
    obj = qmem_user_creatable_add(options, QMEM_INPUT_OPTS, &error);
    g_assert_no_error(error);
    return obj;
}

static void test_tree_paths(void)
{
    QmemObject *a = add_thing("a", "size=1");
    QmemObject *machine = qmem_container_get(qmem_object_get_root(),
                                             "machine/peripheral");
    g_autofree char *path = qmem_object_get_canonical_path(a);
    g_autofree char *mpath = qmem_object_get_canonical_path(machine);
    g_autofree char *rpath =
        qmem_object_get_canonical_path(qmem_object_get_root());
    g_autoptr(QmemObject) loose = g_object_new(TEST_TYPE_THING, NULL);
    g_autoptr(QmemObject) other = g_object_new(TEST_TYPE_THING, NULL);
    g_autoptr(GError) error = NULL;
    gboolean ambiguous;

    g_assert_cmpstr(path, ==, "/objects/a");
    g_assert_cmpstr(mpath, ==, "/machine/peripheral");
    g_assert_cmpstr(rpath, ==, "/");
    g_assert_null(qmem_object_get_canonical_path(loose));
    g_assert_cmpstr(qmem_object_get_typename(a), ==, "test-thing");
    g_assert_cmpstr(qmem_object_get_typename(machine), ==, "container");

    g_assert_true(qmem_object_resolve_path("/objects/a", G_TYPE_NONE,
                                           NULL) == a);
    g_assert_true(qmem_object_resolve_path("a", TEST_TYPE_THING, NULL) == a);
    g_assert_true(qmem_object_resolve_path("objects/a", G_TYPE_NONE,
                                           NULL) == a);
    g_assert_null(qmem_object_resolve_path("/objects/b", G_TYPE_NONE, NULL));
    g_assert_null(qmem_object_resolve_path("a", QMEM_TYPE_CONTAINER, NULL));

    /* A partial path that fits two objects names none of them. */
    g_assert_true(qmem_object_add_child(machine, "a", loose, NULL));
    g_assert_null(qmem_object_resolve_path("a", TEST_TYPE_THING, &ambiguous));
    g_assert_true(ambiguous);
    g_assert_true(qmem_object_resolve_path("peripheral/a", TEST_TYPE_THING,
                                           &ambiguous) == loose);
    g_assert_false(ambiguous);

    g_assert_false(qmem_object_add_child(machine, "a", other, &error));
    g_assert_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC);
    g_assert_cmpstr(error->message, ==,
                    "attempt to add duplicate property 'a' to object "
                    "(type 'container')");
    tree_teardown();
}

typedef struct {
    QmemInputKind kind;
    const char *prop;
    const char *input;      /* a string, or JSON text for QMEM_INPUT_JSON */
    const char *printed;    /* qmem_property_print() after, or NULL */
    const char *message;    /* the error, or NULL */
} PropCase;

static const PropCase prop_cases[] = {
    /* booleans */
    { QMEM_INPUT_OPTS, "flag", "on", "true", NULL },
    { QMEM_INPUT_OPTS, "flag", "y", "true", NULL },
    { QMEM_INPUT_STRING, "flag", "no", "false", NULL },
    { QMEM_INPUT_KEYVAL, "flag", "yes", "true", NULL },
    { QMEM_INPUT_OPTS, "flag", "maybe", NULL,
      "Parameter 'flag' expects 'on' or 'off'" },
    { QMEM_INPUT_JSON, "flag", "true", "true", NULL },
    { QMEM_INPUT_JSON, "flag", "\"on\"", NULL,
      "Invalid parameter type for 'flag', expected: boolean" },
    /* sizes */
    { QMEM_INPUT_OPTS, "size", "1G", "1073741824", NULL },
    { QMEM_INPUT_OPTS, "size", "1.5k", "1536", NULL },
    { QMEM_INPUT_OPTS, "size", "1Q", NULL,
      "Parameter 'size' expects a size value" },
    { QMEM_INPUT_KEYVAL, "size", "1Q", NULL, "Parameter 'size' expects size" },
    { QMEM_INPUT_STRING, "size", "-1", NULL,
      "Value '-1' is out of range for parameter 'size'" },
    { QMEM_INPUT_STRING, "size", "x", NULL,
      "Parameter 'size' expects a non-negative number below 2^64" },
    { QMEM_INPUT_JSON, "size", "1048576", "1048576", NULL },
    { QMEM_INPUT_JSON, "size", "-1", "18446744073709551615", NULL },
    { QMEM_INPUT_JSON, "size", "\"1M\"", NULL,
      "Parameter 'size' expects uint64" },
    /* uint32 / uint16 */
    { QMEM_INPUT_OPTS, "count", "0x10", "16", NULL },
    { QMEM_INPUT_OPTS, "count", "-1", NULL,
      "Parameter 'count' expects a uint64 value" },
    { QMEM_INPUT_OPTS, "count", "5000000000", NULL,
      "Parameter 'count' expects uint32_t" },
    { QMEM_INPUT_KEYVAL, "count", "x", NULL,
      "Parameter 'count' expects integer" },
    { QMEM_INPUT_STRING, "count", "x", NULL,
      "Parameter 'count' expects uint64" },
    { QMEM_INPUT_STRING, "small", "65536", NULL,
      "Parameter 'small' expects uint16_t" },
    { QMEM_INPUT_OPTS, "count", "13", NULL, "count may not be 13" },
    /* int32 */
    { QMEM_INPUT_OPTS, "offset", "-5", "-5", NULL },
    { QMEM_INPUT_OPTS, "offset", "x", NULL,
      "Parameter 'offset' expects an int64 value" },
    { QMEM_INPUT_STRING, "offset", "x", NULL,
      "Parameter 'offset' expects int64" },
    { QMEM_INPUT_JSON, "offset", "true", NULL,
      "Invalid parameter type for 'offset', expected: integer" },
    { QMEM_INPUT_STRING, "offset", "4294967296", NULL,
      "Parameter 'offset' expects int32_t" },
    /* integer lists */
    { QMEM_INPUT_STRING, "nodes", "0-2,5", "0-2,5", NULL },
    { QMEM_INPUT_STRING, "nodes", "", "", NULL },
    { QMEM_INPUT_STRING, "nodes", "2-1", NULL,
      "Parameter 'nodes' expects list of uint64 values or ranges" },
    { QMEM_INPUT_STRING, "nodes", "70000", NULL,
      "Parameter 'null' expects uint16_t" },
    { QMEM_INPUT_JSON, "nodes", "[1, 3]", "1,3", NULL },
    { QMEM_INPUT_JSON, "nodes", "1", NULL,
      "Invalid parameter type for 'nodes', expected: array" },
    { QMEM_INPUT_JSON, "nodes", "[\"1\"]", NULL,
      "Parameter 'nodes[0]' expects uint64" },
    { QMEM_INPUT_JSON, "nodes", "[1, 70000]", NULL,
      "Parameter 'null' expects uint16_t" },
    /* enums, strings */
    { QMEM_INPUT_STRING, "color", "green", "green", NULL },
    { QMEM_INPUT_STRING, "color", "blue", NULL,
      "Parameter 'color' does not accept value 'blue'" },
    { QMEM_INPUT_JSON, "color", "1", NULL,
      "Invalid parameter type for 'color', expected: string" },
    { QMEM_INPUT_STRING, "label", "a,b", "a,b", NULL },
    /* links */
    { QMEM_INPUT_STRING, "link", "target", "/objects/target", NULL },
    { QMEM_INPUT_STRING, "link", "/objects/target", "/objects/target", NULL },
    { QMEM_INPUT_STRING, "link", "", "", NULL },
    { QMEM_INPUT_STRING, "link", "nothere", NULL,
      "Device 'nothere' not found" },
    { QMEM_INPUT_STRING, "link", "/objects", NULL,
      "Invalid parameter type for 'link', expected: test-thing" },
    /* names */
    { QMEM_INPUT_STRING, "nosuch", "1", NULL,
      "Property 'test-thing.nosuch' not found" },
    { QMEM_INPUT_STRING, "readonly", "1", NULL,
      "Property 'test-thing.readonly' is not writable" },
};

static JsonNode *case_input(const PropCase *c)
{
    JsonNode *node;

    switch (c->kind) {
    case QMEM_INPUT_JSON:
        node = json_from_string(c->input, NULL);
        g_assert_nonnull(node);
        return node;
    case QMEM_INPUT_OPTS: {
        JsonArray *values = json_array_new();

        json_array_add_string_element(values, c->input);
        return qmem_json_node_new_array(values);
    }
    default:
        return json_node_init_string(json_node_alloc(), c->input);
    }
}

/* One case on @obj; @inner, when not %NULL, is where @obj's value lives. */
static void check_property_case(const PropCase *c, QmemObject *obj,
                                QmemObject *inner)
{
    g_autoptr(JsonNode) input = case_input(c);
    g_autoptr(GError) error = NULL;
    g_autofree char *before = NULL;
    g_autofree char *after = NULL;
    gboolean ok;

    add_thing("target", "size=1");
    before = qmem_property_print(obj, c->prop, NULL);
    ok = qmem_property_set_input(obj, c->prop, input, c->kind, &error);
    if (c->message) {
        g_assert_false(ok);
        g_assert_nonnull(error);
        g_assert_cmpstr(error->message, ==, c->message);
        /* A refused value leaves the property as it was. */
        after = qmem_property_print(obj, c->prop, NULL);
        g_assert_cmpstr(before, ==, after);
    } else {
        g_assert_no_error(error);
        g_assert_true(ok);
        after = qmem_property_print(obj, c->prop, &error);
        g_assert_no_error(error);
        g_assert_cmpstr(after, ==, c->printed);
        /* parse(print(x)) == x */
        g_assert_true(qmem_property_parse(obj, c->prop, after, &error));
        g_assert_no_error(error);
        g_free(before);
        before = qmem_property_print(obj, c->prop, NULL);
        g_assert_cmpstr(before, ==, after);
    }
    if (inner) {
        g_free(before);
        before = qmem_property_print(inner, c->prop, NULL);
        g_assert_cmpstr(before, ==, after);
    }
}

static void test_property_case(gconstpointer data)
{
    check_property_case(data, add_thing("thing", "size=1"), NULL);
    tree_teardown();
}

/* A holder in /objects, weakly watched with its thing. */
static QmemObject *add_holder(GWeakRef *weak_holder, GWeakRef *weak_inner)
{
    g_autoptr(QmemObject) holder = g_object_new(TEST_TYPE_HOLDER, NULL);

    g_assert_true(qmem_object_add_child(qmem_object_get_objects_root(),
                                        "holder", holder, NULL));
    g_weak_ref_init(weak_holder, holder);
    g_weak_ref_init(weak_inner, qmem_object_get_child(holder, "inner"));
    return holder;
}

static void holder_teardown(GWeakRef *weak_holder, GWeakRef *weak_inner)
{
    tree_teardown();
    g_assert_null(g_weak_ref_get(weak_holder));
    g_assert_null(g_weak_ref_get(weak_inner));
    g_weak_ref_clear(weak_holder);
    g_weak_ref_clear(weak_inner);
}

/* Every case again through an alias: the same values, texts and checks. */
static void test_alias_case(gconstpointer data)
{
    GWeakRef weak_holder, weak_inner;
    QmemObject *holder = add_holder(&weak_holder, &weak_inner);

    check_property_case(data, holder, qmem_object_get_child(holder, "inner"));
    holder_teardown(&weak_holder, &weak_inner);
}

static void test_property_json(void)
{
    QmemObject *obj = add_thing("thing", "size=2M,nodes=1-2,color=green,"
                                         "flag=on");
    struct {
        const char *prop;
        const char *json;
    } expected[] = {
        { "size", "2097152" },
        { "nodes", "[1,2]" },
        { "color", "\"green\"" },
        { "flag", "true" },
        { "link", "\"\"" },
        { "readonly", "42" },
    };

    for (gsize i = 0; i < G_N_ELEMENTS(expected); i++) {
        g_autoptr(JsonNode) node = qmem_property_get_json(obj,
                                                          expected[i].prop,
                                                          NULL);
        g_autofree char *text = json_to_string(node, FALSE);

        g_assert_cmpstr(text, ==, expected[i].json);
    }
    tree_teardown();
}

static void assert_error_text(GError *error, const char *message)
{
    g_assert_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC);
    g_assert_cmpstr(error->message, ==, message);
}

static guint64 thing_size(QmemObject *holder)
{
    return TEST_THING(qmem_object_get_child(holder, "inner"))->size;
}

/* An alias by another name: messages name the alias, the value is size's. */
static void test_alias_renamed(void)
{
    GWeakRef weak_holder, weak_inner;
    QmemObject *holder = add_holder(&weak_holder, &weak_inner);
    g_autoptr(GError) error = NULL;
    g_autofree char *printed = NULL;
    g_autoptr(JsonNode) node = NULL;
    g_autoptr(JsonNode) input = json_node_init_int(json_node_alloc(), 7);

    g_assert_false(qmem_property_parse(holder, "big", "1Q", &error));
    assert_error_text(error, "Parameter 'big' expects a non-negative number "
                      "below 2^64");
    g_clear_error(&error);
    g_assert_true(qmem_property_parse(holder, "big", "2M", &error));
    g_assert_no_error(error);
    g_assert_cmpuint(thing_size(holder), ==, 2 * 1024 * 1024);
    printed = qmem_property_print(holder, "big", &error);
    g_assert_cmpstr(printed, ==, "2097152");
    g_assert_true(qmem_property_set_input(holder, "big", input,
                                          QMEM_INPUT_JSON, &error));
    node = qmem_property_get_json(holder, "size", &error);
    g_assert_no_error(error);
    g_assert_cmpint(json_node_get_int(node), ==, 7);
    holder_teardown(&weak_holder, &weak_inner);
}

/* An alias of an alias reaches the thing through the holder. */
static void test_alias_chain(void)
{
    g_autoptr(QmemObject) shell = g_object_new(TEST_TYPE_SHELL, NULL);
    QmemObject *holder = qmem_object_get_child(shell, "holder");
    g_autoptr(GString) out = g_string_new(NULL);
    g_autoptr(GError) error = NULL;
    g_autofree char *printed = NULL;

    g_assert_true(qmem_property_parse(shell, "size", "4k", &error));
    g_assert_no_error(error);
    g_assert_cmpuint(thing_size(holder), ==, 4096);
    printed = qmem_property_print(shell, "size", &error);
    g_assert_cmpstr(printed, ==, "4096");
    g_assert_false(qmem_property_parse(shell, "size", "x", &error));
    assert_error_text(error, "Parameter 'size' expects a non-negative number "
                      "below 2^64");
    qmem_type_print_help(TEST_TYPE_SHELL, out);
    g_assert_cmpstr(out->str, ==, "test-shell options:\n"
                                  "  size=<size>            - A size\n");
}

/* Values from outside reach the thing's own checks, as -object gives them. */
static void test_alias_set_props(void)
{
    GWeakRef weak_holder, weak_inner;
    QmemObject *holder = add_holder(&weak_holder, &weak_inner);
    TestThing *inner = TEST_THING(qmem_object_get_child(holder, "inner"));
    g_autoptr(GError) error = NULL;
    g_autoptr(JsonObject) ok = qmem_opts_parse("count=3,nodes=1-2,label=x,"
                                               "link=target", NULL, NULL,
                                               NULL);
    QmemObject *target = add_thing("target", "size=1");
    g_autoptr(JsonObject) refused = qmem_opts_parse("count=13", NULL, NULL,
                                                    NULL);
    g_autoptr(JsonObject) readonly = qmem_json_parse_object(
        "{\"readonly\": 1}", NULL);

    /* The thing's "size" is mandatory; an alias is not because of it. */
    g_assert_true(qmem_object_set_props(holder, ok, QMEM_INPUT_OPTS,
                                        &error));
    g_assert_no_error(error);
    g_assert_cmpuint(inner->count, ==, 3);
    g_assert_cmpuint(inner->nodes->len, ==, 2);
    g_assert_cmpstr(inner->label, ==, "x");
    g_assert_true(inner->link == target);
    g_assert_false(qmem_object_set_props(holder, refused, QMEM_INPUT_OPTS,
                                         &error));
    assert_error_text(error, "count may not be 13");
    g_clear_error(&error);
    g_assert_false(qmem_object_set_props(holder, readonly, QMEM_INPUT_JSON,
                                         &error));
    assert_error_text(error, "Parameter 'readonly' is unexpected");
    g_clear_error(&error);
    g_assert_true(qmem_property_parse(holder, "link", "", &error));
    g_assert_null(inner->link);
    holder_teardown(&weak_holder, &weak_inner);
}

/* Help and qom-list show the alias as what it stands for. */
static void test_alias_help(void)
{
    GWeakRef weak_holder, weak_inner;
    g_autoptr(GString) out = g_string_new(NULL);
    g_autoptr(JsonObject) args = qmem_json_parse_object(
        "{\"path\": \"/objects/holder\"}", NULL);
    g_autoptr(JsonNode) list = NULL;
    g_autoptr(GError) error = NULL;
    g_autofree char *text = NULL;

    qmem_type_print_help(TEST_TYPE_HOLDER, out);
    g_assert_cmpstr(out->str, ==,
        "test-holder options:\n"
        "  big=<size>             - A size\n"
        "  color=<TestColor>      - A color\n"
        "  count=<uint32>         - A count\n"
        "  flag=<bool>            - A flag\n"
        "  label=<string>\n"
        "  link=<link<test-thing>> - A link\n"
        "  nodes=<int>            - A list\n"
        "  offset=<int32>         - An int32\n"
        "  readonly=<uint64>      - Fixed\n"
        "  size=<size>            - A size\n"
        "  small=<uint16>         - A uint16 (default: 7)\n");

    add_holder(&weak_holder, &weak_inner);
    list = qmem_qmp_qom_list(args, &error);
    g_assert_no_error(error);
    text = json_to_string(list, FALSE);
    g_assert_nonnull(strstr(text, "{\"name\":\"big\",\"type\":\"size\"}"));
    g_assert_nonnull(strstr(text, "{\"name\":\"link\",\"type\":"
                                  "\"link<test-thing>\"}"));
    g_assert_nonnull(strstr(text, "{\"name\":\"small\",\"type\":"
                                  "\"uint16\"}"));
    g_assert_nonnull(strstr(text, "{\"name\":\"inner\",\"type\":"
                                  "\"child<test-thing>\"}"));
    holder_teardown(&weak_holder, &weak_inner);
}

/* The GObject side: an alias's GParamSpec, g_object_get() and _set(). */
static void test_alias_gobject(void)
{
    g_autoptr(QmemObject) holder = g_object_new(TEST_TYPE_HOLDER, NULL);
    TestThing *inner = TEST_THING(qmem_object_get_child(holder, "inner"));
    GParamSpec *pspec = g_object_class_find_property(
        G_OBJECT_GET_CLASS(holder), "small");
    guint small = 0;
    TestColor color;

    g_assert_true(G_IS_PARAM_SPEC_UINT(pspec));
    g_assert_cmpuint(G_PARAM_SPEC_UINT(pspec)->maximum, ==, G_MAXUINT16);
    g_assert_cmpuint(G_PARAM_SPEC_UINT(pspec)->default_value, ==, 7);
    g_assert_cmpstr(g_param_spec_get_blurb(pspec), ==, "A uint16");
    pspec = g_object_class_find_property(G_OBJECT_GET_CLASS(holder),
                                         "readonly");
    g_assert_cmpint(pspec->flags & G_PARAM_READWRITE, ==, G_PARAM_READABLE);

    g_object_set(holder, "small", 9, "color", TEST_COLOR_GREEN, NULL);
    g_assert_cmpuint(inner->small, ==, 9);
    g_assert_cmpint(inner->color, ==, TEST_COLOR_GREEN);
    inner->small = 11;
    g_object_get(holder, "small", &small, "color", &color, NULL);
    g_assert_cmpuint(small, ==, 11);
    g_assert_cmpint(color, ==, TEST_COLOR_GREEN);
}

typedef struct {
    const char *input;          /* -object option string or JSON */
    int code;
    const char *message;
} AddCase;

static const AddCase add_cases[] = {
    { "test-thing,id=x", QMEM_ERROR_GENERIC, "Parameter 'size' is missing" },
    { "test-thing,id=x,size=1,bogus=1", QMEM_ERROR_GENERIC,
      "Invalid parameter 'bogus'" },
    { "{\"qom-type\": \"test-thing\", \"id\": \"x\", \"size\": 1, "
      "\"bogus\": 1}", QMEM_ERROR_GENERIC, "Parameter 'bogus' is unexpected" },
    { "{\"qom-type\": \"test-thing\", \"id\": \"x\"}", QMEM_ERROR_GENERIC,
      "Parameter 'size' is missing" },
    { "{\"id\": \"x\"}", QMEM_ERROR_GENERIC,
      "Parameter 'qom-type' is missing" },
    { "{\"qom-type\": \"test-thing\"}", QMEM_ERROR_GENERIC,
      "Parameter 'id' is missing" },
    { "{\"qom-type\": 1, \"id\": \"x\"}", QMEM_ERROR_GENERIC,
      "Invalid parameter type for 'qom-type', expected: string" },
    { "{\"qom-type\": \"test-thing\", \"id\": \"1x\", \"size\": 1}",
      QMEM_ERROR_GENERIC, "Parameter 'id' expects an identifier" },
    { "test-thing,size=1", QMEM_ERROR_GENERIC, "Parameter 'id' is missing" },
    { "nosuch,id=x", QMEM_ERROR_GENERIC,
      "Parameter 'qom-type' does not accept value 'nosuch'" },
    { "container,id=x", QMEM_ERROR_GENERIC,
      "Parameter 'qom-type' does not accept value 'container'" },
    { "test-abstract,id=x", QMEM_ERROR_GENERIC,
      "Parameter 'qom-type' does not accept value 'test-abstract'" },
    { "test-thing,id=x,size=1,readonly=1", QMEM_ERROR_GENERIC,
      "Invalid parameter 'readonly'" },
    { "test-thing,id=x,size=1,count=13", QMEM_ERROR_GENERIC,
      "count may not be 13" },
    { "test-thing,id=x,size=1,count=13,small=x", QMEM_ERROR_GENERIC,
      "Parameter 'small' expects a uint64 value" },
    { "test-thing,id=x,size=1,fail-complete=on", QMEM_ERROR_GENERIC,
      "complete failed" },
    { "test-thing,id=x,size=1,link=nothere", QMEM_ERROR_DEVICE_NOT_FOUND,
      "Device 'nothere' not found" },
};

static void test_add_case(gconstpointer data)
{
    const AddCase *c = data;
    g_autoptr(GError) error = NULL;
    g_autoptr(JsonObject) options = NULL;
    QmemInputKind kind = c->input[0] == '{' ? QMEM_INPUT_JSON
                                            : QMEM_INPUT_OPTS;

    options = kind == QMEM_INPUT_JSON
        ? qmem_json_parse_object(c->input, &error)
        : qmem_opts_parse(c->input, "qom-type", NULL, &error);
    g_assert_no_error(error);
    g_assert_null(qmem_user_creatable_add(options, kind, &error));
    g_assert_error(error, QMEM_ERROR, c->code);
    g_assert_cmpstr(error->message, ==, c->message);
    /* Nothing is left behind. */
    g_assert_null(qmem_object_get_child(qmem_object_get_objects_root(), "x"));
    tree_teardown();
}

static void test_add_type_errors(void)
{
    static const struct {
        const char *type;
        const char *id;
        const char *message;
    } cases[] = {
        { "nosuch", "x", "invalid object type: nosuch" },
        { "container", "x", "object type 'container' isn't supported by "
          "object-add" },
        { "test-abstract", "x", "object type 'test-abstract' is abstract" },
        { "test-thing", "_x", "Parameter 'id' expects an identifier" },
    };

    for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autoptr(GError) error = NULL;

        g_assert_null(qmem_user_creatable_add_type(cases[i].type,
                                                   cases[i].id, NULL,
                                                   QMEM_INPUT_JSON, &error));
        g_assert_error(error, QMEM_ERROR, QMEM_ERROR_GENERIC);
        g_assert_cmpstr(error->message, ==, cases[i].message);
    }
    tree_teardown();
}

static void test_id_hint(void)
{
    g_autoptr(GError) error = NULL;

    g_assert_null(qmem_user_creatable_add_type("test-thing", "9", NULL,
                                               QMEM_INPUT_JSON, &error));
    g_assert_cmpstr(qmem_error_get_hint(error), ==,
                    "Identifiers consist of letters, digits, '-', '.', '_', "
                    "starting with a letter.\n");
    tree_teardown();
}

static void test_add_del(void)
{
    g_autoptr(GError) error = NULL;
    QmemObject *a = add_thing("a", "size=1,small=3,nodes=1,nodes=4-5");
    g_autoptr(JsonObject) size_one = qmem_json_parse_object("{\"size\": 1}",
                                                            NULL);
    QmemObject *b;
    GWeakRef weak;

    g_assert_true(TEST_THING(a)->completed);
    g_assert_cmpuint(TEST_THING(a)->small, ==, 3);
    g_assert_cmpuint(TEST_THING(a)->nodes->len, ==, 3);

    /* Duplicate ids are the tree's to refuse. */
    g_assert_null(qmem_user_creatable_add_type("test-thing", "a", size_one,
                                               QMEM_INPUT_JSON, &error));
    g_assert_cmpstr(error->message, ==, "attempt to add duplicate property "
                    "'a' to object (type 'container')");
    g_clear_error(&error);

    /* b links to a and refuses deletion while it does (in use). */
    b = add_thing("b", "size=1,link=a");
    g_assert_false(qmem_user_creatable_del("b", &error));
    g_assert_cmpstr(error->message, ==,
                    "object 'b' is in use, can not be deleted");
    g_clear_error(&error);
    g_assert_true(qmem_property_parse(b, "link", "", &error));
    g_weak_ref_init(&weak, b);
    g_assert_true(qmem_user_creatable_del("b", &error));
    g_assert_null(g_weak_ref_get(&weak));
    g_weak_ref_clear(&weak);

    g_assert_false(qmem_user_creatable_del("b", &error));
    g_assert_cmpstr(error->message, ==, "object 'b' not found");
    tree_teardown();
}

static void test_help(void)
{
    g_autoptr(GString) out = g_string_new(NULL);

    /* Not readonly: QEMU's object help leaves out what cannot be set. */
    g_assert_true(qmem_user_creatable_print_help("test-thing", out));
    g_assert_cmpstr(out->str, ==,
        "test-thing options:\n"
        "  color=<TestColor>      - A color\n"
        "  count=<uint32>         - A count\n"
        "  fail-complete=<bool>   - Fail in complete\n"
        "  flag=<bool>            - A flag\n"
        "  label=<string>\n"
        "  link=<link<test-thing>> - A link\n"
        "  nodes=<int>            - A list\n"
        "  offset=<int32>         - An int32\n"
        "  size=<size>            - A size\n"
        "  small=<uint16>         - A uint16 (default: 7)\n");
    g_assert_false(qmem_user_creatable_print_help("container", out));
    g_string_truncate(out, 0);
    g_assert_true(qmem_user_creatable_print_help(NULL, out));
    g_assert_cmpstr(out->str, ==, "List of user creatable objects:\n"
                                  "  test-thing\n");
}

/* Loading modules changes global state, so it runs in a subprocess. */
static void test_module_errors(void)
{
    if (g_test_subprocess()) {
        g_autoptr(GError) error = NULL;
        g_autofree char *dir = g_dir_make_tmp("qmem-module-XXXXXX", NULL);
        g_autofree char *bogus = g_build_filename(dir, "bogus.so", NULL);

        g_assert_false(qmem_module_load_file("/nonexistent/x.so", &error));
        g_assert_error(error, QMEM_MODULE_ERROR, QMEM_MODULE_ERROR_OPEN);
        g_clear_error(&error);

        g_assert_true(g_file_set_contents(bogus, "not an ELF file", -1,
                                          NULL));
        g_assert_false(qmem_module_load_dir(dir, &error));
        g_assert_error(error, QMEM_MODULE_ERROR, QMEM_MODULE_ERROR_OPEN);
        g_clear_error(&error);
        g_unlink(bogus);
        g_rmdir(dir);

        g_assert_false(qmem_module_load_dir("/nonexistent", &error));
        g_assert_error(error, G_FILE_ERROR, G_FILE_ERROR_NOENT);
        return;
    }
    g_test_trap_subprocess(NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
    g_test_trap_assert_passed();
}

static void test_module_dir(void)
{
    g_autofree char *exe = g_file_read_link("/proc/self/exe", NULL);
    g_autofree char *exe_dir = g_path_get_dirname(exe);
    g_autofree char *bundle = g_build_filename(exe_dir, "qmem-bundle",
                                               QMEM_MODULE_DIR, NULL);
    const char *saved = g_getenv(QMEM_MODULE_DIR_ENV);
    g_autofree char *env = g_strdup(saved);
    GError *error = NULL;

    g_setenv(QMEM_MODULE_DIR_ENV, "/some/where", TRUE);
    g_assert_cmpstr(qmem_module_get_dir(), ==, "/some/where");
    g_assert_false(qmem_module_check_dirs(&error));
    g_assert_error(error, QMEM_MODULE_ERROR, QMEM_MODULE_ERROR_NO_DIR);
    g_assert_cmpstr(error->message, ==,
                    "no module directory found (searched '/some/where' "
                    "(from QMEM_MODULE_DIR)): set QMEM_MODULE_DIR to the "
                    "directory of qmem's modules, e.g. BUILDDIR/modules");
    g_clear_error(&error);

    /* The test programs are not beside a qmem-bundle: the installed dir. */
    g_assert_cmpstr(qmem_module_get_bundle_dir(), ==, bundle);
    g_unsetenv(QMEM_MODULE_DIR_ENV);
    g_assert_false(g_file_test(bundle, G_FILE_TEST_EXISTS));
    g_assert_cmpstr(qmem_module_get_dir(), ==, QMEM_MODULE_DIR);
    if (env) {
        g_setenv(QMEM_MODULE_DIR_ENV, env, TRUE);
        g_assert_true(qmem_module_check_dirs(NULL));
    }
}

#define TEST_TYPE_ABSTRACT (test_abstract_get_type())
G_DECLARE_DERIVABLE_TYPE(TestAbstract, test_abstract, TEST, ABSTRACT,
                         QmemObject)
struct _TestAbstractClass {
    QmemObjectClass parent_class;
};
G_DEFINE_ABSTRACT_TYPE_WITH_CODE(TestAbstract, test_abstract,
                                 QMEM_TYPE_OBJECT,
                                 G_IMPLEMENT_INTERFACE(QMEM_TYPE_USER_CREATABLE,
                                                       NULL))

static void test_abstract_class_init(TestAbstractClass *klass)
{
}

static void test_abstract_init(TestAbstract *self)
{
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);

    qmem_type_register_name("test-thing", TEST_TYPE_THING);
    qmem_type_register_name("test-abstract", TEST_TYPE_ABSTRACT);
    qmem_type_register_name("test-holder", TEST_TYPE_HOLDER);
    qmem_type_register_name("test-shell", TEST_TYPE_SHELL);
    g_type_ensure(QMEM_TYPE_CONTAINER);

    g_test_add_func("/qom/object/tree/paths", test_tree_paths);
    for (gsize i = 0; i < G_N_ELEMENTS(prop_cases); i++) {
        static const char *const kinds[] = { "opts", "keyval", "string",
                                             "json" };
        g_autofree char *path =
            g_strdup_printf("/qom/property/%s/%s/%zu",
                            kinds[prop_cases[i].kind], prop_cases[i].prop, i);

        g_test_add_data_func(path, &prop_cases[i], test_property_case);
    }
    g_test_add_func("/qom/property/json", test_property_json);
    for (gsize i = 0; i < G_N_ELEMENTS(prop_cases); i++) {
        static const char *const kinds[] = { "opts", "keyval", "string",
                                             "json" };
        g_autofree char *path = NULL;

        /* Not a question of aliases: the holder has no such property. */
        if (!strcmp(prop_cases[i].prop, "nosuch")) {
            continue;
        }
        path = g_strdup_printf("/qom/property/alias/%s/%s/%zu",
                               kinds[prop_cases[i].kind], prop_cases[i].prop,
                               i);
        g_test_add_data_func(path, &prop_cases[i], test_alias_case);
    }
    g_test_add_func("/qom/property/alias/renamed", test_alias_renamed);
    g_test_add_func("/qom/property/alias/chain", test_alias_chain);
    g_test_add_func("/qom/property/alias/set-props", test_alias_set_props);
    g_test_add_func("/qom/property/alias/help", test_alias_help);
    g_test_add_func("/qom/property/alias/gobject", test_alias_gobject);
    for (gsize i = 0; i < G_N_ELEMENTS(add_cases); i++) {
        g_autofree char *path =
            g_strdup_printf("/qom/user-creatable/add/error/%zu", i);

        g_test_add_data_func(path, &add_cases[i], test_add_case);
    }
    g_test_add_func("/qom/user-creatable/add-type/errors",
                    test_add_type_errors);
    g_test_add_func("/qom/user-creatable/add-type/id-hint", test_id_hint);
    g_test_add_func("/qom/user-creatable/add-del", test_add_del);
    g_test_add_func("/qom/user-creatable/help", test_help);
    g_test_add_func("/qom/module/errors", test_module_errors);
    g_test_add_func("/qom/module/dir", test_module_dir);
    return g_test_run();
}
