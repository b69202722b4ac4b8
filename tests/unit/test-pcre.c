/* Unit tests for the pcre keyword (sensor/detect/detect-pcre.c). Cases are ported from
 * Suricata 7.0's own unit tests (src/detect-pcre.c, src/tests/detect-engine-content-
 * inspection.c) where they exist, each naming its source; "oracle:" cases were checked
 * against Suricata 7.0.10 on crafted packets. Every match case runs twice: compiled by
 * PCRE2's JIT and interpreted, and both must agree. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "detect/detect-pcre.h"
#include "test.h"

static char g_err[CANH_ERRBUF_SIZE];
static struct detect_pcre_thread *g_t;

static const struct detect_pcre_conf nojit = {
    DETECT_PCRE_MATCH_LIMIT_DEFAULT, DETECT_PCRE_RECURSION_LIMIT_DEFAULT, true
};

static struct detect_pcre *parse(const char *arg)
{
    g_err[0] = '\0';
    return detect_pcre_parse(arg, false, g_err);
}

static int parses(const char *arg)
{
    struct detect_pcre *p = parse(arg);
    detect_pcre_free(p);
    return p != NULL;
}

/* One evaluation of the keyword from cursor 'cursor' (retry 0) with JIT and without;
 * returns the result (-2 when they disagree or the pcre does not parse) and the
 * resulting cursor. */
static int match_at(const char *arg, const char *subject, uint32_t len, uint32_t cursor,
                    uint32_t *cursor_out)
{
    char e[CANH_ERRBUF_SIZE];
    bool neg = false;
    struct detect_pcre *a = detect_pcre_parse(arg, neg, e);
    struct detect_pcre *b = detect_pcre_parse_conf(arg, neg, &nojit, e);
    if (a == NULL || b == NULL) {
        detect_pcre_free(a);
        detect_pcre_free(b);
        snprintf(g_err, sizeof(g_err), "%s", e);
        return -2;
    }
    uint32_t ca = cursor, cb = cursor, ra = 0, rb = 0;
    int x = detect_pcre_match(a, g_t, (const uint8_t *)subject, len, &ca, &ra, NULL);
    int y = detect_pcre_match(b, g_t, (const uint8_t *)subject, len, &cb, &rb, NULL);
    detect_pcre_free(a);
    detect_pcre_free(b);
    if (x != y || ca != cb || ra != rb)
        return -2;
    if (cursor_out != NULL)
        *cursor_out = ca;
    return x;
}

static int match(const char *arg, const char *subject)
{
    return match_at(arg, subject, (uint32_t)strlen(subject), 0, NULL);
}

/* ---------------------------------------------------------------------------------- */

static void test_parse(void)
{
    /* DetectPcreParseTest01..03: invalid modifiers */
    CHECK(!parses("/blah/7"));
    CHECK(strstr(g_err, "pcre: unknown regex modifier '7'") != NULL);
    CHECK(!parses("/blah/Ui$"));
    CHECK(!parses("/blah/UNi"));
    /* DetectPcreParseTest04: escaped quote */
    CHECK(parses("/b\\\"lah/i"));
    /* DetectPcreParseTest05..08 */
    struct detect_pcre *p = parse("/b(l|a)h/");
    CHECK(p != NULL && detect_pcre_buffer(p) == DETECT_PCRE_BUF_NONE);
    detect_pcre_free(p);
    CHECK(parses("/b(l|a)h/smi"));
    p = parse("/blah/Ui");
    CHECK(p != NULL && detect_pcre_buffer(p) == DETECT_PCRE_BUF_URI);
    detect_pcre_free(p);
    CHECK(parses("/b(l|a)h/O"));
    /* DetectPcreParseTest09: a regex ending in an escaped backslash */
    p = parse("/lala\\\\/");
    CHECK(p != NULL && strcmp(detect_pcre_regex(p), "lala\\\\") == 0);
    detect_pcre_free(p);
    /* DetectPcreParseTest24..26: two buffer modifiers, unknown F */
    CHECK(!parses("/abc/UI"));
    CHECK(strstr(g_err, "only one buffer modifier") != NULL);
    CHECK(!parses("/abc/DH"));
    CHECK(!parses("/abc/F"));
    /* DetectPcreParseHttpHost: W needs a lower-case regex unless i */
    CHECK(parses("/domain\\.com/W"));
    CHECK(!parses("/dOmain\\.com/W"));
    CHECK(strstr(g_err, "upper-case") != NULL);
    CHECK(parses("/domain\\D+\\.com/W"));
    CHECK(!parses("/\\\\Ddomain\\.com/W"));
    CHECK(parses("/dOmain\\.com/Wi"));
    CHECK(parses("/\\x2Esuricata$/W")); /* DetectPcreParseTest28: \xHH is skipped */

    /* Quotes (as the rule parser passes them) and negation. */
    p = parse("\"/abc/i\"");
    CHECK(p != NULL && strcmp(detect_pcre_regex(p), "abc") == 0 && !detect_pcre_is_negated(p));
    detect_pcre_free(p);
    p = parse("!\"/abc/\"");
    CHECK(p != NULL && detect_pcre_is_negated(p));
    detect_pcre_free(p);
    p = detect_pcre_parse("\"/abc/\"", true, g_err);
    CHECK(p != NULL && detect_pcre_is_negated(p));
    detect_pcre_free(p);
    CHECK(!parses("\"/abc/"));
    CHECK(!parses("abc"));
    CHECK(!parses(""));
    /* A regex PCRE2 refuses: the message carries PCRE2's reason and offset. */
    CHECK(!parses("/a(b/"));
    CHECK(strstr(g_err, "offset") != NULL && strstr(g_err, "a(b") != NULL);
    /* The regex runs to the last unescaped '/'. */
    p = parse("/a/b/i");
    CHECK(p != NULL && strcmp(detect_pcre_regex(p), "a/b") == 0);
    detect_pcre_free(p);
    p = parse("/a\\/b/");
    CHECK(p != NULL && strcmp(detect_pcre_regex(p), "a\\/b") == 0);
    detect_pcre_free(p);

    /* Every modifier parses; R and the buffers are reported. */
    const char *mods = "ismxAEGROB";
    for (const char *m = mods; *m; m++) {
        char arg[32];
        snprintf(arg, sizeof(arg), "/abc/%c", *m);
        CHECK(parses(arg));
    }
    p = parse("/abc/R");
    CHECK(p != NULL && detect_pcre_is_relative(p));
    detect_pcre_free(p);
    static const struct { char m; int buf; const char *name; } bufs[] = {
        { 'U', DETECT_PCRE_BUF_URI, "http_uri" },
        { 'I', DETECT_PCRE_BUF_URI_RAW, "http_raw_uri" },
        { 'P', DETECT_PCRE_BUF_REQUEST_BODY, "http_client_body" },
        { 'Q', DETECT_PCRE_BUF_FILE_DATA, "file_data" },
        { 'H', DETECT_PCRE_BUF_HEADER, "http_header" },
        { 'D', DETECT_PCRE_BUF_HEADER_RAW, "http_raw_header" },
        { 'M', DETECT_PCRE_BUF_METHOD, "http_method" },
        { 'C', DETECT_PCRE_BUF_COOKIE, "http_cookie" },
        { 'S', DETECT_PCRE_BUF_STAT_CODE, "http_stat_code" },
        { 'Y', DETECT_PCRE_BUF_STAT_MSG, "http_stat_msg" },
        { 'V', DETECT_PCRE_BUF_USER_AGENT, "http_user_agent" },
        { 'W', DETECT_PCRE_BUF_HOST, "http_host" },
        { 'Z', DETECT_PCRE_BUF_HOST_RAW, "http_raw_host" },
    };
    for (size_t i = 0; i < sizeof(bufs) / sizeof(bufs[0]); i++) {
        char arg[32];
        snprintf(arg, sizeof(arg), "/abc/%cR", bufs[i].m);
        p = parse(arg);
        CHECK(p != NULL && detect_pcre_buffer(p) == bufs[i].buf);
        CHECK_STR(detect_pcre_buffer_name(bufs[i].buf), bufs[i].name);
        detect_pcre_free(p);
    }
    CHECK(detect_pcre_buffer_name(DETECT_PCRE_BUF_NONE) == NULL);
    /* B: refused after a buffer modifier, and before U..C (not before D P Q Y S). */
    CHECK(!parses("/abc/UB"));
    CHECK(!parses("/abc/BU"));
    CHECK(parses("/abc/BD"));
    CHECK(parses("/abc/BP"));
}

static void test_match_modifiers(void)
{
    /* DetectPcreTestSig01: a regex ending in an escaped backslash */
    CHECK_EQ(match("/ lalala\\\\/", "lalala lalala\\ lala\n"), 1);
    /* DetectPcreTestSig02, 03: anchored both ends, with and without a final newline */
    CHECK_EQ(match("/^(la)+$/", "lalala\n"), 1);
    CHECK_EQ(match("/^(la)+$/", "lalala"), 1);
    /* E: $ only at the very end */
    CHECK_EQ(match("/^(la)+$/E", "lalala\n"), 0);
    /* i */
    CHECK_EQ(match("/ABC/", "xabcx"), 0);
    CHECK_EQ(match("/ABC/i", "xabcx"), 1);
    /* s: '.' takes a newline */
    CHECK_EQ(match("/a.b/", "a\nb"), 0);
    CHECK_EQ(match("/a.b/s", "a\nb"), 1);
    /* m: ^ after a newline */
    CHECK_EQ(match("/^b/", "a\nb"), 0);
    CHECK_EQ(match("/^b/m", "a\nb"), 1);
    /* x: white space ignored */
    CHECK_EQ(match("/a b c/x", "abc"), 1);
    CHECK_EQ(match("/a b c/", "abc"), 0);
    /* A: anchored at the subject's start */
    CHECK_EQ(match("/bc/A", "abc"), 0);
    CHECK_EQ(match("/ab/A", "abc"), 1);
    /* G: ungreedy: the match (and cursor) ends early */
    uint32_t cur = 0;
    CHECK_EQ(match_at("/a.+b/", "a1b2b3", 6, 0, &cur), 1);
    CHECK_EQ(cur, 5);
    CHECK_EQ(match_at("/a.+b/G", "a1b2b3", 6, 0, &cur), 1);
    CHECK_EQ(cur, 3);
    /* B and O change nothing here */
    CHECK_EQ(match("/abc/BO", "xxabc"), 1);
    /* Binary subjects: NUL bytes and bytes >= 0x80, no UTF check */
    CHECK_EQ(match_at("/\\x00\\xff/", "a\0\xff", 3, 0, &cur), 1);
    CHECK_EQ(cur, 3);
    /* Negation. */
    CHECK_EQ(match("!/abc/", "xabcx"), 0);
    CHECK_EQ(match("!/abd/", "xabcx"), 1);
}

static void test_relative(void)
{
    uint32_t cur;
    const char *s = "GET /AllWorkAndNoPlayMakesWillADullBoy HTTP/1.0";
    uint32_t len = (uint32_t)strlen(s);
    /* The cursor moves to the end of the match. */
    CHECK_EQ(match_at("/AllWork/", s, len, 0, &cur), 1);
    CHECK_EQ(cur, 12);
    /* R: the subject starts at the cursor: '^' and A anchor there (oracle) */
    CHECK_EQ(match_at("/^AndNoPlay/R", s, len, 12, &cur), 1);
    CHECK_EQ(cur, 21);
    CHECK_EQ(match_at("/^AndNoPlay/", s, len, 12, &cur), 0);
    CHECK_EQ(match_at("/AndNoPlay/AR", s, len, 12, &cur), 1);
    CHECK_EQ(match_at("/NoPlay/AR", s, len, 12, &cur), 0);
    /* Nothing before the cursor is seen: not even by a look-behind */
    CHECK_EQ(match_at("/GET/R", s, len, 12, &cur), 0);
    CHECK_EQ(match_at("/(?<=Work)And/R", s, len, 12, &cur), 0);
    CHECK_EQ(match_at("/(?<=Work)And/", s, len, 12, &cur), 1);
    /* A relative pcre at the end of the buffer: an empty subject */
    CHECK_EQ(match_at("/$/R", s, len, len, &cur), 1);
    CHECK_EQ(cur, len);
    CHECK_EQ(match_at("/./R", s, len, len, &cur), 0);
    /* Negated and relative: the cursor does not move */
    CHECK_EQ(match_at("!/GET/R", s, len, 12, &cur), 1);
    CHECK_EQ(cur, 12);

    /* Retry from the previous match's start + 1, as the content inspection does when
     * the elements after a pcre fail (DetectEngineContentInspection's pcre branch). */
    struct detect_pcre *p = parse("/a./");
    const uint8_t *b = (const uint8_t *)"a1a2a3";
    uint32_t c = 0, retry = 0;
    CHECK(p != NULL);
    if (p != NULL) {
        CHECK_EQ(detect_pcre_match(p, g_t, b, 6, &c, &retry, NULL), 1);
        CHECK_EQ(c, 2);
        CHECK_EQ(retry, 1);
        c = 0;
        CHECK_EQ(detect_pcre_match(p, g_t, b, 6, &c, &retry, NULL), 1);
        CHECK_EQ(c, 4);
        CHECK_EQ(retry, 3);
        c = 0;
        CHECK_EQ(detect_pcre_match(p, g_t, b, 6, &c, &retry, NULL), 1);
        CHECK_EQ(c, 6);
        c = 0;
        CHECK_EQ(detect_pcre_match(p, g_t, b, 6, &c, &retry, NULL), 0);
        /* the raw form: match offsets */
        uint32_t ms, me;
        CHECK_EQ(detect_pcre_exec(p, g_t, b, 6, 0, 3, &ms, &me, NULL), 1);
        CHECK_EQ(ms, 4);
        CHECK_EQ(me, 6);
        CHECK_EQ(detect_pcre_exec(p, g_t, b, 6, 0, 7, &ms, &me, NULL), 0);
    }
    detect_pcre_free(p);
    /* A relative retry keeps the subject at the cursor: '^' cannot match again. */
    p = parse("/^a./R");
    c = 2;
    retry = 0;
    if (p != NULL) {
        CHECK_EQ(detect_pcre_match(p, g_t, b, 6, &c, &retry, NULL), 1);
        CHECK_EQ(c, 4);
        CHECK_EQ(retry, 3);
        c = 2;
        CHECK_EQ(detect_pcre_match(p, g_t, b, 6, &c, &retry, NULL), 0);
    }
    detect_pcre_free(p);
}

static void test_captures(void)
{
    struct detect_captures caps;
    uint32_t ms, me;
    const char *hdr = "Host: example.com\r\nServer: nginx/1.2\r\n";
    const uint8_t *h = (const uint8_t *)hdr;
    uint32_t hl = (uint32_t)strlen(hdr);

    /* Named groups (?P<flow_..>) and (?P<pkt_..>); other groups do not capture. */
    struct detect_pcre *p = parse("/Server: (?P<flow_srv>[a-z]+)\\/(\\d)\\.(?P<pkt_minor>\\d)/");
    CHECK(p != NULL && detect_pcre_ncaptures(p) == 2);
    if (p != NULL) {
        memset(&caps, 0, sizeof(caps));
        CHECK_EQ(detect_pcre_exec(p, g_t, h, hl, 0, 0, &ms, &me, &caps), 1);
        CHECK_EQ(caps.n, 2);
        CHECK_EQ(caps.v[0].kind, DETECT_CAPTURE_FLOW);
        CHECK_STR(caps.v[0].name, "srv");
        CHECK(caps.v[0].value_len == 5 && memcmp(caps.v[0].value, "nginx", 5) == 0);
        CHECK_EQ(caps.v[1].kind, DETECT_CAPTURE_PKT);
        CHECK_STR(caps.v[1].name, "minor");
        CHECK(caps.v[1].value_len == 1 && caps.v[1].value[0] == '2');
        /* Again (a retry): the same variables are replaced, not added. */
        CHECK_EQ(detect_pcre_exec(p, g_t, h, hl, 0, 0, &ms, &me, &caps), 1);
        CHECK_EQ(caps.n, 2);
    }
    detect_pcre_free(p);

    /* The type is the shortest prefix before '_': flow_a_b is flow variable "a_b";
     * other types are not variables. */
    p = parse("/(?P<flow_a_b>x)(?P<other_c>y)/");
    CHECK(p != NULL && detect_pcre_ncaptures(p) == 1);
    detect_pcre_free(p);

    /* DetectPcreParseCaptureTest: the suffix forms */
    p = parse("/(.*)\\r\\n/HR, flow:somecapture");
    CHECK(p != NULL && detect_pcre_ncaptures(p) == 1 &&
          detect_pcre_buffer(p) == DETECT_PCRE_BUF_HEADER);
    detect_pcre_free(p);
    p = parse("/(flow:.*)\\r\\n/HR"); /* no separator: part of the regex */
    CHECK(p != NULL && detect_pcre_ncaptures(p) == 0 &&
          strcmp(detect_pcre_regex(p), "(flow:.*)\\r\\n") == 0);
    detect_pcre_free(p);
    p = parse("/([a-z]+)([0-9]+)\\r\\n/HR, flow:somecapture, pkt:anothercap");
    CHECK(p != NULL && detect_pcre_ncaptures(p) == 2);
    detect_pcre_free(p);
    CHECK(!parses("/([a-z]+)\\r\\n/HR, flow:somecapture, pkt:anothercap"));
    CHECK(strstr(g_err, "more pkt/flow variable names") != NULL);
    CHECK(!parses("/(a)/, foo:bar")); /* no flow:/pkt: suffix: ", foo:bar" are modifiers */
    CHECK(!parses("/(a)(b)/, flow:x, var:y"));

    /* Suffix names capture plain groups, in order (and the quotes around it all). */
    p = parse("\"/Host: ([^\\r]+)\\r\\nServer: ([^\\r]+)/, flow:host, pkt:server\"");
    if (p != NULL) {
        memset(&caps, 0, sizeof(caps));
        CHECK_EQ(detect_pcre_exec(p, g_t, h, hl, 0, 0, &ms, &me, &caps), 1);
        CHECK_EQ(caps.n, 2);
        CHECK(caps.v[0].kind == DETECT_CAPTURE_FLOW && strcmp(caps.v[0].name, "host") == 0 &&
              caps.v[0].value_len == 11 && memcmp(caps.v[0].value, "example.com", 11) == 0);
        CHECK(caps.v[1].kind == DETECT_CAPTURE_PKT && caps.v[1].value_len == 9);
    } else {
        CHECK(p != NULL);
    }
    detect_pcre_free(p);

    /* pkt:key,pkt:value: the variable's name is captured too. */
    p = parse("/([A-Za-z]+): ([^\\r]+)/, pkt:key,pkt:value");
    if (p != NULL) {
        memset(&caps, 0, sizeof(caps));
        CHECK_EQ(detect_pcre_exec(p, g_t, h, hl, 0, 0, &ms, &me, &caps), 1);
        CHECK(caps.n >= 1 && caps.v[0].kind == DETECT_CAPTURE_PKT_KV &&
              caps.v[0].name_len == 4 && memcmp(caps.v[0].name, "Host", 4) == 0 &&
              caps.v[0].value_len == 11);
    } else {
        CHECK(p != NULL);
    }
    detect_pcre_free(p);
    CHECK(!parses("/(a)(b)/, pkt:value"));
    CHECK(!parses("/(a)(b)/, pkt:key, flow:x"));

    /* A negated pcre captures nothing; an unset group is skipped. */
    p = parse("!/(?P<flow_x>zzz)/");
    if (p != NULL) {
        memset(&caps, 0, sizeof(caps));
        CHECK_EQ(detect_pcre_exec(p, g_t, h, hl, 0, 0, &ms, &me, &caps), 0);
        CHECK_EQ(caps.n, 0);
    }
    detect_pcre_free(p);
    p = parse("/Host(?P<flow_x>zzz)?/");
    if (p != NULL) {
        memset(&caps, 0, sizeof(caps));
        CHECK_EQ(detect_pcre_exec(p, g_t, h, hl, 0, 0, &ms, &me, &caps), 1);
        CHECK_EQ(caps.n, 0);
    }
    detect_pcre_free(p);
    /* A back reference to a plain group compiles (auto-capture back on). */
    CHECK_EQ(match("/(a)\\1/", "xaax"), 1);

    /* More captures than fit are counted. */
    p = parse("/(?P<pkt_a>.)(?P<pkt_b>.)(?P<pkt_c>.)(?P<pkt_d>.)(?P<pkt_e>.)(?P<pkt_f>.)"
              "(?P<pkt_g>.)(?P<pkt_h>.)/");
    CHECK(p != NULL && detect_pcre_ncaptures(p) == 8);
    if (p != NULL) {
        memset(&caps, 0, sizeof(caps));
        CHECK_EQ(detect_pcre_exec(p, g_t, h, hl, 0, 0, &ms, &me, &caps), 1);
        CHECK_EQ(detect_pcre_exec(p, g_t, h, hl, 0, 1, &ms, &me, &caps), 1);
        CHECK_EQ(caps.n, 8); /* replaced */
    }
    detect_pcre_free(p);
    CHECK(!parses("/(?P<pkt_a>.)(?P<pkt_b>.)(?P<pkt_c>.)(?P<pkt_d>.)(?P<pkt_e>.)(?P<pkt_f>.)"
                  "(?P<pkt_g>.)(?P<pkt_h>.)(?P<pkt_i>.)/"));
}

static void test_limits(void)
{
    /* A catastrophic pattern hits the match limit: not a match, counted. */
    char subject[64];
    memset(subject, 'a', 32);
    strcpy(subject + 32, "!");
    uint64_t before = detect_pcre_thread_stats(g_t)->match_limit;
    CHECK_EQ(match("/^(\\w+\\s?)*$/", subject), 0);
    CHECK(detect_pcre_thread_stats(g_t)->match_limit >= before + 2); /* JIT and interpreter */
    /* Negated: an error is "no match" too (Suricata). */
    CHECK_EQ(match("!/^(\\w+\\s?)*$/", subject), 0);
    /* O with higher configured limits lets a moderate case finish; without O the
     * defaults stop it. */
    struct detect_pcre_conf big = { 10000000, 10000000, false };
    char e[CANH_ERRBUF_SIZE];
    struct detect_pcre *p = detect_pcre_parse_conf("/^(\\w+\\s?)*$/O", false, &big, e);
    struct detect_pcre *q = detect_pcre_parse_conf("/^(\\w+\\s?)*$/", false, &big, e);
    memset(subject, 'a', 14);
    strcpy(subject + 14, "!");
    uint32_t c = 0, r = 0;
    if (p != NULL && q != NULL) {
        uint64_t hits = detect_pcre_thread_stats(g_t)->match_limit;
        CHECK_EQ(detect_pcre_match(p, g_t, (const uint8_t *)subject, 15, &c, &r, NULL), 0);
        CHECK_EQ(detect_pcre_thread_stats(g_t)->match_limit, hits); /* ran to the end */
        CHECK_EQ(detect_pcre_match(q, g_t, (const uint8_t *)subject, 15, &c, &r, NULL), 0);
        CHECK_EQ(detect_pcre_thread_stats(g_t)->match_limit, hits + 1); /* defaults: hit */
        subject[14] = 'a';
        CHECK_EQ(detect_pcre_match(p, g_t, (const uint8_t *)subject, 15, &c, &r, NULL), 1);
    } else {
        CHECK(p != NULL && q != NULL);
    }
    detect_pcre_free(p);
    detect_pcre_free(q);

    /* Match data smaller than the pattern needs: still a match, fewer captures. */
    char err[CANH_ERRBUF_SIZE];
    struct detect_pcre_thread *small = detect_pcre_thread_new(1, err);
    p = parse("/(?P<flow_a>b)(?P<flow_b>c)/");
    CHECK(small != NULL && p != NULL && detect_pcre_pairs(p) == 3);
    if (small != NULL && p != NULL) {
        struct detect_captures caps = { 0 };
        uint32_t ms, me;
        CHECK_EQ(detect_pcre_exec(p, small, (const uint8_t *)"abcd", 4, 0, 0, &ms, &me, &caps), 1);
        CHECK_EQ(ms, 1);
        CHECK_EQ(caps.n, 0);
    }
    detect_pcre_free(p);
    detect_pcre_thread_free(small);
    detect_pcre_thread_free(NULL);
    detect_pcre_free(NULL);
}

/* JIT and interpreter agree on a spread of patterns and subjects. */
static void test_jit_vs_interpreter(void)
{
    static const char *const pats[] = {
        "/abc/", "/a.c/s", "/^GET \\/[a-z]+\\.php\\?id=\\d+/", "/(foo|bar)+baz/i",
        "/\\x00\\x01[\\x80-\\xff]{2}/", "/(?<=x)y/", "/a{2,4}b/G", "/^$/m", "/\\bword\\b/",
        "/(a|ab)(c|bcd)(d*)/", "/[^\\r\\n]{10,}/", "/(\\w+)\\s+\\1/", "/.*?end/s",
        "/\\d{3}-\\d{4}/", "/^[A-Z]{3,}/A", "/x*/",
    };
    static const char *const subjects[] = {
        "abc", "GET /index.php?id=42 HTTP/1.1", "foobarBAZ", "hello hello world",
        "a\nb\n\nc", "xyxyxy", "aaaab aab", "the word is word", "phone 555-1234 end", "",
        "abcd abcbcd", "\x00\x01\x80\x90zz", "UPPERcase", "0123456789abcdefghij\r\n",
    };
    int agree = 0, total = 0;
    for (size_t i = 0; i < sizeof(pats) / sizeof(pats[0]); i++) {
        char e[CANH_ERRBUF_SIZE];
        struct detect_pcre *a = detect_pcre_parse(pats[i], false, e);
        struct detect_pcre *b = detect_pcre_parse_conf(pats[i], false, &nojit, e);
        CHECK(a != NULL && b != NULL);
        if (a == NULL || b == NULL) {
            detect_pcre_free(a);
            detect_pcre_free(b);
            continue;
        }
        CHECK(!detect_pcre_is_jit(b));
        for (size_t j = 0; j < sizeof(subjects) / sizeof(subjects[0]); j++) {
            uint32_t len = j == 11 ? 6 : (uint32_t)strlen(subjects[j]);
            for (uint32_t start = 0; start <= len; start += 3) {
                uint32_t s1 = 0, e1 = 0, s2 = 0, e2 = 0;
                int x = detect_pcre_exec(a, g_t, (const uint8_t *)subjects[j], len, 0, start,
                                         &s1, &e1, NULL);
                int y = detect_pcre_exec(b, g_t, (const uint8_t *)subjects[j], len, 0, start,
                                         &s2, &e2, NULL);
                total++;
                if (x == y && (x != 1 || (s1 == s2 && e1 == e2)))
                    agree++;
                else
                    fprintf(stderr, "  JIT/interpreter differ: %s on subject %zu from %u\n",
                            pats[i], j, start);
            }
        }
        detect_pcre_free(a);
        detect_pcre_free(b);
    }
    CHECK_EQ(agree, total);
    CHECK(total > 100);
}

static uint32_t lit(const char *arg, char *out, bool *nocase)
{
    struct detect_pcre *p = parse(arg);
    uint32_t n = 0;
    *nocase = false;
    if (p != NULL)
        n = detect_pcre_required_literal(p, (uint8_t *)out, 63, nocase);
    out[n] = '\0';
    detect_pcre_free(p);
    return n;
}

static void test_required_literal(void)
{
    char out[64];
    bool nc;
    CHECK_EQ(lit("/abc/", out, &nc), 3);
    CHECK_STR(out, "abc");
    CHECK(!nc);
    CHECK_EQ(lit("/^GET \\/[a-z]+\\.php\\?id=\\d+/", out, &nc), 8); /* the longer run */
    CHECK_STR(out, ".php?id=");
    CHECK_EQ(lit("/^GET \\/[a-z]+/", out, &nc), 5);
    CHECK_STR(out, "GET /");
    CHECK_EQ(lit("/[a-z]+\\.php\\?id=/", out, &nc), 8);
    CHECK_STR(out, ".php?id=");
    CHECK_EQ(lit("/foo(bar|baz)quux/", out, &nc), 4);
    CHECK_STR(out, "quux");
    CHECK_EQ(lit("/User-Agent: Mozi/i", out, &nc), 16);
    CHECK(nc);
    CHECK_EQ(lit("/abcd?e/", out, &nc), 3); /* 'd' optional */
    CHECK_STR(out, "abc");
    CHECK_EQ(lit("/abcd+efg/", out, &nc), 4); /* "abcd" then "efg" */
    CHECK_STR(out, "abcd");
    CHECK_EQ(lit("/ab{0,2}cde/", out, &nc), 3);
    CHECK_STR(out, "cde");
    CHECK_EQ(lit("/x\\x41\\x42y/", out, &nc), 4);
    CHECK_STR(out, "xABy");
    CHECK_EQ(lit("/a\\r\\nb/", out, &nc), 4);
    CHECK_EQ(lit("/\\d+\\.\\d+/", out, &nc), 1);
    CHECK_STR(out, ".");
    /* Nothing when unsure. */
    CHECK_EQ(lit("/foo|bar/", out, &nc), 0);       /* top-level alternation */
    CHECK_EQ(lit("/(?i)abc/", out, &nc), 0);       /* inline option */
    CHECK_EQ(lit("/a b c/x", out, &nc), 0);        /* extended */
    CHECK_EQ(lit("!/abc/", out, &nc), 0);          /* negated */
    CHECK_EQ(lit("/[abc]+/", out, &nc), 0);
    CHECK_EQ(lit("/(abc)/", out, &nc), 0);         /* inside a group */
    CHECK_EQ(lit("/a{,3}bc/", out, &nc), 2);       /* "{,3}" read as a quantifier */
    CHECK_STR(out, "bc");
    /* The literal is really required: it is in every subject that matches. */
    static const char *const pats[] = { "/abcd?e/", "/ab{0,2}cde/", "/abcd+efg/",
                                        "/x(y|z)?w\\.com/", "/q[r]s*t+uv/" };
    static const char *const subj[] = { "abce", "acde", "abbcde", "abcddddefg", "xw.com",
                                        "xyw.com", "qrttuv", "qrssstuv" };
    for (size_t i = 0; i < sizeof(pats) / sizeof(pats[0]); i++) {
        uint32_t n = lit(pats[i], out, &nc);
        for (size_t j = 0; j < sizeof(subj) / sizeof(subj[0]); j++)
            if (match(pats[i], subj[j]) == 1)
                CHECK(n == 0 || strstr(subj[j], out) != NULL);
    }
}

int main(void)
{
    g_t = detect_pcre_thread_new(16, g_err);
    if (g_t == NULL) {
        fprintf(stderr, "%s\n", g_err);
        return 1;
    }
    test_parse();
    test_match_modifiers();
    test_relative();
    test_captures();
    test_limits();
    test_jit_vs_interpreter();
    test_required_literal();
    detect_pcre_thread_free(g_t);
    return test_done("test-pcre");
}
