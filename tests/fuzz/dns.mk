# DNS parser fuzzing, included by tests/Makefile (it uses that file's BUILD, CFLAGS,
# PKGS, FUZZ_BUILD and FUZZ_SECONDS):
#
#   make -C tests BUILD=$PWD/build fuzz-dns [FUZZ_SECONDS=300]
#
# Builds the sensor library with coverage into $(FUZZ_BUILD) exactly as the 'fuzz'
# target does (so the two share it), links fuzz/fuzz-dns.c against it, and runs it for
# FUZZ_SECONDS on a temporary copy of fuzz/dns-seeds/ (the run never writes into the
# source tree). Crash reproducers are kept in $(FUZZ_BUILD)/fuzz-artifacts/, the log of
# a failed run next to them. Fails if a crash, leak, timeout or sanitizer report was
# found.
#
# Including this file does not change tests/Makefile's default goal, wherever the include
# line stands.

FUZZ_BUILD ?= $(BUILD)/fuzz
FUZZ_SECONDS ?= 300
FUZZ_DNS_SEEDS := fuzz/dns-seeds
FUZZ_DNS_GOAL := $(.DEFAULT_GOAL)

.PHONY: fuzz-dns fuzz-dns-build
fuzz-dns-build:
	$(MAKE) -C ../sensor BUILD=$(FUZZ_BUILD) CC=clang OPT="-O1 -g" \
	    EXTRA_CFLAGS="-fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer" \
	    $(FUZZ_BUILD)/libcanh-sensor.a
	clang $(CFLAGS) -fsanitize=fuzzer,address,undefined -o $(FUZZ_BUILD)/fuzz-dns \
	    fuzz/fuzz-dns.c $(FUZZ_BUILD)/libcanh-sensor.a $(shell pkg-config --libs $(PKGS)) \
	    -lhttp_parser -lgcrypt -lmagic -lyara -lpthread -lm

# -max_len 8192: DNS over UDP stays under 4096 with EDNS; a few TCP frames fit too.
fuzz-dns: fuzz-dns-build
	./fuzz/run-fuzz.sh $(FUZZ_BUILD)/fuzz-dns $(FUZZ_SECONDS) $(FUZZ_DNS_SEEDS) 8192

# An empty .DEFAULT_GOAL makes the next target defined the default again.
.DEFAULT_GOAL := $(FUZZ_DNS_GOAL)
