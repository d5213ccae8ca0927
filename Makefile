# Headroom: `make run` opens the desktop app on an example model; `make test` runs every
# test. Both install whatever is missing first (scripts/setup.sh, Debian 12).

# Builds live outside the clone, so a fresh clone reuses them and CI stays fast.
export CARGO_TARGET_DIR ?= $(HOME)/.cache/headroom/target
export PATH := $(HOME)/.cargo/bin:$(PATH)
APP := $(CARGO_TARGET_DIR)/debug/headroom-desktop
SPEC ?= models/shop.yaml

.PHONY: run test setup ui app lint test-engine test-ui test-e2e bindings schema bench bench-peers bench-desktop

run: app
	$(APP) $(abspath $(SPEC))

test: setup lint test-engine test-ui test-e2e
	@echo "make test: all passed"

setup:
	@scripts/setup.sh

ui: setup
	cd ui && npm run build

# The desktop app embeds ui/dist, so it is built after the front end. The CLI comes
# along: the end-to-end tests compare the app's diagnostics with its output.
app: ui
	cargo build -p headroom-desktop -p headroom --bins

lint: ui
	cargo fmt --all -- --check
	cargo clippy --workspace --all-targets -- -D warnings
	cd ui && npm run lint && npm run typecheck

test-engine: setup
	cargo test

test-ui: setup
	cd ui && npm test

test-e2e: app
	xvfb-run -a --server-args="-screen 0 1280x800x24" node --test ui/e2e/*.test.mjs

# Regenerate what is derived from the engine's types (tests fail when these are stale).
bindings:
	UPDATE_BINDINGS=1 cargo test --test bindings
schema:
	UPDATE_SCHEMA=1 cargo test --test schema

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
bench-desktop: app
	CARGO_TARGET_DIR=$(RELEASE_TARGET) cargo build --release -p headroom-desktop --bin headroom-desktop
	xvfb-run -a --server-args="-screen 0 1280x800x24" node --test ui/e2e/perf.test.mjs
	HEADROOM_DESKTOP=$(RELEASE_TARGET)/release/headroom-desktop xvfb-run -a --server-args="-screen 0 1280x800x24" node --test ui/e2e/perf.test.mjs
