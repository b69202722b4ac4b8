#!/bin/sh
# Canh's own signature ruleset (rules/canh/*.rules) and YARA rules (rules/yara/*.yar),
# against the captures of tests/tools/mkpcap-canh.py (see rules/README.md, "Canh's own
# signature ruleset"). Checks:
#   - conventions, rule by rule: msg "CANH ...", SID inside its file's sub-range and
#     unique, rev, a classtype of rules/classification.config, flow, priority 1-4 equal
#     to metadata severity (critical 1, high 2, medium 3, low 4), the four MITRE keys;
#     YARA rules: meta description, severity 1-4, category, mitre_technique;
#   - every file loads whole (--test-rules: exit 0, all its rules loaded), alone and all
#     together;
#   - each capture, run with every file of rules/canh/ loaded (and rules/yara/ when the
#     sensor has YARA): exactly the expected rule alerts (SIDs and counts: a missing or
#     an extra alert fails), none on the benign-* captures; each alert with alert.mitre
#     (four keys) and the severity of its metadata; YARA: the expected rules on files,
#     no YARA alert on the other captures;
#   - coverage: every SID of rules/canh/ and every rule of rules/yara/ is expected by at
#     least one capture (so each has fired), and every expected SID exists.
# ORACLE=1 runs the rule alerts' checks against Suricata (/usr/bin/suricata, never a
# dependency of the project; needs /etc/suricata/suricata.yaml) instead, to show the
# expectations are Suricata 7's too (no alert.mitre nor YARA there; about 3 minutes).
# CANH_CASES="a b" runs only those captures. Run alone:
#   HERE=$PWD/tests CANH_SENSOR=$PWD/build/canh-sensor sh tests/scripts/suite-canh-rules.sh
# (make test runs it through tests/run-tests.sh). Exit 0 pass, 1 fail, 77 skip.
set -u
: "${HERE:?HERE must be the tests directory}" "${CANH_SENSOR:?CANH_SENSOR must be the canh-sensor binary}"
command -v python3 >/dev/null 2>&1 || { echo "SKIP python3 is not installed"; exit 77; }
command -v jq >/dev/null 2>&1 || { echo "SKIP jq is not installed"; exit 77; }
oracle=${ORACLE:-0}
if [ "$oracle" = 1 ]; then
    if ! command -v suricata >/dev/null 2>&1 || [ ! -f /etc/suricata/suricata.yaml ]; then
        echo "SKIP ORACLE=1 needs suricata and /etc/suricata/suricata.yaml"
        exit 77
    fi
fi
[ -x "$CANH_SENSOR" ] || { echo "FAIL $CANH_SENSOR is missing"; exit 1; }

ROOT="$HERE/.."
RULEDIR="$ROOT/rules/canh"
YARADIR="$ROOT/rules/yara"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' INT TERM HUP

checks=0
bad=0
ok() { checks=$((checks + 1)); echo "ok $*"; }
fail() { checks=$((checks + 1)); bad=$((bad + 1)); echo "FAIL $*"; }

# SID sub-range of each file (rules/README.md). A new file needs its line here.
range_of() {
    case "$1" in
    web-attacks.rules) echo "8810000 8819999" ;;
    webshells.rules) echo "8820000 8829999" ;;
    exploits.rules) echo "8830000 8839999" ;;
    scanners.rules) echo "8840000 8849999" ;;
    credentials.rules) echo "8850000 8859999" ;;
    c2.rules) echo "8860000 8869999" ;;
    cryptominers.rules) echo "8870000 8879999" ;;
    malware.rules) echo "8880000 8889999" ;;
    *) echo "" ;;
    esac
}

# --- 1. Conventions ---------------------------------------------------------------------
classes=$(sed -n 's/^config classification: *\([^,]*\),.*/\1/p' "$ROOT/rules/classification.config" | tr '\n' ' ')
: >"$tmp/sids"
nfiles=0
for f in "$RULEDIR"/*.rules; do
    [ -f "$f" ] || continue
    nfiles=$((nfiles + 1))
    base=$(basename "$f")
    r=$(range_of "$base")
    if [ -z "$r" ]; then
        fail "$base has no SID sub-range in suite-canh-rules.sh (and rules/README.md)"
        continue
    fi
    # One line per problem: FILE:LINE: what. Rules are one per line.
    if awk -v lo="${r% *}" -v hi="${r#* }" -v classes=" $classes " -v file="$base" -v sids="$tmp/sids" '
    function problem(m) { printf "%s:%d: sid %s: %s\n", file, NR, sid, m; nbad++ }
    /^[ \t]*(#|$)/ { next }
    {
        sid = "?"
        if (match($0, /[(; ]sid: *[0-9]+;/)) { sid = substr($0, RSTART, RLENGTH); gsub(/[^0-9]/, "", sid) }
        else { problem("no sid"); next }
        print sid, file >> sids
        if ($0 !~ /^alert /) problem("not an alert rule")
        if (sid + 0 < lo + 0 || sid + 0 > hi + 0) problem("outside " lo "-" hi)
        if ($0 !~ /msg: *"CANH [A-Z0-9]+ /) problem("msg does not start with \"CANH <THEME> \"")
        if ($0 !~ /; rev: *[0-9]+;/) problem("no rev")
        if (!match($0, /classtype: *[a-z-]+;/)) problem("no classtype")
        else { c = substr($0, RSTART, RLENGTH); sub(/classtype: */, "", c); sub(/;/, "", c)
               if (index(classes, " " c " ") == 0) problem("classtype " c " is not in classification.config") }
        if ($0 !~ /[(; ]flow: *[a-z_,]*to_(server|client)/) problem("no flow direction")
        p = ""
        if (match($0, /priority: *[1-4];/)) { p = substr($0, RSTART, RLENGTH); gsub(/[^1-4]/, "", p) }
        else problem("no priority 1-4")
        if (!match($0, /metadata:[^;]*;/)) { problem("no metadata"); next }
        m = substr($0, RSTART, RLENGTH)
        want = (p == 1) ? "critical" : (p == 2) ? "high" : (p == 3) ? "medium" : "low"
        if (m !~ ("[:,] *severity " want "[,;]")) problem("metadata severity is not " want " (priority " p ")")
        if (m !~ /mitre_tactic_id TA[0-9][0-9][0-9][0-9][,;]/) problem("no mitre_tactic_id TAnnnn")
        if (m !~ /mitre_tactic_name [A-Za-z_]+[,;]/) problem("no mitre_tactic_name")
        if (m !~ /mitre_technique_id T[0-9][0-9][0-9][0-9](\.[0-9][0-9][0-9])?[,;]/) problem("no mitre_technique_id Tnnnn[.nnn]")
        if (m !~ /mitre_technique_name [A-Za-z_]+[,;]/) problem("no mitre_technique_name")
        n++
    }
    END { if (nbad) exit 1; printf "%d\n", n }' "$f" >"$tmp/lint.$base" 2>&1; then
        ok "$base: $(cat "$tmp/lint.$base") rules follow the conventions (SIDs ${r% *}-${r#* })"
    else
        fail "$base: conventions"
        sed 's/^/    /' "$tmp/lint.$base"
    fi
done
[ "$nfiles" -gt 0 ] || { fail "no rule file in $RULEDIR"; echo "canh-rules: $((checks - bad)) passed, $bad failed"; exit 1; }
dups=$(awk '{print $1}' "$tmp/sids" | sort | uniq -d | tr '\n' ' ')
if [ -z "$dups" ]; then
    ok "$(wc -l <"$tmp/sids" | tr -d ' ') SIDs, all distinct"
else
    fail "SIDs used twice: $dups"
fi

for y in "$YARADIR"/*.yar; do
    [ -f "$y" ] || continue
    base=$(basename "$y")
    # Each rule's meta block must hold the keys Canh maps onto alerts.
    probs=$(awk -v file="$base" '
        function check() {
            if (rule != "") {
                if (!d) print file ": " rule ": no meta description"
                if (!s) print file ": " rule ": no meta severity 1-4"
                if (!c) print file ": " rule ": no meta category"
                if (!t) print file ": " rule ": no meta mitre_technique Tnnnn[.nnn]"
            }
        }
        /^[ \t]*(private[ \t]+|global[ \t]+)*rule[ \t]+[A-Za-z0-9_]+/ {
            check(); rule = $0; sub(/^[ \t]*(private[ \t]+|global[ \t]+)*rule[ \t]+/, "", rule); sub(/[^A-Za-z0-9_].*/, "", rule)
            d = s = c = t = 0; next }
        /^[ \t]*description[ \t]*=[ \t]*"[^"]+"/ { d = 1 }
        /^[ \t]*severity[ \t]*=[ \t]*[1-4][ \t]*$/ { s = 1 }
        /^[ \t]*category[ \t]*=[ \t]*"[^"]+"/ { c = 1 }
        /^[ \t]*mitre_technique[ \t]*=[ \t]*"T[0-9][0-9][0-9][0-9](\.[0-9][0-9][0-9])?"/ { t = 1 }
        END { check() }' "$y")
    if [ -z "$probs" ]; then
        ok "$base: every rule has meta description, severity, category, mitre_technique"
    else
        fail "$base: meta"
        echo "$probs" | sed 's/^/    /'
    fi
done

# --- 2. Loading -------------------------------------------------------------------------
cat "$RULEDIR"/*.rules >"$tmp/all.rules"
for f in "$RULEDIR"/*.rules "$tmp/all.rules"; do
    name=$(basename "$f")
    [ "$f" = "$tmp/all.rules" ] && name="all files together"
    n=$(grep -c '^alert ' "$f")
    if "$CANH_SENSOR" --test-rules -S "$f" >"$tmp/test-rules" 2>&1 </dev/null &&
            grep -q "^rules: $n loaded, 0 skipped" "$tmp/test-rules"; then
        ok "$name: --test-rules loads all $n rules"
    else
        fail "$name: not every rule loads: $(grep -v '^rules\|^  ' "$tmp/test-rules" | head -n 3)"
    fi
done

# --- 3. Captures ------------------------------------------------------------------------
python3 "$HERE/tools/mkpcap-canh.py" "$tmp/pcap" >"$tmp/mkpcap.log" 2>&1 ||
    { fail "mkpcap-canh.py could not write the captures: $(tail -n 3 "$tmp/mkpcap.log")"; \
      echo "canh-rules: $((checks - bad)) passed, $bad failed"; exit 1; }
cases="$tmp/pcap/cases.tsv"
if [ -n "${CANH_CASES:-}" ]; then
    for c in $CANH_CASES; do grep "^$c	" "$tmp/pcap/cases.tsv"; done >"$tmp/cases.sel"
    cases="$tmp/cases.sel"
fi

# Options the sensor knows (the keys come and go with the engines being built).
"$CANH_SENSOR" --list-keys >"$tmp/keys" 2>&1 </dev/null
opts="--set logging.level=error --set output.stats-interval=0"
grep -q '^dpi.risk-alerts.enabled ' "$tmp/keys" && opts="$opts --set dpi.risk-alerts.enabled=no"
grep -q '^output.eve.types ' "$tmp/keys" && opts="$opts --set output.eve.types=alert"
yara=no
if [ "$oracle" != 1 ] && grep -q '^yara.files ' "$tmp/keys" && ls "$YARADIR"/*.yar >/dev/null 2>&1; then
    yara=yes
    opts="$opts --set yara.files=$YARADIR"
fi

# run CASE: the sensor (or Suricata) on CASE.pcap with all the rules; alerts to
# $tmp/run/CASE/eve.json, exit status to $tmp/run/CASE/rc.
run_case() {
    out="$tmp/run/$1"
    mkdir -p "$out"
    if [ "$oracle" = 1 ]; then
        suricata --runmode single -c /etc/suricata/suricata.yaml -r "$tmp/pcap/$1.pcap" -S "$tmp/all.rules" \
            -l "$out" -k none >"$out/log" 2>&1 </dev/null
    else
        # shellcheck disable=SC2086 # options are words
        timeout -s KILL 60 "$CANH_SENSOR" -r "$tmp/pcap/$1.pcap" -S "$tmp/all.rules" -l "$out" -k none \
            $opts >"$out/log" 2>&1 </dev/null
    fi
    echo $? >"$out/rc"
}
jobs_max=$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 2)
[ "$jobs_max" -gt 8 ] && jobs_max=8
[ "$jobs_max" -lt 1 ] && jobs_max=1
n=0
while IFS='	' read -r name _; do
    run_case "$name" &
    n=$((n + 1))
    [ $((n % jobs_max)) -eq 0 ] && wait
done <"$cases"
wait

# join LINES: the lines on one line
join() { printf '%s\n' "$1" | tr '\n' ' ' | sed 's/ *$//'; }
# multiset SIDS...: "SID" or "SID*N" words -> sorted "SID*N" lines
multiset() {
    for w in "$@"; do
        case "$w" in -) ;; *\**) echo "$w" ;; *) echo "$w*1" ;; esac
    done | sort
}
# One jq pass per capture, a tagged line per finding:
#   R SID           a rule alert (Canh: alert.source "rule"; other engines - nDPI risks,
#                   personal data, behaviour - have their own sources and SIDs; Suricata
#                   has only these rules)
#   P text          a rule alert whose severity is not its metadata's (critical 1, high 2,
#                   medium 3, low 4) or, with Canh, whose alert.mitre lacks one of its keys
#   Y RULE SCANNED  a YARA alert (SCANNED: file or stream)
#   Q text          a YARA alert without severity 1-4, category or alert.mitre
# shellcheck disable=SC2016 # jq variables
CHECK='select(.event_type == "alert") | .alert as $a
  | if ($oracle == "1" or $a.source == "rule") then
      "R \($a.signature_id)",
      (select(({"critical":1,"high":2,"medium":3,"low":4}[$a.metadata.severity[0] // ""]) != $a.severity)
        | "P \($a.signature_id) has severity \($a.severity), metadata severity \($a.metadata.severity)"),
      (select($oracle != "1" and (($a.mitre // {}) as $m | [$m.tactic_id, $m.tactic_name, $m.technique_id,
          $m.technique_name] | map(select(. != null and . != "")) | length) != 4)
        | "P \($a.signature_id) has alert.mitre \($a.mitre)")
    elif $a.source == "yara" then
      "Y \($a.metadata.yara_rule[0]) \($a.metadata.yara_scanned[0])",
      (select(($a.mitre.technique_id // "") == "" or ($a.severity | . < 1 or . > 4) or ($a.category // "") == "")
        | "Q \($a.metadata.yara_rule[0]): severity \($a.severity), category \($a.category), mitre \($a.mitre)")
    else empty end'

# counts TAG [FIELD2]: "NAME*N" lines, sorted, of the R (or Y ... file) lines of $out/found
counts() {
    if [ "$1" = R ]; then
        awk '$1 == "R" {print $2}' "$out/found"
    else
        awk '$1 == "Y" && $3 == "file" {print $2}' "$out/found"
    fi | sort | uniq -c | awk '{print $2 "*" $1}' | sort
}

ncases=0
while IFS='	' read -r name want ywant doc; do
    ncases=$((ncases + 1))
    out="$tmp/run/$name"
    rc=$(cat "$out/rc" 2>/dev/null || echo "?")
    if [ "$rc" != 0 ] || [ ! -f "$out/eve.json" ]; then
        fail "$name: the run failed (exit $rc): $(tail -n 3 "$out/log" 2>/dev/null)"
        continue
    fi
    if grep -q 'Sanitizer\|runtime error' "$out/log"; then
        fail "$name: sanitizer report: $(grep -m1 'Sanitizer\|runtime error' "$out/log")"
    fi
    if ! jq -r --arg oracle "$oracle" "$CHECK" "$out/eve.json" >"$out/found" 2>"$out/jq.err"; then
        fail "$name: eve.json could not be read: $(head -n 1 "$out/jq.err")"
        continue
    fi
    # shellcheck disable=SC2086 # lists of words
    exp=$(multiset $want)
    got=$(counts R)
    if [ "$exp" = "$got" ]; then
        if [ "$want" = "-" ]; then
            ok "$name: no alert ($doc)"
        else
            ok "$name: $want"
        fi
    else
        fail "$name: expected [$(join "$exp")], got [$(join "$got")] ($doc)"
    fi
    if grep -q '^R ' "$out/found"; then
        if grep -q '^P ' "$out/found"; then
            fail "$name: $(sed -n 's/^P //p' "$out/found" | head -n 3 | tr '\n' ';')"
        else
            ok "$name: each alert has the severity of its metadata$([ "$oracle" = 1 ] || echo " and alert.mitre")"
        fi
    fi
    if [ "$yara" = yes ]; then
        # shellcheck disable=SC2086
        yexp=$(multiset $ywant)
        ygot=$(counts Y)
        if [ "$ywant" = "-" ] && grep -q '^Y ' "$out/found"; then
            fail "$name: YARA alerts where none is expected: $(sed -n 's/^Y //p' "$out/found" | tr '\n' ' ')"
        elif [ "$yexp" != "$ygot" ]; then
            fail "$name: YARA on files: expected [$(join "$yexp")], got [$(join "$ygot")]"
        elif grep -q '^Q ' "$out/found"; then
            fail "$name: YARA alerts: $(sed -n 's/^Q //p' "$out/found" | head -n 2 | tr '\n' ' ')"
        elif [ "$ywant" != "-" ]; then
            ok "$name: YARA $ywant (with severity, category and alert.mitre)"
        fi
    fi
done <"$cases"

# --- 4. Coverage ------------------------------------------------------------------------
if [ -z "${CANH_CASES:-}" ]; then
    cut -f2 "$tmp/pcap/cases.tsv" | tr ' ' '\n' | sed 's/\*.*//' | grep -v '^-*$' | sort -u >"$tmp/expected-sids"
    awk '{print $1}' "$tmp/sids" | sort -u >"$tmp/all-sids"
    none=$(comm -23 "$tmp/all-sids" "$tmp/expected-sids" | tr '\n' ' ')
    unknown=$(comm -13 "$tmp/all-sids" "$tmp/expected-sids" | tr '\n' ' ')
    if [ -z "$none" ]; then
        ok "coverage: each of the $(wc -l <"$tmp/all-sids" | tr -d ' ') rules fires on at least one of the $ncases captures"
    else
        fail "coverage: no capture fires sids $none(add a case to tests/tools/mkpcap-canh.py)"
    fi
    [ -z "$unknown" ] || fail "captures expect sids that no rule file has: $unknown"
    benign_bad=$(awk -F '\t' '$1 ~ /^benign-/ && ($2 != "-" || $3 != "-") {print $1}' "$tmp/pcap/cases.tsv" | tr '\n' ' ')
    nbenign=$(grep -c '^benign-' "$tmp/pcap/cases.tsv")
    if [ -z "$benign_bad" ] && [ "$nbenign" -gt 0 ]; then
        ok "coverage: $nbenign benign captures, each expecting no alert"
    else
        fail "benign captures that expect alerts (or none at all): $benign_bad"
    fi
    if [ "$yara" = yes ]; then
        sed -n 's/^[ \t]*rule[ \t]\{1,\}\([A-Za-z0-9_]\{1,\}\).*/\1/p' "$YARADIR"/*.yar | sort -u >"$tmp/yara-rules"
        cut -f3 "$tmp/pcap/cases.tsv" | tr ' ' '\n' | sed 's/\*.*//' | grep -v '^-*$' | sort -u >"$tmp/yara-expected"
        ynone=$(comm -23 "$tmp/yara-rules" "$tmp/yara-expected" | tr '\n' ' ')
        if [ -z "$ynone" ]; then
            ok "coverage: each of the $(wc -l <"$tmp/yara-rules" | tr -d ' ') YARA rules matches a file of a capture"
        else
            fail "coverage: YARA rules no capture matches: $ynone(add a sample to tests/tools/mkpcap-canh.py)"
        fi
    fi
fi
[ "$yara" = yes ] || [ "$oracle" = 1 ] || echo "note: this canh-sensor has no YARA (yara.files): YARA checks skipped"

echo "canh-rules: $((checks - bad)) passed, $bad failed ($ncases captures, $(wc -l <"$tmp/sids" | tr -d ' ') rules)"
[ "$bad" -eq 0 ]
