#!/bin/sh
# Golden captures: the project's own small captures with the events they must give.
#
# $CANH_TESTS/mkpcap writes the captures (tests/tools/mkpcap.c) into $BUILD/tests/golden;
# tests/golden/cases lists the runs (capture and sensor options). For each case the
# sensor runs with 1 worker and with 2, and
#   - every check of tests/golden/common.checks and tests/golden/<case>.checks must hold
#     (facts worked out by hand from the specs and from how the packets were built, so a
#     wrong sensor fails even if someone regenerates the .expected files);
#   - every community_id is recomputed from the event's fields by an implementation of
#     the spec independent of the sensor's (golden-community-id.py; needs python3);
#   - the events with 2 workers are those with 1;
#   - the events, normalised (no event_id, sorted keys and lines, the stats event cut to
#     its deterministic counters), must equal tests/golden/<case>.expected.
# UPDATE=1 rewrites the .expected files from this run (the checks still have to pass).
# GOLDEN_CASES="a b" runs only those cases. Output stays in $BUILD/tests/golden/run.
set -u
: "${BUILD:?}" "${HERE:?}" "${CANH_SENSOR:?}" "${CANH_TESTS:?}"
G="$HERE/golden"
OUT="$BUILD/tests/golden"
MKPCAP="$CANH_TESTS/mkpcap"

command -v jq >/dev/null 2>&1 || { echo "SKIP jq is not installed"; exit 77; }
[ -x "$MKPCAP" ] || { echo "FAIL $MKPCAP missing (make -C tests BUILD=... build)"; exit 1; }
[ -x "$CANH_SENSOR" ] || { echo "FAIL $CANH_SENSOR missing"; exit 1; }
have_python=yes
command -v python3 >/dev/null 2>&1 || {
    have_python=no
    echo "note: python3 absent: community_id values are not recomputed"
}

rm -rf "$OUT" && mkdir -p "$OUT/run" || exit 1
"$MKPCAP" "$OUT" || { echo "FAIL mkpcap could not write the captures"; exit 1; }
ncaps=$(find "$OUT" -maxdepth 1 -name "*.pcap" | wc -l)

# Decoder event name -> SID, from the .def file the sensor is built from.
def="$HERE/../sensor/decode/decode-events.def"
[ -f "$def" ] || { echo "FAIL $def missing"; exit 1; }
sids=$(awk -F'"' '/^DECODE_EVENT\(/ { sid = $3; gsub(/[^0-9]/, "", sid);
                  printf "%s\"%s\":%s", (n++ ? "," : "{"), $2, sid } END { print "}" }' "$def")

# Turns check files into one jq program (on stdout) and an index "n<TAB>where<TAB>text"
# (into $2). A check is a line, continued by lines that start with white space; "#"
# starts a comment line. "EXPR" must be true; "EXPR :: EXPR" must be equal.
compile_checks() {
    awk -v index_file="$2" '
    function flush() {
        if (text == "") return
        n++
        i = index(text, " :: ")
        if (i > 0) { lhs = substr(text, 1, i - 1); rhs = substr(text, i + 4) }
        else { lhs = text; rhs = "true" }
        printf "%scheck(%d; %s; %s)\n", (n > 1 ? "," : ""), n, lhs, rhs
        t = text; gsub(/\t/, " ", t)
        printf "%d\t%s\t%s\n", n, where, t > index_file
        text = ""
    }
    BEGIN {
        print "include \"golden-lib\";"
        print "def check($n; f; g): {n: $n, got: (try [f] catch [\"jq error: \" + tostring]),"
        print "    want: (try [g] catch [\"jq error: \" + tostring])};"
    }
    FNR == 1 { flush() }
    /^[ \t]*#/ || /^[ \t]*$/ { next }
    /^[ \t]/ { if (text != "") { sub(/^[ \t]+/, " "); text = text $0 }; next }
    { flush(); text = $0; where = FILENAME; sub(/.*\//, "", where); where = where ":" FNR }
    END { flush(); if (n == 0) print "empty" }
    ' "$1" "$3"
}

# Events without event_id; stats cut to the counters that do not depend on the run.
normalise() {
    jq -c -S 'del(.event_id)
        | if .event_type == "stats" then
              {event_type, schema_version, sensor, stats: {
                  capture: (.stats.capture | {packets, bytes}), decoder: .stats.decoder,
                  defrag: (.stats.defrag | del(.memuse)), flow: (.stats.flow | del(.memuse)),
                  dpi: .stats.dpi}}
          else . end' "$1" | LC_ALL=C sort
}

# For reading a difference: each event pretty-printed under a line naming it.
pretty() {
    jq -r '"=== \(.event_type) \(.src_ip // "") \(.src_port // "") > \(.dest_ip // "")"
           + " \(.dest_port // "") \(.anomaly.event // "")", .' "$1"
}

run_sensor() { # dir workers capture options...
    dir=$1 workers=$2 cap=$3
    shift 3
    mkdir -p "$dir"
    # shellcheck disable=SC2086 # options are words
    "$CANH_SENSOR" -r "$OUT/$cap" -l "$dir" --workers "$workers" --set sensor.id=golden \
        --set output.stats-interval=0 --set logging.level=error "$@" </dev/null >"$dir/log" 2>&1
}

ncases=0 nchecks=0 passed=0 failed_cases=0
only=" ${GOLDEN_CASES:-} "
while read -r name cap opts; do
    case "$name" in ''|'#'*) continue ;; esac
    [ "$only" = "  " ] || case "$only" in *" $name "*) ;; *) continue ;; esac
    ncases=$((ncases + 1))
    R="$OUT/run/$name"
    bad=""
    # shellcheck disable=SC2086
    if ! run_sensor "$R/1" 1 "$cap" $opts || ! run_sensor "$R/2" 2 "$cap" $opts; then
        echo "FAIL $name: canh-sensor failed:"
        tail -n 5 "$R"/*/log | sed 's/^/    /'
        failed_cases=$((failed_cases + 1))
        continue
    fi
    ev="$R/1/eve.json"

    # Hand-written checks.
    checks="$G/$name.checks"
    if [ ! -f "$checks" ]; then
        bad="$bad no-checks"
        echo "FAIL $name: $checks missing"
        checks=/dev/null
    fi
    compile_checks "$G/common.checks" "$R/index" "$checks" >"$R/checks.jq"
    if ! jq -c -s -L "$HERE/scripts" --argjson sids "$sids" --arg case "$name" -f "$R/checks.jq" "$ev" \
            >"$R/results" 2>"$R/jq.err"; then
        echo "FAIL $name: the checks do not run:"
        sed 's/^/    /' "$R/jq.err"
        # Name the checks jq cannot compile (line 3 + n of the program is check n).
        head -n 3 "$R/checks.jq" >"$R/one.jq.head"
        while IFS='	' read -r i where text; do
            { cat "$R/one.jq.head"; sed -n "$((3 + i))s/^,//p" "$R/checks.jq"; } >"$R/one.jq"
            jq -n -L "$HERE/scripts" --argjson sids "$sids" --arg case "$name" -f "$R/one.jq" \
                >/dev/null 2>&1 ||
                echo "  does not compile: $where: $text"
        done <"$R/index"
        bad="$bad jq"
    else
        n=$(wc -l <"$R/results")
        nchecks=$((nchecks + n))
        jq -c 'select(.got != .want)' "$R/results" >"$R/failures"
        nf=$(wc -l <"$R/failures")
        passed=$((passed + n - nf))
        if [ "$nf" -gt 0 ]; then
            bad="$bad checks"
            echo "FAIL $name: $nf of $n checks failed"
            # check number, then the lines to print under the check's text
            jq -r '(.got | if length == 1 then .[0] else . end) as $g
                | (.want | if length == 1 then .[0] else . end) as $w
                | "\(.n)\tgot:  \($g | tojson)", "\(.n)\twant: \($w | tojson)",
                  (if ($g | type) == "array" and ($w | type) == "array" then
                      "\(.n)\t  only got:    \($g - $w | tojson)",
                      "\(.n)\t  only wanted: \($w - $g | tojson)"
                   else empty end)' "$R/failures" |
                awk -F'\t' 'NR == FNR { text[$1] = $2 ": " $3; next }
                             $1 != last { print "  " text[$1]; last = $1 }
                             { print "      " $2 }' "$R/index" - | cut -c1-600
        fi
    fi

    # Community IDs, recomputed.
    if [ $have_python = yes ]; then
        nchecks=$((nchecks + 1))
        if python3 "$HERE/scripts/golden-community-id.py" "$ev" >"$R/cid" 2>&1; then
            passed=$((passed + 1))
        else
            bad="$bad community_id"
            echo "FAIL $name: community_id differs from the spec:"
            tail -n 6 "$R/cid" | sed 's/^/    /'
        fi
    fi

    # The same events with 2 workers.
    nchecks=$((nchecks + 1))
    normalise "$ev" >"$R/events"
    normalise "$R/2/eve.json" >"$R/events.2"
    if cmp -s "$R/events" "$R/events.2"; then
        passed=$((passed + 1))
    else
        bad="$bad workers"
        echo "FAIL $name: events differ with 2 workers (< 1 worker, > 2 workers):"
        diff "$R/events" "$R/events.2" | head -n 10 | cut -c1-300 | sed 's/^/    /'
    fi

    # The expected events.
    nchecks=$((nchecks + 1))
    if [ "${UPDATE:-0}" = 1 ]; then
        cp "$R/events" "$G/$name.expected"
        passed=$((passed + 1))
    elif [ ! -f "$G/$name.expected" ]; then
        bad="$bad expected"
        echo "FAIL $name: $G/$name.expected missing (UPDATE=1 writes it)"
    elif cmp -s "$G/$name.expected" "$R/events"; then
        passed=$((passed + 1))
    else
        bad="$bad expected"
        echo "FAIL $name: events differ from $name.expected (- expected, + this run):"
        pretty "$G/$name.expected" >"$R/expected.pretty"
        pretty "$R/events" >"$R/events.pretty"
        diff -u -F '^=== ' "$R/expected.pretty" "$R/events.pretty" | tail -n +3 | head -n 60 |
            cut -c1-300 | sed 's/^/    /'
        echo "    (all: diff -u $G/$name.expected $R/events; UPDATE=1 to accept)"
    fi

    if [ -n "$bad" ]; then
        failed_cases=$((failed_cases + 1))
    else
        echo "ok $name"
    fi
done <"$G/cases"

# Files of cases that no longer exist.
for f in "$G"/*.checks "$G"/*.expected; do
    b=$(basename "$f")
    b=${b%.*}
    [ "$b" = common ] && continue
    grep -q "^${b}[ 	]" "$G/cases" || echo "warning: $f belongs to no case in $G/cases"
done

[ "$ncases" -gt 0 ] || { echo "FAIL no case ran"; exit 1; }
if [ $failed_cases -gt 0 ]; then
    echo "golden: $ncaps captures, $ncases cases, $failed_cases failed; $passed of $nchecks checks passed"
    exit 1
fi
echo "golden: $ncaps captures, $ncases cases, $nchecks checks passed"
