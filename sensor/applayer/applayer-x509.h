/* X.509 certificate reader: the fields a sensor logs and matches on. Spec: RFC 5280 4.1
 * (Certificate, TBSCertificate, Name, Validity), X.690 (DER), X.680 43-46 (UTCTime,
 * GeneralizedTime), X.520 / RFC 4519 (attribute types).
 *
 *   Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm, signatureValue }
 *   TBSCertificate ::= SEQUENCE { [0] version OPTIONAL, serialNumber INTEGER,
 *       signature AlgorithmIdentifier, issuer Name, validity Validity, subject Name,
 *       subjectPublicKeyInfo, [1] issuerUID OPTIONAL, [2] subjectUID OPTIONAL,
 *       [3] extensions OPTIONAL }
 *
 * A small DER reader of Canh's own (no ASN.1 library). It checks the structure of the
 * whole certificate (every TLV of the TBSCertificate down to the fields it reads, the
 * extensions' envelopes, the signature algorithm and value) and reads only what is
 * logged. The text forms are exactly Suricata 7's (its rust/src/x509, over the
 * x509-parser crate), so rules written for Suricata match the same bytes:
 *
 *   subject, issuer  "C=US, O=Let's Encrypt, CN=R3": RDNs in certificate order joined
 *                    with ", ", the attributes of a multi-valued RDN with " + ". Types
 *                    by short name (C, ST, L, O, OU, CN, DC, Email; otherwise the OID
 *                    registry's short name such as "serialNumber", "businessCategory";
 *                    unknown OIDs as "OID(2.5.4.97)"). Values: UTF8, Printable, IA5,
 *                    T61, Visible, Numeric, General, Graphic, Videotex strings as their
 *                    bytes, which must be UTF-8; BMPString decoded from UTF-16BE to
 *                    UTF-8; any other type as upper-case hex of its content octets. If
 *                    one value is not valid text, the whole name is the literal
 *                    "<X509Error: Invalid X.509 name>" (as Suricata writes it).
 *   serial           the INTEGER's content octets as upper-case hex joined with ':'
 *                    ("00:AB:12"), a leading 00 octet kept.
 *   fingerprint      SHA-1 of the whole certificate (all the bytes given), lower-case
 *                    hex joined with ':' (59 characters).
 *   validity         seconds since the epoch (UTC); UTCTime years 50-99 are 19xx.
 *
 * x509_parse() allocates nothing; struct x509_cert is caller-owned (4.4 KB). */
#ifndef CANH_APPLAYER_X509_H
#define CANH_APPLAYER_X509_H

#include <stdbool.h>
#include <stdint.h>

#include "util/util-common.h"

/* Text of a subject or issuer, NUL included. Real names are well under 1 KB (an EV
 * certificate's subject with ten attributes is ~300 characters); longer ones are cut
 * here and flagged ('name_cut'). */
#define X509_NAME_TEXT_MAX 2048
/* Serial octets kept whole: RFC 5280 4.1.2.2 allows 20, some CAs send 21 (a leading 00)
 * and broken ones more; 64 is generous. Longer serials are cut and flagged. */
#define X509_SERIAL_MAX 64
#define X509_SERIAL_TEXT_MAX (3 * X509_SERIAL_MAX)
#define X509_FINGERPRINT_TEXT_MAX 60     /* 20 octets as "aa:" minus the last ':' + NUL */
#define X509_TIME_TEXT_MAX 32            /* "YYYY-MM-DDTHH:MM:SS" + NUL, with room */

/* Why a certificate is refused. The names follow Suricata's certificate events
 * (tls.certificate_invalid_*). */
enum x509_error {
    X509_E_NONE = 0,
    X509_E_LENGTH,         /* a value runs past the end of its parent (truncated) */
    X509_E_DER,            /* not DER: bad tag or length encoding, wrong outer type */
    X509_E_VERSION,        /* [0] version is not a small INTEGER */
    X509_E_SERIAL,         /* serialNumber is not an INTEGER */
    X509_E_ALGORITHM,      /* an AlgorithmIdentifier is not SEQUENCE { OID, ... } */
    X509_E_NAME,           /* issuer or subject is not a SEQUENCE OF SET OF
                              SEQUENCE { OID, value } */
    X509_E_DATE,           /* a validity time is not a well-formed UTCTime or
                              GeneralizedTime */
    X509_E_EXTENSIONS,     /* [3] extensions malformed, or one extension twice */
    X509_E_MAX
};

struct x509_cert {
    char subject[X509_NAME_TEXT_MAX];
    uint32_t subject_len;
    char issuer[X509_NAME_TEXT_MAX];
    uint32_t issuer_len;
    bool name_cut;                       /* subject or issuer longer than the buffer */
    char serial[X509_SERIAL_TEXT_MAX];   /* "" for an empty INTEGER */
    uint32_t serial_len;
    bool serial_cut;
    char fingerprint[X509_FINGERPRINT_TEXT_MAX];
    int64_t not_before;                  /* seconds since 1970-01-01T00:00:00Z */
    int64_t not_after;
    uint8_t version;                     /* 0 for v1 .. 2 for v3 */
    enum x509_error error;
    uint32_t error_off;                  /* offset in the certificate of the error */
};

/* Parses the DER certificate 'der' of 'len' bytes into 'c' (caller-owned, overwritten).
 * 'der' is only read, within [der, der + len). Bytes after the Certificate SEQUENCE are
 * ignored but counted in the fingerprint, as Suricata does.
 * Returns CANH_OK with every field set, or CANH_ERR with c->error and c->error_off set
 * (the text fields are then empty, the times 0). */
int x509_parse(const uint8_t *der, uint32_t len, struct x509_cert *c);

/* Writes 'epoch' as Suricata logs certificate times: "2024-03-01T12:00:00" (UTC).
 * Returns the text's length, or 0 (and "") for a year outside 0..9999. */
uint32_t x509_time_format(int64_t epoch, char buf[X509_TIME_TEXT_MAX]);

/* Short stable names ("invalid_der", ...) for counters; "none", "unknown". */
const char *x509_error_name(enum x509_error e);

#endif
