/* canh-sensor: command line, configuration, signals. The pipeline is in sensor.c.
 *
 *   canh-sensor -r FILE|DIR [-r ...] [-l DIR] [-c FILE] [-k none] [--workers N] [BPF]
 *   canh-sensor -i IFACE [-i ...]    [-l DIR] [-c FILE] [-k none] [--workers N] [BPF]
 *
 * Configuration is applied in this order, later winning: built-in defaults, the YAML
 * file (-c), --set key=value options, then the dedicated options (-k, --workers, -v and
 * the trailing BPF filter). */
#include <errno.h>
#include <fcntl.h>
#include <gcrypt.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "sensor.h"
#include "detect/detect.h"
#include "detect/detect-ioc.h"
#include "util/util-log.h"

#define MAX_INPUTS 256
#define MAX_SETS 128

/* The one process-wide mutable object: the signal handler can only reach the stop flag
 * through a global. It is set once before the handler is installed. */
static _Atomic int *signal_stop;

static void on_signal(int sig)
{
    if (atomic_load(signal_stop)) {
        /* Second signal: the user insists. */
        static const char msg[] = "canh-sensor: second signal, exiting without flushing\n";
        ssize_t r = write(STDERR_FILENO, msg, sizeof(msg) - 1);
        (void)r;
        _exit(128 + sig);
    }
    atomic_store(signal_stop, 1);
}

static void usage(FILE *out)
{
    fprintf(out,
            "usage: canh-sensor -r PATH [-r PATH ...] [options] [BPF filter]\n"
            "       canh-sensor -i IFACE [-i IFACE ...] [options] [BPF filter]\n"
            "\n"
            "  -r PATH          read a pcap/pcapng file, or every file of a directory (repeatable)\n"
            "  -i IFACE         capture live on an interface (repeatable)\n"
            "  -l DIR           directory for eve.json (default: current directory)\n"
            "  -c FILE          YAML configuration (keys: canh-sensor --list-keys)\n"
            "  -k all|none      validate checksums (all, default) or not (none)\n"
            "  -S FILE          load only the rules of FILE (instead of rule-files)\n"
            "  --test-rules     load the rules, print a summary and exit: status 1 if a rule\n"
            "                   was skipped, 2 if none could be loaded\n"
            "  --workers N      worker threads (default 1; key 'workers')\n"
            "  --set KEY=VALUE  set a configuration key (repeatable)\n"
            "  -v               more log output (repeatable)\n"
            "  --list-keys      list every configuration key with default and range\n"
            "  --dump-config    print the configuration in effect and exit\n"
            "  -V, --version    print the version\n"
            "  -h, --help       this help\n"
            "\n"
            "Trailing arguments form a BPF filter, as for tcpdump.\n"
            "Events are documented in docs/events.md, configuration in deploy/sensor.yaml.\n");
}

static int fail(const char *msg)
{
    fprintf(stderr, "canh-sensor: %s\n", msg);
    return 1;
}

/* A command-line error found by getopt_long (':' for a missing value, '?' otherwise):
 * names the option, exits 2. A long option is a whole argument; a short one may sit in
 * a cluster ("-vx"), so it is named alone. */
static int option_error(char *const *argv, const struct option *longopts, int opt)
{
    const char *arg = argv[optind - 1];
    const char *what = opt == ':' ? "needs a value" : "is not an option";
    if (strncmp(arg, "--", 2) == 0) {
        int n = (int)strcspn(arg, "=");
        for (const struct option *o = longopts; opt != ':' && o->name != NULL; o++)
            if ((int)strlen(o->name) == n - 2 && strncmp(o->name, arg + 2, (size_t)n - 2) == 0)
                what = "takes no value";
        fprintf(stderr, "canh-sensor: %.*s %s (canh-sensor -h lists the options)\n", n, arg, what);
    } else
        fprintf(stderr, "canh-sensor: -%c %s (canh-sensor -h lists the options)\n", optopt, what);
    return 2;
}

/* An empty directory setting becomes the configuration file's directory. */
static void default_to_conf_dir(char *dir, size_t cap, const char *conf_file)
{
    const char *slash = conf_file != NULL ? strrchr(conf_file, '/') : NULL;
    if (dir[0] == '\0' && slash != NULL)
        snprintf(dir, cap, "%.*s", (int)(slash - conf_file), conf_file);
}

int main(int argc, char **argv)
{
    static const struct option longopts[] = {
        { "workers", required_argument, NULL, 'W' },
        { "set", required_argument, NULL, 's' },
        { "list-keys", no_argument, NULL, 'L' },
        { "dump-config", no_argument, NULL, 'D' },
        { "test-rules", no_argument, NULL, 'T' },
        { "version", no_argument, NULL, 'V' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    static struct sensor s; /* large; lives for the whole run */
    char *inputs[MAX_INPUTS];
    const char *sets[MAX_SETS];
    int ninputs = 0, nsets = 0, verbose = 0;
    const char *conf_file = NULL, *checksum = NULL, *workers = NULL, *rules_file = NULL;
    bool dump = false, test_rules = false;
    char err[CANH_ERRBUF_SIZE];

    s.log_dir = ".";
    int opt;
    opterr = 0; /* errors are reported below, in the sensor's own format */
    while ((opt = getopt_long(argc, argv, "+:r:i:l:c:k:S:vVh", longopts, NULL)) != -1) {
        switch (opt) {
        case 'r':
            if (ninputs == MAX_INPUTS)
                return fail("too many -r options");
            inputs[ninputs++] = optarg;
            break;
        case 'i':
            if (s.nifaces == SENSOR_MAX_IFACES)
                return fail("too many -i options (at most 16)");
            s.ifaces[s.nifaces++] = optarg;
            break;
        case 'l': s.log_dir = optarg; break;
        case 'c': conf_file = optarg; break;
        case 'k': checksum = optarg; break;
        case 'S': rules_file = optarg; break;
        case 'T': test_rules = true; break;
        case 'W': workers = optarg; break;
        case 's':
            if (nsets == MAX_SETS)
                return fail("too many --set options");
            sets[nsets++] = optarg;
            break;
        case 'v': verbose++; break;
        case 'L':
            conf_dump_keys(stdout);
            return 0;
        case 'D': dump = true; break;
        case 'V':
            printf("canh-sensor %s (schema %d)\n", CANH_VERSION, CANH_SCHEMA_VERSION);
            return 0;
        case 'h':
            usage(stdout);
            return 0;
        default: /* ':' or '?' */
            return option_error(argv, longopts, opt);
        }
    }

    /* Configuration, in order of precedence. */
    conf_defaults(&s.conf);
    if (conf_file != NULL && conf_load_file(&s.conf, conf_file, err) != CANH_OK)
        return fail(err);
    for (int i = 0; i < nsets; i++) {
        char key[CONF_STR_MAX];
        const char *eq = strchr(sets[i], '=');
        if (eq == NULL || eq == sets[i] || (size_t)(eq - sets[i]) >= sizeof(key)) {
            snprintf(err, sizeof(err), "--set %s: expected KEY=VALUE", sets[i]);
            return fail(err);
        }
        snprintf(key, sizeof(key), "%.*s", (int)(eq - sets[i]), sets[i]);
        if (conf_set(&s.conf, key, eq + 1, "--set", err) != CANH_OK)
            return fail(err);
    }
    if (checksum != NULL) {
        if (strcmp(checksum, "all") != 0 && strcmp(checksum, "none") != 0) {
            snprintf(err, sizeof(err), "-k %s: expected 'all' or 'none'", checksum);
            return fail(err);
        }
        if (conf_set(&s.conf, "capture.checksum-validation", checksum[0] == 'a' ? "yes" : "no",
                     "-k", err) != CANH_OK)
            return fail(err);
    }
    if (workers != NULL && conf_set(&s.conf, "workers", workers, "--workers", err) != CANH_OK)
        return fail(err);
    if (optind < argc) {
        char bpf[sizeof(s.conf.bpf)];
        size_t len = 0;
        for (int i = optind; i < argc; i++) {
            int n = snprintf(bpf + len, sizeof(bpf) - len, "%s%s", i > optind ? " " : "", argv[i]);
            if (n < 0 || (size_t)n >= sizeof(bpf) - len)
                return fail("BPF filter too long");
            len += (size_t)n;
        }
        memcpy(s.conf.bpf, bpf, len + 1);
    }
    int level = (int)s.conf.log_level + verbose;
    canh_log_init("canh-sensor", level > CANH_LOG_DEBUG ? CANH_LOG_DEBUG : (enum canh_log_level)level);

    if (dump) {
        conf_dump_values(&s.conf, stdout);
        return 0;
    }
    /* rule-files and ioc.files are relative to the configuration file's directory by default */
    default_to_conf_dir(s.conf.rule_path, sizeof(s.conf.rule_path), conf_file);
    default_to_conf_dir(s.conf.ioc_path, sizeof(s.conf.ioc_path), conf_file);
    default_to_conf_dir(s.conf.yara_path, sizeof(s.conf.yara_path), conf_file);
    if (test_rules) {
        if (gcry_check_version(NULL) == NULL)
            return fail("libgcrypt failed to initialise");
        if (sensor_load_rules(&s, rules_file, true, err) != CANH_OK) {
            fprintf(stderr, "canh-sensor: %s\n", err);
            return 2;
        }
        int status = s.rules_skipped > 0 ? 1 : 0;
        detect_engine_free(s.detect);
        return status;
    }
    if ((ninputs > 0) == (s.nifaces > 0)) {
        usage(stderr);
        return fail(ninputs > 0 ? "-r and -i cannot be combined" : "give -r PATH or -i IFACE");
    }
    if (s.conf.eve_enabled) {
        /* Open the event log now, so that a log the sensor cannot write stops it here and
         * not after the capture. access(2) on the directory would not tell: root passes
         * it, /proc passes it, and the file name may hold a missing subdirectory. The
         * output thread opens the file again, for appending. */
        char path[4096];
        struct stat st;
        int fd = -1;
        snprintf(path, sizeof(path), "%s/%s", s.log_dir, s.conf.eve_filename);
        if (stat(s.log_dir, &st) != 0)
            snprintf(err, sizeof(err), "-l %s: %s", s.log_dir, strerror(errno));
        else if (!S_ISDIR(st.st_mode))
            snprintf(err, sizeof(err), "-l %s: not a directory", s.log_dir);
        else if ((fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640)) < 0)
            snprintf(err, sizeof(err), "%s: cannot open for writing: %s", path, strerror(errno));
        if (fd < 0)
            return fail(err);
        close(fd);
    }

    if (s.conf.sensor_id[0] == '\0' &&
        gethostname(s.conf.sensor_id, sizeof(s.conf.sensor_id) - 1) != 0)
        snprintf(s.conf.sensor_id, sizeof(s.conf.sensor_id), "sensor");
    /* The id goes into event ids ("id:boot:worker:seq") and Redis key names. */
    if (strspn(s.conf.sensor_id, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") !=
        strlen(s.conf.sensor_id)) {
        snprintf(err, sizeof(err), "sensor.id = '%s': only letters, digits, '.', '_' and '-' are allowed",
                 s.conf.sensor_id);
        return fail(err);
    }
    memcpy(s.sensor_id, s.conf.sensor_id, sizeof(s.sensor_id));
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    s.start_us = (uint64_t)now.tv_sec * 1000000u + (uint64_t)now.tv_nsec / 1000u;
    snprintf(s.boot_id, sizeof(s.boot_id), "%llx", (unsigned long long)s.start_us);
    s.inputs = inputs;
    s.ninputs = ninputs;
    s.offline = ninputs > 0;
    s.nworkers = (unsigned)s.conf.workers;

    if (gcry_check_version(NULL) == NULL)
        return fail("libgcrypt failed to initialise");
    gcry_control(GCRYCTL_INITIALIZATION_FINISHED, 0);

    signal_stop = &s.stop;
    struct sigaction sa = { .sa_handler = on_signal };
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);

    log_info("canh-sensor %s starting: sensor %s, org %s, %u worker%s", CANH_VERSION, s.sensor_id,
             s.conf.org, s.nworkers, s.nworkers > 1 ? "s" : "");
    if (sensor_load_rules(&s, rules_file, false, err) != CANH_OK)
        return fail(err);
    if (sensor_load_ioc(&s, err) != CANH_OK) {
        detect_engine_free(s.detect);
        return fail(err);
    }
    risk_conf_default(&s.risk);
    s.risk_alerts = s.conf.dpi_enabled && s.conf.dpi_risk_alerts;
    int run = risk_conf_parse(&s.risk, s.conf.dpi_risk_severity, err);
    if (run != CANH_OK) {
        char msg[CANH_ERRBUF_SIZE + 32];
        snprintf(msg, sizeof(msg), "dpi.risk-alerts.severity: %s", err);
        snprintf(err, sizeof(err), "%s", msg);
    }
    if (run == CANH_OK)
        run = sensor_setup_engines(&s, err);
    if (run == CANH_OK)
        run = sensor_load_yara(&s, err);
    if (run == CANH_OK) {
        /* files are tracked when asked for, and for the engines that look at them */
        struct file_conf fc = {
            .enabled = s.conf.files_enabled || yara_scans_files(s.yara) || ioc_store_has(s.ioc, IOC_SHA256),
            .magic = s.conf.files_magic && s.conf.files_enabled,
            .magic_description = s.conf.files_magic && s.conf.files_magic_description && s.conf.files_enabled,
            .store_max_file = (uint64_t)s.conf.files_store_max_file,
            .store_max_total = (uint64_t)s.conf.files_store_max_total,
            .scan_max = yara_file_depth(s.yara),
        };
        if (s.conf.files_enabled)
            snprintf(fc.store_dir, sizeof(fc.store_dir), "%s", s.conf.files_store_dir);
        run = file_engine_init(&s.files, &fc, err);
    }
    if (run == CANH_OK)
        run = sensor_run(&s, err);
    detect_engine_free(s.detect);
    ioc_store_free(s.ioc);
    yara_engine_free(s.yara);
    behave_free(s.behave);
    addr_set_free(s.home_net);
    if (run != CANH_OK)
        return fail(err);
    if (atomic_load(&s.stop))
        log_notice("stopped by signal; flows flushed and final stats written");
    return 0;
}
