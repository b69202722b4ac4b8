#!/bin/sh
# Threat-intelligence lists over the project's sample capture (tests/captures/sample.pcap):
# a listed domain seen in a DNS query, a TLS server name and an HTTP Host; a parent domain
# listed; a listed URL; a CIDR block; a listed JA3; per-entry category, severity and
# source from a CSV list; bad lines reported and skipped; each alert once per flow; the
# same alerts with 2 workers, and with rules loaded as without.
#
# The lists are written from a first run's own events (addresses, names, JA3), so a
# regenerated capture that holds the same story still passes.
set -u
: "${HERE:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${CANH_SENSOR:?CANH_SENSOR is not set (run through tests/run-tests.sh)}"
PCAP=$HERE/captures/sample.pcap
command -v jq >/dev/null || { echo "SKIP jq is not installed"; exit 77; }
[ -r "$PCAP" ] || { echo "FAIL $PCAP is missing"; exit 1; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
run() { # run DIR [args]: the sensor over the capture, stderr kept in DIR/err
    d=$1
    shift
    mkdir -p "$d"
    "$CANH_SENSOR" -r "$PCAP" -l "$d" -k none --set logging.level=notice "$@" 2>"$d/err" ||
        { echo "FAIL canh-sensor exited with $? ($*)"; cat "$d/err"; exit 1; }
}

# 1. What the capture holds, from a run without lists.
run "$tmp/plain"
P=$tmp/plain/eve.json
ja3=$(jq -r 'select(.event_type == "tls" and .tls.sni == "portal.agency.example") | .tls.ja3.hash // empty' "$P" | head -n 1)
ssh_server=$(jq -r 'select(.event_type == "flow" and .dest_port == 22) | .dest_ip' "$P" | sort | uniq -c | sort -rn | head -n 1 | awk '{print $2}')
ssh_flows=$(jq -r --arg a "$ssh_server" 'select(.event_type == "flow" and .dest_ip == $a) | .flow_id' "$P" | sort -u | wc -l)
c2_flows_dns=$(jq -r 'select(.event_type == "dns" and (.dns.query[0].rrname // .dns.rrname // "") == "kq3v9zxw7hjtpm.com") | .flow_id' "$P" | sort -u | wc -l)
[ -n "$ja3" ] && [ -n "$ssh_server" ] && [ "$ssh_flows" -gt 1 ] && [ "$c2_flows_dns" -ge 1 ] ||
    { echo "FAIL the capture does not hold the expected traffic (ja3 '$ja3', ssh '$ssh_server' in $ssh_flows flows)"; exit 1; }
block=$(echo "$ssh_server" | awk -F. '{printf "%s.%s.%s.%d/29", $1, $2, $3, int($4 / 8) * 8}')

# 2. The lists: a plain one and a CSV one, with bad lines.
cat >"$tmp/plain.txt" <<EOF
# plain list: one indicator a line
kq3v9zxw7hjtpm.com
$block
www.agency.example/login
not a valid indicator here
999.1.2.3/40
agency.example.org
EOF
cat >"$tmp/feed.csv" <<EOF
# a feed with its own columns
severity,indicator,category,source,first_seen
high,portal.agency.example,Phishing,"Feed ""A"", CERT",2026-11-01
low,$ja3,Suspicious client,feed-b,2026-11-02
urgent,mail.agency.example,Spam,feed-c,2026-11-03
EOF
LISTS="ioc.files=$tmp/plain.txt,$tmp/feed.csv"

run "$tmp/w1" --set "$LISTS"
run "$tmp/w2" --set "$LISTS" --workers 2
run "$tmp/rules" --set "$LISTS" -S "$HERE/../rules/decoder-events.rules"
EVE=$tmp/w1/eve.json

LIB='
def ioc: map(select(.event_type == "alert" and .alert.source == "ioc"));
def sid($s): ioc | map(select(.alert.signature_id == $s));
def line: [.alert.signature_id, .src_ip, .dest_ip, .alert.metadata.ioc_indicator[0], .flow_id] | tostring;
'
passed=0
failed=0
check() { # check NAME JQ-EXPRESSION [FILE]: the expression over all events must be true
    if jq -e -s --arg ja3 "$ja3" --arg srv "$ssh_server" --arg block "$block" \
        --argjson nssh "$ssh_flows" "$LIB $2" "${3:-$EVE}" >/dev/null 2>"$tmp/err"; then
        passed=$((passed + 1))
        echo "ok   $1"
    else
        failed=$((failed + 1))
        echo "FAIL $1"
        [ -s "$tmp/err" ] && sed 's/^/     jq: /' "$tmp/err"
    fi
}
check_log() { # check_log NAME PATTERN: stderr of the one-worker run holds the pattern
    if grep -q -- "$2" "$tmp/w1/err"; then
        passed=$((passed + 1))
        echo "ok   $1"
    else
        failed=$((failed + 1))
        echo "FAIL $1 (no '$2' in the log:)"
        sed 's/^/     /' "$tmp/w1/err"
    fi
}

echo "== loading"
check_log "load line counts the indicators by type" "ioc: 6 indicators (1 addresses and blocks, 3 domains, 1 URLs, 1 JA3, 0 SHA-256) from 2 lists"
check_log "bad line reported with file, line and reason" "plain.txt:5: 'not a valid indicator here' is not an address, CIDR block, domain, URL, JA3 or SHA-256 (entry skipped)"
check_log "bad CIDR reported" "plain.txt:6: '999.1.2.3/40' is not"
check_log "bad severity reported" "feed.csv:5: severity 'urgent' is not 1-4"
check_log "3 lines skipped in the load line" "3 lines skipped, 0 duplicates"

echo "== alerts"
check "DNS query for a listed domain (sid 8803010)" '
    sid(8803010) | any(.[]; .alert.metadata.ioc_indicator == ["kq3v9zxw7hjtpm.com"] and .dns.query[0].rrname == "kq3v9zxw7hjtpm.com" and
        .alert.category == "Threat intelligence" and .alert.severity == 2 and .alert.metadata.ioc_source == ["plain.txt"])'
check "HTTP Host of a listed domain (sid 8803012), with the http object" '
    sid(8803012) | any(.[]; .alert.metadata.ioc_indicator == ["kq3v9zxw7hjtpm.com"] and .http.hostname == "kq3v9zxw7hjtpm.com" and .app_proto == "http")'
check "TLS server name of a listed domain (sid 8803011): CSV category, severity, quoted source" '
    sid(8803011) | any(.[]; .alert.metadata.ioc_indicator == ["portal.agency.example"] and .tls.sni == "portal.agency.example" and
        .alert.category == "Phishing" and .alert.severity == 1 and .alert.metadata.ioc_source == ["Feed \"A\", CERT"])'
check "DNS query for the CSV domain too" 'sid(8803010) | any(.[]; .alert.metadata.ioc_indicator == ["portal.agency.example"] and .alert.severity == 1)'
check "listed URL (sid 8803020) names host and path" '
    sid(8803020) | length >= 1 and all(.[]; .alert.metadata.ioc_indicator == ["www.agency.example/login"] and .http.url == "/login")'
check "the listed URL does not also alert as a domain" 'sid(8803012) | all(.[]; .http.hostname != "www.agency.example")'
check "CIDR block: one alert per flow to the listed server (sid 8803002), target the client" '
    sid(8803002) | length == $nssh and all(.[]; .dest_ip == $srv and .alert.metadata.ioc_matched == [$block] and
        .alert.target.ip == .src_ip and .alert.attacker.ip == $srv) and (map(.flow_id) | unique | length) == $nssh'
check "listed JA3 (sid 8803030), severity low from the CSV" '
    sid(8803030) | length >= 1 and all(.[]; .alert.metadata.ioc_indicator == [$ja3] and .alert.severity == 3)'
check "the line with a bad severity was not loaded" 'ioc | all(.[]; .alert.metadata.ioc_indicator != ["mail.agency.example"])'
check "a name that merely ends like a listed one does not match" 'ioc | all(.[]; (.alert.metadata.ioc_indicator[0] | endswith("agency.example.org")) | not)'
check "no name alerted twice in a row in one flow" '
    ioc | map(select(.alert.signature_id >= 8803010)) | group_by(.flow_id) | all(.[]; (map(line) | length) == (map(line) | unique | length))'
check "stats count the alerts by type" '
    (map(select(.event_type == "stats")) | .[-1].stats.ioc) as $s | ioc as $a |
    $s.ip == ($a | map(select(.alert.metadata.ioc_type == ["ip"])) | length) and
    $s.domain == ($a | map(select(.alert.metadata.ioc_type == ["domain"])) | length) and
    $s.url >= 1 and $s.ja3 >= 1'

echo "== the same alerts with 2 workers, and with rules loaded"
jq -s -c '[.[] | select(.event_type == "alert" and .alert.source == "ioc") | [.alert.signature_id, .src_ip, .src_port, .dest_ip, .dest_port, .alert.metadata.ioc_indicator[0]]] | sort' \
    "$tmp/w1/eve.json" >"$tmp/a1"
for r in w2 rules; do
    jq -s -c '[.[] | select(.event_type == "alert" and .alert.source == "ioc") | [.alert.signature_id, .src_ip, .src_port, .dest_ip, .dest_port, .alert.metadata.ioc_indicator[0]]] | sort' \
        "$tmp/$r/eve.json" >"$tmp/a-$r"
    if cmp -s "$tmp/a1" "$tmp/a-$r"; then
        passed=$((passed + 1))
        echo "ok   $r: same IOC alerts"
    else
        failed=$((failed + 1))
        echo "FAIL $r: IOC alerts differ from one worker without rules"
        diff "$tmp/a1" "$tmp/a-$r" | head -20
    fi
done

echo "ioc: $passed checks passed, $failed failed"
[ "$failed" -eq 0 ]
