/* Community ID flow hash, version 1. Spec: https://github.com/corelight/community-id-spec
 *
 *   "1:" + base64(SHA1(seed(2, BE) | saddr | daddr | proto(1) | 0(1) | sport(2) | dport(2)))
 *
 * The endpoints are ordered so that both directions give the same value: the lower
 * address (then port) first. ICMP and ICMPv6 use the type as source port and the code
 * (or, for request/response pairs, the counterpart type) as destination port; one-way
 * ICMP types are not reordered. Protocols without ports hash addresses and protocol. */
#include "flow.h"

#include <gcrypt.h>
#include <string.h>

#include "util/util-base64.h"

#define COMMUNITY_ID_SEED 0

/* Counterpart of an ICMP(v6) request/response type, or -1 for one-way types. */
static int icmp_counterpart(uint8_t proto, uint8_t type)
{
    static const uint8_t v4[][2] = { { 8, 0 }, { 13, 14 }, { 15, 16 }, { 10, 9 }, { 17, 18 } };
    static const uint8_t v6[][2] = { { 128, 129 }, { 130, 131 }, { 133, 134 },
                                     { 135, 136 }, { 139, 140 }, { 144, 145 } };
    const uint8_t(*pairs)[2] = proto == 1 ? v4 : v6;
    size_t n = proto == 1 ? ARRAY_SIZE(v4) : ARRAY_SIZE(v6);
    for (size_t i = 0; i < n; i++) {
        if (pairs[i][0] == type)
            return pairs[i][1];
        if (pairs[i][1] == type)
            return pairs[i][0];
    }
    return -1;
}

void flow_community_id(const struct flow *f, char out[COMMUNITY_ID_LEN])
{
    uint8_t buf[2 + 16 + 16 + 2 + 4];
    size_t alen = f->key.ipver == 4 ? 4 : 16;
    const struct canh_addr *sa = flow_client_addr(f), *da = flow_server_addr(f);
    uint16_t sport = flow_client_port(f), dport = flow_server_port(f);
    uint8_t proto = f->key.proto;
    bool ports = proto == 6 || proto == 17 || proto == 132 || proto == 1 || proto == 58;
    bool one_way = false;
    if (proto == 1 || proto == 58) {
        int peer = icmp_counterpart(proto, f->icmp_type);
        sport = f->icmp_type;
        if (peer >= 0) {
            dport = (uint16_t)peer;
        } else {
            dport = f->icmp_code;
            one_way = true;
        }
    }
    if (!one_way) {
        int c = memcmp(sa->b, da->b, alen);
        if (c > 0 || (c == 0 && ports && sport > dport)) {
            const struct canh_addr *ta = sa;
            sa = da;
            da = ta;
            uint16_t tp = sport;
            sport = dport;
            dport = tp;
        }
    }
    size_t n = 0;
    buf[n++] = (uint8_t)(COMMUNITY_ID_SEED >> 8);
    buf[n++] = (uint8_t)COMMUNITY_ID_SEED;
    memcpy(buf + n, sa->b, alen);
    n += alen;
    memcpy(buf + n, da->b, alen);
    n += alen;
    buf[n++] = proto;
    buf[n++] = 0;
    if (ports) {
        buf[n++] = (uint8_t)(sport >> 8);
        buf[n++] = (uint8_t)sport;
        buf[n++] = (uint8_t)(dport >> 8);
        buf[n++] = (uint8_t)dport;
    }
    uint8_t digest[20];
    gcry_md_hash_buffer(GCRY_MD_SHA1, digest, buf, n);
    memcpy(out, "1:", 2);
    base64_encode(digest, sizeof(digest), out + 2, COMMUNITY_ID_LEN - 2);
}
