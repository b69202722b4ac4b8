/* DNS message parser (applayer-dns.c) and its EVE event (output-eve-dns.c): crafted
 * messages of every decoded type, name compression (pointers, chains, loops, forward
 * and out-of-range pointers), name and label limits, counts that disagree with the
 * data, EDNS, the record caps, every message cut at every length (each cut copied into
 * a buffer of exactly its size, so that under ASan an over-read is caught), TCP framing,
 * and the exact JSON of query and answer events. */
#include <stdlib.h>

#include "applayer/applayer-dns.h"
#include "output/output-eve-dns.h"
#include "output/output-eve.h"
#include "test.h"

/* ---------------------------------------------------------------------------------- */
/* Message builder                                                                    */
/* ---------------------------------------------------------------------------------- */

struct mb {
    uint8_t b[70000];
    uint32_t n;
};

static void put8(struct mb *m, unsigned v)
{
    m->b[m->n++] = (uint8_t)v;
}

static void put16(struct mb *m, unsigned v)
{
    put8(m, v >> 8);
    put8(m, v & 0xff);
}

static void put32(struct mb *m, uint32_t v)
{
    put16(m, v >> 16);
    put16(m, v & 0xffff);
}

static void putbytes(struct mb *m, const void *p, uint32_t n)
{
    memcpy(m->b + m->n, p, n);
    m->n += n;
}

/* Labels of a dotted name, without the terminating root octet. */
static void putlabels(struct mb *m, const char *name)
{
    while (*name != '\0') {
        const char *dot = strchr(name, '.');
        size_t l = dot != NULL ? (size_t)(dot - name) : strlen(name);
        put8(m, (unsigned)l);
        putbytes(m, name, (uint32_t)l);
        name += l;
        if (*name == '.')
            name++;
    }
}

/* A whole name (labels and the root octet); returns its offset. */
static uint32_t putname(struct mb *m, const char *name)
{
    uint32_t at = m->n;
    putlabels(m, name);
    put8(m, 0);
    return at;
}

static void putptr(struct mb *m, unsigned off)
{
    put16(m, 0xc000 | off);
}

static void hdr(struct mb *m, unsigned id, unsigned flags, unsigned qd, unsigned an,
                unsigned ns, unsigned ar)
{
    m->n = 0;
    put16(m, id);
    put16(m, flags);
    put16(m, qd);
    put16(m, an);
    put16(m, ns);
    put16(m, ar);
}

/* A record's fixed part after its owner name; the RDATA follows. */
static void rrfix(struct mb *m, unsigned type, unsigned cls, uint32_t ttl, unsigned rdlen)
{
    put16(m, type);
    put16(m, cls);
    put32(m, ttl);
    put16(m, rdlen);
}

/* Patches a 16-bit RDLENGTH at 'at' to the bytes written since at + 2. */
static void rdlen_fix(struct mb *m, uint32_t at)
{
    uint32_t n = m->n - at - 2;
    m->b[at] = (uint8_t)(n >> 8);
    m->b[at + 1] = (uint8_t)n;
}

/* Writes the fixed part with a placeholder RDLENGTH; returns where to patch it. */
static uint32_t rrbegin(struct mb *m, unsigned type, unsigned cls, uint32_t ttl)
{
    rrfix(m, type, cls, ttl, 0);
    return m->n - 2;
}

static struct dns_message *msg_new(void)
{
    struct dns_message *d = malloc(sizeof(*d));
    if (d == NULL)
        abort();
    memset(d, 0xa5, sizeof(*d)); /* not zero: the parser must set what it reports */
    return d;
}

/* Parses a copy of exactly 'len' bytes (so ASan sees any over-read). */
static int parse(const uint8_t *b, uint32_t len, struct dns_message *d)
{
    uint8_t *copy = malloc(len > 0 ? len : 1);
    if (copy == NULL)
        abort();
    memcpy(copy, b, len);
    int rc = dns_parse(len > 0 ? copy : copy + 1, len, d);
    free(copy);
    return rc;
}

static int parse_mb(const struct mb *m, struct dns_message *d)
{
    return parse(m->b, m->n, d);
}

static const char *rdata_name(const struct dns_rr *rr, char out[DNS_NAME_TEXT_MAX])
{
    memcpy(out, rr->rdata + rr->rd_name_off, rr->rd_name_len);
    out[rr->rd_name_len] = '\0';
    return out;
}

static const char *rdata_name2(const struct dns_rr *rr, char out[DNS_NAME_TEXT_MAX])
{
    memcpy(out, rr->rdata + rr->rd_name2_off, rr->rd_name2_len);
    out[rr->rd_name2_len] = '\0';
    return out;
}

/* ---------------------------------------------------------------------------------- */
/* Header, question                                                                   */
/* ---------------------------------------------------------------------------------- */

static void test_query(struct dns_message *d)
{
    struct mb m;
    hdr(&m, 0x1234, 0x0120, 1, 0, 0, 0); /* RD, AD */
    putname(&m, "www.example.com");
    put16(&m, 1);
    put16(&m, 1);
    CHECK_EQ(parse_mb(&m, d), CANH_OK);
    CHECK_EQ(d->error, DNS_E_NONE);
    CHECK_EQ(d->id, 0x1234);
    CHECK_EQ(d->flags, 0x0120);
    CHECK(!d->qr && !d->aa && !d->tc && d->rd && !d->ra && !d->z && d->ad && !d->cd);
    CHECK_EQ(d->opcode, 0);
    CHECK_EQ(d->rcode, 0);
    CHECK_EQ(d->qdcount, 1);
    CHECK_EQ(d->ancount, 0);
    CHECK_EQ(d->nscount, 0);
    CHECK_EQ(d->arcount, 0);
    CHECK(d->has_question);
    CHECK_STR(d->q.name, "www.example.com");
    CHECK_EQ(d->q.name_len, 15);
    CHECK_EQ(d->q.type, 1);
    CHECK_EQ(d->q.qclass, 1);
    CHECK_EQ(d->nanswers, 0);
    CHECK_EQ(d->nauthorities, 0);
    CHECK(!d->has_edns);
}

static void test_flags(struct dns_message *d)
{
    struct mb m;
    /* QR, opcode 5 (UPDATE), AA, TC, RD, RA, Z, AD, CD, rcode 9 */
    hdr(&m, 0xffff, 0x8000 | 5 << 11 | 0x07f0 | 9, 0, 0, 0, 0);
    CHECK_EQ(parse_mb(&m, d), CANH_OK);
    CHECK_EQ(d->id, 0xffff);
    CHECK(d->qr && d->aa && d->tc && d->rd && d->ra && d->z && d->ad && d->cd);
    CHECK_EQ(d->opcode, 5);
    CHECK_EQ(d->rcode, 9);
    CHECK(!d->has_question);

    hdr(&m, 0, 0x7800, 0, 0, 0, 0); /* opcode 15 alone */
    CHECK_EQ(parse_mb(&m, d), CANH_OK);
    CHECK(!d->qr && !d->aa && !d->tc && !d->rd && !d->ra && !d->z && !d->ad && !d->cd);
    CHECK_EQ(d->opcode, 15);
    CHECK_EQ(d->rcode, 0);
}

static void test_zero_counts(struct dns_message *d)
{
    struct mb m;
    hdr(&m, 7, 0x8180, 0, 0, 0, 0);
    CHECK_EQ(parse_mb(&m, d), CANH_OK);
    CHECK_EQ(d->id, 7);
    CHECK(!d->has_question);
    CHECK_STR(d->q.name, "");
    CHECK_EQ(d->nanswers, 0);
    /* Trailing bytes after the sections are ignored. */
    put32(&m, 0xdeadbeef);
    CHECK_EQ(parse_mb(&m, d), CANH_OK);
    /* Fewer than 12 bytes. */
    for (uint32_t n = 0; n < DNS_HEADER_LEN; n++) {
        CHECK_EQ(parse(m.b, n, d), CANH_ERR);
        CHECK_EQ(d->error, DNS_E_HEADER_TRUNCATED);
        CHECK_EQ(d->error_off, 0);
        CHECK_EQ(d->id, 0);
        CHECK_EQ(d->qdcount, 0);
    }
}

static void test_root_and_escapes(struct dns_message *d)
{
    struct mb m;
    /* Query for the root (priming). */
    hdr(&m, 1, 0, 1, 0, 0, 0);
    put8(&m, 0);
    put16(&m, 2);
    put16(&m, 1);
    CHECK_EQ(parse_mb(&m, d), CANH_OK);
    CHECK(d->has_question);
    CHECK_STR(d->q.name, "");
    CHECK_EQ(d->q.name_len, 0);
    CHECK_EQ(d->q.type, 2);

    /* Labels holding '.', '\', a space, NUL, 0xff, and UTF-8. */
    static const uint8_t l1[] = { 'a', '.', 'b' };
    static const uint8_t l2[] = { '\\', ' ', 0x00, 0xff };
    static const uint8_t l3[] = { 0xc3, 0xa9 };
    hdr(&m, 1, 0, 1, 0, 0, 0);
    put8(&m, sizeof(l1));
    putbytes(&m, l1, sizeof(l1));
    put8(&m, sizeof(l2));
    putbytes(&m, l2, sizeof(l2));
    put8(&m, sizeof(l3));
    putbytes(&m, l3, sizeof(l3));
    put8(&m, 0);
    put16(&m, 1);
    put16(&m, 1);
    CHECK_EQ(parse_mb(&m, d), CANH_OK);
    static const char want[] = "a\\.b.\\\\ \0\xff.\xc3\xa9";
    CHECK_EQ(d->q.name_len, sizeof(want) - 1);
    CHECK(memcmp(d->q.name, want, sizeof(want)) == 0); /* NUL-terminated too */
}

/* ---------------------------------------------------------------------------------- */
/* Records of each type                                                               */
/* ---------------------------------------------------------------------------------- */

/* www.example.com CNAME cdn.example.com, cdn.example.com A 93.184.216.34, compressed. */
static void test_response_a_cname(struct dns_message *d)
{
    struct mb m;
    hdr(&m, 0xbeef, 0x8180, 1, 2, 0, 0);
    uint32_t q = putname(&m, "www.example.com"); /* 12; "example.com" at 16 */
    put16(&m, 1);
    put16(&m, 1);
    putptr(&m, q);
    uint32_t rl = rrbegin(&m, 5, 1, 3600);
    uint32_t cdn = m.n;
    putlabels(&m, "cdn");
    putptr(&m, q + 4);
    rdlen_fix(&m, rl);
    putptr(&m, cdn);
    rrfix(&m, 1, 1, 300, 4);
    put32(&m, 0x5db8d822);
    CHECK_EQ(parse_mb(&m, d), CANH_OK);
    CHECK_EQ(d->id, 0xbeef);
    CHECK(d->qr && d->rd && d->ra && !d->aa);
    CHECK_STR(d->q.name, "www.example.com");
    CHECK_EQ(d->nanswers, 2);
    const struct dns_rr *a0 = &d->answers[0], *a1 = &d->answers[1];
    char nb[DNS_NAME_TEXT_MAX];
    CHECK_STR(a0->name, "www.example.com");
    CHECK_EQ(a0->type, 5);
    CHECK_EQ(a0->rclass, 1);
    CHECK_EQ(a0->ttl, 3600);
    CHECK_EQ(a0->rdlength, 6);
    CHECK(a0->has_rdata);
    CHECK_STR(a0->rdata, "cdn.example.com");
    CHECK_EQ(a0->rdata_len, 15);
    CHECK_STR(rdata_name(a0, nb), "cdn.example.com");
    CHECK_EQ(a0->rd_name2_len, 0);
    CHECK_STR(a1->name, "cdn.example.com");
    CHECK_EQ(a1->name_len, 15);
    CHECK_EQ(a1->type, 1);
    CHECK_EQ(a1->ttl, 300);
    CHECK_STR(a1->rdata, "93.184.216.34");
    CHECK_EQ(a1->rdata_len, 13);
    CHECK(!a1->rdata_cut);
}

static void test_aaaa(struct dns_message *d)
{
    struct mb m;
    static const uint8_t v6[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 };
    static const uint8_t v6b[16] = { 0xfe, 0x80, 0, 0, 0, 0, 0, 0,
                                     0x02, 0x11, 0x22, 0xff, 0xfe, 0x33, 0x44, 0x55 };
    hdr(&m, 2, 0x8180, 1, 2, 0, 0);
    putname(&m, "v6.example");
    put16(&m, 28);
    put16(&m, 1);
    putptr(&m, 12);
    rrfix(&m, 28, 1, 60, 16);
    putbytes(&m, v6, 16);
    putptr(&m, 12);
    rrfix(&m, 28, 1, 0xffffffff, 16);
    putbytes(&m, v6b, 16);
    CHECK_EQ(parse_mb(&m, d), CANH_OK);
    CHECK_EQ(d->q.type, 28);
    CHECK_EQ(d->nanswers, 2);
    CHECK_STR(d->answers[0].rdata, "2001:db8::1");
    CHECK_STR(d->answers[0].name, "v6.example");
    CHECK_STR(d->answers[1].rdata, "fe80::211:22ff:fe33:4455");
    CHECK_EQ(d->answers[1].ttl, 0xffffffffu);

    /* A and AAAA with a wrong RDLENGTH. */
    hdr(&m, 2, 0x8180, 0, 1, 0, 0);
    putname(&m, "a");
    rrfix(&m, 1, 1, 60, 5);
    put32(&m, 0x01020304);
    put8(&m, 5);
    CHECK_EQ(parse_mb(&m, d), CANH_ERR);
    CHECK_EQ(d->error, DNS_E_RDATA);
    CHECK_EQ(d->error_off, 12 + 3 + 10);
    CHECK_EQ(d->nanswers, 0);
    hdr(&m, 2, 0x8180, 0, 1, 0, 0);
    putname(&m, "a");
    rrfix(&m, 28, 1, 60, 4);
    put32(&m, 0x01020304);
    CHECK_EQ(parse_mb(&m, d), CANH_ERR);
    CHECK_EQ(d->error, DNS_E_RDATA);
}

static void test_ns_ptr_dname(struct dns_message *d)
{
    struct mb m;
    char nb[DNS_NAME_TEXT_MAX];
    hdr(&m, 3, 0x8400, 1, 3, 0, 0);
    putname(&m, "4.3.2.1.in-addr.arpa");
    put16(&m, 12);
    put16(&m, 1);
    putptr(&m, 12);
    uint32_t rl = rrbegin(&m, 12, 1, 86400);
    putname(&m, "host.example.org");
    rdlen_fix(&m, rl);
    uint32_t eo = putname(&m, "example.org");
    rl = rrbegin(&m, 2, 1, 172800);
    putlabels(&m, "ns1");
    putptr(&m, eo);
    rdlen_fix(&m, rl);
    putname(&m, "old.example");
    rl = rrbegin(&m, 39, 1, 5);
    putname(&m, "new.example");
    rdlen_fix(&m, rl);
    CHECK_EQ(parse_mb(&m, d), CANH_OK);
    CHECK(d->aa && d->qr && !d->rd);
    CHECK_STR(d->q.name, "4.3.2.1.in-addr.arpa");
    CHECK_EQ(d->q.type, 12);
    CHECK_EQ(d->nanswers, 3);
    CHECK_EQ(d->answers[0].type, 12);
    CHECK_STR(d->answers[0].rdata, "host.example.org");
    CHECK_STR(d->answers[1].name, "example.org");
    CHECK_EQ(d->answers[1].type, 2);
    CHECK_EQ(d->answers[1].ttl, 172800);
    CHECK_STR(d->answers[1].rdata, "ns1.example.org");
    CHECK_STR(rdata_name(&d->answers[1], nb), "ns1.example.org");
    CHECK_EQ(d->answers[2].type, 39);
    CHECK_STR(d->answers[2].rdata, "new.example");

    /* A CNAME whose RDATA holds a byte after the name. */
    hdr(&m, 3, 0x8180, 0, 1, 0, 0);
    putname(&m, "a");
    rl = rrbegin(&m, 5, 1, 1);
    putname(&m, "b");
    put8(&m, 0);
    rdlen_fix(&m, rl);
    CHECK_EQ(parse_mb(&m, d), CANH_ERR);
    CHECK_EQ(d->error, DNS_E_RDATA);
    CHECK_EQ(d->error_off, m.n - 1);
    /* A CNAME whose name runs past RDLENGTH (but not past the message). */
    hdr(&m, 3, 0x8180, 0, 1, 0, 0);
    putname(&m, "a");
    rrfix(&m, 5, 1, 1, 2);
    putname(&m, "bcd");
    CHECK_EQ(parse_mb(&m, d), CANH_ERR);
    CHECK_EQ(d->error, DNS_E_NAME_TRUNCATED);
    CHECK_EQ(d->error_off, 12 + 3 + 10);
}

static void test_mx_srv(struct dns_message *d)
{
    struct mb m;
    char nb[DNS_NAME_TEXT_MAX];
    hdr(&m, 4, 0x8180, 1, 3, 0, 0);
    putname(&m, "example.com");
    put16(&m, 15);
    put16(&m, 1);
    putptr(&m, 12);
    uint32_t rl = rrbegin(&m, 15, 1, 300);
    put16(&m, 10);
    putlabels(&m, "mx1");
    putptr(&m, 12);
    rdlen_fix(&m, rl);
    putptr(&m, 12);
    rl = rrbegin(&m, 15, 1, 300);
    put16(&m, 65535);
    putptr(&m, 12); /* the exchange is the domain itself */
    rdlen_fix(&m, rl);
    putname(&m, "_sip._tcp.example.com");
    rl = rrbegin(&m, 33, 1, 86400);
    put16(&m, 0);
    put16(&m, 5);
    put16(&m, 5060);
    putname(&m, "sip.example.com");
    rdlen_fix(&m, rl);
    CHECK_EQ(parse_mb(&m, d), CANH_OK);
    CHECK_EQ(d->nanswers, 3);
    const struct dns_rr *mx = &d->answers[0];
    CHECK_EQ(mx->type, 15);
    CHECK_STR(mx->rdata, "10 mx1.example.com");
    CHECK_EQ(mx->mx_preference, 10);
    CHECK_EQ(mx->rd_name_off, 3);
    CHECK_STR(rdata_name(mx, nb), "mx1.example.com");
    CHECK_STR(d->answers[1].rdata, "65535 example.com");
    CHECK_EQ(d->answers[1].mx_preference, 65535);
    const struct dns_rr *srv = &d->answers[2];
    CHECK_STR(srv->name, "_sip._tcp.example.com");
    CHECK_EQ(srv->type, 33);
    CHECK_STR(srv->rdata, "0 5 5060 sip.example.com");
    CHECK_EQ(srv->srv_priority, 0);
    CHECK_EQ(srv->srv_weight, 5);
    CHECK_EQ(srv->srv_port, 5060);
    CHECK_STR(rdata_name(srv, nb), "sip.example.com");

    /* MX with only one byte; SRV cut inside the numbers. */
    hdr(&m, 4, 0x8180, 0, 1, 0, 0);
    putname(&m, "a");
    rrfix(&m, 15, 1, 1, 1);
    put8(&m, 0);
    CHECK_EQ(parse_mb(&m, d), CANH_ERR);
    CHECK_EQ(d->error, DNS_E_RDATA);
    hdr(&m, 4, 0x8180, 0, 1, 0, 0);
    putname(&m, "a");
    rrfix(&m, 33, 1, 1, 5);
    put32(&m, 0);
    put8(&m, 0);
    CHECK_EQ(parse_mb(&m, d), CANH_ERR);
    CHECK_EQ(d->error, DNS_E_RDATA);
}

/* NXDOMAIN with the zone's SOA in the authority section. */
static void test_soa_nxdomain(struct dns_message *d)
{
    struct mb m;
    char nb[DNS_NAME_TEXT_MAX];
    hdr(&m, 5, 0x8183, 1, 0, 1, 0);
    putname(&m, "nope.example.com"); /* "example.com" at 17 */
    put16(&m, 1);
    put16(&m, 1);
    putptr(&m, 17);
    uint32_t rl = rrbegin(&m, 6, 1, 900);
    putlabels(&m, "ns");
    putptr(&m, 17);
    putlabels(&m, "hostmaster");
    putptr(&m, 17);
    put32(&m, 2024010101);
    put32(&m, 7200);
    put32(&m, 3600);
    put32(&m, 1209600);
    put32(&m, 4294967295u);
    rdlen_fix(&m, rl);
    CHECK_EQ(parse_mb(&m, d), CANH_OK);
    CHECK_EQ(d->rcode, 3);
    CHECK_EQ(d->nanswers, 0);
    CHECK_EQ(d->nauthorities, 1);
    const struct dns_rr *soa = &d->authorities[0];
    CHECK_STR(soa->name, "example.com");
    CHECK_EQ(soa->type, 6);
    CHECK_EQ(soa->ttl, 900);
    CHECK_STR(soa->rdata,
              "ns.example.com hostmaster.example.com 2024010101 7200 3600 1209600 4294967295");
    CHECK_STR(rdata_name(soa, nb), "ns.example.com");
    CHECK_STR(rdata_name2(soa, nb), "hostmaster.example.com");
    CHECK_EQ(soa->soa_serial, 2024010101);
    CHECK_EQ(soa->soa_refresh, 7200);
    CHECK_EQ(soa->soa_retry, 3600);
    CHECK_EQ(soa->soa_expire, 1209600);
    CHECK_EQ(soa->soa_minimum, 4294967295u);

    /* SOA whose rname has a bad label. */
    hdr(&m, 5, 0x8183, 0, 0, 1, 0);
    putname(&m, "a");
    rl = rrbegin(&m, 6, 1, 900);
    putname(&m, "b");
    uint32_t bad = m.n;
    put8(&m, 0x40);
    for (int i = 0; i < 5; i++)
        put32(&m, 1);
    rdlen_fix(&m, rl);
    CHECK_EQ(parse_mb(&m, d), CANH_ERR);
    CHECK_EQ(d->error, DNS_E_LABEL_TYPE);
    CHECK_EQ(d->error_off, bad);

    /* SOA missing its last number. */
    hdr(&m, 5, 0x8183, 0, 0, 1, 0);
    putname(&m, "a");
    rl = rrbegin(&m, 6, 1, 900);
    putname(&m, "b");
    putname(&m, "c");
    for (int i = 0; i < 4; i++)
        put32(&m, 1);
    rdlen_fix(&m, rl);
    CHECK_EQ(parse_mb(&m, d), CANH_ERR);
    CHECK_EQ(d->error, DNS_E_RDATA);
    CHECK_EQ(d->error_off, m.n);
    CHECK_EQ(d->nauthorities, 0);
}

static void test_txt_null(struct dns_message *d)
{
    struct mb m;
    hdr(&m, 6, 0x8180, 0, 4, 0, 0);
    putname(&m, "t.example");
    uint32_t rl = rrbegin(&m, 16, 1, 60);
    put8(&m, 11);
    putbytes(&m, "v=spf1 a mx", 11);
    put8(&m, 0);
    put8(&m, 5);
    putbytes(&m, " -all", 5);
    rdlen_fix(&m, rl);
    /* Empty RDATA: no string. */
    putptr(&m, 12);
    rrfix(&m, 16, 1, 60, 0);
    /* Longer than the text buffer: 200 strings of 255 letters. */
    putptr(&m, 12);
    rl = rrbegin(&m, 16, 1, 60);
    for (int i = 0; i < 200; i++) {
        put8(&m, 255);
        memset(m.b + m.n, 'a' + i % 26, 255);
        m.n += 255;
    }
    rdlen_fix(&m, rl);
    /* NULL with raw bytes. */
    putptr(&m, 12);
    rrfix(&m, 10, 1, 0, 4);
    putbytes(&m, "\x00\x01\xfe\xff", 4);
    CHECK_EQ(parse_mb(&m, d), CANH_OK);
    CHECK_EQ(d->nanswers, 4);
    CHECK_STR(d->answers[0].rdata, "v=spf1 a mx -all");
    CHECK_EQ(d->answers[0].rdata_len, 16);
    CHECK(!d->answers[0].rdata_cut);
    CHECK(d->answers[1].has_rdata);
    CHECK_EQ(d->answers[1].rdata_len, 0);
    CHECK_STR(d->answers[1].rdata, "");
    CHECK(d->answers[2].rdata_cut);
    CHECK_EQ(d->answers[2].rdata_len, DNS_RDATA_TEXT_MAX - 1);
    CHECK_EQ(d->answers[2].rdlength, 200 * 256);
    CHECK_EQ(d->answers[2].rdata[0], 'a');
    CHECK_EQ(d->answers[2].rdata[255], 'b');
    CHECK_EQ(d->answers[2].rdata[DNS_RDATA_TEXT_MAX - 1], '\0');
    CHECK_EQ(d->answers[3].type, 10);
    CHECK_EQ(d->answers[3].rdata_len, 4);
    CHECK(memcmp(d->answers[3].rdata, "\x00\x01\xfe\xff", 5) == 0);

    /* A string running past RDLENGTH. */
    hdr(&m, 6, 0x8180, 0, 1, 0, 0);
    putname(&m, "t");
    rrfix(&m, 16, 1, 60, 4);
    put8(&m, 4);
    putbytes(&m, "abcd", 4);
    CHECK_EQ(parse_mb(&m, d), CANH_ERR);
    CHECK_EQ(d->error, DNS_E_RDATA);
    CHECK_EQ(d->error_off, 12 + 3 + 10);
}

static void test_other_types(struct dns_message *d)
{
    struct mb m;
    hdr(&m, 8, 0x8180, 1, 2, 0, 0);
    putname(&m, "svc.example");
    put16(&m, 65);
    put16(&m, 1);
    putptr(&m, 12);
    rrfix(&m, 65, 1, 300, 7); /* HTTPS: priority, target ".", no params */
    put16(&m, 1);
    put8(&m, 0);
    put32(&m, 0);
    putptr(&m, 12);
    rrfix(&m, 4242, 3, 1, 0);
    CHECK_EQ(parse_mb(&m, d), CANH_OK);
    CHECK_EQ(d->nanswers, 2);
    CHECK_EQ(d->answers[0].type, 65);
    CHECK_EQ(d->answers[0].rdlength, 7);
    CHECK(!d->answers[0].has_rdata);
    CHECK_EQ(d->answers[0].rdata_len, 0);
    CHECK_STR(d->answers[0].rdata, "");
    CHECK_EQ(d->answers[1].type, 4242);
    CHECK_EQ(d->answers[1].rclass, 3);
}

/* mDNS: no question, class with the cache-flush bit. */
static void test_mdns(struct dns_message *d)
{
    struct mb m;
    hdr(&m, 0, 0x8400, 0, 1, 0, 0);
    static const char inst[] = "Living Room";
    put8(&m, sizeof(inst) - 1);
    putbytes(&m, inst, sizeof(inst) - 1);
    putname(&m, "_airplay._tcp.local");
    uint32_t rl = rrbegin(&m, 33, 0x8001, 120);
    put16(&m, 0);
    put16(&m, 0);
    put16(&m, 7000);
    putlabels(&m, "tv");
    putptr(&m, 12 + 12 + 9 + 5); /* "local" */
    rdlen_fix(&m, rl);
    CHECK_EQ(parse_mb(&m, d), CANH_OK);
    CHECK(!d->has_question);
    CHECK_EQ(d->nanswers, 1);
    CHECK_STR(d->answers[0].name, "Living Room._airplay._tcp.local");
    CHECK_EQ(d->answers[0].rclass, 0x8001);
    CHECK_STR(d->answers[0].rdata, "0 0 7000 tv.local");
}

static void test_edns(struct dns_message *d)
{
    struct mb m;
    hdr(&m, 9, 0x8180, 1, 1, 0, 2);
    putname(&m, "example.com");
    put16(&m, 1);
    put16(&m, 1);
    putptr(&m, 12);
    rrfix(&m, 1, 1, 60, 4);
    put32(&m, 0x7f000001);
    /* OPT: root name, UDP size 1232, ext rcode 1, version 0, DO, one option (cookie). */
    put8(&m, 0);
    rrfix(&m, 41, 1232, 0x01008000, 12);
    put16(&m, 10);
    put16(&m, 8);
    put32(&m, 0x01020304);
    put32(&m, 0x05060708);
    /* A second OPT is not looked at. */
    put8(&m, 0);
    rrfix(&m, 41, 512, 0, 0);
    CHECK_EQ(parse_mb(&m, d), CANH_OK);
    CHECK_EQ(d->arcount, 2);
    CHECK(d->has_edns);
    CHECK_EQ(d->edns_udp_size, 1232);
    CHECK_EQ(d->edns_ext_rcode, 1);
    CHECK_EQ(d->edns_version, 0);
    CHECK(d->edns_do);
    CHECK_EQ(d->nanswers, 1);

    /* A query with only an OPT, version 1, DO clear. */
    hdr(&m, 9, 0x0100, 1, 0, 0, 1);
    putname(&m, "example.com");
    put16(&m, 1);
    put16(&m, 1);
    put8(&m, 0);
    rrfix(&m, 41, 4096, 0x00010000, 0);
    CHECK_EQ(parse_mb(&m, d), CANH_OK);
    CHECK(d->has_edns);
    CHECK_EQ(d->edns_udp_size, 4096);
    CHECK_EQ(d->edns_version, 1);
    CHECK(!d->edns_do);
    /* An OPT in the answer section is a record like any other, not EDNS. */
    hdr(&m, 9, 0x8180, 0, 1, 0, 0);
    put8(&m, 0);
    rrfix(&m, 41, 4096, 0, 0);
    CHECK_EQ(parse_mb(&m, d), CANH_OK);
    CHECK(!d->has_edns);
    CHECK_EQ(d->nanswers, 1);
    CHECK_EQ(d->answers[0].type, 41);
    CHECK(!d->answers[0].has_rdata);
}

/* ---------------------------------------------------------------------------------- */
/* Compression                                                                        */
/* ---------------------------------------------------------------------------------- */

static void test_pointers(struct dns_message *d)
{
    struct mb m;
    /* Pointer to a pointer: "a" + -> ("b" + -> "example.com"). */
    hdr(&m, 10, 0x8180, 1, 2, 0, 0);
    putname(&m, "example.com"); /* 12 */
    put16(&m, 1);
    put16(&m, 1);
    uint32_t b = m.n;
    putlabels(&m, "b");
    putptr(&m, 12);
    rrfix(&m, 1, 1, 1, 4);
    put32(&m, 1);
    uint32_t p = m.n; /* a bare pointer to a bare pointer to b */
    putptr(&m, b);
    rrfix(&m, 1, 1, 1, 4);
    put32(&m, 2);
    CHECK_EQ(parse_mb(&m, d), CANH_OK);
    CHECK_STR(d->answers[0].name, "b.example.com");
    CHECK_STR(d->answers[1].name, "b.example.com");
    /* Add a record whose name is "a" + pointer to the bare pointer at p. */
    m.b[7] = 3;
    putlabels(&m, "a");
    putptr(&m, p);
    rrfix(&m, 1, 1, 1, 4);
    put32(&m, 3);
    CHECK_EQ(parse_mb(&m, d), CANH_OK);
    CHECK_EQ(d->nanswers, 3);
    CHECK_STR(d->answers[2].name, "a.b.example.com");
    CHECK_STR(d->answers[2].rdata, "0.0.0.3");

    /* A pointer to itself. */
    hdr(&m, 11, 0, 1, 0, 0, 0);
    putptr(&m, 12);
    put16(&m, 1);
    put16(&m, 1);
    CHECK_EQ(parse_mb(&m, d), CANH_ERR);
    CHECK_EQ(d->error, DNS_E_POINTER_LOOP);
    CHECK_EQ(d->error_off, 12);
    CHECK(!d->has_question);
    CHECK_STR(d->q.name, "");

    /* A label then a pointer back to that label: "a.a.a..." */
    hdr(&m, 11, 0, 1, 0, 0, 0);
    putlabels(&m, "a");
    putptr(&m, 12);
    put16(&m, 1);
    put16(&m, 1);
    CHECK_EQ(parse_mb(&m, d), CANH_ERR);
    CHECK_EQ(d->error, DNS_E_POINTER_LOOP);
    CHECK_EQ(d->error_off, 14);

    /* Two names pointing at each other: the first points back to the second's labels,
     * which point forward to the first. */
    hdr(&m, 11, 0x8180, 1, 1, 0, 0);
    putlabels(&m, "x"); /* 12: "x" -> 20 */
    putptr(&m, 20);
    put16(&m, 1);
    put16(&m, 1);
    CHECK_EQ(m.n, 20);
    putlabels(&m, "y"); /* 20: "y" -> 12 */
    putptr(&m, 12);
    rrfix(&m, 1, 1, 1, 4);
    put32(&m, 1);
    CHECK_EQ(parse_mb(&m, d), CANH_ERR);
    CHECK_EQ(d->error, DNS_E_POINTER_LOOP);
    CHECK_EQ(d->error_off, 14);

    /* A pointer forward into the record it belongs to. */
    hdr(&m, 11, 0x8180, 1, 1, 0, 0);
    putname(&m, "q");
    put16(&m, 1);
    put16(&m, 1);
    uint32_t x = m.n; /* the answer's owner: "x" and a pointer forward into itself */
    putlabels(&m, "x");
    putptr(&m, x + 6);
    rrfix(&m, 1, 1, 1, 4);
    put32(&m, 1);
    CHECK_EQ(parse_mb(&m, d), CANH_ERR);
    CHECK_EQ(d->error, DNS_E_POINTER_LOOP);
    CHECK_EQ(d->error_off, x + 2);
    CHECK(d->has_question);
    CHECK_STR(d->q.name, "q");
    CHECK_EQ(d->nanswers, 0);

    /* Forward to a valid name later in the message. */
    hdr(&m, 12, 0x8180, 1, 1, 0, 0);
    putptr(&m, 18);
    put16(&m, 1);
    put16(&m, 1);
    putname(&m, "later");
    rrfix(&m, 1, 1, 1, 4);
    put32(&m, 1);
    CHECK_EQ(parse_mb(&m, d), CANH_ERR);
    CHECK_EQ(d->error, DNS_E_POINTER_LOOP);
    CHECK_EQ(d->error_off, 12);

    /* Out of range: past the end, and 0x3fff. */
    hdr(&m, 13, 0, 1, 0, 0, 0);
    putptr(&m, 18);
    put16(&m, 1);
    put16(&m, 1);
    CHECK_EQ(parse_mb(&m, d), CANH_ERR);
    CHECK_EQ(d->error, DNS_E_POINTER_RANGE);
    CHECK_EQ(d->error_off, 12);
    m.b[12] = 0xff;
    m.b[13] = 0xff;
    CHECK_EQ(parse_mb(&m, d), CANH_ERR);
    CHECK_EQ(d->error, DNS_E_POINTER_RANGE);
    /* A pointer cut after its first byte. */
    hdr(&m, 13, 0, 1, 0, 0, 0);
    put8(&m, 0xc0);
    CHECK_EQ(parse_mb(&m, d), CANH_ERR);
    CHECK_EQ(d->error, DNS_E_NAME_TRUNCATED);
    CHECK_EQ(d->error_off, 12);
    /* Pointer into the header: bytes there read as labels (id 0x0161 = "\x01a" ...). */
    hdr(&m, 0x0161, 0x0000, 1, 0, 0, 0); /* 01 'a' 00 : "a" */
    putptr(&m, 0);
    put16(&m, 1);
    put16(&m, 1);
    CHECK_EQ(parse_mb(&m, d), CANH_OK);
    CHECK_STR(d->q.name, "a");

    /* Skipped names (a second question) are checked too, without being followed. */
    hdr(&m, 14, 0, 2, 0, 0, 0);
    putname(&m, "one");
    put16(&m, 1);
    put16(&m, 1);
    putptr(&m, m.n + 6); /* forward */
    put16(&m, 1);
    put16(&m, 1);
    putname(&m, "two");
    CHECK_EQ(parse_mb(&m, d), CANH_ERR);
    CHECK_EQ(d->error, DNS_E_POINTER_LOOP);
    CHECK(d->has_question);
    CHECK_STR(d->q.name, "one");
    /* A skipped name pointing back is fine, and the message parses. */
    hdr(&m, 14, 0, 2, 0, 0, 0);
    putname(&m, "one");
    put16(&m, 1);
    put16(&m, 1);
    putptr(&m, 12);
    put16(&m, 28);
    put16(&m, 1);
    CHECK_EQ(parse_mb(&m, d), CANH_OK);
    CHECK_EQ(d->q.type, 1);
}

/* Two answers: the first (owner "e", type NULL, so its RDATA is not read as names) holds
 * the name "end" and a chain of bare pointers, each to the one before; the second's
 * owner is a pointer to the last of them, so reading it takes 'jumps' jumps. */
static uint32_t chain_msg(struct mb *m, unsigned jumps)
{
    hdr(m, 15, 0x8180, 0, 2, 0, 0);
    putname(m, "e");
    uint32_t rl = rrbegin(m, 10, 1, 1);
    uint32_t prev = putname(m, "end");
    for (unsigned i = 0; i + 1 < jumps; i++) {
        uint32_t at = m->n;
        putptr(m, prev);
        prev = at;
    }
    rdlen_fix(m, rl);
    uint32_t owner = m->n;
    putptr(m, prev);
    rrfix(m, 1, 1, 1, 4);
    put32(m, 0x0a000001);
    return owner; /* where the second answer's owner pointer is */
}

static void test_pointer_chain(struct dns_message *d)
{
    struct mb m;
    chain_msg(&m, DNS_NAME_MAX_POINTERS);
    CHECK_EQ(parse_mb(&m, d), CANH_OK);
    CHECK_EQ(d->nanswers, 2);
    CHECK_EQ(d->answers[0].rdlength, 5 + 2 * (DNS_NAME_MAX_POINTERS - 1));
    CHECK_STR(d->answers[1].name, "end");
    CHECK_STR(d->answers[1].rdata, "10.0.0.1");
    /* One more jump is over the cap. */
    chain_msg(&m, DNS_NAME_MAX_POINTERS + 1);
    CHECK_EQ(parse_mb(&m, d), CANH_ERR);
    CHECK_EQ(d->error, DNS_E_POINTER_CHAIN);
    CHECK_EQ(d->nanswers, 1);
    /* A third answer, a CNAME whose target points at the second's owner: one jump
     * more in an RDATA name. */
    uint32_t owner = chain_msg(&m, DNS_NAME_MAX_POINTERS);
    CHECK_EQ(owner, 12 + 3 + 10 + 5 + 2 * (DNS_NAME_MAX_POINTERS - 1));
    m.b[7] = 3;
    putname(&m, "c");
    rrfix(&m, 5, 1, 1, 2);
    uint32_t rd = m.n;
    putptr(&m, owner);
    CHECK_EQ(parse_mb(&m, d), CANH_ERR);
    CHECK_EQ(d->error, DNS_E_POINTER_CHAIN);
    CHECK_EQ(d->nanswers, 2);
    CHECK(d->error_off < rd);
}

/* ---------------------------------------------------------------------------------- */
/* Name and label limits                                                              */
/* ---------------------------------------------------------------------------------- */

/* Labels of the given sizes filled with 'c'. */
static void putsized(struct mb *m, const unsigned *sizes, unsigned n, char c)
{
    for (unsigned i = 0; i < n; i++) {
        put8(m, sizes[i]);
        memset(m->b + m->n, c, sizes[i]);
        m->n += sizes[i];
    }
}

static void test_name_limits(struct dns_message *d)
{
    struct mb m;
    /* 63-octet label: fine; 64 (0x40) is an extended label type. */
    static const unsigned s63[] = { 63 };
    hdr(&m, 20, 0, 1, 0, 0, 0);
    putsized(&m, s63, 1, 'x');
    put8(&m, 0);
    put16(&m, 1);
    put16(&m, 1);
    CHECK_EQ(parse_mb(&m, d), CANH_OK);
    CHECK_EQ(d->q.name_len, 63);
    CHECK_EQ(d->q.name[62], 'x');
    CHECK_EQ(d->q.name[63], '\0');
    m.b[12] = 64;
    CHECK_EQ(parse_mb(&m, d), CANH_ERR);
    CHECK_EQ(d->error, DNS_E_LABEL_TYPE);
    CHECK_EQ(d->error_off, 12);
    m.b[12] = 0x80;
    CHECK_EQ(parse_mb(&m, d), CANH_ERR);
    CHECK_EQ(d->error, DNS_E_LABEL_TYPE);
    m.b[12] = 0x41; /* RFC 2673 bit-string */
    CHECK_EQ(parse_mb(&m, d), CANH_ERR);
    CHECK_EQ(d->error, DNS_E_LABEL_TYPE);

    /* 255 octets: 63+1 three times, 61+1, root: 192 + 62 + 1 = 255. */
    static const unsigned s255[] = { 63, 63, 63, 61 };
    hdr(&m, 21, 0, 1, 0, 0, 0);
    putsized(&m, s255, 4, 'a');
    put8(&m, 0);
    put16(&m, 1);
    put16(&m, 1);
    CHECK_EQ(parse_mb(&m, d), CANH_OK);
    CHECK_EQ(d->q.name_len, 63 * 3 + 61 + 3);
    /* 256 octets. */
    static const unsigned s256[] = { 63, 63, 63, 62 };
    hdr(&m, 21, 0, 1, 0, 0, 0);
    putsized(&m, s256, 4, 'a');
    put8(&m, 0);
    put16(&m, 1);
    put16(&m, 1);
    CHECK_EQ(parse_mb(&m, d), CANH_ERR);
    CHECK_EQ(d->error, DNS_E_NAME_TOO_LONG);
    CHECK_EQ(d->error_off, 12 + 64 * 3);
    CHECK(!d->has_question);
    /* 127 one-octet labels (254 octets + root = 255) and 128. */
    hdr(&m, 22, 0, 1, 0, 0, 0);
    for (int i = 0; i < 127; i++)
        putlabels(&m, "z");
    put8(&m, 0);
    put16(&m, 1);
    put16(&m, 1);
    CHECK_EQ(parse_mb(&m, d), CANH_OK);
    CHECK_EQ(d->q.name_len, 127 * 2 - 1);
    hdr(&m, 22, 0, 1, 0, 0, 0);
    for (int i = 0; i < 128; i++)
        putlabels(&m, "z");
    put8(&m, 0);
    put16(&m, 1);
    put16(&m, 1);
    CHECK_EQ(parse_mb(&m, d), CANH_ERR);
    CHECK_EQ(d->error, DNS_E_NAME_TOO_LONG);

    /* The 255 cap counts labels reached through pointers: a 200-octet suffix, and a name
     * adding 55 octets (255: fine) or 56 (too long). */
    static const unsigned s200[] = { 63, 63, 63, 6 };   /* 200 octets with the root */
    static const unsigned s55[] = { 54 };                /* 55 */
    static const unsigned s56[] = { 55 };                /* 56 */
    for (int over = 0; over < 2; over++) {
        hdr(&m, 23, 0x8180, 1, 1, 0, 0);
        putsized(&m, s200, 4, 'b');
        put8(&m, 0);
        put16(&m, 1);
        put16(&m, 1);
        putsized(&m, over ? s56 : s55, 1, 'c');
        putptr(&m, 12);
        rrfix(&m, 1, 1, 1, 4);
        put32(&m, 1);
        if (!over) {
            CHECK_EQ(parse_mb(&m, d), CANH_OK);
            CHECK_EQ(d->answers[0].name_len, 54 + 1 + 195 + 3);
        } else {
            CHECK_EQ(parse_mb(&m, d), CANH_ERR);
            CHECK_EQ(d->error, DNS_E_NAME_TOO_LONG);
            CHECK_EQ(d->nanswers, 0);
            CHECK(d->has_question);
        }
    }

    /* The longest text: 250 label bytes, all '.', in 4 labels: 503 characters. */
    static const unsigned s250[] = { 63, 63, 63, 61 };
    hdr(&m, 24, 0, 1, 0, 0, 0);
    putsized(&m, s250, 4, '.');
    put8(&m, 0);
    put16(&m, 1);
    put16(&m, 1);
    CHECK_EQ(parse_mb(&m, d), CANH_OK);
    CHECK_EQ(d->q.name_len, 2 * 250 + 3);
    CHECK_EQ(d->q.name[0], '\\');
    CHECK_EQ(d->q.name[1], '.');
    CHECK_EQ(d->q.name[126], '.');
    CHECK_EQ(d->q.name[503], '\0');
    /* And as the two names of an SOA, whole. */
    hdr(&m, 24, 0x8180, 0, 1, 0, 0);
    put8(&m, 0);
    uint32_t rl = rrbegin(&m, 6, 1, 1);
    putsized(&m, s250, 4, '\\');
    put8(&m, 0);
    putsized(&m, s250, 4, '.');
    put8(&m, 0);
    for (int i = 0; i < 5; i++)
        put32(&m, 4000000000u);
    rdlen_fix(&m, rl);
    CHECK_EQ(parse_mb(&m, d), CANH_OK);
    CHECK_EQ(d->answers[0].rd_name_len, 503);
    CHECK_EQ(d->answers[0].rd_name2_off, 504);
    CHECK_EQ(d->answers[0].rd_name2_len, 503);
    CHECK_EQ(d->answers[0].rdata_len, 503 + 1 + 503 + 5 * 11);
    CHECK(!d->answers[0].rdata_cut);
    CHECK_STR(d->answers[0].rdata + 1007, " 4000000000 4000000000 4000000000 4000000000 4000000000");
}

/* ---------------------------------------------------------------------------------- */
/* Counts against data, caps                                                          */
/* ---------------------------------------------------------------------------------- */

static void test_counts(struct dns_message *d)
{
    struct mb m;
    /* Two questions announced, one present. */
    hdr(&m, 30, 0, 2, 0, 0, 0);
    putname(&m, "only");
    put16(&m, 1);
    put16(&m, 1);
    CHECK_EQ(parse_mb(&m, d), CANH_ERR);
    CHECK_EQ(d->error, DNS_E_NAME_TRUNCATED);
    CHECK_EQ(d->error_off, m.n);
    CHECK(d->has_question);
    CHECK_STR(d->q.name, "only");
    CHECK_EQ(d->qdcount, 2);
    /* Question without its class. */
    hdr(&m, 30, 0, 1, 0, 0, 0);
    putname(&m, "only");
    put16(&m, 1);
    CHECK_EQ(parse_mb(&m, d), CANH_ERR);
    CHECK_EQ(d->error, DNS_E_QUESTION_TRUNCATED);
    CHECK_EQ(d->error_off, 18);
    CHECK(!d->has_question);
    /* 65535 of everything, one answer present. */
    hdr(&m, 31, 0x8180, 1, 0xffff, 0xffff, 0xffff);
    putname(&m, "x");
    put16(&m, 1);
    put16(&m, 1);
    putptr(&m, 12);
    rrfix(&m, 1, 1, 1, 4);
    put32(&m, 0x01020304);
    CHECK_EQ(parse_mb(&m, d), CANH_ERR);
    CHECK_EQ(d->error, DNS_E_NAME_TRUNCATED);
    CHECK_EQ(d->nanswers, 1);
    CHECK_STR(d->answers[0].rdata, "1.2.3.4");
    CHECK_EQ(d->ancount, 0xffff);
    /* RDLENGTH past the end; fixed part cut. */
    hdr(&m, 32, 0x8180, 0, 1, 0, 0);
    putname(&m, "x");
    rrfix(&m, 1, 1, 1, 4);
    put16(&m, 0);
    CHECK_EQ(parse_mb(&m, d), CANH_ERR);
    CHECK_EQ(d->error, DNS_E_RR_TRUNCATED);
    CHECK_EQ(d->error_off, 12 + 3 + 10);
    m.n = 12 + 3 + 9;
    CHECK_EQ(parse_mb(&m, d), CANH_ERR);
    CHECK_EQ(d->error, DNS_E_RR_TRUNCATED);
    CHECK_EQ(d->error_off, 12 + 3);
    /* An error in the additional section after whole answers and authorities. */
    hdr(&m, 33, 0x8180, 0, 1, 1, 1);
    putname(&m, "x");
    rrfix(&m, 1, 1, 1, 4);
    put32(&m, 1);
    putptr(&m, 12);
    rrfix(&m, 2, 1, 1, 2);
    putptr(&m, 12);
    uint32_t bad = m.n;
    put8(&m, 0x40);
    CHECK_EQ(parse_mb(&m, d), CANH_ERR);
    CHECK_EQ(d->error, DNS_E_LABEL_TYPE);
    CHECK_EQ(d->error_off, bad);
    CHECK_EQ(d->nanswers, 1);
    CHECK_EQ(d->nauthorities, 1);
    CHECK_STR(d->authorities[0].rdata, "x");
}

/* Names that are only skipped (questions after the first, additional records, records
 * past the caps) are walked in place: labels checked, the 255 cap applied to what is in
 * place, pointers checked but not followed. */
static void test_skipped(struct dns_message *d)
{
    struct mb m;
    /* A response with glue: two questions, an NS answer, two additional records. */
    hdr(&m, 34, 0x8180, 2, 1, 0, 2);
    putname(&m, "example.com");
    put16(&m, 2);
    put16(&m, 1);
    putlabels(&m, "second");
    putptr(&m, 12);
    put16(&m, 1);
    put16(&m, 1);
    putptr(&m, 12);
    uint32_t rl = rrbegin(&m, 2, 1, 60);
    uint32_t ns = m.n;
    putlabels(&m, "ns1");
    putptr(&m, 12);
    rdlen_fix(&m, rl);
    putptr(&m, ns);
    rrfix(&m, 1, 1, 60, 4);
    put32(&m, 0xc0000201);
    putname(&m, "glue.example.net");
    rrfix(&m, 28, 1, 60, 16);
    putbytes(&m, "\x20\x01\x0d\xb8\0\0\0\0\0\0\0\0\0\0\0\x02", 16);
    CHECK_EQ(parse_mb(&m, d), CANH_OK);
    CHECK_STR(d->q.name, "example.com");
    CHECK_EQ(d->q.type, 2);
    CHECK_EQ(d->nanswers, 1);
    CHECK_STR(d->answers[0].rdata, "ns1.example.com");
    CHECK(!d->has_edns);
    /* The second additional record's name cut. */
    CHECK_EQ(parse(m.b, m.n - 16 - 10 - 5, d), CANH_ERR);
    CHECK_EQ(d->error, DNS_E_NAME_TRUNCATED);
    CHECK_EQ(d->nanswers, 1);
    /* A bad label in place in the second question. */
    m.b[12 + 13 + 4] = 0x80;
    CHECK_EQ(parse_mb(&m, d), CANH_ERR);
    CHECK_EQ(d->error, DNS_E_LABEL_TYPE);
    CHECK_EQ(d->error_off, 12 + 13 + 4);
    CHECK(d->has_question);

    /* A skipped name of 256 octets in place. */
    static const unsigned s256[] = { 63, 63, 63, 62 };
    hdr(&m, 35, 0, 2, 0, 0, 0);
    putname(&m, "a");
    put16(&m, 1);
    put16(&m, 1);
    putsized(&m, s256, 4, 'k');
    put8(&m, 0);
    put16(&m, 1);
    put16(&m, 1);
    CHECK_EQ(parse_mb(&m, d), CANH_ERR);
    CHECK_EQ(d->error, DNS_E_NAME_TOO_LONG);
    CHECK_STR(d->q.name, "a");
    /* 255 is fine, and so is a pointer after 200 in-place octets to a long name: the
     * pointer is not followed, so the total is not known (a kept name would fail). */
    static const unsigned s200[] = { 63, 63, 63, 6 };
    hdr(&m, 35, 0, 2, 0, 0, 0);
    putsized(&m, s200, 4, 'a');
    put8(&m, 0);
    put16(&m, 1);
    put16(&m, 1);
    putsized(&m, s200, 4, 'b');
    putptr(&m, 12);
    put16(&m, 1);
    put16(&m, 1);
    CHECK_EQ(parse_mb(&m, d), CANH_OK);
    CHECK_EQ(d->q.name_len, 198);
}

static void test_caps(struct dns_message *d)
{
    struct mb m;
    unsigned n = DNS_MAX_ANSWERS + 8, na = DNS_MAX_AUTHORITIES + 3;
    hdr(&m, 40, 0x8180, 1, n, na, 0);
    putname(&m, "rr.example");
    put16(&m, 1);
    put16(&m, 1);
    for (unsigned i = 0; i < n; i++) {
        putptr(&m, 12);
        rrfix(&m, 1, 1, i, 4);
        put32(&m, 0x0a000000 + i);
    }
    for (unsigned i = 0; i < na; i++) {
        putptr(&m, 15);
        rrfix(&m, 2, 1, i, 2);
        putptr(&m, 12);
    }
    CHECK_EQ(parse_mb(&m, d), CANH_OK);
    CHECK_EQ(d->ancount, n);
    CHECK_EQ(d->nanswers, DNS_MAX_ANSWERS);
    CHECK_EQ(d->nauthorities, DNS_MAX_AUTHORITIES);
    CHECK_STR(d->answers[DNS_MAX_ANSWERS - 1].rdata, "10.0.0.31");
    CHECK_EQ(d->answers[DNS_MAX_ANSWERS - 1].ttl, DNS_MAX_ANSWERS - 1);
    CHECK_STR(d->authorities[DNS_MAX_AUTHORITIES - 1].name, "example");
    CHECK_STR(d->authorities[DNS_MAX_AUTHORITIES - 1].rdata, "rr.example");
    /* A record past the cap is still checked: a bad pointer in the last answer. */
    m.b[12 + 12 + 4 + (n - 1) * 16] = 0xcf;
    CHECK_EQ(parse_mb(&m, d), CANH_ERR);
    CHECK_EQ(d->error, DNS_E_POINTER_RANGE);
    CHECK_EQ(d->nanswers, DNS_MAX_ANSWERS);
}

/* ---------------------------------------------------------------------------------- */
/* Cut at every length                                                                */
/* ---------------------------------------------------------------------------------- */

/* Each cut must fail (the message has no slack) without reading past the cut, and what
 * it keeps must agree with the whole message. */
static void cut_sweep(const struct mb *m, struct dns_message *full, struct dns_message *d)
{
    CHECK_EQ(parse_mb(m, full), CANH_OK);
    int bad = 0;
    for (uint32_t n = 0; n < m->n; n++) {
        int rc = parse(m->b, n, d);
        bool ok = rc == CANH_ERR && d->error != DNS_E_NONE && d->error_off <= n &&
                  d->nanswers <= full->nanswers && d->nauthorities <= full->nauthorities;
        if (ok && d->has_question)
            ok = full->has_question && strcmp(d->q.name, full->q.name) == 0 &&
                 d->q.type == full->q.type;
        for (unsigned i = 0; ok && i < d->nanswers; i++)
            ok = d->answers[i].rdata_len == full->answers[i].rdata_len &&
                 memcmp(d->answers[i].rdata, full->answers[i].rdata, d->answers[i].rdata_len) == 0 &&
                 strcmp(d->answers[i].name, full->answers[i].name) == 0;
        if (ok && n >= DNS_HEADER_LEN)
            ok = d->id == full->id && d->ancount == full->ancount;
        if (!ok && bad++ < 3)
            fprintf(stderr, "cut at %u of %u: rc %d error %s at %u\n", n, m->n, rc,
                    dns_error_name(d->error), d->error_off);
    }
    CHECK_EQ(bad, 0);
}

static void test_cuts(struct dns_message *full, struct dns_message *d)
{
    struct mb m;
    /* Every type, compression, an authority and an OPT. */
    hdr(&m, 50, 0x8180, 1, 8, 1, 1);
    putname(&m, "www.example.com");
    put16(&m, 1);
    put16(&m, 1);
    putptr(&m, 12);
    uint32_t rl = rrbegin(&m, 5, 1, 60);
    putlabels(&m, "cdn");
    putptr(&m, 16);
    rdlen_fix(&m, rl);
    putptr(&m, 12);
    rrfix(&m, 1, 1, 60, 4);
    put32(&m, 0x01020304);
    putptr(&m, 12);
    rrfix(&m, 28, 1, 60, 16);
    putbytes(&m, "\x20\x01\x0d\xb8\0\0\0\0\0\0\0\0\0\0\0\x01", 16);
    putptr(&m, 16);
    rl = rrbegin(&m, 15, 1, 60);
    put16(&m, 5);
    putlabels(&m, "mx");
    putptr(&m, 16);
    rdlen_fix(&m, rl);
    putptr(&m, 16);
    rl = rrbegin(&m, 16, 1, 60);
    put8(&m, 3);
    putbytes(&m, "abc", 3);
    put8(&m, 2);
    putbytes(&m, "de", 2);
    rdlen_fix(&m, rl);
    putptr(&m, 16);
    rl = rrbegin(&m, 33, 1, 60);
    put16(&m, 1);
    put16(&m, 2);
    put16(&m, 3);
    putptr(&m, 12);
    rdlen_fix(&m, rl);
    putptr(&m, 16);
    rl = rrbegin(&m, 2, 1, 60);
    putlabels(&m, "ns");
    putptr(&m, 16);
    rdlen_fix(&m, rl);
    putptr(&m, 12);
    rrfix(&m, 46, 1, 60, 3);
    putbytes(&m, "xyz", 3);
    putptr(&m, 16);
    rl = rrbegin(&m, 6, 1, 60);
    putptr(&m, 16);
    putlabels(&m, "h");
    putptr(&m, 16);
    for (int i = 0; i < 5; i++)
        put32(&m, (uint32_t)i);
    rdlen_fix(&m, rl);
    put8(&m, 0);
    rrfix(&m, 41, 4096, 0x8000, 4);
    put16(&m, 1);
    put16(&m, 0);
    cut_sweep(&m, full, d);
    CHECK_EQ(full->nanswers, 8);
    CHECK_EQ(full->nauthorities, 1);
    CHECK(full->has_edns);
    CHECK_STR(full->authorities[0].rdata, "example.com h.example.com 0 1 2 3 4");

    /* A query with a long uncompressed name. */
    hdr(&m, 51, 0x0100, 1, 0, 0, 0);
    putname(&m, "a-rather-long-label-for-a-sweep.sub.example.co.uk");
    put16(&m, 255);
    put16(&m, 1);
    cut_sweep(&m, full, d);
    CHECK_STR(full->q.name, "a-rather-long-label-for-a-sweep.sub.example.co.uk");
}

/* ---------------------------------------------------------------------------------- */
/* TCP framing                                                                        */
/* ---------------------------------------------------------------------------------- */

static void test_tcp(struct dns_message *d)
{
    struct mb q, s;
    hdr(&q, 60, 0x0100, 1, 0, 0, 0);
    putname(&q, "tcp.example");
    put16(&q, 1);
    put16(&q, 1);
    /* Stream: [len][query] [len][query with id 61] */
    s.n = 0;
    put16(&s, q.n);
    putbytes(&s, q.b, q.n);
    q.b[1] = 61;
    put16(&s, q.n);
    putbytes(&s, q.b, q.n);

    const uint8_t *msg;
    uint32_t mlen, flen;
    /* Whole, then the second in the same buffer. */
    CHECK_EQ(dns_tcp_frame(s.b, s.n, &msg, &mlen, &flen), CANH_OK);
    CHECK(msg == s.b + 2);
    CHECK_EQ(mlen, q.n);
    CHECK_EQ(flen, q.n + 2);
    CHECK_EQ(parse(msg, mlen, d), CANH_OK);
    CHECK_EQ(d->id, 60);
    CHECK_STR(d->q.name, "tcp.example");
    CHECK_EQ(dns_tcp_frame(s.b + flen, s.n - flen, &msg, &mlen, &flen), CANH_OK);
    CHECK(msg == s.b + q.n + 4);
    CHECK_EQ(parse(msg, mlen, d), CANH_OK);
    CHECK_EQ(d->id, 61);
    /* Split: nothing, one byte of the prefix, the prefix, all but the last byte. */
    CHECK_EQ(dns_tcp_frame(s.b, 0, &msg, &mlen, &flen), CANH_AGAIN);
    CHECK_EQ(flen, 2);
    CHECK(msg == NULL);
    CHECK_EQ(dns_tcp_frame(s.b, 1, &msg, &mlen, &flen), CANH_AGAIN);
    CHECK_EQ(flen, 2);
    CHECK_EQ(dns_tcp_frame(s.b, 2, &msg, &mlen, &flen), CANH_AGAIN);
    CHECK_EQ(flen, q.n + 2);
    CHECK_EQ(mlen, 0);
    for (uint32_t n = 3; n < q.n + 2; n++) {
        uint8_t *cut = malloc(n);
        memcpy(cut, s.b, n);
        if (dns_tcp_frame(cut, n, &msg, &mlen, &flen) != CANH_AGAIN || flen != q.n + 2) {
            CHECK(false);
            fprintf(stderr, "tcp cut at %u\n", n);
        }
        free(cut);
    }
    /* Exactly the first frame. */
    CHECK_EQ(dns_tcp_frame(s.b, q.n + 2, &msg, &mlen, &flen), CANH_OK);
    /* The second frame split after its prefix. */
    CHECK_EQ(dns_tcp_frame(s.b + q.n + 2, 3, &msg, &mlen, &flen), CANH_AGAIN);
    CHECK_EQ(flen, q.n + 2);
    /* A zero length is a frame; the parser then reports the short header. */
    static const uint8_t zero[] = { 0, 0, 0, 5 };
    CHECK_EQ(dns_tcp_frame(zero, sizeof(zero), &msg, &mlen, &flen), CANH_OK);
    CHECK_EQ(mlen, 0);
    CHECK_EQ(flen, 2);
    CHECK_EQ(dns_parse(msg, mlen, d), CANH_ERR);
    CHECK_EQ(d->error, DNS_E_HEADER_TRUNCATED);
    CHECK_EQ(dns_tcp_frame(zero + 2, 2, &msg, &mlen, &flen), CANH_AGAIN);
    CHECK_EQ(flen, 7);
}

/* ---------------------------------------------------------------------------------- */
/* Names of codes                                                                     */
/* ---------------------------------------------------------------------------------- */

static void test_names(void)
{
    char b[8];
    CHECK_STR(dns_rrtype_str(1, b), "A");
    CHECK_STR(dns_rrtype_str(28, b), "AAAA");
    CHECK_STR(dns_rrtype_str(23, b), "NSAP-PTR");
    CHECK_STR(dns_rrtype_str(65, b), "HTTPS");
    CHECK_STR(dns_rrtype_str(255, b), "ANY");
    CHECK_STR(dns_rrtype_str(257, b), "CAA");
    CHECK_STR(dns_rrtype_str(32769, b), "DLV");
    CHECK_STR(dns_rrtype_str(0, b), "0");
    CHECK_STR(dns_rrtype_str(54, b), "54");
    CHECK_STR(dns_rrtype_str(65535, b), "65535");
    CHECK_STR(dns_rcode_str(0, b), "NOERROR");
    CHECK_STR(dns_rcode_str(3, b), "NXDOMAIN");
    CHECK_STR(dns_rcode_str(10, b), "NOTZONE");
    CHECK_STR(dns_rcode_str(12, b), "12");
    CHECK_STR(dns_rcode_str(16, b), "BADVERS");
    CHECK_STR(dns_rcode_str(23, b), "BADCOOKIE");
    CHECK_STR(dns_rcode_str(4095, b), "4095");
    CHECK_STR(dns_error_name(DNS_E_NONE), "none");
    CHECK_STR(dns_error_name(DNS_E_POINTER_LOOP), "pointer_loop");
    CHECK_STR(dns_error_name(DNS_E_RDATA), "rdata_invalid");
    CHECK_STR(dns_error_name(DNS_E_MAX), "unknown");
    for (int e = 0; e < DNS_E_MAX; e++)
        CHECK(strcmp(dns_error_name((enum dns_error)e), "unknown") != 0);
}

/* ---------------------------------------------------------------------------------- */
/* EVE                                                                                */
/* ---------------------------------------------------------------------------------- */

/* The "dns" object of the event in e->buf. */
static const char *dns_obj(struct eve *e, char *out, size_t cap)
{
    const char *p = strstr(e->buf, "\"dns\":{");
    out[0] = '\0';
    if (p == NULL || e->j.overflow)
        return out;
    p += 6;
    size_t n = strlen(p);
    if (n < 2)
        return out;
    n -= 2; /* the event's closing '}' and the newline */
    if (n >= cap)
        n = cap - 1;
    memcpy(out, p, n);
    out[n] = '\0';
    return out;
}

static void test_eve(struct dns_message *d)
{
    struct eve e = { 0 };
    e.sensor_id = "s1";
    e.org = "org";
    e.boot_id = "b";
    e.types = EVE_DNS;
    CHECK_EQ(eve_init(&e), CANH_OK);
    struct flow f = { 0 };
    f.key.ipver = 4;
    f.key.proto = 17;
    f.key.addr[0].b[0] = 10, f.key.addr[0].b[3] = 5;
    f.key.addr[1].b[0] = 8, f.key.addr[1].b[1] = 8, f.key.addr[1].b[2] = 8, f.key.addr[1].b[3] = 8;
    f.key.port[0] = 53000;
    f.key.port[1] = 53;
    f.client = 0;
    char obj[8192];
    struct mb m;

    /* Query. */
    hdr(&m, 0x1234, 0x0100, 1, 0, 0, 0);
    putname(&m, "www.example.com");
    put16(&m, 1);
    put16(&m, 1);
    CHECK_EQ(parse_mb(&m, d), CANH_OK);
    eve_dns_message(&e, &f, NULL, d, 1700000000123456ull);
    CHECK(strncmp(e.buf, "{\"timestamp\":\"2023-11-14T22:13:20.123456+0000\",\"event_type\":\"dns\"",
                  64) == 0);
    CHECK(strstr(e.buf, "\"src_ip\":\"10.0.0.5\",\"src_port\":53000,\"dest_ip\":\"8.8.8.8\","
                        "\"dest_port\":53,\"proto\":\"UDP\"") != NULL);
    CHECK_STR(dns_obj(&e, obj, sizeof(obj)),
              "{\"type\":\"query\",\"id\":4660,\"rrname\":\"www.example.com\",\"rrtype\":\"A\"}");
    CHECK_EQ(e.buf[e.j.len - 1], '\n');

    /* Query with Z and opcode NOTIFY, no question. */
    hdr(&m, 1, 4 << 11 | 0x0040, 0, 0, 0, 0);
    CHECK_EQ(parse_mb(&m, d), CANH_OK);
    eve_dns_message(&e, &f, NULL, d, 1700000000000000ull);
    CHECK_STR(dns_obj(&e, obj, sizeof(obj)),
              "{\"type\":\"query\",\"id\":1,\"z\":true,\"opcode\":4}");

    /* Answer: CNAME + A. */
    hdr(&m, 0xbeef, 0x8180, 1, 2, 0, 0);
    putname(&m, "www.example.com");
    put16(&m, 1);
    put16(&m, 1);
    putptr(&m, 12);
    uint32_t rl = rrbegin(&m, 5, 1, 3600);
    uint32_t cdn = m.n;
    putlabels(&m, "cdn");
    putptr(&m, 16);
    rdlen_fix(&m, rl);
    putptr(&m, cdn);
    rrfix(&m, 1, 1, 300, 4);
    put32(&m, 0x5db8d822);
    CHECK_EQ(parse_mb(&m, d), CANH_OK);
    eve_dns_message(&e, &f, NULL, d, 1700000000000000ull);
    CHECK_STR(dns_obj(&e, obj, sizeof(obj)),
              "{\"version\":2,\"type\":\"answer\",\"id\":48879,\"flags\":\"8180\",\"qr\":true,"
              "\"rd\":true,\"ra\":true,\"rrname\":\"www.example.com\",\"rrtype\":\"A\","
              "\"rcode\":\"NOERROR\",\"answers\":["
              "{\"rrname\":\"www.example.com\",\"rrtype\":\"CNAME\",\"ttl\":3600,"
              "\"rdata\":\"cdn.example.com\"},"
              "{\"rrname\":\"cdn.example.com\",\"rrtype\":\"A\",\"ttl\":300,"
              "\"rdata\":\"93.184.216.34\"}]}");

    /* NXDOMAIN with an SOA authority, AA, AD. */
    hdr(&m, 5, 0x84a3, 1, 0, 1, 0);
    putname(&m, "nope.example.com");
    put16(&m, 28);
    put16(&m, 1);
    putptr(&m, 17);
    rl = rrbegin(&m, 6, 1, 900);
    putlabels(&m, "ns");
    putptr(&m, 17);
    putlabels(&m, "host\\master");
    putptr(&m, 17);
    put32(&m, 1);
    put32(&m, 2);
    put32(&m, 3);
    put32(&m, 4);
    put32(&m, 5);
    rdlen_fix(&m, rl);
    CHECK_EQ(parse_mb(&m, d), CANH_OK);
    eve_dns_message(&e, &f, NULL, d, 1700000000000000ull);
    CHECK_STR(dns_obj(&e, obj, sizeof(obj)),
              "{\"version\":2,\"type\":\"answer\",\"id\":5,\"flags\":\"84a3\",\"qr\":true,"
              "\"aa\":true,\"ra\":true,\"rrname\":\"nope.example.com\",\"rrtype\":\"AAAA\","
              "\"rcode\":\"NXDOMAIN\",\"authorities\":["
              "{\"rrname\":\"example.com\",\"rrtype\":\"SOA\",\"ttl\":900,\"soa\":{"
              "\"mname\":\"ns.example.com\",\"rname\":\"host\\\\\\\\master.example.com\","
              "\"serial\":1,\"refresh\":2,\"retry\":3,\"expire\":4,\"minimum\":5}}]}");

    /* MX, SRV, TXT with a quote and a control byte, an unknown type, TC, flags "200". */
    hdr(&m, 7, 0x8200, 1, 4, 0, 0);
    putname(&m, "ex.org");
    put16(&m, 255);
    put16(&m, 1);
    putptr(&m, 12);
    rl = rrbegin(&m, 15, 1, 1);
    put16(&m, 10);
    putlabels(&m, "mx");
    putptr(&m, 12);
    rdlen_fix(&m, rl);
    putptr(&m, 12);
    rl = rrbegin(&m, 33, 1, 2);
    put16(&m, 1);
    put16(&m, 2);
    put16(&m, 443);
    putptr(&m, 12);
    rdlen_fix(&m, rl);
    putptr(&m, 12);
    rl = rrbegin(&m, 16, 1, 3);
    put8(&m, 3);
    putbytes(&m, "a\"b", 3);
    put8(&m, 2);
    putbytes(&m, "\x01\xff", 2);
    rdlen_fix(&m, rl);
    putptr(&m, 12);
    rrfix(&m, 99, 1, 4, 1);
    put8(&m, 0);
    CHECK_EQ(parse_mb(&m, d), CANH_OK);
    eve_dns_message(&e, &f, NULL, d, 1700000000000000ull);
    CHECK_STR(dns_obj(&e, obj, sizeof(obj)),
              "{\"version\":2,\"type\":\"answer\",\"id\":7,\"flags\":\"8200\",\"qr\":true,"
              "\"tc\":true,\"rrname\":\"ex.org\",\"rrtype\":\"ANY\",\"rcode\":\"NOERROR\","
              "\"answers\":["
              "{\"rrname\":\"ex.org\",\"rrtype\":\"MX\",\"ttl\":1,\"rdata\":\"mx.ex.org\"},"
              "{\"rrname\":\"ex.org\",\"rrtype\":\"SRV\",\"ttl\":2,\"srv\":{\"priority\":1,"
              "\"weight\":2,\"port\":443,\"name\":\"ex.org\"}},"
              "{\"rrname\":\"ex.org\",\"rrtype\":\"TXT\",\"ttl\":3,"
              "\"rdata\":\"a\\\"b\\u0001\\u00ff\"},"
              "{\"rrname\":\"ex.org\",\"rrtype\":\"SPF\",\"ttl\":4}]}");

    /* Flags without leading zeros; rcode unassigned; root rrname. */
    hdr(&m, 8, 0x800d, 1, 0, 0, 0);
    put8(&m, 0);
    put16(&m, 2);
    put16(&m, 1);
    CHECK_EQ(parse_mb(&m, d), CANH_OK);
    eve_dns_message(&e, &f, NULL, d, 1700000000000000ull);
    CHECK_STR(dns_obj(&e, obj, sizeof(obj)),
              "{\"version\":2,\"type\":\"answer\",\"id\":8,\"flags\":\"800d\",\"qr\":true,"
              "\"rrname\":\"\",\"rrtype\":\"NS\",\"rcode\":\"13\"}");

    /* Z and a non-zero opcode in a response (NOTIFY answer). */
    hdr(&m, 10, 0x8000 | 4 << 11 | 0x0440, 0, 0, 0, 0);
    CHECK_EQ(parse_mb(&m, d), CANH_OK);
    eve_dns_message(&e, &f, NULL, d, 1700000000000000ull);
    CHECK_STR(dns_obj(&e, obj, sizeof(obj)),
              "{\"version\":2,\"type\":\"answer\",\"id\":10,\"flags\":\"a440\",\"qr\":true,"
              "\"aa\":true,\"z\":true,\"opcode\":4,\"rcode\":\"NOERROR\"}");

    /* A malformed message: what was parsed; a cut header: no event. */
    hdr(&m, 9, 0x8180, 1, 2, 0, 0);
    putname(&m, "p");
    put16(&m, 1);
    put16(&m, 1);
    putptr(&m, 12);
    rrfix(&m, 1, 1, 5, 4);
    put32(&m, 0x7f000001);
    putptr(&m, 40);
    CHECK_EQ(parse_mb(&m, d), CANH_ERR);
    eve_dns_message(&e, &f, NULL, d, 1700000000000000ull);
    CHECK_STR(dns_obj(&e, obj, sizeof(obj)),
              "{\"version\":2,\"type\":\"answer\",\"id\":9,\"flags\":\"8180\",\"qr\":true,"
              "\"rd\":true,\"ra\":true,\"rrname\":\"p\",\"rrtype\":\"A\",\"rcode\":\"NOERROR\","
              "\"answers\":[{\"rrname\":\"p\",\"rrtype\":\"A\",\"ttl\":5,\"rdata\":\"127.0.0.1\"}]}");
    uint64_t seq = e.seq;
    CHECK_EQ(parse(m.b, 5, d), CANH_ERR);
    eve_dns_message(&e, &f, NULL, d, 1700000000000000ull);
    CHECK_EQ(e.seq, seq);
    /* dns events off: nothing. */
    CHECK_EQ(parse_mb(&m, d), CANH_ERR);
    e.types = EVE_FLOW;
    eve_dns_message(&e, &f, NULL, d, 1700000000000000ull);
    CHECK_EQ(e.seq, seq);
    eve_destroy(&e);
}

int main(void)
{
    struct dns_message *d = msg_new(), *full = msg_new();
    test_query(d);
    test_flags(d);
    test_zero_counts(d);
    test_root_and_escapes(d);
    test_response_a_cname(d);
    test_aaaa(d);
    test_ns_ptr_dname(d);
    test_mx_srv(d);
    test_soa_nxdomain(d);
    test_txt_null(d);
    test_other_types(d);
    test_mdns(d);
    test_edns(d);
    test_pointers(d);
    test_pointer_chain(d);
    test_name_limits(d);
    test_counts(d);
    test_skipped(d);
    test_caps(d);
    test_cuts(full, d);
    test_tcp(d);
    test_names();
    test_eve(d);
    free(d);
    free(full);
    return test_done("test-dns");
}
