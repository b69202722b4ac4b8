#!/bin/sh
# The same input gives the same events with 1 worker and with 2 and 3 workers
# (event_id, which names the worker, and the stats event are left out of the
# comparison). Inputs: the project's own captures, and every shared nDPI capture when
# ../shared/data is present.
#
# Everything Canh computes must be identical. nDPI's verdict (the ndpi object and the
# app_proto derived from it) may differ for a few flows: nDPI correlates flows through
# caches inside its detection module (a STUN flow is called SignalVoip or WhatsAppCall
# because of an earlier flow of the same host to another server), and each worker has its
# own module, so when the related flows hash to different workers the verdict can
# differ. Those differences are listed and must stay under 0.1% of the flows; on the
# project's own captures there must be none.
set -u
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
own=""
for f in "$HERE"/captures/*.pcap "$BUILD"/tests/golden/*.pcap; do
    [ -f "$f" ] && own="$own $f"
done
shared=""
if [ -d "$CANH_SHARED/data/pcap/ndpi-4.2/pcap" ]; then
    shared=$(ls "$CANH_SHARED"/data/pcap/ndpi-4.2/pcap/*.pcap*)
else
    echo "note: ../shared/data absent: comparing the project's own captures only"
fi
[ -n "$own$shared" ] || { echo "SKIP no captures to compare"; exit 77; }

canh_fields() { # every event but stats, without event_id and nDPI's verdict
    jq -c 'select(.event_type != "stats") | del(.event_id, .ndpi, .app_proto)' "$1" | sort
}
verdicts() { # flow id -> nDPI verdict
    jq -r 'select(.event_type == "flow") | "\(.flow_id) \(.ndpi.protocol // "-") \(.app_proto // "-")"' "$1" | sort
}
n=0
bad=0
flows=0
vdiff=0
for f in $own $shared; do
    n=$((n + 1))
    for w in 1 2 3; do
        rm -rf "$tmp/$w" && mkdir "$tmp/$w"
        "$CANH_SENSOR" -r "$f" -l "$tmp/$w" -k none --workers $w --set logging.level=error ||
            { echo "FAIL $f: canh-sensor failed with $w workers"; bad=$((bad + 1)); continue 2; }
    done
    canh_fields "$tmp/1/eve.json" >"$tmp/a"
    verdicts "$tmp/1/eve.json" >"$tmp/va"
    flows=$((flows + $(wc -l <"$tmp/va")))
    for w in 2 3; do
        canh_fields "$tmp/$w/eve.json" >"$tmp/b"
        if ! cmp -s "$tmp/a" "$tmp/b"; then
            echo "FAIL $f: events differ between 1 and $w workers:"
            diff "$tmp/a" "$tmp/b" | head -6 | cut -c1-300
            bad=$((bad + 1))
        fi
        verdicts "$tmp/$w/eve.json" >"$tmp/vb"
        d=$(diff "$tmp/va" "$tmp/vb" | grep -c '^<')
        if [ "$d" -gt 0 ]; then
            echo "nDPI verdict differs for $d flow(s) of $(basename "$f") with $w workers:"
            diff "$tmp/va" "$tmp/vb" | grep '^[<>]' | sed 's/^/    /'
            vdiff=$((vdiff + d))
            case " $own " in *" $f "*) echo "FAIL that is a project capture"; bad=$((bad + 1)) ;; esac
        fi
    done
done
limit=$((flows * 2 / 1000)) # 0.1% of the flows, over the two comparisons
[ "$vdiff" -le "$limit" ] || { echo "FAIL $vdiff nDPI verdict differences exceed 0.1% of $flows flows"; bad=$((bad + 1)); }
echo "workers: $n captures, $flows flows; Canh's events identical with 1, 2 and 3 workers (failures: $bad); nDPI verdicts differing: $vdiff (limit $limit)"
[ $bad -eq 0 ]
