//! The grammar's pattern set once more, with every Unicode word boundary made an ASCII one.
//!
//! A lazy DFA cannot look at the character before a position, so with Unicode `\b` it gives
//! up at the first non-ASCII byte and the set falls back to the PikeVM, which costs some 20
//! times as much per byte. Editorials are full of curly quotes, dashes and pound signs, none of
//! them word characters: on a text whose only non-ASCII characters are such, Unicode and ASCII
//! boundaries fall in exactly the same places (a non-ASCII byte is a non-word byte to the ASCII
//! boundary), so this set answers exactly as the Unicode one does, and stays in the DFA.
//!
//! Names and loanwords ("Martín", "café", "naïve") bring non-ASCII letters. Such a letter is
//! searched as `_`, the one ASCII word character that almost no class of the default grammar
//! tells apart from a lower-case non-ASCII letter: the boundaries then fall where the Unicode
//! ones do, and every class answers for `_` as it would for the letter. Where some class or
//! literal of the grammar does tell a character apart from `_` (a capital, which `\p{Lu}`
//! matches; the Kelvin sign, which `(?i)k` matches; digits of other scripts, which `\d`
//! matches), that pattern is asked again on the text itself whenever the text holds such a
//! character, and so is a pattern with a literal `_`, which a searched-as letter could
//! complete. A text that would send back more than a few patterns is left to the Unicode set.

use std::borrow::Cow;

use std::panic::{RefUnwindSafe, UnwindSafe};
use std::sync::Arc;

use regex_automata::nfa::thompson;
use regex_automata::util::pool::Pool;
use regex_automata::{hybrid, meta, Anchored, Input, MatchKind, PatternSet};
use regex_syntax::hir::{
    Capture, Class, ClassUnicode, ClassUnicodeRange, Hir, HirKind, Look, Repetition,
};

use super::compile::MAX_REGEX_SET_BYTES;
use super::Pattern;

/// How many patterns share one set. Searching all of a grammar's patterns at once in one lazy
/// DFA makes its states the product of every pattern's progress: on real commentary that
/// product never stops growing, the DFA kept building states (and filled a 32 MiB cache per
/// worker), and the one pass cost more than several passes over smaller sets whose states
/// repeat. Measured with callgrind on the three dev sets as one batch: one set of all 45
/// default patterns 3.25 G instructions, sets of 24 2.29 G, of 16 2.14 G, of 8 1.98 G; on the
/// synthetic benchmark batch, whose few sentence shapes keep even the one set small, sets of 8
/// cost 11% more than one set.
const PATTERNS_PER_SET: usize = 8;

/// Room for each set's lazy DFA states. Sets of [`PATTERNS_PER_SET`] patterns use a few MiB
/// on real commentary; the default 2 MiB made them clear and rebuild their states.
const HYBRID_CACHE_BYTES: usize = 8 << 20;

/// How many distinct classes beyond ASCII a thread remembers carried over (see
/// `ascii_boundaries`); the default grammar has a few dozen.
const MAX_CARRIED_CLASSES: usize = 256;

/// What a non-ASCII word character is searched as.
const STAND_IN: char = '_';

/// How many patterns a text may send back to their own regex before the Unicode set answers
/// for it instead: a pattern's regex on a text with non-ASCII letters runs in the PikeVM or the
/// backtracker, and past a dozen of them one pass of the Unicode set costs less. (The default
/// grammar sends nine back on a text with a digit of another script: at eight, every such
/// text took the slow set.)
const MAX_ASKED_AGAIN: usize = 12;

#[derive(Debug, Clone)]
pub struct AsciiWordSet {
    /// The patterns in groups of at most [`PATTERNS_PER_SET`], each one set.
    sets: Vec<Group>,
    /// The patterns that tell some non-ASCII word character apart from [`STAND_IN`]: on a text
    /// holding one of those, the set's answer for them is not theirs.
    telling_apart: Vec<TellsApart>,
    /// Each set's lazy DFA cache, one per thread searching at once.
    caches: Arc<Caches>,
}

#[derive(Debug, Clone)]
struct TellsApart {
    index: usize,
    /// The characters a class or literal of the pattern tells apart from the stand-in.
    characters: ClassUnicode,
    /// A literal stand-in, which a stood-in character could complete.
    literal_stand_in: bool,
    regex: super::LazyRegex,
}

impl AsciiWordSet {
    /// `None` when a pattern uses a boundary with no exact ASCII twin (`\B`) or the set
    /// cannot be built: the Unicode set then answers for every text.
    ///
    /// `parsed` holds the syntax tree of some patterns, by index, as loading parsed them
    /// (parsing is most of the cost of these sets); the others are parsed here.
    pub fn new(patterns: &[Pattern], mut parsed: Vec<Option<Hir>>) -> Option<AsciiWordSet> {
        let non_ascii_word = non_ascii_word_characters()?;
        parsed.resize(patterns.len(), None);
        let trees: Vec<(&Pattern, Option<Hir>)> = patterns.iter().zip(parsed).collect();
        // Each pattern is carried over to ASCII boundaries once, here: both the grouping and
        // the sets read the result.
        let carried = super::in_two_halves_owned(trees, |(p, hir)| {
            let mut seen = Seen::default();
            let hir = hir.unwrap_or_else(|| p.regex.hir());
            ascii_boundaries(hir, non_ascii_word, &mut seen).map(|hir| (hir, seen))
        })
        .into_iter()
        .collect::<Option<Vec<(Hir, Seen)>>>()?;
        let telling_apart = carried
            .iter()
            .zip(patterns)
            .enumerate()
            .filter(|(_, ((_, seen), _))| {
                seen.literal_stand_in || !seen.told_apart.ranges().is_empty()
            })
            .map(|(index, ((_, seen), p))| TellsApart {
                index,
                characters: seen.told_apart.clone(),
                literal_stand_in: seen.literal_stand_in,
                regex: p.regex.clone(),
            })
            .collect();
        // A set whose every pattern can only match at the start of the text ("^\W*(?:but|…)",
        // 32 of the default grammar's 111) is searched anchored, and its lazy DFA stops where
        // none of them can go on, a few words in; mixed with patterns that match anywhere, it
        // would read every unit to its end. So such patterns are grouped apart.
        // A pattern that comes out as the regex that never matches (one no condition asks about
        // stands in as it) is left out: a set searches every byte of a unit whatever its
        // patterns, so each set of them cost a pass over every unit for nothing. Only that
        // regex: `minimum_len()` says `None` for `x[àé]?` too, whose class of non-ASCII letters
        // is empty on a searched text but which matches "x".
        let never = Hir::fail();
        let can_match: Vec<usize> = (0..carried.len())
            .filter(|&i| carried[i].0 != never)
            .collect();
        let (at_start, anywhere): (Vec<usize>, Vec<usize>) =
            can_match.into_iter().partition(|&i| {
                carried[i]
                    .0
                    .properties()
                    .look_set_prefix()
                    .contains(Look::Start)
            });
        let groups: Vec<(Anchored, &[usize])> = at_start
            .chunks(PATTERNS_PER_SET)
            .map(|g| (Anchored::Yes, g))
            .chain(anywhere.chunks(PATTERNS_PER_SET).map(|g| (Anchored::No, g)))
            .collect();
        // The sets are the larger part of loading a grammar.
        let sets = super::in_two_halves(&groups, |&(anchored, indices)| {
            Group::build(anchored, indices, &carried)
        })
        .into_iter()
        .collect::<Option<Vec<Group>>>()?;
        for (p, (hir, _)) in patterns.iter().zip(carried) {
            p.regex.keep_plain_hir(hir);
        }
        let dfas: Vec<Option<hybrid::dfa::DFA>> = sets
            .iter()
            .map(|g: &Group| match &g.engine {
                Engine::Lazy(dfa) => Some((**dfa).clone()),
                Engine::Meta(_) => None,
            })
            .collect();
        let caches: Caches = Pool::new(Box::new(move || {
            dfas.iter()
                .map(|dfa| dfa.as_ref().map(hybrid::dfa::DFA::create_cache))
                .collect()
        }));
        Some(AsciiWordSet {
            sets,
            telling_apart,
            caches: Arc::new(caches),
        })
    }

    /// Indices of the patterns that match each of `texts` (the units of one document), in
    /// order, exactly as the Unicode set would give them; `None` for a text that would send
    /// too many patterns to be asked again (see [`MAX_ASKED_AGAIN`]), or should a set's search
    /// fail.
    ///
    /// Searched a set at a time over all the texts, rather than a text at a time over all the
    /// sets: a set's lazy DFA has some hundred byte classes, so each of its states takes half
    /// a KiB of transitions, and the states a document's units need of all twelve sets did not
    /// stay in the core's caches from one unit to the next. The generated benchmark batch took
    /// 9% less time at `-j 1` (1.10 s to 1.00 s); the dev sets, of a few units per document,
    /// 1% less.
    pub fn matches_each(&self, texts: &[&str]) -> Vec<Option<Vec<usize>>> {
        let prepared: Vec<Option<Prepared>> = texts.iter().map(|t| self.prepare(t)).collect();
        let mut results: Vec<Option<Vec<usize>>> = prepared
            .iter()
            .map(|p| p.as_ref().map(|_| Vec::new()))
            .collect();
        let mut found = PatternSet::new(PATTERNS_PER_SET);
        let mut caches = self.caches.get();
        for (group, cache) in self.sets.iter().zip(caches.iter_mut()) {
            for (p, result) in prepared.iter().zip(results.iter_mut()) {
                let (Some(p), Some(matches)) = (p, result.as_mut()) else {
                    continue;
                };
                found.clear();
                let input = Input::new(p.searched.as_ref()).anchored(group.anchored);
                // A failed search (which cannot happen, see `which_patterns_match`) leaves the
                // text to the Unicode set.
                let searched = match (&group.engine, cache.as_mut()) {
                    (Engine::Lazy(dfa), Some(cache)) => {
                        which_patterns_match(dfa, cache, &input, &mut found).is_some()
                    }
                    (Engine::Meta(set), _) => {
                        set.which_overlapping_matches(&input, &mut found);
                        true
                    }
                    (Engine::Lazy(_), None) => false,
                };
                if searched {
                    matches.extend(found.iter().map(|id| group.indices[id.as_usize()]));
                } else {
                    *result = None;
                }
            }
        }
        drop(caches);
        for ((p, result), text) in prepared.iter().zip(results.iter_mut()).zip(texts) {
            let (Some(p), Some(matches)) = (p, result.as_mut()) else {
                continue;
            };
            // Each set answers in pattern order, but the sets do not follow one another in it.
            matches.sort_unstable();
            for pattern in &p.asked_again {
                let on_text = pattern.regex.is_match(text);
                match (matches.binary_search(&pattern.index), on_text) {
                    (Ok(at), false) => {
                        matches.remove(at);
                    }
                    (Err(at), true) => matches.insert(at, pattern.index),
                    _ => {}
                }
            }
        }
        results
    }

    /// `text` as the sets search it, and the patterns to ask again on `text` itself; `None`
    /// when there would be too many of those.
    fn prepare<'t>(&self, text: &'t str) -> Option<Prepared<'t, '_>> {
        let (searched, stood_in) = stand_in(text);
        let asked_again: Vec<&TellsApart> = if stood_in.is_empty() {
            Vec::new()
        } else {
            self.telling_apart
                .iter()
                .filter(|p| p.literal_stand_in || stood_in.iter().any(|&c| holds(&p.characters, c)))
                .collect()
        };
        (asked_again.len() <= MAX_ASKED_AGAIN).then_some(Prepared {
            searched,
            asked_again,
        })
    }
}

/// One text made ready for the sets (see [`AsciiWordSet::prepare`]).
struct Prepared<'t, 's> {
    /// The text with every non-ASCII word character stood in.
    searched: Cow<'t, str>,
    /// The patterns whose sets' answer on `searched` may not be theirs on the text.
    asked_again: Vec<&'s TellsApart>,
}

/// The patterns of `dfa` that match anywhere in `input` (the whole of its haystack), added to
/// `found`: what `try_which_overlapping_matches` finds, in one walk of the text. That search
/// hands every match back to its caller and records its progress at every byte, which took 30
/// instructions a byte; this walk takes the next state straight from the table while the
/// state is an ordinary one, and asks the DFA (which computes states not yet built) only at the
/// rare special ones (a match, a state not yet built, the dead state). `None` should the search
/// fail, which the sets' DFAs cannot: they quit on no byte, and with no minimum set for cache
/// clears they never give up.
fn which_patterns_match(
    dfa: &hybrid::dfa::DFA,
    cache: &mut hybrid::dfa::Cache,
    input: &Input<'_>,
    found: &mut PatternSet,
) -> Option<()> {
    // Where a pattern can match the empty string, the library's search leaves out every match
    // that ends inside a character of UTF-8 text (and an anchored search stops at the first):
    // such a set keeps that search. One of the default grammar's start-anchored sets is one
    // (`shouted`, `^[^a-z]*$`, matches an empty unit).
    if dfa.get_nfa().has_empty() {
        return dfa.try_which_overlapping_matches(cache, input, found).ok();
    }
    let haystack = input.haystack();
    let mut state = dfa.start_state_forward(cache, input).ok()?;
    // The cache counts the bytes searched between clears, as the library's search has it do;
    // only a limit on clears (which the sets do not set) reads the count.
    cache.search_start(0);
    let mut at = 0;
    let mut walked_to_end = true;
    while let Some(&byte) = haystack.get(at) {
        if !state.is_tagged() {
            let next = dfa.next_state_untagged(cache, state, byte);
            if !next.is_tagged() {
                state = next;
                at += 1;
                continue;
            }
        }
        state = dfa.next_state(cache, state, byte).ok()?;
        at += 1;
        if !state.is_tagged() {
            continue;
        }
        if state.is_match() {
            add_matches(dfa, cache, state, found);
            if found.is_full() {
                walked_to_end = false;
                break;
            }
        } else if state.is_dead() {
            walked_to_end = false;
            break;
        } else if state.is_quit() {
            cache.search_finish(at);
            return None;
        }
    }
    cache.search_finish(at);
    if walked_to_end {
        // Matches show one byte late: the end of the text is one more step.
        state = dfa.next_eoi_state(cache, state).ok()?;
        if state.is_match() {
            add_matches(dfa, cache, state, found);
        }
    }
    Some(())
}

/// Adds to `found` every pattern that match state `state` reports.
fn add_matches(
    dfa: &hybrid::dfa::DFA,
    cache: &hybrid::dfa::Cache,
    state: hybrid::LazyStateID,
    found: &mut PatternSet,
) {
    for i in 0..dfa.match_len(cache, state) {
        // A set holds at most `PATTERNS_PER_SET` patterns, the room `found` was made with.
        let _ = found.try_insert(dfa.match_pattern(cache, state, i));
    }
}

/// One set of at most [`PATTERNS_PER_SET`] patterns.
#[derive(Debug, Clone)]
struct Group {
    /// The grammar's index of each of the set's patterns, in the set's order.
    indices: Vec<usize>,
    /// `Yes` when every pattern of the set matches only at the start of the text.
    anchored: Anchored,
    engine: Engine,
}

#[derive(Debug, Clone)]
enum Engine {
    /// A lazy DFA alone rather than a `meta::Regex`: a set answers which patterns match, never
    /// where, so it needs no reverse automaton, backtracker or one-pass DFA, which the meta
    /// regex builds for every set (half of building the sets, which every run waits for).
    Lazy(Box<hybrid::dfa::DFA>),
    /// A set whose lazy DFA needs more room than [`HYBRID_CACHE_BYTES`] to start (patterns of
    /// thousands of alternatives): the meta regex answers for it in its PikeVM, as it did for
    /// every set before.
    Meta(meta::Regex),
}

impl Group {
    /// The set of the patterns at `indices`, from each pattern carried over to ASCII
    /// boundaries.
    fn build(anchored: Anchored, indices: &[usize], carried: &[(Hir, Seen)]) -> Option<Group> {
        let hirs: Vec<&Hir> = indices.iter().map(|&i| &carried[i].0).collect();
        let nfa = thompson::Compiler::new()
            .configure(
                thompson::Config::new()
                    .nfa_size_limit(Some(MAX_REGEX_SET_BYTES))
                    // Capture states would only lengthen every state the lazy DFA builds (1%
                    // of a batch's instructions).
                    .which_captures(thompson::WhichCaptures::None),
            )
            .build_many_from_hir(&hirs)
            .ok()?;
        let lazy = hybrid::dfa::Builder::new()
            .configure(
                hybrid::dfa::Config::new()
                    .match_kind(MatchKind::All)
                    .cache_capacity(HYBRID_CACHE_BYTES),
            )
            .build_from_nfa(nfa);
        let engine = match lazy {
            Ok(dfa) => Engine::Lazy(Box::new(dfa)),
            Err(_) => Engine::Meta(
                meta::Builder::new()
                    .configure(
                        meta::Config::new()
                            .match_kind(MatchKind::All)
                            .nfa_size_limit(Some(MAX_REGEX_SET_BYTES))
                            .hybrid_cache_capacity(HYBRID_CACHE_BYTES)
                            .which_captures(thompson::WhichCaptures::None)
                            .auto_prefilter(false),
                    )
                    .build_many_from_hir(&hirs)
                    .ok()?,
            ),
        };
        Some(Group {
            indices: indices.to_vec(),
            anchored,
            engine,
        })
    }
}

/// Each set's lazy DFA cache, for one thread at a time.
type Caches = Pool<
    Vec<Option<hybrid::dfa::Cache>>,
    Box<dyn Fn() -> Vec<Option<hybrid::dfa::Cache>> + Send + Sync + UnwindSafe + RefUnwindSafe>,
>;

/// `text` with every non-ASCII word character made [`STAND_IN`] (borrowed when there is none),
/// and the distinct characters that were.
fn stand_in(text: &str) -> (Cow<'_, str>, Vec<char>) {
    // Most units are plain ASCII: checked a word at a time rather than decoded char by char.
    if text.is_ascii() {
        return (Cow::Borrowed(text), Vec::new());
    }
    let Some(first) = text.find(is_stood_in) else {
        return (Cow::Borrowed(text), Vec::new());
    };
    let mut searched = String::with_capacity(text.len());
    let mut stood_in = Vec::new();
    searched.push_str(&text[..first]);
    for c in text[first..].chars() {
        if is_stood_in(c) {
            if !stood_in.contains(&c) {
                stood_in.push(c);
            }
            searched.push(STAND_IN);
        } else {
            searched.push(c);
        }
    }
    (Cow::Owned(searched), stood_in)
}

fn holds(class: &ClassUnicode, c: char) -> bool {
    class
        .ranges()
        .binary_search_by(|r| {
            if r.end() < c {
                std::cmp::Ordering::Less
            } else if r.start() > c {
                std::cmp::Ordering::Greater
            } else {
                std::cmp::Ordering::Equal
            }
        })
        .is_ok()
}

/// `hir` with ASCII word boundaries and classes that answer alike on a text holding no
/// non-ASCII word character: on such a text it matches exactly where `hir` does. `None` when
/// some boundary has no ASCII twin (`\B`).
pub(super) fn on_text_without_non_ascii_words(hir: Hir) -> Option<Hir> {
    ascii_boundaries(hir, non_ascii_word_characters()?, &mut Seen::default())
}

/// Whether `text` holds a word character outside ASCII.
pub(super) fn holds_non_ascii_word(text: &str) -> bool {
    !text.is_ascii() && text.chars().any(is_stood_in)
}

fn is_stood_in(c: char) -> bool {
    !c.is_ascii() && regex_syntax::try_is_word_character(c).unwrap_or(true)
}

/// The word characters (`\w`) outside ASCII, worked out once per process.
fn non_ascii_word_characters() -> Option<&'static ClassUnicode> {
    static WORD: std::sync::OnceLock<Option<ClassUnicode>> = std::sync::OnceLock::new();
    WORD.get_or_init(|| {
        let hir = regex_syntax::Parser::new().parse(r"\w").ok()?;
        let HirKind::Class(Class::Unicode(mut word)) = hir.into_kind() else {
            return None;
        };
        word.difference(&ClassUnicode::new([ClassUnicodeRange::new('\0', '\x7f')]));
        Some(word)
    })
    .as_ref()
}

/// What a pattern's classes and literals make of non-ASCII word characters.
struct Seen {
    told_apart: ClassUnicode,
    literal_stand_in: bool,
}

impl Default for Seen {
    fn default() -> Seen {
        Seen {
            told_apart: ClassUnicode::empty(),
            literal_stand_in: false,
        }
    }
}

impl Seen {
    fn class(&mut self, class: &ClassUnicode, non_ascii_word: &ClassUnicode) {
        // A class holding the stand-in must hold every such character, one without it none.
        let holds_stand_in = class
            .ranges()
            .iter()
            .any(|r| r.start() <= STAND_IN && STAND_IN <= r.end());
        if !holds_stand_in && class.is_ascii() {
            // Most classes of a grammar (`[Ee]`, `[A-Za-z]`): nothing to tell apart.
            return;
        }
        let mut differing = non_ascii_word.clone();
        if holds_stand_in {
            differing.difference(class);
        } else {
            differing.intersect(class);
        }
        self.told_apart.union(&differing);
    }

    fn literal(&mut self, bytes: &[u8], non_ascii_word: &ClassUnicode) {
        let text = String::from_utf8_lossy(bytes);
        self.literal_stand_in |= text.contains(STAND_IN);
        for c in text.chars().filter(|c| !c.is_ascii()) {
            let one = ClassUnicode::new([ClassUnicodeRange::new(c, c)]);
            self.class(&one, non_ascii_word);
        }
    }
}

/// A class that matches every character of a searched text exactly as `class` does, with the
/// fewest ranges. A searched text holds no non-ASCII word character (each became the stand-in),
/// so whether a class holds them does not matter: `\w` can be `[0-9A-Z_a-z]`, and `\W` all but
/// those. Unicode's word characters are some 770 ranges, which every class built on them
/// compiled to UTF-8 automata in each set: most of the cost of building the sets, and states
/// the lazy DFA had to carry.
fn searched_class(class: ClassUnicode, non_ascii_word: &ClassUnicode) -> ClassUnicode {
    // Most classes of a grammar are a case-insensitive letter, `[Ee]`.
    if class.is_ascii() {
        return class;
    }
    let mut without = class.clone();
    without.difference(non_ascii_word);
    if without.ranges().len() <= 4 {
        return without;
    }
    // The union, as the complement of what neither holds: `union` sorts all the ranges again,
    // which on the default grammar's thousand classes cost more than the sets saved.
    let mut with = class;
    with.negate();
    with.difference(non_ascii_word);
    with.negate();
    if with.ranges().len() < without.ranges().len() {
        with
    } else {
        without
    }
}

fn ascii_boundaries(hir: Hir, non_ascii_word: &ClassUnicode, seen: &mut Seen) -> Option<Hir> {
    let mut each = |subs: Vec<Hir>| {
        subs.into_iter()
            .map(|h| ascii_boundaries(h, non_ascii_word, seen))
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
            // An ASCII boundary the pattern itself asks for (`(?-u:\b)`) sees a non-ASCII
            // letter as no word character, and the stand-in as one: on a text holding such a
            // letter, the pattern is asked again.
            ascii @ (Look::WordAscii
            | Look::WordStartAscii
            | Look::WordEndAscii
            | Look::WordStartHalfAscii
            | Look::WordEndHalfAscii) => {
                seen.told_apart.union(non_ascii_word);
                ascii
            }
            other => other,
        }),
        HirKind::Repetition(r) => Hir::repetition(Repetition {
            sub: Box::new(ascii_boundaries(*r.sub, non_ascii_word, seen)?),
            ..r
        }),
        HirKind::Capture(c) => Hir::capture(Capture {
            sub: Box::new(ascii_boundaries(*c.sub, non_ascii_word, seen)?),
            ..c
        }),
        HirKind::Concat(subs) => Hir::concat(each(subs)?),
        HirKind::Alternation(subs) => Hir::alternation(each(subs)?),
        HirKind::Empty => Hir::empty(),
        HirKind::Literal(l) => {
            seen.literal(&l.0, non_ascii_word);
            Hir::literal(l.0)
        }
        HirKind::Class(Class::Unicode(c)) if c.is_ascii() => {
            seen.class(&c, non_ascii_word);
            Hir::class(Class::Unicode(c))
        }
        HirKind::Class(Class::Unicode(c)) => {
            // A grammar writes the same few classes beyond ASCII again and again (`\w`,
            // `[\w'’-]`, `\S`, `.`): each costs set operations on Unicode's 770 ranges of word
            // characters, a tenth of loading the grammar when worked out for every occurrence.
            thread_local! {
                // Per class: the characters it tells apart from the stand-in, and its class on
                // a searched text.
                static CARRIED: std::cell::RefCell<Vec<(ClassUnicode, ClassUnicode, ClassUnicode)>> =
                    const { std::cell::RefCell::new(Vec::new()) };
            }
            let (told_apart, searched) = CARRIED.with_borrow_mut(|carried| {
                if let Some((_, told_apart, searched)) =
                    carried.iter().find(|(class, ..)| *class == c)
                {
                    return (told_apart.clone(), searched.clone());
                }
                let mut own = Seen::default();
                own.class(&c, non_ascii_word);
                let searched = searched_class(c.clone(), non_ascii_word);
                let found = (own.told_apart.clone(), searched.clone());
                // A server loading grammar after grammar keeps only the latest classes.
                if carried.len() >= MAX_CARRIED_CLASSES {
                    carried.clear();
                }
                carried.push((c, own.told_apart, searched));
                found
            });
            if !told_apart.ranges().is_empty() {
                seen.told_apart.union(&told_apart);
            }
            Hir::class(Class::Unicode(searched))
        }
        HirKind::Class(Class::Bytes(c)) => {
            // A byte class sees the bytes of a character, not the character: unless it holds
            // neither the stand-in nor any byte of a non-ASCII character (like the empty class
            // that never matches), no character can stand in for another.
            if c.ranges()
                .iter()
                .any(|r| r.end() >= 0x80 || (r.start()..=r.end()).contains(&(STAND_IN as u8)))
            {
                seen.told_apart.union(non_ascii_word);
            }
            Hir::class(Class::Bytes(c))
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::grammar::tests::{ascii_sets, built_in, corpus_lines};

    /// The walk of [`which_patterns_match`] finds, set by set, what the library's overlapping
    /// search finds: on every line of the reference articles (start-anchored sets meet their
    /// dead state a few words in), on texts that end in a match (which shows only at the
    /// end-of-text step), and again with each set's cache too small to hold more than a few
    /// states, so that building a state clears the cache in the middle of a walk.
    #[test]
    fn the_walk_finds_what_the_overlapping_search_finds() {
        let g = built_in();
        let set = ascii_sets(&g);
        let mut texts: Vec<String> = vec![
            String::new(),
            "But we must act".into(),
            "It is not true?".into(),
            "Yes, and 40 percent".into(),
        ];
        texts.extend(corpus_lines());
        let (mut compared, mut found_any, mut clears) = (0, 0, 0);
        for group in &set.sets {
            // A set with a pattern that can match the empty string keeps the library's search:
            // comparing it with itself would prove nothing.
            let Engine::Lazy(dfa) = &group.engine else {
                continue;
            };
            if dfa.get_nfa().has_empty() {
                continue;
            }
            let cramped = hybrid::dfa::Builder::new()
                .configure(
                    hybrid::dfa::Config::new()
                        .match_kind(MatchKind::All)
                        .cache_capacity(0)
                        .skip_cache_capacity_check(true),
                )
                .build_from_nfa(dfa.get_nfa().clone())
                .expect("the set's NFA builds a lazy DFA with the smallest cache");
            for dfa in [&**dfa, &cramped] {
                let mut cache = dfa.create_cache();
                for text in &texts {
                    let (searched, _) = stand_in(text);
                    let input = Input::new(searched.as_ref()).anchored(group.anchored);
                    let mut walked = PatternSet::new(PATTERNS_PER_SET);
                    let mut library = PatternSet::new(PATTERNS_PER_SET);
                    let before = cache.clear_count();
                    assert!(which_patterns_match(dfa, &mut cache, &input, &mut walked).is_some());
                    clears += cache.clear_count() - before;
                    dfa.try_which_overlapping_matches(&mut cache, &input, &mut library)
                        .expect("the sets' DFAs never fail");
                    let ids = |s: &PatternSet| s.iter().map(|p| p.as_usize()).collect::<Vec<_>>();
                    assert_eq!(ids(&walked), ids(&library), "{text:?}");
                    compared += 1;
                    found_any += usize::from(!walked.is_empty());
                }
            }
        }
        assert!(
            compared > 1000 && found_any > compared / 10,
            "{found_any} of {compared}"
        );
        assert!(
            clears > 100,
            "the small caches were cleared only {clears} times"
        );
    }
}
