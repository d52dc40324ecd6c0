//! Evaluating rule conditions on units: the one place that knows what `starts_with`,
//! `first_in paragraph` or `prev.role = counterclaim` mean.

use std::cell::OnceCell;
use std::ops::Range;
use std::sync::Arc;

use super::quotation::quoted_units;
use super::stems::Stems;
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
    /// Whether the unit's block is an item of a list.
    pub list_item: bool,
    /// Whether the unit is a short one ending with a colon: a sentence left open for what
    /// follows to finish ("Congress should:", "Here are my reasons:").
    pub left_open: bool,
}

/// A phrase or pattern match that made a condition hold (byte range).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CueSpan {
    pub span: Range<usize>,
    /// Lexicon name, or `pattern:NAME`.
    pub source: Arc<str>,
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
    echo_sets: [Stems; 2],
    /// Per unit, the patterns that match it: one `RegexSet` pass per unit for all patterns, so
    /// that individual regexes only run to locate the cue of a pattern known to match.
    unit_patterns: Vec<Vec<usize>>,
    /// Per lexicon, its hits (indices into `hits`) by start, and again by end: a condition on a
    /// long sentence looks up its few hits instead of scanning every hit of the sentence.
    by_start: Vec<Vec<usize>>,
    by_end: Vec<Vec<usize>>,
    /// Per unit, the previous and next unit of the same part (preamble or body).
    prev: Vec<Option<usize>>,
    next: Vec<Option<usize>>,
    /// Per unit, the first unit of its sentence.
    heads: Vec<usize>,
    /// The first and last paragraph of the body, when it has at least three: a text of one
    /// or two paragraphs has no introduction or conclusion apart from its argument.
    edge_blocks: Option<(usize, usize)>,
    /// What `sentence.` conditions ask about a whole sentence, worked out once per sentence
    /// rather than once per unit in it.
    sentences: Vec<SentenceFacts>,
    /// Per unit, its word count: length conditions are asked of every unit by many rules, and
    /// counting was a tenth of the time of a batch.
    unit_words: Vec<OnceCell<usize>>,
    /// Per unit, its stems: echo conditions (title, standfirst) and the restatement test of
    /// linking all compare them, and collecting them was a tenth of the time of a batch.
    unit_stems: Vec<OnceCell<Stems>>,
    /// Per unit, its content range: `starts_with` and `ends_with` ask for it from every rule.
    unit_content: Vec<Range<usize>>,
    /// Per unit, whether it is inside a quotation (`in quotation`; the thesis choice asks too).
    quoted: Vec<bool>,
}

#[derive(Default)]
struct SentenceFacts {
    patterns: OnceCell<Vec<usize>>,
    words: OnceCell<usize>,
    echoes: [OnceCell<bool>; 2],
    content: OnceCell<Range<usize>>,
}

/// What a condition is evaluated on: a unit, or the whole sentence around a unit.
#[derive(Debug, Clone)]
struct Subject {
    unit: usize,
    span: Range<usize>,
    /// Set when the subject is the whole sentence (index) rather than the unit.
    sentence: Option<usize>,
}

/// The part of `span` from its first letter or digit to its last: what a unit says without the
/// punctuation and quotes around it. The whole span when it holds no letter or digit.
pub fn content_range(text: &str, span: &Range<usize>) -> Range<usize> {
    let s = &text[span.clone()];
    let start = s.find(|c: char| c.is_alphanumeric()).unwrap_or(0);
    let end = s.rfind(|c: char| c.is_alphanumeric()).map_or(s.len(), |p| {
        p + s[p..].chars().next().map_or(1, char::len_utf8)
    });
    span.start + start..span.start + end.max(start)
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
                .map(|b| Stems::of(article.slice(&b.span)))
                .unwrap_or_default()
        };
        let by_start = lexicon_index(grammar, hits);
        Context {
            article,
            grammar,
            units,
            hits,
            roles: vec![None; units.len()],
            kinds: vec![None; units.len()],
            thesis: None,
            echo_sets: [
                article.title().map(Stems::of).unwrap_or_default(),
                block_stems(BlockKind::Standfirst),
            ],
            unit_patterns: grammar.matching_patterns_each(
                &units
                    .iter()
                    .map(|u| article.slice(&u.span))
                    .collect::<Vec<_>>(),
            ),
            by_start: by_start.clone(),
            by_end: by_start
                .into_iter()
                .map(|mut list| {
                    list.sort_by_key(|&k| hits[k].end);
                    list
                })
                .collect(),
            prev: neighbours(units, false),
            next: neighbours(units, true),
            heads: sentence_heads(units),
            edge_blocks: edge_blocks(units),
            sentences: std::iter::repeat_with(SentenceFacts::default)
                .take(article.sentences.len())
                .collect(),
            unit_words: std::iter::repeat_with(OnceCell::new)
                .take(units.len())
                .collect(),
            unit_stems: std::iter::repeat_with(OnceCell::new)
                .take(units.len())
                .collect(),
            unit_content: units
                .iter()
                .map(|u| content_range(&article.text, &u.span))
                .collect(),
            quoted: quoted_units(article, units),
        }
    }

    /// Per unit, whether it is someone else's words (see [`quoted_units`]).
    pub fn quoted(&self) -> &[bool] {
        &self.quoted
    }

    fn is_body(&self, i: usize) -> bool {
        self.units[i].region == Region::Body
    }

    /// The previous unit of the body (or of the preamble, for preamble units).
    pub fn prev(&self, i: usize) -> Option<usize> {
        self.prev.get(i).copied().flatten()
    }

    pub fn next(&self, i: usize) -> Option<usize> {
        self.next.get(i).copied().flatten()
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

    /// The patterns the grammar's pattern set found in unit `i`, sorted.
    pub fn unit_patterns(&self, i: usize) -> &[usize] {
        self.unit_patterns.get(i).map_or(&[], Vec::as_slice)
    }

    /// The stems of unit `i`, collected the first time they are asked for.
    pub fn unit_stems(&self, i: usize) -> &Stems {
        self.unit_stems[i].get_or_init(|| Stems::of(self.article.slice(&self.units[i].span)))
    }

    /// The first unit of the sentence that holds unit `i`.
    pub fn sentence_start(&self, i: usize) -> usize {
        self.heads.get(i).copied().unwrap_or(i)
    }

    /// What linking needs besides conditions: every unit's neighbours and sentence head, and
    /// the thesis, borrowed rather than copied.
    pub fn link_context(&self) -> crate::link::LinkContext<'_> {
        crate::link::LinkContext {
            prev: &self.prev,
            next: &self.next,
            heads: &self.heads,
            thesis: self.thesis,
        }
    }

    /// The content range of a subject: the unit's or the sentence's own, computed once.
    fn subject_content(&self, s: &Subject, facts: Option<&SentenceFacts>) -> Range<usize> {
        if s.span == self.units[s.unit].span {
            return self.unit_content[s.unit].clone();
        }
        match facts {
            Some(f) => f
                .content
                .get_or_init(|| content_range(&self.article.text, &s.span))
                .clone(),
            None => content_range(&self.article.text, &s.span),
        }
    }

    /// The hits of `lexicon` inside `span`, by start.
    fn hits_in(&self, span: &Range<usize>, lexicon: usize) -> impl Iterator<Item = &Hit> + '_ {
        let end = span.end;
        self.starting_at_or_after(span.start, lexicon)
            .take_while(move |h| h.start < end)
            .filter(move |h| h.end <= end)
    }

    fn starting_at_or_after(&self, at: usize, lexicon: usize) -> impl Iterator<Item = &Hit> + '_ {
        let list = self.by_start.get(lexicon).map_or(&[][..], Vec::as_slice);
        let from = list.partition_point(|&k| self.hits[k].start < at);
        list[from..].iter().map(|&k| &self.hits[k])
    }

    /// The hits of `lexicon` that end exactly at `end` and start at or after `start`, by start.
    fn ending_at(&self, start: usize, end: usize, lexicon: usize) -> impl Iterator<Item = &Hit> {
        let list = self.by_end.get(lexicon).map_or(&[][..], Vec::as_slice);
        let key = |k: usize| (self.hits[k].end, self.hits[k].start);
        let from = list.partition_point(|&k| key(k) < (end, start));
        list[from..]
            .iter()
            .map(|&k| &self.hits[k])
            .take_while(move |h| h.end == end)
    }

    /// Evaluates `check` on unit `i`, appending the cues that made it hold.
    pub fn holds(&self, check: &Check, i: usize, cues: &mut Vec<CueSpan>) -> bool {
        let subject = Subject {
            unit: i,
            span: self.units[i].span.clone(),
            sentence: None,
        };
        // Most rules do not fire on most units. Deciding first without the cues is cheaper:
        // whether a pattern matches comes from the pattern set, computed once per unit, while
        // where it matches takes the pattern's own regex. Only a rule that fires pays for that.
        self.eval(check, &subject, None) && self.eval(check, &subject, Some(cues))
    }

    /// Evaluates one test on unit `i`, or with `whole_sentence` on the sentence that holds it
    /// (as a `sentence.` condition sees it from the sentence's first unit): lets `tune` record,
    /// once per document, everything about a condition that no weight can change.
    pub fn test_on(&self, test: &CheckTest, i: usize, whole_sentence: bool) -> bool {
        let subject = if whole_sentence {
            let index = self.units[i].sentence;
            Subject {
                unit: self.sentence_start(i),
                span: self.article.sentences[index].span.clone(),
                sentence: Some(index),
            }
        } else {
            Subject {
                unit: i,
                span: self.units[i].span.clone(),
                sentence: None,
            }
        };
        self.test(test, &subject, None)
    }

    /// `cues` is None where the cues would be thrown away (under `not`, on a neighbour), so
    /// that a test can stop at the first match.
    fn eval(&self, check: &Check, s: &Subject, cues: Option<&mut Vec<CueSpan>>) -> bool {
        match check {
            Check::Not(c) => !self.eval(c, s, None),
            Check::And(cs) => match cues {
                Some(cues) => {
                    let mut found = Vec::new();
                    let all = cs.iter().all(|c| self.eval(c, s, Some(&mut found)));
                    if all {
                        cues.extend(found);
                    }
                    all
                }
                None => cs.iter().all(|c| self.eval(c, s, None)),
            },
            Check::Or(cs) => match cues {
                Some(cues) => cs.iter().any(|c| self.eval(c, s, Some(cues))),
                None => cs.iter().any(|c| self.eval(c, s, None)),
            },
            Check::Neighbour(n, c) => {
                let other = match n {
                    Neighbour::Prev => self.prev(s.unit).map(|u| Subject {
                        unit: u,
                        span: self.units[u].span.clone(),
                        sentence: None,
                    }),
                    Neighbour::Next => self.next(s.unit).map(|u| Subject {
                        unit: u,
                        span: self.units[u].span.clone(),
                        sentence: None,
                    }),
                    Neighbour::Sentence => {
                        let index = self.units[s.unit].sentence;
                        let sentence = &self.article.sentences[index];
                        Some(Subject {
                            unit: self.sentence_start(s.unit),
                            span: sentence.span.clone(),
                            sentence: Some(index),
                        })
                    }
                };
                // Cues found on a neighbour belong to the neighbour, not to this unit.
                other.is_some_and(|o| self.eval(c, &o, None))
            }
            Check::Test(t, _) => self.test(t, s, cues),
        }
    }

    fn lexicon_cue(&self, hit: &Hit) -> CueSpan {
        CueSpan {
            span: hit.start..hit.end,
            source: Arc::clone(&self.grammar.lexicons[hit.lexicon].cue_source),
        }
    }

    fn test(&self, t: &CheckTest, s: &Subject, cues: Option<&mut Vec<CueSpan>>) -> bool {
        let unit = &self.units[s.unit];
        let facts = s.sentence.and_then(|k| self.sentences.get(k));
        let found = |h: Option<&Hit>, cues: Option<&mut Vec<CueSpan>>| match h {
            Some(h) => {
                if let Some(cues) = cues {
                    cues.push(self.lexicon_cue(h));
                }
                true
            }
            None => false,
        };
        match t {
            CheckTest::StartsWith(lex) => {
                let start = self.subject_content(s, facts).start;
                let hit = self
                    .starting_at_or_after(start, *lex)
                    .take_while(|h| h.start == start)
                    .filter(|h| h.end <= s.span.end)
                    .max_by_key(|h| h.end);
                found(hit, cues)
            }
            CheckTest::EndsWith(lex) => {
                let end = self.subject_content(s, facts).end;
                let hit = self
                    .ending_at(s.span.start, end, *lex)
                    .find(|h| h.start < s.span.end);
                found(hit, cues)
            }
            CheckTest::Contains(lex) => match cues {
                Some(cues) => {
                    let before = cues.len();
                    cues.extend(self.hits_in(&s.span, *lex).map(|h| self.lexicon_cue(h)));
                    cues.len() > before
                }
                None => self.hits_in(&s.span, *lex).next().is_some(),
            },
            CheckTest::Matches(p) => {
                let known = if s.span == unit.span {
                    Some(&self.unit_patterns[s.unit])
                } else if cues.is_none() {
                    let text = &self.article.text[s.span.clone()];
                    facts.map(|f| {
                        f.patterns
                            .get_or_init(|| self.grammar.matching_patterns(text))
                    })
                } else {
                    None
                };
                if let Some(known) = known {
                    if known.binary_search(p).is_err() {
                        return false;
                    }
                    if cues.is_none() {
                        return true;
                    }
                }
                let pattern = &self.grammar.patterns[*p];
                match pattern.regex.find(&self.article.text[s.span.clone()]) {
                    Some(m) => {
                        if let Some(cues) = cues {
                            cues.push(CueSpan {
                                span: s.span.start + m.start()..s.span.start + m.end(),
                                source: Arc::clone(&pattern.cue_source),
                            });
                        }
                        true
                    }
                    None => false,
                }
            }
            CheckTest::FirstIn(scope) => self.first_in(s.unit, *scope),
            CheckTest::LastIn(scope) => self.last_in(s.unit, *scope),
            CheckTest::In(Region::Introduction) => {
                self.is_body(s.unit)
                    && self
                        .edge_blocks
                        .is_some_and(|(first, _)| unit.block == first)
            }
            CheckTest::In(Region::Conclusion) => {
                self.is_body(s.unit) && self.edge_blocks.is_some_and(|(_, last)| unit.block == last)
            }
            CheckTest::In(Region::Quotation) => self.quoted[s.unit],
            CheckTest::In(Region::ListItem) => unit.list_item,
            CheckTest::In(region) => unit.region == *region,
            CheckTest::Echoes(region) => {
                // The parser lets only the title and the standfirst be echoed.
                let which = usize::from(*region == Region::Standfirst);
                let reference = &self.echo_sets[which];
                if reference.is_empty() {
                    return false;
                }
                let echoes = |own: &Stems| {
                    reference.shared(own) as f64 / reference.len() as f64
                        >= self.grammar.settings.echo_overlap
                };
                let of_span = || echoes(&Stems::of(&self.article.text[s.span.clone()]));
                match facts {
                    Some(f) => *f.echoes[which].get_or_init(of_span),
                    None if s.span == self.units[s.unit].span => echoes(self.unit_stems(s.unit)),
                    None => of_span(),
                }
            }
            CheckTest::RoleIs(role) => self.roles[s.unit] == Some(*role),
            CheckTest::KindIs(kind) => self.kinds[s.unit] == Some(*kind),
            CheckTest::IsThesis => self.thesis == Some(s.unit),
            CheckTest::WordsBelow(n) => self.words(s, facts) < *n,
            CheckTest::WordsAbove(n) => self.words(s, facts) > *n,
        }
    }

    fn words(&self, s: &Subject, facts: Option<&SentenceFacts>) -> usize {
        let count = || word_count(&self.article.text[s.span.clone()]);
        match facts {
            Some(f) => *f.words.get_or_init(count),
            None => match self.unit_words.get(s.unit) {
                Some(cell) if s.span == self.units[s.unit].span => *cell.get_or_init(count),
                _ => count(),
            },
        }
    }
}

/// Per lexicon, the indices of its hits, by start as `hits` is (sorting these again by end
/// with a stable sort orders them by end, then start).
fn lexicon_index(grammar: &Grammar, hits: &[Hit]) -> Vec<Vec<usize>> {
    let mut index = vec![Vec::new(); grammar.lexicons.len()];
    for (k, h) in hits.iter().enumerate() {
        if let Some(list) = index.get_mut(h.lexicon) {
            list.push(k);
        }
    }
    index
}

/// For each unit, the nearest unit before it (or after it, `forward`) in the same part of the
/// document: preamble units neighbour preamble units, body units body units.
fn neighbours(units: &[Placement], forward: bool) -> Vec<Option<usize>> {
    let mut out = vec![None; units.len()];
    let mut last: [Option<usize>; 2] = [None, None];
    let order: Box<dyn Iterator<Item = usize>> = if forward {
        Box::new((0..units.len()).rev())
    } else {
        Box::new(0..units.len())
    };
    for i in order {
        let part = usize::from(units[i].region == Region::Body);
        out[i] = last[part];
        last[part] = Some(i);
    }
    out
}

/// Fewest body paragraphs that make an article: an introduction, a body and a conclusion. A
/// text of one or two paragraphs states its claim once and has no paragraph structure to read.
pub const ARTICLE_MIN_PARAGRAPHS: usize = 3;

/// The first and last body paragraph (block indices) of an article (a body of at least
/// [`ARTICLE_MIN_PARAGRAPHS`] paragraphs); `places` in document order.
pub fn edge_blocks<'a>(places: impl IntoIterator<Item = &'a Placement>) -> Option<(usize, usize)> {
    let mut blocks = places
        .into_iter()
        .filter(|u| u.region == Region::Body)
        .map(|u| u.block);
    let first = blocks.next()?;
    let mut last = first;
    let mut count = 1;
    for b in blocks {
        if b != last {
            count += 1;
            last = b;
        }
    }
    (count >= ARTICLE_MIN_PARAGRAPHS).then_some((first, last))
}

fn sentence_heads(units: &[Placement]) -> Vec<usize> {
    let mut heads = Vec::with_capacity(units.len());
    for (i, u) in units.iter().enumerate() {
        let head = match i.checked_sub(1) {
            Some(p) if units[p].sentence == u.sentence => heads[p],
            _ => i,
        };
        heads.push(head);
    }
    heads
}

pub fn word_count(s: &str) -> usize {
    s.split_whitespace()
        .filter(|w| w.chars().any(char::is_alphanumeric))
        .count()
}
