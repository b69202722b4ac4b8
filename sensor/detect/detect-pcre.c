/* pcre keyword. See detect-pcre.h for the contract. The parser follows Suricata 7.0's
 * DetectPcreParse / DetectPcreParseCapture step by step (its regexes are replaced by
 * the equivalent hand-written scans, noted where they matter); matching follows
 * DetectPcrePayloadMatch. */
#include "detect/detect-pcre.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

/* PCRE2's compile error for a back reference to a group that does not exist: Suricata
 * then compiles again without PCRE2_NO_AUTO_CAPTURE. */
#define PCRE_ERR_BAD_SUBPATTERN_REFERENCE 115
/* Suricata copies the modifiers into a 64-byte buffer (with the NUL it matched), the
 * suffix's names into 1024 bytes, and a named group's type into 16. */
#define PCRE_MODIFIERS_MAX 62
#define PCRE_CAPTURE_NAMES_MAX 1024
#define PCRE_CAPTURE_TYPE_MAX 15

enum pcre_flag {
    PCRE_F_RELATIVE = 1u << 0,
    PCRE_F_RAWBYTES = 1u << 1,
    PCRE_F_CASELESS = 1u << 2,
    PCRE_F_MATCH_LIMIT = 1u << 3, /* O */
    PCRE_F_NEGATED = 1u << 4,
};

struct detect_pcre {
    pcre2_code *code;
    char *re;                 /* the regex text between the slashes */
    uint32_t opts;            /* PCRE2 compile options */
    uint32_t flags;           /* enum pcre_flag */
    int buf;                  /* enum detect_pcre_buf */
    uint32_t pairs;           /* capturing groups + 1 */
    uint32_t match_limit, depth_limit;
    bool jit;
    uint8_t ncaps;
    uint8_t captypes[DETECT_PCRE_CAPTURE_MAX]; /* enum detect_capture_kind */
    char *capnames[DETECT_PCRE_CAPTURE_MAX];   /* NULL for DETECT_CAPTURE_PKT_KV */
};

struct detect_pcre_thread {
    pcre2_match_data *md;
    pcre2_match_context *mctx;
    pcre2_jit_stack *jit_stack;
    uint32_t pairs;
    struct detect_pcre_stats stats;
};

static const char *const buf_names[DETECT_PCRE_BUF_MAX] = {
    [DETECT_PCRE_BUF_URI] = "http_uri",
    [DETECT_PCRE_BUF_URI_RAW] = "http_raw_uri",
    [DETECT_PCRE_BUF_REQUEST_BODY] = "http_client_body",
    [DETECT_PCRE_BUF_FILE_DATA] = "file_data",
    [DETECT_PCRE_BUF_HEADER] = "http_header",
    [DETECT_PCRE_BUF_HEADER_RAW] = "http_raw_header",
    [DETECT_PCRE_BUF_METHOD] = "http_method",
    [DETECT_PCRE_BUF_COOKIE] = "http_cookie",
    [DETECT_PCRE_BUF_STAT_CODE] = "http_stat_code",
    [DETECT_PCRE_BUF_STAT_MSG] = "http_stat_msg",
    [DETECT_PCRE_BUF_USER_AGENT] = "http_user_agent",
    [DETECT_PCRE_BUF_HOST] = "http_host",
    [DETECT_PCRE_BUF_HOST_RAW] = "http_raw_host",
};

static int fail(char *err, const char *fmt, ...) CANH_PRINTF(2, 3);
static int fail(char *err, const char *fmt, ...)
{
    int n = snprintf(err, CANH_ERRBUF_SIZE, "pcre: ");
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err + n, CANH_ERRBUF_SIZE - (size_t)n, fmt, ap);
    va_end(ap);
    return CANH_ERR;
}

/* ---------------------------------------------------------------------------------- */
/* Parsing                                                                            */
/* ---------------------------------------------------------------------------------- */

/* Suricata's PARSE_REGEX, (?<!\\)/(.*(?<!(?<!\\)\\))/([^"]*), over s[0, n): the regex
 * runs from the first '/' not preceded by '\' to the last '/' that is not escaped by a
 * single '\' ('.' stops at a newline); the modifiers follow up to a '"'. */
static bool split_delimiters(const char *s, size_t n, size_t *re_off, size_t *re_len,
                             size_t *mod_off, size_t *mod_len)
{
    for (size_t i = 0; i < n; i++) {
        if (s[i] != '/' || (i > 0 && s[i - 1] == '\\'))
            continue;
        size_t lim = i + 1;
        while (lim < n && s[lim] != '\n')
            lim++;
        for (size_t j = lim; j-- > i + 1;) {
            if (s[j] != '/')
                continue;
            if (s[j - 1] == '\\' && !(j >= 2 && s[j - 2] == '\\'))
                continue;
            *re_off = i + 1;
            *re_len = j - i - 1;
            *mod_off = j + 1;
            size_t k = j + 1;
            while (k < n && s[k] != '"')
                k++;
            *mod_len = k - j - 1;
            return true;
        }
    }
    return false;
}

/* Suricata's DetectPcreHasUpperCase: an upper-case letter outside escapes (\X and \xHH
 * are skipped). */
static bool has_upper(const char *re)
{
    bool meta = false, hex = false;
    int hexn = 0;
    for (const char *c = re; *c; c++) {
        if (hex) {
            if (++hexn == 2) {
                hex = false;
                hexn = 0;
            }
        } else if (meta) {
            if (*c == 'x')
                hex = true;
            else
                meta = false;
        } else if (*c == '\\') {
            meta = true;
        } else if (isupper((unsigned char)*c)) {
            return true;
        }
    }
    return false;
}

static int add_capture(struct detect_pcre *p, uint8_t kind, const char *name, char *err)
{
    if (p->ncaps >= DETECT_PCRE_CAPTURE_MAX)
        return fail(err, "at most %d flow/pkt variable captures", DETECT_PCRE_CAPTURE_MAX);
    char *copy = NULL;
    if (name != NULL && (copy = strdup(name)) == NULL)
        return fail(err, "out of memory");
    p->captypes[p->ncaps] = kind;
    p->capnames[p->ncaps] = copy;
    p->ncaps++;
    return CANH_OK;
}

/* The suffix's names ("flow:a, pkt:b", "pkt:key,pkt:value"), as DetectPcreParseCapture:
 * only when the pattern has capturing groups; at most as many names as groups. */
static int parse_capture_names(struct detect_pcre *p, char *names, uint32_t ngroups,
                               char *err)
{
    if (ngroups == 0 || names[0] == '\0')
        return CANH_OK;
    char *save = NULL;
    bool key = false;
    unsigned idx = 0;
    for (char *n = strtok_r(names, " ,", &save); n != NULL; n = strtok_r(NULL, " ,", &save)) {
        if (idx > ngroups - 1)
            return fail(err, "more pkt/flow variable names than capturing groups");
        if (strcmp(n, "pkt:key") == 0) {
            key = true;
            if (add_capture(p, DETECT_CAPTURE_PKT_KV, NULL, err) != CANH_OK)
                return CANH_ERR;
        } else if (key && strcmp(n, "pkt:value") == 0) {
            key = false;
        } else if (strcmp(n, "pkt:value") == 0) {
            return fail(err, "pkt:value without a preceding pkt:key");
        } else if (key) {
            return fail(err, "pkt:key must be followed by pkt:value, not '%s'", n);
        } else if (strncmp(n, "flow:", 5) == 0) {
            if (add_capture(p, DETECT_CAPTURE_FLOW, n + 5, err) != CANH_OK)
                return CANH_ERR;
        } else if (strncmp(n, "pkt:", 4) == 0) {
            if (add_capture(p, DETECT_CAPTURE_PKT, n + 4, err) != CANH_OK)
                return CANH_ERR;
        } else {
            return fail(err, "variable name '%s' must start with 'pkt:' or 'flow:'", n);
        }
        if (++idx >= DETECT_PCRE_CAPTURE_MAX)
            break;
    }
    return CANH_OK;
}

static bool in_az(char c)
{
    return c >= 'A' && c <= 'z'; /* Suricata's [A-z]: letters and [\]^_` */
}

/* The named groups, as Suricata's PARSE_CAPTURE_REGEX \(\?P\<([A-z]+)\_([A-z0-9_]+)\>
 * compiled ungreedy and run over the whole keyword value: the type is the shortest
 * prefix followed by '_', the name the rest up to '>'. Types other than "pkt" and
 * "flow" are skipped (their groups still count in the numbering). */
static int parse_named_groups(struct detect_pcre *p, const char *s, char *err)
{
    const char *c = s;
    while ((c = strstr(c, "(?P<")) != NULL) {
        const char *t = c + 4;
        const char *gt = strchr(t, '>');
        size_t tl = 0;
        bool found = false;
        while (gt != NULL && t + tl < gt && in_az(t[tl])) {
            tl++;
            if (t[tl] != '_')
                continue;
            const char *nm = t + tl + 1;
            if (nm >= gt)
                continue;
            bool ok = true;
            for (const char *q = nm; q < gt; q++)
                if (!in_az(*q) && !isdigit((unsigned char)*q))
                    ok = false;
            if (ok) {
                found = true;
                break;
            }
        }
        if (!found) {
            c++;
            continue;
        }
        if (tl > PCRE_CAPTURE_TYPE_MAX)
            return fail(err, "capture type too long in '%.*s'", (int)(gt - c + 1), c);
        const char *nm = t + tl + 1;
        char name[256];
        snprintf(name, sizeof(name), "%.*s", (int)(gt - nm), nm);
        if (p->ncaps >= DETECT_PCRE_CAPTURE_MAX)
            return fail(err, "at most %d flow/pkt variable captures", DETECT_PCRE_CAPTURE_MAX);
        if (tl == 3 && strncmp(t, "pkt", 3) == 0) {
            if (add_capture(p, DETECT_CAPTURE_PKT, name, err) != CANH_OK)
                return CANH_ERR;
        } else if (tl == 4 && strncmp(t, "flow", 4) == 0) {
            if (add_capture(p, DETECT_CAPTURE_FLOW, name, err) != CANH_OK)
                return CANH_ERR;
        }
        c = gt + 1;
    }
    return CANH_OK;
}

/* Applies the modifiers; returns CANH_ERR with the reason. */
static int parse_modifiers(struct detect_pcre *p, const char *mods, size_t n, char *err)
{
    static const struct {
        char c;
        int buf;
        bool not_with_b; /* refused after B */
    } bufmods[] = {
        { 'U', DETECT_PCRE_BUF_URI, true },          { 'V', DETECT_PCRE_BUF_USER_AGENT, true },
        { 'W', DETECT_PCRE_BUF_HOST, true },         { 'Z', DETECT_PCRE_BUF_HOST_RAW, true },
        { 'H', DETECT_PCRE_BUF_HEADER, true },       { 'I', DETECT_PCRE_BUF_URI_RAW, true },
        { 'D', DETECT_PCRE_BUF_HEADER_RAW, false },  { 'M', DETECT_PCRE_BUF_METHOD, true },
        { 'C', DETECT_PCRE_BUF_COOKIE, true },       { 'P', DETECT_PCRE_BUF_REQUEST_BODY, false },
        { 'Q', DETECT_PCRE_BUF_FILE_DATA, false },   { 'Y', DETECT_PCRE_BUF_STAT_MSG, false },
        { 'S', DETECT_PCRE_BUF_STAT_CODE, false },
    };
    for (size_t i = 0; i < n && mods[i] != '\0'; i++) {
        char c = mods[i];
        switch (c) {
        case 'A': p->opts |= PCRE2_ANCHORED; continue;
        case 'E': p->opts |= PCRE2_DOLLAR_ENDONLY; continue;
        case 'G': p->opts |= PCRE2_UNGREEDY; continue;
        case 'i':
            p->opts |= PCRE2_CASELESS;
            p->flags |= PCRE_F_CASELESS;
            continue;
        case 'm': p->opts |= PCRE2_MULTILINE; continue;
        case 's': p->opts |= PCRE2_DOTALL; continue;
        case 'x': p->opts |= PCRE2_EXTENDED; continue;
        case 'O': p->flags |= PCRE_F_MATCH_LIMIT; continue;
        case 'R': p->flags |= PCRE_F_RELATIVE; continue;
        case 'B':
            if (p->buf != DETECT_PCRE_BUF_NONE)
                return fail(err, "modifier 'B' is inconsistent with the buffer chosen");
            p->flags |= PCRE_F_RAWBYTES;
            continue;
        default:
            break;
        }
        size_t k;
        for (k = 0; k < ARRAY_SIZE(bufmods); k++)
            if (bufmods[k].c == c)
                break;
        if (k == ARRAY_SIZE(bufmods)) {
            if (isprint((unsigned char)c))
                return fail(err, "unknown regex modifier '%c'", c);
            return fail(err, "unknown regex modifier 0x%02x", (unsigned char)c);
        }
        if (bufmods[k].not_with_b && (p->flags & PCRE_F_RAWBYTES))
            return fail(err, "modifier '%c' is inconsistent with 'B'", c);
        if (p->buf != DETECT_PCRE_BUF_NONE)
            return fail(err, "only one buffer modifier is allowed ('%c')", c);
        p->buf = bufmods[k].buf;
    }
    return CANH_OK;
}

static int compile(struct detect_pcre *p, bool auto_capture_off,
                   const struct detect_pcre_conf *conf, char *err)
{
    int errcode;
    PCRE2_SIZE erroff;
    uint32_t opts = p->opts | (auto_capture_off ? PCRE2_NO_AUTO_CAPTURE : 0);
    p->code = pcre2_compile((PCRE2_SPTR)p->re, PCRE2_ZERO_TERMINATED, opts, &errcode, &erroff,
                            NULL);
    if (p->code == NULL && errcode == PCRE_ERR_BAD_SUBPATTERN_REFERENCE && auto_capture_off) {
        opts &= ~(uint32_t)PCRE2_NO_AUTO_CAPTURE;
        p->code = pcre2_compile((PCRE2_SPTR)p->re, PCRE2_ZERO_TERMINATED, opts, &errcode,
                                &erroff, NULL);
    }
    if (p->code == NULL) {
        PCRE2_UCHAR msg[128];
        pcre2_get_error_message(errcode, msg, sizeof(msg));
        return fail(err, "compiling /%s/ failed at offset %zu: %s", p->re, (size_t)erroff,
                    (const char *)msg);
    }
    p->opts = opts;
    uint32_t jit = 0;
    if ((conf == NULL || !conf->no_jit) && pcre2_config(PCRE2_CONFIG_JIT, &jit) >= 0 && jit)
        p->jit = pcre2_jit_compile(p->code, PCRE2_JIT_COMPLETE) == 0; /* else interpreted */
    uint32_t groups = 0;
    pcre2_pattern_info(p->code, PCRE2_INFO_CAPTURECOUNT, &groups);
    p->pairs = groups + 1;
    if ((p->flags & PCRE_F_MATCH_LIMIT) && conf != NULL) {
        p->match_limit = conf->match_limit;
        p->depth_limit = conf->match_limit_recursion;
    } else {
        p->match_limit = DETECT_PCRE_MATCH_LIMIT_DEFAULT;
        p->depth_limit = DETECT_PCRE_RECURSION_LIMIT_DEFAULT;
    }
    return CANH_OK;
}

struct detect_pcre *detect_pcre_parse_conf(const char *arg, bool negated,
                                           const struct detect_pcre_conf *conf,
                                           char errbuf[CANH_ERRBUF_SIZE])
{
    struct detect_pcre *p = calloc(1, sizeof(*p));
    char *str = NULL;
    if (p == NULL) {
        fail(errbuf, "out of memory");
        return NULL;
    }
    p->buf = DETECT_PCRE_BUF_NONE;

    /* Negation and quotes (Suricata's option parser: a value that starts with '"' must
     * end with one, blanks after it aside). */
    const char *s = arg != NULL ? arg : "";
    while (isspace((unsigned char)*s))
        s++;
    if (*s == '!') {
        negated = true;
        s++;
        while (isspace((unsigned char)*s))
            s++;
    }
    if (negated)
        p->flags |= PCRE_F_NEGATED;
    str = strdup(s);
    if (str == NULL) {
        fail(errbuf, "out of memory");
        goto fail;
    }
    if (str[0] == '"') {
        size_t n = strlen(str);
        while (n > 1 && isblank((unsigned char)str[n - 1]))
            str[--n] = '\0';
        if (n < 2 || str[n - 1] != '"') {
            fail(errbuf, "unbalanced quotes in '%s'", s);
            goto fail;
        }
        str[n - 1] = '\0';
        memmove(str, str + 1, n - 1);
    }
    if (str[0] == '\0') {
        fail(errbuf, "empty value");
        goto fail;
    }

    /* The capture suffix: "flow:"/"pkt:" after ',' or ' ' separators ends the regex
     * part; without a separator it belongs to the regex. */
    char names[PCRE_CAPTURE_NAMES_MAX] = "";
    size_t slen = strlen(str) + 1; /* Suricata's subject includes the NUL */
    const char *fcap = strstr(str, "flow:"), *pcap = strstr(str, "pkt:");
    if (fcap != NULL || pcap != NULL) {
        const char *first = fcap == NULL ? pcap : pcap == NULL ? fcap : fcap < pcap ? fcap : pcap;
        size_t cut = (size_t)(first - str);
        if (cut > 1) {
            size_t off = cut - 1;
            while (off > 0 && (str[off] == ',' || str[off] == ' '))
                off--;
            if (cut != off + 1) {
                slen = off + 1;
                snprintf(names, sizeof(names), "%s", str + cut);
                size_t nl = strlen(names);
                if (nl > 0 && names[nl - 1] == '"')
                    names[nl - 1] = '\0';
            }
        }
    }

    size_t re_off, re_len, mod_off, mod_len;
    if (!split_delimiters(str, slen, &re_off, &re_len, &mod_off, &mod_len)) {
        fail(errbuf, "expected \"/regex/modifiers\", got '%s'", str);
        goto fail;
    }
    if (mod_len > PCRE_MODIFIERS_MAX) {
        fail(errbuf, "too many modifiers in '%s'", str);
        goto fail;
    }
    p->re = strndup(str + re_off, re_len);
    if (p->re == NULL) {
        fail(errbuf, "out of memory");
        goto fail;
    }
    if (parse_modifiers(p, str + mod_off, mod_len, errbuf) != CANH_OK)
        goto fail;
    /* The host buffer is lower case: an upper-case letter can never match. */
    if (p->buf == DETECT_PCRE_BUF_HOST && !(p->flags & PCRE_F_CASELESS) && has_upper(p->re)) {
        fail(errbuf, "/%s/W has an upper-case letter but the host buffer is lower case",
             p->re);
        goto fail;
    }
    if (compile(p, names[0] == '\0', conf, errbuf) != CANH_OK)
        goto fail;
    if (parse_capture_names(p, names, p->pairs - 1, errbuf) != CANH_OK ||
        parse_named_groups(p, str, errbuf) != CANH_OK)
        goto fail;
    free(str);
    return p;
fail:
    free(str);
    detect_pcre_free(p);
    return NULL;
}

struct detect_pcre *detect_pcre_parse(const char *arg, bool negated,
                                      char errbuf[CANH_ERRBUF_SIZE])
{
    return detect_pcre_parse_conf(arg, negated, NULL, errbuf);
}

void detect_pcre_free(struct detect_pcre *p)
{
    if (p == NULL)
        return;
    pcre2_code_free(p->code);
    for (unsigned i = 0; i < p->ncaps; i++)
        free(p->capnames[i]);
    free(p->re);
    free(p);
}

bool detect_pcre_is_relative(const struct detect_pcre *p)
{
    return (p->flags & PCRE_F_RELATIVE) != 0;
}

bool detect_pcre_is_negated(const struct detect_pcre *p)
{
    return (p->flags & PCRE_F_NEGATED) != 0;
}

bool detect_pcre_is_jit(const struct detect_pcre *p)
{
    return p->jit;
}

int detect_pcre_buffer(const struct detect_pcre *p)
{
    return p->buf;
}

const char *detect_pcre_buffer_name(int buf)
{
    return buf >= 0 && buf < DETECT_PCRE_BUF_MAX ? buf_names[buf] : NULL;
}

const char *detect_pcre_regex(const struct detect_pcre *p)
{
    return p->re;
}

unsigned detect_pcre_ncaptures(const struct detect_pcre *p)
{
    return p->ncaps;
}

uint32_t detect_pcre_pairs(const struct detect_pcre *p)
{
    return p->pairs;
}

/* ---------------------------------------------------------------------------------- */
/* Required literal                                                                   */
/* ---------------------------------------------------------------------------------- */

struct lit {
    uint8_t *best;
    uint32_t cap, best_len;
    uint8_t run[256];
    uint32_t run_len;
    bool last_in_run; /* the previous atom is the run's last byte (a quantifier may take
                         it back) */
};

static void lit_end(struct lit *l)
{
    if (l->run_len > l->best_len) {
        uint32_t n = l->run_len < l->cap ? l->run_len : l->cap;
        memcpy(l->best, l->run, n);
        l->best_len = n;
    }
    l->run_len = 0;
    l->last_in_run = false;
}

static void lit_add(struct lit *l, uint8_t c)
{
    if (l->run_len == sizeof(l->run))
        lit_end(l);
    l->run[l->run_len++] = c;
    l->last_in_run = true;
}

static int hexval(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c = tolower(c);
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* Skips a quantifier at re[i] if there is one: returns its length (with a lazy '?' or
 * possessive '+'), 0 when none; *min gets its minimum count. */
static size_t quantifier(const char *re, size_t i, unsigned *min)
{
    size_t n = 0;
    if (re[i] == '*' || re[i] == '?') {
        *min = 0;
        n = 1;
    } else if (re[i] == '+') {
        *min = 1;
        n = 1;
    } else if (re[i] == '{') {
        size_t j = i + 1;
        unsigned v = 0;
        bool digits = false;
        while (isdigit((unsigned char)re[j])) {
            v = v * 10 + (unsigned)(re[j] - '0');
            if (v > 65535)
                v = 65535;
            digits = true;
            j++;
        }
        if (re[j] == ',') {
            j++;
            while (isdigit((unsigned char)re[j])) {
                digits = true; /* "{,n}": a quantifier from PCRE2 10.43 on */
                j++;
            }
        }
        if (!digits || re[j] != '}')
            return 0;
        *min = v;
        n = j - i + 1;
    } else {
        return 0;
    }
    if (re[i + n] == '?' || re[i + n] == '+')
        n++;
    return n;
}

uint32_t detect_pcre_required_literal(const struct detect_pcre *p, uint8_t *out, uint32_t cap,
                                      bool *nocase)
{
    *nocase = (p->opts & PCRE2_CASELESS) != 0;
    if ((p->flags & PCRE_F_NEGATED) || (p->opts & PCRE2_EXTENDED) || cap == 0)
        return 0;
    const char *re = p->re;
    struct lit l = { .best = out, .cap = cap };
    int depth = 0;
    size_t i = 0;
    while (re[i] != '\0') {
        char c = re[i];
        int byte = -1; /* a literal byte at depth 0 */
        size_t next = i + 1;
        if (c == '\\') {
            char e = re[i + 1];
            if (e == '\0')
                return 0;
            next = i + 2;
            if (!isalnum((unsigned char)e)) {
                byte = (unsigned char)e;
            } else if (e == 'n' || e == 'r' || e == 't' || e == 'f' || e == 'e' || e == 'a') {
                byte = e == 'n' ? '\n' : e == 'r' ? '\r' : e == 't' ? '\t'
                     : e == 'f' ? '\f' : e == 'e' ? 0x1b : 0x07;
            } else if (e == 'x') {
                if (re[i + 2] == '{') {
                    const char *close = strchr(re + i + 3, '}');
                    if (close == NULL)
                        return 0;
                    unsigned v = 0;
                    bool ok = close > re + i + 3;
                    for (const char *h = re + i + 3; h < close && ok; h++) {
                        ok = hexval(*h) >= 0 && v <= 0xff;
                        v = v * 16 + (unsigned)(ok ? hexval(*h) : 0);
                    }
                    next = (size_t)(close - re) + 1;
                    if (ok && v <= 0xff)
                        byte = (int)v;
                } else {
                    unsigned v = 0, k = 0;
                    while (k < 2 && hexval(re[i + 2 + k]) >= 0)
                        v = v * 16 + (unsigned)hexval(re[i + 2 + k++]);
                    next = i + 2 + k;
                    byte = (int)v;
                }
            } else if (e == 'Q') {
                /* \Q...\E: skipped, not used */
                const char *end = strstr(re + i + 2, "\\E");
                next = end == NULL ? strlen(re) : (size_t)(end - re) + 2;
            } else if (e == 'p' || e == 'P' || e == 'g' || e == 'k' || e == 'N' || e == 'o' ||
                       e == 'c') {
                /* \p{..}, \g{..}, \k<..>, \o{..}, \cX: skip the argument */
                if (e == 'c') {
                    next = re[i + 2] != '\0' ? i + 3 : i + 2;
                } else if (re[i + 2] == '{' || re[i + 2] == '<' || re[i + 2] == '\'') {
                    char close = re[i + 2] == '{' ? '}' : re[i + 2] == '<' ? '>' : '\'';
                    const char *end = strchr(re + i + 3, close);
                    if (end == NULL)
                        return 0;
                    next = (size_t)(end - re) + 1;
                } else if (e == 'g' || e == 'p' || e == 'P') {
                    while (re[next] != '\0' && (isalnum((unsigned char)re[next]) ||
                                                re[next] == '-' || re[next] == '+'))
                        next++;
                }
            } else if (isdigit((unsigned char)e)) {
                while (isdigit((unsigned char)re[next]))
                    next++;
            }
            /* \d \w \s \b \A \z ... : not a literal */
        } else if (c == '[') {
            /* A class: skip to its ']' (a ']' first, or after '^', is literal). */
            size_t j = i + 1;
            if (re[j] == '^')
                j++;
            if (re[j] == ']')
                j++;
            while (re[j] != '\0' && re[j] != ']') {
                if (re[j] == '\\' && re[j + 1] != '\0')
                    j += 2;
                else if (re[j] == '[' && re[j + 1] == ':') {
                    const char *end = strstr(re + j + 2, ":]");
                    j = end == NULL ? j + 1 : (size_t)(end - re) + 2;
                } else
                    j++;
            }
            if (re[j] == '\0')
                return 0;
            next = j + 1;
        } else if (c == '(') {
            /* Inline options anywhere ((?i), (?-i:...), (?x)) may change what a
             * literal means: give up. */
            if (re[i + 1] == '?' && (strchr("imnsxJU-^)", re[i + 2]) != NULL && re[i + 2] != '\0'))
                return 0;
            if (re[i + 1] == '*') /* (*VERB) and start-of-pattern options */
                return 0;
            depth++;
        } else if (c == ')') {
            depth--;
            if (depth < 0)
                return 0;
        } else if (c == '|') {
            if (depth == 0)
                return 0;
        } else if (c == '.' || c == '^' || c == '$') {
            /* not a literal */
        } else if (c == '*' || c == '+' || c == '?' || c == '{') {
            unsigned min = 0;
            size_t q = quantifier(re, i, &min);
            if (q == 0) {
                if (c != '{')
                    return 0; /* a quantifier with nothing before it */
                /* PCRE2 takes a '{' that starts no quantifier literally; not relied on */
            } else {
                if (depth == 0 && l.last_in_run) {
                    /* The atom is optional (drop it) or repeated (keep one copy, but
                     * what follows is not adjacent to it). */
                    if (min == 0)
                        l.run_len--;
                    lit_end(&l);
                }
                i += q;
                continue;
            }
        } else {
            byte = (unsigned char)c;
        }
        if (depth == 0 && byte >= 0) {
            /* A literal; if a quantifier follows, it applies to this byte alone. */
            lit_add(&l, (uint8_t)byte);
        } else if (depth == 0 || c == '(' || c == ')') {
            lit_end(&l);
        }
        i = next;
    }
    lit_end(&l);
    return l.best_len;
}

/* ---------------------------------------------------------------------------------- */
/* Matching                                                                           */
/* ---------------------------------------------------------------------------------- */

struct detect_pcre_thread *detect_pcre_thread_new(uint32_t max_pairs,
                                                  char errbuf[CANH_ERRBUF_SIZE])
{
    struct detect_pcre_thread *t = calloc(1, sizeof(*t));
    if (t == NULL)
        goto fail;
    t->pairs = max_pairs == 0 ? 1 : max_pairs;
    t->md = pcre2_match_data_create(t->pairs, NULL);
    t->mctx = pcre2_match_context_create(NULL);
    if (t->md == NULL || t->mctx == NULL)
        goto fail;
    uint32_t jit = 0;
    if (pcre2_config(PCRE2_CONFIG_JIT, &jit) >= 0 && jit) {
        t->jit_stack = pcre2_jit_stack_create(DETECT_PCRE_JIT_STACK, DETECT_PCRE_JIT_STACK, NULL);
        if (t->jit_stack == NULL)
            goto fail;
        pcre2_jit_stack_assign(t->mctx, NULL, t->jit_stack);
    }
    return t;
fail:
    snprintf(errbuf, CANH_ERRBUF_SIZE, "pcre: out of memory for the match data");
    detect_pcre_thread_free(t);
    return NULL;
}

void detect_pcre_thread_free(struct detect_pcre_thread *t)
{
    if (t == NULL)
        return;
    pcre2_match_data_free(t->md);
    pcre2_match_context_free(t->mctx);
    pcre2_jit_stack_free(t->jit_stack);
    free(t);
}

const struct detect_pcre_stats *detect_pcre_thread_stats(const struct detect_pcre_thread *t)
{
    return &t->stats;
}

static void store(struct detect_captures *caps, uint8_t kind, const char *name,
                  uint32_t name_len, const uint8_t *value, uint32_t value_len)
{
    if (kind != DETECT_CAPTURE_PKT_KV) {
        for (uint32_t i = 0; i < caps->n; i++) {
            struct detect_capture *c = &caps->v[i];
            if (c->kind == kind && c->name_len == name_len &&
                memcmp(c->name, name, name_len) == 0) {
                c->value = value;
                c->value_len = value_len;
                return;
            }
        }
    }
    if (caps->n == DETECT_CAPTURES_MAX) {
        caps->dropped++;
        return;
    }
    caps->v[caps->n++] = (struct detect_capture){ kind, name, name_len, value, value_len };
}

/* Group g of the last match, if it is set and within the match data. */
static bool group(const PCRE2_SIZE *ov, uint32_t avail, uint32_t g, size_t *s, size_t *e)
{
    if (g >= avail || ov[2 * g] == PCRE2_UNSET)
        return false;
    *s = ov[2 * g];
    *e = ov[2 * g + 1];
    return *e >= *s;
}

static void capture(const struct detect_pcre *p, const PCRE2_SIZE *ov, uint32_t avail,
                    const uint8_t *subject, struct detect_captures *caps)
{
    for (uint32_t x = 0; x < p->ncaps; x++) {
        size_t s, e;
        if (!group(ov, avail, x + 1, &s, &e))
            continue;
        uint32_t n = (uint32_t)(e - s);
        if (n > DETECT_CAPTURE_VALUE_MAX)
            n = DETECT_CAPTURE_VALUE_MAX;
        if (p->captypes[x] == DETECT_CAPTURE_PKT_KV) {
            size_t vs, ve;
            if (!group(ov, avail, x + 2, &vs, &ve))
                break; /* as Suricata: no value ends the captures */
            uint32_t vn = (uint32_t)(ve - vs);
            if (vn > DETECT_CAPTURE_VALUE_MAX)
                vn = DETECT_CAPTURE_VALUE_MAX;
            store(caps, DETECT_CAPTURE_PKT_KV, (const char *)subject + s,
                  n < DETECT_CAPTURE_KEY_MAX ? n : DETECT_CAPTURE_KEY_MAX, subject + vs, vn);
        } else {
            store(caps, p->captypes[x], p->capnames[x], (uint32_t)strlen(p->capnames[x]),
                  subject + s, n);
        }
    }
}

int detect_pcre_exec(const struct detect_pcre *p, struct detect_pcre_thread *t,
                     const uint8_t *buf, uint32_t len, uint32_t cursor, uint32_t start,
                     uint32_t *mstart, uint32_t *mend, struct detect_captures *caps)
{
    uint32_t base = (p->flags & PCRE_F_RELATIVE) ? cursor : 0;
    if (base > len)
        return 0;
    const uint8_t *subject = buf + base;
    uint32_t slen = len - base;
    uint32_t off = start > base ? start - base : 0;
    if (off > slen)
        return 0; /* past the end: pcre2 would refuse the offset; no match */
    pcre2_set_match_limit(t->mctx, p->match_limit);
    pcre2_set_depth_limit(t->mctx, p->depth_limit);
    int rc = pcre2_match(p->code, subject, slen, off, PCRE2_NO_UTF_CHECK, t->md, t->mctx);
    if (rc == PCRE2_ERROR_NOMATCH)
        return 0;
    if (rc < 0) {
        if (rc == PCRE2_ERROR_MATCHLIMIT || rc == PCRE2_ERROR_DEPTHLIMIT ||
            rc == PCRE2_ERROR_HEAPLIMIT || rc == PCRE2_ERROR_JIT_STACKLIMIT)
            t->stats.match_limit++;
        else
            t->stats.errors++;
        return -1;
    }
    const PCRE2_SIZE *ov = pcre2_get_ovector_pointer(t->md);
    uint32_t avail = rc == 0 ? t->pairs : (uint32_t)rc; /* 0: the match data was short */
    *mstart = base + (uint32_t)ov[0];
    *mend = base + (uint32_t)ov[1];
    if (caps != NULL && avail > 1 && p->ncaps != 0 && !(p->flags & PCRE_F_NEGATED))
        capture(p, ov, avail, subject, caps);
    return 1;
}

int detect_pcre_match(const struct detect_pcre *p, struct detect_pcre_thread *t,
                      const uint8_t *buf, uint32_t len, uint32_t *cursor, uint32_t *retry,
                      struct detect_captures *caps)
{
    uint32_t ms = 0, me = 0;
    int r = detect_pcre_exec(p, t, buf, len, *cursor, *retry, &ms, &me, caps);
    if (r < 0)
        return 0;
    if (p->flags & PCRE_F_NEGATED)
        return r == 0;
    if (r == 0)
        return 0;
    *cursor = me;
    *retry = ms + 1;
    return 1;
}
