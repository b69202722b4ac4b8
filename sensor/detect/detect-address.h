/* Rule addresses: the source and destination fields of a rule header, and the address
 * lists of threshold.config, parsed as Suricata 7 parses them
 * (src/detect-engine-address.c) and compiled into sets of disjoint intervals.
 *
 * Syntax of a spec:
 *
 *   any                       every IPv4 and every IPv6 address
 *   1.2.3.4  2001:db8::1      one address (an element with a ':' is IPv6, as Suricata)
 *   10.0.0.0/8  2001:db8::/32 CIDR; host bits are cleared (10.1.2.3/8 is 10.0.0.0/8)
 *   10.0.0.0/255.0.0.0        IPv4 netmask; only contiguous masks (as Suricata)
 *   1.2.3.4-1.2.3.10          range, both ends included, start <= end
 *   [a,b,...]                 list; lists nest
 *   !a  ![a,b]                negation of an element or of a list
 *   $NAME  !$NAME             variable (an address group), expanded through the caller's
 *                             callback; its value is itself a spec
 *
 * Whitespace as Suricata: allowed before an element, after a '!' and after a ']', not
 * after an address ("[1.2.3.4 ,5.6.7.8]" is an error in Suricata and here). A trailing
 * comma ("[a,]") is accepted, an empty element elsewhere is not.
 *
 * Meaning (Suricata's, confirmed against Suricata 7.0.10 with crafted traffic):
 *  - A list holds positive and negated elements. Plain sub-lists and plain variables are
 *    flattened into the list that holds them: "[a,[!b]]" is "[a,!b]".
 *  - A negated list or negated variable "![...]" is evaluated on its own (by these same
 *    rules) and its result becomes one negated element of the enclosing list.
 *  - A list's value is computed per address family: the positive elements of that
 *    family, or the whole family when there are none but there are negated ones of the
 *    family; minus the negated elements of the family. So "!10.0.0.0/8" holds no IPv6
 *    address at all, nor does Suricata's default EXTERNAL_NET "!$HOME_NET" when HOME_NET
 *    is IPv4 only; "[1.2.3.4,!2001:db8::1]" is 1.2.3.4 and all of IPv6 but 2001:db8::1.
 *  - Errors: a negation covering all of IPv4 ("!any", "!0.0.0.0/0"), and a result with
 *    no address left ("[1.2.3.4,!1.2.3.4]", "!::/0", "[]").
 *  - IPv4-mapped IPv6 addresses (::ffff:1.2.3.4) are IPv6: "1.2.3.4" does not match an
 *    IPv6 packet from ::ffff:1.2.3.4 and "::ffff:1.2.3.4" does not match an IPv4 packet
 *    from 1.2.3.4 (as Suricata, which matches by the packet's IP version).
 *
 * Not reproduced (Suricata's own inconsistencies, none of them used by real rules):
 * text after a closing ']' before the next ',' is ignored by Suricata and an error here
 * (whitespace after the last ']' of a variable's value is an error in Suricata and
 * accepted here);
 * a '!' in the middle of an address ("1.2.!3.4") negates it in Suricata and is an error
 * here. Suricata's IP-only engine parses "a.b.c.d/255.0.0.0" wrongly (it matches only
 * 0.0.0.0 there, and the right network in its other engine); here it is always the
 * network.
 *
 * Sets are immutable after parsing and may be shared between threads. */
#ifndef CANH_DETECT_ADDRESS_H
#define CANH_DETECT_ADDRESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "decode/decode.h"
#include "util/util-common.h"

/* Caps, each with its reason. */
#define ADDR_MAX_DEPTH 64        /* nested lists and variables: Suricata's recursion limit */
/* Elements, lists and variable expansions in one spec, all expansions counted: bounds
 * the work of variables that expand each other several times over (A = "[$B,$B]",
 * B = "[$C,$C]", ...). ET Open's longest address list has about 50 addresses; IP
 * reputation lists belong in datasets or iprep, not in rule headers. */
#define ADDR_MAX_ITEMS 65536
#define ADDR_ELEMENT_MAX_LEN 255 /* one address element: Suricata's buffer of 256 bytes */

/* Expands the variable 'name' (given without the '$'). Returns its value, which must
 * stay valid while the parse runs, or NULL when the variable is not defined. The same
 * type is used for port groups (detect-port.h). */
typedef const char *(*detect_var_fn)(void *ctx, const char *name);

/* An interval of IPv4 addresses, host byte order, both ends included. */
struct addr_range4 {
    uint32_t lo, hi;
};

/* An IPv6 address as a 128-bit number: 'hi' holds the first 8 bytes of the address
 * (network order) as a host-order integer, 'lo' the last 8. */
struct addr_u128 {
    uint64_t hi, lo;
};

/* An interval of IPv6 addresses, both ends included. */
struct addr_range6 {
    struct addr_u128 lo, hi;
};

struct addr_set;

/* Parses 'spec' (a NUL-terminated address spec, see the top). Variables are looked up
 * through 'vars' with 'ctx' (vars may be NULL: then any variable is undefined).
 * Returns a new set, owned by the caller (addr_set_free), or NULL with the reason in
 * 'errbuf', worded as Suricata's where Suricata has a message ("no addresses left after
 * merging addresses and negated addresses", "failed to parse address \"1.2.3\"", ...). */
struct addr_set *addr_set_parse(const char *spec, detect_var_fn vars, void *ctx,
                                char errbuf[CANH_ERRBUF_SIZE]);

/* Accepts NULL. */
void addr_set_free(struct addr_set *s);

/* Does 'a' lie in the set? 'ipver' is the packet's IP version (4: the address is in
 * a->b[0..3], as struct packet keeps it; 6: a->b[0..15]); any other version matches
 * nothing. O(log n). */
bool addr_set_match_ip(const struct addr_set *s, uint8_t ipver, const struct canh_addr *a);

/* The same without the IP version: 'a' is taken as IPv4 when its bytes 4 to 15 are
 * zero, else as IPv6. Ambiguous for the IPv6 addresses whose last 96 bits are zero
 * ("::", "2001:db8::"), which are then taken as IPv4: prefer addr_set_match_ip() where
 * the version is known. */
bool addr_set_match(const struct addr_set *s, const struct canh_addr *a);

/* Is the set every IPv4 and every IPv6 address? (true for "any", and for any spec that
 * comes to the same, such as "[0.0.0.0/0,::/0]") */
bool addr_set_is_any(const struct addr_set *s);

/* The set's IPv4 (IPv6) intervals: sorted, disjoint and not adjacent (merged). *n gets
 * their count (0 when the set has none of the family); the array belongs to the set. */
const struct addr_range4 *addr_set_ipv4(const struct addr_set *s, uint32_t *n);
const struct addr_range6 *addr_set_ipv6(const struct addr_set *s, uint32_t *n);

/* Writes the set as text into 'buf' (of 'len' bytes, NUL-terminated): its intervals in
 * order, IPv4 first, separated by ','; an interval is "a" when it is one address,
 * "a/n" when it is a CIDR block, else "a-b" ("10.0.0.0/8,10.2.0.0-10.2.0.9,::1").
 * Returns CANH_OK, or CANH_ELIMIT when the text was cut to fit. */
int addr_set_format(const struct addr_set *s, char *buf, size_t len);

#endif
