//! The article reader: turns raw text into title, metadata, standfirst, byline, headings, body
//! paragraphs, sentences and clauses, every one with its exact range in the text.
//!
//! Ranges are byte ranges into [`Article::text`] internally (cheap slicing); [`Article::char_offset`]
//! converts them to the character offsets the JSON promises.

mod blocks;
mod input;
mod sentences;
mod shapes;

use std::ops::Range;

pub use blocks::BlockKind;
pub use input::{decode_input, InputError, MAX_INPUT_BYTES};

#[derive(Debug, Clone, PartialEq)]
pub struct Block {
    pub kind: BlockKind,
    /// Trimmed byte range of the block's text (markup such as `#` or `*` excluded).
    pub span: Range<usize>,
    /// Index into [`Article::headings`] of the section the block belongs to.
    pub section: Option<usize>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Sentence {
    pub span: Range<usize>,
    /// Index into [`Article::blocks`].
    pub block: usize,
    /// Byte ranges of the clauses: the sentence cut at commas, semicolons, colons and dashes.
    pub clauses: Vec<Range<usize>>,
}

#[derive(Debug, Clone)]
pub struct Article {
    pub name: String,
    pub text: String,
    pub blocks: Vec<Block>,
    pub sentences: Vec<Sentence>,
    /// Block indices of the section headings, in order.
    pub headings: Vec<usize>,
    /// Byte range of the publication date inside a metadata, byline or front-matter block.
    pub date: Option<Range<usize>>,
    /// A title given beside the text (a `title` field of a `--jsonl` record), used when the
    /// text itself has none.
    pub given_title: Option<String>,
    /// Byte offset of every character, for byte → char conversion by binary search.
    char_starts: Vec<usize>,
    /// Per block, the 1-based number of the last prose block up to it (see `paragraph_number`).
    paragraph_numbers: Vec<usize>,
}

impl Article {
    /// Reads an article whose text is already decoded (BOM dropped). Never fails: any text has
    /// a reading, at worst a list of bare paragraphs.
    pub fn parse(name: &str, text: &str) -> Article {
        let blocks = blocks::read_blocks(text);
        let date = blocks::publication_date(text, &blocks);
        let headings: Vec<usize> = blocks
            .iter()
            .enumerate()
            .filter(|(_, b)| b.kind == BlockKind::Heading)
            .map(|(i, _)| i)
            .collect();
        let mut sentences = Vec::new();
        for (index, block) in blocks.iter().enumerate() {
            if !(block.kind.is_prose() || block.kind == BlockKind::Title) {
                continue;
            }
            for span in sentences::split_sentences(text, block.span.clone()) {
                let clauses = sentences::split_clauses(text, span.clone());
                sentences.push(Sentence {
                    span,
                    block: index,
                    clauses,
                });
            }
        }
        let char_starts = text.char_indices().map(|(i, _)| i).collect();
        let paragraph_numbers = blocks
            .iter()
            .scan(0, |n, b| {
                *n += usize::from(b.kind.is_prose());
                Some(*n)
            })
            .collect();
        Article {
            name: name.to_string(),
            text: text.to_string(),
            blocks,
            sentences,
            headings,
            date,
            given_title: None,
            char_starts,
            paragraph_numbers,
        }
    }

    pub fn slice(&self, span: &Range<usize>) -> &str {
        &self.text[span.clone()]
    }

    /// Character offset of a byte offset that lies on a character boundary.
    pub fn char_offset(&self, byte: usize) -> usize {
        match self.char_starts.binary_search(&byte) {
            Ok(i) => i,
            Err(i) => i,
        }
    }

    /// Byte offset of a character offset (the end of the text for offsets past it).
    pub fn byte_offset(&self, ch: usize) -> usize {
        self.char_starts.get(ch).copied().unwrap_or(self.text.len())
    }

    pub fn chars(&self) -> usize {
        self.char_starts.len()
    }

    /// The title line of the text, or else the title given beside it.
    pub fn title(&self) -> Option<&str> {
        self.blocks
            .iter()
            .find(|b| b.kind == BlockKind::Title)
            .map(|b| &self.text[b.span.clone()])
            .or(self.given_title.as_deref())
    }

    /// The author line ("By Jane Doe", "Jane Doe"), if the reader found one.
    pub fn byline(&self) -> Option<&str> {
        self.first_of(BlockKind::Byline)
            .map(|b| &self.text[b.span.clone()])
    }

    /// The publication date as written in the text, if the reader found one. Set by the block
    /// reader (`date` span); `None` when the metadata carries no recognisable date.
    pub fn date(&self) -> Option<&str> {
        self.date.as_ref().map(|span| &self.text[span.clone()])
    }

    pub fn first_of(&self, kind: BlockKind) -> Option<&Block> {
        self.blocks.iter().find(|b| b.kind == kind)
    }

    pub fn section_name(&self, section: Option<usize>) -> Option<&str> {
        section
            .and_then(|s| self.headings.get(s))
            .map(|&b| &self.text[self.blocks[b].span.clone()])
    }

    /// 1-based number of the body paragraph (standfirst and paragraphs count) a block is.
    pub fn paragraph_number(&self, block: usize) -> usize {
        self.paragraph_numbers.get(block).copied().unwrap_or(0)
    }

    /// (line, column), both 1-based, of a byte offset — for messages about input text.
    pub fn line_col(&self, byte: usize) -> (usize, usize) {
        input::line_col(&self.text, byte)
    }
}

#[cfg(test)]
mod tests;
