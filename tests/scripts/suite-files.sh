#!/bin/sh
# Files, YARA and nDPI risk alerts, on captures the project writes
# (tests/tools/mkpcap-engines.py, and mkpcap-canh.py for the EICAR download when present)
# and on the sample capture:
#  - every file of files.pcap has a fileinfo event with the size and SHA-256 the
#    generator computed, its name (Content-Disposition, multipart filename, else the
#    path), its MIME type and direction; bodies chunked + gzip and split over 20
#    segments are whole;
#  - storage: each file at <dir>/<2 hex>/<sha256> with its bytes; per-file and per-run
#    caps counted; a store directory that is a file stops start-up with a message; a
#    full disk (a 16 KiB tmpfs, when mount works) is counted and logged, files still logged;
#  - a listed SHA-256 raises one alert, target the receiver;
#  - YARA: a file rule on the decoded body of a gzip + chunked download, a stream rule,
#    meta mapped onto the alert, budgets counted, a file that does not compile reported
#    with file and line while the other loads, nothing loadable stops start-up; with
#    ../shared, the Yara-Rules collection loads with its failing files reported;
#  - nDPI risks: the sample capture's risks with a severity alert once per flow, an
#    override changes a severity or turns a risk off, a bad key stops start-up.
set -u
: "${HERE:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${CANH_SENSOR:?CANH_SENSOR is not set (run through tests/run-tests.sh)}"
: "${CANH_SHARED:=$HERE/../../shared}"
command -v jq >/dev/null || { echo "SKIP jq is not installed"; exit 77; }
command -v python3 >/dev/null || { echo "SKIP python3 is not installed"; exit 77; }

tmp=$(mktemp -d)
cleanup() {
    [ -n "${mnt:-}" ] && umount "$mnt" 2>/dev/null
    rm -rf "$tmp"
}
trap cleanup EXIT
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL $*"; }
check() { # check DESCRIPTION EXPECTED ACTUAL
    if [ "$2" = "$3" ]; then ok; else bad "$1: expected '$2', got '$3'"; fi
}
run() { # run DIR PCAP [args]: the sensor, stderr in DIR/err; returns its status
    d=$1
    pcap=$2
    shift 2
    mkdir -p "$d"
    "$CANH_SENSOR" -r "$pcap" -l "$d" -k none --set logging.level=notice "$@" 2>"$d/err"
}

python3 "$HERE/tools/mkpcap-engines.py" "$tmp/cap" >/dev/null || { echo "FAIL mkpcap-engines.py failed"; exit 1; }
M=$tmp/cap/manifest.json
F=$tmp/cap/files.pcap

# 1. fileinfo for every file of the capture.
run "$tmp/files" "$F" || bad "canh-sensor failed on files.pcap: $(cat "$tmp/files/err")"
E=$tmp/files/eve.json
nfiles=$(jq '."files.pcap".files | length' "$M")
jq -c '."files.pcap".files[]' "$M" >"$tmp/expected"
while read -r f; do
    sha=$(printf "%s\n" "$f" | jq -r .sha256)
    size=$(printf "%s\n" "$f" | jq -r .size)
    name=$(printf "%s\n" "$f" | jq -r .name)
    dir=$(printf "%s\n" "$f" | jq -r 'if .direction == "upload" then "to_server" else "to_client" end')
    got=$(jq -c --arg s "$sha" 'select(.event_type == "fileinfo" and .fileinfo.sha256 == $s) | .fileinfo' "$E")
    [ -n "$got" ] || { bad "no fileinfo with the SHA-256 of $name ($sha)"; continue; }
    check "$name: events" 1 "$(printf "%s\n" "$got" | wc -l)"
    check "$name: size" "$size" "$(printf "%s\n" "$got" | jq -r .size)"
    check "$name: direction" "$dir" "$(printf "%s\n" "$got" | jq -r .direction)"
    check "$name: complete" "false CLOSED" "$(printf "%s\n" "$got" | jq -r '"\(.gaps) \(.state)"')"
    case "$(printf "%s\n" "$got" | jq -r .filename)" in
        *"$name") ok ;;
        *) bad "$name: filename is $(printf "%s\n" "$got" | jq -r .filename)" ;;
    esac
done <"$tmp/expected"
mime() { jq -r --arg n "$1" 'select(.event_type == "fileinfo" and (.fileinfo.filename | endswith($n))) | .fileinfo.mime_type' "$E"; }
check "PDF type" application/pdf "$(mime report.pdf)"
check "PNG type" image/png "$(mime logo.png)"
check "ZIP type" application/zip "$(mime archive.zip)"
check "JPEG upload type" image/jpeg "$(mime photo.jpg)"
case "$(mime setup.exe)" in
    application/*dosexec|application/vnd.microsoft.portable-executable) ok ;;
    *) bad "PE type: $(mime setup.exe)" ;;
esac
check "the http object in fileinfo" "GET" "$(jq -r 'select(.event_type == "fileinfo" and .fileinfo.filename == "/data/export.json") | .http.http_method' "$E")"
check "stats.files.files" "$(jq -s '[.[] | select(.event_type == "fileinfo")] | length' "$E")" \
    "$(jq -s '[.[] | select(.event_type == "stats")] | last | .stats.files.files' "$E")"

# 2. Storage.
run "$tmp/store" "$F" --set files.store.dir="$tmp/store/files" || bad "store run failed: $(cat "$tmp/store/err")"
stored=0
while read -r f; do
    sha=$(printf "%s\n" "$f" | jq -r .sha256)
    p="$tmp/store/files/$(echo "$sha" | cut -c1-2)/$sha"
    if [ -f "$p" ] && [ "$(sha256sum "$p" | cut -d' ' -f1)" = "$sha" ]; then
        stored=$((stored + 1))
    else
        bad "stored copy $p missing or wrong"
    fi
done <"$tmp/expected"
check "files stored" "$nfiles" "$stored"
check "stored_path in fileinfo" "true" "$(jq -s '[.[] | select(.event_type == "fileinfo" and .fileinfo.stored) | .fileinfo.stored_path | test("/[0-9a-f]{2}/[0-9a-f]{64}$")] | all' "$tmp/store/eve.json")"
check "no temporary left" "" "$(ls "$tmp/store/files/.tmp")"
big=$(jq '[."files.pcap".files[] | select(.size > 1000)] | length' "$M")
run "$tmp/cap1k" "$F" --set files.store.dir="$tmp/cap1k/files" --set files.store.max-file-size=1000 ||
    bad "max-file-size run failed"
check "files over max-file-size not stored" "$big" \
    "$(jq -s '[.[] | select(.event_type == "stats")] | last | .stats.files.store_too_large' "$tmp/cap1k/eve.json")"
run "$tmp/total" "$F" --set files.store.dir="$tmp/total/files" --set files.store.max-total=2000 ||
    bad "max-total run failed"
total=$(find "$tmp/total/files" -type f ! -path '*/.tmp/*' -exec cat {} + | wc -c)
[ "$total" -le 2000 ] && ok || bad "max-total 2000: $total bytes stored"
[ "$(jq -s '[.[] | select(.event_type == "stats")] | last | .stats.files.store_full' "$tmp/total/eve.json")" -gt 0 ] &&
    ok || bad "store_full not counted"
touch "$tmp/notadir"
if run "$tmp/notdir" "$F" --set files.store.dir="$tmp/notadir"; then
    bad "a store directory that is a file was accepted"
else
    grep -q "files.store.dir" "$tmp/notdir/err" && ok || bad "no message for a bad store directory: $(cat "$tmp/notdir/err")"
fi
mnt=$tmp/full
mkdir -p "$mnt"
if [ "$(id -u)" = 0 ] && mount -t tmpfs -o size=16k tmpfs "$mnt" 2>/dev/null; then
    run "$tmp/disk" "$F" --set files.store.dir="$mnt" || bad "full-disk run failed"
    check "files still logged on a full disk" "$nfiles" \
        "$(jq -s '[.[] | select(.event_type == "fileinfo" and .fileinfo.filename != "/upload")] | length' "$tmp/disk/eve.json")"
    [ "$(jq -s '[.[] | select(.event_type == "stats")] | last | .stats.files.store_errors' "$tmp/disk/eve.json")" -gt 0 ] &&
        ok || bad "write errors on a full disk not counted"
    grep -q "cannot write" "$tmp/disk/err" && ok || bad "no log line for the full disk"
    umount "$mnt"
else
    echo "note: full-disk check skipped (needs root and tmpfs)"
fi
mnt=""

# 3. A listed SHA-256.
exe=$(jq -r '."files.pcap".files[] | select(.name == "setup.exe") | .sha256' "$M")
printf '%s\n' "$exe" >"$tmp/hashes.txt"
run "$tmp/ioc" "$F" --set ioc.files="$tmp/hashes.txt" || bad "ioc run failed"
check "listed SHA-256: one alert" 1 "$(jq -s '[.[] | select(.event_type == "alert" and .alert.signature_id == 8803040)] | length' "$tmp/ioc/eve.json")"
client=$(jq -r '."files.pcap".client // empty' "$M")
[ -z "$client" ] && client=$(jq -r 'select(.event_type == "fileinfo" and .fileinfo.direction == "to_client") | .src_ip' "$E" | head -n 1)
check "listed SHA-256: the receiver is the target" "$client" \
    "$(jq -r 'select(.event_type == "alert" and .alert.signature_id == 8803040) | .alert.target.ip' "$tmp/ioc/eve.json")"

# 4. YARA.
cat >"$tmp/good.yar" <<'EOF'
rule canh_test_pe : pe test {
    meta:
        description = "a Windows executable"
        severity = "medium"
        category = "Test executable"
        mitre_technique = "T1105"
    strings:
        $dos = "This program cannot be run in DOS mode"
    condition:
        uint16(0) == 0x5A4D and $dos
}
rule canh_test_request {
    strings:
        $get = "GET /downloads/setup.exe HTTP/1."
    condition:
        $get at 0
}
EOF
# a string only the decoded body of the gzip + chunked download holds (its JSON records
# are {"id": N, "ten": "Don vi N", ...}, N up to 119)
cat >"$tmp/json.yar" <<EOF
rule canh_test_json_body {
    strings:
        \$n = "Don vi 119"
    condition:
        \$n
}
EOF
cat >"$tmp/broken.yar" <<'EOF'
rule ok_before { condition: true }
rule broken {
    strings: $a = "x"
    condition: $b
}
EOF
run "$tmp/yara" "$F" --set yara.files="$tmp/good.yar,$tmp/json.yar,$tmp/broken.yar" ||
    bad "yara run failed: $(cat "$tmp/yara/err")"
Y=$tmp/yara/eve.json
grep -q "broken.yar:5: undefined string \"\$b\" in rule broken" "$tmp/yara/err" && ok ||
    bad "the broken file is not reported with its line: $(grep yara "$tmp/yara/err")"
grep -q "1 file did not compile" "$tmp/yara/err" && ok || bad "the count of files left out is not logged"
check "no alert from the broken file" 0 "$(jq -s '[.[] | select(.event_type == "alert" and .alert.metadata.yara_rule[0] == "ok_before")] | length' "$Y")"
pe=$(jq -c 'select(.event_type == "alert" and .alert.metadata.yara_rule[0] == "canh_test_pe")' "$Y")
check "PE rule: one alert" 1 "$(printf "%s\n" "$pe" | grep -c .)"
check "PE rule: sid, source, severity, category" "8805002 yara 2 Test executable" \
    "$(printf "%s\n" "$pe" | jq -r '"\(.alert.signature_id) \(.alert.source) \(.alert.severity) \(.alert.category)"')"
check "PE rule: mitre, tags, file name" "T1105 pe,test /downloads/setup.exe" \
    "$(printf "%s\n" "$pe" | jq -r '"\(.alert.mitre.technique_id) \(.alert.metadata.yara_tags | join(",")) \(.alert.metadata.file_name[0])"')"
check "PE rule: the target is the client" "$client" "$(printf "%s\n" "$pe" | jq -r .alert.target.ip)"
check "PE rule: the payload holds the match" 1 \
    "$(printf "%s\n" "$pe" | jq -r .payload | base64 -d 2>/dev/null | grep -c "DOS mode")"
check "a rule on the decoded gzip + chunked body" 1 \
    "$(jq -s '[.[] | select(.event_type == "alert" and .alert.metadata.yara_rule[0] == "canh_test_json_body" and .alert.metadata.yara_scanned[0] == "file")] | length' "$Y")"
check "a stream rule (sid 8805001)" 1 \
    "$(jq -s '[.[] | select(.event_type == "alert" and .alert.metadata.yara_rule[0] == "canh_test_request" and .alert.signature_id == 8805001)] | length' "$Y")"
st=$(jq -s -c '[.[] | select(.event_type == "stats")] | last | .stats.yara' "$Y")
check "stats.yara.matches" 3 "$(printf "%s\n" "$st" | jq .matches)"
run "$tmp/ybudget" "$F" --set yara.files="$tmp/good.yar" --set yara.flow-budget=100 || bad "budget run failed"
[ "$(jq -s '[.[] | select(.event_type == "stats")] | last | .stats.yara.flow_budget_cut' "$tmp/ybudget/eve.json")" -gt 0 ] &&
    ok || bad "flow budget cuts not counted"
check "nothing over the flow budget is scanned" 0 \
    "$(jq -s '[.[] | select(.event_type == "alert" and .alert.source == "yara")] | length' "$tmp/ybudget/eve.json")"
run "$tmp/yglobal" "$F" --set yara.files="$tmp/good.yar" --set yara.global-budget=64 || bad "global budget run failed"
[ "$(jq -s '[.[] | select(.event_type == "stats")] | last | .stats.yara.global_budget_cut' "$tmp/yglobal/eve.json")" -gt 0 ] &&
    ok || bad "global budget cuts not counted"
if run "$tmp/ynone" "$F" --set yara.files="$tmp/broken.yar"; then
    bad "a sensor with no loadable YARA file started"
else
    grep -q "no YARA file could be loaded" "$tmp/ynone/err" && ok || bad "no message when no YARA file loads"
fi

# The EICAR download (chunked and gzip), from Canh's own rule captures when present.
if [ -f "$HERE/tools/mkpcap-canh.py" ] && [ -f "$HERE/../rules/yara/canh-test-files.yar" ]; then
    python3 "$HERE/tools/mkpcap-canh.py" "$tmp/canh" >/dev/null 2>&1
    if [ -f "$tmp/canh/yara-eicar-chunked-gzip.pcap" ]; then
        run "$tmp/eicar" "$tmp/canh/yara-eicar-chunked-gzip.pcap" --set yara.files="$HERE/../rules/yara" ||
            bad "EICAR run failed"
        [ "$(jq -s '[.[] | select(.event_type == "alert" and .alert.source == "yara" and (.alert.metadata.yara_rule[0] | test("(?i)eicar")))] | length' "$tmp/eicar/eve.json")" -ge 1 ] &&
            ok || bad "EICAR in a chunked gzip download not found by YARA"
    fi
fi

# The Yara-Rules collection: loads, with the files that do not compile on libyara 4.2
# reported one by one.
YR=$CANH_SHARED/data/yara/yara-rules
if [ -d "$YR" ]; then
    run "$tmp/yr" "$F" --set yara.files="$YR" || bad "the Yara-Rules collection did not load: $(tail -3 "$tmp/yr/err")"
    loaded=$(sed -n 's/.*yara: \([0-9]*\) rules from \([0-9]*\) files.*/\1 \2/p' "$tmp/yr/err")
    failed=$(sed -n 's/.*yara: \([0-9]*\) files\{0,1\} did not compile.*/\1/p' "$tmp/yr/err")
    reported=$(grep -c ': not loaded$' "$tmp/yr/err")
    [ "${loaded%% *}" -gt 10000 ] 2>/dev/null && ok || bad "Yara-Rules: too few rules loaded ($loaded)"
    check "Yara-Rules: every failing file reported" "${failed:-0}" "$reported"
    [ "${failed:-0}" -gt 0 ] && grep -q 'is__elf' "$tmp/yr/err" && ok || bad "Yara-Rules: the is__elf failures are not reported"
    echo "note: Yara-Rules: $loaded (rules, files) loaded, $failed files left out"
    # one scan of the collection costs milliseconds: 1% of a worker's time runs out
    run "$tmp/yrcpu" "$F" --set yara.files="$YR" --set yara.cpu-share=1 || bad "cpu-share run failed"
    [ "$(jq -s '[.[] | select(.event_type == "stats")] | last | .stats.yara.cpu_budget_cut' "$tmp/yrcpu/eve.json")" -gt 0 ] &&
        ok || bad "yara.cpu-share=1: no buffer left unscanned"
    check "yara.cpu-share=1: files still logged" "$(jq -s '[.[] | select(.event_type == "fileinfo")] | length' "$E")" \
        "$(jq -s '[.[] | select(.event_type == "fileinfo")] | length' "$tmp/yrcpu/eve.json")"
else
    echo "note: Yara-Rules checks skipped (no $YR: ../shared/data is absent)"
fi

# 5. nDPI risks on the sample capture.
S=$HERE/captures/sample.pcap
run "$tmp/risk" "$S" || bad "sample run failed"
R=$tmp/risk/eve.json
# every flow risk that has a default severity gives one alert for its flow
want=$(jq -r 'select(.event_type == "flow") | .flow_id as $f | (.ndpi.risks // [])[] | "\($f) \(.)"' "$R" |
    grep -c -e "SQL Injection" -e "XSS Attack" -e "Possible Exploit" -e "Clear-Text Credentials" \
        -e "Suspicious DGA" -e "HTTP Suspicious User-Agent" -e "HTTP Suspicious URL" -e "Binary Application Transfer")
got=$(jq -s '[.[] | select(.event_type == "alert" and .alert.source == "ndpi")] | length' "$R")
check "risk alerts on the sample capture" "$want" "$got"
[ "$got" -gt 5 ] && ok || bad "too few risk alerts on the sample capture ($got)"
check "no risk alert for a risk without severity (self-signed)" 0 \
    "$(jq -s '[.[] | select(.event_type == "alert" and .alert.metadata.ndpi_risk[0] == "tls_selfsigned_certificate")] | length' "$R")"
check "one alert per flow and risk" "$got" \
    "$(jq -r 'select(.event_type == "alert" and .alert.source == "ndpi") | "\(.flow_id) \(.alert.signature_id)"' "$R" | sort -u | wc -l)"
check "SQL injection: the server is the target" "true" \
    "$(jq -s '[.[] | select(.event_type == "alert" and .alert.signature_id == 8804002) | .alert.target.ip == .flow.dest_ip] | all' "$R")"
check "stats.dpi.risk_alerts" "$got" "$(jq -s '[.[] | select(.event_type == "stats")] | last | .stats.dpi.risk_alerts' "$R")"
run "$tmp/risk2" "$S" --set dpi.risk-alerts.severity="tls_selfsigned_certificate=4, url_possible_sql_injection=off, possible_exploit=3" ||
    bad "override run failed"
R2=$tmp/risk2/eve.json
check "an override turns a risk on" 1 "$(jq -s '[.[] | select(.event_type == "alert" and .alert.signature_id == 8804006 and .alert.severity == 4)] | length' "$R2")"
check "an override turns a risk off" 0 "$(jq -s '[.[] | select(.event_type == "alert" and .alert.signature_id == 8804002)] | length' "$R2")"
check "an override changes a severity" "3" "$(jq -r 'select(.event_type == "alert" and .alert.signature_id == 8804040) | .alert.severity' "$R2" | sort -u)"
run "$tmp/risk3" "$S" --set dpi.risk-alerts.enabled=no || bad "risk-alerts off run failed"
check "dpi.risk-alerts.enabled=no" 0 "$(jq -s '[.[] | select(.event_type == "alert" and .alert.source == "ndpi")] | length' "$tmp/risk3/eve.json")"
if run "$tmp/risk4" "$S" --set dpi.risk-alerts.severity="no_such_risk=2"; then
    bad "an unknown risk key was accepted"
else
    grep -q "unknown nDPI risk 'no_such_risk'" "$tmp/risk4/err" && ok || bad "no message for an unknown risk key"
fi

echo "files: $pass checks passed, $fail failed"
[ $fail -eq 0 ]
