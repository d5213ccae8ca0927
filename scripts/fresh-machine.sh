#!/usr/bin/env bash
# Runs `make test` as on a brand-new machine, RUNS times in a row (default 3), each time
# from nothing: a clean clone of HEAD, a new HOME (so no ~/.cache/headroom with its
# target dir, tools venv and scaffold builds, no ~/.npm, no pip cache, no cargo registry,
# no tauri-driver, no workspace) and a new CARGO_HOME. Only what a fresh machine has too
# is kept: the Rust toolchain (RUSTUP_HOME) and Debian's packages (a brand-new machine
# installs those in ~2 minutes; removing them here would need root on the host's own
# system). Then one more run in the last clone, warm, for the warm time.
#
#   scripts/fresh-machine.sh [RUNS]      # logs and timings in $FRESH_ROOT (a new /tmp dir)
#
# Prints one line a run (cold or warm, seconds, pass or fail) and exits 1 if any failed.
set -uo pipefail
cd "$(dirname "$0")/.."
REPO=$(pwd)
RUNS=${1:-3}
FRESH_ROOT=${FRESH_ROOT:-$(mktemp -d /tmp/headroom-fresh-XXXXXX)}
mkdir -p "$FRESH_ROOT"
REAL_RUSTUP_HOME=${RUSTUP_HOME:-$HOME/.rustup}
# Only rustup's proxies of the toolchain, not what `cargo install` put beside them
# (tauri-driver): a fresh machine has the toolchain and nothing else.
TOOLCHAIN_BIN="$FRESH_ROOT/toolchain-bin"
mkdir -p "$TOOLCHAIN_BIN"
for tool in cargo rustc rustdoc rustup rustfmt cargo-fmt cargo-clippy clippy-driver; do
  ln -sf "$(command -v "$tool")" "$TOOLCHAIN_BIN/$tool"
done
SUMMARY="$FRESH_ROOT/summary.txt"
: >"$SUMMARY"

# One run of `make test` in CLONE with HOME=HOME_DIR; appends "label seconds status".
run() {
  local label=$1 clone=$2 home=$3 log="$FRESH_ROOT/$1.log"
  local start end status
  start=$(date +%s)
  # env -i: nothing of this shell's environment leaks in (no CARGO_TARGET_DIR, no
  # XDG_* dirs, no DISPLAY); PATH has the system's programs and the toolchain.
  env -i \
    HOME="$home" CARGO_HOME="$home/.cargo" RUSTUP_HOME="$REAL_RUSTUP_HOME" \
    PATH="$home/.cargo/bin:$TOOLCHAIN_BIN:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" \
    LANG=C.UTF-8 TERM=dumb CI=true \
    bash -c "cd '$clone' && make test" >"$log" 2>&1
  status=$?
  end=$(date +%s)
  local verdict=pass
  [ "$status" -eq 0 ] || verdict="FAIL (exit $status, see $log)"
  echo "$label $((end - start)) s $verdict" | tee -a "$SUMMARY"
  return "$status"
}

failed=0
last_clone= last_home=
for i in $(seq 1 "$RUNS"); do
  clone="$FRESH_ROOT/clone-$i" home="$FRESH_ROOT/home-$i"
  mkdir -p "$home"
  git clone --quiet --no-hardlinks "$REPO" "$clone"
  run "cold-$i" "$clone" "$home" || failed=1
  # The next cold run must not find this one's caches; keep only the last for the warm run.
  [ -n "$last_home" ] && rm -rf "$last_home" "$last_clone"
  last_clone=$clone last_home=$home
done
run "warm" "$last_clone" "$last_home" || failed=1
echo "logs and summary: $FRESH_ROOT"
exit "$failed"
