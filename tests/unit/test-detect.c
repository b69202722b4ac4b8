/* Rule engine unit tests, in the style of Suricata's own keyword tests: a buffer, a rule,
 * match or no match. Each case loads a one-rule engine from text, builds a TCP (or UDP,
 * ICMP) packet carrying the buffer, and checks whether the rule fires. Transaction
 * buffers (http.uri ...) are served by a fake transaction. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "detect/detect.h"
#include "detect/detect-int.h"
#include "detect/detect-address.h"
#include "detect/detect-inspect.h"
#include "detect/detect-iponly.h"
#include "detect/detect-pcre.h"
#include "detect/detect-run.h"
#include "flow/flow.h"
#include "test.h"

static char rule_path[] = "/tmp/canh-test-detect-XXXXXX";
static int rule_fd = -1;

/* Loads an engine with the given rules (newline separated); NULL when nothing loaded. */
static const char *threshold_file; /* threshold.config for the next load, or NULL */

static struct detect_engine *load(const char *rules, struct detect_load_stats *st)
{
    if (rule_fd < 0) {
        rule_fd = mkstemp(rule_path);
        if (rule_fd < 0)
            return NULL;
    }
    FILE *f = fopen(rule_path, "w");
    fputs(rules, f);
    fputc('\n', f);
    fclose(f);
    const char *files[] = { rule_path };
    struct detect_load_conf c = {
        .files = files,
        .nfiles = 1,
        .report = NULL,
        .quiet = true,
        .threshold_file = threshold_file,
    };
    static const struct detect_var vars[] = {
        { "HOME_NET", "[10.0.0.0/8]", false },
        { "EXTERNAL_NET", "!$HOME_NET", false },
        { "HTTP_PORTS", "[80,8080]", true },
    };
    c.vars = vars;
    c.nvars = 3;
    char err[CANH_ERRBUF_SIZE];
    struct detect_load_stats tmp;
    return detect_engine_load(&c, st != NULL ? st : &tmp, err);
}

/* Does the rule load? */
static bool loads(const char *rule)
{
    struct detect_load_stats st;
    struct detect_engine *de = load(rule, &st);
    bool ok = de != NULL && st.loaded == 1;
    detect_engine_free(de);
    return ok;
}

struct pkt_spec {
    uint8_t proto;
    const char *src, *dst;   /* dotted IPv4 */
    uint16_t sport, dport;
    uint8_t tcp_flags;
    uint8_t ttl;
    uint8_t itype, icode;
    int dir;
    bool established;
};

static const struct pkt_spec default_pkt = {
    .proto = 6, .src = "10.0.0.1", .dst = "192.0.2.1", .sport = 40000, .dport = 80,
    .tcp_flags = 0x18, .ttl = 64, .dir = FLOW_TO_SERVER, .established = true,
};

static void ip4(const char *s, struct canh_addr *a)
{
    unsigned b[4];
    memset(a, 0, sizeof(*a));
    sscanf(s, "%u.%u.%u.%u", &b[0], &b[1], &b[2], &b[3]);
    for (int i = 0; i < 4; i++)
        a->b[i] = (uint8_t)b[i];
}

/* Number of alerts the rules give on one packet with 'payload'. */
static int run_pkt(const char *rules, const void *payload, uint32_t len, const struct pkt_spec *ps)
{
    struct detect_engine *de = load(rules, NULL);
    if (de == NULL)
        return -1;
    char err[CANH_ERRBUF_SIZE];
    struct detect_thread *dt = detect_thread_new(de, err);
    struct packet p;
    memset(&p, 0, sizeof(p));
    static uint8_t l4[64];
    p.ipver = 4;
    p.proto = ps->proto;
    p.ttl = ps->ttl;
    ip4(ps->src, &p.src);
    ip4(ps->dst, &p.dst);
    p.sport = ps->sport;
    p.dport = ps->dport;
    if (ps->proto == 6 || ps->proto == 17)
        p.flags |= PKT_PORTS;
    p.tcp_flags = ps->tcp_flags;
    p.icmp_type = ps->itype;
    p.icmp_code = ps->icode;
    p.l4 = l4;
    p.l4_len = sizeof(l4);
    p.payload = payload;
    p.payload_len = len;
    p.ts_us = 1000000;
    struct flow f;
    memset(&f, 0, sizeof(f));
    f.key.proto = ps->proto;
    f.key.ipver = 4;
    f.tcp_state = ps->established ? FLOW_TCP_ESTABLISHED : FLOW_TCP_SYN_SENT;
    f.pkts[0] = f.pkts[1] = ps->established ? 2 : 0;
    if (!ps->established)
        f.pkts[0] = 1;
    struct detect_packet dp = { .p = &p, .f = &f, .dir = ps->dir };
    detect_begin(dt, &dp);
    detect_run_packet(dt);
    int n = detect_pending(dt);
    detect_thread_free(dt);
    detect_flow_free(&f);
    detect_engine_free(de);
    return n;
}

static int pkt(const char *rule, const char *payload)
{
    return run_pkt(rule, payload, (uint32_t)strlen(payload), &default_pkt);
}

#define MATCH(rule, payload) CHECK_EQ(pkt(rule, payload), 1)
#define NOMATCH(rule, payload) CHECK_EQ(pkt(rule, payload), 0)

/* ---------------------------------------------------------------------------------- */

static void test_content(void)
{
    MATCH("alert tcp any any -> any any (content:\"abc\"; sid:1;)", "xxabcxx");
    NOMATCH("alert tcp any any -> any any (content:\"abd\"; sid:1;)", "xxabcxx");
    /* hex and mixed */
    MATCH("alert tcp any any -> any any (content:\"|61 62|c\"; sid:1;)", "xxabcxx");
    MATCH("alert tcp any any -> any any (content:\"a|62|c\"; sid:1;)", "abc");
    /* escapes */
    MATCH("alert tcp any any -> any any (content:\"a\\;b\"; sid:1;)", "a;b");
    MATCH("alert tcp any any -> any any (content:\"a\\\"b\"; sid:1;)", "a\"b");
    MATCH("alert tcp any any -> any any (content:\"a\\\\b\"; sid:1;)", "a\\b");
    /* nocase */
    NOMATCH("alert tcp any any -> any any (content:\"ABC\"; sid:1;)", "xxabcxx");
    MATCH("alert tcp any any -> any any (content:\"ABC\"; nocase; sid:1;)", "xxabcxx");
    /* negation */
    MATCH("alert tcp any any -> any any (content:!\"zzz\"; sid:1;)", "xxabcxx");
    NOMATCH("alert tcp any any -> any any (content:!\"abc\"; sid:1;)", "xxabcxx");
    MATCH("alert tcp any any -> any any (content:\"abc\"; content:!\"zzz\"; sid:1;)", "xxabcxx");
    /* several contents, any order unless relative */
    MATCH("alert tcp any any -> any any (content:\"cx\"; content:\"ab\"; sid:1;)", "xxabcxx");
    /* depth / offset */
    MATCH("alert tcp any any -> any any (content:\"abc\"; depth:5; sid:1;)", "xxabcxx");
    NOMATCH("alert tcp any any -> any any (content:\"abc\"; depth:4; sid:1;)", "xxabcxx");
    MATCH("alert tcp any any -> any any (content:\"abc\"; offset:2; sid:1;)", "xxabcxx");
    NOMATCH("alert tcp any any -> any any (content:\"abc\"; offset:3; sid:1;)", "xxabcxx");
    MATCH("alert tcp any any -> any any (content:\"abc\"; offset:2; depth:3; sid:1;)", "xxabcxx");
    NOMATCH("alert tcp any any -> any any (content:\"abc\"; offset:1; depth:3; sid:1;)", "xxabcxx");
    /* depth counts from the offset (either order of the keywords) */
    MATCH("alert tcp any any -> any any (content:\"abc\"; depth:3; offset:2; sid:1;)", "xxabcxx");
    /* distance / within */
    MATCH("alert tcp any any -> any any (content:\"ab\"; content:\"xx\"; distance:1; sid:1;)", "xxabcxx");
    NOMATCH("alert tcp any any -> any any (content:\"ab\"; content:\"xx\"; distance:3; sid:1;)", "xxabcxx");
    MATCH("alert tcp any any -> any any (content:\"ab\"; content:\"cx\"; within:2; sid:1;)", "xxabcxx");
    NOMATCH("alert tcp any any -> any any (content:\"ab\"; content:\"xx\"; within:2; sid:1;)", "xxabcxx");
    MATCH("alert tcp any any -> any any (content:\"ab\"; content:\"xx\"; within:3; sid:1;)", "xxabcxx");
    MATCH("alert tcp any any -> any any (content:\"c\"; content:\"ab\"; distance:-3; within:2; sid:1;)", "xxabcxx");
    /* distance:0 means "after the previous match" */
    MATCH("alert tcp any any -> any any (content:\"b\"; content:\"c\"; distance:0; sid:1;)", "xxabcxx");
    NOMATCH("alert tcp any any -> any any (content:\"c\"; content:\"b\"; distance:0; sid:1;)", "xxabcxx");
    /* backtracking: the first "a" is followed by "q", the second by "b" */
    MATCH("alert tcp any any -> any any (content:\"a\"; content:\"b\"; within:1; sid:1;)", "aqab");
    MATCH("alert tcp any any -> any any (content:\"a\"; content:\"b\"; distance:0; within:1; sid:1;)", "aaab");
    MATCH("alert tcp any any -> any any (content:\"a\"; content:\"b\"; distance:1; within:1; sid:1;)", "aab");
    NOMATCH("alert tcp any any -> any any (content:\"a\"; content:\"b\"; distance:2; within:1; sid:1;)", "aab");
    /* negated relative */
    MATCH("alert tcp any any -> any any (content:\"ab\"; content:!\"x\"; within:1; sid:1;)", "xxabcxx");
    NOMATCH("alert tcp any any -> any any (content:\"ab\"; content:!\"c\"; within:1; sid:1;)", "xxabcxx");
    /* startswith / endswith */
    MATCH("alert tcp any any -> any any (content:\"xxa\"; startswith; sid:1;)", "xxabcxx");
    NOMATCH("alert tcp any any -> any any (content:\"abc\"; startswith; sid:1;)", "xxabcxx");
    MATCH("alert tcp any any -> any any (content:\"cxx\"; endswith; sid:1;)", "xxabcxx");
    NOMATCH("alert tcp any any -> any any (content:\"abc\"; endswith; sid:1;)", "xxabcxx");
    MATCH("alert tcp any any -> any any (content:\"xxabcxx\"; startswith; endswith; sid:1;)", "xxabcxx");
    /* fast_pattern forms load and do not change the result */
    MATCH("alert tcp any any -> any any (content:\"ab\"; content:\"xx\"; fast_pattern; sid:1;)", "xxabcxx");
    MATCH("alert tcp any any -> any any (content:\"abcxx\"; fast_pattern:2,3; sid:1;)", "xxabcxx");
    NOMATCH("alert tcp any any -> any any (content:\"abcxy\"; fast_pattern:0,3; sid:1;)", "xxabcxx");
    MATCH("alert tcp any any -> any any (content:\"abc\"; fast_pattern:only; sid:1;)", "xxabcxx");
    /* NUL bytes and high bytes */
    CHECK_EQ(run_pkt("alert tcp any any -> any any (content:\"|00 ff|a\"; sid:1;)", "x\0\xff" "a", 4,
                     &default_pkt), 1);
}

static void test_content_parse(void)
{
    CHECK(!loads("alert tcp any any -> any any (content:\"ab|4\"; sid:1;)"));
    CHECK(!loads("alert tcp any any -> any any (content:\"ab|4g|\"; sid:1;)"));
    CHECK(!loads("alert tcp any any -> any any (content:\"\"; sid:1;)"));
    CHECK(!loads("alert tcp any any -> any any (content:\"abc\"; depth:2; sid:1;)"));
    CHECK(!loads("alert tcp any any -> any any (content:\"abc\"; within:2; sid:1;)"));
    /* a relative first content counts from the buffer's start (Suricata loads it) */
    CHECK(loads("alert tcp any any -> any any (content:\"abc\"; distance:1; sid:1;)"));
    MATCH("alert tcp any any -> any any (content:\"xab\"; distance:1; sid:1;)", "xxabcxx");
    NOMATCH("alert tcp any any -> any any (content:\"xxa\"; distance:1; sid:1;)", "xxabcxx");
    CHECK(!loads("alert tcp any any -> any any (content:\"a\"; content:\"b\"; depth:3; distance:1; sid:1;)"));
    CHECK(!loads("alert tcp any any -> any any (content:\"a\"; nocase; nocase; sid:1;)"));
    CHECK(!loads("alert tcp any any -> any any (nocase; content:\"a\"; sid:1;)"));
    CHECK(!loads("alert tcp any any -> any any (content:\"abc\"; fast_pattern:2,5; sid:1;)"));
    CHECK(!loads("alert tcp any any -> any any (content:\"a\"; fast_pattern; content:\"b\"; fast_pattern; sid:1;)"));
    CHECK(!loads("alert tcp any any -> any any (content:\"a\"; sid:1)"));
    CHECK(!loads("alert tcp any any -> any any (content:\"a\"; foo; sid:1;)"));
    CHECK(!loads("alert tcp any any -> any any (content:\"a\";)"));
    CHECK(!loads("alert tcp any any <- any any (content:\"a\"; sid:1;)"));
    CHECK(!loads("alert foo any any -> any any (content:\"a\"; sid:1;)"));
    CHECK(!loads("hello tcp any any -> any any (content:\"a\"; sid:1;)"));
    CHECK(loads("alert tcp any any -> any any (content:\"a\"; sid:1; rev:2; gid:3; priority:1; \
reference:url,example.com; metadata:created_at 2026_01_01, mitre_technique_id T1059; msg:\"x\";)"));
}

static void test_header(void)
{
    struct pkt_spec ps = default_pkt;
    MATCH("alert tcp 10.0.0.0/8 any -> any 80 (content:\"a\"; sid:1;)", "a");
    NOMATCH("alert tcp 10.0.0.0/8 any -> any 81 (content:\"a\"; sid:1;)", "a");
    NOMATCH("alert tcp !10.0.0.0/8 any -> any any (content:\"a\"; sid:1;)", "a");
    MATCH("alert tcp $HOME_NET any -> $EXTERNAL_NET $HTTP_PORTS (content:\"a\"; sid:1;)", "a");
    NOMATCH("alert tcp $EXTERNAL_NET any -> $HOME_NET any (content:\"a\"; sid:1;)", "a");
    MATCH("alert tcp $EXTERNAL_NET any <> $HOME_NET any (content:\"a\"; sid:1;)", "a");
    MATCH("alert tcp any [1:1024,40000] -> any [!81,80] (content:\"a\"; sid:1;)", "a");
    NOMATCH("alert udp any any -> any any (content:\"a\"; sid:1;)", "a");
    MATCH("alert ip any any -> any any (content:\"a\"; sid:1;)", "a");
    ps.proto = 17;
    CHECK_EQ(run_pkt("alert udp any any -> any 80 (content:\"a\"; sid:1;)", "a", 1, &ps), 1);
    CHECK_EQ(run_pkt("alert tcp any any -> any 80 (content:\"a\"; sid:1;)", "a", 1, &ps), 0);
    /* pass rules hide alerts */
    CHECK_EQ(pkt("pass tcp any any -> any any (content:\"a\"; sid:2;)\n"
                 "alert tcp any any -> any any (content:\"a\"; sid:1;)", "a"), 0);
    /* two rules, two alerts */
    CHECK_EQ(pkt("alert tcp any any -> any any (content:\"a\"; sid:2;)\n"
                 "alert tcp any any -> any any (content:\"b\"; sid:1;)", "ab"), 2);
}

static void test_flow_keyword(void)
{
    struct pkt_spec ps = default_pkt;
    MATCH("alert tcp any any -> any any (flow:established,to_server; content:\"a\"; sid:1;)", "a");
    NOMATCH("alert tcp any any -> any any (flow:to_client; content:\"a\"; sid:1;)", "a");
    NOMATCH("alert tcp any any -> any any (flow:not_established; content:\"a\"; sid:1;)", "a");
    MATCH("alert tcp any any -> any any (flow:stateless; content:\"a\"; sid:1;)", "a");
    ps.established = false;
    CHECK_EQ(run_pkt("alert tcp any any -> any any (flow:established; content:\"a\"; sid:1;)", "a", 1, &ps), 0);
    CHECK_EQ(run_pkt("alert tcp any any -> any any (flow:not_established; content:\"a\"; sid:1;)", "a", 1, &ps), 1);
    CHECK(!loads("alert tcp any any -> any any (flow:to_server,to_client; sid:1;)"));
    CHECK(!loads("alert tcp any any -> any any (flow:sideways; sid:1;)"));
}

static void test_packet_keywords(void)
{
    struct pkt_spec ps = default_pkt;
    MATCH("alert tcp any any -> any any (dsize:3; sid:1;)", "abc");
    NOMATCH("alert tcp any any -> any any (dsize:>3; sid:1;)", "abc");
    MATCH("alert tcp any any -> any any (dsize:2<>4; sid:1;)", "abc");
    NOMATCH("alert tcp any any -> any any (dsize:3<>4; sid:1;)", "abc");
    MATCH("alert tcp any any -> any any (dsize:!4; sid:1;)", "abc");
    MATCH("alert tcp any any -> any any (ttl:64; sid:1;)", "abc");
    MATCH("alert tcp any any -> any any (ttl:<65; sid:1;)", "abc");
    NOMATCH("alert tcp any any -> any any (ttl:>64; sid:1;)", "abc");
    MATCH("alert tcp any any -> any any (flags:PA; sid:1;)", "abc");
    NOMATCH("alert tcp any any -> any any (flags:S; sid:1;)", "abc");
    MATCH("alert tcp any any -> any any (flags:+A; sid:1;)", "abc");
    MATCH("alert tcp any any -> any any (flags:*SA; sid:1;)", "abc");
    MATCH("alert tcp any any -> any any (flags:!S; sid:1;)", "abc");
    MATCH("alert tcp any any -> any any (flags:A,P; sid:1;)", "abc");
    MATCH("alert tcp any any -> any any (ip_proto:6; sid:1;)", "abc");
    MATCH("alert tcp any any -> any any (ip_proto:tcp; sid:1;)", "abc");
    NOMATCH("alert ip any any -> any any (ip_proto:17; sid:1;)", "abc");
    MATCH("alert ip any any -> any any (ip_proto:!17; sid:1;)", "abc");
    NOMATCH("alert ip any any -> any any (ip_proto:!6; sid:1;)", "abc");
    MATCH("alert ip any any -> any any (ip_proto:<10; sid:1;)", "abc");
    NOMATCH("alert ip any any -> any any (ip_proto:>10; sid:1;)", "abc");
    NOMATCH("alert ip any any -> any any (sameip; sid:1;)", "abc");
    ps.dst = "10.0.0.1";
    CHECK_EQ(run_pkt("alert ip any any -> any any (sameip; sid:1;)", "a", 1, &ps), 1);
    ps = default_pkt;
    ps.proto = 1;
    ps.itype = 8;
    ps.icode = 0;
    CHECK_EQ(run_pkt("alert icmp any any -> any any (itype:8; icode:0; sid:1;)", "a", 1, &ps), 1);
    CHECK_EQ(run_pkt("alert icmp any any -> any any (itype:0; sid:1;)", "a", 1, &ps), 0);
    CHECK_EQ(run_pkt("alert icmp any any -> any any (itype:>5; sid:1;)", "a", 1, &ps), 1);
    CHECK(!loads("alert tcp any any -> any any (dsize:abc; sid:1;)"));
    CHECK(!loads("alert tcp any any -> any any (ttl:300; sid:1;)"));
    CHECK(!loads("alert udp any any -> any any (flags:S; sid:1;)"));
}

static void test_flowbits(void)
{
    /* setter ordered before the reader: the reader sees the bit on the same packet */
    CHECK_EQ(pkt("alert tcp any any -> any any (content:\"b\"; flowbits:isset,x; sid:2;)\n"
                 "alert tcp any any -> any any (content:\"a\"; flowbits:set,x; flowbits:noalert; sid:1;)",
                 "ab"), 1);
    CHECK_EQ(pkt("alert tcp any any -> any any (content:\"b\"; flowbits:isnotset,x; sid:2;)", "ab"), 1);
    CHECK_EQ(pkt("alert tcp any any -> any any (content:\"b\"; flowbits:isset,x|y; sid:2;)\n"
                 "alert tcp any any -> any any (content:\"a\"; flowbits:set,y; noalert; sid:1;)",
                 "ab"), 1);
    CHECK_EQ(pkt("alert tcp any any -> any any (content:\"b\"; flowbits:isset,x&y; sid:2;)\n"
                 "alert tcp any any -> any any (content:\"a\"; flowbits:set,y; noalert; sid:1;)",
                 "ab"), 0);
    CHECK(!loads("alert tcp any any -> any any (flowbits:frob,x; sid:1;)"));
    CHECK(!loads("alert tcp any any -> any any (flowbits:set; sid:1;)"));
}

static void test_flowint(void)
{
    CHECK_EQ(pkt("alert tcp any any -> any any (content:\"b\"; flowint:n,>,1; sid:2;)\n"
                 "alert tcp any any -> any any (content:\"a\"; flowint:n,=,2; noalert; sid:1;)",
                 "ab"), 1);
    CHECK_EQ(pkt("alert tcp any any -> any any (content:\"b\"; flowint:n,isset; sid:2;)", "ab"), 0);
    CHECK_EQ(pkt("alert tcp any any -> any any (content:\"b\"; flowint:n,notset; sid:2;)", "ab"), 1);
    CHECK(!loads("alert tcp any any -> any any (flowint:n,~,1; sid:1;)"));
}

static void test_pcre_byte(void)
{
    MATCH("alert tcp any any -> any any (pcre:\"/ab+c/\"; sid:1;)", "xxabbbcxx");
    NOMATCH("alert tcp any any -> any any (pcre:\"/^abc/\"; sid:1;)", "xxabcxx");
    MATCH("alert tcp any any -> any any (pcre:\"/ABC/i\"; sid:1;)", "xxabcxx");
    MATCH("alert tcp any any -> any any (content:\"ab\"; pcre:\"/^c/R\"; sid:1;)", "xxabcxx");
    NOMATCH("alert tcp any any -> any any (content:\"ab\"; pcre:\"/^x/R\"; sid:1;)", "xxabcxx");
    MATCH("alert tcp any any -> any any (pcre:!\"/zzz/\"; sid:1;)", "xxabcxx");
    MATCH("alert tcp any any -> any any (content:\"|01 02|\"; byte_test:1,=,3,0,relative; sid:1;)",
          "\x01\x02\x03");
    NOMATCH("alert tcp any any -> any any (content:\"|01 02|\"; byte_test:1,>,3,0,relative; sid:1;)",
            "\x01\x02\x03");
    MATCH("alert tcp any any -> any any (byte_jump:1,0; content:\"z\"; within:1; sid:1;)", "\x02xyz");
    MATCH("alert tcp any any -> any any (byte_extract:1,0,len; content:\"z\"; distance:len; within:1; sid:1;)",
          "\x02xyz");
    MATCH("alert tcp any any -> any any (content:\"ab\"; isdataat:2,relative; sid:1;)", "xxabcxx");
    NOMATCH("alert tcp any any -> any any (content:\"ab\"; isdataat:4,relative; sid:1;)", "xxabcxx");
    MATCH("alert tcp any any -> any any (content:\"ab\"; isdataat:!4,relative; sid:1;)", "xxabcxx");
}

static void test_threshold(void)
{
    /* detection_filter: alerts after the count is exceeded (one packet here: no) */
    CHECK_EQ(pkt("alert tcp any any -> any any (content:\"a\"; detection_filter:track by_src, count 1, seconds 60; sid:1;)", "a"), 0);
    CHECK_EQ(pkt("alert tcp any any -> any any (content:\"a\"; threshold:type limit, track by_src, count 1, seconds 60; sid:1;)", "a"), 1);
    CHECK(!loads("alert tcp any any -> any any (threshold:type limit, track by_src, count 1; sid:1;)"));
    CHECK(!loads("alert tcp any any -> any any (threshold:type what, track by_src, count 1, seconds 1; sid:1;)"));
}

/* Several packets through one engine and flow: alerts per packet. */
static void run_seq(const char *rules, int npkts, const char *srcs[], int *alerts)
{
    struct detect_engine *de = load(rules, NULL);
    char err[CANH_ERRBUF_SIZE];
    struct detect_thread *dt = de ? detect_thread_new(de, err) : NULL;
    for (int i = 0; i < npkts; i++) {
        alerts[i] = -1;
        if (dt == NULL)
            continue;
        struct packet p;
        memset(&p, 0, sizeof(p));
        p.ipver = 4;
        p.proto = 6;
        p.ttl = 64;
        ip4(srcs[i], &p.src);
        ip4("192.0.2.1", &p.dst);
        p.sport = 40000;
        p.dport = 80;
        p.flags = PKT_PORTS;
        p.tcp_flags = 0x18;
        p.payload = (const uint8_t *)"abc";
        p.payload_len = 3;
        p.ts_us = 1000000 + (uint64_t)i * 1000;
        struct detect_packet dp = { .p = &p, .f = NULL, .dir = FLOW_TO_SERVER };
        detect_begin(dt, &dp);
        detect_run_packet(dt);
        alerts[i] = (int)detect_pending(dt);
    }
    detect_thread_free(dt);
    detect_engine_free(de);
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    if (f != NULL) {
        fputs(text, f);
        fclose(f);
    }
}

/* threshold.config: suppress (all, by address), threshold replacing the rule's, rate_filter. */
static void test_threshold_config(void)
{
    const char *srcs[4] = { "10.0.0.1", "10.0.0.2", "10.0.0.1", "10.0.0.1" };
    const char *rule = "alert tcp any any -> any any (content:\"abc\"; sid:7;)";
    int a[4];
    char path[] = "/tmp/canh-test-threshold-XXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0);
    close(fd);
    threshold_file = path;

    write_file(path, "suppress gen_id 1, sig_id 7\n");
    run_seq(rule, 4, srcs, a);
    CHECK(a[0] == 0 && a[1] == 0 && a[2] == 0 && a[3] == 0);

    write_file(path, "suppress gen_id 1, sig_id 7, track by_src, ip 10.0.0.2\n");
    run_seq(rule, 4, srcs, a);
    CHECK(a[0] == 1 && a[1] == 0 && a[2] == 1 && a[3] == 1);

    /* limit 1 per source per minute: first of each source only */
    write_file(path, "threshold gen_id 1, sig_id 7, type limit, track by_src, count 1, seconds 60\n");
    run_seq(rule, 4, srcs, a);
    CHECK(a[0] == 1 && a[1] == 1 && a[2] == 0 && a[3] == 0);

    /* threshold: every 2nd match of a source */
    write_file(path, "event_filter gen_id 1, sig_id 7, type threshold, track by_src, count 2, seconds 60\n");
    run_seq(rule, 4, srcs, a);
    CHECK(a[0] == 0 && a[1] == 0 && a[2] == 1 && a[3] == 0);

    /* sig_id 0: every rule */
    write_file(path, "threshold gen_id 0, sig_id 0, type both, track by_rule, count 3, seconds 60\n");
    run_seq(rule, 4, srcs, a);
    CHECK(a[0] == 0 && a[1] == 0 && a[2] == 1 && a[3] == 0);

    /* rate_filter: still alerts (the action changes), bad lines are skipped */
    write_file(path, "rate_filter gen_id 1, sig_id 7, track by_rule, count 1, seconds 60, new_action drop, timeout 10\n"
                     "bogus line\nthreshold gen_id 1, sig_id 7, type limit\n");
    run_seq(rule, 4, srcs, a);
    CHECK(a[0] == 1 && a[1] == 1 && a[2] == 1 && a[3] == 1);

    threshold_file = NULL;
    unlink(path);
}

/* The inspection's memos (remembered searches, remembered failures of the rest of a
 * list) change how much is searched, never the answer: random lists of contents and
 * pcres over random buffers give the same result, the same step count and the same
 * recursion-limit verdict with and without them. */
static uint32_t rnd_state = 12345;
static uint32_t rnd(uint32_t n)
{
    rnd_state = rnd_state * 1103515245u + 12345u;
    return (rnd_state >> 8) % n;
}

static void test_inspect_memo(void)
{
    static const char *alpha = "abcA";
    enum { NRULES = 300, NBUFS = 40 };
    char *text = malloc(NRULES * 400);
    size_t o = 0;
    for (int r = 0; r < NRULES; r++) {
        o += (size_t)sprintf(text + o, "alert tcp any any -> any any (msg:\"m\"; ");
        int ne = 2 + (int)rnd(5);
        for (int e = 0; e < ne; e++) {
            if (e > 0 && rnd(6) == 0) {
                static const char *pc[] = { "/^a/R", "/b+c/R", "/^[ab]{1,3}c/R", "/A/iR" };
                o += (size_t)sprintf(text + o, "pcre:\"%s\"; ", pc[rnd(4)]);
                continue;
            }
            char pat[4];
            int pl = 1 + (int)rnd(2);
            for (int k = 0; k < pl; k++)
                pat[k] = alpha[rnd(4)];
            pat[pl] = 0;
            bool neg = e > 0 && rnd(8) == 0;
            o += (size_t)sprintf(text + o, "content:%s\"%s\"; ", neg ? "!" : "", pat);
            if (rnd(3) == 0)
                o += (size_t)sprintf(text + o, "nocase; ");
            if (e == 0) {
                if (rnd(4) == 0)
                    o += (size_t)sprintf(text + o, "offset:%u; ", rnd(5));
                if (rnd(4) == 0)
                    o += (size_t)sprintf(text + o, "depth:%u; ", 20 + rnd(200));
            } else {
                o += (size_t)sprintf(text + o, "distance:%d; ", (int)rnd(4) - (rnd(5) == 0 ? 2 : 0));
                if (rnd(3) == 0)
                    o += (size_t)sprintf(text + o, "within:%u; ", pl + rnd(30));
            }
        }
        o += (size_t)sprintf(text + o, "sid:%d;)\n", r + 1);
    }
    struct detect_load_stats st;
    struct detect_engine *de = load(text, &st);
    free(text);
    CHECK(de != NULL && st.loaded == NRULES);
    if (de == NULL)
        return;
    char err[CANH_ERRBUF_SIZE];
    static struct inspect_ctx a, b;
    a.pcre_thread = detect_pcre_thread_new(de->pcre_max_pairs, err);
    b.pcre_thread = detect_pcre_thread_new(de->pcre_max_pairs, err);
    b.memo_off = true;
    static uint8_t buf[4000];
    int diff = 0, limited = 0, matched = 0;
    for (int i = 0; i < NBUFS; i++) {
        /* short buffers, and long ones dense with occurrences (the recursion limit) */
        uint32_t len = i % 4 == 3 ? 1000 + rnd(3000) : rnd(300);
        for (uint32_t k = 0; k < len; k++)
            buf[k] = (uint8_t)alpha[rnd(i % 2 ? 2 : 4)];
        for (uint32_t r = 0; r < de->nsigs; r++) {
            const struct sig *s = de->sigs[r];
            const struct sm_list *l = &s->bufs[0].list;
            bool ra = detect_inspect_buffer(&a, l, buf, len);
            bool rb = detect_inspect_buffer(&b, l, buf, len);
            if (ra != rb || a.steps != b.steps || a.limited != b.limited) {
                if (diff++ < 3)
                    fprintf(stderr, "  memo differs: sid %u buffer %d (len %u): %d/%d steps %u/%u limited %d/%d\n",
                            s->sid, i, len, ra, rb, a.steps, b.steps, a.limited, b.limited);
            }
            limited += a.limited;
            matched += ra;
        }
    }
    CHECK(diff == 0);
    /* the random cases reach both answers and the limit */
    CHECK(matched > 100 && matched < NRULES * NBUFS - 100);
    CHECK(limited > 0);
    detect_pcre_thread_free(a.pcre_thread);
    detect_pcre_thread_free(b.pcre_thread);
    detect_engine_free(de);
}

/* The prefilter reads a buffer only as far as its patterns can matter (depth, or within
 * on a first element): a pattern near the start is found there, one further is not
 * needed, and a rule with an unbounded pattern in the same group still sees the whole
 * packet. Verdicts as without the bound. */
static void test_prefilter_bounds(void)
{
    static const char elf[] = "alert tcp any any -> any any (msg:\"elf\"; content:\"|7f|ELF\"; depth:4; sid:1;)";
    static const char gif[] = "alert tcp any any -> any any (msg:\"gif\"; content:\"GIF89a\"; within:6; sid:2;)";
    static const char off[] = "alert tcp any any -> any any (msg:\"off\"; content:\"PK|03 04|\"; offset:30; depth:4; sid:3;)";
    MATCH(elf, "\x7f" "ELF and then some");
    NOMATCH(elf, "junk \x7f" "ELF");
    MATCH(gif, "GIF89a....");
    NOMATCH(gif, ".GIF89a...");
    MATCH("alert tcp any any -> any any (content:\"GIF89a\"; distance:4; within:6; sid:5;)", "....GIF89a..");
    NOMATCH("alert tcp any any -> any any (content:\"GIF89a\"; distance:4; within:6; sid:5;)", ".....GIF89a.");
    char buf[80];
    memset(buf, '.', sizeof(buf) - 1);
    buf[sizeof(buf) - 1] = 0;
    memcpy(buf + 30, "PK\x03\x04", 4);
    MATCH(off, buf);
    memcpy(buf + 30, "....", 4);
    memcpy(buf + 31, "PK\x03\x04", 4);
    NOMATCH(off, buf);
    /* with an unbounded rule beside, both verdicts hold over a long buffer */
    char two[400];
    snprintf(two, sizeof(two), "%s\n%s\nalert tcp any any -> any any (msg:\"far\"; content:\"tail-marker\"; sid:4;)", elf, gif);
    static char longp[2100];
    memset(longp, 'a', sizeof(longp) - 1);
    memcpy(longp, "GIF89a", 6);
    memcpy(longp + 2000, "tail-marker", 11);
    CHECK_EQ(pkt(two, longp), 2);
    memcpy(longp, "\x7f" "ELF..", 6);
    CHECK_EQ(pkt(two, longp), 2);
    memcpy(longp, "aaaaaa", 6);
    CHECK_EQ(pkt(two, longp), 1);
}

/* Rules without a pattern run on every packet of their group, after a first test; a
 * group whose rules all name ports skips packets to other ports at once. */
static void test_patternless_ports(void)
{
    static const char two[] =
        "alert tcp any any -> any 22 (msg:\"ssh syn\"; flags:S; sid:1;)\n"
        "alert tcp any any -> any [5900:5920,1433] (msg:\"vnc\"; flags:S; sid:2;)";
    struct pkt_spec ps = default_pkt;
    ps.tcp_flags = 0x02;
    ps.dport = 22;
    CHECK_EQ(run_pkt(two, "", 0, &ps), 1);
    ps.dport = 5910;
    CHECK_EQ(run_pkt(two, "", 0, &ps), 1);
    ps.dport = 1433;
    CHECK_EQ(run_pkt(two, "", 0, &ps), 1);
    ps.dport = 23;
    CHECK_EQ(run_pkt(two, "", 0, &ps), 0);
    ps.dport = 5921;
    CHECK_EQ(run_pkt(two, "", 0, &ps), 0);
    /* with a rule for any port beside them, every port is walked */
    char three[512];
    snprintf(three, sizeof(three), "%s\nalert tcp any any -> any any (msg:\"syn\"; flags:S; sid:3;)", two);
    ps.dport = 23;
    CHECK_EQ(run_pkt(three, "", 0, &ps), 1);
    ps.dport = 22;
    CHECK_EQ(run_pkt(three, "", 0, &ps), 2);
    /* rules for any destination port but a named source port (replies from 3389), and
     * an ip_proto rule that cannot be TCP (it does not make the TCP group walk all) */
    static const char replies[] =
        "alert tcp any 3389 -> any any (msg:\"rdp synack\"; flags:SA; sid:1;)\n"
        "alert ip any any -> any any (msg:\"6in4\"; ip_proto:41; sid:2;)";
    ps = default_pkt;
    ps.tcp_flags = 0x12;
    ps.sport = 3389;
    ps.dport = 50000;
    CHECK_EQ(run_pkt(replies, "", 0, &ps), 1);
    ps.sport = 3390;
    CHECK_EQ(run_pkt(replies, "", 0, &ps), 0);
    ps = default_pkt;
    ps.proto = 41;
    CHECK_EQ(run_pkt(replies, "", 0, &ps), 1);
}

/* The IP-only index (large enough for its /16 table): for random packets, every rule
 * whose source and destination sets hold the packet's addresses is a candidate, and no
 * candidate has neither address in its sets unless a side is 'any'. */
static void test_iponly_index(void)
{
    enum { NRULES = 400, NPKTS = 4000 };
    char *text = malloc(NRULES * 200);
    size_t o = 0;
    for (int r = 0; r < NRULES; r++) {
        o += (size_t)sprintf(text + o, "alert ip [");
        int n = 1 + (int)rnd(3);
        for (int k = 0; k < n; k++)
            o += (size_t)sprintf(text + o, "%s10.%u.%u.%u/%u", k ? "," : "", rnd(4), rnd(256), rnd(256),
                                 24 + rnd(9));
        if (r % 10 == 0)
            o += (size_t)sprintf(text + o, "] any -> any any (msg:\"m\"; sid:%d;)\n", r + 1);
        else
            o += (size_t)sprintf(text + o, "] any -> [192.0.2.0/24,10.%u.0.0/16] any (msg:\"m\"; sid:%d;)\n",
                                 rnd(4), r + 1);
    }
    struct detect_load_stats st;
    struct detect_engine *de = load(text, &st);
    free(text);
    CHECK(de != NULL && st.loaded == NRULES && de->niponly == NRULES);
    if (de == NULL)
        return;
    uint32_t *cand = malloc(de->nsigs * sizeof(*cand));
    int missed = 0, spurious = 0, matched = 0;
    for (int i = 0; i < NPKTS; i++) {
        struct packet p;
        memset(&p, 0, sizeof(p));
        p.ipver = 4;
        p.src.b[0] = 10;
        p.src.b[1] = (uint8_t)rnd(4);
        p.src.b[2] = (uint8_t)rnd(256);
        p.src.b[3] = (uint8_t)rnd(256);
        p.dst.b[0] = rnd(2) ? 192 : 10;
        p.dst.b[1] = p.dst.b[0] == 192 ? 0 : (uint8_t)rnd(4);
        p.dst.b[2] = p.dst.b[0] == 192 ? 2 : (uint8_t)rnd(256);
        p.dst.b[3] = (uint8_t)rnd(256);
        uint32_t n = detect_iponly_candidates(de->iponly_index, &p, cand, de->nsigs);
        for (uint32_t r = 0; r < de->nsigs; r++) {
            const struct sig *s = de->sigs[r];
            bool sm = (s->flags & SIG_SRC_ANY) || addr_set_match_ip(s->src, 4, &p.src);
            bool dm = (s->flags & SIG_DST_ANY) || addr_set_match_ip(s->dst, 4, &p.dst);
            bool in = false;
            for (uint32_t k = 0; k < n; k++)
                in = in || cand[k] == r;
            if (sm && dm) {
                matched++;
                missed += !in;
            } else if (in && !sm && !dm) {
                spurious++;
            }
        }
    }
    CHECK(missed == 0);
    CHECK(spurious == 0);
    CHECK(matched > 100);
    free(cand);
    detect_engine_free(de);
}

/* Port-split groups (64 patterns or more): rules naming destination ports, source
 * ports, ranges and lists are found on their ports only, rules for any port everywhere. */
static void test_port_buckets(void)
{
    char *text = malloc(100 * 160);
    size_t o = 0;
    for (int r = 0; r < 100; r++) {
        static const char *const hdrs[4] = { "any any -> any any", "any any -> any [8000:8099]",
                                             "any any -> any 1000", "any 2000 -> any any" };
        const char *hdr = r == 1 ? "any any -> any [22,8050,60000:60010]" : hdrs[r % 4];
        o += (size_t)sprintf(text + o, "alert tcp %s (msg:\"m\"; content:\"pat%03d\"; sid:%d;)\n", hdr, r, r + 1);
    }
    struct { uint16_t sport, dport; int rule; int want; } cases[] = {
        { 40000, 80, 0, 1 },     /* any port */
        { 40000, 8050, 5, 1 },   /* range */
        { 40000, 8100, 5, 0 },
        { 40000, 1000, 6, 1 },   /* one port */
        { 40000, 1001, 6, 0 },
        { 2000, 55555, 7, 1 },   /* source port */
        { 2001, 55555, 7, 0 },
        { 40000, 22, 1, 1 },     /* list */
        { 40000, 60005, 1, 1 },
        { 40000, 60011, 1, 0 },
        { 40000, 8050, 1, 1 },
    };
    for (unsigned i = 0; i < ARRAY_SIZE(cases); i++) {
        struct pkt_spec ps = default_pkt;
        ps.sport = cases[i].sport;
        ps.dport = cases[i].dport;
        char payload[16];
        snprintf(payload, sizeof(payload), "xxpat%03dxx", cases[i].rule);
        int got = run_pkt(text, payload, (uint32_t)strlen(payload), &ps);
        if (got != cases[i].want)
            fprintf(stderr, "  port case %u: sport %u dport %u rule %d: %d alerts, want %d\n", i,
                    cases[i].sport, cases[i].dport, cases[i].rule, got, cases[i].want);
        CHECK_EQ(got, cases[i].want);
    }
    free(text);
}

/* A body that grows over several calls is scanned again only from where the last scan
 * ended (less the longest pattern): a pattern across that point is still found, and a
 * rule whose pattern was in the early part and whose other content comes later is
 * still evaluated (it waits in the pending list). */
struct growing_body {
    const uint8_t *data;
    uint32_t len;
    bool final;
};

static int growing_get(void *ctx, int buf, uint32_t idx, const uint8_t **data, uint32_t *len,
                       bool *final)
{
    const struct growing_body *b = ctx;
    if (buf != DETECT_BUF_FILE_DATA || idx > 0)
        return DETECT_GET_NEVER;
    *data = b->data;
    *len = b->len;
    *final = b->final;
    return DETECT_GET_OK;
}

static void test_growing_body(void)
{
    static const char rules[] =
        "alert http any any -> any any (msg:\"span\"; flow:to_client; file_data; content:\"BOUNDARY-SPAN-MARK\"; sid:1;)\n"
        "alert http any any -> any any (msg:\"late\"; flow:to_client; file_data; content:\"EARLYMARK\"; fast_pattern; content:\"LATEMARK\"; distance:0; sid:2;)\n"
        "alert http any any -> any any (msg:\"never\"; flow:to_client; file_data; content:\"NOWHERE-TO-BE-FOUND\"; sid:3;)";
    struct detect_engine *de = load(rules, NULL);
    CHECK(de != NULL);
    if (de == NULL)
        return;
    char err[CANH_ERRBUF_SIZE];
    struct detect_thread *dt = detect_thread_new(de, err);
    static uint8_t body[80000];
    memset(body, 'x', sizeof(body));
    memcpy(body + 100, "EARLYMARK", 9);
    memcpy(body + 35000 - 8, "BOUNDARY-SPAN-MARK", 18); /* across the end of the 2nd scan */
    memcpy(body + 75000, "LATEMARK", 8);
    struct packet p;
    memset(&p, 0, sizeof(p));
    p.ipver = 4;
    p.proto = 6;
    p.flags = PKT_PORTS;
    p.sport = 80;
    p.dport = 40000;
    struct flow f;
    memset(&f, 0, sizeof(f));
    f.key.proto = 6;
    f.key.ipver = 4;
    f.tcp_state = FLOW_TCP_ESTABLISHED;
    f.pkts[0] = f.pkts[1] = 2;
    f.alproto = ALPROTO_HTTP;
    /* scans at 1500 (whole), 35000 (32 KiB more), 70000, and the final 80000 */
    static const uint32_t steps[] = { 1500, 35000, 70000, 80000 };
    int fired[4] = { 0 };
    for (unsigned i = 0; i < ARRAY_SIZE(steps); i++) {
        struct growing_body gb = { body, steps[i], i + 1 == ARRAY_SIZE(steps) };
        struct detect_tx tx = { .alproto = ALPROTO_HTTP, .id = 0, .ctx = &gb, .get = growing_get };
        tx.complete[1] = gb.final;
        struct detect_packet dp = { .p = &p, .f = &f, .dir = FLOW_TO_CLIENT, .alproto = ALPROTO_HTTP };
        detect_begin(dt, &dp);
        detect_run_tx(dt, FLOW_TO_CLIENT, &tx);
        fired[i] = (int)detect_pending(dt); /* detect_begin empties the queue */
    }
    /* the span is complete at the 3rd call (70000), LATEMARK at the 4th (final) */
    CHECK_EQ(fired[0], 0);
    CHECK_EQ(fired[1], 0);
    CHECK_EQ(fired[2], 1);
    CHECK_EQ(fired[3], 1);
    detect_thread_free(dt);
    detect_flow_free(&f);
    detect_engine_free(de);
}

int main(void)
{
    test_content();
    test_content_parse();
    test_header();
    test_flow_keyword();
    test_packet_keywords();
    test_flowbits();
    test_flowint();
    test_pcre_byte();
    test_threshold();
    test_threshold_config();
    test_inspect_memo();
    test_prefilter_bounds();
    test_patternless_ports();
    test_iponly_index();
    test_port_buckets();
    test_growing_body();
    if (rule_fd >= 0) {
        close(rule_fd);
        unlink(rule_path);
    }
    printf("test-detect: %d checks, %d failed\n", test_checks, test_failures);
    return test_failures;
}
