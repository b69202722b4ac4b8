#!/bin/sh
# Installs the Debian 12 packages Canh needs to build, test and run, if any is missing.
# Idempotent and non-interactive; uses sudo when not run as root.
#   build:   gcc make pkg-config, libpcap, nDPI 4.2, libyaml, libgcrypt (nDPI's own),
#            Hyperscan (rule prefilter), PCRE2 (pcre keyword), http-parser (HTTP/1.x), zlib,
#            libmagic (file types), libyara 4.2 (YARA rules)
#   tests:   python3 + python3-yaml (conformance runner), jq, time, bc, xxd, tcpreplay, iproute2 (network namespaces), clang (fuzzing),
#            tshark (Community ID cross-check), libndpi-bin (ndpiReader oracle)
set -eu
PKGS="gcc make pkg-config libpcap-dev libndpi-dev libyaml-dev libgcrypt20-dev zlib1g-dev
      libhyperscan-dev libpcre2-dev libhttp-parser-dev libmagic-dev libyara-dev time bc xxd
      python3 python3-yaml jq tcpreplay iproute2 clang libclang-rt-14-dev tshark libndpi-bin"

missing=""
for p in $PKGS; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
        missing="$missing $p"
    fi
done
[ -z "$missing" ] && exit 0

echo "install-deps: installing:$missing"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
# tshark asks whether non-root users may capture; answer no without a prompt.
echo "wireshark-common wireshark-common/install-setuid boolean false" | $SUDO debconf-set-selections
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing
