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
    let mut strays: Vec<usize> = Vec::new();
    for place in units {
        if place.block != block || place.span.start < counted_to {
            block = place.block;
            counted_to = article.blocks[block].span.start.min(place.span.start);
            open = OpenQuotes::default();
            in_block_quote = block_quotes.contains(&block);
            let span = &article.blocks[block].span;
            let next_opens = article
                .blocks
                .get(block + 1)
                .is_some_and(|b| text[b.span.clone()].trim_start().starts_with('“'));
            strays = if next_opens {
                Vec::new()
            } else {
                stray_openings(&text[span.clone()], span.start)
            };
        }
        open.count(&text[counted_to..place.span.start], counted_to, &strays);
        counted_to = place.span.start;
        let unit = &text[place.span.clone()];
        let opening = place.span.start + (unit.len() - unit.trim_start().len());
        let opens = opens_passage(unit) && !strays.contains(&opening);
        out.push(in_block_quote || open.any() || opens);
    }
    out
}

/// The offsets of the English opening marks (“) of a paragraph that no closing mark answers
/// before the paragraph ends: a quotation opened and never closed is a slip of the paste or of
/// the page ("“Every autumn, parents complain …" with no ” anywhere), and the writer's own
/// sentences after it are not someone else's words. Not when the next paragraph opens with a
/// mark too: a quotation that runs over paragraphs leaves each one open but the last.
fn stray_openings(block: &str, base: usize) -> Vec<usize> {
    let mut open: Vec<usize> = Vec::new();
    let mut german = 0usize;
    for (at, c) in block.char_indices() {
        match c {
            '„' => german += 1,
            '“' if german > 0 => german -= 1,
            '“' => open.push(base + at),
            '”' => {
                open.pop();
            }
            _ => {}
        }
    }
    open
}

/// Curly and angle quotation marks tell opening from closing; straight ones do not, and in
/// comments a stray one (`user"s`, `12" screen`) would turn a whole paragraph inside out, so
/// only a unit that starts with one counts (see [`opens_passage`]). German quotes open with
/// „ and close with “, the English opening mark.
/// Straight marks are counted too, by parity, for callers that know the marks of a stretch
/// pair up (see `QuoteDepth` in the segmenter); [`OpenQuotes::any`] leaves them out.
#[derive(Default)]
pub(super) struct OpenQuotes {
    english: usize,
    german: usize,
    guillemets: usize,
    straight_open: bool,
}

impl OpenQuotes {
    /// Counts the marks of `text`, which starts at byte `base` of the document, leaving out
    /// the stray opening marks at `strays`.
    pub(super) fn count(&mut self, text: &str, base: usize, strays: &[usize]) {
        for (at, c) in text.char_indices() {
            match c {
                '„' => self.german += 1,
                '“' if self.german > 0 => self.german -= 1,
                '“' if strays.contains(&(base + at)) => {}
                '“' => self.english += 1,
                '”' => self.english = self.english.saturating_sub(1),
                '«' => self.guillemets += 1,
                '»' => self.guillemets = self.guillemets.saturating_sub(1),
                '"' => self.straight_open = !self.straight_open,
                _ => {}
            }
        }
    }

    /// Whether a curly, German or angle quotation is open.
    pub(super) fn any(&self) -> bool {
        self.english + self.german + self.guillemets > 0
    }

    /// Whether an odd number of straight marks has been counted.
    pub(super) fn straight_open(&self) -> bool {
        self.straight_open
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
    fn an_opening_mark_no_closing_mark_answers_is_a_stray() {
        use super::stray_openings;
        assert_eq!(
            stray_openings("“Every autumn, parents complain.", 0),
            vec![0]
        );
        assert_eq!(
            stray_openings("She said “no” and left.", 10),
            Vec::<usize>::new()
        );
        let text = "He said “no” twice. “Then it ends.";
        assert_eq!(stray_openings(text, 0), vec![text.rfind('“').unwrap_or(0)]);
        assert_eq!(
            stray_openings("„Wir schaffen das“, sagte sie.", 0),
            Vec::<usize>::new()
        );
    }

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
