//! Markdown articles, read with a CommonMark parser (pulldown-cmark) whose offset iterator ties
//! every piece of text to its bytes in the original file.
//!
//! Structure comes from the parser, not from line shapes: each paragraph, heading and list item
//! is its own block whose range starts at its first character of text and ends at its last, so a
//! list marker, a `>` or a `#` is never inside a block. Syntax that stands between the words of
//! a block (emphasis markers, link brackets and destinations, inline images, footnote
//! references, the `>` of a quote's continuation line) stays inside the range — offsets are
//! exact into the file — and is recorded in [`Markup::hidden`] so that what a reader is shown
//! leaves it out. Code blocks, HTML blocks, tables, images, footnote definitions and front matter
//! never become prose blocks.

use std::ops::Range;

use pulldown_cmark::{Event, MetadataBlockKind, Options, Parser, Tag, TagEnd};

use super::dates::find_date;
use super::shapes;
use super::{Block, BlockKind, Caption, Link, Markup, Reading};

#[derive(Debug, Clone, Copy, PartialEq)]
enum LeafKind {
    Paragraph,
    Heading(usize),
}

/// A run of inline text the parser gave as one paragraph, heading or tight list item.
#[derive(Debug, Clone)]
struct Leaf {
    kind: LeafKind,
    /// Byte ranges of the text itself (text events, code span contents), in order.
    pieces: Vec<Range<usize>>,
    /// How many pieces lie inside emphasis or strong emphasis.
    emphasised: usize,
    in_item: bool,
    in_quote: bool,
}

impl Leaf {
    fn new(kind: LeafKind, in_item: bool, in_quote: bool) -> Leaf {
        Leaf {
            kind,
            pieces: Vec::new(),
            emphasised: 0,
            in_item,
            in_quote,
        }
    }

    /// The range from the first to the last character of text, whitespace trimmed.
    fn span(&self, text: &str) -> Option<Range<usize>> {
        let start = self.pieces.first()?.start;
        let end = self.pieces.last()?.end;
        let s = &text[start..end];
        let lead = s.len() - s.trim_start().len();
        let trimmed = s.trim();
        (!trimmed.is_empty()).then(|| start + lead..start + lead + trimmed.len())
    }

    /// The text without its markup, for deciding what kind of block it is.
    fn plain(&self, text: &str) -> String {
        let joined: String = self.pieces.iter().map(|p| &text[p.clone()]).collect();
        joined.split_whitespace().collect::<Vec<_>>().join(" ")
    }

    /// Syntax between the pieces: every gap that holds more than whitespace.
    fn gaps(&self, text: &str) -> Vec<Range<usize>> {
        self.pieces
            .windows(2)
            .map(|w| w[0].end..w[1].start)
            .filter(|g| g.start < g.end && !text[g.clone()].trim().is_empty())
            .collect()
    }

    fn all_emphasised(&self) -> bool {
        !self.pieces.is_empty() && self.emphasised == self.pieces.len()
    }

    fn in_container(&self) -> bool {
        self.in_item || self.in_quote
    }
}

/// The parts of the document the walk collects before blocks are given their kinds.
#[derive(Default)]
struct Walk {
    leaves: Vec<Leaf>,
    links: Vec<Link>,
    captions: Vec<Caption>,
    notes: Vec<Range<usize>>,
    front_matter: Option<Range<usize>>,
}

fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_YAML_STYLE_METADATA_BLOCKS
}

/// The content of a code span without its backticks.
fn code_content(text: &str, range: Range<usize>) -> Range<usize> {
    let s = &text[range.clone()];
    let lead = s.len() - s.trim_start_matches('`').len();
    let trail = s.len() - s.trim_end_matches('`').len();
    if lead + trail >= s.len() {
        return range;
    }
    range.start + lead..range.end - trail
}

fn walk(text: &str) -> Walk {
    let mut out = Walk::default();
    let mut current: Option<Leaf> = None;
    // Depth of constructs whose text is not prose: code and HTML blocks, tables, footnote
    // definitions, front matter.
    let mut skip = 0usize;
    let mut emphasis = 0usize;
    let mut quotes = 0usize;
    let mut items = 0usize;
    // Open links: destination and the index of the leaf's first piece inside the link.
    let mut links: Vec<(String, usize)> = Vec::new();
    // Open image: its source, alt text so far and the alt text's range.
    let mut image: Option<(String, String, Option<Range<usize>>)> = None;
    let mut in_metadata = false;

    let flush = |current: &mut Option<Leaf>, leaves: &mut Vec<Leaf>| {
        if let Some(leaf) = current.take() {
            if leaf.span(text).is_some() {
                leaves.push(leaf);
            }
        }
    };

    for (event, range) in Parser::new_ext(text, options()).into_offset_iter() {
        match event {
            Event::Start(tag) => match tag {
                Tag::Paragraph if skip == 0 => {
                    flush(&mut current, &mut out.leaves);
                    current = Some(Leaf::new(LeafKind::Paragraph, items > 0, quotes > 0));
                }
                Tag::Heading { level, .. } if skip == 0 => {
                    flush(&mut current, &mut out.leaves);
                    current = Some(Leaf::new(
                        LeafKind::Heading(level as usize),
                        items > 0,
                        quotes > 0,
                    ));
                }
                Tag::BlockQuote(_) => {
                    flush(&mut current, &mut out.leaves);
                    quotes += 1;
                }
                Tag::Item => {
                    flush(&mut current, &mut out.leaves);
                    items += 1;
                }
                Tag::List(_) => flush(&mut current, &mut out.leaves),
                Tag::Emphasis | Tag::Strong | Tag::Strikethrough => emphasis += 1,
                Tag::Link { dest_url, .. } => {
                    let first = current.as_ref().map_or(0, |l| l.pieces.len());
                    links.push((dest_url.to_string(), first));
                }
                Tag::Image { dest_url, .. } => {
                    image = Some((dest_url.to_string(), String::new(), None));
                }
                Tag::MetadataBlock(MetadataBlockKind::YamlStyle) => {
                    flush(&mut current, &mut out.leaves);
                    in_metadata = true;
                    skip += 1;
                }
                Tag::FootnoteDefinition(_) => {
                    flush(&mut current, &mut out.leaves);
                    out.notes.push(range.clone());
                    skip += 1;
                }
                Tag::CodeBlock(_)
                | Tag::HtmlBlock
                | Tag::Table(_)
                | Tag::MetadataBlock(_)
                | Tag::DefinitionList => {
                    flush(&mut current, &mut out.leaves);
                    skip += 1;
                }
                _ => {}
            },
            Event::End(tag) => match tag {
                TagEnd::Paragraph | TagEnd::Heading(_) if skip == 0 => {
                    flush(&mut current, &mut out.leaves);
                }
                TagEnd::BlockQuote(_) => {
                    flush(&mut current, &mut out.leaves);
                    quotes = quotes.saturating_sub(1);
                }
                TagEnd::Item => {
                    flush(&mut current, &mut out.leaves);
                    items = items.saturating_sub(1);
                }
                TagEnd::List(_) => flush(&mut current, &mut out.leaves),
                TagEnd::Emphasis | TagEnd::Strong | TagEnd::Strikethrough => {
                    emphasis = emphasis.saturating_sub(1)
                }
                TagEnd::Link => {
                    if let (Some((url, first)), Some(leaf)) = (links.pop(), current.as_ref()) {
                        let inside = leaf.pieces.get(first..).unwrap_or_default();
                        if let (Some(a), Some(b)) = (inside.first(), inside.last()) {
                            out.links.push(Link {
                                text: a.start..b.end,
                                url,
                            });
                        }
                    }
                }
                TagEnd::Image => {
                    if let Some((source, alt, span)) = image.take() {
                        out.captions.push(Caption {
                            text: alt.split_whitespace().collect::<Vec<_>>().join(" "),
                            span,
                            source: Some(source),
                        });
                    }
                }
                TagEnd::MetadataBlock(_) => {
                    in_metadata = false;
                    skip = skip.saturating_sub(1);
                }
                TagEnd::FootnoteDefinition
                | TagEnd::CodeBlock
                | TagEnd::HtmlBlock
                | TagEnd::Table
                | TagEnd::DefinitionList => skip = skip.saturating_sub(1),
                _ => {}
            },
            Event::Text(t) => {
                if in_metadata {
                    out.front_matter.get_or_insert(range.clone());
                    continue;
                }
                if let Some((_, alt, span)) = image.as_mut() {
                    alt.push_str(&t);
                    let span = span.get_or_insert(range.clone());
                    span.end = range.end;
                    continue;
                }
                if skip > 0 {
                    continue;
                }
                push_piece(&mut current, range, emphasis, items, quotes);
            }
            Event::Code(_) if skip == 0 && image.is_none() => {
                push_piece(
                    &mut current,
                    code_content(text, range),
                    emphasis,
                    items,
                    quotes,
                );
            }
            _ => {}
        }
    }
    flush(&mut current, &mut out.leaves);
    out
}

fn push_piece(
    current: &mut Option<Leaf>,
    range: Range<usize>,
    emphasis: usize,
    items: usize,
    quotes: usize,
) {
    // A tight list item's text arrives without a paragraph around it.
    let leaf = current.get_or_insert_with(|| Leaf::new(LeafKind::Paragraph, items > 0, quotes > 0));
    leaf.emphasised += usize::from(emphasis > 0);
    leaf.pieces.push(range);
}

/// `title:`, `author:` and `date:` of YAML front matter, as ranges of their values.
#[derive(Default)]
struct FrontMatter {
    title: Option<Range<usize>>,
    author: Option<Range<usize>>,
    date: Option<Range<usize>>,
}

/// Reads the top-level scalar keys that matter here. A YAML library would give values without
/// their positions, and the map needs the positions; front matter of these three keys is one
/// `key: value` per line (or, for authors, a list whose first item is taken).
fn front_matter(text: &str, range: Range<usize>) -> FrontMatter {
    let mut fm = FrontMatter::default();
    let mut pending_list: Option<&str> = None;
    let mut at = range.start;
    for line in text[range.clone()].split_inclusive('\n') {
        let start = at;
        at += line.len();
        let body = line.trim_end();
        if let Some(key) = pending_list {
            if let Some(item) = body.trim_start().strip_prefix("- ") {
                let offset = start + (body.len() - item.len());
                set_value(&mut fm, key, value_range(text, offset, item));
                pending_list = None;
                continue;
            }
            pending_list = None;
        }
        if body.starts_with([' ', '\t', '-', '#']) {
            continue;
        }
        let Some((key, value)) = body.split_once(':') else {
            continue;
        };
        let key = key.trim().to_ascii_lowercase();
        let key = match key.as_str() {
            "title" | "headline" => "title",
            "author" | "authors" | "byline" => "author",
            "date" | "published" | "pubdate" | "publishdate" => "date",
            _ => continue,
        };
        if value.trim().is_empty() {
            pending_list = Some(key);
            continue;
        }
        let offset = start + key_len(body) + 1;
        let range = value_range(text, offset, value);
        // `published: true` is a flag, not a date.
        if key == "date" && range.clone().is_some_and(|r| find_date(&text[r]).is_none()) {
            continue;
        }
        set_value(&mut fm, key, range);
    }
    fm
}

fn key_len(line: &str) -> usize {
    line.find(':').unwrap_or(0)
}

/// The range of a scalar value written at `offset`, without surrounding spaces, quotes or
/// the brackets of a one-item flow list.
fn value_range(text: &str, offset: usize, value: &str) -> Option<Range<usize>> {
    let lead = value.len() - value.trim_start().len();
    let v = value.trim();
    let mut start = offset + lead;
    let mut end = start + v.len();
    let inner = v.trim_start_matches(['[', '"', '\'']);
    start += v.len() - inner.len();
    let inner = inner.trim_end_matches([']', '"', '\'']);
    end = end.min(start + inner.len());
    let inner = &text[start..end];
    // A list of several authors: the first one.
    let first = inner.split("\", ").next().unwrap_or(inner);
    let first = first.split("', ").next().unwrap_or(first);
    let end = start + first.trim_end_matches(['"', '\'']).len();
    (start < end).then_some(start..end)
}

fn set_value(fm: &mut FrontMatter, key: &str, range: Option<Range<usize>>) {
    let slot = match key {
        "title" => &mut fm.title,
        "author" => &mut fm.author,
        _ => &mut fm.date,
    };
    if slot.is_none() {
        *slot = range;
    }
}

fn words(s: &str) -> usize {
    s.split_whitespace().count()
}

fn ends_like_sentence(s: &str) -> bool {
    s.trim_end_matches(['"', '”', '’', '\'', ')'])
        .ends_with(['.', '!', '?', ';', ':'])
}

fn is_byline(plain: &str) -> bool {
    let rest = plain
        .strip_prefix("By ")
        .or_else(|| plain.strip_prefix("by "));
    rest.is_some_and(|r| {
        words(plain) <= 20
            && r.chars().next().is_some_and(char::is_uppercase)
            && !ends_like_sentence(plain)
    })
}

/// The author's name in a byline ("By Jane Doe, Senior Fellow · 5 March 2024" → "Jane Doe").
fn byline_name(plain: &str) -> String {
    let rest = plain
        .strip_prefix("By ")
        .or_else(|| plain.strip_prefix("by "))
        .unwrap_or(plain);
    rest.split([',', '·', '|', '—', '–'])
        .next()
        .unwrap_or(rest)
        .trim()
        .to_string()
}

/// A short line that is mostly a date ("5 March 2024", "Updated: Mar. 5, 2024 · 6 min read").
fn is_meta(plain: &str) -> bool {
    words(plain) <= 12 && find_date(plain).is_some() && !ends_like_sentence(plain)
}

/// "Jane Doe is a senior fellow at …": the closing note about the author.
pub(super) fn is_author_note(plain: &str, name: Option<&str>) -> bool {
    if words(plain) > 60 || shapes::makes_demand(plain) {
        return false;
    }
    if let Some(name) = name.filter(|n| !n.is_empty()) {
        if plain.starts_with(name) {
            return true;
        }
    }
    let lower = plain.to_lowercase();
    if lower.starts_with("the author")
        || lower.starts_with("the writer")
        || lower.starts_with("about me")
        || lower.starts_with("about the author")
    {
        return true;
    }
    let ws: Vec<&str> = plain.split_whitespace().collect();
    let verbs = ["is", "was", "serves", "works", "writes", "teaches", "leads"];
    match ws.iter().position(|w| verbs.contains(w)) {
        Some(p) if (2..=5).contains(&p) => ws[..p]
            .iter()
            .all(|w| w.chars().next().is_some_and(char::is_uppercase)),
        _ => false,
    }
}

/// Reads a Markdown text into blocks with exact byte ranges into it.
pub(crate) fn read(text: &str) -> Reading {
    let walked = walk(text);
    let fm = walked
        .front_matter
        .clone()
        .map(|r| front_matter(text, r))
        .unwrap_or_default();
    let leaves = &walked.leaves;
    let mut kinds: Vec<(BlockKind, usize)> = Vec::new(); // (kind, leaf index)
    let mut blocks: Vec<Block> = Vec::new();
    let mut markup = Markup {
        links: walked.links,
        captions: walked.captions,
        notes: walked.notes,
        ..Markup::default()
    };
    let mut date: Option<Range<usize>> = None;
    let mut byline: Option<String> = None;

    // Title: a leading heading (level 1, or the first of a document without level-1 headings),
    // else the front matter's title.
    let has_h1 = leaves.iter().any(|l| l.kind == LeafKind::Heading(1));
    let mut i = 0;
    let leading_heading = leaves.first().is_some_and(|l| match l.kind {
        LeafKind::Heading(level) => !l.in_container() && (level == 1 || !has_h1),
        LeafKind::Paragraph => false,
    });
    let mut front: Vec<(BlockKind, Range<usize>)> = Vec::new();
    if !leading_heading {
        if let Some(title) = fm.title.clone() {
            front.push((BlockKind::Title, title));
        }
    }
    if let Some(author) = fm.author.clone() {
        byline = Some(byline_name(&text[author.clone()]));
        front.push((BlockKind::Byline, author));
    }
    if let Some(d) = fm.date.clone() {
        date = Some(d.clone());
        front.push((BlockKind::Meta, d));
    }
    front.sort_by_key(|(_, r)| r.start);
    for (kind, span) in front {
        blocks.push(Block {
            kind,
            span,
            section: None,
        });
    }
    if leading_heading {
        kinds.push((BlockKind::Title, 0));
        i = 1;
    }
    let has_title =
        !blocks.is_empty() && blocks.iter().any(|b| b.kind == BlockKind::Title) || leading_heading;

    // Preamble: byline, dateline and an all-italic deck, in any order, before the body.
    if has_title {
        let mut standfirst = false;
        while let Some(leaf) = leaves.get(i) {
            if leaf.kind != LeafKind::Paragraph || leaf.in_container() || i > 4 {
                break;
            }
            let plain = leaf.plain(text);
            let kind = if is_byline(&plain) && byline.is_none() {
                byline = Some(byline_name(&plain));
                BlockKind::Byline
            } else if is_meta(&plain) {
                BlockKind::Meta
            } else if leaf.all_emphasised() && !standfirst && words(&plain) <= 80 {
                standfirst = true;
                BlockKind::Standfirst
            } else {
                break;
            };
            if kind != BlockKind::Standfirst && date.is_none() {
                if let Some(span) = leaf.span(text) {
                    date = find_date(&text[span.clone()])
                        .map(|d| span.start + d.start..span.start + d.end);
                }
            }
            kinds.push((kind, i));
            i += 1;
        }
    }
    let body_start = i;
    for (k, leaf) in leaves.iter().enumerate().skip(body_start) {
        let kind = match leaf.kind {
            LeafKind::Heading(_) if !leaf.in_container() => BlockKind::Heading,
            // The page furniture plain text drops is furniture in Markdown too: captions under
            // images, "Share on X | …", "Tags: …", sign-up prompts, dates.
            LeafKind::Paragraph if !leaf.in_container() => {
                super::blocks::furniture_kind(&leaf.plain(text)).unwrap_or(BlockKind::Paragraph)
            }
            _ => BlockKind::Paragraph,
        };
        kinds.push((kind, k));
    }
    // The end of the page: the author's note among disclaimers and sign-up prompts, in any
    // order.
    let mut k = kinds.len();
    while k > body_start {
        k -= 1;
        let leaf = &leaves[kinds[k].1];
        match kinds[k].0 {
            BlockKind::Boilerplate | BlockKind::Caption | BlockKind::Meta | BlockKind::Byline => {}
            BlockKind::Paragraph
                if k > body_start
                    && !leaf.in_container()
                    && is_author_note(&leaf.plain(text), byline.as_deref()) =>
            {
                kinds[k].0 = BlockKind::AuthorNote;
            }
            _ => break,
        }
    }

    let mut section = None;
    let mut headings = 0;
    for (kind, k) in kinds {
        let leaf = &leaves[k];
        let Some(span) = leaf.span(text) else {
            continue;
        };
        if kind == BlockKind::Heading {
            section = Some(headings);
            headings += 1;
        }
        let index = blocks.len();
        if leaf.in_item {
            markup.list_items.push(index);
        }
        if leaf.in_quote {
            markup.quotes.push(index);
        }
        markup.hidden.extend(
            leaf.gaps(text)
                .into_iter()
                .filter(|g| g.start >= span.start),
        );
        let in_section = matches!(
            kind,
            BlockKind::Heading
                | BlockKind::Paragraph
                | BlockKind::Standfirst
                | BlockKind::AuthorNote
        );
        blocks.push(Block {
            kind,
            span,
            section: if in_section && kind != BlockKind::Standfirst {
                section
            } else {
                None
            },
        });
    }
    markup.hidden.sort_by_key(|r| (r.start, r.end));
    // A block quote that repeats a sentence of the body is a pull quote set in display type:
    // the writer said it once.
    let mut kinds: Vec<(BlockKind, std::ops::Range<usize>)> =
        blocks.iter().map(|b| (b.kind, b.span.clone())).collect();
    super::blocks::mark_pull_quotes(text, &mut kinds);
    for (index, (kind, _)) in kinds.into_iter().enumerate() {
        if kind == BlockKind::PullQuote && markup.quotes.binary_search(&index).is_ok() {
            blocks[index].kind = kind;
            blocks[index].section = None;
        }
    }
    Reading {
        extracted: None,
        blocks,
        date,
        markup,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::article::Article;

    const OP_ED: &str = "# Charge drivers to enter the city centre\n\n\
*A congestion charge would pay for itself within a decade.*\n\n\
By Jane Doe\n\n\
![A traffic jam](jam.jpg)\n\n\
Our city should introduce a congestion charge. [Stockholm introduced a charge in 2006](https://example.org/stockholm) and traffic fell by a fifth.\n\n\
- First, congestion wastes time.\n\
- Second, it harms health.\n\n\
> Cities that price roads\n\
> breathe easier.\n\n\
Critics say the charge hurts the poor, but revenue can fund buses.\n";

    fn shown(article: &Article, b: &Block) -> String {
        article
            .display(&b.span)
            .unwrap_or_else(|| article.slice(&b.span).to_string())
    }

    #[test]
    fn op_ed_blocks_keep_markup_out_of_what_is_shown() {
        let article = Article::parse("op-ed.md", OP_ED);
        let got: Vec<(BlockKind, String)> = article
            .blocks
            .iter()
            .map(|b| (b.kind, shown(&article, b)))
            .collect();
        use BlockKind::*;
        let expected = [
            (Title, "Charge drivers to enter the city centre"),
            (Standfirst, "A congestion charge would pay for itself within a decade."),
            (Byline, "By Jane Doe"),
            (Paragraph, "Our city should introduce a congestion charge. Stockholm introduced a charge in 2006 and traffic fell by a fifth."),
            (Paragraph, "First, congestion wastes time."),
            (Paragraph, "Second, it harms health."),
            (Paragraph, "Cities that price roads breathe easier."),
            (Paragraph, "Critics say the charge hurts the poor, but revenue can fund buses."),
        ];
        let expected: Vec<(BlockKind, String)> =
            expected.iter().map(|(k, s)| (*k, s.to_string())).collect();
        assert_eq!(got, expected);
        assert_eq!(article.markup.list_items, vec![4, 5]);
        assert_eq!(article.markup.quotes, vec![6]);
        assert_eq!(article.markup.links.len(), 1);
        assert_eq!(article.markup.links[0].url, "https://example.org/stockholm");
        assert_eq!(
            article.slice(&article.markup.links[0].text),
            "Stockholm introduced a charge in 2006"
        );
        assert_eq!(article.markup.captions[0].text, "A traffic jam");
        assert_eq!(article.byline(), Some("By Jane Doe"));
        assert_eq!(
            article.title(),
            Some("Charge drivers to enter the city centre")
        );
    }

    #[test]
    fn a_byline_that_links_the_author_is_shown_without_the_link_syntax() {
        let text = "# Bus fares should be free\n\n*Fares keep riders away.*\n\nBy [Ann Lee](https://example.com/ann)\n\nFree fares fill buses.\n";
        let article = Article::parse("t.md", text);
        assert_eq!(article.byline_shown().as_deref(), Some("By Ann Lee"));
    }

    #[test]
    fn front_matter_gives_title_byline_and_date() {
        let text = "---\ntitle: \"Why towns need trains\"\nauthor:\n  - Ana Ruiz\n  - Bo Li\ndate: 2024-05-01\ntags: [rail]\n---\n\nRail lines keep towns alive. They should be reopened.\n";
        let article = Article::parse("t.md", text);
        assert_eq!(article.title(), Some("Why towns need trains"));
        assert_eq!(article.byline(), Some("Ana Ruiz"));
        assert_eq!(article.date(), Some("2024-05-01"));
        let kinds: Vec<BlockKind> = article.blocks.iter().map(|b| b.kind).collect();
        assert_eq!(
            kinds,
            [
                BlockKind::Title,
                BlockKind::Byline,
                BlockKind::Meta,
                BlockKind::Paragraph
            ]
        );
    }

    #[test]
    fn code_tables_html_and_footnote_definitions_are_not_prose() {
        let text = "Intro paragraph states a view.[^1]\n\n```\nlet x = 1;\n```\n\n<div>raw html</div>\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n    indented code\n\n[^1]: A source note.\n";
        let article = Article::parse("t.md", text);
        let shown: Vec<String> = article.blocks.iter().map(|b| shown(&article, b)).collect();
        assert_eq!(shown, ["Intro paragraph states a view."]);
        assert_eq!(article.markup.notes.len(), 1);
    }

    #[test]
    fn setext_headings_and_nested_lists() {
        let text = "Title Here\n==========\n\nBody text opens.\n\nA Section\n---------\n\n1. One point.\n   - A sub point.\n2. Two point.\n";
        let article = Article::parse("t.md", text);
        let got: Vec<(BlockKind, &str)> = article
            .blocks
            .iter()
            .map(|b| (b.kind, article.slice(&b.span)))
            .collect();
        use BlockKind::*;
        assert_eq!(
            got,
            [
                (Title, "Title Here"),
                (Paragraph, "Body text opens."),
                (Heading, "A Section"),
                (Paragraph, "One point."),
                (Paragraph, "A sub point."),
                (Paragraph, "Two point."),
            ]
        );
        assert_eq!(
            article.section_name(article.blocks[4].section),
            Some("A Section")
        );
    }
}
