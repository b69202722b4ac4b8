#!/bin/sh
# Robustness: garbage files, truncated pcaps, lying record lengths, snaplen-cut packets,
# random bytes behind valid headers, unsupported link types, a directory mixing good
# and bad files, and every capture of the shared nDPI data. Under 'make check' the
# sensor is the AddressSanitizer + UBSan build, and any report makes it exit non-zero.
#
# What the sensor must do, checked for every run (with one worker, and again with two:
# the reader thread hashes each packet's headers to pick a worker):
#   - no crash, no hang (60 s), no sanitizer report;
#   - every message it prints is its own ("canh-sensor: ..."), and a file it skips or
#     stops reading early is named with the reason ("(file skipped)", "(rest of file
#     skipped)");
#   - exit 0 when at least one file was read, even if others were skipped or damaged;
#     exit non-zero with "no input could be read" when every file was skipped, and with
#     the path and the reason when a path given with -r does not exist;
#   - eve.json is JSON lines (jq accepts every line) ending with a stats event whose
#     capture.{files_read,files_failed,read_errors} count what happened.
set -u
command -v jq >/dev/null 2>&1 || { echo "SKIP jq is not installed"; exit 77; }
command -v python3 >/dev/null 2>&1 || { echo "SKIP python3 is not installed"; exit 77; }
[ -x "$CANH_SENSOR" ] || { echo "FAIL $CANH_SENSOR is missing"; exit 1; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' INT TERM HUP
in="$tmp/in"
python3 "$HERE/scripts/robust-mkinputs.py" "$in" "${CANH_ROBUST_SEED:-1}" ||
    { echo "FAIL cannot generate the inputs"; exit 1; }

checks=0
bad=0
fail() { bad=$((bad + 1)); echo "FAIL $*"; }

# sensor NAME ARGS...: runs canh-sensor -l $tmp/out/NAME ARGS; sets rc and o (the log
# directory), and checks what holds for every run.
sensor() {
    name=$1
    shift
    o="$tmp/out/$name"
    rm -rf "$o" && mkdir -p "$o"
    timeout -s KILL 60 "$CANH_SENSOR" -l "$o" "$@" >"$o/stdout" 2>"$o/stderr"
    rc=$?
    checks=$((checks + 1))
    dead=0
    if [ $rc -ge 124 ]; then
        dead=1 # the expect_* checks of this run would only repeat it
        fail "$name: canh-sensor $(if [ $rc -eq 137 ]; then echo "hung (killed after 60 s)"; else echo "died (exit $rc)"; fi):"
        tail -n 20 "$o/stderr" | sed 's/^/    /'
        return
    fi
    if grep -q 'Sanitizer\|runtime error' "$o/stderr"; then
        fail "$name: sanitizer report:"
        grep -m1 -A12 'Sanitizer\|runtime error' "$o/stderr" | sed 's/^/    /'
    fi
    if grep -qv '^canh-sensor: ' "$o/stderr"; then
        fail "$name: messages not in the sensor's format:"
        grep -v '^canh-sensor: ' "$o/stderr" | head -n 5 | sed 's/^/    /'
    fi
    if [ -s "$o/stdout" ]; then
        fail "$name: unexpected output on stdout: $(head -c 200 "$o/stdout")"
    fi
    # (The many runs over the shared captures leave this to robust-checkeve.py.)
    [ -z "${light:-}" ] || return 0
    if [ -f "$o/eve.json" ]; then
        lines=$(wc -l <"$o/eve.json")
        good=$(jq -R 'fromjson? | objects | 1' "$o/eve.json" 2>/dev/null | wc -l)
        [ "$lines" -eq "$good" ] || fail "$name: eve.json has $((lines - good)) invalid line(s) of $lines"
    fi
    if [ $rc -eq 0 ] && [ "$(tail -n 1 "$o/eve.json" 2>/dev/null | jq -r .event_type 2>/dev/null)" != stats ]; then
        fail "$name: exit 0 but eve.json does not end with the final stats event"
    fi
}

# expect_rc 0|fail
expect_rc() {
    [ "$dead" -eq 0 ] || return 0
    case $1 in
    0) [ $rc -eq 0 ] || { fail "$name: exit $rc, expected 0:"; tail -n 5 "$o/stderr" | sed 's/^/    /'; } ;;
    fail) [ $rc -ne 0 ] && [ $rc -lt 124 ] || fail "$name: exit $rc, expected an error exit" ;;
    esac
}

# expect_counts READ FAILED ERRORS: capture.{files_read,files_failed,read_errors} of the
# final stats event.
expect_counts() {
    [ "$dead" -eq 0 ] || return 0
    got=$(tail -n 1 "$o/eve.json" 2>/dev/null |
        jq -r 'select(.event_type == "stats") | .stats.capture | "\(.files_read) \(.files_failed) \(.read_errors)"' 2>/dev/null)
    [ "$got" = "$1 $2 $3" ] ||
        fail "$name: capture.{files_read,files_failed,read_errors} = '${got:-no stats event}', expected '$1 $2 $3'"
}

# expect_msg REGEX: a line of stderr matches (grep -E).
expect_msg() {
    [ "$dead" -eq 0 ] || return 0
    grep -Eq -- "$1" "$o/stderr" || {
        fail "$name: no message matching '$1'; messages:"
        sed 's/^/    /' "$o/stderr" | head -n 8
    }
}

# expect_stat JQ-PATH OP VALUE: a number of the final stats event, e.g. .decoder.truncated -eq 253
expect_stat() {
    [ "$dead" -eq 0 ] || return 0
    v=$(tail -n 1 "$o/eve.json" | jq -r ".stats$1" 2>/dev/null)
    test "$v" "$2" "$3" 2>/dev/null || fail "$name: stats$1 = '$v', expected $2 $3"
}

nflows() { jq -c 'select(.event_type == "flow")' "$o/eve.json" 2>/dev/null | wc -l; }
flows_tsv() {
    jq -r 'select(.event_type == "flow") | [.proto, .src_ip, (.src_port // 0), .dest_ip,
           (.dest_port // 0), .flow.pkts_toserver, .flow.pkts_toclient] | @tsv' "$1" | sort
}

skipped() { echo "^canh-sensor: warning: $in/$1: $2.*\\(file skipped\\)\$"; }
stopped_after() { echo "^canh-sensor: warning: $in/$1: $2.* after $3 packets \\(rest of file skipped\\)\$"; }
NOTHING='^canh-sensor: no input could be read'

# --- the generated inputs, with one worker and with two -----------------------------------

# A directory mixing good and bad files; subdirectories and dot files are not inputs.
mkdir -p "$tmp/mixed/subdir" "$tmp/emptydir"
for f in good.pcap empty.pcap random.pcap cut-in-packet-data.pcap dlt-147.pcap snaplen-34.pcap; do
    cp "$in/$f" "$tmp/mixed/$f"
done
cp "$in/random.pcap" "$tmp/mixed/.hidden.pcap"
cp "$in/good.pcap" "$tmp/mixed/subdir/good.pcap"

generated() {
    W=$1
    x="w$W"
    for f in good.pcap good.pcapng good-be-nsec.pcap; do
        sensor "$x-$f" -r "$in/$f" --workers "$W"
        expect_rc 0
        expect_counts 1 0 0
        [ "$(nflows)" -eq 56 ] || fail "$name: $(nflows) flows, expected 56"
        flows_tsv "$o/eve.json" >"$o/flows.tsv"
        if [ "$f" != good.pcap ] && ! cmp -s "$tmp/out/$x-good.pcap/flows.tsv" "$o/flows.tsv"; then
            fail "$name: flows differ from good.pcap's (same packets)"
        fi
    done

    # Not captures: skipped with the reason; nothing read is an error.
    for f in empty.pcap random.pcap text.pcap short-header.pcap; do
        sensor "$x-$f" -r "$in/$f" --workers "$W"
        expect_rc fail
        expect_counts 0 1 0
        expect_msg "$(skipped "$f" "cannot read: ")"
        expect_msg "$NOTHING"
    done
    sensor "$x-devnull" -r /dev/null --workers "$W"
    expect_rc fail
    expect_msg '^canh-sensor: warning: /dev/null: cannot read: .*\(file skipped\)$'
    sensor "$x-dlt-147.pcap" -r "$in/dlt-147.pcap" --workers "$W"
    expect_rc fail
    expect_counts 0 1 0
    expect_msg "$(skipped dlt-147.pcap "link type 147 .*is not supported")"
    expect_msg "$NOTHING"
    sensor "$x-all-bad" -r "$in/empty.pcap" -r "$in/text.pcap" -r "$in/dlt-147.pcap" --workers "$W"
    expect_rc fail
    expect_counts 0 3 0
    expect_msg '^canh-sensor: no input could be read \(3 files skipped\)$'

    # A path that does not exist stops the run before it starts, naming the path.
    sensor "$x-nonexistent" -r "$in/good.pcap" -r "$tmp/no-such.pcap" --workers "$W"
    expect_rc fail
    expect_msg "^canh-sensor: .*$tmp/no-such.pcap: No such file or directory\$"

    # Valid but empty.
    for f in header-only.pcap header-only.pcapng; do
        sensor "$x-$f" -r "$in/$f" --workers "$W"
        expect_rc 0
        expect_counts 1 0 0
        expect_stat .capture.packets -eq 0
    done

    # Cut short: the packets before the cut count, the rest of the file is reported.
    for c in "cut-in-record-header.pcap:truncated dump file:20" \
        "cut-in-packet-data.pcap:truncated dump file:20" \
        "cut.pcapng:truncated pcapng dump file:135" \
        "huge-caplen.pcap:invalid packet capture length:10" \
        "caplen-past-eof.pcap:truncated dump file:10"; do
        f=${c%%:*} rest=${c#*:}
        why=${rest%:*} n=${rest##*:}
        sensor "$x-$f" -r "$in/$f" --workers "$W"
        expect_rc 0
        expect_counts 1 0 1
        expect_msg "$(stopped_after "$f" "$why" "$n")"
        expect_stat .capture.packets -eq "$n"
    done

    # Lengths that lie, cut packets, random bytes behind valid headers, random bytes
    # under every supported link type: read to the end, decoded as far as they go.
    for f in caplen-gt-snaplen.pcap caplen-gt-len.pcap len-zero.pcap snaplen-20.pcap \
        snaplen-34.pcap snaplen-54.pcap garbage-after-ipv4.pcap garbage-after-ipv6.pcap \
        garbage-after-ether.pcap $(cd "$in" && ls random-dlt-*.pcap); do
        sensor "$x-$f" -r "$in/$f" --workers "$W"
        expect_rc 0
        expect_counts 1 0 0
        expect_stat .decoder.pkts -eq "$(tail -n 1 "$o/eve.json" | jq .stats.capture.packets)"
    done
    # Cut inside the IPv4 header, or right after it: every packet truncated, no flow.
    for n in 20 34; do
        name="$x-snaplen-$n.pcap" o="$tmp/out/$name"
        expect_stat .decoder.truncated -eq 253
        [ "$(nflows)" -eq 0 ] || fail "$name: $(nflows) flows from packets without ports"
    done
    # Cut after a TCP header without options: every flow but the IPv6 one (its TCP
    # header is cut away).
    name="$x-snaplen-54.pcap" o="$tmp/out/$name"
    [ "$(nflows)" -eq 55 ] || fail "$name: $(nflows) flows, expected 55"
    # Random bytes: decoder events, as anomaly events and counters, not crashes.
    name="$x-garbage-after-ipv4.pcap" o="$tmp/out/$name"
    expect_stat .decoder.invalid -gt 0
    [ "$(jq -c 'select(.event_type == "anomaly")' "$o/eve.json" | wc -l)" -gt 0 ] ||
        fail "$name: no anomaly events"

    # The mixed directory: good files read, bad ones skipped, each named.
    sensor "$x-mixed" -r "$tmp/mixed" --workers "$W"
    expect_rc 0
    expect_counts 3 3 1
    for f in empty.pcap random.pcap dlt-147.pcap; do
        expect_msg "^canh-sensor: warning: $tmp/mixed/$f: .*\\(file skipped\\)\$"
    done
    expect_msg "^canh-sensor: warning: $tmp/mixed/cut-in-packet-data.pcap: .*\\(rest of file skipped\\)\$"
    expect_msg '^canh-sensor: warning: input: 3 file\(s\) read, 3 skipped, 1 ended early'
    grep -q 'hidden\|subdir' "$o/stderr" && fail "$name: a dot file or subdirectory was read"
    # good.pcap's flows are among them (cut-in-packet-data.pcap has the same addresses,
    # so its flows add to the counts: compare the 5-tuples only).
    flows_tsv "$tmp/out/$x-good.pcap/eve.json" | cut -f1-5 | sort -u >"$o/want"
    flows_tsv "$o/eve.json" | cut -f1-5 | sort -u >"$o/got"
    [ -z "$(comm -23 "$o/want" "$o/got")" ] || fail "$name: flows of good.pcap missing"

    # An empty directory: nothing to do, said so; not an error.
    sensor "$x-emptydir" -r "$tmp/emptydir" --workers "$W"
    expect_rc 0
    expect_counts 0 0 0
    expect_msg "^canh-sensor: warning: $tmp/emptydir: directory has no files\$"
}

# in_parallel FUNCTION ARG0 ARG1: runs FUNCTION ARG0 and FUNCTION ARG1 at once (one per
# core), then prints their output and adds up their counts.
in_parallel() {
    for k in 0 1; do
        eval "a=\$$((k + 2))"
        (bad=0 checks=0; $1 "$a"; echo "$bad $checks" >"$tmp/$1-$k.count") >"$tmp/$1-$k.log" 2>&1 &
    done
    wait
    for k in 0 1; do
        cat "$tmp/$1-$k.log"
        read -r b c <"$tmp/$1-$k.count" 2>/dev/null || { b=1 c=0; echo "FAIL $1 part $k did not finish"; }
        bad=$((bad + b)) checks=$((checks + c))
    done
}

start=$(date +%s)
in_parallel generated 1 2
echo "generated inputs: $checks runs with 1 and 2 workers, $bad failure(s) ($(($(date +%s) - start)) s)"

# --- the same hostile inputs through the rule engine ----------------------------------------
# The project's own rules (the golden rule files and the event rules: every kind of
# keyword, stream, HTTP, TLS, DNS, thresholds, flowbits), with and without midstream
# pickup, so that reassembly, the parsers and the rules meet every cut and garbage.
RULES="$tmp/rules.rules"
cat "$HERE"/golden/rules/*.rules "$HERE"/../rules/*.rules >"$RULES"
start=$(date +%s)
bad0=$bad
for f in "$in"/*; do
    [ -f "$f" ] || continue
    for mid in false true; do
        sensor "rules-$mid-$(basename "$f")" -r "$f" -S "$RULES" --set stream.midstream=$mid
        [ "${dead:-0}" -eq 1 ] || [ $rc -le 1 ] || fail "$name: exit $rc"
        grep -q '(rule skipped)' "$o/stderr" && fail "$name: a project rule was skipped"
    done
done
echo "generated inputs with rules: $((bad - bad0)) failure(s) ($(($(date +%s) - start)) s)"

# --- every capture of the shared nDPI data ----------------------------------------------

D="$CANH_SHARED/data/pcap/ndpi-4.2/pcap"
if [ -d "$D" ]; then
    start=$(date +%s)
    bad0=$bad
    # One run per capture; half of them on each core.
    ndpi_half() { # K: the captures at even (0) or odd (1) positions
        i=0 light=1
        for f in "$D"/*; do
            case $f in *.pcap | *.pcapng | *.cap) ;; *) continue ;; esac
            i=$((i + 1))
            [ $((i % 2)) -eq "$1" ] || continue
            sensor "ndpi-$(basename "$f")" -r "$f"
            expect_rc 0
        done
    }
    in_parallel ndpi_half 0 1
    python3 "$HERE/scripts/robust-checkeve.py" 1 0 - "$tmp"/out/ndpi-*/eve.json >"$tmp/checkeve.out" 2>&1
    cat "$tmp/checkeve.out"
    bad=$((bad + $(grep -c . "$tmp/checkeve.out")))
    rm -rf "$tmp"/out/ndpi-*
    n=$(ls "$D" | grep -c '\.\(pcap\|pcapng\|cap\)$')
    # All of them at once, in name order as one input, through the reader thread.
    nfiles=$(find "$D" -maxdepth 1 -type f ! -name '.*' | wc -l)
    sensor ndpi-dir -r "$D" --workers 2
    expect_rc 0
    # and once more through the rule engine, with midstream pickup
    sensor ndpi-dir-rules -r "$D" --workers 2 -S "$RULES" --set stream.midstream=true
    expect_rc 0
    got=$(tail -n 1 "$o/eve.json" | jq -r '.stats.capture | "\(.files_read) \(.files_failed)"' 2>/dev/null)
    [ "$got" = "$n $((nfiles - n))" ] ||
        fail "$name: capture.{files_read,files_failed} = '$got', expected '$n $((nfiles - n))' (the non-capture files skipped)"
    echo "shared nDPI data: $n captures one by one, then the directory with 2 workers, $((bad - bad0)) failure(s) ($(($(date +%s) - start)) s)"
else
    echo "note: $D absent: the shared nDPI captures were not run"
fi

echo "robustness: $checks runs, $bad failure(s)"
[ $bad -eq 0 ]
