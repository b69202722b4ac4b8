/* Rule keywords: one setup function per keyword and the registration table. Each setup
 * reads the keyword's value, checks it as Suricata does, and adds match elements to the
 * rule being parsed (struct parse_ctx). pcre and byte_* parse in detect-pcre.c and
 * detect-byte.c; addresses and ports in detect-address.c and detect-port.c. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "decode/decode.h"
#include "applayer/applayer.h"
#include "detect/detect-byte.h"
#include "detect/detect-classification.h"
#include "detect/detect-parse.h"
#include "detect/detect-pcre.h"
#include "detect/detect-spm.h"

/* ---------------------------------------------------------------------------------- */
/* Numbers                                                                            */
/* ---------------------------------------------------------------------------------- */

static bool parse_u64(const char *s, uint64_t max, uint64_t *out)
{
    while (isspace((unsigned char)*s))
        s++;
    if (!isdigit((unsigned char)*s))
        return false;
    errno = 0;
    char *end;
    unsigned long long v = strtoull(s, &end, 10);
    while (isspace((unsigned char)*end))
        end++;
    if (errno != 0 || *end != '\0' || v > max)
        return false;
    *out = v;
    return true;
}

static bool parse_i64(const char *s, int64_t min, int64_t max, int64_t *out)
{
    while (isspace((unsigned char)*s))
        s++;
    errno = 0;
    char *end;
    long long v = strtoll(s, &end, 10);
    while (isspace((unsigned char)*end))
        end++;
    if (end == s || errno != 0 || *end != '\0' || v < min || v > max)
        return false;
    *out = v;
    return true;
}

/* Suricata's integer comparisons: "N", "<N", "<=N", ">N", ">=N", "!N", "N<>M", "N-M". */
bool detect_num_parse(const char *s, uint64_t max, struct detect_num *out)
{
    char buf[64];
    size_t n = 0;
    for (const char *p = s; *p != '\0'; p++)
        if (!isspace((unsigned char)*p)) {
            if (n + 1 >= sizeof(buf))
                return false;
            buf[n++] = *p;
        }
    buf[n] = '\0';
    memset(out, 0, sizeof(*out));
    const char *p = buf;
    if (strncmp(p, "<=", 2) == 0) {
        out->mode = NUM_LE;
        p += 2;
    } else if (strncmp(p, ">=", 2) == 0) {
        out->mode = NUM_GE;
        p += 2;
    } else if (*p == '<') {
        out->mode = NUM_LT;
        p++;
    } else if (*p == '>') {
        out->mode = NUM_GT;
        p++;
    } else if (*p == '!') {
        out->mode = NUM_NE;
        p++;
    } else if (*p == '=') {
        p++;
    }
    char *sep = strstr(buf, "<>");
    size_t seplen = 2;
    if (sep == NULL && p == buf) {
        sep = strchr(buf + 1, '-');
        seplen = 1;
    }
    if (sep != NULL && p == buf) {
        *sep = '\0';
        if (!parse_u64(buf, max, &out->a) || !parse_u64(sep + seplen, max, &out->b) ||
            out->a >= out->b)
            return false;
        out->mode = NUM_RANGE;
        return true;
    }
    if (!parse_u64(p, max, &out->a))
        return false;
    if ((out->mode == NUM_LT && out->a == 0) || (out->mode == NUM_GT && out->a == max))
        return false;
    return true;
}

/* ---------------------------------------------------------------------------------- */
/* Meta keywords                                                                      */
/* ---------------------------------------------------------------------------------- */

static int kw_msg(struct parse_ctx *pc, const char *arg)
{
    free(pc->s->msg);
    /* Unescape \" \; \\ as Suricata does for messages. */
    size_t n = strlen(arg);
    char *m = malloc(n + 1), *o = m;
    if (m == NULL)
        return parse_fail(pc, "out of memory");
    for (size_t i = 0; i < n; i++) {
        if (arg[i] == '\\' && i + 1 < n && strchr("\";\\:", arg[i + 1]) != NULL)
            i++;
        *o++ = arg[i];
    }
    *o = '\0';
    pc->s->msg = m;
    return CANH_OK;
}

static int kw_sid(struct parse_ctx *pc, const char *arg)
{
    uint64_t v;
    if (!parse_u64(arg, UINT32_MAX, &v) || v == 0)
        return parse_fail(pc, "invalid sid '%s'", arg);
    if (pc->s->sid != 0)
        return parse_fail(pc, "sid given twice");
    pc->s->sid = (uint32_t)v;
    return CANH_OK;
}

static int kw_rev(struct parse_ctx *pc, const char *arg)
{
    uint64_t v;
    if (!parse_u64(arg, UINT32_MAX, &v))
        return parse_fail(pc, "invalid rev '%s'", arg);
    pc->s->rev = (uint32_t)v;
    return CANH_OK;
}

static int kw_gid(struct parse_ctx *pc, const char *arg)
{
    uint64_t v;
    if (!parse_u64(arg, UINT32_MAX, &v))
        return parse_fail(pc, "invalid gid '%s'", arg);
    pc->s->gid = (uint32_t)v;
    return CANH_OK;
}

static int kw_priority(struct parse_ctx *pc, const char *arg)
{
    uint64_t v;
    if (!parse_u64(arg, 255, &v) || v == 0)
        return parse_fail(pc, "invalid priority '%s' (1 to 255)", arg);
    pc->s->prio = (int32_t)v;
    pc->s->flags |= 0; /* the rule's priority wins over its classtype's */
    return CANH_OK;
}

static int kw_classtype(struct parse_ctx *pc, const char *arg)
{
    struct sig *s = pc->s;
    const struct classification_entry *ce = NULL;
    if (pc->de->classes != NULL)
        ce = classification_lookup(pc->de->classes, arg);
    if (ce == NULL) {
        if (pc->de->classes != NULL && classification_count(pc->de->classes) > 0)
            return parse_fail(pc, "unknown classtype '%s'", arg);
        /* No classification file: keep the name, default priority. */
        char *c = strdup(arg);
        if (c == NULL)
            return parse_fail(pc, "out of memory");
        s->classtype = c;
        s->classtype_owned = true;
        s->class_desc = c;
        return CANH_OK;
    }
    s->classtype = ce->name;
    s->class_desc = ce->desc;
    if (s->prio == 0)
        s->prio = (int32_t)ce->priority;
    return CANH_OK;
}

static void json_put_str(char **o, const char *s, size_t n)
{
    char *p = *o;
    *p++ = '"';
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"' || c == '\\') {
            *p++ = '\\';
            *p++ = (char)c;
        } else if (c < 0x20) {
            p += sprintf(p, "\\u%04x", c);
        } else {
            *p++ = (char)c;
        }
    }
    *p++ = '"';
    *o = p;
}

/* reference:type,id: kept for the alert as a URL (reference.config gives each type's
 * prefix, e.g. cve -> http://cve.mitre.org/cgi-bin/cvename.cgi?name=); an unknown type
 * is kept as "type,id" (Suricata warns and loads the rule). */
static int kw_reference(struct parse_ctx *pc, const char *arg)
{
    const char *comma = strchr(arg, ',');
    if (comma == NULL || comma == arg || comma[1] == '\0')
        return parse_fail(pc, "reference '%s' is not 'type,id'", arg);
    char type[64];
    size_t tl = (size_t)(comma - arg);
    while (tl > 0 && isspace((unsigned char)arg[tl - 1]))
        tl--;
    if (tl >= sizeof(type))
        return parse_fail(pc, "reference type in '%s' is too long", arg);
    memcpy(type, arg, tl);
    type[tl] = '\0';
    const char *id = comma + 1;
    while (isspace((unsigned char)*id))
        id++;
    const struct reference_entry *re =
        pc->de->references != NULL ? reference_config_lookup(pc->de->references, type) : NULL;
    char text[1200];
    if (re != NULL)
        snprintf(text, sizeof(text), "%s%s", re->url, id);
    else
        snprintf(text, sizeof(text), "%s,%s", type, id);
    /* append to the JSON array of the rule's references */
    struct sig *s = pc->s;
    size_t old = s->references_json ? strlen(s->references_json) : 0;
    size_t need = old + 6 * strlen(text) + 8;
    char *js = realloc(s->references_json, need);
    if (js == NULL)
        return parse_fail(pc, "out of memory");
    char *o;
    if (old == 0) {
        js[0] = '[';
        o = js + 1;
    } else {
        o = js + old - 1; /* over the closing bracket */
        *o++ = ',';
    }
    json_put_str(&o, text, strlen(text));
    *o++ = ']';
    *o = '\0';
    s->references_json = js;
    return CANH_OK;
}

/* metadata: "key value, key value": kept as {"key":["value",...]} in the alert. Values
 * of one key are grouped in the order given. */
static int kw_metadata(struct parse_ctx *pc, const char *arg)
{
    struct sig *s = pc->s;
    /* Collect (key, value) pairs, existing ones first. */
    struct kv { char key[128]; char val[512]; } *kvs = NULL;
    unsigned n = 0, cap = 0;
    char *copy = strdup(arg);
    if (copy == NULL)
        return parse_fail(pc, "out of memory");
    int rc = CANH_OK;
    char *save = NULL;
    for (char *item = strtok_r(copy, ",", &save); item != NULL; item = strtok_r(NULL, ",", &save)) {
        while (isspace((unsigned char)*item))
            item++;
        size_t len = strlen(item);
        while (len > 0 && isspace((unsigned char)item[len - 1]))
            item[--len] = '\0';
        if (len == 0)
            continue;
        char *sp = item;
        while (*sp != '\0' && !isspace((unsigned char)*sp))
            sp++;
        char *val = sp;
        if (*sp != '\0') {
            *sp = '\0';
            val = sp + 1;
            while (isspace((unsigned char)*val))
                val++;
        }
        if (n == cap) {
            cap = cap ? cap * 2 : 8;
            void *nk = realloc(kvs, cap * sizeof(*kvs));
            if (nk == NULL) {
                rc = parse_fail(pc, "out of memory");
                goto out;
            }
            kvs = nk;
        }
        snprintf(kvs[n].key, sizeof(kvs[n].key), "%s", item);
        snprintf(kvs[n].val, sizeof(kvs[n].val), "%s", val);
        n++;
    }
    if (n == 0)
        goto out;
    /* Merge with an earlier metadata option: rebuild from scratch including the old
     * JSON is complex; instead append the new keys' object members. */
    size_t need = (s->metadata_json ? strlen(s->metadata_json) : 2) + 8;
    for (unsigned i = 0; i < n; i++)
        need += 6 * (strlen(kvs[i].key) + strlen(kvs[i].val)) + 16;
    char *js = malloc(need), *o = js;
    if (js == NULL) {
        rc = parse_fail(pc, "out of memory");
        goto out;
    }
    if (s->metadata_json != NULL) {
        size_t l = strlen(s->metadata_json);
        memcpy(o, s->metadata_json, l - 1); /* without the closing brace */
        o += l - 1;
    } else {
        *o++ = '{';
    }
    bool first = s->metadata_json == NULL;
    for (unsigned i = 0; i < n; i++) {
        bool seen = false;
        for (unsigned k = 0; k < i; k++)
            if (strcmp(kvs[k].key, kvs[i].key) == 0)
                seen = true;
        if (seen)
            continue;
        if (!first)
            *o++ = ',';
        first = false;
        json_put_str(&o, kvs[i].key, strlen(kvs[i].key));
        *o++ = ':';
        *o++ = '[';
        bool vfirst = true;
        for (unsigned k = i; k < n; k++) {
            if (strcmp(kvs[k].key, kvs[i].key) != 0)
                continue;
            if (!vfirst)
                *o++ = ',';
            vfirst = false;
            json_put_str(&o, kvs[k].val, strlen(kvs[k].val));
        }
        *o++ = ']';
    }
    *o++ = '}';
    *o = '\0';
    free(s->metadata_json);
    s->metadata_json = js;
out:
    free(kvs);
    free(copy);
    return rc;
}

static int kw_target(struct parse_ctx *pc, const char *arg)
{
    if (strcmp(arg, "src_ip") != 0 && strcmp(arg, "dest_ip") != 0)
        return parse_fail(pc, "target must be src_ip or dest_ip, not '%s'", arg);
    free(pc->s->target);
    pc->s->target = strdup(arg);
    return pc->s->target ? CANH_OK : parse_fail(pc, "out of memory");
}

static int kw_noalert(struct parse_ctx *pc, const char *arg)
{
    pc->s->flags |= SIG_NOALERT;
    return CANH_OK;
}

static int kw_ignored(struct parse_ctx *pc, const char *arg)
{
    return CANH_OK;
}

/* ---------------------------------------------------------------------------------- */
/* content and its modifiers                                                          */
/* ---------------------------------------------------------------------------------- */

static int add_content(struct parse_ctx *pc, const char *arg, int sb)
{
    if (sb < 0)
        return parse_fail(pc, "out of memory");
    struct detect_content *c = calloc(1, sizeof(*c));
    if (c == NULL)
        return parse_fail(pc, "out of memory");
    char e[CANH_ERRBUF_SIZE];
    int len = detect_content_decode(arg, &c->pat, e);
    if (len < 0) {
        free(c);
        return parse_fail(pc, "%s", e);
    }
    c->len = (uint32_t)len;
    if (pc->negated)
        c->flags |= CT_NEGATED;
    struct sm_list *l = &pc->s->bufs[sb].list;
    if (parse_add_sm(pc, l, SM_CONTENT, c) != CANH_OK) {
        free(c->pat);
        free(c);
        return CANH_ERR;
    }
    pc->last_sb = pc->last_content_sb = sb;
    pc->last_idx = pc->last_content_idx = l->n - 1;
    return CANH_OK;
}

static int kw_content(struct parse_ctx *pc, const char *arg)
{
    return add_content(pc, arg, parse_current_sb(pc));
}

static int kw_uricontent(struct parse_ctx *pc, const char *arg)
{
    return add_content(pc, arg, parse_buf_index(pc, DETECT_BUF_HTTP_URI));
}

static struct detect_content *last_content(struct parse_ctx *pc, const char *kw)
{
    if (pc->last_content_sb < 0 || pc->last_content_idx < 0) {
        parse_fail(pc, "'%s' needs a preceding content", kw);
        return NULL;
    }
    struct sm *m = &pc->s->bufs[pc->last_content_sb].list.v[pc->last_content_idx];
    return m->ctx;
}

static int kw_nocase(struct parse_ctx *pc, const char *arg)
{
    struct detect_content *c = last_content(pc, "nocase");
    if (c == NULL)
        return CANH_ERR;
    if (c->flags & CT_NOCASE)
        return parse_fail(pc, "nocase given twice for one content");
    c->flags |= CT_NOCASE;
    return CANH_OK;
}

/* Value of depth/offset/distance/within: a number or a byte variable. */
static int mod_value(struct parse_ctx *pc, const char *kw, const char *arg, int64_t min,
                     int32_t *out, bool *is_var)
{
    *is_var = false;
    if (isalpha((unsigned char)arg[0]) || arg[0] == '_') {
        int v = parse_bytevar(pc, arg);
        if (v < 0)
            return parse_fail(pc, "%s: unknown byte variable '%s'", kw, arg);
        *out = v;
        *is_var = true;
        return CANH_OK;
    }
    int64_t v;
    if (!parse_i64(arg, min, 65535, &v))
        return parse_fail(pc, "invalid value '%s' for %s", arg, kw);
    *out = (int32_t)v;
    return CANH_OK;
}

static int kw_depth(struct parse_ctx *pc, const char *arg)
{
    struct detect_content *c = last_content(pc, "depth");
    if (c == NULL)
        return CANH_ERR;
    if (c->flags & (CT_DEPTH | CT_STARTSWITH))
        return parse_fail(pc, "depth given twice for one content");
    if (c->flags & (CT_DISTANCE | CT_WITHIN))
        return parse_fail(pc, "depth with distance/within for one content");
    bool var;
    int32_t v;
    if (mod_value(pc, "depth", arg, 0, &v, &var) != CANH_OK)
        return CANH_ERR;
    if (var) {
        c->flags |= CT_DEPTH_VAR;
        c->depth = v;
    } else {
        if ((uint32_t)v < c->len)
            return parse_fail(pc, "depth:%d is smaller than the content's length %u", v, c->len);
        c->depth = v + ((c->flags & CT_OFFSET_VAR) ? 0 : c->offset);
    }
    c->flags |= CT_DEPTH;
    return CANH_OK;
}

static int kw_offset(struct parse_ctx *pc, const char *arg)
{
    struct detect_content *c = last_content(pc, "offset");
    if (c == NULL)
        return CANH_ERR;
    if (c->flags & (CT_OFFSET | CT_STARTSWITH))
        return parse_fail(pc, "offset given twice for one content");
    if (c->flags & (CT_DISTANCE | CT_WITHIN))
        return parse_fail(pc, "offset with distance/within for one content");
    bool var;
    int32_t v;
    if (mod_value(pc, "offset", arg, 0, &v, &var) != CANH_OK)
        return CANH_ERR;
    if (var) {
        c->flags |= CT_OFFSET_VAR;
        c->offset = v;
    } else {
        c->offset = v;
        if ((c->flags & CT_DEPTH) && !(c->flags & CT_DEPTH_VAR))
            c->depth += v;
    }
    c->flags |= CT_OFFSET;
    return CANH_OK;
}

/* distance/within make a content relative to the previous content-like element of its
 * list; Suricata refuses them on the first element. */
/* Suricata accepts a relative first element: it counts from the buffer's start. */
static int check_relative(struct parse_ctx *pc, const char *kw)
{
    (void)kw;
    return pc->last_content_sb >= 0 ? CANH_OK : CANH_ERR;
}

static int kw_distance(struct parse_ctx *pc, const char *arg)
{
    struct detect_content *c = last_content(pc, "distance");
    if (c == NULL || check_relative(pc, "distance") != CANH_OK)
        return CANH_ERR;
    if (c->flags & CT_DISTANCE)
        return parse_fail(pc, "distance given twice for one content");
    if (c->flags & (CT_DEPTH | CT_OFFSET | CT_STARTSWITH))
        return parse_fail(pc, "distance with depth/offset for one content");
    bool var;
    int32_t v;
    if (mod_value(pc, "distance", arg, -65535, &v, &var) != CANH_OK)
        return CANH_ERR;
    c->distance = v;
    c->flags |= CT_DISTANCE | (var ? CT_DISTANCE_VAR : 0);
    return CANH_OK;
}

static int kw_within(struct parse_ctx *pc, const char *arg)
{
    struct detect_content *c = last_content(pc, "within");
    if (c == NULL || check_relative(pc, "within") != CANH_OK)
        return CANH_ERR;
    if (c->flags & CT_WITHIN)
        return parse_fail(pc, "within given twice for one content");
    if (c->flags & (CT_DEPTH | CT_OFFSET | CT_STARTSWITH))
        return parse_fail(pc, "within with depth/offset for one content");
    bool var;
    int32_t v;
    if (mod_value(pc, "within", arg, 1, &v, &var) != CANH_OK)
        return CANH_ERR;
    if (!var && (uint32_t)v < c->len)
        return parse_fail(pc, "within:%d is smaller than the content's length %u", v, c->len);
    c->within = v;
    c->flags |= CT_WITHIN | (var ? CT_WITHIN_VAR : 0);
    return CANH_OK;
}

static int kw_startswith(struct parse_ctx *pc, const char *arg)
{
    struct detect_content *c = last_content(pc, "startswith");
    if (c == NULL)
        return CANH_ERR;
    if (c->flags & (CT_DEPTH | CT_OFFSET | CT_DISTANCE | CT_WITHIN))
        return parse_fail(pc, "startswith with depth/offset/distance/within");
    c->flags |= CT_STARTSWITH | CT_DEPTH;
    c->depth = (int32_t)c->len;
    c->offset = 0;
    return CANH_OK;
}

static int kw_endswith(struct parse_ctx *pc, const char *arg)
{
    struct detect_content *c = last_content(pc, "endswith");
    if (c == NULL)
        return CANH_ERR;
    if (c->flags & CT_ENDSWITH)
        return parse_fail(pc, "endswith given twice");
    c->flags |= CT_ENDSWITH;
    return CANH_OK;
}

static int kw_fast_pattern(struct parse_ctx *pc, const char *arg)
{
    struct detect_content *c = last_content(pc, "fast_pattern");
    if (c == NULL)
        return CANH_ERR;
    if (c->flags & CT_FAST_PATTERN)
        return parse_fail(pc, "fast_pattern given twice");
    /* Only one per rule. */
    for (unsigned b = 0; b < pc->s->nbufs; b++)
        for (unsigned i = 0; i < pc->s->bufs[b].list.n; i++) {
            const struct sm *m = &pc->s->bufs[b].list.v[i];
            if (m->type == SM_CONTENT && (((const struct detect_content *)m->ctx)->flags & CT_FAST_PATTERN))
                return parse_fail(pc, "fast_pattern on more than one content");
        }
    if (c->flags & CT_NEGATED) {
        /* Suricata accepts it for non-relative negated contents; the prefilter cannot
         * use a pattern that must be absent, so the rule runs without one. */
        return CANH_OK;
    }
    if (arg != NULL) {
        if (strcmp(arg, "only") == 0) {
            c->flags |= CT_FP_ONLY;
        } else {
            uint64_t off, len;
            char tmp[64];
            snprintf(tmp, sizeof(tmp), "%s", arg);
            char *comma = strchr(tmp, ',');
            if (comma == NULL)
                return parse_fail(pc, "fast_pattern value '%s' is not 'only' or 'offset,length'", arg);
            *comma = '\0';
            if (!parse_u64(tmp, 65535, &off) || !parse_u64(comma + 1, 65535, &len) || len == 0 ||
                off + len > c->len)
                return parse_fail(pc, "fast_pattern chop '%s' is outside the content", arg);
            c->flags |= CT_FP_CHOP;
            c->chop_off = (uint16_t)off;
            c->chop_len = (uint16_t)len;
        }
    }
    c->flags |= CT_FAST_PATTERN;
    return CANH_OK;
}

static int kw_rawbytes(struct parse_ctx *pc, const char *arg)
{
    return last_content(pc, "rawbytes") ? CANH_OK : CANH_ERR;
}

/* Legacy content modifiers (http_uri ...): move the last content to that buffer. */
static int legacy_modifier(struct parse_ctx *pc, int buf, const char *kw)
{
    if (pc->last_content_sb < 0)
        return parse_fail(pc, "'%s' needs a preceding content", kw);
    struct sig *s = pc->s;
    if (pc->cur_sb >= 0 && s->bufs[pc->cur_sb].buf != DETECT_BUF_PAYLOAD)
        return parse_fail(pc, "'%s' after a sticky buffer (use one or the other)", kw);
    struct sm_list *from = &s->bufs[pc->last_content_sb].list;
    if (pc->last_content_idx != from->n - 1)
        return parse_fail(pc, "'%s' must directly follow its content's modifiers", kw);
    if (s->bufs[pc->last_content_sb].buf == buf)
        return CANH_OK;
    if (s->bufs[pc->last_content_sb].buf != DETECT_BUF_PAYLOAD)
        return parse_fail(pc, "content already has a buffer before '%s'", kw);
    struct sm m = from->v[from->n - 1];
    int to = parse_buf_index(pc, buf);
    if (to < 0)
        return parse_fail(pc, "out of memory");
    from = &s->bufs[pc->last_content_sb].list; /* realloc may have moved it */
    from->n--;
    if (parse_add_sm(pc, &s->bufs[to].list, m.type, m.ctx) != CANH_OK)
        return CANH_ERR;
    pc->last_sb = pc->last_content_sb = to;
    pc->last_idx = pc->last_content_idx = s->bufs[to].list.n - 1;
    return CANH_OK;
}

/* ---------------------------------------------------------------------------------- */
/* Sticky buffers and transforms                                                      */
/* ---------------------------------------------------------------------------------- */

static int sticky(struct parse_ctx *pc, int buf)
{
    int sb = parse_buf_index(pc, buf);
    if (sb < 0)
        return parse_fail(pc, "out of memory");
    pc->cur_sb = sb;
    return CANH_OK;
}

static int kw_pkt_data(struct parse_ctx *pc, const char *arg)
{
    pc->cur_sb = -1;
    return CANH_OK;
}

static int add_transform(struct parse_ctx *pc, uint8_t tf, const char *kw)
{
    struct sig *s = pc->s;
    if (pc->cur_sb < 0 || s->bufs[pc->cur_sb].buf == DETECT_BUF_PAYLOAD)
        return parse_fail(pc, "transform '%s' needs a sticky buffer before it", kw);
    struct sig_buf *b = &s->bufs[pc->cur_sb];
    if (b->list.n > 0) {
        /* Contents already inspect the plain buffer: the transformed one is another. */
        struct sig_buf copy = *b;
        if (s->nbufs == UINT8_MAX)
            return parse_fail(pc, "too many buffers");
        struct sig_buf *nb = realloc(s->bufs, (s->nbufs + 1u) * sizeof(*nb));
        if (nb == NULL)
            return parse_fail(pc, "out of memory");
        s->bufs = nb;
        memset(&nb[s->nbufs], 0, sizeof(*nb));
        nb[s->nbufs].buf = copy.buf;
        nb[s->nbufs].ntransforms = copy.ntransforms;
        memcpy(nb[s->nbufs].transforms, copy.transforms, sizeof(copy.transforms));
        pc->cur_sb = s->nbufs++;
        b = &s->bufs[pc->cur_sb];
    }
    if (b->ntransforms == DETECT_MAX_TRANSFORMS)
        return parse_fail(pc, "more than %d transforms", DETECT_MAX_TRANSFORMS);
    b->transforms[b->ntransforms++] = tf;
    return CANH_OK;
}

#define TRANSFORM(fn, tf, kw) \
    static int fn(struct parse_ctx *pc, const char *arg) { return add_transform(pc, tf, kw); }
TRANSFORM(kw_dotprefix, TF_DOTPREFIX, "dotprefix")
TRANSFORM(kw_to_lowercase, TF_TO_LOWER, "to_lowercase")
TRANSFORM(kw_to_uppercase, TF_TO_UPPER, "to_uppercase")
TRANSFORM(kw_strip_whitespace, TF_STRIP_WS, "strip_whitespace")
TRANSFORM(kw_compress_whitespace, TF_COMPRESS_WS, "compress_whitespace")
TRANSFORM(kw_url_decode, TF_URL_DECODE, "url_decode")
TRANSFORM(kw_to_md5, TF_TO_MD5, "to_md5")
TRANSFORM(kw_to_sha1, TF_TO_SHA1, "to_sha1")
TRANSFORM(kw_to_sha256, TF_TO_SHA256, "to_sha256")
TRANSFORM(kw_header_lowercase, TF_HEADER_LOWERCASE, "header_lowercase")
TRANSFORM(kw_strip_pseudo_headers, TF_STRIP_PSEUDO, "strip_pseudo_headers")

/* ---------------------------------------------------------------------------------- */
/* Buffer-level keywords: bsize, urilen, isdataat, pcre, byte_*                        */
/* ---------------------------------------------------------------------------------- */

static int kw_bsize(struct parse_ctx *pc, const char *arg)
{
    if (pc->cur_sb < 0 || pc->s->bufs[pc->cur_sb].buf == DETECT_BUF_PAYLOAD)
        return parse_fail(pc, "bsize needs a sticky buffer");
    struct detect_bsize *b = calloc(1, sizeof(*b));
    if (b == NULL)
        return parse_fail(pc, "out of memory");
    if (!detect_num_parse(arg, UINT32_MAX, &b->n)) {
        free(b);
        return parse_fail(pc, "invalid bsize '%s'", arg);
    }
    struct sm_list *l = &pc->s->bufs[pc->cur_sb].list;
    if (parse_add_sm(pc, l, SM_BSIZE, b) != CANH_OK) {
        free(b);
        return CANH_ERR;
    }
    return CANH_OK;
}

static int kw_urilen(struct parse_ctx *pc, const char *arg)
{
    char tmp[64];
    snprintf(tmp, sizeof(tmp), "%s", arg);
    int buf = DETECT_BUF_HTTP_URI;
    char *comma = strchr(tmp, ',');
    if (comma != NULL) {
        *comma = '\0';
        char *kind = comma + 1;
        while (isspace((unsigned char)*kind))
            kind++;
        if (strcmp(kind, "raw") == 0)
            buf = DETECT_BUF_HTTP_URI_RAW;
        else if (strcmp(kind, "norm") != 0)
            return parse_fail(pc, "urilen option '%s' is not raw or norm", kind);
    }
    struct detect_bsize *b = calloc(1, sizeof(*b));
    if (b == NULL)
        return parse_fail(pc, "out of memory");
    if (!detect_num_parse(tmp, 65535, &b->n)) {
        free(b);
        return parse_fail(pc, "invalid urilen '%s'", arg);
    }
    int sb = parse_buf_index(pc, buf);
    if (sb < 0 || parse_add_sm(pc, &pc->s->bufs[sb].list, SM_URILEN, b) != CANH_OK) {
        free(b);
        return parse_fail(pc, "out of memory");
    }
    return CANH_OK;
}

static int bytevar_declare(void *ctx, const char *name)
{
    struct parse_ctx *pc = ctx;
    int i = parse_bytevar(pc, name);
    if (i >= 0)
        return i;
    if (pc->nbytevars == DETECT_MAX_BYTEVARS || strlen(name) >= sizeof(pc->bytevars[0]))
        return -1;
    snprintf(pc->bytevars[pc->nbytevars], sizeof(pc->bytevars[0]), "%s", name);
    pc->s->nbytevars = (uint8_t)(pc->nbytevars + 1);
    return (int)pc->nbytevars++;
}

static int bytevar_index(void *ctx, const char *name)
{
    return parse_bytevar(ctx, name);
}

/* The list a relative keyword attaches to: that of the previous content-like element;
 * otherwise the sticky buffer or payload. */
static int relative_sb(struct parse_ctx *pc, bool relative)
{
    if (relative && pc->last_sb >= 0)
        return pc->last_sb;
    return parse_current_sb(pc);
}

static int add_buffer_sm(struct parse_ctx *pc, int sb, uint8_t type, void *ctx)
{
    if (sb < 0)
        return parse_fail(pc, "out of memory");
    struct sm_list *l = &pc->s->bufs[sb].list;
    if (parse_add_sm(pc, l, type, ctx) != CANH_OK)
        return CANH_ERR;
    pc->last_sb = sb;
    pc->last_idx = l->n - 1;
    return CANH_OK;
}

static int kw_pcre(struct parse_ctx *pc, const char *arg)
{
    char e[CANH_ERRBUF_SIZE];
    struct detect_pcre *p = detect_pcre_parse(arg, pc->negated, e);
    if (p == NULL)
        return parse_fail(pc, "%s", e);
    static const int8_t map[DETECT_PCRE_BUF_MAX] = {
        [DETECT_PCRE_BUF_URI] = DETECT_BUF_HTTP_URI,
        [DETECT_PCRE_BUF_URI_RAW] = DETECT_BUF_HTTP_URI_RAW,
        [DETECT_PCRE_BUF_REQUEST_BODY] = DETECT_BUF_HTTP_REQUEST_BODY,
        [DETECT_PCRE_BUF_FILE_DATA] = DETECT_BUF_FILE_DATA,
        [DETECT_PCRE_BUF_HEADER] = DETECT_BUF_HTTP_HEADER,
        [DETECT_PCRE_BUF_HEADER_RAW] = DETECT_BUF_HTTP_HEADER_RAW,
        [DETECT_PCRE_BUF_METHOD] = DETECT_BUF_HTTP_METHOD,
        [DETECT_PCRE_BUF_COOKIE] = DETECT_BUF_HTTP_COOKIE,
        [DETECT_PCRE_BUF_STAT_CODE] = DETECT_BUF_HTTP_STAT_CODE,
        [DETECT_PCRE_BUF_STAT_MSG] = DETECT_BUF_HTTP_STAT_MSG,
        [DETECT_PCRE_BUF_USER_AGENT] = DETECT_BUF_HTTP_USER_AGENT,
        [DETECT_PCRE_BUF_HOST] = DETECT_BUF_HTTP_HOST,
        [DETECT_PCRE_BUF_HOST_RAW] = DETECT_BUF_HTTP_HOST_RAW,
    };
    int pb = detect_pcre_buffer(p);
    int buf = pb >= 0 && pb < DETECT_PCRE_BUF_MAX ? map[pb] : -1;
    int sb;
    bool relative = detect_pcre_is_relative(p);
    if (buf >= 0) {
        if (pc->cur_sb >= 0 && pc->s->bufs[pc->cur_sb].buf != DETECT_BUF_PAYLOAD &&
            pc->s->bufs[pc->cur_sb].buf != buf) {
            detect_pcre_free(p);
            return parse_fail(pc, "pcre buffer flag conflicts with the sticky buffer");
        }
        sb = parse_buf_index(pc, buf);
    } else {
        sb = relative_sb(pc, relative);
    }
    if (sb < 0) {
        detect_pcre_free(p);
        return parse_fail(pc, "out of memory");
    }
    if (add_buffer_sm(pc, sb, SM_PCRE, p) != CANH_OK) {
        detect_pcre_free(p);
        return CANH_ERR;
    }
    return CANH_OK;
}

#define BYTE_KW(fn, kind, type, name)                                                   \
    static int fn(struct parse_ctx *pc, const char *arg)                                \
    {                                                                                   \
        char e[CANH_ERRBUF_SIZE];                                                       \
        struct detect_byte *b = detect_byte_parse(kind, arg, bytevar_index,             \
                                                  bytevar_declare, pc, e);              \
        if (b == NULL)                                                                  \
            return parse_fail(pc, "%s", e);                                             \
        bool rel = detect_byte_is_relative(b);                                          \
        int sb = relative_sb(pc, rel);                                                  \
        if (sb < 0) {                                                                   \
            detect_byte_free(b);                                                        \
            return parse_fail(pc, "out of memory");                                     \
        }                                                                               \
        if (add_buffer_sm(pc, sb, type, b) != CANH_OK) {                                \
            detect_byte_free(b);                                                        \
            return CANH_ERR;                                                            \
        }                                                                               \
        return CANH_OK;                                                                 \
    }
BYTE_KW(kw_byte_test, DETECT_BYTE_TEST, SM_BYTE_TEST, "byte_test")
BYTE_KW(kw_byte_jump, DETECT_BYTE_JUMP, SM_BYTE_JUMP, "byte_jump")
BYTE_KW(kw_byte_extract, DETECT_BYTE_EXTRACT, SM_BYTE_EXTRACT, "byte_extract")
BYTE_KW(kw_byte_math, DETECT_BYTE_MATH, SM_BYTE_MATH, "byte_math")
BYTE_KW(kw_isdataat, DETECT_ISDATAAT, SM_ISDATAAT, "isdataat")

/* ---------------------------------------------------------------------------------- */
/* Packet keywords                                                                    */
/* ---------------------------------------------------------------------------------- */

static int add_match(struct parse_ctx *pc, uint8_t type, void *ctx)
{
    if (ctx == NULL)
        return parse_fail(pc, "out of memory");
    if (parse_add_sm(pc, &pc->s->match, type, ctx) != CANH_OK) {
        free(ctx);
        return CANH_ERR;
    }
    return CANH_OK;
}

static int num_kw(struct parse_ctx *pc, const char *arg, uint8_t type, uint64_t max, const char *kw)
{
    struct detect_num *n = calloc(1, sizeof(*n));
    if (n == NULL)
        return parse_fail(pc, "out of memory");
    if (!detect_num_parse(arg, max, n)) {
        free(n);
        return parse_fail(pc, "invalid %s '%s'", kw, arg);
    }
    return add_match(pc, type, n);
}

static int kw_dsize(struct parse_ctx *pc, const char *arg)
{
    for (unsigned i = 0; i < pc->s->match.n; i++)
        if (pc->s->match.v[i].type == SM_DSIZE)
            return parse_fail(pc, "dsize given twice");
    return num_kw(pc, arg, SM_DSIZE, 65535, "dsize");
}
static int kw_ttl(struct parse_ctx *pc, const char *arg) { return num_kw(pc, arg, SM_TTL, 255, "ttl"); }
static int kw_itype(struct parse_ctx *pc, const char *arg) { return num_kw(pc, arg, SM_ITYPE, 255, "itype"); }
static int kw_icode(struct parse_ctx *pc, const char *arg) { return num_kw(pc, arg, SM_ICODE, 255, "icode"); }
static int kw_icmp_id(struct parse_ctx *pc, const char *arg) { return num_kw(pc, arg, SM_ICMP_ID, 65535, "icmp_id"); }
static int kw_icmp_seq(struct parse_ctx *pc, const char *arg) { return num_kw(pc, arg, SM_ICMP_SEQ, 65535, "icmp_seq"); }
static int kw_seq(struct parse_ctx *pc, const char *arg) { return num_kw(pc, arg, SM_TCP_SEQ, UINT32_MAX, "seq"); }
static int kw_ack(struct parse_ctx *pc, const char *arg) { return num_kw(pc, arg, SM_TCP_ACK, UINT32_MAX, "ack"); }
static int kw_window(struct parse_ctx *pc, const char *arg)
{
    struct detect_num *n = calloc(1, sizeof(*n));
    if (n == NULL)
        return parse_fail(pc, "out of memory");
    const char *p = arg;
    if (*p == '!') {
        n->mode = NUM_NE;
        p++;
    }
    uint64_t v;
    if (!parse_u64(p, 65535, &v)) {
        free(n);
        return parse_fail(pc, "invalid window '%s'", arg);
    }
    n->a = v;
    return add_match(pc, SM_TCP_WINDOW, n);
}
static int kw_id(struct parse_ctx *pc, const char *arg) { return num_kw(pc, arg, SM_IP_ID, 65535, "id"); }

static int kw_ip_proto(struct parse_ctx *pc, const char *arg)
{
    static const struct { const char *name; uint8_t p; } names[] = {
        { "ip", 0 }, { "icmp", 1 }, { "igmp", 2 }, { "tcp", 6 }, { "udp", 17 }, { "ipv6", 41 },
        { "ipv6-route", 43 }, { "ipv6-frag", 44 }, { "gre", 47 }, { "esp", 50 }, { "ah", 51 },
        { "ipv6-icmp", 58 }, { "icmpv6", 58 }, { "ipv6-nonxt", 59 }, { "ipv6-opts", 60 },
        { "pim", 103 }, { "sctp", 132 },
    };
    const char *p = arg;
    for (unsigned i = 0; i < ARRAY_SIZE(names); i++)
        if (strcasecmp(p, names[i].name) == 0) {
            struct detect_num *n = calloc(1, sizeof(*n));
            if (n != NULL)
                n->a = names[i].p;
            return add_match(pc, SM_IP_PROTO, n);
        }
    return num_kw(pc, arg, SM_IP_PROTO, 255, "ip_proto");
}

static int kw_sameip(struct parse_ctx *pc, const char *arg)
{
    return add_match(pc, SM_SAMEIP, calloc(1, 1));
}

/* flags:[!|*|+]FSRPAUCE0[,mask] */
static int kw_flags(struct parse_ctx *pc, const char *arg)
{
    struct detect_flags *f = calloc(1, sizeof(*f));
    if (f == NULL)
        return parse_fail(pc, "out of memory");
    char tmp[64];
    snprintf(tmp, sizeof(tmp), "%s", arg);
    char *comma = strchr(tmp, ',');
    uint8_t ignore = 0;
    if (comma != NULL) {
        *comma = '\0';
        for (const char *q = comma + 1; *q; q++) {
            char mc = (char)toupper((unsigned char)*q);
            if (mc == '1')
                mc = 'C'; /* the two reserved bits: CWR and ECE today */
            else if (mc == '2')
                mc = 'E';
            const char *pos = strchr("FSRPAUCE", mc);
            if (isspace((unsigned char)*q))
                continue;
            if (pos == NULL || *q == '\0') {
                free(f);
                return parse_fail(pc, "invalid flags mask '%s'", comma + 1);
            }
            ignore |= (uint8_t)(1u << (pos - "FSRPAUCE"));
        }
    }
    const char *p = tmp;
    while (isspace((unsigned char)*p))
        p++;
    f->mode = 0;
    if (*p == '!' || *p == '*' || *p == '+') {
        f->mode = (uint8_t)*p;
        p++;
    }
    bool zero = false;
    for (; *p; p++) {
        if (isspace((unsigned char)*p))
            continue;
        char c = (char)toupper((unsigned char)*p);
        if (c == '0') {
            zero = true;
            continue;
        }
        if (c == '1')
            c = 'C';
        else if (c == '2')
            c = 'E';
        const char *pos = strchr("FSRPAUCE", c);
        if (pos == NULL || c == '\0') {
            free(f);
            return parse_fail(pc, "invalid flags '%s'", arg);
        }
        f->set |= (uint8_t)(1u << (pos - "FSRPAUCE"));
    }
    if (zero && f->set != 0) {
        free(f);
        return parse_fail(pc, "flags '0' combined with other flags");
    }
    f->mask = (uint8_t)~ignore;
    if (pc->s->proto != 0 && pc->s->proto != 6) {
        free(f);
        return parse_fail(pc, "flags on a non-TCP rule");
    }
    return add_match(pc, SM_FLAGS, f);
}

static int kw_fragbits(struct parse_ctx *pc, const char *arg)
{
    struct detect_flags *f = calloc(1, sizeof(*f));
    if (f == NULL)
        return parse_fail(pc, "out of memory");
    const char *p = arg;
    if (*p == '!' || *p == '*' || *p == '+')
        f->mode = (uint8_t)*p++;
    for (; *p; p++) {
        char c = (char)toupper((unsigned char)*p);
        if (c == 'M')
            f->set |= 1;
        else if (c == 'D')
            f->set |= 2;
        else if (c == 'R')
            f->set |= 4;
        else if (!isspace((unsigned char)c)) {
            free(f);
            return parse_fail(pc, "invalid fragbits '%s'", arg);
        }
    }
    f->mask = 0xff;
    return add_match(pc, SM_FRAGBITS, f);
}

static int kw_flow(struct parse_ctx *pc, const char *arg)
{
    struct sig *s = pc->s;
    char tmp[256];
    snprintf(tmp, sizeof(tmp), "%s", arg);
    char *save = NULL;
    for (char *t = strtok_r(tmp, ",", &save); t != NULL; t = strtok_r(NULL, ",", &save)) {
        while (isspace((unsigned char)*t))
            t++;
        size_t n = strlen(t);
        while (n > 0 && isspace((unsigned char)t[n - 1]))
            t[--n] = '\0';
        uint32_t f;
        if (strcasecmp(t, "established") == 0)
            f = SIG_ESTABLISHED;
        else if (strcasecmp(t, "not_established") == 0)
            f = SIG_NOT_ESTABLISHED;
        else if (strcasecmp(t, "stateless") == 0)
            f = SIG_STATELESS;
        else if (strcasecmp(t, "to_server") == 0 || strcasecmp(t, "from_client") == 0)
            f = SIG_TOSERVER;
        else if (strcasecmp(t, "to_client") == 0 || strcasecmp(t, "from_server") == 0)
            f = SIG_TOCLIENT;
        else if (strcasecmp(t, "only_stream") == 0)
            f = SIG_ONLY_STREAM;
        else if (strcasecmp(t, "no_stream") == 0)
            f = SIG_NO_STREAM;
        else if (strcasecmp(t, "only_frag") == 0)
            f = SIG_ONLY_FRAG;
        else if (strcasecmp(t, "no_frag") == 0)
            f = SIG_NO_FRAG;
        else
            return parse_fail(pc, "invalid flow option '%s'", t);
        if (s->flags & f)
            return parse_fail(pc, "flow option '%s' given twice", t);
        s->flags |= f;
    }
    uint32_t both = SIG_TOSERVER | SIG_TOCLIENT;
    if ((s->flags & both) == both)
        return parse_fail(pc, "flow: to_server and to_client together");
    if ((s->flags & SIG_ESTABLISHED) && (s->flags & (SIG_NOT_ESTABLISHED | SIG_STATELESS)))
        return parse_fail(pc, "flow: established with not_established/stateless");
    if ((s->flags & SIG_ONLY_STREAM) && (s->flags & SIG_NO_STREAM))
        return parse_fail(pc, "flow: only_stream with no_stream");
    return CANH_OK;
}

/* flowbits:set,name / isset,a|b / isset,a&b / noalert */
static int kw_flowbits(struct parse_ctx *pc, const char *arg)
{
    char tmp[512];
    snprintf(tmp, sizeof(tmp), "%s", arg);
    char *comma = strchr(tmp, ',');
    char *names = NULL;
    if (comma != NULL) {
        *comma = '\0';
        names = comma + 1;
    }
    char *cmd = tmp;
    while (isspace((unsigned char)*cmd))
        cmd++;
    size_t cl = strlen(cmd);
    while (cl > 0 && isspace((unsigned char)cmd[cl - 1]))
        cmd[--cl] = '\0';
    static const struct { const char *n; uint8_t c; } cmds[] = {
        { "set", FB_SET }, { "unset", FB_UNSET }, { "toggle", FB_TOGGLE },
        { "isset", FB_ISSET }, { "isnotset", FB_ISNOTSET }, { "noalert", FB_NOALERT },
    };
    int c = -1;
    for (unsigned i = 0; i < ARRAY_SIZE(cmds); i++)
        if (strcasecmp(cmd, cmds[i].n) == 0)
            c = cmds[i].c;
    if (c < 0)
        return parse_fail(pc, "invalid flowbits command '%s'", cmd);
    if (c == FB_NOALERT) {
        if (names != NULL)
            return parse_fail(pc, "flowbits:noalert takes no name");
        pc->s->flags |= SIG_NOALERT;
        return CANH_OK;
    }
    if (names == NULL)
        return parse_fail(pc, "flowbits:%s needs a name", cmd);
    struct detect_flowbits *fb = calloc(1, sizeof(*fb));
    if (fb == NULL)
        return parse_fail(pc, "out of memory");
    fb->cmd = (uint8_t)c;
    bool has_or = strchr(names, '|') != NULL, has_and = strchr(names, '&') != NULL;
    if (has_or && has_and) {
        free(fb);
        return parse_fail(pc, "flowbits names mix '|' and '&'");
    }
    if ((has_or || has_and) && c != FB_ISSET && c != FB_ISNOTSET && !(has_and && c != FB_TOGGLE)) {
        free(fb);
        return parse_fail(pc, "flowbits:%s cannot take several names with '|'", cmd);
    }
    fb->and_op = has_and;
    char *save = NULL;
    for (char *n = strtok_r(names, "|&", &save); n != NULL; n = strtok_r(NULL, "|&", &save)) {
        while (isspace((unsigned char)*n))
            n++;
        size_t l = strlen(n);
        while (l > 0 && isspace((unsigned char)n[l - 1]))
            n[--l] = '\0';
        if (l == 0 || strchr(n, ' ') != NULL || fb->n == ARRAY_SIZE(fb->ids)) {
            free(fb);
            return parse_fail(pc, "invalid flowbit name in '%s'", arg);
        }
        uint32_t id = detect_flowbit_id(pc->de, n, false);
        if (id == UINT32_MAX) {
            free(fb);
            return parse_fail(pc, "out of memory");
        }
        fb->ids[fb->n++] = id;
    }
    if (fb->n == 0) {
        free(fb);
        return parse_fail(pc, "flowbits:%s needs a name", cmd);
    }
    if (c == FB_ISSET || c == FB_ISNOTSET) {
        pc->s->flags |= SIG_FLOWBITS_READ;
        return add_match(pc, SM_FLOWBITS, fb);
    }
    pc->s->flags |= SIG_FLOWBITS_SET;
    if (parse_add_sm(pc, &pc->s->post, SM_FLOWBITS, fb) != CANH_OK) {
        free(fb);
        return CANH_ERR;
    }
    return CANH_OK;
}

/* flowint:name,op[,value]; ops: =, +, -, ==, !=, <, <=, >, >=, isset, notset/isnotset */
static int kw_flowint(struct parse_ctx *pc, const char *arg)
{
    char tmp[256];
    snprintf(tmp, sizeof(tmp), "%s", arg);
    char *parts[3] = { NULL, NULL, NULL };
    int np = 0;
    char *save = NULL;
    for (char *t = strtok_r(tmp, ",", &save); t != NULL && np < 3; t = strtok_r(NULL, ",", &save)) {
        while (isspace((unsigned char)*t))
            t++;
        size_t l = strlen(t);
        while (l > 0 && isspace((unsigned char)t[l - 1]))
            t[--l] = '\0';
        parts[np++] = t;
    }
    if (np < 2)
        return parse_fail(pc, "flowint needs 'name,operator[,value]'");
    static const struct { const char *s; uint8_t op; bool modifies; } ops[] = {
        { "=", FI_SET, true }, { "+", FI_ADD, true }, { "-", FI_SUB, true },
        { "==", FI_EQ, false }, { "!=", FI_NE, false }, { "<", FI_LT, false },
        { "<=", FI_LE, false }, { ">", FI_GT, false }, { ">=", FI_GE, false },
        { "isset", FI_ISSET, false }, { "notset", FI_NOTSET, false },
        { "isnotset", FI_NOTSET, false },
    };
    int k = -1;
    for (unsigned i = 0; i < ARRAY_SIZE(ops); i++)
        if (strcmp(parts[1], ops[i].s) == 0)
            k = (int)i;
    if (k < 0)
        return parse_fail(pc, "invalid flowint operator '%s'", parts[1]);
    struct detect_flowint *fi = calloc(1, sizeof(*fi));
    if (fi == NULL)
        return parse_fail(pc, "out of memory");
    fi->op = ops[k].op;
    fi->id = detect_flowbit_id(pc->de, parts[0], true);
    if (fi->op != FI_ISSET && fi->op != FI_NOTSET) {
        if (np < 3) {
            free(fi);
            return parse_fail(pc, "flowint %s needs a value", parts[1]);
        }
        int64_t v;
        if (parse_i64(parts[2], INT32_MIN, UINT32_MAX, &v)) {
            fi->value = v;
        } else {
            fi->value_is_var = true;
            fi->value_var = detect_flowbit_id(pc->de, parts[2], true);
        }
    }
    if (ops[k].modifies) {
        if (parse_add_sm(pc, &pc->s->post, SM_FLOWINT, fi) != CANH_OK) {
            free(fi);
            return CANH_ERR;
        }
        return CANH_OK;
    }
    return add_match(pc, SM_FLOWINT, fi);
}

static int kw_app_layer_protocol(struct parse_ctx *pc, const char *arg)
{
    char tmp[64];
    snprintf(tmp, sizeof(tmp), "%s", arg);
    char *comma = strchr(tmp, ',');
    if (comma != NULL)
        *comma = '\0'; /* ",final"/",original"/...: the detected protocol is all Canh has */
    const char *p = tmp;
    bool neg = pc->negated;
    int a = strcmp(p, "failed") == 0 ? ALPROTO_FAILED : alproto_by_name(p);
    if (a == ALPROTO_UNKNOWN && strcmp(p, "unknown") != 0)
        return parse_fail(pc, "unknown protocol '%s' in app-layer-protocol", p);
    struct detect_num *n = calloc(1, sizeof(*n));
    if (n == NULL)
        return parse_fail(pc, "out of memory");
    n->a = (uint64_t)a;
    n->mode = neg ? NUM_NE : NUM_EQ;
    return add_match(pc, SM_APP_LAYER_PROTOCOL, n);
}

/* stream_size:server|client|both|either,<op>,<n> */
static int kw_stream_size(struct parse_ctx *pc, const char *arg)
{
    char tmp[128];
    snprintf(tmp, sizeof(tmp), "%s", arg);
    char *a = strtok(tmp, ","), *op = strtok(NULL, ","), *v = strtok(NULL, ",");
    if (a == NULL || op == NULL || v == NULL)
        return parse_fail(pc, "stream_size needs 'side,operator,value'");
    static const char *const sides[] = { "server", "client", "both", "either" };
    struct detect_stream_size *ss = calloc(1, sizeof(*ss));
    if (ss == NULL)
        return parse_fail(pc, "out of memory");
    int which = -1;
    while (isspace((unsigned char)*a))
        a++;
    for (int i = 0; i < 4; i++)
        if (strncmp(a, sides[i], strlen(sides[i])) == 0)
            which = i;
    char expr[96];
    while (isspace((unsigned char)*op))
        op++;
    while (isspace((unsigned char)*v))
        v++;
    const char *opn = op;
    if (strncmp(op, "!=", 2) == 0)
        opn = "!";
    else if (strncmp(op, "=", 1) == 0)
        opn = "";
    snprintf(expr, sizeof(expr), "%s%s", opn, v);
    for (char *q = expr; *q; q++)
        if (isspace((unsigned char)*q))
            *q = '\0';
    if (which < 0 || !detect_num_parse(expr, UINT32_MAX, &ss->n)) {
        free(ss);
        return parse_fail(pc, "invalid stream_size '%s'", arg);
    }
    ss->which = (uint8_t)which;
    return add_match(pc, SM_STREAM_SIZE, ss);
}

static int kw_decode_event(struct parse_ctx *pc, const char *arg)
{
    enum decode_event ev = decode_event_by_name(arg);
    if (ev == DECODE_EV_NONE)
        return parse_fail(pc, "unknown decoder event '%s'", arg);
    struct detect_num *n = calloc(1, sizeof(*n));
    if (n != NULL)
        n->a = ev;
    return add_match(pc, SM_DECODE_EVENT, n);
}

static int kw_app_layer_event(struct parse_ctx *pc, const char *arg)
{
    int ev = applayer_event_by_name(arg);
    if (ev <= 0)
        return parse_fail(pc, "unknown app-layer event '%s'", arg);
    struct detect_num *n = calloc(1, sizeof(*n));
    if (n != NULL)
        n->a = (uint64_t)ev;
    return add_match(pc, SM_APP_EVENT, n);
}

/* ---------------------------------------------------------------------------------- */
/* threshold / detection_filter                                                       */
/* ---------------------------------------------------------------------------------- */

int detect_threshold_parse(const char *arg, bool filter, struct detect_threshold *th,
                           char err[CANH_ERRBUF_SIZE]);

static int kw_threshold(struct parse_ctx *pc, const char *arg)
{
    if (pc->has_threshold)
        return parse_fail(pc, "threshold and detection_filter: only one per rule");
    char e[CANH_ERRBUF_SIZE];
    if (detect_threshold_parse(arg, false, &pc->s->th, e) != CANH_OK)
        return parse_fail(pc, "threshold: %s", e);
    pc->has_threshold = true;
    return CANH_OK;
}

static int kw_detection_filter(struct parse_ctx *pc, const char *arg)
{
    if (pc->has_threshold)
        return parse_fail(pc, "threshold and detection_filter: only one per rule");
    char e[CANH_ERRBUF_SIZE];
    if (detect_threshold_parse(arg, true, &pc->s->th, e) != CANH_OK)
        return parse_fail(pc, "detection_filter: %s", e);
    pc->has_threshold = true;
    return CANH_OK;
}

static int kw_tag(struct parse_ctx *pc, const char *arg)
{
    return CANH_OK; /* tagging extra packets is not done; the alert itself is written */
}

/* ---------------------------------------------------------------------------------- */
/* Table                                                                              */
/* ---------------------------------------------------------------------------------- */

#define Q KW_STRIP_QUOTES
const struct detect_keyword detect_keywords[] = {
    { "msg", kw_msg, Q },
    { "sid", kw_sid, 0 },
    { "rev", kw_rev, 0 },
    { "gid", kw_gid, 0 },
    { "priority", kw_priority, 0 },
    { "classtype", kw_classtype, 0 },
    { "reference", kw_reference, 0 },
    { "metadata", kw_metadata, 0 },
    { "target", kw_target, 0 },
    { "noalert", kw_noalert, KW_NOOPT },
    { "content", kw_content, KW_NEGATION | Q },
    { "uricontent", kw_uricontent, KW_NEGATION | Q },
    { "nocase", kw_nocase, KW_NOOPT },
    { "depth", kw_depth, 0 },
    { "offset", kw_offset, 0 },
    { "distance", kw_distance, 0 },
    { "within", kw_within, 0 },
    { "startswith", kw_startswith, KW_NOOPT },
    { "endswith", kw_endswith, KW_NOOPT },
    { "fast_pattern", kw_fast_pattern, KW_OPTIONAL },
    { "rawbytes", kw_rawbytes, KW_NOOPT },
    { "pkt_data", kw_pkt_data, KW_NOOPT },
    { "dotprefix", kw_dotprefix, KW_NOOPT },
    { "to_lowercase", kw_to_lowercase, KW_NOOPT },
    { "to_uppercase", kw_to_uppercase, KW_NOOPT },
    { "strip_whitespace", kw_strip_whitespace, KW_NOOPT },
    { "compress_whitespace", kw_compress_whitespace, KW_NOOPT },
    { "url_decode", kw_url_decode, KW_NOOPT },
    { "to_md5", kw_to_md5, KW_NOOPT },
    { "to_sha1", kw_to_sha1, KW_NOOPT },
    { "to_sha256", kw_to_sha256, KW_NOOPT },
    { "header_lowercase", kw_header_lowercase, KW_NOOPT },
    { "strip_pseudo_headers", kw_strip_pseudo_headers, KW_NOOPT },
    { "bsize", kw_bsize, 0 },
    { "urilen", kw_urilen, 0 },
    { "isdataat", kw_isdataat, 0 },
    { "pcre", kw_pcre, KW_NEGATION },
    { "byte_test", kw_byte_test, 0 },
    { "byte_jump", kw_byte_jump, 0 },
    { "byte_extract", kw_byte_extract, 0 },
    { "byte_math", kw_byte_math, 0 },
    { "dsize", kw_dsize, 0 },
    { "ttl", kw_ttl, 0 },
    { "itype", kw_itype, 0 },
    { "icode", kw_icode, 0 },
    { "icmp_id", kw_icmp_id, 0 },
    { "icmp_seq", kw_icmp_seq, 0 },
    { "seq", kw_seq, 0 },
    { "ack", kw_ack, 0 },
    { "window", kw_window, 0 },
    { "id", kw_id, 0 },
    { "ip_proto", kw_ip_proto, 0 },
    { "sameip", kw_sameip, KW_NOOPT },
    { "flags", kw_flags, 0 },
    { "fragbits", kw_fragbits, 0 },
    { "flow", kw_flow, 0 },
    { "flowbits", kw_flowbits, 0 },
    { "flowint", kw_flowint, 0 },
    { "app-layer-protocol", kw_app_layer_protocol, KW_NEGATION },
    { "stream_size", kw_stream_size, 0 },
    { "decode-event", kw_decode_event, 0 },
    { "app-layer-event", kw_app_layer_event, 0 },
    { "threshold", kw_threshold, 0 },
    { "detection_filter", kw_detection_filter, 0 },
    { "tag", kw_tag, 0 },
    { "replace", kw_ignored, Q },
    { "requires", kw_ignored, 0 },
};
#undef Q
const unsigned detect_nkeywords = ARRAY_SIZE(detect_keywords);

/* Sticky buffers and legacy modifiers come from the buffer table. */
static int kw_sticky_dispatch(struct parse_ctx *pc, int buf, bool legacy, const char *name)
{
    return legacy ? legacy_modifier(pc, buf, name) : sticky(pc, buf);
}

const struct detect_keyword *detect_keyword_get(const char *name)
{
    for (unsigned i = 0; i < detect_nkeywords; i++)
        if (strcasecmp(detect_keywords[i].name, name) == 0)
            return &detect_keywords[i];
    return NULL;
}

/* Called by detect-parse.c for names not in the table. */
int detect_keyword_buffer(struct parse_ctx *pc, const char *name, const char *val)
{
    int b = detect_buffer_by_name(name, false);
    bool legacy = false;
    if (b < 0) {
        b = detect_buffer_by_name(name, true);
        legacy = true;
    }
    if (b < 0)
        return 1; /* not a buffer keyword */
    if (val != NULL && *val != '\0')
        return parse_fail(pc, "keyword '%s' takes no value", name);
    return kw_sticky_dispatch(pc, b, legacy, name);
}

/* ---------------------------------------------------------------------------------- */
/* Match element helpers                                                              */
/* ---------------------------------------------------------------------------------- */

bool detect_sm_relative(const struct sm *m)
{
    switch (m->type) {
    case SM_CONTENT:
        return (((const struct detect_content *)m->ctx)->flags & (CT_DISTANCE | CT_WITHIN)) != 0;
    case SM_PCRE:
        return detect_pcre_is_relative(m->ctx);
    case SM_BYTE_TEST: case SM_BYTE_JUMP: case SM_BYTE_EXTRACT: case SM_BYTE_MATH:
    case SM_ISDATAAT:
        return detect_byte_is_relative(m->ctx);
    default:
        return false;
    }
}

void detect_sm_free(struct sm *sm)
{
    switch (sm->type) {
    case SM_CONTENT: {
        struct detect_content *c = sm->ctx;
        if (c != NULL) {
            spm_free(c->spm);
            free(c->pat);
        }
        free(c);
        break;
    }
    case SM_PCRE:
        detect_pcre_free(sm->ctx);
        break;
    case SM_BYTE_TEST: case SM_BYTE_JUMP: case SM_BYTE_EXTRACT: case SM_BYTE_MATH:
    case SM_ISDATAAT:
        detect_byte_free(sm->ctx);
        break;
    default:
        free(sm->ctx);
        break;
    }
    sm->ctx = NULL;
}
