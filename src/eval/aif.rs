//! AIF corpora (AIFdb, OVA) as gold: a directory of `X.json` (or `X.aif.json`) argument graphs,
//! each beside `X.txt`, the text it was annotated on.
//!
//! AIF keeps the propositions (I-nodes) but not where they stand in the text, and no roles, so
//! both are recovered:
//!
//! - An I-node is located in the text by its exact text (the first occurrence no other I-node
//!   took yet), else ignoring differences in whitespace. One that cannot be found (analysts
//!   often reconstruct or paraphrase) is left out with a warning, and its relations with it.
//! - Each RA (inference) node makes every premise I-node *support* every conclusion I-node; a
//!   CA (conflict) node makes a *rebut*; an MA (rephrase) node a *support*, as a restatement
//!   argues for what it restates. A CA node aimed at an RA node is an *undercut*, pointed, like
//!   the microtext data, at the source unit of the attacked inference.
//! - Roles come from graph position: an I-node with no outgoing inference is a conclusion; the
//!   central claim is the conclusion the most units argue toward (ties: earlier in the text).
//!   A unit is `opp` when the path of outgoing relations to the central claim holds an odd
//!   number of attacks.
//!
//! Locutions, L-, YA-, TA- and other dialogue nodes are ignored.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};

use serde_json::Value;

use super::gold::{GoldDoc, GoldError, GoldRelKind, GoldRelation, GoldUnit};
use crate::graph::model::Stance;

/// The AIF documents of `dir` and the text they pair with, in file-name order: `(json, txt, id)`.
fn aif_pairs(dir: &Path) -> std::io::Result<Vec<(PathBuf, PathBuf, String)>> {
    let mut pairs = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
            continue;
        };
        let Some(stem) = name
            .strip_suffix(".aif.json")
            .or_else(|| name.strip_suffix(".json"))
        else {
            continue;
        };
        let txt = dir.join(format!("{stem}.txt"));
        if txt.is_file() {
            pairs.push((path.clone(), txt, stem.to_string()));
        }
    }
    pairs.sort_by(|a, b| a.2.cmp(&b.2));
    Ok(pairs)
}

/// True when `dir` holds AIF documents paired with texts and no brat annotations.
pub fn is_aif_dir(dir: &Path) -> bool {
    let has_ann = std::fs::read_dir(dir).is_ok_and(|entries| {
        entries
            .filter_map(Result::ok)
            .any(|e| e.path().extension().is_some_and(|x| x == "ann"))
    });
    !has_ann && aif_pairs(dir).is_ok_and(|p| !p.is_empty())
}

/// Reads every AIF document of `dir` with its text. Returns the documents and the warnings
/// (I-nodes not found in the text, relations dropped with them).
pub fn read_aif_dir(dir: impl AsRef<Path>) -> Result<(Vec<GoldDoc>, Vec<String>), GoldError> {
    let dir = dir.as_ref();
    let pairs = aif_pairs(dir).map_err(|source| GoldError::Io {
        path: dir.to_path_buf(),
        source,
    })?;
    let mut docs = Vec::with_capacity(pairs.len());
    let mut warnings = Vec::new();
    for (json_path, txt_path, id) in pairs {
        let read = |p: &Path| {
            std::fs::read_to_string(p).map_err(|source| GoldError::Io {
                path: p.to_path_buf(),
                source,
            })
        };
        let text = read(&txt_path)?;
        let json = read(&json_path)?;
        let (doc, warned) = parse_aif(id, text, &json, &json_path)?;
        warnings.extend(warned);
        docs.push(doc);
    }
    Ok((docs, warnings))
}

/// AIF ids are strings in some exports and numbers in others.
fn id_of(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// One AIF document over `text`.
pub fn parse_aif(
    id: String,
    text: String,
    json: &str,
    path: &Path,
) -> Result<(GoldDoc, Vec<String>), GoldError> {
    let file_error = |message: String| GoldError::File {
        path: path.to_path_buf(),
        message,
    };
    let root: Value = serde_json::from_str(json).map_err(|e| GoldError::Line {
        path: path.to_path_buf(),
        line: e.line(),
        message: format!("not JSON: {e}"),
    })?;
    let text = match text.strip_prefix('\u{feff}') {
        Some(rest) => rest.to_string(),
        None => text,
    };
    let list = |key: &str| {
        root.get(key)
            .and_then(Value::as_array)
            .ok_or_else(|| file_error(format!("no \"{key}\" array: not an AIF document")))
    };
    let nodes = list("nodes")?;
    let edges = list("edges")?;

    // node id → (type, text), in file order.
    let mut kinds: HashMap<String, String> = HashMap::new();
    let mut inodes: Vec<(String, String)> = Vec::new();
    for (i, n) in nodes.iter().enumerate() {
        let node_id = n
            .get("nodeID")
            .and_then(id_of)
            .ok_or_else(|| file_error(format!("node {} has no nodeID", i + 1)))?;
        let kind = n
            .get("type")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string();
        if kind == "I" {
            let t = n.get("text").and_then(Value::as_str).unwrap_or("");
            inodes.push((node_id.clone(), t.to_string()));
        }
        kinds.insert(node_id, kind);
    }
    let mut into: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut out_of: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (i, e) in edges.iter().enumerate() {
        let (Some(from), Some(to)) = (
            e.get("fromID").and_then(id_of),
            e.get("toID").and_then(id_of),
        ) else {
            return Err(file_error(format!("edge {} lacks fromID or toID", i + 1)));
        };
        out_of.entry(from.clone()).or_default().push(to.clone());
        into.entry(to).or_default().push(from);
    }

    let mut warnings = Vec::new();
    let locator = Locator::new(&text);
    let mut taken: HashSet<(usize, usize)> = HashSet::new();
    let mut units: Vec<GoldUnit> = Vec::new();
    for (node_id, node_text) in &inodes {
        match locator.find(node_text, &taken) {
            Some(span) => {
                taken.insert(span);
                units.push(GoldUnit {
                    id: node_id.clone(),
                    start: span.0,
                    end: span.1,
                    role: Stance::Pro,
                    central: false,
                    implicit: false,
                });
            }
            None => warnings.push(format!(
                "{}: I-node {node_id} not found in {id}.txt, left out: {:?}",
                path.display(),
                shorten(node_text)
            )),
        }
    }
    let located: HashSet<&str> = units.iter().map(|u| u.id.as_str()).collect();
    let is_i = |n: &str| kinds.get(n).is_some_and(|k| k == "I");
    let ends = |map: &BTreeMap<String, Vec<String>>, n: &str| -> Vec<String> {
        map.get(n).cloned().unwrap_or_default()
    };

    let mut relations = Vec::new();
    let mut dropped = 0;
    let inferences: Vec<(String, String)> = nodes
        .iter()
        .filter_map(|n| {
            let node_id = n.get("nodeID").and_then(id_of)?;
            let kind = kinds.get(&node_id)?;
            matches!(kind.as_str(), "RA" | "CA" | "MA").then(|| (node_id.clone(), kind.clone()))
        })
        .collect();
    for (node_id, kind) in &inferences {
        let kind = kind.as_str();
        let premises: Vec<String> = ends(&into, node_id)
            .into_iter()
            .filter(|p| is_i(p))
            .collect();
        for target in ends(&out_of, node_id) {
            let (trg, rel_kind) = if is_i(&target) {
                let k = if kind == "CA" {
                    GoldRelKind::Rebut
                } else {
                    GoldRelKind::Support
                };
                (target, k)
            } else if kind == "CA" && kinds.get(&target).is_some_and(|k| k == "RA") {
                // Undercut: aimed at the attacked inference's (first) premise.
                match ends(&into, &target).into_iter().find(|p| is_i(p)) {
                    Some(p) => (p, GoldRelKind::Undercut),
                    None => continue,
                }
            } else {
                continue;
            };
            for src in &premises {
                if !located.contains(src.as_str()) || !located.contains(trg.as_str()) {
                    dropped += 1;
                    continue;
                }
                if *src == trg {
                    continue;
                }
                relations.push(GoldRelation {
                    src: src.clone(),
                    trg: trg.clone(),
                    kind: rel_kind,
                });
            }
        }
    }
    if dropped > 0 {
        warnings.push(format!(
            "{}: {dropped} relations left out with the I-nodes they join",
            path.display()
        ));
    }

    assign_roles(&mut units, &relations);
    let doc = GoldDoc {
        id,
        text,
        units,
        relations,
    };
    doc.validate().map_err(file_error)?;
    Ok((doc, warnings))
}

/// Central claim and pro/opp from graph position (see the module documentation).
fn assign_roles(units: &mut [GoldUnit], relations: &[GoldRelation]) {
    let mut outgoing: HashMap<&str, &GoldRelation> = HashMap::new();
    let mut incoming: HashMap<&str, Vec<&str>> = HashMap::new();
    for r in relations {
        outgoing.entry(r.src.as_str()).or_insert(r);
        incoming
            .entry(r.trg.as_str())
            .or_default()
            .push(r.src.as_str());
    }
    // How many units argue toward `id`, directly or through others.
    let reach = |id: &str| {
        let mut seen: HashSet<&str> = HashSet::from([id]);
        let mut stack = vec![id];
        while let Some(n) = stack.pop() {
            for &m in incoming.get(n).map_or(&[][..], Vec::as_slice) {
                if seen.insert(m) {
                    stack.push(m);
                }
            }
        }
        seen.len() - 1
    };
    let central = units
        .iter()
        .filter(|u| !outgoing.contains_key(u.id.as_str()) && incoming.contains_key(u.id.as_str()))
        .map(|u| (reach(&u.id), u.start, u.id.clone()))
        .max_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)))
        .map(|(_, _, id)| id);
    let roles: Vec<(bool, Stance)> = units
        .iter()
        .map(|u| {
            let mut attacks = 0;
            let mut current = u.id.as_str();
            let mut visited = HashSet::new();
            while Some(current) != central.as_deref() && visited.insert(current) {
                match outgoing.get(current) {
                    Some(r) => {
                        if r.kind.is_attack() {
                            attacks += 1;
                        }
                        current = r.trg.as_str();
                    }
                    None => break,
                }
            }
            let stance = if attacks % 2 == 1 {
                Stance::Opp
            } else {
                Stance::Pro
            };
            (central.as_deref() == Some(u.id.as_str()), stance)
        })
        .collect();
    for (u, (central, role)) in units.iter_mut().zip(roles) {
        u.central = central;
        u.role = role;
    }
}

fn shorten(s: &str) -> String {
    let mut out: String = s.chars().take(60).collect();
    if s.chars().count() > 60 {
        out.push('…');
    }
    out
}

/// Finds I-node texts in the source text, in character offsets.
struct Locator<'a> {
    text: &'a str,
    /// The text with every whitespace run turned into one space.
    squeezed: String,
    /// Character offset in `text` of each character of `squeezed`.
    origin: Vec<usize>,
}

impl<'a> Locator<'a> {
    fn new(text: &'a str) -> Locator<'a> {
        let mut squeezed = String::new();
        let mut origin = Vec::new();
        let mut in_space = false;
        for (i, c) in text.chars().enumerate() {
            if c.is_whitespace() {
                if !in_space {
                    squeezed.push(' ');
                    origin.push(i);
                }
                in_space = true;
            } else {
                squeezed.push(c);
                origin.push(i);
                in_space = false;
            }
        }
        Locator {
            text,
            squeezed,
            origin,
        }
    }

    /// The first exact occurrence not in `taken`, else the first whitespace-insensitive one not
    /// in `taken`, else an exact or whitespace-insensitive one already taken (two I-nodes may
    /// well quote one sentence).
    fn find(&self, needle: &str, taken: &HashSet<(usize, usize)>) -> Option<(usize, usize)> {
        let needle = needle.trim();
        if needle.is_empty() {
            return None;
        }
        let exact: Vec<(usize, usize)> = self
            .text
            .match_indices(needle)
            .map(|(b, _)| {
                let start = self.text[..b].chars().count();
                (start, start + needle.chars().count())
            })
            .collect();
        let squeezed_needle: String = Locator::new(needle).squeezed;
        let loose: Vec<(usize, usize)> = self
            .squeezed
            .match_indices(&squeezed_needle)
            .map(|(b, m)| {
                let first = self.squeezed[..b].chars().count();
                let last = first + m.chars().count() - 1;
                (self.origin[first], self.origin[last] + 1)
            })
            .collect();
        exact
            .iter()
            .chain(&loose)
            .find(|s| !taken.contains(s))
            .or_else(|| exact.first().or(loose.first()))
            .copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "Schools should   ban phones.\nPhones distract pupils. Some say phones \
                        keep children safe.\nBut a school office has a phone. Phones distract pupils.";

    /// AIFdb style: numeric ids, a locution and YA node, an RA with two premises, a CA, an
    /// undercut, an MA, text with different whitespace, and a reconstructed premise.
    const AIF: &str = r#"{
      "nodes": [
        {"nodeID": 1, "text": "Schools should ban phones.", "type": "I"},
        {"nodeID": "2", "text": "Phones distract pupils.", "type": "I"},
        {"nodeID": "3", "text": "Some say phones keep\nchildren safe.", "type": "I"},
        {"nodeID": "4", "text": "But a school office has a phone.", "type": "I"},
        {"nodeID": "5", "text": "Pupils need to concentrate.", "type": "I"},
        {"nodeID": "6", "text": "Phones distract pupils.", "type": "I"},
        {"nodeID": "10", "text": "Default Inference", "type": "RA"},
        {"nodeID": "11", "text": "Default Conflict", "type": "CA"},
        {"nodeID": "12", "text": "Default Conflict", "type": "CA"},
        {"nodeID": "13", "text": "Default Rephrase", "type": "MA"},
        {"nodeID": "20", "text": "Ann : Schools should ban phones", "type": "L"},
        {"nodeID": "21", "text": "Asserting", "type": "YA"}
      ],
      "edges": [
        {"edgeID": 1, "fromID": "2", "toID": "10"},
        {"edgeID": 2, "fromID": "5", "toID": "10"},
        {"edgeID": 3, "fromID": "10", "toID": 1},
        {"edgeID": 4, "fromID": "3", "toID": "11"},
        {"edgeID": 5, "fromID": "11", "toID": "1"},
        {"edgeID": 6, "fromID": "4", "toID": "12"},
        {"edgeID": 7, "fromID": "12", "toID": "11"},
        {"edgeID": 8, "fromID": "6", "toID": "13"},
        {"edgeID": 9, "fromID": "13", "toID": "2"},
        {"edgeID": 10, "fromID": "20", "toID": "21"},
        {"edgeID": 11, "fromID": "21", "toID": "1"}
      ],
      "locutions": []
    }"#;

    fn span(doc: &GoldDoc, id: &str) -> String {
        let u = doc.unit(id).expect("unit");
        doc.text
            .chars()
            .skip(u.start)
            .take(u.end - u.start)
            .collect()
    }

    #[test]
    fn locates_i_nodes_and_derives_relations_and_roles() {
        let (doc, warnings) =
            parse_aif("d".into(), TEXT.into(), AIF, Path::new("d.json")).expect("valid AIF");
        // Whitespace-insensitive match keeps the text's own spacing.
        assert_eq!(span(&doc, "1"), "Schools should   ban phones.");
        assert_eq!(span(&doc, "3"), "Some say phones keep children safe.");
        // Two I-nodes quoting one sentence get its two occurrences.
        assert_ne!(
            doc.unit("2").map(|u| u.start),
            doc.unit("6").map(|u| u.start)
        );
        assert_eq!(span(&doc, "6"), "Phones distract pupils.");
        // The reconstructed premise is not in the text.
        assert!(doc.unit("5").is_none());
        assert_eq!(warnings.len(), 2, "{warnings:?}");
        assert!(warnings[0].contains("I-node 5 not found"));
        assert!(warnings[1].contains("1 relations left out"));

        let rel = |s: &str, t: &str| {
            doc.relations
                .iter()
                .find(|r| r.src == s && r.trg == t)
                .map(|r| r.kind)
        };
        assert_eq!(rel("2", "1"), Some(GoldRelKind::Support));
        assert_eq!(rel("3", "1"), Some(GoldRelKind::Rebut));
        // The CA aimed at the conflict node 11 is not an undercut (only RA targets are), so
        // it is dropped; the rephrase supports what it restates.
        assert_eq!(rel("4", "3"), None);
        assert_eq!(rel("6", "2"), Some(GoldRelKind::Support));
        assert_eq!(doc.relations.len(), 3);

        let central: Vec<&str> = doc
            .units
            .iter()
            .filter(|u| u.central)
            .map(|u| u.id.as_str())
            .collect();
        assert_eq!(central, vec!["1"]);
        assert_eq!(doc.unit("3").map(|u| u.role), Some(Stance::Opp));
        assert_eq!(doc.unit("6").map(|u| u.role), Some(Stance::Pro));
        assert_eq!(doc.unit("4").map(|u| u.role), Some(Stance::Pro));
    }

    #[test]
    fn undercut_points_at_the_attacked_inference_premise() {
        let aif = r#"{"nodes": [
            {"nodeID": "a", "text": "Phones distract pupils.", "type": "I"},
            {"nodeID": "b", "text": "Schools should ban phones.", "type": "I"},
            {"nodeID": "c", "text": "But a school office has a phone.", "type": "I"},
            {"nodeID": "ra", "text": "Default Inference", "type": "RA"},
            {"nodeID": "ca", "text": "Default Conflict", "type": "CA"}],
          "edges": [
            {"edgeID": "1", "fromID": "a", "toID": "ra"},
            {"edgeID": "2", "fromID": "ra", "toID": "b"},
            {"edgeID": "3", "fromID": "c", "toID": "ca"},
            {"edgeID": "4", "fromID": "ca", "toID": "ra"}]}"#;
        let (doc, warnings) = parse_aif(
            "d".into(),
            TEXT.replace("   ", " "),
            aif,
            Path::new("d.json"),
        )
        .expect("valid AIF");
        assert!(warnings.is_empty(), "{warnings:?}");
        let undercut = doc
            .relations
            .iter()
            .find(|r| r.src == "c")
            .expect("undercut");
        assert_eq!(
            (undercut.trg.as_str(), undercut.kind),
            ("a", GoldRelKind::Undercut)
        );
        assert_eq!(doc.unit("c").map(|u| u.role), Some(Stance::Opp));
        assert!(doc.unit("b").is_some_and(|u| u.central));
    }

    #[test]
    fn not_aif_is_an_error_naming_the_file() {
        let err = parse_aif(
            "d".into(),
            TEXT.into(),
            "{\"nodes\": []}",
            Path::new("x.json"),
        )
        .expect_err("no edges");
        assert_eq!(
            err.to_string(),
            "x.json: no \"edges\" array: not an AIF document"
        );
        let err = parse_aif("d".into(), TEXT.into(), "{\n  nodes", Path::new("x.json"))
            .expect_err("bad JSON");
        assert!(err.to_string().starts_with("x.json:2: not JSON"), "{err}");
    }
}
