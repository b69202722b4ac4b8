/* DNS message parser. Spec: RFC 1035 4.1 (header, question, resource records, name
 * compression 4.1.4) and 4.2.2 (TCP framing), RFC 3596 (AAAA), RFC 2782 (SRV), RFC 6891
 * (OPT/EDNS), RFC 4035 (AD, CD bits), RFC 4034 and the IANA registry (type names only);
 * mDNS (RFC 6762) and LLMNR (RFC 4795) use the same message format and parse the same.
 *
 *   |              ID               |QR| Opcode |AA|TC|RD|RA| Z|AD|CD| RCODE |
 *   |            QDCOUNT            |            ANCOUNT            |
 *   |            NSCOUNT            |            ARCOUNT            |
 *   | question: QNAME, QTYPE, QCLASS                                |
 *   | answer / authority / additional RRs: NAME, TYPE, CLASS, TTL, RDLENGTH, RDATA |
 *
 * dns_parse() fills a caller-owned struct dns_message and allocates nothing. It reads
 * the whole message and keeps the first question, the first DNS_MAX_ANSWERS answer and
 * DNS_MAX_AUTHORITIES authority records, and the EDNS fields of the first OPT record in
 * the additional section. Records past the caps, questions after the first, and
 * additional records are checked (every in-place byte is walked and bounds-checked) but
 * their names are not decompressed, so the work is linear in the message's length.
 *
 * Names in text form: labels joined with '.', no trailing dot; the root name is "" (as
 * Suricata writes it). Label bytes are kept as they are, except that a '.' or '\' inside
 * a label is written with a '\' before it (RFC 1035 5.1, as dig writes them), so the
 * text is unambiguous: "a\.b" is one label. Every other byte, including NUL, control
 * bytes and bytes that are not UTF-8, is kept raw: use the length fields, and write the
 * text with json_stringn() (which escapes them). A name is never cut: the text buffer
 * holds the longest legal name (255 octets) with every byte escaped.
 *
 * Every text field is NUL-terminated as well as counted, for convenience; a text with an
 * embedded NUL is only whole through its length. */
#ifndef CANH_APPLAYER_DNS_H
#define CANH_APPLAYER_DNS_H

#include <stdbool.h>
#include <stdint.h>

#include "util/util-common.h"

#define DNS_HEADER_LEN 12
#define DNS_NAME_WIRE_MAX 255    /* RFC 1035 2.3.4: octets of a name on the wire */
#define DNS_LABEL_MAX 63         /* RFC 1035 2.3.4 */
/* Text of the longest name: at most 250 label bytes (255 minus the root and 4 length
 * octets) each written as 2 characters, 3 dots, and the NUL: 504. */
#define DNS_NAME_TEXT_MAX 512
/* Pointer jumps followed in one name. Targets must strictly decrease (see
 * DNS_E_POINTER_LOOP), so no loop is possible; this bounds the work of a chain of
 * pointers to pointers. A compressor adds at least one label per step of a chain and a
 * name has at most 127 labels, so no real name needs more. */
#define DNS_NAME_MAX_POINTERS 127
/* Records kept per message, each ~1.6 KB: answer sections rarely pass 32 records (large
 * round-robin sets); authority sections hold an SOA or a few NS (13 for the root).
 * Records past the caps are counted in the header counts, checked, and skipped. */
#define DNS_MAX_ANSWERS 32
#define DNS_MAX_AUTHORITIES 16
/* Rdata text: holds every decoded type whole (an SOA with two longest names and five
 * 10-digit numbers is 1063 bytes with its NUL) except TXT and NULL, which are cut here
 * ('rdata_cut'). */
#define DNS_RDATA_TEXT_MAX (2 * DNS_NAME_TEXT_MAX + 64)
#define DNS_TCP_PREFIX_LEN 2     /* RFC 1035 4.2.2 */

/* Why a message is malformed. dns_parse() stops at the first one. */
enum dns_error {
    DNS_E_NONE = 0,
    DNS_E_HEADER_TRUNCATED,   /* fewer than 12 bytes */
    DNS_E_NAME_TRUNCATED,     /* a name runs past the end of the message, or of the
                                 RDATA that holds it */
    DNS_E_LABEL_TYPE,         /* a length octet 0x40-0xbf: extended or bit-string label
                                 types (RFC 6891 4.2, RFC 2673), obsolete, not parsed */
    DNS_E_POINTER_RANGE,      /* a compression pointer past the end of the message */
    DNS_E_POINTER_LOOP,       /* a pointer whose target is not strictly before the run
                                 of labels it ends (the name's start, or the previous
                                 target): forward, to itself, or into its own labels.
                                 Every loop needs one, and no compressor writes one; BIND
                                 refuses them alike */
    DNS_E_POINTER_CHAIN,      /* more than DNS_NAME_MAX_POINTERS jumps in one name */
    DNS_E_NAME_TOO_LONG,      /* more than 255 octets */
    DNS_E_QUESTION_TRUNCATED, /* QTYPE/QCLASS past the end */
    DNS_E_RR_TRUNCATED,       /* TYPE..RDLENGTH or the RDATA past the end */
    DNS_E_RDATA,              /* RDATA does not match its type: wrong length, a name or
                                 string running past RDLENGTH, or bytes left after it */
    DNS_E_MAX
};

/* A resource record (RFC 1035 4.1.3). */
struct dns_rr {
    char name[DNS_NAME_TEXT_MAX]; /* owner name, text form (see the top) */
    uint16_t name_len;
    uint16_t type;
    uint16_t rclass;              /* as on the wire: in mDNS bit 15 is cache-flush; in
                                     OPT the requestor's UDP payload size */
    uint32_t ttl;
    uint16_t rdlength;            /* RDATA octets on the wire */
    bool has_rdata;               /* the type is decoded and 'rdata' holds its text */
    bool rdata_cut;               /* TXT/NULL longer than the text buffer: cut */
    uint16_t rdata_len;
    /* RDATA as text, when has_rdata:
     *   A, AAAA      address ("192.0.2.1", RFC 5952 "2001:db8::1")
     *   NS, CNAME, PTR, DNAME   the name
     *   MX           "PREFERENCE EXCHANGE"                 ("10 mx.example.com")
     *   SRV          "PRIORITY WEIGHT PORT TARGET"         ("0 5 5060 sip.example.com")
     *   SOA          "MNAME RNAME SERIAL REFRESH RETRY EXPIRE MINIMUM"
     *   TXT          the character-strings concatenated, raw (RFC 7208 3.3)
     *   NULL         the raw bytes (iodine-style tunnels)
     * Other types (OPT, DNSSEC, HTTPS, ...) have no text: has_rdata is false. */
    char rdata[DNS_RDATA_TEXT_MAX];
    /* Where the names lie in 'rdata' (NS..DNAME, MX exchange, SRV target, SOA mname: the
     * first; SOA rname: the second); lengths 0 when there is none. */
    uint16_t rd_name_off, rd_name_len;
    uint16_t rd_name2_off, rd_name2_len;
    /* Numeric fields of MX, SRV and SOA (zero for other types). */
    uint16_t mx_preference;
    uint16_t srv_priority, srv_weight, srv_port;
    uint32_t soa_serial, soa_refresh, soa_retry, soa_expire, soa_minimum;
};

struct dns_question {
    char name[DNS_NAME_TEXT_MAX]; /* text form (see the top) */
    uint16_t name_len;
    uint16_t type;
    uint16_t qclass;              /* as on the wire: in mDNS bit 15 asks a unicast reply */
};

/* A parsed message. Scalars are always set by dns_parse(); of the arrays only the first
 * 'nanswers' / 'nauthorities' entries are valid (the rest is not cleared, to keep the
 * parse cost proportional to the message). About 80 KB: keep one per worker rather than
 * on a thread's stack. */
struct dns_message {
    uint16_t id;
    uint16_t flags;               /* the header's second 16 bits, as on the wire */
    bool qr, aa, tc, rd, ra, z, ad, cd;
    uint8_t opcode;               /* 0 QUERY, 1 IQUERY, 2 STATUS, 4 NOTIFY, 5 UPDATE */
    uint8_t rcode;                /* the header's 4 bits; see edns_ext_rcode */
    uint16_t qdcount, ancount, nscount, arcount; /* as in the header */

    bool has_question;            /* the first question was parsed whole */
    struct dns_question q;

    uint16_t nanswers;            /* answer records kept, <= DNS_MAX_ANSWERS */
    uint16_t nauthorities;        /* authority records kept, <= DNS_MAX_AUTHORITIES */
    struct dns_rr answers[DNS_MAX_ANSWERS];
    struct dns_rr authorities[DNS_MAX_AUTHORITIES];

    /* EDNS (RFC 6891 6.1.3), from the first OPT record in the additional section. The
     * full response code is edns_ext_rcode << 4 | rcode. */
    bool has_edns;
    uint16_t edns_udp_size;
    uint8_t edns_ext_rcode;
    uint8_t edns_version;
    bool edns_do;                 /* DNSSEC OK (RFC 3225) */

    enum dns_error error;         /* DNS_E_NONE when the message is well formed */
    uint32_t error_off;           /* offset in the message where the error was found */
};

/* Parses one DNS message of 'len' bytes (a UDP payload, or one message framed by
 * dns_tcp_frame()). 'msg' is only read, and only within [msg, msg + len); 'm' is
 * caller-owned and overwritten.
 * Returns CANH_OK for a well-formed message (trailing bytes after the last section are
 * ignored), or CANH_ERR with m->error and m->error_off set; then m holds what was parsed
 * before the error: the header (when 12 bytes were there), the first question if it was
 * whole, and the records that were whole. */
int dns_parse(const uint8_t *msg, uint32_t len, struct dns_message *m);

/* DNS over TCP (RFC 1035 4.2.2, RFC 7766 8): each message is preceded by its length in
 * two octets. 'buf' holds stream bytes of one direction starting at a message boundary
 * (a segment, or reassembled data), and may hold one message, part of one, or several.
 * Returns CANH_OK with *msg pointing into 'buf' at the message, *msg_len its length, and
 * *frame_len = 2 + *msg_len, the bytes to consume before the next message; or
 * CANH_AGAIN when 'buf' ends before the whole message: *frame_len is then the bytes the
 * whole frame needs (2 while the prefix itself is incomplete), so the caller waits for
 * them. A length under 12 is returned as CANH_OK: dns_parse() reports it, and the
 * stream stays in step. Never CANH_ERR. */
int dns_tcp_frame(const uint8_t *buf, uint32_t len, const uint8_t **msg, uint32_t *msg_len,
                  uint32_t *frame_len);

/* Short stable names ("header_truncated", ...) for events and counters; "none" for
 * DNS_E_NONE, "unknown" outside the enum. */
const char *dns_error_name(enum dns_error e);

/* The mnemonic of a TYPE (IANA registry: "A", "AAAA", "HTTPS", ...) or its number in
 * decimal, written in 'buf'. Suricata writes the same mnemonics for the common types. */
const char *dns_rrtype_str(uint16_t type, char buf[8]);

/* The mnemonic of an RCODE ("NOERROR", "NXDOMAIN", ...; RFC 6895 2.3, so extended
 * codes up to 23 too) or its number in decimal, written in 'buf'. */
const char *dns_rcode_str(uint16_t rcode, char buf[8]);

#endif
