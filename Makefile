# Canh top-level Makefile: hands off to sensor/ and tests/.
#
#   make            build build/canh-sensor
#   make test       install missing dependencies, build, run the test suite
#   make check      the same build and tests under AddressSanitizer + UBSan (build-check/)
#   make bench      throughput and memory benchmark against a bare libpcap read loop
#   make demo       run the sensor over the bundled sample capture and show what it found
#   make fuzz       run the decoder, DNS, stream, HTTP, TLS and rule fuzzers for FUZZ_SECONDS each
#                   (default 300)
#   make conformance  run the sensor over ../shared/data/conformance/suricata-verify

BUILD ?= build
CHECK_BUILD ?= build-check
FUZZ_SECONDS ?= 300
DEPS_STAMP := $(BUILD)/.deps-ok

.PHONY: all sensor test check bench demo fuzz conformance deps clean

all: sensor

sensor:
	$(MAKE) -C sensor BUILD=$(abspath $(BUILD))

deps: $(DEPS_STAMP)
$(DEPS_STAMP): deploy/install-deps.sh
	./deploy/install-deps.sh
	@mkdir -p $(BUILD) && touch $@

test: deps sensor
	$(MAKE) -C tests BUILD=$(abspath $(BUILD)) run

check: deps
	$(MAKE) -C sensor BUILD=$(abspath $(CHECK_BUILD)) OPT="-O1 -g" \
	    EXTRA_CFLAGS="-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined" \
	    EXTRA_LDFLAGS="-fsanitize=address,undefined"
	$(MAKE) -C tests BUILD=$(abspath $(CHECK_BUILD)) SANITIZE=1 \
	    EXTRA_CFLAGS="-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined" \
	    EXTRA_LDFLAGS="-fsanitize=address,undefined" run

bench: deps sensor
	./tests/bench/run-bench.sh $(abspath $(BUILD))

demo: deps sensor
	./tests/scripts/demo.sh $(abspath $(BUILD))

fuzz: deps
	$(MAKE) -C tests BUILD=$(abspath $(BUILD)) FUZZ_SECONDS=$(FUZZ_SECONDS) fuzz fuzz-dns \
	    fuzz-stream fuzz-http fuzz-tls fuzz-rules

conformance: deps sensor
	./tests/conformance/run-conformance.sh $(abspath $(BUILD))

clean:
	rm -rf $(BUILD) $(CHECK_BUILD)
