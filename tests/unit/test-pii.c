/* Unit tests for the personal-data leak scanner (sensor/detect/detect-pii.c):
 *  - CCCD: numbers of several provinces and centuries found, with their masked sample;
 *    every one of the 1000 province codes tried (exactly the 63 listed in the brief,
 *    Circular 59/2021, are accepted); the birth-year window at its edges (ref_year,
 *    ref_year - max_age, ref_year 0); 11- and 13-digit runs, timestamps, card numbers,
 *    digits inside identifiers and dotted numbers refused;
 *  - phones: every 0AB prefix tried (exactly the 36 mobile prefixes accepted); each
 *    written form (grouped, dotted, +84, 84-, %2B84, form-encoded) found; bad prefixes,
 *    landlines, mixed separators, wrong lengths refused;
 *  - masking: thousands of random numbers in every form, each sample checked byte by
 *    byte, including the bytes after its terminator;
 *  - de-duplication within a buffer, across buffers, and past the PII_SEEN_MAX set;
 *  - min_count (pii_result_alert), max_scan and max_flow (numbers at and across the
 *    limit), the configuration check;
 *  - the 20 synthetic records of the engine captures (tests/tools/mkpcap-engines.py) as
 *    JSON, form post and CSV: exactly 20 CCCD and 20 phones; their decoys: none;
 *  - 10 MB of generated benign text (words, dates, prices, order ids, IPs, timestamps,
 *    card numbers): no hit at all; then the same text with 7 CCCD and 5 phones planted
 *    twice each: exactly those; throughput printed, never asserted;
 *  - dense random text over digits and separators (no crash, invariants of the result;
 *    run under 'make check' for the sanitizers).
 * Every buffer is scanned from an exact-size heap copy, so a read past its end is caught
 * by AddressSanitizer. */
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <time.h>

#include "detect/detect-pii.h"
#include "test.h"

/* ---------------------------------------------------------------------------------- */
/* Helpers                                                                            */
/* ---------------------------------------------------------------------------------- */

/* Fixed-seed xorshift64*: every run draws the same numbers. */
static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;

static uint64_t rnd(void)
{
    uint64_t x = rng_state;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    rng_state = x;
    return x * 0x2545f4914f6cdd1dULL;
}

static unsigned rndn(unsigned n)
{
    return (unsigned)(rnd() % n);
}

static struct pii_conf test_conf(void)
{
    struct pii_conf c;
    pii_conf_default(&c);
    c.ref_year = 2026; /* the clock must not change what the tests expect */
    return c;
}

/* Scans 'len' bytes from an exact-size heap copy into 'r' (accumulating). */
static void scan_bytes(const struct pii_conf *c, const void *data, size_t len, struct pii_result *r)
{
    uint8_t *copy = malloc(len ? len : 1);
    if (copy == NULL)
        abort();
    memcpy(copy, data, len);
    pii_scan(c, copy, len, r);
    free(copy);
}

static struct pii_result scan_str(const struct pii_conf *c, const char *s)
{
    struct pii_result r;
    pii_result_init(&r);
    scan_bytes(c, s, strlen(s), &r);
    return r;
}

/* "cccd phone" counts of 's' with the test configuration, for compact checks. */
static unsigned n_cccd(const char *s)
{
    struct pii_conf c = test_conf();
    return scan_str(&c, s).cccd;
}

static unsigned n_phone(const char *s)
{
    struct pii_conf c = test_conf();
    return scan_str(&c, s).phone;
}

#define FOUND_CCCD(s, sample)                                                               \
    do {                                                                                    \
        struct pii_conf _c = test_conf();                                                   \
        struct pii_result _r = scan_str(&_c, s);                                            \
        CHECK_EQ(_r.cccd, 1);                                                               \
        CHECK_EQ(_r.phone, 0);                                                              \
        CHECK_STR(_r.cccd_samples[0], sample);                                              \
    } while (0)

#define FOUND_PHONE(s, sample)                                                              \
    do {                                                                                    \
        struct pii_conf _c = test_conf();                                                   \
        struct pii_result _r = scan_str(&_c, s);                                            \
        CHECK_EQ(_r.phone, 1);                                                              \
        CHECK_EQ(_r.cccd, 0);                                                               \
        CHECK_STR(_r.phone_samples[0], sample);                                             \
    } while (0)

#define NOT_FOUND(s)                                                                        \
    do {                                                                                    \
        struct pii_conf _c = test_conf();                                                   \
        struct pii_result _r = scan_str(&_c, s);                                            \
        CHECK_EQ(_r.cccd + _r.phone, 0);                                                    \
    } while (0)

/* ---------------------------------------------------------------------------------- */
/* CCCD                                                                               */
/* ---------------------------------------------------------------------------------- */

static void test_cccd_found(void)
{
    FOUND_CCCD("001099012345", "001*******45");                   /* Hà Nội, male 1999 */
    FOUND_CCCD("CCCD: 079185001234.", "079*******34");            /* HCM, female 1985 */
    FOUND_CCCD("so cccd 048203000777 cap ngay", "048*******77");  /* Đà Nẵng, male 2003 */
    FOUND_CCCD("096307123456", "096*******56");                   /* Cà Mau, female 2007 */
    FOUND_CCCD("\"cccd\":\"002300000001\"", "002*******01");      /* Hà Giang, 2000 */
    FOUND_CCCD("cccd=031060554433&ten=A", "031*******33");        /* Hải Phòng, 1960 */
    FOUND_CCCD("cccd%3D031060554433%26", "031*******33");
    FOUND_CCCD("cccd%3A%20031060554433%2C", "031*******33");
    FOUND_CCCD("%7B%22cccd%22%3A%22031060554433%22%7D", "031*******33"); /* JSON in a URL */
    FOUND_CCCD("q=%22031060554433%22", "031*******33");
    FOUND_CCCD("(046175000042)", "046*******42");                 /* Huế, female 1975 */
    FOUND_CCCD("<td>092226999999</td>", "092*******99");          /* Cần Thơ, 2026 */
    FOUND_CCCD("id,001099012345,x", "001*******45");              /* CSV */
    FOUND_CCCD("\r\n001099012345\r\n", "001*******45");
    FOUND_CCCD("file 001099012345.jpg", "001*******45");
    FOUND_CCCD("CCCD-001099012345", "001*******45");              /* dash after a word */
    FOUND_CCCD("số\xc2\xa0" "001099012345", "001*******45");      /* UTF-8 before */

    /* Birth-year window with ref_year 2026, max_age 120: 1906..2026. */
    CHECK_EQ(n_cccd("001226000000"), 1); /* 2026 */
    CHECK_EQ(n_cccd("001227000000"), 0); /* 2027: not born yet */
    CHECK_EQ(n_cccd("001326000000"), 1);
    CHECK_EQ(n_cccd("001399000000"), 0); /* 2099 */
    CHECK_EQ(n_cccd("001006000000"), 1); /* 1906 */
    CHECK_EQ(n_cccd("001105000000"), 0); /* 1905: older than 120 */
    CHECK_EQ(n_cccd("001400000000"), 0); /* 2100s */
    CHECK_EQ(n_cccd("001500000000"), 0);
    CHECK_EQ(n_cccd("001650000000"), 0); /* 2200s */
    CHECK_EQ(n_cccd("001799000000"), 0);
    CHECK_EQ(n_cccd("001899000000"), 0); /* 2300s (not 1800s: Circular 59/2021 art. 7) */
    CHECK_EQ(n_cccd("001999000000"), 0);

    struct pii_conf c = test_conf();
    c.ref_year = 0; /* any year of the 20th and 21st century codes */
    CHECK_EQ(scan_str(&c, "001399000000").cccd, 1);
    CHECK_EQ(scan_str(&c, "001000000000").cccd, 1);
    CHECK_EQ(scan_str(&c, "001400000000").cccd, 0);
    c = test_conf();
    c.max_age = 30; /* 1996..2026 */
    CHECK_EQ(scan_str(&c, "001096000000").cccd, 1);
    CHECK_EQ(scan_str(&c, "001095000000").cccd, 0);
    c = test_conf();
    c.cccd = false;
    CHECK_EQ(scan_str(&c, "001099012345 0912345678").cccd, 0);
    CHECK_EQ(scan_str(&c, "001099012345 0912345678").phone, 1);
}

/* Exactly the 63 codes of the brief, tried against all 1000. */
static void test_cccd_provinces(void)
{
    static const int listed[] = { 1,  2,  4,  6,  8,  10, 11, 12, 14, 15, 17, 19, 20, 22, 24, 25,
                                  26, 27, 30, 31, 33, 34, 35, 36, 37, 38, 40, 42, 44, 45, 46, 48,
                                  49, 51, 52, 54, 56, 58, 60, 62, 64, 66, 67, 68, 70, 72, 74, 75,
                                  77, 79, 80, 82, 83, 84, 86, 87, 89, 91, 92, 93, 94, 95, 96 };
    CHECK_EQ(ARRAY_SIZE(listed), 63);
    bool want[1000] = { false };
    for (size_t i = 0; i < ARRAY_SIZE(listed); i++)
        want[listed[i]] = true;
    unsigned found = 0, wrong = 0;
    for (int code = 0; code < 1000; code++) {
        char s[32];
        snprintf(s, sizeof(s), "x %03d099012345 x", code);
        unsigned n = n_cccd(s);
        found += n;
        if ((n == 1) != want[code]) {
            wrong++;
            fprintf(stderr, "province code %03d: found %u\n", code, n);
        }
    }
    CHECK_EQ(found, 63);
    CHECK_EQ(wrong, 0);
}

static void test_cccd_refused(void)
{
    NOT_FOUND("003099012345");         /* no province 003 */
    NOT_FOUND("099099012345");
    NOT_FOUND("097099012345");
    NOT_FOUND("000099012345");
    NOT_FOUND("101099012345");         /* a province code starts with 0 */
    NOT_FOUND("0010990123456");        /* 13 digits */
    NOT_FOUND("00109901234");          /* 11 digits */
    NOT_FOUND("90010990123456");
    NOT_FOUND("1700000000123");        /* millisecond timestamp */
    NOT_FOUND("ts=1700000000123&x");
    NOT_FOUND("4111111111111111");     /* card number */
    NOT_FOUND("0010990123450010");
    NOT_FOUND("4111 0010 9901 2345");
    NOT_FOUND("A001099012345");        /* inside identifiers */
    NOT_FOUND("001099012345B");
    NOT_FOUND("_001099012345");
    NOT_FOUND("001099012345_");
    NOT_FOUND("deadbeef001099012345cafe");
    NOT_FOUND("id=u001099012345");
    NOT_FOUND("1.001099012345");       /* dotted and dashed numbers */
    NOT_FOUND("001099012345.5");
    NOT_FOUND("2024-001099012345");
    NOT_FOUND("001099012345-01");
    NOT_FOUND("001 099 012345");       /* grouped: not a CCCD form (documented) */
    NOT_FOUND("001-099-012345");
    NOT_FOUND("001099012");            /* old 9-digit CMND: not recognised */
    NOT_FOUND("%41001099012345");      /* the escape's digits make a 14-digit run */
    NOT_FOUND("001099012345%41");      /* %41 is 'A' */
    NOT_FOUND("001099012345%5F");      /* '_' */
    NOT_FOUND("001099012345%2E5");     /* ".5" */
}

/* ---------------------------------------------------------------------------------- */
/* Phones                                                                             */
/* ---------------------------------------------------------------------------------- */

static void test_phone_prefixes(void)
{
    static const int listed[] = { 32, 33, 34, 35, 36, 37, 38, 39, 52, 55, 56, 58, 59, 70, 76, 77, 78, 79,
                                  81, 82, 83, 84, 85, 86, 87, 88, 89, 90, 91, 92, 93, 94, 96, 97, 98, 99 };
    bool want[100] = { false };
    for (size_t i = 0; i < ARRAY_SIZE(listed); i++)
        want[listed[i]] = true;
    unsigned found = 0, found_intl = 0, wrong = 0;
    for (int ab = 0; ab < 100; ab++) {
        char s[64];
        snprintf(s, sizeof(s), "sdt 0%02d1234567, ", ab);
        unsigned n = n_phone(s);
        snprintf(s, sizeof(s), "tel:+84%02d1234567", ab);
        unsigned ni = n_phone(s);
        found += n;
        found_intl += ni;
        if ((n == 1) != want[ab] || ni != n) {
            wrong++;
            fprintf(stderr, "mobile prefix 0%02d: found %u, +84 %u\n", ab, n, ni);
        }
    }
    CHECK_EQ(found, 36);
    CHECK_EQ(found_intl, 36);
    CHECK_EQ(wrong, 0);
}

static void test_phone_forms(void)
{
    FOUND_PHONE("0912345678", "09******78");
    FOUND_PHONE("091 234 5678", "09******78");
    FOUND_PHONE("0912 345 678", "09******78");
    FOUND_PHONE("091 2345 678", "09******78");
    FOUND_PHONE("0912.345.678", "09******78");
    FOUND_PHONE("091.234.5678", "09******78");
    FOUND_PHONE("0912-345-678", "09******78");
    FOUND_PHONE("+84912345678", "09******78");
    FOUND_PHONE("84912345678", "09******78");
    FOUND_PHONE("84-912-345-678", "09******78");
    FOUND_PHONE("+84 912 345 678", "09******78");
    FOUND_PHONE("+84 91 234 5678", "09******78");
    FOUND_PHONE("+84 912345678", "09******78");
    FOUND_PHONE("+84-912345678", "09******78");
    FOUND_PHONE("%2B84912345678", "09******78");
    FOUND_PHONE("sdt=%2B84%20912%20345%20678&a=1", "09******78");
    FOUND_PHONE("sdt=0912%2E345%2E678", "09******78");
    FOUND_PHONE("sdt%3D%200912%20345%20678", "09******78");
    FOUND_PHONE("%22phone%22%3A%22%2B84912345678%22", "09******78");
    FOUND_PHONE("sdt:%C2%A00912345678", "09******78");   /* no-break space, escaped */
    FOUND_PHONE("0912 084 123 4567", "09******23");      /* matches do not overlap */
    FOUND_PHONE("sdt=0912%2e345%2e678%26", "09******78");
    FOUND_PHONE("sdt=091+234+5678&a=1", "09******78");          /* form-encoded spaces */
    FOUND_PHONE("phone=0912345678&cccd=x", "09******78");
    FOUND_PHONE("{\"phone\":\"0912345678\"}", "09******78");
    FOUND_PHONE("ĐT: 0355.123.456", "03******56");               /* Reddi */
    FOUND_PHONE("Tel.0866123456", "08******56");
    FOUND_PHONE("0912345678@gmail.com", "09******78");
    FOUND_PHONE("<a href=\"tel:0987654321\">", "09******21");
    FOUND_PHONE("0912 345 678.", "09******78");                  /* end of sentence */

    /* Lists: each number once. */
    struct pii_conf c = test_conf();
    struct pii_result r = scan_str(&c, "0912345678 0987654321,0326111222;0912 345 678 0703 999 888");
    CHECK_EQ(r.phone, 4);
    CHECK_EQ(r.phone_hits, 5);
    CHECK_STR(r.phone_samples[0], "09******78");
    CHECK_STR(r.phone_samples[1], "09******21");
    CHECK_STR(r.phone_samples[2], "03******22");

    NOT_FOUND("0112345678");          /* no such prefix */
    NOT_FOUND("0612345678");
    NOT_FOUND("0951234567");          /* 095: closed */
    NOT_FOUND("0801234567");
    NOT_FOUND("0212345678");          /* landlines are not recognised */
    NOT_FOUND("02438234567");
    NOT_FOUND("(024) 3823 4567");
    NOT_FOUND("091234567");           /* 9 digits */
    NOT_FOUND("09123456789");         /* 11 digits */
    NOT_FOUND("840912345678");        /* 12 digits (+84 and the 0: not accepted) */
    NOT_FOUND("+8491234567");         /* 84 + 8 digits */
    NOT_FOUND("85912345678");         /* not 84 */
    NOT_FOUND("+84612345678");        /* 84 + bad prefix */
    NOT_FOUND("84.912.345.678");      /* a price, not a phone */
    NOT_FOUND("84.900.000.000 VND");
    NOT_FOUND("12.500.000.000");
    NOT_FOUND("0912.345.678.9");      /* longer dotted number */
    NOT_FOUND("1.0912345678");
    NOT_FOUND("0912345678.25");
    NOT_FOUND("2024-0912-345-678");
    NOT_FOUND("0912-345.678");        /* mixed separators */
    NOT_FOUND("0912  345  678");      /* two spaces: not one number */
    NOT_FOUND("0912 345 6789");       /* 4-3-4 */
    NOT_FOUND("09 12 34 56 78");      /* 2-2-2-2-2: not a form */
    NOT_FOUND("v0912345678");
    NOT_FOUND("0912345678abc");
    NOT_FOUND("a3f0912345678b");
    NOT_FOUND("x_84912345678");
    NOT_FOUND("0912345678%42");       /* %42 is 'B' */
    NOT_FOUND("%31%2E0912345678");    /* "1.0912345678" */
    NOT_FOUND("%310912345678");       /* "10912345678": %31 is the digit 1 */
}

/* ---------------------------------------------------------------------------------- */
/* Masking                                                                            */
/* ---------------------------------------------------------------------------------- */

/* Is 's' (in a PII_SAMPLE_LEN slot) exactly 'digits' with only the kept places shown,
 * and zeros after the terminator? */
static bool sample_ok(const char slot[PII_SAMPLE_LEN], const char *digits, unsigned head, unsigned tail)
{
    size_t n = strlen(digits);
    if (strnlen(slot, PII_SAMPLE_LEN) != n)
        return false;
    for (size_t i = 0; i < n; i++) {
        bool kept = i < head || i >= n - tail;
        if (slot[i] != (kept ? digits[i] : '*'))
            return false;
    }
    for (size_t i = n; i < PII_SAMPLE_LEN; i++)
        if (slot[i] != 0)
            return false;
    return strstr(slot, digits) == NULL;
}

static void random_cccd(char out[13])
{
    static const int prov[] = { 1, 8, 26, 38, 46, 79, 92, 96 };
    for (;;) {
        unsigned century = rndn(4);
        unsigned yy = rndn(100);
        unsigned year = 1900 + 100 * (century / 2) + yy;
        if (year < 1906 || year > 2026)
            continue;
        snprintf(out, 13, "%03d%u%02u%06u", prov[rndn(ARRAY_SIZE(prov))], century, yy,
                 (unsigned)rndn(1000000));
        return;
    }
}

static void random_phone(char out[11])
{
    static const int pre[] = { 32, 39, 55, 70, 79, 81, 86, 90, 94, 96, 99 };
    snprintf(out, 11, "0%02d%07u", pre[rndn(ARRAY_SIZE(pre))], (unsigned)rndn(10000000));
}

/* The phone 'nat' (10 digits) in a random written form. */
static void phone_form(char *out, size_t size, const char *nat)
{
    const char *n9 = nat + 1;
    switch (rndn(8)) {
    case 0: snprintf(out, size, "%s", nat); break;
    case 1: snprintf(out, size, "%.4s %.3s %.3s", nat, nat + 4, nat + 7); break;
    case 2: snprintf(out, size, "%.3s.%.3s.%.4s", nat, nat + 3, nat + 6); break;
    case 3: snprintf(out, size, "%.3s-%.4s-%.3s", nat, nat + 3, nat + 7); break;
    case 4: snprintf(out, size, "+84%s", n9); break;
    case 5: snprintf(out, size, "%%2B84%s", n9); break;
    case 6: snprintf(out, size, "+84 %.3s %.3s %.3s", n9, n9 + 3, n9 + 6); break;
    default: snprintf(out, size, "84-%.2s-%.3s-%.4s", n9, n9 + 2, n9 + 5); break;
    }
}

static void test_masking(void)
{
    struct pii_conf c = test_conf();
    unsigned bad = 0, rounds = 5000;
    for (unsigned i = 0; i < rounds; i++) {
        char id[13], ph[11], form[40], text[160];
        random_cccd(id);
        random_phone(ph);
        phone_form(form, sizeof(form), ph);
        snprintf(text, sizeof(text), "ho ten: A, cccd: %s, sdt: %s.", id, form);
        struct pii_result r = scan_str(&c, text);
        bool ok = r.cccd == 1 && r.phone == 1 && sample_ok(r.cccd_samples[0], id, 3, 2) &&
                  sample_ok(r.phone_samples[0], ph, 2, 2);
        /* The unused slots stay empty, every byte of them. */
        for (unsigned s = 1; s < PII_SAMPLES; s++)
            for (unsigned b = 0; b < PII_SAMPLE_LEN; b++)
                ok = ok && r.cccd_samples[s][b] == 0 && r.phone_samples[s][b] == 0;
        if (!ok) {
            bad++;
            if (bad < 5)
                fprintf(stderr, "masking: \"%s\" -> %u \"%s\", %u \"%s\"\n", text, r.cccd,
                        r.cccd_samples[0], r.phone, r.phone_samples[0]);
        }
    }
    CHECK_EQ(bad, 0);

    /* All three samples of a longer list: the digits shown are the kept ones only. */
    struct pii_result r = scan_str(&c, "001099012345 079185001234 048203000777 096307123456");
    CHECK_EQ(r.cccd, 4);
    CHECK(sample_ok(r.cccd_samples[0], "001099012345", 3, 2));
    CHECK(sample_ok(r.cccd_samples[1], "079185001234", 3, 2));
    CHECK(sample_ok(r.cccd_samples[2], "048203000777", 3, 2));
}

/* ---------------------------------------------------------------------------------- */
/* De-duplication, min_count, limits, configuration                                   */
/* ---------------------------------------------------------------------------------- */

static void test_dedupe(void)
{
    struct pii_conf c = test_conf();
    struct pii_result r;
    pii_result_init(&r);
    const char *page = "0912345678 +84912345678 091 234 5678 %2B84912345678 001099012345 "
                       "x 001099012345 y 0987654321";
    scan_bytes(&c, page, strlen(page), &r);
    CHECK_EQ(r.phone, 2); /* one number in four forms, and another */
    CHECK_EQ(r.phone_hits, 5);
    CHECK_EQ(r.cccd, 1);
    CHECK_EQ(r.cccd_hits, 2);
    scan_bytes(&c, page, strlen(page), &r); /* the next buffer of the flow repeats them */
    CHECK_EQ(r.phone, 2);
    CHECK_EQ(r.phone_hits, 10);
    CHECK_EQ(r.cccd, 1);
    CHECK_EQ(r.cccd_hits, 4);
    CHECK_EQ(r.nseen, 3);
    scan_bytes(&c, "079185001234", 12, &r);
    CHECK_EQ(r.cccd, 2);
    CHECK_STR(r.cccd_samples[1], "079*******34");
    CHECK_STR(r.phone_samples[1], "09******21");
    CHECK_STR(r.phone_samples[2], "");

    /* Past the set: 70 distinct numbers, then the same 70 again. The first 64 are
     * remembered; the last 6 are counted again (the documented over-count). */
    char buf[70 * 13 + 1];
    for (unsigned i = 0; i < 70; i++)
        snprintf(buf + i * 13, 14, "001099%06u ", 100000 + i);
    pii_result_init(&r);
    scan_bytes(&c, buf, strlen(buf), &r);
    CHECK_EQ(r.cccd, 70);
    CHECK_EQ(r.nseen, PII_SEEN_MAX);
    scan_bytes(&c, buf, strlen(buf), &r);
    CHECK_EQ(r.cccd, 76);
    CHECK_EQ(r.cccd_hits, 140);
    CHECK_STR(r.cccd_samples[0], "001*******00");
    CHECK_STR(r.cccd_samples[2], "001*******02");
}

static void test_min_count(void)
{
    struct pii_conf c = test_conf();
    c.min_count = 3;
    struct pii_result r;
    pii_result_init(&r);
    scan_bytes(&c, "001099012345 001099012345 079185001234", 38, &r);
    CHECK_EQ(r.cccd, 2);
    CHECK_EQ(pii_result_alert(&c, &r), 0); /* two distinct, even with three matches */
    scan_bytes(&c, "0912345678 0987654321 0326111222", 32, &r);
    CHECK_EQ(pii_result_alert(&c, &r), PII_PHONE);
    CHECK_EQ(pii_result_alert(&c, &r), 0); /* once per flow */
    scan_bytes(&c, "048203000777", 12, &r);
    CHECK_EQ(pii_result_alert(&c, &r), PII_CCCD);
    scan_bytes(&c, "096307123456 0977000111", 23, &r);
    CHECK_EQ(pii_result_alert(&c, &r), 0);
    CHECK_EQ(r.alerted, PII_CCCD | PII_PHONE);

    /* Both at once; a disabled kind never. */
    c.min_count = 1;
    pii_result_init(&r);
    scan_bytes(&c, "001099012345 0912345678", 23, &r);
    CHECK_EQ(pii_result_alert(&c, &r), PII_CCCD | PII_PHONE);
    c.phone = false;
    pii_result_init(&r);
    r.phone = 10; /* as if counted before the kind was turned off */
    CHECK_EQ(pii_result_alert(&c, &r), 0);
}

static void test_limits(void)
{
    struct pii_conf c = test_conf();
    c.max_scan = 1024;
    static char buf[4096];
    struct pii_result r;

    /* One number at offset 'at' in a 'len'-byte buffer of spaces. */
#define AT(at, len)                                                                         \
    (memset(buf, ' ', sizeof(buf)), memcpy(buf + (at), "001099012345", 12), pii_result_init(&r), \
     scan_bytes(&c, buf, (len), &r), r.cccd)
    CHECK_EQ(AT(100, 4096), 1);
    CHECK_EQ(r.scanned, 1024);
    CHECK_EQ(r.skipped, 3072);
    CHECK_EQ(AT(1011, 4096), 1);  /* last digit at 1022, the separator at 1023 */
    CHECK_EQ(AT(1012, 4096), 0);  /* ends at the limit: what follows is not known */
    CHECK_EQ(AT(1012, 1024), 1);  /* ends with the buffer: an edge */
    CHECK_EQ(AT(1018, 4096), 0);  /* across the limit */
    CHECK_EQ(AT(2000, 4096), 0);  /* past it */
    CHECK_EQ(AT(0, 12), 1);
#undef AT

    /* max_flow: 2048 bytes of the flow, over three 1024-byte buffers. */
    c.max_flow = 2048;
    pii_result_init(&r);
    for (unsigned i = 0; i < 3; i++) {
        memset(buf, ' ', 1024);
        snprintf(buf + 10, 13, "0%02u099012345", (unsigned[]){ 1, 79, 48 }[i]);
        buf[22] = ' ';
        scan_bytes(&c, buf, 1024, &r);
    }
    CHECK_EQ(r.cccd, 2);
    CHECK_EQ(r.scanned, 2048);
    CHECK_EQ(r.skipped, 1024);

    /* Empty and NULL input. */
    pii_result_init(&r);
    pii_scan(&c, NULL, 0, &r);
    pii_scan(NULL, (const uint8_t *)"001099012345", 12, &r);
    CHECK_EQ(r.cccd + r.scanned, 0);
}

static void test_conf_check(void)
{
    char err[CANH_ERRBUF_SIZE];
    struct pii_conf c;
    pii_conf_default(&c);
    CHECK(c.cccd && c.phone);
    CHECK_EQ(c.min_count, 5);
    CHECK_EQ(c.max_scan, 1u << 20);
    CHECK_EQ(c.max_flow, 16u << 20);
    CHECK_EQ(c.max_age, 120);
    CHECK(c.ref_year >= 2025 && c.ref_year <= PII_REF_YEAR_MAX);
    CHECK_EQ(pii_conf_check(&c, err), CANH_OK);
    c.min_count = 0;
    CHECK_EQ(pii_conf_check(&c, err), CANH_ERR);
    CHECK_STR(err, "pii.min-count = 0 is outside 1..100000");
    pii_conf_default(&c);
    c.max_scan = 100;
    CHECK_EQ(pii_conf_check(&c, err), CANH_ERR);
    CHECK_STR(err, "pii.max-scan = 100 is outside 1024..67108864");
    pii_conf_default(&c);
    c.ref_year = 1999;
    CHECK_EQ(pii_conf_check(&c, err), CANH_ERR);
    CHECK_STR(err, "pii.ref-year = 1999 is outside 2000..2399 (or 0)");
    c.ref_year = 0;
    CHECK_EQ(pii_conf_check(&c, err), CANH_OK);
    c.max_age = 0;
    CHECK_EQ(pii_conf_check(&c, err), CANH_ERR);
    CHECK_STR(err, "pii.max-age = 0 is outside 1..200");
}

/* ---------------------------------------------------------------------------------- */
/* A leaked list and its decoys, as the engine captures carry them                    */
/* ---------------------------------------------------------------------------------- */

/* The 20 synthetic records and the decoys of tests/tools/mkpcap-engines.py (pii-leak and
 * pii-benign captures), each sent as JSON, as a form post and as CSV: the module alone
 * must find exactly the 20 and 20, and nothing in the decoys. */
static const char *const rec_cccd[20] = {
    "001091901775", "079301116115", "048063416512", "031084306311", "092205483469",
    "038307417488", "040302857873", "046301657111", "075207843992", "074207842580",
    "036207847206", "027204474921", "001203783864", "079084977459", "048092794465",
    "031202572316", "092202980477", "038303394271", "040099990978", "046201521739" };
static const char *const rec_phone[20] = {
    "0819606110", "0347543956", "0946314012", "0379687556", "0859826714", "0819462351",
    "0347204296", "0589154190", "0894938778", "0833352718", "0974866552", "0581078693",
    "0920235427", "0894158025", "0370086085", "0368467819", "0798517824", "0841232006",
    "0597986364", "0382581855" };

/* Record i's phone as written: plain, "081 960 6110" or "+84819606110" in turn; in a
 * form post a space is '+' and '+' is %2B. */
static void rec_phone_wire(char out[32], unsigned i, bool form)
{
    const char *p = rec_phone[i];
    if (i % 3 == 0)
        snprintf(out, 32, "%s", p);
    else if (i % 3 == 1)
        snprintf(out, 32, form ? "%.3s+%.3s+%s" : "%.3s %.3s %s", p, p + 3, p + 6);
    else
        snprintf(out, 32, form ? "%%2B84%s" : "+84%s", p + 1);
}

static void test_leak_and_decoys(void)
{
    static char body[3][16384];
    size_t n[3] = { 0, 0, 0 };
    char wire[32];
    n[0] += snprintf(body[0], sizeof(body[0]), "[");
    n[2] += snprintf(body[2], sizeof(body[2]), "ho_ten,so_cccd,ngay_sinh,so_dien_thoai,dia_chi\r\n");
    for (unsigned i = 0; i < 20; i++) {
        rec_phone_wire(wire, i, false);
        n[0] += snprintf(body[0] + n[0], sizeof(body[0]) - n[0],
                         "%s\n {\n  \"hoTen\": \"Nguyễn Văn %u\",\n  \"soCCCD\": \"%s\",\n"
                         "  \"ngaySinh\": \"19%02u-05-12\",\n  \"soDienThoai\": \"%s\",\n"
                         "  \"diaChi\": \"Số %u đường Lê Lợi\"\n }", i ? "," : "", i, rec_cccd[i],
                         60 + i, wire, 10 + i * 7);
        n[2] += snprintf(body[2] + n[2], sizeof(body[2]) - n[2],
                         "Nguyễn Văn %u,%s,19%02u-05-12,%s,\"Số %u đường Lê Lợi\"\r\n", i,
                         rec_cccd[i], 60 + i, wire, 10 + i * 7);
        rec_phone_wire(wire, i, true);
        n[1] += snprintf(body[1] + n[1], sizeof(body[1]) - n[1],
                         "%shoten%%5B%%5D=Nguy%%E1%%BB%%85n+V%%C4%%83n+%u&cccd%%5B%%5D=%s"
                         "&ngaysinh%%5B%%5D=19%02u-05-12&sdt%%5B%%5D=%s", i ? "&" : "", i,
                         rec_cccd[i], 60 + i, wire);
    }
    n[0] += snprintf(body[0] + n[0], sizeof(body[0]) - n[0], "\n]");
    struct pii_conf c = test_conf();
    for (unsigned b = 0; b < 3; b++) {
        struct pii_result r;
        pii_result_init(&r);
        scan_bytes(&c, body[b], n[b], &r);
        CHECK_EQ(r.cccd, 20);
        CHECK_EQ(r.cccd_hits, 20);
        CHECK_EQ(r.phone, 20);
        CHECK_EQ(r.phone_hits, 20);
        CHECK_STR(r.cccd_samples[1], "079*******15");
        CHECK_STR(r.phone_samples[1], "03******56");
        CHECK_STR(r.phone_samples[2], "09******12");
    }

    /* Decoys: no province code, 13-digit order numbers, card-like numbers, millisecond
     * timestamps, prices, tax codes (MST), landlines; as a CSV line and as a form post. */
    static const char *const decoys[] = {
        "003091234567", "099187654321", "100203456789", "005300112233", "050095551234",
        "063212345678", "090088812345", "200301234567", "512099876543", "999199001122",
        "0790912345678", "0010901775123", "1234567890123", "0920235427001", "0481999012345",
        "3102025723169", "0840302857873", "7700000000001", "0347543956000", "0010203040506",
        "9704001234567890", "4111001234567891", "5500079301116110", "3530048092794460",
        "9704048063416510", "1700000000123", "1767250800456", "1767254400789", "1735689600000",
        "1.250.000 VND", "12.500.000 VND", "350.000 VND", "2.075.500 VND", "990.000 VND",
        "0101234567", "0301234567", "0312345678", "0100109106",
        "02438251234", "024 3825 1234", "028 3829 5678", "0236 3822 111" };
    char csv[2048], form[4096];
    size_t nc = 0, nf = 0;
    for (size_t i = 0; i < ARRAY_SIZE(decoys); i++) {
        nc += snprintf(csv + nc, sizeof(csv) - nc, "%s%s", decoys[i], i % 7 == 6 ? "\r\n" : ",");
        nf += snprintf(form + nf, sizeof(form) - nf, "%sk%zu=", i ? "&" : "", i);
        for (const char *q = decoys[i]; *q; q++)
            nf += snprintf(form + nf, sizeof(form) - nf, *q == ' ' ? "+" : "%c", *q);
    }
    struct pii_result r = scan_str(&c, csv);
    CHECK_EQ(r.cccd_hits + r.phone_hits, 0);
    r = scan_str(&c, form);
    CHECK_EQ(r.cccd_hits + r.phone_hits, 0);
}

/* ---------------------------------------------------------------------------------- */
/* Bulk text                                                                          */
/* ---------------------------------------------------------------------------------- */

struct text {
    char *p;
    size_t len, cap;
};

static void put(struct text *t, const char *fmt, ...) CANH_PRINTF(2, 3);
static void put(struct text *t, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(t->p + t->len, t->cap - t->len, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= t->cap - t->len)
        abort();
    t->len += (size_t)n;
}

/* Benign text: Vietnamese words (unaccented and accented), and the numbers a
 * government or shop site is full of, none a CCCD or a mobile number. */
static void benign_token(struct text *t)
{
    static const char *words[] = { "cong", "van", "so", "ngay", "thang", "nam", "quyết", "định",
                                   "về", "việc", "ban", "hành", "kế", "hoạch", "đơn", "hàng",
                                   "giá", "khách", "lorem", "ipsum", "dolor", "sit", "amet",
                                   "UBND", "tỉnh", "Sở", "Tài", "chính", "thông", "báo" };
    switch (rndn(40)) {
    case 0: put(t, "%02u/%02u/%04u", 1 + rndn(28), 1 + rndn(12), 1990 + rndn(40)); break;
    case 1: put(t, "%04u-%02u-%02uT%02u:%02u:%02uZ", 2000 + rndn(30), 1 + rndn(12), 1 + rndn(28),
                rndn(24), rndn(60), rndn(60)); break;
    case 2: put(t, "%u.%03u.000 VND", 1 + rndn(999), rndn(1000)); break;
    case 3: put(t, "%u.%03u.%03u.000 đồng", 1 + rndn(99), rndn(1000), rndn(1000)); break;
    case 4: put(t, "DH-%04u-%06u", 2020 + rndn(7), rndn(1000000)); break;
    case 5: put(t, "#ORD%04u%02u%02u%06u", 2020 + rndn(7), 1 + rndn(12), 1 + rndn(28), rndn(1000000)); break;
    case 6: put(t, "HD%010u", rndn(1000000000)); break;
    case 7: put(t, "%u.%u.%u.%u", rndn(256), rndn(256), rndn(256), rndn(256)); break;
    case 8: put(t, "%u%09u", 1600 + rndn(200), rndn(1000000000)); break;   /* 13-digit ms */
    case 9: put(t, "ts=%u%06u", 1600 + rndn(200), rndn(1000000)); break;   /* 10-digit s */
    case 10: put(t, "4%03u %04u %04u %04u", rndn(1000), rndn(10000), rndn(10000), rndn(10000)); break;
    case 11: put(t, "4%07u%08u", rndn(10000000), rndn(100000000)); break;
    case 12: put(t, "v%u.%u.%u", rndn(10), rndn(30), rndn(200)); break;
    case 13: put(t, "%u%%", rndn(101)); break;
    case 14: put(t, "%02u:%02u", rndn(24), rndn(60)); break;
    case 15: put(t, "%u,%02u", rndn(100), rndn(100)); break;
    case 16: put(t, "sha=%08x%08x%08x%08x", (unsigned)rnd(), (unsigned)rnd(), (unsigned)rnd(), (unsigned)rnd()); break;
    case 17: put(t, "mã bưu chính %u0000", 10 + rndn(89)); break;
    case 18: put(t, "SL: %u x %u.%03u", 1 + rndn(20), 1 + rndn(999), rndn(1000)); break;
    case 19: put(t, "uid=%u%08u", 1 + rndn(9), rndn(100000000)); break;             /* 9 digits */
    default: put(t, "%s", words[rndn(ARRAY_SIZE(words))]); break;
    }
    put(t, "%s", rndn(12) == 0 ? ".\n" : rndn(10) == 0 ? ", " : " ");
}

static double now_sec(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void test_bulk(void)
{
    const size_t target = 10u << 20;
    struct text t = { malloc(target + 4096), 0, target + 4096 };
    if (t.p == NULL)
        abort();
    rng_state = 0x1234567;
    while (t.len < target)
        benign_token(&t);

    struct pii_conf c = test_conf();
    c.max_scan = PII_MAX_SCAN_MAX;
    c.max_flow = UINT32_MAX;
    struct pii_result r;
    pii_result_init(&r);
    scan_bytes(&c, t.p, t.len, &r); /* from an exact-size copy, for the sanitizers */
    CHECK_EQ(r.scanned, t.len);
    CHECK_EQ(r.cccd_hits, 0);
    CHECK_EQ(r.phone_hits, 0);
    pii_result_init(&r);
    double t0 = now_sec();
    pii_scan(&c, (const uint8_t *)t.p, t.len, &r);
    double secs = now_sec() - t0;
    CHECK_EQ(r.scanned, t.len);
    CHECK_EQ(r.cccd_hits, 0);
    CHECK_EQ(r.phone_hits, 0);
    printf("benign text: %.1f MB, %u CCCD, %u phone hits, %.0f MB/s\n", t.len / 1e6, r.cccd_hits,
           r.phone_hits, t.len / 1e6 / secs);

    /* Plant 7 CCCDs and 5 phones, each twice, between tokens. */
    static const char *planted[] = { "001099012345", "079185001234", "048203000777", "096307123456",
                                     "031060554433", "046175000042", "092226999999",
                                     "0912345678", "+84 987 654 321", "0326.111.222",
                                     "%2B84703999888", "055 123 4567" };
    for (unsigned k = 0; k < 2 * ARRAY_SIZE(planted); k++) {
        const char *s = planted[k % ARRAY_SIZE(planted)];
        size_t n = strlen(s);
        size_t at = rndn((unsigned)(t.len - 100));
        /* At a space after a word: a number planted after a digit group could be read
         * as the tail of a grouped number that starts in the text. */
        while (!(t.p[at] == ' ' && ((t.p[at - 1] | 0x20) >= 'a' && (t.p[at - 1] | 0x20) <= 'z')))
            at++;
        memmove(t.p + at + n + 2, t.p + at, t.len - at);
        t.p[at] = ' ';
        memcpy(t.p + at + 1, s, n);
        t.p[at + 1 + n] = ' ';
        t.len += n + 2;
    }
    pii_result_init(&r);
    scan_bytes(&c, t.p, t.len, &r);
    CHECK_EQ(r.cccd, 7);
    CHECK_EQ(r.cccd_hits, 14);
    CHECK_EQ(r.phone, 5);
    CHECK_EQ(r.phone_hits, 10);
    printf("with planted numbers: %u CCCD, %u phones\n", r.cccd, r.phone);
    size_t digits = 0;
    for (size_t i = 0; i < t.len; i++)
        digits += (unsigned)(t.p[i] - '0') <= 9;
    printf("digits: %.1f%% of the text\n", 100.0 * (double)digits / (double)t.len);

    /* Throughput over 1 MiB buffers, as a flow is scanned with the default max_scan. */
    struct pii_conf cd = test_conf();
    cd.max_flow = UINT32_MAX;
    pii_result_init(&r);
    t0 = now_sec();
    for (int pass = 0; pass < 5; pass++)
        for (size_t off = 0; off < t.len; off += cd.max_scan)
            pii_scan(&cd, (const uint8_t *)t.p + off,
                     t.len - off < cd.max_scan ? t.len - off : cd.max_scan, &r);
    secs = now_sec() - t0;
    printf("pii_scan throughput: %.0f MB/s (5 x %.1f MB in 1 MiB buffers)\n", 5 * t.len / 1e6 / secs,
           t.len / 1e6);

    /* The same over text with few digits (one number token in 40 rather than one in two),
     * closer to an ordinary page. */
    t.len = 0;
    while (t.len < target) {
        if (rndn(20) == 0)
            benign_token(&t);
        else
            put(&t, "%s ", rndn(2) ? "thông báo" : "về việc ban hành kế hoạch");
    }
    digits = 0;
    for (size_t i = 0; i < t.len; i++)
        digits += (unsigned)(t.p[i] - '0') <= 9;
    pii_result_init(&r);
    t0 = now_sec();
    for (int pass = 0; pass < 5; pass++)
        for (size_t off = 0; off < t.len; off += cd.max_scan)
            pii_scan(&cd, (const uint8_t *)t.p + off,
                     t.len - off < cd.max_scan ? t.len - off : cd.max_scan, &r);
    secs = now_sec() - t0;
    CHECK_EQ(r.cccd_hits + r.phone_hits, 0);
    printf("pii_scan throughput, %.1f%% digits: %.0f MB/s\n", 100.0 * (double)digits / (double)t.len,
           5 * t.len / 1e6 / secs);
    free(t.p);
}

/* Dense text over digits and separators: the chain reader at its busiest. No number is
 * asserted; the result must stay consistent and (under the sanitizers) in bounds. */
static void test_dense_random(void)
{
    static const char alphabet[] = "0123456789000000999888 .-+%2B84 _a,";
    struct pii_conf c = test_conf();
    struct pii_result r;
    pii_result_init(&r);
    rng_state = 0xabcdef;
    unsigned bad = 0;
    for (unsigned round = 0; round < 20000; round++) {
        char buf[200];
        size_t n = 1 + rndn(sizeof(buf));
        for (size_t i = 0; i < n; i++)
            buf[i] = alphabet[rndn(sizeof(alphabet) - 1)];
        scan_bytes(&c, buf, n, &r);
    }
    bad += r.cccd > r.cccd_hits || r.phone > r.phone_hits;
    for (unsigned s = 0; s < PII_SAMPLES; s++) {
        size_t lc = strnlen(r.cccd_samples[s], PII_SAMPLE_LEN);
        size_t lp = strnlen(r.phone_samples[s], PII_SAMPLE_LEN);
        bad += !(lc == 12 && strncmp(r.cccd_samples[s] + 3, "*******", 7) == 0);
        bad += !(lp == 10 && strncmp(r.phone_samples[s] + 2, "******", 6) == 0);
    }
    CHECK_EQ(bad, 0);
    printf("dense random text: %u CCCD, %u phones found in %u bytes\n", r.cccd, r.phone,
           (unsigned)r.scanned);
}

int main(void)
{
    test_cccd_found();
    test_cccd_provinces();
    test_cccd_refused();
    test_phone_prefixes();
    test_phone_forms();
    test_masking();
    test_dedupe();
    test_min_count();
    test_limits();
    test_conf_check();
    test_leak_and_decoys();
    test_bulk();
    test_dense_random();
    return test_done("test-pii");
}
