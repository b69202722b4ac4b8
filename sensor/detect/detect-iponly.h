/* Address index of the IP-only rules (detect-iponly.c). */
#ifndef CANH_DETECT_IPONLY_H
#define CANH_DETECT_IPONLY_H

#include "detect/detect-int.h"

/* Indexes the rules sigs[ids[0..n)] (their 'num' is their index in sigs). Returns NULL
 * with the reason in errbuf. */
struct detect_iponly *detect_iponly_build(struct sig *const *sigs, const uint32_t *ids, uint32_t n,
                                          char errbuf[CANH_ERRBUF_SIZE]);
void detect_iponly_free(struct detect_iponly *io);
size_t detect_iponly_memuse(const struct detect_iponly *io);

/* The IP-only rules that may match packet 'p', in rule order, at most 'cap'. */
uint32_t detect_iponly_candidates(const struct detect_iponly *io, const struct packet *p,
                                  uint32_t *out, uint32_t cap);

#endif
