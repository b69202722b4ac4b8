#!/bin/sh
# ET Open load test: how much of the Emerging Threats Open ruleset canh-sensor loads.
#
#   usage: et-open-load.sh BUILD_DIR [--min-load PCT] [-v]
#
# Loads every .rules file of ../shared/data/rules/et-open (relative to the repository root;
# $CANH_SHARED/data/rules/et-open when set) with `BUILD_DIR/canh-sensor --test-rules -S FILE`,
# one file at a time, and reports: active rules (rule lines that are not comments; a
# backslash continues a rule on the next line), loaded, skipped, the percentage loaded, and
# the skip reasons grouped with counts, most frequent first.
#
# What canh-sensor is expected to do (its --test-rules contract):
#   stdout   rules: N loaded, M skipped
#   stderr   canh-sensor: FILE:LINE: REASON in sid SID (rule skipped)     one per skipped rule
#   exit     0 when every rule loaded, 1 when some were skipped, anything else is an error
# Reasons are grouped with quoted values kept (e.g. unknown keyword 'foo': the keyword is the
# useful part) and numbers outside quotes replaced by N.
#
# Exit status: 0; 1 when --min-load PCT is given and the percentage loaded is below it, or
# when a file's figures disagree with the skip lines; 2 on errors (canh-sensor missing, no
# --test-rules, a crash). Without the ruleset: a SKIP line and exit 0.
set -eu

usage() { echo "usage: et-open-load.sh BUILD_DIR [--min-load PCT] [-v]" >&2; exit 2; }
[ $# -ge 1 ] || usage
BUILD=$1
shift
MIN_LOAD=""
VERBOSE=0
while [ $# -gt 0 ]; do
    case $1 in
    --min-load) [ $# -ge 2 ] || usage; MIN_LOAD=$2; shift 2 ;;
    --min-load=*) MIN_LOAD=${1#--min-load=}; shift ;;
    -v) VERBOSE=1; shift ;;
    *) usage ;;
    esac
done
if [ -n "$MIN_LOAD" ] && ! printf '%s' "$MIN_LOAD" | grep -Eq '^[0-9]+([.][0-9]+)?$'; then
    echo "et-open-load: --min-load wants a percentage, not '$MIN_LOAD'" >&2
    exit 2
fi

HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
RULES_DIR=${CANH_SHARED:-$REPO/../shared}/data/rules/et-open
[ -d "$RULES_DIR" ] && RULES_DIR=$(cd "$RULES_DIR" && pwd)
SENSOR=${CANH_SENSOR_BIN:-$BUILD/canh-sensor}

if [ ! -d "$RULES_DIR" ]; then
    echo "SKIP et-open-load: $RULES_DIR is not there (ET Open ruleset absent)"
    exit 0
fi
[ -x "$SENSOR" ] || { echo "et-open-load: $SENSOR not found; build it first (make sensor)" >&2; exit 2; }

TMP=$(mktemp -d "${TMPDIR:-/tmp}/canh-et-open.XXXXXX")
trap 'rm -rf "$TMP"' EXIT INT TERM

# Active rules of one file: logical lines (backslash continuation joined) that are neither
# blank nor comments.
active_rules() {
    awk '
        { line = cont $0; cont = "" }
        /\\$/ { cont = substr(line, 1, length(line) - 1); next }
        line ~ /^[ \t]*(#|$)/ { next }
        { n++ }
        END { print n + 0 }' "$1"
}

files=$(find "$RULES_DIR" -name '*.rules' -type f | LC_ALL=C sort)
[ -n "$files" ] || { echo "SKIP et-open-load: no .rules file under $RULES_DIR"; exit 0; }

nfiles=0 active=0 loaded=0 skipped=0 mismatch=0
: >"$TMP/reasons"
while IFS= read -r f; do
    nfiles=$((nfiles + 1))
    a=$(active_rules "$f")
    active=$((active + a))
    rc=0
    "$SENSOR" --test-rules -S "$f" </dev/null >"$TMP/out" 2>"$TMP/err" || rc=$?
    summary=$(sed -n 's/^rules: \([0-9][0-9]*\) loaded, \([0-9][0-9]*\) skipped$/\1 \2/p' "$TMP/out" | tail -n 1)
    if [ $rc -gt 1 ] || [ -z "$summary" ]; then
        echo "et-open-load: canh-sensor --test-rules -S $f failed (exit $rc, no 'rules: N loaded, M skipped' line):" >&2
        grep -v '(rule skipped)$' "$TMP/err" | tail -n 5 | sed 's/^/    /' >&2
        if grep -q -- '--test-rules' "$TMP/err"; then
            echo "et-open-load: this canh-sensor does not have --test-rules yet" >&2
        fi
        exit 2
    fi
    l=${summary% *}
    s=${summary#* }
    loaded=$((loaded + l))
    skipped=$((skipped + s))
    grep '(rule skipped)$' "$TMP/err" >"$TMP/skips" || true
    nskip=$(wc -l <"$TMP/skips")
    # canh-sensor: FILE:LINE: REASON in sid SID (rule skipped)  ->  REASON
    # The file name is known, so its prefix is cut exactly (a name may hold ':' and digits).
    awk -v p="canh-sensor: $f:" '{
        if (index($0, p) == 1) {
            r = substr($0, length(p) + 1)
            sub(/^[0-9]+: /, "", r)
        } else {
            r = $0
            sub(/^canh-sensor: [^ ]*:[0-9]+: /, "", r)
        }
        if (!sub(/ in sid [0-9]+ \(rule skipped\)$/, "", r))
            sub(/ \(rule skipped\)$/, "", r)
        print r
    }' "$TMP/skips" >>"$TMP/reasons"
    note=""
    if [ "$nskip" -ne "$s" ] || [ $((l + s)) -ne "$a" ] || { [ $rc -eq 1 ] && [ "$s" -eq 0 ]; } ||
        { [ $rc -eq 0 ] && [ "$s" -ne 0 ]; }; then
        mismatch=$((mismatch + 1))
        note="  <- MISMATCH: $a active, $l + $s reported, $nskip skip lines, exit $rc"
    fi
    if [ $VERBOSE -eq 1 ] || [ -n "$note" ]; then
        printf '  %-42s %6d active %6d loaded %6d skipped%s\n' "$(basename "$f")" "$a" "$l" "$s" "$note"
    fi
done <<EOF
$files
EOF

pct=$(awk -v l="$loaded" -v a="$active" 'BEGIN { printf "%.1f", a ? 100 * l / a : 0 }')
echo "et-open: $nfiles files, $active active rules: $loaded loaded, $skipped skipped ($pct% loaded)"
if [ -s "$TMP/reasons" ]; then
    echo "skip reasons (rules, reason):"
    # Numbers outside single or double quotes become N; quoted text is kept as is.
    awk '{
        out = ""; q = ""
        n = length($0)
        for (i = 1; i <= n; i++) {
            c = substr($0, i, 1)
            if (q != "") { out = out c; if (c == q) q = ""; continue }
            if (c == "\047" || c == "\"") { q = c; out = out c; continue }
            if (c ~ /[0-9]/) {
                while (i < n && substr($0, i + 1, 1) ~ /[0-9]/) i++
                out = out "N"; continue
            }
            out = out c
        }
        print out
    }' "$TMP/reasons" | LC_ALL=C sort | uniq -c | LC_ALL=C sort -k1,1nr -k2 |
        awk '{ c = $1; sub(/^ *[0-9]+ /, ""); printf "  %7d  %s\n", c, $0 }'
fi

status=0
if [ $mismatch -gt 0 ]; then
    echo "et-open-load: $mismatch file(s) where active rules, the summary line and the skip lines disagree"
    status=1
fi
if [ -n "$MIN_LOAD" ] && awk -v p="$pct" -v m="$MIN_LOAD" 'BEGIN { exit !(p + 0 < m + 0) }'; then
    echo "et-open-load: $pct% loaded is below --min-load $MIN_LOAD"
    status=1
fi
exit $status
