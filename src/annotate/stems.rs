//! Content-word stems: what "the same words" means when a unit is compared with the title,
//! the standfirst or the thesis (echoes, restatements).
//!
//! A stem is the first five letters of a lower-cased, singular content word; stopwords and
//! words shorter than three letters have none. Stems are packed into integers, so that a
//! set of them is a sorted vector of numbers: every unit of a titled text is compared with
//! the title, and sets of strings made that a tenth of the time of a batch.

use std::borrow::Cow;

/// Up to five characters, 21 bits each. No character of a stem is NUL, so stems of different
/// lengths never pack to the same number.
type Stem = u128;

/// The distinct stems of a text.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Stems(Vec<Stem>);

impl Stems {
    pub fn of(text: &str) -> Stems {
        let mut stems = Vec::new();
        for_each_stem(text, |stem| stems.push(stem));
        stems.sort_unstable();
        stems.dedup();
        Stems(stems)
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// How many stems the two sets have in common.
    pub fn shared(&self, other: &Stems) -> usize {
        let (mut a, mut b) = (self.0.iter().peekable(), other.0.iter().peekable());
        let mut shared = 0;
        while let (Some(x), Some(y)) = (a.peek(), b.peek()) {
            match x.cmp(y) {
                std::cmp::Ordering::Less => {
                    a.next();
                }
                std::cmp::Ordering::Greater => {
                    b.next();
                }
                std::cmp::Ordering::Equal => {
                    shared += 1;
                    a.next();
                    b.next();
                }
            }
        }
        shared
    }
}

/// Words too common to say what a sentence is about (a `match` rather than a list: it is
/// asked of every word of every unit of a titled text).
fn is_stopword(word: &str) -> bool {
    matches!(
        word,
        "the"
            | "and"
            | "for"
            | "that"
            | "this"
            | "with"
            | "are"
            | "was"
            | "were"
            | "has"
            | "have"
            | "had"
            | "not"
            | "but"
            | "its"
            | "from"
            | "they"
            | "their"
            | "his"
            | "her"
            | "will"
            | "would"
            | "should"
            | "can"
            | "could"
            | "any"
            | "all"
            | "who"
            | "which"
            | "what"
            | "been"
            | "being"
            | "into"
            | "than"
            | "then"
            | "there"
            | "these"
            | "those"
            | "such"
            | "also"
            | "more"
            | "most"
            | "some"
            | "must"
            | "may"
            | "might"
            | "our"
            | "out"
            | "about"
            | "argues"
            | "argue"
            | "says"
            | "why"
            | "how"
    )
}

/// Calls `f` with the stem of each content word of `text`, in order, repeats included.
fn for_each_stem(text: &str, mut f: impl FnMut(Stem)) {
    let mut lower = String::new();
    for word in text.split(|c: char| !c.is_alphanumeric()) {
        if word.len() < 3 || word.chars().nth(2).is_none() {
            continue;
        }
        lower.clear();
        if word.is_ascii() {
            lower.push_str(word);
            lower.make_ascii_lowercase();
        } else {
            lower.push_str(&word.to_lowercase());
        }
        if is_stopword(&lower) {
            continue;
        }
        let stem = singular(&lower)
            .chars()
            .take(5)
            .fold(0, |packed: Stem, c| packed << 21 | Stem::from(u32::from(c)));
        f(stem);
    }
}

/// The singular of a regular English plural ("cities" → "city", "costs" → "cost"), so that
/// a prefix of five letters names the same word in both numbers; other words are unchanged.
fn singular(word: &str) -> Cow<'_, str> {
    if let Some(stem) = word.strip_suffix("ies").filter(|s| s.len() >= 2) {
        return format!("{stem}y").into();
    }
    match word.strip_suffix('s') {
        Some(stem) if stem.len() >= 3 && !stem.ends_with(['s', 'u', 'i']) => stem.into(),
        _ => word.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A conclusion that says "cities" restates an introduction that said "city": the word
    /// prefixes that echoes and restatements compare must not tell the two numbers apart.
    #[test]
    fn a_word_in_singular_and_plural_has_one_stem() {
        assert_eq!(
            Stems::of("cities and their policies cost"),
            Stems::of("a city and its policy costs")
        );
        // Words that only end in "s" keep it.
        assert_ne!(Stems::of("glass"), Stems::of("glas"));
        assert_eq!(Stems::of("analysis").len(), 1);
        assert_eq!(Stems::of("glass"), Stems::of("Glass"));
    }

    #[test]
    fn stems_are_five_letter_prefixes_of_content_words() {
        // "The", "and", "is", "it" have none; "economy" and "economic" share "econo".
        let a = Stems::of("The economy is weak and it shows.");
        let b = Stems::of("economic weak");
        assert_eq!(a.len(), 3);
        assert_eq!(a.shared(&b), 2);
        assert_eq!(b.shared(&a), 2);
        assert_eq!(a.shared(&Stems::default()), 0);
        // Non-ASCII letters are letters: "Zürich" and "zurich" differ, "Zürichs" is its plural.
        assert_eq!(Stems::of("Zürich").shared(&Stems::of("zürichs")), 1);
        assert_eq!(Stems::of("Zürich").shared(&Stems::of("zurich")), 0);
    }
}
