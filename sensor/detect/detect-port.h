/* Rule ports: the source and destination port fields of a rule header, parsed as
 * Suricata 7 parses them (src/detect-engine-port.c) and compiled into sorted,
 * disjoint port ranges.
 *
 * Syntax of a spec:
 *
 *   any                  every port (0 to 65535)
 *   80                   one port
 *   1000:2000  1024:  :1023  ":"   range, both ends included; an end left out is 0 or
 *                        65535; start <= end
 *   [a,b,...]            list; lists nest
 *   !a  ![a,b]           negation
 *   $NAME  !$NAME        variable (a port group), expanded through the caller's
 *                        callback; its value is itself a spec
 *
 * Whitespace as Suricata: allowed before an element, after a '!' and before a number
 * after ':', not after an element ("[80 ,443]" is an error there and here). A trailing
 * comma ("[80,]") is accepted. A number may have a leading '+'.
 *
 * Meaning (Suricata's, confirmed against Suricata 7.0.10 with crafted traffic). Unlike
 * addresses, ports are not evaluated list by list: every element of the spec, at any
 * depth, is positive or negated, and the result is the positive elements (every port
 * when there are none but there are negated ones) minus the negated ones. So "!80" is
 * every port but 80, "[1:100,!50]" is 1:49 and 51:100, "[80,![81,82]]" is 80, and
 * "[80,[!80]]" is an error (nothing left). Which elements count as negated is
 * Suricata's rule, kept here because rules loaded by Suricata must mean the same:
 *  - an element with a '!' is negated; a list or variable with a '!' passes negation
 *    down to its elements;
 *  - inside a negated list, a '!' on a variable or on the list's last plain element
 *    cancels the negation ("![80,!443]" is 443), while a '!' on another plain element
 *    or on a sub-list does not ("![!443,80]" is every port but 80 and 443;
 *    "![![80]]" is every port but 80).
 * Errors: a negation that covers every port ("!any", "![0:65535]"), a result with no
 * port left ("[80,!80]", "[]"), a port above 65535, a range whose start is after its
 * end, a '!' inside a range ("80:!90").
 *
 * Sets are immutable after parsing and may be shared between threads. */
#ifndef CANH_DETECT_PORT_H
#define CANH_DETECT_PORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "detect/detect-address.h" /* detect_var_fn */
#include "util/util-common.h"

/* Caps, each with its reason. */
#define PORT_MAX_DEPTH 64     /* nested lists and variables: Suricata's recursion limit */
/* Elements, lists and variable expansions in one spec, all expansions counted (bounds
 * the work of variables that expand each other several times over). A spec naming
 * every port one by one has 65536 elements. */
#define PORT_MAX_ITEMS 131072
#define PORT_ELEMENT_MAX_LEN 15 /* one port or range: Suricata refuses 16 characters */

/* A range of ports, both ends included. */
struct port_range {
    uint16_t lo, hi;
};

struct port_set;

/* Parses 'spec' (a NUL-terminated port spec, see the top). Variables are looked up
 * through 'vars' with 'ctx' (vars may be NULL: then any variable is undefined).
 * Returns a new set owned by the caller (port_set_free), or NULL with the reason in
 * 'errbuf', worded as Suricata's where Suricata has a message. */
struct port_set *port_set_parse(const char *spec, detect_var_fn vars, void *ctx,
                                char errbuf[CANH_ERRBUF_SIZE]);

/* Accepts NULL. */
void port_set_free(struct port_set *s);

/* Is 'port' in the set? O(log n), O(1) for a single range. */
bool port_set_match(const struct port_set *s, uint16_t port);

/* Is the set every port? (true for "any", "0:65535", ":", "[0:1023,1024:]" ...) */
bool port_set_is_any(const struct port_set *s);

/* The set's ranges: sorted, disjoint and not adjacent (merged). *n gets their count
 * (at least 1); the array belongs to the set. */
const struct port_range *port_set_ranges(const struct port_set *s, uint32_t *n);

/* Writes the set as text into 'buf' (of 'len' bytes, NUL-terminated): its ranges in
 * order separated by ',', a range as "80" or "1024:65535". Returns CANH_OK, or
 * CANH_ELIMIT when the text was cut to fit. */
int port_set_format(const struct port_set *s, char *buf, size_t len);

#endif
