//! Running the `yes`/`no` examples written beside the rules: the grammar's own test suite.

use crate::annotate::{segment, Segmentation};
use crate::article::Article;
use crate::grammar::{Check, Example, Grammar, Span};
use crate::link::Outcome;
use crate::pipeline::map_text_explained;

#[derive(Debug, Clone, PartialEq)]
pub struct ExampleResult {
    pub rule: String,
    /// `file:line` of the example.
    pub location: String,
    pub positive: bool,
    pub text: String,
    /// `None` when the example holds; otherwise why not.
    pub failure: Option<String>,
}

/// Runs every example of every rule defined in the grammar's files whose index is in `files`
/// (all files when `None`).
pub fn run_examples(grammar: &Grammar, files: Option<&[usize]>) -> Vec<ExampleResult> {
    let mut results = Vec::new();
    let mut run = |name: &str,
                   span: Span,
                   examples: &[Example],
                   failure: &dyn Fn(&Example) -> Option<String>| {
        if files.is_none_or(|f| f.contains(&span.file)) {
            for ex in examples {
                results.push(result(grammar, name, ex, failure(ex)));
            }
        }
    };
    for (r, rule) in grammar.splits.iter().enumerate() {
        run(&rule.name, rule.span, &rule.examples, &|ex| {
            split_failure(grammar, r, ex)
        });
    }
    for (r, rule) in grammar.roles.iter().enumerate() {
        run(&rule.name, rule.span, &rule.examples, &|ex| {
            role_failure(grammar, r, ex)
        });
    }
    for (r, rule) in grammar.kinds.iter().enumerate() {
        run(&rule.name, rule.span, &rule.examples, &|ex| {
            kind_failure(grammar, r, ex)
        });
    }
    for (r, rule) in grammar.links.iter().enumerate() {
        run(&rule.name, rule.span, &rule.examples, &|ex| {
            link_failure(grammar, r, ex)
        });
    }
    results
}

fn result(grammar: &Grammar, rule: &str, ex: &Example, failure: Option<String>) -> ExampleResult {
    ExampleResult {
        rule: rule.to_string(),
        location: grammar.sources.location(ex.span),
        positive: ex.positive,
        text: ex.text.clone(),
        failure,
    }
}

fn split_failure(grammar: &Grammar, r: usize, ex: &Example) -> Option<String> {
    let text = ex.text.replace('|', "");
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let expected: Vec<String> = ex
        .text
        .split('|')
        .map(|p| p.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|p| !p.is_empty())
        .collect();
    let mut only = grammar.clone();
    only.splits = vec![grammar.splits[r].clone()];
    let article = Article::parse("example", &text);
    let hits = only.scan(&article.text);
    let got: Vec<String> = segment::segment(&article, &only, &hits)
        .iter()
        .map(|s| article.slice(&s.span).to_string())
        .collect();
    let cut = got.len() > article.sentences.len();
    let show = |parts: &[String]| parts.join(" | ");
    if ex.positive {
        (got != expected)
            .then(|| format!("expected \"{}\", got \"{}\"", show(&expected), show(&got)))
    } else {
        cut.then(|| format!("expected no cut, got \"{}\"", show(&got)))
    }
}

/// The top-level conditions of a rule that do not hold on unit `i`, as written in the file.
fn failed_conditions(
    mapped: &crate::pipeline::Mapped,
    grammar: &Grammar,
    when: &Check,
    i: usize,
) -> Vec<String> {
    let places: Vec<_> = mapped.units.iter().map(|u| u.place.clone()).collect();
    let hits = grammar.scan(&mapped.article.text);
    let mut ctx = crate::annotate::Context::new(&mapped.article, grammar, &places, &hits);
    ctx.roles = mapped.map.units.iter().map(|u| Some(u.role)).collect();
    ctx.kinds = mapped.map.units.iter().map(|u| u.kind).collect();
    ctx.thesis = mapped.linking.thesis;
    let parts: Vec<&Check> = match when {
        Check::And(cs) => cs.iter().collect(),
        other => vec![other],
    };
    parts
        .into_iter()
        .filter(|c| !ctx.holds(c, i, &mut Vec::new()))
        .map(|c| format!("`{}` did not hold", grammar.check_text(c)))
        .collect()
}

/// Maps an example and finds the unit it is about: the one holding the text in `[...]`, or the
/// last unit when nothing is bracketed.
fn map_example(
    grammar: &Grammar,
    ex: &Example,
) -> Result<(crate::pipeline::Mapped, usize), String> {
    let marked = ex.text.find('[').filter(|_| ex.text.contains(']'));
    let text = if marked.is_some() {
        ex.text.replace(['[', ']'], "")
    } else {
        ex.text.clone()
    };
    let mapped = map_text_explained("example", &text, grammar, &Segmentation::Rules)
        .map_err(|e| e.to_string())?;
    let target = match marked {
        Some(at) => mapped
            .units
            .iter()
            .position(|u| {
                u.place.span.start <= at && at < u.place.span.end.max(u.place.span.start + 1)
            })
            .or_else(|| mapped.units.iter().position(|u| u.place.span.start >= at)),
        None => mapped.units.len().checked_sub(1),
    };
    match target {
        Some(t) => Ok((mapped, t)),
        None => Err("the example has no units".into()),
    }
}

fn role_failure(grammar: &Grammar, r: usize, ex: &Example) -> Option<String> {
    let (mapped, last) = match map_example(grammar, ex) {
        Ok(m) => m,
        Err(e) => return Some(e),
    };
    let fired = mapped.units[last].fired.iter().any(|f| f.rule == r);
    let unit_text = mapped
        .article
        .slice(&mapped.units[last].place.span)
        .to_string();
    match (ex.positive, fired) {
        (true, false) => {
            let why = grammar.roles[r]
                .when
                .as_ref()
                .map(|w| failed_conditions(&mapped, grammar, w, last).join("; "))
                .unwrap_or_default();
            Some(format!("did not fire on \"{unit_text}\": {why}"))
        }
        (false, true) => Some(format!("fired on \"{unit_text}\" but should not")),
        _ => None,
    }
}

fn kind_failure(grammar: &Grammar, r: usize, ex: &Example) -> Option<String> {
    let (mapped, last) = match map_example(grammar, ex) {
        Ok(m) => m,
        Err(e) => return Some(e),
    };
    let unit = &mapped.units[last];
    let fired = unit.kind.fired.iter().any(|f| f.rule == r);
    let unit_text = mapped.article.slice(&unit.place.span).to_string();
    match (ex.positive, fired) {
        (true, false) => {
            let why = grammar.kinds[r]
                .when
                .as_ref()
                .map(|w| failed_conditions(&mapped, grammar, w, last).join("; "))
                .unwrap_or_default();
            Some(format!("did not fire on \"{unit_text}\": {why}"))
        }
        (false, true) => Some(format!("fired on \"{unit_text}\" but should not")),
        _ => None,
    }
}

fn link_failure(grammar: &Grammar, r: usize, ex: &Example) -> Option<String> {
    let (mapped, last) = match map_example(grammar, ex) {
        Ok(m) => m,
        Err(e) => return Some(e),
    };
    let outcome = mapped
        .linking
        .candidates
        .get(last)
        .into_iter()
        .flatten()
        .find(|c| c.rule == r)
        .map(|c| c.outcome.clone());
    let fired = matches!(outcome, Some(Outcome::Chosen(_)) | Some(Outcome::Beaten(_)));
    let unit_text = mapped
        .article
        .slice(&mapped.units[last].place.span)
        .to_string();
    match (ex.positive, fired) {
        (true, false) => Some(match outcome {
            None => {
                format!("\"{unit_text}\" takes no outgoing link (it is the thesis or background)")
            }
            Some(Outcome::NoTarget) => {
                format!("condition held on \"{unit_text}\" but the target does not exist")
            }
            Some(Outcome::WouldCycle(_)) => {
                format!("on \"{unit_text}\" the link would close a cycle")
            }
            _ => {
                let why = grammar.links[r]
                    .when
                    .as_ref()
                    .map(|w| failed_conditions(&mapped, grammar, w, last).join("; "))
                    .unwrap_or_default();
                format!("did not fire on \"{unit_text}\": {why}")
            }
        }),
        (false, true) => Some(format!("fired on \"{unit_text}\" but should not")),
        _ => None,
    }
}
