import json

import pytest

import toulmin
from conftest import cli_maps

dask = pytest.importorskip("dask")
distributed = pytest.importorskip("dask.distributed")
import dask.bag as db  # noqa: E402
import dask.dataframe as dd  # noqa: E402
import pandas as pd  # noqa: E402

import toulmin.dask  # noqa: E402


@pytest.fixture(scope="module")
def client():
    cluster = distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    )
    c = distributed.Client(cluster)
    yield c
    c.close()
    cluster.close()


def test_map_bag_on_two_workers_equals_the_cli(client, all_records, tmp_path):
    assert len(client.scheduler_info()["workers"]) == 2
    bag = db.from_sequence([{"id": i, "text": t} for i, t in all_records], npartitions=6)
    maps = toulmin.dask.map_bag(bag).compute()
    assert maps == cli_maps(all_records, tmp_path)


def test_map_bag_of_plain_strings(client):
    texts = ["We must act now because the costs rise.", "Taxes should fall, since growth matters."]
    maps = toulmin.dask.map_bag(db.from_sequence(texts, npartitions=2)).compute()
    assert maps == toulmin.Grammar().map_many(texts)


def test_map_frame_recipe(client, all_records, tmp_path):
    pdf = pd.DataFrame({"id": [i for i, _ in all_records], "text": [t for _, t in all_records]})
    out = toulmin.dask.map_frame(dd.from_pandas(pdf, npartitions=4)).compute()
    expected = cli_maps(all_records, tmp_path)
    assert list(out["id"]) == list(pdf["id"])
    assert [json.loads(m) for m in out["map"]] == expected
    assert list(out["thesis"]) == [m["thesis"] for m in expected]


def test_rule_files_reach_the_workers(client, tmp_path):
    rules = tmp_path / "loud.rules"
    rules.write_text("rule loud : claim 5.0 { when matches /!$/ }\n", encoding="utf-8")
    texts = ["Schools must change now! Pupils lose hours every week."]
    maps = toulmin.dask.map_bag(db.from_sequence(texts), rules=[str(rules)]).compute()
    assert maps == toulmin.Grammar([str(rules)]).map_many(texts)
    assert "loud" in json.dumps(maps)
