#!/usr/bin/env bash
# The work bounds, measured: every command on the extreme-but-valid shapes of
# scripts/extreme-shapes.py (a 10,000-deep chain, a 5,000-leaf star, a 181-component
# diamond, three hops of 1,000 calls, one pool of 10^10 servers), with a release build
# of a baseline commit against one of the working tree, in the same run.
#
#   scripts/bench-extreme.sh [BASELINE_COMMIT]     (default df92a37, before the bounds)
#
# Prints seconds, peak memory and how each run ended. TIMEOUT (default 120 s) caps each
# run; a run the cap stopped reads "> TIMEOUT s".
set -euo pipefail
cd "$(dirname "$0")/.."
BASE=${1:-df92a37}
TIMEOUT=${TIMEOUT:-120}
OUT=${OUT:-$HOME/.cache/headroom/bench-extreme}
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$HOME/.cache/headroom/target}
mkdir -p "$OUT"

build() { # commit-or-dir, name
  cargo build --quiet --release --bin headroom --manifest-path "$1/Cargo.toml"
  cp "$CARGO_TARGET_DIR/release/headroom" "$OUT/headroom-$2"
}
if [ ! -x "$OUT/headroom-before-$BASE" ]; then
  rm -rf "$OUT/base" && git worktree add --detach --force "$OUT/base" "$BASE" >/dev/null
  build "$OUT/base" "before-$BASE"
  git worktree remove --force "$OUT/base"
fi
build . after

python3 scripts/extreme-shapes.py "$OUT/shapes" >/dev/null

run() { # binary, command, spec -> "seconds peak_MB outcome"
  local t0 t1 rc mem
  t0=$(date +%s.%N)
  set +e
  /usr/bin/time -f "%M" -o "$OUT/mem" timeout "$TIMEOUT" "$1" "$2" "$3" >"$OUT/stdout" 2>"$OUT/stderr"
  rc=$?
  set -e
  t1=$(date +%s.%N)
  mem=$(tail -1 "$OUT/mem" | grep -Eo '^[0-9]+$' || echo 0)
  local how
  case $rc in
    0) how=ok ;;
    124) how=timeout ;;
    1) how="exit 1: $(grep -v '^$' "$OUT/stdout" "$OUT/stderr" | tail -1 | sed 's/^[^:]*:[^:]*: //' | cut -c1-60)" ;;
    *) how="exit $rc" ;;
  esac
  if [ "$rc" = 124 ]; then
    printf '> %s s|%s|%s' "$TIMEOUT" "$((mem / 1024))" "$how"
  else
    printf '%.2f s|%s|%s' "$(echo "$t1 - $t0" | bc)" "$((mem / 1024))" "$how"
  fi
}

printf '| shape | command | before (%s) | MB | outcome | after | MB | outcome |\n' "$BASE"
printf '|---|---|---|---|---|---|---|---|\n'
for shape in chain star diamond fanout pool; do
  for cmd in validate analyze simulate plan; do
    before=$(run "$OUT/headroom-before-$BASE" "$cmd" "$OUT/shapes/$shape.yaml")
    after=$(run "$OUT/headroom-after" "$cmd" "$OUT/shapes/$shape.yaml")
    printf '| %s | %s | %s | %s |\n' "$shape" "$cmd" "$before" "$after"
  done
done
