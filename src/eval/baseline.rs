//! The trivial baseline of the microtext literature, as an [`ArgumentMap`] so it goes through
//! exactly the same scoring code as toulmin's own output.

use super::gold::GoldDoc;
use crate::graph::model::{
    ArgumentMap, Relation, RelationKind, Role, Source, Stance, Unit, SCHEMA,
};

/// Gold segmentation; the first unit *in text order* is the thesis, every other unit a pro
/// premise supporting it. Text order matters: the records list units in annotation order, and
/// taking the first listed unit instead would score cc .910 rather than the published .756.
///
/// The map never read a file, so `source.sha256` is empty and `source.name` is the document id;
/// each unit is given its own sentence number.
pub fn baseline_map(doc: &GoldDoc) -> ArgumentMap {
    let chars: Vec<char> = doc.text.chars().collect();
    let ordered = doc.units_in_text_order();
    let units: Vec<Unit> = ordered
        .iter()
        .enumerate()
        .map(|(i, g)| {
            let start = g.start.min(chars.len());
            let end = g.end.min(chars.len()).max(start);
            Unit {
                id: compact_str::format_compact!("u{}", i + 1),
                role: if i == 0 { Role::Thesis } else { Role::Premise },
                kind: None,
                start: g.start,
                end: g.end,
                text: chars[start..end].iter().collect(),
                display: None,
                section: None,
                paragraph: 1,
                sentence: i + 1,
                score: 1.0,
                stance: Some(Stance::Pro),
                status: None,
                restates: None,
                rules: vec![],
                cues: vec![],
            }
        })
        .collect();
    let relations = (1..units.len())
        .map(|i| Relation {
            id: compact_str::format_compact!("r{i}"),
            from: units[i].id.clone(),
            to: units[0].id.clone(),
            kind: RelationKind::Support,
            rule: "baseline".into(),
            score: 1.0,
            carries: true,
        })
        .collect();
    ArgumentMap {
        schema: SCHEMA.to_string(),
        source: Source {
            name: doc.id.clone(),
            sha256: String::new(),
            chars: chars.len(),
            reading: Default::default(),
        },
        title: None,
        byline: None,
        date: None,
        thesis: units.first().map(|u| u.id.clone()),
        units,
        relations,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::eval::metrics::tests::worked_gold;

    #[test]
    fn first_in_text_order_is_thesis() {
        // worked_gold lists g3 first; g1 (0..18) is first in the text.
        let m = baseline_map(&worked_gold());
        assert_eq!(m.thesis.as_deref(), Some("u1"));
        assert_eq!(
            m.units
                .iter()
                .map(|u| (u.start, u.role))
                .collect::<Vec<_>>(),
            vec![
                (0, Role::Thesis),
                (19, Role::Premise),
                (32, Role::Premise),
                (57, Role::Premise)
            ]
        );
        assert_eq!(m.units[0].text, "We should act now.");
        assert_eq!(m.relations.len(), 3);
        assert!(m
            .relations
            .iter()
            .all(|r| r.to == "u1" && r.kind == RelationKind::Support));
        assert_eq!(m.source.chars, 91);
    }

    #[test]
    fn empty_document_has_no_thesis() {
        let mut d = worked_gold();
        d.units.clear();
        d.relations.clear();
        let m = baseline_map(&d);
        assert!(m.thesis.is_none() && m.units.is_empty() && m.relations.is_empty());
    }
}
