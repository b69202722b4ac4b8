#!/usr/bin/env python3
"""DPI agreement with nDPI's own expected results.

Runs canh-sensor over every capture in ../shared/data/pcap/ndpi-4.2/pcap and compares,
flow by flow, the application protocol Canh reports (flow event, ndpi.protocol, e.g.
"HTTP.QQ") with the protocol in nDPI 4.2's expected output (result/<capture>.out, the
"[proto: 7.48/HTTP.QQ]" field). A flow of the expected output agrees when Canh has a flow
with the same protocol, addresses, ports and VLAN and the same protocol name.

Prints the figure and every disagreement; exits 1 if agreement is below --min (percent).
Needs the shared data: skipped (exit 0, with a visible message) when it is absent.

usage: dpi-agreement.py SENSOR [--data DIR] [--min 97] [--jobs N] [--workers N]
"""
import argparse
import concurrent.futures
import ipaddress
import json
import os
import re
import subprocess
import sys
import tempfile

LINE = re.compile(
    r"^\s+\d+\s+(?P<l4>\S+)\s+(?P<a>\S+)\s+(?:<->|->)\s+(?P<b>\S+)\s+"
    r"(?:\[VLAN: (?P<vlan>\d+)\])?\[proto: [^/\]]*/(?P<proto>[^\]]+)\]")
# nDPI's reader names a few transport protocols and prints the number of the others.
L4 = {"TCP": "TCP", "UDP": "UDP", "ICMP": "ICMP", "ICMPV6": "IPv6-ICMP", "IGMP": "IGMP",
      "2": "IGMP", "47": "GRE", "50": "ESP", "51": "AH", "89": "OSPF", "103": "PIM",
      "112": "VRRP", "132": "SCTP"}


def norm(addr):
    """Canonical text of an address (nDPI and inet_ntop shorten IPv6 differently)."""
    try:
        return str(ipaddress.ip_address(addr))
    except ValueError:
        return addr


def endpoint(text):
    """'1.2.3.4:80' or '[2001::1]:443' -> (addr, port)."""
    if text.startswith("["):
        addr, _, port = text[1:].rpartition("]:")
    else:
        addr, _, port = text.rpartition(":")
    return norm(addr), int(port)


def expected_flows(path):
    flows = []
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            m = LINE.match(line)
            if not m:
                continue
            a, b = endpoint(m["a"]), endpoint(m["b"])
            flows.append({"l4": L4.get(m["l4"], m["l4"]), "ends": frozenset([a, b]),
                          "vlan": int(m["vlan"] or 0), "proto": m["proto"], "line": line.strip()[:160]})
    return flows


def canh_flows(sensor, pcap, workers):
    with tempfile.TemporaryDirectory() as out:
        cmd = [sensor, "-r", pcap, "-l", out, "-k", "none", "--workers", str(workers),
               "--set", "output.eve.types=flow", "--set", "logging.level=error"]
        run = subprocess.run(cmd, capture_output=True, text=True)
        if run.returncode != 0:
            raise RuntimeError(f"{pcap}: canh-sensor exit {run.returncode}: {run.stderr.strip()}")
        flows = {}
        with open(os.path.join(out, "eve.json"), encoding="utf-8") as f:
            for line in f:
                ev = json.loads(line)
                if ev.get("event_type") != "flow":
                    continue
                ends = frozenset([(norm(ev["src_ip"]), ev.get("src_port", 0)),
                                  (norm(ev["dest_ip"]), ev.get("dest_port", 0))])
                vlan = ev.get("vlan", [0])[-1]  # nDPI's reader keeps the inner tag
                key = (ev["proto"], ends, vlan)
                flows.setdefault(key, []).append(ev.get("ndpi", {}).get("protocol", "Unknown"))
        return flows


def compare(sensor, pcap, result, workers):
    exp = expected_flows(result)
    got = canh_flows(sensor, pcap, workers)
    agree, bad = 0, []
    for e in exp:
        # nDPI's reader keys flows without VLAN when a capture mixes them; try both.
        names = got.get((e["l4"], e["ends"], e["vlan"])) or got.get((e["l4"], e["ends"], 0))
        if names and e["proto"] in names:
            agree += 1
        else:
            bad.append((e["line"], names))
    return os.path.basename(pcap), len(exp), agree, bad


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser()
    ap.add_argument("sensor")
    ap.add_argument("--data", default=os.path.join(here, "../../../shared/data/pcap/ndpi-4.2"))
    ap.add_argument("--min", type=float, default=97.0)
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    ap.add_argument("--workers", type=int, default=1)
    args = ap.parse_args()

    pdir, rdir = os.path.join(args.data, "pcap"), os.path.join(args.data, "result")
    if not os.path.isdir(pdir) or not os.path.isdir(rdir):
        print(f"SKIP dpi-agreement: nDPI captures not found at {args.data} "
              "(needs ../shared/data beside the project)")
        return 0
    jobs = []
    for name in sorted(os.listdir(pdir)):
        result = os.path.join(rdir, name + ".out")
        if os.path.isfile(result):
            jobs.append((os.path.join(pdir, name), result))

    total = agree = 0
    with concurrent.futures.ThreadPoolExecutor(args.jobs) as pool:
        for name, n, ok, bad in pool.map(lambda j: compare(args.sensor, j[0], j[1], args.workers), jobs):
            total += n
            agree += ok
            for line, names in bad:
                print(f"  {name}: expected {line}\n      canh: {names or 'no such flow'}")
    pct = 100.0 * agree / total if total else 0.0
    print(f"dpi-agreement: {agree} of {total} flows agree with nDPI's expected results "
          f"({pct:.2f}%, {len(jobs)} captures; minimum {args.min}%)")
    return 0 if pct >= args.min else 1


if __name__ == "__main__":
    sys.exit(main())
