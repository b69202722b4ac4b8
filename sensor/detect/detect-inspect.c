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
        if (inspect(ic, v + 1, n - 1) == 1)
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
        if (inspect(ic, v + 1, n - 1) == 1)
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
    if (buf == NULL) {
        /* Absent buffer: only "bsize:0"-style checks could match; Suricata does not
         * inspect absent buffers at all. */
        return false;
    }
    return inspect(ic, l->v, l->n) == 1;
}
