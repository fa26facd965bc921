/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Benchmark: KVM memslot metadata of a 1 TiB virtio-mem, static or dynamic. */

#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <fcntl.h>
#include <unistd.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "bench-common.h"
#include "qobject/json.h"

/*
 * Three VMs, one after the other, on KVM: qmem-run with a 1 TiB
 * virtio-mem-pci (memory-backend-ram, reserve=off, 2 MiB blocks) and
 * dynamic-memslots=off, the same with dynamic-memslots=on, and QEMU with
 * the same options (QEMU 7.2 has no dynamic memslots).  Each also runs
 * once without the device, the baseline.  What the kernel spends is read
 * from /proc/meminfo (MemAvailable, VmallocUsed, Slab) before a VM starts
 * and in each state: KVM's per-memslot metadata (rmaps with shadow paging,
 * lpage_info) is vmalloc'ed.  qmem's VMs are driven through the qtest
 * command virtio-mem-request, one 2 MiB block per request; QEMU has no
 * guest driver, so its device stays as realized (the whole 1 TiB mapped).
 */

#define MiB (G_GUINT64_CONSTANT(1) << 20)
#define GiB (G_GUINT64_CONSTANT(1) << 30)
#define BLK (2 * MiB)
#define BASE (4 * GiB)
#define TIMEOUT_US (600 * G_USEC_PER_SEC)

typedef struct {
    gint64 available;           /* kB */
    gint64 vmalloc;
    gint64 slab;
} MemInfo;

typedef struct {
    GPid pid;
    char *dir;
    int qmp_fd;
    int qtest_fd;
    GString *qmp_rx;
    GString *qtest_rx;
} Vm;

/* One row of the table. */
typedef struct {
    char *label;
    MemInfo delta;              /* against before the VM started */
    int memslots;               /* device memslots mapped; -1: unknown */
    int kvm_slots;              /* KVM memslots of the VM; -1: unknown */
    double seconds;             /* how long the step took; < 0: none */
} Row;

static GPtrArray *rows;
static gboolean verbose;

static MemInfo meminfo_read(void)
{
    g_autofree char *text = NULL;
    g_auto(GStrv) lines = NULL;
    MemInfo m = { 0 };

    if (!g_file_get_contents("/proc/meminfo", &text, NULL, NULL)) {
        g_printerr("memslot-metadata: cannot read /proc/meminfo\n");
        exit(1);
    }
    lines = g_strsplit(text, "\n", -1);
    for (guint i = 0; lines[i]; i++) {
        sscanf(lines[i], "MemAvailable: %" SCNd64, &m.available);
        sscanf(lines[i], "VmallocUsed: %" SCNd64, &m.vmalloc);
        sscanf(lines[i], "Slab: %" SCNd64, &m.slab);
    }
    return m;
}

static gint compare_i64(gconstpointer a, gconstpointer b)
{
    gint64 x = *(const gint64 *)a, y = *(const gint64 *)b;

    return x < y ? -1 : x > y;
}

/*
 * What the kernel took since @before, in kB (MemAvailable drops): the
 * median of five samples, as page cache of whatever else runs on the
 * machine moves MemAvailable (VmallocUsed hardly moves).
 */
static MemInfo meminfo_delta(const MemInfo *before)
{
    gint64 avail[5], vmalloc[5], slab[5];

    /* Let deferred frees and per-CPU caches settle a little. */
    g_usleep(200 * 1000);
    for (guint i = 0; i < 5; i++) {
        MemInfo now = meminfo_read();

        avail[i] = before->available - now.available;
        vmalloc[i] = now.vmalloc - before->vmalloc;
        slab[i] = now.slab - before->slab;
        g_usleep(100 * 1000);
    }
    qsort(avail, 5, sizeof(gint64), (int (*)(const void *, const void *))
          compare_i64);
    qsort(vmalloc, 5, sizeof(gint64), (int (*)(const void *, const void *))
          compare_i64);
    qsort(slab, 5, sizeof(gint64), (int (*)(const void *, const void *))
          compare_i64);
    return (MemInfo) {
        .available = avail[2], .vmalloc = vmalloc[2], .slab = slab[2],
    };
}

static int connect_unix(const char *path)
{
    gint64 deadline = g_get_monotonic_time() + 60 * G_USEC_PER_SEC;
    struct sockaddr_un sun = { .sun_family = AF_UNIX };

    g_strlcpy(sun.sun_path, path, sizeof(sun.sun_path));
    while (g_get_monotonic_time() < deadline) {
        int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

        if (fd >= 0 && !connect(fd, (struct sockaddr *)&sun, sizeof(sun))) {
            return fd;
        }
        if (fd >= 0) {
            close(fd);
        }
        g_usleep(20 * 1000);
    }
    return -1;
}

static char *recv_line(int fd, GString *rx)
{
    gint64 deadline = g_get_monotonic_time() + TIMEOUT_US;

    for (;;) {
        char *nl = memchr(rx->str, '\n', rx->len);
        char buf[65536];
        ssize_t n;

        if (nl) {
            gsize len = nl - rx->str;
            char *line = g_strndup(rx->str, len && nl[-1] == '\r' ?
                                               len - 1 : len);

            g_string_erase(rx, 0, len + 1);
            return line;
        }
        if (g_get_monotonic_time() > deadline) {
            g_printerr("memslot-metadata: no answer from the VM\n");
            exit(1);
        }
        n = recv(fd, buf, sizeof(buf), 0);
        if (n <= 0) {
            g_printerr("memslot-metadata: the VM went away\n");
            exit(1);
        }
        g_string_append_len(rx, buf, n);
    }
}

static void send_all(int fd, const char *text)
{
    gsize len = strlen(text), done = 0;

    while (done < len) {
        ssize_t n = send(fd, text + done, len - done, MSG_NOSIGNAL);

        if (n <= 0) {
            g_printerr("memslot-metadata: cannot talk to the VM\n");
            exit(1);
        }
        done += n;
    }
}

/* A QMP command's reply; events are skipped. */
static char *qmp(Vm *vm, const char *command)
{
    send_all(vm->qmp_fd, command);
    for (;;) {
        char *line = recv_line(vm->qmp_fd, vm->qmp_rx);

        if (!strstr(line, "\"event\"")) {
            if (strstr(line, "\"error\"")) {
                g_printerr("memslot-metadata: %s: %s\n", command, line);
                exit(1);
            }
            return line;
        }
        g_free(line);
    }
}

static Vm *vm_start(const char *program, GPtrArray *args, gboolean qtest)
{
    Vm *vm = g_new0(Vm, 1);
    g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GError) error = NULL;
    g_autofree char *qmp_path = NULL, *qtest_path = NULL, *log = NULL;
    g_autofree char *greeting = NULL;
    int log_fd;

    vm->dir = g_dir_make_tmp("memslot-metadata-XXXXXX", NULL);
    vm->qmp_rx = g_string_new(NULL);
    vm->qtest_rx = g_string_new(NULL);
    vm->qtest_fd = -1;
    qmp_path = g_build_filename(vm->dir, "qmp.sock", NULL);
    qtest_path = g_build_filename(vm->dir, "qtest.sock", NULL);
    log = g_build_filename(vm->dir, "log", NULL);

    g_ptr_array_add(argv, g_strdup(program));
    for (guint i = 0; i < args->len; i++) {
        g_ptr_array_add(argv, g_strdup(g_ptr_array_index(args, i)));
    }
    g_ptr_array_add(argv, g_strdup("-qmp"));
    g_ptr_array_add(argv, g_strdup_printf("unix:%s,server=on,wait=off",
                                          qmp_path));
    if (qtest) {
        g_ptr_array_add(argv, g_strdup("-qtest"));
        g_ptr_array_add(argv, g_strdup_printf("unix:%s,server=on,wait=off",
                                              qtest_path));
    }
    g_ptr_array_add(argv, NULL);
    if (verbose) {
        g_autofree char *cmd = g_strjoinv(" ", (char **)argv->pdata);

        g_printerr("+ %s\n", cmd);
    }
    log_fd = open(log, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
    if (!g_spawn_async_with_fds(NULL, (char **)argv->pdata, NULL,
                                G_SPAWN_DO_NOT_REAP_CHILD |
                                G_SPAWN_SEARCH_PATH, NULL, NULL, &vm->pid,
                                -1, log_fd, log_fd, &error)) {
        g_printerr("memslot-metadata: %s\n", error->message);
        exit(1);
    }
    close(log_fd);
    vm->qmp_fd = connect_unix(qmp_path);
    if (vm->qmp_fd < 0) {
        g_autofree char *text = NULL;

        g_file_get_contents(log, &text, NULL, NULL);
        g_printerr("memslot-metadata: %s did not start: %s\n", program,
                   text ? text : "");
        exit(1);
    }
    greeting = recv_line(vm->qmp_fd, vm->qmp_rx);
    g_free(qmp(vm, "{\"execute\": \"qmp_capabilities\"}"));
    if (qtest) {
        vm->qtest_fd = connect_unix(qtest_path);
        if (vm->qtest_fd < 0) {
            g_printerr("memslot-metadata: no qtest socket\n");
            exit(1);
        }
    }
    return vm;
}

static void vm_stop(Vm *vm)
{
    int status;

    send_all(vm->qmp_fd, "{\"execute\": \"quit\"}");
    if (waitpid(vm->pid, &status, 0) < 0) {
        g_printerr("memslot-metadata: waitpid: %s\n", g_strerror(errno));
    }
    close(vm->qmp_fd);
    if (vm->qtest_fd >= 0) {
        close(vm->qtest_fd);
    }
    g_spawn_close_pid(vm->pid);
    {
        g_autoptr(GDir) d = g_dir_open(vm->dir, 0, NULL);
        const char *name;

        while (d && (name = g_dir_read_name(d))) {
            g_autofree char *path = g_build_filename(vm->dir, name, NULL);

            g_unlink(path);
        }
        g_rmdir(vm->dir);
    }
    g_free(vm->dir);
    g_string_free(vm->qmp_rx, TRUE);
    g_string_free(vm->qtest_rx, TRUE);
    g_free(vm);
}

/* Requests [first, first + n) blocks one by one; returns seconds. */
static double requests(Vm *vm, const char *type, guint64 first, guint64 n)
{
    gint64 start = g_get_monotonic_time();

    for (guint64 b = first; b < first + n; b++) {
        g_autofree char *cmd = g_strdup_printf(
            "virtio-mem-request vm %s 0x%" PRIx64 " 1\n", type,
            BASE + b * BLK);
        g_autofree char *reply = NULL;

        send_all(vm->qtest_fd, cmd);
        reply = recv_line(vm->qtest_fd, vm->qtest_rx);
        if (strcmp(reply, "OK ack")) {
            g_printerr("memslot-metadata: %s: %s\n", cmd, reply);
            exit(1);
        }
    }
    return (g_get_monotonic_time() - start) / 1e6;
}

/*
 * RAM sections in device memory (at or above 4 GiB) of "info mtree" (qmem)
 * or the flat view "info mtree -f" (QEMU): one KVM memslot each.
 */
static int device_memslots(Vm *vm, gboolean qemu)
{
    g_autofree char *reply = qmp(vm, qemu ?
        "{\"execute\": \"human-monitor-command\", \"arguments\": "
        "{\"command-line\": \"info mtree -f\"}}" :
        "{\"execute\": \"human-monitor-command\", \"arguments\": "
        "{\"command-line\": \"info mtree\"}}");
    g_autoptr(JsonNode) node = qmem_json_parse(reply, NULL);
    g_auto(GStrv) lines = NULL;
    gboolean in_memory = FALSE;
    int n = 0;

    if (!node) {
        return -1;
    }
    lines = g_strsplit(json_object_get_string_member(
                           json_node_get_object(node), "return"), "\r\n", -1);
    for (guint i = 0; lines[i]; i++) {
        const char *l = lines[i];
        guint64 start;

        if (g_str_has_prefix(l, "address-space: ") ||
            g_str_has_prefix(l, "memory-region: ") ||
            g_str_has_prefix(l, "FlatView #")) {
            in_memory = !strcmp(l, "address-space: memory");
            continue;
        }
        /* A flat view lists the address spaces that share it. */
        if (qemu && strstr(l, " AS \"memory\", ")) {
            in_memory = TRUE;
            continue;
        }
        if (!in_memory || !strstr(l, "(prio 0, ram)") ||
            sscanf(l, " %" SCNx64 "-", &start) != 1 || start < BASE) {
            continue;
        }
        /* qmem prints the tree: count what holds RAM, not containers. */
        n++;
    }
    return n;
}

/* KVM memslots in use, all of the VM's (qmem's x-query-memslots). */
static int kvm_memslots(Vm *vm)
{
    g_autofree char *reply = qmp(vm, "{\"execute\": \"x-query-memslots\"}");
    g_autoptr(JsonNode) node = qmem_json_parse(reply, NULL);

    if (!node) {
        return -1;
    }
    return json_object_get_int_member(json_object_get_object_member(
        json_node_get_object(node), "return"), "used");
}

static void add_row(const char *label, const MemInfo *delta, int memslots,
                    int kvm_slots, double seconds)
{
    Row *row = g_new0(Row, 1);

    row->label = g_strdup(label);
    row->delta = *delta;
    row->memslots = memslots;
    row->kvm_slots = kvm_slots;
    row->seconds = seconds;
    g_ptr_array_add(rows, row);
    if (verbose) {
        g_printerr("  %-44s %8.1f MiB available, %8.1f MiB vmalloc\n", label,
                   delta->available / 1024.0, delta->vmalloc / 1024.0);
    }
}

static guint host_phys_bits(void)
{
    g_autofree char *text = NULL;
    const char *p;
    guint bits = 0;

    if (g_file_get_contents("/proc/cpuinfo", &text, NULL, NULL) &&
        (p = strstr(text, "address sizes\t: ")) &&
        sscanf(p, "address sizes\t: %u bits physical", &bits) == 1) {
        return bits;
    }
    return 46;
}

static GPtrArray *vm_args(gboolean device, const char *dynamic,
                          gboolean qemu)
{
    GPtrArray *args = g_ptr_array_new();
    static const char *const common[] = {
        "-accel", "kvm", "-M", "pc", "-m", "1G,maxmem=1025G", "-nodefaults",
        "-display", "none", "-S",
    };

    for (guint i = 0; i < G_N_ELEMENTS(common); i++) {
        g_ptr_array_add(args, (gpointer)common[i]);
    }
    if (qemu) {
        /*
         * QEMU's default CPU has 40 physical address bits (1 TiB); -cpu
         * host is not always usable under nested KVM.
         */
        static char cpu[64];

        g_snprintf(cpu, sizeof(cpu), "qemu64,phys-bits=%u", host_phys_bits());
        g_ptr_array_add(args, (gpointer)"-cpu");
        g_ptr_array_add(args, cpu);
    }
    if (device) {
        g_ptr_array_add(args, (gpointer)"-object");
        g_ptr_array_add(args, (gpointer)"memory-backend-ram,id=m0,size=1T,"
                        "reserve=off");
        g_ptr_array_add(args, (gpointer)"-device");
        g_ptr_array_add(args, (gpointer)dynamic);
    }
    return args;
}

typedef struct {
    MemInfo at_1g;              /* the headline state */
    MemInfo baseline;
    double plug_1g, unplug_1g, plug_64g, unplug_64g;
    int memslots_1g, memslots_64g;
} QmemRun;

static void run_qmem(const char *qmem_run, gboolean dynamic, QmemRun *r)
{
    const char *name = dynamic ? "qmem dynamic-memslots=on" :
                                 "qmem dynamic-memslots=off";
    g_autofree char *device = g_strdup_printf(
        "virtio-mem-pci,id=vm,memdev=m0,requested-size=64G,"
        "dynamic-memslots=%s", dynamic ? "on" : "off");
    g_autoptr(GPtrArray) base_args = vm_args(FALSE, NULL, FALSE);
    g_autoptr(GPtrArray) args = vm_args(TRUE, device, FALSE);
    g_autofree char *label = NULL;
    MemInfo before, d;
    Vm *vm;

    before = meminfo_read();
    vm = vm_start(qmem_run, base_args, FALSE);
    r->baseline = meminfo_delta(&before);
    vm_stop(vm);
    label = g_strdup_printf("%s: no device (baseline)", name);
    add_row(label, &r->baseline, -1, -1, -1);

    g_usleep(500 * 1000);
    before = meminfo_read();
    vm = vm_start(qmem_run, args, TRUE);
    d = meminfo_delta(&before);
    g_free(label);
    label = g_strdup_printf("%s: 1 TiB device, nothing plugged", name);
    add_row(label, &d, device_memslots(vm, FALSE), kvm_memslots(vm), -1);

    r->plug_1g = requests(vm, "plug", 0, GiB / BLK);
    r->at_1g = meminfo_delta(&before);
    r->memslots_1g = device_memslots(vm, FALSE);
    g_free(label);
    label = g_strdup_printf("%s: 1 GiB plugged", name);
    add_row(label, &r->at_1g, r->memslots_1g, kvm_memslots(vm), r->plug_1g);

    r->unplug_1g = requests(vm, "unplug", 0, GiB / BLK);
    d = meminfo_delta(&before);
    g_free(label);
    label = g_strdup_printf("%s: 1 GiB unplugged", name);
    add_row(label, &d, device_memslots(vm, FALSE), kvm_memslots(vm),
            r->unplug_1g);

    r->plug_64g = requests(vm, "plug", 0, 64 * GiB / BLK);
    d = meminfo_delta(&before);
    r->memslots_64g = device_memslots(vm, FALSE);
    g_free(label);
    label = g_strdup_printf("%s: 64 GiB plugged", name);
    add_row(label, &d, r->memslots_64g, kvm_memslots(vm), r->plug_64g);

    r->unplug_64g = requests(vm, "unplug", 0, 64 * GiB / BLK);
    d = meminfo_delta(&before);
    g_free(label);
    label = g_strdup_printf("%s: 64 GiB unplugged", name);
    add_row(label, &d, device_memslots(vm, FALSE), kvm_memslots(vm),
            r->unplug_64g);
    vm_stop(vm);
    g_usleep(500 * 1000);
}

static gboolean run_qemu(const char *qemu, MemInfo *device, MemInfo *base,
                         int *memslots)
{
    g_autoptr(GPtrArray) base_args = vm_args(FALSE, NULL, TRUE);
    g_autoptr(GPtrArray) args = vm_args(TRUE, "virtio-mem-pci,id=vm,"
                                        "memdev=m0,requested-size=1G", TRUE);
    g_autofree char *path = g_find_program_in_path(qemu);
    MemInfo before;
    Vm *vm;

    if (!path) {
        return FALSE;
    }
    before = meminfo_read();
    vm = vm_start(path, base_args, FALSE);
    *base = meminfo_delta(&before);
    vm_stop(vm);
    add_row("QEMU: no device (baseline)", base, -1, -1, -1);

    g_usleep(500 * 1000);
    before = meminfo_read();
    vm = vm_start(path, args, FALSE);
    *device = meminfo_delta(&before);
    *memslots = device_memslots(vm, TRUE);
    vm_stop(vm);
    add_row("QEMU: 1 TiB device (no driver: all of it mapped)", device,
            *memslots, -1, -1);
    return TRUE;
}

static double mib(gint64 kb)
{
    return kb / 1024.0;
}

int main(int argc, char **argv)
{
    const char *qmem_run = g_getenv("QMEM_RUN");
    const char *qemu = "qemu-system-x86_64";
    g_autofree char *module_dir = NULL;
    QmemRun off = { 0 }, on = { 0 };
    MemInfo qemu_dev = { 0 }, qemu_base = { 0 };
    gboolean have_qemu;
    int qemu_memslots = -1;
    gint64 meta_off, meta_on, meta_qemu;
    int fd;

    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "-v") || !strcmp(argv[i], "--verbose")) {
            verbose = TRUE;
        } else if (!strcmp(argv[i], "--qmem") && i + 1 < argc) {
            qmem_run = argv[++i];
        } else if (!strcmp(argv[i], "--qemu") && i + 1 < argc) {
            qemu = argv[++i];
        } else {
            g_printerr("usage: memslot-metadata [--qmem PATH] [--qemu PATH] "
                       "[-v]\n");
            return 2;
        }
    }
    fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
    if (fd < 0) {
        printf("memslot-metadata: skipped: /dev/kvm: %s\n",
               g_strerror(errno));
        return 0;
    }
    close(fd);
    if (!qmem_run || !g_file_test(qmem_run, G_FILE_TEST_IS_EXECUTABLE)) {
        g_printerr("memslot-metadata: set QMEM_RUN or --qmem to qmem-run\n");
        return 2;
    }
    module_dir = bench_set_module_dir(qmem_run);
    signal(SIGPIPE, SIG_IGN);
    rows = g_ptr_array_new();

    run_qmem(qmem_run, FALSE, &off);
    run_qmem(qmem_run, TRUE, &on);
    have_qemu = run_qemu(qemu, &qemu_dev, &qemu_base, &qemu_memslots);

    printf("KVM memslot metadata of a 1 TiB virtio-mem-pci "
           "(memory-backend-ram,reserve=off; 2 MiB blocks; -m 1G,"
           "maxmem=1025G)\n\n");
    printf("%-58s %9s %10s %6s %8s %8s %7s\n", "state", "MemAvail",
           "VmallocUsd", "Slab", "memslots", "memslots", "time");
    printf("%-58s %9s %10s %6s %8s %8s %7s\n", "", "-MiB", "+MiB", "+MiB",
           "device", "KVM", "s");
    for (guint i = 0; i < rows->len; i++) {
        Row *row = g_ptr_array_index(rows, i);
        g_autofree char *slots = row->memslots < 0 ? g_strdup("") :
            g_strdup_printf("%d", row->memslots);
        g_autofree char *kslots = row->kvm_slots < 0 ? g_strdup("") :
            g_strdup_printf("%d", row->kvm_slots);
        g_autofree char *secs = row->seconds < 0 ? g_strdup("") :
            g_strdup_printf("%.2f", row->seconds);

        printf("%-58s %9.1f %10.1f %6.1f %8s %8s %7s\n", row->label,
               mib(row->delta.available), mib(row->delta.vmalloc),
               mib(row->delta.slab), slots, kslots, secs);
    }

    /* The device's share: the state minus the same VM without it. */
    meta_off = off.at_1g.available - off.baseline.available;
    meta_on = on.at_1g.available - on.baseline.available;
    meta_qemu = qemu_dev.available - qemu_base.available;
    printf("\nkernel memory for the device with 1 GiB plugged "
           "(MemAvailable drop minus baseline; VmallocUsed growth minus "
           "baseline):\n");
    printf("  qmem dynamic-memslots=off  %10.1f MiB  %10.1f MiB  "
           "(%d memslot)\n", mib(meta_off),
           mib(off.at_1g.vmalloc - off.baseline.vmalloc), off.memslots_1g);
    printf("  qmem dynamic-memslots=on   %10.1f MiB  %10.1f MiB  "
           "(%d memslot)\n", mib(meta_on),
           mib(on.at_1g.vmalloc - on.baseline.vmalloc), on.memslots_1g);
    if (have_qemu) {
        printf("  QEMU (%s)  %10.1f MiB  %10.1f MiB  (%d memslot)\n", qemu,
               mib(meta_qemu), mib(qemu_dev.vmalloc - qemu_base.vmalloc),
               qemu_memslots);
    } else {
        printf("  QEMU: n/a (%s not found)\n", qemu);
    }
    /*
     * VmallocUsed is where KVM keeps memslot metadata and hardly moves
     * otherwise; MemAvailable also follows everyone's page cache.
     */
    printf("  on/off: 1/%.0f (VmallocUsed); ",
           (double)(off.at_1g.vmalloc - off.baseline.vmalloc) /
           MAX(on.at_1g.vmalloc - on.baseline.vmalloc, 1));
    if (meta_on > 0) {
        printf("1/%.0f (MemAvailable)\n", (double)meta_off / meta_on);
    } else {
        printf("MemAvailable: on is within the noise of this machine\n");
    }
    printf("\ntimes, one 2 MiB block per request (qtest):\n");
    printf("  %-28s %10s %10s %10s %10s\n", "", "plug 1G", "unplug 1G",
           "plug 64G", "unplug 64G");
    printf("  %-28s %9.2fs %9.2fs %9.2fs %9.2fs\n", "dynamic-memslots=off",
           off.plug_1g, off.unplug_1g, off.plug_64g, off.unplug_64g);
    printf("  %-28s %9.2fs %9.2fs %9.2fs %9.2fs\n", "dynamic-memslots=on",
           on.plug_1g, on.unplug_1g, on.plug_64g, on.unplug_64g);
    printf("  memslots with 64 GiB plugged: off %d, on %d\n",
           off.memslots_64g, on.memslots_64g);
    return 0;
}
