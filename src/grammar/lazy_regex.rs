//! A pattern's own regex, compiled the first time a text needs it.
//!
//! Conditions ask the pattern set which patterns match; a pattern's own regex is only needed
//! for the offsets of a cue it found (and for a split rule's look-ahead). Compiling every one
//! of them when the grammar loads took a third of the load, which every run waits for, and a
//! single article asks for few of them. The grammar still checks each pattern when it loads
//! (its syntax, and the size its automaton compiles to), so that a broken pattern is reported
//! with its place in the rule file, never when a text first needs it.

use std::borrow::Cow;
use std::ops::Deref;
use std::sync::{Arc, OnceLock};

use regex_automata::meta::{self, Regex};
use regex_automata::nfa::thompson;
use regex_syntax::hir::Hir;

/// Why a pattern does not compile.
#[derive(Debug)]
pub enum PatternFault {
    /// Its syntax, by regex-syntax (which knows where in the pattern the fault is).
    Syntax(Box<regex_syntax::Error>),
    /// Its automaton is larger than `limit` bytes.
    TooBig(usize),
    Other(String),
}

/// The source of a regex that matches nothing: what [`LazyRegex::never`] stands for, written
/// where a pattern's source must say the same.
pub const NEVER_MATCHES: &str = r"[^\s\S]";

/// How much of a pattern is checked when the grammar loads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Check {
    /// Its syntax as written and the size of its automaton: a rule file's patterns, so that a
    /// fault is reported with its place in the file, never when a text first needs it.
    Full,
    /// Only the syntax of what is compiled: the built-in grammar's patterns, which a test
    /// compiles in full (`built_in_patterns_compile_within_their_limit`), so that every run
    /// does not build each automaton once more to check it.
    SyntaxOfTypeset,
}

#[derive(Debug, Clone)]
pub struct LazyRegex {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    /// The pattern as written, read again when its regex is built: a syntax tree with Unicode
    /// classes takes kilobytes, and keeping one per pattern for the life of the grammar cost
    /// 4 MB, which parsing again once per build does not. (The tree kept in `plain_hir` has
    /// ASCII-sized classes.)
    source: Box<str>,
    flags: Box<str>,
    size_limit: usize,
    compiled: OnceLock<Regex>,
    /// The same pattern for texts without non-ASCII word characters (see [`LazyRegex::find`]);
    /// `None` when it cannot be carried over.
    on_plain_text: OnceLock<Option<Regex>>,
    /// What `on_plain_text` is compiled from, kept when the pattern sets carried the pattern
    /// over as the grammar loaded: parsing it again cost more than compiling it.
    plain_hir: OnceLock<Option<Hir>>,
}

impl LazyRegex {
    /// Checks `source` with `flags` (`imsx`) now; compiles it when first used.
    pub fn new(source: &str, flags: &str, size_limit: usize) -> Result<LazyRegex, PatternFault> {
        LazyRegex::parsed(source, flags, size_limit, Check::Full).map(|(regex, _)| regex)
    }

    /// Like [`LazyRegex::new`], and also the syntax tree it parsed: the pattern sets are built
    /// from it while the grammar loads, and parsing a pattern (Unicode classes, case folding)
    /// costs as much as compiling it.
    pub fn parsed(
        source: &str,
        flags: &str,
        size_limit: usize,
        check: Check,
    ) -> Result<(LazyRegex, Hir), PatternFault> {
        let parse = |source: &str| {
            parser(flags)
                .build()
                .parse(source)
                .map_err(|e| PatternFault::Syntax(Box::new(e)))
        };
        let typeset = typeset_apostrophes(source);
        let hir = match (&typeset, check) {
            (Cow::Owned(rewritten), Check::SyntaxOfTypeset) => parse(rewritten)?,
            // The pattern as written is checked first, so that a fault is placed in what the
            // user wrote; what is compiled also matches typeset apostrophes.
            (Cow::Owned(rewritten), Check::Full) => {
                parse(source)?;
                parse(rewritten)?
            }
            (Cow::Borrowed(_), _) => parse(source)?,
        };
        if check == Check::Full {
            let config = thompson::Config::new().nfa_size_limit(Some(size_limit));
            if let Err(e) = thompson::Compiler::new()
                .configure(config)
                .build_from_hir(&hir)
            {
                return Err(match e.size_limit() {
                    Some(limit) => PatternFault::TooBig(limit),
                    None => PatternFault::Other(e.to_string()),
                });
            }
        }
        let regex = LazyRegex {
            inner: Arc::new(Inner {
                source: typeset.as_ref().into(),
                flags: flags.into(),
                size_limit,
                compiled: OnceLock::new(),
                on_plain_text: OnceLock::new(),
                plain_hir: OnceLock::new(),
            }),
        };
        Ok((regex, hir))
    }

    /// A regex that never matches (standing in for a pattern that failed to compile, so that
    /// rules naming it report nothing more).
    pub fn never() -> LazyRegex {
        LazyRegex {
            inner: Arc::new(Inner {
                source: NEVER_MATCHES.into(),
                flags: "".into(),
                size_limit: usize::MAX,
                compiled: OnceLock::new(),
                on_plain_text: OnceLock::new(),
                plain_hir: OnceLock::new(),
            }),
        }
    }

    /// The pattern as written, without its slashes.
    pub fn source(&self) -> &str {
        &self.inner.source
    }

    /// Its flags as written (`imsx`).
    pub fn flags(&self) -> &str {
        &self.inner.flags
    }

    /// The pattern as checked: its syntax tree, with its flags applied.
    pub fn hir(&self) -> Hir {
        // Checked when the grammar loaded, so it parses; should it not, it matches nothing.
        parser(&self.inner.flags)
            .build()
            .parse(&self.inner.source)
            .unwrap_or_else(|_| Hir::fail())
    }
}

/// `source` with every apostrophe it matches also matching the typeset one (`’`): rule authors
/// type `shouldn't`, and most of what people paste from the web is typeset (`shouldn’t`),
/// which no pattern of the default grammar matched but the few written with `['’]`.
/// Outside a class `'` becomes `['’]`; inside one, `’` joins it.
fn typeset_apostrophes(source: &str) -> Cow<'_, str> {
    if !source.contains('\'') {
        return Cow::Borrowed(source);
    }
    let mut out = String::with_capacity(source.len() + 16);
    let mut chars = source.chars().peekable();
    // Depth of character classes: `[a-z[:digit:]]` nests.
    let mut depth = 0usize;
    // Right after a class opens (`[` or `[^`), a `]` is a literal.
    let mut class_start = false;
    while let Some(c) = chars.next() {
        let opening = class_start;
        class_start = false;
        match c {
            '\\' => match chars.next() {
                Some('\'') if depth == 0 => out.push_str("['’]"),
                Some('\'') => out.push_str("\\'’"),
                Some(escaped) => {
                    out.push('\\');
                    out.push(escaped);
                }
                None => out.push('\\'),
            },
            '\'' if depth == 0 => out.push_str("['’]"),
            // `'-z` is a range from the apostrophe: left as written.
            '\'' if chars.peek() != Some(&'-') => out.push_str("'’"),
            '[' => {
                out.push('[');
                depth += 1;
                if chars.peek() == Some(&'^') {
                    out.push('^');
                    chars.next();
                }
                class_start = true;
            }
            ']' if depth > 0 && !opening => {
                out.push(']');
                depth -= 1;
            }
            other => out.push(other),
        }
    }
    Cow::Owned(out)
}

/// A parser reading a pattern as the grammar does: its `imsx` flags, nothing else.
fn parser(flags: &str) -> regex_syntax::ParserBuilder {
    let mut parser = regex_syntax::ParserBuilder::new();
    parser
        .case_insensitive(flags.contains('i'))
        .multi_line(flags.contains('m'))
        .dot_matches_new_line(flags.contains('s'))
        .ignore_whitespace(flags.contains('x'));
    parser
}

/// The regex of `hir`, as the grammar's patterns are compiled.
fn compile(hir: &Hir, size_limit: usize) -> Option<Regex> {
    meta::Builder::new()
        // A pattern's own regex is only asked where the pattern set already found it, on one
        // unit: a prefilter would save little there, and extracting the literals of the
        // grammar's long alternations to make one took two fifths of compiling them.
        .configure(
            meta::Config::new()
                .nfa_size_limit(Some(size_limit))
                .auto_prefilter(false)
                // Only where the whole match is, never a group: a capture state per group of
                // the grammar's long alternations made every automaton larger.
                .which_captures(thompson::WhichCaptures::Implicit),
        )
        .build_from_hir(hir)
        .ok()
}

impl LazyRegex {
    /// The leftmost-first match in `text`, as the regex gives it.
    ///
    /// On a text with no word character outside ASCII (letter, digit, combining mark; nearly
    /// every unit of English
    /// commentary), a twin with ASCII word boundaries and ASCII-sized classes answers: it
    /// matches in exactly the same places there, compiles in a third of the time (Unicode's
    /// `\w` alone is some 770 ranges, compiled forwards and backwards), and its lazy DFA does
    /// not give up at the first curly quote as one with Unicode word boundaries does.
    pub fn find(&self, text: &str) -> Option<regex_automata::Match> {
        match self.on_plain_text(text) {
            Some(regex) => regex.find(text),
            None => (**self).find(text),
        }
    }

    /// Whether the regex matches somewhere in `text` (see [`LazyRegex::find`]).
    pub fn is_match(&self, text: &str) -> bool {
        match self.on_plain_text(text) {
            // Not the twin's `is_match`: its DFA, searching for the earliest match, passes over
            // an empty match that an ASCII half boundary allows inside a multi-byte character
            // (`\b{end-half}(?s:.)?\b{start-half}` on "x“s"), which the Unicode regex reports.
            Some(regex) => regex.find(text).is_some(),
            None => (**self).is_match(text),
        }
    }

    fn on_plain_text(&self, text: &str) -> Option<&Regex> {
        if super::ascii_words::holds_non_ascii_word(text) {
            return None;
        }
        self.inner
            .on_plain_text
            .get_or_init(|| {
                let hir = self.inner.plain_hir.get_or_init(|| {
                    super::ascii_words::on_text_without_non_ascii_words(self.hir())
                });
                // The pattern was checked at its own size; like the fallback below, the
                // automata built beside the forward one get more room rather than failing.
                compile(hir.as_ref()?, self.inner.size_limit.saturating_mul(4))
            })
            .as_ref()
    }

    /// Keeps `hir`, the pattern carried over for texts without non-ASCII letters, for its
    /// twin (see [`LazyRegex::find`]).
    pub(super) fn keep_plain_hir(&self, hir: Hir) {
        // A pattern stands in the sets once; should it be carried over twice, the first stays.
        let _ = self.inner.plain_hir.set(Some(hir));
    }
}

impl Deref for LazyRegex {
    type Target = Regex;

    fn deref(&self) -> &Regex {
        let inner = &*self.inner;
        inner.compiled.get_or_init(|| {
            let hir = self.hir();
            // Checked when the grammar loaded: its syntax, and its forward automaton within the
            // limit. The reverse automaton built beside it can come out a little larger: a
            // pattern at the edge of the limit gets more room rather than failing here.
            compile(&hir, inner.size_limit)
                .or_else(|| compile(&hir, inner.size_limit.saturating_mul(4)))
                // Should it still be refused, the pattern matches nothing rather than stopping
                // a batch half-way.
                .or_else(|| Regex::new(NEVER_MATCHES).ok())
                .unwrap_or_else(|| unreachable!("the empty class is a valid regex"))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pattern_compiled_on_first_use_matches_with_its_flags() {
        let regex = match LazyRegex::new(r"\bmust\b", "i", 1 << 20) {
            Ok(r) => r,
            Err(e) => panic!("valid pattern refused: {e:?}"),
        };
        let shared = regex.clone();
        assert!(regex.is_match("We MUST act."));
        assert!(!shared.is_match("mustard"));
        assert!(!LazyRegex::never().is_match("anything at all"));
    }

    /// Pasted commentary is typeset: "We shouldn’t allow this." was no demand, "It’s time to
    /// act" no call to act, because the patterns were written with `'`.
    #[test]
    fn an_apostrophe_in_a_pattern_matches_the_typeset_one() {
        for (source, typeset) in [
            (r"\bshould(n't| not)?\b", r"\bshould(n['’]t| not)?\b"),
            (r"[a-z']+s", r"[a-z'’]+s"),
            (r"[^']", r"[^'’]"),
            (r"[]']x", r"[]'’]x"),
            (r"[[:alpha:]']", r"[[:alpha:]'’]"),
            (r"n['’]t", r"n['’’]t"),
            (r"[\]']", r"[\]'’]"),
            (r"it\'s", r"it['’]s"),
            (r"no apostrophe", r"no apostrophe"),
        ] {
            assert_eq!(typeset_apostrophes(source), typeset, "{source}");
        }
        let regex = match LazyRegex::new(r"\b(it's|don't) (time|raise)\b", "i", 1 << 20) {
            Ok(r) => r,
            Err(e) => panic!("valid pattern refused: {e:?}"),
        };
        assert!(regex.is_match("It’s time to act."));
        assert!(regex.is_match("Don't raise taxes."));
        assert!(!regex.is_match("Its time"));
    }

    /// The twin's DFA, searching for the earliest match, passed over the empty match that an
    /// ASCII half boundary allows inside "“", which the Unicode regex reports.
    #[test]
    fn is_match_answers_as_the_regex_with_half_boundaries() {
        let regex = match LazyRegex::new(r"\b{end-half}(?s:.)?\b{start-half}", "", 1 << 20) {
            Ok(r) => r,
            Err(e) => panic!("valid pattern refused: {e:?}"),
        };
        let own: &Regex = &regex;
        for text in ["x“s", "x s", "“", ""] {
            assert_eq!(regex.is_match(text), own.is_match(text), "{text}");
            assert_eq!(regex.find(text), own.find(text), "{text}");
        }
    }

    #[test]
    fn a_broken_pattern_is_refused_when_checked_not_when_used() {
        assert!(matches!(
            LazyRegex::new("(unclosed", "", 1 << 20),
            Err(PatternFault::Syntax(_))
        ));
        assert!(matches!(
            LazyRegex::new(r"\w{200}{200}", "", 1 << 20),
            Err(PatternFault::TooBig(_))
        ));
    }
}
