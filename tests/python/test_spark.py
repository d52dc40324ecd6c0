import json
import os
import shutil
import sys

import pytest

import toulmin
from conftest import cli_maps

pyspark = pytest.importorskip("pyspark")
if shutil.which("java") is None:
    pytest.skip("Spark needs a Java runtime", allow_module_level=True)

from pyspark.sql import SparkSession  # noqa: E402

import toulmin.spark  # noqa: E402


@pytest.fixture(scope="module")
def spark():
    # Workers run the interpreter that has toulmin installed (this one), not whichever
    # `python3` comes first on PATH.
    os.environ["PYSPARK_PYTHON"] = sys.executable
    os.environ["PYSPARK_DRIVER_PYTHON"] = sys.executable
    s = (
        SparkSession.builder.master("local[2]")
        .appName("toulmin-tests")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .getOrCreate()
    )
    yield s
    s.stop()


def test_map_dataframe_in_local_mode_equals_the_cli(spark, all_records, tmp_path):
    df = spark.createDataFrame([(i, t) for i, t in all_records], "id string, text string")
    rows = toulmin.spark.map_dataframe(df.repartition(2)).collect()
    by_id = {r["id"]: r for r in rows}
    expected = cli_maps(all_records, tmp_path)
    assert len(rows) == len(expected)
    for m in expected:
        row = by_id[m["source"]["name"]]
        assert json.loads(row["map"]) == m
        assert row["thesis"] == m["thesis"]


def test_rdd_pipe_through_the_cli(spark, all_records, tmp_path):
    from conftest import cli_binary

    lines = [json.dumps({"id": i, "text": t}) for i, t in all_records[:20]]
    out = spark.sparkContext.parallelize(lines, 2).pipe(f"{cli_binary()} map --jsonl -").collect()
    assert [json.loads(x) for x in out] == cli_maps(all_records[:20], tmp_path)
