# Rule language fuzzing, included by tests/Makefile (it uses that file's BUILD, CFLAGS,
# PKGS, FUZZ_BUILD and FUZZ_SECONDS):
#
#   make -C tests BUILD=$PWD/build fuzz-rules [FUZZ_SECONDS=300]
#
# Builds the sensor library with coverage into $(FUZZ_BUILD) exactly as the 'fuzz'
# target does (so the two share it), links fuzz/fuzz-rules.c against it (rule text
# loaded by the engine and run on a packet), and runs it for FUZZ_SECONDS on a temporary
# copy of fuzz/rules-seeds/ (the run never writes into the
# source tree). Crash reproducers are kept in $(FUZZ_BUILD)/fuzz-artifacts/, the log of
# a failed run next to them. Fails if a crash, leak, timeout or sanitizer report was
# found.
#
# Including this file does not change tests/Makefile's default goal, wherever the include
# line stands.

FUZZ_BUILD ?= $(BUILD)/fuzz
FUZZ_SECONDS ?= 300
FUZZ_RULES_SEEDS := fuzz/rules-seeds
FUZZ_RULES_GOAL := $(.DEFAULT_GOAL)

.PHONY: fuzz-rules fuzz-rules-build
fuzz-rules-build:
	$(MAKE) -C ../sensor BUILD=$(FUZZ_BUILD) CC=clang OPT="-O1 -g" \
	    EXTRA_CFLAGS="-fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer" \
	    $(FUZZ_BUILD)/libcanh-sensor.a
	clang $(CFLAGS) -fsanitize=fuzzer,address,undefined -o $(FUZZ_BUILD)/fuzz-rules \
	    fuzz/fuzz-rules.c $(FUZZ_BUILD)/libcanh-sensor.a $(shell pkg-config --libs $(PKGS)) \
	    -lhttp_parser -lgcrypt -lpthread -lm

# -max_len 4096: a few rules; each input is loaded as a rule file and run on a packet.
fuzz-rules: fuzz-rules-build
	@set -u; \
	secs=$(FUZZ_SECONDS); bin=$(FUZZ_BUILD)/fuzz-rules; art=$(FUZZ_BUILD)/fuzz-artifacts; \
	work=$$(mktemp -d "$${TMPDIR:-/tmp}/canh-fuzz-rules.XXXXXX") || exit 2; \
	trap 'rm -rf "$$work"' EXIT; \
	mkdir -p "$$work/corpus" "$$art" && cp $(FUZZ_RULES_SEEDS)/* "$$work/corpus/" || exit 2; \
	nseeds=$$(ls "$$work/corpus" | wc -l); \
	echo "fuzz: fuzz-rules for $${secs}s from $$nseeds seeds (artifacts in $$art)"; \
	UBSAN_OPTIONS="$${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}" \
	ASAN_OPTIONS="$${ASAN_OPTIONS:-detect_leaks=1}" \
	"$$bin" -max_total_time="$$secs" -max_len=4096 -timeout=10 -rss_limit_mb=2048 \
	    -print_final_stats=1 -artifact_prefix="$$art/fuzz-rules-" "$$work/corpus" \
	    >"$$work/log" 2>&1; \
	rc=$$?; \
	grep -E '^#[0-9]+[[:space:]]+DONE' "$$work/log" | tail -n 1 | sed 's/^/fuzz: /'; \
	grep -E '^stat::(number_of_executed_units|peak_rss_mb|new_units_added)' "$$work/log" | \
	    sed 's/^/fuzz: /'; \
	echo "fuzz: corpus grew from $$nseeds to $$(ls "$$work/corpus" | wc -l) inputs"; \
	if [ $$rc -ne 0 ] || grep -qE 'ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer)|runtime error:|contract broken|SUMMARY: ' "$$work/log"; then \
	    cp "$$work/log" "$$art/fuzz-rules-last.log"; \
	    grep -E 'ERROR:|runtime error:|contract broken|SUMMARY:|Test unit written' "$$work/log" | \
	        sed 's/^/    /'; \
	    echo "fuzz: FAILED (exit $$rc); full log in $$art/fuzz-rules-last.log; reproduce with: $$bin <artifact>"; \
	    exit 1; \
	fi; \
	echo "fuzz: no crash"

# An empty .DEFAULT_GOAL makes the next target defined the default again.
.DEFAULT_GOAL := $(FUZZ_RULES_GOAL)
