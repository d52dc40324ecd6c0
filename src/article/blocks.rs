//! Block structure: which stretches of the text are title, metadata, standfirst, byline,
//! headings, paragraphs and the closing author note.
//!
//! The reader recognises shapes, not sites: commentary is published as plain text with a
//! title/date/standfirst/byline preamble, as Markdown, or as bare paragraphs, and the same
//! cues (short unpunctuated lines, name-like lines, "X is a researcher at ...") mark the parts
//! in all of them.

use std::ops::Range;

use nom::bytes::complete::{tag, take_till};
use nom::character::complete::char;
use nom::combinator::{eof, not, opt};
use nom::multi::many0;
use nom::sequence::{preceded, terminated};
use nom::{IResult, Parser};

use super::Block;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BlockKind {
    Title,
    Meta,
    Standfirst,
    Byline,
    AuthorRole,
    Heading,
    Paragraph,
    AuthorNote,
}

impl BlockKind {
    /// Blocks whose sentences can carry argument: the standfirst and the body.
    pub fn is_prose(self) -> bool {
        matches!(self, BlockKind::Standfirst | BlockKind::Paragraph)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            BlockKind::Title => "title",
            BlockKind::Meta => "meta",
            BlockKind::Standfirst => "standfirst",
            BlockKind::Byline => "byline",
            BlockKind::AuthorRole => "author-role",
            BlockKind::Heading => "heading",
            BlockKind::Paragraph => "paragraph",
            BlockKind::AuthorNote => "author-note",
        }
    }
}

#[derive(Debug, Clone, Copy)]
struct Line<'a> {
    text: &'a str,
    start: usize,
}

impl Line<'_> {
    fn trimmed(&self) -> (&str, Range<usize>) {
        let lead = self.text.len() - self.text.trim_start().len();
        let t = self.text.trim();
        (t, self.start + lead..self.start + lead + t.len())
    }
}

fn line(input: &str) -> IResult<&str, &str> {
    terminated(take_till(|c| c == '\n'), opt(char('\n'))).parse(input)
}

fn lines(text: &str) -> Vec<Line<'_>> {
    let parsed: IResult<&str, Vec<&str>> = many0(preceded(not(eof), line)).parse(text);
    let pieces = parsed.map(|(_, v)| v).unwrap_or_default();
    let base = text.as_ptr() as usize;
    pieces
        .into_iter()
        .map(|piece| Line {
            start: piece.as_ptr() as usize - base,
            text: piece.strip_suffix('\r').unwrap_or(piece),
        })
        .collect()
}

/// Markdown heading level and the heading text, if the line is an ATX heading.
fn markdown_heading(line: &str) -> Option<(usize, &str)> {
    let parsed: IResult<&str, &str> = terminated(
        nom::bytes::complete::take_while_m_n(1, 6, |c| c == '#'),
        tag(" "),
    )
    .parse(line);
    parsed
        .ok()
        .map(|(text, hashes)| (hashes.len(), text.trim_end_matches('#').trim()))
}

#[derive(Debug, Clone)]
struct RawBlock {
    span: Range<usize>,
    lines: Vec<Range<usize>>,
    heading_level: Option<usize>,
}

fn raw_blocks(text: &str) -> Vec<RawBlock> {
    let mut blocks: Vec<RawBlock> = Vec::new();
    let mut current: Option<RawBlock> = None;
    for line in lines(text) {
        let (trimmed, span) = line.trimmed();
        if trimmed.is_empty() {
            if let Some(b) = current.take() {
                blocks.push(b);
            }
            continue;
        }
        if let Some((level, heading)) = markdown_heading(trimmed) {
            if let Some(b) = current.take() {
                blocks.push(b);
            }
            let offset = heading.as_ptr() as usize - text.as_ptr() as usize;
            let span = offset..offset + heading.len();
            blocks.push(RawBlock {
                span: span.clone(),
                lines: vec![span],
                heading_level: Some(level),
            });
            continue;
        }
        match current.as_mut() {
            Some(b) => {
                b.span.end = span.end;
                b.lines.push(span);
            }
            None => {
                current = Some(RawBlock {
                    span: span.clone(),
                    lines: vec![span],
                    heading_level: None,
                })
            }
        }
    }
    if let Some(b) = current.take() {
        blocks.push(b);
    }
    blocks
}

fn words(s: &str) -> usize {
    s.split_whitespace().count()
}

fn ends_like_sentence(s: &str) -> bool {
    let s = s.trim_end_matches(['"', '”', '’', '\'', ')', '*', '_']);
    s.ends_with(['.', '!', '?', ':', ';', ',', '…'])
}

fn starts_upper(s: &str) -> bool {
    s.trim_start_matches(['"', '“', '\'', '‘', '*', '_', '('])
        .chars()
        .next()
        .is_some_and(|c| c.is_uppercase() || c.is_ascii_digit())
}

const MONTHS: [&str; 12] = [
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
];

fn looks_like_meta(s: &str) -> bool {
    if words(s) > 15 || ends_like_sentence(s) && !s.ends_with(',') && s.ends_with('.') {
        return false;
    }
    let lower = s.to_lowercase();
    let has_digit = s.chars().any(|c| c.is_ascii_digit());
    let has_month = lower
        .split(|c: char| !c.is_alphabetic())
        .any(|w| w.len() >= 3 && MONTHS.iter().any(|m| w.starts_with(m)) && w.len() <= 9);
    let has_separator = s.contains(['·', '|', '•']);
    has_digit && (has_month || has_separator)
}

/// "Shivani Singh", "By Jane Doe", "Dr. A. N. Other": two to five capitalised words.
fn looks_like_name(s: &str) -> bool {
    let s = s.strip_prefix("By ").unwrap_or(s);
    let s = s.trim_matches(['*', '_']);
    let ws: Vec<&str> = s.split_whitespace().collect();
    (2..=5).contains(&ws.len())
        && !ends_like_sentence(s)
        && ws
            .iter()
            .all(|w| w.chars().next().is_some_and(|c| c.is_uppercase()))
}

fn looks_like_byline(s: &str) -> bool {
    s.starts_with("By ") && words(s) <= 20 || looks_like_name(s)
}

fn looks_like_author_note(s: &str, byline_name: Option<&str>) -> bool {
    if words(s) > 45 {
        return false;
    }
    let plain = s.trim_matches(['*', '_', ' ']);
    if let Some(name) = byline_name {
        if plain.starts_with(name) {
            return true;
        }
    }
    let lower = plain.to_lowercase();
    if lower.starts_with("the author") || lower.starts_with("the writer") {
        return true;
    }
    let ws: Vec<&str> = plain.split_whitespace().collect();
    let verbs = [
        "is", "was", "serves", "works", "writes", "teaches", "leads", "heads", "directs",
    ];
    match ws.iter().position(|w| verbs.contains(w)) {
        Some(p) if (2..=5).contains(&p) => ws[..p].iter().all(|w| starts_upper(w)),
        _ => false,
    }
}

fn is_heading_shape(s: &str) -> bool {
    words(s) <= 12 && starts_upper(s) && !ends_like_sentence(s)
}

fn italic_inner(text: &str, span: &Range<usize>) -> Option<Range<usize>> {
    let s = &text[span.clone()];
    for marker in ["**", "*", "_"] {
        if s.len() > 2 * marker.len() && s.starts_with(marker) && s.ends_with(marker) {
            let inner = &s[marker.len()..s.len() - marker.len()];
            let lead = inner.len() - inner.trim_start().len();
            let start = span.start + marker.len() + lead;
            return Some(start..start + inner.trim().len());
        }
    }
    None
}

pub(crate) fn read_blocks(text: &str) -> Vec<Block> {
    let raw = raw_blocks(text);
    let markdown = raw.iter().any(|b| b.heading_level.is_some());
    let mut kinds: Vec<(BlockKind, Range<usize>)> = Vec::new();
    let n = raw.len();
    let mut i = 0;

    // Title: a Markdown `#` heading first, or a single short unpunctuated first line.
    if let Some(first) = raw.first() {
        let s = &text[first.span.clone()];
        let is_title = match first.heading_level {
            Some(level) => level == 1 || !raw.iter().any(|b| b.heading_level == Some(1)),
            None => {
                n > 1
                    && first.lines.len() == 1
                    && words(s) <= 25
                    && (!ends_like_sentence(s) || s.ends_with('?') && words(s) <= 15)
            }
        };
        if is_title {
            kinds.push((BlockKind::Title, first.span.clone()));
            i = 1;
        }
    }
    let has_title = i == 1;

    // Preamble: metadata, standfirst and byline, in any order, before the body starts.
    let mut byline_name: Option<String> = None;
    if has_title {
        let mut pending: Vec<usize> = Vec::new();
        let mut j = i;
        let limit = (i + 5).min(n);
        let mut byline_at = None;
        while j < limit {
            let b = &raw[j];
            if b.heading_level.is_some() {
                break;
            }
            let first_line = &text[b.lines[0].clone()];
            if b.lines.len() <= 4
                && looks_like_byline(first_line)
                && b.lines.iter().all(|l| words(&text[l.clone()]) <= 14)
            {
                byline_at = Some(j);
                break;
            }
            pending.push(j);
            j += 1;
        }
        let preamble_end = byline_at.unwrap_or(i);
        for &k in pending.iter().filter(|&&k| k < preamble_end) {
            let b = &raw[k];
            let s = &text[b.span.clone()];
            if b.lines.len() == 1 && looks_like_meta(s) {
                kinds.push((BlockKind::Meta, b.span.clone()));
            } else {
                let span = italic_inner(text, &b.span).unwrap_or(b.span.clone());
                kinds.push((BlockKind::Standfirst, span));
            }
        }
        if let Some(k) = byline_at {
            let b = &raw[k];
            let first = &text[b.lines[0].clone()];
            let name = first
                .strip_prefix("By ")
                .unwrap_or(first)
                .trim_matches(['*', '_']);
            let name = name.split(',').next().unwrap_or(name).trim().to_string();
            for line in &b.lines {
                let s = text[line.clone()].trim_matches(['*', '_']);
                let kind = if s
                    .strip_prefix("By ")
                    .unwrap_or(s)
                    .starts_with(name.as_str())
                {
                    BlockKind::Byline
                } else {
                    BlockKind::AuthorRole
                };
                let span = italic_inner(text, line).unwrap_or(line.clone());
                kinds.push((kind, span));
            }
            byline_name = Some(name);
            i = k + 1;
        } else if markdown {
            // Markdown without byline: an italic line after the title is the standfirst.
            if let Some(b) = raw.get(i) {
                if b.heading_level.is_none() && b.lines.len() == 1 {
                    if let Some(inner) = italic_inner(text, &b.span) {
                        kinds.push((BlockKind::Standfirst, inner));
                        i += 1;
                    }
                }
            }
        } else if let Some(b) = raw.get(i) {
            if b.lines.len() == 1 && looks_like_meta(&text[b.span.clone()]) {
                kinds.push((BlockKind::Meta, b.span.clone()));
                i += 1;
            }
        }
    }

    // Body.
    for k in i..n {
        let b = &raw[k];
        let s = &text[b.span.clone()];
        let is_last = k + 1 == n;
        let next_is_heading_shape = raw.get(k + 1).is_some_and(|nb| {
            nb.heading_level.is_some()
                || is_heading_shape(&text[nb.span.clone()]) && nb.lines.len() == 1
        });
        let kind = if b.heading_level.is_some() {
            BlockKind::Heading
        } else if is_last && k > i && looks_like_author_note(s, byline_name.as_deref()) {
            BlockKind::AuthorNote
        } else if !markdown
            && !is_last
            && b.lines.len() == 1
            && is_heading_shape(s)
            && !next_is_heading_shape
        {
            BlockKind::Heading
        } else {
            BlockKind::Paragraph
        };
        let span = if kind == BlockKind::AuthorNote {
            italic_inner(text, &b.span).unwrap_or(b.span.clone())
        } else {
            b.span.clone()
        };
        kinds.push((kind, span));
    }

    let mut section = None;
    let mut headings = 0;
    kinds
        .into_iter()
        .map(|(kind, span)| {
            if kind == BlockKind::Heading {
                section = Some(headings);
                headings += 1;
            }
            Block {
                kind,
                span,
                section: if kind == BlockKind::Heading
                    || kind.is_prose()
                    || kind == BlockKind::AuthorNote
                {
                    section
                } else {
                    None
                },
            }
        })
        .collect()
}
