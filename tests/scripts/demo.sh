#!/bin/sh
# What `make demo` runs: canh-sensor over the bundled sample capture of an agency network
# (tests/captures/sample.pcap, see tests/captures/README.md), then a summary of what it saw,
# read from the EVE events with jq.
#
#   usage: demo.sh BUILD_DIR [PCAP]
#   output: BUILD_DIR/demo/eve.json (kept for you to explore), summary on stdout
set -eu

BUILD=$(cd "${1:?usage: demo.sh BUILD_DIR [PCAP]}" && pwd)
HERE=$(cd "$(dirname "$0")/.." && pwd)
PCAP=${2:-$HERE/captures/sample.pcap}
SENSOR=$BUILD/canh-sensor
OUT=$BUILD/demo

[ -x "$SENSOR" ] || { echo "demo: $SENSOR not found; build it first (make sensor)" >&2; exit 1; }
[ -r "$PCAP" ] || { echo "demo: $PCAP not found" >&2; exit 1; }
command -v jq >/dev/null || { echo "demo: jq is missing (deploy/install-deps.sh installs it)" >&2; exit 1; }

rm -rf "$OUT"
mkdir -p "$OUT"
if ! "$SENSOR" -r "$PCAP" -l "$OUT" -k none --set logging.level=warning \
    --set default-rule-path="$HERE/../rules" --set rule-files="canh/*.rules" \
    --set yara.files="$HERE/../rules/yara" 2>"$OUT/sensor.log"; then
    echo "demo: canh-sensor failed:" >&2
    cat "$OUT/sensor.log" >&2
    exit 1
fi
EVE=$OUT/eve.json

if [ -t 1 ]; then B=$(printf '\033[1m'); N=$(printf '\033[0m'); else B=""; N=""; fi
section() { printf '\n%s== %s %s\n' "$B" "$1" "$N"; }

# Helpers shared by every query. $risk maps a flow_id to the nDPI risks of its flow, so
# app-layer events can show what nDPI thought of their flow.
LIB='
def rpad($n): tostring | if length < $n then . + (" " * ($n - length)) else . end;
def lpad($n): tostring | if length < $n then (" " * ($n - length)) + . else . end;
def cut($n): tostring | if length > $n then .[0:$n - 3] + "..." else . end;
def hb: if . >= 1048576 then "\(. * 10 / 1048576 | floor / 10) MB"
        elif . >= 1024 then "\(. * 10 / 1024 | floor / 10) KB" else "\(.) B" end;
def ep($ip; $port): if $port then "\($ip):\($port)" else $ip end;
def src: ep(.src_ip; .src_port);
def dst: ep(.dest_ip; .dest_port);
def flows: map(select(.event_type == "flow"));
def bytes: (.flow.bytes_toserver // 0) + (.flow.bytes_toclient // 0);
def pkts: (.flow.pkts_toserver // 0) + (.flow.pkts_toclient // 0);
def tags: if length > 0 then "  [" + join(", ") + "]" else "" end;
def riskmap: flows | map({key: (.flow_id | tostring), value: (.ndpi.risks // [])}) | from_entries;
'
q() { # q JQ-PROGRAM: run over all events (slurped) with the helpers
    jq -r -s "$LIB $1" "$EVE"
}

printf '%sCanh demo: the sensor over a sample capture of an agency network%s\n' "$B" "$N"
printf '  capture   %s (%s bytes)\n' "$PCAP" "$(wc -c <"$PCAP" | tr -d ' ')"
printf '  sensor    %s -r <capture> -l %s -k none\n' "$SENSOR" "$OUT"

section "Traffic"
q '
(map(select(.event_type == "stats"))[-1].stats) as $s |
(flows) as $f |
"  packets   \($s.capture.packets)   bytes \($s.capture.bytes | hb)   flows \($s.flow.created) (TCP \($s.flow.tcp), UDP \($s.flow.udp), ICMP \($s.flow.icmp), other \($s.flow.other))",
(($f | map(.flow.start) | min) // "") as $t0 | (($f | map(.flow.end) | max) // "") as $t1 |
"  time      \($t0[0:10]) \($t0[11:19]) to \($t1[11:19]) UTC (\(if $t0 != "" then (($t1[0:19] + "Z" | fromdateiso8601) - ($t0[0:19] + "Z" | fromdateiso8601)) else 0 end) s)",
"  nDPI      \($s.dpi.flows_detected) flows identified by inspection, \($s.dpi.flows_guessed) guessed from the port, \($s.dpi.flows_unknown) unknown",
"  events    " + (map(.event_type) | group_by(.) | map("\(.[0]) \(length)") | join(", ")),
"  decoder   \($s.decoder.invalid) invalid packets, \($s.decoder.csum_bad_ipv4 + $s.decoder.csum_bad_tcp + $s.decoder.csum_bad_udp + $s.decoder.csum_bad_icmp) bad checksums, \($s.output.dropped) events dropped"
'

section "Application protocols (nDPI)"
q '
flows | group_by(.ndpi.protocol // "Unknown") |
map({p: (.[0].ndpi.protocol // "Unknown"), n: length,
     dpi: map(select(.ndpi.confidence == "DPI")) | length,
     pk: map(pkts) | add, b: map(bytes) | add}) |
sort_by(-.dpi, -.b) |
(map(select(.dpi > 0 or .p == "Unknown"))) as $seen | (map(select(.dpi == 0 and .p != "Unknown"))) as $port |
("  " + ("protocol" | rpad(20)) + ("flows" | lpad(6)) + ("by DPI" | lpad(8)) + ("packets" | lpad(9)) + ("bytes" | lpad(10))),
($seen[] | "  " + (.p | cut(20) | rpad(20)) + (.n | lpad(6)) + (.dpi | lpad(8)) + (.pk | lpad(9)) + (.b | hb | lpad(10))),
(if ($port | length) > 0 then
   "  named from the port only (no payload seen, e.g. scan probes): \($port | map(.n) | add) flows, \($port | length) protocols:",
   ($port | sort_by(-.n, .p) | map("\(.p) \(.n)") | [_nwise(8) | join(", ")] | .[] | "      " + .)
 else empty end)
'

section "Top talkers (hosts that opened flows)"
q '
flows | group_by(.src_ip) |
map({h: .[0].src_ip, n: length, b: map(bytes) | add,
     peers: map(.dest_ip) | unique | length,
     ports: map(.dest_port // empty) | unique | length,
     apps: map(.ndpi.protocol // empty) | group_by(.) | sort_by(-length) | map(.[0]) | .[0:5]}) |
sort_by(-.b) | .[0:8] |
("  " + ("host" | rpad(16)) + ("flows" | lpad(6)) + ("bytes" | lpad(10)) + ("peers" | lpad(7)) + ("ports" | lpad(7)) + "  top protocols"),
(.[] | "  " + (.h | rpad(16)) + (.n | lpad(6)) + (.b | hb | lpad(10)) + (.peers | lpad(7)) + (.ports | lpad(7)) + "  " + (.apps | join(", ")))
'

section "DNS"
q '
riskmap as $risk |
map(select(.event_type == "dns")) | group_by([.src_ip, .dns.rrname, .dns.rrtype, .dns.rcode // "", .dest_ip]) |
map({name: .[0].dns.rrname, type: .[0].dns.rrtype, n: length,
     clients: map(.src_ip) | unique, servers: map(.dest_ip) | unique,
     rcode: (map(.dns.rcode // "no answer") | unique | join("/")),
     ans: (map(.dns.answers[]?.rdata) | unique | join(" ")),
     risks: (map($risk[.flow_id | tostring] // [] | .[]) | unique)}) |
sort_by(.clients[0], .name) |
("  " + ("client" | rpad(14)) + ("query" | rpad(28)) + ("type" | rpad(6)) + ("n" | lpad(3)) + "  answer"),
(.[] | "  " + (.clients | join(",") | rpad(14)) + (.name | cut(27) | rpad(28)) + (.type | rpad(6)) + (.n | lpad(3)) + "  " +
      (if .rcode == "NOERROR" then (if .ans == "" then "NOERROR" else .ans end) else .rcode end) +
      (if .rcode == "no answer" then " (server \(.servers | join(",")))" else "" end) + (.risks | tags))
'

section "HTTP requests"
q '
riskmap as $risk |
map(select(.event_type == "http")) | sort_by(.timestamp) |
(.[] | "  \(.src_ip | rpad(11)) \(.http.http_method // "?" | rpad(4)) \(.http.status // "-" | tostring | rpad(3)) \(((.http.hostname // .dest_ip) + (.http.url // "")) | cut(80))" +
      "\n  \("" | rpad(11)) UA: \(.http.http_user_agent // "(none)" | cut(84))" + ($risk[.flow_id | tostring] // [] | tags))
'

section "TLS"
q '
riskmap as $risk |
map(select(.event_type == "tls")) | sort_by(.timestamp) |
(.[] | "  \(src) -> \(dst)  \(.tls.version // "?")  SNI \(.tls.sni // "(none)")",
       (if .tls.subject then "      subject  \(.tls.subject)" else "      certificate not visible (encrypted in TLS 1.3)" end),
       (if .tls.issuerdn then "      issuer   \(.tls.issuerdn)\(if .tls.issuerdn == .tls.subject then "   (self-signed)" else "" end)" else empty end),
       (if .tls.notbefore then "      valid    \(.tls.notbefore) to \(.tls.notafter)" else empty end),
       (if .tls.fingerprint then "      sha1     \(.tls.fingerprint)" else empty end),
       "      JA3 \(.tls.ja3.hash // "-")  JA3S \(.tls.ja3s.hash // "-")  ALPN \(.tls.alpn // "-")",
       (if ($risk[.flow_id | tostring] // []) | length > 0 then "      risks    \($risk[.flow_id | tostring] | join(", "))" else empty end))
'

section "SSH"
q '
riskmap as $risk |
map(select(.event_type == "ssh")) |
group_by([.src_ip, .dest_ip, .dest_port, .ssh.client.software_version, .ssh.server.software_version]) |
map(.[0] + {n: length}) | sort_by(.timestamp) |
(.[] | "  \(.src_ip) -> \(.dest_ip):\(.dest_port)  \(.n) connection\(if .n > 1 then "s" else "" end)",
       "      client  \(.ssh.client.software_version // "?")\(if .ssh.client.hassh then "  hassh \(.ssh.client.hassh.hash)" else "" end)",
       "      server  \(.ssh.server.software_version // "(banner not seen)")\(if .ssh.server.hassh then "  hassh \(.ssh.server.hassh.hash)" else "" end)" +
       ($risk[.flow_id | tostring] // [] | tags))
'

section "nDPI risks"
q '
flows | map(select(.ndpi.risks)) |
[.[] as $f | $f.ndpi.risks[] | {risk: ., f: $f}] | group_by(.risk) |
map({risk: .[0].risk, fl: map(.f)}) | sort_by(-(.fl | length), .risk) |
if length == 0 then "  none" else
(.[] | "  \(.risk)  (\(.fl | length) flow\(if (.fl | length) > 1 then "s" else "" end))",
       (.fl | sort_by(.flow.start) | .[0:4][] | "      \(.flow.start[11:19])  \(.src_ip) -> \(dst) \(.proto) \(.ndpi.protocol)"),
       (if (.fl | length) > 4 then "      ... and \((.fl | length) - 4) more" else empty end))
end
'

section "Anomalies (malformed packets)"
q '
map(select(.event_type == "anomaly")) |
if length == 0 then "  none" else
(group_by(.anomaly.event) | sort_by(-length) | .[] |
 "  \(.[0].anomaly.event | rpad(36)) \(length | lpad(5))  e.g. \(.[0].src_ip // "-") -> \(.[0].dest_ip // "-")")
end
'

section "Alerts, by engine (rules: Canh's own ruleset; YARA: rules/yara; behaviour, personal data, nDPI risks: defaults)"
q '
map(select(.event_type == "alert")) |
if length == 0 then "  none" else
(group_by(.alert.source) | .[] |
 "  \(.[0].alert.source): \(length) alert\(if length > 1 then "s" else "" end)",
 (group_by(.alert.signature_id) | sort_by(.[0].alert.severity, -length) | .[0:6][] |
  "      sev \(.[0].alert.severity)  \(.[0].alert.signature | .[0:70] | rpad(70)) \(length | lpad(3))x  e.g. \(.[0].src_ip // "-") -> \(.[0].dest_ip // "-")\(if .[0].alert.metadata.detail then "\n                 \(.[0].alert.metadata.detail[0])" else "" end)"))
end
'

printf '\n%sEvents%s: %s (%s lines); sensor log: %s\n' "$B" "$N" "$EVE" "$(wc -l <"$EVE" | tr -d ' ')" "$OUT/sensor.log"
echo "  try: jq -c 'select(.event_type==\"http\") | .http' $EVE"
echo "       jq -c 'select(.ndpi.risks) | [.src_ip, .dest_ip, .dest_port, .ndpi.risks]' $EVE"
echo "       jq -c 'select(.event_type==\"alert\") | [.alert.source, .alert.signature, .src_ip, .dest_ip]' $EVE"
