/* Content inspection of one buffer by one list of match elements (detect-inspect.c). */
#ifndef CANH_DETECT_INSPECT_H
#define CANH_DETECT_INSPECT_H

#include "detect/detect-int.h"

struct detect_pcre_thread;
struct detect_captures;

struct inspect_ctx {
    const uint8_t *buf;
    uint32_t len;
    uint32_t cursor;             /* end of the previous match ("relative" counts from it) */
    uint32_t steps;              /* backtracking steps taken */
    uint64_t stream_start;       /* stream offset of buf[0] (bsize on streams) */
    bool stop;                   /* no other occurrence can make the list match */
    bool limited;                /* stopped by DETECT_RECURSION_LIMIT */
    uint64_t vars[DETECT_MAX_BYTEVARS];
    struct detect_pcre_thread *pcre_thread;
    struct detect_captures *captures; /* pcre captures for flow/packet variables, or NULL */
};

/* Does list 'l' match buffer [buf, buf+len)? 'ic' carries the worker's pcre state and
 * the rule's byte variables (kept across the rule's buffers, as Suricata does). */
bool detect_inspect_buffer(struct inspect_ctx *ic, const struct sm_list *l, const uint8_t *buf,
                           uint32_t len);

#endif
