//! The map as Graphviz DOT, built with graphviz-rust's structures.
//!
//! graphviz-rust prints `Id::Escaped` verbatim, so every string goes through [`quoted`]: the
//! printer would otherwise emit article text with quotes or backslashes as broken DOT.

use graphviz_rust::dot_structures::{
    Attribute, Edge, EdgeTy, Graph, GraphAttributes, Id, Node, NodeId, Stmt, Subgraph, Vertex,
};
use graphviz_rust::printer::{DotPrinter, PrinterContext};

use super::layered::{self, Spacing};
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

/// Maps with more units than this get one line less of text per box (the tooltip keeps all of
/// it), so 80 units still fit a screen at a legible size.
pub const LONG_MAP: usize = 40;
/// Maps with more units than this also get narrower lines: the area of 80 boxes must fit a
/// 1600 px screen at 10 px text, at most as wide as it is high.
pub const VERY_LONG_MAP: usize = 60;

/// Text lines per box by map length: (characters per line, lines) for the thesis, background
/// and every other role.
#[derive(Clone, Copy, PartialEq)]
enum Density {
    Full,
    Compact,
    Dense,
}

pub fn node_label(u: &Unit) -> Vec<String> {
    label_lines(u, Density::Full)
}

/// The label for a map of `units` units: shorter in long maps.
pub fn node_label_in(u: &Unit, units: usize) -> Vec<String> {
    let density = if units > VERY_LONG_MAP {
        Density::Dense
    } else if units > LONG_MAP {
        Density::Compact
    } else {
        Density::Full
    };
    label_lines(u, density)
}

fn label_lines(u: &Unit, density: Density) -> Vec<String> {
    let style = role_style(u.role);
    let (width, max_lines) = match (u.role, density) {
        (Role::Thesis, _) => (34, 6),
        (Role::Background, Density::Dense) => (24, 2),
        (Role::Background, _) => (34, 2),
        (_, Density::Dense) => (24, 3),
        (_, Density::Compact) => (30, 3),
        (_, Density::Full) => (30, 4),
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

fn node(u: &Unit, units: usize) -> Stmt {
    let s = role_style(u.role);
    let out = is_out(u);
    let mut attributes = vec![
        attr("label", label_id(&node_label_in(u, units))),
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

/// Edge lengths from the layered layout's folding (see [`super::layered`]): a thesis with
/// fifteen direct supporters otherwise becomes one row fifteen boxes wide, a 5 : 1 strip no
/// screen shows legibly. The layers are computed with Graphviz's own sizes (points) and spacing,
/// for the target width that gives a landscape page, and handed to `dot` as `minlen`.
fn fold_lengths(map: &ArgumentMap, width_scale: f64) -> Vec<usize> {
    let sizes: Vec<(f64, f64)> = map
        .units
        .iter()
        .map(|u| {
            let font = role_style(u.role).font_size;
            let lines = node_label_in(u, map.units.len());
            let widest = lines.iter().map(|l| l.chars().count()).max().unwrap_or(1) as f64;
            // Label plus `margin="0.12,0.06"` (inches) on each side.
            (
                widest * font * 0.56 + 17.0,
                lines.len() as f64 * font * 1.2 + 9.0,
            )
        })
        .collect();
    let spec = super::builtin::spec(map, &sizes);
    let spacing = Spacing {
        node_gap: 18.0,
        layer_gap: 40.0,
        group_gap: 34.0,
        band_label: 22.0,
        top: 40.0,
        ..Spacing::default()
    };
    let min_font = super::builtin::min_font(map);
    // `dot` spreads the same layers wider than the layered layout (measured 1.2–1.3 times on
    // the corpus), so the aim accounts for it.
    let lay = layered::layout_best(
        &spec,
        &spacing,
        layered::Aim {
            aspect: 1.5,
            extra_height: 0.0,
            max_width: (150.0 * min_font - 40.0) * width_scale,
            stretch: 1.3,
        },
    );
    let index = map.positions();
    map.relations
        .iter()
        .map(
            |r| match (index.get(r.from.as_str()), index.get(r.to.as_str())) {
                (Some(&f), Some(&t)) if lay.layer[f] > lay.layer[t] => lay.layer[f] - lay.layer[t],
                _ => 1,
            },
        )
        .collect()
}

/// The whole map: bottom-to-top so premises sit below what they support and the thesis is on
/// top; one cluster per section; support solid, attack dashed with a tee head.
pub fn to_dot(map: &ArgumentMap) -> String {
    to_dot_fitted(map, Fit::default())
}

/// How [`to_dot`]'s layout is steered when the first drawing does not fit a screen (see
/// [`super::svg`]): Graphviz's placement can only be measured after `dot` has run.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Fit {
    /// Multiplies the width the rows are folded to.
    pub width_scale: f64,
    /// Graphviz `ratio` (height : width), which stretches a drawing up to that shape.
    pub ratio: Option<f64>,
    /// Widest drawing in points: Graphviz packs the nodes tighter to stay within it
    /// (`ratio="compress"`, which leaves the text its size).
    pub compress_to: Option<f64>,
    /// Space between ranks in inches (default 0.55): tighter for a drawing too tall as well
    /// as too wide, which neither compression nor stretching can mend.
    pub rank_gap: Option<f64>,
}

impl Default for Fit {
    fn default() -> Self {
        Fit {
            width_scale: 1.0,
            ratio: None,
            compress_to: None,
            rank_gap: None,
        }
    }
}

/// A legend as an HTML-like label: a PNG or SVG opened on its own must say what its colours,
/// lines and badges mean. Only what the map shows is explained; roles go four to a row so that
/// the legend does not widen a small map. (It is a node's label, not the graph's: Graphviz
/// stretches the cells of a graph label to the title's width.)
fn legend_label(map: &ArgumentMap) -> String {
    let cell = |body: &str| format!("<TD>{body}</TD>");
    let small = |text: &str, color: &str| {
        format!(
            "<FONT POINT-SIZE=\"10\" COLOR=\"{color}\">{}</FONT>",
            super::escape_xml(text)
        )
    };
    let roles: Vec<String> = Role::ALL
        .into_iter()
        .filter(|r| map.units.iter().any(|u| u.role == *r))
        .map(|r| {
            let st = role_style(r);
            let style = if st.dot_style.contains("rounded") {
                " STYLE=\"rounded\""
            } else {
                ""
            };
            format!(
                "<TD BGCOLOR=\"{}\" COLOR=\"{}\" BORDER=\"1\"{style}>{}</TD>",
                if st.dot_style.contains("filled") {
                    st.fill
                } else {
                    "#ffffff"
                },
                st.border,
                small(st.label, "#212529")
            )
        })
        .collect();
    let mut notes = vec![
        cell(&small("→ supports", SUPPORT_COLOR)),
        cell(&small("⊣ attacks (dashed)", ATTACK_COLOR)),
    ];
    let extras = super::style::LegendExtras::of(map);
    if extras.restates {
        notes.push(cell(&small(
            "⇒ restates the thesis (double line)",
            SUPPORT_COLOR,
        )));
    }
    if extras.out {
        notes.push(cell(&small(
            "faded box · OUT: defeated; dotted line: does not carry",
            OUT_FONT,
        )));
    }
    if extras.kinds {
        notes.push(cell(&small("[kind]: proposition kind", "#495057")));
    }
    // Each row its own table, so that its cells take their own widths rather than the
    // columns of the rows above and below.
    let row = |cells: &[String]| {
        format!(
            "<TR><TD><TABLE BORDER=\"0\" CELLSPACING=\"4\" CELLPADDING=\"2\"><TR>{}</TR></TABLE></TD></TR>",
            cells.concat()
        )
    };
    let legend_rows: String = roles
        .chunks(4)
        .map(row)
        .chain(notes.chunks(3).map(row))
        .collect();
    format!(
        "<<TABLE BORDER=\"1\" COLOR=\"#dee2e6\" CELLSPACING=\"0\" CELLPADDING=\"3\">{legend_rows}</TABLE>>"
    )
}

/// [`to_dot`] with its fold width and shape steered by `fit`.
pub fn to_dot_fitted(map: &ArgumentMap, fit: Fit) -> String {
    let mut graph_attributes = vec![
        plain("rankdir", "BT"),
        plain("nodesep", "0.25"),
        plain("ranksep", &format!("{:.2}", fit.rank_gap.unwrap_or(0.55))),
        plain("fontname", "Helvetica"),
        plain("labelloc", "t"),
        plain("label", map.title.as_deref().unwrap_or(&map.source.name)),
        plain("fontsize", "18"),
        plain("newrank", "true"),
        // Long edges of a folded fan share one trunk instead of a lane each, which would
        // widen the drawing by a column of curves.
        plain("concentrate", "true"),
        plain("tooltip", map.title.as_deref().unwrap_or(&map.source.name)),
    ];
    if let Some(ratio) = fit.ratio {
        graph_attributes.push(plain("ratio", &format!("{ratio:.3}")));
    } else if let Some(width) = fit.compress_to {
        // `size` is in inches; the height is left ten times the width, so only the width binds.
        graph_attributes.push(plain("ratio", "compress"));
        graph_attributes.push(plain(
            "size",
            &format!("{:.2},{:.2}", width / 72.0, width / 7.2),
        ));
    }
    let mut stmts = vec![
        Stmt::GAttribute(GraphAttributes::Graph(graph_attributes)),
        Stmt::GAttribute(GraphAttributes::Node(vec![
            plain("fontname", "Helvetica"),
            plain("margin", "0.12,0.06"),
        ])),
        Stmt::GAttribute(GraphAttributes::Edge(vec![
            plain("fontname", "Helvetica"),
            plain("fontsize", "9"),
        ])),
    ];
    // One cluster per section in document order, as the built-in renderer's columns; units
    // outside any section in an unframed cluster of their own, so they too stay together. The
    // thesis stands outside every cluster, on top.
    let mut sections: Vec<(Option<&str>, Vec<&Unit>)> = Vec::new();
    for u in &map.units {
        if map.thesis.as_deref() == Some(u.id.as_str()) {
            stmts.push(node(u, map.units.len()));
            continue;
        }
        let key = u.section.as_deref();
        match sections.iter_mut().find(|(k, _)| *k == key) {
            Some((_, v)) => v.push(u),
            None => sections.push((key, vec![u])),
        }
    }
    let whole = sections.len() == 1;
    for (i, (section, units)) in sections.iter().enumerate() {
        if whole && section.is_none() {
            // No sections at all: a cluster would only constrain Graphviz.
            stmts.extend(units.iter().map(|u| node(u, map.units.len())));
            continue;
        }
        let mut sub = match section {
            // A cluster inherits the graph's label: the title and legend would be drawn again.
            None => vec![
                Stmt::Attribute(plain("style", "invis")),
                Stmt::Attribute(plain("label", "")),
            ],
            Some(name) => vec![
                Stmt::Attribute(plain("label", name)),
                // With the ranks running bottom to top, "b" is the top of the band, where the
                // built-in renderer puts section names too.
                Stmt::Attribute(plain("labelloc", "b")),
                Stmt::Attribute(plain("style", "rounded,dashed")),
                Stmt::Attribute(plain("color", "#adb5bd")),
                Stmt::Attribute(plain("fontcolor", "#495057")),
                Stmt::Attribute(plain("fontsize", "13")),
            ],
        };
        sub.extend(units.iter().map(|u| node(u, map.units.len())));
        stmts.push(Stmt::Subgraph(Subgraph {
            id: Id::Plain(format!("cluster_{}", i + 1)),
            stmts: sub,
        }));
    }
    if let Some(t) = &map.thesis {
        // Keeps the thesis on the top rank even when a cluster would pull it down.
        stmts.push(Stmt::Subgraph(Subgraph {
            id: Id::Plain("thesis_rank".into()),
            stmts: vec![
                Stmt::Attribute(plain("rank", "max")),
                Stmt::Node(Node::new(NodeId(quoted(t), None), vec![])),
                // The legend beside the thesis, where a reader starts.
                Stmt::Node(Node::new(
                    NodeId(quoted("legend"), None),
                    vec![
                        plain("id", "legend"),
                        plain("shape", "plaintext"),
                        plain("margin", "0"),
                        plain("tooltip", "legend"),
                        attr("label", Id::Html(legend_label(map))),
                    ],
                )),
            ],
        }));
    }
    let lengths = fold_lengths(map, fit.width_scale);
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
                plain("tooltip", &super::style::relation_tooltip(r, label)),
                attr("minlen", Id::Plain(lengths[k].to_string())),
            ],
        }));
    }
    // Units that support nothing would sink to the bottom rank; an invisible edge holds them
    // just under the thesis, as in the built-in layout.
    if let Some(t) = &map.thesis {
        let linked: std::collections::BTreeSet<&str> =
            map.relations.iter().map(|r| r.from.as_str()).collect();
        for u in &map.units {
            if u.id != t && !linked.contains(u.id.as_str()) {
                stmts.push(Stmt::Edge(Edge {
                    ty: EdgeTy::Pair(
                        Vertex::N(NodeId(quoted(&u.id), None)),
                        Vertex::N(NodeId(quoted(t), None)),
                    ),
                    attributes: vec![plain("style", "invis"), plain("arrowhead", "none")],
                }));
            }
        }
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
