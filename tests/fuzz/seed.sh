#!/usr/bin/env bash
# Seeds tests/fuzz/corpus/<target>/ from the repository's own files: articles from corpus/,
# rule files from grammars/ and tests/data/rules/, gold records made from the articles.
# Usage: bash tests/fuzz/seed.sh   (from anywhere)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
c="$here/corpus"
mkdir -p "$c/reader" "$c/pipeline" "$c/rules" "$c/gold" "$c/serve" "$c/parts"
for f in "$root"/corpus/* "$root"/tests/data/*.txt; do
  [ -f "$f" ] || continue
  cp "$f" "$c/reader/"
  # The pipeline target also draws the built-in SVG, whose layout grows faster than the map (a
  # 350-unit map: 0.75 s in release, past the smoke's 10 s timeout under the sanitizer): a data
  # file of many cases is cut at a line end near 12 KB, as the serve seeds are cut to 4 KB, so
  # that the smoke times the code on an article's size, not the size of a test data file.
  python3 - "$f" "$c/pipeline/$(basename "$f")" <<'PY'
import sys
data = open(sys.argv[1], "rb").read()
if len(data) > 12000:
    data = data[: data.rfind(b"\n", 0, 12000) + 1]
open(sys.argv[2], "wb").write(data)
PY
  # parts: a first byte of 16 cuts the text into parts of 72 bytes, read as plain text.
  python3 - "$c/pipeline/$(basename "$f")" "$c/parts/$(basename "$f")" <<'PY'
import sys
open(sys.argv[2], "wb").write(b"\x10" + open(sys.argv[1], "rb").read()[:4000])
PY
  # serve: op 0 pastes a document (JSON body); op 2 asks for a map.
  python3 - "$f" "$c/serve/paste-$(basename "$f")" <<'PY'
import json, sys
text = open(sys.argv[1], encoding="utf-8").read()[:4000]
open(sys.argv[2], "wb").write(b"\x00" + json.dumps({"name": "seed", "text": text}).encode())
PY
done
for f in "$root"/grammars/*.rules "$root"/tests/data/rules/*.rules; do
  [ -f "$f" ] || continue
  cp "$f" "$c/rules/"
  { printf '\001'; cat "$f"; } > "$c/serve/grammar-$(basename "$f")"
done
printf '\002%s' 0 > "$c/serve/map-0"
printf '\003%s' 0 > "$c/serve/report-0"
printf '\004' > "$c/serve/save"
printf '\005GET /api/state HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n' > "$c/serve/raw-state"
# Gold: one microtext-style JSON line and one brat document per article (mode byte 0 / 1).
python3 - "$root" "$c/gold" <<'PY'
import json, os, sys
root, out = sys.argv[1], sys.argv[2]
for name in sorted(os.listdir(os.path.join(root, "corpus"))):
    text = open(os.path.join(root, "corpus", name), encoding="utf-8").read()[:1500]
    words = text.split(" ")
    a = len(" ".join(words[:8])); b = len(" ".join(words[:16]))
    rec = {"id": name, "text": text,
           "units": [{"id": "a", "start": 0, "end": a, "role": "pro", "is_central_claim": True},
                     {"id": "b", "start": a + 1, "end": b, "role": "opp", "is_central_claim": False}],
           "relations": [{"src": "b", "trg": "a", "type": "reb"}]}
    open(os.path.join(out, name + ".jsonl"), "wb").write(b"\x00" + json.dumps(rec).encode() + b"\n")
    ann = "T1\tMajorClaim 0 %d\t%s\nT2\tClaim %d %d\t%s\nA1\tStance T2 Against\n" % (a, text[:a], a + 1, b, text[a + 1:b])
    open(os.path.join(out, name + ".brat"), "wb").write(b"\x01" + text.encode() + b"\x00" + ann.encode())
PY
echo "seeded $(find "$c" -type f | wc -l) files under $c"
