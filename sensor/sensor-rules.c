/* Loading the rule engine from the configuration (rule-files, default-rule-path, vars,
 * classification/reference/threshold files) or from -S, and --test-rules. */
#include "sensor.h"

#include <errno.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "detect/detect.h"
#include "detect/detect-ioc.h"
#include "util/util-log.h"

#define RULES_MAX_FILES 4096 /* rule files after glob expansion */

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

/* 'files': comma-separated files or globs, relative to 'base' (rule-files and
 * default-rule-path, ioc.files and ioc.path). */
static int expand_files(const char *files, const char *base, struct file_list *fl,
                        char errbuf[CANH_ERRBUF_SIZE])
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
        rc = expand_files(c->rule_files, c->rule_path, &fl, errbuf);
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
    int rc = expand_files(c->ioc_files, c->ioc_path, &fl, errbuf);
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
