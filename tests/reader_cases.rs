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
