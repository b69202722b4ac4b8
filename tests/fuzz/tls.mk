# TLS parser fuzzing, included by tests/Makefile (it uses that file's BUILD, CFLAGS,
# PKGS, FUZZ_BUILD and FUZZ_SECONDS):
#
#   make -C tests BUILD=$PWD/build fuzz-tls [FUZZ_SECONDS=300]
#
# Inputs are flows of chunks (see fuzz/fuzz-tls.c). Builds the sensor library with
# coverage into $(FUZZ_BUILD) exactly as the 'fuzz' target does (so the two share it),
# links fuzz/fuzz-tls.c against it, and runs it for
# FUZZ_SECONDS on a temporary copy of fuzz/tls-seeds/ (the run never writes into the
# source tree). Crash reproducers are kept in $(FUZZ_BUILD)/fuzz-artifacts/, the log of
# a failed run next to them. Fails if a crash, leak, timeout or sanitizer report was
# found.
#
# Including this file does not change tests/Makefile's default goal, wherever the include
# line stands.

FUZZ_BUILD ?= $(BUILD)/fuzz
FUZZ_SECONDS ?= 300
FUZZ_TLS_SEEDS := fuzz/tls-seeds
FUZZ_TLS_GOAL := $(.DEFAULT_GOAL)

.PHONY: fuzz-tls fuzz-tls-build
fuzz-tls-build:
	$(MAKE) -C ../sensor BUILD=$(FUZZ_BUILD) CC=clang OPT="-O1 -g" \
	    EXTRA_CFLAGS="-fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer" \
	    $(FUZZ_BUILD)/libcanh-sensor.a
	clang $(CFLAGS) -fsanitize=fuzzer,address,undefined -o $(FUZZ_BUILD)/fuzz-tls \
	    fuzz/fuzz-tls.c $(FUZZ_BUILD)/libcanh-sensor.a $(shell pkg-config --libs $(PKGS)) \
	    -lhttp_parser -lgcrypt -lmagic -lyara -lpthread -lm

# -max_len 16384: a whole handshake of both sides with a chain of a few certificates (the
# seeds are 0.5-2 KB); longer inputs only repeat what records and messages already do.
fuzz-tls: fuzz-tls-build
	./fuzz/run-fuzz.sh $(FUZZ_BUILD)/fuzz-tls $(FUZZ_SECONDS) $(FUZZ_TLS_SEEDS) 16384

# An empty .DEFAULT_GOAL makes the next target defined the default again.
.DEFAULT_GOAL := $(FUZZ_TLS_GOAL)
