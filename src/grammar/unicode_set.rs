//! The grammar's patterns as one set with Unicode word boundaries: the answer for the texts the
//! ASCII-boundary sets of [`super::ascii_words`] leave to it.
//!
//! Such a text is rare (one whose non-ASCII letters a pattern's classes tell apart from each
//! other), and building the set was a fifth of loading the default grammar, which every run
//! waits for. So the set is built when the first such text comes. Where the ASCII sets could
//! not be built at all, every text needs this set: it is built when the grammar loads, so that
//! a set too large to build is reported then, at the grammar's place.

use std::sync::{Arc, OnceLock};

use regex::{RegexSet, RegexSetBuilder};

use super::compile::MAX_REGEX_SET_BYTES;
use super::{LazyRegex, Pattern};

#[derive(Debug, Clone)]
pub struct UnicodeSet {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    /// Each pattern with its flags inline, as the set takes them.
    sources: Vec<String>,
    /// Each pattern's own regex, for answering one pattern at a time should the set, built
    /// late, turn out too large.
    one_by_one: Vec<LazyRegex>,
    size_limit: usize,
    set: OnceLock<Option<RegexSet>>,
}

impl UnicodeSet {
    /// Built when first needed, from the grammar's per-unit patterns (where a pattern no
    /// condition asks about already stands as one that never matches).
    pub(super) fn lazy(patterns: &[Pattern]) -> UnicodeSet {
        let sources = patterns
            .iter()
            .map(|p| {
                let flags: String = p
                    .regex
                    .flags()
                    .chars()
                    .filter(|c| "imsx".contains(*c))
                    .collect();
                if flags.is_empty() {
                    p.regex.source().to_string()
                } else {
                    format!("(?{flags}:{})", p.regex.source())
                }
            })
            .collect();
        UnicodeSet {
            inner: Arc::new(Inner {
                sources,
                one_by_one: patterns.iter().map(|p| p.regex.clone()).collect(),
                size_limit: MAX_REGEX_SET_BYTES,
                set: OnceLock::new(),
            }),
        }
    }

    /// Built now: the error is the grammar's.
    pub(super) fn built(patterns: &[Pattern]) -> Result<UnicodeSet, regex::Error> {
        let set = UnicodeSet::lazy(patterns);
        let built = build(&set.inner.sources, set.inner.size_limit)?;
        // A fresh OnceLock: the set cannot have been initialised yet.
        let _ = set.inner.set.set(Some(built));
        Ok(set)
    }

    /// Indices of the patterns that match `text`, in order.
    pub fn matches(&self, text: &str) -> Vec<usize> {
        let inner = &*self.inner;
        match inner
            .set
            .get_or_init(|| build(&inner.sources, inner.size_limit).ok())
        {
            Some(set) => set.matches(text).into_iter().collect(),
            None => inner
                .one_by_one
                .iter()
                .enumerate()
                .filter(|(_, regex)| regex.is_match(text))
                .map(|(i, _)| i)
                .collect(),
        }
    }
}

fn build(sources: &[String], size_limit: usize) -> Result<RegexSet, regex::Error> {
    RegexSetBuilder::new(sources).size_limit(size_limit).build()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::grammar::source::Span;

    fn pattern(source: &str, flags: &str) -> Pattern {
        let regex = match LazyRegex::new(source, flags, 1 << 20) {
            Ok(regex) => regex,
            Err(e) => panic!("test pattern {source}: {e:?}"),
        };
        Pattern::new(source.into(), regex, Span::point(0, 0))
    }

    #[test]
    fn built_late_it_answers_as_each_pattern_would_for_the_patterns_asked_about() {
        let patterns = [
            pattern(r"\bmust\b", "i"),
            pattern(r"\d+ percent", ""),
            pattern(r"\bcafé\b", ""),
            // Asked about by no condition, so standing as a pattern that never matches: never
            // reported, though "the" is in every text.
            Pattern::new("the".into(), LazyRegex::never(), Span::point(0, 0)),
        ];
        let lazy = UnicodeSet::lazy(&patterns);
        // A set too large to build: the patterns answer one by one.
        let mut too_large = UnicodeSet::lazy(&patterns);
        match Arc::get_mut(&mut too_large.inner) {
            Some(inner) => inner.size_limit = 16,
            None => panic!("the set was just made"),
        }
        let built = match UnicodeSet::built(&patterns) {
            Ok(set) => set,
            Err(e) => panic!("{e}"),
        };
        for text in [
            "We MUST act: the café lost 40 percent.",
            "The mustard of the café",
            "Le cafés",
        ] {
            let one_by_one: Vec<usize> = (0..patterns.len())
                .filter(|&i| patterns[i].regex.is_match(text))
                .collect();
            assert_eq!(lazy.matches(text), one_by_one, "{text}");
            assert_eq!(built.matches(text), one_by_one, "{text}");
            assert_eq!(too_large.matches(text), one_by_one, "{text}");
        }
        assert_eq!(too_large.inner.set.get().map(Option::is_none), Some(true));
    }
}
