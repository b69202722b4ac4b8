#!/usr/bin/env python3
"""Checks EVE files in one process (jq per file costs more than the sensor run):

    robust-checkeve.py READ FAILED ERRORS EVE.json...

Every line of each file must be a JSON object, and the last one the final stats event
with stats.capture.{files_read,files_failed,read_errors} = READ FAILED ERRORS (each a
number, or - for any). Prints
one line per file that fails, naming it and the reason; exits 1 if any did."""

import json
import sys


def check(path, want):
    try:
        with open(path, "rb") as f:
            lines = f.read().split(b"\n")
    except OSError as e:
        return "cannot read: %s" % e.strerror
    if lines and lines[-1] == b"":
        lines.pop()
    else:
        return "does not end with a newline"
    last = None
    for n, line in enumerate(lines, 1):
        try:
            last = json.loads(line)
        except ValueError as e:
            return "line %d is not JSON: %s" % (n, e)
        if not isinstance(last, dict):
            return "line %d is not a JSON object" % n
    if last is None or last.get("event_type") != "stats":
        return "the last line is not the final stats event"
    cap = last.get("stats", {}).get("capture", {})
    got = [cap.get(k) for k in ("files_read", "files_failed", "read_errors")]
    if any(w is not None and g != w for g, w in zip(got, want)):
        return "capture.{files_read,files_failed,read_errors} = %s, expected %s" % (got, want)
    return None


def main():
    if len(sys.argv) < 4:
        sys.exit("usage: robust-checkeve.py READ FAILED ERRORS EVE.json...")
    want = [None if x == "-" else int(x) for x in sys.argv[1:4]]
    bad = 0
    for path in sys.argv[4:]:
        why = check(path, want)
        if why:
            print("FAIL %s: %s" % (path, why))
            bad += 1
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
