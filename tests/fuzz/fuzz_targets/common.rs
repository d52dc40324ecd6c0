//! Invariants shared by the fuzz targets. Each one panics with a message saying which promise
//! broke, so libFuzzer keeps the input as a crash.

#![allow(dead_code)]

use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

use toulmin::annotate::Segmentation;
use toulmin::article::Article;
use toulmin::grammar::Grammar;
use toulmin::graph::model::{ArgumentMap, Role};
use toulmin::pipeline::{map_text, Mapped};

/// The default grammar, compiled once per process (compiling it per input would make the
/// pipeline target forty times slower).
pub fn default_grammar() -> &'static Grammar {
    static G: OnceLock<Grammar> = OnceLock::new();
    G.get_or_init(|| match Grammar::default_grammar() {
        Ok(g) => g,
        Err(d) => panic!("the default grammar does not compile: {d}"),
    })
}

/// Every range the reader reports lies inside the text, on character boundaries, in order.
pub fn check_article(article: &Article) {
    let text = &article.text;
    let inside = |r: &std::ops::Range<usize>, what: &str| {
        assert!(
            r.start <= r.end && r.end <= text.len(),
            "{what} {r:?} outside the text ({} bytes)",
            text.len()
        );
        assert!(
            text.is_char_boundary(r.start) && text.is_char_boundary(r.end),
            "{what} {r:?} splits a character"
        );
    };
    let mut last_block_end = 0;
    for b in &article.blocks {
        inside(&b.span, "block");
        assert!(
            b.span.start >= last_block_end,
            "blocks overlap or go backwards"
        );
        last_block_end = b.span.end;
        if let Some(s) = b.section {
            assert!(
                s < article.headings.len(),
                "block names section {s} that does not exist"
            );
        }
    }
    for h in &article.headings {
        assert!(*h < article.blocks.len(), "heading {h} is not a block");
    }
    for s in &article.sentences {
        inside(&s.span, "sentence");
        let block = article
            .blocks
            .get(s.block)
            .unwrap_or_else(|| panic!("sentence names block {} that does not exist", s.block));
        assert!(
            block.span.start <= s.span.start && s.span.end <= block.span.end,
            "sentence {:?} outside its block {:?}",
            s.span,
            block.span
        );
        for c in &s.clauses {
            inside(c, "clause");
            assert!(
                s.span.start <= c.start && c.end <= s.span.end,
                "clause {c:?} outside its sentence {:?}",
                s.span
            );
        }
    }
    if let Some(d) = &article.date {
        inside(d, "date");
    }
    // Byte and character offsets convert both ways.
    let chars = text.chars().count();
    assert_eq!(article.chars(), chars, "character count");
    for (ci, (bi, _)) in text.char_indices().enumerate().step_by(97) {
        assert_eq!(article.char_offset(bi), ci, "char_offset({bi})");
        assert_eq!(article.byte_offset(ci), bi, "byte_offset({ci})");
    }
    assert_eq!(article.char_offset(text.len()), chars, "char_offset(end)");
}

/// What the JSON promises: offsets are characters into the text and cover the unit's text,
/// exactly one thesis, every unit but background reaches the thesis.
pub fn check_map(map: &ArgumentMap, text: &str) {
    let chars: Vec<char> = text.chars().collect();
    assert_eq!(map.source.chars, chars.len(), "source.chars");
    let mut ids = HashSet::new();
    for u in &map.units {
        assert!(ids.insert(u.id.as_str()), "duplicate unit id {}", u.id);
        assert!(
            u.start < u.end && u.end <= chars.len(),
            "unit {} has offsets {}..{} outside the text ({} chars)",
            u.id,
            u.start,
            u.end,
            chars.len()
        );
        let covered: String = chars[u.start..u.end].iter().collect();
        assert_eq!(
            covered, u.text,
            "unit {} text differs from input[start..end]",
            u.id
        );
        for c in &u.cues {
            assert!(
                c.start <= c.end && c.end <= chars.len(),
                "cue outside the text"
            );
            let covered: String = chars[c.start..c.end].iter().collect();
            assert_eq!(covered, c.text, "cue text of unit {}", u.id);
        }
    }
    if map.units.is_empty() {
        return;
    }
    let theses: Vec<_> = map
        .units
        .iter()
        .filter(|u| u.role == Role::Thesis)
        .collect();
    assert_eq!(
        theses.len(),
        1,
        "exactly one thesis, found {}",
        theses.len()
    );
    assert_eq!(
        map.thesis.as_deref(),
        Some(theses[0].id.as_str()),
        "map.thesis"
    );
    let mut out: HashMap<&str, &str> = HashMap::new();
    for r in &map.relations {
        assert!(
            ids.contains(r.from.as_str()) && ids.contains(r.to.as_str()),
            "dangling relation {}",
            r.id
        );
        assert!(
            out.insert(r.from.as_str(), r.to.as_str()).is_none(),
            "two relations out of {}",
            r.from
        );
    }
    let thesis = theses[0].id.as_str();
    assert!(
        !out.contains_key(thesis),
        "the thesis has an outgoing relation"
    );
    for u in &map.units {
        if u.role == Role::Background {
            assert!(
                !out.contains_key(u.id.as_str()),
                "background unit {} is linked",
                u.id
            );
            continue;
        }
        let mut at = u.id.as_str();
        let mut steps = 0;
        while at != thesis {
            at = out.get(at).unwrap_or_else(|| {
                panic!("unit {} does not reach the thesis (stops at {at})", u.id)
            });
            steps += 1;
            assert!(steps <= map.units.len(), "unit {} is on a cycle", u.id);
        }
    }
}

/// Maps `text` with the default grammar and checks the map and every rendering of it.
pub fn check_pipeline(name: &str, text: &str) -> Mapped {
    let mapped = match map_text(name, text, default_grammar(), &Segmentation::Rules) {
        Ok(m) => m,
        Err(e) => panic!("{e}"),
    };
    check_article(&mapped.article);
    check_map(&mapped.map, text);
    check_renderings(&mapped);
    mapped
}

pub fn check_renderings(mapped: &Mapped) {
    let map = &mapped.map;
    let json = toulmin::export::to_json(map);
    let back: ArgumentMap = match serde_json::from_str(&json) {
        Ok(m) => m,
        Err(e) => panic!("the JSON does not parse back: {e}"),
    };
    assert_eq!(
        toulmin::export::to_json(&back),
        json,
        "JSON round trip changes the map"
    );
    let line = toulmin::export::to_json_line(map);
    assert!(!line.contains('\n'), "a JSON line holds a newline");
    let dot = toulmin::render::dot::to_dot(map);
    if let Err(e) = graphviz_rust::parse(&dot) {
        panic!("the DOT does not parse: {e}\n{dot}");
    }
    let svg = toulmin::render::builtin::to_svg(map);
    check_markup(&svg, "built-in SVG");
    let html = toulmin::render::html::report(mapped, &svg);
    check_markup(&html, "HTML report");
}

/// Tags the report and the SVGs are made of. Anything else in the output came from the input
/// unescaped.
const TAGS: &[&str] = &[
    "!doctype",
    "html",
    "head",
    "meta",
    "title",
    "style",
    "script",
    "body",
    "header",
    "main",
    "section",
    "article",
    "aside",
    "nav",
    "footer",
    "div",
    "span",
    "p",
    "h1",
    "h2",
    "h3",
    "h4",
    "ul",
    "ol",
    "li",
    "dl",
    "dt",
    "dd",
    "a",
    "b",
    "i",
    "em",
    "strong",
    "small",
    "code",
    "pre",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "button",
    "label",
    "input",
    "select",
    "option",
    "details",
    "summary",
    "mark",
    "abbr",
    "sup",
    "sub",
    "br",
    "hr",
    "figure",
    "figcaption",
    "svg",
    "g",
    "defs",
    "marker",
    "path",
    "polygon",
    "polyline",
    "line",
    "rect",
    "circle",
    "ellipse",
    "text",
    "tspan",
    "textarea",
    "form",
    "fieldset",
    "legend",
    "kbd",
    "q",
    "cite",
    "time",
    "blockquote",
    "output",
    "progress",
    "meter",
    "template",
    "slot",
    "caption",
    "col",
    "colgroup",
    "tfoot",
    "u",
    "s",
    "del",
    "ins",
    "var",
    "samp",
    "bdi",
    "bdo",
    "wbr",
    "data",
    "img",
    "textpath",
    "desc",
    "use",
    "symbol",
    "lineargradient",
    "radialgradient",
    "stop",
    "clippath",
    "mask",
    "pattern",
];

/// Walks the markup outside `<script>`/`<style>` and checks that every tag is one the renderers
/// write and none carries an event handler; script bodies never end early.
pub fn check_markup(markup: &str, what: &str) {
    let lower = markup.to_ascii_lowercase();
    let bytes = lower.as_bytes();
    let mut i = 0;
    while let Some(off) = lower[i..].find('<') {
        let at = i + off;
        let rest = &lower[at + 1..];
        let rest = rest.strip_prefix('/').unwrap_or(rest);
        if rest.starts_with("!--") {
            i = lower[at..].find("-->").map_or(lower.len(), |e| at + e + 3);
            continue;
        }
        if rest.starts_with('?') {
            // The XML prolog of an SVG.
            assert_eq!(at, 0, "{what}: a processing instruction after the start");
            i = lower[at..].find("?>").map_or(lower.len(), |e| at + e + 2);
            continue;
        }
        let name_len = rest
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '!' || c == '-' || c == ':'))
            .unwrap_or(rest.len());
        let name = &rest[..name_len];
        if name.is_empty() {
            panic!("{what}: a bare `<` at byte {at}: {}", context(markup, at));
        }
        assert!(
            TAGS.contains(&name),
            "{what}: unexpected tag <{name}> at byte {at}: {}",
            context(markup, at)
        );
        let end = lower[at..]
            .find('>')
            .map(|e| at + e)
            .unwrap_or_else(|| panic!("{what}: unclosed tag at byte {at}"));
        check_attributes(&markup[at..=end], what);
        i = end + 1;
        let opening = !lower[at + 1..].starts_with('/');
        if opening && (name == "script" || name == "style") && !lower[at..end].ends_with('/') {
            let close = format!("</{name}");
            let stop = lower[i..]
                .find(&close)
                .map(|e| i + e)
                .unwrap_or_else(|| panic!("{what}: <{name}> is never closed"));
            assert!(
                !lower[i..stop].contains("<!--"),
                "{what}: `<!--` inside <{name}>"
            );
            i = stop;
        }
        let _ = bytes;
    }
}

/// No `on…=` attribute, no `javascript:` URL, quotes balanced.
fn check_attributes(tag: &str, what: &str) {
    let mut in_quote: Option<char> = None;
    let mut word = String::new();
    for c in tag.chars() {
        match in_quote {
            Some(q) if c == q => in_quote = None,
            Some(_) => {}
            None if c == '"' || c == '\'' => {
                in_quote = Some(c);
                word.clear();
            }
            None if c == '=' => {
                let w = word.to_ascii_lowercase();
                assert!(
                    !w.starts_with("on"),
                    "{what}: event handler attribute in {tag}"
                );
                word.clear();
            }
            None if c.is_whitespace() || c == '<' || c == '>' || c == '/' => word.clear(),
            None => word.push(c),
        }
    }
    assert!(in_quote.is_none(), "{what}: unbalanced quote in {tag}");
    assert!(
        !tag.to_ascii_lowercase().contains("javascript:"),
        "{what}: javascript: URL in {tag}"
    );
}

fn context(s: &str, at: usize) -> String {
    let mut a = at.saturating_sub(60);
    while !s.is_char_boundary(a) {
        a -= 1;
    }
    let mut b = (at + 60).min(s.len());
    while !s.is_char_boundary(b) {
        b += 1;
    }
    s[a..b].to_string()
}
