/* Content inspection of one buffer by one list of match elements (detect-inspect.c). */
#ifndef CANH_DETECT_INSPECT_H
#define CANH_DETECT_INSPECT_H

#include "detect/detect-int.h"

struct detect_pcre_thread;
struct detect_captures;

/* Content elements of a list whose searches are remembered (the first ones). */
#define INSPECT_MEMO 16
#define INSPECT_MEMO_POS 64 /* occurrences remembered per element */
#define INSPECT_FAILS 512    /* slots of the failure memo (a power of 2) */

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
    /* Searches that run to the end of the buffer, remembered per content element of
     * the list (the first INSPECT_MEMO): every occurrence of the element's pattern
     * that starts in [lo, hi) is in pos[0..np). Backtracking asks the same questions
     * again and again (each occurrence of an earlier content searches the rest of the
     * buffer for the next one); the memo answers them without searching, and the
     * answers are the same. */
    const struct sm *base;
    bool memo_off;               /* no memos (tests compare the two) */
    struct inspect_memo {
        uint32_t lo, hi, np;
        uint32_t pos[INSPECT_MEMO_POS];
    } memo[INSPECT_MEMO];
    /* Failures: "the elements from index i on do not match from cursor c", with the
     * steps that answer cost. Without byte variables (byte_extract, byte_math) or pcre
     * captures, the rest of a list is a function of the cursor alone, so backtracking
     * that reaches the same element at the same cursor again (every occurrence of an
     * earlier content tries every later occurrence of the next) takes the answer from
     * here, and adds the steps it cost to the count: the recursion limit stops the
     * inspection at the same point as if it had been run again. */
    bool fails_on;
    uint32_t fails_gen, fails_n;
    struct inspect_fail {
        uint32_t gen, idx, cursor, steps;
    } fails[INSPECT_FAILS];
};

/* Does list 'l' match buffer [buf, buf+len)? 'ic' carries the worker's pcre state and
 * the rule's byte variables (kept across the rule's buffers, as Suricata does). */
bool detect_inspect_buffer(struct inspect_ctx *ic, const struct sm_list *l, const uint8_t *buf,
                           uint32_t len);

#endif
