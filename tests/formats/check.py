"""Loads toulmin's exports in the tools their users read them with and compares, map by map,
what each tool sees with toulmin's own JSON: every unit and every relation must be there.

Usage: check.py OUT_DIR ARGDOWN_JSON_DIR
OUT_DIR holds `toulmin map --format json,aif,argdown,brat,graphml,iccma` output;
ARGDOWN_JSON_DIR holds `argdown json OUT_DIR/*.argdown` output (the reference Argdown parser).
Prints one line per check and `N passed, N failed`; exits non-zero on any failure.
"""

import json
import re
import sys
from collections import Counter
from pathlib import Path

import arguebuf
import networkx as nx

passed = 0
failed = 0


def check(name, ok, detail=""):
    global passed, failed
    if ok:
        passed += 1
        print(f"ok   {name}")
    else:
        failed += 1
        print(f"FAIL {name}: {detail}")


def same(name, got, want):
    check(name, got == want, f"got {got!r}, want {want!r}")


def grounded(n, attacks):
    """Grounded extension as the least fixed point of Dung's characteristic function
    F(S) = {a | every attacker of a is attacked by some member of S}, iterated from the empty
    set: a different algorithm from toulmin's labelling, so the two check each other."""
    attackers = {a: set() for a in range(1, n + 1)}
    for a, b in attacks:
        attackers[b].add(a)
    s = set()
    while True:
        defeated = {b for a, b in attacks if a in s}
        nxt = {a for a in attackers if attackers[a] <= defeated}
        if nxt == s:
            return s
        s = nxt


def read_iccma(path):
    n = None
    attacks = []
    for line in path.read_text().splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split()
        if parts[:2] == ["p", "af"]:
            n = int(parts[2])
        else:
            a, b = map(int, parts)
            assert n is not None and 1 <= a <= n and 1 <= b <= n, line
            attacks.append((a, b))
    return n, attacks


def read_aspartix(path):
    args = re.findall(r"^arg\(([^)]+)\)\.$", path.read_text(), re.M)
    atts = re.findall(r"^att\(([^,]+),([^)]+)\)\.$", path.read_text(), re.M)
    return args, atts


def main(out_dir, argdown_dir):
    maps = sorted(
        p for p in out_dir.glob("*.json") if not p.name.endswith(".aif.json")
    )
    check("maps found", len(maps) > 0, f"no map JSON in {out_dir}")
    for path in maps:
        stem = path.stem
        m = json.loads(path.read_text())
        units = {u["id"]: u for u in m["units"]}
        rels = m["relations"]
        kinds = Counter(r["kind"] for r in rels)
        tag = stem

        # Every unit has a grounded status.
        same(f"{tag}: status on every unit",
             sum(u["status"] in ("in", "out", "undec") for u in units.values()), len(units))

        # GraphML in networkx, all attributes typed.
        g = nx.read_graphml(out_dir / f"{stem}.graphml")
        same(f"{tag}: graphml nodes", sorted(g.nodes), sorted(units))
        same(f"{tag}: graphml edges",
             sorted((a, b, d["id"]) for a, b, d in g.edges(data=True)),
             sorted((r["from"], r["to"], r["id"]) for r in rels))
        node_ok = all(
            g.nodes[i]["role"] == u["role"]
            and g.nodes[i]["text"] == u["text"]
            and g.nodes[i]["start"] == u["start"]
            and g.nodes[i]["end"] == u["end"]
            and g.nodes[i]["paragraph"] == u["paragraph"]
            and g.nodes[i]["sentence"] == u["sentence"]
            and g.nodes[i]["score"] == u["score"]
            and g.nodes[i]["status"] == u["status"]
            and g.nodes[i].get("kind") == u["kind"]
            and g.nodes[i].get("stance") == u["stance"]
            and g.nodes[i].get("section") == u["section"]
            and g.nodes[i]["rules"].split() == u["rules"]
            for i, u in units.items()
        )
        check(f"{tag}: graphml node attributes equal the map's", node_ok)
        edge_ok = all(
            d["kind"] == r["kind"] and d["rule"] == r["rule"] and d["score"] == r["score"]
            and d["carries"] is r["carries"]
            for r in rels
            for d in [g.edges[r["from"], r["to"]]]
        )
        check(f"{tag}: graphml edge attributes equal the map's", edge_ok)
        same(f"{tag}: graphml thesis", g.graph.get("thesis"), m["thesis"])

        # AIF in arguebuf (the argument-graph library that reads AIFdb and OVA files).
        ag = arguebuf.load.file(out_dir / f"{stem}.aif.json")
        same(f"{tag}: aif I-nodes", sorted(a.text for a in ag.atom_nodes.values()),
             sorted(u["text"] for u in units.values()))
        schemes = Counter(type(s.scheme).__name__.lower() for s in ag.scheme_nodes.values())
        same(f"{tag}: aif RA/CA nodes", (schemes["support"], schemes["attack"]),
             (kinds["support"], kinds["attack"]))
        same(f"{tag}: aif edges", len(ag.edges), 2 * len(rels))

        # Argdown through the reference parser.
        ad = json.loads((argdown_dir / f"{stem}.json").read_text())
        statements = ad["statements"]
        same(f"{tag}: argdown statements", sorted(statements), sorted(units))
        same(f"{tag}: argdown relations",
             sorted((r["from"], r["to"], r["relationType"]) for r in ad["relations"]),
             sorted((r["from"], r["to"], r["kind"]) for r in rels))
        # The parser's text, tags stripped, is the unit's text (whitespace aside).
        def plain(s):
            return " ".join(s.split())

        text_ok = [
            i for i, st in statements.items()
            if plain(re.sub(r"(\s#[a-z]+)+$", "", st["members"][0]["text"])) != plain(units[i]["text"])
        ]
        check(f"{tag}: argdown statement texts equal the units'", not text_ok, text_ok[:3])
        tags_ok = all(
            units[i]["role"] in st["tags"]
            and (units[i]["kind"] is None or units[i]["kind"] in st["tags"])
            for i, st in statements.items()
        )
        check(f"{tag}: argdown role and kind tags", tags_ok)

        # ICCMA and ASPARTIX: grounded extension by the independent solver above.
        n, attacks = read_iccma(out_dir / f"{stem}.af")
        order = [u["id"] for u in m["units"]]
        same(f"{tag}: iccma arguments", n, len(units))
        same(f"{tag}: iccma attacks", sorted(attacks),
             sorted((order.index(r["from"]) + 1, order.index(r["to"]) + 1)
                    for r in rels if r["kind"] == "attack"))
        same(f"{tag}: iccma grounded extension = toulmin's status in",
             sorted(order[a - 1] for a in grounded(n, attacks)),
             sorted(i for i, u in units.items() if u["status"] == "in"))
        args, atts = read_aspartix(out_dir / f"{stem}.apx")
        same(f"{tag}: aspartix arguments", args, order)
        same(f"{tag}: aspartix attacks", sorted(atts),
             sorted((r["from"], r["to"]) for r in rels if r["kind"] == "attack"))

        # brat: a T line per unit with the role as type, an R line per relation.
        ann = (out_dir / "brat" / f"{stem}.ann").read_text().splitlines()
        t_types = Counter(line.split("\t")[1].split()[0] for line in ann if line.startswith("T"))
        same(f"{tag}: brat T lines", t_types, Counter(u["role"] for u in units.values()))
        r_types = Counter(line.split("\t")[1].split()[0] for line in ann if line.startswith("R"))
        same(f"{tag}: brat R lines", (r_types["supports"], r_types["attacks"]),
             (kinds["support"], kinds["attack"]))

    # The grounded solver itself, on frameworks with known answers.
    same("solver: reinstatement chain", grounded(3, [(2, 1), (3, 2)]), {1, 3})
    same("solver: even cycle", grounded(2, [(1, 2), (2, 1)]), set())
    same("solver: self-attack", grounded(2, [(1, 1), (1, 2)]), set())

    print(f"formats: {passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]), Path(sys.argv[2])))
