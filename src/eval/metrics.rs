//! Segmentation and the four standard subtasks (Peldszus & Stede 2015), pooled over all units of
//! all documents, plus the role confusion matrix.
//!
//! Definitions, chosen so that the trivial baseline reproduces the published numbers
//! (cc .756, ro .463, fu .453, at .631 on microtexts part 2):
//!
//! - Spans are compared after trimming surrounding whitespace, measured on the gold text, so a
//!   unit that keeps its trailing space still matches. Predicted offsets past the text are
//!   clamped to it.
//! - Every gold unit counts, the 34 implicit central claims included.
//! - Alignment: a gold unit is aligned to the predicted unit it overlaps most (ties: the earlier
//!   predicted start); with no overlap it is aligned to nothing. Several gold units may share
//!   one predicted unit: a system that merges two units is scored on both.
//! - Where the prediction has nothing to say (unaligned gold unit, background unit, a unit with
//!   no outgoing relation) it is read as the majority answer: not central, `pro`, `support`. A
//!   background unit is read that way even if a map gives it a stance or a relation.
//! - `at` runs over ordered pairs (i, j), i ≠ j, of gold units of one document.
//! - Macro F1 is the mean per-class F1 over the classes that occur in gold or prediction, so a
//!   class nobody mentions neither helps nor hurts; with no class at all it is 0.

use std::collections::{HashMap, HashSet};

use serde::Serialize;

use super::gold::{GoldDoc, GoldUnit};
use crate::graph::model::{ArgumentMap, RelationKind, Role, Stance};

/// Trimmed character span `[start, end)`.
pub type Span = (usize, usize);

pub fn overlap(a: Span, b: Span) -> usize {
    a.1.min(b.1).saturating_sub(a.0.max(b.0))
}

fn span_len(s: Span) -> usize {
    s.1.saturating_sub(s.0)
}

/// The overlap criterion of segmentation: at least half of the longer span.
pub fn overlap_match(a: Span, b: Span) -> bool {
    let ov = overlap(a, b);
    ov > 0 && 2 * ov >= span_len(a).max(span_len(b))
}

/// Clamps to the text (predicted offsets are not trusted) and trims whitespace on both sides.
pub fn trimmed_span(chars: &[char], start: usize, end: usize) -> Span {
    let mut s = start.min(chars.len());
    let mut e = end.min(chars.len()).max(s);
    while s < e && chars[s].is_whitespace() {
        s += 1;
    }
    while e > s && chars[e - 1].is_whitespace() {
        e -= 1;
    }
    (s, e)
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ClassScore {
    pub label: String,
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
    /// Gold instances of the class (the support count).
    pub gold: usize,
    pub predicted: usize,
    pub correct: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TaskScore {
    pub macro_f1: f64,
    /// Every class of the task in a fixed order, including ones that did not occur (shown with
    /// zero counts and left out of the macro average).
    pub classes: Vec<ClassScore>,
}

/// Segmentation is a single-class detection task, so it gets plain P/R/F1.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SegScore {
    pub gold: usize,
    pub predicted: usize,
    pub matched: usize,
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ConfusionMatrix {
    pub rows: Vec<String>,
    pub columns: Vec<String>,
    /// `counts[row][column]`.
    pub counts: Vec<Vec<usize>>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Metrics {
    pub seg_exact: SegScore,
    pub seg_overlap: SegScore,
    pub cc: TaskScore,
    pub ro: TaskScore,
    pub fu: TaskScore,
    pub at: TaskScore,
    /// Rows: gold `central` / `pro` (non-central) / `opp`; columns: the toulmin role of the
    /// aligned predicted unit, then `none` for unaligned gold units.
    pub role_confusion: ConfusionMatrix,
}

/// One document's subtask scores; `None` where the task had no instance (e.g. `at` for a
/// one-unit document).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DocScore {
    pub id: String,
    pub units: usize,
    pub cc: Option<f64>,
    pub ro: Option<f64>,
    pub fu: Option<f64>,
    pub at: Option<f64>,
    /// Mean of the subtask macro F1s that exist.
    pub score: f64,
}

const CC_LABELS: &[&str] = &["yes", "no"];
const RO_LABELS: &[&str] = &["pro", "opp"];
const FU_LABELS: &[&str] = &["cc", "support", "attack"];
const AT_LABELS: &[&str] = &["yes", "no"];
const CONFUSION_ROWS: &[&str] = &["central", "pro", "opp"];

pub(crate) fn safe_div(n: usize, d: usize) -> f64 {
    if d == 0 {
        0.0
    } else {
        n as f64 / d as f64
    }
}

pub(crate) fn f1_of(p: f64, r: f64) -> f64 {
    if p + r == 0.0 {
        0.0
    } else {
        2.0 * p * r / (p + r)
    }
}

/// A gold × predicted label count table; kept as counts so documents can be pooled by adding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Tally {
    labels: &'static [&'static str],
    counts: Vec<Vec<usize>>,
}

impl Tally {
    fn new(labels: &'static [&'static str]) -> Tally {
        Tally {
            labels,
            counts: vec![vec![0; labels.len()]; labels.len()],
        }
    }

    fn add(&mut self, gold: usize, predicted: usize) {
        self.counts[gold][predicted] += 1;
    }

    fn merge(&mut self, other: &Tally) {
        for (row, other_row) in self.counts.iter_mut().zip(&other.counts) {
            for (c, o) in row.iter_mut().zip(other_row) {
                *c += o;
            }
        }
    }

    fn total(&self) -> usize {
        self.counts.iter().flatten().sum()
    }

    fn score(&self) -> TaskScore {
        let n = self.labels.len();
        let mut classes = Vec::with_capacity(n);
        let mut f1_sum = 0.0;
        let mut present = 0;
        for k in 0..n {
            let gold: usize = self.counts[k].iter().sum();
            let predicted: usize = self.counts.iter().map(|row| row[k]).sum();
            let correct = self.counts[k][k];
            let precision = safe_div(correct, predicted);
            let recall = safe_div(correct, gold);
            let f1 = f1_of(precision, recall);
            if gold + predicted > 0 {
                f1_sum += f1;
                present += 1;
            }
            classes.push(ClassScore {
                label: self.labels[k].to_string(),
                precision,
                recall,
                f1,
                gold,
                predicted,
                correct,
            });
        }
        TaskScore {
            macro_f1: if present == 0 {
                0.0
            } else {
                f1_sum / present as f64
            },
            classes,
        }
    }

    fn macro_f1(&self) -> Option<f64> {
        (self.total() > 0).then(|| self.score().macro_f1)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Function {
    Central,
    Support,
    Attack,
}

impl Function {
    fn index(self) -> usize {
        match self {
            Function::Central => 0,
            Function::Support => 1,
            Function::Attack => 2,
        }
    }

    fn of_kind(kind: RelationKind) -> Function {
        match kind {
            RelationKind::Support => Function::Support,
            RelationKind::Attack => Function::Attack,
        }
    }
}

/// Gold function: central, else the polarity of the outgoing relation, else support.
pub fn gold_function(doc: &GoldDoc, unit: &GoldUnit) -> Function {
    if unit.central {
        return Function::Central;
    }
    doc.outgoing(&unit.id)
        .map_or(Function::Support, |r| Function::of_kind(r.kind.polarity()))
}

/// A gold document and its prediction with everything the metrics and diagnostics share.
pub(crate) struct Paired<'a> {
    pub doc: &'a GoldDoc,
    pub map: &'a ArgumentMap,
    pub gold_spans: Vec<Span>,
    pub pred_spans: Vec<Span>,
    /// `align[g]` = index into `map.units` of the predicted unit gold unit `g` is aligned to.
    pub align: Vec<Option<usize>>,
}

impl<'a> Paired<'a> {
    pub fn new(doc: &'a GoldDoc, map: &'a ArgumentMap) -> Paired<'a> {
        let chars: Vec<char> = doc.text.chars().collect();
        let gold_spans: Vec<Span> = doc
            .units
            .iter()
            .map(|u| trimmed_span(&chars, u.start, u.end))
            .collect();
        let pred_spans: Vec<Span> = map
            .units
            .iter()
            .map(|u| trimmed_span(&chars, u.start, u.end))
            .collect();
        let align = gold_spans
            .iter()
            .map(|&g| best_overlap(g, &pred_spans))
            .collect();
        Paired {
            doc,
            map,
            gold_spans,
            pred_spans,
            align,
        }
    }

    /// Gold unit that overlaps predicted unit `p` most (ties: earlier gold start) — the reverse
    /// direction, used where one predicted unit needs one gold answer.
    pub fn gold_for(&self, p: usize) -> Option<usize> {
        best_overlap(self.pred_spans[p], &self.gold_spans)
    }

    fn is_thesis(&self, p: usize) -> bool {
        self.map.thesis.as_deref() == Some(self.map.units[p].id.as_str())
    }

    fn predicted_function(&self, p: Option<usize>) -> Function {
        match p {
            None => Function::Support,
            Some(p) if self.is_thesis(p) => Function::Central,
            Some(p) if self.map.units[p].role == Role::Background => Function::Support,
            Some(p) => self
                .map
                .outgoing(&self.map.units[p].id)
                .map_or(Function::Support, |r| Function::of_kind(r.kind)),
        }
    }
}

/// Index of the candidate with the largest positive overlap; ties go to the earlier start, then
/// to the earlier index.
fn best_overlap(target: Span, candidates: &[Span]) -> Option<usize> {
    candidates
        .iter()
        .enumerate()
        .map(|(i, &c)| (overlap(target, c), c.0, i))
        .filter(|&(ov, _, _)| ov > 0)
        .min_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)))
        .map(|(_, _, i)| i)
}

/// Aligns every gold unit of `doc` (in `doc.units` order) to an index into `map.units`.
pub fn align(doc: &GoldDoc, map: &ArgumentMap) -> Vec<Option<usize>> {
    Paired::new(doc, map).align
}

/// Per-document counts; pooled metrics are their sums.
#[derive(Debug, Clone)]
pub(crate) struct DocTallies {
    seg_gold: usize,
    seg_pred: usize,
    seg_exact: usize,
    seg_overlap: usize,
    cc: Tally,
    ro: Tally,
    fu: Tally,
    at: Tally,
    confusion: Vec<Vec<usize>>,
}

fn exact_matches(gold: &[Span], pred: &[Span]) -> usize {
    let mut available: HashMap<Span, usize> = HashMap::new();
    for &p in pred.iter().filter(|p| span_len(**p) > 0) {
        *available.entry(p).or_default() += 1;
    }
    let mut matched = 0;
    for g in gold {
        if let Some(n) = available.get_mut(g).filter(|n| **n > 0) {
            *n -= 1;
            matched += 1;
        }
    }
    matched
}

/// One-to-one, greedy by largest overlap (ties: earlier gold start, then earlier predicted start).
fn overlap_matches(gold: &[Span], pred: &[Span]) -> usize {
    let mut candidates: Vec<(usize, Span, Span, usize, usize)> = Vec::new();
    for (gi, &g) in gold.iter().enumerate() {
        for (pi, &p) in pred.iter().enumerate() {
            if overlap_match(g, p) {
                candidates.push((overlap(g, p), g, p, gi, pi));
            }
        }
    }
    candidates.sort_by(|a, b| {
        b.0.cmp(&a.0)
            .then(a.1.cmp(&b.1))
            .then(a.2.cmp(&b.2))
            .then(a.3.cmp(&b.3))
            .then(a.4.cmp(&b.4))
    });
    let mut gold_used = vec![false; gold.len()];
    let mut pred_used = vec![false; pred.len()];
    let mut matched = 0;
    for (_, _, _, gi, pi) in candidates {
        if !gold_used[gi] && !pred_used[pi] {
            gold_used[gi] = true;
            pred_used[pi] = true;
            matched += 1;
        }
    }
    matched
}

fn role_column(role: Role) -> usize {
    Role::ALL.iter().position(|r| *r == role).unwrap_or(0)
}

pub(crate) fn tally_doc(pair: &Paired) -> DocTallies {
    let doc = pair.doc;
    let map = pair.map;
    let mut t = DocTallies {
        seg_gold: pair.gold_spans.len(),
        seg_pred: pair.pred_spans.len(),
        seg_exact: exact_matches(&pair.gold_spans, &pair.pred_spans),
        seg_overlap: overlap_matches(&pair.gold_spans, &pair.pred_spans),
        cc: Tally::new(CC_LABELS),
        ro: Tally::new(RO_LABELS),
        fu: Tally::new(FU_LABELS),
        at: Tally::new(AT_LABELS),
        confusion: vec![vec![0; Role::ALL.len() + 1]; CONFUSION_ROWS.len()],
    };
    let yes_no = |b: bool| if b { 0 } else { 1 };
    let stance_index = |s: Stance| match s {
        Stance::Pro => 0,
        Stance::Opp => 1,
    };

    for (g, unit) in doc.units.iter().enumerate() {
        let p = pair.align[g];
        let is_thesis = p.is_some_and(|p| pair.is_thesis(p));
        t.cc.add(yes_no(unit.central), yes_no(is_thesis));

        let predicted_stance = p
            .filter(|&p| map.units[p].role != Role::Background)
            .and_then(|p| map.units[p].stance)
            .unwrap_or(Stance::Pro);
        t.ro.add(stance_index(unit.role), stance_index(predicted_stance));

        t.fu.add(
            gold_function(doc, unit).index(),
            pair.predicted_function(p).index(),
        );

        let row = if unit.central {
            0
        } else if unit.role == Stance::Pro {
            1
        } else {
            2
        };
        let column = p.map_or(Role::ALL.len(), |p| role_column(map.units[p].role));
        t.confusion[row][column] += 1;
    }

    let gold_links: HashSet<(&str, &str)> = doc
        .relations
        .iter()
        .map(|r| (r.src.as_str(), r.trg.as_str()))
        .collect();
    let pred_links: HashSet<(&str, &str)> = map
        .relations
        .iter()
        .map(|r| (r.from.as_str(), r.to.as_str()))
        .collect();
    for (i, ui) in doc.units.iter().enumerate() {
        for (j, uj) in doc.units.iter().enumerate() {
            if i == j {
                continue;
            }
            let gold = gold_links.contains(&(ui.id.as_str(), uj.id.as_str()));
            let predicted = match (pair.align[i], pair.align[j]) {
                (Some(a), Some(b)) if a != b => {
                    pred_links.contains(&(map.units[a].id.as_str(), map.units[b].id.as_str()))
                }
                _ => false,
            };
            t.at.add(yes_no(gold), yes_no(predicted));
        }
    }
    t
}

fn seg_score(gold: usize, predicted: usize, matched: usize) -> SegScore {
    let precision = safe_div(matched, predicted);
    let recall = safe_div(matched, gold);
    SegScore {
        gold,
        predicted,
        matched,
        precision,
        recall,
        f1: f1_of(precision, recall),
    }
}

pub(crate) fn pool(tallies: &[DocTallies]) -> Metrics {
    let mut cc = Tally::new(CC_LABELS);
    let mut ro = Tally::new(RO_LABELS);
    let mut fu = Tally::new(FU_LABELS);
    let mut at = Tally::new(AT_LABELS);
    let mut confusion = vec![vec![0; Role::ALL.len() + 1]; CONFUSION_ROWS.len()];
    let (mut gold, mut pred, mut exact, mut over) = (0, 0, 0, 0);
    for t in tallies {
        cc.merge(&t.cc);
        ro.merge(&t.ro);
        fu.merge(&t.fu);
        at.merge(&t.at);
        for (row, other) in confusion.iter_mut().zip(&t.confusion) {
            for (c, o) in row.iter_mut().zip(other) {
                *c += o;
            }
        }
        gold += t.seg_gold;
        pred += t.seg_pred;
        exact += t.seg_exact;
        over += t.seg_overlap;
    }
    let mut columns: Vec<String> = Role::ALL.iter().map(|r| r.as_str().to_string()).collect();
    columns.push("none".to_string());
    Metrics {
        seg_exact: seg_score(gold, pred, exact),
        seg_overlap: seg_score(gold, pred, over),
        cc: cc.score(),
        ro: ro.score(),
        fu: fu.score(),
        at: at.score(),
        role_confusion: ConfusionMatrix {
            rows: CONFUSION_ROWS.iter().map(|s| s.to_string()).collect(),
            columns,
            counts: confusion,
        },
    }
}

pub(crate) fn doc_score(doc: &GoldDoc, t: &DocTallies) -> DocScore {
    let parts = [
        t.cc.macro_f1(),
        t.ro.macro_f1(),
        t.fu.macro_f1(),
        t.at.macro_f1(),
    ];
    let present: Vec<f64> = parts.iter().flatten().copied().collect();
    DocScore {
        id: doc.id.clone(),
        units: doc.units.len(),
        cc: parts[0],
        ro: parts[1],
        fu: parts[2],
        at: parts[3],
        score: if present.is_empty() {
            0.0
        } else {
            present.iter().sum::<f64>() / present.len() as f64
        },
    }
}

/// Pooled metrics over document pairs (`gold[i]` is scored against `predicted[i]`).
pub fn compute(gold: &[GoldDoc], predicted: &[ArgumentMap]) -> Metrics {
    let tallies: Vec<DocTallies> = gold
        .iter()
        .zip(predicted)
        .map(|(d, m)| tally_doc(&Paired::new(d, m)))
        .collect();
    pool(&tallies)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::eval::gold::{GoldRelKind, GoldRelation};
    use crate::graph::model::{Relation, Source, Unit, SCHEMA};

    const EPS: f64 = 1e-9;

    pub fn gunit(id: &str, start: usize, end: usize, role: Stance, central: bool) -> GoldUnit {
        GoldUnit {
            id: id.into(),
            start,
            end,
            role,
            central,
            implicit: false,
        }
    }

    pub fn grel(src: &str, trg: &str, kind: GoldRelKind) -> GoldRelation {
        GoldRelation {
            src: src.into(),
            trg: trg.into(),
            kind,
        }
    }

    pub fn punit(
        id: &str,
        start: usize,
        end: usize,
        role: Role,
        stance: Option<Stance>,
        rules: &[&str],
    ) -> Unit {
        Unit {
            id: id.into(),
            role,
            kind: None,
            start,
            end,
            text: Default::default(),
            display: None,
            section: None,
            paragraph: 1,
            sentence: 1,
            score: 1.0,
            stance,
            status: None,
            restates: None,
            rules: rules.iter().map(|s| (*s).into()).collect(),
            cues: vec![],
        }
    }

    pub fn prel(id: &str, from: &str, to: &str, kind: RelationKind, rule: &str) -> Relation {
        Relation {
            id: id.into(),
            from: from.into(),
            to: to.into(),
            kind,
            rule: rule.into(),
            score: 1.0,
            carries: true,
        }
    }

    pub fn map(
        text: &str,
        thesis: Option<&str>,
        units: Vec<Unit>,
        relations: Vec<Relation>,
    ) -> ArgumentMap {
        ArgumentMap {
            schema: SCHEMA.into(),
            source: Source {
                name: "test".into(),
                sha256: String::new(),
                chars: text.chars().count(),
                reading: Default::default(),
            },
            title: None,
            byline: None,
            date: None,
            thesis: thesis.map(Into::into),
            units,
            relations,
        }
    }

    /// "We should act now." 0..18, "It is cheap." 19..31, "Some say it is too late." 32..56,
    /// "But it is not." 57..71, "Thanks for reading." 72..91.
    pub const TEXT: &str =
        "We should act now. It is cheap. Some say it is too late. But it is not. Thanks for reading.";

    /// g1 central; g2 supports g1; g3 (opp) rebuts g1; g4 undercuts g3. Listed out of text order.
    pub fn worked_gold() -> GoldDoc {
        GoldDoc {
            id: "worked".into(),
            text: TEXT.into(),
            units: vec![
                gunit("g3", 32, 56, Stance::Opp, false),
                gunit("g1", 0, 18, Stance::Pro, true),
                gunit("g2", 19, 31, Stance::Pro, false),
                gunit("g4", 57, 71, Stance::Pro, false),
            ],
            relations: vec![
                grel("g2", "g1", GoldRelKind::Support),
                grel("g3", "g1", GoldRelKind::Rebut),
                grel("g4", "g3", GoldRelKind::Undercut),
            ],
        }
    }

    /// p1 merges g1+g2 (with a trailing space) and is the thesis; p2 = g3 counterclaim attacking
    /// p1; p3 = g4 but as an opp rebuttal attacking p1 instead of p2; p4 background.
    pub fn worked_prediction() -> ArgumentMap {
        map(
            TEXT,
            Some("p1"),
            vec![
                punit(
                    "p1",
                    0,
                    32,
                    Role::Thesis,
                    Some(Stance::Pro),
                    &["seg-sentence", "thesis-first", "typo-rule"],
                ),
                punit(
                    "p2",
                    32,
                    56,
                    Role::Counterclaim,
                    Some(Stance::Opp),
                    &["seg-sentence", "counter-some-say"],
                ),
                punit(
                    "p3",
                    56,
                    71,
                    Role::Rebuttal,
                    Some(Stance::Opp),
                    &["seg-sentence", "counter-some-say", "rebut-but"],
                ),
                punit(
                    "p4",
                    72,
                    91,
                    Role::Background,
                    None,
                    &["seg-sentence", "bg-thanks"],
                ),
            ],
            vec![
                prel("r1", "p2", "p1", RelationKind::Attack, "link-attack-prev"),
                prel("r2", "p3", "p1", RelationKind::Attack, "link-attack-prev"),
            ],
        )
    }

    fn class<'a>(t: &'a TaskScore, label: &str) -> &'a ClassScore {
        t.classes.iter().find(|c| c.label == label).unwrap()
    }

    fn close(a: f64, b: f64) {
        assert!((a - b).abs() < EPS, "{a} != {b}");
    }

    #[test]
    fn trimming_and_overlap() {
        let chars: Vec<char> = " ab  ".chars().collect();
        assert_eq!(trimmed_span(&chars, 0, 5), (1, 3));
        assert_eq!(trimmed_span(&chars, 3, 99), (5, 5)); // clamped, then all whitespace
        assert_eq!(trimmed_span(&chars, 4, 2), (4, 4)); // reversed offsets become empty
        assert_eq!(overlap((0, 10), (5, 20)), 5);
        assert!(overlap_match((0, 10), (5, 10))); // 5 of the longer 10
        assert!(!overlap_match((0, 10), (6, 12))); // 4 of 10
    }

    #[test]
    fn alignment_prefers_most_overlap_then_earlier_start() {
        let p = map(
            TEXT,
            None,
            vec![
                punit("late", 9, 18, Role::Premise, None, &[]),
                punit("early", 0, 9, Role::Premise, None, &[]),
                punit("far", 72, 91, Role::Premise, None, &[]),
            ],
            vec![],
        );
        let mut d = worked_gold();
        d.units = vec![
            gunit("g1", 0, 18, Stance::Pro, true), // 9 chars with each of "late"/"early": tie
            gunit("g2", 19, 31, Stance::Pro, false), // overlaps nothing
        ];
        d.relations.clear();
        assert_eq!(align(&d, &p), vec![Some(1), None]);
    }

    #[test]
    fn worked_example_by_hand() {
        let m = compute(&[worked_gold()], &[worked_prediction()]);
        // Alignment: g1 -> p1 (18 chars), g2 -> p1 (12), g3 -> p2, g4 -> p3 (p3 starts at the
        // space before "But", which trimming removes).

        // Segmentation, trimmed spans: gold {0-18, 19-31, 32-56, 57-71}, predicted
        // {0-31, 32-56, 57-71, 72-91}. Exact: 32-56 and 57-71 -> P 2/4, R 2/4, F1 .5.
        assert_eq!(
            (m.seg_exact.matched, m.seg_exact.predicted, m.seg_exact.gold),
            (2, 4, 4)
        );
        close(m.seg_exact.f1, 0.5);
        // Overlap: g1/p1 18 >= 31/2 matches, g2/p1 12 < 15.5 does not, g3/p2 and g4/p3 do
        // -> 3 matches, P 3/4, R 3/4, F1 .75.
        assert_eq!(m.seg_overlap.matched, 3);
        close(m.seg_overlap.f1, 0.75);

        // cc: gold yes = {g1}; predicted yes = {g1, g2} (both on thesis p1).
        // yes: P 1/2, R 1/1, F1 2/3. no: gold {g2,g3,g4}, predicted {g3,g4}: P 1, R 2/3, F1 .8.
        // macro (2/3 + 4/5) / 2 = 11/15.
        close(class(&m.cc, "yes").f1, 2.0 / 3.0);
        close(class(&m.cc, "no").f1, 0.8);
        close(m.cc.macro_f1, 11.0 / 15.0);

        // ro: gold pro,pro,opp,pro (g1..g4); predicted pro,pro,opp,opp.
        // pro: P 2/2, R 2/3, F1 .8. opp: P 1/2, R 1/1, F1 2/3. macro 11/15.
        close(class(&m.ro, "pro").f1, 0.8);
        close(class(&m.ro, "opp").f1, 2.0 / 3.0);
        close(m.ro.macro_f1, 11.0 / 15.0);

        // fu: gold cc,support,attack,attack; predicted cc (p1 thesis), cc (p1), attack (p2 ->
        // p1), attack (p3 -> p1). cc: P 1/2 R 1 F1 2/3; support: nothing predicted, F1 0;
        // attack: P 2/2 R 2/2 F1 1. macro (2/3 + 0 + 1) / 3 = 5/9.
        close(class(&m.fu, "support").f1, 0.0);
        close(m.fu.macro_f1, 5.0 / 9.0);
        assert_eq!(class(&m.fu, "support").gold, 1);

        // at: 4*3 = 12 ordered pairs. gold yes: g2->g1, g3->g1, g4->g3.
        // predicted yes (aligned units differ and p-relation exists): g3->g1, g3->g2 (p2->p1),
        // g4->g1, g4->g2 (p3->p1); g2->g1 is p1->p1, never yes.
        // yes: tp 1, P 1/4, R 1/3, F1 2*(1/12)/(7/12) = 2/7.
        // no: gold 9, predicted 8, tp 12-1-3-2 = 6: P 3/4, R 2/3, F1 1/(17/12) = 12/17.
        // macro (2/7 + 12/17) / 2 = 59/119.
        assert_eq!(class(&m.at, "yes").correct, 1);
        assert_eq!(
            (class(&m.at, "no").gold, class(&m.at, "no").predicted),
            (9, 8)
        );
        close(class(&m.at, "yes").f1, 2.0 / 7.0);
        close(class(&m.at, "no").f1, 12.0 / 17.0);
        close(m.at.macro_f1, 59.0 / 119.0);

        // Confusion: central g1 -> thesis; pro g2 -> thesis, pro g4 -> rebuttal; opp g3 ->
        // counterclaim.
        let c = &m.role_confusion;
        assert_eq!(c.columns.len(), 8);
        assert_eq!(c.counts[0], vec![1, 0, 0, 0, 0, 0, 0, 0]);
        assert_eq!(c.counts[1], vec![1, 0, 0, 0, 0, 1, 0, 0]);
        assert_eq!(c.counts[2], vec![0, 0, 0, 0, 1, 0, 0, 0]);
    }

    #[test]
    fn unaligned_and_background_units_default_to_pro_support() {
        // Gold: a (central) 0..18, b supports a 19..31, c (opp) rebuts a 32..56.
        // Prediction: one thesis on a; b is covered by a background unit; c is not covered.
        let d = GoldDoc {
            id: "d".into(),
            text: TEXT.into(),
            units: vec![
                gunit("a", 0, 18, Stance::Pro, true),
                gunit("b", 19, 31, Stance::Pro, false),
                gunit("c", 32, 56, Stance::Opp, false),
            ],
            relations: vec![
                grel("b", "a", GoldRelKind::Support),
                grel("c", "a", GoldRelKind::Rebut),
            ],
        };
        let p = map(
            TEXT,
            Some("t"),
            vec![
                punit("t", 0, 18, Role::Thesis, Some(Stance::Pro), &[]),
                // A stray stance and relation on a background unit are ignored.
                punit("bg", 19, 31, Role::Background, Some(Stance::Opp), &[]),
            ],
            vec![prel("r", "bg", "t", RelationKind::Attack, "x")],
        );
        let m = compute(&[d], &[p]);
        // cc: all right -> yes F1 1, no F1 1, macro 1.
        close(m.cc.macro_f1, 1.0);
        // ro: gold pro,pro,opp; predicted pro (thesis), pro (background), pro (unaligned).
        // pro: P 2/3 R 1 F1 .8; opp: R 0 F1 0; macro .4.
        close(m.ro.macro_f1, 0.4);
        // fu: gold cc,support,attack; predicted cc,support,support.
        // cc 1; support P 1/2 R 1 F1 2/3; attack 0; macro (1 + 2/3 + 0)/3 = 5/9.
        close(m.fu.macro_f1, 5.0 / 9.0);
        // at: 6 pairs, gold yes b->a, c->a; predicted yes only b->a (bg -> t; c is unaligned).
        // yes: P 1/1 R 1/2 F1 2/3; no: gold 4, predicted 5, tp 4 -> P 4/5 R 1 F1 8/9;
        // macro (2/3 + 8/9) / 2 = 7/9.
        close(m.at.macro_f1, 7.0 / 9.0);
        // Confusion: central -> thesis, pro -> background, opp -> none.
        assert_eq!(m.role_confusion.counts[1][6], 1);
        assert_eq!(m.role_confusion.counts[2][7], 1);
    }

    #[test]
    fn macro_ignores_classes_nobody_mentions_and_pooling_adds_counts() {
        // Two one-claim docs: gold all pro, prediction all pro -> the opp class never occurs,
        // so ro macro is the pro F1 alone, 1.0 (not (1 + 0) / 2).
        let d = |id: &str| GoldDoc {
            id: id.into(),
            text: TEXT.into(),
            units: vec![gunit("a", 0, 18, Stance::Pro, true)],
            relations: vec![],
        };
        let p = map(
            TEXT,
            Some("t"),
            vec![punit("t", 0, 18, Role::Thesis, Some(Stance::Pro), &[])],
            vec![],
        );
        let m = compute(&[d("x"), d("y")], &[p.clone(), p]);
        close(m.ro.macro_f1, 1.0);
        assert_eq!(class(&m.ro, "opp").gold + class(&m.ro, "opp").predicted, 0);
        assert_eq!(class(&m.cc, "yes").gold, 2);
        // No pairs in one-unit documents: at has no class and scores 0.
        assert_eq!(m.at.macro_f1, 0.0);
    }

    #[test]
    fn segmentation_is_one_to_one() {
        // Two identical predicted spans over one gold unit: one match, the other is a false
        // positive. P 1/2, R 1/1, F1 2/3 for both exact and overlap.
        let d = GoldDoc {
            id: "d".into(),
            text: TEXT.into(),
            units: vec![gunit("a", 0, 18, Stance::Pro, true)],
            relations: vec![],
        };
        let p = map(
            TEXT,
            Some("t"),
            vec![
                punit("t", 0, 18, Role::Thesis, Some(Stance::Pro), &[]),
                punit("u", 0, 19, Role::Premise, Some(Stance::Pro), &[]),
            ],
            vec![],
        );
        let m = compute(&[d], &[p]);
        assert_eq!(m.seg_exact.matched, 1);
        close(m.seg_exact.f1, 2.0 / 3.0);
        assert_eq!(m.seg_overlap.matched, 1);
        close(m.seg_overlap.precision, 0.5);
    }
}
