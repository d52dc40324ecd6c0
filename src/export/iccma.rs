//! The map's attacks as an abstract argumentation framework, for argumentation solvers: the
//! ICCMA 2023 `p af N` format and the ASPARTIX `arg/att` facts.
//!
//! Arguments are the units in map order (ICCMA numbers them from 1), attacks are the attack
//! relations; supports have no place in a Dung framework and are left out.

use crate::graph::model::ArgumentMap;
use crate::graph::semantics::Framework;

/// ICCMA 2023: `p af N`, then one `a b` line per attack (a attacks b). Comment lines after the
/// header say which unit each number stands for.
pub fn to_iccma(map: &ArgumentMap) -> String {
    let af = Framework::of_map(map);
    let mut out = format!("p af {}\n", af.len());
    out.push_str(&format!("# toulmin: {}\n", one_line(&map.source.name)));
    for (i, u) in map.units.iter().enumerate() {
        out.push_str(&format!("# {} {} {}\n", i + 1, u.id, u.role));
    }
    for (a, b) in af.attacks() {
        out.push_str(&format!("{} {}\n", a + 1, b + 1));
    }
    out
}

/// ASPARTIX: `arg(u1).` per unit and `att(u3,u1).` per attack, unit ids as constants.
pub fn to_aspartix(map: &ArgumentMap) -> String {
    let af = Framework::of_map(map);
    let mut out = format!("% toulmin: {}\n", one_line(&map.source.name));
    for u in &map.units {
        out.push_str(&format!("arg({}).\n", constant(&u.id)));
    }
    for (a, b) in af.attacks() {
        out.push_str(&format!(
            "att({},{}).\n",
            constant(&map.units[a].id),
            constant(&map.units[b].id)
        ));
    }
    out
}

fn one_line(s: &str) -> String {
    s.replace(['\n', '\r'], " ")
}

/// An ASP constant: a lower-case identifier as is, anything else quoted.
fn constant(id: &str) -> String {
    let plain = id.chars().next().is_some_and(|c| c.is_ascii_lowercase())
        && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if plain {
        id.to_string()
    } else {
        format!("\"{}\"", id.replace('\\', "\\\\").replace('"', "\\\""))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::export::tests::sample_map;

    #[test]
    fn numbers_units_from_one_and_lists_only_attacks() {
        let map = sample_map();
        let af = to_iccma(&map);
        let lines: Vec<&str> = af.lines().filter(|l| !l.starts_with('#')).collect();
        // u3 attacks u1, u4 attacks u3; the support u2 → u1 is not an attack.
        assert_eq!(lines, vec!["p af 5", "3 1", "4 3"]);
        assert!(af.contains("# 3 u3 counterclaim\n"));
    }

    #[test]
    fn aspartix_facts() {
        let apx = to_aspartix(&sample_map());
        let facts: Vec<&str> = apx.lines().filter(|l| !l.starts_with('%')).collect();
        assert_eq!(
            facts,
            vec![
                "arg(u1).",
                "arg(u2).",
                "arg(u3).",
                "arg(u4).",
                "arg(u5).",
                "att(u3,u1).",
                "att(u4,u3)."
            ]
        );
        assert_eq!(constant("U-1"), "\"U-1\"");
    }
}
