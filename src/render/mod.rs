//! Drawing maps: DOT text, SVG/PNG through Graphviz `dot`, a built-in SVG renderer for machines
//! without Graphviz, and the HTML report.

pub mod builtin;
pub mod dot;
pub mod html;
pub mod layered;
pub mod style;

use std::io::Write;
use std::process::{Command, Stdio};

use crate::graph::model::ArgumentMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Renderer {
    /// Graphviz when `dot` runs, otherwise built-in.
    Auto,
    Dot,
    Builtin,
}

#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    #[error("Graphviz `dot` was not found ({0}); install graphviz (e.g. `apt-get install graphviz`) or use --renderer builtin")]
    DotMissing(String),
    #[error("Graphviz `dot` failed: {0}")]
    DotFailed(String),
    #[error("PNG output needs Graphviz `dot`, which was not found; install graphviz (e.g. `apt-get install graphviz`) or leave png out of --format")]
    PngNeedsDot,
    #[error("the built-in renderer draws SVG only; PNG needs Graphviz: use --renderer auto or dot, or leave png out of --format")]
    PngNotBuiltin,
    #[error("the map has {units} units; diagrams are drawn for at most {limit} (the layout would take minutes): use the JSON or DOT output")]
    TooLarge { units: usize, limit: usize },
}

/// Most units Graphviz lays out in a few seconds (measured: 3,500 units take about 2 s, 23,000
/// more than two minutes).
pub const MAX_DOT_UNITS: usize = 4000;
/// Most units the built-in layout draws within two seconds (`benches/layout.rs`).
pub const MAX_BUILTIN_UNITS: usize = 2500;

/// A stand-in diagram for maps too large to lay out, so the HTML report still shows the text.
fn placeholder_svg(units: usize, limit: usize) -> String {
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"640\" height=\"80\" viewBox=\"0 0 640 80\">\
         <text x=\"16\" y=\"44\" font-family=\"sans-serif\" font-size=\"16\">Diagram omitted: \
         {units} units (at most {limit} are drawn). The JSON and DOT files hold the whole map.</text></svg>"
    )
}

/// The `dot` executable: `TOULMIN_DOT` when set (tests use it to simulate a missing Graphviz),
/// else `dot` on the PATH.
fn dot_program() -> String {
    std::env::var("TOULMIN_DOT").unwrap_or_else(|_| "dot".to_string())
}

pub fn dot_available() -> bool {
    Command::new(dot_program())
        .arg("-V")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// Runs `dot -T<format>` on `source`.
pub fn run_dot(source: &str, format: &str) -> Result<Vec<u8>, RenderError> {
    let program = dot_program();
    let mut child = Command::new(&program)
        .arg(format!("-T{format}"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| RenderError::DotMissing(format!("{program}: {e}")))?;
    if let Some(mut stdin) = child.stdin.take() {
        // A `dot` that stops reading early closes the pipe: what it exits with and prints
        // then says more than "Broken pipe".
        match stdin.write_all(source.as_bytes()) {
            Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
                return Err(RenderError::DotFailed(e.to_string()))
            }
            _ => {}
        }
    }
    let out = child
        .wait_with_output()
        .map_err(|e| RenderError::DotFailed(e.to_string()))?;
    if !out.status.success() {
        return Err(RenderError::DotFailed(
            String::from_utf8_lossy(&out.stderr).trim().to_string(),
        ));
    }
    // A `dot` that is not Graphviz (a wrapper, a stub) can exit 0 with anything on stdout:
    // that must not be written out as the drawing.
    let looks_right = match format {
        "svg" => out.stdout.windows(4).take(4096).any(|w| w == b"<svg"),
        "png" => out.stdout.starts_with(b"\x89PNG"),
        _ => true,
    };
    if !looks_right {
        return Err(RenderError::DotFailed(format!(
            "{program} -T{format} exited 0 but wrote no {} ({} bytes)",
            format.to_uppercase(),
            out.stdout.len()
        )));
    }
    Ok(out.stdout)
}

/// Something the user should know about how a diagram was drawn.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Notice {
    /// `auto` found no Graphviz and used the built-in renderer.
    BuiltinFallback,
    /// The map is too large to lay out; the SVG says so instead of drawing it.
    DiagramOmitted { units: usize, limit: usize },
}

impl std::fmt::Display for Notice {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Notice::BuiltinFallback => f.write_str(
                "Graphviz `dot` not found: drew the SVG with the built-in renderer, which lays out the same picture (install graphviz for PNG output and Graphviz's own layout)",
            ),
            Notice::DiagramOmitted { units, limit } => write!(
                f,
                "the map has {units} units; diagrams are drawn for at most {limit} (the layout would take minutes), so the SVG only says so: the JSON and DOT hold the whole map"
            ),
        }
    }
}

/// The map as SVG, and a notice for the user when `auto` fell back to the built-in renderer or
/// the map was too large to draw.
pub fn svg(
    map: &ArgumentMap,
    dot_source: &str,
    renderer: Renderer,
) -> Result<(String, Option<Notice>), RenderError> {
    let units = map.units.len();
    let omitted = |limit: usize| {
        Ok((
            placeholder_svg(units, limit),
            Some(Notice::DiagramOmitted { units, limit }),
        ))
    };
    match renderer {
        Renderer::Builtin if units > MAX_BUILTIN_UNITS => omitted(MAX_BUILTIN_UNITS),
        Renderer::Dot if units > MAX_DOT_UNITS => omitted(MAX_DOT_UNITS),
        Renderer::Builtin => Ok((builtin::to_svg(map), None)),
        Renderer::Dot => {
            let (_, bytes) = fitted_dot(map, dot_source)?;
            Ok((String::from_utf8_lossy(&bytes).into_owned(), None))
        }
        Renderer::Auto if dot_available() => svg(map, dot_source, Renderer::Dot),
        Renderer::Auto => {
            let (svg, notice) = svg(map, dot_source, Renderer::Builtin)?;
            Ok((svg, notice.or(Some(Notice::BuiltinFallback))))
        }
    }
}

/// Whether `renderer` can draw PNGs on this machine: known before any input is mapped, so a
/// batch fails once, up front, rather than once per input after writing its other formats.
pub fn png_possible(renderer: Renderer) -> Result<(), RenderError> {
    match renderer {
        Renderer::Builtin => Err(RenderError::PngNotBuiltin),
        Renderer::Auto if !dot_available() => Err(RenderError::PngNeedsDot),
        _ => Ok(()),
    }
}

pub fn png(
    map: &ArgumentMap,
    dot_source: &str,
    renderer: Renderer,
) -> Result<Vec<u8>, RenderError> {
    if map.units.len() > MAX_DOT_UNITS {
        return Err(RenderError::TooLarge {
            units: map.units.len(),
            limit: MAX_DOT_UNITS,
        });
    }
    png_possible(renderer)?;
    run_dot(&fitted_dot(map, dot_source)?.0, "png")
}

/// Width : height a screen shows a diagram at.
const ASPECT_RANGE: (f64, f64) = (1.0, 2.2);

/// The `viewBox` width and height of an SVG that Graphviz wrote.
fn view_box(svg: &[u8]) -> Option<(f64, f64)> {
    let text = std::str::from_utf8(svg).ok()?;
    let start = text.find("viewBox=\"")? + "viewBox=\"".len();
    let end = start + text[start..].find('"')?;
    let numbers: Vec<f64> = text[start..end]
        .split_whitespace()
        .filter_map(|n| n.parse().ok())
        .collect();
    match numbers[..] {
        [_, _, w, h] if w > 0.0 && h > 0.0 => Some((w, h)),
        _ => None,
    }
}

/// The DOT source and SVG of Graphviz's drawing of `map`, steered until it fits a screen.
///
/// `dot` places nodes by its own rules, so the rows [`dot::to_dot`] folds a wide fan into can
/// still come out too wide to read when fitted to a screen, or taller than wide. The drawing is
/// measured and, only when it misses, laid out again with narrower rows; a drawing still taller
/// than wide is then stretched to shape with Graphviz's `ratio`. The DOT file written for the
/// user stays [`dot::to_dot`]'s, which does not depend on the Graphviz installed.
fn fitted_dot(map: &ArgumentMap, first: &str) -> Result<(String, Vec<u8>), RenderError> {
    // Widest drawing whose text is still legible fitted to the screen the built-in renderer
    // aims at.
    let max_width = builtin::FIT_WIDTH * builtin::min_font(map) / builtin::MIN_FITTED_FONT;
    let misses = |(w, h): (f64, f64)| {
        let aspect = w / h;
        let too_wide = (w / max_width - 1.0).max(0.0);
        let off_shape = (ASPECT_RANGE.0 - aspect).max(0.0) + (aspect - ASPECT_RANGE.1).max(0.0);
        too_wide + off_shape
    };
    // (how far it misses, how it was steered, DOT, SVG, SVG size)
    type Drawing = (f64, dot::Fit, String, Vec<u8>, (f64, f64));
    let mut best: Option<Drawing> = None;
    let compressed = |width_scale, rank_gap| dot::Fit {
        width_scale,
        ratio: None,
        compress_to: Some(max_width - 8.0),
        rank_gap,
    };
    let tries = [
        dot::Fit::default(),
        compressed(1.0, None),
        compressed(1.0, Some(0.3)),
        compressed(0.8, None),
        compressed(0.8, Some(0.3)),
        compressed(0.65, Some(0.3)),
    ];
    for (k, fit) in tries.into_iter().enumerate() {
        let source = if k == 0 {
            first.to_string()
        } else {
            dot::to_dot_fitted(map, fit)
        };
        let svg = run_dot(&source, "svg")?;
        let Some(size) = view_box(&svg) else {
            return Ok((source, svg));
        };
        let miss = misses(size);
        if miss == 0.0 {
            return Ok((source, svg));
        }
        if best.as_ref().is_none_or(|(m, ..)| miss < *m) {
            best = Some((miss, fit, source, svg, size));
        }
        if map.units.len() < 3 {
            break;
        }
    }
    let Some((_, fit, source, svg, (w, h))) = best else {
        return Err(RenderError::DotFailed("no drawing".into()));
    };
    let aspect = w / h;
    if (ASPECT_RANGE.0..=ASPECT_RANGE.1).contains(&aspect) {
        return Ok((source, svg));
    }
    // Graphviz `ratio` is height : width, and only ever stretches the drawing; it replaces
    // the compression, which uses the same attribute.
    let target = if aspect < ASPECT_RANGE.0 { 1.02 } else { 2.1 };
    let stretched = dot::to_dot_fitted(
        map,
        dot::Fit {
            ratio: Some(1.0 / target),
            ..fit
        },
    );
    let svg = run_dot(&stretched, "svg")?;
    Ok((stretched, svg))
}

/// Escapes text for XML/HTML element content and attribute values.
pub fn escape_xml(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::builtin::tests::synthetic;

    /// Graphviz's drawings of op-ed-shaped maps of 10-80 units fit a 1600 px screen: aspect
    /// 1 : 1 to 2.2 : 1, node text (11 pt) at least 10 px. Needs `dot`; skipped without it.
    #[test]
    fn dot_drawings_from_10_to_80_units_fit_a_screen() {
        if !dot_available() {
            eprintln!("skipped: `dot` is not installed");
            return;
        }
        let mut misses = Vec::new();
        for units in [10, 20, 30, 40, 50, 60, 70, 80] {
            for sections in [1, 3] {
                let map = synthetic(units, sections);
                let (_, svg) = fitted_dot(&map, &dot::to_dot(&map)).expect("dot runs");
                let (w, h) = view_box(&svg).expect("viewBox");
                let text = 11.0 * builtin::FIT_WIDTH / w;
                eprintln!(
                    "{units} units, {sections} sections: {w}x{h} = {:.2}, {text:.1} px",
                    w / h
                );
                if !(ASPECT_RANGE.0..=ASPECT_RANGE.1).contains(&(w / h)) || text < 10.0 {
                    misses.push(format!("{units}/{sections}: {w}x{h}, {text:.1} px"));
                }
            }
        }
        assert!(misses.is_empty(), "{misses:?}");
    }

    /// A DOT drawing opened on its own explains what it shows, and only that; section names
    /// sit at the top of their band (with ranks running bottom to top, Graphviz's "b").
    #[test]
    fn the_dot_drawing_carries_its_own_legend() {
        let mut map = synthetic(12, 2);
        let plain = dot::to_dot(&map);
        let legend = plain
            .lines()
            .find(|l| l.contains("id=\"legend\""))
            .expect("a legend node");
        for role in [
            "THESIS",
            "CLAIM",
            "PREMISE",
            "EVIDENCE",
            "COUNTERCLAIM",
            "REBUTTAL",
        ] {
            assert!(
                legend.contains(&format!(">{role}</FONT>")),
                "{role}: {legend}"
            );
        }
        assert!(
            !legend.contains(">BACKGROUND<"),
            "no background unit in this map"
        );
        assert!(legend.contains("supports") && legend.contains("[kind]"));
        assert!(!legend.contains("restates") && !legend.contains("OUT"));
        assert!(plain.contains("labelloc=\"b\""), "section names on top");

        map.units[1].restates = Some("u0".into());
        map.units[5].status = Some(crate::graph::model::Status::Out);
        let marked = dot::to_dot(&map);
        let legend = marked
            .lines()
            .find(|l| l.contains("id=\"legend\""))
            .expect("a legend node");
        assert!(legend.contains("restates the thesis") && legend.contains("OUT: defeated"));
        if dot_available() {
            run_dot(&marked, "svg").expect("Graphviz reads the legend");
        }
    }
}
