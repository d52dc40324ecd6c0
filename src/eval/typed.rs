//! Gold whose units carry a type label instead of the microtext structure: Web Discourse (a
//! Toulmin scheme: Claim, Premise, Backing, Rebuttal, Refutation) and CDCP (proposition types:
//! fact, testimony, value, policy). Both come as JSON lines in one layout, told apart by the
//! record's `corpus` field; `shared/eval/README.md` fixes how toulmin's maps are scored on them.
//!
//! Scoring, end to end:
//! - Each scored gold unit is aligned to the predicted unit that overlaps it most (trimmed
//!   spans; ties: the earlier predicted start). It is *found* only when that overlap covers at
//!   least half of the gold unit; otherwise its predicted label is `none`.
//! - A found unit's predicted label comes from the map: for Web Discourse from its role
//!   (thesis/claim → Claim, premise → Premise, evidence → Backing, counterclaim → Rebuttal,
//!   rebuttal → Refutation), for CDCP from its proposition kind (statistic counts as fact).
//!   Anything else (background, no kind) is `none`, which is always wrong.
//! - Macro F1 is the mean F1 over the corpus's gold classes (all of them, so a class the
//!   grammar never predicts costs its full share); `none` is a prediction, never a class.
//! - Relations: a scored gold relation is found when the map has a relation from the unit its
//!   source is aligned to, to the unit its target is aligned to (direction matters; for Web
//!   Discourse the polarity must match too). Precision is over predicted relations whose both
//!   ends are units some scored gold unit is aligned to; a predicted relation is right when it
//!   matches some scored gold relation that way.
//!
//! What is scored: Web Discourse skips implicit units and the unlabelled `ArgumentComponent`
//! (pathos) spans, and scores Premise/Backing → Claim supports and Rebuttal → Claim attacks;
//! Refutation links (supportive towards the Claim, not attacks) and Claim → Claim restatements
//! are not scored. CDCP skips `reference` units and the relations that touch them.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::diagnostics::{Counts, RuleDecision, RuleInfo, RuleStats, WORST_DOCUMENTS};
use super::gold::GoldError;
use super::metrics::{f1_of, overlap, safe_div, trimmed_span, ClassScore, Span};
use crate::graph::model::{ArgumentMap, Kind, RelationKind, Role};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Scheme {
    /// Habernal & Gurevych (2017): Toulmin components of web discourse.
    WebDiscourse,
    /// Park & Cardie (2018): proposition types of eRulemaking comments.
    Cdcp,
}

impl Scheme {
    pub fn parse(name: &str) -> Option<Scheme> {
        match name {
            "webdiscourse" => Some(Scheme::WebDiscourse),
            "cdcp" => Some(Scheme::Cdcp),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Scheme::WebDiscourse => "Web Discourse (Toulmin components)",
            Scheme::Cdcp => "CDCP (proposition kinds)",
        }
    }

    /// The gold classes macro F1 is averaged over, in report order.
    pub fn classes(self) -> &'static [&'static str] {
        match self {
            Scheme::WebDiscourse => &["Claim", "Premise", "Backing", "Rebuttal", "Refutation"],
            Scheme::Cdcp => &["fact", "testimony", "value", "policy"],
        }
    }

    fn scores_unit(self, label: &str, implicit: bool) -> bool {
        !implicit && self.classes().contains(&label)
    }

    /// The label a role maps to, for schemes that score roles.
    pub fn role_label(self, role: Role) -> Option<&'static str> {
        match self {
            Scheme::WebDiscourse => match role {
                Role::Thesis | Role::Claim => Some("Claim"),
                Role::Premise => Some("Premise"),
                Role::Evidence => Some("Backing"),
                Role::Counterclaim => Some("Rebuttal"),
                Role::Rebuttal => Some("Refutation"),
                Role::Background => None,
            },
            Scheme::Cdcp => None,
        }
    }

    /// The label a proposition kind maps to, for schemes that score kinds.
    pub fn kind_label(self, kind: Kind) -> Option<&'static str> {
        match self {
            Scheme::Cdcp => match kind {
                Kind::Fact | Kind::Statistic => Some("fact"),
                Kind::Testimony => Some("testimony"),
                Kind::Value => Some("value"),
                Kind::Policy => Some("policy"),
                Kind::Reference => None,
            },
            Scheme::WebDiscourse => None,
        }
    }

    /// Predicted label of a map unit (`None`: the unit says nothing this scheme can score).
    fn predicted_label(self, map: &ArgumentMap, p: usize) -> Option<&'static str> {
        let unit = &map.units[p];
        match self {
            Scheme::WebDiscourse => self.role_label(unit.role),
            Scheme::Cdcp => unit.kind.and_then(|k| self.kind_label(k)),
        }
    }

    /// Which gold relations are scored, and with which polarity.
    fn scored_relation(self, orig_type: &str, kind: &str) -> Option<RelationKind> {
        match self {
            Scheme::WebDiscourse => match orig_type {
                "Premise" | "Backing" => Some(RelationKind::Support),
                "Rebuttal" => Some(RelationKind::Attack),
                _ => None,
            },
            Scheme::Cdcp => match kind {
                "reason" | "evidence" | "support" => Some(RelationKind::Support),
                _ => None,
            },
        }
    }

    fn polarity_matters(self) -> bool {
        self == Scheme::WebDiscourse
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TypedUnit {
    pub id: String,
    /// Character offsets into the text, end exclusive (0..0 for implicit units).
    pub start: usize,
    pub end: usize,
    /// The corpus's own label (`Claim`, `Backing`, `value`, `reference`, …).
    pub label: String,
    /// Whether the unit takes part in scoring (see the module comment).
    pub scored: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TypedRelation {
    pub src: String,
    pub trg: String,
    /// `None` when the relation is not scored.
    pub kind: Option<RelationKind>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TypedDoc {
    pub id: String,
    pub scheme: Scheme,
    /// The title the source gives the text (Web Discourse: the discussed article's or the
    /// thread's), which a reader sees above it; the text is mapped with it, as `map --jsonl`
    /// maps a record's `title`.
    pub title: Option<String>,
    pub text: String,
    pub units: Vec<TypedUnit>,
    pub relations: Vec<TypedRelation>,
}

impl TypedDoc {
    /// Character ranges of the scored units, for running the pipeline on gold segmentation.
    pub fn scored_ranges(&self) -> Vec<std::ops::Range<usize>> {
        self.units
            .iter()
            .filter(|u| u.scored)
            .map(|u| u.start..u.end)
            .collect()
    }
}

#[derive(Deserialize)]
struct RawDoc {
    id: String,
    corpus: String,
    #[serde(default)]
    title: Option<String>,
    text: String,
    units: Vec<RawUnit>,
    relations: Vec<RawRelation>,
}

#[derive(Deserialize)]
struct RawUnit {
    id: String,
    start: usize,
    end: usize,
    #[serde(rename = "type")]
    label: String,
    #[serde(default)]
    implicit: bool,
}

#[derive(Deserialize)]
struct RawRelation {
    src: String,
    trg: String,
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    orig_type: String,
}

/// Whether a JSON-lines gold file is in this layout: its first record names a `corpus`.
pub fn is_typed_jsonl(first_record: &str) -> bool {
    #[derive(Deserialize)]
    struct Probe {
        corpus: Option<String>,
    }
    serde_json::from_str::<Probe>(first_record)
        .ok()
        .and_then(|p| p.corpus)
        .is_some()
}

fn convert(raw: RawDoc) -> Result<TypedDoc, String> {
    let scheme = Scheme::parse(&raw.corpus).ok_or_else(|| {
        format!(
            "document {}: unknown corpus {:?} (expected \"webdiscourse\" or \"cdcp\")",
            raw.id, raw.corpus
        )
    })?;
    let len = raw.text.chars().count();
    let mut ids = HashSet::new();
    let mut units = Vec::with_capacity(raw.units.len());
    for u in raw.units {
        if !ids.insert(u.id.clone()) {
            return Err(format!("document {}: duplicate unit id {}", raw.id, u.id));
        }
        let scored = scheme.scores_unit(&u.label, u.implicit);
        if scored && u.start >= u.end {
            return Err(format!(
                "document {}: unit {} has offsets {}..{}: the start must come before the end",
                raw.id, u.id, u.start, u.end
            ));
        }
        if scored && u.end > len {
            return Err(format!(
                "document {}: unit {} has offsets {}..{} outside the text ({} characters)",
                raw.id, u.id, u.start, u.end, len
            ));
        }
        units.push(TypedUnit {
            id: u.id,
            start: u.start,
            end: u.end,
            label: u.label,
            scored,
        });
    }
    let scored_ids: HashSet<&str> = units
        .iter()
        .filter(|u| u.scored)
        .map(|u| u.id.as_str())
        .collect();
    let mut relations = Vec::with_capacity(raw.relations.len());
    for r in raw.relations {
        for end in [&r.src, &r.trg] {
            if !ids.contains(end) {
                return Err(format!(
                    "document {}: relation {} -> {} names unknown unit {}",
                    raw.id, r.src, r.trg, end
                ));
            }
        }
        let both_scored =
            scored_ids.contains(r.src.as_str()) && scored_ids.contains(r.trg.as_str());
        let kind = scheme
            .scored_relation(&r.orig_type, &r.kind)
            .filter(|_| both_scored);
        relations.push(TypedRelation {
            src: r.src,
            trg: r.trg,
            kind,
        });
    }
    Ok(TypedDoc {
        id: raw.id,
        scheme,
        title: raw.title,
        text: raw.text,
        units,
        relations,
    })
}

/// Reads a Web Discourse / CDCP JSON-lines file (blank lines skipped). All records must belong
/// to one corpus, since the two are scored on different labels.
pub fn read_typed_jsonl(path: impl AsRef<Path>) -> Result<Vec<TypedDoc>, GoldError> {
    let path = path.as_ref();
    let content = super::gold::read_text(path)?;
    let mut docs: Vec<TypedDoc> = Vec::new();
    for (index, line) in content.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let line_error = |message: String| GoldError::Line {
            path: path.to_path_buf(),
            line: index + 1,
            message,
        };
        let raw: RawDoc = serde_json::from_str(line)
            .map_err(|e| line_error(format!("not a gold record: {e}")))?;
        let doc = convert(raw).map_err(line_error)?;
        if let Some(first) = docs.first() {
            if first.scheme != doc.scheme {
                return Err(line_error(format!(
                    "document {} is {} but the file began with {}: score one corpus at a time",
                    doc.id,
                    doc.scheme.name(),
                    first.scheme.name()
                )));
            }
        }
        docs.push(doc);
    }
    Ok(docs)
}

/// Precision, recall and F1 of relation detection.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RelationScore {
    pub gold: usize,
    pub found: usize,
    pub predicted: usize,
    pub correct: usize,
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TypedDocScore {
    pub id: String,
    pub units: usize,
    /// Share of the document's scored units whose label was right.
    pub accuracy: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TypedReport {
    pub scheme: Scheme,
    pub documents: usize,
    pub scored_units: usize,
    pub predicted_units: usize,
    /// Gold units with an aligned predicted unit covering at least half of them.
    pub found_units: usize,
    pub macro_f1: f64,
    pub classes: Vec<ClassScore>,
    pub relations: RelationScore,
    /// Rows: gold classes; columns: predicted labels, then `none`.
    pub confusion: super::ConfusionMatrix,
    pub rules: Vec<RuleStats>,
    pub never_fired: Vec<String>,
    /// The documents with the lowest label accuracy, lowest first; ties by id.
    pub worst_documents: Vec<TypedDocScore>,
    pub warnings: Vec<String>,
}

/// One document and its map, aligned.
struct Aligned<'a> {
    doc: &'a TypedDoc,
    map: &'a ArgumentMap,
    /// Per gold unit (all of `doc.units`), the predicted unit it is found in.
    found: Vec<Option<usize>>,
    /// Per predicted unit, the gold unit of the scored ones that overlaps it most.
    gold_for_pred: Vec<Option<usize>>,
}

fn best_overlap(target: Span, candidates: &[(usize, Span)]) -> Option<usize> {
    candidates
        .iter()
        .map(|&(i, c)| (overlap(target, c), c.0, i))
        .filter(|&(ov, _, _)| ov > 0)
        .min_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)))
        .map(|(_, _, i)| i)
}

impl<'a> Aligned<'a> {
    fn new(doc: &'a TypedDoc, map: &'a ArgumentMap) -> Aligned<'a> {
        let chars: Vec<char> = doc.text.chars().collect();
        let pred: Vec<(usize, Span)> = map
            .units
            .iter()
            .enumerate()
            .map(|(i, u)| (i, trimmed_span(&chars, u.start, u.end)))
            .collect();
        let gold: Vec<(usize, Span)> = doc
            .units
            .iter()
            .enumerate()
            .filter(|(_, u)| u.scored)
            .map(|(i, u)| (i, trimmed_span(&chars, u.start, u.end)))
            .collect();
        let mut found = vec![None; doc.units.len()];
        for &(g, span) in &gold {
            found[g] = best_overlap(span, &pred).filter(|&p| {
                let len = span.1.saturating_sub(span.0);
                2 * overlap(span, pred[p].1) >= len && len > 0
            });
        }
        let gold_for_pred = pred
            .iter()
            .map(|&(_, span)| best_overlap(span, &gold))
            .collect();
        Aligned {
            doc,
            map,
            found,
            gold_for_pred,
        }
    }
}

/// Per gold unit of `doc`, the predicted unit of `map` it is found in (`None` for unscored
/// units and units not found): the alignment `evaluate_typed` scores with.
pub fn found_units(doc: &TypedDoc, map: &ArgumentMap) -> Vec<Option<usize>> {
    Aligned::new(doc, map).found
}

/// Label predictions for every scored gold unit: `(gold class, predicted label or "none")`.
fn unit_pairs<'a>(a: &Aligned<'a>) -> Vec<(&'a str, &'static str)> {
    a.doc
        .units
        .iter()
        .enumerate()
        .filter(|(_, u)| u.scored)
        .map(|(g, u)| {
            let predicted = a.found[g]
                .and_then(|p| a.doc.scheme.predicted_label(a.map, p))
                .unwrap_or("none");
            (u.label.as_str(), predicted)
        })
        .collect()
}

struct RelationTally {
    gold: usize,
    found: usize,
    predicted: usize,
    correct: usize,
}

fn relation_tally(a: &Aligned) -> RelationTally {
    let index: HashMap<&str, usize> = a
        .doc
        .units
        .iter()
        .enumerate()
        .map(|(i, u)| (u.id.as_str(), i))
        .collect();
    let polarity = a.doc.scheme.polarity_matters();
    // Predicted relations as (from index, to index, kind).
    let pos = a.map.positions();
    let predicted: Vec<(usize, usize, RelationKind)> = a
        .map
        .relations
        .iter()
        .filter_map(|r| Some((*pos.get(r.from.as_str())?, *pos.get(r.to.as_str())?, r.kind)))
        .collect();
    let gold: Vec<(usize, usize, RelationKind)> = a
        .doc
        .relations
        .iter()
        .filter_map(|r| {
            Some((
                *index.get(r.src.as_str())?,
                *index.get(r.trg.as_str())?,
                r.kind?,
            ))
        })
        .collect();
    let matches = |g: &(usize, usize, RelationKind), p: &(usize, usize, RelationKind)| {
        a.found[g.0] == Some(p.0) && a.found[g.1] == Some(p.1) && (!polarity || g.2 == p.2)
    };
    let aligned_preds: BTreeSet<usize> = a.found.iter().flatten().copied().collect();
    let judged: Vec<&(usize, usize, RelationKind)> = predicted
        .iter()
        .filter(|p| aligned_preds.contains(&p.0) && aligned_preds.contains(&p.1))
        .collect();
    RelationTally {
        gold: gold.len(),
        found: gold
            .iter()
            .filter(|g| predicted.iter().any(|p| matches(g, p)))
            .count(),
        predicted: judged.len(),
        correct: judged
            .iter()
            .filter(|p| gold.iter().any(|g| matches(g, p)))
            .count(),
    }
}

/// The label a rule's decision stands for under `scheme`, if the scheme can judge it.
fn decision_label(scheme: Scheme, decision: RuleDecision) -> Option<Option<&'static str>> {
    match decision {
        RuleDecision::Role(role) if scheme == Scheme::WebDiscourse => Some(scheme.role_label(role)),
        // Reference units are left out of the kind score, but a reference rule is still right
        // when the gold unit is a reference.
        RuleDecision::Kind(Kind::Reference) if scheme == Scheme::Cdcp => Some(Some("reference")),
        RuleDecision::Kind(kind) if scheme == Scheme::Cdcp => Some(scheme.kind_label(kind)),
        _ => None,
    }
}

fn rule_table(aligned: &[Aligned], rules: &[RuleInfo]) -> (Vec<RuleStats>, Vec<String>) {
    let by_name: HashMap<&str, usize> = rules
        .iter()
        .enumerate()
        .map(|(i, r)| (r.name.as_str(), i))
        .collect();
    let mut counts = vec![Counts::default(); rules.len()];
    for a in aligned {
        let scheme = a.doc.scheme;
        for (p, unit) in a.map.units.iter().enumerate() {
            let names: BTreeSet<&str> = unit.rules.iter().map(|r| r.as_str()).collect();
            for name in names {
                let Some(&i) = by_name.get(name) else {
                    continue;
                };
                counts[i].fired += 1;
                // A rule is judged on the units whose final decision is its own.
                let decided = match rules[i].decides {
                    RuleDecision::Role(role) => unit.role == role,
                    RuleDecision::Kind(kind) => unit.kind == Some(kind),
                    _ => false,
                };
                let Some(label) = decision_label(scheme, rules[i].decides) else {
                    continue;
                };
                if !decided {
                    continue;
                }
                let gold = a.gold_for_pred[p].map(|g| a.doc.units[g].label.as_str());
                counts[i].judged += 1;
                counts[i].correct += usize::from(gold == label);
            }
        }
        let pairs = relation_pairs(a);
        for rel in &a.map.relations {
            let Some(&i) = by_name.get(rel.rule.as_str()) else {
                continue;
            };
            counts[i].fired += 1;
            if let Some(right) = pairs.get(&(rel.from.as_str(), rel.to.as_str())) {
                counts[i].judged += 1;
                counts[i].correct += usize::from(
                    right.contains(&rel.kind) || !scheme.polarity_matters() && !right.is_empty(),
                );
            }
        }
    }
    super::diagnostics::rule_table(rules, &counts)
}

/// For every pair of predicted units both aligned to scored gold units, the polarities of the
/// gold relations between them (empty: the pair is judged, and no gold relation joins it).
fn relation_pairs<'a>(a: &Aligned<'a>) -> HashMap<(&'a str, &'a str), Vec<RelationKind>> {
    let index: HashMap<&str, usize> = a
        .doc
        .units
        .iter()
        .enumerate()
        .map(|(i, u)| (u.id.as_str(), i))
        .collect();
    let aligned: BTreeSet<usize> = a.found.iter().flatten().copied().collect();
    let mut out: HashMap<(&str, &str), Vec<RelationKind>> = HashMap::new();
    let pos = a.map.positions();
    for r in &a.map.relations {
        let (Some(&f), Some(&t)) = (pos.get(r.from.as_str()), pos.get(r.to.as_str())) else {
            continue;
        };
        if aligned.contains(&f) && aligned.contains(&t) {
            out.entry((a.map.units[f].id.as_str(), a.map.units[t].id.as_str()))
                .or_default();
        }
    }
    for g in &a.doc.relations {
        let (Some(kind), Some(&s), Some(&t)) =
            (g.kind, index.get(g.src.as_str()), index.get(g.trg.as_str()))
        else {
            continue;
        };
        if let (Some(ps), Some(pt)) = (a.found[s], a.found[t]) {
            let key = (a.map.units[ps].id.as_str(), a.map.units[pt].id.as_str());
            if let Some(kinds) = out.get_mut(&key) {
                kinds.push(kind);
            }
        }
    }
    out
}

/// Scores `predicted[i]` against `gold[i]` (paired by position; a missing map scores as empty).
pub fn evaluate_typed(
    gold: &[TypedDoc],
    predicted: &[ArgumentMap],
    rules: &[RuleInfo],
) -> TypedReport {
    let scheme = gold.first().map_or(Scheme::WebDiscourse, |d| d.scheme);
    let mut warnings = Vec::new();
    if gold.len() != predicted.len() {
        warnings.push(format!(
            "{} gold documents but {} predicted maps; pairing by position",
            gold.len(),
            predicted.len()
        ));
    }
    let empty: Vec<ArgumentMap> = gold
        .iter()
        .skip(predicted.len())
        .map(|d| super::empty_map_for(&d.id, &d.text))
        .collect();
    let maps: Vec<&ArgumentMap> = predicted.iter().take(gold.len()).chain(&empty).collect();
    let aligned: Vec<Aligned> = gold
        .iter()
        .zip(&maps)
        .map(|(d, m)| Aligned::new(d, m))
        .collect();

    let classes = scheme.classes();
    let mut columns: Vec<&str> = classes.to_vec();
    columns.push("none");
    let mut confusion = vec![vec![0usize; columns.len()]; classes.len()];
    let mut predicted_counts: BTreeMap<&str, usize> = BTreeMap::new();
    let mut doc_scores = Vec::new();
    let mut found_units = 0;
    let mut rel = RelationTally {
        gold: 0,
        found: 0,
        predicted: 0,
        correct: 0,
    };
    for a in &aligned {
        let pairs = unit_pairs(a);
        found_units += a.found.iter().filter(|f| f.is_some()).count();
        let mut right = 0;
        for &(g, p) in &pairs {
            let row = classes.iter().position(|c| *c == g);
            let col = columns.iter().position(|c| *c == p);
            if let (Some(row), Some(col)) = (row, col) {
                confusion[row][col] += 1;
            }
            *predicted_counts.entry(p).or_default() += 1;
            right += usize::from(g == p);
        }
        if !pairs.is_empty() {
            doc_scores.push(TypedDocScore {
                id: a.doc.id.clone(),
                units: pairs.len(),
                accuracy: safe_div(right, pairs.len()),
            });
        }
        let t = relation_tally(a);
        rel.gold += t.gold;
        rel.found += t.found;
        rel.predicted += t.predicted;
        rel.correct += t.correct;
    }
    let class_scores: Vec<ClassScore> = classes
        .iter()
        .enumerate()
        .map(|(k, label)| {
            let gold_n: usize = confusion[k].iter().sum();
            let predicted_n = predicted_counts.get(label).copied().unwrap_or(0);
            let correct = confusion[k][k];
            let precision = safe_div(correct, predicted_n);
            let recall = safe_div(correct, gold_n);
            ClassScore {
                label: label.to_string(),
                precision,
                recall,
                f1: f1_of(precision, recall),
                gold: gold_n,
                predicted: predicted_n,
                correct,
            }
        })
        .collect();
    let macro_f1 = class_scores.iter().map(|c| c.f1).sum::<f64>() / classes.len() as f64;
    let precision = safe_div(rel.correct, rel.predicted);
    let recall = safe_div(rel.found, rel.gold);
    let (rules, never_fired) = rule_table(&aligned, rules);
    doc_scores.sort_by(|a, b| {
        a.accuracy
            .total_cmp(&b.accuracy)
            .then_with(|| a.id.cmp(&b.id))
    });
    doc_scores.truncate(WORST_DOCUMENTS);
    TypedReport {
        scheme,
        documents: gold.len(),
        scored_units: gold
            .iter()
            .flat_map(|d| &d.units)
            .filter(|u| u.scored)
            .count(),
        predicted_units: maps.iter().map(|m| m.units.len()).sum(),
        found_units,
        macro_f1,
        classes: class_scores,
        relations: RelationScore {
            gold: rel.gold,
            found: rel.found,
            predicted: rel.predicted,
            correct: rel.correct,
            precision,
            recall,
            f1: f1_of(precision, recall),
        },
        confusion: super::ConfusionMatrix {
            rows: classes.iter().map(|s| s.to_string()).collect(),
            columns: columns.iter().map(|s| s.to_string()).collect(),
            counts: confusion,
        },
        rules,
        never_fired,
        worst_documents: doc_scores,
        warnings,
    }
}

/// The majority-class baseline: every scored gold unit gets the corpus's most frequent class,
/// and no relation is predicted. Computed from the gold alone, as `shared/eval/README.md` does.
pub fn majority_baseline(gold: &[TypedDoc]) -> (String, f64) {
    let scheme = gold.first().map_or(Scheme::WebDiscourse, |d| d.scheme);
    let classes = scheme.classes();
    let mut counts = vec![0usize; classes.len()];
    for u in gold.iter().flat_map(|d| &d.units).filter(|u| u.scored) {
        if let Some(k) = classes.iter().position(|c| *c == u.label) {
            counts[k] += 1;
        }
    }
    let total: usize = counts.iter().sum();
    // Ties go to the earlier class, so the answer does not depend on hash order.
    let (best, &n) = counts
        .iter()
        .enumerate()
        .max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(&a.0)))
        .unwrap_or((0, &0));
    let precision = safe_div(n, total);
    let f1 = f1_of(precision, if n > 0 { 1.0 } else { 0.0 });
    (classes[best].to_string(), f1 / classes.len() as f64)
}

fn num(x: f64) -> String {
    format!("{x:.3}")
}

/// The report as a text table, in the style of the microtext report.
pub fn render_typed_table(report: &TypedReport, baseline: Option<&(String, f64)>) -> String {
    let mut out = String::new();
    out.push_str(&format!(
        "{}: {} documents, {} scored gold units, {} predicted units, {} gold units found\n\n",
        report.scheme.name(),
        report.documents,
        report.scored_units,
        report.predicted_units,
        report.found_units
    ));
    out.push_str(&format!("  macro F1      {}\n", num(report.macro_f1)));
    if let Some((class, f1)) = baseline {
        out.push_str(&format!(
            "  baseline      {} (every unit {class})\n",
            num(*f1)
        ));
    }
    let r = &report.relations;
    out.push_str(&format!(
        "  relations     P {}  R {}  F1 {}  ({} of {} gold found; {} of {} predicted right)\n\n",
        num(r.precision),
        num(r.recall),
        num(r.f1),
        r.found,
        r.gold,
        r.correct,
        r.predicted
    ));
    out.push_str("  class        P      R      F1     gold  pred\n");
    for c in &report.classes {
        out.push_str(&format!(
            "  {:<11}  {}  {}  {}  {:>5} {:>5}\n",
            c.label,
            num(c.precision),
            num(c.recall),
            num(c.f1),
            c.gold,
            c.predicted
        ));
    }
    out.push_str("\n  confusion (rows gold, columns predicted)\n  ");
    out.push_str(&format!("{:<11}", ""));
    for c in &report.confusion.columns {
        out.push_str(&format!(" {:>10}", c));
    }
    out.push('\n');
    for (row, counts) in report.confusion.rows.iter().zip(&report.confusion.counts) {
        out.push_str(&format!("  {:<11}", row));
        for n in counts {
            out.push_str(&format!(" {:>10}", n));
        }
        out.push('\n');
    }
    out.push_str("\n  rule                               decides            fired  judged  precision  where\n");
    for s in report.rules.iter().filter(|s| s.fired > 0) {
        out.push_str(&format!(
            "  {:<34} {:<18} {:>5}  {:>6}  {:>9}  {}\n",
            s.name,
            s.decides,
            s.fired,
            s.judged,
            s.precision.map_or_else(|| "-".to_string(), num),
            s.location
        ));
    }
    if !report.never_fired.is_empty() {
        out.push_str(&format!(
            "\n  never fired: {}\n",
            report.never_fired.join(", ")
        ));
    }
    if !report.worst_documents.is_empty() {
        out.push_str("\n  worst documents (label accuracy)\n");
        for d in &report.worst_documents {
            out.push_str(&format!(
                "  {:<14} {}  ({} units)\n",
                d.id,
                num(d.accuracy),
                d.units
            ));
        }
    }
    for w in &report.warnings {
        out.push_str(&format!("\nwarning: {w}"));
    }
    if !report.warnings.is_empty() {
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::eval::metrics::tests::{map, prel, punit};
    use crate::graph::model::Stance;

    fn doc(scheme: &str, text: &str, units: &str, relations: &str) -> TypedDoc {
        let line = format!(
            r#"{{"id": "d1", "corpus": "{scheme}", "text": {}, "units": [{units}], "relations": [{relations}]}}"#,
            serde_json::to_string(text).unwrap()
        );
        convert(serde_json::from_str(&line).unwrap()).unwrap()
    }

    fn wd_unit(id: &str, start: usize, end: usize, label: &str, implicit: bool) -> String {
        format!(
            r#"{{"id": "{id}", "start": {start}, "end": {end}, "type": "{label}", "implicit": {implicit}}}"#
        )
    }

    fn wd_rel(src: &str, trg: &str, orig: &str) -> String {
        let kind = if orig == "Rebuttal" || orig == "Refutation" {
            "attack"
        } else {
            "support"
        };
        format!(r#"{{"src": "{src}", "trg": "{trg}", "type": "{kind}", "orig_type": "{orig}"}}"#)
    }

    // Units: 0..22 claim, 23..44 premise, 45..64 backing, 65..87 rebuttal.
    const TEXT: &str =
        "Schools should reopen. Children lose a year. Studies show gains. Some say it is unsafe.";

    fn wd_gold() -> TypedDoc {
        doc(
            "webdiscourse",
            TEXT,
            &[
                wd_unit("c", 0, 22, "Claim", false),
                wd_unit("p", 23, 44, "Premise", false),
                wd_unit("b", 45, 64, "Backing", false),
                wd_unit("r", 65, 87, "Rebuttal", false),
                wd_unit("i", 0, 0, "Claim", true),
                wd_unit("x", 23, 44, "ArgumentComponent", false),
            ]
            .join(","),
            &[
                wd_rel("p", "c", "Premise"),
                wd_rel("b", "c", "Backing"),
                wd_rel("r", "c", "Rebuttal"),
                wd_rel("p", "i", "Premise"),
            ]
            .join(","),
        )
    }

    #[test]
    fn web_discourse_by_hand() {
        let gold = wd_gold();
        assert_eq!(gold.units.iter().filter(|u| u.scored).count(), 4);
        // Only the three relations between scored units are scored.
        assert_eq!(
            gold.relations.iter().filter(|r| r.kind.is_some()).count(),
            3
        );
        // p1 covers the claim; p2 swallows premise + backing (covers both fully); p3 only covers
        // a third of the rebuttal, so the rebuttal is not found.
        let m = map(
            TEXT,
            Some("p1"),
            vec![
                punit("p1", 0, 22, Role::Thesis, Some(Stance::Pro), &["t"]),
                punit("p2", 23, 64, Role::Premise, Some(Stance::Pro), &["prem"]),
                punit("p3", 65, 72, Role::Counterclaim, Some(Stance::Opp), &["cc"]),
            ],
            vec![
                prel("r1", "p2", "p1", RelationKind::Support, "l"),
                prel("r2", "p3", "p1", RelationKind::Attack, "l"),
            ],
        );
        let rules = vec![RuleInfo {
            name: "prem".into(),
            decides: RuleDecision::Role(Role::Premise),
            location: "x:1".into(),
        }];
        let r = evaluate_typed(&[gold], &[m], &rules);
        assert_eq!(r.scored_units, 4);
        assert_eq!(r.found_units, 3);
        // Claim right (1/1), Premise right (p: 1 of 2 predicted Premise), Backing predicted
        // Premise, Rebuttal none, Refutation absent.
        let f = |l: &str| r.classes.iter().find(|c| c.label == l).unwrap().f1;
        assert_eq!(f("Claim"), 1.0);
        assert!((f("Premise") - 2.0 * 0.5 / 1.5).abs() < 1e-9);
        assert_eq!(f("Backing"), 0.0);
        assert_eq!(f("Rebuttal"), 0.0);
        assert!((r.macro_f1 - (1.0 + 2.0 / 3.0) / 5.0).abs() < 1e-9);
        // Relations: p->c and b->c both map to p2->p1 support: both found; r->c not found.
        assert_eq!((r.relations.gold, r.relations.found), (3, 2));
        // r2 starts at p3, which no gold unit is found in: not judged. r1 judged and right.
        assert_eq!((r.relations.predicted, r.relations.correct), (1, 1));
        let prem = r.rules.iter().find(|s| s.name == "prem").unwrap();
        // p2 overlaps premise (21 chars) more than backing (19): judged right.
        assert_eq!((prem.fired, prem.judged, prem.correct), (1, 1, 1));
        assert_eq!(r.confusion.counts[3][5], 1, "rebuttal unfound -> none");
    }

    #[test]
    fn cdcp_scores_kinds_and_counts_statistic_as_fact() {
        let text = "We lost 40% of savings. Collectors should stop calling.";
        let gold = doc(
            "cdcp",
            text,
            &[
                wd_unit("p0", 0, 23, "fact", false),
                wd_unit("p1", 24, 55, "policy", false),
            ]
            .join(","),
            r#"{"src": "p0", "trg": "p1", "type": "reason", "orig_type": "reason"}"#,
        );
        let mut m = map(
            text,
            Some("p2"),
            vec![
                punit("p1", 0, 23, Role::Premise, Some(Stance::Pro), &[]),
                punit("p2", 24, 55, Role::Thesis, Some(Stance::Pro), &[]),
            ],
            vec![prel("r1", "p1", "p2", RelationKind::Attack, "l")],
        );
        m.units[0].kind = Some(Kind::Statistic);
        m.units[1].kind = Some(Kind::Value);
        let r = evaluate_typed(&[gold], &[m], &[]);
        let f = |l: &str| r.classes.iter().find(|c| c.label == l).unwrap().f1;
        assert_eq!(f("fact"), 1.0);
        assert_eq!(f("policy"), 0.0);
        assert_eq!(r.macro_f1, 0.25);
        // CDCP relations ignore polarity: the attack still joins the right pair in the right
        // direction.
        assert_eq!(r.relations.f1, 1.0);
    }

    #[test]
    fn majority_baseline_matches_the_published_definition() {
        let (class, f1) = majority_baseline(&[wd_gold()]);
        // One of each of four classes: the first (Claim) wins the tie; P = 1/4, R = 1.
        assert_eq!(class, "Claim");
        assert!((f1 - (2.0 * 0.25 / 1.25) / 5.0).abs() < 1e-9);
    }

    /// Web Discourse records name the article or thread a comment answers; the comment is
    /// mapped under that title, as `map --jsonl` maps a record's `title`.
    #[test]
    fn a_record_title_is_the_title_the_text_is_mapped_under() {
        let line = format!(
            r#"{{"id": "d1", "corpus": "webdiscourse", "title": "Should schools reopen?", "text": {}, "units": [], "relations": []}}"#,
            serde_json::to_string(TEXT).unwrap()
        );
        let titled = convert(serde_json::from_str(&line).unwrap()).unwrap();
        assert_eq!(titled.title.as_deref(), Some("Should schools reopen?"));
        assert_eq!(wd_gold().title, None);
        let grammar = crate::grammar::Grammar::default_grammar().expect("default grammar");
        let maps =
            crate::eval::run::predict_typed(&[titled, wd_gold()], &grammar, false).expect("maps");
        assert_eq!(maps[0].title.as_deref(), Some("Should schools reopen?"));
        assert_eq!(maps[1].title, None);
    }

    #[test]
    fn mixed_corpora_and_unknown_corpus_are_errors() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("g.jsonl");
        std::fs::write(
            &path,
            "{\"id\":\"a\",\"corpus\":\"cdcp\",\"text\":\"x\",\"units\":[],\"relations\":[]}\n\
             {\"id\":\"b\",\"corpus\":\"webdiscourse\",\"text\":\"x\",\"units\":[],\"relations\":[]}\n",
        )
        .unwrap();
        let err = read_typed_jsonl(&path).unwrap_err().to_string();
        assert!(err.ends_with(":2: document b is Web Discourse (Toulmin components) but the file began with CDCP (proposition kinds): score one corpus at a time"), "{err}");
        std::fs::write(
            &path,
            "{\"id\":\"a\",\"corpus\":\"essays\",\"text\":\"x\",\"units\":[],\"relations\":[]}\n",
        )
        .unwrap();
        let err = read_typed_jsonl(&path).unwrap_err().to_string();
        assert!(
            err.contains(":1: document a: unknown corpus \"essays\""),
            "{err}"
        );
    }
}
