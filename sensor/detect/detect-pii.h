/* Personal-data leak scanner: finds Vietnamese citizen identity numbers (CCCD) and
 * mobile phone numbers in clear-text application data (HTTP bodies and URLs, SMTP and
 * FTP data; the caller chooses what to pass) and counts the distinct numbers per flow,
 * so that a flow carrying many of them (a leaked customer list, a bulk export) can be
 * alerted on. The module allocates nothing and keeps no state of its own: everything a
 * flow needs lives in its struct pii_result.
 *
 * Sources:
 *  - CCCD / personal identification number (số định danh cá nhân): Decree 137/2015/NĐ-CP
 *    art. 7 (12 digits: century+sex, year of birth, province of birth registration, then
 *    6 random digits), Circular 07/2016/TT-BCA art. 7 and its successor Circular
 *    59/2021/TT-BCA art. 7 and annex (century+sex codes, province codes); the province
 *    codes are those of the administrative units list, Decision 124/2004/QĐ-TTg. The
 *    Law on Identification 2023 and Decree 70/2024/NĐ-CP keep the same number. Numbers
 *    already issued keep their province code after the 2025 merger of provinces
 *    (Resolution 202/2025/QH15), so the 63 codes stay valid.
 *  - Mobile numbers: the national numbering plan (Circular 22/2014/TT-BTTTT), the 2018
 *    conversion of 11-digit numbers to 10 digits (Ministry of Information and
 *    Communications, Decision 798/QĐ-BTTTT) and the prefixes assigned since (Viettel,
 *    VinaPhone, MobiFone, Vietnamobile, Gmobile, Itel, Reddi).
 *
 * What is recognised (details and reasons in detect-pii.c):
 *  - CCCD: exactly 12 contiguous digits; province code one of the 63; birth year (from
 *    the century code and digits 5-6) within [ref_year - max_age, ref_year]. No grouped
 *    form ("001 099 012345"): the card prints the number unbroken and forms take it so,
 *    while grouped 3-3-6 digits are common in tables of other numbers. The old 9-digit
 *    CMND is NOT recognised: it has no structure to check, and 9-digit runs are
 *    everywhere (amounts, IDs).
 *  - Mobile: 0 + a current mobile prefix + 8 digits (10 digits), unbroken or grouped
 *    4-3-3, 3-3-4, 3-4-3 with one kind of separator (space, '.', '-', or '+' as a form
 *    encoded space); or 84 + the 9 digits without the 0, unbroken (11 digits) or grouped
 *    2-9, 2-3-3-3, 2-2-3-4 with space or '-' ("+84 912 345 678"). Landlines (02xx) are
 *    not recognised: they are mostly published numbers of offices, not personal data.
 *  - A number is not found when it touches a letter, digit or '_' (part of an
 *    identifier, a hash, a longer digit run), or a digit through '.' or '-' (a price
 *    "1.250.000", an IP address, a date, a version).
 *  - %XX escapes count as the character they stand for around and between digit
 *    groups, so form posts ("cccd=001099012345&sdt=%2B84912345678", "091+234+5678")
 *    and JSON ("\"cccd\":\"001099012345\"") are recognised.
 *
 * Cost: one pass over the bytes, at most four digit groups looked at from each digit run,
 * a bounded look-behind of 6 bytes: O(n) with no backtracking. A buffer is scanned up to
 * max_scan bytes, a flow up to max_flow bytes in all.
 *
 * Output: counts of distinct numbers and up to PII_SAMPLES masked samples of each kind.
 * No full number is ever written to the result's strings (see pii_scan). */
#ifndef CANH_DETECT_PII_H
#define CANH_DETECT_PII_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/util-common.h"

/* Configuration. Each knob, its default and its range (pii_conf_check):
 *   cccd       true              look for citizen identity numbers
 *   phone      true              look for mobile numbers
 *   min_count  5      1..100000  distinct numbers of one kind in a flow before
 *                                pii_result_alert reports that kind
 *   max_scan   1 MiB  1 KiB..64 MiB  bytes scanned of each buffer; the rest is skipped
 *   max_flow   16 MiB 1 KiB..4 GiB-1 bytes scanned of a flow over all its buffers
 *   ref_year   this year (UTC, when pii_conf_default runs)  0 or 2000..2399: a CCCD's
 *              birth year may not be later; 0 accepts the 20th and 21st century codes
 *              (0-3) with any year
 *   max_age    120    1..200     a CCCD's birth year may not be earlier than
 *                                ref_year - max_age */
struct pii_conf {
    bool cccd, phone;
    uint32_t min_count;
    uint32_t max_scan;
    uint32_t max_flow;
    uint16_t ref_year;
    uint16_t max_age;
};

#define PII_MIN_COUNT_DEFAULT 5
#define PII_MIN_COUNT_MAX 100000u
/* A form post or a page; a bulk dump is far past min_count within its first MiB. */
#define PII_MAX_SCAN_DEFAULT (1u << 20)
#define PII_MAX_SCAN_MIN (1u << 10)
#define PII_MAX_SCAN_MAX (64u << 20)
#define PII_MAX_FLOW_DEFAULT (16u << 20)  /* bounds the work on one long download */
#define PII_MAX_FLOW_MIN (1u << 10)
#define PII_REF_YEAR_MIN 2000
#define PII_REF_YEAR_MAX 2399             /* the last year the century codes can express */
#define PII_MAX_AGE_DEFAULT 120
#define PII_MAX_AGE_MAX 200

/* Fills 'c' with the defaults above; ref_year from the clock (UTC). */
void pii_conf_default(struct pii_conf *c);
/* CANH_OK, or CANH_ERR with "pii.<knob> = <value> is outside <min>..<max>" in errbuf. */
int pii_conf_check(const struct pii_conf *c, char errbuf[CANH_ERRBUF_SIZE]);

/* Kinds, as bits for pii_result_alert. */
enum pii_kind { PII_CCCD = 1u << 0, PII_PHONE = 1u << 1 };

/* Masked samples kept per kind: enough for an analyst to see what kind of list it is. */
#define PII_SAMPLES 3
#define PII_SAMPLE_LEN 24
#define PII_SEEN_MAX 64     /* distinct numbers remembered per flow for de-duplication (512 bytes);
                             * past it a number not remembered is counted each time it is seen,
                             * so counts can only grow too fast, never too slow, and only after
                             * 64 distinct numbers, far past any sensible min_count */

/* What pii_scan found in a flow. Zero it (pii_result_init) when the flow starts; pass it
 * to every pii_scan of the flow.
 *
 * Samples, NUL-terminated, in the order found, the first PII_SAMPLES distinct numbers:
 *   CCCD   "001*******45"  province code and the last two digits kept, 7 digits masked
 *   phone  "09******89"    national form (+84 numbers written with 0), the first two and
 *                          the last two digits kept, 6 masked
 * Unused samples are "". */
struct pii_result {
    uint32_t cccd, phone;            /* distinct numbers found in the flow */
    uint32_t cccd_hits, phone_hits;  /* every match, repeats included */
    uint64_t scanned;                /* bytes scanned */
    uint64_t skipped;                /* bytes not scanned: past max_scan or max_flow */
    char cccd_samples[PII_SAMPLES][PII_SAMPLE_LEN];
    char phone_samples[PII_SAMPLES][PII_SAMPLE_LEN];
    uint8_t alerted;                 /* pii_kind bits already returned by pii_result_alert */
    /* Internal: the de-duplication set. Each entry is a bijective 64-bit mix of the kind
     * and the number, not its digits, but it can be reversed by trying every number:
     * never log or export it. */
    uint16_t nseen;
    uint64_t seen[PII_SEEN_MAX];
};

void pii_result_init(struct pii_result *r);

/* Scans data[0..len) (at most c->max_scan bytes of it, and no more than the flow has
 * left of c->max_flow) and adds what it finds to 'r': a number already in r's set is
 * counted in *_hits only. 'data' is only read and not kept. Each buffer is scanned on
 * its own: a number cut across two buffers is not found, and the edge of a buffer
 * counts as a separator (the edge of the scanned part of a truncated buffer does not).
 * Accepts data == NULL when len == 0. */
void pii_scan(const struct pii_conf *c, const uint8_t *data, size_t len, struct pii_result *r);
/* Thread safety: pii_scan reads 'c' and writes only 'r'; one pii_conf may be shared by
 * every worker, a pii_result belongs to one flow. */

/* The kinds (PII_CCCD | PII_PHONE) whose distinct count has reached c->min_count and
 * that were not returned before for this flow; marks them returned. The caller raises
 * one alert per kind per flow from it. */
unsigned pii_result_alert(const struct pii_conf *c, struct pii_result *r);

#endif
