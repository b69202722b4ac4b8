#!/bin/sh
# Live capture. The test makes a network namespace of its own with a veth pair in it
# (cl0 <-> cl1), runs canh-sensor -i cl1 inside the namespace, replays captures onto
# cl0 with tcpreplay, stops the sensor with SIGINT or SIGTERM and checks its events:
#
#   - every flow of the capture is reported exactly once, with its 5-tuple and its
#     packet counts in each direction, and with flow.reason "shutdown" (none had ended);
#   - the final stats count every replayed packet (capture.packets and
#     capture.kernel_packets) and no drops (kernel_drops, kernel_ifdrops) at this rate;
#   - the sensor exits 0 and eve.json is valid JSON lines;
#   with one worker; with --workers 2 (a PACKET_FANOUT group: each flow still reported
#   once with all its packets, and both workers got flows); with a BPF filter that keeps
#   part of the traffic; across the interface going down and up, and being removed and
#   made again; with a few shared nDPI captures (when present: the flows must be those
#   the sensor reports reading the same file). And -i on an interface that does not
#   exist: a message naming it, a non-zero exit.
#
# Skipped, with the reason, when not root or when a namespace cannot be made. Nothing
# leaves the namespace: both ends of the pair live in it, and it is deleted on exit.
set -u

PPS=2000 # replay rate: far below what the sensor handles, so no drop is excusable

skip() { echo "SKIP $*"; exit 77; }
[ "$(id -u)" -eq 0 ] || skip "live capture needs root (network namespaces, raw sockets)"
for t in ip tcpreplay jq python3; do
    command -v $t >/dev/null 2>&1 || skip "$t is not installed"
done
[ -x "$CANH_SENSOR" ] || { echo "FAIL $CANH_SENSOR is missing"; exit 1; }

tmp=$(mktemp -d)
ns="canh-live-$$-$(od -An -N3 -tx1 /dev/urandom | tr -d ' \n')"
spid="" wpid=""
kill_sensor() {
    [ -n "$spid" ] && kill -KILL "$spid" 2>/dev/null
    [ -n "$wpid" ] && wait "$wpid" 2>/dev/null
    spid="" wpid=""
}
cleanup() {
    kill_sensor
    ip netns del "$ns" 2>/dev/null
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

ip netns add "$ns" 2>"$tmp/err" ||
    skip "cannot create a network namespace: $(cat "$tmp/err")"
nsx() { ip netns exec "$ns" "$@"; }
# No IPv6 in the namespace: the kernel would send router solicitations and DAD probes
# on the link, packets the test did not replay.
nsx sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1 2>/dev/null
if ! nsx ip link add cl0 type veth peer name cl1 2>"$tmp/err"; then
    skip "cannot create a veth pair in a network namespace: $(cat "$tmp/err")"
fi
nsx ip link set cl0 mtu 9000 && nsx ip link set cl1 mtu 9000 &&
    nsx ip link set cl0 up && nsx ip link set cl1 up || { echo "FAIL cannot set up the veth pair"; exit 1; }

checks=0
bad=0
ok() { checks=$((checks + 1)); }
fail() { checks=$((checks + 1)); bad=$((bad + 1)); echo "FAIL $*"; }

# --- helpers ----------------------------------------------------------------------------

# wait_for SECONDS COMMAND...: runs COMMAND every 0.1 s until it succeeds.
wait_for() {
    n=$(($1 * 10))
    shift
    while [ $n -gt 0 ]; do
        "$@" && return 0
        sleep 0.1
        n=$((n - 1))
    done
    return 1
}

# start NAME ARGS...: canh-sensor -i cl1 ARGS in the namespace, events in $tmp/NAME.
# Stats events every second let the test see how far the sensor has got. 'ip netns
# exec' forks: the shell it runs writes its pid (then the sensor's) before exec, so
# signals reach the sensor itself ($spid); 'ip' ($wpid) returns its exit status.
start() {
    run=$1
    shift
    d="$tmp/$run"
    mkdir -p "$d"
    spid=""
    ip netns exec "$ns" sh -c 'echo $$ >"$0"; exec "$@"' "$d/pid" \
        "$CANH_SENSOR" -i cl1 -l "$d" --set output.stats-interval=1 "$@" 2>"$d/stderr" &
    wpid=$!
    wait_for 10 test -s "$d/pid" && spid=$(cat "$d/pid")
    if [ -n "$spid" ] && wait_for 20 started && ! exited; then
        return 0
    fi
    if exited; then
        wait "$wpid"
        fail "$run: the sensor exited $? instead of capturing:"
    else
        fail "$run: the sensor did not start capturing within 20 s:"
    fi
    sed 's/^/    /' "$d/stderr"
    kill_sensor
    return 1
}
started() { grep -q 'capturing with' "$d/stderr" || exited; }

# replay PCAP: sends it on cl0; sets 'sent' to the number of packets sent.
replay() {
    nsx tcpreplay -i cl0 --pps=$PPS "$1" >"$tmp/replay.log" 2>&1
    rc=$?
    sent=$(sed -n 's/^[[:space:]]*Successful packets:[[:space:]]*\([0-9]*\).*/\1/p' "$tmp/replay.log")
    failed=$(sed -n 's/^[[:space:]]*Failed packets:[[:space:]]*\([0-9]*\).*/\1/p' "$tmp/replay.log")
    if [ $rc -ne 0 ] || [ -z "$sent" ] || [ "${failed:-1}" != 0 ]; then
        fail "$run: tcpreplay of $(basename "$1") failed (exit $rc):"
        sed 's/^/    /' "$tmp/replay.log"
        sent=${sent:-0}
        return 1
    fi
    return 0
}

# The capture.packets of the sensor's latest stats event (0 before the first).
seen_packets() {
    jq -R 'fromjson? | select(.event_type == "stats") | .stats.capture.packets' \
        "$tmp/$run/eve.json" 2>/dev/null | tail -n 1
}
seen_at_least() { [ "$(seen_packets)" -ge "$1" ] 2>/dev/null; }

# True once 'ip netns exec' has exited, after the sensor (a zombie until waited for).
exited() {
    st=$(sed 's/.*) //' "/proc/$wpid/stat" 2>/dev/null | cut -d' ' -f1)
    [ -z "$st" ] || [ "$st" = Z ]
}

# stop [SIGNAL]: stops the sensor and checks that it exits 0 within 20 s.
stop() {
    kill -"${1:-INT}" "$spid"
    if ! wait_for 20 exited; then
        fail "$run: the sensor did not exit within 20 s of SIG${1:-INT}"
        kill -KILL "$spid"
    fi
    wait "$wpid"
    rc=$?
    spid="" wpid=""
    if [ $rc -eq 0 ]; then ok; else
        fail "$run: canh-sensor exited $rc after SIG${1:-INT}; its messages:"
        tail -n 30 "$tmp/$run/stderr" | sed 's/^/    /'
    fi
}

# check_json: every line of eve.json is one JSON object.
check_json() {
    e="$tmp/$run/eve.json"
    if [ ! -s "$e" ]; then fail "$run: no eve.json"; return; fi
    lines=$(wc -l <"$e")
    good=$(jq -R 'fromjson? | objects | 1' "$e" 2>/dev/null | wc -l)
    if [ "$lines" -eq "$good" ]; then ok; else fail "$run: eve.json has $((lines - good)) invalid line(s) of $lines"; fi
}

# The flow events as "proto src sport dst dport pkts_toserver pkts_toclient", sorted.
flows_tsv() {
    jq -r 'select(.event_type == "flow") | [.proto, .src_ip, (.src_port // 0), .dest_ip,
           (.dest_port // 0), .flow.pkts_toserver, .flow.pkts_toclient] | @tsv' "$1" | sort
}

# check_flows EXPECTED.tsv: the flow events are exactly the expected ones, each once.
check_flows() {
    flows_tsv "$tmp/$run/eve.json" >"$tmp/got.tsv"
    sort "$1" >"$tmp/want.tsv"
    if cmp -s "$tmp/want.tsv" "$tmp/got.tsv"; then ok; else
        fail "$run: flows differ from the capture's ($(wc -l <"$tmp/want.tsv") expected, $(wc -l <"$tmp/got.tsv") reported; < expected, > reported):"
        diff "$tmp/want.tsv" "$tmp/got.tsv" | grep '^[<>]' | head -n 12 | sed 's/^/    /'
    fi
    other=$(jq -r 'select(.event_type == "flow" and .flow.reason != "shutdown") | .flow.reason' \
        "$tmp/$run/eve.json" | sort | uniq -c | tr '\n' ' ')
    if [ -z "$other" ]; then ok; else fail "$run: flows that ended other than by shutdown: $other"; fi
}

# check_stats PACKETS: the final stats event counts PACKETS and no drop.
check_stats() {
    last=$(tail -n 1 "$tmp/$run/eve.json")
    got=$(printf '%s' "$last" | jq -r 'select(.event_type == "stats") | .stats.capture |
          "\(.packets) \(.kernel_packets) \(.kernel_drops) \(.kernel_ifdrops)"' 2>/dev/null)
    want="$1 $1 0 0"
    if [ "$got" = "$want" ]; then ok; else
        fail "$run: final stats capture.{packets,kernel_packets,kernel_drops,kernel_ifdrops} = '${got:-no final stats event}', expected '$want'"
    fi
}

# session NAME SIGNAL "CAPTURES" WANT ARGS...: starts the sensor with ARGS, replays each
# capture, waits until the sensor has seen WANT packets ("all": every packet replayed),
# stops it with SIGNAL. Sets 'total' to the packets replayed.
session() {
    name=$1 sig=$2 caps=$3 want=$4
    shift 4
    start "$name" "$@" || return 1
    total=0
    for cap in $caps; do
        replay "$cap" || true
        total=$((total + sent))
    done
    [ "$want" = all ] && want=$total
    wait_for 15 seen_at_least "$want" ||
        echo "note: $name: the sensor had seen $(seen_packets) of $want packets after 15 s"
    stop "$sig"
    check_json
}

# --- the captures -----------------------------------------------------------------------

# Three captures of the same shape with different addresses (no flow in common).
for x in a:0 b:1 c:2; do
    python3 "$HERE/scripts/live-mkpcap.py" "$tmp/${x%:*}.pcap" "$tmp/${x%:*}.tsv" "${x#*:}" ||
        { echo "FAIL cannot generate the test captures"; exit 1; }
done
packets_of() { awk -F'\t' '{ n += $6 + $7 } END { print n }' "$1"; }
npk_a=$(packets_of "$tmp/a.tsv") npk_b=$(packets_of "$tmp/b.tsv") npk_c=$(packets_of "$tmp/c.tsv")
echo "captures: $(wc -l <"$tmp/a.tsv") flows and $npk_a packets in each"

# --- one worker -------------------------------------------------------------------------

if session one INT "$tmp/a.pcap" all; then
    check_flows "$tmp/a.tsv"
    check_stats "$npk_a"
    e="$tmp/one/eve.json"
    ndns=$(jq -r 'select(.event_type == "dns" and .dns.rrname == "live.canh.test") | .dns.type' "$e" |
        sort | tr '\n' ' ')
    nhttp=$(jq -c 'select(.event_type == "http" and .http.hostname == "live.canh.test" and
                         .http.status == 200)' "$e" | wc -l)
    if [ "$ndns" = "answer query " ] && [ "$nhttp" -eq 1 ]; then ok; else
        fail "one: dns events '$ndns' and $nhttp http events for live.canh.test, expected a query, an answer and one http"
    fi
    grep -q 'stopped by signal' "$tmp/one/stderr" && ok || fail "one: no 'stopped by signal' notice"
    echo "one worker: $total packets replayed, flows and counters as expected"
fi

# --- two workers: PACKET_FANOUT ---------------------------------------------------------

if session fanout INT "$tmp/a.pcap $tmp/b.pcap" all --workers 2; then
    cat "$tmp/a.tsv" "$tmp/b.tsv" >"$tmp/ab.tsv"
    check_flows "$tmp/ab.tsv"
    check_stats $((npk_a + npk_b))
    grep -q 'PACKET_FANOUT' "$tmp/fanout/stderr" && ok || fail "fanout: no PACKET_FANOUT notice"
    # event_id is sensor:boot:worker:seq. Both workers must have had flows, or the
    # fanout did not spread them and this run proved nothing about keeping them together.
    per=$(jq -r 'select(.event_type == "flow") | .event_id | split(":")[2]' "$tmp/fanout/eve.json" |
        sort | uniq -c | awk '{ printf "%sworker %s: %s flows", sep, $2, $1; sep = ", " }')
    nw=$(jq -r 'select(.event_type == "flow") | .event_id | split(":")[2]' "$tmp/fanout/eve.json" | sort -u | wc -l)
    if [ "$nw" -eq 2 ]; then ok; else fail "fanout: flows reported by $nw worker(s), expected 2 ($per)"; fi
    echo "two workers: $total packets replayed, each flow once with all its packets ($per)"
fi

# --- BPF filter: only TCP, and SIGTERM ---------------------------------------------------

awk -F'\t' '$1 == "TCP"' "$tmp/a.tsv" >"$tmp/a-tcp.tsv"
n_tcp=$(packets_of "$tmp/a-tcp.tsv")
if session bpf TERM "$tmp/a.pcap" "$n_tcp" tcp; then
    check_flows "$tmp/a-tcp.tsv"
    # The kernel filter drops the rest before it is counted.
    check_stats "$n_tcp"
    echo "bpf 'tcp': $n_tcp of $total packets kept, $(wc -l <"$tmp/a-tcp.tsv") TCP flows reported, no others"
fi

# --- the interface goes down and comes back; then it goes away and comes back ---------
#
# Down and up: the capture handles stay open and capture resumes by itself. Removed and
# made again: the handles fail ("capture failed"), and each worker opens a new one
# within a few seconds ("capture resumed"), keeping the counters of the old ones.

updown_wait() { # WANT: the sensor has seen WANT packets
    wait_for 15 seen_at_least "$1" ||
        echo "note: updown: the sensor had seen $(seen_packets) of $1 packets after 15 s"
}
if start updown --workers 2; then
    replay "$tmp/a.pcap"
    updown_wait "$npk_a"
    nsx ip link set cl1 down
    sleep 1
    nsx ip link set cl1 up
    replay "$tmp/b.pcap"
    updown_wait $((npk_a + npk_b))
    nsx ip link del cl0 # takes its peer cl1 along
    if wait_for 10 grep -q 'cl1: capture failed' "$tmp/updown/stderr"; then ok; else
        fail "updown: no warning within 10 s of cl1 being removed"
    fi
    sleep 1
    nsx ip link add cl0 type veth peer name cl1 && nsx ip link set cl0 mtu 9000 &&
        nsx ip link set cl1 mtu 9000 && nsx ip link set cl0 up && nsx ip link set cl1 up ||
        fail "updown: cannot make the veth pair again"
    if wait_for 20 sh -c "[ \$(grep -c 'cl1: capture resumed' '$tmp/updown/stderr') -ge 2 ]"; then
        ok
        replay "$tmp/c.pcap"
        updown_wait $((npk_a + npk_b + npk_c))
    else
        fail "updown: capture not resumed by both workers within 20 s of cl1 coming back; messages:"
        sed 's/^/    /' "$tmp/updown/stderr"
    fi
    stop INT
    check_json
    cat "$tmp/a.tsv" "$tmp/b.tsv" "$tmp/c.tsv" >"$tmp/abc.tsv"
    check_flows "$tmp/abc.tsv"
    check_stats $((npk_a + npk_b + npk_c))
    echo "interface down and up, then removed and made again: flows before, between and after reported, counters kept"
fi

# --- shared nDPI captures: live agrees with offline --------------------------------------

D="$CANH_SHARED/data/pcap/ndpi-4.2/pcap"
if [ -d "$D" ]; then
    for c in zoom.pcap tls_certificate_too_long.pcap steam.pcap; do
        [ -f "$D/$c" ] || { echo "note: $D/$c absent: skipped"; continue; }
        mkdir -p "$tmp/off-$c"
        if ! "$CANH_SENSOR" -r "$D/$c" -l "$tmp/off-$c" 2>"$tmp/off-$c/stderr"; then
            fail "$c: canh-sensor -r failed:"
            tail -n 5 "$tmp/off-$c/stderr" | sed 's/^/    /'
            continue
        fi
        # Offline, flows can end before the end of the capture (reason "timeout"); the
        # tuples and counts are the same.
        flows_tsv "$tmp/off-$c/eve.json" >"$tmp/off-$c/flows.tsv"
        npk=$(jq -r 'select(.event_type == "stats") | .stats.capture.packets' "$tmp/off-$c/eve.json" | tail -n 1)
        if session "live-$c" INT "$D/$c" all; then
            [ "$total" -eq "$npk" ] || fail "live-$c: replayed $total packets, the file has $npk"
            flows_tsv "$tmp/live-$c/eve.json" >"$tmp/got.tsv"
            if cmp -s "$tmp/off-$c/flows.tsv" "$tmp/got.tsv"; then ok; else
                fail "$c: live flows differ from offline (< offline, > live):"
                diff "$tmp/off-$c/flows.tsv" "$tmp/got.tsv" | grep '^[<>]' | head -n 10 | sed 's/^/    /'
            fi
            check_stats "$npk"
            echo "$c: $npk packets, $(wc -l <"$tmp/got.tsv") flows, live = offline"
        fi
    done
else
    echo "note: $D absent: the shared nDPI captures were not replayed"
fi

# --- an interface that does not exist ---------------------------------------------------

run=nosuch
mkdir -p "$tmp/nosuch"
nsx "$CANH_SENSOR" -i canh-nosuch0 -l "$tmp/nosuch" >"$tmp/nosuch/out" 2>&1
rc=$?
if [ $rc -ne 0 ] && grep -q '^canh-sensor: .*canh-nosuch0.*' "$tmp/nosuch/out"; then
    ok
    echo "-i canh-nosuch0: exit $rc, $(grep -m1 canh-nosuch0 "$tmp/nosuch/out")"
else
    fail "-i canh-nosuch0: exit $rc, expected non-zero and a message naming the interface; got:"
    sed 's/^/    /' "$tmp/nosuch/out"
fi

echo "live: $checks checks, $bad failed"
[ $bad -eq 0 ]
