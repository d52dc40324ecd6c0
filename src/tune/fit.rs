//! Coordinate ascent over a grid of values, one knob at a time, on replayed documents.
//!
//! Each knob (a rule weight, the threshold, a role bias) is set in turn to the grid value that
//! maximises the objective minus an L2 pull toward the value written in the grammar; passes
//! repeat until none moves. The pull keeps a rule that rarely fires (and so barely moves the
//! score) at its hand-set weight, and breaks ties toward it. Only the documents where a knob
//! can change anything are replayed when it moves, which is what makes a full 5-fold run take
//! seconds.

use super::record::DocRecord;
use super::replay::{count, decide, link_order, Counts, Format, Params};
use crate::grammar::Grammar;
use crate::graph::model::Role;

/// One thing the optimiser may change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Knob {
    RoleWeight(usize),
    KindWeight(usize),
    LinkWeight(usize),
    Threshold,
    Bias(Role),
}

impl Knob {
    pub fn get(self, p: &Params) -> f64 {
        match self {
            Knob::RoleWeight(r) => p.role_weights[r],
            Knob::KindWeight(r) => p.kind_weights[r],
            Knob::LinkWeight(r) => p.link_weights[r],
            Knob::Threshold => p.threshold,
            Knob::Bias(role) => p.bias[role as usize],
        }
    }

    pub fn set(self, p: &mut Params, v: f64) {
        match self {
            Knob::RoleWeight(r) => p.role_weights[r] = v,
            Knob::KindWeight(r) => p.kind_weights[r] = v,
            Knob::LinkWeight(r) => p.link_weights[r] = v,
            Knob::Threshold => p.threshold = v,
            Knob::Bias(role) => p.bias[role as usize] = v,
        }
    }

    /// The values tried: a grid of twentieths (exact decimals, so a weights file written with
    /// them reads back to the same numbers) plus the value the grammar has now.
    fn grid(self, written: f64) -> Vec<f64> {
        // At most about 40 steps per knob: a heavy weight (a priority rule's 5) moves in
        // coarser steps than a typical 0.8.
        let (lo, hi) = match self {
            Knob::RoleWeight(_) | Knob::KindWeight(_) | Knob::LinkWeight(_) => {
                (0, (written.max(1.0) * 40.0) as i64)
            }
            Knob::Threshold => (1, 30),
            Knob::Bias(_) => (-20, 20),
        };
        let step = ((hi - lo) / 40).max(1) as usize;
        let mut values: Vec<f64> = (lo..=hi).step_by(step).map(|i| i as f64 / 20.0).collect();
        if !values.contains(&written) {
            values.push(written);
        }
        values.sort_by(f64::total_cmp);
        values
    }

    /// Whether moving this knob can change anything in `doc`.
    fn touches(self, grammar: &Grammar, doc: &DocRecord) -> bool {
        match self {
            Knob::RoleWeight(r) => doc.role_rule_fires(r),
            Knob::KindWeight(r) => doc.kind_rule_fires(r),
            Knob::LinkWeight(r) => doc.link_rule_fires(r),
            Knob::Threshold => true,
            Knob::Bias(role) => grammar
                .roles
                .iter()
                .enumerate()
                .any(|(r, rule)| rule.role == role && doc.role_rule_fires(r)),
        }
    }
}

/// Which subtask scores the objective averages (indices into cc, ro, fu, at).
pub type Metrics = Vec<usize>;

pub struct Fit {
    pub params: Params,
    pub passes: usize,
}

/// Settings of the search that are not the data.
#[derive(Debug, Clone)]
pub struct Search {
    pub knobs: Vec<Knob>,
    /// Per gold set (see [`DocRecord::set`]): its format and the scores the objective averages.
    pub sets: Vec<(Format, Metrics)>,
    /// Weight of the L2 pull toward the written values, in units of objective (macro F1).
    pub pull: f64,
    pub max_passes: usize,
}

pub fn objective(counts: &Counts, format: Format, metrics: &[usize]) -> f64 {
    let s = counts.scores(format);
    metrics.iter().map(|&m| s[m]).sum::<f64>() / metrics.len().max(1) as f64
}

/// The mean over gold sets of each set's objective: every set counts alike, however many
/// documents it has, so a fit cannot buy a gain on one corpus with a loss on another.
fn joint(pooled: &[Counts], sets: &[(Format, Metrics)]) -> f64 {
    let scored: Vec<f64> = pooled
        .iter()
        .zip(sets)
        .filter(|(_, (_, metrics))| !metrics.is_empty())
        .map(|(c, (format, metrics))| objective(c, *format, metrics))
        .collect();
    scored.iter().sum::<f64>() / scored.len().max(1) as f64
}

fn penalty(search: &Search, written: &Params, p: &Params) -> f64 {
    search
        .knobs
        .iter()
        .map(|k| {
            let d = k.get(p) - k.get(written);
            d * d
        })
        .sum::<f64>()
        * search.pull
}

/// Fits the knobs to `docs`, starting from (and pulled toward) `written`.
pub fn fit(grammar: &Grammar, docs: &[&DocRecord], written: &Params, search: &Search) -> Fit {
    let mut params = written.clone();
    let order = link_order(&params.link_weights);
    let mut per_doc: Vec<Counts> = docs
        .iter()
        .map(|d| count(d, &decide(grammar, d, &params, &order)))
        .collect();
    let mut pooled = vec![Counts::default(); search.sets.len()];
    for (c, d) in per_doc.iter().zip(docs) {
        pooled[d.set].add(c);
    }
    let touched: Vec<Vec<usize>> = search
        .knobs
        .iter()
        .map(|k| {
            (0..docs.len())
                .filter(|&d| k.touches(grammar, docs[d]))
                .collect()
        })
        .collect();
    let mut passes = 0;
    while passes < search.max_passes {
        passes += 1;
        let mut moved = false;
        for (k, knob) in search.knobs.iter().enumerate() {
            if touched[k].is_empty() {
                continue;
            }
            let current = knob.get(&params);
            let origin = knob.get(written);
            let base_penalty =
                penalty(search, written, &params) - search.pull * sq(current - origin);
            let mut best = (
                joint(&pooled, &search.sets) - base_penalty - search.pull * sq(current - origin),
                current,
                None::<(Vec<Counts>, Vec<Counts>)>,
            );
            for v in knob.grid(origin) {
                if v == current {
                    continue;
                }
                let mut trial = params.clone();
                knob.set(&mut trial, v);
                let trial_order = link_order(&trial.link_weights);
                let mut trial_pooled = pooled.clone();
                let mut fresh = Vec::with_capacity(touched[k].len());
                for &d in &touched[k] {
                    let c = count(docs[d], &decide(grammar, docs[d], &trial, &trial_order));
                    trial_pooled[docs[d].set].sub(&per_doc[d]);
                    trial_pooled[docs[d].set].add(&c);
                    fresh.push(c);
                }
                let value = joint(&trial_pooled, &search.sets)
                    - base_penalty
                    - search.pull * sq(v - origin);
                // Strictly better only, and a tiny margin against float noise: among equal
                // scores the first found (the current value, then the lowest) stays.
                if value > best.0 + 1e-12 {
                    best = (value, v, Some((fresh, trial_pooled)));
                }
            }
            if let (v, Some((fresh, new_pooled))) = (best.1, best.2) {
                knob.set(&mut params, v);
                for (&d, c) in touched[k].iter().zip(fresh) {
                    per_doc[d] = c;
                }
                pooled = new_pooled;
                moved = true;
            }
        }
        if !moved {
            break;
        }
    }
    Fit { params, passes }
}

fn sq(x: f64) -> f64 {
    x * x
}

/// Pooled counts of `docs` under `params`, per gold set.
pub fn score(grammar: &Grammar, docs: &[&DocRecord], params: &Params, sets: usize) -> Vec<Counts> {
    let order = link_order(&params.link_weights);
    let mut pooled = vec![Counts::default(); sets];
    for d in docs {
        pooled[d.set].add(&count(d, &decide(grammar, d, params, &order)));
    }
    pooled
}

/// Documents split into `k` folds: a seeded shuffle (SplitMix64 + Fisher–Yates, so the folds
/// are the same on every platform and version), then dealt out in turn.
pub fn folds(n: usize, k: usize, seed: u64) -> Vec<usize> {
    let mut state = seed;
    let mut next = || {
        state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    };
    let mut order: Vec<usize> = (0..n).collect();
    for i in (1..n).rev() {
        let j = (next() % (i as u64 + 1)) as usize;
        order.swap(i, j);
    }
    let mut fold = vec![0; n];
    for (pos, &doc) in order.iter().enumerate() {
        fold[doc] = pos % k.max(1);
    }
    fold
}
