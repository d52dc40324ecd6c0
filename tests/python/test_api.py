import json
import pathlib
import pickle
import subprocess

import pytest

import toulmin
from conftest import CORPUS, ROOT, cli_binary, cli_maps

REFERENCE = ROOT / "corpus" / "ipcs-us-north-korea-2018.txt"


def test_reference_article_equals_the_committed_cli_map():
    committed = json.loads((ROOT / "output" / "ipcs-us-north-korea-2018.json").read_text())
    m = toulmin.Grammar().map(REFERENCE.read_text(encoding="utf-8"), name=REFERENCE.name)
    assert m == committed
    assert m["schema"] == toulmin.SCHEMA
    assert m["thesis"] in {u["id"] for u in m["units"]}


def test_map_json_is_the_cli_jsonl_line(tmp_path):
    text = REFERENCE.read_text(encoding="utf-8")
    line = toulmin.Grammar().map_json(text, name="ref")
    src = tmp_path / "one.jsonl"
    src.write_text(json.dumps({"id": "ref", "text": text}) + "\n", encoding="utf-8")
    cli = subprocess.run(
        [str(cli_binary()), "map", "--jsonl", str(src)], check=True, capture_output=True, text=True
    ).stdout
    assert line + "\n" == cli


def test_map_many_equals_the_cli_on_the_corpus_and_keeps_order(all_records, tmp_path):
    g = toulmin.Grammar()
    ids = [i for i, _ in all_records]
    texts = [t for _, t in all_records]
    many = g.map_many(texts, names=ids)
    assert [m["source"]["name"] for m in many] == ids
    assert many == cli_maps(all_records, tmp_path)
    assert g.map_many(texts, threads=1, names=ids) == many
    assert g.map_many(texts, threads=2, names=ids) == many


def test_default_name_and_map_many_without_names():
    g = toulmin.Grammar()
    maps = g.map_many(["We must act now because the costs rise.", "Taxes should fall."])
    assert [m["source"]["name"] for m in maps] == ["text", "text"]
    assert g.map("Taxes should fall.")["source"]["name"] == "text"


@pytest.mark.parametrize(
    "text, message",
    [
        ("", "is empty"),
        ("   \n\t", "whitespace"),
        ("abc\x00def", "NUL"),
    ],
)
def test_bad_text_raises_input_error_with_the_cli_message(text, message):
    with pytest.raises(toulmin.InputError) as err:
        toulmin.Grammar().map(text, name="doc")
    assert message in str(err.value)
    assert str(err.value).startswith("doc: ")
    assert isinstance(err.value, ValueError)


def test_map_many_raises_on_a_bad_text():
    with pytest.raises(toulmin.InputError):
        toulmin.Grammar().map_many(["fine text here.", ""])
    with pytest.raises(ValueError, match="2 texts but 1 names"):
        toulmin.Grammar().map_many(["a b c.", "d e f."], names=["x"])
    with pytest.raises(ValueError, match="at least 1"):
        toulmin.Grammar().map_many(["a b c."], threads=0)


def test_rule_error_shows_the_cli_diagnostic(tmp_path):
    bad = tmp_path / "bad.rules"
    bad.write_text("rule r : claim 1.0 {\n  when starts_with contrat\n}\n", encoding="utf-8")
    with pytest.raises(toulmin.RuleError) as err:
        toulmin.Grammar([bad])
    shown = str(err.value)
    assert f"{bad}:2:" in shown
    assert "^^^^^^^" in shown and "unknown lexicon `contrat`" in shown
    cli = subprocess.run(
        [str(cli_binary()), "map", "--rules", str(bad), str(REFERENCE), "-o", str(tmp_path)],
        capture_output=True,
        text=True,
    )
    assert cli.returncode != 0
    assert cli.stderr.strip() == shown


def test_missing_rule_file_is_a_rule_error(tmp_path):
    with pytest.raises(toulmin.RuleError, match="cannot read"):
        toulmin.Grammar([tmp_path / "nope.rules"])


def test_grammar_pickles_as_its_sources(tmp_path):
    extra = tmp_path / "extra.rules"
    extra.write_text('rule loud : claim 5.0 { when matches /!$/ }\n', encoding="utf-8")
    g = toulmin.Grammar([str(extra)])
    g2 = pickle.loads(pickle.dumps(g))
    assert g2.rules == [str(extra)] and g2.default
    text = "Schools must change now! Pupils lose hours every week."
    assert g2.map(text) == g.map(text)
    assert "loud" in json.dumps(g.map(text))
    assert repr(g2) == f'Grammar(rules=["{extra}"], default=True)'


def test_relative_rule_paths_become_absolute(tmp_path, monkeypatch):
    (tmp_path / "r.rules").write_text("disable first_statement\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    g = toulmin.Grammar(["r.rules"])
    assert g.rules == [str(tmp_path / "r.rules")]


def test_render_dot_svg_html():
    text = REFERENCE.read_text(encoding="utf-8")
    m = toulmin.Grammar().map(text, name=REFERENCE.name)
    dot = toulmin.render(m, "dot")
    assert dot == (ROOT / "output" / "ipcs-us-north-korea-2018.dot").read_text()
    svg = toulmin.render(m, "svg", renderer="builtin")
    assert "<svg" in svg and "node-u1" in svg
    html = toulmin.render(m, "html", text=text, renderer="builtin")
    assert html.startswith("<!DOCTYPE html>") and "Broken Promises" in html
    assert toulmin.render(json.dumps(m), "dot") == dot
    with pytest.raises(ValueError, match="pass its text"):
        toulmin.render(m, "html")
    with pytest.raises(ValueError, match="not the source"):
        toulmin.render(m, "html", text="Another text entirely.")
    with pytest.raises(ValueError, match="unknown format"):
        toulmin.render(m, "pdf")
    with pytest.raises(ValueError, match="not a toulmin/map@1 map"):
        toulmin.render({"schema": "x"}, "dot")


def test_explain_matches_the_cli(tmp_path):
    text = REFERENCE.read_text(encoding="utf-8")
    py = toulmin.explain(text, unit="u3", name=REFERENCE.name)
    cli = subprocess.run(
        [str(cli_binary()), "explain", str(REFERENCE), "--unit", "u3"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    assert py == cli
    with pytest.raises(ValueError, match="no unit"):
        toulmin.Grammar().explain(text, unit="u999")


def test_every_corpus_article_maps():
    g = toulmin.Grammar()
    for p in CORPUS:
        m = g.map(p.read_text(encoding="utf-8"), name=p.name)
        assert m["thesis"] is not None, p
