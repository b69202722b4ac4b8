#!/bin/sh
# Emerging Threats Open (../shared/data/rules/et-open) loads with canh-sensor
# --test-rules: fails below 95% of the active rules loaded; prints the skip reasons with
# counts. Skipped without ../shared.
D="$CANH_SHARED/data/rules/et-open"
if [ ! -d "$D" ]; then
    echo "SKIP needs $D (the shared ET Open rules)"
    exit 77
fi
CANH_SHARED="$CANH_SHARED" "$HERE/conformance/et-open-load.sh" "$BUILD" --min-load 95 || exit 1
