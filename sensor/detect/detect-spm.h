/* Single-pattern search for the rule engine's content checks.
 *
 * One struct spm per content, built once at rule load, then read-only and shared by
 * every worker thread. spm_find() looks for the pattern in a window of a buffer (the
 * engine computes the window from offset/depth/distance/within), exactly or without
 * regard to ASCII case (only A-Z/a-z fold, as Suricata's nocase; bytes >= 0x80 are
 * compared as they are).
 *
 * Method: a one-byte exact pattern (or a nocase one that is not a letter) is memchr().
 * Anything longer is the "two-byte filter" search: for 16 candidate positions at once
 * (SSE2; 32 with AVX2 when the CPU has it, chosen by spm_new), the bytes at two chosen
 * pattern positions are compared with the pattern's, and only positions where both
 * agree are compared in full. The two positions are the
 * pattern's rarest bytes by a static table of byte frequencies in network payloads, so
 * common bytes (NUL, space, digits, 'e') rarely make candidates. No per-pattern shift
 * table: an spm costs its pattern plus 24 bytes. Worst case (a periodic pattern made of
 * its two filter bytes over data made of them) is O(window x pattern length) compares. */
#ifndef CANH_DETECT_SPM_H
#define CANH_DETECT_SPM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Bytes of one pattern: content lengths in Suricata are 16-bit. */
#define SPM_PATTERN_MAX 65535u

struct spm;

/* Precompiles 'pat' ('len' bytes, any values; copied) for search, case-sensitive or
 * not. An empty pattern is found at the start of any window. Returns NULL when out of
 * memory or 'len' > SPM_PATTERN_MAX. */
struct spm *spm_new(const uint8_t *pat, uint32_t len, bool nocase);

/* Accepts NULL. */
void spm_free(struct spm *s);

/* Offset in 'data' of the first occurrence that starts at or after 'start' and ends at
 * or before 'end' (it lies wholly in data[start, end)), or -1 when there is none or
 * 'start' > 'end'. Reads only data[start, end). */
int64_t spm_find(const struct spm *s, const uint8_t *data, uint32_t start, uint32_t end);

/* The pattern's length. */
uint32_t spm_len(const struct spm *s);

/* Bytes held by 's' (for the load report). */
size_t spm_memuse(const struct spm *s);

#endif
