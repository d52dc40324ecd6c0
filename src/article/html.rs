//! Saved web pages: the article is extracted from the page and read as text of its own.
//!
//! The page is parsed by html5ever (through `scraper`), which reads any page a browser would,
//! however malformed. The article body is the page's own declaration of it when there is one
//! (`itemprop=articleBody`, the `<article>` holding the most paragraph text, `<main>`), and
//! otherwise what Mozilla's Readability algorithm (the `dom_smoothie` port) picks. Inside it,
//! navigation, headers, footers, asides, forms, share bars, cookie banners, comments,
//! newsletter boxes and related-article lists are dropped by element, ARIA role and class/id
//! name. Title, byline and date come from `<h1>`, the usual meta tags, `<time>` and JSON-LD.
//!
//! The extracted text is title, byline, date, standfirst and body blocks, one per line pair
//! (`\n\n` between blocks); every range in the [`Reading`] is a byte range into that text.

use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;
use scraper::{ElementRef, Html, Node, Selector};

use super::dates::find_date;
use super::markdown::is_author_note;
use super::shapes::{self, ends_like_sentence, words_at_most};
use super::{Block, BlockKind, Caption, Link, Markup, Reading};

/// Class and id words of page furniture. Matched as whole words of the attribute (split at
/// spaces, `-` and `_`), so `comments` matches `post-comments` but not `commentary`.
static BOILERPLATE: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(
        r"(?i)(?:^|[\s_-])(?:nav|navbar|navigation|menu|breadcrumbs?|share|sharing|sharebar|social|cookies?|consent|gdpr|comments?|commentlist|disqus|replies|related|recommended|recirc|more-stories|newsletter|subscribe|subscription|signup|promo|advert|advertisement|ads?|sponsor|sponsored|paywall|popup|modal|banner|sidebar|toolbar|footer|header|masthead|byline|bio|author-bio|tags|print|skip|sr-only|visually-hidden|screen-reader-text)(?:$|[\s_-])",
    )
    .ok()
});

/// Elements that are never article text, whatever their class.
const SKIPPED_TAGS: &[&str] = &[
    "nav", "header", "footer", "aside", "form", "script", "style", "noscript", "template", "svg",
    "iframe", "button", "select", "input", "textarea", "label", "dialog", "menu", "object",
    "embed", "video", "audio", "canvas", "map", "head", "title", "meta", "link", "pre", "table",
    "math", "sup",
];

const SKIPPED_ROLES: &[&str] = &[
    "navigation",
    "banner",
    "contentinfo",
    "complementary",
    "search",
    "dialog",
    "alertdialog",
    "menu",
    "menubar",
    "toolbar",
    "form",
];

/// Elements that end a run of inline text.
const BLOCK_TAGS: &[&str] = &[
    "p",
    "div",
    "section",
    "article",
    "main",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "ul",
    "ol",
    "li",
    "dl",
    "dt",
    "dd",
    "blockquote",
    "figure",
    "figcaption",
    "hr",
    "address",
    "center",
    "details",
    "summary",
    "body",
    "html",
];

fn selector(css: &str) -> Option<Selector> {
    Selector::parse(css).ok()
}

fn select_first<'a>(scope: ElementRef<'a>, css: &str) -> Option<ElementRef<'a>> {
    let sel = selector(css)?;
    let found = scope.select(&sel).next();
    found
}

fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn is_skipped_tag(el: &ElementRef) -> bool {
    let name = el.value().name();
    SKIPPED_TAGS.contains(&name)
        || el.value().attr("hidden").is_some()
        || el.value().attr("aria-hidden") == Some("true")
        || el
            .value()
            .attr("role")
            .is_some_and(|r| SKIPPED_ROLES.contains(&r.trim().to_ascii_lowercase().as_str()))
        || el.value().attr("style").is_some_and(|s| {
            let s: String = s.chars().filter(|c| !c.is_whitespace()).collect();
            s.to_ascii_lowercase().contains("display:none")
        })
}

fn has_boilerplate_name(el: &ElementRef) -> bool {
    let Some(re) = BOILERPLATE.as_ref() else {
        return false;
    };
    let class = el.value().attr("class").unwrap_or("");
    let id = el.value().attr("id").unwrap_or("");
    re.is_match(class) || re.is_match(id)
}

/// Text of an element for metadata: every text node, whitespace collapsed.
fn text_of(el: ElementRef) -> String {
    collapse(&el.text().collect::<String>())
}

/// Text length of the paragraphs inside an element: how much article an element holds.
fn paragraph_chars(el: ElementRef) -> usize {
    let Some(p) = selector("p") else {
        return 0;
    };
    el.select(&p).map(|p| text_of(p).len()).sum()
}

/// A block of the body before it is placed in the extracted text.
#[derive(Debug, Clone)]
struct Piece {
    kind: BlockKind,
    text: String,
    links: Vec<(Range<usize>, String)>,
    in_item: bool,
    in_quote: bool,
}

/// Collects inline text with whitespace collapsed as it arrives, so link ranges stay valid.
#[derive(Default)]
struct Inline {
    text: String,
    space: bool,
    links: Vec<(Range<usize>, String)>,
}

impl Inline {
    fn push(&mut self, s: &str) {
        for c in s.chars() {
            if c.is_whitespace() {
                self.space = true;
            } else {
                if self.space && !self.text.is_empty() {
                    self.text.push(' ');
                }
                self.space = false;
                self.text.push(c);
            }
        }
    }
}

#[derive(Clone, Copy, Default)]
struct Context {
    in_item: bool,
    in_quote: bool,
}

struct Walker {
    pieces: Vec<Piece>,
    captions: Vec<Caption>,
    /// Below this many characters of paragraph text an element whose class names furniture is
    /// dropped; above it, the class is more likely a site-wide wrapper ("has-sidebar").
    furniture_limit: usize,
    /// How deep the walk is in the element tree.
    depth: usize,
}

/// Deeper than this the walk stops recursing (a hostile page can nest a million elements;
/// real pages stay under a few dozen levels).
const MAX_DEPTH: usize = 256;

impl Walker {
    fn skip(&self, el: &ElementRef) -> bool {
        is_skipped_tag(el)
            || has_boilerplate_name(el) && paragraph_chars(*el) < self.furniture_limit
    }

    fn flush(&mut self, inline: &mut Inline, ctx: Context) {
        let done = std::mem::take(inline);
        if !done.text.is_empty() {
            self.pieces.push(Piece {
                kind: BlockKind::Paragraph,
                text: done.text,
                links: done.links,
                in_item: ctx.in_item,
                in_quote: ctx.in_quote,
            });
        }
    }

    fn inline(&mut self, el: ElementRef, out: &mut Inline) {
        if self.depth >= MAX_DEPTH {
            out.push(&el.text().collect::<String>());
            return;
        }
        self.depth += 1;
        self.inline_children(el, out);
        self.depth -= 1;
    }

    fn inline_children(&mut self, el: ElementRef, out: &mut Inline) {
        for child in el.children() {
            match child.value() {
                Node::Text(t) => out.push(t),
                Node::Element(_) => {
                    if let Some(c) = ElementRef::wrap(child) {
                        if !self.skip(&c) {
                            self.inline_element(c, out);
                        }
                    }
                }
                _ => {}
            }
        }
    }

    /// An inline element: a line break parts words, an image leaves only its caption, a link
    /// records where its text is and where it points.
    fn inline_element(&mut self, c: ElementRef, out: &mut Inline) {
        match c.value().name() {
            "br" | "wbr" => out.space = true,
            "img" => self.caption_of_image(c),
            "a" => {
                if out.space && !out.text.is_empty() {
                    out.text.push(' ');
                    out.space = false;
                }
                let start = out.text.len();
                self.inline(c, out);
                if let Some(href) = c.value().attr("href") {
                    if out.text.len() > start && !href.starts_with('#') {
                        out.links.push((start..out.text.len(), href.to_string()));
                    }
                }
            }
            _ => self.inline(c, out),
        }
    }

    fn caption_of_image(&mut self, img: ElementRef) {
        let alt = collapse(img.value().attr("alt").unwrap_or(""));
        if !alt.is_empty() {
            self.captions.push(Caption {
                text: alt,
                span: None,
                source: img.value().attr("src").map(str::to_string),
            });
        }
    }

    fn block(&mut self, el: ElementRef, kind: BlockKind, ctx: Context) {
        let mut inline = Inline::default();
        self.inline(el, &mut inline);
        if !inline.text.is_empty() {
            self.pieces.push(Piece {
                kind,
                text: inline.text,
                links: inline.links,
                in_item: ctx.in_item,
                in_quote: ctx.in_quote,
            });
        }
    }

    fn walk(&mut self, el: ElementRef, ctx: Context) {
        if self.depth >= MAX_DEPTH {
            // Nesting no real page has: the rest is one run of text, read without recursion.
            let mut rest = Inline::default();
            rest.push(&el.text().collect::<String>());
            self.flush(&mut rest, ctx);
            return;
        }
        self.depth += 1;
        self.walk_children(el, ctx);
        self.depth -= 1;
    }

    fn walk_children(&mut self, el: ElementRef, ctx: Context) {
        let mut inline = Inline::default();
        for child in el.children() {
            match child.value() {
                Node::Text(t) => inline.push(t),
                Node::Element(_) => {
                    let Some(c) = ElementRef::wrap(child) else {
                        continue;
                    };
                    if self.skip(&c) {
                        continue;
                    }
                    let name = c.value().name();
                    // An inline element wrapping blocks (a stray `<a>` that the HTML parser
                    // carried over the rest of the page) is read as the blocks it holds.
                    let holds_blocks = || {
                        c.descendent_elements()
                            .skip(1)
                            .take(10_000)
                            .any(|d| BLOCK_TAGS.contains(&d.value().name()))
                    };
                    if !BLOCK_TAGS.contains(&name) && !holds_blocks() {
                        self.inline_element(c, &mut inline);
                        continue;
                    }
                    self.flush(&mut inline, ctx);
                    match name {
                        // The page's `<h1>` is the title, read separately.
                        "h1" => {}
                        "h2" | "h3" | "h4" | "h5" | "h6" => self.block(c, BlockKind::Heading, ctx),
                        "p" | "dt" | "dd" | "address" | "summary" => {
                            self.block(c, BlockKind::Paragraph, ctx)
                        }
                        "li" => self.walk(
                            c,
                            Context {
                                in_item: true,
                                ..ctx
                            },
                        ),
                        "blockquote" => self.walk(
                            c,
                            Context {
                                in_quote: true,
                                ..ctx
                            },
                        ),
                        "figure" | "figcaption" => {
                            let text = text_of(c);
                            if !text.is_empty() {
                                self.captions.push(Caption {
                                    text,
                                    span: None,
                                    source: None,
                                });
                            }
                        }
                        "hr" => {}
                        _ => self.walk(c, ctx),
                    }
                }
                _ => {}
            }
        }
        self.flush(&mut inline, ctx);
    }
}

/// The first non-empty `content` of a meta tag named by one of `keys` (in order of preference)
/// that `usable` accepts.
fn meta_content(doc: &Html, keys: &[&str], usable: impl Fn(&str) -> bool) -> Option<String> {
    for key in keys {
        for attr in ["property", "name", "itemprop"] {
            let css = format!("meta[{attr}=\"{key}\" i]");
            let Some(sel) = selector(&css) else {
                continue;
            };
            if let Some(content) = doc
                .select(&sel)
                .filter_map(|m| m.value().attr("content"))
                .map(collapse)
                .find(|c| !c.is_empty() && usable(c))
            {
                return Some(content);
            }
        }
    }
    None
}

fn is_url(s: &str) -> bool {
    s.starts_with("http://") || s.starts_with("https://") || s.starts_with('/')
}

/// "By Jane Doe" → "Jane Doe"; a byline element often holds the word "By" and the date too.
fn clean_byline(s: &str) -> Option<String> {
    let s = collapse(s);
    let s = s
        .strip_prefix("By ")
        .or_else(|| s.strip_prefix("by "))
        .or_else(|| s.strip_prefix("BY "))
        .unwrap_or(&s);
    let s = match find_date(s) {
        Some(d) if d.start > 0 => s[..d.start].trim_end_matches([' ', ',', '·', '|', '—', '–']),
        _ => s,
    };
    let s = s.trim();
    (!s.is_empty() && s.split_whitespace().count() <= 12 && !is_url(s)).then(|| s.to_string())
}

/// The longest part of a `<title>` split at the separators sites put before their own name.
fn clean_page_title(title: &str) -> String {
    let mut title = collapse(title);
    for sep in [" | ", " - ", " — ", " – ", " · ", " :: "] {
        if let Some(longest) = title.split(sep).max_by_key(|s| s.len()) {
            title = longest.to_string();
        }
    }
    super::blocks::without_section_prefix(&title).to_string()
}

/// Picks the element that holds the article.
fn article_root(doc: &Html) -> Option<ElementRef<'_>> {
    let root = doc.root_element();
    if let Some(body) = select_first(root, "[itemprop=articleBody]") {
        if paragraph_chars(body) > 0 {
            return Some(body);
        }
    }
    let articles = selector("article")?;
    let best = doc
        .select(&articles)
        .filter(|a| !has_boilerplate_name(a) && !inside_furniture(*a))
        .max_by_key(|a| paragraph_chars(*a));
    if let Some(a) = best.filter(|a| paragraph_chars(*a) > 0) {
        return Some(a);
    }
    let main = selector("main, [role=main]")?;
    let found = doc.select(&main).find(|m| paragraph_chars(*m) > 0);
    found
}

/// Whether an element lies inside navigation, a footer, an aside or a comments section.
fn inside_furniture(el: ElementRef) -> bool {
    el.ancestors()
        .filter_map(ElementRef::wrap)
        .any(|a| is_skipped_tag(&a) || has_boilerplate_name(&a))
}

struct Found {
    title: Option<String>,
    byline: Option<String>,
    date: Option<String>,
    standfirst: Option<String>,
}

fn metadata(doc: &Html, root: Option<ElementRef>) -> Found {
    let ld = linked_data(doc);
    let page = doc.root_element();
    let scope = root.unwrap_or(page);
    let title = select_first(scope, "h1")
        .map(text_of)
        .filter(|t| !t.is_empty())
        .or_else(|| meta_content(doc, &["og:title", "twitter:title", "headline"], |_| true))
        .or_else(|| {
            selector("h1").and_then(|sel| {
                doc.select(&sel)
                    .filter(|h| !inside_furniture(*h))
                    .map(text_of)
                    .find(|t| !t.is_empty())
            })
        })
        .or_else(|| {
            select_first(page, "title")
                .map(|t| clean_page_title(&text_of(t)))
                .filter(|t| !t.is_empty())
        })
        .or_else(|| ld.headline.clone());

    let byline = meta_content(
        doc,
        &[
            "author",
            "article:author",
            "parsely-author",
            "sailthru.author",
            "dc.creator",
        ],
        |a| clean_byline(a).is_some(),
    )
    .and_then(|a| clean_byline(&a))
    .or_else(|| {
        [
            "[rel=author]",
            "[itemprop=author] [itemprop=name]",
            "[itemprop=author]",
            ".byline__name, .author-name, .byline-name",
            ".byline, .author",
        ]
        .iter()
        .filter_map(|css| select_first(scope, css).or_else(|| select_first(page, css)))
        .find_map(|el| clean_byline(&text_of(el)))
    })
    .or_else(|| ld.author.as_deref().and_then(clean_byline));

    let time_text = |el: ElementRef| {
        let visible = text_of(el);
        if find_date(&visible).is_some() {
            Some(visible)
        } else {
            el.value().attr("datetime").map(collapse)
        }
    };
    let date = meta_content(
        doc,
        &[
            "article:published_time",
            "datePublished",
            "date",
            "pubdate",
            "publishdate",
            "publish-date",
            "dc.date",
            "dc.date.issued",
            "citation_publication_date",
            "parsely-pub-date",
            "sailthru.date",
        ],
        |d| find_date(d).is_some(),
    )
    .or_else(|| {
        select_first(scope, "time")
            .or_else(|| select_first(page, "time"))
            .and_then(time_text)
            .filter(|d| find_date(d).is_some())
    })
    .or_else(|| ld.date.clone().filter(|d| find_date(d).is_some()));

    let standfirst = [
        ".standfirst",
        ".dek",
        ".deck",
        ".subtitle",
        ".subheadline",
        ".summary",
        ".article-summary",
        ".lede",
        ".article-excerpt",
        ".post-excerpt",
        "[itemprop=description]",
    ]
    .iter()
    .filter_map(|css| select_first(scope, css))
    .map(text_of)
    .find(|t| !t.is_empty() && t.split_whitespace().count() <= 80);

    Found {
        title,
        byline,
        date,
        standfirst,
    }
}

/// Headline, first author and publication date of the page's schema.org JSON-LD, where news
/// sites and blog platforms put them.
#[derive(Default)]
struct LinkedData {
    headline: Option<String>,
    author: Option<String>,
    date: Option<String>,
}

fn linked_data(doc: &Html) -> LinkedData {
    let mut ld = LinkedData::default();
    let Some(sel) = selector("script[type=\"application/ld+json\" i]") else {
        return ld;
    };
    for script in doc.select(&sel) {
        let Ok(value) =
            serde_json::from_str::<serde_json::Value>(&script.text().collect::<String>())
        else {
            continue;
        };
        let mut items = vec![&value];
        while let Some(item) = items.pop() {
            match item {
                serde_json::Value::Array(list) => items.extend(list.iter().rev()),
                serde_json::Value::Object(map) => {
                    if let Some(graph) = map.get("@graph") {
                        items.push(graph);
                    }
                    let text = |v: Option<&serde_json::Value>| {
                        v.and_then(serde_json::Value::as_str)
                            .map(collapse)
                            .filter(|s| !s.is_empty())
                    };
                    if ld.headline.is_none() {
                        ld.headline = text(map.get("headline"));
                    }
                    if ld.date.is_none() {
                        ld.date = text(map.get("datePublished"));
                    }
                    if ld.author.is_none() {
                        let mut author = map.get("author");
                        if let Some(serde_json::Value::Array(list)) = author {
                            author = list.first();
                        }
                        ld.author = match author {
                            Some(serde_json::Value::Object(a)) => text(a.get("name")),
                            other => text(other),
                        };
                    }
                }
                _ => {}
            }
        }
    }
    ld
}

/// Deepest element nesting and element count, in one pass without recursion.
fn shape(doc: &Html) -> (usize, usize) {
    let (mut depth, mut deepest, mut count) = (0usize, 0usize, 0usize);
    for edge in doc.tree.root().traverse() {
        match edge {
            ego_tree::iter::Edge::Open(_) => {
                depth += 1;
                count += 1;
                deepest = deepest.max(depth);
            }
            ego_tree::iter::Edge::Close(_) => depth = depth.saturating_sub(1),
        }
    }
    (deepest, count)
}

/// Readability's choice of the article content, as HTML. Pages that no site produces
/// (nesting deeper than [`MAX_DEPTH`], more than 100,000 nodes) are left to the plain walk,
/// which is linear, rather than to scoring that is not.
fn readable_content(page: &str, doc: &Html) -> Option<String> {
    let (deepest, count) = shape(doc);
    if deepest > MAX_DEPTH || count > 100_000 {
        return None;
    }
    // Classes are kept so that the furniture filter can still see them.
    let config = dom_smoothie::Config {
        keep_classes: true,
        ..dom_smoothie::Config::default()
    };
    let mut readability = dom_smoothie::Readability::new(page, None, Some(config)).ok()?;
    readability.parse().ok().map(|a| a.content.to_string())
}

/// Elements without an end tag, or whose end tag the parser implies: they do not nest.
const UNNESTED: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
    "track", "wbr", "p", "li", "dt", "dd", "option", "tr", "td", "th", "!doctype",
];

/// How deep the page's tags nest, estimated from the tags alone in one pass: open tags minus
/// close tags, void and self-closing elements not counted.
fn estimated_depth(page: &str) -> usize {
    let (mut depth, mut deepest) = (0usize, 0usize);
    let mut rest = page;
    while let Some(at) = rest.find('<') {
        rest = &rest[at + 1..];
        let closing = rest.starts_with('/');
        let name_start = usize::from(closing);
        let name: String = rest[name_start..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '!')
            .take(16)
            .collect::<String>()
            .to_ascii_lowercase();
        if name.is_empty() || UNNESTED.contains(&name.as_str()) {
            continue;
        }
        let self_closing = rest.find('>').is_some_and(|end| rest[..end].ends_with('/'));
        if closing {
            depth = depth.saturating_sub(1);
        } else if !self_closing {
            depth += 1;
            deepest = deepest.max(depth);
        }
    }
    deepest
}

/// Tags nested deeper than this are no document: building a tree of them costs time that grows
/// with the square of the depth (in any HTML parser), so such a page is read as text instead.
const MAX_PAGE_NESTING: usize = 4_096;

/// A page too deeply nested to parse: its text between the tags, read as plain text.
fn read_as_text(page: &str) -> Reading {
    let mut text = String::with_capacity(page.len() / 2);
    let mut in_tag = false;
    for c in page.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                text.push(' ');
            }
            _ if !in_tag => text.push(c),
            _ => {}
        }
    }
    let blocks = super::blocks::read_blocks(&text);
    Reading {
        extracted: Some(text),
        blocks,
        ..Reading::default()
    }
}

/// Extracts the article of a web page into text and blocks.
pub(crate) fn read(page: &str) -> Reading {
    if estimated_depth(page) > MAX_PAGE_NESTING {
        return read_as_text(page);
    }
    let doc = Html::parse_document(page);
    let root = article_root(&doc);
    let found = metadata(&doc, root);

    let mut walker = Walker {
        pieces: Vec::new(),
        captions: Vec::new(),
        furniture_limit: 0,
        depth: 0,
    };
    match root {
        Some(root) => {
            walker.furniture_limit = paragraph_chars(root) / 2;
            walker.walk(root, Context::default());
        }
        None => {
            // No element says where the article is: Readability's choice, read the same way.
            let content = readable_content(page, &doc);
            let fragment = content.map(|c| Html::parse_fragment(&c));
            let scope = fragment
                .as_ref()
                .map(Html::root_element)
                .or_else(|| select_first(doc.root_element(), "body"));
            if let Some(scope) = scope {
                walker.furniture_limit = paragraph_chars(scope) / 2;
                walker.walk(scope, Context::default());
            }
        }
    }
    assemble(found, walker)
}

fn assemble(found: Found, walker: Walker) -> Reading {
    let mut text = String::new();
    let mut blocks: Vec<Block> = Vec::new();
    let mut markup = Markup {
        captions: walker.captions,
        ..Markup::default()
    };
    let mut date = None;
    let push = |text: &mut String, s: &str| -> Range<usize> {
        if !text.is_empty() {
            text.push_str("\n\n");
        }
        let start = text.len();
        text.push_str(s);
        start..text.len()
    };
    let same = |a: &str, b: &str| a.trim().eq_ignore_ascii_case(b.trim());
    if let Some(title) = &found.title {
        let span = push(&mut text, title);
        blocks.push(Block {
            kind: BlockKind::Title,
            span,
            section: None,
        });
    }
    if let Some(byline) = &found.byline {
        let span = push(&mut text, byline);
        blocks.push(Block {
            kind: BlockKind::Byline,
            span,
            section: None,
        });
    }
    if let Some(d) = &found.date {
        let span = push(&mut text, d);
        date = Some(span.clone());
        blocks.push(Block {
            kind: BlockKind::Meta,
            span,
            section: None,
        });
    }
    let mut pieces = walker.pieces;
    // The body often repeats what was read as metadata (a deck inside the article, a byline
    // paragraph, a dateline): keep each once.
    pieces.retain(|p| {
        !(found.title.as_deref().is_some_and(|t| same(t, &p.text))
            || found.byline.as_deref().is_some_and(|b| {
                same(b, &p.text)
                    || clean_byline(&p.text).is_some_and(|c| same(&c, b))
                        && p.text.starts_with("By")
            })
            || found.date.as_deref().is_some_and(|d| same(d, &p.text)))
    });
    if let Some(sf) = &found.standfirst {
        pieces.retain(|p| !same(sf, &p.text));
        let span = push(&mut text, sf);
        blocks.push(Block {
            kind: BlockKind::Standfirst,
            span,
            section: None,
        });
    }
    let author = found.byline.as_deref();
    // Furniture that the page's markup does not label (a byline, a date or "Read more" in a
    // plain <p>) is known by its words, as in plain text.
    let mut kinds: Vec<BlockKind> = pieces
        .iter()
        .map(|p| match p.kind {
            BlockKind::Paragraph if !p.in_item && !p.in_quote => {
                super::blocks::furniture_kind(&p.text).unwrap_or(BlockKind::Paragraph)
            }
            kind => kind,
        })
        .collect();
    // A name in a plain <div> under the headline, with the author's role under it ("Lena Park"
    // / "Special to the Courier"), is the byline a page without byline markup shows.
    if found.byline.is_none() {
        if let Some(k) = (0..pieces.len().min(4))
            .find(|&k| kinds[k] == BlockKind::Paragraph && shapes::is_name(&pieces[k].text))
        {
            kinds[k] = BlockKind::Byline;
            if let Some(next) = pieces.get(k + 1) {
                if kinds[k + 1] == BlockKind::Paragraph
                    && words_at_most(&next.text, 8)
                    && !ends_like_sentence(&next.text)
                {
                    kinds[k + 1] = BlockKind::AuthorRole;
                }
            }
        }
    }
    // The end of the page: the author's note among disclaimers and sign-up prompts.
    let mut k = kinds.len();
    while k > 1 {
        k -= 1;
        let piece = &pieces[k];
        match kinds[k] {
            BlockKind::Boilerplate | BlockKind::Caption | BlockKind::Meta | BlockKind::Byline => {}
            BlockKind::Paragraph
                if !piece.in_item && !piece.in_quote && is_author_note(&piece.text, author) =>
            {
                kinds[k] = BlockKind::AuthorNote;
                break;
            }
            _ => break,
        }
    }
    let mut section = None;
    let mut headings = 0;
    for (piece, kind) in pieces.into_iter().zip(kinds) {
        if kind == BlockKind::Heading {
            section = Some(headings);
            headings += 1;
        }
        let span = push(&mut text, &piece.text);
        if date.is_none() && kind == BlockKind::Meta {
            date = find_date(&text[span.clone()]).map(|d| span.start + d.start..span.start + d.end);
        }
        for (r, url) in piece.links {
            markup.links.push(Link {
                text: span.start + r.start..span.start + r.end,
                url,
            });
        }
        let index = blocks.len();
        if piece.in_item {
            markup.list_items.push(index);
        }
        if piece.in_quote {
            markup.quotes.push(index);
        }
        blocks.push(Block {
            kind,
            span,
            section,
        });
    }
    text.push('\n');
    Reading {
        extracted: Some(text),
        blocks,
        date,
        markup,
    }
}

#[cfg(test)]
mod tests {
    use crate::article::{Article, BlockKind, InputFormat};

    #[test]
    fn nesting_estimate_and_the_text_fallback() {
        use super::estimated_depth;
        assert_eq!(
            estimated_depth("<html><body><p>a<br>b<img src=x /></p></body></html>"),
            2
        );
        assert_eq!(estimated_depth(&"<div>".repeat(5000)), 5000);
        let page = format!("{}<p>Nested too deep to be a page.", "<div>".repeat(5000));
        let a = Article::parse_as("deep.html", &page, InputFormat::Html);
        assert!(a.text.contains("Nested too deep to be a page."));
        assert!(a.blocks.iter().all(|b| b.span.end <= a.text.len()));
    }

    #[test]
    fn malformed_page_is_read() {
        let page = "<html><body><article><h1>Broken <b>page</h1><p>Unclosed paragraph one is here.<p>Second <i>one</article>";
        let a = Article::parse_as("x.html", page, InputFormat::Html);
        let got: Vec<(BlockKind, &str)> = a
            .blocks
            .iter()
            .map(|b| (b.kind, a.slice(&b.span)))
            .collect();
        assert_eq!(
            got,
            [
                (BlockKind::Title, "Broken page"),
                (BlockKind::Paragraph, "Unclosed paragraph one is here."),
                (BlockKind::Paragraph, "Second one"),
            ]
        );
        assert!(a.original.is_some());
    }

    #[test]
    fn page_without_article_element_falls_back_to_readability() {
        let para = "Cities that price congestion see fewer cars and cleaner air, and the revenue pays for buses that serve the people who drive least. ";
        let page = format!(
            "<html><head><title>Road pricing works | The Daily</title></head><body>\
             <div class=\"topbar\"><a href=\"/\">Home</a> <a href=\"/news\">News</a></div>\
             <div id=\"content\"><div class=\"text\"><p>{p}</p><p>{p}</p><p>{p}</p></div></div>\
             <div class=\"site-footer\">© The Daily</div></body></html>",
            p = para.repeat(2)
        );
        let a = Article::parse_as("x.html", &page, InputFormat::Html);
        assert_eq!(a.title(), Some("Road pricing works"));
        let body: Vec<&str> = a
            .blocks
            .iter()
            .filter(|b| b.kind == BlockKind::Paragraph)
            .map(|b| a.slice(&b.span))
            .collect();
        assert_eq!(body.len(), 3, "{body:?}");
        assert!(body.iter().all(|p| p.starts_with("Cities that price")));
    }
}
