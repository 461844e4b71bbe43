# cardfile — every command installs what it is missing first (scripts/setup.sh).
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
# wasm-opt 132 from npm must come before any other wasm-opt on PATH.
export PATH := $(CURDIR)/node_modules/.bin:$(HOME)/.cargo/bin:$(PATH)
export CHROMEDRIVER ?= /usr/bin/chromedriver
export CARGO_TERM_COLOR ?= never

.PHONY: setup run test lint test-native test-wasm test-e2e widget servers bench clean fuzz

setup:
	@scripts/setup.sh

## Release widget (opt-level z, LTO, wasm-opt -Oz) into dist/, as the proxy serves it.
widget: setup
	trunk build --release
	node scripts/compress-dist.mjs dist

servers:
	cargo build -p cardfile-sim -p cardfile-proxy

run: widget servers
	@scripts/run.sh

lint: setup
	cargo fmt --all --check
	cargo clippy --workspace --all-targets -- -D warnings
	cargo clippy -p cardfile --all-targets --target wasm32-unknown-unknown -- -D warnings
	cargo clippy -p cardfile-core --lib --target wasm32-unknown-unknown -- -D warnings

test-native: setup
	cargo test --workspace

## Component tests in headless Chromium (wasm-bindgen-test-runner, see .cargo/config.toml).
test-wasm: setup
	cargo test -p cardfile --target wasm32-unknown-unknown

## End-to-end in headless Chromium against the running stack, on the release widget.
test-e2e: widget servers
	node --test --test-concurrency=1 e2e/

test: lint test-native test-wasm test-e2e

## Benchmarks (not part of `make test`): widget vs a vanilla-JS page, proxy vs nginx. Builds
## into target/bench-build and target/bench-dist (never dist/ or target/debug), writes
## target/bench/report.json and prints a table. See BENCHMARKS.md.
BENCH_TARGET := $(CURDIR)/target/bench-build
bench: setup
	@bench/setup.sh
	CARGO_TARGET_DIR=$(BENCH_TARGET) cargo build -q --profile server -p cardfile-sim -p cardfile-proxy
	CARGO_TARGET_DIR=$(BENCH_TARGET) trunk build -q --release --dist $(CURDIR)/target/bench-dist
	node bench/run.mjs

## Fuzzes each parser (cargo-fuzz, nightly) for FUZZ_SECONDS, one target at a time; a crash
## stops it with the input in fuzz/artifacts/<target>/ and the run's log in fuzz/logs/.
FUZZ_SECONDS ?= 600
FUZZ_TARGETS ?= talkdesk symphony gws eightbyeight smartflo bridge
fuzz:
	@cargo fuzz --version >/dev/null 2>&1 || cargo install cargo-fuzz --locked || cargo install cargo-fuzz
	fuzz/seed.sh
	mkdir -p fuzz/logs
	for t in $(FUZZ_TARGETS); do \
	  dict=provider; if [[ $$t == bridge ]]; then dict=bridge; fi; \
	  cargo +nightly fuzz run --debug-assertions --jobs 1 $$t -- \
	    -max_total_time=$(FUZZ_SECONDS) -dict=fuzz/dict/$$dict.dict -print_final_stats=1 \
	    2>&1 | tee fuzz/logs/$$t.log | grep -v '^#[0-9]*\s*\(NEW\|REDUCE\)'; \
	  grep -E 'stat::(number_of_executed_units|average_exec_per_sec)|Done [0-9]+ runs' fuzz/logs/$$t.log; \
	done

clean:
	cargo clean
	rm -rf dist
