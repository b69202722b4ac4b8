/* X.509 certificate reader. Spec: RFC 5280 4.1, X.690 8.1 and 10 (DER), X.680 43-46.
 * See applayer-x509.h for the contract and the text forms (Suricata 7's).
 *
 * Every read of certificate bytes goes through a struct cursor. der_next() reads one
 * TLV (tag, length, value) inside its parent and refuses a value that runs past the
 * parent: the walk can never leave [der, der + len), and each level is a sub-cursor of
 * the one above, so the work is linear in the certificate's length. */
#include "applayer-x509.h"

#include <gcrypt.h>
#include <string.h>

#include "util/util-cursor.h"

_Static_assert(X509_SERIAL_TEXT_MAX >= 3 * X509_SERIAL_MAX, "serial text holds the cap");
_Static_assert(X509_FINGERPRINT_TEXT_MAX >= 20 * 3, "fingerprint text holds 20 octets");

#define DER_CLASS_UNIVERSAL 0
#define DER_CLASS_CONTEXT 2

/* Universal tag numbers (X.680 8.4). */
#define DER_BOOLEAN 1
#define DER_INTEGER 2
#define DER_BIT_STRING 3
#define DER_OCTET_STRING 4
#define DER_OID 6
#define DER_UTF8_STRING 12
#define DER_SEQUENCE 16
#define DER_SET 17
#define DER_NUMERIC_STRING 18
#define DER_PRINTABLE_STRING 19
#define DER_T61_STRING 20
#define DER_VIDEOTEX_STRING 21
#define DER_IA5_STRING 22
#define DER_UTC_TIME 23
#define DER_GENERALIZED_TIME 24
#define DER_GRAPHIC_STRING 25
#define DER_VISIBLE_STRING 26
#define DER_GENERAL_STRING 27
#define DER_BMP_STRING 30
#define DER_OBJECT_DESCRIPTOR 7

/* What x509-parser writes for a name it cannot render (Display of X509Name). */
#define X509_NAME_INVALID "<X509Error: Invalid X.509 name>"

/* ---------------------------------------------------------------------------------- */
/* DER values                                                                         */
/* ---------------------------------------------------------------------------------- */

struct der_tlv {
    uint8_t cls;          /* 0 universal, 1 application, 2 context, 3 private */
    bool constructed;
    uint32_t tag;         /* tag number */
    struct cursor value;  /* the content octets */
    uint32_t off;         /* offset of the identifier octet in the certificate */
};

/* Reads the next TLV from 'c' (whose data starts at 'base' of the certificate, for
 * offsets). Returns X509_E_NONE, X509_E_LENGTH when the value runs past 'c', or
 * X509_E_DER for an encoding DER forbids (indefinite length, a length of more than 4
 * octets, a tag number past 2^28). */
static enum x509_error der_next(struct cursor *c, const uint8_t *base, struct der_tlv *t)
{
    t->off = (uint32_t)(cursor_ptr(c) - base);
    uint8_t id, b;
    if (!cursor_u8(c, &id))
        return X509_E_LENGTH;
    t->cls = id >> 6;
    t->constructed = (id & 0x20) != 0;
    t->tag = id & 0x1f;
    if (t->tag == 0x1f) {
        t->tag = 0;
        for (int i = 0;; i++) {
            if (i == 4)
                return X509_E_DER;
            if (!cursor_u8(c, &b))
                return X509_E_LENGTH;
            t->tag = t->tag << 7 | (b & 0x7f);
            if (!(b & 0x80))
                break;
        }
    }
    if (!cursor_u8(c, &b))
        return X509_E_LENGTH;
    uint32_t len = b;
    if (b & 0x80) {
        uint32_t n = b & 0x7f;
        if (n == 0 || n > 4)
            return X509_E_DER;
        len = 0;
        for (uint32_t i = 0; i < n; i++) {
            if (!cursor_u8(c, &b))
                return X509_E_LENGTH;
            len = len << 8 | b;
        }
    }
    if (!cursor_sub(c, len, &t->value))
        return X509_E_LENGTH;
    return X509_E_NONE;
}

static bool der_is(const struct der_tlv *t, uint8_t cls, bool constructed, uint32_t tag)
{
    return t->cls == cls && t->constructed == constructed && t->tag == tag;
}

/* Peeks at the next identifier octet without moving: true if 'c' has one and it is
 * 'id'. */
static bool der_peek_id(const struct cursor *c, uint8_t id)
{
    uint8_t b;
    return cursor_peek_u8(c, 0, &b) && b == id;
}

/* ---------------------------------------------------------------------------------- */
/* Text                                                                               */
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

static void text_str(struct text *t, const char *s)
{
    text_bytes(t, s, (uint32_t)strlen(s));
}

static void text_u64(struct text *t, uint64_t v)
{
    char digits[20], *d = digits + sizeof(digits);
    do {
        *--d = (char)('0' + v % 10);
        v /= 10;
    } while (v != 0);
    text_bytes(t, d, (uint32_t)(digits + sizeof(digits) - d));
}

static void text_utf8(struct text *t, uint32_t cp)
{
    char b[4];
    uint32_t n;
    if (cp < 0x80) {
        b[0] = (char)cp;
        n = 1;
    } else if (cp < 0x800) {
        b[0] = (char)(0xc0 | cp >> 6);
        b[1] = (char)(0x80 | (cp & 0x3f));
        n = 2;
    } else if (cp < 0x10000) {
        b[0] = (char)(0xe0 | cp >> 12);
        b[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
        b[2] = (char)(0x80 | (cp & 0x3f));
        n = 3;
    } else {
        b[0] = (char)(0xf0 | cp >> 18);
        b[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
        b[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
        b[3] = (char)(0x80 | (cp & 0x3f));
        n = 4;
    }
    text_bytes(t, b, n);
}

/* Hex of 'n' octets, joined with 'sep' when it is not NUL. */
static void text_hex(struct text *t, const uint8_t *p, uint32_t n, const char *digits, char sep)
{
    for (uint32_t i = 0; i < n; i++) {
        char h[3];
        uint32_t k = 0;
        if (sep != '\0' && i > 0)
            h[k++] = sep;
        h[k++] = digits[p[i] >> 4];
        h[k++] = digits[p[i] & 0xf];
        text_bytes(t, h, k);
    }
}

static const char HEX_UPPER[] = "0123456789ABCDEF";
static const char HEX_LOWER[] = "0123456789abcdef";

/* Strict UTF-8 (RFC 3629, as Rust's str::from_utf8): no overlong forms, no surrogates,
 * nothing past U+10FFFF. */
static bool utf8_valid(const uint8_t *p, uint32_t n)
{
    uint32_t i = 0;
    while (i < n) {
        uint8_t b = p[i];
        if (b < 0x80) {
            i++;
            continue;
        }
        uint32_t need, cp, min;
        if ((b & 0xe0) == 0xc0) {
            need = 1, cp = b & 0x1f, min = 0x80;
        } else if ((b & 0xf0) == 0xe0) {
            need = 2, cp = b & 0x0f, min = 0x800;
        } else if ((b & 0xf8) == 0xf0) {
            need = 3, cp = b & 0x07, min = 0x10000;
        } else {
            return false;
        }
        if (n - i - 1 < need)
            return false;
        for (uint32_t k = 1; k <= need; k++) {
            if ((p[i + k] & 0xc0) != 0x80)
                return false;
            cp = cp << 6 | (p[i + k] & 0x3f);
        }
        if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
            return false;
        i += need + 1;
    }
    return true;
}

/* ---------------------------------------------------------------------------------- */
/* Names                                                                              */
/* ---------------------------------------------------------------------------------- */

/* Attribute types by DER-encoded OID: x509-parser's abbreviations first (CN, C, L, ST,
 * O, OU, DC, Email), then the short names of the OID registry it uses (oid-registry 0.6
 * with the x509, pkcs1/7/9/12, x962, kdf and nist-algs sets, plus id-mgf1), which is
 * how Suricata names any other attribute. Generated from that registry's oid_db.txt. */
struct oid_name {
    uint8_t len;
    const char *der;
    const char *name;
};

static const struct oid_name OID_NAMES[] = {
    { 3, "\x55\x04\x03", "CN" }, /* 2.5.4.3 */
    { 3, "\x55\x04\x06", "C" }, /* 2.5.4.6 */
    { 3, "\x55\x04\x07", "L" }, /* 2.5.4.7 */
    { 3, "\x55\x04\x08", "ST" }, /* 2.5.4.8 */
    { 3, "\x55\x04\x0a", "O" }, /* 2.5.4.10 */
    { 3, "\x55\x04\x0b", "OU" }, /* 2.5.4.11 */
    { 9, "\x2a\x86\x48\x86\xf7\x0d\x01\x09\x01", "Email" }, /* 1.2.840.113549.1.9.1 */
    { 10, "\x09\x92\x26\x89\x93\xf2\x2c\x64\x01\x19", "DC" }, /* 0.9.2342.19200300.100.1.25 */
    { 2, "\x55\x04", "x509" }, /* 2.5.4 */
    { 3, "\x2b\x65\x70", "ed25519" }, /* 1.3.101.112 */
    { 3, "\x2b\x65\x71", "ed448" }, /* 1.3.101.113 */
    { 3, "\x55\x04\x00", "objectClass" }, /* 2.5.4.0 */
    { 3, "\x55\x04\x01", "aliasedEntryName" }, /* 2.5.4.1 */
    { 3, "\x55\x04\x02", "knowledgeInformation" }, /* 2.5.4.2 */
    { 3, "\x55\x04\x04", "surname" }, /* 2.5.4.4 */
    { 3, "\x55\x04\x05", "serialNumber" }, /* 2.5.4.5 */
    { 3, "\x55\x04\x09", "streetAddress" }, /* 2.5.4.9 */
    { 3, "\x55\x04\x0c", "title" }, /* 2.5.4.12 */
    { 3, "\x55\x04\x0d", "description" }, /* 2.5.4.13 */
    { 3, "\x55\x04\x0e", "searchGuide" }, /* 2.5.4.14 */
    { 3, "\x55\x04\x0f", "businessCategory" }, /* 2.5.4.15 */
    { 3, "\x55\x04\x10", "postalAddress" }, /* 2.5.4.16 */
    { 3, "\x55\x04\x11", "postalCode" }, /* 2.5.4.17 */
    { 3, "\x55\x04\x29", "name" }, /* 2.5.4.41 */
    { 3, "\x55\x04\x2a", "givenName" }, /* 2.5.4.42 */
    { 3, "\x55\x04\x2b", "initials" }, /* 2.5.4.43 */
    { 3, "\x55\x04\x2c", "generationQualifier" }, /* 2.5.4.44 */
    { 3, "\x55\x04\x2d", "uniqueIdentifier" }, /* 2.5.4.45 */
    { 3, "\x55\x04\x2e", "dnQualifier" }, /* 2.5.4.46 */
    { 3, "\x55\x1d\x01", "oldAuthorityKeyIdentifier" }, /* 2.5.29.1 */
    { 3, "\x55\x1d\x02", "oldKeyAttributes" }, /* 2.5.29.2 */
    { 3, "\x55\x1d\x03", "oldCertificatePolicies" }, /* 2.5.29.3 */
    { 3, "\x55\x1d\x04", "oldKeyUsage" }, /* 2.5.29.4 */
    { 3, "\x55\x1d\x05", "oldPolicyMapping" }, /* 2.5.29.5 */
    { 3, "\x55\x1d\x06", "oldSubtreesConstraint" }, /* 2.5.29.6 */
    { 3, "\x55\x1d\x07", "oldSubjectAltNAme" }, /* 2.5.29.7 */
    { 3, "\x55\x1d\x08", "oldIssuerAltNAme" }, /* 2.5.29.8 */
    { 3, "\x55\x1d\x0e", "subjectKeyIdentifier" }, /* 2.5.29.14 */
    { 3, "\x55\x1d\x0f", "keyUsage" }, /* 2.5.29.15 */
    { 3, "\x55\x1d\x10", "privateKeyUsagePeriod" }, /* 2.5.29.16 */
    { 3, "\x55\x1d\x11", "subjectAltName" }, /* 2.5.29.17 */
    { 3, "\x55\x1d\x12", "issuerAltName" }, /* 2.5.29.18 */
    { 3, "\x55\x1d\x13", "basicConstraints" }, /* 2.5.29.19 */
    { 3, "\x55\x1d\x14", "crlNumber" }, /* 2.5.29.20 */
    { 3, "\x55\x1d\x15", "reasonCode" }, /* 2.5.29.21 */
    { 3, "\x55\x1d\x17", "holdInstructionCode" }, /* 2.5.29.23 */
    { 3, "\x55\x1d\x18", "invalidityDate" }, /* 2.5.29.24 */
    { 3, "\x55\x1d\x1b", "deltaCRLIndicator" }, /* 2.5.29.27 */
    { 3, "\x55\x1d\x1c", "issuerDistributionPoint" }, /* 2.5.29.28 */
    { 3, "\x55\x1d\x1d", "issuer" }, /* 2.5.29.29 */
    { 3, "\x55\x1d\x1e", "nameConstraints" }, /* 2.5.29.30 */
    { 3, "\x55\x1d\x1f", "crlDistributionPoints" }, /* 2.5.29.31 */
    { 3, "\x55\x1d\x20", "certificatePolicies" }, /* 2.5.29.32 */
    { 3, "\x55\x1d\x21", "policyMappings" }, /* 2.5.29.33 */
    { 3, "\x55\x1d\x23", "authorityKeyIdentifier" }, /* 2.5.29.35 */
    { 3, "\x55\x1d\x24", "policyConstraints" }, /* 2.5.29.36 */
    { 3, "\x55\x1d\x25", "extendedKeyUsage" }, /* 2.5.29.37 */
    { 3, "\x55\x1d\x2e", "freshestCRL" }, /* 2.5.29.46 */
    { 3, "\x55\x1d\x36", "inhibitantAnyPolicy" }, /* 2.5.29.54 */
    { 5, "\x2b\x0e\x03\x02\x19", "md5WithRSASignature" }, /* 1.3.14.3.2.25 */
    { 5, "\x2b\x0e\x03\x02\x1a", "id-SHA1" }, /* 1.3.14.3.2.26 */
    { 5, "\x2b\x0e\x03\x02\x1d", "sha1WithRSAEncryption" }, /* 1.3.14.3.2.29 */
    { 5, "\x2b\x81\x04\x00\x22", "secp384r1" }, /* 1.3.132.0.34 */
    { 5, "\x2b\x81\x04\x00\x23", "secp521r1" }, /* 1.3.132.0.35 */
    { 6, "\x2a\x85\x03\x02\x02\x03", "id-GostR3411-94-with-GostR3410-2001" }, /* 1.2.643.2.2.3 */
    { 6, "\x2a\x85\x03\x02\x02\x13", "gostR3410-2001" }, /* 1.2.643.2.2.19 */
    { 6, "\x2b\x24\x03\x03\x01\x02", "rsaSignatureWithripemd160" }, /* 1.3.36.3.3.1.2 */
    { 7, "\x2a\x86\x48\xce\x38\x04\x01", "id-dsa" }, /* 1.2.840.10040.4.1 */
    { 7, "\x2a\x86\x48\xce\x38\x04\x03", "dsa-with-sha1" }, /* 1.2.840.10040.4.3 */
    { 7, "\x2a\x86\x48\xce\x3d\x02\x01", "id-ecPublicKey" }, /* 1.2.840.10045.2.1 */
    { 8, "\x2a\x85\x03\x07\x01\x01\x01\x01", "gost3410-2012-256" }, /* 1.2.643.7.1.1.1.1 */
    { 8, "\x2a\x85\x03\x07\x01\x01\x01\x02", "gost3410-2012-512" }, /* 1.2.643.7.1.1.1.2 */
    { 8, "\x2a\x85\x03\x07\x01\x01\x03\x02", "id-tc26-signwithdigest-gost3410-12-256" }, /* 1.2.643.7.1.1.3.2 */
    { 8, "\x2a\x85\x03\x07\x01\x01\x03\x03", "id-tc26-signwithdigest-gost3410-12-512" }, /* 1.2.643.7.1.1.3.3 */
    { 8, "\x2a\x86\x48\x86\xf7\x0d\x01\x0c", "pkcs-12" }, /* 1.2.840.113549.1.12 */
    { 8, "\x2a\x86\x48\xce\x3d\x03\x01\x07", "prime256v1" }, /* 1.2.840.10045.3.1.7 */
    { 8, "\x2a\x86\x48\xce\x3d\x04\x03\x01", "ecdsa-with-SHA224" }, /* 1.2.840.10045.4.3.1 */
    { 8, "\x2a\x86\x48\xce\x3d\x04\x03\x02", "ecdsa-with-SHA256" }, /* 1.2.840.10045.4.3.2 */
    { 8, "\x2a\x86\x48\xce\x3d\x04\x03\x03", "ecdsa-with-SHA384" }, /* 1.2.840.10045.4.3.3 */
    { 8, "\x2a\x86\x48\xce\x3d\x04\x03\x04", "ecdsa-with-SHA512" }, /* 1.2.840.10045.4.3.4 */
    { 8, "\x2b\x06\x01\x05\x05\x07\x01\x01", "authorityInfoAccess" }, /* 1.3.6.1.5.5.7.1.1 */
    { 8, "\x2b\x06\x01\x05\x05\x07\x30\x01", "id-ad-ocsp" }, /* 1.3.6.1.5.5.7.48.1 */
    { 8, "\x2b\x06\x01\x05\x05\x07\x30\x02", "id-ad-caIssuers" }, /* 1.3.6.1.5.5.7.48.2 */
    { 8, "\x2b\x06\x01\x05\x05\x07\x30\x03", "id-ad-timestamping" }, /* 1.3.6.1.5.5.7.48.3 */
    { 8, "\x2b\x06\x01\x05\x05\x07\x30\x04", "id-ad-dvcs" }, /* 1.3.6.1.5.5.7.48.4 */
    { 8, "\x2b\x06\x01\x05\x05\x07\x30\x05", "id-ad-caRepository" }, /* 1.3.6.1.5.5.7.48.5 */
    { 8, "\x2b\x06\x01\x05\x05\x07\x30\x06", "id-ad-http-certs" }, /* 1.3.6.1.5.5.7.48.6 */
    { 8, "\x2b\x06\x01\x05\x05\x07\x30\x07", "id-ad-http-crls" }, /* 1.3.6.1.5.5.7.48.7 */
    { 8, "\x2b\x06\x01\x05\x05\x07\x30\x0a", "id-ad-rpki-manifest" }, /* 1.3.6.1.5.5.7.48.10 */
    { 8, "\x2b\x06\x01\x05\x05\x07\x30\x0b", "id-ad-signed-object" }, /* 1.3.6.1.5.5.7.48.11 */
    { 8, "\x2b\x06\x01\x05\x05\x07\x30\x0c", "id-ad-cmc" }, /* 1.3.6.1.5.5.7.48.12 */
    { 8, "\x2b\x06\x01\x05\x05\x07\x30\x0d", "id-ad-rpki-notify" }, /* 1.3.6.1.5.5.7.48.13 */
    { 8, "\x2b\x06\x01\x05\x05\x07\x30\x0e", "id-ad-stirTNList" }, /* 1.3.6.1.5.5.7.48.14 */
    { 9, "\x2a\x86\x48\x86\xf7\x0d\x01\x01\x01", "rsaEncryption" }, /* 1.2.840.113549.1.1.1 */
    { 9, "\x2a\x86\x48\x86\xf7\x0d\x01\x01\x02", "md2WithRSAEncryption" }, /* 1.2.840.113549.1.1.2 */
    { 9, "\x2a\x86\x48\x86\xf7\x0d\x01\x01\x03", "md4WithRSAEncryption" }, /* 1.2.840.113549.1.1.3 */
    { 9, "\x2a\x86\x48\x86\xf7\x0d\x01\x01\x04", "md5WithRSAEncryption" }, /* 1.2.840.113549.1.1.4 */
    { 9, "\x2a\x86\x48\x86\xf7\x0d\x01\x01\x05", "sha1WithRSAEncryption" }, /* 1.2.840.113549.1.1.5 */
    { 9, "\x2a\x86\x48\x86\xf7\x0d\x01\x01\x08", "id-mgf1" }, /* 1.2.840.113549.1.1.8 */
    { 9, "\x2a\x86\x48\x86\xf7\x0d\x01\x01\x0a", "rsassa-pss" }, /* 1.2.840.113549.1.1.10 */
    { 9, "\x2a\x86\x48\x86\xf7\x0d\x01\x01\x0b", "sha256WithRSAEncryption" }, /* 1.2.840.113549.1.1.11 */
    { 9, "\x2a\x86\x48\x86\xf7\x0d\x01\x01\x0c", "sha384WithRSAEncryption" }, /* 1.2.840.113549.1.1.12 */
    { 9, "\x2a\x86\x48\x86\xf7\x0d\x01\x01\x0d", "sha512WithRSAEncryption" }, /* 1.2.840.113549.1.1.13 */
    { 9, "\x2a\x86\x48\x86\xf7\x0d\x01\x01\x0e", "sha224WithRSAEncryption" }, /* 1.2.840.113549.1.1.14 */
    { 9, "\x2a\x86\x48\x86\xf7\x0d\x01\x07\x01", "pkcs7-data" }, /* 1.2.840.113549.1.7.1 */
    { 9, "\x2a\x86\x48\x86\xf7\x0d\x01\x07\x02", "pkcs7-signedData" }, /* 1.2.840.113549.1.7.2 */
    { 9, "\x2a\x86\x48\x86\xf7\x0d\x01\x07\x03", "pkcs7-envelopedData" }, /* 1.2.840.113549.1.7.3 */
    { 9, "\x2a\x86\x48\x86\xf7\x0d\x01\x07\x04", "pkcs7-signedAndEnvelopedData" }, /* 1.2.840.113549.1.7.4 */
    { 9, "\x2a\x86\x48\x86\xf7\x0d\x01\x07\x05", "pkcs7-digestedData" }, /* 1.2.840.113549.1.7.5 */
    { 9, "\x2a\x86\x48\x86\xf7\x0d\x01\x07\x06", "pkcs7-encryptedData" }, /* 1.2.840.113549.1.7.6 */
    { 9, "\x2a\x86\x48\x86\xf7\x0d\x01\x09\x02", "unstructuredName" }, /* 1.2.840.113549.1.9.2 */
    { 9, "\x2a\x86\x48\x86\xf7\x0d\x01\x09\x03", "contentType" }, /* 1.2.840.113549.1.9.3 */
    { 9, "\x2a\x86\x48\x86\xf7\x0d\x01\x09\x04", "id-messageDigest" }, /* 1.2.840.113549.1.9.4 */
    { 9, "\x2a\x86\x48\x86\xf7\x0d\x01\x09\x05", "signing-time" }, /* 1.2.840.113549.1.9.5 */
    { 9, "\x2a\x86\x48\x86\xf7\x0d\x01\x09\x07", "challengePassword" }, /* 1.2.840.113549.1.9.7 */
    { 9, "\x2a\x86\x48\x86\xf7\x0d\x01\x09\x0e", "extensionRequest" }, /* 1.2.840.113549.1.9.14 */
    { 9, "\x2a\x86\x48\x86\xf7\x0d\x01\x09\x0f", "smimeCapabilities" }, /* 1.2.840.113549.1.9.15 */
    { 9, "\x2a\x86\x48\x86\xf7\x0d\x01\x09\x14", "friendlyName" }, /* 1.2.840.113549.1.9.20 */
    { 9, "\x2a\x86\x48\x86\xf7\x0d\x01\x0c\x01", "pkcs-12PbeIds" }, /* 1.2.840.113549.1.12.1 */
    { 9, "\x2b\x81\x05\x10\x86\x48\x3f\x00\x02", "dhSinglePass-stdDH-sha1kdf-scheme" }, /* 1.3.133.16.840.63.0.2 */
    { 9, "\x60\x86\x48\x01\x65\x03\x04\x01\x2a", "aes-256-cbc" }, /* 2.16.840.1.101.3.4.1.42 */
    { 9, "\x60\x86\x48\x01\x65\x03\x04\x02\x01", "sha256" }, /* 2.16.840.1.101.3.4.2.1 */
    { 9, "\x60\x86\x48\x01\x65\x03\x04\x02\x02", "sha384" }, /* 2.16.840.1.101.3.4.2.2 */
    { 9, "\x60\x86\x48\x01\x65\x03\x04\x02\x03", "sha512" }, /* 2.16.840.1.101.3.4.2.3 */
    { 9, "\x60\x86\x48\x01\x86\xf8\x42\x01\x01", "nsCertType" }, /* 2.16.840.1.113730.1.1 */
    { 9, "\x60\x86\x48\x01\x86\xf8\x42\x01\x02", "nsBaseURL" }, /* 2.16.840.1.113730.1.2 */
    { 9, "\x60\x86\x48\x01\x86\xf8\x42\x01\x03", "nsRevocationURL" }, /* 2.16.840.1.113730.1.3 */
    { 9, "\x60\x86\x48\x01\x86\xf8\x42\x01\x04", "nsCARevocationURL" }, /* 2.16.840.1.113730.1.4 */
    { 9, "\x60\x86\x48\x01\x86\xf8\x42\x01\x05", "nsCACRLURL" }, /* 2.16.840.1.113730.1.5 */
    { 9, "\x60\x86\x48\x01\x86\xf8\x42\x01\x06", "nsCACertURL" }, /* 2.16.840.1.113730.1.6 */
    { 9, "\x60\x86\x48\x01\x86\xf8\x42\x01\x07", "nsRenewalURL" }, /* 2.16.840.1.113730.1.7 */
    { 9, "\x60\x86\x48\x01\x86\xf8\x42\x01\x08", "nsCAPolicyURL" }, /* 2.16.840.1.113730.1.8 */
    { 9, "\x60\x86\x48\x01\x86\xf8\x42\x01\x09", "nsHomepageURL" }, /* 2.16.840.1.113730.1.9 */
    { 9, "\x60\x86\x48\x01\x86\xf8\x42\x01\x0a", "nsEntityLogo" }, /* 2.16.840.1.113730.1.10 */
    { 9, "\x60\x86\x48\x01\x86\xf8\x42\x01\x0b", "nsUserPicture" }, /* 2.16.840.1.113730.1.11 */
    { 9, "\x60\x86\x48\x01\x86\xf8\x42\x01\x0c", "nsSSLServerName" }, /* 2.16.840.1.113730.1.12 */
    { 9, "\x60\x86\x48\x01\x86\xf8\x42\x01\x0d", "nsComment" }, /* 2.16.840.1.113730.1.13 */
    { 10, "\x09\x92\x26\x89\x93\xf2\x2c\x64\x01\x01", "uid" }, /* 0.9.2342.19200300.100.1.1 */
    { 10, "\x2a\x86\x48\x86\xf7\x0d\x01\x0c\x01\x01", "pbeWithSHAAnd128BitRC4" }, /* 1.2.840.113549.1.12.1.1 */
    { 10, "\x2a\x86\x48\x86\xf7\x0d\x01\x0c\x01\x02", "pbeWithSHAAnd40BitRC4" }, /* 1.2.840.113549.1.12.1.2 */
    { 10, "\x2a\x86\x48\x86\xf7\x0d\x01\x0c\x01\x03", "pbeWithSHAAnd3-KeyTripleDES-CBC" }, /* 1.2.840.113549.1.12.1.3 */
    { 10, "\x2a\x86\x48\x86\xf7\x0d\x01\x0c\x01\x04", "pbeWithSHAAnd2-KeyTripleDES-CBC" }, /* 1.2.840.113549.1.12.1.4 */
    { 10, "\x2a\x86\x48\x86\xf7\x0d\x01\x0c\x01\x05", "pbeWithSHAAnd128BitRC2-CBC" }, /* 1.2.840.113549.1.12.1.5 */
    { 10, "\x2a\x86\x48\x86\xf7\x0d\x01\x0c\x01\x06", "pbeWithSHAAnd40BitRC2-CBC" }, /* 1.2.840.113549.1.12.1.6 */
    { 10, "\x2b\x06\x01\x04\x01\xd6\x79\x02\x04\x02", "ctSCTList" }, /* 1.3.6.1.4.1.11129.2.4.2 */
    { 11, "\x2b\x06\x01\x04\x01\x82\x37\x3c\x02\x01\x01", "msJurisdictionLocality" }, /* 1.3.6.1.4.1.311.60.2.1.1 */
    { 11, "\x2b\x06\x01\x04\x01\x82\x37\x3c\x02\x01\x02", "msJurisdictionStateOrProvince" }, /* 1.3.6.1.4.1.311.60.2.1.2 */
    { 11, "\x2b\x06\x01\x04\x01\x82\x37\x3c\x02\x01\x03", "msJurisdictionCountry" }, /* 1.3.6.1.4.1.311.60.2.1.3 */
};

static const char *oid_short_name(const uint8_t *p, uint32_t n)
{
    for (size_t i = 0; i < ARRAY_SIZE(OID_NAMES); i++)
        if (OID_NAMES[i].len == n && memcmp(OID_NAMES[i].der, p, n) == 0)
            return OID_NAMES[i].name;
    return NULL;
}

/* An OID in dotted form as asn1-rs prints it: the first octet gives the first two arcs
 * (octet / 40, octet % 40), then base-128 sub-identifiers. Arcs past 64 bits are cut to
 * their low 64 bits (no real attribute type has one). */
static void text_oid(struct text *t, const uint8_t *p, uint32_t n)
{
    if (n == 0)
        return;
    text_u64(t, p[0] / 40);
    if (p[0] == 0 && n == 1)
        return;
    text_bytes(t, ".", 1);
    text_u64(t, p[0] % 40);
    uint64_t v = 0;
    for (uint32_t i = 1; i < n; i++) {
        v = v << 7 | (p[i] & 0x7f);
        if (!(p[i] & 0x80) || i + 1 == n) {
            text_bytes(t, ".", 1);
            text_u64(t, v);
            v = 0;
        }
    }
}

/* Writes one attribute value as x509-parser's attribute_value_to_string() does. Only
 * the tag number is looked at (as it does). Returns false when the value is not valid
 * text, which makes the whole name invalid. */
static bool name_value(struct text *t, const struct der_tlv *v)
{
    const uint8_t *p = cursor_ptr(&v->value);
    uint32_t n = cursor_left(&v->value);
    switch (v->tag) {
    case DER_NUMERIC_STRING:
    case DER_VISIBLE_STRING:
    case DER_PRINTABLE_STRING:
    case DER_GENERAL_STRING:
    case DER_OBJECT_DESCRIPTOR:
    case DER_GRAPHIC_STRING:
    case DER_T61_STRING:
    case DER_VIDEOTEX_STRING:
    case DER_UTF8_STRING:
    case DER_IA5_STRING:
        if (!utf8_valid(p, n) || memchr(p, 0, n) != NULL)
            return false;
        text_bytes(t, p, n);
        return true;
    case DER_BMP_STRING:
        if (n % 2 != 0)
            return false;
        for (uint32_t i = 0; i < n; i += 2) {
            uint32_t u = (uint32_t)p[i] << 8 | p[i + 1];
            if (u >= 0xd800 && u <= 0xdbff) {
                if (i + 3 >= n)
                    return false;
                uint32_t l = (uint32_t)p[i + 2] << 8 | p[i + 3];
                if (l < 0xdc00 || l > 0xdfff)
                    return false;
                u = 0x10000 + ((u - 0xd800) << 10) + (l - 0xdc00);
                i += 2;
            } else if (u >= 0xdc00 && u <= 0xdfff) {
                return false;
            }
            if (u == 0)
                return false; /* Suricata cannot hand a name with a NUL to C */
            text_utf8(t, u);
        }
        return true;
    default:
        text_hex(t, p, n, HEX_UPPER, '\0');
        return true;
    }
}

/* Reads a Name (RFC 5280 4.1.2.4) from 'c' and writes its text into 'out'.
 *   Name ::= SEQUENCE OF RelativeDistinguishedName
 *   RelativeDistinguishedName ::= SET SIZE (1..MAX) OF AttributeTypeAndValue
 *   AttributeTypeAndValue ::= SEQUENCE { type OID, value ANY }
 * The structure must be whole; a value that is not text makes the text the literal
 * X509_NAME_INVALID (the certificate is still accepted, as by Suricata). */
static enum x509_error x509_name(struct cursor *c, const uint8_t *base, struct text *out,
                                 uint32_t *err_off)
{
    struct der_tlv name, rdn, atv, type, value;
    enum x509_error e = der_next(c, base, &name);
    *err_off = name.off;
    if (e != X509_E_NONE)
        return e;
    if (!der_is(&name, DER_CLASS_UNIVERSAL, true, DER_SEQUENCE))
        return X509_E_NAME;
    bool valid = true;
    bool first_rdn = true;
    while (cursor_left(&name.value) > 0) {
        e = der_next(&name.value, base, &rdn);
        *err_off = rdn.off;
        if (e != X509_E_NONE || !der_is(&rdn, DER_CLASS_UNIVERSAL, true, DER_SET) ||
            cursor_left(&rdn.value) == 0)
            return X509_E_NAME;
        if (!first_rdn)
            text_str(out, ", ");
        first_rdn = false;
        bool first_atv = true;
        while (cursor_left(&rdn.value) > 0) {
            e = der_next(&rdn.value, base, &atv);
            *err_off = atv.off;
            if (e != X509_E_NONE || !der_is(&atv, DER_CLASS_UNIVERSAL, true, DER_SEQUENCE))
                return X509_E_NAME;
            e = der_next(&atv.value, base, &type);
            if (e != X509_E_NONE || !der_is(&type, DER_CLASS_UNIVERSAL, false, DER_OID) ||
                cursor_left(&type.value) == 0)
                return X509_E_NAME;
            e = der_next(&atv.value, base, &value);
            if (e != X509_E_NONE)
                return X509_E_NAME;
            if (!first_atv)
                text_str(out, " + ");
            first_atv = false;
            const uint8_t *op = cursor_ptr(&type.value);
            uint32_t on = cursor_left(&type.value);
            const char *sn = oid_short_name(op, on);
            if (sn != NULL) {
                text_str(out, sn);
            } else {
                text_str(out, "OID(");
                text_oid(out, op, on);
                text_str(out, ")");
            }
            text_str(out, "=");
            if (!name_value(out, &value))
                valid = false;
        }
    }
    if (!valid) {
        text_init(out, out->buf, out->cap);
        text_str(out, X509_NAME_INVALID);
    }
    return X509_E_NONE;
}

/* ---------------------------------------------------------------------------------- */
/* Times                                                                              */
/* ---------------------------------------------------------------------------------- */

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian; H. Hinnant's days_from_civil). */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
    y -= m <= 2;
    const int64_t era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = (unsigned)(y - era * 400);
    const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

static bool is_leap(int64_t y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static bool two_digits(const uint8_t *p, unsigned *v)
{
    if (p[0] < '0' || p[0] > '9' || p[1] < '0' || p[1] > '9')
        return false;
    *v = (unsigned)(p[0] - '0') * 10 + (unsigned)(p[1] - '0');
    return true;
}

/* UTCTime "YYMMDDhhmm[ss](Z|+hhmm|-hhmm)" (X.680 47) or GeneralizedTime
 * "YYYYMMDDhh[mm[ss]][.f*](Z|+hhmm|-hhmm)?" (X.680 46) to epoch seconds, with the
 * checks asn1-rs makes (ranges; a real calendar date; UTCTime years 50-99 are 19xx). */
static bool der_time(const struct der_tlv *t, int64_t *out)
{
    const uint8_t *p = cursor_ptr(&t->value);
    uint32_t n = cursor_left(&t->value), i = 0;
    unsigned yy, cc = 0, mo, d, h, mi = 0, s = 0;
    int64_t year;
    if (t->cls != DER_CLASS_UNIVERSAL || t->constructed)
        return false;
    if (t->tag == DER_UTC_TIME) {
        if (n < 10 || !two_digits(p, &yy) || !two_digits(p + 2, &mo) ||
            !two_digits(p + 4, &d) || !two_digits(p + 6, &h) || !two_digits(p + 8, &mi))
            return false;
        i = 10;
        year = yy >= 50 ? 1900 + yy : 2000 + yy;
        if (n - i >= 2 && two_digits(p + i, &s))
            i += 2;
        if (i == n)
            return false; /* a zone is required */
    } else if (t->tag == DER_GENERALIZED_TIME) {
        if (n < 10 || !two_digits(p, &cc) || !two_digits(p + 2, &yy) ||
            !two_digits(p + 4, &mo) || !two_digits(p + 6, &d) || !two_digits(p + 8, &h))
            return false;
        i = 10;
        year = cc * 100 + yy;
        if (n - i >= 2 && two_digits(p + i, &mi)) {
            i += 2;
            if (n - i >= 2 && two_digits(p + i, &s))
                i += 2;
        }
        if (i < n && (p[i] == '.' || p[i] == ',')) {
            i++;
            uint32_t digits = 0;
            while (i < n && p[i] >= '0' && p[i] <= '9')
                i++, digits++;
            if (digits == 0)
                return false;
        }
    } else {
        return false;
    }
    if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 59)
        return false;
    static const unsigned mdays[12] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    if (d > mdays[mo - 1] || (mo == 2 && d == 29 && !is_leap(year)))
        return false;
    int64_t off = 0;
    if (i < n) {
        if (p[i] == 'Z' && i + 1 == n) {
            /* UTC */
        } else if ((p[i] == '+' || p[i] == '-') && n - i == 5) {
            unsigned oh, om;
            if (!two_digits(p + i + 1, &oh) || !two_digits(p + i + 3, &om) || oh > 23 ||
                om > 59)
                return false;
            off = (int64_t)(oh * 3600 + om * 60) * (p[i] == '+' ? 1 : -1);
        } else {
            return false;
        }
    } else if (t->tag == DER_UTC_TIME) {
        return false;
    }
    *out = days_from_civil(year, mo, d) * 86400 + (int64_t)(h * 3600 + mi * 60 + s) - off;
    return true;
}

uint32_t x509_time_format(int64_t epoch, char buf[X509_TIME_TEXT_MAX])
{
    /* civil_from_days (H. Hinnant). */
    int64_t days = epoch >= 0 ? epoch / 86400 : -((-epoch + 86399) / 86400);
    int64_t secs = epoch - days * 86400;
    int64_t z = days + 719468;
    const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const unsigned doe = (unsigned)(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t y = (int64_t)yoe + era * 400;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    const unsigned d = doy - (153 * mp + 2) / 5 + 1;
    const unsigned m = mp < 10 ? mp + 3 : mp - 9;
    y += m <= 2;
    buf[0] = '\0';
    if (y < 0 || y > 9999)
        return 0;
    unsigned h = (unsigned)(secs / 3600), mi = (unsigned)(secs / 60 % 60), s = (unsigned)(secs % 60);
    char *o = buf;
    unsigned yy = (unsigned)y;
    *o++ = (char)('0' + yy / 1000);
    *o++ = (char)('0' + yy / 100 % 10);
    *o++ = (char)('0' + yy / 10 % 10);
    *o++ = (char)('0' + yy % 10);
    const unsigned parts[5] = { m, d, h, mi, s };
    const char seps[5] = { '-', '-', 'T', ':', ':' };
    for (int k = 0; k < 5; k++) {
        *o++ = seps[k];
        *o++ = (char)('0' + parts[k] / 10);
        *o++ = (char)('0' + parts[k] % 10);
    }
    *o = '\0';
    return (uint32_t)(o - buf);
}

/* ---------------------------------------------------------------------------------- */
/* Certificate                                                                        */
/* ---------------------------------------------------------------------------------- */

/* AlgorithmIdentifier ::= SEQUENCE { algorithm OID, parameters ANY OPTIONAL } */
static enum x509_error x509_algorithm(struct cursor *c, const uint8_t *base, uint32_t *err_off)
{
    struct der_tlv seq, oid;
    enum x509_error e = der_next(c, base, &seq);
    *err_off = seq.off;
    if (e != X509_E_NONE)
        return e == X509_E_LENGTH ? e : X509_E_ALGORITHM;
    if (!der_is(&seq, DER_CLASS_UNIVERSAL, true, DER_SEQUENCE))
        return X509_E_ALGORITHM;
    if (der_next(&seq.value, base, &oid) != X509_E_NONE ||
        !der_is(&oid, DER_CLASS_UNIVERSAL, false, DER_OID))
        return X509_E_ALGORITHM;
    return X509_E_NONE;
}

/* Extensions ::= SEQUENCE SIZE (1..MAX) OF Extension, inside [3] EXPLICIT, the last
 * thing in the TBSCertificate. Extension ::= SEQUENCE { extnID OID, critical BOOLEAN
 * DEFAULT FALSE, extnValue OCTET STRING }. Extension contents are not read. */
static enum x509_error x509_extensions(struct cursor *c, const uint8_t *base, uint32_t *err_off)
{
    struct der_tlv wrap, seq, ext, f;
    if (cursor_left(c) == 0)
        return X509_E_NONE;
    enum x509_error e = der_next(c, base, &wrap);
    *err_off = wrap.off;
    if (e != X509_E_NONE || !der_is(&wrap, DER_CLASS_CONTEXT, true, 3) || cursor_left(c) != 0)
        return X509_E_EXTENSIONS;
    e = der_next(&wrap.value, base, &seq);
    if (e != X509_E_NONE || !der_is(&seq, DER_CLASS_UNIVERSAL, true, DER_SEQUENCE) ||
        cursor_left(&wrap.value) != 0)
        return X509_E_EXTENSIONS;
    while (cursor_left(&seq.value) > 0) {
        e = der_next(&seq.value, base, &ext);
        *err_off = ext.off;
        if (e != X509_E_NONE || !der_is(&ext, DER_CLASS_UNIVERSAL, true, DER_SEQUENCE))
            return X509_E_EXTENSIONS;
        if (der_next(&ext.value, base, &f) != X509_E_NONE ||
            !der_is(&f, DER_CLASS_UNIVERSAL, false, DER_OID))
            return X509_E_EXTENSIONS;
        if (der_peek_id(&ext.value, 0x01) &&
            (der_next(&ext.value, base, &f) != X509_E_NONE || cursor_left(&f.value) != 1))
            return X509_E_EXTENSIONS;
        if (der_next(&ext.value, base, &f) != X509_E_NONE ||
            !der_is(&f, DER_CLASS_UNIVERSAL, false, DER_OCTET_STRING))
            return X509_E_EXTENSIONS;
    }
    return X509_E_NONE;
}

static int x509_fail(struct x509_cert *c, enum x509_error e, uint32_t off)
{
    c->subject[0] = c->issuer[0] = c->serial[0] = c->fingerprint[0] = '\0';
    c->subject_len = c->issuer_len = c->serial_len = 0;
    c->not_before = c->not_after = 0;
    c->error = e;
    c->error_off = off;
    return CANH_ERR;
}

int x509_parse(const uint8_t *der, uint32_t len, struct x509_cert *c)
{
    struct cursor top, tbs_c;
    struct der_tlv cert, tbs, t, sig;
    struct text txt;
    uint32_t off = 0;
    enum x509_error e;

    x509_fail(c, X509_E_NONE, 0);
    c->name_cut = c->serial_cut = false;
    c->version = 0;
    cursor_init(&top, der, len);

    e = der_next(&top, der, &cert);
    if (e != X509_E_NONE)
        return x509_fail(c, e, cert.off);
    if (!der_is(&cert, DER_CLASS_UNIVERSAL, true, DER_SEQUENCE))
        return x509_fail(c, X509_E_DER, cert.off);
    e = der_next(&cert.value, der, &tbs);
    if (e != X509_E_NONE)
        return x509_fail(c, e, tbs.off);
    if (!der_is(&tbs, DER_CLASS_UNIVERSAL, true, DER_SEQUENCE))
        return x509_fail(c, X509_E_DER, tbs.off);
    tbs_c = tbs.value;

    /* version [0] EXPLICIT Version DEFAULT v1; Version ::= INTEGER (a u32). */
    if (der_peek_id(&tbs_c, 0xa0)) {
        struct der_tlv v;
        e = der_next(&tbs_c, der, &t);
        if (e != X509_E_NONE)
            return x509_fail(c, e, t.off);
        if (der_next(&t.value, der, &v) != X509_E_NONE ||
            !der_is(&v, DER_CLASS_UNIVERSAL, false, DER_INTEGER))
            return x509_fail(c, X509_E_VERSION, t.off);
        const uint8_t *p = cursor_ptr(&v.value);
        uint32_t n = cursor_left(&v.value);
        if (n == 0 || (p[0] & 0x80) || n > 5 || (n == 5 && p[0] != 0))
            return x509_fail(c, X509_E_VERSION, v.off);
        uint32_t ver = 0;
        for (uint32_t i = 0; i < n; i++)
            ver = ver << 8 | p[i];
        c->version = ver > 255 ? 255 : (uint8_t)ver;
    }

    /* serialNumber INTEGER, any length (x509-parser keeps the raw octets). */
    e = der_next(&tbs_c, der, &t);
    if (e != X509_E_NONE)
        return x509_fail(c, e == X509_E_LENGTH ? e : X509_E_SERIAL, t.off);
    if (t.cls != DER_CLASS_UNIVERSAL || t.tag != DER_INTEGER)
        return x509_fail(c, X509_E_SERIAL, t.off);
    {
        uint32_t n = cursor_left(&t.value);
        if (n > X509_SERIAL_MAX) {
            n = X509_SERIAL_MAX;
            c->serial_cut = true;
        }
        text_init(&txt, c->serial, sizeof(c->serial));
        text_hex(&txt, cursor_ptr(&t.value), n, HEX_UPPER, ':');
        c->serial_len = txt.len;
    }

    e = x509_algorithm(&tbs_c, der, &off);
    if (e != X509_E_NONE)
        return x509_fail(c, e, off);

    text_init(&txt, c->issuer, sizeof(c->issuer));
    e = x509_name(&tbs_c, der, &txt, &off);
    if (e != X509_E_NONE)
        return x509_fail(c, e, off);
    c->issuer_len = txt.len;
    c->name_cut |= txt.cut;

    /* Validity ::= SEQUENCE { notBefore Time, notAfter Time } */
    e = der_next(&tbs_c, der, &t);
    if (e != X509_E_NONE)
        return x509_fail(c, e, t.off);
    {
        struct der_tlv nb, na;
        if (!der_is(&t, DER_CLASS_UNIVERSAL, true, DER_SEQUENCE) ||
            der_next(&t.value, der, &nb) != X509_E_NONE || !der_time(&nb, &c->not_before) ||
            der_next(&t.value, der, &na) != X509_E_NONE || !der_time(&na, &c->not_after))
            return x509_fail(c, X509_E_DATE, t.off);
    }

    text_init(&txt, c->subject, sizeof(c->subject));
    e = x509_name(&tbs_c, der, &txt, &off);
    if (e != X509_E_NONE)
        return x509_fail(c, e, off);
    c->subject_len = txt.len;
    c->name_cut |= txt.cut;

    /* SubjectPublicKeyInfo ::= SEQUENCE { algorithm AlgorithmIdentifier,
     *                                     subjectPublicKey BIT STRING } */
    e = der_next(&tbs_c, der, &t);
    if (e != X509_E_NONE)
        return x509_fail(c, e, t.off);
    if (!der_is(&t, DER_CLASS_UNIVERSAL, true, DER_SEQUENCE))
        return x509_fail(c, X509_E_DER, t.off);
    e = x509_algorithm(&t.value, der, &off);
    if (e != X509_E_NONE)
        return x509_fail(c, e, off);
    e = der_next(&t.value, der, &sig);
    if (e != X509_E_NONE || sig.cls != DER_CLASS_UNIVERSAL || sig.tag != DER_BIT_STRING)
        return x509_fail(c, X509_E_DER, sig.off);

    /* issuerUniqueID [1], subjectUniqueID [2]: skipped. */
    for (uint8_t id = 1; id <= 2; id++) {
        uint8_t b;
        if (cursor_peek_u8(&tbs_c, 0, &b) && (b & 0xdf) == (0x80 | id)) {
            e = der_next(&tbs_c, der, &t);
            if (e != X509_E_NONE)
                return x509_fail(c, e, t.off);
        }
    }
    e = x509_extensions(&tbs_c, der, &off);
    if (e != X509_E_NONE)
        return x509_fail(c, e, off);

    /* signatureAlgorithm, signatureValue BIT STRING */
    e = x509_algorithm(&cert.value, der, &off);
    if (e != X509_E_NONE)
        return x509_fail(c, e, off);
    e = der_next(&cert.value, der, &sig);
    if (e != X509_E_NONE)
        return x509_fail(c, e, sig.off);
    if (sig.cls != DER_CLASS_UNIVERSAL || sig.tag != DER_BIT_STRING)
        return x509_fail(c, X509_E_DER, sig.off);

    /* Suricata hands C a name only when it has no NUL (a C string). */
    if (memchr(c->subject, 0, c->subject_len) != NULL || memchr(c->issuer, 0, c->issuer_len) != NULL)
        return x509_fail(c, X509_E_NAME, 0);

    uint8_t sha1[20];
    gcry_md_hash_buffer(GCRY_MD_SHA1, sha1, der, len);
    text_init(&txt, c->fingerprint, sizeof(c->fingerprint));
    text_hex(&txt, sha1, sizeof(sha1), HEX_LOWER, ':');
    return CANH_OK;
}

const char *x509_error_name(enum x509_error e)
{
    static const char *const names[X509_E_MAX] = {
        [X509_E_NONE] = "none",
        [X509_E_LENGTH] = "invalid_length",
        [X509_E_DER] = "invalid_der",
        [X509_E_VERSION] = "invalid_version",
        [X509_E_SERIAL] = "invalid_serial",
        [X509_E_ALGORITHM] = "invalid_algorithmidentifier",
        [X509_E_NAME] = "invalid_x509name",
        [X509_E_DATE] = "invalid_date",
        [X509_E_EXTENSIONS] = "invalid_extensions",
    };
    if ((unsigned)e >= X509_E_MAX)
        return "unknown";
    return names[e];
}
