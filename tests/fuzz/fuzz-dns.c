/* libFuzzer harness for the DNS parser (applayer-dns.c) and its EVE writer
 * (output-eve-dns.c).
 *
 * Each input is used twice:
 *   - as one message (a UDP payload): dns_parse() on the input, which ends where
 *     libFuzzer's buffer ends, so an over-read is caught;
 *   - as DNS-over-TCP stream bytes: dns_tcp_frame() cuts it into messages, each copied
 *     into a buffer of exactly its length before dns_parse(), until the stream ends
 *     inside a frame (CANH_AGAIN, whose needed length is checked).
 * Every parse result is checked against the parser's contract, and then written as an
 * EVE event (no ring: the line stays in the event buffer), so the writer's use of the
 * text offsets is exercised too. A breach traps, so libFuzzer keeps the input. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "applayer/applayer-dns.h"
#include "output/output-eve-dns.h"
#include "output/output-eve.h"

struct fuzz_state {
    struct dns_message m;
    struct eve e;
    struct flow f;
};

static struct fuzz_state *fuzz_state_get(void)
{
    static struct fuzz_state *st; /* libFuzzer gives no context argument */
    if (st != NULL)
        return st;
    st = calloc(1, sizeof(*st));
    if (st == NULL)
        abort();
    st->e.sensor_id = "fuzz";
    st->e.org = "fuzz";
    st->e.boot_id = "0";
    st->e.types = EVE_DNS;
    if (eve_init(&st->e) != CANH_OK)
        abort();
    st->f.key.ipver = 6;
    st->f.key.proto = 17;
    st->f.key.addr[0].b[15] = 1;
    st->f.key.addr[1].b[15] = 2;
    st->f.key.port[0] = 5353;
    st->f.key.port[1] = 53;
    return st;
}

static void fuzz_fail(const char *what, const struct dns_message *m, int rc)
{
    fprintf(stderr, "fuzz-dns: contract broken: %s (rc %d, error %s at %u)\n", what, rc,
            dns_error_name(m->error), m->error_off);
    __builtin_trap();
}

/* A text name must read back as a legal name: labels of 1..63 octets once the escapes
 * ("\." "\\") are undone, at most 255 octets on the wire; "" is the root. */
static bool name_ok(const char *s, uint32_t len)
{
    if (len >= DNS_NAME_TEXT_MAX)
        return false;
    if (len == 0)
        return true;
    uint32_t wire = 1, label = 0;
    for (uint32_t i = 0; i < len; i++) {
        if (s[i] == '\\') {
            if (i + 1 >= len || (s[i + 1] != '.' && s[i + 1] != '\\'))
                return false;
            i++;
            label++;
        } else if (s[i] == '.') {
            if (label == 0 || label > DNS_LABEL_MAX)
                return false;
            wire += 1 + label;
            label = 0;
        } else {
            label++;
        }
    }
    if (label == 0 || label > DNS_LABEL_MAX)
        return false;
    wire += 1 + label;
    return wire <= DNS_NAME_WIRE_MAX;
}

static void check_rr(const struct dns_rr *rr, const struct dns_message *m, int rc)
{
    if (!name_ok(rr->name, rr->name_len) || rr->name[rr->name_len] != '\0')
        fuzz_fail("bad owner name text", m, rc);
    if (rr->rdata_len >= DNS_RDATA_TEXT_MAX || rr->rdata[rr->rdata_len] != '\0')
        fuzz_fail("rdata length", m, rc);
    if (!rr->has_rdata && (rr->rdata_len != 0 || rr->rdata_cut))
        fuzz_fail("rdata without has_rdata", m, rc);
    if ((uint32_t)rr->rd_name_off + rr->rd_name_len > rr->rdata_len ||
        (uint32_t)rr->rd_name2_off + rr->rd_name2_len > rr->rdata_len)
        fuzz_fail("rdata name outside the rdata text", m, rc);
    if (!name_ok(rr->rdata + rr->rd_name_off, rr->rd_name_len) ||
        !name_ok(rr->rdata + rr->rd_name2_off, rr->rd_name2_len))
        fuzz_fail("bad rdata name text", m, rc);
    if (rr->rdata_cut && rr->rdata_len != DNS_RDATA_TEXT_MAX - 1)
        fuzz_fail("cut rdata not full", m, rc);
}

static void check(struct fuzz_state *st, int rc, uint32_t len)
{
    const struct dns_message *m = &st->m;
    if (rc != CANH_OK && rc != CANH_ERR)
        fuzz_fail("unexpected return code", m, rc);
    if ((rc == CANH_OK) != (m->error == DNS_E_NONE))
        fuzz_fail("error does not match the return code", m, rc);
    if (m->error >= DNS_E_MAX || m->error_off > len)
        fuzz_fail("bad error or offset", m, rc);
    if ((m->error == DNS_E_HEADER_TRUNCATED) != (len < DNS_HEADER_LEN))
        fuzz_fail("header_truncated does not match the length", m, rc);
    if (m->nanswers > DNS_MAX_ANSWERS || m->nanswers > m->ancount ||
        m->nauthorities > DNS_MAX_AUTHORITIES || m->nauthorities > m->nscount)
        fuzz_fail("more records kept than allowed", m, rc);
    if (m->has_question &&
        (m->qdcount == 0 || !name_ok(m->q.name, m->q.name_len) || m->q.name[m->q.name_len] != '\0'))
        fuzz_fail("bad question", m, rc);
    if (rc == CANH_OK && m->qdcount > 0 && !m->has_question)
        fuzz_fail("well-formed message without its question", m, rc);
    if (rc == CANH_OK &&
        m->nanswers != (m->ancount < DNS_MAX_ANSWERS ? m->ancount : DNS_MAX_ANSWERS))
        fuzz_fail("well-formed message with answers missing", m, rc);
    for (unsigned i = 0; i < m->nanswers; i++)
        check_rr(&m->answers[i], m, rc);
    for (unsigned i = 0; i < m->nauthorities; i++)
        check_rr(&m->authorities[i], m, rc);
    if (m->opcode > 15 || m->rcode > 15)
        fuzz_fail("header fields out of range", m, rc);

    uint64_t seq = st->e.seq;
    eve_dns_message(&st->e, &st->f, NULL, m, 1700000000000000ull);
    if (m->error == DNS_E_HEADER_TRUNCATED) {
        if (st->e.seq != seq)
            fuzz_fail("event for a message without a header", m, rc);
        return;
    }
    if (st->e.seq != seq + 1 || st->e.j.overflow || st->e.j.len < 2 ||
        st->e.buf[st->e.j.len - 1] != '\n' || st->e.buf[st->e.j.len - 2] != '}')
        fuzz_fail("event not written whole", m, rc);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 65536 + DNS_TCP_PREFIX_LEN)
        return 0;
    struct fuzz_state *st = fuzz_state_get();

    /* As one UDP message. */
    int rc = dns_parse(data, (uint32_t)size, &st->m);
    check(st, rc, (uint32_t)size);

    /* As a TCP stream. */
    uint32_t off = 0, left = (uint32_t)size;
    for (;;) {
        const uint8_t *msg;
        uint32_t mlen, flen;
        rc = dns_tcp_frame(data + off, left, &msg, &mlen, &flen);
        if (rc == CANH_AGAIN) {
            uint32_t want = left < DNS_TCP_PREFIX_LEN
                                ? DNS_TCP_PREFIX_LEN
                                : DNS_TCP_PREFIX_LEN + ((uint32_t)data[off] << 8 | data[off + 1]);
            if (flen <= left || flen != want || msg != NULL)
                fuzz_fail("tcp frame: wrong length needed", &st->m, rc);
            break;
        }
        if (rc != CANH_OK || msg != data + off + DNS_TCP_PREFIX_LEN ||
            flen != DNS_TCP_PREFIX_LEN + mlen || flen > left)
            fuzz_fail("tcp frame: bad frame", &st->m, rc);
        uint8_t *copy = malloc(mlen > 0 ? mlen : 1);
        if (copy == NULL)
            abort();
        memcpy(copy, msg, mlen);
        rc = dns_parse(copy, mlen, &st->m);
        free(copy);
        check(st, rc, mlen);
        off += flen;
        left -= flen;
    }
    return 0;
}
