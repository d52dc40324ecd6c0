//! Rule-file diagnostics: one variant per mistake, each shown with its file, line, column and a
//! caret under the offending text.

use std::fmt::Write as _;

use thiserror::Error;

use super::source::{SourceMap, Span};

#[derive(Debug, Clone, PartialEq, Error)]
pub enum ErrorKind {
    #[error("unexpected character `{0}`")]
    UnexpectedCharacter(char),
    #[error("unterminated string: a string ends with `\"` on the same line")]
    UnterminatedString,
    #[error("unknown escape `\\{0}` in string (use \\\", \\\\, \\n or \\t)")]
    UnknownEscape(char),
    #[error("unterminated regex: a regex ends with `/` on the same line")]
    UnterminatedRegex,
    #[error("unknown regex flag `{0}` (flags are i, m, s, x, u)")]
    UnknownRegexFlag(char),
    #[error("expected {expected}, found {found}")]
    Expected { expected: String, found: String },
    #[error("unknown {what} `{name}`")]
    Unknown {
        what: &'static str,
        name: String,
        suggestion: Option<String>,
    },
    #[error("{what} `{name}` is defined twice in this file")]
    Duplicate { what: &'static str, name: String },
    #[error("invalid regex: {0}")]
    InvalidRegex(String),
    #[error("lexicon `{0}` refers to itself")]
    CyclicLexicon(String),
    #[error("cannot read `{path}`: {reason}")]
    Io { path: String, reason: String },
    #[error("in `{path}`: {reason}")]
    Tsv { path: String, reason: String },
    #[error("`{field}` does nothing in {item}; it belongs in {belongs}")]
    MisplacedField {
        field: String,
        item: &'static str,
        belongs: &'static str,
    },
    /// A `tsv(...)` filter no row passes: "no row of `FILE` has VALUE in its `COLUMN` column".
    #[error("{message}")]
    NoTsvMatch {
        message: String,
        suggestion: Option<String>,
    },
    #[error("{0}")]
    Invalid(String),
}

#[derive(Debug, Clone, PartialEq)]
pub struct GrammarError {
    pub kind: ErrorKind,
    pub span: Span,
    pub note: Option<String>,
    /// A note about a second place (where a name defined twice was first defined): the text,
    /// followed by that place's `file:line:col`, goes in front of `note` when the diagnostics
    /// are put together.
    pub note_at: Option<Box<(String, Span)>>,
}

impl GrammarError {
    pub fn new(kind: ErrorKind, span: Span) -> GrammarError {
        GrammarError {
            kind,
            span,
            note: None,
            note_at: None,
        }
    }

    pub fn with_note(mut self, note: impl Into<String>) -> GrammarError {
        self.note = Some(note.into());
        self
    }

    /// A note about another place in the rule files: `note` followed by that place's
    /// `file:line:col` (see [`GrammarError::locate_note`]).
    pub fn with_note_at(mut self, note: impl Into<String>, at: Span) -> GrammarError {
        self.note_at = Some(Box::new((note.into(), at)));
        self
    }

    /// Writes the place of a [`GrammarError::with_note_at`] note into the note, once the files
    /// are known.
    pub fn locate_note(&mut self, sources: &SourceMap) {
        if let Some((text, at)) = self.note_at.take().map(|b| *b) {
            if sources.files.get(at.file).is_some() {
                let place = format!("{text} {}", sources.location(at));
                self.note = Some(match self.note.take() {
                    Some(note) => format!("{place}; {note}"),
                    None => place,
                });
            }
        }
    }

    /// The message as a user sees it:
    ///
    /// ```text
    /// error: unknown lexicon `contrat`
    ///   --> grammars/mine.rules:12:20
    ///    |
    /// 12 |   when starts_with contrat
    ///    |                    ^^^^^^^ did you mean `contrast`?
    /// ```
    pub fn render(&self, sources: &SourceMap) -> String {
        let mut out = format!("error: {}\n", self.kind);
        if sources.files.get(self.span.file).is_none() {
            return out;
        }
        let (line, col) = sources.line_col(self.span);
        let gutter = line.to_string().len();
        let text = sources.line_text(self.span);
        let _ = writeln!(out, "{:gutter$}--> {}", "", sources.location(self.span));
        let _ = writeln!(out, "{:gutter$} |", "");
        let _ = writeln!(out, "{line} | {text}");
        // The caret covers the span's characters on this line, at least one.
        let line_chars = text.chars().count();
        let span_text = &sources.files[self.span.file].text
            [self.span.start..self.span.end.max(self.span.start)];
        let width = span_text
            .split('\n')
            .next()
            .map_or(0, |s| s.chars().count())
            .clamp(1, (line_chars + 1).saturating_sub(col - 1).max(1));
        let indent: String = text
            .chars()
            .take(col - 1)
            .map(|c| if c == '\t' { '\t' } else { ' ' })
            .collect();
        let _ = write!(out, "{:gutter$} | {indent}{}", "", "^".repeat(width));
        let label = match &self.kind {
            ErrorKind::Unknown {
                suggestion: Some(s),
                ..
            }
            | ErrorKind::NoTsvMatch {
                suggestion: Some(s),
                ..
            } => Some(format!("did you mean `{s}`?")),
            _ => None,
        };
        if let Some(label) = label {
            let _ = write!(out, " {label}");
        }
        out.push('\n');
        let mut located = self.clone();
        located.locate_note(sources);
        if let Some(note) = &located.note {
            let _ = writeln!(out, "{:gutter$} = note: {note}", "");
        }
        out
    }
}

/// The closest name within a small edit distance, for "did you mean" suggestions.
pub fn suggest<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<String> {
    candidates
        .into_iter()
        .map(|c| (strsim::damerau_levenshtein(name, c), c))
        // Never the name itself: a name whose definition failed is not suggested for itself.
        .filter(|&(d, c)| d > 0 && d <= 2.max(name.len() / 3) && d < c.len().max(name.len()))
        .min()
        .map(|(_, c)| c.to_string())
}

/// Errors found while loading a grammar, with the sources needed to show them.
#[derive(Debug, Clone)]
pub struct Diagnostics {
    pub errors: Vec<GrammarError>,
    pub sources: SourceMap,
}

impl Diagnostics {
    /// The diagnostics of `errors`, their notes' places written in.
    pub fn new(mut errors: Vec<GrammarError>, sources: SourceMap) -> Diagnostics {
        for e in &mut errors {
            e.locate_note(&sources);
        }
        Diagnostics { errors, sources }
    }
}

impl std::fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for (i, e) in self.errors.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{}", e.render(&self.sources))?;
        }
        Ok(())
    }
}

impl std::error::Error for Diagnostics {}
