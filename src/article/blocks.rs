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

use super::shapes::{self, ends_like_sentence, words_at_most, CLOSERS};
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
    /// An image caption or photo credit.
    Caption,
    /// Publishing furniture: "Read more", share prompts, disclaimers, footnotes, copyright.
    Boilerplate,
    /// A sentence of the body repeated in display type.
    PullQuote,
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
            BlockKind::Caption => "caption",
            BlockKind::Boilerplate => "boilerplate",
            BlockKind::PullQuote => "pull-quote",
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

fn starts_upper(s: &str) -> bool {
    s.trim_start_matches(['"', '“', '\'', '‘', '*', '_', '('])
        .chars()
        .next()
        .is_some_and(|c| c.is_uppercase() || c.is_ascii_digit())
}

fn is_heading_shape(s: &str) -> bool {
    words_at_most(s, 12) && starts_upper(s) && !ends_like_sentence(s)
}

/// A headline: short, and not a sentence (a question may be one).
fn is_title_shape(s: &str) -> bool {
    words_at_most(s, 25) && (!ends_like_sentence(s) || s.ends_with('?') && words_at_most(s, 15))
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

fn single(span: Range<usize>) -> RawBlock {
    RawBlock {
        span: span.clone(),
        lines: vec![span],
        heading_level: None,
    }
}

/// Whether the first lines of the text are a page header pasted without blank lines: a
/// headline followed by a date, byline, name or deck line rather than by the rest of a
/// hard-wrapped paragraph.
fn header_without_blank_lines(text: &str, block: &RawBlock) -> bool {
    let [first, second, ..] = block.lines.as_slice() else {
        return false;
    };
    let (a, b) = (&text[first.clone()], &text[second.clone()]);
    headline_over_byline(a, b)
        || is_title_shape(a)
            && (shapes::is_furniture(b)
                || shapes::is_name(b)
                || !ends_like_sentence(b) && words_at_most(b, 8)
                || b.len() * 2 > a.len() * 3 && !words_at_most(b, 11)
                || header_lines_with_metadata(text, block))
}

/// Three to six short lines, none a sentence, with a date, a byline or other furniture among
/// those after the first: a headline, a deck, the paper's name and "Published: …" pasted as
/// one block. A deck as long as a sentence tells nothing by its length; the metadata does.
fn header_lines_with_metadata(text: &str, block: &RawBlock) -> bool {
    let lines: Vec<&str> = block.lines.iter().map(|l| text[l.clone()].trim()).collect();
    (3..=6).contains(&lines.len())
        && lines
            .iter()
            .all(|l| words_at_most(l, 20) && !ends_like_sentence(l))
        && lines[1..]
            .iter()
            .any(|l| shapes::is_furniture(l) || shapes::is_meta(l))
}

/// The labels a publication sets above a headline to say what kind of piece it is.
const KICKER_LABELS: [&str; 29] = [
    "your turn",
    "my turn",
    "point of view",
    "ideas",
    "voices",
    "letters to the editor",
    "first person",
    "opinion",
    "opinions",
    "commentary",
    "comment",
    "analysis",
    "editorial",
    "editorials",
    "op-ed",
    "oped",
    "perspective",
    "perspectives",
    "viewpoint",
    "viewpoints",
    "column",
    "columns",
    "essay",
    "guest column",
    "guest essay",
    "guest post",
    "letters",
    "our view",
    "the big idea",
];

fn kicker_fields(s: &str) -> Vec<&str> {
    s.split(['|', '/', '·', '•', '›', '»', '>', ':'])
        .map(str::trim)
        .filter(|f| !f.is_empty())
        .collect()
}

fn is_labelled(fields: &[&str]) -> bool {
    fields
        .iter()
        .any(|f| KICKER_LABELS.iter().any(|l| f.eq_ignore_ascii_case(l)))
}

/// A short line of section labels only, wherever it stands: "OPINION | YOUR TURN".
pub(crate) fn is_section_label(s: &str) -> bool {
    let s = s.trim().trim_matches(['*', '_', ' ']);
    words_at_most(s, 6) && !ends_like_sentence(s) && {
        let fields = kicker_fields(s);
        is_labelled(&fields)
            && fields.iter().all(|f| {
                KICKER_LABELS.iter().any(|l| f.eq_ignore_ascii_case(l))
                    || !f.chars().any(char::is_lowercase)
            })
    }
}

/// A publisher and the kind of piece, set under the headline: "Mercatus Center, Expert
/// Commentary", "The Herald, Guest Column". The last of its comma-separated parts ends with a
/// label, the others are names (capitalised words).
fn is_publisher_and_label(s: &str) -> bool {
    let s = s.trim().trim_matches(['*', '_', ' ']);
    let parts: Vec<&str> = s.split(',').map(str::trim).collect();
    let Some((label, names)) = parts.split_last() else {
        return false;
    };
    let label = label.to_lowercase();
    words_at_most(s, 8)
        && !names.is_empty()
        && !ends_like_sentence(s)
        && words_at_most(&label, 3)
        && KICKER_LABELS.iter().any(|l| {
            label
                .strip_suffix(l)
                .is_some_and(|head| head.is_empty() || head.ends_with(' '))
        })
        && names.iter().all(|n| {
            !n.is_empty()
                && n.split_whitespace().all(|w| {
                    w.chars().next().is_some_and(char::is_uppercase)
                        || matches!(w, "of" | "the" | "for" | "and" | "on" | "&")
                })
        })
}

/// The page title without the section label a site puts in front of it: "Opinion: Drop the
/// degree requirement" → "Drop the degree requirement".
pub(crate) fn without_section_prefix(title: &str) -> &str {
    for sep in [':', '|'] {
        if let Some((head, rest)) = title.split_once(sep) {
            if KICKER_LABELS
                .iter()
                .any(|l| head.trim().eq_ignore_ascii_case(l))
                && !rest.trim().is_empty()
            {
                return rest.trim();
            }
        }
    }
    title
}

/// A section label above the headline: "OPINION | ECONOMY", "Commentary", "Analysis ›
/// Energy". Only where a headline follows it; otherwise a short capitalised first line is
/// the headline itself ("NATO AT 75").
fn is_kicker_over(text: &str, block: &RawBlock, next: &RawBlock) -> bool {
    let s = text[block.span.clone()].trim_matches(['*', '_', ' ']);
    if block.lines.len() != 1 || block.heading_level.is_some() || !words_at_most(s, 6) {
        return false;
    }
    // "Editorial: Fix the roads" is the headline with its section in front
    // (`without_section_prefix`), not a label over the line after it.
    if s.split_once(':')
        .is_some_and(|(_, rest)| !words_at_most(rest, 2))
    {
        return false;
    }
    let fields = kicker_fields(s);
    // One or two words in capitals ("TRANSPORT", "US POLITICS") over a longer headline; a
    // longer line in capitals is a headline itself ("NATO AT 75").
    let next_text = &text[next.span.clone()];
    let capitals = s.chars().any(char::is_alphabetic) && !s.chars().any(char::is_lowercase);
    let shouted = capitals
        && (fields.len() > 1
            || words_at_most(s, 2) && !words_at_most(next_text, s.split_whitespace().count()));
    let labelled = is_labelled(&fields);
    (shouted || labelled) && is_headline_block(text, next)
}

/// A block that can be the headline under a line of furniture: a heading, or one short line
/// shaped like a title.
fn is_headline_block(text: &str, block: &RawBlock) -> bool {
    let s = &text[block.span.clone()];
    block.heading_level.is_some()
        || block.lines.len() == 1 && is_title_shape(s) && !shapes::is_furniture(s)
}

/// A date line or a disclaimer pasted above the headline ("Monday, October 30, 2017" /
/// "The views expressed by contributors are their own …"): furniture, and the headline is
/// the line after it. Only with a body still to come after that headline.
fn furniture_over_headline(
    text: &str,
    block: &RawBlock,
    next: &RawBlock,
    body_follows: bool,
) -> Option<BlockKind> {
    let s = text[block.span.clone()].trim();
    if block.lines.len() != 1
        || block.heading_level.is_some()
        || !body_follows
        || !is_headline_block(text, next)
    {
        return None;
    }
    if shapes::is_meta(s) {
        Some(BlockKind::Meta)
    } else if shapes::is_boilerplate(s) {
        Some(BlockKind::Boilerplate)
    } else {
        None
    }
}

/// A short first line right above a byline or a date is the headline, even when the editor
/// punctuated it as a sentence or two ("The four-day week is not a luxury. It is overdue.").
fn headline_over_byline(line: &str, next: &str) -> bool {
    words_at_most(line, 20)
        && starts_upper(line)
        && !shapes::is_furniture(line)
        && (shapes::byline_name(next).is_some() || shapes::is_meta(next))
}

/// Whether the break after `line` ends a sentence: a comma or semicolon at the end of a line
/// continues the sentence on the next, and so does a period after an abbreviation or an initial
/// ("by Dr.\nSmith"), judged as the sentence splitter judges it.
fn break_ends_sentence(text: &str, line: &Range<usize>, next: &Range<usize>) -> bool {
    let s = text[line.clone()].trim_end_matches(CLOSERS);
    if !s.ends_with(['.', '!', '?', ':', '…']) {
        return false;
    }
    if s.ends_with('.') && !s.ends_with("..") {
        let dot = line.start + s.len() - 1;
        return super::sentences::period_ends_sentence(text, dot, &text[next.clone()]);
    }
    true
}

/// Lines this wide are not wrapped by hand; wider wrapping (an editor set to 120 columns) is
/// recognised by its shape instead ([`looks_machine_wrapped`]).
const WIDEST_WRAP: usize = 100;

/// Whether a block's lines were wrapped at a fixed width: at every break, the next line's first
/// word would not have fitted on the line before it. Paragraphs put one to a line end wherever
/// their last sentence does, and the next paragraph's first word would usually have fitted.
fn looks_machine_wrapped(text: &str, lines: &[Range<usize>], widths: &[usize]) -> bool {
    let widest = widths.iter().copied().max().unwrap_or(0);
    lines.len() >= 3
        && (1..lines.len()).all(|k| {
            let next_word = text[lines[k].clone()]
                .split_whitespace()
                .next()
                .map_or(0, |w| w.chars().count());
            widths[k - 1] + 1 + next_word > widest
        })
}

/// Where the single line breaks inside a block end paragraphs rather than wrap them: for each
/// break, whether a new paragraph starts after it. Text copied from a web page, or typed where
/// lines are not wrapped, puts each paragraph on one line and separates paragraphs with a single
/// newline; there a break after a sentence end and before a capital starts a paragraph. Hard-
/// wrapped text is narrow, or wrapped at a fixed width, and somewhere it breaks in the middle
/// of a sentence: none of its breaks does.
fn paragraph_breaks(text: &str, block: &RawBlock) -> Vec<bool> {
    let lines = &block.lines;
    let mut breaks: Vec<bool> = (1..lines.len())
        .map(|k| {
            break_ends_sentence(text, &lines[k - 1], &lines[k])
                && starts_upper(&text[lines[k].clone()])
        })
        .collect();
    let widths: Vec<usize> = lines
        .iter()
        .map(|l| text[l.clone()].chars().count())
        .collect();
    let wider_than_a_hand_wrap = widths[..widths.len().saturating_sub(1)]
        .iter()
        .any(|&w| w > WIDEST_WRAP);
    let one_per_line = (wider_than_a_hand_wrap || breaks.iter().all(|&b| b))
        && !looks_machine_wrapped(text, lines, &widths);
    if !one_per_line {
        breaks.fill(false);
    }
    // A line opened by a list marker starts an item, however the lines around it are wrapped.
    for (k, brk) in breaks.iter_mut().enumerate() {
        if shapes::list_marker_len(text[lines[k + 1].clone()].trim_start()).is_some() {
            *brk = true;
        }
    }
    breaks
}

/// A short line that names a section: a few words, capitalised, not a sentence.
fn is_inline_heading(s: &str) -> bool {
    words_at_most(s, 6) && is_heading_shape(s)
}

/// Where a Title Case heading of one to four words starts at the end of a line of prose that
/// ends a sentence before it ("... post-secondary education. Social Networks").
fn heading_tail(s: &str) -> Option<usize> {
    let s = s.trim_end();
    let at = s
        .rmatch_indices(['.', '!', '?'])
        .map(|(i, _)| i + 1)
        .find(|&i| s[i..].starts_with(' '))?;
    let tail = s[at..].trim_start();
    let start = s.len() - tail.len();
    let title_case = tail.split_whitespace().all(|w| {
        w.chars().next().is_some_and(char::is_uppercase)
            || matches!(
                w,
                "and" | "of" | "the" | "in" | "for" | "to" | "a" | "on" | "vs"
            )
    });
    (start > 0 && words_at_most(tail, 4) && title_case && !ends_like_sentence(tail))
        .then_some(start)
}

/// Adds a line to the run of text lines being gathered into one block, or starts the run.
fn extend_run(run: &mut Option<RawBlock>, line: Range<usize>) {
    match run.as_mut() {
        Some(r) => {
            r.span.end = line.end;
            r.lines.push(line);
        }
        None => *run = Some(single(line)),
    }
}

/// A box of page furniture set as a few short lines: "Share this article / Gift this article",
/// "Sign up for our newsletter / Get the best opinion every Friday. / Enter your email". One
/// line says what the box is; the others belong to it.
fn is_furniture_box(text: &str, block: &RawBlock) -> bool {
    is_tag_list(text, block)
        || (2..=8).contains(&block.lines.len())
            && block
                .lines
                .iter()
                .all(|l| words_at_most(&text[l.clone()], 10))
            && block
                .lines
                .iter()
                .any(|l| shapes::is_boilerplate(&text[l.clone()]))
}

/// A picture's caption with its credit on the line under it: "Every mayor should read this
/// book.\nJohn Smith/Associated Press". The caption may read as a sentence; the credit says
/// what it is.
fn is_credited_caption(text: &str, block: &RawBlock) -> bool {
    block.lines.len() == 2
        && shapes::is_credit_line(&text[block.lines[1].clone()])
        && words_at_most(&text[block.lines[0].clone()], 60)
}

/// Topic tags a line each under an article ("Buses / Opinion / Transport / Rural affairs"): three
/// to twelve lines of one to three words, none of them a sentence. Never the first block of a
/// text, where short lines are a headline, a name and a role pasted without blank lines.
fn is_tag_list(text: &str, block: &RawBlock) -> bool {
    (3..=12).contains(&block.lines.len())
        && block.lines.iter().all(|l| {
            let t = text[l.clone()].trim();
            words_at_most(t, 3)
                && !ends_like_sentence(t)
                && !t.contains(|c: char| c.is_ascii_digit())
                && shapes::byline_name(t).is_none()
        })
}

/// Takes apart blocks that hold lines of different kinds: a header pasted without blank lines
/// becomes one block per line, and a caption, credit, metadata or boilerplate line, or a
/// numbered heading, inside a run of text becomes a block of its own.
fn split_mixed_blocks(text: &str, raw: Vec<RawBlock>) -> Vec<RawBlock> {
    let mut out = Vec::with_capacity(raw.len());
    for (index, block) in raw.into_iter().enumerate() {
        if block.heading_level.is_some()
            || block.lines.len() == 1
            || index > 0 && is_furniture_box(text, &block)
            || shapes::is_authors_label(&text[block.lines[0].clone()])
            // A caption with its credit on the line under it is one piece of furniture.
            || is_credited_caption(text, &block)
        {
            out.push(block);
            continue;
        }
        let header = index == 0 && header_without_blank_lines(text, &block);
        let breaks = paragraph_breaks(text, &block);
        let mut run: Option<RawBlock> = None;
        let mut in_header = header;
        for (k, line) in block.lines.iter().enumerate() {
            let s = &text[line.clone()];
            // The header ends at the first line that is plainly body text.
            if in_header && !words_at_most(s, 40) {
                in_header = false;
            }
            let after_sentence = k == 0 || ends_like_sentence(&text[block.lines[k - 1].clone()]);
            let next_starts_upper = block
                .lines
                .get(k + 1)
                .is_some_and(|next| starts_upper(&text[next.clone()]));
            // A line that goes on in lower case on the next is wrapped, not a heading: "1. The
            // budget left out the depot, which alone\ncost more than the tracks."
            let next_continues = block.lines.get(k + 1).is_some_and(|next| {
                text[next.clone()]
                    .chars()
                    .next()
                    .is_some_and(char::is_lowercase)
            });
            // A heading pasted between paragraphs with no blank line around it ("...a degree.
            // \nTeaching\nMany parents find ..."), or left at the end of the last line of a
            // paragraph by a page that lost its markup ("... education. Social Networks
            // \nChildren who ..."): short, not a sentence, and text starts again after it.
            if !in_header && next_starts_upper {
                if let Some(at) = heading_tail(s) {
                    extend_run(&mut run, line.start..line.start + s[..at].trim_end().len());
                    if let Some(r) = run.take() {
                        out.push(r);
                    }
                    out.push(single(line.start + at..line.end));
                    continue;
                }
            }
            let alone = in_header
                || after_sentence && next_starts_upper && is_inline_heading(s)
                || shapes::is_caption(s)
                || shapes::is_boilerplate(s)
                || after_sentence && (shapes::is_meta(s) || shapes::byline_name(s).is_some())
                || after_sentence && shapes::is_numbered_heading(s) && !next_continues;
            if alone {
                if let Some(r) = run.take() {
                    out.push(r);
                }
                out.push(single(line.clone()));
            } else {
                if k > 0 && breaks.get(k - 1) == Some(&true) {
                    if let Some(r) = run.take() {
                        out.push(r);
                    }
                }
                extend_run(&mut run, line.clone());
            }
        }
        if let Some(r) = run.take() {
            out.push(r);
        }
    }
    out
}

/// What a paragraph of the body is when it is page furniture rather than text.
pub(crate) fn furniture_kind(plain: &str) -> Option<BlockKind> {
    if is_section_label(plain) {
        Some(BlockKind::Meta)
    } else if shapes::is_caption(plain) {
        Some(BlockKind::Caption)
    } else if shapes::is_boilerplate(plain) {
        Some(BlockKind::Boilerplate)
    } else if shapes::is_meta(plain) {
        Some(BlockKind::Meta)
    } else if shapes::byline_name(plain).is_some() {
        Some(BlockKind::Byline)
    } else {
        None
    }
}

/// What a block in the header after the title is, when it is not the start of the body;
/// `rest` is every block after it.
fn header_kind(
    text: &str,
    b: &RawBlock,
    byline_name: Option<&str>,
    rest: &[RawBlock],
) -> Option<BlockKind> {
    let next = rest.first();
    let s = &text[b.span.clone()];
    let first = &text[b.lines[0].clone()];
    if b.lines.len() == 1 && shapes::is_caption(s) || is_credited_caption(text, b) {
        return Some(BlockKind::Caption);
    }
    if b.lines.len() == 1 && is_publisher_and_label(s) {
        return Some(BlockKind::Meta);
    }
    if b.lines.len() == 1 && shapes::is_boilerplate(s) || is_furniture_box(text, b) {
        return Some(BlockKind::Boilerplate);
    }
    // Up to four lines of names, roles and dates; under an "Authors" label, two or three
    // authors with a role each.
    let most_lines = if shapes::is_authors_label(first) {
        9
    } else {
        4
    };
    let short_lines =
        b.lines.len() <= most_lines && b.lines.iter().all(|l| words_at_most(&text[l.clone()], 14));
    // "By Ann Lee | March 3, 2024" is a byline with its date, not a line of metadata.
    if short_lines
        && (shapes::byline_name(first).is_some()
            || shapes::is_house_byline(first)
            || shapes::is_name_and_role(first)
            || b.lines.len() > 1 && shapes::is_authors_label(first))
    {
        return Some(BlockKind::Byline);
    }
    // Dates, update stamps and reading times, a line each.
    if b.lines.len() <= 4 && b.lines.iter().all(|l| shapes::is_meta(&text[l.clone()])) {
        return Some(BlockKind::Meta);
    }
    // A bare name is a byline only with something that confirms it: a second line (the role),
    // a role line after it, or the name again further on (the closing bio). Otherwise
    // "Broken Promises" would be an author.
    if short_lines && shapes::is_name(first) {
        let role_follows = next.is_some_and(|nb| {
            let ns = &text[nb.span.clone()];
            nb.lines.len() == 1 && words_at_most(ns, 14) && !ends_like_sentence(ns)
        });
        let name = first.trim_matches(['*', '_', ' ']);
        let named_again = text[b.span.end..].contains(name);
        if b.lines.len() > 1 || role_follows || named_again {
            return Some(BlockKind::Byline);
        }
    }
    // A note on the author set in the header rather than at the foot: "Jane Smith is a
    // professor of economics at the University of Leeds."
    // A note on the author is in the header only with the body still to come; the last
    // paragraphs of a short piece are its foot. Looked for only once the line reads as a note.
    let body_follows = || {
        rest.iter().any(|nb| {
            let ns = &text[nb.span.clone()];
            !shapes::is_furniture(ns) && !shapes::is_bio(ns, byline_name)
        })
    };
    if b.lines.len() == 1 && shapes::is_header_bio(s, byline_name) && body_follows() {
        return Some(BlockKind::AuthorNote);
    }
    // The author's role under the name: "Researcher, Nuclear Security Programme (NSP)".
    if byline_name.is_some() && b.lines.len() == 1 && words_at_most(s, 14) && !ends_like_sentence(s)
    {
        return Some(BlockKind::AuthorRole);
    }
    None
}

fn name_of_byline(first_line: &str) -> String {
    let name = shapes::byline_name(first_line).unwrap_or(first_line.trim_matches(['*', '_']));
    name.split([',', '|', '·'])
        .next()
        .unwrap_or(name)
        .trim()
        .to_string()
}

pub(crate) fn read_blocks(text: &str) -> Vec<Block> {
    let raw = split_mixed_blocks(text, raw_blocks(text));
    let markdown = raw.iter().any(|b| b.heading_level.is_some());
    let mut kinds: Vec<(BlockKind, Range<usize>)> = Vec::new();
    let n = raw.len();
    let mut i = 0;

    // A section label above the headline ("OPINION | ECONOMY", "Commentary") is furniture,
    // and the headline is the block after it.
    while i < 2 {
        let Some(next) = raw.get(i + 1) else { break };
        if is_kicker_over(text, &raw[i], next) {
            kinds.push((BlockKind::Meta, raw[i].span.clone()));
        } else if let Some(kind) = furniture_over_headline(text, &raw[i], next, n > i + 2) {
            kinds.push((kind, raw[i].span.clone()));
        } else {
            break;
        }
        i += 1;
    }
    let kicker_end = i;

    // Title: a Markdown `#` heading first, or a single short unpunctuated first line.
    if let Some(first) = raw.get(i) {
        let s = &text[first.span.clone()];
        let is_title = match first.heading_level {
            Some(level) => level == 1 || !raw.iter().any(|b| b.heading_level == Some(1)),
            None => {
                let next_line = raw.get(i + 1).and_then(|b| b.lines.first());
                n > i + 1
                    && first.lines.len() == 1
                    && (is_title_shape(s)
                        || next_line.is_some_and(|l| headline_over_byline(s, &text[l.clone()])))
                    && !shapes::is_furniture(s)
                    && shapes::dateline_len(s).is_none()
            }
        };
        if is_title {
            kinds.push((BlockKind::Title, first.span.clone()));
            i += 1;
        }
    }
    let has_title = i == kicker_end + 1;

    // Header: metadata, standfirst, byline and the author's role, in any order, before the
    // body starts. A block that is none of these is a standfirst only when a byline or
    // metadata line follows it; otherwise the body has begun.
    let mut byline_name: Option<String> = None;
    if has_title {
        // Blocks waiting for a byline or a date to confirm that the header goes on: the deck
        // (`None`), and furniture set between the deck and the byline (a picture credit).
        let mut pending: Vec<(usize, Option<BlockKind>)> = Vec::new();
        let mut j = i;
        let limit = (i + 8).min(n);
        while j < limit {
            let b = &raw[j];
            if b.heading_level.is_some() {
                break;
            }
            match header_kind(text, b, byline_name.as_deref(), &raw[j + 1..]) {
                // A standfirst is confirmed by the byline or metadata after it, even with a
                // picture credit between them; until then furniture waits with it.
                Some(kind @ (BlockKind::Caption | BlockKind::Boilerplate))
                    if !pending.is_empty() =>
                {
                    pending.push((j, Some(kind)));
                }
                Some(kind) => {
                    for &(k, furniture) in &pending {
                        match furniture {
                            Some(f) => kinds.push((f, raw[k].span.clone())),
                            None => {
                                let span =
                                    italic_inner(text, &raw[k].span).unwrap_or(raw[k].span.clone());
                                kinds.push((BlockKind::Standfirst, span));
                            }
                        }
                    }
                    pending.clear();
                    if kind == BlockKind::Byline {
                        // Under an "Authors" label, the first name is on the next line.
                        let named = match b.lines.as_slice() {
                            [label, next, ..] if shapes::is_authors_label(&text[label.clone()]) => {
                                next
                            }
                            lines => &lines[0],
                        };
                        let first = &text[named.clone()];
                        let name = byline_name
                            .get_or_insert_with(|| name_of_byline(first))
                            .clone();
                        for line in &b.lines {
                            let s = text[line.clone()].trim_matches(['*', '_']);
                            let own = shapes::byline_name(s).unwrap_or(s);
                            let kind = if own.starts_with(name.as_str()) {
                                BlockKind::Byline
                            } else if shapes::is_meta(s) {
                                BlockKind::Meta
                            } else {
                                BlockKind::AuthorRole
                            };
                            let span = italic_inner(text, line).unwrap_or(line.clone());
                            kinds.push((kind, span));
                        }
                    } else if kind == BlockKind::Meta {
                        kinds.extend(b.lines.iter().map(|l| (BlockKind::Meta, l.clone())));
                    } else {
                        kinds.push((kind, b.span.clone()));
                    }
                    i = j + 1;
                }
                // A deck is prose of a sentence or two, written before the byline.
                None if pending.is_empty()
                    && byline_name.is_none()
                    && words_at_most(&text[b.span.clone()], 60) =>
                {
                    pending.push((j, None));
                }
                None => break,
            }
            j += 1;
        }
        if i == kicker_end + 1 && markdown {
            // Markdown without byline: an italic line after the title is the standfirst.
            if let Some(b) = raw.get(i) {
                if b.heading_level.is_none() && b.lines.len() == 1 {
                    if let Some(inner) = italic_inner(text, &b.span) {
                        kinds.push((BlockKind::Standfirst, inner));
                        i += 1;
                    }
                }
            }
        }
    }

    // Body.
    let body_start = i;
    for k in i..n {
        let b = &raw[k];
        let s = &text[b.span.clone()];
        let one_line = b.lines.len() == 1;
        let is_last = k + 1 == n;
        let next_is_heading_shape = raw.get(k + 1).is_some_and(|nb| {
            nb.heading_level.is_some()
                || is_heading_shape(&text[nb.span.clone()]) && nb.lines.len() == 1
        });
        let kind = if b.heading_level.is_some() {
            BlockKind::Heading
        } else if one_line && shapes::is_caption(s) || is_credited_caption(text, b) {
            BlockKind::Caption
        } else if one_line && shapes::is_boilerplate(s) || k > 0 && is_furniture_box(text, b) {
            BlockKind::Boilerplate
        } else if b.lines.len() <= 4 && b.lines.iter().all(|l| shapes::is_meta(&text[l.clone()])) {
            BlockKind::Meta
        } else if one_line && shapes::byline_name(s).is_some() {
            BlockKind::Byline
        } else if one_line
            && !is_last
            && (shapes::is_numbered_heading(s)
                || !markdown && is_heading_shape(s) && !next_is_heading_shape)
        {
            BlockKind::Heading
        } else {
            BlockKind::Paragraph
        };
        let mut span = b.span.clone();
        if kind == BlockKind::Paragraph && k == body_start {
            if let Some(len) = shapes::dateline_len(s) {
                span.start += len;
            }
        }
        if kind == BlockKind::Paragraph {
            if let Some(len) = shapes::list_marker_len(&text[span.clone()]) {
                span.start += len;
            }
        }
        if kind == BlockKind::Meta {
            kinds.extend(b.lines.iter().map(|l| (BlockKind::Meta, l.clone())));
            continue;
        }
        kinds.push((kind, span));
    }

    // The end of the page: the author's bio, disclaimers, "Read more" lines, in any order.
    let mut k = kinds.len();
    while k > body_start.max(1) {
        k -= 1;
        let (kind, span) = &kinds[k];
        let s = &text[span.clone()];
        match kind {
            BlockKind::Boilerplate | BlockKind::Caption | BlockKind::Meta | BlockKind::Byline => {}
            BlockKind::Paragraph if shapes::is_bio(s, byline_name.as_deref()) => {
                let span = italic_inner(text, span).unwrap_or(span.clone());
                kinds[k] = (BlockKind::AuthorNote, span);
            }
            _ => break,
        }
    }
    mark_pull_quotes(text, &mut kinds);

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

/// Most words a line announced by a colon may have and still be an item of its list.
const ANNOUNCED_ITEM_WORDS: usize = 30;

/// The paragraphs of plain text that a list marker opened ("- ", "2. ", "(b) "): the reader
/// left the marker out of the block, so it stands between the line's start and the block's.
/// Also the short lines, two or more, that follow a line ending in a colon with no blank line
/// between any of them ("This gap hurts small shops in three ways:" and a line for each way):
/// a list pasted without its markers. A blank line ends such a list.
pub(crate) fn list_items(text: &str, blocks: &[Block]) -> Vec<usize> {
    let marked = |b: &Block| {
        let line_start = text[..b.span.start].rfind('\n').map_or(0, |p| p + 1);
        let before = &text[line_start..b.span.start];
        let marker = before.trim_start();
        !marker.is_empty()
            && shapes::list_marker_len(&text[b.span.start - marker.len()..]) == Some(marker.len())
    };
    let mut items: Vec<usize> = blocks
        .iter()
        .enumerate()
        .filter(|(_, b)| b.kind == BlockKind::Paragraph && marked(b))
        .map(|(i, _)| i)
        .collect();
    let short_item = |b: &Block| {
        let s = text[b.span.clone()].trim();
        b.kind == BlockKind::Paragraph
            && words_at_most(s, ANNOUNCED_ITEM_WORDS)
            && !s.ends_with(':')
    };
    let no_blank_line = |a: &Block, b: &Block| {
        a.span.end <= b.span.start && text[a.span.end..b.span.start].matches('\n').count() <= 1
    };
    let mut i = 0;
    while i < blocks.len() {
        let announces = blocks[i].kind == BlockKind::Paragraph
            && text[blocks[i].span.clone()].trim_end().ends_with(':');
        let run = if announces {
            blocks[i..]
                .windows(2)
                .take_while(|pair| short_item(&pair[1]) && no_blank_line(&pair[0], &pair[1]))
                .count()
        } else {
            0
        };
        if run >= 2 {
            items.extend(i + 1..=i + run);
        }
        i += run + 1;
    }
    items.sort_unstable();
    items.dedup();
    items
}

/// How many short paragraphs are checked against the rest of the text for being a pull quote:
/// the check is a substring search, and real pages have a handful of pull quotes at most.
const PULL_QUOTE_CANDIDATES: usize = 64;

/// Up to how many candidate-by-block searches the pull-quote check makes one by one; past that,
/// building one automaton for all candidates costs less than the searches.
const DIRECT_PULL_QUOTE_SEARCHES: usize = 2048;

/// A short one-paragraph block whose words (quotation marks aside) appear again in another
/// paragraph is the page repeating a sentence of the body in display type.
pub(crate) fn mark_pull_quotes(text: &str, kinds: &mut [(BlockKind, Range<usize>)]) {
    let candidates: Vec<usize> = kinds
        .iter()
        .enumerate()
        .filter(|(_, (kind, span))| {
            let s = &text[span.clone()];
            let least = match kind {
                BlockKind::Paragraph => 4,
                BlockKind::Heading => 6,
                _ => return false,
            };
            !words_at_most(s, least - 1) && words_at_most(s, 45)
        })
        .map(|(k, _)| k)
        .take(PULL_QUOTE_CANDIDATES)
        .collect();
    // A piece may end on a sentence it said before, as a refrain; a pull quote is set beside
    // the body, not after its last paragraph.
    let last_paragraph = kinds
        .iter()
        .rposition(|(kind, _)| *kind == BlockKind::Paragraph);
    let mut quoted: Vec<(usize, &str)> = Vec::new();
    for k in candidates {
        if Some(k) == last_paragraph {
            continue;
        }
        let s = text[kinds[k].1.clone()]
            .trim_matches(|c: char| "\"“”'‘’*_ ".contains(c))
            .trim_end_matches(['.', '!'])
            .trim();
        if words_at_most(s, 3) {
            continue;
        }
        // Display type often capitalises the first word of a quote taken from mid-sentence.
        let s = s
            .char_indices()
            .nth(1)
            .map_or(s, |(second, _)| &s[second..]);
        quoted.push((k, s));
    }
    let prose = kinds.iter().filter(|(kind, _)| kind.is_prose()).count();
    if quoted.len() * prose <= DIRECT_PULL_QUOTE_SEARCHES {
        for (k, s) in quoted {
            let repeated = kinds.iter().enumerate().any(|(other, (kind, span))| {
                other != k
                    && kind.is_prose()
                    && span.len() > s.len()
                    && text[span.clone()].contains(s)
            });
            if repeated {
                kinds[k].0 = BlockKind::PullQuote;
            }
        }
        return;
    }
    // On a long text, one pass over the prose finds, for every candidate at once, the longer
    // blocks that hold its words: a search per candidate read the text sixty-four times.
    let searcher = aho_corasick::AhoCorasick::builder()
        .kind(Some(aho_corasick::AhoCorasickKind::ContiguousNFA))
        .build(quoted.iter().map(|(_, s)| s));
    let Ok(searcher) = searcher else {
        return;
    };
    // A candidate is repeated if a block holding it is still prose when its turn comes; only
    // candidates turn into pull quotes, so beyond that many blocks one surely is.
    let enough = quoted.len() + 1;
    let mut holders: Vec<Vec<usize>> = vec![Vec::new(); quoted.len()];
    for (other, (kind, span)) in kinds.iter().enumerate() {
        if !kind.is_prose() {
            continue;
        }
        for m in searcher.find_overlapping_iter(&text[span.clone()]) {
            let p = m.pattern().as_usize();
            let (k, s) = quoted[p];
            let held = &mut holders[p];
            if other != k
                && span.len() > s.len()
                && held.len() < enough
                && held.last() != Some(&other)
            {
                held.push(other);
            }
        }
    }
    for ((k, _), held) in quoted.iter().zip(&holders) {
        let repeated = held.iter().any(|&other| kinds[other].0.is_prose());
        if repeated {
            kinds[*k].0 = BlockKind::PullQuote;
        }
    }
}

/// The publication date: the first date written in a metadata, byline or author line.
pub(crate) fn publication_date(text: &str, blocks: &[Block]) -> Option<Range<usize>> {
    blocks
        .iter()
        .filter(|b| {
            matches!(
                b.kind,
                BlockKind::Meta | BlockKind::Byline | BlockKind::AuthorRole
            )
        })
        .find_map(|b| {
            shapes::find_date(&text[b.span.clone()])
                .map(|r| b.span.start + r.start..b.span.start + r.end)
        })
}
