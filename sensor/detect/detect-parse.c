/* Rule parsing: Suricata's rule language (header, options, keyword setups) to a struct
 * sig. Spec: https://docs.suricata.io/en/suricata-7.0.10/rules/intro.html and Suricata's
 * src/detect-parse.c, whose error cases it follows. */
#include "detect/detect-parse.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "detect/detect-address.h"
#include "detect/detect-byte.h"
#include "detect/detect-port.h"

/* ---------------------------------------------------------------------------------- */
/* Helpers                                                                            */
/* ---------------------------------------------------------------------------------- */

int parse_fail(struct parse_ctx *pc, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(pc->err, CANH_ERRBUF_SIZE, fmt, ap);
    va_end(ap);
    return CANH_ERR;
}

int parse_buf_index(struct parse_ctx *pc, int buf)
{
    struct sig *s = pc->s;
    for (unsigned i = 0; i < s->nbufs; i++)
        if (s->bufs[i].buf == buf && s->bufs[i].ntransforms == 0)
            return (int)i;
    if (s->nbufs == UINT8_MAX)
        return -1;
    struct sig_buf *nb = realloc(s->bufs, (s->nbufs + 1u) * sizeof(*nb));
    if (nb == NULL)
        return -1;
    s->bufs = nb;
    memset(&nb[s->nbufs], 0, sizeof(*nb));
    nb[s->nbufs].buf = (uint8_t)buf;
    return s->nbufs++;
}

int parse_current_sb(struct parse_ctx *pc)
{
    return pc->cur_sb >= 0 ? pc->cur_sb : parse_buf_index(pc, DETECT_BUF_PAYLOAD);
}

int parse_add_sm(struct parse_ctx *pc, struct sm_list *l, uint8_t type, void *ctx)
{
    if (l == NULL)
        return parse_fail(pc, "out of memory");
    if (l->n == l->cap) {
        uint16_t cap = l->cap ? (uint16_t)(l->cap * 2) : 4;
        struct sm *v = realloc(l->v, cap * sizeof(*v));
        if (v == NULL)
            return parse_fail(pc, "out of memory");
        l->v = v;
        l->cap = cap;
    }
    l->v[l->n].type = type;
    l->v[l->n].flags = 0;
    l->v[l->n].ctx = ctx;
    l->n++;
    return CANH_OK;
}

int parse_bytevar(const struct parse_ctx *pc, const char *name)
{
    for (unsigned i = 0; i < pc->nbytevars; i++)
        if (strcmp(pc->bytevars[i], name) == 0)
            return (int)i;
    return -1;
}

uint32_t detect_flowbit_id(struct detect_engine *de, const char *name, bool intvar)
{
    char ***names = intvar ? &de->flowints : &de->flowbits;
    uint32_t *n = intvar ? &de->nflowints : &de->nflowbits;
    for (uint32_t i = 0; i < *n; i++)
        if (strcmp((*names)[i], name) == 0)
            return i;
    if ((*n & (*n - 1)) == 0 || *n == 0) {
        uint32_t cap = *n ? *n * 2 : 16;
        char **v = realloc(*names, cap * sizeof(*v));
        if (v == NULL)
            return UINT32_MAX;
        *names = v;
    }
    char *c = strdup(name);
    if (c == NULL)
        return UINT32_MAX;
    (*names)[*n] = c;
    return (*n)++;
}

/* ---------------------------------------------------------------------------------- */
/* Content strings                                                                    */
/* ---------------------------------------------------------------------------------- */

static int hexval(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c = tolower(c);
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

int detect_content_decode(const char *in, uint8_t **out, char err[CANH_ERRBUF_SIZE])
{
    size_t n = strlen(in);
    uint8_t *o = malloc(n + 1);
    if (o == NULL) {
        snprintf(err, CANH_ERRBUF_SIZE, "out of memory");
        return -1;
    }
    size_t len = 0;
    bool hex = false, escape = false;
    int hi = -1;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)in[i];
        if (hex) {
            if (c == '|') {
                if (hi >= 0) {
                    snprintf(err, CANH_ERRBUF_SIZE, "odd number of hex digits in content");
                    goto fail;
                }
                hex = false;
            } else if (c == ' ' || c == '\t') {
                if (hi >= 0) {
                    snprintf(err, CANH_ERRBUF_SIZE, "hex byte split by a space in content");
                    goto fail;
                }
            } else {
                int v = hexval(c);
                if (v < 0) {
                    snprintf(err, CANH_ERRBUF_SIZE, "invalid hex character '%c' in content", c);
                    goto fail;
                }
                if (hi < 0) {
                    hi = v;
                } else {
                    o[len++] = (uint8_t)(hi << 4 | v);
                    hi = -1;
                }
            }
        } else if (escape) {
            if (c != '"' && c != ';' && c != '\\' && c != ':') {
                snprintf(err, CANH_ERRBUF_SIZE, "'\\%c' is not a valid escape in content", c);
                goto fail;
            }
            o[len++] = c;
            escape = false;
        } else if (c == '\\') {
            escape = true;
        } else if (c == '|') {
            hex = true;
        } else if (c == '"') {
            snprintf(err, CANH_ERRBUF_SIZE, "unescaped '\"' in content");
            goto fail;
        } else {
            o[len++] = c;
        }
    }
    if (hex || escape) {
        snprintf(err, CANH_ERRBUF_SIZE, hex ? "unterminated hex block in content"
                                            : "content ends in a backslash");
        goto fail;
    }
    if (len == 0) {
        snprintf(err, CANH_ERRBUF_SIZE, "empty content");
        goto fail;
    }
    *out = o;
    return (int)len;
fail:
    free(o);
    return -1;
}

/* ---------------------------------------------------------------------------------- */
/* Header                                                                             */
/* ---------------------------------------------------------------------------------- */

struct var_lookup {
    const struct detect_load_conf *conf;
    bool port;
};

static const char *var_get(void *ctx, const char *name)
{
    const struct var_lookup *vl = ctx;
    for (unsigned i = 0; i < vl->conf->nvars; i++)
        if (vl->conf->vars[i].port == vl->port && strcmp(vl->conf->vars[i].name, name) == 0)
            return vl->conf->vars[i].value;
    return NULL;
}

/* Protocol names of the header: IP protocols and application protocols. */
static int parse_proto(struct parse_ctx *pc, const char *p)
{
    struct sig *s = pc->s;
    static const struct {
        const char *name;
        uint8_t proto;
        uint32_t flags;
    } ip[] = {
        { "ip", 0, 0 },          { "pkthdr", 0, 0 },     { "ipv4", 0, SIG_IPV4 },
        { "ip4", 0, SIG_IPV4 },  { "ipv6", 0, SIG_IPV6 }, { "ip6", 0, SIG_IPV6 },
        { "tcp", 6, 0 },         { "tcp-pkt", 6, SIG_NO_STREAM },
        { "tcp-stream", 6, SIG_ONLY_STREAM },             { "udp", 17, 0 },
        { "icmp", 1, 0 },        { "icmpv4", 1, 0 },     { "icmpv6", 58, 0 },
        { "sctp", 132, 0 },
    };
    for (unsigned i = 0; i < ARRAY_SIZE(ip); i++) {
        if (strcasecmp(p, ip[i].name) == 0) {
            s->proto = ip[i].proto;
            s->flags |= ip[i].flags;
            return CANH_OK;
        }
    }
    int a = alproto_by_name(p);
    if (a == ALPROTO_UNKNOWN || a == ALPROTO_FAILED)
        return parse_fail(pc, "unknown protocol '%s'", p);
    s->alproto = (uint8_t)a;
    /* UDP protocols, TCP protocols; both for DNS. */
    switch (a) {
    case ALPROTO_DNS: case ALPROTO_SIP: case ALPROTO_IKE: s->proto = 0; break;
    case ALPROTO_NTP: case ALPROTO_TFTP: case ALPROTO_SNMP: case ALPROTO_DHCP:
        s->proto = 17;
        break;
    case ALPROTO_KRB5: case ALPROTO_NFS: s->proto = 0; break;
    default: s->proto = 6; break;
    }
    return CANH_OK;
}

/* Splits the header: action proto src sport dir dst dport. Addresses and ports may be
 * bracketed lists with spaces inside. */
static int header_tokens(char *h, char *tok[7])
{
    int n = 0;
    char *p = h;
    while (*p != '\0' && n < 8) {
        while (isspace((unsigned char)*p))
            p++;
        if (*p == '\0')
            break;
        char *start = p;
        int depth = 0;
        while (*p != '\0' && (depth > 0 || !isspace((unsigned char)*p))) {
            if (*p == '[')
                depth++;
            else if (*p == ']')
                depth--;
            p++;
        }
        if (n == 7)
            return 8;
        tok[n++] = start;
        if (*p != '\0')
            *p++ = '\0';
    }
    return n;
}

static int parse_header(struct parse_ctx *pc, char *h)
{
    struct sig *s = pc->s;
    char *tok[7];
    int n = header_tokens(h, tok);
    if (n != 7)
        return parse_fail(pc, "header must be 'action proto src sport -> dst dport'");
    static const char *const actions[] = { "pass", "drop", "reject", "alert" };
    int act = -1;
    for (int i = 0; i < 4; i++)
        if (strcasecmp(tok[0], actions[i]) == 0)
            act = i;
    if (act < 0) {
        if (strcasecmp(tok[0], "rejectsrc") == 0 || strcasecmp(tok[0], "rejectdst") == 0 ||
            strcasecmp(tok[0], "rejectboth") == 0)
            act = DETECT_ACTION_REJECT;
        else
            return parse_fail(pc, "unknown action '%s'", tok[0]);
    }
    s->action = (uint8_t)act;
    if (parse_proto(pc, tok[1]) != CANH_OK)
        return CANH_ERR;
    if (strcmp(tok[4], "->") == 0) {
    } else if (strcmp(tok[4], "<>") == 0) {
        s->flags |= SIG_BIDIR;
    } else if (strcmp(tok[4], "<-") == 0) {
        return parse_fail(pc, "direction '<-' is not supported (as in Suricata)");
    } else {
        return parse_fail(pc, "invalid direction '%s'", tok[4]);
    }
    char e[CANH_ERRBUF_SIZE];
    struct var_lookup va = { pc->conf, false }, vp = { pc->conf, true };
    s->src = addr_set_parse(tok[2], var_get, &va, e);
    if (s->src == NULL)
        return parse_fail(pc, "source address '%s': %s", tok[2], e);
    s->dst = addr_set_parse(tok[5], var_get, &va, e);
    if (s->dst == NULL)
        return parse_fail(pc, "destination address '%s': %s", tok[5], e);
    s->sp = port_set_parse(tok[3], var_get, &vp, e);
    if (s->sp == NULL)
        return parse_fail(pc, "source port '%s': %s", tok[3], e);
    s->dp = port_set_parse(tok[6], var_get, &vp, e);
    if (s->dp == NULL)
        return parse_fail(pc, "destination port '%s': %s", tok[6], e);
    if (addr_set_is_any(s->src))
        s->flags |= SIG_SRC_ANY;
    if (addr_set_is_any(s->dst))
        s->flags |= SIG_DST_ANY;
    if (port_set_is_any(s->sp))
        s->flags |= SIG_SP_ANY;
    if (port_set_is_any(s->dp))
        s->flags |= SIG_DP_ANY;
    if ((!(s->flags & SIG_SP_ANY) || !(s->flags & SIG_DP_ANY)) && s->proto != 0 &&
        s->proto != 6 && s->proto != 17 && s->proto != 132)
        return parse_fail(pc, "ports given for a protocol without ports");
    return CANH_OK;
}

/* ---------------------------------------------------------------------------------- */
/* Options                                                                            */
/* ---------------------------------------------------------------------------------- */

static char *trim(char *p)
{
    while (isspace((unsigned char)*p))
        p++;
    size_t n = strlen(p);
    while (n > 0 && isspace((unsigned char)p[n - 1]))
        p[--n] = '\0';
    return p;
}

static int parse_option(struct parse_ctx *pc, char *opt)
{
    char *name = opt, *val = NULL;
    char *colon = strchr(opt, ':');
    if (colon != NULL) {
        *colon = '\0';
        val = trim(colon + 1);
    }
    name = trim(name);
    const struct detect_keyword *kw = detect_keyword_get(name);
    if (kw == NULL) {
        int rc = detect_keyword_buffer(pc, name, val);
        if (rc == 1)
            return parse_fail(pc, "unknown keyword '%s'", name);
        return rc;
    }
    if (kw->flags & KW_NOOPT) {
        if (val != NULL && *val != '\0')
            return parse_fail(pc, "keyword '%s' takes no value", kw->name);
        return kw->setup(pc, NULL);
    }
    if (val == NULL || *val == '\0') {
        if (kw->flags & KW_OPTIONAL)
            return kw->setup(pc, NULL);
        return parse_fail(pc, "keyword '%s' needs a value", kw->name);
    }
    pc->negated = false;
    if ((kw->flags & KW_NEGATION) && *val == '!') {
        pc->negated = true;
        val = trim(val + 1);
    }
    if (kw->flags & KW_STRIP_QUOTES) {
        size_t n = strlen(val);
        if (n >= 2 && val[0] == '"' && val[n - 1] == '"' && val[n - 2] != '\\') {
            val[n - 1] = '\0';
            val++;
        } else if (n >= 3 && val[0] == '"' && val[n - 1] == '"') {
            val[n - 1] = '\0'; /* ends in \" : the escape belongs to the value */
            val++;
        } else if (val[0] == '"') {
            return parse_fail(pc, "unterminated quoted value of '%s'", kw->name);
        }
    }
    return kw->setup(pc, val);
}

/* Splits the option block at unescaped ';' (as Suricata: a ';' preceded by '\' is part
 * of the value). */
static int parse_options(struct parse_ctx *pc, char *o)
{
    unsigned nopt = 0;
    char *p = o;
    for (;;) {
        while (isspace((unsigned char)*p))
            p++;
        if (*p == '\0')
            return CANH_OK;
        char *end = p;
        for (;;) {
            end = strchr(end, ';');
            if (end == NULL)
                return parse_fail(pc, "option without a terminating ';'");
            if (end > p && end[-1] == '\\') {
                end++;
                continue;
            }
            break;
        }
        *end = '\0';
        if (++nopt > DETECT_MAX_OPTIONS)
            return parse_fail(pc, "more than %d options", DETECT_MAX_OPTIONS);
        if (parse_option(pc, p) != CANH_OK)
            return CANH_ERR;
        p = end + 1;
    }
}

/* ---------------------------------------------------------------------------------- */
/* After the options: relations, fast pattern, direction, validation                  */
/* ---------------------------------------------------------------------------------- */

/* Suricata turns "isdataat:!1,relative" right after a content into endswith on it. */
static void isdataat_to_endswith(struct sm_list *l)
{
    for (unsigned i = 1; i < l->n; i++) {
        if (l->v[i].type != SM_ISDATAAT || l->v[i - 1].type != SM_CONTENT ||
            !detect_byte_isdataat_endswith(l->v[i].ctx))
            continue;
        struct detect_content *c = l->v[i - 1].ctx;
        if (c->flags & CT_NEGATED)
            continue;
        c->flags |= CT_ENDSWITH;
        detect_sm_free(&l->v[i]);
        memmove(&l->v[i], &l->v[i + 1], (l->n - i - 1) * sizeof(l->v[0]));
        l->n--;
        i--;
    }
}

/* Marks each element followed by an element relative to it (the content engine then
 * retries its next occurrence when the rest fails). */
static void link_relatives(struct sm_list *l)
{
    for (unsigned i = 0; i + 1 < l->n; i++)
        if (detect_sm_relative(&l->v[i + 1]))
            l->v[i].flags |= SM_F_RELATIVE_NEXT;
}

/* Where a match of content 'c', element 'i' of its list, must end at the latest: its
 * depth (offset included), or for a first element with within (relative to the
 * buffer's start, as Suricata takes it) its distance + within; else anywhere. */
static uint32_t content_end(const struct detect_content *c, unsigned i)
{
    if (c->flags & (CT_NEGATED | CT_DEPTH_VAR | CT_OFFSET_VAR | CT_DISTANCE_VAR | CT_WITHIN_VAR))
        return UINT32_MAX;
    if (c->flags & (CT_DISTANCE | CT_WITHIN)) {
        if (i != 0 || !(c->flags & CT_WITHIN))
            return UINT32_MAX;
        int64_t end = (int64_t)c->within + ((c->flags & CT_DISTANCE) && c->distance > 0 ? c->distance : 0);
        return end > 0 && end < UINT32_MAX ? (uint32_t)end : UINT32_MAX;
    }
    if ((c->flags & CT_DEPTH) && c->depth > 0)
        return (uint32_t)c->depth;
    return UINT32_MAX;
}

/* Suricata's PatternStrength: how rare a pattern is likely to be. Each distinct byte
 * adds 3 (letters), 4 (other printable, NUL, 0x01, 0xff) or 6 (others); a repeated
 * byte adds 1. "|00 00 00 00 00|" scores 8, "|00 00 04|" 11. */
static uint32_t pattern_strength(const uint8_t *p, uint32_t len)
{
    uint8_t seen[256] = { 0 };
    uint32_t s = 0;
    for (uint32_t i = 0; i < len; i++) {
        uint8_t c = p[i];
        if (seen[c]) {
            s++;
            continue;
        }
        seen[c] = 1;
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
            s += 3;
        else if ((c >= 0x20 && c < 0x7f) || c == 0x00 || c == 0x01 || c == 0xff)
            s += 4;
        else
            s += 6;
    }
    return s;
}

/* The largest payload length the rule's dsize allows, or UINT32_MAX. */
static uint32_t dsize_max(const struct sig *s)
{
    uint32_t max = UINT32_MAX;
    for (unsigned i = 0; i < s->match.n; i++) {
        if (s->match.v[i].type != SM_DSIZE)
            continue;
        uint64_t lo, hi;
        detect_dsize_bounds(s->match.v[i].ctx, &lo, &hi);
        if (hi < max)
            max = (uint32_t)hi;
    }
    return max;
}

/* Chooses the prefilter pattern: the content marked fast_pattern; otherwise, among
 * non-negated contents, those of the most specific buffer (any application-layer
 * buffer before the payload), the strongest (pattern_strength), then the longest,
 * nocase losing ties. Suricata takes the longest first and uses strength only between
 * equally long ones; then "|00 00 00 00 00|", present in a third of all UDP payloads,
 * is preferred to "|00 00 04|" at the start, and every such payload makes the rule a
 * candidate. The choice changes only which rules are candidates, never a verdict. */
static void choose_fast_pattern(struct sig *s)
{
    /* A rule with application-layer buffers is prefiltered on one of them: its payload
     * contents are checked on the packet when its transaction is inspected. */
    bool tx = false;
    for (unsigned b = 0; b < s->nbufs; b++)
        if (s->bufs[b].buf != DETECT_BUF_PAYLOAD)
            tx = true;
    const struct detect_content *best = NULL;
    int best_buf = -1;
    uint32_t best_len = 0, best_str = 0;
    unsigned best_i = 0;
    for (unsigned b = 0; b < s->nbufs; b++) {
        if (tx && s->bufs[b].buf == DETECT_BUF_PAYLOAD)
            continue;
        const struct sm_list *l = &s->bufs[b].list;
        for (unsigned i = 0; i < l->n; i++) {
            if (l->v[i].type != SM_CONTENT)
                continue;
            const struct detect_content *c = l->v[i].ctx;
            if ((c->flags & CT_FAST_PATTERN) && !(c->flags & CT_NEGATED)) {
                best = c;
                best_buf = s->bufs[b].buf;
                best_i = i;
                goto chosen;
            }
        }
    }
    for (unsigned b = 0; b < s->nbufs; b++) {
        if (tx && s->bufs[b].buf == DETECT_BUF_PAYLOAD)
            continue;
        const struct sm_list *l = &s->bufs[b].list;
        for (unsigned i = 0; i < l->n; i++) {
            if (l->v[i].type != SM_CONTENT)
                continue;
            const struct detect_content *c = l->v[i].ctx;
            if (c->flags & CT_NEGATED)
                continue;
            bool app = s->bufs[b].buf != DETECT_BUF_PAYLOAD;
            bool best_app = best_buf > 0;
            uint32_t len = c->len, str = pattern_strength(c->pat, c->len);
            if (best == NULL || (app && !best_app) ||
                (app == best_app &&
                 (str > best_str ||
                  (str == best_str && (len > best_len ||
                                       (len == best_len && (best->flags & CT_NOCASE) &&
                                        !(c->flags & CT_NOCASE))))))) {
                best = c;
                best_buf = s->bufs[b].buf;
                best_len = len;
                best_str = str;
                best_i = i;
            }
        }
    }
chosen:
    if (best != NULL) {
        s->fp = best;
        s->fp_buf = (int16_t)best_buf;
        ((struct detect_content *)best)->flags |= CT_MPM;
        ((struct detect_content *)best)->mpm_end = content_end(best, best_i);
        ((struct detect_content *)best)->mpm_max_len =
            best_buf == DETECT_BUF_PAYLOAD ? dsize_max(s) : UINT32_MAX;
    } else {
        s->fp_buf = -1;
    }
}

/* Direction implied by the buffers: request buffers mean to server, response ones to
 * client; a rule mixing both (allowed by Suricata for some) keeps what flow: said. */
static int infer_direction(struct parse_ctx *pc)
{
    struct sig *s = pc->s;
    uint8_t dirs = DETECT_DIR_TS | DETECT_DIR_TC;
    for (unsigned b = 0; b < s->nbufs; b++) {
        const struct detect_buffer_def *d = &detect_buffers[s->bufs[b].buf];
        if (s->bufs[b].buf == DETECT_BUF_PAYLOAD)
            continue;
        s->flags |= SIG_TX;
        if (s->alproto == ALPROTO_UNKNOWN)
            s->alproto = d->alproto;
        else if (s->alproto != d->alproto && !(s->alproto == ALPROTO_HTTP2 && d->alproto == ALPROTO_HTTP))
            return parse_fail(pc, "buffer '%s' does not belong to protocol %s", d->name,
                              alproto_name(s->alproto));
        if (d->dirs != (DETECT_DIR_TS | DETECT_DIR_TC))
            dirs &= d->dirs;
    }
    if (dirs == 0)
        return parse_fail(pc, "rule mixes request and response buffers");
    if (s->flags & SIG_TX) {
        if (dirs == DETECT_DIR_TS) {
            if (s->flags & SIG_TOCLIENT)
                return parse_fail(pc, "flow:to_client with a request buffer");
            s->flags |= SIG_TOSERVER;
        } else if (dirs == DETECT_DIR_TC) {
            if (s->flags & SIG_TOSERVER)
                return parse_fail(pc, "flow:to_server with a response buffer");
            s->flags |= SIG_TOCLIENT;
        }
    }
    return CANH_OK;
}

static int finish_sig(struct parse_ctx *pc)
{
    struct sig *s = pc->s;
    if (s->sid == 0)
        return parse_fail(pc, "no sid");
    if (s->msg == NULL) {
        s->msg = strdup("");
        if (s->msg == NULL)
            return parse_fail(pc, "out of memory");
    }
    /* Lists left empty (a sticky buffer with nothing after it, or the payload list
     * whose contents moved to a buffer by a legacy modifier) inspect nothing. */
    unsigned o = 0;
    for (unsigned b = 0; b < s->nbufs; b++) {
        if (s->bufs[b].list.n == 0) {
            free(s->bufs[b].list.v);
            continue;
        }
        s->bufs[o++] = s->bufs[b];
    }
    s->nbufs = (uint8_t)o;
    for (unsigned b = 0; b < s->nbufs; b++) {
        isdataat_to_endswith(&s->bufs[b].list);
        link_relatives(&s->bufs[b].list);
        if (s->bufs[b].buf == DETECT_BUF_PAYLOAD)
            s->flags |= SIG_PAYLOAD;
    }
    if (infer_direction(pc) != CANH_OK)
        return CANH_ERR;
    if ((s->flags & SIG_PAYLOAD) && s->proto != 0 && s->proto != 6 && s->proto != 17 &&
        s->proto != 1 && s->proto != 58 && s->proto != 132)
        return parse_fail(pc, "payload keywords for a protocol without payload");
    choose_fast_pattern(s);

    /* IP-only (Suricata's SignatureIsIPOnly): addresses, protocol, ports, thresholds and
     * flowbits:set, nothing about payload, application or flow state. Such rules are
     * looked up by address on the first packet of each direction of a flow. */
    bool iponly = s->nbufs == 0 && s->match.n == 0 && s->alproto == ALPROTO_UNKNOWN &&
                  !(s->flags & (SIG_TOSERVER | SIG_TOCLIENT | SIG_ESTABLISHED |
                                SIG_NOT_ESTABLISHED | SIG_ONLY_STREAM | SIG_NO_STREAM |
                                SIG_ONLY_FRAG | SIG_NO_FRAG));
    for (unsigned i = 0; iponly && i < s->post.n; i++) {
        const struct sm *m = &s->post.v[i];
        if (m->type != SM_FLOWBITS || ((const struct detect_flowbits *)m->ctx)->cmd != FB_SET)
            iponly = false;
    }
    if (iponly)
        s->flags |= SIG_IPONLY;

    /* Severity from the priority (classtype's unless the rule gave one); Suricata
     * writes the priority as "severity". */
    if (s->prio == 0)
        s->prio = 3;
    s->severity = (uint8_t)(s->prio > 255 ? 255 : s->prio);
    if (s->gid == 0)
        s->gid = 1;
    return CANH_OK;
}

/* ---------------------------------------------------------------------------------- */
/* Entry points                                                                       */
/* ---------------------------------------------------------------------------------- */

/* Finds "sid:N;" in the option text for error messages, before parsing. */
static uint32_t peek_sid(const char *text)
{
    const char *p = text;
    while ((p = strstr(p, "sid")) != NULL) {
        bool boundary = p == text || p[-1] == ';' || p[-1] == '(' || isspace((unsigned char)p[-1]);
        const char *q = p + 3;
        while (isspace((unsigned char)*q))
            q++;
        if (boundary && *q == ':') {
            q++;
            while (isspace((unsigned char)*q))
                q++;
            return (uint32_t)strtoul(q, NULL, 10);
        }
        p += 3;
    }
    return 0;
}

struct sig *detect_parse_rule(struct detect_engine *de, const struct detect_load_conf *conf,
                              const char *text, uint32_t *sid_out, char err[CANH_ERRBUF_SIZE])
{
    *sid_out = peek_sid(text);
    err[0] = '\0';
    struct sig *s = calloc(1, sizeof(*s));
    char *copy = strdup(text);
    if (s == NULL || copy == NULL) {
        free(s);
        free(copy);
        snprintf(err, CANH_ERRBUF_SIZE, "out of memory");
        return NULL;
    }
    s->fp_buf = -1;
    struct parse_ctx pc = {
        .de = de, .conf = conf, .s = s, .cur_sb = -1, .last_sb = -1, .last_idx = -1,
        .last_content_sb = -1, .last_content_idx = -1, .err = err,
    };
    char *open = strchr(copy, '(');
    size_t n = strlen(copy);
    while (n > 0 && isspace((unsigned char)copy[n - 1]))
        copy[--n] = '\0';
    if (open == NULL || n == 0 || copy[n - 1] != ')') {
        parse_fail(&pc, "no option block '( ... )'");
        goto fail;
    }
    *open = '\0';
    copy[n - 1] = '\0';
    if (parse_header(&pc, copy) != CANH_OK || parse_options(&pc, open + 1) != CANH_OK ||
        finish_sig(&pc) != CANH_OK)
        goto fail;
    free(copy);
    *sid_out = s->sid;
    return s;
fail:
    if (s->sid != 0)
        *sid_out = s->sid;
    free(copy);
    detect_sig_free(s);
    return NULL;
}

static void sm_list_free(struct sm_list *l)
{
    for (unsigned i = 0; i < l->n; i++)
        detect_sm_free(&l->v[i]);
    free(l->v);
}

void detect_sig_free(struct sig *s)
{
    if (s == NULL)
        return;
    addr_set_free(s->src);
    addr_set_free(s->dst);
    port_set_free(s->sp);
    port_set_free(s->dp);
    sm_list_free(&s->match);
    sm_list_free(&s->post);
    for (unsigned i = 0; i < s->nbufs; i++) {
        sm_list_free(&s->bufs[i].list);
    }
    free(s->bufs);
    while (s->suppress != NULL) {
        struct detect_suppress *n = s->suppress->next;
        addr_set_free(s->suppress->addrs);
        free(s->suppress);
        s->suppress = n;
    }
    free(s->msg);
    free(s->metadata_json);
    free(s->references_json);
    free(s->target);
    if (s->classtype_owned)
        free((char *)s->classtype);
    free(s);
}
