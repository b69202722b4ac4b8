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
	@set -u; \
	secs=$(FUZZ_SECONDS); bin=$(FUZZ_BUILD)/fuzz-stream; art=$(FUZZ_BUILD)/fuzz-artifacts; \
	work=$$(mktemp -d "$${TMPDIR:-/tmp}/canh-fuzz-stream.XXXXXX") || exit 2; \
	trap 'rm -rf "$$work"' EXIT; \
	mkdir -p "$$work/corpus" "$$art" && cp $(FUZZ_STREAM_SEEDS)/* "$$work/corpus/" || exit 2; \
	nseeds=$$(ls "$$work/corpus" | wc -l); \
	echo "fuzz: fuzz-stream for $${secs}s from $$nseeds seeds (artifacts in $$art)"; \
	UBSAN_OPTIONS="$${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}" \
	ASAN_OPTIONS="$${ASAN_OPTIONS:-detect_leaks=1}" \
	"$$bin" -max_total_time="$$secs" -max_len=16384 -timeout=10 -rss_limit_mb=2048 \
	    -print_final_stats=1 -artifact_prefix="$$art/fuzz-stream-" "$$work/corpus" \
	    >"$$work/log" 2>&1; \
	rc=$$?; \
	grep -E '^#[0-9]+[[:space:]]+DONE' "$$work/log" | tail -n 1 | sed 's/^/fuzz: /'; \
	grep -E '^stat::(number_of_executed_units|peak_rss_mb|new_units_added)' "$$work/log" | \
	    sed 's/^/fuzz: /'; \
	echo "fuzz: corpus grew from $$nseeds to $$(ls "$$work/corpus" | wc -l) inputs"; \
	if [ $$rc -ne 0 ] || grep -qE 'ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer)|runtime error:|contract broken|SUMMARY: ' "$$work/log"; then \
	    cp "$$work/log" "$$art/fuzz-stream-last.log"; \
	    grep -E 'ERROR:|runtime error:|contract broken|SUMMARY:|Test unit written' "$$work/log" | \
	        sed 's/^/    /'; \
	    echo "fuzz: FAILED (exit $$rc); full log in $$art/fuzz-stream-last.log; reproduce with: $$bin <artifact>"; \
	    exit 1; \
	fi; \
	echo "fuzz: no crash"

# An empty .DEFAULT_GOAL makes the next target defined the default again.
.DEFAULT_GOAL := $(FUZZ_STREAM_GOAL)
