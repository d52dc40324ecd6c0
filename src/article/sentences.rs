//! Sentence and clause boundaries inside a block.
//!
//! A boundary is a terminator cluster (`.`, `!`, `?`, `...`, `…`, possibly followed by closing
//! quotes or brackets), then whitespace, then something that can start a sentence. What remains
//! is telling a sentence-final period from the period of an abbreviation, an initial or a
//! dotted acronym — the word before the period and the word after decide.

use std::ops::Range;

use nom::branch::alt;
use nom::bytes::complete::{is_a, tag, take_while, take_while1};
use nom::combinator::recognize;
use nom::multi::many0;
use nom::{IResult, Parser};

/// Abbreviations that never end a sentence: a title or a Latin "for example" is always followed
/// by more of the same sentence.
const NEVER_FINAL: &[&str] = &[
    "mr", "mrs", "ms", "dr", "prof", "st", "jr", "sr", "gen", "col", "lt", "sgt", "capt", "rep",
    "sen", "gov", "pres", "rev", "hon", "vs", "v", "e.g", "i.e", "cf", "viz", "approx", "fig",
    "al", "ca", "mt", "ft", "messrs", "mme", "mlle", "dept", "univ", "assn", "inc", "corp", "ltd",
    "co", "bros", "nos", "pp", "vol", "ch", "sec", "art", "reps", "sens", "govs", "drs", "profs",
];

/// Abbreviations that end a sentence unless a number follows ("No. 10", "Jan. 2021").
const FINAL_UNLESS_NUMBER: &[&str] = &[
    "no", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "p",
    "op", "prop", "props", "para", "rt", "hwy", "rte",
];

/// Words that start a new sentence after a dotted acronym ("... in the U.S. The next ...").
const SENTENCE_STARTERS: &[&str] = &[
    "the",
    "this",
    "that",
    "these",
    "those",
    "it",
    "its",
    "in",
    "but",
    "however",
    "a",
    "an",
    "we",
    "they",
    "he",
    "she",
    "i",
    "there",
    "and",
    "yet",
    "so",
    "moreover",
    "meanwhile",
    "still",
    "such",
    "what",
    "if",
    "when",
    "while",
    "although",
    "though",
    "as",
    "for",
    "to",
    "on",
    "at",
    "our",
    "their",
    "his",
    "her",
    "one",
    "some",
    "many",
    "most",
    "even",
    "indeed",
    "instead",
    "thus",
    "therefore",
    "hence",
    "after",
    "since",
    "nor",
    "neither",
    "no",
    "not",
    "you",
];

fn is_closer(c: char) -> bool {
    matches!(c, '"' | '\'' | '”' | '’' | ')' | ']' | '»' | '*' | '_')
}

fn is_opener(c: char) -> bool {
    matches!(
        c,
        '"' | '\'' | '“' | '‘' | '„' | '‚' | '(' | '[' | '«' | '*' | '_' | '¿' | '¡'
    )
}

fn terminator(input: &str) -> IResult<&str, &str> {
    alt((tag("..."), tag("…"), is_a(".!?"))).parse(input)
}

/// A terminator cluster: the terminator, any further terminators, closing marks. Right after
/// a terminator, “ and ‘ close too: German quotes close with them („Wir schaffen das.“).
fn cluster(input: &str) -> IResult<&str, (&str, &str)> {
    (
        (
            terminator,
            take_while(|c| matches!(c, '.' | '!' | '?' | '…')),
        )
            .map(|(t, _)| t),
        take_while(|c| is_closer(c) || matches!(c, '“' | '‘')),
        // A note's mark belongs to the sentence it annotates: "… in 2023.[^2] The tests …",
        // "… in 2023.¹ The tests …".
        many0(footnote_mark),
    )
        .map(|(t, closers, _)| (t, closers))
        .parse(input)
}

fn footnote_mark(input: &str) -> IResult<&str, &str> {
    alt((
        recognize((
            tag("[^"),
            take_while1(|c: char| c.is_alphanumeric() || c == '-'),
            tag("]"),
        )),
        recognize((
            tag("["),
            take_while1(|c: char| c.is_ascii_digit()),
            tag("]"),
        )),
        take_while1(|c| matches!(c, '¹' | '²' | '³' | '⁴' | '⁵' | '⁶' | '⁷' | '⁸' | '⁹' | '⁰')),
    ))
    .parse(input)
}

/// The length of a footnote number typed as plain digits right after a sentence's full stop
/// ("… with higher inflation.1 To foreshadow …"), else 0. Only after a lower-case word and
/// before a capitalised one: "version 2.1 To" has a number before the stop, and "rose.10 per
/// cent" no sentence after it.
fn plain_footnote_mark(text: &str, dot: usize, term: &str, after: &str) -> usize {
    // Asked at every terminator: the digit test, which nearly always fails, comes first.
    let digits = after.bytes().take_while(u8::is_ascii_digit).count();
    if term != "." || !(1..=3).contains(&digits) {
        return 0;
    }
    let sentence_follows = gap(&after[digits..])
        .is_ok_and(|(next, _)| next.chars().next().is_some_and(char::is_uppercase));
    let word = word_before(text, dot);
    if sentence_follows && word.len() >= 3 && word.chars().all(char::is_lowercase) {
        digits
    } else {
        0
    }
}

fn gap(input: &str) -> IResult<&str, &str> {
    take_while1(char::is_whitespace).parse(input)
}

/// The word ending right before `end` (letters, digits, dots, apostrophes, hyphens).
fn word_before(text: &str, end: usize) -> &str {
    let before = &text[..end];
    let start = before
        .char_indices()
        .rev()
        .find(|&(_, c)| !(c.is_alphanumeric() || matches!(c, '.' | '\'' | '’' | '-')))
        .map_or(0, |(i, c)| i + c.len_utf8());
    &before[start..]
}

fn next_word(rest: &str) -> &str {
    let rest = rest.trim_start_matches(is_opener);
    let end = rest
        .char_indices()
        .find(|&(_, c)| !c.is_alphanumeric())
        .map_or(rest.len(), |(i, _)| i);
    &rest[..end]
}

fn can_start_sentence(rest: &str) -> bool {
    let mut chars = rest.chars().skip_while(|&c| is_opener(c));
    match chars.next() {
        Some(c) if c.is_uppercase() || c.is_ascii_digit() => true,
        // "£380,000 is the whole saving.", "$5bn went to roads."
        Some(c) if is_currency(c) => chars.next().is_some_and(|d| d.is_ascii_digit()),
        _ => false,
    }
}

fn is_currency(c: char) -> bool {
    matches!(c, '$' | '£' | '€' | '¥' | '₹')
}

/// Whether the period at `dot` (a single '.') ends the sentence, judging by the words around it.
pub(super) fn period_ends_sentence(text: &str, dot: usize, rest: &str) -> bool {
    let word = word_before(text, dot);
    let lower = word.to_lowercase();
    let next = next_word(rest);
    let next_lower = next.to_lowercase();
    let next_is_number = next.chars().next().is_some_and(|c| c.is_ascii_digit());
    if lower.is_empty() {
        return true;
    }
    if NEVER_FINAL.contains(&lower.as_str()) {
        return false;
    }
    // An initial: "J. R. Smith", "E. P. Thompson". A lone capital before a period is an
    // initial far more often than a sentence ending in a one-letter word; checked before the
    // lower-case abbreviations, so that "P." is an initial and "p. 12" a page.
    let letters: Vec<char> = word.chars().collect();
    if letters.len() == 1 && letters[0].is_uppercase() {
        return false;
    }
    if FINAL_UNLESS_NUMBER.contains(&lower.as_str()) {
        return !next_is_number;
    }
    // A dotted acronym ("U.S", "e.u"): final only when a typical sentence opener follows.
    if word.contains('.') && word.split('.').all(|p| p.chars().count() <= 2) {
        return SENTENCE_STARTERS.contains(&next_lower.as_str());
    }
    true
}

/// "...no benefit.My experience is ...", "...what I owe.I am ...", "...consumers!I pay ...",
/// "...belong to a group...Get it out ...":
/// typed text often drops the space after a full stop. A terminator between a lower-case word
/// and a capitalised word (or the pronoun "I") ends the sentence; dotted words (acronyms,
/// domain names, "e.g.") and mixed-case names ("iPhone.Com", "Yahoo!Mail") do not.
fn missing_space_after_terminator(text: &str, at: usize, rest: &str) -> bool {
    let word = word_before(text, at);
    let mut next = rest.chars();
    let capital_then = |c: Option<char>| match c {
        Some(c) if c.is_lowercase() => true,
        // The pronoun: "I am", "I'm", "I've", "I,".
        Some(c) => rest.starts_with('I') && (c.is_whitespace() || matches!(c, '\'' | '’' | ',')),
        None => false,
    };
    word.chars().count() >= 2
        && word.chars().all(|c| c.is_lowercase())
        && next.next().is_some_and(char::is_uppercase)
        && capital_then(next.next())
}

/// Sentence ranges inside `block` (byte ranges into `text`), trimmed, never empty.
pub(crate) fn split_sentences(text: &str, block: Range<usize>) -> Vec<Range<usize>> {
    let mut sentences = Vec::new();
    let mut start = block.start;
    let mut pos = block.start;
    while pos < block.end {
        let rest = &text[pos..block.end];
        let Some(c) = rest.chars().next() else { break };
        if matches!(c, '.' | '!' | '?' | '…') {
            if let Ok((after, (term, _closers))) = cluster(rest) {
                let after = &after[plain_footnote_mark(text, pos, term, after)..];
                let cluster_end = block.end - after.len();
                let boundary = match gap(after) {
                    Ok((next, _)) if can_start_sentence(next) => {
                        term != "." || period_ends_sentence(text, pos, next)
                    }
                    Ok(_) => false,
                    Err(_) => {
                        matches!(term, "." | "!" | "?" | "..." | "…")
                            && missing_space_after_terminator(text, pos, after)
                    }
                };
                if boundary {
                    push_trimmed(text, start..cluster_end, &mut sentences);
                    start = cluster_end;
                }
                pos = cluster_end.max(pos + c.len_utf8());
                continue;
            }
        }
        pos += c.len_utf8();
    }
    push_trimmed(text, start..block.end, &mut sentences);
    sentences
}

fn push_trimmed(text: &str, span: Range<usize>, out: &mut Vec<Range<usize>>) {
    let s = &text[span.clone()];
    let lead = s.len() - s.trim_start().len();
    let t = s.trim();
    if !t.is_empty() {
        out.push(span.start + lead..span.start + lead + t.len());
    }
}

/// Clause ranges inside a sentence: cut after `,` `;` `:` and around dashes, keeping the
/// punctuation with the clause it closes. Commas inside numbers ("1,200") do not cut.
pub(crate) fn split_clauses(text: &str, sentence: Range<usize>) -> Vec<Range<usize>> {
    let s = &text[sentence.clone()];
    let mut clauses = Vec::new();
    let mut start = sentence.start;
    let mut iter = s.char_indices().peekable();
    while let Some((i, c)) = iter.next() {
        let next = iter.peek().map(|&(_, n)| n);
        let cut = match c {
            ',' => next.is_some_and(char::is_whitespace),
            ';' | ':' => next.is_none_or(char::is_whitespace),
            '—' | '–' => true,
            '-' => i > 0 && s[..i].ends_with(' ') && next.is_some_and(char::is_whitespace),
            _ => false,
        };
        if cut {
            let end = sentence.start + i + c.len_utf8();
            push_trimmed(text, start..end, &mut clauses);
            start = end;
        }
    }
    push_trimmed(text, start..sentence.end, &mut clauses);
    // Kept for the life of the article, one vector per sentence.
    clauses.shrink_to_fit();
    clauses
}
