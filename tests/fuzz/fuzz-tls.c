/* libFuzzer harness for the TLS handshake parser (applayer-tls.c) and the X.509 reader
 * (applayer-x509.c).
 *
 * An input is a flow: a sequence of chunks, each
 *   ctrl(1) length(2, big endian) bytes(length; cut at the end of the input)
 * where ctrl bit 0 is the direction (0 client to server), bit 1 calls tls_gap() before
 * the chunk and bit 2 tls_eof() after it. Each chunk is copied into a buffer of exactly
 * its size before tls_parse(), so an over-read is caught.
 *
 * The flow is run twice: chunks whole, then each chunk cut in two at a point taken
 * from the input; the parser's whole visible result (buffers, versions, progress,
 * chains, events) must be the same, since bytes may be split anywhere by TCP. Every
 * result is checked against the contract (lengths, caps, the chain inside its message,
 * text fields NUL-terminated and sized), and the whole input and every chunk are also
 * given to x509_parse(). A breach traps, so libFuzzer keeps the input. */
#include <gcrypt.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "applayer/applayer-tls.h"
#include "applayer/applayer-x509.h"

#define SUMMARY_MAX (1u << 20)

static void fuzz_fail(const char *what)
{
    fprintf(stderr, "fuzz-tls: contract broken: %s\n", what);
    __builtin_trap();
}

/* Appends to a summary buffer; a summary that does not fit is cut (both runs alike). */
struct sum {
    char *buf;
    size_t len;
};

static void sum_add(struct sum *s, const void *p, size_t n)
{
    if (s->len + n > SUMMARY_MAX)
        n = SUMMARY_MAX - s->len;
    memcpy(s->buf + s->len, p, n);
    s->len += n;
}

static void sum_fmt(struct sum *s, const char *fmt, unsigned long long a, unsigned long long b)
{
    char tmp[64];
    int n = snprintf(tmp, sizeof(tmp), fmt, a, b);
    sum_add(s, tmp, (size_t)n);
}

static void check_cert(const struct x509_cert *x)
{
    if (x->error != X509_E_NONE)
        fuzz_fail("tls_cert0 with an error");
    if (x->subject_len >= X509_NAME_TEXT_MAX || x->issuer_len >= X509_NAME_TEXT_MAX ||
        x->serial_len >= X509_SERIAL_TEXT_MAX || x->subject[x->subject_len] != '\0' ||
        x->issuer[x->issuer_len] != '\0' || x->serial[x->serial_len] != '\0' ||
        strlen(x->fingerprint) != 59)
        fuzz_fail("certificate text lengths");
    if (memchr(x->subject, 0, x->subject_len) != NULL || memchr(x->issuer, 0, x->issuer_len) != NULL)
        fuzz_fail("NUL inside a name");
    char tb[X509_TIME_TEXT_MAX];
    uint32_t n = x509_time_format(x->not_before, tb);
    if (n != strlen(tb) || (n != 0 && n != 19))
        fuzz_fail("time text");
}

/* Checks the state and writes everything visible into 's'. */
static void check_state(const struct tls_state *t, struct sum *s)
{
    const uint8_t *p;
    uint32_t len;
    for (int d = 0; d < 2; d++) {
        for (int b = 0; b < TLS_BUF_MAX; b++) {
            if (tls_buffer_dir(t, d, (enum tls_buf)b, &p, &len)) {
                if (p == NULL && len != 0)
                    fuzz_fail("buffer without data");
                if ((b == TLS_BUF_JA3_HASH || b == TLS_BUF_JA3S_HASH) && len != TLS_JA3_HASH_LEN)
                    fuzz_fail("JA3 hash length");
                if (b == TLS_BUF_SNI && (len > TLS_SNI_MAX || memchr(p, 0, len) != NULL))
                    fuzz_fail("SNI");
                if (b == TLS_BUF_VERSION && (len == 0 || len >= TLS_VERSION_TEXT_MAX))
                    fuzz_fail("version text");
                sum_fmt(s, "[%llu.%llu]", (unsigned long long)d, (unsigned long long)b);
                sum_add(s, p, len);
            } else if (p != NULL || len != 0) {
                fuzz_fail("absent buffer not cleared");
            }
        }
        const struct x509_cert *x = tls_cert0(t, d);
        if (x != NULL) {
            check_cert(x);
            sum_fmt(s, "[t%lld/%lld]", (unsigned long long)x->not_before,
                    (unsigned long long)x->not_after);
        }
        uint32_t n = tls_cert_count(t, d);
        if (n > TLS_MAX_CERTS)
            fuzz_fail("too many certificates");
        for (uint32_t i = 0; i < n; i++) {
            /* An empty certificate can be in a chain (as in Suricata's). */
            if (!tls_cert(t, d, i, &p, &len) || p == NULL)
                fuzz_fail("tls_cert");
            if (len > 0) {
                volatile uint8_t first = p[0], last = p[len - 1]; /* inside the chain */
                (void)first, (void)last;
            }
            sum_fmt(s, "[c%llu:%llu]", i, len);
        }
        if (tls_cert(t, d, n, &p, &len) || p != NULL)
            fuzz_fail("tls_cert past the end");
        sum_fmt(s, "[v%llx p%llx]", tls_version(t, d), tls_progress(t, d));
    }
    const struct tls_stats *st = tls_stats(t);
    for (int e = 0; e < TLS_EV_MAX; e++)
        if (st->events[e])
            sum_fmt(s, "[e%llu=%llu]", (unsigned long long)e, (unsigned long long)st->events[e]);
    sum_fmt(s, "[x%llu%llu]", tls_tx_progress(t, 0), tls_tx_progress(t, 1));
    if (tls_state_memuse(t) > 2 * ((size_t)TLS_HANDSHAKE_MAX + TLS_RECORD_MAX) +
                                  2 * ((size_t)TLS_HANDSHAKE_MAX * 5 + 4096) + 65536)
        fuzz_fail("memory past the caps");
}

/* Runs the flow; with 'split', each chunk is fed in two pieces. */
static void run(const uint8_t *data, size_t size, bool split, struct sum *s)
{
    struct tls_state *t = tls_state_new();
    if (t == NULL)
        abort();
    size_t off = 0;
    while (size - off >= 3) {
        uint8_t ctrl = data[off];
        size_t n = (size_t)data[off + 1] << 8 | data[off + 2];
        off += 3;
        if (n > size - off)
            n = size - off;
        int dir = ctrl & 1;
        if (ctrl & 2)
            tls_gap(t, dir);
        size_t cut = split && n > 0 ? (ctrl >> 3) % (n + 1) : n;
        const uint8_t *p = data + off;
        for (int piece = 0; piece < 2; piece++) {
            size_t k = piece == 0 ? cut : n - cut;
            if (piece == 1 && k == 0)
                break;
            uint8_t *copy = malloc(k ? k : 1);
            if (copy == NULL)
                abort();
            memcpy(copy, p, k);
            if (tls_parse(t, dir, copy, (uint32_t)k) != k)
                fuzz_fail("tls_parse did not consume its input");
            free(copy);
            p += k;
        }
        if (ctrl & 4)
            tls_eof(t, dir);
        off += n;
    }
    uint64_t ev = tls_take_events(t);
    const struct tls_stats *st = tls_stats(t);
    for (int e = 0; e < TLS_EV_MAX; e++)
        if (((ev >> e) & 1) != (st->events[e] != 0))
            fuzz_fail("events mask and counters disagree");
    if (tls_take_events(t) != 0)
        fuzz_fail("events not cleared");
    check_state(t, s);
    tls_state_free(t);
}

static void x509_check(const uint8_t *data, size_t size, struct x509_cert *x)
{
    uint8_t *copy = malloc(size ? size : 1);
    if (copy == NULL)
        abort();
    memcpy(copy, data, size);
    int rc = x509_parse(copy, (uint32_t)size, x);
    free(copy);
    if ((rc == CANH_OK) != (x->error == X509_E_NONE) || x->error >= X509_E_MAX ||
        x->error_off > size)
        fuzz_fail("x509_parse result");
    if (rc == CANH_OK)
        check_cert(x);
    else if (x->subject[0] != '\0' || x->fingerprint[0] != '\0')
        fuzz_fail("failed x509_parse left text");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct sum a, b;        /* libFuzzer gives no context argument */
    static struct x509_cert *x;
    if (a.buf == NULL) {
        gcry_check_version(NULL);
        a.buf = malloc(SUMMARY_MAX);
        b.buf = malloc(SUMMARY_MAX);
        x = malloc(sizeof(*x));
        if (a.buf == NULL || b.buf == NULL || x == NULL)
            abort();
    }
    if (size > (1u << 20))
        return 0;
    a.len = b.len = 0;
    run(data, size, false, &a);
    run(data, size, true, &b);
    if (a.len != b.len || memcmp(a.buf, b.buf, a.len) != 0) {
        fprintf(stderr, "fuzz-tls: whole: %.*s\nfuzz-tls: split: %.*s\n", (int)a.len, a.buf,
                (int)b.len, b.buf);
        fuzz_fail("splitting the chunks changed the result");
    }
    x509_check(data, size, x);
    if (size > 3)
        x509_check(data + 3, size - 3, x);
    return 0;
}
