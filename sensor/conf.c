/* Sensor configuration table and YAML loader. See conf.h.
 *
 * Adding a key: one field in struct sensor_conf, one row in conf_table below, one
 * commented entry in deploy/sensor.yaml (tests/unit/test-conf.c checks the sample
 * documents every key). */
#include "conf.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <yaml.h>

enum conf_type {
    CONF_INT,      /* plain integer */
    CONF_SIZE,     /* bytes, with optional suffix KiB/MiB/GiB (also k/m/g, kb/mb/gb) */
    CONF_SECONDS,  /* seconds, with optional suffix s/m/h */
    CONF_BOOL,     /* yes/no/true/false/on/off/1/0 */
    CONF_STRING,   /* text up to the field's size */
    CONF_ENUM,     /* one of 'names', stored as its index */
    CONF_SET,      /* a YAML list (or comma-separated text) of 'names', stored as bits */
};

struct conf_key {
    const char *key;
    enum conf_type type;
    size_t offset;       /* into struct sensor_conf */
    size_t size;         /* CONF_STRING: size of the field */
    int64_t def;         /* default for numeric, bool, enum and set types */
    const char *def_str; /* default for strings */
    int64_t min, max;
    const char *const *names; /* CONF_ENUM, CONF_SET: NULL-terminated */
    const char *doc;
};

#define KIB ((int64_t)1024)
#define MIB ((int64_t)1024 * 1024)
#define GIB ((int64_t)1024 * 1024 * 1024)
#define OFF(f) offsetof(struct sensor_conf, f)
#define SZ(f) sizeof(((struct sensor_conf *)0)->f)

static const char *const names_checksum[] = { "yes", "no", NULL };
static const char *const names_policy[] = { "bsd", "linux", "first", "last", NULL };
static const char *const names_eve[] = { "flow", "dns", "http", "tls", "ssh", "anomaly", "stats", "alert", "fileinfo", NULL };
static const char *const names_stream_policy[] = { "first", "last", NULL };
static const char *const names_tls_enc[] = { "default", "full", "bypass", NULL };
static const char *const names_level[] = { "error", "warning", "notice", "info", "debug", NULL };

/* clang-format off */
static const struct conf_key conf_table[] = {
    { "sensor.id", CONF_STRING, OFF(sensor_id), SZ(sensor_id), 0, "", 0, 0, NULL,
      "Identifier of this sensor in events and in Redis keys (letters, digits, '.', '_', '-'); empty means the host name." },
    { "sensor.org", CONF_STRING, OFF(org), SZ(org), 0, "default", 0, 0, NULL,
      "Organisation (agency, province) the sensor belongs to; written in every event." },

    { "capture.snaplen", CONF_INT, OFF(snaplen), 0, 65535, NULL, 64, 262144, NULL,
      "Bytes captured per packet on live interfaces." },
    { "capture.promisc", CONF_BOOL, OFF(promisc), 0, 1, NULL, 0, 1, NULL,
      "Put live interfaces in promiscuous mode." },
    { "capture.buffer-size", CONF_SIZE, OFF(buffer_size), 0, 64 * MIB, NULL, 1 * MIB, 2 * GIB, NULL,
      "Kernel capture buffer per live capture handle." },
    { "capture.checksum-validation", CONF_ENUM, OFF(checksum), 0, CONF_CSUM_ALL, NULL, 0, 1, names_checksum,
      "Validate IPv4/TCP/UDP/ICMP checksums; packets that fail are counted and not tracked. "
      "'no' is what -k none sets (for captures taken on a host with checksum offload)." },
    { "capture.bpf", CONF_STRING, OFF(bpf), SZ(bpf), 0, "", 0, 0, NULL,
      "BPF filter applied to every capture (trailing command-line arguments override it)." },
    { "workers", CONF_INT, OFF(workers), 0, 1, NULL, 1, 64, NULL,
      "Worker threads; each runs a packet through every stage. Packets of a flow always reach the same worker." },
    { "threads.ring-size", CONF_SIZE, OFF(ring_size), 0, 16 * MIB, NULL, 1 * MIB, 1 * GIB, NULL,
      "Per-worker packet ring between the file reader and the workers (files with more than one worker)." },

    { "decode.max-layers", CONF_INT, OFF(max_layers), 0, 16, NULL, 2, 64, NULL,
      "Most encapsulation layers (VLAN, MPLS, tunnels) decoded in one packet; deeper is an attack." },

    { "defrag.memcap", CONF_SIZE, OFF(defrag_memcap), 0, 32 * MIB, NULL, 1 * MIB, 4 * GIB, NULL,
      "Memory for IP fragments waiting for reassembly, per worker; fragments beyond it are counted and dropped." },
    { "defrag.timeout", CONF_SECONDS, OFF(defrag_timeout), 0, 60, NULL, 1, 3600, NULL,
      "Seconds an incomplete datagram is kept." },
    { "defrag.max-fragments", CONF_INT, OFF(defrag_max_frags), 0, 256, NULL, 2, 8192, NULL,
      "Most fragments in one datagram; more is an attack and the datagram is discarded." },
    { "defrag.trackers", CONF_INT, OFF(defrag_trackers), 0, 65536, NULL, 16, 16777216, NULL,
      "Most datagrams being reassembled at once, per worker." },
    { "defrag.policy", CONF_ENUM, OFF(defrag_policy), 0, DEFRAG_POLICY_BSD, NULL, 0, 3, names_policy,
      "Which data wins where fragments overlap: bsd (lower offset, then earlier), linux (lower offset, then later), first, last." },

    { "vlan.use-for-tracking", CONF_BOOL, OFF(vlan_tracking), 0, 1, NULL, 0, 0, NULL,
      "Keep flows of different VLANs apart (no: one flow across VLANs, for taps that see both sides of a router on different VLANs)." },
    { "flow.memcap", CONF_SIZE, OFF(flow_memcap), 0, 256 * MIB, NULL, 1 * MIB, 64 * GIB, NULL,
      "Memory for flow records and their DPI state, per sensor (split between workers); when full, the oldest flow is evicted and counted." },
    { "flow.hash-size", CONF_INT, OFF(flow_hash_size), 0, 65536, NULL, 1024, 16777216, NULL,
      "Buckets of each worker's flow hash table (rounded up to a power of two)." },
    { "flow.timeouts.tcp-new", CONF_SECONDS, OFF(flow_timeout_tcp_new), 0, 60, NULL, 1, 86400, NULL,
      "Idle seconds before a TCP flow that has not completed its handshake ends." },
    { "flow.timeouts.tcp-established", CONF_SECONDS, OFF(flow_timeout_tcp_established), 0, 600, NULL, 1, 86400, NULL,
      "Idle seconds before an established TCP flow ends." },
    { "flow.timeouts.tcp-closed", CONF_SECONDS, OFF(flow_timeout_tcp_closed), 0, 10, NULL, 0, 86400, NULL,
      "Seconds a TCP flow is kept after FIN in both directions or RST (late packets still count to it)." },
    { "flow.timeouts.udp", CONF_SECONDS, OFF(flow_timeout_udp), 0, 120, NULL, 1, 86400, NULL,
      "Idle seconds before a UDP flow ends." },
    { "flow.timeouts.icmp", CONF_SECONDS, OFF(flow_timeout_icmp), 0, 60, NULL, 1, 86400, NULL,
      "Idle seconds before an ICMP flow ends." },
    { "flow.timeouts.other", CONF_SECONDS, OFF(flow_timeout_other), 0, 120, NULL, 1, 86400, NULL,
      "Idle seconds before a flow of another IP protocol ends." },

    { "dpi.enabled", CONF_BOOL, OFF(dpi_enabled), 0, 1, NULL, 0, 1, NULL,
      "Run nDPI on each flow (application protocol, category, risks, metadata)." },
    { "dpi.max-packets-tcp", CONF_INT, OFF(dpi_max_packets_tcp), 0, 80, NULL, 1, 1000, NULL,
      "Packets of a TCP flow given to nDPI before it gives up (nDPI's own reader uses 80)." },
    { "dpi.max-packets-udp", CONF_INT, OFF(dpi_max_packets_udp), 0, 24, NULL, 1, 1000, NULL,
      "Packets of a UDP flow given to nDPI before it gives up (nDPI's own reader uses 24)." },
    { "dpi.guess", CONF_BOOL, OFF(dpi_guess), 0, 1, NULL, 0, 1, NULL,
      "When nDPI gives up, guess the protocol from ports and addresses (reported with confidence 'Match by port/IP')." },
    { "dpi.protocols-file", CONF_STRING, OFF(dpi_protocols_file), SZ(dpi_protocols_file), 0, "", 0, 0, NULL,
      "nDPI custom protocols file (nDPI's protos.txt format); empty for none." },

    { "dpi.risk-alerts.enabled", CONF_BOOL, OFF(dpi_risk_alerts), 0, 1, NULL, 0, 1, NULL,
      "Raise an alert for nDPI flow risks that have a severity (docs/ndpi-risks.md)." },
    { "dpi.risk-alerts.severity", CONF_STRING, OFF(dpi_risk_severity), SZ(dpi_risk_severity), 0, "", 0, 0, NULL,
      "Changes to the default severity of nDPI risks: comma-separated key=1..4 or key=off (e.g. tls_selfsigned_certificate=3, http_suspicious_user_agent=off)." },
    { "output.eve.enabled", CONF_BOOL, OFF(eve_enabled), 0, 1, NULL, 0, 1, NULL,
      "Write events to the EVE JSON file in the log directory." },
    { "output.eve.filename", CONF_STRING, OFF(eve_filename), SZ(eve_filename), 0, "eve.json", 0, 0, NULL,
      "File name of the EVE log, relative to the log directory (-l)." },
    { "output.eve.types", CONF_SET, OFF(eve_types), 0,
      EVE_FLOW | EVE_DNS | EVE_HTTP | EVE_TLS | EVE_SSH | EVE_ANOMALY | EVE_STATS | EVE_ALERT | EVE_FILEINFO, NULL, 0, 0, names_eve,
      "Event types written: any of flow, dns, http, tls, ssh, anomaly, stats, alert, fileinfo." },
    { "output.queue-size", CONF_SIZE, OFF(output_queue_size), 0, 4 * MIB, NULL, 64 * KIB, 1 * GIB, NULL,
      "Per-worker queue of events waiting for the output thread." },
    { "output.stats-interval", CONF_SECONDS, OFF(stats_interval), 0, 60, NULL, 0, 86400, NULL,
      "Seconds between stats events (0: only the final one at shutdown)." },

    { "stream.memcap", CONF_SIZE, OFF(stream_memcap), 0, 256 * MIB, NULL, 1 * MIB, 64 * GIB, NULL,
      "Memory for TCP segments being reassembled, per sensor (split between workers); segments beyond it are dropped and counted, leaving a gap." },
    { "stream.reassembly.depth", CONF_SIZE, OFF(stream_depth), 0, 1 * MIB, NULL, 0, 1 * GIB, NULL,
      "Bytes reassembled per direction of a TCP connection (0: no limit); the rest is not inspected as stream (Suricata's default 1MiB)." },
    { "stream.reassembly.toserver-chunk-size", CONF_SIZE, OFF(stream_chunk_toserver), 0, 2560, NULL, 64, 1 * MIB, NULL,
      "Bytes of client data collected before stream rules inspect them (Suricata's default 2560)." },
    { "stream.reassembly.toclient-chunk-size", CONF_SIZE, OFF(stream_chunk_toclient), 0, 2560, NULL, 64, 1 * MIB, NULL,
      "Bytes of server data collected before stream rules inspect them (Suricata's default 2560)." },
    { "stream.reassembly.max-segments", CONF_INT, OFF(stream_max_segments), 0, 1024, NULL, 16, 65536, NULL,
      "Out-of-order segments held per direction of a connection; more are dropped and counted (an evasion or a flood)." },
    { "stream.reassembly.policy", CONF_ENUM, OFF(stream_policy), 0, 0, NULL, 0, 1, names_stream_policy,
      "Where TCP segments overlap: first (keep the bytes received first, as Suricata's default) or last." },
    { "stream.inline", CONF_BOOL, OFF(stream_inline), 0, 0, NULL, 0, 0, NULL,
      "Inspect TCP data as it arrives instead of once the receiver acknowledged it." },
    { "stream.midstream", CONF_BOOL, OFF(stream_midstream), 0, 0, NULL, 0, 0, NULL,
      "Reassemble TCP connections whose handshake was not seen (started before capture)." },
    { "stream.async-oneside", CONF_BOOL, OFF(stream_async_oneside), 0, 0, NULL, 0, 0, NULL,
      "Reassemble connections of which only one direction is seen (asymmetric routing)." },
    { "app-layer.http.request-body-limit", CONF_SIZE, OFF(http_request_body_limit), 0, 100 * KIB, NULL, 0, 64 * MIB, NULL,
      "Bytes of each HTTP request body kept for rules (after de-chunking and decompression)." },
    { "app-layer.http.response-body-limit", CONF_SIZE, OFF(http_response_body_limit), 0, 100 * KIB, NULL, 0, 64 * MIB, NULL,
      "Bytes of each HTTP response body kept for rules (after de-chunking and decompression)." },
    { "app-layer.http.decompress-limit", CONF_SIZE, OFF(http_decompress_limit), 0, 1 * MIB, NULL, 4 * KIB, 256 * MIB, NULL,
      "Bytes produced by decompressing one HTTP body at most (a defence against compression bombs)." },
    { "app-layer.tls.encryption-handling", CONF_ENUM, OFF(tls_encryption_handling), 0, 0, NULL, 0, 2, names_tls_enc,
      "Once a TLS connection carries encrypted data: default stops inspecting its payload and raw stream (the TLS buffers still are), as Suricata's default; full keeps inspecting it; bypass (Suricata's) is taken as default." },
    { "default-rule-path", CONF_STRING, OFF(rule_path), SZ(rule_path), 0, "", 0, 0, NULL,
      "Directory rule-files are relative to (empty: the configuration file's directory, or the working directory)." },
    { "rule-files", CONF_STRING, OFF(rule_files), SZ(rule_files), 0, "", 0, 0, NULL,
      "Rule files to load: a YAML list (or comma-separated text) of files or globs. -S FILE replaces it." },
    { "classification-file", CONF_STRING, OFF(classification_file), SZ(classification_file), 0, "", 0, 0, NULL,
      "classification.config (classtype to category and priority); empty: Canh's built-in copy of the standard list." },
    { "reference-config-file", CONF_STRING, OFF(reference_file), SZ(reference_file), 0, "", 0, 0, NULL,
      "reference.config (reference types to URLs); empty for none." },
    { "threshold-file", CONF_STRING, OFF(threshold_file), SZ(threshold_file), 0, "", 0, 0, NULL,
      "threshold.config (threshold, event_filter, suppress, rate_filter); empty for none." },
    { "packet-alert-max", CONF_INT, OFF(alert_max), 0, 15, NULL, 1, 15, NULL,
      "Alerts written for one packet at most; the rest are counted (Suricata's default 15)." },
    { "ioc.path", CONF_STRING, OFF(ioc_path), SZ(ioc_path), 0, "", 0, 0, NULL,
      "Directory ioc.files are relative to (empty: the configuration file's directory, or the working directory)." },
    { "ioc.files", CONF_STRING, OFF(ioc_files), SZ(ioc_files), 0, "", 0, 0, NULL,
      "Threat-intelligence lists to load: a YAML list (or comma-separated text) of files or globs; plain lists (one indicator a line) or .csv (docs/ioc.md)." },
    { "ioc.default-severity", CONF_INT, OFF(ioc_default_severity), 0, 2, NULL, 1, 4, NULL,
      "alert.severity of a listed indicator whose list gives none (1 highest, 4 lowest)." },
    { "ioc.default-category", CONF_STRING, OFF(ioc_default_category), SZ(ioc_default_category), 0, "Threat intelligence", 0, 0, NULL,
      "alert.category of a listed indicator whose list gives none." },
    { "files.enabled", CONF_BOOL, OFF(files_enabled), 0, 1, NULL, 0, 1, NULL,
      "Track files carried by HTTP (bodies, uploads): size, SHA-256, type, name; one fileinfo event each (turns TCP reassembly and HTTP parsing on without rules)." },
    { "files.magic", CONF_BOOL, OFF(files_magic), 0, 1, NULL, 0, 1, NULL,
      "libmagic's MIME type of each file (fileinfo mime_type), from its first 512 bytes." },
    { "files.magic-description", CONF_BOOL, OFF(files_magic_description), 0, 0, NULL, 0, 1, NULL,
      "Also libmagic's description (fileinfo magic, as Suricata's): a second libmagic call per file, which doubles its cost." },
    { "files.store.dir", CONF_STRING, OFF(files_store_dir), SZ(files_store_dir), 0, "", 0, 0, NULL,
      "Directory where whole files are stored as <dir>/<2 hex>/<sha256> (empty: files are not stored)." },
    { "files.store.max-file-size", CONF_SIZE, OFF(files_store_max_file), 0, 16 * MIB, NULL, 1, 64 * GIB, NULL,
      "Files larger than this are not stored (counted in stats.files.store_too_large)." },
    { "files.store.max-total", CONF_SIZE, OFF(files_store_max_total), 0, 1 * GIB, NULL, 1, 64 * 1024 * GIB, NULL,
      "Bytes stored by one run of the sensor at most; files past it are counted in stats.files.store_full." },
    { "yara.path", CONF_STRING, OFF(yara_path), SZ(yara_path), 0, "", 0, 0, NULL,
      "Directory yara.files are relative to (empty: the configuration file's directory, or the working directory)." },
    { "yara.files", CONF_STRING, OFF(yara_files), SZ(yara_files), 0, "", 0, 0, NULL,
      "YARA rule files to load: a YAML list (or comma-separated text) of files, globs or directories (searched for *.yar and *.yara); files that do not compile are reported and left out." },
    { "yara.stream-depth", CONF_SIZE, OFF(yara_stream_depth), 0, 16 * KIB, NULL, 0, 64 * MIB, NULL,
      "First bytes of each direction of a TCP connection scanned by YARA, in one scan (0: streams are not scanned); encrypted streams are not scanned." },
    { "yara.file-depth", CONF_SIZE, OFF(yara_file_depth), 0, 1 * MIB, NULL, 0, 256 * MIB, NULL,
      "First bytes of each file (HTTP body or upload, decoded) scanned by YARA (0: files are not scanned)." },
    { "yara.flow-budget", CONF_SIZE, OFF(yara_flow_budget), 0, 4 * MIB, NULL, 1, 64 * GIB, NULL,
      "Bytes YARA scans for one flow at most (streams and files); the rest is counted in stats.yara.flow_budget_cut." },
    { "yara.global-budget", CONF_SIZE, OFF(yara_global_budget), 0, 256 * MIB, NULL, 1, 64 * GIB, NULL,
      "Bytes YARA scans per second of traffic, all workers together (split evenly); the rest is counted in stats.yara.global_budget_cut." },
    { "yara.skip-types", CONF_STRING, OFF(yara_skip_types), SZ(yara_skip_types), 0, "image/,video/,audio/,font/", 0, 0, NULL,
      "Downloads of these MIME types (comma-separated prefixes, from files.magic) are not scanned by YARA (counted in stats.yara.files_skipped_type); uploads always are; empty: every file." },
    { "yara.cpu-share", CONF_INT, OFF(yara_cpu_share), 0, 10, NULL, 1, 100, NULL,
      "Largest share (percent) of each worker's time spent in YARA scans; buffers that come when it is spent are not scanned (stats.yara.cpu_budget_cut). 100: no limit (offline runs that must scan everything)." },
    { "yara.timeout", CONF_SECONDS, OFF(yara_timeout), 0, 5, NULL, 1, 3600, NULL,
      "Seconds one YARA scan may take before libyara stops it (counted in stats.yara.errors)." },
    { "yara.default-severity", CONF_INT, OFF(yara_default_severity), 0, 1, NULL, 1, 4, NULL,
      "alert.severity of a YARA rule whose meta gives no severity (1 highest, 4 lowest)." },
    { "yara.default-category", CONF_STRING, OFF(yara_default_category), SZ(yara_default_category), 0, "Malicious content (YARA)", 0, 0, NULL,
      "alert.category of a YARA rule whose meta gives no category." },
    { "behaviour.port-scan.enabled", CONF_BOOL, OFF(bh_ps_enabled), 0, 1, NULL, 0, 1, NULL,
      "Port scan: one source, many closed or unanswered ports of one host." },
    { "behaviour.port-scan.severity", CONF_INT, OFF(bh_ps_severity), 0, 3, NULL, 1, 4, NULL,
      "alert.severity of a port scan." },
    { "behaviour.port-scan.window", CONF_SECONDS, OFF(bh_ps_window), 0, 60, NULL, 1, 86400, NULL,
      "Seconds over which failed ports are counted." },
    { "behaviour.port-scan.min-ports", CONF_INT, OFF(bh_ps_min_ports), 0, 25, NULL, 2, 4096, NULL,
      "Distinct failed ports of one host from one source that raise the alert." },
    { "behaviour.host-sweep.enabled", CONF_BOOL, OFF(bh_hs_enabled), 0, 1, NULL, 0, 1, NULL,
      "Host sweep: one source, one port (or ping), many hosts that did not answer or refused." },
    { "behaviour.host-sweep.severity", CONF_INT, OFF(bh_hs_severity), 0, 3, NULL, 1, 4, NULL,
      "alert.severity of a host sweep." },
    { "behaviour.host-sweep.window", CONF_SECONDS, OFF(bh_hs_window), 0, 60, NULL, 1, 86400, NULL,
      "Seconds over which failed hosts are counted." },
    { "behaviour.host-sweep.min-hosts", CONF_INT, OFF(bh_hs_min_hosts), 0, 25, NULL, 2, 4096, NULL,
      "Distinct failed hosts on one port from one source that raise the alert." },
    { "behaviour.syn-flood.enabled", CONF_BOOL, OFF(bh_sf_enabled), 0, 1, NULL, 0, 1, NULL,
      "SYN flood: many SYNs to one host and port, few handshakes completed." },
    { "behaviour.syn-flood.severity", CONF_INT, OFF(bh_sf_severity), 0, 2, NULL, 1, 4, NULL,
      "alert.severity of a SYN flood." },
    { "behaviour.syn-flood.window", CONF_SECONDS, OFF(bh_sf_window), 0, 10, NULL, 1, 3600, NULL,
      "Seconds over which SYNs are counted." },
    { "behaviour.syn-flood.min-syns", CONF_INT, OFF(bh_sf_min_syns), 0, 1000, NULL, 1, 10000000, NULL,
      "SYNs to one host and port within the window that raise the alert..." },
    { "behaviour.syn-flood.max-established-pct", CONF_INT, OFF(bh_sf_max_established_pct), 0, 20, NULL, 1, 100, NULL,
      "... when fewer than this share (percent) of them completed the handshake." },
    { "behaviour.brute-force.enabled", CONF_BOOL, OFF(bh_bf_enabled), 0, 1, NULL, 0, 1, NULL,
      "Password guessing against SSH, RDP, FTP, SMTP, IMAP, POP3 and HTTP logins." },
    { "behaviour.brute-force.severity", CONF_INT, OFF(bh_bf_severity), 0, 2, NULL, 1, 4, NULL,
      "alert.severity of password guessing." },
    { "behaviour.brute-force.window", CONF_SECONDS, OFF(bh_bf_window), 0, 120, NULL, 1, 86400, NULL,
      "Seconds over which attempts are counted." },
    { "behaviour.brute-force.min-short-connections", CONF_INT, OFF(bh_bf_min_short_connections), 0, 20, NULL, 2, 4096, NULL,
      "Short connections from one source to one SSH, RDP or FTP server that raise the alert." },
    { "behaviour.brute-force.min-failed-logins", CONF_INT, OFF(bh_bf_min_failed_logins), 0, 10, NULL, 2, 4096, NULL,
      "Failed logins (FTP 530, SMTP 535, IMAP NO, POP3 -ERR, HTTP 401 or a refused login form) that raise the alert." },
    { "behaviour.brute-force.short-max-duration", CONF_SECONDS, OFF(bh_bf_short_max_duration), 0, 30, NULL, 1, 3600, NULL,
      "A connection at most this long (and with at most 64 KiB from the client) is short." },
    { "behaviour.dns-tunnel.enabled", CONF_BOOL, OFF(bh_dt_enabled), 0, 1, NULL, 0, 1, NULL,
      "DNS tunnelling: long high-entropy names, or very many names, under one domain from one client." },
    { "behaviour.dns-tunnel.severity", CONF_INT, OFF(bh_dt_severity), 0, 2, NULL, 1, 4, NULL,
      "alert.severity of DNS tunnelling." },
    { "behaviour.dns-tunnel.window", CONF_SECONDS, OFF(bh_dt_window), 0, 300, NULL, 1, 86400, NULL,
      "Seconds over which names are counted." },
    { "behaviour.dns-tunnel.min-long-names", CONF_INT, OFF(bh_dt_min_long_names), 0, 20, NULL, 2, 4096, NULL,
      "Distinct long, high-entropy names under one domain that raise the alert." },
    { "behaviour.dns-tunnel.min-distinct-names", CONF_INT, OFF(bh_dt_min_distinct_names), 0, 300, NULL, 2, 4096, NULL,
      "Distinct names under one domain that raise the alert." },
    { "behaviour.dns-tunnel.long-min-length", CONF_INT, OFF(bh_dt_long_min_length), 0, 30, NULL, 8, 253, NULL,
      "Characters of the part left of the domain for a name to count as long." },
    { "behaviour.beacon.enabled", CONF_BOOL, OFF(bh_bc_enabled), 0, 1, NULL, 0, 1, NULL,
      "Beaconing: connections from one host to one destination at regular intervals." },
    { "behaviour.beacon.severity", CONF_INT, OFF(bh_bc_severity), 0, 3, NULL, 1, 4, NULL,
      "alert.severity of beaconing." },
    { "behaviour.beacon.window", CONF_SECONDS, OFF(bh_bc_window), 0, 7200, NULL, 60, 86400, NULL,
      "Seconds a destination is remembered without a new connection." },
    { "behaviour.beacon.min-connections", CONF_INT, OFF(bh_bc_min_connections), 0, 8, NULL, 3, 16, NULL,
      "Regular connections that raise the alert." },
    { "behaviour.beacon.max-jitter-pct", CONF_INT, OFF(bh_bc_max_jitter_pct), 0, 10, NULL, 1, 100, NULL,
      "Largest spread of the intervals (standard deviation over mean, percent) still regular." },
    { "behaviour.beacon.min-interval", CONF_SECONDS, OFF(bh_bc_min_interval), 0, 10, NULL, 1, 86400, NULL,
      "Shortest mean interval taken for a beacon (bursts are not)." },
    { "behaviour.beacon.max-interval", CONF_SECONDS, OFF(bh_bc_max_interval), 0, 3600, NULL, 1, 86400, NULL,
      "Longest mean interval taken for a beacon." },
    { "pii.enabled", CONF_BOOL, OFF(pii_enabled), 0, 1, NULL, 0, 1, NULL,
      "Look for citizen identity numbers (CCCD) and mobile numbers in clear-text HTTP, SMTP and FTP data leaving HOME_NET." },
    { "pii.cccd", CONF_BOOL, OFF(pii_cccd), 0, 1, NULL, 0, 1, NULL,
      "Count 12-digit citizen identity numbers." },
    { "pii.phone", CONF_BOOL, OFF(pii_phone), 0, 1, NULL, 0, 1, NULL,
      "Count mobile phone numbers." },
    { "pii.severity", CONF_INT, OFF(pii_severity), 0, 2, NULL, 1, 4, NULL,
      "alert.severity of a personal-data leak." },
    { "pii.min-count", CONF_INT, OFF(pii_min_count), 0, 5, NULL, 1, 100000, NULL,
      "Distinct numbers of one kind in one flow that raise the alert." },
    { "logging.level", CONF_ENUM, OFF(log_level), 0, 2, NULL, 0, 4, names_level,
      "Least severe message logged: error, warning, notice, info or debug (-v raises it)." },
};
/* clang-format on */

static const struct conf_key *conf_find(const char *key)
{
    for (size_t i = 0; i < ARRAY_SIZE(conf_table); i++)
        if (strcmp(conf_table[i].key, key) == 0)
            return &conf_table[i];
    return NULL;
}

/* Suricata's default variables (suricata.yaml 'vars'), so ET Open loads unchanged. */
static const struct { const char *name, *value; bool port; } conf_default_vars[] = {
    { "HOME_NET", "[192.168.0.0/16,10.0.0.0/8,172.16.0.0/12]", false },
    { "EXTERNAL_NET", "!$HOME_NET", false },
    { "HTTP_SERVERS", "$HOME_NET", false },
    { "SMTP_SERVERS", "$HOME_NET", false },
    { "SQL_SERVERS", "$HOME_NET", false },
    { "DNS_SERVERS", "$HOME_NET", false },
    { "TELNET_SERVERS", "$HOME_NET", false },
    { "AIM_SERVERS", "$EXTERNAL_NET", false },
    { "DC_SERVERS", "$HOME_NET", false },
    { "DNP3_SERVER", "$HOME_NET", false },
    { "DNP3_CLIENT", "$HOME_NET", false },
    { "MODBUS_CLIENT", "$HOME_NET", false },
    { "MODBUS_SERVER", "$HOME_NET", false },
    { "ENIP_CLIENT", "$HOME_NET", false },
    { "ENIP_SERVER", "$HOME_NET", false },
    { "HTTP_PORTS", "80", true },
    { "SHELLCODE_PORTS", "!80", true },
    { "ORACLE_PORTS", "1521", true },
    { "SSH_PORTS", "22", true },
    { "DNP3_PORTS", "20000", true },
    { "MODBUS_PORTS", "502", true },
    { "FILE_DATA_PORTS", "[$HTTP_PORTS,110,143]", true },
    { "FTP_PORTS", "21", true },
    { "GENEVE_PORTS", "6081", true },
    { "VXLAN_PORTS", "4789", true },
    { "TEREDO_PORTS", "3544", true },
};

void conf_defaults(struct sensor_conf *c)
{
    memset(c, 0, sizeof(*c));
    for (size_t i = 0; i < ARRAY_SIZE(conf_table); i++) {
        const struct conf_key *k = &conf_table[i];
        char *field = (char *)c + k->offset;
        switch (k->type) {
        case CONF_STRING:
            snprintf(field, k->size, "%s", k->def_str);
            break;
        case CONF_BOOL:
            *(bool *)field = k->def != 0;
            break;
        default:
            *(int64_t *)field = k->def;
            break;
        }
    }
    for (size_t i = 0; i < ARRAY_SIZE(conf_default_vars); i++) {
        snprintf(c->vars[i].name, sizeof(c->vars[i].name), "%s", conf_default_vars[i].name);
        snprintf(c->vars[i].value, sizeof(c->vars[i].value), "%s", conf_default_vars[i].value);
        c->vars[i].port = conf_default_vars[i].port;
    }
    c->nvars = ARRAY_SIZE(conf_default_vars);
}

static int conf_names_index(const char *const *names, const char *s, size_t n)
{
    for (int i = 0; names[i] != NULL; i++)
        if (strlen(names[i]) == n && strncasecmp(names[i], s, n) == 0)
            return i;
    return -1;
}

static void conf_names_list(const char *const *names, char *out, size_t outsz)
{
    size_t len = 0;
    out[0] = '\0';
    for (int i = 0; names[i] != NULL && len < outsz; i++)
        len += (size_t)snprintf(out + len, outsz - len, "%s%s", i ? ", " : "", names[i]);
}

/* Parses an integer with an optional unit suffix. Returns false if malformed. */
static bool conf_parse_number(enum conf_type type, const char *s, int64_t *out)
{
    errno = 0;
    char *end;
    long long v = strtoll(s, &end, 10);
    if (end == s || errno == ERANGE)
        return false;
    while (isspace((unsigned char)*end))
        end++;
    int64_t mult = 1;
    if (*end != '\0') {
        static const struct { const char *sfx; enum conf_type type; int64_t mult; } units[] = {
            { "b", CONF_SIZE, 1 },       { "k", CONF_SIZE, KIB },    { "kb", CONF_SIZE, KIB },
            { "kib", CONF_SIZE, KIB },   { "m", CONF_SIZE, MIB },    { "mb", CONF_SIZE, MIB },
            { "mib", CONF_SIZE, MIB },   { "g", CONF_SIZE, GIB },    { "gb", CONF_SIZE, GIB },
            { "gib", CONF_SIZE, GIB },   { "s", CONF_SECONDS, 1 },   { "m", CONF_SECONDS, 60 },
            { "min", CONF_SECONDS, 60 }, { "h", CONF_SECONDS, 3600 }, { "d", CONF_SECONDS, 86400 },
        };
        size_t i;
        for (i = 0; i < ARRAY_SIZE(units); i++)
            if (units[i].type == type && strcasecmp(end, units[i].sfx) == 0)
                break;
        if (i == ARRAY_SIZE(units))
            return false;
        mult = units[i].mult;
    }
    if (v < 0 ? mult != 1 : v > INT64_MAX / mult)
        return false; /* a negative size or duration, or an overflow */
    *out = v * mult;
    return true;
}

static bool conf_parse_bool(const char *s, bool *out)
{
    static const char *const yes[] = { "yes", "true", "on", "1", NULL };
    static const char *const no[] = { "no", "false", "off", "0", NULL };
    if (conf_names_index(yes, s, strlen(s)) >= 0)
        return (*out = true), true;
    if (conf_names_index(no, s, strlen(s)) >= 0)
        return (*out = false), true;
    return false;
}

/* Sets a CONF_SET from comma-separated names. */
static int conf_set_list(const struct conf_key *k, int64_t *field, const char *value,
                         const char *where, char *errbuf)
{
    int64_t bits = 0;
    const char *p = value;
    while (*p != '\0') {
        while (*p == ',' || isspace((unsigned char)*p))
            p++;
        const char *start = p;
        while (*p != '\0' && *p != ',' && !isspace((unsigned char)*p))
            p++;
        if (p == start)
            break;
        int idx = conf_names_index(k->names, start, (size_t)(p - start));
        if (idx < 0) {
            char allowed[256];
            conf_names_list(k->names, allowed, sizeof(allowed));
            snprintf(errbuf, CANH_ERRBUF_SIZE, "%s: %s: unknown value '%.*s' (allowed: %s)", where,
                     k->key, (int)(p - start), start, allowed);
            return CANH_ERR;
        }
        bits |= (int64_t)1 << idx;
    }
    *field = bits;
    return CANH_OK;
}

static int conf_set_var(struct sensor_conf *c, const char *name, const char *value, bool port,
                        const char *where, char errbuf[CANH_ERRBUF_SIZE])
{
    size_t nl = strlen(name);
    if (nl == 0 || nl >= sizeof(c->vars[0].name)) {
        snprintf(errbuf, CANH_ERRBUF_SIZE, "%s: variable name '%s' is empty or too long", where, name);
        return CANH_ERR;
    }
    for (size_t i = 0; i < nl; i++)
        if (!isalnum((unsigned char)name[i]) && name[i] != '_' && name[i] != '-') {
            snprintf(errbuf, CANH_ERRBUF_SIZE, "%s: variable name '%s' has a character other than letters, digits, '_' and '-'",
                     where, name);
            return CANH_ERR;
        }
    if (strlen(value) >= CONF_VAR_VALUE_MAX) {
        snprintf(errbuf, CANH_ERRBUF_SIZE, "%s: value of variable %s is longer than %d characters", where, name,
                 CONF_VAR_VALUE_MAX - 1);
        return CANH_ERR;
    }
    unsigned i;
    for (i = 0; i < c->nvars; i++)
        if (c->vars[i].port == port && strcmp(c->vars[i].name, name) == 0)
            break;
    if (i == c->nvars) {
        if (c->nvars == CONF_MAX_VARS) {
            snprintf(errbuf, CANH_ERRBUF_SIZE, "%s: more than %d rule variables", where, CONF_MAX_VARS);
            return CANH_ERR;
        }
        c->nvars++;
    }
    snprintf(c->vars[i].name, sizeof(c->vars[i].name), "%s", name);
    snprintf(c->vars[i].value, sizeof(c->vars[i].value), "%s", value);
    c->vars[i].port = port;
    return CANH_OK;
}

int conf_set(struct sensor_conf *c, const char *key, const char *value, const char *where,
             char errbuf[CANH_ERRBUF_SIZE])
{
    static const char addr_prefix[] = "vars.address-groups.", port_prefix[] = "vars.port-groups.";
    if (strncmp(key, addr_prefix, sizeof(addr_prefix) - 1) == 0)
        return conf_set_var(c, key + sizeof(addr_prefix) - 1, value, false, where, errbuf);
    if (strncmp(key, port_prefix, sizeof(port_prefix) - 1) == 0)
        return conf_set_var(c, key + sizeof(port_prefix) - 1, value, true, where, errbuf);
    const struct conf_key *k = conf_find(key);
    if (k == NULL) {
        snprintf(errbuf, CANH_ERRBUF_SIZE, "%s: unknown key '%s' (canh-sensor --list-keys shows them)",
                 where, key);
        return CANH_ERR;
    }
    char *field = (char *)c + k->offset;
    char allowed[256];
    switch (k->type) {
    case CONF_INT:
    case CONF_SIZE:
    case CONF_SECONDS: {
        int64_t v;
        if (!conf_parse_number(k->type, value, &v)) {
            snprintf(errbuf, CANH_ERRBUF_SIZE, "%s: %s = '%s' is not a %s", where, key, value,
                     k->type == CONF_SIZE ? "size (e.g. 64MiB)"
                     : k->type == CONF_SECONDS ? "duration (e.g. 30s, 5m)" : "whole number");
            return CANH_ERR;
        }
        if (v < k->min || v > k->max) {
            snprintf(errbuf, CANH_ERRBUF_SIZE, "%s: %s = %s is outside the allowed range %" PRId64 " to %" PRId64,
                     where, key, value, k->min, k->max);
            return CANH_ERR;
        }
        *(int64_t *)field = v;
        return CANH_OK;
    }
    case CONF_BOOL:
        if (strcmp(key, "stream.inline") == 0 && strcmp(value, "auto") == 0)
            value = "no"; /* Suricata's 'auto': inline only in IPS mode, which Canh has not */
        if (!conf_parse_bool(value, (bool *)field)) {
            snprintf(errbuf, CANH_ERRBUF_SIZE, "%s: %s = '%s' is not yes or no", where, key, value);
            return CANH_ERR;
        }
        return CANH_OK;
    case CONF_STRING:
        if (strlen(value) >= k->size) {
            snprintf(errbuf, CANH_ERRBUF_SIZE, "%s: %s is longer than %zu characters", where, key,
                     k->size - 1);
            return CANH_ERR;
        }
        memcpy(field, value, strlen(value) + 1);
        return CANH_OK;
    case CONF_ENUM: {
        int idx = conf_names_index(k->names, value, strlen(value));
        if (idx < 0) {
            conf_names_list(k->names, allowed, sizeof(allowed));
            snprintf(errbuf, CANH_ERRBUF_SIZE, "%s: %s = '%s' is not one of: %s", where, key, value,
                     allowed);
            return CANH_ERR;
        }
        *(int64_t *)field = idx;
        return CANH_OK;
    }
    case CONF_SET:
        return conf_set_list(k, (int64_t *)field, value, where, errbuf);
    }
    return CANH_ERR;
}

/* ---------------------------------------------------------------------------------- */
/* YAML loading                                                                       */
/* ---------------------------------------------------------------------------------- */

#define CONF_YAML_MAX_DEPTH 8 /* keys are at most a few levels deep */

struct conf_loader {
    struct sensor_conf *conf;
    const char *path;
    yaml_parser_t parser;
    char *errbuf;
};

static int conf_yaml_error(struct conf_loader *l, size_t line, const char *fmt, const char *a)
{
    char msg[CANH_ERRBUF_SIZE];
    snprintf(msg, sizeof(msg), fmt, a);
    snprintf(l->errbuf, CANH_ERRBUF_SIZE, "%s:%zu: %s", l->path, line, msg);
    return CANH_ERR;
}

static int conf_yaml_next(struct conf_loader *l, yaml_event_t *ev)
{
    if (!yaml_parser_parse(&l->parser, ev)) {
        snprintf(l->errbuf, CANH_ERRBUF_SIZE, "%s:%zu: YAML syntax error: %s", l->path,
                 l->parser.problem_mark.line + 1,
                 l->parser.problem ? l->parser.problem : "unknown");
        return CANH_ERR;
    }
    return CANH_OK;
}

static int conf_yaml_set(struct conf_loader *l, const char *key, const char *value, size_t line)
{
    char where[CONF_STR_MAX + 32];
    snprintf(where, sizeof(where), "%s:%zu", l->path, line);
    return conf_set(l->conf, key, value, where, l->errbuf);
}

/* Reads a sequence of scalars (after its SEQUENCE_START) into one comma-separated value. */
static int conf_yaml_sequence(struct conf_loader *l, const char *key, size_t line)
{
    char joined[1024] = "";
    size_t len = 0;
    for (;;) {
        yaml_event_t ev;
        if (conf_yaml_next(l, &ev) != CANH_OK)
            return CANH_ERR;
        if (ev.type == YAML_SEQUENCE_END_EVENT) {
            yaml_event_delete(&ev);
            break;
        }
        if (ev.type != YAML_SCALAR_EVENT) {
            size_t ln = ev.start_mark.line + 1;
            yaml_event_delete(&ev);
            return conf_yaml_error(l, ln, "%s: expected a list of names", key);
        }
        len += (size_t)snprintf(joined + len, sizeof(joined) - len, "%s%s", len ? "," : "",
                                (const char *)ev.data.scalar.value);
        yaml_event_delete(&ev);
        if (len >= sizeof(joined))
            return conf_yaml_error(l, line, "%s: list too long", key);
    }
    return conf_yaml_set(l, key, joined, line);
}

/* Reads a mapping (after its MAPPING_START), with 'prefix' the dotted path to it. */
static int conf_yaml_mapping(struct conf_loader *l, const char *prefix, int depth)
{
    if (depth > CONF_YAML_MAX_DEPTH)
        return conf_yaml_error(l, l->parser.mark.line + 1, "nesting deeper than %s levels", "8");
    for (;;) {
        yaml_event_t ev;
        if (conf_yaml_next(l, &ev) != CANH_OK)
            return CANH_ERR;
        if (ev.type == YAML_MAPPING_END_EVENT) {
            yaml_event_delete(&ev);
            return CANH_OK;
        }
        if (ev.type != YAML_SCALAR_EVENT) {
            size_t ln = ev.start_mark.line + 1;
            yaml_event_delete(&ev);
            return conf_yaml_error(l, ln, "expected a key%s", "");
        }
        char key[CONF_STR_MAX];
        size_t line = ev.start_mark.line + 1;
        int n = snprintf(key, sizeof(key), "%s%s%s", prefix, prefix[0] ? "." : "",
                         (const char *)ev.data.scalar.value);
        yaml_event_delete(&ev);
        if (n < 0 || (size_t)n >= sizeof(key))
            return conf_yaml_error(l, line, "key too long%s", "");

        if (conf_yaml_next(l, &ev) != CANH_OK)
            return CANH_ERR;
        int rc;
        switch (ev.type) {
        case YAML_SCALAR_EVENT:
            rc = conf_yaml_set(l, key, (const char *)ev.data.scalar.value, line);
            break;
        case YAML_MAPPING_START_EVENT:
            rc = conf_yaml_mapping(l, key, depth + 1);
            break;
        case YAML_SEQUENCE_START_EVENT:
            rc = conf_yaml_sequence(l, key, line);
            break;
        default:
            rc = conf_yaml_error(l, line, "%s: unsupported value (anchors and aliases are not allowed)", key);
            break;
        }
        yaml_event_delete(&ev);
        if (rc != CANH_OK)
            return rc;
    }
}

int conf_load_file(struct sensor_conf *c, const char *path, char errbuf[CANH_ERRBUF_SIZE])
{
    FILE *f = fopen(path, "rb");
    struct stat st;
    if (f != NULL && fstat(fileno(f), &st) == 0 && S_ISDIR(st.st_mode)) {
        fclose(f); /* a directory opens, and then fails to read as "input error" */
        f = NULL;
        errno = EISDIR;
    }
    if (f == NULL) {
        snprintf(errbuf, CANH_ERRBUF_SIZE, "%s: cannot open: %s", path, strerror(errno));
        return CANH_ERR;
    }
    struct conf_loader l = { .conf = c, .path = path, .errbuf = errbuf };
    if (!yaml_parser_initialize(&l.parser)) {
        fclose(f);
        snprintf(errbuf, CANH_ERRBUF_SIZE, "%s: cannot initialise the YAML parser", path);
        return CANH_ENOMEM;
    }
    yaml_parser_set_input_file(&l.parser, f);

    int rc = CANH_OK;
    bool done = false;
    while (!done && rc == CANH_OK) {
        yaml_event_t ev;
        if (conf_yaml_next(&l, &ev) != CANH_OK) {
            rc = CANH_ERR;
            break;
        }
        switch (ev.type) {
        case YAML_STREAM_END_EVENT:
            done = true;
            break;
        case YAML_MAPPING_START_EVENT:
            rc = conf_yaml_mapping(&l, "", 0);
            break;
        case YAML_SCALAR_EVENT:
        case YAML_SEQUENCE_START_EVENT:
            rc = conf_yaml_error(&l, ev.start_mark.line + 1, "the top level must be a mapping of keys%s", "");
            break;
        default:
            break;
        }
        yaml_event_delete(&ev);
    }
    yaml_parser_delete(&l.parser);
    fclose(f);
    return rc;
}

/* ---------------------------------------------------------------------------------- */
/* Listing                                                                            */
/* ---------------------------------------------------------------------------------- */

static void conf_format_value(const struct conf_key *k, const void *field, int64_t num, char *out,
                              size_t outsz)
{
    switch (k->type) {
    case CONF_STRING:
        snprintf(out, outsz, "\"%s\"", (const char *)field);
        break;
    case CONF_BOOL:
        snprintf(out, outsz, "%s", num ? "yes" : "no");
        break;
    case CONF_ENUM:
        snprintf(out, outsz, "%s", k->names[num]);
        break;
    case CONF_SET: {
        size_t len = 0;
        out[0] = '\0';
        for (int i = 0; k->names[i] != NULL; i++)
            if (num & ((int64_t)1 << i))
                len += (size_t)snprintf(out + len, outsz - len, "%s%s", len ? ", " : "[", k->names[i]);
        snprintf(out + len, outsz - len, "%s", len ? "]" : "[]");
        break;
    }
    case CONF_SIZE:
        if (num >= GIB && num % GIB == 0)
            snprintf(out, outsz, "%" PRId64 "GiB", num / GIB);
        else if (num >= MIB && num % MIB == 0)
            snprintf(out, outsz, "%" PRId64 "MiB", num / MIB);
        else if (num >= KIB && num % KIB == 0)
            snprintf(out, outsz, "%" PRId64 "KiB", num / KIB);
        else
            snprintf(out, outsz, "%" PRId64, num);
        break;
    case CONF_SECONDS:
        snprintf(out, outsz, "%" PRId64 "s", num);
        break;
    default:
        snprintf(out, outsz, "%" PRId64, num);
        break;
    }
}

void conf_dump_keys(FILE *out)
{
    static const char *const tnames[] = { "integer", "size", "seconds", "yes/no", "text", "choice", "list" };
    for (size_t i = 0; i < ARRAY_SIZE(conf_table); i++) {
        const struct conf_key *k = &conf_table[i];
        char def[256], range[300] = "";
        conf_format_value(k, k->def_str, k->def, def, sizeof(def));
        if (k->type == CONF_INT || k->type == CONF_SIZE || k->type == CONF_SECONDS) {
            char lo[64], hi[64];
            conf_format_value(k, NULL, k->min, lo, sizeof(lo));
            conf_format_value(k, NULL, k->max, hi, sizeof(hi));
            snprintf(range, sizeof(range), ", range %s to %s", lo, hi);
        } else if (k->type == CONF_ENUM || k->type == CONF_SET) {
            char allowed[256];
            conf_names_list(k->names, allowed, sizeof(allowed));
            snprintf(range, sizeof(range), ", one of: %s", allowed);
        }
        fprintf(out, "%s (%s, default %s%s)\n    %s\n", k->key, tnames[k->type], def, range, k->doc);
    }
    fprintf(out, "vars.address-groups.name (text, one key per variable)\n    Address variable $name for rules, e.g. vars.address-groups.HOME_NET; Suricata's default set (HOME_NET, EXTERNAL_NET, ...) is built in.\n");
    fprintf(out, "vars.port-groups.name (text, one key per variable)\n    Port variable $name for rules, e.g. vars.port-groups.HTTP_PORTS; Suricata's default set (HTTP_PORTS, SSH_PORTS, ...) is built in.\n");
}

void conf_dump_values(const struct sensor_conf *c, FILE *out)
{
    for (size_t i = 0; i < ARRAY_SIZE(conf_table); i++) {
        const struct conf_key *k = &conf_table[i];
        const char *field = (const char *)c + k->offset;
        int64_t num = 0;
        if (k->type == CONF_BOOL)
            num = *(const bool *)field;
        else if (k->type != CONF_STRING)
            num = *(const int64_t *)field;
        char val[512];
        conf_format_value(k, field, num, val, sizeof(val));
        fprintf(out, "%s: %s\n", k->key, val);
    }
    for (unsigned i = 0; i < c->nvars; i++)
        fprintf(out, "vars.%s.%s: \"%s\"\n", c->vars[i].port ? "port-groups" : "address-groups",
                c->vars[i].name, c->vars[i].value);
}
