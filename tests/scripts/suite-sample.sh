#!/bin/sh
# The sensor on the sample capture of an agency network (tests/captures/sample.pcap, made by
# tests/tools/make-sample-capture.sh; see tests/captures/README.md) sees what was generated:
# the app-layer events of the normal traffic and of the attacks, nDPI's risks on the attack
# flows (and none on the normal browsing), the port scan, no decoder anomalies, and the
# same events with 2 workers as with 1.
#
# The checks name what the generator did, not byte counts, so a regenerated capture passes
# as long as it holds the same story.
set -u
: "${HERE:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${CANH_SENSOR:?CANH_SENSOR is not set (run through tests/run-tests.sh)}"
PCAP=$HERE/captures/sample.pcap
command -v jq >/dev/null || { echo "SKIP jq is not installed"; exit 77; }
[ -r "$PCAP" ] || { echo "FAIL $PCAP is missing"; exit 1; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for w in 1 2; do
    mkdir "$tmp/w$w"
    "$CANH_SENSOR" -r "$PCAP" -l "$tmp/w$w" -k none --workers $w --set logging.level=warning ||
        { echo "FAIL canh-sensor exited with $? ($w workers)"; exit 1; }
done
EVE=$tmp/w1/eve.json

LIB='
def ev($t): map(select(.event_type == $t));
def flows: ev("flow");
def risks_of($id): [.[] | select(.event_type == "flow" and .flow_id == $id) | .ndpi.risks // [] | .[]];
def hex32: type == "string" and test("^[0-9a-fA-F]{32}$");
def http_url($re): ev("http") | map(select(.http.url // "" | test($re)));
'
passed=0
failed=0
# check NAME JQ-EXPRESSION: the expression, over all events (slurped), must be true.
check() {
    if jq -e -s "$LIB $2" "$EVE" >/dev/null 2>"$tmp/err"; then
        passed=$((passed + 1))
        echo "ok   $1"
    else
        failed=$((failed + 1))
        echo "FAIL $1"
        [ -s "$tmp/err" ] && sed 's/^/     jq: /' "$tmp/err"
    fi
}
# risk_on_http NAME URL-REGEX RISK...: every http event whose url matches has a flow with each RISK.
risk_on_http() {
    name=$1 re=$2
    shift 2
    for r in "$@"; do
        check "$name: nDPI risk \"$r\"" "
            . as \$all | http_url(\"$re\") | length > 0 and
            all(.[]; . as \$e | (\$all | risks_of(\$e.flow_id)) | index(\"$r\") != null)"
    done
}

echo "== stats and decoder"
check "stats event: >1000 packets, >300 flows, nothing invalid, no bad checksum, no drops" '
    ev("stats")[-1].stats as $s |
    $s.capture.packets > 1000 and $s.flow.created > 300 and $s.decoder.invalid == 0 and
    ($s.decoder.csum_bad_ipv4 + $s.decoder.csum_bad_tcp + $s.decoder.csum_bad_udp + $s.decoder.csum_bad_icmp) == 0 and
    $s.output.dropped == 0'
check "no anomaly events" 'ev("anomaly") | length == 0'

echo "== HTTP (normal browsing)"
check "GET / on www.agency.example, browser user agent, 200 text/html" '
    ev("http") | any(.[]; .src_ip == "10.10.1.23" and .dest_port == 80 and .http.hostname == "www.agency.example" and
        .http.url == "/" and .http.http_method == "GET" and .http.status == 200 and
        (.http.http_user_agent | startswith("Mozilla/5.0 (Windows NT 10.0")) and
        (.http.http_content_type | startswith("text/html")))'
check "POST /login form (request content type), answered 302" '
    ev("http") | any(.[]; .http.http_method == "POST" and .http.url == "/login" and
        .http.http_request_content_type == "application/x-www-form-urlencoded" and .http.status == 302)'
check "download of setup.exe as application/x-msdownload" '
    ev("http") | any(.[]; .http.hostname == "updates.vendor.example" and .http.url == "/files/setup.exe" and
        .http.http_content_type == "application/x-msdownload")'
check "normal browsing flows (10.10.1.23 -> www.agency.example) carry no nDPI risk" '
    . as $all | ev("http") | map(select(.src_ip == "10.10.1.23" and .http.hostname == "www.agency.example")) |
    length >= 4 and all(.[]; . as $e | ($all | risks_of($e.flow_id)) | length == 0)'

echo "== HTTP (attacks)"
check "SQL injection URLs (2) with the sqlmap user agent" '
    http_url("UNION%20SELECT|OR%201=1") | length == 2 and
    all(.[]; .src_ip == "10.10.1.66" and .http.hostname == "www.agency.example" and
        (.http.http_user_agent | startswith("sqlmap/")) and .http.status == 404)'
check "XSS URL" 'http_url("^/search\\?q=%3Cscript%3E") | length == 1'
check "path traversal URL kept as sent (not normalised)" 'http_url("^/download\\.php\\?file=\\.\\./\\.\\./\\.\\./\\.\\./etc/passwd$") | length == 1'
check "web shell request" 'http_url("^/uploads/shell\\.php\\?cmd=") | length == 1'
check "Nikto user agent" 'ev("http") | any(.[]; .http.http_user_agent // "" | test("Nikto/"))'
check "Log4Shell (jndi) user agent" 'ev("http") | any(.[]; .http.http_user_agent // "" | startswith("${jndi:ldap://"))'
check "request to a numeric IP host" 'ev("http") | any(.[]; .http.hostname == "172.16.0.80" and .http.url == "/phpmyadmin/index.php")'
check "C2 beacon: POST /gate.php to the DGA domain" '
    ev("http") | any(.[]; .http.hostname == "kq3v9zxw7hjtpm.com" and .dest_ip == "172.16.0.99" and
        .http.http_method == "POST" and .http.url == "/gate.php")'
risk_on_http "SQL injection" "UNION%20SELECT|OR%201=1" "SQL Injection" "HTTP Suspicious User-Agent"
risk_on_http "XSS" "^/search" "XSS Attack"
risk_on_http "path traversal" "^/download\\\\.php" "HTTP Suspicious URL"
risk_on_http "numeric IP" "^/phpmyadmin" "HTTP Numeric IP Address"
risk_on_http "download" "setup\\\\.exe" "Binary Application Transfer"
risk_on_http "admin page with Basic auth" "^/admin/" "Clear-Text Credentials"
risk_on_http "C2 beacon" "^/gate\\\\.php" "Suspicious DGA Domain name"
check "Log4Shell flow: nDPI risks Possible Exploit Detected + HTTP Suspicious User-Agent" '
    . as $all | ev("http") | map(select(.http.http_user_agent // "" | startswith("${jndi"))) |
    length == 1 and (.[0] as $e | $all | risks_of($e.flow_id) |
        index("Possible Exploit Detected") != null and index("HTTP Suspicious User-Agent") != null)'

echo "== TLS"
check "TLS 1.2 to portal:443: SNI, version, self-signed subject = issuer, SHA-1 fingerprint, validity, JA3, JA3S" '
    ev("tls") | map(select(.dest_port == 443)) | length == 1 and (.[0].tls |
        .sni == "portal.agency.example" and .version == "TLS 1.2" and
        (.subject | test("CN=portal\\.agency\\.example")) and (.subject | test("O=Agency Example")) and
        .issuerdn == .subject and (.fingerprint | test("^([0-9a-f]{2}:){19}[0-9a-f]{2}$")) and
        (.notbefore | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}$")) and .notafter > .notbefore and
        (.ja3.hash | hex32) and (.ja3s.hash | hex32))'
check "TLS 1.2 flow: nDPI risks Self-signed Certificate + TLS Certificate Validity Too Long" '
    . as $all | ev("tls") | map(select(.dest_port == 443)) | length == 1 and
    (.[0] as $e | $all | risks_of($e.flow_id) |
        index("Self-signed Certificate") != null and index("TLS Certificate Validity Too Long") != null)'
check "TLS 1.3 to mail:8443: SNI, JA3/JA3S, no certificate (encrypted), non-standard port risk" '
    . as $all | ev("tls") | map(select(.dest_port == 8443)) | length == 1 and (.[0] as $e | $e.tls |
        .sni == "mail.agency.example" and .version == "TLS 1.3" and .subject == null and
        (.ja3.hash | hex32) and (.ja3s.hash | hex32) and .ja3s.hash != (($all | ev("tls") | map(select(.dest_port == 443)))[0].tls.ja3s.hash)) and
    (.[0] as $e | $all | risks_of($e.flow_id) | index("Known Protocol on Non Standard Port") != null)'

echo "== SSH"
check "workstation session: OpenSSH client, dropbear server, both proto 2.0, banners without CR/LF" '
    ev("ssh") | map(select(.src_ip == "10.10.1.23")) | length == 1 and (.[0].ssh |
        .client.proto_version == "2.0" and (.client.software_version | startswith("OpenSSH_")) and
        .server.proto_version == "2.0" and (.server.software_version | startswith("dropbear_")) and
        ([.client.software_version, .server.software_version] | all(test("[\\r\\n]") | not)))'
check "password guessing: >= 8 SSH connections from 10.10.1.66 with paramiko and its hassh" '
    ev("ssh") | map(select(.src_ip == "10.10.1.66" and .dest_ip == "172.16.0.22")) | length >= 8 and
    all(.[]; (.ssh.client.software_version | startswith("paramiko_")) and (.ssh.client.hassh.hash | hex32)) and
    (map(.ssh.client.hassh.hash) | unique | length == 1)'
check "password guessing flows: nDPI risk SSH Obsolete Client Version/Cipher" '
    flows | map(select(.src_ip == "10.10.1.66" and .app_proto == "ssh" and .dest_ip == "172.16.0.22")) | length >= 8 and
    all(.[]; .ndpi.risks // [] | index("SSH Obsolete Client Version/Cipher") != null)'
check "every SSH connection names the server software, also when dropbear sends its banner with its key exchange (Canh reads the identification lines itself)" '
    ev("ssh") | length >= 9 and all(.[]; .ssh.server.software_version == "dropbear_2022.83" and .ssh.server.proto_version == "2.0")'
check "no hassh is the MD5 of nothing (a KEXINIT nDPI did not see whole)" '
    [ev("ssh")[] | .ssh.client.hassh.hash?, .ssh.server.hassh.hash? | strings | ascii_downcase] |
    index("d41d8cd98f00b204e9800998ecf8427e") == null'

echo "== DNS"
check "answer: www.agency.example A 172.16.0.80 NOERROR" '
    ev("dns") | any(.[]; .dns.type == "answer" and .dns.rrname == "www.agency.example" and .dns.rcode == "NOERROR" and
        any(.dns.answers[]?; .rrtype == "A" and .rdata == "172.16.0.80"))'
check "TXT and MX queries for agency.example answered" '
    ev("dns") | any(.[]; .dns.rrname == "agency.example" and .dns.rrtype == "TXT" and .dns.rcode == "NOERROR") and
                any(.[]; .dns.rrname == "agency.example" and .dns.rrtype == "MX" and .dns.rcode == "NOERROR")'
check "query without answer (dead resolver 172.16.0.54) is a query event" '
    ev("dns") | any(.[]; .dest_ip == "172.16.0.54" and .dns.type == "query" and .dns.rrname == "www.agency.example" and
        .dns.rrtype == "A" and .dns.rcode == null)'
check "DGA names: 3 NXDOMAIN, the C2 name resolves to 172.16.0.99" '
    ev("dns") | (map(select(.src_ip == "10.10.1.66" and .dns.rcode == "NXDOMAIN")) | length == 3) and
    any(.[]; .dns.rrname == "kq3v9zxw7hjtpm.com" and .dns.answers[0].rdata == "172.16.0.99")'
check "DGA lookups: 4 DNS flows with the nDPI risk Suspicious DGA Domain name, none on agency names" '
    flows | (map(select(.app_proto == "dns" and (.ndpi.risks // [] | index("Suspicious DGA Domain name")))) |
             length == 4 and all(.[]; .src_ip == "10.10.1.66")) and
            (map(select(.app_proto == "dns" and .src_ip == "10.10.1.23" and .ndpi.risks)) | length == 0)'

echo "== scan, ICMP, UDP"
check "SYN scan: >= 250 distinct TCP ports of 172.16.0.80 probed by 10.10.1.66, nearly all without payload" '
    flows | map(select(.proto == "TCP" and .src_ip == "10.10.1.66" and .dest_ip == "172.16.0.80")) |
    (map(.dest_port) | unique | length >= 250) and
    (map(select(.flow.pkts_toserver <= 2 and .flow.bytes_toserver <= 140)) | length >= 250)'
check "pings: ICMP echo flows from both hosts" '
    flows | map(select(.proto == "ICMP" and .icmp_type == 8)) |
    (map(.src_ip) | unique) == ["10.10.1.23", "10.10.1.66"]'
check "NTP exchange and syslog messages" '
    flows | any(.[]; .app_proto == "ntp" and .dest_port == 123 and .flow.pkts_toclient == 1) and
    (map(select(.ndpi.protocol == "Syslog" and .dest_port == 514)) | length >= 3)'

echo "== workers"
norm() { jq -c 'select(.event_type != "stats") | del(.event_id)' "$1" | sort; }
if norm "$tmp/w1/eve.json" >"$tmp/a" && norm "$tmp/w2/eve.json" >"$tmp/b" && [ -s "$tmp/a" ] &&
    cmp -s "$tmp/a" "$tmp/b"; then
    passed=$((passed + 1))
    echo "ok   --workers 2 gives the same $(wc -l <"$tmp/a" | tr -d ' ') events (minus event_id and stats)"
else
    failed=$((failed + 1))
    echo "FAIL --workers 2 gives different events:"
    diff "$tmp/a" "$tmp/b" | head -6 | cut -c1-300
fi

echo "sample: $passed checks passed, $failed failed"
[ $failed -eq 0 ]
