/* EVE "dns" events from Canh's own DNS parser (applayer/applayer-dns.h): one event per
 * DNS message, in Suricata's EVE DNS format version 2. The format is written out at the
 * top of output-eve-dns.c. */
#ifndef CANH_OUTPUT_EVE_DNS_H
#define CANH_OUTPUT_EVE_DNS_H

#include <stdint.h>

#include "output/output-eve.h"

struct dns_message;

/* Writes one "dns" event for the message 'm' seen at 'ts_us' on flow 'f' (its identity
 * from eve_flow_fields: src is the flow's client); nothing when dns events are off.
 * A query (QR 0) gives a "query" event, a response (QR 1) an "answer" event. 'm' is
 * what dns_parse() filled: for a malformed message (m->error set) the event holds what
 * was parsed before the error; nothing is written when even the header was cut.
 * 'dpi' may be NULL. Nothing is kept after the call. */
void eve_dns_message(struct eve *e, const struct flow *f, const struct dpi_thread *dpi,
                     const struct dns_message *m, uint64_t ts_us);

#endif
