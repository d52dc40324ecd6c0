//! AIF JSON as AIFdb and OVA exchange it: an I-node per unit (its text), an RA-node per support
//! and a CA-node per attack, each joined by two edges (premise → S-node → conclusion).

use serde::Serialize;

use crate::graph::model::{ArgumentMap, RelationKind};

#[derive(Serialize)]
struct Aif<'a> {
    nodes: Vec<Node<'a>>,
    edges: Vec<Edge>,
    locutions: Vec<()>,
}

#[derive(Serialize)]
struct Node<'a> {
    #[serde(rename = "nodeID")]
    node_id: String,
    text: &'a str,
    #[serde(rename = "type")]
    node_type: &'static str,
    timestamp: &'a str,
}

#[derive(Serialize)]
struct Edge {
    #[serde(rename = "edgeID")]
    edge_id: String,
    #[serde(rename = "fromID")]
    from_id: String,
    #[serde(rename = "toID")]
    to_id: String,
    #[serde(rename = "formEdgeID")]
    form_edge_id: Option<String>,
}

/// The map as AIF JSON. Node ids are numbers as AIFdb gives them: units 1..n in map order, then
/// one S-node per relation; an S-node's text is AIFdb's default scheme name. `timestamp` is the
/// article's date when it is an ISO date (AIF requires the field in `YYYY-MM-DD HH:mm:ss`, and
/// readers such as arguebuf reject anything else), else empty.
fn aif_timestamp(date: Option<&str>) -> String {
    let Some(date) = date.map(str::trim) else {
        return String::new();
    };
    let iso_day = |d: &str| {
        d.len() == 10
            && d.char_indices().all(|(i, c)| {
                if i == 4 || i == 7 {
                    c == '-'
                } else {
                    c.is_ascii_digit()
                }
            })
    };
    match date.get(..10) {
        Some(day) if iso_day(day) && date.len() == 10 => format!("{day} 00:00:00"),
        Some(day) if iso_day(day) && date.len() == 19 && date.as_bytes()[10] == b' ' => {
            date.to_string()
        }
        _ => String::new(),
    }
}

pub fn to_aif(map: &ArgumentMap) -> String {
    let index = map.positions();
    let timestamp = aif_timestamp(map.date.as_deref());
    let timestamp = timestamp.as_str();
    let mut nodes: Vec<Node> = map
        .units
        .iter()
        .enumerate()
        .map(|(i, u)| Node {
            node_id: (i + 1).to_string(),
            text: &u.text,
            node_type: "I",
            timestamp,
        })
        .collect();
    let mut edges = Vec::new();
    for r in &map.relations {
        let (Some(from), Some(to)) = (index.get(r.from.as_str()), index.get(r.to.as_str())) else {
            continue;
        };
        let s = (nodes.len() + 1).to_string();
        let (node_type, text) = match r.kind {
            RelationKind::Support => ("RA", "Default Inference"),
            RelationKind::Attack => ("CA", "Default Conflict"),
        };
        nodes.push(Node {
            node_id: s.clone(),
            text,
            node_type,
            timestamp,
        });
        for (a, b) in [
            ((from + 1).to_string(), s.clone()),
            (s, (to + 1).to_string()),
        ] {
            edges.push(Edge {
                edge_id: (edges.len() + 1).to_string(),
                from_id: a,
                to_id: b,
                form_edge_id: None,
            });
        }
    }
    let aif = Aif {
        nodes,
        edges,
        locutions: Vec::new(),
    };
    let mut s = serde_json::to_string_pretty(&aif).unwrap_or_default();
    s.push('\n');
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::export::tests::sample_map;

    #[test]
    fn i_nodes_for_units_and_s_nodes_for_relations() {
        let map = sample_map();
        let v: serde_json::Value = serde_json::from_str(&to_aif(&map)).expect("valid JSON");
        let nodes = v["nodes"].as_array().expect("nodes");
        let of_type = |t: &str| nodes.iter().filter(|n| n["type"] == t).count();
        assert_eq!(of_type("I"), 5);
        assert_eq!(of_type("RA"), 1);
        assert_eq!(of_type("CA"), 2);
        assert_eq!(nodes[0]["text"], "Tariffs must go.");
        assert_eq!(nodes[0]["nodeID"], "1");
        let edges = v["edges"].as_array().expect("edges");
        assert_eq!(edges.len(), 6);
        // The support u2 → u1 is I2 → RA6 → I1.
        assert_eq!(edges[0]["fromID"], "2");
        assert_eq!(edges[0]["toID"], "6");
        assert_eq!(edges[1]["fromID"], "6");
        assert_eq!(edges[1]["toID"], "1");
    }
}
