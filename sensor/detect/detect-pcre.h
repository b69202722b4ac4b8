/* pcre keyword: parse and evaluate. Spec: Suricata 7.0 src/detect-pcre.c (parsing, the
 * modifiers, variable captures, match limits) and detect-engine-content-inspection.c
 * (how the cursor moves and how a later failure retries the regex further on).
 *
 *   pcre:[!]"/<regex>/<modifiers>[, flow:<name>|pkt:<name>|pkt:key,pkt:value ...]"
 *
 * Modifiers: i s m x A E G (PCRE2 CASELESS, DOTALL, MULTILINE, EXTENDED, ANCHORED,
 * DOLLAR_ENDONLY, UNGREEDY), R (relative: the subject starts at the cursor, so '^' and
 * A anchor there), O (use the configured match limits instead of Suricata's defaults),
 * B (Snort's rawbytes: accepted, no effect), and the buffer modifiers U I P Q H D M C S
 * Y V W Z (at most one; see enum detect_pcre_buf). As in Suricata, plain (...) groups
 * do not capture unless a "flow:"/"pkt:" suffix names them or the regex refers back to
 * one.
 *
 * Variables: a named group (?P<flow_NAME>...) or (?P<pkt_NAME>...), or the suffix forms,
 * stores what it captured in a flow or packet variable when the rule matches (Suricata
 * logs them in the alert's metadata.flowvars / pktvars). The n-th variable takes the
 * n-th capturing group, as in Suricata. detect_pcre_exec() reports them through a
 * struct detect_captures.
 *
 * Threading: a struct detect_pcre is compiled once at load (JIT when PCRE2 has it) and
 * is read-only after; each worker has a struct detect_pcre_thread (match data sized for
 * the rule set's largest pattern, JIT stack, match context). */
#ifndef CANH_DETECT_PCRE_H
#define CANH_DETECT_PCRE_H

#include <stdbool.h>
#include <stdint.h>

#include "util/util-common.h"

/* Suricata's defaults for pcre.match-limit and pcre.match-limit-recursion: bound the
 * backtracking of one pcre2_match (a regex that exceeds them does not match). */
#define DETECT_PCRE_MATCH_LIMIT_DEFAULT 3500
#define DETECT_PCRE_RECURSION_LIMIT_DEFAULT 1500
/* Variables one pcre may capture (Suricata's DETECT_PCRE_CAPTURE_MAX). */
#define DETECT_PCRE_CAPTURE_MAX 8
/* Captures kept for one rule evaluation: two full pcre keywords; more are counted in
 * 'dropped' (a rule with three capturing pcre keywords is not known to exist). */
#define DETECT_CAPTURES_MAX 16
/* Bytes kept of a captured value (Suricata stores at most 0xffff) and of a pkt:key. */
#define DETECT_CAPTURE_VALUE_MAX 0xffff
#define DETECT_CAPTURE_KEY_MAX 0xff
/* The JIT stack: 32 KiB, the block PCRE2's JIT uses when none is given, which is what
 * Suricata 7 runs with, so the same patterns run out of stack in both. */
#define DETECT_PCRE_JIT_STACK (32 * 1024)

/* The buffer a modifier selects (Suricata's buffer names in comments; the engine maps
 * them to its own ids, e.g. through detect_pcre_buffer_name()). */
enum detect_pcre_buf {
    DETECT_PCRE_BUF_NONE = -1,    /* no buffer modifier: the sticky buffer or the payload */
    DETECT_PCRE_BUF_URI = 0,      /* U  http_uri (normalised) */
    DETECT_PCRE_BUF_URI_RAW,      /* I  http_raw_uri */
    DETECT_PCRE_BUF_REQUEST_BODY, /* P  http_client_body */
    DETECT_PCRE_BUF_FILE_DATA,    /* Q  file_data (response body) */
    DETECT_PCRE_BUF_HEADER,       /* H  http_header (normalised) */
    DETECT_PCRE_BUF_HEADER_RAW,   /* D  http_raw_header */
    DETECT_PCRE_BUF_METHOD,       /* M  http_method */
    DETECT_PCRE_BUF_COOKIE,       /* C  http_cookie */
    DETECT_PCRE_BUF_STAT_CODE,    /* S  http_stat_code */
    DETECT_PCRE_BUF_STAT_MSG,     /* Y  http_stat_msg */
    DETECT_PCRE_BUF_USER_AGENT,   /* V  http_user_agent */
    DETECT_PCRE_BUF_HOST,         /* W  http_host (normalised: lower case) */
    DETECT_PCRE_BUF_HOST_RAW,     /* Z  http_raw_host */
    DETECT_PCRE_BUF_MAX
};

/* Limits for patterns with the O modifier (Suricata's pcre.match-limit and
 * pcre.match-limit-recursion; both default to the values above; UINT32_MAX is no limit,
 * as Suricata's -1; 0 makes every O pattern fail), and a switch to keep PCRE2's JIT off
 * (for tests and for systems that forbid executable memory). Without a conf, O patterns
 * get the defaults too, as in Suricata with pcre.match-limit unset. The JIT ignores the
 * recursion limit (PCRE2's rule). */
struct detect_pcre_conf {
    uint32_t match_limit;
    uint32_t match_limit_recursion;
    bool no_jit;
};

struct detect_pcre;
struct detect_pcre_thread;

/* A variable captured by a pcre, reported by detect_pcre_exec(). */
enum detect_capture_kind {
    DETECT_CAPTURE_PKT = 1, /* packet variable 'name' */
    DETECT_CAPTURE_FLOW,    /* flow variable 'name' */
    DETECT_CAPTURE_PKT_KV,  /* packet variable whose name was captured too (pkt:key) */
};

struct detect_capture {
    uint8_t kind;            /* enum detect_capture_kind */
    const char *name;        /* PKT/FLOW: the variable's name, NUL-terminated, owned by
                                the struct detect_pcre; PKT_KV: the captured key, in the
                                inspected buffer (not NUL-terminated) */
    uint32_t name_len;
    const uint8_t *value;    /* in the inspected buffer */
    uint32_t value_len;      /* <= DETECT_CAPTURE_VALUE_MAX */
};

/* Captures of one rule evaluation. The engine clears it (n = 0) before evaluating a
 * rule and, when the rule matches, copies the values out before the buffer goes away.
 * A capture of a flow/packet variable already present replaces it (a later occurrence
 * tried by the content inspection overwrites the earlier one, as in Suricata). */
struct detect_captures {
    uint32_t n;
    uint32_t dropped;        /* captures that did not fit */
    struct detect_capture v[DETECT_CAPTURES_MAX];
};

/* Per-worker counters. */
struct detect_pcre_stats {
    uint64_t match_limit;    /* pcre2_match stopped by the match, depth, heap or JIT
                                stack limit (the regex is taken as not matching) */
    uint64_t errors;         /* other pcre2_match errors */
};

/* ---------------------------------------------------------------------------------- */
/* Loading                                                                            */
/* ---------------------------------------------------------------------------------- */

/* Parses and compiles the value of a pcre keyword: '"/regex/flags"', quoted or not,
 * with the capture suffix if any; a leading '!' is taken as negation as well as
 * 'negated' (the rule parser's). 'conf' may be NULL (Suricata's defaults, JIT on).
 * Returns the keyword (free with detect_pcre_free), or NULL with errbuf naming what is
 * wrong ("pcre: unknown modifier 'F'", PCRE2's compile error with its offset, ...). */
struct detect_pcre *detect_pcre_parse_conf(const char *arg, bool negated,
                                           const struct detect_pcre_conf *conf,
                                           char errbuf[CANH_ERRBUF_SIZE]);
/* The same with conf NULL. */
struct detect_pcre *detect_pcre_parse(const char *arg, bool negated,
                                      char errbuf[CANH_ERRBUF_SIZE]);
/* Frees a keyword; NULL is accepted. */
void detect_pcre_free(struct detect_pcre *p);

bool detect_pcre_is_relative(const struct detect_pcre *p);
bool detect_pcre_is_negated(const struct detect_pcre *p);
/* Was the pattern compiled by the JIT? */
bool detect_pcre_is_jit(const struct detect_pcre *p);
/* The buffer its modifiers select: an enum detect_pcre_buf value, DETECT_PCRE_BUF_NONE
 * (-1) when none. */
int detect_pcre_buffer(const struct detect_pcre *p);
/* Suricata's name of a buffer ("http_uri", "file_data", ...), or NULL. */
const char *detect_pcre_buffer_name(int buf);
/* The regex between the slashes, as written. */
const char *detect_pcre_regex(const struct detect_pcre *p);
/* Number of flow/packet variables the pcre captures (0..DETECT_PCRE_CAPTURE_MAX). */
unsigned detect_pcre_ncaptures(const struct detect_pcre *p);
/* Offset pairs the pattern's match data needs (its capturing groups + 1): give
 * detect_pcre_thread_new() the largest over the rule set. */
uint32_t detect_pcre_pairs(const struct detect_pcre *p);

/* A literal that every subject the regex matches contains, for prefiltering rules whose
 * only pattern is the pcre: the longest run of plain characters outside any group,
 * class or quantified atom, when the regex has no top-level alternation, no inline
 * option and no x modifier (conservative: nothing when unsure). Writes up to 'cap'
 * bytes into 'out' and returns the length (0: none); *nocase is set when the regex is
 * caseless (i), and the literal must then be matched without case. A negated pcre
 * requires nothing: 0. */
uint32_t detect_pcre_required_literal(const struct detect_pcre *p, uint8_t *out, uint32_t cap,
                                      bool *nocase);

/* ---------------------------------------------------------------------------------- */
/* Per worker                                                                         */
/* ---------------------------------------------------------------------------------- */

/* Match state for one worker: match data of 'max_pairs' offset pairs (see
 * detect_pcre_pairs(); at least 1), a JIT stack and a match context. Returns NULL with
 * errbuf set when memory is short. */
struct detect_pcre_thread *detect_pcre_thread_new(uint32_t max_pairs,
                                                  char errbuf[CANH_ERRBUF_SIZE]);
/* Frees the state; NULL is accepted. */
void detect_pcre_thread_free(struct detect_pcre_thread *t);
const struct detect_pcre_stats *detect_pcre_thread_stats(const struct detect_pcre_thread *t);

/* Runs the regex once over the buffer [buf, buf + len), as Suricata's
 * DetectPcrePayloadMatch: the subject starts at 'cursor' for a relative pcre (at 0
 * otherwise); the search starts at absolute offset 'start' when it is past the
 * subject's start (Suricata's pcre_match_start_offset: the previous match's start + 1
 * when the content inspection looks for another occurrence), else at the subject's
 * start. Negation is not applied here (see detect_pcre_match()).
 * Returns 1 when the regex matched: *mstart and *mend get the absolute offsets of the
 * match, and, for a pcre that is not negated, its variables are added to 'caps' (may be
 * NULL); 0 when it did not; -1 when pcre2_match failed (match limit, ...: counted).
 * Captured values point into 'buf'. */
int detect_pcre_exec(const struct detect_pcre *p, struct detect_pcre_thread *t,
                     const uint8_t *buf, uint32_t len, uint32_t cursor, uint32_t start,
                     uint32_t *mstart, uint32_t *mend, struct detect_captures *caps);

/* One evaluation of the keyword with Suricata's semantics: *cursor is the cursor,
 * *retry Suricata's pcre_match_start_offset (0 the first time). Returns 1 when the
 * keyword matches: for a pcre that is not negated *cursor moves to the end of the match
 * and *retry to its start + 1 (where the next occurrence is searched from when the
 * elements after it fail); a negated pcre matches when the regex does not, and moves
 * nothing. Returns 0 otherwise, also when pcre2_match failed (limit) even if negated. */
int detect_pcre_match(const struct detect_pcre *p, struct detect_pcre_thread *t,
                      const uint8_t *buf, uint32_t len, uint32_t *cursor, uint32_t *retry,
                      struct detect_captures *caps);

#endif
