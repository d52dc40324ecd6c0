//! Growth of mapping time with input size, per shape of adversarial input: each shape at three
//! sizes mapped whole, and at two sizes mapped in parts (as texts past 512 KiB are), so that
//! anything worse than linear shows up as falling throughput. Run with
//! `cargo bench --bench shapes`.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use toulmin::annotate::Segmentation;
use toulmin::grammar::Grammar;
use toulmin::pipeline::{map_text, parts};

/// An input of about `bytes` bytes of each shape.
fn shapes(bytes: usize) -> Vec<(&'static str, String)> {
    let clause = ", because the costs rise";
    vec![
        (
            "long_sentence",
            format!("The plan fails{}", clause.repeat(bytes / clause.len())),
        ),
        (
            "long_paragraph",
            [
                "Costs rise fast.",
                "However, the plan holds.",
                "Because it must, we act.",
            ]
            .repeat(bytes / 66)
            .join(" "),
        ),
        ("tiny_paragraphs", vec!["Yes."; bytes / 6].join("\n\n")),
        (
            "headings",
            (0..bytes / 36)
                .map(|i| format!("# Heading {i}\n\nBecause it is so, we act.\n\n"))
                .collect(),
        ),
        (
            "nesting",
            format!(
                "He said {}because{}.",
                "(\"[".repeat(bytes / 6),
                "]\")".repeat(bytes / 6)
            ),
        ),
        ("however_chain", "However, ".repeat(bytes / 9)),
    ]
}

fn bench(c: &mut Criterion) {
    let grammar = match Grammar::default_grammar() {
        Ok(g) => g,
        Err(d) => panic!("default grammar: {d}"),
    };
    let sizes = [64 * 1024, 256 * 1024, 1024 * 1024];
    let mut by_shape: Vec<(&str, Vec<String>)> = Vec::new();
    for &size in &sizes {
        for (k, (name, text)) in shapes(size).into_iter().enumerate() {
            if by_shape.len() <= k {
                by_shape.push((name, Vec::new()));
            }
            by_shape[k].1.push(text);
        }
    }
    for (name, texts) in by_shape {
        let mut group = c.benchmark_group(format!("shape/{name}"));
        group.sample_size(10);
        for text in &texts {
            group.throughput(Throughput::Bytes(text.len() as u64));
            group.bench_with_input(BenchmarkId::from_parameter(text.len()), text, |b, text| {
                b.iter(|| {
                    map_text(name, text, &grammar, &Segmentation::Rules).map(|m| m.map.units.len())
                })
            });
        }
        group.finish();
    }
    // Past 512 KiB a text is mapped in parts, and its JSON written from their temporary files.
    let one_mib = shapes(1024 * 1024);
    let four_mib = shapes(4 * 1024 * 1024);
    for ((name, small), (_, large)) in one_mib.iter().zip(&four_mib) {
        let mut group = c.benchmark_group(format!("parts/{name}"));
        group.sample_size(10);
        for text in [small, large] {
            group.throughput(Throughput::Bytes(text.len() as u64));
            group.bench_with_input(BenchmarkId::from_parameter(text.len()), text, |b, text| {
                b.iter(|| {
                    let mut parted = parts::map_in_parts(
                        name,
                        text,
                        toulmin::article::InputFormat::Text,
                        None,
                        &grammar,
                        &Segmentation::Rules,
                        parts::PART_BYTES,
                    )
                    .map_err(|e| e.to_string())?;
                    parted
                        .write_json(&mut std::io::sink())
                        .map_err(|e| e.to_string())
                })
            });
        }
        group.finish();
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
