//! Annotation, thesis choice, linking, stance and scoring replayed on [`DocRecord`]s for a set of
//! weights. Kinds and roles follow `annotate` decision for decision (the same sums in the same
//! order, the same rounding, the same tie-breaks); thesis, restatements and links are decided
//! by `link`'s own code ([`link::settle_thesis`], [`link::link_units`]) on the recorded
//! layout; stance and scoring follow `graph` and `eval`. So a replayed score is the score
//! `eval` reports for those weights; the test `replay_matches_the_pipeline` holds the two
//! together.

use std::borrow::Cow;

use super::record::{DocRecord, GoldSide, State};
use crate::annotate::round3;
use crate::eval::metrics::Function;
use crate::eval::typed::Scheme;
use crate::grammar::Grammar;
use crate::graph::model::{Kind, RelationKind, Role};
use crate::link::{self, LinkContext, LinkUnit};

pub use crate::link::link_order;

/// Everything `tune` may change: one weight per role, kind and link rule, the threshold
/// (shared by roles and kinds) and one bias per role.
#[derive(Debug, Clone, PartialEq)]
pub struct Params {
    pub role_weights: Vec<f64>,
    pub kind_weights: Vec<f64>,
    pub link_weights: Vec<f64>,
    pub threshold: f64,
    pub bias: [f64; Role::ALL.len()],
}

impl Params {
    /// The values written in the grammar.
    pub fn of(grammar: &Grammar) -> Params {
        Params {
            role_weights: grammar.roles.iter().map(|r| r.weight).collect(),
            kind_weights: grammar.kinds.iter().map(|r| r.weight).collect(),
            link_weights: grammar.links.iter().map(|r| r.weight).collect(),
            threshold: grammar.settings.threshold,
            bias: grammar.settings.bias,
        }
    }

    /// `grammar` with these values in place of its own.
    pub fn apply(&self, grammar: &Grammar) -> Grammar {
        let mut g = grammar.clone();
        for (r, w) in g.roles.iter_mut().zip(&self.role_weights) {
            r.weight = *w;
        }
        for (r, w) in g.kinds.iter_mut().zip(&self.kind_weights) {
            r.weight = *w;
        }
        for (r, w) in g.links.iter_mut().zip(&self.link_weights) {
            r.weight = *w;
        }
        g.settings.threshold = self.threshold;
        g.settings.bias = self.bias;
        g
    }
}

/// Confusion counts of the four subtasks for one document (or pooled over several):
/// `cc`/`ro`/`at` are 2×2 (index 0 = yes/pro), `fu` is 3×3 (central, support, attack);
/// `[gold][predicted]`.
/// For typed gold (Web Discourse, CDCP): `types` is gold class × predicted label (the classes,
/// then `none`), `rel` holds relation counts (gold, found, predicted, correct).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub cc: [[u32; 2]; 2],
    pub ro: [[u32; 2]; 2],
    pub fu: [[u32; 3]; 3],
    pub at: [[u32; 2]; 2],
    pub types: [[u32; TYPE_COLUMNS]; TYPE_COLUMNS],
    pub rel: [u32; 4],
}

/// Room for the largest scheme's classes plus `none`.
pub const TYPE_COLUMNS: usize = 6;

/// Which scores a gold file yields.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Structure,
    Typed(Scheme),
}

impl Format {
    pub fn metric_names(self) -> &'static [&'static str] {
        match self {
            Format::Structure => &["cc", "ro", "fu", "at"],
            Format::Typed(Scheme::WebDiscourse) => &["type", "relation"],
            Format::Typed(Scheme::Cdcp) => &["kind", "relation"],
        }
    }
}

impl Counts {
    pub fn add(&mut self, o: &Counts) {
        add_table(&mut self.cc, &o.cc);
        add_table(&mut self.ro, &o.ro);
        add_table(&mut self.fu, &o.fu);
        add_table(&mut self.at, &o.at);
        add_table(&mut self.types, &o.types);
        for (x, y) in self.rel.iter_mut().zip(&o.rel) {
            *x += y;
        }
    }

    pub fn sub(&mut self, o: &Counts) {
        sub_table(&mut self.cc, &o.cc);
        sub_table(&mut self.ro, &o.ro);
        sub_table(&mut self.fu, &o.fu);
        sub_table(&mut self.at, &o.at);
        sub_table(&mut self.types, &o.types);
        for (x, y) in self.rel.iter_mut().zip(&o.rel) {
            *x -= y;
        }
    }

    /// The scores of `format`, as `eval` computes them: macro F1 of cc, ro, fu, at for
    /// microtext structure; label macro F1 and relation F1 for typed gold.
    pub fn scores(&self, format: Format) -> Vec<f64> {
        match format {
            Format::Structure => vec![
                macro_f1(&self.cc),
                macro_f1(&self.ro),
                macro_f1(&self.fu),
                macro_f1(&self.at),
            ],
            Format::Typed(scheme) => {
                let n = scheme.classes().len();
                let f1s: Vec<f64> = (0..n)
                    .map(|k| {
                        let gold: u32 = self.types[k].iter().sum();
                        let predicted: u32 = self.types.iter().map(|row| row[k]).sum();
                        f1(
                            ratio(self.types[k][k], predicted),
                            ratio(self.types[k][k], gold),
                        )
                    })
                    .collect();
                let [gold, found, predicted, correct] = self.rel;
                vec![
                    f1s.iter().sum::<f64>() / n as f64,
                    f1(ratio(correct, predicted), ratio(found, gold)),
                ]
            }
        }
    }
}

fn add_table<const N: usize>(a: &mut [[u32; N]; N], b: &[[u32; N]; N]) {
    for (ra, rb) in a.iter_mut().zip(b) {
        for (x, y) in ra.iter_mut().zip(rb) {
            *x += y;
        }
    }
}

fn sub_table<const N: usize>(a: &mut [[u32; N]; N], b: &[[u32; N]; N]) {
    for (ra, rb) in a.iter_mut().zip(b) {
        for (x, y) in ra.iter_mut().zip(rb) {
            *x -= y;
        }
    }
}

fn ratio(n: u32, d: u32) -> f64 {
    if d == 0 {
        0.0
    } else {
        n as f64 / d as f64
    }
}

fn f1(p: f64, r: f64) -> f64 {
    if p + r == 0.0 {
        0.0
    } else {
        2.0 * p * r / (p + r)
    }
}

/// Mean per-class F1 over the classes that occur in gold or prediction (see `eval::metrics`).
fn macro_f1<const N: usize>(t: &[[u32; N]; N]) -> f64 {
    let div = |n: u32, d: u32| if d == 0 { 0.0 } else { n as f64 / d as f64 };
    let mut sum = 0.0;
    let mut present = 0;
    for k in 0..N {
        let gold: u32 = t[k].iter().sum();
        let predicted: u32 = t.iter().map(|row| row[k]).sum();
        let p = div(t[k][k], predicted);
        let r = div(t[k][k], gold);
        let f1 = if p + r == 0.0 {
            0.0
        } else {
            2.0 * p * r / (p + r)
        };
        if gold + predicted > 0 {
            sum += f1;
            present += 1;
        }
    }
    if present == 0 {
        0.0
    } else {
        sum / present as f64
    }
}

/// The replayed decisions for one document.
#[derive(Debug, Clone, PartialEq)]
pub struct Decisions {
    pub roles: Vec<Role>,
    /// Per unit: its proposition kind as the map shows it.
    pub kinds: Vec<Option<Kind>>,
    pub thesis: Option<usize>,
    /// Per unit: its outgoing link (target, kind).
    pub out: Vec<Option<(usize, RelationKind)>>,
}

/// The label that wins a vote (see `annotate::annotate`): per label, the summed weight plus
/// its bias, rounded; the highest priority first, then the highest score, then the label;
/// the first to reach `threshold`.
fn winner<L: Copy + Ord>(votes: &mut [(L, f64, i32)], threshold: f64) -> Option<L> {
    votes.sort_by(|a, b| b.2.cmp(&a.2).then(b.1.total_cmp(&a.1)).then(a.0.cmp(&b.0)));
    votes.iter().find(|s| s.1 >= threshold).map(|s| s.0)
}

fn vote<L: Copy + PartialEq>(votes: &mut Vec<(L, f64, i32)>, label: L, w: f64, priority: i32) {
    match votes.iter_mut().find(|s| s.0 == label) {
        Some(s) => {
            s.1 += w;
            s.2 = s.2.max(priority);
        }
        None => votes.push((label, w, priority)),
    }
}

pub fn decide(grammar: &Grammar, doc: &DocRecord, params: &Params, order: &[usize]) -> Decisions {
    let n = doc.units;
    let mut roles: Vec<Option<Role>> = vec![None; n];
    let mut kinds: Vec<Option<Kind>> = vec![None; n];
    // Kinds first, in document order (see `annotate::decide_kinds`): no role is known yet.
    for i in 0..n {
        let mut votes: Vec<(Kind, f64, i32)> = Vec::new();
        for (r, rule) in grammar.kinds.iter().enumerate() {
            let state = State {
                roles: &roles,
                kinds: &kinds,
                thesis: None,
            };
            if doc.kind_conds[i][r].holds(&state) {
                vote(&mut votes, rule.kind, params.kind_weights[r], rule.priority);
            }
        }
        for s in &mut votes {
            s.1 = round3(s.1);
        }
        kinds[i] = winner(&mut votes, params.threshold).or(grammar.settings.default_kind);
    }
    let mut thesis_scores = vec![0.0; n];
    // Then roles, in document order (see `annotate::annotate`).
    for i in 0..n {
        let mut votes: Vec<(Role, f64, i32)> = Vec::with_capacity(4);
        let mut thesis_score = 0.0;
        for (r, rule) in grammar.roles.iter().enumerate() {
            let state = State {
                roles: &roles,
                kinds: &kinds,
                thesis: None,
            };
            if !doc.role_conds[i][r].holds(&state) {
                continue;
            }
            let w = params.role_weights[r];
            if rule.role == Role::Thesis {
                thesis_score += w;
            }
            vote(&mut votes, rule.role, w, rule.priority);
        }
        thesis_scores[i] = thesis_score;
        for s in &mut votes {
            s.1 = round3(s.1 + params.bias[s.0 as usize]);
        }
        roles[i] =
            Some(winner(&mut votes, params.threshold).unwrap_or(grammar.settings.default_role));
    }

    // Thesis, restatements and links by linking's own code.
    let mut view: Vec<LinkUnit> = (0..n)
        .map(|i| LinkUnit {
            place: &doc.places[i],
            role: roles[i].unwrap_or(grammar.settings.default_role),
            kind: kinds[i],
            thesis_score: thesis_scores[i],
            question: doc.question[i],
            in_quotation: doc.in_quotation[i],
        })
        .collect();
    let (thesis, _, restates) = link::settle_thesis(&mut view, |i| Cow::Borrowed(&doc.stems[i]));
    let known: Vec<Option<Role>> = view.iter().map(|u| Some(u.role)).collect();
    let layout = LinkContext {
        prev: &doc.prev,
        next: &doc.next,
        heads: &doc.sentence_start,
        thesis,
    };
    let state = State {
        roles: &known,
        kinds: &kinds,
        thesis,
    };
    let (links, _) = link::link_units(
        &layout,
        &view,
        &grammar.links,
        &params.link_weights,
        order,
        &restates,
        false,
        |r, i| doc.link_conds[i][r].holds(&state),
    );
    let mut out: Vec<Option<(usize, RelationKind)>> = vec![None; n];
    for l in &links {
        out[l.from] = Some((l.to, l.kind));
    }
    // A quoted unit no kind rule decided reads as testimony (see `pipeline::build_map`).
    for (k, quoted) in kinds.iter_mut().zip(&doc.quoted) {
        if k.is_none() && *quoted {
            *k = Some(Kind::Testimony);
        }
    }
    Decisions {
        roles: view.iter().map(|u| u.role).collect(),
        kinds,
        thesis,
        out,
    }
}

/// Scores one document's decisions (see `eval::metrics::tally_doc` and
/// `eval::typed::evaluate_typed`).
pub fn count(doc: &DocRecord, d: &Decisions) -> Counts {
    match &doc.gold {
        GoldSide::Structure {
            align,
            central,
            opponent,
            function,
            links,
        } => count_structure(d, align, central, opponent, function, links),
        GoldSide::Typed {
            scheme,
            found,
            class,
            relations,
        } => count_typed(d, *scheme, found, class, relations),
    }
}

fn count_typed(
    d: &Decisions,
    scheme: Scheme,
    found: &[Option<usize>],
    class: &[Option<usize>],
    relations: &[(usize, usize, RelationKind)],
) -> Counts {
    let mut c = Counts::default();
    let classes = scheme.classes();
    let none = classes.len();
    for (g, k) in class.iter().enumerate() {
        let Some(k) = *k else { continue };
        let label = found[g].and_then(|p| match scheme {
            Scheme::WebDiscourse => scheme.role_label(d.roles[p]),
            Scheme::Cdcp => d.kinds[p].and_then(|k| scheme.kind_label(k)),
        });
        let column = label
            .and_then(|l| classes.iter().position(|c| *c == l))
            .unwrap_or(none);
        c.types[k][column] += 1;
    }
    let polarity = scheme == Scheme::WebDiscourse;
    let predicted: Vec<(usize, usize, RelationKind)> = d
        .out
        .iter()
        .enumerate()
        .filter_map(|(p, o)| o.map(|(t, kind)| (p, t, kind)))
        .collect();
    let matches = |g: &(usize, usize, RelationKind), p: &(usize, usize, RelationKind)| {
        found[g.0] == Some(p.0) && found[g.1] == Some(p.1) && (!polarity || g.2 == p.2)
    };
    let aligned = |u: usize| found.contains(&Some(u));
    let judged: Vec<&(usize, usize, RelationKind)> = predicted
        .iter()
        .filter(|p| aligned(p.0) && aligned(p.1))
        .collect();
    c.rel = [
        relations.len() as u32,
        relations
            .iter()
            .filter(|g| predicted.iter().any(|p| matches(g, p)))
            .count() as u32,
        judged.len() as u32,
        judged
            .iter()
            .filter(|p| relations.iter().any(|g| matches(g, p)))
            .count() as u32,
    ];
    c
}

fn count_structure(
    d: &Decisions,
    align: &[Option<usize>],
    central: &[bool],
    opponent: &[bool],
    gold_function: &[Function],
    links: &[(usize, usize)],
) -> Counts {
    let mut c = Counts::default();
    let yes_no = |b: bool| usize::from(!b);
    let stance_opp = |p: usize| -> bool {
        if d.roles[p] == Role::Background {
            return false;
        }
        // Odd number of attacks on the way to the thesis; no way there reads as `pro`.
        let mut attacks = 0;
        let mut at = p;
        let mut steps = 0;
        while Some(at) != d.thesis {
            let Some((to, kind)) = d.out[at] else {
                return false;
            };
            attacks += usize::from(kind == RelationKind::Attack);
            at = to;
            steps += 1;
            if steps > d.out.len() {
                return false;
            }
        }
        attacks % 2 == 1
    };
    let function = |p: Option<usize>| -> usize {
        match p {
            None => 1,
            Some(p) if d.thesis == Some(p) => 0,
            Some(p) if d.roles[p] == Role::Background => 1,
            Some(p) => match d.out[p] {
                Some((_, RelationKind::Attack)) => 2,
                _ => 1,
            },
        }
    };
    for (k, p) in align.iter().enumerate() {
        let is_thesis = p.is_some_and(|p| d.thesis == Some(p));
        c.cc[yes_no(central[k])][yes_no(is_thesis)] += 1;
        let opp = p.is_some_and(stance_opp);
        c.ro[usize::from(opponent[k])][usize::from(opp)] += 1;
        let gold_fn = match gold_function[k] {
            Function::Central => 0,
            Function::Support => 1,
            Function::Attack => 2,
        };
        c.fu[gold_fn][function(*p)] += 1;
    }
    let m = align.len();
    for a in 0..m {
        for b in 0..m {
            if a == b {
                continue;
            }
            let gold = links.contains(&(a, b));
            let predicted = match (align[a], align[b]) {
                (Some(x), Some(y)) if x != y => d.out[x].is_some_and(|(t, _)| t == y),
                _ => false,
            };
            c.at[yes_no(gold)][yes_no(predicted)] += 1;
        }
    }
    c
}
