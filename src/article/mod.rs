//! The article reader: turns raw text into title, metadata, standfirst, byline, headings, body
//! paragraphs, sentences and clauses, every one with its exact range in the text.
//!
//! Ranges are byte ranges into [`Article::text`] internally (cheap slicing); [`Article::char_offset`]
//! converts them to the character offsets the JSON promises.

mod blocks;
mod char_index;
mod dates;
mod html;
mod input;
mod markdown;
pub mod parts;
mod sentences;
mod shapes;

use std::ops::Range;

pub use blocks::BlockKind;
pub use input::{decode_input, InputError, MAX_INPUT_BYTES};

/// How an input is read: plain text in the commentary shapes `blocks` knows, CommonMark, or a
/// saved web page whose article text is extracted first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum InputFormat {
    #[default]
    Text,
    Markdown,
    Html,
}

impl InputFormat {
    /// The format a file name implies: `.md`/`.markdown` → Markdown, `.html`/`.htm` → HTML,
    /// anything else (including standard input) → plain text.
    pub fn from_name(name: &str) -> InputFormat {
        let ext = std::path::Path::new(name)
            .extension()
            .map(|e| e.to_string_lossy().to_ascii_lowercase());
        match ext.as_deref() {
            Some("md" | "markdown" | "mdown" | "mkd") => InputFormat::Markdown,
            Some("html" | "htm" | "xhtml") => InputFormat::Html,
            _ => InputFormat::Text,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            InputFormat::Text => "text",
            InputFormat::Markdown => "markdown",
            InputFormat::Html => "html",
        }
    }
}

/// A link inside the text: the range of its visible text and where it points.
#[derive(Debug, Clone, PartialEq)]
pub struct Link {
    pub text: Range<usize>,
    pub url: String,
}

/// Text that accompanies the article without being part of its argument: an image's alt text,
/// a figure caption.
#[derive(Debug, Clone, PartialEq)]
pub struct Caption {
    pub text: String,
    /// Where the caption is written in [`Article::text`], when it is there at all (Markdown alt
    /// text is; a web page's figure captions are left out of the extracted text).
    pub span: Option<Range<usize>>,
    /// The image source, when the caption belongs to an image.
    pub source: Option<String>,
}

/// What markup said about the text, beyond its blocks. For plain text, only the list items
/// (paragraphs opened by a list marker).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Markup {
    /// Byte ranges inside blocks that are syntax rather than text (emphasis markers, link
    /// brackets and destinations, inline images, footnote references, quote markers on
    /// continuation lines), sorted and disjoint. Units keep their source range; what is shown
    /// to a reader leaves these out.
    pub hidden: Vec<Range<usize>>,
    pub links: Vec<Link>,
    pub captions: Vec<Caption>,
    /// Blocks that are list items, in order (each item is its own block; its marker is
    /// outside it).
    pub list_items: Vec<usize>,
    /// Blocks inside a block quote: quoted testimony (the `>` marker is outside the block).
    pub quotes: Vec<usize>,
    /// Footnote definitions and other notes kept out of the body, as ranges of their text.
    pub notes: Vec<Range<usize>>,
}

/// The page a saved web page's article text was extracted from.
#[derive(Debug, Clone, PartialEq)]
pub struct Original {
    /// SHA-256 (hex) and length in characters of the page as read.
    pub sha256: String,
    pub chars: usize,
}

/// What a format reader hands over: the blocks of the text, and for HTML the extracted text the
/// blocks' ranges refer to.
#[derive(Debug, Clone, Default)]
pub(crate) struct Reading {
    pub extracted: Option<String>,
    pub blocks: Vec<Block>,
    pub date: Option<Range<usize>>,
    pub markup: Markup,
}

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
    pub format: InputFormat,
    /// Markup facts (hidden syntax, links, captions, list items, quotes); empty for plain text.
    pub markup: Markup,
    /// For a web page: the page itself, since [`Article::text`] is the text extracted from it.
    pub original: Option<Original>,
    /// A title given beside the text (a `title` field of a `--jsonl` record), used when the
    /// text itself has none.
    pub given_title: Option<String>,
    /// Byte ↔ character offsets.
    char_index: char_index::CharIndex,
    /// Per block, the 1-based number of the last prose block up to it (see `paragraph_number`).
    paragraph_numbers: Vec<usize>,
}

impl Article {
    /// Reads an article whose text is already decoded (BOM dropped). Never fails: any text has
    /// a reading, at worst a list of bare paragraphs.
    pub fn parse(name: &str, text: &str) -> Article {
        Article::parse_as(name, text, InputFormat::from_name(name))
    }

    /// Reads one part of a long text ([`parts`]). A part after the first opens in the middle
    /// of the body, so what looks like a headline at its top is a section heading, a deck under
    /// it is a paragraph, and the publication date is the first part's to find; a part before
    /// the last ends in the middle of the body, so what looks like the author's note at its
    /// foot is a paragraph.
    pub fn parse_part(name: &str, text: &str, format: InputFormat, part: PartOf) -> Article {
        Article::read(name, text, format, part)
    }

    /// Reads an article in a given format. Never fails either: a malformed page or Markdown
    /// file is read as well as it can be.
    pub fn parse_as(name: &str, text: &str, format: InputFormat) -> Article {
        let whole = PartOf {
            first: true,
            last: true,
        };
        Article::read(name, text, format, whole)
    }

    fn read(name: &str, text: &str, format: InputFormat, part: PartOf) -> Article {
        let reading = match format {
            InputFormat::Text => {
                let blocks = blocks::read_blocks(text);
                let date = blocks::publication_date(text, &blocks);
                let markup = Markup {
                    list_items: blocks::list_items(text, &blocks),
                    ..Markup::default()
                };
                Reading {
                    blocks,
                    date,
                    markup,
                    ..Reading::default()
                }
            }
            InputFormat::Markdown => markdown::read(text),
            InputFormat::Html => html::read(text),
        };
        let original = reading.extracted.as_ref().map(|_| Original {
            sha256: crate::pipeline::hex_sha256(text.as_bytes()),
            chars: text.chars().count(),
        });
        let text = reading.extracted.as_deref().unwrap_or(text);
        let mut blocks = reading.blocks;
        let mut date = reading.date;
        if !part.first {
            title_to_heading(&mut blocks);
            date = None;
        }
        if !part.last {
            foot_to_body(&mut blocks);
        }
        let mut article = Article::from_blocks(name, text, blocks);
        article.date = date;
        article.format = format;
        article.markup = reading.markup;
        article.original = original;
        article
    }

    fn from_blocks(name: &str, text: &str, blocks: Vec<Block>) -> Article {
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
        // The article lives as long as the map: no spare room in its longest vector.
        sentences.shrink_to_fit();
        let char_index = char_index::CharIndex::new(text);
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
            date: None,
            format: InputFormat::Text,
            markup: Markup::default(),
            original: None,
            given_title: None,
            char_index,
            paragraph_numbers,
        }
    }

    pub fn slice(&self, span: &Range<usize>) -> &str {
        &self.text[span.clone()]
    }

    /// The text of a range as a reader sees it: markup syntax left out and the whitespace it
    /// leaves behind collapsed. `None` when no markup lies inside the range, so that plain text
    /// needs no second copy.
    pub fn display(&self, span: &Range<usize>) -> Option<String> {
        let hidden = &self.markup.hidden;
        let first = hidden.partition_point(|h| h.end <= span.start);
        let inside: Vec<&Range<usize>> = hidden[first..]
            .iter()
            .take_while(|h| h.start < span.end)
            .collect();
        if inside.is_empty() {
            return None;
        }
        let mut shown = String::with_capacity(span.len());
        let mut at = span.start;
        for h in inside {
            if h.start > at {
                shown.push_str(&self.text[at..h.start]);
            }
            // Syntax that stood between words (a line break and quote marker) still parts them.
            if self.text[h.clone()].contains(char::is_whitespace) {
                shown.push(' ');
            }
            at = at.max(h.end);
        }
        if at < span.end {
            shown.push_str(&self.text[at..span.end]);
        }
        Some(collapse_spaces(&shown))
    }

    /// Whether a byte offset lies inside hidden markup.
    pub fn is_hidden(&self, byte: usize) -> bool {
        let hidden = &self.markup.hidden;
        let i = hidden.partition_point(|h| h.end <= byte);
        hidden.get(i).is_some_and(|h| h.start <= byte)
    }

    /// Character offset of a byte offset that lies on a character boundary.
    pub fn char_offset(&self, byte: usize) -> usize {
        self.char_index.char_offset(&self.text, byte)
    }

    /// Byte offset of a character offset (the end of the text for offsets past it).
    pub fn byte_offset(&self, ch: usize) -> usize {
        self.char_index.byte_offset(&self.text, ch)
    }

    pub fn chars(&self) -> usize {
        self.char_index.chars()
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

    /// The byline as a reader sees it: a Markdown byline that links the author's name ("By
    /// [Ann Lee](…)") without the link's syntax.
    pub fn byline_shown(&self) -> Option<String> {
        self.first_of(BlockKind::Byline).map(|b| {
            self.display(&b.span)
                .unwrap_or_else(|| self.text[b.span.clone()].to_string())
        })
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
        crate::position::line_col(&self.text, byte)
    }
}

/// Where a text read on its own stands in the text it was cut from ([`parts`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PartOf {
    /// It opens the text: a title, byline and date may stand at its top.
    pub first: bool,
    /// It ends the text: an author's note may stand at its foot.
    pub last: bool,
}

/// The foot of a part that ends mid-text is body: a paragraph the reader took for the author's
/// note (the end-of-page pass marks the last paragraphs that read like a bio) is a paragraph.
fn foot_to_body(blocks: &mut [Block]) {
    for b in blocks.iter_mut().rev() {
        match b.kind {
            BlockKind::AuthorNote => b.kind = BlockKind::Paragraph,
            BlockKind::Boilerplate | BlockKind::Caption | BlockKind::Meta | BlockKind::Byline => {}
            _ => break,
        }
    }
}

/// A title read at the top of a part that opens mid-text is a section heading: it starts the
/// section every body block after it belongs to, up to the next heading; a deck the reader
/// found under it is a paragraph of that section.
fn title_to_heading(blocks: &mut [Block]) {
    let Some(title) = blocks.iter().position(|b| b.kind == BlockKind::Title) else {
        return;
    };
    let first_heading = blocks
        .iter()
        .position(|b| b.kind == BlockKind::Heading)
        .unwrap_or(blocks.len());
    blocks[title].kind = BlockKind::Heading;
    for (i, b) in blocks.iter_mut().enumerate() {
        b.section = match b.section {
            Some(s) => Some(s + 1),
            None if i == title
                || (i > title
                    && i < first_heading
                    && (b.kind.is_prose() || b.kind == BlockKind::AuthorNote)) =>
            {
                if b.kind == BlockKind::Standfirst {
                    b.kind = BlockKind::Paragraph;
                }
                Some(0)
            }
            None => None,
        };
    }
}

/// Whitespace runs to one space, none before closing punctuation that markup separated from
/// its word ("charge in 2006 ." → "charge in 2006.").
fn collapse_spaces(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for word in s.split_whitespace() {
        let glued = word.starts_with(['.', ',', ';', ':', '!', '?', ')', '”', '’'])
            || out.ends_with(['(', '“']);
        if !out.is_empty() && !glued {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

#[cfg(test)]
mod tests;
