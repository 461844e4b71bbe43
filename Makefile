# cardfile — every command installs what it is missing first (scripts/setup.sh).
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
# wasm-opt 132 from npm must come before any other wasm-opt on PATH.
export PATH := $(CURDIR)/node_modules/.bin:$(HOME)/.cargo/bin:$(PATH)
export CHROMEDRIVER ?= /usr/bin/chromedriver
export CARGO_TERM_COLOR ?= never

.PHONY: setup run test lint test-native test-wasm test-e2e widget servers clean

setup:
	@scripts/setup.sh

## Release widget (opt-level z, LTO, wasm-opt -Oz) into dist/, as the proxy serves it.
widget: setup
	trunk build --release

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

clean:
	cargo clean
	rm -rf dist
