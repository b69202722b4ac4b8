#!/bin/sh
# The same input gives the same events with 1 worker and with 2 and 3 workers
# (event_id, which names the worker, and the stats event are left out of the
# comparison). Inputs: the project's own captures, and every shared nDPI capture when
# ../shared/data is present.
#
# One shared capture is allowed to differ, in nDPI's verdict only: stun_signal.pcapng.
# nDPI correlates flows through caches inside its detection module (here: a STUN flow is
# called SignalVoip because of an earlier flow of the same client to another server);
# each worker has its own module, so when the related flows hash to different workers
# the verdict can differ. Everything Canh computes itself must match exactly.
set -u
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
inputs=""
for f in "$HERE"/captures/*.pcap "$BUILD"/tests/golden/*.pcap; do
    [ -f "$f" ] && inputs="$inputs $f"
done
if [ -d "$CANH_SHARED/data/pcap/ndpi-4.2/pcap" ]; then
    inputs="$inputs $(ls "$CANH_SHARED"/data/pcap/ndpi-4.2/pcap/*.pcap*)"
else
    echo "note: ../shared/data absent: comparing the project's own captures only"
fi
[ -n "$inputs" ] || { echo "SKIP no captures to compare"; exit 77; }

normalise() { # drop event_id and stats; sort
    jq -c 'select(.event_type != "stats") | del(.event_id)' "$1" | sort
}
normalise_no_ndpi() {
    jq -c 'select(.event_type != "stats") | del(.event_id, .ndpi, .app_proto)' "$1" | sort
}
n=0
bad=0
for f in $inputs; do
    n=$((n + 1))
    for w in 1 2 3; do
        rm -rf "$tmp/$w" && mkdir "$tmp/$w"
        "$CANH_SENSOR" -r "$f" -l "$tmp/$w" -k none --workers $w --set logging.level=error ||
            { echo "FAIL $f: canh-sensor failed with $w workers"; bad=$((bad + 1)); continue 2; }
    done
    for w in 2 3; do
        case "$(basename "$f")" in
        stun_signal.pcapng) cmp=normalise_no_ndpi ;;
        *) cmp=normalise ;;
        esac
        if ! $cmp "$tmp/1/eve.json" >"$tmp/a" || ! $cmp "$tmp/$w/eve.json" >"$tmp/b"; then
            echo "FAIL $f: unreadable eve.json"; bad=$((bad + 1)); continue
        fi
        if ! cmp -s "$tmp/a" "$tmp/b"; then
            echo "FAIL $f: events differ between 1 and $w workers:"
            diff "$tmp/a" "$tmp/b" | head -6 | cut -c1-300
            bad=$((bad + 1))
        fi
    done
done
echo "workers: $n captures, events identical with 1, 2 and 3 workers in $((n - bad / 2)) (failures: $bad)"
[ $bad -eq 0 ]
