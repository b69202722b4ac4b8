#!/bin/sh
# make bench: canh-sensor throughput and memory against a bare libpcap read loop.
#
# Builds the benchmark capture with ../shared/tools/make-bench-pcap.sh (about 1 GB, kept
# in $BENCH_DIR, default /tmp/canh-bench, outside the repository), then in one run and
# in interleaved rounds measures:
#   - the read loop 'pcapread' (libpcap, count only): the ceiling;
#   - canh-sensor with 1 worker and with 2 workers over the same file (all event types on,
#     -k none as the captures come from hosts with checksum offload);
# and prints packets/s, Gbit/s, the ratio to the read loop, peak memory, and memory per
# tracked flow (from a run with timeouts long enough that no flow ends before shutdown,
# with DPI on, and with DPI off: the record a flow keeps once its DPI has finished).
# Each figure is the best of $ROUNDS rounds (default 3). Noisy machines: read the ratios.
#
#   usage: run-bench.sh BUILD_DIR
set -eu
BUILD=$(cd "${1:?usage: run-bench.sh BUILD_DIR}" && pwd)
HERE=$(cd "$(dirname "$0")/../.." && pwd)
SHARED=${CANH_SHARED:-$HERE/../shared}
BENCH_DIR=${BENCH_DIR:-/tmp/canh-bench}
ROUNDS=${ROUNDS:-3}
SENSOR=$BUILD/canh-sensor

if [ ! -x "$SHARED/tools/make-bench-pcap.sh" ] || [ ! -d "$SHARED/data/pcap/ndpi-4.2/pcap" ]; then
    echo "bench: SKIP: needs $SHARED/tools and $SHARED/data (the shared captures)"
    exit 0
fi
mkdir -p "$BENCH_DIR"
PCAP=$BENCH_DIR/bench.pcap
if [ ! -s "$PCAP" ] || [ ! -x "$BENCH_DIR/pcapread" ]; then
    echo "bench: building $PCAP (once; about 1 GB)"
    sh "$SHARED/tools/make-bench-pcap.sh" "$PCAP" >"$BENCH_DIR/make-bench.log" 2>&1
    tail -n 1 "$BENCH_DIR/make-bench.log"
fi
TIME=/usr/bin/time
[ -x "$TIME" ] || { echo "bench: /usr/bin/time missing (deploy/install-deps.sh installs it)"; exit 1; }
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT

# Warm the page cache; count packets and bytes.
"$BENCH_DIR/pcapread" "$PCAP" 0 >"$OUT/read0" 2>&1
PKTS=$(sed -n 's/.*pkts=\([0-9]*\).*/\1/p' "$OUT/read0")
CAPBYTES=$(sed -n 's/.*capbytes=\([0-9]*\).*/\1/p' "$OUT/read0")

now() { date +%s.%N; }

# run_sensor NAME WORKERS [args]: appends "seconds peak_kb" to $OUT/NAME
run_sensor() {
    name=$1
    w=$2
    shift 2
    rm -rf "$OUT/log" && mkdir "$OUT/log"
    t0=$(now)
    $TIME -f "%M" -o "$OUT/rss" "$SENSOR" -r "$PCAP" -l "$OUT/log" -k none --workers "$w" \
        --set logging.level=error "$@"
    t1=$(now)
    echo "$(echo "$t1 - $t0" | bc -l) $(cat "$OUT/rss")" >>"$OUT/$name"
}

for r in $(seq 1 "$ROUNDS"); do
    "$BENCH_DIR/pcapread" "$PCAP" 0 | sed -n 's/^RESULT time_s=\([0-9.]*\).*/\1/p' >>"$OUT/read"
    run_sensor w1 1
    run_sensor w2 2
done

best() { sort -n "$OUT/$1" | head -n 1; }
read_s=$(best read)
w1=$(best w1)
w2=$(best w2)
w1_s=${w1% *}
w1_kb=${w1#* }
w2_s=${w2% *}
w2_kb=${w2#* }

# Memory per tracked flow: no flow ends before shutdown (timeouts of a day, a memcap
# far above need), stats every second to see the flows held near the end.
long="--set flow.timeouts.tcp-new=1d --set flow.timeouts.tcp-established=1d
      --set flow.timeouts.tcp-closed=1d --set flow.timeouts.udp=1d --set flow.timeouts.icmp=1d
      --set flow.timeouts.other=1d --set flow.memcap=8GiB --set output.eve.types=stats"
printf 'd4c3b2a1020004000000000000000000ffff000001000000' | xxd -r -p >"$OUT/empty.pcap"
mem_run() { # mem_run LABEL extra-args: prints "flows per_flow_bytes dpi_active"
    label=$1
    shift
    rm -rf "$OUT/m" && mkdir "$OUT/m"
    # shellcheck disable=SC2086
    $TIME -f "%M" -o "$OUT/base" "$SENSOR" -r "$OUT/empty.pcap" -l "$OUT/m" -k none $long "$@" \
        --set logging.level=error
    rm -rf "$OUT/m" && mkdir "$OUT/m"
    # shellcheck disable=SC2086
    $TIME -f "%M" -o "$OUT/peak" "$SENSOR" -r "$PCAP" -l "$OUT/m" -k none $long "$@" \
        --set output.stats-interval=1s --set logging.level=error
    flows=$(jq -s '[.[] | select(.event_type == "stats") | .stats.flow.active] | max' "$OUT/m/eve.json")
    created=$(jq -s '[.[] | select(.event_type == "stats") | .stats.flow.created] | max' "$OUT/m/eve.json")
    dpi=$(jq -s '[.[] | select(.event_type == "stats") | .stats.dpi.active] | max' "$OUT/m/eve.json")
    base=$(cat "$OUT/base")
    peak=$(cat "$OUT/peak")
    echo "$created $(( (peak - base) * 1024 / created )) $dpi $peak $base"
}
m_dpi=$(mem_run dpi)
m_nodpi=$(mem_run nodpi --set dpi.enabled=no)

awk -v pkts="$PKTS" -v bytes="$CAPBYTES" -v rs="$read_s" -v s1="$w1_s" -v k1="$w1_kb" \
    -v s2="$w2_s" -v k2="$w2_kb" -v md="$m_dpi" -v mn="$m_nodpi" -v rounds="$ROUNDS" 'BEGIN {
    split(md, a, " "); split(mn, b, " ");
    rp = pkts / rs; p1 = pkts / s1; p2 = pkts / s2;
    printf "canh bench: %d packets, %.2f GB captured, best of %d rounds\n", pkts, bytes / 1e9, rounds;
    printf "  %-26s %7.3f Mpps %7.2f Gbit/s   ratio 1.000 (ceiling)\n", "read loop (pcapread)", rp / 1e6, bytes * 8 / rs / 1e9;
    printf "  %-26s %7.3f Mpps %7.2f Gbit/s   ratio %.3f   peak RSS %d MB   (target >= 0.18: %s)\n",
        "canh-sensor, 1 worker", p1 / 1e6, bytes * 8 / s1 / 1e9, p1 / rp, k1 / 1024, (p1 / rp >= 0.18) ? "met" : "NOT met";
    printf "  %-26s %7.3f Mpps %7.2f Gbit/s   ratio %.3f   peak RSS %d MB   %.2fx one worker (target >= 1.7: %s)\n",
        "canh-sensor, 2 workers", p2 / 1e6, bytes * 8 / s2 / 1e9, p2 / rp, k2 / 1024, p2 / p1, (p2 / p1 >= 1.7) ? "met" : "NOT met";
    printf "  memory per tracked flow:  %d B with DPI state where detection still runs (%d flows, %d still in DPI, peak %d MB)\n",
        a[2], a[1], a[3], a[4] / 1024;
    printf "                            %d B once DPI has finished (record only; %d flows, peak %d MB)   (target < 1024 B: %s)\n",
        b[2], b[1], b[4] / 1024, (b[2] < 1024) ? "met" : "NOT met";
}'
