#!/usr/bin/env bash
# Loads toulmin's exports in the tools their users read them with: every article of corpus/ is
# mapped to AIF, Argdown, brat, GraphML and ICCMA, then
#   - the reference Argdown parser (@argdown/cli, from npm) parses every .argdown;
#   - networkx (read_graphml) and arguebuf (AIF) load the GraphML and AIF files, in a virtual
#     environment this script creates (tests/formats/.venv, from requirements.txt);
#   - check.py compares every unit and relation each tool sees with the map's JSON, and the
#     ICCMA file's grounded extension, by a solver of its own, with toulmin's `status`;
#   - the brat and the AIF export read back as gold with `toulmin eval --gold DIR --gold-units`
#     must score 1.0 on every metric.
# Builds nothing: run `cargo build --release` first (or point TOULMIN_BIN at another binary).
# Installs node/npm and python3-venv from Debian when missing. Exits 0 only when all passed.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
bin="${TOULMIN_BIN:-$root/target/release/toulmin}"

if [ ! -x "$bin" ]; then
  echo "error: $bin is missing: build it with 'cargo build --release'" >&2
  exit 2
fi
apt_install() {
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "$@" >/dev/null
}
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  echo "installing node and npm..." >&2
  apt_install nodejs npm
fi
if ! command -v python3 >/dev/null; then
  echo "installing python3..." >&2
  apt_install python3 python3-venv
fi

cd "$here"
npm ci --no-audit --no-fund --loglevel=error
venv="$here/.venv"
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv" 2>/dev/null || { apt_install python3-venv; python3 -m venv "$venv"; }
fi
"$venv/bin/pip" install -q --disable-pip-version-check -r requirements.txt

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
out="$work/out"

cd "$root"
"$bin" map corpus -o "$out" --format json,aif,argdown,brat,graphml,iccma >/dev/null

# The reference parser refuses (exit 1, no output) a file with any syntax error.
"$here/node_modules/.bin/argdown" json "$out/*.argdown" "$work/argdown" --silent

"$venv/bin/python" "$here/check.py" "$out" "$work/argdown"

# Round trips through toulmin's own gold readers: brat as written, AIF beside its text.
mkdir -p "$work/aif"
for f in "$out"/*.aif.json; do
  stem="$(basename "$f" .aif.json)"
  cp "$f" "$work/aif/"
  cp "$out/brat/$stem.txt" "$work/aif/"
done
status=0
for gold in "$out/brat" "$work/aif"; do
  "$bin" eval --gold "$gold" --gold-units --json >"$work/eval.json"
  "$venv/bin/python" - "$work/eval.json" "$(basename "$gold")" <<'PY' || status=1
import json, sys
report = json.load(open(sys.argv[1]))["toulmin"]
m = report["metrics"]
scores = {"seg_exact": m["seg_exact"]["f1"], **{k: m[k]["macro_f1"] for k in ("cc", "ro", "fu", "at")}}
low = {k: v for k, v in scores.items() if v != 1.0}
name = sys.argv[2]
print(f"{name} round trip over {report['documents']} documents: " + ", ".join(f"{k} {v:.3f}" for k, v in scores.items()))
if low or report["documents"] == 0 or report["warnings"]:
    print(f"FAIL {name} round trip: {low} {report['warnings']}")
    print(f"{name} round trip: 0 passed, 1 failed")
    sys.exit(1)
print(f"{name} round trip: 1 passed, 0 failed")
PY
done
exit $status
