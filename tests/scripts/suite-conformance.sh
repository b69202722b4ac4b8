#!/bin/sh
# Suricata's own verification tests (../shared/data/conformance/suricata-verify: pcap,
# rules, expected alerts) run through canh-sensor; fails below 90% passing (the issue's
# target). Skipped without ../shared. The full list: make conformance.
D="$CANH_SHARED/data/conformance/suricata-verify"
if [ ! -d "$D" ]; then
    echo "SKIP needs $D (the shared conformance tests)"
    exit 77
fi
CANH_SHARED="$CANH_SHARED" "$HERE/conformance/run-conformance.sh" "$BUILD" --min-pass 90 || exit 1
