/* Multi-pattern prefilter of the rule engine, over Hyperscan's literal API.
 *
 * The engine groups its rules and builds one matcher (struct mpm) per group and buffer.
 * Each rule gives one fast pattern: a literal byte string (NUL and high bytes allowed),
 * matched exactly or without regard to ASCII case (as Suricata: only A-Z/a-z fold).
 * Scanning a buffer tells which rules' fast patterns occur in it: those rules are the
 * candidates the engine then inspects in full.
 *
 * Life cycle:
 *   load:    mpm_builder_new, mpm_builder_add (once per rule), mpm_build -> struct mpm
 *            (read-only from then on, shared by every worker thread)
 *   worker:  mpm_thread_new over every mpm the engine built (one Hyperscan scratch sized
 *            for all of them, and the candidate set)
 *   packet:  mpm_scan (any number of buffers and mpms), mpm_candidates, mpm_thread_reset
 *
 * Ids are the caller's (rule numbers); the candidate set holds each id at most once
 * until it is reset, and mpm_candidates() gives them in ascending order.
 *
 * Hyperscan needs SSSE3 on x86-64: mpm_platform_check() says so at start-up, and
 * mpm_build() checks it too. */
#ifndef CANH_DETECT_MPM_H
#define CANH_DETECT_MPM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/util-common.h"

/* Unique patterns in one matcher. ET Open's ~25,000 rules put at most ~10,000 fast
 * patterns in one group; Hyperscan compiles 10,000 literals in well under a second, and
 * its compile time grows faster than linearly, so a group 100x larger is a mistake in
 * the grouping rather than a rule set. */
#define MPM_MAX_PATTERNS (1u << 20)
/* Bytes of one pattern: content lengths in Suricata are 16-bit. */
#define MPM_PATTERN_MAX 65535u
/* Hyperscan 5.4 refuses literals longer than this ("Pattern length exceeds limit"):
 * longer patterns are cut to their first MPM_LITERAL_MAX bytes. The prefilter then
 * finds a superset of the rules, which the engine's full content check sorts out. */
#define MPM_LITERAL_MAX 16000u
/* (pattern, id) pairs added to one builder: each rule adds one; the same bound as the
 * patterns leaves room for rules that share a pattern. */
#define MPM_MAX_ENTRIES (1u << 22)
/* Largest id a thread's candidate set takes: its bitmap and id array cost ~4.1 bytes
 * per possible id per worker (64 MiB here); ET Open has ~25,000 rules. */
#define MPM_ID_MAX ((1u << 24) - 1)

struct mpm_builder;
struct mpm;
struct mpm_thread;

/* Does this CPU run Hyperscan? CANH_OK, or CANH_ERR with the reason in 'errbuf' (for
 * the sensor to print at start-up and stop). */
int mpm_platform_check(char errbuf[CANH_ERRBUF_SIZE]);

/* A new, empty builder, or NULL when out of memory. */
struct mpm_builder *mpm_builder_new(void);

/* Frees a builder that was not given to mpm_build(). Accepts NULL. */
void mpm_builder_free(struct mpm_builder *b);

/* Adds literal 'pat' (copied; 'len' bytes, any values) for id 'id'. The same pattern
 * added for several ids, or several times for one id, is one Hyperscan pattern with the
 * list of its ids. Patterns are the same when their bytes are, or, for two nocase
 * patterns, when their bytes are up to ASCII case; a nocase pattern and a case-sensitive
 * one are two patterns, unless the nocase one has no letter (then it is an exact one). An empty pattern occurs in every buffer: its ids become
 * candidates on every scan. A pattern longer than MPM_LITERAL_MAX is its prefix of that
 * length (see there).
 * Returns CANH_OK, CANH_ENOMEM, or CANH_ELIMIT when 'len' > MPM_PATTERN_MAX, 'id' >
 * MPM_ID_MAX, or the builder already holds MPM_MAX_PATTERNS patterns or
 * MPM_MAX_ENTRIES additions. The builder is unchanged on error. */
int mpm_builder_add(struct mpm_builder *b, const uint8_t *pat, uint32_t len, bool nocase,
                    uint32_t id);

/* As mpm_builder_add, for a pattern that only matters when it ends at or before byte
 * 'end' of the buffer (a content with depth, startswith, or within from the start:
 * file magic, protocol headers), and in buffers of at most 'max_len' bytes (a rule's
 * dsize); UINT32_MAX for either: no such bound. When every pattern of an mpm is
 * bounded by an end, mpm_scan reads the buffer only up to the largest; patterns for
 * buffers of at most MPM_SMALL_BUF bytes are left out of the scan of longer ones (a
 * second database, without them). */
#define MPM_SMALL_BUF 256u
int mpm_builder_add_bounded(struct mpm_builder *b, const uint8_t *pat, uint32_t len, bool nocase,
                            uint32_t end, uint32_t max_len, uint32_t id);

/* Number of distinct patterns in the builder so far. */
uint32_t mpm_builder_count(const struct mpm_builder *b);

/* Compiles the builder's patterns into one Hyperscan block-mode database (each pattern
 * reported once per scan) and frees the builder, on success or not. A builder without
 * patterns gives an mpm that matches nothing and costs nothing to scan. Returns NULL
 * with the reason in 'errbuf' (unsupported CPU, Hyperscan's compile error, out of
 * memory). */
struct mpm *mpm_build(struct mpm_builder *b, char errbuf[CANH_ERRBUF_SIZE]);

/* Accepts NULL. The mpm must outlive every thread state that scans it. */
void mpm_free(struct mpm *m);

/* Bytes held by 'm': the Hyperscan database and the id tables (for the load report). */
size_t mpm_memuse(const struct mpm *m);

/* Distinct patterns in 'm' (the empty pattern counts as one). */
uint32_t mpm_pattern_count(const struct mpm *m);

/* Length of the longest pattern in 'm' (0 when none): a buffer scanned in two parts
 * finds every occurrence when the second part starts this many bytes before the first
 * one's end. */
uint32_t mpm_max_pattern_len(const struct mpm *m);

/* Largest id in 'm', or 0 when it has none. */
uint32_t mpm_max_id(const struct mpm *m);

/* A worker's state: one Hyperscan scratch grown to serve each of the 'n' mpms in 'mpms'
 * (NULL entries are skipped), and a candidate set for ids 0..'max_id'. Every id of
 * every mpm must be <= 'max_id' (checked; the engine may pass its rule count). Returns
 * NULL with the reason in 'errbuf'. The thread state must only scan those mpms. */
struct mpm_thread *mpm_thread_new(uint32_t max_id, struct mpm *const *mpms, size_t n,
                                  char errbuf[CANH_ERRBUF_SIZE]);

/* Accepts NULL. */
void mpm_thread_free(struct mpm_thread *t);

/* Bytes held by 't': the Hyperscan scratch and the candidate set. */
size_t mpm_thread_memuse(const struct mpm_thread *t);

/* Scans data[0, len) with 'm' and adds the ids behind every pattern found to the
 * candidate set of 't' (each id once, across scans, until mpm_thread_reset). 'm' may be
 * NULL (nothing found). Returns CANH_OK, or CANH_ERR if Hyperscan failed (an mpm that
 * was not given to mpm_thread_new). */
int mpm_scan(const struct mpm *m, struct mpm_thread *t, const uint8_t *data, uint32_t len);

/* The candidate ids in ascending order; '*n' gets their count. The array belongs to 't'
 * and is valid until the next mpm_scan or mpm_thread_reset. */
const uint32_t *mpm_candidates(struct mpm_thread *t, uint32_t *n);

/* Empties the candidate set (work proportional to the ids it holds). */
void mpm_thread_reset(struct mpm_thread *t);

#endif
