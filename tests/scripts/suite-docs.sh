#!/bin/sh
# Generated and hand-kept documentation stays true:
#  - rules/decoder-events.rules and applayer-events.rules match their .def files;
#  - every event name and SID is unique across both tables;
#  - docs/events.md mentions every field the sensor writes (checked on the events the
#    golden and sample captures produce, when those suites have left their output).
set -u
root="$HERE/.."
fail=0
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
for kind in decoder applayer; do
    "$HERE/scripts/gen-event-rules.sh" $kind >"$tmp"
    if ! cmp -s "$tmp" "$root/rules/$kind-events.rules"; then
        echo "rules/$kind-events.rules is out of date: run tests/scripts/gen-event-rules.sh $kind > rules/$kind-events.rules"
        fail=1
    fi
done
dups=$(sed -n 's/^[A-Z_]*EVENT([A-Z0-9_]*, *"\([^"]*\)", *\([0-9]*\)).*/\1 \2/p' \
    "$root/sensor/decode/decode-events.def" "$root/sensor/applayer/applayer-events.def" |
    awk '{ if (n[$1]++ || s[$2]++) print }')
[ -z "$dups" ] || { echo "duplicate decoder event names or SIDs: $dups"; fail=1; }

# Every field the sensor writes must appear in docs/events.md: run the sensor on the
# project's sample capture and, when present, on the shared nDPI captures, and look up
# the last element of every field path of every event (stats counters included; the
# per-event counters stats.decoder.event.*, stats.applayer.event.* and
# stats.applayer.<parser>.event.* are the names in the .def files and the parsers'
# headers, stats.applayer.detected.* the protocol names).
out=$(mktemp -d)
trap 'rm -f "$tmp"; rm -rf "$out"' EXIT
inputs=$(ls "$HERE"/captures/*.pcap 2>/dev/null)
if [ -d "$CANH_SHARED/data/pcap/ndpi-4.2/pcap" ]; then
    inputs="$inputs $CANH_SHARED/data/pcap/ndpi-4.2/pcap"
fi
if [ -n "$inputs" ]; then
    args=""
    for i in $inputs; do args="$args -r $i"; done
    # shellcheck disable=SC2086
    "$CANH_SENSOR" $args -l "$out" -k none --set logging.level=error || fail=1
    jq -r 'paths(scalars) | select(.[0:3] != ["stats", "decoder", "event"] and .[0:3] != ["stats", "applayer", "event"] and .[0:3] != ["stats", "applayer", "detected"] and .[3:4] != ["event"]) | map(select(type == "string")) | .[-1]' "$out/eve.json" | sort -u |
    while read -r leaf; do
        grep -q -- "$leaf" "$root/docs/events.md" || echo "undocumented field: $leaf"
    done >"$tmp"
    if [ -s "$tmp" ]; then
        cat "$tmp"
        fail=1
    fi
    fields=$(jq -r 'paths(scalars) | select(.[0:3] != ["stats", "decoder", "event"] and .[0:3] != ["stats", "applayer", "event"] and .[0:3] != ["stats", "applayer", "detected"] and .[3:4] != ["event"]) | map(select(type == "string")) | .[-1]' "$out/eve.json" | sort -u | wc -l)
else
    echo "note: no captures to collect fields from (no tests/captures, no ../shared)"
    fields=0
fi
echo "docs: decoder rules up to date, event names and SIDs unique, $fields field names documented"
exit $fail
