//! Linking: picks the one thesis and gives every other argumentative unit exactly one outgoing
//! relation, chosen by the link rules, never closing a cycle.

use crate::annotate::{AnnotatedUnit, Context};
use crate::grammar::{Grammar, LinkRule, Target};
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
    /// Per unit: every link rule in the order tried.
    pub candidates: Vec<Vec<Candidate>>,
    /// Thesis score of every unit (sum of the weights of thesis rules that fired).
    pub thesis_scores: Vec<f64>,
}

pub const FALLBACK_RULE: &str = "fallback:thesis";

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

/// Chooses the thesis: the unit with the highest thesis score among those that can state the
/// author's position (counterclaims and rebuttals cannot); ties go to the earlier unit.
fn choose_thesis(grammar: &Grammar, units: &[AnnotatedUnit]) -> (Option<usize>, Vec<f64>) {
    let scores: Vec<f64> = units.iter().map(|u| thesis_score(grammar, u)).collect();
    let eligible = |pred: &dyn Fn(&AnnotatedUnit) -> bool| {
        units
            .iter()
            .enumerate()
            .filter(|(_, u)| pred(u))
            .max_by(|(a, _), (b, _)| scores[*a].total_cmp(&scores[*b]).then(b.cmp(a)))
            .map(|(i, _)| i)
    };
    let thesis = eligible(&|u| can_be_thesis(u.role))
        .or_else(|| eligible(&|u| u.role == Role::Rebuttal))
        .or_else(|| eligible(&|u| u.role != Role::Background))
        .or_else(|| eligible(&|u| u.place.region == crate::grammar::Region::Body))
        .or_else(|| eligible(&|_| true));
    (thesis, scores)
}

pub fn link(ctx: &mut Context, units: &mut [AnnotatedUnit]) -> Linking {
    let grammar = ctx.grammar;
    let (thesis, thesis_scores) = choose_thesis(grammar, units);
    if let Some(t) = thesis {
        for (i, u) in units.iter_mut().enumerate() {
            if i == t {
                u.role = Role::Thesis;
                u.score = u.score.max(thesis_scores[t]);
            } else if u.role == Role::Thesis {
                u.role = Role::Claim;
            }
        }
    }
    for (i, u) in units.iter().enumerate() {
        ctx.roles[i] = Some(u.role);
    }
    ctx.thesis = thesis;

    let mut order: Vec<usize> = (0..grammar.links.len()).collect();
    order.sort_by(|&a, &b| {
        grammar.links[b]
            .weight
            .total_cmp(&grammar.links[a].weight)
            .then(a.cmp(&b))
    });

    let index = RoleIndex::new(units);
    let mut chains = ChainEnds::new(units.len());
    let mut links = Vec::new();
    let mut candidates = vec![Vec::new(); units.len()];
    for i in 0..units.len() {
        if Some(i) == thesis || units[i].role == Role::Background {
            continue;
        }
        let mut chosen: Option<(usize, usize)> = None;
        for &r in &order {
            let rule = &grammar.links[r];
            let holds = rule
                .when
                .as_ref()
                .is_none_or(|c| ctx.holds(c, i, &mut Vec::new()));
            let outcome = if !holds {
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
            candidates[i].push(Candidate { rule: r, outcome });
        }
        let link = match chosen {
            Some((r, t)) => Link {
                from: i,
                to: t,
                kind: grammar.links[r].kind,
                rule: Some(r),
                score: grammar.links[r].weight,
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
    Linking {
        thesis,
        links,
        candidates,
        thesis_scores,
    }
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

fn usable(units: &[AnnotatedUnit], j: usize, i: usize) -> bool {
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
    section_points: std::collections::HashMap<(Option<usize>, bool), Vec<usize>>,
}

impl RoleIndex {
    fn new(units: &[AnnotatedUnit]) -> RoleIndex {
        let mut by_role = vec![Vec::new(); Role::ALL.len()];
        let mut points = Vec::new();
        let mut opinions = Vec::new();
        let mut section_points: std::collections::HashMap<_, Vec<usize>> = Default::default();
        for (i, u) in units.iter().enumerate() {
            by_role[u.role as usize].push(i);
            if matches!(u.kind.kind, Some(Kind::Policy | Kind::Value)) {
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
        RoleIndex {
            by_role,
            points,
            opinions,
            section_points,
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

/// The first unit reached by stepping from `i` that satisfies `ok`.
fn walk(
    i: usize,
    step: impl Fn(usize) -> Option<usize>,
    ok: impl Fn(usize) -> bool,
) -> Option<usize> {
    std::iter::successors(step(i), |&j| step(j)).find(|&j| ok(j))
}

fn section_key(u: &AnnotatedUnit) -> (Option<usize>, bool) {
    (
        u.place.section,
        u.place.region == crate::grammar::Region::Body,
    )
}

fn resolve(
    ctx: &Context,
    units: &[AnnotatedUnit],
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
            RoleIndex::before(&index.points, i, same, ok)
                .or_else(|| RoleIndex::after(&index.points, i, same, ok))
        }
        Target::ParagraphOpinion => {
            let same = |j: usize| units[j].place.block == place.block;
            RoleIndex::before(&index.opinions, i, same, ok)
                .or_else(|| RoleIndex::after(&index.opinions, i, same, ok))
        }
        Target::SectionClaim => index
            .section_points
            .get(&section_key(&units[i]))
            .and_then(|first| first.iter().copied().find(|&j| ok(j))),
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
            RoleIndex::before(&index.by_role[*role as usize], i, anywhere, ok)
        }
        Target::Sibling => {
            let prev = ctx.prev(i)?;
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
