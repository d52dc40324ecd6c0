#!/usr/bin/env python3
"""The spaCy side of the side-by-side benchmark: a blank English pipeline with a sentencizer and
a PhraseMatcher over the grammar's cue phrases, run over the same batch as `toulmin map
--jsonl`. It maps nothing: it only splits sentences and finds cues, the first step of a map.

    spacy_cues.py CUES BATCH.jsonl
"""
import json
import sys

import spacy
from spacy.matcher import PhraseMatcher


def main():
    cues_path, batch_path = sys.argv[1], sys.argv[2]
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
    with open(cues_path, encoding="utf-8") as f:
        cues = [line.strip() for line in f if line.strip()]
    matcher.add("CUE", list(nlp.tokenizer.pipe(cues)))
    with open(batch_path, encoding="utf-8") as f:
        texts = (json.loads(line)["text"] for line in f if line.strip())
        sentences = matches = docs = 0
        for doc in nlp.pipe(texts, batch_size=64):
            docs += 1
            sentences += sum(1 for _ in doc.sents)
            matches += len(matcher(doc))
    print(f"{docs} docs, {sentences} sentences, {matches} cue matches")


if __name__ == "__main__":
    main()
