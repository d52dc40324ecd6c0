"""Mapping collections on Dask: one compiled Grammar per partition, maps in input order.

Bag of texts (plain strings, or ``{"id": ..., "text": ...}`` records as in ``map --jsonl``)::

    import dask.bag as db, toulmin.dask
    bag = db.from_sequence(texts, npartitions=8)
    maps = toulmin.dask.map_bag(bag, rules=["my.rules"]).compute()

DataFrame with ``id`` and ``text`` columns (adds ``thesis`` and the map's JSON)::

    out = toulmin.dask.map_frame(ddf, text="text", id="id")
"""

from __future__ import annotations

from typing import Any, Iterable, Optional, Sequence

from . import Grammar


def _split(records: Iterable[Any]) -> tuple[list[str], Optional[list[str]]]:
    texts: list[str] = []
    names: list[str] = []
    named = False
    for r in records:
        if isinstance(r, dict):
            rid = r.get("id")
            names.append(rid if isinstance(rid, str) else str(rid))
            texts.append(r["text"])
            named = True
        else:
            names.append("text")
            texts.append(r)
    return texts, (names if named else None)


def map_partition(records: Iterable[Any], grammar: Grammar, threads: Optional[int] = 1) -> list[dict]:
    """Maps one partition with ``grammar``; the function ``map_bag`` runs on every partition.

    ``threads=1`` by default: Dask already runs one task per worker thread or process.
    """
    texts, names = _split(records)
    return grammar.map_many(texts, threads=threads, names=names)


def map_bag(
    bag,
    rules: Sequence[str] = (),
    default: bool = True,
    grammar: Optional[Grammar] = None,
    threads: Optional[int] = 1,
):
    """A Dask bag of maps (dicts), one per item of ``bag``, in the same order.

    The grammar is compiled here once and shipped to the workers pickled; each worker rebuilds
    it from its rule files, which must be readable there (the default grammar is built in).
    """
    g = grammar if grammar is not None else Grammar(list(rules), default)
    return bag.map_partitions(map_partition, g, threads)


def _frame_partition(pdf, grammar: Grammar, text: str, id: Optional[str], threads: Optional[int]):
    import json

    import pandas as pd

    texts = [str(t) for t in pdf[text]]
    names = [str(i) for i in pdf[id]] if id is not None else None
    maps = grammar.map_many(texts, threads=threads, names=names)
    out = pd.DataFrame(index=pdf.index)
    if id is not None:
        out[id] = pdf[id]
    out["thesis"] = [m["thesis"] for m in maps]
    out["map"] = [json.dumps(m, ensure_ascii=False) for m in maps]
    return out


def map_frame(
    ddf,
    text: str = "text",
    id: Optional[str] = "id",
    rules: Sequence[str] = (),
    default: bool = True,
    grammar: Optional[Grammar] = None,
    threads: Optional[int] = 1,
):
    """``ddf.map_partitions`` recipe: a DataFrame of ``id``, ``thesis`` and ``map`` (JSON)."""
    import pandas as pd

    g = grammar if grammar is not None else Grammar(list(rules), default)
    meta = pd.DataFrame(
        {
            **({id: pd.Series(dtype=ddf[id].dtype)} if id is not None else {}),
            "thesis": pd.Series(dtype=object),
            "map": pd.Series(dtype=object),
        }
    )
    return ddf.map_partitions(_frame_partition, g, text, id, threads, meta=meta)
