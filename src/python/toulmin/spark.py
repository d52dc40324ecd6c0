"""Mapping DataFrames on Spark: ``mapInPandas`` with one compiled Grammar per task.

    from pyspark.sql import SparkSession
    import toulmin.spark
    spark = SparkSession.builder.master("local[2]").getOrCreate()
    df = spark.read.json("articles.jsonl")               # columns id, text
    maps = toulmin.spark.map_dataframe(df, text="text", id="id")
    maps.select("id", "thesis").show()

The result has the columns ``id``, ``thesis`` and ``map``: the ``toulmin/map@1`` JSON text,
exactly the line ``toulmin map --jsonl`` writes for the same record.

The CLI is a line filter too, so an RDD of JSON lines can go through it unchanged::

    rdd.pipe("toulmin map --jsonl -")
"""

from __future__ import annotations

import json
from typing import Iterator, Optional, Sequence

from . import Grammar

SCHEMA = "id string, thesis string, map string"


def _mapper(grammar: Grammar, text: str, id: str, threads: Optional[int]):
    def run(batches: Iterator) -> Iterator:
        import pandas as pd

        for pdf in batches:
            names = [str(i) for i in pdf[id]]
            jsons = grammar.map_many_json([str(t) for t in pdf[text]], threads=threads, names=names)
            theses = [json.loads(j)["thesis"] for j in jsons]
            yield pd.DataFrame({"id": names, "thesis": theses, "map": jsons})

    return run


def map_dataframe(
    df,
    text: str = "text",
    id: str = "id",
    rules: Sequence[str] = (),
    default: bool = True,
    grammar: Optional[Grammar] = None,
    threads: Optional[int] = 1,
):
    """A Spark DataFrame ``id, thesis, map`` with one row per row of ``df``.

    ``threads=1`` by default, since Spark already runs one task per core; the grammar is
    pickled into the task closure and rebuilt on each executor from its rule files.
    """
    g = grammar if grammar is not None else Grammar(list(rules), default)
    return df.select(text, id).mapInPandas(_mapper(g, text, id, threads), schema=SCHEMA)
