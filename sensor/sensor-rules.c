/* Loading the rule engine from the configuration (rule-files, default-rule-path, vars,
 * classification/reference/threshold files) or from -S, and --test-rules. */
#include "sensor.h"

#include <dirent.h>
#include <errno.h>
#include <glob.h>
#include <sys/stat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "detect/detect.h"
#include "detect/detect-ioc.h"
#include "detect/detect-yara.h"
#include "util/util-log.h"

#define RULES_MAX_FILES 4096 /* rule files after glob expansion */

/* What a directory given as a list of files stands for. */
static const char *const rule_suffixes[] = { ".rules", NULL };
static const char *const ioc_suffixes[] = { ".txt", ".csv", ".list", ".ioc", NULL };
static const char *const yara_suffixes[] = { ".yar", ".yara", NULL };

struct file_list {
    char *v[RULES_MAX_FILES];
    unsigned n;
};

static int add_file(struct file_list *fl, const char *path, char errbuf[CANH_ERRBUF_SIZE])
{
    if (fl->n == RULES_MAX_FILES) {
        snprintf(errbuf, CANH_ERRBUF_SIZE, "more than %d rule files", RULES_MAX_FILES);
        return CANH_ELIMIT;
    }
    fl->v[fl->n] = strdup(path);
    if (fl->v[fl->n] == NULL) {
        snprintf(errbuf, CANH_ERRBUF_SIZE, "out of memory");
        return CANH_ENOMEM;
    }
    fl->n++;
    return CANH_OK;
}

static int cmp_path(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool has_suffix(const char *name, const char *const *suffixes)
{
    size_t n = strlen(name);
    for (unsigned i = 0; suffixes[i] != NULL; i++) {
        size_t l = strlen(suffixes[i]);
        if (n > l && strcmp(name + n - l, suffixes[i]) == 0)
            return true;
    }
    return false;
}

/* The files of directory 'dir' and its subdirectories whose names end in one of
 * 'suffixes' (hidden entries skipped), sorted. */
static int add_dir(struct file_list *fl, const char *dir, const char *const *suffixes, unsigned depth,
                   char errbuf[CANH_ERRBUF_SIZE])
{
    if (depth > 16)
        return CANH_OK; /* a link loop */
    struct dirent **ents;
    int n = scandir(dir, &ents, NULL, alphasort);
    if (n < 0) {
        snprintf(errbuf, CANH_ERRBUF_SIZE, "%s: %s", dir, strerror(errno));
        return CANH_ERR;
    }
    int rc = CANH_OK;
    for (int i = 0; i < n; i++) {
        const char *name = ents[i]->d_name;
        char path[4096];
        struct stat st;
        if (rc == CANH_OK && name[0] != '.' &&
            (size_t)snprintf(path, sizeof(path), "%s/%s", dir, name) < sizeof(path) &&
            stat(path, &st) == 0) {
            if (S_ISDIR(st.st_mode))
                rc = add_dir(fl, path, suffixes, depth + 1, errbuf);
            else if (S_ISREG(st.st_mode) && has_suffix(name, suffixes))
                rc = add_file(fl, path, errbuf);
        }
        free(ents[i]);
    }
    free(ents);
    return rc;
}

/* 'files': comma-separated files, globs or directories, relative to 'base' (rule-files
 * and default-rule-path, ioc.files and ioc.path, yara.files and yara.path). A directory
 * stands for its files (and its subdirectories') named with one of 'suffixes'. */
static int expand_files(const char *files, const char *base, const char *const *suffixes,
                        struct file_list *fl, char errbuf[CANH_ERRBUF_SIZE])
{
    char list[sizeof(((struct sensor_conf *)0)->rule_files)];
    snprintf(list, sizeof(list), "%s", files);
    char *save = NULL;
    for (char *item = strtok_r(list, ",", &save); item != NULL; item = strtok_r(NULL, ",", &save)) {
        while (*item == ' ' || *item == '\t')
            item++;
        size_t n = strlen(item);
        while (n > 0 && (item[n - 1] == ' ' || item[n - 1] == '\t'))
            item[--n] = '\0';
        if (n == 0)
            continue;
        char path[4096];
        if (item[0] == '/' || base[0] == '\0')
            snprintf(path, sizeof(path), "%s", item);
        else
            snprintf(path, sizeof(path), "%s/%s", base, item);
        glob_t g;
        int rc = glob(path, GLOB_NOCHECK | GLOB_NOSORT, NULL, &g);
        if (rc != 0) {
            snprintf(errbuf, CANH_ERRBUF_SIZE, "cannot expand '%s'", path);
            return CANH_ERR;
        }
        /* sorted, so the load order does not depend on the directory */
        if (g.gl_pathc > 1)
            qsort(g.gl_pathv, g.gl_pathc, sizeof(char *), cmp_path);
        for (size_t i = 0; i < g.gl_pathc; i++) {
            struct stat st;
            if (stat(g.gl_pathv[i], &st) == 0 && S_ISDIR(st.st_mode))
                rc = add_dir(fl, g.gl_pathv[i], suffixes, 0, errbuf);
            else
                rc = add_file(fl, g.gl_pathv[i], errbuf);
            if (rc != CANH_OK) {
                globfree(&g);
                return rc;
            }
        }
        globfree(&g);
    }
    return CANH_OK;
}

int sensor_load_rules(struct sensor *s, const char *only_file, bool test, char errbuf[CANH_ERRBUF_SIZE])
{
    const struct sensor_conf *c = &s->conf;
    struct file_list fl = { .n = 0 };
    int rc = CANH_OK;
    if (only_file != NULL)
        rc = add_file(&fl, only_file, errbuf);
    else
        rc = expand_files(c->rule_files, c->rule_path, rule_suffixes, &fl, errbuf);
    if (rc != CANH_OK)
        goto out;
    if (fl.n == 0 && !test)
        goto out; /* no rules: the sensor runs without the rule engine */

    struct detect_var vars[CONF_MAX_VARS];
    for (unsigned i = 0; i < c->nvars; i++) {
        vars[i].name = c->vars[i].name;
        vars[i].value = c->vars[i].value;
        vars[i].port = c->vars[i].port;
    }
    struct detect_load_conf lc = {
        .files = (const char *const *)fl.v,
        .nfiles = fl.n,
        .vars = vars,
        .nvars = c->nvars,
        .classification_file = c->classification_file,
        .reference_file = c->reference_file,
        .threshold_file = c->threshold_file,
        .report = stderr,
        .alert_max = (unsigned)c->alert_max,
    };
    struct detect_load_stats st;
    s->detect = detect_engine_load(&lc, &st, errbuf);
    if (s->detect == NULL) {
        rc = CANH_ERR;
        goto out;
    }
    s->rules_loaded = st.loaded;
    s->rules_skipped = st.skipped;
    if (test) {
        printf("rules: %u loaded, %u skipped\n", st.loaded, st.skipped);
        printf("rule files: %u; rules read: %u; duplicates: %u\n", st.files, st.rules_total,
               st.duplicates);
        printf("inspect: %u packet, %u stream, %u transaction, %u address-only\n", st.packet,
               st.stream, st.tx, st.iponly);
        printf("without a prefilter pattern: %u (run on every packet of their group)\n",
               st.no_fast_pattern - st.iponly);
        detect_engine_print_unprefiltered(s->detect, stdout, 20);
        printf("prefilter groups:\n");
        detect_engine_print_groups(s->detect, stdout);
        printf("load time: %.2f s; engine memory: %.1f MiB\n", st.load_seconds,
               (double)st.memuse / (1024.0 * 1024.0));
    } else {
        log_notice("rules: %u loaded, %u skipped, from %u file%s in %.2f s (%.1f MiB)%s", st.loaded,
                   st.skipped, st.files, st.files == 1 ? "" : "s", st.load_seconds,
                   (double)st.memuse / (1024.0 * 1024.0),
                   st.skipped ? "; skipped rules are listed above" : "");
    }
out:
    for (unsigned i = 0; i < fl.n; i++)
        free(fl.v[i]);
    return rc;
}

int sensor_load_ioc(struct sensor *s, char errbuf[CANH_ERRBUF_SIZE])
{
    const struct sensor_conf *c = &s->conf;
    struct file_list fl = { .n = 0 };
    int rc = expand_files(c->ioc_files, c->ioc_path, ioc_suffixes, &fl, errbuf);
    if (rc != CANH_OK || fl.n == 0)
        goto out;
    struct ioc_load_conf lc = {
        .files = (const char *const *)fl.v,
        .nfiles = fl.n,
        .default_severity = (unsigned)c->ioc_default_severity,
        .default_category = c->ioc_default_category,
        .report = stderr,
    };
    struct ioc_load_stats st;
    s->ioc = ioc_store_load(&lc, &st, errbuf);
    if (s->ioc == NULL) {
        rc = CANH_ERR;
        goto out;
    }
    log_notice("ioc: %llu indicators (%llu addresses and blocks, %llu domains, %llu URLs, %llu JA3, "
               "%llu SHA-256) from %u list%s in %.2f s (%.1f MiB); %llu lines skipped, %llu duplicates%s",
               (unsigned long long)st.total, (unsigned long long)st.entries[IOC_IP],
               (unsigned long long)st.entries[IOC_DOMAIN], (unsigned long long)st.entries[IOC_URL],
               (unsigned long long)st.entries[IOC_JA3], (unsigned long long)st.entries[IOC_SHA256],
               st.files, st.files == 1 ? "" : "s", st.seconds, (double)st.memuse / (1024.0 * 1024.0),
               (unsigned long long)st.bad, (unsigned long long)st.duplicates,
               st.files_failed ? "; unreadable lists are listed above" : "");
out:
    for (unsigned i = 0; i < fl.n; i++)
        free(fl.v[i]);
    return rc;
}

int sensor_load_yara(struct sensor *s, char errbuf[CANH_ERRBUF_SIZE])
{
    const struct sensor_conf *c = &s->conf;
    struct file_list fl = { .n = 0 };
    int rc = expand_files(c->yara_files, c->yara_path, yara_suffixes, &fl, errbuf);
    if (rc != CANH_OK || fl.n == 0)
        goto out;
    struct yara_conf yc = {
        .stream_depth = (uint32_t)c->yara_stream_depth,
        .file_depth = (uint32_t)c->yara_file_depth,
        .flow_budget = (uint64_t)c->yara_flow_budget,
        .global_budget = (uint64_t)c->yara_global_budget,
        .workers = s->nworkers,
        .timeout_s = (uint32_t)c->yara_timeout,
        .skip_types = c->yara_skip_types,
        .cpu_share_pct = (uint32_t)c->yara_cpu_share,
        .default_severity = (unsigned)c->yara_default_severity,
        .default_category = c->yara_default_category,
    };
    struct yara_load_stats st;
    s->yara = yara_engine_load((const char *const *)fl.v, fl.n, &yc, stderr, &st, errbuf);
    if (s->yara == NULL) {
        rc = CANH_ERR;
        goto out;
    }
    log_notice("yara: %u rules from %u file%s in %.2f s%s", st.rules, st.files, st.files == 1 ? "" : "s",
               st.seconds, "");
    if (st.files_failed > 0)
        log_warning("yara: %u file%s did not compile and %s left out (reasons above)", st.files_failed,
                    st.files_failed == 1 ? "" : "s", st.files_failed == 1 ? "is" : "are");
out:
    for (unsigned i = 0; i < fl.n; i++)
        free(fl.v[i]);
    return rc;
}

/* A rule variable of the configuration (vars.address-groups), for HOME_NET. */
static const char *conf_var(void *ctx, const char *name)
{
    const struct sensor_conf *c = ctx;
    for (unsigned i = 0; i < c->nvars; i++)
        if (!c->vars[i].port && strcmp(c->vars[i].name, name) == 0)
            return c->vars[i].value;
    return NULL;
}

int sensor_setup_engines(struct sensor *s, char errbuf[CANH_ERRBUF_SIZE])
{
    const struct sensor_conf *c = &s->conf;
    struct behave_conf bc;
    behave_conf_default(&bc);
    bc.port_scan.enabled = c->bh_ps_enabled;
    bc.port_scan.severity = (uint8_t)c->bh_ps_severity;
    bc.port_scan.window_s = (uint32_t)c->bh_ps_window;
    bc.port_scan.min_ports = (uint32_t)c->bh_ps_min_ports;
    bc.host_sweep.enabled = c->bh_hs_enabled;
    bc.host_sweep.severity = (uint8_t)c->bh_hs_severity;
    bc.host_sweep.window_s = (uint32_t)c->bh_hs_window;
    bc.host_sweep.min_hosts = (uint32_t)c->bh_hs_min_hosts;
    bc.syn_flood.enabled = c->bh_sf_enabled;
    bc.syn_flood.severity = (uint8_t)c->bh_sf_severity;
    bc.syn_flood.window_s = (uint32_t)c->bh_sf_window;
    bc.syn_flood.min_syns = (uint32_t)c->bh_sf_min_syns;
    bc.syn_flood.max_established_pct = (uint32_t)c->bh_sf_max_established_pct;
    bc.brute_force.enabled = c->bh_bf_enabled;
    bc.brute_force.severity = (uint8_t)c->bh_bf_severity;
    bc.brute_force.window_s = (uint32_t)c->bh_bf_window;
    bc.brute_force.min_short_conns = (uint32_t)c->bh_bf_min_short_connections;
    bc.brute_force.min_failed_auths = (uint32_t)c->bh_bf_min_failed_logins;
    bc.brute_force.short_max_duration_s = (uint32_t)c->bh_bf_short_max_duration;
    bc.dns_tunnel.enabled = c->bh_dt_enabled;
    bc.dns_tunnel.severity = (uint8_t)c->bh_dt_severity;
    bc.dns_tunnel.window_s = (uint32_t)c->bh_dt_window;
    bc.dns_tunnel.min_long_names = (uint32_t)c->bh_dt_min_long_names;
    bc.dns_tunnel.min_distinct_names = (uint32_t)c->bh_dt_min_distinct_names;
    bc.dns_tunnel.long_min_len = (uint32_t)c->bh_dt_long_min_length;
    bc.beacon.enabled = c->bh_bc_enabled;
    bc.beacon.severity = (uint8_t)c->bh_bc_severity;
    bc.beacon.window_s = (uint32_t)c->bh_bc_window;
    bc.beacon.min_conns = (uint32_t)c->bh_bc_min_connections;
    bc.beacon.max_jitter_pct = (uint32_t)c->bh_bc_max_jitter_pct;
    bc.beacon.min_interval_s = (uint32_t)c->bh_bc_min_interval;
    bc.beacon.max_interval_s = (uint32_t)c->bh_bc_max_interval;
    bool any = bc.port_scan.enabled || bc.host_sweep.enabled || bc.syn_flood.enabled ||
               bc.brute_force.enabled || bc.dns_tunnel.enabled || bc.beacon.enabled;
    if (any) {
        s->behave = behave_new(&bc, errbuf);
        if (s->behave == NULL)
            return CANH_ERR;
    }

    pii_conf_default(&s->pii);
    s->pii.cccd = c->pii_cccd;
    s->pii.phone = c->pii_phone;
    s->pii.min_count = (uint32_t)c->pii_min_count;
    s->pii_on = c->pii_enabled && (s->pii.cccd || s->pii.phone);
    if (pii_conf_check(&s->pii, errbuf) != CANH_OK)
        return CANH_ERR;
    if (s->pii_on) {
        const char *home = conf_var((void *)c, "HOME_NET");
        char err[CANH_ERRBUF_SIZE];
        s->home_net = addr_set_parse(home != NULL ? home : "any", conf_var, (void *)c, err);
        if (s->home_net == NULL) {
            snprintf(errbuf, CANH_ERRBUF_SIZE, "HOME_NET: %s", err);
            return CANH_ERR;
        }
    }
    return CANH_OK;
}
