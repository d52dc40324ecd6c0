//! Per-rule firing counts and precision against gold: the table a rule author works from.
//!
//! A rule is judged only on what it decided and what survived: a role rule on the units it fired
//! on whose final role is the rule's role (a later rule that overrode it is not its fault), a
//! link rule on the relations it produced, a segmentation rule on the units it fired on.
//!
//! Correctness, per decision:
//! - role rules look at the *one* gold unit that overlaps the predicted unit most (ties: earlier
//!   gold start), because a role is one decision about one unit:
//!   `thesis` ↔ that gold unit is central; `counterclaim` ↔ it is `opp`; `rebuttal` ↔ it is `pro`
//!   and its function is attack; `claim`/`premise`/`evidence` ↔ it is `pro` and its function is
//!   support (see `metrics` for function); `background` ↔ no gold unit overlaps the predicted
//!   unit by at least half of the shorter of the two spans (so a background unit that swallows
//!   a whole gold unit, or sits mostly inside one, is wrong);
//! - link rules use the same gold→predicted alignment as the `at` metric, so a link counts as
//!   right exactly when it would earn an `at` hit: some gold unit aligned to `from` has a gold
//!   relation of the same polarity to some gold unit aligned to `to`;
//! - segmentation rules: the unit overlaps some gold unit by at least half of the longer span
//!   (the segmentation overlap criterion, not one-to-one).

use std::collections::{BTreeSet, HashMap};

use serde::Serialize;

use super::metrics::{self, overlap, DocScore, Function, Paired};
use crate::graph::model::{Kind, RelationKind, Role, Stance};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RuleDecision {
    Role(Role),
    Kind(Kind),
    Link(RelationKind),
    Segment,
}

impl std::fmt::Display for RuleDecision {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RuleDecision::Role(r) => write!(f, "role:{r}"),
            RuleDecision::Kind(k) => write!(f, "kind:{k}"),
            RuleDecision::Link(k) => write!(f, "link:{k}"),
            RuleDecision::Segment => f.write_str("segment"),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleInfo {
    pub name: String,
    pub decides: RuleDecision,
    /// `file:line` of the rule's definition, so the table points straight at it.
    pub location: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RuleStats {
    pub name: String,
    /// `role:NAME`, `link:support|attack` or `segment`.
    pub decides: String,
    pub location: String,
    /// Units whose `rules` name the rule plus relations whose `rule` is the rule.
    pub fired: usize,
    /// The firings precision is measured on (see the module comment).
    pub judged: usize,
    pub correct: usize,
    /// `correct / judged`; `None` when nothing was judged.
    pub precision: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Diagnostics {
    /// Sorted by `fired`, most first; ties by name.
    pub rules: Vec<RuleStats>,
    /// Listed rules that fired nowhere, by name.
    pub never_fired: Vec<String>,
    /// Rule names found in the maps but missing from the rule list — usually a renamed rule.
    pub unlisted_rules: Vec<String>,
    /// The ten lowest per-document scores, lowest first; ties by id.
    pub worst_documents: Vec<DocScore>,
}

pub const WORST_DOCUMENTS: usize = 10;

/// How often a rule fired, and how many of its decisions were judged and right.
#[derive(Default, Clone, Copy)]
pub(crate) struct Counts {
    pub fired: usize,
    pub judged: usize,
    pub correct: usize,
}

/// The rule table from per-rule counts (in `rules` order): most fired first, ties by name, and
/// the rules that never fired. Shared by every gold format's report.
pub(crate) fn rule_table(rules: &[RuleInfo], counts: &[Counts]) -> (Vec<RuleStats>, Vec<String>) {
    let mut stats: Vec<RuleStats> = rules
        .iter()
        .zip(counts)
        .map(|(r, c)| RuleStats {
            name: r.name.clone(),
            decides: r.decides.to_string(),
            location: r.location.clone(),
            fired: c.fired,
            judged: c.judged,
            correct: c.correct,
            precision: (c.judged > 0).then(|| c.correct as f64 / c.judged as f64),
        })
        .collect();
    stats.sort_by(|a, b| b.fired.cmp(&a.fired).then_with(|| a.name.cmp(&b.name)));
    let mut never_fired: Vec<String> = stats
        .iter()
        .filter(|s| s.fired == 0)
        .map(|s| s.name.clone())
        .collect();
    never_fired.sort();
    never_fired.dedup();
    (stats, never_fired)
}

fn role_correct(pair: &Paired, p: usize, role: Role) -> bool {
    if role == Role::Background {
        let span = pair.pred_spans[p];
        return !pair.gold_spans.iter().any(|&g| {
            let ov = overlap(g, span);
            let shorter = (g.1 - g.0).min(span.1.saturating_sub(span.0));
            ov > 0 && 2 * ov >= shorter
        });
    }
    let Some(g) = pair.gold_for(p) else {
        return false;
    };
    let unit = &pair.doc.units[g];
    let function = metrics::gold_function(pair.doc, unit);
    match role {
        Role::Thesis => unit.central,
        Role::Counterclaim => unit.role == Stance::Opp,
        Role::Rebuttal => unit.role == Stance::Pro && function == Function::Attack,
        Role::Claim | Role::Premise | Role::Evidence => {
            unit.role == Stance::Pro && function == Function::Support
        }
        Role::Background => unreachable!("handled above"),
    }
}

fn link_correct(pair: &Paired, from: &str, to: &str, kind: RelationKind) -> bool {
    let aligned_id = |g: usize| pair.align[g].map(|p| pair.map.units[p].id.as_str());
    let index: HashMap<&str, usize> = pair
        .doc
        .units
        .iter()
        .enumerate()
        .map(|(i, u)| (u.id.as_str(), i))
        .collect();
    pair.doc.relations.iter().any(|r| {
        r.kind.polarity() == kind
            && index.get(r.src.as_str()).and_then(|&g| aligned_id(g)) == Some(from)
            && index.get(r.trg.as_str()).and_then(|&g| aligned_id(g)) == Some(to)
    })
}

fn segment_correct(pair: &Paired, p: usize) -> bool {
    pair.gold_spans
        .iter()
        .any(|&g| metrics::overlap_match(g, pair.pred_spans[p]))
}

pub(crate) fn diagnose(
    pairs: &[Paired],
    doc_scores: &[DocScore],
    rules: &[RuleInfo],
) -> Diagnostics {
    let by_name: HashMap<&str, usize> = rules
        .iter()
        .enumerate()
        .map(|(i, r)| (r.name.as_str(), i))
        .collect();
    let mut counts = vec![Counts::default(); rules.len()];
    let mut unlisted = BTreeSet::new();

    for pair in pairs {
        for (p, unit) in pair.map.units.iter().enumerate() {
            let names: BTreeSet<&str> = unit.rules.iter().map(|r| r.as_str()).collect();
            for name in names {
                let Some(&i) = by_name.get(name) else {
                    unlisted.insert(name.to_string());
                    continue;
                };
                let c = &mut counts[i];
                c.fired += 1;
                match rules[i].decides {
                    RuleDecision::Role(role) if unit.role == role => {
                        c.judged += 1;
                        c.correct += usize::from(role_correct(pair, p, role));
                    }
                    RuleDecision::Segment => {
                        c.judged += 1;
                        c.correct += usize::from(segment_correct(pair, p));
                    }
                    _ => {}
                }
            }
        }
        for rel in &pair.map.relations {
            if rel.rule.is_empty() {
                continue;
            }
            let Some(&i) = by_name.get(rel.rule.as_str()) else {
                unlisted.insert(rel.rule.to_string());
                continue;
            };
            let c = &mut counts[i];
            c.fired += 1;
            if let RuleDecision::Link(_) = rules[i].decides {
                c.judged += 1;
                c.correct += usize::from(link_correct(pair, &rel.from, &rel.to, rel.kind));
            }
        }
    }

    let (stats, never_fired) = rule_table(rules, &counts);

    let mut worst: Vec<DocScore> = doc_scores.iter().filter(|d| d.units > 0).cloned().collect();
    worst.sort_by(|a, b| a.score.total_cmp(&b.score).then_with(|| a.id.cmp(&b.id)));
    worst.truncate(WORST_DOCUMENTS);

    Diagnostics {
        rules: stats,
        never_fired,
        unlisted_rules: unlisted.into_iter().collect(),
        worst_documents: worst,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::eval::metrics::tests::{worked_gold, worked_prediction};
    use crate::eval::metrics::{doc_score, tally_doc};

    fn rule(name: &str, decides: RuleDecision) -> RuleInfo {
        RuleInfo {
            name: name.into(),
            decides,
            location: format!("rules/{name}.rule:1"),
        }
    }

    #[test]
    fn rule_table_by_hand() {
        let gold = worked_gold();
        let map = worked_prediction();
        let pair = Paired::new(&gold, &map);
        let scores = vec![doc_score(&gold, &tally_doc(&pair))];
        let rules = vec![
            rule("thesis-first", RuleDecision::Role(Role::Thesis)),
            rule("counter-some-say", RuleDecision::Role(Role::Counterclaim)),
            rule("rebut-but", RuleDecision::Role(Role::Rebuttal)),
            rule("bg-thanks", RuleDecision::Role(Role::Background)),
            rule("link-attack-prev", RuleDecision::Link(RelationKind::Attack)),
            rule("seg-sentence", RuleDecision::Segment),
            rule("never", RuleDecision::Role(Role::Evidence)),
        ];
        let d = diagnose(&[pair], &scores, &rules);
        let get = |name: &str| d.rules.iter().find(|r| r.name == name).unwrap();
        let row = |name: &str| {
            let r = get(name);
            (r.fired, r.judged, r.correct)
        };
        // p1 (thesis) best-overlaps g1 (18 chars vs 12 for g2), which is central: 1/1.
        assert_eq!(row("thesis-first"), (1, 1, 1));
        // Fired on p2 and p3; p3 ended up a rebuttal, so only p2 is judged: g3 is opp -> 1/1.
        assert_eq!(row("counter-some-say"), (2, 1, 1));
        // p3 -> g4: pro, and its outgoing relation is an undercut (attack) -> 1/1.
        assert_eq!(row("rebut-but"), (1, 1, 1));
        // p4 overlaps no gold unit -> 1/1.
        assert_eq!(row("bg-thanks"), (1, 1, 1));
        // r1 p2->p1: g3 (aligned to p2) rebuts g1 (aligned to p1) -> right.
        // r2 p3->p1: g4 (aligned to p3) attacks g3, which is aligned to p2, not p1 -> wrong. 1/2.
        assert_eq!(row("link-attack-prev"), (2, 2, 1));
        assert_eq!(get("link-attack-prev").precision, Some(0.5));
        // Four units; p1..p3 overlap a gold unit by half the longer span, p4 none -> 3/4.
        assert_eq!(row("seg-sentence"), (4, 4, 3));
        assert_eq!(row("never"), (0, 0, 0));
        assert_eq!(get("never").precision, None);

        assert_eq!(d.rules[0].name, "seg-sentence"); // most fired first
        assert_eq!(d.never_fired, vec!["never".to_string()]);
        assert_eq!(d.unlisted_rules, vec!["typo-rule".to_string()]);

        // One document; its score is the mean of its cc 11/15, ro 11/15, fu 5/9, at 59/119
        // (worked out in metrics::tests::worked_example_by_hand).
        assert_eq!(d.worst_documents.len(), 1);
        let expected = (11.0 / 15.0 + 11.0 / 15.0 + 5.0 / 9.0 + 59.0 / 119.0) / 4.0;
        assert!((d.worst_documents[0].score - expected).abs() < 1e-9);
    }

    #[test]
    fn wrong_roles_are_counted_wrong() {
        let gold = worked_gold();
        let mut map = worked_prediction();
        // p2 covers g3 (opp, rebuts): as a premise it is wrong; p3 covers g4 (pro, undercuts):
        // as a counterclaim it is wrong; p4 as thesis overlaps nothing: wrong.
        map.units[1].role = Role::Premise;
        map.units[2].role = Role::Counterclaim;
        map.units[3].role = Role::Thesis;
        map.units[3].rules.push("thesis-first".into());
        map.units[1].rules.push("premise-any".into());
        let pair = Paired::new(&gold, &map);
        let rules = vec![
            rule("counter-some-say", RuleDecision::Role(Role::Counterclaim)),
            rule("premise-any", RuleDecision::Role(Role::Premise)),
            rule("thesis-first", RuleDecision::Role(Role::Thesis)),
        ];
        let d = diagnose(&[pair], &[], &rules);
        let get = |name: &str| d.rules.iter().find(|r| r.name == name).unwrap();
        // counter-some-say fired on p2 (now a premise, not judged) and p3 (counterclaim, wrong).
        assert_eq!(
            (
                get("counter-some-say").judged,
                get("counter-some-say").correct
            ),
            (1, 0)
        );
        assert_eq!(
            (get("premise-any").judged, get("premise-any").correct),
            (1, 0)
        );
        // thesis-first: p1 right, p4 wrong -> 1/2.
        assert_eq!(get("thesis-first").precision, Some(0.5));
    }
}
