#!/bin/sh
# Prints rules/decoder-events.rules from sensor/decode/decode-events.def: one rule per
# decoder event, so each event can be alerted on (and suppressed) by its SID.
#   usage: gen-decoder-rules.sh > rules/decoder-events.rules
set -eu
here=$(cd "$(dirname "$0")/../.." && pwd)
echo "# Canh decoder events, generated from sensor/decode/decode-events.def by"
echo "# tests/scripts/gen-decoder-rules.sh. Do not edit: change the .def file and regenerate."
echo "# The rule engine will load these; for now the sensor writes each event as an"
echo "# 'anomaly' event with the same gid and sid."
sed -n 's/^DECODE_EVENT([A-Z0-9_]*, *"\([^"]*\)", *\([0-9]*\)).*/\1 \2/p' \
    "$here/sensor/decode/decode-events.def" |
while read -r name sid; do
    echo "alert pkthdr any any -> any any (msg:\"CANH DECODER $name\"; decode-event:$name; classtype:protocol-command-decode; sid:$sid; rev:1;)"
done
