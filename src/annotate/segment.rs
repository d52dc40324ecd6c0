//! Cutting sentences into argumentative units with the grammar's split rules.

use std::ops::Range;

use crate::article::Article;
use crate::grammar::{Grammar, Hit, SplitKind, SplitRule};

/// A unit-to-be: a stretch of one sentence, and the split rule that made its left edge.
#[derive(Debug, Clone, PartialEq)]
pub struct Segment {
    pub span: Range<usize>,
    pub sentence: usize,
    /// The split rule and its cue, when the unit starts at a cut rather than a sentence start.
    pub split: Option<(usize, Range<usize>)>,
}

fn word_count(s: &str) -> usize {
    s.split_whitespace()
        .filter(|w| w.chars().any(char::is_alphanumeric))
        .count()
}

fn trimmed(text: &str, span: Range<usize>) -> Range<usize> {
    let s = &text[span.clone()];
    let lead = s.len() - s.trim_start().len();
    span.start + lead..span.start + lead + s.trim().len()
}

/// Where a split rule would cut this sentence (byte offsets of the new unit's start), with the
/// cue that justified each cut.
pub fn cuts_for(
    text: &str,
    sentence: &Range<usize>,
    clauses: &[Range<usize>],
    rule: &SplitRule,
    hits: &[Hit],
) -> Vec<(usize, Range<usize>)> {
    let mut cuts = Vec::new();
    let content_start = sentence.start
        + text[sentence.clone()]
            .find(|c: char| c.is_alphanumeric())
            .unwrap_or(0);
    for hit in hits
        .iter()
        .filter(|h| h.lexicon == rule.lexicon && h.start >= sentence.start && h.end <= sentence.end)
    {
        match rule.kind {
            SplitKind::Before => {
                if hit.start == content_start {
                    continue;
                }
                let before = text[sentence.start..hit.start].trim_end();
                if rule.after_comma && !before.ends_with([',', ';', '—', '–']) {
                    continue;
                }
                cuts.push((hit.start, hit.start..hit.end));
            }
            SplitKind::AfterLead => {
                if hit.start != content_start {
                    continue;
                }
                // The opening clause ends at the first clause boundary after the cue.
                if let Some(clause) = clauses
                    .iter()
                    .find(|c| c.end > hit.end && c.end < sentence.end)
                {
                    if text[..clause.end].ends_with(',') {
                        cuts.push((clause.end, hit.start..hit.end));
                    }
                }
            }
        }
    }
    cuts
}

/// Segments every sentence of the article. Cuts that would leave a piece shorter than the
/// rule's `min_words` are dropped, so a cue in a short phrase does not shred the sentence.
pub fn segment(article: &Article, grammar: &Grammar, hits: &[Hit]) -> Vec<Segment> {
    let text = &article.text;
    let mut segments = Vec::new();
    for (index, sentence) in article.sentences.iter().enumerate() {
        let mut cuts: Vec<(usize, usize, Range<usize>)> = Vec::new();
        // Only the hits inside this sentence: hits are sorted by start.
        let from = hits.partition_point(|h| h.start < sentence.span.start);
        let to = hits.partition_point(|h| h.start < sentence.span.end);
        let hits = &hits[from..to];
        for (r, rule) in grammar.splits.iter().enumerate() {
            for (at, cue) in cuts_for(text, &sentence.span, &sentence.clauses, rule, hits) {
                cuts.push((at, r, cue));
            }
        }
        cuts.sort_by_key(|c| (c.0, c.1));
        cuts.dedup_by_key(|c| c.0);
        // Keep cuts left to right while both sides stay long enough.
        let mut kept: Vec<(usize, usize, Range<usize>)> = Vec::new();
        let mut left = sentence.span.start;
        for (i, (at, r, cue)) in cuts.iter().enumerate() {
            let min = grammar.splits[*r].min_words;
            let right_end = cuts
                .get(i + 1)
                .map_or(sentence.span.end, |_| sentence.span.end);
            if word_count(&text[left..*at]) >= min && word_count(&text[*at..right_end]) >= min {
                kept.push((*at, *r, cue.clone()));
                left = *at;
            }
        }
        let mut start = sentence.span.start;
        let mut split = None;
        for (at, r, cue) in kept {
            segments.push(Segment {
                span: trimmed(text, start..at),
                sentence: index,
                split: split.take(),
            });
            start = at;
            split = Some((r, cue));
        }
        segments.push(Segment {
            span: trimmed(text, start..sentence.span.end),
            sentence: index,
            split,
        });
    }
    segments.retain(|s| !s.span.is_empty());
    segments
}
