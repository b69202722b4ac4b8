/* byte_test, byte_jump, byte_extract, byte_math and isdataat: parse and evaluate.
 * Spec: Suricata 7.0 (src/detect-bytetest.c, detect-bytejump.c, detect-byte-extract.c,
 * detect-bytemath.c with rust/src/detect/byte_math.rs, detect-isdataat.c, and
 * detect-engine-content-inspection.c for how each one reads and moves the cursor).
 *
 *   byte_test:    <nbytes>, [!]<op>, <value>, <offset> [, relative] [, big|little]
 *                 [, string [, hex|dec|oct]] [, dce] [, bitmask <mask>]
 *   byte_jump:    <nbytes>, <offset> [, relative] [, multiplier <n>] [, big|little]
 *                 [, string [, hex|dec|oct]] [, align] [, from_beginning|from_end]
 *                 [, post_offset <n>] [, dce]
 *   byte_extract: <nbytes>, <offset>, <name> [, relative] [, multiplier <n>]
 *                 [, big|little|dce] [, string [, hex|dec|oct]] [, align 2|4]
 *   byte_math:    bytes <n>, offset <n>, oper <+|-|*|/|<<|>>>, rvalue <n|var>,
 *                 result <name> [, relative] [, endian big|little] [, string hex|dec|oct]
 *                 [, bitmask <hex>]
 *   isdataat:     [!]<n> [, relative [, rawbytes]]
 *
 * <nbytes>, <offset>, <value> and byte_math's bytes/rvalue may name a variable set by an
 * earlier byte_extract or byte_math of the same rule. The rule parser owns the variables:
 * it passes a resolver (name -> index, -1 when unknown) and, for byte_extract and
 * byte_math, a declarer (name -> index of a new or existing variable, -1 when no more
 * fit). At run time the engine passes the array the indexes point into.
 *
 * The cursor is Suricata's det_ctx->buffer_offset: the end of the previous match in the
 * buffer, 0 at the start; "relative" counts from it. byte_jump moves it to the jump
 * target, byte_extract and byte_math to the byte after the ones they read (both even
 * without "relative", as Suricata does); byte_test and isdataat leave it alone.
 *
 * Suricata's quirks are kept where a rule's outcome depends on them, each noted where it
 * is implemented (for example: byte_test's '^' is exclusive-or; a "string" value ends at
 * the first character that is not a digit of the base, and byte_jump then jumps from
 * there; byte_math reads a buffer longer than 65535 bytes as its length modulo 65536).
 *
 * dce: Canh has no DCE/RPC parser, so the byte order of the DCE/RPC header is unknown;
 * detect_byte_exec() reads dce values as little endian (what nearly every DCE/RPC
 * implementation sends). detect_byte_exec_dce() takes the order when the engine knows
 * it, with Suricata's semantics. Suricata itself sets the order only on dce_stub_data;
 * on other buffers its byte_test/byte_jump "dce" read big endian. */
#ifndef CANH_DETECT_BYTE_H
#define CANH_DETECT_BYTE_H

#include <stdbool.h>
#include <stdint.h>

#include "util/util-common.h"

enum detect_byte_kind {
    DETECT_BYTE_TEST = 0,
    DETECT_BYTE_JUMP,
    DETECT_BYTE_EXTRACT,
    DETECT_BYTE_MATH,
    DETECT_ISDATAAT,
};

/* byte_test operators ('^' is exclusive-or in Suricata 7, though documented as "or"). */
enum detect_byte_op {
    DETECT_BYTE_OP_LT = 1,
    DETECT_BYTE_OP_GT,
    DETECT_BYTE_OP_EQ,
    DETECT_BYTE_OP_AND,
    DETECT_BYTE_OP_XOR,
    DETECT_BYTE_OP_GE,
    DETECT_BYTE_OP_LE,
};

/* byte_math operators. */
enum detect_byte_math_op {
    DETECT_BYTE_MATH_ADD = 1,
    DETECT_BYTE_MATH_SUB,
    DETECT_BYTE_MATH_DIV,
    DETECT_BYTE_MATH_MUL,
    DETECT_BYTE_MATH_SHL,
    DETECT_BYTE_MATH_SHR,
};

enum detect_byte_endian {
    DETECT_BYTE_BIG = 1,
    DETECT_BYTE_LITTLE,
    DETECT_BYTE_DCE,
};

/* Byte order of the DCE/RPC data being inspected, for detect_byte_exec_dce(). */
enum detect_byte_dce {
    DETECT_BYTE_DCE_UNKNOWN = 0, /* read dce values as little endian */
    DETECT_BYTE_DCE_LE,
    DETECT_BYTE_DCE_BE,
};

enum detect_byte_flag {
    DETECT_BYTE_F_RELATIVE = 1u << 0,
    DETECT_BYTE_F_STRING = 1u << 1,     /* the value is ASCII digits in 'base' */
    DETECT_BYTE_F_NEGATED = 1u << 2,    /* byte_test "!op", isdataat "!" */
    DETECT_BYTE_F_BITMASK = 1u << 3,
    DETECT_BYTE_F_NBYTES_VAR = 1u << 4, /* 'nbytes' is a variable index */
    DETECT_BYTE_F_OFFSET_VAR = 1u << 5, /* 'offset' is a variable index */
    DETECT_BYTE_F_VALUE_VAR = 1u << 6,  /* 'value' is a variable index (byte_test value,
                                           byte_math rvalue, isdataat N) */
    DETECT_BYTE_F_DCE = 1u << 7,        /* byte_test / byte_jump "dce" */
    DETECT_BYTE_F_BEGIN = 1u << 8,      /* byte_jump from_beginning */
    DETECT_BYTE_F_END = 1u << 9,        /* byte_jump from_end */
    DETECT_BYTE_F_ALIGN = 1u << 10,     /* byte_jump align (to 4), byte_extract align N */
    DETECT_BYTE_F_RAWBYTES = 1u << 11,  /* isdataat rawbytes: accepted, no effect */
    DETECT_BYTE_F_MULTIPLIER = 1u << 12,/* a multiplier was given */
    DETECT_BYTE_F_ENDIAN = 1u << 13,    /* an endianness was given (byte_extract/byte_math) */
};

/* One parsed keyword. Read-only after parsing; shared by every worker. */
struct detect_byte {
    uint8_t kind;          /* enum detect_byte_kind */
    uint8_t nbytes;        /* bytes to read, or a variable index (DETECT_BYTE_F_NBYTES_VAR) */
    uint8_t base;          /* string base: 0 = strtoull's auto (byte_test/byte_jump without
                              a base), 8, 10, 16; byte_test/byte_jump OR several bases
                              together, as Suricata does */
    uint8_t op;            /* enum detect_byte_op (byte_test) / detect_byte_math_op */
    uint8_t endian;        /* enum detect_byte_endian */
    uint8_t align;         /* byte_extract: 2 or 4; byte_jump: 4 (with DETECT_BYTE_F_ALIGN) */
    uint8_t bitmask_shift; /* trailing zero bits of 'bitmask' */
    uint8_t result;        /* byte_extract / byte_math: index of the variable written */
    uint16_t flags;        /* enum detect_byte_flag */
    uint16_t multiplier;   /* byte_jump / byte_extract, 1 when not given */
    int32_t offset;        /* or a variable index (DETECT_BYTE_F_OFFSET_VAR) */
    int32_t post_offset;   /* byte_jump */
    uint32_t bitmask;
    uint64_t value;        /* byte_test value, byte_math rvalue, isdataat N; or a variable
                              index (DETECT_BYTE_F_VALUE_VAR) */
};

/* Resolves a variable name to its index, or -1 when the rule has no such variable. */
typedef int (*detect_byte_var_fn)(void *ctx, const char *name);

/* Parses the value of keyword 'kind' ('arg': the text after "byte_test:", without a
 * trailing ';'; isdataat's '!' included). 'var_index' resolves names used as values
 * (may be NULL: then a name is an error); 'var_declare' declares byte_extract's and
 * byte_math's result (needed for those two; called only once the rest has parsed).
 * Returns a new keyword (free with detect_byte_free), or NULL with errbuf set to a
 * message that names the keyword and the part that is wrong. */
struct detect_byte *detect_byte_parse(enum detect_byte_kind kind, const char *arg,
                                      detect_byte_var_fn var_index,
                                      detect_byte_var_fn var_declare, void *ctx,
                                      char errbuf[CANH_ERRBUF_SIZE]);

/* Frees a keyword; NULL is accepted. */
void detect_byte_free(struct detect_byte *b);

/* Is the keyword "relative" (evaluated from the cursor)? */
bool detect_byte_is_relative(const struct detect_byte *b);

/* Is this "isdataat:!1,relative" with a constant 1? Suricata turns that keyword, right
 * after a content, into "endswith" on the content (and drops it). */
bool detect_byte_isdataat_endswith(const struct detect_byte *b);

/* Evaluates 'b' on the buffer [buf, buf + len) with the cursor at *cursor
 * (0 <= *cursor <= len). 'vars' holds the rule's variables: read at the indexes the
 * resolver gave, written at 'result' by byte_extract and byte_math.
 * Returns 1 on a match (then *cursor is moved as described at the top), 0 otherwise
 * (*cursor and 'vars' untouched). Reads only within the buffer. */
int detect_byte_exec(const struct detect_byte *b, const uint8_t *buf, uint32_t len,
                     uint32_t *cursor, uint64_t *vars);

/* The same with the DCE/RPC byte order of the data known (Suricata's dce_stub_data):
 * byte_test and byte_jump "dce" read in that order (DETECT_BYTE_DCE_UNKNOWN: little);
 * byte_extract and byte_math "dce" always read little endian, as Suricata 7 does. */
int detect_byte_exec_dce(const struct detect_byte *b, const uint8_t *buf, uint32_t len,
                         uint32_t *cursor, uint64_t *vars, enum detect_byte_dce dce);

#endif
