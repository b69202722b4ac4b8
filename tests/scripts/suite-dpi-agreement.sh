#!/bin/sh
# DPI agreement with nDPI 4.2's expected results over its own test captures
# (needs ../shared/data/pcap/ndpi-4.2; skipped without it). Fails below 97%.
D="$CANH_SHARED/data/pcap/ndpi-4.2"
if [ ! -d "$D/pcap" ] || [ ! -d "$D/result" ]; then
    echo "SKIP needs $D (the shared nDPI captures)"
    exit 77
fi
exec python3 "$HERE/scripts/dpi-agreement.py" "$CANH_SENSOR" --data "$D" --min 97
