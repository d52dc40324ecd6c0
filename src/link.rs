//! Linking: picks the one thesis and gives every other argumentative unit exactly one outgoing
//! relation, chosen by the link rules, never closing a cycle.

use std::borrow::Cow;
use std::collections::BTreeSet;

use crate::annotate::context::edge_blocks;
use crate::annotate::stems::Stems;
use crate::annotate::{AnnotatedUnit, Context, Placement};
use crate::grammar::{Grammar, LinkRule, Region, Target};
use crate::graph::model::{Kind, RelationKind, Role};

#[derive(Debug, Clone, PartialEq)]
pub struct Link {
    pub from: usize,
    pub to: usize,
    pub kind: RelationKind,
    /// Index into [`Grammar::links`]; `None` for the built-in fallback to the thesis.
    pub rule: Option<usize>,
    pub score: f64,
}

/// A link rule considered for a unit and what became of it: the explanation of a choice.
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    pub rule: usize,
    pub outcome: Outcome,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    Chosen(usize),
    /// Its condition held and it had a target, but a heavier rule won.
    Beaten(usize),
    ConditionFailed,
    NoTarget,
    WouldCycle(usize),
}

#[derive(Debug, Clone, Default)]
pub struct Linking {
    pub thesis: Option<usize>,
    pub links: Vec<Link>,
    /// Per unit: every link rule in the order tried (empty unless linking was asked to
    /// explain itself).
    pub candidates: Vec<Vec<Candidate>>,
    /// Thesis score of every unit (sum of the weights of thesis rules that fired).
    pub thesis_scores: Vec<f64>,
    /// Per unit, the thesis it states again (title, standfirst, introduction, conclusion).
    pub restates: Vec<Option<usize>>,
    /// Per unit, whether it is inside a quotation (see
    /// [`quoted_units`](crate::annotate::quotation::quoted_units)).
    pub in_quotation: Vec<bool>,
}

pub const FALLBACK_RULE: &str = "fallback:thesis";
/// The rule name of the support link from a restatement to the thesis it restates.
pub const RESTATES_RULE: &str = "restates:thesis";

/// What linking reads about one unit. The pipeline fills it from annotation; `tune` fills it
/// from its records for other weights, so that both decide thesis, restatements and links by
/// this one code.
#[derive(Debug, Clone)]
pub struct LinkUnit<'a> {
    pub place: &'a Placement,
    pub role: Role,
    pub kind: Option<Kind>,
    /// Sum of the weights of the thesis rules that fired on the unit.
    pub thesis_score: f64,
    /// Whether the unit or its sentence asks a question (see [`is_question`]).
    pub question: bool,
    /// Whether the unit is inside a quotation (see
    /// [`quoted_units`](crate::annotate::quotation::quoted_units)).
    pub in_quotation: bool,
}

/// The units' neighbours and the thesis: what [`Context`] tells linking besides conditions.
pub struct LinkContext<'a> {
    pub prev: &'a [Option<usize>],
    pub next: &'a [Option<usize>],
    /// Per unit, the first unit of its sentence.
    pub heads: &'a [usize],
    pub thesis: Option<usize>,
}

impl LinkContext<'_> {
    fn prev(&self, i: usize) -> Option<usize> {
        self.prev.get(i).copied().flatten()
    }

    fn next(&self, i: usize) -> Option<usize> {
        self.next.get(i).copied().flatten()
    }

    fn sentence_start(&self, i: usize) -> usize {
        self.heads.get(i).copied().unwrap_or(i)
    }
}

/// The link rules in the order linking tries them: heaviest first, ties by position.
pub fn link_order(weights: &[f64]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..weights.len()).collect();
    order.sort_by(|&a, &b| weights[b].total_cmp(&weights[a]).then(a.cmp(&b)));
    order
}

fn thesis_score(grammar: &Grammar, unit: &AnnotatedUnit) -> f64 {
    unit.fired
        .iter()
        .filter(|f| grammar.roles[f.rule].role == Role::Thesis)
        .map(|f| grammar.roles[f.rule].weight)
        .sum()
}

fn can_be_thesis(role: Role) -> bool {
    matches!(
        role,
        Role::Thesis | Role::Claim | Role::Premise | Role::Evidence
    )
}

/// Whether the sentence that holds unit `i` is a question: a question asks what the writer
/// thinks, it does not say it, so it is never the thesis.
pub fn is_question(ctx: &Context, i: usize) -> bool {
    let article = ctx.article;
    let sentence = &article.sentences[ctx.units[i].sentence];
    let ends_asking = |s: &str| {
        s.trim_end()
            .trim_end_matches(['"', '”', '’', '\'', ')', '*', '_'])
            .ends_with('?')
    };
    ends_asking(article.slice(&sentence.span)) || ends_asking(article.slice(&ctx.units[i].span))
}

/// Chooses the thesis: the unit with the highest thesis score among those that can state the
/// author's position (counterclaims and rebuttals cannot, nor can questions, list items or a
/// lead-in that leaves its sentence for a list to finish, and quotations only when nothing
/// else can); ties go to the earlier unit.
fn choose_thesis(units: &[LinkUnit]) -> (Option<usize>, Vec<f64>) {
    let scores: Vec<f64> = units.iter().map(|u| u.thesis_score).collect();
    // "It should:" says nothing until its list does, and each item of the list is one point
    // of several: the position they serve is stated in prose.
    let in_list = |i: usize| {
        units[i].place.list_item
            || units[i].place.left_open && units.get(i + 1).is_some_and(|n| n.place.list_item)
    };
    let eligible = |pred: &dyn Fn(&LinkUnit) -> bool, asking: bool| {
        units
            .iter()
            .enumerate()
            .filter(|&(i, u)| asking || !(u.question || in_list(i)))
            .filter(|(_, u)| pred(u))
            .max_by(|(a, u), (b, v)| u.thesis_score.total_cmp(&v.thesis_score).then(b.cmp(a)))
            .map(|(i, _)| i)
    };
    let in_body = |u: &LinkUnit| u.place.region == Region::Body;
    // A reply may state the thesis when it declares the writer's position outright ("Some
    // people think X. However, I strongly believe that Y."), or when it carries a thesis cue
    // and no statement does ("I'm a teacher. ... However, silent prayer is fine."): the text
    // then argues for what it replies.
    let statement_cued = units
        .iter()
        .any(|u| can_be_thesis(u.role) && !u.question && u.thesis_score > 0.0);
    let reply_states_position = |u: &LinkUnit| {
        u.role == Role::Rebuttal
            && (u.thesis_score >= DECLARED_POSITION || !statement_cued && u.thesis_score > 0.0)
    };
    let may_state_thesis = |u: &LinkUnit| can_be_thesis(u.role) || reply_states_position(u);
    // Someone else's words come second: a quotation is the thesis only when nothing the
    // writer says in their own words can be.
    let own_words = |u: &LinkUnit| !u.in_quotation;
    let thesis = eligible(&|u| own_words(u) && may_state_thesis(u), false)
        .or_else(|| eligible(&may_state_thesis, false))
        .or_else(|| eligible(&|u| u.role == Role::Rebuttal, false))
        .or_else(|| eligible(&|u| u.role != Role::Background, false))
        .or_else(|| eligible(&in_body, false))
        .or_else(|| eligible(&|_| true, false))
        // A text made only of questions still needs its one thesis.
        .or_else(|| eligible(&|_| true, true));
    (thesis, scores)
}

/// Share of the shorter unit's content words that two units have in common.
fn overlap(a: &Stems, b: &Stems) -> (usize, f64) {
    let shared = a.shared(b);
    let shorter = a.len().min(b.len()).max(1);
    (shared, shared as f64 / shorter as f64)
}

/// How much of the thesis a unit must repeat to be read as stating it again.
const RESTATEMENT_OVERLAP: f64 = 0.5;
const RESTATEMENT_MIN_SHARED: usize = 3;
/// The thesis score of a statement that declares a position outright (a stance lead such as
/// "In my opinion" or "I am convinced that", or a conclusion marker with a demand), not one
/// that only has a thesis-like word in it.
const DECLARED_POSITION: f64 = 1.0;
/// Two declared positions need fewer words in common than a restatement in passing: they are
/// already known to be the writer's position, at the two places an essay states it, so only
/// the subject has to be the same — and a conclusion names it in one word as often as not
/// ("From my point of view, school uniforms bring more benefits than drawbacks" / "In
/// conclusion, I believe that the advantages of uniforms outweigh this cost").
const DECLARED_MIN_SHARED: usize = 1;

/// The units that state the thesis again: the title or standfirst when it states a position,
/// and statements in the opening or closing paragraph that repeat most of the thesis's words.
fn find_restatements<'s>(
    units: &[LinkUnit],
    thesis: usize,
    stems_of: impl Fn(usize) -> Cow<'s, Stems>,
) -> Vec<Option<usize>> {
    let mut restates = vec![None; units.len()];
    // Only articles frame the argument in title, standfirst, introduction and conclusion.
    let Some((first_block, last_block)) = edge_blocks(units.iter().map(|u| u.place)) else {
        return restates;
    };
    let thesis_stems = stems_of(thesis);
    let is_edge = |u: &LinkUnit| {
        u.place.region == Region::Body
            && (u.place.block == first_block || u.place.block == last_block)
    };
    // The thesis declared outright in the opening or the closing paragraph: another declared
    // position in the other one may restate it in other words (below).
    let declared_thesis_block = (is_edge(&units[thesis])
        && units[thesis].thesis_score >= DECLARED_POSITION)
        .then_some(units[thesis].place.block);
    for (i, u) in units.iter().enumerate() {
        if i == thesis || u.question {
            continue;
        }
        let framing = matches!(u.place.region, Region::Title | Region::Standfirst);
        let at_edge = is_edge(u);
        let eligible = if framing {
            // Headline and deck count only when they take a side (some thesis rule fired on
            // them), not when they name a topic.
            matches!(
                u.role,
                Role::Background | Role::Claim | Role::Thesis | Role::Premise
            ) && u.thesis_score > 0.0
        } else {
            at_edge && can_be_thesis(u.role)
        };
        if !eligible {
            continue;
        }
        let (shared, share) = overlap(&stems_of(i), &thesis_stems);
        // Two demands at the two ends of an article that name the same things are one
        // position, said again in other words ("The government should double the grant ..."
        // / "The grant should therefore be doubled ...").
        let same_demand = at_edge
            && u.kind == Some(Kind::Policy)
            && units[thesis].kind == Some(Kind::Policy)
            && u.thesis_score > 0.0;
        // The position declared in the opening paragraph and the one the closing paragraph
        // arrives at ("In my opinion, investing in public transport is wiser than building
        // roads" / "In conclusion, public transport is cleaner ... than new roads") frame an
        // essay: when both carry the weight of a stated position and name the same subject,
        // they are one position, however differently worded.
        let declared_at_both_ends = at_edge
            && declared_thesis_block.is_some_and(|b| b != u.place.block)
            && u.thesis_score >= DECLARED_POSITION;
        let restated = if declared_at_both_ends {
            shared >= DECLARED_MIN_SHARED
        } else {
            shared >= RESTATEMENT_MIN_SHARED && (share >= RESTATEMENT_OVERLAP || same_demand)
        };
        if restated {
            restates[i] = Some(thesis);
        }
    }
    restates
}

/// Settles the thesis and links every unit. With `explain`, every link rule is tried on every
/// unit and kept in [`Linking::candidates`] (what `explain` and `rules test` show); without it,
/// a unit's search stops at the rule that links it and `candidates` stays empty.
pub fn link(ctx: &mut Context, units: &mut [AnnotatedUnit], explain: bool) -> Linking {
    let grammar = ctx.grammar;
    // The same placements as the units', borrowed from the context so the units stay free
    // to take their settled roles.
    let places = ctx.units;
    let quoted = ctx.quoted().to_vec();
    let mut view: Vec<LinkUnit> = units
        .iter()
        .enumerate()
        .map(|(i, u)| LinkUnit {
            place: &places[i],
            role: u.role,
            kind: u.kind.kind,
            thesis_score: thesis_score(grammar, u),
            question: is_question(ctx, i),
            in_quotation: quoted[i],
        })
        .collect();
    let (thesis, thesis_scores, restates) =
        settle_thesis(&mut view, |i| Cow::Borrowed(ctx.unit_stems(i)));
    for (i, (u, v)) in units.iter_mut().zip(&view).enumerate() {
        u.role = v.role;
        if Some(i) == thesis {
            u.score = u.score.max(thesis_scores[i]);
        }
        ctx.roles[i] = Some(v.role);
    }
    ctx.thesis = thesis;

    let weights: Vec<f64> = grammar.links.iter().map(|r| r.weight).collect();
    let order = link_order(&weights);
    let ctx = &*ctx;
    let layout = ctx.link_context();
    let (links, candidates) = link_units(
        &layout,
        &view,
        &grammar.links,
        &weights,
        &order,
        &restates,
        explain,
        |r, i| {
            grammar.links[r]
                .when
                .as_ref()
                .is_none_or(|c| ctx.holds(c, i, &mut Vec::new()))
        },
    );
    Linking {
        thesis,
        links,
        candidates,
        thesis_scores,
        restates,
        in_quotation: quoted,
    }
}

/// Chooses the thesis and the units that restate it, and settles roles accordingly: the
/// thesis becomes `thesis`, any other would-be thesis and every restatement a `claim`.
/// Returns the thesis, every unit's thesis score and what each unit restates.
pub fn settle_thesis<'s>(
    units: &mut [LinkUnit],
    stems_of: impl Fn(usize) -> Cow<'s, Stems>,
) -> (Option<usize>, Vec<f64>, Vec<Option<usize>>) {
    let (thesis, thesis_scores) = choose_thesis(units);
    let restates = match thesis {
        Some(t) => find_restatements(units, t, stems_of),
        None => vec![None; units.len()],
    };
    if let Some(t) = thesis {
        for (i, u) in units.iter_mut().enumerate() {
            if i == t {
                u.role = Role::Thesis;
            } else if u.role == Role::Thesis && u.in_quotation {
                // Someone else's words that sounded like a thesis back the writer's point as
                // testimony: evidence, not a claim of the writer's own.
                u.role = Role::Evidence;
            } else if u.role == Role::Thesis || restates[i].is_some() {
                u.role = Role::Claim;
            }
        }
    }
    (thesis, thesis_scores, restates)
}

/// Gives every argumentative unit but the thesis one outgoing link: a restatement supports
/// the thesis, any other unit takes the first rule in `order` whose condition holds
/// (`holds(rule, unit)`) and whose target closes no cycle, else supports the thesis.
/// `weights` stand in for the rules' own; with `explain` every rule is tried and its
/// [`Candidate`] kept, without it the first that links ends the search.
#[allow(clippy::too_many_arguments)] // ok: the pipeline and `tune` supply these differently
pub fn link_units(
    ctx: &LinkContext,
    units: &[LinkUnit],
    rules: &[LinkRule],
    weights: &[f64],
    order: &[usize],
    restates: &[Option<usize>],
    explain: bool,
    mut holds: impl FnMut(usize, usize) -> bool,
) -> (Vec<Link>, Vec<Vec<Candidate>>) {
    let thesis = ctx.thesis;
    let index = RoleIndex::new(units);
    let mut chains = ChainEnds::new(units.len());
    // At most one link leaves each unit: room for all of them at once spares a growing
    // vector's spare capacity (up to half of it) at the linking, the moment of mapping a
    // document of many small units that needs the most memory.
    let mut links = Vec::with_capacity(units.len());
    let mut candidates = vec![Vec::new(); if explain { units.len() } else { 0 }];
    for i in 0..units.len() {
        if Some(i) == thesis || units[i].role == Role::Background {
            continue;
        }
        // A restatement of the thesis backs it as a second statement of the same position.
        if let Some(t) = restates[i] {
            chains.link(i, t);
            links.push(Link {
                from: i,
                to: t,
                kind: RelationKind::Support,
                rule: None,
                score: 1.0,
            });
            continue;
        }
        let mut chosen: Option<(usize, usize)> = None;
        for &r in order {
            if chosen.is_some() && !explain {
                break;
            }
            let rule = &rules[r];
            let outcome = if !holds(r, i) {
                Outcome::ConditionFailed
            } else {
                match resolve(ctx, units, &index, rule, i, &links) {
                    None => Outcome::NoTarget,
                    // `i` has no outgoing link yet, so it ends its own chain: a link to `t`
                    // closes a cycle exactly when `t`'s chain ends at `i`.
                    Some(t) if chains.end(t) == i => Outcome::WouldCycle(t),
                    Some(t) if chosen.is_some() => Outcome::Beaten(t),
                    Some(t) => {
                        chosen = Some((r, t));
                        Outcome::Chosen(t)
                    }
                }
            };
            if explain {
                candidates[i].push(Candidate { rule: r, outcome });
            }
        }
        let link = match chosen {
            Some((r, t)) => Link {
                from: i,
                to: t,
                kind: rules[r].kind,
                rule: Some(r),
                score: weights[r],
            },
            None => match thesis {
                // Every argumentative unit must reach the thesis; when no rule links it,
                // it supports the thesis directly.
                Some(t) => Link {
                    from: i,
                    to: t,
                    kind: RelationKind::Support,
                    rule: None,
                    score: 0.0,
                },
                None => continue,
            },
        };
        chains.link(i, link.to);
        links.push(link);
    }
    (links, candidates)
}

/// Where each unit's chain of outgoing links ends, kept as a union-find forest: every unit has at
/// most one outgoing link and gets it once, so linking `from` → `to` makes every chain that
/// ended at `from` end where `to`'s chain ends. Path halving keeps lookups near constant, so
/// cycle checks stay cheap on long documents.
struct ChainEnds {
    parent: Vec<usize>,
}

impl ChainEnds {
    fn new(n: usize) -> ChainEnds {
        ChainEnds {
            parent: (0..n).collect(),
        }
    }

    fn end(&mut self, mut u: usize) -> usize {
        while self.parent[u] != u {
            self.parent[u] = self.parent[self.parent[u]];
            u = self.parent[u];
        }
        u
    }

    fn link(&mut self, from: usize, to: usize) {
        let end = self.end(to);
        self.parent[from] = end;
    }
}

fn usable(units: &[LinkUnit], j: usize, i: usize) -> bool {
    j != i && units[j].role != Role::Background
}

/// Units by role, in document order, so that "nearest counterclaim" or "the claim of this
/// paragraph" is a binary search rather than a scan of the whole document.
struct RoleIndex {
    by_role: Vec<Vec<usize>>,
    /// Claims and the thesis: the points other units back.
    points: Vec<usize>,
    /// Policy and value units: the opinions facts, figures and testimony back.
    opinions: Vec<usize>,
    /// The first two points of every section (of the preamble and of the body separately).
    section_points: rustc_hash::FxHashMap<(Option<usize>, bool), Vec<usize>>,
    /// In an article, per body paragraph that has no claim: its first opinion, the point the
    /// rest of the paragraph makes its case for (block → unit).
    heads: rustc_hash::FxHashMap<usize, usize>,
    /// Per section, its first point or paragraph head: what a later paragraph head backs.
    section_first: rustc_hash::FxHashMap<(Option<usize>, bool), usize>,
    /// The block of an article's introduction (its first body paragraph).
    introduction: Option<usize>,
    /// Per unit in a list item, the unit just before the list (see [`Target::LeadIn`]),
    /// found once for the whole list rather than by walking back from every item.
    lead_in: Vec<Option<usize>>,
}

impl RoleIndex {
    fn new(units: &[LinkUnit]) -> RoleIndex {
        let mut by_role = vec![Vec::new(); Role::ALL.len()];
        let mut points = Vec::new();
        let mut opinions = Vec::new();
        let mut section_points: rustc_hash::FxHashMap<_, Vec<usize>> = Default::default();
        for (i, u) in units.iter().enumerate() {
            by_role[u.role as usize].push(i);
            if matches!(u.kind, Some(Kind::Policy | Kind::Value)) {
                opinions.push(i);
            }
            if matches!(u.role, Role::Claim | Role::Thesis) {
                points.push(i);
                let first = section_points.entry(section_key(u)).or_default();
                if first.len() < 2 {
                    first.push(i);
                }
            }
        }
        // Only articles (three body paragraphs or more) have paragraph structure to read.
        let edges = edge_blocks(units.iter().map(|u| u.place));
        let heads = if edges.is_some() {
            paragraph_heads(units)
        } else {
            Default::default()
        };
        let mut section_first: rustc_hash::FxHashMap<_, usize> = Default::default();
        // An answer to an objection is its paragraph's point, but not the point a section's
        // later paragraphs make their case for: they argue for the position, not the reply.
        let section_heads = heads.values().filter(|&&j| units[j].role != Role::Rebuttal);
        for &j in points.iter().chain(section_heads) {
            let first = section_first.entry(section_key(&units[j])).or_insert(j);
            *first = (*first).min(j);
        }
        let mut lead_in: Vec<Option<usize>> = Vec::with_capacity(units.len());
        for (i, u) in units.iter().enumerate() {
            let before = i.checked_sub(1).filter(|&j| {
                units[j].place.section == u.place.section && units[j].place.region == u.place.region
            });
            lead_in.push(match before {
                Some(j) if u.place.list_item && units[j].place.list_item => lead_in[j],
                Some(j) if u.place.list_item => Some(j),
                _ => None,
            });
        }
        RoleIndex {
            by_role,
            points,
            opinions,
            section_points,
            heads,
            section_first,
            introduction: edges.map(|(first, _)| first),
            lead_in,
        }
    }

    /// The last of `list` before `i` satisfying `ok`, scanning back while `within` holds.
    fn before(
        list: &[usize],
        i: usize,
        within: impl Fn(usize) -> bool,
        ok: impl Fn(usize) -> bool,
    ) -> Option<usize> {
        let at = list.partition_point(|&j| j < i);
        list[..at]
            .iter()
            .rev()
            .copied()
            .take_while(|&j| within(j))
            .find(|&j| ok(j))
    }

    fn after(
        list: &[usize],
        i: usize,
        within: impl Fn(usize) -> bool,
        ok: impl Fn(usize) -> bool,
    ) -> Option<usize> {
        let at = list.partition_point(|&j| j <= i);
        list[at..]
            .iter()
            .copied()
            .take_while(|&j| within(j))
            .find(|&j| ok(j))
    }
}

/// A paragraph with fewer units than this under its head is a short run of reasons, not a
/// point developed: comments and posts written one or two sentences to a paragraph list
/// their reasons that way, and each backs the point above directly.
const MIN_UNITS_UNDER_HEAD: usize = 3;

/// The head of every body paragraph of an article (the caller checks it is one) that has no
/// claim of its own: its answer to an objection when it gives one, else its first judgement or
/// demand that argues rather than concedes. Commentary makes one point
/// per paragraph, often without a marker that makes it a claim; without a head, every
/// sentence of such a paragraph would back the thesis directly, a fan no reader can follow.
fn paragraph_heads(units: &[LinkUnit]) -> rustc_hash::FxHashMap<usize, usize> {
    let mut heads = rustc_hash::FxHashMap::default();
    let body: Vec<usize> = (0..units.len())
        .filter(|&i| units[i].place.region == Region::Body)
        .collect();
    let has_point: BTreeSet<usize> = body
        .iter()
        .filter(|&&i| matches!(units[i].role, Role::Claim | Role::Thesis))
        .map(|&i| units[i].place.block)
        .collect();
    let mut sizes: std::collections::BTreeMap<usize, usize> = std::collections::BTreeMap::new();
    for &i in &body {
        *sizes.entry(units[i].place.block).or_default() += 1;
    }
    let developed = |block: usize| sizes.get(&block).copied().unwrap_or(0) > MIN_UNITS_UNDER_HEAD;
    // A paragraph that reports an objection and answers it makes the answer its point: the
    // reasons that follow the answer are reasons for it.
    for &i in &body {
        let block = units[i].place.block;
        if units[i].role == Role::Rebuttal && !has_point.contains(&block) {
            heads.entry(block).or_insert(i);
        }
    }
    for &i in &body {
        let u = &units[i];
        if has_point.contains(&u.place.block)
            || heads.contains_key(&u.place.block)
            || !developed(u.place.block)
        {
            continue;
        }
        // A clause inside a sentence ("…, because the bus is the only way in") is part of
        // that sentence's point, never the paragraph's.
        let opens_sentence = i == 0 || units[i - 1].place.sentence != u.place.sentence;
        if matches!(u.kind, Some(Kind::Policy | Kind::Value))
            && matches!(u.role, Role::Premise | Role::Evidence)
            && opens_sentence
        {
            heads.insert(u.place.block, i);
        }
    }
    // A paragraph of facts and figures alone: its first sentence introduces what the rest
    // reports (the topic sentence).
    for &i in &body {
        let block = units[i].place.block;
        if !has_point.contains(&block)
            && !heads.contains_key(&block)
            && developed(block)
            && matches!(units[i].role, Role::Premise | Role::Evidence)
        {
            heads.insert(block, i);
        }
    }
    heads
}

/// For a paragraph that makes no point of its own (a paragraph of evidence that continues the
/// one before), the last point of the paragraph just before it in the same section.
fn previous_paragraph_point(
    ctx: &LinkContext,
    units: &[LinkUnit],
    index: &RoleIndex,
    i: usize,
) -> Option<usize> {
    let place = &units[i].place;
    let first_of_paragraph = (0..i)
        .rev()
        .take_while(|&j| units[j].place.block == place.block)
        .last()
        .unwrap_or(i);
    let prev = ctx.prev(first_of_paragraph)?;
    let prev_block = units[prev].place.block;
    let same_paragraph = |j: usize| units[j].place.block == prev_block;
    (units[prev].place.section == place.section && units[prev].place.region == place.region)
        .then(|| {
            RoleIndex::before(&index.points, first_of_paragraph, same_paragraph, |j| {
                usable(units, j, i)
            })
        })
        .flatten()
}

/// The link that leaves unit `from`, if it has one yet. Linking visits units in document order
/// and gives each at most one link, so `links` is sorted by `from`.
fn outgoing(links: &[Link], from: usize) -> Option<&Link> {
    links
        .binary_search_by_key(&from, |l| l.from)
        .ok()
        .map(|k| &links[k])
}

/// The first unit reached by stepping from `i` that satisfies `ok`.
fn walk(
    i: usize,
    step: impl Fn(usize) -> Option<usize>,
    ok: impl Fn(usize) -> bool,
) -> Option<usize> {
    std::iter::successors(step(i), |&j| step(j)).find(|&j| ok(j))
}

fn section_key(u: &LinkUnit) -> (Option<usize>, bool) {
    (
        u.place.section,
        u.place.region == crate::grammar::Region::Body,
    )
}

fn resolve(
    ctx: &LinkContext,
    units: &[LinkUnit],
    index: &RoleIndex,
    rule: &LinkRule,
    i: usize,
    links: &[Link],
) -> Option<usize> {
    let place = &units[i].place;
    let ok = |j: usize| usable(units, j, i);
    let anywhere = |_: usize| true;
    match &rule.target {
        Target::Previous => walk(i, |j| ctx.prev(j), ok),
        Target::Next => walk(i, |j| ctx.next(j), ok),
        Target::Thesis => ctx.thesis.filter(|&t| t != i),
        Target::ParagraphClaim => {
            let same = |j: usize| units[j].place.block == place.block;
            let before = RoleIndex::before(&index.points, i, same, ok);
            // A paragraph's main claim is its first: a later claim backs an earlier one, never
            // the other way round.
            if units[i].role == Role::Claim {
                return before;
            }
            // An introduction that states the thesis builds up to it: what comes before the
            // thesis there (the scene it opens with, an objection the thesis answers) leads
            // to the thesis, not to the sentence that opened the paragraph.
            if index.introduction == Some(place.block) {
                let thesis_here = ctx
                    .thesis
                    .filter(|&t| t > i && same(t) && ok(t) && before.is_none_or(|b| b < t));
                if thesis_here.is_some() {
                    return thesis_here;
                }
            }
            // An answer to an objection is the point only of the reasons that follow it: an
            // objection raised next in the paragraph is a new one, not an attack on the answer.
            let head = index.heads.get(&place.block).copied().filter(|&h| {
                units[h].role != Role::Rebuttal
                    || h == i
                    || (h < i && units[i].role != Role::Counterclaim)
            });
            if head == Some(i) {
                // The paragraph's own point backs the first point of its headed section, or
                // (by the rules after this one) the thesis.
                place.section?;
                return index
                    .section_first
                    .get(&section_key(&units[i]))
                    .copied()
                    .filter(|&j| j < i && ok(j));
            }
            before
                .or_else(|| RoleIndex::after(&index.points, i, same, ok))
                .or_else(|| head.filter(|&h| ok(h)))
                .or_else(|| previous_paragraph_point(ctx, units, index, i))
        }
        Target::ParagraphOpinion => {
            let same = |j: usize| units[j].place.block == place.block;
            RoleIndex::before(&index.opinions, i, same, ok)
                .or_else(|| RoleIndex::after(&index.opinions, i, same, ok))
        }
        // The section's first point, for the points made after it in a headed section.
        Target::SectionClaim => place.section.and(
            index
                .section_points
                .get(&section_key(&units[i]))
                .and_then(|first| first.iter().copied().find(|&j| j < i && ok(j))),
        ),
        Target::LeadIn => {
            let lead = index.lead_in[i]?;
            // A lead-in that only opens a sentence for the list to finish states nothing on
            // its own: the items back what it backs.
            let served = units[lead]
                .place
                .left_open
                .then(|| outgoing(links, lead))
                .flatten()
                .filter(|l| l.kind == RelationKind::Support)
                .map(|l| l.to);
            served.or(Some(lead)).filter(|&j| ok(j))
        }
        Target::SentenceHead => {
            let head = ctx.sentence_start(i);
            (head != i && ok(head)).then_some(head)
        }
        Target::Nearest(role) => {
            let list = &index.by_role[*role as usize];
            RoleIndex::before(list, i, anywhere, ok)
                .or_else(|| RoleIndex::after(list, i, anywhere, ok))
        }
        Target::Preceding(role) => {
            let found = RoleIndex::before(&index.by_role[*role as usize], i, anywhere, ok)?;
            // Answering a unit that only backs an earlier one of the same role ("Some will
            // object X. Admittedly, Y. Yet Z.") answers the point it backs: Z replies to X.
            let mut target = found;
            while let Some(up) = outgoing(links, target)
                .filter(|l| l.kind == RelationKind::Support && l.to < target)
                .map(|l| l.to)
                .filter(|&t| units[t].role == *role && ok(t))
            {
                target = up;
            }
            Some(target)
        }
        Target::Sibling => {
            // A unit that opens a sentence continues the previous sentence's point, from its
            // head: a clause inside that sentence ("First, X, as Y did in 2023") backs the
            // head, and the next point ("Second, …") is no reason for the first one. Inside a
            // sentence, the unit just before is the sibling.
            let prev = ctx.prev(i)?;
            let prev = if ctx.sentence_start(i) == i {
                ctx.sentence_start(prev)
            } else {
                prev
            };
            links
                .iter()
                .rev()
                .find(|l| l.from == prev && l.kind == rule.kind)
                .map(|l| l.to)
                .filter(|&t| ok(t))
        }
    }
}

#[cfg(test)]
#[path = "link_tests.rs"]
mod tests;
