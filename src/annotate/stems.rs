//! Content-word stems: what "the same words" means when a unit is compared with the title,
//! the standfirst or the thesis (echoes, restatements).
//!
//! A stem is the first five letters of a lower-cased, singular content word; stopwords and
//! words shorter than three letters have none. Stems are packed into integers, so that a
//! set of them is a sorted vector of numbers: every unit of a titled text is compared with
//! the title, and sets of strings made that a tenth of the time of a batch.

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
fn is_stopword(word: &[u8]) -> bool {
    matches!(
        word,
        b"the"
            | b"and"
            | b"for"
            | b"that"
            | b"this"
            | b"with"
            | b"are"
            | b"was"
            | b"were"
            | b"has"
            | b"have"
            | b"had"
            | b"not"
            | b"but"
            | b"its"
            | b"from"
            | b"they"
            | b"their"
            | b"his"
            | b"her"
            | b"will"
            | b"would"
            | b"should"
            | b"can"
            | b"could"
            | b"any"
            | b"all"
            | b"who"
            | b"which"
            | b"what"
            | b"been"
            | b"being"
            | b"into"
            | b"than"
            | b"then"
            | b"there"
            | b"these"
            | b"those"
            | b"such"
            | b"also"
            | b"more"
            | b"most"
            | b"some"
            | b"must"
            | b"may"
            | b"might"
            | b"our"
            | b"out"
            | b"about"
            | b"argues"
            | b"argue"
            | b"says"
            | b"why"
            | b"how"
    )
}

/// Calls `f` with the stem of each content word of `text`, in order, repeats included.
fn for_each_stem(text: &str, f: impl FnMut(Stem)) {
    if text.is_ascii() {
        for_each_ascii_stem(text.as_bytes(), f);
    } else {
        for_each_stem_of_any_text(text, f);
    }
}

/// [`for_each_stem`] on ASCII text, split on bytes, each word lower-cased into one buffer
/// kept for the whole text: every unit of a titled text has its stems collected, and
/// splitting it char by char and building each plural's singular as a string of its own was a
/// quarter of that time (80 million instructions before, 61 after, over the first 500
/// documents of the benchmark batch; callgrind).
fn for_each_ascii_stem(text: &[u8], mut f: impl FnMut(Stem)) {
    let mut lower = Vec::new();
    for word in text.split(|b| !b.is_ascii_alphanumeric()) {
        if word.len() < 3 {
            continue;
        }
        lower.clear();
        lower.extend(word.iter().map(u8::to_ascii_lowercase));
        if is_stopword(&lower) {
            continue;
        }
        let (kept, then_y) = singular(&lower);
        f(packed(
            lower[..kept]
                .iter()
                .map(|&b| char::from(b))
                .chain(then_y.then_some('y')),
        ));
    }
}

fn for_each_stem_of_any_text(text: &str, mut f: impl FnMut(Stem)) {
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
        if is_stopword(lower.as_bytes()) {
            continue;
        }
        let (kept, then_y) = singular(lower.as_bytes());
        // `singular` only ever drops ASCII letters from the end: `kept` is a char boundary.
        f(packed(lower[..kept].chars().chain(then_y.then_some('y'))));
    }
}

/// The singular of a regular English plural, lower-cased ("cities" → "city", "costs" →
/// "cost"), so that a prefix of five letters names the same word in both numbers; other words
/// are unchanged. Given as how many bytes of `word` it keeps, and whether a "y" follows them.
fn singular(word: &[u8]) -> (usize, bool) {
    let n = word.len();
    if word.ends_with(b"ies") && n - 3 >= 2 {
        return (n - 3, true);
    }
    match word.strip_suffix(b"s") {
        Some(stem) if stem.len() >= 3 && !matches!(stem.last(), Some(b's' | b'u' | b'i')) => {
            (n - 1, false)
        }
        _ => (n, false),
    }
}

/// A stem: the first five of `chars`, 21 bits each.
fn packed(chars: impl Iterator<Item = char>) -> Stem {
    chars
        .take(5)
        .fold(0, |packed: Stem, c| packed << 21 | Stem::from(u32::from(c)))
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

    /// ASCII text takes a path of its own; it must find the stems the general one finds, in
    /// the same order, on every word shape: stopwords in any case, plurals in "ies" and "s"
    /// at and around the lengths where the rules change, digits, words over five letters.
    #[test]
    fn ascii_text_gets_the_stems_the_general_path_gets() {
        let mut texts = vec![
            "The AND Should SHOULD argues Argues ab abc abcs abss abus abis abcdefs".to_string(),
            "pies PIES ties flies cities Cities CITIES ies iess bies babies policies".to_string(),
            "us gas gases bus buses Bus-stops x1s 2024s 1990s COVID-19 it's they're".to_string(),
            "economy economic economies, analysis; glass--glasses (mass) [ios] IOS".to_string(),
            "GLASS CAMPUS ANALYSIS Campus BUSES says Says SAYS THOSE Argues".to_string(),
        ];
        let lines = crate::grammar::tests::corpus_lines();
        assert!(
            !lines.is_empty(),
            "the articles in corpus/ must be readable"
        );
        // The articles' lines, typeset punctuation and accented letters blanked out.
        texts.extend(lines.iter().map(|line| {
            line.chars()
                .map(|c| if c.is_ascii() { c } else { ' ' })
                .collect::<String>()
        }));
        for text in &texts {
            let (mut ascii, mut general) = (Vec::new(), Vec::new());
            for_each_ascii_stem(text.as_bytes(), |s| ascii.push(s));
            for_each_stem_of_any_text(text, |s| general.push(s));
            assert_eq!(ascii, general, "{text}");
        }
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
