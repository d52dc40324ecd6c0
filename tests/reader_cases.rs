//! Sentence-splitting cases kept as data (`tests/data/sentences.txt`), so a new tricky sentence
//! is one more block of text rather than more code.

use toulmin::article::Article;

#[test]
fn sentence_cases_from_data_file() {
    let data = include_str!("data/sentences.txt");
    let cases: Vec<Vec<&str>> = data
        .split("\n\n")
        .map(|block| {
            block
                .lines()
                .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
                .collect::<Vec<_>>()
        })
        .filter(|c| !c.is_empty())
        .collect();
    assert!(cases.len() >= 10);
    let mut failures = Vec::new();
    for expected in &cases {
        let input = expected.join(" ");
        let article = Article::parse("case", &input);
        let got: Vec<&str> = article
            .sentences
            .iter()
            .map(|s| article.slice(&s.span))
            .collect();
        if got != *expected {
            failures.push(format!(
                "input: {input}\n  expected: {expected:?}\n  got:      {got:?}"
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Markdown, saved web pages and plain text as data (`tests/data/readers/`): each `NAME.md`,
/// `NAME.html` or `NAME.txt` beside a `NAME.expected` that lists the metadata the reader must find (`title:`, `byline:`,
/// `date:`, and optionally `captions:`, `links:`, `notes:`), then `---`, then one line per block:
/// its kind (plus `item` / `quote` for list items and quoted blocks), a tab, and the block's
/// text as a reader sees it.
mod markup_readers {
    use std::collections::BTreeMap;
    use std::path::PathBuf;

    use toulmin::annotate::Segmentation;
    use toulmin::article::{Article, InputFormat};
    use toulmin::export::to_json;
    use toulmin::grammar::Grammar;
    use toulmin::graph::model::Role;
    use toulmin::pipeline::{hex_sha256, map_text};
    use toulmin::render::dot::to_dot;

    struct Case {
        name: String,
        input: String,
        header: BTreeMap<String, String>,
        blocks: Vec<String>,
    }

    fn cases() -> Vec<Case> {
        let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/readers");
        let mut names: Vec<PathBuf> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| {
                p.extension()
                    .is_some_and(|x| x == "md" || x == "html" || x == "txt")
            })
            .collect();
        names.sort();
        names
            .into_iter()
            .map(|path| {
                let expected = std::fs::read_to_string(path.with_extension("expected"))
                    .unwrap_or_else(|e| panic!("{}: no .expected file: {e}", path.display()));
                let (head, body) = expected
                    .split_once("---\n")
                    .unwrap_or_else(|| panic!("{}: no --- line", path.display()));
                let header = head
                    .lines()
                    .filter_map(|l| l.split_once(": "))
                    .map(|(k, v)| (k.to_string(), v.to_string()))
                    .collect();
                Case {
                    name: path.file_name().unwrap().to_string_lossy().into_owned(),
                    input: std::fs::read_to_string(&path).unwrap(),
                    header,
                    blocks: body.lines().map(str::to_string).collect(),
                }
            })
            .collect()
    }

    fn describe(article: &Article) -> Vec<String> {
        article
            .blocks
            .iter()
            .enumerate()
            .map(|(i, b)| {
                let mut kind = b.kind.as_str().to_string();
                if article.markup.list_items.contains(&i) {
                    kind.push_str(" item");
                }
                if article.markup.quotes.contains(&i) {
                    kind.push_str(" quote");
                }
                let shown = article
                    .display(&b.span)
                    .unwrap_or_else(|| article.slice(&b.span).to_string());
                // A hard-wrapped plain-text block reads as one line.
                let shown = shown.split_whitespace().collect::<Vec<_>>().join(" ");
                format!("{kind}\t{shown}")
            })
            .collect()
    }

    #[test]
    fn there_are_enough_cases_of_each_format() {
        let cases = cases();
        let md = cases.iter().filter(|c| c.name.ends_with(".md")).count();
        let html = cases.iter().filter(|c| c.name.ends_with(".html")).count();
        assert!(md >= 20 && html >= 10, "{md} Markdown, {html} HTML cases");
    }

    #[test]
    fn blocks_and_metadata_are_read_as_expected() {
        let mut failures = Vec::new();
        for case in cases() {
            let article = Article::parse(&case.name, &case.input);
            let got = describe(&article);
            if got != case.blocks {
                failures.push(format!(
                    "{}: blocks differ\n  expected:\n    {}\n  got:\n    {}",
                    case.name,
                    case.blocks.join("\n    "),
                    got.join("\n    ")
                ));
            }
            let field = |k: &str| case.header.get(k).map(String::as_str);
            for (key, got) in [
                ("title", article.title()),
                ("byline", article.byline()),
                ("date", article.date()),
            ] {
                if got != field(key) {
                    failures.push(format!(
                        "{}: {key} expected {:?}, got {got:?}",
                        case.name,
                        field(key)
                    ));
                }
            }
            if let Some(want) = field("captions") {
                let got: Vec<&str> = article
                    .markup
                    .captions
                    .iter()
                    .map(|c| c.text.as_str())
                    .collect();
                if got.join(" | ") != want {
                    failures.push(format!("{}: captions {got:?}", case.name));
                }
            }
            if let Some(want) = field("links") {
                let got: Vec<&str> = article
                    .markup
                    .links
                    .iter()
                    .map(|l| l.url.as_str())
                    .collect();
                if got.join(" ") != want {
                    failures.push(format!("{}: links {got:?}", case.name));
                }
            }
            if let Some(want) = field("notes") {
                if article.markup.notes.len().to_string() != want {
                    failures.push(format!("{}: notes {:?}", case.name, article.markup.notes));
                }
            }
        }
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    }

    /// The map of every case keeps the invariants plain text has: offsets exact into the text
    /// the map says they refer to, one thesis, a unit never spanning two blocks, nothing of the
    /// markup in what is shown, byte-identical output from run to run.
    #[test]
    fn maps_of_markup_inputs_keep_the_invariants() {
        let grammar = Grammar::default_grammar().unwrap_or_else(|d| panic!("{d}"));
        for case in cases() {
            let mapped = map_text(&case.name, &case.input, &grammar, &Segmentation::Rules)
                .unwrap_or_else(|e| panic!("{}: {e}", case.name));
            let (article, map) = (&mapped.article, &mapped.map);
            let html = case.name.ends_with(".html");
            let format = if html {
                "html"
            } else if case.name.ends_with(".md") {
                "markdown"
            } else {
                "text"
            };
            assert_eq!(
                map.source.reading.format.as_deref().unwrap_or("text"),
                format,
                "{}",
                case.name
            );
            if html {
                assert_eq!(map.source.sha256, hex_sha256(case.input.as_bytes()));
                assert_eq!(
                    map.source.reading.text_sha256.as_deref(),
                    Some(hex_sha256(article.text.as_bytes()).as_str())
                );
                assert_eq!(map.source.reading.text_chars, Some(article.chars()));
            } else {
                assert_eq!(
                    article.text, case.input,
                    "{}: Markdown or plain text is the file",
                    case.name
                );
            }
            let chars: Vec<char> = article.text.chars().collect();
            assert!(!map.units.is_empty(), "{}: no units", case.name);
            let theses = map.units.iter().filter(|u| u.role == Role::Thesis).count();
            assert_eq!(theses, 1, "{}", case.name);
            for u in &map.units {
                let slice: String = chars[u.start..u.end].iter().collect();
                assert_eq!(slice, u.text, "{}: {} offsets", case.name, u.id);
                let (s, e) = (article.byte_offset(u.start), article.byte_offset(u.end));
                assert!(
                    article
                        .blocks
                        .iter()
                        .any(|b| b.span.start <= s && e <= b.span.end),
                    "{}: {} lies across blocks: {:?}",
                    case.name,
                    u.id,
                    u.text
                );
                let shown = u.shown();
                for syntax in ["](", "![", "http", "[^", "**", "<sup", "`"] {
                    assert!(
                        !shown.contains(syntax),
                        "{}: {shown:?} shows {syntax}",
                        case.name
                    );
                }
                for marker in ["> ", "- ", "* ", "1. ", "# "] {
                    assert!(!shown.starts_with(marker), "{}: {shown:?}", case.name);
                }
                assert!(!shown.contains("\n>"), "{}: {shown:?}", case.name);
            }
            let again = map_text(&case.name, &case.input, &grammar, &Segmentation::Rules)
                .unwrap_or_else(|e| panic!("{}: {e}", case.name));
            assert_eq!(to_json(map), to_json(&again.map), "{}: JSON", case.name);
            assert_eq!(to_dot(map), to_dot(&again.map), "{}: DOT", case.name);
        }
    }

    #[test]
    fn a_format_can_be_forced_whatever_the_name() {
        let page = include_str!("data/readers/html06-malformed.html");
        let as_html = Article::parse_as("stdin", page, InputFormat::Html);
        assert_eq!(as_html.title(), Some("Schools need nurses"));
        assert!(!as_html.text.contains('<'));
        let md = include_str!("data/readers/md01-issue-op-ed.md");
        let as_md = Article::parse_as("stdin", md, InputFormat::Markdown);
        assert_eq!(as_md.markup.list_items.len(), 2);
    }
}

/// The command line on Markdown and web-page inputs: what a user runs and sees.
mod markup_cli {
    use std::path::Path;
    use std::process::Command;

    fn toulmin(args: &[&str], dir: &Path) -> std::process::Output {
        Command::new(env!("CARGO_BIN_EXE_toulmin"))
            .args(args)
            .current_dir(dir)
            .output()
            .unwrap()
    }

    fn data(name: &str) -> String {
        format!("{}/tests/data/readers/{name}", env!("CARGO_MANIFEST_DIR"))
    }

    #[test]
    fn a_binary_file_named_html_is_refused_with_the_usual_message() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("page.html"), b"<html>\x00\x01\x02").unwrap();
        let out = toulmin(&["map", "page.html", "-o", "out"], dir.path());
        assert_eq!(out.status.code(), Some(1));
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(
            err.trim(),
            "error: page.html: the input looks binary: it has a NUL byte at byte 6 (line 1, column 7)"
        );
    }

    #[test]
    fn a_saved_page_maps_its_body_and_can_embed_the_extracted_text() {
        let dir = tempfile::tempdir().unwrap();
        let page = data("html01-news-cookie-comments.html");
        let out = toulmin(
            &[
                "map",
                &page,
                "-o",
                "out",
                "--format",
                "json,html",
                "--embed-text",
            ],
            dir.path(),
        );
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let json = std::fs::read_to_string(dir.path().join("out/html01-news-cookie-comments.json"))
            .unwrap();
        let map: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(map["title"], "The city must build upward");
        assert_eq!(map["byline"], "Helen Achebe");
        assert_eq!(map["date"], "2024-06-03T06:00:00Z");
        assert_eq!(map["source"]["format"], "html");
        let text = map["source"]["text"].as_str().unwrap();
        let chars: Vec<char> = text.chars().collect();
        for u in map["units"].as_array().unwrap() {
            let (s, e) = (u["start"].as_u64().unwrap(), u["end"].as_u64().unwrap());
            let slice: String = chars[s as usize..e as usize].iter().collect();
            assert_eq!(slice, u["text"].as_str().unwrap());
        }
        for furniture in [
            "cookie",
            "Share on",
            "Most read",
            "Comments",
            "Sign up",
            "rights",
        ] {
            assert!(!text.contains(furniture), "{furniture:?} in {text:?}");
        }
        let report =
            std::fs::read_to_string(dir.path().join("out/html01-news-cookie-comments.html"))
                .unwrap();
        assert!(report.contains("Height limits written in the 1960s"));
    }

    #[test]
    fn markdown_report_and_labels_show_rendered_text() {
        let dir = tempfile::tempdir().unwrap();
        let md = data("md01-issue-op-ed.md");
        let out = toulmin(
            &["map", &md, "-o", "out", "--format", "dot,html"],
            dir.path(),
        );
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let dot = std::fs::read_to_string(dir.path().join("out/md01-issue-op-ed.dot")).unwrap();
        // Labels and the text line of tooltips show the rendered text; the link destination
        // appears only among the cues that made a rule fire.
        // Quoted labels: the units' (the legend's is an HTML-like label of fixed words).
        for line in dot.lines().filter(|l| l.contains("label=\"")) {
            let label = line
                .split("label=\"")
                .nth(1)
                .unwrap()
                .split('"')
                .next()
                .unwrap();
            // The first line is the header (role, id, `[kind]` badge); the text follows it.
            let text = label.split_once("\\n").map_or("", |(_, t)| t);
            assert!(
                !label.contains("example.org") && !text.contains('['),
                "{label}"
            );
            if let Some(tip) = line.split("tooltip=\"").nth(1) {
                let shown = tip.split("\\n").nth(1).unwrap_or("");
                assert!(
                    !shown.contains("example.org") && !shown.contains("]("),
                    "{shown}"
                );
            }
        }
        assert!(!dot.contains("jam.jpg"));
        let report = std::fs::read_to_string(dir.path().join("out/md01-issue-op-ed.html")).unwrap();
        let article =
            &report[report.find("<article>").unwrap()..report.find("</article>").unwrap()];
        assert!(!article.contains("]("), "{article}");
        assert!(!article.contains("&gt; breathe"), "{article}");
        // A cue found in a link's destination marks nothing the reader can see.
        assert!(
            !article.contains("<mark class=\"cue\"></mark>"),
            "{article}"
        );
        // The link's text is shown, whole, however many cues mark words inside it.
        let mut visible = String::new();
        let mut in_tag = false;
        for c in article.chars() {
            match c {
                '<' => in_tag = true,
                '>' => in_tag = false,
                _ if !in_tag => visible.push(c),
                _ => {}
            }
        }
        assert!(
            visible.contains("Stockholm introduced a charge in 2006 and traffic fell by a fifth."),
            "{visible}"
        );
    }

    #[test]
    fn input_format_flag_reads_any_name_as_html() {
        let dir = tempfile::tempdir().unwrap();
        let page = std::fs::read_to_string(data("html06-malformed.html")).unwrap();
        std::fs::write(dir.path().join("saved.txt"), page).unwrap();
        let out = toulmin(
            &[
                "map",
                "saved.txt",
                "-o",
                "out",
                "--format",
                "json",
                "--input-format",
                "html",
            ],
            dir.path(),
        );
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let json = std::fs::read_to_string(dir.path().join("out/saved.json")).unwrap();
        let map: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(map["title"], "Schools need nurses");
        assert!(map["source"]["text_sha256"].is_string());
        assert!(map["source"]["text"].is_null());
    }
}

/// Cut-off and hostile inputs are read, never a panic, and every block range stays inside the
/// text it refers to.
mod markup_robustness {
    use toulmin::article::{Article, InputFormat};

    fn check(name: &str, text: &str) {
        for format in [InputFormat::Markdown, InputFormat::Html] {
            let a = Article::parse_as(name, text, format);
            for b in &a.blocks {
                assert!(
                    b.span.start <= b.span.end && b.span.end <= a.text.len(),
                    "{name}"
                );
                assert!(
                    a.text.is_char_boundary(b.span.start) && a.text.is_char_boundary(b.span.end)
                );
                let _ = a.display(&b.span);
            }
        }
    }

    #[test]
    fn truncated_fixtures_are_read() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/readers");
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|x| x == "expected") {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            let name = path.display().to_string();
            for cut in (1..text.len())
                .step_by(89)
                .filter(|&c| text.is_char_boundary(c))
            {
                check(&name, &text[..cut]);
            }
        }
    }

    #[test]
    fn deep_nesting_and_odd_markup_are_read() {
        check("deep.html", &"<div><span>".repeat(600));
        check("deep.md", &"> ".repeat(5_000));
        check("lists.md", &"- ".repeat(5_000));
        check("front.md", "---\ntitle: \"\nauthor: ['\ndate:\n---\n");
        check(
            "ents.html",
            "<p>&amp; &#0; &#xFFFFFF; &bogus; <![CDATA[x]]></p><p",
        );
        let big = format!(
            "<article>{}</article>",
            "<p>Words and more words. ".repeat(20_000)
        );
        let a = Article::parse_as("big.html", &big, InputFormat::Html);
        assert_eq!(a.blocks.len(), 20_000);
    }
}

struct ArticleCase<'a> {
    name: &'a str,
    input: String,
    blocks: Vec<(&'a str, &'a str)>,
    fields: Vec<(&'a str, &'a str)>,
}

fn article_cases(data: &str) -> Vec<ArticleCase<'_>> {
    let mut cases = Vec::new();
    for chunk in data.split("\n### ").skip(1) {
        let (name, rest) = chunk.split_once('\n').unwrap_or((chunk, ""));
        let (input, expected) = rest
            .split_once("\n---\n")
            .unwrap_or_else(|| panic!("case {name:?} has no `---` line"));
        let mut case = ArticleCase {
            name,
            input: format!("{input}\n"),
            blocks: Vec::new(),
            fields: Vec::new(),
        };
        for line in expected.lines().filter(|l| !l.trim().is_empty()) {
            if let Some((kind, text)) = line.split_once(" | ") {
                case.blocks.push((kind, text));
            } else if let Some((field, value)) = line.split_once(" = ") {
                case.fields.push((field, value));
            } else {
                panic!("case {name:?}: cannot read expected line {line:?}");
            }
        }
        cases.push(case);
    }
    cases
}

/// Every real-page shape in `tests/data/articles.txt` is read into the expected blocks, and
/// title, byline and date come out as the map reports them.
#[test]
fn article_shape_cases_from_data_file() {
    let data = include_str!("data/articles.txt");
    let cases = article_cases(data);
    assert!(cases.len() >= 30, "only {} article cases", cases.len());
    let mut failures = Vec::new();
    for case in &cases {
        let article = Article::parse("case.txt", &case.input);
        let got: Vec<(&str, &str)> = article
            .blocks
            .iter()
            .map(|b| (b.kind.as_str(), article.slice(&b.span)))
            .collect();
        let matches = got.len() == case.blocks.len()
            && got.iter().zip(&case.blocks).all(|((gk, gt), (ek, et))| {
                gk == ek
                    && match et.strip_suffix('…') {
                        Some(prefix) => gt.starts_with(prefix),
                        None => gt == et,
                    }
            });
        if !matches {
            failures.push(format!(
                "{}:\n  expected: {:?}\n  got:      {:?}",
                case.name, case.blocks, got
            ));
        }
        for (field, expected) in &case.fields {
            let got = match *field {
                "title" => article.title(),
                "byline" => article.byline(),
                "date" => article.date(),
                other => panic!("case {:?}: unknown field {other:?}", case.name),
            };
            let expected = (*expected != "none").then_some(*expected);
            if got != expected {
                failures.push(format!(
                    "{}: {field} expected {expected:?}, got {got:?}",
                    case.name
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases fail:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}
