//! The grammar's pattern set once more, with every Unicode word boundary made an ASCII one.
//!
//! A lazy DFA cannot look at the character before a position, so with Unicode `\b` it gives
//! up at the first non-ASCII byte and the set falls back to the PikeVM, which costs some 20
//! times as much per byte. Editorials are full of curly quotes, dashes and pound signs, none of
//! them word characters: on a text whose only non-ASCII characters are such, Unicode and ASCII
//! boundaries fall in exactly the same places (a non-ASCII byte is a non-word byte to the ASCII
//! boundary), so this set answers exactly as the Unicode one does, and stays in the DFA.

use regex_automata::meta::{self, Regex};
use regex_automata::{Input, MatchKind, PatternSet};
use regex_syntax::hir::{Capture, Hir, HirKind, Look, Repetition};

use super::compile::MAX_REGEX_SET_BYTES;
use super::Pattern;

/// Room for the lazy DFA's states. The set holds every pattern of the grammar and is searched
/// for all of them at once, so its states are large: with the default 2 MiB the cache filled
/// and was cleared over and over on ordinary editorials, and a quarter of a batch's time went
/// to building the same states again (and to the PikeVM, once the DFA gave up). The cache only
/// grows as states are made; a batch of 2,000 editorials uses a few MiB of it.
const HYBRID_CACHE_BYTES: usize = 32 << 20;

#[derive(Debug, Clone)]
pub struct AsciiWordSet {
    set: Regex,
}

impl AsciiWordSet {
    /// `None` when a pattern uses a boundary with no exact ASCII twin (`\B`) or the set
    /// cannot be built: the Unicode set then answers for every text.
    pub fn new(patterns: &[Pattern]) -> Option<AsciiWordSet> {
        let hirs = patterns
            .iter()
            .map(|p| {
                // The same flags as each pattern's own regex and its place in the Unicode set.
                let hir = regex_syntax::ParserBuilder::new()
                    .case_insensitive(p.flags.contains('i'))
                    .multi_line(p.flags.contains('m'))
                    .dot_matches_new_line(p.flags.contains('s'))
                    .ignore_whitespace(p.flags.contains('x'))
                    .build()
                    .parse(&p.source)
                    .ok()?;
                ascii_boundaries(hir)
            })
            .collect::<Option<Vec<Hir>>>()?;
        let config = meta::Config::new()
            .match_kind(MatchKind::All)
            .nfa_size_limit(Some(MAX_REGEX_SET_BYTES))
            .hybrid_cache_capacity(HYBRID_CACHE_BYTES);
        let set = meta::Builder::new()
            .configure(config)
            .build_many_from_hir(&hirs)
            .ok()?;
        Some(AsciiWordSet { set })
    }

    /// Indices of the patterns that match `text`, in order; only for texts that pass
    /// [`same_boundaries`].
    pub fn matches(&self, text: &str) -> Vec<usize> {
        let mut found = PatternSet::new(self.set.pattern_len());
        self.set
            .which_overlapping_matches(&Input::new(text), &mut found);
        found.iter().map(|p| p.as_usize()).collect()
    }
}

/// Whether ASCII word boundaries fall where Unicode ones do in `text`: no character outside
/// ASCII is a word character.
pub fn same_boundaries(text: &str) -> bool {
    text.is_ascii()
        || text
            .chars()
            .all(|c| c.is_ascii() || !regex_syntax::try_is_word_character(c).unwrap_or(true))
}

fn ascii_boundaries(hir: Hir) -> Option<Hir> {
    let each = |subs: Vec<Hir>| {
        subs.into_iter()
            .map(ascii_boundaries)
            .collect::<Option<Vec<_>>>()
    };
    Some(match hir.into_kind() {
        HirKind::Look(look) => Hir::look(match look {
            Look::WordUnicode => Look::WordAscii,
            Look::WordStartUnicode => Look::WordStartAscii,
            Look::WordEndUnicode => Look::WordEndAscii,
            Look::WordStartHalfUnicode => Look::WordStartHalfAscii,
            Look::WordEndHalfUnicode => Look::WordEndHalfAscii,
            // `\B` inside a multi-byte character holds for ASCII and not for Unicode.
            Look::WordUnicodeNegate | Look::WordAsciiNegate => return None,
            other => other,
        }),
        HirKind::Repetition(r) => Hir::repetition(Repetition {
            sub: Box::new(ascii_boundaries(*r.sub)?),
            ..r
        }),
        HirKind::Capture(c) => Hir::capture(Capture {
            sub: Box::new(ascii_boundaries(*c.sub)?),
            ..c
        }),
        HirKind::Concat(subs) => Hir::concat(each(subs)?),
        HirKind::Alternation(subs) => Hir::alternation(each(subs)?),
        kind @ (HirKind::Empty | HirKind::Literal(_) | HirKind::Class(_)) => match kind {
            HirKind::Empty => Hir::empty(),
            HirKind::Literal(l) => Hir::literal(l.0),
            HirKind::Class(c) => Hir::class(c),
            _ => return None,
        },
    })
}
