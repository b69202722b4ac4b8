/* Thresholds, detection filters, suppressions and rate filters (detect-threshold.c). */
#ifndef CANH_DETECT_THRESHOLD_H
#define CANH_DETECT_THRESHOLD_H

#include <stdio.h>

#include "detect/detect-int.h"

enum { TH_ALERT = 1, TH_SUPPRESS = 0 };

/* Parses the value of 'threshold' (filter = false) or 'detection_filter' (true). */
int detect_threshold_parse(const char *arg, bool filter, struct detect_threshold *th,
                           char err[CANH_ERRBUF_SIZE]);

struct threshold_table *threshold_table_new(void);
void threshold_table_free(struct threshold_table *t);

/* A match of rule 's' with threshold 'th' at 'now_us': TH_ALERT or TH_SUPPRESS. By-flow
 * tracking uses *flow_count / *flow_first (in the flow's state); rate_filter may set
 * *action. Thread-safe. */
int threshold_check(struct threshold_table *t, const struct sig *s, const struct detect_threshold *th,
                    const struct canh_addr *src, const struct canh_addr *dst, uint8_t ipver,
                    uint16_t sport, uint16_t dport, uint64_t now_us, uint32_t *flow_count,
                    uint64_t *flow_first, uint8_t *action);

/* Is an alert of 's' between these addresses suppressed (threshold.config suppress)? */
bool threshold_suppressed(const struct sig *s, uint8_t ipver, const struct canh_addr *src,
                          const struct canh_addr *dst);

/* Applies threshold.config to the loaded rules; bad lines are reported to 'report' with
 * file:line and skipped. CANH_ERR only when the file cannot be read. */
int threshold_config_load(struct detect_engine *de, const struct detect_load_conf *conf,
                          const char *path, FILE *report, char errbuf[CANH_ERRBUF_SIZE]);

#endif
