#!/usr/bin/env python3
"""Conformance runner: suricata-verify tests against canh-sensor (or Suricata itself).

usage: conformance.py [options] [TEST ...]

Each folder of the suricata-verify material (default ../shared/data/conformance/
suricata-verify relative to the repository root, or $CANH_SHARED/data/..., or --dir) is one
test: input pcap, a rules file, test.yaml (requires, args, env, checks) and sometimes its own
suricata.yaml. The runner runs the engine over the pcap, reads eve.json and evaluates the
checks the way suricata-verify's run.py does:

  filter   count events of eve.json matching every `match` key; the check holds when that
           number equals `count` (or, without `count`, when at least one event matches).
           Keys are dotted paths into the event (`alert.signature_id`), with list indexes
           (`vlan[0]`, `metadata.flowvars[0].ubuntu`) and run.py's operators: `X.__len`
           (length, -1 for a number), `X.__contains` (list member or substring),
           `X.__startswith`, `X.__endswith`, `X.__find.K` (some element of list X has K equal
           to the value); `has-key: PATH` / `not-has-key: PATH`. Values compare with Python's
           == on the YAML and JSON values, as run.py does. A filter may have its own
           `requires` (or min-version/version/feature); unmet, the check is skipped.
  shell    a command run in the output directory whose stripped output must equal `expect`.
  file-compare, stats   not evaluated.

Only alert checks decide the verdict (a filter whose match has `event_type: alert` or a key
starting with `alert.`; `--all-checks` makes every filter and shell check decide, which is how
the runner itself is validated against Suricata). A test passes when all its alert checks hold
and the engine exited 0 having loaded every rule (run.py runs Suricata with
--init-errors-fatal; for canh a rule reported as skipped on stderr is the same failure).
Tests without any alert check are listed apart ("NOALERT") and left out of the total.

Output: one line per test, `PASS name`, `FAIL name: why`, `SKIP name: reason`,
`NOALERT name`, then
  conformance: P passed, F failed, S skipped of N (X%)
where N = P + F + S and X = 100 * P / (P + F), the pass rate of the tests that ran.
Exit status 0, unless --min-pass PCT is given and X < PCT (then 1); 2 on usage errors.

Engines:
  canh      BUILD/canh-sensor -r PCAP -S RULES -l OUTDIR -k none --workers 1 [--set K=V ...]
            The test's args and suricata.yaml are translated to --set options through the
            table below (CANH_KEYS, CANH_KEY_PREFIXES, SURICATA_OPTIONS); everything else is
            dropped (a note per option with -v). -k is none unless the args give another
            value (Suricata's pcap default, checksum-checks: auto, gives up on captures with
            bad checksums; canh's default would validate them). The variables the rules use
            come from the test's suricata.yaml, else from Suricata's default suricata.yaml.
            Version requirements: canh is judged against the newest expectations of the
            suite, i.e. it satisfies every min-version/gt-version and no lt-version
            (--as-version changes that). Features: CANH_FEATURES.
  suricata  /usr/bin/suricata with run.py's own command line (the test's suricata.yaml, or
            the installed default one, --init-errors-fatal, the test's args verbatim). Its
            real version and --build-info features decide the requirements.
"""

import argparse
import concurrent.futures
import copy
import fnmatch
import json
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile

try:
    import yaml
except ImportError:  # pragma: no cover
    sys.stderr.write("conformance: python3-yaml is missing (deploy/install-deps.sh installs it)\n")
    sys.exit(2)

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.normpath(os.path.join(HERE, "..", ".."))

# --------------------------------------------------------------------------------------
# Translation of a test's Suricata options for canh: the one place.
# --------------------------------------------------------------------------------------

# Canh claims no optional Suricata build feature (`requires: features:`), e.g. HAVE_LUA.
CANH_FEATURES = frozenset()

# The version canh is compared with for `requires` version checks: above every version the
# suite names, so that canh is held to the newest expected behaviour.
CANH_AS_VERSION = "999.0.0"

# canh's flow.hash-size range starts at 1024 (Suricata accepts 1, e.g. to force collisions;
# the flow table must still keep colliding flows apart, which 1024 buckets still tests when
# the flows hash alike, but not when they do not).
CANH_FLOW_HASH_MIN = 1024


def _bool(v):
    if isinstance(v, bool):
        return "yes" if v else "no"
    return str(v)


def _text(v):
    return _bool(v) if isinstance(v, bool) else str(v)


def _hash_size(v):
    try:
        n = int(str(v))
    except ValueError:
        return str(v)
    return str(max(n, CANH_FLOW_HASH_MIN))


# Suricata configuration keys that canh takes under the same name, with the conversion of
# the value. A key of a test's `--set` args or of its suricata.yaml that is not here (nor
# under a prefix of CANH_KEY_PREFIXES) has no canh equivalent and is dropped.
CANH_KEYS = {
    "stream.midstream": _bool,
    "stream.inline": _bool,
    "stream.async-oneside": _bool,
    "stream.reassembly.depth": _text,
    "stream.reassembly.memcap": _text,
    "stream.reassembly.toserver-chunk-size": _text,
    "stream.reassembly.toclient-chunk-size": _text,
    "packet-alert-max": _text,
    "flow.hash-size": _hash_size,
    "vlan.use-for-tracking": _bool,
    "app-layer.protocols.tls.encryption-handling": _text,
    "app-layer.protocols.http.libhtp.default-config.request-body-limit": _text,
    "app-layer.protocols.http.libhtp.default-config.response-body-limit": _text,
}
# Suricata keys canh knows under another name.
CANH_KEY_NAMES = {
    "app-layer.protocols.tls.encryption-handling": "app-layer.tls.encryption-handling",
    "app-layer.protocols.http.libhtp.default-config.request-body-limit":
        "app-layer.http.request-body-limit",
    "app-layer.protocols.http.libhtp.default-config.response-body-limit":
        "app-layer.http.response-body-limit",
}
CANH_KEY_PREFIXES = ("vars.address-groups.", "vars.port-groups.")

# Suricata command-line options found in test args: (takes a value, what canh does).
# "keep" passes it on, "drop" drops it with the reason given.
SURICATA_OPTIONS = {
    "-k": (True, "keep"),
    "--runmode": (True, "drop: canh runs with --workers 1 always"),
    "--simulate-ips": (False, "drop: canh has no IPS mode"),
    "-v": (False, "drop"),
    "-vv": (False, "drop"),
    "-vvv": (False, "drop"),
    "--set": (True, "translate"),
}

# Keys never passed on to any engine: they would delete the test material.
UNSAFE_KEYS = ("pcap-file.delete-when-done",)

# The variables of Suricata's default suricata.yaml (7.0, suricata.yaml.in). run.py uses
# that file when a test has none; canh gets those the rules use as --set options.
SURICATA_DEFAULT_VARS = {
    "address-groups": {
        "HOME_NET": "[192.168.0.0/16,10.0.0.0/8,172.16.0.0/12]",
        "EXTERNAL_NET": "!$HOME_NET",
        "HTTP_SERVERS": "$HOME_NET",
        "SMTP_SERVERS": "$HOME_NET",
        "SQL_SERVERS": "$HOME_NET",
        "DNS_SERVERS": "$HOME_NET",
        "TELNET_SERVERS": "$HOME_NET",
        "AIM_SERVERS": "$EXTERNAL_NET",
        "DC_SERVERS": "$HOME_NET",
        "DNP3_SERVER": "$HOME_NET",
        "DNP3_CLIENT": "$HOME_NET",
        "MODBUS_CLIENT": "$HOME_NET",
        "MODBUS_SERVER": "$HOME_NET",
        "ENIP_CLIENT": "$HOME_NET",
        "ENIP_SERVER": "$HOME_NET",
    },
    "port-groups": {
        "HTTP_PORTS": "80",
        "SHELLCODE_PORTS": "!80",
        "ORACLE_PORTS": "1521",
        "SSH_PORTS": "22",
        "DNP3_PORTS": "20000",
        "MODBUS_PORTS": "502",
        "FILE_DATA_PORTS": "[$HTTP_PORTS,110,143]",
        "FTP_PORTS": "21",
        "GENEVE_PORTS": "6081",
        "VXLAN_PORTS": "4789",
        "TEREDO_PORTS": "3544",
    },
}

SURICATA_BIN = "/usr/bin/suricata"
SURICATA_DEFAULT_YAML = "/etc/suricata/suricata.yaml"

# Top-level test.yaml keys the runner understands; a test with another one is skipped
# (rather than run half-understood).
KNOWN_TEST_KEYS = {"requires", "args", "checks", "env", "pcap", "exit-code", "skip", "count",
                   "rules"}

# --------------------------------------------------------------------------------------
# Versions and requirements (run.py's check_requires)
# --------------------------------------------------------------------------------------

class Unmet(Exception):
    """A requirement the engine does not meet: the test or check is skipped."""


def parse_version(text):
    """'7', '7.0.10', 'Suricata version 7.0.10 RELEASE' -> (major, minor|None, patch|None)."""
    m = re.search(r"(?:version |^)(\d+)(?:\.(\d+))?(?:\.(\d+))?", str(text).strip())
    if not m:
        raise ValueError("bad version %r" % (text,))
    return tuple(int(g) if g is not None else None for g in m.groups())


def _vt(v):
    return tuple(x or 0 for x in v)


def version_ok(expr, engine, wanted):
    e, w = _vt(engine), _vt(wanted)
    if expr == "min-version":
        return e >= w
    if expr == "gt-version":
        return e > w
    if expr == "lt-version":
        return e < w
    if expr == "version":  # equal on the components the test gives
        return all(b is None or a == b for a, b in zip(engine, wanted))
    raise ValueError(expr)


def check_requires(req, engine):
    """Raises Unmet when `req` (a test's or a check's requires) is not met by `engine`."""
    if req is None:
        return
    if not isinstance(req, dict):
        raise Unmet("malformed requires")
    for key, val in req.items():
        if key in ("min-version", "gt-version", "lt-version", "version"):
            if engine.ignore_version:
                continue
            if not version_ok(key, engine.version, parse_version(val)):
                raise Unmet("%s %s (engine as %s)" % (key, val, engine.version_text))
        elif key == "features":
            for f in val if isinstance(val, list) else [val]:
                if f not in engine.features:
                    raise Unmet("requires feature %s" % f)
        elif key == "env":
            for name in val if isinstance(val, list) else [val]:
                if name not in os.environ:
                    raise Unmet("requires environment variable %s" % name)
        elif key == "files":
            for name in val if isinstance(val, list) else [val]:
                if not os.path.exists(os.path.join(engine.cur_dir or "", name)):
                    raise Unmet("requires file %s" % name)
        elif key == "pcap":
            pass  # handled where the pcap is chosen
        elif key in ("os", "arch"):
            pass  # Linux x86-64 is what the suite assumes
        else:
            raise Unmet("unsupported requirement '%s'" % key)


# --------------------------------------------------------------------------------------
# Checks (run.py's FilterCheck and ShellCheck)
# --------------------------------------------------------------------------------------

MISSING = object()
_INDEX = re.compile(r"^(.*)\[(\d+)\]$")


def find_value(path, obj):
    """Value at a dotted path with [n] indexes, or MISSING. Stops at an operator
    (__len returns the length; __contains/__startswith/__endswith/__find return the object
    they apply to)."""
    parts = path.split(".")
    for i, part in enumerate(parts):
        if part == "__len":
            try:
                return len(obj)
            except TypeError:
                return -1
        if part in ("__contains", "__startswith", "__endswith", "__find"):
            return obj
        m = _INDEX.match(part)
        name, index = (m.group(1), int(m.group(2))) if m else (part, None)
        if not isinstance(obj, dict) or name not in obj:
            return MISSING
        obj = obj[name]
        if index is not None:
            if not isinstance(obj, list) or index >= len(obj):
                return MISSING
            obj = obj[index]
    return obj


def match_key(key, expected, event):
    """run.py's FilterCheck.match for one key. As there, a key holding JSON null counts as
    absent, and an absent key equals an expected null."""
    if key == "has-key":
        return find_value(expected, event) not in (MISSING, None)
    if key == "not-has-key":
        return find_value(expected, event) in (MISSING, None)
    if ".__find." in key:
        head, tail = key.split(".__find.", 1)
        lst = find_value(head, event)
        if not isinstance(lst, list):
            return False
        return any(match_key(tail, expected, el) for el in lst if isinstance(el, dict))
    val = find_value(key, event)
    if val is MISSING:
        return expected is None
    try:
        if key.endswith(".__contains"):
            return expected in val
        if key.endswith(".__startswith"):
            return isinstance(val, str) and val.startswith(str(expected))
        if key.endswith(".__endswith"):
            return isinstance(val, str) and val.endswith(str(expected))
    except TypeError:
        return False
    return val == expected


def filter_matches(match, event):
    return all(match_key(k, v, event) for k, v in match.items())


def is_alert_filter(body):
    match = body.get("match") or {}
    if match.get("event_type") == "alert":
        return True
    for k, v in match.items():
        if k.startswith("alert.") or k == "alert":
            return True
        if k in ("has-key", "not-has-key") and str(v).startswith("alert"):
            return True
    return False


def filter_requires(body):
    req = dict(body.get("requires") or {})
    for k in ("min-version", "version", "lt-version", "gt-version"):
        if k in body:
            req[k] = body[k]
    if "feature" in body:
        req.setdefault("features", []).append(body["feature"])
    return req


FILTER_KEYS = {"count", "match", "requires", "min-version", "version", "lt-version",
               "gt-version", "feature", "filename", "comment"}


def describe_match(match):
    parts = []
    for k, v in match.items():
        if k == "event_type":
            continue
        s = json.dumps(v) if not isinstance(v, str) else v
        if len(s) > 24:
            s = s[:21] + "..."
        parts.append("%s=%s" % (k, s))
    return "%s{%s}" % (match.get("event_type", "any"), ", ".join(parts))


_ANCHORS = ("event_type", "alert.signature_id", "alert.signature")


def near_miss(match, events):
    """When a filter has keys beyond its anchors (event type and rule), what the events
    matching the anchors alone had for the keys that did not match: the useful half of a
    failure."""
    anchor = {k: v for k, v in match.items() if k in _ANCHORS}
    others = [k for k in match if k not in _ANCHORS]
    if not others or not anchor:
        return ""
    near = [e for e in events if filter_matches(anchor, e)]
    if not near:
        return ""
    seen = []
    for k in others:
        if all(match_key(k, match[k], e) for e in near):
            continue
        vals = []
        for e in near:
            v = find_value(match[k], e) if k in ("has-key", "not-has-key") else find_value(k, e)
            v = "-" if v is MISSING else v
            s = v if isinstance(v, str) else json.dumps(v)
            s = s if len(s) <= 24 else s[:21] + "..."
            if s not in vals:
                vals.append(s)
        seen.append("%s=%s" % (k, "|".join(vals[:4]) + ("|..." if len(vals) > 4 else "")))
        if len(seen) == 3:
            break
    if not seen:
        return ""
    return " [%d with %s: %s]" % (len(near), describe_match(anchor), "; ".join(seen))


def run_filter(body, events):
    """(ok, message)."""
    unknown = set(body) - FILTER_KEYS
    if unknown:
        return False, "runner: unsupported filter option(s) %s" % ", ".join(sorted(unknown))
    match = body.get("match") or {}
    n = sum(1 for e in events if filter_matches(match, e))
    if "count" in body:
        ok = n == body["count"]
        want = str(body["count"])
    else:
        ok = n > 0
        want = ">=1"
    if ok:
        return True, ""
    return False, "%s: expected %s, got %d%s" % (describe_match(match), want, n,
                                                  near_miss(match, events))


def self_test():
    """The check semantics on fixed events; prints failures, returns their number."""
    ev = {"event_type": "alert", "vlan": [3136, 7], "pcap_cnt": 5, "nul": None,
          "alert": {"signature_id": 2, "signature": "ET POLICY x", "metadata": {"tag": ["a", "b"]}},
          "metadata": {"flowvars": [{"ubuntu": "8.1"}]},
          "dns": {"answers": [{"rrname": "a.example", "rrtype": "A"}, {"rrname": "b.example"}]},
          "flow": {"alerted": False}, "payload_printable": "GOOD"}
    cases = [
        ("event_type", "alert", True), ("alert.signature_id", 2, True),
        ("alert.signature_id", "2", False), ("alert.signature_id", 3, False),
        ("vlan[0]", 3136, True), ("vlan[1]", 7, True), ("vlan[2]", 1, False),
        ("vlan", [3136, 7], True), ("metadata.flowvars[0].ubuntu", "8.1", True),
        ("metadata.flowvars[0].ubuntu", 8.1, False), ("flow.alerted", False, True),
        ("flow.alerted", 0, True),  # Python's == as in run.py
        ("missing.key", None, True), ("nul", None, True), ("missing.key", 0, False),
        ("alert.metadata.tag.__len", 2, True), ("pcap_cnt.__len", -1, True),
        ("alert.metadata.tag.__contains", "b", True), ("alert.metadata.tag.__contains", "c", False),
        ("alert.signature.__startswith", "ET ", True), ("alert.signature.__endswith", " x", True),
        ("alert.signature.__startswith", "GPL", False), ("payload_printable.__contains", "OO", True),
        ("dns.answers.__find.rrname", "b.example", True),
        ("dns.answers.__find.rrname", "c.example", False),
        ("dns.answers.__find.rrtype", "A", True), ("has-key", "alert.metadata", True),
        ("has-key", "nul", False), ("has-key", "alert.nope", False),
        ("not-has-key", "alert.nope", True), ("not-has-key", "vlan", False),
        ("not-has-key", "vlan[5]", True),
    ]
    bad = 0
    for key, want, result in cases:
        if match_key(key, want, ev) != result:
            print("self-test: %s: %r should %smatch" % (key, want, "" if result else "not "))
            bad += 1
    events = [ev, dict(ev, pcap_cnt=4), {"event_type": "http"}]
    for body, ok in (({"count": 2, "match": {"event_type": "alert"}}, True),
                     ({"count": 1, "match": {"event_type": "alert", "pcap_cnt": 5}}, True),
                     ({"count": 0, "match": {"event_type": "dns"}}, True),
                     ({"match": {"event_type": "http"}}, True),
                     ({"match": {"event_type": "dns"}}, False),
                     ({"count": 1, "match": {"alert.signature_id": 2}}, False),
                     ({"count": 1, "lt": 3, "match": {}}, False)):
        got, msg = run_filter(body, events)
        if got != ok:
            print("self-test: filter %s gave %s (%s)" % (body, got, msg))
            bad += 1
    for body, ok in (({"match": {"event_type": "alert"}}, True), ({"match": {"alert.x": 1}}, True),
                     ({"match": {"has-key": "alert.x"}}, True),
                     ({"match": {"event_type": "flow", "flow.alerted": True}}, False)):
        if is_alert_filter(body) != ok:
            print("self-test: is_alert_filter(%s) should be %s" % (body, ok))
            bad += 1
    v = parse_version
    for expr, eng, want, ok in (("min-version", "7.0.10", "7", True),
                                ("min-version", "7.0.10", "8.0.0", False),
                                ("min-version", "7.0.10", "7.0.10", True),
                                ("min-version", "7.0.10", "7.0.11", False),
                                ("gt-version", "7.0.10", "6.0.11", True),
                                ("lt-version", "7.0.10", "8.0.5", True),
                                ("lt-version", "999.0.0", "8.0.5", False),
                                ("version", "7.0.10", "7", True), ("version", "7.0.10", "7.1", False),
                                ("version", "Suricata version 7.0.10 RELEASE", "7.0.10", True)):
        if version_ok(expr, v(eng), v(want)) != ok:
            print("self-test: %s %s with engine %s should be %s" % (expr, want, eng, ok))
            bad += 1
    toks = split_args(["-k none --set stream.inline=true", "--runmode=single"])
    if toks != ["-k", "none", "--set", "stream.inline=true", "--runmode=single"]:
        print("self-test: split_args gave %s" % toks)
        bad += 1
    print("self-test: %d of %d cases failed" % (bad, len(cases) + 7 + 4 + 10 + 1))
    return bad


# --------------------------------------------------------------------------------------
# Engines
# --------------------------------------------------------------------------------------

class Engine:
    name = "?"
    version = (0, 0, 0)
    version_text = "?"
    features = frozenset()
    ignore_version = False
    cur_dir = None


def read_yaml(path):
    with open(path, "r", encoding="utf-8", errors="replace") as f:
        return yaml.safe_load(f) or {}


def load_test_yaml_config(test_dir, notes):
    """The test's suricata.yaml as a dict, its includes merged under it (missing includes
    are noted and ignored). {} when the test has none."""
    path = os.path.join(test_dir, "suricata.yaml")
    if not os.path.exists(path):
        return {}

    def load(p, depth):
        doc = read_yaml(p)
        if not isinstance(doc, dict):
            return {}
        inc = doc.pop("include", None)
        merged = {}
        for name in (inc if isinstance(inc, list) else [inc] if inc else []):
            ip = os.path.normpath(os.path.join(os.path.dirname(p), str(name)))
            if depth < 4 and os.path.exists(ip):
                merged = deep_merge(merged, load(ip, depth + 1))
            else:
                notes.append("suricata.yaml includes %s, which is not in the material: ignored"
                             % name)
        return deep_merge(merged, doc)

    return load(path, 0)


def deep_merge(a, b):
    out = dict(a)
    for k, v in b.items():
        if isinstance(v, dict) and isinstance(out.get(k), dict):
            out[k] = deep_merge(out[k], v)
        else:
            out[k] = v
    return out


def flatten(d, prefix=""):
    for k, v in d.items():
        key = "%s%s" % (prefix, k)
        if isinstance(v, dict):
            yield from flatten(v, key + ".")
        else:
            yield key, v


def split_args(args):
    """run.py splits every args entry on whitespace."""
    out = []
    for a in args or []:
        out += [t for t in re.split(r"\s+", str(a)) if t]
    return out


def rule_vars(rules_text):
    return set(re.findall(r"\$([A-Za-z_][A-Za-z0-9_]*)", rules_text))


class CanhEngine(Engine):
    name = "canh"

    def __init__(self, binary, as_version):
        self.binary = binary
        self.version_text = as_version
        self.version = parse_version(as_version)
        self.features = CANH_FEATURES
        self.known = None  # keys of --list-keys; None: not known, pass every translated key

    def command(self, t, outdir, notes):
        """Translates the test for canh; notes get one line per dropped option."""
        sets = []  # (key, value) in order; later wins
        conf = load_test_yaml_config(t.dir, notes)
        test_vars = conf.get("vars") or {}
        own_path = os.path.join(t.dir, "suricata.yaml")
        own = read_yaml(own_path) if os.path.exists(own_path) else {}
        own_keys = set(k for k, _ in flatten(own)) if isinstance(own, dict) else set()
        included_dropped = set()
        for key, val in flatten({k: v for k, v in conf.items() if k != "vars"}):
            if key in CANH_KEYS:
                sets.append((CANH_KEY_NAMES.get(key, key), CANH_KEYS[key](val)))
            elif key.startswith(("outputs", "logging")):
                continue
            elif key in own_keys:
                notes.append("suricata.yaml %s: no canh equivalent, dropped" % key)
            else:
                included_dropped.add(key.split(".")[0])
        if included_dropped:
            notes.append("suricata.yaml include: keys without canh equivalent dropped under %s"
                         % ", ".join(sorted(included_dropped)))
        if conf.get("outputs"):
            notes.append("suricata.yaml outputs: dropped (canh's eve.json has its own fields)")

        # Variables: the test's own, else Suricata's defaults, for every $NAME the rules use
        # and those the values refer to (the others cannot change what the rules match).
        groups = {}
        for g in ("address-groups", "port-groups"):
            groups[g] = dict(SURICATA_DEFAULT_VARS[g])
            groups[g].update({k: str(v) for k, v in (test_vars.get(g) or {}).items()})
        wanted = rule_vars(t.rules_text)
        done = set()
        while wanted - done:
            name = sorted(wanted - done)[0]
            done.add(name)
            for g in ("address-groups", "port-groups"):
                if name in groups[g]:
                    wanted |= rule_vars(groups[g][name])
        for g in ("address-groups", "port-groups"):
            for name in sorted(done):
                if name in groups[g]:
                    sets.append(("vars.%s.%s" % (g, name), _text(groups[g][name])))

        checksum = "none"
        toks = split_args(t.args)
        i = 0
        while i < len(toks):
            tok = toks[i]
            opt, eq, inline = tok.partition("=")
            spec = SURICATA_OPTIONS.get(opt)
            if spec is None:
                notes.append("arg %s: no canh equivalent, dropped" % tok)
                i += 1
                continue
            takes, action = spec
            val = None
            if takes:
                if eq:
                    val = inline
                else:
                    val = toks[i + 1] if i + 1 < len(toks) else ""
                    i += 1
            i += 1
            if action == "keep" and opt == "-k":
                checksum = val
            elif action == "translate":
                k, _, v = val.partition("=")
                if k in UNSAFE_KEYS:
                    notes.append("--set %s: never passed on (it would delete the test pcap)" % k)
                elif k in CANH_KEYS:
                    sets.append((CANH_KEY_NAMES.get(k, k), CANH_KEYS[k](v)))
                elif k.startswith(CANH_KEY_PREFIXES):
                    sets.append((k, v))
                else:
                    notes.append("--set %s: no canh equivalent, dropped" % val)
            else:
                notes.append("arg %s%s: %s" % (opt, " " + val if val else "", action))
        # Suricata has no nDPI risk alerts: Canh's are left out of the comparison
        cmd = [self.binary, "-r", t.pcap, "-S", t.rules, "-l", outdir, "-k", checksum,
               "--workers", "1", "--set", "dpi.risk-alerts.enabled=no"]
        for key, val in sets:
            if self.known is not None and key not in self.known and \
                    not key.startswith(CANH_KEY_PREFIXES):
                notes.append("%s: this canh-sensor does not know the key yet, dropped" % key)
                continue
            cmd += ["--set", "%s=%s" % (key, val)]
        return cmd

    def missing_keys(self):
        """Keys of the translation table that this canh-sensor's --list-keys lacks. Those are
        then dropped like any option without an equivalent (a key canh refuses would fail the
        whole test); variables are always passed, the rules need them."""
        try:
            out = subprocess.run([self.binary, "--list-keys"], capture_output=True, text=True,
                                 timeout=30).stdout
        except (OSError, subprocess.TimeoutExpired):
            out = ""
        have = set(l.split()[0] for l in out.splitlines() if l and not l[0].isspace())
        if not have:
            return ["(--list-keys listed nothing: every key is passed)"]
        self.known = have
        missing = [k for k in CANH_KEYS if CANH_KEY_NAMES.get(k, k) not in have]
        missing += [p + "*" for p in CANH_KEY_PREFIXES if not any(h.startswith(p) for h in have)]
        return missing

    @staticmethod
    def load_errors(stderr_text):
        """Rules canh reported as skipped: run.py's --init-errors-fatal equivalent."""
        return [l.strip() for l in stderr_text.splitlines() if l.rstrip().endswith("(rule skipped)")]


class SuricataEngine(Engine):
    name = "suricata"

    def __init__(self, binary, as_version):
        self.binary = binary
        out = subprocess.run([binary, "-V"], capture_output=True, text=True).stdout
        self.version_text = as_version or " ".join(out.split()[4:5]) or out.strip()
        self.version = parse_version(self.version_text)
        info = subprocess.run([binary, "--build-info"], capture_output=True, text=True).stdout
        feats = set()
        for line in info.splitlines():
            if line.startswith("Features:"):
                feats = set(line.split()[1:])
        self.features = frozenset(feats)

    def command(self, t, outdir, notes):
        conf = os.path.join(t.dir, "suricata.yaml")
        if os.path.exists(conf):
            conf = self.materialise_config(conf, outdir, notes)
        else:
            conf = SURICATA_DEFAULT_YAML
        cmd = [self.binary, "-c", conf,
               "--set", "classification-file=/etc/suricata/classification.config",
               "--set", "reference-config-file=/etc/suricata/reference.config",
               "--set", "unix-command.enabled=no",
               "--init-errors-fatal", "-l", outdir]
        if "ips" in t.name:
            cmd.append("--simulate-ips")
        cmd += ["-r", t.pcap, "-S", t.rules]
        toks = split_args(t.args)
        for i, tok in enumerate(toks):
            if any(k in tok for k in UNSAFE_KEYS):
                notes.append("%s: never passed on (it would delete the test pcap)" % tok)
                if i > 0 and toks[i - 1] == "--set":
                    cmd.pop()
                continue
            cmd.append(tok)
        return cmd

    @staticmethod
    def materialise_config(path, outdir, notes):
        """The test's suricata.yaml, with includes made absolute; an include missing from
        the material (suricata-verify's etc/ is not part of it) becomes the installed
        default configuration, the nearest thing."""
        with open(path, "r", encoding="utf-8", errors="replace") as f:
            text = f.read()
        changed = False

        def repl(m):
            nonlocal changed
            name = m.group(2).strip().strip("\"'")
            ip = os.path.normpath(os.path.join(os.path.dirname(path), name))
            changed = True
            if os.path.exists(ip):
                return "%s%s" % (m.group(1), ip)
            notes.append("suricata.yaml includes %s, not in the material: using %s instead"
                         % (name, SURICATA_DEFAULT_YAML))
            return "%s%s" % (m.group(1), SURICATA_DEFAULT_YAML)

        text = re.sub(r"(?m)^(include:\s*)(\S.*)$", repl, text)
        if not changed:
            return path
        out = os.path.join(outdir, "..", os.path.basename(outdir) + "-suricata.yaml")
        with open(out, "w") as f:
            f.write(text)
        return os.path.normpath(out)

    @staticmethod
    def load_errors(stderr_text):
        return []


# --------------------------------------------------------------------------------------
# Tests
# --------------------------------------------------------------------------------------

class Test:
    def __init__(self, path):
        self.dir = path
        self.name = os.path.basename(path)
        self.config = read_yaml(os.path.join(path, "test.yaml"))
        self.args = self.config.get("args") or []
        self.pcap = None
        self.rules = None
        self.rules_text = ""


class Result:
    def __init__(self, name, status, msg="", cmd=None, notes=None, outdir=None):
        self.name, self.status, self.msg = name, status, msg
        self.cmd, self.notes, self.outdir = cmd, notes or [], outdir
        self.engine_failed = None  # why the engine run itself failed, if it did

    def line(self):
        sep = " " if self.status == "PASS" else ": "
        return "%s %s%s" % (self.status, self.name, sep + self.msg if self.msg else "")


def pick_inputs(t, scratch):
    """run.py's choice of pcap and rules."""
    pcap_cfg = t.config.get("pcap")
    if pcap_cfg is False or (t.config.get("requires") or {}).get("pcap") is False:
        raise Unmet("test runs without a pcap")
    if isinstance(pcap_cfg, str):
        t.pcap = os.path.join(t.dir, pcap_cfg)
    else:
        pcaps = sorted(f for f in os.listdir(t.dir) if f.endswith((".pcap", ".pcapng")))
        if len(pcaps) != 1:
            raise Unmet("%d pcap files in the folder" % len(pcaps))
        t.pcap = os.path.join(t.dir, pcaps[0])
    if isinstance(t.config.get("rules"), str):  # rules written in test.yaml itself
        t.rules = os.path.join(scratch, t.name + ".rules")
        with open(t.rules, "w") as f:
            f.write(t.config["rules"])
    else:
        rules = sorted(f for f in os.listdir(t.dir) if f.endswith(".rules"))
        if len(rules) == 1:
            t.rules = os.path.join(t.dir, rules[0])
        elif len(rules) > 1:
            t.rules = os.path.join(t.dir, "test.rules")
        else:
            t.rules = "/dev/null"
    if t.rules != "/dev/null":
        with open(t.rules, "r", encoding="utf-8", errors="replace") as f:
            t.rules_text = f.read()


def check_skip_list(t, engine):
    for entry in t.config.get("skip") or []:
        if not isinstance(entry, dict):
            continue
        if "feature" in entry and entry["feature"] in engine.features:
            raise Unmet(entry.get("msg") or "skipped with feature %s" % entry["feature"])
        if "uid" in entry and entry["uid"] == 0 and os.geteuid() == 0:
            raise Unmet(entry.get("msg") or "skipped when run as root")


def kill_group(p):
    try:
        os.killpg(p.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def read_events(path):
    """Events of eve.json; (events, error text or None)."""
    events = []
    if not os.path.exists(path):
        return events, "no %s" % os.path.basename(path)
    with open(path, "r", encoding="utf-8", errors="replace") as f:
        for n, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                events.append(json.loads(line))
            except ValueError as e:
                return events, "%s line %d is not JSON (%s)" % (os.path.basename(path), n, e)
    return events, None


def run_test(t, engine, opts, scratch):
    notes = []
    engine.cur_dir = t.dir
    unknown = set(t.config) - KNOWN_TEST_KEYS
    if unknown:
        return Result(t.name, "SKIP", "runner does not know test.yaml key(s) %s"
                      % ", ".join(sorted(unknown)))
    if not opts.all_checks and not any(
            "filter" in c and is_alert_filter(c["filter"] or {})
            for c in t.config.get("checks") or [] if isinstance(c, dict)):
        kinds = sorted(set(check_kind(c) for c in t.config.get("checks") or []))
        return Result(t.name, "NOALERT", "no alert checks (%d not evaluated: %s)"
                      % (len(t.config.get("checks") or []), ", ".join(kinds)))
    try:
        check_requires(t.config.get("requires"), engine)
        check_skip_list(t, engine)
        pick_inputs(t, scratch)
    except Unmet as e:
        return Result(t.name, "SKIP", str(e))

    outdir = os.path.join(scratch, t.name)
    os.makedirs(outdir)
    cmd = engine.command(t, outdir, notes)
    env = dict(os.environ)
    env.update({"TZ": "UTC", "TEST_DIR": t.dir, "OUTPUT_DIR": outdir})
    env.update({str(k): str(v) for k, v in (t.config.get("env") or {}).items()})
    expected_rc = t.config.get("exit-code", 0)
    try:
        with open(os.path.join(outdir, "stdout"), "w") as so, \
                open(os.path.join(outdir, "stderr"), "w") as se:
            p = subprocess.Popen(cmd, cwd=outdir, env=env, stdout=so, stderr=se,
                                 stdin=subprocess.DEVNULL, start_new_session=True)
            try:
                rc = p.wait(timeout=opts.timeout)
            except subprocess.TimeoutExpired:
                kill_group(p)
                p.wait()
                return Result(t.name, "FAIL", "timeout after %ds" % opts.timeout, cmd, notes,
                              outdir)
    except OSError as e:
        return Result(t.name, "FAIL", "cannot run %s: %s" % (cmd[0], e), cmd, notes, outdir)
    with open(os.path.join(outdir, "stderr"), "r", errors="replace") as f:
        stderr_text = f.read()

    problems = []
    engine_failed = rc != expected_rc
    if rc != expected_rc:
        last = [l for l in stderr_text.splitlines() if l.strip()][-1:] or [""]
        problems.append("engine exited %d (%s)" % (rc, last[0].strip()[:160]))
    skipped_rules = engine.load_errors(stderr_text)
    if skipped_rules:
        first = re.sub(r"^canh-sensor: .*?:\d+: ", "", skipped_rules[0])
        first = re.sub(r" \(rule skipped\)$", "", first)
        problems.append("%d rule%s skipped (%s)" % (len(skipped_rules),
                        "s" if len(skipped_rules) > 1 else "", first[:120]))

    eve_cache = {}
    failed, passed, not_eval, skipped_checks = [], 0, [], 0
    for idx, check in enumerate(t.config.get("checks") or [], 1):
        kind = check_kind(check)
        body = check.get(kind) if isinstance(check, dict) else None
        decisive = opts.all_checks or (kind == "filter" and is_alert_filter(body or {}))
        if not decisive:
            not_eval.append(check_label(kind, body))
            continue
        if kind == "filter":
            try:
                check_requires(filter_requires(body), engine)
            except Unmet:
                skipped_checks += 1
                continue
            fname = body.get("filename", "eve.json")
            if fname not in eve_cache:
                eve_cache[fname] = read_events(os.path.join(outdir, fname))
            events, err = eve_cache[fname]
            if err and err not in problems:
                problems.append(err)
            ok, msg = run_filter(body, events)
        elif kind == "shell":
            ok, msg = run_shell(body, outdir, env, opts.timeout)
        else:
            not_eval.append(check_label(kind, body))
            continue
        if ok:
            passed += 1
        else:
            failed.append("check %d %s" % (idx, msg))

    evaluated = passed + len(failed)
    tail = ""
    if not_eval:
        tail = " (not evaluated: %s)" % ", ".join(summarise(not_eval))
    if skipped_checks:
        tail += " (%d check%s skipped by requires)" % (skipped_checks,
                                                      "s" if skipped_checks > 1 else "")
    if problems or failed:
        shown = problems + failed
        msg = "; ".join(shown[:3])
        if len(shown) > 3:
            msg += "; +%d more" % (len(shown) - 3)
        r = Result(t.name, "FAIL", msg + tail, cmd, notes, outdir)
        r.engine_failed = problems[0] if engine_failed else None
        return r
    if evaluated == 0:
        return Result(t.name, "SKIP", "every alert check skipped by its requires" + tail, cmd,
                      notes, outdir)
    return Result(t.name, "PASS", tail.strip(), cmd, notes, outdir)


def check_kind(check):
    if not isinstance(check, dict) or not check:
        return "?"
    return next(iter(check))


def check_label(kind, body):
    if kind == "filter" and isinstance(body, dict):
        return str((body.get("match") or {}).get("event_type", "filter"))
    return kind


def summarise(labels):
    out = []
    for l in sorted(set(labels)):
        n = labels.count(l)
        out.append("%s%s" % (l, " x%d" % n if n > 1 else ""))
    return out


def run_shell(body, outdir, env, timeout):
    try:
        r = subprocess.run(body.get("args", ""), shell=True, cwd=outdir, env=env,
                           capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return False, "shell '%s': timeout" % body.get("args")
    got = r.stdout.strip()
    if "expect" in body:
        if got == str(body["expect"]).strip():
            return True, ""
        return False, "shell '%s': expected %r, got %r" % (body.get("args"), body["expect"], got)
    if r.returncode == 0:
        return True, ""
    return False, "shell '%s' exited %d" % (body.get("args"), r.returncode)


# --------------------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------------------

def find_data_dir(given):
    if given:
        return given
    shared = os.environ.get("CANH_SHARED")
    if shared:
        return os.path.join(shared, "data", "conformance", "suricata-verify")
    return os.path.normpath(os.path.join(REPO, "..", "shared", "data", "conformance",
                                         "suricata-verify"))


def main(argv):
    ap = argparse.ArgumentParser(
        description="Run suricata-verify conformance tests against canh-sensor or Suricata.")
    ap.add_argument("--build", help="build directory holding canh-sensor (default build/)")
    ap.add_argument("tests", nargs="*", help="test names or shell patterns (default: all)")
    ap.add_argument("--engine", choices=("canh", "suricata"), default="canh")
    ap.add_argument("--binary", help="engine binary (default BUILD/canh-sensor or %s)"
                    % SURICATA_BIN)
    ap.add_argument("--dir", help="suricata-verify folder (default ../shared/data/"
                    "conformance/suricata-verify from the repository root)")
    ap.add_argument("-j", "--jobs", type=int, default=2, help="tests run at once (default 2)")
    ap.add_argument("--timeout", type=int, default=60, help="seconds per test (default 60)")
    ap.add_argument("--min-pass", type=float, metavar="PCT",
                    help="exit 1 when the pass rate is below PCT")
    ap.add_argument("--all-checks", action="store_true",
                    help="evaluate every filter and shell check, not only alert checks")
    ap.add_argument("--as-version", help="the Suricata version the engine is compared with "
                    "for version requirements (canh default %s; suricata: its own)"
                    % CANH_AS_VERSION)
    ap.add_argument("--ignore-version", action="store_true",
                    help="treat every version requirement as met (run all tests)")
    ap.add_argument("--keep", action="store_true", help="keep the output directories")
    ap.add_argument("-v", "--verbose", action="store_true",
                    help="print each command, and a note per dropped option")
    ap.add_argument("--self-test", action="store_true",
                    help="check the runner's own check semantics and exit")
    opts = ap.parse_args(argv)
    if opts.self_test:
        return 1 if self_test() else 0

    data = find_data_dir(opts.dir)
    if not os.path.isdir(data):
        print("SKIP conformance: %s is not there (suricata-verify material absent)" % data)
        return 0

    names = sorted(n for n in os.listdir(data)
                   if os.path.isfile(os.path.join(data, n, "test.yaml")))
    if opts.tests:
        names = [n for n in names if any(fnmatch.fnmatch(n, p) or n == p for p in opts.tests)]
        if not names:
            print("conformance: no test matches %s" % " ".join(opts.tests), file=sys.stderr)
            return 2

    if opts.engine == "canh":
        if opts.binary:
            binary = opts.binary
        elif opts.build:
            binary = os.path.join(opts.build, "canh-sensor")
        else:
            binary = os.path.join(REPO, "build", "canh-sensor")
        if not os.access(binary, os.X_OK):
            print("conformance: %s not found; build it first (make sensor)" % binary,
                  file=sys.stderr)
            return 2
        engine = CanhEngine(os.path.abspath(binary), opts.as_version or CANH_AS_VERSION)
    else:
        binary = opts.binary or SURICATA_BIN
        if not os.access(binary, os.X_OK):
            print("conformance: %s not found" % binary, file=sys.stderr)
            return 2
        engine = SuricataEngine(binary, opts.as_version)
    engine.ignore_version = opts.ignore_version
    missing = engine.missing_keys() if opts.engine == "canh" else []

    scratch = tempfile.mkdtemp(prefix="canh-conformance-")
    print("conformance: %d tests from %s, engine %s (%s as version %s)%s"
          % (len(names), data, engine.name, os.path.abspath(binary), engine.version_text,
             ", all checks" if opts.all_checks else ""))
    if missing:
        print("conformance: note: canh-sensor --list-keys lacks %d key(s) of the translation "
              "table, dropped where tests set them: %s" % (len(missing), ", ".join(missing)))
    counts = {"PASS": 0, "FAIL": 0, "SKIP": 0, "NOALERT": 0}
    noalert, engine_failures = [], []
    tests = []
    for n in names:
        try:
            tests.append(Test(os.path.join(data, n)))
        except (OSError, yaml.YAMLError) as e:
            tests.append(e)

    def one(t):
        if isinstance(t, Exception):
            return Result("?", "FAIL", "runner: %s" % t)
        try:
            return run_test(t, engine_for(engine), opts, scratch)
        except Exception as e:  # a runner bug must not hide the other tests
            return Result(t.name, "FAIL", "runner error: %s: %s" % (type(e).__name__, e))

    try:
        with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, opts.jobs)) as ex:
            for r in ex.map(one, tests):
                counts[r.status] += 1
                if r.status == "NOALERT":
                    noalert.append(r.name)
                if r.engine_failed:
                    engine_failures.append(r.engine_failed)
                print(r.line(), flush=True)
                if opts.verbose:
                    for note in r.notes:
                        print("    note: %s" % note)
                    if r.cmd:
                        print("    command: %s" % shlex.join(r.cmd))
                    if r.outdir and opts.keep:
                        print("    output: %s" % r.outdir)
    finally:
        if not opts.keep:
            shutil.rmtree(scratch, ignore_errors=True)
        else:
            print("conformance: outputs kept in %s" % scratch)

    p, f, s = counts["PASS"], counts["FAIL"], counts["SKIP"]
    n = p + f + s
    pct = 100.0 * p / (p + f) if p + f else 0.0
    if engine_failures and len(engine_failures) == p + f:
        print("conformance: the engine itself failed on every test run, e.g. %s"
              % engine_failures[0])
    if noalert:
        print("conformance: %d tests have no alert checks and are not counted: %s"
              % (len(noalert), " ".join(noalert)))
    print("conformance: %d passed, %d failed, %d skipped of %d (%.1f%%)" % (p, f, s, n, pct))
    if opts.min_pass is not None and pct < opts.min_pass:
        print("conformance: pass rate %.1f%% is below --min-pass %g" % (pct, opts.min_pass))
        return 1
    return 0


def engine_for(engine):
    """A per-test copy: run_test records the test folder on it (requires: files)."""
    return copy.copy(engine)


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except KeyboardInterrupt:
        sys.exit(130)
    except BrokenPipeError:  # output piped into head
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(1)
