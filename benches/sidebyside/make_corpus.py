#!/usr/bin/env python3
"""Writes the side-by-side benchmark batch: documents assembled from the articles in corpus/
(paragraphs drawn at random, their sentences reordered) and from synthetic prose made from a
fixed vocabulary that owes nothing to the grammar. Deterministic for a given seed.

    make_corpus.py OUT_DIR [--docs N] [--seed S]

writes OUT_DIR/batch.jsonl ({"id","text"} per line, for `toulmin map --jsonl`) and
OUT_DIR/batch.txt (the same texts, one after the other, for ripgrep).
"""
import argparse
import json
import pathlib
import random
import re

ROOT = pathlib.Path(__file__).resolve().parents[2]

SUBJECTS = ["the council", "the ministry", "most families", "the new budget", "local schools",
            "the river authority", "small firms", "the regional press", "voters in the north",
            "the central bank", "hospital staff", "the planning office", "young workers",
            "the rail operator", "farmers", "the city", "the committee", "researchers"]
VERBS = ["expects", "reported", "announced", "reviewed", "questioned", "approved", "delayed",
         "measured", "described", "funded", "rejected", "published", "welcomed", "studied"]
OBJECTS = ["a plan for the harbour", "the annual figures", "a change to the timetable",
           "the cost of repairs", "a survey of housing", "the proposal from last spring",
           "new rules on parking", "the results of the trial", "an audit of the accounts",
           "a report on water quality", "the design of the bridge", "longer opening hours"]
TAILS = ["on Tuesday", "after a long debate", "in a short statement", "for the third time",
         "without much comment", "at the end of the month", "in the spring", "before the vote",
         "with some reservations", "in the eastern districts", "during the hearing"]
JOINS = ["and", "but", "because", "although", "while", "so", "since", "after", "before"]


def synthetic_sentence(rng):
    def clause():
        return f"{rng.choice(SUBJECTS)} {rng.choice(VERBS)} {rng.choice(OBJECTS)}"
    s = clause()
    if rng.random() < 0.5:
        s += f" {rng.choice(TAILS)}"
    if rng.random() < 0.4:
        s += f", {rng.choice(JOINS)} {clause()}"
    return s[0].upper() + s[1:] + "."


def synthetic_paragraph(rng):
    return " ".join(synthetic_sentence(rng) for _ in range(rng.randint(3, 7)))


def article_paragraphs():
    paragraphs = []
    for path in sorted(ROOT.joinpath("corpus").iterdir()):
        if path.suffix not in (".txt", ".md"):
            continue
        for block in re.split(r"\n\s*\n", path.read_text(encoding="utf-8")):
            block = " ".join(block.split())
            # Body paragraphs only: headings, titles and bylines are short.
            if len(block) > 200 and not block.startswith("#"):
                paragraphs.append(block)
    return paragraphs


def shuffled_sentences(rng, paragraph):
    sentences = re.split(r"(?<=[.!?])\s+(?=[A-Z])", paragraph)
    rng.shuffle(sentences)
    return " ".join(sentences)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out", type=pathlib.Path)
    ap.add_argument("--docs", type=int, default=2000)
    ap.add_argument("--seed", type=int, default=9)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    paragraphs = article_paragraphs()
    args.out.mkdir(parents=True, exist_ok=True)
    with open(args.out / "batch.jsonl", "w", encoding="utf-8") as jsonl, \
            open(args.out / "batch.txt", "w", encoding="utf-8") as txt:
        for n in range(args.docs):
            parts = [shuffled_sentences(rng, rng.choice(paragraphs))
                     for _ in range(rng.randint(2, 4))]
            parts += [synthetic_paragraph(rng) for _ in range(rng.randint(1, 3))]
            rng.shuffle(parts)
            title = synthetic_sentence(rng).rstrip(".")
            text = title + "\n\n" + "\n\n".join(parts) + "\n"
            jsonl.write(json.dumps({"id": f"doc{n:05}", "text": text}) + "\n")
            txt.write(text + "\n")


if __name__ == "__main__":
    main()
