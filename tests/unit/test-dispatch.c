/* Dispatch hash: symmetric, and taken from the innermost IP header, so one inner flow
 * carried by different tunnel endpoints reaches one worker; an outer fragment is hashed
 * on the outer addresses (only the first fragment shows the inner header). */
#include <arpa/inet.h>
#include <pcap/dlt.h>

#include "decode/decode.h"
#include "test.h"

static size_t put(uint8_t *b, size_t off, const void *src, size_t n)
{
    memcpy(b + off, src, n);
    return off + n;
}

static size_t eth(uint8_t *b, uint16_t type)
{
    memset(b, 0, 12);
    b[12] = (uint8_t)(type >> 8);
    b[13] = (uint8_t)type;
    return 14;
}

static size_t ipv4(uint8_t *b, size_t off, const char *src, const char *dst, uint8_t proto,
                   uint16_t frag)
{
    uint8_t h[20] = { 0x45, 0, 0, 60, 0, 1, (uint8_t)(frag >> 8), (uint8_t)frag, 64, proto };
    inet_pton(AF_INET, src, h + 12);
    inet_pton(AF_INET, dst, h + 16);
    return put(b, off, h, sizeof(h));
}

static size_t ipv6(uint8_t *b, size_t off, const char *src, const char *dst, uint8_t nh)
{
    uint8_t h[40] = { 0x60, 0, 0, 0, 0, 40, nh, 64 };
    inet_pton(AF_INET6, src, h + 8);
    inet_pton(AF_INET6, dst, h + 24);
    return put(b, off, h, sizeof(h));
}

static size_t udp(uint8_t *b, size_t off, uint16_t sport, uint16_t dport)
{
    uint8_t h[8] = { (uint8_t)(sport >> 8), (uint8_t)sport, (uint8_t)(dport >> 8), (uint8_t)dport, 0, 30 };
    return put(b, off, h, sizeof(h));
}

static uint32_t h(const uint8_t *b, size_t n)
{
    return decode_dispatch_hash(DLT_EN10MB, b, (uint32_t)n);
}

int main(void)
{
    uint8_t a[256], c[256];
    size_t n, m;

    /* Plain IPv4: both directions hash alike, another pair differently. */
    n = ipv4(a, eth(a, 0x0800), "10.0.0.1", "10.0.0.2", 17, 0);
    n = udp(a, n, 1000, 53);
    m = ipv4(c, eth(c, 0x0800), "10.0.0.2", "10.0.0.1", 17, 0);
    m = udp(c, m, 53, 1000);
    uint32_t plain = h(a, n);
    CHECK(plain != 0);
    CHECK_EQ(plain, h(c, m));
    m = ipv4(c, eth(c, 0x0800), "10.0.0.3", "10.0.0.2", 17, 0);
    CHECK(h(c, m) != plain);

    /* The same inner IPv4 flow in IP-in-IP from two different tunnel endpoints. */
    n = ipv4(a, eth(a, 0x0800), "192.0.2.1", "192.0.2.2", 4, 0);
    n = ipv4(a, n, "10.0.0.1", "10.0.0.2", 17, 0);
    n = udp(a, n, 1000, 53);
    m = ipv4(c, eth(c, 0x0800), "198.51.100.7", "198.51.100.9", 4, 0);
    m = ipv4(c, m, "10.0.0.2", "10.0.0.1", 17, 0);
    m = udp(c, m, 53, 1000);
    CHECK_EQ(h(a, n), plain);
    CHECK_EQ(h(c, m), plain);

    /* 6in6 (as nDPI's 6in6tunnel.pcap): one inner flow via two outer pairs. */
    n = ipv6(a, eth(a, 0x86dd), "2001:db8::1", "2001:db8::2", 41);
    n = ipv6(a, n, "dead::beef", "cafe::babe", 17);
    n = udp(a, n, 30000, 13000);
    m = ipv6(c, eth(c, 0x86dd), "feed::beef", "feed::cafe", 41);
    m = ipv6(c, m, "dead::beef", "cafe::babe", 17);
    m = udp(c, m, 30000, 13000);
    CHECK_EQ(h(a, n), h(c, m));

    /* GRE (version 0, key) carrying IPv4, and ERSPAN type II carrying Ethernet/IPv4. */
    static const uint8_t gre_key[8] = { 0x20, 0x00, 0x08, 0x00, 0, 0, 0, 7 };
    n = ipv4(a, eth(a, 0x0800), "192.0.2.1", "192.0.2.2", 47, 0);
    n = put(a, n, gre_key, sizeof(gre_key));
    n = ipv4(a, n, "10.0.0.1", "10.0.0.2", 17, 0);
    CHECK_EQ(h(a, n), plain);
    static const uint8_t gre_erspan[8] = { 0x10, 0x00, 0x88, 0xbe, 0, 0, 0, 1 };
    static const uint8_t erspan2[8] = { 0x10, 0x01, 0x00, 0x05, 0, 0, 0, 0 };
    n = ipv4(a, eth(a, 0x0800), "203.0.113.5", "203.0.113.6", 47, 0);
    n = put(a, n, gre_erspan, sizeof(gre_erspan));
    n = put(a, n, erspan2, sizeof(erspan2));
    n = eth(a + n, 0x0800) + n;
    n = ipv4(a, n, "10.0.0.2", "10.0.0.1", 17, 0);
    CHECK_EQ(h(a, n), plain);

    /* VXLAN (UDP 4789) carrying Ethernet/IPv4; a bad reserved byte is plain UDP, as the
     * decoder treats it. */
    static const uint8_t vxlan[8] = { 0x08, 0, 0, 0, 0, 0, 0x2a, 0 };
    n = ipv4(a, eth(a, 0x0800), "192.0.2.1", "192.0.2.2", 17, 0);
    n = udp(a, n, 40000, 4789);
    size_t vx = n;
    n = put(a, n, vxlan, sizeof(vxlan));
    n = eth(a + n, 0x0800) + n;
    n = ipv4(a, n, "10.0.0.1", "10.0.0.2", 17, 0);
    CHECK_EQ(h(a, n), plain);
    a[vx + 7] = 1;
    uint32_t outer = h(a, n);
    CHECK(outer != plain);
    m = ipv4(c, eth(c, 0x0800), "192.0.2.2", "192.0.2.1", 17, 0);
    CHECK_EQ(outer, h(c, m));

    /* An outer fragment (MF set) is hashed on the outer addresses, like the others of
     * its datagram, even though this one shows the inner header. */
    n = ipv4(a, eth(a, 0x0800), "192.0.2.1", "192.0.2.2", 4, 0x2000);
    n = ipv4(a, n, "10.0.0.1", "10.0.0.2", 17, 0);
    CHECK_EQ(h(a, n), outer);

    /* Non-IP and cut frames. */
    n = eth(a, 0x0806);
    CHECK_EQ(h(a, n + 28), 0);
    n = ipv4(a, eth(a, 0x0800), "192.0.2.1", "192.0.2.2", 4, 0);
    CHECK_EQ(h(a, n + 5), outer); /* the inner header cut: the outer pair */
    return test_done("dispatch");
}
