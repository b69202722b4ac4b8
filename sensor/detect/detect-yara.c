/* YARA rules over streams and files. See detect-yara.h. */
#include "detect/detect-yara.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <yara.h>

#include "detect/detect-run.h"
#include "flow/flow.h"
#include "output/output-eve-alert.h"
#include "util/util-json.h"
#include "util/util-log.h"

#define YARA_REPORT_ERRORS 3    /* compile errors written per failing file */
#define YARA_PAYLOAD_BEFORE 64  /* bytes before the first string match in alert.payload */
#define YARA_PAYLOAD_MAX 512    /* bytes of alert.payload */
#define YARA_MD_MAX 8192        /* alert.metadata */
#define YARA_STRINGS_MAX 16     /* matching string identifiers listed per alert */
#define YARA_ENTROPY_MIN_LEN 256 /* stream starts shorter than this are always scanned */
#define YARA_ENTROPY_MAX_CBITS 750 /* above 7.5 bits a byte a stream start is compressed or
                                      encrypted: not scanned */

struct yara_engine {
    YR_RULES *rules;
    struct yara_conf conf;
    char default_category[128];
    char skip_types[256];
};

/* A flow's streams being collected, and the bytes scanned for it. */
struct yara_flow {
    uint8_t *buf[2];
    uint32_t len[2], cap[2];
    uint64_t next[2];        /* stream offset the next bytes should have */
    bool done[2];            /* scanned (or given up): later bytes are not wanted */
    bool skip;               /* encrypted: nothing of the flow is scanned */
};

/* What the scan in progress is about, for the match callback. */
struct yara_scan {
    const struct alert_ctx *ac;
    int dir;
    uint32_t sid;
    const char *what;        /* "stream" or "file" */
    const uint8_t *data;
    uint32_t len;
    const char *name;        /* file name, or NULL */
    uint32_t name_len;
    const struct detect_tx *tx;
};

struct yara_thread {
    const struct yara_engine *ye;
    YR_SCANNER *scanner;
    struct yara_stats stats;
    /* CPU share: a bucket of scan time (ns) refilled at cpu_share of the clock, holding
     * at most one second's share; a scan needs a positive balance and pays its time */
    int64_t cpu_tokens;
    uint64_t cpu_last_ns;
    uint64_t budget_sec;     /* traffic second of the global budget's count */
    uint64_t budget_used;    /* bytes scanned in it */
    uint64_t budget_share;   /* this worker's bytes per second */
    struct yara_scan cur;
    char md[YARA_MD_MAX];
};

/* ---------------------------------------------------------------------------------- */
/* Loading                                                                            */
/* ---------------------------------------------------------------------------------- */

struct compile_report {
    FILE *out;
    unsigned errors;
};

static void compile_cb(int level, const char *file, int line, const YR_RULE *rule, const char *msg,
                       void *ud)
{
    struct compile_report *r = ud;
    if (level != YARA_ERROR_LEVEL_ERROR)
        return; /* warnings (slow rules) are libyara's advice, not a failure */
    if (r->errors++ < YARA_REPORT_ERRORS && r->out != NULL)
        fprintf(r->out, "yara: %s:%d: %s%s%s\n", file != NULL ? file : "?", line, msg,
                rule != NULL ? " in rule " : "", rule != NULL ? rule->identifier : "");
}

/* Compiles one file into 'c' (namespace: the file's path). Returns the errors. */
static unsigned compile_file(YR_COMPILER *c, const char *path, struct compile_report *r)
{
    FILE *fp = fopen(path, "r");
    if (fp == NULL) {
        if (r->out != NULL)
            fprintf(r->out, "yara: %s: cannot open: %m\n", path);
        r->errors++;
        return 1;
    }
    yr_compiler_set_callback(c, compile_cb, r);
    int n = yr_compiler_add_file(c, fp, path, path);
    fclose(fp);
    return n > 0 ? (unsigned)n : 0;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

struct yara_engine *yara_engine_load(const char *const *files, unsigned nfiles,
                                     const struct yara_conf *c, FILE *report,
                                     struct yara_load_stats *st, char errbuf[CANH_ERRBUF_SIZE])
{
    double t0 = now_s();
    memset(st, 0, sizeof(*st));
    if (yr_initialize() != ERROR_SUCCESS) {
        snprintf(errbuf, CANH_ERRBUF_SIZE, "libyara could not start");
        return NULL;
    }
    YR_COMPILER *all = NULL;
    if (yr_compiler_create(&all) != ERROR_SUCCESS) {
        snprintf(errbuf, CANH_ERRBUF_SIZE, "libyara: out of memory");
        yr_finalize();
        return NULL;
    }
    for (unsigned i = 0; i < nfiles; i++) {
        /* alone first: after an error a libyara compiler takes no more files */
        YR_COMPILER *one = NULL;
        if (yr_compiler_create(&one) != ERROR_SUCCESS)
            break;
        struct compile_report r = { .out = report };
        unsigned errs = compile_file(one, files[i], &r);
        yr_compiler_destroy(one);
        if (errs > 0 || r.errors > 0) {
            if (r.errors > YARA_REPORT_ERRORS && report != NULL)
                fprintf(report, "yara: %s: %u more errors\n", files[i], r.errors - YARA_REPORT_ERRORS);
            if (report != NULL)
                fprintf(report, "yara: %s: not loaded\n", files[i]);
            st->files_failed++;
            continue;
        }
        struct compile_report r2 = { .out = report };
        if (compile_file(all, files[i], &r2) > 0) {
            /* compiled alone but not with the others: cannot happen with a namespace
             * per file; the compiler is unusable now */
            snprintf(errbuf, CANH_ERRBUF_SIZE, "yara: %s compiles alone but not with the files before it",
                     files[i]);
            yr_compiler_destroy(all);
            yr_finalize();
            return NULL;
        }
        st->files++;
    }
    struct yara_engine *ye = calloc(1, sizeof(*ye));
    if (ye == NULL || yr_compiler_get_rules(all, &ye->rules) != ERROR_SUCCESS) {
        snprintf(errbuf, CANH_ERRBUF_SIZE, "libyara: out of memory");
        free(ye);
        yr_compiler_destroy(all);
        yr_finalize();
        return NULL;
    }
    yr_compiler_destroy(all);
    YR_RULES_STATS rs;
    if (yr_rules_get_stats(ye->rules, &rs) == ERROR_SUCCESS)
        st->rules = rs.num_rules;
    ye->conf = *c;
    snprintf(ye->default_category, sizeof(ye->default_category), "%s",
             c->default_category != NULL ? c->default_category : "Malicious content (YARA)");
    ye->conf.default_category = ye->default_category;
    snprintf(ye->skip_types, sizeof(ye->skip_types), "%s", c->skip_types != NULL ? c->skip_types : "");
    ye->conf.skip_types = ye->skip_types;
    if (ye->conf.workers == 0)
        ye->conf.workers = 1;
    st->seconds = now_s() - t0;
    if (st->files == 0) {
        snprintf(errbuf, CANH_ERRBUF_SIZE, "no YARA file could be loaded (%u failed)", st->files_failed);
        yara_engine_free(ye);
        return NULL;
    }
    return ye;
}

void yara_engine_free(struct yara_engine *ye)
{
    if (ye == NULL)
        return;
    if (ye->rules != NULL)
        yr_rules_destroy(ye->rules);
    free(ye);
    yr_finalize();
}

bool yara_scans_streams(const struct yara_engine *ye)
{
    return ye != NULL && ye->conf.stream_depth > 0;
}

bool yara_scans_files(const struct yara_engine *ye)
{
    return ye != NULL && ye->conf.file_depth > 0;
}

uint32_t yara_file_depth(const struct yara_engine *ye)
{
    return ye != NULL ? ye->conf.file_depth : 0;
}

/* ---------------------------------------------------------------------------------- */
/* Alerts                                                                             */
/* ---------------------------------------------------------------------------------- */

/* 1-4 from a meta value: a number or a word. 0 when it is neither. */
static unsigned severity_of(const YR_META *m)
{
    if (m->type == META_TYPE_INTEGER)
        return m->integer >= 1 && m->integer <= 4 ? (unsigned)m->integer : 0;
    if (m->type != META_TYPE_STRING || m->string == NULL)
        return 0;
    static const struct {
        const char *w;
        unsigned s;
    } words[] = { { "critical", 1 }, { "high", 1 }, { "medium", 2 }, { "low", 3 },
                  { "info", 4 },     { "1", 1 },    { "2", 2 },      { "3", 3 }, { "4", 4 } };
    for (size_t i = 0; i < ARRAY_SIZE(words); i++)
        if (strcasecmp(m->string, words[i].w) == 0)
            return words[i].s;
    return 0;
}

static void raise_alert(struct yara_thread *yt, YR_SCAN_CONTEXT *ctx, const YR_RULE *rule)
{
    const struct yara_engine *ye = yt->ye;
    const struct yara_scan *sc = &yt->cur;
    unsigned severity = ye->conf.default_severity;
    const char *category = ye->conf.default_category;
    const char *description = NULL;
    struct json j;
    json_init(&j, yt->md, sizeof(yt->md));
    json_object_open_k(&j, NULL, 0);
    json_md(&j, "yara_rule", rule->identifier, strlen(rule->identifier));
    json_md(&j, "yara_namespace", rule->ns->name, strlen(rule->ns->name));
    json_md(&j, "yara_scanned", sc->what, strlen(sc->what));
    if (sc->name != NULL && sc->name_len > 0)
        json_md(&j, "file_name", sc->name, sc->name_len);
    const char *tag;
    if (rule->tags != NULL && *rule->tags != '\0') {
        json_array_open_k(&j, "yara_tags", 9);
        yr_rule_tags_foreach(rule, tag) json_stringn_k(&j, NULL, 0, tag, strlen(tag));
        json_array_close(&j);
    }
    /* the strings that matched, and where the first match is */
    const YR_STRING *s;
    int64_t first = -1;
    unsigned nstr = 0;
    bool open = false;
    yr_rule_strings_foreach(rule, s)
    {
        bool hit = false;
        /* libyara 4.2 allocates matches unaligned in its arena: each is copied out
         * before it is read (yr_string_matches_foreach would read them in place) */
        for (const YR_MATCH *p = ctx->matches[s->idx].head; p != NULL;) {
            YR_MATCH m;
            memcpy(&m, p, sizeof(m));
            if (!m.is_private) {
                if (first < 0 || m.base + m.offset < first)
                    first = m.base + m.offset;
                hit = true;
            }
            p = m.next;
        }
        if (hit && nstr < YARA_STRINGS_MAX) {
            if (!open) {
                json_array_open_k(&j, "yara_strings", 12);
                open = true;
            }
            json_stringn_k(&j, NULL, 0, s->identifier, strlen(s->identifier));
            nstr++;
        }
    }
    if (open)
        json_array_close(&j);
    const YR_META *m;
    yr_rule_metas_foreach(rule, m)
    {
        const char *k = m->identifier;
        char num[32];
        const char *v = m->string;
        if (m->type == META_TYPE_INTEGER) {
            snprintf(num, sizeof(num), "%lld", (long long)m->integer);
            v = num;
        } else if (m->type == META_TYPE_BOOLEAN) {
            v = m->integer ? "true" : "false";
        }
        if (v == NULL)
            continue;
        if (strcmp(k, "severity") == 0) {
            unsigned sv = severity_of(m);
            if (sv != 0)
                severity = sv;
        } else if (strcmp(k, "category") == 0 && m->type == META_TYPE_STRING) {
            category = v;
        } else if (strcmp(k, "description") == 0 && m->type == META_TYPE_STRING) {
            description = v;
        }
        /* alert.mitre reads mitre_technique_id */
        json_md(&j, strcmp(k, "mitre_technique") == 0 ? "mitre_technique_id" : k, v, strlen(v));
    }
    json_object_close(&j);
    if (!json_cstr(&j))
        return;
    char sig[256];
    if (description != NULL)
        snprintf(sig, sizeof(sig), "YARA %s: %s", rule->identifier, description);
    else
        snprintf(sig, sizeof(sig), "YARA %s", rule->identifier);
    uint32_t pstart = 0, plen = sc->len;
    if (first >= 0 && (uint64_t)first < sc->len)
        pstart = first > YARA_PAYLOAD_BEFORE ? (uint32_t)first - YARA_PAYLOAD_BEFORE : 0;
    plen = sc->len - pstart;
    if (plen > YARA_PAYLOAD_MAX)
        plen = YARA_PAYLOAD_MAX;
    struct eve_alert a = {
        .action = "allowed",
        .rule_action = "alert",
        .gid = 1,
        .sid = sc->sid,
        .rev = 1,
        .signature = sig,
        .category = category,
        .severity = severity,
        .source = "yara",
        .metadata_json = yt->md,
        .target = alert_target_of(sc->ac, sc->dir, true),
        .payload = sc->data + pstart,
        .payload_len = plen,
        .stream = sc->sid == YARA_SID_STREAM,
        .dir = sc->dir,
        .pcap_cnt = sc->ac->pcap_cnt,
        .app_log = sc->tx != NULL ? sc->tx->log : NULL,
        .app_ctx = sc->tx != NULL ? sc->tx->ctx : NULL,
    };
    eve_alert(sc->ac->eve, &a, sc->ac->p, sc->ac->f, sc->ac->dpi);
    STAT_INC(yt->stats.matches);
}

static int scan_cb(YR_SCAN_CONTEXT *ctx, int message, void *data, void *ud)
{
    if (message == CALLBACK_MSG_RULE_MATCHING)
        raise_alert(ud, ctx, data);
    return CALLBACK_CONTINUE;
}

/* ---------------------------------------------------------------------------------- */
/* Scanning                                                                           */
/* ---------------------------------------------------------------------------------- */

struct yara_thread *yara_thread_new(const struct yara_engine *ye, char errbuf[CANH_ERRBUF_SIZE])
{
    struct yara_thread *yt = calloc(1, sizeof(*yt));
    if (yt == NULL || yr_scanner_create(ye->rules, &yt->scanner) != ERROR_SUCCESS) {
        snprintf(errbuf, CANH_ERRBUF_SIZE, "yara: out of memory");
        free(yt);
        return NULL;
    }
    yt->ye = ye;
    yt->budget_share = ye->conf.global_budget / ye->conf.workers;
    yr_scanner_set_callback(yt->scanner, scan_cb, yt);
    yr_scanner_set_timeout(yt->scanner, (int)ye->conf.timeout_s);
    /* one match per string is enough to know a rule matched */
    yr_scanner_set_flags(yt->scanner, SCAN_FLAGS_FAST_MODE);
    return yt;
}

void yara_thread_free(struct yara_thread *yt)
{
    if (yt == NULL)
        return;
    yr_scanner_destroy(yt->scanner);
    free(yt);
}

const struct yara_stats *yara_thread_stats(const struct yara_thread *yt)
{
    return &yt->stats;
}

/* Bytes of 'len' the budgets let through, for a flow that had 'scanned' bytes scanned,
 * at traffic time ts_us. */
static uint64_t mono_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Is there scan time left in this worker's share of the clock? */
static bool cpu_left(struct yara_thread *yt)
{
    uint32_t share = yt->ye->conf.cpu_share_pct;
    if (share >= 100)
        return true;
    uint64_t now = mono_ns();
    int64_t cap = (int64_t)share * 10000000; /* one second's share, in ns */
    if (yt->cpu_last_ns == 0)
        yt->cpu_tokens = cap;
    else
        yt->cpu_tokens += (int64_t)((now - yt->cpu_last_ns) * share / 100);
    if (yt->cpu_tokens > cap)
        yt->cpu_tokens = cap;
    yt->cpu_last_ns = now;
    return yt->cpu_tokens > 0;
}

static uint32_t budget(struct yara_thread *yt, uint64_t scanned, uint64_t ts_us, uint32_t len)
{
    const struct yara_conf *c = &yt->ye->conf;
    uint32_t n = len;
    if (!cpu_left(yt)) {
        STAT_INC(yt->stats.cpu_budget_cut);
        return 0;
    }
    uint64_t flow_left = c->flow_budget > scanned ? c->flow_budget - scanned : 0;
    if (n > flow_left) {
        n = (uint32_t)flow_left;
        STAT_INC(yt->stats.flow_budget_cut);
    }
    uint64_t sec = ts_us / 1000000;
    if (sec != yt->budget_sec) {
        yt->budget_sec = sec;
        yt->budget_used = 0;
    }
    uint64_t left = yt->budget_share > yt->budget_used ? yt->budget_share - yt->budget_used : 0;
    if (n > left) {
        n = (uint32_t)left;
        STAT_INC(yt->stats.global_budget_cut);
    }
    return n;
}

static void scan(struct yara_thread *yt, const uint8_t *data, uint32_t len)
{
    STAT_INC(yt->stats.scans);
    STAT_ADD(yt->stats.bytes, len);
    if (yt->cur.sid == YARA_SID_STREAM)
        STAT_ADD(yt->stats.stream_bytes, len);
    else
        STAT_ADD(yt->stats.file_bytes, len);
    yt->budget_used += len;
    yt->cur.data = data;
    yt->cur.len = len;
    uint64_t t0 = yt->ye->conf.cpu_share_pct < 100 ? mono_ns() : 0;
    int rc = yr_scanner_scan_mem(yt->scanner, data, len);
    if (t0 != 0) {
        uint64_t t1 = mono_ns();
        yt->cpu_tokens -= (int64_t)(t1 - t0);
        yt->cpu_last_ns = t1; /* the scan's own time does not refill the bucket */
    }
    if (rc != ERROR_SUCCESS)
        STAT_INC(yt->stats.errors);
}

static uint64_t pkt_ts(const struct alert_ctx *ac)
{
    return ac->p != NULL ? ac->p->ts_us : 0;
}

static struct yara_flow *flow_state(struct flow *f, int64_t *allocated)
{
    if (f->yara == NULL) {
        f->yara = calloc(1, sizeof(*f->yara));
        if (f->yara != NULL)
            *allocated += sizeof(*f->yara);
    }
    return f->yara;
}

/* Is 'mime' one of the comma-separated prefixes of 'list'? */
static bool type_listed(const char *list, const char *mime)
{
    if (mime == NULL)
        return false;
    for (const char *p = list; *p != '\0';) {
        while (*p == ',' || *p == ' ')
            p++;
        size_t n = strcspn(p, ", ");
        if (n > 0 && strncasecmp(mime, p, n) == 0)
            return true;
        p += n;
    }
    return false;
}

void yara_scan_file(struct yara_thread *yt, const struct alert_ctx *ac, int dir, const uint8_t *data,
                    uint32_t len, const char *name, uint32_t name_len, const char *mime,
                    const struct detect_tx *tx)
{
    if (len == 0)
        return;
    /* uploads are always scanned: a web shell arrives as an "image" (a GIF header and
     * PHP after it) */
    if (dir == FLOW_TO_CLIENT && type_listed(yt->ye->conf.skip_types, mime)) {
        STAT_INC(yt->stats.files_skipped_type);
        return;
    }
    struct flow *f = ac->f;
    uint32_t n = budget(yt, f != NULL ? f->yara_scanned : 0, pkt_ts(ac), len);
    if (n == 0)
        return;
    if (f != NULL)
        f->yara_scanned += n;
    yt->cur = (struct yara_scan){
        .ac = ac, .dir = dir, .sid = YARA_SID_FILE, .what = "file",
        .name = name, .name_len = name_len, .tx = tx,
    };
    scan(yt, data, n);
}

/* Shannon entropy of 'd' in bits per byte, times 100. */
static unsigned entropy_cbits(const uint8_t *d, uint32_t n)
{
    uint32_t count[256] = { 0 };
    for (uint32_t i = 0; i < n; i++)
        count[d[i]]++;
    double h = 0;
    for (int i = 0; i < 256; i++) {
        if (count[i] == 0)
            continue;
        double p = (double)count[i] / n;
        h -= p * log2(p);
    }
    return (unsigned)(h * 100);
}

static int64_t stream_scan(struct yara_thread *yt, const struct alert_ctx *ac, struct yara_flow *yf,
                           int dir)
{
    int64_t freed = 0;
    /* compressed or encrypted bytes (entropy near 8 bits a byte): the text and
     * structure YARA rules look for is not there; files are scanned decoded instead */
    if (!yf->done[dir] && yf->len[dir] >= YARA_ENTROPY_MIN_LEN &&
        entropy_cbits(yf->buf[dir], yf->len[dir]) > YARA_ENTROPY_MAX_CBITS) {
        STAT_INC(yt->stats.streams_high_entropy);
        yf->done[dir] = true;
    }
    if (!yf->done[dir] && yf->len[dir] > 0 && !yf->skip) {
        uint32_t n = budget(yt, ac->f->yara_scanned, pkt_ts(ac), yf->len[dir]);
        if (n > 0) {
            ac->f->yara_scanned += n;
            yt->cur = (struct yara_scan){ .ac = ac, .dir = dir, .sid = YARA_SID_STREAM, .what = "stream" };
            scan(yt, yf->buf[dir], n);
        }
    }
    yf->done[dir] = true;
    freed = yf->cap[dir];
    free(yf->buf[dir]);
    yf->buf[dir] = NULL;
    yf->len[dir] = yf->cap[dir] = 0;
    return -freed;
}

int64_t yara_stream_data(struct yara_thread *yt, const struct alert_ctx *ac, int dir,
                         const uint8_t *data, uint32_t len, uint64_t offset)
{
    int64_t delta = 0;
    struct flow *f = ac->f;
    struct yara_flow *yf = flow_state(f, &delta);
    if (yf == NULL || yf->done[dir] || yf->skip)
        return delta;
    uint32_t depth = yt->ye->conf.stream_depth;
    if (offset >= depth) {
        delta += stream_scan(yt, ac, yf, dir);
        return delta;
    }
    /* a gap: the bytes after it go on where they are (the scan sees them joined) */
    uint32_t take = len;
    if (offset + take > depth)
        take = (uint32_t)(depth - offset);
    if (yf->len[dir] + take > yf->cap[dir]) {
        uint32_t cap = yf->cap[dir] != 0 ? yf->cap[dir] : 4096;
        while (cap < yf->len[dir] + take)
            cap *= 2;
        if (cap > depth)
            cap = depth;
        uint8_t *b = realloc(yf->buf[dir], cap);
        if (b == NULL) {
            delta += stream_scan(yt, ac, yf, dir);
            return delta;
        }
        delta += (int64_t)cap - yf->cap[dir];
        yf->buf[dir] = b;
        yf->cap[dir] = cap;
    }
    memcpy(yf->buf[dir] + yf->len[dir], data, take);
    yf->len[dir] += take;
    yf->next[dir] = offset + take;
    if (offset + take >= depth)
        delta += stream_scan(yt, ac, yf, dir);
    return delta;
}

int64_t yara_stream_end(struct yara_thread *yt, const struct alert_ctx *ac, int dir)
{
    struct yara_flow *yf = ac->f != NULL ? ac->f->yara : NULL;
    if (yf == NULL || yf->done[dir])
        return 0;
    return stream_scan(yt, ac, yf, dir);
}

int64_t yara_stream_skip(struct yara_thread *yt, struct flow *f)
{
    int64_t delta = 0;
    struct yara_flow *yf = flow_state(f, &delta);
    if (yf == NULL || yf->skip)
        return delta;
    yf->skip = true;
    for (int d = 0; d < 2; d++) {
        if (!yf->done[d])
            STAT_INC(yt->stats.streams_skipped);
        delta -= yf->cap[d];
        free(yf->buf[d]);
        yf->buf[d] = NULL;
        yf->len[d] = yf->cap[d] = 0;
        yf->done[d] = true;
    }
    return delta;
}

bool yara_stream_wants(const struct flow *f, int dir)
{
    return f->yara == NULL || (!f->yara->done[dir] && !f->yara->skip);
}

int64_t yara_flow_free(struct flow *f)
{
    struct yara_flow *yf = f->yara;
    if (yf == NULL)
        return 0;
    int64_t mem = sizeof(*yf) + yf->cap[0] + yf->cap[1];
    free(yf->buf[0]);
    free(yf->buf[1]);
    free(yf);
    f->yara = NULL;
    return mem;
}
