/* Rule parsing: one rule's text to a struct sig (detect-parse.c), with the keyword
 * setups of detect-keywords.c. */
#ifndef CANH_DETECT_PARSE_H
#define CANH_DETECT_PARSE_H

#include "detect/detect-int.h"

/* State of one rule being parsed, passed to every keyword setup. */
struct parse_ctx {
    struct detect_engine *de;
    const struct detect_load_conf *conf;
    struct sig *s;
    int cur_sb;                  /* sticky buffer: index in s->bufs, or -1: payload */
    int last_sb;                 /* list (index in s->bufs) of the last content-like element */
    int last_idx;                /* its index in that list; -1: none yet */
    int last_content_sb, last_content_idx; /* the last 'content', for its modifiers */
    char bytevars[DETECT_MAX_BYTEVARS][32];
    unsigned nbytevars;
    bool negated;                /* the value had a leading '!' (keywords that take one) */
    bool has_threshold;
    char *err;                   /* CANH_ERRBUF_SIZE */
};

typedef int (*kw_setup_fn)(struct parse_ctx *pc, const char *arg);

enum kw_flag {
    KW_NOOPT = 1u << 0,        /* takes no value */
    KW_OPTIONAL = 1u << 1,     /* value optional */
    KW_NEGATION = 1u << 2,     /* a leading '!' sets pc->negated */
    KW_STRIP_QUOTES = 1u << 3, /* surrounding double quotes are removed */
};

struct detect_keyword {
    const char *name;
    kw_setup_fn setup;
    uint32_t flags;
};

/* The keyword of 'name' (case-insensitive), or NULL. */
const struct detect_keyword *detect_keyword_get(const char *name);

/* Parses one rule (without comment marker or newline). On success returns the sig; on
 * failure NULL with the reason in err, and *sid_out = the sid when it could be read
 * (else 0). */
struct sig *detect_parse_rule(struct detect_engine *de, const struct detect_load_conf *conf,
                              const char *text, uint32_t *sid_out, char err[CANH_ERRBUF_SIZE]);
void detect_sig_free(struct sig *s);

/* Helpers for keyword setups. */
int parse_fail(struct parse_ctx *pc, const char *fmt, ...) CANH_PRINTF(2, 3);
/* The list (index in s->bufs) of buffer 'buf' without transforms, created if needed;
 * -1 when out of memory. */
int parse_buf_index(struct parse_ctx *pc, int buf);
/* The list content-like keywords without their own buffer go to (the sticky buffer or
 * the payload); -1 when out of memory. */
int parse_current_sb(struct parse_ctx *pc);
int parse_add_sm(struct parse_ctx *pc, struct sm_list *l, uint8_t type, void *ctx);
/* Byte variable index by name, or -1. */
int parse_bytevar(const struct parse_ctx *pc, const char *name);
uint32_t detect_flowbit_id(struct detect_engine *de, const char *name, bool intvar);

/* Decodes a content string ("abc|0d 0a|def", escapes \" \; \\ \:) into a malloc'ed
 * buffer. Returns its length, or -1 with the reason in err. */
int detect_content_decode(const char *in, uint8_t **out, char err[CANH_ERRBUF_SIZE]);

/* Sticky buffers and legacy modifiers: CANH_OK/CANH_ERR, or 1 when 'name' is not one. */
int detect_keyword_buffer(struct parse_ctx *pc, const char *name, const char *val);

/* Sets up the keywords of detect-keywords.c. */
extern const struct detect_keyword detect_keywords[];
extern const unsigned detect_nkeywords;

void detect_sm_free(struct sm *sm);

#endif
