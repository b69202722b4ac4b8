/* Unit tests for the HTTP/1.x parser (applayer-http.c).
 *
 * Expected buffer values marked "oracle" were read from Suricata 7.0.10 (libhtp 0.5.50,
 * default suricata.yaml) on captures holding the same bytes: through its Lua output
 * (HttpGetRequestUriNormalized, HttpGetRequestHost, HttpGetRequestHeaders, the raw
 * header and body getters) and through rules with pcre/bsize on the sticky buffers. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "applayer/applayer-http.h"
#include "test.h"

/* ---------------------------------------------------------------------------------- */
/* Helpers                                                                            */
/* ---------------------------------------------------------------------------------- */

static struct http_state *mk(void)
{
    struct http_conf c;
    http_conf_default(&c);
    struct http_state *h = http_state_new(&c, NULL);
    if (h == NULL)
        abort();
    return h;
}

static uint32_t feedn(struct http_state *h, int dir, const void *p, size_t n)
{
    return http_parse(h, dir, p, (uint32_t)n);
}

static void feed(struct http_state *h, int dir, const char *s)
{
    uint32_t n = feedn(h, dir, s, strlen(s));
    CHECK_EQ(n, strlen(s));
}

static struct http_tx *tx_at(struct http_state *h, unsigned idx)
{
    struct http_tx *t = http_tx_first(h);
    while (t != NULL && idx-- > 0)
        t = http_tx_next(t);
    return t;
}

static unsigned tx_count(struct http_state *h)
{
    unsigned n = 0;
    for (struct http_tx *t = http_tx_first(h); t != NULL; t = http_tx_next(t))
        n++;
    return n;
}

/* Does buffer 'b' hold exactly the 'n' bytes 'want' (want NULL: absent)? Prints what it
 * holds when not. */
static bool buf_eq(const struct http_tx *tx, enum http_buf b, const char *want, size_t n)
{
    const uint8_t *d = NULL;
    uint32_t len = 0;
    bool present = tx != NULL && http_tx_buffer(tx, b, &d, &len);
    bool ok = want == NULL ? !present : (present && len == n && memcmp(d, want, n) == 0);
    if (!ok) {
        fprintf(stderr, "  buffer %s (%d): ", http_buf_info(b)->keyword, (int)b);
        if (!present) {
            fprintf(stderr, "absent\n");
        } else {
            fprintf(stderr, "\"");
            for (uint32_t i = 0; i < len; i++)
                fprintf(stderr, d[i] >= 0x20 && d[i] < 0x7f ? "%c" : "\\x%02x", d[i]);
            fprintf(stderr, "\" (%u bytes)\n", len);
        }
    }
    return ok;
}

#define CHECK_BUF(tx, b, lit) CHECK(buf_eq((tx), (b), (lit), sizeof(lit) - 1))
#define CHECK_NOBUF(tx, b) CHECK(buf_eq((tx), (b), NULL, 0))
#define HAS_EV(tx, e) ((http_tx_events(tx) & (1u << (e))) != 0)

/* A text dump of every transaction (progress, events, every buffer), to compare runs. */
struct dump {
    char *s;
    size_t len, cap;
};

static void dump_add(struct dump *d, const void *p, size_t n)
{
    if (d->len + n + 1 > d->cap) {
        d->cap = (d->len + n + 1) * 2;
        d->s = realloc(d->s, d->cap);
        if (d->s == NULL)
            abort();
    }
    memcpy(d->s + d->len, p, n);
    d->len += n;
    d->s[d->len] = '\0';
}

static char *dump_state(struct http_state *h)
{
    struct dump d = {0};
    char line[128];
    for (struct http_tx *t = http_tx_first(h); t != NULL; t = http_tx_next(t)) {
        int n = snprintf(line, sizeof(line), "tx %llu p %d/%d ev %x\n",
                         (unsigned long long)http_tx_id(t), http_tx_progress(t, 0),
                         http_tx_progress(t, 1), http_tx_events(t));
        dump_add(&d, line, (size_t)n);
        for (int b = 0; b < HTTP_BUF_MAX; b++) {
            const uint8_t *p;
            uint32_t len;
            if (!http_tx_buffer(t, (enum http_buf)b, &p, &len))
                continue;
            n = snprintf(line, sizeof(line), " %d %u:", b, len);
            dump_add(&d, line, (size_t)n);
            dump_add(&d, p, len);
            dump_add(&d, "\n", 1);
        }
    }
    if (d.s == NULL)
        dump_add(&d, "", 0);
    return d.s;
}

/* A conversation: client and server bytes. Fed whole, in 'piece'-byte pieces, or split
 * once at 'cut' (then each direction in two pieces), client first each time. */
struct convo {
    const uint8_t *c;
    size_t clen;
    const uint8_t *s;
    size_t slen;
};

static char *run_pieces(const struct convo *cv, size_t piece)
{
    struct http_state *h = mk();
    for (size_t off = 0; off < cv->clen; off += piece) {
        size_t n = cv->clen - off < piece ? cv->clen - off : piece;
        CHECK_EQ(feedn(h, 0, cv->c + off, n), n);
    }
    for (size_t off = 0; off < cv->slen; off += piece) {
        size_t n = cv->slen - off < piece ? cv->slen - off : piece;
        CHECK_EQ(feedn(h, 1, cv->s + off, n), n);
    }
    http_eof(h, 0);
    http_eof(h, 1);
    char *d = dump_state(h);
    http_state_free(h);
    return d;
}

static char *run_cut(const struct convo *cv, size_t cut)
{
    struct http_state *h = mk();
    size_t cc = cut < cv->clen ? cut : cv->clen, sc = cut < cv->slen ? cut : cv->slen;
    CHECK_EQ(feedn(h, 0, cv->c, cc), cc);
    CHECK_EQ(feedn(h, 0, cv->c + cc, cv->clen - cc), cv->clen - cc);
    CHECK_EQ(feedn(h, 1, cv->s, sc), sc);
    CHECK_EQ(feedn(h, 1, cv->s + sc, cv->slen - sc), cv->slen - sc);
    http_eof(h, 0);
    http_eof(h, 1);
    char *d = dump_state(h);
    http_state_free(h);
    return d;
}

/* zlib helpers: 'wbits' 31 gzip, 15 zlib, -15 raw deflate. */
static size_t zcompress(const void *in, size_t n, uint8_t *out, size_t cap, int wbits)
{
    z_stream z;
    memset(&z, 0, sizeof(z));
    if (deflateInit2(&z, 9, Z_DEFLATED, wbits, 9, Z_DEFAULT_STRATEGY) != Z_OK)
        abort();
    z.next_in = (Bytef *)(uintptr_t)in;
    z.avail_in = (uInt)n;
    z.next_out = out;
    z.avail_out = (uInt)cap;
    if (deflate(&z, Z_FINISH) != Z_STREAM_END)
        abort();
    size_t len = z.total_out;
    deflateEnd(&z);
    return len;
}

/* Appends 'n' bytes as HTTP chunks of at most 'chunk' bytes, then the last chunk. */
static size_t chunked(const uint8_t *in, size_t n, size_t chunk, uint8_t *out)
{
    size_t w = 0;
    for (size_t off = 0; off < n; off += chunk) {
        size_t k = n - off < chunk ? n - off : chunk;
        w += (size_t)sprintf((char *)out + w, "%zx\r\n", k);
        memcpy(out + w, in + off, k);
        w += k;
        memcpy(out + w, "\r\n", 2);
        w += 2;
    }
    memcpy(out + w, "0\r\n\r\n", 5);
    return w + 5;
}

/* ---------------------------------------------------------------------------------- */
/* Buffers                                                                            */
/* ---------------------------------------------------------------------------------- */

/* oracle: uri, host, host.raw, header (Cookie left out), start, header_names, header.raw,
 * the response's header, cookie, start and protocol. */
static void test_request_buffers(void)
{
    struct http_state *h = mk();
    feed(h, 0,
         "GET /a/./b//c/../d%41?x=%41&y=/./ HTTP/1.1\r\n"
         "Host: WWW.Example.COM:8080\r\n"
         "User-Agent: foo\r\n"
         "Cookie: a=b\r\n"
         "Referer: http://r.example/\r\n"
         "Accept: text/html\r\n"
         "Accept-Encoding: gzip, br\r\n"
         "Accept-Language: en\r\n"
         "Connection: keep-alive\r\n"
         "\r\n");
    struct http_tx *tx = tx_at(h, 0);
    CHECK(tx != NULL);
    CHECK_EQ(http_tx_id(tx), 0);
    CHECK_EQ(http_tx_progress(tx, 0), HTTP_PROGRESS_COMPLETE);
    CHECK_EQ(http_tx_progress(tx, 1), HTTP_PROGRESS_NONE);
    CHECK_BUF(tx, HTTP_BUF_URI, "/a/b/dA?x=A&y=/./");
    CHECK_BUF(tx, HTTP_BUF_URI_RAW, "/a/./b//c/../d%41?x=%41&y=/./");
    CHECK_BUF(tx, HTTP_BUF_METHOD, "GET");
    CHECK_BUF(tx, HTTP_BUF_PROTOCOL_REQ, "HTTP/1.1");
    CHECK_BUF(tx, HTTP_BUF_REQUEST_LINE, "GET /a/./b//c/../d%41?x=%41&y=/./ HTTP/1.1");
    CHECK_BUF(tx, HTTP_BUF_HOST, "WWW.Example.COM");
    CHECK_BUF(tx, HTTP_BUF_HOST_RAW, "WWW.Example.COM:8080");
    CHECK_BUF(tx, HTTP_BUF_USER_AGENT, "foo");
    CHECK_BUF(tx, HTTP_BUF_COOKIE_REQ, "a=b");
    CHECK_BUF(tx, HTTP_BUF_REFERER, "http://r.example/");
    CHECK_BUF(tx, HTTP_BUF_ACCEPT, "text/html");
    CHECK_BUF(tx, HTTP_BUF_ACCEPT_ENC, "gzip, br");
    CHECK_BUF(tx, HTTP_BUF_ACCEPT_LANG, "en");
    CHECK_BUF(tx, HTTP_BUF_CONNECTION_REQ, "keep-alive");
    CHECK_NOBUF(tx, HTTP_BUF_CONTENT_TYPE_REQ);
    CHECK_NOBUF(tx, HTTP_BUF_CONTENT_LEN_REQ);
    CHECK_BUF(tx, HTTP_BUF_HEADER_REQ,
              "Host: WWW.Example.COM:8080\r\nUser-Agent: foo\r\n"
              "Referer: http://r.example/\r\nAccept: text/html\r\n"
              "Accept-Encoding: gzip, br\r\nAccept-Language: en\r\n"
              "Connection: keep-alive\r\n");
    CHECK_BUF(tx, HTTP_BUF_HEADER_RAW_REQ,
              "Host: WWW.Example.COM:8080\r\nUser-Agent: foo\r\nCookie: a=b\r\n"
              "Referer: http://r.example/\r\nAccept: text/html\r\n"
              "Accept-Encoding: gzip, br\r\nAccept-Language: en\r\n"
              "Connection: keep-alive\r\n\r\n");
    CHECK_BUF(tx, HTTP_BUF_HEADER_NAMES_REQ,
              "\r\nHost\r\nUser-Agent\r\nCookie\r\nReferer\r\nAccept\r\nAccept-Encoding\r\n"
              "Accept-Language\r\nConnection\r\n\r\n");
    CHECK_BUF(tx, HTTP_BUF_START_REQ,
              "GET /a/./b//c/../d%41?x=%41&y=/./ HTTP/1.1\r\n"
              "Host: WWW.Example.COM:8080\r\nUser-Agent: foo\r\nCookie: a=b\r\n"
              "Referer: http://r.example/\r\nAccept: text/html\r\n"
              "Accept-Encoding: gzip, br\r\nAccept-Language: en\r\n"
              "Connection: keep-alive\r\n\r\n");
    CHECK_NOBUF(tx, HTTP_BUF_REQUEST_BODY);
    CHECK_NOBUF(tx, HTTP_BUF_FILE_DATA_REQ);
    /* Response side not there yet. */
    CHECK_NOBUF(tx, HTTP_BUF_STAT_CODE);
    CHECK_NOBUF(tx, HTTP_BUF_RESPONSE_LINE);
    CHECK_EQ(http_tx_events(tx), 0);

    feed(h, 1,
         "HTTP/1.1 302 Found it\r\n"
         "Content-Length: 5\r\n"
         "Set-Cookie: x=y\r\n"
         "Server: nginx\r\n"
         "Location: /elsewhere\r\n"
         "Content-Type: text/plain\r\n"
         "Connection: close\r\n"
         "\r\n"
         "hello");
    CHECK_EQ(http_tx_progress(tx, 1), HTTP_PROGRESS_COMPLETE);
    CHECK_BUF(tx, HTTP_BUF_PROTOCOL_RESP, "HTTP/1.1");
    CHECK_BUF(tx, HTTP_BUF_STAT_CODE, "302");
    CHECK_BUF(tx, HTTP_BUF_STAT_MSG, "Found it");
    CHECK_BUF(tx, HTTP_BUF_RESPONSE_LINE, "HTTP/1.1 302 Found it");
    CHECK_BUF(tx, HTTP_BUF_COOKIE_RESP, "x=y");
    CHECK_BUF(tx, HTTP_BUF_SERVER, "nginx");
    CHECK_BUF(tx, HTTP_BUF_LOCATION, "/elsewhere");
    CHECK_BUF(tx, HTTP_BUF_CONTENT_TYPE_RESP, "text/plain");
    CHECK_BUF(tx, HTTP_BUF_CONTENT_LEN_RESP, "5");
    CHECK_BUF(tx, HTTP_BUF_CONNECTION_RESP, "close");
    CHECK_BUF(tx, HTTP_BUF_HEADER_RESP,
              "Content-Length: 5\r\nServer: nginx\r\nLocation: /elsewhere\r\n"
              "Content-Type: text/plain\r\nConnection: close\r\n");
    CHECK_BUF(tx, HTTP_BUF_START_RESP,
              "HTTP/1.1 302 Found it\r\nContent-Length: 5\r\nSet-Cookie: x=y\r\n"
              "Server: nginx\r\nLocation: /elsewhere\r\nContent-Type: text/plain\r\n"
              "Connection: close\r\n\r\n");
    CHECK_BUF(tx, HTTP_BUF_HEADER_NAMES_RESP,
              "\r\nContent-Length\r\nSet-Cookie\r\nServer\r\nLocation\r\nContent-Type\r\n"
              "Connection\r\n\r\n");
    CHECK_BUF(tx, HTTP_BUF_HEADER_RAW_RESP,
              "Content-Length: 5\r\nSet-Cookie: x=y\r\nServer: nginx\r\n"
              "Location: /elsewhere\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\n");
    CHECK_BUF(tx, HTTP_BUF_RESPONSE_BODY, "hello");
    CHECK_BUF(tx, HTTP_BUF_FILE_DATA_RESP, "hello");
    CHECK_EQ(http_tx_events(tx), 0);

    const uint8_t *v;
    uint32_t vl;
    CHECK(http_tx_header(tx, 0, "user-agent", &v, &vl) && vl == 3 && memcmp(v, "foo", 3) == 0);
    CHECK(!http_tx_header(tx, 0, "X-None", &v, &vl));
    CHECK(http_tx_header(tx, 1, "SERVER", &v, &vl) && vl == 5);
    http_state_free(h);
}

/* A POST with a body: request body, content_type/len, file.data; multipart and GET
 * bodies are no file.data (Suricata 7 opens files for POST and PUT bodies only, and
 * for multipart per part). */
static void test_request_body(void)
{
    struct http_state *h = mk();
    feed(h, 0,
         "POST /form HTTP/1.1\r\nHost: a\r\nContent-Type: application/x-www-form-urlencoded\r\n"
         "Content-Length: 7\r\n\r\nq=1&r=2"
         "PUT /up HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\nabc"
         "POST /mp HTTP/1.1\r\nHost: a\r\nContent-Type: multipart/form-data; boundary=x\r\n"
         "Content-Length: 4\r\n\r\n--x-"
         "GET /g HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\n\r\nzz");
    CHECK_EQ(tx_count(h), 4);
    struct http_tx *t0 = tx_at(h, 0), *t1 = tx_at(h, 1), *t2 = tx_at(h, 2), *t3 = tx_at(h, 3);
    CHECK_BUF(t0, HTTP_BUF_REQUEST_BODY, "q=1&r=2");
    CHECK_BUF(t0, HTTP_BUF_FILE_DATA_REQ, "q=1&r=2");
    CHECK_BUF(t0, HTTP_BUF_CONTENT_TYPE_REQ, "application/x-www-form-urlencoded");
    CHECK_BUF(t0, HTTP_BUF_CONTENT_LEN_REQ, "7");
    CHECK_EQ(http_tx_progress(t0, 0), HTTP_PROGRESS_COMPLETE);
    CHECK_BUF(t1, HTTP_BUF_FILE_DATA_REQ, "abc");
    CHECK_BUF(t2, HTTP_BUF_REQUEST_BODY, "--x-");
    CHECK_NOBUF(t2, HTTP_BUF_FILE_DATA_REQ); /* no file part */
    CHECK_BUF(t3, HTTP_BUF_REQUEST_BODY, "zz");
    CHECK_NOBUF(t3, HTTP_BUF_FILE_DATA_REQ);
    CHECK_BUF(t3, HTTP_BUF_URI, "/g");
    http_state_free(h);

    /* oracle: multipart/form-data: each part with a filename is a file.data instance
     * (content to the CRLF before the delimiter); plain fields are not. */
    static const char mp[] =
        "--XyZ\r\nContent-Disposition: form-data; name=\"field1\"\r\n\r\nfieldvalue\r\n"
        "--XyZ\r\nContent-Disposition: form-data; name=\"up\"; filename=\"a.txt\"\r\n"
        "Content-Type: text/plain\r\n\r\nFILECONTENT one\r\nline two\r\n"
        "--XyZ\r\nContent-Disposition: form-data; name=\"up2\"; filename=\"b.bin\"\r\n\r\n"
        "SECONDFILE\r\n--XyZ--\r\n";
    h = mk();
    char head[160];
    int n = snprintf(head, sizeof(head),
                     "POST /upload HTTP/1.1\r\nHost: a\r\nContent-Type: multipart/form-data; "
                     "boundary=\"XyZ\"\r\nContent-Length: %zu\r\n\r\n",
                     sizeof(mp) - 1);
    feedn(h, 0, head, (size_t)n);
    feedn(h, 0, mp, sizeof(mp) - 10);
    struct http_tx *tx = tx_at(h, 0);
    CHECK_NOBUF(tx, HTTP_BUF_FILE_DATA_REQ); /* known at the end */
    feedn(h, 0, mp + sizeof(mp) - 10, 9);
    CHECK_BUF(tx, HTTP_BUF_FILE_DATA_REQ, "FILECONTENT one\r\nline two");
    const uint8_t *d;
    uint32_t dl;
    CHECK(http_tx_file(tx, 0, 1, &d, &dl) && dl == 10 && memcmp(d, "SECONDFILE", 10) == 0);
    CHECK(!http_tx_file(tx, 0, 2, &d, &dl));
    CHECK(buf_eq(tx, HTTP_BUF_REQUEST_BODY, mp, sizeof(mp) - 1));
    feed(h, 1, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
    CHECK(http_tx_file(tx, 1, 0, &d, &dl) && dl == 2);
    CHECK(!http_tx_file(tx, 1, 1, &d, &dl));
    http_state_free(h);
}

/* oracle: a field line without colon is a field with an empty name; values are trimmed;
 * repeated fields are merged with ", "; a folded line is appended as it is. */
static void test_header_quirks(void)
{
    struct http_state *h = mk();
    feed(h, 0,
         "GET /x HTTP/1.1\r\nHost: a\r\nBad Header\r\nX:  spaced  \r\nX: second\r\n"
         "Fold: a\r\n  b\r\n\r\n");
    struct http_tx *tx = tx_at(h, 0);
    CHECK_BUF(tx, HTTP_BUF_HEADER_REQ, "Host: a\r\n: Bad Header\r\nX: spaced, second\r\nFold: a  b\r\n");
    CHECK_BUF(tx, HTTP_BUF_HEADER_NAMES_REQ, "\r\nHost\r\n\r\nX\r\nFold\r\n\r\n");
    CHECK_BUF(tx, HTTP_BUF_HEADER_RAW_REQ,
              "Host: a\r\nBad Header\r\nX:  spaced  \r\nX: second\r\nFold: a\r\n  b\r\n\r\n");
    CHECK(HAS_EV(tx, HTTP_EV_HEADER_MISSING_COLON));
    const uint8_t *v;
    uint32_t vl;
    CHECK(http_tx_header(tx, 0, "x", &v, &vl) && vl == 14 && memcmp(v, "spaced, second", 14) == 0);

    /* LF-only lines, a name with a blank before the colon, no fields at all. */
    feed(h, 0, "GET /lf HTTP/1.0\nUser-Agent : ua\n\nGET /none HTTP/1.1\r\n\r\n");
    tx = tx_at(h, 1);
    CHECK_BUF(tx, HTTP_BUF_USER_AGENT, "ua");
    CHECK_BUF(tx, HTTP_BUF_HEADER_RAW_REQ, "User-Agent : ua\n\n");
    CHECK_BUF(tx, HTTP_BUF_START_REQ, "GET /lf HTTP/1.0\r\nUser-Agent: ua\r\n\r\n");
    CHECK(HAS_EV(tx, HTTP_EV_HEADER_NAME_INVALID));
    CHECK(!HAS_EV(tx, HTTP_EV_HOST_MISSING)); /* HTTP/1.0 */
    tx = tx_at(h, 2);
    CHECK_NOBUF(tx, HTTP_BUF_HEADER_REQ);
    CHECK_NOBUF(tx, HTTP_BUF_HEADER_NAMES_REQ);
    CHECK_BUF(tx, HTTP_BUF_HEADER_RAW_REQ, "\r\n");
    CHECK_BUF(tx, HTTP_BUF_START_REQ, "GET /none HTTP/1.1\r\n");
    CHECK_NOBUF(tx, HTTP_BUF_HOST);
    CHECK(HAS_EV(tx, HTTP_EV_HOST_MISSING));
    http_state_free(h);
}

/* oracle: request and status lines cut as libhtp cuts them. */
static void test_start_lines(void)
{
    struct http_state *h = mk();
    feed(h, 0, "GET /a b HTTP/1.1\r\nHost: a\r\n\r\nGET  /x  HTTP/1.1\r\nHost: a\r\n\r\n"
               "GET\t/tab\tHTTP/1.1\r\nHost: a\r\n\r\n");
    /* A URI with a space: Suricata 7.0.10's libhtp cut it at the space ("/a", protocol
     * "b HTTP/1.1"); Suricata 8 (libhtp-rs) keeps the whole URI when the line ends with a
     * valid protocol (suricata-verify http-uri-spaces), and so does Canh. */
    CHECK_BUF(tx_at(h, 0), HTTP_BUF_URI_RAW, "/a b");
    CHECK_BUF(tx_at(h, 0), HTTP_BUF_PROTOCOL_REQ, "HTTP/1.1");
    CHECK(!HAS_EV(tx_at(h, 0), HTTP_EV_PROTOCOL_INVALID));
    http_state_free(h);
    /* oracle: a method is any word ("GETETindex.html?a=%40"; the URI is then the next). */
    h = mk();
    feed(h, 0, "GETETindex.html?a=%40 HTTP/1.1\r\nHost: www.example.com\r\n\r\n");
    CHECK_BUF(tx_at(h, 0), HTTP_BUF_METHOD, "GETETindex.html?a=%40");
    CHECK_BUF(tx_at(h, 0), HTTP_BUF_URI, "HTTP/1.1");
    CHECK_NOBUF(tx_at(h, 0), HTTP_BUF_PROTOCOL_REQ);
    CHECK_BUF(tx_at(h, 0), HTTP_BUF_HOST, "www.example.com");
    http_state_free(h);
    h = mk();
    feed(h, 0, "GET /a b HTTP/1.1\r\nHost: a\r\n\r\nGET  /x  HTTP/1.1\r\nHost: a\r\n\r\n"
               "GET\t/tab\tHTTP/1.1\r\nHost: a\r\n\r\n");
    CHECK_BUF(tx_at(h, 1), HTTP_BUF_URI_RAW, "/x");
    CHECK_BUF(tx_at(h, 1), HTTP_BUF_PROTOCOL_REQ, "HTTP/1.1");
    CHECK_BUF(tx_at(h, 1), HTTP_BUF_REQUEST_LINE, "GET  /x  HTTP/1.1");
    CHECK_BUF(tx_at(h, 2), HTTP_BUF_URI_RAW, "/tab");
    CHECK_BUF(tx_at(h, 2), HTTP_BUF_PROTOCOL_REQ, "HTTP/1.1");
    feed(h, 1, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"
               "HTTP/1.1  404   Not  Found \r\nContent-Length: 0\r\n\r\n"
               "http/1.0 200\r\nSet-Cookie: a=1\r\nSet-Cookie: b=2\r\nContent-Length: 0\r\n\r\n");
    CHECK_BUF(tx_at(h, 1), HTTP_BUF_STAT_CODE, "404");
    CHECK_BUF(tx_at(h, 1), HTTP_BUF_STAT_MSG, "Not  Found ");
    CHECK_BUF(tx_at(h, 1), HTTP_BUF_RESPONSE_LINE, "HTTP/1.1  404   Not  Found ");
    CHECK_BUF(tx_at(h, 2), HTTP_BUF_PROTOCOL_RESP, "http/1.0");
    CHECK_NOBUF(tx_at(h, 2), HTTP_BUF_STAT_MSG);
    CHECK_BUF(tx_at(h, 2), HTTP_BUF_COOKIE_RESP, "a=1, b=2");
    CHECK_BUF(tx_at(h, 2), HTTP_BUF_HEADER_RESP, "Content-Length: 0\r\n");
    http_state_free(h);
}

/* oracle: a repeated Content-Length is not merged (the first counts); more than
 * HTTP_MAX_REPETITIONS repeats of names are dropped from the parsed fields. */
static void test_repeated_fields(void)
{
    struct http_state *h = mk();
    feed(h, 0, "POST /a HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nContent-Length: 5\r\n\r\n"
               "helloGET /b HTTP/1.1\r\nHost: a\r\n\r\n"
               "POST /c HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nx");
    CHECK_EQ(tx_count(h), 3);
    CHECK_BUF(tx_at(h, 0), HTTP_BUF_CONTENT_LEN_REQ, "5");
    CHECK_BUF(tx_at(h, 0), HTTP_BUF_REQUEST_BODY, "hello");
    CHECK(!HAS_EV(tx_at(h, 0), HTTP_EV_CONTENT_LENGTH_DUPLICATE));
    CHECK_BUF(tx_at(h, 1), HTTP_BUF_URI, "/b");
    CHECK_BUF(tx_at(h, 2), HTTP_BUF_REQUEST_BODY, "x");
    CHECK(HAS_EV(tx_at(h, 2), HTTP_EV_CONTENT_LENGTH_DUPLICATE));
    http_state_free(h);

    h = mk();
    char req[4096];
    int n = sprintf(req, "GET / HTTP/1.1\r\n");
    for (int i = 0; i < 70; i++)
        n += sprintf(req + n, "X: %d\r\nY: %d\r\n", i, i);
    sprintf(req + n, "\r\n");
    feed(h, 0, req);
    const uint8_t *v;
    uint32_t vl;
    struct http_tx *tx = tx_at(h, 0);
    /* oracle: X2, Y2, X3, Y3 ... count against the 64: both names end at 33. */
    CHECK(http_tx_header(tx, 0, "X", &v, &vl));
    CHECK(vl > 4 && memcmp(v + vl - 4, ", 33", 4) == 0);
    CHECK(http_tx_header(tx, 0, "Y", &v, &vl));
    CHECK(vl > 4 && memcmp(v + vl - 4, ", 33", 4) == 0);
    http_state_free(h);
}

/* ---------------------------------------------------------------------------------- */
/* URI and host normalisation                                                         */
/* ---------------------------------------------------------------------------------- */

/* oracle, every row: Suricata's http.uri for the request-target. */
static const struct {
    const char *raw;
    const char *norm;
    size_t norm_len;
} uri_cases[] = {
#define U(r, n) {r, n, sizeof(n) - 1}
    U("/a\\b\\..\\c", "/a/c"),
    U("/a%2fb%2Fc", "/a/b/c"),
    U("/a%5cb", "/a/b"),
    U("/a%u0041b%U0042", "/aAbB"),
    U("/%c3%a9x", "/\xe9x"),
    U("/%e2%82%acx", "/?x"),
    U("/a%zzb%2", "/a%zzb%2"),
    U("/a%00b", "/a\0b"),
    U("/a+b?q=a+b%20c%2b", "/a+b?q=a+b c+"),
    U("/./a/../../b/./c/.", "/b/c"),
    U("/a/b/..", "/a"),
    U("/a//b///c", "/a/b/c"),
    U("/a/%2e%2e/b", "/b"),
    U("/a/%2e/b", "/a/b"),
    U("?x=1", "?x=1"),
    U("/a?b=%zz&c=%u0041&d=%00", "/a?b=%zz&c=%u0041&d=\0"),
    U("/a#frag%41", "/a#fragA"),
    U("http://Example.COM:81/p%41th?q", "/pAth?q"),
    U("/a/b/../../../../c", "/c"),
    U("/a/b/.", "/a/b"),
    U("/.", ""),
    U("/..", ""),
    U("/a/.b/..c/...", "/a/.b/..c/..."),
    U("/A%41a", "/AAa"),
    U("/%252e", "/%2e"),
    U("/a;b/../c", "/c"),
    U("/a%c0%afb", "/a/b"),
    U("/%7e%7E", "/~~"),
    U("/a/b?/../c", "/a/b?/../c"),
    U("/a%c3(b", "/a?(b"),
    U("/a%e2%82(b", "/a?(b"),
    U("/a%ffb%c3", "/a?b"),
    U("/%ef%bc%8fx%u002f%uff0f", "//x/"),
    U("/x%2", "/x%2"),
    U("/%u12", "/%u12"),
    U("/a%f0%9f%98%80b", "/a?b"),
    U("/%e0%80%afx/%c1%9c", "//x/\\"),
    U("/%c3%c3%a9/%80/x", "/?\xe9/?/x"),
    U("HTTP://A.B:80", ""),
#undef U
};

static void test_uri_normalize(void)
{
    for (unsigned i = 0; i < sizeof(uri_cases) / sizeof(uri_cases[0]); i++) {
        const char *raw = uri_cases[i].raw;
        uint8_t out[128];
        uint32_t n = http_uri_normalize((const uint8_t *)raw, (uint32_t)strlen(raw), out);
        bool ok = n == uri_cases[i].norm_len && memcmp(out, uri_cases[i].norm, n) == 0;
        CHECK(ok);
        if (!ok)
            fprintf(stderr, "  uri case %u: %s -> %.*s\n", i, raw, (int)n, out);
    }
    /* The same through a request, with the URI's host (oracle). */
    struct http_state *h = mk();
    feed(h, 0, "GET http://User:Pw@WWW.A.com./x HTTP/1.1\r\nHost: other.com\r\n\r\n"
               "GET /. HTTP/1.1\r\nHost: a\r\n\r\n"
               "CONNECT Foo.Com:443 HTTP/1.1\r\nHost: x\r\n\r\n");
    struct http_tx *tx = tx_at(h, 0);
    CHECK_BUF(tx, HTTP_BUF_URI, "/x");
    CHECK_BUF(tx, HTTP_BUF_HOST, "www.a.com");
    CHECK_BUF(tx, HTTP_BUF_HOST_RAW, "www.a.com");
    CHECK(HAS_EV(tx, HTTP_EV_HOST_AMBIGUOUS));
    CHECK_BUF(tx_at(h, 1), HTTP_BUF_URI, ""); /* present and empty (oracle: bsize:0) */
    tx = tx_at(h, 2);
    CHECK_BUF(tx, HTTP_BUF_URI, "");
    CHECK_BUF(tx, HTTP_BUF_URI_RAW, "Foo.Com:443");
    CHECK_BUF(tx, HTTP_BUF_HOST, "foo.com");
    http_state_free(h);
}

/* oracle: http.host from the Host field, with libhtp's quirks. */
static void test_host(void)
{
    static const struct {
        const char *field;
        const char *host; /* NULL: absent */
        bool invalid;
    } cases[] = {
        {"WWW.Example.COM:8080", "WWW.Example.COM", false},
        {" Foo.COM.:80 ", "Foo.COM.", false},
        {"Foo.COM.", "foo.com.", false},
        {"FOO:80", "FOO", false},
        {"Foo.Com:", "Foo.Com", false},
        {"[::AB]", "[::AB]", false},
        {"[::AB]:80", "[::AB]", false},
        {"Foo .com :80", "Foo .com", false},
        {"a b", "a b", false},
        {"a:xyz", "a", true},
        {"[::1", NULL, true},
        {":80", "", false},
        {"MiXed", "mixed", false},
    };
    for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct http_state *h = mk();
        char req[128];
        snprintf(req, sizeof(req), "GET / HTTP/1.1\r\nHost: %s\r\n\r\n", cases[i].field);
        feed(h, 0, req);
        struct http_tx *tx = tx_at(h, 0);
        bool ok = buf_eq(tx, HTTP_BUF_HOST, cases[i].host,
                         cases[i].host != NULL ? strlen(cases[i].host) : 0);
        CHECK(ok);
        if (!ok)
            fprintf(stderr, "  host case %u: %s\n", i, cases[i].field);
        CHECK_EQ(HAS_EV(tx, HTTP_EV_HOST_INVALID), cases[i].invalid);
        http_state_free(h);
    }
    /* Repeated Host fields are merged first (oracle: "a, b"); an empty Host is absent. */
    struct http_state *h = mk();
    feed(h, 0, "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\nGET / HTTP/1.1\r\nHost:\r\n\r\n");
    CHECK_BUF(tx_at(h, 0), HTTP_BUF_HOST, "a, b");
    CHECK_BUF(tx_at(h, 0), HTTP_BUF_HOST_RAW, "a, b");
    CHECK_NOBUF(tx_at(h, 1), HTTP_BUF_HOST);
    CHECK_BUF(tx_at(h, 1), HTTP_BUF_HOST_RAW, "");
    CHECK(!HAS_EV(tx_at(h, 1), HTTP_EV_HOST_INVALID));
    http_state_free(h);
}

/* ---------------------------------------------------------------------------------- */
/* Transactions and framing                                                           */
/* ---------------------------------------------------------------------------------- */

/* Several requests before the responses; a HEAD whose response has a Content-Length but
 * no body; responses matched in order. */
static void test_pipelining(void)
{
    struct http_state *h = mk();
    feed(h, 0,
         "GET /1 HTTP/1.1\r\nHost: a\r\n\r\n"
         "HEAD /2 HTTP/1.1\r\nHost: a\r\n\r\n"
         "POST /3 HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\n\r\nbody"
         "GET /4 HTTP/1.1\r\nHost: a\r\n\r\n");
    CHECK_EQ(tx_count(h), 4);
    for (unsigned i = 0; i < 4; i++) {
        CHECK_EQ(http_tx_id(tx_at(h, i)), i);
        CHECK_EQ(http_tx_progress(tx_at(h, i), 0), HTTP_PROGRESS_COMPLETE);
        CHECK_EQ(http_tx_progress(tx_at(h, i), 1), HTTP_PROGRESS_NONE);
    }
    feed(h, 1,
         "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\none"
         "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n"
         "HTTP/1.1 201 Created\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nthr\r\n2;x=y\r\nee\r\n0\r\n\r\n"
         "HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nfour");
    CHECK_EQ(tx_count(h), 4);
    CHECK_BUF(tx_at(h, 0), HTTP_BUF_RESPONSE_BODY, "one");
    CHECK_BUF(tx_at(h, 1), HTTP_BUF_STAT_CODE, "200");
    CHECK_NOBUF(tx_at(h, 1), HTTP_BUF_RESPONSE_BODY);
    CHECK_BUF(tx_at(h, 2), HTTP_BUF_STAT_CODE, "201");
    CHECK_BUF(tx_at(h, 2), HTTP_BUF_RESPONSE_BODY, "three");
    /* oracle: the (empty) trailer section follows the field lines in http.header.raw. */
    CHECK_BUF(tx_at(h, 2), HTTP_BUF_HEADER_RAW_RESP, "Transfer-Encoding: chunked\r\n\r\n\r\n");
    CHECK_BUF(tx_at(h, 2), HTTP_BUF_HEADER_RESP, "Transfer-Encoding: chunked\r\n");
    CHECK_BUF(tx_at(h, 2), HTTP_BUF_REQUEST_BODY, "body");
    CHECK_BUF(tx_at(h, 3), HTTP_BUF_RESPONSE_BODY, "four");
    CHECK_BUF(tx_at(h, 3), HTTP_BUF_URI, "/4");
    for (unsigned i = 0; i < 4; i++) {
        CHECK_EQ(http_tx_progress(tx_at(h, i), 1), HTTP_PROGRESS_COMPLETE);
        CHECK_EQ(http_tx_events(tx_at(h, i)), 0);
    }

    /* Collection: all complete; memory goes back to the empty state's. */
    struct http_state *empty = mk();
    size_t base = http_state_memuse(empty);
    http_state_free(empty);
    CHECK(http_state_memuse(h) > base);
    http_tx_gc(h, 2);
    CHECK_EQ(tx_count(h), 2);
    CHECK_EQ(http_tx_id(http_tx_first(h)), 2);
    http_tx_gc(h, 100);
    CHECK_EQ(tx_count(h), 0);
    /* The head buffers stay allocated (grown once per direction). */
    CHECK(http_state_memuse(h) <= base + 2 * 512);
    /* Ids go on after collection. */
    feed(h, 0, "GET /5 HTTP/1.1\r\n\r\n");
    CHECK_EQ(http_tx_id(http_tx_first(h)), 4);
    http_state_free(h);
}

/* Responses without bodies: HEAD, 204, 304, 1xx; 100 Continue before the final answer;
 * a response with no request. */
static void test_no_body(void)
{
    struct http_state *h = mk();
    feed(h, 0,
         "POST /up HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n");
    feed(h, 1, "HTTP/1.1 100 Continue\r\nX-Interim: 1\r\n\r\n");
    struct http_tx *tx = tx_at(h, 0);
    CHECK_EQ(http_tx_progress(tx, 1), HTTP_PROGRESS_NONE); /* interim: forgotten */
    CHECK_NOBUF(tx, HTTP_BUF_STAT_CODE);
    feed(h, 0, "ok");
    feed(h, 1, "HTTP/1.1 204 No Content\r\nX-Final: 1\r\n\r\n");
    CHECK_BUF(tx, HTTP_BUF_STAT_CODE, "204");
    CHECK_BUF(tx, HTTP_BUF_HEADER_RESP, "X-Final: 1\r\n");
    /* oracle: the interim answer's field lines stay in http.header.raw only, with the
     * final status line after them. */
    CHECK_BUF(tx, HTTP_BUF_HEADER_RAW_RESP,
              "X-Interim: 1\r\n\r\nHTTP/1.1 204 No Content\r\nX-Final: 1\r\n\r\n");
    CHECK_BUF(tx, HTTP_BUF_START_RESP, "HTTP/1.1 204 No Content\r\nX-Final: 1\r\n\r\n");
    CHECK_EQ(http_tx_progress(tx, 1), HTTP_PROGRESS_COMPLETE);
    CHECK_BUF(tx, HTTP_BUF_REQUEST_BODY, "ok");

    feed(h, 0, "GET /a HTTP/1.1\r\nHost: a\r\n\r\nGET /b HTTP/1.1\r\nHost: a\r\n\r\n");
    feed(h, 1, "HTTP/1.1 304 Not Modified\r\nETag: x\r\n\r\n"
               "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi");
    CHECK_BUF(tx_at(h, 1), HTTP_BUF_STAT_CODE, "304");
    CHECK_NOBUF(tx_at(h, 1), HTTP_BUF_RESPONSE_BODY);
    CHECK_BUF(tx_at(h, 2), HTTP_BUF_RESPONSE_BODY, "hi");

    /* A response no request was seen for: a tx with only a response. */
    feed(h, 1, "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nx");
    tx = tx_at(h, 3);
    CHECK(tx != NULL);
    CHECK(HAS_EV(tx, HTTP_EV_UNMATCHED_RESPONSE));
    CHECK_NOBUF(tx, HTTP_BUF_URI);
    CHECK_NOBUF(tx, HTTP_BUF_METHOD);
    CHECK_EQ(http_tx_progress(tx, 0), HTTP_PROGRESS_COMPLETE);
    CHECK_BUF(tx, HTTP_BUF_RESPONSE_BODY, "x");
    http_state_free(h);
}

/* A body read until the close; HTTP/0.9 (oracle: no head on either side, the response is
 * all body). */
static void test_until_close_and_09(void)
{
    struct http_state *h = mk();
    feed(h, 0, "GET /x HTTP/1.0\r\n\r\n");
    feed(h, 1, "HTTP/1.0 200 OK\r\nServer: s\r\n\r\npart one ");
    struct http_tx *tx = tx_at(h, 0);
    CHECK_EQ(http_tx_progress(tx, 1), HTTP_PROGRESS_BODY);
    feed(h, 1, "part two");
    CHECK_BUF(tx, HTTP_BUF_RESPONSE_BODY, "part one part two");
    http_eof(h, 1);
    CHECK_EQ(http_tx_progress(tx, 1), HTTP_PROGRESS_COMPLETE);
    CHECK(!HAS_EV(tx, HTTP_EV_BODY_INCOMPLETE));
    CHECK_EQ(feedn(h, 1, "more", 4), 4); /* ignored after the close */
    http_state_free(h);

    h = mk();
    feed(h, 0, "GET /nine\r\n");
    feed(h, 1, "HTTP/1.0 200 OK\r\nContent-Length: 3\r\n\r\nabc");
    http_eof(h, 1);
    tx = tx_at(h, 0);
    CHECK_EQ(tx_count(h), 1);
    CHECK_BUF(tx, HTTP_BUF_REQUEST_LINE, "GET /nine");
    CHECK_BUF(tx, HTTP_BUF_URI, "/nine");
    CHECK_NOBUF(tx, HTTP_BUF_PROTOCOL_REQ);
    CHECK_NOBUF(tx, HTTP_BUF_HEADER_RAW_REQ);
    CHECK_BUF(tx, HTTP_BUF_START_REQ, "GET /nine\r\n");
    CHECK_NOBUF(tx, HTTP_BUF_RESPONSE_LINE);
    CHECK_NOBUF(tx, HTTP_BUF_STAT_CODE);
    CHECK_BUF(tx, HTTP_BUF_RESPONSE_BODY, "HTTP/1.0 200 OK\r\nContent-Length: 3\r\n\r\nabc");
    CHECK_EQ(http_tx_progress(tx, 0), HTTP_PROGRESS_COMPLETE);
    CHECK_EQ(http_tx_progress(tx, 1), HTTP_PROGRESS_COMPLETE);
    http_state_free(h);

    /* oracle: a line without protocol followed, in the same data, by a field line is
     * not HTTP/0.9: the fields are read (libhtp probes the bytes at hand). */
    h = mk();
    feed(h, 0, "GET /t2\tHTTP/1.1 \r\nHost: a\r\n\r\n");
    tx = tx_at(h, 0);
    CHECK_BUF(tx, HTTP_BUF_URI_RAW, "/t2\tHTTP/1.1");
    CHECK_NOBUF(tx, HTTP_BUF_PROTOCOL_REQ);
    CHECK_BUF(tx, HTTP_BUF_HOST, "a");
    feed(h, 1, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
    CHECK_BUF(tx, HTTP_BUF_STAT_CODE, "200");
    http_state_free(h);
}

/* Chunked and gzip together, and split at every byte boundary. */
static void test_chunked_gzip(void)
{
    static uint8_t plain[20000], gz[25000], body[40000], resp[41000];
    for (size_t i = 0; i < sizeof(plain); i++)
        plain[i] = (uint8_t)("the quick brown fox "[i % 20] ^ (i % 7 == 0 ? 0x20 : 0));
    size_t gzlen = zcompress(plain, sizeof(plain), gz, sizeof(gz), 31);
    size_t blen = chunked(gz, gzlen, 97, body);
    int hl = sprintf((char *)resp,
                     "HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\n"
                     "Transfer-Encoding: chunked\r\n\r\n");
    memcpy(resp + hl, body, blen);
    size_t rlen = (size_t)hl + blen;

    struct http_state *h = mk();
    feed(h, 0, "GET /z HTTP/1.1\r\nHost: a\r\nAccept-Encoding: gzip\r\n\r\n");
    CHECK_EQ(feedn(h, 1, resp, rlen), rlen);
    struct http_tx *tx = tx_at(h, 0);
    CHECK(buf_eq(tx, HTTP_BUF_RESPONSE_BODY, (const char *)plain, sizeof(plain)));
    CHECK_EQ(http_tx_progress(tx, 1), HTTP_PROGRESS_COMPLETE);
    CHECK_EQ(http_tx_events(tx), 0);
    http_state_free(h);

    /* Body limit: only the first 100 KiB of a bigger body are kept. */
    static uint8_t big[300000], gzbig[300000];
    for (size_t i = 0; i < sizeof(big); i++)
        big[i] = (uint8_t)(i * 7 + i / 1000);
    size_t gbl = zcompress(big, sizeof(big), gzbig, sizeof(gzbig), 31);
    h = mk();
    feed(h, 0, "GET /big HTTP/1.1\r\nHost: a\r\n\r\n");
    char head[128];
    int n = snprintf(head, sizeof(head),
                     "HTTP/1.1 200 OK\r\nContent-Encoding: x-gzip\r\nContent-Length: %zu\r\n\r\n",
                     gbl);
    feedn(h, 1, head, (size_t)n);
    CHECK_EQ(feedn(h, 1, gzbig, gbl), gbl);
    tx = tx_at(h, 0);
    CHECK(buf_eq(tx, HTTP_BUF_RESPONSE_BODY, (const char *)big, HTTP_DEFAULT_BODY_LIMIT));
    CHECK(HAS_EV(tx, HTTP_EV_BODY_TRUNCATED));
    CHECK_EQ(http_tx_progress(tx, 1), HTTP_PROGRESS_COMPLETE);
    http_state_free(h);
}

/* Deflate, zlib-wrapped (RFC 1950) and raw (RFC 1951, as some servers send it). */
static void test_deflate(void)
{
    static const char text[] = "deflated body, deflated body, deflated body!";
    int wbits[] = {15, -15};
    for (int i = 0; i < 2; i++) {
        uint8_t z[256];
        size_t zl = zcompress(text, sizeof(text) - 1, z, sizeof(z), wbits[i]);
        struct http_state *h = mk();
        char head[128];
        int n = snprintf(head, sizeof(head),
                         "POST /d HTTP/1.1\r\nHost: a\r\nContent-Encoding: deflate\r\n"
                         "Content-Length: %zu\r\n\r\n",
                         zl);
        feedn(h, 0, head, (size_t)n);
        feedn(h, 0, z, zl); /* request bodies are decompressed too */
        n = snprintf(head, sizeof(head),
                     "HTTP/1.1 200 OK\r\nContent-Encoding: deflate\r\nContent-Length: %zu\r\n\r\n",
                     zl);
        feedn(h, 1, head, (size_t)n);
        for (size_t k = 0; k < zl; k++) /* a byte at a time */
            feedn(h, 1, z + k, 1);
        struct http_tx *tx = tx_at(h, 0);
        CHECK_BUF(tx, HTTP_BUF_REQUEST_BODY, text);
        CHECK_BUF(tx, HTTP_BUF_RESPONSE_BODY, text);
        CHECK_EQ(http_tx_events(tx), 0);
        http_state_free(h);
    }
    /* Not deflate at all: an event, and the bytes kept as they are. */
    struct http_state *h = mk();
    feed(h, 0, "GET / HTTP/1.1\r\nHost: a\r\n\r\n");
    feed(h, 1, "HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: 9\r\n\r\nnot gzip!");
    struct http_tx *tx = tx_at(h, 0);
    CHECK(HAS_EV(tx, HTTP_EV_DECOMPRESS_FAILED));
    CHECK_BUF(tx, HTTP_BUF_RESPONSE_BODY, "not gzip!");
    http_state_free(h);
}

/* oracle: trailer fields join the fields (http.header, names, start) once the message
 * ends; the trailer section follows in http.header.raw. Two codings are undone. */
static void test_trailer_layers(void)
{
    struct http_state *h = mk();
    feed(h, 0, "POST /t HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
               "3\r\nabc\r\n0\r\nX-Trailer: t\r\n\r\n");
    struct http_tx *tx = tx_at(h, 0);
    CHECK_BUF(tx, HTTP_BUF_REQUEST_BODY, "abc");
    CHECK_BUF(tx, HTTP_BUF_HEADER_REQ, "Host: a\r\nTransfer-Encoding: chunked\r\nX-Trailer: t\r\n");
    CHECK_BUF(tx, HTTP_BUF_HEADER_NAMES_REQ, "\r\nHost\r\nTransfer-Encoding\r\nX-Trailer\r\n\r\n");
    CHECK_BUF(tx, HTTP_BUF_HEADER_RAW_REQ,
              "Host: a\r\nTransfer-Encoding: chunked\r\n\r\nX-Trailer: t\r\n\r\n");
    CHECK_BUF(tx, HTTP_BUF_START_REQ, "POST /t HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n"
                                      "X-Trailer: t\r\n\r\n");
    CHECK_BUF(tx, HTTP_BUF_HOST, "a");

    static const char text[] = "double gzipped";
    uint8_t g1[128], g2[256];
    size_t l1 = zcompress(text, sizeof(text) - 1, g1, sizeof(g1), 31);
    size_t l2 = zcompress(g1, l1, g2, sizeof(g2), 31);
    char head[128];
    int n = snprintf(head, sizeof(head),
                     "HTTP/1.1 200 OK\r\nContent-Encoding: gzip, gzip\r\nContent-Length: %zu\r\n\r\n",
                     l2);
    feedn(h, 1, head, (size_t)n);
    feedn(h, 1, g2, l2);
    CHECK_BUF(tx, HTTP_BUF_RESPONSE_BODY, text);
    CHECK_EQ(http_tx_events(tx), 0);
    http_state_free(h);
}

/* A decompression bomb: 64 MiB of zeros in ~64 KiB of gzip. The inflated bytes stop at
 * decompress_limit, the kept ones at the body limit, memory stays small. */
static void test_bomb(void)
{
    size_t plain_len = 64u << 20;
    uint8_t *zeros = calloc(1, plain_len);
    uint8_t *gz = malloc(1 << 20);
    if (zeros == NULL || gz == NULL)
        abort();
    size_t gl = zcompress(zeros, plain_len, gz, 1 << 20, 31);
    free(zeros);

    struct http_conf c;
    http_conf_default(&c);
    c.response_body_limit = 4u << 20; /* above the decompress limit: that one bites */
    struct http_stats st;
    memset(&st, 0, sizeof(st));
    struct http_state *h = http_state_new(&c, &st);
    feed(h, 0, "GET /bomb HTTP/1.1\r\nHost: a\r\n\r\n");
    char head[128];
    int n = snprintf(head, sizeof(head),
                     "HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: %zu\r\n\r\n", gl);
    feedn(h, 1, head, (size_t)n);
    size_t peak = 0;
    for (size_t off = 0; off < gl; off += 1400) {
        size_t k = gl - off < 1400 ? gl - off : 1400;
        CHECK_EQ(feedn(h, 1, gz + off, k), k);
        if (http_state_memuse(h) > peak)
            peak = http_state_memuse(h);
    }
    struct http_tx *tx = tx_at(h, 0);
    const uint8_t *b;
    uint32_t bl = 0;
    CHECK(http_tx_buffer(tx, HTTP_BUF_RESPONSE_BODY, &b, &bl));
    CHECK_EQ(bl, HTTP_DEFAULT_DECOMPRESS_LIMIT);
    CHECK(HAS_EV(tx, HTTP_EV_DECOMPRESS_LIMIT));
    CHECK(!HAS_EV(tx, HTTP_EV_BODY_TRUNCATED));
    CHECK_EQ(st.inflated_bytes, HTTP_DEFAULT_DECOMPRESS_LIMIT);
    CHECK_EQ(st.events[HTTP_EV_DECOMPRESS_LIMIT], 1);
    CHECK_EQ(http_tx_progress(tx, 1), HTTP_PROGRESS_COMPLETE);
    CHECK(peak < HTTP_DEFAULT_DECOMPRESS_LIMIT + (128u << 10));
    http_state_free(h);
    free(gz);
}

/* ---------------------------------------------------------------------------------- */
/* Malformed input, gaps, caps                                                        */
/* ---------------------------------------------------------------------------------- */

/* oracle: a line of words is a request (method "hello"); binary junk is not: an event on
 * the next transaction, then the parser resyncs at the next request line. */
static void test_malformed_resync(void)
{
    struct http_state *h = mk();
    feed(h, 0, "hello world garbage\r\n\r\nGET /two HTTP/1.1\r\nHost: a\r\n\r\n");
    CHECK_EQ(tx_count(h), 2);
    struct http_tx *tx = tx_at(h, 0);
    CHECK_BUF(tx, HTTP_BUF_METHOD, "hello");
    CHECK_BUF(tx, HTTP_BUF_URI_RAW, "world");
    CHECK_BUF(tx, HTTP_BUF_PROTOCOL_REQ, "garbage");
    CHECK_BUF(tx, HTTP_BUF_HEADER_RAW_REQ, "\r\n");
    CHECK(HAS_EV(tx, HTTP_EV_PROTOCOL_INVALID));
    CHECK_BUF(tx_at(h, 1), HTTP_BUF_URI, "/two");
    http_state_free(h);

    /* oracle: after a request, lines up to one that starts with a known method (case
     * counts) are body of that request, blank lines included. */
    h = mk();
    feed(h, 0, "GET /1 HTTP/1.1\r\nHost: a\r\n\r\n\r\nGET /2 HTTP/1.1\r\nHost: a\r\n\r\n"
               "hello junk\r\n  \r\nxx\r\nget /3 HTTP/1.1\r\n\r\nGET /4 HTTP/1.1\r\n\r\n");
    CHECK_EQ(tx_count(h), 3);
    CHECK_BUF(tx_at(h, 0), HTTP_BUF_REQUEST_BODY, "\r\n");
    CHECK_BUF(tx_at(h, 1), HTTP_BUF_REQUEST_BODY,
              "hello junk\r\n  \r\nxx\r\nget /3 HTTP/1.1\r\n\r\n");
    CHECK(HAS_EV(tx_at(h, 1), HTTP_EV_REQUEST_BODY_UNEXPECTED));
    CHECK_BUF(tx_at(h, 2), HTTP_BUF_URI, "/4");
    CHECK_NOBUF(tx_at(h, 2), HTTP_BUF_REQUEST_BODY);
    http_state_free(h);

    h = mk();
    static const char junk[] = "\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03 junk\r\n"
                               "more junk\r\nGET /ok HTTP/1.1\r\nHost: a\r\n\r\n";
    CHECK_EQ(feedn(h, 0, junk, sizeof(junk) - 1), sizeof(junk) - 1);
    CHECK_EQ(tx_count(h), 1);
    tx = tx_at(h, 0);
    CHECK_BUF(tx, HTTP_BUF_URI, "/ok");
    CHECK(HAS_EV(tx, HTTP_EV_REQUEST_LINE_INVALID));

    /* A broken chunk size: event, the body ends, the next request is found. */
    feed(h, 0, "POST /c HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
               "4\r\nabcd\r\nzz\r\nxxx\r\nGET /after HTTP/1.1\r\nHost: a\r\n\r\n");
    CHECK_EQ(tx_count(h), 3);
    tx = tx_at(h, 1);
    CHECK(HAS_EV(tx, HTTP_EV_CHUNK_INVALID));
    CHECK_BUF(tx, HTTP_BUF_REQUEST_BODY, "abcd");
    CHECK_EQ(http_tx_progress(tx, 0), HTTP_PROGRESS_COMPLETE);
    CHECK_BUF(tx_at(h, 2), HTTP_BUF_URI, "/after");

    /* A response that does not start with HTTP: event; as libhtp, the line is the body
     * of the awaited response (which has no head); then the next status line is found
     * and answers the next request. Lines after a response are more of its body. */
    feed(h, 1, "junk line\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokjunk 2\r\n");
    tx = tx_at(h, 0);
    CHECK(HAS_EV(tx, HTTP_EV_RESPONSE_LINE_INVALID));
    CHECK_BUF(tx, HTTP_BUF_RESPONSE_BODY, "junk line\r\n");
    CHECK_NOBUF(tx, HTTP_BUF_RESPONSE_LINE);
    CHECK_EQ(http_tx_progress(tx, 1), HTTP_PROGRESS_COMPLETE);
    tx = tx_at(h, 1);
    CHECK_BUF(tx, HTTP_BUF_RESPONSE_BODY, "okjunk 2\r\n"); /* oracle */
    CHECK(HAS_EV(tx, HTTP_EV_RESPONSE_LINE_INVALID));

    /* Invalid Content-Length: an event, no body. T-E and C-L: chunked wins, event. */
    feed(h, 0, "POST /cl HTTP/1.1\r\nHost: a\r\nContent-Length: 12x\r\n\r\n"
               "POST /te HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n"
               "Transfer-Encoding: chunked\r\n\r\n1\r\nq\r\n0\r\n\r\n");
    tx = tx_at(h, 3);
    CHECK(HAS_EV(tx, HTTP_EV_CONTENT_LENGTH_INVALID));
    CHECK_NOBUF(tx, HTTP_BUF_REQUEST_BODY);
    tx = tx_at(h, 4);
    CHECK(HAS_EV(tx, HTTP_EV_SMUGGLING));
    CHECK_BUF(tx, HTTP_BUF_REQUEST_BODY, "q");
    CHECK_EQ(http_tx_progress(tx, 0), HTTP_PROGRESS_COMPLETE);
    http_state_free(h);
}

static void test_gap(void)
{
    /* In a body of known length: skipped, still in step. */
    struct http_state *h = mk();
    feed(h, 0, "GET /g HTTP/1.1\r\nHost: a\r\n\r\nGET /h HTTP/1.1\r\nHost: a\r\n\r\n");
    feed(h, 1, "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc");
    http_gap(h, 1, 4);
    feed(h, 1, "xyz");
    feed(h, 1, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
    struct http_tx *tx = tx_at(h, 0);
    CHECK(HAS_EV(tx, HTTP_EV_GAP));
    CHECK(HAS_EV(tx, HTTP_EV_BODY_INCOMPLETE));
    CHECK_BUF(tx, HTTP_BUF_RESPONSE_BODY, "abc");
    CHECK_EQ(http_tx_progress(tx, 1), HTTP_PROGRESS_COMPLETE);
    CHECK_BUF(tx_at(h, 1), HTTP_BUF_RESPONSE_BODY, "ok");
    CHECK_EQ(http_tx_events(tx_at(h, 1)), 0);

    /* In a head: the message is given up, the next one found. */
    feed(h, 0, "GET /i HTTP/1.1\r\nHo");
    http_gap(h, 0, 10);
    feed(h, 0, "tail of something\r\n\r\nGET /j HTTP/1.1\r\nHost: a\r\n\r\n");
    tx = tx_at(h, 2);
    CHECK(HAS_EV(tx, HTTP_EV_GAP));
    CHECK_EQ(http_tx_progress(tx, 0), HTTP_PROGRESS_COMPLETE);
    CHECK_BUF(tx_at(h, 3), HTTP_BUF_URI, "/j");
    CHECK_EQ(tx_count(h), 4);
    http_state_free(h);
}

static void test_caps(void)
{
    /* max_txs: the connection is given up at the cap. */
    struct http_conf c;
    http_conf_default(&c);
    c.max_txs = 3;
    struct http_state *h = http_state_new(&c, NULL);
    for (int i = 0; i < 5; i++)
        feed(h, 0, "GET / HTTP/1.1\r\nHost: a\r\n\r\n");
    CHECK_EQ(tx_count(h), 3);
    CHECK(http_state_stopped(h));
    CHECK(HAS_EV(tx_at(h, 2), HTTP_EV_TOO_MANY_TXS));
    CHECK_EQ(http_tx_progress(tx_at(h, 2), 1), HTTP_PROGRESS_COMPLETE);
    http_tx_gc(h, UINT64_MAX);
    CHECK_EQ(tx_count(h), 0);
    http_state_free(h);

    /* header_limit: the head is cut, its rest skipped, the next message parsed. */
    http_conf_default(&c);
    c.header_limit = 64;
    h = http_state_new(&c, NULL);
    feed(h, 0, "GET /long HTTP/1.1\r\nHost: a\r\nX-Long: 0123456789012345678901234567890123456789"
               "\r\nX-More: y\r\n\r\nGET /next HTTP/1.1\r\nHost: b\r\n\r\n");
    CHECK_EQ(tx_count(h), 2);
    struct http_tx *tx = tx_at(h, 0);
    CHECK(HAS_EV(tx, HTTP_EV_HEADER_TOO_LONG));
    CHECK_BUF(tx, HTTP_BUF_HEADER_REQ, "Host: a\r\n");
    CHECK_BUF(tx, HTTP_BUF_HOST, "a");
    CHECK_BUF(tx_at(h, 1), HTTP_BUF_HOST, "b");
    /* A request line longer than the limit is cut. */
    feed(h, 0, "GET /");
    for (int i = 0; i < 10; i++)
        feed(h, 0, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
    feed(h, 0, " HTTP/1.1\r\nHost: c\r\n\r\nGET /last HTTP/1.1\r\n\r\n");
    CHECK_EQ(tx_count(h), 4);
    tx = tx_at(h, 2);
    CHECK(HAS_EV(tx, HTTP_EV_HEADER_TOO_LONG));
    const uint8_t *d;
    uint32_t l = 0;
    CHECK(http_tx_buffer(tx, HTTP_BUF_REQUEST_LINE, &d, &l) && l <= 64);
    CHECK_BUF(tx_at(h, 3), HTTP_BUF_URI, "/last");
    http_state_free(h);

    /* The cap reached by a head cut at the limit: everything after is consumed. */
    http_conf_default(&c);
    c.max_txs = 1;
    c.header_limit = 32;
    h = http_state_new(&c, NULL);
    feed(h, 0, "GET / HTTP/1.1\r\n\r\nGET /aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
    CHECK(http_state_stopped(h));
    feed(h, 0, "CONNECT a:1 HTTP/1.1\r\n\r\nmore");
    CHECK_EQ(tx_count(h), 1);
    http_state_free(h);

    /* Zero limits are refused. */
    http_conf_default(&c);
    c.header_limit = 0;
    CHECK(http_state_new(&c, NULL) == NULL);
    http_state_free(NULL);
}

/* CONNECT: request bytes wait for the answer; 2xx makes a tunnel, else HTTP goes on.
 * 101 Switching Protocols makes a tunnel. */
static void test_connect_upgrade(void)
{
    struct http_state *h = mk();
    const char *req = "CONNECT a.example:443 HTTP/1.1\r\nHost: a.example:443\r\n\r\n"
                      "\x16\x03\x01 tls bytes";
    uint32_t n = feedn(h, 0, req, strlen(req));
    CHECK_EQ(n, strlen(req) - strlen("\x16\x03\x01 tls bytes"));
    CHECK_EQ(feedn(h, 0, req + n, strlen(req) - n), 0); /* still waiting */
    feed(h, 1, "HTTP/1.1 200 Connection established\r\n\r\n");
    CHECK(http_state_stopped(h));
    CHECK_EQ(feedn(h, 0, req + n, strlen(req) - n), strlen(req) - n);
    CHECK_EQ(tx_count(h), 1);
    CHECK_EQ(http_tx_progress(tx_at(h, 0), 0), HTTP_PROGRESS_COMPLETE);
    CHECK_EQ(http_tx_progress(tx_at(h, 0), 1), HTTP_PROGRESS_COMPLETE);
    http_state_free(h);

    h = mk();
    req = "CONNECT a.example:443 HTTP/1.1\r\n\r\nGET /after HTTP/1.1\r\n\r\n";
    n = feedn(h, 0, req, strlen(req));
    feed(h, 1, "HTTP/1.1 407 Proxy Authentication Required\r\nContent-Length: 0\r\n\r\n");
    CHECK(!http_state_stopped(h));
    CHECK_EQ(feedn(h, 0, req + n, strlen(req) - n), strlen(req) - n);
    CHECK_EQ(tx_count(h), 2);
    CHECK_BUF(tx_at(h, 1), HTTP_BUF_URI, "/after");
    http_state_free(h);

    h = mk();
    feed(h, 0, "GET /ws HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n");
    feed(h, 1, "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n\x81\x05hello");
    CHECK(http_state_stopped(h));
    CHECK_BUF(tx_at(h, 0), HTTP_BUF_STAT_CODE, "101");
    CHECK_NOBUF(tx_at(h, 0), HTTP_BUF_RESPONSE_BODY);
    http_state_free(h);
}

/* The same conversation fed whole, in pieces of 1..N bytes, and cut once anywhere gives
 * the same transactions. */
static void test_split(void)
{
    static uint8_t c[4096], s[8192];
    size_t cl = 0, sl = 0;
    const char *reqs =
        "GET /a%2fb/../c?x=%41 HTTP/1.1\r\nHost: Ex.COM\r\nCookie: k=v\r\nFold: a\r\n b\r\n\r\n"
        "POST /p HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
        "5\r\nhello\r\n1;ext=1\r\n!\r\n0\r\nTrailer: t\r\n\r\n"
        "\r\n"
        "HEAD /h HTTP/1.1\r\nHost: a\r\n\r\n"
        "PUT /u HTTP/1.0\nContent-Length: 3\n\nabc"
        "GET /last HTTP/1.1\r\n\r\n";
    cl = strlen(reqs);
    memcpy(c, reqs, cl);
    uint8_t gz[512];
    static const char text[] = "compressed response text, compressed response text";
    size_t gl = zcompress(text, sizeof(text) - 1, gz, sizeof(gz), 31);
    sl = (size_t)sprintf((char *)s, "HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\n"
                                    "Content-Length: %zu\r\nSet-Cookie: s=1\r\n\r\n",
                         gl);
    memcpy(s + sl, gz, gl);
    sl += gl;
    uint8_t ch[1024];
    size_t chl = chunked((const uint8_t *)text, sizeof(text) - 1, 7, ch);
    sl += (size_t)sprintf((char *)s + sl, "HTTP/1.1 100 Continue\r\n\r\n"
                                          "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n");
    memcpy(s + sl, ch, chl);
    sl += chl;
    sl += (size_t)sprintf((char *)s + sl, "HTTP/1.1 200 OK\r\nContent-Length: 50\r\n\r\n"
                                          "HTTP/1.0 201 Created\r\nContent-Length: 0\r\n\r\n"
                                          "HTTP/1.0 200 OK\r\n\r\nread until the close");
    struct convo cv = {c, cl, s, sl};

    char *ref = run_pieces(&cv, 1u << 20);
    if (getenv("HTTP_TEST_DUMP") != NULL)
        fprintf(stderr, "%s", ref);
    /* The reference itself, checked a little. */
    CHECK(strstr(ref, "tx 3 p 4/4 ev 0\n 0 2:/u\n") != NULL);
    char want[64];
    snprintf(want, sizeof(want), "tx 4 p 4/4 ev %x\n", 1u << HTTP_EV_HOST_MISSING);
    CHECK(strstr(ref, want) != NULL);
    /* The blank line after the chunked request is more body of it (libhtp). */
    CHECK(strstr(ref, " 20 8:hello!\r\n\n") != NULL);
    CHECK(strstr(ref, "read until the close") != NULL);
    CHECK(strstr(ref, text) != NULL);
    int diffs = 0;
    for (size_t piece = 1; piece <= 64; piece++) {
        char *d = run_pieces(&cv, piece);
        if (strcmp(d, ref) != 0 && diffs++ < 3)
            fprintf(stderr, "  pieces of %zu differ:\n%s\n-- vs --\n%s\n", piece, d, ref);
        free(d);
    }
    size_t longest = cl > sl ? cl : sl;
    for (size_t cut = 0; cut <= longest; cut++) {
        char *d = run_cut(&cv, cut);
        if (strcmp(d, ref) != 0 && diffs++ < 3)
            fprintf(stderr, "  cut at %zu differs:\n%s\n", cut, d);
        free(d);
    }
    CHECK_EQ(diffs, 0);
    free(ref);
}

static void test_tables(void)
{
    for (int b = 0; b < HTTP_BUF_MAX; b++) {
        const struct http_buf_info *i = http_buf_info((enum http_buf)b);
        CHECK(i != NULL && i->keyword != NULL);
        if (i == NULL || i->keyword == NULL)
            continue;
        CHECK(i->dir <= 1);
        CHECK(i->progress >= HTTP_PROGRESS_LINE && i->progress <= HTTP_PROGRESS_BODY);
    }
    CHECK(http_buf_info(HTTP_BUF_MAX) == NULL);
    CHECK_EQ(http_buf_info(HTTP_BUF_URI)->progress, HTTP_PROGRESS_LINE);
    CHECK_EQ(http_buf_info(HTTP_BUF_HEADER_RESP)->dir, 1);
    CHECK_EQ(http_buf_info(HTTP_BUF_HEADER_RAW_REQ)->progress, HTTP_PROGRESS_HEADERS);
    CHECK_EQ(http_buf_info(HTTP_BUF_RESPONSE_BODY)->progress, HTTP_PROGRESS_BODY);
    CHECK_STR(http_buf_info(HTTP_BUF_FILE_DATA_RESP)->keyword, "file.data");
    CHECK_STR(http_event_name(HTTP_EV_GAP), "gap");
    CHECK_STR(http_event_name(HTTP_EV_MAX), "unknown");
    for (int e = 0; e < HTTP_EV_MAX; e++)
        CHECK(strcmp(http_event_name((enum http_event)e), "unknown") != 0);
}

int main(void)
{
    test_request_buffers();
    test_request_body();
    test_header_quirks();
    test_start_lines();
    test_repeated_fields();
    test_uri_normalize();
    test_host();
    test_pipelining();
    test_no_body();
    test_until_close_and_09();
    test_chunked_gzip();
    test_deflate();
    test_trailer_layers();
    test_bomb();
    test_malformed_resync();
    test_gap();
    test_caps();
    test_connect_upgrade();
    test_split();
    test_tables();
    return test_done("test-http");
}
