#!/usr/bin/env python3
"""Writes the bad inputs of suite-robustness.sh into DIR:

    robust-mkinputs.py DIR [SEED]

Files that are not captures, captures cut short in every place a reader can be, records
whose lengths lie, packets cut by a small snaplen, and packets whose headers are valid
up to some layer and random after it. The random parts come from SEED (default 1), so a
failure can be reproduced. Packets are built with live-mkpcap.py's builder."""

import importlib.util
import os
import random
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
_spec = importlib.util.spec_from_file_location("live_mkpcap", os.path.join(HERE, "live-mkpcap.py"))
mk = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(mk)


def pcap_header(linktype=1, snaplen=65535, magic=0xA1B2C3D4, endian="<"):
    return struct.pack(endian + "IHHiIII", magic, 2, 4, 0, 0, snaplen, linktype)


def pcap_record(data, caplen=None, wirelen=None, ts=1700000000, endian="<"):
    caplen = len(data) if caplen is None else caplen
    wirelen = len(data) if wirelen is None else wirelen
    return struct.pack(endian + "IIII", ts, 0, caplen, wirelen) + data


def pcapng(frames, linktype=1):
    """A pcapng file: section header, one interface, an enhanced packet block per frame."""
    def block(btype, body):
        body += b"\0" * (-len(body) % 4)
        n = 12 + len(body)
        return struct.pack("<II", btype, n) + body + struct.pack("<I", n)
    out = block(0x0A0D0D0A, struct.pack("<IHHq", 0x1A2B3C4D, 1, 0, -1))
    out += block(1, struct.pack("<HHI", linktype, 0, 65535))
    for i, fr in enumerate(frames):
        ts = (1700000000 + i) * 1000000
        out += block(6, struct.pack("<IIIII", 0, ts >> 32, ts & 0xFFFFFFFF, len(fr), len(fr)) + fr)
    return out


def good_frames():
    return mk.interleave(mk.make_flows(7))


def garbage_ipv4(rng):
    """Ethernet + a valid IPv4 header (sometimes with options or fragment fields) + random bytes."""
    proto = rng.choice([1, 2, 4, 6, 17, 41, 47, 50, 58, 132, rng.randrange(256)])
    payload = bytes(rng.randrange(256) for _ in range(rng.randrange(0, 120)))
    if proto == 17 and rng.random() < 0.5:
        # UDP to a port the decoder tunnels through (VXLAN, GTP-U) or DPI cares about.
        port = rng.choice([53, 67, 123, 443, 2152, 4789, 5353])
        payload = struct.pack("!HHHH", rng.randrange(65536), port, 8 + len(payload), 0) + payload
    frag = rng.choice([0x4000, 0, 0x2000, 0x2000 | rng.randrange(0x2000), rng.randrange(0x2000)])
    pkt = mk.ipv4("10.9.%d.%d" % (rng.randrange(4), rng.randrange(1, 5)),
                  "10.8.%d.%d" % (rng.randrange(4), rng.randrange(1, 5)),
                  proto, payload, ident=rng.randrange(8), frag=frag)
    if rng.random() < 0.2:
        # IHL that claims options, with random option bytes; checksum recomputed.
        ihl = rng.randrange(6, 16)
        opts = bytes(rng.randrange(256) for _ in range((ihl - 5) * 4))
        hdr = bytearray(pkt[:20])
        hdr[0] = 0x40 | ihl
        struct.pack_into("!H", hdr, 2, ihl * 4 + len(payload))
        struct.pack_into("!H", hdr, 10, 0)
        struct.pack_into("!H", hdr, 10, mk.csum(bytes(hdr) + opts))
        pkt = bytes(hdr) + opts + payload
    if rng.random() < 0.2:
        # A total length that disagrees with the frame.
        hdr = bytearray(pkt)
        struct.pack_into("!H", hdr, 2, rng.randrange(65536))
        pkt = bytes(hdr)
    return mk.ether(pkt, 0x0800)


def garbage_ipv6(rng):
    """Ethernet + a valid IPv6 header + random bytes (extension headers, fragments, ...)."""
    nxt = rng.choice([0, 6, 17, 43, 44, 50, 51, 58, 59, 60, 4, 41, 47, rng.randrange(256)])
    payload = bytes(rng.randrange(256) for _ in range(rng.randrange(0, 120)))
    plen = len(payload) if rng.random() < 0.8 else rng.randrange(65536)
    hdr = struct.pack("!IHBB", 6 << 28, plen, nxt, 64)
    return mk.ether(hdr + bytes(15) + b"\x01" + bytes(15) + b"\x02" + payload, 0x86DD)


def garbage_ether(rng):
    """Ethernet with an ethertype the decoder follows, then random bytes."""
    et = rng.choice([0x0800, 0x86DD, 0x8100, 0x88A8, 0x9100, 0x8847, 0x8848, 0x8863, 0x8864,
                     0x0806, 0x88BE, 0x6558, rng.randrange(65536)])
    return mk.ether(bytes(rng.randrange(256) for _ in range(rng.randrange(0, 100))), et)


def main():
    if len(sys.argv) not in (2, 3):
        sys.exit("usage: robust-mkinputs.py DIR [SEED]")
    out = sys.argv[1]
    rng = random.Random(int(sys.argv[2]) if len(sys.argv) == 3 else 1)
    os.makedirs(out, exist_ok=True)

    def put(name, data):
        with open(os.path.join(out, name), "wb") as f:
            f.write(data)

    frames = good_frames()
    good = pcap_header() + b"".join(pcap_record(f) for f in frames)
    put("good.pcap", good)
    put("good.pcapng", pcapng(frames))
    # Big-endian, nanosecond timestamps: valid, just less common.
    put("good-be-nsec.pcap", pcap_header(magic=0xA1B23C4D, endian=">") +
        b"".join(pcap_record(f, endian=">") for f in frames))

    # Not captures at all.
    put("empty.pcap", b"")
    put("random.pcap", bytes(rng.randrange(256) for _ in range(4096)))
    put("text.pcap", b"this is not a capture\n" * 50)
    put("short-header.pcap", pcap_header()[:10])

    # Captures cut short.
    put("header-only.pcap", pcap_header())
    rec_starts = [24]
    for f in frames:
        rec_starts.append(rec_starts[-1] + 16 + len(f))
    put("cut-in-record-header.pcap", good[:rec_starts[20] + 7])
    put("cut-in-packet-data.pcap", good[:rec_starts[20] + 16 + 10])
    ng = pcapng(frames)
    put("cut.pcapng", ng[:len(ng) // 2 + 3])
    put("header-only.pcapng", pcapng([]))

    # Records whose lengths lie.
    put("caplen-gt-snaplen.pcap", pcap_header(snaplen=60) + b"".join(pcap_record(f) for f in frames[:40]))
    put("caplen-gt-len.pcap", pcap_header() +
        b"".join(pcap_record(f + bytes(30), wirelen=len(f)) for f in frames[:40]))
    put("len-zero.pcap", pcap_header() +
        b"".join(pcap_record(f, wirelen=0) for f in frames[:20]) + pcap_record(b"", 0, 0) * 5)
    put("huge-caplen.pcap", pcap_header() + b"".join(pcap_record(f) for f in frames[:10]) +
        struct.pack("<IIII", 1700000001, 0, 0x7FFFFFFF, 0x7FFFFFFF) + frames[10])
    put("caplen-past-eof.pcap", pcap_header() + b"".join(pcap_record(f) for f in frames[:10]) +
        struct.pack("<IIII", 1700000001, 0, 60000, 60000) + b"\x02" * 100)

    # Every packet cut by a small snaplen: in the IPv4 header (20), after it (34, the
    # ports), in the TCP header (54 is Ethernet + IPv4 + TCP without options).
    for snap in (20, 34, 54):
        put("snaplen-%d.pcap" % snap, pcap_header(snaplen=snap) +
            b"".join(pcap_record(f[:snap], wirelen=len(f)) for f in frames))

    # Valid headers up to a layer, random after it.
    put("garbage-after-ipv4.pcap", pcap_header() +
        b"".join(pcap_record(garbage_ipv4(rng)) for _ in range(3000)))
    put("garbage-after-ipv6.pcap", pcap_header() +
        b"".join(pcap_record(garbage_ipv6(rng)) for _ in range(2000)))
    put("garbage-after-ether.pcap", pcap_header() +
        b"".join(pcap_record(garbage_ether(rng)) for _ in range(2000)))
    # Random bytes under every link type the sensor decodes: null, Ethernet, raw IP,
    # PPP, Cisco HDLC, Linux SLL and SLL2, raw IPv4, raw IPv6.
    for lt in (0, 1, 9, 12, 101, 104, 108, 113, 228, 229, 276):
        put("random-dlt-%d.pcap" % lt, pcap_header(linktype=lt) +
            b"".join(pcap_record(bytes(rng.randrange(256) for _ in range(rng.randrange(0, 80))))
                     for _ in range(500)))

    # A link type the decoder does not know (USER0).
    put("dlt-147.pcap", pcap_header(linktype=147) + b"".join(pcap_record(f) for f in frames[:10]))


if __name__ == "__main__":
    main()
