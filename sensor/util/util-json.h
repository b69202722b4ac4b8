/* Streaming JSON writer into a caller-owned buffer with a fixed cap.
 *
 * Builds one event (one line) at a time without allocating. Strings from the wire are
 * escaped so the output is always valid JSON and valid UTF-8: control characters and '"'
 * '\' are escaped, valid UTF-8 sequences are copied, and any byte that is not part of a
 * valid sequence is written as \u00XX (its Latin-1 code point), so hostile bytes can be
 * read back. A string longer than JSON_STRING_MAX input bytes is cut there.
 * When the buffer's cap would be exceeded, 'overflow' is set and further writes are
 * ignored; the caller drops the event and counts it. */
#ifndef CANH_UTIL_JSON_H
#define CANH_UTIL_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define JSON_MAX_DEPTH 16     /* events nest a few levels; deeper is a bug */
#define JSON_STRING_MAX 8192  /* input bytes kept per string field (URLs, user agents) */

struct json {
    char *buf;         /* not owned */
    size_t len;        /* bytes written, excluding the terminating NUL */
    size_t cap;        /* size of buf */
    bool overflow;     /* a write did not fit; the content is incomplete */
    uint8_t depth;
    bool first[JSON_MAX_DEPTH]; /* no member written yet at this depth */
};

void json_init(struct json *j, char *buf, size_t cap);

/* 'key' is the member name inside an object, NULL inside an array or at top level.
 * Keys are the program's own constants (not escaped). The wrappers below take the key's
 * length where the key is a literal, so the compiler folds it. */
static inline size_t json_key_len(const char *k)
{
    return k != NULL ? strlen(k) : 0;
}
#define JSON_KEY(k) (k), json_key_len(k)

void json_object_open_k(struct json *j, const char *key, size_t klen);
void json_array_open_k(struct json *j, const char *key, size_t klen);
void json_object_close(struct json *j);
void json_array_close(struct json *j);
void json_stringn_k(struct json *j, const char *key, size_t klen, const char *s, size_t n);
/* A string the program made itself (a timestamp, an address, a name from a table) that
 * needs no escaping: written as is, between quotes. Never for data from the wire. */
void json_plain_k(struct json *j, const char *key, size_t klen, const char *s, size_t n);
void json_u64_k(struct json *j, const char *key, size_t klen, uint64_t v);
void json_i64_k(struct json *j, const char *key, size_t klen, int64_t v);
void json_bool_k(struct json *j, const char *key, size_t klen, bool v);
void json_double_k(struct json *j, const char *key, size_t klen, double v);
/* Writes 'raw' as is: it must already be valid JSON. */
void json_raw_k(struct json *j, const char *key, size_t klen, const char *raw, size_t n);

#define json_object_open(j, k) json_object_open_k((j), JSON_KEY(k))
#define json_array_open(j, k) json_array_open_k((j), JSON_KEY(k))
#define json_stringn(j, k, s, n) json_stringn_k((j), JSON_KEY(k), (s), (n))
#define json_string(j, k, s) json_stringn_k((j), JSON_KEY(k), (s), strlen(s))
#define json_plain(j, k, s) json_plain_k((j), JSON_KEY(k), (s), strlen(s))
#define json_plainn(j, k, s, n) json_plain_k((j), JSON_KEY(k), (s), (n))
#define json_u64(j, k, v) json_u64_k((j), JSON_KEY(k), (v))
#define json_i64(j, k, v) json_i64_k((j), JSON_KEY(k), (v))
#define json_bool(j, k, v) json_bool_k((j), JSON_KEY(k), (v))
#define json_double(j, k, v) json_double_k((j), JSON_KEY(k), (v))
#define json_raw(j, k, r, n) json_raw_k((j), JSON_KEY(k), (r), (n))

/* One key of an alert's metadata object, in Suricata's shape: "key":["value"] ('n'
 * bytes of 'v'). Every engine writes its alert.metadata with it. */
void json_md(struct json *j, const char *key, const char *v, size_t n);
/* Ends a JSON text built for embedding (json_raw): NUL-terminated, no newline. False
 * when it did not fit. */
bool json_cstr(struct json *j);
/* Appends a '\n' and NUL-terminates; returns false if the event overflowed. */
bool json_finish(struct json *j);

#endif
