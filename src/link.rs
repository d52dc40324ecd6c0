//! Linking: picks the one thesis and gives every other argumentative unit exactly one outgoing
//! relation, chosen by the link rules, never closing a cycle.

use crate::annotate::{AnnotatedUnit, Context};
use crate::grammar::{Grammar, LinkRule, Target};
use crate::graph::model::{RelationKind, Role};

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

    let mut outgoing: Vec<Option<usize>> = vec![None; units.len()];
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
                match resolve(ctx, units, rule, i, &links) {
                    None => Outcome::NoTarget,
                    Some(t) if reaches(&outgoing, t, i) => Outcome::WouldCycle(t),
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
        outgoing[i] = Some(link.to);
        links.push(link);
    }
    Linking {
        thesis,
        links,
        candidates,
        thesis_scores,
    }
}

/// Whether following outgoing links (unit → target unit) from `start` reaches `target`; adding
/// target → start would then close a cycle.
fn reaches(outgoing: &[Option<usize>], start: usize, target: usize) -> bool {
    let mut u = start;
    for _ in 0..=outgoing.len() {
        if u == target {
            return true;
        }
        match outgoing[u] {
            Some(next) => u = next,
            None => return false,
        }
    }
    true
}

fn usable(units: &[AnnotatedUnit], j: usize, i: usize) -> bool {
    j != i && units[j].role != Role::Background
}

fn resolve(
    ctx: &Context,
    units: &[AnnotatedUnit],
    rule: &LinkRule,
    i: usize,
    links: &[Link],
) -> Option<usize> {
    let place = &units[i].place;
    let n = units.len();
    let is_point = |j: usize| matches!(units[j].role, Role::Claim | Role::Thesis);
    match &rule.target {
        Target::Previous => {
            let mut j = ctx.prev(i)?;
            loop {
                if usable(units, j, i) {
                    return Some(j);
                }
                j = ctx.prev(j)?;
            }
        }
        Target::Next => {
            let mut j = ctx.next(i)?;
            loop {
                if usable(units, j, i) {
                    return Some(j);
                }
                j = ctx.next(j)?;
            }
        }
        Target::Thesis => ctx.thesis.filter(|&t| t != i),
        Target::ParagraphClaim => (0..i)
            .rev()
            .chain(i + 1..n)
            .find(|&j| units[j].place.block == place.block && is_point(j) && usable(units, j, i)),
        Target::SectionClaim => (0..n).find(|&j| {
            units[j].place.section == place.section
                && units[j].place.region == place.region
                && is_point(j)
                && usable(units, j, i)
        }),
        Target::SentenceHead => {
            let head = ctx.sentence_start(i);
            (head != i && usable(units, head, i)).then_some(head)
        }
        Target::Nearest(role) => (0..i)
            .rev()
            .chain(i + 1..n)
            .find(|&j| units[j].role == *role && usable(units, j, i)),
        Target::Preceding(role) => (0..i)
            .rev()
            .find(|&j| units[j].role == *role && usable(units, j, i)),
        Target::Sibling => {
            let prev = ctx.prev(i)?;
            links
                .iter()
                .find(|l| l.from == prev && l.kind == rule.kind)
                .map(|l| l.to)
                .filter(|&t| usable(units, t, i))
        }
    }
}

#[cfg(test)]
#[path = "link_tests.rs"]
mod tests;
