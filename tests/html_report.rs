//! The HTML report: one self-contained, deterministic file in which hostile article text stays
//! text, every unit is highlighted in the article and findable in the diagram.

use std::collections::BTreeMap;

use toulmin::annotate::Segmentation;
use toulmin::grammar::Grammar;
use toulmin::graph::model::ArgumentMap;
use toulmin::pipeline::{map_text, Mapped};
use toulmin::render::{builtin, dot, dot_available, html, run_dot};

const HOSTILE: &str = "Why <script>alert(1)</script> matters: a {{ title }} test\n\
\n\
By Jane Doe\n\
\n\
The council argues that the new policy is necessary because traffic has doubled since 2010 </script>. \
However, critics claim that \"><img src=x onerror=alert(1)> is a real risk for residents.\n\
\n\
## Costs </style> and <b>benefits</b>\n\
\n\
Therefore, the city must adopt the plan, since studies show that congestion pricing reduces traffic \
by 20 percent {{ constructor.constructor('alert(1)')() }}. Although some say the cost is too high, \
the evidence clearly shows that the benefits outweigh it & that 'quotes' survive.\n\
\n\
For example, a report found that </script><script>alert(2)</script> delays fell by a third. \
Critics argue the data is flawed; however, the data was independently audited.\n";

const REFERENCE: &str = include_str!("../corpus/ipcs-us-north-korea-2018.txt");

fn mapped(name: &str, text: &str) -> Mapped {
    let grammar = Grammar::default_grammar().expect("the default grammar loads");
    map_text(name, text, &grammar, &Segmentation::Rules).expect("the text maps")
}

/// Every SVG the report can be given: the built-in one always, Graphviz's when `dot` runs.
fn svgs(m: &Mapped) -> Vec<(&'static str, String)> {
    let mut out = vec![("builtin", builtin::to_svg(&m.map))];
    if dot_available() {
        let bytes = run_dot(&dot::to_dot(&m.map), "svg").expect("dot renders the map");
        out.push(("graphviz", String::from_utf8(bytes).expect("utf-8 svg")));
    }
    out
}

fn unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

fn count(hay: &str, needle: &str) -> usize {
    hay.matches(needle).count()
}

/// The text of every unit span in the article pane, pieces of one unit joined, marks removed.
fn unit_span_texts(page: &str) -> BTreeMap<String, String> {
    let mut out: BTreeMap<String, String> = BTreeMap::new();
    let mut rest = page;
    while let Some(at) = rest.find("<span class=\"unit role-") {
        rest = &rest[at..];
        let open_end = rest.find('>').expect("the span tag closes");
        let tag = &rest[..open_end];
        let id_at = tag.find("data-unit=\"").expect("a data-unit attribute") + 11;
        let id = &tag[id_at..id_at + tag[id_at..].find('"').unwrap()];
        assert!(
            tag.ends_with("tabindex=\"0\""),
            "unit spans are focusable: {tag}"
        );
        let body_start = open_end + 1;
        let close = rest[body_start..].find("</span>").expect("the span closes");
        let inner = &rest[body_start..body_start + close];
        assert!(!inner.contains("<span"), "unit spans do not nest: {inner}");
        let raw = inner
            .replace("<mark class=\"cue\">", "")
            .replace("</mark>", "");
        assert!(!raw.contains('<'), "only cue marks inside a unit: {inner}");
        let text = unescape(&raw);
        out.entry(id.to_string()).or_default().push_str(&text);
        rest = &rest[body_start + close..];
    }
    out
}

fn json_block(page: &str) -> &str {
    let open = "<script type=\"application/json\" id=\"map-data\">";
    let at = page.find(open).expect("the map is embedded as JSON") + open.len();
    let end = page[at..].find("</script>").expect("the JSON block closes");
    &page[at..at + end]
}

/// The page without the contents of its two script blocks (JS may contain `<`).
fn markup_only(page: &str) -> String {
    let mut out = String::new();
    let mut rest = page;
    while let Some(at) = rest.find("<script") {
        let open_end = at + rest[at..].find('>').unwrap() + 1;
        out.push_str(&rest[..open_end]);
        let close = open_end + rest[open_end..].find("</script>").unwrap();
        rest = &rest[close..];
        out.push_str("</script>");
        rest = &rest["</script>".len()..];
    }
    out.push_str(rest);
    out
}

/// Every tag name and attribute name in the markup.
fn tags(markup: &str) -> Vec<(String, Vec<String>)> {
    let mut out = Vec::new();
    let b = markup.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] != b'<' {
            i += 1;
            continue;
        }
        let end = i + markup[i..].find('>').expect("tags close");
        let tag = &markup[i + 1..end];
        i = end + 1;
        if tag.starts_with('/') || tag.starts_with('!') {
            continue;
        }
        let name: String = tag
            .chars()
            .take_while(|c| !c.is_whitespace() && *c != '/')
            .collect();
        let mut attrs = Vec::new();
        let mut in_quote: Option<char> = None;
        let mut current = String::new();
        let mut expecting_name = false;
        for c in tag[name.len()..].chars() {
            match in_quote {
                Some(q) if c == q => in_quote = None,
                Some(_) => {}
                None if c == '"' || c == '\'' => in_quote = Some(c),
                None if c.is_whitespace() || c == '/' => {
                    if !current.is_empty() {
                        attrs.push(std::mem::take(&mut current));
                    }
                    expecting_name = true;
                }
                None if c == '=' => {
                    if !current.is_empty() {
                        attrs.push(std::mem::take(&mut current));
                    }
                    expecting_name = false;
                }
                None if expecting_name => current.push(c),
                None => {}
            }
        }
        if !current.is_empty() {
            attrs.push(current);
        }
        out.push((name.to_ascii_lowercase(), attrs));
    }
    out
}

const ALLOWED_TAGS: &[&str] = &[
    "html", "head", "meta", "title", "style", "script", "body", "header", "main", "section", "div",
    "article", "span", "mark", "label", "input", "button", "h1", "h2", "p", "b", "svg", "g", "a",
    "path", "polygon", "polyline", "line", "rect", "ellipse", "circle", "text", "tspan",
    "textpath", "defs", "marker", "nav", "ul", "li",
];

#[test]
fn hostile_text_stays_text() {
    let m = mapped("hostile<script>.txt", HOSTILE);
    assert!(!m.map.units.is_empty(), "the hostile article has units");
    for (renderer, svg) in svgs(&m) {
        let page = html::report(&m, &svg);
        let lower = page.to_ascii_lowercase();
        // Exactly two script elements: the JSON map and the report's own code.
        assert_eq!(count(&lower, "<script"), 2, "{renderer}: script elements");
        assert_eq!(count(&lower, "</script"), 2, "{renderer}: script end tags");
        assert_eq!(
            count(&page, "<script type=\"application/json\" id=\"map-data\">"),
            1,
            "{renderer}"
        );
        assert_eq!(count(&page, "<script>\n"), 1, "{renderer}");
        assert!(!lower.contains("<script>alert"), "{renderer}");
        assert!(!lower.contains("<img"), "{renderer}");
        assert_eq!(
            count(&lower, "</style"),
            count(&lower, "<style"),
            "{renderer}: only style elements close"
        );
        assert!(page.contains("Costs &lt;/style&gt; and"), "{renderer}");
        assert!(!page.contains("<b>benefits"), "{renderer}");
        // The payload's handler only ever appears inside escaped text.
        assert_eq!(
            count(&page, "onerror="),
            count(&page, "&lt;img src=x onerror=") + count(&page, "\\u003cimg src=x onerror="),
            "{renderer}: onerror= outside escaped text"
        );
        assert!(
            page.contains("&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"),
            "{renderer}"
        );
        assert!(page.contains("{{ constructor.constructor("), "{renderer}");
        assert!(
            page.contains("<title>Why &lt;script&gt;alert(1)&lt;/script&gt; matters"),
            "{renderer}: the title is escaped"
        );
        assert!(page.contains("hostile&lt;script&gt;.txt"), "{renderer}");
        // Every tag is one the report means to write, and none carries an event handler.
        for (name, attrs) in tags(&markup_only(&page)) {
            assert!(
                ALLOWED_TAGS.contains(&name.as_str()),
                "{renderer}: unexpected element <{name}>"
            );
            for a in attrs {
                assert!(
                    !a.to_ascii_lowercase().starts_with("on"),
                    "{renderer}: event handler {a} on <{name}>"
                );
            }
        }
        // The JSON cannot end its script element, and it is the map.
        let json = json_block(&page);
        assert!(!json.contains('<') && !json.contains('>'), "{renderer}");
        let back: ArgumentMap = serde_json::from_str(json).expect("the embedded JSON parses");
        assert_eq!(back, m.map, "{renderer}: the embedded map is the map");
        // The text shows as written.
        let spans = unit_span_texts(&page);
        for u in &m.map.units {
            assert_eq!(
                spans.get(u.id.as_str()).map(String::as_str),
                Some(u.text.as_str()),
                "{renderer}: text of {}",
                u.id
            );
        }
    }
}

#[test]
fn every_unit_is_in_both_panes() {
    for (name, text) in [
        ("ipcs-us-north-korea-2018.txt", REFERENCE),
        ("hostile.txt", HOSTILE),
    ] {
        let m = mapped(name, text);
        for (renderer, svg) in svgs(&m) {
            let page = html::report(&m, &svg);
            let spans = unit_span_texts(&page);
            assert_eq!(spans.len(), m.map.units.len(), "{name} {renderer}");
            for u in &m.map.units {
                assert_eq!(
                    spans.get(u.id.as_str()).map(String::as_str),
                    Some(u.text.as_str()),
                    "{name} {renderer}: span text of {}",
                    u.id
                );
                assert!(
                    page.contains(&format!("id=\"node-{}\"", u.id)),
                    "{name} {renderer}: node of {} in the SVG",
                    u.id
                );
                assert!(
                    page.contains(&format!(
                        "<span class=\"unit role-{}\" data-unit=\"{}\" tabindex=\"0\">",
                        u.role, u.id
                    )),
                    "{name} {renderer}: span of {}",
                    u.id
                );
            }
            if renderer == "graphviz" {
                for r in &m.map.relations {
                    assert!(
                        page.contains(&format!("id=\"edge-{}\"", r.id)),
                        "{name}: edge {}",
                        r.id
                    );
                }
            }
            assert!(
                page.contains("<mark class=\"cue\">"),
                "{name} {renderer}: cues"
            );
            // A defeated unit says so in the outline too, not only by fading in the diagram.
            for u in &m.map.units {
                let head = format!(
                    "<span class=\"outline-unit\" data-unit=\"{}\" tabindex=\"0\">",
                    u.id
                );
                let Some(at) = page.find(&head) else {
                    panic!("{name} {renderer}: no outline item for {}", u.id)
                };
                let rest = &page[at + head.len()..];
                // The item itself, without the items nested under it.
                let end = ["</li>", "<ul"]
                    .iter()
                    .filter_map(|t| rest.find(t))
                    .min()
                    .unwrap_or(rest.len());
                let item = &rest[..end];
                let out = u.status == Some(toulmin::graph::model::Status::Out);
                assert_eq!(
                    item.contains("chip out"),
                    out,
                    "{name} {renderer}: outline item of {}: {item}",
                    u.id
                );
            }
        }
    }
    let reference = mapped("ipcs-us-north-korea-2018.txt", REFERENCE);
    assert!(
        reference
            .map
            .units
            .iter()
            .any(|u| u.status == Some(toulmin::graph::model::Status::Out)),
        "the reference map has a defeated counterclaim, so the outline check above ran"
    );
}

#[test]
fn self_contained_and_deterministic() {
    let m = mapped("ipcs-us-north-korea-2018.txt", REFERENCE);
    for (renderer, svg) in svgs(&m) {
        let page = html::report(&m, &svg);
        assert_eq!(page, html::report(&m, &svg), "{renderer}: deterministic");
        let rest = page.replace("http://www.w3.org/2000/svg", "");
        assert!(!rest.contains("http://"), "{renderer}: no http URL");
        assert!(!rest.contains("https://"), "{renderer}: no https URL");
        assert!(!rest.contains("//www."), "{renderer}");
        let lower = page.to_ascii_lowercase();
        for external in ["<link", "<img", "<iframe", "@import", " src="] {
            assert!(!lower.contains(external), "{renderer}: {external}");
        }
        // CSS/SVG references stay inside the page (`url(#marker)`).
        assert_eq!(count(&lower, "url("), count(&lower, "url(#"), "{renderer}");
        assert!(
            !lower.contains("<?xml"),
            "{renderer}: no XML prolog inside HTML"
        );
        assert!(
            !lower.contains("<!doctype svg"),
            "{renderer}: no SVG doctype"
        );
        assert!(page.starts_with("<!DOCTYPE html>"), "{renderer}");
        // The diagram plus the two legend glyphs.
        assert_eq!(count(&lower, "<svg"), 3, "{renderer}");
        assert_eq!(count(&page, "class=\"map-svg\""), 1, "{renderer}");
        // Legend: every role with its checkbox, and both edge kinds.
        for role in toulmin::graph::model::Role::ALL {
            assert!(
                page.contains(&format!("data-role=\"{role}\" checked")),
                "{renderer}: filter for {role}"
            );
        }
        assert!(page.contains(">supports</span>") && page.contains(">attacks</span>"));
        assert!(page.contains("@media print"), "{renderer}: print styles");
        assert!(page.contains("data-zoom=\"in\"") && page.contains("data-zoom=\"reset\""));
    }
}

#[test]
fn scripts_in_the_svg_are_dropped() {
    let m = mapped("ipcs-us-north-korea-2018.txt", REFERENCE);
    let svg = builtin::to_svg(&m.map).replacen(
        "<g id=\"node-u1\"",
        "<script>alert(1)</script><SCRIPT type=\"text/javascript\"><![CDATA[alert(2)]]></SCRIPT>\
         <a href=\"https://example.com/x\" onclick=\"alert(3)\"><text>t</text></a><g id=\"node-u1\"",
        1,
    );
    let page = html::report(&m, &svg);
    let lower = page.to_ascii_lowercase();
    assert_eq!(count(&lower, "<script"), 2);
    assert!(!lower.contains("alert("));
    assert!(!lower.contains("onclick"));
    assert!(!lower.contains("example.com"));
    assert!(page.contains("id=\"node-u1\""));
}

#[test]
fn an_empty_text_still_makes_a_page() {
    let m = mapped("empty.txt", "");
    let page = html::report(&m, &builtin::to_svg(&m.map));
    assert!(page.starts_with("<!DOCTYPE html>"));
    assert!(page.ends_with("</html>\n"));
    assert_eq!(count(&page.to_ascii_lowercase(), "<script"), 2);
}
