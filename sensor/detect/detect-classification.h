/* classification.config and reference.config, as Suricata 7 reads them
 * (src/util-classification-config.c, src/util-reference-config.c).
 *
 * classification.config gives each classtype its description (the alert's "category")
 * and priority (the alert's severity, unless the rule sets its own):
 *
 *   config classification: shortname,description,priority
 *
 * The shortname is [a-zA-Z][a-zA-Z0-9_-]*; the description runs to the line's last
 * comma (it may hold commas, and keeps any spaces before that comma, as Suricata); the
 * priority is a decimal number. Whitespace is free around the punctuation.
 *
 * reference.config gives each reference type (the "cve" of "reference:cve,2021-44228")
 * the URL prefix its ids are appended to:
 *
 *   config reference: name url
 *
 * In both files names are case-insensitive (kept in lower case, as Suricata), blank
 * lines and lines whose first non-blank character is '#' are skipped, and a line that
 * does not parse is reported on 'report' as "canh-sensor: FILE:LINE: reason (line
 * skipped)", counted and skipped: never fatal. A name defined twice keeps its first
 * definition (as Suricata); the later line is reported and counted as skipped.
 *
 * The standard lists (Suricata's, which ET Open's rules are written for) are compiled
 * in: classification_builtin() and reference_config_builtin(). rules/classification.config
 * and rules/reference.config hold the same lists as files.
 *
 * Tables are immutable after loading and may be shared between threads. */
#ifndef CANH_DETECT_CLASSIFICATION_H
#define CANH_DETECT_CLASSIFICATION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "util/util-common.h"

/* Caps, each with its reason. */
#define CLASSIFICATION_NAME_MAX 63   /* Suricata copies names into 64 bytes */
#define CLASSIFICATION_DESC_MAX 511  /* Suricata copies descriptions into 512 bytes */
#define REFERENCE_NAME_MAX 63        /* Suricata: 64 bytes */
#define REFERENCE_URL_MAX 1023       /* Suricata: 1024 bytes */
#define CLASSIFICATION_LINE_MAX 4096 /* longer lines are reported and skipped */
/* Entries in one table: the standard lists have 43 classtypes and 19 reference types;
 * lines past the cap are reported and skipped. */
#define CLASSIFICATION_MAX_ENTRIES 4096
/* Size of a file read: the standard files are about 3 KB. */
#define CLASSIFICATION_FILE_MAX (1u << 20)

/* ---------------------------------------------------------------------------------- */
/* classification.config                                                              */
/* ---------------------------------------------------------------------------------- */

struct classification_entry {
    const char *name;  /* lower case */
    const char *desc;
    uint32_t priority;
    uint32_t id;       /* 1, 2, ... in the order of the file (Suricata's classtype id) */
};

struct classification;

/* Reads the classification.config at 'path'. Bad lines are reported on 'report' (may
 * be NULL: not printed) and skipped. Returns a new table owned by the caller
 * (classification_free), or NULL with the reason in 'errbuf' only when the file cannot
 * be read (missing, unreadable, larger than CLASSIFICATION_FILE_MAX) or memory runs
 * out. */
struct classification *classification_load(const char *path, FILE *report,
                                           char errbuf[CANH_ERRBUF_SIZE]);

/* The same from 'len' bytes of 'text' (need not be NUL-terminated); 'origin' names
 * the text in reports (a file name). */
struct classification *classification_parse(const char *text, size_t len, const char *origin,
                                            FILE *report, char errbuf[CANH_ERRBUF_SIZE]);

/* The standard list, compiled in. NULL only when out of memory. */
struct classification *classification_builtin(char errbuf[CANH_ERRBUF_SIZE]);

/* Accepts NULL. */
void classification_free(struct classification *c);

/* The entry of classtype 'name' (any case), or NULL. O(log n). */
const struct classification_entry *classification_lookup(const struct classification *c,
                                                         const char *name);

/* Entries kept; entry i (0 <= i < count) in file order. */
uint32_t classification_count(const struct classification *c);
const struct classification_entry *classification_get(const struct classification *c,
                                                      uint32_t i);

/* Lines reported and skipped (bad lines, duplicates, entries past the cap). */
uint32_t classification_skipped(const struct classification *c);

/* ---------------------------------------------------------------------------------- */
/* reference.config                                                                   */
/* ---------------------------------------------------------------------------------- */

struct reference_entry {
    const char *name;  /* lower case */
    const char *url;   /* the rest of the line, trailing whitespace removed */
};

struct reference_config;

/* As classification_load / _parse / _builtin / _free, for reference.config. */
struct reference_config *reference_config_load(const char *path, FILE *report,
                                               char errbuf[CANH_ERRBUF_SIZE]);
struct reference_config *reference_config_parse(const char *text, size_t len,
                                                const char *origin, FILE *report,
                                                char errbuf[CANH_ERRBUF_SIZE]);
struct reference_config *reference_config_builtin(char errbuf[CANH_ERRBUF_SIZE]);
void reference_config_free(struct reference_config *r);

/* The entry of reference type 'name' (any case), or NULL. O(log n). */
const struct reference_entry *reference_config_lookup(const struct reference_config *r,
                                                      const char *name);
uint32_t reference_config_count(const struct reference_config *r);
const struct reference_entry *reference_config_get(const struct reference_config *r,
                                                   uint32_t i);
uint32_t reference_config_skipped(const struct reference_config *r);

#endif
