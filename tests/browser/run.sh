#!/usr/bin/env bash
# Headless-Chromium tests of the HTML report and of `toulmin serve`. Builds nothing: run `cargo build --release` first
# (or point TOULMIN_BIN at another binary). Installs Debian's chromium when it is missing and
# playwright-core from npm. Exits 0 only when the test passed. Screenshots: /tmp/toulmin-shots/.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
bin="${TOULMIN_BIN:-$root/target/release/toulmin}"

if [ ! -x "$bin" ]; then
  echo "error: $bin is missing: build it with 'cargo build --release'" >&2
  exit 2
fi
if [ ! -x /usr/bin/chromium ]; then
  echo "installing chromium..." >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq chromium >/dev/null
fi
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  echo "installing node and npm..." >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq nodejs npm >/dev/null
fi

cd "$here"
if [ -f package-lock.json ]; then
  npm ci --no-audit --no-fund --loglevel=error
else
  npm install --no-audit --no-fund --loglevel=error
fi

cd "$root"
TOULMIN_BIN="$bin" node "$here/report.test.mjs"
TOULMIN_BIN="$bin" node "$here/serve.test.mjs"
TOULMIN_BIN="$bin" node "$here/diagram.test.mjs"
