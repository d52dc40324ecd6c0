"""Throughput of the same batch through the CLI, the Python bindings, Dask and Spark.

    python benches/python_throughput.py [--docs N] [--repeat R]

Needs `pip install .[dask,spark]` (or the CI virtual environment) and `cargo build --release`.
The batch is the corpus articles, each repeated with its paragraphs rotated so no two documents
are identical; nothing from ../shared is used. Prints docs/s per engine and the ratio to the CLI.
"""

import argparse
import json
import os
import pathlib
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parents[1]


def batch(n):
    arts = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "corpus").iterdir())
            if p.suffix in (".txt", ".md")]
    docs = []
    i = 0
    while len(docs) < n:
        paras = arts[i % len(arts)].split("\n\n")
        k = (i // len(arts)) % max(1, len(paras))
        docs.append((f"doc{i:05d}", "\n\n".join(paras[:1] + paras[1:][k:] + paras[1:][:k])))
        i += 1
    return docs


def timed(fn, repeat):
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--docs", type=int, default=2000)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    docs = batch(args.docs)
    chars = sum(len(t) for _, t in docs)
    tmp = pathlib.Path(tempfile.mkdtemp())
    src = tmp / "batch.jsonl"
    src.write_text("".join(json.dumps({"id": i, "text": t}) + "\n" for i, t in docs), encoding="utf-8")
    binary = os.environ.get("TOULMIN_BIN", str(ROOT / "target" / "release" / "toulmin"))

    import toulmin

    g = toulmin.Grammar()
    texts = [t for _, t in docs]
    names = [i for i, _ in docs]
    rows = []
    cli = timed(lambda: subprocess.run([binary, "map", "--jsonl", str(src), "-o", str(tmp / "out.jsonl")],
                                       check=True), args.repeat)
    rows.append(("CLI `map --jsonl`", cli))
    rows.append(("Python `map_many` (dicts)", timed(lambda: g.map_many(texts, names=names), args.repeat)))
    rows.append(("Python `map_many_json`", timed(lambda: g.map_many_json(texts, names=names), args.repeat)))

    try:
        import dask.bag as db
        from dask.distributed import Client, LocalCluster

        import toulmin.dask

        with LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                          dashboard_address=None) as cluster, Client(cluster):
            bag = db.from_sequence([{"id": i, "text": t} for i, t in docs], npartitions=8)
            toulmin.dask.map_bag(bag).count().compute()  # warm the workers
            rows.append(("Dask, 2 workers", timed(lambda: toulmin.dask.map_bag(bag).count().compute(),
                                                 args.repeat)))
    except ImportError:
        print("dask not installed: skipped", file=sys.stderr)

    try:
        from pyspark.sql import SparkSession

        import toulmin.spark

        spark = (SparkSession.builder.master("local[2]").config("spark.ui.enabled", "false")
                 .getOrCreate())
        spark.sparkContext.setLogLevel("ERROR")
        df = spark.createDataFrame(docs, "id string, text string").repartition(2).cache()
        df.count()
        toulmin.spark.map_dataframe(df).count()  # warm the Python workers
        rows.append(("Spark local[2]", timed(lambda: toulmin.spark.map_dataframe(df).count(),
                                             args.repeat)))
        spark.stop()
    except ImportError:
        print("pyspark not installed: skipped", file=sys.stderr)

    print(f"{len(docs)} documents, {chars / 1e6:.1f} M characters, {os.cpu_count()} cores, "
          f"median of {args.repeat}")
    print(f"| engine | seconds | docs/s | time vs CLI |")
    print(f"|---|---|---|---|")
    for name, t in rows:
        print(f"| {name} | {t:.2f} | {len(docs) / t:,.0f} | {t / cli:.2f}× |")


if __name__ == "__main__":
    main()
