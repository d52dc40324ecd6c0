//! Generated adversarial inputs — one huge sentence, one huge paragraph, a flood of tiny
//! paragraphs, thousands of headings, deep nesting — must map in time proportional to their
//! size. Each is timed against ordinary commentary mapped in the same process, so the budget
//! holds in debug and release builds and on a busy machine alike; it is generous (the target,
//! measured by benches/sidebyside/run.py, is 10× the time per byte of ordinary text), and what
//! it catches is growth: a quadratic path costs hundreds of times more per byte at these sizes.

use std::time::{Duration, Instant};

use toulmin::annotate::Segmentation;
use toulmin::grammar::Grammar;
use toulmin::pipeline::map_text;

/// The most time per byte an adversarial input may take, in multiples of ordinary text.
const BUDGET: f64 = 40.0;

fn grammar() -> Grammar {
    match Grammar::default_grammar() {
        Ok(g) => g,
        Err(d) => panic!("default grammar: {d}"),
    }
}

/// Best of a few runs: the least disturbed by whatever else the machine is doing.
fn time_to_map(grammar: &Grammar, name: &str, text: &str, runs: usize) -> (Duration, usize) {
    let mut best = Duration::MAX;
    let mut units = 0;
    for _ in 0..runs {
        let start = Instant::now();
        let mapped = map_text(name, text, grammar, &Segmentation::Rules)
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        best = best.min(start.elapsed());
        units = mapped.map.units.len();
    }
    (best, units)
}

fn ordinary_seconds_per_byte(grammar: &Grammar) -> f64 {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
    let mut articles: Vec<String> = std::fs::read_dir(&dir)
        .expect("corpus/ is there")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "txt" || x == "md"))
        .map(|p| std::fs::read_to_string(p).expect("corpus articles are UTF-8"))
        .collect();
    articles.sort();
    let bytes: usize = articles.iter().map(String::len).sum();
    let mut best = f64::MAX;
    for _ in 0..3 {
        let start = Instant::now();
        for (i, a) in articles.iter().enumerate() {
            map_text(&format!("a{i}"), a, grammar, &Segmentation::Rules).expect("maps");
        }
        best = best.min(start.elapsed().as_secs_f64());
    }
    best / bytes as f64
}

struct Shape {
    name: &'static str,
    text: String,
    /// Fewest units the map must have: the input was really cut up, not skipped.
    min_units: usize,
}

fn shapes() -> Vec<Shape> {
    let clause = ", because the costs rise";
    vec![
        Shape {
            name: "a 1 M-character sentence of because-clauses",
            text: format!("The plan fails{}", clause.repeat(1_000_000 / clause.len())),
            min_units: 1_000,
        },
        Shape {
            name: "a 1 MB paragraph of short sentences",
            text: [
                "Costs rise fast.",
                "However, the plan holds.",
                "Because it must, we act.",
            ]
            .repeat(22_000)
            .join(" "),
            min_units: 30_000,
        },
        Shape {
            name: "100 k tiny paragraphs",
            text: vec!["Yes."; 100_000].join("\n\n"),
            min_units: 50_000,
        },
        Shape {
            name: "10 k headings",
            text: (0..10_000)
                .map(|i| format!("# Heading {i}\n\nBecause it is so, we act.\n\n"))
                .collect(),
            // The same sentence ten thousand times: the reader takes some repeats for pull
            // quotes, which are not units.
            min_units: 9_000,
        },
        Shape {
            name: "nesting 100 k quotes and brackets deep",
            text: format!(
                "He said {}because{} and that was that.",
                "(\"[".repeat(100_000),
                "]\")".repeat(100_000)
            ),
            min_units: 1,
        },
        Shape {
            name: "one sentence cut by 88 k `However,`",
            text: "However, ".repeat(88_000),
            min_units: 1,
        },
    ]
}

#[test]
fn adversarial_inputs_map_in_time_proportional_to_their_size() {
    let grammar = grammar();
    let ordinary = ordinary_seconds_per_byte(&grammar);
    let mut report = Vec::new();
    let mut over = Vec::new();
    for shape in shapes() {
        assert!(shape.text.len() <= toulmin::article::MAX_INPUT_BYTES);
        let (took, units) = time_to_map(&grammar, shape.name, &shape.text, 1);
        let ratio = took.as_secs_f64() / shape.text.len() as f64 / ordinary;
        report.push(format!(
            "{}: {} bytes, {units} units, {took:.2?}, {ratio:.1}× ordinary time per byte",
            shape.name,
            shape.text.len()
        ));
        assert!(
            units >= shape.min_units,
            "{}: only {units} units",
            shape.name
        );
        if ratio > BUDGET {
            over.push(shape.name);
        }
    }
    eprintln!("{}", report.join("\n"));
    assert!(
        over.is_empty(),
        "over {BUDGET}× the time per byte of ordinary text: {over:?}\n{}",
        report.join("\n")
    );
}
