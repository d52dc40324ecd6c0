//! A pure-Rust SVG renderer (layout-rs), so a machine without Graphviz still gets a diagram.

use layout::backends::svg::SVGWriter;
use layout::core::base::Orientation;
use layout::core::color::Color;
use layout::core::geometry::Point;
use layout::core::style::{LineStyleKind, StyleAttr};
use layout::std_shapes::shapes::{Arrow, Element, LineEndKind, ShapeKind};
use layout::topo::layout::VisualGraph;

use super::dot::{node_label, tooltip};
use super::escape_xml;
use super::style::{is_out, role_style, ATTACK_COLOR, OUT_BORDER, OUT_FILL, SUPPORT_COLOR};
use crate::graph::model::{ArgumentMap, RelationKind};

fn color(hex: &str) -> Color {
    Color::new(
        u32::from_str_radix(hex.trim_start_matches('#'), 16)
            .map(|rgb| (rgb << 8) | 0xff)
            .unwrap_or(0x000000ff),
    )
}

/// The map drawn by layout-rs. Callers keep maps above [`super::MAX_BUILTIN_UNITS`] away from
/// here (see [`super::svg`]): the layout grows roughly cubically with the number of units.
pub fn to_svg(map: &ArgumentMap) -> String {
    let mut vg = VisualGraph::new(Orientation::TopToBottom);
    let mut handles = Vec::with_capacity(map.units.len());
    for u in &map.units {
        let s = role_style(u.role);
        let lines = node_label(u);
        let font = s.font_size as usize + 1;
        let widest = lines.iter().map(|l| l.chars().count()).max().unwrap_or(10);
        let size = Point::new(
            widest as f64 * font as f64 * 0.62 + 24.0,
            (lines.len() as f64 + 1.0) * font as f64 * 1.25 + 10.0,
        );
        let (fill, border) = if is_out(u) {
            (OUT_FILL, OUT_BORDER)
        } else {
            (s.fill, s.border)
        };
        let look = StyleAttr::new(
            color(border),
            s.pen_width.round().max(1.0) as usize,
            Some(color(fill)),
            if s.dot_style.contains("rounded") {
                8
            } else {
                0
            },
            font,
        );
        let props = format!(
            "id=\"node-{}\" class=\"unit role-{}\" data-unit=\"{}\"",
            escape_xml(&u.id),
            u.role,
            escape_xml(&u.id)
        );
        let element = Element::create_with_properties(
            ShapeKind::Box(lines.join("\n")),
            look,
            Orientation::TopToBottom,
            size,
            props,
        );
        handles.push(vg.add_node(element));
    }
    let index = map.positions();
    for r in &map.relations {
        let (Some(&from), Some(&to)) = (index.get(r.from.as_str()), index.get(r.to.as_str()))
        else {
            continue;
        };
        let (line, hex) = match r.kind {
            RelationKind::Support => (LineStyleKind::Normal, SUPPORT_COLOR),
            RelationKind::Attack => (LineStyleKind::Dashed, ATTACK_COLOR),
        };
        let look = StyleAttr::new(color(hex), 2, None, 0, 10);
        // Drawn target → source so the layout puts the thesis on top; the arrow head sits at
        // the start, on the target, as a reader expects.
        let arrow = Arrow::new(
            LineEndKind::Arrow,
            LineEndKind::None,
            line,
            "",
            &look,
            &None,
            &None,
        );
        vg.add_edge(arrow, handles[to], handles[from]);
    }
    let mut svg = SVGWriter::new();
    if map.units.is_empty() {
        return svg.finalize();
    }
    vg.do_it(false, false, false, &mut svg);
    add_tooltips(&svg.finalize(), map)
}

/// layout-rs cannot emit `<title>`, so tooltips are inserted after each node's opening tag.
fn add_tooltips(svg: &str, map: &ArgumentMap) -> String {
    let mut out = svg.to_string();
    for u in &map.units {
        let marker = format!("id=\"node-{}\"", escape_xml(&u.id));
        if let Some(pos) = out.find(&marker) {
            if let Some(close) = out[pos..].find('>') {
                let at = pos + close + 1;
                out.insert_str(at, &format!("<title>{}</title>", escape_xml(&tooltip(u))));
            }
        }
    }
    out
}
