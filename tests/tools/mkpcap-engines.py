#!/usr/bin/env python3
"""Writes the captures of the non-signature detection engines' tests: behaviour detectors
(port scan, host sweep, SYN flood, brute force, DNS tunnelling, beaconing), personal-data
leaks (CCCD numbers, mobile phone numbers) and file extraction.

    mkpcap-engines.py OUTDIR              write OUTDIR/<name>.pcap and OUTDIR/manifest.json
    mkpcap-engines.py --manifest [OUTDIR] print the manifest (JSON) on standard output
                                          (and write the captures too when OUTDIR is given)

What each capture holds, for which detector, with its counts and timing, is said above the
function that builds it. The manifest has, for each capture, its packet count and size,
its TCP and UDP conversation counts (distinct 5-tuples: a sensor may split one over time
by its UDP timeout, as the 3 NTP exchanges of benign-browsing.pcap, 15 minutes apart on one
tuple), its ICMP packet count, its first and last timestamps (Unix seconds), and the facts a
test checks (addresses, ports, counts, the exact personal-data numbers, each file's size
and hashes), so that a test can read them with jq instead of copying them:

    {"portscan.pcap": {"packets": 208, "tcp_flows": 100, "udp_flows": 5, ...,
                       "scanner": "203.0.113.45", "open_ports": [22, 80, 443], ...},
     "files.pcap": {..., "files": [{"name": "report.pdf", "size": ..., "sha256": ...}]},
     "pii-leak.pcap": {..., "cccd": [...], "phone": [...], "transfers": [...]}, ...}

Builds on tests/tools/mkpcap-rules.py (imported: its checksums, IPv4/TCP/UDP/Ethernet
builders, DNS names, TLS ServerHello, chunked coding) and adds what behaviour detection needs:
a capture whose packets carry explicit timestamps (windows of seconds to an hour), written
in time order however its conversations were built; ICMP; TCP handshakes refused (RST) or
unanswered (SYN retransmitted); data cut into MSS-sized segments; ISNs and client ports
that differ between conversations. Every TCP conversation that is meant to be complete is
complete (handshake, every data segment ACKed, FIN both ways) and every checksum is
correct. Addresses are documentation ranges only: the agency's own hosts in 10.10.0.0/16
(inside HOME_NET), outside hosts in 192.0.2.0/24, 198.51.100.0/24 and 203.0.113.0/24.
Everything is deterministic (seeded random.Random, fixed timestamps, gzip mtime 0, fixed
zip entry dates). Only the standard library is used."""

import base64
import gzip
import hashlib
import importlib.util
import io
import json
import os
import random
import struct
import sys
import urllib.parse
import zipfile
import zlib

_spec = importlib.util.spec_from_file_location(
    "mkpcap_rules", os.path.join(os.path.dirname(os.path.abspath(__file__)), "mkpcap-rules.py"))
R = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(R)

SYN, FIN, RST, PSH, ACK = 0x02, 0x01, 0x04, 0x08, 0x10
T0 = 1767250800          # 2026-01-01 07:00:00 UTC (14:00 in Hanoi): time 0 of every capture
MSS = 1460
RESOLVER = "10.10.0.53"  # the agency's DNS resolver
WEB = "10.10.1.80"       # the agency's web server / intranet portal
UA = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36"


# --- timed capture --------------------------------------------------------------------

class TCapture:
    """Frames with explicit timestamps (seconds after T0, microsecond resolution). Frames
    may be added in any order; write() sorts them by time (stable: frames of equal time
    keep the order they were added in)."""

    def __init__(self):
        self.frames = []
        self.ident = 1
        self.tuples = {6: set(), 17: set()}
        self.icmp_packets = 0

    def add(self, t, src, dst, proto, l4):
        us = int(round(t * 1e6))
        assert us >= 0, "negative time"
        self.frames.append((us, len(self.frames), R.ether(R.ipv4(src, dst, proto, l4, self.ident))))
        self.ident += 1
        self.icmp_packets += proto == 1
        if proto in self.tuples:
            sport, dport = struct.unpack("!HH", l4[:4])
            self.tuples[proto].add(tuple(sorted([(src, sport), (dst, dport)])))

    def udp(self, t, src, dst, sport, dport, payload):
        self.add(t, src, dst, 17, R.udp(src, dst, sport, dport, payload))

    def icmp(self, t, src, dst, icmp_type, code, ident, seq, payload=b""):
        hdr = struct.pack("!BBHHH", icmp_type, code, 0, ident, seq)
        c = R.csum(hdr + payload)
        self.add(t, src, dst, 1, hdr[:2] + struct.pack("!H", c) + hdr[4:] + payload)

    def write(self, path):
        """Writes the pcap; returns its facts (packets, bytes, conversations, times)."""
        frames = sorted(self.frames, key=lambda f: (f[0], f[1]))
        with open(path, "wb") as f:
            f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, R.LINKTYPE_ETHERNET))
            for us, _, fr in frames:
                f.write(struct.pack("<IIII", T0 + us // 1000000, us % 1000000, len(fr), len(fr)))
                f.write(fr)
        return self.facts(frames)

    def facts(self, frames=None):
        frames = frames or sorted(self.frames, key=lambda f: (f[0], f[1]))
        size = 24 + sum(16 + len(f[2]) for f in frames)
        return {"packets": len(frames), "bytes": size, "tcp_flows": len(self.tuples[6]),
                "udp_flows": len(self.tuples[17]), "icmp_packets": self.icmp_packets,
                "start": T0 + frames[0][0] / 1e6, "end": T0 + frames[-1][0] / 1e6,
                "duration": round((frames[-1][0] - frames[0][0]) / 1e6, 6)}


class Conv:
    """One TCP conversation cli:sport -> srv:dport in a TCapture, starting at time t.
    The sensor is taken to sit at the agency's edge: a packet answering the other side
    comes rtt/2 after the last one, one following the same side's 50 us after. ISNs are
    derived from the 4-tuple, so they differ between conversations and never change."""

    def __init__(self, cap, t, cli, sport, srv, dport, rtt=0.03):
        self.cap, self.t, self.cli, self.sport, self.srv, self.dport = cap, t, cli, sport, srv, dport
        self.rtt = rtt
        self.cseq = zlib.crc32(("%s:%d>%s:%d" % (cli, sport, srv, dport)).encode())
        self.sseq = zlib.crc32(("%s:%d<%s:%d" % (cli, sport, srv, dport)).encode())
        self.last = None

    def wait(self, seconds):
        self.t += seconds
        return self

    def seg(self, to_server, flags, data=b"", seq=None, ack=None, dt=None):
        if dt is None:
            dt = 0 if self.last is None else (self.rtt / 2 if self.last != to_server else 0.00005)
        self.t += dt
        self.last = to_server
        if to_server:
            seq = self.cseq if seq is None else seq
            ack = self.sseq if ack is None else ack
            l4 = R.tcp(self.cli, self.srv, self.sport, self.dport, seq, ack, flags, data)
            self.cap.add(self.t, self.cli, self.srv, 6, l4)
        else:
            seq = self.sseq if seq is None else seq
            ack = self.cseq if ack is None else ack
            l4 = R.tcp(self.srv, self.cli, self.dport, self.sport, seq, ack, flags, data)
            self.cap.add(self.t, self.srv, self.cli, 6, l4)

    def syn(self, dt=None):
        self.seg(True, SYN, ack=0, dt=dt)

    def handshake(self):
        self.syn()
        self.seg(False, SYN | ACK, ack=self.cseq + 1)
        self.cseq += 1
        self.sseq += 1
        self.seg(True, ACK)
        return self

    def refused(self):
        """SYN answered by RST/ACK (closed port)."""
        self.syn()
        self.seg(False, RST | ACK, seq=0, ack=self.cseq + 1)

    def unanswered(self, retries=()):
        """SYN, then the same SYN again after each delay in 'retries' (seconds after the
        previous one); nothing answers."""
        self.syn()
        for d in retries:
            self.syn(dt=d)

    def half_open(self):
        """SYN and SYN/ACK, and nothing more (a flood's spoofed source never answers)."""
        self.syn()
        self.seg(False, SYN | ACK, ack=self.cseq + 1)

    def probe_open(self):
        """SYN, SYN/ACK, and the scanner's RST (a SYN scan finding an open port)."""
        self.half_open()
        self.seg(True, RST, seq=self.cseq + 1, ack=0)

    def send(self, to_server, data, gap=0.0002, ack_every=2, mss=MSS):
        """'data' in segments of at most 'mss' bytes, 'gap' seconds apart, the receiver
        ACKing every 'ack_every' segments and the last one."""
        n = (len(data) + mss - 1) // mss
        for i in range(n):
            part = data[i * mss:(i + 1) * mss]
            last = i == n - 1
            self.seg(to_server, (PSH | ACK) if last else ACK, part,
                     dt=None if i == 0 else gap)
            if to_server:
                self.cseq += len(part)
            else:
                self.sseq += len(part)
            if last or (i + 1) % ack_every == 0:
                self.seg(not to_server, ACK, dt=0.0002 if not last else None)
        return self

    def client(self, data, **kw):
        return self.send(True, data, **kw)

    def server(self, data, **kw):
        return self.send(False, data, **kw)

    def close(self, by_client=True):
        """FIN from one side, FIN/ACK from the other, last ACK."""
        self.seg(by_client, FIN | ACK)
        if by_client:
            self.cseq += 1
        else:
            self.sseq += 1
        self.seg(not by_client, FIN | ACK)
        if by_client:
            self.sseq += 1
        else:
            self.cseq += 1
        self.seg(by_client, ACK)
        return self


class Ports:
    """Ephemeral client ports of one host: increasing, by small random steps."""

    def __init__(self, rng, start=49700):
        self.rng, self.next = rng, start

    def __call__(self):
        self.next += self.rng.randint(1, 7)
        if self.next > 65000:
            self.next = 49152 + self.rng.randint(0, 100)
        return self.next


# --- application payloads -------------------------------------------------------------

def http_request(method, uri, host, headers=(), body=b"", ua=UA):
    h = [b"%s %s HTTP/1.1" % (method.encode(), uri.encode()), b"Host: " + host.encode(),
         b"User-Agent: " + ua.encode(), b"Accept: */*", b"Connection: keep-alive"]
    h += [k.encode() + b": " + v.encode() for k, v in headers]
    if body or method in ("POST", "PUT"):
        h.append(b"Content-Length: %d" % len(body))
    return b"\r\n".join(h) + b"\r\n\r\n" + body


def http_response(status, reason, headers=(), body=b"", length=True):
    h = [b"HTTP/1.1 %d %s" % (status, reason.encode()), b"Date: Thu, 01 Jan 2026 07:00:00 GMT",
         b"Server: nginx"]
    h += [k.encode() + b": " + v.encode() for k, v in headers]
    if length:
        h.append(b"Content-Length: %d" % len(body))
    return b"\r\n".join(h) + b"\r\n\r\n" + body


def html_page(title, rng, paragraphs=8):
    words = ("cong van thong bao ke hoach bao cao tuan thang nam so lieu du an hop dong "
             "trien khai dich vu cong truc tuyen ho so tiep nhan giai quyet").split()
    body = "".join("<p>%s.</p>\n" % " ".join(rng.choice(words) for _ in range(rng.randint(20, 60)))
                   for _ in range(paragraphs))
    return ("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>%s</title></head>\n"
            "<body><h1>%s</h1>\n%s</body></html>\n" % (title, title, body)).encode()


def dns_query(qid, name, qtype):
    return struct.pack("!HHHHHH", qid, 0x0100, 1, 0, 0, 0) + R.dns_name(name) + struct.pack("!HH", qtype, 1)


def dns_answer(qid, name, qtype, rrs, ttl=300):
    """Response to (name, qtype) with answer records [(type, rdata)], each naming the
    question by a compression pointer."""
    out = (struct.pack("!HHHHHH", qid, 0x8180, 1, len(rrs), 0, 0) + R.dns_name(name) +
           struct.pack("!HH", qtype, 1))
    for rtype, rdata in rrs:
        out += struct.pack("!HHHIH", 0xC00C, rtype, 1, ttl, len(rdata)) + rdata
    return out


def txt_rdata(text):
    text = text.encode() if isinstance(text, str) else text
    return b"".join(bytes([len(text[i:i + 255])]) + text[i:i + 255] for i in range(0, len(text), 255))


def ipv4_bytes(a):
    return bytes(int(x) for x in a.split("."))


def ntp_packet(mode, t):
    """NTPv4 packet, mode 3 (client) or 4 (server), transmit time t (Unix seconds)."""
    secs = int(t) + 2208988800
    frac = int((t % 1) * (1 << 32))
    if mode == 3:
        return struct.pack("!BBbb", 0x23, 0, 6, -20) + bytes(36) + struct.pack("!II", secs, frac)
    return (struct.pack("!BBbbII", 0x24, 2, 6, -23, 0x120, 0x340) + b"\xc0\x00\x02\x7b" +
            struct.pack("!IIIIIIII", secs - 100, 0, secs, frac, secs, frac, secs, frac))


def tls_app(rng, n):
    """A TLS 1.2 application_data record of n random bytes."""
    return b"\x17\x03\x03" + struct.pack("!H", n) + rng.randbytes(n)


CCS = b"\x14\x03\x03\x00\x01\x01"


def client_hello(sni, browser=True):
    """TLS ClientHello with server_name 'sni'. browser: a recent browser's cipher suites
    and extensions (supported_groups, ec_point_formats, signature_algorithms, ALPN h2 and
    http/1.1, supported_versions 1.3/1.2); else a bare TLS 1.2 client library's (another
    JA3)."""
    def ext(kind, data):
        return struct.pack("!HH", kind, len(data)) + data
    name = sni.encode()
    exts = ext(0, struct.pack("!HBH", len(name) + 3, 0, len(name)) + name)
    if browser:
        suites = [0x1301, 0x1302, 0x1303, 0xC02B, 0xC02F, 0xC02C, 0xC030, 0xCCA9, 0xCCA8,
                  0xC013, 0xC014, 0x009C, 0x009D, 0x002F, 0x0035]
        groups = [0x001D, 0x0017, 0x0018]
        alpn = b"\x02h2\x08http/1.1"
        exts += (ext(0x0017, b"") + ext(0xFF01, b"\0") +
                 ext(0x000A, struct.pack("!H", 2 * len(groups)) + b"".join(struct.pack("!H", g) for g in groups)) +
                 ext(0x000B, b"\x01\x00") + ext(0x0023, b"") +
                 ext(0x0010, struct.pack("!H", len(alpn)) + alpn) +
                 ext(0x000D, struct.pack("!H", 8) + struct.pack("!HHHH", 0x0403, 0x0804, 0x0401, 0x0503)) +
                 ext(0x002B, b"\x04\x03\x04\x03\x03"))
    else:
        suites = [0xC030, 0xC02F, 0x009F, 0x009E, 0xC028, 0xC027, 0x003D, 0x003C, 0x0035, 0x002F]
        exts += (ext(0x000A, struct.pack("!HHH", 4, 0x0017, 0x0018)) + ext(0x000B, b"\x01\x00") +
                 ext(0x000D, struct.pack("!H", 4) + struct.pack("!HH", 0x0401, 0x0201)))
    body = (struct.pack("!H", 0x0303) + hashlib.sha256(name).digest() + b"\0" +
            struct.pack("!H", 2 * len(suites)) + b"".join(struct.pack("!H", x) for x in suites) +
            b"\x01\x00" + struct.pack("!H", len(exts)) + exts)
    hs = b"\x01" + struct.pack("!I", len(body))[1:] + body
    return b"\x16\x03\x01" + struct.pack("!H", len(hs)) + hs


def tls_session(conv, rng, sni, exchanges):
    """ClientHello (SNI), ServerHello+Done, ChangeCipherSpec both ways, then the
    (request size, response size, pause) exchanges as application data records."""
    conv.client(client_hello(sni))
    conv.server(R.tls_server_hello())
    conv.client(CCS + tls_app(rng, 40))
    conv.server(CCS + tls_app(rng, 40))
    for req, resp, pause in exchanges:
        conv.wait(pause)
        conv.client(tls_app(rng, req))
        data = b""
        while resp > 0:
            n = min(resp, 16384)
            data += tls_app(rng, n)
            resp -= n
        conv.server(data, gap=0.0003)


def ssh_packet(payload, rng):
    """SSH binary packet (RFC 4253 section 6), unencrypted, block size 8."""
    pad = 8 - (len(payload) + 5) % 8
    if pad < 4:
        pad += 8
    return struct.pack("!IB", len(payload) + pad + 1, pad) + payload + rng.randbytes(pad)


def ssh_namelist(names):
    s = ",".join(names).encode()
    return struct.pack("!I", len(s)) + s


SSH_KEX = {
    # Each side's first algorithm lists (kex, host key, cipher, MAC), as the software sends
    # them, so that the HASSH of the guessing tool differs from the administrator's.
    "server": (["curve25519-sha256", "curve25519-sha256@libssh.org", "ecdh-sha2-nistp256",
                "ecdh-sha2-nistp384", "diffie-hellman-group14-sha256",
                "kex-strict-s-v00@openssh.com"],
               ["rsa-sha2-512", "rsa-sha2-256", "ecdsa-sha2-nistp256", "ssh-ed25519"],
               ["chacha20-poly1305@openssh.com", "aes128-ctr", "aes192-ctr", "aes256-ctr",
                "aes128-gcm@openssh.com", "aes256-gcm@openssh.com"],
               ["umac-64-etm@openssh.com", "hmac-sha2-256-etm@openssh.com", "hmac-sha2-256",
                "hmac-sha1"]),
    "libssh2": (["curve25519-sha256", "curve25519-sha256@libssh.org", "ecdh-sha2-nistp256",
                 "diffie-hellman-group14-sha256", "diffie-hellman-group14-sha1", "ext-info-c"],
                ["ecdsa-sha2-nistp256", "ssh-ed25519", "rsa-sha2-512", "rsa-sha2-256", "ssh-rsa"],
                ["aes128-ctr", "aes192-ctr", "aes256-ctr", "aes256-cbc", "aes128-cbc"],
                ["hmac-sha2-256", "hmac-sha2-512", "hmac-sha1"]),
    "openssh": (["sntrup761x25519-sha512@openssh.com", "curve25519-sha256",
                 "curve25519-sha256@libssh.org", "ecdh-sha2-nistp256", "ext-info-c",
                 "kex-strict-c-v00@openssh.com"],
                ["ssh-ed25519-cert-v01@openssh.com", "ssh-ed25519", "ecdsa-sha2-nistp256",
                 "rsa-sha2-512", "rsa-sha2-256"],
                ["chacha20-poly1305@openssh.com", "aes128-ctr", "aes192-ctr", "aes256-ctr",
                 "aes128-gcm@openssh.com", "aes256-gcm@openssh.com"],
                ["umac-64-etm@openssh.com", "umac-128-etm@openssh.com",
                 "hmac-sha2-256-etm@openssh.com", "hmac-sha2-512-etm@openssh.com"]),
}


def ssh_kexinit(rng, who):
    kex, hostkey, enc, mac = SSH_KEX[who]
    comp = ["none", "zlib@openssh.com"]
    body = (b"\x14" + rng.randbytes(16) + ssh_namelist(kex) + ssh_namelist(hostkey) +
            ssh_namelist(enc) * 2 + ssh_namelist(mac) * 2 + ssh_namelist(comp) * 2 +
            ssh_namelist([]) * 2 + b"\0" + bytes(4))
    return ssh_packet(body, rng)


def ssh_kex(conv, rng, client_banner, server_banner):
    """Banners, KEXINIT both ways, ECDH init/reply, NEWKEYS both ways: the clear-text part
    of an SSH connection (about 1.3 KB each way)."""
    conv.server(server_banner.encode() + b"\r\n")
    conv.client(client_banner.encode() + b"\r\n")
    conv.client(ssh_kexinit(rng, "openssh" if "OpenSSH" in client_banner else "libssh2"))
    conv.server(ssh_kexinit(rng, "server"))
    conv.client(ssh_packet(b"\x1e" + struct.pack("!I", 32) + rng.randbytes(32), rng))
    hostkey = struct.pack("!I", 11) + b"ssh-ed25519" + struct.pack("!I", 32) + rng.randbytes(32)
    sig = struct.pack("!I", 11) + b"ssh-ed25519" + struct.pack("!I", 64) + rng.randbytes(64)
    reply = (b"\x1f" + struct.pack("!I", len(hostkey)) + hostkey + struct.pack("!I", 32) +
             rng.randbytes(32) + struct.pack("!I", len(sig)) + sig)
    conv.server(ssh_packet(reply, rng) + ssh_packet(b"\x15", rng))
    conv.client(ssh_packet(b"\x15", rng))


def enc(rng, n):
    """n bytes of an encrypted SSH stream (length, ciphertext, MAC: all random here)."""
    return rng.randbytes(n)


# --- behaviour: scans -----------------------------------------------------------------

NMAP_TOP100 = [7, 9, 13, 21, 22, 23, 25, 26, 37, 53, 79, 80, 81, 88, 106, 110, 111, 113, 119,
               135, 139, 143, 144, 179, 199, 389, 427, 443, 444, 445, 465, 513, 514, 515, 543,
               544, 548, 554, 587, 631, 646, 873, 990, 993, 995, 1025, 1026, 1027, 1028, 1029,
               1110, 1433, 1720, 1723, 1755, 1900, 2000, 2001, 2049, 2121, 2717, 3000, 3128,
               3306, 3389, 3986, 4899, 5000, 5009, 5051, 5060, 5101, 5190, 5357, 5432, 5631,
               5666, 5800, 5900, 6000, 6001, 6646, 7070, 8000, 8008, 8009, 8080, 8081, 8443,
               8888, 9100, 9999, 10000, 32768, 49152, 49153, 49154, 49155, 49156, 49157]


def portscan(cap):
    """Port scan (portscan detector). The outside host 203.0.113.45 SYN-scans the 100
    TCP ports of nmap's top-100 list on the internal host 10.10.1.20, in random order, one
    probe every 50 ms (+-5 ms) from t=0 to t=4.95 s, all from source port 45123 (as nmap
    does). 97 closed ports answer RST/ACK (1 ms later); the 3 open ports 22, 80 and 443
    answer SYN/ACK and the scanner resets them (RST). Then, at t=5.0-5.4 s, 5 UDP probes
    (ports 53, 123, 137, 161, 500, source port 45123) that get no answer. 100 TCP
    conversations, 5 UDP; 208 packets."""
    rng = random.Random(101)
    scanner, target, sport = "203.0.113.45", "10.10.1.20", 45123
    assert len(set(NMAP_TOP100)) == 100
    ports = NMAP_TOP100[:]
    rng.shuffle(ports)
    open_ports = {22, 80, 443}
    for i, p in enumerate(ports):
        c = Conv(cap, i * 0.05 + rng.uniform(-0.005, 0.005) + 0.005, scanner, sport, target, p, rtt=0.002)
        if p in open_ports:
            c.probe_open()
        else:
            c.refused()
    udp_ports = [53, 123, 137, 161, 500]
    for i, p in enumerate(udp_ports):
        cap.udp(5.0 + i * 0.1, scanner, target, sport, p, b"" if p != 53 else dns_query(0x7a11, "version.bind", 16))
    return {"scanner": scanner, "target": target, "scanner_port": sport,
            "tcp_ports": sorted(ports), "open_ports": sorted(open_ports),
            "closed_ports": len(ports) - len(open_ports), "udp_ports": udp_ports,
            "tcp_window_s": 5.0}


def hostsweep(cap):
    """Host sweep (host-sweep detector). The outside host 192.0.2.77 sends a SYN to port
    445 of the 60 hosts 10.10.5.1-10.10.5.60, in address order, one every 166 ms (+-10
    ms, t=0-9.8 s), each from its own source port (40001-40060). 50 get no answer; 8
    (listed in the manifest as "rst_hosts") answer RST/ACK; 2 ("open_hosts") answer
    SYN/ACK and the scanner resets them. Then, from t=10.5 s, ICMP echo requests (id
    0x4a21, seq 1-40, 56 bytes) to the 40 hosts 10.10.5.101-10.10.5.140, one every 100
    ms; 4 of them ("icmp_replies") answer. 60 TCP conversations."""
    rng = random.Random(102)
    src = "192.0.2.77"
    hosts = ["10.10.5.%d" % i for i in range(1, 61)]
    answered = rng.sample(hosts, 10)
    rst_hosts, open_hosts = sorted(answered[:8], key=lambda a: int(a.split(".")[3])), \
        sorted(answered[8:], key=lambda a: int(a.split(".")[3]))
    for i, h in enumerate(hosts):
        c = Conv(cap, 0.01 + i * 0.166 + rng.uniform(-0.01, 0.01), src, 40001 + i, h, 445, rtt=0.002)
        if h in rst_hosts:
            c.refused()
        elif h in open_hosts:
            c.probe_open()
        else:
            c.unanswered()
    icmp_hosts = ["10.10.5.%d" % i for i in range(101, 141)]
    replies = sorted(rng.sample(icmp_hosts, 4), key=lambda a: int(a.split(".")[3]))
    payload = bytes(range(56))
    for i, h in enumerate(icmp_hosts):
        t = 10.5 + i * 0.1
        cap.icmp(t, src, h, 8, 0, 0x4A21, i + 1, payload)
        if h in replies:
            cap.icmp(t + 0.001, h, src, 0, 0, 0x4A21, i + 1, payload)
    return {"source": src, "port": 445, "syn_hosts": hosts, "unanswered": 50,
            "rst_hosts": rst_hosts, "open_hosts": open_hosts, "syn_window_s": 10.0,
            "icmp_hosts": icmp_hosts, "icmp_replies": replies}


def synflood(cap):
    """SYN flood (SYN-flood detector). 3,000 SYNs to the agency's web server 10.10.1.80:80
    at random times within t=0.5-3.5 s, from spoofed sources: random addresses of
    203.0.113.1-254 and 198.51.100.1-254, random source ports 1024-65535 (3,000 distinct
    source address/port pairs). The server answers each with SYN/ACK 0.3 ms later; no
    final ACK ever comes. Interleaved, 20 normal clients 192.0.2.101-192.0.2.120 (source
    ports 50001-50020) at random times within t=0-4 s complete a handshake, GET / (a 1.5 KB
    page), and close: 20 complete conversations. 3,020 TCP conversations."""
    rng = random.Random(103)
    victim = WEB
    seen = set()
    while len(seen) < 3000:
        net = rng.choice(("203.0.113.", "198.51.100."))
        seen.add((net + str(rng.randint(1, 254)), rng.randint(1024, 65535)))
    for src, sport in sorted(seen):
        Conv(cap, rng.uniform(0.5, 3.5), src, sport, victim, 80, rtt=0.0006).half_open()
    clients = ["192.0.2.%d" % (101 + i) for i in range(20)]
    page = html_page("Cong thong tin", rng, 3)
    for i, cl in enumerate(clients):
        c = Conv(cap, rng.uniform(0.0, 4.0), cl, 50001 + i, victim, 80, rtt=0.03).handshake()
        c.client(http_request("GET", "/", "portal.agency.example"))
        c.server(http_response(200, "OK", [("Content-Type", "text/html; charset=utf-8")], page))
        c.close()
    return {"victim": victim, "port": 80, "spoofed_syns": 3000, "synacks": 3000,
            "syn_window_s": 3.0, "normal_clients": clients}


# --- behaviour: brute force ------------------------------------------------------------

SSH_SERVER_BANNER = "SSH-2.0-OpenSSH_8.9p1 Ubuntu-3ubuntu0.10"


def ssh_bruteforce(cap):
    """SSH password guessing (brute-force detector). The outside host 203.0.113.99 opens
    25 connections to 10.10.1.22:22, one every 4 s (+-0.4 s) from t=10 s (the last
    at about t=106 s), source ports increasing from 51000. Each: handshake; server banner
    SSH-2.0-OpenSSH_8.9p1 Ubuntu-3ubuntu0.10; client banner SSH-2.0-libssh2_1.10.0;
    KEXINIT, ECDH init/reply, NEWKEYS (clear text, about 1.3 KB each way); then
    encrypted: service request/accept and 2 failed password attempts (about 0.6 s apart);
    the client closes about 1.5 s after the SYN. Under 2 KB each way per connection.
    Beside it, an administrator at 198.51.100.140 (client SSH-2.0-OpenSSH_9.6) holds 2
    long interactive sessions to the same server: from t=2 s for about 240 s and from
    t=40 s for about 180 s, with keystrokes, echoes and command output (kilobytes) at
    irregular intervals: it must not be taken for brute force. 27 TCP conversations."""
    rng = random.Random(104)
    att, srv, admin = "203.0.113.99", "10.10.1.22", "198.51.100.140"
    times = []
    for i in range(25):
        t = 10 + i * 4 + rng.uniform(-0.4, 0.4)
        times.append(round(t, 3))
        c = Conv(cap, t, att, 51000 + i * 3 + rng.randint(0, 2), srv, 22, rtt=0.05).handshake()
        ssh_kex(c, rng, "SSH-2.0-libssh2_1.10.0", SSH_SERVER_BANNER)
        c.client(enc(rng, 52))
        c.server(enc(rng, 52))
        for _ in range(2):
            c.wait(0.05)
            c.client(enc(rng, 100))
            c.wait(0.5)
            c.server(enc(rng, 68))
        c.close()
    sessions = []
    for start, length, sport in ((2.0, 240.0, 60222), (40.0, 180.0, 60231)):
        c = Conv(cap, start, admin, sport, srv, 22, rtt=0.04).handshake()
        ssh_kex(c, rng, "SSH-2.0-OpenSSH_9.6", SSH_SERVER_BANNER)
        c.client(enc(rng, 52))
        c.server(enc(rng, 52))
        c.client(enc(rng, 420))     # public key
        c.server(enc(rng, 68))
        c.client(enc(rng, 132))     # channel open, pty, shell
        c.server(enc(rng, 1200))    # motd
        end = start + length
        while c.t < end:
            c.wait(rng.choice((0.2, 0.3, 0.5, 1.5, 3.0, 7.0, 12.0)) * rng.uniform(0.5, 1.5))
            c.client(enc(rng, 36), ack_every=1)
            if rng.random() < 0.15:
                c.server(enc(rng, rng.randint(300, 6000)))
            else:
                c.server(enc(rng, 36))
        c.client(enc(rng, 36))
        c.server(enc(rng, 100))
        c.close()
        sessions.append({"client_port": sport, "start": start, "end": round(c.t, 3)})
    return {"attacker": att, "server": srv, "port": 22, "attempt_connections": 25,
            "connection_times": times, "client_banner": "SSH-2.0-libssh2_1.10.0",
            "server_banner": SSH_SERVER_BANNER, "admin": admin, "admin_sessions": sessions}


def rdp_bruteforce(cap):
    """RDP password guessing (brute-force detector). The outside host 192.0.2.150 opens 20
    connections to 10.10.1.33:3389, one every 3 s (+-0.3 s) from t=5 s, source ports
    increasing from 52000. Each: handshake; X.224 Connection Request in TPKT with
    "Cookie: mstshash=administrator" and an RDP negotiation request (TLS|CredSSP); X.224
    Connection Confirm selecting CredSSP; a TLS ClientHello (SNI ts01.agency.example) and
    ServerHello; about 1 KB of CredSSP/NTLM-like TLS records; the server
    closes. Beside it, the internal 10.10.2.50 holds one 60 s session (t=8 s) with
    screen updates: not brute force. 21 TCP conversations."""
    rng = random.Random(105)
    att, srv, admin = "192.0.2.150", "10.10.1.33", "10.10.2.50"
    cookie = b"Cookie: mstshash=administrator\r\n"
    neg_req = struct.pack("<BBHI", 1, 0, 8, 3)
    x224 = bytes([6 + len(cookie) + len(neg_req), 0xE0, 0, 0, 0, 0, 0]) + cookie + neg_req
    cr = struct.pack("!BBH", 3, 0, 4 + len(x224)) + x224
    cc_x224 = bytes([6 + 8, 0xD0, 0, 0, 0x12, 0x34, 0]) + struct.pack("<BBHI", 2, 0x1F, 8, 2)
    cc = struct.pack("!BBH", 3, 0, 4 + len(cc_x224)) + cc_x224

    def session(c):
        c.client(cr)
        c.server(cc)
        c.client(client_hello("ts01.agency.example", browser=False))
        c.server(R.tls_server_hello())
        c.client(CCS + tls_app(rng, 40))
        c.server(CCS + tls_app(rng, 40))

    times = []
    for i in range(20):
        t = 5 + i * 3 + rng.uniform(-0.3, 0.3)
        times.append(round(t, 3))
        c = Conv(cap, t, att, 52000 + i * 2 + rng.randint(0, 1), srv, 3389, rtt=0.06).handshake()
        session(c)
        for req, resp in ((60, 260), (520, 90)):
            c.client(tls_app(rng, req))
            c.server(tls_app(rng, resp))
        c.wait(0.2)
        c.close(by_client=False)
    c = Conv(cap, 8.0, admin, 61500, srv, 3389, rtt=0.002).handshake()
    session(c)
    c.client(tls_app(rng, 60))
    c.server(tls_app(rng, 260))
    c.client(tls_app(rng, 520))
    c.server(tls_app(rng, 40))
    while c.t < 68.0:
        c.wait(rng.uniform(0.1, 2.5))
        c.client(tls_app(rng, rng.randint(20, 80)))
        c.server(tls_app(rng, rng.randint(200, 9000)))
    c.close()
    return {"attacker": att, "server": srv, "port": 3389, "attempt_connections": 20,
            "connection_times": times, "admin": admin, "admin_sessions": 1}


def ftp_bruteforce(cap):
    """FTP password guessing (brute-force detector). The outside host 203.0.113.120 logs
    in to 10.10.1.21:21 21 times within about 60 s, 3 attempts per control connection
    (7 connections, one every 8.6 s from t=1 s, source ports increasing from 53000): each
    attempt "USER admin" / "331 Please specify the password." / "PASS guessN" (N=1..20) /
    after 1 s "530 Login incorrect."; after 3 failures the client sends QUIT ("221
    Goodbye.") and closes. The 21st attempt, the last of the 7th connection, sends "PASS
    Agency@2026" and gets "230 Login successful.", then SYST/215, PWD/257, QUIT/221.
    Banner "220 (vsFTPd 3.0.5)". 20 failed logins, 1 success, 7 TCP conversations."""
    rng = random.Random(106)
    att, srv = "203.0.113.120", "10.10.1.21"
    n = 0
    attempts = []
    for k in range(7):
        c = Conv(cap, 1 + k * 8.6 + rng.uniform(0, 0.3), att, 53000 + k * 4 + rng.randint(0, 3),
                 srv, 21, rtt=0.045).handshake()
        c.server(b"220 (vsFTPd 3.0.5)\r\n")
        for j in range(3):
            n += 1
            c.wait(0.3)
            c.client(b"USER admin\r\n")
            c.server(b"331 Please specify the password.\r\n")
            pw = "guess%d" % n if n <= 20 else "Agency@2026"
            c.wait(0.2)
            c.client(b"PASS %s\r\n" % pw.encode())
            attempts.append({"time": round(c.t, 3), "password": pw, "ok": n > 20})
            if n <= 20:
                c.wait(1.0)
                c.server(b"530 Login incorrect.\r\n")
            else:
                c.server(b"230 Login successful.\r\n")
                c.client(b"SYST\r\n")
                c.server(b"215 UNIX Type: L8\r\n")
                c.client(b"PWD\r\n")
                c.server(b'257 "/" is the current directory\r\n')
        c.wait(0.2)
        c.client(b"QUIT\r\n")
        c.server(b"221 Goodbye.\r\n")
        c.close()
    return {"attacker": att, "server": srv, "port": 21, "user": "admin", "failed": 20,
            "succeeded": 1, "connections": 7, "attempts": attempts}


def http_login_bruteforce(cap):
    """Web login guessing (brute-force detector). The outside host 192.0.2.200 POSTs
    /wp-login.php on portal.agency.example (10.10.1.80:80), form-urlencoded
    "log=admin&pwd=guessN&wp-submit=Log+In&redirect_to=...&testcookie=1" (N=1..30), 30
    times, one every 2 s (+-0.2 s) from t=0, on 6 keep-alive connections of 5 requests
    (source ports from 54000); each is answered "200 OK" with the WordPress login page
    holding "<strong>Error:</strong> The password you entered for the username
    <strong>admin</strong> is incorrect.". Interleaved, the same host POSTs /api/login
    (application/json {"username":"admin","password":"guessN"}, N=31..40) 10 times, one
    every 6 s from t=3 s, on 2 keep-alive connections of 5 (source ports from 54100),
    each answered "401 Unauthorized" with {"error":"invalid credentials"}. At t=20 s
    another outside client, 198.51.100.60, logs in once successfully: POST /wp-login.php
    (log=editor) answered 302 with Location: http://portal.agency.example/wp-admin/ and a
    Set-Cookie, then GET /wp-admin/ answered 200. 9 TCP conversations, 40 failed
    logins, 1 success."""
    rng = random.Random(107)
    att, other, host = "192.0.2.200", "198.51.100.60", "portal.agency.example"
    fail_page = (b"<!DOCTYPE html><html lang=\"vi\"><head><title>Log In &lsaquo; Portal &#8212; "
                 b"WordPress</title></head><body class=\"login\"><div id=\"login\">"
                 b"<div id=\"login_error\"><strong>Error:</strong> The password you entered for "
                 b"the username <strong>admin</strong> is incorrect. <a href=\"http://portal."
                 b"agency.example/wp-login.php?action=lostpassword\">Lost your password?</a>"
                 b"</div><form name=\"loginform\" id=\"loginform\" action=\"http://portal.agency."
                 b"example/wp-login.php\" method=\"post\"><input type=\"text\" name=\"log\" "
                 b"id=\"user_login\" value=\"admin\"><input type=\"password\" name=\"pwd\" "
                 b"id=\"user_pass\" value=\"\"></form></div></body></html>\n")
    fail_resp = http_response(200, "OK", [("Content-Type", "text/html; charset=UTF-8"),
                                          ("Cache-Control", "no-cache, must-revalidate, max-age=0")],
                              fail_page)
    redirect = urllib.parse.quote("http://portal.agency.example/wp-admin/", safe="")
    wp_times, api_times = [], []
    for k in range(6):
        c = Conv(cap, k * 10.0, att, 54000 + k * 3, WEB, 80, rtt=0.07).handshake()
        for j in range(5):
            n = k * 5 + j + 1
            if j:
                c.t = max(c.t, (n - 1) * 2.0 + rng.uniform(-0.2, 0.2))
            body = ("log=admin&pwd=guess%d&wp-submit=Log+In&redirect_to=%s&testcookie=1" %
                    (n, redirect)).encode()
            wp_times.append(round(c.t + c.rtt / 2, 3))
            c.client(http_request("POST", "/wp-login.php", host,
                                  [("Content-Type", "application/x-www-form-urlencoded"),
                                   ("Cookie", "wordpress_test_cookie=WP%20Cookie%20check")], body))
            c.server(fail_resp)
        c.close()
    for k in range(2):
        c = Conv(cap, 3.0 + k * 30.0 - 0.2, att, 54100 + k * 5, WEB, 80, rtt=0.07).handshake()
        for j in range(5):
            n = 31 + k * 5 + j
            c.t = max(c.t, 3.0 + (k * 5 + j) * 6.0)
            body = json.dumps({"username": "admin", "password": "guess%d" % n}).encode()
            api_times.append(round(c.t + c.rtt / 2, 3))
            c.client(http_request("POST", "/api/login", host,
                                  [("Content-Type", "application/json")], body))
            c.server(http_response(401, "Unauthorized", [("Content-Type", "application/json")],
                                   b'{"error":"invalid credentials"}'))
        c.close()
    c = Conv(cap, 20.0, other, 58812, WEB, 80, rtt=0.03).handshake()
    body = ("log=editor&pwd=Bien%%40Tap2026&wp-submit=Log+In&redirect_to=%s&testcookie=1" %
            redirect).encode()
    c.client(http_request("POST", "/wp-login.php", host,
                          [("Content-Type", "application/x-www-form-urlencoded")], body))
    c.server(http_response(302, "Found", [
        ("Location", "http://portal.agency.example/wp-admin/"),
        ("Set-Cookie", "wordpress_logged_in_5f2a=editor%7C1767423600%7Cq8Zr; path=/; HttpOnly"),
        ("Content-Type", "text/html; charset=UTF-8")]))
    c.wait(0.1)
    c.client(http_request("GET", "/wp-admin/", host,
                          [("Cookie", "wordpress_logged_in_5f2a=editor%7C1767423600%7Cq8Zr")]))
    c.server(http_response(200, "OK", [("Content-Type", "text/html; charset=UTF-8")],
                           html_page("Dashboard", rng, 4)))
    c.close()
    return {"attacker": att, "server": WEB, "port": 80, "host": host,
            "wp_login_posts": 30, "wp_login_times": wp_times, "api_login_posts": 10,
            "api_login_times": api_times, "failed": 40, "legit_client": other,
            "legit_logins": 1}


# --- behaviour: DNS tunnel, beacon ------------------------------------------------------

def b32(data):
    return base64.b32encode(data).decode().rstrip("=").lower()


def dns_tunnel(cap):
    """DNS tunnelling (DNS-tunnel detector). The internal client 10.10.2.44 sends 150 TXT
    queries to the resolver 10.10.0.53:53 over about 120 s (t=1 s on, gaps 0.4-1.2 s),
    each from a random source port with a random ID, for <data>.t.exfil-tunnel.example
    where <data> is the lowercase unpadded base32 of 32-37 random bytes (52-60
    characters): one label for even-numbered queries, two labels (cut in the middle)
    for odd ones. Each is answered 5 ms later with one TXT record (TTL 0) of base32 data
    (32-160 characters). Interleaved, 30 ordinary queries (A or AAAA) from the same
    client for 10 names (www.portal.gov.example, mail.agency.example,
    cdn.static.example, ...), each answered with one address (TTL 300). 180 UDP
    conversations (one per query)."""
    rng = random.Random(108)
    client, domain = "10.10.2.44", "t.exfil-tunnel.example"
    used = set()

    def port():
        while True:
            p = rng.randint(1024, 65535)
            if p not in used:
                used.add(p)
                return p

    names, t = [], 1.0
    for i in range(150):
        data = b32(rng.randbytes(rng.randint(32, 37)))
        label = data if i % 2 == 0 else data[:len(data) // 2] + "." + data[len(data) // 2:]
        name = label + "." + domain
        names.append(name)
        qid, sp = rng.randint(0, 0xFFFF), port()
        cap.udp(t, client, RESOLVER, sp, 53, dns_query(qid, name, 16))
        ans = b32(rng.randbytes(rng.randint(20, 100)))
        cap.udp(t + 0.005, RESOLVER, client, 53, sp,
                dns_answer(qid, name, 16, [(16, txt_rdata(ans))], ttl=0))
        t += rng.uniform(0.4, 1.2)
    end = t
    normal = {"www.portal.gov.example": "198.51.100.10", "mail.agency.example": "198.51.100.25",
              "cdn.static.example": "203.0.113.10", "www.news.example": "192.0.2.30",
              "login.office.example": "198.51.100.50", "www.search.example": "198.51.100.40",
              "api.weather.example": "192.0.2.31", "img.static.example": "203.0.113.10",
              "www.wiki.example": "192.0.2.33", "update.os-vendor.example": "203.0.113.20"}
    keys = sorted(normal)
    ordinary = []
    for i in range(30):
        name = keys[i % len(keys)]
        qtype = 1 if i < 20 else 28
        tq = rng.uniform(1.0, end)
        qid, sp = rng.randint(0, 0xFFFF), port()
        ordinary.append(name)
        cap.udp(tq, client, RESOLVER, sp, 53, dns_query(qid, name, qtype))
        rdata = ipv4_bytes(normal[name]) if qtype == 1 else \
            bytes.fromhex("20010db8000000000000000000000001")[:15] + bytes([i])
        cap.udp(tq + 0.004, RESOLVER, client, 53, sp, dns_answer(qid, name, qtype, [(qtype, rdata)]))
    return {"client": client, "resolver": RESOLVER, "tunnel_domain": domain,
            "tunnel_queries": 150, "tunnel_qtype": "TXT", "tunnel_names": names,
            "ordinary_queries": 30, "ordinary_names": keys}


def beacon(cap):
    """Beaconing (beacon detector). The internal client 10.10.2.61 connects to
    203.0.113.66:443 15 times, every 60 s with up to +-1.5 s of jitter (first at about
    t=30 s, last at about t=870 s), each from a new source port: handshake, TLS
    ClientHello (SNI updates.telemetry-cdn.example), ServerHello, ChangeCipherSpec both
    ways, one 180-byte request and one 120-byte response record, close: 14 packets, under
    1.5 KB per connection. 15 TCP conversations."""
    rng = random.Random(109)
    client, c2, sni = "10.10.2.61", "203.0.113.66", "updates.telemetry-cdn.example"
    ports = Ports(rng, 50310)
    times = []
    for i in range(15):
        t = 30 + i * 60 + rng.uniform(-1.5, 1.5)
        times.append(round(t, 3))
        c = Conv(cap, t, client, ports(), c2, 443, rtt=0.09).handshake()
        c.client(client_hello(sni, browser=False))
        c.server(R.tls_server_hello())
        c.client(CCS + tls_app(rng, 180))
        c.server(CCS + tls_app(rng, 120))
        c.close()
    gaps = [round(b - a, 3) for a, b in zip(times, times[1:])]
    return {"client": client, "server": c2, "port": 443, "sni": sni, "connections": 15,
            "period_s": 60, "jitter_s": 1.5, "times": times, "intervals": gaps}


# --- benign browsing ------------------------------------------------------------------

SITES = {
    "www.portal.gov.example": "198.51.100.10", "dichvucong.gov.example": "198.51.100.11",
    "cdn.static.example": "203.0.113.10", "img.static.example": "203.0.113.10",
    "fonts.static.example": "203.0.113.11", "www.news.example": "192.0.2.30",
    "static.news.example": "203.0.113.10", "www.weather.example": "192.0.2.31",
    "api.weather.example": "192.0.2.31", "www.search.example": "198.51.100.40",
    "www.video.example": "198.51.100.41", "www.bank.example": "192.0.2.32",
    "login.office.example": "198.51.100.50", "outlook.office.example": "198.51.100.51",
    "teams.office.example": "198.51.100.51", "www.wiki.example": "192.0.2.33",
    "www.shop.example": "203.0.113.21", "mail.agency.example": "198.51.100.25",
    "update.os-vendor.example": "203.0.113.20", "intranet.agency.example": WEB,
}


def benign_browsing(cap):
    """A normal office PC over 15 minutes (t=0-900 s), on which no behaviour detector may
    fire (port scan, host sweep, SYN flood, brute force, DNS tunnelling, beaconing).
    The PC 10.10.2.100 uses 20 names (SITES above; 16 server addresses, several names
    sharing a CDN address): each is looked up once, A and AAAA (40 queries to 10.10.0.53,
    each answered; intranet.agency.example has no AAAA, NOERROR with no answer), just
    before its first use. HTTPS (port 443) to 17 of the names: 2-5 visits each at
    irregular random times, a visit opening 1-2 connections (handshake, ClientHello
    with SNI, ServerHello, ChangeCipherSpec both ways, 1-3 request/response exchanges of
    0.3-0.9 KB up and 0.8-6 KB down, close), and one IMAPS connection (port 993) to
    mail.agency.example at t=33.35 s. Plain HTTP: GET / on www.news.example and
    GET /wiki/Trang_chinh on www.wiki.example (HTML pages of several KB); at t=300 s one
    long download, GET /downloads/user-guide-2026.pdf from update.os-vendor.example
    (500,000 bytes, ACKed every 2 segments, about 0.6 s); at t=60 s the intranet login on
    intranet.agency.example (10.10.1.80): GET /login, ONE POST /login answered 302 to
    /home, GET /home. 3 NTP exchanges (10.10.2.100:123 with 192.0.2.123:123 at t=12.3,
    431.7 and 811.0 s). Failures: one connection refused (198.51.100.90:8443, RST at
    t=250 s) and one unanswered SYN retried twice (203.0.113.150:443 at t=520, 521 and
    523 s). Client ports increase by small random steps from 49700."""
    rng = random.Random(110)
    pc = "10.10.2.100"
    ports = Ports(rng, 49700)
    conns = []   # (time, kind, name)
    https_names = [n for n in sorted(SITES) if n not in ("intranet.agency.example",
                                                         "update.os-vendor.example",
                                                         "mail.agency.example")]
    for name in https_names:
        first = rng.uniform(5, 600)
        visits = [first] + [rng.uniform(first + 20, 895) for _ in range(rng.randint(1, 4))]
        for v in visits:
            for k in range(rng.choice((1, 1, 2))):
                conns.append((v + k * rng.uniform(0.01, 0.2), "https", name))
    conns += [(150.0, "http-news", "www.news.example"), (700.0, "http-wiki", "www.wiki.example"),
              (300.0, "download", "update.os-vendor.example"),
              (60.0, "intranet", "intranet.agency.example")]
    conns.sort()
    first_use = {}
    for t, _, name in conns:
        first_use.setdefault(name, t)
    # mail.agency.example is looked up (the mail client) but only used over IMAPS here
    first_use["mail.agency.example"] = 33.3
    conns.append((33.35, "imaps", "mail.agency.example"))
    dns_port = Ports(rng, 52000)
    for name, t in sorted(first_use.items(), key=lambda x: x[1]):
        for k, qtype in enumerate((1, 28)):
            tq = t - 0.06 + k * 0.0005
            qid, sp = rng.randint(0, 0xFFFF), dns_port()
            cap.udp(tq, pc, RESOLVER, sp, 53, dns_query(qid, name, qtype))
            ip = SITES[name]
            if qtype == 1:
                rrs = [(1, ipv4_bytes(ip))]
            elif ip.startswith("10."):
                rrs = []
            else:
                rrs = [(28, bytes.fromhex("20010db8") + ipv4_bytes(ip) + bytes(7) + b"\x01")]
            cap.udp(tq + 0.003, RESOLVER, pc, 53, sp, dns_answer(qid, name, qtype, rrs))
    https = 0
    for t, kind, name in sorted(conns):
        ip = SITES[name]
        if kind in ("https", "imaps"):
            port = 443 if kind == "https" else 993
            c = Conv(cap, t, pc, ports(), ip, port, rtt=rng.uniform(0.015, 0.08)).handshake()
            ex = [(rng.randint(300, 900), rng.randint(800, 6000), rng.uniform(0.05, 8.0))
                  for _ in range(rng.randint(1, 3))]
            tls_session(c, rng, name, ex)
            c.wait(rng.uniform(0.5, 15))
            c.close()
            https += 1
        elif kind.startswith("http-"):
            uri = "/" if kind == "http-news" else "/wiki/Trang_chinh"
            c = Conv(cap, t, pc, ports(), ip, 80, rtt=0.03).handshake()
            c.client(http_request("GET", uri, name))
            c.server(http_response(200, "OK", [("Content-Type", "text/html; charset=utf-8")],
                                   html_page(name, rng, 30)))
            c.wait(2.0)
            c.close()
        elif kind == "download":
            body = b"%PDF-1.7\n" + rng.randbytes(500000 - 9 - 6) + b"%%EOF\n"
            c = Conv(cap, t, pc, ports(), ip, 80, rtt=0.025).handshake()
            c.client(http_request("GET", "/downloads/user-guide-2026.pdf", name))
            c.server(http_response(200, "OK", [("Content-Type", "application/pdf")], body),
                     gap=0.0015)
            c.close()
        elif kind == "intranet":
            c = Conv(cap, t, pc, ports(), ip, 80, rtt=0.001).handshake()
            c.client(http_request("GET", "/login", name))
            c.server(http_response(200, "OK", [("Content-Type", "text/html; charset=utf-8")],
                                   html_page("Dang nhap", rng, 1)))
            c.wait(6.0)
            c.client(http_request("POST", "/login", name,
                                  [("Content-Type", "application/x-www-form-urlencoded")],
                                  b"username=nv.tranbinh&password=Intr4net%21Pass"))
            c.server(http_response(302, "Found", [("Location", "/home"),
                                                  ("Set-Cookie", "SESSIONID=8d1f0c2a; Path=/; HttpOnly")]))
            c.client(http_request("GET", "/home", name, [("Cookie", "SESSIONID=8d1f0c2a")]))
            c.server(http_response(200, "OK", [("Content-Type", "text/html; charset=utf-8")],
                                   html_page("Trang chu", rng, 6)))
            c.wait(3.0)
            c.close()
    for t in (12.3, 431.7, 811.0):
        cap.udp(t, pc, "192.0.2.123", 123, 123, ntp_packet(3, T0 + t))
        cap.udp(t + 0.021, "192.0.2.123", pc, 123, 123, ntp_packet(4, T0 + t + 0.01))
    Conv(cap, 250.0, pc, ports(), "198.51.100.90", 8443, rtt=0.03).refused()
    Conv(cap, 520.0, pc, ports(), "203.0.113.150", 443).unanswered((1.0, 2.0))
    return {"client": pc, "resolver": RESOLVER, "names": sorted(SITES), "dns_queries": 40,
            "tls_connections": https, "http_get_pages": 2, "download_bytes": 500000,
            "intranet_login_posts": 1, "ntp_exchanges": 3,
            "refused": "198.51.100.90:8443", "unanswered": "203.0.113.150:443",
            "expect_no_alerts": ["portscan", "hostsweep", "synflood", "bruteforce",
                                 "dns-tunnel", "beacon"]}


# --- personal data ----------------------------------------------------------------------

PROVINCES = {"001": "Hà Nội", "079": "TP. Hồ Chí Minh", "048": "Đà Nẵng", "031": "Hải Phòng",
             "092": "Cần Thơ", "038": "Thanh Hóa", "040": "Nghệ An", "046": "Huế",
             "075": "Đồng Nai", "074": "Bình Dương", "036": "Nam Định", "027": "Bắc Ninh"}

# (name, CCCD, date of birth, mobile number). Each CCCD: a valid province code, the
# century/sex digit matching the birth year, the birth year's last two digits, 6 digits.
# Each phone: 10 digits with a valid mobile prefix (Viettel, Mobifone, Vinaphone,
# Vietnamobile, Gmobile).
RECORDS = [
    ("Bùi Quang Nam", "001091901775", "1991-02-08", "0819606110"),
    ("Dương Ngọc Châu", "079301116115", "2001-05-27", "0347543956"),
    ("Lý Thành Hùng", "048063416512", "1963-05-12", "0946314012"),
    ("Bùi Văn Nam", "031084306311", "1984-05-15", "0379687556"),
    ("Nguyễn Thành Hùng", "092205483469", "2005-07-03", "0859826714"),
    ("Phạm Thanh Mai", "038307417488", "2007-09-09", "0819462351"),
    ("Nguyễn Mai Hạnh", "040302857873", "2002-01-23", "0347204296"),
    ("Hoàng Thanh Hạnh", "046301657111", "2001-12-15", "0589154190"),
    ("Hồ Thành Hiếu", "075207843992", "2007-07-14", "0894938778"),
    ("Nguyễn Văn Dũng", "074207842580", "2007-09-16", "0833352718"),
    ("Lý Minh Nam", "036207847206", "2007-07-18", "0974866552"),
    ("Dương Văn Long", "027204474921", "2004-03-14", "0581078693"),
    ("Lý Đức Bình", "001203783864", "2003-07-05", "0920235427"),
    ("Nguyễn Minh Phúc", "079084977459", "1984-02-20", "0894158025"),
    ("Trần Quang Hiếu", "048092794465", "1992-11-12", "0370086085"),
    ("Lý Thành Sơn", "031202572316", "2002-04-16", "0368467819"),
    ("Lê Minh Quân", "092202980477", "2002-03-26", "0798517824"),
    ("Hồ Ngọc Mai", "038303394271", "2003-01-04", "0841232006"),
    ("Đỗ Thành Hùng", "040099990978", "1999-01-01", "0597986364"),
    ("Đặng Minh Hùng", "046201521739", "2001-08-19", "0382581855"),
]


def phone_wire(i, p):
    """Record i's phone as written: 0912345678, 091 234 5678 or +84912345678 in turn."""
    return (p, "%s %s %s" % (p[:3], p[3:6], p[6:]), "+84" + p[1:])[i % 3]


def records():
    return [{"hoTen": n, "soCCCD": c, "ngaySinh": d, "soDienThoai": phone_wire(i, p),
             "diaChi": "Số %d đường Lê Lợi, %s" % (10 + i * 7, PROVINCES[c[:3]])}
            for i, (n, c, d, p) in enumerate(RECORDS)]


def records_csv():
    lines = ["ho_ten,so_cccd,ngay_sinh,so_dien_thoai,dia_chi"]
    lines += ['%s,%s,%s,%s,"%s"' % (r["hoTen"], r["soCCCD"], r["ngaySinh"], r["soDienThoai"],
                                    r["diaChi"]) for r in records()]
    return ("\r\n".join(lines) + "\r\n").encode()


def records_form():
    pairs = []
    for r in records():
        pairs += [("hoten[]", r["hoTen"]), ("cccd[]", r["soCCCD"]), ("ngaysinh[]", r["ngaySinh"]),
                  ("sdt[]", r["soDienThoai"])]
    return urllib.parse.urlencode(pairs).encode()


def smtp_session(c, sender, rcpt, subject, attachment_name, attachment):
    """EHLO, MAIL FROM, RCPT TO, DATA: a multipart/mixed message whose text/csv
    attachment is sent as 8bit clear text, QUIT."""
    c.server(b"220 mx.exfil.example ESMTP Postfix\r\n")
    c.client(b"EHLO pc-ketoan-15.agency.example\r\n")
    c.server(b"250-mx.exfil.example\r\n250-PIPELINING\r\n250-SIZE 10240000\r\n250-8BITMIME\r\n"
             b"250 SMTPUTF8\r\n")
    c.client(b"MAIL FROM:<%s> BODY=8BITMIME\r\n" % sender.encode())
    c.server(b"250 2.1.0 Ok\r\n")
    c.client(b"RCPT TO:<%s>\r\n" % rcpt.encode())
    c.server(b"250 2.1.5 Ok\r\n")
    c.client(b"DATA\r\n")
    c.server(b"354 End data with <CR><LF>.<CR><LF>\r\n")
    boundary = b"=-=canh-boundary-4f1c=-="
    msg = (b"From: <%s>\r\nTo: <%s>\r\nSubject: %s\r\nDate: Thu, 01 Jan 2026 07:00:40 +0000\r\n"
           b"Message-ID: <20260101070040.4f1c@agency.example>\r\nMIME-Version: 1.0\r\n"
           b"Content-Type: multipart/mixed; boundary=\"%s\"\r\n\r\n--%s\r\n"
           b"Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
           b"Gui anh file dinh kem.\r\n\r\n--%s\r\n"
           b"Content-Type: text/csv; charset=utf-8; name=\"%s\"\r\n"
           b"Content-Transfer-Encoding: 8bit\r\n"
           b"Content-Disposition: attachment; filename=\"%s\"\r\n\r\n%s\r\n--%s--\r\n.\r\n") % (
        sender.encode(), rcpt.encode(), subject.encode(), boundary, boundary, boundary,
        attachment_name.encode(), attachment_name.encode(), attachment, boundary)
    c.client(msg)
    c.server(b"250 2.0.0 Ok: queued as 4C1F2A0B3D\r\n")
    c.client(b"QUIT\r\n")
    c.server(b"221 2.0.0 Bye\r\n")
    c.close()


def ftp_upload(cap, t, client, cport, server, name, data, data_port=50000):
    """FTP upload: control connection (USER, PASS, TYPE I, PASV, STOR name) and the
    passive data connection client:cport+1 -> server:data_port carrying 'data'."""
    c = Conv(cap, t, client, cport, server, 21, rtt=0.04).handshake()
    c.server(b"220 (vsFTPd 3.0.5)\r\n")
    c.client(b"USER upload\r\n")
    c.server(b"331 Please specify the password.\r\n")
    c.client(b"PASS Upl0ad-2026\r\n")
    c.server(b"230 Login successful.\r\n")
    c.client(b"TYPE I\r\n")
    c.server(b"200 Switching to Binary mode.\r\n")
    c.client(b"PASV\r\n")
    h = server.replace(".", ",").encode()
    c.server(b"227 Entering Passive Mode (%s,%d,%d).\r\n" % (h, data_port >> 8, data_port & 255))
    d = Conv(cap, c.t + 0.001, client, cport + 1, server, data_port, rtt=0.04).handshake()
    c.t = d.t
    c.client(b"STOR %s\r\n" % name.encode())
    c.server(b"150 Ok to send data.\r\n")
    d.t = c.t
    d.client(data)
    d.close()
    c.t = d.t
    c.server(b"226 Transfer complete.\r\n")
    c.client(b"QUIT\r\n")
    c.server(b"221 Goodbye.\r\n")
    c.close()


def pii_leak(cap):
    """Personal data leaving the agency (personal-data detector). The internal client
    10.10.2.15 sends the same 20 synthetic citizen records four ways, each to an outside
    server: t=0 s, HTTP POST /upload/records to 198.51.100.77:80 (Host
    records.exfil.example), Content-Type application/json, a JSON array of 20 objects
    {hoTen, soCCCD, ngaySinh, soDienThoai, diaChi} (UTF-8, not escaped); t=20 s, HTTP
    POST /forms/submit to the same server, application/x-www-form-urlencoded,
    hoten[]=..&cccd[]=..&ngaysinh[]=..&sdt[]=.. per record (so a phone with spaces is
    sent as 081+960+6110 and +84... as %2B84...); t=40 s, SMTP to 198.51.100.25:25
    (EHLO, MAIL FROM:<ketoan@agency.example>, RCPT TO:<drop@mx.exfil.example>, DATA)
    with a text/csv attachment danh-sach-cong-dan.csv in 8bit clear text; t=60 s, FTP to
    198.51.100.21:21 (USER upload, PASV, STOR records.csv) with the same CSV on the
    passive data connection to port 50000. Every transfer holds exactly these 20 CCCD
    numbers and these 20 phones (written as shown: plain, spaced, +84 in turn):

        001091901775 0819606110     079301116115 034 754 3956   048063416512 +84946314012
        031084306311 0379687556     092205483469 085 982 6714   038307417488 +84819462351
        040302857873 0347204296     046301657111 058 915 4190   075207843992 +84894938778
        074207842580 0833352718     036207847206 097 486 6552   027204474921 +84581078693
        001203783864 0920235427     079084977459 089 415 8025   048092794465 +84370086085
        031202572316 0368467819     092202980477 079 851 7824   038303394271 +84841232006
        040099990978 0597986364     046201521739 038 258 1855

    5 TCP conversations: the two HTTP POSTs (separate connections), SMTP, FTP control and
    FTP data."""
    client = "10.10.2.15"
    for i, (n, cc, d, p) in enumerate(RECORDS):
        assert cc in pii_leak.__doc__ and phone_wire(i, p) in pii_leak.__doc__, cc
    body = json.dumps(records(), ensure_ascii=False, indent=1).encode()
    c = Conv(cap, 0.0, client, 50811, "198.51.100.77", 80, rtt=0.05).handshake()
    c.client(http_request("POST", "/upload/records", "records.exfil.example",
                          [("Content-Type", "application/json; charset=utf-8")], body))
    c.server(http_response(200, "OK", [("Content-Type", "application/json")], b'{"ok":true,"n":20}'))
    c.close()
    c = Conv(cap, 20.0, client, 50827, "198.51.100.77", 80, rtt=0.05).handshake()
    c.client(http_request("POST", "/forms/submit", "records.exfil.example",
                          [("Content-Type", "application/x-www-form-urlencoded")], records_form()))
    c.server(http_response(200, "OK", [("Content-Type", "text/plain")], b"saved\n"))
    c.close()
    c = Conv(cap, 40.0, client, 50840, "198.51.100.25", 25, rtt=0.05).handshake()
    smtp_session(c, "ketoan@agency.example", "drop@mx.exfil.example", "Danh sach",
                 "danh-sach-cong-dan.csv", records_csv())
    ftp_upload(cap, 60.0, client, 50852, "198.51.100.21", "records.csv", records_csv())
    return {"client": client, "cccd": [r[1] for r in RECORDS], "phone": [r[3] for r in RECORDS],
            "phone_wire": [phone_wire(i, r[3]) for i, r in enumerate(RECORDS)],
            "names": [r[0] for r in RECORDS],
            "transfers": [
                {"kind": "http-json", "server": "198.51.100.77", "port": 80, "client_port": 50811,
                 "uri": "/upload/records", "records": 20},
                {"kind": "http-form", "server": "198.51.100.77", "port": 80, "client_port": 50827,
                 "uri": "/forms/submit", "records": 20},
                {"kind": "smtp", "server": "198.51.100.25", "port": 25, "client_port": 50840,
                 "attachment": "danh-sach-cong-dan.csv", "records": 20},
                {"kind": "ftp", "server": "198.51.100.21", "port": 21, "client_port": 50852,
                 "data_port": 50000, "data_client_port": 50853, "file": "records.csv",
                 "records": 20}]}


# Decoys: numbers shaped like personal data that are not. 12 digits with a province code
# that does not exist (003, 099, 100, 005, 050, 063, 090, 200, 512, 999); 13-digit order
# numbers (some start with a valid CCCD, some hold a valid-looking phone): a 12-digit or
# 10-digit match inside them is not one; 16-digit card-like numbers (Luhn-invalid) holding
# a CCCD-looking 12-digit window; 13-digit millisecond timestamps; prices with dots; tax
# codes (MST, 10 digits from 010/030/031: not mobile prefixes) and landlines (02x).
BAD_CCCD = ["003091234567", "099187654321", "100203456789", "005300112233", "050095551234",
            "063212345678", "090088812345", "200301234567", "512099876543", "999199001122"]
ORDER13 = ["0790912345678", "0010901775123", "1234567890123", "0920235427001", "0481999012345",
           "3102025723169", "0840302857873", "7700000000001", "0347543956000", "0010203040506"]
CARD16 = ["9704001234567890", "4111001234567891", "5500079301116110", "3530048092794460",
          "9704048063416510"]
TIMESTAMPS = ["1700000000123", "1767250800456", "1767254400789", "1735689600000"]
PRICES = ["1.250.000", "12.500.000", "350.000", "2.075.500", "990.000"]
TAX_CODES = ["0101234567", "0301234567", "0312345678", "0100109106"]
LANDLINES = ["02438251234", "024 3825 1234", "028 3829 5678", "0236 3822 111"]


def luhn_ok(s):
    total = 0
    for i, ch in enumerate(reversed(s)):
        d = int(ch)
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def invoices(rng):
    out = []
    for i in range(20):
        out.append({"soHoaDon": BAD_CCCD[i % len(BAD_CCCD)], "maDonHang": ORDER13[i % len(ORDER13)],
                    "maThe": CARD16[i % len(CARD16)], "thoiGian": int(TIMESTAMPS[i % len(TIMESTAMPS)]),
                    "tongTien": PRICES[i % len(PRICES)] + " VND",
                    "mstNguoiBan": TAX_CODES[i % len(TAX_CODES)],
                    "dienThoaiCoDinh": LANDLINES[i % len(LANDLINES)],
                    "ghiChu": "Hóa đơn điện tử số %d, giao hàng lần %d" % (1000 + i, rng.randint(1, 3))})
    return out


def invoices_csv(inv):
    lines = ["so_hoa_don,ma_don_hang,ma_the,thoi_gian,tong_tien,mst,dien_thoai_co_dinh,ghi_chu"]
    lines += ['%s,%s,%s,%d,"%s",%s,%s,"%s"' % (v["soHoaDon"], v["maDonHang"], v["maThe"],
                                               v["thoiGian"], v["tongTien"], v["mstNguoiBan"],
                                               v["dienThoaiCoDinh"], v["ghiChu"]) for v in inv]
    return ("\r\n".join(lines) + "\r\n").encode()


def pii_benign(cap):
    """No personal data leaving (personal-data detector, false positives). The shapes of
    pii-leak.pcap with decoys instead of personal data: the internal client 10.10.2.16
    sends 20 invoices holding the numbers BAD_CCCD (12 digits, province codes that do
    not exist), ORDER13 (13-digit order numbers, some starting with a valid-looking CCCD
    or holding a phone-like 10-digit run), CARD16 (16-digit Luhn-invalid card-like
    numbers holding a CCCD-like 12-digit window), TIMESTAMPS (13-digit milliseconds),
    PRICES ("1.250.000"), TAX_CODES (10-digit MST from 010/030/031) and LANDLINES (02x)
    -- all listed above and in the manifest: t=0 s as JSON POST /upload/invoices to
    198.51.100.77:80; t=20 s as a form POST /forms/submit there; t=40 s as SMTP to
    198.51.100.25:25 with hoa-don.csv attached in clear text; t=60 s as FTP STOR
    invoices.csv to 198.51.100.21 (data port 50000). Then the personal data itself, not
    leaving HOME_NET: t=80 s, 10.10.2.15 POSTs the 20 records of pii-leak.pcap as JSON to
    the internal server 10.10.1.80:80 (POST /upload/records, Host hoso.agency.example),
    and at t=90 s the same as a form POST /forms/submit. 7 TCP conversations; no
    personal-data alert is expected."""
    rng = random.Random(112)
    assert not any(luhn_ok(x) for x in CARD16)
    client = "10.10.2.16"
    inv = invoices(rng)
    c = Conv(cap, 0.0, client, 51211, "198.51.100.77", 80, rtt=0.05).handshake()
    c.client(http_request("POST", "/upload/invoices", "records.exfil.example",
                          [("Content-Type", "application/json; charset=utf-8")],
                          json.dumps(inv, ensure_ascii=False, indent=1).encode()))
    c.server(http_response(200, "OK", [("Content-Type", "application/json")], b'{"ok":true}'))
    c.close()
    pairs = []
    for v in inv:
        pairs += [(k, str(x)) for k, x in v.items()]
    c = Conv(cap, 20.0, client, 51227, "198.51.100.77", 80, rtt=0.05).handshake()
    c.client(http_request("POST", "/forms/submit", "records.exfil.example",
                          [("Content-Type", "application/x-www-form-urlencoded")],
                          urllib.parse.urlencode(pairs).encode()))
    c.server(http_response(200, "OK", [("Content-Type", "text/plain")], b"saved\n"))
    c.close()
    c = Conv(cap, 40.0, client, 51240, "198.51.100.25", 25, rtt=0.05).handshake()
    smtp_session(c, "ketoan@agency.example", "hoadon@partner.example", "Hoa don thang 12",
                 "hoa-don.csv", invoices_csv(inv))
    ftp_upload(cap, 60.0, client, 51252, "198.51.100.21", "invoices.csv", invoices_csv(inv))
    inside = "10.10.2.15"
    c = Conv(cap, 80.0, inside, 50911, WEB, 80, rtt=0.001).handshake()
    c.client(http_request("POST", "/upload/records", "hoso.agency.example",
                          [("Content-Type", "application/json; charset=utf-8")],
                          json.dumps(records(), ensure_ascii=False, indent=1).encode()))
    c.server(http_response(200, "OK", [("Content-Type", "application/json")], b'{"ok":true,"n":20}'))
    c.close()
    c = Conv(cap, 90.0, inside, 50927, WEB, 80, rtt=0.001).handshake()
    c.client(http_request("POST", "/forms/submit", "hoso.agency.example",
                          [("Content-Type", "application/x-www-form-urlencoded")], records_form()))
    c.server(http_response(200, "OK", [("Content-Type", "text/plain")], b"saved\n"))
    c.close()
    return {"client": client, "bad_cccd": BAD_CCCD, "order13": ORDER13, "card16": CARD16,
            "timestamps": TIMESTAMPS, "prices": PRICES, "tax_codes": TAX_CODES,
            "landlines": LANDLINES,
            "internal": {"client": inside, "server": WEB, "port": 80,
                         "cccd": [r[1] for r in RECORDS], "phone": [r[3] for r in RECORDS],
                         "client_ports": [50911, 50927]},
            "expect_no_alerts": ["pii"]}


# --- files ------------------------------------------------------------------------------

def make_pdf(title, pages_text, size=None):
    """A small valid PDF 1.4 (one page per text, Helvetica, correct xref offsets); with
    'size', an unreferenced padding stream object makes it exactly that many bytes."""
    if size is not None:
        pad = 0
        for _ in range(8):
            n = len(_pdf(title, pages_text, pad))
            if n == size:
                return _pdf(title, pages_text, pad)
            pad += size - n
        raise ValueError("cannot pad the PDF to %d bytes" % size)
    return _pdf(title, pages_text, 0)


def _pdf(title, pages_text, pad):
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>"]
    kids = " ".join("%d 0 R" % (4 + 2 * i) for i in range(len(pages_text)))
    objs.append(("<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, len(pages_text))).encode())
    objs.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    for i, text in enumerate(pages_text):
        stream = ("BT /F1 14 Tf 72 720 Td (%s) Tj ET" % text).encode()
        objs.append(("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font "
                     "<< /F1 3 0 R >> >> /Contents %d 0 R >>" % (5 + 2 * i)).encode())
        objs.append(b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream))
    if pad:
        filler = (b"% padding\n" * (pad // 10 + 1))[:pad]
        objs.append(b"<< /Length %d >>\nstream\n%s\nendstream" % (len(filler), filler))
    out = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"
    offs = []
    for i, o in enumerate(objs):
        offs.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (i + 1, o)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offs)
    out += (b"trailer\n<< /Size %d /Root 1 0 R /Info << /Title (%s) >> >>\nstartxref\n%d\n%%%%EOF\n"
            % (len(objs) + 1, title.encode(), xref))
    return out


def make_pe():
    """A minimal Windows PE32 executable (i386 console program whose .text is 'ret'):
    MZ header, the usual DOS stub and message, PE signature, COFF and optional headers,
    one section. 1,024 bytes."""
    stub = (bytes.fromhex("0e1fba0e00b409cd21b8014ccd21") +
            b"This program cannot be run in DOS mode.\r\r\n$")
    mz = bytearray(0x80)
    struct.pack_into("<2sHHHHHHHHHHHHH", mz, 0, b"MZ", 0x90, 3, 0, 4, 0, 0xFFFF, 0, 0xB8, 0, 0, 0, 0x40, 0)
    struct.pack_into("<I", mz, 0x3C, 0x80)
    mz[0x40:0x40 + len(stub)] = stub
    coff = struct.pack("<4sHHIIIHH", b"PE\0\0", 0x14C, 1, 0x695E2A00, 0, 0, 0xE0, 0x0102)
    opt = struct.pack("<HBBIIIIIIIIIHHHHHHIIIIHHIIIIII", 0x10B, 14, 0, 0x200, 0, 0, 0x1000, 0x1000,
                      0x2000, 0x400000, 0x1000, 0x200, 6, 0, 0, 0, 6, 0, 0, 0x2000, 0x200, 0, 3,
                      0x8140, 0x100000, 0x1000, 0x100000, 0x1000, 0, 16) + bytes(16 * 8)
    sect = struct.pack("<8sIIIIIIHHI", b".text", 0x1000, 0x1000, 0x200, 0x200, 0, 0, 0, 0, 0x60000020)
    hdr = bytes(mz) + coff + opt + sect
    pe = hdr + bytes(0x200 - len(hdr)) + b"\xc3" + bytes(0x1FF)
    assert len(pe) == 1024
    return pe


def make_png(w=16, h=16):
    """A valid 16x16 RGB PNG (a gradient): signature, IHDR, IDAT, IEND with CRCs."""
    def chunk(kind, data):
        return struct.pack("!I", len(data)) + kind + data + struct.pack("!I", zlib.crc32(kind + data))
    raw = b"".join(b"\0" + bytes(v for x in range(w) for v in (x * 16, y * 16, 128)) for y in range(h))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack("!IIBBBBB", w, h, 8, 2, 0, 0, 0)) +
            chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))


def make_zip():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in (("readme.txt", b"Bo tai lieu huong dan nop ho so truc tuyen.\n" * 20),
                           ("bieu-mau/mau-01.csv", b"stt,noi_dung,so_luong\n1,Giay,10\n2,Muc in,3\n")):
            zi = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o644 << 16
            z.writestr(zi, data)
    return buf.getvalue()


def make_jpeg(rng):
    """JPEG-like bytes: SOI, a JFIF APP0, a DQT, SOF0 and SOS header, random scan data
    without 0xFF, EOI. About 3 KB."""
    app0 = b"\xff\xe0" + struct.pack("!H", 16) + b"JFIF\0\x01\x01\x00\x00\x48\x00\x48\x00\x00"
    dqt = b"\xff\xdb" + struct.pack("!H", 67) + b"\0" + bytes(rng.randint(1, 99) for _ in range(64))
    sof = b"\xff\xc0" + struct.pack("!HBHHB", 11, 8, 48, 64, 1) + b"\x01\x11\x00"
    sos = b"\xff\xda" + struct.pack("!HB", 8, 1) + b"\x01\x00\x00\x3f\x00"
    scan = bytes(rng.randint(0, 254) for _ in range(2900))
    return b"\xff\xd8" + app0 + dqt + sof + sos + scan + b"\xff\xd9"


def file_facts(name, data, **kw):
    d = {"name": name, "size": len(data), "sha256": hashlib.sha256(data).hexdigest(),
         "sha1": hashlib.sha1(data).hexdigest(), "md5": hashlib.md5(data).hexdigest()}
    d.update(kw)
    return d


def files(cap):
    """File extraction (file engine). The internal client 10.10.2.20 and the outside
    server 198.51.100.30:80 (Host files.partner.example); every file's name, size,
    SHA-256, SHA-1 and MD5, URI, direction, type and how it travels are in the manifest
    ("files": one entry per file, in the order below) and printed with --manifest.
    Connection 1 (t=1 s, client port 50101, keep-alive): GET /docs/report.pdf (a 2-page
    PDF 1.4, "%PDF-1.4" ... "%%EOF"), GET /images/logo.png (16x16 RGB PNG), GET
    /docs/readme.txt (plain text), each with Content-Length. Connection 2 (t=4 s, 50107):
    GET /downloads/setup.exe, a 1,024-byte PE32 ("MZ", the DOS stub's "This program
    cannot be run in DOS mode.", "PE\\0\\0"). Connection 3 (t=7 s, 50112): GET
    /downloads/archive.zip (a real zip: readme.txt and bieu-mau/mau-01.csv). Connection 4
    (t=10 s, 50118): GET /download?id=42 answered with Content-Disposition: attachment;
    filename="report-2026.pdf" (another PDF). Connection 5 (t=13 s, 50125): GET
    /data/export.json answered with Content-Encoding: gzip and Transfer-Encoding: chunked
    (the gzip stream cut into chunks of 100, 300 and the rest bytes; the manifest's hashes
    are of the decoded JSON, "gzip_sha256"/"gzip_size" of the gzip stream). Connection 6
    (t=16 s, 50131): GET /docs/handbook.pdf, the response header in one segment and the
    27,000-byte body in 20 segments of 1,350 bytes, each ACKed. Connection 7 (t=20 s,
    50140): PUT /upload/ghi-chu.txt (text/plain), answered 201 Created. Connection 8
    (t=23 s, 50146): POST /upload, multipart/form-data with a field "mo_ta" and the file
    field "file" named photo.jpg (image/jpeg, about 3 KB), answered 200. 8 TCP
    conversations, 8 downloaded files and 2 uploaded:

        report.pdf          927  605fcaf8485a1a65ff759257267979e4883a8a167e19332825654f19b8d572a2
        logo.png            463  bc9854f99dbe38c18f0ae3d55ad8fc7583c03b645fdc7be1ee68524a2888871e *
        readme.txt          720  48e3f477cc715d64cfd7f03de1d7b83d0501f5abf88115131178ed198ccf4094
        setup.exe          1024  024a4e66bc3427f19aa6f7e558e7d00c144653cd16d843da372f6304917e1db4
        archive.zip         331  72766027e41b159781920f253de01f857e21a097d5097776ef1707ea3f207677 *
        report-2026.pdf     640  2a53949c6f1dfd6749a9c64457673d5b14960e27a3c0b58d16c12cfa9c2965c1
        export.json        7073  0f6391ba66a0d21b23c116a6682adb4b5613882df4ed15f18f6e9f5d5e65a197
        handbook.pdf      27000  6d1c709f8a92464f1842a3bf7b50d2011e3783df5ac390addae5c38e90964155
        ghi-chu.txt          94  e02742fd55f50f85113b01994d79e895940f332616c67d69b41082e2f90b931e
        photo.jpg          3014  b62c2b4d66289dee66a21520f360a7fbbdfba689f6e306461473cef2b21ea7d2

    (* holds zlib output, which another zlib version may compress differently: read
    those two from the manifest; the others are checked against this list when built.)"""
    rng = random.Random(113)
    client, srv, host = "10.10.2.20", "198.51.100.30", "files.partner.example"
    out = []
    pdf = make_pdf("Bao cao quy IV", ["Bao cao tong hop quy IV nam 2025", "Phu luc: so lieu chi tiet"])
    png = make_png()
    txt = ("Huong dan su dung he thong.\nPhien ban 2.1, ngay 01/01/2026.\n" * 12).encode()
    c = Conv(cap, 1.0, client, 50101, srv, 80, rtt=0.04).handshake()
    for uri, data, ctype in (("/docs/report.pdf", pdf, "application/pdf"),
                             ("/images/logo.png", png, "image/png"),
                             ("/docs/readme.txt", txt, "text/plain; charset=utf-8")):
        c.client(http_request("GET", uri, host))
        c.server(http_response(200, "OK", [("Content-Type", ctype)], data))
        c.wait(0.2)
        out.append(file_facts(uri.rsplit("/", 1)[1], data, uri=uri, direction="download",
                              content_type=ctype.split(";")[0], client_port=50101,
                              transfer="content-length"))
    c.close()
    out[0]["magic"], out[1]["magic"], out[2]["magic"] = "pdf", "png", "text"

    pe = make_pe()
    zp = make_zip()
    for t, port, uri, data, ctype, magic in ((4.0, 50107, "/downloads/setup.exe", pe,
                                              "application/octet-stream", "pe"),
                                             (7.0, 50112, "/downloads/archive.zip", zp,
                                              "application/zip", "zip")):
        c = Conv(cap, t, client, port, srv, 80, rtt=0.04).handshake()
        c.client(http_request("GET", uri, host))
        c.server(http_response(200, "OK", [("Content-Type", ctype)], data))
        c.close()
        out.append(file_facts(uri.rsplit("/", 1)[1], data, uri=uri, direction="download",
                              content_type=ctype, client_port=port, transfer="content-length",
                              magic=magic))

    pdf2 = make_pdf("Bao cao 2026", ["Bao cao ke hoach nam 2026"])
    c = Conv(cap, 10.0, client, 50118, srv, 80, rtt=0.04).handshake()
    c.client(http_request("GET", "/download?id=42", host))
    c.server(http_response(200, "OK", [("Content-Type", "application/pdf"),
                                       ("Content-Disposition", 'attachment; filename="report-2026.pdf"')],
                           pdf2))
    c.close()
    out.append(file_facts("report-2026.pdf", pdf2, uri="/download?id=42", direction="download",
                          content_type="application/pdf", client_port=50118,
                          transfer="content-disposition", magic="pdf"))

    js = json.dumps([{"id": i, "ten": "Don vi %d" % i, "so_ho_so": rng.randint(0, 500)}
                     for i in range(120)], indent=1).encode()
    gz = gzip.compress(js, compresslevel=9, mtime=0)
    c = Conv(cap, 13.0, client, 50125, srv, 80, rtt=0.04).handshake()
    c.client(http_request("GET", "/data/export.json", host, [("Accept-Encoding", "gzip")]))
    c.server(http_response(200, "OK", [("Content-Type", "application/json"),
                                       ("Content-Encoding", "gzip"),
                                       ("Transfer-Encoding", "chunked")],
                           R.chunked(gz, [100, 300]), length=False))
    c.close()
    out.append(file_facts("export.json", js, uri="/data/export.json", direction="download",
                          content_type="application/json", client_port=50125,
                          transfer="gzip-chunked", magic="text",
                          gzip_size=len(gz), gzip_sha256=hashlib.sha256(gz).hexdigest()))

    big = make_pdf("So tay", ["So tay can bo, trang %d" % i for i in range(1, 40)], size=27000)
    assert len(big) == 27000 and big.startswith(b"%PDF-1.4") and big.endswith(b"%%EOF\n")
    c = Conv(cap, 16.0, client, 50131, srv, 80, rtt=0.04).handshake()
    c.client(http_request("GET", "/docs/handbook.pdf", host))
    c.server(http_response(200, "OK", [("Content-Type", "application/pdf"),
                                       ("Content-Length", str(len(big)))], length=False))
    c.server(big, mss=1350, ack_every=1, gap=0.001)
    c.close()
    out.append(file_facts("handbook.pdf", big, uri="/docs/handbook.pdf", direction="download",
                          content_type="application/pdf", client_port=50131,
                          transfer="20-segments", segments=20, magic="pdf"))

    note = ("Ghi chu cuoc hop ngay 01/01/2026.\n- Trien khai he thong giam sat mang.\n"
            "- Bao cao truoc 15/01.\n").encode()
    c = Conv(cap, 20.0, client, 50140, srv, 80, rtt=0.04).handshake()
    c.client(http_request("PUT", "/upload/ghi-chu.txt", host,
                          [("Content-Type", "text/plain; charset=utf-8")], note))
    c.server(http_response(201, "Created", [("Location", "/upload/ghi-chu.txt")]))
    c.close()
    out.append(file_facts("ghi-chu.txt", note, uri="/upload/ghi-chu.txt", direction="upload",
                          content_type="text/plain", client_port=50140, transfer="put",
                          magic="text"))

    jpg = make_jpeg(rng)
    boundary = "----CanhFormBoundary7MA4YWxkTrZu0gW"
    body = (("--%s\r\nContent-Disposition: form-data; name=\"mo_ta\"\r\n\r\nAnh hien truong\r\n"
             "--%s\r\nContent-Disposition: form-data; name=\"file\"; filename=\"photo.jpg\"\r\n"
             "Content-Type: image/jpeg\r\n\r\n" % (boundary, boundary)).encode() + jpg +
            ("\r\n--%s--\r\n" % boundary).encode())
    c = Conv(cap, 23.0, client, 50146, srv, 80, rtt=0.04).handshake()
    c.client(http_request("POST", "/upload", host,
                          [("Content-Type", "multipart/form-data; boundary=" + boundary)], body))
    c.server(http_response(200, "OK", [("Content-Type", "application/json")], b'{"ok":true}'))
    c.close()
    out.append(file_facts("photo.jpg", jpg, uri="/upload", direction="upload",
                          content_type="image/jpeg", client_port=50146, transfer="multipart",
                          magic="jpeg"))
    for f in out:
        if f["magic"] not in ("png", "zip"):
            assert "%s  %s" % (f["size"], f["sha256"]) in files.__doc__, f["name"]
    return {"client": client, "server": srv, "port": 80, "host": host, "files": out}


CAPTURES = [("portscan.pcap", portscan), ("hostsweep.pcap", hostsweep),
            ("synflood.pcap", synflood), ("ssh-bruteforce.pcap", ssh_bruteforce),
            ("rdp-bruteforce.pcap", rdp_bruteforce), ("ftp-bruteforce.pcap", ftp_bruteforce),
            ("http-login-bruteforce.pcap", http_login_bruteforce),
            ("dns-tunnel.pcap", dns_tunnel), ("beacon.pcap", beacon),
            ("benign-browsing.pcap", benign_browsing), ("pii-leak.pcap", pii_leak),
            ("pii-benign.pcap", pii_benign), ("files.pcap", files)]


def build(outdir):
    """Builds every capture (writing it when outdir is set); returns the manifest."""
    manifest = {}
    for name, fn in CAPTURES:
        cap = TCapture()
        facts = fn(cap)
        if outdir:
            stats = cap.write(os.path.join(outdir, name))
        else:
            stats = cap.facts()
        stats.update(facts)
        manifest[name] = stats
    return manifest


def main(argv):
    args = argv[1:]
    show = "--manifest" in args
    args = [a for a in args if a != "--manifest"]
    if len(args) > 1 or (not args and not show) or any(a.startswith("-") for a in args):
        sys.stderr.write("usage: mkpcap-engines.py [--manifest] OUTDIR\n"
                         "       mkpcap-engines.py --manifest\n")
        return 2
    outdir = args[0] if args else None
    if outdir:
        os.makedirs(outdir, exist_ok=True)
    manifest = build(outdir)
    text = json.dumps(manifest, indent=1, ensure_ascii=False) + "\n"
    if outdir:
        with open(os.path.join(outdir, "manifest.json"), "w", encoding="utf-8") as f:
            f.write(text)
    if show:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
