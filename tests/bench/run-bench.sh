#!/bin/sh
# make bench: canh-sensor throughput and memory against a bare libpcap read loop.
#
# Builds the benchmark capture with ../shared/tools/make-bench-pcap.sh (about 1 GB, kept
# in $BENCH_DIR, default /tmp/canh-bench, outside the repository), then measures in
# $ROUNDS rounds (default 5), each:
#     read loop, canh-sensor 1 worker, read loop, canh-sensor 2 workers, read loop,
#     two canh-sensors of 1 worker side by side
# 'pcapread' is the bare libpcap read loop over the same file: the ceiling. Each sensor
# run is compared with the read loops just before and after it (these machines' speed
# drifts from second to second, and neighbouring runs drift together), so each round
# gives a ratio for 1 worker, one for 2 workers, and the 2-to-1 scaling. The last run of
# a round is the ceiling for that scaling: how much this machine gains from its second
# core on exactly this work, with nothing shared between the two processes (on virtual
# machines whose two vCPUs share a physical core, or whose host is busy, it is well
# under 2). The report gives the median over rounds and the range. The sensor runs with every event type on and
# -k none (the nDPI captures come from hosts with checksum offload).
# Memory per tracked flow comes from runs with timeouts long enough that no flow ends
# before shutdown: with DPI on (flows whose detection still runs hold nDPI's state), and
# with DPI off (the record a flow keeps once its DPI has finished).
#
#   usage: run-bench.sh BUILD_DIR      (BENCH_PARTS=rules or engines: that part only)
set -eu
BUILD=$(cd "${1:?usage: run-bench.sh BUILD_DIR}" && pwd)
HERE=$(cd "$(dirname "$0")/../.." && pwd)
SHARED=${CANH_SHARED:-$HERE/../shared}
BENCH_DIR=${BENCH_DIR:-/tmp/canh-bench}
ROUNDS=${ROUNDS:-5}
RROUNDS=${RROUNDS:-3}
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
read_loop() { # seconds of one read-loop pass
    "$BENCH_DIR/pcapread" "$PCAP" 0 | sed -n 's/^RESULT time_s=\([0-9.]*\).*/\1/p'
}
sensor_run() { # sensor_run WORKERS [args]: "seconds peak_kb"
    w=$1
    shift
    rm -rf "$OUT/log" && mkdir "$OUT/log"
    t0=$(now)
    $TIME -f "%M" -o "$OUT/rss" "$SENSOR" -r "$PCAP" -l "$OUT/log" -k none --workers "$w" \
        --set logging.level=error "$@"
    t1=$(now)
    echo "$(echo "$t1 - $t0" | bc -l) $(cat "$OUT/rss")"
}

pair_run() { # two 1-worker sensors at once: seconds until both are done
    rm -rf "$OUT/p1" "$OUT/p2" && mkdir "$OUT/p1" "$OUT/p2"
    t0=$(now)
    "$SENSOR" -r "$PCAP" -l "$OUT/p1" -k none --set logging.level=error &
    "$SENSOR" -r "$PCAP" -l "$OUT/p2" -k none --set logging.level=error &
    wait
    t1=$(now)
    echo "$t1 - $t0" | bc -l
}

if [ "${BENCH_PARTS:-all}" = all ]; then
echo "bench: $ROUNDS rounds of: read loop, 1 worker, read loop, 2 workers, read loop, 2 x 1 worker"
: >"$OUT/rounds"
for r in $(seq 1 "$ROUNDS"); do
    ra=$(read_loop)
    s1=$(sensor_run 1)
    rb=$(read_loop)
    s2=$(sensor_run 2)
    rc=$(read_loop)
    sp=$(pair_run)
    echo "$ra $s1 $rb $s2 $rc $sp" >>"$OUT/rounds"
    echo "$ra $s1 $rb $s2 $rc $sp" | awk -v p="$PKTS" -v r="$r" '{
        c1 = 2 / ($1 + $4); c2 = 2 / ($4 + $7);
        printf "  round %d: read loop %.2f/%.2f/%.2f s, 1 worker %.2f s (ratio %.3f), 2 workers %.2f s (ratio %.3f), scaling %.2fx; 2 x 1 worker %.2f s (%.2fx)\n",
            r, $1, $4, $7, $2, (1 / $2) / c1, $5, (1 / $5) / c2, $2 / $5, $8, 2 * $2 / $8 }'
done

# Memory per tracked flow.
long="--set flow.timeouts.tcp-new=1d --set flow.timeouts.tcp-established=1d
      --set flow.timeouts.tcp-closed=1d --set flow.timeouts.udp=1d --set flow.timeouts.icmp=1d
      --set flow.timeouts.other=1d --set flow.memcap=8GiB --set output.eve.types=stats"
printf 'd4c3b2a1020004000000000000000000ffff000001000000' | xxd -r -p >"$OUT/empty.pcap"
mem_run() { # mem_run extra-args: prints "flows per_flow_bytes dpi_active peak_kb"
    rm -rf "$OUT/m" && mkdir "$OUT/m"
    # shellcheck disable=SC2086
    $TIME -f "%M" -o "$OUT/base" "$SENSOR" -r "$OUT/empty.pcap" -l "$OUT/m" -k none $long "$@" \
        --set logging.level=error
    rm -rf "$OUT/m" && mkdir "$OUT/m"
    # shellcheck disable=SC2086
    $TIME -f "%M" -o "$OUT/peak" "$SENSOR" -r "$PCAP" -l "$OUT/m" -k none $long "$@" \
        --set output.stats-interval=1s --set logging.level=error
    created=$(jq -s '[.[] | select(.event_type == "stats") | .stats.flow.created] | max' "$OUT/m/eve.json")
    dpi=$(jq -s '[.[] | select(.event_type == "stats") | .stats.dpi.active] | max' "$OUT/m/eve.json")
    base=$(cat "$OUT/base")
    peak=$(cat "$OUT/peak")
    echo "$created $(( (peak - base) * 1024 / created )) $dpi $peak"
}
m_dpi=$(mem_run)
m_nodpi=$(mem_run --set dpi.enabled=no)

awk -v pkts="$PKTS" -v bytes="$CAPBYTES" -v md="$m_dpi" -v mn="$m_nodpi" '
function median(a, n,   i, j, t) {
    for (i = 2; i <= n; i++) for (j = i; j > 1 && a[j - 1] > a[j]; j--) { t = a[j]; a[j] = a[j - 1]; a[j - 1] = t }
    return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
}
{
    n++; c[n] = pkts * 2 / ($1 + $4); w1[n] = pkts / $2; w2[n] = pkts / $5;
    r1[n] = w1[n] / c[n]; r2[n] = w2[n] / (pkts * 2 / ($4 + $7)); sc[n] = $2 / $5;
    k1 = ($3 > k1) ? $3 : k1; k2 = ($6 > k2) ? $6 : k2;
    lo1 = (n == 1 || r1[n] < lo1) ? r1[n] : lo1; hi1 = (r1[n] > hi1) ? r1[n] : hi1;
    lo2 = (n == 1 || r2[n] < lo2) ? r2[n] : lo2; hi2 = (r2[n] > hi2) ? r2[n] : hi2;
    los = (n == 1 || sc[n] < los) ? sc[n] : los; his = (sc[n] > his) ? sc[n] : his;
    pc[n] = 2 * $2 / $8; lop = (n == 1 || pc[n] < lop) ? pc[n] : lop; hip = (pc[n] > hip) ? pc[n] : hip;
    ef[n] = sc[n] / pc[n];
}
END {
    split(md, a, " "); split(mn, b, " ");
    mc = median(c, n); m1 = median(w1, n); m2 = median(w2, n);
    mr1 = median(r1, n); mr2 = median(r2, n); ms = median(sc, n);
    printf "canh bench: %d packets, %.2f GB captured; medians over %d rounds (range in brackets)\n", pkts, bytes / 1e9, n;
    printf "  %-24s %7.3f Mpps %6.2f Gbit/s  ratio 1.000 (ceiling)\n", "read loop (pcapread)", mc / 1e6, mc * bytes / pkts * 8 / 1e9;
    printf "  %-24s %7.3f Mpps %6.2f Gbit/s  ratio %.3f [%.3f-%.3f]  peak RSS %d MB  (target >= 0.18: %s)\n",
        "canh-sensor, 1 worker", m1 / 1e6, m1 * bytes / pkts * 8 / 1e9, mr1, lo1, hi1, k1 / 1024, (mr1 >= 0.18) ? "met" : "NOT met";
    printf "  %-24s %7.3f Mpps %6.2f Gbit/s  ratio %.3f [%.3f-%.3f]  peak RSS %d MB\n",
        "canh-sensor, 2 workers", m2 / 1e6, m2 * bytes / pkts * 8 / 1e9, mr2, lo2, hi2, k2 / 1024;
    mp = median(pc, n); me = median(ef, n);
    printf "  %-24s %.2fx [%.2f-%.2f]  (target >= 1.7: %s)\n", "2 workers / 1 worker", ms, los, his, (ms >= 1.7) ? "met" : "NOT met";
    printf "  %-24s %.2fx [%.2f-%.2f]  (the machine'"'"'s own gain from a second core on this work)\n", "2 x 1 worker side by side", mp, lop, hip;
    printf "  %-24s %.0f%% of what the machine gives two independent processes\n", "worker scaling", 100 * me;
    printf "  memory per tracked flow: %d B including nDPI state of flows still in detection (%d flows, %d in detection; peak %d MB)\n",
        a[2], a[1], a[3], a[4] / 1024;
    printf "                           %d B once DPI has finished (the flow record; %d flows; peak %d MB)  (target < 1024 B: %s)\n",
        b[2], b[1], b[4] / 1024, (b[2] < 1024) ? "met" : "NOT met";
}' "$OUT/rounds"

fi

# ---------------------------------------------------------------------------------------
# Rules: the whole ET Open ruleset against no rules, 1 worker; between them the floor
# (tests/bench/floor.rules: rules that never match, one per way of inspecting), which
# turns on reassembly, parsing and per-unit scans: what any ruleset costs before its
# patterns do.
ET="$SHARED/data/rules/et-open"
if [ ! -d "$ET" ]; then
    echo "bench rules: SKIP: needs $ET"
    exit 0
fi
cat "$ET"/*.rules >"$OUT/et.rules"
"$SENSOR" --test-rules -S "$OUT/et.rules" >"$OUT/testrules" 2>/dev/null || true
LOADED=$(sed -n 's/^rules: \([0-9]*\) loaded.*/\1/p' "$OUT/testrules")
ENGMEM=$(sed -n 's/.*engine memory: \([0-9.]*\) MiB.*/\1/p' "$OUT/testrules")
rules_run() { # rules_run FILE: "seconds peak_kb load_seconds" (the load time is the run's own notice)
    rm -rf "$OUT/log" && mkdir "$OUT/log"
    t0=$(now)
    $TIME -f "%M" -o "$OUT/rss" "$SENSOR" -r "$PCAP" -l "$OUT/log" -k none --workers 1 \
        --set logging.level=notice -S "$1" 2>"$OUT/et.err"
    t1=$(now)
    l=$(sed -n 's/.*rules: [0-9]* loaded.* in \([0-9.]*\) s .*/\1/p' "$OUT/et.err")
    echo "$(echo "$t1 - $t0" | bc -l) $(cat "$OUT/rss") ${l:-0}"
}
if [ "${BENCH_PARTS:-all}" != engines ]; then
echo "bench rules: $RROUNDS rounds of: read loop, 1 worker without rules, 1 worker with the floor rules, 1 worker with ET Open ($LOADED rules), read loop"
: >"$OUT/rrounds"
for r in $(seq 1 "$RROUNDS"); do
    ra=$(read_loop)
    s0=$(sensor_run 1)
    sf=$(rules_run "$HERE/tests/bench/floor.rules")
    se=$(rules_run "$OUT/et.rules")
    alerts=$(grep -c '"event_type":"alert"' "$OUT/log/eve.json" || true)
    rb=$(read_loop)
    # fields: 1 read, 2-3 no rules (s, kb), 4-6 floor (s, kb, load), 7-9 ET (s, kb, load), 10 read, 11 alerts
    echo "$ra $s0 $sf $se $rb $alerts" >>"$OUT/rrounds"
    echo "$ra $s0 $sf $se $rb $alerts" | awk -v r="$r" '{
        c = 2 / ($1 + $10); n0 = 1 / $2; nf = 1 / ($4 - $6); ne = 1 / ($7 - $9);
        printf "  round %d: read loop %.2f/%.2f s, no rules %.2f s (ratio %.3f), floor %.2f s (%.3f of no rules), ET Open %.2f s - %.2f s load (ratio %.3f), ET / no rules %.3f, %d alerts\n",
            r, $1, $10, $2, n0 / c, $4 - $6, nf / n0, $7, $9, ne / c, ne / n0, $11 }'
done
awk -v pkts="$PKTS" -v bytes="$CAPBYTES" -v nr="$LOADED" -v em="$ENGMEM" '
function median(a, n,   i, j, t) {
    for (i = 2; i <= n; i++) for (j = i; j > 1 && a[j - 1] > a[j]; j--) { t = a[j]; a[j] = a[j - 1]; a[j - 1] = t }
    return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
}
{
    n++; c[n] = pkts * 2 / ($1 + $10); p0[n] = pkts / $2; pf[n] = pkts / ($4 - $6); pe[n] = pkts / ($7 - $9);
    r0[n] = p0[n] / c[n]; re[n] = pe[n] / c[n]; q[n] = pe[n] / p0[n]; qf[n] = pf[n] / p0[n]; ld[n] = $9;
    k0 = ($3 > k0) ? $3 : k0; ke = ($8 > ke) ? $8 : ke; al = $11;
    loq = (n == 1 || q[n] < loq) ? q[n] : loq; hiq = (q[n] > hiq) ? q[n] : hiq;
}
END {
    mc = median(c, n); m0 = median(p0, n); mf = median(pf, n); me = median(pe, n); mq = median(q, n); l = median(ld, n);
    printf "canh bench, rules: %d packets, %.2f GB; medians over %d rounds\n", pkts, bytes / 1e9, n;
    printf "  %-28s %7.3f Mpps %6.2f Gbit/s  ratio 1.000 (ceiling)\n", "read loop (pcapread)", mc / 1e6, mc * bytes / pkts * 8 / 1e9;
    printf "  %-28s %7.3f Mpps %6.2f Gbit/s  ratio %.3f  peak RSS %d MB\n", "1 worker, no rules", m0 / 1e6, m0 * bytes / pkts * 8 / 1e9, median(r0, n), k0 / 1024;
    printf "  %-28s %7.3f Mpps %6.2f Gbit/s  %.3f of no rules (reassembly, parsing, one pattern per unit)\n", "1 worker, floor rules", mf / 1e6, mf * bytes / pkts * 8 / 1e9, median(qf, n);
    printf "  %-28s %7.3f Mpps %6.2f Gbit/s  ratio %.3f  peak RSS %d MB  %d alerts\n", "1 worker, ET Open", me / 1e6, me * bytes / pkts * 8 / 1e9, median(re, n), ke / 1024, al;
    printf "  %-28s %d rules loaded in %.2f s, engine memory %.1f MiB\n", "ET Open load", nr, l, em;
    printf "  %-28s %.3f [%.3f-%.3f]  (target >= 0.60: %s)\n", "ET Open / no rules", mq, loq, hiq, (mq >= 0.60) ? "met" : "NOT met";
}' "$OUT/rrounds"
fi

# ---------------------------------------------------------------------------------------
# Every engine at once: ET Open and Canh's own rules, the Yara-Rules collection and
# Canh's YARA rules, beside the engines that are on by default (files, nDPI risks,
# behaviour, personal data), against the same sensor with no rules and no YARA; 1 worker.
# The load (rules and YARA compile) is taken out of the time, as above.
[ "${BENCH_PARTS:-all}" = rules ] && exit 0
YR="$SHARED/data/yara/yara-rules"
if [ ! -d "$YR" ]; then
    echo "bench engines: SKIP: needs $YR"
    exit 0
fi
cat "$ET"/*.rules "$HERE"/rules/canh/*.rules >"$OUT/all.rules"
engines_run() { # "seconds peak_kb load_seconds yara_bytes alerts"
    rm -rf "$OUT/log" && mkdir "$OUT/log"
    t0=$(now)
    $TIME -f "%M" -o "$OUT/rss" "$SENSOR" -r "$PCAP" -l "$OUT/log" -k none --workers 1 \
        --set logging.level=notice -S "$OUT/all.rules" --set yara.files="$YR,$HERE/rules/yara" 2>"$OUT/all.err"
    t1=$(now)
    lr=$(sed -n 's/.*rules: [0-9]* loaded.* in \([0-9.]*\) s .*/\1/p' "$OUT/all.err")
    ly=$(sed -n 's/.*yara: [0-9]* rules from [0-9]* files* in \([0-9.]*\) s.*/\1/p' "$OUT/all.err")
    yb=$(sed -n 's/.*yara: [0-9]* alerts; [0-9]* scans of \([0-9]*\) bytes.*/\1/p' "$OUT/all.err")
    al=$(grep -c '"event_type":"alert"' "$OUT/log/eve.json" || true)
    echo "$(echo "$t1 - $t0" | bc -l) $(cat "$OUT/rss") $(echo "${lr:-0} + ${ly:-0}" | bc -l) ${yb:-0} $al"
}
echo "bench engines: $RROUNDS rounds of: read loop, 1 worker without rules or YARA (default engines on), 1 worker with every engine, read loop"
: >"$OUT/erounds"
for r in $(seq 1 "$RROUNDS"); do
    ra=$(read_loop)
    s0=$(sensor_run 1)
    sa=$(engines_run)
    rb=$(read_loop)
    # fields: 1 read, 2-3 no rules (s, kb), 4-8 all (s, kb, load, yara bytes, alerts), 9 read
    echo "$ra $s0 $sa $rb" >>"$OUT/erounds"
    echo "$ra $s0 $sa $rb" | awk -v r="$r" '{
        printf "  round %d: read loop %.2f/%.2f s, no rules %.2f s, every engine %.2f s - %.2f s load (%.3f of no rules), YARA %d bytes, %d alerts\n",
            r, $1, $9, $2, $4, $6, $2 / ($4 - $6), $7, $8 }'
done
awk -v pkts="$PKTS" -v bytes="$CAPBYTES" '
function median(a, n,   i, j, t) {
    for (i = 2; i <= n; i++) for (j = i; j > 1 && a[j - 1] > a[j]; j--) { t = a[j]; a[j] = a[j - 1]; a[j - 1] = t }
    return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
}
{
    n++; c[n] = pkts * 2 / ($1 + $9); p0[n] = pkts / $2; pa[n] = pkts / ($4 - $6); q[n] = pa[n] / p0[n]; ld[n] = $6;
    k0 = ($3 > k0) ? $3 : k0; ka = ($5 > ka) ? $5 : ka; yb = $7; al = $8;
    loq = (n == 1 || q[n] < loq) ? q[n] : loq; hiq = (q[n] > hiq) ? q[n] : hiq;
}
END {
    mc = median(c, n); m0 = median(p0, n); ma = median(pa, n); mq = median(q, n);
    printf "canh bench, engines: %d packets, %.2f GB; medians over %d rounds\n", pkts, bytes / 1e9, n;
    printf "  %-28s %7.3f Mpps %6.2f Gbit/s  ratio 1.000 (ceiling)\n", "read loop (pcapread)", mc / 1e6, mc * bytes / pkts * 8 / 1e9;
    printf "  %-28s %7.3f Mpps %6.2f Gbit/s  ratio %.3f  peak RSS %d MB\n", "1 worker, no rules", m0 / 1e6, m0 * bytes / pkts * 8 / 1e9, m0 / mc, k0 / 1024;
    printf "  %-28s %7.3f Mpps %6.2f Gbit/s  ratio %.3f  peak RSS %d MB  %d alerts\n", "1 worker, every engine", ma / 1e6, ma * bytes / pkts * 8 / 1e9, ma / mc, ka / 1024, al;
    printf "  %-28s %.1f MB scanned by YARA; rules and YARA loaded in %.2f s\n", "YARA", yb / 1e6, median(ld, n);
    printf "  %-28s %.3f [%.3f-%.3f]  (target >= 0.50: %s)\n", "every engine / no rules", mq, loq, hiq, (mq >= 0.50) ? "met" : "NOT met";
}' "$OUT/erounds"
