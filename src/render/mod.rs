//! Drawing maps: DOT text, SVG/PNG through Graphviz `dot`, a built-in SVG renderer for machines
//! without Graphviz, and the HTML report.

pub mod builtin;
pub mod dot;
pub mod html;
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
    #[error("PNG output needs Graphviz `dot`, which was not found; install graphviz or leave png out of --format")]
    PngNeedsDot,
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
        stdin
            .write_all(source.as_bytes())
            .map_err(|e| RenderError::DotFailed(e.to_string()))?;
    }
    let out = child
        .wait_with_output()
        .map_err(|e| RenderError::DotFailed(e.to_string()))?;
    if !out.status.success() {
        return Err(RenderError::DotFailed(
            String::from_utf8_lossy(&out.stderr).trim().to_string(),
        ));
    }
    Ok(out.stdout)
}

/// The map as SVG, and a notice for the user when `auto` fell back to the built-in renderer.
pub fn svg(
    map: &ArgumentMap,
    dot_source: &str,
    renderer: Renderer,
) -> Result<(String, Option<String>), RenderError> {
    match renderer {
        Renderer::Builtin => Ok((builtin::to_svg(map), None)),
        Renderer::Dot => {
            let bytes = run_dot(dot_source, "svg")?;
            Ok((String::from_utf8_lossy(&bytes).into_owned(), None))
        }
        Renderer::Auto => {
            if dot_available() {
                svg(map, dot_source, Renderer::Dot)
            } else {
                Ok((
                    builtin::to_svg(map),
                    Some("Graphviz `dot` not found: drew the SVG with the built-in renderer (install graphviz for the full layout with sections)".into()),
                ))
            }
        }
    }
}

pub fn png(dot_source: &str, renderer: Renderer) -> Result<Vec<u8>, RenderError> {
    match renderer {
        Renderer::Builtin => Err(RenderError::PngNeedsDot),
        Renderer::Auto if !dot_available() => Err(RenderError::PngNeedsDot),
        _ => run_dot(dot_source, "png"),
    }
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
