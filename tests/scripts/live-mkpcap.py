#!/usr/bin/env python3
"""Writes a small Ethernet capture with known flows, and the flow records a sensor
should report for it. Used by suite-live.sh (replayed on a veth pair), suite-cli.sh
(an input for the runs that should work) and, as a packet builder, robust-mkinputs.py.

    live-mkpcap.py OUT.pcap EXPECTED.tsv [PREFIX]

EXPECTED.tsv has one line per flow, tab-separated, in the order of jq's @tsv over an EVE
flow event:

    proto  src_ip  src_port  dest_ip  dest_port  pkts_toserver  pkts_toclient

(ICMP flows have ports 0.) PREFIX (default 0) goes into the second octet of every IPv4
address and the second group of every IPv6 address, so that two captures made with
different prefixes share no flow.

The packets of all flows are interleaved, as on a real link, so that with several
workers each worker sees packets of other flows between two packets of its own. Every
checksum is correct: the sensor validates them by default. Only the standard library
is used (no scapy)."""

import ipaddress
import struct
import sys

LINKTYPE_ETHERNET = 1


# --- building packets -------------------------------------------------------------------

def csum(data):
    """Internet checksum (RFC 1071)."""
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def ether(payload, ethertype, src=b"\x02\0\0\0\0\x01", dst=b"\x02\0\0\0\0\x02"):
    return dst + src + struct.pack("!H", ethertype) + payload


def ipv4(src, dst, proto, payload, ident=1, ttl=64, frag=0x4000):
    src, dst = ipaddress.IPv4Address(src).packed, ipaddress.IPv4Address(dst).packed
    hdr = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), ident & 0xFFFF, frag, ttl,
                      proto, 0, src, dst)
    hdr = hdr[:10] + struct.pack("!H", csum(hdr)) + hdr[12:]
    return hdr + payload


def ipv6(src, dst, nxt, payload, hlim=64):
    src, dst = ipaddress.IPv6Address(src).packed, ipaddress.IPv6Address(dst).packed
    return struct.pack("!IHBB16s16s", 6 << 28, len(payload), nxt, hlim, src, dst) + payload


def pseudo(src, dst, proto, length):
    a, b = ipaddress.ip_address(src), ipaddress.ip_address(dst)
    if a.version == 4:
        return a.packed + b.packed + struct.pack("!BBH", 0, proto, length)
    return a.packed + b.packed + struct.pack("!IxxxB", length, proto)


def tcp(src, dst, sport, dport, seq, ack, flags, payload=b"", win=65535):
    hdr = struct.pack("!HHIIBBHHH", sport, dport, seq & 0xFFFFFFFF, ack & 0xFFFFFFFF, 5 << 4,
                      flags, win, 0, 0)
    c = csum(pseudo(src, dst, 6, len(hdr) + len(payload)) + hdr + payload)
    return hdr[:16] + struct.pack("!H", c) + hdr[18:] + payload


def udp(src, dst, sport, dport, payload):
    hdr = struct.pack("!HHHH", sport, dport, 8 + len(payload), 0)
    c = csum(pseudo(src, dst, 17, len(hdr) + len(payload)) + hdr + payload) or 0xFFFF
    return hdr[:6] + struct.pack("!H", c) + payload


def icmp_echo(typ, ident, seq, payload=b"canh-live-test"):
    hdr = struct.pack("!BBHHH", typ, 0, 0, ident, seq)
    c = csum(hdr + payload)
    return hdr[:2] + struct.pack("!H", c) + hdr[4:] + payload


def ip_frame(src, dst, proto, l4):
    """An Ethernet frame carrying 'l4' over IPv4 or IPv6, chosen by the address."""
    if ipaddress.ip_address(src).version == 4:
        return ether(ipv4(src, dst, proto, l4), 0x0800)
    return ether(ipv6(src, dst, proto, l4), 0x86DD)


def write_pcap(path, frames, linktype=LINKTYPE_ETHERNET, snaplen=65535, t0=1700000000.0, step=0.001):
    """frames: list of bytes, or of (bytes, caplen, wirelen) to write a record as given."""
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, snaplen, linktype))
        for i, fr in enumerate(frames):
            if isinstance(fr, tuple):
                data, caplen, wirelen = fr
            else:
                data, caplen, wirelen = fr, len(fr), len(fr)
            ts = t0 + i * step
            sec = int(ts)
            usec = int(round((ts - sec) * 1e6))
            f.write(struct.pack("<IIII", sec, usec, caplen, wirelen) + data)


# --- flows ------------------------------------------------------------------------------

class Flow:
    """One conversation; .packets is a list of (to_server, frame)."""

    def __init__(self, proto, cli, sport, srv, dport):
        self.proto, self.cli, self.sport, self.srv, self.dport = proto, cli, sport, srv, dport
        self.packets = []
        self.cseq, self.sseq = 1000, 5000

    def add_tcp(self, to_server, flags, payload=b""):
        if to_server:
            seg = tcp(self.cli, self.srv, self.sport, self.dport, self.cseq, self.sseq, flags, payload)
            self.packets.append((True, ip_frame(self.cli, self.srv, 6, seg)))
            self.cseq += len(payload) + (1 if flags & 0x03 else 0)
        else:
            seg = tcp(self.srv, self.cli, self.dport, self.sport, self.sseq, self.cseq, flags, payload)
            self.packets.append((False, ip_frame(self.srv, self.cli, 6, seg)))
            self.sseq += len(payload) + (1 if flags & 0x03 else 0)

    def add_udp(self, to_server, payload):
        if to_server:
            self.packets.append((True, ip_frame(self.cli, self.srv, 17,
                                                udp(self.cli, self.srv, self.sport, self.dport, payload))))
        else:
            self.packets.append((False, ip_frame(self.srv, self.cli, 17,
                                                 udp(self.srv, self.cli, self.dport, self.sport, payload))))

    def add_icmp(self, to_server, seq):
        msg = icmp_echo(8 if to_server else 0, 0x4321, seq)
        a, b = (self.cli, self.srv) if to_server else (self.srv, self.cli)
        self.packets.append((to_server, ether(ipv4(a, b, 1, msg), 0x0800)))

    def expected(self):
        ts = sum(1 for d, _ in self.packets if d)
        tc = len(self.packets) - ts
        return (self.proto, str(ipaddress.ip_address(self.cli)), self.sport,
                str(ipaddress.ip_address(self.srv)), self.dport, ts, tc)


SYN, ACK, PSHACK, SYNACK = 0x02, 0x10, 0x18, 0x12


def dns_query(qid, name, response=False):
    q = b"".join(bytes([len(p)]) + p.encode() for p in name.split(".")) + b"\0" + struct.pack("!HH", 1, 1)
    if not response:
        return struct.pack("!HHHHHH", qid, 0x0100, 1, 0, 0, 0) + q
    answer = struct.pack("!HHHIH4s", 0xC00C, 1, 1, 300, 4, bytes([192, 0, 2, 7]))
    return struct.pack("!HHHHHH", qid, 0x8180, 1, 1, 0, 0) + q + answer


def make_flows(prefix):
    def p4(a, b):
        return "10.%d.%d.%d" % (prefix, a, b)

    flows = []

    # An HTTP exchange left open (no FIN): the sensor reports it at shutdown.
    f = Flow("TCP", p4(1, 1), 40000, p4(2, 1), 80)
    f.add_tcp(True, SYN)
    f.add_tcp(False, SYNACK)
    f.add_tcp(True, ACK)
    f.add_tcp(True, PSHACK, b"GET /index.html HTTP/1.1\r\nHost: live.canh.test\r\nUser-Agent: canh-test\r\n\r\n")
    f.add_tcp(False, ACK)
    body = b"<html>canh live test</html>\n"
    f.add_tcp(False, PSHACK, b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: %d\r\n\r\n" % len(body) + body)
    f.add_tcp(True, ACK)
    flows.append(f)

    # The same over IPv6, with a few data segments each way.
    f = Flow("TCP", "fd00:%x::1" % (0xc000 + prefix), 40001, "fd00:%x::2" % (0xc000 + prefix), 8080)
    f.add_tcp(True, SYN)
    f.add_tcp(False, SYNACK)
    f.add_tcp(True, ACK)
    for i in range(4):
        f.add_tcp(True, PSHACK, b"x" * (100 + i))
        f.add_tcp(False, PSHACK, b"y" * (200 + i))
    flows.append(f)

    # DNS query and answer.
    f = Flow("UDP", p4(1, 2), 33333, p4(2, 53), 53)
    f.add_udp(True, dns_query(0x1234, "live.canh.test"))
    f.add_udp(False, dns_query(0x1234, "live.canh.test", response=True))
    flows.append(f)

    # ICMP echo: three requests, two replies.
    f = Flow("ICMP", p4(1, 3), 0, p4(2, 3), 0)
    for seq in range(3):
        f.add_icmp(True, seq)
        if seq < 2:
            f.add_icmp(False, seq)
    flows.append(f)

    # Many small flows with different packet counts, so that a fanout group spreads them
    # over its sockets and any packet sent to the wrong worker shows as a split flow.
    for i in range(40):
        f = Flow("UDP", p4(3, 1 + i % 7), 20000 + i, p4(4, 1 + i % 5), 5000 + i)
        for k in range(1 + i % 5):
            f.add_udp(True, b"request %d/%d" % (i, k))
            if k < i % 3:
                f.add_udp(False, b"answer %d/%d" % (i, k))
        flows.append(f)
    for i in range(12):
        f = Flow("TCP", p4(5, 1 + i % 3), 30000 + i, p4(6, 1), 443 + i)
        f.add_tcp(True, SYN)
        f.add_tcp(False, SYNACK)
        f.add_tcp(True, ACK)
        for k in range(i % 4):
            f.add_tcp(True, PSHACK, b"a" * (10 + k))
            f.add_tcp(False, ACK)
        flows.append(f)
    return flows


def interleave(flows):
    """Round-robin over the flows: one packet of each in turn."""
    out, queues = [], [list(f.packets) for f in flows]
    while any(queues):
        for q in queues:
            if q:
                out.append(q.pop(0)[1])
    return out


def main():
    if len(sys.argv) not in (3, 4):
        sys.exit("usage: live-mkpcap.py OUT.pcap EXPECTED.tsv [PREFIX]")
    prefix = int(sys.argv[3]) if len(sys.argv) == 4 else 0
    flows = make_flows(prefix)
    write_pcap(sys.argv[1], interleave(flows), t0=1700000000.0 + prefix)
    with open(sys.argv[2], "w") as f:
        for fl in flows:
            f.write("\t".join(str(x) for x in fl.expected()) + "\n")


if __name__ == "__main__":
    main()
