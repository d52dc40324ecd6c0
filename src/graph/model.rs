//! The argument map as toulmin hands it to renderers, exporters and the evaluator.
//!
//! Field order here is the field order of the JSON schema `toulmin/map@1`; serde keeps it, which
//! is what makes the JSON byte-identical from run to run.

use compact_str::CompactString;
use serde::{Deserialize, Serialize};

pub const SCHEMA: &str = "toulmin/map@1";

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Thesis,
    Claim,
    Premise,
    Evidence,
    Counterclaim,
    Rebuttal,
    Background,
}

impl Role {
    pub const ALL: [Role; 7] = [
        Role::Thesis,
        Role::Claim,
        Role::Premise,
        Role::Evidence,
        Role::Counterclaim,
        Role::Rebuttal,
        Role::Background,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Thesis => "thesis",
            Role::Claim => "claim",
            Role::Premise => "premise",
            Role::Evidence => "evidence",
            Role::Counterclaim => "counterclaim",
            Role::Rebuttal => "rebuttal",
            Role::Background => "background",
        }
    }

    pub fn parse(name: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == name)
    }
}

impl std::fmt::Display for Role {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RelationKind {
    Support,
    Attack,
}

impl RelationKind {
    pub fn as_str(self) -> &'static str {
        match self {
            RelationKind::Support => "support",
            RelationKind::Attack => "attack",
        }
    }
}

impl std::fmt::Display for RelationKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Proposition kind of a unit, orthogonal to its role: is it an opinion (policy, value) or what
/// an opinion rests on (fact, statistic, testimony, reference)?
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Policy,
    Value,
    Fact,
    Statistic,
    Testimony,
    Reference,
}

impl Kind {
    pub const ALL: [Kind; 6] = [
        Kind::Policy,
        Kind::Value,
        Kind::Fact,
        Kind::Statistic,
        Kind::Testimony,
        Kind::Reference,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Policy => "policy",
            Kind::Value => "value",
            Kind::Fact => "fact",
            Kind::Statistic => "statistic",
            Kind::Testimony => "testimony",
            Kind::Reference => "reference",
        }
    }

    pub fn parse(name: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.as_str() == name)
    }
}

impl std::fmt::Display for Kind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Acceptability of a unit under grounded semantics, the map read as a Dung framework.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    In,
    Out,
    Undec,
}

/// Proponent or opponent voice, derived from the parity of attacks on the path to the thesis.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Stance {
    Pro,
    Opp,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Source {
    pub name: String,
    pub sha256: String,
    /// Length of the input in Unicode scalar values (after a BOM is dropped).
    pub chars: usize,
    /// How the input was read, for Markdown and web pages; empty for plain text.
    #[serde(flatten)]
    pub reading: SourceReading,
}

/// What a map says about how its input was read. Every field is absent from the JSON for plain
/// text, so plain-text maps are unchanged.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SourceReading {
    /// `markdown` or `html`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub format: Option<String>,
    /// For a web page, whose units' offsets refer to the article text extracted from it rather
    /// than to the page: SHA-256 and length (characters) of that extracted text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text_sha256: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text_chars: Option<usize>,
    /// The extracted text itself, when asked for (`map --embed-text`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
}

/// A phrase or pattern match that made a rule fire; offsets are characters into the input.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Cue {
    pub start: usize,
    pub end: usize,
    pub text: CompactString,
    /// The lexicon (or `pattern:NAME`) the cue belongs to.
    pub lexicon: CompactString,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Unit {
    pub id: CompactString,
    pub role: Role,
    /// Proposition kind; `None` when no kind rule decided one.
    #[serde(default)]
    pub kind: Option<Kind>,
    /// Character offsets (Unicode scalar values, end exclusive) into the input text.
    pub start: usize,
    pub end: usize,
    pub text: CompactString,
    /// The text as a reader sees it, when markup lies inside the unit's range (Markdown
    /// emphasis, link syntax, inline images): what labels, tooltips and the report show.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display: Option<String>,
    pub section: Option<CompactString>,
    /// 1-based index of the paragraph (body blocks count; title and byline do not).
    pub paragraph: usize,
    /// 1-based index of the sentence in the document.
    pub sentence: usize,
    pub score: f64,
    /// `None` for background units, which take no part in the argument.
    pub stance: Option<Stance>,
    /// Grounded acceptability; `None` until the map has been analysed.
    #[serde(default)]
    pub status: Option<Status>,
    /// Id of the thesis when this unit is another statement of it, else `None`.
    #[serde(default)]
    pub restates: Option<CompactString>,
    pub rules: Vec<CompactString>,
    pub cues: Vec<Cue>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Relation {
    pub id: CompactString,
    pub from: CompactString,
    pub to: CompactString,
    pub kind: RelationKind,
    pub rule: CompactString,
    pub score: f64,
    /// False when the source unit is `out` (grounded): a defeated unit carries no weight.
    #[serde(default = "carries_by_default")]
    pub carries: bool,
}

fn carries_by_default() -> bool {
    true
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ArgumentMap {
    pub schema: String,
    pub source: Source,
    pub title: Option<String>,
    #[serde(default)]
    pub byline: Option<String>,
    #[serde(default)]
    pub date: Option<String>,
    /// Id of the single thesis unit; `None` only when the document has no units at all.
    pub thesis: Option<CompactString>,
    pub units: Vec<Unit>,
    pub relations: Vec<Relation>,
}

impl Unit {
    /// The text to show a reader: the rendered text when markup was inside the unit.
    pub fn shown(&self) -> &str {
        self.display.as_deref().unwrap_or(&self.text)
    }
}

impl ArgumentMap {
    pub fn unit(&self, id: &str) -> Option<&Unit> {
        self.units.iter().find(|u| u.id == id)
    }

    /// Position of every unit by id: relations name units by id, and looking each one up by
    /// scanning `units` would make every relation pass quadratic. (Fx hashing: ids are short
    /// and ours, and SipHash over a hundred thousand of them was a tenth of a map's checks.)
    pub fn positions(&self) -> rustc_hash::FxHashMap<&str, usize> {
        self.units
            .iter()
            .enumerate()
            .map(|(i, u)| (u.id.as_str(), i))
            .collect()
    }

    /// How many relations are supports and how many attacks.
    pub fn relation_counts(&self) -> (usize, usize) {
        let supports = self
            .relations
            .iter()
            .filter(|r| r.kind == RelationKind::Support)
            .count();
        (supports, self.relations.len() - supports)
    }

    /// The relation leaving `id`, if any: every argumentative unit but the thesis has exactly one.
    pub fn outgoing(&self, id: &str) -> Option<&Relation> {
        self.relations.iter().find(|r| r.from == id)
    }
}
