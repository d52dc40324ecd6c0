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
