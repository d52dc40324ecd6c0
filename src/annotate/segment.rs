//! Cutting sentences into argumentative units with the grammar's split rules.

use std::ops::Range;

use super::quotation::OpenQuotes;
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

fn has_word(s: &str) -> bool {
    s.chars().any(char::is_alphanumeric)
}

/// Word counts of any stretch of one sentence in logarithmic time: what
/// `context::word_count(&text[a..b])` says, without rescanning the sentence for every candidate
/// cut (which made one long sentence with many cues quadratic).
struct Words<'t> {
    text: &'t str,
    /// Whitespace-separated tokens of the sentence (byte ranges), in order.
    tokens: Vec<Range<usize>>,
    /// `counted[k]`: tokens before `k` that hold a letter or digit.
    counted: Vec<usize>,
}

impl<'t> Words<'t> {
    fn new(text: &'t str, sentence: &Range<usize>) -> Words<'t> {
        let mut tokens = Vec::new();
        let mut start = None;
        for (at, c) in text[sentence.clone()].char_indices() {
            let at = sentence.start + at;
            match (c.is_whitespace(), start) {
                (true, Some(s)) => {
                    tokens.push(s..at);
                    start = None;
                }
                (false, None) => start = Some(at),
                _ => {}
            }
        }
        if let Some(s) = start {
            tokens.push(s..sentence.end);
        }
        let mut counted = Vec::with_capacity(tokens.len() + 1);
        counted.push(0);
        for t in &tokens {
            let last = counted.last().copied().unwrap_or(0); // ok: starts non-empty
            counted.push(last + usize::from(has_word(&text[t.clone()])));
        }
        Words {
            text,
            tokens,
            counted,
        }
    }

    /// Words in `text[a..b]` (a ≤ b, both inside the sentence, on char boundaries). A token cut
    /// by `a` or `b` counts by the part that lies inside.
    fn count(&self, a: usize, b: usize) -> usize {
        if a >= b {
            return 0;
        }
        // Tokens wholly inside: from the first starting at or after `a` to the last ending at
        // or before `b`.
        let first = self.tokens.partition_point(|t| t.start < a);
        let last = self.tokens.partition_point(|t| t.end <= b);
        let mut n = if last > first {
            self.counted[last] - self.counted[first]
        } else {
            0
        };
        // The token that straddles `a`, and the one that straddles `b` (maybe the same).
        let straddles_a = first
            .checked_sub(1)
            .map(|k| &self.tokens[k])
            .filter(|t| t.end > a);
        if let Some(t) = straddles_a {
            n += usize::from(has_word(&self.text[a..t.end.min(b)]));
        }
        if let Some(t) = self.tokens.get(last) {
            if t.start < b && t.end > b && t.start >= a {
                n += usize::from(has_word(&self.text[t.start..b]));
            }
        }
        n
    }
}

/// Whether `re` matches right at the start of `rest` (after its leading space). Only the next
/// words matter, and a bounded window keeps a long sentence with many cues or commas linear.
fn matches_next_words(re: &regex_automata::meta::Regex, rest: &str) -> bool {
    let rest = rest.trim_start();
    let mut end = rest.len().min(80);
    while !rest.is_char_boundary(end) {
        end -= 1;
    }
    re.find(&rest[..end]).is_some_and(|m| m.start() == 0)
}

/// Whether `re` matches the words right before `before`'s end, ending there. A bounded window
/// keeps a long sentence with many cues linear, as for the words after a cue.
fn matches_prev_words(re: &regex_automata::meta::Regex, before: &str) -> bool {
    let before = before.trim_end();
    let mut start = before.len().saturating_sub(80);
    while !before.is_char_boundary(start) {
        start += 1;
    }
    let window = &before[start..];
    re.find_iter(window).any(|m| m.end() == window.len())
}

/// Whether the text after a comma goes on with the clause before it, by the rule's
/// `clause_goes_on` pattern.
fn continues_clause(rule: &SplitRule, rest: &str) -> bool {
    rule.clause_goes_on
        .as_ref()
        .is_some_and(|re| matches_next_words(re, rest))
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
    let kept_whole = |hit: &Hit| {
        rule.unless_next
            .iter()
            .any(|re| matches_next_words(re, &text[hit.end..sentence.end]))
            || rule
                .only_next
                .as_ref()
                .is_some_and(|re| !matches_next_words(re, &text[hit.end..sentence.end]))
            || rule
                .unless_prev
                .as_ref()
                .is_some_and(|re| matches_prev_words(re, &text[sentence.start..hit.start]))
    };
    // Counted only once a cut is considered: most rules find no cue in most sentences.
    let mut quotes: Option<QuoteDepth> = None;
    let mut counted_to = sentence.start;
    for hit in hits
        .iter()
        .filter(|h| h.lexicon == rule.lexicon && h.start >= sentence.start && h.end <= sentence.end)
    {
        if kept_whole(hit) {
            continue;
        }
        match rule.kind {
            SplitKind::Before => {
                // Hits come in order of their start, so the quotation marks before each are
                // counted once, from the previous hit on.
                let quotes =
                    quotes.get_or_insert_with(|| QuoteDepth::of_sentence(&text[sentence.clone()]));
                if hit.start >= counted_to {
                    quotes
                        .marks
                        .count(&text[counted_to..hit.start], counted_to, &[]);
                    counted_to = hit.start;
                }
                // The speaker's words stay whole: "… told reporters the district cannot run
                // the route “because we don't have drivers.”" is one attributed statement, and
                // a cut would hand the quoted reason to the writer.
                if hit.start == content_start || quotes.open() {
                    continue;
                }
                // American usage puts the comma inside a closing quotation mark: "“A stitch in
                // time saves nine,” so let's fund the repair" is cut after a comma too.
                let before = text[sentence.start..hit.start]
                    .trim_end()
                    .trim_end_matches(['”', '"', '’', '\'']);
                if rule.after_comma && !before.ends_with([',', ';', '—', '–']) {
                    continue;
                }
                cuts.push((hit.start, hit.start..hit.end));
            }
            SplitKind::AfterLead => {
                if hit.start != content_start {
                    continue;
                }
                // The opening clause ends at the first comma after the cue that a new clause
                // follows: not one inside it ("Although the Treasury, and the advisers around
                // No. 10, have been cool on the idea, they ...").
                if let Some(clause) = clauses.iter().find(|c| {
                    c.end > hit.end
                        && c.end < sentence.end
                        && !continues_clause(rule, &text[c.end..sentence.end])
                }) {
                    if text[..clause.end].ends_with(',') {
                        cuts.push((clause.end, hit.start..hit.end));
                    }
                }
            }
        }
    }
    cuts
}

/// The quotation marks opened and not yet closed so far in a sentence (counted as
/// [`OpenQuotes`] counts them for whole paragraphs). Straight marks tell opening from closing
/// only by their parity, which counts only in a sentence that pairs them all (a stray one in a
/// comment, `'awkward"`, would otherwise put the rest of the sentence inside a quotation).
struct QuoteDepth {
    marks: OpenQuotes,
    straight_paired: bool,
}

impl QuoteDepth {
    fn of_sentence(sentence: &str) -> QuoteDepth {
        QuoteDepth {
            marks: OpenQuotes::default(),
            straight_paired: sentence.matches('"').count().is_multiple_of(2),
        }
    }

    fn open(&self) -> bool {
        self.marks.any() || self.straight_paired && self.marks.straight_open()
    }
}

/// Whether a piece is nothing but one cue phrase and punctuation ("To sum up,", "In my
/// opinion,", "e.g.,"), or punctuation alone: a connective that opens a sentence belongs to the
/// clause it introduces, and cut off on its own it would be a unit that says nothing.
fn only_a_cue(text: &str, piece: Range<usize>, hits: &[Hit]) -> bool {
    if !text[piece.clone()].contains(char::is_alphanumeric) {
        return true;
    }
    let content = super::context::content_range(text, &piece);
    // Hits are sorted by start: look only at those starting where the piece does, so a
    // sentence of many cuts and many hits stays linear. A cue may end in punctuation of its
    // own ("e.g."), past the piece's last letter.
    let from = hits.partition_point(|h| h.start < content.start);
    hits[from..]
        .iter()
        .take_while(|h| h.start == content.start)
        .any(|h| h.end >= content.end && h.end <= piece.end)
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
        if !cuts.is_empty() {
            let words = Words::new(text, &sentence.span);
            let mut left = sentence.span.start;
            for (at, r, cue) in &cuts {
                let min = grammar.splits[*r].min_words;
                if words.count(left, *at) >= min
                    && words.count(*at, sentence.span.end) >= min
                    && !only_a_cue(text, left..*at, hits)
                {
                    kept.push((*at, *r, cue.clone()));
                    left = *at;
                }
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

#[cfg(test)]
mod tests {
    use super::Words;
    use crate::annotate::context::word_count;

    #[test]
    fn word_counts_of_every_stretch_match_a_recount() {
        let text = "  (Because) the costs—rise, «however» 42 x-ray ;; — end.  é\u{a0}ü ";
        let sentence = 0..text.len();
        let words = Words::new(text, &sentence);
        let bounds: Vec<usize> = (0..=text.len())
            .filter(|&i| text.is_char_boundary(i))
            .collect();
        for &a in &bounds {
            for &b in bounds.iter().filter(|&&b| b >= a) {
                assert_eq!(
                    words.count(a, b),
                    word_count(&text[a..b]),
                    "stretch {a}..{b}: {:?}",
                    &text[a..b]
                );
            }
        }
    }

    #[test]
    fn word_counts_inside_a_sentence_ignore_text_around_it() {
        let text = "One two. Three four five. Six.";
        let sentence = 9..25;
        let words = Words::new(text, &sentence);
        assert_eq!(words.count(9, 25), 3);
        assert_eq!(words.count(15, 25), 2);
        assert_eq!(words.count(11, 13), 1);
    }
}
