/* The list syntax address and port specs share ("[a,!b,$VAR,[c,d]]"): the pieces of an
 * element's lexing and the variable-loop message that detect-address.c and
 * detect-port.c would otherwise each spell out. */
#ifndef CANH_DETECT_SPECLIST_H
#define CANH_DETECT_SPECLIST_H

#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "util/util-common.h"

/* Skips leading spaces and any number of '!' (one negation, as Suricata; spaces may
 * follow each). Returns the index of the element's first other character (len if
 * none); *negated tells whether a '!' was seen. */
static inline size_t speclist_prefix(const char *s, size_t len, bool *negated)
{
    size_t i = 0;
    *negated = false;
    while (i < len && isspace((unsigned char)s[i]))
        i++;
    while (i < len && s[i] == '!') {
        *negated = true;
        i++;
        while (i < len && isspace((unsigned char)s[i]))
            i++;
    }
    return i;
}

/* s[i] is '[': the index of its matching ']' (the whole list's brackets were checked
 * before, so there is one); *junk gets the index of the first non-space after it, or
 * len when only spaces follow. */
static inline size_t speclist_close(const char *s, size_t len, size_t i, size_t *junk)
{
    int d = 0;
    size_t close = i;
    for (size_t k = i; k < len; k++) {
        if (s[k] == '[') {
            d++;
        } else if (s[k] == ']' && --d == 0) {
            close = k;
            break;
        }
    }
    *junk = len;
    for (size_t k = close + 1; k < len; k++)
        if (!isspace((unsigned char)s[k])) {
            *junk = k;
            break;
        }
    return close;
}

/* Is variable name[0, nlen) already being expanded (in chain[0, nchain))? Then 'err'
 * gets "found a loop in <what> group variables: $A -> $B -> $A". */
static inline bool speclist_loop(const char *const *chain, const size_t *chain_len, unsigned nchain,
                                 const char *name, size_t nlen, const char *what,
                                 char err[CANH_ERRBUF_SIZE])
{
    for (unsigned i = 0; i < nchain; i++) {
        if (chain_len[i] != nlen || memcmp(chain[i], name, nlen) != 0)
            continue;
        size_t room = CANH_ERRBUF_SIZE, k;
        k = (size_t)snprintf(err, room, "found a loop in %s group variables:", what);
        for (unsigned j = i; j < nchain && k < room; j++)
            k += (size_t)snprintf(err + k, room - k, " $%.*s ->", (int)chain_len[j], chain[j]);
        if (k < room)
            snprintf(err + k, room - k, " $%.*s", (int)nlen, name);
        return true;
    }
    return false;
}

#endif
