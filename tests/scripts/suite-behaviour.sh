#!/bin/sh
# Behaviour detectors and personal-data leaks, on captures the project writes
# (tests/tools/mkpcap-engines.py; its manifest gives the addresses and counts):
#  - a port scan, a host sweep (TCP and ICMP), a SYN flood, SSH, RDP, FTP and web-login
#    password guessing, DNS tunnelling and beaconing are each detected once, by the right
#    detector, naming the attacker and the victim, with what was counted over which
#    window; the same alerts with 2 workers;
#  - a capture of normal office browsing raises none of them;
#  - thresholds and switches from the configuration are obeyed;
#  - personal data: citizen identity numbers and mobile numbers leaving HOME_NET by HTTP
#    (JSON and form), SMTP and FTP raise one alert per kind and transfer with the count,
#    and no full number appears anywhere in the output; the same numbers sent to an
#    inside server, and look-alike numbers sent out, raise nothing.
set -u
: "${HERE:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${CANH_SENSOR:?CANH_SENSOR is not set (run through tests/run-tests.sh)}"
command -v jq >/dev/null || { echo "SKIP jq is not installed"; exit 77; }
command -v python3 >/dev/null || { echo "SKIP python3 is not installed"; exit 77; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL $*"; }
check() { # check DESCRIPTION EXPECTED ACTUAL
    if [ "$2" = "$3" ]; then ok; else bad "$1: expected '$2', got '$3'"; fi
}
run() { # run NAME [args]: the sensor over NAME.pcap into $tmp/out/NAME<suffix>
    name=$1
    out=$tmp/out/$name${SUFFIX:-}
    shift
    mkdir -p "$out"
    "$CANH_SENSOR" -r "$tmp/cap/$name.pcap" -l "$out" -k none --set logging.level=warning "$@" 2>"$out/err" ||
        bad "canh-sensor failed on $name.pcap: $(tail -n 2 "$out/err")"
}
# engine alerts of a run: "sid attacker victim count window"
alerts() {
    jq -r 'select(.event_type == "alert" and (.alert.source == "behaviour" or .alert.source == "pii")) |
        "\(.alert.signature_id) \(.alert.metadata.attacker[0] // "-") \(.alert.metadata.victim[0] // "-") \(.alert.metadata.count[0] // .alert.metadata.pii_count[0]) \(.alert.metadata.window_s[0] // "-")"' \
        "$tmp/out/$1${SUFFIX:-}/eve.json" | sort
}
man() { jq -r ".\"$1.pcap\"$2" "$M"; }

python3 "$HERE/tools/mkpcap-engines.py" "$tmp/cap" >/dev/null || { echo "FAIL mkpcap-engines.py failed"; exit 1; }
M=$tmp/cap/manifest.json

# 1. Each attack, detected once by its detector.
for c in portscan hostsweep synflood ssh-bruteforce rdp-bruteforce ftp-bruteforce http-login-bruteforce \
         dns-tunnel beacon benign-browsing pii-leak pii-benign; do
    run "$c"
done
check "port scan" "8806001 $(man portscan .scanner) $(man portscan .target) 25 60" "$(alerts portscan)"
sweep=$(man hostsweep .source)
check "host sweep (TCP 445, ICMP echo)" "8806002 $sweep - 25 60
8806002 $sweep - 25 60" "$(alerts hostsweep)"
check "host sweep: one alert per port" "445 0" \
    "$(jq -r 'select(.event_type == "alert" and .alert.signature_id == 8806002) | .alert.metadata.detail[0] | if test("port 445") then 445 else 0 end' "$tmp/out/hostsweep/eve.json" | sort -rn | tr '\n' ' ' | sed 's/ $//')"
check "SYN flood" "8806003 - $(man synflood .victim) 1000 10" "$(alerts synflood)"
check "SSH password guessing" "8806010 $(man ssh-bruteforce .attacker) $(man ssh-bruteforce .server) 20 120" "$(alerts ssh-bruteforce)"
check "RDP password guessing" "8806011 $(man rdp-bruteforce .attacker) $(man rdp-bruteforce .server) 20 120" "$(alerts rdp-bruteforce)"
check "FTP password guessing (530 replies)" "8806012 $(man ftp-bruteforce .attacker) $(man ftp-bruteforce .server) 10 120" "$(alerts ftp-bruteforce)"
check "web login guessing" "8806016 $(man http-login-bruteforce .attacker) $(man http-login-bruteforce .server) 10 120" "$(alerts http-login-bruteforce)"
check "DNS tunnelling" "8806020 $(man dns-tunnel .client) - 20 300" "$(alerts dns-tunnel)"
check "DNS tunnelling: the domain" "$(man dns-tunnel .tunnel_domain | sed 's/^t\.//')" \
    "$(jq -r 'select(.event_type == "alert" and .alert.signature_id == 8806020) | .alert.metadata.key[0]' "$tmp/out/dns-tunnel/eve.json")"
check "beaconing" "8806030 $(man beacon .client) $(man beacon .server) 8 7200" "$(alerts beacon)"
# what was counted over which window, in words
for c in portscan synflood ssh-bruteforce dns-tunnel beacon; do
    d=$(jq -r 'select(.event_type == "alert" and .alert.source == "behaviour") | .alert.metadata.detail[0]' "$tmp/out/$c/eve.json")
    case "$d" in
        *threshold*) ok ;;
        *) bad "$c: the alert does not say what was counted: '$d'" ;;
    esac
done
check "MITRE technique on a port scan" T1046 \
    "$(jq -r 'select(.event_type == "alert" and .alert.signature_id == 8806001) | .alert.mitre.technique_id' "$tmp/out/portscan/eve.json")"
check "the port scan's victim is the alert target" "$(man portscan .target)" \
    "$(jq -r 'select(.event_type == "alert" and .alert.signature_id == 8806001) | .alert.target.ip' "$tmp/out/portscan/eve.json")"

# 2. Normal browsing: nothing.
check "benign browsing: no behaviour alert" "" "$(alerts benign-browsing)"
check "benign browsing: events were made (the run is real)" true \
    "$(jq -s '[.[] | select(.event_type == "flow")] | length > 50' "$tmp/out/benign-browsing/eve.json")"

# 3. The same with 2 workers (one set of detectors for all workers).
for c in portscan synflood ssh-bruteforce dns-tunnel beacon http-login-bruteforce; do
    SUFFIX=-w2 run "$c" --workers 2
    check "$c with 2 workers" "$(alerts "$c")" "$(SUFFIX=-w2 alerts "$c")"
done

# 4. Configuration.
SUFFIX=-high run portscan --set behaviour.port-scan.min-ports=200
check "port-scan.min-ports=200" "" "$(SUFFIX=-high alerts portscan)"
SUFFIX=-low run portscan --set behaviour.port-scan.min-ports=10 --set behaviour.port-scan.severity=1
check "port-scan.min-ports=10, severity 1" "8806001 $(man portscan .scanner) $(man portscan .target) 10 60 1" \
    "$(SUFFIX=-low alerts portscan | sed 's/$/ 1/')"
check "port-scan severity from the configuration" 1 \
    "$(jq -r 'select(.event_type == "alert" and .alert.signature_id == 8806001) | .alert.severity' "$tmp/out/portscan-low/eve.json")"
SUFFIX=-off run beacon --set behaviour.beacon.enabled=no
check "beacon.enabled=no" "" "$(SUFFIX=-off alerts beacon)"
if "$CANH_SENSOR" -r "$tmp/cap/beacon.pcap" -l "$tmp" -k none --set behaviour.beacon.min-connections=99 2>"$tmp/err"; then
    bad "beacon.min-connections=99 was accepted"
else
    grep -q "min-connections" "$tmp/err" && ok || bad "no message for beacon.min-connections=99: $(cat "$tmp/err")"
fi

# 5. Personal data.
P=$tmp/out/pii-leak/eve.json
transfers=$(man pii-leak '.transfers | length')
check "CCCD alerts, one per transfer" "$transfers" "$(jq -s '[.[] | select(.event_type == "alert" and .alert.signature_id == 8807001)] | length' "$P")"
check "phone alerts, one per transfer" "$transfers" "$(jq -s '[.[] | select(.event_type == "alert" and .alert.signature_id == 8807002)] | length' "$P")"
check "the counts of distinct numbers" "20" \
    "$(jq -r 'select(.event_type == "alert" and .alert.source == "pii") | .alert.metadata.pii_count[0]' "$P" | sort -u)"
check "transfers by HTTP, SMTP and FTP" "ftp http smtp" \
    "$(jq -r 'select(.event_type == "alert" and .alert.source == "pii") | if .dest_port == 25 or .src_port == 25 then "smtp" elif .app_proto == "http" then "http" else "ftp" end' "$P" | sort -u | tr '\n' ' ' | sed 's/ $//')"
check "masked samples" true \
    "$(jq -s '[.[] | select(.event_type == "alert" and .alert.source == "pii") | .alert.metadata.pii_samples[] | test("^[0-9]{2,3}\\*+[0-9]{2}$")] | (length > 0 and all)' "$P")"
check "no full number in the alerts" 0 "$(jq -c 'select(.event_type == "alert" and .alert.source == "pii") | del(.payload, .payload_printable, .packet)' "$P" | {
    c=0
    while read -r l; do for n in $(man pii-leak '.cccd[]') $(man pii-leak '.phone[]'); do case "$l" in *"$n"*) c=$((c + 1)) ;; esac; done; done
    echo $c
})"
check "pii-benign (look-alikes out, real numbers inside): no alert" "" "$(alerts pii-benign)"
check "stats.pii.alerts" "$(jq -s '[.[] | select(.event_type == "alert" and .alert.source == "pii")] | length' "$P")" \
    "$(jq -s '[.[] | select(.event_type == "stats")] | last | .stats.pii.alerts' "$P")"
SUFFIX=-home run pii-leak --set vars.address-groups.HOME_NET="[10.0.0.0/8,198.51.100.0/24]"
check "with the receivers inside HOME_NET: no alert" "" "$(SUFFIX=-home alerts pii-leak)"
SUFFIX=-min run pii-leak --set pii.min-count=21
check "pii.min-count=21 (20 numbers): no alert" "" "$(SUFFIX=-min alerts pii-leak)"

echo "behaviour: $pass checks passed, $fail failed"
[ $fail -eq 0 ]
