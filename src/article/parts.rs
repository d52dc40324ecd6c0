//! Where a long text is cut into parts that are read and mapped one at a time.
//!
//! A book-length input held whole costs about a kilobyte per unit at every stage; cut into
//! parts, only one part's stages are in memory at once. Cuts fall where the reader would end a
//! block anyway (a blank line), and only when a stretch has none at a sentence end, then between
//! words: an unbroken paragraph or sentence of megabytes is no article, but it must still be
//! mapped in bounded memory.

use std::ops::Range;

use super::InputFormat;

/// How a part begins with respect to the text before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Seam {
    /// The first part, or a part after a blank line: a new block.
    Block,
    /// Cut at a sentence end inside a block: the part goes on with the previous part's last
    /// paragraph, in a new sentence.
    Sentence,
    /// Cut between two words: the part goes on with the previous part's last sentence.
    Words,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Part {
    /// Byte range into the text.
    pub range: Range<usize>,
    pub seam: Seam,
}

/// Cuts `text` into parts of about `target` bytes (at least `target`, at most twice that
/// where a blank line, sentence end or space allows; past a code fence that ends later). A text of `target * 3 / 2`
/// bytes or fewer is one part.
pub fn split(text: &str, format: InputFormat, target: usize) -> Vec<Part> {
    let target = target.max(1);
    let fences = match format {
        InputFormat::Markdown => fenced_ranges(text),
        _ => Vec::new(),
    };
    let mut parts = Vec::new();
    let mut start = 0;
    let mut seam = Seam::Block;
    while text.len() - start > target + target / 2 {
        let from = start + target;
        let to = (start + 2 * target).min(text.len());
        let (cut, next) = cut_between(text, from, to, format, &fences);
        parts.push(Part {
            range: start..cut,
            seam,
        });
        start = cut;
        seam = next;
    }
    if start < text.len() || parts.is_empty() {
        parts.push(Part {
            range: start..text.len(),
            seam,
        });
    }
    parts
}

/// The best cut in `text[from..to]`, and how the part after it begins.
fn cut_between(
    text: &str,
    from: usize,
    to: usize,
    format: InputFormat,
    fences: &[Range<usize>],
) -> (usize, Seam) {
    let bytes = text.as_bytes();
    let window = from..to;
    let in_fence = |at: usize| {
        let i = fences.partition_point(|f| f.end <= at);
        fences.get(i).is_some_and(|f| f.contains(&at))
    };
    // A line that starts here can open a part: not indented (a code block, or a list item's
    // continuation), and in Markdown not a `---` that could be read as front matter.
    let opens_part = |at: usize| {
        let rest = &text[at..];
        let starts_word = rest.chars().next().is_some_and(|c| !c.is_whitespace());
        starts_word
            && !(format == InputFormat::Markdown
                && (rest.starts_with("---") || rest.starts_with("+++") || in_fence(at)))
    };
    // After a blank line: a line break, nothing but spaces, another line break.
    for at in window.clone() {
        if bytes[at] != b'\n' {
            continue;
        }
        let mut q = at + 1;
        while q < text.len() && matches!(bytes[q], b' ' | b'\t' | b'\r') {
            q += 1;
        }
        if q < text.len() && bytes[q] == b'\n' && opens_part(q + 1) {
            return (q + 1, Seam::Block);
        }
    }
    // No cut at a bare line break: whether the reader takes one for a paragraph break depends
    // on how every line of its block is wrapped, so the seam's numbering could not be known.
    // A sentence end inside a line is the same sentence end however the lines are read.
    // After a sentence end: `. ` before a capital letter or an opening quote.
    for at in window.clone() {
        if matches!(bytes[at], b'.' | b'!' | b'?')
            && bytes.get(at + 1) == Some(&b' ')
            && bytes
                .get(at + 2)
                .is_some_and(|&b| b.is_ascii_uppercase() || b == b'"')
            && !in_fence(at + 2)
        {
            return (at + 2, Seam::Sentence);
        }
    }
    // Between words.
    if let Some(at) = window
        .clone()
        .find(|&at| at > 0 && bytes[at - 1] == b' ' && bytes[at] != b' ' && !in_fence(at))
    {
        return (at, Seam::Words);
    }
    // No space in the whole window: any character boundary will do, outside code.
    let at = (from..=to)
        .find(|&at| text.is_char_boundary(at) && !in_fence(at))
        .unwrap_or_else(|| {
            let i = fences.partition_point(|f| f.end <= from);
            fences.get(i).map_or_else(
                || {
                    (to..text.len())
                        .find(|&at| text.is_char_boundary(at))
                        .unwrap_or(text.len())
                },
                |f| f.end,
            )
        });
    // After a fence's closing line, the next block begins.
    let i = fences.partition_point(|f| f.end < at);
    let after_fence = fences.get(i).is_some_and(|f| f.end == at);
    (
        at,
        if after_fence {
            Seam::Block
        } else {
            Seam::Words
        },
    )
}

/// Byte ranges of fenced code blocks, which no cut may enter: the part after would read the
/// code as prose. CommonMark's rules: a fence opens with three or more backticks or tildes
/// indented at most three spaces (a backtick fence's info string holds no backtick, or the line
/// is inline code), and closes with at least as many of the same character and nothing after.
fn fenced_ranges(text: &str) -> Vec<Range<usize>> {
    let fence_of = |line: &str| -> Option<(char, usize, bool)> {
        let trimmed = line.trim_start_matches(' ');
        if line.len() - trimmed.len() > 3 {
            return None;
        }
        let c = trimmed.chars().next().filter(|c| matches!(c, '`' | '~'))?;
        let run = trimmed.len() - trimmed.trim_start_matches(c).len();
        if run < 3 {
            return None;
        }
        let rest = &trimmed[run..];
        let bare = rest.trim().is_empty();
        (c == '~' || !rest.contains('`')).then_some((c, run, bare))
    };
    let mut ranges = Vec::new();
    let mut open: Option<(usize, char, usize)> = None;
    let mut at = 0;
    for line in text.split_inclusive('\n') {
        match (open, fence_of(line.trim_end_matches(['\n', '\r']))) {
            (None, Some((c, run, _))) => open = Some((at, c, run)),
            (Some((start, c, run)), Some((d, length, true))) if d == c && length >= run => {
                ranges.push(start..at + line.len());
                open = None;
            }
            _ => {}
        }
        at += line.len();
    }
    if let Some((start, _, _)) = open {
        ranges.push(start..text.len());
    }
    ranges
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts<'t>(text: &'t str, parts: &[Part]) -> Vec<&'t str> {
        parts.iter().map(|p| &text[p.range.clone()]).collect()
    }

    #[test]
    fn parts_cover_the_text_without_gap_or_overlap() {
        let text = "One two three. Four five six.\n\nSeven eight.\nNine ten.\n\n".repeat(50);
        for target in [1, 7, 40, 100, 1_000, 10_000] {
            let parts = split(&text, InputFormat::Text, target);
            let mut at = 0;
            for p in &parts {
                assert_eq!(p.range.start, at, "target {target}");
                at = p.range.end;
            }
            assert_eq!(at, text.len(), "target {target}");
        }
    }

    #[test]
    fn a_cut_prefers_a_blank_line_then_a_sentence_end_then_a_space() {
        let after_first_cut = |text: &'static str, target: usize| {
            let parts = split(text, InputFormat::Text, target);
            (&text[parts[1].range.start..], parts[1].seam)
        };
        assert_eq!(
            after_first_cut("Aaaa aaaa.\nBbbb bbbb.\n\nCccc cccc.", 12),
            ("Cccc cccc.", Seam::Block)
        );
        // A bare line break is no cut: a sentence end inside the line is.
        assert_eq!(
            after_first_cut("Aaaa aaaa aaaa\nbbbb. Cccc cccc.", 10),
            ("Cccc cccc.", Seam::Sentence)
        );
        assert_eq!(
            after_first_cut("Aaaa aaaa. Bbbb bbbb cccc.", 8),
            ("Bbbb bbbb cccc.", Seam::Sentence)
        );
        assert_eq!(
            after_first_cut("aaaa aaaa bbbb bbbb cccc", 8),
            ("bbbb bbbb cccc", Seam::Words)
        );
    }

    #[test]
    fn a_text_without_spaces_is_cut_on_character_boundaries() {
        let text = "é𝄞".repeat(100);
        for target in 1..20 {
            let parts = split(&text, InputFormat::Text, target);
            assert!(parts.len() > 1);
            assert_eq!(texts(&text, &parts).concat(), text);
        }
    }

    #[test]
    fn no_markdown_cut_enters_a_fence_or_opens_on_a_rule() {
        let text = "Intro text here.\n\n```\ncode\n\nmore code\n\nend\n```\n\n---\n\nAfter.\n";
        for target in 1..text.len() {
            for p in split(text, InputFormat::Markdown, target) {
                let part = &text[p.range.clone()];
                assert!(!part.starts_with("more"), "{target}: {part:?}");
                assert!(!part.starts_with("end"), "{target}: {part:?}");
                assert!(!part.starts_with("---"), "{target}: {part:?}");
            }
        }
    }

    #[test]
    fn fences_follow_commonmark() {
        let text =
            "````markdown\n```python\nx\n```\nstill code\n````\nprose ```x``` here\n~~~\nz\n";
        let ranges = fenced_ranges(text);
        let outer_end = text.find("prose").unwrap_or_default();
        assert_eq!(
            ranges[0],
            0..outer_end,
            "the inner fence does not close the outer one"
        );
        // Inline code is no fence; the unclosed tilde fence runs to the end.
        let tilde = text.find('~').unwrap_or_default();
        assert_eq!(ranges.len(), 2);
        assert_eq!(ranges[1], tilde..text.len());
    }

    #[test]
    fn the_part_after_a_long_fence_opens_a_block() {
        let text = format!(
            "Intro.\n\n```\n{}```\nAfter the code.\n",
            "code line\n".repeat(50)
        );
        let parts = split(&text, InputFormat::Markdown, 20);
        let after = parts
            .iter()
            .find(|p| text[p.range.clone()].starts_with("After"))
            .map(|p| p.seam);
        assert_eq!(after, Some(Seam::Block));
    }

    #[test]
    fn a_short_text_is_one_part() {
        let text = "Short text.\n\nAnother paragraph.";
        assert_eq!(
            split(text, InputFormat::Text, 1 << 16),
            vec![Part {
                range: 0..text.len(),
                seam: Seam::Block
            }]
        );
    }
}
