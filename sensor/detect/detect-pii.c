/* Personal-data leak scanner: CCCD and mobile numbers in clear text. See detect-pii.h
 * for the contract and the sources.
 *
 * Spec of what is matched:
 *
 *   CCCD (Decree 137/2015 art. 7; Circular 07/2016/TT-BCA and 59/2021/TT-BCA art. 7):
 *     PPP C YY RRRRRR   PPP  province or city of birth registration (63 codes below)
 *                       C    century and sex: 0/1 1900-1999 male/female, 2/3 2000-2099,
 *                            4/5 2100s, 6/7 2200s, 8/9 2300s
 *                       YY   last two digits of the year of birth
 *                       R    random
 *     Checked: the province code; the birth year (1900 + 100 * (C / 2) + YY) within
 *     [ref_year - max_age, ref_year]. There is no check digit, so a random 12-digit run
 *     passes about 1.5% of the time (63/1000 provinces x ~24% plausible C and YY): the
 *     per-flow min_count, not the single match, is what makes an alert mean something.
 *     Citizens whose birth was registered abroad carry a country code instead of a
 *     province code; those are not recognised.
 *
 *   Mobile (MIC numbering plan after the 2018 conversion):
 *     0 AB NNNNNNN with AB one of 32-39, 52, 55, 56, 58, 59, 70, 76-79, 81-89, 90-94,
 *     96-99; +84 / 84 drops the 0. 055 (Reddi, an MVNO since 2021) is in the list;
 *     095 (S-Fone, closed) and 080 are not.
 *
 * The scan: the buffer is walked once looking for digits. At the first digit of each run
 * a "chain" is read: up to four digit groups joined by one separator each (space, '.',
 * '-', '+'), and each form below is tried against the start of the chain. The character
 * before the run is looked at backwards (at most two characters, each 1 or 3 bytes), so
 * no state is carried between runs. A form that matches consumes its groups; otherwise
 * the walk resumes after the first run. Every byte is read a bounded number of times:
 * by the walk, and as part of at most four chains (a chain holds four groups). Runs that
 * start with neither 0 nor 84 (years, prices, counts) are passed over at once.
 *
 * Boundaries, which carry most of the false-positive control:
 *   - a letter, digit or '_' on either side: part of an identifier, hash, base64 or a
 *     longer number (13-digit millisecond timestamps, 16-digit card numbers);
 *   - a digit through '.' or '-' on either side: part of a dotted or dashed number
 *     (prices "84.900.000.000", IP addresses, dates, versions, serials);
 *   - a separator joining further digit groups by space or '+' is allowed: lists of
 *     numbers are written that way ("0912345678 0987654321");
 *   - the international grouped forms take only space or '-' ("84.900.000.000" VND is a
 *     price, not "+84 900 000 000").
 * %XX escapes are decoded where a separator or a boundary is looked for, so
 * "%2B84912345678" is preceded by '+' (not by the letter 'B'), "%20" separates groups,
 * and "0912345678%41" touches a letter. The hex digits of an escape are never part of a
 * run ("%20" before a number is a space, not the digits 20); the digits of a number are
 * taken as they stand, since nobody escapes a digit. */
#include "detect/detect-pii.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "util/util-hash.h"

/* ---------------------------------------------------------------------------------- */
/* Tables                                                                             */
/* ---------------------------------------------------------------------------------- */

/* Province codes, the last two digits (the first is always 0); Circular 59/2021 annex,
 * Decision 124/2004/QĐ-TTg. */
static const bool cccd_province[100] = {
    [1] = true,  /* Hà Nội */          [2] = true,  /* Hà Giang */
    [4] = true,  /* Cao Bằng */        [6] = true,  /* Bắc Kạn */
    [8] = true,  /* Tuyên Quang */     [10] = true, /* Lào Cai */
    [11] = true, /* Điện Biên */       [12] = true, /* Lai Châu */
    [14] = true, /* Sơn La */          [15] = true, /* Yên Bái */
    [17] = true, /* Hòa Bình */        [19] = true, /* Thái Nguyên */
    [20] = true, /* Lạng Sơn */        [22] = true, /* Quảng Ninh */
    [24] = true, /* Bắc Giang */       [25] = true, /* Phú Thọ */
    [26] = true, /* Vĩnh Phúc */       [27] = true, /* Bắc Ninh */
    [30] = true, /* Hải Dương */       [31] = true, /* Hải Phòng */
    [33] = true, /* Hưng Yên */        [34] = true, /* Thái Bình */
    [35] = true, /* Hà Nam */          [36] = true, /* Nam Định */
    [37] = true, /* Ninh Bình */       [38] = true, /* Thanh Hóa */
    [40] = true, /* Nghệ An */         [42] = true, /* Hà Tĩnh */
    [44] = true, /* Quảng Bình */      [45] = true, /* Quảng Trị */
    [46] = true, /* Thừa Thiên Huế */  [48] = true, /* Đà Nẵng */
    [49] = true, /* Quảng Nam */       [51] = true, /* Quảng Ngãi */
    [52] = true, /* Bình Định */       [54] = true, /* Phú Yên */
    [56] = true, /* Khánh Hòa */       [58] = true, /* Ninh Thuận */
    [60] = true, /* Bình Thuận */      [62] = true, /* Kon Tum */
    [64] = true, /* Gia Lai */         [66] = true, /* Đắk Lắk */
    [67] = true, /* Đắk Nông */        [68] = true, /* Lâm Đồng */
    [70] = true, /* Bình Phước */      [72] = true, /* Tây Ninh */
    [74] = true, /* Bình Dương */      [75] = true, /* Đồng Nai */
    [77] = true, /* Bà Rịa–Vũng Tàu */ [79] = true, /* TP Hồ Chí Minh */
    [80] = true, /* Long An */         [82] = true, /* Tiền Giang */
    [83] = true, /* Bến Tre */         [84] = true, /* Trà Vinh */
    [86] = true, /* Vĩnh Long */       [87] = true, /* Đồng Tháp */
    [89] = true, /* An Giang */        [91] = true, /* Kiên Giang */
    [92] = true, /* Cần Thơ */         [93] = true, /* Hậu Giang */
    [94] = true, /* Sóc Trăng */       [95] = true, /* Bạc Liêu */
    [96] = true, /* Cà Mau */
};

/* Mobile prefixes: the two digits after the leading 0. */
static const bool mobile_prefix[100] = {
    [32] = true, [33] = true, [34] = true, [35] = true, /* Viettel (was 0162-0169) */
    [36] = true, [37] = true, [38] = true, [39] = true,
    [52] = true, [56] = true, [58] = true,               /* Vietnamobile */
    [55] = true,                                         /* Reddi */
    [59] = true,                                         /* Gmobile */
    [70] = true, [76] = true, [77] = true, [78] = true,  /* MobiFone (was 012x) */
    [79] = true,
    [81] = true, [82] = true, [83] = true, [84] = true,  /* VinaPhone (was 012x) */
    [85] = true, [88] = true,
    [86] = true,                                         /* Viettel */
    [87] = true,                                         /* Itel */
    [89] = true, [90] = true, [93] = true,               /* MobiFone */
    [91] = true, [94] = true,                            /* VinaPhone */
    [92] = true,                                         /* Vietnamobile */
    [96] = true, [97] = true, [98] = true,               /* Viettel */
    [99] = true,                                         /* Gmobile */
};

/* The shapes a number may take: digit counts of the groups, the separators allowed
 * between them (one kind per number), and whether the number starts with 84. */
struct pii_form {
    enum pii_kind kind;
    uint8_t ngroups;
    uint8_t len[4];
    bool intl;
    const char *seps;
};

static const struct pii_form pii_forms[] = {
    { PII_CCCD,  1, { 12 },          false, "" },
    { PII_PHONE, 1, { 10 },          false, "" },      /* 0912345678 */
    { PII_PHONE, 3, { 4, 3, 3 },     false, " .-" },   /* 0912 345 678, 0912.345.678 */
    { PII_PHONE, 3, { 3, 3, 4 },     false, " .-" },   /* 091 234 5678 */
    { PII_PHONE, 3, { 3, 4, 3 },     false, " .-" },   /* 091 2345 678 */
    { PII_PHONE, 1, { 11 },          true,  "" },      /* 84912345678, +84912345678 */
    { PII_PHONE, 2, { 2, 9 },        true,  " -" },    /* +84 912345678 */
    { PII_PHONE, 4, { 2, 3, 3, 3 },  true,  " -" },    /* +84 912 345 678, 84-912-345-678 */
    { PII_PHONE, 4, { 2, 2, 3, 4 },  true,  " -" },    /* +84 91 234 5678 */
};

#define PII_CHAIN_MAX 4   /* the most groups any form has */
#define PII_GROUP_MAX 12  /* the most digits any group has; a longer run is no number */

/* ---------------------------------------------------------------------------------- */
/* Characters                                                                         */
/* ---------------------------------------------------------------------------------- */

/* Sentinels for "what follows a group" besides a real character. */
enum { AFTER_EDGE = -1, /* end of the buffer: a separator */
       AFTER_CUT = -2   /* end of the scanned part of a truncated buffer: unknown */ };

static inline bool is_digit(int c)
{
    return (unsigned)(c - '0') <= 9;
}

static inline bool is_alpha(int c)
{
    return (unsigned)((c | 0x20) - 'a') <= 25;
}

/* Part of an identifier: a number touching one of these is part of something longer. */
static inline bool is_ident(int c)
{
    return is_digit(c) || is_alpha(c) || c == '_';
}

static inline int hexval(uint8_t c)
{
    if (is_digit(c))
        return c - '0';
    c |= 0x20;
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

/* A separator allowed inside a grouped number, normalised ('+' is a form-encoded space),
 * or 0. */
static inline int sep_norm(int c)
{
    switch (c) {
    case ' ':
    case '+':
        return ' ';
    case '.':
    case '-':
        return c;
    default:
        return 0;
    }
}

/* The character the %XX escape in d[0..3) stands for, or -1. */
static inline int pct_decode(const uint8_t *d)
{
    int hi, lo;
    if (d[0] != '%' || (hi = hexval(d[1])) < 0 || (lo = hexval(d[2])) < 0)
        return -1;
    return hi << 4 | lo;
}

/* The character starting at d[p] (p < lim) and its width in bytes. */
static inline int char_at(const uint8_t *d, size_t lim, size_t p, size_t *width)
{
    if (d[p] == '%' && lim - p >= 3) {
        int c = pct_decode(d + p);
        if (c >= 0) {
            *width = 3;
            return c;
        }
    }
    *width = 1;
    return d[p];
}

/* The character ending just before d[p] (p > 0) and where it starts. */
static inline int char_before(const uint8_t *d, size_t p, size_t *start)
{
    if (p >= 3) {
        int c = pct_decode(d + p - 3);
        if (c >= 0) {
            *start = p - 3;
            return c;
        }
    }
    *start = p - 1;
    return d[p - 1];
}

/* If the digit at d[p] is one of the hex digits of a %XX escape, where the escape
 * starts; else SIZE_MAX. "%20" before a number must not lengthen its run: the escape is
 * a space. */
static inline size_t escape_holding(const uint8_t *d, size_t lim, size_t p)
{
    if (p >= 1 && d[p - 1] == '%' && lim - p >= 2 && hexval(d[p + 1]) >= 0)
        return p - 1;
    if (p >= 2 && d[p - 2] == '%' && hexval(d[p - 1]) >= 0)
        return p - 2;
    return SIZE_MAX;
}

/* ---------------------------------------------------------------------------------- */
/* Chains of digit groups                                                             */
/* ---------------------------------------------------------------------------------- */

struct pii_group {
    size_t end;                     /* offset after the last digit read */
    unsigned nd;                    /* digits; PII_GROUP_MAX + 1 means "longer" (not read on) */
    uint8_t d[PII_GROUP_MAX];
    int after;                      /* the character after the group, or AFTER_* */
    int join;                       /* separator (normalised) to a following digit group, or 0 */
};

/* Reads up to PII_CHAIN_MAX groups from d[p], the first digit of a run. Returns how many.
 * Stops after the first group when no enabled form starts with a group of its length
 * (bit n of 'first_lens' for n digits): most runs in text (dates, prices, counts) end
 * there. */
static unsigned chain_read(const uint8_t *d, size_t lim, bool cut, size_t p, uint32_t first_lens,
                           struct pii_group g[PII_CHAIN_MAX])
{
    unsigned k = 0;
    for (;;) {
        struct pii_group *x = &g[k++];
        x->nd = 0;
        x->after = 0;
        x->join = 0;
        while (p < lim && is_digit(d[p]) && x->nd <= PII_GROUP_MAX) {
            if (x->nd < PII_GROUP_MAX)
                x->d[x->nd] = d[p];
            x->nd++;
            p++;
        }
        x->end = p;
        if (x->nd > PII_GROUP_MAX)
            return k; /* no form holds it, nor anything joined to it */
        if (k == 1 && !(first_lens & (1u << x->nd)))
            return k;
        if (p >= lim) {
            x->after = cut ? AFTER_CUT : AFTER_EDGE;
            return k;
        }
        size_t w;
        x->after = char_at(d, lim, p, &w);
        int s = sep_norm(x->after);
        if (s != 0 && p + w < lim && is_digit(d[p + w]))
            x->join = s;
        if (x->join == 0 || k == PII_CHAIN_MAX)
            return k;
        p += w;
    }
}

/* May a number start at the run beginning at d[p]? Not if it touches an identifier
 * character, or a digit through '.' or '-'. */
static bool left_ok(const uint8_t *d, size_t p)
{
    if (p == 0)
        return true;
    size_t s1, s2;
    int c1 = char_before(d, p, &s1);
    if (is_ident(c1))
        return false;
    if ((c1 == '.' || c1 == '-') && s1 > 0 && is_digit(char_before(d, s1, &s2)))
        return false;
    return true;
}

/* Does form 'f' match the start of the chain? Copies its digits to 'out' (12 at most). */
static bool form_match(const struct pii_form *f, const struct pii_group *g, unsigned k,
                       uint8_t out[PII_GROUP_MAX], unsigned *nout)
{
    if (k < f->ngroups)
        return false;
    for (unsigned i = 0; i < f->ngroups; i++)
        if (g[i].nd != f->len[i])
            return false;
    if (f->ngroups > 1) {
        int s = g[0].join;
        if (s == 0 || strchr(f->seps, s) == NULL)
            return false;
        for (unsigned i = 1; i + 1 < f->ngroups; i++)
            if (g[i].join != s)
                return false;
    }
    const struct pii_group *last = &g[f->ngroups - 1];
    if (last->after == AFTER_CUT || (last->after >= 0 && is_ident(last->after)))
        return false;
    if (last->join == '.' || last->join == '-')
        return false;
    unsigned n = 0;
    for (unsigned i = 0; i < f->ngroups; i++) {
        memcpy(out + n, g[i].d, g[i].nd);
        n += g[i].nd;
    }
    *nout = n;
    return true;
}

/* ---------------------------------------------------------------------------------- */
/* Validation and recording                                                           */
/* ---------------------------------------------------------------------------------- */

static inline unsigned two(const uint8_t *d)
{
    return (unsigned)(d[0] - '0') * 10 + (unsigned)(d[1] - '0');
}

static uint64_t digits_value(const uint8_t *d, unsigned n)
{
    uint64_t v = 0;
    for (unsigned i = 0; i < n; i++)
        v = v * 10 + (uint64_t)(d[i] - '0');
    return v;
}

static bool cccd_valid(const struct pii_conf *c, const uint8_t d[12])
{
    if (d[0] != '0' || !cccd_province[two(d + 1)])
        return false;
    unsigned year = 1900 + 100 * (unsigned)((d[3] - '0') / 2) + two(d + 4);
    unsigned lo = 1900, hi = 2099;
    if (c->ref_year != 0) {
        hi = c->ref_year;
        lo = c->max_age < hi ? hi - c->max_age : 0;
    }
    return year >= lo && year <= hi;
}

/* Writes the national form (10 digits, leading 0) of a matched phone to 'nat'. */
static bool phone_valid(const struct pii_form *f, const uint8_t *d, uint8_t nat[10])
{
    if (f->intl) {
        if (d[0] != '8' || d[1] != '4')
            return false;
        nat[0] = '0';
        memcpy(nat + 1, d + 2, 9);
    } else {
        memcpy(nat, d, 10);
    }
    return nat[0] == '0' && mobile_prefix[two(nat + 1)];
}

/* Masked sample: 'keep_head' digits, '*' for the middle, 'keep_tail' digits. The
 * middle digits are never copied. */
static void mask(char out[PII_SAMPLE_LEN], const uint8_t *d, unsigned n, unsigned keep_head,
                 unsigned keep_tail)
{
    for (unsigned i = 0; i < n; i++)
        out[i] = (i < keep_head || i >= n - keep_tail) ? (char)d[i] : '*';
    out[n] = '\0';
}

/* Counts a number in 'r' (once per flow while the set has room). */
static void record(struct pii_result *r, enum pii_kind kind, const uint8_t *d, unsigned n)
{
    uint32_t *hits = kind == PII_CCCD ? &r->cccd_hits : &r->phone_hits;
    uint32_t *count = kind == PII_CCCD ? &r->cccd : &r->phone;
    (*hits)++;
    /* A bijective mix of (kind, value): distinct numbers never collide. */
    uint64_t key = hash_mix64(digits_value(d, n) ^ ((uint64_t)kind << 56));
    for (unsigned i = 0; i < r->nseen; i++)
        if (r->seen[i] == key)
            return;
    if (r->nseen < PII_SEEN_MAX)
        r->seen[r->nseen++] = key;
    if (*count < PII_SAMPLES) {
        if (kind == PII_CCCD)
            mask(r->cccd_samples[*count], d, n, 3, 2);
        else
            mask(r->phone_samples[*count], d, n, 2, 2);
    }
    (*count)++;
}

/* Tries every form at the run starting at d[p]; returns the offset to resume from (the
 * end of the matched groups, or of the first group). */
static size_t scan_run(const struct pii_conf *c, const uint8_t *d, size_t lim, bool cut,
                       size_t p, uint32_t first_lens, struct pii_result *r)
{
    /* Every form starts with 0 (a province code, a national mobile number) or with 84:
     * most runs in text (years, prices, counts) end here. */
    if (d[p] != '0' && (d[p] != '8' || p + 1 >= lim || d[p + 1] != '4'))
        return p + 1;
    struct pii_group g[PII_CHAIN_MAX];
    unsigned k = chain_read(d, lim, cut, p, first_lens, g);
    if (!(first_lens & (1u << g[0].nd)) || !left_ok(d, p))
        return g[0].end;
    for (size_t i = 0; i < ARRAY_SIZE(pii_forms); i++) {
        const struct pii_form *f = &pii_forms[i];
        uint8_t digits[PII_GROUP_MAX], nat[10];
        unsigned n;
        if ((f->kind == PII_CCCD && !c->cccd) || (f->kind == PII_PHONE && !c->phone))
            continue;
        if (!form_match(f, g, k, digits, &n))
            continue;
        /* The forms' first group lengths differ, so at most one form fits the shape; a
         * shape that fits but fails validation is not something else. */
        if (f->kind == PII_CCCD) {
            if (!cccd_valid(c, digits))
                break;
            record(r, PII_CCCD, digits, 12);
        } else {
            if (!phone_valid(f, digits, nat))
                break;
            record(r, PII_PHONE, nat, 10);
        }
        return g[f->ngroups - 1].end;
    }
    return g[0].end;
}

/* ---------------------------------------------------------------------------------- */
/* API                                                                                */
/* ---------------------------------------------------------------------------------- */

void pii_conf_default(struct pii_conf *c)
{
    time_t now = time(NULL);
    struct tm tm;
    memset(c, 0, sizeof(*c));
    c->cccd = true;
    c->phone = true;
    c->min_count = PII_MIN_COUNT_DEFAULT;
    c->max_scan = PII_MAX_SCAN_DEFAULT;
    c->max_flow = PII_MAX_FLOW_DEFAULT;
    c->max_age = PII_MAX_AGE_DEFAULT;
    c->ref_year = gmtime_r(&now, &tm) != NULL ? (uint16_t)(tm.tm_year + 1900) : 0;
    if (c->ref_year < PII_REF_YEAR_MIN || c->ref_year > PII_REF_YEAR_MAX)
        c->ref_year = 0; /* a clock this wrong should not decide what is a birth year */
}

int pii_conf_check(const struct pii_conf *c, char errbuf[CANH_ERRBUF_SIZE])
{
    static const struct {
        const char *name;
        size_t off;
        unsigned size;
        uint32_t min, max;
        bool zero_ok;
    } rows[] = {
        { "min-count", offsetof(struct pii_conf, min_count), 4, 1, PII_MIN_COUNT_MAX, false },
        { "max-scan", offsetof(struct pii_conf, max_scan), 4, PII_MAX_SCAN_MIN, PII_MAX_SCAN_MAX, false },
        { "max-flow", offsetof(struct pii_conf, max_flow), 4, PII_MAX_FLOW_MIN, UINT32_MAX, false },
        { "ref-year", offsetof(struct pii_conf, ref_year), 2, PII_REF_YEAR_MIN, PII_REF_YEAR_MAX, true },
        { "max-age", offsetof(struct pii_conf, max_age), 2, 1, PII_MAX_AGE_MAX, false },
    };
    for (size_t i = 0; i < ARRAY_SIZE(rows); i++) {
        uint32_t v;
        if (rows[i].size == 4) {
            memcpy(&v, (const char *)c + rows[i].off, 4);
        } else {
            uint16_t v16;
            memcpy(&v16, (const char *)c + rows[i].off, 2);
            v = v16;
        }
        if (v == 0 && rows[i].zero_ok)
            continue;
        if (v < rows[i].min || v > rows[i].max) {
            snprintf(errbuf, CANH_ERRBUF_SIZE, "pii.%s = %u is outside %u..%u%s", rows[i].name, v,
                     rows[i].min, rows[i].max, rows[i].zero_ok ? " (or 0)" : "");
            return CANH_ERR;
        }
    }
    return CANH_OK;
}

void pii_result_init(struct pii_result *r)
{
    memset(r, 0, sizeof(*r));
}

void pii_scan(const struct pii_conf *c, const uint8_t *data, size_t len, struct pii_result *r)
{
    if (c == NULL || r == NULL || len == 0 || (!c->cccd && !c->phone))
        return;
    uint64_t flow_left = c->max_flow > r->scanned ? c->max_flow - r->scanned : 0;
    size_t lim = len;
    if (lim > c->max_scan)
        lim = c->max_scan;
    if (lim > flow_left)
        lim = (size_t)flow_left;
    bool cut = lim < len;
    r->scanned += lim;
    r->skipped += len - lim;

    uint32_t first_lens = 0;
    for (size_t i = 0; i < ARRAY_SIZE(pii_forms); i++)
        if ((pii_forms[i].kind == PII_CCCD && c->cccd) || (pii_forms[i].kind == PII_PHONE && c->phone))
            first_lens |= 1u << pii_forms[i].len[0];

    size_t p = 0;
    while (p < lim) {
        while (p < lim && !is_digit(data[p]))
            p++;
        if (p == lim)
            break;
        size_t esc = escape_holding(data, lim, p);
        if (esc != SIZE_MAX) {
            p = esc + 3;
            continue;
        }
        p = scan_run(c, data, lim, cut, p, first_lens, r);
        while (p < lim && is_digit(data[p])) /* the rest of a run longer than any form */
            p++;
    }
}

unsigned pii_result_alert(const struct pii_conf *c, struct pii_result *r)
{
    uint32_t min = c->min_count != 0 ? c->min_count : 1;
    unsigned due = 0;
    if (c->cccd && r->cccd >= min)
        due |= PII_CCCD;
    if (c->phone && r->phone >= min)
        due |= PII_PHONE;
    due &= ~(unsigned)r->alerted;
    r->alerted |= (uint8_t)due;
    return due;
}
