/* Sensor configuration: every key is one row of a table (conf.c) with its type, default,
 * minimum, maximum and documentation. The YAML file, `--set key=value` and the command
 * line all go through the same setter, so a bad value stops start-up with a message
 * naming the file and line (or the option), the key, the value and the allowed range.
 * The structure is filled before any thread starts and is read-only afterwards. */
#ifndef CANH_CONF_H
#define CANH_CONF_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "util/util-common.h"

#define CONF_STR_MAX 256

enum conf_checksum { CONF_CSUM_ALL = 0, CONF_CSUM_NONE = 1 };
enum conf_defrag_policy { DEFRAG_POLICY_BSD = 0, DEFRAG_POLICY_LINUX, DEFRAG_POLICY_FIRST, DEFRAG_POLICY_LAST };

/* Bits of output.eve.types. */
enum eve_type {
    EVE_FLOW = 1u << 0,
    EVE_DNS = 1u << 1,
    EVE_HTTP = 1u << 2,
    EVE_TLS = 1u << 3,
    EVE_SSH = 1u << 4,
    EVE_ANOMALY = 1u << 5,
    EVE_STATS = 1u << 6,
    EVE_ALERT = 1u << 7,
    EVE_FILEINFO = 1u << 8,
};

#define CONF_MAX_VARS 64      /* address and port groups ('vars:'); Suricata's default has 27 */
#define CONF_VAR_VALUE_MAX 2048

/* A rule variable: vars.address-groups.NAME or vars.port-groups.NAME. */
struct conf_var {
    char name[64];
    char value[CONF_VAR_VALUE_MAX];
    bool port;
};

enum conf_stream_policy { STREAM_CONF_POLICY_FIRST = 0, STREAM_CONF_POLICY_LAST };
enum conf_tls_enc { CONF_TLS_ENC_DEFAULT = 0, CONF_TLS_ENC_FULL, CONF_TLS_ENC_BYPASS };

struct sensor_conf {
    /* sensor */
    char sensor_id[CONF_STR_MAX];
    char org[CONF_STR_MAX];
    /* capture */
    int64_t snaplen;
    bool promisc;
    int64_t buffer_size;
    int64_t checksum; /* enum conf_checksum */
    char bpf[CONF_STR_MAX * 4];
    int64_t workers;
    int64_t ring_size;
    /* decode */
    int64_t max_layers;
    /* defrag */
    int64_t defrag_memcap;
    int64_t defrag_timeout;
    int64_t defrag_max_frags;
    int64_t defrag_trackers;
    int64_t defrag_policy; /* enum conf_defrag_policy */
    /* flow */
    bool vlan_tracking;
    int64_t flow_memcap;
    int64_t flow_hash_size;
    int64_t flow_timeout_tcp_new;
    int64_t flow_timeout_tcp_established;
    int64_t flow_timeout_tcp_closed;
    int64_t flow_timeout_udp;
    int64_t flow_timeout_icmp;
    int64_t flow_timeout_other;
    /* dpi */
    bool dpi_enabled;
    int64_t dpi_max_packets_tcp;
    int64_t dpi_max_packets_udp;
    bool dpi_guess;
    char dpi_protocols_file[CONF_STR_MAX * 4];
    bool dpi_risk_alerts;
    char dpi_risk_severity[CONF_STR_MAX * 8];
    /* stream */
    int64_t stream_memcap;
    int64_t stream_depth;
    int64_t stream_chunk_toserver;
    int64_t stream_chunk_toclient;
    int64_t stream_max_segments;
    int64_t stream_policy; /* enum conf_stream_policy */
    bool stream_inline;
    bool stream_midstream;
    bool stream_async_oneside;
    /* app-layer */
    int64_t http_request_body_limit;
    int64_t http_response_body_limit;
    int64_t http_decompress_limit;
    int64_t tls_encryption_handling; /* enum conf_tls_enc */
    /* rules */
    char rule_path[CONF_STR_MAX * 4];
    char rule_files[CONF_STR_MAX * 16]; /* comma-separated files or globs */
    char classification_file[CONF_STR_MAX * 4];
    char reference_file[CONF_STR_MAX * 4];
    char threshold_file[CONF_STR_MAX * 4];
    int64_t alert_max;
    struct conf_var vars[CONF_MAX_VARS];
    unsigned nvars;
    /* threat-intelligence lists */
    char ioc_path[CONF_STR_MAX * 4];
    char ioc_files[CONF_STR_MAX * 16]; /* comma-separated files or globs */
    int64_t ioc_default_severity;
    char ioc_default_category[CONF_STR_MAX];
    /* files */
    bool files_enabled;
    bool files_magic;
    bool files_magic_description;
    char files_store_dir[CONF_STR_MAX * 4];
    int64_t files_store_max_file;
    int64_t files_store_max_total;
    /* YARA */
    char yara_path[CONF_STR_MAX * 4];
    char yara_files[CONF_STR_MAX * 16];
    int64_t yara_stream_depth;
    int64_t yara_file_depth;
    int64_t yara_flow_budget;
    int64_t yara_global_budget;
    int64_t yara_timeout;
    int64_t yara_cpu_share;
    char yara_skip_types[CONF_STR_MAX];
    int64_t yara_default_severity;
    char yara_default_category[CONF_STR_MAX];
    /* behaviour detectors */
    bool bh_ps_enabled;
    int64_t bh_ps_severity;
    int64_t bh_ps_window;
    int64_t bh_ps_min_ports;
    bool bh_hs_enabled;
    int64_t bh_hs_severity;
    int64_t bh_hs_window;
    int64_t bh_hs_min_hosts;
    bool bh_sf_enabled;
    int64_t bh_sf_severity;
    int64_t bh_sf_window;
    int64_t bh_sf_min_syns;
    int64_t bh_sf_max_established_pct;
    bool bh_bf_enabled;
    int64_t bh_bf_severity;
    int64_t bh_bf_window;
    int64_t bh_bf_min_short_connections;
    int64_t bh_bf_min_failed_logins;
    int64_t bh_bf_short_max_duration;
    bool bh_dt_enabled;
    int64_t bh_dt_severity;
    int64_t bh_dt_window;
    int64_t bh_dt_min_long_names;
    int64_t bh_dt_min_distinct_names;
    int64_t bh_dt_long_min_length;
    bool bh_bc_enabled;
    int64_t bh_bc_severity;
    int64_t bh_bc_window;
    int64_t bh_bc_min_connections;
    int64_t bh_bc_max_jitter_pct;
    int64_t bh_bc_min_interval;
    int64_t bh_bc_max_interval;
    bool pii_enabled;
    bool pii_cccd;
    bool pii_phone;
    int64_t pii_severity;
    int64_t pii_min_count;
    /* output */
    bool eve_enabled;
    char eve_filename[CONF_STR_MAX];
    int64_t eve_types; /* enum eve_type bits */
    int64_t output_queue_size;
    int64_t stats_interval;
    /* logging */
    int64_t log_level;
};

/* Fills 'c' with every key's default. */
void conf_defaults(struct sensor_conf *c);

/* Sets one key from its text form. 'where' names the origin for messages ("FILE:LINE"
 * or "--set"). Returns CANH_OK, or CANH_ERR with the reason in errbuf. */
int conf_set(struct sensor_conf *c, const char *key, const char *value, const char *where,
             char errbuf[CANH_ERRBUF_SIZE]);

/* Loads a YAML file over the current values. Unknown keys and bad values are errors.
 * Returns CANH_OK, or CANH_ERR with "FILE:LINE: reason" in errbuf. */
int conf_load_file(struct sensor_conf *c, const char *path, char errbuf[CANH_ERRBUF_SIZE]);

/* Prints every key with its type, default, range and documentation. */
void conf_dump_keys(FILE *out);

/* Prints the values in effect, one "key: value" line each. */
void conf_dump_values(const struct sensor_conf *c, FILE *out);

#endif
