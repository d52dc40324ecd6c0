//! Character offsets of byte offsets and back.
//!
//! Maps report offsets in characters while the pipeline works in bytes. Keeping the byte offset
//! of every character took eight bytes per character: 64 MiB for an 8 MiB input, more than the
//! rest of its map. Plain ASCII text (most input) needs no table at all, and other text keeps
//! the byte offset of every [`STRIDE`]th character and counts the few characters in between.

/// Characters between two remembered byte offsets: a lookup counts at most this many.
const STRIDE: usize = 64;

#[derive(Debug, Clone, Default)]
pub(crate) struct CharIndex {
    /// Byte offset of characters 0, STRIDE, 2·STRIDE, …; empty for ASCII text.
    checkpoints: Vec<usize>,
    chars: usize,
}

impl CharIndex {
    pub(crate) fn new(text: &str) -> CharIndex {
        if text.is_ascii() {
            return CharIndex {
                checkpoints: Vec::new(),
                chars: text.len(),
            };
        }
        let mut checkpoints = Vec::with_capacity(text.len() / STRIDE + 1);
        let mut chars = 0;
        for (i, _) in text.char_indices() {
            if chars % STRIDE == 0 {
                checkpoints.push(i);
            }
            chars += 1;
        }
        CharIndex { checkpoints, chars }
    }

    /// How many characters of `text` start before `byte` (its character offset when `byte` is
    /// a character boundary; the character count for offsets at or past the end).
    pub(crate) fn char_offset(&self, text: &str, byte: usize) -> usize {
        let byte = byte.min(text.len());
        if self.checkpoints.is_empty() {
            return byte;
        }
        let k = self.checkpoints.partition_point(|&b| b <= byte).max(1) - 1;
        let from = self.checkpoints[k];
        let starts_between = text.as_bytes()[from..byte]
            .iter()
            .filter(|&&b| !is_continuation(b))
            .count();
        k * STRIDE + starts_between
    }

    /// Byte offset of character `ch` of `text` (the end of the text for offsets past it).
    pub(crate) fn byte_offset(&self, text: &str, ch: usize) -> usize {
        if ch >= self.chars {
            return text.len();
        }
        if self.checkpoints.is_empty() {
            return ch;
        }
        let from = self.checkpoints[ch / STRIDE];
        text[from..]
            .char_indices()
            .nth(ch % STRIDE)
            .map_or(text.len(), |(i, _)| from + i)
    }

    pub(crate) fn chars(&self) -> usize {
        self.chars
    }
}

fn is_continuation(byte: u8) -> bool {
    byte & 0b1100_0000 == 0b1000_0000
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The table this index replaces: the byte offset of every character.
    fn every_start(text: &str) -> Vec<usize> {
        text.char_indices().map(|(i, _)| i).collect()
    }

    fn agrees_with_full_table(text: &str) {
        let index = CharIndex::new(text);
        let starts = every_start(text);
        assert_eq!(index.chars(), starts.len());
        for byte in 0..=text.len() + 2 {
            let expected = match starts.binary_search(&byte) {
                Ok(i) | Err(i) => i,
            };
            assert_eq!(index.char_offset(text, byte), expected, "byte {byte}");
        }
        for ch in 0..=starts.len() + 2 {
            let expected = starts.get(ch).copied().unwrap_or(text.len());
            assert_eq!(index.byte_offset(text, ch), expected, "char {ch}");
        }
    }

    #[test]
    fn ascii_text_needs_no_table() {
        let index = CharIndex::new("Costs rise. We act.");
        assert!(index.checkpoints.is_empty());
        agrees_with_full_table("Costs rise. We act.");
    }

    #[test]
    fn offsets_agree_with_a_table_of_every_character() {
        agrees_with_full_table("");
        agrees_with_full_table("é");
        agrees_with_full_table("Café “naïve” — 北京 and 🙂 again");
        // Across many checkpoints, with characters of every width on both sides of them.
        let long: String = (0..500)
            .map(|i| ["a", "é", "—", "🙂"][i % 4])
            .collect::<Vec<_>>()
            .join("x");
        agrees_with_full_table(&long);
    }

    #[test]
    fn a_byte_inside_a_character_counts_the_characters_started_before_it() {
        let text = "aé";
        let index = CharIndex::new(text);
        // Byte 2 is the second byte of "é": one character (a) and é itself started before it.
        assert_eq!(index.char_offset(text, 2), 2);
    }
}
