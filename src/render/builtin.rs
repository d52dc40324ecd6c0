//! The built-in SVG renderer, for machines without Graphviz: the same picture language as the
//! DOT output (title, section bands, role styles, legend, supports solid with an arrow, attacks
//! dashed with a tee, tooltips, `node-uN` / `edge-rN` ids for the HTML report) on the layered
//! layout of [`super::layered`].

use std::fmt::Write as _;

use super::dot::{node_label_in, tooltip, VERY_LONG_MAP};
use super::escape_xml;
use super::layered::{self, num, Aim, EdgeSpec, Layout, NodeSpec, Rect, Spacing, Spec};
use super::style::{role_style, wrap, ATTACK_COLOR, SUPPORT_COLOR};
use crate::graph::model::{ArgumentMap, RelationKind, Role, Unit};

const FONT: &str = "Helvetica, Arial, sans-serif";
/// Average advance of a character as a share of the font size (Helvetica/Arial, mixed case).
const CHAR_WIDTH: f64 = 0.56;
const LINE_HEIGHT: f64 = 1.18;
const PAD_X: f64 = 9.0;
const PAD_Y: f64 = 5.0;
const MARGIN: f64 = 16.0;
const TITLE_SIZE: f64 = 20.0;
const LEGEND_SIZE: f64 = 12.0;
const LEGEND_ROW: f64 = 22.0;
/// Width : height the layout aims for: a landscape screen or page.
const TARGET_ASPECT: f64 = 1.55;
/// Node text must stay at least `MIN_FITTED_FONT` px when the drawing is shown `FIT_WIDTH` px wide.
pub(super) const FIT_WIDTH: f64 = 1600.0;
pub(super) const MIN_FITTED_FONT: f64 = 10.0;

/// The smallest node font of the map (points), which decides how wide its drawing may be.
pub(super) fn min_font(map: &ArgumentMap) -> f64 {
    map.units
        .iter()
        .map(|u| role_style(u.role).font_size)
        .fold(f64::INFINITY, f64::min)
        .min(20.0)
}

/// Text width estimate: the renderer has no font metrics, so boxes are sized generously.
fn text_width(s: &str, size: f64) -> f64 {
    let wide = s
        .chars()
        .filter(|c| c.is_uppercase() || *c == 'm' || *c == 'w')
        .count() as f64;
    let all = s.chars().count() as f64;
    (all * CHAR_WIDTH + wide * 0.12) * size
}

struct NodeText {
    lines: Vec<String>,
    size: f64,
}

fn node_text(u: &Unit, units: usize) -> NodeText {
    NodeText {
        lines: node_label_in(u, units),
        size: role_style(u.role).font_size,
    }
}

fn box_size(t: &NodeText) -> (f64, f64) {
    let widest = t
        .lines
        .iter()
        .map(|l| text_width(l, t.size))
        .fold(0.0, f64::max);
    (
        (widest + 2.0 * PAD_X).ceil(),
        (t.lines.len() as f64 * t.size * LINE_HEIGHT + 2.0 * PAD_Y).ceil(),
    )
}

/// Section of each unit as a group number, sections numbered in text order; units outside any
/// section form their own group.
pub fn section_groups(map: &ArgumentMap) -> (Vec<usize>, Vec<Option<String>>) {
    let mut names: Vec<Option<String>> = Vec::new();
    let groups = map
        .units
        .iter()
        .map(|u| {
            match names
                .iter()
                .position(|s| s.as_deref() == u.section.as_deref())
            {
                Some(g) => g,
                None => {
                    names.push(u.section.as_deref().map(str::to_string));
                    names.len() - 1
                }
            }
        })
        .collect();
    (groups, names)
}

/// The layout problem for a map: boxes sized by `size`, sections as groups, relations as edges.
pub fn spec(map: &ArgumentMap, sizes: &[(f64, f64)]) -> Spec {
    let index = map.positions();
    let (groups, _) = section_groups(map);
    let nodes = map
        .units
        .iter()
        .zip(&groups)
        .zip(sizes)
        .map(|((u, &group), &(width, height))| NodeSpec {
            width,
            height,
            group,
            order: u.start,
        })
        .collect();
    let edges = map
        .relations
        .iter()
        .filter_map(|r| {
            let (&from, &to) = (index.get(r.from.as_str())?, index.get(r.to.as_str())?);
            Some(EdgeSpec {
                from,
                to,
                class: match r.kind {
                    RelationKind::Support => 0,
                    RelationKind::Attack => 1,
                },
            })
        })
        .collect();
    let root = map.thesis.as_deref().and_then(|t| index.get(t).copied());
    Spec { nodes, edges, root }
}

struct Header {
    title: Vec<String>,
    legend_rows: Vec<Vec<LegendItem>>,
    height: f64,
}

/// How the legend shows the kind badge that follows a node's id.
const KIND_MARK: &str = "[kind]";

#[derive(Clone, Copy)]
enum LegendItem {
    Role(Role),
    Edge(RelationKind),
    /// The double line of a restatement of the thesis.
    Restates,
    /// A defeated unit's faded box and the dotted line of a relation that does not carry.
    Out,
    /// The proposition kind in brackets after a node's id.
    Kind,
}

impl LegendItem {
    fn label(self) -> &'static str {
        match self {
            LegendItem::Role(r) => r.as_str(),
            LegendItem::Edge(RelationKind::Support) => "supports",
            LegendItem::Edge(RelationKind::Attack) => "attacks",
            LegendItem::Restates => "restates the thesis",
            LegendItem::Out => "out: defeated, its links do not carry",
            LegendItem::Kind => "proposition kind",
        }
    }
    fn width(self) -> f64 {
        let mark = match self {
            LegendItem::Role(_) | LegendItem::Out => 22.0,
            LegendItem::Edge(_) | LegendItem::Restates => 34.0,
            LegendItem::Kind => text_width(KIND_MARK, LEGEND_SIZE),
        };
        mark + 5.0 + text_width(self.label(), LEGEND_SIZE) + 16.0
    }
}

fn header(map: &ArgumentMap, width: f64) -> Header {
    let name = map.title.as_deref().unwrap_or(&map.source.name);
    let chars = ((width - 2.0 * MARGIN) / (TITLE_SIZE * 0.55)).max(20.0) as usize;
    let mut title = wrap(name, chars, 2);
    if title.is_empty() {
        title.push(String::new());
    }
    let extras = super::style::LegendExtras::of(map);
    let present: Vec<LegendItem> = Role::ALL
        .into_iter()
        .filter(|r| map.units.iter().any(|u| u.role == *r))
        .map(LegendItem::Role)
        .chain([
            LegendItem::Edge(RelationKind::Support),
            LegendItem::Edge(RelationKind::Attack),
        ])
        .chain(extras.restates.then_some(LegendItem::Restates))
        .chain(extras.out.then_some(LegendItem::Out))
        .chain(extras.kinds.then_some(LegendItem::Kind))
        .collect();
    let mut rows: Vec<Vec<LegendItem>> = vec![Vec::new()];
    let mut used = 0.0;
    for item in present {
        let w = item.width();
        if used + w > width - 2.0 * MARGIN && !rows.last().is_some_and(Vec::is_empty) {
            rows.push(Vec::new());
            used = 0.0;
        }
        used += w;
        if let Some(row) = rows.last_mut() {
            row.push(item);
        }
    }
    let height = MARGIN
        + title.len() as f64 * TITLE_SIZE * 1.25
        + 6.0
        + rows.len() as f64 * LEGEND_ROW
        + 14.0;
    Header {
        title,
        legend_rows: rows,
        height,
    }
}

/// The map as a standalone SVG document.
pub fn to_svg(map: &ArgumentMap) -> String {
    let texts: Vec<NodeText> = map
        .units
        .iter()
        .map(|u| node_text(u, map.units.len()))
        .collect();
    let sizes: Vec<(f64, f64)> = texts.iter().map(box_size).collect();
    let spec = spec(map, &sizes);
    // The header's height depends on the final width only through wrapping; one row of legend
    // and one line of title is the estimate the layout aims with.
    let estimate = MARGIN + TITLE_SIZE * 1.25 + 6.0 + LEGEND_ROW + 10.0;
    let spacing = if map.units.len() > VERY_LONG_MAP {
        Spacing {
            node_gap: 10.0,
            layer_gap: 22.0,
            group_gap: 24.0,
            ..Spacing::default()
        }
    } else {
        Spacing::default()
    };
    let lay = layered::layout_best(
        &spec,
        &spacing,
        Aim {
            aspect: TARGET_ASPECT,
            extra_height: estimate + 2.0 * MARGIN,
            max_width: FIT_WIDTH * min_font(map) / MIN_FITTED_FONT - 2.0 * MARGIN,
            stretch: 1.0,
        },
    );
    render(map, &texts, &lay)
}

fn render(map: &ArgumentMap, texts: &[NodeText], lay: &Layout) -> String {
    let content_w = lay.width.max(360.0);
    let head = header(map, content_w + 2.0 * MARGIN);
    let width = (content_w + 2.0 * MARGIN).ceil();
    let height = (head.height + lay.height + MARGIN).ceil();
    let dx = MARGIN + (content_w - lay.width) / 2.0;
    let dy = head.height;
    let mut s = String::with_capacity(4096 + map.units.len() * 1200);
    let name = map.title.as_deref().unwrap_or(&map.source.name);
    let _ = write!(
        s,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\" \
         font-family=\"{FONT}\" class=\"toulmin-map\">\n<title>{t}</title>\n",
        w = num(width),
        h = num(height),
        t = escape_xml(name)
    );
    s.push_str(&defs());
    let _ = writeln!(
        s,
        "<rect x=\"0\" y=\"0\" width=\"{}\" height=\"{}\" fill=\"white\" stroke=\"transparent\"/>",
        num(width),
        num(height)
    );
    // Title and legend.
    let mut y = MARGIN + TITLE_SIZE;
    let legend_top = MARGIN + head.title.len() as f64 * TITLE_SIZE * 1.25 + 6.0;
    s.push_str("<g class=\"title\">");
    for line in &head.title {
        let _ = write!(
            s,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" font-size=\"{TITLE_SIZE}\" font-weight=\"bold\" fill=\"#212529\">{}</text>",
            num(width / 2.0),
            num(y),
            escape_xml(line)
        );
        y += TITLE_SIZE * 1.25;
    }
    s.push_str("</g>\n");
    legend(&mut s, &head, width, legend_top);

    let _ = writeln!(
        s,
        "<g class=\"map\" transform=\"translate({} {})\">",
        num(dx),
        num(dy)
    );
    let (_, names) = section_groups(map);
    for band in &lay.bands {
        let Some(Some(_)) = names.get(band.group) else {
            continue;
        };
        let r = band.rect;
        let _ = writeln!(
            s,
            "<g class=\"section\"><rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"10\" fill=\"#f8f9fa\" stroke=\"#adb5bd\" stroke-dasharray=\"6,4\"/></g>",
            num(r.x),
            num(r.y),
            num(r.width),
            num(r.height),
        );
    }
    let index = map.positions();
    let mut k = 0;
    for r in &map.relations {
        let (Some(_), Some(_)) = (index.get(r.from.as_str()), index.get(r.to.as_str())) else {
            continue;
        };
        let route = lay.routes.get(k).cloned().flatten();
        k += 1;
        let Some(route) = route else { continue };
        let restates = map.unit(&r.from).is_some_and(|u| u.restates.is_some());
        edge(&mut s, r, &route, restates);
    }
    // Section names go over the edges that cross their band's top, on a halo of the band's
    // colour, so that a line running along the band does not strike them through.
    for band in &lay.bands {
        let Some(Some(name)) = names.get(band.group) else {
            continue;
        };
        let r = band.rect;
        let _ = writeln!(
            s,
            "<text class=\"section-name\" x=\"{}\" y=\"{}\" font-size=\"13\" fill=\"#495057\" font-weight=\"bold\" \
             stroke=\"#f8f9fa\" stroke-width=\"5\" stroke-linejoin=\"round\" paint-order=\"stroke\">{}</text>",
            num(r.x + 10.0),
            num(r.y + 16.0),
            escape_xml(&clip(name, r.width - 20.0, 13.0))
        );
    }
    for (i, u) in map.units.iter().enumerate() {
        node(&mut s, u, &texts[i], &lay.nodes[i]);
    }
    s.push_str("</g>\n</svg>\n");
    s
}

/// `text` cut with an ellipsis to fit `width` at `size`.
fn clip(text: &str, width: f64, size: f64) -> String {
    if text_width(text, size) <= width {
        return text.to_string();
    }
    let mut out = String::new();
    for c in text.chars() {
        if text_width(&out, size) + size * 1.2 > width {
            break;
        }
        out.push(c);
    }
    format!("{}…", out.trim_end())
}

fn defs() -> String {
    format!(
        "<defs>\
         <marker id=\"arrow-support\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" markerWidth=\"9\" markerHeight=\"9\" markerUnits=\"userSpaceOnUse\" orient=\"auto-start-reverse\">\
         <path d=\"M0 0 L10 5 L0 10 z\" fill=\"{SUPPORT_COLOR}\"/></marker>\
         <marker id=\"tee-attack\" viewBox=\"0 0 4 14\" refX=\"3\" refY=\"7\" markerWidth=\"4\" markerHeight=\"14\" markerUnits=\"userSpaceOnUse\" orient=\"auto-start-reverse\">\
         <rect x=\"0\" y=\"0\" width=\"3\" height=\"14\" fill=\"{ATTACK_COLOR}\"/></marker>\
         <marker id=\"arrow-restates\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" markerWidth=\"13\" markerHeight=\"13\" markerUnits=\"userSpaceOnUse\" orient=\"auto-start-reverse\">\
         <path d=\"M0 0 L10 5 L0 10 z\" fill=\"white\" stroke=\"{SUPPORT_COLOR}\" stroke-width=\"1.2\"/></marker>\
         <marker id=\"arrow-faded\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" markerWidth=\"9\" markerHeight=\"9\" markerUnits=\"userSpaceOnUse\" orient=\"auto-start-reverse\">\
         <path d=\"M0 0 L10 5 L0 10 z\" fill=\"{FADED_EDGE}\"/></marker>\
         <marker id=\"tee-faded\" viewBox=\"0 0 4 14\" refX=\"3\" refY=\"7\" markerWidth=\"4\" markerHeight=\"14\" markerUnits=\"userSpaceOnUse\" orient=\"auto-start-reverse\">\
         <rect x=\"0\" y=\"0\" width=\"3\" height=\"14\" fill=\"{FADED_EDGE}\"/></marker>\
         </defs>\n",
        FADED_EDGE = super::style::FADED_EDGE,
    )
}

fn legend(s: &mut String, head: &Header, width: f64, top: f64) {
    s.push_str("<g class=\"legend\">");
    let mut y = top;
    for row in &head.legend_rows {
        let row_w: f64 = row.iter().map(|i| i.width()).sum::<f64>() - 16.0;
        let mut x = (width - row_w) / 2.0;
        for item in row {
            let mid = y + LEGEND_ROW / 2.0;
            match *item {
                LegendItem::Role(role) => {
                    let st = role_style(role);
                    let _ = write!(
                        s,
                        "<rect x=\"{}\" y=\"{}\" width=\"22\" height=\"13\" rx=\"{}\" fill=\"{}\" stroke=\"{}\" stroke-width=\"1.5\"{}/>",
                        num(x),
                        num(mid - 6.5),
                        if st.dot_style.contains("rounded") { 4 } else { 0 },
                        st.fill,
                        st.border,
                        dash(st.dot_style)
                    );
                    x += 27.0;
                }
                LegendItem::Edge(kind) => {
                    let (color, dashes, end) = match kind {
                        RelationKind::Support => (SUPPORT_COLOR, "", "arrow-support"),
                        RelationKind::Attack => {
                            (ATTACK_COLOR, " stroke-dasharray=\"6,4\"", "tee-attack")
                        }
                    };
                    let _ = write!(
                        s,
                        "<path d=\"M{} {} L{} {}\" stroke=\"{color}\" stroke-width=\"2\" fill=\"none\"{dashes} marker-end=\"url(#{end})\"/>",
                        num(x),
                        num(mid),
                        num(x + 32.0),
                        num(mid)
                    );
                    x += 39.0;
                }
                LegendItem::Restates => {
                    let _ = write!(
                        s,
                        "<path d=\"M{x0} {y} L{x1} {y}\" stroke=\"{SUPPORT_COLOR}\" stroke-width=\"4.5\" fill=\"none\" marker-end=\"url(#arrow-restates)\"/>\
                         <path d=\"M{x0} {y} L{x1} {y}\" stroke=\"white\" stroke-width=\"1.5\" fill=\"none\"/>",
                        x0 = num(x),
                        x1 = num(x + 30.0),
                        y = num(mid)
                    );
                    x += 39.0;
                }
                LegendItem::Out => {
                    let _ = write!(
                        s,
                        "<rect x=\"{}\" y=\"{}\" width=\"22\" height=\"13\" fill=\"{}\" stroke=\"{}\" stroke-width=\"1.5\" stroke-dasharray=\"2,3\"/>",
                        num(x),
                        num(mid - 6.5),
                        super::style::OUT_FILL,
                        super::style::OUT_BORDER,
                    );
                    x += 27.0;
                }
                LegendItem::Kind => {
                    let _ = write!(
                        s,
                        "<text x=\"{}\" y=\"{}\" font-size=\"{LEGEND_SIZE}\" fill=\"#343a40\">{KIND_MARK}</text>",
                        num(x),
                        num(mid + 4.0),
                    );
                    x += text_width(KIND_MARK, LEGEND_SIZE) + 5.0;
                }
            }
            let _ = write!(
                s,
                "<text x=\"{}\" y=\"{}\" font-size=\"{LEGEND_SIZE}\" fill=\"#343a40\">{}</text>",
                num(x),
                num(mid + 4.0),
                item.label()
            );
            x += text_width(item.label(), LEGEND_SIZE) + 16.0;
        }
        y += LEGEND_ROW;
    }
    s.push_str("</g>\n");
}

fn dash(dot_style: &str) -> &'static str {
    if dot_style.contains("dashed") {
        " stroke-dasharray=\"6,3\""
    } else if dot_style.contains("dotted") {
        " stroke-dasharray=\"2,3\""
    } else {
        ""
    }
}

fn edge(s: &mut String, r: &crate::graph::model::Relation, route: &layered::Route, restates: bool) {
    let (mut color, mut dashes, mut marker, mut width, label) = match r.kind {
        // A restatement of the thesis is the same position said again: a double line with an
        // open head, as in DOT, so that it does not read as one more reason.
        RelationKind::Support if restates => {
            (SUPPORT_COLOR, "", "arrow-restates", "4.5", "restates")
        }
        RelationKind::Support => (SUPPORT_COLOR, "", "arrow-support", "1.5", "supports"),
        RelationKind::Attack => (
            ATTACK_COLOR,
            " stroke-dasharray=\"7,4\"",
            "tee-attack",
            "1.8",
            "attacks",
        ),
    };
    // A relation whose source is defeated carries nothing: drawn faded and dotted, as in DOT,
    // its head faded with it.
    if !r.carries {
        (color, dashes, width) = (super::style::FADED_EDGE, " stroke-dasharray=\"2,3\"", "1.5");
        marker = match r.kind {
            RelationKind::Support => "arrow-faded",
            RelationKind::Attack => "tee-faded",
        };
    }
    let end = if route.reversed {
        "marker-start"
    } else {
        "marker-end"
    };
    let d = route.svg_d();
    // The white core that makes a restatement's line double.
    let core = if restates && r.carries {
        format!("<path d=\"{d}\" fill=\"none\" stroke=\"white\" stroke-width=\"1.5\"/>")
    } else {
        String::new()
    };
    let _ = writeln!(
        s,
        "<g id=\"edge-{id}\" class=\"edge relation {kind}{carry}\"><title>{tip}</title>\
         <path d=\"{d}\" fill=\"none\" stroke=\"{color}\" stroke-width=\"{width}\"{dashes} {end}=\"url(#{marker})\"/>{core}</g>",
        id = escape_xml(&r.id),
        kind = r.kind,
        carry = if r.carries { "" } else { " not-carrying" },
        tip = escape_xml(&super::style::relation_tooltip(r, label)),
    );
}

fn node(s: &mut String, u: &Unit, text: &NodeText, r: &Rect) {
    let mut st = role_style(u.role);
    let out = super::style::is_out(u);
    if out {
        // A defeated unit is faded, as in DOT.
        st.fill = super::style::OUT_FILL;
        st.border = super::style::OUT_BORDER;
    }
    let rounded = st.dot_style.contains("rounded");
    let _ = write!(
        s,
        "<g id=\"node-{id}\" class=\"node unit role-{role}{status}\" data-unit=\"{id}\"><title>{tip}</title>",
        id = escape_xml(&u.id),
        role = u.role,
        status = if out { " status-out" } else { "" },
        tip = escape_xml(&tooltip(u)),
    );
    let fill = if out || st.dot_style.contains("filled") {
        st.fill
    } else {
        "#ffffff"
    };
    if st.shape == "note" {
        // A page with a folded corner, as Graphviz draws `note`.
        let f = 9.0;
        let _ = write!(
            s,
            "<path d=\"M{x0} {y0} L{xf} {y0} L{x1} {yf} L{x1} {y1} L{x0} {y1} Z\" fill=\"{fill}\" stroke=\"{b}\" stroke-width=\"{pw}\"/>\
             <path d=\"M{xf} {y0} L{xf} {yf} L{x1} {yf}\" fill=\"none\" stroke=\"{b}\" stroke-width=\"{pw}\"/>",
            x0 = num(r.x),
            y0 = num(r.y),
            x1 = num(r.right()),
            y1 = num(r.bottom()),
            xf = num(r.right() - f),
            yf = num(r.y + f),
            b = st.border,
            pw = st.pen_width,
        );
    } else {
        let _ = write!(
            s,
            "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"{}\" fill=\"{fill}\" stroke=\"{}\" stroke-width=\"{}\"{}/>",
            num(r.x),
            num(r.y),
            num(r.width),
            num(r.height),
            if rounded { 8 } else { 0 },
            st.border,
            st.pen_width,
            dash(st.dot_style)
        );
    }
    let cx = r.x + r.width / 2.0;
    let mut y = r.y + PAD_Y + text.size * 0.95;
    let _ = write!(
        s,
        "<text x=\"{}\" text-anchor=\"middle\" font-size=\"{}\" fill=\"#212529\">",
        num(cx),
        text.size
    );
    for (i, line) in text.lines.iter().enumerate() {
        let weight = if i == 0 { " font-weight=\"bold\"" } else { "" };
        let _ = write!(
            s,
            "<tspan x=\"{}\" y=\"{}\"{weight}>{}</tspan>",
            num(cx),
            num(y),
            escape_xml(line)
        );
        y += text.size * LINE_HEIGHT;
    }
    s.push_str("</text></g>\n");
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::graph::model::{Relation, Source, Stance};

    fn unit(id: usize, role: Role, section: Option<&str>) -> Unit {
        Unit {
            id: compact_str::format_compact!("u{id}"),
            role,
            kind: None,
            start: id * 100,
            end: id * 100 + 80,
            text: compact_str::format_compact!(
                "Unit number {id} says something about the policy & <its> effects on people"
            ),
            section: section.map(Into::into),
            paragraph: 1,
            sentence: id,
            score: 1.0,
            stance: Some(Stance::Pro),
            status: None,
            restates: None,
            display: None,
            rules: vec!["r".into()],
            cues: vec![],
        }
    }

    /// A map shaped like an op-ed: thesis, `claims` claims each with premises and evidence,
    /// a few counterclaims with rebuttals, in `sections` sections.
    pub(crate) fn synthetic(units: usize, sections: usize) -> ArgumentMap {
        let mut us = vec![unit(0, Role::Thesis, None)];
        let mut rels = Vec::new();
        let mut parent = 0;
        let mut sec = String::new();
        for i in 1..units {
            // Sections change between claims, as an article's headings do.
            if i % 6 == 1 {
                sec = format!("Section {}", 1 + i * sections / units);
            }
            let (role, to, kind) = match i % 6 {
                1 => (Role::Claim, 0, RelationKind::Support),
                2 | 3 => (Role::Premise, parent, RelationKind::Support),
                4 => (Role::Evidence, parent, RelationKind::Support),
                5 => (Role::Counterclaim, 0, RelationKind::Attack),
                _ => (Role::Rebuttal, i - 1, RelationKind::Attack),
            };
            if role == Role::Claim {
                parent = i;
            }
            let mut u = unit(i, role, Some(sec.as_str()));
            // Real maps carry a kind badge in every header, often the widest line of a box.
            u.kind = Some(match role {
                Role::Evidence => crate::graph::model::Kind::Testimony,
                Role::Claim => crate::graph::model::Kind::Policy,
                _ => crate::graph::model::Kind::Value,
            });
            us.push(u);
            rels.push(Relation {
                id: compact_str::format_compact!("r{i}"),
                from: compact_str::format_compact!("u{i}"),
                to: compact_str::format_compact!("u{to}"),
                kind,
                rule: "r".into(),
                score: 1.0,
                carries: true,
            });
        }
        ArgumentMap {
            schema: "toulmin/map@1".into(),
            source: Source {
                name: "synthetic.txt".into(),
                sha256: String::new(),
                chars: units * 100,
                reading: Default::default(),
            },
            title: Some("A synthetic op-ed".into()),
            byline: None,
            date: None,
            thesis: Some("u0".into()),
            units: us,
            relations: rels,
        }
    }

    fn view_box(svg: &str) -> (f64, f64) {
        let at = svg.find("viewBox=\"0 0 ").expect("viewBox") + 13;
        let rest = &svg[at..];
        let end = rest.find('"').expect("end");
        let mut it = rest[..end]
            .split(' ')
            .map(|v| v.parse::<f64>().expect("number"));
        (it.next().expect("w"), it.next().expect("h"))
    }

    #[test]
    fn picture_language_is_complete() {
        let map = synthetic(40, 3);
        let svg = to_svg(&map);
        assert!(svg.contains(">A synthetic op-ed</text>"), "title");
        assert!(
            svg.contains("class=\"section\"") && svg.contains(">Section 2</text>"),
            "bands"
        );
        assert!(
            svg.contains("class=\"legend\"") && svg.contains(">attacks</text>"),
            "legend"
        );
        assert_eq!(svg.matches("<g id=\"node-").count(), 40);
        assert_eq!(svg.matches("<g id=\"edge-").count(), 39);
        assert!(svg.contains("stroke-dasharray=\"7,4\" marker-end=\"url(#tee-attack)\""));
        assert!(svg.contains("marker-end=\"url(#arrow-support)\""));
        assert!(
            svg.contains("<title>claim u1 (score 1, kind policy)"),
            "tooltips"
        );
        assert!(svg.contains("&amp; &lt;its&gt;"), "text is escaped");
    }

    #[test]
    fn aspect_and_legible_text_from_10_to_80_units() {
        // The issue's range: every map of 10-80 units, with and without sections.
        for units in [10, 15, 20, 25, 30, 35, 40, 45, 50, 55, 60, 65, 70, 75, 80] {
            for sections in [1, 2, 3, 4] {
                let svg = to_svg(&synthetic(units, sections));
                let (w, h) = view_box(&svg);
                let ratio = w / h;
                eprintln!("{units} units, {sections} sections: {w}x{h} = {ratio:.2}");
                assert!(
                    (1.0..=2.2).contains(&ratio),
                    "{units} units, {sections} sections: {w}x{h} = {ratio:.2}"
                );
                // The smallest node text (11 px) must stay >= 10 px when 1600 px show the width.
                assert!(11.0 * 1600.0 / w >= 10.0, "{units} units: width {w}");
            }
        }
    }

    #[test]
    fn a_restatement_and_a_defeated_attack_look_as_they_do_in_dot() {
        let mut map = synthetic(12, 1);
        // u1 restates the thesis; u5 (a counterclaim) is out, so its attack carries nothing.
        map.units[1].restates = Some("u0".into());
        map.units[5].status = Some(crate::graph::model::Status::Out);
        let attack = map
            .relations
            .iter_mut()
            .find(|r| r.from == "u5")
            .expect("u5 attacks");
        attack.carries = false;
        let svg = to_svg(&map);
        let edge = |from: &str| {
            let at = svg
                .find(&format!("<title>{from} "))
                .unwrap_or_else(|| panic!("edge from {from}"));
            svg[at..at + svg[at..].find("</g>").expect("edge ends")].to_string()
        };
        let restates = edge("u1");
        assert!(restates.starts_with("<title>u1 restates u0"), "{restates}");
        assert!(restates.contains("url(#arrow-restates)") && restates.contains("stroke=\"white\""));
        let defeated = edge("u5");
        assert!(
            defeated.contains("does not carry: its source is out"),
            "{defeated}"
        );
        assert!(defeated.contains("url(#tee-faded)"), "{defeated}");
        assert!(svg.contains(">restates the thesis</text>") && svg.contains(">out: defeated"));
    }

    #[test]
    fn deterministic_and_empty_maps_render() {
        let map = synthetic(30, 2);
        assert_eq!(to_svg(&map), to_svg(&map));
        let mut empty = synthetic(1, 1);
        empty.units.clear();
        empty.thesis = None;
        assert!(to_svg(&empty).ends_with("</svg>\n"));
    }
}
