#!/usr/bin/env python3
"""Recomputes the Community ID of every event of an eve.json that carries one, from the
event's own fields, and reports each event whose community_id differs.

    golden-community-id.py EVE.JSON

Spec: https://github.com/corelight/community-id-spec (version 1, seed 0):
base64(SHA1(seed(2) saddr daddr proto(1) 0(1) [sport(2) dport(2)])), endpoints ordered
lower address (then port) first. ICMP and ICMPv6 use the type as source port and, for
request/response types, the counterpart type as destination port (otherwise the code,
and the flow is one-way: not reordered). Protocols without ports hash addresses only.

This is an implementation independent of the sensor's (flow-community-id.c), written
from the spec, so a wrong hash in the sensor fails the golden suite. Prints one line
per mismatch and, last, "community_id: N events checked, M wrong"; exits 1 on any
mismatch. Standard library only."""
import base64
import hashlib
import ipaddress
import json
import struct
import sys

PROTO = {"ICMP": 1, "IGMP": 2, "TCP": 6, "UDP": 17, "GRE": 47, "ESP": 50, "AH": 51,
         "IPv6-ICMP": 58, "OSPF": 89, "PIM": 103, "VRRP": 112, "SCTP": 132}
PORTS = {6, 17, 132}
# Request/response pairs of the spec (both directions).
ICMP4_PAIRS = {8: 0, 0: 8, 13: 14, 14: 13, 15: 16, 16: 15, 10: 9, 9: 10, 17: 18, 18: 17}
ICMP6_PAIRS = {128: 129, 129: 128, 130: 131, 131: 130, 133: 134, 134: 133, 135: 136,
               136: 135, 139: 140, 140: 139, 144: 145, 145: 144}


def community_id(ev):
    proto = PROTO.get(ev["proto"])
    if proto is None:
        proto = int(ev["proto"])
    src = ipaddress.ip_address(ev["src_ip"]).packed
    dst = ipaddress.ip_address(ev["dest_ip"]).packed
    sport = dport = None
    one_way = False
    if proto in PORTS:
        sport, dport = ev["src_port"], ev["dest_port"]
    elif proto in (1, 58):
        pairs = ICMP4_PAIRS if proto == 1 else ICMP6_PAIRS
        sport = ev["icmp_type"]
        if sport in pairs:
            dport = pairs[sport]
        else:
            dport = ev["icmp_code"]
            one_way = True
    if not one_way:
        if src > dst or (src == dst and sport is not None and sport > dport):
            src, dst, sport, dport = dst, src, dport, sport
    data = struct.pack("!H", 0) + src + dst + struct.pack("!BB", proto, 0)
    if sport is not None:
        data += struct.pack("!HH", sport, dport)
    return "1:" + base64.b64encode(hashlib.sha1(data).digest()).decode()


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: golden-community-id.py EVE.JSON")
    checked = wrong = 0
    with open(sys.argv[1]) as f:
        for n, line in enumerate(f, 1):
            ev = json.loads(line)
            if "community_id" not in ev:
                continue
            checked += 1
            want = community_id(ev)
            if ev["community_id"] != want:
                wrong += 1
                print("line %d: %s %s %s -> %s: community_id %s, expected %s" % (
                    n, ev["event_type"], ev["proto"], ev["src_ip"], ev["dest_ip"],
                    ev["community_id"], want))
    print("community_id: %d events checked, %d wrong" % (checked, wrong))
    sys.exit(1 if wrong else 0)


if __name__ == "__main__":
    main()
