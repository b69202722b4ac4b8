/* HTTP/1.x parser. Spec: RFC 9112 (message syntax and framing: start lines 3 and 4,
 * fields 5, chunked coding 7.1, message body length 6.3), RFC 9110 (HEAD 9.3.2, 1xx
 * 15.2, 204 15.3.5, 304 15.4.5, CONNECT 9.3.6, 101 and Upgrade 7.8), RFC 3986 5.2.4
 * (remove_dot_segments), RFC 1952 (gzip), RFC 1950 (zlib) and RFC 1951 (deflate).
 *
 *   request-line  = method SP request-target SP HTTP-version CRLF
 *   status-line   = HTTP-version SP status-code SP [ reason-phrase ] CRLF
 *   field-line    = field-name ":" OWS field-value OWS CRLF
 *   message       = start-line *( field-line ) CRLF [ message-body ]
 *
 * One struct http_state per TCP connection. The caller feeds each direction's
 * reassembled stream bytes in order (http_parse), reports lost bytes (http_gap) and
 * closed sides (http_eof), and reads transactions: a transaction (tx) is one request and
 * the response matched to it in order (pipelining), numbered 0, 1, 2 ... per connection.
 *
 * The buffers a tx exposes are the detection buffers of Suricata 7 (its HTTP/1 keywords
 * as libhtp 0.5 with Suricata's default configuration fills them), so that rules behave
 * alike; where that behaviour is odd it is kept and said so below. Checked against
 * Suricata 7.0.10 on crafted captures (see tests/unit/test-http.c).
 *
 * Parsing is lenient as libhtp is (real traffic is not RFC-clean), and where libhtp
 * decides something this parser decides it the same way:
 *   - the first request of a connection may be any line whose first word is printable
 *     (unknown methods and bad protocol strings included); after a request, the lines up
 *     to one that starts with a known method (case counts) are more body of that request
 *     (REQUEST_BODY_UNEXPECTED), blank lines included;
 *   - a request line without protocol is HTTP/0.9 (no head, and the whole response is
 *     body) unless the bytes at hand after it look like a field line;
 *   - a field line without colon is a field with an empty name; folded lines are joined
 *     as they are; values are trimmed of blanks; repeated fields are merged ("a, b"),
 *     except Content-Length (the first counts), and from a name's third occurrence on
 *     at most HTTP_MAX_REPETITIONS are kept;
 *   - 100 Continue is dropped (its field lines stay in the final http.header.raw); any
 *     other 1xx, 204 and 304 have no body unless Content-Length or Transfer-Encoding say
 *     otherwise; HEAD responses have none; no length means until close;
 *   - a CONNECT answered 2xx or a 101 without body ends HTTP on the connection;
 *   - Content-Encoding gzip, x-gzip, deflate (zlib-wrapped or raw) and x-deflate are
 *     undone in both directions (Suricata turns request decompression on), up to
 *     HTTP_MAX_LAYERS codings ("gzip, gzip").
 * Bytes that cannot be a message (a binary first request line, a response line that
 * does not start with "HTTP" in any case, a broken chunk, a gap) raise an event on the
 * transaction and the parser resynchronises at the next line that looks like a message
 * start (a known method and a space; "HTTP"). Message framing of bodies (Content-Length,
 * chunked, until close) is done by libhttp-parser 2.9, driven from the head this parser
 * read.
 *
 * Chunked trailers: their field lines join the message's fields when the message ends
 * (the head buffers are built again then, as Suricata's trailer progress shows them),
 * and the trailer section as sent follows the field lines in http.header.raw.
 *
 * Not done (yet): multipart file parts are known only once the request is complete
 * (Suricata opens them as the body comes); codings past HTTP_MAX_LAYERS are kept as
 * sent.
 *
 * Knowingly different from libhtp: lines where a status line belongs are body of the
 * last response (or of the awaited one), as in libhtp, but the next status line is
 * still looked for (libhtp takes the rest of the stream as body when no response came
 * before); a broken chunk ends the body and resyncs (libhtp may read on as identity);
 * an invalid Transfer-Encoding gives no body and parsing goes on (libhtp stops the
 * direction). Compared on fuzzed input, libhtp also differs in corners left as they
 * are: a lone CR ending a field line, NUL bytes in field lines, a blank line after a
 * request line without protocol, fields over its 18000-byte line limit.
 *
 * Everything is bounded: a message head (start line and fields) by header_limit bytes
 * and HTTP_MAX_HEADERS fields, a stored body by the body limits, inflated output by
 * decompress_limit, open transactions by max_txs. Memory is allocated per message (one
 * arena holds a message's start line, fields and derived buffers; the body has its own
 * buffer), never per byte; http_state_memuse() counts all of it, zlib's state included. */
#ifndef CANH_APPLAYER_HTTP_H
#define CANH_APPLAYER_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/util-common.h"

/* Defaults, as Suricata's default configuration (suricata.yaml: request-body-limit and
 * response-body-limit 100kb; libhtp's field hard limit 18000 bytes, max tx 512 and
 * compression bomb limit 1 MiB). A head is the start line and all field lines: 18000
 * bytes is libhtp's limit for one line; 64 KiB holds every real head (cookies included). */
#define HTTP_DEFAULT_BODY_LIMIT (100u * 1024)
#define HTTP_DEFAULT_DECOMPRESS_LIMIT (1u << 20)
#define HTTP_DEFAULT_HEADER_LIMIT (64u * 1024)
#define HTTP_DEFAULT_MAX_TXS 512u
/* Fields kept per message head (libhtp's and Suricata's default headers limit); field
 * lines past it are kept in the raw header buffer but not parsed. */
#define HTTP_MAX_HEADERS 1024u
/* Repetitions of field names kept per head, counted from each name's third occurrence
 * on (libhtp's HTP_MAX_HEADERS_REPETITIONS); later repeats only stay in the raw buffer. */
#define HTTP_MAX_REPETITIONS 64u
/* Content codings undone per body ("gzip, gzip": two), Suricata's default
 * response-body-decompress-layer-limit; outer codings past it are left as sent. */
#define HTTP_MAX_LAYERS 2u
/* File parts noted per multipart/form-data request; real uploads have a few. */
#define HTTP_MAX_FILES 32u

/* Largest limits taken: a head's arena (offsets are uint32_t) holds about four times
 * the head; a body is kept in one buffer. */
#define HTTP_MAX_HEADER_LIMIT (16u << 20)
#define HTTP_MAX_BODY_LIMIT (1u << 30)

struct http_conf {
    uint32_t request_body_limit;  /* decoded request-body bytes kept per tx */
    uint32_t response_body_limit; /* decoded response-body bytes kept per tx */
    uint32_t decompress_limit;    /* bytes inflated per body at most (zip-bomb cap) */
    uint32_t header_limit;        /* bytes of one message's start line and fields */
    uint32_t max_txs;             /* transactions held per connection (pipelining cap) */
};

/* Fills 'c' with the defaults above. */
void http_conf_default(struct http_conf *c);

/* Progress of one direction of a transaction. Each value implies the ones before it. */
enum http_progress {
    HTTP_PROGRESS_NONE = 0,
    HTTP_PROGRESS_LINE,     /* start line parsed: its buffers are final */
    HTTP_PROGRESS_HEADERS,  /* field lines complete: every head buffer is final */
    HTTP_PROGRESS_BODY,     /* body bytes seen: the body buffer grows */
    HTTP_PROGRESS_COMPLETE, /* message done (or given up: gap, close, error, cap) */
};

/* Detection buffers. Names are Suricata's rule keywords. "Absent" below means
 * http_tx_buffer() returns false; a present buffer may be empty (len 0). */
enum http_buf {
    /* Request line (to server; final at LINE). */
    HTTP_BUF_URI,           /* http.uri: the normalised URI, see http_uri_normalize() */
    HTTP_BUF_URI_RAW,       /* http.uri.raw: the request-target as sent */
    HTTP_BUF_METHOD,        /* http.method */
    HTTP_BUF_PROTOCOL_REQ,  /* http.protocol, request side: "HTTP/1.1" as sent; absent
                               for HTTP/0.9 (no protocol) */
    HTTP_BUF_REQUEST_LINE,  /* http.request_line: the line without its CRLF */
    /* Request fields (to server; final at HEADERS). */
    HTTP_BUF_HOST,          /* http.host: hostname of an absolute URI (lower case,
                               trailing dots removed), else of the Host field with the
                               port removed. libhtp lower-cases the Host field's name
                               only when it has no ':' port part and is not an IPv6
                               literal, and so does this parser ("Ex.COM:80" stays
                               "Ex.COM", "Ex.COM" becomes "ex.com"). Absent without Host
                               or when it is an unclosed IPv6 literal */
    HTTP_BUF_HOST_RAW,      /* http.host.raw: the absolute URI's hostname (normalised as
                               above, libhtp's parsed_uri), else the Host value as sent */
    HTTP_BUF_USER_AGENT,    /* http.user_agent */
    HTTP_BUF_COOKIE_REQ,    /* http.cookie: the Cookie value */
    HTTP_BUF_CONTENT_TYPE_REQ, /* http.content_type */
    HTTP_BUF_CONTENT_LEN_REQ,  /* http.content_len: the Content-Length value as text */
    HTTP_BUF_REFERER,       /* http.referer */
    HTTP_BUF_ACCEPT,        /* http.accept */
    HTTP_BUF_ACCEPT_ENC,    /* http.accept_enc */
    HTTP_BUF_ACCEPT_LANG,   /* http.accept_lang */
    HTTP_BUF_CONNECTION_REQ,   /* http.connection */
    HTTP_BUF_HEADER_REQ,    /* http.header: "Name: value\r\n" per field, Cookie left out,
                               no final blank line; absent when empty */
    HTTP_BUF_HEADER_RAW_REQ,   /* http.header.raw: the field lines as sent, up to and
                                  with the blank line; absent for HTTP/0.9 */
    HTTP_BUF_HEADER_NAMES_REQ, /* http.header_names: "\r\nName1\r\nName2\r\n\r\n" */
    HTTP_BUF_START_REQ,     /* http.start: request line, "\r\n", then "Name: value\r\n"
                               per field (Cookie included) and "\r\n" after the last */
    /* Request body (to server; grows from BODY, final at COMPLETE). */
    HTTP_BUF_REQUEST_BODY,  /* http.request_body: de-chunked, decompressed, capped */
    HTTP_BUF_FILE_DATA_REQ, /* file.data to server: the first file of http_tx_file() (a
                               POST or PUT body, or a multipart file part); absent when
                               there is none */
    /* Response line (to client; final at LINE). */
    HTTP_BUF_PROTOCOL_RESP, /* http.protocol, response side */
    HTTP_BUF_STAT_CODE,     /* http.stat_code: the status as sent ("200") */
    HTTP_BUF_STAT_MSG,      /* http.stat_msg: the reason phrase; absent when none */
    HTTP_BUF_RESPONSE_LINE, /* http.response_line */
    /* Response fields (to client; final at HEADERS). */
    HTTP_BUF_COOKIE_RESP,   /* http.cookie: the Set-Cookie value */
    HTTP_BUF_CONTENT_TYPE_RESP,
    HTTP_BUF_CONTENT_LEN_RESP,
    HTTP_BUF_CONNECTION_RESP,
    HTTP_BUF_LOCATION,      /* http.location */
    HTTP_BUF_SERVER,        /* http.server */
    HTTP_BUF_HEADER_RESP,   /* http.header (Set-Cookie left out) */
    HTTP_BUF_HEADER_RAW_RESP,
    HTTP_BUF_HEADER_NAMES_RESP,
    HTTP_BUF_START_RESP,
    /* Response body (to client). */
    HTTP_BUF_RESPONSE_BODY, /* http.response_body: de-chunked, decompressed, capped */
    HTTP_BUF_FILE_DATA_RESP, /* file.data to client: the same bytes as the response body */
    HTTP_BUF_MAX
};

/* Where a buffer lives: its rule keyword, its direction (0 to server, 1 to client) and
 * the progress of that direction from which it may be inspected. The progresses are
 * Suricata's inspect-engine registrations mapped to this parser's: HTP_*_LINE -> LINE;
 * HTP_*_HEADERS and HTP_*_HEADERS + 1 (http.header.raw) -> HEADERS, since Suricata builds
 * the combined header buffers only once the head is complete and the single-field ones
 * only hold whole fields; HTP_*_BODY -> BODY. Body buffers grow until COMPLETE: Suricata
 * inspects them when enough is there or the body is done (inspect-window logic, left to
 * the caller). */
struct http_buf_info {
    const char *keyword;
    uint8_t dir;
    uint8_t progress; /* enum http_progress */
};

/* The row of 'b', or NULL outside the enum. */
const struct http_buf_info *http_buf_info(enum http_buf b);

/* Events, set on the transaction they concern (bit 1u << HTTP_EV_*). Suricata's names
 * for the same conditions are in the comments, for mapping to app-layer event rules. */
#define HTTP_EVENTS(X)                                                                      \
    X(REQUEST_LINE_INVALID, "request_line_invalid") /* REQUEST_LINE_INVALID: binary junk  \
                                                       where a request line belongs */     \
    X(RESPONSE_LINE_INVALID, "response_line_invalid") /* a line that is not "HTTP..."   \
                                                         where a status line belongs */    \
    X(PROTOCOL_INVALID, "protocol_invalid")     /* not HTTP/x.y after the URI */           \
    X(STATUS_INVALID, "status_invalid")         /* INVALID_RESPONSE_FIELD... no 3 digits */ \
    X(HEADER_MISSING_COLON, "header_missing_colon") /* REQUEST/RESPONSE_FIELD_MISSING_COLON */ \
    X(HEADER_NAME_INVALID, "header_name_invalid")   /* REQUEST/RESPONSE_HEADER_INVALID */  \
    X(HEADER_TOO_LONG, "header_too_long")       /* REQUEST/RESPONSE_FIELD_TOO_LONG: head  \
                                                   over header_limit; the rest skipped */  \
    X(TOO_MANY_HEADERS, "too_many_headers")     /* over HTTP_MAX_HEADERS fields */         \
    X(CONTENT_LENGTH_INVALID, "content_length_invalid") /* INVALID_*_CONTENT_LENGTH */     \
    X(TRANSFER_ENCODING_INVALID, "transfer_encoding_invalid") /* INVALID_TRANSFER_ENCODING \
                                                   _VALUE_IN_REQUEST: not "chunked" */     \
    X(SMUGGLING, "content_length_and_chunked")  /* both, or chunked before HTTP/1.1 */     \
    X(CONTENT_LENGTH_DUPLICATE, "duplicate_content_length") /* DUPLICATE_CONTENT_LENGTH_    \
                                                   FIELD_IN_*: repeated with another value \
                                                   (the first is used) */                  \
    X(CHUNK_INVALID, "chunk_invalid")           /* INVALID_RESPONSE_CHUNK_LEN: resync */   \
    X(DECOMPRESS_FAILED, "decompress_failed")   /* bad gzip/deflate: the rest kept raw */  \
    X(DECOMPRESS_LIMIT, "decompress_limit")     /* inflated output hit decompress_limit */ \
    X(BODY_TRUNCATED, "body_truncated")         /* decoded body longer than the limit:     \
                                                   only the start is kept */               \
    X(BODY_INCOMPLETE, "body_incomplete")       /* the side closed or lost bytes before    \
                                                   the body's end */                       \
    X(GAP, "gap")                               /* bytes lost in this tx's message */      \
    X(TOO_MANY_TXS, "too_many_txs")             /* max_txs reached: parsing stopped */     \
    X(UNMATCHED_RESPONSE, "unmatched_response") /* UNABLE_TO_MATCH_RESPONSE_TO_REQUEST */  \
    X(REQUEST_BODY_UNEXPECTED, "request_body_unexpected") /* REQUEST_BODY_UNEXPECTED: lines \
                                                   after a request taken as its body */    \
    X(HOST_MISSING, "host_missing")             /* MISSING_HOST_HEADER (HTTP/1.1) */       \
    X(HOST_INVALID, "host_invalid")             /* HEADER_HOST_INVALID */                  \
    X(HOST_AMBIGUOUS, "host_ambiguous")         /* HOST_HEADER_AMBIGUOUS: URI host differs \
                                                   from the Host field */

enum http_event {
#define HTTP_EV_ENUM(id, name) HTTP_EV_##id,
    HTTP_EVENTS(HTTP_EV_ENUM)
#undef HTTP_EV_ENUM
    HTTP_EV_MAX
};
_Static_assert(HTTP_EV_MAX <= 32, "events are bits of a uint32_t");

/* Stable short name of an event, "unknown" outside the enum. */
const char *http_event_name(enum http_event e);

/* Counters of one worker, written by the thread that parses (STAT_* macros). */
struct http_stats {
    uint64_t txs;              /* transactions created */
    uint64_t requests;         /* request heads parsed */
    uint64_t responses;        /* response heads parsed (interim 100s included) */
    uint64_t body_bytes[2];    /* decoded body bytes per direction (kept or not) */
    uint64_t inflated_bytes;   /* bytes produced by gzip/deflate */
    uint64_t resyncs;          /* junk skipped to find the next message start */
    uint64_t tunnels;          /* CONNECT 2xx or 101: the rest of the flow not parsed */
    uint64_t events[HTTP_EV_MAX];
};

struct http_state;
struct http_tx;

/* A new per-connection state with a copy of 'c'. 'stats' (may be NULL) is updated by
 * every call on the state and must outlive it. Returns NULL when out of memory, when a
 * limit of 'c' is 0, or above HTTP_MAX_HEADER_LIMIT / HTTP_MAX_BODY_LIMIT. */
struct http_state *http_state_new(const struct http_conf *c, struct http_stats *stats);

/* Frees the state and its transactions. Accepts NULL. */
void http_state_free(struct http_state *h);

/* Bytes held by the state (transactions, buffers, zlib), for the flow memcap. */
size_t http_state_memuse(const struct http_state *h);

/* True once the connection left HTTP (a CONNECT answered 2xx, a 101 Switching
 * Protocols, or max_txs reached): later bytes are consumed and ignored. */
bool http_state_stopped(const struct http_state *h);

/* Feeds 'len' contiguous stream bytes of direction 'dir' (0 to server, 1 to client),
 * the ones following those fed before. Returns the bytes consumed: all of them, except
 * after a CONNECT request while its response is not yet parsed (RFC 9110 9.3.6: what the
 * client sends next is tunnel data if the server agrees, HTTP otherwise); the caller
 * feeds the rest again, with what follows, once response bytes were parsed. */
uint32_t http_parse(struct http_state *h, int dir, const uint8_t *data, uint32_t len);

/* 'len' bytes of direction 'dir' were lost. Inside a body of known remaining length
 * or one read until close the bytes are skipped (the body keeps what came before and the
 * tx gets GAP and BODY_INCOMPLETE); anywhere else the current message is given up (GAP)
 * and the parser resynchronises at the next message start. */
void http_gap(struct http_state *h, int dir, uint32_t len);

/* Direction 'dir' closed: ends a body read until close, gives up a partial message
 * (BODY_INCOMPLETE when in a body), and ignores later bytes of that direction. */
void http_eof(struct http_state *h, int dir);

/* Transactions held, oldest first; NULL at the end. */
struct http_tx *http_tx_first(struct http_state *h);
struct http_tx *http_tx_next(struct http_tx *tx);

uint64_t http_tx_id(const struct http_tx *tx);

/* enum http_progress of the tx's direction 'dir'. */
int http_tx_progress(const struct http_tx *tx, int dir);

/* Events of the tx: bit (1u << HTTP_EV_*) set for each. */
uint32_t http_tx_events(const struct http_tx *tx);

/* Frees the transactions with id < 'upto' that are complete in both directions (the
 * caller has inspected and logged them). Pointers to them become invalid. */
void http_tx_gc(struct http_state *h, uint64_t upto);

/* A detection buffer of the transaction: true with *data and *len set when present (len
 * may be 0 for an empty but present value), false when absent or not parsed yet. *data
 * points into the tx; it stays valid until the next http_parse(), http_gap() or
 * http_eof() on the state (bodies grow, a chunked trailer rebuilds the head buffers,
 * lines after a message may be added to its body) or http_tx_gc(). */
bool http_tx_buffer(const struct http_tx *tx, enum http_buf b, const uint8_t **data,
                    uint32_t *len);

/* File 'idx' (0, 1, ...) of direction 'dir': Suricata 7's file.data instances. To
 * server: the body of a POST that is not multipart/form-data or of a PUT (one file), or
 * the content of each part with a filename of a multipart/form-data POST (known once the
 * request is COMPLETE, at most HTTP_MAX_FILES); to client: the response body. As
 * http_tx_buffer(); false past the last file. */
bool http_tx_file(const struct http_tx *tx, int dir, uint32_t idx, const uint8_t **data,
                  uint32_t *len);

/* Multipart/form-data POST: its files are the parts with a filename (http_tx_file). */
bool http_tx_multipart(const struct http_tx *tx);

/* The filename parameter of multipart file part 'idx' of the request, as sent (quotes
 * removed, escapes kept); false when the part gave none or 'idx' is past the last. Valid
 * as http_tx_file()'s data. */
bool http_tx_file_name(const struct http_tx *tx, uint32_t idx, const uint8_t **data,
                       uint32_t *len);

/* Body tap, for file extraction: fn(ctx, tx, dir, data, len, false) is called with every
 * decoded body byte of every message (de-chunked and decompressed, before the body
 * limits: a file is seen whole however much of it the rules keep), in order, during
 * http_parse(), http_gap() and http_eof(); then fn(ctx, tx, dir, NULL, 0, true) once
 * when that message is over (complete, or given up: http_tx_events() tell gaps and
 * truncation; its progress is COMPLETE by then). Messages without body bytes are not
 * told. Lines that libhtp appends to a finished message's body are not told either. */
typedef void (*http_body_fn)(void *ctx, struct http_tx *tx, int dir, const uint8_t *data,
                             uint32_t len, bool end);
void http_set_body_tap(struct http_state *h, http_body_fn fn, void *ctx);

/* The value of field 'name' (case-insensitive; repeated fields merged as "a, b") in the
 * head of direction 'dir', as http_tx_buffer(). For keywords such as http.request_header
 * and for logging. */
bool http_tx_header(const struct http_tx *tx, int dir, const char *name, const uint8_t **data,
                    uint32_t *len);

/* libhtp's URI normalisation as Suricata 7 configures it (IDS personality, lower-casing
 * off, uri-include-all off), for the path and query of the request-target 'uri':
 *   - the target is split as libhtp does: a scheme when it does not start with '/' and
 *     holds a ':', an authority after "scheme://", the path up to '?' or '#', the query
 *     up to '#', the fragment;
 *   - path: %XX and %uXXXX decoded (%u00XX is the byte XX, other code points through
 *     libhtp's best-fit map, else '?'); invalid %-escapes kept as they are; '\' made '/'
 *     (raw or encoded); runs of '/' made one (before UTF-8 decoding); then UTF-8
 *     sequences (overlong forms accepted) made one byte, best-fit, '?' for what does not
 *     map and for invalid sequences; then dot segments removed (RFC 3986 5.2.4 as libhtp
 *     does it: "/a/b/." gives "/a/b", "/." gives "");
 *   - query: %XX decoded (%uXXXX, invalid escapes and '+' kept as they are);
 *   - fragment: %XX decoded.
 * The result is path ["?" query] ["#" fragment], written to 'out' (at least 'len' bytes:
 * it never grows). Returns its length. */
uint32_t http_uri_normalize(const uint8_t *uri, uint32_t len, uint8_t *out);

#endif
