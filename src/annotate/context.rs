//! Evaluating rule conditions on units: the one place that knows what `starts_with`,
//! `first_in paragraph` or `prev.role = counterclaim` mean.

use std::collections::BTreeSet;
use std::ops::Range;

use crate::article::{Article, BlockKind};
use crate::grammar::{Check, CheckTest, Grammar, Hit, Neighbour, Region, Scope};
use crate::graph::model::{Kind, Role};

/// Where a unit sits in the document: everything a positional condition asks about.
#[derive(Debug, Clone, PartialEq)]
pub struct Placement {
    pub span: Range<usize>,
    pub sentence: usize,
    pub block: usize,
    pub section: Option<usize>,
    pub region: Region,
}

/// A phrase or pattern match that made a condition hold (byte range).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CueSpan {
    pub span: Range<usize>,
    /// Lexicon name, or `pattern:NAME`.
    pub source: String,
}

pub struct Context<'a> {
    pub article: &'a Article,
    pub grammar: &'a Grammar,
    pub units: &'a [Placement],
    pub hits: &'a [Hit],
    /// Roles decided so far (annotation fills them in order; linking sees them all).
    pub roles: Vec<Option<Role>>,
    /// Proposition kinds, decided for every unit before any role.
    pub kinds: Vec<Option<Kind>>,
    pub thesis: Option<usize>,
    echo_sets: [BTreeSet<String>; 2],
    /// Per unit, the patterns that match it: one `RegexSet` pass per unit for all patterns, so
    /// that individual regexes only run to locate the cue of a pattern known to match.
    unit_patterns: Vec<Vec<usize>>,
}

/// What a condition is evaluated on: a unit, or the whole sentence around a unit.
#[derive(Debug, Clone)]
struct Subject {
    unit: usize,
    span: Range<usize>,
}

const STOPWORDS: &[&str] = &[
    "the", "and", "for", "that", "this", "with", "are", "was", "were", "has", "have", "had", "not",
    "but", "its", "from", "they", "their", "his", "her", "will", "would", "should", "can", "could",
    "any", "all", "who", "which", "what", "been", "being", "into", "than", "then", "there",
    "these", "those", "such", "also", "more", "most", "some", "must", "may", "might", "our", "out",
    "about", "argues", "argue", "says", "why", "how",
];

/// Content-word stems: lower-case, five-letter prefixes, stopwords and short words dropped.
pub fn stems(text: &str) -> BTreeSet<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.chars().count() >= 3)
        .map(str::to_lowercase)
        .filter(|w| !STOPWORDS.contains(&w.as_str()))
        .map(|w| w.chars().take(5).collect())
        .collect()
}

impl CueSpan {
    fn key(&self) -> (usize, usize, &str) {
        (self.span.start, self.span.end, &self.source)
    }
}

impl PartialOrd for CueSpan {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for CueSpan {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.key().cmp(&other.key())
    }
}

impl<'a> Context<'a> {
    pub fn new(
        article: &'a Article,
        grammar: &'a Grammar,
        units: &'a [Placement],
        hits: &'a [Hit],
    ) -> Context<'a> {
        let block_stems = |kind: BlockKind| {
            article
                .first_of(kind)
                .map(|b| stems(article.slice(&b.span)))
                .unwrap_or_default()
        };
        Context {
            article,
            grammar,
            units,
            hits,
            roles: vec![None; units.len()],
            kinds: vec![None; units.len()],
            thesis: None,
            echo_sets: [
                article.title().map(stems).unwrap_or_default(),
                block_stems(BlockKind::Standfirst),
            ],
            unit_patterns: units
                .iter()
                .map(|u| grammar.matching_patterns(article.slice(&u.span)))
                .collect(),
        }
    }

    fn is_body(&self, i: usize) -> bool {
        self.units[i].region == Region::Body
    }

    /// The previous unit of the body (or of the preamble, for preamble units).
    pub fn prev(&self, i: usize) -> Option<usize> {
        (0..i).rev().find(|&j| self.is_body(j) == self.is_body(i))
    }

    pub fn next(&self, i: usize) -> Option<usize> {
        (i + 1..self.units.len()).find(|&j| self.is_body(j) == self.is_body(i))
    }

    fn same_scope(&self, a: usize, b: usize, scope: Scope) -> bool {
        let (x, y) = (&self.units[a], &self.units[b]);
        match scope {
            Scope::Sentence => x.sentence == y.sentence,
            Scope::Paragraph => x.block == y.block,
            Scope::Section => x.section == y.section && self.is_body(a) == self.is_body(b),
            Scope::Document => self.is_body(a) == self.is_body(b),
        }
    }

    // Units are in document order and every scope (sentence, paragraph, section, preamble or
    // body) is a contiguous run of them, so comparing with the neighbour is enough.
    pub fn first_in(&self, i: usize, scope: Scope) -> bool {
        i == 0 || !self.same_scope(i, i - 1, scope)
    }

    pub fn last_in(&self, i: usize, scope: Scope) -> bool {
        i + 1 >= self.units.len() || !self.same_scope(i, i + 1, scope)
    }

    /// The first unit of the sentence that holds unit `i`.
    pub fn sentence_start(&self, i: usize) -> usize {
        (0..i)
            .rev()
            .take_while(|&j| self.units[j].sentence == self.units[i].sentence)
            .last()
            .unwrap_or(i)
    }

    fn content_range(&self, span: &Range<usize>) -> Range<usize> {
        let s = &self.article.text[span.clone()];
        let start = s.find(|c: char| c.is_alphanumeric()).unwrap_or(0);
        let end = s.rfind(|c: char| c.is_alphanumeric()).map_or(s.len(), |p| {
            p + s[p..].chars().next().map_or(1, char::len_utf8)
        });
        span.start + start..span.start + end.max(start)
    }

    fn hits_in(&self, span: &Range<usize>, lexicon: usize) -> impl Iterator<Item = &Hit> + '_ {
        let from = self.hits.partition_point(|h| h.start < span.start);
        let end = span.end;
        self.hits[from..]
            .iter()
            .take_while(move |h| h.start < end)
            .filter(move |h| h.lexicon == lexicon && h.end <= end)
    }

    /// Evaluates `check` on unit `i`, appending the cues that made it hold.
    pub fn holds(&self, check: &Check, i: usize, cues: &mut Vec<CueSpan>) -> bool {
        let subject = Subject {
            unit: i,
            span: self.units[i].span.clone(),
        };
        self.eval(check, &subject, cues)
    }

    /// Evaluates one test on unit `i`, or with `whole_sentence` on the sentence that holds it
    /// (as a `sentence.` condition sees it from the sentence's first unit): lets `tune` record,
    /// once per document, everything about a condition that no weight can change.
    pub fn test_on(&self, test: &CheckTest, i: usize, whole_sentence: bool) -> bool {
        let subject = if whole_sentence {
            Subject {
                unit: self.sentence_start(i),
                span: self.article.sentences[self.units[i].sentence].span.clone(),
            }
        } else {
            Subject {
                unit: i,
                span: self.units[i].span.clone(),
            }
        };
        self.test(test, &subject, &mut Vec::new())
    }

    fn eval(&self, check: &Check, s: &Subject, cues: &mut Vec<CueSpan>) -> bool {
        match check {
            Check::Not(c) => !self.eval(c, s, &mut Vec::new()),
            Check::And(cs) => {
                let mut found = Vec::new();
                let all = cs.iter().all(|c| self.eval(c, s, &mut found));
                if all {
                    cues.extend(found);
                }
                all
            }
            Check::Or(cs) => cs.iter().any(|c| self.eval(c, s, cues)),
            Check::Neighbour(n, c) => {
                let other = match n {
                    Neighbour::Prev => self.prev(s.unit).map(|u| Subject {
                        unit: u,
                        span: self.units[u].span.clone(),
                    }),
                    Neighbour::Next => self.next(s.unit).map(|u| Subject {
                        unit: u,
                        span: self.units[u].span.clone(),
                    }),
                    Neighbour::Sentence => {
                        let sentence = &self.article.sentences[self.units[s.unit].sentence];
                        Some(Subject {
                            unit: self.sentence_start(s.unit),
                            span: sentence.span.clone(),
                        })
                    }
                };
                // Cues found on a neighbour belong to the neighbour, not to this unit.
                other.is_some_and(|o| self.eval(c, &o, &mut Vec::new()))
            }
            Check::Test(t, _) => self.test(t, s, cues),
        }
    }

    fn lexicon_cue(&self, hit: &Hit) -> CueSpan {
        CueSpan {
            span: hit.start..hit.end,
            source: self.grammar.lexicons[hit.lexicon].name.clone(),
        }
    }

    fn test(&self, t: &CheckTest, s: &Subject, cues: &mut Vec<CueSpan>) -> bool {
        let unit = &self.units[s.unit];
        match t {
            CheckTest::StartsWith(lex) => {
                let start = self.content_range(&s.span).start;
                match self
                    .hits_in(&s.span, *lex)
                    .filter(|h| h.start == start)
                    .max_by_key(|h| h.end)
                {
                    Some(h) => {
                        cues.push(self.lexicon_cue(h));
                        true
                    }
                    None => false,
                }
            }
            CheckTest::EndsWith(lex) => {
                let end = self.content_range(&s.span).end;
                match self.hits_in(&s.span, *lex).find(|h| h.end == end) {
                    Some(h) => {
                        cues.push(self.lexicon_cue(h));
                        true
                    }
                    None => false,
                }
            }
            CheckTest::Contains(lex) => {
                let found: Vec<CueSpan> = self
                    .hits_in(&s.span, *lex)
                    .map(|h| self.lexicon_cue(h))
                    .collect();
                let any = !found.is_empty();
                cues.extend(found);
                any
            }
            CheckTest::Matches(p) => {
                let is_unit = s.span == unit.span;
                if is_unit && self.unit_patterns[s.unit].binary_search(p).is_err() {
                    return false;
                }
                let pattern = &self.grammar.patterns[*p];
                match pattern.regex.find(&self.article.text[s.span.clone()]) {
                    Some(m) => {
                        cues.push(CueSpan {
                            span: s.span.start + m.start()..s.span.start + m.end(),
                            source: format!("pattern:{}", pattern.name),
                        });
                        true
                    }
                    None => false,
                }
            }
            CheckTest::FirstIn(scope) => self.first_in(s.unit, *scope),
            CheckTest::LastIn(scope) => self.last_in(s.unit, *scope),
            CheckTest::In(region) => unit.region == *region,
            CheckTest::Echoes(region) => {
                let reference = match region {
                    Region::Title => &self.echo_sets[0],
                    Region::Standfirst => &self.echo_sets[1],
                    Region::Body => return false,
                };
                if reference.is_empty() {
                    return false;
                }
                let own = stems(&self.article.text[s.span.clone()]);
                let shared = reference.intersection(&own).count();
                shared as f64 / reference.len() as f64 >= self.grammar.settings.echo_overlap
            }
            CheckTest::RoleIs(role) => self.roles[s.unit] == Some(*role),
            CheckTest::KindIs(kind) => self.kinds[s.unit] == Some(*kind),
            CheckTest::IsThesis => self.thesis == Some(s.unit),
            CheckTest::WordsBelow(n) => word_count(&self.article.text[s.span.clone()]) < *n,
            CheckTest::WordsAbove(n) => word_count(&self.article.text[s.span.clone()]) > *n,
        }
    }
}

pub fn word_count(s: &str) -> usize {
    s.split_whitespace()
        .filter(|w| w.chars().any(char::is_alphanumeric))
        .count()
}
