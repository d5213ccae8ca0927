# Headroom: `make run` opens the desktop app on an example model; `make test` runs every
# test. Both install whatever is missing first (scripts/setup.sh, Debian 12).

# Builds live outside the clone, so a fresh clone reuses them and CI stays fast.
export CARGO_TARGET_DIR ?= $(HOME)/.cache/headroom/target
export PATH := $(HOME)/.cargo/bin:$(PATH)
APP := $(CARGO_TARGET_DIR)/debug/headroom-desktop
SPEC ?= models/shop.yaml

# Every cargo build here lints as it compiles: scripts/clippy-rustc (clippy-driver,
# warnings denied) is the compiler of the workspace's own crates, so clippy needs no
# pass of its own over every dependency, and `make run`, `make test` and the targets
# below share one set of artifacts. (A plain `cargo build` or `cargo test` works too; it
# compiles the workspace's crates once more, without the lints.)
CARGO := RUSTC_WORKSPACE_WRAPPER=$(CURDIR)/scripts/clippy-rustc cargo

.PHONY: run test setup ui build style lint test-engine test-ui test-e2e bindings schema bench bench-peers bench-desktop

run: build
	$(APP) $(abspath $(SPEC))

# Two at a time, each step's output printed whole when it ends: the front end's unit
# tests beside the lint and build, then the engine's tests beside the end-to-end tests
# (which mostly wait on the app, leaving a core free).
test: setup
	$(MAKE) --no-print-directory --jobs=2 --output-sync=target lint test-ui
	$(MAKE) --no-print-directory --jobs=2 --output-sync=target test-engine test-e2e
	@echo "make test: all passed"

setup:
	@scripts/setup.sh

# Type-checks (tsc) and bundles the front end into ui/dist, when a source is newer than
# the bundle (a rewritten ui/dist makes cargo rebuild the desktop app, which embeds it).
UI_SOURCES := $(shell find ui/src -type f) $(wildcard ui/*.json ui/*.ts ui/*.js ui/index.html)
ui: setup ui/dist/index.html
ui/dist/index.html: $(UI_SOURCES)
	cd ui && npm run build

# Every Rust target of the workspace in one invocation: the engine's library, CLI,
# tests, benches and examples, and the desktop app, which embeds ui/dist (so the front
# end is built first). One feature resolution and one profile for all of them, so no
# crate is compiled twice and `cargo test` below only runs what this built.
build: ui
	$(CARGO) build --workspace --all-targets

# Formatting and the front end's linter first (seconds), then clippy, inside `build`.
style: setup
	cargo fmt --all -- --check
	cd ui && npm run lint
lint: style build

test-engine: build
	$(CARGO) test --workspace

test-ui: setup
	cd ui && npm test

test-e2e: build
	xvfb-run -a --server-args="-screen 0 1280x800x24" node --test ui/e2e/*.test.mjs

# Regenerate what is derived from the engine's types (tests fail when these are stale).
bindings:
	UPDATE_BINDINGS=1 $(CARGO) test --workspace --test engine bindings::
schema:
	UPDATE_SCHEMA=1 $(CARGO) test --workspace --test engine schema::

# The peer benchmark installs SimPy and Ciw into a virtualenv outside the clone.
BENCH_VENV ?= $(HOME)/.cache/headroom/bench-venv

bench:
	cargo bench --bench validate --bench analyze --bench plan --bench live
	$(MAKE) bench-peers

# Headroom against SimPy and Ciw on M/M/4 and a 3-station tandem, 1,000,000 customers
# each (BENCH_CUSTOMERS=N to change): customers/s, peak memory, ratios, events/s.
bench-peers:
	test -x $(BENCH_VENV)/bin/python || python3 -m venv $(BENCH_VENV)
	$(BENCH_VENV)/bin/python -c "import simpy, ciw" 2>/dev/null || $(BENCH_VENV)/bin/pip install --quiet simpy ciw
	cargo build --release --example sim_bench
	$(BENCH_VENV)/bin/python benches/peers/run.py $(BENCH_VENV)/bin/python $(CARGO_TARGET_DIR)/release/examples/sim_bench

# The desktop's perf harness (ui/e2e/perf.test.mjs: a 300-component model, open time and
# edit round trips) against the debug build `make test` runs and a release build, in the
# same run. A benchmark, so it may build --release (in its own target dir).
RELEASE_TARGET ?= $(HOME)/.cache/headroom/target-release
bench-desktop: build
	CARGO_TARGET_DIR=$(RELEASE_TARGET) cargo build --release -p headroom-desktop --bin headroom-desktop
	xvfb-run -a --server-args="-screen 0 1280x800x24" node --test ui/e2e/perf.test.mjs
	HEADROOM_DESKTOP=$(RELEASE_TARGET)/release/headroom-desktop xvfb-run -a --server-args="-screen 0 1280x800x24" node --test ui/e2e/perf.test.mjs
