#!/bin/sh
# Runs every test suite against the build in $1 and prints one line per suite:
#   PASS name / FAIL name / SKIP name (reason)
# Exits non-zero if any suite failed. Suites that need ../shared/data or network
# namespaces skip with a visible reason when those are not available.
set -u
BUILD=$(cd "${1:?usage: run-tests.sh BUILD}" && pwd)
HERE=$(cd "$(dirname "$0")" && pwd)
export BUILD HERE
export CANH_SENSOR="$BUILD/canh-sensor"
export CANH_TESTS="$BUILD/tests"
export CANH_SHARED="${CANH_SHARED:-$HERE/../../shared}"
LOGDIR="$BUILD/test-logs"
rm -rf "$LOGDIR" && mkdir -p "$LOGDIR"

failed=0
passed=0
skipped=0
suite() {
    name=$1
    shift
    log="$LOGDIR/$name.log"
    start=$(date +%s)
    "$@" >"$log" 2>&1
    rc=$?
    secs=$(( $(date +%s) - start ))
    if [ $rc -eq 77 ]; then
        skipped=$((skipped + 1))
        echo "SKIP $name ($(grep -m1 '^SKIP' "$log" | sed 's/^SKIP[: ]*//'))"
    elif [ $rc -eq 0 ]; then
        passed=$((passed + 1))
        echo "PASS $name (${secs}s) $(tail -n 1 "$log")"
    else
        failed=$((failed + 1))
        echo "FAIL $name (exit $rc, ${secs}s); last lines of $log:"
        tail -n 25 "$log" | sed 's/^/    /'
    fi
}

for t in "$CANH_TESTS"/test-*; do
    [ -x "$t" ] && suite "unit-$(basename "$t" | sed 's/^test-//')" "$t"
done
for s in "$HERE"/scripts/suite-*.sh; do
    [ -x "$s" ] && suite "$(basename "$s" .sh | sed 's/^suite-//')" "$s"
done

echo "tests: $passed passed, $failed failed, $skipped skipped (logs in $LOGDIR)"
[ $failed -eq 0 ]
