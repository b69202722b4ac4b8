/* TLS / SSL handshake parser over reassembled TCP stream bytes. Spec: RFC 5246 6.2
 * (record layer), 7.4 (handshake), RFC 8446 4.1-4.2 (TLS 1.3 hellos, supported_versions),
 * RFC 6101 (SSLv3), RFC 6066 3 (server_name), RFC 7301 (ALPN), RFC 6520 (heartbeat),
 * RFC 8701 (GREASE), SSLv2 (draft-hickman-netscape-ssl-00, and RFC 5246 E.2 for the
 * SSLv2-compatible ClientHello), JA3/JA3S (salesforce/ja3). Behaviour, buffers and their
 * text are Suricata 7's (src/app-layer-ssl.c, src/util-ja3.c, rust/src/x509), so rules
 * written for Suricata match the same flows:
 *
 *   record layer   |type|version(2)|length(2)| fragment ...   type 20 ChangeCipherSpec,
 *                  21 alert, 22 handshake, 23 application data, 24 heartbeat
 *   handshake      |msg_type|length(3)| body ...   messages may span records, and a
 *                  record may hold several
 *   SSLv2 record   a first octet with bit 7 (2-octet length) or bit 6 (3-octet length)
 *                  set; recognised, its ClientHello version read, otherwise skipped
 *
 * One struct tls_state per TCP flow, fed the bytes of each direction in order with
 * tls_parse() (0 = client to server, 1 = server to client), in pieces of any size: a
 * record or handshake message split anywhere is put together inside, up to the caps
 * below; as Suricata, a handshake record is parsed only once it is whole. Application data is counted, never copied. Once a ChangeCipherSpec has been
 * seen (either side, as Suricata) handshake records are counted, not parsed: they are
 * encrypted; TLS 1.3 certificates are encrypted, so a TLS 1.3 flow has none.
 *
 * A malformed record or message raises an event (enum tls_event; tls_take_events()),
 * counted in the state's stats. Errors Suricata treats as fatal for the flow (an
 * unknown record type, a bad record version or length, a bad heartbeat) stop the
 * parser for both directions, as Suricata disables the app-layer then; later bytes are
 * consumed and counted. Nothing in the input can make the parser read out of bounds or
 * grow past the caps.
 *
 * Memory: a state is ~1.9 KB; while the handshake lasts a direction may hold a record
 * buffer (TLS_RECORD_MAX) and a handshake buffer grown to the largest message it has to
 * hold (at most TLS_HANDSHAKE_MAX, freed when the message is done); what stays is the
 * Certificate message (the chain), the parsed first certificate (4.4 KB) and the JA3
 * strings. See tls_state_memuse(). */
#ifndef CANH_APPLAYER_TLS_H
#define CANH_APPLAYER_TLS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "applayer/applayer-x509.h"
#include "util/util-common.h"

#define TLS_RECORD_HDR_LEN 5
/* Largest record: 2^14 octets of plaintext (RFC 5246 6.2.1) plus 1024 for compression,
 * MAC and padding, as Suricata (SSLV3_RECORD_MAX_LEN); larger is invalid_record_length
 * and fatal, as there. A handshake record is parsed once whole (as Suricata), so one
 * split across calls is put together in a buffer of this size, freed once application
 * data flows; other records are streamed, never buffered. */
#define TLS_RECORD_MAX ((1u << 14) + 1024)
/* Largest handshake message put together, in octets: a Certificate message holds the
 * whole chain (typically 3-8 KB, rarely past 30 KB); a ClientHello with every cipher
 * suite and extension is under 70 KB. Longer messages are skipped with
 * TLS_EV_HANDSHAKE_TOO_LONG: this bounds a flow's buffer at 2 x 256 KB. */
#define TLS_HANDSHAKE_MAX (256u << 10)
/* Certificates kept per chain (tls.certs, the eve chain). Real chains have 2-5; a
 * chain with more is kept up to here and TLS_EV_TOO_MANY_CERTIFICATES raised. */
#define TLS_MAX_CERTS 32
/* server_name: a DNS name, 255 octets at most (RFC 6066 3); Suricata refuses longer. */
#define TLS_SNI_MAX 255
/* Version text ("TLS 1.3 draft-20-fb" is the longest), NUL included. */
#define TLS_VERSION_TEXT_MAX 20
#define TLS_JA3_HASH_LEN 32      /* MD5 as lower-case hex */

/* Protocol versions as on the wire, with Suricata's values for TLS 1.3 drafts. */
#define TLS_VERSION_UNKNOWN 0x0000
#define TLS_VERSION_SSL2 0x0200
#define TLS_VERSION_SSL3 0x0300
#define TLS_VERSION_10 0x0301
#define TLS_VERSION_11 0x0302
#define TLS_VERSION_12 0x0303
#define TLS_VERSION_13 0x0304
/* A TLS 1.3 draft before 16, or a version field of 0x0304 in a hello (drafts 1-15
 * used it), as Suricata records it. */
#define TLS_VERSION_13_PRE_DRAFT16 0x7f01

/* Malformed input. The event names are Suricata's app-layer-event names
 * (rules/tls-events.rules), so its rules carry over; the last four are Canh's own (its
 * caps, and gaps). As in Suricata 7, HEARTBEAT and INVALID_TLS_HEADER are never raised
 * (listed so that rules naming them load). */
#define TLS_EVENTS(X)                                                                     \
    X(INVALID_SSLV2_HEADER, "tls.invalid_sslv2_header")                                   \
    X(INVALID_TLS_HEADER, "tls.invalid_tls_header")                                       \
    X(INVALID_RECORD_VERSION, "tls.invalid_record_version")                               \
    X(INVALID_RECORD_TYPE, "tls.invalid_record_type")                                     \
    X(INVALID_RECORD_LENGTH, "tls.invalid_record_length")                                 \
    X(INVALID_HANDSHAKE_MESSAGE, "tls.invalid_handshake_message")                         \
    X(HEARTBEAT, "tls.heartbeat_message")                                                 \
    X(INVALID_HEARTBEAT, "tls.invalid_heartbeat_message")                                 \
    X(OVERFLOW_HEARTBEAT, "tls.overflow_heartbeat_message")                               \
    X(DATALEAK_HEARTBEAT_MISMATCH, "tls.dataleak_heartbeat_mismatch")                     \
    X(HANDSHAKE_INVALID_LENGTH, "tls.handshake_invalid_length")                           \
    X(MULTIPLE_SNI_EXTENSIONS, "tls.multiple_sni_extensions")                             \
    X(INVALID_SNI_TYPE, "tls.invalid_sni_type")                                           \
    X(INVALID_SNI_LENGTH, "tls.invalid_sni_length")                                       \
    X(INVALID_CERTIFICATE, "tls.invalid_certificate")                                     \
    X(CERTIFICATE_INVALID_LENGTH, "tls.certificate_invalid_length")                       \
    X(CERTIFICATE_INVALID_VERSION, "tls.certificate_invalid_version")                     \
    X(CERTIFICATE_INVALID_SERIAL, "tls.certificate_invalid_serial")                       \
    X(CERTIFICATE_INVALID_ALGORITHMIDENTIFIER, "tls.certificate_invalid_algorithmidentifier") \
    X(CERTIFICATE_INVALID_X509NAME, "tls.certificate_invalid_x509name")                   \
    X(CERTIFICATE_INVALID_DATE, "tls.certificate_invalid_date")                           \
    X(CERTIFICATE_INVALID_EXTENSIONS, "tls.certificate_invalid_extensions")               \
    X(CERTIFICATE_INVALID_DER, "tls.certificate_invalid_der")                             \
    X(ERROR_MESSAGE_ENCOUNTERED, "tls.error_message_encountered")                         \
    X(INVALID_SSL_RECORD, "tls.invalid_ssl_record")                                       \
    X(HANDSHAKE_TOO_LONG, "tls.handshake_too_long")                                       \
    X(TOO_MANY_CERTIFICATES, "tls.too_many_certificates")                                 \
    X(CERTIFICATE_TEXT_CUT, "tls.certificate_text_cut")                                   \
    X(GAP, "tls.gap")

enum tls_event {
#define TLS_EV_ENUM(name, text) TLS_EV_##name,
    TLS_EVENTS(TLS_EV_ENUM)
#undef TLS_EV_ENUM
    TLS_EV_MAX
};
_Static_assert(TLS_EV_MAX <= 64, "events are a 64-bit mask");

/* Counters of one flow's parser. */
struct tls_stats {
    uint64_t bytes[2];             /* bytes fed per direction */
    uint64_t records[2];           /* TLS records seen whole or in part (header read) */
    uint64_t sslv2_records[2];
    uint64_t handshake_msgs[2];    /* handshake messages parsed */
    uint64_t encrypted_records[2]; /* application data, and handshake records after
                                      ChangeCipherSpec */
    uint64_t alerts[2];
    uint64_t heartbeats[2];
    uint64_t ignored_bytes[2];     /* bytes consumed without parsing: after a fatal error
                                      or a gap */
    uint64_t gaps[2];
    uint64_t events[TLS_EV_MAX];
};

/* Buffers for the detection engine (Suricata 7 keywords). Each is the exact text
 * Suricata inspects. */
enum tls_buf {
    TLS_BUF_SNI,              /* tls.sni: the ClientHello's host_name, as sent (up to a
                                 NUL, as Suricata's C string) */
    TLS_BUF_CERT_SUBJECT,     /* tls.cert_subject: "C=US, O=Let's Encrypt, CN=R3" */
    TLS_BUF_CERT_ISSUER,      /* tls.cert_issuer */
    TLS_BUF_CERT_SERIAL,      /* tls.cert_serial: "0A:1B:..." */
    TLS_BUF_CERT_FINGERPRINT, /* tls.cert_fingerprint: "aa:bb:...", SHA-1 */
    TLS_BUF_JA3_HASH,         /* ja3.hash: 32 lower-case hex digits (ClientHello) */
    TLS_BUF_JA3_STRING,       /* ja3.string: "771,4865-4866,0-23-65281,29-23,0" */
    TLS_BUF_JA3S_HASH,        /* ja3s.hash (ServerHello) */
    TLS_BUF_JA3S_STRING,      /* ja3s.string: "771,4865,43-51" */
    TLS_BUF_VERSION,          /* the server's version as eve writes it: "TLS 1.2" */
    TLS_BUF_MAX
};

/* Progress of one direction, for the detection engine (bits of tls_progress()). */
#define TLS_P_HELLO (1u << 0)        /* this side's hello (ClientHello / ServerHello) */
#define TLS_P_CERTIFICATE (1u << 1)  /* this side's Certificate message parsed */
#define TLS_P_KEY_EXCHANGE (1u << 2) /* ClientKeyExchange / ServerKeyExchange */
#define TLS_P_CHANGE_CIPHER (1u << 3)/* this side sent ChangeCipherSpec */
#define TLS_P_ENCRYPTED (1u << 4)    /* this side sent application data */
#define TLS_P_HANDSHAKE_DONE (1u << 5) /* the handshake is done (both sides; Suricata's
                                          HANDSHAKE_DONE: application data seen, or the
                                          certificate's subject and issuer read) */
#define TLS_P_FINISHED (1u << 6)     /* tls_eof() was called for both directions */

/* Transaction progress as Suricata's SSLGetAlstateProgress() gives it: a rule on a TLS
 * buffer is inspected once the flow is at least at the buffer's state. */
enum tls_tx_progress {
    TLS_TX_IN_PROGRESS = 0,
    TLS_TX_CERT_READY = 1,     /* toserver only: the server's certificate is read */
    TLS_TX_HANDSHAKE_DONE = 2,
    TLS_TX_FINISHED = 3,
};

struct tls_state;

/* A parser for one flow; NULL when out of memory. Free with tls_state_free(). */
struct tls_state *tls_state_new(void);
/* The same, counting into 'stats' (a worker's, shared by its flows; must outlive the
 * state) instead of the state's own. */
struct tls_state *tls_state_new_shared(struct tls_stats *stats);

/* Frees the state and everything it holds; accepts NULL. */
void tls_state_free(struct tls_state *t);

/* Bytes held by the state: itself and its current buffers (handshake buffers, chains,
 * certificate texts, JA3 strings). */
size_t tls_state_memuse(const struct tls_state *t);

/* Feeds 'len' contiguous stream bytes of direction 'dir' (0 client to server, 1 server
 * to client) that follow the bytes fed before in that direction. 'data' is only read,
 * during the call. Returns the bytes consumed: always 'len' (records and handshake
 * messages are put together inside, so the caller never has to keep bytes back). */
uint32_t tls_parse(struct tls_state *t, int dir, const uint8_t *data, uint32_t len);

/* Tells that bytes of direction 'dir' are missing (a gap in reassembly). Record
 * boundaries are lost: that direction is not parsed any more (its bytes are consumed
 * and counted), what was half put together is dropped, and TLS_EV_GAP is raised. What
 * was parsed before stays. */
void tls_gap(struct tls_state *t, int dir);

/* Tells that direction 'dir' has ended (FIN/RST); both ended is TLS_P_FINISHED. */
void tls_eof(struct tls_state *t, int dir);

/* Progress bits (TLS_P_*) of direction 'dir'; TLS_P_HANDSHAKE_DONE and TLS_P_FINISHED
 * are set in both. */
uint32_t tls_progress(const struct tls_state *t, int dir);

/* Suricata's transaction progress seen from a rule of direction 'dir'. */
enum tls_tx_progress tls_tx_progress(const struct tls_state *t, int dir);

/* A detection buffer (see enum tls_buf); the certificate buffers are the server's
 * (first certificate of the chain sent server to client). Returns false when the flow
 * has none (yet). '*data' points into the state, valid until the next tls_parse(),
 * tls_gap() or tls_state_free(); it is not NUL-terminated for the caller's purposes
 * (use '*len'). */
bool tls_buffer(const struct tls_state *t, enum tls_buf b, const uint8_t **data, uint32_t *len);

/* The same, with the certificate buffers taken from direction 'dir': as Suricata, a
 * toserver rule inspects the client's certificate, a toclient rule the server's.
 * The other buffers do not depend on 'dir'. */
bool tls_buffer_dir(const struct tls_state *t, int dir, enum tls_buf b, const uint8_t **data,
                    uint32_t *len);

/* The chain of direction 'dir' (tls.certs; the eve "chain"): certificates in the order
 * sent, as DER. tls_cert_count() is how many there are; tls_cert() gives certificate
 * 'idx' (0-based); false past the end. As Suricata, when the first certificate of a
 * chain cannot be parsed it is left out of the chain (then the next one that parses gives
 * tls_cert0()); an empty certificate (length 0) is kept. Pointers as for tls_buffer(). */
uint32_t tls_cert_count(const struct tls_state *t, int dir);
bool tls_cert(const struct tls_state *t, int dir, uint32_t idx, const uint8_t **der, uint32_t *len);

/* The parsed first certificate of direction 'dir' (subject, issuer, serial,
 * fingerprint, not_before/not_after), or NULL when there is none. Valid as above. */
const struct x509_cert *tls_cert0(const struct tls_state *t, int dir);

/* The version of direction 'dir' as Suricata keeps it: from the record headers until
 * that side's hello, then the hello's (ServerHello supported_versions gives TLS 1.3;
 * a ClientHello's supported_versions its first valid entry). The eve "version" is the
 * server's (dir 1); Suricata's tls.version keyword takes the side of the packet's
 * direction (toclient: the server's, toserver: the client's) and reads 0x7fXX drafts as
 * TLS 1.3 unless given a raw value. */
uint16_t tls_version(const struct tls_state *t, int dir);

/* The text of a version as Suricata writes it: "SSLv2", "SSLv3", "TLSv1", "TLS 1.1",
 * "TLS 1.2", "TLS 1.3", "TLS 1.3 draft-28", ..., "UNDETERMINED" for 0, "0x%04x"
 * otherwise. Returns 'buf'. */
const char *tls_version_str(uint16_t version, char buf[TLS_VERSION_TEXT_MAX]);

/* Whether a session was resumed as Suricata logs "session_resumed": the ClientHello
 * offered a ticket or the ServerHello repeated the client's session id, no certificate
 * was seen, and the server hello was not TLS 1.3. */
bool tls_session_resumed(const struct tls_state *t);

/* Events raised since the last call, as a mask of (1 << enum tls_event), and clears
 * them (each is also counted in the stats). */
uint64_t tls_take_events(struct tls_state *t);

/* Counters of this flow. */
const struct tls_stats *tls_stats(const struct tls_state *t);

/* The event's name ("tls.invalid_record_type", ...); "unknown" outside the enum. */
const char *tls_event_name(enum tls_event e);

#endif
