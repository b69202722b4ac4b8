/* HTTP/1.x parser. Spec: RFC 9112, RFC 9110, RFC 3986 5.2.4, RFC 1950-1952. See
 * applayer-http.h for the contract and the buffers.
 *
 * Each direction is a small state machine (struct http_dir):
 *   IDLE       between messages: blank lines are skipped, the next byte starts a head;
 *   HEAD       the start line and field lines are gathered in 'head' (at most
 *              header_limit bytes), line by line. When the start line is whole the
 *              transaction gets its line buffers (LINE); at the blank line the head is
 *              parsed into the message's arena (HEADERS) and the body is framed;
 *   SKIP_HEAD  the head went over header_limit: its rest is skipped to the blank line;
 *   BODY       body bytes go through libhttp-parser, which is given a head of its own
 *              that states the framing this parser chose (Content-Length N, chunked, or
 *              until close): http_parser de-chunks and finds the end, this parser
 *              decodes (gzip, deflate) and keeps the start of the body;
 *   RESYNC     after an error or a gap: bytes are skipped to the next line start, and
 *              only a line that looks like a message start ends the resync;
 *   CONNECT    a CONNECT request waits for its response before more request bytes are
 *              read;
 *   CLOSED     the side closed, or the connection left HTTP: bytes are ignored.
 *
 * The head is read by this parser rather than by http_parser because http_parser stops
 * at the first deviation (unknown method, a field line without colon, a space in the
 * URI), while libhtp, whose buffers rules are written against, takes them all. */
#include "applayer-http.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <http_parser.h>
#include <zlib.h>

/* ---------------------------------------------------------------------------------- */
/* Definitions                                                                        */
/* ---------------------------------------------------------------------------------- */

#define SPAN_NONE UINT32_MAX

/* A part of a message's arena; off == SPAN_NONE when absent. */
struct span {
    uint32_t off;
    uint32_t len;
};

/* Buffers of one message, as spans of its arena. */
enum msg_buf {
    MB_LINE,
    MB_METHOD,
    MB_URI_RAW,
    MB_URI,
    MB_PROTOCOL,
    MB_STATUS,
    MB_MSG,
    MB_HOST,
    MB_HOST_RAW,
    MB_HEADER,
    MB_HEADER_RAW,
    MB_NAMES,
    MB_START,
    MB_USER_AGENT,
    MB_COOKIE,
    MB_CONTENT_TYPE,
    MB_CONTENT_LEN,
    MB_REFERER,
    MB_ACCEPT,
    MB_ACCEPT_ENC,
    MB_ACCEPT_LANG,
    MB_CONNECTION,
    MB_LOCATION,
    MB_SERVER,
    MB_COUNT
};

/* A field of a parsed head, repeated fields merged; both parts lie in the arena. */
struct field {
    uint32_t name_off, name_len;
    uint32_t val_off, val_len;
};

/* One direction of a transaction. The arena holds the start line and what is derived
 * from it (filled at LINE), then the raw field lines and the derived head buffers
 * (appended at HEADERS), and is shrunk to fit. */
struct http_msg {
    uint8_t *arena;
    uint32_t arena_len;
    struct field *fields;
    uint32_t nfields;
    struct span b[MB_COUNT];
    uint8_t *body;
    uint32_t body_len, body_cap;
    struct span *files;     /* requests, multipart/form-data: file parts, in 'body' */
    struct span *fnames;    /* their filename parameters (in 'body'; len 0 when empty) */
    uint32_t nfiles;
    uint32_t raw_interim;   /* http.header.raw starts with this many bytes of 100
                               Continue field lines, then raw_line bytes of status line */
    uint32_t raw_line;
    uint8_t progress; /* enum http_progress */
};

enum method_kind { M_OTHER, M_GET, M_HEAD, M_POST, M_PUT, M_CONNECT };

struct http_tx {
    struct http_tx *next;
    uint64_t id;
    struct http_msg m[2];
    uint32_t events;
    uint8_t method;     /* enum method_kind */
    bool http09;        /* request line without protocol: no head, response all body */
    bool has_request;   /* false for a response no request was seen for */
    bool proto11;       /* request protocol HTTP/1.1 or later */
    bool multipart;     /* request Content-Type multipart/form-data */
};

enum dstate { DS_IDLE, DS_HEAD, DS_SKIP_HEAD, DS_BODY, DS_RESYNC, DS_CONNECT, DS_CLOSED };

enum codec { CODEC_NONE, CODEC_GZIP, CODEC_DEFLATE };

/* One content-coding layer being undone. */
struct zstage {
    z_stream *z;
    uint8_t codec;        /* enum codec */
    uint8_t tries;        /* formats tried */
    uint8_t hdr, hdr_len; /* a deflate stream's first byte, until the second comes */
    bool end;             /* the stream ended: what follows is ignored */
    bool stop;            /* limit reached: nothing more is inflated */
    bool pass;            /* failed: the rest goes on as it is (libhtp) */
    uint64_t in, out;     /* bytes given to zlib / inflated */
};

struct http_dir {
    struct http_state *h;
    uint8_t dir;
    uint8_t st;              /* enum dstate */
    bool resync;             /* the next start line must look like one (after junk) */
    bool skip_blank;         /* SKIP_HEAD: the line so far holds nothing but CRs */
    uint32_t pending_events; /* for the next transaction of this direction */

    /* Head being gathered. */
    uint8_t *head;
    uint32_t head_len, head_cap;
    uint32_t line_end;       /* offset after the start line's LF; 0 while in it */
    uint32_t cur_line;       /* offset where the line being gathered starts */
    struct http_tx *tx;      /* transaction whose message is being read */
    struct http_tx *prev;    /* the last complete message's tx. Requests: it gets the
                                lines that follow until one starts with a known method;
                                responses: it gets lines that are not a status line */
    struct http_tx *junk_tx; /* responses: the tx whose answer is lines that are not a
                                status line (no response came before them) */
    bool lost;               /* bytes were lost or unreadable: what is skipped until the
                                next message start is nobody's body */
    uint8_t *interim;        /* raw field lines of 100 Continue answers to 'tx' (Suricata
                                keeps them in the final response's http.header.raw) */
    uint32_t interim_len;

    /* Body. */
    http_parser parser;
    bool until_close;        /* framed by the close of the connection */
    bool chunked;
    bool discard;            /* framer fed filler for lost bytes: not body */
    bool body_done;          /* on_message_complete seen */
    bool trailing;           /* chunked: past the last chunk, in the trailer section */
    uint8_t *trailer;        /* the trailer section as sent (Suricata appends it to
                                http.header.raw), at most header_limit bytes */
    uint32_t trailer_len;
    bool store_stop;         /* keep no more body bytes (limit, gap) */
    bool tapped;             /* the body tap saw bytes of the current message */
    uint8_t nstages;         /* content codings decoded (0: none) */
    struct zstage zs[HTTP_MAX_LAYERS]; /* zs[0] undoes the last coding applied */
};

struct http_state {
    struct http_conf conf;
    struct http_stats *stats;
    struct http_stats own_stats; /* when the caller gives none */
    struct http_tx *first, *last;
    uint32_t ntx;
    uint64_t next_id;
    size_t mem;                  /* bytes allocated, zlib's included */
    bool stopped;
    http_body_fn body_tap;       /* sees every decoded body byte (file extraction) */
    void *body_tap_ctx;
    struct http_dir d[2];
};

/* Fields of a head: 'fields' before merging, in the scratch copy of the logical lines. */
struct rawfield {
    uint32_t name_off, name_len;
    uint32_t val_off, val_len;
    int32_t first;    /* index of the first field with this name, or -1 if it is one */
    int32_t next_dup; /* next field merged into this one, or -1 */
    int32_t last_dup; /* first occurrences: the last field merged into it */
    bool repeated;    /* first occurrences: the name came again */
};

/* ---------------------------------------------------------------------------------- */
/* Memory: every allocation is counted in h->mem                                       */
/* ---------------------------------------------------------------------------------- */

static void *mem_alloc(struct http_state *h, size_t n)
{
    void *p = malloc(n);
    if (p != NULL)
        h->mem += n;
    return p;
}

static void *mem_calloc(struct http_state *h, size_t n)
{
    void *p = calloc(1, n);
    if (p != NULL)
        h->mem += n;
    return p;
}

/* Resizes 'p' from 'old' to 'n' bytes; NULL (and 'p' untouched) on failure. */
static void *mem_realloc(struct http_state *h, void *p, size_t old, size_t n)
{
    void *q = realloc(p, n > 0 ? n : 1);
    if (q == NULL)
        return NULL;
    h->mem = h->mem - old + n;
    return q;
}

static void mem_free(struct http_state *h, void *p, size_t n)
{
    if (p == NULL)
        return;
    free(p);
    h->mem -= n;
}

/* zlib's allocator, counted too: each block carries its size in front. */
static voidpf zalloc_counted(voidpf opaque, uInt items, uInt size)
{
    struct http_state *h = opaque;
    size_t n = (size_t)items * size;
    if (size != 0 && n / size != items)
        return Z_NULL;
    size_t *p = mem_alloc(h, n + sizeof(max_align_t));
    if (p == NULL)
        return Z_NULL;
    *p = n + sizeof(max_align_t);
    return (uint8_t *)p + sizeof(max_align_t);
}

static void zfree_counted(voidpf opaque, voidpf ptr)
{
    struct http_state *h = opaque;
    if (ptr == NULL)
        return;
    size_t *p = (size_t *)(void *)((uint8_t *)ptr - sizeof(max_align_t));
    mem_free(h, p, *p);
}

/* ---------------------------------------------------------------------------------- */
/* Characters                                                                         */
/* ---------------------------------------------------------------------------------- */

/* libhtp's htp_is_space(): isspace() in the C locale. */
static bool is_space(uint8_t c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

static bool is_lws(uint8_t c)
{
    return c == ' ' || c == '\t';
}

/* RFC 9110 5.6.2 tchar. */
static bool is_token(uint8_t c)
{
    if (c >= 0x80 || c <= 0x20 || c == 0x7f)
        return false;
    return strchr("\"(),/:;<=>?@[\\]{}", c) == NULL;
}

static uint8_t lower(uint8_t c)
{
    return (c >= 'A' && c <= 'Z') ? (uint8_t)(c + 32) : c;
}

static bool is_xdigit(uint8_t c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static uint8_t xval(uint8_t c)
{
    if (c >= '0' && c <= '9')
        return (uint8_t)(c - '0');
    return (uint8_t)(lower(c) - 'a' + 10);
}

static uint8_t x2c(const uint8_t *p)
{
    return (uint8_t)(xval(p[0]) << 4 | xval(p[1]));
}

static bool eq_nocase(const uint8_t *a, uint32_t alen, const char *b)
{
    size_t blen = strlen(b);
    if (alen != blen)
        return false;
    for (uint32_t i = 0; i < alen; i++)
        if (lower(a[i]) != lower((uint8_t)b[i]))
            return false;
    return true;
}

static bool eq_nocase_mem(const uint8_t *a, uint32_t alen, const uint8_t *b, uint32_t blen)
{
    if (alen != blen)
        return false;
    for (uint32_t i = 0; i < alen; i++)
        if (lower(a[i]) != lower(b[i]))
            return false;
    return true;
}

/* ---------------------------------------------------------------------------------- */
/* URI normalisation (libhtp 0.5: htp_parse_uri, htp_decode_path_inplace,              */
/* htp_utf8_decode_path_inplace, htp_normalize_uri_path_inplace, htp_urldecode)        */
/* ---------------------------------------------------------------------------------- */

#define BESTFIT_REPLACEMENT '?'

/* libhtp's best-fit map (Windows-1252 best fit of code points 0x0100-0xffff to one byte),
 * used by Suricata for %u-encoded and UTF-8 characters in the path. Sorted. */
static const struct {
    uint16_t cp;
    uint8_t b;
} bestfit[] = {
    {0x0100, 0x41}, {0x0101, 0x61}, {0x0102, 0x41}, {0x0103, 0x61}, {0x0104, 0x41},
    {0x0105, 0x61}, {0x0106, 0x43}, {0x0107, 0x63}, {0x0108, 0x43}, {0x0109, 0x63},
    {0x010a, 0x43}, {0x010b, 0x63}, {0x010c, 0x43}, {0x010d, 0x63}, {0x010e, 0x44},
    {0x010f, 0x64}, {0x0111, 0x64}, {0x0112, 0x45}, {0x0113, 0x65}, {0x0114, 0x45},
    {0x0115, 0x65}, {0x0116, 0x45}, {0x0117, 0x65}, {0x0118, 0x45}, {0x0119, 0x65},
    {0x011a, 0x45}, {0x011b, 0x65}, {0x011c, 0x47}, {0x011d, 0x67}, {0x011e, 0x47},
    {0x011f, 0x67}, {0x0120, 0x47}, {0x0121, 0x67}, {0x0122, 0x47}, {0x0123, 0x67},
    {0x0124, 0x48}, {0x0125, 0x68}, {0x0126, 0x48}, {0x0127, 0x68}, {0x0128, 0x49},
    {0x0129, 0x69}, {0x012a, 0x49}, {0x012b, 0x69}, {0x012c, 0x49}, {0x012d, 0x69},
    {0x012e, 0x49}, {0x012f, 0x69}, {0x0130, 0x49}, {0x0131, 0x69}, {0x0134, 0x4a},
    {0x0135, 0x6a}, {0x0136, 0x4b}, {0x0137, 0x6b}, {0x0139, 0x4c}, {0x013a, 0x6c},
    {0x013b, 0x4c}, {0x013c, 0x6c}, {0x013d, 0x4c}, {0x013e, 0x6c}, {0x0141, 0x4c},
    {0x0142, 0x6c}, {0x0143, 0x4e}, {0x0144, 0x6e}, {0x0145, 0x4e}, {0x0146, 0x6e},
    {0x0147, 0x4e}, {0x0148, 0x6e}, {0x014c, 0x4f}, {0x014d, 0x6f}, {0x014e, 0x4f},
    {0x014f, 0x6f}, {0x0150, 0x4f}, {0x0151, 0x6f}, {0x0154, 0x52}, {0x0155, 0x72},
    {0x0156, 0x52}, {0x0157, 0x72}, {0x0158, 0x52}, {0x0159, 0x72}, {0x015a, 0x53},
    {0x015b, 0x73}, {0x015c, 0x53}, {0x015d, 0x73}, {0x015e, 0x53}, {0x015f, 0x73},
    {0x0162, 0x54}, {0x0163, 0x74}, {0x0164, 0x54}, {0x0165, 0x74}, {0x0166, 0x54},
    {0x0167, 0x74}, {0x0168, 0x55}, {0x0169, 0x75}, {0x016a, 0x55}, {0x016b, 0x75},
    {0x016c, 0x55}, {0x016d, 0x75}, {0x016e, 0x55}, {0x016f, 0x75}, {0x0170, 0x55},
    {0x0171, 0x75}, {0x0172, 0x55}, {0x0173, 0x75}, {0x0174, 0x57}, {0x0175, 0x77},
    {0x0176, 0x59}, {0x0177, 0x79}, {0x0179, 0x5a}, {0x017b, 0x5a}, {0x017c, 0x7a},
    {0x0180, 0x62}, {0x0197, 0x49}, {0x019a, 0x6c}, {0x019f, 0x4f}, {0x01a0, 0x4f},
    {0x01a1, 0x6f}, {0x01ab, 0x74}, {0x01ae, 0x54}, {0x01af, 0x55}, {0x01b0, 0x75},
    {0x01b6, 0x7a}, {0x01c0, 0x7c}, {0x01c3, 0x21}, {0x01cd, 0x41}, {0x01ce, 0x61},
    {0x01cf, 0x49}, {0x01d0, 0x69}, {0x01d1, 0x4f}, {0x01d2, 0x6f}, {0x01d3, 0x55},
    {0x01d4, 0x75}, {0x01d5, 0x55}, {0x01d6, 0x75}, {0x01d7, 0x55}, {0x01d8, 0x75},
    {0x01d9, 0x55}, {0x01da, 0x75}, {0x01db, 0x55}, {0x01dc, 0x75}, {0x01de, 0x41},
    {0x01df, 0x61}, {0x01e4, 0x47}, {0x01e5, 0x67}, {0x01e6, 0x47}, {0x01e7, 0x67},
    {0x01e8, 0x4b}, {0x01e9, 0x6b}, {0x01ea, 0x4f}, {0x01eb, 0x6f}, {0x01ec, 0x4f},
    {0x01ed, 0x6f}, {0x01f0, 0x6a}, {0x0261, 0x67}, {0x02b9, 0x27}, {0x02ba, 0x22},
    {0x02bc, 0x27}, {0x02c4, 0x5e}, {0x02c8, 0x27}, {0x02cb, 0x60}, {0x02cd, 0x5f},
    {0x0300, 0x60}, {0x0302, 0x5e}, {0x0303, 0x7e}, {0x030e, 0x22}, {0x0331, 0x5f},
    {0x0332, 0x5f}, {0x037e, 0x3b}, {0x0393, 0x47}, {0x0398, 0x54}, {0x03a3, 0x53},
    {0x03a6, 0x46}, {0x03a9, 0x4f}, {0x03b1, 0x61}, {0x03b4, 0x64}, {0x03b5, 0x65},
    {0x03c0, 0x70}, {0x03c3, 0x73}, {0x03c4, 0x74}, {0x03c6, 0x66}, {0x04bb, 0x68},
    {0x0589, 0x3a}, {0x066a, 0x25}, {0x2000, 0x20}, {0x2001, 0x20}, {0x2002, 0x20},
    {0x2003, 0x20}, {0x2004, 0x20}, {0x2005, 0x20}, {0x2006, 0x20}, {0x2010, 0x2d},
    {0x2011, 0x2d}, {0x2017, 0x3d}, {0x2032, 0x27}, {0x2035, 0x60}, {0x2044, 0x2f},
    {0x2074, 0x34}, {0x2075, 0x35}, {0x2076, 0x36}, {0x2077, 0x37}, {0x2078, 0x38},
    {0x207f, 0x6e}, {0x2080, 0x30}, {0x2081, 0x31}, {0x2082, 0x32}, {0x2083, 0x33},
    {0x2084, 0x34}, {0x2085, 0x35}, {0x2086, 0x36}, {0x2087, 0x37}, {0x2088, 0x38},
    {0x2089, 0x39}, {0x20a7, 0x50}, {0x2102, 0x43}, {0x2107, 0x45}, {0x210a, 0x67},
    {0x210b, 0x48}, {0x210c, 0x48}, {0x210d, 0x48}, {0x210e, 0x68}, {0x2110, 0x49},
    {0x2111, 0x49}, {0x2112, 0x4c}, {0x2113, 0x6c}, {0x2115, 0x4e}, {0x2118, 0x50},
    {0x2119, 0x50}, {0x211a, 0x51}, {0x211b, 0x52}, {0x211c, 0x52}, {0x211d, 0x52},
    {0x2124, 0x5a}, {0x2128, 0x5a}, {0x212a, 0x4b}, {0x212c, 0x42}, {0x212d, 0x43},
    {0x212e, 0x65}, {0x212f, 0x65}, {0x2130, 0x45}, {0x2131, 0x46}, {0x2133, 0x4d},
    {0x2134, 0x6f}, {0x2212, 0x2d}, {0x2215, 0x2f}, {0x2216, 0x5c}, {0x2217, 0x2a},
    {0x221a, 0x76}, {0x221e, 0x38}, {0x2223, 0x7c}, {0x2229, 0x6e}, {0x2236, 0x3a},
    {0x223c, 0x7e}, {0x2261, 0x3d}, {0x2264, 0x3d}, {0x2265, 0x3d}, {0x2303, 0x5e},
    {0x2320, 0x28}, {0x2321, 0x29}, {0x2329, 0x3c}, {0x232a, 0x3e}, {0x2500, 0x2d},
    {0x250c, 0x2b}, {0x2510, 0x2b}, {0x2514, 0x2b}, {0x2518, 0x2b}, {0x251c, 0x2b},
    {0x252c, 0x2d}, {0x2534, 0x2d}, {0x253c, 0x2b}, {0x2550, 0x2d}, {0x2552, 0x2b},
    {0x2553, 0x2b}, {0x2554, 0x2b}, {0x2555, 0x2b}, {0x2556, 0x2b}, {0x2557, 0x2b},
    {0x2558, 0x2b}, {0x2559, 0x2b}, {0x255a, 0x2b}, {0x255b, 0x2b}, {0x255c, 0x2b},
    {0x255d, 0x2b}, {0x2564, 0x2d}, {0x2565, 0x2d}, {0x2566, 0x2d}, {0x2567, 0x2d},
    {0x2568, 0x2d}, {0x2569, 0x2d}, {0x256a, 0x2b}, {0x256b, 0x2b}, {0x256c, 0x2b},
    {0x2584, 0x5f}, {0x2758, 0x7c}, {0x3000, 0x20}, {0x3008, 0x3c}, {0x3009, 0x3e},
    {0x301a, 0x5b}, {0x301b, 0x5d}, {0xff01, 0x21}, {0xff02, 0x22}, {0xff03, 0x23},
    {0xff04, 0x24}, {0xff05, 0x25}, {0xff06, 0x26}, {0xff07, 0x27}, {0xff08, 0x28},
    {0xff09, 0x29}, {0xff0a, 0x2a}, {0xff0b, 0x2b}, {0xff0c, 0x2c}, {0xff0d, 0x2d},
    {0xff0e, 0x2e}, {0xff0f, 0x2f}, {0xff10, 0x30}, {0xff11, 0x31}, {0xff12, 0x32},
    {0xff13, 0x33}, {0xff14, 0x34}, {0xff15, 0x35}, {0xff16, 0x36}, {0xff17, 0x37},
    {0xff18, 0x38}, {0xff19, 0x39}, {0xff1a, 0x3a}, {0xff1b, 0x3b}, {0xff1c, 0x3c},
    {0xff1d, 0x3d}, {0xff1e, 0x3e}, {0xff20, 0x40}, {0xff21, 0x41}, {0xff22, 0x42},
    {0xff23, 0x43}, {0xff24, 0x44}, {0xff25, 0x45}, {0xff26, 0x46}, {0xff27, 0x47},
    {0xff28, 0x48}, {0xff29, 0x49}, {0xff2a, 0x4a}, {0xff2b, 0x4b}, {0xff2c, 0x4c},
    {0xff2d, 0x4d}, {0xff2e, 0x4e}, {0xff2f, 0x4f}, {0xff30, 0x50}, {0xff31, 0x51},
    {0xff32, 0x52}, {0xff33, 0x53}, {0xff34, 0x54}, {0xff35, 0x55}, {0xff36, 0x56},
    {0xff37, 0x57}, {0xff38, 0x58}, {0xff39, 0x59}, {0xff3a, 0x5a}, {0xff3b, 0x5b},
    {0xff3c, 0x5c}, {0xff3d, 0x5d}, {0xff3e, 0x5e}, {0xff3f, 0x5f}, {0xff40, 0x60},
    {0xff41, 0x61}, {0xff42, 0x62}, {0xff43, 0x63}, {0xff44, 0x64}, {0xff45, 0x65},
    {0xff46, 0x66}, {0xff47, 0x67}, {0xff48, 0x68}, {0xff49, 0x69}, {0xff4a, 0x6a},
    {0xff4b, 0x6b}, {0xff4c, 0x6c}, {0xff4d, 0x6d}, {0xff4e, 0x6e}, {0xff4f, 0x6f},
    {0xff50, 0x70}, {0xff51, 0x71}, {0xff52, 0x72}, {0xff53, 0x73}, {0xff54, 0x74},
    {0xff55, 0x75}, {0xff56, 0x76}, {0xff57, 0x77}, {0xff58, 0x78}, {0xff59, 0x79},
    {0xff5a, 0x7a}, {0xff5b, 0x7b}, {0xff5c, 0x7c}, {0xff5d, 0x7d}, {0xff5e, 0x7e},
};

static uint8_t bestfit_byte(uint32_t cp)
{
    if (cp < 0x100)
        return (uint8_t)cp;
    size_t lo = 0, hi = ARRAY_SIZE(bestfit);
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (bestfit[mid].cp == cp)
            return bestfit[mid].b;
        if (bestfit[mid].cp < cp)
            lo = mid + 1;
        else
            hi = mid;
    }
    return BESTFIT_REPLACEMENT;
}

/* Step 1 of the path (htp_decode_path_inplace, IDS personality, lower-casing off):
 * %XX and %uXXXX decoded, invalid escapes kept, '\' made '/', runs of '/' made one.
 * In place; returns the new length. */
static uint32_t path_decode(uint8_t *d, uint32_t len)
{
    uint32_t r = 0, w = 0;
    bool prev_sep = false;
    while (r < len) {
        uint8_t c = d[r];
        if (c == '%') {
            if (r + 2 < len) {
                bool handled = false;
                if (d[r + 1] == 'u' || d[r + 1] == 'U') {
                    handled = true;
                    if (r + 5 < len && is_xdigit(d[r + 2]) && is_xdigit(d[r + 3]) &&
                        is_xdigit(d[r + 4]) && is_xdigit(d[r + 5])) {
                        uint8_t c1 = x2c(d + r + 2), c2 = x2c(d + r + 4);
                        c = c1 == 0 ? c2 : bestfit_byte((uint32_t)c1 << 8 | c2);
                        r += 6;
                    } else {
                        r++; /* invalid: the '%' is kept */
                    }
                }
                if (!handled) {
                    if (is_xdigit(d[r + 1]) && is_xdigit(d[r + 2])) {
                        c = x2c(d + r + 1);
                        r += 3;
                    } else {
                        r++;
                    }
                }
            } else {
                r++;
            }
        } else {
            r++;
        }
        if (c == '\\')
            c = '/';
        if (c == '/') {
            if (!prev_sep)
                d[w++] = c;
            prev_sep = true;
        } else {
            d[w++] = c;
            prev_sep = false;
        }
    }
    return w;
}

/* Step 2 (htp_utf8_decode_path_inplace with best fit): each UTF-8 sequence, overlong
 * forms accepted, becomes one byte; an invalid byte becomes '?' (a byte that breaks a
 * sequence is then read again as a start); an unfinished sequence at the end is dropped.
 * In place; returns the new length. */
static uint32_t path_utf8(uint8_t *d, uint32_t len)
{
    uint32_t r = 0, w = 0;
    while (r < len) {
        uint8_t c = d[r];
        if (c < 0x80) {
            d[w++] = c;
            r++;
            continue;
        }
        uint32_t need, cp;
        if (c >= 0xc0 && c <= 0xdf) {
            need = 1;
            cp = c & 0x1f;
        } else if (c >= 0xe0 && c <= 0xef) {
            need = 2;
            cp = c & 0x0f;
        } else if (c >= 0xf0 && c <= 0xf7) {
            need = 3;
            cp = c & 0x07;
        } else {
            d[w++] = BESTFIT_REPLACEMENT; /* a continuation byte or 0xf8-0xff */
            r++;
            continue;
        }
        uint32_t i = 1;
        while (i <= need && r + i < len && (d[r + i] & 0xc0) == 0x80) {
            cp = cp << 6 | (d[r + i] & 0x3f);
            i++;
        }
        if (i > need) {
            d[w++] = cp > 0xffff ? BESTFIT_REPLACEMENT : bestfit_byte(cp);
            r += i;
        } else if (r + i >= len) {
            r = len; /* unfinished at the end: dropped */
        } else {
            d[w++] = BESTFIT_REPLACEMENT;
            r += i; /* the breaking byte is read again */
        }
    }
    return w;
}

/* Step 3 (htp_normalize_uri_path_inplace): RFC 3986 5.2.4 remove_dot_segments as libhtp
 * writes it; a '/' pending when the input ends is not written ("/a/." gives "/a"). */
static uint32_t path_dots(uint8_t *d, uint32_t len)
{
    uint32_t r = 0, w = 0;
    int c = -1;
    while (r < len && w < len) {
        if (c == -1)
            c = d[r++];
        if (c == '.') {
            if (r + 1 < len && d[r] == '.' && d[r + 1] == '/') { /* A: "../" */
                c = -1;
                r += 2;
                continue;
            }
            if (r < len && d[r] == '/') { /* A: "./" */
                c = -1;
                r += 1;
                continue;
            }
        }
        if (c == '/') {
            if (r + 1 < len && d[r] == '.' && d[r + 1] == '/') { /* B: "/./" */
                r += 2;
                continue;
            }
            if (r + 1 == len && d[r] == '.') { /* B: "/." at the end */
                r += 1;
                continue;
            }
            if ((r + 2 < len && d[r] == '.' && d[r + 1] == '.' && d[r + 2] == '/') ||
                (r + 2 == len && d[r] == '.' && d[r + 1] == '.')) { /* C: "/../", "/.." */
                r += (r + 2 == len) ? 2 : 3;
                while (w > 0 && d[w - 1] != '/')
                    w--;
                if (w > 0)
                    w--;
                continue;
            }
        }
        if (c == '.' && r == len) { /* D: "." alone */
            r++;
            continue;
        }
        if (c == '.' && r + 1 == len && d[r] == '.') { /* D: ".." alone */
            r += 2;
            continue;
        }
        d[w++] = (uint8_t)c; /* E: move one segment */
        while (r < len && d[r] != '/' && w < len)
            d[w++] = d[r++];
        c = -1;
    }
    return w;
}

/* %XX decoding of a query or fragment (htp_urldecode_inplace, URLENCODED decoder as
 * Suricata sets it: no %u, '+' kept, invalid escapes kept). In place. */
static uint32_t url_decode(uint8_t *d, uint32_t len)
{
    uint32_t r = 0, w = 0;
    while (r < len) {
        uint8_t c = d[r];
        if (c == '%' && r + 2 < len && is_xdigit(d[r + 1]) && is_xdigit(d[r + 2])) {
            c = x2c(d + r + 1);
            r += 3;
        } else {
            r++;
        }
        d[w++] = c;
    }
    return w;
}

/* Parts of a request-target as htp_parse_uri() cuts them; absent parts have off ==
 * SPAN_NONE. */
struct uri_parts {
    struct span scheme, authority, path, query, fragment;
};

static void uri_split(const uint8_t *d, uint32_t len, struct uri_parts *u)
{
    struct span none = {SPAN_NONE, 0};
    u->scheme = u->authority = u->path = u->query = u->fragment = none;
    if (len == 0)
        return;
    uint32_t pos = 0;
    if (d[0] != '/') {
        while (pos < len && d[pos] != ':')
            pos++;
        if (pos >= len) {
            pos = 0; /* no scheme: all of it is a path, as Apache takes it */
        } else {
            u->scheme = (struct span){0, pos};
            pos++;
        }
    }
    if (u->scheme.off != SPAN_NONE && pos + 2 < len && d[pos] == '/' && d[pos + 1] == '/' &&
        d[pos + 2] != '/') {
        uint32_t start = pos + 2;
        pos = start;
        while (pos < len && d[pos] != '?' && d[pos] != '/' && d[pos] != '#')
            pos++;
        u->authority = (struct span){start, pos - start};
    }
    uint32_t start = pos;
    while (pos < len && d[pos] != '?' && d[pos] != '#')
        pos++;
    u->path = (struct span){start, pos - start};
    if (pos == len)
        return;
    if (d[pos] == '?') {
        start = pos + 1;
        while (pos < len && d[pos] != '#')
            pos++;
        u->query = (struct span){start, pos - start};
        if (pos == len)
            return;
    }
    start = pos + 1;
    u->fragment = (struct span){start, len - start};
}

uint32_t http_uri_normalize(const uint8_t *uri, uint32_t len, uint8_t *out)
{
    struct uri_parts u;
    uri_split(uri, len, &u);
    uint32_t w = 0;
    if (u.path.off != SPAN_NONE) {
        memmove(out, uri + u.path.off, u.path.len);
        uint32_t n = path_decode(out, u.path.len);
        n = path_utf8(out, n);
        w = path_dots(out, n);
    }
    if (u.query.off != SPAN_NONE) {
        out[w++] = '?';
        memmove(out + w, uri + u.query.off, u.query.len);
        w += url_decode(out + w, u.query.len);
    }
    if (u.fragment.off != SPAN_NONE) {
        out[w++] = '#';
        memmove(out + w, uri + u.fragment.off, u.fragment.len);
        w += url_decode(out + w, u.fragment.len);
    }
    return w;
}

/* The hostname of an authority "[user[:pw]@]host[:port]" normalised as libhtp's
 * htp_normalize_hostname_inplace(): lower case, trailing dots removed. Written to 'out'
 * (at least 'len' bytes); returns its length, or -1 when the host is empty or an
 * unclosed IPv6 literal. */
static int32_t authority_host(const uint8_t *a, uint32_t len, uint8_t *out)
{
    const uint8_t *at = NULL;
    for (uint32_t i = 0; i < len; i++)
        if (a[i] == '@')
            at = a + i;
    if (at != NULL) {
        len -= (uint32_t)(at + 1 - a);
        a = at + 1;
    }
    uint32_t n;
    if (len > 0 && a[0] == '[') {
        const uint8_t *e = memchr(a, ']', len);
        if (e == NULL)
            return -1;
        n = (uint32_t)(e - a) + 1;
    } else {
        const uint8_t *colon = memchr(a, ':', len);
        n = colon != NULL ? (uint32_t)(colon - a) : len;
    }
    while (n > 0 && a[n - 1] == '.')
        n--;
    if (n == 0)
        return -1;
    for (uint32_t i = 0; i < n; i++)
        out[i] = lower(a[i]);
    return (int32_t)n;
}

/* ---------------------------------------------------------------------------------- */
/* Tables                                                                             */
/* ---------------------------------------------------------------------------------- */

static const char *const event_names[HTTP_EV_MAX] = {
#define HTTP_EV_NAME(id, name) name,
    HTTP_EVENTS(HTTP_EV_NAME)
#undef HTTP_EV_NAME
};

const char *http_event_name(enum http_event e)
{
    if ((unsigned)e >= HTTP_EV_MAX)
        return "unknown";
    return event_names[e];
}

enum buf_kind { BK_SPAN, BK_BODY, BK_FILE_REQ };

struct buf_row {
    struct http_buf_info info;
    uint8_t kind; /* enum buf_kind */
    uint8_t mb;   /* enum msg_buf, for BK_SPAN */
};

#define ROW(b, kw, dir, prog, kind, mb) [b] = {{kw, dir, HTTP_PROGRESS_##prog}, kind, mb}
static const struct buf_row buf_rows[HTTP_BUF_MAX] = {
    ROW(HTTP_BUF_URI, "http.uri", 0, LINE, BK_SPAN, MB_URI),
    ROW(HTTP_BUF_URI_RAW, "http.uri.raw", 0, LINE, BK_SPAN, MB_URI_RAW),
    ROW(HTTP_BUF_METHOD, "http.method", 0, LINE, BK_SPAN, MB_METHOD),
    ROW(HTTP_BUF_PROTOCOL_REQ, "http.protocol", 0, LINE, BK_SPAN, MB_PROTOCOL),
    ROW(HTTP_BUF_REQUEST_LINE, "http.request_line", 0, LINE, BK_SPAN, MB_LINE),
    ROW(HTTP_BUF_HOST, "http.host", 0, HEADERS, BK_SPAN, MB_HOST),
    ROW(HTTP_BUF_HOST_RAW, "http.host.raw", 0, HEADERS, BK_SPAN, MB_HOST_RAW),
    ROW(HTTP_BUF_USER_AGENT, "http.user_agent", 0, HEADERS, BK_SPAN, MB_USER_AGENT),
    ROW(HTTP_BUF_COOKIE_REQ, "http.cookie", 0, HEADERS, BK_SPAN, MB_COOKIE),
    ROW(HTTP_BUF_CONTENT_TYPE_REQ, "http.content_type", 0, HEADERS, BK_SPAN, MB_CONTENT_TYPE),
    ROW(HTTP_BUF_CONTENT_LEN_REQ, "http.content_len", 0, HEADERS, BK_SPAN, MB_CONTENT_LEN),
    ROW(HTTP_BUF_REFERER, "http.referer", 0, HEADERS, BK_SPAN, MB_REFERER),
    ROW(HTTP_BUF_ACCEPT, "http.accept", 0, HEADERS, BK_SPAN, MB_ACCEPT),
    ROW(HTTP_BUF_ACCEPT_ENC, "http.accept_enc", 0, HEADERS, BK_SPAN, MB_ACCEPT_ENC),
    ROW(HTTP_BUF_ACCEPT_LANG, "http.accept_lang", 0, HEADERS, BK_SPAN, MB_ACCEPT_LANG),
    ROW(HTTP_BUF_CONNECTION_REQ, "http.connection", 0, HEADERS, BK_SPAN, MB_CONNECTION),
    ROW(HTTP_BUF_HEADER_REQ, "http.header", 0, HEADERS, BK_SPAN, MB_HEADER),
    ROW(HTTP_BUF_HEADER_RAW_REQ, "http.header.raw", 0, HEADERS, BK_SPAN, MB_HEADER_RAW),
    ROW(HTTP_BUF_HEADER_NAMES_REQ, "http.header_names", 0, HEADERS, BK_SPAN, MB_NAMES),
    ROW(HTTP_BUF_START_REQ, "http.start", 0, HEADERS, BK_SPAN, MB_START),
    ROW(HTTP_BUF_REQUEST_BODY, "http.request_body", 0, BODY, BK_BODY, 0),
    ROW(HTTP_BUF_FILE_DATA_REQ, "file.data", 0, BODY, BK_FILE_REQ, 0),
    ROW(HTTP_BUF_PROTOCOL_RESP, "http.protocol", 1, LINE, BK_SPAN, MB_PROTOCOL),
    ROW(HTTP_BUF_STAT_CODE, "http.stat_code", 1, LINE, BK_SPAN, MB_STATUS),
    ROW(HTTP_BUF_STAT_MSG, "http.stat_msg", 1, LINE, BK_SPAN, MB_MSG),
    ROW(HTTP_BUF_RESPONSE_LINE, "http.response_line", 1, LINE, BK_SPAN, MB_LINE),
    ROW(HTTP_BUF_COOKIE_RESP, "http.cookie", 1, HEADERS, BK_SPAN, MB_COOKIE),
    ROW(HTTP_BUF_CONTENT_TYPE_RESP, "http.content_type", 1, HEADERS, BK_SPAN, MB_CONTENT_TYPE),
    ROW(HTTP_BUF_CONTENT_LEN_RESP, "http.content_len", 1, HEADERS, BK_SPAN, MB_CONTENT_LEN),
    ROW(HTTP_BUF_CONNECTION_RESP, "http.connection", 1, HEADERS, BK_SPAN, MB_CONNECTION),
    ROW(HTTP_BUF_LOCATION, "http.location", 1, HEADERS, BK_SPAN, MB_LOCATION),
    ROW(HTTP_BUF_SERVER, "http.server", 1, HEADERS, BK_SPAN, MB_SERVER),
    ROW(HTTP_BUF_HEADER_RESP, "http.header", 1, HEADERS, BK_SPAN, MB_HEADER),
    ROW(HTTP_BUF_HEADER_RAW_RESP, "http.header.raw", 1, HEADERS, BK_SPAN, MB_HEADER_RAW),
    ROW(HTTP_BUF_HEADER_NAMES_RESP, "http.header_names", 1, HEADERS, BK_SPAN, MB_NAMES),
    ROW(HTTP_BUF_START_RESP, "http.start", 1, HEADERS, BK_SPAN, MB_START),
    ROW(HTTP_BUF_RESPONSE_BODY, "http.response_body", 1, BODY, BK_BODY, 0),
    ROW(HTTP_BUF_FILE_DATA_RESP, "file.data", 1, BODY, BK_BODY, 0),
};
#undef ROW

const struct http_buf_info *http_buf_info(enum http_buf b)
{
    if ((unsigned)b >= HTTP_BUF_MAX)
        return NULL;
    return &buf_rows[b].info;
}

/* Single-field buffers: the field each one holds, per direction (NULL: none). */
static const struct {
    uint8_t mb;
    const char *name[2];
} named_fields[] = {
    {MB_USER_AGENT, {"User-Agent", NULL}},
    {MB_COOKIE, {"Cookie", "Set-Cookie"}},
    {MB_CONTENT_TYPE, {"Content-Type", "Content-Type"}},
    {MB_CONTENT_LEN, {"Content-Length", "Content-Length"}},
    {MB_REFERER, {"Referer", NULL}},
    {MB_ACCEPT, {"Accept", NULL}},
    {MB_ACCEPT_ENC, {"Accept-Encoding", NULL}},
    {MB_ACCEPT_LANG, {"Accept-Language", NULL}},
    {MB_CONNECTION, {"Connection", "Connection"}},
    {MB_LOCATION, {NULL, "Location"}},
    {MB_SERVER, {NULL, "Server"}},
};

/* Methods that may end a resync (libhtp's list of known methods, WebDAV included). */
static const char *const known_methods[] = {
    "GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH",
    "PROPFIND", "PROPPATCH", "MKCOL", "COPY", "MOVE", "LOCK", "UNLOCK", "VERSION-CONTROL",
    "CHECKOUT", "UNCHECKOUT", "CHECKIN", "UPDATE", "LABEL", "REPORT", "MKWORKSPACE",
    "MKACTIVITY", "BASELINE-CONTROL", "MERGE", "SEARCH",
};

/* ---------------------------------------------------------------------------------- */
/* Events, stats, transactions                                                        */
/* ---------------------------------------------------------------------------------- */

static void tx_event(struct http_state *h, struct http_tx *tx, enum http_event e)
{
    uint32_t bit = 1u << e;
    if (tx->events & bit)
        return; /* counted once per tx */
    tx->events |= bit;
    STAT_INC(h->stats->events[e]);
}

/* An event of direction 'd' with no transaction yet: given to the next one. */
static void dir_event(struct http_dir *d, enum http_event e)
{
    d->pending_events |= 1u << e;
}

static void msg_init(struct http_msg *m)
{
    memset(m, 0, sizeof(*m));
    for (unsigned i = 0; i < MB_COUNT; i++)
        m->b[i] = (struct span){SPAN_NONE, 0};
}

static void msg_clear(struct http_state *h, struct http_msg *m)
{
    mem_free(h, m->files, 2 * (size_t)m->nfiles * sizeof(*m->files));
    mem_free(h, m->arena, m->arena_len);
    mem_free(h, m->fields, (size_t)m->nfields * sizeof(*m->fields));
    mem_free(h, m->body, m->body_cap);
    msg_init(m);
}

static void tx_free(struct http_state *h, struct http_tx *tx)
{
    msg_clear(h, &tx->m[0]);
    msg_clear(h, &tx->m[1]);
    mem_free(h, tx, sizeof(*tx));
}

static void dir_close(struct http_dir *d);

/* Parsing stops for the whole connection (tunnel or cap): every transaction is
 * complete from here on, and both directions ignore their bytes. */
static void state_stop(struct http_state *h)
{
    h->stopped = true;
    for (int i = 0; i < 2; i++)
        dir_close(&h->d[i]);
    for (struct http_tx *t = h->first; t != NULL; t = t->next)
        t->m[0].progress = t->m[1].progress = HTTP_PROGRESS_COMPLETE;
}

/* A new transaction at the end of the list, or NULL when max_txs are held (then the
 * connection is given up, TOO_MANY_TXS on the newest) or memory is short. */
static struct http_tx *tx_new(struct http_state *h, struct http_dir *d)
{
    if (h->ntx >= h->conf.max_txs) {
        if (h->last != NULL)
            tx_event(h, h->last, HTTP_EV_TOO_MANY_TXS);
        else
            STAT_INC(h->stats->events[HTTP_EV_TOO_MANY_TXS]);
        state_stop(h);
        return NULL;
    }
    struct http_tx *tx = mem_alloc(h, sizeof(*tx));
    if (tx == NULL)
        return NULL;
    memset(tx, 0, sizeof(*tx));
    msg_init(&tx->m[0]);
    msg_init(&tx->m[1]);
    tx->id = h->next_id++;
    if (h->last != NULL)
        h->last->next = tx;
    else
        h->first = tx;
    h->last = tx;
    h->ntx++;
    STAT_INC(h->stats->txs);
    for (unsigned e = 0; e < HTTP_EV_MAX; e++)
        if (d->pending_events & (1u << e))
            tx_event(h, tx, (enum http_event)e);
    d->pending_events = 0;
    return tx;
}

/* The transaction a response starts for: the oldest whose response has not started. */
static struct http_tx *tx_awaiting_response(struct http_state *h)
{
    for (struct http_tx *t = h->first; t != NULL; t = t->next)
        if (t->m[1].progress == HTTP_PROGRESS_NONE)
            return t;
    return NULL;
}

/* ---------------------------------------------------------------------------------- */
/* Arena                                                                              */
/* ---------------------------------------------------------------------------------- */

/* Grows the arena of 'm' by 'n' bytes; returns the offset of the new part, or
 * SPAN_NONE when memory is short. */
static uint32_t arena_grow(struct http_state *h, struct http_msg *m, uint32_t n)
{
    if (n > UINT32_MAX - 1 - m->arena_len)
        return SPAN_NONE;
    uint8_t *p = mem_realloc(h, m->arena, m->arena_len, (size_t)m->arena_len + n);
    if (p == NULL)
        return SPAN_NONE;
    m->arena = p;
    uint32_t off = m->arena_len;
    m->arena_len += n;
    return off;
}

/* Gives back the arena's bytes past 'len' (when realloc() cannot, they stay counted). */
static void arena_shrink(struct http_state *h, struct http_msg *m, uint32_t len)
{
    if (len >= m->arena_len)
        return;
    if (len == 0) {
        mem_free(h, m->arena, m->arena_len);
        m->arena = NULL;
        m->arena_len = 0;
        return;
    }
    uint8_t *p = mem_realloc(h, m->arena, m->arena_len, len);
    if (p != NULL) {
        m->arena = p;
        m->arena_len = len;
    }
}

/* ---------------------------------------------------------------------------------- */
/* Start lines                                                                        */
/* ---------------------------------------------------------------------------------- */

static enum method_kind method_kind(const uint8_t *m, uint32_t n)
{
    static const struct {
        const char *s;
        enum method_kind k;
    } kinds[] = {{"GET", M_GET}, {"HEAD", M_HEAD}, {"POST", M_POST},
                 {"PUT", M_PUT}, {"CONNECT", M_CONNECT}};
    for (unsigned i = 0; i < ARRAY_SIZE(kinds); i++)
        if (n == strlen(kinds[i].s) && memcmp(m, kinds[i].s, n) == 0)
            return kinds[i].k;
    return M_OTHER;
}

static bool method_known(const uint8_t *m, uint32_t n)
{
    for (unsigned i = 0; i < ARRAY_SIZE(known_methods); i++)
        if (n == strlen(known_methods[i]) && memcmp(m, known_methods[i], n) == 0)
            return true;
    return false;
}

/* Does 'line' look like the start of a request: a known method and a space? */
static bool looks_like_request(const uint8_t *line, uint32_t len)
{
    uint32_t i = 0;
    while (i < len && is_token(line[i]))
        i++;
    return i < len && line[i] == ' ' && method_known(line, i);
}

/* libhtp's htp_treat_response_line_as_body() turned round: blanks (and NULs), then
 * "http" in any case. */
static bool looks_like_response(const uint8_t *line, uint32_t len)
{
    uint32_t i = 0;
    while (i < len && (is_space(line[i]) || line[i] == 0))
        i++;
    return len >= i + 4 && lower(line[i]) == 'h' && lower(line[i + 1]) == 't' &&
           lower(line[i + 2]) == 't' && lower(line[i + 3]) == 'p';
}

/* "HTTP/x.y" with one digit each: 1 for 1.1 and later, 0 for older, -1 invalid. */
static int protocol_level(const uint8_t *p, uint32_t n)
{
    while (n > 0 && is_space(*p)) {
        p++;
        n--;
    }
    while (n > 0 && is_space(p[n - 1]))
        n--;
    if (n != 8 || memcmp(p, "HTTP/", 5) != 0 || !isdigit(p[5]) || p[6] != '.' ||
        !isdigit(p[7]))
        return -1;
    return (p[5] > '1' || (p[5] == '1' && p[7] >= '1')) ? 1 : 0;
}

/* The start line 'line' (CR/LF removed) of a request, whose transaction is 'tx':
 * split as libhtp's htp_parse_request_line_generic_ex() does, copied into the arena with
 * the normalised URI and the URI's host. Returns false when memory is short. */
static bool request_line(struct http_state *h, struct http_tx *tx, const uint8_t *line,
                         uint32_t len)
{
    struct http_msg *m = &tx->m[0];
    uint32_t pos = 0;
    while (pos < len && is_space(line[pos]))
        pos++;
    uint32_t mstart = pos;
    while (pos < len && !is_space(line[pos]))
        pos++;
    uint32_t mlen = pos - mstart;
    while (pos < len && is_space(line[pos]))
        pos++;
    uint32_t ustart = pos, ulen = 0, pstart = len, plen = 0;
    bool has_uri = pos < len;
    if (has_uri) {
        bool bad_delim = false;
        while (pos < len && line[pos] != ' ') {
            if (is_space(line[pos]))
                bad_delim = true;
            pos++;
        }
        if (bad_delim && pos == len) { /* other blanks as delimiters, as IIS takes them */
            pos = ustart;
            while (pos < len && !is_space(line[pos]))
                pos++;
        }
        ulen = pos - ustart;
        while (pos < len && is_space(line[pos]))
            pos++;
        if (pos < len) {
            pstart = pos;
            plen = len - pos;
        }
        /* "GET /a b HTTP/1.1": what follows the first space is not a protocol but the
         * line ends with one: the URI holds the spaces (Suricata 8's libhtp-rs; the
         * suricata-verify test http-uri-spaces) */
        if (plen > 0 && protocol_level(line + pstart, plen) < 0) {
            uint32_t last = len;
            while (last > pstart && line[last - 1] != ' ')
                last--;
            if (last > pstart && protocol_level(line + last, len - last) >= 0) {
                uint32_t uend = last - 1;
                while (uend > ustart && line[uend - 1] == ' ')
                    uend--;
                ulen = uend - ustart;
                pstart = last;
                plen = len - last;
            }
        }
    }
    tx->has_request = true;
    tx->method = (uint8_t)method_kind(line + mstart, mlen);
    tx->http09 = plen == 0;
    int level = plen > 0 ? protocol_level(line + pstart, plen) : 0;
    if (plen > 0 && level < 0)
        tx_event(h, tx, HTTP_EV_PROTOCOL_INVALID);
    tx->proto11 = level == 1;

    /* Arena: the line, the normalised URI (never longer), the URI's host. */
    uint32_t off = arena_grow(h, m, len + 2 * ulen);
    if (off == SPAN_NONE)
        return false;
    uint8_t *a = m->arena + off;
    memcpy(a, line, len);
    m->b[MB_LINE] = (struct span){off, len};
    m->b[MB_METHOD] = (struct span){off + mstart, mlen};
    if (plen > 0)
        m->b[MB_PROTOCOL] = (struct span){off + pstart, plen};
    uint32_t used = len;
    if (has_uri) {
        m->b[MB_URI_RAW] = (struct span){off + ustart, ulen};
        const uint8_t *uri = line + ustart;
        struct uri_parts u;
        uri_split(uri, ulen, &u);
        struct span auth = u.authority;
        if (tx->method == M_CONNECT) { /* the target is an authority (RFC 9110 9.3.6) */
            /* a path is not one: no host from it (libhtp took "/" as the host before
             * Suricata 8; Suricata-verify bug-7851) */
            auth = ulen > 0 && uri[0] != '/' ? (struct span){0, ulen}
                                              : (struct span){SPAN_NONE, 0};
            m->b[MB_URI] = (struct span){off + used, 0};
        } else {
            uint32_t n = http_uri_normalize(uri, ulen, a + used);
            m->b[MB_URI] = (struct span){off + used, n};
            used += n;
        }
        if (auth.off != SPAN_NONE) {
            int32_t n = authority_host(uri + auth.off, auth.len, a + used);
            if (n >= 0) {
                m->b[MB_HOST] = m->b[MB_HOST_RAW] = (struct span){off + used, (uint32_t)n};
                used += (uint32_t)n;
            }
        }
    }
    arena_shrink(h, m, off + used);
    m->progress = HTTP_PROGRESS_LINE;
    STAT_INC(h->stats->requests);
    return true;
}

/* The status line of a response (htp_parse_response_line_generic()). */
static bool response_line(struct http_state *h, struct http_tx *tx, const uint8_t *line,
                          uint32_t len)
{
    struct http_msg *m = &tx->m[1];
    uint32_t off = arena_grow(h, m, len);
    if (off == SPAN_NONE)
        return false;
    memcpy(m->arena + off, line, len);
    m->b[MB_LINE] = (struct span){off, len};
    uint32_t pos = 0;
    while (pos < len && is_space(line[pos]))
        pos++;
    uint32_t start = pos;
    while (pos < len && !is_space(line[pos]))
        pos++;
    m->b[MB_PROTOCOL] = (struct span){off + start, pos - start};
    while (pos < len && is_space(line[pos]))
        pos++;
    if (pos < len) {
        start = pos;
        while (pos < len && !is_space(line[pos]))
            pos++;
        m->b[MB_STATUS] = (struct span){off + start, pos - start};
        while (pos < len && is_space(line[pos]))
            pos++;
        if (pos < len)
            m->b[MB_MSG] = (struct span){off + pos, len - pos};
    }
    m->progress = HTTP_PROGRESS_LINE;
    STAT_INC(h->stats->responses);
    return true;
}

/* The status code of a response, or -1 when it is not three digits. */
static int response_status(const struct http_msg *m)
{
    const struct span s = m->b[MB_STATUS];
    if (s.off == SPAN_NONE || s.len != 3)
        return -1;
    const uint8_t *p = m->arena + s.off;
    for (int i = 0; i < 3; i++)
        if (!isdigit(p[i]))
            return -1;
    return (p[0] - '0') * 100 + (p[1] - '0') * 10 + (p[2] - '0');
}

/* ---------------------------------------------------------------------------------- */
/* Field lines                                                                        */
/* ---------------------------------------------------------------------------------- */

static uint32_t name_hash(const uint8_t *p, uint32_t n)
{
    uint32_t x = 2166136261u;
    for (uint32_t i = 0; i < n; i++)
        x = (x ^ lower(p[i])) * 16777619u;
    return x;
}

/* Splits one logical field line (folded lines joined) as libhtp's
 * htp_parse_request_header_generic(): the name up to the first ':' less trailing
 * blanks, the value trimmed of blanks; a line without ':' is a field with an empty name
 * and the whole line as value. */
static void field_split(struct http_state *h, struct http_tx *tx, const uint8_t *s,
                        uint32_t off, uint32_t len, struct rawfield *f)
{
    const uint8_t *p = s + off;
    uint32_t colon = 0;
    while (colon < len && p[colon] != ':' && p[colon] != '\0')
        colon++;
    if (colon == len || p[colon] == '\0') {
        tx_event(h, tx, HTTP_EV_HEADER_MISSING_COLON);
        f->name_off = off;
        f->name_len = 0;
        f->val_off = off;
        f->val_len = len;
        return;
    }
    uint32_t name_end = colon;
    while (name_end > 0 && is_lws(p[name_end - 1]))
        name_end--;
    bool bad = name_end == 0 || name_end != colon;
    for (uint32_t i = 0; i < name_end && !bad; i++)
        if (!is_token(p[i]))
            bad = true;
    if (bad)
        tx_event(h, tx, HTTP_EV_HEADER_NAME_INVALID);
    uint32_t vs = colon + 1, ve = len;
    while (vs < len && is_lws(p[vs]))
        vs++;
    while (ve > vs && is_lws(p[ve - 1]))
        ve--;
    f->name_off = off;
    f->name_len = name_end;
    f->val_off = off + vs;
    f->val_len = ve - vs;
}

static void put(uint8_t *a, uint32_t *w, const void *s, uint32_t n)
{
    if (n == 0)
        return;
    memcpy(a + *w, s, n);
    *w += n;
}

/* The value of the merged field whose first occurrence is fs[i], written at a + *w. */
static void put_value(uint8_t *a, uint32_t *w, const uint8_t *s, const struct rawfield *fs,
                      int32_t i)
{
    for (int32_t j = i; j >= 0; j = fs[j].next_dup) {
        if (j != i)
            put(a, w, ", ", 2);
        put(a, w, s + fs[j].val_off, fs[j].val_len);
    }
}

/* Is the Content-Type multipart/form-data? */
static bool is_multipart(const uint8_t *v, uint32_t n)
{
    static const char mp[] = "multipart/form-data";
    uint32_t ml = sizeof(mp) - 1;
    return n >= ml && eq_nocase_mem(v, ml, (const uint8_t *)mp, ml);
}

/* Content-Length as libhtp reads it: blanks, digits, blanks. -1 when invalid. */
static int64_t content_length(const uint8_t *p, uint32_t n)
{
    while (n > 0 && is_space(*p)) {
        p++;
        n--;
    }
    while (n > 0 && is_space(p[n - 1]))
        n--;
    if (n == 0 || n > 18)
        return -1;
    int64_t v = 0;
    for (uint32_t i = 0; i < n; i++) {
        if (!isdigit(p[i]))
            return -1;
        v = v * 10 + (p[i] - '0');
    }
    return v;
}

/* The Host field's hostname as libhtp's htp_parse_hostport() cuts it (see the header):
 * written to 'out'; returns its length, -1 for an unclosed IPv6 literal, -2 for an
 * empty value. Sets
 * *bad_port when a port part is there but is not a number up to 65535. */
static int32_t host_field(const uint8_t *v, uint32_t n, uint8_t *out, bool *bad_port)
{
    *bad_port = false;
    while (n > 0 && is_space(*v)) {
        v++;
        n--;
    }
    while (n > 0 && is_space(v[n - 1]))
        n--;
    if (n == 0)
        return -2; /* empty: no hostname, and not invalid (oracle) */
    const uint8_t *port = NULL;
    uint32_t hn, pn = 0;
    if (n > 0 && v[0] == '[') {
        const uint8_t *e = memchr(v, ']', n);
        if (e == NULL)
            return -1;
        hn = (uint32_t)(e - v) + 1;
        memcpy(out, v, hn);
        if (hn < n && v[hn] == ':') {
            port = v + hn + 1;
            pn = n - hn - 1;
        } else if (hn < n) {
            *bad_port = true;
        }
    } else {
        const uint8_t *colon = memchr(v, ':', n);
        if (colon == NULL) {
            for (uint32_t i = 0; i < n; i++)
                out[i] = lower(v[i]);
            return (int32_t)n;
        }
        hn = (uint32_t)(colon - v);
        while (hn > 0 && is_space(v[hn - 1]))
            hn--;
        memcpy(out, v, hn);
        port = colon + 1;
        pn = n - (uint32_t)(colon + 1 - v);
    }
    if (port != NULL && pn > 0) {
        uint32_t val = 0;
        for (uint32_t i = 0; i < pn && !*bad_port; i++) {
            if (!isdigit(port[i]) || (val = val * 10 + (uint32_t)(port[i] - '0')) > 65535)
                *bad_port = true;
        }
    }
    return (int32_t)hn;
}

/* The head of direction d is whole in d->head[0, head_len) (start line, field lines,
 * and the blank line unless the head was cut at the limit): the fields are parsed and
 * the message's head buffers built. Returns false when memory is short. */
static bool head_build(struct http_dir *d)
{
    struct http_state *h = d->h;
    struct http_tx *tx = d->tx;
    struct http_msg *m = &tx->m[d->dir];
    const uint8_t *raw = d->head + d->line_end;
    uint32_t rlen = d->head_len - d->line_end;

    /* Logical lines: physical lines less CR/LF, folded lines joined to the one before. */
    uint8_t *s = mem_alloc(h, rlen + 1);
    uint32_t nlines = 0;
    for (uint32_t i = 0; i < rlen; i++)
        nlines += raw[i] == '\n';
    nlines++;
    struct rawfield *fs = mem_alloc(h, (size_t)nlines * sizeof(*fs));
    if (s == NULL || fs == NULL) {
        mem_free(h, s, rlen + 1);
        mem_free(h, fs, (size_t)nlines * sizeof(*fs));
        return false;
    }
    uint32_t slen = 0, nf = 0;
    uint32_t lstart = 0; /* the current logical line's offset in s */
    bool open = false;
    for (uint32_t pos = 0; pos < rlen;) {
        const uint8_t *lf = memchr(raw + pos, '\n', rlen - pos);
        uint32_t end = lf != NULL ? (uint32_t)(lf - raw) : rlen;
        uint32_t next = lf != NULL ? end + 1 : rlen;
        uint32_t cend = end;
        while (cend > pos && raw[cend - 1] == '\r')
            cend--;
        if (cend == pos) /* the blank line */
            break;
        bool fold = open && is_lws(raw[pos]);
        if (!fold) {
            if (open && nf < HTTP_MAX_HEADERS)
                field_split(h, tx, s, lstart, slen - lstart, &fs[nf++]);
            else if (open)
                tx_event(h, tx, HTTP_EV_TOO_MANY_HEADERS);
            lstart = slen;
            open = true;
        }
        memcpy(s + slen, raw + pos, cend - pos);
        slen += cend - pos;
        pos = next;
    }
    if (open) {
        if (nf < HTTP_MAX_HEADERS)
            field_split(h, tx, s, lstart, slen - lstart, &fs[nf++]);
        else
            tx_event(h, tx, HTTP_EV_TOO_MANY_HEADERS);
    }

    /* Merge repeated names (hash table of first occurrences). */
    uint32_t hsize = 16;
    while (hsize < 2 * nf)
        hsize *= 2;
    int32_t *ht = mem_alloc(h, hsize * sizeof(*ht));
    if (ht == NULL) {
        mem_free(h, s, rlen + 1);
        mem_free(h, fs, (size_t)nlines * sizeof(*fs));
        return false;
    }
    for (uint32_t i = 0; i < hsize; i++)
        ht[i] = -1;
    uint32_t nuniq = 0, reps = 0;
    uint64_t start_size = m->b[MB_LINE].len + 2, names_size = 0, header_size = 0;
    bool cookie_seen = false;
    const char *cookie = d->dir == 0 ? "Cookie" : "Set-Cookie";
    for (uint32_t i = 0; i < nf; i++) {
        fs[i].first = -1;
        fs[i].next_dup = -1;
        uint32_t slot = name_hash(s + fs[i].name_off, fs[i].name_len) & (hsize - 1);
        while (ht[slot] >= 0) {
            struct rawfield *o = &fs[ht[slot]];
            if (eq_nocase_mem(s + o->name_off, o->name_len, s + fs[i].name_off, fs[i].name_len))
                break;
            slot = (slot + 1) & (hsize - 1);
        }
        if (ht[slot] >= 0) {
            /* As libhtp: from the third occurrence of a name on, at most
             * HTTP_MAX_REPETITIONS fields are kept per head; a repeated Content-Length
             * is not merged (the first counts). */
            int32_t j = ht[slot];
            fs[i].first = j;
            if (fs[j].repeated) {
                if (reps >= HTTP_MAX_REPETITIONS)
                    continue;
                reps++;
            }
            fs[j].repeated = true;
            if (eq_nocase(s + fs[j].name_off, fs[j].name_len, "Content-Length")) {
                int64_t a = content_length(s + fs[j].val_off, fs[j].val_len);
                int64_t b = content_length(s + fs[i].val_off, fs[i].val_len);
                if (a < 0 || b < 0 || a != b)
                    tx_event(h, tx, HTTP_EV_CONTENT_LENGTH_DUPLICATE);
                continue;
            }
            fs[fs[j].last_dup].next_dup = (int32_t)i;
            fs[j].last_dup = (int32_t)i;
            start_size += 2 + fs[i].val_len;
            if (eq_nocase(s + fs[j].name_off, fs[j].name_len, cookie))
                continue;
            header_size += 2 + fs[i].val_len;
            continue;
        }
        fs[i].last_dup = (int32_t)i;
        fs[i].repeated = false;
        ht[slot] = (int32_t)i;
        nuniq++;
        uint32_t fl = fs[i].name_len + 2 + fs[i].val_len + 2;
        start_size += fl;
        names_size += fs[i].name_len + 2;
        if (eq_nocase(s + fs[i].name_off, fs[i].name_len, cookie))
            cookie_seen = true;
        else
            header_size += fl;
    }
    mem_free(h, ht, hsize * sizeof(*ht));
    if (nuniq > 0) {
        start_size += 2;
        names_size += 4;
    }

    /* Arena: raw field lines, start, header (when Cookie leaves it apart from start),
     * names, Host field's hostname; fields. */
    uint64_t need = (uint64_t)d->interim_len + d->line_end + rlen + start_size +
                    (cookie_seen ? header_size : 0) + names_size + rlen;
    struct field *fields = nuniq > 0 ? mem_alloc(h, nuniq * sizeof(*fields)) : NULL;
    uint32_t off = need <= UINT32_MAX ? arena_grow(h, m, (uint32_t)need) : SPAN_NONE;
    if (off == SPAN_NONE || (nuniq > 0 && fields == NULL)) {
        mem_free(h, fields, nuniq * sizeof(*fields));
        mem_free(h, s, rlen + 1);
        mem_free(h, fs, (size_t)nlines * sizeof(*fs));
        return false;
    }
    uint8_t *a = m->arena;
    uint32_t w = off;
    if (!(tx->http09 && d->dir == 0) && rlen + d->interim_len > 0) {
        /* After 100 Continue, Suricata's raw header data holds the interim field lines
         * and the final status line too. */
        uint32_t fl = d->interim_len > 0 ? d->line_end : 0;
        put(a, &w, d->interim, d->interim_len);
        put(a, &w, d->head, fl);
        put(a, &w, raw, rlen);
        m->b[MB_HEADER_RAW] = (struct span){off, d->interim_len + fl + rlen};
        m->raw_interim = d->interim_len;
        m->raw_line = fl;
    }
    mem_free(h, d->interim, d->interim_len);
    d->interim = NULL;
    d->interim_len = 0;
    uint32_t start_off = w;
    put(a, &w, a + m->b[MB_LINE].off, m->b[MB_LINE].len);
    put(a, &w, "\r\n", 2);
    uint32_t nfield = 0, hdr_start = w;
    for (uint32_t i = 0; i < nf; i++) {
        if (fs[i].first >= 0)
            continue;
        struct field *f = &fields[nfield++];
        f->name_off = w;
        f->name_len = fs[i].name_len;
        put(a, &w, s + fs[i].name_off, fs[i].name_len);
        put(a, &w, ": ", 2);
        f->val_off = w;
        put_value(a, &w, s, fs, (int32_t)i);
        f->val_len = w - f->val_off;
        put(a, &w, "\r\n", 2);
    }
    uint32_t hdr_end = w;
    if (nuniq > 0)
        put(a, &w, "\r\n", 2);
    m->b[MB_START] = (struct span){start_off, w - start_off};
    if (cookie_seen) {
        uint32_t hs = w;
        for (uint32_t i = 0; i < nfield; i++) {
            struct field *f = &fields[i];
            if (eq_nocase(a + f->name_off, f->name_len, cookie))
                continue;
            put(a, &w, a + f->name_off, f->val_off + f->val_len - f->name_off);
            put(a, &w, "\r\n", 2);
        }
        if (w > hs)
            m->b[MB_HEADER] = (struct span){hs, w - hs};
    } else if (hdr_end > hdr_start) {
        m->b[MB_HEADER] = (struct span){hdr_start, hdr_end - hdr_start};
    }
    if (nfield > 0) {
        uint32_t ns = w;
        put(a, &w, "\r\n", 2);
        for (uint32_t i = 0; i < nfield; i++) {
            put(a, &w, a + fields[i].name_off, fields[i].name_len);
            put(a, &w, "\r\n", 2);
        }
        put(a, &w, "\r\n", 2);
        m->b[MB_NAMES] = (struct span){ns, w - ns};
    }
    m->fields = fields;
    m->nfields = nfield;

    /* Single-field buffers. */
    for (unsigned i = 0; i < ARRAY_SIZE(named_fields); i++) {
        const char *name = named_fields[i].name[d->dir];
        if (name == NULL)
            continue;
        for (uint32_t j = 0; j < nfield; j++) {
            if (eq_nocase(a + fields[j].name_off, fields[j].name_len, name)) {
                m->b[named_fields[i].mb] = (struct span){fields[j].val_off, fields[j].val_len};
                break;
            }
        }
    }

    /* Host (requests): the URI's host wins; else the Host field's. */
    if (d->dir == 0) {
        struct span hf = {SPAN_NONE, 0};
        for (uint32_t j = 0; j < nfield; j++)
            if (eq_nocase(a + fields[j].name_off, fields[j].name_len, "Host"))
                hf = (struct span){fields[j].val_off, fields[j].val_len};
        if (hf.off == SPAN_NONE) {
            if (tx->proto11 && m->b[MB_HOST].off == SPAN_NONE)
                tx_event(h, tx, HTTP_EV_HOST_MISSING);
        } else {
            bool bad_port;
            int32_t n = host_field(a + hf.off, hf.len, a + w, &bad_port);
            if (n == -1 || bad_port)
                tx_event(h, tx, HTTP_EV_HOST_INVALID);
            if (m->b[MB_HOST].off != SPAN_NONE) {
                if (n >= 0 && !eq_nocase_mem(a + m->b[MB_HOST].off, m->b[MB_HOST].len, a + w,
                                             (uint32_t)n))
                    tx_event(h, tx, HTTP_EV_HOST_AMBIGUOUS);
            } else {
                m->b[MB_HOST_RAW] = hf;
                if (n >= 0) {
                    m->b[MB_HOST] = (struct span){w, (uint32_t)n};
                    w += (uint32_t)n;
                }
            }
        }
        if (m->b[MB_CONTENT_TYPE].off != SPAN_NONE)
            tx->multipart =
                is_multipart(a + m->b[MB_CONTENT_TYPE].off, m->b[MB_CONTENT_TYPE].len);
    }
    arena_shrink(h, m, w);
    mem_free(h, s, rlen + 1);
    mem_free(h, fs, (size_t)nlines * sizeof(*fs));
    m->progress = HTTP_PROGRESS_HEADERS;
    return true;
}

/* The value of field 'name' of message 'm', or a span with off == SPAN_NONE. */
static struct span msg_field(const struct http_msg *m, const char *name)
{
    for (uint32_t i = 0; i < m->nfields; i++)
        if (eq_nocase(m->arena + m->fields[i].name_off, m->fields[i].name_len, name))
            return (struct span){m->fields[i].val_off, m->fields[i].val_len};
    return (struct span){SPAN_NONE, 0};
}

/* Does a Transfer-Encoding value hold the token "chunked"? */
static bool has_chunked(const uint8_t *p, uint32_t n)
{
    uint32_t i = 0;
    while (i < n) {
        while (i < n && (is_space(p[i]) || p[i] == ','))
            i++;
        uint32_t s = i;
        while (i < n && p[i] != ',' && !is_space(p[i]) && p[i] != ';')
            i++;
        if (eq_nocase(p + s, i - s, "chunked"))
            return true;
        while (i < n && p[i] != ',')
            i++;
    }
    return false;
}

/* ---------------------------------------------------------------------------------- */
/* Bodies                                                                             */
/* ---------------------------------------------------------------------------------- */

static uint32_t body_limit(const struct http_dir *d)
{
    return d->dir == 0 ? d->h->conf.request_body_limit : d->h->conf.response_body_limit;
}

/* Keeps decoded body bytes up to the limit. Returns false once nothing more is kept. */
static bool body_store(struct http_dir *d, const uint8_t *p, size_t n)
{
    struct http_state *h = d->h;
    struct http_msg *m = &d->tx->m[d->dir];
    STAT_ADD(h->stats->body_bytes[d->dir], n);
    if (h->body_tap != NULL && n > 0) {
        d->tapped = true;
        h->body_tap(h->body_tap_ctx, d->tx, d->dir, p, (uint32_t)n, false);
    }
    if (d->store_stop)
        return false;
    uint32_t limit = body_limit(d);
    size_t room = limit - m->body_len;
    if (n > room) {
        tx_event(h, d->tx, HTTP_EV_BODY_TRUNCATED);
        n = room;
        d->store_stop = true;
    }
    if (n == 0)
        return !d->store_stop;
    if (m->body_len + n > m->body_cap) {
        size_t cap = m->body_cap != 0 ? m->body_cap : 4096;
        while (cap < m->body_len + n)
            cap *= 2;
        if (cap > limit)
            cap = limit;
        uint8_t *b = mem_realloc(h, m->body, m->body_cap, cap);
        if (b == NULL) {
            d->store_stop = true;
            return false;
        }
        m->body = b;
        m->body_cap = (uint32_t)cap;
    }
    memcpy(m->body + m->body_len, p, n);
    m->body_len += (uint32_t)n;
    return !d->store_stop;
}

static void z_free(struct http_dir *d)
{
    for (unsigned k = 0; k < HTTP_MAX_LAYERS; k++) {
        struct zstage *st = &d->zs[k];
        if (st->z != NULL) {
            inflateEnd(st->z);
            mem_free(d->h, st->z, sizeof(*st->z));
            st->z = NULL;
        }
    }
}

/* Every stage stops: nothing more is worth inflating. */
static void z_stop_all(struct http_dir *d)
{
    for (unsigned k = 0; k < d->nstages; k++)
        d->zs[k].stop = true;
}

/* Starts zlib on stage 'st' for the next format to try: gzip or zlib (auto) then raw
 * deflate for gzip; zlib or raw deflate, as the first two bytes tell, then the other,
 * for deflate. */
static bool z_start(struct http_dir *d, struct zstage *st, const uint8_t *p, size_t n)
{
    struct http_state *h = d->h;
    if (st->z != NULL) {
        inflateEnd(st->z);
        mem_free(h, st->z, sizeof(*st->z));
        st->z = NULL;
    }
    bool zlib_hdr = n >= 2 && (p[0] & 0x0f) == 8 && (p[0] >> 4) <= 7 &&
                    ((p[0] << 8) | p[1]) % 31 == 0;
    int wbits;
    if (st->codec == CODEC_GZIP)
        wbits = st->tries == 0 ? 15 + 32 : -15;
    else
        wbits = (st->tries == 0) == zlib_hdr ? 15 : -15;
    st->tries++;
    st->z = mem_calloc(h, sizeof(*st->z));
    if (st->z == NULL)
        return false;
    st->z->zalloc = zalloc_counted;
    st->z->zfree = zfree_counted;
    st->z->opaque = h;
    if (inflateInit2(st->z, wbits) != Z_OK) {
        mem_free(h, st->z, sizeof(*st->z));
        st->z = NULL;
        return false;
    }
    return true;
}

static void stage_feed(struct http_dir *d, unsigned k, const uint8_t *p, size_t n);

/* Output of stage k: the next stage's input, or the body. */
static void stage_out(struct http_dir *d, unsigned k, const uint8_t *p, size_t n)
{
    if (k + 1 < d->nstages)
        stage_feed(d, k + 1, p, n);
    else if (!body_store(d, p, n))
        z_stop_all(d);
}

/* Inflates one chunk of stage k's input. */
static void stage_inflate(struct http_dir *d, unsigned k, const uint8_t *p, size_t n)
{
    struct http_state *h = d->h;
    struct zstage *st = &d->zs[k];
    if (st->pass) {
        stage_out(d, k, p, n);
        return;
    }
    if (st->stop || st->end)
        return;
    if (st->z == NULL && !z_start(d, st, p, n)) {
        st->stop = true;
        return;
    }
    uint8_t out[8192];
    bool first_chunk = st->in == 0;
    st->z->next_in = (Bytef *)(uintptr_t)p;
    st->z->avail_in = (uInt)n;
    for (;;) {
        st->z->next_out = out;
        st->z->avail_out = sizeof(out);
        uInt before = st->z->avail_in;
        int rc = inflate(st->z, Z_NO_FLUSH);
        size_t got = sizeof(out) - st->z->avail_out;
        if (got > 0) {
            uint64_t room = h->conf.decompress_limit - st->out;
            if (got > room) {
                got = (size_t)room;
                tx_event(h, d->tx, HTTP_EV_DECOMPRESS_LIMIT);
                z_stop_all(d);
            }
            st->out += got;
            STAT_ADD(h->stats->inflated_bytes, got);
            stage_out(d, k, out, got);
        }
        if (rc == Z_STREAM_END) {
            st->end = true; /* what follows the stream is ignored */
            break;
        }
        if (rc != Z_OK && rc != Z_BUF_ERROR) {
            /* A first chunk that nothing came out of: try the other format. */
            if (first_chunk && st->out == 0 && st->tries < 2) {
                if (!z_start(d, st, p, n)) {
                    st->stop = true;
                    break;
                }
                st->z->next_in = (Bytef *)(uintptr_t)p;
                st->z->avail_in = (uInt)n;
                continue;
            }
            tx_event(h, d->tx, HTTP_EV_DECOMPRESS_FAILED);
            st->pass = true; /* as libhtp: what is left goes on as it is */
            const uint8_t *rest = first_chunk && st->out == 0 ? p : st->z->next_in;
            size_t rest_len = first_chunk && st->out == 0 ? n : st->z->avail_in;
            inflateEnd(st->z);
            mem_free(h, st->z, sizeof(*st->z));
            st->z = NULL;
            stage_out(d, k, rest, rest_len);
            break;
        }
        if (st->stop)
            break;
        if (st->z->avail_out != 0 && st->z->avail_in == 0)
            break; /* all input used and all output given */
        if (st->z->avail_in == before && got == 0)
            break; /* no progress possible */
    }
    st->in += n;
}

/* Stage k's input. The first two bytes of a deflate stream tell zlib-wrapped from raw:
 * a first byte alone waits for the second. */
static void stage_feed(struct http_dir *d, unsigned k, const uint8_t *p, size_t n)
{
    struct zstage *st = &d->zs[k];
    if (n == 0)
        return;
    if (st->z == NULL && st->in == 0 && !st->pass && !st->stop && st->hdr_len + n < 2) {
        st->hdr = p[0];
        st->hdr_len = 1;
        return;
    }
    if (st->hdr_len > 0) {
        uint8_t two[2] = {st->hdr, p[0]};
        st->hdr_len = 0;
        stage_inflate(d, k, two, 2);
        p++;
        n--;
    }
    if (n > 0)
        stage_inflate(d, k, p, n);
}

/* Decoded (de-chunked) body bytes of the current message. */
static void body_data(struct http_dir *d, const uint8_t *p, size_t n)
{
    struct http_msg *m = &d->tx->m[d->dir];
    if (m->progress < HTTP_PROGRESS_BODY)
        m->progress = HTTP_PROGRESS_BODY;
    if (d->discard || n == 0)
        return;
    if (d->nstages == 0)
        body_store(d, p, n);
    else
        stage_feed(d, 0, p, n);
}

/* The codings of a Content-Encoding value, last applied first, into d->zs: gzip,
 * x-gzip, deflate, x-deflate; "identity" is skipped. Any other coding, or more than
 * HTTP_MAX_LAYERS, and the outer HTTP_MAX_LAYERS that are known are undone (libhtp's
 * layer limit); an unknown outer one leaves the body as sent. */
static void codings(struct http_dir *d, const uint8_t *v, uint32_t n)
{
    uint8_t list[16];
    unsigned nl = 0;
    uint32_t i = 0;
    while (i < n && nl < ARRAY_SIZE(list)) {
        while (i < n && (is_space(v[i]) || v[i] == ','))
            i++;
        uint32_t st = i;
        while (i < n && v[i] != ',' && !is_space(v[i]))
            i++;
        if (i == st)
            break;
        const uint8_t *t = v + st;
        uint32_t tl = i - st;
        if (eq_nocase(t, tl, "gzip") || eq_nocase(t, tl, "x-gzip"))
            list[nl++] = CODEC_GZIP;
        else if (eq_nocase(t, tl, "deflate") || eq_nocase(t, tl, "x-deflate"))
            list[nl++] = CODEC_DEFLATE;
        else if (!eq_nocase(t, tl, "identity"))
            list[nl++] = CODEC_NONE;
    }
    d->nstages = 0;
    for (unsigned k = 0; k < nl && d->nstages < HTTP_MAX_LAYERS; k++) {
        uint8_t c = list[nl - 1 - k];
        if (c == CODEC_NONE)
            break;
        memset(&d->zs[d->nstages], 0, sizeof(d->zs[0]));
        d->zs[d->nstages++].codec = c;
    }
}

static int on_body(http_parser *p, const char *at, size_t len)
{
    body_data(p->data, (const uint8_t *)at, len);
    return 0;
}

static int on_chunk_header(http_parser *p)
{
    struct http_dir *d = p->data;
    if (p->content_length == 0) {
        d->trailing = true;
        http_parser_pause(p, 1); /* to learn where the trailer section starts */
    }
    return 0;
}

static int on_message_complete(http_parser *p)
{
    struct http_dir *d = p->data;
    d->body_done = true;
    http_parser_pause(p, 1);
    return 0;
}

static const http_parser_settings framer_settings = {
    .on_body = on_body,
    .on_chunk_header = on_chunk_header,
    .on_message_complete = on_message_complete,
};

/* The message of direction d is over: its progress is COMPLETE and the direction waits
 * for the next message. */
/* The boundary parameter of a multipart Content-Type (RFC 2046 5.1.1), quotes removed;
 * its length, or 0 when there is none or it is longer than 200 bytes. */
static uint32_t mp_boundary(const uint8_t *v, uint32_t n, const uint8_t **b)
{
    static const char key[] = "boundary=";
    uint32_t kl = sizeof(key) - 1;
    for (uint32_t i = 0; i + kl <= n; i++) {
        if (!eq_nocase_mem(v + i, kl, (const uint8_t *)key, kl))
            continue;
        uint32_t s0 = i + kl, e = s0;
        if (s0 < n && v[s0] == '"') {
            s0++;
            e = s0;
            while (e < n && v[e] != '"')
                e++;
        } else {
            while (e < n && v[e] != ';' && !is_space(v[e]))
                e++;
        }
        *b = v + s0;
        return e - s0 <= 200 ? e - s0 : 0;
    }
    return 0;
}

/* The value of a Content-Disposition filename parameter (RFC 7578 4.2, RFC 6266 4.1)
 * whose name ends at line[at]: quoted (backslash escapes kept as sent) or a token; as a
 * span of the body 'b' that holds the line; len 0 for "filename*=" (RFC 5987 encoding,
 * left to the plain parameter that senders also give) or no value. */
static struct span mp_filename(const uint8_t *line, uint32_t ll, uint32_t at, const uint8_t *b)
{
    uint32_t i = at;
    while (i < ll && (line[i] == ' ' || line[i] == '\t'))
        i++;
    if (i >= ll || line[i] != '=')
        return (struct span){ 0, 0 };
    i++;
    while (i < ll && (line[i] == ' ' || line[i] == '\t'))
        i++;
    uint32_t st = i;
    if (i < ll && line[i] == '"') {
        st = ++i;
        while (i < ll && line[i] != '"')
            i += line[i] == '\\' && i + 1 < ll ? 2 : 1;
    } else {
        while (i < ll && line[i] != ';' && line[i] != ' ' && line[i] != '\t')
            i++;
    }
    if (i > ll)
        i = ll;
    return (struct span){ (uint32_t)(line + st - b), i - st };
}

/* The file parts of a multipart/form-data request body (RFC 7578): parts whose
 * Content-Disposition has a filename. A file's content runs from the blank line after
 * its part headers to the CRLF before the next delimiter, or to the end of what was kept
 * of the body. At most HTTP_MAX_FILES are noted. */
static void mp_files(struct http_state *h, struct http_tx *tx)
{
    struct http_msg *m = &tx->m[0];
    struct span ct = m->b[MB_CONTENT_TYPE];
    const uint8_t *bd;
    uint32_t bl = ct.off != SPAN_NONE ? mp_boundary(m->arena + ct.off, ct.len, &bd) : 0;
    if (bl == 0 || m->body_len == 0 || m->files != NULL)
        return;
    uint8_t delim[204]; /* "\n--" boundary */
    delim[0] = '\n';
    delim[1] = delim[2] = '-';
    memcpy(delim + 3, bd, bl);
    uint32_t dl = bl + 3;
    struct span found[HTTP_MAX_FILES], names[HTTP_MAX_FILES];
    uint32_t nf = 0;
    const uint8_t *b = m->body, *end = m->body + m->body_len;
    /* The first delimiter may start the body (without the line break before it). */
    const uint8_t *p;
    if ((size_t)(end - b) >= dl - 1 && memcmp(b, delim + 1, dl - 1) == 0)
        p = b + dl - 1;
    else if ((p = memmem(b, (size_t)(end - b), delim, dl)) != NULL)
        p += dl;
    while (p != NULL && p < end && nf < HTTP_MAX_FILES) {
        if (end - p >= 2 && p[0] == '-' && p[1] == '-')
            break; /* the closing delimiter */
        const uint8_t *lf = memchr(p, '\n', (size_t)(end - p));
        if (lf == NULL)
            break;
        /* Part headers, to a blank line. */
        bool file = false;
        struct span fname = { 0, 0 };
        const uint8_t *line = lf + 1, *content = NULL;
        while (line < end) {
            const uint8_t *le = memchr(line, '\n', (size_t)(end - line));
            if (le == NULL)
                break;
            uint32_t ll = (uint32_t)(le - line);
            if (ll > 0 && line[ll - 1] == '\r')
                ll--;
            if (ll == 0) {
                content = le + 1;
                break;
            }
            static const char cd[] = "content-disposition:";
            if (ll >= sizeof(cd) - 1 && eq_nocase_mem(line, sizeof(cd) - 1, (const uint8_t *)cd,
                                                     sizeof(cd) - 1)) {
                for (uint32_t i = 0; i + 8 <= ll; i++)
                    if (eq_nocase_mem(line + i, 8, (const uint8_t *)"filename", 8)) {
                        file = true;
                        if (fname.len == 0)
                            fname = mp_filename(line, ll, i + 8, b);
                    }
            }
            line = le + 1;
        }
        if (content == NULL)
            break;
        const uint8_t *next = memmem(content, (size_t)(end - content), delim, dl);
        const uint8_t *cend = next != NULL ? next : end;
        if (next != NULL && cend > content && cend[-1] == '\r')
            cend--;
        if (file) {
            names[nf] = fname;
            found[nf++] = (struct span){(uint32_t)(content - b), (uint32_t)(cend - content)};
        }
        p = next != NULL ? next + dl : NULL;
    }
    if (nf == 0)
        return;
    m->files = mem_alloc(h, 2 * nf * sizeof(*m->files));
    if (m->files == NULL)
        return;
    memcpy(m->files, found, nf * sizeof(*m->files));
    m->fnames = m->files + nf;
    memcpy(m->fnames, names, nf * sizeof(*m->fnames));
    m->nfiles = nf;
}

static void trailer_free(struct http_dir *d)
{
    mem_free(d->h, d->trailer, d->trailer_len);
    d->trailer = NULL;
    d->trailer_len = 0;
    d->trailing = false;
}

static void msg_done(struct http_dir *d)
{
    if (d->tx != NULL)
        d->prev = d->tx;
    if (d->dir == 0 && d->tx != NULL && d->tx->multipart && d->tx->method == M_POST)
        mp_files(d->h, d->tx);
    if (d->tapped && d->tx != NULL && d->h->body_tap != NULL) {
        /* the message is final (progress and events) when the tap hears of its end */
        d->tx->m[d->dir].progress = HTTP_PROGRESS_COMPLETE;
        d->h->body_tap(d->h->body_tap_ctx, d->tx, d->dir, NULL, 0, true);
    }
    d->tapped = false;
    z_free(d);
    trailer_free(d);
    mem_free(d->h, d->interim, d->interim_len);
    d->interim = NULL;
    d->interim_len = 0;
    if (d->tx != NULL)
        d->tx->m[d->dir].progress = HTTP_PROGRESS_COMPLETE;
    d->tx = NULL;
    d->head_len = 0;
    d->line_end = 0;
    d->st = DS_IDLE;
}

/* Starts the body of the current message: 'len' bytes (or chunked, or until close).
 * http_parser is given a head of its own stating that framing. */
static void body_start(struct http_dir *d, int64_t len, bool chunked, bool until_close)
{
    struct http_msg *m = &d->tx->m[d->dir];
    d->until_close = until_close;
    d->chunked = chunked;
    d->discard = d->body_done = d->store_stop = d->tapped = false;
    trailer_free(d);
    z_free(d);
    d->nstages = 0;
    struct span ce = msg_field(m, "Content-Encoding");
    if (ce.off != SPAN_NONE)
        codings(d, m->arena + ce.off, ce.len);
    char synth[96];
    int n;
    const char *line = d->dir == 0 ? "POST / HTTP/1.1\r\n" : "HTTP/1.1 200 OK\r\n";
    if (chunked)
        n = snprintf(synth, sizeof(synth), "%sTransfer-Encoding: chunked\r\n\r\n", line);
    else if (until_close)
        n = snprintf(synth, sizeof(synth), "%s\r\n", line);
    else
        n = snprintf(synth, sizeof(synth), "%sContent-Length: %lld\r\n\r\n", line,
                     (long long)len);
    http_parser_init(&d->parser, d->dir == 0 ? HTTP_REQUEST : HTTP_RESPONSE);
    d->parser.data = d;
    size_t done = http_parser_execute(&d->parser, &framer_settings, synth, (size_t)n);
    if (done != (size_t)n || HTTP_PARSER_ERRNO(&d->parser) != HPE_OK) {
        msg_done(d); /* cannot happen: the head is ours */
        return;
    }
    d->st = DS_BODY;
}

static void dir_resync(struct http_dir *d)
{
    d->prev = NULL;
    d->lost = true;
    STAT_INC(d->h->stats->resyncs);
    d->st = DS_RESYNC;
    d->resync = true;
}

/* Keeps trailer-section bytes, up to header_limit. */
static void trailer_add(struct http_dir *d, const uint8_t *p, uint32_t n)
{
    struct http_state *h = d->h;
    if (n > h->conf.header_limit - d->trailer_len)
        n = h->conf.header_limit - d->trailer_len;
    if (n == 0)
        return;
    uint8_t *b = mem_realloc(h, d->trailer, d->trailer_len, (size_t)d->trailer_len + n);
    if (b == NULL)
        return;
    memcpy(b + d->trailer_len, p, n);
    d->trailer = b;
    d->trailer_len += n;
}

/* Parses the head again with the trailer's field lines after the others, as libhtp adds
 * trailer fields to the message's fields: start line, the field lines less their blank
 * line, the trailer. The interim field lines (100 Continue) are put back in front. */
static void trailer_fields(struct http_dir *d)
{
    struct http_state *h = d->h;
    struct http_msg *m = &d->tx->m[d->dir];
    struct span line = m->b[MB_LINE], raw = m->b[MB_HEADER_RAW];
    uint32_t pre = m->raw_interim + m->raw_line;
    uint32_t rl = raw.len - pre;
    if (rl > 0 && m->arena[raw.off + raw.len - 1] == '\n')
        rl--;
    if (rl > 0 && m->arena[raw.off + pre + rl - 1] == '\r')
        rl--;
    uint64_t total = (uint64_t)line.len + 2 + rl + d->trailer_len;
    if (total > h->conf.header_limit || total > d->head_cap)
        return; /* the head buffer held a bigger head before; else keep the fields */
    uint8_t *interim = NULL;
    uint32_t ilen = m->raw_interim;
    if (ilen > 0) {
        interim = mem_alloc(h, ilen);
        if (interim == NULL)
            return;
        memcpy(interim, m->arena + raw.off, ilen);
    }
    memcpy(d->head, m->arena + line.off, line.len);
    memcpy(d->head + line.len, "\r\n", 2);
    memcpy(d->head + line.len + 2, m->arena + raw.off + pre, rl);
    memcpy(d->head + line.len + 2 + rl, d->trailer, d->trailer_len);
    d->line_end = line.len + 2;
    d->head_len = (uint32_t)total;
    mem_free(h, d->interim, d->interim_len);
    d->interim = interim;
    d->interim_len = ilen;
    mem_free(h, m->fields, (size_t)m->nfields * sizeof(*m->fields));
    m->fields = NULL;
    m->nfields = 0;
    head_build(d);
    d->head_len = d->line_end = 0;
}

/* The message is over: its trailer section goes after its raw field lines (Suricata's
 * raw header data), and trailer fields join the parsed ones. */
static void trailer_flush(struct http_dir *d)
{
    struct http_msg *m = &d->tx->m[d->dir];
    struct span raw = m->b[MB_HEADER_RAW];
    if (d->trailer_len == 0 || raw.off == SPAN_NONE)
        return;
    if (d->trailer_len > 2)
        trailer_fields(d);
    uint32_t off = arena_grow(d->h, m, raw.len + d->trailer_len);
    if (off == SPAN_NONE)
        return;
    memcpy(m->arena + off, m->arena + raw.off, raw.len);
    memcpy(m->arena + off + raw.len, d->trailer, d->trailer_len);
    m->b[MB_HEADER_RAW] = (struct span){off, raw.len + d->trailer_len};
}

/* Feeds body bytes to the framer. Returns the bytes consumed. */
static uint32_t body_feed(struct http_dir *d, const uint8_t *p, uint32_t len)
{
    uint32_t used = 0;
    while (used < len) {
        bool was_trailing = d->trailing;
        size_t done = http_parser_execute(&d->parser, &framer_settings,
                                          (const char *)p + used, len - used);
        enum http_errno err = HTTP_PARSER_ERRNO(&d->parser);
        if (was_trailing)
            trailer_add(d, p + used, (uint32_t)done);
        used += (uint32_t)done;
        if (d->body_done) {
            trailer_flush(d);
            msg_done(d);
            return used;
        }
        if (err == HPE_PAUSED) {
            http_parser_pause(&d->parser, 0); /* the trailer section starts here */
            continue;
        }
        if (err != HPE_OK) {
            tx_event(d->h, d->tx,
                     d->chunked ? HTTP_EV_CHUNK_INVALID : HTTP_EV_BODY_INCOMPLETE);
            msg_done(d);
            dir_resync(d);
            return used < len ? used + 1 : len;
        }
        break;
    }
    return used;
}

/* ---------------------------------------------------------------------------------- */
/* Heads                                                                              */
/* ---------------------------------------------------------------------------------- */

/* Decides what follows the head of the current message (body framing, tunnels). */
static void head_done(struct http_dir *d)
{
    struct http_state *h = d->h;
    struct http_tx *tx = d->tx;
    struct http_msg *m = &tx->m[d->dir];
    d->head_len = 0;
    d->line_end = 0;
    struct span cl = msg_field(m, "Content-Length");
    struct span te = msg_field(m, "Transfer-Encoding");
    int64_t clen = -1;
    if (cl.off != SPAN_NONE) {
        clen = content_length(m->arena + cl.off, cl.len);
        if (clen < 0)
            tx_event(h, tx, HTTP_EV_CONTENT_LENGTH_INVALID);
    }
    bool chunked = false;
    if (te.off != SPAN_NONE) {
        chunked = has_chunked(m->arena + te.off, te.len);
        if (!chunked)
            tx_event(h, tx, HTTP_EV_TRANSFER_ENCODING_INVALID);
        else if (cl.off != SPAN_NONE || (d->dir == 0 && !tx->proto11))
            tx_event(h, tx, HTTP_EV_SMUGGLING);
    }

    if (d->dir == 0) {
        if (chunked) {
            body_start(d, 0, true, false);
        } else if (clen > 0) {
            body_start(d, clen, false, false);
        } else {
            msg_done(d);
        }
        if (tx->method == M_CONNECT && d->st == DS_IDLE) {
            d->st = DS_CONNECT;
            d->tx = tx;
        }
        return;
    }

    int status = response_status(m);
    if (status < 0)
        tx_event(h, tx, HTTP_EV_STATUS_INVALID);
    struct http_dir *req = &h->d[0];
    if (req->st == DS_CONNECT && req->tx == tx) {
        if (status >= 200 && status <= 299) {
            STAT_INC(h->stats->tunnels);
            msg_done(d);
            state_stop(h);
            return;
        }
        req->tx = NULL;
        req->st = DS_IDLE;
    }
    if (status == 101 && te.off == SPAN_NONE && cl.off == SPAN_NONE) {
        STAT_INC(h->stats->tunnels);
        msg_done(d);
        state_stop(h);
        return;
    }
    if (status == 100 && te.off == SPAN_NONE && clen <= 0) {
        /* Interim: forgotten, the final response follows for the same request; only
         * its field lines stay, for the final response's raw header buffer. */
        struct span raw = m->b[MB_HEADER_RAW]; /* earlier interims included */
        if (raw.off != SPAN_NONE && raw.len <= 2 * h->conf.header_limit) {
            uint8_t *b = mem_alloc(h, raw.len);
            if (b != NULL) {
                memcpy(b, m->arena + raw.off, raw.len);
                mem_free(h, d->interim, d->interim_len);
                d->interim = b;
                d->interim_len = raw.len;
            }
        }
        msg_clear(h, m);
        d->tx = NULL;
        d->st = DS_IDLE;
        return;
    }
    if (tx->method == M_HEAD ||
        (((status >= 100 && status <= 199) || status == 204 || status == 304) &&
         te.off == SPAN_NONE && cl.off == SPAN_NONE)) {
        msg_done(d);
    } else if (chunked) {
        body_start(d, 0, true, false);
    } else if (clen >= 0) {
        if (clen > 0)
            body_start(d, clen, false, false);
        else
            msg_done(d);
    } else {
        body_start(d, 0, false, true);
    }
}

/* Lines where a start line belongs, taken as body of 'tx' in this direction (libhtp's
 * REQ_FINALIZE and htp_treat_response_line_as_body()). */
static void body_unexpected(struct http_dir *d, struct http_tx *tx, const uint8_t *p,
                            uint32_t n)
{
    d->tx = tx;
    d->store_stop = false;
    /* not told to the body tap: the message's file was already closed and logged */
    http_body_fn tap = d->h->body_tap;
    d->h->body_tap = NULL;
    body_store(d, p, n);
    d->h->body_tap = tap;
    d->tx = NULL;
}

/* The start line of direction d is whole: d->head[0, line_end). Returns false when the
 * line is not a message start (then it is dropped, or is body of the request before). */
static bool start_line(struct http_dir *d)
{
    struct http_state *h = d->h;
    const uint8_t *line = d->head;
    uint32_t len = d->line_end;
    while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
        len--;
    if (d->dir == 0) {
        uint32_t i = 0;
        while (i < len && is_space(line[i]))
            i++;
        uint32_t ms = i;
        if (d->prev != NULL && !d->resync) {
            /* libhtp's REQ_FINALIZE: after a request, a line whose first word is not a
             * known method is more body of that request, however it looks. */
            uint32_t e = ms;
            while (e < len && !is_space(line[e]))
                e++;
            if (!method_known(line + ms, e - ms)) {
                tx_event(h, d->prev, HTTP_EV_REQUEST_BODY_UNEXPECTED);
                body_unexpected(d, d->prev, d->head, d->line_end);
                return false;
            }
        }
        /* libhtp takes any word as method; binary bytes are taken for junk here. */
        while (i < len && line[i] > 0x20 && line[i] < 0x7f)
            i++;
        bool ok = i > ms && (i == len || is_space(line[i]));
        if (d->resync)
            ok = looks_like_request(line + ms, len - ms);
        if (!ok) {
            if (!d->resync) {
                dir_event(d, HTTP_EV_REQUEST_LINE_INVALID);
                STAT_INC(h->stats->resyncs);
            }
            d->resync = true;
            return false;
        }
        d->resync = d->lost = false;
        struct http_tx *tx = tx_new(h, d);
        if (tx == NULL)
            return false;
        d->tx = tx;
        if (!request_line(h, tx, line, len))
            return false;
        return true;
    }
    if (!looks_like_response(line, len)) {
        /* As libhtp, the line is body: of the last response, else of the response
         * awaited (which then has no head); unlike libhtp, the next status line is
         * still looked for. */
        struct http_tx *t = d->prev;
        if (t == NULL && d->junk_tx == NULL && !d->lost) {
            t = tx_awaiting_response(h);
            if (t != NULL) {
                t->m[1].progress = HTTP_PROGRESS_BODY;
                d->junk_tx = t;
            }
        }
        if (t == NULL)
            t = d->junk_tx;
        if (!d->resync) {
            if (t != NULL)
                tx_event(h, t, HTTP_EV_RESPONSE_LINE_INVALID);
            else
                dir_event(d, HTTP_EV_RESPONSE_LINE_INVALID);
            STAT_INC(h->stats->resyncs);
        }
        if (t != NULL && !d->lost)
            body_unexpected(d, t, d->head, d->line_end);
        d->resync = true;
        return false;
    }
    d->resync = d->lost = false;
    if (d->junk_tx != NULL) {
        d->junk_tx->m[1].progress = HTTP_PROGRESS_COMPLETE;
        d->junk_tx = NULL;
    }
    struct http_tx *tx = tx_awaiting_response(h);
    if (tx == NULL) {
        tx = tx_new(h, d);
        if (tx == NULL)
            return false;
        tx->m[0].progress = HTTP_PROGRESS_COMPLETE;
        tx_event(h, tx, HTTP_EV_UNMATCHED_RESPONSE);
    } else {
        for (unsigned e = 0; e < HTTP_EV_MAX; e++)
            if (d->pending_events & (1u << e))
                tx_event(h, tx, (enum http_event)e);
        d->pending_events = 0;
    }
    d->tx = tx;
    return response_line(h, tx, line, len);
}

/* Appends head bytes, growing the head buffer up to header_limit. */
static bool head_append(struct http_dir *d, const uint8_t *p, uint32_t n)
{
    struct http_state *h = d->h;
    if (d->head_len + n > d->head_cap) {
        uint32_t cap = d->head_cap != 0 ? d->head_cap : 512;
        while (cap < d->head_len + n)
            cap *= 2;
        if (cap > h->conf.header_limit)
            cap = h->conf.header_limit;
        uint8_t *b = mem_realloc(h, d->head, d->head_cap, cap);
        if (b == NULL)
            return false;
        d->head = b;
        d->head_cap = cap;
    }
    memcpy(d->head + d->head_len, p, n);
    d->head_len += n;
    return true;
}

/* A request with no protocol (HTTP/0.9): no head follows; the start buffer is the line. */
static void request09_done(struct http_dir *d)
{
    d->head_len = d->line_end;
    head_build(d);
    d->tx->m[0].b[MB_HEADER_RAW] = (struct span){SPAN_NONE, 0};
    msg_done(d);
}

/* After a request line without protocol: do the bytes at hand look like a field line
 * (libhtp's REQ_PROTOCOL probe: a ':' before any blank, or blanks then ':')? If not, or
 * if no bytes are at hand, the request is HTTP/0.9 and has no head. */
static bool fields_follow(const uint8_t *p, uint32_t len)
{
    bool after_blank = false;
    for (uint32_t i = 0; i < len; i++) {
        if (p[i] == ':')
            return true;
        if (is_lws(p[i]))
            after_blank = true;
        else if (is_space(p[i]) || after_blank)
            return false;
    }
    return false;
}

/* The head went over header_limit: what is whole is kept, the rest skipped. */
static void head_overflow(struct http_dir *d)
{
    struct http_state *h = d->h;
    if (d->line_end == 0) {
        /* The start line alone is too long: it is cut at the limit. */
        d->line_end = d->head_len;
        if (!start_line(d)) {
            d->head_len = d->line_end = 0;
            if (!d->h->stopped)
                d->st = DS_RESYNC;
            return;
        }
        if (d->tx == NULL)
            return;
    }
    tx_event(h, d->tx, HTTP_EV_HEADER_TOO_LONG);
    d->tx->http09 = false; /* a cut line may have lost its protocol */
    bool at_bol = d->head_len > 0 && d->head[d->head_len - 1] == '\n';
    /* Drop a partial last line. */
    uint32_t end = d->head_len;
    while (end > d->line_end && d->head[end - 1] != '\n')
        end--;
    d->head_len = end;
    if (!head_build(d)) {
        msg_done(d);
        dir_resync(d);
        return;
    }
    d->st = DS_SKIP_HEAD;
    d->skip_blank = at_bol;
}

/* Head bytes (IDLE and HEAD). Returns the bytes consumed. */
static uint32_t head_feed(struct http_dir *d, const uint8_t *p, uint32_t len)
{
    struct http_state *h = d->h;
    uint32_t used = 0;
    if (d->st == DS_IDLE) {
        if (d->dir == 1) {
            /* A response to an HTTP/0.9 request has no head: all of it is body. */
            struct http_tx *t = tx_awaiting_response(h);
            if (t != NULL && t->http09 && t->has_request) {
                d->tx = t;
                body_start(d, 0, false, true);
                return 0;
            }
        }
        /* Blank lines between messages are skipped, except after a request: there
         * they are body of that request, as libhtp takes them. */
        if (!(d->dir == 0 && d->prev != NULL && !d->resync))
            while (used < len && (p[used] == '\r' || p[used] == '\n'))
                used++;
        if (used == len)
            return used;
        d->st = DS_HEAD;
        d->head_len = d->line_end = d->cur_line = 0;
    }
    while (used < len && d->st == DS_HEAD) {
        const uint8_t *lf = memchr(p + used, '\n', len - used);
        uint32_t n = lf != NULL ? (uint32_t)(lf - (p + used)) + 1 : len - used;
        uint32_t room = h->conf.header_limit - d->head_len;
        if (n > room) {
            if (!head_append(d, p + used, room)) {
                used = len;
                break;
            }
            used += room;
            head_overflow(d);
            return used;
        }
        if (!head_append(d, p + used, n))
            return len; /* out of memory: the bytes are lost */
        used += n;
        if (lf == NULL)
            break;
        uint32_t line_start = d->cur_line;
        d->cur_line = d->head_len;
        if (d->line_end == 0) {
            d->line_end = d->head_len;
            if (!start_line(d)) {
                d->head_len = d->line_end = 0;
                if (h->stopped)
                    return len;
                d->st = DS_IDLE;
                return used;
            }
            if (d->dir == 0 && d->tx->http09) {
                if (!fields_follow(p + used, len - used)) {
                    request09_done(d);
                    return used;
                }
                d->tx->http09 = false; /* a protocol left out: fields follow */
            }
            continue;
        }
        /* A blank line ends the head. */
        uint32_t c = line_start;
        while (c < d->head_len && d->head[c] == '\r')
            c++;
        if (c == d->head_len - 1) {
            if (!head_build(d)) {
                msg_done(d);
                dir_resync(d);
                return used;
            }
            head_done(d);
            return used;
        }
    }
    return used;
}

/* Skips the rest of a head that went over the limit, to its blank line. 'skip_blank':
 * the line read so far holds nothing but CRs. */
static uint32_t skip_head_feed(struct http_dir *d, const uint8_t *p, uint32_t len)
{
    for (uint32_t i = 0; i < len; i++) {
        if (p[i] == '\n') {
            if (d->skip_blank) {
                head_done(d);
                return i + 1;
            }
            d->skip_blank = true;
        } else if (p[i] != '\r') {
            d->skip_blank = false;
        }
    }
    return len;
}

/* Skips to the next line start; head_feed() then checks the line (d->resync). */
static uint32_t resync_feed(struct http_dir *d, const uint8_t *p, uint32_t len)
{
    const uint8_t *lf = memchr(p, '\n', len);
    if (lf == NULL)
        return len;
    d->st = DS_IDLE;
    return (uint32_t)(lf - p) + 1;
}

static void dir_close(struct http_dir *d)
{
    d->prev = NULL;
    d->junk_tx = NULL;
    z_free(d);
    trailer_free(d);
    mem_free(d->h, d->interim, d->interim_len);
    d->interim = NULL;
    d->interim_len = 0;
    d->st = DS_CLOSED;
    d->tx = NULL;
    d->head_len = d->line_end = 0;
}

/* ---------------------------------------------------------------------------------- */
/* API                                                                                */
/* ---------------------------------------------------------------------------------- */

void http_conf_default(struct http_conf *c)
{
    c->request_body_limit = HTTP_DEFAULT_BODY_LIMIT;
    c->response_body_limit = HTTP_DEFAULT_BODY_LIMIT;
    c->decompress_limit = HTTP_DEFAULT_DECOMPRESS_LIMIT;
    c->header_limit = HTTP_DEFAULT_HEADER_LIMIT;
    c->max_txs = HTTP_DEFAULT_MAX_TXS;
}

struct http_state *http_state_new(const struct http_conf *c, struct http_stats *stats)
{
    if (c == NULL || c->request_body_limit == 0 || c->response_body_limit == 0 ||
        c->decompress_limit == 0 || c->header_limit == 0 || c->max_txs == 0 ||
        c->header_limit > HTTP_MAX_HEADER_LIMIT || c->request_body_limit > HTTP_MAX_BODY_LIMIT ||
        c->response_body_limit > HTTP_MAX_BODY_LIMIT)
        return NULL;
    struct http_state *h = calloc(1, sizeof(*h));
    if (h == NULL)
        return NULL;
    h->mem = sizeof(*h);
    h->conf = *c;
    h->stats = stats != NULL ? stats : &h->own_stats;
    for (int i = 0; i < 2; i++) {
        h->d[i].h = h;
        h->d[i].dir = (uint8_t)i;
        h->d[i].st = DS_IDLE;
    }
    return h;
}

void http_state_free(struct http_state *h)
{
    if (h == NULL)
        return;
    for (int i = 0; i < 2; i++) {
        z_free(&h->d[i]);
        mem_free(h, h->d[i].head, h->d[i].head_cap);
        mem_free(h, h->d[i].interim, h->d[i].interim_len);
        mem_free(h, h->d[i].trailer, h->d[i].trailer_len);
    }
    struct http_tx *t = h->first;
    while (t != NULL) {
        struct http_tx *next = t->next;
        tx_free(h, t);
        t = next;
    }
    free(h);
}

size_t http_state_memuse(const struct http_state *h)
{
    return h->mem;
}

bool http_state_stopped(const struct http_state *h)
{
    return h->stopped;
}

uint32_t http_parse(struct http_state *h, int dir, const uint8_t *data, uint32_t len)
{
    if (dir != 0 && dir != 1)
        return len;
    struct http_dir *d = &h->d[dir];
    uint32_t used = 0;
    unsigned idle_rounds = 0;
    while (used < len) {
        uint32_t n;
        if (h->stopped)
            return len; /* the connection left HTTP (it may happen on the way) */
        switch (d->st) {
        case DS_IDLE:
        case DS_HEAD:
            n = head_feed(d, data + used, len - used);
            /* head_feed may consume nothing only when it switched to a body. */
            if (n == 0 && ++idle_rounds > 2)
                return used;
            break;
        case DS_SKIP_HEAD:
            n = skip_head_feed(d, data + used, len - used);
            break;
        case DS_BODY:
            n = body_feed(d, data + used, len - used);
            break;
        case DS_RESYNC:
            n = resync_feed(d, data + used, len - used);
            break;
        case DS_CONNECT:
            return used;
        default:
            return len;
        }
        used += n;
    }
    return used;
}

void http_gap(struct http_state *h, int dir, uint32_t len)
{
    static const uint8_t zeros[4096];
    if ((dir != 0 && dir != 1) || len == 0)
        return;
    struct http_dir *d = &h->d[dir];
    if (h->stopped)
        return;
    STAT_INC(h->stats->events[HTTP_EV_GAP]);
    switch (d->st) {
    case DS_BODY: {
        struct http_tx *tx = d->tx;
        tx->events |= 1u << HTTP_EV_GAP;
        tx_event(h, tx, HTTP_EV_BODY_INCOMPLETE);
        d->store_stop = true; /* what follows would not line up */
        z_stop_all(d);
        if (d->until_close)
            return; /* all of it is body: still in step */
        if (!d->chunked) {
            uint64_t left = d->parser.content_length;
            uint32_t skip = len <= left ? len : (uint32_t)left;
            d->discard = true;
            while (skip > 0 && d->st == DS_BODY) {
                uint32_t n = skip < sizeof(zeros) ? skip : (uint32_t)sizeof(zeros);
                body_feed(d, zeros, n);
                skip -= n;
            }
            d->discard = false;
            if (len <= left)
                return; /* still in step */
        } else {
            msg_done(d);
        }
        dir_resync(d);
        return;
    }
    case DS_HEAD:
    case DS_SKIP_HEAD:
        if (d->tx != NULL) {
            d->tx->events |= 1u << HTTP_EV_GAP;
            msg_done(d);
        }
        dir_resync(d);
        return;
    case DS_IDLE:
    case DS_RESYNC:
        dir_resync(d);
        return;
    default:
        return; /* CONNECT wait, closed */
    }
}

void http_eof(struct http_state *h, int dir)
{
    if (dir != 0 && dir != 1)
        return;
    struct http_dir *d = &h->d[dir];
    switch (d->st) {
    case DS_BODY:
        if (d->until_close) {
            http_parser_execute(&d->parser, &framer_settings, NULL, 0);
        } else {
            tx_event(h, d->tx, HTTP_EV_BODY_INCOMPLETE);
        }
        msg_done(d);
        break;
    case DS_HEAD:
        if (d->tx == NULL && d->head_len > 0) {
            /* An unfinished first line: read as a line, as libhtp does at the close. */
            d->line_end = d->head_len;
            if (!start_line(d)) {
                d->head_len = d->line_end = 0;
                break;
            }
        }
        if (d->tx != NULL)
            head_build(d);
        msg_done(d);
        break;
    case DS_SKIP_HEAD:
        msg_done(d);
        break;
    case DS_CONNECT:
        d->tx = NULL;
        break;
    default:
        break;
    }
    if (d->interim_len > 0) {
        /* Only 100 Continue came: Suricata still shows its field lines. */
        struct http_tx *t = tx_awaiting_response(h);
        uint32_t off = t != NULL ? arena_grow(h, &t->m[1], d->interim_len) : SPAN_NONE;
        if (off != SPAN_NONE) {
            memcpy(t->m[1].arena + off, d->interim, d->interim_len);
            t->m[1].b[MB_HEADER_RAW] = (struct span){off, d->interim_len};
        }
    }
    if (dir == 1 && h->d[0].st == DS_CONNECT) {
        h->d[0].st = DS_IDLE; /* no answer will come: read the requests again */
        h->d[0].tx = NULL;
    }
    dir_close(d);
    for (struct http_tx *t = h->first; t != NULL; t = t->next)
        t->m[dir].progress = HTTP_PROGRESS_COMPLETE;
}

struct http_tx *http_tx_first(struct http_state *h)
{
    return h->first;
}

struct http_tx *http_tx_next(struct http_tx *tx)
{
    return tx->next;
}

uint64_t http_tx_id(const struct http_tx *tx)
{
    return tx->id;
}

int http_tx_progress(const struct http_tx *tx, int dir)
{
    if (dir != 0 && dir != 1)
        return HTTP_PROGRESS_NONE;
    return tx->m[dir].progress;
}

uint32_t http_tx_events(const struct http_tx *tx)
{
    return tx->events;
}

void http_tx_gc(struct http_state *h, uint64_t upto)
{
    struct http_tx *prev = NULL, *t = h->first;
    while (t != NULL) {
        struct http_tx *next = t->next;
        if (t->id < upto && t->m[0].progress == HTTP_PROGRESS_COMPLETE &&
            t->m[1].progress == HTTP_PROGRESS_COMPLETE && t != h->d[0].tx && t != h->d[1].tx) {
            if (prev != NULL)
                prev->next = next;
            else
                h->first = next;
            if (h->last == t)
                h->last = prev;
            h->ntx--;
            for (int i = 0; i < 2; i++)
                if (h->d[i].prev == t)
                    h->d[i].prev = NULL;
            tx_free(h, t);
        } else {
            prev = t;
        }
        t = next;
    }
}

bool http_tx_buffer(const struct http_tx *tx, enum http_buf b, const uint8_t **data,
                    uint32_t *len)
{
    if ((unsigned)b >= HTTP_BUF_MAX)
        return false;
    const struct buf_row *row = &buf_rows[b];
    const struct http_msg *m = &tx->m[row->info.dir];
    if (m->progress < row->info.progress)
        return false;
    switch (row->kind) {
    case BK_FILE_REQ:
        return http_tx_file(tx, 0, 0, data, len);
    case BK_BODY:
        if (m->body_len == 0)
            return false;
        *data = m->body;
        *len = m->body_len;
        return true;
    default: {
        struct span s = m->b[row->mb];
        if (s.off == SPAN_NONE)
            return false;
        *data = m->arena + s.off;
        *len = s.len;
        return true;
    }
    }
}

bool http_tx_file(const struct http_tx *tx, int dir, uint32_t idx, const uint8_t **data,
                  uint32_t *len)
{
    if (dir != 0 && dir != 1)
        return false;
    const struct http_msg *m = &tx->m[dir];
    if (m->progress < HTTP_PROGRESS_BODY)
        return false;
    if (dir == 0 && tx->multipart && tx->method == M_POST) {
        if (idx >= m->nfiles)
            return false;
        *data = m->body + m->files[idx].off;
        *len = m->files[idx].len;
        return true;
    }
    if (idx != 0 || m->body_len == 0 ||
        (dir == 0 && tx->method != M_PUT && tx->method != M_POST))
        return false;
    *data = m->body;
    *len = m->body_len;
    return true;
}

bool http_tx_file_name(const struct http_tx *tx, uint32_t idx, const uint8_t **data,
                       uint32_t *len)
{
    const struct http_msg *m = &tx->m[0];
    if (!http_tx_multipart(tx) || idx >= m->nfiles || m->fnames == NULL || m->fnames[idx].len == 0)
        return false;
    *data = m->body + m->fnames[idx].off;
    *len = m->fnames[idx].len;
    return true;
}

bool http_tx_multipart(const struct http_tx *tx)
{
    return tx->multipart && tx->method == M_POST;
}

void http_set_body_tap(struct http_state *h, http_body_fn fn, void *ctx)
{
    h->body_tap = fn;
    h->body_tap_ctx = ctx;
}

bool http_tx_header(const struct http_tx *tx, int dir, const char *name, const uint8_t **data,
                    uint32_t *len)
{
    if ((dir != 0 && dir != 1) || tx->m[dir].progress < HTTP_PROGRESS_HEADERS)
        return false;
    struct span s = msg_field(&tx->m[dir], name);
    if (s.off == SPAN_NONE)
        return false;
    *data = tx->m[dir].arena + s.off;
    *len = s.len;
    return true;
}
