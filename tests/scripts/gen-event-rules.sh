#!/bin/sh
# Prints the rules file for one event table, so each event can be alerted on (and
# suppressed) by its SID:
#   gen-event-rules.sh decoder  > rules/decoder-events.rules   (decode-events.def)
#   gen-event-rules.sh applayer > rules/applayer-events.rules  (applayer-events.def)
set -eu
here=$(cd "$(dirname "$0")/../.." && pwd)
case "${1:-}" in
decoder) def=sensor/decode/decode-events.def macro=DECODE_EVENT kw=decode-event proto=pkthdr
    title="DECODER" class=protocol-command-decode ;;
applayer) def=sensor/applayer/applayer-events.def macro=APPLAYER_EVENT kw=app-layer-event proto=ip
    title="APPLAYER" class=protocol-command-decode ;;
*) echo "usage: gen-event-rules.sh decoder|applayer" >&2; exit 2 ;;
esac
echo "# Canh $1 events, generated from $def by"
echo "# tests/scripts/gen-event-rules.sh $1. Do not edit: change the .def file and regenerate."
echo "# The sensor writes each event as an 'anomaly' event with the same gid and sid;"
echo "# loading this file (rule-files, or -S) adds an 'alert' for each."
sed -n "s/^$macro([A-Z0-9_]*, *\"\([^\"]*\)\", *\([0-9]*\)).*/\1 \2/p" "$here/$def" |
while read -r name sid; do
    echo "alert $proto any any -> any any (msg:\"CANH $title $name\"; $kw:$name; classtype:$class; sid:$sid; rev:1;)"
done
