/* Unit tests for byte_test, byte_jump, byte_extract, byte_math and isdataat
 * (sensor/detect/detect-byte.c). Most cases are ported from Suricata 7.0's own unit
 * tests (src/detect-bytetest.c, detect-bytejump.c, detect-byte-extract.c,
 * detect-bytemath.c, detect-isdataat.c); each names the test it comes from. The
 * others check behaviour confirmed against Suricata 7.0.10 itself on crafted packets
 * ("oracle:"). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "detect/detect-byte.h"
#include "test.h"

/* ---------------------------------------------------------------------------------- */
/* Helpers: a rule's variables, and a keyword list run as the engine runs it          */
/* ---------------------------------------------------------------------------------- */

struct vars {
    char names[8][32];
    unsigned n;
};

static int var_index(void *ctx, const char *name)
{
    struct vars *v = ctx;
    for (unsigned i = 0; i < v->n; i++)
        if (strcmp(v->names[i], name) == 0)
            return (int)i;
    return -1;
}

static int var_declare(void *ctx, const char *name)
{
    struct vars *v = ctx;
    int i = var_index(ctx, name);
    if (i >= 0)
        return i;
    if (v->n == 8 || strlen(name) >= 32)
        return -1;
    strcpy(v->names[v->n], name);
    return (int)v->n++;
}

static struct vars g_vars;
static char g_err[CANH_ERRBUF_SIZE];

static struct detect_byte *parse(enum detect_byte_kind k, const char *arg)
{
    g_err[0] = '\0';
    return detect_byte_parse(k, arg, var_index, var_declare, &g_vars, g_err);
}

/* Does 'arg' parse? Frees the result. */
static int parses(enum detect_byte_kind k, const char *arg)
{
    struct detect_byte *b = parse(k, arg);
    detect_byte_free(b);
    return b != NULL;
}

/* Runs a list of keywords ("byte_test:...;byte_jump:...") over 'buf' from cursor 0 with
 * fresh variables, each keyword after the previous as the content inspection does for
 * keywords that do not backtrack. Returns 1 if all match, 0 if one does not, -1 if one
 * does not parse. *cursor_out gets the final cursor. */
static int run_list(const char *list, const uint8_t *buf, uint32_t len, uint32_t *cursor_out,
                    uint64_t *vars_out)
{
    static const struct { const char *name; enum detect_byte_kind k; } kws[] = {
        { "byte_test:", DETECT_BYTE_TEST },       { "byte_jump:", DETECT_BYTE_JUMP },
        { "byte_extract:", DETECT_BYTE_EXTRACT }, { "byte_math:", DETECT_BYTE_MATH },
        { "isdataat:", DETECT_ISDATAAT },
    };
    char tmp[1024];
    snprintf(tmp, sizeof(tmp), "%s", list);
    memset(&g_vars, 0, sizeof(g_vars));
    uint64_t vars[8] = { 0 };
    uint32_t cursor = 0;
    int result = 1;
    char *save = NULL;
    for (char *kw = strtok_r(tmp, ";", &save); kw != NULL; kw = strtok_r(NULL, ";", &save)) {
        while (*kw == ' ')
            kw++;
        struct detect_byte *b = NULL;
        for (size_t i = 0; i < sizeof(kws) / sizeof(kws[0]); i++) {
            size_t n = strlen(kws[i].name);
            if (strncmp(kw, kws[i].name, n) == 0)
                b = parse(kws[i].k, kw + n);
        }
        if (b == NULL)
            return -1; /* the reason is in g_err */
        int r = result == 1 ? detect_byte_exec(b, buf, len, &cursor, vars) : 0;
        detect_byte_free(b);
        if (r != 1)
            result = 0;
    }
    if (cursor_out != NULL)
        *cursor_out = cursor;
    if (vars_out != NULL)
        memcpy(vars_out, vars, sizeof(vars));
    return result;
}

static int run_str(const char *list, const char *s)
{
    return run_list(list, (const uint8_t *)s, (uint32_t)strlen(s), NULL, NULL);
}

/* ---------------------------------------------------------------------------------- */
/* byte_test                                                                          */
/* ---------------------------------------------------------------------------------- */

static void test_bytetest_parse(void)
{
    struct detect_byte *b;
    memset(&g_vars, 0, sizeof(g_vars));

    /* DetectBytetestTestParse01 */
    CHECK(parses(DETECT_BYTE_TEST, "4, =, 1 , 0"));

    /* DetectBytetestTestParse02 */
    b = parse(DETECT_BYTE_TEST, "4, !=, 1, 0");
    CHECK(b != NULL);
    if (b != NULL) {
        CHECK_EQ(b->op, DETECT_BYTE_OP_EQ);
        CHECK_EQ(b->nbytes, 4);
        CHECK_EQ(b->value, 1);
        CHECK_EQ(b->offset, 0);
        CHECK(b->flags & DETECT_BYTE_F_NEGATED);
        CHECK_EQ(b->base, 0);
    }
    detect_byte_free(b);

    /* DetectBytetestTestParse03 */
    b = parse(DETECT_BYTE_TEST, "4, !=, 1, 0, relative");
    CHECK(b != NULL && b->flags == (DETECT_BYTE_F_NEGATED | DETECT_BYTE_F_RELATIVE));
    detect_byte_free(b);

    /* DetectBytetestTestParse04..06: string with oct, dec, hex */
    b = parse(DETECT_BYTE_TEST, "4, !=, 1, 0, string, oct");
    CHECK(b != NULL && (b->flags & DETECT_BYTE_F_STRING) && b->base == 8);
    detect_byte_free(b);
    b = parse(DETECT_BYTE_TEST, "4, =, 1, 0, string, dec");
    CHECK(b != NULL && (b->flags & DETECT_BYTE_F_STRING) && b->base == 10);
    detect_byte_free(b);
    b = parse(DETECT_BYTE_TEST, "4, >, 1, 0, string, hex");
    CHECK(b != NULL && b->op == DETECT_BYTE_OP_GT && b->base == 16);
    detect_byte_free(b);

    /* DetectBytetestTestParse07, 08: big, little */
    b = parse(DETECT_BYTE_TEST, "4, <, 5, 0, big");
    CHECK(b != NULL && b->op == DETECT_BYTE_OP_LT && b->value == 5 &&
          b->endian == DETECT_BYTE_BIG);
    detect_byte_free(b);
    b = parse(DETECT_BYTE_TEST, "4, <, 5, 0, little");
    CHECK(b != NULL && b->endian == DETECT_BYTE_LITTLE);
    detect_byte_free(b);

    /* DetectBytetestTestParse09: "!" alone is "!=" */
    b = parse(DETECT_BYTE_TEST, "4, !, 5, 0");
    CHECK(b != NULL && b->op == DETECT_BYTE_OP_EQ && (b->flags & DETECT_BYTE_F_NEGATED));
    detect_byte_free(b);

    /* DetectBytetestTestParse10: white space everywhere, "! &" */
    b = parse(DETECT_BYTE_TEST, "\t4 , ! &, 5\t, 0 , little ");
    CHECK(b != NULL && b->op == DETECT_BYTE_OP_AND && (b->flags & DETECT_BYTE_F_NEGATED) &&
          b->endian == DETECT_BYTE_LITTLE);
    detect_byte_free(b);

    /* DetectBytetestTestParse11 */
    b = parse(DETECT_BYTE_TEST, "4,!^,5,0,little,string,relative,hex");
    CHECK(b != NULL && b->op == DETECT_BYTE_OP_XOR && b->base == 16 &&
          b->flags == (DETECT_BYTE_F_NEGATED | DETECT_BYTE_F_STRING | DETECT_BYTE_F_RELATIVE));
    detect_byte_free(b);

    /* DetectBytetestTestParse12, 13: base without string, 9 bytes */
    CHECK(!parses(DETECT_BYTE_TEST, "4, =, 1, 0, hex"));
    CHECK(strstr(g_err, "byte_test") != NULL && strstr(g_err, "string") != NULL);
    CHECK(!parses(DETECT_BYTE_TEST, "9, =, 1, 0"));

    /* DetectBytetestTestParse14: 23 string bytes; the value read loosely ("ULL") */
    b = parse(DETECT_BYTE_TEST, "23,=,0xffffffffffffffffULL,0,string,oct");
    CHECK(b != NULL && b->nbytes == 23 && b->value == UINT64_MAX && b->base == 8);
    detect_byte_free(b);

    /* DetectBytetestTestParse15, 16: 24 string bytes; offset read strictly */
    CHECK(!parses(DETECT_BYTE_TEST, "24, =, 0xffffffffffffffffULL, 0, string"));
    CHECK(!parses(DETECT_BYTE_TEST, "4,=,0,0xffffffffffffffffULL"));

    /* DetectBytetestTestParse17, 18: dce */
    b = parse(DETECT_BYTE_TEST, "4, <, 5, 0, dce");
    CHECK(b != NULL && (b->flags & DETECT_BYTE_F_DCE) && b->endian == DETECT_BYTE_DCE);
    detect_byte_free(b);
    b = parse(DETECT_BYTE_TEST, "4, <, 5, 0");
    CHECK(b != NULL && !(b->flags & DETECT_BYTE_F_DCE));
    detect_byte_free(b);

    /* DetectBytetestTestParse19: dce with string, big, little or a base */
    CHECK(parses(DETECT_BYTE_TEST, "1,=,1,6,dce"));
    CHECK(!parses(DETECT_BYTE_TEST, "1,=,1,6,string,dce"));
    CHECK(!parses(DETECT_BYTE_TEST, "1,=,1,6,big,dce"));
    CHECK(!parses(DETECT_BYTE_TEST, "1,=,1,6,little,dce"));
    CHECK(!parses(DETECT_BYTE_TEST, "1,=,1,6,hex,dce"));
    CHECK(!parses(DETECT_BYTE_TEST, "1,=,1,6,oct,dce"));
    CHECK(!parses(DETECT_BYTE_TEST, "1,=,1,6,dec,dce"));
    /* DetectBytetestTestParse21 */
    CHECK(!parses(DETECT_BYTE_TEST, "1,=,1,6,big,string,hex,dce"));

    /* DetectBytetestTestParse23, 24: bitmask and its shift */
    b = parse(DETECT_BYTE_TEST, "4, <, 5, 0, bitmask 0xf8");
    CHECK(b != NULL && (b->flags & DETECT_BYTE_F_BITMASK) && b->bitmask == 0xf8 &&
          b->bitmask_shift == 3);
    detect_byte_free(b);
    b = parse(DETECT_BYTE_TEST, "4, !<, 5, 0, relative,string,hex, big, bitmask 0xf8");
    CHECK(b != NULL && b->op == DETECT_BYTE_OP_LT && b->base == 16 &&
          b->endian == DETECT_BYTE_BIG && b->bitmask == 0xf8 && b->bitmask_shift == 3 &&
          (b->flags & DETECT_BYTE_F_RELATIVE) && (b->flags & DETECT_BYTE_F_STRING));
    detect_byte_free(b);

    /* Rejections, each naming the keyword and the bad part. */
    CHECK(!parses(DETECT_BYTE_TEST, "4, =>, 1, 0"));
    CHECK(strstr(g_err, "byte_test: invalid operator '=>'") != NULL);
    CHECK(!parses(DETECT_BYTE_TEST, "4, =, 1"));
    CHECK(!parses(DETECT_BYTE_TEST, "4, =, 1, 0, relative,"));
    CHECK(!parses(DETECT_BYTE_TEST, "4, =, 1, 0, Relative"));
    CHECK(!parses(DETECT_BYTE_TEST, "4, =, 1, 0, relative, big, string, dec, dce, bitmask 1, "
                                    "little")); /* 7 options: the regex has 6 slots */
    CHECK(!parses(DETECT_BYTE_TEST, "4, =, 1, 0, bitmask"));
    CHECK(!parses(DETECT_BYTE_TEST, "4, =, nosuchvar, 0"));
    CHECK(strstr(g_err, "nosuchvar") != NULL);
    CHECK(!parses(DETECT_BYTE_TEST, "4, =, 1, 5x"));
    CHECK(strstr(g_err, "offset '5x'") != NULL);

    /* "big" after "little" wins, and the reverse (Suricata clears LITTLE on "big"). */
    b = parse(DETECT_BYTE_TEST, "2, =, 1, 0, little, big");
    CHECK(b != NULL && b->endian == DETECT_BYTE_BIG);
    detect_byte_free(b);
    b = parse(DETECT_BYTE_TEST, "2, =, 1, 0, big, little");
    CHECK(b != NULL && b->endian == DETECT_BYTE_LITTLE);
    detect_byte_free(b);
}

static void test_bytetest_match(void)
{
    static const uint8_t pkt[] = { 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08 };
    uint32_t n = sizeof(pkt);

    /* Endianness. */
    CHECK_EQ(run_list("byte_test:2,=,0x0102,0", pkt, n, NULL, NULL), 1);
    CHECK_EQ(run_list("byte_test:2,=,0x0201,0,little", pkt, n, NULL, NULL), 1);
    CHECK_EQ(run_list("byte_test:2,=,0x0102,0,little", pkt, n, NULL, NULL), 0);
    CHECK_EQ(run_list("byte_test:8,=,0x0102030405060708,0", pkt, n, NULL, NULL), 1);
    CHECK_EQ(run_list("byte_test:8,=,0x0807060504030201,0,little", pkt, n, NULL, NULL), 1);
    CHECK_EQ(run_list("byte_test:3,=,0x060708,5", pkt, n, NULL, NULL), 1);
    /* Past the end: no match (negated too). */
    CHECK_EQ(run_list("byte_test:4,=,0,5", pkt, n, NULL, NULL), 0);
    CHECK_EQ(run_list("byte_test:4,!=,0,5", pkt, n, NULL, NULL), 0);
    /* dce: little endian when the DCE/RPC order is unknown. */
    CHECK_EQ(run_list("byte_test:2,=,0x0201,0,dce", pkt, n, NULL, NULL), 1);

    /* Operators and negation. */
    CHECK_EQ(run_list("byte_test:1,<,2,1", pkt, n, NULL, NULL), 0);
    CHECK_EQ(run_list("byte_test:1,<=,2,1", pkt, n, NULL, NULL), 1);
    CHECK_EQ(run_list("byte_test:1,>,1,1", pkt, n, NULL, NULL), 1);
    CHECK_EQ(run_list("byte_test:1,>=,3,1", pkt, n, NULL, NULL), 0);
    CHECK_EQ(run_list("byte_test:1,&,2,1", pkt, n, NULL, NULL), 1);
    CHECK_EQ(run_list("byte_test:1,&,1,1", pkt, n, NULL, NULL), 0);
    /* oracle: '^' is exclusive-or: 2 ^ 2 == 0 is no match */
    CHECK_EQ(run_list("byte_test:1,^,2,1", pkt, n, NULL, NULL), 0);
    CHECK_EQ(run_list("byte_test:1,^,3,1", pkt, n, NULL, NULL), 1);
    CHECK_EQ(run_list("byte_test:1,!^,2,1", pkt, n, NULL, NULL), 1);
    CHECK_EQ(run_list("byte_test:1,!<,2,1", pkt, n, NULL, NULL), 1);
    CHECK_EQ(run_list("byte_test:1,!,2,1", pkt, n, NULL, NULL), 0);
    /* oracle: zero bytes read as 0 */
    CHECK_EQ(run_list("byte_test:0,=,0,0", pkt, n, NULL, NULL), 1);

    /* Bitmask: masked, then shifted right by the mask's trailing zeros. */
    CHECK_EQ(run_list("byte_test:1,=,0x0f,6,bitmask 0xf0", (const uint8_t *)"\0\0\0\0\0\0\xf5", 7,
                      NULL, NULL), 1);
    CHECK_EQ(run_list("byte_test:2,=,0x38,0,bitmask 0x0ff0", (const uint8_t *)"\x13\x85", 2, NULL,
                      NULL), 1);

    /* Strings in each base; a string ends at its first non-digit. */
    CHECK_EQ(run_str("byte_test:3,=,123,0,string,dec", "123abc"), 1);
    CHECK_EQ(run_str("byte_test:3,=,0x1ab,0,string,hex", "1abxyz"), 1);
    CHECK_EQ(run_str("byte_test:3,=,0117,0,string,oct", "117"), 1);
    CHECK_EQ(run_str("byte_test:4,=,12,0,string,dec", "12ab"), 1);
    CHECK_EQ(run_str("byte_test:4,=,0x10,0,string", "0x10"), 1); /* no base: strtoull's 0 */
    CHECK_EQ(run_str("byte_test:4,=,8,0,string", "010 "), 1);
    CHECK_EQ(run_str("byte_test:2,=,0,0,string,dec", "ab"), 0);  /* no digits: no match */
    CHECK_EQ(run_str("byte_test:3,=,9,0,string,dec", "  9"), 1);  /* strtoull skips blanks */

    /* Relative: from the cursor (moved here by a byte_jump); a negative offset. */
    CHECK_EQ(run_list("byte_jump:1,0; byte_test:1,=,0x03,0,relative", pkt, n, NULL, NULL), 1);
    CHECK_EQ(run_list("byte_jump:1,0; byte_test:1,=,0x02,-1,relative", pkt, n, NULL, NULL), 1);
    CHECK_EQ(run_list("byte_test:1,=,0x01,-1,relative", pkt, n, NULL, NULL), 0);
    CHECK_EQ(run_list("byte_jump:0,8; byte_test:0,=,0,0,relative", pkt, n, NULL, NULL), 0);

    /* Variables as value, offset and number of bytes. */
    CHECK_EQ(run_list("byte_extract:1,1,v; byte_test:1,=,v,1", pkt, n, NULL, NULL), 1);
    CHECK_EQ(run_list("byte_extract:1,1,v; byte_test:1,=,3,v", pkt, n, NULL, NULL), 1);
    CHECK_EQ(run_list("byte_extract:1,1,v; byte_test:v,=,0x0304,2", pkt, n, NULL, NULL), 1);
    /* oracle: a variable number of bytes over 8 (without string) never matches */
    CHECK_EQ(run_list("byte_extract:1,7,v; byte_test:v,>,0,0", pkt, n, NULL, NULL), 1);
    CHECK_EQ(run_list("byte_extract:1,0,v,multiplier 9; byte_test:v,>=,0,0", pkt, n, NULL,
                      NULL), 0);

    /* An empty buffer never matches. */
    CHECK_EQ(run_list("byte_test:0,=,0,0", pkt, 0, NULL, NULL), 0);
}

/* ---------------------------------------------------------------------------------- */
/* byte_jump                                                                          */
/* ---------------------------------------------------------------------------------- */

static void test_bytejump_parse(void)
{
    struct detect_byte *b;
    memset(&g_vars, 0, sizeof(g_vars));

    /* DetectBytejumpTestParse01, 02 */
    CHECK(parses(DETECT_BYTE_JUMP, "4,0"));
    b = parse(DETECT_BYTE_JUMP, "4, 0");
    CHECK(b != NULL && b->nbytes == 4 && b->offset == 0 && b->multiplier == 1 &&
          b->post_offset == 0 && b->flags == 0 && b->base == 0);
    detect_byte_free(b);

    /* DetectBytejumpTestParse03 */
    b = parse(DETECT_BYTE_JUMP, " 4,0 , relative , little, string, dec, align, from_beginning");
    CHECK(b != NULL && b->base == 10 && b->endian == DETECT_BYTE_LITTLE &&
          b->flags == (DETECT_BYTE_F_RELATIVE | DETECT_BYTE_F_STRING | DETECT_BYTE_F_ALIGN |
                       DETECT_BYTE_F_BEGIN));
    detect_byte_free(b);

    /* DetectBytejumpTestParse04: 8 options, two with values */
    b = parse(DETECT_BYTE_JUMP, " 4,0 , relative , little, string, dec, align, from_beginning , "
                                "multiplier 2 , post_offset -16 ");
    CHECK(b != NULL && b->multiplier == 2 && b->post_offset == -16);
    detect_byte_free(b);

    /* DetectBytejumpTestParse05..08 */
    CHECK(!parses(DETECT_BYTE_JUMP, " 4,0 , relative , little, dec, align, from_beginning"));
    CHECK(!parses(DETECT_BYTE_JUMP, "9, 0"));
    CHECK(!parses(DETECT_BYTE_JUMP, "24, 0, string, dec"));
    CHECK(!parses(DETECT_BYTE_JUMP, "4, 0xffffffffffffffff"));

    /* DetectBytejumpTestParse09: dce and what it excludes */
    CHECK(parses(DETECT_BYTE_JUMP, "4,0, align, multiplier 2, post_offset -16,relative,dce"));
    CHECK(parses(DETECT_BYTE_JUMP, "4,0,post_offset -16,dce"));
    CHECK(!parses(DETECT_BYTE_JUMP, "4,0, string, dce"));
    CHECK(!parses(DETECT_BYTE_JUMP, "4,0, big, dce"));
    CHECK(!parses(DETECT_BYTE_JUMP, "4,0, little, dce"));
    CHECK(!parses(DETECT_BYTE_JUMP, "4,0, string, dec, dce"));
    CHECK(!parses(DETECT_BYTE_JUMP, "4,0, from_beginning, dce"));

    /* DetectBytejumpTestParse13, 14: from_end; not with from_beginning */
    b = parse(DETECT_BYTE_JUMP, " 4,0 , relative , little, string, dec, align, from_end");
    CHECK(b != NULL && (b->flags & DETECT_BYTE_F_END));
    detect_byte_free(b);
    CHECK(!parses(DETECT_BYTE_JUMP, " 4,0 , relative , little, string, dec, align, "
                                    "from_beginning, from_end"));

    /* DetectByteJumpTestPacket03: offset out of range (-65535..65535) */
    CHECK(!parses(DETECT_BYTE_JUMP, "1,214748364"));
    CHECK(strstr(g_err, "byte_jump: bad offset '214748364'") != NULL);

    /* Nine options: more than Suricata's regex returns. */
    CHECK(!parses(DETECT_BYTE_JUMP, "4,0,relative,little,string,dec,align,from_beginning,"
                                    "multiplier 2,post_offset 1,big"));
    CHECK(!parses(DETECT_BYTE_JUMP, "4,0,multiplier 0"));
    CHECK(!parses(DETECT_BYTE_JUMP, "4,0,multiplier"));
    CHECK(!parses(DETECT_BYTE_JUMP, "4,0,post_offset 65536"));
    CHECK(!parses(DETECT_BYTE_JUMP, "4,0,jump"));
    CHECK(strstr(g_err, "'jump'") != NULL);
}

static void test_bytejump_match(void)
{
    uint32_t cur;

    /* DetectByteJumpTestPacket02 (bug 165): a jump relative to a jump */
    static const uint8_t smb[] = { 0x00, 0x00, 0x00, 0x77, 0xff, 0x53, 0x4d, 0x42, 0x2f, 0x00,
                                   0x00, 0x00, 0x00, 0x18, 0x01, 0x20, 0x00, 0x00, 0x00, 0x00,
                                   0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x08,
                                   0x92, 0xa4, 0x01, 0x08, 0x17, 0x5c, 0x0e, 0xff, 0x00, 0x00,
                                   0x00, 0x01, 0x40, 0x48, 0x00, 0x00, 0x00, 0xff };
    CHECK_EQ(run_list("byte_jump:1,13; byte_jump:4,0,relative", smb, sizeof(smb), &cur, NULL), 1);
    /* then content:"|48 00 00|"; within:3 matches there */
    CHECK(cur + 3 <= sizeof(smb) && memcmp(smb + cur, "\x48\x00\x00", 3) == 0);

    /* DetectByteJumpTestPacket04: "XYZ04abcdABCD": after XYZ, 2 digits "04" -> 4 bytes
     * past them: cursor at "ABCD". */
    const char *s = "XYZ04abcdABCD";
    uint32_t len = (uint32_t)strlen(s);
    CHECK_EQ(run_list("byte_jump:2,3,string,dec", (const uint8_t *)s, len, &cur, NULL), 1);
    CHECK_EQ(cur, 9);
    /* DetectByteJumpTestPacket06: from_beginning: jump 4 from the start */
    s = "XX04abcdABCD";
    len = (uint32_t)strlen(s);
    CHECK_EQ(run_list("byte_jump:2,2,string,dec,from_beginning", (const uint8_t *)s, len, &cur,
                      NULL), 1);
    CHECK_EQ(cur, 4);
    /* DetectByteJumpTestPacket08: from_end with post_offset -8 */
    CHECK_EQ(run_list("byte_jump:2,2,string,dec,from_end, post_offset -8", (const uint8_t *)s, len,
                      &cur, NULL), 1);
    CHECK_EQ(cur, 4 + 4 - 8 + 8); /* len 12 + 4 - 8 */
    CHECK_EQ(cur, 8);

    /* Multiplier, align (to 4), post_offset. */
    static const uint8_t p[] = { 0x02, 0x01, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 };
    CHECK_EQ(run_list("byte_jump:1,0", p, sizeof(p), &cur, NULL), 1);
    CHECK_EQ(cur, 3); /* 1 byte read, value 2 */
    CHECK_EQ(run_list("byte_jump:1,0,multiplier 3", p, sizeof(p), &cur, NULL), 1);
    CHECK_EQ(cur, 7);
    CHECK_EQ(run_list("byte_jump:1,1,align", p, sizeof(p), &cur, NULL), 1);
    CHECK_EQ(cur, 2 + 4); /* 1 rounded up to 4, from after the byte at 1 */
    CHECK_EQ(run_list("byte_jump:1,0,post_offset 5", p, sizeof(p), &cur, NULL), 1);
    CHECK_EQ(cur, 8);
    CHECK_EQ(run_list("byte_jump:2,0,little", p, sizeof(p), &cur, NULL), 0); /* 0x0102: past */
    CHECK_EQ(run_list("byte_jump:2,0", p, sizeof(p), &cur, NULL), 0);        /* 0x0201: past */
    CHECK_EQ(run_list("byte_jump:1,0,post_offset -10", p, sizeof(p), &cur, NULL), 1);
    CHECK_EQ(cur, 0); /* before the start: clamped to it */
    CHECK_EQ(run_list("byte_jump:1,0,post_offset 13", p, sizeof(p), &cur, NULL), 1);
    CHECK_EQ(cur, 16); /* exactly the end is allowed */
    CHECK_EQ(run_list("byte_jump:1,0,post_offset 14", p, sizeof(p), &cur, NULL), 0);
    /* Relative, and from_end with a relative read. */
    CHECK_EQ(run_list("byte_jump:1,0; byte_jump:1,-2,relative", p, sizeof(p), &cur, NULL), 1);
    CHECK_EQ(cur, 1 + 1 + 1); /* value 1 read at 3 - 2 = 1, jump from after it */
    /* oracle: a string jump counts from after the digits read, not after nbytes */
    CHECK_EQ(run_str("byte_jump:4,0,string,dec; byte_test:1,=,0x42,0,relative",
                     "2 xxBxxxx"), 0);
    CHECK_EQ(run_str("byte_jump:4,0,string,dec; byte_test:1,=,0x42,0,relative",
                     "2 xBxxxxx"), 1); /* "2" read: 1 + 2 = 3 */
    CHECK_EQ(run_list("byte_jump:1,0", p, 0, &cur, NULL), 0);
}

/* ---------------------------------------------------------------------------------- */
/* byte_extract                                                                       */
/* ---------------------------------------------------------------------------------- */

static void test_byteextract_parse(void)
{
    struct detect_byte *b;
    memset(&g_vars, 0, sizeof(g_vars));

    /* DetectByteExtractTest01 */
    b = parse(DETECT_BYTE_EXTRACT, "4, 2, one");
    CHECK(b != NULL && b->nbytes == 4 && b->offset == 2 && b->flags == 0 &&
          b->endian == DETECT_BYTE_BIG && b->base == 0 && b->align == 0 && b->multiplier == 1);
    CHECK_EQ(var_index(&g_vars, "one"), 0);
    CHECK(b != NULL && b->result == 0);
    detect_byte_free(b);
    /* DetectByteExtractTest02..04 */
    b = parse(DETECT_BYTE_EXTRACT, "4, 2, one, relative");
    CHECK(b != NULL && b->flags == DETECT_BYTE_F_RELATIVE);
    detect_byte_free(b);
    b = parse(DETECT_BYTE_EXTRACT, "4, 2, one, multiplier 10");
    CHECK(b != NULL && b->multiplier == 10);
    detect_byte_free(b);
    b = parse(DETECT_BYTE_EXTRACT, "4, 2, one, relative, multiplier 10");
    CHECK(b != NULL && b->multiplier == 10 && (b->flags & DETECT_BYTE_F_RELATIVE));
    detect_byte_free(b);
    /* DetectByteExtractTest05..07: big, little, dce */
    b = parse(DETECT_BYTE_EXTRACT, "4, 2, one, big");
    CHECK(b != NULL && b->endian == DETECT_BYTE_BIG);
    detect_byte_free(b);
    b = parse(DETECT_BYTE_EXTRACT, "4, 2, one, little");
    CHECK(b != NULL && b->endian == DETECT_BYTE_LITTLE);
    detect_byte_free(b);
    b = parse(DETECT_BYTE_EXTRACT, "4, 2, one, dce");
    CHECK(b != NULL && b->endian == DETECT_BYTE_DCE);
    detect_byte_free(b);
    /* DetectByteExtractTest08..10: string bases */
    b = parse(DETECT_BYTE_EXTRACT, "4, 2, one, string, hex");
    CHECK(b != NULL && b->base == 16 && (b->flags & DETECT_BYTE_F_STRING));
    detect_byte_free(b);
    b = parse(DETECT_BYTE_EXTRACT, "4, 2, one, string, oct");
    CHECK(b != NULL && b->base == 8);
    detect_byte_free(b);
    b = parse(DETECT_BYTE_EXTRACT, "4, 2, one, string, dec");
    CHECK(b != NULL && b->base == 10);
    detect_byte_free(b);
    /* DetectByteExtractTest11..16: align */
    b = parse(DETECT_BYTE_EXTRACT, "4, 2, one, align 4");
    CHECK(b != NULL && b->align == 4 && (b->flags & DETECT_BYTE_F_ALIGN));
    detect_byte_free(b);
    CHECK(parses(DETECT_BYTE_EXTRACT, "4, 2, one, align 4, relative"));
    CHECK(parses(DETECT_BYTE_EXTRACT, "4, 2, one, align 4, relative, big"));
    CHECK(parses(DETECT_BYTE_EXTRACT, "4, 2, one, align 4, relative, dce"));
    CHECK(parses(DETECT_BYTE_EXTRACT, "4, 2, one, align 4, relative, little"));
    b = parse(DETECT_BYTE_EXTRACT, "4, 2, one, align 4, relative, little, multiplier 2");
    CHECK(b != NULL && b->align == 4 && b->multiplier == 2 && b->endian == DETECT_BYTE_LITTLE);
    detect_byte_free(b);
    /* DetectByteExtractTest17..24: duplicates and conflicts */
    CHECK(!parses(DETECT_BYTE_EXTRACT, "4, 2, one, align 4, relative, little, multiplier 2, "
                                       "string hex"));
    CHECK(!parses(DETECT_BYTE_EXTRACT, "4, 2, one, align 4, relative, little, multiplier 2, "
                                       "relative"));
    CHECK(!parses(DETECT_BYTE_EXTRACT, "4, 2, one, align 4, relative, little, multiplier 2, "
                                       "little"));
    CHECK(!parses(DETECT_BYTE_EXTRACT, "4, 2, one, align 4, relative, little, multiplier 2, "
                                       "big"));
    CHECK(!parses(DETECT_BYTE_EXTRACT, "4, 2, one, align 4, relative, little, multiplier 2, "
                                       "align 2"));
    CHECK(!parses(DETECT_BYTE_EXTRACT, "4, 2, one, align 4, relative, little, multiplier 2, "
                                       "multiplier 2"));
    CHECK(!parses(DETECT_BYTE_EXTRACT, "4, 2, one, align 4, relative, little, multiplier 2, "
                                       "dce"));
    /* DetectByteExtractTest25..27: too many bytes */
    CHECK(!parses(DETECT_BYTE_EXTRACT, "24, 2, one, align 4, string, dec"));
    CHECK(!parses(DETECT_BYTE_EXTRACT, "9, 2, one, align 4, little"));
    CHECK(!parses(DETECT_BYTE_EXTRACT, "4, 2, one, align 3"));
    /* DetectByteExtractTest29..34: string limits per base */
    CHECK(parses(DETECT_BYTE_EXTRACT, "23, 2, one, string, oct"));
    CHECK(!parses(DETECT_BYTE_EXTRACT, "24, 2, one, string, oct"));
    CHECK(parses(DETECT_BYTE_EXTRACT, "20, 2, one, string, dec"));
    CHECK(!parses(DETECT_BYTE_EXTRACT, "21, 2, one, string, dec"));
    CHECK(parses(DETECT_BYTE_EXTRACT, "14, 2, one, string, hex"));
    CHECK(!parses(DETECT_BYTE_EXTRACT, "15, 2, one, string, hex"));
    /* DetectByteExtractTest63: negative offset; DetectByteExtractTestParseNoBase: dec */
    b = parse(DETECT_BYTE_EXTRACT, "4, -2, one");
    CHECK(b != NULL && b->offset == -2);
    detect_byte_free(b);
    b = parse(DETECT_BYTE_EXTRACT, "4, 2, one, string");
    CHECK(b != NULL && b->base == 10);
    detect_byte_free(b);

    /* Base before string, string with big, and the regex's shape. */
    CHECK(!parses(DETECT_BYTE_EXTRACT, "4, 2, one, hex, string"));
    CHECK(!parses(DETECT_BYTE_EXTRACT, "4, 2, one, string, big"));
    CHECK(!parses(DETECT_BYTE_EXTRACT, "4, 2, one two"));
    CHECK(!parses(DETECT_BYTE_EXTRACT, "4, 2, one,"));
    CHECK(!parses(DETECT_BYTE_EXTRACT, "4, x, one"));
    CHECK(strstr(g_err, "byte_extract: bad offset 'x'") != NULL);
    CHECK(!parses(DETECT_BYTE_EXTRACT, "4, 2, one, multiplier"));
    CHECK(!parses(DETECT_BYTE_EXTRACT, "4, 2, one, multiplier, 2"));
    /* Two words per option are two options; a value is read from the next group. */
    b = parse(DETECT_BYTE_EXTRACT, "4, 2, one, string dec");
    CHECK(b != NULL && b->base == 10);
    detect_byte_free(b);
    b = parse(DETECT_BYTE_EXTRACT, "1, 0, v, relative multiplier, 2");
    CHECK(b != NULL && b->multiplier == 2 && (b->flags & DETECT_BYTE_F_RELATIVE));
    detect_byte_free(b);
    /* The declarer refuses: the parse fails. */
    struct vars full = { .n = 8 };
    for (unsigned i = 0; i < 8; i++)
        snprintf(full.names[i], sizeof(full.names[i]), "v%u", i);
    b = detect_byte_parse(DETECT_BYTE_EXTRACT, "1,0,x", var_index, var_declare, &full, g_err);
    CHECK(b == NULL && strstr(g_err, "'x'") != NULL);
}

static void test_byteextract_match(void)
{
    uint32_t cur;
    uint64_t vars[8];
    static const uint8_t p[] = { 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08 };

    CHECK_EQ(run_list("byte_extract:2,1,a", p, sizeof(p), &cur, vars), 1);
    CHECK_EQ(vars[0], 0x0203);
    CHECK_EQ(cur, 3); /* the cursor moves after the bytes read, even when not relative */
    CHECK_EQ(run_list("byte_extract:2,1,a,little", p, sizeof(p), &cur, vars), 1);
    CHECK_EQ(vars[0], 0x0302);
    CHECK_EQ(run_list("byte_extract:2,1,a,dce", p, sizeof(p), &cur, vars), 1);
    CHECK_EQ(vars[0], 0x0302);
    CHECK_EQ(run_list("byte_extract:1,2,a,multiplier 10", p, sizeof(p), &cur, vars), 1);
    CHECK_EQ(vars[0], 30);
    CHECK_EQ(run_list("byte_extract:1,4,a,align 4", p, sizeof(p), &cur, vars), 1);
    CHECK_EQ(vars[0], 8);
    CHECK_EQ(run_list("byte_extract:1,4,a,align 2", p, sizeof(p), &cur, vars), 1);
    CHECK_EQ(vars[0], 6);
    CHECK_EQ(run_list("byte_extract:1,0,a; byte_extract:1,1,b,relative", p, sizeof(p), &cur,
                      vars), 1);
    CHECK_EQ(vars[1], 0x03);
    CHECK_EQ(cur, 3);
    CHECK_EQ(run_list("byte_extract:4,5,a", p, sizeof(p), &cur, vars), 0);
    CHECK_EQ(run_list("byte_extract:1,8,a,relative", p, sizeof(p), &cur, vars), 0);
    CHECK_EQ(run_list("byte_extract:0,8,a", p, sizeof(p), &cur, vars), 1);
    CHECK_EQ(cur, 8);

    /* Strings: base 10 by default; the cursor moves after the digits read. */
    CHECK_EQ(run_list("byte_extract:3,0,a,string", (const uint8_t *)"042x", 4, &cur, vars), 1);
    CHECK_EQ(vars[0], 42);
    CHECK_EQ(cur, 3);
    CHECK_EQ(run_list("byte_extract:4,0,a,string,hex", (const uint8_t *)"ff1z", 4, &cur, vars), 1);
    CHECK_EQ(vars[0], 0xff1);
    CHECK_EQ(cur, 3);
    CHECK_EQ(run_list("byte_extract:3,0,a,string,oct", (const uint8_t *)"777", 3, &cur, vars), 1);
    CHECK_EQ(vars[0], 0777);
    CHECK_EQ(run_list("byte_extract:3,0,a,string", (const uint8_t *)"abc", 3, &cur, vars), 0);

    /* DetectByteExtractTest40-style: extract a length, then use it as an offset,
     * a byte_test value and an isdataat offset */
    const char *s = "\x05" "abcdeX";
    CHECK_EQ(run_list("byte_extract:1,0,len; byte_test:1,=,0x58,len,relative",
                      (const uint8_t *)s, 7, NULL, NULL), 1);
    CHECK_EQ(run_list("byte_extract:1,0,len; isdataat:len,relative", (const uint8_t *)s, 7, NULL,
                      NULL), 1);
    CHECK_EQ(run_list("byte_extract:1,0,len; isdataat:!len,relative", (const uint8_t *)s, 7, NULL,
                      NULL), 0);
}

/* ---------------------------------------------------------------------------------- */
/* byte_math                                                                          */
/* ---------------------------------------------------------------------------------- */

static void test_bytemath_parse(void)
{
    struct detect_byte *b;
    memset(&g_vars, 0, sizeof(g_vars));

    /* DetectByteMathParseTest01 */
    b = parse(DETECT_BYTE_MATH, "bytes 4, offset 2, oper +,rvalue 10, result bar");
    CHECK(b != NULL && b->nbytes == 4 && b->offset == 2 && b->op == DETECT_BYTE_MATH_ADD &&
          b->value == 10 && b->endian == DETECT_BYTE_BIG && b->base == 10);
    CHECK_EQ(var_index(&g_vars, "bar"), 0);
    detect_byte_free(b);
    /* DetectByteMathParseTest02..05: bytes 257, bytes 11, offset 70000, oper & */
    CHECK(!parses(DETECT_BYTE_MATH, "bytes 257, offset 2, oper +, rvalue 39, result bar"));
    CHECK(!parses(DETECT_BYTE_MATH, "bytes 11, offset 2, oper +, rvalue 39, result bar"));
    CHECK(!parses(DETECT_BYTE_MATH, "bytes 4, offset 70000, oper +, rvalue 39, result bar"));
    CHECK(!parses(DETECT_BYTE_MATH, "bytes 11, offset 16, oper &, rvalue 39, result bar"));
    /* DetectByteMathParseTest06: relative */
    b = parse(DETECT_BYTE_MATH, "bytes 4, offset 0, oper +,rvalue 248, result var, relative");
    CHECK(b != NULL && b->flags == DETECT_BYTE_F_RELATIVE && b->value == 248);
    detect_byte_free(b);
    /* DetectByteMathParseTest07, 08: rvalue a variable (known, unknown) */
    b = parse(DETECT_BYTE_MATH, "bytes 4, offset 2, oper +, rvalue bar, result foo");
    CHECK(b != NULL && (b->flags & DETECT_BYTE_F_VALUE_VAR) && b->value == 0 &&
          b->result == var_index(&g_vars, "foo"));
    detect_byte_free(b);
    CHECK(!parses(DETECT_BYTE_MATH, "bytes 4, offset 2, oper +, rvalue nope, result bar"));
    CHECK(strstr(g_err, "byte_math") != NULL && strstr(g_err, "'nope'") != NULL);
    /* DetectByteMathParseTest10: endian big */
    b = parse(DETECT_BYTE_MATH, "bytes 4, offset 2, oper +,rvalue 39, result bar, endian big");
    CHECK(b != NULL && b->flags == DETECT_BYTE_F_ENDIAN && b->endian == DETECT_BYTE_BIG);
    detect_byte_free(b);
    /* DetectByteMathParseTest11 parses "dce", but Suricata's setup then refuses it
     * (oracle: the rule fails to load) */
    CHECK(!parses(DETECT_BYTE_MATH, "bytes 4, offset 2, oper +, rvalue 39, result bar, dce"));
    CHECK(!parses(DETECT_BYTE_MATH, "bytes 4, offset 2, oper +, rvalue 39, result bar, "
                                    "endian dce"));
    /* DetectByteMathParseTest12, 13, 16: string dec, bitmask 0x8f40 (shift 6), offset -2 */
    b = parse(DETECT_BYTE_MATH, "bytes 4, offset 2, oper +,rvalue 39, result bar, relative, "
                                "string dec");
    CHECK(b != NULL && b->flags == (DETECT_BYTE_F_RELATIVE | DETECT_BYTE_F_STRING) &&
          b->base == 10);
    detect_byte_free(b);
    b = parse(DETECT_BYTE_MATH, "bytes 4, offset -2, oper +, rvalue 39, result bar, "
                                "relative,  string dec, bitmask 0x8f40");
    CHECK(b != NULL && b->bitmask == 0x8f40 && b->bitmask_shift == 6 && b->offset == -2);
    detect_byte_free(b);
    /* DetectByteMathParseTest14, 15: incomplete */
    CHECK(!parses(DETECT_BYTE_MATH, "bytes 4, offset 2, oper +,rvalue foo"));
    CHECK(!parses(DETECT_BYTE_MATH, "bytes 4, offset 2, oper +, result bar"));

    /* Every operator; shifts need bytes <= 4. */
    const char *ops[] = { "+", "-", "*", "/", "<<", ">>" };
    for (unsigned i = 0; i < 6; i++) {
        char arg[128];
        snprintf(arg, sizeof(arg), "bytes 2, offset 0, oper %s, rvalue 1, result r", ops[i]);
        CHECK(parses(DETECT_BYTE_MATH, arg));
    }
    CHECK(!parses(DETECT_BYTE_MATH, "bytes 5, offset 0, oper <<, rvalue 1, result r"));
    CHECK(parses(DETECT_BYTE_MATH, "bytes 5, offset 0, oper +, rvalue 1, result r"));
    /* Duplicates, unknown names, range of rvalue. */
    CHECK(!parses(DETECT_BYTE_MATH, "bytes 1, bytes 1, offset 0, oper +, rvalue 1, result r"));
    CHECK(!parses(DETECT_BYTE_MATH, "bytes 1, offset 0, oper +, rvalue 1, result r, relative, "
                                    "relative"));
    CHECK(!parses(DETECT_BYTE_MATH, "bytes 1, offset 0, oper +, rvalue 1, result r, foo"));
    CHECK(strstr(g_err, "'foo'") != NULL);
    CHECK(!parses(DETECT_BYTE_MATH, "bytes 1, offset 0, oper +, rvalue 4294967296, result r"));
    CHECK(parses(DETECT_BYTE_MATH, "bytes 1, offset 0, oper +, rvalue 4294967295, result r"));
    CHECK(!parses(DETECT_BYTE_MATH, "bytes 1, offset 0, oper +, rvalue 1, result r, "
                                    "string bin"));
    CHECK(!parses(DETECT_BYTE_MATH, "bytes 1, offset 0, oper +, rvalue 1, result r, "
                                    "bitmask 1ffffffff"));
    /* Order is free; the list ends at an empty value (",,"), and too few remain. */
    CHECK(parses(DETECT_BYTE_MATH, "result r, rvalue 1, oper -, offset 0, bytes 1"));
    CHECK(!parses(DETECT_BYTE_MATH, "bytes 1, offset 0,, oper +, rvalue 1, result r"));
}

static void test_bytemath_match(void)
{
    uint64_t vars[8];
    uint32_t cur;
    static const uint8_t p[] = { 0x38, 0x35, 0x6d, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00,
                                 0x00, 0x00, 0x00, 0x00, 0x00, 0x6d, 0x00, 0x01, 0x00 };

    /* DetectByteMathPacket01: 0x35 + extracted 0x38 = 0x6d; compared with offset 2 */
    CHECK_EQ(run_list("byte_extract: 1, 0, extracted_val, relative;"
                      "byte_math: bytes 1, offset 1, oper +, rvalue extracted_val, result var;"
                      "byte_test: 1, =, var, 2", p, sizeof(p), NULL, vars), 1);
    CHECK_EQ(vars[1], 0x6d);
    CHECK_EQ(run_list("byte_extract: 1, 0, extracted_val, relative;"
                      "byte_math: bytes 1, offset 1, oper +, rvalue extracted_val, result var;"
                      "byte_test: 1, =, var, 13", p, sizeof(p), NULL, NULL), 0);
    /* DetectByteMathPacket02: relative with offset -1 reads 0x38 again: 0x70 */
    CHECK_EQ(run_list("byte_extract: 1, 0, extracted_val, relative;"
                      "byte_math: bytes 1, offset -1, oper +, rvalue extracted_val, result var, "
                      "relative", p, sizeof(p), &cur, vars), 1);
    CHECK_EQ(vars[1], 0x70);
    CHECK_EQ(cur, 1);

    static const uint8_t q[] = { 0x00, 0x10, 0x00, 0x03 };
    CHECK_EQ(run_list("byte_math:bytes 2, offset 0, oper -, rvalue 1, result r", q, 4, &cur,
                      vars), 1);
    CHECK_EQ(vars[0], 0x0f);
    CHECK_EQ(cur, 2);
    CHECK_EQ(run_list("byte_math:bytes 2, offset 0, oper *, rvalue 3, result r", q, 4, NULL,
                      vars), 1);
    CHECK_EQ(vars[0], 0x30);
    CHECK_EQ(run_list("byte_math:bytes 2, offset 0, oper /, rvalue 3, result r", q, 4, NULL,
                      vars), 1);
    CHECK_EQ(vars[0], 5);
    CHECK_EQ(run_list("byte_math:bytes 2, offset 0, oper /, rvalue 0, result r", q, 4, NULL,
                      vars), 0);
    CHECK_EQ(run_list("byte_math:bytes 2, offset 0, oper <<, rvalue 4, result r", q, 4, NULL,
                      vars), 1);
    CHECK_EQ(vars[0], 0x100);
    CHECK_EQ(run_list("byte_math:bytes 2, offset 0, oper <<, rvalue 64, result r", q, 4, NULL,
                      vars), 1);
    CHECK_EQ(vars[0], 0);
    CHECK_EQ(run_list("byte_math:bytes 2, offset 0, oper >>, rvalue 4, result r", q, 4, NULL,
                      vars), 1);
    CHECK_EQ(vars[0], 1);
    CHECK_EQ(run_list("byte_math:bytes 2, offset 2, oper +, rvalue 0, result r, endian little",
                      q, 4, NULL, vars), 1);
    CHECK_EQ(vars[0], 0x0300);
    /* Bitmask after the operation: (0x10 + 0x0f) & 0xf0 >> 4 = 1 */
    CHECK_EQ(run_list("byte_math:bytes 2, offset 0, oper +, rvalue 0x0f, result r", q, 4, NULL,
                      vars), -1); /* rvalue is decimal or a name: "0x0f" is an unknown name */
    CHECK_EQ(run_list("byte_math:bytes 2, offset 0, oper +, rvalue 15, result r, bitmask 0xf0",
                      q, 4, NULL, vars), 1);
    CHECK_EQ(vars[0], 1);
    /* Strings, up to 10 bytes. */
    CHECK_EQ(run_list("byte_math:bytes 3, offset 0, oper +, rvalue 1, result r, string dec",
                      (const uint8_t *)"199", 3, NULL, vars), 1);
    CHECK_EQ(vars[0], 200);
    CHECK_EQ(run_list("byte_math:bytes 2, offset 0, oper +, rvalue 1, result r, string hex",
                      (const uint8_t *)"ff", 2, NULL, vars), 1);
    CHECK_EQ(vars[0], 256);
    CHECK_EQ(run_list("byte_math:bytes 10, offset 0, oper +, rvalue 0, result r, string dec",
                      (const uint8_t *)"4294967296", 10, NULL, vars), 1);
    CHECK_EQ(vars[0], 4294967296ull);
    /* oracle: more than 4 bytes without string parses but never matches */
    CHECK_EQ(run_list("byte_math:bytes 5, offset 0, oper +, rvalue 1, result r",
                      (const uint8_t *)"\1\2\3\4\5\6", 6, NULL, vars), 0);
    /* Variable number of bytes, truncated to 8 bits as Suricata does. */
    CHECK_EQ(run_list("byte_extract:2,0,n; byte_math:bytes n, offset 2, oper +, rvalue 0, "
                      "result r", (const uint8_t *)"\x01\x02\xaa\xbb", 4, NULL, vars), 1);
    CHECK_EQ(vars[1], 0xaabb); /* n = 0x0102 -> 2 */
    /* Past the end. */
    CHECK_EQ(run_list("byte_math:bytes 4, offset 1, oper +, rvalue 1, result r", q, 4, NULL,
                      vars), 0);
}

/* ---------------------------------------------------------------------------------- */
/* isdataat                                                                           */
/* ---------------------------------------------------------------------------------- */

static void test_isdataat(void)
{
    struct detect_byte *b;
    memset(&g_vars, 0, sizeof(g_vars));

    /* DetectIsdataatTestParse01..03 */
    b = parse(DETECT_ISDATAAT, "30 ");
    CHECK(b != NULL && b->value == 30 && b->flags == 0);
    detect_byte_free(b);
    b = parse(DETECT_ISDATAAT, "30 , relative");
    CHECK(b != NULL && b->flags == DETECT_BYTE_F_RELATIVE);
    detect_byte_free(b);
    b = parse(DETECT_ISDATAAT, "30,relative, rawbytes ");
    CHECK(b != NULL && b->flags == (DETECT_BYTE_F_RELATIVE | DETECT_BYTE_F_RAWBYTES));
    detect_byte_free(b);
    /* DetectIsdataatTestParse06 */
    b = parse(DETECT_ISDATAAT, "!4,relative");
    CHECK(b != NULL && (b->flags & DETECT_BYTE_F_NEGATED) && !(b->flags & DETECT_BYTE_F_RAWBYTES));
    detect_byte_free(b);
    /* oracle: "rawbytes" without "relative" fails to load; 65536 is out of range */
    CHECK(!parses(DETECT_ISDATAAT, "5,rawbytes"));
    CHECK(!parses(DETECT_ISDATAAT, "65536"));
    CHECK(strstr(g_err, "isdataat: bad value '65536'") != NULL);
    CHECK(!parses(DETECT_ISDATAAT, "5,relative,rawbytes,x"));
    CHECK(!parses(DETECT_ISDATAAT, "5,relativ"));
    CHECK(!parses(DETECT_ISDATAAT, "nosuchvar"));
    /* The "endswith" shape. */
    b = parse(DETECT_ISDATAAT, "!1,relative");
    CHECK(b != NULL && detect_byte_isdataat_endswith(b));
    detect_byte_free(b);
    b = parse(DETECT_ISDATAAT, "1,relative");
    CHECK(b != NULL && !detect_byte_isdataat_endswith(b));
    detect_byte_free(b);

    /* DetectIsdataatTestPacket01 on "Hi all!" (7 bytes); content is emulated by a jump
     * to the cursor it leaves. */
    const char *s = "Hi all!";
    CHECK_EQ(run_str("isdataat:6", s), 1);
    CHECK_EQ(run_str("byte_jump:0,6; isdataat:1, relative; isdataat:6", s), 1);
    CHECK_EQ(run_str("isdataat:8", s), 0);
    CHECK_EQ(run_str("byte_jump:0,2; isdataat:5, relative", s), 1);
    CHECK_EQ(run_str("byte_jump:0,2; isdataat:6, relative", s), 0);
    CHECK_EQ(run_str("isdataat:7", s), 0);
    CHECK_EQ(run_str("isdataat:!7", s), 1);
    CHECK_EQ(run_str("byte_jump:0,7; isdataat:!1,relative", s), 1);
    CHECK_EQ(run_str("byte_jump:0,7; isdataat:0,relative", s), 1);
    /* A variable at or beyond 100000000 has no data. */
    CHECK_EQ(run_list("byte_extract:4,0,v; isdataat:v", (const uint8_t *)"\x05\xf5\xe1\x00xx", 6,
                      NULL, NULL), 0);
    CHECK_EQ(run_list("byte_extract:4,0,v; isdataat:!v", (const uint8_t *)"\x05\xf5\xe1\x00xx", 6,
                      NULL, NULL), 1);
    /* isdataat does not need a non-empty buffer. */
    uint32_t cur = 0;
    b = parse(DETECT_ISDATAAT, "!0");
    CHECK(b != NULL && detect_byte_exec(b, (const uint8_t *)"", 0, &cur, NULL) == 1);
    detect_byte_free(b);
}

static void test_dce_order(void)
{
    static const uint8_t p[] = { 0x01, 0x02 };
    uint64_t vars[8] = { 0 };
    uint32_t cur = 0;
    memset(&g_vars, 0, sizeof(g_vars));
    struct detect_byte *t = parse(DETECT_BYTE_TEST, "2,=,0x0102,0,dce");
    struct detect_byte *e = parse(DETECT_BYTE_EXTRACT, "2,0,v,dce");
    CHECK(t != NULL && e != NULL);
    if (t != NULL && e != NULL) {
        CHECK_EQ(detect_byte_exec_dce(t, p, 2, &cur, vars, DETECT_BYTE_DCE_BE), 1);
        CHECK_EQ(detect_byte_exec_dce(t, p, 2, &cur, vars, DETECT_BYTE_DCE_LE), 0);
        CHECK_EQ(detect_byte_exec_dce(t, p, 2, &cur, vars, DETECT_BYTE_DCE_UNKNOWN), 0);
        /* byte_extract's dce reads little endian whatever the order (Suricata 7). */
        CHECK_EQ(detect_byte_exec_dce(e, p, 2, &cur, vars, DETECT_BYTE_DCE_BE), 1);
        CHECK_EQ(vars[0], 0x0201);
    }
    detect_byte_free(t);
    detect_byte_free(e);
    detect_byte_free(NULL);
}

int main(void)
{
    test_bytetest_parse();
    test_bytetest_match();
    test_bytejump_parse();
    test_bytejump_match();
    test_byteextract_parse();
    test_byteextract_match();
    test_bytemath_parse();
    test_bytemath_match();
    test_isdataat();
    test_dce_order();
    return test_done("test-byte");
}
