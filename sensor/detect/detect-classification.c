/* classification.config and reference.config loaders. See detect-classification.h.
 *
 * Each line is matched as Suricata's regular expressions match it:
 *   ^\s*config\s*classification\s*:\s*([a-zA-Z][a-zA-Z0-9-_]*)\s*,\s*(.+)\s*,\s*(\d+)\s*$
 *   ^\s*config\s+reference\s*:\s*([a-zA-Z][a-zA-Z0-9-_]*)\s+(.+)\s*$
 * written out by hand: a cursor over the line, and for the classification line the
 * description ending at the last comma (the greedy "(.+)"). Both tables share one
 * implementation (struct ctable): entries in file order, and an index sorted by name
 * for lookups and for finding names defined twice while loading. */
#include "detect/detect-classification.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* The standard lists: the config lines of rules/classification.config and
 * rules/reference.config (test-classification checks that they are equal). */
static const char builtin_classification[] =
    "config classification: not-suspicious,Not Suspicious Traffic,3\n"
    "config classification: unknown,Unknown Traffic,3\n"
    "config classification: bad-unknown,Potentially Bad Traffic,2\n"
    "config classification: attempted-recon,Attempted Information Leak,2\n"
    "config classification: successful-recon-limited,Information Leak,2\n"
    "config classification: successful-recon-largescale,Large Scale Information Leak,2\n"
    "config classification: attempted-dos,Attempted Denial of Service,2\n"
    "config classification: successful-dos,Denial of Service,2\n"
    "config classification: attempted-user,Attempted User Privilege Gain,1\n"
    "config classification: unsuccessful-user,Unsuccessful User Privilege Gain,1\n"
    "config classification: successful-user,Successful User Privilege Gain,1\n"
    "config classification: attempted-admin,Attempted Administrator Privilege Gain,1\n"
    "config classification: successful-admin,Successful Administrator Privilege Gain,1\n"
    "config classification: rpc-portmap-decode,Decode of an RPC Query,2\n"
    "config classification: shellcode-detect,Executable code was detected,1\n"
    "config classification: string-detect,A suspicious string was detected,3\n"
    "config classification: suspicious-filename-detect,A suspicious filename was detected,2\n"
    "config classification: suspicious-login,An attempted login using a suspicious username was detected,2\n"
    "config classification: system-call-detect,A system call was detected,2\n"
    "config classification: tcp-connection,A TCP connection was detected,4\n"
    "config classification: trojan-activity,A Network Trojan was detected,1\n"
    "config classification: unusual-client-port-connection,A client was using an unusual port,2\n"
    "config classification: network-scan,Detection of a Network Scan,3\n"
    "config classification: denial-of-service,Detection of a Denial of Service Attack,2\n"
    "config classification: non-standard-protocol,Detection of a non-standard protocol or event,2\n"
    "config classification: protocol-command-decode,Generic Protocol Command Decode,3\n"
    "config classification: web-application-activity,access to a potentially vulnerable web application,2\n"
    "config classification: web-application-attack,Web Application Attack,1\n"
    "config classification: misc-activity,Misc activity,3\n"
    "config classification: misc-attack,Misc Attack,2\n"
    "config classification: icmp-event,Generic ICMP event,3\n"
    "config classification: inappropriate-content,Inappropriate Content was Detected,1\n"
    "config classification: policy-violation,Potential Corporate Privacy Violation,1\n"
    "config classification: default-login-attempt,Attempt to login by a default username and password,2\n"
    "config classification: targeted-activity,Targeted Malicious Activity was Detected,1\n"
    "config classification: exploit-kit,Exploit Kit Activity Detected,1\n"
    "config classification: external-ip-check,Device Retrieving External IP Address Detected,2\n"
    "config classification: domain-c2,Domain Observed Used for C2 Detected,1\n"
    "config classification: pup-activity,Possibly Unwanted Program Detected,2\n"
    "config classification: credential-theft,Successful Credential Theft Detected,1\n"
    "config classification: social-engineering,Possible Social Engineering Attempted,2\n"
    "config classification: coin-mining,Crypto Currency Mining Activity Detected,2\n"
    "config classification: command-and-control,Malware Command and Control Activity Detected,1\n"
    ;

static const char builtin_reference[] =
    "config reference: bugtraq         http://www.securityfocus.com/bid/\n"
    "config reference: bid             http://www.securityfocus.com/bid/\n"
    "config reference: cve             http://cve.mitre.org/cgi-bin/cvename.cgi?name=\n"
    "config reference: secunia         http://www.secunia.com/advisories/\n"
    "config reference: arachNIDS       http://www.whitehats.com/info/IDS\n"
    "config reference: McAfee          http://vil.nai.com/vil/content/v_\n"
    "config reference: nessus          http://cgi.nessus.org/plugins/dump.php3?id=\n"
    "config reference: url             http://\n"
    "config reference: et              http://doc.emergingthreats.net/\n"
    "config reference: etpro           http://doc.emergingthreatspro.com/\n"
    "config reference: telus           http://\n"
    "config reference: osvdb           http://osvdb.org/show/osvdb/\n"
    "config reference: threatexpert    http://www.threatexpert.com/report.aspx?md5=\n"
    "config reference: md5             http://www.threatexpert.com/report.aspx?md5=\n"
    "config reference: exploitdb       http://www.exploit-db.com/exploits/\n"
    "config reference: openpacket      https://www.openpacket.org/capture/grab/\n"
    "config reference: securitytracker http://securitytracker.com/id?\n"
    "config reference: xforce          http://xforce.iss.net/xforce/xfdb/\n"
    "config reference: msft            http://technet.microsoft.com/security/bulletin/\n"
    ;

/* ---------------------------------------------------------------------------------- */
/* Tables                                                                             */
/* ---------------------------------------------------------------------------------- */

enum ctable_kind { CT_CLASSIFICATION, CT_REFERENCE };

struct ctable {
    enum ctable_kind kind;
    union {
        struct classification_entry *c;
        struct reference_entry *r;
    } v;
    uint32_t *line;    /* line of each entry, for duplicate reports */
    uint32_t *byname;  /* entry indices sorted by name */
    uint32_t n, cap;
    uint32_t skipped;
};

struct classification {
    struct ctable t;
};

struct reference_config {
    struct ctable t;
};

static const char *ct_name(const struct ctable *t, uint32_t i)
{
    return t->kind == CT_CLASSIFICATION ? t->v.c[i].name : t->v.r[i].name;
}

static void ct_release(struct ctable *t)
{
    for (uint32_t i = 0; i < t->n; i++) {
        if (t->kind == CT_CLASSIFICATION) {
            free((char *)t->v.c[i].name);
            free((char *)t->v.c[i].desc);
        } else {
            free((char *)t->v.r[i].name);
            free((char *)t->v.r[i].url);
        }
    }
    if (t->kind == CT_CLASSIFICATION)
        free(t->v.c);
    else
        free(t->v.r);
    free(t->line);
    free(t->byname);
}

/* Position in t->byname where 'name' is or would go; *found when it is there. Names
 * are stored in lower case, so strcasecmp orders them as the index is sorted. */
static uint32_t ct_find(const struct ctable *t, const char *name, bool *found)
{
    uint32_t lo = 0, hi = t->n;
    *found = false;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        int c = strcasecmp(ct_name(t, t->byname[mid]), name);
        if (c == 0) {
            *found = true;
            return mid;
        }
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static char *dup_lower(const char *s, size_t n)
{
    char *d = malloc(n + 1);
    if (d == NULL)
        return NULL;
    for (size_t i = 0; i < n; i++)
        d[i] = (char)tolower((unsigned char)s[i]);
    d[n] = '\0';
    return d;
}

static char *dup_n(const char *s, size_t n)
{
    char *d = malloc(n + 1);
    if (d == NULL)
        return NULL;
    memcpy(d, s, n);
    d[n] = '\0';
    return d;
}

/* Grows the arrays for one more entry. */
static int ct_reserve(struct ctable *t)
{
    if (t->n < t->cap)
        return CANH_OK;
    uint32_t cap = t->cap ? t->cap * 2 : 64;
    if (cap > CLASSIFICATION_MAX_ENTRIES)
        cap = CLASSIFICATION_MAX_ENTRIES;
    uint32_t *line = realloc(t->line, cap * sizeof(*line));
    if (line == NULL)
        return CANH_ENOMEM;
    t->line = line;
    uint32_t *byname = realloc(t->byname, cap * sizeof(*byname));
    if (byname == NULL)
        return CANH_ENOMEM;
    t->byname = byname;
    if (t->kind == CT_CLASSIFICATION) {
        struct classification_entry *v = realloc(t->v.c, cap * sizeof(*v));
        if (v == NULL)
            return CANH_ENOMEM;
        t->v.c = v;
    } else {
        struct reference_entry *v = realloc(t->v.r, cap * sizeof(*v));
        if (v == NULL)
            return CANH_ENOMEM;
        t->v.r = v;
    }
    t->cap = cap;
    return CANH_OK;
}

/* ---------------------------------------------------------------------------------- */
/* Lines                                                                              */
/* ---------------------------------------------------------------------------------- */

/* One parsed line: pointers into the line. */
struct cline {
    const char *name, *value;
    size_t name_len, value_len;
    uint32_t priority;
};

struct lcur {
    const char *p, *end;
};

static size_t lc_ws(struct lcur *c)
{
    size_t n = 0;
    while (c->p < c->end && isspace((unsigned char)*c->p)) {
        c->p++;
        n++;
    }
    return n;
}

static bool lc_word(struct lcur *c, const char *w)
{
    size_t n = strlen(w);
    if ((size_t)(c->end - c->p) < n || memcmp(c->p, w, n) != 0)
        return false;
    c->p += n;
    return true;
}

/* [a-zA-Z][a-zA-Z0-9-_]* */
static bool lc_name(struct lcur *c, const char **name, size_t *len)
{
    const char *s = c->p;
    if (c->p >= c->end || !isalpha((unsigned char)*c->p))
        return false;
    while (c->p < c->end &&
           (isalnum((unsigned char)*c->p) || *c->p == '-' || *c->p == '_'))
        c->p++;
    *name = s;
    *len = (size_t)(c->p - s);
    return true;
}

/* "config classification: name,description,priority". Returns NULL, or the reason the
 * line is bad (written in 'why' when it needs the line's text). */
static const char *parse_class_line(const char *s, size_t len, struct cline *out,
                                    char *why, size_t why_len)
{
    static const char *const form =
        "not a classification (expected \"config classification: "
        "shortname,description,priority\")";
    struct lcur c = { s, s + len };
    lc_ws(&c);
    if (!lc_word(&c, "config"))
        return form;
    lc_ws(&c);
    if (!lc_word(&c, "classification"))
        return form;
    lc_ws(&c);
    if (!lc_word(&c, ":"))
        return form;
    lc_ws(&c);
    if (!lc_name(&c, &out->name, &out->name_len))
        return "bad classtype name: it must start with a letter and hold only letters, "
               "digits, '-' and '_'";
    lc_ws(&c);
    if (!lc_word(&c, ","))
        return "bad classtype name, or no ',' after it: the name holds only letters, "
               "digits, '-' and '_'";
    lc_ws(&c);

    /* The rest is "description , priority" with trailing whitespace: the priority is
     * the digits at the end, the description runs to the comma before them. */
    const char *e = c.end;
    while (e > c.p && isspace((unsigned char)e[-1]))
        e--;
    const char *d = e;
    while (d > c.p && isdigit((unsigned char)d[-1]))
        d--;
    if (d == e)
        return "no priority (a decimal number after the last ',')";
    const char *comma = d;
    while (comma > c.p && isspace((unsigned char)comma[-1]))
        comma--;
    if (comma == c.p || comma[-1] != ',')
        return "no priority (a decimal number after the last ',')";
    comma--;
    if (comma == c.p)
        return "empty description";
    uint64_t prio = 0;
    for (const char *q = d; q < e; q++) {
        prio = prio * 10 + (uint64_t)(*q - '0');
        if (prio > UINT32_MAX) {
            snprintf(why, why_len, "priority %.*s out of range (0 to %u)", (int)(e - d), d,
                     UINT32_MAX);
            return why;
        }
    }
    out->priority = (uint32_t)prio;
    out->value = c.p;
    out->value_len = (size_t)(comma - c.p);
    if (out->name_len > CLASSIFICATION_NAME_MAX) {
        snprintf(why, why_len, "classtype name longer than %d characters",
                 CLASSIFICATION_NAME_MAX);
        return why;
    }
    if (out->value_len > CLASSIFICATION_DESC_MAX) {
        snprintf(why, why_len, "description longer than %d characters",
                 CLASSIFICATION_DESC_MAX);
        return why;
    }
    return NULL;
}

/* "config reference: name url". */
static const char *parse_ref_line(const char *s, size_t len, struct cline *out, char *why,
                                  size_t why_len)
{
    static const char *const form =
        "not a reference type (expected \"config reference: name url\")";
    struct lcur c = { s, s + len };
    lc_ws(&c);
    if (!lc_word(&c, "config") || lc_ws(&c) == 0 || !lc_word(&c, "reference"))
        return form;
    lc_ws(&c);
    if (!lc_word(&c, ":"))
        return form;
    lc_ws(&c);
    if (!lc_name(&c, &out->name, &out->name_len))
        return "bad reference name: it must start with a letter and hold only letters, "
               "digits, '-' and '_'";
    if (c.p < c.end && !isspace((unsigned char)*c.p))
        return "bad reference name, or no space after it: the name holds only letters, "
               "digits, '-' and '_'";
    lc_ws(&c);
    const char *e = c.end;
    while (e > c.p && isspace((unsigned char)e[-1]))
        e--;
    if (e == c.p)
        return "no URL after the reference name";
    out->value = c.p;
    out->value_len = (size_t)(e - c.p);
    out->priority = 0;
    if (out->name_len > REFERENCE_NAME_MAX) {
        snprintf(why, why_len, "reference name longer than %d characters", REFERENCE_NAME_MAX);
        return why;
    }
    if (out->value_len > REFERENCE_URL_MAX) {
        snprintf(why, why_len, "URL longer than %d characters", REFERENCE_URL_MAX);
        return why;
    }
    return NULL;
}

static void report_line(FILE *report, const char *origin, uint32_t line, const char *fmt, ...)
    CANH_PRINTF(4, 5);
static void report_line(FILE *report, const char *origin, uint32_t line, const char *fmt, ...)
{
    if (report == NULL)
        return;
    va_list ap;
    va_start(ap, fmt);
    fprintf(report, "canh-sensor: %s:%u: ", origin, line);
    vfprintf(report, fmt, ap);
    fprintf(report, " (line skipped)\n");
    va_end(ap);
}

/* Adds one parsed line, unless its name is already there. */
static int ct_add(struct ctable *t, const struct cline *l, uint32_t lineno, const char *origin,
                  FILE *report)
{
    const char *what = t->kind == CT_CLASSIFICATION ? "classtype" : "reference type";
    char *name = dup_lower(l->name, l->name_len);
    if (name == NULL)
        return CANH_ENOMEM;
    bool found;
    uint32_t pos = ct_find(t, name, &found);
    if (found) {
        report_line(report, origin, lineno, "%s \"%s\" defined again (the definition at "
                    "line %u is kept)", what, name, t->line[t->byname[pos]]);
        t->skipped++;
        free(name);
        return CANH_OK;
    }
    if (t->n >= CLASSIFICATION_MAX_ENTRIES) {
        report_line(report, origin, lineno, "more than %d %s entries", CLASSIFICATION_MAX_ENTRIES,
                    what);
        t->skipped++;
        free(name);
        return CANH_OK;
    }
    char *value = dup_n(l->value, l->value_len);
    if (value == NULL || ct_reserve(t) != CANH_OK) {
        free(name);
        free(value);
        return CANH_ENOMEM;
    }
    uint32_t i = t->n;
    if (t->kind == CT_CLASSIFICATION) {
        t->v.c[i].name = name;
        t->v.c[i].desc = value;
        t->v.c[i].priority = l->priority;
        t->v.c[i].id = i + 1;
    } else {
        t->v.r[i].name = name;
        t->v.r[i].url = value;
    }
    t->line[i] = lineno;
    memmove(&t->byname[pos + 1], &t->byname[pos], (t->n - pos) * sizeof(t->byname[0]));
    t->byname[pos] = i;
    t->n++;
    return CANH_OK;
}

static int ct_parse(struct ctable *t, const char *text, size_t len, const char *origin,
                    FILE *report)
{
    uint32_t lineno = 0;
    size_t off = 0;
    while (off < len) {
        const char *s = text + off;
        const char *nl = memchr(s, '\n', len - off);
        size_t n = nl != NULL ? (size_t)(nl - s) : len - off;
        off += n + (nl != NULL);
        lineno++;

        size_t k = 0;
        while (k < n && isspace((unsigned char)s[k]))
            k++;
        if (k == n || s[k] == '#')
            continue;
        if (n > CLASSIFICATION_LINE_MAX) {
            report_line(report, origin, lineno, "line longer than %d bytes",
                        CLASSIFICATION_LINE_MAX);
            t->skipped++;
            continue;
        }
        if (memchr(s, '\0', n) != NULL) {
            report_line(report, origin, lineno, "line holds a NUL byte");
            t->skipped++;
            continue;
        }
        struct cline l;
        char why[128];
        const char *bad = t->kind == CT_CLASSIFICATION
                              ? parse_class_line(s, n, &l, why, sizeof(why))
                              : parse_ref_line(s, n, &l, why, sizeof(why));
        if (bad != NULL) {
            report_line(report, origin, lineno, "%s: \"%.*s\"", bad, (int)(n > 100 ? 100 : n),
                        s);
            t->skipped++;
            continue;
        }
        if (ct_add(t, &l, lineno, origin, report) != CANH_OK)
            return CANH_ENOMEM;
    }
    return CANH_OK;
}

/* Reads a whole file of at most CLASSIFICATION_FILE_MAX bytes into a new buffer. */
static char *read_file(const char *path, size_t *len, char errbuf[CANH_ERRBUF_SIZE])
{
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        snprintf(errbuf, CANH_ERRBUF_SIZE, "%s: %s", path, strerror(errno));
        return NULL;
    }
    char *buf = malloc(CLASSIFICATION_FILE_MAX + 1);
    if (buf == NULL) {
        fclose(f);
        snprintf(errbuf, CANH_ERRBUF_SIZE, "out of memory");
        return NULL;
    }
    size_t n = fread(buf, 1, CLASSIFICATION_FILE_MAX + 1, f);
    bool err = ferror(f) != 0;
    fclose(f);
    if (err) {
        snprintf(errbuf, CANH_ERRBUF_SIZE, "%s: read error", path);
        free(buf);
        return NULL;
    }
    if (n > CLASSIFICATION_FILE_MAX) {
        snprintf(errbuf, CANH_ERRBUF_SIZE, "%s: larger than %u bytes", path,
                 CLASSIFICATION_FILE_MAX);
        free(buf);
        return NULL;
    }
    *len = n;
    return buf;
}

/* ---------------------------------------------------------------------------------- */
/* classification.config                                                              */
/* ---------------------------------------------------------------------------------- */

struct classification *classification_parse(const char *text, size_t len, const char *origin,
                                            FILE *report, char errbuf[CANH_ERRBUF_SIZE])
{
    struct classification *c = calloc(1, sizeof(*c));
    if (c == NULL)
        goto nomem;
    c->t.kind = CT_CLASSIFICATION;
    if (ct_parse(&c->t, text, len, origin, report) != CANH_OK)
        goto nomem;
    return c;
nomem:
    snprintf(errbuf, CANH_ERRBUF_SIZE, "out of memory");
    classification_free(c);
    return NULL;
}

struct classification *classification_load(const char *path, FILE *report,
                                           char errbuf[CANH_ERRBUF_SIZE])
{
    size_t len;
    char *buf = read_file(path, &len, errbuf);
    if (buf == NULL)
        return NULL;
    struct classification *c = classification_parse(buf, len, path, report, errbuf);
    free(buf);
    return c;
}

struct classification *classification_builtin(char errbuf[CANH_ERRBUF_SIZE])
{
    return classification_parse(builtin_classification, sizeof(builtin_classification) - 1,
                                "(built-in classification.config)", NULL, errbuf);
}

void classification_free(struct classification *c)
{
    if (c == NULL)
        return;
    ct_release(&c->t);
    free(c);
}

const struct classification_entry *classification_lookup(const struct classification *c,
                                                         const char *name)
{
    bool found;
    uint32_t pos = ct_find(&c->t, name, &found);
    return found ? &c->t.v.c[c->t.byname[pos]] : NULL;
}

uint32_t classification_count(const struct classification *c)
{
    return c->t.n;
}

const struct classification_entry *classification_get(const struct classification *c,
                                                      uint32_t i)
{
    return i < c->t.n ? &c->t.v.c[i] : NULL;
}

uint32_t classification_skipped(const struct classification *c)
{
    return c->t.skipped;
}

/* ---------------------------------------------------------------------------------- */
/* reference.config                                                                   */
/* ---------------------------------------------------------------------------------- */

struct reference_config *reference_config_parse(const char *text, size_t len,
                                                const char *origin, FILE *report,
                                                char errbuf[CANH_ERRBUF_SIZE])
{
    struct reference_config *r = calloc(1, sizeof(*r));
    if (r == NULL)
        goto nomem;
    r->t.kind = CT_REFERENCE;
    if (ct_parse(&r->t, text, len, origin, report) != CANH_OK)
        goto nomem;
    return r;
nomem:
    snprintf(errbuf, CANH_ERRBUF_SIZE, "out of memory");
    reference_config_free(r);
    return NULL;
}

struct reference_config *reference_config_load(const char *path, FILE *report,
                                               char errbuf[CANH_ERRBUF_SIZE])
{
    size_t len;
    char *buf = read_file(path, &len, errbuf);
    if (buf == NULL)
        return NULL;
    struct reference_config *r = reference_config_parse(buf, len, path, report, errbuf);
    free(buf);
    return r;
}

struct reference_config *reference_config_builtin(char errbuf[CANH_ERRBUF_SIZE])
{
    return reference_config_parse(builtin_reference, sizeof(builtin_reference) - 1,
                                  "(built-in reference.config)", NULL, errbuf);
}

void reference_config_free(struct reference_config *r)
{
    if (r == NULL)
        return;
    ct_release(&r->t);
    free(r);
}

const struct reference_entry *reference_config_lookup(const struct reference_config *r,
                                                      const char *name)
{
    bool found;
    uint32_t pos = ct_find(&r->t, name, &found);
    return found ? &r->t.v.r[r->t.byname[pos]] : NULL;
}

uint32_t reference_config_count(const struct reference_config *r)
{
    return r->t.n;
}

const struct reference_entry *reference_config_get(const struct reference_config *r,
                                                   uint32_t i)
{
    return i < r->t.n ? &r->t.v.r[i] : NULL;
}

uint32_t reference_config_skipped(const struct reference_config *r)
{
    return r->t.skipped;
}
