#!/usr/bin/env python3
"""Writes the captures of the rule engine's golden suite (tests/scripts/suite-rules.sh).

    mkpcap-rules.py OUTDIR

One capture per case, each named after it (OUTDIR/<case>.pcap); what each holds is said
above the function that builds it, and tests/golden/rules/<case>.rules has the rules
run on it. Every TCP conversation is complete, so that the IDS-mode stream engine (of
Canh and of Suricata) sees all of it: three-way handshake, every data segment ACKed by
the peer (out-of-order segments get the duplicate ACKs a real stack sends), FIN both
ways. Every checksum is correct. Only the standard library is used (no scapy)."""

import gzip
import ipaddress
import os
import struct
import sys
import zlib

LINKTYPE_ETHERNET = 1
SYN, FIN, PSH, ACK = 0x02, 0x01, 0x08, 0x10

CLIENT = "192.0.2.10"
SERVER = "198.51.100.20"


# --- packets ------------------------------------------------------------------------

def csum(data):
    """Internet checksum (RFC 1071)."""
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def ipv4(src, dst, proto, payload, ident):
    src, dst = ipaddress.IPv4Address(src).packed, ipaddress.IPv4Address(dst).packed
    hdr = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), ident & 0xFFFF, 0x4000,
                      64, proto, 0, src, dst)
    return hdr[:10] + struct.pack("!H", csum(hdr)) + hdr[12:] + payload


def l4_csum(src, dst, proto, seg):
    pseudo = (ipaddress.IPv4Address(src).packed + ipaddress.IPv4Address(dst).packed +
              struct.pack("!BBH", 0, proto, len(seg)))
    return csum(pseudo + seg)


def tcp(src, dst, sport, dport, seq, ack, flags, payload):
    hdr = struct.pack("!HHIIBBHHH", sport, dport, seq & 0xFFFFFFFF, ack & 0xFFFFFFFF, 5 << 4,
                      flags, 65535, 0, 0)
    c = l4_csum(src, dst, 6, hdr + payload)
    return hdr[:16] + struct.pack("!H", c) + hdr[18:] + payload


def udp(src, dst, sport, dport, payload):
    hdr = struct.pack("!HHHH", sport, dport, 8 + len(payload), 0)
    c = l4_csum(src, dst, 17, hdr + payload) or 0xFFFF
    return hdr[:6] + struct.pack("!H", c) + payload


def ether(ip):
    return b"\x02\0\0\0\0\x02" + b"\x02\0\0\0\0\x01" + struct.pack("!H", 0x0800) + ip


class Capture:
    """Frames of one capture, 1 ms apart, numbered from 1 as pcap_cnt counts them."""

    def __init__(self):
        self.frames = []
        self.ident = 1

    def add(self, src, dst, proto, l4):
        self.frames.append(ether(ipv4(src, dst, proto, l4, self.ident)))
        self.ident += 1
        return len(self.frames)

    def write(self, path, t0=1700000000):
        with open(path, "wb") as f:
            f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, LINKTYPE_ETHERNET))
            for i, fr in enumerate(self.frames):
                f.write(struct.pack("<IIII", t0 + i // 1000, (i % 1000) * 1000, len(fr), len(fr)))
                f.write(fr)


class Tcp:
    """One TCP conversation between CLIENT:sport and SERVER:dport in capture 'cap'.
    Sequence numbers are kept relative to the ISNs (client 1000, server 5000)."""

    def __init__(self, cap, sport, dport, cli=CLIENT, srv=SERVER):
        self.cap, self.sport, self.dport, self.cli, self.srv = cap, sport, dport, cli, srv
        self.cseq, self.sseq = 1000, 5000

    def seg(self, to_server, seq, ack, flags, data=b""):
        if to_server:
            l4 = tcp(self.cli, self.srv, self.sport, self.dport, seq, ack, flags, data)
            return self.cap.add(self.cli, self.srv, 6, l4)
        l4 = tcp(self.srv, self.cli, self.dport, self.sport, seq, ack, flags, data)
        return self.cap.add(self.srv, self.cli, 6, l4)

    def handshake(self):
        self.seg(True, self.cseq, 0, SYN)
        self.seg(False, self.sseq, self.cseq + 1, SYN | ACK)
        self.cseq += 1
        self.sseq += 1
        self.seg(True, self.cseq, self.sseq, ACK)

    def client(self, data):
        """Client data, ACKed by the server. Returns the data packet's number."""
        n = self.seg(True, self.cseq, self.sseq, PSH | ACK, data)
        self.cseq += len(data)
        self.seg(False, self.sseq, self.cseq, ACK)
        return n

    def server(self, data):
        """Server data, ACKed by the client. Returns the data packet's number."""
        n = self.seg(False, self.sseq, self.cseq, PSH | ACK, data)
        self.sseq += len(data)
        self.seg(True, self.cseq, self.sseq, ACK)
        return n

    def close(self):
        """Client FIN, server FIN/ACK, client ACK."""
        self.seg(True, self.cseq, self.sseq, FIN | ACK)
        self.cseq += 1
        self.seg(False, self.sseq, self.cseq, FIN | ACK)
        self.sseq += 1
        self.seg(True, self.cseq, self.sseq, ACK)


def chunked(body, sizes):
    """HTTP/1.1 chunked coding of 'body' in chunks of the given sizes (the rest last)."""
    out, off = b"", 0
    for n in sizes + [len(body)]:
        part = body[off:off + n]
        if part:
            out += b"%x\r\n" % len(part) + part + b"\r\n"
        off += len(part)
    return out + b"0\r\n\r\n"


def request(uri, host="www.canh.test"):
    return b"GET %s HTTP/1.1\r\nHost: %s\r\nUser-Agent: canh-rules-test\r\n\r\n" % (
        uri.encode(), host.encode())


# --- cases ------------------------------------------------------------------------------

def http_encoded(out):
    """Three HTTP/1.1 connections to port 80 (client ports 40001-40003), one request
    and one response each. 40001: GET /gz, answered with Transfer-Encoding: chunked and
    Content-Encoding: gzip (the gzip stream cut into chunks of 7, 50 and the rest bytes,
    the response sent in two segments cutting a chunk). 40002: GET /deflate, answered
    with Content-Length and Content-Encoding: deflate in the zlib format (RFC 1950, as
    RFC 9110 defines 'deflate'). 40003: GET /rawdeflate, the same with a raw deflate
    stream (RFC 1951, no zlib header), which some servers send and libhtp accepts. The
    markers CANH-GZIP-MARKER, CANH-DEFLATE-MARKER and CANH-RAWDEFLATE-MARKER appear only
    in the decoded bodies, never in the bytes on the wire."""
    cap = Capture()
    text = (b"<html><body>" + b"filler text before the marker; " * 20 +
            b"CANH-GZIP-MARKER" + b" and more filler after it." * 20 + b"</body></html>\n")
    gz = gzip.compress(text, compresslevel=9, mtime=0)
    body = chunked(gz, [7, 50])
    head = (b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Encoding: gzip\r\n"
            b"Transfer-Encoding: chunked\r\n\r\n")
    wire = head + body
    assert b"CANH-GZIP-MARKER" not in wire
    c = Tcp(cap, 40001, 80)
    c.handshake()
    c.client(request("/gz"))
    half = len(head) + 40
    c.server(wire[:half])
    c.server(wire[half:])
    c.close()

    text = b"deflated page: " + b"x=1&y=2; " * 30 + b"CANH-DEFLATE-MARKER" + b" end\n" * 10
    zd = zlib.compress(text, 9)
    wire = (b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Encoding: deflate\r\n"
            b"Content-Length: %d\r\n\r\n" % len(zd)) + zd
    assert b"CANH-DEFLATE-MARKER" not in wire
    c = Tcp(cap, 40002, 80)
    c.handshake()
    c.client(request("/deflate"))
    c.server(wire)
    c.close()

    text = b"raw deflate page: " + b"a=b&c=d " * 30 + b"CANH-RAWDEFLATE-MARKER" + b" end\n" * 10
    co = zlib.compressobj(9, zlib.DEFLATED, -15)
    rd = co.compress(text) + co.flush()
    wire = (b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Encoding: deflate\r\n"
            b"Content-Length: %d\r\n\r\n" % len(rd)) + rd
    assert b"CANH-RAWDEFLATE-MARKER" not in wire
    c = Tcp(cap, 40003, 80)
    c.handshake()
    c.client(request("/rawdeflate"))
    c.server(wire)
    c.close()
    cap.write(os.path.join(out, "http-encoded.pcap"))


def http_pipeline(out):
    """One HTTP/1.1 connection (client port 40010 to 80): GET /first, GET /second and
    GET /third pipelined in one segment (packet 4, ACKed by 5), then the three responses
    in three segments, each ACKed: 200 (6), 404 (8), 200 (10)."""
    cap = Capture()
    c = Tcp(cap, 40010, 80)
    c.handshake()
    c.client(request("/first") + request("/second") + request("/third"))
    for status, body in ((b"200 OK", b"first body\n"), (b"404 Not Found", b"no second\n"),
                         (b"200 OK", b"third body\n")):
        c.server(b"HTTP/1.1 %s\r\nContent-Type: text/plain\r\nContent-Length: %d\r\n\r\n%s" %
                 (status, len(body), body))
    c.close()
    cap.write(os.path.join(out, "http-pipeline.pcap"))


def tcp_ooo(out):
    """One connection, client port 40020 to 7000, a line protocol no parser knows. After
    the handshake (1-3) the client sends "ooo-alpha-" "ooo-bravo-" "ooo-charlie\\n" as
    three segments in the order 3, 1, 2: packet 4 is the third (the server answers with a
    duplicate ACK, 5), 6 the first (ACKed up to its end, 7), 8 the second (ACKed up to
    the end of the third, 9). Then the server answers "ok\\n" (10, ACK 11) and both
    close (12-14)."""
    cap = Capture()
    c = Tcp(cap, 40020, 7000)
    c.handshake()
    parts = [b"ooo-alpha-", b"ooo-bravo-", b"ooo-charlie\n"]
    base = c.cseq
    offs = [0, len(parts[0]), len(parts[0]) + len(parts[1])]
    total = sum(len(p) for p in parts)
    c.seg(True, base + offs[2], c.sseq, PSH | ACK, parts[2])
    c.seg(False, c.sseq, base, ACK)
    c.seg(True, base + offs[0], c.sseq, PSH | ACK, parts[0])
    c.seg(False, c.sseq, base + offs[1], ACK)
    c.seg(True, base + offs[1], c.sseq, PSH | ACK, parts[1])
    c.seg(False, c.sseq, base + total, ACK)
    c.cseq = base + total
    c.server(b"ok\n")
    c.close()
    cap.write(os.path.join(out, "tcp-ooo.pcap"))


def tcp_overlap(out):
    """One connection, client port 40030 to 7001. After the handshake (1-3) the client
    sends "overlap-FIRST" (4) and, before any ACK, a retransmission of the same 13 bytes
    at the same sequence number with different contents, "overlap-LASTX" (5); the server
    ACKs them (6). Then the client sends "-tail-of-stream\\n" (7, ACK 8), the server
    "ok\\n" (9, ACK 10), and both close (11-13). The strings "FIRST-tail" and
    "LASTX-tail" exist only in the reassembled stream, never in one packet: which one
    it holds depends on the overlap policy alone."""
    cap = Capture()
    c = Tcp(cap, 40030, 7001)
    c.handshake()
    first, second = b"overlap-FIRST", b"overlap-LASTX"
    assert len(first) == len(second)
    c.seg(True, c.cseq, c.sseq, PSH | ACK, first)
    c.seg(True, c.cseq, c.sseq, PSH | ACK, second)
    c.cseq += len(first)
    c.seg(False, c.sseq, c.cseq, ACK)
    c.client(b"-tail-of-stream\n")
    c.server(b"ok\n")
    c.close()
    cap.write(os.path.join(out, "tcp-overlap.pcap"))


def tcp_split(out):
    """One connection, client port 40040 to 7002: "hello EVIL" (4, ACK 5) then
    "PATTERN here\\n" (6, ACK 7), the server's "ok\\n" (8, ACK 9), close (10-12).
    EVILPATTERN is in the stream but in no single packet."""
    cap = Capture()
    c = Tcp(cap, 40040, 7002)
    c.handshake()
    c.client(b"hello EVIL")
    c.client(b"PATTERN here\n")
    c.server(b"ok\n")
    c.close()
    cap.write(os.path.join(out, "tcp-split.pcap"))


def threshold(out):
    """Five UDP flows from CLIENT (source ports 41001-41005) to SERVER port 9999, one
    datagram "canh-probe N" each (packets 1-5), then one datagram "canh-probe 6" from
    another host, 192.0.2.99, port 41006 (packet 6). Thresholds tracked by_src count 5
    for CLIENT, by_dst 6 for SERVER."""
    cap = Capture()
    for i in range(1, 6):
        cap.add(CLIENT, SERVER, 17, udp(CLIENT, SERVER, 41000 + i, 9999, b"canh-probe %d" % i))
    other = "192.0.2.99"
    cap.add(other, SERVER, 17, udp(other, SERVER, 41006, 9999, b"canh-probe 6"))
    cap.write(os.path.join(out, "threshold.pcap"))


def flowbits(out):
    """Two HTTP/1.1 connections to port 80. Client port 40050: GET /login (4, ACK 5),
    200 (6, ACK 7), then on the same connection GET /admin (8, ACK 9), 200 (10, ACK 11),
    close (12-14). Client port 40051 asks for /admin without logging in: handshake
    15-17, GET /admin (18, ACK 19), 403 (20, ACK 21), close (22-24). Each request is
    complete and ACKed before the next is sent, so each is inspected on its own (a raw
    TCP stream would be inspected in one piece at its end, LOGIN and CMD together)."""
    cap = Capture()
    ok = b"HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nok\n"
    c = Tcp(cap, 40050, 80)
    c.handshake()
    c.client(request("/login?user=alice"))
    c.server(ok)
    c.client(request("/admin"))
    c.server(ok)
    c.close()
    c = Tcp(cap, 40051, 80)
    c.handshake()
    c.client(request("/admin"))
    c.server(b"HTTP/1.1 403 Forbidden\r\nContent-Length: 3\r\n\r\nno\n")
    c.close()
    cap.write(os.path.join(out, "flowbits.pcap"))


def dns_name(name):
    return b"".join(bytes([len(p)]) + p.encode() for p in name.split(".")) + b"\0"


def dns(out):
    """DNS over UDP from CLIENT port 42001 to SERVER port 53: query A evil.canh.test
    (packet 1, id 0x1234), its answer 192.0.2.66 (2, the question repeated); then from
    port 42002 query A benign.canh.test (3) and its answer (4)."""
    cap = Capture()
    for i, (name, qid) in enumerate((("evil.canh.test", 0x1234), ("benign.canh.test", 0x2345))):
        q = struct.pack("!HHHHHH", qid, 0x0100, 1, 0, 0, 0) + dns_name(name) + struct.pack("!HH", 1, 1)
        a = (struct.pack("!HHHHHH", qid, 0x8180, 1, 1, 0, 0) + dns_name(name) +
             struct.pack("!HH", 1, 1) + struct.pack("!HHHIH", 0xC00C, 1, 1, 300, 4) +
             bytes([192, 0, 2, 66]))
        sport = 42001 + i
        cap.add(CLIENT, SERVER, 17, udp(CLIENT, SERVER, sport, 53, q))
        cap.add(SERVER, CLIENT, 17, udp(SERVER, CLIENT, 53, sport, a))
    cap.write(os.path.join(out, "dns.pcap"))


def tls_client_hello(sni):
    name = sni.encode()
    sni_ext = struct.pack("!HBH", len(name) + 3, 0, len(name)) + name
    exts = struct.pack("!HH", 0x0000, len(sni_ext)) + sni_ext
    groups = struct.pack("!HH", 4, 0x001D) + struct.pack("!H", 0x0017)
    exts += struct.pack("!HH", 0x000A, len(groups)) + groups
    suites = struct.pack("!HHHH", 6, 0xC02F, 0xC030, 0x009C)
    body = (struct.pack("!H", 0x0303) + bytes(range(32)) + b"\0" + suites + b"\x01\x00" +
            struct.pack("!H", len(exts)) + exts)
    hs = b"\x01" + struct.pack("!I", len(body))[1:] + body
    return b"\x16\x03\x01" + struct.pack("!H", len(hs)) + hs


def tls_server_hello():
    body = struct.pack("!H", 0x0303) + bytes(range(32, 64)) + b"\0" + struct.pack("!H", 0xC02F) + b"\0"
    hs = b"\x02" + struct.pack("!I", len(body))[1:] + body
    done = b"\x0e\x00\x00\x00"
    return b"\x16\x03\x03" + struct.pack("!H", len(hs) + len(done)) + hs + done


def tls(out):
    """One TLS connection, client port 40060 to 443: ClientHello with server_name
    secure.canh.test (4, ACK 5), ServerHello and ServerHelloDone (6, ACK 7), close
    (8-10)."""
    cap = Capture()
    c = Tcp(cap, 40060, 443)
    c.handshake()
    c.client(tls_client_hello("secure.canh.test"))
    c.server(tls_server_hello())
    c.close()
    cap.write(os.path.join(out, "tls.pcap"))


CASES = [http_encoded, http_pipeline, tcp_ooo, tcp_overlap, tcp_split, threshold, flowbits,
         dns, tls]


def main():
    if len(sys.argv) != 2:
        sys.stderr.write("usage: mkpcap-rules.py OUTDIR\n")
        return 2
    os.makedirs(sys.argv[1], exist_ok=True)
    for case in CASES:
        case(sys.argv[1])
    return 0


if __name__ == "__main__":
    sys.exit(main())
