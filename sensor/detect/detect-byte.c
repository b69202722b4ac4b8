/* byte_test, byte_jump, byte_extract, byte_math and isdataat. See detect-byte.h for the
 * syntax and the contract; the parsers follow Suricata 7.0's (its PCRE option regexes and
 * byte_math's nom parser) token by token, so that the same rules load and the same rules
 * are refused, and the evaluators follow its DoMatch functions. */
#include "detect/detect-byte.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Suricata's limits. */
#define BYTE_MAX_NUMERIC 8        /* bytes read as a number: what fits a uint64_t */
#define BYTE_MAX_STRING 23        /* "01777777777777777777777" is UINT64_MAX in octal */
#define EXTRACT_MAX_STRING_OCT 23 /* byte_extract's per-base limits */
#define EXTRACT_MAX_STRING_DEC 20
#define EXTRACT_MAX_STRING_HEX 14
#define MATH_MAX_NUMERIC 4        /* byte_math reads at most 4 bytes as a number ... */
#define MATH_MAX_STRING 10        /* ... and 10 as a string */
#define BYTE_MAX_OFFSET 65535     /* byte_jump / byte_extract / byte_math offsets */
#define ISDATAAT_VAR_MAX 100000000 /* a variable isdataat at or past this never has data */
/* Suricata computes a jump target as a pointer: one before the buffer is clamped to its
 * start, but one so far before that the address wraps below zero lands past the end
 * (no match). Buffers live above 2^46 (the heap and mmap areas of x86-64 Linux), so a
 * target further back than that is taken as wrapped. */
#define JUMP_WRAP ((__int128)1 << 46)
/* Options after the fixed ones: byte_test's regex has 6 slots, byte_jump's PCRE returns
 * at most 10 groups (2 fixed + 8), byte_extract's regex 5 slots, byte_math 10 values in
 * all (rust/src/detect/byte_math.rs). */
#define TEST_MAX_FLAGS 6
#define JUMP_MAX_FLAGS 8
#define EXTRACT_MAX_OPTS 5
#define MATH_MIN_VALUES 5
#define MATH_MAX_VALUES 10
/* Tokens are copied into fixed buffers, as Suricata copies regex groups (its sizes: a
 * byte_jump argument 64, byte_extract's option 64, multiplier/align 16, name 256). */
#define TOKEN_MAX 64
#define NAME_MAX_LEN 255
#define MAX_TOKENS 16

static const char *const kind_names[] = {
    [DETECT_BYTE_TEST] = "byte_test",
    [DETECT_BYTE_JUMP] = "byte_jump",
    [DETECT_BYTE_EXTRACT] = "byte_extract",
    [DETECT_BYTE_MATH] = "byte_math",
    [DETECT_ISDATAAT] = "isdataat",
};

/* ---------------------------------------------------------------------------------- */
/* Parsing helpers                                                                    */
/* ---------------------------------------------------------------------------------- */

struct parse {
    struct detect_byte *b;
    const char *kw;
    char *err;
    detect_byte_var_fn var_index;
    void *ctx;
};

static int fail(struct parse *p, const char *fmt, ...) CANH_PRINTF(2, 3);
static int fail(struct parse *p, const char *fmt, ...)
{
    int n = snprintf(p->err, CANH_ERRBUF_SIZE, "%s: ", p->kw);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(p->err + n, CANH_ERRBUF_SIZE - (size_t)n, fmt, ap);
    va_end(ap);
    return CANH_ERR;
}

/* A comma-separated argument split into trimmed tokens (pointers into 'buf'). */
struct tokens {
    char buf[1024];
    char *v[MAX_TOKENS];
    unsigned n;
};

static char *trim(char *s)
{
    while (isspace((unsigned char)*s))
        s++;
    size_t n = strlen(s);
    while (n > 0 && isspace((unsigned char)s[n - 1]))
        s[--n] = '\0';
    return s;
}

static int split(struct parse *p, const char *arg, struct tokens *t)
{
    size_t len = strlen(arg);
    if (len >= sizeof(t->buf))
        return fail(p, "option string too long (%zu bytes)", len);
    memcpy(t->buf, arg, len + 1);
    t->n = 0;
    char *s = t->buf;
    for (;;) {
        char *comma = strchr(s, ',');
        if (comma != NULL)
            *comma = '\0';
        if (t->n == MAX_TOKENS)
            return fail(p, "too many options in '%s'", arg);
        t->v[t->n++] = trim(s);
        if (comma == NULL)
            break;
        s = comma + 1;
    }
    return CANH_OK;
}

static bool has_space(const char *s)
{
    for (; *s; s++)
        if (isspace((unsigned char)*s))
            return true;
    return false;
}

/* A variable name where a number may stand: Suricata's test (first character a letter). */
static bool is_var(const char *s)
{
    return s[0] != '-' && isalpha((unsigned char)s[0]);
}

/* strtoull/strtoll over a whole string ('strict': nothing may follow the number), as
 * Suricata's ByteExtractString / StringParse* do: leading white space and a sign are
 * accepted, "-1" read unsigned wraps. Returns the characters read, or -1. */
static int num_u64(const char *s, int base, bool strict, uint64_t *v)
{
    char *end;
    errno = 0;
    *v = strtoull(s, &end, base);
    if (errno == ERANGE || end == s || (strict && *end != '\0'))
        return -1;
    return (int)(end - s);
}

static int num_i64(const char *s, int base, bool strict, int64_t *v)
{
    char *end;
    errno = 0;
    *v = strtoll(s, &end, base);
    if (errno == ERANGE || end == s || (strict && *end != '\0'))
        return -1;
    return (int)(end - s);
}

/* A variable used as a value: its index, or an error naming it. */
static int resolve(struct parse *p, const char *name, const char *what, int32_t *idx)
{
    int i = p->var_index != NULL ? p->var_index(p->ctx, name) : -1;
    *idx = -1;
    if (i < 0 || i > UINT8_MAX)
        return fail(p, "unknown variable '%s' for %s", name, what);
    *idx = i;
    return CANH_OK;
}

static uint8_t trailing_zeros(uint32_t v)
{
    return v == 0 ? 0 : (uint8_t)__builtin_ctz(v);
}

/* ---------------------------------------------------------------------------------- */
/* byte_test                                                                          */
/* ---------------------------------------------------------------------------------- */

/* A flag as byte_test's regex takes it: letters of "relative|big|little|string|oct|dec|
 * hex|dce|bitmask" only, or one of those words, white space and one more word. */
static bool test_flag_token_ok(const char *s)
{
    static const char *const words[] = { "relative", "big", "little", "string", "oct",
                                         "dec", "hex", "dce", "bitmask" };
    if (*s == '\0')
        return false;
    if (strspn(s, "abcdeghiklmnorstvx|") == strlen(s))
        return true;
    for (size_t i = 0; i < ARRAY_SIZE(words); i++) {
        size_t n = strlen(words[i]);
        if (strncmp(s, words[i], n) != 0 || !isspace((unsigned char)s[n]))
            continue;
        const char *r = s + n;
        while (isspace((unsigned char)*r))
            r++;
        return *r != '\0' && !has_space(r);
    }
    return false;
}

static int parse_test(struct parse *p, struct tokens *t)
{
    struct detect_byte *b = p->b;
    if (t->n < 4 || t->n > 4 + TEST_MAX_FLAGS)
        return fail(p, "expected <nbytes>, <operator>, <value>, <offset> and at most %d "
                       "options, got %u fields", TEST_MAX_FLAGS, t->n);
    const char *nb = t->v[0], *op = t->v[1], *val = t->v[2], *off = t->v[3];
    if (*nb == '\0' || has_space(nb))
        return fail(p, "bad number of bytes '%s'", nb);
    if (*val == '\0' || has_space(val))
        return fail(p, "bad value '%s'", val);
    if (*off == '\0' || has_space(off))
        return fail(p, "bad offset '%s'", off);

    /* Number of bytes. */
    uint64_t v = 0;
    int32_t nbytes_var = -1;
    if (is_var(nb)) {
        if (resolve(p, nb, "the number of bytes", &nbytes_var) != CANH_OK)
            return CANH_ERR;
    } else if (num_u64(nb, 10, true, &v) < 0 || v > UINT32_MAX) {
        return fail(p, "bad number of bytes '%s'", nb);
    }
    uint64_t nbytes = nbytes_var >= 0 ? 0 : v;

    /* Operator: '!' and white space, then one of the operators ("!" alone is "!="). */
    if (*op == '!') {
        b->flags |= DETECT_BYTE_F_NEGATED;
        op++;
        while (isspace((unsigned char)*op))
            op++;
    }
    if (has_space(op))
        return fail(p, "invalid operator '%s'", t->v[1]);
    if (strcmp(op, "=") == 0 || (strcmp(op, "") == 0 && (b->flags & DETECT_BYTE_F_NEGATED)))
        b->op = DETECT_BYTE_OP_EQ;
    else if (strcmp(op, "<") == 0)
        b->op = DETECT_BYTE_OP_LT;
    else if (strcmp(op, ">") == 0)
        b->op = DETECT_BYTE_OP_GT;
    else if (strcmp(op, "&") == 0)
        b->op = DETECT_BYTE_OP_AND;
    else if (strcmp(op, "^") == 0)
        b->op = DETECT_BYTE_OP_XOR;
    else if (strcmp(op, ">=") == 0)
        b->op = DETECT_BYTE_OP_GE;
    else if (strcmp(op, "<=") == 0)
        b->op = DETECT_BYTE_OP_LE;
    else
        return fail(p, "invalid operator '%s'", t->v[1]);

    /* Value: a number read loosely (base 0, trailing characters ignored, as Suricata's
     * ByteExtractStringUint64: "0xffULL" is 255), or a variable. */
    int32_t idx;
    if (is_var(val)) {
        if (resolve(p, val, "the value", &idx) != CANH_OK)
            return CANH_ERR;
        b->value = (uint64_t)idx;
        b->flags |= DETECT_BYTE_F_VALUE_VAR;
    } else if (num_u64(val, 0, false, &b->value) <= 0) {
        return fail(p, "bad value '%s'", val);
    }

    /* Offset: a 32-bit signed number (base 0, whole) or a variable. */
    int64_t o;
    if (is_var(off)) {
        if (resolve(p, off, "the offset", &idx) != CANH_OK)
            return CANH_ERR;
        b->offset = idx;
        b->flags |= DETECT_BYTE_F_OFFSET_VAR;
    } else if (num_i64(off, 0, true, &o) < 0 || o < INT32_MIN || o > INT32_MAX) {
        return fail(p, "bad offset '%s'", off);
    } else {
        b->offset = (int32_t)o;
    }

    /* Flags, in any order; "big" clears an earlier "little", bases are OR'ed together. */
    bool little = false, big = false;
    const char *bitmask = NULL;
    for (unsigned i = 4; i < t->n; i++) {
        const char *f = t->v[i];
        if (!test_flag_token_ok(f))
            return fail(p, "unknown option '%s'", f);
        if (strcmp(f, "relative") == 0)
            b->flags |= DETECT_BYTE_F_RELATIVE;
        else if (strcasecmp(f, "string") == 0)
            b->flags |= DETECT_BYTE_F_STRING;
        else if (strcasecmp(f, "dec") == 0)
            b->base |= 10;
        else if (strcasecmp(f, "hex") == 0)
            b->base |= 16;
        else if (strcasecmp(f, "oct") == 0)
            b->base |= 8;
        else if (strcasecmp(f, "big") == 0) {
            little = false;
            big = true;
        } else if (strcasecmp(f, "little") == 0)
            little = true;
        else if (strcasecmp(f, "dce") == 0)
            b->flags |= DETECT_BYTE_F_DCE;
        else if (strncasecmp(f, "bitmask", 7) == 0) {
            b->flags |= DETECT_BYTE_F_BITMASK;
            bitmask = f + 7;
        } else
            return fail(p, "unknown option '%s'", f);
    }
    bool string = (b->flags & DETECT_BYTE_F_STRING) != 0;
    if (nbytes_var < 0) {
        if (string && nbytes > BYTE_MAX_STRING)
            return fail(p, "cannot test more than %d bytes with \"string\" (%s)",
                        BYTE_MAX_STRING, nb);
        if (!string && nbytes > BYTE_MAX_NUMERIC)
            return fail(p, "cannot test more than %d bytes without \"string\" (%s)",
                        BYTE_MAX_NUMERIC, nb);
        if (!string && b->base != 0)
            return fail(p, "a base (dec, hex, oct) needs \"string\"");
        b->nbytes = (uint8_t)nbytes;
    } else {
        b->nbytes = (uint8_t)nbytes_var;
        b->flags |= DETECT_BYTE_F_NBYTES_VAR;
    }
    if (bitmask != NULL) {
        if (num_u64(bitmask, 0, false, &v) <= 0 || v > UINT32_MAX)
            return fail(p, "bad bitmask '%s'", bitmask);
        b->bitmask = (uint32_t)v;
        b->bitmask_shift = trailing_zeros(b->bitmask);
    }
    if ((b->flags & DETECT_BYTE_F_DCE) &&
        (string || little || big || b->base == 10 || b->base == 16 || b->base == 8))
        return fail(p, "dce cannot be combined with string, big, little or a base");
    b->endian = little ? DETECT_BYTE_LITTLE : DETECT_BYTE_BIG;
    if (b->flags & DETECT_BYTE_F_DCE)
        b->endian = DETECT_BYTE_DCE;
    return CANH_OK;
}

/* ---------------------------------------------------------------------------------- */
/* byte_jump                                                                          */
/* ---------------------------------------------------------------------------------- */

static int parse_jump(struct parse *p, struct tokens *t)
{
    struct detect_byte *b = p->b;
    if (t->n < 2 || t->n > 2 + JUMP_MAX_FLAGS)
        return fail(p, "expected <nbytes>, <offset> and at most %d options, got %u fields",
                    JUMP_MAX_FLAGS, t->n);
    const char *nb = t->v[0], *off = t->v[1];
    if (*nb == '\0' || has_space(nb))
        return fail(p, "bad number of bytes '%s'", nb);
    if (*off == '\0' || has_space(off))
        return fail(p, "bad offset '%s'", off);
    b->multiplier = 1;

    uint64_t v = 0;
    int64_t o;
    int32_t idx, nbytes_var = -1;
    if (is_var(nb)) {
        if (resolve(p, nb, "the number of bytes", &nbytes_var) != CANH_OK)
            return CANH_ERR;
        v = 0;
    } else if (strlen(nb) > BYTE_MAX_STRING || num_u64(nb, 10, true, &v) < 0 ||
               v > UINT32_MAX) {
        return fail(p, "bad number of bytes '%s'", nb);
    }
    uint64_t nbytes = v;
    if (is_var(off)) {
        if (resolve(p, off, "the offset", &idx) != CANH_OK)
            return CANH_ERR;
        b->offset = idx;
        b->flags |= DETECT_BYTE_F_OFFSET_VAR;
    } else if (strlen(off) > BYTE_MAX_STRING || num_i64(off, 10, true, &o) < 0 ||
               o < -BYTE_MAX_OFFSET || o > BYTE_MAX_OFFSET) {
        return fail(p, "bad offset '%s' (-%d to %d)", off, BYTE_MAX_OFFSET, BYTE_MAX_OFFSET);
    } else {
        b->offset = (int32_t)o;
    }

    bool little = false, big = false;
    for (unsigned i = 2; i < t->n; i++) {
        const char *f = t->v[i];
        /* The regex: one word, or "multiplier"/"post_offset", white space, one word. */
        if (*f == '\0' || strlen(f) >= TOKEN_MAX)
            return fail(p, "bad option '%s'", f);
        if (has_space(f)) {
            const char *w = strncmp(f, "multiplier", 10) == 0 ? f + 10
                          : strncmp(f, "post_offset", 11) == 0 ? f + 11 : NULL;
            if (w == NULL || !isspace((unsigned char)*w))
                return fail(p, "unknown option '%s'", f);
            while (isspace((unsigned char)*w))
                w++;
            if (has_space(w))
                return fail(p, "unknown option '%s'", f);
        }
        if (strcmp(f, "relative") == 0)
            b->flags |= DETECT_BYTE_F_RELATIVE;
        else if (strcasecmp(f, "string") == 0)
            b->flags |= DETECT_BYTE_F_STRING;
        else if (strcasecmp(f, "dec") == 0)
            b->base |= 10;
        else if (strcasecmp(f, "hex") == 0)
            b->base |= 16;
        else if (strcasecmp(f, "oct") == 0)
            b->base |= 8;
        else if (strcasecmp(f, "big") == 0) {
            little = false;
            big = true;
        } else if (strcasecmp(f, "little") == 0)
            little = true;
        else if (strcasecmp(f, "from_beginning") == 0)
            b->flags |= DETECT_BYTE_F_BEGIN;
        else if (strcasecmp(f, "from_end") == 0)
            b->flags |= DETECT_BYTE_F_END;
        else if (strcasecmp(f, "align") == 0) {
            b->flags |= DETECT_BYTE_F_ALIGN;
            b->align = 4;
        } else if (strncasecmp(f, "multiplier ", 11) == 0) {
            /* Suricata requires a space (not a tab) after the word. */
            if (num_u64(f + 11, 10, true, &v) < 0 || v < 1 || v > 65535)
                return fail(p, "bad multiplier '%s' (1 to 65535)", f + 11);
            b->multiplier = (uint16_t)v;
            b->flags |= DETECT_BYTE_F_MULTIPLIER;
        } else if (strncasecmp(f, "post_offset ", 12) == 0) {
            if (num_i64(f + 12, 10, true, &o) < 0 || o < -BYTE_MAX_OFFSET ||
                o > BYTE_MAX_OFFSET)
                return fail(p, "bad post_offset '%s' (-%d to %d)", f + 12, BYTE_MAX_OFFSET,
                            BYTE_MAX_OFFSET);
            b->post_offset = (int32_t)o;
        } else if (strcasecmp(f, "dce") == 0)
            b->flags |= DETECT_BYTE_F_DCE;
        else
            return fail(p, "unknown option '%s'", f);
    }
    if ((b->flags & DETECT_BYTE_F_BEGIN) && (b->flags & DETECT_BYTE_F_END))
        return fail(p, "from_beginning and from_end cannot be used together");
    bool string = (b->flags & DETECT_BYTE_F_STRING) != 0;
    if (nbytes_var < 0) {
        if (string && nbytes > BYTE_MAX_STRING)
            return fail(p, "cannot jump on more than %d bytes with \"string\" (%s)",
                        BYTE_MAX_STRING, nb);
        if (!string && nbytes > BYTE_MAX_NUMERIC)
            return fail(p, "cannot jump on more than %d bytes without \"string\" (%s)",
                        BYTE_MAX_NUMERIC, nb);
        b->nbytes = (uint8_t)nbytes;
    } else {
        b->nbytes = (uint8_t)nbytes_var;
        b->flags |= DETECT_BYTE_F_NBYTES_VAR;
    }
    if (!string && b->base != 0)
        return fail(p, "a base (dec, hex, oct) needs \"string\"");
    if ((b->flags & DETECT_BYTE_F_DCE) &&
        (string || little || big || (b->flags & (DETECT_BYTE_F_BEGIN | DETECT_BYTE_F_END)) ||
         b->base == 10 || b->base == 16 || b->base == 8))
        return fail(p, "dce cannot be combined with string, big, little, from_beginning, "
                       "from_end or a base");
    b->endian = little ? DETECT_BYTE_LITTLE : DETECT_BYTE_BIG;
    if (b->flags & DETECT_BYTE_F_DCE)
        b->endian = DETECT_BYTE_DCE;
    return CANH_OK;
}

/* ---------------------------------------------------------------------------------- */
/* byte_extract                                                                       */
/* ---------------------------------------------------------------------------------- */

static bool all_digits(const char *s, bool minus)
{
    if (minus && *s == '-')
        s++;
    if (*s == '\0')
        return false;
    return strspn(s, "0123456789") == strlen(s);
}

static int parse_extract(struct parse *p, struct tokens *t, const char **name)
{
    struct detect_byte *b = p->b;
    if (t->n < 3 || t->n > 3 + EXTRACT_MAX_OPTS)
        return fail(p, "expected <nbytes>, <offset>, <name> and at most %d options, got "
                       "%u fields", EXTRACT_MAX_OPTS, t->n);
    const char *nb = t->v[0], *off = t->v[1];
    *name = t->v[2];
    uint64_t v;
    int64_t o;
    if (!all_digits(nb, false) || num_u64(nb, 10, true, &v) < 0 || v > UINT8_MAX)
        return fail(p, "bad number of bytes '%s'", nb);
    b->nbytes = (uint8_t)v;
    if (!all_digits(off, true) || num_i64(off, 10, true, &o) < 0 || o < -BYTE_MAX_OFFSET ||
        o > BYTE_MAX_OFFSET)
        return fail(p, "bad offset '%s' (-%d to %d)", off, BYTE_MAX_OFFSET, BYTE_MAX_OFFSET);
    b->offset = (int32_t)o;
    if (**name == '\0' || has_space(*name) || strlen(*name) > NAME_MAX_LEN)
        return fail(p, "bad variable name '%s'", *name);

    /* The options as the regex's groups: per option, (one word) or (word, word); unset
     * groups read as "". A word that takes a value (multiplier, align) reads the next
     * group, whichever it is, as Suricata does. */
    char slots[3 * EXTRACT_MAX_OPTS][TOKEN_MAX];
    bool set[3 * EXTRACT_MAX_OPTS] = { false };
    unsigned nslots = 0, last = 0;
    for (unsigned i = 3; i < t->n; i++) {
        char *s = t->v[i];
        char *w1 = s, *w2 = NULL;
        for (char *c = s; *c; c++) {
            if (isspace((unsigned char)*c)) {
                *c = '\0';
                w2 = c + 1;
                while (isspace((unsigned char)*w2))
                    w2++;
                break;
            }
        }
        if (*w1 == '\0' || (w2 != NULL && (*w2 == '\0' || has_space(w2))))
            return fail(p, "bad option '%s'", t->v[i]);
        if (strlen(w1) >= TOKEN_MAX || (w2 != NULL && strlen(w2) >= TOKEN_MAX))
            return fail(p, "option too long '%s'", w1);
        unsigned k = nslots;
        slots[k][0] = slots[k + 1][0] = slots[k + 2][0] = '\0';
        if (w2 == NULL) {
            strcpy(slots[k], w1);
            set[k] = true;
            last = k + 1;
        } else {
            strcpy(slots[k + 1], w1);
            strcpy(slots[k + 2], w2);
            set[k + 1] = set[k + 2] = true;
            last = k + 3;
        }
        nslots += 3;
    }
    b->multiplier = 1;
    bool string = false;
    for (unsigned i = 0; i < last; i++) {
        const char *f = slots[i];
        if (strcmp(f, "relative") == 0) {
            if (b->flags & DETECT_BYTE_F_RELATIVE)
                return fail(p, "relative given more than once");
            b->flags |= DETECT_BYTE_F_RELATIVE;
        } else if (strcmp(f, "multiplier") == 0 || strcmp(f, "align") == 0) {
            bool mult = f[0] == 'm';
            uint16_t flag = mult ? DETECT_BYTE_F_MULTIPLIER : DETECT_BYTE_F_ALIGN;
            if (b->flags & flag)
                return fail(p, "%s given more than once", f);
            b->flags |= flag;
            i++;
            if (i >= last || !set[i] || (mult && strlen(slots[i]) >= 16) ||
                (!mult && strlen(slots[i]) >= 16))
                return fail(p, "%s without a value", f);
            if (mult) {
                if (num_u64(slots[i], 10, true, &v) < 0 || v < 1 || v > 65535)
                    return fail(p, "bad multiplier '%s' (1 to 65535)", slots[i]);
                b->multiplier = (uint16_t)v;
            } else {
                if (num_u64(slots[i], 10, true, &v) < 0 || (v != 2 && v != 4))
                    return fail(p, "bad align '%s' (2 or 4)", slots[i]);
                b->align = (uint8_t)v;
            }
        } else if (strcmp(f, "big") == 0 || strcmp(f, "little") == 0 ||
                   strcmp(f, "dce") == 0) {
            if (b->flags & DETECT_BYTE_F_ENDIAN)
                return fail(p, "endianness given more than once ('%s')", f);
            b->flags |= DETECT_BYTE_F_ENDIAN;
            b->endian = f[0] == 'b' ? DETECT_BYTE_BIG
                      : f[0] == 'l' ? DETECT_BYTE_LITTLE : DETECT_BYTE_DCE;
        } else if (strcmp(f, "string") == 0) {
            if (string)
                return fail(p, "string given more than once");
            if (b->base != 0)
                return fail(p, "the base must follow \"string\"");
            string = true;
            b->flags |= DETECT_BYTE_F_STRING;
        } else if (strcmp(f, "hex") == 0 || strcmp(f, "oct") == 0 || strcmp(f, "dec") == 0) {
            if (!string)
                return fail(p, "base '%s' without a preceding \"string\"", f);
            if (b->base != 0)
                return fail(p, "more than one base");
            b->base = f[0] == 'h' ? 16 : f[0] == 'o' ? 8 : 10;
        } else if (f[0] != '\0') {
            return fail(p, "unknown option '%s'", f);
        }
    }
    if (string) {
        if (b->base == 0)
            b->base = 10;
        if (b->endian != 0)
            return fail(p, "big, little or dce cannot be combined with \"string\"");
        unsigned max = b->base == 8 ? EXTRACT_MAX_STRING_OCT
                     : b->base == 10 ? EXTRACT_MAX_STRING_DEC : EXTRACT_MAX_STRING_HEX;
        if (b->nbytes > max)
            return fail(p, "cannot extract more than %u bytes as a base %u string", max,
                        b->base);
    } else {
        if (b->nbytes > BYTE_MAX_NUMERIC)
            return fail(p, "cannot extract more than %d bytes without \"string\"",
                        BYTE_MAX_NUMERIC);
        if (b->endian == 0)
            b->endian = DETECT_BYTE_BIG;
    }
    return CANH_OK;
}

/* ---------------------------------------------------------------------------------- */
/* byte_math                                                                          */
/* ---------------------------------------------------------------------------------- */

/* Rust's u64 / i32 parse: an optional sign ('+' only for unsigned), decimal digits. */
static bool rust_u64(const char *s, uint64_t *v)
{
    if (*s == '+')
        s++;
    if (*s == '\0' || strspn(s, "0123456789") != strlen(s))
        return false;
    errno = 0;
    *v = strtoull(s, NULL, 10);
    return errno != ERANGE;
}

static bool rust_i32(const char *s, int32_t *v)
{
    const char *d = (*s == '+' || *s == '-') ? s + 1 : s;
    if (*d == '\0' || strspn(d, "0123456789") != strlen(d))
        return false;
    errno = 0;
    long long x = strtoll(s, NULL, 10);
    if (errno == ERANGE || x < INT32_MIN || x > INT32_MAX)
        return false;
    *v = (int32_t)x;
    return true;
}

/* byte_math's parse_token(): the first run of characters other than "\n\r\t,;: ". */
static void first_token(const char *s, char *out, size_t cap)
{
    while (isspace((unsigned char)*s))
        s++;
    size_t n = strcspn(s, "\n\r\t,;: ");
    if (n >= cap)
        n = cap - 1;
    memcpy(out, s, n);
    out[n] = '\0';
}

#define MATH_NBYTES 0x1
#define MATH_OFFSET 0x2
#define MATH_OPER 0x4
#define MATH_RVALUE 0x8
#define MATH_RESULT 0x10
#define MATH_REQUIRED 0x1f

static int parse_math(struct parse *p, const char *arg, const char **name, char *namebuf)
{
    struct detect_byte *b = p->b;
    /* nom's separated_list1(",", preceded(multispace0, is_not(","))): a value is the
     * non-empty text after white space up to a comma; the list ends at the first comma
     * not followed by one, and what follows it is ignored. */
    char vals[MATH_MAX_VALUES + 1][256];
    unsigned n = 0;
    const char *s = arg;
    for (;;) {
        while (isspace((unsigned char)*s))
            s++;
        size_t len = strcspn(s, ",");
        if (len == 0)
            break;
        if (n <= MATH_MAX_VALUES) {
            if (len >= sizeof(vals[0]))
                return fail(p, "value too long '%.*s'", (int)len, s);
            memcpy(vals[n], s, len);
            vals[n][len] = '\0';
        }
        n++;
        s += len;
        if (*s != ',')
            break;
        s++;
    }
    if (n < MATH_MIN_VALUES || n > MATH_MAX_VALUES)
        return fail(p, "expected %d to %d values (bytes, offset, oper, rvalue, result and "
                       "options), got %u", MATH_MIN_VALUES, MATH_MAX_VALUES, n);

    unsigned required = 0;
    const char *nbytes_name = NULL, *rvalue_name = NULL;
    char nbytes_buf[256], rvalue_buf[256];
    b->endian = DETECT_BYTE_BIG;
    b->base = 10;
    for (unsigned i = 0; i < n; i++) {
        char *kw = vals[i];
        size_t kl = strcspn(kw, " \t\r\n");
        char *val = kw + kl;
        if (*val != '\0')
            *val++ = '\0';
        val = trim(val);
        uint64_t v;
        if (strcmp(kw, "oper") == 0) {
            if (required & MATH_OPER)
                return fail(p, "oper given more than once");
            static const char *const ops[] = { "+", "-", "/", "*", "<<", ">>" };
            static const uint8_t codes[] = { DETECT_BYTE_MATH_ADD, DETECT_BYTE_MATH_SUB,
                                             DETECT_BYTE_MATH_DIV, DETECT_BYTE_MATH_MUL,
                                             DETECT_BYTE_MATH_SHL, DETECT_BYTE_MATH_SHR };
            b->op = 0;
            for (size_t k = 0; k < ARRAY_SIZE(ops); k++)
                if (strcmp(val, ops[k]) == 0)
                    b->op = codes[k];
            if (b->op == 0)
                return fail(p, "unknown oper '%s'", val);
            required |= MATH_OPER;
        } else if (strcmp(kw, "result") == 0) {
            if (required & MATH_RESULT)
                return fail(p, "result given more than once");
            snprintf(namebuf, 256, "%s", val);
            *name = namebuf;
            required |= MATH_RESULT;
        } else if (strcmp(kw, "rvalue") == 0) {
            if (required & MATH_RVALUE)
                return fail(p, "rvalue given more than once");
            first_token(val, rvalue_buf, sizeof(rvalue_buf));
            if (rvalue_buf[0] == '\0')
                return fail(p, "rvalue without a value");
            if (rust_u64(rvalue_buf, &v)) {
                if (v > UINT32_MAX)
                    return fail(p, "rvalue %s out of range (0 to %u)", rvalue_buf, UINT32_MAX);
                b->value = v;
            } else {
                rvalue_name = rvalue_buf;
            }
            required |= MATH_RVALUE;
        } else if (strcmp(kw, "endian") == 0 || strcmp(kw, "dce") == 0) {
            if (b->flags & DETECT_BYTE_F_ENDIAN)
                return fail(p, "endianness given more than once");
            if (kw[0] == 'd' || strcmp(val, "dce") == 0)
                b->endian = DETECT_BYTE_DCE;
            else if (strcmp(val, "big") == 0)
                b->endian = DETECT_BYTE_BIG;
            else if (strcmp(val, "little") == 0)
                b->endian = DETECT_BYTE_LITTLE;
            else
                return fail(p, "invalid endian '%s'", val);
            b->flags |= DETECT_BYTE_F_ENDIAN;
        } else if (strcmp(kw, "string") == 0) {
            if (b->flags & DETECT_BYTE_F_STRING)
                return fail(p, "string given more than once");
            if (strcmp(val, "hex") == 0)
                b->base = 16;
            else if (strcmp(val, "oct") == 0)
                b->base = 8;
            else if (strcmp(val, "dec") == 0)
                b->base = 10;
            else
                return fail(p, "invalid string base '%s' (hex, dec or oct)", val);
            b->flags |= DETECT_BYTE_F_STRING;
        } else if (strcmp(kw, "relative") == 0) {
            if (b->flags & DETECT_BYTE_F_RELATIVE)
                return fail(p, "relative given more than once");
            b->flags |= DETECT_BYTE_F_RELATIVE;
        } else if (strcmp(kw, "bitmask") == 0) {
            if (b->flags & DETECT_BYTE_F_BITMASK)
                return fail(p, "bitmask given more than once");
            const char *h = val;
            if (h[0] == '0' && (h[1] == 'x' || h[1] == 'X'))
                h += 2;
            if (*h == '+')
                h++;
            if (*h == '\0' || strspn(h, "0123456789abcdefABCDEF") != strlen(h))
                return fail(p, "invalid bitmask '%s'", val);
            while (h[0] == '0' && h[1] != '\0')
                h++;
            if (strlen(h) > 8)
                return fail(p, "bitmask '%s' is wider than 32 bits", val);
            b->bitmask = (uint32_t)strtoul(h, NULL, 16);
            b->bitmask_shift = trailing_zeros(b->bitmask);
            b->flags |= DETECT_BYTE_F_BITMASK;
        } else if (strcmp(kw, "offset") == 0) {
            if (required & MATH_OFFSET)
                return fail(p, "offset given more than once");
            if (!rust_i32(val, &b->offset))
                return fail(p, "invalid offset '%s'", val);
            if (b->offset > BYTE_MAX_OFFSET || b->offset < -BYTE_MAX_OFFSET)
                return fail(p, "offset %s out of range (-%d to %d)", val, BYTE_MAX_OFFSET,
                            BYTE_MAX_OFFSET);
            required |= MATH_OFFSET;
        } else if (strcmp(kw, "bytes") == 0) {
            if (required & MATH_NBYTES)
                return fail(p, "bytes given more than once");
            first_token(val, nbytes_buf, sizeof(nbytes_buf));
            if (nbytes_buf[0] == '\0')
                return fail(p, "bytes without a value");
            if (rust_u64(nbytes_buf, &v)) {
                if (v < 1 || v > MATH_MAX_STRING)
                    return fail(p, "bytes %s out of range (1 to %d)", nbytes_buf,
                                MATH_MAX_STRING);
                b->nbytes = (uint8_t)v;
            } else {
                nbytes_name = nbytes_buf;
            }
            required |= MATH_NBYTES;
        } else {
            return fail(p, "unknown keyword '%s'", kw);
        }
    }
    if ((required & MATH_REQUIRED) != MATH_REQUIRED)
        return fail(p, "bytes, offset, oper, rvalue and result are all required");
    if ((b->op == DETECT_BYTE_MATH_SHL || b->op == DETECT_BYTE_MATH_SHR) &&
        b->nbytes > MATH_MAX_NUMERIC)
        return fail(p, "bytes must be 1 to %d with << or >>", MATH_MAX_NUMERIC);
    /* Suricata 7 refuses dce: its check that no base is given with dce sees the default
     * base (dec) and always fails. */
    if (b->endian == DETECT_BYTE_DCE)
        return fail(p, "dce is not usable with byte_math (Suricata 7 refuses it)");
    int32_t idx;
    if (nbytes_name != NULL) {
        if (resolve(p, nbytes_name, "bytes", &idx) != CANH_OK)
            return CANH_ERR;
        b->nbytes = (uint8_t)idx;
        b->flags |= DETECT_BYTE_F_NBYTES_VAR;
    }
    if (rvalue_name != NULL) {
        if (resolve(p, rvalue_name, "rvalue", &idx) != CANH_OK)
            return CANH_ERR;
        b->value = (uint64_t)idx;
        b->flags |= DETECT_BYTE_F_VALUE_VAR;
    }
    return CANH_OK;
}

/* ---------------------------------------------------------------------------------- */
/* isdataat                                                                           */
/* ---------------------------------------------------------------------------------- */

static int parse_isdataat(struct parse *p, const char *arg, struct tokens *t)
{
    struct detect_byte *b = p->b;
    /* Regex: \s*!?([^\s,]+)\s*(,\s*relative)?\s*(,\s*rawbytes\s*)?\s*$ ; the value is
     * negated only when '!' is the very first character. A "rawbytes" without
     * "relative" reads an unset group and is refused. */
    if (t->n > 3)
        return fail(p, "too many options in '%s'", arg);
    const char *v = t->v[0];
    if (*v == '!')
        v++;
    if (*v == '\0' || has_space(v))
        return fail(p, "bad value '%s'", t->v[0]);
    if (arg[0] == '!')
        b->flags |= DETECT_BYTE_F_NEGATED;
    if (t->n >= 2) {
        if (strcmp(t->v[1], "relative") != 0)
            return fail(p, "unknown option '%s' (relative, rawbytes)", t->v[1]);
        b->flags |= DETECT_BYTE_F_RELATIVE;
    }
    if (t->n == 3) {
        if (strcmp(t->v[2], "rawbytes") != 0)
            return fail(p, "unknown option '%s' (relative, rawbytes)", t->v[2]);
        b->flags |= DETECT_BYTE_F_RAWBYTES;
    }
    uint64_t n;
    if (is_var(v)) {
        int32_t idx;
        if (resolve(p, v, "the offset", &idx) != CANH_OK)
            return CANH_ERR;
        b->value = (uint64_t)idx;
        b->flags |= DETECT_BYTE_F_VALUE_VAR;
    } else if (strlen(v) > BYTE_MAX_STRING || num_u64(v, 10, true, &n) < 0 || n > UINT16_MAX) {
        return fail(p, "bad value '%s' (0 to 65535)", v);
    } else {
        b->value = n;
    }
    return CANH_OK;
}

/* ---------------------------------------------------------------------------------- */
/* Parse entry point                                                                  */
/* ---------------------------------------------------------------------------------- */

struct detect_byte *detect_byte_parse(enum detect_byte_kind kind, const char *arg,
                                      detect_byte_var_fn var_index,
                                      detect_byte_var_fn var_declare, void *ctx,
                                      char errbuf[CANH_ERRBUF_SIZE])
{
    if ((unsigned)kind >= ARRAY_SIZE(kind_names)) {
        snprintf(errbuf, CANH_ERRBUF_SIZE, "byte keyword: unknown kind %d", (int)kind);
        return NULL;
    }
    struct detect_byte *b = calloc(1, sizeof(*b));
    if (b == NULL) {
        snprintf(errbuf, CANH_ERRBUF_SIZE, "%s: out of memory", kind_names[kind]);
        return NULL;
    }
    b->kind = (uint8_t)kind;
    struct parse p = { b, kind_names[kind], errbuf, var_index, ctx };
    struct tokens *t = malloc(sizeof(*t));
    const char *name = NULL;
    char namebuf[256];
    int rc = CANH_ERR;
    if (t == NULL) {
        fail(&p, "out of memory");
        goto out;
    }
    if (arg == NULL || *arg == '\0') {
        fail(&p, "missing value");
        goto out;
    }
    if (kind != DETECT_BYTE_MATH && split(&p, arg, t) != CANH_OK)
        goto out;
    switch (kind) {
    case DETECT_BYTE_TEST:
        rc = parse_test(&p, t);
        break;
    case DETECT_BYTE_JUMP:
        rc = parse_jump(&p, t);
        break;
    case DETECT_BYTE_EXTRACT:
        rc = parse_extract(&p, t, &name);
        break;
    case DETECT_BYTE_MATH:
        rc = parse_math(&p, arg, &name, namebuf);
        break;
    case DETECT_ISDATAAT:
        rc = parse_isdataat(&p, arg, t);
        break;
    }
    if (rc == CANH_OK && name != NULL) {
        int i = var_declare != NULL ? var_declare(ctx, name) : -1;
        if (i < 0 || i > UINT8_MAX)
            rc = fail(&p, "cannot declare variable '%s' (too many variables, or bad name)",
                      name);
        else
            b->result = (uint8_t)i;
    }
out:
    free(t);
    if (rc != CANH_OK) {
        free(b);
        return NULL;
    }
    return b;
}

void detect_byte_free(struct detect_byte *b)
{
    free(b);
}

bool detect_byte_is_relative(const struct detect_byte *b)
{
    return (b->flags & DETECT_BYTE_F_RELATIVE) != 0;
}

bool detect_byte_isdataat_endswith(const struct detect_byte *b)
{
    const uint16_t want = DETECT_BYTE_F_RELATIVE | DETECT_BYTE_F_NEGATED;
    return b->kind == DETECT_ISDATAAT && !(b->flags & DETECT_BYTE_F_VALUE_VAR) &&
           b->value == 1 && (b->flags & want) == want;
}

/* ---------------------------------------------------------------------------------- */
/* Evaluation                                                                         */
/* ---------------------------------------------------------------------------------- */

/* Reads 'n' (0..8) bytes at 'p' as an unsigned number. */
static uint64_t read_num(const uint8_t *p, unsigned n, bool little)
{
    uint64_t v = 0;
    for (unsigned i = 0; i < n; i++)
        v = little ? v | (uint64_t)p[i] << (8 * i) : v << 8 | p[i];
    return v;
}

/* Reads the ASCII number at 'p' as Suricata's ByteExtractStringUint64: the first 'n'
 * bytes (n <= 23) through strtoull in 'base' (leading white space and a sign accepted,
 * the number ends at the first other character). n == 0 reads what strtoull would take
 * from the rest of the buffer, bounded by it ('avail') and by 23 bytes (Suricata reads
 * on past the buffer). Returns the characters read (> 0), or 0 when there is no number
 * or it is out of range. */
static int read_string(const uint8_t *p, uint32_t n, int64_t avail, int base, uint64_t *v)
{
    char tmp[BYTE_MAX_STRING + 1];
    if (n == 0)
        n = avail < BYTE_MAX_STRING ? (uint32_t)(avail < 0 ? 0 : avail) : BYTE_MAX_STRING;
    if (n > BYTE_MAX_STRING)
        return 0;
    memcpy(tmp, p, n);
    tmp[n] = '\0';
    char *end;
    errno = 0;
    *v = strtoull(tmp, &end, base);
    if (errno == ERANGE || end == tmp)
        return 0;
    return (int)(end - tmp);
}

/* Where a keyword reads: the start offset in the buffer and the bytes left from there,
 * as Suricata computes them (relative: from the cursor; a start before the buffer is
 * no match). For relative reads with nothing left, Suricata gives up early (some
 * keywords only when bytes are to be read: 'need'). */
static bool locate(const struct detect_byte *b, uint32_t len, uint32_t cursor, int64_t offset,
                   bool need, int64_t *start, int64_t *rem)
{
    *start = offset;
    *rem = (int64_t)len - offset;
    if (b->flags & DETECT_BYTE_F_RELATIVE) {
        *start += cursor;
        *rem -= cursor;
        if (need && *rem <= 0)
            return false;
    }
    return *start >= 0;
}

static bool little_endian(const struct detect_byte *b, enum detect_byte_dce dce)
{
    if (b->endian == DETECT_BYTE_LITTLE)
        return true;
    if (b->endian != DETECT_BYTE_DCE)
        return false;
    /* byte_extract and byte_math OR the DCE order into their "dce" value, which leaves
     * it "dce", read as little endian (Suricata 7); byte_test/byte_jump follow it. */
    if (b->kind == DETECT_BYTE_EXTRACT || b->kind == DETECT_BYTE_MATH)
        return true;
    return dce != DETECT_BYTE_DCE_BE;
}

/* The number of bytes of byte_test/byte_jump, from a variable when so given; -1 when
 * it is out of Suricata's run-time range (<= 8, or <= 23 for strings). */
static int32_t var_nbytes(const struct detect_byte *b, const uint64_t *vars)
{
    if (!(b->flags & DETECT_BYTE_F_NBYTES_VAR))
        return b->nbytes;
    int32_t n = (int32_t)vars[b->nbytes];
    bool string = (b->flags & DETECT_BYTE_F_STRING) != 0;
    if (n < 0 || (n > BYTE_MAX_NUMERIC && !(string && n <= BYTE_MAX_STRING)))
        return -1;
    return n;
}

/* Extracts the value at [start, start+nbytes): *used gets the bytes consumed (for
 * strings the digits read). False when there is no value. */
static bool extract(const struct detect_byte *b, const uint8_t *buf, int64_t start, int64_t rem,
                    uint32_t nbytes, enum detect_byte_dce dce, uint64_t *v, int *used)
{
    if (b->flags & DETECT_BYTE_F_STRING) {
        *used = read_string(buf + start, nbytes, rem, b->base, v);
        return *used > 0;
    }
    if (nbytes > BYTE_MAX_NUMERIC)
        return false;
    *v = read_num(buf + start, nbytes, little_endian(b, dce));
    *used = (int)nbytes;
    return true;
}

static int exec_test(const struct detect_byte *b, const uint8_t *buf, uint32_t len,
                     uint32_t cursor, const uint64_t *vars, enum detect_byte_dce dce)
{
    if (len == 0)
        return 0;
    int64_t offset = (b->flags & DETECT_BYTE_F_OFFSET_VAR) ? (int32_t)vars[b->offset]
                                                           : b->offset;
    uint64_t value = (b->flags & DETECT_BYTE_F_VALUE_VAR) ? vars[b->value] : b->value;
    int32_t nbytes = var_nbytes(b, vars);
    int64_t start, rem;
    if (nbytes < 0 || !locate(b, len, cursor, offset, true, &start, &rem) || nbytes > rem)
        return 0;
    uint64_t val;
    int used;
    if (!extract(b, buf, start, rem, (uint32_t)nbytes, dce, &val, &used))
        return 0;
    if (b->flags & DETECT_BYTE_F_BITMASK) {
        val &= b->bitmask;
        if (val != 0 && b->bitmask_shift != 0)
            val >>= b->bitmask_shift;
    }
    bool m;
    switch (b->op) {
    case DETECT_BYTE_OP_EQ: m = val == value; break;
    case DETECT_BYTE_OP_LT: m = val < value; break;
    case DETECT_BYTE_OP_GT: m = val > value; break;
    case DETECT_BYTE_OP_AND: m = (val & value) != 0; break;
    case DETECT_BYTE_OP_XOR: m = (val ^ value) != 0; break;
    case DETECT_BYTE_OP_GE: m = val >= value; break;
    case DETECT_BYTE_OP_LE: m = val <= value; break;
    default: return 0;
    }
    return m != ((b->flags & DETECT_BYTE_F_NEGATED) != 0);
}

static int exec_jump(const struct detect_byte *b, const uint8_t *buf, uint32_t len,
                     uint32_t *cursor, const uint64_t *vars, enum detect_byte_dce dce)
{
    if (len == 0)
        return 0;
    int32_t nbytes = var_nbytes(b, vars);
    int64_t offset = (b->flags & DETECT_BYTE_F_OFFSET_VAR) ? (int32_t)vars[b->offset]
                                                           : b->offset;
    int64_t start, rem;
    if (nbytes < 0 || !locate(b, len, *cursor, offset, nbytes != 0, &start, &rem) ||
        nbytes > rem)
        return 0;
    uint64_t val;
    int used;
    if (!extract(b, buf, start, rem, (uint32_t)nbytes, dce, &val, &used))
        return 0;
    val *= b->multiplier;
    if ((b->flags & DETECT_BYTE_F_ALIGN) && val % 4 != 0)
        val += 4 - val % 4;
    val += (uint64_t)(int64_t)b->post_offset;
    /* From the start, the end, or the byte after the value read (for strings: after the
     * digits, which may be fewer than nbytes). Before the buffer clamps to its start. */
    __int128 from = (b->flags & DETECT_BYTE_F_BEGIN) ? 0
                  : (b->flags & DETECT_BYTE_F_END) ? (__int128)len : (__int128)start + used;
    __int128 to = from + (int64_t)val;
    if (to < -JUMP_WRAP)
        return 0;
    if (to < 0)
        to = 0;
    else if (to > len)
        return 0;
    *cursor = (uint32_t)to;
    return 1;
}

static int exec_extract(const struct detect_byte *b, const uint8_t *buf, uint32_t len,
                        uint32_t *cursor, uint64_t *vars, enum detect_byte_dce dce)
{
    if (len == 0)
        return 0;
    int64_t start, rem;
    if (!locate(b, len, *cursor, b->offset, true, &start, &rem) || b->nbytes > rem)
        return 0;
    uint64_t val;
    int used;
    if (!extract(b, buf, start, rem, b->nbytes, dce, &val, &used))
        return 0;
    val *= b->multiplier;
    if ((b->flags & DETECT_BYTE_F_ALIGN) && b->align != 0 && val % b->align != 0)
        val += b->align - val % b->align;
    *cursor = (uint32_t)(start + used);
    vars[b->result] = val;
    return 1;
}

static int exec_math(const struct detect_byte *b, const uint8_t *buf, uint32_t len,
                     uint32_t *cursor, uint64_t *vars, enum detect_byte_dce dce)
{
    /* Suricata passes the buffer's length as a uint16_t here. */
    uint32_t plen = (uint16_t)len;
    if (plen == 0)
        return 0;
    uint32_t nbytes = (b->flags & DETECT_BYTE_F_NBYTES_VAR) ? (uint8_t)vars[b->nbytes]
                                                            : b->nbytes;
    bool string = (b->flags & DETECT_BYTE_F_STRING) != 0;
    if (nbytes < 1 || nbytes > (string ? MATH_MAX_STRING : MATH_MAX_NUMERIC))
        return 0;
    uint64_t rvalue = (b->flags & DETECT_BYTE_F_VALUE_VAR) ? vars[b->value] : b->value;
    int64_t start, rem;
    if (!locate(b, plen, *cursor, b->offset, true, &start, &rem) || nbytes > rem)
        return 0;
    uint64_t val;
    int used;
    if (!extract(b, buf, start, rem, nbytes, dce, &val, &used))
        return 0;
    switch (b->op) {
    case DETECT_BYTE_MATH_ADD: val += rvalue; break;
    case DETECT_BYTE_MATH_SUB: val -= rvalue; break;
    case DETECT_BYTE_MATH_DIV:
        if (rvalue == 0)
            return 0; /* before the cursor moves, as Suricata */
        val /= rvalue;
        break;
    case DETECT_BYTE_MATH_MUL: val *= rvalue; break;
    case DETECT_BYTE_MATH_SHL: val = rvalue < 64 ? val << rvalue : 0; break;
    case DETECT_BYTE_MATH_SHR: val >>= (rvalue & 63); break; /* x86's shift count */
    default: return 0;
    }
    *cursor = (uint32_t)(start + used);
    if (b->flags & DETECT_BYTE_F_BITMASK) {
        val &= b->bitmask;
        if (val != 0 && b->bitmask_shift != 0)
            val >>= b->bitmask_shift;
    }
    vars[b->result] = val;
    return 1;
}

static int exec_isdataat(const struct detect_byte *b, uint32_t len, uint32_t cursor,
                         const uint64_t *vars)
{
    bool neg = (b->flags & DETECT_BYTE_F_NEGATED) != 0;
    uint64_t at = b->value;
    if (b->flags & DETECT_BYTE_F_VALUE_VAR) {
        at = vars[b->value];
        if (at >= ISDATAAT_VAR_MAX)
            return neg;
    }
    bool data = (b->flags & DETECT_BYTE_F_RELATIVE) ? (uint64_t)cursor + at <= len : at < len;
    return data != neg;
}

int detect_byte_exec_dce(const struct detect_byte *b, const uint8_t *buf, uint32_t len,
                         uint32_t *cursor, uint64_t *vars, enum detect_byte_dce dce)
{
    if (*cursor > len)
        return 0;
    switch (b->kind) {
    case DETECT_BYTE_TEST:
        return exec_test(b, buf, len, *cursor, vars, dce);
    case DETECT_BYTE_JUMP:
        return exec_jump(b, buf, len, cursor, vars, dce);
    case DETECT_BYTE_EXTRACT:
        return exec_extract(b, buf, len, cursor, vars, dce);
    case DETECT_BYTE_MATH:
        return exec_math(b, buf, len, cursor, vars, dce);
    case DETECT_ISDATAAT:
        return exec_isdataat(b, len, *cursor, vars);
    default:
        return 0;
    }
}

int detect_byte_exec(const struct detect_byte *b, const uint8_t *buf, uint32_t len,
                     uint32_t *cursor, uint64_t *vars)
{
    return detect_byte_exec_dce(b, buf, len, cursor, vars, DETECT_BYTE_DCE_UNKNOWN);
}
