/* SPDX-License-Identifier: GPL-2.0-or-later */
/* qmem-run's command line end to end: help listings and QEMU's error texts. */

#include <string.h>
#include <glib/gstdio.h>

#include "libqtest.h"

/*
 * The options of QEMU's reference runs, on qmem-run's default machine:
 * every case here fails before the board's RAM exists, and -accel qtest
 * keeps /dev/kvm out of it.
 */
#define BASE_ARGS "-accel qtest -nodefaults -display none -S"

/*
 * Where QEMU 7.2 (qemu-system-x86_64 -machine none -nodefaults -display
 * none -S -object ...) has the feature, the messages below are its own;
 * QEMU leaves out the "-object ..." location for errors raised once the
 * object exists, qmem-run always names the option.
 */

static void run(const char *args, char **out, char **err, int *status)
{
    g_autofree char *cmdline = g_strdup_printf(BASE_ARGS " %s", args);

    g_test_message("qmem-run %s", cmdline);
    qtest_run_cmdline(cmdline, out, err, status);
}

/* "-object ARG" with ARG quoted for the shell-like split. */
static char *object_args(const char *arg)
{
    g_autofree char *quoted = g_shell_quote(arg);

    return g_strdup_printf("-object %s", quoted);
}

/* ------------------------------------------------------------------ */
/* Help */

typedef struct {
    const char *name;
    const char *arg;            /* of -object */
    const char *out;            /* all of stdout */
} HelpCase;

#define COMMON_PROPS_A \
    "  dump=<bool>            - Set to 'off' to exclude from core dump\n" \
    "  host-nodes=<int>       - Binds memory to the list of NUMA host " \
    "nodes\n"
#define COMMON_PROPS_B \
    "  policy=<HostMemPolicy> - Set the NUMA policy\n" \
    "  prealloc-context=<link<thread-context>> - Context to use for " \
    "creating CPU threads for preallocation\n" \
    "  prealloc-threads=<int> - Number of CPU threads to use for " \
    "prealloc\n" \
    "  prealloc=<bool>        - Preallocate memory\n"
#define COMMON_PROPS_C \
    "  share=<bool>           - Mark the memory as private to QEMU or " \
    "shared\n" \
    "  size=<int>             - Size of the memory region (ex: 500M)\n" \
    "  x-use-canonical-path-for-ramblock-id=<bool> - Name the RAM block " \
    "after the canonical path, not the id\n"
#define RESERVE_PROP \
    "  reserve=<bool>         - Reserve swap space (or huge pages) if " \
    "applicable\n"
#define MERGE_PROP \
    "  merge=<bool>           - Mark memory as mergeable\n"

/*
 * QEMU 7.2 prints these lines too, plus prealloc-context (qmem has no
 * thread-context objects) and without the descriptions QEMU lacks for
 * x-use-canonical-path-for-ramblock-id and most file properties.
 */
static const HelpCase help_cases[] = {
    {
        "memory-backend-ram", "memory-backend-ram,help",
        "memory-backend-ram options:\n"
        COMMON_PROPS_A
        MERGE_PROP
        COMMON_PROPS_B
        RESERVE_PROP
        COMMON_PROPS_C
    }, {
        "memory-backend-file", "memory-backend-file,help",
        "memory-backend-file options:\n"
        "  align=<int>            - Alignment of the mapping (ex: 2M; "
        "default: page size)\n"
        "  discard-data=<bool>    - Discard the file's contents when the "
        "backend goes away\n"
        COMMON_PROPS_A
        "  mem-path=<string>      - File or directory (for a temporary "
        "file) that backs the memory\n"
        MERGE_PROP
        "  offset=<int>           - Offset into the target file (ex: 1G)\n"
        COMMON_PROPS_B
        "  readonly=<bool>        - Open the file read-only\n"
        RESERVE_PROP
        "  rom=<OnOffAuto>        - Whether to create Read Only Memory "
        "(ROM)\n"
        COMMON_PROPS_C
    }, {
        "memory-backend-memfd", "memory-backend-memfd,help",
        "memory-backend-memfd options:\n"
        COMMON_PROPS_A
        "  hugetlb=<bool>         - Use huge pages\n"
        "  hugetlbsize=<int>      - Huge pages size (ex: 2M, 1G)\n"
        MERGE_PROP
        COMMON_PROPS_B
        RESERVE_PROP
        "  seal=<bool>            - Seal growing & shrinking\n"
        COMMON_PROPS_C
    }, {
        /* QEMU ignores what follows "help", id included. */
        "memory-backend-ram-with-id", "memory-backend-ram,help,id=a",
        "memory-backend-ram options:\n"
        COMMON_PROPS_A
        MERGE_PROP
        COMMON_PROPS_B
        RESERVE_PROP
        COMMON_PROPS_C
    }, {
        /* QEMU lists more types; these are the ones qmem has. */
        "types", "help",
        /* memory-backend-epc as in QEMU builds with SGX (it refuses). */
        "List of user creatable objects:\n"
        "  memory-backend-epc\n"
        "  memory-backend-file\n"
        "  memory-backend-memfd\n"
        "  memory-backend-ram\n"
        "  memory-backend-shm\n"
        "  thread-context\n"
    },
};

static void test_help(gconstpointer data)
{
    const HelpCase *c = data;
    g_autofree char *args = object_args(c->arg);
    g_autofree char *out = NULL;
    g_autofree char *err = NULL;
    int status;

    run(args, &out, &err, &status);
    g_assert_cmpstr(err, ==, "");
    g_assert_cmpstr(out, ==, c->out);
    g_assert_cmpint(status, ==, 0);
}

/* ------------------------------------------------------------------ */
/* Errors of one -object option */

typedef struct {
    const char *name;
    const char *arg;            /* of -object */
    const char *msg;            /* after "qmem-run: -object ARG: " */
} ObjectErrorCase;

#define ID_HINT \
    "\nIdentifiers consist of letters, digits, '-', '.', '_', starting " \
    "with a letter."

static const ObjectErrorCase object_error_cases[] = {
    /* Unknown and malformed properties (opts visitor). */
    { "ram/unknown-property", "memory-backend-ram,id=a,size=1M,foo=1",
      "Invalid parameter 'foo'" },
    { "file/unknown-property",
      "memory-backend-file,id=a,size=1M,mem-path=/dev/shm,foo=1",
      "Invalid parameter 'foo'" },
    { "memfd/unknown-property", "memory-backend-memfd,id=a,size=1M,foo=1",
      "Invalid parameter 'foo'" },
    { "ram/size/bad", "memory-backend-ram,id=a,size=1x",
      "Parameter 'size' expects a size value" },
    { "ram/size/negative", "memory-backend-ram,id=a,size=-1",
      "Parameter 'size' expects a size value" },
    { "file/size/bad", "memory-backend-file,id=a,size=1x,mem-path=/dev/shm",
      "Parameter 'size' expects a size value" },
    { "memfd/size/bad", "memory-backend-memfd,id=a,size=1x",
      "Parameter 'size' expects a size value" },
    { "ram/size/zero", "memory-backend-ram,id=a,size=0",
      "property 'size' of memory-backend-ram doesn't take value '0'" },
    { "file/size/zero", "memory-backend-file,id=a,size=0,mem-path=/dev/shm",
      "property 'size' of memory-backend-file doesn't take value '0'" },
    { "memfd/size/zero", "memory-backend-memfd,id=a,size=0",
      "property 'size' of memory-backend-memfd doesn't take value '0'" },
    { "ram/size/missing", "memory-backend-ram,id=a",
      "Parameter 'size' is missing" },
    { "file/size/missing", "memory-backend-file,id=a,mem-path=/dev/shm",
      "Parameter 'size' is missing" },
    { "memfd/size/missing", "memory-backend-memfd,id=a",
      "Parameter 'size' is missing" },
    { "ram/prealloc/bad", "memory-backend-ram,id=a,size=1M,prealloc=maybe",
      "Parameter 'prealloc' expects 'on' or 'off'" },
    { "ram/merge/last-wins",
      "memory-backend-ram,id=a,size=1M,merge=on,merge=x",
      "Parameter 'merge' expects 'on' or 'off'" },
    { "ram/prealloc-threads/bad",
      "memory-backend-ram,id=a,size=1M,prealloc-threads=x",
      "Parameter 'prealloc-threads' expects a uint64 value" },
    { "ram/prealloc-threads/zero",
      "memory-backend-ram,id=a,size=1M,prealloc-threads=0",
      "property 'prealloc-threads' of memory-backend-ram doesn't take "
      "value '0'" },
    { "ram/policy/bad", "memory-backend-ram,id=a,size=1M,policy=foo",
      "Parameter 'policy' does not accept value 'foo'" },
    { "ram/host-nodes/uint16", "memory-backend-ram,id=a,size=1M,"
      "host-nodes=70000",
      "Parameter 'null' expects uint16_t" },
    { "ram/host-nodes/max-nodes", "memory-backend-ram,id=a,size=1M,"
      "host-nodes=200",
      "Invalid host-nodes value: 200" },
    { "ram/host-nodes/bad-range", "memory-backend-ram,id=a,size=1M,"
      "host-nodes=1-0",
      "Parameter 'host-nodes' expects a uint64 value or range" },
    { "ram/policy/bind-without-nodes",
      "memory-backend-ram,id=a,size=1M,policy=bind",
      "host-nodes must be set for policy bind" },
    { "ram/policy/default-with-nodes",
      "memory-backend-ram,id=a,size=1M,host-nodes=0",
      "host-nodes must be empty for policy default, or you should "
      "explicitly specify a policy other than default" },
    { "ram/prealloc-reserve-off",
      "memory-backend-ram,id=a,size=1M,prealloc=on,reserve=off",
      "'prealloc=on' and 'reserve=off' are incompatible" },
    { "ram/reserve-off-prealloc",
      "memory-backend-ram,id=a,size=1M,reserve=off,prealloc=on",
      "'prealloc=on' and 'reserve=off' are incompatible" },

    /* ids and types (QemuOpts and user_creatable_add_type). */
    { "id/bad", "memory-backend-ram,id=1a,size=1M",
      "Parameter 'id' expects an identifier" ID_HINT },
    { "id/missing", "memory-backend-ram,size=1M",
      "Parameter 'id' is missing" },
    { "type/abstract", "memory-backend,id=a,size=1M",
      "Parameter 'qom-type' does not accept value 'memory-backend'" },
    { "type/unknown", "memory-backend-foo,id=a,size=1M",
      "Parameter 'qom-type' does not accept value 'memory-backend-foo'" },
    { "type/empty", ",id=a",
      "Parameter 'qom-type' does not accept value ''" },
    { "type/missing", "id=a,size=1M",
      "Parameter 'qom-type' is missing" },

    /* The JSON form: the strict QObject visitor's texts. */
    { "json/size/string",
      "{\"qom-type\":\"memory-backend-ram\",\"id\":\"a\",\"size\":\"1M\"}",
      "Parameter 'size' expects uint64" },
    { "json/size/zero",
      "{\"qom-type\":\"memory-backend-ram\",\"id\":\"a\",\"size\":0}",
      "property 'size' of memory-backend-ram doesn't take value '0'" },
    { "json/size/missing",
      "{\"qom-type\":\"memory-backend-ram\",\"id\":\"a\"}",
      "Parameter 'size' is missing" },
    { "json/unknown-property",
      "{\"qom-type\":\"memory-backend-ram\",\"id\":\"a\",\"size\":1048576,"
      "\"foo\":1}",
      "Parameter 'foo' is unexpected" },
    { "json/bool",
      "{\"qom-type\":\"memory-backend-ram\",\"id\":\"a\",\"size\":1048576,"
      "\"prealloc\":\"on\"}",
      "Invalid parameter type for 'prealloc', expected: boolean" },
    { "json/list",
      "{\"qom-type\":\"memory-backend-ram\",\"id\":\"a\",\"size\":1048576,"
      "\"host-nodes\":\"0\"}",
      "Invalid parameter type for 'host-nodes', expected: array" },
    { "json/enum",
      "{\"qom-type\":\"memory-backend-ram\",\"id\":\"a\",\"size\":1048576,"
      "\"policy\":\"foo\"}",
      "Parameter 'policy' does not accept value 'foo'" },
    { "json/uint32",
      "{\"qom-type\":\"memory-backend-ram\",\"id\":\"a\",\"size\":1048576,"
      "\"prealloc-threads\":\"1\"}",
      "Parameter 'prealloc-threads' expects uint64" },
    { "json/string",
      "{\"qom-type\":\"memory-backend-file\",\"id\":\"a\",\"size\":1048576,"
      "\"mem-path\":1}",
      "Invalid parameter type for 'mem-path', expected: string" },
    { "json/id/missing",
      "{\"qom-type\":\"memory-backend-ram\",\"size\":1048576}",
      "Parameter 'id' is missing" },
    { "json/id/bad",
      "{\"qom-type\":\"memory-backend-ram\",\"id\":\"1a\",\"size\":1048576}",
      "Parameter 'id' expects an identifier" ID_HINT },
    { "json/type/missing", "{\"id\":\"a\",\"size\":1048576}",
      "Parameter 'qom-type' is missing" },
    { "json/type/abstract",
      "{\"qom-type\":\"memory-backend\",\"id\":\"a\",\"size\":1048576}",
      "Parameter 'qom-type' does not accept value 'memory-backend'" },

    /* memory-backend-file */
    { "file/mem-path/missing", "memory-backend-file,id=a,size=1M",
      "Parameter 'mem-path' is missing" },
    { "file/mem-path/no-directory",
      "memory-backend-file,id=a,size=1M,mem-path=/nonexistent-qmem/x",
      "can't open backing store /nonexistent-qmem/x for guest RAM: "
      "No such file or directory" },
    { "file/mem-path/no-directory-slash",
      "memory-backend-file,id=a,size=1M,mem-path=/nonexistent-qmem/",
      "can't open backing store /nonexistent-qmem/ for guest RAM: "
      "Is a directory" },
    { "file/align/power-of-two",
      "memory-backend-file,id=a,size=1M,mem-path=/dev/shm,align=3M",
      "alignment 0x300000 must be a power of two" },
    { "file/align/page-size",
      "memory-backend-file,id=a,size=1M,mem-path=/dev/shm,align=1K",
      "alignment 0x400 must be multiples of page size 0x1000" },
    { "file/size/page-size",
      "memory-backend-file,id=a,size=1K,mem-path=/dev/shm",
      "backend 'memory-backend-file' memory size must be multiple of "
      "4 KiB" },
    /* QEMU 7.2 predates offset (8.1) and rom (8.2): QEMU 10.2's texts. */
    { "file/offset/page-size",
      "memory-backend-file,id=a,size=1M,mem-path=/dev/shm,offset=1K",
      "offset 0x400 must be multiples of page size 0x1000" },
    { "file/rom/on-without-readonly",
      "memory-backend-file,id=a,size=1M,mem-path=/dev/shm,rom=on",
      "property 'rom' = 'on' is not supported with 'readonly' = 'off'" },
    { "file/rom/bad",
      "memory-backend-file,id=a,size=1M,mem-path=/dev/shm,rom=maybe",
      "Parameter 'rom' does not accept value 'maybe'" },
    /* Without libpmem QEMU does not have the property at all. */
    { "file/pmem",
      "memory-backend-file,id=a,size=1M,mem-path=/dev/shm,pmem=on",
      "Invalid parameter 'pmem'" },
    /* QEMU 8.2 on: a directory is no temporary file when read-only. */
    { "file/readonly-directory",
      "memory-backend-file,id=a,size=1M,mem-path=/dev/shm,readonly=on",
      "can't open backing store /dev/shm for guest RAM: Is a directory" },

    /* memory-backend-memfd */
    { "memfd/hugetlbsize/zero",
      "memory-backend-memfd,id=a,size=1M,hugetlbsize=0",
      "Property 'memory-backend-memfd.hugetlbsize' doesn't take value '0'" },
    { "memfd/hugetlbsize/power-of-two",
      "memory-backend-memfd,id=a,size=1M,hugetlb=on,hugetlbsize=3M",
      "Hugepage size must be a power of 2" },
    { "memfd/seal/bad", "memory-backend-memfd,id=a,size=1M,seal=x",
      "Parameter 'seal' expects 'on' or 'off'" },
    /* QEMU 10.2's text (7.2 said "... does not match 'size' ..."). */
    { "memfd/size/page-size", "memory-backend-memfd,id=a,size=1K",
      "a backing store size 0x400 is too small for 'size' option 0x1000 "
      "plus 'offset' option 0x0" },
};

static void test_object_error(gconstpointer data)
{
    const ObjectErrorCase *c = data;
    g_autofree char *args = object_args(c->arg);
    g_autofree char *expected = g_strdup_printf("qmem-run: -object %s: %s\n",
                                                c->arg, c->msg);
    g_autofree char *out = NULL;
    g_autofree char *err = NULL;
    int status;

    run(args, &out, &err, &status);
    g_assert_cmpstr(err, ==, expected);
    g_assert_cmpstr(out, ==, "");
    g_assert_cmpint(status, ==, 1);
}

/* ------------------------------------------------------------------ */
/* Errors that are not about one -object */

static void test_invalid_option(void)
{
    g_autofree char *out = NULL;
    g_autofree char *err = NULL;
    int status;

    run("-foo", &out, &err, &status);
    g_assert_cmpstr(err, ==, "qmem-run: -foo: invalid option\n");
    g_assert_cmpstr(out, ==, "");
    g_assert_cmpint(status, ==, 1);
}

/*
 * -machine usb= and acpi=, which libvirt always writes (usb=off,
 * acpi=on|off): QEMU 7.2's texts for values neither takes; qmem's for what
 * it does not implement (usb=on: no USB controller; acpi=off: qmem always
 * builds the ACPI tables).  What both take starts the machine, and the
 * -device after it is refused.
 */
typedef struct {
    const char *name;
    const char *machine;
    const char *msg;
} MachineCase;

static const MachineCase machine_cases[] = {
    { "usb/bad", "pc,usb=foo", "Parameter 'usb' expects 'on' or 'off'" },
    { "usb/on", "pc,usb=on",
      "-machine usb=on is not supported: qmem has no USB controller" },
    { "usb/on-none", "none,usb=on",
      "-machine usb=on is not supported: qmem has no USB controller" },
    { "acpi/bad", "pc,acpi=foo",
      "Parameter 'acpi' does not accept value 'foo'" },
    { "acpi/off", "pc,acpi=off",
      "-machine acpi=off is not supported: qmem always builds the ACPI "
      "tables" },
    { "acpi/off-q35", "q35,acpi=off",
      "-machine acpi=off is not supported: qmem always builds the ACPI "
      "tables" },
    { "libvirt", "pc,usb=off,dump-guest-core=off,acpi=on",
      "-device nope: 'nope' is not a valid device model name" },
    { "acpi/auto", "q35,usb=off,acpi=auto",
      "-device nope: 'nope' is not a valid device model name" },
};

static void test_machine_option(gconstpointer data)
{
    const MachineCase *c = data;
    g_autofree char *args = g_strdup_printf("-machine %s -device nope",
                                            c->machine);
    g_autofree char *expected = g_strdup_printf("qmem-run: %s\n", c->msg);
    g_autofree char *out = NULL;
    g_autofree char *err = NULL;
    int status;

    run(args, &out, &err, &status);
    g_assert_cmpstr(err, ==, expected);
    g_assert_cmpstr(out, ==, "");
    g_assert_cmpint(status, ==, 1);
}

/*
 * QEMU 7.2 lists its accelerators, qtest left out, for -accel help and for
 * an -accel without a name, and exits.  This build's list: the kvm module.
 */
static void test_accel_help(gconstpointer data)
{
    g_autofree char *args = g_strdup_printf("-accel %s", (const char *)data);
    g_autofree char *out = NULL;
    g_autofree char *err = NULL;
    int status;

    run(args, &out, &err, &status);
    g_assert_cmpstr(err, ==, "");
    g_assert_cmpstr(out, ==, "Accelerators supported in QEMU binary:\nkvm\n");
    g_assert_cmpint(status, ==, 0);
}

static void test_missing_argument(void)
{
    g_autofree char *out = NULL;
    g_autofree char *err = NULL;
    int status;

    run("-object", &out, &err, &status);
    g_assert_cmpstr(err, ==, "qmem-run: -object: requires an argument\n");
    g_assert_cmpstr(out, ==, "");
    g_assert_cmpint(status, ==, 1);
}

/* QemuOpts refuses the second id before anything is created. */
static void test_duplicate_id(void)
{
    g_autofree char *out = NULL;
    g_autofree char *err = NULL;
    int status;

    run("-object memory-backend-ram,id=a,size=1M "
        "-object memory-backend-memfd,id=a,size=1M", &out, &err, &status);
    g_assert_cmpstr(err, ==,
                    "qmem-run: -object memory-backend-memfd,id=a,size=1M: "
                    "Duplicate ID 'a' for object\n");
    g_assert_cmpstr(out, ==, "");
    g_assert_cmpint(status, ==, 1);
}

/*
 * A JSON -object does not go through QemuOpts, so a clash with it shows
 * when the second object is added to /objects, whichever form comes first.
 */
typedef struct {
    const char *name;
    const char *first;
    const char *second;
} DuplicateCase;

static const DuplicateCase duplicate_cases[] = {
    { "opts-then-json", "memory-backend-ram,id=a,size=1M",
      "{\"qom-type\":\"memory-backend-ram\",\"id\":\"a\",\"size\":1048576}" },
    { "json-then-opts",
      "{\"qom-type\":\"memory-backend-ram\",\"id\":\"a\",\"size\":1048576}",
      "memory-backend-ram,id=a,size=1M" },
    { "json-then-json",
      "{\"qom-type\":\"memory-backend-ram\",\"id\":\"a\",\"size\":1048576}",
      "{\"qom-type\":\"memory-backend-memfd\",\"id\":\"a\","
      "\"size\":1048576}" },
};

static void test_duplicate_id_json(gconstpointer data)
{
    const DuplicateCase *c = data;
    g_autofree char *first = object_args(c->first);
    g_autofree char *second = object_args(c->second);
    g_autofree char *args = g_strdup_printf("%s %s", first, second);
    g_autofree char *expected =
        g_strdup_printf("qmem-run: -object %s: attempt to add duplicate "
                        "property 'a' to object (type 'container')\n",
                        c->second);
    g_autofree char *out = NULL;
    g_autofree char *err = NULL;
    int status;

    run(args, &out, &err, &status);
    g_assert_cmpstr(err, ==, expected);
    g_assert_cmpstr(out, ==, "");
    g_assert_cmpint(status, ==, 1);
}

/* ------------------------------------------------------------------ */
/* A failing file backend leaves no file behind in its directory */

typedef struct {
    const char *name;
    const char *props;          /* after mem-path=DIR */
    const char *msg;
} LeftoverCase;

static const LeftoverCase leftover_cases[] = {
    /* After the temporary file exists: the size check of complete. */
    { "size-page", "size=1K",
      "backend 'memory-backend-file' memory size must be multiple of "
      "4 KiB" },
    { "align", "size=1M,align=3M",
      "alignment 0x300000 must be a power of two" },
    { "offset", "size=1M,offset=1K",
      "offset 0x400 must be multiples of page size 0x1000" },
    /* After the mapping exists: the NUMA checks of complete. */
    { "policy-bind", "size=1M,policy=bind",
      "host-nodes must be set for policy bind" },
    { "host-nodes-default", "size=1M,host-nodes=0",
      "host-nodes must be empty for policy default, or you should "
      "explicitly specify a policy other than default" },
    { "rom", "size=1M,rom=on",
      "property 'rom' = 'on' is not supported with 'readonly' = 'off'" },
};

static void assert_dir_empty(const char *dir)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(GDir) d = g_dir_open(dir, 0, &error);
    const char *name;

    g_assert_no_error(error);
    name = g_dir_read_name(d);
    if (name) {
        g_error("%s/%s was left behind", dir, name);
    }
}

static void test_leftover(gconstpointer data)
{
    const LeftoverCase *c = data;
    g_autoptr(GError) error = NULL;
    g_autofree char *dir = g_dir_make_tmp("qmem-cmdline-XXXXXX", &error);
    g_autofree char *arg = NULL;
    g_autofree char *args = NULL;
    g_autofree char *expected = NULL;
    g_autofree char *out = NULL;
    g_autofree char *err = NULL;
    int status;

    g_assert_no_error(error);
    arg = g_strdup_printf("memory-backend-file,id=a,mem-path=%s,%s", dir,
                          c->props);
    args = object_args(arg);
    expected = g_strdup_printf("qmem-run: -object %s: %s\n", arg, c->msg);
    run(args, &out, &err, &status);
    assert_dir_empty(dir);
    g_assert_cmpint(g_rmdir(dir), ==, 0);
    g_assert_cmpstr(err, ==, expected);
    g_assert_cmpstr(out, ==, "");
    g_assert_cmpint(status, ==, 1);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    /* One wrong text fails its case, not every case after it. */
    g_test_set_nonfatal_assertions();

    for (gsize i = 0; i < G_N_ELEMENTS(help_cases); i++) {
        g_autofree char *path =
            g_strdup_printf("/qmem-run/cmdline/object/help/%s",
                            help_cases[i].name);

        g_test_add_data_func(path, &help_cases[i], test_help);
    }
    for (gsize i = 0; i < G_N_ELEMENTS(object_error_cases); i++) {
        g_autofree char *path =
            g_strdup_printf("/qmem-run/cmdline/object/error/%s",
                            object_error_cases[i].name);

        g_test_add_data_func(path, &object_error_cases[i],
                             test_object_error);
    }
    for (gsize i = 0; i < G_N_ELEMENTS(leftover_cases); i++) {
        g_autofree char *path =
            g_strdup_printf("/qmem-run/cmdline/object/file/no-leftover/%s",
                            leftover_cases[i].name);

        g_test_add_data_func(path, &leftover_cases[i], test_leftover);
    }
    for (gsize i = 0; i < G_N_ELEMENTS(machine_cases); i++) {
        g_autofree char *path = g_strdup_printf(
            "/qmem-run/cmdline/machine/%s", machine_cases[i].name);

        g_test_add_data_func(path, &machine_cases[i], test_machine_option);
    }
    g_test_add_func("/qmem-run/cmdline/invalid-option", test_invalid_option);
    g_test_add_data_func("/qmem-run/cmdline/accel/help", "help",
                         test_accel_help);
    g_test_add_data_func("/qmem-run/cmdline/accel/no-name", "x-memslots=3",
                         test_accel_help);
    g_test_add_func("/qmem-run/cmdline/missing-argument",
                    test_missing_argument);
    g_test_add_func("/qmem-run/cmdline/object/duplicate-id/opts",
                    test_duplicate_id);
    for (gsize i = 0; i < G_N_ELEMENTS(duplicate_cases); i++) {
        g_autofree char *path =
            g_strdup_printf("/qmem-run/cmdline/object/duplicate-id/%s",
                            duplicate_cases[i].name);

        g_test_add_data_func(path, &duplicate_cases[i],
                             test_duplicate_id_json);
    }

    return g_test_run();
}
