#!/usr/bin/env python3
"""Inventory of the suricata-verify conformance material, for prioritising engine work.

usage: inventory.py [--dir DIR] [--names]

For every test folder: the rule keywords, the rule protocols and actions, the test.yaml
args, the configuration keys (from `--set` args and the test's suricata.yaml, outputs left
out), the requirements, and the event fields that the test's alert checks match on besides
event_type and alert.signature_id. Each list is sorted by the number of tests using the
item (one test counts once). --names adds the test names to every line.
"""

import argparse
import collections
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import conformance as cf  # noqa: E402  (shares the loaders and check predicates)


def rule_lines(text):
    """Active rule lines, backslash continuations joined."""
    out, cont = [], ""
    for line in text.splitlines():
        line = cont + line
        cont = ""
        if line.endswith("\\"):
            cont = line[:-1]
            continue
        if line.strip() and not line.lstrip().startswith("#"):
            out.append(line.strip())
    return out


def rule_options(rule):
    """[(keyword, value or None)] of a rule's option list, honouring quotes and escapes."""
    start = rule.find("(")
    end = rule.rfind(")")
    if start < 0 or end < start:
        return []
    body = rule[start + 1:end]
    opts, cur, quoted, esc = [], "", False, False
    for c in body:
        if esc:
            cur += c
            esc = False
        elif c == "\\":
            cur += c
            esc = True
        elif c == '"':
            cur += c
            quoted = not quoted
        elif c == ";" and not quoted:
            opts.append(cur)
            cur = ""
        else:
            cur += c
    if cur.strip():
        opts.append(cur)
    out = []
    for o in opts:
        o = o.strip()
        if not o:
            continue
        k, sep, v = o.partition(":")
        out.append((k.strip(), v.strip() if sep else None))
    return out


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dir")
    ap.add_argument("--names", action="store_true", help="list the tests on every line")
    opts = ap.parse_args(argv)
    data = cf.find_data_dir(opts.dir)
    if not os.path.isdir(data):
        print("SKIP inventory: %s is not there" % data)
        return 0

    inv = collections.defaultdict(lambda: collections.defaultdict(set))
    names = sorted(n for n in os.listdir(data) if os.path.isfile(os.path.join(data, n, "test.yaml")))
    for name in names:
        d = os.path.join(data, name)
        t = cf.Test(d)
        try:
            cf.pick_inputs(t, "/nonexistent")
        except cf.Unmet:
            pass
        for rule in rule_lines(t.rules_text):
            head = rule.split("(", 1)[0].split()
            if len(head) >= 2:
                inv["action"][head[0]].add(name)
                inv["protocol"][head[1]].add(name)
            for k, v in rule_options(rule):
                inv["keyword"][k].add(name)
                if k == "flow" and v:
                    for f in v.split(","):
                        inv["flow option"][f.strip()].add(name)
                if k in ("app-layer-protocol", "threshold", "detection_filter", "tag",
                         "app-layer-event", "flowbits", "xbits", "flowint") and v:
                    inv["%s value" % k][re.sub(r"\d+", "N", v.split(",")[0])].add(name)
        toks = cf.split_args(t.args)
        for i, tok in enumerate(toks):
            if tok == "--set" and i + 1 < len(toks):
                inv["arg"]["--set"].add(name)
                inv["config key"][toks[i + 1].split("=")[0] + " (args)"].add(name)
            elif tok == "-k" and i + 1 < len(toks):
                inv["arg"]["-k " + toks[i + 1]].add(name)
            elif tok.startswith("-"):
                inv["arg"][tok].add(name)
        own = os.path.join(d, "suricata.yaml")
        own = cf.read_yaml(own) if os.path.exists(own) else {}
        # The test's own file only: an included file is a whole default configuration.
        for k, _ in cf.flatten({k: v for k, v in own.items() if k not in ("outputs", "logging")}):
            inv["config key"][k + " (suricata.yaml)"].add(name)
        conf = cf.load_test_yaml_config(d, [])
        for out in conf.get("outputs") or []:
            if isinstance(out, dict) and "eve-log" in out:
                for typ in (out["eve-log"] or {}).get("types") or []:
                    if isinstance(typ, dict):
                        for tn, tv in typ.items():
                            for k, _ in cf.flatten(tv or {}):
                                inv["eve option (suricata.yaml)"]["%s.%s" % (tn, k)].add(name)
        for k, v in (t.config.get("requires") or {}).items():
            inv["requires"]["%s: %s" % (k, v)].add(name)
        for c in t.config.get("checks") or []:
            kind = cf.check_kind(c)
            body = c.get(kind) if isinstance(c, dict) else None
            if kind != "filter":
                inv["other check"][kind].add(name)
                continue
            if cf.is_alert_filter(body or {}):
                for k in (body.get("match") or {}):
                    if k not in ("event_type", "alert.signature_id"):
                        inv["alert check field"][k].add(name)
                for k in (body.get("requires") or {}):
                    inv["alert check requires"][k].add(name)
            else:
                ev = (body.get("match") or {}).get("event_type", "(any)")
                inv["non-alert check"][str(ev)].add(name)

    print("inventory of %d tests in %s" % (len(names), data))
    for section in ("protocol", "action", "keyword", "flow option", "app-layer-protocol value",
                    "threshold value", "detection_filter value", "tag value",
                    "app-layer-event value", "flowbits value", "flowint value", "arg",
                    "config key", "eve option (suricata.yaml)", "requires", "alert check field",
                    "alert check requires", "non-alert check", "other check"):
        items = inv.get(section)
        if not items:
            continue
        print("\n%s (tests):" % section)
        for k, tests in sorted(items.items(), key=lambda kv: (-len(kv[1]), kv[0])):
            line = "  %4d  %s" % (len(tests), k)
            if opts.names or section == "alert check field":
                line += "   " + " ".join(sorted(tests))
            print(line)
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except BrokenPipeError:  # output piped into head
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(1)
