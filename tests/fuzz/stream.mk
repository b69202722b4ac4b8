# TCP stream reassembly fuzzing, included by tests/Makefile (it uses that file's BUILD, CFLAGS,
# PKGS, FUZZ_BUILD and FUZZ_SECONDS):
#
#   make -C tests BUILD=$PWD/build fuzz-stream [FUZZ_SECONDS=300]
#
# Builds fuzz/fuzz-stream.c with the one sensor file it exercises
# (../sensor/stream/stream-tcp.c, with coverage and sanitizers; nothing else of the
# library is needed, so a half-written file elsewhere cannot break it), and runs it for
# FUZZ_SECONDS on a temporary copy of fuzz/stream-seeds/ (the run never writes into the
# source tree). Crash reproducers are kept in $(FUZZ_BUILD)/fuzz-artifacts/, the log of
# a failed run next to them. Fails if a crash, leak, timeout or sanitizer report was
# found.
#
# Including this file does not change tests/Makefile's default goal, wherever the include
# line stands.

FUZZ_BUILD ?= $(BUILD)/fuzz
FUZZ_SECONDS ?= 300
FUZZ_STREAM_SEEDS := fuzz/stream-seeds
FUZZ_STREAM_GOAL := $(.DEFAULT_GOAL)

.PHONY: fuzz-stream fuzz-stream-build
fuzz-stream-build:
	@mkdir -p $(FUZZ_BUILD)
	clang $(CFLAGS) -fsanitize=fuzzer,address,undefined -fno-omit-frame-pointer \
	    -o $(FUZZ_BUILD)/fuzz-stream fuzz/fuzz-stream.c ../sensor/stream/stream-tcp.c

# -max_len 16384: a configuration, two ISNs and a few hundred operations (packets of up
# to 4 KiB are generated from 6 bytes each).
fuzz-stream: fuzz-stream-build
	./fuzz/run-fuzz.sh $(FUZZ_BUILD)/fuzz-stream $(FUZZ_SECONDS) $(FUZZ_STREAM_SEEDS) 16384

# An empty .DEFAULT_GOAL makes the next target defined the default again.
.DEFAULT_GOAL := $(FUZZ_STREAM_GOAL)
