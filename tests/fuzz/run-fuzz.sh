#!/bin/sh
# Runs a libFuzzer binary for a while on a copy of the seed corpus.
#
#   run-fuzz.sh BINARY SECONDS [SEEDS_DIR [MAX_LEN]]
#
# The corpus is copied from SEEDS_DIR (default tests/fuzz/seeds/: the decoder's small
# hand-crafted frames; byte 0 selects the link type and capture options as
# fuzz-decode.c describes, the file name says what the frame holds) into a temporary
# directory; MAX_LEN (default 4096) is libFuzzer's -max_len. The corpus directory which is removed afterwards: the run never
# writes into the source tree. Crash reproducers are kept in fuzz-artifacts/ next to the
# binary. Prints libFuzzer's final stats line; exits 1 if a crash, leak, timeout or
# sanitizer report was found, 2 if the run could not start.
set -u

usage="usage: run-fuzz.sh BINARY SECONDS [SEEDS_DIR [MAX_LEN]]"
BIN=${1:?$usage}
SECS=${2:?$usage}
SEEDS=${3:-}
MAXLEN=${4:-4096}
case $SECS in
'' | *[!0-9]*) echo "run-fuzz.sh: SECONDS must be a whole number, not '$SECS'" >&2; exit 2 ;;
esac
if [ ! -x "$BIN" ]; then
    echo "run-fuzz.sh: $BIN is not an executable" >&2
    exit 2
fi
HERE=$(cd "$(dirname "$0")" && pwd)
BIN=$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")
ART=$(dirname "$BIN")/fuzz-artifacts
NAME=$(basename "$BIN")

WORK=$(mktemp -d "${TMPDIR:-/tmp}/canh-fuzz.XXXXXX") || exit 2
trap 'rm -rf "$WORK"' EXIT
trap 'exit 130' INT TERM
mkdir -p "$WORK/corpus" "$ART" || exit 2
[ -n "$SEEDS" ] || SEEDS="$HERE/seeds"
if [ -d "$SEEDS" ]; then
    cp "$SEEDS"/* "$WORK/corpus/" 2>/dev/null
fi
nseeds=$(ls "$WORK/corpus" | wc -l)

# UBSan reports are crashes too; ASan's defaults already abort.
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}"
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1}"

echo "fuzz: $NAME for ${SECS}s from $nseeds seeds (artifacts in $ART)"
"$BIN" -max_total_time="$SECS" -max_len="$MAXLEN" -timeout=10 -rss_limit_mb=2048 \
    -print_final_stats=1 -artifact_prefix="$ART/$NAME-" "$WORK/corpus" >"$WORK/log" 2>&1
rc=$?

# "#123456 DONE cov: ... ft: ... corp: ... exec/s: ... rss: ..." is the final stats line.
final=$(grep -E '^#[0-9]+[[:space:]]+DONE' "$WORK/log" | tail -n 1)
[ -n "$final" ] || final=$(grep -E '^#[0-9]+' "$WORK/log" | tail -n 1)
echo "fuzz: ${final:-no stats line}"
grep -E '^stat::(number_of_executed_units|peak_rss_mb|new_units_added)' "$WORK/log" |
    sed 's/^/fuzz: /'
echo "fuzz: corpus grew from $nseeds to $(ls "$WORK/corpus" | wc -l) inputs"

if [ $rc -ne 0 ] ||
    grep -qE 'ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer)|runtime error:|contract broken|SUMMARY: ' "$WORK/log"; then
    echo "fuzz: FAILED (exit $rc); the report:"
    # The first report line, the top of its stack, the summary and the reproducer.
    awk '/ERROR:|runtime error:|contract broken/ && !e { e = 1; print; next }
         e == 1 && /^ *#[0-9]+ / { if (n++ < 8) print; next }
         e == 1 && n > 0 && !/^ *#[0-9]+ / { e = 2 }
         /SUMMARY:|Test unit written/ { print }' "$WORK/log" | sed 's/^/    /'
    cp "$WORK/log" "$ART/$NAME-last.log"
    echo "fuzz: full log in $ART/$NAME-last.log; reproduce with: $BIN <artifact>"
    exit 1
fi
echo "fuzz: no crash"
exit 0
