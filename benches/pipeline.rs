//! Throughput of the pipeline: one commentary article, and the whole microtext dev set (when
//! ../shared/eval is present). Run with `cargo bench`.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use toulmin::annotate::Segmentation;
use toulmin::grammar::Grammar;
use toulmin::pipeline::map_text;

fn bench(c: &mut Criterion) {
    let grammar = match Grammar::default_grammar() {
        Ok(g) => g,
        Err(d) => panic!("default grammar: {d}"),
    };
    let article = include_str!("../corpus/ipcs-us-north-korea-2018.txt");
    let mut group = c.benchmark_group("map");
    group.throughput(Throughput::Bytes(article.len() as u64));
    group.bench_function("reference_article", |b| {
        b.iter(|| {
            map_text("ipcs", article, &grammar, &Segmentation::Rules).map(|m| m.map.units.len())
        })
    });
    group.finish();

    c.bench_function("grammar/compile_default", |b| {
        b.iter(Grammar::default_grammar)
    });

    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/eval/microtexts_part2.jsonl");
    if let Ok(gold) = toulmin::eval::read_jsonl(&path) {
        let mut group = c.benchmark_group("eval");
        group.throughput(Throughput::Elements(gold.len() as u64));
        group.bench_function("microtexts_gold_units", |b| {
            b.iter(|| toulmin::eval::run::predict(&gold, &grammar, true).map(|m| m.len()))
        });
        group.finish();
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
