//! Which units are someone else's words: the quoted passages of a document.

use std::collections::BTreeSet;

use super::context::Placement;
use crate::article::Article;

/// A quotation mark opening a unit starts a quoted passage only when the passage runs on past
/// a word or two: `"Foti" messages serve no one` quotes a name, not a speaker.
const SHORTEST_PASSAGE: usize = 12;

/// Per unit, whether it is inside a quotation: its block is a block quote (Markdown `>`, HTML
/// `<blockquote>`), it opens a quoted passage, or its paragraph has a quotation open where the
/// unit starts. One pass over the text: units come in document order, and the open quotations
/// are counted on from the last unit's start.
pub fn quoted_units(article: &Article, units: &[Placement]) -> Vec<bool> {
    let text = &article.text;
    let block_quotes: BTreeSet<usize> = article.markup.quotes.iter().copied().collect();
    let mut out = Vec::with_capacity(units.len());
    let mut block = usize::MAX;
    let mut counted_to = 0;
    let mut in_block_quote = false;
    let mut open = OpenQuotes::default();
    for place in units {
        if place.block != block || place.span.start < counted_to {
            block = place.block;
            counted_to = article.blocks[block].span.start.min(place.span.start);
            open = OpenQuotes::default();
            in_block_quote = block_quotes.contains(&block);
        }
        open.count(&text[counted_to..place.span.start]);
        counted_to = place.span.start;
        out.push(in_block_quote || open.any() || opens_passage(&text[place.span.clone()]));
    }
    out
}

/// Curly and angle quotation marks tell opening from closing; straight ones do not, and in
/// comments a stray one (`user"s`, `12" screen`) would turn a whole paragraph inside out, so
/// only a unit that starts with one counts (see [`opens_passage`]). German quotes open with
/// „ and close with “, the English opening mark.
#[derive(Default)]
struct OpenQuotes {
    english: usize,
    german: usize,
    guillemets: usize,
}

impl OpenQuotes {
    fn count(&mut self, text: &str) {
        for c in text.chars() {
            match c {
                '„' => self.german += 1,
                '“' if self.german > 0 => self.german -= 1,
                '“' => self.english += 1,
                '”' => self.english = self.english.saturating_sub(1),
                '«' => self.guillemets += 1,
                '»' => self.guillemets = self.guillemets.saturating_sub(1),
                _ => {}
            }
        }
    }

    fn any(&self) -> bool {
        self.english + self.german + self.guillemets > 0
    }
}

/// Whether a unit opens with a quotation mark whose passage runs on: to the unit's end, or to
/// a closing mark at least [`SHORTEST_PASSAGE`] bytes on.
fn opens_passage(unit: &str) -> bool {
    let unit = unit.trim_start();
    let Some(mark) = unit.chars().next().filter(|c| "“\"«„".contains(*c)) else {
        return false;
    };
    let rest = &unit[mark.len_utf8()..];
    let closer: &[char] = match mark {
        '“' => &['”'],
        '«' => &['»'],
        '„' => &['“', '”'],
        _ => &['"'],
    };
    rest.find(closer).is_none_or(|end| end >= SHORTEST_PASSAGE)
}

#[cfg(test)]
mod tests {
    use super::opens_passage;

    #[test]
    fn a_quoted_name_opens_no_passage() {
        assert!(!opens_passage("\"Foti\" messages serve no one."));
        assert!(!opens_passage("“Someone” was served,"));
        assert!(opens_passage("“Now they’re applying to us from London.”"));
        assert!(opens_passage(
            "\"It takes time for us to update our lists...\""
        ));
        assert!(opens_passage("„Wir schaffen das“, sagte sie."));
        assert!(!opens_passage("The word “fair” says nothing."));
    }
}
