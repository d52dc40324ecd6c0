#!/usr/bin/env python3
"""Side-by-side benchmark: toulmin `map --jsonl` against ripgrep counting the grammar's cue
phrases and a spaCy sentencizer + PhraseMatcher pipeline, over the same multi-megabyte batch;
then toulmin alone on adversarial shapes of input. Prints medians, ratios and peak memory.

    python3 benches/sidebyside/run.py [--rounds 5] [--docs 2000] [--no-spacy] [--no-shapes]
                                      [--shape-sizes 524288,1000000,8388608]
                                      [--batch FILE.jsonl]

--batch runs the comparison on your own documents instead of the generated batch (one JSON
object with a "text" field per line, as `map --jsonl` reads): real commentary costs toulmin
more per byte than the generated batch, whose few sentence shapes its pattern sets learn fast.

Needs: cargo, ripgrep (`apt-get install ripgrep`), GNU time (/usr/bin/time), and for spaCy a
network to PyPI the first time (it makes a venv under target/sidebyside/venv). Everything it
writes goes to target/sidebyside/.
"""
import argparse
import hashlib
import json
import os
import pathlib
import shutil
import statistics
import subprocess
import sys
import tempfile

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parents[1]
WORK = ROOT / "target" / "sidebyside"
BIN = ROOT / "target" / "release" / "toulmin"


def sh(cmd, **kw):
    return subprocess.run(cmd, check=True, **kw)


def timed(cmd, stdout=subprocess.DEVNULL, check=False):
    """Wall seconds, peak resident KiB and CPU seconds (user + system) of one run, from GNU
    time. With `check`, a run that fails stops the benchmark: its time says nothing."""
    with tempfile.NamedTemporaryFile("r") as t:
        run = subprocess.run(["/usr/bin/time", "-f", "%e %M %U %S", "-o", t.name] + cmd,
                             stdout=stdout, stderr=subprocess.PIPE, check=False)
        if check and run.returncode != 0:
            sys.exit(f"{' '.join(cmd)} failed ({run.returncode}): {run.stderr.decode()[-500:]}")
        wall, kib, user, system = t.read().split()[-4:]
    return float(wall), int(kib), float(user) + float(system)


def build():
    sh(["cargo", "build", "--release", "--quiet", "--bin", "toulmin", "--example", "cue_list"],
       cwd=ROOT)


def spacy_python():
    venv = WORK / "venv"
    py = venv / "bin" / "python"
    if not py.exists():
        sh([sys.executable, "-m", "venv", str(venv)])
    if subprocess.run([str(py), "-c", "import spacy"], stderr=subprocess.DEVNULL).returncode:
        sh([str(py), "-m", "pip", "install", "--quiet", "spacy"])
    return str(py)


def shapes(out, size=1_000_000):
    """Adversarial inputs of at most `size` bytes each (a megabyte, as in issue 9, or up to the
    8 MiB toulmin reads), each filled as far as its shape allows. Past 512 KiB, toulmin maps a
    text in parts."""
    def fill(prefix, unit, suffix=""):
        n = (size - len(prefix) - len(suffix)) // len(unit)
        return prefix + unit * n + suffix

    def headings():
        out, i = [], 0
        left = size
        while True:
            h = f"# Heading {i}\n\nBecause it is so, we act.\n\n"
            if len(h) > left:
                return "".join(out)
            out.append(h)
            left -= len(h)
            i += 1

    deep = (size - len("He said because.")) // 6
    made = {
        "one sentence of because-clauses": fill("The plan fails", ", because the costs rise"),
        "one paragraph of short sentences": fill(
            "", "Costs rise fast. However, the plan holds. Because it must, we act. ").rstrip(),
        "tiny paragraphs": fill("", "Yes.\n\n").rstrip(),
        "headings": headings(),
        "nested quotes/brackets": "He said " + "(\"[" * deep + "because" + "]\")" * deep + ".",
        "'However, ' repeated": fill("", "However, "),
    }
    paths = {}
    for i, (name, text) in enumerate(made.items()):
        assert len(text.encode()) <= size, name
        p = out / f"shape{i}-{size}.txt"
        p.write_text(text, encoding="utf-8")
        paths[name] = p
    return paths


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--docs", type=int, default=2000)
    ap.add_argument("--no-spacy", action="store_true")
    ap.add_argument("--no-shapes", action="store_true")
    ap.add_argument("--shape-sizes", default="524288,1000000,8388608",
                    help="comma-separated sizes in bytes of the adversarial inputs (default: "
                         "512 KiB, the longest text mapped whole; a megabyte, as in issue 9; "
                         "and 8 MiB, the largest input toulmin reads)")
    ap.add_argument("--batch", type=pathlib.Path,
                    help="a JSONL file of documents to use instead of the generated batch")
    args = ap.parse_args()
    WORK.mkdir(parents=True, exist_ok=True)
    build()
    if args.batch:
        batch, text = args.batch.resolve(), WORK / "given-batch.txt"
        # The same texts for ripgrep, one after the other, as make_corpus.py writes them.
        with open(batch, encoding="utf-8") as src, open(text, "w", encoding="utf-8") as out:
            docs = 0
            for line in src:
                if line.strip():
                    out.write(json.loads(line)["text"] + "\n")
                    docs += 1
        args.docs = docs
    else:
        sh([sys.executable, str(HERE / "make_corpus.py"), str(WORK), "--docs", str(args.docs)])
        batch, text = WORK / "batch.jsonl", WORK / "batch.txt"
    cues = WORK / "cues.txt"
    with open(cues, "w") as f:
        sh(["cargo", "run", "--release", "--quiet", "--example", "cue_list"], cwd=ROOT, stdout=f)
    n_cues = sum(1 for _ in open(cues))
    rg = shutil.which("rg")
    py = None if args.no_spacy else spacy_python()

    def toulmin(jobs):
        return [str(BIN), "map", "--jsonl", str(batch), "-q", "-j", str(jobs)]

    # Same output whatever the number of workers.
    digests = {j: hashlib.sha256(subprocess.run(toulmin(j), capture_output=True).stdout)
               .hexdigest() for j in (1, 2, 4)}
    identical = len(set(digests.values())) == 1

    # The machine's own ceiling for two workers: two separate single-worker processes, each on
    # half the batch, at once. Nothing is shared between them, so whatever they lose against
    # one process doing the whole batch alone is lost to the machine (cores sharing caches and
    # memory, a host's other guests), and no `-j 2` can win it back.
    halves = [WORK / "half-1.jsonl", WORK / "half-2.jsonl"]
    with open(batch, encoding="utf-8") as src:
        lines = [line for line in src if line.strip()]
    for path, part in zip(halves, (lines[: len(lines) // 2], lines[len(lines) // 2:])):
        path.write_text("".join(part), encoding="utf-8")
    both_halves = ["sh", "-c", '"$0" map --jsonl "$1" -q -j 1 & "$0" map --jsonl "$2" -q -j 1;'
                   ' wait', str(BIN), str(halves[0]), str(halves[1])]

    runs = {"toulmin -j 1": toulmin(1), "toulmin -j 2": toulmin(2),
            "2 × toulmin -j 1, a half each, at once": both_halves}
    if rg:
        runs["rg -c -i -w -F -f CUES"] = [rg, "-c", "-i", "-w", "-F", "-f", str(cues), str(text)]
    if py:
        runs["spaCy sentencizer+PhraseMatcher"] = [py, str(HERE / "spacy_cues.py"), str(cues),
                                                   str(batch)]
    times = {k: [] for k in runs}
    peaks = {k: [] for k in runs}
    cpus = {k: [] for k in runs}
    # Interleaved rounds, so that load from elsewhere on the machine falls on every tool alike.
    for _ in range(args.rounds):
        for name, cmd in runs.items():
            wall, kib, cpu = timed(cmd)
            times[name].append(wall)
            peaks[name].append(kib)
            cpus[name].append(cpu)
    med = {k: statistics.median(v) for k, v in times.items()}
    size = batch.stat().st_size
    print(f"batch: {args.docs} documents, {os.path.getsize(text) / 1e6:.1f} MB of text, "
          f"{n_cues} cue phrases; {os.cpu_count()} cores; median of {args.rounds} interleaved "
          f"rounds; load average before: {os.getloadavg()[0]:.1f}")
    print()
    print("| run | wall (median) | toulmin -j 2 is | CPU (median) | peak memory |")
    print("| --- | ---: | ---: | ---: | ---: |")
    t2 = med["toulmin -j 2"]
    for name in runs:
        ratio = "—" if name == "toulmin -j 2" else f"{med[name] / t2:.2f}× as fast"
        print(f"| {name} | {med[name]:.2f} s | {ratio} | {statistics.median(cpus[name]):.2f} s "
              f"| {max(peaks[name]) / 1024:.0f} MiB |")
    print()
    checks = [
        ("-j 1 and -j N output byte-identical", identical),
        ("-j 2 ≥ 1.7× faster than -j 1", med["toulmin -j 1"] / t2 >= 1.7),
        ("peak memory ≤ 64 MiB", max(peaks["toulmin -j 2"]) <= 64 * 1024),
    ]
    if rg:
        checks.append(("toulmin -j 2 ≤ 1.0× rg time", t2 <= med["rg -c -i -w -F -f CUES"]))
    if py:
        checks.append(("≥ 15× faster than spaCy",
                       med["spaCy sentencizer+PhraseMatcher"] / t2 >= 15))
    for what, ok in checks:
        print(f"{'PASS' if ok else 'FAIL'}  {what}")
    ceiling = med["toulmin -j 1"] / med["2 × toulmin -j 1, a half each, at once"]
    print(f"(-j 1 / -j 2 = {med['toulmin -j 1'] / t2:.2f}; this machine's ceiling for two "
          f"workers, two processes on half the batch each: {ceiling:.2f})")

    if args.no_shapes:
        return
    per_byte = med["toulmin -j 1"] / size
    print()
    print("| adversarial input (one document) | size | wall | time per byte vs the batch | "
          "peak memory |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for size in (int(x) for x in args.shape_sizes.split(",")):
        for name, path in shapes(WORK, size).items():
            cmd = [str(BIN), "map", str(path), "--format", "json", "-o",
                   str(WORK / "shapes-out")]
            # The largest inputs take seconds each: once is enough to see their scale.
            runs = 3 if size <= 2_000_000 else 1
            wall, kib, _ = min(timed(cmd, check=True) for _ in range(runs))
            ratio = wall / path.stat().st_size / per_byte
            print(f"| {name} | {path.stat().st_size / 1e6:.2f} MB | {wall:.2f} s | "
                  f"{ratio:.1f}× | {kib / 1024:.0f} MiB |", flush=True)


if __name__ == "__main__":
    main()
