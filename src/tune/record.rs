//! What the text pipeline decides once per document, whatever the weights: the units, where
//! they sit, and for every rule and unit the part of its condition that depends on roles (or
//! nothing at all, for most rules). Replaying annotation and linking on these records gives the
//! pipeline's answer for any weights without reading, scanning or matching text again.

use crate::annotate::stems::Stems;
use crate::annotate::{Context, Placement, Segmentation};
use crate::eval::metrics::{self, Function};
use crate::eval::typed::{self, Scheme, TypedDoc};
use crate::eval::GoldDoc;
use crate::grammar::{Check, CheckTest, Grammar, Neighbour};
use crate::graph::model::{ArgumentMap, Kind, RelationKind, Role, Stance};
use crate::link::is_question;
use crate::pipeline::{map_titled_text_annotated, InvariantError};

/// A condition with every test that no weight can change already decided.
#[derive(Debug, Clone, PartialEq)]
pub enum Residual {
    Const(bool),
    /// Unit `unit` currently has role `role`.
    RoleIs(usize, Role),
    /// Unit `unit` has proposition kind `kind`.
    KindIs(usize, Kind),
    IsThesis(usize),
    Not(Box<Residual>),
    And(Vec<Residual>),
    Or(Vec<Residual>),
}

impl Residual {
    fn not(r: Residual) -> Residual {
        match r {
            Residual::Const(b) => Residual::Const(!b),
            other => Residual::Not(Box::new(other)),
        }
    }

    fn and(parts: Vec<Residual>) -> Residual {
        let mut kept = Vec::new();
        for p in parts {
            match p {
                Residual::Const(false) => return Residual::Const(false),
                Residual::Const(true) => {}
                other => kept.push(other),
            }
        }
        match kept.len() {
            0 => Residual::Const(true),
            1 => kept.remove(0),
            _ => Residual::And(kept),
        }
    }

    fn or(parts: Vec<Residual>) -> Residual {
        let mut kept = Vec::new();
        for p in parts {
            match p {
                Residual::Const(true) => return Residual::Const(true),
                Residual::Const(false) => {}
                other => kept.push(other),
            }
        }
        match kept.len() {
            0 => Residual::Const(false),
            1 => kept.remove(0),
            _ => Residual::Or(kept),
        }
    }

    /// Whether the condition holds in `state`, as [`Context::holds`] would decide it then.
    pub fn holds(&self, state: &State) -> bool {
        match self {
            Residual::Const(b) => *b,
            Residual::RoleIs(u, role) => state.roles[*u] == Some(*role),
            Residual::KindIs(u, kind) => state.kinds[*u] == Some(*kind),
            Residual::IsThesis(u) => state.thesis == Some(*u),
            Residual::Not(r) => !r.holds(state),
            Residual::And(rs) => rs.iter().all(|r| r.holds(state)),
            Residual::Or(rs) => rs.iter().any(|r| r.holds(state)),
        }
    }

    /// False whatever the roles: the rule can never fire on this unit.
    pub fn never(&self) -> bool {
        *self == Residual::Const(false)
    }
}

/// What the pipeline has decided when a condition is evaluated: `None` for a unit whose role
/// or kind is not decided yet (kinds and then roles are decided in document order).
pub struct State<'a> {
    pub roles: &'a [Option<Role>],
    pub kinds: &'a [Option<Kind>],
    pub thesis: Option<usize>,
}

/// The gold side of one document, aligned to the predicted units once (the segmentation does
/// not depend on weights).
#[derive(Debug, Clone)]
pub enum GoldSide {
    /// Microtext structure: central claim, proponent/opponent, relations between units.
    Structure {
        /// Per gold unit: the predicted unit it is aligned to.
        align: Vec<Option<usize>>,
        central: Vec<bool>,
        opponent: Vec<bool>,
        function: Vec<Function>,
        /// Gold relations as (source, target) indices into the gold units.
        links: Vec<(usize, usize)>,
    },
    /// Web Discourse / CDCP: a label per unit and typed relations.
    Typed {
        scheme: Scheme,
        /// Per gold unit (all of them): the predicted unit it is found in.
        found: Vec<Option<usize>>,
        /// Per gold unit: index of its class in `scheme.classes()`, for scored units.
        class: Vec<Option<usize>>,
        /// Scored gold relations as (source, target, kind), indices into the gold units.
        relations: Vec<(usize, usize, RelationKind)>,
    },
}

/// Everything replay needs about one document.
#[derive(Debug, Clone)]
pub struct DocRecord {
    pub id: String,
    /// Which of the gold sets tuned together the document belongs to.
    pub set: usize,
    pub units: usize,
    pub places: Vec<Placement>,
    pub prev: Vec<Option<usize>>,
    pub next: Vec<Option<usize>>,
    pub sentence_start: Vec<usize>,
    /// Per unit: whether it or its sentence asks a question (never the thesis).
    pub question: Vec<bool>,
    /// Per unit: whether it is inside a quotation (not the thesis while another unit can be).
    pub in_quotation: Vec<bool>,
    /// Per unit: its content-word stems, which decide whether it restates the thesis.
    pub stems: Vec<Stems>,
    /// Per unit: whether it sits in a block quote (testimony when no kind rule decides).
    pub quoted: Vec<bool>,
    /// `kind_conds[unit][rule]`, rules as in [`Grammar::kinds`].
    pub kind_conds: Vec<Vec<Residual>>,
    /// `role_conds[unit][rule]`, rules as in [`Grammar::roles`].
    pub role_conds: Vec<Vec<Residual>>,
    /// `link_conds[unit][rule]`, rules as in [`Grammar::links`].
    pub link_conds: Vec<Vec<Residual>>,
    pub gold: GoldSide,
}

impl DocRecord {
    /// Whether role rule `rule` can fire anywhere in this document.
    pub fn role_rule_fires(&self, rule: usize) -> bool {
        self.role_conds.iter().any(|c| !c[rule].never())
    }

    pub fn link_rule_fires(&self, rule: usize) -> bool {
        self.link_conds.iter().any(|c| !c[rule].never())
    }

    pub fn kind_rule_fires(&self, rule: usize) -> bool {
        self.kind_conds.iter().any(|c| !c[rule].never())
    }
}

/// Runs the pipeline on one text once and records it (without its gold side); also returns the
/// map the pipeline made, which is the untuned grammar's answer.
pub fn record(
    id: &str,
    text: &str,
    title: Option<&str>,
    segmentation: &Segmentation,
    grammar: &Grammar,
) -> Result<(DocRecord, ArgumentMap), InvariantError> {
    let mapped = map_titled_text_annotated(id, text, title, grammar, segmentation)?;
    let article = &mapped.article;
    let places: Vec<_> = mapped.units.iter().map(|u| u.place.clone()).collect();
    let hits = grammar.scan(&article.text);
    let ctx = Context::new(article, grammar, &places, &hits);
    let n = places.len();
    let residual = |check: &Option<Check>, i: usize| match check {
        Some(c) => partial(&ctx, c, i, false),
        None => Residual::Const(true),
    };
    let kind_conds = (0..n)
        .map(|i| grammar.kinds.iter().map(|r| residual(&r.when, i)).collect())
        .collect();
    let role_conds = (0..n)
        .map(|i| grammar.roles.iter().map(|r| residual(&r.when, i)).collect())
        .collect();
    let link_conds = (0..n)
        .map(|i| grammar.links.iter().map(|r| residual(&r.when, i)).collect())
        .collect();
    Ok((
        DocRecord {
            id: id.to_string(),
            set: 0,
            units: n,
            prev: (0..n).map(|i| ctx.prev(i)).collect(),
            next: (0..n).map(|i| ctx.next(i)).collect(),
            sentence_start: (0..n).map(|i| ctx.sentence_start(i)).collect(),
            question: (0..n).map(|i| is_question(&ctx, i)).collect(),
            in_quotation: ctx.quoted().to_vec(),
            stems: places
                .iter()
                .map(|p| Stems::of(article.slice(&p.span)))
                .collect(),
            quoted: places
                .iter()
                .map(|p| article.markup.quotes.contains(&p.block))
                .collect(),
            places,
            kind_conds,
            role_conds,
            link_conds,
            gold: GoldSide::Structure {
                align: Vec::new(),
                central: Vec::new(),
                opponent: Vec::new(),
                function: Vec::new(),
                links: Vec::new(),
            },
        },
        mapped.map,
    ))
}

/// Records a microtext-shaped gold document.
pub fn record_structure(
    doc: &GoldDoc,
    grammar: &Grammar,
    gold_units: bool,
) -> Result<(DocRecord, ArgumentMap), InvariantError> {
    let segmentation = if gold_units {
        Segmentation::Given(doc.units.iter().map(|u| u.start..u.end).collect())
    } else {
        Segmentation::Rules
    };
    let (mut rec, map) = record(&doc.id, &doc.text, None, &segmentation, grammar)?;
    rec.gold = gold_side(doc, &map);
    Ok((rec, map))
}

/// Records a Web Discourse / CDCP gold document.
pub fn record_typed(
    doc: &TypedDoc,
    grammar: &Grammar,
    gold_units: bool,
) -> Result<(DocRecord, ArgumentMap), InvariantError> {
    let segmentation = if gold_units {
        Segmentation::Given(doc.scored_ranges())
    } else {
        Segmentation::Rules
    };
    let (mut rec, map) = record(
        &doc.id,
        &doc.text,
        doc.title.as_deref(),
        &segmentation,
        grammar,
    )?;
    let index = |id: &str| doc.units.iter().position(|u| u.id == id);
    let classes = doc.scheme.classes();
    rec.gold = GoldSide::Typed {
        scheme: doc.scheme,
        found: typed::found_units(doc, &map),
        class: doc
            .units
            .iter()
            .map(|u| {
                u.scored
                    .then(|| classes.iter().position(|c| *c == u.label))
                    .flatten()
            })
            .collect(),
        relations: doc
            .relations
            .iter()
            .filter_map(|r| Some((index(&r.src)?, index(&r.trg)?, r.kind?)))
            .collect(),
    };
    Ok((rec, map))
}

fn gold_side(doc: &GoldDoc, map: &ArgumentMap) -> GoldSide {
    let index = |id: &str| doc.units.iter().position(|u| u.id == id);
    GoldSide::Structure {
        align: metrics::align(doc, map),
        central: doc.units.iter().map(|u| u.central).collect(),
        opponent: doc.units.iter().map(|u| u.role == Stance::Opp).collect(),
        function: doc
            .units
            .iter()
            .map(|u| metrics::gold_function(doc, u))
            .collect(),
        links: doc
            .relations
            .iter()
            .filter_map(|r| Some((index(&r.src)?, index(&r.trg)?)))
            .collect(),
    }
}

/// Decides what `check` on unit `i` can decide without roles, kinds or the thesis. Mirrors `Context::holds`:
/// `prev.`/`next.` move to the neighbouring unit (false when there is none), `sentence.` to the
/// sentence around the unit, seen from its first unit.
fn partial(ctx: &Context, check: &Check, i: usize, whole_sentence: bool) -> Residual {
    match check {
        Check::Not(c) => Residual::not(partial(ctx, c, i, whole_sentence)),
        Check::And(cs) => Residual::and(
            cs.iter()
                .map(|c| partial(ctx, c, i, whole_sentence))
                .collect(),
        ),
        Check::Or(cs) => Residual::or(
            cs.iter()
                .map(|c| partial(ctx, c, i, whole_sentence))
                .collect(),
        ),
        Check::Neighbour(n, c) => match n {
            Neighbour::Prev => ctx
                .prev(i)
                .map_or(Residual::Const(false), |j| partial(ctx, c, j, false)),
            Neighbour::Next => ctx
                .next(i)
                .map_or(Residual::Const(false), |j| partial(ctx, c, j, false)),
            Neighbour::Sentence => partial(ctx, c, ctx.sentence_start(i), true),
        },
        Check::Test(CheckTest::RoleIs(role), _) => Residual::RoleIs(i, *role),
        Check::Test(CheckTest::KindIs(kind), _) => Residual::KindIs(i, *kind),
        Check::Test(CheckTest::IsThesis, _) => Residual::IsThesis(i),
        Check::Test(t, _) => Residual::Const(ctx.test_on(t, i, whole_sentence)),
    }
}
