//! brat standoff (brat.nlplab.org): the text, an `.ann` file with a `T` line per unit (the type
//! is its role) and an `R` line per relation, and the `annotation.conf` that declares them, so
//! the map opens in brat for correction and reads back as gold with `toulmin eval --gold DIR`.

use std::fmt::Write;

use super::status_name;
use crate::graph::model::{ArgumentMap, RelationKind, Role};

/// The brat relation type of a relation kind (the names of the Argument Annotated Essays, which
/// `eval` also reads).
pub fn relation_type(kind: RelationKind) -> &'static str {
    match kind {
        RelationKind::Support => "supports",
        RelationKind::Attack => "attacks",
    }
}

/// The `.ann` standoff for `map` over `text`, the text its offsets count characters of.
/// `T` numbers follow unit order, `R` numbers relation order; an `AnnotatorNotes` line keeps
/// each unit's map id, `Kind` and `Status` attributes its kind and grounded status.
pub fn to_ann(map: &ArgumentMap, text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let tid: std::collections::HashMap<&str, String> = map
        .units
        .iter()
        .enumerate()
        .map(|(i, u)| (u.id.as_str(), format!("T{}", i + 1)))
        .collect();
    let mut out = String::new();
    let mut attributes = 0;
    for (i, u) in map.units.iter().enumerate() {
        let covered: String = match chars.get(u.start..u.end) {
            Some(span) => span.iter().collect(),
            None => u.text.to_string(),
        };
        // brat writes a span's line breaks as spaces; a tab would end the field.
        let shown = covered.replace(['\n', '\r', '\t'], " ");
        let t = i + 1;
        let _ = writeln!(out, "T{t}\t{} {} {}\t{shown}", u.role, u.start, u.end);
        let _ = writeln!(out, "#{t}\tAnnotatorNotes T{t}\t{}", u.id);
        if let Some(kind) = u.kind {
            attributes += 1;
            let _ = writeln!(out, "A{attributes}\tKind T{t} {kind}");
        }
        if let Some(status) = u.status {
            attributes += 1;
            let _ = writeln!(out, "A{attributes}\tStatus T{t} {}", status_name(status));
        }
    }
    for (k, r) in map.relations.iter().enumerate() {
        let (Some(from), Some(to)) = (tid.get(r.from.as_str()), tid.get(r.to.as_str())) else {
            continue;
        };
        let _ = writeln!(
            out,
            "R{}\t{} Arg1:{from} Arg2:{to}",
            k + 1,
            relation_type(r.kind)
        );
    }
    out
}

/// The collection's `annotation.conf`: every role an entity type, supports/attacks relations,
/// kind and status attributes.
pub fn annotation_conf() -> String {
    let mut out = String::from("# toulmin argument maps\n[entities]\n");
    for role in Role::ALL {
        let _ = writeln!(out, "{role}");
    }
    out.push_str("\n[relations]\n");
    for kind in [RelationKind::Support, RelationKind::Attack] {
        let _ = writeln!(out, "{}\tArg1:<ENTITY>, Arg2:<ENTITY>", relation_type(kind));
    }
    out.push_str("<OVERLAP>\tArg1:<ENTITY>, Arg2:<ENTITY>, <OVL-TYPE>:<ANY>\n");
    out.push_str("\n[events]\n\n[attributes]\n");
    let kinds: Vec<&str> = crate::graph::model::Kind::ALL
        .iter()
        .map(|k| k.as_str())
        .collect();
    let _ = writeln!(out, "Kind\tArg:<ENTITY>, Value:{}", kinds.join("|"));
    out.push_str("Status\tArg:<ENTITY>, Value:in|out|undec\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::export::tests::{sample_map, SAMPLE_TEXT};

    #[test]
    fn t_line_per_unit_r_line_per_relation() {
        let map = sample_map();
        let ann = to_ann(&map, SAMPLE_TEXT);
        let t: Vec<&str> = ann.lines().filter(|l| l.starts_with('T')).collect();
        assert_eq!(t.len(), map.units.len());
        assert_eq!(t[0], "T1\tthesis 0 16\tTariffs must go.");
        assert!(ann.contains("R2\tattacks Arg1:T3 Arg2:T1\n"));
        assert!(ann.contains("A1\tKind T1 policy\n"));
        assert!(ann.contains("Status T3 out\n"));
        assert_eq!(ann.lines().filter(|l| l.starts_with('R')).count(), 3);
    }

    #[test]
    fn conf_declares_every_role_and_relation() {
        let conf = annotation_conf();
        for role in Role::ALL {
            assert!(conf.contains(&format!("\n{role}\n")), "{role}");
        }
        assert!(conf.contains("supports\tArg1:<ENTITY>, Arg2:<ENTITY>\n"));
        assert!(conf.contains("attacks\tArg1:<ENTITY>, Arg2:<ENTITY>\n"));
    }
}
