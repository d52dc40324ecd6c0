//! The rule language: files users read and edit, compiled into lexicons, patterns and rules.
//!
//! See `grammars/default.rules` for the language in use and `syntax.rs` for its grammar.

mod ascii_words;
mod compile;
pub mod error;
mod lazy_regex;
mod lexer;
pub mod needs;
pub mod source;
pub mod syntax;
mod unicode_set;

use std::sync::Arc;

use aho_corasick::AhoCorasick;

pub use lazy_regex::LazyRegex;

pub use compile::{
    load, load_with_text, GrammarSpec, InlineRules, DEFAULT_GRAMMAR_NAME, MAX_PHRASES,
    MAX_REGEX_BYTES, MAX_RULE_FILE_BYTES, MAX_TSV_BYTES,
};
pub use error::{Diagnostics, ErrorKind, GrammarError};
pub use source::{SourceMap, Span};
pub use syntax::{Neighbour, Region, Scope, SplitKind, Target};

use crate::graph::model::{Kind, RelationKind, Role};

#[derive(Debug, Clone)]
pub struct Settings {
    /// A role needs at least this summed weight to be chosen over `default_role`.
    pub threshold: f64,
    pub default_role: Role,
    /// Split rules never leave a piece shorter than this many words.
    pub min_unit_words: usize,
    /// Share of a region's content words a unit must repeat to `echo` it.
    pub echo_overlap: f64,
    /// The kind of a unit no kind rule gave enough weight to (`None`: leave it without one).
    pub default_kind: Option<Kind>,
    /// Added to a role's summed weight on every unit where a rule of that role fired (`bias ROLE
    /// = X` items), indexed by `Role as usize`.
    pub bias: [f64; Role::ALL.len()],
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            threshold: 0.5,
            default_role: Role::Premise,
            min_unit_words: 3,
            echo_overlap: 0.3,
            default_kind: None,
            bias: [0.0; Role::ALL.len()],
        }
    }
}

#[derive(Debug, Clone)]
pub struct Lexicon {
    pub name: String,
    /// The name its cues carry, shared by all of them rather than copied into each.
    pub cue_source: Arc<str>,
    /// Lower-cased, sorted, distinct.
    pub phrases: Vec<String>,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct Pattern {
    pub name: String,
    /// What its cues say they came from, `pattern:NAME`, shared by all of them.
    pub cue_source: Arc<str>,
    /// The pattern itself: its source and flags as written, and its regex.
    pub regex: LazyRegex,
    pub span: Span,
}

impl Pattern {
    pub fn new(name: String, regex: LazyRegex, span: Span) -> Pattern {
        Pattern {
            cue_source: Arc::from(format!("pattern:{name}")),
            name,
            regex,
            span,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Example {
    pub positive: bool,
    pub text: String,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub enum CheckTest {
    StartsWith(usize),
    Contains(usize),
    EndsWith(usize),
    Matches(usize),
    FirstIn(Scope),
    LastIn(Scope),
    In(Region),
    Echoes(Region),
    RoleIs(Role),
    KindIs(Kind),
    IsThesis,
    WordsBelow(usize),
    WordsAbove(usize),
}

/// A compiled condition; each test keeps its span so explanations can quote it.
#[derive(Debug, Clone)]
pub enum Check {
    Test(CheckTest, Span),
    Not(Box<Check>),
    And(Vec<Check>),
    Or(Vec<Check>),
    Neighbour(Neighbour, Box<Check>),
}

#[derive(Debug, Clone)]
pub struct SplitRule {
    pub name: String,
    pub kind: SplitKind,
    pub lexicon: usize,
    pub min_words: usize,
    pub after_comma: bool,
    /// No cut where any of these matches the text right after the cue (anchored there).
    pub unless_next: Vec<LazyRegex>,
    /// `before`: a cut only where this matches the text right after the cue (anchored there).
    pub only_next: Option<LazyRegex>,
    /// `before`: no cut where this matches the words right before the cue, ending there.
    pub unless_prev: Option<LazyRegex>,
    /// `after_lead`: a comma of the opening clause where this matches the text right after it
    /// (anchored there) is inside the clause, not its end.
    pub clause_goes_on: Option<LazyRegex>,
    pub examples: Vec<Example>,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct RoleRule {
    pub name: String,
    pub role: Role,
    pub weight: f64,
    pub priority: i32,
    pub when: Option<Check>,
    pub examples: Vec<Example>,
    pub span: Span,
}

/// A proposition-kind rule: decided like a role rule (priority, then summed weight, then
/// `threshold`), before any role, so role and link rules can ask `kind = fact`.
#[derive(Debug, Clone)]
pub struct KindRule {
    pub name: String,
    pub kind: Kind,
    pub weight: f64,
    pub priority: i32,
    pub when: Option<Check>,
    pub examples: Vec<Example>,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct LinkRule {
    pub name: String,
    pub kind: RelationKind,
    pub target: Target,
    pub weight: f64,
    pub when: Option<Check>,
    pub examples: Vec<Example>,
    pub span: Span,
}

/// A lexicon phrase found in the text (byte range).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Hit {
    pub start: usize,
    pub end: usize,
    pub lexicon: usize,
}

/// A rule weight replaced by a `weight` item: what the rule says and what replaced it.
#[derive(Debug, Clone, PartialEq)]
pub struct TunedWeight {
    /// The weight written in the rule itself.
    pub written: f64,
    pub weight: f64,
    /// Where the `weight` item is.
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct Grammar {
    pub name: String,
    pub settings: Settings,
    pub lexicons: Vec<Lexicon>,
    pub patterns: Vec<Pattern>,
    pub splits: Vec<SplitRule>,
    pub roles: Vec<RoleRule>,
    pub kinds: Vec<KindRule>,
    pub links: Vec<LinkRule>,
    /// Rules whose weight a `weight` item replaced, by name.
    pub tuned: std::collections::BTreeMap<String, TunedWeight>,
    pub sources: SourceMap,
    automaton: AhoCorasick,
    phrases: Vec<String>,
    phrase_lexicons: Vec<Vec<usize>>,
    pattern_set: unicode_set::UnicodeSet,
    /// The same set with ASCII word boundaries, for the texts on which they mean the same:
    /// `None` when some pattern cannot be carried over.
    pattern_set_ascii_words: Option<ascii_words::AsciiWordSet>,
    /// What each role rule, and each kind rule, cannot fire without (see [`needs`]).
    role_needs: needs::Needs,
    kind_needs: needs::Needs,
}

/// `f` of every item, in order, half of them worked out on a second thread: what loading a
/// grammar, which every run waits for, does with its patterns. With no thread to be had (a
/// process at its limit), or after a panic there (which working them here raises again), the
/// second half is worked out here.
fn in_two_halves<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    in_two_halves_owned(items.iter().collect(), f)
}

/// [`in_two_halves`] for items that `f` consumes.
fn in_two_halves_owned<T: Send, R: Send>(mut items: Vec<T>, f: impl Fn(T) -> R + Sync) -> Vec<R> {
    let second = items.split_off(items.len() / 2);
    let all = |items: Vec<T>| items.into_iter().map(&f).collect::<Vec<R>>();
    std::thread::scope(|scope| {
        // The second half goes to the thread by channel once it has started, so that it is
        // still here to be worked out in turn should no thread start (a process at its limit).
        let (tx, rx) = std::sync::mpsc::channel::<Vec<T>>();
        let work = &all;
        let later = std::thread::Builder::new().spawn_scoped(scope, move || rx.recv().map(work));
        match later {
            Ok(handle) => {
                let sent = tx.send(second);
                let mut done = all(items);
                match (sent, handle.join()) {
                    (Ok(()), Ok(Ok(rest))) => done.extend(rest),
                    (Err(unsent), _) => done.extend(all(unsent.0)),
                    // The thread panicked with the second half: its panic goes on here.
                    (Ok(()), Err(panic)) => std::panic::resume_unwind(panic),
                    // It received nothing though the half was sent: cannot happen, as the
                    // sender lives until after the send.
                    (Ok(()), Ok(Err(_))) => {
                        unreachable!("the second half was sent before the sender was dropped")
                    }
                }
                done
            }
            Err(_) => {
                let mut done = all(items);
                done.extend(all(second));
                done
            }
        }
    })
}

/// Whether a one-letter match opens a dotted abbreviation ("i" of "i.e.", "e" of "e.g."):
/// the pronoun "I" must not be found in "i.e.". A letter, a dot, a letter, a dot: "I.Then"
/// (a missing space) keeps its "I".
fn in_dotted_abbreviation(text: &str, start: usize, end: usize) -> bool {
    let mut rest = text[end..].chars();
    text[start..end].chars().count() == 1
        && rest.next() == Some('.')
        && rest.next().is_some_and(char::is_alphabetic)
        && rest.next() == Some('.')
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '\'' || c == '’' || c == '-'
}

impl Grammar {
    /// What each role rule cannot fire without, in rule order.
    pub fn role_needs(&self) -> &needs::Needs {
        &self.role_needs
    }

    /// What each kind rule cannot fire without, in rule order.
    pub fn kind_needs(&self) -> &needs::Needs {
        &self.kind_needs
    }

    /// The embedded default grammar alone.
    pub fn default_grammar() -> Result<Grammar, Diagnostics> {
        load(&GrammarSpec::default())
    }

    pub fn lexicon_index(&self, name: &str) -> Option<usize> {
        self.lexicons.iter().position(|l| l.name == name)
    }

    /// Every lexicon phrase in `text` on word boundaries, sorted by position: one pass of the
    /// automaton for all lexicons. A phrase with a straight apostrophe also matches the typeset
    /// one (`’`): the automaton holds both spellings.
    pub fn scan(&self, text: &str) -> Vec<Hit> {
        let mut hits = Vec::new();
        for m in self.automaton.find_overlapping_iter(text) {
            let (start, end) = (m.start(), m.end());
            let before_ok = text[..start]
                .chars()
                .next_back()
                .is_none_or(|c| !is_word_char(c));
            let after_ok = text[end..].chars().next().is_none_or(|c| !is_word_char(c));
            let phrase_ends_in_word = self.phrases[m.pattern().as_usize()]
                .chars()
                .next_back()
                .is_some_and(is_word_char);
            if before_ok
                && (after_ok || !phrase_ends_in_word)
                && !in_dotted_abbreviation(text, start, end)
            {
                for &lexicon in &self.phrase_lexicons[m.pattern().as_usize()] {
                    hits.push(Hit {
                        start,
                        end,
                        lexicon,
                    });
                }
            }
        }
        hits.sort();
        hits.dedup();
        hits
    }

    /// Indices of the patterns that match `text`, in order: one pass over each pattern set.
    pub fn matching_patterns(&self, text: &str) -> Vec<usize> {
        self.matching_patterns_each(&[text])
            .pop()
            .unwrap_or_default()
    }

    /// [`Grammar::matching_patterns`] of each of `texts`: the units of one document, which
    /// the sets search together (see `AsciiWordSet::matches_each`).
    pub fn matching_patterns_each(&self, texts: &[&str]) -> Vec<Vec<usize>> {
        // Unicode word boundaries make the set's lazy DFA give up on any non-ASCII byte, and
        // the fallback costs 20 times as much: a curly quote in a unit tripled the time spent
        // here on the benchmark batch.
        let Some(ascii) = self.pattern_set_ascii_words.as_ref() else {
            return texts.iter().map(|t| self.pattern_set.matches(t)).collect();
        };
        ascii
            .matches_each(texts)
            .into_iter()
            .zip(texts)
            .map(|(found, text)| found.unwrap_or_else(|| self.pattern_set.matches(text)))
            .collect()
    }

    pub fn rule_location(&self, span: Span) -> String {
        self.sources.file_line(span)
    }

    /// The source text of a condition, as written in the rule file.
    pub fn check_text(&self, check: &Check) -> String {
        match check {
            Check::Test(_, span) => {
                self.sources.files[span.file].text[span.start..span.end].to_string()
            }
            // `role != R` and `kind != K` are parsed as a negated test whose span already
            // reads `!=`.
            Check::Not(c)
                if matches!(**c, Check::Test(..)) && self.check_text(c).contains("!=") =>
            {
                self.check_text(c)
            }
            Check::Not(c) => format!("not {}", self.check_text(c)),
            Check::And(cs) => cs
                .iter()
                .map(|c| self.check_text(c))
                .collect::<Vec<_>>()
                .join(" and "),
            Check::Or(cs) => format!(
                "({})",
                cs.iter()
                    .map(|c| self.check_text(c))
                    .collect::<Vec<_>>()
                    .join(" or ")
            ),
            Check::Neighbour(n, c) => {
                let p = match n {
                    Neighbour::Prev => "prev",
                    Neighbour::Next => "next",
                    Neighbour::Sentence => "sentence",
                };
                format!("{p}.{}", self.check_text(c))
            }
        }
    }
}

#[cfg(test)]
pub(crate) mod tests;
