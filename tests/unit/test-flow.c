/* Flow table: key normalisation and direction, counters, TCP states, timeouts on ticks,
 * TCP port reuse, memcap eviction, flow ids, and Community ID against values computed
 * by tshark's implementation (tshark --enable-protocol communityid). */
#include <arpa/inet.h>
#include <gcrypt.h>
#include <stdlib.h>

#include "flow/flow.h"
#include "test.h"

struct ended {
    int n;
    int reasons[64];
    uint64_t pkts[64][2];
    uint8_t state[64];
};

static void on_end(void *ctx, struct flow *f, enum flow_end_reason reason)
{
    struct ended *e = ctx;
    if (e->n < 64) {
        e->reasons[e->n] = reason;
        e->pkts[e->n][0] = f->pkts[0];
        e->pkts[e->n][1] = f->pkts[1];
        e->state[e->n] = f->tcp_state;
    }
    e->n++;
}

static struct flow_table *table(struct ended *e, uint64_t memcap)
{
    struct flow_table_conf c = {
        .memcap = memcap,
        .hash_size = 1024,
        .timeout_us = { [FLOW_TC_TCP_NEW] = 60000000, [FLOW_TC_TCP_ESTABLISHED] = 600000000,
                        [FLOW_TC_TCP_CLOSED] = 10000000, [FLOW_TC_UDP] = 120000000,
                        [FLOW_TC_ICMP] = 60000000, [FLOW_TC_OTHER] = 120000000 },
    };
    char err[CANH_ERRBUF_SIZE];
    struct flow_table *t = flow_table_new(&c, on_end, e, err);
    if (t == NULL)
        fprintf(stderr, "%s\n", err);
    return t;
}

static void pkt(struct packet *p, const char *src, uint16_t sport, const char *dst, uint16_t dport,
                uint8_t proto, uint8_t flags, uint64_t ts_s)
{
    memset(p, 0, sizeof(*p));
    p->ipver = strchr(src, ':') ? 6 : 4;
    inet_pton(p->ipver == 4 ? AF_INET : AF_INET6, src, p->src.b);
    inet_pton(p->ipver == 4 ? AF_INET : AF_INET6, dst, p->dst.b);
    p->sport = sport;
    p->dport = dport;
    p->proto = proto;
    p->tcp_flags = flags;
    p->ts_us = ts_s * 1000000;
    p->wirelen = p->flow_len = 100;
}

static void test_direction_and_counters(void)
{
    struct ended e = { 0 };
    struct flow_table *t = table(&e, 1 << 20);
    struct packet p;
    int dir;
    /* Client 10.0.0.9:40000 (the higher address) opens to 10.0.0.1:80. */
    pkt(&p, "10.0.0.9", 40000, "10.0.0.1", 80, 6, TH_SYN, 100);
    struct flow *f = flow_table_packet(t, &p, &dir);
    CHECK(f != NULL);
    CHECK_EQ(dir, FLOW_TO_SERVER);
    CHECK_EQ(f->tcp_state, FLOW_TCP_SYN_SENT);
    pkt(&p, "10.0.0.1", 80, "10.0.0.9", 40000, 6, TH_SYN | TH_ACK, 100);
    CHECK(flow_table_packet(t, &p, &dir) == f);
    CHECK_EQ(dir, FLOW_TO_CLIENT);
    CHECK_EQ(f->tcp_state, FLOW_TCP_SYN_RECV);
    pkt(&p, "10.0.0.9", 40000, "10.0.0.1", 80, 6, TH_ACK, 101);
    flow_table_packet(t, &p, &dir);
    CHECK_EQ(f->tcp_state, FLOW_TCP_ESTABLISHED);
    CHECK_STR(flow_state_name(f), "established");
    CHECK_EQ(f->pkts[FLOW_TO_SERVER], 2);
    CHECK_EQ(f->pkts[FLOW_TO_CLIENT], 1);
    CHECK_EQ(f->bytes[FLOW_TO_SERVER], 200);
    char a[64];
    inet_ntop(AF_INET, flow_client_addr(f)->b, a, sizeof(a));
    CHECK_STR(a, "10.0.0.9");
    CHECK_EQ(flow_client_port(f), 40000);
    CHECK_EQ(flow_server_port(f), 80);
    CHECK_EQ(f->first_us, 100000000);
    CHECK_EQ(f->last_us, 101000000);

    /* FIN each way closes it; the closed timeout then ends it. */
    pkt(&p, "10.0.0.9", 40000, "10.0.0.1", 80, 6, TH_FIN | TH_ACK, 102);
    flow_table_packet(t, &p, &dir);
    CHECK_EQ(f->tcp_state, FLOW_TCP_FIN_WAIT);
    pkt(&p, "10.0.0.1", 80, "10.0.0.9", 40000, 6, TH_FIN | TH_ACK, 102);
    flow_table_packet(t, &p, &dir);
    CHECK_EQ(f->tcp_state, FLOW_TCP_CLOSED);
    CHECK_STR(flow_state_name(f), "closed");
    CHECK_STR(flow_tcp_state_name(f), "closed");
    flow_table_timeout(t, 105000000);
    CHECK_EQ(e.n, 0);
    flow_table_timeout(t, 113000000);
    CHECK_EQ(e.n, 1);
    CHECK_EQ(e.reasons[0], FLOW_END_TIMEOUT);
    CHECK_EQ(flow_table_stats(t)->active, 0);
    flow_table_free(t);
}

static void test_midstream_and_synack_first(void)
{
    struct ended e = { 0 };
    struct flow_table *t = table(&e, 1 << 20);
    struct packet p;
    int dir;
    /* Picked up at the SYN-ACK: the client is the destination of that packet. */
    pkt(&p, "192.0.2.1", 443, "198.51.100.7", 5555, 6, TH_SYN | TH_ACK, 10);
    struct flow *f = flow_table_packet(t, &p, &dir);
    CHECK_EQ(dir, FLOW_TO_CLIENT);
    CHECK_EQ(flow_server_port(f), 443);
    CHECK_EQ(f->tcp_state, FLOW_TCP_SYN_RECV);

    /* Mid-stream: "none" until both directions are seen, then established. */
    pkt(&p, "192.0.2.5", 22, "198.51.100.8", 6000, 6, TH_ACK | TH_PSH, 10);
    f = flow_table_packet(t, &p, &dir);
    CHECK_EQ(f->tcp_state, FLOW_TCP_NONE);
    CHECK_STR(flow_state_name(f), "new");
    CHECK_EQ(f->tclass, FLOW_TC_TCP_NEW);
    pkt(&p, "198.51.100.8", 6000, "192.0.2.5", 22, 6, TH_ACK, 11);
    flow_table_packet(t, &p, &dir);
    CHECK_STR(flow_state_name(f), "established");
    CHECK_EQ(f->tclass, FLOW_TC_TCP_ESTABLISHED);

    /* RST closes. */
    pkt(&p, "198.51.100.8", 6000, "192.0.2.5", 22, 6, TH_RST, 12);
    flow_table_packet(t, &p, &dir);
    CHECK_EQ(f->tcp_state, FLOW_TCP_CLOSED);
    flow_table_flush(t);
    CHECK_EQ(e.n, 2);
    CHECK_EQ(e.reasons[0], FLOW_END_SHUTDOWN);
    flow_table_free(t);
}

static void test_timeouts_and_reuse(void)
{
    struct ended e = { 0 };
    struct flow_table *t = table(&e, 1 << 20);
    struct packet p;
    int dir;
    /* UDP: a packet 121 s after the last starts a new flow (expiry seen at lookup). */
    pkt(&p, "10.1.1.1", 5000, "10.1.1.2", 53, 17, 0, 1000);
    struct flow *f1 = flow_table_packet(t, &p, &dir);
    pkt(&p, "10.1.1.2", 53, "10.1.1.1", 5000, 17, 0, 1001);
    CHECK(flow_table_packet(t, &p, &dir) == f1);
    pkt(&p, "10.1.1.1", 5000, "10.1.1.2", 53, 17, 0, 1122);
    struct flow *f2 = flow_table_packet(t, &p, &dir);
    CHECK_EQ(e.n, 1);
    CHECK_EQ(e.reasons[0], FLOW_END_TIMEOUT);
    CHECK_EQ(e.pkts[0][0], 1);
    CHECK_EQ(e.pkts[0][1], 1);
    CHECK_EQ(f2->pkts[0], 1);
    CHECK_EQ(f2->first_us, 1122000000);

    /* Tick-driven expiry: not yet at +120 s, ended after. */
    flow_table_timeout(t, 1242000000);
    CHECK_EQ(e.n, 1);
    flow_table_timeout(t, 1242000001);
    CHECK_EQ(e.n, 2);

    /* A SYN on a closed connection's 5-tuple starts a new flow (tcp_reuse). */
    pkt(&p, "10.2.2.2", 1234, "10.2.2.3", 80, 6, TH_SYN, 2000);
    flow_table_packet(t, &p, &dir);
    pkt(&p, "10.2.2.3", 80, "10.2.2.2", 1234, 6, TH_RST | TH_ACK, 2000);
    flow_table_packet(t, &p, &dir);
    pkt(&p, "10.2.2.2", 1234, "10.2.2.3", 80, 6, TH_SYN, 2001);
    struct flow *f3 = flow_table_packet(t, &p, &dir);
    CHECK_EQ(e.n, 3);
    CHECK_EQ(e.reasons[2], FLOW_END_TCP_REUSE);
    CHECK_EQ(f3->tcp_state, FLOW_TCP_SYN_SENT);
    CHECK_EQ(flow_table_stats(t)->tcp_reuse, 1);

    /* ICMP echo request and reply are one flow; ICMP keyed without ports. */
    pkt(&p, "10.3.3.3", 0, "10.3.3.4", 0, 1, 0, 3000);
    p.icmp_type = 8;
    struct flow *fi = flow_table_packet(t, &p, &dir);
    pkt(&p, "10.3.3.4", 0, "10.3.3.3", 0, 1, 0, 3000);
    p.icmp_type = 0;
    CHECK(flow_table_packet(t, &p, &dir) == fi);
    CHECK_EQ(dir, FLOW_TO_CLIENT);
    CHECK_EQ(fi->tclass, FLOW_TC_ICMP);

    /* Different VLANs are different flows. */
    pkt(&p, "10.4.4.4", 1, "10.4.4.5", 2, 17, 0, 4000);
    p.vlan[0] = 10;
    struct flow *v1 = flow_table_packet(t, &p, &dir);
    p.vlan[0] = 20;
    struct flow *v2 = flow_table_packet(t, &p, &dir);
    CHECK(v1 != v2);
    flow_table_flush(t);
    flow_table_free(t);
}

static void test_memcap(void)
{
    struct ended e = { 0 };
    /* Room for the buckets and about 10 flows. */
    uint64_t cap = 1024 * sizeof(void *) + 10 * sizeof(struct flow) + 8;
    struct flow_table *t = table(&e, cap);
    struct packet p;
    int dir;
    for (int i = 0; i < 25; i++) {
        pkt(&p, "10.9.0.1", (uint16_t)(1000 + i), "10.9.0.2", 53, 17, 0, 100 + (uint64_t)i);
        CHECK(flow_table_packet(t, &p, &dir) != NULL);
    }
    const struct flow_stats *st = flow_table_stats(t);
    CHECK_EQ(st->created, 25);
    CHECK_EQ(st->active, 10);
    CHECK_EQ(st->forced, 15);
    CHECK(st->memuse <= cap);
    CHECK_EQ(e.reasons[0], FLOW_END_FORCED);
    /* The oldest went first: the survivors are the last ten. */
    pkt(&p, "10.9.0.1", 1024, "10.9.0.2", 53, 17, 0, 200);
    struct flow *f = flow_table_packet(t, &p, &dir);
    CHECK_EQ(f->pkts[0], 2);
    /* DPI state counts against the memcap too. */
    flow_table_account(t, 4 * sizeof(struct flow));
    pkt(&p, "10.9.0.1", 3000, "10.9.0.2", 53, 17, 0, 201);
    flow_table_packet(t, &p, &dir);
    CHECK(flow_table_stats(t)->active <= 7);
    flow_table_account(t, -(int64_t)(4 * sizeof(struct flow)));
    flow_table_flush(t);
    flow_table_free(t);

    /* A memcap smaller than the hash table is refused with a message. */
    struct flow_table_conf c = { .memcap = 100, .hash_size = 1024 };
    char err[CANH_ERRBUF_SIZE];
    CHECK(flow_table_new(&c, on_end, &e, err) == NULL);
    CHECK(strstr(err, "flow.memcap") != NULL);
}

struct cid_case {
    const char *src;
    uint16_t sport;
    const char *dst;
    uint16_t dport;
    uint8_t proto, icmp_type, icmp_code;
    const char *expect; /* computed by tshark 4.0 */
};

static void test_community_id(void)
{
    static const struct cid_case cases[] = {
        { "128.232.110.120", 34855, "66.35.250.204", 80, 6, 0, 0, "1:LQU9qZlK+B5F3KDmev6m5PMibrg=" },
        { "66.35.250.204", 80, "128.232.110.120", 34855, 6, 0, 0, "1:LQU9qZlK+B5F3KDmev6m5PMibrg=" },
        { "2001:db8::1", 53, "2001:db8::2", 5353, 17, 0, 0, "1:tajKKCYPX5Fr60+44RSdKtpFb4s=" },
        { "2001:db8::2", 5353, "2001:db8::1", 53, 17, 0, 0, "1:tajKKCYPX5Fr60+44RSdKtpFb4s=" },
        { "10.0.0.2", 0, "10.0.0.1", 0, 1, 8, 0, "1:E5tNYkCqpM09ZPfoLcq+JJj0QuQ=" },  /* echo request */
        { "10.0.0.1", 0, "10.0.0.2", 0, 1, 0, 0, "1:E5tNYkCqpM09ZPfoLcq+JJj0QuQ=" },  /* its reply */
        { "10.0.0.2", 0, "10.0.0.1", 0, 1, 3, 3, "1:LhjXG72oBqb/FpYqPl9LboG4/B4=" },  /* one-way */
        { "fe80::2", 0, "fe80::1", 0, 58, 128, 0, "1:hcQR4+TVVdHthPBS7U0F6CmEKfY=" },
        { "fe80::2", 0, "fe80::1", 0, 58, 135, 0, "1:jXSMIMhnMomSaIrNtEPXqYE5Rc4=" },
        { "10.0.0.2", 2905, "10.0.0.1", 80, 132, 0, 0, "1:PFECPezapxwWomfMuUxrKiaGYzo=" },
    };
    struct ended e = { 0 };
    struct flow_table *t = table(&e, 1 << 20);
    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        const struct cid_case *k = &cases[i];
        struct packet p;
        int dir;
        pkt(&p, k->src, k->sport, k->dst, k->dport, k->proto, 0, 5000 + i * 1000);
        p.icmp_type = k->icmp_type;
        p.icmp_code = k->icmp_code;
        struct flow *f = flow_table_packet(t, &p, &dir);
        char cid[COMMUNITY_ID_LEN];
        flow_community_id(f, cid);
        CHECK_STR(cid, k->expect);
        flow_table_flush(t);
    }
    flow_table_free(t);
}

static void test_flow_id(void)
{
    struct ended e = { 0 };
    struct flow_table *t = table(&e, 1 << 20);
    struct packet p;
    int dir;
    pkt(&p, "10.5.5.5", 1, "10.5.5.6", 2, 17, 0, 100);
    uint64_t id1 = flow_id(flow_table_packet(t, &p, &dir));
    pkt(&p, "10.5.5.5", 1, "10.5.5.6", 3, 17, 0, 100);
    uint64_t id2 = flow_id(flow_table_packet(t, &p, &dir));
    CHECK(id1 != id2);
    CHECK(id1 < (1ULL << 51) && id2 < (1ULL << 51));
    flow_table_flush(t);
    pkt(&p, "10.5.5.6", 2, "10.5.5.5", 1, 17, 0, 100); /* same flow, seen from the other side */
    CHECK_EQ(flow_id(flow_table_packet(t, &p, &dir)), id1);
    flow_table_flush(t);
    flow_table_free(t);
}

int main(void)
{
    gcry_check_version(NULL);
    test_direction_and_counters();
    test_midstream_and_synack_first();
    test_timeouts_and_reuse();
    test_memcap();
    test_community_id();
    test_flow_id();
    return test_done("flow");
}
