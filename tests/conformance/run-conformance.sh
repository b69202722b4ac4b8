#!/bin/sh
# What `make conformance` runs: the suricata-verify conformance tests over canh-sensor.
#
#   usage: run-conformance.sh BUILD_DIR [conformance.py options] [TEST ...]
#   e.g.   run-conformance.sh build -v 'detect-http-uri__*'
#          run-conformance.sh build --engine suricata      (validates the runner itself)
#          run-conformance.sh build --min-pass 90          (exit 1 below 90% passed)
#
# The material is ../shared/data/conformance/suricata-verify from the repository root
# ($CANH_SHARED/data/... when set); without it the run is skipped with a message, exit 0.
# Everything else is in conformance.py (its docstring documents the check semantics and
# the translation of Suricata options for canh).
set -eu
BUILD=${1:?usage: run-conformance.sh BUILD_DIR [options] [TEST ...]}
shift
HERE=$(cd "$(dirname "$0")" && pwd)
command -v python3 >/dev/null || { echo "conformance: python3 is missing" >&2; exit 2; }
exec python3 "$HERE/conformance.py" --build "$BUILD" "$@"
