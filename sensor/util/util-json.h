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

/* 'key' is the member name inside an object, NULL inside an array or at top level. */
void json_object_open(struct json *j, const char *key);
void json_object_close(struct json *j);
void json_array_open(struct json *j, const char *key);
void json_array_close(struct json *j);

void json_string(struct json *j, const char *key, const char *s);
void json_stringn(struct json *j, const char *key, const char *s, size_t n);
void json_u64(struct json *j, const char *key, uint64_t v);
void json_i64(struct json *j, const char *key, int64_t v);
void json_bool(struct json *j, const char *key, bool v);
void json_double(struct json *j, const char *key, double v);
/* Writes 'raw' as is: it must already be valid JSON. */
void json_raw(struct json *j, const char *key, const char *raw, size_t n);

/* Appends a '\n' and NUL-terminates; returns false if the event overflowed. */
bool json_finish(struct json *j);

#endif
