#!/bin/sh
# The rule engine's golden tests: small captures made at test time by
# tests/tools/mkpcap-rules.py, the rules of tests/golden/rules/<case>.rules, and the
# alerts they must give, each checked as
#   - "fires": the rule alerts exactly COUNT times, and the alerts' key fields (pcap_cnt,
#     direction, addresses, stream, payload_printable, http/dns/tls metadata) are the
#     expected ones;
#   - "silent": the rule does not alert;
#   - per run: every rule of the file loads (--test-rules), the sensor exits 0, and no
#     rule alerts that the case does not list.
# The expected values are Suricata 7.0.10's on the same captures and rules (its alert
# output with payload and payload-printable enabled, as `ORACLE=1` below runs it), so
# a failure here is a difference from Suricata, not only from an earlier Canh.
#
# ORACLE=1 runs the same checks against Suricata (/usr/bin/suricata, never a dependency
# of the project; needs /etc/suricata/suricata.yaml) instead of canh-sensor, to show
# where the expectations come from. Suricata runs single-threaded there (with several
# workers, which flow reaches a threshold first varies); stream.reassembly.policy=last
# is run as the 'solaris' host OS policy, which keeps the new bytes of an exact overlap
# as 'last' does.
# RULES_CASES="a b" runs only those cases. Run alone:
#   HERE=$PWD/tests CANH_SENSOR=$PWD/build/canh-sensor sh tests/scripts/suite-rules.sh
# (make test runs it through tests/run-tests.sh). Exit 0 pass, 1 fail, 77 skip.
set -u
: "${HERE:?}" "${CANH_SENSOR:?}"
command -v python3 >/dev/null 2>&1 || { echo "SKIP python3 is not installed"; exit 77; }
command -v jq >/dev/null 2>&1 || { echo "SKIP jq is not installed"; exit 77; }
oracle=${ORACLE:-0}
if [ "$oracle" = 1 ]; then
    if ! command -v suricata >/dev/null 2>&1 || [ ! -f /etc/suricata/suricata.yaml ]; then
        echo "SKIP ORACLE=1 needs suricata and /etc/suricata/suricata.yaml"
        exit 77
    fi
else
    [ -x "$CANH_SENSOR" ] || { echo "FAIL $CANH_SENSOR is missing"; exit 1; }
fi

RULES="$HERE/golden/rules"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' INT TERM HUP
python3 "$HERE/tools/mkpcap-rules.py" "$tmp" || { echo "FAIL mkpcap-rules.py could not write the captures"; exit 1; }

if [ "$oracle" = 1 ]; then
    # Suricata's own configuration with the alert payload fields on, and a variant
    # whose overlap policy keeps the last bytes.
    sed -e 's|^\( *\)# payload: yes |\1payload: yes  |' \
        -e 's|^\( *\)# payload-printable: yes|\1payload-printable: yes|' \
        /etc/suricata/suricata.yaml >"$tmp/suricata.yaml"
    sed -e 's|^  windows: \[0.0.0.0/0\]|  windows: []|' -e 's|^  solaris: \[\]|  solaris: [0.0.0.0/0]|' \
        "$tmp/suricata.yaml" >"$tmp/suricata-last.yaml"
fi

checks=0
bad=0
ok() { checks=$((checks + 1)); echo "ok $*"; }
fail() { checks=$((checks + 1)); bad=$((bad + 1)); echo "FAIL $*"; }

# run NAME CASE [canh-sensor options]: runs the sensor on $tmp/CASE.pcap with
# $RULES/CASE.rules; the alerts go to $alerts (one per line, in file order).
only=" ${RULES_CASES:-} "
run() {
    name=$1 cname=$2
    shift 2
    skip_run=no
    [ "$only" = "  " ] || case "$only" in *" $cname "*) ;; *) skip_run=yes; return 0 ;; esac
    out="$tmp/run/$name"
    mkdir -p "$out"
    alerts="$out/alerts"
    listed=""
    : >"$alerts"
    rules="$RULES/$cname.rules"
    nrules=$(grep -c '^alert' "$rules")
    if [ "$oracle" = 1 ]; then
        conf="$tmp/suricata.yaml"
        case " $* " in *" stream.reassembly.policy=last "*) conf="$tmp/suricata-last.yaml" ;; esac
        suricata -v --runmode single -c "$conf" -r "$tmp/$cname.pcap" -S "$rules" -l "$out" -k none \
            >"$out/log" 2>&1 </dev/null
        rc=$?
        loaded=$(sed -n 's/.* \([0-9][0-9]*\) rules successfully loaded, 0 rules failed.*/\1/p' "$out/log")
        if [ "${loaded:-0}" = "$nrules" ]; then
            ok "$name: the $nrules rules of $cname.rules load"
        else
            fail "$name: not every rule of $cname.rules loads in Suricata: $(grep -m1 'rules successfully' "$out/log")"
        fi
    else
        if "$CANH_SENSOR" --test-rules -S "$rules" >"$out/test-rules" 2>&1 </dev/null &&
                grep -q "^rules: $nrules loaded, 0 skipped" "$out/test-rules"; then
            ok "$name: the $nrules rules of $cname.rules load"
        else
            fail "$name: not every rule of $cname.rules loads: $(grep -v '^rules\|^  ' "$out/test-rules" | head -n 3)"
        fi
        # shellcheck disable=SC2068 # options are words
        timeout -s KILL 60 "$CANH_SENSOR" -r "$tmp/$cname.pcap" -S "$rules" -l "$out" -k none \
            --set output.stats-interval=0 --set logging.level=error --set dpi.risk-alerts.enabled=no \
            $@ >"$out/log" 2>&1 </dev/null
        rc=$?
    fi
    if [ $rc -ne 0 ] || [ ! -f "$out/eve.json" ]; then
        fail "$name: the run failed (exit $rc): $(tail -n 3 "$out/log")"
        return 0
    fi
    if grep -q 'Sanitizer\|runtime error' "$out/log"; then
        fail "$name: sanitizer report: $(grep -m1 'Sanitizer\|runtime error' "$out/log")"
    fi
    jq -c 'select(.event_type == "alert")' "$out/eve.json" >"$alerts"
}

# fires SID COUNT PROJECTION EXPECTED: SID alerts COUNT times, and the jq PROJECTION of
# its alerts, sorted by pcap_cnt, is the JSON array EXPECTED.
fires() {
    [ "$skip_run" = yes ] && return 0
    sid=$1 count=$2 proj=$3 want=$4
    listed="$listed $sid"
    n=$(jq -c --argjson sid "$sid" 'select(.alert.signature_id == $sid)' "$alerts" | wc -l)
    if [ "$n" -ne "$count" ]; then
        fail "$name: sid $sid alerted $n times, expected $count"
        [ "$n" -eq 0 ] && return 0
    else
        ok "$name: sid $sid alerted $count time(s)"
    fi
    got=$(jq -c -s --argjson sid "$sid" "map(select(.alert.signature_id == \$sid))
        | sort_by(.pcap_cnt) | map($proj)" "$alerts" 2>&1)
    if jq -e -n --argjson got "$got" --argjson want "$want" '$got == $want' >/dev/null 2>&1; then
        ok "$name: sid $sid fields"
    else
        fail "$name: sid $sid fields"
        echo "    got:  $got" | cut -c1-800
        echo "    want: $(echo "$want" | jq -c . 2>&1)" | cut -c1-800
    fi
}

# silent SID...: none of these rules alerts.
silent() {
    [ "$skip_run" = yes ] && return 0
    for sid in "$@"; do
        listed="$listed $sid"
        n=$(jq -c --argjson sid "$sid" 'select(.alert.signature_id == $sid)' "$alerts" | wc -l)
        if [ "$n" -eq 0 ]; then
            ok "$name: sid $sid does not alert"
        else
            fail "$name: sid $sid alerted $n times, expected none (pcap_cnt" \
                "$(jq -r --argjson sid "$sid" 'select(.alert.signature_id == $sid) | .pcap_cnt' "$alerts" |
                    tr '\n' ' '))"
        fi
    done
}

# done_run: no alert other than those of the SIDs named by fires/silent.
done_run() {
    [ "$skip_run" = yes ] && return 0
    others=$(jq -r '.alert.signature_id' "$alerts" | sort -u | while read -r s; do
        case " $listed " in *" $s "*) ;; *) printf '%s ' "$s" ;; esac
    done)
    if [ -z "$others" ]; then
        ok "$name: no other alert"
    else
        fail "$name: alerts of rules the case does not expect: sids $others"
    fi
}

# Projections of an alert: where and what it is. Fields that Suricata's default alert
# output also has, so that ORACLE=1 checks the same ones.
TCPAPP='{pcap_cnt, direction, src_port, dest_port, app_proto, stream}'
RAW='{pcap_cnt, direction, src_port, dest_port, stream, payload_printable}'

# --- 1. HTTP bodies: chunked + gzip, deflate, raw deflate ---------------------------
# The markers are only in the decoded bodies. Suricata inspects each response body when
# the client has ACKed all of it, on the server's next packet: the FIN/ACK (11, 21, 31).
run http-encoded http-encoded
fires 9100101 1 "$TCPAPP + {url: .http.url, status: .http.status}" \
    '[{"pcap_cnt":11,"direction":"to_client","src_port":80,"dest_port":40001,"app_proto":"http","stream":1,"url":"/gz","status":200}]'
fires 9100102 1 "$TCPAPP + {url: .http.url, status: .http.status}" \
    '[{"pcap_cnt":21,"direction":"to_client","src_port":80,"dest_port":40002,"app_proto":"http","stream":1,"url":"/deflate","status":200}]'
fires 9100108 1 "$TCPAPP + {url: .http.url, status: .http.status}" \
    '[{"pcap_cnt":31,"direction":"to_client","src_port":80,"dest_port":40003,"app_proto":"http","stream":1,"url":"/rawdeflate","status":200}]'
silent 9100103 9100104 9100105 9100106 9100107
done_run

# --- 2. Pipelined requests -------------------------------------------------------------
# Three requests in packet 4 (ACKed by 5): the request rule runs on the client's next
# packet (7); the 404 (packet 8) belongs to /second and is inspected at 10.
run http-pipeline http-pipeline
fires 9100201 1 "$TCPAPP + {url: .http.url, method: .http.http_method, host: .http.hostname}" \
    '[{"pcap_cnt":7,"direction":"to_server","src_port":40010,"dest_port":80,"app_proto":"http","stream":1,"url":"/second","method":"GET","host":"www.canh.test"}]'
fires 9100202 1 "$TCPAPP + {url: .http.url, status: .http.status}" \
    '[{"pcap_cnt":10,"direction":"to_client","src_port":80,"dest_port":40010,"app_proto":"http","stream":1,"url":"/second","status":404}]'
silent 9100203 9100204
done_run

# --- 3. Out-of-order and overlapping segments ------------------------------------------
# Segments sent 3, 1, 2: the stream in sequence order, inspected at the client's FIN (12)
# as a stream of a protocol without a parser is (no chunk size reached before).
run tcp-ooo tcp-ooo
fires 9100301 1 "$RAW" \
    '[{"pcap_cnt":12,"direction":"to_server","src_port":40020,"dest_port":7000,"stream":1,"payload_printable":"ooo-alpha-ooo-bravo-ooo-charlie\n"}]'
silent 9100302
done_run

# A retransmission with different bytes: the default policy keeps the first bytes
# (Suricata's default 'windows' policy does, for a segment that overlaps exactly).
run tcp-overlap tcp-overlap
fires 9100401 1 "$RAW" \
    '[{"pcap_cnt":11,"direction":"to_server","src_port":40030,"dest_port":7001,"stream":1,"payload_printable":"overlap-FIRST-tail-of-stream\n"}]'
silent 9100402
done_run

run tcp-overlap-last tcp-overlap --set stream.reassembly.policy=last
fires 9100402 1 "$RAW" \
    '[{"pcap_cnt":11,"direction":"to_server","src_port":40030,"dest_port":7001,"stream":1,"payload_printable":"overlap-LASTX-tail-of-stream\n"}]'
silent 9100401
done_run

# --- 4. A pattern split across two segments --------------------------------------------
run tcp-split tcp-split
fires 9100501 1 "$RAW" \
    '[{"pcap_cnt":10,"direction":"to_server","src_port":40040,"dest_port":7002,"stream":1,"payload_printable":"hello EVILPATTERN here\n"}]'
silent 9100502
done_run

# --- 5. Thresholds, flowbits, DNS, TLS -------------------------------------------------
# Five flows from 192.0.2.10, then one from 192.0.2.99, all to 198.51.100.20:9999.
run threshold threshold
UDP='{pcap_cnt, src_ip, src_port, stream, payload_printable}'
# limit 1 by_src: the first packet of each source.
fires 9100601 2 "$UDP" \
    '[{"pcap_cnt":1,"src_ip":"192.0.2.10","src_port":41001,"stream":0,"payload_printable":"canh-probe 1"},
      {"pcap_cnt":6,"src_ip":"192.0.2.99","src_port":41006,"stream":0,"payload_printable":"canh-probe 6"}]'
# threshold 5 by_src: the fifth match from 192.0.2.10.
fires 9100602 1 "$UDP" \
    '[{"pcap_cnt":5,"src_ip":"192.0.2.10","src_port":41005,"stream":0,"payload_printable":"canh-probe 5"}]'
# detection_filter 4 by_src: every match after the fourth, the fifth only.
fires 9100603 1 "$UDP" \
    '[{"pcap_cnt":5,"src_ip":"192.0.2.10","src_port":41005,"stream":0,"payload_printable":"canh-probe 5"}]'
# both 6 by_dst: the sixth match to 198.51.100.20, whatever its source.
fires 9100604 1 "$UDP" \
    '[{"pcap_cnt":6,"src_ip":"192.0.2.99","src_port":41006,"stream":0,"payload_printable":"canh-probe 6"}]'
silent 9100605 9100606
done_run

# The same on 2 workers: the flows are spread over both, the counts are shared. Which
# packet comes sixth to a destination is up to the workers' order (in Suricata too), so
# only who alerts is checked.
run threshold-workers2 threshold --workers 2
fires 9100601 2 '{src_ip}' '[{"src_ip":"192.0.2.10"},{"src_ip":"192.0.2.99"}]'
fires 9100602 1 '{src_ip}' '[{"src_ip":"192.0.2.10"}]'
fires 9100603 1 '{src_ip}' '[{"src_ip":"192.0.2.10"}]'
fires 9100604 1 '{dest_ip}' '[{"dest_ip":"198.51.100.20"}]'
silent 9100605 9100606
done_run

# GET /login then GET /admin on 40050; GET /admin alone on 40051. Each request is
# inspected on the client's packet after the server's ACK.
run flowbits flowbits
fires 9100703 1 "$TCPAPP + {url: .http.url}" \
    '[{"pcap_cnt":11,"direction":"to_server","src_port":40050,"dest_port":80,"app_proto":"http","stream":1,"url":"/admin"}]'
fires 9100704 1 "$TCPAPP + {url: .http.url}" \
    '[{"pcap_cnt":21,"direction":"to_server","src_port":40051,"dest_port":80,"app_proto":"http","stream":1,"url":"/admin"}]'
silent 9100701 9100702 9100705
done_run

# The query (packet 1), not the answer that repeats the question (2).
run dns dns
fires 9100801 1 '{pcap_cnt, direction, src_port, dest_port, app_proto, stream,
                  query: [.dns.query[]? | {rrname, rrtype, id}]}' \
    '[{"pcap_cnt":1,"direction":"to_server","src_port":42001,"dest_port":53,"app_proto":"dns","stream":0,
       "query":[{"rrname":"evil.canh.test","rrtype":"A","id":4660}]}]'
silent 9100802 9100803
done_run

# The ClientHello (4, ACKed by 5) is inspected on the client's next packet (7).
run tls tls
fires 9100901 1 "$TCPAPP + {sni: .tls.sni}" \
    '[{"pcap_cnt":7,"direction":"to_server","src_port":40060,"dest_port":443,"app_proto":"tls","stream":1,"sni":"secure.canh.test"}]'
silent 9100902 9100903
done_run

# Decoder events are alertable through rules in their reserved SID range: the project's
# rules/decoder-events.rules over the decoder captures of the golden suite (Canh only).
MKPCAP="${CANH_TESTS:-}/mkpcap"
if [ "$oracle" != 1 ] && [ -x "$MKPCAP" ]; then
    mkdir -p "$tmp/dec" "$tmp/decout"
    if "$MKPCAP" "$tmp/dec" >/dev/null 2>&1; then
        for p in "$tmp"/dec/*.pcap; do
            "$CANH_SENSOR" -r "$p" -S "$HERE/../rules/decoder-events.rules" -l "$tmp/decout" -k none \
                --set logging.level=error --set dpi.risk-alerts.enabled=no 2>>"$tmp/decout/err"
        done
        # every decoder anomaly is matched by exactly one alert with its SID
        an=$(jq -r 'select(.event_type=="anomaly" and .anomaly.type=="decode") | .anomaly.sid' \
             "$tmp/decout/eve.json" | sort | uniq -c)
        al=$(jq -r 'select(.event_type=="alert") | .alert.signature_id' "$tmp/decout/eve.json" |
             sort | uniq -c)
        n=$(printf '%s\n' "$an" | grep -c .)
        if [ -n "$an" ] && [ "$an" = "$al" ] && [ ! -s "$tmp/decout/err" ]; then
            ok "decoder events: $n distinct events each alerted once per occurrence by decoder-events.rules"
        else
            fail "decoder events: anomalies and alerts differ (anomalies: $(echo $an); alerts: $(echo $al))"
        fi
    fi
fi

echo "rules: $((checks - bad)) passed, $bad failed"
[ $bad -eq 0 ]
