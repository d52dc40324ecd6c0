//! Time of the built-in renderer (layered layout + SVG) on maps shaped like op-eds: 80 units
//! (target < 200 ms) and 2,000 units (target < 2 s, the cap is `MAX_BUILTIN_UNITS`), plus DOT
//! text with its folded edge lengths. Run with `cargo bench --bench layout`.

use criterion::{criterion_group, criterion_main, Criterion};
use toulmin::graph::model::{ArgumentMap, Relation, RelationKind, Role, Source, Stance, Unit};
use toulmin::render::{builtin, dot};

/// Thesis; claims with two premises and an evidence; counterclaims with a rebuttal; sections.
fn op_ed(units: usize, sections: usize) -> ArgumentMap {
    let unit = |i: usize, role: Role, section: String| Unit {
        id: format!("u{i}").into(),
        role,
        kind: None,
        start: i * 100,
        end: i * 100 + 90,
        text: compact_str::format_compact!(
            "Sentence {i} of the article, long enough to wrap over two or three lines of a box"
        ),
        section: Some(section.into()),
        paragraph: 1 + i / 4,
        sentence: i + 1,
        score: 1.0,
        stance: Some(Stance::Pro),
        status: None,
        restates: None,
        display: None,
        rules: vec!["rule".into()],
        cues: vec![],
    };
    let mut us = vec![unit(0, Role::Thesis, "Introduction".into())];
    let mut rels = Vec::new();
    let mut claim = 0;
    for i in 1..units {
        let section = format!("Section {}", 1 + i * sections / units);
        let (role, to, kind) = match i % 6 {
            1 => (Role::Claim, 0, RelationKind::Support),
            2 | 3 => (Role::Premise, claim, RelationKind::Support),
            4 => (Role::Evidence, claim, RelationKind::Support),
            5 => (Role::Counterclaim, 0, RelationKind::Attack),
            _ => (Role::Rebuttal, i - 1, RelationKind::Attack),
        };
        if role == Role::Claim {
            claim = i;
        }
        us.push(unit(i, role, section));
        rels.push(Relation {
            id: format!("r{i}").into(),
            from: format!("u{i}").into(),
            to: format!("u{to}").into(),
            kind,
            rule: "rule".into(),
            score: 1.0,
            carries: true,
        });
    }
    ArgumentMap {
        schema: "toulmin/map@1".into(),
        source: Source {
            name: "bench.txt".into(),
            sha256: String::new(),
            chars: units * 100,
            reading: Default::default(),
        },
        title: Some("Bench".into()),
        byline: None,
        date: None,
        thesis: Some("u0".into()),
        units: us,
        relations: rels,
    }
}

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("builtin");
    group.sample_size(10);
    for (units, sections) in [(80, 4), (2000, 12)] {
        let map = op_ed(units, sections);
        group.bench_function(format!("svg_{units}_units"), |b| {
            b.iter(|| builtin::to_svg(&map))
        });
    }
    group.finish();
    let map = op_ed(80, 4);
    c.bench_function("dot/to_dot_80_units", |b| b.iter(|| dot::to_dot(&map)));
}

criterion_group!(benches, bench);
criterion_main!(benches);
