//! How each role looks, shared by the DOT and the built-in renderers (and the HTML legend), so a
//! reader learns one visual vocabulary.

use crate::graph::model::{Role, Status, Unit};

/// An `out` unit (defeated under grounded semantics) is drawn faded in these colours, its label
/// marked `OUT`; relations that do not carry (their source is out) in `FADED_EDGE`, dotted.
pub const OUT_FILL: &str = "#f8f9fa";
pub const OUT_BORDER: &str = "#ced4da";
pub const OUT_FONT: &str = "#868e96";
pub const FADED_EDGE: &str = "#ced4da";

pub fn is_out(u: &Unit) -> bool {
    u.status == Some(Status::Out)
}

pub struct RoleStyle {
    pub fill: &'static str,
    pub border: &'static str,
    pub shape: &'static str,
    /// Graphviz `style` value.
    pub dot_style: &'static str,
    pub pen_width: f64,
    pub font_size: f64,
    pub label: &'static str,
}

pub fn role_style(role: Role) -> RoleStyle {
    match role {
        Role::Thesis => RoleStyle {
            fill: "#ffd43b",
            border: "#b07d00",
            shape: "box",
            dot_style: "rounded,filled,bold",
            pen_width: 3.0,
            font_size: 15.0,
            label: "THESIS",
        },
        Role::Claim => RoleStyle {
            fill: "#d0ebff",
            border: "#1c7ed6",
            shape: "box",
            dot_style: "rounded,filled",
            pen_width: 1.8,
            font_size: 12.0,
            label: "CLAIM",
        },
        Role::Premise => RoleStyle {
            fill: "#f1f3f5",
            border: "#495057",
            shape: "box",
            dot_style: "filled",
            pen_width: 1.0,
            font_size: 11.0,
            label: "PREMISE",
        },
        Role::Evidence => RoleStyle {
            fill: "#d3f9d8",
            border: "#2b8a3e",
            shape: "note",
            dot_style: "filled",
            pen_width: 1.2,
            font_size: 11.0,
            label: "EVIDENCE",
        },
        Role::Counterclaim => RoleStyle {
            fill: "#ffe3e3",
            border: "#c92a2a",
            shape: "box",
            dot_style: "filled,dashed",
            pen_width: 1.6,
            font_size: 11.0,
            label: "COUNTERCLAIM",
        },
        Role::Rebuttal => RoleStyle {
            fill: "#e5dbff",
            border: "#6741d9",
            shape: "box",
            dot_style: "rounded,filled",
            pen_width: 1.6,
            font_size: 11.0,
            label: "REBUTTAL",
        },
        Role::Background => RoleStyle {
            fill: "#ffffff",
            border: "#adb5bd",
            shape: "box",
            dot_style: "dotted",
            pen_width: 1.0,
            // 11 like the premises: the smallest text must stay legible when the map is fitted.
            font_size: 11.0,
            label: "BACKGROUND",
        },
    }
}

/// What a map's legend must explain beyond roles and the two relation kinds, decided once for
/// both renderers: only what the drawing shows.
pub struct LegendExtras {
    /// A double line: some unit restates the thesis.
    pub restates: bool,
    /// Faded boxes and dotted lines: some unit is defeated or some relation carries nothing.
    pub out: bool,
    /// `[kind]` badges.
    pub kinds: bool,
}

impl LegendExtras {
    pub fn of(map: &crate::graph::model::ArgumentMap) -> LegendExtras {
        LegendExtras {
            restates: map.units.iter().any(|u| u.restates.is_some()),
            out: map.units.iter().any(is_out) || map.relations.iter().any(|r| !r.carries),
            kinds: map.units.iter().any(|u| u.kind.is_some()),
        }
    }
}

/// A relation's tooltip, the same in both renderers: "u3 supports u1 (rule r, score 0.7)",
/// and why a faded line carries nothing.
pub fn relation_tooltip(r: &crate::graph::model::Relation, label: &str) -> String {
    format!(
        "{} {label} {} (rule {}, score {}){}",
        r.from,
        r.to,
        r.rule,
        r.score,
        if r.carries {
            ""
        } else {
            "; does not carry: its source is out"
        }
    )
}

pub const SUPPORT_COLOR: &str = "#2b8a3e";
pub const ATTACK_COLOR: &str = "#c92a2a";

/// Wraps `text` at `width` characters and cuts it to `max_lines`, ending with an ellipsis when
/// anything was dropped. Labels stay readable; the tooltip carries the full text.
pub fn wrap(text: &str, width: usize, max_lines: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut current = String::new();
    let mut truncated = false;
    for word in text.split_whitespace() {
        let len = current.chars().count();
        if len > 0 && len + 1 + word.chars().count() > width {
            lines.push(std::mem::take(&mut current));
            if lines.len() == max_lines {
                truncated = true;
                break;
            }
        }
        if !current.is_empty() {
            current.push(' ');
        }
        current.push_str(word);
    }
    if !truncated && !current.is_empty() {
        lines.push(current);
    }
    if truncated {
        if let Some(last) = lines.last_mut() {
            // Whole words give way to the ellipsis: "just as importa …" reads as a misprint.
            while last.chars().count() + 2 > width {
                match last.rfind(' ') {
                    Some(cut) => last.truncate(cut),
                    None => {
                        *last = last.chars().take(width.saturating_sub(2)).collect();
                        break;
                    }
                }
            }
            *last = format!("{} …", last.trim_end());
        }
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::wrap;

    #[test]
    fn a_cut_label_ends_on_a_whole_word() {
        // Regression: the ellipsis used to cut into the last word ("just as importa …").
        let text = "It is important to remember that building trust is just as important as talks";
        let lines = wrap(text, 30, 2);
        assert_eq!(lines.len(), 2);
        let last = &lines[1];
        assert!(last.ends_with(" …"), "{last}");
        assert!(last.chars().count() <= 30, "{last}");
        let source_words: Vec<&str> = text.split(' ').collect();
        for word in last.trim_end_matches(" …").split(' ') {
            assert!(source_words.contains(&word), "{word:?} is cut in {last:?}");
        }
    }
}
