/* DNS message parser. Spec: RFC 1035 4.1, 4.2.2; RFC 3596; RFC 2782; RFC 6891; RFC 4034
 * (names only). See applayer-dns.h for the contract and the text form of names.
 *
 * Every read of message bytes goes through a struct cursor over the message. Names are
 * read by dns_name_read(), which follows compression pointers (RFC 1035 4.1.4) only
 * backwards, each target strictly before the run of labels that held the pointer (the
 * rule BIND applies): targets then strictly decrease, so no loop is possible, and
 * DNS_NAME_MAX_POINTERS bounds a chain. A name is at most 255 octets on the wire, counted
 * over the labels it is made of wherever they lie. */
#include "applayer-dns.h"

#include <arpa/inet.h>
#include <string.h>

#include "util/util-cursor.h"

#define DNS_TYPE_A 1
#define DNS_TYPE_NS 2
#define DNS_TYPE_CNAME 5
#define DNS_TYPE_SOA 6
#define DNS_TYPE_NULL 10
#define DNS_TYPE_PTR 12
#define DNS_TYPE_MX 15
#define DNS_TYPE_TXT 16
#define DNS_TYPE_AAAA 28
#define DNS_TYPE_SRV 33
#define DNS_TYPE_DNAME 39
#define DNS_TYPE_OPT 41

/* Names are written whole (never cut) into buffers of at least this size. */
_Static_assert(DNS_NAME_TEXT_MAX >= 2 * (DNS_NAME_WIRE_MAX - 5) + 3 + 1,
               "a name of 250 escaped label bytes in 4 labels must fit");
/* An SOA's text: two names, five numbers of up to 10 digits, six spaces, the NUL. */
_Static_assert(DNS_RDATA_TEXT_MAX >= 2 * (DNS_NAME_TEXT_MAX - 1) + 5 * 10 + 6 + 1,
               "the rdata text must hold an SOA whole");
_Static_assert(DNS_RDATA_TEXT_MAX <= UINT16_MAX && DNS_NAME_TEXT_MAX <= UINT16_MAX,
               "lengths are uint16_t");

/* ---------------------------------------------------------------------------------- */
/* Text buffer                                                                        */
/* ---------------------------------------------------------------------------------- */

/* Appends into a fixed buffer, keeping room for the NUL; what does not fit is cut and
 * 'cut' is set. */
struct text {
    char *buf;
    uint32_t len;
    uint32_t cap; /* size of buf, NUL included */
    bool cut;
};

static void text_init(struct text *t, char *buf, uint32_t cap)
{
    t->buf = buf;
    t->len = 0;
    t->cap = cap;
    t->cut = false;
    buf[0] = '\0';
}

static void text_bytes(struct text *t, const void *s, uint32_t n)
{
    uint32_t room = t->cap - 1 - t->len;
    if (n > room) {
        n = room;
        t->cut = true;
    }
    memcpy(t->buf + t->len, s, n);
    t->len += n;
    t->buf[t->len] = '\0';
}

static void text_char(struct text *t, char ch)
{
    text_bytes(t, &ch, 1);
}

static void text_u32(struct text *t, uint32_t v)
{
    char digits[10], *d = digits + sizeof(digits);
    do {
        *--d = (char)('0' + v % 10);
        v /= 10;
    } while (v != 0);
    text_bytes(t, d, (uint32_t)(digits + sizeof(digits) - d));
}

/* ---------------------------------------------------------------------------------- */
/* Names                                                                              */
/* ---------------------------------------------------------------------------------- */

/* Reads the name at the cursor 'c', whose data starts at the message's first byte (so
 * that pointer offsets index it) and whose length bounds the name's in-place part (the
 * message, or the end of the RDATA holding the name); 'msg_len' is the whole message's.
 * The cursor moves past the in-place part: the labels up to the root octet or the first
 * pointer.
 * With 'out' (of 'cap' >= DNS_NAME_TEXT_MAX bytes) the name is decompressed into it as
 * text, NUL-terminated, *out_len bytes. Without, pointers are checked (in range, going
 * back) but not followed: the name is only skipped.
 * Returns DNS_E_NONE, or the error with *err_off the offset of the offending octet. */
static enum dns_error dns_name_read(struct cursor *c, uint32_t msg_len, char *out, uint32_t cap,
                                    uint16_t *out_len, uint32_t *err_off)
{
    struct cursor r = *c;   /* where labels are read: in place, then after jumps */
    uint32_t run = c->off;  /* start of the run of labels being read */
    uint32_t wire = 1;      /* octets on the wire, the root octet included */
    uint32_t tl = 0;        /* text length */
    unsigned jumps = 0;
    bool jumped = false;

    for (;;) {
        uint32_t at = r.off;
        uint8_t b;
        if (!cursor_u8(&r, &b)) {
            *err_off = at;
            return DNS_E_NAME_TRUNCATED;
        }
        if (b == 0)
            break;
        if ((b & 0xc0) == 0xc0) {
            uint8_t lo;
            if (!cursor_u8(&r, &lo)) {
                *err_off = at;
                return DNS_E_NAME_TRUNCATED;
            }
            uint32_t target = (uint32_t)(b & 0x3f) << 8 | lo;
            if (!jumped) {
                *c = r;
                jumped = true;
            }
            *err_off = at;
            if (target >= msg_len)
                return DNS_E_POINTER_RANGE;
            if (target >= run)
                return DNS_E_POINTER_LOOP;
            if (out == NULL)
                return DNS_E_NONE; /* skipping: the in-place part ends here */
            if (++jumps > DNS_NAME_MAX_POINTERS)
                return DNS_E_POINTER_CHAIN;
            run = target;
            cursor_init(&r, c->data, msg_len);
            (void)cursor_skip(&r, target); /* target < msg_len */
            continue;
        }
        if ((b & 0xc0) != 0) {
            *err_off = at;
            return DNS_E_LABEL_TYPE;
        }
        wire += 1u + b;
        if (wire > DNS_NAME_WIRE_MAX) {
            *err_off = at;
            return DNS_E_NAME_TOO_LONG;
        }
        const uint8_t *label = cursor_ptr(&r);
        if (!cursor_skip(&r, b)) {
            *err_off = at;
            return DNS_E_NAME_TRUNCATED;
        }
        if (out == NULL)
            continue;
        /* Cannot fail with cap >= DNS_NAME_TEXT_MAX (the wire cap bounds the text);
         * checked so that a smaller buffer is an error, not an overflow. */
        if (tl + 1u + 2u * b + 1u > cap) {
            *err_off = at;
            return DNS_E_NAME_TOO_LONG;
        }
        if (tl > 0)
            out[tl++] = '.';
        for (uint32_t i = 0; i < b; i++) {
            if (label[i] == '.' || label[i] == '\\')
                out[tl++] = '\\';
            out[tl++] = (char)label[i];
        }
    }
    if (!jumped)
        *c = r;
    if (out != NULL) {
        out[tl] = '\0';
        *out_len = (uint16_t)tl;
    }
    return DNS_E_NONE;
}

/* ---------------------------------------------------------------------------------- */
/* Message                                                                            */
/* ---------------------------------------------------------------------------------- */

struct dns_parser {
    struct cursor c; /* over the whole message */
    struct dns_message *m;
};

static int dns_fail(struct dns_parser *x, enum dns_error e, uint32_t off)
{
    x->m->error = e;
    x->m->error_off = off;
    return CANH_ERR;
}

/* A name inside RDATA: read through 'v' (bounded by the RDATA's end) into 't'; its place
 * in the text is stored in *off, *len. */
static enum dns_error dns_rdata_name(struct dns_parser *x, struct cursor *v, struct text *t,
                                     uint16_t *off, uint16_t *len, uint32_t *err_off)
{
    *off = (uint16_t)t->len;
    enum dns_error e = dns_name_read(v, x->c.len, t->buf + t->len, t->cap - t->len, len, err_off);
    if (e == DNS_E_NONE)
        t->len += *len;
    return e;
}

/* Decodes the RDATA of 'rr' (rdlength bytes at 'rd_off') into its text and fields. */
static int dns_rdata(struct dns_parser *x, struct dns_rr *rr, uint32_t rd_off)
{
    struct cursor v;
    struct text t;
    uint32_t eoff = rd_off;
    enum dns_error e = DNS_E_NONE;
    uint8_t addr[16];
    char abuf[INET6_ADDRSTRLEN];

    /* A view of the message that ends with the RDATA, so names may point back anywhere
     * but their in-place part cannot leave the RDATA. */
    cursor_init(&v, x->c.data, rd_off + rr->rdlength);
    (void)cursor_skip(&v, rd_off);
    text_init(&t, rr->rdata, sizeof(rr->rdata));

    switch (rr->type) {
    case DNS_TYPE_A:
        if (rr->rdlength != 4 || !cursor_bytes(&v, addr, 4))
            return dns_fail(x, DNS_E_RDATA, rd_off);
        for (int i = 0; i < 4; i++) {
            if (i > 0)
                text_char(&t, '.');
            text_u32(&t, addr[i]);
        }
        break;
    case DNS_TYPE_AAAA:
        if (rr->rdlength != 16 || !cursor_bytes(&v, addr, 16))
            return dns_fail(x, DNS_E_RDATA, rd_off);
        if (inet_ntop(AF_INET6, addr, abuf, sizeof(abuf)) == NULL)
            return dns_fail(x, DNS_E_RDATA, rd_off);
        text_bytes(&t, abuf, (uint32_t)strlen(abuf));
        break;
    case DNS_TYPE_NS:
    case DNS_TYPE_CNAME:
    case DNS_TYPE_PTR:
    case DNS_TYPE_DNAME:
        e = dns_rdata_name(x, &v, &t, &rr->rd_name_off, &rr->rd_name_len, &eoff);
        break;
    case DNS_TYPE_MX:
        if (!cursor_be16(&v, &rr->mx_preference))
            return dns_fail(x, DNS_E_RDATA, rd_off);
        text_u32(&t, rr->mx_preference);
        text_char(&t, ' ');
        e = dns_rdata_name(x, &v, &t, &rr->rd_name_off, &rr->rd_name_len, &eoff);
        break;
    case DNS_TYPE_SRV:
        if (!cursor_be16(&v, &rr->srv_priority) || !cursor_be16(&v, &rr->srv_weight) ||
            !cursor_be16(&v, &rr->srv_port))
            return dns_fail(x, DNS_E_RDATA, rd_off);
        text_u32(&t, rr->srv_priority);
        text_char(&t, ' ');
        text_u32(&t, rr->srv_weight);
        text_char(&t, ' ');
        text_u32(&t, rr->srv_port);
        text_char(&t, ' ');
        e = dns_rdata_name(x, &v, &t, &rr->rd_name_off, &rr->rd_name_len, &eoff);
        break;
    case DNS_TYPE_SOA: {
        e = dns_rdata_name(x, &v, &t, &rr->rd_name_off, &rr->rd_name_len, &eoff);
        if (e != DNS_E_NONE)
            break;
        text_char(&t, ' ');
        e = dns_rdata_name(x, &v, &t, &rr->rd_name2_off, &rr->rd_name2_len, &eoff);
        if (e != DNS_E_NONE)
            break;
        uint32_t *nums[5] = { &rr->soa_serial, &rr->soa_refresh, &rr->soa_retry,
                              &rr->soa_expire, &rr->soa_minimum };
        for (int i = 0; i < 5; i++) {
            if (!cursor_be32(&v, nums[i]))
                return dns_fail(x, DNS_E_RDATA, v.off);
            text_char(&t, ' ');
            text_u32(&t, *nums[i]);
        }
        break;
    }
    case DNS_TYPE_TXT:
        /* One or more <character-string>s (RFC 1035 3.3.14); an empty RDATA is taken as
         * no string rather than refused. */
        while (cursor_left(&v) > 0) {
            uint8_t n;
            uint32_t at = v.off;
            (void)cursor_u8(&v, &n);
            const uint8_t *s = cursor_ptr(&v);
            if (!cursor_skip(&v, n))
                return dns_fail(x, DNS_E_RDATA, at);
            text_bytes(&t, s, n);
        }
        break;
    case DNS_TYPE_NULL: {
        const uint8_t *s = cursor_ptr(&v);
        uint32_t n = cursor_left(&v);
        (void)cursor_skip(&v, n);
        text_bytes(&t, s, n);
        break;
    }
    default:
        rr->rdata[0] = '\0';
        return CANH_OK; /* not decoded: type and length only */
    }
    if (e != DNS_E_NONE)
        return dns_fail(x, e, eoff);
    if (cursor_left(&v) != 0)
        return dns_fail(x, DNS_E_RDATA, v.off);
    rr->has_rdata = true;
    rr->rdata_cut = t.cut;
    rr->rdata_len = (uint16_t)t.len;
    return CANH_OK;
}

/* Reads one resource record. With 'rr' it is kept (name and RDATA decoded); without, it
 * is checked and skipped, and if 'edns' it is looked at for an OPT record. */
static int dns_rr_read(struct dns_parser *x, struct dns_rr *rr, bool edns)
{
    struct dns_message *m = x->m;
    uint32_t eoff = x->c.off;
    uint16_t type, rclass, rdlength;
    uint32_t ttl;

    enum dns_error e = dns_name_read(&x->c, x->c.len, rr != NULL ? rr->name : NULL,
                                     DNS_NAME_TEXT_MAX, rr != NULL ? &rr->name_len : NULL, &eoff);
    if (e != DNS_E_NONE)
        return dns_fail(x, e, eoff);
    uint32_t fixed = x->c.off;
    if (!cursor_be16(&x->c, &type) || !cursor_be16(&x->c, &rclass) ||
        !cursor_be32(&x->c, &ttl) || !cursor_be16(&x->c, &rdlength))
        return dns_fail(x, DNS_E_RR_TRUNCATED, fixed);
    uint32_t rd_off = x->c.off;
    if (!cursor_skip(&x->c, rdlength))
        return dns_fail(x, DNS_E_RR_TRUNCATED, rd_off);

    if (edns && type == DNS_TYPE_OPT && !m->has_edns) {
        /* RFC 6891 6.1.3: CLASS is the UDP payload size; TTL is EXTENDED-RCODE,
         * VERSION, DO, Z. */
        m->has_edns = true;
        m->edns_udp_size = rclass;
        m->edns_ext_rcode = (uint8_t)(ttl >> 24);
        m->edns_version = (uint8_t)(ttl >> 16);
        m->edns_do = (ttl & 0x8000) != 0;
    }
    if (rr == NULL)
        return CANH_OK;

    rr->type = type;
    rr->rclass = rclass;
    rr->ttl = ttl;
    rr->rdlength = rdlength;
    rr->has_rdata = false;
    rr->rdata_cut = false;
    rr->rdata_len = 0;
    rr->rd_name_off = rr->rd_name_len = rr->rd_name2_off = rr->rd_name2_len = 0;
    rr->mx_preference = 0;
    rr->srv_priority = rr->srv_weight = rr->srv_port = 0;
    rr->soa_serial = rr->soa_refresh = rr->soa_retry = rr->soa_expire = rr->soa_minimum = 0;
    return dns_rdata(x, rr, rd_off);
}

static void dns_message_reset(struct dns_message *m)
{
    m->id = m->flags = 0;
    m->qr = m->aa = m->tc = m->rd = m->ra = m->z = m->ad = m->cd = false;
    m->opcode = m->rcode = 0;
    m->qdcount = m->ancount = m->nscount = m->arcount = 0;
    m->has_question = false;
    m->q.name[0] = '\0';
    m->q.name_len = 0;
    m->q.type = m->q.qclass = 0;
    m->nanswers = m->nauthorities = 0;
    m->has_edns = false;
    m->edns_udp_size = 0;
    m->edns_ext_rcode = m->edns_version = 0;
    m->edns_do = false;
    m->error = DNS_E_NONE;
    m->error_off = 0;
}

int dns_parse(const uint8_t *msg, uint32_t len, struct dns_message *m)
{
    struct dns_parser x;
    cursor_init(&x.c, msg, len);
    x.m = m;
    dns_message_reset(m);

    if (!cursor_has(&x.c, DNS_HEADER_LEN))
        return dns_fail(&x, DNS_E_HEADER_TRUNCATED, 0);
    (void)(cursor_be16(&x.c, &m->id) && cursor_be16(&x.c, &m->flags) &&
           cursor_be16(&x.c, &m->qdcount) && cursor_be16(&x.c, &m->ancount) &&
           cursor_be16(&x.c, &m->nscount) && cursor_be16(&x.c, &m->arcount));
    uint16_t fl = m->flags;
    m->qr = (fl & 0x8000) != 0;
    m->opcode = (uint8_t)((fl >> 11) & 0xf);
    m->aa = (fl & 0x0400) != 0;
    m->tc = (fl & 0x0200) != 0;
    m->rd = (fl & 0x0100) != 0;
    m->ra = (fl & 0x0080) != 0;
    m->z = (fl & 0x0040) != 0;
    m->ad = (fl & 0x0020) != 0;
    m->cd = (fl & 0x0010) != 0;
    m->rcode = (uint8_t)(fl & 0xf);

    /* Each question takes at least 5 bytes and each record 11, so every loop below ends
     * within the message's length whatever the counts say. */
    for (uint32_t i = 0; i < m->qdcount; i++) {
        uint32_t eoff = x.c.off;
        bool keep = i == 0;
        enum dns_error e = dns_name_read(&x.c, len, keep ? m->q.name : NULL, DNS_NAME_TEXT_MAX,
                                         &m->q.name_len, &eoff);
        if (e != DNS_E_NONE) {
            if (keep) {
                m->q.name[0] = '\0';
                m->q.name_len = 0;
            }
            return dns_fail(&x, e, eoff);
        }
        uint16_t type, qclass;
        eoff = x.c.off;
        if (!cursor_be16(&x.c, &type) || !cursor_be16(&x.c, &qclass)) {
            if (keep) {
                m->q.name[0] = '\0';
                m->q.name_len = 0;
            }
            return dns_fail(&x, DNS_E_QUESTION_TRUNCATED, eoff);
        }
        if (keep) {
            m->q.type = type;
            m->q.qclass = qclass;
            m->has_question = true;
        }
    }
    for (uint32_t i = 0; i < m->ancount; i++) {
        struct dns_rr *rr = m->nanswers < DNS_MAX_ANSWERS ? &m->answers[m->nanswers] : NULL;
        if (dns_rr_read(&x, rr, false) != CANH_OK)
            return CANH_ERR;
        if (rr != NULL)
            m->nanswers++;
    }
    for (uint32_t i = 0; i < m->nscount; i++) {
        struct dns_rr *rr =
            m->nauthorities < DNS_MAX_AUTHORITIES ? &m->authorities[m->nauthorities] : NULL;
        if (dns_rr_read(&x, rr, false) != CANH_OK)
            return CANH_ERR;
        if (rr != NULL)
            m->nauthorities++;
    }
    for (uint32_t i = 0; i < m->arcount; i++)
        if (dns_rr_read(&x, NULL, true) != CANH_OK)
            return CANH_ERR;
    return CANH_OK;
}

int dns_tcp_frame(const uint8_t *buf, uint32_t len, const uint8_t **msg, uint32_t *msg_len,
                  uint32_t *frame_len)
{
    struct cursor c;
    uint16_t n;
    cursor_init(&c, buf, len);
    *msg = NULL;
    *msg_len = 0;
    if (!cursor_be16(&c, &n)) {
        *frame_len = DNS_TCP_PREFIX_LEN;
        return CANH_AGAIN;
    }
    *frame_len = DNS_TCP_PREFIX_LEN + (uint32_t)n;
    if (!cursor_has(&c, n))
        return CANH_AGAIN;
    *msg = cursor_ptr(&c);
    *msg_len = n;
    return CANH_OK;
}

/* ---------------------------------------------------------------------------------- */
/* Names of codes                                                                     */
/* ---------------------------------------------------------------------------------- */

const char *dns_error_name(enum dns_error e)
{
    static const char *const names[DNS_E_MAX] = {
        [DNS_E_NONE] = "none",
        [DNS_E_HEADER_TRUNCATED] = "header_truncated",
        [DNS_E_NAME_TRUNCATED] = "name_truncated",
        [DNS_E_LABEL_TYPE] = "label_type",
        [DNS_E_POINTER_RANGE] = "pointer_range",
        [DNS_E_POINTER_LOOP] = "pointer_loop",
        [DNS_E_POINTER_CHAIN] = "pointer_chain",
        [DNS_E_NAME_TOO_LONG] = "name_too_long",
        [DNS_E_QUESTION_TRUNCATED] = "question_truncated",
        [DNS_E_RR_TRUNCATED] = "rr_truncated",
        [DNS_E_RDATA] = "rdata_invalid",
    };
    if ((unsigned)e >= DNS_E_MAX || names[e] == NULL)
        return "unknown";
    return names[e];
}

static const char *dns_number(unsigned v, char buf[8])
{
    struct text t;
    text_init(&t, buf, 8);
    text_u32(&t, v);
    return buf;
}

const char *dns_rrtype_str(uint16_t type, char buf[8])
{
    /* IANA "Resource Record (RR) TYPEs"; Suricata writes the same mnemonics. */
    static const char *const low[] = {
        [1] = "A", [2] = "NS", [3] = "MD", [4] = "MF", [5] = "CNAME", [6] = "SOA",
        [7] = "MB", [8] = "MG", [9] = "MR", [10] = "NULL", [11] = "WKS", [12] = "PTR",
        [13] = "HINFO", [14] = "MINFO", [15] = "MX", [16] = "TXT", [17] = "RP",
        [18] = "AFSDB", [19] = "X25", [20] = "ISDN", [21] = "RT", [22] = "NSAP",
        [23] = "NSAP-PTR", [24] = "SIG", [25] = "KEY", [26] = "PX", [27] = "GPOS",
        [28] = "AAAA", [29] = "LOC", [30] = "NXT", [31] = "EID", [32] = "NIMLOC",
        [33] = "SRV", [34] = "ATMA", [35] = "NAPTR", [36] = "KX", [37] = "CERT",
        [38] = "A6", [39] = "DNAME", [40] = "SINK", [41] = "OPT", [42] = "APL",
        [43] = "DS", [44] = "SSHFP", [45] = "IPSECKEY", [46] = "RRSIG", [47] = "NSEC",
        [48] = "DNSKEY", [49] = "DHCID", [50] = "NSEC3", [51] = "NSEC3PARAM",
        [52] = "TLSA", [53] = "SMIMEA", [55] = "HIP", [56] = "NINFO", [57] = "RKEY",
        [58] = "TALINK", [59] = "CDS", [60] = "CDNSKEY", [61] = "OPENPGPKEY",
        [62] = "CSYNC", [63] = "ZONEMD", [64] = "SVCB", [65] = "HTTPS",
        [99] = "SPF", [100] = "UINFO", [101] = "UID", [102] = "GID", [103] = "UNSPEC",
        [104] = "NID", [105] = "L32", [106] = "L64", [107] = "LP", [108] = "EUI48",
        [109] = "EUI64",
    };
    if (type < ARRAY_SIZE(low) && low[type] != NULL)
        return low[type];
    switch (type) {
    case 249: return "TKEY";
    case 250: return "TSIG";
    case 251: return "IXFR";
    case 252: return "AXFR";
    case 253: return "MAILB";
    case 254: return "MAILA";
    case 255: return "ANY";
    case 256: return "URI";
    case 257: return "CAA";
    case 258: return "AVC";
    case 259: return "DOA";
    case 260: return "AMTRELAY";
    case 32768: return "TA";
    case 32769: return "DLV";
    default: return dns_number(type, buf);
    }
}

const char *dns_rcode_str(uint16_t rcode, char buf[8])
{
    /* RFC 6895 2.3; 16 is BADVERS in OPT and BADSIG in TSIG. */
    static const char *const names[] = {
        "NOERROR",  "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP",   "REFUSED",
        "YXDOMAIN", "YXRRSET", "NXRRSET",  "NOTAUTH",  "NOTZONE",  "DSOTYPENI",
        NULL,       NULL,      NULL,       NULL,       "BADVERS",  "BADKEY",
        "BADTIME",  "BADMODE", "BADNAME",  "BADALG",   "BADTRUNC", "BADCOOKIE",
    };
    if (rcode < ARRAY_SIZE(names) && names[rcode] != NULL)
        return names[rcode];
    return dns_number(rcode, buf);
}
