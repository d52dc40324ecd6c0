//! The map as Graphviz DOT, built with graphviz-rust's structures.
//!
//! graphviz-rust prints `Id::Escaped` verbatim, so every string goes through [`quoted`]: the
//! printer would otherwise emit article text with quotes or backslashes as broken DOT.

use graphviz_rust::dot_structures::{
    Attribute, Edge, EdgeTy, Graph, GraphAttributes, Id, Node, NodeId, Stmt, Subgraph, Vertex,
};
use graphviz_rust::printer::{DotPrinter, PrinterContext};

use super::style::{
    is_out, role_style, wrap, ATTACK_COLOR, FADED_EDGE, OUT_BORDER, OUT_FILL, OUT_FONT,
    SUPPORT_COLOR,
};
use crate::graph::model::{ArgumentMap, RelationKind, Role, Unit};

/// A DOT string literal: quotes, backslashes and line breaks escaped.
pub fn quoted(s: &str) -> Id {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c => out.push(c),
        }
    }
    out.push('"');
    Id::Escaped(out)
}

/// A label with graphviz line breaks: each line ends in `\l`-free centred `\n`. The text is
/// escaped first, then the breaks are added, so article text cannot inject escapes.
fn label_id(lines: &[String]) -> Id {
    let escaped: Vec<String> = lines
        .iter()
        .map(|l| {
            let Id::Escaped(q) = quoted(l) else {
                return String::new();
            };
            q[1..q.len() - 1].to_string()
        })
        .collect();
    Id::Escaped(format!("\"{}\"", escaped.join("\\n")))
}

fn attr(key: &str, value: Id) -> Attribute {
    Attribute(Id::Plain(key.to_string()), value)
}

fn plain(key: &str, value: &str) -> Attribute {
    attr(key, quoted(value))
}

pub fn node_label(u: &Unit) -> Vec<String> {
    let style = role_style(u.role);
    let (width, max_lines) = match u.role {
        Role::Thesis => (34, 6),
        Role::Background => (34, 2),
        _ => (30, 4),
    };
    // The proposition kind rides on the header line as a small badge: `[fact]`.
    let badge = u.kind.map(|k| format!(" [{k}]")).unwrap_or_default();
    let mut lines = vec![format!("{} · {}{badge}", style.label, u.id)];
    if is_out(u) {
        lines[0].push_str(" · OUT");
    }
    lines.extend(wrap(u.shown(), width, max_lines));
    lines
}

pub fn tooltip(u: &Unit) -> String {
    let kind = u.kind.map(|k| format!(", kind {k}")).unwrap_or_default();
    let mut t = format!(
        "{} {} (score {}{kind})\n{}",
        u.role,
        u.id,
        u.score,
        u.shown()
    );
    if !u.rules.is_empty() {
        t.push_str(&format!("\nrules: {}", u.rules.join(", ")));
    }
    if !u.cues.is_empty() {
        let cues: Vec<String> = u
            .cues
            .iter()
            .map(|c| format!("\"{}\" ({})", c.text, c.lexicon))
            .collect();
        t.push_str(&format!("\ncues: {}", cues.join(", ")));
    }
    t
}

fn node(u: &Unit) -> Stmt {
    let s = role_style(u.role);
    let out = is_out(u);
    let mut attributes = vec![
        attr("label", label_id(&node_label(u))),
        plain("id", &format!("node-{}", u.id)),
        plain(
            "class",
            &format!(
                "unit role-{}{}",
                u.role,
                if out { " status-out" } else { "" }
            ),
        ),
        plain("tooltip", &tooltip(u)),
        plain("shape", s.shape),
        plain("style", s.dot_style),
        plain("fillcolor", if out { OUT_FILL } else { s.fill }),
        plain("color", if out { OUT_BORDER } else { s.border }),
        attr("penwidth", Id::Plain(s.pen_width.to_string())),
        attr("fontsize", Id::Plain(s.font_size.to_string())),
    ];
    if out {
        attributes.push(plain("fontcolor", OUT_FONT));
    }
    Stmt::Node(Node::new(NodeId(quoted(&u.id), None), attributes))
}

/// Edge lengths that spread a wide fan over several ranks (the idea of Graphviz's `unflatten`):
/// a thesis with fifteen direct supporters otherwise becomes one row fifteen boxes wide, with
/// their own supporters in another, and no screen shows that legibly. Every other supporter of
/// a wide fan is pushed down by `DROP` ranks, halving the width.
fn stagger_lengths(map: &ArgumentMap) -> Vec<usize> {
    const FAN: usize = 6;
    const DROP: usize = 2;
    let mut fan_in: std::collections::HashMap<&str, usize> = Default::default();
    for r in &map.relations {
        *fan_in.entry(r.to.as_str()).or_insert(0) += 1;
    }
    let mut seen: std::collections::HashMap<&str, usize> = Default::default();
    map.relations
        .iter()
        .map(|r| {
            if fan_in[r.to.as_str()] <= FAN {
                return 1;
            }
            let k = seen.entry(r.to.as_str()).or_insert(0);
            *k += 1;
            if k.is_multiple_of(2) {
                1 + DROP
            } else {
                1
            }
        })
        .collect()
}

/// The whole map: bottom-to-top so premises sit below what they support and the thesis is on
/// top; one cluster per section; support solid, attack dashed with a tee head.
pub fn to_dot(map: &ArgumentMap) -> String {
    let mut stmts = vec![
        Stmt::GAttribute(GraphAttributes::Graph(vec![
            plain("rankdir", "BT"),
            plain("nodesep", "0.3"),
            plain("ranksep", "0.55"),
            plain("fontname", "Helvetica"),
            plain("labelloc", "t"),
            plain("label", map.title.as_deref().unwrap_or(&map.source.name)),
            plain("fontsize", "18"),
            plain("newrank", "true"),
            plain("tooltip", map.title.as_deref().unwrap_or(&map.source.name)),
        ])),
        Stmt::GAttribute(GraphAttributes::Node(vec![
            plain("fontname", "Helvetica"),
            plain("margin", "0.12,0.06"),
        ])),
        Stmt::GAttribute(GraphAttributes::Edge(vec![
            plain("fontname", "Helvetica"),
            plain("fontsize", "9"),
        ])),
    ];
    // Group units by section, keeping document order; units outside any section stay at top level.
    let mut sections: Vec<(Option<&str>, Vec<&Unit>)> = Vec::new();
    for u in &map.units {
        let key = u.section.as_deref();
        match sections.iter_mut().find(|(k, _)| *k == key) {
            Some((_, v)) => v.push(u),
            None => sections.push((key, vec![u])),
        }
    }
    for (i, (section, units)) in sections.iter().enumerate() {
        match section {
            None => stmts.extend(units.iter().map(|u| node(u))),
            Some(name) => {
                let mut sub = vec![
                    Stmt::Attribute(plain("label", name)),
                    Stmt::Attribute(plain("style", "rounded,dashed")),
                    Stmt::Attribute(plain("color", "#adb5bd")),
                    Stmt::Attribute(plain("fontcolor", "#495057")),
                    Stmt::Attribute(plain("fontsize", "13")),
                ];
                sub.extend(units.iter().map(|u| node(u)));
                stmts.push(Stmt::Subgraph(Subgraph {
                    id: Id::Plain(format!("cluster_{}", i + 1)),
                    stmts: sub,
                }));
            }
        }
    }
    if let Some(t) = &map.thesis {
        // Keeps the thesis on the top rank even when a cluster would pull it down.
        stmts.push(Stmt::Subgraph(Subgraph {
            id: Id::Plain("thesis_rank".into()),
            stmts: vec![
                Stmt::Attribute(plain("rank", "max")),
                Stmt::Node(Node::new(NodeId(quoted(t), None), vec![])),
            ],
        }));
    }
    let stagger = stagger_lengths(map);
    for (k, r) in map.relations.iter().enumerate() {
        // A restatement of the thesis is the same position said again: a double line with an
        // open head, so that it does not read as one more reason.
        let restates = map.unit(&r.from).is_some_and(|u| u.restates.is_some());
        let double_support = format!("{SUPPORT_COLOR}:white:{SUPPORT_COLOR}");
        let (mut color, mut style, head, label) = match r.kind {
            RelationKind::Support if restates => {
                (double_support.as_str(), "solid", "empty", "restates")
            }
            RelationKind::Support => (SUPPORT_COLOR, "solid", "normal", "supports"),
            RelationKind::Attack => (ATTACK_COLOR, "dashed", "tee", "attacks"),
        };
        if !r.carries {
            (color, style) = (FADED_EDGE, "dotted");
        }
        stmts.push(Stmt::Edge(Edge {
            ty: EdgeTy::Pair(
                Vertex::N(NodeId(quoted(&r.from), None)),
                Vertex::N(NodeId(quoted(&r.to), None)),
            ),
            attributes: vec![
                plain("id", &format!("edge-{}", r.id)),
                plain(
                    "class",
                    &format!(
                        "relation {}{}",
                        r.kind,
                        if r.carries { "" } else { " not-carrying" }
                    ),
                ),
                plain("color", color),
                plain("style", style),
                plain("arrowhead", head),
                attr(
                    "penwidth",
                    Id::Plain(
                        if r.kind == RelationKind::Attack {
                            "1.8"
                        } else {
                            "1.4"
                        }
                        .into(),
                    ),
                ),
                plain(
                    "tooltip",
                    &format!(
                        "{} {} {} (rule {}, score {}){}",
                        r.from,
                        label,
                        r.to,
                        r.rule,
                        r.score,
                        if r.carries {
                            ""
                        } else {
                            "; does not carry: its source is out"
                        }
                    ),
                ),
                attr("minlen", Id::Plain(stagger[k].to_string())),
            ],
        }));
    }
    let graph = Graph::DiGraph {
        id: quoted("argument_map"),
        strict: false,
        stmts,
    };
    let mut ctx = PrinterContext::default();
    let mut s = graph.print(&mut ctx);
    s.push('\n');
    s
}
