/* Content inspection: runs one list of content-like match elements (content, pcre,
 * byte_*, isdataat, bsize, urilen) over one buffer, with Suricata's semantics
 * (src/detect-engine-content-inspection.c): a cursor at the end of the previous match,
 * relative elements placed from it, and backtracking — when the elements after a
 * content or pcre fail and depend on it, the next occurrence is tried — bounded by
 * DETECT_RECURSION_LIMIT steps. */
#include "detect/detect-inspect.h"

#include <string.h>

#include "detect/detect-byte.h"
#include "detect/detect-pcre.h"
#include "detect/detect-spm.h"

static int inspect(struct inspect_ctx *ic, const struct sm *v, unsigned n);

/* Continue with the rest of the list, or report a match when this was the last. */
static inline int next(struct inspect_ctx *ic, const struct sm *v, unsigned n)
{
    return n > 1 ? inspect(ic, v + 1, n - 1) : 1;
}

/* spm_find from 'start' to the end of the buffer, through the element's memo. */
static int64_t find_to_end(struct inspect_ctx *ic, unsigned i, const struct detect_content *c,
                           uint32_t start)
{
    struct inspect_memo *m = &ic->memo[i];
    uint32_t from = start;
    if (start >= m->lo && start <= m->hi && m->hi != m->lo) {
        /* known up to hi: the first remembered occurrence at or after start */
        uint32_t a = 0, b = m->np;
        while (a < b) {
            uint32_t mid = (a + b) / 2;
            if (m->pos[mid] < start)
                a = mid + 1;
            else
                b = mid;
        }
        if (a < m->np)
            return m->pos[a];
        if (m->hi >= ic->len)
            return -1;
        from = m->hi; /* search on from where the memo ends, and extend it */
    } else if (m->hi != m->lo) {
        return spm_find(c->spm, ic->buf, start, ic->len); /* outside: not remembered */
    } else {
        m->lo = m->hi = start;
    }
    int64_t found = spm_find(c->spm, ic->buf, from, ic->len);
    if (found < 0) {
        m->hi = ic->len;
    } else if (m->np < INSPECT_MEMO_POS) {
        m->pos[m->np++] = (uint32_t)found;
        m->hi = (uint32_t)found + 1;
    }
    return found;
}

static inline uint32_t fail_slot(uint32_t idx, uint32_t cursor)
{
    return ((cursor * 2654435761u) ^ (idx * 40503u)) & (INSPECT_FAILS - 1);
}

/* inspect(v, n) from the current cursor, for backtracking: through the failure memo. */
static int inspect_rest(struct inspect_ctx *ic, const struct sm *v, unsigned n)
{
    if (!ic->fails_on)
        return inspect(ic, v, n);
    uint32_t idx = (uint32_t)(v - ic->base), cursor = ic->cursor;
    uint32_t h = fail_slot(idx, cursor);
    for (uint32_t k = 0; k < INSPECT_FAILS; k++) {
        const struct inspect_fail *e = &ic->fails[(h + k) & (INSPECT_FAILS - 1)];
        if (e->gen != ic->fails_gen)
            break;
        if (e->idx == idx && e->cursor == cursor) {
            ic->steps += e->steps;
            if (ic->steps >= DETECT_RECURSION_LIMIT) {
                ic->steps = DETECT_RECURSION_LIMIT; /* where the run itself would stop */
                ic->stop = true;
                ic->limited = true;
            }
            return 0;
        }
    }
    uint32_t steps = ic->steps;
    int r = inspect(ic, v, n);
    if (r == 0 && !ic->stop && ic->fails_n < INSPECT_FAILS / 2) {
        uint32_t k = h;
        while (ic->fails[k].gen == ic->fails_gen)
            k = (k + 1) & (INSPECT_FAILS - 1);
        ic->fails[k] = (struct inspect_fail){ ic->fails_gen, idx, cursor, ic->steps - steps };
        ic->fails_n++;
    }
    return r;
}

static int inspect_content(struct inspect_ctx *ic, const struct sm *v, unsigned n)
{
    const struct detect_content *c = v->ctx;
    const uint32_t len = ic->len;
    uint32_t prev_cursor = ic->cursor;
    uint32_t prev_offset = 0; /* where to look again after a failed continuation */
    for (;;) {
        uint32_t offset, depth;
        if (c->flags & (CT_DISTANCE | CT_WITHIN)) {
            offset = prev_cursor;
            depth = len;
            if (c->flags & CT_DISTANCE) {
                int64_t d = (c->flags & CT_DISTANCE_VAR) ? (int64_t)ic->vars[c->distance]
                                                          : c->distance;
                if (d < 0 && (uint64_t)(-d) > offset)
                    offset = 0;
                else
                    offset = (uint32_t)((int64_t)offset + d);
            }
            if (c->flags & CT_WITHIN) {
                int64_t w = (c->flags & CT_WITHIN_VAR) ? (int64_t)ic->vars[c->within] : c->within;
                int64_t d = 0;
                if (c->flags & CT_DISTANCE)
                    d = (c->flags & CT_DISTANCE_VAR) ? (int64_t)ic->vars[c->distance] : c->distance;
                int64_t lim = (int64_t)prev_cursor + w + d;
                if ((int64_t)depth > lim)
                    depth = lim < 0 ? 0 : (uint32_t)lim;
            }
            if (c->flags & CT_DEPTH_VAR) {
                uint64_t dv = ic->vars[c->depth] + prev_cursor;
                if (dv < depth)
                    depth = (uint32_t)dv;
            }
            if (c->flags & CT_OFFSET_VAR) {
                if (ic->vars[c->offset] > offset)
                    offset = (uint32_t)ic->vars[c->offset];
            }
        } else {
            offset = (c->flags & CT_OFFSET_VAR) ? (uint32_t)ic->vars[c->offset]
                                                 : (uint32_t)c->offset;
            depth = len;
            if (c->flags & CT_DEPTH_VAR) {
                uint64_t dv = ic->vars[c->depth];
                depth = dv > UINT32_MAX ? UINT32_MAX : (uint32_t)dv;
                depth += offset; /* a variable depth counts from the offset */
            } else if (c->flags & CT_DEPTH) {
                depth = (uint32_t)c->depth;
            }
        }
        if (prev_offset != 0)
            offset = prev_offset;
        if (depth > len)
            depth = len;

        int64_t found = -1;
        if (offset <= depth && depth != 0 && c->len <= depth - offset) {
            if (c->flags & CT_ENDSWITH) {
                if (depth >= len) {
                    /* the pattern can only be at the end */
                    uint32_t at = len - c->len;
                    if (at >= offset)
                        found = spm_find(c->spm, ic->buf, at, len);
                }
            } else if (depth == len && (size_t)(v - ic->base) < INSPECT_MEMO && !ic->memo_off) {
                found = find_to_end(ic, (unsigned)(v - ic->base), c, offset);
            } else {
                found = spm_find(c->spm, ic->buf, offset, depth);
            }
        }
        if (found < 0) {
            if (c->flags & CT_NEGATED)
                return next(ic, v, n);
            if (!(c->flags & (CT_DISTANCE | CT_WITHIN)))
                ic->stop = true; /* independent of earlier matches: no retry can help */
            return 0;
        }
        uint32_t match_end = (uint32_t)found + c->len;
        if (c->flags & CT_NEGATED) {
            if (!(c->flags & (CT_DISTANCE | CT_WITHIN)) && !(v->flags & SM_F_RELATIVE_NEXT))
                ic->stop = true;
            return 0;
        }
        ic->cursor = match_end;
        if (n == 1)
            return 1;
        if (++ic->steps >= DETECT_RECURSION_LIMIT) {
            ic->stop = true;
            ic->limited = true;
            return 0;
        }
        if (inspect_rest(ic, v + 1, n - 1) == 1)
            return 1;
        if (ic->stop)
            return 0;
        if (!(v->flags & SM_F_RELATIVE_NEXT)) {
            ic->stop = true;
            return 0;
        }
        /* Look for the next occurrence, one byte after this one's start. */
        prev_offset = (uint32_t)found + 1;
    }
}

static int inspect_pcre(struct inspect_ctx *ic, const struct sm *v, unsigned n)
{
    const struct detect_pcre *p = v->ctx;
    const uint32_t prev_cursor = ic->cursor;
    uint32_t retry = 0;
    for (;;) {
        uint32_t cur = prev_cursor;
        if (detect_pcre_match(p, ic->pcre_thread, ic->buf, ic->len, &cur, &retry, ic->captures) != 1)
            return 0;
        ic->cursor = cur;
        if (!(v->flags & SM_F_RELATIVE_NEXT) || n == 1)
            return next(ic, v, n);
        if (++ic->steps >= DETECT_RECURSION_LIMIT) {
            ic->stop = true;
            ic->limited = true;
            return 0;
        }
        if (inspect_rest(ic, v + 1, n - 1) == 1)
            return 1;
        if (ic->stop || detect_pcre_is_negated(p) || retry == 0 || retry > ic->len)
            return 0;
        ic->cursor = prev_cursor; /* look for the next occurrence from 'retry' */
    }
}

static int inspect(struct inspect_ctx *ic, const struct sm *v, unsigned n)
{
    switch (v->type) {
    case SM_CONTENT:
        return inspect_content(ic, v, n);
    case SM_PCRE:
        return inspect_pcre(ic, v, n);
    case SM_BYTE_TEST:
    case SM_BYTE_JUMP:
    case SM_BYTE_EXTRACT:
    case SM_BYTE_MATH:
    case SM_ISDATAAT: {
        int r = detect_byte_exec(v->ctx, ic->buf, ic->len, &ic->cursor, ic->vars);
        if (r <= 0)
            return 0;
        return next(ic, v, n);
    }
    case SM_BSIZE: {
        const struct detect_bsize *b = v->ctx;
        uint64_t size = (uint64_t)ic->len + ic->stream_start;
        if (!detect_num_match(&b->n, size)) {
            ic->stop = true;
            return 0;
        }
        return next(ic, v, n);
    }
    case SM_URILEN: {
        const struct detect_bsize *b = v->ctx;
        if (!detect_num_match(&b->n, ic->len > 65535 ? 65535 : ic->len)) {
            ic->stop = true;
            return 0;
        }
        return next(ic, v, n);
    }
    default:
        return 0;
    }
}

bool detect_inspect_buffer(struct inspect_ctx *ic, const struct sm_list *l, const uint8_t *buf,
                           uint32_t len)
{
    if (l->n == 0)
        return true;
    ic->buf = buf;
    ic->len = len;
    ic->cursor = 0;
    ic->steps = 0;
    ic->stop = false;
    ic->limited = false;
    ic->base = l->v;
    for (unsigned i = 0; i < INSPECT_MEMO && i < l->n; i++)
        ic->memo[i].lo = ic->memo[i].hi = ic->memo[i].np = 0;
    ic->fails_on = ic->captures == NULL && !ic->memo_off;
    for (unsigned i = 0; i < l->n && ic->fails_on; i++)
        if (l->v[i].type == SM_BYTE_EXTRACT || l->v[i].type == SM_BYTE_MATH)
            ic->fails_on = false;
    if (ic->fails_on) {
        ic->fails_n = 0;
        if (++ic->fails_gen == 0) { /* wrapped: old entries could look current */
            memset(ic->fails, 0, sizeof(ic->fails));
            ic->fails_gen = 1;
        }
    }
    if (buf == NULL) {
        /* Absent buffer: only "bsize:0"-style checks could match; Suricata does not
         * inspect absent buffers at all. */
        return false;
    }
    return inspect(ic, l->v, l->n) == 1;
}
