//! Annotation, thesis choice, linking, stance and scoring replayed on [`DocRecord`]s for a set of
//! weights. Each step follows its counterpart in `annotate`, `link`, `graph` and
//! `eval::metrics` decision for decision (the same sums in the same order, the same rounding,
//! the same tie-breaks), so a replayed score is the score `eval` reports for those weights; the
//! test `replay_matches_the_pipeline` holds the two together.

use std::collections::HashMap;

use super::record::{DocRecord, GoldSide};
use crate::annotate::round3;
use crate::eval::metrics::Function;
use crate::eval::typed::Scheme;
use crate::grammar::{Grammar, Target};
use crate::graph::model::{RelationKind, Role};

/// Everything `tune` may change: one weight per role rule and per link rule, the role
/// threshold and one bias per role.
#[derive(Debug, Clone, PartialEq)]
pub struct Params {
    pub role_weights: Vec<f64>,
    pub link_weights: Vec<f64>,
    pub threshold: f64,
    pub bias: [f64; Role::ALL.len()],
}

impl Params {
    /// The values written in the grammar.
    pub fn of(grammar: &Grammar) -> Params {
        Params {
            role_weights: grammar.roles.iter().map(|r| r.weight).collect(),
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
    pub thesis: Option<usize>,
    /// Per unit: its outgoing link (target, kind).
    pub out: Vec<Option<(usize, RelationKind)>>,
}

/// The link rules in the order linking tries them: heaviest first, ties by position.
pub fn link_order(weights: &[f64]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..weights.len()).collect();
    order.sort_by(|&a, &b| weights[b].total_cmp(&weights[a]).then(a.cmp(&b)));
    order
}

pub fn decide(grammar: &Grammar, doc: &DocRecord, params: &Params, order: &[usize]) -> Decisions {
    let n = doc.units;
    let mut roles: Vec<Option<Role>> = vec![None; n];
    let mut thesis_scores = vec![0.0; n];
    // Role of every unit, in document order (see `annotate::annotate`).
    for i in 0..n {
        let mut ranking: Vec<(Role, f64, i32)> = Vec::with_capacity(4);
        let mut thesis_score = 0.0;
        for (r, rule) in grammar.roles.iter().enumerate() {
            if !doc.role_conds[i][r].holds(&roles, None) {
                continue;
            }
            let w = params.role_weights[r];
            if rule.role == Role::Thesis {
                thesis_score += w;
            }
            match ranking.iter_mut().find(|s| s.0 == rule.role) {
                Some(s) => {
                    s.1 += w;
                    s.2 = s.2.max(rule.priority);
                }
                None => ranking.push((rule.role, w, rule.priority)),
            }
        }
        thesis_scores[i] = thesis_score;
        for s in &mut ranking {
            s.1 = round3(s.1 + params.bias[s.0 as usize]);
        }
        ranking.sort_by(|a, b| b.2.cmp(&a.2).then(b.1.total_cmp(&a.1)).then(a.0.cmp(&b.0)));
        let role = ranking
            .iter()
            .find(|s| s.1 >= params.threshold)
            .map_or(grammar.settings.default_role, |s| s.0);
        roles[i] = Some(role);
    }
    let mut roles: Vec<Role> = roles
        .into_iter()
        .map(|r| r.unwrap_or(grammar.settings.default_role))
        .collect();

    // The thesis (see `link::choose_thesis`).
    let eligible = |pred: &dyn Fn(usize) -> bool| {
        (0..n).filter(|&i| pred(i)).max_by(|&a, &b| {
            thesis_scores[a]
                .total_cmp(&thesis_scores[b])
                .then(b.cmp(&a))
        })
    };
    let thesis = eligible(&|i| {
        matches!(
            roles[i],
            Role::Thesis | Role::Claim | Role::Premise | Role::Evidence
        )
    })
    .or_else(|| eligible(&|i| roles[i] == Role::Rebuttal))
    .or_else(|| eligible(&|i| roles[i] != Role::Background))
    .or_else(|| eligible(&|i| doc.body[i]))
    .or_else(|| eligible(&|_| true));
    if let Some(t) = thesis {
        for (i, r) in roles.iter_mut().enumerate() {
            if i == t {
                *r = Role::Thesis;
            } else if *r == Role::Thesis {
                *r = Role::Claim;
            }
        }
    }
    let known: Vec<Option<Role>> = roles.iter().map(|r| Some(*r)).collect();

    // One link per unit (see `link::link`).
    let index = RoleIndex::new(doc, &roles);
    let mut chain: Vec<usize> = (0..n).collect();
    let mut out: Vec<Option<(usize, RelationKind)>> = vec![None; n];
    let mut linked: Vec<(usize, usize, RelationKind)> = Vec::new();
    for i in 0..n {
        if Some(i) == thesis || roles[i] == Role::Background {
            continue;
        }
        let mut chosen = None;
        for &r in order {
            if !doc.link_conds[i][r].holds(&known, thesis) {
                continue;
            }
            let rule = &grammar.links[r];
            let Some(t) = resolve(
                doc,
                &roles,
                &index,
                &rule.target,
                rule.kind,
                i,
                thesis,
                &linked,
            ) else {
                continue;
            };
            if chain_end(&mut chain, t) == i {
                continue;
            }
            chosen = Some((t, rule.kind));
            break;
        }
        let link = match chosen {
            Some(c) => c,
            None => match thesis {
                Some(t) => (t, RelationKind::Support),
                None => continue,
            },
        };
        let end = chain_end(&mut chain, link.0);
        chain[i] = end;
        out[i] = Some(link);
        linked.push((i, link.0, link.1));
    }
    Decisions { roles, thesis, out }
}

fn chain_end(parent: &mut [usize], mut u: usize) -> usize {
    while parent[u] != u {
        parent[u] = parent[parent[u]];
        u = parent[u];
    }
    u
}

struct RoleIndex {
    by_role: Vec<Vec<usize>>,
    points: Vec<usize>,
    section_points: HashMap<(Option<usize>, bool), Vec<usize>>,
}

impl RoleIndex {
    fn new(doc: &DocRecord, roles: &[Role]) -> RoleIndex {
        let mut by_role = vec![Vec::new(); Role::ALL.len()];
        let mut points = Vec::new();
        let mut section_points: HashMap<_, Vec<usize>> = HashMap::new();
        for (i, role) in roles.iter().enumerate() {
            by_role[*role as usize].push(i);
            if matches!(role, Role::Claim | Role::Thesis) {
                points.push(i);
                let first = section_points.entry(doc.section_key[i]).or_default();
                if first.len() < 2 {
                    first.push(i);
                }
            }
        }
        RoleIndex {
            by_role,
            points,
            section_points,
        }
    }
}

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

#[allow(clippy::too_many_arguments)] // ok: mirrors `link::resolve`, whose inputs these are
fn resolve(
    doc: &DocRecord,
    roles: &[Role],
    index: &RoleIndex,
    target: &Target,
    kind: RelationKind,
    i: usize,
    thesis: Option<usize>,
    linked: &[(usize, usize, RelationKind)],
) -> Option<usize> {
    let ok = |j: usize| j != i && roles[j] != Role::Background;
    let anywhere = |_: usize| true;
    let walk = |step: &dyn Fn(usize) -> Option<usize>| {
        std::iter::successors(step(i), |&j| step(j)).find(|&j| ok(j))
    };
    match target {
        Target::Previous => walk(&|j| doc.prev[j]),
        Target::Next => walk(&|j| doc.next[j]),
        Target::Thesis => thesis.filter(|&t| t != i),
        // Kinds are not replayed: the paragraph's opinion is approximated by its point.
        Target::ParagraphClaim | Target::ParagraphOpinion => {
            let same = |j: usize| doc.block[j] == doc.block[i];
            before(&index.points, i, same, ok).or_else(|| after(&index.points, i, same, ok))
        }
        Target::SectionClaim => index
            .section_points
            .get(&doc.section_key[i])
            .and_then(|first| first.iter().copied().find(|&j| ok(j))),
        Target::SentenceHead => {
            let head = doc.sentence_start[i];
            (head != i && ok(head)).then_some(head)
        }
        Target::Nearest(role) => {
            let list = &index.by_role[*role as usize];
            before(list, i, anywhere, ok).or_else(|| after(list, i, anywhere, ok))
        }
        Target::Preceding(role) => before(&index.by_role[*role as usize], i, anywhere, ok),
        Target::Sibling => {
            let prev = doc.prev[i]?;
            linked
                .iter()
                .rev()
                .find(|l| l.0 == prev && l.2 == kind)
                .map(|l| l.1)
                .filter(|&t| ok(t))
        }
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
            kind_labels,
        } => count_typed(d, *scheme, found, class, relations, kind_labels),
    }
}

fn count_typed(
    d: &Decisions,
    scheme: Scheme,
    found: &[Option<usize>],
    class: &[Option<usize>],
    relations: &[(usize, usize, RelationKind)],
    kind_labels: &[Option<&'static str>],
) -> Counts {
    let mut c = Counts::default();
    let classes = scheme.classes();
    let none = classes.len();
    for (g, k) in class.iter().enumerate() {
        let Some(k) = *k else { continue };
        let label = found[g].and_then(|p| match scheme {
            Scheme::WebDiscourse => scheme.role_label(d.roles[p]),
            Scheme::Cdcp => kind_labels[p],
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
