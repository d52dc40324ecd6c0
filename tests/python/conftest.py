"""Shared fixtures: the corpus, the dev microtexts, and the CLI's own output to compare with."""

import json
import os
import pathlib
import subprocess

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
CORPUS = sorted(p for p in (ROOT / "corpus").iterdir() if p.suffix in (".txt", ".md"))
MICROTEXTS = ROOT.parent / "shared" / "eval" / "microtexts_part2.jsonl"


def cli_binary() -> pathlib.Path:
    path = pathlib.Path(os.environ.get("TOULMIN_BIN", ROOT / "target" / "release" / "toulmin"))
    if not path.exists():
        pytest.skip(f"{path} not built (cargo build --release, or set TOULMIN_BIN)")
    return path


def records():
    """(id, text) of every corpus article and, when the dev data is there, every microtext."""
    out = [(p.name, p.read_text(encoding="utf-8")) for p in CORPUS]
    if MICROTEXTS.exists():
        for line in MICROTEXTS.read_text(encoding="utf-8").splitlines():
            if line.strip():
                r = json.loads(line)
                out.append((r["id"], r["text"]))
    return out


def cli_maps(recs, tmp_path):
    """What `toulmin map --jsonl` writes for the records, parsed: the reference result."""
    src = tmp_path / "in.jsonl"
    src.write_text(
        "".join(json.dumps({"id": i, "text": t}) + "\n" for i, t in recs), encoding="utf-8"
    )
    out = subprocess.run(
        [str(cli_binary()), "map", "--jsonl", str(src)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return [json.loads(line) for line in out.splitlines() if line.strip()]


@pytest.fixture(scope="session")
def all_records():
    return records()
