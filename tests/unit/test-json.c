/* JSON writer: escaping of every byte value at every alignment against a byte-by-byte
 * reference, UTF-8 validation, structure, numbers, overflow. */
#include <stdlib.h>

#include "test.h"
#include "util/util-json.h"

/* Reference escaper: the rules of util-json.h, one byte at a time. */
static size_t utf8_len_ref(const unsigned char *s, size_t n)
{
    unsigned c = s[0];
    size_t len;
    unsigned min;
    if (c >= 0xc2 && c <= 0xdf) {
        len = 2;
        min = 0x80;
    } else if (c >= 0xe0 && c <= 0xef) {
        len = 3;
        min = 0x800;
    } else if (c >= 0xf0 && c <= 0xf4) {
        len = 4;
        min = 0x10000;
    } else {
        return 0;
    }
    if (n < len)
        return 0;
    unsigned cp = c & (0xff >> (len + 1));
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        cp = cp << 6 | (s[i] & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
        return 0;
    return len;
}

static void ref_escape(const unsigned char *s, size_t n, char *out)
{
    char *o = out;
    *o++ = '"';
    for (size_t i = 0; i < n;) {
        unsigned char c = s[i];
        if (c == '"' || c == '\\') {
            *o++ = '\\';
            *o++ = (char)c;
            i++;
        } else if (c == '\n') {
            o += sprintf(o, "\\n");
            i++;
        } else if (c == '\r') {
            o += sprintf(o, "\\r");
            i++;
        } else if (c == '\t') {
            o += sprintf(o, "\\t");
            i++;
        } else if (c >= 0x20 && c < 0x7f) {
            *o++ = (char)c;
            i++;
        } else {
            size_t l = c >= 0x80 ? utf8_len_ref(s + i, n - i) : 0;
            if (l > 0) {
                memcpy(o, s + i, l);
                o += l;
                i += l;
            } else {
                o += sprintf(o, "\\u00%02x", c);
                i++;
            }
        }
    }
    *o++ = '"';
    *o = '\0';
}

static char buf[1 << 16];

static const char *write_one(const unsigned char *s, size_t n)
{
    struct json j;
    json_init(&j, buf, sizeof(buf));
    json_stringn(&j, NULL, (const char *)s, n);
    buf[j.len] = '\0'; /* json_finish would add a newline */
    return buf;
}

static void test_every_byte(void)
{
    char expect[4096];
    unsigned char s[64];
    int mismatches = 0;
    /* Each byte value alone, and at each position 0..23 inside plain text of 24 bytes
     * (covers every alignment of the 8-byte fast path, and its tail). */
    for (int c = 0; c < 256; c++) {
        for (size_t pos = 0; pos < 24; pos++) {
            memset(s, 'a', 24);
            s[pos] = (unsigned char)c;
            ref_escape(s, 24, expect);
            if (strcmp(write_one(s, 24), expect) != 0 && mismatches++ < 5)
                fprintf(stderr, "byte 0x%02x at %zu: got %s want %s\n", c, pos, buf, expect);
        }
    }
    CHECK_EQ(mismatches, 0);

    /* Random strings, mostly high bytes so UTF-8 sequences (valid and broken) appear. */
    srand(42);
    mismatches = 0;
    for (int k = 0; k < 20000; k++) {
        size_t n = (size_t)(rand() % 60);
        for (size_t i = 0; i < n; i++) {
            int r = rand() % 10;
            s[i] = r < 4 ? (unsigned char)(0x80 + rand() % 0x80)
                 : r < 6 ? (unsigned char)(0xc0 + rand() % 0x40)
                 : r < 7 ? (unsigned char)(rand() % 0x20)
                 : (unsigned char)(0x20 + rand() % 0x60);
        }
        ref_escape(s, n, expect);
        if (strcmp(write_one(s, n), expect) != 0 && mismatches++ < 5)
            fprintf(stderr, "random string %d differs: got %s want %s\n", k, buf, expect);
    }
    CHECK_EQ(mismatches, 0);
}

static void test_utf8(void)
{
    CHECK_STR(write_one((const unsigned char *)"Vi\xe1\xbb\x87t Nam", 10), "\"Vi\xe1\xbb\x87t Nam\"");
    CHECK_STR(write_one((const unsigned char *)"\xc0\xaf", 2), "\"\\u00c0\\u00af\""); /* overlong */
    CHECK_STR(write_one((const unsigned char *)"\xed\xa0\x80", 3), "\"\\u00ed\\u00a0\\u0080\""); /* surrogate */
    CHECK_STR(write_one((const unsigned char *)"\xf4\x90\x80\x80", 4), "\"\\u00f4\\u0090\\u0080\\u0080\"");
    CHECK_STR(write_one((const unsigned char *)"\xf0\x9f\x98\x80", 4), "\"\xf0\x9f\x98\x80\"");
    CHECK_STR(write_one((const unsigned char *)"\xe1\xbb", 2), "\"\\u00e1\\u00bb\""); /* cut */
    CHECK_STR(write_one((const unsigned char *)"a\0b", 3), "\"a\\u0000b\"");
    CHECK_STR(write_one((const unsigned char *)"\x7f", 1), "\"\\u007f\"");
}

static void test_structure(void)
{
    struct json j;
    json_init(&j, buf, sizeof(buf));
    json_object_open(&j, NULL);
    json_string(&j, "s", "x");
    json_u64(&j, "zero", 0);
    json_u64(&j, "max", UINT64_MAX);
    json_i64(&j, "neg", -42);
    json_bool(&j, "t", true);
    json_double(&j, "d", 0.5);
    json_plain(&j, "p", "1:abc=");
    json_array_open(&j, "a");
    json_u64(&j, NULL, 1);
    json_object_open(&j, NULL);
    json_object_close(&j);
    json_array_close(&j);
    json_object_open(&j, "o");
    json_object_close(&j);
    json_object_close(&j);
    CHECK(json_finish(&j));
    CHECK_STR(buf, "{\"s\":\"x\",\"zero\":0,\"max\":18446744073709551615,\"neg\":-42,\"t\":true,"
                   "\"d\":0.5,\"p\":\"1:abc=\",\"a\":[1,{}],\"o\":{}}\n");

    /* Overflow: flagged, buffer stays NUL-terminated and within bounds. */
    char small[16];
    json_init(&j, small, sizeof(small));
    json_object_open(&j, NULL);
    json_string(&j, "key", "a long value that does not fit");
    json_object_close(&j);
    CHECK(j.overflow);
    CHECK(!json_finish(&j));
    CHECK(j.len < sizeof(small));

    /* Strings are cut at JSON_STRING_MAX input bytes. */
    static char big[JSON_STRING_MAX + 100];
    memset(big, 'x', sizeof(big));
    json_init(&j, buf, sizeof(buf));
    json_stringn(&j, NULL, big, sizeof(big));
    CHECK_EQ(j.len, JSON_STRING_MAX + 2);
}

/* Numbers against snprintf: every power of ten and its neighbours, and random values. */
static void test_numbers(void)
{
    int bad = 0;
    char want[32];
    uint64_t p = 1;
    for (int k = 0; k < 20; k++, p *= 10) {
        uint64_t vals[3] = { p - 1, p, p + 1 };
        for (int i = 0; i < 3; i++) {
            struct json j;
            json_init(&j, buf, sizeof(buf));
            json_u64(&j, NULL, vals[i]);
            buf[j.len] = '\0';
            snprintf(want, sizeof(want), "%llu", (unsigned long long)vals[i]);
            if (strcmp(buf, want) != 0 && bad++ < 5)
                fprintf(stderr, "u64 %s: got %s\n", want, buf);
        }
    }
    srand(9);
    for (int i = 0; i < 100000; i++) {
        uint64_t v = (uint64_t)rand() << 42 ^ (uint64_t)rand() << 21 ^ (uint64_t)rand();
        v >>= rand() % 64;
        struct json j;
        json_init(&j, buf, sizeof(buf));
        json_u64(&j, NULL, v);
        buf[j.len] = '\0';
        snprintf(want, sizeof(want), "%llu", (unsigned long long)v);
        if (strcmp(buf, want) != 0 && bad++ < 5)
            fprintf(stderr, "u64 %s: got %s\n", want, buf);
    }
    CHECK_EQ(bad, 0);
}

int main(void)
{
    test_numbers();
    test_every_byte();
    test_utf8();
    test_structure();
    return test_done("json");
}
