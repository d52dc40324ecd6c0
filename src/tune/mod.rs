//! Fitting rule weights to gold annotations (`toulmin tune`).
//!
//! People write the rules; the weights, the role threshold and per-role biases are fitted to
//! annotated documents. The pipeline runs once per document ([`record`]) to find, for every rule
//! and unit, everything no weight can change; [`replay`] then decides roles, thesis and links
//! for any weights from those records alone, and [`fit`] searches the weights by coordinate
//! ascent. Scores are K-fold cross-validated by document and reported next to the untuned
//! grammar's, and the result is a rule file of `weight` items ([`weights_file`]).

pub mod fit;
pub mod record;
pub mod replay;

use rayon::prelude::*;

use std::path::Path;

use crate::eval::typed::Scheme;
use crate::eval::{self, GoldDoc, GoldError, TypedDoc};
use crate::grammar::Grammar;
use crate::graph::model::{ArgumentMap, Role};
use crate::pipeline::InvariantError;
use fit::{Knob, Search};
use record::DocRecord;
pub use replay::Format;
use replay::{Counts, Params};

/// Gold in any format `eval` reads.
#[derive(Debug, Clone)]
pub enum GoldSet {
    /// Microtext JSON lines, a brat directory or an AIF directory.
    Structure(Vec<GoldDoc>),
    /// Web Discourse / CDCP JSON lines.
    Typed(Vec<TypedDoc>),
}

impl GoldSet {
    /// Reads gold with `eval`'s reader ([`eval::read_gold`]): microtext, Web Discourse /
    /// CDCP, brat or AIF. Also returns the reader's warnings.
    pub fn read(path: &Path) -> Result<(GoldSet, Vec<String>), GoldError> {
        let (gold, warnings) = eval::read_gold(path)?;
        let set = match gold {
            eval::Gold::Structure(docs) => GoldSet::Structure(docs),
            eval::Gold::Typed(docs) => GoldSet::Typed(docs),
        };
        Ok((set, warnings))
    }

    pub fn len(&self) -> usize {
        match self {
            GoldSet::Structure(d) => d.len(),
            GoldSet::Typed(d) => d.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn format(&self) -> Format {
        match self {
            GoldSet::Structure(_) => Format::Structure,
            GoldSet::Typed(d) => {
                Format::Typed(d.first().map_or(Scheme::WebDiscourse, |d| d.scheme))
            }
        }
    }

    /// Gold units that take part in scoring.
    fn scored_units(&self) -> usize {
        match self {
            GoldSet::Structure(d) => d.iter().map(|d| d.units.len()).sum(),
            GoldSet::Typed(d) => d.iter().flat_map(|d| &d.units).filter(|u| u.scored).count(),
        }
    }

    fn record(
        &self,
        grammar: &Grammar,
        gold_units: bool,
    ) -> Result<Vec<(DocRecord, ArgumentMap)>, InvariantError> {
        match self {
            GoldSet::Structure(d) => d
                .par_iter()
                .map(|d| record::record_structure(d, grammar, gold_units))
                .collect(),
            GoldSet::Typed(d) => d
                .par_iter()
                .map(|d| record::record_typed(d, grammar, gold_units))
                .collect(),
        }
    }

    fn predict(
        &self,
        grammar: &Grammar,
        gold_units: bool,
    ) -> Result<Vec<ArgumentMap>, InvariantError> {
        match self {
            GoldSet::Structure(d) => eval::run::predict(d, grammar, gold_units),
            GoldSet::Typed(d) => eval::run::predict_typed(d, grammar, gold_units),
        }
    }

    /// The scores `eval` reports for `maps`, in [`Format::metric_names`] order.
    fn scores(&self, maps: &[ArgumentMap]) -> Vec<f64> {
        match self {
            GoldSet::Structure(d) => {
                let m = eval::evaluate(d, maps, &[]).metrics;
                vec![m.cc.macro_f1, m.ro.macro_f1, m.fu.macro_f1, m.at.macro_f1]
            }
            GoldSet::Typed(d) => {
                let r = eval::evaluate_typed(d, maps, &[]);
                vec![r.macro_f1, r.relations.f1]
            }
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Objective {
    /// Role rules, threshold and biases, scored on cc and ro.
    Role,
    /// Kind rules, scored on kind macro F1.
    Kind,
    /// Link rules, scored on fu and at.
    Link,
    /// Everything, scored on the mean of all subtasks.
    All,
}

impl Objective {
    pub fn parse(s: &str) -> Option<Objective> {
        match s {
            "role" => Some(Objective::Role),
            "kind" => Some(Objective::Kind),
            "link" => Some(Objective::Link),
            "all" => Some(Objective::All),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Objective::Role => "role",
            Objective::Kind => "kind",
            Objective::Link => "link",
            Objective::All => "all",
        }
    }

    /// Which of `format`'s scores the objective averages; `None` when the gold cannot
    /// judge what the objective tunes.
    fn metrics(self, format: Format) -> Option<Vec<usize>> {
        match (format, self) {
            (Format::Structure, Objective::Role) => Some(vec![0, 1]),
            (Format::Structure, Objective::Link) => Some(vec![2, 3]),
            (Format::Structure, Objective::All) => Some(vec![0, 1, 2, 3]),
            (Format::Structure, Objective::Kind) => None,
            (Format::Typed(Scheme::WebDiscourse), Objective::Role) => Some(vec![0]),
            (Format::Typed(Scheme::WebDiscourse), Objective::Kind) => None,
            (Format::Typed(Scheme::Cdcp), Objective::Role) => None,
            (Format::Typed(Scheme::Cdcp), Objective::Kind) => Some(vec![0]),
            (Format::Typed(_), Objective::Link) => Some(vec![1]),
            (Format::Typed(_), Objective::All) => Some(vec![0, 1]),
        }
    }

    /// What the objective averages, for reports.
    pub fn describe(self, format: Format) -> String {
        let names: Vec<&str> = self
            .metrics(format)
            .unwrap_or_default()
            .iter()
            .map(|&m| format.metric_names()[m])
            .collect();
        if names.len() == 1 {
            names[0].to_string()
        } else {
            format!("mean of {}", names.join(", "))
        }
    }
}

#[derive(Debug, Clone)]
pub struct TuneOptions {
    pub objective: Objective,
    pub folds: usize,
    pub seed: u64,
    /// Score on the gold segmentation instead of the split rules' (as `eval --gold-units`).
    pub gold_units: bool,
    /// Weight of the pull toward the written weights (objective points per squared unit).
    pub pull: f64,
    /// Warn about overfitting when the training objective exceeds the cross-validated one by
    /// more than this.
    pub overfit_margin: f64,
    pub max_passes: usize,
}

impl Default for TuneOptions {
    fn default() -> Self {
        TuneOptions {
            objective: Objective::All,
            folds: 5,
            seed: 1,
            gold_units: false,
            pull: 0.01,
            overfit_margin: 0.03,
            max_passes: 4,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum TuneError {
    #[error("the gold has no usable units: {documents} documents, none with an annotated unit the pipeline could align (nothing to fit to)")]
    NoUsableUnits { documents: usize },
    #[error("--folds must be between 2 and the number of documents ({documents}), not {folds}")]
    Folds { folds: usize, documents: usize },
    #[error("the grammar has no {what} rules to tune (objective `{objective}`)")]
    NothingToTune {
        what: &'static str,
        objective: &'static str,
    },
    #[error("this gold scores {scores}, which the `{objective}` objective does not change; use {instead}")]
    Unjudged {
        scores: String,
        objective: &'static str,
        instead: &'static str,
    },
    #[error(transparent)]
    Pipeline(#[from] InvariantError),
}

/// One row per metric: untuned, cross-validated, training.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct ScoreRow {
    pub metric: String,
    pub untuned: f64,
    pub cv: f64,
    pub train: f64,
}

/// A knob whose fitted value differs from the written one.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Change {
    /// `weight`, `threshold` or `bias`.
    pub what: &'static str,
    /// Rule or role name (empty for the threshold).
    pub name: String,
    pub written: f64,
    pub tuned: f64,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct TuneReport {
    pub objective: &'static str,
    pub objective_metrics: String,
    pub documents: usize,
    pub gold_units: usize,
    pub folds: usize,
    pub seed: u64,
    pub gold_segmentation: bool,
    pub rows: Vec<ScoreRow>,
    /// Objective values (mean of the objective's metrics).
    pub untuned_objective: f64,
    pub cv_objective: f64,
    pub train_objective: f64,
    /// Set when training exceeds cross-validation by more than the margin.
    pub overfitting: Option<String>,
    pub changes: Vec<Change>,
    pub warnings: Vec<String>,
    #[serde(skip)]
    pub params: Params,
}

/// The knobs an objective may move in `grammar`.
fn knobs(grammar: &Grammar, objective: Objective) -> Result<Vec<Knob>, TuneError> {
    let role_knobs = || {
        let mut k: Vec<Knob> = (0..grammar.roles.len()).map(Knob::RoleWeight).collect();
        k.push(Knob::Threshold);
        for role in Role::ALL {
            if grammar.roles.iter().any(|r| r.role == role) {
                k.push(Knob::Bias(role));
            }
        }
        k
    };
    let link_knobs = || {
        (0..grammar.links.len())
            .map(Knob::LinkWeight)
            .collect::<Vec<_>>()
    };
    // The threshold is shared with roles, so the kind objective, which cannot see roles,
    // leaves it alone.
    let kind_knobs = || {
        (0..grammar.kinds.len())
            .map(Knob::KindWeight)
            .collect::<Vec<_>>()
    };
    let knobs = match objective {
        Objective::Role => role_knobs(),
        Objective::Kind => kind_knobs(),
        Objective::Link => link_knobs(),
        Objective::All => {
            let mut k = role_knobs();
            k.extend(kind_knobs());
            k.extend(link_knobs());
            k
        }
    };
    if knobs.iter().all(|k| {
        !matches!(
            k,
            Knob::RoleWeight(_) | Knob::KindWeight(_) | Knob::LinkWeight(_)
        )
    }) {
        return Err(TuneError::NothingToTune {
            what: match objective {
                Objective::Link => "link",
                Objective::Kind => "kind",
                _ => "role",
            },
            objective: objective.as_str(),
        });
    }
    Ok(knobs)
}

/// Runs the pipeline over the gold once, fits the weights on every K−1 folds and on all
/// documents, and scores the untuned, cross-validated and trained grammars.
pub fn tune(
    gold: &GoldSet,
    grammar: &Grammar,
    opts: &TuneOptions,
) -> Result<TuneReport, TuneError> {
    tune_sets(&[(String::new(), gold.clone())], grammar, opts)
}

/// Tunes one set of weights on several gold sets at once (each labelled for the report): the
/// objective is the mean over sets of each set's objective, folds are dealt within each set.
pub fn tune_sets(
    golds: &[(String, GoldSet)],
    grammar: &Grammar,
    opts: &TuneOptions,
) -> Result<TuneReport, TuneError> {
    let knobs = knobs(grammar, opts.objective)?;
    let mut sets = Vec::with_capacity(golds.len());
    for (_, gold) in golds {
        let format = gold.format();
        let metrics = opts.objective.metrics(format);
        if metrics.is_none() && golds.len() == 1 {
            return Err(TuneError::Unjudged {
                scores: format.metric_names().join(" and "),
                objective: opts.objective.as_str(),
                instead: match format {
                    Format::Typed(Scheme::Cdcp) => "--objective link or all",
                    _ => "--objective role, link or all",
                },
            });
        }
        sets.push((format, metrics.unwrap_or_default()));
    }
    let documents: usize = golds.iter().map(|(_, g)| g.len()).sum();
    let aligned_units: usize = golds.iter().map(|(_, g)| g.scored_units()).sum();
    if documents == 0 || aligned_units == 0 {
        return Err(TuneError::NoUsableUnits { documents });
    }
    let smallest = golds.iter().map(|(_, g)| g.len()).min().unwrap_or(0);
    if opts.folds < 2 || opts.folds > smallest {
        return Err(TuneError::Folds {
            folds: opts.folds,
            documents: smallest,
        });
    }
    let mut records: Vec<DocRecord> = Vec::new();
    let mut untuned_maps: Vec<Vec<ArgumentMap>> = Vec::new();
    let mut fold_of: Vec<usize> = Vec::new();
    for (s, (_, gold)) in golds.iter().enumerate() {
        let (mut recs, maps): (Vec<DocRecord>, Vec<_>) =
            gold.record(grammar, opts.gold_units)?.into_iter().unzip();
        for r in &mut recs {
            r.set = s;
        }
        fold_of.extend(fit::folds(recs.len(), opts.folds, opts.seed));
        records.extend(recs);
        untuned_maps.push(maps);
    }
    let aligned = |r: &DocRecord| match &r.gold {
        record::GoldSide::Structure { align, .. } => align.iter().any(Option::is_some),
        record::GoldSide::Typed { found, .. } => found.iter().any(Option::is_some),
    };
    if !records.iter().any(aligned) {
        return Err(TuneError::NoUsableUnits { documents });
    }
    let written = Params::of(grammar);
    let search = Search {
        knobs,
        sets: sets.clone(),
        pull: opts.pull,
        max_passes: opts.max_passes,
    };

    // Fold fits and the fit on everything are independent: run them side by side.
    let jobs: Vec<Option<usize>> = (0..opts.folds).map(Some).chain([None]).collect();
    let fits: Vec<(Option<usize>, Params)> = jobs
        .par_iter()
        .map(|job| {
            let train: Vec<&DocRecord> = records
                .iter()
                .zip(&fold_of)
                .filter(|(_, f)| Some(**f) != *job)
                .map(|(r, _)| r)
                .collect();
            (*job, fit::fit(grammar, &train, &written, &search).params)
        })
        .collect();
    let mut cv = vec![Counts::default(); golds.len()];
    let mut final_params = written.clone();
    for (job, params) in fits {
        match job {
            Some(k) => {
                let held_out: Vec<&DocRecord> = records
                    .iter()
                    .zip(&fold_of)
                    .filter(|(_, f)| **f == k)
                    .map(|(r, _)| r)
                    .collect();
                for (c, h) in
                    cv.iter_mut()
                        .zip(fit::score(grammar, &held_out, &params, golds.len()))
                {
                    c.add(&h);
                }
            }
            None => final_params = params,
        }
    }

    // Untuned and training scores come from the real pipeline, as `eval` computes them.
    let mut warnings = Vec::new();
    let tuned_grammar = final_params.apply(grammar);
    let all: Vec<&DocRecord> = records.iter().collect();
    let replayed = fit::score(grammar, &all, &final_params, golds.len());
    let mut rows = Vec::new();
    let (mut untuned_objective, mut cv_objective, mut train_objective) = (0.0, 0.0, 0.0);
    let judged = sets.iter().filter(|(_, m)| !m.is_empty()).count().max(1) as f64;
    for (s, (label, gold)) in golds.iter().enumerate() {
        let (format, metrics) = &sets[s];
        let untuned_scores = gold.scores(&untuned_maps[s]);
        let train_scores = gold.scores(&gold.predict(&tuned_grammar, opts.gold_units)?);
        let replayed_scores = replayed[s].scores(*format);
        if replayed_scores
            .iter()
            .zip(&train_scores)
            .any(|(a, b)| (a - b).abs() > 1e-9)
        {
            warnings.push(format!(
                "internal: the replayed training scores {replayed_scores:?} differ from the pipeline's {train_scores:?}; the fit may be off (please report this)"
            ));
        }
        let cv_scores = cv[s].scores(*format);
        for (m, name) in format.metric_names().iter().enumerate() {
            rows.push(ScoreRow {
                metric: if label.is_empty() {
                    name.to_string()
                } else {
                    format!("{label}:{name}")
                },
                untuned: untuned_scores[m],
                cv: cv_scores[m],
                train: train_scores[m],
            });
        }
        if !metrics.is_empty() {
            let mean =
                |v: &[f64]| metrics.iter().map(|&m| v[m]).sum::<f64>() / metrics.len() as f64;
            untuned_objective += mean(&untuned_scores) / judged;
            cv_objective += mean(&cv_scores) / judged;
            train_objective += mean(&train_scores) / judged;
        }
    }
    let overfitting = (train_objective - cv_objective > opts.overfit_margin).then(|| {
        format!(
            "training score {train_objective:.3} exceeds the cross-validated {cv_objective:.3} by more than {:.2}: the weights fit these documents better than they will fit new ones",
            opts.overfit_margin
        )
    });
    let objective_metrics = if golds.len() == 1 {
        opts.objective.describe(golds[0].1.format())
    } else {
        let parts: Vec<String> = golds
            .iter()
            .map(|(label, g)| format!("{label}: {}", opts.objective.describe(g.format())))
            .collect();
        format!("mean over gold sets of ({})", parts.join("; "))
    };
    Ok(TuneReport {
        objective: opts.objective.as_str(),
        objective_metrics,
        documents,
        gold_units: aligned_units,
        folds: opts.folds,
        seed: opts.seed,
        gold_segmentation: opts.gold_units,
        rows,
        untuned_objective,
        cv_objective,
        train_objective,
        overfitting,
        changes: changes(grammar, &written, &final_params),
        warnings,
        params: final_params,
    })
}

fn changes(grammar: &Grammar, written: &Params, tuned: &Params) -> Vec<Change> {
    let mut out = Vec::new();
    if tuned.threshold != written.threshold {
        out.push(Change {
            what: "threshold",
            name: String::new(),
            written: written.threshold,
            tuned: tuned.threshold,
        });
    }
    for role in Role::ALL {
        let (w, t) = (written.bias[role as usize], tuned.bias[role as usize]);
        if w != t {
            out.push(Change {
                what: "bias",
                name: role.as_str().to_string(),
                written: w,
                tuned: t,
            });
        }
    }
    let weights = grammar
        .roles
        .iter()
        .map(|r| &r.name)
        .zip(written.role_weights.iter().zip(&tuned.role_weights))
        .chain(
            grammar
                .kinds
                .iter()
                .map(|r| &r.name)
                .zip(written.kind_weights.iter().zip(&tuned.kind_weights)),
        )
        .chain(
            grammar
                .links
                .iter()
                .map(|r| &r.name)
                .zip(written.link_weights.iter().zip(&tuned.link_weights)),
        );
    for (name, (w, t)) in weights {
        if w != t {
            out.push(Change {
                what: "weight",
                name: name.clone(),
                written: *w,
                tuned: *t,
            });
        }
    }
    out
}

/// The CV table as `tune` prints it.
pub fn render_table(report: &TuneReport) -> String {
    let mut s = format!(
        "{} documents, {} gold units, {}; objective `{}` ({}), {}-fold cross-validation (seed {})\n\n",
        report.documents,
        report.gold_units,
        if report.gold_segmentation {
            "gold segmentation"
        } else {
            "own segmentation"
        },
        report.objective,
        report.objective_metrics,
        report.folds,
        report.seed
    );
    let width = report
        .rows
        .iter()
        .map(|r| r.metric.len())
        .max()
        .unwrap_or(0)
        .max(10);
    s.push_str(&format!(
        "{:<width$} {:>8} {:>14} {:>8}\n",
        "metric",
        "untuned",
        format!("tuned ({}-CV)", report.folds),
        "train"
    ));
    for r in &report.rows {
        s.push_str(&format!(
            "{:<width$} {:>8.3} {:>14.3} {:>8.3}\n",
            r.metric, r.untuned, r.cv, r.train
        ));
    }
    s.push_str(&format!(
        "{:<width$} {:>8.3} {:>14.3} {:>8.3}\n",
        "objective", report.untuned_objective, report.cv_objective, report.train_objective
    ));
    s
}

/// What the weights file's header records besides the report.
pub struct Provenance<'a> {
    pub gold: &'a str,
    /// Rule files the grammar was loaded from (after the default, unless left out).
    pub rules: &'a [String],
    pub date: &'a str,
    pub command: &'a str,
}

/// The fitted weights as a rule file to load with `--rules` over the same grammar.
pub fn weights_file(report: &TuneReport, p: &Provenance) -> String {
    let mut s = String::new();
    s.push_str("# Weights fitted by `toulmin tune`; load with --rules over the grammar they were fitted to.\n");
    s.push_str(&format!("# command:   {}\n", p.command));
    s.push_str(&format!(
        "# gold:      {} ({} documents, {} units, {})\n",
        p.gold,
        report.documents,
        report.gold_units,
        if report.gold_segmentation {
            "gold segmentation"
        } else {
            "own segmentation"
        }
    ));
    s.push_str(&format!(
        "# grammar:   {}\n",
        if p.rules.is_empty() {
            "default".to_string()
        } else {
            p.rules.join(" + ")
        }
    ));
    s.push_str(&format!(
        "# objective: {} ({})\n",
        report.objective, report.objective_metrics
    ));
    s.push_str(&format!("# date:      {}\n#\n", p.date));
    for line in render_table(report).lines().skip(2) {
        s.push_str(&format!("#   {line}\n"));
    }
    if let Some(w) = &report.overfitting {
        s.push_str(&format!("#\n# warning: {w}\n"));
    }
    s.push('\n');
    if report.changes.is_empty() {
        s.push_str("# No weight moved: the written weights are already the best found.\n");
    }
    for c in &report.changes {
        match c.what {
            "threshold" => s.push_str(&format!(
                "settings {{ threshold = {} }}   # written: {}\n",
                c.tuned, c.written
            )),
            "bias" => s.push_str(&format!(
                "bias {} = {}   # written: {}\n",
                c.name, c.tuned, c.written
            )),
            _ => s.push_str(&format!(
                "weight {} = {}   # written: {}\n",
                c.name, c.tuned, c.written
            )),
        }
    }
    s
}

#[cfg(test)]
mod tests;
