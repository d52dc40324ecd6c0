//! Annotation: cuts sentences into units and gives each unit one role, a score and the rules
//! and cues that produced it.

pub mod context;
pub mod quotation;
pub mod segment;
pub mod stems;

use std::ops::Range;

use crate::article::{Article, BlockKind};
use crate::grammar::needs::Lexicons;
use crate::grammar::{Check, Grammar, Hit, Region};
use crate::graph::model::{Kind, Role};
pub use context::{Context, CueSpan, Placement};
pub use segment::Segment;

/// Most words of a unit ending in a colon that only opens a sentence for a list to finish
/// ("Congress should:", "Here are my reasons:", "The plan would do three things:"); a longer
/// one makes a statement of its own ("This gap hurts small shops in three ways:").
const OPEN_LEAD_IN_WORDS: usize = 6;

/// A role or kind rule that fired on a unit, with the cues that made it fire.
#[derive(Debug, Clone, PartialEq)]
pub struct Firing {
    /// Index into [`Grammar::roles`] (or [`Grammar::kinds`] for [`KindDecision::fired`]).
    pub rule: usize,
    pub cues: Vec<CueSpan>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct RoleScore {
    pub role: Role,
    pub score: f64,
    pub priority: i32,
}

#[derive(Debug, Clone, PartialEq)]
pub struct KindScore {
    pub kind: Kind,
    pub score: f64,
    pub priority: i32,
}

/// A unit's proposition kind and how it was decided.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct KindDecision {
    /// `None` when no kind reached the threshold and the grammar sets no `default_kind`.
    pub kind: Option<Kind>,
    pub score: f64,
    /// Indices into [`Grammar::kinds`].
    pub fired: Vec<Firing>,
    /// Every kind some rule voted for, best first.
    pub ranking: Vec<KindScore>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct AnnotatedUnit {
    pub place: Placement,
    /// Split rule (index into [`Grammar::splits`]) and cue that cut this unit from the one
    /// before it.
    pub split: Option<(usize, Range<usize>)>,
    pub role: Role,
    pub score: f64,
    pub fired: Vec<Firing>,
    /// Every role some rule voted for, best first: the decision and what it beat.
    pub ranking: Vec<RoleScore>,
    pub kind: KindDecision,
}

/// How units are found: by the grammar's split rules, or given (gold units, in characters).
#[derive(Debug, Clone)]
pub enum Segmentation {
    Rules,
    Given(Vec<Range<usize>>),
}

fn region_of(kind: BlockKind) -> Region {
    match kind {
        BlockKind::Title => Region::Title,
        BlockKind::Standfirst => Region::Standfirst,
        _ => Region::Body,
    }
}

/// The split rule (index) and cue that cut a unit from the one before it.
pub type SplitOrigin = Option<(usize, Range<usize>)>;

/// Finds the units of an article: by the grammar's split rules, or taking given character
/// ranges as they are.
pub fn place_units(
    article: &Article,
    grammar: &Grammar,
    hits: &[Hit],
    segmentation: &Segmentation,
) -> (Vec<Placement>, Vec<SplitOrigin>) {
    let segments: Vec<Segment> = match segmentation {
        Segmentation::Rules => segment::segment(article, grammar, hits),
        Segmentation::Given(ranges) => {
            let mut ranges: Vec<Range<usize>> = ranges
                .iter()
                .map(|r| article.byte_offset(r.start)..article.byte_offset(r.end))
                .filter(|r| r.start < r.end)
                .collect();
            ranges.sort_by_key(|r| (r.start, r.end));
            ranges
                .into_iter()
                .map(|span| {
                    let sentence = article
                        .sentences
                        .iter()
                        .rposition(|s| s.span.start <= span.start)
                        .unwrap_or(0);
                    Segment {
                        span,
                        sentence,
                        split: None,
                    }
                })
                .collect()
        }
    };
    let mut places = Vec::with_capacity(segments.len());
    let mut splits = Vec::with_capacity(segments.len());
    for seg in segments {
        let Some(sentence) = article.sentences.get(seg.sentence) else {
            continue;
        };
        let block = &article.blocks[sentence.block];
        let unit = article.text[seg.span.clone()].trim_end();
        let left_open =
            unit.ends_with(':') && unit.split_whitespace().nth(OPEN_LEAD_IN_WORDS).is_none();
        places.push(Placement {
            left_open,
            span: seg.span,
            sentence: seg.sentence,
            block: sentence.block,
            section: block.section,
            region: region_of(block.kind),
            list_item: article
                .markup
                .list_items
                .binary_search(&sentence.block)
                .is_ok(),
        });
        splits.push(seg.split);
    }
    (places, splits)
}

/// Whether a rule whose condition is `when` fires on unit `i`, and with which cues (sorted,
/// each once). The cues are gathered in `scratch` and copied out at their exact length: a
/// map keeps them for its whole life, and the spare capacity of a growing vector, on every
/// firing, cost an input of many small units a third more memory.
fn fires(
    ctx: &Context,
    i: usize,
    when: Option<&Check>,
    scratch: &mut Vec<CueSpan>,
) -> Option<Vec<CueSpan>> {
    scratch.clear();
    if !when.is_none_or(|check| ctx.holds(check, i, scratch)) {
        return None;
    }
    scratch.sort();
    scratch.dedup();
    Some(scratch.to_vec())
}

/// Decides every unit's proposition kind, in document order so that `prev.kind` conditions
/// see the kinds already decided. Runs before roles: a role may depend on the kind (a fact
/// backing a claim is evidence), never the other way round.
pub fn decide_kinds(ctx: &mut Context) -> Vec<KindDecision> {
    let grammar = ctx.grammar;
    let mut decisions = Vec::with_capacity(ctx.units.len());
    let mut scratch = Vec::new();
    let needs = grammar.kind_needs();
    let mut present = Lexicons::default();
    for i in 0..ctx.units.len() {
        let mut fired = Vec::new();
        let mut ranking: Vec<KindScore> = Vec::new();
        present.fill(ctx.hits, &ctx.units[i].span);
        for (r, rule) in grammar.kinds.iter().enumerate() {
            if !needs.allow(r, &present, ctx.unit_patterns(i)) {
                continue;
            }
            let Some(cues) = fires(ctx, i, rule.when.as_ref(), &mut scratch) else {
                continue;
            };
            fired.push(Firing { rule: r, cues });
            match ranking.iter_mut().find(|s| s.kind == rule.kind) {
                Some(s) => {
                    s.score += rule.weight;
                    s.priority = s.priority.max(rule.priority);
                }
                None => ranking.push(KindScore {
                    kind: rule.kind,
                    score: rule.weight,
                    priority: rule.priority,
                }),
            }
        }
        for s in &mut ranking {
            s.score = round3(s.score);
        }
        fired.shrink_to_fit();
        ranking.shrink_to_fit();
        ranking.sort_by(|a, b| {
            b.priority
                .cmp(&a.priority)
                .then(b.score.total_cmp(&a.score))
                .then(a.kind.cmp(&b.kind))
        });
        let (kind, score) = ranking
            .iter()
            .find(|s| s.score >= grammar.settings.threshold)
            .map_or((grammar.settings.default_kind, 0.0), |s| {
                (Some(s.kind), s.score)
            });
        ctx.kinds[i] = kind;
        decisions.push(KindDecision {
            kind,
            score,
            fired,
            ranking,
        });
    }
    decisions
}

/// Decides every unit's kind, then its role, in document order so that `prev.role`
/// conditions see the roles already decided.
pub fn annotate(ctx: &mut Context, splits: Vec<SplitOrigin>) -> Vec<AnnotatedUnit> {
    let grammar = ctx.grammar;
    let mut kinds = decide_kinds(ctx).into_iter();
    let mut units = Vec::with_capacity(ctx.units.len());
    let mut scratch = Vec::new();
    let needs = grammar.role_needs();
    let mut present = Lexicons::default();
    for (i, split) in splits.into_iter().enumerate() {
        let mut fired = Vec::new();
        let mut ranking: Vec<RoleScore> = Vec::new();
        present.fill(ctx.hits, &ctx.units[i].span);
        for (r, rule) in grammar.roles.iter().enumerate() {
            if !needs.allow(r, &present, ctx.unit_patterns(i)) {
                continue;
            }
            let Some(cues) = fires(ctx, i, rule.when.as_ref(), &mut scratch) else {
                continue;
            };
            fired.push(Firing { rule: r, cues });
            match ranking.iter_mut().find(|s| s.role == rule.role) {
                Some(s) => {
                    s.score += rule.weight;
                    s.priority = s.priority.max(rule.priority);
                }
                None => ranking.push(RoleScore {
                    role: rule.role,
                    score: rule.weight,
                    priority: rule.priority,
                }),
            }
        }
        for s in &mut ranking {
            s.score = round3(s.score + grammar.settings.bias[s.role as usize]);
        }
        fired.shrink_to_fit();
        ranking.shrink_to_fit();
        ranking.sort_by(|a, b| {
            b.priority
                .cmp(&a.priority)
                .then(b.score.total_cmp(&a.score))
                .then(a.role.cmp(&b.role))
        });
        let threshold = grammar.settings.threshold;
        let (role, score) = ranking
            .iter()
            .find(|s| s.score >= threshold)
            .map_or((grammar.settings.default_role, 0.0), |s| (s.role, s.score));
        ctx.roles[i] = Some(role);
        units.push(AnnotatedUnit {
            place: ctx.units[i].clone(),
            split,
            role,
            score,
            fired,
            ranking,
            kind: kinds.next().unwrap_or_default(),
        });
    }
    units
}

#[cfg(test)]
mod tests;

pub fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}
