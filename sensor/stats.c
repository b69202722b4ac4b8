/* The "stats" event and the shutdown summary: every worker's counters summed.
 * Counters are read with relaxed loads while the workers run; a stats event is a
 * consistent-enough snapshot, and the final one is exact (workers have stopped). */
#include "sensor.h"

#include <inttypes.h>
#include <string.h>

#include "applayer/applayer-tcp.h"
#include "decode/defrag.h"
#include "detect/detect.h"
#include "stream/stream.h"
#include "util/util-json.h"
#include "util/util-log.h"

struct stats_totals {
    struct capture_stats cap;
    struct decode_stats dec;
    struct defrag_stats frag;
    struct flow_stats flow;
    struct dpi_stats dpi;
    struct applayer_stats applayer;
    struct eve_stats eve;
    struct stream_stats stream;
    struct detect_stats detect;
    struct applayer_tcp_stats tcpapp;
    struct ioc_stats ioc;
    struct yara_stats yara;
    struct file_stats files;
    struct risk_stats risk;
    struct engine_stats eng;
};

/* Adds every uint64_t of 'src' to 'dst' (the stats structs are all uint64_t). */
static void stats_add(void *dst, const void *src, size_t size)
{
    uint64_t *d = dst;
    const uint64_t *s = src;
    for (size_t i = 0; i < size / sizeof(uint64_t); i++)
        d[i] += __atomic_load_n(&s[i], __ATOMIC_RELAXED);
}

static void stats_collect(const struct sensor *s, struct stats_totals *t)
{
    memset(t, 0, sizeof(*t));
    if (s->reader != NULL)
        stats_add(&t->cap, &s->reader->stats, sizeof(t->cap));
    for (unsigned i = 0; i < s->nworkers; i++) {
        const struct worker *w = &s->workers[i];
        if (w->file != NULL)
            stats_add(&t->cap, &w->file->stats, sizeof(t->cap));
        for (unsigned k = 0; k < w->nlive; k++)
            stats_add(&t->cap, &w->live[k]->stats, sizeof(t->cap));
        stats_add(&t->dec, &w->decode.stats, sizeof(t->dec));
        if (w->decode.defrag != NULL)
            stats_add(&t->frag, defrag_stats(w->decode.defrag), sizeof(t->frag));
        if (w->flows != NULL)
            stats_add(&t->flow, flow_table_stats(w->flows), sizeof(t->flow));
        if (w->dpi != NULL)
            stats_add(&t->dpi, dpi_thread_stats(w->dpi), sizeof(t->dpi));
        if (w->applayer != NULL)
            stats_add(&t->applayer, applayer_thread_stats(w->applayer), sizeof(t->applayer));
        stats_add(&t->eve, &w->eve.stats, sizeof(t->eve));
        if (w->stream != NULL)
            stats_add(&t->stream, stream_thread_stats(w->stream), sizeof(t->stream));
        if (w->applayer != NULL)
            stats_add(&t->tcpapp, applayer_tcp_stats(w->applayer), sizeof(t->tcpapp));
        if (w->detect != NULL)
            stats_add(&t->detect, detect_thread_stats(w->detect), sizeof(t->detect));
        stats_add(&t->ioc, &w->ioc.stats, sizeof(t->ioc));
        if (w->yara != NULL)
            stats_add(&t->yara, yara_thread_stats(w->yara), sizeof(t->yara));
        if (w->files != NULL)
            stats_add(&t->files, file_thread_stats(w->files), sizeof(t->files));
        stats_add(&t->risk, &w->risk_stats, sizeof(t->risk));
        stats_add(&t->eng, &w->eng_stats, sizeof(t->eng));
    }
}

/* Writes event counters grouped by the part of their name before the first dot
 * ("ipv4.trunc_pkt" -> "ipv4": {"trunc_pkt": n}) under "event"; only events that
 * occurred. The .def files keep each group together. */
static void stats_event_groups(struct json *j, const uint64_t *counts, int n,
                               const char *(*name_of)(int))
{
    json_object_open(j, "event");
    char group[32] = "";
    for (int ev = 1; ev < n; ev++) {
        if (counts[ev] == 0)
            continue;
        const char *name = name_of(ev);
        const char *dot = strchr(name, '.');
        size_t gl = dot ? (size_t)(dot - name) : strlen(name);
        if (strlen(group) != gl || strncmp(group, name, gl) != 0) {
            if (group[0] != '\0')
                json_object_close(j);
            snprintf(group, sizeof(group), "%.*s", (int)gl, name);
            json_object_open(j, group);
        }
        json_u64(j, dot ? dot + 1 : name, counts[ev]);
    }
    if (group[0] != '\0')
        json_object_close(j);
    json_object_close(j);
}

static const char *decoder_event_name_of(int ev)
{
    return decode_event_name((enum decode_event)ev);
}

static const char *applayer_event_name_of(int ev)
{
    return applayer_event_name((enum applayer_event)ev);
}

#define U(j, st, f) json_u64(j, #f, (st)->f)

void stats_write(const struct sensor *s, struct json *j, uint64_t now_us)
{
    struct stats_totals t;
    stats_collect(s, &t);
    json_object_open(j, "stats");
    json_u64(j, "uptime", (now_us - s->start_us) / 1000000u);

    json_object_open(j, "capture");
    U(j, &t.cap, packets);
    U(j, &t.cap, bytes);
    if (!s->offline) {
        U(j, &t.cap, kernel_packets);
        U(j, &t.cap, kernel_drops);
        U(j, &t.cap, kernel_ifdrops);
    } else {
        U(j, &t.cap, files_read);
        U(j, &t.cap, files_failed);
        U(j, &t.cap, read_errors);
    }
    json_object_close(j);

    const struct decode_stats *d = &t.dec;
    json_object_open(j, "decoder");
    json_u64(j, "pkts", d->pkts);
    U(j, d, bytes);
    U(j, d, invalid);
    U(j, d, truncated);
    U(j, d, ethernet);
    U(j, d, sll);
    U(j, d, sll2);
    U(j, d, null);
    U(j, d, raw);
    U(j, d, ppp);
    U(j, d, vlan);
    U(j, d, vlan_qinq);
    U(j, d, mpls);
    U(j, d, ipv4);
    U(j, d, ipv6);
    U(j, d, tcp);
    U(j, d, udp);
    U(j, d, icmpv4);
    U(j, d, icmpv6);
    U(j, d, other_ip);
    U(j, d, gre);
    U(j, d, erspan);
    U(j, d, vxlan);
    U(j, d, ipip);
    U(j, d, gtp);
    U(j, d, frag_ipv4);
    U(j, d, frag_ipv6);
    U(j, d, reassembled_ipv4);
    U(j, d, reassembled_ipv6);
    U(j, d, frag_truncated);
    U(j, d, csum_bad_ipv4);
    U(j, d, csum_bad_tcp);
    U(j, d, csum_bad_udp);
    U(j, d, csum_bad_icmp);
    U(j, d, events_dropped);
    stats_event_groups(j, d->events, DECODE_EV_MAX, decoder_event_name_of);
    json_object_close(j);

    json_object_open(j, "defrag");
    U(j, &t.frag, fragments);
    U(j, &t.frag, reassembled);
    U(j, &t.frag, timeouts);
    U(j, &t.frag, memcap_evicted);
    U(j, &t.frag, memcap_drops);
    U(j, &t.frag, too_many);
    U(j, &t.frag, overlaps);
    U(j, &t.frag, ignored);
    U(j, &t.frag, memuse);
    U(j, &t.frag, trackers);
    json_object_close(j);

    json_object_open(j, "flow");
    U(j, &t.flow, created);
    U(j, &t.flow, ended);
    U(j, &t.flow, active);
    U(j, &t.flow, memuse);
    U(j, &t.flow, timeouts);
    U(j, &t.flow, forced);
    U(j, &t.flow, tcp_reuse);
    U(j, &t.flow, shutdown);
    U(j, &t.flow, memcap_drops);
    U(j, &t.flow, tcp);
    U(j, &t.flow, udp);
    U(j, &t.flow, icmp);
    U(j, &t.flow, other);
    json_object_close(j);

    json_object_open(j, "dpi");
    U(j, &t.dpi, flows_started);
    U(j, &t.dpi, flows_detected);
    U(j, &t.dpi, flows_guessed);
    U(j, &t.dpi, flows_unknown);
    U(j, &t.dpi, packets);
    U(j, &t.dpi, active);
    json_u64(j, "risk_alerts", t.risk.alerts);
    json_object_close(j);

    json_object_open(j, "applayer");
    json_object_open(j, "ssh");
    json_u64(j, "banners", t.applayer.ssh_banners);
    json_object_close(j);
    json_object_open(j, "dns");
    json_u64(j, "messages", t.applayer.dns_messages);
    json_u64(j, "queries", t.applayer.dns_queries);
    json_u64(j, "answers", t.applayer.dns_answers);
    json_u64(j, "malformed", t.applayer.dns_malformed);
    json_u64(j, "tcp_partial", t.applayer.dns_tcp_partial);
    json_object_close(j);
    stats_event_groups(j, t.applayer.events, APPLAYER_EV_MAX, applayer_event_name_of);
    /* Over reassembled TCP streams (with rules loaded). */
    json_object_open(j, "http");
    json_u64(j, "txs", t.tcpapp.http.txs);
    json_u64(j, "requests", t.tcpapp.http.requests);
    json_u64(j, "responses", t.tcpapp.http.responses);
    json_u64(j, "body_bytes_toserver", t.tcpapp.http.body_bytes[0]);
    json_u64(j, "body_bytes_toclient", t.tcpapp.http.body_bytes[1]);
    json_u64(j, "inflated_bytes", t.tcpapp.http.inflated_bytes);
    json_u64(j, "resyncs", t.tcpapp.http.resyncs);
    json_u64(j, "tunnels", t.tcpapp.http.tunnels);
    json_object_open(j, "event");
    for (int ev = 0; ev < HTTP_EV_MAX; ev++)
        if (t.tcpapp.http.events[ev] != 0) {
            const char *name = http_event_name((enum http_event)ev);
            json_u64_k(j, name, strlen(name), t.tcpapp.http.events[ev]);
        }
    json_object_close(j);
    json_object_close(j);
    json_object_open(j, "tls");
    json_u64(j, "records", t.tcpapp.tls.records[0] + t.tcpapp.tls.records[1]);
    json_u64(j, "handshake_msgs", t.tcpapp.tls.handshake_msgs[0] + t.tcpapp.tls.handshake_msgs[1]);
    json_u64(j, "encrypted_records", t.tcpapp.tls.encrypted_records[0] + t.tcpapp.tls.encrypted_records[1]);
    json_u64(j, "alerts", t.tcpapp.tls.alerts[0] + t.tcpapp.tls.alerts[1]);
    json_u64(j, "gaps", t.tcpapp.tls.gaps[0] + t.tcpapp.tls.gaps[1]);
    json_object_open(j, "event");
    for (int ev = 0; ev < TLS_EV_MAX; ev++)
        if (t.tcpapp.tls.events[ev] != 0) {
            const char *name = tls_event_name((enum tls_event)ev);
            json_u64_k(j, name, strlen(name), t.tcpapp.tls.events[ev]);
        }
    json_object_close(j);
    json_object_close(j);
    json_object_open(j, "detected");
    for (int a = 1; a < ALPROTO_MAX && a < (int)ARRAY_SIZE(t.tcpapp.detected); a++)
        if (t.tcpapp.detected[a] != 0) {
            const char *name = alproto_name(a);
            json_u64_k(j, name, strlen(name), t.tcpapp.detected[a]);
        }
    json_u64(j, "undetected", t.tcpapp.undetected);
    json_object_close(j);
    json_object_close(j);

    json_object_open(j, "stream");
    U(j, &t.stream, sessions);
    U(j, &t.stream, midstream);
    U(j, &t.stream, segments);
    U(j, &t.stream, bytes);
    U(j, &t.stream, retransmissions);
    U(j, &t.stream, overlaps);
    U(j, &t.stream, overlap_diff);
    U(j, &t.stream, out_of_order);
    U(j, &t.stream, gaps);
    U(j, &t.stream, depth_reached);
    U(j, &t.stream, memcap_drops);
    U(j, &t.stream, segment_limit);
    U(j, &t.stream, out_of_window);
    U(j, &t.stream, bad_rst);
    U(j, &t.stream, memuse);
    json_object_close(j);

    json_object_open(j, "detect");
    json_u64(j, "rules", s->rules_loaded);
    json_u64(j, "rules_skipped", s->rules_skipped);
    U(j, &t.detect, packets);
    U(j, &t.detect, stream_chunks);
    U(j, &t.detect, txs);
    U(j, &t.detect, candidates);
    U(j, &t.detect, alerts);
    U(j, &t.detect, alerts_suppressed);
    U(j, &t.detect, alert_max);
    U(j, &t.detect, recursion_limit);
    json_object_close(j);

    if (s->yara != NULL) {
        json_object_open(j, "yara");
        U(j, &t.yara, scans);
        U(j, &t.yara, bytes);
        U(j, &t.yara, stream_bytes);
        U(j, &t.yara, file_bytes);
        U(j, &t.yara, matches);
        U(j, &t.yara, flow_budget_cut);
        U(j, &t.yara, global_budget_cut);
        U(j, &t.yara, cpu_budget_cut);
        U(j, &t.yara, errors);
        U(j, &t.yara, streams_skipped);
        U(j, &t.yara, streams_high_entropy);
        U(j, &t.yara, files_skipped_type);
        json_object_close(j);
    }
    if (s->files.conf.enabled) {
        json_object_open(j, "files");
        U(j, &t.files, files);
        U(j, &t.files, bytes);
        U(j, &t.files, incomplete);
        U(j, &t.files, stored);
        U(j, &t.files, store_too_large);
        U(j, &t.files, store_full);
        U(j, &t.files, store_errors);
        U(j, &t.files, magic_errors);
        json_object_close(j);
    }
    if (s->behave != NULL) {
        struct behave_stats bs;
        behave_stats_get(s->behave, &bs);
        json_object_open(j, "behaviour");
        for (int k = 0; k < BEHAVE_MAX; k++) {
            char name[32];
            snprintf(name, sizeof(name), "%s", behave_kind_name((enum behave_kind)k));
            for (char *c = name; *c != '\0'; c++)
                if (*c == '-')
                    *c = '_';
            json_object_open_k(j, name, strlen(name));
            U(j, &bs.kind[k], tracked);
            U(j, &bs.kind[k], evicted);
            U(j, &bs.kind[k], expired);
            U(j, &bs.kind[k], events);
            U(j, &bs.kind[k], alerts);
            U(j, &bs.kind[k], alerts_dropped);
            json_object_close(j);
        }
        json_u64(j, "memuse", bs.memuse);
        json_object_close(j);
    }
    if (s->pii_on) {
        json_object_open(j, "pii");
        json_u64(j, "alerts", t.eng.pii_alerts);
        json_u64(j, "bytes", t.eng.pii_bytes);
        json_object_close(j);
    }
    if (s->ioc != NULL) {
        json_object_open(j, "ioc");
        for (int i = 0; i < IOC_TYPE_MAX; i++)
            json_u64_k(j, ioc_type_name((enum ioc_type)i), strlen(ioc_type_name((enum ioc_type)i)),
                       t.ioc.hits[i]);
        json_object_close(j);
    }

    json_object_open(j, "output");
    U(j, &t.eve, events);
    U(j, &t.eve, dropped);
    U(j, &t.eve, too_large);
    json_object_open(j, "types");
    /* In the order of enum eve_type's bits; stats events are the output thread's own. */
    static const char *const type_names[] = { "flow", "dns", "http", "tls", "ssh", "anomaly", NULL, "alert", "fileinfo" };
    for (size_t i = 0; i < ARRAY_SIZE(type_names); i++)
        if (type_names[i] != NULL)
            json_u64_k(j, type_names[i], strlen(type_names[i]), t.eve.by_type[i]);
    json_object_close(j);
    json_u64(j, "written", STAT_GET(s->output.written));
    json_u64(j, "write_errors", STAT_GET(s->output.write_errors));
    json_object_close(j);

    json_object_close(j);
}

void stats_log_summary(const struct sensor *s)
{
    struct stats_totals t;
    stats_collect(s, &t);
    uint64_t events = 0;
    for (int i = 1; i < DECODE_EV_MAX; i++)
        events += t.dec.events[i];
    log_notice("packets %" PRIu64 " (%" PRIu64 " bytes), decoder events %" PRIu64
               ", invalid %" PRIu64 ", bad checksums %" PRIu64,
               t.dec.pkts, t.dec.bytes, events, t.dec.invalid,
               t.dec.csum_bad_ipv4 + t.dec.csum_bad_tcp + t.dec.csum_bad_udp + t.dec.csum_bad_icmp);
    log_notice("flows %" PRIu64 " (tcp %" PRIu64 ", udp %" PRIu64 ", icmp %" PRIu64 ", other %" PRIu64
               "), evicted %" PRIu64 ", untracked for memcap %" PRIu64,
               t.flow.created, t.flow.tcp, t.flow.udp, t.flow.icmp, t.flow.other, t.flow.forced,
               t.flow.memcap_drops);
    log_notice("dpi: detected %" PRIu64 ", guessed %" PRIu64 ", unknown %" PRIu64, t.dpi.flows_detected,
               t.dpi.flows_guessed, t.dpi.flows_unknown);
    if (s->detect != NULL)
        log_notice("rules: %" PRIu64 " alerts (%" PRIu64 " held back by threshold, suppress or noalert); "
                   "inspected %" PRIu64 " packets, %" PRIu64 " stream chunks, %" PRIu64 " transactions",
                   t.detect.alerts, t.detect.alerts_suppressed, t.detect.packets, t.detect.stream_chunks,
                   t.detect.txs);
    if (s->ioc != NULL)
        log_notice("ioc: alerts for %" PRIu64 " addresses, %" PRIu64 " domains, %" PRIu64 " URLs, %" PRIu64
                   " JA3, %" PRIu64 " file hashes", t.ioc.hits[IOC_IP], t.ioc.hits[IOC_DOMAIN], t.ioc.hits[IOC_URL],
                   t.ioc.hits[IOC_JA3], t.ioc.hits[IOC_SHA256]);
    if (s->files.conf.enabled)
        log_notice("files: %" PRIu64 " (%" PRIu64 " bytes), %" PRIu64 " incomplete, %" PRIu64
                   " stored; not stored: %" PRIu64 " too large, %" PRIu64 " over the total, %" PRIu64
                   " write errors",
                   t.files.files, t.files.bytes, t.files.incomplete, t.files.stored, t.files.store_too_large,
                   t.files.store_full, t.files.store_errors);
    if (s->behave != NULL)
        log_notice("behaviour: %" PRIu64 " alerts", t.eng.behaviour_alerts);
    if (s->pii_on)
        log_notice("personal data: %" PRIu64 " alerts; %" PRIu64 " bytes scanned", t.eng.pii_alerts,
                   t.eng.pii_bytes);
    if (s->yara != NULL)
        log_notice("yara: %" PRIu64 " alerts; %" PRIu64 " scans of %" PRIu64 " bytes (%" PRIu64 " of stream starts, %" PRIu64
                   " of files); budget cuts: %" PRIu64 " per flow, %" PRIu64 " per second, %" PRIu64 " for time; %" PRIu64
                   " errors; streams not scanned: %" PRIu64 " encrypted, %" PRIu64 " high-entropy",
                   t.yara.matches, t.yara.scans, t.yara.bytes, t.yara.stream_bytes, t.yara.file_bytes,
                   t.yara.flow_budget_cut, t.yara.global_budget_cut, t.yara.cpu_budget_cut, t.yara.errors,
                   t.yara.streams_skipped,
                   t.yara.streams_high_entropy);
    log_notice("events %" PRIu64 ", written %" PRIu64 ", dropped %" PRIu64 ", write errors %" PRIu64,
               t.eve.events, STAT_GET(s->output.written), t.eve.dropped,
               STAT_GET(s->output.write_errors));
    if (s->offline && (t.cap.files_failed || t.cap.read_errors))
        log_warning("input: %" PRIu64 " file(s) read, %" PRIu64 " skipped, %" PRIu64
                    " ended early on a damaged record", t.cap.files_read, t.cap.files_failed,
                    t.cap.read_errors);
    if (!s->offline)
        log_notice("kernel: received %" PRIu64 ", dropped %" PRIu64 ", interface drops %" PRIu64,
                   t.cap.kernel_packets, t.cap.kernel_drops, t.cap.kernel_ifdrops);
}
