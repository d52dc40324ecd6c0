//! Gold-standard argument structures and the two formats they are read from.
//!
//! Everything is normalised to one shape, [`GoldDoc`], so that the metrics never need to know
//! whether a document came from the microtext JSON lines or from a brat-annotated essay.
//! Offsets are characters (Unicode scalar values), never bytes, because that is what both the
//! gold formats and toulmin's own maps count.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::graph::model::{RelationKind, Role, Stance};

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GoldDoc {
    pub id: String,
    pub text: String,
    /// Not necessarily in text order: the microtext records keep annotation order.
    pub units: Vec<GoldUnit>,
    pub relations: Vec<GoldRelation>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GoldUnit {
    pub id: String,
    /// Character offsets into [`GoldDoc::text`], end exclusive. For the few microtext units made of
    /// several segments this is the first segment, as the record's own `start`/`end` give it.
    pub start: usize,
    pub end: usize,
    pub role: Stance,
    pub central: bool,
    /// The annotators' implicit central claim, written into the text in upper case; kept so a
    /// report can say how many scored units no real reader would have seen.
    pub implicit: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GoldRelation {
    pub src: String,
    pub trg: String,
    pub kind: GoldRelKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum GoldRelKind {
    Support,
    Example,
    /// A linked premise. The source data points it at its partner's source unit, so for
    /// attachment and function it is scored as a support of that unit.
    Join,
    Rebut,
    Undercut,
}

impl GoldRelKind {
    pub const ALL: [GoldRelKind; 5] = [
        GoldRelKind::Support,
        GoldRelKind::Example,
        GoldRelKind::Join,
        GoldRelKind::Rebut,
        GoldRelKind::Undercut,
    ];

    pub fn is_attack(self) -> bool {
        matches!(self, GoldRelKind::Rebut | GoldRelKind::Undercut)
    }

    /// The only distinction toulmin's maps can make.
    pub fn polarity(self) -> RelationKind {
        if self.is_attack() {
            RelationKind::Attack
        } else {
            RelationKind::Support
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            GoldRelKind::Support => "support",
            GoldRelKind::Example => "example",
            GoldRelKind::Join => "join",
            GoldRelKind::Rebut => "rebut",
            GoldRelKind::Undercut => "undercut",
        }
    }

    pub fn parse(name: &str) -> Option<GoldRelKind> {
        GoldRelKind::ALL.into_iter().find(|k| k.as_str() == name)
    }
}

impl GoldDoc {
    pub fn unit(&self, id: &str) -> Option<&GoldUnit> {
        self.units.iter().find(|u| u.id == id)
    }

    /// The first relation leaving `id`; in both gold formats a non-central unit has at most one.
    pub fn outgoing(&self, id: &str) -> Option<&GoldRelation> {
        self.relations.iter().find(|r| r.src == id)
    }

    /// Units sorted by position; ties (which valid data does not have) fall back to end, then id,
    /// so that "the first unit" is always well defined.
    pub fn units_in_text_order(&self) -> Vec<&GoldUnit> {
        let mut units: Vec<&GoldUnit> = self.units.iter().collect();
        units.sort_by(|a, b| (a.start, a.end, &a.id).cmp(&(b.start, b.end, &b.id)));
        units
    }

    /// Checks what the metrics rely on, so that they can index without checking again.
    pub(crate) fn validate(&self) -> Result<(), String> {
        let len = self.text.chars().count();
        let mut ids = HashSet::new();
        let mut centrals = 0;
        for u in &self.units {
            if !ids.insert(u.id.as_str()) {
                return Err(format!("document {}: duplicate unit id {}", self.id, u.id));
            }
            if u.start >= u.end {
                return Err(format!(
                    "document {}: unit {} has offsets {}..{}: the start must come before the end",
                    self.id, u.id, u.start, u.end
                ));
            }
            if u.end > len {
                return Err(format!(
                    "document {}: unit {} has offsets {}..{} outside the text ({} characters)",
                    self.id, u.id, u.start, u.end, len
                ));
            }
            if u.central {
                centrals += 1;
            }
        }
        if centrals > 1 {
            return Err(format!(
                "document {}: {} central claims, expected at most one",
                self.id, centrals
            ));
        }
        for r in &self.relations {
            for end in [&r.src, &r.trg] {
                if !ids.contains(end.as_str()) {
                    return Err(format!(
                        "document {}: relation {} -> {} names unknown unit {}",
                        self.id, r.src, r.trg, end
                    ));
                }
            }
            if r.src == r.trg {
                return Err(format!(
                    "document {}: relation from {} to itself",
                    self.id, r.src
                ));
            }
        }
        Ok(())
    }
}

#[derive(Debug, thiserror::Error)]
pub enum GoldError {
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{}:{line}: {message}", path.display())]
    Line {
        path: PathBuf,
        /// 1-based.
        line: usize,
        message: String,
    },
    /// A problem that belongs to no single line, e.g. an essay without a major claim.
    #[error("{}: {message}", path.display())]
    File { path: PathBuf, message: String },
}

pub(crate) fn read_text(path: &Path) -> Result<String, GoldError> {
    let bytes = std::fs::read(path).map_err(|source| GoldError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    String::from_utf8(bytes).map_err(|e| {
        // Where the bad byte is, as the article reader says it: "stream did not contain valid
        // UTF-8" sends the user searching a large file.
        let bytes = e.as_bytes();
        let at = e.utf8_error().valid_up_to();
        let (line, column) = crate::position::byte_line_col(bytes, at);
        let what = if bytes.contains(&0) {
            "looks binary (it has NUL bytes) and is"
        } else {
            "is"
        };
        GoldError::File {
            path: path.to_path_buf(),
            message: format!(
                "{what} not valid UTF-8: invalid byte 0x{:02x} at line {line}, column {column}",
                bytes[at]
            ),
        }
    })
}

#[derive(Deserialize)]
struct RawDoc {
    id: String,
    text: String,
    units: Vec<RawUnit>,
    relations: Vec<RawRelation>,
}

#[derive(Deserialize)]
struct RawUnit {
    id: String,
    start: usize,
    end: usize,
    role: String,
    is_central_claim: bool,
    #[serde(default)]
    spans: Vec<RawSpan>,
}

#[derive(Deserialize)]
struct RawSpan {
    #[serde(default)]
    implicit: bool,
}

#[derive(Deserialize)]
struct RawRelation {
    src: String,
    trg: String,
    #[serde(rename = "type")]
    kind: String,
}

fn convert_record(raw: RawDoc) -> Result<GoldDoc, String> {
    let mut units = Vec::with_capacity(raw.units.len());
    for u in raw.units {
        let role = match u.role.as_str() {
            "pro" => Stance::Pro,
            "opp" => Stance::Opp,
            other => {
                return Err(format!(
                    "document {}: unit {} has role {:?}, expected \"pro\" or \"opp\"",
                    raw.id, u.id, other
                ))
            }
        };
        units.push(GoldUnit {
            implicit: u.spans.iter().any(|s| s.implicit),
            id: u.id,
            start: u.start,
            end: u.end,
            role,
            central: u.is_central_claim,
        });
    }
    let mut relations = Vec::with_capacity(raw.relations.len());
    for r in raw.relations {
        let kind = GoldRelKind::parse(&r.kind).ok_or_else(|| {
            format!(
                "document {}: relation {} -> {} has unknown type {:?}",
                raw.id, r.src, r.trg, r.kind
            )
        })?;
        relations.push(GoldRelation {
            src: r.src,
            trg: r.trg,
            kind,
        });
    }
    let doc = GoldDoc {
        id: raw.id,
        text: raw.text,
        units,
        relations,
    };
    doc.validate()?;
    Ok(doc)
}

/// Reads the microtext JSON-lines format described in `shared/eval/README.md`; blank lines are
/// skipped. Fields the metrics do not use (`topic_id`, `spans` beyond their `implicit` flag,
/// `non_arg_edus`, ...) are ignored.
pub fn read_jsonl(path: impl AsRef<Path>) -> Result<Vec<GoldDoc>, GoldError> {
    let path = path.as_ref();
    let content = read_text(path)?;
    parse_jsonl(path, &content)
}

/// [`read_jsonl`] on text already read; `path` is what errors name.
pub fn parse_jsonl(path: &Path, content: &str) -> Result<Vec<GoldDoc>, GoldError> {
    let mut docs = Vec::new();
    for (index, line) in content.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let line_error = |message: String| GoldError::Line {
            path: path.to_path_buf(),
            line: index + 1,
            message,
        };
        let raw: RawDoc = serde_json::from_str(line)
            .map_err(|e| line_error(format!("not a gold record: {e}")))?;
        docs.push(convert_record(raw).map_err(line_error)?);
    }
    Ok(docs)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum BratType {
    MajorClaim,
    Claim,
    Premise,
    /// A role name, as `toulmin map --format brat` writes them: `thesis` is the central claim,
    /// every other role links by its `R` lines alone.
    Toulmin(Role),
}

struct BratEntity {
    id: String,
    kind: BratType,
    start: usize,
    end: usize,
    line: usize,
}

/// Reads every `X.txt` in `dir` that has a sibling `X.ann` (in file-name order; a `.txt` without
/// annotations is skipped) as brat standoff in the style of the Argument Annotated Essays corpus
/// (Stab & Gurevych). The document id is the file stem.
///
/// Essays do not have the microtext structure, so they are mapped onto it:
///
/// - `T` lines of type `MajorClaim`, `Claim` or `Premise` become units. Offsets are characters
///   into the `.txt` (a leading byte-order mark is dropped and the offsets shifted with it, as
///   toulmin drops it from its input). A discontinuous span `a b;c d` becomes `a..d`.
/// - The first `MajorClaim` in text order is the central claim. Further `MajorClaim`s restate it,
///   so each becomes a *support* of the central claim.
/// - A `Claim` takes its link from its `A` line (`Stance Tn For|Against`): `For` supports the
///   central claim, `Against` rebuts it. A claim without a stance is an error.
/// - `R` lines (`supports|attacks Arg1:Tsrc Arg2:Ttrg`) become *support* and *rebut* relations;
///   brat cannot point at an edge, so undercut never occurs.
/// - A unit's role is `pro` unless the path of outgoing relations from it to the central claim
///   holds an odd number of attacks (so an `Against` claim is `opp`, and a premise attacking it
///   is `pro` again). A unit whose path stops short of the central claim counts the attacks it
///   did pass.
///
/// `#` note lines are ignored; any other line type, an unknown entity type, or a `T` line whose
/// quoted text differs from the characters its offsets cover (the usual sign of byte offsets)
/// is an error naming the `.ann` line.
pub fn read_brat_dir(dir: impl AsRef<Path>) -> Result<Vec<GoldDoc>, GoldError> {
    let dir = dir.as_ref();
    let io_error = |source| GoldError::Io {
        path: dir.to_path_buf(),
        source,
    };
    let mut texts = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(io_error)? {
        let path = entry.map_err(io_error)?.path();
        if path.extension().is_some_and(|e| e == "txt") && path.with_extension("ann").is_file() {
            texts.push(path);
        }
    }
    texts.sort_by(|a, b| a.file_name().cmp(&b.file_name()));
    let mut docs = Vec::with_capacity(texts.len());
    for txt in texts {
        let ann_path = txt.with_extension("ann");
        let text = read_text(&txt)?;
        let ann = read_text(&ann_path)?;
        let id = txt
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        docs.push(parse_brat(id, text, &ann, &ann_path)?);
    }
    Ok(docs)
}

fn parse_offsets(spec: &str) -> Option<(usize, usize, bool)> {
    let fragments: Vec<&str> = spec.split(';').collect();
    let first: Vec<&str> = fragments.first()?.split_whitespace().collect();
    let last: Vec<&str> = fragments.last()?.split_whitespace().collect();
    if first.len() != 2 || last.len() != 2 {
        return None;
    }
    let start = first[0].parse().ok()?;
    let end = last[1].parse().ok()?;
    Some((start, end, fragments.len() > 1))
}

/// One brat document (see [`read_brat_dir`]) from its text and `.ann` content; `ann_path` is
/// what errors name.
pub fn parse_brat(
    id: String,
    text: String,
    ann: &str,
    ann_path: &Path,
) -> Result<GoldDoc, GoldError> {
    let line_error = |line: usize, message: String| GoldError::Line {
        path: ann_path.to_path_buf(),
        line,
        message,
    };
    let (text, shift) = match text.strip_prefix('\u{feff}') {
        Some(rest) => (rest.to_string(), 1),
        None => (text, 0),
    };
    let chars: Vec<char> = text.chars().collect();

    let mut entities: Vec<BratEntity> = Vec::new();
    let mut links: Vec<(String, String, GoldRelKind, usize)> = Vec::new();
    let mut stances: HashMap<String, (bool, usize)> = HashMap::new();
    let mut seen = HashSet::new();

    for (index, raw_line) in ann.lines().enumerate() {
        let line = index + 1;
        let raw_line = raw_line.trim_end_matches('\r');
        if raw_line.trim().is_empty() || raw_line.starts_with('#') {
            continue;
        }
        let fields: Vec<&str> = raw_line.split('\t').collect();
        let ann_id = fields[0].trim();
        let body = fields.get(1).copied().unwrap_or("");
        if !seen.insert(ann_id.to_string()) {
            return Err(line_error(
                line,
                format!("duplicate annotation id {ann_id}"),
            ));
        }
        match ann_id.chars().next() {
            Some('T') => {
                let (type_name, offsets) = body.split_once(' ').unwrap_or((body, ""));
                let kind = match type_name {
                    "MajorClaim" => BratType::MajorClaim,
                    "Claim" => BratType::Claim,
                    "Premise" => BratType::Premise,
                    other => BratType::Toulmin(Role::parse(other).ok_or_else(|| {
                        line_error(
                            line,
                            format!(
                                "unknown entity type {other:?} (expected MajorClaim, Claim or \
                                 Premise, or a toulmin role such as thesis)"
                            ),
                        )
                    })?),
                };
                let (start, end, discontinuous) = parse_offsets(offsets)
                    .ok_or_else(|| line_error(line, format!("cannot read offsets {offsets:?}")))?;
                if start >= end || end > chars.len() + shift || start < shift {
                    return Err(line_error(
                        line,
                        format!(
                            "offsets {start}..{end} outside the text ({} characters)",
                            chars.len() + shift
                        ),
                    ));
                }
                let (start, end) = (start - shift, end - shift);
                if let (Some(quoted), false) = (fields.get(2), discontinuous) {
                    // brat shows a span's line breaks as spaces.
                    let covered: String = chars[start..end]
                        .iter()
                        .map(|&c| {
                            if matches!(c, '\n' | '\r' | '\t') {
                                ' '
                            } else {
                                c
                            }
                        })
                        .collect();
                    if covered != *quoted {
                        return Err(line_error(
                            line,
                            format!(
                                "offsets cover {covered:?} but the annotation says {quoted:?} \
                                 (byte offsets instead of character offsets?)"
                            ),
                        ));
                    }
                }
                entities.push(BratEntity {
                    id: ann_id.to_string(),
                    kind,
                    start,
                    end,
                    line,
                });
            }
            Some('R') => {
                let parts: Vec<&str> = body.split_whitespace().collect();
                let kind = match parts.first().copied() {
                    Some("supports") => GoldRelKind::Support,
                    Some("attacks") => GoldRelKind::Rebut,
                    other => {
                        return Err(line_error(
                            line,
                            format!("unknown relation {other:?} (expected supports or attacks)"),
                        ))
                    }
                };
                let arg = |name: &str| {
                    parts
                        .iter()
                        .find_map(|p| p.strip_prefix(name))
                        .map(str::to_string)
                };
                match (arg("Arg1:"), arg("Arg2:")) {
                    (Some(src), Some(trg)) => links.push((src, trg, kind, line)),
                    _ => {
                        return Err(line_error(
                            line,
                            "relation needs Arg1: and Arg2:".to_string(),
                        ))
                    }
                }
            }
            Some('A') => {
                let parts: Vec<&str> = body.split_whitespace().collect();
                if parts.first() == Some(&"Stance") {
                    let (target, value) = match (parts.get(1), parts.get(2)) {
                        (Some(t), Some(v)) => (*t, *v),
                        _ => {
                            return Err(line_error(
                                line,
                                "Stance needs a target and For/Against".to_string(),
                            ))
                        }
                    };
                    let is_for = match value {
                        "For" => true,
                        "Against" => false,
                        other => {
                            return Err(line_error(
                                line,
                                format!("stance {other:?}, expected For or Against"),
                            ))
                        }
                    };
                    stances.insert(target.to_string(), (is_for, line));
                }
            }
            _ => {
                return Err(line_error(
                    line,
                    format!("unsupported annotation {ann_id:?} (expected T, R, A or #)"),
                ))
            }
        }
    }

    let central = entities
        .iter()
        .filter(|e| {
            matches!(
                e.kind,
                BratType::MajorClaim | BratType::Toulmin(Role::Thesis)
            )
        })
        .min_by_key(|e| (e.start, e.end, e.line))
        .map(|e| e.id.clone())
        .ok_or_else(|| GoldError::File {
            path: ann_path.to_path_buf(),
            message: "no MajorClaim or thesis, so no central claim".to_string(),
        })?;
    let entity_ids: HashSet<&str> = entities.iter().map(|e| e.id.as_str()).collect();
    for (target, (_, line)) in &stances {
        if !entity_ids.contains(target.as_str()) {
            return Err(line_error(
                *line,
                format!("stance on unknown entity {target}"),
            ));
        }
    }

    let mut relations = Vec::new();
    for e in &entities {
        match e.kind {
            BratType::MajorClaim if e.id != central => relations.push(GoldRelation {
                src: e.id.clone(),
                trg: central.clone(),
                kind: GoldRelKind::Support,
            }),
            BratType::Claim => {
                let (is_for, _) = stances.get(&e.id).copied().ok_or_else(|| {
                    line_error(e.line, format!("Claim {} has no Stance attribute", e.id))
                })?;
                relations.push(GoldRelation {
                    src: e.id.clone(),
                    trg: central.clone(),
                    kind: if is_for {
                        GoldRelKind::Support
                    } else {
                        GoldRelKind::Rebut
                    },
                });
            }
            _ => {}
        }
    }
    for (src, trg, kind, line) in links {
        for end in [&src, &trg] {
            if !entity_ids.contains(end.as_str()) {
                return Err(line_error(
                    line,
                    format!("relation names unknown entity {end}"),
                ));
            }
        }
        relations.push(GoldRelation { src, trg, kind });
    }

    // Parity of attacks along the outgoing path; the visited set stops on cyclic annotation.
    let outgoing: BTreeMap<&str, &GoldRelation> = relations
        .iter()
        .rev()
        .map(|r| (r.src.as_str(), r))
        .collect();
    let role_of = |start: &str| {
        let mut attacks = 0usize;
        let mut current = start;
        let mut visited = HashSet::new();
        while current != central && visited.insert(current) {
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
        if attacks % 2 == 1 {
            Stance::Opp
        } else {
            Stance::Pro
        }
    };
    let units = entities
        .iter()
        .map(|e| GoldUnit {
            id: e.id.clone(),
            start: e.start,
            end: e.end,
            role: role_of(&e.id),
            central: e.id == central,
            implicit: false,
        })
        .collect();
    let doc = GoldDoc {
        id,
        text,
        units,
        relations,
    };
    doc.validate().map_err(|message| GoldError::File {
        path: ann_path.to_path_buf(),
        message,
    })?;
    Ok(doc)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// A fresh directory per call so parallel tests never share files.
    fn scratch_dir(tag: &str) -> PathBuf {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let n = COUNTER.fetch_add(1, Ordering::SeqCst);
        let dir =
            std::env::temp_dir().join(format!("toulmin-gold-{}-{}-{}", tag, std::process::id(), n));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    const GOOD: &str = r#"{"id": "d1", "topic_id": "t", "text": "Café is good. It is warm.", "units": [{"id": "a2", "start": 14, "end": 25, "text": "It is warm.", "role": "pro", "is_central_claim": false, "spans": [{"edu": "e2", "start": 14, "end": 25, "implicit": false}]}, {"id": "a1", "start": 0, "end": 13, "role": "pro", "is_central_claim": true, "spans": [{"implicit": true}]}], "relations": [{"id": "c1", "src": "a2", "trg": "a1", "type": "join"}], "non_arg_edus": []}"#;

    #[test]
    fn reads_jsonl_record() {
        let dir = scratch_dir("jsonl");
        let path = dir.join("gold.jsonl");
        std::fs::write(&path, format!("{GOOD}\n\n")).unwrap();
        let docs = read_jsonl(&path).unwrap();
        assert_eq!(docs.len(), 1);
        let d = &docs[0];
        assert_eq!(d.id, "d1");
        assert_eq!(d.units[0].id, "a2");
        assert!(d.units[1].central && d.units[1].implicit);
        assert_eq!(d.relations[0].kind, GoldRelKind::Join);
        assert!(!d.relations[0].kind.is_attack());
        assert_eq!(d.relations[0].kind.polarity(), RelationKind::Support);
        assert_eq!(
            d.units_in_text_order()
                .iter()
                .map(|u| u.id.as_str())
                .collect::<Vec<_>>(),
            ["a1", "a2"]
        );
    }

    #[test]
    fn malformed_line_names_its_line() {
        let dir = scratch_dir("bad");
        let path = dir.join("gold.jsonl");
        std::fs::write(&path, format!("{GOOD}\n{{\"id\": \"d2\", \"text\": \n")).unwrap();
        let err = read_jsonl(&path).unwrap_err();
        match &err {
            GoldError::Line { line, .. } => assert_eq!(*line, 2),
            other => panic!("unexpected {other:?}"),
        }
        assert!(err.to_string().contains("gold.jsonl:2:"), "{err}");
    }

    #[test]
    fn offsets_past_the_text_are_rejected() {
        // "Café is good. It is warm." is 25 characters but 26 bytes: end 26 must fail.
        let dir = scratch_dir("range");
        let path = dir.join("gold.jsonl");
        std::fs::write(&path, GOOD.replace("\"end\": 25", "\"end\": 26")).unwrap();
        let err = read_jsonl(&path).unwrap_err().to_string();
        assert!(
            err.contains(":1:") && err.contains("outside the text"),
            "{err}"
        );
    }

    #[test]
    fn unknown_relation_type_and_missing_file_are_errors() {
        let dir = scratch_dir("type");
        let path = dir.join("gold.jsonl");
        std::fs::write(&path, GOOD.replace("\"join\"", "\"supports\"")).unwrap();
        assert!(read_jsonl(&path)
            .unwrap_err()
            .to_string()
            .contains("unknown type"));
        assert!(matches!(
            read_jsonl(dir.join("absent.jsonl")),
            Err(GoldError::Io { .. })
        ));
    }

    // Offsets are characters: "Ünïcode" before the first claim makes byte and char offsets differ.
    const ESSAY: &str = "Ünïcode intro. Cats beat dogs. Dogs bark. Cats purr. Dogs are loyal. \
                         But loyalty is overrated. In short, cats win.";

    fn span(text: &str, needle: &str) -> (usize, usize) {
        let byte = text.find(needle).unwrap();
        let start = text[..byte].chars().count();
        (start, start + needle.chars().count())
    }

    fn essay_ann() -> String {
        let t = |id: &str, kind: &str, needle: &str| {
            let (s, e) = span(ESSAY, needle);
            format!("{id}\t{kind} {s} {e}\t{needle}\n")
        };
        // Written out of text order on purpose: T5 (the restatement) comes first.
        let mut ann = String::new();
        ann += &t("T5", "MajorClaim", "In short, cats win.");
        ann += &t("T1", "MajorClaim", "Cats beat dogs.");
        ann += &t("T2", "Claim", "Cats purr.");
        ann += &t("T3", "Claim", "Dogs are loyal.");
        ann += &t("T4", "Premise", "But loyalty is overrated.");
        ann += &t("T6", "Premise", "Dogs bark.");
        ann += "A1\tStance T2 For\nA2\tStance T3 Against\n";
        ann += "R1\tattacks Arg1:T4 Arg2:T3\n";
        ann += "R2\tsupports Arg1:T6 Arg2:T3\n";
        ann += "#1\tAnnotatorNotes T1\tignored\n";
        ann
    }

    #[test]
    fn reads_brat_essay_with_the_documented_mapping() {
        let dir = scratch_dir("brat");
        std::fs::write(dir.join("essay02.txt"), ESSAY).unwrap();
        std::fs::write(dir.join("essay02.ann"), essay_ann()).unwrap();
        std::fs::write(dir.join("essay01.txt"), "Short. Text.").unwrap();
        std::fs::write(
            dir.join("essay01.ann"),
            "T1\tMajorClaim 0 6\tShort.\nT2\tPremise 7 12\tText.\nR1\tsupports Arg1:T2 Arg2:T1\n",
        )
        .unwrap();
        std::fs::write(dir.join("orphan.txt"), "No annotations here.").unwrap();

        let docs = read_brat_dir(&dir).unwrap();
        assert_eq!(
            docs.iter().map(|d| d.id.as_str()).collect::<Vec<_>>(),
            ["essay01", "essay02"]
        );
        let d = &docs[1];
        let unit = |id: &str| d.unit(id).unwrap();
        // The first major claim in text order is central, whatever the line order.
        assert!(unit("T1").central && !unit("T5").central);
        assert_eq!(
            (unit("T1").start, unit("T1").end),
            span(ESSAY, "Cats beat dogs.")
        );
        let rel = |src: &str| d.outgoing(src).map(|r| (r.trg.as_str(), r.kind));
        assert_eq!(rel("T5"), Some(("T1", GoldRelKind::Support)));
        assert_eq!(rel("T2"), Some(("T1", GoldRelKind::Support)));
        assert_eq!(rel("T3"), Some(("T1", GoldRelKind::Rebut)));
        assert_eq!(rel("T4"), Some(("T3", GoldRelKind::Rebut)));
        assert_eq!(rel("T6"), Some(("T3", GoldRelKind::Support)));
        assert_eq!(rel("T1"), None);
        // Parity of attacks on the path to T1.
        for (id, role) in [
            ("T1", Stance::Pro),
            ("T5", Stance::Pro),
            ("T2", Stance::Pro),
            ("T3", Stance::Opp), // one attack
            ("T6", Stance::Opp), // supports an opponent claim: one attack
            ("T4", Stance::Pro), // attacks an opponent claim: two attacks
        ] {
            assert_eq!(unit(id).role, role, "{id}");
        }
    }

    #[test]
    fn brat_errors_name_the_line() {
        let dir = scratch_dir("brat-bad");
        std::fs::write(dir.join("e.txt"), ESSAY).unwrap();
        // Byte offsets of "Cats beat dogs." (17..32) instead of character offsets (15..30).
        std::fs::write(dir.join("e.ann"), "T1\tMajorClaim 17 32\tCats beat dogs.\n").unwrap();
        let err = read_brat_dir(&dir).unwrap_err().to_string();
        assert!(
            err.contains("e.ann:1:") && err.contains("byte offsets"),
            "{err}"
        );

        // A claim without a stance.
        let ann = essay_ann().replace("A1\tStance T2 For\n", "");
        std::fs::write(dir.join("e.ann"), ann).unwrap();
        let err = read_brat_dir(&dir).unwrap_err().to_string();
        assert!(
            err.contains("e.ann:3:") && err.contains("no Stance"),
            "{err}"
        );

        // No major claim at all.
        std::fs::write(dir.join("e.ann"), "T1\tPremise 0 7\tÜnïcode\n").unwrap();
        assert!(matches!(read_brat_dir(&dir), Err(GoldError::File { .. })));
    }
}
