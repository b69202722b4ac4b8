#!/bin/sh
# Command line and configuration errors. Each bad invocation must exit non-zero (2 for
# a malformed command line, 1 for everything else) with one message in the format of
# docs STYLE "A user-facing error": "canh-sensor: " then where (option, FILE:LINE, path),
# what was wrong (key, value, allowed range or values), as the last line of stderr, and
# nothing on stdout. The informational options (-V, -h, --list-keys, --dump-config) exit
# 0 and print on stdout; --dump-config shows the precedence of -c, --set and the
# dedicated options, and its output is itself a configuration file that loads back to
# the same values.
set -u
command -v python3 >/dev/null 2>&1 || { echo "SKIP python3 is not installed"; exit 77; }
[ -x "$CANH_SENSOR" ] || { echo "FAIL $CANH_SENSOR is missing"; exit 1; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' INT TERM HUP
P="$tmp/flows.pcap"
python3 "$HERE/scripts/live-mkpcap.py" "$P" "$tmp/flows.tsv" || { echo "FAIL cannot make a capture"; exit 1; }

checks=0
bad=0
fail() { bad=$((bad + 1)); echo "FAIL $*"; }

# t RC REGEX ARGS...: runs canh-sensor ARGS (events to a fresh directory unless ARGS
# name one); expects exit status RC, the last line of stderr to match REGEX (grep -E,
# after "canh-sensor: ") and nothing on stdout.
n=0
t() {
    want=$1 re=$2
    shift 2
    n=$((n + 1))
    o="$tmp/run$n"
    mkdir -p "$o"
    (cd "$o" && timeout -s KILL 30 "$CANH_SENSOR" "$@" >"$o/stdout" 2>"$o/stderr")
    rc=$?
    checks=$((checks + 1))
    last=$(tail -n 1 "$o/stderr")
    what="canh-sensor $(echo "$*" | cut -c1-120)"
    if [ $rc -ne "$want" ]; then
        fail "$what: exit $rc, expected $want; stderr: $(tail -n 3 "$o/stderr")"
    elif [ -n "$re" ] && ! printf '%s\n' "$last" | grep -Eq -- "^canh-sensor: $re"; then
        fail "$what: last message '$last' does not match 'canh-sensor: $re'"
    elif [ "$want" -ne 0 ] && [ -s "$o/stdout" ]; then
        fail "$what: output on stdout with an error: $(head -c 200 "$o/stdout")"
    elif grep -q 'Sanitizer\|runtime error' "$o/stderr"; then
        fail "$what: sanitizer report: $(grep -m1 'Sanitizer\|runtime error' "$o/stderr")"
    else
        [ -n "${CLI_VERBOSE:-}" ] && echo "ok: $what -> $rc: $last"
    fi
    return 0
}

# --- the command line -------------------------------------------------------------------

t 2 "--bogus is not an option" --bogus -r "$P"
t 2 "--bogus is not an option" --bogus=3 -r "$P"
t 2 "-x is not an option" -r "$P" -vx
t 2 "-r needs a value" -r
t 2 "--workers needs a value" -r "$P" --workers
t 2 "--version takes no value" --version=2
t 1 "-r and -i cannot be combined" -r "$P" -i lo
t 1 "give -r PATH or -i IFACE"
t 1 "give -r PATH or -i IFACE" -l "$tmp"
t 1 "-k maybe: expected 'all' or 'none'" -r "$P" -k maybe
t 1 "-k yes: expected 'all' or 'none'" -r "$P" -k yes
t 1 "--workers: workers = 0 is outside the allowed range 1 to 64" -r "$P" --workers 0
t 1 "--workers: workers = 65 is outside the allowed range 1 to 64" -r "$P" --workers 65
t 1 "--workers: workers = 'two' is not a whole number" -r "$P" --workers two
t 1 "too many -i options \(at most 16\)" $(for i in $(seq 17); do printf -- '-i lo '; done)

# --- --set ------------------------------------------------------------------------------

t 1 "--set: unknown key 'unknown.key' \(canh-sensor --list-keys shows them\)" -r "$P" --set unknown.key=1
t 1 "--set: flow.memcap = 12 is outside the allowed range 1048576 to [0-9]+" -r "$P" --set flow.memcap=12
t 1 "--set: flow.memcap = -5 is outside the allowed range 1048576 to [0-9]+" -r "$P" --set flow.memcap=-5
t 1 "--set: flow.memcap = 'lots' is not a size" -r "$P" --set flow.memcap=lots
t 1 "--set: flow.memcap = '-1MiB' is not a size" -r "$P" --set flow.memcap=-1MiB
t 1 "--set: flow.memcap = '99999999999GiB' is not a size" -r "$P" --set flow.memcap=99999999999GiB
t 1 "--set: flow.timeouts.udp = '5x' is not a duration" -r "$P" --set flow.timeouts.udp=5x
t 1 "--set: capture.promisc = 'maybe' is not yes or no" -r "$P" --set capture.promisc=maybe
t 1 "--set: defrag.policy = 'windows' is not one of: bsd, linux, first, last" -r "$P" --set defrag.policy=windows
t 1 "--set: output.eve.types: unknown value 'bogus' \(allowed: flow, " -r "$P" --set output.eve.types=flow,bogus
t 1 "--set: logging.level = 'loud' is not one of: error, " -r "$P" --set logging.level=loud
t 1 "--set: sensor.org is longer than [0-9]+ characters" -r "$P" --set sensor.org="$(printf '%0300d' 0)"
t 1 "--set foo: expected KEY=VALUE" -r "$P" --set foo
t 1 "--set =3: expected KEY=VALUE" -r "$P" --set =3
# Values that are accepted: units, a workers value at each end of its range.
t 0 "" -r "$P" --set flow.memcap=64MiB --set flow.timeouts.udp=2m --set capture.promisc=off \
    --set output.eve.types=flow,stats --workers 64 --set logging.level=error
t 0 "" -r "$P" --workers 1 -k none --set logging.level=error

# --- configuration files ----------------------------------------------------------------

y() { # y NAME: writes stdin to $tmp/NAME.yaml
    cat >"$tmp/$1.yaml"
}
printf 'flow:\n  memcap: 64MiB\n  bogus: 1\n' | y unknown
t 1 "$tmp/unknown.yaml:3: unknown key 'flow.bogus'" -r "$P" -c "$tmp/unknown.yaml"
printf 'flow:\n  memcap: 64MiB\n timeouts: [1, 2\n' | y syntax
t 1 "$tmp/syntax.yaml:3: YAML syntax error: " -r "$P" -c "$tmp/syntax.yaml"
printf 'workers: 2\n\tflow: 1\n' | y tab
t 1 "$tmp/tab.yaml:2: YAML syntax error: " -r "$P" -c "$tmp/tab.yaml"
printf 'sensor:\n  org: "unterminated\n' | y unterminated
t 1 "$tmp/unterminated.yaml:[0-9]+: YAML syntax error: " -r "$P" -c "$tmp/unterminated.yaml"
printf '# workers\nworkers: many\n' | y type
t 1 "$tmp/type.yaml:2: workers = 'many' is not a whole number" -r "$P" -c "$tmp/type.yaml"
printf 'capture:\n  snaplen: 65535\n  promisc: perhaps\n' | y bool
t 1 "$tmp/bool.yaml:3: capture.promisc = 'perhaps' is not yes or no" -r "$P" -c "$tmp/bool.yaml"
printf 'workers: [1, 2]\n' | y list
t 1 "$tmp/list.yaml:1: workers = '1,2' is not a whole number" -r "$P" -c "$tmp/list.yaml"
printf 'flow: {memcap: 12}\n' | y range
t 1 "$tmp/range.yaml:1: flow.memcap = 12 is outside the allowed range 1048576 to [0-9]+" -r "$P" -c "$tmp/range.yaml"
printf 'workers: &w 2\nflow:\n  hash-size: *w\n' | y alias
t 1 "$tmp/alias.yaml:3: flow.hash-size: unsupported value \(anchors and aliases are not allowed\)" -r "$P" -c "$tmp/alias.yaml"
printf -- '- workers\n- flow\n' | y toplist
t 1 "$tmp/toplist.yaml:1: the top level must be a mapping of keys" -r "$P" -c "$tmp/toplist.yaml"
python3 -c "print(''.join('  ' * i + 'k%d:\n' % i for i in range(10)) + '  ' * 10 + 'x: 1')" | y deep
t 1 "$tmp/deep.yaml:[0-9]+: nesting deeper than 8 levels" -r "$P" -c "$tmp/deep.yaml"
t 1 "$tmp/missing.yaml: cannot open: No such file or directory" -r "$P" -c "$tmp/missing.yaml"
t 1 "$tmp: cannot open: Is a directory" -r "$P" -c "$tmp"
: | y empty
t 0 "" -r "$P" -c "$tmp/empty.yaml" --set logging.level=error
sample="$HERE/../deploy/sensor.yaml"
if [ -f "$sample" ]; then
    t 0 "" -r "$P" -c "$sample" --set logging.level=error
else
    echo "note: $sample absent: the sample configuration was not loaded"
fi

# --- the log directory ------------------------------------------------------------------

mkdir -p "$tmp/logs"
t 1 "-l $tmp/missing: No such file or directory" -r "$P" -l "$tmp/missing"
t 1 "-l $P: not a directory" -r "$P" -l "$P"
t 1 "/proc/eve.json: cannot open for writing: " -r "$P" -l /proc
t 1 "$tmp/logs/sub/eve.json: cannot open for writing: No such file or directory" \
    -r "$P" -l "$tmp/logs" --set output.eve.filename=sub/eve.json
# A directory the sensor may not write: read-only for a user, or a read-only mount for
# root (root writes anywhere the permissions say no).
mkdir -p "$tmp/ro"
chmod 0555 "$tmp/ro"
if [ "$(id -u)" -ne 0 ]; then
    t 1 "$tmp/ro/eve.json: cannot open for writing: Permission denied" -r "$P" -l "$tmp/ro"
else
    if unshare -m true 2>/dev/null; then
        n=$((n + 1))
        unshare -m sh -c 'mount -t tmpfs -o ro canh-test "$1" && shift && exec "$@"' sh "$tmp/ro" \
            "$CANH_SENSOR" -r "$P" -l "$tmp/ro" >"$tmp/ro.out" 2>&1
        rc=$?
        checks=$((checks + 1))
        grep -q "^canh-sensor: $tmp/ro/eve.json: cannot open for writing: Read-only file system\$" "$tmp/ro.out" &&
            [ $rc -eq 1 ] || fail "-l on a read-only mount: exit $rc, $(cat "$tmp/ro.out")"
    else
        echo "note: cannot make a mount namespace: the read-only mount case was not run"
    fi
    if command -v setpriv >/dev/null 2>&1; then
        chmod 0755 "$tmp"
        n=$((n + 1))
        setpriv --reuid=65534 --regid=65534 --clear-groups "$CANH_SENSOR" -r "$P" -l "$tmp/ro" \
            >"$tmp/nobody.out" 2>&1
        rc=$?
        checks=$((checks + 1))
        grep -q "^canh-sensor: $tmp/ro/eve.json: cannot open for writing: Permission denied\$" "$tmp/nobody.out" &&
            [ $rc -eq 1 ] || fail "-l on a directory user nobody may not write: exit $rc, $(cat "$tmp/nobody.out")"
    fi
fi

# --- BPF filters ------------------------------------------------------------------------

t 1 "BPF filter 'tcp port': .*syntax error" -r "$P" tcp port
t 1 "BPF filter 'host 10.0.0.300': " -r "$P" host 10.0.0.300
t 0 "" -r "$P" --set logging.level=error udp port 53
if [ "$(jq -c 'select(.event_type == "flow")' "$o/eve.json" 2>/dev/null | wc -l)" -ne 1 ]; then
    fail "BPF 'udp port 53': expected the one DNS flow"
fi
# Live: the filter is compiled for the interface; in a network namespace of its own with
# only the loopback, nothing is captured from the host.
if [ "$(id -u)" -eq 0 ] && unshare -n true 2>/dev/null; then
    for c in "1|lo: BPF filter 'tcp port': .*syntax error|-i lo tcp port" \
        "1|canh-nosuch0: No such device exists|-i canh-nosuch0"; do
        want=${c%%|*} rest=${c#*|}
        re=${rest%%|*} args=${rest#*|}
        n=$((n + 1))
        # shellcheck disable=SC2086 # args is a list of words
        unshare -n sh -c 'ip link set lo up && exec "$@"' sh "$CANH_SENSOR" -l "$tmp/logs" $args \
            >"$tmp/live.out" 2>&1
        rc=$?
        checks=$((checks + 1))
        tail -n 1 "$tmp/live.out" | grep -Eq "^canh-sensor: $re" && [ $rc -eq "$want" ] ||
            fail "canh-sensor $args (own network namespace): exit $rc, $(cat "$tmp/live.out")"
    done
else
    echo "note: not root, or no network namespace: the live -i cases were not run"
fi

# --- information options ----------------------------------------------------------------

S=$CANH_SENSOR
checks=$((checks + 1))
v=$("$S" -V 2>&1)
printf '%s\n' "$v" | grep -Eq '^canh-sensor [0-9]+\.[0-9]+\.[0-9]+.* \(schema [0-9]+\)$' ||
    fail "-V printed '$v'"
[ "$("$S" --version 2>&1)" = "$v" ] || fail "--version and -V differ"
checks=$((checks + 1))
"$S" -h >"$tmp/help" 2>&1 && grep -q '^usage: canh-sensor -r PATH' "$tmp/help" &&
    grep -q -- '--dump-config' "$tmp/help" || fail "-h: $(head -n 3 "$tmp/help")"

checks=$((checks + 1))
if "$S" --list-keys >"$tmp/keys" 2>"$tmp/keys.err" && [ ! -s "$tmp/keys.err" ]; then
    grep -Eq '^flow.memcap \(size, default 256MiB, range 1MiB to [0-9]+[MG]iB\)$' "$tmp/keys" ||
        fail "--list-keys: no 'flow.memcap (size, default 256MiB, range 1MiB to ...)' line"
    grep -q '^workers (integer, default 1, range 1 to 64)$' "$tmp/keys" ||
        fail "--list-keys: no 'workers (integer, default 1, range 1 to 64)' line"
    # Every key has its documentation line under it.
    awk 'NR % 2 == 1 && !/^[a-z0-9.-]+ \(/ { print "key line: " $0; bad = 1 }
         NR % 2 == 0 && !/^    [^ ]/ { print "doc line: " $0; bad = 1 } END { exit bad }' "$tmp/keys" >"$tmp/keys.bad" ||
        fail "--list-keys: malformed lines: $(head -n 3 "$tmp/keys.bad")"
else
    fail "--list-keys failed: $(cat "$tmp/keys.err")"
fi

checks=$((checks + 1))
if "$S" --dump-config >"$tmp/dump" 2>"$tmp/dump.err" && [ ! -s "$tmp/dump.err" ]; then
    # The same keys as --list-keys, in the same order (rule variables apart: --list-keys
    # describes them once, --dump-config prints each).
    cut -d: -f1 "$tmp/dump" | grep -v '^vars\.' >"$tmp/dump.keys"
    awk 'NR % 2 == 1 { print $1 }' "$tmp/keys" | grep -v '^vars\.' >"$tmp/list.keys"
    cmp -s "$tmp/dump.keys" "$tmp/list.keys" || fail "--dump-config and --list-keys list different keys"
    grep -q '^workers: 1$' "$tmp/dump" || fail "--dump-config: no 'workers: 1'"
    # Its output loads back as a configuration file, to the same values.
    cp "$tmp/dump" "$tmp/dump.yaml"
    "$S" -c "$tmp/dump.yaml" --dump-config >"$tmp/dump2" 2>&1 && cmp -s "$tmp/dump" "$tmp/dump2" ||
        fail "--dump-config output does not load back to itself: $(diff "$tmp/dump" "$tmp/dump2" | head -n 4)"
else
    fail "--dump-config failed: $(cat "$tmp/dump.err")"
fi
# Precedence: defaults < -c FILE < --set < dedicated options and the trailing filter.
printf 'workers: 2\ncapture:\n  bpf: "udp"\n  checksum-validation: yes\n' >"$tmp/prec.yaml"
dump() { "$S" --dump-config "$@" 2>&1 | grep -E "^($key): "; }
checks=$((checks + 1))
key='workers|capture.bpf|capture.checksum-validation'
got=$(dump -c "$tmp/prec.yaml" | tr '\n' ';')
[ "$got" = 'capture.checksum-validation: yes;capture.bpf: "udp";workers: 2;' ] || fail "-c: $got"
got=$(dump -c "$tmp/prec.yaml" --set workers=3 --set capture.bpf=tcp | tr '\n' ';')
[ "$got" = 'capture.checksum-validation: yes;capture.bpf: "tcp";workers: 3;' ] || fail "-c, --set: $got"
got=$(dump -c "$tmp/prec.yaml" --set workers=3 --workers 4 -k none --set capture.bpf=tcp icmp or arp | tr '\n' ';')
[ "$got" = 'capture.checksum-validation: no;capture.bpf: "icmp or arp";workers: 4;' ] ||
    fail "-c, --set, --workers, -k, BPF: $got"

echo "cli: $checks checks, $bad failed"
[ $bad -eq 0 ]
