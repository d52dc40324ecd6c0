//! GraphML (graphml.graphdrawing.org), as networkx, igraph, Gephi and yEd read it: one node per
//! unit, one directed edge per relation, every field of the map a typed `<data>` attribute.

use std::borrow::Cow;
use std::io;

use quick_xml::events::{BytesDecl, BytesText, Event};
use quick_xml::Writer;

use super::{stance_name, status_name};
use crate::graph::model::{ArgumentMap, Unit};

const NAMESPACE: &str = "http://graphml.graphdrawing.org/xmlns";

/// (key id, applies to, attribute name, GraphML type)
const KEYS: [(&str, &str, &str, &str); 20] = [
    ("g_source", "graph", "source", "string"),
    ("g_title", "graph", "title", "string"),
    ("g_thesis", "graph", "thesis", "string"),
    ("g_schema", "graph", "schema", "string"),
    ("n_role", "node", "role", "string"),
    ("n_kind", "node", "kind", "string"),
    ("n_text", "node", "text", "string"),
    ("n_start", "node", "start", "int"),
    ("n_end", "node", "end", "int"),
    ("n_section", "node", "section", "string"),
    ("n_paragraph", "node", "paragraph", "int"),
    ("n_sentence", "node", "sentence", "int"),
    ("n_score", "node", "score", "double"),
    ("n_stance", "node", "stance", "string"),
    ("n_status", "node", "status", "string"),
    ("n_rules", "node", "rules", "string"),
    ("e_kind", "edge", "kind", "string"),
    ("e_rule", "edge", "rule", "string"),
    ("e_score", "edge", "score", "double"),
    ("e_carries", "edge", "carries", "boolean"),
];

/// The map as a GraphML document. Optional fields (kind, section, stance, status) are written
/// only where the map has them; `rules` is the unit's rule names joined by spaces.
pub fn to_graphml(map: &ArgumentMap) -> String {
    let mut writer = Writer::new_with_indent(Vec::new(), b' ', 2);
    // Writing into a Vec cannot fail.
    let _ = write_document(&mut writer, map);
    let mut out = String::from_utf8_lossy(&writer.into_inner()).into_owned();
    out.push('\n');
    out
}

fn write_document(w: &mut Writer<Vec<u8>>, map: &ArgumentMap) -> io::Result<()> {
    w.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
    w.create_element("graphml")
        .with_attribute(("xmlns", NAMESPACE))
        .write_inner_content(|w| {
            for (id, scope, name, ty) in KEYS {
                w.create_element("key")
                    .with_attributes([
                        ("id", id),
                        ("for", scope),
                        ("attr.name", name),
                        ("attr.type", ty),
                    ])
                    .write_empty()?;
            }
            w.create_element("graph")
                .with_attributes([("id", "G"), ("edgedefault", "directed")])
                .write_inner_content(|w| {
                    data(w, "g_schema", &map.schema)?;
                    data(w, "g_source", &map.source.name)?;
                    if let Some(title) = &map.title {
                        data(w, "g_title", title)?;
                    }
                    if let Some(thesis) = &map.thesis {
                        data(w, "g_thesis", thesis)?;
                    }
                    for u in &map.units {
                        w.create_element("node")
                            .with_attribute(("id", u.id.as_str()))
                            .write_inner_content(|w| unit_data(w, u))?;
                    }
                    for r in &map.relations {
                        w.create_element("edge")
                            .with_attributes([
                                ("id", r.id.as_str()),
                                ("source", r.from.as_str()),
                                ("target", r.to.as_str()),
                            ])
                            .write_inner_content(|w| {
                                data(w, "e_kind", r.kind.as_str())?;
                                data(w, "e_rule", &r.rule)?;
                                data(w, "e_score", &r.score.to_string())?;
                                data(w, "e_carries", if r.carries { "true" } else { "false" })
                            })?;
                    }
                    Ok(())
                })?;
            Ok(())
        })?;
    Ok(())
}

fn unit_data(w: &mut Writer<Vec<u8>>, u: &Unit) -> io::Result<()> {
    data(w, "n_role", u.role.as_str())?;
    if let Some(kind) = u.kind {
        data(w, "n_kind", kind.as_str())?;
    }
    data(w, "n_text", &u.text)?;
    data(w, "n_start", &u.start.to_string())?;
    data(w, "n_end", &u.end.to_string())?;
    if let Some(section) = &u.section {
        data(w, "n_section", section)?;
    }
    data(w, "n_paragraph", &u.paragraph.to_string())?;
    data(w, "n_sentence", &u.sentence.to_string())?;
    data(w, "n_score", &u.score.to_string())?;
    if let Some(stance) = u.stance {
        data(w, "n_stance", stance_name(stance))?;
    }
    if let Some(status) = u.status {
        data(w, "n_status", status_name(status))?;
    }
    data(w, "n_rules", &u.rules.join(" "))
}

fn data(w: &mut Writer<Vec<u8>>, key: &str, value: &str) -> io::Result<()> {
    w.create_element("data")
        .with_attribute(("key", key))
        .write_text_content(BytesText::new(&xml_chars(value)))?;
    Ok(())
}

/// XML 1.0 forbids most control characters even escaped; an input may contain them.
fn xml_chars(s: &str) -> Cow<'_, str> {
    let allowed = |c: char| {
        matches!(c, '\t' | '\n' | '\r') || (c >= ' ' && c != '\u{fffe}' && c != '\u{ffff}')
    };
    if s.chars().all(allowed) {
        Cow::Borrowed(s)
    } else {
        Cow::Owned(
            s.chars()
                .map(|c| if allowed(c) { c } else { '\u{fffd}' })
                .collect(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::export::tests::sample_map;

    #[test]
    fn every_unit_and_relation_with_typed_attributes() {
        let map = sample_map();
        let xml = to_graphml(&map);
        assert!(xml.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>"));
        assert_eq!(xml.matches("<node id=").count(), map.units.len());
        assert_eq!(xml.matches("<edge id=").count(), map.relations.len());
        assert!(xml.contains(r#"<key id="n_start" for="node" attr.name="start" attr.type="int"/>"#));
        // Markup in the text is escaped, control characters replaced.
        assert!(xml.contains(
            "<data key=\"n_text\">Some say tariffs &lt;always&gt; &amp; \u{fffd}fail.</data>"
        ));
        assert!(xml.contains(r#"<edge id="r2" source="u3" target="u1">"#));
        assert!(xml.contains(r#"<data key="e_carries">false</data>"#));
        assert!(xml.contains(r#"<data key="n_kind">policy</data>"#));
    }
}
