//! The self-contained HTML report: article and diagram side by side.
//!
//! One file with everything inline — CSS, JS, the SVG and the map as JSON — so it opens from
//! disk and makes no network request. The left pane is the article rebuilt from its blocks with
//! every unit highlighted in its role's colour and its cue words marked; the right pane is the
//! diagram. `html_assets/report.js` wires the two together (selection, path to the thesis,
//! tooltips, role filters, zoom and pan).
//!
//! Safety: every piece of text that comes from the article or the grammar is escaped with
//! [`escape_xml`]; the JSON is embedded with `<`, `>` and `&` as `\u` escapes so no text can close
//! its `<script>` element; the SVG is passed through [`sanitize_svg`], which keeps only markup and
//! drops scripts, event handlers, external references and the XML prolog.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::ops::Range;

use super::escape_xml;
use super::style::{role_style, ATTACK_COLOR, SUPPORT_COLOR};
use crate::article::{Article, BlockKind};
use crate::graph::model::{ArgumentMap, Kind, Role};
use crate::pipeline::Mapped;

const CSS: &str = include_str!("html_assets/report.css");
const JS: &str = include_str!("html_assets/report.js");

pub fn report(mapped: &Mapped, svg: &str) -> String {
    let map = &mapped.map;
    let name = map.title.as_deref().unwrap_or(&map.source.name);
    let mut out = String::with_capacity(svg.len() + mapped.article.text.len() * 3 + 64 * 1024);
    out.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    out.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    out.push_str("<meta name=\"generator\" content=\"toulmin\">\n");
    let _ = writeln!(out, "<title>{} · argument map</title>", escape_xml(name));
    out.push_str("<style>\n");
    out.push_str(CSS);
    out.push_str(&role_css());
    out.push_str("</style>\n</head>\n<body>\n");
    out.push_str(&header_html(map));
    out.push_str("<main class=\"panes\">\n");
    out.push_str("<section id=\"article\" class=\"pane\" aria-label=\"Article\">\n");
    out.push_str(&article_html(&mapped.article, map));
    out.push_str("</section>\n");
    out.push_str("<section id=\"diagram-pane\" class=\"pane\" aria-label=\"Argument map\">\n");
    out.push_str(
        "<div class=\"zoom-controls\" role=\"group\" aria-label=\"Zoom\">\
         <button type=\"button\" data-zoom=\"in\" title=\"Zoom in\" aria-label=\"Zoom in\">+</button>\
         <button type=\"button\" data-zoom=\"out\" title=\"Zoom out\" aria-label=\"Zoom out\">\u{2212}</button>\
         <button type=\"button\" data-zoom=\"fit\" title=\"Show the whole map\">fit</button>\
         <button type=\"button\" data-zoom=\"reset\" title=\"Back to the first view\">reset</button>\
         </div>\n",
    );
    out.push_str(
        "<div class=\"view-controls\" role=\"group\" aria-label=\"View\">\
         <button type=\"button\" id=\"fold-toggle\" aria-pressed=\"false\" \
         title=\"Show only the thesis and the claims; premises, evidence and counterclaims fold into counts\">claims only</button>\
         <button type=\"button\" id=\"outline-toggle\" aria-pressed=\"false\" aria-controls=\"outline\" \
         title=\"The argument as an indented list\">outline</button>\
         </div>\n",
    );
    out.push_str("<div class=\"diagram-row\">\n<div id=\"diagram\">\n");
    let clean = sanitize_svg(svg);
    if clean.is_empty() {
        out.push_str("<p class=\"no-diagram\">No diagram: the map has no units.</p>\n");
    } else {
        out.push_str(&clean);
        out.push('\n');
    }
    out.push_str("</div>\n");
    out.push_str(&outline_html(map));
    out.push_str("</div>\n");
    out.push_str(
        "<div id=\"path-info\" aria-live=\"polite\">Click a highlighted passage or a node to see \
         its path to the thesis. Wheel or +/\u{2212} to zoom, drag to pan. Esc clears.</div>\n",
    );
    out.push_str("</section>\n</main>\n");
    out.push_str("<div id=\"tooltip\" role=\"tooltip\" hidden></div>\n");
    out.push_str("<script type=\"application/json\" id=\"map-data\">");
    out.push_str(&json_for_script(map));
    out.push_str("</script>\n<script>\n");
    out.push_str(JS);
    out.push_str("</script>\n</body>\n</html>\n");
    out
}

/// The map as JSON that can sit inside `<script type="application/json">`: `<`, `>` and `&` (which
/// JSON only allows inside strings) become `\u` escapes, as do the JavaScript line separators.
fn json_for_script(map: &ArgumentMap) -> String {
    let json = serde_json::to_string(map).unwrap_or_else(|_| "{}".to_string());
    let mut out = String::with_capacity(json.len() + 64);
    for c in json.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    out
}

fn border_style(dot_style: &str) -> &'static str {
    if dot_style.contains("dashed") {
        "dashed"
    } else if dot_style.contains("dotted") {
        "dotted"
    } else {
        "solid"
    }
}

/// Role colours from [`role_style`], so the report speaks the diagram's visual vocabulary.
fn role_css() -> String {
    let mut css = String::from("\n/* role colours (generated from render::style) */\n");
    for role in Role::ALL {
        let s = role_style(role);
        let r = role.as_str();
        let line = border_style(s.dot_style);
        let _ = writeln!(
            css,
            "#article .unit.role-{r}, .swatch.role-{r}, .chip.role-{r} {{ background-color: {fill}; border-bottom: 2px {line} {border}; }}",
            fill = s.fill,
            border = s.border,
        );
        let _ = writeln!(
            css,
            ".swatch.role-{r} {{ border: 2px {line} {border}; }}\n\
             body.hide-role-{r} #article .unit.role-{r} {{ background-color: transparent; border-bottom-color: transparent; }}\n\
             body.hide-role-{r} #article .unit.role-{r} mark.cue {{ font-weight: inherit; text-decoration: none; }}\n\
             body.hide-role-{r} #diagram .role-{r} {{ display: none; }}",
            border = s.border,
        );
    }
    css
}

fn header_html(map: &ArgumentMap) -> String {
    let mut h = String::from("<header class=\"top\">\n");
    let (supports, attacks) = map.relation_counts();
    let _ = writeln!(
        h,
        "<div class=\"summary\"><span class=\"brand\">toulmin</span> <span class=\"source\">{}</span> \
         <span class=\"stats\">{} units · {} supports · {} attacks</span></div>",
        escape_xml(&map.source.name),
        map.units.len(),
        supports,
        attacks
    );
    h.push_str(
        "<div class=\"legend\" aria-label=\"Legend\">\n<span class=\"legend-title\">Roles</span>\n",
    );
    for role in Role::ALL {
        let r = role.as_str();
        let count = map.units.iter().filter(|u| u.role == role).count();
        let _ = writeln!(
            h,
            "<label class=\"legend-role\" title=\"Show or hide {r} units in both panes\">\
             <input type=\"checkbox\" data-role=\"{r}\" checked>\
             <span class=\"swatch role-{r}\"></span>{r} <span class=\"count\">{count}</span></label>"
        );
    }
    if map.units.iter().any(|u| u.kind.is_some()) {
        h.push_str("<span class=\"legend-title\">Kinds</span>\n");
        for kind in Kind::ALL {
            let count = map.units.iter().filter(|u| u.kind == Some(kind)).count();
            if count > 0 {
                let _ = writeln!(
                    h,
                    "<span class=\"legend-kind\" title=\"{}\"><span class=\"chip kind\">{kind}</span>\
                     <span class=\"count\">{count}</span></span>",
                    kind_meaning(kind)
                );
            }
        }
    }
    h.push_str("<span class=\"legend-title\">Relations</span>\n");
    let _ = writeln!(
        h,
        "<span class=\"legend-edge\"><svg width=\"38\" height=\"12\" aria-hidden=\"true\">\
         <line x1=\"2\" y1=\"6\" x2=\"28\" y2=\"6\" stroke=\"{SUPPORT_COLOR}\" stroke-width=\"2\"/>\
         <polygon points=\"28,1 37,6 28,11\" fill=\"{SUPPORT_COLOR}\"/></svg>supports</span>\n\
         <span class=\"legend-edge\"><svg width=\"38\" height=\"12\" aria-hidden=\"true\">\
         <line x1=\"2\" y1=\"6\" x2=\"34\" y2=\"6\" stroke=\"{ATTACK_COLOR}\" stroke-width=\"2\" stroke-dasharray=\"5,3\"/>\
         <line x1=\"35\" y1=\"0\" x2=\"35\" y2=\"12\" stroke=\"{ATTACK_COLOR}\" stroke-width=\"2.5\"/></svg>attacks</span>\n\
         <span class=\"legend-cue\"><mark class=\"cue\">cue</mark> words that fired a rule</span>"
    );
    let out = map.units.iter().filter(|u| super::style::is_out(u)).count();
    let _ = writeln!(
        h,
        "<span class=\"legend-title\">Status</span>\n\
         <span class=\"legend-status\" title=\"Grounded semantics: a unit is out when an attack on it \
         goes unanswered; its own supports and attacks then do not carry (dotted).\">\
         <span class=\"swatch status-out\"></span>out: defeated <span class=\"count\">{out}</span></span>"
    );
    h.push_str("</div>\n</header>\n");
    h
}

/// What a proposition kind means, for the legend's hover text.
fn kind_meaning(kind: Kind) -> &'static str {
    match kind {
        Kind::Policy => "policy: what should be done",
        Kind::Value => "value: a judgement",
        Kind::Fact => "fact: a checkable state or event",
        Kind::Statistic => "statistic: numbers, measurements, rates",
        Kind::Testimony => "testimony: what someone said, found or experienced",
        Kind::Reference => "reference: a citation or link",
    }
}

/// A unit's (or cue's) character range as a byte range into the article text.
fn bytes(article: &Article, start: usize, end: usize) -> Range<usize> {
    let s = article.byte_offset(start);
    let e = article.byte_offset(end).max(s);
    s..e
}

fn block_tag(kind: BlockKind) -> (&'static str, &'static str) {
    match kind {
        BlockKind::Title => ("h1", "title"),
        BlockKind::Meta => ("p", "meta"),
        BlockKind::Standfirst => ("p", "standfirst"),
        BlockKind::Byline => ("p", "byline"),
        BlockKind::AuthorRole => ("p", "author-role"),
        BlockKind::Heading => ("h2", "heading"),
        BlockKind::Paragraph => ("p", "paragraph"),
        BlockKind::AuthorNote => ("p", "author-note"),
        BlockKind::Caption => ("p", "caption"),
        BlockKind::Boilerplate => ("p", "boilerplate"),
        BlockKind::PullQuote => ("p", "pull-quote"),
    }
}

/// Unit byte ranges (with unit index) sorted by start, and the furthest any of the first k
/// reaches: sorted too, so finding the unit that holds a piece of text is a binary search.
struct UnitSpans {
    sorted: Vec<(Range<usize>, usize)>,
    reach: Vec<usize>,
}

impl UnitSpans {
    fn new(sorted: Vec<(Range<usize>, usize)>) -> UnitSpans {
        let reach = sorted
            .iter()
            .scan(0, |far, (r, _)| {
                *far = r.end.max(*far);
                Some(*far)
            })
            .collect();
        UnitSpans { sorted, reach }
    }
}

/// The article rebuilt from its blocks, with unit spans and cue marks.
fn article_html(article: &Article, map: &ArgumentMap) -> String {
    // Unit byte ranges in text order; units never overlap.
    let mut units: Vec<(Range<usize>, usize)> = map
        .units
        .iter()
        .enumerate()
        .map(|(i, u)| (bytes(article, u.start, u.end), i))
        .filter(|(r, _)| !r.is_empty())
        .collect();
    units.sort_by_key(|(r, i)| (r.start, r.end, *i));
    let spans = UnitSpans::new(units);
    // Cue ranges of all units, overlapping ones merged into one mark.
    let mut cue_ranges: Vec<Range<usize>> = map
        .units
        .iter()
        .flat_map(|u| u.cues.iter().map(|c| bytes(article, c.start, c.end)))
        .filter(|r| !r.is_empty())
        .collect();
    cue_ranges.sort_by_key(|r| (r.start, r.end));
    let mut cues: Vec<Range<usize>> = Vec::new();
    for r in cue_ranges {
        match cues.last_mut() {
            Some(last) if r.start < last.end => last.end = last.end.max(r.end),
            _ => cues.push(r),
        }
    }

    let mut rendered = vec![false; map.units.len()];
    let mut out = String::from("<article>\n");
    if article.first_of(BlockKind::Title).is_none() {
        let _ = writeln!(
            out,
            "<h1 class=\"block title\">{}</h1>",
            escape_xml(&map.source.name)
        );
    }
    for (index, block) in article.blocks.iter().enumerate() {
        let (tag, class) = block_tag(block.kind);
        // List items and quoted blocks of Markdown and web pages keep their look.
        let shape = if article.markup.quotes.contains(&index) {
            " quote"
        } else if article.markup.list_items.binary_search(&index).is_ok() {
            " item"
        } else {
            ""
        };
        let _ = write!(out, "<{tag} class=\"block {class}{shape}\">");
        render_range(
            &mut out,
            article,
            map,
            block.span.clone(),
            &spans,
            &cues,
            &mut rendered,
        );
        let _ = writeln!(out, "</{tag}>");
    }
    // A unit outside every block would otherwise be missing from the text pane.
    let missing: Vec<usize> = (0..map.units.len()).filter(|&i| !rendered[i]).collect();
    if !missing.is_empty() {
        out.push_str("<section class=\"outside\"><h2 class=\"block heading\">Units outside the article body</h2>\n");
        for i in missing {
            let u = &map.units[i];
            let _ = writeln!(
                out,
                "<p class=\"block paragraph\"><span class=\"unit role-{}\" data-unit=\"{}\" tabindex=\"0\">{}</span></p>",
                u.role,
                escape_xml(&u.id),
                escape_xml(u.shown())
            );
        }
        out.push_str("</section>\n");
    }
    out.push_str("</article>\n");
    out
}

/// Writes `range` of the text: plain between units, each unit as a span, cues as marks inside.
fn render_range(
    out: &mut String,
    article: &Article,
    map: &ArgumentMap,
    range: Range<usize>,
    spans: &UnitSpans,
    cues: &[Range<usize>],
    rendered: &mut [bool],
) {
    let (units, reach) = (&spans.sorted[..], &spans.reach[..]);
    let text = &article.text;
    // Only the units and cues that reach into this range: both lists are sorted by start, and
    // so is `reach`, so a block costs a binary search rather than a pass over every unit.
    let (units, reach) = {
        let from = reach.partition_point(|&end| end <= range.start);
        let to = units
            .partition_point(|(r, _)| r.start < range.end)
            .max(from);
        (&units[from..to], &reach[from..to])
    };
    let cues = {
        let from = cues.partition_point(|r| r.end <= range.start);
        let to = cues.partition_point(|r| r.start < range.end);
        &cues[from..to.max(from)]
    };
    let inside = |p: usize| p > range.start && p < range.end;
    let mut cuts: BTreeSet<usize> = BTreeSet::new();
    cuts.insert(range.start);
    cuts.insert(range.end);
    for (r, _) in units {
        for p in [r.start, r.end] {
            if inside(p) {
                cuts.insert(p);
            }
        }
    }
    for r in cues {
        for p in [r.start, r.end] {
            if inside(p) {
                cuts.insert(p);
            }
        }
    }
    // Markup syntax (Markdown emphasis, link destinations) is not shown: a reader sees the
    // rendered text, as in the diagram's labels.
    for h in &article.markup.hidden {
        for p in [h.start, h.end] {
            if inside(p) {
                cuts.insert(p);
            }
        }
    }
    let cuts: Vec<usize> = cuts.into_iter().collect();
    let mut open_unit: Option<usize> = None;
    let mut open_mark = false;
    for w in cuts.windows(2) {
        let (a, b) = (w[0], w[1]);
        if a >= b || !text.is_char_boundary(a) || !text.is_char_boundary(b) {
            continue;
        }
        // The first unit (in start order) that holds the piece: among those starting at or
        // before `a`, the first whose reach covers `b` — it is that unit itself that ends there.
        let starts = units.partition_point(|(r, _)| r.start <= a);
        let unit = Some(reach[..starts].partition_point(|&end| end < b))
            .filter(|&k| k < starts)
            .and_then(|k| units[k..starts].iter().find(|(r, _)| b <= r.end))
            .map(|(_, i)| *i);
        let hidden = article.is_hidden(a);
        // Cues are merged, so at most the last one starting at or before `a` holds it. A cue
        // found in hidden markup (a link's destination) has nothing to mark.
        let cue = !hidden
            && cues[..cues.partition_point(|r| r.start <= a)]
                .last()
                .is_some_and(|r| b <= r.end);
        if unit != open_unit {
            if open_mark {
                out.push_str("</mark>");
                open_mark = false;
            }
            if open_unit.is_some() {
                out.push_str("</span>");
            }
            if let Some(i) = unit {
                let u = &map.units[i];
                let _ = write!(
                    out,
                    "<span class=\"unit role-{}\" data-unit=\"{}\" tabindex=\"0\">",
                    u.role,
                    escape_xml(&u.id)
                );
                rendered[i] = true;
            }
            open_unit = unit;
        }
        if cue != open_mark {
            out.push_str(if cue {
                "<mark class=\"cue\">"
            } else {
                "</mark>"
            });
            open_mark = cue;
        }
        if hidden {
            if text[a..b].contains(char::is_whitespace) {
                out.push(' ');
            }
        } else {
            out.push_str(&escape_xml(&text[a..b]));
        }
    }
    if open_mark {
        out.push_str("</mark>");
    }
    if open_unit.is_some() {
        out.push_str("</span>");
    }
}

// ---------------------------------------------------------------------------------------------
// Outline and folding

/// Roles that stay visible in the collapsed view; the others fold into a count on their owner.
fn stays_when_collapsed(role: Role) -> bool {
    matches!(role, Role::Thesis | Role::Claim)
}

/// The argument as a tree: each unit under the target of its first relation, children in text
/// order; units with no path to the thesis are listed after it. Returns the top-level units and
/// the children of each unit (by index).
fn outline_tree(map: &ArgumentMap) -> (Vec<usize>, Vec<Vec<usize>>) {
    let index = map.positions();
    let n = map.units.len();
    let mut parent: Vec<Option<usize>> = vec![None; n];
    for r in &map.relations {
        if let (Some(&f), Some(&t)) = (index.get(r.from.as_str()), index.get(r.to.as_str())) {
            if parent[f].is_none() && f != t {
                parent[f] = Some(t);
            }
        }
    }
    // A unit whose chain of first relations loops never reaches a top: cut the loop there.
    for v in 0..n {
        let mut seen = vec![v];
        let mut cur = v;
        while let Some(p) = parent[cur] {
            if seen.contains(&p) {
                parent[cur] = None;
                break;
            }
            seen.push(p);
            cur = p;
        }
    }
    let mut children: Vec<Vec<usize>> = vec![Vec::new(); n];
    let mut tops: Vec<usize> = Vec::new();
    for (v, p) in parent.iter().enumerate() {
        match p {
            Some(p) => children[*p].push(v),
            None => tops.push(v),
        }
    }
    let by_start = |v: &usize| (map.units[*v].start, *v);
    for c in children.iter_mut() {
        c.sort_by_key(by_start);
    }
    let thesis = map.thesis.as_deref().and_then(|t| index.get(t).copied());
    tops.sort_by_key(|v| (Some(*v) != thesis, map.units[*v].start, *v));
    (tops, children)
}

/// Folded units under `v` (down to the next unit that stays visible), counted by role.
fn folded_counts(map: &ArgumentMap, children: &[Vec<usize>], v: usize) -> Vec<(Role, usize)> {
    let mut counts: Vec<(Role, usize)> = Vec::new();
    let mut stack: Vec<usize> = children[v].clone();
    while let Some(c) = stack.pop() {
        let role = map.units[c].role;
        if stays_when_collapsed(role) {
            continue;
        }
        match counts.iter_mut().find(|(r, _)| *r == role) {
            Some((_, k)) => *k += 1,
            None => counts.push((role, 1)),
        }
        stack.extend(children[c].iter().copied());
    }
    counts.sort();
    counts
}

fn plural(role: Role, k: usize) -> String {
    let name = match (role, k) {
        (Role::Evidence, _) => "evidence".to_string(),
        (_, 1) => role.as_str().to_string(),
        _ => format!("{}s", role.as_str()),
    };
    format!("{k} {name}")
}

/// The outline pane: a nested list a screen reader walks and a printer prints. Thesis and claims
/// carry a button with the counts of what folds under them in the collapsed view.
fn outline_html(map: &ArgumentMap) -> String {
    let (tops, children) = outline_tree(map);
    let mut out = String::from(
        "<nav id=\"outline\" aria-label=\"Outline of the argument\">\n<h2 class=\"outline-title\">Outline</h2>\n",
    );
    if map.units.is_empty() {
        out.push_str("<p>No units.</p>\n</nav>\n");
        return out;
    }
    out.push_str("<ul class=\"outline-tree\">\n");
    // Iterative walk: (unit, depth, closing) so deep chains cannot overflow the stack.
    let mut stack: Vec<(usize, bool)> = tops.iter().rev().map(|&v| (v, false)).collect();
    while let Some((v, closing)) = stack.pop() {
        if closing {
            out.push_str("</ul></li>\n");
            continue;
        }
        let u = &map.units[v];
        let foldable = !stays_when_collapsed(u.role);
        let _ = write!(
            out,
            "<li class=\"outline-item role-{role}{fold}\" data-unit=\"{id}\">\
             <span class=\"outline-unit\" data-unit=\"{id}\" tabindex=\"0\">\
             <span class=\"chip role-{role}\">{role}</span> <span class=\"outline-id\">{id}</span>{out} {text}</span>",
            role = u.role,
            out = if crate::render::style::is_out(u) {
                " <span class=\"chip out\">out: defeated</span>"
            } else {
                ""
            },
            fold = if foldable { " foldable" } else { "" },
            id = escape_xml(&u.id),
            text = escape_xml(&u.text),
        );
        if !foldable {
            let counts = folded_counts(map, &children, v);
            if !counts.is_empty() {
                let total: usize = counts.iter().map(|(_, k)| k).sum();
                let what: Vec<String> = counts.iter().map(|&(r, k)| plural(r, k)).collect();
                let _ = write!(
                    out,
                    " <button type=\"button\" class=\"fold-count\" data-owner=\"{id}\" aria-expanded=\"false\" \
                     title=\"Show or hide what folds under {id}\">+{total} <span class=\"fold-what\">({})</span></button>",
                    escape_xml(&what.join(", ")),
                    id = escape_xml(&u.id),
                );
            }
        }
        if children[v].is_empty() {
            out.push_str("</li>\n");
        } else {
            out.push_str("\n<ul>\n");
            stack.push((v, true));
            stack.extend(children[v].iter().rev().map(|&c| (c, false)));
        }
    }
    out.push_str("</ul>\n</nav>\n");
    out
}

// ---------------------------------------------------------------------------------------------
// SVG sanitising

/// Elements dropped with everything inside them.
const DROPPED_ELEMENTS: [&str; 10] = [
    "script",
    "foreignobject",
    "title",
    "iframe",
    "object",
    "embed",
    "image",
    "audio",
    "video",
    "handler",
];

struct Attr<'a> {
    name: &'a str,
    value: Option<&'a str>,
}

/// Parses a start tag at the beginning of `s` (which starts with `<` and a letter): returns the
/// element name, its attributes, whether it closes itself, and the tag's length in bytes.
fn parse_start_tag(s: &str) -> Option<(&str, Vec<Attr<'_>>, bool, usize)> {
    let b = s.as_bytes();
    let mut i = 1;
    while i < b.len() && !(b[i].is_ascii_whitespace() || b[i] == b'/' || b[i] == b'>') {
        i += 1;
    }
    let name = &s[1..i];
    let mut attrs = Vec::new();
    loop {
        while i < b.len() && b[i].is_ascii_whitespace() {
            i += 1;
        }
        if i >= b.len() {
            return None;
        }
        if b[i] == b'>' {
            return Some((name, attrs, false, i + 1));
        }
        if b[i] == b'/' {
            if b.get(i + 1) == Some(&b'>') {
                return Some((name, attrs, true, i + 2));
            }
            i += 1;
            continue;
        }
        let start = i;
        while i < b.len() && !(b[i].is_ascii_whitespace() || matches!(b[i], b'=' | b'>' | b'/')) {
            i += 1;
        }
        let attr_name = &s[start..i];
        while i < b.len() && b[i].is_ascii_whitespace() {
            i += 1;
        }
        if i < b.len() && b[i] == b'=' {
            i += 1;
            while i < b.len() && b[i].is_ascii_whitespace() {
                i += 1;
            }
            if i >= b.len() {
                return None;
            }
            let value = if b[i] == b'"' || b[i] == b'\'' {
                let q = b[i];
                let vstart = i + 1;
                let len = b[vstart..].iter().position(|&c| c == q)?;
                i = vstart + len + 1;
                &s[vstart..vstart + len]
            } else {
                let vstart = i;
                while i < b.len() && !(b[i].is_ascii_whitespace() || b[i] == b'>') {
                    i += 1;
                }
                &s[vstart..i]
            };
            attrs.push(Attr {
                name: attr_name,
                value: Some(value),
            });
        } else {
            attrs.push(Attr {
                name: attr_name,
                value: None,
            });
        }
    }
}

/// An attribute value as it goes back out: double-quoted, Graphviz's `&#45;` spelled as `-`.
fn attr_value(v: &str) -> String {
    v.replace("&#45;", "-")
        .replace('"', "&quot;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

fn keep_attr(element: &str, name: &str, value: Option<&str>, root: bool) -> bool {
    let n = name.to_ascii_lowercase();
    if n.is_empty() || n.starts_with("on") || n.starts_with("xmlns:") || n == "xlink:title" {
        return false;
    }
    if root
        && matches!(
            n.as_str(),
            "width" | "height" | "class" | "preserveaspectratio" | "style"
        )
    {
        return false;
    }
    let v = value.unwrap_or("").to_ascii_lowercase();
    if n == "href" || n.ends_with(":href") || n == "src" {
        return v.trim_start().starts_with('#');
    }
    if v.contains("javascript:") || v.contains("url(http") || v.contains("url('http") {
        return false;
    }
    if n == "xmlns" {
        return element.eq_ignore_ascii_case("svg");
    }
    true
}

/// Keeps the SVG's markup but nothing that could run or fetch: the XML prolog, doctype and
/// comments go (the doctype names an external DTD), as do `<script>`, `<foreignObject>` and the
/// other [`DROPPED_ELEMENTS`], event-handler attributes, non-fragment links and the `xlink`
/// namespace declaration. `<title>`s go too: the report's own tooltip replaces them. The root
/// `<svg>` loses its fixed width and height (the pane sizes it) and gets a viewBox if it had none.
pub fn sanitize_svg(svg: &str) -> String {
    let mut out = String::with_capacity(svg.len());
    let mut rest = svg;
    let mut started = false; // inside the root <svg>
    let mut depth = 0usize; // open elements inside the root
    let mut skip = 0usize; // >0 while inside a dropped element: its nesting depth
    while !rest.is_empty() {
        let Some(lt) = rest.find('<') else {
            if started && skip == 0 {
                out.push_str(&rest.replace("&#45;", "-"));
            }
            break;
        };
        if started && skip == 0 {
            out.push_str(&rest[..lt].replace("&#45;", "-"));
        }
        rest = &rest[lt..];
        let skip_to =
            |rest: &str, end: &str| rest.find(end).map(|i| i + end.len()).unwrap_or(rest.len());
        if rest.starts_with("<!--") {
            rest = &rest[skip_to(rest, "-->")..];
            continue;
        }
        if rest.starts_with("<![CDATA[") {
            let end = rest.find("]]>").unwrap_or(rest.len());
            if started && skip == 0 {
                out.push_str(&escape_xml(&rest[9.min(end)..end]));
            }
            rest = &rest[(end + 3).min(rest.len())..];
            continue;
        }
        if rest.starts_with("<?") {
            rest = &rest[skip_to(rest, "?>")..];
            continue;
        }
        if rest.starts_with("<!") {
            rest = &rest[skip_to(rest, ">")..];
            continue;
        }
        if rest.starts_with("</") {
            let gt = rest.find('>').unwrap_or(rest.len());
            let name = rest[2..gt.max(2)].trim();
            rest = &rest[(gt + 1).min(rest.len())..];
            if !started {
                continue;
            }
            if skip > 0 {
                skip -= 1;
                continue;
            }
            if depth == 0 {
                // The root's end tag: anything after the root is dropped.
                out.push_str("</svg>");
                started = false;
                break;
            }
            depth -= 1;
            let _ = write!(out, "</{}>", name);
            continue;
        }
        let is_tag = rest[1..]
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic());
        let parsed = if is_tag { parse_start_tag(rest) } else { None };
        let Some((name, attrs, self_closing, len)) = parsed else {
            if started && skip == 0 {
                out.push_str("&lt;");
            }
            rest = &rest[1..];
            continue;
        };
        rest = &rest[len..];
        let lname = name.to_ascii_lowercase();
        if !started {
            if lname != "svg" {
                continue;
            }
            started = true;
            write_tag(&mut out, name, &attrs, true, self_closing);
            if self_closing {
                started = false;
                break;
            }
            continue;
        }
        if skip > 0 {
            if !self_closing {
                skip += 1;
            }
            continue;
        }
        if DROPPED_ELEMENTS.contains(&lname.as_str()) {
            if !self_closing {
                skip = 1;
            }
            continue;
        }
        write_tag(&mut out, name, &attrs, false, self_closing);
        if !self_closing {
            depth += 1;
        }
    }
    if started {
        // Unterminated input: close what is open so the page's own markup stays intact.
        for _ in 0..depth {
            out.push_str("</g>");
        }
        out.push_str("</svg>");
    }
    out
}

fn write_tag(out: &mut String, name: &str, attrs: &[Attr<'_>], root: bool, self_closing: bool) {
    out.push('<');
    out.push_str(name);
    let mut has_viewbox = false;
    for a in attrs {
        if !keep_attr(name, a.name, a.value, root) {
            continue;
        }
        if a.name.eq_ignore_ascii_case("viewbox") {
            has_viewbox = true;
        }
        out.push(' ');
        out.push_str(a.name);
        if let Some(v) = a.value {
            let _ = write!(out, "=\"{}\"", attr_value(v));
        }
    }
    if root {
        if !has_viewbox {
            let dim = |key: &str| {
                attrs
                    .iter()
                    .find(|a| a.name.eq_ignore_ascii_case(key))
                    .and_then(|a| a.value)
                    .map(|v| {
                        v.trim_end_matches(|c: char| c.is_ascii_alphabetic())
                            .trim()
                            .parse::<f64>()
                            .unwrap_or(0.0)
                    })
                    .unwrap_or(0.0)
            };
            let (w, h) = (dim("width"), dim("height"));
            if w > 0.0 && h > 0.0 {
                let _ = write!(out, " viewBox=\"0 0 {w} {h}\"");
            }
        }
        out.push_str(" class=\"map-svg\" preserveAspectRatio=\"xMidYMid meet\"");
    }
    if self_closing {
        out.push_str("/>");
    } else {
        out.push('>');
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn assets_cannot_break_out_and_stay_offline() {
        assert!(!JS.to_ascii_lowercase().contains("</script"));
        assert!(!CSS.to_ascii_lowercase().contains("</style"));
        for asset in [JS, CSS] {
            assert!(!asset.contains("http:") && !asset.contains("https:"));
            assert!(!asset.contains("@import") && !asset.contains("fetch("));
        }
        assert!(!role_css().contains('<'));
    }

    #[test]
    fn outline_nests_units_under_what_they_support_and_counts_folds() {
        let map = crate::render::builtin::tests::synthetic(13, 1);
        let html = outline_html(&map);
        // Thesis first and top level; a claim's premises nested inside its item.
        assert!(html.find("data-unit=\"u0\"") < html.find("data-unit=\"u1\""));
        let claim = html
            .find("<li class=\"outline-item role-claim\" data-unit=\"u1\"")
            .expect("claim");
        let premise = html.find("data-unit=\"u2\"").expect("premise");
        let next_claim = html.find("data-unit=\"u7\"").expect("second claim");
        assert!(claim < premise && premise < next_claim);
        // u1 folds premises u2, u3 and evidence u4.
        assert!(
            html.contains("data-owner=\"u1\" aria-expanded=\"false\""),
            "{html}"
        );
        assert!(
            html.contains("+3 <span class=\"fold-what\">(2 premises, 1 evidence)</span>"),
            "{html}"
        );
        // The thesis folds its counterclaims and their rebuttals (claims stay visible).
        assert!(
            html.contains("+4 <span class=\"fold-what\">(2 counterclaims, 2 rebuttals)</span>"),
            "{html}"
        );
        assert_eq!(html.matches("<ul").count(), html.matches("</ul>").count());
        assert_eq!(html.matches("<li").count(), 13);
        assert!(html.contains("&amp; &lt;its&gt;"));
    }

    #[test]
    fn sanitizer_drops_scripts_handlers_and_prolog() {
        let svg = "<?xml version=\"1.0\"?>\n<!DOCTYPE svg PUBLIC \"-//W3C//DTD SVG 1.1//EN\" \
                   \"http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd\">\n<!-- c -->\
                   <svg width=\"10pt\" height=\"20pt\" xmlns=\"http://www.w3.org/2000/svg\" \
                   xmlns:xlink=\"http://www.w3.org/1999/xlink\">\
                   <g id=\"node&#45;u1\" onclick=\"alert(1)\"><title>u1</title>\
                   <script>alert(1)</script><SCRIPT/>\
                   <a xlink:href=\"http://x\" xlink:title=\"t\"><text>a &lt; b</text></a>\
                   <use href=\"#m\"/></g></svg><script>alert(2)</script>";
        let out = sanitize_svg(svg);
        assert!(!out.to_lowercase().contains("script"), "{out}");
        assert!(!out.contains("onclick"), "{out}");
        assert!(!out.contains("http://x"), "{out}");
        assert!(!out.contains("1999/xlink"), "{out}");
        assert!(!out.contains("DOCTYPE"), "{out}");
        assert!(!out.contains("<title>"), "{out}");
        assert!(out.contains("id=\"node-u1\""), "{out}");
        assert!(out.contains("viewBox=\"0 0 10 20\""), "{out}");
        assert!(out.contains("<text>a &lt; b</text>"), "{out}");
        assert!(out.contains("<use href=\"#m\"/>"), "{out}");
        assert!(out.ends_with("</g></svg>"), "{out}");
    }
}
